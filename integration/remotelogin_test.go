package integration

// Tests of remote-login (cmd/remote-login) against the real registries of
// this suite, a real nginx in front of a keyserver-like path, and a real
// pseudo-terminal. Run them alone with:
//
//	go test -count=1 -v -run RemoteLogin ./integration/

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var (
	remoteLoginOnce sync.Once
	remoteLoginBin  string
	remoteLoginErr  error
)

// buildRemoteLogin builds ./cmd/remote-login once, next to the helper's
// directory (not in it: that one holds only the helper). Setting
// REMOTEYAML_TEST_REMOTE_LOGIN to a prebuilt binary tests that instead.
func buildRemoteLogin(t *testing.T) string {
	t.Helper()
	remoteLoginOnce.Do(func() {
		if pre := os.Getenv("REMOTEYAML_TEST_REMOTE_LOGIN"); pre != "" {
			remoteLoginBin = pre
			return
		}
		dir := filepath.Join(filepath.Dir(helperDir), "remote-login-bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			remoteLoginErr = err
			return
		}
		remoteLoginBin = filepath.Join(dir, "remote-login")
		goTool, err := exec.LookPath("go")
		if err != nil {
			remoteLoginErr = err
			return
		}
		cmd := exec.Command(goTool, "build", "-o", remoteLoginBin, "./cmd/remote-login")
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			remoteLoginErr = fmt.Errorf("go build ./cmd/remote-login: %w\n%s", err, out)
		}
	})
	if remoteLoginErr != nil {
		t.Fatal(remoteLoginErr)
	}
	return remoteLoginBin
}

type rlResult struct {
	result
	code int
}

// envList is the client environment of e, with the test CA trusted.
func (e *clientEnv) envList() []string {
	var env []string
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	return append(env, "SSL_CERT_FILE="+thePKI.caFile)
}

// remoteLogin runs the built remote-login in e's world.
func (e *clientEnv) remoteLogin(t *testing.T, stdin string, args ...string) rlResult {
	t.Helper()
	return e.remoteLoginEnv(t, e.envList(), stdin, args...)
}

// remoteLoginEnv runs the built remote-login with the environment env.
func (e *clientEnv) remoteLoginEnv(t *testing.T, env []string, stdin string, args ...string) rlResult {
	t.Helper()
	bin := buildRemoteLogin(t) // before the clock starts: a cold build on a busy machine takes minutes
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Dir = e.root
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := rlResult{result: result{cmdline: "remote-login " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String(), err: err}}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		r.code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("remote-login did not run: %v", err)
	}
	t.Logf("$ %s -> exit %d\n%s%s", r.cmdline, r.code, r.stdout, r.stderr)
	e.scan.Output("stdout of "+r.cmdline, r.stdout)
	e.scan.Output("stderr of "+r.cmdline, r.stderr)
	for _, s := range []string{testPassword, basicAuthValue(testUser, testPassword)} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("remote-login printed the secret")
		}
	}
	return r
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

