package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/credstore"
)

func TestImport_SetupPointsAtImport(t *testing.T) {
	e := newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	cfg := filepath.Join(e.dockerConfig, "config.json")
	secret := base64.StdEncoding.EncodeToString([]byte("alice:imp-pw-1"))
	writeFile(t, cfg, "{\n\t\"auths\": {\n\t\t\"r.example\": {\n\t\t\t\"auth\": \""+secret+"\"\n\t\t}\n\t},\n\t\"psFormat\": \"x\"\n}\n")

	r := runCmd(t, "", f, "setup", "--docker")
	if r.code != 0 || !strings.Contains(r.stdout, "1 login(s) are still in "+cfg+", outside remote.yaml") || !strings.Contains(r.stdout, "`remote-login import`") {
		t.Fatalf("setup: exit %d, want a pointer to import", r.code)
	}
	afterSetup := readOrAbsent(t, cfg)

	r = runCmd(t, "", f, "import", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "would move r.example (alice) from "+cfg) || !strings.Contains(r.stdout, "Dry run: nothing changed") {
		t.Fatalf("dry run: exit %d", r.code)
	}
	if readOrAbsent(t, cfg) != afterSetup || e.readRemoteYAML(t) != "" {
		t.Fatal("--dry-run changed a file")
	}

	r = runCmd(t, "", f, "import")
	if r.code != 0 || !strings.Contains(r.stdout, "moved r.example (alice) from "+cfg) {
		t.Fatalf("import: exit %d", r.code)
	}
	noSecret(t, r, "imp-pw-1", secret)
	want := "{\n\t\"credsStore\": \"remoteyaml\",\n\t\"auths\": {},\n\t\"psFormat\": \"x\"\n}\n"
	if got := readOrAbsent(t, cfg); got != want {
		t.Errorf("config.json:\n%s\nwant\n%s", got, want)
	}
	if y := e.readRemoteYAML(t); !strings.Contains(y, "docker://r.example") || !strings.Contains(y, secret) {
		t.Errorf("remote.yaml:\n%s", y)
	}
	if r := runCmd(t, "", f, "import"); r.code != 0 || !strings.Contains(r.stdout, "nothing to import") {
		t.Errorf("second import: exit %d", r.code)
	}
}

func TestImport_ConflictExitsOne(t *testing.T) {
	e := newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	e.writeRemoteYAML(t, "Credentials:\n    - URI: docker://r.example\n      Auth: Basic "+base64.StdEncoding.EncodeToString([]byte("bob:bob-pw-9"))+"\n      Insecure: false\n")
	cfg := filepath.Join(e.dockerConfig, "config.json")
	before := `{"credsStore": "remoteyaml", "auths": {"r.example": {"auth": "` + base64.StdEncoding.EncodeToString([]byte("alice:imp-pw-2")) + `"}}}`
	writeFile(t, cfg, before)
	r := runCmd(t, "", f, "import")
	if r.code != exitFailed || !strings.Contains(r.stdout, "skipped r.example") || !strings.Contains(r.stderr, "1 login(s) left") {
		t.Fatalf("exit %d, want 1 with the login skipped", r.code)
	}
	noSecret(t, r, "imp-pw-2", "bob-pw-9")
	if readOrAbsent(t, cfg) != before {
		t.Error("config.json changed")
	}
}

// TestImport_RealKeyring: in keyring mode the imported secret goes to the
// OS keyring, not remote.yaml (make keyring runs it; elsewhere it skips).
func TestImport_RealKeyring(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no D-Bus session: make keyring runs this against a real gnome-keyring")
	}
	e := newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "keyring")
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	cfg := filepath.Join(e.dockerConfig, "config.json")
	secret := base64.StdEncoding.EncodeToString([]byte("kim:IMPORT-KEYRING-PW"))
	writeFile(t, cfg, `{"credsStore": "remoteyaml", "auths": {"kr.example": {"auth": "`+secret+`"}}}`)
	r := runCmd(t, "", f, "import")
	t.Cleanup(func() { runCmd(t, "", f, "logout", "docker://kr.example") })
	if r.code != 0 || !strings.Contains(r.stdout, "moved kr.example (kim)") || !strings.Contains(r.stdout, "the OS keyring") {
		t.Fatalf("import: exit %d", r.code)
	}
	if y := e.readRemoteYAML(t); !strings.Contains(y, "docker://kr.example") || strings.Contains(y, "Auth") {
		t.Fatalf("remote.yaml in keyring mode:\n%s", y)
	}
	if got := readOrAbsent(t, cfg); strings.Contains(got, secret) {
		t.Fatalf("the plaintext copy stayed: %s", got)
	}
	store, err := credstore.Open(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	l, err := store.Get(func(u string) int { return map[bool]int{true: 1}[u == "docker://kr.example"] })
	if err != nil || l.From != credstore.FromKeyring || l.Secret != "IMPORT-KEYRING-PW" {
		t.Fatalf("get: %+v %v", l.From, err)
	}
}
