package login

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// plainServer is an http (no TLS) server that records every Authorization
// header it receives and answers 200 to everything, as a thief would.
type plainServer struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
	hits  int
}

func newPlainServer(t *testing.T) *plainServer {
	p := &plainServer{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits++
		if a := r.Header.Get("Authorization"); a != "" {
			p.auths = append(p.auths, a)
		}
		p.mu.Unlock()
		if r.URL.Path == "/token" {
			json.NewEncoder(w).Encode(map[string]string{"token": "stolen", "access_token": "stolen"})
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *plainServer) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.auths) != 0 {
		t.Errorf("the plain http server received credentials: %q", p.auths)
	}
}

// refused checks err is the one-line refusal of a redirect.
func refused(t *testing.T, err error, secret string) {
	t.Helper()
	if err == nil {
		t.Fatal("the login was accepted: the 200 of the plain server counted as verified")
	}
	msg := err.Error()
	t.Logf("refused: %s", msg)
	if !strings.Contains(msg, "redirect") || strings.Contains(msg, "\n") || strings.Contains(msg, secret) {
		t.Errorf("error %q: want one line about the redirect, without the secret", msg)
	}
}

// Item 10 of issue 10: an https→http redirect was followed with the
// credential, and the plain server's 200 counted as verified.
func TestRedirect_KeyserverToPlainHTTP(t *testing.T) {
	plain := newPlainServer(t)
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer tls.Close()
	target, err := ParseTarget(tls.URL + "/pks")
	if err != nil {
		t.Fatal(err)
	}
	c := &Checker{Client: tls.Client()}
	refused(t, c.Keyserver(context.Background(), target, "Bearer KS-SECRET", false), "KS-SECRET")
	plain.check(t)
	// --insecure lets the keyserver be plain http, not the credential hop.
	refused(t, c.Keyserver(context.Background(), target, "Bearer KS-SECRET", true), "KS-SECRET")
	plain.check(t)
}

// A redirect to another host (or port) over https is refused for a credential too:
// the credential would not go (Go drops it), and the other host's 200
// would count as verified without ever seeing it.
func TestRedirect_KeyserverToAnotherHost(t *testing.T) {
	var otherAuth []string
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
	}))
	defer other.Close()
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound) // another port: another server
	}))
	defer tls.Close()
	target, _ := ParseTarget(tls.URL)
	c := &Checker{Client: tls.Client()}
	refused(t, c.Keyserver(context.Background(), target, "Bearer KS-SECRET", false), "KS-SECRET")
	if len(otherAuth) != 0 {
		t.Errorf("the other host was asked: %q", otherAuth)
	}
}

// A redirect within the host over https is still followed.
func TestRedirect_SameHostFollowed(t *testing.T) {
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/pks" {
			http.Redirect(w, r, "/pks/", http.StatusMovedPermanently)
			return
		}
		if r.Header.Get("Authorization") != "Bearer KS-SECRET" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer tls.Close()
	target, _ := ParseTarget(tls.URL + "/pks")
	c := &Checker{Client: tls.Client()}
	if err := c.Keyserver(context.Background(), target, "Bearer KS-SECRET", false); err != nil {
		t.Fatalf("a same-host https redirect: %v", err)
	}
}

func TestRedirect_LibraryToPlainHTTP(t *testing.T) {
	for _, step := range []string{"discovery", "token-status"} {
		t.Run(step, func(t *testing.T) {
			plain := newPlainServer(t)
			var tls *httptest.Server
			tls = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/assets/config/config.prod.json" && step == "discovery":
					http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
				case r.URL.Path == "/assets/config/config.prod.json":
					json.NewEncoder(w).Encode(map[string]any{"tokenAPI": map[string]string{"uri": tls.URL}})
				default:
					http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusTemporaryRedirect)
				}
			}))
			defer tls.Close()
			c := &Checker{Client: tls.Client()}
			refused(t, c.LibraryToken(context.Background(), "lib", "//"+strings.TrimPrefix(tls.URL, "https://"), false, false, "LIB-SECRET"), "LIB-SECRET")
			plain.check(t)
		})
	}
}

func TestRedirect_RegistryToPlainHTTP(t *testing.T) {
	for _, step := range []string{"v2", "v2 with credential", "token realm"} {
		t.Run(step, func(t *testing.T) {
			plain := newPlainServer(t)
			var tls *httptest.Server
			tls = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case step == "v2":
					http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
				case step == "v2 with credential" && r.Header.Get("Authorization") != "":
					http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusTemporaryRedirect)
				case step == "v2 with credential":
					w.Header().Set("WWW-Authenticate", `Basic realm="reg"`)
					w.WriteHeader(http.StatusUnauthorized)
				case r.URL.Path == "/token":
					http.Redirect(w, r, plain.URL+"/token", http.StatusFound)
				case r.Header.Get("Authorization") == "Bearer stolen":
					w.WriteHeader(http.StatusOK)
				default:
					w.Header().Set("WWW-Authenticate", `Bearer realm="`+tls.URL+`/token",service="reg"`)
					w.WriteHeader(http.StatusUnauthorized)
				}
			}))
			defer tls.Close()
			target, err := ParseTarget("docker://" + strings.TrimPrefix(tls.URL, "https://"))
			if err != nil {
				t.Fatal(err)
			}
			c := &Checker{Client: tls.Client()}
			refused(t, c.Registry(context.Background(), target, "alice", "REG-SECRET", false), "REG-SECRET")
			plain.check(t)
		})
	}
}
