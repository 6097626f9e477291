package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const dockerConfigWithKeys = `{
	"auths": {
		"ghcr.io": {
			"auth": "Ym9iOnNlY3JldA=="
		}
	},
	"credHelpers": {
		"gcr.io": "gcloud"
	},
	"psFormat": "table {{.ID}}"
}
`

// lookPathOnly finds the named programs and the helper (setup refuses
// without it; lookPathNone leaves it out).
func lookPathOnly(names ...string) func(string) (string, error) {
	return lookPathNone(append(names, "docker-credential-remoteyaml")...)
}

func lookPathNone(names ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, n := range names {
			if n == name {
				return "/usr/bin/" + name, nil
			}
		}
		return "", exec.ErrNotFound
	}
}

func readOrAbsent(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "<absent>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSetup_EditUndoIdempotent(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		onPath    []string
		docker    string // config.json before ("<absent>": none)
		apptainer string // docker-config.json before
		dropIn    string // the drop-in before
		wantDock  bool   // docker config.json gets credsStore
		wantApp   bool
		wantDrop  bool
	}{
		{"docker, file with other keys", []string{"--docker"}, nil, dockerConfigWithKeys, "<absent>", "<absent>", true, false, false},
		{"docker, old credsStore replaced", []string{"--docker"}, nil, "{\"credsStore\": \"pass\", \"auths\": {}}\n", "<absent>", "<absent>", true, false, false},
		{"docker, no file", []string{"--docker"}, nil, "<absent>", "<absent>", "<absent>", true, false, false},
		{"docker, empty object", []string{"--docker"}, nil, "{}", "<absent>", "<absent>", true, false, false},
		{"podman", []string{"--podman"}, nil, dockerConfigWithKeys, "<absent>", "<absent>", false, false, true},
		{"podman, drop-in of the user's own", []string{"--podman"}, nil, "<absent>", "<absent>", "credential-helpers = [\"pass\"]\n", false, false, true},
		{"apptainer", []string{"--apptainer"}, nil, dockerConfigWithKeys, "{\n    \"auths\": {}\n}\n", "<absent>", false, true, true},
		{"all found on PATH", nil, []string{"crane", "podman", "apptainer"}, dockerConfigWithKeys, "<absent>", "<absent>", true, true, true},
		{"only crane on PATH", nil, []string{"crane"}, dockerConfigWithKeys, "<absent>", "<absent>", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			dockerPath := filepath.Join(e.dockerConfig, "config.json")
			appPath := filepath.Join(e.apptainer, "docker-config.json")
			dropPath := filepath.Join(e.configHome, "containers", "registries.conf.d", "50-remoteyaml.conf")
			before := map[string]string{dockerPath: tt.docker, appPath: tt.apptainer, dropPath: tt.dropIn}
			for p, text := range before {
				if text != "<absent>" {
					writeFile(t, p, text)
				}
			}
			f := defaultFactory()
			f.LookPath = lookPathOnly(tt.onPath...)

			r := runCmd(t, "", f, append([]string{"setup"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("setup: exit %d", r.code)
			}
			after := map[string]string{}
			for p := range before {
				after[p] = readOrAbsent(t, p)
			}
			checkJSON := func(path string, want bool) {
				t.Helper()
				if !want {
					if after[path] != before[path] {
						t.Errorf("%s changed though its tool was not set up:\n%s", path, after[path])
					}
					return
				}
				if !strings.Contains(after[path], `"credsStore": "remoteyaml"`) {
					t.Errorf("%s lacks credsStore:\n%s", path, after[path])
				}
				if before[path] == "<absent>" {
					return
				}
				// Only the one key changed: take it out and the rest is as before.
				rest := strings.Replace(after[path], "\n\t\"credsStore\": \"remoteyaml\",", "", 1)
				rest = strings.Replace(rest, "\n    \"credsStore\": \"remoteyaml\",", "", 1)
				rest = strings.Replace(rest, `"credsStore": "remoteyaml"`, `"credsStore": "pass"`, 1)
				if rest != before[path] && !(before[path] == "{}" && after[path] == `{"credsStore": "remoteyaml"}`) {
					t.Errorf("%s: more than credsStore changed:\nbefore:\n%s\nafter:\n%s", path, before[path], after[path])
				}
			}
			checkJSON(dockerPath, tt.wantDock)
			checkJSON(appPath, tt.wantApp)
			if tt.wantDrop {
				if !strings.Contains(after[dropPath], `credential-helpers = ["remoteyaml", "containers-auth.json"]`) {
					t.Errorf("drop-in:\n%s", after[dropPath])
				}
			} else if after[dropPath] != before[dropPath] {
				t.Errorf("drop-in changed though no tool needs it")
			}

			// Twice: nothing changes.
			r = runCmd(t, "", f, append([]string{"setup"}, tt.args...)...)
			if r.code != 0 || !strings.Contains(r.stdout, "Nothing changed.") {
				t.Errorf("second setup: exit %d, want \"Nothing changed.\"", r.code)
			}
			for p := range before {
				if got := readOrAbsent(t, p); got != after[p] {
					t.Errorf("second setup changed %s:\n%s", p, got)
				}
			}

			// Undo: byte for byte as before, and the record is gone.
			r = runCmd(t, "", f, append([]string{"setup", "--undo"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("undo: exit %d", r.code)
			}
			for p, want := range before {
				if got := readOrAbsent(t, p); got != want {
					t.Errorf("after undo %s =\n%s\nwant byte for byte\n%s", p, got, want)
				}
			}
			if rec := filepath.Join(e.configHome, "remoteyaml", "setup.json"); readOrAbsent(t, rec) != "<absent>" {
				t.Errorf("the setup record outlived the undo")
			}
			// Undo twice: nothing changes.
			r = runCmd(t, "", f, append([]string{"setup", "--undo"}, tt.args...)...)
			if r.code != 0 || !strings.Contains(r.stdout, "Nothing changed.") {
				t.Errorf("second undo: exit %d", r.code)
			}
		})
	}
}

// A login after setup rewrites the file (docker login adds its auths
// marker); undo then takes back only credsStore.
func TestSetup_UndoAfterFileChanged(t *testing.T) {
	e := newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	path := filepath.Join(e.dockerConfig, "config.json")
	writeFile(t, path, "{\n\t\"credsStore\": \"desktop\"\n}\n")
	if r := runCmd(t, "", f, "setup", "--docker"); r.code != 0 {
		t.Fatal("setup failed")
	}
	writeFile(t, path, "{\n\t\"auths\": {\n\t\t\"r.example\": {}\n\t},\n\t\"credsStore\": \"remoteyaml\"\n}")
	if r := runCmd(t, "", f, "setup", "--undo", "--docker"); r.code != 0 || !strings.Contains(r.stdout, "only credsStore set back") {
		t.Fatalf("undo: exit %d", r.code)
	}
	if got, want := readOrAbsent(t, path), "{\n\t\"auths\": {\n\t\t\"r.example\": {}\n\t},\n\t\"credsStore\": \"desktop\"\n}"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// The drop-in serves podman and Apptainer: undoing one keeps it for the other.
func TestSetup_SharedDropIn(t *testing.T) {
	e := newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	drop := filepath.Join(e.configHome, "containers", "registries.conf.d", "50-remoteyaml.conf")
	runCmd(t, "", f, "setup", "--podman", "--apptainer")
	runCmd(t, "", f, "setup", "--undo", "--podman")
	if readOrAbsent(t, drop) == "<absent>" {
		t.Fatal("undo --podman removed the drop-in Apptainer still uses")
	}
	runCmd(t, "", f, "setup", "--undo", "--apptainer")
	if readOrAbsent(t, drop) != "<absent>" {
		t.Fatal("the drop-in outlived the last undo")
	}
}

func TestSetup_NothingOnPath(t *testing.T) {
	newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	if r := runCmd(t, "", f, "setup"); r.code != exitFailed || !strings.Contains(r.stderr, "--docker") {
		t.Fatalf("exit %d, want 1 and a hint to name a tool", r.code)
	}
}

func TestSetup_InvalidJSONLeftAlone(t *testing.T) {
	e := newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	path := filepath.Join(e.dockerConfig, "config.json")
	writeFile(t, path, "{ not json")
	r := runCmd(t, "", f, "setup", "--docker")
	if r.code != exitFailed || readOrAbsent(t, path) != "{ not json" || !strings.Contains(r.stderr, path) {
		t.Fatalf("exit %d, want 1 naming the file, which stays as it was", r.code)
	}
}

// containers/image reads the per-user drop-ins from
// $HOME/.config/containers/registries.conf.d whatever XDG_CONFIG_HOME says:
// setup writes the drop-in there, and undoes one an older setup wrote under
// $XDG_CONFIG_HOME.
func TestSetup_DropInIgnoresXDGConfigHome(t *testing.T) {
	e := newTestEnv(t)
	xdg := filepath.Join(e.home, "xdg")
	t.Setenv("XDG_CONFIG_HOME", xdg)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	read := filepath.Join(e.home, ".config", "containers", "registries.conf.d", "50-remoteyaml.conf")
	wrong := filepath.Join(xdg, "containers", "registries.conf.d", "50-remoteyaml.conf")
	if r := runCmd(t, "", f, "setup", "--podman"); r.code != 0 || !strings.Contains(r.stdout, read) {
		t.Fatalf("setup --podman: exit %d, want the drop-in reported at %s", r.code, read)
	}
	if !strings.Contains(readOrAbsent(t, read), `credential-helpers = ["remoteyaml"`) || readOrAbsent(t, wrong) != "<absent>" {
		t.Fatalf("drop-in at %s: %q; under XDG_CONFIG_HOME: %q", read, readOrAbsent(t, read), readOrAbsent(t, wrong))
	}
	if r := runCmd(t, "", f, "setup", "--undo", "--podman"); r.code != 0 || readOrAbsent(t, read) != "<absent>" {
		t.Fatalf("undo: exit %d, drop-in %q", r.code, readOrAbsent(t, read))
	}

	// A record from a setup that wrote under XDG_CONFIG_HOME: undo finds it.
	writeFile(t, wrong, "# Written by \"remote-login setup\"\n")
	rec := `{"version":1,"files":{"` + wrong + `":{"kind":"dropin","owners":["podman"],"created":true,"sha256":"` + sha256hex("# Written by \"remote-login setup\"\n") + `"}}}`
	writeFile(t, filepath.Join(xdg, "remoteyaml", "setup.json"), rec)
	if r := runCmd(t, "", f, "setup", "--undo", "--podman"); r.code != 0 || readOrAbsent(t, wrong) != "<absent>" {
		t.Fatalf("undo of the old drop-in: exit %d, %s: %q", r.code, wrong, readOrAbsent(t, wrong))
	}
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Issue 21 item 9: a login Apptainer ≥ 1.4 stored before setup, in
// $APPTAINER_CONFIGDIR/config.json (docker-config.json was absent). Once
// setup makes docker-config.json, Apptainer's own logout looks only there
// and the plaintext would stay for good: setup names the file and offers
// to import it, and import moves it.
func TestSetup_ApptainerLoginKeptBeforeSetup(t *testing.T) {
	e := newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	old := filepath.Join(e.apptainer, "config.json")
	secret := "Ym9iOkFQUFRBSU5FUi1CRUZPUkUtU0VUVVA=" // bob:APPTAINER-BEFORE-SETUP
	writeFile(t, old, "{\n\t\"auths\": {\n\t\t\"r.example:5000\": {\n\t\t\t\"auth\": \""+secret+"\"\n\t\t}\n\t}\n}")
	r := runCmd(t, "", f, "setup", "--apptainer")
	if r.code != 0 || !strings.Contains(r.stdout, "1 login(s) are still in "+old) || !strings.Contains(r.stdout, "remote-login import") {
		t.Fatalf("setup --apptainer: exit %d; want it to name %s and point at import", r.code, old)
	}
	if r := runCmd(t, "", f, "import"); r.code != 0 {
		t.Fatalf("import: exit %d", r.code)
	}
	if got := readOrAbsent(t, old); strings.Contains(got, secret) {
		t.Errorf("after import the plaintext stays in %s:\n%s", old, got)
	}
	if got := readOrAbsent(t, e.remoteYAML()); !strings.Contains(got, "docker://r.example:5000") {
		t.Errorf("remote.yaml after import:\n%s", got)
	}
}
