package credstore

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/remoteyaml/remoteyaml/machine"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// ErrNotFound is returned when no entry holds the login asked for.
var ErrNotFound = errors.New("credentials not found")

// TokenUser is the user name that marks an identity token in the helper
// protocol (docker/cli native_store.go).
const TokenUser = "<token>"

// Login is one registry login.
type Login struct {
	URI      string // the Credentials entry URI
	Username string
	Secret   string
	Insecure bool
	// From says where Get or List found the secret: FromFile, FromKeyring,
	// FromDockerConfig, or "" when it is nowhere.
	From string
	// Path is the docker config file that holds it, for FromDockerConfig.
	Path string
}

// Where a secret was found.
const (
	FromFile         = "remote.yaml"
	FromKeyring      = "keyring"
	FromDockerConfig = "docker-config"
)

// Store is the set of logins of one remote.yaml.
type Store struct {
	File *yamlstore.File
	// DockerConfig is the docker config file Apptainer's registry login
	// writes secrets of entries without Auth to now; empty for none.
	DockerConfig string
	// DockerConfigs are every file Apptainer may have written such a secret
	// to, in the order it reads them; the first that holds one serves it.
	DockerConfigs []string
	// Secrets says where Put keeps registry secrets; the zero value is InFile.
	Secrets Secrets
}

// Open finds remote.yaml and the program's docker configs from the
// environment, through the machine model without running any program.
func Open(getenv func(string) string) (*Store, error) {
	return OpenIn(machine.Probe(machine.Env{Getenv: getenv, LookPath: exec.LookPath}))
}

// OpenIn opens the store the machine model m names: the remote.yaml that
// holds the logins now (before Apptainer's migration, the one it will
// copy), and the docker configs that program reads.
func OpenIn(m *machine.Machine) (*Store, error) {
	u, err := m.UserFile()
	if err != nil {
		return nil, err
	}
	settings, err := LoadSettings(m.Getenv)
	if err != nil {
		return nil, err
	}
	configs := m.UserDockerConfigs(u)
	return &Store{
		File:          &yamlstore.File{Path: u.ReadPath()},
		DockerConfig:  writtenDockerConfig(configs),
		DockerConfigs: configs,
		Secrets:       settings.Secrets,
	}, nil
}

// IsRegistryLogin tells the logins whose secrets this store manages (and
// may move to the keyring) from keyserver logins, whose Auth Apptainer
// reads from remote.yaml and which therefore always stay there.
func IsRegistryLogin(uri string) bool {
	scheme, _, ok := strings.Cut(uri, "://")
	if !ok {
		return false
	}
	switch scheme {
	case "docker", "oras", "docker-access-token", "docker-refresh-token":
		return true
	}
	return false
}

// writtenDockerConfig is the file the program's registry login writes
// secrets of entries without Auth to now: docker-config.json when it
// exists, else the fallback (Apptainer ≥1.4 SearchDockerConf).
func writtenDockerConfig(configs []string) string {
	if _, err := os.Stat(configs[0]); err == nil || len(configs) == 1 {
		return configs[0]
	}
	return configs[1]
}

// dockerConfigs is DockerConfigs, or DockerConfig for a Store built by
// hand with only that.
func (s *Store) dockerConfigs() []string {
	if len(s.DockerConfigs) > 0 {
		return s.DockerConfigs
	}
	if s.DockerConfig != "" {
		return []string{s.DockerConfig}
	}
	return nil
}

// Get returns the best login: the entry with the highest rank (> 0), the
// first of equals. An entry whose secret is nowhere is skipped.
func (s *Store) Get(rank func(uri string) int) (Login, error) {
	d, err := s.File.Read()
	if err != nil {
		return Login{}, err
	}
	best, bestRank := Login{}, 0
	var lookupErr error
	sl := secretLookup{store: s}
	for _, e := range d.Credentials() {
		r := rank(e.URI)
		if r <= bestRank {
			continue
		}
		l := Login{URI: e.URI, Insecure: e.Insecure}
		l.Username, l.Secret, l.From, err = sl.secret(e)
		sl.setPath(&l)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			lookupErr = err
			continue
		}
		best, bestRank = l, r
	}
	if bestRank == 0 {
		if lookupErr != nil {
			return Login{}, lookupErr
		}
		return Login{}, ErrNotFound
	}
	return best, nil
}

// secretLookup finds the secret of an entry: its Auth, else (keyring mode)
// the keyring item, else Apptainer's docker config files, in order. It
// reads each file at most once.
type secretLookup struct {
	store *Store
	auths []map[string]dockerAuth // by index of dockerConfigs(), once read
}

