package login

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sniffListener hands the HTTP server only connections that do not start
// with a TLS handshake; a handshake is never answered (stall) or closed at
// once (close), as servers that speak only HTTP do (gunicorn waits for the
// rest of a "request line"; others hang up).
type sniffListener struct {
	net.Listener
	close bool
	conns chan net.Conn
}

// prefixed is a connection whose first bytes were already read.
type prefixed struct {
	net.Conn
	r *bufio.Reader
}

func (p prefixed) Read(b []byte) (int, error) { return p.r.Read(b) }

func (l *sniffListener) Accept() (net.Conn, error) {
	c, ok := <-l.conns
	if !ok {
		return nil, net.ErrClosed
	}
	return c, nil
}

func (l *sniffListener) loop() {
	defer close(l.conns)
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return
		}
		go func() {
			r := bufio.NewReader(c)
			first, err := r.Peek(1)
			switch {
			case err != nil:
				c.Close()
			case first[0] == 0x16 && l.close: // a TLS handshake record
				c.Close()
			case first[0] == 0x16:
				io.Copy(io.Discard, r)
				c.Close()
			default:
				l.conns <- prefixed{c, r}
			}
		}()
	}
}

// httpOnly serves h in plain HTTP on a port that never completes a TLS
// handshake; it returns HOST:PORT.
func httpOnly(t *testing.T, h http.Handler, closeTLS bool) string {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &sniffListener{Listener: inner, close: closeTLS, conns: make(chan net.Conn)}
	go l.loop()
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close(); inner.Close() })
	return inner.Addr().String()
}

// libraryHandler is a library whose token service is at base+"/auth" and
// takes the token "tok".
func libraryHandler(base func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/assets/config/config.prod.json":
			json.NewEncoder(w).Encode(map[string]any{"tokenAPI": map[string]string{"uri": base() + "/auth"}})
		case "/auth/v1/token-status":
			if r.Header.Get("Authorization") != "Bearer tok" {
				http.NotFound(w, r)
			}
		default:
			registryHandler(w, r)
		}
	})
}

// Issue 19 item 6: with --insecure (or a loopback registry), a server that
// never answers a TLS handshake but speaks HTTP was waited on for the whole
// timeout and reported as "no answer". Plain HTTP is tried once the
// handshake is late; the checks must succeed well within the timeout.
func TestChecker_PlainWhenTLSStalls(t *testing.T) {
	var addr string
	addr = httpOnly(t, libraryHandler(func() string { return "http://" + addr }), false)
	target, _ := ParseTarget("docker://" + addr)
	tests := []struct {
		name string
		run  func(c *Checker) error
	}{
		{"library, --insecure", func(c *Checker) error {
			return c.LibraryToken(context.Background(), "lib", "//"+addr, false, true, "tok")
		}},
		{"registry, --insecure", func(c *Checker) error {
			return c.Registry(context.Background(), target, "alice", "pw", true)
		}},
		{"loopback registry", func(c *Checker) error {
			_, err := c.RegistryLoopback(context.Background(), target, "alice", "pw", false)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.run(&Checker{Timeout: 20 * time.Second}); err != nil {
				t.Errorf("err = %v, want the check to pass over plain HTTP", err)
			}
		})
	}
}

// Issue 19 item 6: a token service discovery names as https:// but that
// speaks plain HTTP was reported as "check the address and your network".
func TestChecker_TokenServiceSpeaksPlain(t *testing.T) {
	for _, closeTLS := range []bool{true, false} {
		name := "stalls the handshake"
		if closeTLS {
			name = "closes the handshake"
		}
		t.Run(name, func(t *testing.T) {
			tokenAddr := httpOnly(t, libraryHandler(nil), closeTLS)
			lib := httptest.NewTLSServer(libraryHandler(func() string { return "https://" + tokenAddr }))
			defer lib.Close()
			c := &Checker{Client: lib.Client(), Timeout: 20 * time.Second}
			err := c.LibraryToken(context.Background(), "lib", "//"+hostOf(lib.URL), false, false, "tok")
			var e *Error
			if !errors.As(err, &e) || !e.NoTLS || !strings.Contains(err.Error(), tokenAddr+" answers in plain HTTP") || strings.Contains(err.Error(), "check the address") {
				t.Errorf("err = %v, want one saying the token service %s answers in plain HTTP", err, tokenAddr)
			}
			// --insecure: the token service on this machine may be asked in plain HTTP.
			if err := c.LibraryToken(context.Background(), "lib", "//"+hostOf(lib.URL), false, true, "tok"); err != nil {
				t.Errorf("with --insecure: %v", err)
			}
		})
	}
}
