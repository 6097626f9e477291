package credstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Logins of one host that the same-login rule would merge: the host, a
// path-scoped login, an oras login and an older duplicate of the first.
const sameHostLogins = "Credentials:\n" +
	"    - URI: docker://reg.example.com # main\n      Auth: Basic dTE6UFctSE9TVA==\n      Insecure: false\n" +
	"    - URI: docker://reg.example.com/team\n      Auth: Basic dTI6UFctVEVBTQ==\n      Insecure: true\n" +
	"    - URI: oras://reg.example.com\n      Auth: Basic dTQ6UFctT1JBUw==\n      Insecure: false\n" +
	"    - URI: docker://reg.example.com\n      Auth: Basic dTM6UFctT0xE\n      Insecure: false\n"

// Item 6 of issue 10: migrate re-put every entry through the same-login rule,
// so logins of one host collapsed into one and secrets were orphaned. Each
// entry moves as it is; a duplicate URI whose keyring item would hold
// another login's secret stays in remote.yaml, with its own secret.
func TestMigrate_NeverMergesLogins(t *testing.T) {
	items := fakeKeyring(t, nil)
	s := newStore(t, InFile)
	if err := os.WriteFile(s.File.Path, []byte(sameHostLogins), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(InKeyring); err != nil {
		t.Fatal(err)
	}
	d, err := s.File.Read()
	if err != nil {
		t.Fatal(err)
	}
	creds := d.Config().Credentials
	wantURIs := []string{"docker://reg.example.com", "docker://reg.example.com/team", "oras://reg.example.com", "docker://reg.example.com"}
	if len(creds) != len(wantURIs) {
		t.Fatalf("%d entries after migrating to the keyring, want %d:\n%s", len(creds), len(wantURIs), fileText(t, s))
	}
	for i, c := range creds {
		if c.URI != wantURIs[i] {
			t.Errorf("entry %d is %s, want %s", i, c.URI, wantURIs[i])
		}
	}
	if !creds[1].Insecure {
		t.Errorf("the team login lost its Insecure flag")
	}
	for uri, want := range map[string]string{
		"docker://reg.example.com":      "Basic dTE6UFctSE9TVA==",
		"docker://reg.example.com/team": "Basic dTI6UFctVEVBTQ==",
		"oras://reg.example.com":        "Basic dTQ6UFctT1JBUw==",
	} {
		if got := items[KeyringService+"\x00"+uri]; got != want {
			t.Errorf("keyring item %s = %q, want %q", uri, got, want)
		}
	}
	if creds[0].Auth != "" || creds[1].Auth != "" || creds[2].Auth != "" {
		t.Errorf("a moved secret is still in remote.yaml:\n%s", fileText(t, s))
	}
	if creds[3].Auth != "Basic dTM6UFctT0xE" {
		t.Errorf("the older duplicate lost its own secret: Auth %q", creds[3].Auth)
	}
	s.Secrets = InKeyring
	if l, err := s.Get(rank("docker://reg.example.com/team")); err != nil || l.Username != "u2" || l.Secret != "PW-TEAM" {
		t.Errorf("get of the team login: %+v %v", l, err)
	}
	if _, err := s.Migrate(InFile); err != nil {
		t.Fatal(err)
	}
	if got := fileText(t, s); got != sameHostLogins {
		t.Errorf("keyring and back changed remote.yaml:\n%s\nwant\n%s", got, sameHostLogins)
	}
	if len(items) != 0 {
		t.Errorf("keyring items left after migrating back: %v", items)
	}
	if strings.Count(fileText(t, s), "Auth:") != 4 {
		t.Errorf("not every secret came back")
	}
}

// Switch ends with the setting where the secrets are; a fresh Open (what
// the next helper process does) then finds them.
func TestSwitch_WritesTheSettingLast(t *testing.T) {
	items, fail := breakableKeyring(t)
	s := newStore(t, InFile)
	env := map[string]string{"HOME": filepath.Dir(s.File.Path), "REMOTEYAML_FILE": s.File.Path}
	getenv := func(k string) string { return env[k] }
	if err := os.WriteFile(s.File.Path, []byte(sameHostLogins), 0o600); err != nil {
		t.Fatal(err)
	}
	settings := SettingsPath(getenv)
	os.MkdirAll(filepath.Dir(settings), 0o700)
	os.WriteFile(settings, []byte("# chosen by hand\nsecrets: file # default\n"), 0o640)

	*fail = errors.New("failed to unlock correct collection")
	if _, err := s.Switch(InKeyring, getenv); !errors.Is(err, ErrKeyringLocked) {
		t.Fatalf("switch with a locked keyring: %v", err)
	}
	if st, _ := LoadSettings(getenv); st.Secrets != InFile || fileText(t, s) != sameHostLogins {
		t.Fatalf("a failed switch changed the setting (%s) or remote.yaml", st.Secrets)
	}
	*fail = nil
	m, err := s.Switch(InKeyring, getenv)
	if err != nil || len(m.Moved) != 3 || len(m.Kept) != 1 || !m.SettingChanged || m.SettingsPath != settings {
		t.Fatalf("switch: %+v %v", m, err)
	}
	got, _ := os.ReadFile(settings)
	if string(got) != "# chosen by hand\nsecrets: keyring # default\n" {
		t.Errorf("settings file after the switch: %q", got)
	}
	if fi, _ := os.Stat(settings); fi.Mode().Perm() != 0o640 {
		t.Errorf("settings file mode %v, want the user's 0640", fi.Mode().Perm())
	}
	fresh, err := Open(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := fresh.Get(rank("docker://reg.example.com/team")); err != nil || l.Secret != "PW-TEAM" || l.From != FromKeyring {
		t.Errorf("a fresh store after the switch: %+v %v", l, err)
	}
	if m, err := s.Switch(InKeyring, getenv); err != nil || m.SettingChanged || len(m.Moved) != 0 {
		t.Errorf("second switch: %+v %v", m, err)
	}
	env["REMOTEYAML_SECRETS"] = "keyring"
	if _, err := s.Switch(InFile, getenv); err == nil || !strings.Contains(err.Error(), "nothing was moved") {
		t.Errorf("switch against the override: %v", err)
	}
	delete(env, "REMOTEYAML_SECRETS")
	if _, err := s.Switch(InFile, getenv); err != nil {
		t.Fatal(err)
	}
	if fileText(t, s) != sameHostLogins || len(items) != 0 {
		t.Errorf("keyring and back: items %v, file\n%s", items, fileText(t, s))
	}
	if st, _ := LoadSettings(getenv); st.Secrets != InFile {
		t.Errorf("setting after switching back: %s", st.Secrets)
	}
}

// A file the edits refuse (a key Apptainer does not know, read leniently
// since issue 10 item 13) is refused before anything is copied: no keyring
// item is left beside a secret that stays in the file.
func TestMigrate_RefusesAFileTheEditsRefuse(t *testing.T) {
	items := fakeKeyring(t, nil)
	s := newStore(t, InFile)
	text := sameHostLogins + "Bogus: 1\n"
	if err := os.WriteFile(s.File.Path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(InKeyring); err == nil || !strings.Contains(err.Error(), "Bogus") {
		t.Errorf("migrate of a file with an unknown key: %v, want the key named", err)
	}
	if len(items) != 0 || fileText(t, s) != text {
		t.Errorf("a refused migration left keyring items %v or changed the file", items)
	}
}
