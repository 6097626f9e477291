package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	toolMu       sync.Mutex
	toolVersions = map[string]string{}
)

var versionArgs = map[string][]string{
	"crane":  {"version"},
	"oras":   {"version"},
	"regctl": {"version", "--format", "{{.VCSTag}}"},
	"skopeo": {"--version"},
	"podman": {"--version"},
	"docker": {"--version"},
}

// lookTool finds a client in PATH, then in GOBIN/GOPATH/bin, and logs its
// version once per test. A missing client skips the test with the reason.
func lookTool(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil && goBinDir != "" {
		if p := filepath.Join(goBinDir, name); isExecutable(p) {
			bin, err = p, nil
		}
	}
	if err != nil {
		skipOrFail(t, "%s is not installed (not in PATH nor %s): run integration/install-deps.sh", name, goBinDir)
	}
	toolMu.Lock()
	v, seen := toolVersions[name]
	if !seen && versionArgs[name] != nil {
		out, _ := exec.Command(bin, versionArgs[name]...).CombinedOutput()
		v = firstLines(string(out), 2)
		toolVersions[name] = v
	}
	toolMu.Unlock()
	if v != "" {
		t.Logf("using %s: %s", bin, v)
	}
	return bin
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// skipOrFail skips with the reason. Whether the skip is allowed is decided
// in one place for every package: make test reads go test -json through
// integration/testreport, which fails the run on any skip not listed in
// integration/allowed-skips.txt (nothing install-deps.sh installs is).
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Skipf(format, args...)
}

func needRegistries(t *testing.T) {
	t.Helper()
	if registryErr != nil {
		if registryBin == "" {
			skipOrFail(t, "no CNCF distribution registry: %v (run integration/install-deps.sh)", registryErr)
		}
		t.Fatalf("registries did not start: %v", registryErr)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range []*registry{basicReg, tokenReg} {
				t.Logf("%s registry log tail:\n%s", r.name, r.logTail(3000))
			}
		}
	})
}

var (
	podmanOnce sync.Once
	podmanErr  string
)

// needPodman skips when podman cannot run at all on this machine.
func needPodman(t *testing.T, e *clientEnv) {
	t.Helper()
	lookTool(t, "podman")
	podmanOnce.Do(func() {
		r := e.run(t, runOpts{}, "podman", "info", "--format", "{{.Store.GraphDriverName}}")
		if r.err != nil {
			podmanErr = firstLines(r.combined(), 4)
		}
	})
	if podmanErr != "" {
		skipOrFail(t, "podman cannot run here: %s", podmanErr)
	}
}
