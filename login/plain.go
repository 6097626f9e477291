package login

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// DefaultPlainAfter is how long a TLS handshake may take before the
// server is asked, in plain HTTP and without a credential, whether it
// speaks that instead.
const DefaultPlainAfter = time.Second

func (c *Checker) plainAfter() time.Duration {
	after := c.PlainAfter
	if after <= 0 {
		after = DefaultPlainAfter
	}
	if third := c.timeout() / 3; after > third {
		after = third
	}
	return after
}

// overTLS runs attempt over https and finds a server that speaks plain
// HTTP instead: one that answers the handshake in HTTP, closes it, or has
// not completed it after plainAfter while a plain GET of probePath (no
// credential) gets an HTTP answer. Such a server is then asked over plain
// HTTP when plainOK (--insecure, or a registry on this machine), at once,
// not after the whole timeout; otherwise the check fails saying it speaks
// plain HTTP (a NoTLS *Error), not that it did not answer. attempt
// returns what classify made of its failure; it tells over which scheme
// the check ended.
func (c *Checker) overTLS(ctx context.Context, target, step, host, probePath string, plainOK bool, attempt func(ctx context.Context, plain bool) error) (plain bool, err error) {
	var shook atomic.Bool // a TLS handshake completed: the server speaks TLS
	tctx, stop := context.WithCancel(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil {
				shook.Store(true)
			}
		},
	}))
	defer stop()
	done := make(chan error, 1)
	go func() { done <- attempt(tctx, false) }()
	late := time.NewTimer(c.plainAfter())
	defer late.Stop()
	var probe chan bool
	for {
		select {
		case err := <-done:
			var e *Error
			switch {
			case err == nil || shook.Load() || !errors.As(err, &e) || e.canceled:
			case e.NoTLS:
				if plainOK {
					return true, attempt(ctx, true)
				}
			case e.Kind == KindConnect && c.speaksPlain(ctx, host, probePath):
				// Closed or reset at the handshake, and HTTP answers.
				if plainOK {
					return true, attempt(ctx, true)
				}
				return false, c.classify(&plainAnswerError{}, target, step, host)
			}
			return false, err
		case <-late.C:
			if !shook.Load() {
				probe = make(chan bool, 1)
				go func() { probe <- c.speaksPlain(tctx, host, probePath) }()
			}
		case yes := <-probe:
			probe = nil
			if !yes || shook.Load() {
				continue
			}
			stop()
			<-done // nothing was sent over TLS: no handshake completed
			if ctx.Err() != nil {
				return false, c.classify(ctx.Err(), target, step, host)
			}
			if plainOK {
				return true, attempt(ctx, true)
			}
			return false, c.classify(&plainAnswerError{}, target, step, host)
		}
	}
}

// speaksPlain reports whether host answers a plain HTTP GET of path, sent
// without any credential. A 400 does not count: it is what a TLS port
// says to plain HTTP (Go, nginx: "plain HTTP request was sent to HTTPS
// port"). Nor does a host reached through a proxy: the answer might be
// the proxy's own.
func (c *Checker) speaksPlain(ctx context.Context, host, path string) bool {
	hc, err := c.client(host, false, SendPolicy{Host: host})
	if err != nil {
		return false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+path, nil)
	if err != nil {
		return false
	}
	if u, err := c.proxy()(req); u != nil || err != nil {
		return false
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	drain(resp)
	return resp.StatusCode != http.StatusBadRequest
}

// plainAnswerError is a server found to speak plain HTTP where HTTPS was
// asked for.
type plainAnswerError struct{}

func (*plainAnswerError) Error() string { return "server gave HTTP response to HTTPS client" }
