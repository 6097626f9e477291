package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestLogin_TargetsAsTyped: each spelling of a target reaches the kind of
// login it names, and the output says which kind was made.
func TestLogin_TargetsAsTyped(t *testing.T) {
	reg := basicRegistry(t)
	regHost := strings.TrimPrefix(reg.URL, "https://")
	ks := keyserverServer(t)
	ksHost := strings.TrimPrefix(ks.URL, "https://")
	lib := newLibraryServer(t, false)
	tests := []struct {
		name      string
		yaml      string
		client    *http.Client
		stdin     string
		args      []string
		want      int
		wantOut   string // on stdout (success) or stderr (failure)
		wantEntry string // in remote.yaml afterwards
	}{
		{"bare HOST:PORT is a registry", "", reg.Client(), "reg-pw-1\n", []string{"-u", "alice", "--password-stdin", regHost},
			exitOK, "Login Succeeded: registry docker://" + regHost, "- URI: docker://" + regHost + "\n"},
		{"https:// URL whose /v2/ is a registry", "", reg.Client(), "reg-pw-1\n", []string{"-u", "alice", "--password-stdin", reg.URL},
			exitOK, "Login Succeeded: registry docker://" + regHost, "- URI: docker://" + regHost + "\n"},
		{"https:// URL of a configured keyserver", keyserverYAML(ks.URL, true), ks.Client(), "ks-token-77\n", []string{"--password-stdin", ks.URL + "/pks/lookup"},
			exitOK, "Login Succeeded: keyserver " + ks.URL + "/pks/lookup", "- URI: " + ks.URL + "/pks/lookup\n"},
		{"https:// URL that is neither", "", ks.Client(), "ks-token-77\n", []string{"--password-stdin", ks.URL + "/pks/lookup"},
			exitUsage, "for a registry give docker://" + ksHost + ", for a keyserver hkps://" + ksHost + "/pks/lookup", ""},
		{"a remote name is a library remote", libraryYAML("//"+lib.host(), "", true), nil, goodToken + "\n", []string{"--password-stdin", "lib"},
			exitOK, "Token stored in", "Token: " + goodToken},
		{"a word that is no host and no remote", "", nil, "", []string{"nosuch"},
			exitFailed, "nosuch: no remote of that name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			if tt.yaml != "" {
				e.writeRemoteYAML(t, tt.yaml)
			}
			before := e.readRemoteYAML(t)
			f := defaultFactory()
			f.HTTPClient = tt.client
			r := runCmd(t, tt.stdin, f, tt.args...)
			out := r.stdout
			if tt.want != exitOK {
				out = r.stderr
			}
			if r.code != tt.want || !strings.Contains(out, tt.wantOut) {
				t.Fatalf("exit %d, want %d and %q", r.code, tt.want, tt.wantOut)
			}
			after := e.readRemoteYAML(t)
			if tt.wantEntry == "" && after != before || !strings.Contains(after, tt.wantEntry) {
				t.Errorf("remote.yaml:\n%s\nwant it to hold %q", after, tt.wantEntry)
			}
			noSecret(t, r, "reg-pw-1", "ks-token-77", goodToken)
		})
	}
}

// TestLogin_StoredLoginStillWorks: with no user name or secret given, a
// stored login the server still accepts is reported and nothing is asked.
func TestLogin_StoredLoginStillWorks(t *testing.T) {
	reg := basicRegistry(t)
	host := strings.TrimPrefix(reg.URL, "https://")
	tests := []struct {
		name    string
		stdin   string
		args    []string
		want    int
		wantOut string
	}{
		{"no flags: already logged in", "", []string{host}, exitOK, "Already logged in to registry docker://" + host + " as alice"},
		{"--username asks for a new login", "reg-pw-1\n", []string{"-u", "alice", "--password-stdin", host}, exitOK, "Login Succeeded: registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newTestEnv(t)
			f := defaultFactory()
			f.HTTPClient = reg.Client()
			if r := runCmd(t, "reg-pw-1\n", f, "-u", "alice", "--password-stdin", host); r.code != 0 {
				t.Fatalf("first login: exit %d", r.code)
			}
			r := runCmd(t, tt.stdin, f, tt.args...)
			if r.code != tt.want || !strings.Contains(r.stdout, tt.wantOut) {
				t.Errorf("exit %d, stdout %q; want %d and %q", r.code, r.stdout, tt.want, tt.wantOut)
			}
		})
	}
}

// TestLogin_BrokenRemoteYAMLSendsNothing: remote.yaml is read before the
// password goes anywhere.
func TestLogin_BrokenRemoteYAMLSendsNothing(t *testing.T) {
	e := newTestEnv(t)
	var requests atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	defer srv.Close()
	e.writeRemoteYAML(t, "Credentials: [unclosed\n")
	f := defaultFactory()
	f.HTTPClient = srv.Client()
	r := runCmd(t, "reg-pw-1\n", f, "-u", "alice", "--password-stdin", "docker://"+strings.TrimPrefix(srv.URL, "https://"))
	if r.code != exitFailed || !strings.Contains(r.stderr, e.remoteYAML()) || !strings.Contains(r.stderr, "nothing was sent") {
		t.Errorf("exit %d, stderr %q; want 1 naming remote.yaml", r.code, r.stderr)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests reached the server before remote.yaml was found broken", n)
	}
}

// TestLogout_TargetsAsTyped: logout reads targets as login does, offline.
func TestLogout_TargetsAsTyped(t *testing.T) {
	const yaml = "Credentials:\n    - URI: docker://r.example.com:5000\n      Auth: Basic YTpi\n      Insecure: false\n" +
		"    - URI: https://keys.example.com/pks\n      Auth: Bearer t\n      Insecure: false\n"
	tests := []struct {
		name, target, wantOut, gone string
	}{
		{"bare HOST:PORT", "r.example.com:5000", "Removed the registry login docker://r.example.com:5000", "docker://r.example.com:5000"},
		{"https:// of a registry", "https://r.example.com:5000", "Removed the registry login docker://r.example.com:5000", "docker://r.example.com:5000"},
		{"https:// of a keyserver logged in to", "https://keys.example.com", "Removed the keyserver login https://keys.example.com", "https://keys.example.com/pks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.writeRemoteYAML(t, yaml)
			r := runCmd(t, "", nil, "logout", tt.target)
			if r.code != 0 || !strings.Contains(r.stdout, tt.wantOut) || strings.Contains(e.readRemoteYAML(t), tt.gone) {
				t.Errorf("exit %d, stdout %q; want %q and %s gone:\n%s", r.code, r.stdout, tt.wantOut, tt.gone, e.readRemoteYAML(t))
			}
		})
	}
}
