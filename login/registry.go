package login

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/remoteyaml/remoteyaml/credstore"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// Registry checks a registry login: GET /v2/ and the challenge it answers
// with, followed by oras-go's auth client (Basic, or a token from the
// realm's token service), as `oras login` does. A username of
// credstore.TokenUser ("<token>") makes secret an identity token.
// insecure skips TLS verification and, when the registry speaks no TLS,
// talks plain HTTP, as docker's insecure-registries do.
func (c *Checker) Registry(ctx context.Context, t Target, username, secret string, insecure bool) error {
	_, err := c.registryFallback(ctx, t, username, secret, insecure, insecure)
	return err
}

// registryFallback tries HTTPS (verification skipped when insecure), then
// plain HTTP when the registry speaks no TLS and plainOK; it tells which
// transport accepted the login.
func (c *Checker) registryFallback(ctx context.Context, t Target, username, secret string, insecure, plainOK bool) (plain bool, err error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.overTLS(ctx, t.Raw, "registry login", t.Host, "/v2/", plainOK, func(ctx context.Context, plain bool) error {
		return c.registry(ctx, t, username, secret, insecure, plain)
	})
}

func (c *Checker) registry(ctx context.Context, t Target, username, secret string, insecure, plainHTTP bool) error {
	const step = "registry login"
	reg, err := remote.NewRegistry(t.Host)
	if err != nil {
		return &Error{Target: t.Raw, Step: step, Kind: KindProtocol, Detail: "not a registry host", Fix: "use docker://HOST[:PORT]"}
	}
	cred := auth.Credential{Username: username, Password: secret}
	if username == credstore.TokenUser {
		cred = auth.Credential{RefreshToken: secret}
	}
	hc, err := c.client(t.Host, insecure, SendPolicy{Host: t.Host, Insecure: insecure || plainHTTP})
	if err != nil {
		return &Error{Target: t.Raw, Step: step, Kind: KindTLS, Detail: err.Error(), Fix: "fix or remove that file"}
	}
	client := &auth.Client{
		Client:     hc,
		Credential: auth.StaticCredential(t.Host, cred),
		Cache:      auth.NewCache(),
	}
	if c.UserAgent != "" {
		client.SetUserAgent(c.UserAgent)
	}
	reg.Client = client
	reg.PlainHTTP = plainHTTP
	err = reg.Ping(ctx)
	if err == nil {
		return nil
	}
	var resp *errcode.ErrorResponse
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return c.classify(err, t.Raw, step, t.Host)
	case errors.As(err, &resp):
		e := &Error{Target: t.Raw, Step: step, Kind: KindStatus, Status: resp.StatusCode}
		who := "the registry"
		if resp.URL != nil && resp.URL.Host != t.Host {
			who = "its token service " + resp.URL.Host
		}
		e.Detail = fmt.Sprintf("%s answered %s", who, statusText(resp.StatusCode))
		switch {
		case e.Refused():
			e.Detail += ": the credential was refused"
			e.Fix = "check the user name and password or token"
		case resp.StatusCode == http.StatusTooManyRequests:
			e.Fix = "wait and try again"
		default:
			e.Fix = "try again later or ask the registry's administrator"
		}
		return e
	case errors.Is(err, errdef.ErrNotFound):
		return &Error{Target: t.Raw, Step: step, Kind: KindStatus, Status: http.StatusNotFound,
			Detail: fmt.Sprintf("%s has no registry API at /v2/ (404 Not Found)", t.Host),
			Fix:    "check the host and port"}
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		host := t.Host
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			host = u.Host
		}
		return c.classify(err, t.Raw, step, host)
	}
	// The auth client's own errors (a challenge it cannot follow, a token
	// answer it cannot read) quote no secret: they name URLs and schemes.
	return &Error{Target: t.Raw, Step: step, Kind: KindProtocol, Detail: oneLine(err.Error()),
		Fix: "check that this is an OCI registry"}
}
