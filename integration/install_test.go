package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeInstall_WarnsWhenBinDirNotOnPath: issue 12 item 9. A helper
// installed where PATH does not reach breaks every pull once set up, so
// make install says so, with the line to add.
func TestMakeInstall_WarnsWhenBinDirNotOnPath(t *testing.T) {
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed: cannot run make install")
	}
	tests := []struct {
		name     string
		onPath   func(bindir string) string
		wantWarn bool
	}{
		{"bin dir not on PATH", func(string) string { return os.Getenv("PATH") }, true},
		{"bin dir on PATH", func(b string) string { return b + string(os.PathListSeparator) + os.Getenv("PATH") }, false},
		{"bin dir on PATH with a trailing slash", func(b string) string { return os.Getenv("PATH") + string(os.PathListSeparator) + b + "/" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := t.TempDir()
			bindir := filepath.Join(prefix, "bin")
			cmd := exec.Command(makeBin, "-s", "install", "PREFIX="+prefix)
			cmd.Dir = repoRoot
			cmd.Env = append(os.Environ(), "PATH="+tt.onPath(bindir))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("make install: %v\n%s", err, out)
			}
			if _, err := os.Stat(filepath.Join(bindir, "docker-credential-remoteyaml")); err != nil {
				t.Fatalf("not installed: %v", err)
			}
			warned := strings.Contains(string(out), "warning: "+bindir+" is not on PATH")
			if warned != tt.wantWarn {
				t.Fatalf("warning shown = %v, want %v:\n%s", warned, tt.wantWarn, out)
			}
			if warned && !strings.Contains(string(out), `export PATH="`+bindir+`:$PATH"`) {
				t.Errorf("the warning lacks the line to add:\n%s", out)
			}
		})
	}
}