// TestRemoteLogin_Registry: setup, then a refused and an accepted login
// against each registry (htpasswd Basic, and Bearer through the token
// service), then crane (and skopeo through the drop-in) using the stored
// login through the helper.
func TestRemoteLogin_Registry(t *testing.T) {
	needRegistries(t)
	for _, reg := range []*registry{basicReg, tokenReg} {
		t.Run(reg.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			// Start from a user who has never set anything up: setup writes it.
			dockerCfg := filepath.Join(e.dockerConfig, "config.json")
			dropIn := e.dropInPath()
			// XDG_CONFIG_HOME away from ~/.config: the drop-in setup writes
			// must still be where skopeo reads it.
			e.env["XDG_CONFIG_HOME"] = filepath.Join(e.home, "xdg")
			e.writeFile(t, dockerCfg, "{\n\t\"auths\": {},\n\t\"psFormat\": \"table {{.ID}}\"\n}\n")
			if err := os.Remove(dropIn); err != nil {
				t.Fatal(err)
			}
			if r := e.remoteLogin(t, "", "setup", "--docker", "--podman"); r.code != 0 {
				t.Fatalf("setup failed:\n%s", r)
			}
			if got := string(readBytes(t, dockerCfg)); got != "{\n\t\"credsStore\": \"remoteyaml\",\n\t\"auths\": {},\n\t\"psFormat\": \"table {{.ID}}\"\n}\n" {
				t.Fatalf("config.json after setup:\n%s", got)
			}

			// A remote.yaml the user wrote, with a comment and a keyserver login.
			before := "# my logins\nCredentials:\n    - URI: https://keys.example.com\n      Auth: Bearer abc\n      Insecure: false\n"
			e.writeFile(t, e.remoteYAMLPath(), before)

			r := e.remoteLogin(t, "wrong-"+testPassword+"\n", "-u", testUser, "--password-stdin", "docker://"+reg.host)
			if r.code != 1 || !strings.Contains(r.stderr, "401") || !strings.Contains(r.stderr, "docker://"+reg.host) {
				t.Fatalf("wrong password: want exit 1 naming the target and the 401:\n%s", r)
			}
			if got := string(readBytes(t, e.remoteYAMLPath())); got != before {
				t.Fatalf("a refused login changed remote.yaml:\n%s", got)
			}
			r = e.remoteLogin(t, "", "-u", testUser, "--password-stdin", "docker://"+reg.host)
			if r.code != 2 || !strings.Contains(r.stderr, "standard input is empty") {
				t.Fatalf("empty password: want exit 2:\n%s", r)
			}

			r = e.remoteLogin(t, testPassword+"\n", "-u", testUser, "--password-stdin", "docker://"+reg.host)
			if r.code != 0 || !strings.Contains(r.stdout, "Login Succeeded") {
				t.Fatalf("good password refused:\n%s", r)
			}
			e.assertLoggedIn(t, reg.host, testUser, testPassword)
			if got := string(readBytes(t, e.remoteYAMLPath())); !strings.HasPrefix(got, before) {
				t.Errorf("the login did not just append its entry:\n%s", redactText(got))
			}

			repo := uniqueRepo(t)
			mustPush(t, e, "crane", reg, repo)
			mustPull(t, e, "crane", reg, repo)
			t.Run("skopeo through the drop-in", func(t *testing.T) {
				lookTool(t, "skopeo")
				content, r := pull(t, e, "skopeo", reg, repo)
				if r.err != nil || content != theImage.content {
					t.Fatalf("skopeo pull with the drop-in setup wrote: %q\n%s", content, r)
				}
			})
			e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

			r = e.remoteLogin(t, "", "list")
			if r.code != 0 || !strings.Contains(r.stdout, "docker://"+reg.host) || !strings.Contains(r.stdout, testUser) {
				t.Errorf("list lacks the login:\n%s", r)
			}
			if r = e.remoteLogin(t, "", "logout", "docker://"+reg.host); r.code != 0 {
				t.Fatalf("logout:\n%s", r)
			}
			if got := string(readBytes(t, e.remoteYAMLPath())); got != before {
				t.Errorf("after logout remote.yaml =\n%s\nwant it as before the login", redactText(got))
			}
			if r = e.remoteLogin(t, "", "logout", "docker://"+reg.host); r.code != 1 || !strings.Contains(r.stderr, "not logged in") {
				t.Errorf("second logout: want exit 1 and \"not logged in\":\n%s", r)
			}
			if _, r := pull(t, e, "crane", reg, repo); r.err == nil {
				t.Errorf("crane pulled after logout")
			}
			if r = e.remoteLogin(t, "", "setup", "--undo"); r.code != 0 {
				t.Fatalf("setup --undo:\n%s", r)
			}
			if got := string(readBytes(t, dockerCfg)); got != "{\n\t\"auths\": {},\n\t\"psFormat\": \"table {{.ID}}\"\n}\n" {
				t.Errorf("config.json after undo:\n%s", got)
			}
		})
	}
}

