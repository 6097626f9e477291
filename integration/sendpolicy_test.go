package integration

// Issue 21 items 1 and 2: the built remote-login, with a logging proxy in
// HTTP_PROXY standing for the network between the user and every host that
// is not this machine. Servers name a token realm, a redirect target, a
// keyserver or a token service on attacker.example over plain HTTP; the
// proxy is the only way to reach it, and it must never see a credential,
// from `login` or from `status`. Run alone with:
//
//	go test -count=1 -v -run SendPolicy ./integration/

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// loggingProxy is a plain HTTP proxy that answers every request itself
// (as attacker.example would) and logs the Authorization it was sent.
type loggingProxy struct {
	srv   *httptest.Server
	mu    sync.Mutex
	seen  []string // "METHOD URL" of every request
	auths []string // "URL: Authorization" of every request that had one
}

func startLoggingProxy(t *testing.T) *loggingProxy {
	p := &loggingProxy{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.URL.String())
		if a := r.Header.Get("Authorization"); a != "" {
			p.auths = append(p.auths, r.URL.String()+": "+a)
		}
		if r.Method == http.MethodPost {
			if b, _ := io.ReadAll(r.Body); len(b) > 0 {
				p.auths = append(p.auths, r.URL.String()+": posted "+string(b))
			}
		}
		p.mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/token"):
			fmt.Fprint(w, `{"token":"stolen","access_token":"stolen"}`)
		case strings.HasSuffix(r.URL.Path, "/token-status"):
			fmt.Fprint(w, `{"data":{"status":"valid"}}`)
		default:
			fmt.Fprint(w, "{}")
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// take returns what the proxy logged since the last call, and forgets it.
func (p *loggingProxy) take() (seen, auths []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen, auths = p.seen, p.auths
	p.seen, p.auths = nil, nil
	return seen, auths
}

// attackerRegistry is a registry on this machine whose /v2/ sends the
// client to attacker.example: a Bearer realm there, or (redirect) a chain
// of redirects ending in plain HTTP there. It accepts only the token the
// attacker hands out, so a login that succeeds went through attacker.example.
func attackerRegistry(t *testing.T, useTLS, redirect bool) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		switch {
		case r.Header.Get("Authorization") == "Bearer stolen":
			fmt.Fprint(w, "{}")
		case redirect && r.Header.Get("Authorization") != "" && r.URL.Path == "/v2/":
			http.Redirect(w, r, "/v2/hop", http.StatusTemporaryRedirect)
		case redirect && r.Header.Get("Authorization") != "":
			http.Redirect(w, r, "http://attacker.example/v2/", http.StatusTemporaryRedirect)
		case redirect:
			w.Header().Set("WWW-Authenticate", `Basic realm="reg"`)
			w.WriteHeader(http.StatusUnauthorized)
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://attacker.example/token",service="reg"`)
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{thePKI.serverCert}}
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// attackerLibrary is a library remote on this machine whose discovery names
// a token service on attacker.example over plain HTTP.
func attackerLibrary(t *testing.T) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/assets/config/config.prod.json" {
			json.NewEncoder(w).Encode(map[string]any{"tokenAPI": map[string]string{"uri": "http://attacker.example/auth"}})
			return
		}
		http.NotFound(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{thePKI.serverCert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestSendPolicy_NoCredentialToAttacker(t *testing.T) {
	proxy := startLoggingProxy(t)
	const user, pw = "bob", "pw-sendpolicy-5c1d"
	const libToken = "lib-token-sendpolicy-77aa"
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
	hostOf := func(u string) string { return u[strings.Index(u, "://")+3:] }

	tlsRealm := attackerRegistry(t, true, false)
	plainRealm := attackerRegistry(t, false, false)
	redirect := attackerRegistry(t, true, true)
	lib := attackerLibrary(t)
	const keyserver = "http://keys.attacker.example/pks"

	cases := []struct {
		name  string
		args  []string // the login; status checks what the test stored for it
		stdin string
		entry string // the remote.yaml Credentials entry status checks
	}{
		{"TLS registry, http realm on another host", []string{"-u", user, "--password-stdin", "docker://" + hostOf(tlsRealm.URL)}, pw + "\n",
			"    - URI: docker://" + hostOf(tlsRealm.URL) + "\n      Auth: " + basic + "\n      Insecure: false\n"},
		{"loopback plain registry, realm on another host", []string{"-u", user, "--password-stdin", "docker://" + hostOf(plainRealm.URL)}, pw + "\n",
			"    - URI: docker://" + hostOf(plainRealm.URL) + "\n      Auth: " + basic + "\n      Insecure: false\n"},
		{"loopback plain registry, --insecure, realm on another host", []string{"--insecure", "-u", user, "--password-stdin", "docker://" + hostOf(plainRealm.URL)}, pw + "\n",
			"    - URI: docker://" + hostOf(plainRealm.URL) + "\n      Auth: " + basic + "\n      Insecure: true\n"},
		{"redirect chain to plain HTTP", []string{"-u", user, "--password-stdin", "docker://" + hostOf(redirect.URL)}, pw + "\n",
			"    - URI: docker://" + hostOf(redirect.URL) + "\n      Auth: " + basic + "\n      Insecure: false\n"},
		{"http:// keyserver (External), no --insecure", []string{"-u", user, "--password-stdin", keyserver}, pw + "\n",
			"    - URI: " + keyserver + "\n      Auth: " + basic + "\n      Insecure: false\n"},
		{"library, --insecure, token service plain HTTP on another host", []string{"--insecure", "--password-stdin", "lib"}, libToken + "\n", ""},
	}
	remotes := "Remotes:\n    lib:\n        URI: //" + hostOf(lib.URL) + "\n        Token: " + libToken + "\n        System: false\n        Exclusive: false\n" +
		"        Keyservers:\n            - URI: " + keyserver + "\n              Skip: false\n              External: true\n              Insecure: false\n"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			env := append(e.envList(), "HTTP_PROXY=http://"+proxy.srv.Listener.Addr().String(), "http_proxy=http://"+proxy.srv.Listener.Addr().String())
			e.writeFile(t, e.remoteYAMLPath(), remotes)
			before := string(readBytes(t, e.remoteYAMLPath()))
			r := e.remoteLoginEnv(t, env, tc.stdin, tc.args...)
			seen, auths := proxy.take()
			t.Logf("login: the proxy saw %q", seen)
			if len(auths) != 0 {
				t.Errorf("login: the logging proxy received credentials: %q", auths)
			}
			if r.code == 0 || strings.Contains(r.stdout, "Login Succeeded") {
				t.Errorf("login: exit %d, want a refusal", r.code)
			}
			if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(r.stderr, "attacker.example") {
				t.Errorf("login: stderr %q, want one line naming where the credential would have gone", r.stderr)
			}
			if after := string(readBytes(t, e.remoteYAMLPath())); after != before {
				t.Errorf("a refused login changed remote.yaml:\n%s", after)
			}

			// status: the same login as stored by another program.
			yaml := remotes
			if tc.entry != "" {
				yaml += "Credentials:\n" + tc.entry
			}
			e.writeFile(t, e.remoteYAMLPath(), yaml)
			target := "lib"
			if tc.entry != "" {
				target = tc.args[len(tc.args)-1]
			}
			r = e.remoteLoginEnv(t, env, "", "status", target)
			seen, auths = proxy.take()
			t.Logf("status: the proxy saw %q", seen)
			if len(auths) != 0 {
				t.Errorf("status: the logging proxy received credentials: %q", auths)
			}
			if r.code != 1 || !strings.Contains(r.stdout, "attacker.example") {
				t.Errorf("status: exit %d, stdout %q; want 1 and the line naming attacker.example", r.code, r.stdout)
			}
			for _, s := range []string{pw, libToken, basic} {
				if strings.Contains(r.stdout+r.stderr, s) {
					t.Errorf("status printed a secret")
				}
			}
		})
	}
}