// dockerAuth finds the entry's secret in the docker config files: the file
// and key that hold it.
func (sl *secretLookup) dockerAuth(uri string) (a dockerAuth, path, key string, err error) {
	paths := sl.store.dockerConfigs()
	for i, p := range paths {
		if i == len(sl.auths) {
			m, err := readDockerAuths(p)
			if err != nil {
				return a, "", "", err
			}
			sl.auths = append(sl.auths, m)
		}
		if a, key, ok := lookupDockerAuth(sl.auths[i], uri); ok {
			return a, p, key, nil
		}
	}
	return a, "", "", ErrNotFound
}

// setPath names the docker config file of a login found there (the files
// are read already: no I/O).
func (sl *secretLookup) setPath(l *Login) {
	if l.From == FromDockerConfig {
		_, l.Path, _, _ = sl.dockerAuth(l.URI)
	}
}

func (sl *secretLookup) secret(e yamlstore.Credential) (user, secret, from string, err error) {
	s := sl.store
	if e.Auth != "" {
		user, secret, err = decodeAuth(e.Auth)
		if err != nil {
			return "", "", "", fmt.Errorf("login %s in %s: %w", e.URI, s.File.Path, err)
		}
		return user, secret, FromFile, nil
	}
	var keyErr error
	if s.Secrets == InKeyring && IsRegistryLogin(e.URI) {
		auth, err := keyringGet(e.URI)
		if err == nil {
			if user, secret, err = decodeAuth(auth); err != nil {
				return "", "", "", fmt.Errorf("login %s in the OS keyring: %w", e.URI, err)
			}
			return user, secret, FromKeyring, nil
		}
		if !errors.Is(err, ErrNotFound) {
			keyErr = err // Apptainer's docker config may still hold it
		}
	}
	a, _, _, err := sl.dockerAuth(e.URI)
	if err == nil {
		return a.user, a.secret, FromDockerConfig, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return "", "", "", err
	}
	if keyErr != nil {
		return "", "", "", keyErr
	}
	return "", "", "", ErrNotFound
}

// Put stores l, replacing every entry same reports true for (and every
// entry Apptainer's SameURI rule treats as the same login). A replaced
// entry keeps its Insecure flag: the user set it, not the client. In
// keyring mode the secret goes to the keyring first, under the file's
// lock, and the entry keeps only URI and Insecure; if the keyring fails,
// nothing is written: the secret never falls back to plain text on its
// own. The item of a new login whose entry could not be written is
// removed, or, if the keyring cannot be reached, by the next write (see
// keyringSweep).
func (s *Store) Put(l Login, same func(uri string) bool) error {
	auth, err := encodeAuth(l.Username, l.Secret)
	if err != nil {
		return err
	}
	keyring := s.Secrets == InKeyring && IsRegistryLogin(l.URI)
	var replaced []string
	var itemWritten, existed bool
	err = s.File.Update(func(d *yamlstore.Document) error {
		c := yamlstore.Credential{URI: l.URI, Auth: auth, Insecure: l.Insecure}
		replaced, existed = replaced[:0], false
		if keyring {
			// A file the edit would refuse must not leave a keyring item
			// behind.
			if err := d.Problem(); err != nil {
				return fmt.Errorf("reading %s: %w", s.File.Path, err)
			}
			for _, e := range d.Credentials() {
				// Only an equal URI can say so: same runs for those alone.
				if e.URI == l.URI && (same(e.URI) || yamlstore.SameURI(l.URI, e.URI)) {
					existed = true
				}
			}
			if err := s.keyringSweep(d, l.URI); err != nil {
				return err
			}
			itemWritten = true
			if err := keyringSet(l.URI, auth); err != nil {
				return err
			}
			c.Auth = ""
		}
		// One pass over the logins, PutLogin's: same runs once per entry.
		return d.PutLogin(c, func(e yamlstore.Credential) bool { return same(e.URI) },
			func(c *yamlstore.Credential, e yamlstore.Credential) {
				c.Insecure = c.Insecure || e.Insecure
				if e.URI != l.URI {
					replaced = append(replaced, e.URI)
				}
			})
	})
	if err != nil && itemWritten && !existed {
		keyringRemove(l.URI) // best effort: else the next write's sweep
	}
	if err == nil && s.Secrets == InKeyring {
		for _, uri := range replaced {
			keyringDelete(uri) // the entry is gone; an orphaned item is only clutter
		}
	}
	return err
}

