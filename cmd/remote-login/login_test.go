package main

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/protocol"
)

const goodToken = "good-token-8c1f"

// storedGoodToken is a second token the library server accepts: one that
// is already stored and still works.
const storedGoodToken = "stored-good-token-51d2"

// libraryServer implements what the real client asks of a library remote:
// service discovery and token-status (404 for a bad token, as the Sylabs
// services answer).
type libraryServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

func newLibraryServer(t *testing.T, tls bool) *libraryServer {
	ls := &libraryServer{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls.mu.Lock()
		ls.requests = append(ls.requests, r.Method+" "+r.URL.Path)
		ls.mu.Unlock()
		switch r.URL.Path {
		case "/assets/config/config.prod.json":
			fmt.Fprintf(w, `{"libraryAPI":{"uri":%q},"tokenAPI":{"uri":%q},"keystoreAPI":{"uri":%q}}`,
				ls.URL+"/library", ls.URL+"/auth", ls.URL+"/keys")
		case "/auth/v1/token-status":
			if a := r.Header.Get("Authorization"); a != "Bearer "+goodToken && a != "Bearer "+storedGoodToken {
				http.Error(w, `{"error":{"code":404,"message":"Invalid Credentials"}}`, http.StatusNotFound)
				return
			}
			fmt.Fprint(w, `{"data":{"status":"valid"}}`)
		default:
			http.NotFound(w, r)
		}
	})
	if tls {
		ls.Server = httptest.NewTLSServer(h)
	} else {
		ls.Server = httptest.NewServer(h)
	}
	t.Cleanup(ls.Close)
	return ls
}

func (ls *libraryServer) host() string {
	return strings.TrimPrefix(strings.TrimPrefix(ls.URL, "http://"), "https://")
}

func libraryYAML(host, token string, insecure bool) string {
	s := "Active: lib\nRemotes:\n    lib:\n        URI: " + host + "\n"
	if token != "" {
		s += "        Token: " + token + "\n"
	}
	s += "        System: false\n        Exclusive: false\n"
	if insecure {
		s += "        Insecure: true\n"
	}
	return s
}

func writeTokenFile(t *testing.T, token string) string {
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoginLibrary_TokenFile(t *testing.T) {
	tests := []struct {
		name      string
		tls       bool
		oldToken  string
		token     string
		wantCode  int
		wantToken string // the token in remote.yaml afterwards
		wantOut   string
	}{
		{"good token, none before", false, "", goodToken, exitOK, goodToken, "Token stored in"},
		{"good token over TLS", true, "", goodToken, exitOK, goodToken, "Token stored in"},
		{"good token replaces old (token file: no prompt)", false, "old-token", goodToken, exitOK, goodToken, "Token stored in"},
		{"bad token refused, none before", false, "", "bad-token-1234", exitFailed, "", "Invalid Credentials"},
		{"bad token refused, old kept", false, "old-token", "bad-token-1234", exitFailed, "old-token", "the existing token is kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			ls := newLibraryServer(t, tt.tls)
			e.writeRemoteYAML(t, libraryYAML("//"+ls.host(), tt.oldToken, !tt.tls))
			before := e.readRemoteYAML(t)
			f := defaultFactory()
			if tt.tls {
				f.HTTPClient = ls.Client()
			}
			r := runCmd(t, "", f, "--token-file", writeTokenFile(t, tt.token), "lib")
			if r.code != tt.wantCode || !strings.Contains(r.stdout+r.stderr, tt.wantOut) {
				t.Fatalf("exit %d, want %d and %q", r.code, tt.wantCode, tt.wantOut)
			}
			noSecret(t, r, tt.token)
			after := e.readRemoteYAML(t)
			if tt.wantCode != exitOK && after != before {
				t.Errorf("remote.yaml changed after a refused token:\n%s", after)
			}
			if tt.wantToken == "" && strings.Contains(after, "Token:") || tt.wantToken != "" && !strings.Contains(after, "Token: "+tt.wantToken+"\n") {
				t.Errorf("remote.yaml has the wrong token, want %q:\n%s", tt.wantToken, after)
			}
			want := []string{"GET /assets/config/config.prod.json", "GET /auth/v1/token-status"}
			if tt.wantCode != exitOK {
				// The refusal's fix names the token page the server has:
				// asked for without the token, in parallel.
				want = append(want, "GET /auth/tokens", "GET /token", "GET /tokens")
				sort.Strings(ls.requests[min(2, len(ls.requests)):])
			}
			if fmt.Sprint(ls.requests) != fmt.Sprint(want) {
				t.Errorf("requests %v, want %v", ls.requests, want)
			}
		})
	}
}

