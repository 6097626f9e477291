package setup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testEnv(t *testing.T) (Env, string) {
	t.Helper()
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "APPTAINER_CONFIGDIR": filepath.Join(home, ".apptainer")}
	return Env{Getenv: func(k string) string { return vars[k] }, LookPath: func(string) (string, error) { return "", errors.New("none") }}, home
}

func readOr(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return "<absent>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPerRegistry_ApplySyncUndo(t *testing.T) {
	tests := []struct {
		name      string
		tool      string
		before    string // "<absent>": no file
		hosts     []string
		wantAfter string
	}{
		{"docker, file with other keys", Docker, "{\n\t\"auths\": {},\n\t\"psFormat\": \"x\"\n}\n", []string{"r.example:5000"},
			"{\n\t\"credHelpers\": {\"r.example:5000\":\"remoteyaml\"},\n\t\"auths\": {},\n\t\"psFormat\": \"x\"\n}\n"},
		{"docker, no file", Docker, "<absent>", []string{"r.example"}, "{\"credHelpers\": {\"r.example\":\"remoteyaml\"}}\n"},
		{"docker hub: both keys", Docker, "{}", []string{"docker.io"},
			"{\"credHelpers\": {\"https://index.docker.io/v1/\": \"remoteyaml\",\"docker.io\":\"remoteyaml\"}}"},
		{"the user's own helper for a host wins", Docker, "{\"credHelpers\": {\"gcr.io\": \"gcloud\"}}", []string{"gcr.io", "r.example"},
			"{\"credHelpers\": {\"r.example\": \"remoteyaml\",\"gcr.io\": \"gcloud\"}}"},
		{"podman: containers auth.json", Podman, "{\"auths\": {}}", []string{"r.example"}, "{\"credHelpers\": {\"r.example\":\"remoteyaml\"},\"auths\": {}}"},
		{"apptainer", Apptainer, "<absent>", nil, "<absent>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(t)
			path, err := env.perRegistryPath(tt.tool)
			if err != nil {
				t.Fatal(err)
			}
			if tt.before != "<absent>" {
				os.MkdirAll(filepath.Dir(path), 0o700)
				os.WriteFile(path, []byte(tt.before), 0o600)
			}
			if _, err := ApplyPerRegistry(env, []string{tt.tool}, tt.hosts); err != nil {
				t.Fatal(err)
			}
			if got := readOr(t, path); got != tt.wantAfter {
				t.Fatalf("after setup:\n%q\nwant\n%q", got, tt.wantAfter)
			}
			if !env.PerRegistryActive() {
				t.Fatal("no per-registry record")
			}
			// Twice: nothing changes.
			if cs, err := ApplyPerRegistry(env, []string{tt.tool}, tt.hosts); err != nil || readOr(t, path) != tt.wantAfter || (len(cs) == 1 && cs[0].Changed) {
				t.Fatalf("second setup changed the file: %v %v", cs, err)
			}
			// A later login adds its host; its logout takes it away again.
			if _, err := SyncPerRegistry(env, "new.example", true); err != nil {
				t.Fatal(err)
			}
			if v, ok := MemberString([]byte(readOr(t, path)), "credHelpers", "new.example"); !ok || v != Helper {
				t.Fatalf("login did not add its host:\n%s", readOr(t, path))
			}
			if _, err := SyncPerRegistry(env, "new.example", false); err != nil {
				t.Fatal(err)
			}
			if got := readOr(t, path); got != tt.wantAfter && !(tt.wantAfter == "<absent>" && got == "{}\n") {
				t.Fatalf("after logout:\n%q\nwant\n%q", got, tt.wantAfter)
			}
			// Undo: byte for byte as before, record gone.
			if _, err := UndoPerRegistry(env, []string{tt.tool}); err != nil {
				t.Fatal(err)
			}
			if got := readOr(t, path); got != tt.before {
				t.Errorf("after undo:\n%q\nwant\n%q", got, tt.before)
			}
			if env.PerRegistryActive() {
				t.Error("per-registry record outlived the undo")
			}
		})
	}
}

// Without per-registry setup, logins and logouts touch no file.
func TestSyncPerRegistry_NotSetUp(t *testing.T) {
	env, home := testEnv(t)
	if cs, err := SyncPerRegistry(env, "r.example", true); err != nil || len(cs) != 0 {
		t.Fatalf("%v %v", cs, err)
	}
	var files []string
	filepath.Walk(home, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("files written: %s", strings.Join(files, ", "))
	}
}

// A logout removes only an entry setup wrote, never the user's own.
func TestSyncPerRegistry_LeavesUsersEntries(t *testing.T) {
	env, _ := testEnv(t)
	path, _ := env.DockerConfig()
	os.MkdirAll(filepath.Dir(path), 0o700)
	before := "{\"credHelpers\": {\"mine.example\": \"remoteyaml\"}}"
	os.WriteFile(path, []byte(before), 0o600)
	if _, err := ApplyPerRegistry(env, []string{Docker}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := SyncPerRegistry(env, "mine.example", false); err != nil {
		t.Fatal(err)
	}
	if got := readOr(t, path); got != before {
		t.Errorf("the user's own entry was removed: %s", got)
	}
}
