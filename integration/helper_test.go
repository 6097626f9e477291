package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
)

// TestHelper_Protocol drives the built helper the way Docker CLI and
// containers/image do (docker-credential-helpers' client package) and reads
// remote.yaml after each step.
func TestHelper_Protocol(t *testing.T) {
	e := newClientEnv(t, viaRegistriesConf)
	bin := filepath.Join(helperDir, helperName)
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", helperName, err, out)
	}
	t.Logf("helper under test: %s", strings.TrimSpace(string(out)))

	env := map[string]string{"APPTAINER_CONFIGDIR": e.apptainer, "HOME": e.home}
	prog := client.NewShellProgramFuncWithEnv(bin, &env)
	const host = "registry.example.test:5000"

	if _, err := client.Get(prog, host); !credentials.IsErrCredentialsNotFound(err) {
		t.Fatalf("get before store: err = %v, want credentials not found", err)
	}
	if err := client.Store(prog, &credentials.Credentials{ServerURL: host, Username: testUser, Secret: "s3cret"}); err != nil {
		t.Fatalf("store: %v", err)
	}
	e.assertLoggedIn(t, host, testUser, "s3cret")
	got, err := client.Get(prog, host)
	if err != nil || got.Username != testUser || got.Secret != "s3cret" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	list, err := client.List(prog)
	if err != nil || list[host] != testUser {
		t.Fatalf("list = %v, %v; want %s: %s", list, err, host, testUser)
	}
	if err := client.Erase(prog, host); err != nil {
		t.Fatalf("erase: %v", err)
	}
	e.assertNoEntry(t, host)
	if _, err := client.Get(prog, host); !credentials.IsErrCredentialsNotFound(err) {
		t.Fatalf("get after erase: err = %v, want credentials not found", err)
	}
	if fi, err := os.Stat(e.remoteYAMLPath()); err == nil && fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("remote.yaml mode %v, want no group/other access", fi.Mode().Perm())
	}
}