func TestLoginLibrary_ActiveRemoteFromStdin(t *testing.T) {
	e := newTestEnv(t)
	ls := newLibraryServer(t, false)
	e.writeRemoteYAML(t, libraryYAML("//"+ls.host(), "", true))
	r := runCmd(t, goodToken+"\n", nil, "--password-stdin")
	if r.code != 0 || !strings.Contains(e.readRemoteYAML(t), "Token: "+goodToken) {
		t.Fatalf("exit %d; remote.yaml:\n%s", r.code, e.readRemoteYAML(t))
	}
}

func TestLoginLibrary_HTTPSRefusedWithoutTrust(t *testing.T) {
	e := newTestEnv(t)
	ls := newLibraryServer(t, true)
	e.writeRemoteYAML(t, libraryYAML("//"+ls.host(), "", false))
	r := runCmd(t, "", nil, "--token-file", writeTokenFile(t, goodToken), "lib")
	for _, want := range []string{"TLS", "unknown authority", "--ca-file FILE", "~/.docker/certs.d/" + ls.host() + "/", "/etc/containers/certs.d", "--insecure"} {
		if r.code != exitFailed || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, want 1 and a TLS error naming %q", r.code, want)
		}
	}
}

func TestLogoutLibrary(t *testing.T) {
	e := newTestEnv(t)
	e.writeRemoteYAML(t, libraryYAML("library.example", "old-token", false))
	r := runCmd(t, "", nil, "logout", "lib")
	if r.code != 0 || strings.Contains(e.readRemoteYAML(t), "Token") {
		t.Fatalf("logout: exit %d; remote.yaml:\n%s", r.code, e.readRemoteYAML(t))
	}
	if r = runCmd(t, "", nil, "logout", "lib"); r.code != exitFailed || !strings.Contains(r.stderr, "no access token is set") {
		t.Fatalf("second logout: exit %d, want 1 with a clear message", r.code)
	}
}

// keyserverYAML configures the keyserver uri on a remote, as `apptainer
// keyserver add` does; only an External one may take a login.
func keyserverYAML(uri string, external bool) string {
	return fmt.Sprintf("# my remotes\nActive: lib\nRemotes:\n    lib:\n        URI: lib.example.com\n        System: false\n        Exclusive: false\n"+
		"        Keyservers:\n            - URI: %s\n              Skip: false\n              External: %t\n              Insecure: false\n", uri, external)
}

// TestLoginKeyserver_NeedsExternal: both programs use (and make) a keyserver
// login only for a keyserver configured with External: true, in the user
// file or the system file.
func TestLoginKeyserver_NeedsExternal(t *testing.T) {
	tests := []struct {
		name     string
		user     func(url string) string
		system   func(url string) string
		wantCode int
		wantErr  string
	}{
		// Not configured at all: not known as a keyserver, and no registry
		// either (issue 12 item 1): a usage error that names keyserver add.
		{"none configured", func(string) string { return "" }, nil, exitUsage, "keyserver add"},
		{"configured, not External", func(u string) string { return keyserverYAML(u, false) }, nil, exitFailed, "keyserver add"},
		{"External in the user file", func(u string) string { return keyserverYAML(u, true) }, nil, exitOK, ""},
		{"External in the system file", func(string) string { return "" }, func(u string) string { return strings.TrimPrefix(keyserverYAML(u, true), "# my remotes\n") }, exitOK, ""},
		{"another keyserver External", func(string) string { return keyserverYAML("https://other.example.com", true) }, nil, exitUsage, "keyserver add"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			srv := keyserverServer(t)
			e.writeRemoteYAML(t, tt.user(srv.URL))
			if tt.system != nil {
				p := filepath.Join(t.TempDir(), "remote.yaml")
				if err := os.WriteFile(p, []byte(tt.system(srv.URL)), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Setenv("REMOTEYAML_SYSTEM_FILE", p)
			}
			before := e.readRemoteYAML(t)
			f := defaultFactory()
			f.HTTPClient = srv.Client()
			r := runCmd(t, "ks-token-77\n", f, "--password-stdin", srv.URL)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Fatalf("exit %d, want %d and %q", r.code, tt.wantCode, tt.wantErr)
			}
			after := e.readRemoteYAML(t)
			if tt.wantCode != exitOK && after != before {
				t.Errorf("a refused login changed remote.yaml:\n%s", after)
			}
			if tt.wantCode == exitOK && !strings.Contains(after, "- URI: "+srv.URL+"\n      Auth: Bearer ks-token-77\n") {
				t.Errorf("login not stored:\n%s", after)
			}
		})
	}
}

