package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/remoteyaml/remoteyaml/setup"
	"go.yaml.in/yaml/v4"
)

// These tests drive the built binary, as clients do.
var helperBin string

func TestMain(m *testing.M) {
	if v := os.Getenv("FAKE_APPTAINER"); v != "" {
		a := strings.Split(v, "\n")
		if err := fakeApptainer(a[0], a[1], a[2], a[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	tmp, err := os.MkdirTemp("", "helper-test-")
	if err != nil {
		panic(err)
	}
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "DOCKER_CONFIG"} {
		os.Setenv(v, tmp)
	}
	for _, v := range []string{"APPTAINER_CONFIGDIR", "SINGULARITY_CONFIGDIR", "REMOTEYAML_FILE"} {
		os.Unsetenv(v)
	}
	helperBin = filepath.Join(tmp, "docker-credential-remoteyaml")
	build := exec.Command("go", "build", "-o", helperBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// env points the helper at a fresh config dir and returns remote.yaml's path.
func env(t *testing.T) (client.ProgramFunc, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("APPTAINER_CONFIGDIR", dir)
	t.Setenv("HOME", dir)
	t.Setenv("REMOTEYAML_SECRETS", secretsMode())
	return scannedProgram(t), filepath.Join(dir, "remote.yaml")
}

// secretsMode is the backend the suite runs against: make keyring runs it
// again with REMOTEYAML_TEST_SECRETS=keyring inside a real Secret Service.
func secretsMode() string {
	if os.Getenv("REMOTEYAML_TEST_SECRETS") == "keyring" {
		return "keyring"
	}
	return "file"
}

// storedAuth returns the Authorization value kept for uri: the entry's Auth
// in file mode; in keyring mode it checks the entry has none and asks
// secret-tool for the keyring item.
func storedAuth(t *testing.T, path, uri string) string {
	t.Helper()
	for _, c := range readCreds(t, path) {
		if c["URI"] != uri {
			continue
		}
		auth, _ := c["Auth"].(string)
		if secretsMode() == "file" {
			return auth
		}
		if auth != "" {
			t.Errorf("keyring mode left Auth %q in remote.yaml", auth)
		}
		out, err := exec.Command("secret-tool", "lookup", "service", "remoteyaml", "username", uri).Output()
		if err != nil {
			t.Fatalf("secret-tool lookup %s: %v", uri, err)
		}
		return string(out)
	}
	t.Fatalf("no entry %s in %s", uri, path)
	return ""
}

func readCreds(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Credentials []map[string]any `yaml:"Credentials"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.Credentials
}

func TestConformance_RoundTrip(t *testing.T) {
	p, path := env(t)
	c := &credentials.Credentials{ServerURL: "registry.example.com:5000", Username: "alice", Secret: "pa55 word:x"}
	if err := client.Store(p, c); err != nil {
		t.Fatal(err)
	}
	got, err := client.Get(p, "registry.example.com:5000")
	if err != nil || got.Username != "alice" || got.Secret != "pa55 word:x" || got.ServerURL != "registry.example.com:5000" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	creds := readCreds(t, path)
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:pa55 word:x"))
	if len(creds) != 1 || creds[0]["URI"] != "docker://registry.example.com:5000" || creds[0]["Insecure"] != false {
		t.Errorf("remote.yaml Credentials = %v", creds)
	}
	if got := storedAuth(t, path, "docker://registry.example.com:5000"); got != wantAuth {
		t.Errorf("stored Auth %q, want %q", got, wantAuth)
	}
	list, err := client.List(p)
	if err != nil || len(list) != 1 || list["registry.example.com:5000"] != "alice" {
		t.Errorf("list = %v, %v", list, err)
	}
	if err := client.Erase(p, "registry.example.com:5000"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get(p, "registry.example.com:5000"); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("get after erase: %v, want not found", err)
	}
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("erase of the only login left %q, want the empty file it started as", data)
	}
}

func TestConformance_NotFoundIsExact(t *testing.T) {
	p, _ := env(t)
	for _, key := range []string{"nothing.example.com", "nothing.example.com/ns/img"} {
		_, err := client.Get(p, key)
		if !credentials.IsErrCredentialsNotFound(err) {
			t.Errorf("%s: %v", key, err)
		}
	}
	out, code := run(t, "get", "nothing.example.com")
	if code != 1 || out != "credentials not found in native keychain\n" {
		t.Errorf("raw get: %q exit %d", out, code)
	}
	// client.Erase wraps the reply; the text is what clients compare.
	if err := client.Erase(p, "nothing.example.com"); err == nil || !strings.Contains(err.Error(), "credentials not found in native keychain") {
		t.Errorf("erase of nothing: %v", err)
	}
}

func TestConformance_MissingFields(t *testing.T) {
	p, _ := env(t)
	err := client.Store(p, &credentials.Credentials{Username: "u", Secret: "s"})
	if err == nil || !strings.Contains(err.Error(), "no credentials server URL") {
		t.Errorf("missing server URL: %v", err)
	}
	err = client.Store(p, &credentials.Credentials{ServerURL: "r.example.com", Secret: "s"})
	if err == nil || !strings.Contains(err.Error(), "no credentials username") {
		t.Errorf("missing username: %v", err)
	}
	if out, code := run(t, "get", ""); code != 1 || out != "no credentials server URL\n" {
		t.Errorf("get with empty stdin: %q exit %d", out, code)
	}
}

func TestConformance_IdentityToken(t *testing.T) {
	p, path := env(t)
	if err := client.Store(p, &credentials.Credentials{ServerURL: "https://r.example.com", Username: "<token>", Secret: "tok.en-1"}); err != nil {
		t.Fatal(err)
	}
	if got := storedAuth(t, path, "docker://r.example.com"); got != "Bearer tok.en-1" {
		t.Errorf("stored Auth %q", got)
	}
	got, err := client.Get(p, "r.example.com")
	if err != nil || got.Username != "<token>" || got.Secret != "tok.en-1" {
		t.Errorf("get = %+v, %v", got, err)
	}
}

func TestConformance_Version(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-v"} {
		out, code := run(t, arg, "")
		if code != 0 || !regexp.MustCompile(`^docker-credential-remoteyaml \(github\.com/remoteyaml/remoteyaml\) \S+\n$`).MatchString(out) {
			t.Errorf("%s: %q exit %d", arg, out, code)
		}
	}
	if out, code := run(t, "bogus", ""); code != 1 || out != "docker-credential-remoteyaml: unknown action: bogus\n" {
		t.Errorf("unknown action: %q exit %d", out, code)
	}
}

// run runs the binary with stdin and returns stdout and the exit status;
// stderr must stay empty.
func run(t *testing.T, action, stdin string) (string, int) {
	t.Helper()
	scanInput(t, action, []byte(stdin))
	cmd := exec.Command(helperBin, action)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	scanOutput(t, action, out.String(), errb.String(), err == nil)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if errb.Len() != 0 {
		t.Errorf("stderr: %q", errb.String())
	}
	return out.String(), code
}

func TestConformance_BadInput(t *testing.T) {
	const secret = "TOPSECRET-8f3a"
	big := strings.Repeat("a", 1<<16) // over protocol.MaxInput, 64 KiB less one byte
	for _, tc := range []struct {
		name, action, stdin, file string
	}{
		{"invalid JSON", "store", `{"ServerURL": "r.example.com", "Username": "u", "Secret": "` + secret, ""},
		{"empty stdin", "store", "", ""},
		{"stdin over 64 KiB", "get", big, ""},
		{"store over 64 KiB", "store", `{"ServerURL":"r.example.com","Username":"u","Secret":"` + secret + big + `"}`, ""},
		{"spaces", "get", "reg istry.example.com", ""},
		{"NUL byte", "get", "registry.example.com\x00", ""},
		{"userinfo", "get", "https://u:" + secret + "@registry.example.com", ""},
		{"userinfo in store", "store", `{"ServerURL":"https://u:` + secret + `@r.example.com","Username":"u","Secret":"` + secret + `"}`, ""},
		{"broken remote.yaml get", "get", "r.example.com", "Active: [\n"},
		{"broken remote.yaml store", "store", `{"ServerURL":"r.example.com","Username":"u","Secret":"` + secret + `"}`, "Credentials:\n    - URI: docker://r.example.com\n      Auth: Basic eDp5\n      Bogus: 1\n"},
		{"broken remote.yaml erase", "erase", "r.example.com", "Credentials:\n    - URI: docker://r.example.com\n      Auth: Basic eDp5\n      Bogus: 1\n"},
		{"broken remote.yaml list", "list", "", "Active: [\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, path := env(t)
			if tc.file != "" {
				os.WriteFile(path, []byte(tc.file), 0o600)
			}
			before, _ := os.ReadFile(path)
			out, code := run(t, tc.action, tc.stdin)
			if code != 1 || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") || len(out) > 400 {
				t.Errorf("want one line and exit 1, got %q exit %d", out, code)
			}
			if strings.Contains(out, secret) {
				t.Errorf("the secret leaked into the error: %q", out)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Errorf("remote.yaml changed: %q -> %q", before, after)
			}
		})
	}
}

// TestConformance_ApptainerRewrite: Apptainer's registry login opens
// remote.yaml, calls the helper's store, then truncates and rewrites the
// file from what it read. The helper's entry survives.
func TestConformance_ApptainerRewrite(t *testing.T) {
	p, path := env(t)
	orig := "Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\n"
	os.WriteFile(path, []byte(orig), 0o600)
	app, err := os.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	read := make([]byte, 4096)
	n, _ := app.Read(read)
	if err := client.Store(p, &credentials.Credentials{ServerURL: "127.0.0.1:5000", Username: "u", Secret: "p4ss"}); err != nil {
		t.Fatal(err)
	}
	app.Truncate(0)
	app.Seek(0, 0)
	app.Write(append(read[:n:n], "Credentials:\n    - URI: docker://127.0.0.1:5000\n      Insecure: false\n"...))
	app.Sync()
	got, err := client.Get(p, "127.0.0.1:5000")
	if err != nil || got.Secret != "p4ss" {
		t.Fatalf("after Apptainer's rewrite: %+v, %v", got, err)
	}
}

// TestConformance_FromDockerConfig: entries Apptainer wrote without Auth are
// served from the docker config it put the secret in.
func TestConformance_FromDockerConfig(t *testing.T) {
	fixture := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("../../../shared/fixtures/remote-yaml", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, tc := range []struct{ name, configRel string }{
		{"docker-config.json", "docker-config.json"},
		{"~/.docker/config.json", "home/.docker/config.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HOME", filepath.Join(dir, "home"))
			t.Setenv("APPTAINER_CONFIGDIR", "")
			cfgDir := filepath.Join(dir, "home", ".apptainer")
			os.MkdirAll(cfgDir, 0o700)
			if tc.configRel == "docker-config.json" {
				os.WriteFile(filepath.Join(cfgDir, tc.configRel), fixture("apptainer-1.5.3-registry-login.docker-config.json"), 0o600)
			} else {
				os.MkdirAll(filepath.Join(dir, "home", ".docker"), 0o700)
				os.WriteFile(filepath.Join(dir, tc.configRel), fixture("apptainer-1.5.3-registry-login.docker-config.json"), 0o600)
			}
			yml := fixture("apptainer-1.5.3-registry-login.yaml")
			os.WriteFile(filepath.Join(cfgDir, "remote.yaml"), yml, 0o600)
			p := scannedProgram(t)
			got, err := client.Get(p, "127.0.0.1:5000")
			if err != nil || got.Username != "u" || got.Secret != "p4ss" {
				t.Fatalf("get = %+v, %v", got, err)
			}
			if list, err := client.List(p); err != nil || list["127.0.0.1:5000"] != "u" {
				t.Errorf("list = %v, %v", list, err)
			}
			if after, _ := os.ReadFile(filepath.Join(cfgDir, "remote.yaml")); !bytes.Equal(after, yml) {
				t.Error("a get changed remote.yaml")
			}
		})
	}
}

// TestConformance_OneLoginEveryKey: a login stored under one client's
// spelling is found under every other client's spelling of that registry.
func TestConformance_OneLoginEveryKey(t *testing.T) {
	p, path := env(t)
	if err := client.Store(p, &credentials.Credentials{ServerURL: "https://index.docker.io/v1/", Username: "hubuser", Secret: "hubpass"}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/",
		"index.docker.io/library/alpine", "https://registry-1.docker.io"} {
		got, err := client.Get(p, key)
		if err != nil || got.Username != "hubuser" || got.Secret != "hubpass" {
			t.Errorf("%s: %+v, %v", key, got, err)
		}
	}
	// Docker CLI ≥27.2's OAuth keys never overwrite the main login.
	for _, k := range []string{"https://index.docker.io/v1/access-token", "https://index.docker.io/v1/refresh-token"} {
		if err := client.Store(p, &credentials.Credentials{ServerURL: k, Username: "hubuser", Secret: "jwt-" + strings.TrimPrefix(k, "https://index.docker.io/v1/")}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := client.Get(p, "docker.io"); got == nil || got.Secret != "hubpass" {
		t.Errorf("main Hub login after OAuth stores: %+v", got)
	}
	if got, _ := client.Get(p, "https://index.docker.io/v1/refresh-token"); got == nil || got.Secret != "jwt-refresh-token" {
		t.Errorf("refresh token: %+v", got)
	}
	if got, _ := client.Get(p, "https://index.docker.io/v1/access-token"); got == nil || got.Secret != "jwt-access-token" {
		t.Errorf("access token: %+v", got)
	}
	if list, _ := client.List(p); len(list) != 1 || list["docker.io"] != "hubuser" {
		t.Errorf("list = %v, want only docker.io", list)
	}
	if c := readCreds(t, path); len(c) != 3 || c[0]["URI"] != "docker://docker.io" {
		t.Errorf("entries %v", c)
	}
}

// TestConformance_ListHidesWhatClientsMustNotSee: keyserver logins, library
// tokens and secrets never reach list.
func TestConformance_ListHidesWhatClientsMustNotSee(t *testing.T) {
	p, path := env(t)
	data, err := os.ReadFile("../../../shared/fixtures/remote-yaml/apptainer-1.5.3-keyserver.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data, 0o600)
	client.Store(p, &credentials.Credentials{ServerURL: "r.example.com", Username: "u", Secret: "SECRET-LIST"})
	out, code := run(t, "list", "")
	var m map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || len(m) != 1 || m["r.example.com"] != "u" {
		t.Errorf("list = %q exit %d", out, code)
	}
	if strings.Contains(out, "SECRET") || strings.Contains(out, "8092") {
		t.Errorf("list shows a secret or a keyserver login: %q", out)
	}
	if _, err := client.Get(p, "127.0.0.1:8092"); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("keyserver login served to a container client: %v", err)
	}
}

// TestKeyring_NoDBus: keyring mode with no D-Bus session is the documented
// error, exit 1, and the file untouched; never a plain-text fallback.
func TestKeyring_NoDBus(t *testing.T) {
	_, path := env(t)
	t.Setenv("REMOTEYAML_SECRETS", "keyring")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	os.WriteFile(path, []byte("Active: x\n"), 0o600)
	out, code := run(t, "store", `{"ServerURL":"r.example.com","Username":"u","Secret":"NOPLAINTEXT"}`)
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "no OS keyring (Secret Service) answers on the D-Bus session bus") {
		t.Errorf("got %q exit %d", out, code)
	}
	if data, _ := os.ReadFile(path); string(data) != "Active: x\n" {
		t.Errorf("file changed: %q", data)
	}
}

// TestKeyring_Locked locks a real keyring in a private session of its own
// and stores: the documented error, exit 1, the file untouched.
func TestKeyring_Locked(t *testing.T) {
	needKeyringTools(t)
	_, path := env(t)
	os.WriteFile(path, []byte("Active: x\n"), 0o600)
	runLockedKeyring(t, path, lockKeyring+`
	echo '{"ServerURL":"r.example.com","Username":"u","Secret":"NOPLAINTEXT"}' | REMOTEYAML_SECRETS=keyring "$1" store
	echo "exit=$?"`)
	if data, _ := os.ReadFile(path); string(data) != "Active: x\n" {
		t.Errorf("file changed: %q", data)
	}
}

// TestConformance_ApptainerLoginSurvivesSetupAndErase: a login Apptainer
// made (remote.yaml entry without Auth, the secret in a docker config file)
// is served from each file Apptainer puts secrets in, still after `setup
// --apptainer` creates docker-config.json, and erase removes the secret
// from that file, as Apptainer's registry logout does, changing only its key.
func TestConformance_ApptainerLoginSurvivesSetupAndErase(t *testing.T) {
	fixture := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("../../../shared/fixtures/remote-yaml", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, tc := range []struct {
		name, program, userDir string
		configdir              bool   // APPTAINER_CONFIGDIR set to the user dir
		secretRel              string // where the secret is, relative to HOME
	}{
		{"apptainer docker-config.json", "apptainer-1.5.3", ".apptainer", false, ".apptainer/docker-config.json"},
		{"apptainer $APPTAINER_CONFIGDIR/config.json", "apptainer-1.5.3", ".apptainer", true, ".apptainer/config.json"},
		{"apptainer ~/.docker/config.json", "apptainer-1.5.3", ".apptainer", false, ".docker/config.json"},
		{"singularityce docker-config.json", "singularity-4.5.0", ".singularity", false, ".singularity/docker-config.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("DOCKER_CONFIG", filepath.Join(home, "elsewhere")) // Apptainer ignores it
			t.Setenv("REMOTEYAML_SECRETS", secretsMode())
			cfgDir := filepath.Join(home, tc.userDir)
			t.Setenv("APPTAINER_CONFIGDIR", "")
			if tc.configdir {
				t.Setenv("APPTAINER_CONFIGDIR", cfgDir)
			}
			for _, d := range []string{cfgDir, filepath.Dir(filepath.Join(home, tc.secretRel))} {
				if err := os.MkdirAll(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			yml := fixture(tc.program + "-registry-login.yaml")
			secretFile := filepath.Join(home, tc.secretRel)
			os.WriteFile(filepath.Join(cfgDir, "remote.yaml"), yml, 0o600)
			os.WriteFile(secretFile, fixture(tc.program+"-registry-login.docker-config.json"), 0o600)
			p := client.NewShellProgramFunc(helperBin)
			if got, err := client.Get(p, "127.0.0.1:5000"); err != nil || got.Username != "u" || got.Secret != "p4ss" {
				t.Fatalf("get before setup = %+v, %v", got, err)
			}

			changes, err := setup.Apply(setup.Env{Getenv: os.Getenv, LookPath: func(string) (string, error) { return "", errors.New("none") }}, []string{setup.Apptainer})
			if err != nil {
				t.Fatalf("setup --apptainer: %v", err)
			}
			t.Logf("setup: %v", changes)
			if got, err := client.Get(p, "127.0.0.1:5000"); err != nil || got.Username != "u" || got.Secret != "p4ss" {
				t.Fatalf("get after setup = %+v, %v: setup hid Apptainer's login", got, err)
			}

			if err := client.Erase(p, "127.0.0.1:5000"); err != nil {
				t.Fatalf("erase: %v", err)
			}
			if after, _ := os.ReadFile(filepath.Join(cfgDir, "remote.yaml")); bytes.Contains(after, []byte("127.0.0.1:5000")) {
				t.Errorf("the entry is still in remote.yaml:\n%s", after)
			}
			got, _ := os.ReadFile(secretFile)
			want := "{\n\t\"auths\": {}\n}"
			if filepath.Base(secretFile) == "docker-config.json" {
				want = "{\n\t\"credsStore\": \"remoteyaml\",\n\t\"auths\": {}\n}" // setup's key, then the rest as it was
			}
			if string(got) != want {
				t.Errorf("%s after erase =\n%s\nwant\n%s", secretFile, got, want)
			}
			if _, err := client.Get(p, "127.0.0.1:5000"); !credentials.IsErrCredentialsNotFound(err) {
				t.Errorf("get after erase: %v, want not found", err)
			}
		})
	}
}

// TestConformance_UnknownKeysStillServed: a key Apptainer does not know (a
// typo, or one a newer Apptainer writes) must not fail every pull: get and
// list serve the logins; store and erase refuse with the key and line and
// leave the file as it was.
func TestConformance_UnknownKeysStillServed(t *testing.T) {
	p, path := env(t)
	content := "Active: x\nNewerKey: 1\nCredentials:\n    - URI: docker://r.example.com\n      Auth: Basic dTpwNHNz\n      Insecure: false\n      Expires: 2030-01-01\n"
	os.WriteFile(path, []byte(content), 0o600)
	got, err := client.Get(p, "r.example.com")
	if err != nil || got.Username != "u" || got.Secret != "p4ss" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if l, err := client.List(p); err != nil || l["r.example.com"] != "u" {
		t.Errorf("list = %v, %v", l, err)
	}
	out, code := run(t, "store", `{"ServerURL":"s.example.com","Username":"u","Secret":"x"}`)
	if code != 1 || !strings.Contains(out, `unknown key "NewerKey"`) || !strings.Contains(out, "line 2") {
		t.Errorf("store: %q exit %d, want the unknown key and its line", out, code)
	}
	if after, _ := os.ReadFile(path); string(after) != content {
		t.Errorf("remote.yaml changed to %q", after)
	}
}

// needKeyringTools skips, with the reason, where a private Secret Service
// cannot be started.
func needKeyringTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon", "gdbus", "secret-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (integration/install-deps.sh installs it)", tool)
		}
	}
}

// lockKeyring is the shell line that locks the private session's keyring.
const lockKeyring = `gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
		--method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null`

// runLockedKeyring runs script in a private Secret Service session
// (integration/with-keyring.sh) with $1 the helper and $2 remote.yaml;
// the script ends with one helper action after lockKeyring and echoes
// "exit=$?", which must be the documented locked-keyring error, exit 1.
func runLockedKeyring(t *testing.T, path, script string) {
	t.Helper()
	cmd := exec.Command("../../integration/with-keyring.sh", "bash", "-c", script, "locked", helperBin, path)
	cmd.Env = append(os.Environ(), "APPTAINER_CONFIGDIR="+filepath.Dir(path))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[1] != "exit=1" || !strings.Contains(lines[0], "the OS keyring is locked") {
		t.Errorf("got %q", out)
	}
}
