package main

import (
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// gatedRegistry is a Basic-auth registry (alice:pw) whose answers wait
// until gate is closed.
func gatedRegistry(t *testing.T, pw string, gate <-chan struct{}) *httptest.Server {
	inner := basicRegistryServer(t, pw)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		inner.Config.Handler.ServeHTTP(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// ansi matches the terminal control sequences a progress line may use.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]|\r")

// TestStatus_Terminal_LinesAsChecksEnd: on a terminal each login's line
// shows as its check ends, while a slower check still runs, with a
// progress line naming what is still awaited; the progress line is gone
// at the end. The slow server answers only once the screen shows the fast
// login's line.
func TestStatus_Terminal_LinesAsChecksEnd(t *testing.T) {
	const pw = "pw-progress-71c2"
	e := newTestEnv(t)
	gate := make(chan struct{})
	fast := basicRegistryServer(t, pw)
	slow := gatedRegistry(t, pw, gate)
	fastHost, slowHost := strings.TrimPrefix(fast.URL, "https://"), strings.TrimPrefix(slow.URL, "https://")
	e.writeRemoteYAML(t, "Credentials:\n"+basicEntry(slowHost, "alice", pw)+basicEntry(fastHost, "alice", pw))
	f := defaultFactory()
	f.HTTPClient = fast.Client()
	s := startPTYOut(t, f, true, "status")
	s.waitFor("docker://" + fastHost + "   remote.yaml   OK")
	s.waitFor("docker://" + slowHost)
	if strings.Contains(s.text(), "docker://"+slowHost+"   remote.yaml   OK") {
		t.Fatalf("the slow login's line shows before its server answered; screen:\n%s", s.text())
	}
	close(gate)
	if code := s.exitCode(); code != exitOK {
		t.Fatalf("exit %d; screen:\n%s", code, s.text())
	}
	s.waitFor("docker://" + slowHost + "   remote.yaml   OK\r\n") // the last thing written
	screen := s.text()
	// What the terminal shows at the end: every progress line erased.
	var lines []string
	for _, l := range strings.Split(screen, "\n") {
		l = strings.TrimSuffix(l, "\r") // the terminal's CR LF
		if i := strings.LastIndex(l, "\r"); i >= 0 {
			l = l[i+1:] // a carriage return starts the line over
		}
		if l = strings.TrimSpace(ansi.ReplaceAllString(l, "")); l != "" {
			lines = append(lines, l)
		}
	}
	want := []string{"TARGET SECRET STATUS", "docker://" + fastHost + " remote.yaml OK", "docker://" + slowHost + " remote.yaml OK"}
	for i := range lines {
		lines[i] = strings.Join(strings.Fields(lines[i]), " ")
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("the terminal ends with\n%q\nwant\n%q\nraw:\n%q", lines, want, screen)
	}
}

// TestStatus_NotTerminal_NothingExtra: with no terminal, status prints the
// header and one line per login on stdout, no progress and no control
// characters, and nothing on stderr.
func TestStatus_NotTerminal_NothingExtra(t *testing.T) {
	const pw = "pw-plain-4be0"
	e := newTestEnv(t)
	a, b := basicRegistryServer(t, pw), basicRegistryServer(t, "other")
	ah, bh := strings.TrimPrefix(a.URL, "https://"), strings.TrimPrefix(b.URL, "https://")
	e.writeRemoteYAML(t, "Credentials:\n"+basicEntry(ah, "alice", pw)+basicEntry(bh, "alice", pw))
	f := defaultFactory()
	f.HTTPClient = a.Client()
	r := runCmd(t, "", f, "status")
	if r.code != exitFailed || r.stderr != "" || strings.ContainsAny(r.stdout, "\r\x1b") {
		t.Errorf("exit %d, stderr %q, stdout %q: want 1, no stderr, no control characters", r.code, r.stderr, r.stdout)
	}
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(got) != 3 || strings.Join(strings.Fields(got[0]), " ") != "TARGET SECRET STATUS" {
		t.Errorf("stdout %q: want a header and two lines", r.stdout)
	}
	for _, w := range []string{"docker://" + ah + "   remote.yaml   OK", "docker://" + bh + "   remote.yaml   refused (401 Unauthorized)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
}

// TestStatus_TrustFlags: status takes the trust flags login takes, and
// the fixes it prints name them: --ca-file FILE trusts a CA, --insecure
// skips verification (and reaches a library that speaks plain HTTP).
func TestStatus_TrustFlags(t *testing.T) {
	const pw = "pw-trust-90aa"
	reg := basicRegistryServer(t, pw)
	host := strings.TrimPrefix(reg.URL, "https://")
	lib := newLibServer(t, hinkskalle, false)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: reg.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		yaml string
		args []string
		code int
		want string
	}{
		{"untrusted CA: the fix names --ca-file", "Credentials:\n" + basicEntry(host, "alice", pw), []string{"status"}, exitFailed, "trust its CA with --ca-file FILE"},
		{"--ca-file", "Credentials:\n" + basicEntry(host, "alice", pw), []string{"status", "--ca-file", caFile}, exitOK, "remote.yaml   OK"},
		{"--insecure", "Credentials:\n" + basicEntry(host, "alice", pw), []string{"status", "--insecure"}, exitOK, "remote.yaml   OK"},
		{"library in plain HTTP, stored Insecure: false", libraryYAML("//"+lib.host(), goodToken, false), []string{"status"}, exitFailed, "add --insecure"},
		{"library in plain HTTP with --insecure", libraryYAML("//"+lib.host(), goodToken, false), []string{"status", "--insecure"}, exitOK, "remote.yaml   OK ("},
		{"--ca-file that is not there", "", []string{"status", "--ca-file", filepath.Join(t.TempDir(), "none.pem")}, exitFailed, "--ca-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.writeRemoteYAML(t, tt.yaml)
			r := runCmd(t, "", nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("exit %d, want %d and %q", r.code, tt.code, tt.want)
			}
			noSecret(t, r, pw, goodToken)
		})
	}
}

// delayed wraps h so that every answer comes after d.
func delayed(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	})
}