// Delete removes every entry match reports true for, and, in keyring mode,
// their keyring items and the item of uri (the entry URI Put stores the
// login under) even when no entry names it any more. ErrNotFound if there
// was nothing to remove. The secret of an entry without Auth that
// Apptainer keeps in a docker config file is removed from that file, as
// Apptainer's own registry logout does: only that key of "auths" changes.
//
// The keyring items go first, inside the edit and under the file's lock:
// if the keyring is locked or unreachable the edit fails and nothing
// changes; if the write fails after them, what is left is an entry without
// a secret, which the next logout removes. The other order could leave a
// secret in the keyring with no entry pointing at it, found by nothing.
func (s *Store) Delete(match func(uri string) bool, uri string) error {
	keyring := s.Secrets == InKeyring
	var removed []yamlstore.Credential
	var orphan bool
	err := s.File.Update(func(d *yamlstore.Document) error {
		removed, orphan = removed[:0], false
		var items []string
		for _, e := range d.Config().Credentials {
			if match(e.URI) {
				removed = append(removed, e)
				if keyring && IsRegistryLogin(e.URI) {
					items = append(items, e.URI)
				}
			}
		}
		// A secret Apptainer keeps in a docker config must be removable
		// before its entry goes: an entry gone with its secret left there
		// would keep Apptainer logged in, found by nothing.
		sl := secretLookup{store: s}
		for _, e := range removed {
			if e.Auth != "" || !IsRegistryLogin(e.URI) {
				continue
			}
			_, path, key, err := sl.dockerAuth(e.URI)
			if err == nil {
				err = checkDockerAuth(path, key)
			}
			if err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("not removed: its secret in the docker config could not be: %w", err)
			}
		}
		if keyring && IsRegistryLogin(uri) && !slices.Contains(items, uri) {
			found, err := keyringRemove(uri)
			if err != nil {
				return err
			}
			orphan = found
		}
		for _, it := range items {
			if _, err := keyringRemove(it); err != nil {
				return err
			}
		}
		if _, err := d.RemoveCredentials(func(e yamlstore.Credential) bool { return match(e.URI) }); err != nil {
			return err
		}
		if keyring {
			return s.keyringSweep(d, "")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(removed) == 0 && !orphan {
		return ErrNotFound
	}
	var errs []error
	sl := secretLookup{store: s}
	for _, e := range removed {
		// Even with a keyring item gone too: a secret left in the docker
		// config would keep Apptainer logged in.
		if e.Auth != "" || !IsRegistryLogin(e.URI) {
			continue
		}
		_, path, key, err := sl.dockerAuth(e.URI)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err == nil {
			err = removeDockerAuth(path, key)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("removed %s from %s, but its secret stays in the docker config: %w", e.URI, s.File.Path, err))
		}
	}
	return errors.Join(errs...)
}

// List returns the logins without their secrets. An entry whose user name
// cannot be read (its secret is nowhere, or the keyring is locked) is
// listed with an empty user name.
func (s *Store) List() ([]Login, error) {
	d, err := s.File.Read()
	if err != nil {
		return nil, err
	}
	var out []Login
	sl := secretLookup{store: s}
	for _, e := range d.Credentials() {
		out = append(out, sl.login(e))
	}
	return out, nil
}

// KeyedLogin is a login of ListByKey and its key.
type KeyedLogin struct {
	Key string
	Login
}

// ListByKey is List of one login per key: key names an entry's key (false:
// the entry is not listed), and of the entries with the same key the first
// in the file is listed. key runs once per entry, in file order, before
// any user name is looked up: an entry that is not listed costs no
// decoding, no keyring call and no docker config read. The helper's list
// is this, with protocol.ListKey.
func (s *Store) ListByKey(key func(uri string) (string, bool)) ([]KeyedLogin, error) {
	d, err := s.File.Read()
	if err != nil {
		return nil, err
	}
	creds := d.Credentials()
	// Sized once: growing them was a twentieth of a list of 1,000 logins.
	seen := make(map[string]bool, len(creds))
	out := make([]KeyedLogin, 0, len(creds))
	sl := secretLookup{store: s}
	for _, e := range creds {
		k, ok := key(e.URI)
		if !ok || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, KeyedLogin{Key: k, Login: sl.login(e)})
	}
	return out, nil
}

