package status

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
)

// DefaultTimeout bounds each login's check when Checker.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// ExpiryWarning is how long before its exp a JWT is reported as expiring.
const ExpiryWarning = 7 * 24 * time.Hour

// State is how a check ended.
type State string

// The states, as --json spells them.
const (
	OK          State = "ok"
	Expiring    State = "expiring"    // works, but its JWT expires within ExpiryWarning
	Unchecked   State = "unchecked"   // no server check exists for this kind of login
	Refused     State = "refused"     // the server answered and refused the credential
	Expired     State = "expired"     // its JWT's exp has passed; it was not sent
	Unreachable State = "unreachable" // DNS, connection, TLS, proxy or timeout: the server was not reached
	Failed      State = "failed"      // no secret found, or an answer that is neither yes nor no
)

// Bad reports whether the state makes status fail (exit 1).
func (s State) Bad() bool { return s != OK && s != Expiring && s != Unchecked }

// Result is one login's outcome. No field holds any part of a secret.
type Result struct {
	Target   string     `json:"target"`
	Kind     string     `json:"kind"`
	SecretIn string     `json:"secretIn"` // where the secret lives (Login.Where), never the secret
	State    State      `json:"state"`
	Status   int        `json:"httpStatus,omitempty"` // the refusing server's HTTP status
	Detail   string     `json:"detail,omitempty"`     // why, or when it expires, one line
	Fix      string     `json:"fix,omitempty"`        // what to do, for a bad state
	Expires  *time.Time `json:"expires,omitempty"`    // the JWT's exp, when the secret is one
	Services []Service  `json:"services,omitempty"`   // a library remote's services, by name
}

// Service is one service a library remote's discovery names.
type Service struct {
	Name    string `json:"name"`
	URI     string `json:"uri"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error,omitempty"` // why no version was read ("N/A" in remote status)
}

// Prober talks to the servers; *login.Checker is the real one.
type Prober interface {
	Discover(ctx context.Context, name, remoteURI string, plain, insecure bool) (login.Services, bool, error)
	ServiceVersion(ctx context.Context, service, uri string, insecure bool) (string, error)
	TokenStatus(ctx context.Context, name, remoteURI string, plain, insecure bool, svcs login.Services, token string) error
	Registry(ctx context.Context, t login.Target, username, secret string, plainHTTP bool) error
	Keyserver(ctx context.Context, t login.Target, authorization string, insecure bool) error
}

var _ Prober = (*login.Checker)(nil)

// Checker checks logins.
type Checker struct {
	Prober  Prober
	Timeout time.Duration    // per login; zero means DefaultTimeout
	Now     func() time.Time // the clock JWT expiry is read against; nil means time.Now
	// Insecure is --insecure, as login takes it: trust the network (no TLS
	// verification, plain HTTP where a server speaks only that) for every
	// login, whatever its own Insecure says.
	Insecure bool
	// Done, when set, is called with each login's index and result as its
	// check ends, one call at a time, so the caller can show it at once.
	Done func(i int, r Result)
}