// TestLoginKeyserver_ConfiguredPlain: http:// is hkp:// (issue 21 item 2):
// a plain-http keyserver on this machine may take a login, as any plain
// registry there may; elsewhere only with --insecure or the configured
// keyserver's Insecure: true, configured as External or not. Being
// configured is no consent to send a password in clear.
func TestLoginKeyserver_ConfiguredPlain(t *testing.T) {
	e := newTestEnv(t)
	srv := httptest.NewServer(keyserverServer(t).Config.Handler)
	t.Cleanup(srv.Close)
	e.writeRemoteYAML(t, keyserverYAML("hkp://"+strings.TrimPrefix(srv.URL, "http://"), true))
	r := runCmd(t, "ks-token-77\n", nil, "--password-stdin", srv.URL)
	if r.code != exitOK || !strings.Contains(e.readRemoteYAML(t), "- URI: "+srv.URL+"\n      Auth: Bearer ks-token-77\n      Insecure: false\n") {
		t.Fatalf("exit %d, want the login stored with Insecure: false:\n%s", r.code, e.readRemoteYAML(t))
	}
	const remote = "http://keys.invalid/pks"
	tests := []struct {
		name     string
		yaml     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"configured External, Insecure: false", keyserverYAML(remote, true), nil, exitUsage, "--insecure"},
		// Allowed to send: the request is made, and keys.invalid never resolves.
		{"configured External, Insecure: true", strings.Replace(keyserverYAML(remote, true), "Insecure: false", "Insecure: true", 1), nil, exitFailed, "DNS"},
		{"configured External, --insecure", keyserverYAML(remote, true), []string{"--insecure"}, exitFailed, "DNS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.writeRemoteYAML(t, tt.yaml)
			r := runCmd(t, "ks-token-77\n", nil, append(append([]string{"--password-stdin"}, tt.args...), remote)...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d, want %d and %q", r.code, tt.wantCode, tt.wantErr)
			}
			if e.readRemoteYAML(t) != tt.yaml {
				t.Errorf("remote.yaml changed:\n%s", e.readRemoteYAML(t))
			}
		})
	}
}

