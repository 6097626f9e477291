package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/machine"
)

const host = "reg.example.com:5000"

// TestDiagnose: each case is a machine (files under a temp HOME, the
// environment, the programs on PATH) and the verdict line each program
// must end with.
func TestDiagnose(t *testing.T) {
	credsStore := `{"credsStore": "remoteyaml"}`
	dropIn := `credential-helpers = ["remoteyaml", "containers-auth.json"]` + "\n"
	dropInRel := ".config/containers/registries.conf.d/50-remoteyaml.conf"
	setUp := map[string]string{".docker/config.json": credsStore, ".apptainer/docker-config.json": credsStore, dropInRel: dropIn}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range setUp {
			out[k] = v
		}
		for k, v := range extra {
			if v == "" {
				delete(out, k)
			} else {
				out[k] = v
			}
		}
		return out
	}
	all := []string{"docker", "podman", "apptainer", machine.HelperCommand}
	good := LoginState{Found: true, Checked: true, OK: true}
	tests := []struct {
		name  string
		files map[string]string // relative to HOME
		env   map[string]string // relative values are under HOME
		path  []string
		login LoginState
		want  map[string]string // program -> the line's end
	}{
		{"all set up", setUp, nil, all, good,
			map[string]string{"docker": "will authenticate", "podman": "will authenticate", "Apptainer": "will authenticate"}},
		{"helper missing from PATH", setUp, nil, []string{"docker", "podman", "apptainer"}, good,
			map[string]string{"docker": "will not: docker-credential-remoteyaml is not on PATH, so the helper cannot be run; fix: make install, and put its directory on PATH"}},
		{"credsStore naming another helper", with(map[string]string{".docker/config.json": `{"credsStore": "desktop"}`}), nil, all, good,
			map[string]string{"docker": "will not: credsStore in HOME/.docker/config.json names docker-credential-desktop, not the helper; fix: remote-login setup --docker",
				"Apptainer": "will authenticate"}},
		{"credHelpers entry for the host", with(map[string]string{".docker/config.json": `{"credsStore": "remoteyaml", "credHelpers": {"` + host + `": "gcloud"}}`}), nil, all, good,
			map[string]string{"docker": "will not: credHelpers in HOME/.docker/config.json sends " + host + " to docker-credential-gcloud; fix: remote-login setup --docker"}},
		{"DOCKER_AUTH_CONFIG set", setUp, map[string]string{"DOCKER_AUTH_CONFIG": `{"auths":{}}`}, all, good,
			map[string]string{"docker": "will not: DOCKER_AUTH_CONFIG is set, and it takes priority over every credential helper (docker/cli); fix: unset DOCKER_AUTH_CONFIG",
				"Apptainer": "fix: unset DOCKER_AUTH_CONFIG", "podman": "will authenticate"}},
		{"REGISTRY_AUTH_FILE set, the credHelpers entry elsewhere",
			with(map[string]string{dropInRel: "", ".config/containers/auth.json": `{"credHelpers": {"` + host + `": "remoteyaml"}}`, "other-auth.json": `{}`}),
			map[string]string{"REGISTRY_AUTH_FILE": "other-auth.json"}, all, good,
			map[string]string{"podman": "(REGISTRY_AUTH_FILE is set: HOME/other-auth.json is the only auth file it reads); fix: remote-login setup --podman", "docker": "will authenticate"}},
		{"no drop-in", with(map[string]string{dropInRel: ""}), nil, all, good,
			map[string]string{"podman": "will not: no drop-in naming the helper in HOME/.config/containers/registries.conf.d and no credHelpers entry for " + host + "; fix: remote-login setup --podman",
				"Apptainer": "will not: Apptainer resolves digests through containers/image, which ignores credsStore, and no drop-in naming the helper is in HOME/.config/containers/registries.conf.d; fix: remote-login setup --apptainer"}},
		{"drop-in only under the other XDG place", setUp, map[string]string{"XDG_CONFIG_HOME": "x"}, all, good,
			map[string]string{"podman": "will authenticate",
				"Apptainer": "is in HOME/x/containers/registries.conf.d (one is in HOME/.config/containers/registries.conf.d, where it does not look); fix: remote-login setup --apptainer"}},
		{"login missing", setUp, nil, all, LoginState{},
			map[string]string{"docker": "will not: remote.yaml has no login for " + host + "; fix: remote-login " + host, "Apptainer": "fix: remote-login " + host}},
		{"login refused by the server", setUp, nil, all, LoginState{Found: true, Checked: true, Cause: "the login in remote.yaml is refused (HTTP 401)", Fix: "remote-login " + host},
			map[string]string{"podman": "will not: the login in remote.yaml is refused (HTTP 401); fix: remote-login " + host}},
		{"plaintext leftover", with(map[string]string{".docker/config.json": `{"auths": {"` + host + `": {"auth": "dTpzZWNyZXQtcGxhaW4="}}}`}), nil, all, good,
			map[string]string{"docker": "a plaintext copy of the login lingers in HOME/.docker/config.json (remote-login import moves it); will not: HOME/.docker/config.json names no credential helper; fix: remote-login setup --docker",
				"podman": "lingers in HOME/.docker/config.json (remote-login import moves it); will authenticate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			for rel, text := range tt.files {
				p := filepath.Join(home, rel)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			vars := map[string]string{"HOME": home}
			for k, v := range tt.env {
				if strings.HasSuffix(v, ".json") || v == "x" {
					v = filepath.Join(home, v)
				}
				vars[k] = v
			}
			m := machine.Probe(machine.Env{
				Getenv: func(k string) string { return vars[k] },
				LookPath: func(name string) (string, error) {
					for _, p := range tt.path {
						if p == name {
							return "/bin/" + name, nil
						}
					}
					return "", errors.New("not found")
				},
				PasswdHome: func() string { return home },
			})
			got := map[string]string{}
			for _, v := range Diagnose(Input{M: m, Hosts: []string{host}, Login: func(string) LoginState { return tt.login }}) {
				got[v.Program] = strings.ReplaceAll(v.Line(), home, "HOME")
				if strings.Contains(v.Line(), "secret-plain") || strings.Contains(v.Line(), "dTpzZWNyZXQtcGxhaW4") {
					t.Errorf("%s: a secret was printed: %s", v.Program, v.Line())
				}
			}
			for prog, want := range tt.want {
				if !strings.HasSuffix(got[prog], want) {
					t.Errorf("%s:\n got %s\nwant …%s", prog, got[prog], want)
				}
			}
		})
	}
}

