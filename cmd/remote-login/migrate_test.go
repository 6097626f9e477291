package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

func TestMigrate_Usage(t *testing.T) {
	newTestEnv(t)
	for _, args := range [][]string{{"migrate"}, {"migrate", "--to", "vault"}, {"migrate", "--to", "file", "extra"}} {
		if r := runCmd(t, "", nil, args...); r.code != exitUsage || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, r.code, r.stderr)
		}
	}
}

// TestMigrate_RealKeyring moves 50 registry logins to a real Secret Service
// and back (make keyring runs it; elsewhere it skips with the reason).
func TestMigrate_RealKeyring(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no D-Bus session: make keyring runs this against a real gnome-keyring")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool (libsecret-tools) not installed")
	}
	e := newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	s := &credstore.Store{File: &yamlstore.File{Path: e.remoteYAML()}}
	for i := 0; i < 50; i++ {
		uri := fmt.Sprintf("docker://cli%02d.example.com", i)
		if err := s.Put(credstore.Login{URI: uri, Username: "u", Secret: fmt.Sprint("MIGRATE-SECRET-", i)}, func(u string) bool { return u == uri }); err != nil {
			t.Fatal(err)
		}
	}
	s.File.Update(func(d *yamlstore.Document) error {
		return d.PutCredential(yamlstore.Credential{URI: "https://keys.example.com", Auth: "Bearer KEYSERVER"}, nil)
	})
	before := e.readRemoteYAML(t)
	t.Setenv("REMOTEYAML_SECRETS", "") // the migration sets the setting file

	r := runCmd(t, "", nil, "migrate", "--to", "keyring")
	if r.code != 0 || strings.Count(r.stdout, "moved docker://") != 50 {
		t.Fatalf("migrate --to keyring: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	noSecret(t, r, "MIGRATE-SECRET")
	after := e.readRemoteYAML(t)
	if strings.Contains(after, "Basic") || !strings.Contains(after, "Bearer KEYSERVER") {
		t.Fatalf("after migrating to the keyring:\n%s", after)
	}
	out, err := exec.Command("secret-tool", "lookup", "service", "remoteyaml", "username", "docker://cli07.example.com").Output()
	if err != nil || string(out) != "Basic dTpNSUdSQVRFLVNFQ1JFVC03" {
		t.Errorf("secret-tool lookup: %q %v", out, err)
	}
	if r := runCmd(t, "", nil, "list"); r.code != 0 || strings.Count(r.stdout, " keyring") != 50 {
		t.Errorf("list in keyring mode: %s", r.stdout)
	}
	if r := runCmd(t, "", nil, "migrate", "--to", "file"); r.code != 0 || strings.Count(r.stdout, "moved docker://") != 50 {
		t.Fatalf("migrate --to file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := e.readRemoteYAML(t); got != before {
		t.Errorf("keyring and back changed remote.yaml:\n%s\nwant\n%s", got, before)
	}
	if out, _ := exec.Command("secret-tool", "lookup", "service", "remoteyaml", "username", "docker://cli07.example.com").Output(); len(out) != 0 {
		t.Errorf("the keyring item stayed after migrating back")
	}
}

// Item 7 of issue 10: with the setting at file (its default), `migrate --to
// keyring` exited 0 and left every moved login "not found", as file mode
// never reads the keyring. The migration now ends by writing the setting.
func TestMigrate_SettingFollowsTheSecrets(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no D-Bus session: make keyring runs this against a real gnome-keyring")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool (libsecret-tools) not installed")
	}
	newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "") // the settings file decides, as for a helper docker starts
	const uri = "docker://setting.example.com"
	t.Cleanup(func() { exec.Command("secret-tool", "clear", "service", "remoteyaml", "username", uri).Run() })
	s, err := credstore.Open(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(credstore.Login{URI: uri, Username: "u", Secret: "SETTING-SECRET"}, func(u string) bool { return u == uri }); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", nil, "migrate", "--to", "keyring")
	if r.code != 0 {
		t.Fatalf("migrate --to keyring: exit %d", r.code)
	}
	settings := credstore.SettingsPath(os.Getenv)
	if !strings.Contains(r.stdout, settings) {
		t.Errorf("the output does not say where the setting now is:\n%s", r.stdout)
	}
	noSecret(t, r, "SETTING-SECRET")
	s, err = credstore.Open(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Get(func(u string) int {
		if u == uri {
			return 1
		}
		return 0
	})
	if err != nil || l.Secret != "SETTING-SECRET" || l.From != credstore.FromKeyring {
		t.Fatalf("after migrate --to keyring, a fresh store gets %+v, %v; want the secret from the keyring", l, err)
	}
	r = runCmd(t, "", nil, "migrate", "--to", "file")
	if r.code != 0 {
		t.Fatalf("migrate --to file: exit %d", r.code)
	}
	if st, err := credstore.LoadSettings(os.Getenv); err != nil || st.Secrets != credstore.InFile {
		t.Errorf("after migrate --to file the setting is %v, %v", st, err)
	}
}

// Item 7: an environment override that contradicts the target is refused
// before anything moves, with one line saying why.
func TestMigrate_RefusesAnOverrideThatWouldHideTheLogins(t *testing.T) {
	e := newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	text := "Credentials:\n    - URI: docker://r.example.com\n      Auth: Basic dTpPVkVSUklERQ==\n      Insecure: false\n"
	e.writeRemoteYAML(t, text)
	r := runCmd(t, "", nil, "migrate", "--to", "keyring")
	if r.code != exitFailed || !strings.Contains(r.stderr, "REMOTEYAML_SECRETS=file overrides") || !strings.Contains(r.stderr, "nothing was moved") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line naming REMOTEYAML_SECRETS", r.code, r.stderr)
	}
	if got := e.readRemoteYAML(t); got != text {
		t.Errorf("a refused migration changed remote.yaml:\n%s", got)
	}
	if _, err := os.Stat(credstore.SettingsPath(os.Getenv)); !os.IsNotExist(err) {
		t.Errorf("a refused migration wrote the settings file (%v)", err)
	}
}
