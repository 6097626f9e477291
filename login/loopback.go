package login

import (
	"context"
	"errors"
	"net"
	"strings"
)

// Loopback reports whether host (host[:port]) is on this machine by name
// or address: localhost, 127.0.0.0/8 or ::1. Docker and Apptainer talk
// plain HTTP to such a registry without being told (Docker's built-in
// insecure 127.0.0.0/8; Apptainer's registry login has no --insecure).
func Loopback(host string) bool {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// RegistryLoopback checks a registry login as Registry does, choosing the
// transport as Docker and Apptainer do: plain HTTP when insecure is set;
// otherwise HTTPS, verified as for any host, and plain HTTP only for a
// loopback registry that answers the TLS handshake in plain HTTP (it speaks
// no TLS at all). A loopback registry with a bad certificate fails like
// any other. plainHTTP tells which transport accepted the login.
func (c *Checker) RegistryLoopback(ctx context.Context, t Target, username, secret string, insecure bool) (plainHTTP bool, err error) {
	if insecure {
		return true, c.Registry(ctx, t, username, secret, true)
	}
	err = c.Registry(ctx, t, username, secret, false)
	var e *Error
	if err == nil || !Loopback(t.Host) || !errors.As(err, &e) || !e.NoTLS {
		return false, err
	}
	return true, c.Registry(ctx, t, username, secret, true)
}