// TestDiagnose_HelperVersion: a helper on PATH of another version is
// noted on every line; the same version is not.
func TestDiagnose_HelperVersion(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".docker"), 0o700)
	os.WriteFile(filepath.Join(home, ".docker", "config.json"), []byte(`{"credsStore": "remoteyaml"}`), 0o600)
	m := machine.Probe(machine.Env{
		Getenv:     func(k string) string { return map[string]string{"HOME": home}[k] },
		LookPath:   func(name string) (string, error) { return "/bin/" + name, nil },
		PasswdHome: func() string { return home },
	})
	m.Versions[machine.HelperCommand] = "docker-credential-remoteyaml (github.com/remoteyaml/remoteyaml) v1.0.0"
	for _, tc := range []struct{ version, want string }{{"v1.0.0", ""}, {"v1.1.0", "the helper on PATH is version v1.0.0, this remote-login v1.1.0; "}} {
		vs := Diagnose(Input{M: m, Hosts: []string{host}, Login: func(string) LoginState { return LoginState{Found: true} }, Version: tc.version})
		for _, v := range vs {
			if v.Program != "docker" {
				continue
			}
			if got := v.Line(); !strings.HasSuffix(got, tc.want+"will authenticate") || (tc.want == "" && strings.Contains(got, "helper on PATH is version")) {
				t.Errorf("version %s: %s", tc.version, got)
			}
		}
	}
}
