package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/internal/standin"
)

// TestMachine_StartingHomes: issue 17 items 2-4, from each starting HOME
// with each program installed (stand-ins that migrate and create their
// directories as the real ones were seen to): list changes no byte under
// HOME; a token login with no target works from nothing and lands in the
// file the installed program reads; setup names the program found; undo
// says nothing about a program that is not installed.
func TestMachine_StartingHomes(t *testing.T) {
	starts := []struct {
		name string
		dirs []string
	}{
		{"nothing", nil},
		{"only ~/.singularity", []string{".singularity"}},
		{"only ~/.apptainer", []string{".apptainer"}},
		{"both", []string{".apptainer", ".singularity"}},
	}
	programs := []struct {
		kind, active, reads, found, label, other string
	}{
		{standin.Apptainer, "DefaultRemote", ".apptainer", "Apptainer (apptainer, singularity)", "apptainer:", "singularityce:"},
		{standin.SingularityCE, "SylabsCloud", ".singularity", "SingularityCE (singularity)", "singularityce:", "apptainer:"},
	}
	for _, p := range programs {
		for _, st := range starts {
			t.Run(p.kind+"/"+st.name, func(t *testing.T) {
				e := newTestEnv(t)
				ls := newLibraryServer(t, true)
				sysconf := t.TempDir()
				if err := os.MkdirAll(filepath.Join(sysconf, p.kind), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(sysconf, p.kind, "remote.yaml"), []byte(systemYAML(p.active, "//"+ls.host())), 0o644); err != nil {
					t.Fatal(err)
				}
				bin := standin.Install(t, p.kind, sysconf)
				t.Setenv("PATH", bin+string(os.PathListSeparator)+"/usr/bin:/bin")
				t.Setenv("REMOTEYAML_SYSTEM_FILE", "")
				t.Setenv("APPTAINER_CONFIGDIR", "")
				if err := os.RemoveAll(e.home); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(e.home, 0o700); err != nil {
					t.Fatal(err)
				}
				// Each existing directory holds a user remote of its own.
				for _, d := range st.dirs {
					if err := os.MkdirAll(filepath.Join(e.home, d), 0o700); err != nil {
						t.Fatal(err)
					}
					mine := "Remotes:\n    mine" + strings.TrimPrefix(d, ".") + ":\n        URI: mine.example.com\n        System: false\n        Exclusive: false\n"
					if err := os.WriteFile(filepath.Join(e.home, d, "remote.yaml"), []byte(mine), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				newF := func() *factory {
					f := defaultFactory()
					f.HTTPClient = ls.Client()
					f.PasswdHome = func() string { return e.home }
					return f
				}

				before := standin.TreeHash(t, e.home)
				if r := runCmd(t, "", newF(), "list"); r.code != 0 {
					t.Fatalf("list: exit %d", r.code)
				}
				if after := standin.TreeHash(t, e.home); after != before {
					t.Errorf("list changed HOME (tree hash %s -> %s)", before[:12], after[:12])
				}

				r := runCmd(t, "", newF(), "--token-file", writeTokenFile(t, goodToken))
				if r.code != 0 {
					t.Fatalf("login with no target: exit %d, want 0", r.code)
				}
				reads := filepath.Join(e.home, p.reads, "remote.yaml")
				if b, _ := os.ReadFile(reads); !strings.Contains(string(b), goodToken) {
					t.Errorf("%s, which %s reads, lacks the token:\n%s", reads, p.kind, b)
				}
				// The real program run afterwards with the user's HOME (its
				// migration, if any, already done) still sees it.
				exec.Command(filepath.Join(bin, p.kind), "remote", "status").Run()
				if b, _ := os.ReadFile(reads); !strings.Contains(string(b), goodToken) {
					t.Errorf("after %s ran, %s lacks the token:\n%s", p.kind, reads, b)
				}
				if p.kind == standin.Apptainer && len(st.dirs) == 1 && st.dirs[0] == ".singularity" {
					if b, _ := os.ReadFile(reads); !strings.Contains(string(b), "minesingularity") {
						t.Errorf("the migration lost ~/.singularity's remote:\n%s", b)
					}
				}

				r = runCmd(t, "", newF(), "setup", "--force")
				if !strings.Contains(r.stderr, p.found+".") || !strings.Contains(r.stderr, "Found on PATH: ") {
					t.Errorf("setup: want %q named on stderr", p.found)
				}
				if !strings.Contains(r.stdout, p.label) || strings.Contains(r.stdout, p.other) {
					t.Errorf("setup: want lines labelled %s, none %s", p.label, p.other)
				}
				r = runCmd(t, "", newF(), "setup", "--undo")
				if r.code != 0 || strings.Contains(r.stdout, p.other) || strings.Contains(r.stdout, "nothing recorded") {
					t.Errorf("undo: exit %d; want 0, no %s line and no \"nothing recorded\" line", r.code, p.other)
				}
				for _, l := range strings.Split(r.stdout, "\n") {
					if strings.Contains(l, "kept:") {
						t.Errorf("undo of every tool kept a file: %s", l)
					}
				}
				filepath.WalkDir(e.home, func(path string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						if b, _ := os.ReadFile(path); strings.Contains(string(b), `"remoteyaml"`) {
							t.Errorf("after undo %s still names the helper:\n%s", path, b)
						}
					}
					return nil
				})
			})
		}
	}
}

// TestSetup_EnvironmentOverrides (issue 17 item 8): setup says when an
// environment variable takes logins away from remote.yaml.
func TestSetup_EnvironmentOverrides(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		want   string // on stderr; "" for no warning
		wantOK bool
	}{
		{"DOCKER_AUTH_CONFIG", map[string]string{"DOCKER_AUTH_CONFIG": `{"auths":{}}`}, []string{"--docker"}, "warning: DOCKER_AUTH_CONFIG is set: Docker, crane, regctl, Apptainer and SingularityCE take logins from it before any credential helper", true},
		{"REGISTRY_AUTH_FILE, per registry", map[string]string{"REGISTRY_AUTH_FILE": "/x/auth.json"}, []string{"--podman", "--per-registry"}, "warning: REGISTRY_AUTH_FILE is set: podman, skopeo and buildah read only /x/auth.json", true},
		{"REGISTRY_AUTH_FILE, drop-in", map[string]string{"REGISTRY_AUTH_FILE": "/x/auth.json"}, []string{"--podman"}, "the drop-in still sends them to the helper first", true},
		{"neither", nil, []string{"--docker", "--podman"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newTestEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := runCmd(t, "", nil, append([]string{"setup", "--force"}, tt.args...)...)
			if (r.code == 0) != tt.wantOK {
				t.Fatalf("exit %d", r.code)
			}
			if tt.want == "" && strings.Contains(r.stderr, "is set:") {
				t.Errorf("a warning with no variable set: %s", r.stderr)
			}
			if tt.want != "" && !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q", tt.want)
			}
		})
	}
}
