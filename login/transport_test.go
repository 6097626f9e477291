package login

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/tlsconf"
)

// registryHandler accepts alice:pw with Basic auth at /v2/.
func registryHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	if u, p, ok := r.BasicAuth(); ok && u == "alice" && p == "pw" {
		fmt.Fprint(w, "{}")
		return
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
	w.WriteHeader(http.StatusUnauthorized)
}

func hostOf(rawURL string) string {
	u, _ := url.Parse(rawURL)
	return u.Host
}

func caFileOf(t *testing.T, srv *httptest.Server) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestChecker_RegistryTrust: the same registry login over TLS with an
// unknown CA, plain HTTP, and the ways to trust each.
func TestChecker_RegistryTrust(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(registryHandler))
	defer tlsSrv.Close()
	plainSrv := httptest.NewServer(http.HandlerFunc(registryHandler))
	defer plainSrv.Close()
	home := t.TempDir()
	certsD := filepath.Join(home, ".docker", "certs.d", hostOf(tlsSrv.URL))
	if err := os.MkdirAll(certsD, 0o700); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(caFileOf(t, tlsSrv))
	if err := os.WriteFile(filepath.Join(certsD, "ca.crt"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		srv      *httptest.Server
		trust    tlsconf.Sources
		insecure bool
		wantErr  []string
	}{
		{"TLS, unknown CA", tlsSrv, tlsconf.Sources{Home: t.TempDir(), SystemDirs: tlsconf.DefaultSystemDirs}, false,
			[]string{"unknown authority", "--ca-file FILE", "~/.docker/certs.d/" + hostOf(tlsSrv.URL) + "/", "/etc/docker/certs.d", "--insecure"}},
		{"TLS, --ca-file", tlsSrv, tlsconf.Sources{CAFile: caFileOf(t, tlsSrv)}, false, nil},
		{"TLS, certs.d", tlsSrv, tlsconf.Sources{Home: home}, false, nil},
		{"TLS, --insecure skips verification", tlsSrv, tlsconf.Sources{}, true, nil},
		{"plain HTTP", plainSrv, tlsconf.Sources{}, false, []string{"answers in plain HTTP", "--insecure"}},
		{"plain HTTP, --insecure falls back to it", plainSrv, tlsconf.Sources{}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Checker{Trust: tt.trust}
			target, _ := ParseTarget("docker://" + hostOf(tt.srv.URL))
			err := c.Registry(context.Background(), target, "alice", "pw", tt.insecure)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Registry: %v", err)
				}
				return
			}
			for _, want := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Registry: %v; want an error with %q", err, want)
				}
			}
		})
	}
}

func deadAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestChecker_ProxyFailures(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden) // CONNECT refused
	}))
	defer refusing.Close()
	dead := deadAddr(t)
	tests := []struct {
		name    string
		proxy   string
		want    []string
		notWant string
	}{
		{"dead proxy", "http://" + dead, []string{"the proxy " + dead + " (from HTTPS_PROXY) failed for registry.example.com", "connection to the proxy refused", "unset HTTPS_PROXY", "NO_PROXY"},
			"connection to registry.example.com refused"},
		{"proxy refuses the tunnel", refusing.URL, []string{"the proxy " + hostOf(refusing.URL) + " refused the tunnel: 403 Forbidden for registry.example.com", "NO_PROXY"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pu, _ := url.Parse(tt.proxy)
			c := &Checker{Proxy: http.ProxyURL(pu)}
			target, _ := ParseTarget("docker://registry.example.com")
			err := c.Registry(context.Background(), target, "alice", "pw", false)
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindProxy {
				t.Fatalf("err = %v, want a %s error", err, KindProxy)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v; want %q in it", err, w)
				}
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("err = %v blames the registry", err)
			}
		})
	}
}

// TestChecker_Slow: a request still unanswered after SlowAfter is named
// once, without credentials or query. The server answers only after it was.
func TestChecker_Slow(t *testing.T) {
	named := make(chan string, 4)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			return
		case u := <-named:
			named <- u
		}
		registryHandler(w, r)
	}))
	defer srv.Close()
	c := &Checker{Client: srv.Client(), SlowAfter: time.Millisecond, Slow: func(u string) { named <- u }}
	target, _ := ParseTarget("docker://" + hostOf(srv.URL))
	if err := c.Registry(context.Background(), target, "alice", "pw", false); err != nil {
		t.Fatal(err)
	}
	if got := <-named; got != srv.URL+"/v2/" {
		t.Errorf("Slow named %q, want %q", got, srv.URL+"/v2/")
	}
}

func TestChecker_TimeoutAndCancel(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-block:
		}
	}))
	defer srv.Close()
	defer close(block)
	target, _ := ParseTarget("docker://" + hostOf(srv.URL))

	c := &Checker{Client: srv.Client(), Timeout: 50 * time.Millisecond}
	err := c.Registry(context.Background(), target, "alice", "pw", false)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindTimeout || !strings.Contains(err.Error(), "within 50ms") || !strings.Contains(err.Error(), "--timeout") {
		t.Errorf("err = %v, want a timeout naming 50ms and --timeout", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	c = &Checker{Client: srv.Client(), SlowAfter: time.Millisecond, Slow: func(string) { cancel() }}
	err = c.Registry(ctx, target, "alice", "pw", false)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want one that is context.Canceled (Ctrl-C)", err)
	}
}

func TestChecker_KeyserverInsecureSkipsVerification(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	target, _ := ParseTarget(srv.URL)
	if err := (&Checker{}).Keyserver(context.Background(), target, "Bearer x", false); err == nil || !strings.Contains(err.Error(), "unknown authority") {
		t.Errorf("without --insecure: %v, want unknown authority", err)
	}
	if err := (&Checker{}).Keyserver(context.Background(), target, "Bearer x", true); err != nil {
		t.Errorf("with --insecure: %v", err)
	}
}

// TestChecker_LibraryInsecure: --insecure reaches a library remote that
// answers only plain HTTP, as it reaches such a registry.
func TestChecker_LibraryInsecure(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/assets/config/config.prod.json":
			fmt.Fprintf(w, `{"tokenAPI":{"uri":%q}}`, srv.URL+"/auth")
		case "/auth/v1/token-status":
			if r.Header.Get("Authorization") == "Bearer tok" {
				return
			}
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	host := "//" + hostOf(srv.URL) // a library on a port, as the CLIs reach one
	if err := (&Checker{}).LibraryToken(context.Background(), "lib", host, false, false, "tok"); err == nil || !strings.Contains(err.Error(), "plain HTTP") {
		t.Errorf("without --insecure: %v, want a plain-HTTP error", err)
	}
	if err := (&Checker{}).LibraryToken(context.Background(), "lib", host, false, true, "tok"); err != nil {
		t.Errorf("with --insecure: %v", err)
	}
	if err := (&Checker{}).LibraryToken(context.Background(), "lib", host, true, false, "tok"); err != nil {
		t.Errorf("an Insecure remote: %v", err)
	}
}
