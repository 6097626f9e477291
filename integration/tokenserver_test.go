package integration

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// tokenServer is the smallest honest Bearer token service for distribution's
// token auth (docs/spec/auth/token.md and oauth.md in distribution): it checks
// the Basic credentials (GET) or the password grant (POST) against a fixed user
// list and issues an ES256 JWT whose header carries the signer's certificate
// (x5c), which the registry verifies against its rootcertbundle. A known user
// gets every action it asks for; an anonymous request gets a token with no
// access; a wrong password gets 401. cesanta/docker_auth is not served by the
// Go module proxy here, so this stand-in is used instead.
type tokenServer struct {
	srv     *httptest.Server
	issuer  string
	service string
	key     *ecdsa.PrivateKey
	x5c     string
	users   map[string]string

	mu     sync.Mutex
	issued map[string]int // tokens issued per user ("" = anonymous)
	denied int            // requests refused for bad credentials
}

func startTokenServer(p *pki, service string, users map[string]string) *tokenServer {
	ts := &tokenServer{
		issuer:  "remoteyaml-integration-token-service",
		service: service,
		key:     p.signerKey,
		x5c:     base64.StdEncoding.EncodeToString(p.signerDER),
		users:   users,
		issued:  map[string]int{},
	}
	ts.srv = httptest.NewUnstartedServer(http.HandlerFunc(ts.serveToken))
	ts.srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.serverCert}}
	ts.srv.StartTLS()
	return ts
}

// realm names the service by host name (see startRegistries): recent
// go-containerregistry and oras-go refuse loopback realms as a guard against
// server-side request forgery, unless the host matches the registry's.
func (ts *tokenServer) realm() string {
	return "https://localhost:" + ts.srv.URL[strings.LastIndex(ts.srv.URL, ":")+1:] + "/token"
}

func (ts *tokenServer) close() { ts.srv.Close() }

func (ts *tokenServer) count(user string) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.issued[user]
}

// setUser adds a user or changes its password; "" removes it.
func (ts *tokenServer) setUser(user, pass string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if pass == "" {
		delete(ts.users, user)
		return
	}
	ts.users[user] = pass
}

func (ts *tokenServer) deniedCount() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.denied
}

type accessEntry struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

func (ts *tokenServer) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/token" {
		http.NotFound(w, r)
		return
	}
	var user, pass string
	var haveCreds bool
	var scopes []string
	oauth := false
	switch r.Method {
	case http.MethodGet:
		user, pass, haveCreds = r.BasicAuth()
		scopes = r.URL.Query()["scope"]
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			ts.fail(w, http.StatusBadRequest, "unsupported_grant_type", "bad form")
			return
		}
		if r.PostForm.Get("grant_type") != "password" {
			// No refresh tokens are ever issued, so only the password grant exists.
			ts.fail(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type=password")
			return
		}
		oauth = true
		user, pass, haveCreds = r.PostForm.Get("username"), r.PostForm.Get("password"), true
		scopes = r.PostForm["scope"]
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if service := r.FormValue("service"); service != "" && service != ts.service {
		ts.fail(w, http.StatusBadRequest, "invalid_request", "unknown service")
		return
	}
	if haveCreds {
		ts.mu.Lock()
		want, ok := ts.users[user]
		ts.mu.Unlock()
		if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(pass)) != 1 {
			ts.mu.Lock()
			ts.denied++
			ts.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Basic realm="remoteyaml-integration"`)
			ts.fail(w, http.StatusUnauthorized, "UNAUTHORIZED", "invalid username or password")
			return
		}
	} else {
		user = ""
	}

	var access []accessEntry
	if user != "" {
		for _, s := range scopes {
			for _, one := range strings.Fields(s) {
				if a, ok := parseScope(one); ok {
					access = append(access, a)
				}
			}
		}
	}
	now := time.Now()
	claims := map[string]any{
		"iss":    ts.issuer,
		"sub":    user,
		"aud":    ts.service,
		"exp":    now.Add(5 * time.Minute).Unix(),
		"nbf":    now.Add(-10 * time.Second).Unix(),
		"iat":    now.Unix(),
		"jti":    randomHex(16),
		"access": access,
	}
	if access == nil {
		claims["access"] = []accessEntry{}
	}
	token, err := ts.sign(claims)
	if err != nil {
		ts.fail(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	ts.mu.Lock()
	ts.issued[user]++
	ts.mu.Unlock()
	resp := map[string]any{
		"access_token": token,
		"expires_in":   300,
		"issued_at":    now.UTC().Format(time.RFC3339),
	}
	if !oauth {
		resp["token"] = token
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (ts *tokenServer) fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error":             code,
		"error_description": msg,
		"errors":            []map[string]string{{"code": code, "message": msg}},
	})
}

// parseScope reads "type[(class)]:name:action,action"; the name may itself
// hold colons, so type is up to the first colon and actions after the last.
func parseScope(s string) (accessEntry, bool) {
	first := strings.Index(s, ":")
	last := strings.LastIndex(s, ":")
	if first < 0 || last <= first {
		return accessEntry{}, false
	}
	typ := s[:first]
	if i := strings.Index(typ, "("); i >= 0 {
		typ = typ[:i]
	}
	var actions []string
	for _, a := range strings.Split(s[last+1:], ",") {
		if a != "" {
			actions = append(actions, a)
		}
	}
	return accessEntry{Type: typ, Name: s[first+1 : last], Actions: actions}, true
}

func (ts *tokenServer) sign(claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]any{"typ": "JWT", "alg": "ES256", "x5c": []string{ts.x5c}})
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString(header) + "." + enc.EncodeToString(body)
	sum := sha256.Sum256([]byte(signingInput))
	r, s, err := ecdsa.Sign(rand.Reader, ts.key, sum[:])
	if err != nil {
		return "", err
	}
	// JWS ES256: R and S as two 32-byte big-endian integers.
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signingInput + "." + enc.EncodeToString(sig), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
