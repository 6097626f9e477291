package login

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

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
// verification, as Apptainer's keyserver login does; a plain http:// URI
// is requested as it is.
func (c *Checker) Keyserver(ctx context.Context, t Target, authorization string, insecure bool) error {
	const step = "keyserver check"
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	hc, err := c.client(t.Host, insecure)
	if err != nil {
		return &Error{Target: t.Raw, Step: step, Kind: KindTLS, Detail: err.Error(), Fix: "fix or remove that file"}
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
	base := WebURL(remoteURI, remoteInsecure)
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return &Error{Target: name, Kind: KindProtocol, Detail: fmt.Sprintf("the remote's URI %q is not host[/path]", remoteURI),
			Fix: "fix it with `apptainer remote add --no-login` or in remote.yaml"}
	}
	hc, err := c.client(u.Host, insecure)
	if err != nil {
		return &Error{Target: name, Kind: KindTLS, Detail: err.Error(), Fix: "fix or remove that file"}
	}
	step := "service discovery"
	resp, err := c.get(ctx, hc, base+"/assets/config/config.prod.json", "")
	if err != nil && insecure && !remoteInsecure && tlsPlainAnswer(err) {
		base = WebURL(remoteURI, true)
		resp, err = c.get(ctx, hc, base+"/assets/config/config.prod.json", "")
	}
	if err != nil {
		return c.classify(err, name, step, u.Host)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return c.classify(err, name, step, u.Host)
	}
	if resp.StatusCode != http.StatusOK {
		return &Error{Target: name, Step: step, Kind: KindStatus, Status: resp.StatusCode,
			Detail: fmt.Sprintf("%s answered %s", u.Host, statusText(resp.StatusCode)),
			Fix:    "check the remote's URI: it must be a Sylabs-compatible library server"}
	}
	var services map[string]struct {
		URI string `json:"uri"`
	}
	if err := json.Unmarshal(body, &services); err != nil || services["tokenAPI"].URI == "" {
		return &Error{Target: name, Step: step, Kind: KindProtocol,
			Detail: fmt.Sprintf("%s names no token service (tokenAPI)", u.Host),
			Fix:    "check the remote's URI: it must be a Sylabs-compatible library server"}
	}
	tokenURI := services["tokenAPI"].URI
	tu, err := url.Parse(tokenURI)
	if err != nil || tu.Host == "" || (tu.Scheme != "https" && tu.Scheme != "http") {
		return &Error{Target: name, Step: step, Kind: KindProtocol,
			Detail: fmt.Sprintf("%s names a token service that is no http(s) URL", u.Host),
			Fix:    "ask the library's administrator"}
	}
	if tu.Scheme == "http" && !insecure && !remoteInsecure {
		return &Error{Target: name, Step: step, Kind: KindTLS,
			Detail: fmt.Sprintf("the token service %s is plain http", tu.Host),
			Fix:    "add --insecure if you trust the network, so the token may be sent unencrypted"}
	}
	if tu.Host != u.Host {
		if hc, err = c.client(tu.Host, insecure); err != nil {
			return &Error{Target: name, Kind: KindTLS, Detail: err.Error(), Fix: "fix or remove that file"}
		}
	}
	step = "token check"
	resp, err = c.get(ctx, hc, tokenURI+"/v1/token-status", "Bearer "+token)
	if err != nil {
		return c.classify(err, name, step, tu.Host)
	}
	defer drain(resp)
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
		e.Fix = "generate a new access token at " + base + "/auth/tokens and log in again"
	default:
		e.Detail = fmt.Sprintf("the token service answered %s", statusText(resp.StatusCode))
		e.Fix = "try again later or ask the library's administrator"
	}
	return e
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
