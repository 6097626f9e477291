package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
)

// slowProber is a fake Prober whose every check waits until all `want`
// checks are under way at once (or its context ends), and records how many
// ever were. Run in sequence, the first check would wait for its timeout
// and end as unreachable; run in parallel, all pass together.
type slowProber struct {
	want int

	mu       sync.Mutex
	inFlight int
	maxSeen  int
	all      chan struct{} // closed when want checks are in flight together
	gaveUp   chan struct{} // closed when a check timed out: the rest end at once
	once     sync.Once
}

func newSlowProber(want int) *slowProber {
	return &slowProber{want: want, all: make(chan struct{}), gaveUp: make(chan struct{})}
}

func (p *slowProber) wait(ctx context.Context) error {
	p.mu.Lock()
	p.inFlight++
	if p.inFlight > p.maxSeen {
		p.maxSeen = p.inFlight
	}
	if p.inFlight == p.want {
		close(p.all)
	}
	p.mu.Unlock()
	defer func() { p.mu.Lock(); p.inFlight--; p.mu.Unlock() }()
	select {
	case <-p.all:
		return nil
	case <-p.gaveUp:
		return errors.New("an earlier check timed out")
	case <-ctx.Done():
		p.once.Do(func() { close(p.gaveUp) })
		return ctx.Err()
	}
}

func (p *slowProber) Discover(ctx context.Context, _, _ string, _, _ bool) (login.Services, bool, error) {
	return login.Services{"token": "https://lib.example/auth"}, false, p.wait(ctx)
}

func (p *slowProber) ServiceVersion(context.Context, string, string, bool) (string, error) {
	return "v1", nil
}

func (p *slowProber) TokenStatus(context.Context, string, string, bool, bool, login.Services, string) error {
	return nil
}

func (p *slowProber) Registry(ctx context.Context, _ login.Target, _, _ string, _ bool) error {
	return p.wait(ctx)
}

func (p *slowProber) Keyserver(ctx context.Context, _ login.Target, _ string, _ bool) error {
	return p.wait(ctx)
}

// TestChecker_Run_parallel: 20 checks that each finish only when all 20
// are under way at once all end OK, so 20 slow logins take as long as the
// slowest, not the sum.
func TestChecker_Run_parallel(t *testing.T) {
	const n = 20
	var logins []Login
	for i := range n {
		switch i % 3 {
		case 0:
			logins = append(logins, Login{Kind: login.Registry, Target: fmt.Sprintf("docker://r%d.example", i), URI: fmt.Sprintf("docker://r%d.example", i), Username: "alice", Secret: "pw"})
		case 1:
			logins = append(logins, Login{Kind: login.Keyserver, Target: fmt.Sprintf("https://k%d.example", i), URI: fmt.Sprintf("https://k%d.example", i), Username: "<token>", Secret: "tok"})
		default:
			logins = append(logins, Login{Kind: login.Library, Target: fmt.Sprintf("lib%d", i), URI: "lib.example", Username: "<token>", Secret: "tok"})
		}
	}
	p := newSlowProber(n)
	// The timeout only ends a run that is not parallel; the assertion is
	// on maxSeen, not on time.
	c := &Checker{Prober: p, Timeout: 10 * time.Second}
	results := c.Run(context.Background(), logins)
	if p.maxSeen != n {
		t.Errorf("at most %d checks ran at once, want all %d", p.maxSeen, n)
	}
	for i, r := range results {
		if r.State != OK || r.Target != logins[i].Target {
			t.Errorf("result %d = %+v, want OK for %s (results in input order)", i, r, logins[i].Target)
		}
	}
}

// blockProber never answers: every check waits for its context.
type blockProber struct{ *slowProber }

func (blockProber) Registry(ctx context.Context, _ login.Target, _, _ string, _ bool) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestChecker_Run_timeout(t *testing.T) {
	c := &Checker{Prober: blockProber{newSlowProber(1)}, Timeout: 20 * time.Millisecond}
	results := c.Run(context.Background(), []Login{{Kind: login.Registry, Target: "docker://slow.example", URI: "docker://slow.example", Username: "a", Secret: "pw"}})
	r := results[0]
	if r.State != Unreachable || !strings.Contains(r.Detail, "no answer within 20ms") || !r.State.Bad() {
		t.Errorf("result = %+v, want unreachable after the per-check timeout", r)
	}
}

// errProber returns a fixed error from every registry check.
type errProber struct {
	*slowProber
	err error
}

func (p errProber) Registry(context.Context, login.Target, string, string, bool) error { return p.err }

