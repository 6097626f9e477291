package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/internal/secretscan"
)

// testEnv is one user's world: HOME and every config path under a temp dir.
type testEnv struct {
	home, apptainer, dockerConfig, configHome string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	root := t.TempDir()
	secretscan.For(t)
	e := &testEnv{home: filepath.Join(root, "home")}
	e.apptainer = filepath.Join(e.home, ".apptainer")
	e.dockerConfig = filepath.Join(e.home, ".docker")
	e.configHome = filepath.Join(e.home, ".config")
	for k, v := range map[string]string{
		"HOME": e.home, "XDG_CONFIG_HOME": e.configHome, "XDG_DATA_HOME": filepath.Join(e.home, ".local", "share"),
		"XDG_CACHE_HOME": filepath.Join(e.home, ".cache"), "XDG_RUNTIME_DIR": filepath.Join(root, "run"),
		"DOCKER_CONFIG": e.dockerConfig, "APPTAINER_CONFIGDIR": e.apptainer,
		"CONTAINERS_REGISTRIES_CONF": filepath.Join(root, "registries.conf"),
		"REMOTEYAML_FILE":            "", "SINGULARITY_CONFIGDIR": "", "REGISTRY_AUTH_FILE": "",
		// No system remotes unless a test installs some: never the machine's.
		"REMOTEYAML_SYSTEM_FILE": filepath.Join(root, "no-system-remote.yaml"),
	} {
		t.Setenv(k, v)
	}
	if err := os.MkdirAll(e.apptainer, 0o700); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *testEnv) remoteYAML() string { return filepath.Join(e.apptainer, "remote.yaml") }

// writeRemoteYAML writes the user's file as one they have had for a while:
// a file modified within the last second is waited for (another program
// may still be writing it, see yamlstore's readSettled), which would only
// slow every test down.
func (e *testEnv) writeRemoteYAML(t *testing.T, text string) {
	t.Helper()
	if err := os.WriteFile(e.remoteYAML(), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(e.remoteYAML(), old, old); err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) readRemoteYAML(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(e.remoteYAML())
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

type runResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs remote-login in-process with buffers: stdin is not a terminal.
func runCmd(t *testing.T, stdin string, f *factory, args ...string) runResult {
	t.Helper()
	var out, errb bytes.Buffer
	if f == nil {
		f = defaultFactory()
	}
	f.IO = &IOStreams{In: strings.NewReader(stdin), Out: &out, Err: &errb}
	if f.PasswdHome == nil {
		// Tests move HOME; SingularityCE's passwd home moves with it.
		f.PasswdHome = func() string { return os.Getenv("HOME") }
	}
	scanArgs(t, stdin, args)
	code := run(append([]string{"remote-login"}, args...), f)
	secretscan.For(t).Output("stdout of remote-login "+strings.Join(args, " "), out.String())
	secretscan.For(t).Output("stderr of remote-login "+strings.Join(args, " "), errb.String())
	t.Logf("$ remote-login %s -> %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out.String(), errb.String())
	return runResult{code, out.String(), errb.String()}
}

// noSecret fails if any secret shows in what the command printed.
func noSecret(t *testing.T, r runResult, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("the secret %q was printed", s)
		}
	}
}

func TestUsage_Errors(t *testing.T) {
	newTestEnv(t)
	tests := []struct {
		name    string
		stdin   string
		args    []string
		want    int
		wantErr string
	}{
		{"password argument", "", []string{"-p", "hunter2", "docker://r.example"}, exitUsage, "refusing a password given as an argument"},
		{"password long flag", "", []string{"--password=hunter2", "docker://r.example"}, exitUsage, "refusing a password"},
		{"unknown flag", "", []string{"--bogus", "docker://r.example"}, exitUsage, "unknown flag --bogus (see remote-login --help)"},
		{"both secret sources", "x", []string{"--password-stdin", "--token-file", "/dev/null", "-u", "a", "docker://r.example"}, exitUsage, "use one"},
		{"bad scheme", "", []string{"ftp://r.example"}, exitUsage, "unknown scheme"},
		{"userinfo in keyserver", "", []string{"https://bob:hunter2@keys.example"}, exitUsage, "no user information"},
		{"registry without user, no terminal", "pw", []string{"--password-stdin", "docker://r.example"}, exitUsage, "needs --username"},
		{"no terminal for prompt", "", []string{"-u", "a", "docker://r.example"}, exitUsage, "no terminal"},
		{"no target no remote.yaml", "", nil, exitUsage, "no TARGET given, and there is no "},
		{"host is a registry", "", []string{"r.example:5000"}, exitUsage, "r.example:5000: a registry login needs --username"},
		{"unknown remote", "", []string{"nosuch"}, exitFailed, "no remote of that name"},
		{"plain http keyserver, not configured: that first", "tok", []string{"--password-stdin", "hkp://keys.example"}, exitFailed, "no keyserver with External: true is configured for it"},
		{"two targets", "", []string{"a", "b"}, exitUsage, "one TARGET"},
		{"empty stdin", "", []string{"-u", "a", "--password-stdin", "docker://r.example"}, exitUsage, "standard input is empty"},
		{"logout nothing", "", []string{"logout", "docker://r.example"}, exitFailed, "not logged in"},
		{"logout keyserver nothing", "", []string{"logout", "https://keys.example"}, exitFailed, "not logged in"},
		{"completion no shell", "", []string{"completion"}, exitUsage, "bash, zsh, fish"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.stdin, nil, tt.args...)
			if r.code != tt.want || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tt.want, tt.wantErr)
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 0 && tt.name != "unknown flag" {
				t.Errorf("error is %d lines, want one", n+1)
			}
			noSecret(t, r, "hunter2")
		})
	}
}

