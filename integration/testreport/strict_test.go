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

// make test's own promise, end to end: integration/run-tests.sh fails when
// a step changed /usr or /etc. The steps are a stand-in for make that
// writes a clean test log and, in one case, a file under /usr/local/src;
// /usr/local/src is a tmpfs in a private mount namespace (unshare -m), so
// this machine's /usr is never touched.
func TestRunTests_ChangeUnderUsrFails(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for unshare -m") // make test runs as root: allowed-skips.txt does not allow this
	}
	if _, err := os.Stat("/usr/local/src"); err != nil {
		t.Fatalf("no /usr/local/src to mount a tmpfs on: %v", err)
	}
	tmp := t.TempDir()
	report := filepath.Join(tmp, "testreport")
	if out, err := exec.Command("go", "build", "-o", report, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build testreport: %v\n%s", err, out)
	}
	tests := []struct {
		name, step string
		wantFail   bool
		wantOut    string
	}{
		{"a step writes under /usr", "touch /usr/local/src/remoteyaml-probe", true, "+/usr/local/src/remoteyaml-probe f "},
		{"a step writes only in its temp dir", "touch \"$TESTLOGS/probe\"", false, "the same before and after make test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeMake := filepath.Join(t.TempDir(), "make")
			script := "#!/bin/sh\n# stands in for make lint unit keyring integration dist-check\n" +
				"mkdir -p \"$TESTLOGS\"\n" +
				"echo '{\"Action\":\"pass\",\"Package\":\"p\",\"Test\":\"TestA\"}' >\"$TESTLOGS/unit.json\"\n" +
				"echo '{\"Action\":\"pass\",\"Package\":\"p\"}' >>\"$TESTLOGS/unit.json\"\n" + tt.step + "\n"
			if err := os.WriteFile(fakeMake, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("unshare", "-m", "--", "sh", "-c",
				"mount --make-rprivate / && mount -t tmpfs tmpfs /usr/local/src && exec bash integration/run-tests.sh")
			cmd.Dir = filepath.Join("..", "..")
			cmd.Env = append(os.Environ(), "MAKE="+fakeMake, "TESTLOGS="+filepath.Join(t.TempDir(), "logs"), "TESTREPORT_BIN="+report)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tt.wantFail {
				t.Errorf("run-tests.sh failed = %v (%v), want %v; it printed:\n%s", failed, err, tt.wantFail, out)
			}
			if !strings.Contains(string(out), tt.wantOut) {
				t.Errorf("run-tests.sh printed:\n%s\nwant it to contain %q", out, tt.wantOut)
			}
			if _, err := os.Stat("/usr/local/src/remoteyaml-probe"); err == nil {
				t.Fatal("the probe reached this machine's /usr/local/src: the mount namespace did not hold")
			}
		})
	}
}
