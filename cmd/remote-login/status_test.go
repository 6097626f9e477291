package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/internal/stallserver"
)

// basicRegistryServer answers /v2/ with 200 for alice:pw, else 401 and a
// Basic challenge.
func basicRegistryServer(t *testing.T, pw string) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); ok && u == "alice" && p == pw {
			fmt.Fprint(w, "{}")
			return
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func basicEntry(host, user, pw string) string {
	return "    - URI: docker://" + host + "\n      Auth: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw)) + "\n      Insecure: false\n"
}

func TestStatus_Command(t *testing.T) {
	const pw = "pw-status-3e1f"
	srv := basicRegistryServer(t, pw)
	host := strings.TrimPrefix(srv.URL, "https://")
	other := basicRegistryServer(t, "another-password")
	otherHost := strings.TrimPrefix(other.URL, "https://")
	tests := []struct {
		name      string
		yaml      string
		args      []string
		want      int
		wantOut   []string
		wantErr   string
		emptyErr  bool
		checkJSON bool
	}{
		{"all OK", "Credentials:\n" + basicEntry(host, "alice", pw), []string{"status"}, 0,
			[]string{"TARGET", "SECRET", "STATUS", "docker://" + host + "   remote.yaml   OK\n"}, "", true, false},
		{"one refused names it", "Credentials:\n" + basicEntry(host, "alice", pw) + basicEntry(otherHost, "alice", pw), []string{"status"}, 1,
			[]string{"docker://" + host + "   remote.yaml   OK", "docker://" + otherHost + "   remote.yaml   refused (401 Unauthorized): log in again: remote-login -u alice docker://" + otherHost}, "", true, false},
		{"TARGET picks one", "Credentials:\n" + basicEntry(host, "alice", pw) + basicEntry(otherHost, "alice", pw), []string{"status", "docker://" + host}, 0,
			[]string{"docker://" + host + "   remote.yaml   OK"}, "", true, false},
		{"json", "Credentials:\n" + basicEntry(otherHost, "alice", pw), []string{"status", "--json"}, 1,
			[]string{`"state": "refused"`, `"httpStatus": 401`, `"ok": false`}, "", true, true},
		{"no logins", "", []string{"status"}, 0, []string{"(no logins in "}, "", true, false},
		{"TARGET without login", "Credentials:\n" + basicEntry(host, "alice", pw), []string{"status", "docker://none.example"}, 1, nil, "no login stored for docker://none.example", false, false},
		{"bad TARGET", "", []string{"status", "ftp://x"}, 2, nil, "unknown scheme", false, false},
		{"two TARGETs", "", []string{"status", "a", "b"}, 2, nil, "at most one TARGET", false, false},
		{"bad timeout", "", []string{"status", "--timeout", "0s"}, 2, nil, "--timeout must be positive", false, false},
		{"unknown key: checked, and the file named", "Bogus: 1\nCredentials:\n" + basicEntry(host, "alice", pw), []string{"status"}, 1,
			[]string{"docker://" + host + "   remote.yaml   OK"}, `unknown key "Bogus"`, false, false},
		{"unknown key, json", "Bogus: 1\nCredentials:\n" + basicEntry(host, "alice", pw), []string{"status", "--json"}, 1,
			[]string{`"ok": false`, `"problem": "`, `"state": "ok"`}, `unknown key "Bogus"`, false, true},
		{"not YAML", "Credentials: [\n", []string{"status"}, 1, nil, "remote-login: ", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.writeRemoteYAML(t, tt.yaml)
			before := e.readRemoteYAML(t)
			f := defaultFactory()
			f.HTTPClient = srv.Client()
			f.Now = func() time.Time { return time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC) }
			r := runCmd(t, "", f, tt.args...)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d", r.code, tt.want)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			if tt.emptyErr && r.stderr != "" {
				t.Errorf("stderr = %q, want nothing: the lines say it all", r.stderr)
			}
			if tt.wantErr != "" && (!strings.Contains(r.stderr, tt.wantErr) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0) {
				t.Errorf("stderr = %q, want one line with %q", r.stderr, tt.wantErr)
			}
			if tt.checkJSON {
				var out statusOutput
				if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.File != e.remoteYAML() || len(out.Logins) != 1 {
					t.Errorf("--json output does not decode to one login of %s: %v", e.remoteYAML(), err)
				}
			}
			if e.readRemoteYAML(t) != before {
				t.Errorf("status changed remote.yaml")
			}
			noSecret(t, r, pw, base64.StdEncoding.EncodeToString([]byte("alice:"+pw)))
		})
	}
}

// TestStatus_TrustsCertsD: status trusts what login trusts, here the
// registry's CA in ~/.docker/certs.d, with no client that knows it.
func TestStatus_TrustsCertsD(t *testing.T) {
	const pw = "pw-status-certsd"
	srv := basicRegistryServer(t, pw)
	host := strings.TrimPrefix(srv.URL, "https://")
	for _, withCA := range []bool{false, true} {
		e := newTestEnv(t)
		e.writeRemoteYAML(t, "Credentials:\n"+basicEntry(host, "alice", pw))
		if withCA {
			dir := filepath.Join(e.home, ".docker", "certs.d", host)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
			if err := os.WriteFile(filepath.Join(dir, "ca.crt"), ca, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		r := runCmd(t, "", nil, "status")
		if ok := r.code == 0 && strings.Contains(r.stdout, "OK\n"); ok != withCA {
			t.Errorf("CA in certs.d %v: exit %d, stdout %q", withCA, r.code, r.stdout)
		}
	}
}

// TestStatus_TimeoutNamed: issue 19 item 5. status --timeout 1s against a
// registry that never answers TLS stopped on time but said "within 30s",
// login's default, in its line.
func TestStatus_TimeoutNamed(t *testing.T) {
	e := newTestEnv(t)
	host := stallserver.Start(t)
	e.writeRemoteYAML(t, "Credentials:\n"+basicEntry(host, "alice", "pw-timeout-1"))
	r := runCmd(t, "", nil, "status", "--timeout", "1s")
	want := "docker://" + host + "   remote.yaml   unreachable (" + host + " did not complete the TLS handshake within 1s (--timeout))"
	if r.code != 1 || !strings.Contains(r.stdout, want) {
		t.Errorf("exit %d, stdout %q; want 1 and %q", r.code, r.stdout, want)
	}
}