// Run checks every login at once, each under its own timeout, and returns
// their results in the order of logins.
func (c *Checker) Run(ctx context.Context, logins []Login) []Result {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	out := make([]Result, len(logins))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, l := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			r := c.check(cctx, l, timeout)
			mu.Lock()
			defer mu.Unlock()
			out[i] = r
			if c.Done != nil {
				c.Done(i, r)
			}
		}()
	}
	wg.Wait()
	return out
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) check(ctx context.Context, l Login, timeout time.Duration) Result {
	r := Result{Target: l.Target, Kind: l.Kind, SecretIn: l.Where}
	if r.Kind == hubToken {
		r.Kind = login.Registry
	}
	relogin := "log in again: remote-login " + l.Target
	if l.Kind != login.Library && l.Username != "" && l.Username != credstore.TokenUser && !strings.ContainsAny(l.Username, " \t'\"$`\\") {
		relogin = "log in again: remote-login -u " + l.Username + " " + l.Target
	}
	switch {
	case errors.Is(l.Err, credstore.ErrNotFound):
		r.State, r.Detail, r.Fix = Failed, "no secret found for it", relogin
		return r
	case l.Err != nil:
		r.State, r.Detail = Failed, scrub(l.Err.Error(), l.Secret)
		return r
	case l.Kind == "":
		r.State, r.Detail, r.Fix = Failed, "not a login of a kind remote-login checks (docker://, oras://, http(s)://)", "fix or remove the entry in remote.yaml"
		return r
	}
	now := c.now()
	if exp, ok := jwtExpiry(l.Secret); ok {
		r.Expires = &exp
		if !now.Before(exp) {
			r.State, r.Detail, r.Fix = Expired, "its token expired "+when(exp, now), relogin
			return r
		}
	}
	var err error
	switch l.Kind {
	case login.Library:
		r.Services, err = c.library(ctx, l)
	case login.Registry:
		err = c.registry(ctx, l)
	case login.Keyserver:
		err = c.keyserver(ctx, l)
	case hubToken:
		r.State, r.Detail = Unchecked, "Docker Hub's OAuth token: only Docker itself uses it"
	}
	if err != nil {
		c.fail(&r, err, l, timeout, relogin)
		return r
	}
	if r.State == "" {
		r.State = OK
	}
	if r.Expires != nil && r.Expires.Sub(now) < ExpiryWarning {
		r.State, r.Detail, r.Fix = Expiring, "its token expires "+when(*r.Expires, now), relogin+" before then"
	}
	return r
}

// fail sets the state and text of a check that returned err.
func (c *Checker) fail(r *Result, err error, l Login, timeout time.Duration, relogin string) {
	var le *login.Error
	switch {
	case errors.As(err, &le) && le.Refused():
		r.State, r.Status, r.Fix = Refused, le.Status, relogin
		r.Detail = le.Detail
	case errors.As(err, &le):
		r.State, r.Detail, r.Fix = Failed, le.Detail, le.Fix
		r.Status = le.Status
		switch le.Kind {
		case login.KindDNS, login.KindConnect, login.KindTLS, login.KindTimeout, login.KindProxy:
			// A proxy that failed left the server unreached, as a failed
			// connection does.
			r.State = Unreachable
		}
	case errors.Is(err, context.DeadlineExceeded):
		r.State, r.Detail = Unreachable, fmt.Sprintf("no answer within %s (timeout)", timeout)
		r.Fix = "check the server, your network and any proxy in HTTPS_PROXY"
	default:
		r.State, r.Detail = Failed, err.Error()
	}
	r.Detail = scrub(r.Detail, l.Secret)
	r.Fix = scrub(r.Fix, l.Secret)
}

