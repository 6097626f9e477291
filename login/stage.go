package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// The stages of a request, for a timeout's message.
const (
	stageConnect = iota // DNS, TCP, a proxy's CONNECT
	stageTLS            // the TLS handshake
	stageHeaders        // the request is sent; waiting for the answer
	stageBody           // reading the answer
)

// stageError is a request that failed in stage; errors.Is and errors.As
// see the cause.
type stageError struct {
	stage int
	err   error
}

func (e *stageError) Error() string { return e.err.Error() }
func (e *stageError) Unwrap() error { return e.err }

// traced sends req through next, noting the stage it reached, so that a
// failure (a timeout above all: the Checker's Timeout bounds every stage,
// as nothing below has a limit of its own) says where it stopped. The
// answer's body is read under the same watch.
func traced(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	var stage atomic.Int32
	trace := &httptrace.ClientTrace{
		TLSHandshakeStart: func() { stage.Store(stageTLS) },
		GotConn:           func(httptrace.GotConnInfo) { stage.Store(stageHeaders) },
	}
	ctx := req.Context()
	resp, err := next.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		return nil, &stageError{stage: int(stage.Load()), err: err}
	}
	resp.Body = &watchedBody{ReadCloser: resp.Body, ctx: ctx}
	return resp, nil
}

// watchedBody reports a read the request's context cut short as a
// stageBody failure. net/http may end such a read with a plain EOF when
// the connection closes under it; the context says what really happened.
type watchedBody struct {
	io.ReadCloser
	ctx context.Context
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		if cerr := b.ctx.Err(); cerr != nil {
			return n, &stageError{stage: stageBody, err: cerr}
		}
	}
	return n, err
}

// timeoutDetail says which stage of a request to host the limit cut short.
func timeoutDetail(err error, host string, limit time.Duration) string {
	var se *stageError
	stage := -1
	if errors.As(err, &se) {
		stage = se.stage
	}
	switch stage {
	case stageConnect:
		return fmt.Sprintf("no connection to %s within %s (--timeout)", host, limit)
	case stageTLS:
		return fmt.Sprintf("%s did not complete the TLS handshake within %s (--timeout)", host, limit)
	case stageHeaders:
		return fmt.Sprintf("%s sent no answer within %s (--timeout)", host, limit)
	case stageBody:
		return fmt.Sprintf("%s did not finish its answer within %s (--timeout)", host, limit)
	}
	return fmt.Sprintf("no answer from %s within %s (--timeout)", host, limit)
}
