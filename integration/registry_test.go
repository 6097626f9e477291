package integration

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// registry is one running CNCF distribution registry (Debian's docker-registry)
// on 127.0.0.1 with TLS from the test CA.
type registry struct {
	name    string
	host    string // HOST:PORT, the key every client uses
	dir     string
	logFile string
	cmd     *exec.Cmd
	done    chan struct{}
	client  *http.Client
	// authorize adds the harness's own credentials to a request for scope, so
	// the tests can check what really reached the registry without any client.
	authorize func(req *http.Request, scope string) error
}

type registryAuth struct {
	htpasswd string // path of the bcrypt htpasswd file, or
	token    *tokenServer
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startRegistry writes a config.yml under dir and runs `docker-registry serve`
// on 127.0.0.1; the clients reach it as hostname:PORT.
func startRegistry(bin, name, hostname, dir string, p *pki, auth registryAuth) (*registry, error) {
	if err := os.MkdirAll(filepath.Join(dir, "storage"), 0o700); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	var authCfg string
	switch {
	case auth.htpasswd != "":
		authCfg = fmt.Sprintf("  htpasswd:\n    realm: remoteyaml-integration\n    path: %s\n", auth.htpasswd)
	case auth.token != nil:
		authCfg = fmt.Sprintf("  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n",
			auth.token.realm(), auth.token.service, auth.token.issuer, p.signerCertFile)
	default:
		return nil, errors.New("registry needs an auth method")
	}
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: 127.0.0.1:%d
  secret: %s
  tls:
    certificate: %s
    key: %s
auth:
%s`, filepath.Join(dir, "storage"), port, randomHex(16), p.certFile, p.keyFile, authCfg)
	cfgFile := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	logFile := filepath.Join(dir, "registry.log")
	lf, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	defer lf.Close()

	cmd := exec.Command(bin, "serve", cfgFile)
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.Dir = dir
	// No REGISTRY_* overrides from the caller's environment.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	// The registry dies with the test binary even if it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start %s: %w", bin, err)
	}
	r := &registry{
		name:    name,
		host:    fmt.Sprintf("%s:%d", hostname, port),
		dir:     dir,
		logFile: logFile,
		cmd:     cmd,
		done:    make(chan struct{}),
		client: &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.caPool}},
		},
	}
	go func() { _ = cmd.Wait(); close(r.done) }()
	if err := r.waitReady(15 * time.Second); err != nil {
		r.stop()
		return nil, fmt.Errorf("registry %s not ready: %w\n%s", name, err, r.logTail(2000))
	}
	return r, nil
}

func (r *registry) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-r.done:
			return errors.New("registry exited")
		default:
		}
		resp, err := r.client.Get("https://" + r.host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
			err = fmt.Errorf("GET /v2/ without credentials: %s, want 401", resp.Status)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r *registry) stop() {
	if r == nil || r.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	}
}

func (r *registry) logTail(n int) string {
	b, _ := os.ReadFile(r.logFile)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// manifestDigest asks the registry directly, with the harness's credentials,
// for repo:ref. It returns "" and no error if the registry does not have it.
func (r *registry) manifestDigest(repo, ref string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, "https://"+r.host+"/v2/"+repo+"/manifests/"+ref, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.manifest.v1+json",
		"application/vnd.oci.image.index.v1+json",
		"application/vnd.docker.distribution.manifest.v2+json",
		"application/vnd.docker.distribution.manifest.list.v2+json",
	}, ", "))
	if err := r.authorize(req, "repository:"+repo+":pull"); err != nil {
		return "", err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return resp.Header.Get("Docker-Content-Digest"), nil
	case http.StatusNotFound:
		return "", nil
	default:
		return "", fmt.Errorf("HEAD manifest %s:%s: %s", repo, ref, resp.Status)
	}
}

func basicAuthorizer(user, pass string) func(*http.Request, string) error {
	return func(req *http.Request, _ string) error {
		req.SetBasicAuth(user, pass)
		return nil
	}
}

// tokenAuthorizer fetches a token from the token service the way a client
// would (GET with Basic credentials) and sets it as the Bearer.
func tokenAuthorizer(ts *tokenServer, client *http.Client, user, pass string) func(*http.Request, string) error {
	return func(req *http.Request, scope string) error {
		treq, err := http.NewRequestWithContext(req.Context(), http.MethodGet,
			ts.realm()+"?service="+ts.service+"&scope="+scope, nil)
		if err != nil {
			return err
		}
		treq.SetBasicAuth(user, pass)
		resp, err := client.Do(treq)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("token service: %s: %s", resp.Status, buf.String())
		}
		var tok struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal(buf.Bytes(), &tok); err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		return nil
	}
}
