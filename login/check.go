package login

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// displayURL shows a URL without user information, query or fragment,
// which may hold a secret.
func displayURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return v.String()
}

func (c *Checker) get(ctx context.Context, hc *http.Client, rawURL, authorization string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	return hc.Do(req)
}

// Keyserver checks a keyserver login: GET t.URL with the Authorization
// header that will be stored; only 200 accepts it. insecure skips TLS
// verification, as Apptainer's keyserver login does.
func (c *Checker) Keyserver(ctx context.Context, t Target, authorization string, insecure bool) error {
	const step = "keyserver check"
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	hc, err := c.client(t.Host, insecure, SendPolicy{Host: t.Host, Insecure: insecure})
	if err != nil {
		return trustError(t.Raw, err)
	}
	resp, err := c.get(ctx, hc, t.URL, authorization)
	if err != nil {
		return c.classify(err, t.Raw, step, t.Host)
	}
	defer drain(resp)
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	e := &Error{Target: t.Raw, Step: step, Kind: KindStatus, Status: resp.StatusCode,
		Detail: "the keyserver answered " + statusText(resp.StatusCode)}
	switch {
	case e.Refused():
		e.Detail += ": the credential was refused"
		e.Fix = "check the user name and password (with --username) or the token (without it)"
	case resp.StatusCode == http.StatusNotFound:
		e.Fix = "check the URI: the login GETs it as given and needs 200"
	default:
		e.Fix = "try again later or ask the keyserver's administrator"
	}
	return e
}

// LibraryToken checks a library access token the way Apptainer's remote
// login does: service discovery at the remote's URI, then token-status at
// the token service. remoteInsecure is the remote's Insecure, which makes
// Apptainer reach it over plain http; insecure (--insecure) skips TLS
// verification and falls back to plain http when the remote answers in it.
func (c *Checker) LibraryToken(ctx context.Context, name, remoteURI string, remoteInsecure, insecure bool, token string) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	svcs, plain, err := c.discover(ctx, name, remoteURI, remoteInsecure, insecure)
	if err != nil {
		return err
	}
	return c.tokenStatus(ctx, name, remoteURI, plain, insecure, svcs, token)
}

// Services are what a library remote's service discovery names: each
// service ("library", "token", "keyserver", "builder", "consent") and its
// URI, as Apptainer names them (the JSON key without "API", keystore read
// as keyserver).
type Services map[string]string

// Discover reads the remote's service discovery document,
// <web URL>/assets/config/config.prod.json. insecure means plain http.
func (c *Checker) Discover(ctx context.Context, name, remoteURI string, insecure bool) (Services, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	svcs, _, err := c.discover(ctx, name, remoteURI, insecure, false)
	return svcs, err
}

// discover is Discover, where plain (the remote's Insecure) means plain
// http and insecure (--insecure) skips verification and falls back to
// plain http for a remote that speaks no TLS; it tells which it used.
func (c *Checker) discover(ctx context.Context, name, remoteURI string, plain, insecure bool) (Services, bool, error) {
	base := WebURL(remoteURI, plain)
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, plain, &Error{Target: name, Kind: KindProtocol, Detail: fmt.Sprintf("the remote's URI %q is not host[/path]", remoteURI),
			Fix: "fix its URI in remote.yaml (a system remote's in the system remote.yaml)"}
	}
	hc, err := c.client(u.Host, insecure, SendPolicy{Host: u.Host, Insecure: plain || insecure})
	if err != nil {
		return nil, plain, trustError(name, err)
	}
	const step = "service discovery"
	const path = "/assets/config/config.prod.json"
	var resp *http.Response
	var body []byte
	fetch := func(ctx context.Context, plain bool) error {
		r, err := c.get(ctx, hc, WebURL(remoteURI, plain)+path, "")
		if err != nil {
			return c.classify(err, name, step, u.Host)
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body.Close()
		if err != nil {
			return c.classify(err, name, step, u.Host)
		}
		resp, body = r, b
		return nil
	}
	if plain {
		err = fetch(ctx, true)
	} else {
		// --insecure also lets a remote that speaks no TLS be reached in
		// plain HTTP (Hinkskalle under gunicorn never answers a handshake).
		plain, err = c.overTLS(ctx, name, step, u.Host, strings.TrimPrefix(base, "https://"+u.Host)+path, insecure, fetch)
	}
	if err != nil {
		return nil, plain, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, plain, &Error{Target: name, Step: step, Kind: KindStatus, Status: resp.StatusCode,
			Detail: fmt.Sprintf("%s answered %s", u.Host, statusText(resp.StatusCode)),
			Fix:    "check the remote's URI: it must be a Sylabs-compatible library server"}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, plain, &Error{Target: name, Step: step, Kind: KindProtocol,
			Detail: fmt.Sprintf("%s answered no service list (JSON)", u.Host),
			Fix:    "check the remote's URI: it must be a Sylabs-compatible library server"}
	}
	svcs := Services{}
	for key, raw := range doc {
		var v struct {
			URI string `json:"uri"`
		}
		if json.Unmarshal(raw, &v) != nil || v.URI == "" {
			continue // Apptainer skips what has no uri, too
		}
		svc := strings.TrimSuffix(key, "API")
		if svc == "keystore" {
			svc = "keyserver"
		}
		svcs[svc] = v.URI
	}
	return svcs, plain, nil
}

