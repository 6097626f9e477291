package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDoctor_ExitAndJSON: doctor's verdict lines, exit codes and --json,
// for docker with and without the helper named, offline.
func TestDoctor_ExitAndJSON(t *testing.T) {
	e := newTestEnv(t)
	bin := t.TempDir()
	for _, p := range []string{"docker", "docker-credential-remoteyaml"} {
		if err := os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	e.writeRemoteYAML(t, "Credentials:\n    - URI: docker://reg.example.com:5000\n      Auth: Basic dXNlcjpwYXNzd29yZC1kb2N0b3I=\n      Insecure: false\n")
	if err := os.MkdirAll(e.dockerConfig, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.dockerConfig, "config.json")
	tests := []struct {
		name, config string
		wantCode     int
		wantEnd      string
	}{
		{"helper named", `{"credsStore": "remoteyaml"}`, 0, "will authenticate"},
		{"no helper", `{}`, 1, "will not: " + cfg + " names no credential helper; fix: remote-login setup --docker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(cfg, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			r := runCmd(t, "", nil, "doctor", "--offline")
			line := strings.TrimSpace(r.stdout)
			if r.code != tt.wantCode || !strings.HasPrefix(line, "docker reg.example.com:5000: ") || !strings.HasSuffix(line, tt.wantEnd) {
				t.Errorf("exit %d, line %q; want %d and a docker line ending %q", r.code, line, tt.wantCode, tt.wantEnd)
			}
			noSecret(t, r, "password-doctor", "dXNlcjpwYXNzd29yZC1kb2N0b3I=")
			r = runCmd(t, "", nil, "doctor", "--offline", "--json", "reg.example.com:5000")
			var out doctorOutput
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != tt.wantCode || len(out.Verdicts) != 1 || out.OK != (tt.wantCode == 0) || out.Verdicts[0].Host != "reg.example.com:5000" {
				t.Errorf("--json: exit %d, %+v (%v); want %d and one verdict", r.code, out, err, tt.wantCode)
			}
		})
	}
	r := runCmd(t, "", nil, "doctor", "--help")
	for _, want := range []string{"JSON (--json)", `"verdicts"`, "will authenticate", "--offline"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor --help lacks %q", want)
		}
	}
}

// TestDoctor_Online: unless --offline, each login is checked with
// status's check: a refused one makes every program's line "will not".
func TestDoctor_Online(t *testing.T) {
	const pw = "pw-doctor-online-77a1"
	good := basicRegistryServer(t, pw)
	bad := basicRegistryServer(t, "another-password")
	goodHost, badHost := strings.TrimPrefix(good.URL, "https://"), strings.TrimPrefix(bad.URL, "https://")
	e := newTestEnv(t)
	bin := t.TempDir()
	for _, p := range []string{"docker", "docker-credential-remoteyaml"} {
		if err := os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	e.writeRemoteYAML(t, "Credentials:\n"+basicEntry(goodHost, "alice", pw)+basicEntry(badHost, "alice", pw))
	os.MkdirAll(e.dockerConfig, 0o700)
	os.WriteFile(filepath.Join(e.dockerConfig, "config.json"), []byte(`{"credsStore": "remoteyaml"}`), 0o600)
	f := defaultFactory()
	f.HTTPClient = good.Client()
	tests := []struct {
		args     []string
		wantCode int
		wantEnd  string
	}{
		{[]string{"doctor", goodHost}, 0, "will authenticate"},
		{[]string{"doctor", badHost}, 1, "will not: the login in remote.yaml is refused (HTTP 401): the registry answered 401 Unauthorized: the credential was refused; fix: log in again: remote-login -u alice docker://" + badHost},
		{[]string{"doctor", "--offline", badHost}, 0, "will authenticate"},
	}
	for _, tt := range tests {
		r := runCmd(t, "", f, tt.args...)
		line := strings.TrimSpace(r.stdout)
		if r.code != tt.wantCode || !strings.HasSuffix(line, tt.wantEnd) {
			t.Errorf("%v: exit %d, %q; want %d, ending %q", tt.args, r.code, line, tt.wantCode, tt.wantEnd)
		}
		noSecret(t, r, pw)
	}
}
