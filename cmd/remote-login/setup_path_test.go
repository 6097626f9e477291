package main

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
)

// Item 9: setup refuses to point the tools at a helper they cannot run.
func TestSetup_HelperNotOnPath(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		helper     bool // docker-credential-remoteyaml on PATH
		wantCode   int
		wantStderr string
		wantFile   bool // config.json written
	}{
		{"refused without the helper", []string{"--docker"}, false, exitFailed, "not on PATH", false},
		{"the refusal names the fix", []string{"--docker"}, false, exitFailed, "put the directory that holds docker-credential-remoteyaml (installed with remote-login) on PATH", false},
		{"the refusal names --force", []string{"--docker"}, false, exitFailed, "--force", false},
		{"per-registry refused too", []string{"--docker", "--per-registry"}, false, exitFailed, "not on PATH", false},
		{"--force writes anyway, with a warning", []string{"--docker", "--force"}, false, exitOK, "warning: docker-credential-remoteyaml is not on PATH", true},
		{"undo needs no helper", []string{"--docker", "--undo"}, false, exitOK, "", false},
		{"helper on PATH", []string{"--docker"}, true, exitOK, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			f := defaultFactory()
			f.LookPath = lookPathNone()
			if tt.helper {
				f.LookPath = lookPathOnly()
			}
			r := runCmd(t, "", f, append([]string{"setup"}, tt.args...)...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantStderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.wantCode, tt.wantStderr)
			}
			if tt.wantCode != exitOK && strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
				t.Errorf("error is more than one line")
			}
			cfg := readOrAbsent(t, filepath.Join(e.dockerConfig, "config.json"))
			if got := cfg != "<absent>"; got != tt.wantFile {
				t.Errorf("config.json written = %v, want %v:\n%s", got, tt.wantFile, cfg)
			}
		})
	}
}

// Item 9: --per-registry names the helper for the registries with logins
// only, and logout (like login) keeps the entries current.
func TestSetup_PerRegistry(t *testing.T) {
	e := newTestEnv(t)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))
	e.writeRemoteYAML(t, "Credentials:\n    - URI: docker://a.example\n      Auth: "+auth+"\n      Insecure: false\n"+
		"    - URI: oras://b.example:5000\n      Auth: "+auth+"\n      Insecure: false\n"+
		"    - URI: https://keys.example\n      Auth: Bearer x\n      Insecure: false\n")
	cfgPath := filepath.Join(e.dockerConfig, "config.json")
	before := "{\n\t\"auths\": {},\n\t\"credHelpers\": {\n\t\t\"gcr.io\": \"gcloud\"\n\t}\n}\n"
	writeFile(t, cfgPath, before)
	f := defaultFactory()
	f.LookPath = lookPathOnly()

	r := runCmd(t, "", f, "setup", "--docker", "--per-registry")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	want := "{\n\t\"auths\": {},\n\t\"credHelpers\": {\n\t\t\"b.example:5000\": \"remoteyaml\",\n\t\t\"a.example\": \"remoteyaml\",\n\t\t\"gcr.io\": \"gcloud\"\n\t}\n}\n"
	if got := readOrAbsent(t, cfgPath); got != want {
		t.Fatalf("config.json:\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(readOrAbsent(t, cfgPath), "credsStore") {
		t.Fatal("per-registry setup wrote credsStore")
	}
	// The other kind of setup of the same tool has to wait for an undo.
	if r := runCmd(t, "", f, "setup", "--docker"); r.code != exitFailed || !strings.Contains(r.stderr, "setup --undo --docker") {
		t.Fatalf("setup --docker over --per-registry: exit %d, want 1 saying to undo first", r.code)
	}

	r = runCmd(t, "", f, "logout", "docker://a.example")
	if r.code != 0 || !strings.Contains(r.stderr, "credHelpers") {
		t.Fatalf("logout: exit %d, want a line about credHelpers", r.code)
	}
	if got := readOrAbsent(t, cfgPath); strings.Contains(got, "a.example") || !strings.Contains(got, "b.example:5000") {
		t.Fatalf("after logout:\n%s", got)
	}
	r = runCmd(t, "", f, "setup", "--undo", "--docker")
	if r.code != 0 {
		t.Fatalf("undo: exit %d", r.code)
	}
	if got := readOrAbsent(t, cfgPath); got != before {
		t.Errorf("after undo:\n%s\nwant byte for byte\n%s", got, before)
	}
}

func TestSetup_PerRegistryAfterCredsStoreRefused(t *testing.T) {
	newTestEnv(t)
	f := defaultFactory()
	f.LookPath = lookPathOnly()
	if r := runCmd(t, "", f, "setup", "--docker"); r.code != 0 {
		t.Fatal("setup failed")
	}
	r := runCmd(t, "", f, "setup", "--docker", "--per-registry")
	if r.code != exitFailed || !strings.Contains(r.stderr, "setup --undo --docker") {
		t.Fatalf("exit %d, want 1 saying to undo first", r.code)
	}
}
