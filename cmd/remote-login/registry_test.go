package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// registryHandler answers /v2/ like a registry with htpasswd auth.
var registryHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "reg-pw-1" {
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	fmt.Fprint(w, "{}")
})

// TestLoginRegistry_EntryAndTransport: the entry a registry login stores
// (the scheme typed, as Apptainer writes it; Insecure only when asked for)
// and the transport chosen: HTTPS verified everywhere, plain HTTP without
// --insecure only for a loopback registry that speaks no TLS.
func TestLoginRegistry_EntryAndTransport(t *testing.T) {
	tests := []struct {
		name         string
		tls          bool // the registry speaks TLS
		trusted      bool // and the client trusts its certificate
		host         func(port string) string
		scheme       string
		insecure     bool
		wantCode     int
		wantEntry    string // the stored entry, {host} for the target's host
		wantErr      string
		wantInsecure bool
	}{
		{"docker, TLS", true, true, ip, "docker", false, exitOK, "docker://{host}", "", false},
		{"oras stored as oras", true, true, ip, "oras", false, exitOK, "oras://{host}", "", false},
		{"loopback plain HTTP, no --insecure", false, false, ip, "docker", false, exitOK, "docker://{host}", "", false},
		{"localhost plain HTTP, no --insecure", false, false, localhost, "docker", false, exitOK, "docker://{host}", "", false},
		{"loopback oras plain HTTP", false, false, localhost, "oras", false, exitOK, "oras://{host}", "", false},
		{"loopback TLS with an untrusted certificate is verified", true, false, ip, "docker", false, exitFailed, "", "unknown authority", false},
		{"--insecure stores Insecure", false, false, ip, "docker", true, exitOK, "docker://{host}", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			var srv *httptest.Server
			if tt.tls {
				srv = httptest.NewTLSServer(registryHandler)
			} else {
				srv = httptest.NewServer(registryHandler)
			}
			t.Cleanup(srv.Close)
			_, port, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "http://"), ":")
			host := tt.host(port)
			f := defaultFactory()
			if tt.trusted {
				f.HTTPClient = srv.Client()
			}
			args := []string{"-u", "alice", "--password-stdin"}
			if tt.insecure {
				args = append(args, "--insecure")
			}
			r := runCmd(t, "reg-pw-1\n", f, append(args, tt.scheme+"://"+host)...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Fatalf("exit %d, want %d and %q", r.code, tt.wantCode, tt.wantErr)
			}
			cfg, err := yamlstore.DecodeStrict([]byte(e.readRemoteYAML(t)))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantCode != exitOK {
				if len(cfg.Credentials) != 0 {
					t.Errorf("a failed login stored %v", cfg.Credentials)
				}
				return
			}
			want := yamlstore.Credential{URI: strings.ReplaceAll(tt.wantEntry, "{host}", host), Insecure: tt.wantInsecure}
			if len(cfg.Credentials) != 1 || cfg.Credentials[0].URI != want.URI || cfg.Credentials[0].Insecure != want.Insecure {
				t.Errorf("stored %+v, want one entry %+v", cfg.Credentials, want)
			}
		})
	}
}

func ip(port string) string        { return "127.0.0.1:" + port }
func localhost(port string) string { return "localhost:" + port }
