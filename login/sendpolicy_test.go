package login

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestSendPolicy_Check(t *testing.T) {
	tests := []struct {
		name   string
		policy SendPolicy
		url    string
		ok     bool
	}{
		{"https anywhere", SendPolicy{Host: "reg.example"}, "https://auth.other.example/token", true},
		{"plain http to loopback", SendPolicy{Host: "reg.example"}, "http://127.0.0.1:5001/token", true},
		{"plain http to localhost", SendPolicy{Host: "reg.example"}, "http://localhost/token", true},
		{"plain http to ::1", SendPolicy{Host: "reg.example"}, "http://[::1]:80/token", true},
		{"plain http to the host, not marked", SendPolicy{Host: "reg.example"}, "http://reg.example/v2/", false},
		{"plain http to the marked host", SendPolicy{Host: "reg.example:5000", Insecure: true}, "http://reg.example:5000/v2/", true},
		{"plain http to the marked host, another port", SendPolicy{Host: "reg.example:5000", Insecure: true}, "http://REG.example:5001/token", true},
		{"plain http to another host, the registry marked", SendPolicy{Host: "reg.example", Insecure: true}, "http://attacker.example/token", false},
		{"plain http to a subdomain of the marked host", SendPolicy{Host: "example.com", Insecure: true}, "http://auth.example.com/token", false},
		{"plain http, a loopback registry", SendPolicy{Host: "127.0.0.1:5000"}, "http://attacker.example/token", false},
		{"another scheme", SendPolicy{Host: "reg.example", Insecure: true}, "ftp://reg.example/token", false},
		{"a name that only starts like localhost", SendPolicy{Host: "reg.example"}, "http://localhost.attacker.example/token", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.policy.Check(u)
			if got := err == nil; got != tt.ok {
				t.Fatalf("Check(%s) = %v, want ok %v", tt.url, err, tt.ok)
			}
			var re *SendRefusedError
			if err != nil && (!errors.As(err, &re) || strings.Contains(err.Error(), "\n")) {
				t.Errorf("Check(%s) = %q, want a one-line *SendRefusedError", tt.url, err)
			}
		})
	}
}

// attackerProxy makes c send every request for a host that is not this
// machine to plain, which stands for attacker.example and logs what it
// receives, as a logging proxy in HTTP_PROXY would.
func attackerProxy(c *Checker, plain *plainServer) {
	pu, _ := url.Parse(plain.URL)
	c.Proxy = func(r *http.Request) (*url.URL, error) {
		if Loopback(r.URL.Host) {
			return nil, nil
		}
		return pu, nil
	}
}

// realmRegistry answers /v2/ with a Bearer challenge whose realm is realm,
// and 200 to the token the attacker's server hands out.
func realmRegistry(realm string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer stolen" {
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`",service="reg"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
}

// Issue 21 item 1: a token realm on another host over plain HTTP got the
// password, from a TLS registry and from a loopback one.
func TestSendPolicy_TokenRealm(t *testing.T) {
	const realm = "http://attacker.example/token"
	tlsReg := httptest.NewTLSServer(realmRegistry(realm))
	defer tlsReg.Close()
	plainReg := httptest.NewServer(realmRegistry(realm))
	defer plainReg.Close()
	tests := []struct {
		name     string
		srv      *httptest.Server
		insecure bool
	}{
		{"TLS registry", tlsReg, false},
		{"TLS registry, --insecure", tlsReg, true},
		{"loopback plain registry", plainReg, false},
		{"loopback plain registry, --insecure", plainReg, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := newPlainServer(t)
			c := &Checker{Client: tlsReg.Client()}
			attackerProxy(c, plain)
			target, _ := ParseTarget("docker://" + hostOf(tt.srv.URL))
			_, err := c.RegistryLoopback(context.Background(), target, "bob", "REG-SECRET", tt.insecure)
			plain.check(t)
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindPlainHTTP || !strings.Contains(err.Error(), realm) || strings.Contains(err.Error(), "REG-SECRET") {
				t.Fatalf("err = %v, want a %s error naming %s", err, KindPlainHTTP, realm)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// A realm over plain HTTP on this machine, or on the registry's own host
// when the user marked it insecure, is the user's choice: the login works.
func TestSendPolicy_TokenRealmAllowed(t *testing.T) {
	var tokens int
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); ok && u == "bob" && p == "pw" {
			tokens++
			json.NewEncoder(w).Encode(map[string]string{"token": "stolen"})
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer tokenSrv.Close()
	reg := httptest.NewTLSServer(realmRegistry(tokenSrv.URL + "/token"))
	defer reg.Close()
	c := &Checker{Client: reg.Client()}
	target, _ := ParseTarget("docker://" + hostOf(reg.URL))
	if err := c.Registry(context.Background(), target, "bob", "pw", false); err != nil || tokens != 1 {
		t.Fatalf("Registry = %v after %d tokens, want a login through the loopback realm", err, tokens)
	}
}

// Issue 21 item 2: an http:// keyserver took a Basic login in clear.
func TestSendPolicy_PlainKeyserver(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		plain := newPlainServer(t)
		c := &Checker{}
		attackerProxy(c, plain)
		target, err := ParseTarget("http://keys.example/pks")
		if err != nil {
			t.Fatal(err)
		}
		err = c.Keyserver(context.Background(), target, "Basic a3U6S1MtU0VDUkVU", insecure)
		if !insecure {
			plain.check(t)
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindPlainHTTP || !strings.Contains(err.Error(), "http://keys.example/pks") || !strings.Contains(err.Error(), "--insecure") {
				t.Errorf("without --insecure: %v, want a %s error naming the URL and --insecure", err, KindPlainHTTP)
			}
			continue
		}
		if err != nil || len(plain.auths) != 1 {
			t.Errorf("with --insecure: %v, %d credentials sent; want the login checked", err, len(plain.auths))
		}
	}
	if err := MaySend("http://keys.example/pks", false); err == nil {
		t.Errorf("MaySend(http://keys.example/pks, false) = nil, want a refusal")
	}
	for _, u := range []string{"http://keys.example/pks", "http://127.0.0.1:11371", "https://keys.example"} {
		insecure := u == "http://keys.example/pks"
		if err := MaySend(u, insecure); err != nil {
			t.Errorf("MaySend(%s, %v) = %v, want nil", u, insecure, err)
		}
	}
}

// Issue 21 item 1: a library whose discovery names a plain-HTTP token
// service on another host got the token with --insecure (which marks the
// library's host, not that one).
func TestSendPolicy_LibraryTokenService(t *testing.T) {
	lib := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"tokenAPI": map[string]string{"uri": "http://attacker.example/auth"}})
	}))
	defer lib.Close()
	for _, insecure := range []bool{false, true} {
		plain := newPlainServer(t)
		c := &Checker{Client: lib.Client()}
		attackerProxy(c, plain)
		err := c.LibraryToken(context.Background(), "lib", "//"+hostOf(lib.URL), false, insecure, "LIB-SECRET")
		plain.check(t)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindPlainHTTP || !strings.Contains(err.Error(), "http://attacker.example/auth") || strings.Contains(err.Error(), "LIB-SECRET") {
			t.Errorf("insecure %v: %v, want a %s error naming the token service", insecure, err, KindPlainHTTP)
		}
	}
}
