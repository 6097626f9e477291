package integration

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/internal/secretscan"
	"go.yaml.in/yaml/v4"
)

// clientEnv is one user's world for one test: a temp HOME with the XDG dirs,
// DOCKER_CONFIG, APPTAINER_CONFIGDIR and the containers config under it, and
// each client configured to use the helper the way clients.md says its users
// do it. Commands run with only this environment (nothing is inherited but
// PATH), so no test touches the real home or /etc.
type clientEnv struct {
	root         string
	home         string
	dockerConfig string // $DOCKER_CONFIG
	apptainer    string // $APPTAINER_CONFIGDIR
	runtimeDir   string // $XDG_RUNTIME_DIR
	configHome   string // $XDG_CONFIG_HOME
	containers   string // containers.conf, storage.conf, registries.conf
	storage      string // podman's vfs storage, outside HOME
	env          map[string]string
	// scan holds what remote-login printed here, for the secret scan.
	scan secretscan.Scan
}

// containersHelpers says how podman and skopeo are pointed at the helper.
type containersHelpers int

const (
	// registries.conf.d drop-in: credential-helpers = ["remoteyaml", "containers-auth.json"].
	viaRegistriesConf containersHelpers = iota
	// auth.json: "credHelpers": {"<host>": "remoteyaml"} for each test registry.
	viaAuthJSONCredHelpers
	// `remote-login setup --podman` writes the drop-in, with XDG_CONFIG_HOME
	// away from ~/.config: containers/image reads drop-ins from
	// ~/.config/containers/registries.conf.d whatever it says.
	viaSetupXDGElsewhere
)

