package machine

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/internal/standin"
)

// realEnv is the process environment with the stand-ins' PATH, real
// programs run (RunIsolated), the passwd home moved to home.
func realEnv(home string) Env {
	return Env{Getenv: os.Getenv, LookPath: exec.LookPath, Run: RunIsolated, PasswdHome: func() string { return home }}
}

// TestProbe_StandIns: the program behind each name is found by asking it,
// and asking changes nothing under HOME although the Apptainer stand-in
// migrates ~/.singularity whenever it runs with the user's HOME.
func TestProbe_StandIns(t *testing.T) {
	for _, tc := range []struct {
		kind, wantKind, wantVersion string
		wantNames                   []string
	}{
		{standin.Apptainer, Apptainer, standin.ApptainerVersion, []string{"apptainer", "singularity"}},
		{standin.SingularityCE, SingularityCE, standin.SingularityCEVersion, []string{"singularity"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("APPTAINER_CONFIGDIR", "")
			t.Setenv("SINGULARITY_CONFIGDIR", "")
			t.Setenv("XDG_CONFIG_HOME", "")
			os.MkdirAll(filepath.Join(home, ".singularity"), 0o700)
			os.WriteFile(filepath.Join(home, ".singularity", "remote.yaml"), []byte("Active: x\n"), 0o600)
			bin := standin.Install(t, tc.kind, "/opt/etc")
			t.Setenv("PATH", bin+":/usr/bin:/bin")
			before := standin.TreeHash(t, home)
			m := Probe(realEnv(home))
			if after := standin.TreeHash(t, home); after != before {
				t.Errorf("Probe changed HOME")
			}
			ps := m.Programs()
			if len(ps) != 1 {
				t.Fatalf("programs = %+v, want one", ps)
			}
			p := ps[0]
			if p.Kind != tc.wantKind || p.Version != tc.wantVersion || p.SysconfDir != "/opt/etc" || strings.Join(p.Names, ",") != strings.Join(tc.wantNames, ",") {
				t.Errorf("got %+v; want %s, %q, /opt/etc, names %v", p, tc.wantKind, tc.wantVersion, tc.wantNames)
			}
			// The stand-in run with the user's HOME does migrate: the
			// isolation above is what kept HOME as it was.
			exec.Command(filepath.Join(bin, tc.kind), "--version").Run()
			if _, err := os.Stat(filepath.Join(home, ".apptainer")); (err == nil) != (tc.kind == standin.Apptainer) {
				t.Errorf("stand-in run with the user's HOME: ~/.apptainer exists = %v", err == nil)
			}
		})
	}
}

// TestIdentify_NoRun: the helper does not run programs; a singularity link
// to a file named apptainer is Apptainer's, anything else SingularityCE.
func TestIdentify_NoRun(t *testing.T) {
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "apptainer"), []byte("#!/bin/sh\n"), 0o755)
	os.Symlink("apptainer", filepath.Join(bin, "singularity"))
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "singularity"), []byte("#!/bin/sh\n"), 0o755)
	if got, _ := identify(nil, filepath.Join(bin, "singularity"), nil); got != Apptainer {
		t.Errorf("link to apptainer: %s, want %s", got, Apptainer)
	}
	if got, _ := identify(nil, filepath.Join(other, "singularity"), nil); got != SingularityCE {
		t.Errorf("a singularity of its own: %s, want %s", got, SingularityCE)
	}
}

// model is a machine with the given programs on PATH, never run.
func model(home string, vars map[string]string, path ...string) *Machine {
	all := map[string]string{"HOME": home}
	for k, v := range vars {
		all[k] = v
	}
	bin := filepath.Join(home, "bin")
	os.MkdirAll(bin, 0o755)
	for _, p := range path {
		switch p {
		case "singularity-link":
			os.Symlink("apptainer", filepath.Join(bin, "singularity"))
		default:
			os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\n"), 0o755)
		}
	}
	return Probe(Env{
		Getenv: func(k string) string { return all[k] },
		LookPath: func(name string) (string, error) {
			p := filepath.Join(bin, name)
			if _, err := os.Lstat(p); err != nil {
				return "", errors.New("not found")
			}
			return p, nil
		},
		PasswdHome: func() string { return home },
	})
}