func TestHelp_EveryCommand(t *testing.T) {
	newTestEnv(t)
	for _, args := range [][]string{{"--help"}, {"login", "--help"}, {"list", "--help"}, {"logout", "--help"}, {"setup", "--help"}, {"completion", "--help"}, {"status", "--help"}} {
		r := runCmd(t, "", nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "EXAMPLES") || !strings.Contains(r.stdout, "EXIT STATUS") {
			t.Errorf("%v: exit %d, want help with EXAMPLES and EXIT STATUS:\n%s", args, r.code, r.stdout)
		}
	}
}

func TestCompletion(t *testing.T) {
	e := newTestEnv(t)
	e.writeRemoteYAML(t, "Active: lib\nRemotes:\n    lib:\n        URI: library.example\n        System: false\n        Exclusive: false\nCredentials:\n    - URI: docker://r.example:5000\n      Insecure: false\n")
	r := runCmd(t, "", nil, "completion", "bash")
	if r.code != 0 || !strings.Contains(r.stdout, "complete -o default") {
		t.Fatalf("completion bash: %d\n%s", r.code, r.stdout)
	}
	r = runCmd(t, "", nil, "__complete", "")
	for _, w := range []string{"setup\t", "list\t", "logout\t", "lib\tlibrary remote library.example (active)\n"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("top-level completion lacks %q:\n%s", w, r.stdout)
		}
	}
	r = runCmd(t, "", nil, "__complete", "logout", "")
	if !strings.Contains(r.stdout, "docker://r.example:5000") {
		t.Errorf("logout completion lacks the login URI:\n%s", r.stdout)
	}
}

// The commands slice is where a new command goes; each has help and a name.
func TestCommands_Registered(t *testing.T) {
	f := defaultFactory()
	seen := map[string]bool{}
	for _, c := range commands {
		cmd := c(f)
		if cmd.Name == "" || cmd.Usage == "" || cmd.Description == "" || seen[cmd.Name] {
			t.Errorf("command %q: needs a unique name, a usage line and a description", cmd.Name)
		}
		seen[cmd.Name] = true
	}
}