func newClientEnv(t *testing.T, how containersHelpers) *clientEnv {
	t.Helper()
	root := t.TempDir()
	e := &clientEnv{root: root, home: filepath.Join(root, "home"), storage: filepath.Join(root, "storage")}
	e.dockerConfig = filepath.Join(e.home, ".docker")
	e.apptainer = filepath.Join(e.home, ".apptainer")
	e.runtimeDir = filepath.Join(root, "run")
	e.configHome = filepath.Join(e.home, ".config")
	if how == viaSetupXDGElsewhere {
		e.configHome = filepath.Join(e.home, "xdg")
	}
	e.containers = filepath.Join(root, "containers-conf")
	for _, d := range []string{e.dockerConfig, e.apptainer, e.runtimeDir, e.configHome, e.containers, e.storage,
		filepath.Join(root, "tmp")} {
		mkdir(d)
	}
	e.env = map[string]string{
		"PATH":            helperDir + string(os.PathListSeparator) + os.Getenv("PATH") + string(os.PathListSeparator) + goBinDir,
		"HOME":            e.home,
		"USER":            "root",
		"LANG":            "C.UTF-8",
		"TMPDIR":          filepath.Join(root, "tmp"),
		"XDG_CONFIG_HOME": e.configHome,
		"XDG_DATA_HOME":   filepath.Join(e.home, ".local", "share"),
		"XDG_CACHE_HOME":  filepath.Join(e.home, ".cache"),
		"XDG_RUNTIME_DIR": e.runtimeDir,
		"DOCKER_CONFIG":   e.dockerConfig,
		// No daemon can run here: the docker CLI must log in client-side.
		"DOCKER_HOST":         "unix://" + filepath.Join(root, "no-docker-daemon.sock"),
		"APPTAINER_CONFIGDIR": e.apptainer,
		// No system remotes: never the machine's /etc/apptainer.
		"REMOTEYAML_SYSTEM_FILE":     filepath.Join(root, "no-system-remote.yaml"),
		"CONTAINERS_CONF":            filepath.Join(e.containers, "containers.conf"),
		"CONTAINERS_STORAGE_CONF":    filepath.Join(e.containers, "storage.conf"),
		"CONTAINERS_REGISTRIES_CONF": filepath.Join(e.containers, "registries.conf"),
	}

	// Docker CLI, crane, oras and regctl: credsStore in $DOCKER_CONFIG/config.json.
	e.writeFile(t, filepath.Join(e.dockerConfig, "config.json"), `{"credsStore": "`+helperSuffix+`"}`+"\n")

	// podman and skopeo.
	switch how {
	case viaRegistriesConf:
		e.writeFile(t, e.dropInPath(),
			`credential-helpers = ["`+helperSuffix+`", "containers-auth.json"]`+"\n")
	case viaAuthJSONCredHelpers:
		// podman (containers/common) makes $DOCKER_CONFIG/config.json its
		// login auth file whenever DOCKER_CONFIG is set, so this user leaves
		// it unset: Docker's clients find ~/.docker/config.json by default,
		// and podman uses $XDG_RUNTIME_DIR/containers/auth.json.
		delete(e.env, "DOCKER_CONFIG")
		var hosts []string
		for _, r := range []*registry{basicReg, tokenReg} {
			if r != nil {
				hosts = append(hosts, fmt.Sprintf("%q: %q", r.host, helperSuffix))
			}
		}
		e.writeFile(t, filepath.Join(e.runtimeDir, "containers", "auth.json"),
			`{"auths": {}, "credHelpers": {`+strings.Join(hosts, ", ")+"}}\n")
	case viaSetupXDGElsewhere:
		defer func() {
			if r := e.remoteLogin(t, "", "setup", "--podman"); r.code != 0 || !strings.Contains(r.stdout, e.dropInPath()) {
				t.Fatalf("setup --podman did not write %s:\n%s", e.dropInPath(), r)
			}
		}()
	}
	e.writeFile(t, e.env["CONTAINERS_REGISTRIES_CONF"], "unqualified-search-registries = []\n")
	e.writeFile(t, e.env["CONTAINERS_STORAGE_CONF"], fmt.Sprintf(
		"[storage]\ndriver = \"vfs\"\ngraphroot = %q\nrunroot = %q\n",
		filepath.Join(e.storage, "graph"), filepath.Join(e.storage, "run")))
	e.writeFile(t, e.env["CONTAINERS_CONF"], fmt.Sprintf(`[containers]
netns = "host"
[network]
network_config_dir = %q
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = %q
tmp_dir = %q
runtime = "crun"
`, filepath.Join(e.storage, "networks"), filepath.Join(e.storage, "events.log"), filepath.Join(e.storage, "tmp")))

	// podman and skopeo trust the CA through the per-user certs.d
	// (containers-certs.d(5)); the Go clients through SSL_CERT_FILE (see run).
	ca, err := os.ReadFile(thePKI.caFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*registry{basicReg, tokenReg} {
		if r != nil {
			e.writeFile(t, filepath.Join(e.home, ".config", "containers", "certs.d", r.host, "ca.crt"), string(ca))
		}
	}
	return e
}

// dropInPath is where containers/image reads the user's registries.conf
// drop-ins: under $HOME/.config, not $XDG_CONFIG_HOME.
func (e *clientEnv) dropInPath() string {
	return filepath.Join(e.home, ".config", "containers", "registries.conf.d", "50-remoteyaml.conf")
}

func (e *clientEnv) writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

type runOpts struct {
	stdin    string
	dir      string
	noHelper bool // drop the helper's directory from PATH
}

type result struct {
	cmdline        string
	stdout, stderr string
	err            error
}

func (r result) String() string {
	return fmt.Sprintf("$ %s\nerr: %v\nstdout:\n%s\nstderr:\n%s", r.cmdline, r.err, r.stdout, r.stderr)
}

// combined is stdout and stderr, for matching a client's message.
func (r result) combined() string { return r.stdout + "\n" + r.stderr }

// run executes a client. Go clients that take the system roots (crane, oras,
// regctl, docker) get the test CA as SSL_CERT_FILE; podman and skopeo do not,
// so they have to use their certs.d.
func (e *clientEnv) run(t *testing.T, o runOpts, name string, args ...string) result {
	t.Helper()
	bin := lookTool(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	env := map[string]string{}
	for k, v := range e.env {
		env[k] = v
	}
	if name != "podman" && name != "skopeo" {
		env["SSL_CERT_FILE"] = thePKI.caFile
	}
	if o.noHelper {
		env["PATH"] = os.Getenv("PATH") + string(os.PathListSeparator) + goBinDir
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = o.dir
	if cmd.Dir == "" {
		cmd.Dir = e.root
	}
	cmd.Stdin = strings.NewReader(o.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out: %w", ctx.Err())
	}
	r := result{cmdline: name + " " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String(), err: err}
	t.Logf("$ %s -> %v (%.2fs)", r.cmdline, errOrOK(err), took.Seconds())
	return r
}

func errOrOK(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func (e *clientEnv) mustRun(t *testing.T, o runOpts, name string, args ...string) result {
	t.Helper()
	r := e.run(t, o, name, args...)
	if r.err != nil {
		t.Fatalf("%s failed:\n%s", name, r)
	}
	return r
}

func (e *clientEnv) mustFail(t *testing.T, o runOpts, name string, args ...string) result {
	t.Helper()
	r := e.run(t, o, name, args...)
	if r.err == nil {
		t.Fatalf("%s succeeded, want a failure:\n%s", name, r)
	}
	t.Logf("%s refused as expected: %s", name, firstLines(r.combined(), 3))
	return r
}

func firstLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, " | ")
}

// remoteCredential is one entry of remote.yaml's Credentials list, the fields
// Apptainer and SingularityCE define.
type remoteCredential struct {
	URI      string `yaml:"URI"`
	Auth     string `yaml:"Auth,omitempty"`
	Insecure bool   `yaml:"Insecure"`
}

type remoteYAML struct {
	Credentials []remoteCredential `yaml:"Credentials"`
}

func (e *clientEnv) remoteYAMLPath() string { return filepath.Join(e.apptainer, "remote.yaml") }

// credentials reads remote.yaml as a file; a missing file has no entries.
func (e *clientEnv) credentials(t *testing.T) []remoteCredential {
	t.Helper()
	b, err := os.ReadFile(e.remoteYAMLPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var c remoteYAML
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("remote.yaml does not parse: %v\n%s", err, b)
	}
	return c.Credentials
}

func basicAuthValue(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func (e *clientEnv) entries(t *testing.T, host string) []remoteCredential {
	var out []remoteCredential
	for _, c := range e.credentials(t) {
		if c.URI == "docker://"+host {
			out = append(out, c)
		}
	}
	return out
}

// assertLoggedIn checks remote.yaml holds exactly one entry for host with
// these credentials.
func (e *clientEnv) assertLoggedIn(t *testing.T, host, user, pass string) {
	t.Helper()
	got := e.entries(t, host)
	want := remoteCredential{URI: "docker://" + host, Auth: basicAuthValue(user, pass), Insecure: false}
	if len(got) != 1 || got[0] != want {
		b, _ := os.ReadFile(e.remoteYAMLPath())
		t.Fatalf("remote.yaml entries for %s = %+v, want exactly [{URI:%s Auth:Basic <%s:…> Insecure:false}]\nremote.yaml:\n%s",
			host, redact(got), want.URI, user, redactText(string(b)))
	}
	t.Logf("remote.yaml has Credentials entry URI: %s (Auth: Basic …, Insecure: false)", want.URI)
}

func (e *clientEnv) assertNoEntry(t *testing.T, host string) {
	t.Helper()
	if got := e.entries(t, host); len(got) != 0 {
		t.Fatalf("remote.yaml still has %d entries for docker://%s", len(got), host)
	}
}

func redact(cs []remoteCredential) []remoteCredential {
	out := make([]remoteCredential, len(cs))
	for i, c := range cs {
		if c.Auth != "" {
			c.Auth = c.Auth[:min(len(c.Auth), 8)] + "…"
		}
		out[i] = c
	}
	return out
}

func redactText(s string) string {
	s = strings.ReplaceAll(s, testPassword, "<password>")
	return strings.ReplaceAll(s, base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPassword)), "<base64>")
}

// assertSecretOnlyInRemoteYAML is the secret scan of issue 10 for this
// user's world: it fails if the password, raw or in base64 at any alignment
// (an auths entry holds base64 of user:password), is in any file but
// remote.yaml or in anything remote-login printed here: the clients must
// have used only the helper.
func (e *clientEnv) assertSecretOnlyInRemoteYAML(t *testing.T, user, pass string) {
	t.Helper()
	e.scan.Secret(pass)
	e.scan.Secret(user + ":" + pass)
	leaks, err := e.scan.Leaks(e.root)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leaks {
		t.Errorf("the secret is not only in remote.yaml: %s", l)
	}
	if len(leaks) == 0 {
		t.Logf("secret found in no other file and no remote-login output under %s", e.root)
	}
}

func uniqueRepo(t *testing.T) string {
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	return "it/" + name + "-" + randomHex(3)
}