// nginxKeyserver is nginx serving /pks/lookup over TLS twice: behind
// auth_basic, and behind a Bearer token checked with map.
type nginxKeyserver struct {
	basicURL, bearerURL string
	token               string
}

func startNginx(t *testing.T) *nginxKeyserver {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/sbin/nginx"} {
			if isExecutable(p) {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		skipOrFail(t, "nginx is not installed: run integration/install-deps.sh")
	}
	dir := t.TempDir()
	for _, d := range []string{"www/pks", "tmp", "logs"} {
		mkdir(dir, d)
	}
	if err := os.WriteFile(filepath.Join(dir, "www", "pks", "lookup"), []byte("keyserver ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("htpasswd", "-i", "-n", "-m", testUser)
	cmd.Stdin = strings.NewReader(testPassword)
	ht, err := cmd.Output()
	if err != nil {
		t.Fatalf("htpasswd: %v", err)
	}
	htFile := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htFile, ht, 0o644); err != nil {
		t.Fatal(err)
	}
	p1, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	ks := &nginxKeyserver{
		basicURL:  fmt.Sprintf("https://127.0.0.1:%d/pks/lookup", p1),
		bearerURL: fmt.Sprintf("https://localhost:%d/pks/lookup", p2),
		token:     "kst-" + randomHex(12),
	}
	tls := fmt.Sprintf("ssl_certificate %s; ssl_certificate_key %s;", thePKI.certFile, thePKI.keyFile)
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log info;
events { worker_connections 64; }
http {
    access_log %[1]s/logs/access.log;
    default_type text/plain;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    root %[1]s/www;
    map $http_authorization $bearer_ok {
        default 0;
        "Bearer %[2]s" 1;
    }
    server {
        listen 127.0.0.1:%[3]d ssl;
        %[5]s
        location /pks/ {
            auth_basic "keyserver";
            auth_basic_user_file %[6]s;
        }
    }
    server {
        listen 127.0.0.1:%[4]d ssl;
        %[5]s
        location /pks/ {
            if ($bearer_ok = 0) {
                return 401;
            }
        }
    }
}
`, dir, ks.token, p1, p2, tls, htFile)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ng := exec.Command(bin, "-p", dir, "-c", confFile, "-e", filepath.Join(dir, "logs", "error.log"))
	var out bytes.Buffer
	ng.Stdout, ng.Stderr = &out, &out
	ng.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := ng.Start(); err != nil {
		t.Fatalf("nginx: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = ng.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-ng.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-ng.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log"))
			t.Logf("nginx error log:\n%s", b)
		}
	})
	for _, port := range []int{p1, p2} {
		deadline := time.Now().Add(15 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				t.Fatalf("nginx exited: %s", out.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("nginx not listening on %d: %v", port, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return ks
}

func TestRemoteLogin_KeyserverNginx(t *testing.T) {
	ks := startNginx(t)
	tests := []struct {
		name     string
		url      string
		args     []string
		secret   string
		wantCode int
		wantAuth string
	}{
		{"basic good", ks.basicURL, []string{"-u", testUser}, testPassword, 0, basicAuthValue(testUser, testPassword)},
		{"basic bad", ks.basicURL, []string{"-u", testUser}, "wrong-" + testPassword, 1, ""},
		{"bearer good", ks.bearerURL, nil, ks.token, 0, "Bearer " + ks.token},
		{"bearer bad", ks.bearerURL, nil, "kst-wrong", 1, ""},
		{"bearer token sent to the Basic server", ks.basicURL, nil, ks.token, 1, ""},
		{"basic good, typed hkps://", ks.basicURL, []string{"-u", testUser, "hkps"}, testPassword, 0, basicAuthValue(testUser, testPassword)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			// The keyserver as `apptainer keyserver add` configures it: a
			// login is made and used only for an External one.
			before := "Active: lib\nRemotes:\n    lib:\n        URI: library.example.com\n        System: false\n        Exclusive: false\n" +
				"        Keyservers:\n            - URI: " + tt.url + "\n              Skip: false\n              External: true\n              Insecure: false\n"
			e.writeFile(t, e.remoteYAMLPath(), before)
			target, args := tt.url, tt.args
			if len(args) > 0 && args[len(args)-1] == "hkps" {
				target, args = "hkps://"+strings.TrimPrefix(tt.url, "https://"), args[:len(args)-1]
			}
			r := e.remoteLogin(t, tt.secret+"\n", append(append([]string{"--password-stdin"}, args...), target)...)
			if strings.Contains(r.stdout+r.stderr, tt.secret) {
				t.Errorf("the secret was printed")
			}
			after := string(readBytes(t, e.remoteYAMLPath()))
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.wantCode, r)
			}
			if tt.wantCode != 0 {
				if after != before || !strings.Contains(r.stderr, "401") {
					t.Fatalf("refused login: want a 401 error and remote.yaml byte-identical, got:\n%s", after)
				}
				return
			}
			want := before + "Credentials:\n    - URI: " + tt.url + "\n      Auth: " + tt.wantAuth + "\n      Insecure: false\n"
			if after != want {
				t.Fatalf("remote.yaml =\n%s\nwant\n%s", after, want)
			}
			if r := e.remoteLogin(t, "", "logout", tt.url); r.code != 0 || string(readBytes(t, e.remoteYAMLPath())) != before {
				t.Fatalf("logout:\n%s", r)
			}
		})
	}
}

// TestRemoteLogin_PromptPTY runs the built binary on a real terminal:
// the user name is echoed, the password is not, and Ctrl-D aborts with
// nothing stored.
func TestRemoteLogin_PromptPTY(t *testing.T) {
	needRegistries(t)
	tests := []struct {
		name     string
		keys     []string // typed after "Username: " and "Password: "
		wantCode int
	}{
		{"password typed", []string{testUser + "\r", testPassword + "\r"}, 0},
		{"Ctrl-D at the password", []string{testUser + "\r", "\x04"}, 3},
		{"Ctrl-D at the user name", []string{"\x04"}, 3},
		{"Ctrl-C at the user name", []string{"al\x03"}, 3},
		{"Ctrl-C at the password", []string{testUser + "\r", "pw\x03"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			cmd := exec.Command(buildRemoteLogin(t), "docker://"+basicReg.host)
			cmd.Env = e.envList()
			term := startOnPTY(t, cmd)
			text, waitUntil, tty := term.text, term.waitUntil, term.tty
			waitUntil("the user name prompt", func() bool { return strings.Contains(text(), "Username: ") })
			term.send(tt.keys[0])
			if len(tt.keys) > 1 {
				waitUntil("the password prompt", func() bool { return strings.Contains(text(), "Password: ") })
				waitUntil("echo off", func() bool {
					tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
					return err == nil && tio.Lflag&unix.ECHO == 0
				})
				term.send(tt.keys[1])
			}
			err := cmd.Wait()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			}
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; screen:\n%s", code, tt.wantCode, redactText(text()))
			}
			if tt.wantCode == 0 {
				waitUntil("the success line", func() bool { return strings.Contains(text(), "Login Succeeded") })
				e.assertLoggedIn(t, basicReg.host, testUser, testPassword)
			} else {
				waitUntil("the abort message", func() bool { return strings.Contains(text(), "remote-login: aborted; nothing was stored") })
				e.assertNoEntry(t, basicReg.host)
			}
			if strings.Contains(text(), testPassword) {
				t.Errorf("the password was echoed")
			}
			if len(tt.keys) > 1 && !strings.Contains(text(), "Username: "+testUser) {
				t.Errorf("the user name was not echoed: the terminal does not echo, so the password test proves nothing; screen:\n%s", text())
			}
			t.Logf("screen:\n%s", redactText(text()))
		})
	}
}
