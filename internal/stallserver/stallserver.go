// Package stallserver is a TCP server for tests that accepts connections
// and reads what the client sends, never answering: a server that never
// completes a TLS handshake (gunicorn reading a ClientHello as a request
// line), for the tests of every stage's timeout.
package stallserver

import (
	"io"
	"net"
	"testing"
)

// Start listens on 127.0.0.1 until the test ends and returns the address.
func Start(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	return l.Addr().String()
}
