package login

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/internal/stallserver"
)

// Issue 19 item 5: the TLS handshake had its own 10 s limit, so
// --timeout 11s gave up after 10 s while saying "within 11s".
func TestChecker_TimeoutBoundsTLSHandshake(t *testing.T) {
	t.Parallel()
	const limit = 11 * time.Second // just above net/http's own 10 s handshake limit
	addr := stallserver.Start(t)
	target, _ := ParseTarget("docker://" + addr)
	c := &Checker{Timeout: limit}
	start := time.Now()
	err := c.Registry(context.Background(), target, "alice", "pw", false)
	took := time.Since(start)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindTimeout || !strings.Contains(err.Error(), "within 11s") || !strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("err = %v, want a timeout naming the TLS handshake and 11s", err)
	}
	if took < limit {
		t.Errorf("gave up after %s, before --timeout %s: another limit fired", took.Round(time.Millisecond), limit)
	}
}

// Every stage is bounded by --timeout, and the message names the stage
// and the limit.
func TestChecker_TimeoutStages(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	stall := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/headers/assets/config/config.prod.json":
			stall(w, r)
		case "/body/assets/config/config.prod.json":
			w.Write([]byte(`{"tokenAPI":`))
			w.(http.Flusher).Flush()
			stall(w, r)
		}
	}))
	defer srv.Close()
	tests := []struct {
		name, uri, want string
	}{
		{"TLS handshake", stallserver.Start(t), "did not complete the TLS handshake within 300ms (--timeout)"},
		{"response headers", hostOf(srv.URL) + "/headers", "sent no answer within 300ms (--timeout)"},
		{"body", hostOf(srv.URL) + "/body", "did not finish its answer within 300ms (--timeout)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Checker{Client: srv.Client(), Timeout: 300 * time.Millisecond}
			// A library on a port is //host:port, as the CLIs reach one.
			_, _, err := c.Discover(context.Background(), "lib", "//"+tt.uri, false, false)
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindTimeout || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a timeout saying %q", err, tt.want)
			}
		})
	}
}
