package integration

// `make install PREFIX=…`: both binaries, the man pages (rendered by man-db
// with groff's warnings on) and the bash, zsh and fish completions, each
// completion script loaded into its real shell and asked for flags.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goCaches are the Go caches of the real user, read before TestMain moves
// HOME (init runs first), so `make install` reuses the compiled packages.
var goCaches []string

func init() {
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		return
	}
	ls := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(ls) == 3 {
		goCaches = []string{"GOCACHE=" + ls[0], "GOMODCACHE=" + ls[1], "GOPATH=" + ls[2]}
	}
}

func TestMakeInstall(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	prefix := t.TempDir()
	cmd := exec.Command("make", "install", "PREFIX="+prefix)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), goCaches...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install PREFIX=%s: %v\n%s", prefix, err, out)
	}
	share := filepath.Join(prefix, "share")
	for _, f := range []string{
		"bin/docker-credential-remoteyaml", "bin/remote-login",
		"share/man/man1/remote-login.1", "share/man/man1/docker-credential-remoteyaml.1",
		"share/bash-completion/completions/remote-login", "share/zsh/site-functions/_remote-login",
		"share/fish/vendor_completions.d/remote-login.fish",
	} {
		if _, err := os.Stat(filepath.Join(prefix, f)); err != nil {
			t.Errorf("make install did not install %s: %v", f, err)
		}
	}
	rl := filepath.Join(prefix, "bin", "remote-login")

	// Issue 18 item 7: one version string. A build in a checkout says what
	// git describe says (a release's leading v dropped), not a Go
	// pseudo-version.
	t.Run("version is git describe", func(t *testing.T) {
		out, err := exec.Command("git", "-C", repoRoot, "describe", "--tags", "--always", "--dirty").Output()
		if err != nil {
			t.Fatalf("git describe in %s: %v", repoRoot, err)
		}
		want := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
		for _, c := range [][]string{{"docker-credential-remoteyaml", "version"}, {"remote-login", "--version"}} {
			got, err := exec.Command(filepath.Join(prefix, "bin", c[0]), c[1:]...).Output()
			if err != nil {
				t.Fatalf("%s: %v", strings.Join(c, " "), err)
			}
			if !strings.HasSuffix(strings.TrimSpace(string(got)), " "+want) {
				t.Errorf("%s printed %q, want it to end in git describe's %q", strings.Join(c, " "), strings.TrimSpace(string(got)), want)
			}
		}
	})

	t.Run("man pages render without warnings", func(t *testing.T) {
		if _, err := exec.LookPath("man"); err != nil {
			t.Skip("man (man-db) is not installed: integration/install-deps.sh installs it")
		}
		for _, page := range []struct{ name, want string }{
			{"remote-login", "remote-login logout TARGET"},
			{"docker-credential-remoteyaml", "$REMOTEYAML_FILE"},
		} {
			// man -l renders the file as installed; -M finds it by name in
			// PREFIX/share/man, as MANPATH would.
			for _, args := range [][]string{
				{"--warnings", "-l", filepath.Join(share, "man", "man1", page.name+".1")},
				{"--warnings", "-M", filepath.Join(share, "man"), page.name},
			} {
				cmd := exec.Command("man", args...)
				cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LANG=C.UTF-8")
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil || stderr.Len() > 0 {
					t.Errorf("man %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
				}
				if !strings.Contains(string(out), page.want) {
					t.Errorf("man %s lacks %q", strings.Join(args, " "), page.want)
				}
			}
		}
	})

	t.Run("bash completion offers flags", func(t *testing.T) {
		script := filepath.Join(share, "bash-completion", "completions", "remote-login")
		// The function is called as bash calls it on <Tab>: COMP_WORDS and
		// COMP_CWORD set, the answer read from COMPREPLY.
		out := shell(t, filepath.Dir(rl), "bash", "--norc", "--noprofile", "-c", `source "$1"
complete -p remote-login
COMP_WORDS=("$2" --); COMP_CWORD=1; _remote_login; echo "top: ${COMPREPLY[*]}"
COMP_WORDS=("$2" setup --p); COMP_CWORD=2; _remote_login; echo "setup: ${COMPREPLY[*]}"
COMP_WORDS=("$2" migrate --to ""); COMP_CWORD=3; _remote_login; echo "to: ${COMPREPLY[*]}"
COMP_WORDS=("$2" ""); COMP_CWORD=1; _remote_login; echo "words: ${COMPREPLY[*]}"`, "bash", script, rl)
		for _, want := range []string{
			"complete -o default", "top: --", " --help ", " --insecure ", " --password-stdin ", " --token-file ", " --username ",
			"setup: --per-registry --podman\n", "to: file keyring\n", "words: completion ", " logout ", " setup", "docker://",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("bash completion: output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "--password ") {
			t.Errorf("bash completion offers the hidden --password:\n%s", out)
		}
	})

	t.Run("zsh completion offers flags", func(t *testing.T) {
		// compadd and compdef exist only inside zsh's completion system;
		// stand-ins print what the function hands them.
		out := shell(t, filepath.Dir(rl), "zsh", "-f", "-c", `compdef() { :; }; compadd() { print -l -- ${(P)${@[-1]}}; }; _files() { print FILES; }
source "$1"
words=("$2" setup --); CURRENT=3; _remote_login
words=("$2" --token-file ""); CURRENT=3; _remote_login`, "zsh", filepath.Join(share, "zsh", "site-functions", "_remote-login"), rl)
		if want := "--apptainer\n--docker\n--force\n--help\n--per-registry\n--podman\n--undo\nFILES\n"; out != want {
			t.Errorf("zsh completion printed %q, want %q", out, want)
		}
	})

	t.Run("fish completion offers flags", func(t *testing.T) {
		cmd := `source $argv[1]; complete -C'remote-login --'; complete -C'remote-login setup --p'`
		out := shell(t, filepath.Dir(rl), "fish", "--no-config", "-c", cmd, filepath.Join(share, "fish", "vendor_completions.d", "remote-login.fish"))
		for _, want := range []string{"--username\n", "--password-stdin\n", "--token-file\n", "--podman\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("fish completion: output lacks %q:\n%s", want, out)
			}
		}
	})
}

// shell runs a shell with PATH starting at the installed bin directory,
// skipping the test when that shell is not installed.
func shell(t *testing.T, bin, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed: integration/install-deps.sh installs it", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, stderr.String())
	}
	return string(out)
}

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
			cmd.Env = append(append(os.Environ(), goCaches...), "PATH="+tt.onPath(bindir))
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
