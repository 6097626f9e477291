package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// helperName is the binary under test; clients find it as docker-credential-<suffix>.
const (
	helperName   = "docker-credential-remoteyaml"
	helperSuffix = "remoteyaml"
	testUser     = "alice"
)

// Shared by all tests; set up once in TestMain and torn down after m.Run.
var (
	repoRoot     string
	helperDir    string // holds only the helper binary; first on the clients' PATH
	goBinDir     string // where install-deps.sh puts crane, oras and regctl
	testPassword string // random per run
	thePKI       *pki
	basicReg     *registry // htpasswd Basic auth
	tokenReg     *registry // Bearer token auth
	tokens       *tokenServer
	theImage     *testImage
	registryErr  error // why the registries could not start (tests then skip or fail)
	registryBin  string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "remoteyaml-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	if err := locateRepo(); err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	helperDir = filepath.Join(tmp, "helper-bin")
	if err := buildHelper(helperDir); err != nil {
		fmt.Fprintln(os.Stderr, "integration: cannot build the helper under test:", err)
		return 1
	}
	goBinDir = goBin()

	// Then (after the build, which needs the real Go caches) the test process
	// itself gets a throwaway home, so nothing it or a library it calls does
	// can reach the real user's files.
	home := filepath.Join(tmp, "home")
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"XDG_DATA_HOME":       filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME":      filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR":     filepath.Join(tmp, "run"),
		"DOCKER_CONFIG":       filepath.Join(home, ".docker"),
		"APPTAINER_CONFIGDIR": filepath.Join(home, ".apptainer"),
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"REGISTRY_AUTH_FILE", "DOCKER_AUTH_CONFIG", "SINGULARITY_CONFIGDIR", "DOCKER_HOST"} {
		os.Unsetenv(k)
	}

	thePKI, err = newPKI(mkdir(tmp, "pki"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: pki:", err)
		return 1
	}
	testPassword = "pw-" + randomHex(12)
	theImage, err = makeTestImage(mkdir(tmp, "image"), randomHex(4))
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: test image:", err)
		return 1
	}

	tokens = startTokenServer(thePKI, "remoteyaml-integration-registry", map[string]string{testUser: testPassword})
	defer tokens.close()

	registryBin, registryErr = exec.LookPath("docker-registry")
	if registryErr == nil {
		basicReg, tokenReg, registryErr = startRegistries(tmp)
		defer basicReg.stop()
		defer tokenReg.stop()
	}
	if registryErr != nil {
		fmt.Fprintln(os.Stderr, "integration: registries:", registryErr)
	} else {
		fmt.Printf("integration: Basic-auth registry %s, token-auth registry %s (token service %s), helper %s\n",
			basicReg.host, tokenReg.host, tokens.realm(), filepath.Join(helperDir, helperName))
	}
	printVersions()
	return m.Run()
}

// printVersions lists every tool the tests use, or says it is missing.
func printVersions() {
	tools := []struct {
		name string
		args []string
	}{
		{"docker-registry", []string{"--version"}},
		{"crane", versionArgs["crane"]},
		{"oras", versionArgs["oras"]},
		{"regctl", versionArgs["regctl"]},
		{"skopeo", versionArgs["skopeo"]},
		{"podman", versionArgs["podman"]},
		{"docker", versionArgs["docker"]},
		{helperName, []string{"version"}},
	}
	for _, tool := range tools {
		bin, err := exec.LookPath(tool.name)
		if tool.name == helperName {
			bin, err = filepath.Join(helperDir, helperName), nil
		} else if err != nil && goBinDir != "" && isExecutable(filepath.Join(goBinDir, tool.name)) {
			bin, err = filepath.Join(goBinDir, tool.name), nil
		}
		if err != nil {
			fmt.Printf("integration: %-30s NOT INSTALLED (its tests skip)\n", tool.name)
			continue
		}
		out, _ := exec.Command(bin, tool.args...).CombinedOutput()
		fmt.Printf("integration: %-30s %s\n", tool.name, firstLines(string(out), 1))
	}
}

func startRegistries(tmp string) (*registry, *registry, error) {
	htpasswd, err := writeHtpasswd(filepath.Join(tmp, "htpasswd"), testUser, testPassword)
	if err != nil {
		return nil, nil, err
	}
	basic, err := startRegistry(registryBin, "basic", "127.0.0.1", mkdir(tmp, "registry-basic"), thePKI, registryAuth{htpasswd: htpasswd})
	if err != nil {
		return nil, nil, err
	}
	basic.authorize = basicAuthorizer(testUser, testPassword)
	// The token registry is named localhost, like its token service: oras-go
	// v2.7.0 (oras 1.3.6) refuses a realm that resolves to loopback unless it
	// has the registry's own host name, and go-containerregistry v0.22.1
	// refuses a loopback IP literal as realm unless it is the registry's
	// host:port.
	tok, err := startRegistry(registryBin, "token", "localhost", mkdir(tmp, "registry-token"), thePKI, registryAuth{token: tokens})
	if err != nil {
		basic.stop()
		return nil, nil, err
	}
	tok.authorize = tokenAuthorizer(tokens, tok.client, testUser, testPassword)
	return basic, tok, nil
}

// writeHtpasswd makes a bcrypt htpasswd file with Apache's htpasswd (the
// password goes on stdin, not the command line).
func writeHtpasswd(path, user, pass string) (string, error) {
	bin, err := exec.LookPath("htpasswd")
	if err != nil {
		return "", fmt.Errorf("htpasswd (apache2-utils) not installed: %w", err)
	}
	cmd := exec.Command(bin, "-B", "-i", "-n", user)
	cmd.Stdin = strings.NewReader(pass)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("htpasswd: %w", err)
	}
	return path, os.WriteFile(path, out, 0o600)
}

func locateRepo() error {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return fmt.Errorf("cannot find the test's source file")
	}
	repoRoot = filepath.Dir(filepath.Dir(file))
	if _, err := os.Stat(filepath.Join(repoRoot, "go.mod")); err != nil {
		return fmt.Errorf("no go.mod above %s: %w", file, err)
	}
	return nil
}

// buildHelper builds ./cmd/docker-credential-remoteyaml into dir. Setting
// REMOTEYAML_TEST_HELPER to a prebuilt binary (e.g. bin/ from `make build`)
// tests that binary instead.
func buildHelper(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	out := filepath.Join(dir, helperName)
	if pre := os.Getenv("REMOTEYAML_TEST_HELPER"); pre != "" {
		b, err := os.ReadFile(pre)
		if err != nil {
			return err
		}
		fmt.Println("integration: testing prebuilt helper", pre)
		return os.WriteFile(out, b, 0o755)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goTool, "build", "-o", out, "./cmd/"+helperName)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/%s: %w\n%s", helperName, err, b)
	}
	return nil
}

// goBin is where `go install` puts binaries: GOBIN, else GOPATH/bin.
func goBin() string {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	out, err := exec.Command(goTool, "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return ""
	}
	// One line each, GOBIN first; GOBIN's line is empty when it is unset, so
	// the output must not be trimmed before it is split.
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 2 {
		return ""
	}
	if gobin := strings.TrimSpace(lines[0]); gobin != "" {
		return gobin
	}
	first := strings.Split(strings.TrimSpace(lines[1]), string(os.PathListSeparator))[0]
	if first == "" {
		return ""
	}
	return filepath.Join(first, "bin")
}

func mkdir(parts ...string) string {
	p := filepath.Join(parts...)
	if err := os.MkdirAll(p, 0o700); err != nil {
		panic(err)
	}
	return p
}
