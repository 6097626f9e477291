package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// libKind is a Library API server as one was seen to answer
// (../shared/docs/remote-yaml.md, "Library remotes").
type libKind int

const (
	// sregistry is Singularity Registry Server 2.1: discovery as text/html
	// naming its configured domain (here written with a trailing slash)
	// for every service; token-status 200 with an empty body, or 404; its
	// token page /token (a 302 to the login page when not logged in).
	sregistry libKind = iota
	// hinkskalle is Hinkskalle 4.2.8: service addresses from the Host
	// header; token-status 200 with JSON, or 401; its token page /tokens.
	hinkskalle
	// badGateway is a proxy in front of a stopped server: 502 for all.
	badGateway
	// tokenGateway answers discovery, then 502 at token-status.
	tokenGateway
)

type libServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // "METHOD path"
}

func newLibServer(t *testing.T, kind libKind, tls bool) *libServer {
	ls := &libServer{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls.mu.Lock()
		ls.requests = append(ls.requests, r.Method+" "+r.URL.Path)
		ls.mu.Unlock()
		if kind == badGateway {
			http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
			return
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		good := r.Header.Get("Authorization") == "Bearer "+goodToken
		switch {
		case r.URL.Path == "/assets/config/config.prod.json" && kind == hinkskalle:
			base := scheme + "://" + r.Host
			fmt.Fprintf(w, `{"libraryAPI":{"uri":%q},"tokenAPI":{"uri":%q},"keystoreAPI":{"uri":%q}}`, base, base, base)
		case r.URL.Path == "/assets/config/config.prod.json":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			domain := ls.URL + "/"
			fmt.Fprintf(w, `{"libraryAPI":{"uri":%q},"tokenAPI":{"uri":%q},"keystoreAPI":{"uri":%q}}`, domain, domain, domain)
		case r.URL.Path == "/v1/token-status" && kind == tokenGateway:
			http.Error(w, "bad gateway", http.StatusBadGateway)
		case r.URL.Path == "/v1/token-status" && kind == sregistry:
			if !good {
				http.NotFound(w, r)
			}
		case r.URL.Path == "/v1/token-status" && kind == hinkskalle:
			if !good {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"errors":[{"message":"Invalid Authorization"}]}`)
				return
			}
			fmt.Fprint(w, `{"data":{"username":"alice"}}`)
		case r.URL.Path == "/v1" && kind == sregistry:
			http.Redirect(w, r, "/v1/", http.StatusMovedPermanently)
		case r.URL.Path == "/token" && kind == sregistry:
			http.Redirect(w, r, "/login/?next=/token", http.StatusFound)
		case r.URL.Path == "/tokens" && kind == hinkskalle:
			fmt.Fprint(w, "<html>Hinkskalle</html>")
		default:
			http.NotFound(w, r)
		}
	})
	if tls {
		ls.Server = httptest.NewUnstartedServer(h)
		ls.Config.ErrorLog = log.New(io.Discard, "", 0)
		ls.StartTLS()
	} else {
		ls.Server = httptest.NewServer(h)
	}
	t.Cleanup(ls.Close)
	return ls
}

func (ls *libServer) host() string {
	return strings.TrimPrefix(strings.TrimPrefix(ls.URL, "http://"), "https://")
}

func (ls *libServer) seen() []string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([]string(nil), ls.requests...)
}

// TestLibraryServers: login and status against servers that answer as
// Singularity Registry Server and Hinkskalle do, and remotes on a port.
func TestLibraryServers(t *testing.T) {
	tests := []struct {
		name       string
		kind       libKind
		uri        func(ls *libServer) string // the remote's URI; nil: //host:port
		insecure   bool                       // the remote's Insecure
		token      string
		wantCode   int
		want       []string // in stderr+stdout of login
		notWant    []string
		wantStored bool
		wantStatus []string // in status's line for lib (run when a token is stored, or with the token given)
		noRequests bool     // nothing may be sent
	}{
		{name: "SRegistry: a token service address ending in /", kind: sregistry, insecure: true, token: goodToken, wantCode: exitOK,
			want: []string{"Token stored in"}, wantStored: true, wantStatus: []string{"OK ("}},
		{name: "SRegistry: a refused token names its /token page", kind: sregistry, insecure: true, token: "bad-token-0001", wantCode: exitFailed,
			want:    []string{"the token was refused (404 Not Found", "generate a new access token at http://HOST/token and log in again"},
			notWant: []string{"/auth/tokens"}},
		{name: "Hinkskalle: a refused token names its /tokens page", kind: hinkskalle, insecure: true, token: "bad-token-0002", wantCode: exitFailed,
			want:    []string{"the token was refused (401 Unauthorized", "generate a new access token at http://HOST/tokens and log in again"},
			notWant: []string{"/auth/tokens"}},
		{name: "Hinkskalle: good token", kind: hinkskalle, insecure: true, token: goodToken, wantCode: exitOK, wantStored: true, wantStatus: []string{"OK ("}},
		{name: "502 at discovery is the server's failure", kind: badGateway, insecure: true, token: goodToken, wantCode: exitFailed,
			want: []string{"502 Bad Gateway", "try again later"}, notWant: []string{"check the remote's URI", "refused"},
			wantStatus: []string{"failed (", "502 Bad Gateway"}},
		{name: "502 at token-status is the server's failure", kind: tokenGateway, insecure: true, token: goodToken, wantCode: exitFailed,
			want: []string{"502 Bad Gateway", "try again later"}, notWant: []string{"check the remote's URI", "refused"},
			wantStatus: []string{"failed (", "502 Bad Gateway"}},
		{name: "//host:port/path is read as the CLIs read it", kind: hinkskalle, uri: func(ls *libServer) string { return "//" + ls.host() + "/" }, insecure: true,
			token: goodToken, wantCode: exitOK, wantStored: true, wantStatus: []string{"OK ("}},
		{name: "host:port, which the CLIs cannot use: refused before anything is sent", kind: hinkskalle, uri: func(ls *libServer) string { return ls.host() }, insecure: true, token: goodToken, wantCode: exitFailed,
			want: []string{"Apptainer and SingularityCE cannot use", "URI: //HOST"}, noRequests: true, wantStatus: []string{"failed (", "URI: //HOST"}},
		{name: "localhost:port, which the CLIs cannot use either", kind: hinkskalle, uri: func(ls *libServer) string { return strings.Replace(ls.host(), "127.0.0.1", "localhost", 1) },
			insecure: true, token: goodToken, wantCode: exitFailed, want: []string{"Apptainer and SingularityCE cannot use", "URI: //localhost:"}, noRequests: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			ls := newLibServer(t, tt.kind, false)
			uri := "//" + ls.host()
			if tt.uri != nil {
				uri = tt.uri(ls)
			}
			e.writeRemoteYAML(t, libraryYAML(uri, "", tt.insecure))
			before := e.readRemoteYAML(t)
			r := runCmd(t, "", nil, "--token-file", writeTokenFile(t, tt.token), "lib")
			out := r.stdout + r.stderr
			if r.code != tt.wantCode {
				t.Errorf("login exit %d, want %d", r.code, tt.wantCode)
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "HOST", ls.host()); !strings.Contains(out, w) {
					t.Errorf("login output lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("login output says %q", w)
				}
			}
			after := e.readRemoteYAML(t)
			if stored := strings.Contains(after, "Token: "+tt.token+"\n"); stored != tt.wantStored {
				t.Errorf("token stored %v, want %v:\n%s", stored, tt.wantStored, after)
			}
			if !tt.wantStored && after != before {
				t.Errorf("remote.yaml changed:\n%s", after)
			}
			for _, req := range ls.seen() {
				if strings.Contains(req, "//") {
					t.Errorf("a request path with //: %s", req)
				}
			}
			if tt.noRequests && len(ls.seen()) != 0 {
				t.Errorf("requests were sent: %v", ls.seen())
			}
			if tt.wantStatus == nil {
				return
			}
			if !tt.wantStored {
				e.writeRemoteYAML(t, libraryYAML(uri, tt.token, tt.insecure))
			}
			s := runCmd(t, "", nil, "status", "lib")
			for _, w := range tt.wantStatus {
				if w = strings.ReplaceAll(w, "HOST", ls.host()); !strings.Contains(s.stdout, w) {
					t.Errorf("status line lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(s.stdout, w) {
					t.Errorf("status says %q", w)
				}
			}
		})
	}
}

// TestLoginLibrary_InsecureLeavesTheRemoteUsable: a token checked with
// --insecure over plain HTTP is stored on a remote the CLIs will reach
// over plain HTTP too: Insecure: true is set (the key `remote add
// --insecure` writes), and only the lines concerned change.
func TestLoginLibrary_InsecureLeavesTheRemoteUsable(t *testing.T) {
	e := newTestEnv(t)
	ls := newLibServer(t, hinkskalle, false)
	yaml := "# my remotes\nActive: lib\nRemotes:\n    lib:\n        URI: //" + ls.host() + "\n        System: false\n        Exclusive: false\n    other:\n        URI: x.example\n        System: false\n        Exclusive: false\n"
	e.writeRemoteYAML(t, yaml)
	r := runCmd(t, "", nil, "--insecure", "--token-file", writeTokenFile(t, goodToken), "lib")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	want := strings.Replace(yaml, "        URI: //"+ls.host()+"\n        System: false\n        Exclusive: false\n",
		"        URI: //"+ls.host()+"\n        Token: "+goodToken+"\n        System: false\n        Exclusive: false\n        Insecure: true\n", 1)
	if got := e.readRemoteYAML(t); got != want {
		t.Errorf("remote.yaml:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(r.stderr+r.stdout, "Insecure: true") {
		t.Errorf("the output does not say Insecure: true was set")
	}
	// What the CLIs then do: the remote's Insecure makes status (as
	// `remote status`) use plain HTTP without --insecure.
	if s := runCmd(t, "", nil, "status", "lib"); s.code != exitOK {
		t.Errorf("status after the login: exit %d\n%s", s.code, s.stdout)
	}
}

// TestLoginLibrary_InsecureSystemRemote: a system remote marked Insecure:
// true loses that key when copied into the user file (as the CLIs copy
// it); a login that reached it over plain HTTP with --insecure leaves the
// user's copy Insecure: true, so the CLIs reach it as the login did.
func TestLoginLibrary_InsecureSystemRemote(t *testing.T) {
	e := newTestEnv(t)
	ls := newLibServer(t, sregistry, false)
	sys := filepath.Join(t.TempDir(), "remote.yaml")
	if err := os.WriteFile(sys, []byte("Active: srs\nRemotes:\n  srs:\n    URI: //"+ls.host()+"\n    System: true\n    Exclusive: false\n    Insecure: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REMOTEYAML_SYSTEM_FILE", sys)
	r := runCmd(t, "", nil, "--insecure", "--token-file", writeTokenFile(t, goodToken), "srs")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	cfg, err := yamlstore.DecodeStrict([]byte(e.readRemoteYAML(t)))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Remotes["srs"]; got == nil || !got.System || !got.Insecure || got.Token != goodToken {
		t.Errorf("the user's copy of srs = %+v, want System, Insecure and the token", got)
	}
}
