package login

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/remoteyaml/remoteyaml/tlsconf"
)

// DefaultTimeout bounds each check when the Checker sets none.
const DefaultTimeout = 30 * time.Second

// DefaultSlowAfter is how long a request may take before Slow is told.
const DefaultSlowAfter = time.Second

// Checker runs the checks. Its zero value is ready to use.
type Checker struct {
	// Client makes the requests; nil means one with the proxy settings of
	// the environment. Its transport's TLS roots are kept: Trust only adds.
	Client *http.Client
	// UserAgent is sent with every request when set.
	UserAgent string
	// Trust adds the per-host CA directories and a CA file to the roots.
	Trust tlsconf.Sources
	// Timeout bounds one check (every request it makes); 0 is DefaultTimeout.
	Timeout time.Duration
	// Slow, when set, is called with the URL of a request not answered
	// within SlowAfter (0: DefaultSlowAfter), so a terminal can say what is
	// being waited for.
	Slow      func(rawURL string)
	SlowAfter time.Duration
	// PlainAfter is how long a TLS handshake may take before the server is
	// asked whether it speaks plain HTTP instead (see overTLS); 0 is
	// DefaultPlainAfter. It is never more than a third of Timeout.
	PlainAfter time.Duration
	// Proxy picks the proxy of a request; nil is http.ProxyFromEnvironment.
	Proxy func(*http.Request) (*url.URL, error)

	mu        sync.Mutex
	lastProxy map[string]proxyUse // host -> the proxy its requests went through
}

// proxyUse is a proxy a request went through and the variable that named it.
type proxyUse struct {
	url *url.URL
	env string
}

func (c *Checker) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// withTimeout bounds one check.
func (c *Checker) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout())
}

// client is the HTTP client for requests to host (HOST[:PORT]): the
// configured one with Trust's CAs for host added, certificate
// verification off when skipVerify, every request that carries a
// credential held to send (the host the user named, and whether they
// marked it insecure), the redirect policy of checkRedirect for a check
// run with or without --insecure (send.Insecure), the proxy recorded, and
// slow requests reported.
func (c *Checker) client(host string, skipVerify bool, send SendPolicy) (*http.Client, error) {
	hc := &http.Client{}
	if c.Client != nil {
		cp := *c.Client
		hc = &cp
	}
	hc.CheckRedirect = send.checkRedirect(hc.CheckRedirect)
	var tr *http.Transport
	switch t := hc.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
		// The default dialer gives up after 30 s whatever --timeout says.
		tr.DialContext = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	case *http.Transport:
		tr = t.Clone()
	}
	if tr != nil {
		// The check's context bounds every stage (see withTimeout): no
		// limit of the transport's own may fire first and be reported as
		// the --timeout that did not (the default 10 s TLS handshake).
		tr.TLSHandshakeTimeout = 0
		tr.ResponseHeaderTimeout = 0
		cfg, _, err := c.Trust.Config(tr.TLSClientConfig, host)
		if err != nil {
			return nil, err
		}
		if skipVerify {
			cfg.InsecureSkipVerify = true //nolint:gosec // asked for with --insecure, as docker's insecure-registries and podman's --tls-verify=false do
		}
		tr.TLSClientConfig = cfg
		proxy := c.proxy()
		tr.Proxy = func(req *http.Request) (*url.URL, error) {
			u, err := proxy(req)
			if u != nil {
				env := "HTTPS_PROXY"
				if req.URL.Scheme == "http" {
					env = "HTTP_PROXY"
				}
				c.mu.Lock()
				if c.lastProxy == nil {
					c.lastProxy = map[string]proxyUse{}
				}
				c.lastProxy[req.URL.Host] = proxyUse{u, env}
				c.mu.Unlock()
			}
			return u, err
		}
		// A proxy that refuses the tunnel answers CONNECT with a status,
		// which net/http reports as bare text ("Forbidden"): type it.
		tr.OnProxyConnectResponse = func(_ context.Context, proxyURL *url.URL, _ *http.Request, resp *http.Response) error {
			if resp.StatusCode != http.StatusOK {
				return &proxyRefusedError{proxy: proxyURL.Host, status: resp.StatusCode}
			}
			return nil
		}
		hc.Transport = tr
	}
	if c.Slow != nil {
		after := c.SlowAfter
		if after <= 0 {
			after = DefaultSlowAfter
		}
		hc.Transport = &slowTransport{next: hc.Transport, after: after, notify: c.Slow}
	}
	// Outermost, so that nothing below ever sees a request it refuses.
	hc.Transport = &guard{next: hc.Transport, policy: send}
	return hc, nil
}

