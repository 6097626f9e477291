package credstore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service attribute of remoteyaml's keyring items;
// the user attribute is the login's entry URI. Seahorse and Keychain Access
// show them as "Password for 'docker://host' on 'remoteyaml'". An item's
// secret is the Authorization value the entry's Auth would hold ("Basic
// base64(user:secret)" or "Bearer <token>"), so moving it between remote.yaml
// and the keyring never re-encodes anything.
const KeyringService = "remoteyaml"

var (
	// ErrKeyringLocked: the keyring exists but is locked and could not be
	// unlocked (no prompt could be shown).
	ErrKeyringLocked = errors.New("the OS keyring is locked: unlock it (log in to the desktop session, or run `gnome-keyring-daemon --unlock`), or keep secrets in remote.yaml with REMOTEYAML_SECRETS=file")
	// ErrKeyringUnavailable: no Secret Service answers on the session bus.
	ErrKeyringUnavailable = errors.New("no OS keyring (Secret Service) answers on the D-Bus session bus: start one in this session (gnome-keyring-daemon, KeePassXC), or keep secrets in remote.yaml with REMOTEYAML_SECRETS=file")
)

// keyringTimeout bounds a keyring call: an unlock prompt on a desktop waits
// for the user, but a helper must not hang a client forever.
var keyringTimeout = 60 * time.Second

func withTimeout[T any](f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(keyringTimeout):
		var zero T
		return zero, fmt.Errorf("%w (no answer within %s: is an unlock prompt waiting?)", ErrKeyringLocked, keyringTimeout)
	}
}

// keyringError names the cause a user can act on; the library's own text
// is kept only when it is neither of the two known causes.
func keyringError(op, uri string, err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	if errors.Is(err, ErrKeyringLocked) || errors.Is(err, ErrKeyringUnavailable) {
		return fmt.Errorf("%s %s: %w", op, uri, err)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to unlock"), strings.Contains(msg, "IsLocked"), strings.Contains(msg, "is locked"):
		return fmt.Errorf("%s %s: %w", op, uri, ErrKeyringLocked)
	case strings.Contains(msg, "dbus"), strings.Contains(msg, "DBUS"), strings.Contains(msg, "dial unix"),
		strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"), strings.Contains(msg, "connection refused"):
		return fmt.Errorf("%s %s: %w (%s)", op, uri, ErrKeyringUnavailable, firstLine(msg))
	}
	return fmt.Errorf("%s %s in the OS keyring: %s", op, uri, firstLine(msg))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// osKeyring is the OS keyring (go-keyring's Secret Service, Keychain or
// Credential Manager provider); tests put an in-memory one in its place.
var osKeyring = struct {
	get func(service, user string) (string, error)
	set func(service, user, secret string) error
	del func(service, user string) error
}{keyring.Get, keyring.Set, keyring.Delete}

func keyringGet(uri string) (string, error) {
	v, err := withTimeout(func() (string, error) { return osKeyring.get(KeyringService, uri) })
	if err != nil {
		return "", keyringError("reading", uri, err)
	}
	return v, nil
}

func keyringSet(uri, auth string) error {
	_, err := withTimeout(func() (struct{}, error) { return struct{}{}, osKeyring.set(KeyringService, uri, auth) })
	if err != nil {
		return keyringError("storing", uri, err)
	}
	return nil
}

func keyringDelete(uri string) error {
	_, err := keyringRemove(uri)
	return err
}

// keyringRemove deletes the item of uri and reports whether there was one.
func keyringRemove(uri string) (bool, error) {
	_, err := withTimeout(func() (struct{}, error) { return struct{}{}, osKeyring.del(KeyringService, uri) })
	if err != nil {
		if err := keyringError("removing", uri, err); !errors.Is(err, ErrNotFound) {
			return false, err
		}
		return false, nil
	}
	return true, nil
}
