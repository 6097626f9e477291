package login

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	known := Known{
		Remotes:    []string{"SylabsCloud", "my.remote"},
		Keyservers: []string{"https://keys.example.com", "http://127.0.0.1:8092"},
		Commands:   []string{"login", "list", "help", "h", "version", "status"},
	}
	// probe answers as a registry for reg.example.com only, and records
	// whether it was asked.
	tests := []struct {
		in          string
		kind, entry string
		probed      bool
		wantErr     string
	}{
		{in: "SylabsCloud", kind: Library},
		{in: "my.remote", kind: Library}, // a remote name wins over the host rule
		{in: "nosuch", kind: Library},    // no dot, no port: a (missing) remote name
		{in: "registry.example.com:5000", kind: Registry, entry: "docker://registry.example.com:5000"},
		{in: "registry.example.com", kind: Registry, entry: "docker://registry.example.com"},
		{in: "localhost", kind: Registry, entry: "docker://localhost"},
		{in: "127.0.0.1:5000", kind: Registry, entry: "docker://127.0.0.1:5000"},
		{in: "docker.io", kind: Registry, entry: "docker://docker.io"},
		{in: "docker://reg.example.com", kind: Registry, entry: "docker://reg.example.com"},
		{in: "https://keys.example.com/pks/lookup", kind: Keyserver, entry: "https://keys.example.com/pks/lookup"},
		{in: "http://127.0.0.1:8092", kind: Keyserver, entry: "http://127.0.0.1:8092"},
		{in: "hkps://other.example.com", kind: Keyserver, entry: "https://other.example.com"},
		{in: "https://reg.example.com", kind: Registry, entry: "docker://reg.example.com", probed: true},
		{in: "https://reg.example.com/v2/", kind: Registry, entry: "docker://reg.example.com", probed: true},
		{in: "https://other.example.com/pks", probed: true, wantErr: "for a registry give docker://other.example.com, for a keyserver hkps://other.example.com/pks (added first with `keyserver add`)"},
		{in: "http://other.example.com:80", probed: true, wantErr: "for a keyserver hkp://other.example.com:80"},
		{in: "https://down.example.com", probed: true, wantErr: "cannot resolve"},
		{in: "help", wantErr: "it is a remote-login command, not a remote name; run `remote-login help`"},
		{in: "status", wantErr: "run `remote-login status`"},
		{in: "version", wantErr: "command"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			probed := false
			probe := func(_ context.Context, target Target) (bool, error) {
				probed = true
				if target.Host == "down.example.com" {
					return false, &Error{Target: target.Raw, Kind: KindDNS, Detail: "cannot resolve down.example.com (DNS)"}
				}
				return target.Host == "reg.example.com", nil
			}
			got, err := Resolve(context.Background(), tt.in, known, probe)
			if probed != tt.probed {
				t.Errorf("probed = %v, want %v", probed, tt.probed)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve(%q) = %+v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Kind != tt.kind || got.EntryURI != tt.entry || got.Raw != tt.in {
				t.Errorf("Resolve(%q) = %+v, %v; want kind %s entry %q", tt.in, got, err, tt.kind, tt.entry)
			}
		})
	}
}

func TestResolve_NoProbeTakesRegistry(t *testing.T) {
	got, err := Resolve(context.Background(), "https://reg.example.com", Known{}, nil)
	if err != nil || got.Kind != Registry || got.EntryURI != "docker://reg.example.com" {
		t.Fatalf("Resolve without probe = %+v, %v; want the registry", got, err)
	}
}

func TestChecker_IsRegistry(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    bool
	}{
		{"distribution header", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
			w.WriteHeader(http.StatusUnauthorized)
		}, true},
		{"bearer challenge without the header", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://auth.example.com/token",service="reg"`)
			w.WriteHeader(http.StatusUnauthorized)
		}, true},
		{"basic challenge only (a web server behind a password)", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="keys"`)
			w.WriteHeader(http.StatusUnauthorized)
		}, false},
		{"404", http.NotFound, false},
		{"200 without the header", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var path string
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				path = r.URL.Path
				if r.Header.Get("Authorization") != "" {
					t.Error("the probe sent credentials")
				}
				tt.handler(w, r)
			}))
			defer srv.Close()
			c := &Checker{Client: srv.Client()}
			target, err := ParseTarget(srv.URL + "/pks/lookup")
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.IsRegistry(false)(context.Background(), target)
			if err != nil || got != tt.want || path != "/v2/" {
				t.Errorf("IsRegistry = %v, %v after GET %s; want %v after GET /v2/", got, err, path, tt.want)
			}
		})
	}
}

func TestChecker_IsRegistryUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	target, _ := ParseTarget(strings.Replace(url, "http://", "https://", 1))
	_, err := (&Checker{}).IsRegistry(false)(context.Background(), target)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindConnect {
		t.Fatalf("err = %v, want a connection *Error", err)
	}
}