// TokenStatus checks token at the token service svcs names:
// GET <uri>/v1/token-status with "Bearer <token>", which must answer 200.
// insecure means the remote is reached over plain http.
func (c *Checker) TokenStatus(ctx context.Context, name, remoteURI string, insecure bool, svcs Services, token string) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.tokenStatus(ctx, name, remoteURI, insecure, false, svcs, token)
}

// tokenStatus is TokenStatus, where skipVerify (--insecure) also allows a
// plain-http token service and skips TLS verification.
func (c *Checker) tokenStatus(ctx context.Context, name, remoteURI string, insecure, skipVerify bool, svcs Services, token string) error {
	step := "service discovery"
	host := remoteURI
	if u, err := url.Parse(WebURL(remoteURI, insecure)); err == nil {
		host = u.Host
	}
	tokenURI := svcs["token"]
	if tokenURI == "" {
		return &Error{Target: name, Step: step, Kind: KindProtocol,
			Detail: fmt.Sprintf("%s names no token service (tokenAPI)", host),
			Fix:    "check the remote's URI: it must be a Sylabs-compatible library server"}
	}
	tu, err := url.Parse(tokenURI)
	if err != nil || tu.Host == "" || (tu.Scheme != "https" && tu.Scheme != "http") {
		return &Error{Target: name, Step: step, Kind: KindProtocol,
			Detail: fmt.Sprintf("%s names a token service that is no http(s) URL", host),
			Fix:    "ask the library's administrator"}
	}
	step = "token check"
	hc, err := c.client(tu.Host, skipVerify, SendPolicy{Host: host, Insecure: insecure || skipVerify})
	if err != nil {
		return trustError(name, err)
	}
	var resp *http.Response
	check := func(ctx context.Context, plain bool) error {
		u := tokenURI + "/v1/token-status"
		if plain {
			u = "http://" + strings.TrimPrefix(u, "https://")
		}
		r, err := c.get(ctx, hc, u, "Bearer "+token)
		if err != nil {
			return c.classify(err, name, step, tu.Host)
		}
		defer drain(r)
		resp = r
		return nil
	}
	if tu.Scheme == "http" {
		err = check(ctx, false)
	} else {
		// A token service that speaks plain HTTP though discovery named
		// https is said to be one, and asked in plain HTTP with --insecure
		// (where SendPolicy lets the token go).
		_, err = c.overTLS(ctx, name, step, tu.Host, tu.Path+"/v1/token-status", skipVerify, check)
	}
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	e := &Error{Target: name, Step: step, Kind: KindStatus, Status: resp.StatusCode}
	switch resp.StatusCode {
	case http.StatusNotFound, http.StatusUnauthorized, http.StatusForbidden:
		// The library answers 404 for a bad token; Apptainer calls it
		// "Invalid Credentials".
		e.Kind = KindCredential
		e.Detail = fmt.Sprintf("the token was refused (%s: Invalid Credentials)", statusText(resp.StatusCode))
		e.Fix = "generate a new access token at " + WebURL(remoteURI, insecure) + "/auth/tokens and log in again"
	default:
		e.Detail = fmt.Sprintf("the token service answered %s", statusText(resp.StatusCode))
		e.Fix = "try again later or ask the library's administrator"
	}
	return e
}

// ServiceVersion asks a library service for its version as `remote
// status` does: GET <uri>/version, answered with {"data":{"version":…}}.
func (c *Checker) ServiceVersion(ctx context.Context, service, uri string) (string, error) {
	const step = "version check"
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", &Error{Target: service, Step: step, Kind: KindProtocol, Detail: "its URI is no http(s) URL",
			Fix: "ask the library's administrator"}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	// No credential rides on a version check: any redirect may be followed.
	hc, err := c.client(u.Host, false, SendPolicy{Host: u.Host, Insecure: true})
	if err != nil {
		return "", trustError(service, err)
	}
	resp, err := c.get(ctx, hc, strings.TrimSuffix(uri, "/")+"/version", "")
	if err != nil {
		return "", c.classify(err, service, step, u.Host)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if err != nil {
		return "", c.classify(err, service, step, u.Host)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &Error{Target: service, Step: step, Kind: KindStatus, Status: resp.StatusCode,
			Detail: fmt.Sprintf("%s answered %s", u.Host, statusText(resp.StatusCode)),
			Fix:    "try again later or ask the library's administrator"}
	}
	var v struct {
		Data struct {
			Version string `json:"version"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Data.Version == "" {
		return "", &Error{Target: service, Step: step, Kind: KindProtocol,
			Detail: fmt.Sprintf("%s answered no version", u.Host), Fix: "ask the library's administrator"}
	}
	return oneLine(v.Data.Version), nil
}

// trustError is a CA file or certs.d entry that cannot be used.
func trustError(target string, err error) *Error {
	return &Error{Target: target, Kind: KindTLS, Detail: err.Error(), Fix: "fix or remove that file"}
}

// WebURL is the base URL of a library remote, as Apptainer forms it.
func WebURL(remoteURI string, insecure bool) string {
	if insecure {
		return "http://" + remoteURI
	}
	return "https://" + remoteURI
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