// proxy is the function that picks a request's proxy.
func (c *Checker) proxy() func(*http.Request) (*url.URL, error) {
	if c.Proxy != nil {
		return c.Proxy
	}
	return http.ProxyFromEnvironment
}

// proxyFor is the proxy the requests to host went through, if any.
func (c *Checker) proxyFor(host string) *proxyUse {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.lastProxy[host]; ok {
		return &p
	}
	return nil
}

type proxyRefusedError struct {
	proxy  string
	status int
}

func (e *proxyRefusedError) Error() string {
	return fmt.Sprintf("the proxy %s refused the tunnel: %s", e.proxy, statusText(e.status))
}

// slowTransport reports a request that is still unanswered after a while.
type slowTransport struct {
	next   http.RoundTripper
	after  time.Duration
	notify func(string)
}

func (s *slowTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	next := s.next
	if next == nil {
		next = http.DefaultTransport
	}
	u := *req.URL
	u.User = nil
	u.RawQuery = "" // a token service's query names the account
	t := time.AfterFunc(s.after, func() { s.notify(u.String()) })
	defer t.Stop()
	return next.RoundTrip(req)
}

// classify is the package's classify, told about the proxy and the timeout.
func (c *Checker) classify(err error, target, step, host string) *Error {
	var refused *proxyRefusedError
	if errors.As(err, &refused) {
		return &Error{Target: target, Step: step, Kind: KindProxy,
			Detail: fmt.Sprintf("%s for %s", refused.Error(), host),
			Fix:    "check the proxy setting, or add " + hostOnly(host) + " to NO_PROXY if it is reached directly"}
	}
	e := classify(err, target, step, host)
	proxy := c.proxyFor(host)
	if proxy != nil && isProxyConnect(err) {
		cause := proxyCause(e)
		e.Kind = KindProxy
		e.Detail = fmt.Sprintf("the proxy %s (from %s) failed for %s: %s", proxy.url.Host, proxy.env, host, cause)
		e.Fix = "check that proxy, or unset " + proxy.env + ", or add " + hostOnly(host) + " to NO_PROXY if it is reached directly"
		return e
	}
	switch e.Kind {
	case KindTimeout:
		e.Detail = timeoutDetail(err, host, c.timeout())
		if proxy != nil {
			e.Detail = fmt.Sprintf("no answer from %s through the proxy %s (from %s) within %s (--timeout)", host, proxy.url.Host, proxy.env, c.timeout())
		}
		e.Fix = "check the host and port, your network and any proxy in HTTPS_PROXY, or allow longer with --timeout"
	case KindTLS:
		if e.unknownCA {
			e.Fix = fmt.Sprintf("trust its CA with --ca-file FILE, or put it as ca.crt in %s, or skip verification with --insecure if you trust the network", c.caDirs(host))
		}
	}
	return e
}

// caDirs names where a CA for host is looked for, for the fix of an
// unknown-authority error: the first directory in full, the others' roots.
func (c *Checker) caDirs(host string) string {
	roots := c.Trust.Roots()
	if len(roots) == 0 {
		return "~/.docker/certs.d/" + host + "/"
	}
	for i, r := range roots {
		if c.Trust.Home != "" && strings.HasPrefix(r, c.Trust.Home+"/") {
			roots[i] = "~" + strings.TrimPrefix(r, c.Trust.Home)
		}
	}
	s := roots[0] + "/" + host + "/"
	if len(roots) > 1 {
		s += " (or under " + strings.Join(roots[1:], ", ") + ")"
	}
	return s
}

func isProxyConnect(err error) bool {
	return strings.Contains(err.Error(), "proxyconnect")
}

// proxyCause words what went wrong with the proxy itself; classify named
// the target host, which the failed connection never reached.
func proxyCause(e *Error) string {
	switch e.Kind {
	case KindConnect:
		if strings.Contains(e.Detail, "refused") {
			return "connection to the proxy refused"
		}
		return "cannot reach the proxy"
	case KindDNS:
		return "cannot resolve the proxy's host (DNS)"
	case KindTimeout:
		return "no answer from the proxy (timeout)"
	}
	return e.Detail
}

func hostOnly(host string) string {
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		return h
	}
	return host
}