func TestChecker_check_states(t *testing.T) {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	secret := "s3cret-value-1234"
	tests := []struct {
		name       string
		login      Login
		err        error
		want       State
		wantShort  string
		wantStatus int
	}{
		{"refused", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "alice", Secret: secret},
			&login.Error{Kind: login.KindStatus, Status: 401, Detail: "the registry answered 401 Unauthorized: the credential was refused"},
			Refused, "refused (401 Unauthorized): log in again: remote-login -u alice docker://r.example", 401},
		{"unreachable", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "alice", Secret: secret},
			&login.Error{Kind: login.KindConnect, Detail: "connection to r.example:443 refused", Fix: "check the port and that the server is running"},
			Unreachable, "unreachable (connection to r.example:443 refused): check the port and that the server is running", 0},
		{"server error", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "alice", Secret: secret},
			&login.Error{Kind: login.KindStatus, Status: 503, Detail: "the registry answered 503 Service Unavailable", Fix: "try again later"},
			Failed, "failed (the registry answered 503 Service Unavailable): try again later", 503},
		{"an error quoting the secret", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "alice", Secret: secret},
			errors.New("bad answer to " + secret),
			Failed, "failed (bad answer to [secret])", 0},
		{"no secret", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Err: fmt.Errorf("x: %w", credstore.ErrNotFound)},
			nil, Failed, "failed (no secret found for it): log in again: remote-login docker://r.example", 0},
		{"unknown kind", Login{Target: "ftp://x", URI: "ftp://x", Username: "a", Secret: secret},
			nil, Failed, "failed (not a login of a kind remote-login checks (docker://, oras://, http(s)://)): fix or remove the entry in remote.yaml", 0},
		{"expired JWT is not sent", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "<token>", Secret: makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(-72*time.Hour).Unix()))},
			errors.New("must not be called"), Expired, "expired (3 days ago, 2026-11-24 08:00 UTC): log in again: remote-login docker://r.example", 0},
		{"expiring JWT", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "<token>", Secret: makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(50*time.Hour).Unix()))},
			nil, Expiring, "expiring (in 2 days, 2026-11-29 10:00 UTC): log in again: remote-login docker://r.example before then", 0},
		{"JWT with 8 days left", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "<token>", Secret: makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(8*24*time.Hour).Unix()))},
			nil, OK, "OK", 0},
		{"refused beats expiring", Login{Kind: login.Registry, Target: "docker://r.example", URI: "docker://r.example", Username: "<token>", Secret: makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(time.Hour).Unix()))},
			&login.Error{Kind: login.KindStatus, Status: 403, Detail: "refused"}, Refused, "refused (403 Forbidden): log in again: remote-login docker://r.example", 403},
		{"hub OAuth token", Login{Kind: hubToken, Target: "docker-access-token://docker.io", URI: "docker-access-token://docker.io", Username: "<token>", Secret: secret},
			errors.New("must not be called"), Unchecked, "unchecked (Docker Hub's OAuth token: only Docker itself uses it)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Checker{Prober: errProber{slowProber: newSlowProber(1), err: tt.err}, Now: func() time.Time { return now }}
			r := c.Run(context.Background(), []Login{tt.login})[0]
			if r.State != tt.want || r.Short() != tt.wantShort || r.Status != tt.wantStatus {
				t.Errorf("got state %q status %d\n  %s\nwant %q status %d\n  %s", r.State, r.Status, r.Short(), tt.want, tt.wantStatus, tt.wantShort)
			}
			b, _ := json.Marshal(r)
			if strings.Contains(string(b)+r.Short(), tt.login.Secret) && tt.login.Secret != "" {
				t.Errorf("the result holds the secret: %s", b)
			}
		})
	}
}

// noTLSProber is a registry that speaks only plain HTTP: the HTTPS check
// fails as login.Checker reports a server answering TLS in HTTP.
type noTLSProber struct{ *slowProber }

func (noTLSProber) Registry(_ context.Context, _ login.Target, _, _ string, plainHTTP bool) error {
	if plainHTTP {
		return nil
	}
	return &login.Error{Kind: login.KindTLS, Detail: "TLS: it answers in plain HTTP, not HTTPS", NoTLS: true}
}

// A loopback registry without TLS is stored Insecure: false (as Docker and
// Apptainer store it) and checked over plain HTTP; any other host is not.
func TestChecker_registry_loopbackWithoutTLS(t *testing.T) {
	for host, want := range map[string]State{"127.0.0.1:5000": OK, "localhost:5000": OK, "r.example:5000": Unreachable} {
		c := &Checker{Prober: noTLSProber{newSlowProber(1)}, Now: time.Now}
		l := Login{Kind: login.Registry, Target: "docker://" + host, URI: "docker://" + host, Username: "alice", Secret: "pw"}
		if r := c.Run(context.Background(), []Login{l})[0]; r.State != want {
			t.Errorf("%s: state %q (%s), want %q", host, r.State, r.Short(), want)
		}
	}
}
