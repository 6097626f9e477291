package sysremote

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/machine"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// probe models a machine with the programs of onPath, each mapped to
// "<--version line>|<SYSCONFDIR>".
func probe(vars map[string]string, onPath map[string]string) *machine.Machine {
	return machine.Probe(machine.Env{
		Getenv: func(k string) string { return vars[k] },
		LookPath: func(name string) (string, error) {
			if _, ok := onPath[name]; ok {
				return "/fake/bin/" + name, nil
			}
			return "", errors.New("not found")
		},
		Run: func(_ []string, path string, args ...string) ([]byte, error) {
			version, sysconf, _ := strings.Cut(onPath[filepath.Base(path)], "|")
			switch strings.Join(args, " ") {
			case "--version":
				return []byte(version + "\n"), nil
			case "buildcfg SYSCONFDIR":
				return []byte(sysconf + "\n"), nil
			}
			return nil, errors.New("exit status 1")
		},
		PasswdHome: func() string { return "/h" },
	})
}

func TestFind(t *testing.T) {
	sysconf := t.TempDir()
	for _, d := range []string{"apptainer", "singularity"} {
		os.MkdirAll(filepath.Join(sysconf, d), 0o755)
		os.WriteFile(filepath.Join(sysconf, d, "remote.yaml"), []byte("Active: "+d+"-default\nRemotes:\n  "+d+"-default:\n    URI: x\n    System: true\n    Exclusive: false\n"), 0o644)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("Bogus: 1\n"), 0o644)
	tests := []struct {
		name        string
		user        string
		vars        map[string]string
		onPath      map[string]string
		wantProgram string
		wantActive  string
		wantErr     bool
	}{
		{"apptainer on PATH", "/h/.apptainer/remote.yaml", nil, map[string]string{"apptainer": "apptainer version 1.5.3|" + sysconf}, Apptainer, "apptainer-default", false},
		{"singularityce on PATH", "/h/.singularity/remote.yaml", nil, map[string]string{"singularity": "singularity-ce version 4.5.0|" + sysconf}, SingularityCE, "singularity-default", false},
		{"singularity is apptainer", "/h/.apptainer/remote.yaml", nil, map[string]string{"singularity": "apptainer version 1.5.3|" + sysconf}, Apptainer, "apptainer-default", false},
		{"override", "/h/.apptainer/remote.yaml", map[string]string{EnvFile: filepath.Join(sysconf, "singularity", "remote.yaml")}, nil, Apptainer, "singularity-default", false},
		{"override to a missing file: no system remotes", "/h/.apptainer/remote.yaml", map[string]string{EnvFile: filepath.Join(sysconf, "none.yaml")}, nil, Apptainer, "", false},
		{"buildcfg answers nonsense", "/h/.apptainer/remote.yaml", nil, map[string]string{"apptainer": "apptainer version 1.5.3|not a path"}, Apptainer, "", false},
		{"invalid system file", "/h/.apptainer/remote.yaml", map[string]string{EnvFile: bad}, nil, Apptainer, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"HOME": "/h"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			m := probe(vars, tt.onPath)
			u, err := m.UserFile()
			if err != nil {
				t.Fatal(err)
			}
			if u.Path != tt.user {
				t.Errorf("user file %s, want %s", u.Path, tt.user)
			}
			s, err := Find(m, u)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), bad) || !errors.Is(err, yamlstore.ErrInvalid) {
					t.Errorf("error %q names no file or is not ErrInvalid", err)
				}
				return
			}
			if s.Program != tt.wantProgram || s.Config.Active != tt.wantActive {
				t.Errorf("got program %s, Active %q; want %s, %q", s.Program, s.Config.Active, tt.wantProgram, tt.wantActive)
			}
		})
	}
}

func mustParse(t *testing.T, text string) *yamlstore.Document {
	t.Helper()
	d, err := yamlstore.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSystem_Sync(t *testing.T) {
	sys := func(program string, exclusive bool) System {
		return System{Program: program, Path: "/etc/x/remote.yaml", Config: yamlstore.Config{
			Active: "Cloud",
			Remotes: map[string]*yamlstore.Remote{
				"Cloud": {URI: "cloud.new", System: true, Exclusive: exclusive},
				"Other": {URI: "other", System: true},
			},
		}}
	}
	tests := []struct {
		name       string
		sys        System
		user       string
		want       string
		wantErr    string
		wantActive string
	}{
		{"empty user file", sys(Apptainer, false), "",
			"Active: Cloud\nRemotes:\n    Cloud:\n        URI: cloud.new\n        System: true\n        Exclusive: false\n    Other:\n        URI: other\n        System: true\n        Exclusive: false\n", "", "Cloud"},
		{"refresh a copied remote, keep its token and the user's Active and comments",
			sys(Apptainer, false),
			"# mine\nActive: mine\nRemotes:\n    Cloud:\n        URI: cloud.old\n        Token: tok\n        System: true\n        Exclusive: false\n    mine:\n        URI: m\n        System: false\n        Exclusive: false\n",
			"", "", "mine"},
		{"exclusive system remote forces Active", sys(Apptainer, true),
			"Active: mine\nRemotes:\n    mine:\n        URI: m\n        System: false\n        Exclusive: false\n", "", "", "Cloud"},
		{"apptainer keeps a user remote of a system name", sys(Apptainer, false),
			"Remotes:\n    Cloud:\n        URI: mine\n        System: false\n        Exclusive: false\n", "", "", "Cloud"},
		{"singularityce refuses a user remote of a system name", sys(SingularityCE, false),
			"Remotes:\n    Cloud:\n        URI: mine\n        System: false\n        Exclusive: false\n", "", "name collision", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.user)
			err := tt.sys.Sync(d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if string(d.Bytes()) != tt.user {
					t.Errorf("a refused sync changed the document")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := string(d.Bytes())
			if tt.want != "" && out != tt.want {
				t.Errorf("got\n%s\nwant\n%s", out, tt.want)
			}
			cfg, err := yamlstore.DecodeStrict(d.Bytes())
			if err != nil {
				t.Fatalf("result does not decode strictly: %v", err)
			}
			if cfg.Active != tt.wantActive {
				t.Errorf("Active = %q, want %q", cfg.Active, tt.wantActive)
			}
			if c := cfg.Remotes["Cloud"]; c.System && c.URI != "cloud.new" {
				t.Errorf("copied system remote not refreshed: %+v", c)
			}
			if strings.HasPrefix(tt.user, "# mine") && (!strings.HasPrefix(out, "# mine\n") || cfg.Remotes["Cloud"].Token != "tok") {
				t.Errorf("comment or token lost:\n%s", out)
			}
			if o := cfg.Remotes["Other"]; o == nil || !o.System {
				t.Errorf("Other not copied in: %+v", o)
			}
		})
	}
}
