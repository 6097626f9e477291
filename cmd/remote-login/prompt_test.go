package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/remoteyaml/remoteyaml/internal/secretscan"
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
	return startPTYOut(t, f, false, args...)
}

// startPTYOut is startPTY, with stdout on the terminal too when outOnTTY,
// as a user at a shell who does not redirect it sees it.
func startPTYOut(t *testing.T, f *factory, outOnTTY bool, args ...string) *ptySession {
	t.Helper()
	scan := secretscan.For(t)
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
	if outOnTTY {
		f.IO.Out = tty
	}
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
		secretscan.For(s.t).Secret(strings.TrimSpace(keys))
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

// The message of every abort at a prompt.
const abortedMsg = "remote-login: aborted; nothing was stored"

func TestPrompt_LibraryReplace(t *testing.T) {
	tests := []struct {
		name      string
		stored    string // the token in remote.yaml before
		answer    string // typed at the replace prompt, if it is shown
		token     string // typed at the token prompt, if reached
		wantCode  int
		wantToken string
		wantText  string
	}{
		{"answer N keeps the old token", storedGoodToken, "N\r", "", exitOK, storedGoodToken, "Kept the existing access token"},
		{"answer Enter keeps the old token", storedGoodToken, "\r", "", exitOK, storedGoodToken, "Kept the existing access token"},
		{"answer y and a good token replaces it", storedGoodToken, "y\r", goodToken + "\r", exitOK, goodToken, ""},
		{"answer y and a bad token keeps the old one", storedGoodToken, "y\r", "bad-token-9\r", exitFailed, storedGoodToken, "the existing token is kept"},
		{"answer y then Ctrl-D aborts", storedGoodToken, "y\r", "\x04", exitAborted, storedGoodToken, abortedMsg},
		{"answer y then empty input aborts", storedGoodToken, "y\r", "\r", exitAborted, storedGoodToken, abortedMsg},
		{"answer y then Ctrl-C aborts", storedGoodToken, "y\r", "par\x03", exitAborted, storedGoodToken, abortedMsg},
		{"Ctrl-C at the replace prompt aborts", storedGoodToken, "\x03", "", exitAborted, storedGoodToken, abortedMsg},
		{"a stored token that no longer works is not offered", "expired-token", "", goodToken + "\r", exitOK, goodToken, "no longer works"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			ls := newLibraryServer(t, false)
			e.writeRemoteYAML(t, libraryYAML("//"+ls.host(), tt.stored, true))
			before := e.readRemoteYAML(t)
			s := startPTY(t, nil, "lib")
			if tt.answer != "" {
				s.waitFor("Already logged in: the access token of remote lib still works. Replace it? [y/N] ")
				s.typeKeys(tt.answer)
			}
			if tt.token != "" {
				if tt.answer != "" {
					// The answer is echoed: the terminal really echoes what
					// is typed, so the token's absence below means something.
					s.waitFor("[y/N] y")
				}
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
			if tok := strings.TrimSuffix(tt.token, "\r"); len(tok) > 2 && strings.Contains(screen, tok) {
				t.Errorf("the token was echoed; screen:\n%s", screen)
			}
			if tt.answer == "" && strings.Contains(screen, "Replace it?") {
				t.Errorf("a token that no longer works was offered to keep; screen:\n%s", screen)
			}
			after := e.readRemoteYAML(t)
			if !strings.Contains(after, "Token: "+tt.wantToken+"\n") {
				t.Errorf("remote.yaml has not token %q:\n%s", tt.wantToken, after)
			}
			if tt.wantToken == tt.stored && after != before {
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
		{"user edited with backspace", "alx\x7fice\r", "reg-pw-1\r", exitOK, true},
		{"Ctrl-D at the user name", "\x04", "", exitAborted, false},
		{"Ctrl-C at the user name", "al\x03", "", exitAborted, false},
		{"empty user name", "\r", "", exitAborted, false},
		{"Ctrl-D at the password", "alice\r", "\x04", exitAborted, false},
		{"Ctrl-C at the password", "alice\r", "reg-\x03", exitAborted, false},
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
			if strings.Contains(screen, "reg-pw-1") || strings.Contains(screen, "reg-") {
				t.Errorf("the password was echoed; screen:\n%s", screen)
			}
			if tt.wantCode == exitAborted {
				s.waitFor(abortedMsg)
			}
			if got := strings.Contains(e.readRemoteYAML(t), "docker://"+host); got != tt.wantStore {
				t.Errorf("stored = %v, want %v:\n%s", got, tt.wantStore, e.readRemoteYAML(t))
			}
		})
	}
}

// TestPrompt_RegistryRelogin: a stored login that works is reported with
// no prompt; one that no longer works offers its user name as the default.
func TestPrompt_RegistryRelogin(t *testing.T) {
	tests := []struct {
		name     string
		storedPW string
		user     string // typed at "Username (alice): "
		wantUser string
	}{
		{"stored login works: no prompt", "reg-pw-1", "", "alice"},
		{"stale login: Enter takes the stored user name", "old-pw", "\r", "alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			srv := basicRegistry(t)
			host := strings.TrimPrefix(srv.URL, "https://")
			e.writeRemoteYAML(t, "Credentials:\n    - URI: docker://"+host+"\n      Auth: Basic "+
				base64.StdEncoding.EncodeToString([]byte("alice:"+tt.storedPW))+"\n      Insecure: false\n")
			f := defaultFactory()
			f.HTTPClient = srv.Client()
			s := startPTY(t, f, host)
			if tt.user != "" {
				s.waitFor("no longer works")
				s.waitFor("Username (alice): ")
				s.typeKeys(tt.user)
				s.waitFor("Password: ")
				s.waitNoEcho()
				s.typeKeys("reg-pw-1\r")
			}
			if code := s.exitCode(); code != exitOK {
				t.Fatalf("exit %d; screen:\n%s", code, s.text())
			}
			if tt.user == "" {
				if !strings.Contains(s.stdout.String(), "Already logged in to registry docker://"+host+" as alice") || strings.Contains(s.text(), "Password") {
					t.Errorf("want \"Already logged in\" and no prompt; stdout %q, screen:\n%s", s.stdout.String(), s.text())
				}
			}
			want := "Auth: Basic " + base64.StdEncoding.EncodeToString([]byte(tt.wantUser+":reg-pw-1"))
			if !strings.Contains(e.readRemoteYAML(t), want) {
				t.Errorf("remote.yaml lacks %q:\n%s", want, e.readRemoteYAML(t))
			}
		})
	}
}

// TestPrompt_SlowServerNamed: on a terminal, a check still waiting after
// SlowAfter names what it waits for; the server answers only once the
// screen shows it.
func TestPrompt_SlowServerNamed(t *testing.T) {
	e := newTestEnv(t)
	_ = e
	release := make(chan struct{})
	reg := basicRegistry(t)
	slow := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		reg.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)
	host := strings.TrimPrefix(slow.URL, "https://")
	f := defaultFactory()
	f.HTTPClient = slow.Client()
	f.SlowAfter = time.Millisecond
	s := startPTY(t, f, "-u", "alice", "--token-file", writeTokenFile(t, "reg-pw-1"), host)
	s.waitFor("Checking https://" + host + "/v2/ (Ctrl-C to stop)")
	close(release)
	if code := s.exitCode(); code != exitOK {
		t.Fatalf("exit %d; screen:\n%s", code, s.text())
	}
	if n := strings.Count(s.text(), "Checking "); n != 1 {
		t.Errorf("the wait was named %d times, want once; screen:\n%s", n, s.text())
	}
}

