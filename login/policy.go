package login

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SendPolicy decides whether a credential may go to a URL. It is the one
// rule for every request of this package that carries one (a registry's
// /v2/, its token realm, a redirect, a keyserver, a library's
// token-status), for login and status alike, because the transport of
// every client a Checker makes applies it (see guard): no request can
// take another way.
//
//   - https: yes, to any host (the realm of a registry is often another
//     host); its certificate is verified unless the user chose --insecure.
//   - plain http: only to this machine (Loopback), or to the host the user
//     named and marked insecure (--insecure, or a stored Insecure: true),
//     on any of its ports: a token service beside the registry is as
//     trusted as the registry's network. Never to another host, whatever
//     the server that named it says: that host is the server's choice, not
//     the user's.
//   - anything else: no.
//
// A redirect is held tighter still (checkRedirect): one that leaves https
// or the host is never followed with a credential, since the other
// server's 200 would count as verified.
type SendPolicy struct {
	// Host is HOST[:PORT] the user named: the registry, the keyserver or
	// the library remote.
	Host string
	// Insecure is set when the user marked Host insecure.
	Insecure bool
}

// Check is nil when a credential may be sent to u, else a
// *SendRefusedError naming u.
func (p SendPolicy) Check(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if Loopback(u.Host) || p.Insecure && p.named(u) {
			return nil
		}
	}
	return &SendRefusedError{URL: u, Policy: p}
}

// named reports whether u is on the host the user named (any port).
func (p SendPolicy) named(u *url.URL) bool {
	h := p.Host
	if pu, err := url.Parse("//" + p.Host); err == nil {
		h = pu.Hostname()
	}
	return strings.EqualFold(strings.TrimSuffix(h, "."), strings.TrimSuffix(u.Hostname(), "."))
}

// MaySend is SendPolicy's verdict on sending a credential to rawURL, the
// URL the user typed, marked insecure or not: for a refusal before the
// user is asked for a secret.
func MaySend(rawURL string, insecure bool) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w %q", ErrTarget, displayRaw(rawURL))
	}
	return SendPolicy{Host: u.Host, Insecure: insecure}.Check(u)
}

func displayRaw(s string) string {
	if u, err := url.Parse(s); err == nil {
		return displayURL(u)
	}
	return "(unparsable URL)"
}

// SendRefusedError is a request that would have carried a credential
// where SendPolicy does not let it go. Nothing was sent.
type SendRefusedError struct {
	URL    *url.URL
	Policy SendPolicy
}

func (e *SendRefusedError) Error() string {
	return "refused to send the credential to " + displayURL(e.URL) + ": " + e.why()
}

// why says which rule refused it.
func (e *SendRefusedError) why() string {
	switch {
	case !strings.EqualFold(e.URL.Scheme, "http"):
		return "it is neither https nor http"
	case e.Policy.named(e.URL):
		return "plain HTTP, and " + e.URL.Hostname() + " is not marked insecure"
	}
	return "plain HTTP to " + e.URL.Hostname() + ", which is neither this machine nor " + hostOnly(e.Policy.Host) + ", the host you named"
}

// fix says what the user can do.
func (e *SendRefusedError) fix() string {
	if strings.EqualFold(e.URL.Scheme, "http") && e.Policy.named(e.URL) {
		return "add --insecure if you trust the network between you and " + e.URL.Hostname()
	}
	return "nothing was sent there; only its administrator can fix this (serve it over https)"
}

// guard applies SendPolicy to every request a client sends, the requests
// of a redirect and of oras-go's auth client (token realms) included.
type guard struct {
	next   http.RoundTripper
	policy SendPolicy
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if carriesCredential([]*http.Request{req}) {
		if err := g.policy.Check(req.URL); err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
	}
	next := g.next
	if next == nil {
		next = http.DefaultTransport
	}
	return traced(next, req)
}

// RedirectError is a redirect a check refused to follow.
type RedirectError struct {
	From, To  *url.URL
	LeavesTLS bool // from https to anything else; otherwise it leaves the host
}

func (e *RedirectError) Error() string {
	why := "another host"
	if e.LeavesTLS {
		why = "plain " + e.To.Scheme
	}
	return fmt.Sprintf("%s redirected to %s (%s)", displayURL(e.From), displayURL(e.To), why)
}

// checkRedirect never lets a credential cross a redirect that leaves https
// or the first request's host (and port): it would reach a server the
// user did not name, over a channel they did not choose, and that server's
// 200 would count as verified. Without --insecure such a redirect fails
// the check even with no credential on it (library discovery, an
// unauthenticated /v2/): what it answers decides where the credential goes
// next. With --insecure it is followed only while no credential rides on
// it. Go's own rule is not enough: it keeps Authorization for a subdomain
// and across https→http on the same host, and it says nothing about the
// verdict. next is the client's own policy, if it had one; p.Insecure is
// whether the check runs with --insecure.
func (p SendPolicy) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		e := &RedirectError{From: via[len(via)-1].URL, To: req.URL}
		e.LeavesTLS = first.Scheme == "https" && req.URL.Scheme != "https"
		if e.LeavesTLS || !sameHost(first, req.URL) {
			if !p.Insecure || carriesCredential(via) {
				return e
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// sameHost compares host names (case-insensitively) and ports, the
// scheme's default port filled in.
func sameHost(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if u.Scheme == "http" {
			return "80"
		}
		return "443"
	}
	return strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// carriesCredential reports whether any request of a redirect chain holds
// a credential: an Authorization header, or a body (a token request posts
// the password or refresh token as a form, and 307/308 resend it).
func carriesCredential(via []*http.Request) bool {
	for _, r := range via {
		if r.Header.Get("Authorization") != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			return true
		}
	}
	return false
}
