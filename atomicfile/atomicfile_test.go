package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite_ReplacesWholeWithMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	os.WriteFile(p, []byte("old"), 0o644)
	if err := Write(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(got) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("got %q mode %v", got, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix("f.json")) {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestWrite_MissingDirIsAnError(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "f"), []byte("x"), 0o600)
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v", err)
	}
}
