package integration

// remote-login status against this suite's real servers: the Basic-auth
// and token-service registries, nginx as a keyserver, and a library
// server. Run alone with:
//
//	go test -count=1 -v -run RemoteLoginStatus ./integration/

import (
	"crypto/tls"
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
)

// libraryServer is a Sylabs-compatible library remote as far as status and
// login ask: service discovery, each service's /version, and token-status
// (404 for a token it does not know, as the Sylabs services answer). It
// never looks at a token's exp: an expired token that status reports was
// judged locally.
type libraryServer struct {
	srv    *httptest.Server
	tokens map[string]bool
	mu     sync.Mutex
	sent   []string // Authorization headers received at token-status
}

func startLibraryServer(t *testing.T, tokens ...string) *libraryServer {
	t.Helper()
	ls := &libraryServer{tokens: map[string]bool{}}
	for _, tok := range tokens {
		ls.tokens[tok] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/assets/config/config.prod.json", func(w http.ResponseWriter, r *http.Request) {
		base := "https://" + r.Host
		fmt.Fprintf(w, `{"libraryAPI":{"uri":%q},"tokenAPI":{"uri":%q},"keystoreAPI":{"uri":%q}}`, base+"/library", base+"/token", base+"/keystore")
	})
	for _, svc := range []string{"library", "token", "keystore"} {
		mux.HandleFunc("/"+svc+"/version", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"data":{"version":"v9.9.9-%s"}}`, svc)
		})
	}
	mux.HandleFunc("/token/v1/token-status", func(w http.ResponseWriter, r *http.Request) {
		authz := r.Header.Get("Authorization")
		ls.mu.Lock()
		ls.sent = append(ls.sent, authz)
		ls.mu.Unlock()
		if tok, ok := strings.CutPrefix(authz, "Bearer "); !ok || !ls.tokens[tok] {
			http.Error(w, `{"error":{"code":404,"message":"Invalid Credentials"}}`, http.StatusNotFound)
			return
		}
		fmt.Fprint(w, `{"data":{"status":"valid"}}`)
	})
	ls.srv = httptest.NewUnstartedServer(mux)
	ls.srv.TLS = &tls.Config{Certificates: []tls.Certificate{thePKI.serverCert}}
	ls.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	ls.srv.StartTLS()
	t.Cleanup(ls.srv.Close)
	return ls
}

func (ls *libraryServer) host() string { return strings.TrimPrefix(ls.srv.URL, "https://") }

func (ls *libraryServer) received(token string) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, a := range ls.sent {
		if strings.Contains(a, token) {
			return true
		}
	}
	return false
}

// testJWT is a token shaped as a JWT with the given exp; no server here
// checks its signature.
func testJWT(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"sub":"alice","exp":%d,"n":%q}`, exp.Unix(), randomHex(6)))) + "." + enc([]byte(randomHex(16)))
}

// statusLines maps each login line of `remote-login status` to its text,
// with single spaces between the columns.
func statusLines(t *testing.T, stdout string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "TARGET") {
		t.Fatalf("status output has no header:\n%s", stdout)
	}
	out := map[string]string{}
	for _, l := range lines[1:] {
		l = strings.Join(strings.Fields(l), " ") // the columns' padding aside
		target, _, _ := strings.Cut(l, " ")
		if _, dup := out[target]; dup {
			t.Fatalf("two lines for %s:\n%s", target, stdout)
		}
		out[target] = l
	}
	return out
}