// login is the entry's login with its user name and where its secret is,
// without the secret.
func (sl *secretLookup) login(e yamlstore.Credential) Login {
	l := Login{URI: e.URI, Insecure: e.Insecure}
	if e.Auth != "" {
		// authUser, not decodeAuth: list decodes every login's Auth.
		if user, ok := authUser(e.Auth); ok {
			l.Username, l.From = user, FromFile
		}
	} else {
		l.Username, _, l.From, _ = sl.secret(e)
	}
	sl.setPath(&l)
	return l
}

// Resolved is one Credentials entry with its secret, or why it has none.
type Resolved struct {
	Login
	// Err is why the secret could not be read: ErrNotFound when it is
	// nowhere, else a message that names the entry and never the secret.
	Err error
}

// Resolve finds the secret of each entry as Get does, reading the keyring
// and Apptainer's docker config as needed, so a caller that has read the
// file once sees one consistent view.
func (s *Store) Resolve(entries []yamlstore.Credential) []Resolved {
	out := make([]Resolved, 0, len(entries))
	sl := secretLookup{store: s}
	for _, e := range entries {
		r := Resolved{Login: Login{URI: e.URI, Insecure: e.Insecure}}
		r.Username, r.Secret, r.From, r.Err = sl.secret(e)
		sl.setPath(&r.Login)
		out = append(out, r)
	}
	return out
}

func encodeAuth(user, secret string) (string, error) {
	switch {
	case user == TokenUser:
		if secret == "" || strings.ContainsAny(secret, " \t\r\n") {
			return "", errors.New("an identity token must be one word")
		}
		return "Bearer " + secret, nil
	case strings.Contains(user, ":"):
		return "", errors.New("a user name cannot contain ':' (Basic authentication splits there)")
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+secret)), nil
}

func decodeAuth(auth string) (user, secret string, err error) {
	scheme, val, _ := strings.Cut(auth, " ")
	// EqualFold, not ToLower: list decodes every login, and ToLower
	// allocates for "Basic".
	switch {
	case strings.EqualFold(scheme, "bearer"):
		return TokenUser, val, nil
	case strings.EqualFold(scheme, "basic"):
		raw, colon, err := decodeBasic(val, nil)
		if err != nil {
			return "", "", err
		}
		pair := string(raw)
		return pair[:colon], pair[colon+1:], nil
	}
	// Never quote any of it: with no recognised scheme, the "scheme" may be
	// the whole secret (Auth: RAWTOKEN, "Bearer<TAB>token").
	return "", "", errors.New("its Auth is neither \"Basic …\" nor \"Bearer …\"; log in again")
}

// authUser is the user name decodeAuth finds in auth, false where
// decodeAuth fails, without keeping the secret: a Basic value of up to 96
// bytes decoded is decoded on the stack, and only the user name is
// copied. decodeAuth allocated twice per login, and list decodes every
// login (half the time of the decoding; TestAuthUser_sameAsDecodeAuth).
func authUser(auth string) (string, bool) {
	scheme, val, _ := strings.Cut(auth, " ")
	switch {
	case strings.EqualFold(scheme, "bearer"):
		return TokenUser, true
	case strings.EqualFold(scheme, "basic"):
		var buf [96]byte
		raw, colon, err := decodeBasic(val, buf[:])
		if err != nil {
			return "", false
		}
		return string(raw[:colon]), true
	}
	return "", false
}

// decodeBasic is the one reading of a Basic value, decodeAuth's and
// authUser's: the decoded "user:secret" (in buf when it fits, else in a
// new slice) and the offset of the ':' that ends the user name.
func decodeBasic(val string, buf []byte) (raw []byte, colon int, err error) {
	val = strings.TrimSpace(val)
	if n := base64.StdEncoding.DecodedLen(len(val)); n > len(buf) {
		buf = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(buf, []byte(val))
	if err != nil {
		return nil, 0, errors.New("its Auth is not valid base64; log in again")
	}
	raw = buf[:n]
	if colon = bytes.IndexByte(raw, ':'); colon < 0 {
		return nil, 0, errors.New("its Auth lacks the user:secret form; log in again")
	}
	return raw, colon, nil
}

// AuthScheme names the scheme of an Auth value, "Basic" or "Bearer", for
// showing a login without its secret; "" when the value has neither, in
// which case no part of it may be shown.
func AuthScheme(auth string) string {
	scheme, _, ok := strings.Cut(auth, " ")
	if !ok {
		return ""
	}
	switch strings.ToLower(scheme) {
	case "basic":
		return "Basic"
	case "bearer":
		return "Bearer"
	}
	return ""
}
