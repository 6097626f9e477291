package credstore

import (
	"errors"
	"testing"
)

// breakableKeyring is fakeKeyring whose every call fails with *fail while
// it is set: a keyring that locks (or whose daemon goes away) mid-test.
func breakableKeyring(t *testing.T) (items map[string]string, fail *error) {
	t.Helper()
	items = fakeKeyring(t, nil)
	fail = new(error)
	get, set, del := osKeyring.get, osKeyring.set, osKeyring.del
	osKeyring.get = func(service, user string) (string, error) {
		if *fail != nil {
			return "", *fail
		}
		return get(service, user)
	}
	osKeyring.set = func(service, user, secret string) error {
		if *fail != nil {
			return *fail
		}
		return set(service, user, secret)
	}
	osKeyring.del = func(service, user string) error {
		if *fail != nil {
			return *fail
		}
		return del(service, user)
	}
	return items, fail
}

// Item 5 of issue 10: an erase with the keyring locked changed remote.yaml
// (the entry went) and then failed, leaving the secret in the keyring where
// no later command would find it.
func TestDelete_KeyringLockedChangesNothing(t *testing.T) {
	items, fail := breakableKeyring(t)
	s := newStore(t, InKeyring)
	const uri = "docker://locked.example.com"
	if err := s.Put(Login{URI: uri, Username: "u", Secret: "LOCKED-SECRET"}, host(uri)); err != nil {
		t.Fatal(err)
	}
	before := fileText(t, s)
	*fail = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")
	err := s.Delete(host(uri), uri)
	if !errors.Is(err, ErrKeyringLocked) {
		t.Fatalf("delete with the keyring locked: %v, want ErrKeyringLocked", err)
	}
	if got := fileText(t, s); got != before {
		t.Errorf("a failed delete changed remote.yaml:\n%s\nwant\n%s", got, before)
	}
	if items[KeyringService+"\x00"+uri] == "" {
		t.Errorf("a failed delete removed the keyring item")
	}
	*fail = nil
	if l, err := s.Get(rank(uri)); err != nil || l.Secret != "LOCKED-SECRET" {
		t.Errorf("after the failed delete, get = %+v, %v; want the login intact", l, err)
	}
	if err := s.Delete(host(uri), uri); err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 {
		t.Errorf("items left after the delete: %v", items)
	}
}

// Item 5 of issue 10: a keyring item whose entry is already gone (an
// earlier half-done erase, a hand edit) is removed by erase/logout, not
// reported as "not found" and kept.
func TestDelete_RemovesOrphanedKeyringItem(t *testing.T) {
	items := fakeKeyring(t, nil)
	s := newStore(t, InKeyring)
	const uri = "docker://orphan.example.com"
	items[KeyringService+"\x00"+uri] = "Basic dTpPUlBIQU4="
	if err := s.Delete(host(uri), uri); err != nil {
		t.Fatalf("delete of an orphaned item: %v", err)
	}
	if len(items) != 0 {
		t.Errorf("the orphaned item stayed: %v", items)
	}
	if err := s.Delete(host(uri), uri); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}

// In file mode the keyring is never asked: a machine without D-Bus must
// be able to log out.
func TestDelete_FileModeNeverAsksKeyring(t *testing.T) {
	fakeKeyring(t, errors.New("dial unix /run/user/0/bus: connect: no such file or directory"))
	s := newStore(t, InFile)
	const uri = "docker://plain.example.com"
	if err := s.Put(Login{URI: uri, Username: "u", Secret: "pw"}, host(uri)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(host(uri), uri); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(host(uri), uri); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}