// TestStatus_TenSlowServers (issue 19's acceptance): 10 logins of every
// kind, on servers that each answer every request after 1 s, are checked
// at once: done in under 4 s (in turn they take over 10 s: each check
// makes two or more requests), every line right.
func TestStatus_TenSlowServers(t *testing.T) {
	const pw = "pw-ten-5d0e"
	e := newTestEnv(t)
	var yaml strings.Builder
	var remotes strings.Builder
	want := map[string]string{}
	start := func(h http.Handler) *httptest.Server {
		srv := httptest.NewUnstartedServer(delayed(time.Second, h))
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		t.Cleanup(srv.Close)
		return srv
	}
	for i := 0; i < 6; i++ { // registries: 4 right, 2 with a changed password
		srvPW := pw
		if i >= 4 {
			srvPW = "changed"
		}
		srv := start(basicRegistryServer(t, srvPW).Config.Handler)
		host := strings.TrimPrefix(srv.URL, "https://")
		yaml.WriteString(basicEntry(host, "alice", pw))
		want["docker://"+host] = map[bool]string{true: "remote.yaml OK", false: "remote.yaml refused (401 Unauthorized): log in again: remote-login -u alice docker://" + host}[i < 4]
	}
	for i := 0; i < 2; i++ { // keyservers taking a token
		tok := fmt.Sprintf("ks-token-%d-aa", i)
		srv := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer ks-token-0-aa" {
				http.Error(w, "no", http.StatusUnauthorized)
			}
		}))
		yaml.WriteString("    - URI: " + srv.URL + "/pks/lookup\n      Auth: Bearer " + tok + "\n      Insecure: false\n")
		want[srv.URL+"/pks/lookup"] = map[bool]string{true: "remote.yaml OK", false: "remote.yaml refused (401 Unauthorized): log in again: remote-login " + srv.URL + "/pks/lookup"}[i == 0]
	}
	for i, tok := range []string{goodToken, "bad-token-77"} { // library remotes
		lib := newLibServer(t, hinkskalle, true)
		lib.Config.Handler = delayed(time.Second, lib.Config.Handler)
		name := fmt.Sprintf("lib%d", i)
		fmt.Fprintf(&remotes, "    %s:\n        URI: //%s\n        Token: %s\n        System: false\n        Exclusive: false\n", name, lib.host(), tok)
		want[name] = map[bool]string{true: "remote.yaml OK (keyserver N/A, library N/A, token N/A)", false: "remote.yaml refused (401 Unauthorized): log in again: remote-login " + name}[i == 0]
	}
	e.writeRemoteYAML(t, "Remotes:\n"+remotes.String()+"Credentials:\n"+yaml.String())
	f := defaultFactory()
	f.HTTPClient = basicRegistryServer(t, pw).Client()
	begin := time.Now()
	r := runCmd(t, "", f, "status")
	took := time.Since(begin)
	if took >= 4*time.Second {
		t.Errorf("status took %v, want under 4s", took)
	}
	if r.code != exitFailed {
		t.Errorf("exit %d, want 1 (some are refused)", r.code)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")[1:] {
		target, rest, _ := strings.Cut(strings.Join(strings.Fields(l), " "), " ")
		got[target] = rest
	}
	if len(got) != 10 || len(want) != 10 {
		t.Errorf("%d lines, want 10:\n%s", len(got), r.stdout)
	}
	for target, w := range want {
		if got[target] != w {
			t.Errorf("%s:\n got %q\nwant %q", target, got[target], w)
		}
	}
}

// TestStatus_TimeoutNamesItsLimit (issue 19's acceptance): with --timeout
// 2s, a server that accepts the connection and never answers the TLS
// handshake ends its check after about 2 s, and its line names 2s; the
// other login is checked meanwhile.
func TestStatus_TimeoutNamesItsLimit(t *testing.T) {
	const pw = "pw-stall-e21b"
	e := newTestEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	stall := l.Addr().String()
	ok := basicRegistryServer(t, pw)
	okHost := strings.TrimPrefix(ok.URL, "https://")
	e.writeRemoteYAML(t, "Credentials:\n"+basicEntry(stall, "alice", pw)+basicEntry(okHost, "alice", pw))
	f := defaultFactory()
	f.HTTPClient = ok.Client()
	begin := time.Now()
	r := runCmd(t, "", f, "status", "--timeout", "2s")
	took := time.Since(begin)
	if took < 2*time.Second || took > 3500*time.Millisecond {
		t.Errorf("status took %v, want about 2s", took)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")[1:] {
		target, rest, _ := strings.Cut(strings.Join(strings.Fields(l), " "), " ")
		lines[target] = rest
	}
	// The wording of the stage is login's; the limit named must be 2s.
	if got := lines["docker://"+stall]; !strings.HasPrefix(got, "remote.yaml unreachable (") || !strings.Contains(got, stall) ||
		!strings.Contains(got, " within 2s (") {
		t.Errorf("the stalled login's line is %q, want it unreachable, naming %s and 2s", got, stall)
	}
	if lines["docker://"+okHost] != "remote.yaml OK" {
		t.Errorf("the other login's line is %q", lines["docker://"+okHost])
	}
}
