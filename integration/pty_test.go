package integration

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptySession is a command running on a pseudo-terminal of its own, as a
// user at a terminal runs it: its controlling terminal, stdin, stdout and
// stderr are the pty, and everything it writes is kept as the screen.
type ptySession struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	tty    *os.File
	mu     sync.Mutex
	screen bytes.Buffer
}

// startOnPTY starts cmd on a new pseudo-terminal; both ends are closed
// when the test ends.
func startOnPTY(t *testing.T, cmd *exec.Cmd) *ptySession {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &ptySession{t: t, cmd: cmd, master: master, tty: tty}
	go func() {
		buf := make([]byte, 512)
		for {
			n, err := master.Read(buf)
			s.mu.Lock()
			s.screen.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// text is the screen so far, as the terminal wrote it (CR LF line ends).
func (s *ptySession) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.screen.String()
}

// waitUntil waits up to a minute for ok, failing the test with the screen.
func (s *ptySession) waitUntil(what string, ok func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s; screen:\n%s", what, redactText(s.text()))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// send types keys at the terminal.
func (s *ptySession) send(keys string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}
