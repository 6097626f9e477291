package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
	_, err := c.LibraryTokenPlain(ctx, name, remoteURI, remoteInsecure, insecure, token)
	return err
}

// LibraryTokenPlain is LibraryToken, telling whether the remote was
// reached over plain http: a remote stored Insecure: false that only
// answers so is one Apptainer and SingularityCE will fail to reach (they
// use https unless the remote says Insecure: true). A refused token's fix
// names the token page the server has (see TokenPage).
func (c *Checker) LibraryTokenPlain(ctx context.Context, name, remoteURI string, remoteInsecure, insecure bool, token string) (plain bool, err error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	svcs, plain, err := c.discover(ctx, name, remoteURI, remoteInsecure, insecure)
	if err != nil {
		return plain, err
	}
	err = c.tokenStatus(ctx, name, remoteURI, plain, insecure, svcs, token)
	var e *Error
	if errors.As(err, &e) && e.Refused() {
		e.Fix = "generate a new access token " + c.TokenPage(ctx, remoteURI, plain, insecure) + " and log in again"
	}
	return plain, err
}

// tokenPages are where the known library servers let a user make a token,
// in the order they are tried: Sylabs Cloud and Singularity Enterprise
// (the page the CLIs name), Hinkskalle, Singularity Registry Server.
var tokenPages = []string{"auth/tokens", "tokens", "token"}

// TokenPage says where to make an access token for the remote: "at URL"
// for the first page of tokenPages the server has (any answer but a 404,
// 410 or 5xx; a redirect to its login page counts), else "on the
// library's web site, URL", which guesses no page. Nothing is sent but
// GETs without credentials; redirects are not followed.
func (c *Checker) TokenPage(ctx context.Context, remoteURI string, plain, insecure bool) string {
	base, err := LibraryURL(remoteURI, plain)
	if err != nil {
		return "on the library's web site"
	}
	site := "on the library's web site, " + base
	u, err := url.Parse(base)
	if err != nil {
		return site
	}
	hc, err := c.client(u.Host, insecure, SendPolicy{Host: u.Host, Insecure: plain || insecure})
	if err != nil {
		return site
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	found := make([]bool, len(tokenPages))
	var wg sync.WaitGroup
	for i, p := range tokenPages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.get(ctx, hc, JoinURL(base, p), "")
			if err != nil {
				return
			}
			drain(resp)
			found[i] = resp.StatusCode < 500 && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusGone
		}()
	}
	wg.Wait()
	for i, ok := range found {
		if ok {
			return "at " + JoinURL(base, tokenPages[i])
		}
	}
	return site
}

// Services are what a library remote's service discovery names: each
// service ("library", "token", "keyserver", "builder", "consent") and its
// URI, as Apptainer names them (the JSON key without "API", keystore read
// as keyserver).
type Services map[string]string

// Discover reads the remote's service discovery document,
// <web URL>/assets/config/config.prod.json. plain (the remote's Insecure)
// means plain http; insecure (--insecure) skips TLS verification and falls
// back to plain http for a remote that speaks no TLS. It tells whether
// plain http was used, for TokenStatus.
func (c *Checker) Discover(ctx context.Context, name, remoteURI string, plain, insecure bool) (Services, bool, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.discover(ctx, name, remoteURI, plain, insecure)
}

