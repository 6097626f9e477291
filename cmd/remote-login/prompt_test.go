package main

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ptySession runs remote-login in-process on a real pseudo-terminal, the
// way a user at a shell does: stdin and stderr are the terminal, stdout a
// buffer. The test types on the pty's master side and reads the screen
// there, so it sees exactly what the terminal would echo.
type ptySession struct {
	t      *testing.T
	master *os.File
	tty    *os.File
	mu     sync.Mutex
	screen bytes.Buffer
	seen   chan struct{}
	done   chan int
	stdout bytes.Buffer
}

// safety bounds a wait so a broken prompt fails the test instead of
// hanging it; no result depends on it.
const safety = 60 * time.Second

func startPTY(t *testing.T, f *factory, args ...string) *ptySession {
	t.Helper()
	scan := scanFor(t)
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	s := &ptySession{t: t, master: master, tty: tty, seen: make(chan struct{}, 1), done: make(chan int, 1)}
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				s.mu.Lock()
				s.screen.Write(buf[:n])
				s.mu.Unlock()
				select {
				case s.seen <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	if f == nil {
		f = defaultFactory()
	}
	f.IO = &IOStreams{In: tty, Out: &s.stdout, Err: tty}
	go func() { s.done <- run(append([]string{"remote-login"}, args...), f) }()
	t.Cleanup(func() { master.Close(); tty.Close() })
	// Runs before the scan's check (cleanups run last first).
	t.Cleanup(func() {
		scan.Output("the terminal of remote-login "+strings.Join(args, " "), s.text())
		scan.Output("stdout of remote-login "+strings.Join(args, " "), s.stdout.String())
	})
	return s
}

func (s *ptySession) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.screen.String()
}

// waitFor waits until the screen shows want.
func (s *ptySession) waitFor(want string) {
	s.t.Helper()
	deadline := time.After(safety)
	for !strings.Contains(s.text(), want) {
		select {
		case <-s.seen:
		case code := <-s.done:
			s.done <- code
			if strings.Contains(s.text(), want) {
				return
			}
			s.t.Fatalf("remote-login exited %d before showing %q; screen:\n%s", code, want, s.text())
		case <-deadline:
			s.t.Fatalf("no %q on the screen; screen:\n%s", want, s.text())
		}
	}
}

// waitNoEcho waits until the terminal no longer echoes, as a user's typing
// after the password prompt is drawn would find it.
func (s *ptySession) waitNoEcho() {
	s.t.Helper()
	deadline := time.Now().Add(safety)
	for {
		tio, err := unix.IoctlGetTermios(int(s.tty.Fd()), unix.TCGETS)
		if err != nil {
			s.t.Fatal(err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatal("echo never turned off at the secret prompt")
		}
		time.Sleep(time.Millisecond)
	}
}

func (s *ptySession) typeKeys(keys string) {
	s.t.Helper()
	// What is typed with echo off is a secret: the scan looks for it.
	if tio, err := unix.IoctlGetTermios(int(s.tty.Fd()), unix.TCGETS); err == nil && tio.Lflag&unix.ECHO == 0 {
		scanFor(s.t).Secret(strings.TrimSpace(keys))
	}
	if _, err := s.master.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

func (s *ptySession) exitCode() int {
	s.t.Helper()
	select {
	case code := <-s.done:
		return code
	case <-time.After(safety):
		s.t.Fatalf("remote-login did not finish; screen:\n%s", s.text())
	}
	return -1
}

func TestPrompt_LibraryReplace(t *testing.T) {
	tests := []struct {
		name      string
		answer    string
		token     string // typed at the token prompt, if reached
		wantCode  int
		wantToken string
		wantText  string
	}{
		{"answer N keeps the old token", "N\r", "", exitOK, "old-token", "Kept the existing access token"},
		{"answer Enter keeps the old token", "\r", "", exitOK, "old-token", "Kept the existing access token"},
		{"answer y and a good token replaces it", "y\r", goodToken + "\r", exitOK, goodToken, ""},
		{"answer y and a bad token keeps the old one", "y\r", "bad-token-9\r", exitFailed, "old-token", "the existing token is kept"},
		{"answer y then Ctrl-D aborts", "y\r", "\x04", exitAborted, "old-token", "aborted"},
		{"answer y then empty input aborts", "y\r", "\r", exitAborted, "old-token", "aborted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			ls := newLibraryServer(t, false)
			e.writeRemoteYAML(t, libraryYAML(ls.host(), "old-token", true))
			before := e.readRemoteYAML(t)
			s := startPTY(t, nil, "lib")
			s.waitFor("An access token is already set for this remote. Replace it? [y/N] ")
			s.typeKeys(tt.answer)
			if tt.token != "" {
				// The answer is echoed: the terminal really echoes what is
				// typed, so the token's absence below means something.
				s.waitFor("[y/N] y")
				s.waitFor("Access Token: ")
				s.waitNoEcho()
				s.typeKeys(tt.token)
			}
			code := s.exitCode()
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; screen:\n%s", code, tt.wantCode, s.text())
			}
			if tt.wantText != "" {
				s.waitFor(tt.wantText)
			}
			screen := s.text()
			if tok := strings.TrimSuffix(tt.token, "\r"); tok != "" && strings.Contains(screen, tok) {
				t.Errorf("the token was echoed; screen:\n%s", screen)
			}
			after := e.readRemoteYAML(t)
			if !strings.Contains(after, "Token: "+tt.wantToken+"\n") {
				t.Errorf("remote.yaml has not token %q:\n%s", tt.wantToken, after)
			}
			if tt.wantToken == "old-token" && after != before {
				t.Errorf("remote.yaml changed:\n%s", after)
			}
		})
	}
}

func TestPrompt_RegistryPassword(t *testing.T) {
	tests := []struct {
		name      string
		user, pw  string
		wantCode  int
		wantStore bool
	}{
		{"user and password", "alice\r", "reg-pw-1\r", exitOK, true},
		{"Ctrl-D at the user name", "\x04", "", exitAborted, false},
		{"empty user name", "\r", "", exitAborted, false},
		{"Ctrl-D at the password", "alice\r", "\x04", exitAborted, false},
		{"empty password", "alice\r", "\r", exitAborted, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			srv := basicRegistry(t)
			host := strings.TrimPrefix(srv.URL, "https://")
			f := defaultFactory()
			f.HTTPClient = srv.Client()
			s := startPTY(t, f, "docker://"+host)
			s.waitFor("Username: ")
			s.typeKeys(tt.user)
			if tt.pw != "" {
				s.waitFor("Password: ")
				s.waitNoEcho()
				s.typeKeys(tt.pw)
			}
			code := s.exitCode()
			screen := s.text()
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; screen:\n%s", code, tt.wantCode, screen)
			}
			if strings.Contains(screen, "reg-pw-1") {
				t.Errorf("the password was echoed; screen:\n%s", screen)
			}
			if tt.wantCode == exitAborted {
				s.waitFor("aborted")
			}
			if got := strings.Contains(e.readRemoteYAML(t), "docker://"+host); got != tt.wantStore {
				t.Errorf("stored = %v, want %v:\n%s", got, tt.wantStore, e.readRemoteYAML(t))
			}
		})
	}
}