// TestUserFile: from each starting HOME with each program (or neither)
// installed, the file remoteyaml keeps logins in and what it reads now.
func TestUserFile(t *testing.T) {
	tests := []struct {
		name             string
		dirs             []string
		path             []string
		vars             map[string]string
		wantPath, wantRd string // relative to HOME
		wantProgram      string
	}{
		{"apptainer, nothing", nil, []string{"apptainer", "singularity-link"}, nil, ".apptainer/remote.yaml", ".apptainer/remote.yaml", Apptainer},
		{"apptainer, only .singularity: migration due", []string{".singularity"}, []string{"apptainer", "singularity-link"}, nil, ".apptainer/remote.yaml", ".singularity/remote.yaml", Apptainer},
		{"apptainer, both", []string{".apptainer", ".singularity"}, []string{"apptainer"}, nil, ".apptainer/remote.yaml", ".apptainer/remote.yaml", Apptainer},
		{"apptainer, SINGULARITY_CONFIGDIR", []string{".singularity"}, []string{"apptainer"}, map[string]string{"SINGULARITY_CONFIGDIR": "HOME/s"}, "s/remote.yaml", "s/remote.yaml", Apptainer},
		{"singularityce, nothing", nil, []string{"singularity"}, nil, ".singularity/remote.yaml", ".singularity/remote.yaml", SingularityCE},
		{"singularityce, only .apptainer", []string{".apptainer"}, []string{"singularity"}, nil, ".singularity/remote.yaml", ".singularity/remote.yaml", SingularityCE},
		{"singularityce ignores APPTAINER_CONFIGDIR", nil, []string{"singularity"}, map[string]string{"APPTAINER_CONFIGDIR": "HOME/a"}, ".singularity/remote.yaml", ".singularity/remote.yaml", SingularityCE},
		{"neither, only .singularity", []string{".singularity"}, nil, nil, ".singularity/remote.yaml", ".singularity/remote.yaml", SingularityCE},
		{"neither, nothing", nil, nil, nil, ".apptainer/remote.yaml", ".apptainer/remote.yaml", Apptainer},
		{"REMOTEYAML_FILE", nil, []string{"apptainer"}, map[string]string{"REMOTEYAML_FILE": "HOME/my.yaml"}, "my.yaml", "my.yaml", Apptainer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			for _, d := range tt.dirs {
				os.MkdirAll(filepath.Join(home, d), 0o700)
			}
			vars := map[string]string{}
			for k, v := range tt.vars {
				vars[k] = strings.Replace(v, "HOME", home, 1)
			}
			u, err := model(home, vars, tt.path...).UserFile()
			if err != nil {
				t.Fatal(err)
			}
			if u.Path != filepath.Join(home, tt.wantPath) || u.ReadPath() != filepath.Join(home, tt.wantRd) || u.Program != tt.wantProgram {
				t.Errorf("got %s (reads %s, %s); want %s (reads %s, %s)", u.Path, u.ReadPath(), u.Program, tt.wantPath, tt.wantRd, tt.wantProgram)
			}
		})
	}
}

// TestMigrate: as Apptainer's handleConfDir: remote.yaml only if it
// decodes, docker-config.json and the keys always; nothing when not due.
func TestMigrate(t *testing.T) {
	tests := []struct {
		name, remote string
		wantRemote   bool
	}{
		{"parses", "Active: x\nRemotes:\n    x:\n        URI: x.example.com\n        System: false\n        Exclusive: false\n", true},
		{"does not parse", "Bogus: 1\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			legacy := filepath.Join(home, ".singularity")
			os.MkdirAll(filepath.Join(legacy, "sypgp"), 0o700)
			os.WriteFile(filepath.Join(legacy, "remote.yaml"), []byte(tt.remote), 0o600)
			os.WriteFile(filepath.Join(legacy, "docker-config.json"), []byte(`{"auths":{}}`), 0o600)
			os.WriteFile(filepath.Join(legacy, "sypgp", "pgp-public"), []byte("pub"), 0o600)
			m := model(home, nil, "apptainer")
			if _, err := m.Migrate(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(home, ".apptainer", "remote.yaml"))
			if got := err == nil && string(b) == tt.remote; got != tt.wantRemote {
				t.Errorf("remote.yaml copied = %v, want %v", got, tt.wantRemote)
			}
			for _, f := range []string{"docker-config.json", "keys/pgp-public"} {
				if _, err := os.Stat(filepath.Join(home, ".apptainer", f)); err != nil {
					t.Errorf("%s not migrated: %v", f, err)
				}
			}
			if fi, _ := os.Stat(filepath.Join(home, ".apptainer")); fi.Mode().Perm() != 0o700 {
				t.Errorf("~/.apptainer mode %v, want 0700", fi.Mode().Perm())
			}
			before := standin.TreeHash(t, home)
			if copied, err := m.Migrate(); err != nil || len(copied) > 0 {
				t.Errorf("second Migrate: %v, %v; want nothing", copied, err)
			}
			if standin.TreeHash(t, home) != before {
				t.Error("a migration not due changed HOME")
			}
		})
	}
}

// TestDropInReaders: each installed reader with where its code reads.
func TestDropInReaders(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".config", "containers", "registries.conf.d")
	xdg := filepath.Join(home, "x", "containers", "registries.conf.d")
	tests := []struct {
		name     string
		xdg      bool
		path     []string
		versions map[string]string
		want     []string // reader=dir
	}{
		{"apptainer, XDG set", true, []string{"apptainer"}, nil, []string{"apptainer=" + xdg}},
		{"apptainer, XDG unset", false, []string{"apptainer"}, nil, []string{"apptainer=" + cfg}},
		{"singularityce needs none", true, []string{"singularity"}, nil, nil},
		{"podman 4.3 and skopeo 1.9, XDG set", true, []string{"podman", "skopeo"}, map[string]string{"podman": "podman version 4.3.1", "skopeo": "skopeo version 1.9.3"},
			[]string{"podman=" + cfg, "skopeo=" + cfg}},
		{"a skopeo not checked gets both", true, []string{"skopeo"}, map[string]string{"skopeo": "skopeo version 1.20.0"}, []string{"skopeo=" + cfg, "skopeo=" + xdg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			if tt.xdg {
				vars["XDG_CONFIG_HOME"] = filepath.Join(home, "x")
			}
			h := t.TempDir()
			m := model(h, vars, tt.path...)
			m.Home = home
			for k, v := range tt.versions {
				m.Versions[k] = v
			}
			var got []string
			for _, r := range m.DropInReaders() {
				got = append(got, r.Reader+"="+r.Dir)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}