// TestLogin_NotTerminalNoProgress: with stderr no terminal, a slow check
// prints nothing but its result.
func TestLogin_NotTerminalNoProgress(t *testing.T) {
	newTestEnv(t)
	reg := basicRegistry(t)
	var calls int
	slow := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		time.Sleep(20 * time.Millisecond) // longer than SlowAfter below; no result depends on the time
		reg.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)
	f := defaultFactory()
	f.HTTPClient = slow.Client()
	f.SlowAfter = time.Millisecond
	r := runCmd(t, "reg-pw-1\n", f, "-u", "alice", "--password-stdin", strings.TrimPrefix(slow.URL, "https://"))
	if r.code != 0 || strings.Contains(r.stderr, "Checking") {
		t.Errorf("exit %d, stderr %q; want 0 and no progress", r.code, r.stderr)
	}
}

// TestLogin_InterruptedCheck: Ctrl-C while a check waits (main cancels the
// context) is an abort: exit 3, the abort message, nothing stored.
func TestLogin_InterruptedCheck(t *testing.T) {
	e := newTestEnv(t)
	reg := basicRegistry(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	f := defaultFactory()
	f.HTTPClient = reg.Client()
	f.IO = &IOStreams{In: strings.NewReader("reg-pw-1\n"), Out: &out, Err: &errb}
	code := runContext(ctx, []string{"remote-login", "-u", "alice", "--password-stdin", "docker://" + strings.TrimPrefix(reg.URL, "https://")}, f)
	if code != exitAborted || strings.TrimSpace(errb.String()) != abortedMsg || e.readRemoteYAML(t) != "" {
		t.Errorf("exit %d, stderr %q; want 3 and %q, nothing stored", code, errb.String(), abortedMsg)
	}
}
