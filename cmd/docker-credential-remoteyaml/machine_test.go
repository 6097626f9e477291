package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/remoteyaml/remoteyaml/internal/standin"
)

// TestHelper_ApptainerMigration (issue 17 item 2): with Apptainer on PATH
// and only ~/.singularity, get reads what Apptainer will migrate without
// changing anything; store first migrates exactly as Apptainer's next
// command would, then writes where Apptainer reads, leaving ~/.singularity
// as it was.
func TestHelper_ApptainerMigration(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	bin := standin.Install(t, standin.Apptainer, t.TempDir())
	t.Setenv("PATH", bin+":/usr/bin:/bin")
	legacy := filepath.Join(home, ".singularity")
	os.MkdirAll(legacy, 0o700)
	old := "Credentials:\n    - URI: docker://old.example.com\n      Auth: Basic dTpvbGQtc2VjcmV0\n      Insecure: false\n"
	os.WriteFile(filepath.Join(legacy, "remote.yaml"), []byte(old), 0o600)
	p := client.NewShellProgramFunc(helperBin)

	if got, err := client.Get(p, "old.example.com"); err != nil || got.Secret != "old-secret" {
		t.Fatalf("get from ~/.singularity before the migration = %+v, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(home, ".apptainer")); err == nil {
		t.Fatal("get created ~/.apptainer")
	}
	if err := client.Store(p, &credentials.Credentials{ServerURL: "new.example.com", Username: "u", Secret: "new-secret"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(home, ".apptainer", "remote.yaml"))
	if err != nil || !strings.Contains(string(b), "old.example.com") || !strings.Contains(string(b), "new.example.com") {
		t.Errorf("~/.apptainer/remote.yaml after store (%v):\n%s\nwant the migrated login and the new one", err, b)
	}
	if b, _ := os.ReadFile(filepath.Join(legacy, "remote.yaml")); string(b) != old {
		t.Errorf("~/.singularity/remote.yaml changed:\n%s", b)
	}
	if got, err := client.Get(p, "new.example.com"); err != nil || got.Secret != "new-secret" {
		t.Errorf("get after store = %+v, %v", got, err)
	}
}
