package credstore

import (
	"errors"
	"testing"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Issue 21 item 10: a keyring item must not outlive its entry. Each case
// leaves an item without an entry the way it was seen, then runs the next
// write of remote.yaml (a store of another login); afterwards no item may
// be left that no entry names, and the other logins keep theirs.
func TestKeyring_NoItemOutlivesItsEntry(t *testing.T) {
	const uri, other = "docker://gone.example.com", "docker://other.example.com"
	cases := []struct {
		name  string
		leave func(t *testing.T, s *Store, fail *error, lostReply *bool)
	}{
		{"a CLI's registry logout drops the entry itself", func(t *testing.T, s *Store, fail *error, lostReply *bool) {
			if err := s.Put(Login{URI: uri, Username: "u", Secret: "CLI-LOGOUT-SECRET"}, host(uri)); err != nil {
				t.Fatal(err)
			}
			// Apptainer without an "auths" key for the host: no erase,
			// the entry dropped in place.
			err := s.File.Update(func(d *yamlstore.Document) error {
				_, err := d.RemoveCredentials(func(c yamlstore.Credential) bool { return c.URI == uri })
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"a store whose keyring answer was lost (daemon killed)", func(t *testing.T, s *Store, fail *error, lostReply *bool) {
			*lostReply = true
			*fail = errors.New("dbus: connection closed by user")
			if err := s.Put(Login{URI: uri, Username: "u", Secret: "LOST-REPLY-SECRET"}, host(uri)); err == nil {
				t.Fatal("the store succeeded with the keyring gone")
			}
			*lostReply, *fail = false, nil
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			items, fail, lostReply := lossyKeyring(t)
			s := newStore(t, InKeyring)
			if err := s.Put(Login{URI: other, Username: "o", Secret: "OTHER"}, host(other)); err != nil {
				t.Fatal(err)
			}
			tt.leave(t, s, fail, lostReply)
			if err := s.Put(Login{URI: "docker://next.example.com", Username: "n", Secret: "NEXT"}, host("docker://next.example.com")); err != nil {
				t.Fatal(err)
			}
			if v, ok := items[KeyringService+"\x00"+uri]; ok {
				t.Errorf("after the next write the item of %s is still in the keyring (%q), with no entry naming it", uri, v)
			}
			if l, err := s.Get(rank(other)); err != nil || l.Secret != "OTHER" {
				t.Errorf("the other login: %+v %v", l, err)
			}
		})
	}
}

// lossyKeyring is breakableKeyring whose set, while *lostReply, stores the
// item and then fails: the answer of a Secret Service killed after it
// saved the item.
func lossyKeyring(t *testing.T) (items map[string]string, fail *error, lostReply *bool) {
	t.Helper()
	items, fail = breakableKeyring(t)
	lostReply = new(bool)
	set := osKeyring.set
	osKeyring.set = func(service, user, secret string) error {
		if *lostReply {
			items[service+"\x00"+user] = secret
		}
		return set(service, user, secret)
	}
	return items, fail, lostReply
}
