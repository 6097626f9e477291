package integration

// remote-login against the suite's TLS registry, whose CA no system trusts:
// the ways to trust it (issue 12, item 3), a dead proxy (item 6), and a
// config directory the user may not write (item 7).

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// envWithout is e's environment without SSL_CERT_FILE (so the suite's CA
// is not trusted through it), plus extra.
func (e *clientEnv) envWithout(extra ...string) []string {
	var env []string
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

func TestRemoteLogin_PrivateCA(t *testing.T) {
	needRegistries(t)
	host := basicReg.host
	ca := string(readBytes(t, thePKI.caFile))
	tests := []struct {
		name     string
		certsD   string // where the CA is put, under HOME, or ""
		args     []string
		wantCode int
		wantOut  []string
		insecure bool
	}{
		{name: "no trust: the error names every way", wantCode: 1,
			wantOut: []string{"unknown authority", "--ca-file FILE", "~/.docker/certs.d/" + host + "/", "/etc/docker/certs.d", "~/.config/containers/certs.d", "/etc/containers/certs.d", "--insecure"}},
		{name: "--ca-file", args: []string{"--ca-file", thePKI.caFile}, wantOut: []string{"Login Succeeded: registry docker://" + host}},
		{name: "~/.docker/certs.d", certsD: ".docker/certs.d", wantOut: []string{"Login Succeeded: registry docker://" + host}},
		{name: "~/.config/containers/certs.d", certsD: ".config/containers/certs.d", wantOut: []string{"Login Succeeded: registry docker://" + host}},
		{name: "--insecure", args: []string{"--insecure"}, wantOut: []string{"Login Succeeded: registry docker://" + host}, insecure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			// newClientEnv trusts the CA for podman through the containers
			// certs.d; start from no trust at all.
			if err := os.RemoveAll(filepath.Join(e.home, ".config", "containers", "certs.d")); err != nil {
				t.Fatal(err)
			}
			if tt.certsD != "" {
				e.writeFile(t, filepath.Join(e.home, tt.certsD, host, "ca.crt"), ca)
			}
			// The target as docker login takes it (a bare host), with the
			// flags after it.
			args := append([]string{host, "-u", testUser, "--password-stdin"}, tt.args...)
			r := e.remoteLoginEnv(t, e.envWithout(), testPassword+"\n", args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.wantCode, r)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q:\n%s", w, r)
				}
			}
			if tt.wantCode != 0 {
				e.assertNoEntry(t, host)
				return
			}
			want := remoteCredential{URI: "docker://" + host, Auth: basicAuthValue(testUser, testPassword), Insecure: tt.insecure}
			if got := e.entries(t, host); len(got) != 1 || got[0] != want {
				t.Errorf("remote.yaml entries for %s = %+v, want one with Insecure %v", host, redact(got), tt.insecure)
			}
		})
	}
}

func TestRemoteLogin_DeadProxy(t *testing.T) {
	e := newClientEnv(t, viaRegistriesConf)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	r := e.remoteLoginEnv(t, e.envWithout("HTTPS_PROXY=http://"+dead, "NO_PROXY="), testPassword+"\n",
		"docker://registry.example.com", "-u", testUser, "--password-stdin", "--timeout", "20s")
	if r.code != 1 || !strings.Contains(r.stderr, "the proxy "+dead+" (from HTTPS_PROXY) failed for registry.example.com") ||
		strings.Contains(r.stderr, "connection to registry.example.com refused") {
		t.Fatalf("want exit 1 blaming the proxy:\n%s", r)
	}
}

// TestRemoteLogin_ConfigDirNotWritable runs as an unprivileged user (root
// may write anywhere): the directory is named once with the fix, and no
// password is sent, so the unreachable registry is never even tried.
func TestRemoteLogin_ConfigDirNotWritable(t *testing.T) {
	bin := buildRemoteLogin(t)
	var prefix []string
	if os.Geteuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("running as root and no setpriv (util-linux) to drop to nobody")
		}
		prefix = []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}
	}
	// A world-readable tree: nobody must reach the binary and the home.
	root, err := os.MkdirTemp("", "remoteyaml-rodir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "home", ".apptainer"), 0o700); os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(root, "home")
	cfg := filepath.Join(home, ".apptainer")
	if err := os.MkdirAll(cfg, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	rl := filepath.Join(root, "remote-login")
	if err := os.WriteFile(rl, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(home, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(cfg, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(cfg, 0o555); err != nil {
		t.Fatal(err)
	}
	argv := append(append(prefix, rl), "-u", testUser, "--password-stdin", "docker://127.0.0.1:1")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"HOME=" + home, "APPTAINER_CONFIGDIR=" + cfg, "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader("pw\n")
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("exit: %v, want 1", err)
	}
	if s := string(out); strings.Count(s, cfg) != 1 || !strings.Contains(s, "chmod u+w") || !strings.Contains(s, "nothing was sent") || strings.Contains(s, "refused") {
		t.Errorf("want the directory once, the fix, and no connection attempt:\n%s", s)
	}
}
