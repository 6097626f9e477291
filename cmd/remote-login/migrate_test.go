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
	t.Setenv("REMOTEYAML_SECRETS", "keyring")
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
