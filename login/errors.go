package login

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"syscall"
)

// What failed, as an error names it.
const (
	KindDNS        = "DNS"
	KindConnect    = "connection"
	KindTLS        = "TLS"
	KindTimeout    = "timeout"
	KindStatus     = "HTTP"     // the server answered with a status that is not success
	KindProtocol   = "protocol" // the answer was not what the server kind sends
	KindCredential = "credential"
	KindProxy      = "proxy"      // the proxy of HTTPS_PROXY/HTTP_PROXY failed, not the server
	KindRedirect   = "redirect"   // a redirect that would take the credential off https or the host
	KindPlainHTTP  = "plain-http" // SendPolicy refused to send the credential in clear to that URL
)

// Error is a failed check: one line naming the target, what failed and the
// fix. It never holds a secret.
type Error struct {
	Target string // what the user typed: a remote name or a URI
	Step   string // what was being done, e.g. "service discovery"
	Kind   string // one of the Kind constants
	Status int    // the HTTP status, for KindStatus
	Detail string // what went wrong, secret-free
	Fix    string // what the user can do
	// NoTLS is set when the server answered a TLS handshake in plain HTTP:
	// it speaks no TLS at all (see RegistryLoopback).
	NoTLS bool

	unknownCA bool // the certificate's authority is not trusted
	canceled  bool // the caller stopped the check (Ctrl-C)
}

// Unwrap is context.Canceled for a check the caller stopped, so that
// errors.Is tells it from a failure; nothing else is kept, so no error
// text from below (which might quote a URL) escapes.
func (e *Error) Unwrap() error {
	if e.canceled {
		return context.Canceled
	}
	return nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Target)
	b.WriteString(": ")
	if e.Step != "" {
		b.WriteString(e.Step)
		b.WriteString(": ")
	}
	b.WriteString(e.Detail)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Refused reports whether the server answered and refused the credential,
// as opposed to a failure to reach or understand it.
func (e *Error) Refused() bool {
	return e.Kind == KindStatus && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden) ||
		e.Kind == KindCredential
}

// IsRefused reports whether err is an *Error for a refused credential.
func IsRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Refused()
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprint(code)
}

// classify turns a transport error into an *Error. host is host[:port] of
// the request that failed.
func classify(err error, target, step, host string) *Error {
	e := &Error{Target: target, Step: step}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var netErr net.Error
	var redirErr *RedirectError
	var malformed textproto.ProtocolError
	var refusedErr *SendRefusedError
	switch {
	case errors.Is(err, context.Canceled):
		e.Kind, e.canceled = KindTimeout, true
		e.Detail = fmt.Sprintf("stopped while waiting for %s", host)
	case errors.As(err, &refusedErr):
		e.Kind = KindPlainHTTP
		e.Detail = refusedErr.Error()
		e.Fix = refusedErr.fix()
	case errors.As(err, &redirErr):
		e.Kind = KindRedirect
		e.Detail = "refused a redirect: " + redirErr.Error() + "; the credential was not sent there"
		e.Fix = "if you trust that address, log in to it directly"
		if redirErr.LeavesTLS {
			e.Fix += " (plain http needs --insecure)"
		}
	case errors.As(err, &malformed):
		// The server answered, but with a header net/http refuses (a
		// control character in its value): it was reached, so this is no
		// network problem. A challenge there means it wants other
		// credentials. The header's value is never quoted: it is the
		// server's text, and may hold anything.
		name := malformedHeader(string(malformed))
		if strings.EqualFold(name, "WWW-Authenticate") {
			e.Kind = KindCredential
			e.Detail = fmt.Sprintf("%s answered with an authentication challenge whose WWW-Authenticate header holds a control character: the credential was not accepted", host)
			e.Fix = "check the credential; if it is right, ask the server's administrator to fix that header"
			break
		}
		e.Kind = KindProtocol
		what := "a malformed HTTP header"
		if name != "" {
			what = "a " + name + " header that holds a control character"
		}
		e.Detail = fmt.Sprintf("%s answered with %s, which is not HTTP", host, what)
		e.Fix = "ask the server's administrator to fix it"
	case errors.As(err, &dnsErr):
		e.Kind = KindDNS
		e.Detail = fmt.Sprintf("cannot resolve %s (DNS)", dnsErr.Name)
		e.Fix = "check the host name for typos and that this machine can resolve it"
	case errors.As(err, &unknownCA), errors.As(err, &verifyErr) && errors.As(verifyErr.Err, &unknownCA):
		e.Kind, e.unknownCA = KindTLS, true
		e.Detail = fmt.Sprintf("TLS: the certificate of %s is signed by an unknown authority", host)
		e.Fix = "install its CA certificate in the system trust store, or point SSL_CERT_FILE at it"
	case errors.As(err, &hostErr):
		e.Kind = KindTLS
		e.Detail = fmt.Sprintf("TLS: the certificate of %s is not valid for that name", host)
		e.Fix = "use the host name the certificate was issued for"
	case errors.As(err, &invalidCert):
		e.Kind = KindTLS
		e.Detail = fmt.Sprintf("TLS: the certificate of %s is invalid (%s)", host, certReason(invalidCert))
		e.Fix = "ask the server's administrator to renew or fix it"
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Kind = KindTLS
		e.Detail = fmt.Sprintf("TLS: %s answers in plain HTTP, not HTTPS", host)
		e.NoTLS = true
		e.Fix = "add --insecure if you trust the network between you and it"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
		e.Detail = fmt.Sprintf("no answer from %s in time (timeout)", host)
		e.Fix = "check the host and port, your network, and any proxy in HTTPS_PROXY"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = KindConnect
		e.Detail = fmt.Sprintf("connection to %s refused", host)
		e.Fix = "check the port and that the server is running"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		e.Kind = KindConnect
		var errno syscall.Errno
		errors.As(err, &errno)
		e.Detail = fmt.Sprintf("cannot reach %s (%s)", host, errno.Error())
		e.Fix = "check your network and any proxy in HTTPS_PROXY"
	case errors.As(err, &verifyErr):
		e.Kind = KindTLS
		e.Detail = fmt.Sprintf("TLS: the certificate of %s cannot be verified", host)
		e.Fix = "install its CA certificate in the system trust store, or point SSL_CERT_FILE at it"
	default:
		e.Kind = KindConnect
		e.Detail = fmt.Sprintf("request to %s failed", host)
		e.Fix = "check the address and your network"
	}
	return e
}

// malformedHeader is the name of the header in net/textproto's "malformed
// MIME header line: "Name: value"" error, canonical, or "" when there is no
// plain header name in it.
func malformedHeader(msg string) string {
	_, quoted, ok := strings.Cut(msg, "line: ")
	if !ok {
		return ""
	}
	line, err := strconv.Unquote(quoted)
	if err != nil {
		return ""
	}
	name, _, ok := strings.Cut(line, ":")
	if !ok || name == "" || strings.IndexFunc(name, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}) >= 0 {
		return ""
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}

func certReason(e x509.CertificateInvalidError) string {
	switch e.Reason {
	case x509.Expired:
		return "expired or not yet valid"
	case x509.NotAuthorizedToSign:
		return "signed by a certificate that is no CA"
	}
	return "rejected by verification"
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}