// library checks a remote as `remote status` does: discovery, each
// service's version (in parallel), then the token at the token service.
func (c *Checker) library(ctx context.Context, l Login) ([]Service, error) {
	svcs, plain, err := c.Prober.Discover(ctx, l.Target, l.URI, l.Insecure, c.Insecure)
	if err != nil {
		return nil, err
	}
	out := make([]Service, 0, len(svcs))
	for name, uri := range svcs {
		out = append(out, Service{Name: name, URI: redactURI(uri)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Prober.ServiceVersion(ctx, out[i].Name, svcs[out[i].Name], c.Insecure)
			if err != nil {
				var le *login.Error
				if errors.As(err, &le) {
					out[i].Error = le.Detail
				} else {
					out[i].Error = "no version"
				}
				return
			}
			out[i].Version = v
		}()
	}
	err = c.Prober.TokenStatus(ctx, l.Target, l.URI, plain, c.Insecure, svcs, l.Secret)
	wg.Wait()
	return out, err
}

func (c *Checker) registry(ctx context.Context, l Login) error {
	t, err := login.ParseTarget(l.URI)
	if err != nil || t.Kind != login.Registry {
		// Never quote ParseTarget's error: it quotes the URI, user information and all.
		return &login.Error{Target: l.Target, Kind: login.KindProtocol, Detail: "not a registry URI docker://HOST[:PORT][/PATH]",
			Fix: "fix or remove the entry in remote.yaml"}
	}
	t.Raw = l.Target
	err = c.Prober.Registry(ctx, t, l.Username, l.Secret, l.Insecure || c.Insecure)
	// A loopback registry that speaks no TLS is stored Insecure: false
	// (as Docker and Apptainer store it) and reached over plain HTTP, as
	// remote-login's login does (login.Checker.RegistryLoopback).
	var le *login.Error
	if err != nil && !l.Insecure && !c.Insecure && login.Loopback(t.Host) && errors.As(err, &le) && le.NoTLS {
		err = c.Prober.Registry(ctx, t, l.Username, l.Secret, true)
	}
	return err
}

func (c *Checker) keyserver(ctx context.Context, l Login) error {
	t, err := login.ParseTarget(l.URI)
	if err != nil || t.Kind != login.Keyserver {
		return &login.Error{Target: l.Target, Kind: login.KindProtocol, Detail: "not a keyserver URI https://HOST[:PORT][/PATH]",
			Fix: "fix or remove the entry in remote.yaml"}
	}
	authz := "Bearer " + l.Secret
	if l.Username != credstore.TokenUser {
		authz = "Basic " + base64.StdEncoding.EncodeToString([]byte(l.Username+":"+l.Secret))
	}
	return c.Prober.Keyserver(ctx, t, authz, l.Insecure || c.Insecure)
}

// when says when t is, from now: "in 3 days, 2026-11-30 08:00 UTC".
func when(t, now time.Time) string {
	d := t.Sub(now)
	at := t.UTC().Format("2006-01-02 15:04 MST")
	if d < 0 {
		return ago(-d) + " ago, " + at
	}
	return "in " + ago(d) + ", " + at
}

// ago says a duration in its largest whole unit, rounded.
func ago(d time.Duration) string {
	switch {
	case d >= 48*time.Hour-30*time.Minute:
		return fmt.Sprintf("%d days", int(d.Round(24*time.Hour)/(24*time.Hour)))
	case d >= 2*time.Hour-30*time.Second:
		return fmt.Sprintf("%d hours", int(d.Round(time.Hour)/time.Hour))
	case d >= 2*time.Minute-time.Second:
		return fmt.Sprintf("%d minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
}

// scrub is the last guard: text from a server or a library never carries
// the secret out, even if something upstream quoted it.
func scrub(text, secret string) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(secret) >= 4 && strings.Contains(text, secret) {
		text = strings.ReplaceAll(text, secret, "[secret]")
	}
	return text
}

// Short is the status column of a result's line: the state and why (the
// HTTP status of a refusal, the cause of a failure, when a token expires,
// a library's service versions).
func (r Result) Short() string {
	switch r.State {
	case OK:
		if len(r.Services) == 0 {
			return "OK"
		}
		var vs []string
		for _, s := range r.Services {
			v := s.Version
			if v == "" {
				v = "N/A"
			}
			vs = append(vs, s.Name+" "+v)
		}
		return "OK (" + strings.Join(vs, ", ") + ")"
	case Refused:
		if r.Status != 0 {
			return fmt.Sprintf("refused (%d %s): %s", r.Status, http.StatusText(r.Status), r.Fix)
		}
		return "refused (" + r.Detail + "): " + r.Fix
	case Expiring, Expired:
		w := strings.TrimPrefix(strings.TrimPrefix(r.Detail, "its token expires "), "its token expired ")
		return string(r.State) + " (" + w + "): " + r.Fix
	}
	s := string(r.State) + " (" + r.Detail + ")"
	if r.Fix != "" {
		s += ": " + r.Fix
	}
	return s
}
