package login

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds each check when the Checker's client has none.
const DefaultTimeout = 30 * time.Second

// Checker runs the checks. Its zero value is ready to use.
type Checker struct {
	// Client makes the requests; nil means one with DefaultTimeout and the
	// proxy settings of the environment.
	Client *http.Client
	// UserAgent is sent with every request when set.
	UserAgent string
}

func (c *Checker) client(skipVerify bool) *http.Client {
	hc := c.Client
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if !skipVerify {
		return hc
	}
	tr, ok := hc.Transport.(*http.Transport)
	if hc.Transport == nil {
		tr, ok = http.DefaultTransport.(*http.Transport), true
	}
	if !ok {
		return hc
	}
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // asked for with --insecure, as Apptainer does
	cp := *hc
	cp.Transport = tr
	return &cp
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
	resp, err := c.get(ctx, c.client(insecure), t.URL, authorization)
	if err != nil {
		return classify(err, t.Raw, step, t.Host)
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
// the token service. insecure means the remote is reached over plain http.
func (c *Checker) LibraryToken(ctx context.Context, name, remoteURI string, insecure bool, token string) error {
	svcs, err := c.Discover(ctx, name, remoteURI, insecure)
	if err != nil {
		return err
	}
	return c.TokenStatus(ctx, name, remoteURI, insecure, svcs, token)
}

// Services are what a library remote's service discovery names: each
// service ("library", "token", "keyserver", "builder", "consent") and its
// URI, as Apptainer names them (the JSON key without "API", keystore read
// as keyserver).
type Services map[string]string

// Discover reads the remote's service discovery document,
// <web URL>/assets/config/config.prod.json. insecure means plain http.
func (c *Checker) Discover(ctx context.Context, name, remoteURI string, insecure bool) (Services, error) {
	hc := c.client(false)
	base := WebURL(remoteURI, insecure)
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, &Error{Target: name, Kind: KindProtocol, Detail: fmt.Sprintf("the remote's URI %q is not host[/path]", remoteURI),
			Fix: "fix its URI in remote.yaml (a system remote's in the system remote.yaml)"}
	}
	const step = "service discovery"
	resp, err := c.get(ctx, hc, base+"/assets/config/config.prod.json", "")
	if err != nil {
		return nil, classify(err, name, step, u.Host)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, classify(err, name, step, u.Host)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Target: name, Step: step, Kind: KindStatus, Status: resp.StatusCode,
			Detail: fmt.Sprintf("%s answered %s", u.Host, statusText(resp.StatusCode)),
			Fix:    "check the remote's URI: it must be a Sylabs-compatible library server"}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, &Error{Target: name, Step: step, Kind: KindProtocol,
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
	return svcs, nil
}

// TokenStatus checks token at the token service svcs names:
// GET <uri>/v1/token-status with "Bearer <token>", which must answer 200.
func (c *Checker) TokenStatus(ctx context.Context, name, remoteURI string, insecure bool, svcs Services, token string) error {
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
	if tu.Scheme == "http" && !insecure {
		return &Error{Target: name, Step: step, Kind: KindTLS,
			Detail: fmt.Sprintf("the token service %s is plain http", tu.Host),
			Fix:    "add --insecure if you trust the network, so the token may be sent unencrypted"}
	}
	step = "token check"
	resp, err := c.get(ctx, c.client(false), tokenURI+"/v1/token-status", "Bearer "+token)
	if err != nil {
		return classify(err, name, step, tu.Host)
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
	resp, err := c.get(ctx, c.client(false), strings.TrimSuffix(uri, "/")+"/version", "")
	if err != nil {
		return "", classify(err, service, step, u.Host)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if err != nil {
		return "", classify(err, service, step, u.Host)
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