// discover is Discover, where plain (the remote's Insecure) means plain
// http and insecure (--insecure) skips verification and falls back to
// plain http for a remote that speaks no TLS; it tells which it used.
func (c *Checker) discover(ctx context.Context, name, remoteURI string, plain, insecure bool) (Services, bool, error) {
	base, err := LibraryURL(remoteURI, plain)
	if err != nil {
		return nil, plain, uriError(name, remoteURI, err)
	}
	u, _ := url.Parse(base) // LibraryURL parsed it
	hc, err := c.client(u.Host, insecure, SendPolicy{Host: u.Host, Insecure: plain || insecure})
	if err != nil {
		return nil, plain, trustError(name, err)
	}
	const step = "service discovery"
	var resp *http.Response
	var body []byte
	fetch := func(ctx context.Context, plain bool) error {
		base, _ := LibraryURL(remoteURI, plain) // read above
		r, err := c.get(ctx, hc, JoinURL(base, discoveryPath), "")
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
		plain, err = c.overTLS(ctx, name, step, u.Host, pathOf(JoinURL(base, discoveryPath)), insecure, fetch)
	}
	if err != nil {
		return nil, plain, err
	}
	if resp.StatusCode >= 500 {
		// A proxy in front of a stopped server answers 502: the URI is right.
		return nil, plain, serverFailed(name, step, u.Host, resp.StatusCode)
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
// plain means the remote was reached over plain http (Discover's answer);
// insecure (--insecure) also allows a plain-http token service and skips
// TLS verification.
func (c *Checker) TokenStatus(ctx context.Context, name, remoteURI string, plain, insecure bool, svcs Services, token string) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.tokenStatus(ctx, name, remoteURI, plain, insecure, svcs, token)
}

// tokenStatus is TokenStatus, where skipVerify (--insecure) also allows a
// plain-http token service and skips TLS verification.
func (c *Checker) tokenStatus(ctx context.Context, name, remoteURI string, insecure, skipVerify bool, svcs Services, token string) error {
	step := "service discovery"
	host := remoteURI
	if base, err := LibraryURL(remoteURI, insecure); err == nil {
		if u, err := url.Parse(base); err == nil {
			host = u.Host
		}
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
		u := JoinURL(tokenURI, "v1/token-status")
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
		_, err = c.overTLS(ctx, name, step, tu.Host, pathOf(JoinURL(tokenURI, "v1/token-status")), skipVerify, check)
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
		e.Fix = "generate a new access token and log in again"
	default:
		if resp.StatusCode >= 500 {
			return serverFailed(name, step, "the token service "+tu.Host, resp.StatusCode)
		}
		e.Detail = fmt.Sprintf("the token service answered %s", statusText(resp.StatusCode))
		e.Fix = "try again later or ask the library's administrator"
	}
	return e
}

// ServiceVersion asks a library service for its version as `remote
// status` does: GET <uri>/version, answered with {"data":{"version":…}}.
// insecure (--insecure) skips TLS verification.
func (c *Checker) ServiceVersion(ctx context.Context, service, uri string, insecure bool) (string, error) {
	const step = "version check"
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", &Error{Target: service, Step: step, Kind: KindProtocol, Detail: "its URI is no http(s) URL",
			Fix: "ask the library's administrator"}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	// No credential rides on a version check: any redirect may be followed.
	hc, err := c.client(u.Host, insecure, SendPolicy{Host: u.Host, Insecure: true})
	if err != nil {
		return "", trustError(service, err)
	}
	resp, err := c.get(ctx, hc, JoinURL(uri, "version"), "")
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

// discoveryPath is where a library server lists its services.
const discoveryPath = "assets/config/config.prod.json"

// LibraryURL is the base URL of a library remote, read from its URI as
// Apptainer and SingularityCE read it (endpoint.Config.GetURL): parsed as
// a URL, its scheme set to https, or http when plain (the remote's
// Insecure). So "host[/path]" and "//host:port[/path]" work; "host:port"
// does not (a scheme "host", or no URL at all for a numeric host), and
// neither do the CLIs with it: the error says so and names the spelling
// that works.
func LibraryURL(remoteURI string, plain bool) (string, error) {
	u, err := url.Parse(remoteURI)
	if err == nil && remoteURI != "" {
		u.Scheme = "https"
		if plain {
			u.Scheme = "http"
		}
		s := u.String()
		if v, err := url.Parse(s); err == nil && v.Host != "" && v.Opaque == "" {
			return s, nil
		}
	}
	return "", &URIError{URI: remoteURI}
}

// URIError is a library remote's URI that Apptainer and SingularityCE
// cannot use.
type URIError struct{ URI string }

func (e *URIError) Error() string {
	return fmt.Sprintf("Apptainer and SingularityCE cannot use the remote's URI %q", e.URI)
}

// Spelling is the way to write the URI that the CLIs can use, or "".
func (e *URIError) Spelling() string {
	host, _, _ := strings.Cut(e.URI, "/")
	if h, port, ok := strings.Cut(host, ":"); ok && h != "" && port != "" && !strings.Contains(e.URI, "://") {
		if v, err := LibraryURL("//"+e.URI, false); err == nil && v != "" {
			return "//" + e.URI
		}
	}
	return ""
}

// CheckRemoteURI is nil for a library remote URI that Apptainer and
// SingularityCE can use, else the *Error saying why not and how to write
// it: a login checks it before asking for a token.
func CheckRemoteURI(name, remoteURI string) error {
	if _, err := LibraryURL(remoteURI, false); err != nil {
		return uriError(name, remoteURI, err)
	}
	return nil
}

// uriError is the *Error of a remote URI that LibraryURL refused.
func uriError(name, remoteURI string, err error) *Error {
	e := &Error{Target: name, Kind: KindProtocol, Detail: err.Error(),
		Fix: "write it as HOST[/PATH], or //HOST:PORT[/PATH] for a port, in remote.yaml (a system remote's in the system remote.yaml)"}
	var ue *URIError
	if errors.As(err, &ue) && ue.Spelling() != "" {
		e.Detail += " (they read HOST:PORT without // as a URL scheme, or refuse it: \"first path segment in URL cannot contain colon\")"
		e.Fix = "write it as URI: " + ue.Spelling() + " in remote.yaml (a system remote's in the system remote.yaml): `remote add` stores HOST:PORT, which only //HOST:PORT reaches"
	}
	return e
}

// JoinURL joins a path to a service address as URLs join: an address
// written with a trailing "/" (as servers write their own) gives
// https://host/v1/token-status, not https://host//v1/token-status.
func JoinURL(base, elem string) string {
	u, err := url.Parse(base)
	if err != nil {
		return strings.TrimSuffix(base, "/") + "/" + elem
	}
	return u.JoinPath(elem).String()
}

// serverFailed is a 5xx: the server (or a proxy in front of it) failed,
// which no change to the URI or the credential fixes.
func serverFailed(target, step, who string, status int) *Error {
	return &Error{Target: target, Step: step, Kind: KindStatus, Status: status,
		Detail: fmt.Sprintf("%s answered %s: the server failed", who, statusText(status)),
		Fix:    "try again later or ask the library's administrator"}
}

// pathOf is the path (and query) of a URL, for a probe of the same path
// on the same host in plain HTTP.
func pathOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "/"
	}
	return u.RequestURI()
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
