package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLogout_ApptainerMadeLogin: Apptainer ≥1.4 with APPTAINER_CONFIGDIR
// set and no docker-config.json keeps the secret in
// $APPTAINER_CONFIGDIR/config.json. setup must not hide it, list shows it,
// and logout removes it from that file, not only the remote.yaml entry.
func TestLogout_ApptainerMadeLogin(t *testing.T) {
	e := newTestEnv(t)
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("../../../shared/fixtures/remote-yaml", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	e.writeRemoteYAML(t, string(fixture("apptainer-1.5.3-registry-login.yaml")))
	secretFile := filepath.Join(e.apptainer, "config.json")
	if err := os.WriteFile(secretFile, fixture("apptainer-1.5.3-registry-login.docker-config.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	if r := runCmd(t, "", f, "setup", "--apptainer"); r.code != 0 {
		t.Fatalf("setup --apptainer: exit %d", r.code)
	}
	r := runCmd(t, "", f, "list")
	if r.code != 0 || !regexp.MustCompile(`docker://127\.0\.0\.1:5000 +NO +u +docker-config`).MatchString(r.stdout) {
		t.Fatalf("list after setup: exit %d, want the login with user u, secret in the docker config", r.code)
	}
	r = runCmd(t, "", f, "logout", "docker://127.0.0.1:5000")
	if r.code != 0 {
		t.Fatalf("logout: exit %d", r.code)
	}
	if got, _ := os.ReadFile(secretFile); string(got) != "{\n\t\"auths\": {}\n}" {
		t.Errorf("%s after logout = %q; want the login's key gone, the rest as it was", secretFile, got)
	}
	if strings.Contains(e.readRemoteYAML(t), "127.0.0.1:5000") {
		t.Errorf("the entry is still in remote.yaml")
	}
}
