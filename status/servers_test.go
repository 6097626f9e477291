package status

import (
	"context"
	"encoding/base64"
	"encoding/json"
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
	"time"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

const (
	testUser     = "alice"
	testPassword = "pw-7d1e44a0"
	libToken     = "lib-token-51c2a9"
	identity     = "refresh-9a7f3310"
	keyToken     = "kst-4e0b5d17"
)

// servers are fakes of what each check asks, over TLS (httptest's
// certificate, trusted by the client of any of them):
//   - a library remote: discovery, /version of each service (the builder's
//     answers 500), token-status (404 for a bad token, as Sylabs answers);
//   - a registry with Basic auth at /basic/v2/ and one with Bearer through
//     its token service at /v2/ and /token (same host, as oras-go asks of a
//     loopback realm), which takes the password and the refresh_token grant;
//   - a keyserver at /pks/lookup taking "Bearer keyToken".
type servers struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD path" of every request
}

func newServers(t *testing.T) *servers {
	s := &servers{}
	mux := http.NewServeMux()
	mux.HandleFunc("/assets/config/config.prod.json", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"libraryAPI":{"uri":%q},"tokenAPI":{"uri":%q},"keystoreAPI":{"uri":%q},"builderAPI":{"uri":%q},"other":"x"}`,
			s.URL+"/library", s.URL+"/auth", s.URL+"/keys", s.URL+"/builder")
	})
	for _, svc := range []string{"library", "auth", "keys"} {
		mux.HandleFunc("/"+svc+"/version", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"data":{"version":"v1.0.0-%s"}}`, svc)
		})
	}
	mux.HandleFunc("/builder/version", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	mux.HandleFunc("/auth/v1/token-status", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+libToken {
			http.Error(w, `{"error":{"code":404,"message":"Invalid Credentials"}}`, http.StatusNotFound)
			return
		}
		fmt.Fprint(w, `{"data":{"status":"valid"}}`)
	})
	mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer access-for-alice" {
			fmt.Fprint(w, "{}")
			return
		}
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s/token",service="test-registry"`, s.URL))
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED"}]}`, http.StatusUnauthorized)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ok := r.Method == http.MethodPost &&
			(r.PostForm.Get("grant_type") == "refresh_token" && r.PostForm.Get("refresh_token") == identity ||
				r.PostForm.Get("grant_type") == "password" && r.PostForm.Get("username") == testUser && r.PostForm.Get("password") == testPassword)
		if u, p, basic := r.BasicAuth(); r.Method == http.MethodGet && basic {
			ok = u == testUser && p == testPassword
		}
		if !ok {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"access_token":"access-for-alice","token":"access-for-alice"}`)
	})
	mux.HandleFunc("/pks/jwt", func(w http.ResponseWriter, r *http.Request) {
		if strings.Count(r.Header.Get("Authorization"), ".") != 2 {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/pks/lookup", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+keyToken {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "ok")
	})
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short at Close
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *servers) host() string { return strings.TrimPrefix(s.URL, "https://") }

func (s *servers) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// basicRegistry is a registry that takes Basic auth only.
func basicRegistry(t *testing.T) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); ok && u == testUser && p == testPassword {
			fmt.Fprint(w, "{}")
			return
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED"}]}`, http.StatusUnauthorized)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// testStore writes remote.yaml (and docker-config.json, when given) in a
// temp config dir, with HOME and the rest pointed there too.
func testStore(t *testing.T, remoteYAML, dockerConfig string) *credstore.Store {
	t.Helper()
	home := t.TempDir()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "DOCKER_CONFIG"} {
		t.Setenv(k, home)
	}
	dir := filepath.Join(home, ".apptainer")
	t.Setenv("APPTAINER_CONFIGDIR", dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "remote.yaml")
	if err := os.WriteFile(path, []byte(remoteYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	st := &credstore.Store{File: &yamlstore.File{Path: path}, DockerConfig: filepath.Join(dir, "docker-config.json")}
	if dockerConfig != "" {
		if err := os.WriteFile(st.DockerConfig, []byte(dockerConfig), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func realChecker(client *http.Client, now time.Time) *Checker {
	return &Checker{Prober: &login.Checker{Client: client}, Timeout: 10 * time.Second, Now: func() time.Time { return now }}
}

// TestStatus_realServers: every kind of login, each against a server that
// answers as the real ones do, read from remote.yaml as stored.
func TestStatus_realServers(t *testing.T) {
	now := time.Now()
	s := newServers(t)
	reg := basicRegistry(t)
	regHost := strings.TrimPrefix(reg.URL, "https://")
	down := httptest.NewServer(http.NotFoundHandler())
	downHost := strings.TrimPrefix(down.URL, "http://")
	down.Close()
	expired := makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(-time.Hour).Unix()))
	expiring := makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(3*24*time.Hour).Unix()))

	yaml := `Active: lib
Remotes:
    lib:
        URI: //` + s.host() + `
        Token: ` + libToken + `
        System: false
        Exclusive: false
    old:
        URI: //` + s.host() + `
        Token: ` + expired + `
        System: false
        Exclusive: false
    wrong:
        URI: //` + s.host() + `
        Token: not-the-token
        System: false
        Exclusive: false
    notoken:
        URI: //` + s.host() + `
        System: false
        Exclusive: false
Credentials:
    - URI: docker://` + regHost + `
      Auth: ` + basicAuth(testUser, testPassword) + `
      Insecure: false
    - URI: oras://` + regHost + `
      Auth: ` + basicAuth(testUser, "changed-"+testPassword) + `
      Insecure: false
    - URI: docker://` + s.host() + `
      Auth: Bearer ` + identity + `
      Insecure: false
    - URI: docker://` + s.host() + `/by/apptainer
      Insecure: false
    - URI: ` + s.URL + `/pks/lookup
      Auth: Bearer ` + keyToken + `
      Insecure: false
    - URI: ` + s.URL + `/pks/jwt
      Auth: Bearer ` + expiring + `
      Insecure: false
    - URI: ` + s.URL + `/pks/lookup?query
      Auth: Bearer ` + keyToken + `
      Insecure: false
    - URI: docker://` + downHost + `
      Auth: ` + basicAuth(testUser, testPassword) + `
      Insecure: true
    - URI: docker://nosecret.example
      Insecure: false
`
	dockerCfg := `{"auths":{"` + s.host() + `/by/apptainer":{"auth":"` + base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPassword)) + `"}}}`
	st := testStore(t, yaml, dockerCfg)
	logins, problem, err := Load(st)
	if err != nil || problem != nil {
		t.Fatal(err, problem)
	}
	results := realChecker(s.Client(), now).Run(context.Background(), logins)

	want := []struct {
		target, where string
		state         State
		short         string // a part of Short()
	}{
		{"lib", "remote.yaml", OK, "OK (builder N/A, keyserver v1.0.0-keys, library v1.0.0-library, token v1.0.0-auth)"},
		{"old", "remote.yaml", Expired, "expired (60 minutes ago"},
		{"wrong", "remote.yaml", Refused, "refused (404 Not Found): log in again: remote-login wrong"},
		{"docker://" + regHost, "remote.yaml", OK, "OK"},
		{"oras://" + regHost, "remote.yaml", Refused, "refused (401 Unauthorized): log in again: remote-login -u alice oras://" + regHost},
		{"docker://" + s.host(), "remote.yaml", OK, "OK"},
		{"docker://" + s.host() + "/by/apptainer", st.DockerConfig, OK, "OK"},
		{s.URL + "/pks/lookup", "remote.yaml", OK, "OK"},
		{s.URL + "/pks/jwt", "remote.yaml", Expiring, "expiring (in 3 days"},
		{s.URL + "/pks/lookup?query", "remote.yaml", Failed, "failed (not a keyserver URI"},
		{"docker://" + downHost, "remote.yaml", Unreachable, "unreachable (connection to " + downHost + " refused)"},
		{"docker://nosecret.example", "", Failed, "failed (no secret found for it)"},
	}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(results), len(want), results)
	}
	for i, w := range want {
		r := results[i]
		if r.Target != w.target || r.SecretIn != w.where || r.State != w.state || !strings.Contains(r.Short(), w.short) {
			t.Errorf("result %d:\n got %s | %s | %s (%s)\nwant %s | %s | %s (%s)", i, r.Target, r.SecretIn, r.State, r.Short(), w.target, w.where, w.state, w.short)
		}
		b, _ := json.Marshal(r)
		for _, secret := range []string{testPassword, libToken, identity, keyToken, expired, expiring, base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPassword))} {
			if strings.Contains(string(b)+r.Short(), secret) {
				t.Errorf("result %d holds a secret: %s", i, b)
			}
		}
	}
	for _, req := range s.requests() {
		if strings.Contains(req, expired) {
			t.Errorf("the expired token was sent: %s", req)
		}
	}
}