// keyserverServer accepts Basic alice:s3cret-pw or Bearer ks-token-77.
func keyserverServer(t *testing.T) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret-pw")), "Bearer ks-token-77":
			fmt.Fprint(w, "ok")
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoginKeyserver(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		secret   string
		hkps     bool // typed as hkps://; else https:// (of the configured keyserver)
		wantCode int
		wantAuth string
	}{
		{"basic good", []string{"-u", "alice"}, "s3cret-pw", false, exitOK, "Auth: Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret-pw"))},
		{"basic good, hkps", []string{"-u", "alice"}, "s3cret-pw", true, exitOK, "Auth: Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret-pw"))},
		{"basic bad", []string{"-u", "alice"}, "wrong-pw", false, exitFailed, ""},
		{"bearer good", nil, "ks-token-77", false, exitOK, "Auth: Bearer ks-token-77"},
		{"bearer good, hkps", nil, "ks-token-77", true, exitOK, "Auth: Bearer ks-token-77"},
		{"bearer bad", nil, "bad-token", true, exitFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			srv := keyserverServer(t)
			e.writeRemoteYAML(t, keyserverYAML(srv.URL, true))
			target := srv.URL + "/pks/lookup"
			if tt.hkps {
				target = "hkps://" + strings.TrimPrefix(srv.URL, "https://") + "/pks/lookup"
			}
			before := e.readRemoteYAML(t)
			f := defaultFactory()
			f.HTTPClient = srv.Client()
			args := append(append([]string{"--password-stdin"}, tt.args...), target)
			r := runCmd(t, tt.secret+"\n", f, args...)
			noSecret(t, r, tt.secret)
			after := e.readRemoteYAML(t)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d", r.code, tt.wantCode)
			}
			if tt.wantCode != exitOK {
				if after != before || !strings.Contains(r.stderr, "401") {
					t.Errorf("refused login: want 401 in the error and remote.yaml unchanged, got:\n%s", after)
				}
				return
			}
			if !strings.HasPrefix(after, before) || !strings.Contains(after, "- URI: "+srv.URL+"/pks/lookup\n") || !strings.Contains(after, tt.wantAuth+"\n") {
				t.Errorf("remote.yaml:\n%s", after)
			}
			if !strings.Contains(r.stdout, "Login Succeeded: keyserver ") {
				t.Errorf("the output does not say a keyserver login was made: %q", r.stdout)
			}
			r = runCmd(t, "", nil, "logout", srv.URL)
			if r.code != 0 || e.readRemoteYAML(t) != before {
				t.Errorf("logout: exit %d, remote.yaml:\n%s", r.code, e.readRemoteYAML(t))
			}
		})
	}
}

// basicRegistry answers /v2/ like a registry with htpasswd auth.
func basicRegistry(t *testing.T) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "reg-pw-1" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		fmt.Fprint(w, "{}")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoginRegistry_StoredAndServed(t *testing.T) {
	e := newTestEnv(t)
	srv := basicRegistry(t)
	host := strings.TrimPrefix(srv.URL, "https://")
	f := defaultFactory()
	f.HTTPClient = srv.Client()

	r := runCmd(t, "wrong-pw\n", f, "-u", "alice", "--password-stdin", "docker://"+host)
	if r.code != exitFailed || !strings.Contains(r.stderr, "401") || e.readRemoteYAML(t) != "" {
		t.Fatalf("bad password: exit %d, want 1 with 401 and no remote.yaml", r.code)
	}
	noSecret(t, r, "wrong-pw")

	r = runCmd(t, "reg-pw-1\n", f, "-u", "alice", "--password-stdin", "oras://"+host)
	if r.code != 0 {
		t.Fatalf("good password: exit %d", r.code)
	}
	noSecret(t, r, "reg-pw-1")
	store, err := credstore.Open(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	user, secret, err := protocol.Helper{Store: store}.Get(host)
	if err != nil || user != "alice" || secret != "reg-pw-1" {
		t.Fatalf("helper get %s = %q, %v; want the login just made", host, user, err)
	}
	r = runCmd(t, "", nil, "list")
	if !strings.Contains(r.stdout, "oras://"+host) || !strings.Contains(r.stdout, "alice") || !strings.Contains(r.stdout, "Basic ********") {
		t.Errorf("list lacks the login")
	}
	noSecret(t, r, "reg-pw-1", base64.StdEncoding.EncodeToString([]byte("alice:reg-pw-1")))
	r = runCmd(t, "", nil, "logout", "docker://"+host)
	if r.code != 0 || strings.Contains(e.readRemoteYAML(t), host) {
		t.Errorf("logout: exit %d, remote.yaml:\n%s", r.code, e.readRemoteYAML(t))
	}
}

func TestLoginRegistry_Unreachable(t *testing.T) {
	newTestEnv(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	host := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	r := runCmd(t, "pw\n", nil, "-u", "alice", "--password-stdin", "docker://"+host)
	if r.code != exitFailed || !strings.Contains(r.stderr, "connection to "+host+" refused") || !strings.Contains(r.stderr, "docker://"+host) {
		t.Fatalf("exit %d, want 1 naming the target and the refused connection", r.code)
	}
}
