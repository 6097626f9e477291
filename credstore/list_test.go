package credstore

import (
	"encoding/base64"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestListByKey_AsksOnlyForListedLogins: in keyring mode, ListByKey lists
// the first login of each key with its user name, and asks the keyring
// for those logins only: not for entries without a key (an OAuth token)
// nor for later entries of a key already listed.
func TestListByKey_AsksOnlyForListedLogins(t *testing.T) {
	items := fakeKeyring(t, nil)
	var asked []string
	get := osKeyring.get
	osKeyring.get = func(service, user string) (string, error) {
		asked = append(asked, user)
		return get(service, user)
	}
	s := newStore(t, InKeyring)
	uris := []string{"docker://b.example.com", "docker-access-token://docker.io", "oras://b.example.com", "docker://a.example.com/p", "docker://missing.example.com"}
	var text strings.Builder
	text.WriteString("Credentials:\n")
	for i, u := range uris {
		text.WriteString("    - URI: " + u + "\n      Insecure: false\n")
		if u != "docker://missing.example.com" {
			items[KeyringService+"\x00"+u] = "Basic " + base64.StdEncoding.EncodeToString([]byte("user"+string(rune('0'+i))+":pw"))
		}
	}
	if err := os.WriteFile(s.File.Path, []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(s.File.Path, old, old)
	// The key of docker:// and oras:// entries is their host.
	key := func(uri string) (string, bool) {
		scheme, rest, _ := strings.Cut(uri, "://")
		if scheme != "docker" && scheme != "oras" {
			return "", false
		}
		host, _, _ := strings.Cut(rest, "/")
		return host, true
	}
	got, err := s.ListByKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var gotText []string
	for _, l := range got {
		gotText = append(gotText, l.Key+" "+l.URI+" "+l.Username+" "+l.From)
	}
	want := []string{
		"b.example.com docker://b.example.com user0 keyring",
		"a.example.com docker://a.example.com/p user3 keyring",
		"missing.example.com docker://missing.example.com  ",
	}
	if !slices.Equal(gotText, want) {
		t.Errorf("ListByKey = %q, want %q", gotText, want)
	}
	wantAsked := []string{"docker://b.example.com", "docker://a.example.com/p", "docker://missing.example.com"}
	if !slices.Equal(asked, wantAsked) {
		t.Errorf("keyring asked for %q, want only the listed logins %q", asked, wantAsked)
	}
}
