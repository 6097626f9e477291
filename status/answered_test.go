package status

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/login"
)

// rawAnswer is a TLS server that answers every request with the bytes of
// answer as they are: Go's own server would not send a malformed header.
func rawAnswer(t *testing.T, answer string) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString(answer)
		_ = buf.Flush()
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestStatus_whoFailed: status tells a server that answered from one that
// could not be reached. A proxy that is down leaves the server unreached
// (unreachable, the proxy named); a 403 whose WWW-Authenticate holds a
// control character was an answer: a refusal, not "check the address and
// your network".
func TestStatus_whoFailed(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadProxy := l.Addr().String()
	l.Close()
	malformed := rawAnswer(t, "HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: Basic realm=\"reg\x01istry\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	malformedHost := strings.TrimPrefix(malformed.URL, "https://")
	badHeader := rawAnswer(t, "HTTP/1.1 200 OK\r\nX-Note: a\x02b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	badHeaderHost := strings.TrimPrefix(badHeader.URL, "https://")

	tests := []struct {
		name      string
		login     Login
		proxy     string
		client    *http.Client
		want      State
		wantShort []string
		notShort  string
	}{
		{"proxy down", Login{Kind: login.Registry, Target: "docker://registry.example.com", URI: "docker://registry.example.com", Username: testUser, Secret: testPassword},
			"http://" + deadProxy, nil, Unreachable,
			[]string{"unreachable (the proxy " + deadProxy + " (from HTTPS_PROXY) failed for registry.example.com", "connection to the proxy refused"}, "failed ("},
		{"403 with a control character in its challenge, registry", Login{Kind: login.Registry, Target: "docker://" + malformedHost, URI: "docker://" + malformedHost, Username: testUser, Secret: testPassword},
			"", malformed.Client(), Refused,
			[]string{"refused (", malformedHost + " answered", "WWW-Authenticate", "control character", "log in again: remote-login -u alice docker://" + malformedHost}, "check the address and your network"},
		{"403 with a control character in its challenge, keyserver", Login{Kind: login.Keyserver, Target: malformed.URL + "/pks", URI: malformed.URL + "/pks", Username: "<token>", Secret: keyToken},
			"", malformed.Client(), Refused,
			[]string{"refused (", malformedHost + " answered", "WWW-Authenticate"}, "check the address and your network"},
		{"another malformed header: answered, not understood", Login{Kind: login.Keyserver, Target: badHeader.URL + "/pks", URI: badHeader.URL + "/pks", Username: "<token>", Secret: keyToken},
			"", badHeader.Client(), Failed,
			[]string{"failed (", badHeaderHost + " answered", "X-Note", "control character"}, "check the address and your network"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &login.Checker{Client: tt.client}
			if tt.proxy != "" {
				pu := tt.proxy
				p.Proxy = func(*http.Request) (*url.URL, error) { return url.Parse(pu) }
			}
			c := &Checker{Prober: p, Timeout: 10 * time.Second}
			r := c.Run(context.Background(), []Login{tt.login})[0]
			if r.State != tt.want {
				t.Errorf("state %q (%s), want %q", r.State, r.Short(), tt.want)
			}
			for _, w := range tt.wantShort {
				if !strings.Contains(r.Short(), w) {
					t.Errorf("line %q lacks %q", r.Short(), w)
				}
			}
			if tt.notShort != "" && strings.Contains(r.Short(), tt.notShort) {
				t.Errorf("line %q says %q", r.Short(), tt.notShort)
			}
			if strings.Contains(r.Short(), "\x01") || strings.Contains(r.Short(), "\x02") || strings.Contains(r.Short(), "reg") && strings.Contains(r.Short(), "istry\"") {
				t.Errorf("line %q quotes the server's header", r.Short())
			}
			if strings.Contains(fmt.Sprint(r), testPassword) || strings.Contains(fmt.Sprint(r), keyToken) {
				t.Errorf("result holds the secret: %+v", r)
			}
		})
	}
}
