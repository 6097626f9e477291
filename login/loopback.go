package login

import (
	"context"
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
// transport as Docker and Apptainer do: HTTPS, verified as for any host
// unless insecure; plain HTTP for a registry that speaks no TLS at all when
// insecure is set or the registry is on this machine (loopback). A
// loopback registry with a bad certificate fails like any other. plainHTTP
// tells which transport accepted the login.
func (c *Checker) RegistryLoopback(ctx context.Context, t Target, username, secret string, insecure bool) (plainHTTP bool, err error) {
	return c.registryFallback(ctx, t, username, secret, insecure, insecure || Loopback(t.Host))
}