// TestRemoteLoginStatus: logins made with remote-login (and one the way
// Apptainer's own registry login leaves it) are all OK; then a password
// changed at the token service, an expired JWT and a library server that
// is down each make status exit 1 with the one line that names the login.
func TestRemoteLoginStatus(t *testing.T) {
	needRegistries(t)
	ks := startNginx(t)
	goodLib := testJWT(time.Now().Add(365 * 24 * time.Hour))
	expiredLib := testJWT(time.Now().Add(-time.Hour))
	lib := startLibraryServer(t, goodLib, expiredLib)
	e := newClientEnv(t, viaRegistriesConf)

	// carol exists only for this test, so changing her password at the
	// token service touches no other test's login.
	carolPW := "carol-" + randomHex(8)
	tokens.setUser("carol", carolPW)
	t.Cleanup(func() { tokens.setUser("carol", "") })

	// The keyservers as `apptainer keyserver add` configures them: only an
	// External keyserver takes a login.
	keyservers := ""
	for _, u := range []string{ks.basicURL, ks.bearerURL} {
		keyservers += "            - URI: " + u + "\n              Skip: false\n              External: true\n              Insecure: false\n"
	}
	e.writeFile(t, e.remoteYAMLPath(), "Active: lib\nRemotes:\n    lib:\n        URI: //"+lib.host()+"\n        System: false\n        Exclusive: false\n        Keyservers:\n"+keyservers)
	tokenFile := filepath.Join(e.root, "lib-token")
	e.writeFile(t, tokenFile, goodLib+"\n")
	secrets := []string{goodLib, expiredLib, ks.token, carolPW}
	mustLogin := func(stdin string, args ...string) {
		t.Helper()
		if r := e.remoteLogin(t, stdin, args...); r.code != 0 {
			t.Fatalf("login failed:\n%s", r)
		}
	}
	mustLogin("", "--token-file", tokenFile, "lib")
	mustLogin(testPassword+"\n", "-u", testUser, "--password-stdin", "docker://"+basicReg.host)
	mustLogin(carolPW+"\n", "-u", "carol", "--password-stdin", "docker://"+tokenReg.host)
	mustLogin(testPassword+"\n", "-u", testUser, "--password-stdin", ks.basicURL)
	mustLogin(ks.token+"\n", "--password-stdin", ks.bearerURL)
	// A login as Apptainer's registry login leaves it: an entry without
	// Auth, the secret in docker-config.json beside remote.yaml.
	apptainerURI := "docker://" + basicReg.host + "/by/apptainer"
	yaml := string(readBytes(t, e.remoteYAMLPath())) + "    - URI: " + apptainerURI + "\n      Insecure: false\n"
	e.writeFile(t, e.remoteYAMLPath(), yaml)
	dockerConfig := filepath.Join(e.apptainer, "docker-config.json")
	e.writeFile(t, dockerConfig, `{"auths":{"`+basicReg.host+`/by/apptainer":{"auth":"`+
		base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPassword))+`"}}}`)

	status := func(args ...string) (rlResult, map[string]string) {
		t.Helper()
		r := e.remoteLogin(t, "", append([]string{"status"}, args...)...)
		for _, s := range secrets {
			if strings.Contains(r.stdout+r.stderr, s) {
				t.Fatalf("status printed a secret")
			}
		}
		if r.stderr != "" {
			t.Errorf("status wrote to stderr (its lines say it all): %q", r.stderr)
		}
		return r, statusLines(t, r.stdout)
	}
	wantLines := map[string]string{
		"lib":                       "remote.yaml OK (keyserver v9.9.9-keystore, library v9.9.9-library, token v9.9.9-token)",
		"docker://" + basicReg.host: "remote.yaml OK",
		"docker://" + tokenReg.host: "remote.yaml OK",
		ks.basicURL:                 "remote.yaml OK",
		ks.bearerURL:                "remote.yaml OK",
		apptainerURI:                dockerConfig + " OK",
	}
	assertLines := func(got map[string]string, except string) {
		t.Helper()
		if len(got) != len(wantLines) {
			t.Errorf("%d lines, want %d: %v", len(got), len(wantLines), got)
		}
		for target, want := range wantLines {
			if target != except && !strings.HasSuffix(got[target], want) {
				t.Errorf("line of %s = %q, want it to end %q", target, got[target], want)
			}
		}
	}

	t.Run("all OK", func(t *testing.T) {
		r, lines := status()
		if r.code != 0 {
			t.Errorf("exit %d, want 0", r.code)
		}
		assertLines(lines, "")
		r = e.remoteLogin(t, "", "status", "--json")
		var out struct {
			OK     bool `json:"ok"`
			Logins []struct {
				Target, State string
			} `json:"logins"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || !out.OK || len(out.Logins) != len(wantLines) || r.code != 0 {
			t.Errorf("--json: exit %d, %v, %+v", r.code, err, out)
		}
	})

	t.Run("a changed registry password", func(t *testing.T) {
		tokens.setUser("carol", "changed-"+carolPW)
		defer tokens.setUser("carol", carolPW)
		r, lines := status()
		target := "docker://" + tokenReg.host
		if r.code != 1 || !strings.Contains(lines[target], "refused (401 Unauthorized): log in again: remote-login -u carol "+target) {
			t.Errorf("exit %d, line %q; want 1 and a refusal naming %s", r.code, lines[target], target)
		}
		assertLines(lines, target)
		if r := e.remoteLogin(t, "", "status", target); r.code != 1 || strings.Count(r.stdout, "\n") != 2 {
			t.Errorf("status %s: exit %d, want 1 and its one line:\n%s", target, r.code, r.stdout)
		}
	})

	t.Run("an expired JWT", func(t *testing.T) {
		withOld := strings.Replace(yaml, "Remotes:\n", "Remotes:\n    old:\n        URI: //"+lib.host()+"\n        Token: "+expiredLib+"\n        System: false\n        Exclusive: false\n", 1)
		if withOld == yaml {
			t.Fatal("no Remotes: in remote.yaml")
		}
		e.writeFile(t, e.remoteYAMLPath(), withOld)
		defer e.writeFile(t, e.remoteYAMLPath(), yaml)
		r, lines := status()
		if r.code != 1 || !strings.Contains(lines["old"], "remote.yaml expired (") {
			t.Errorf("exit %d, line %q; want 1 and old expired", r.code, lines["old"])
		}
		delete(lines, "old")
		assertLines(lines, "")
		if lib.received(expiredLib) {
			t.Errorf("the expired token was sent to the library server")
		}
	})

	t.Run("a server that is down", func(t *testing.T) {
		lib.srv.Close()
		r, lines := status()
		if r.code != 1 || !strings.Contains(lines["lib"], "remote.yaml unreachable (connection to "+lib.host()+" refused)") {
			t.Errorf("exit %d, line %q; want 1 and lib unreachable", r.code, lines["lib"])
		}
		bad := 0
		for _, l := range lines {
			if !strings.Contains(l, " OK") {
				bad++
			}
		}
		if bad != 1 {
			t.Errorf("%d lines are not OK, want only the library's:\n%s", bad, r.stdout)
		}
		assertLines(lines, "lib")
	})
	if _, err := os.Stat(e.remoteYAMLPath()); err != nil {
		t.Fatal(err)
	}
}
