package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The strictness itself, end to end: the crane test of the integration suite
// runs in a child `go test` whose PATH has no crane, with crane only where
// goBin must look (GOPATH/bin, GOBIN unset) or nowhere. The first run must
// pass with no skip; if goBin looked in the wrong directory again, crane
// would skip and this report would fail. The second must fail: an
// uninstalled crane is a failure of make test, not a skip.
func TestStrict_CraneMissingFailsTheRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the integration suite's crane test twice")
	}
	crane := installedCrane(t)
	allow, err := loadAllowed("../allowed-skips.txt")
	if err != nil {
		t.Fatal(err)
	}
	withCrane := t.TempDir()
	if err := os.Mkdir(filepath.Join(withCrane, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(crane, filepath.Join(withCrane, "bin", "crane")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, gopath string
		wantCode     int
		wantOut      string
	}{
		{"crane only in GOPATH/bin", withCrane, 0, "integration: 1 passed, 0 failed, 0 skipped"},
		{"crane uninstalled", t.TempDir(), 1, "SKIP NOT ALLOWED: github.com/remoteyaml/remoteyaml/integration.TestCrane_LoginPushPullLogout: crane is not installed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("go", "test", "-json", "-count=1", "-run", "^TestCrane_LoginPushPullLogout$", "./integration/")
			cmd.Dir = filepath.Join("..", "..")
			cmd.Env = childEnv(t, tt.gopath)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, _ := cmd.Output() // a skip exits 0; the report decides
			r, err := read(bufio.NewReader(bytes.NewReader(out)), &bytes.Buffer{}, false)
			if err != nil {
				t.Fatal(err)
			}
			r.Step = "integration"
			var rep strings.Builder
			if got := report(&rep, allow, []*result{r}); got != tt.wantCode {
				t.Errorf("report code = %d, want %d; it printed:\n%s\ngo test stderr:\n%s", got, tt.wantCode, rep.String(), stderr.String())
			}
			if !strings.Contains(rep.String(), tt.wantOut) {
				t.Errorf("report printed:\n%s\nwant it to contain %q", rep.String(), tt.wantOut)
			}
		})
	}
}

// installedCrane is the crane install-deps.sh installed: it must be there.
func installedCrane(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("crane"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	dirs := []string{lines[0]}
	if len(lines) > 1 {
		dirs = append(dirs, filepath.Join(strings.Split(lines[1], string(os.PathListSeparator))[0], "bin"))
	}
	for _, d := range dirs {
		if p := filepath.Join(d, "crane"); d != "" && isFile(p) {
			return p
		}
	}
	t.Fatalf("crane is not installed (not in PATH nor %v): run integration/install-deps.sh", dirs)
	return ""
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// childEnv is this environment with GOPATH set to gopath, GOBIN unset, the
// real module and build caches kept, and no PATH directory holding crane.
func childEnv(t *testing.T, gopath string) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	caches := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	var path []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if !isFile(filepath.Join(d, "crane")) {
			path = append(path, d)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "PATH", "GOPATH", "GOBIN", "GOMODCACHE", "GOCACHE":
		default:
			env = append(env, kv)
		}
	}
	return append(env, "PATH="+strings.Join(path, string(os.PathListSeparator)), "GOPATH="+gopath, "GOBIN=",
		"GOMODCACHE="+caches[0], "GOCACHE="+caches[1])
}
