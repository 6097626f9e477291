package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/remoteyaml/remoteyaml/yamlstore"
	"go.yaml.in/yaml/v4"
)

// fakeApptainer is the test binary standing in for `apptainer registry
// login|logout docker://HOST` with {"credsStore": "remoteyaml"} in its
// docker-config.json, step by step as the real one writes
// (shared/docs/remote-yaml.md, "How the real CLIs write"): open remote.yaml
// O_RDWR, read and decode it, run the helper, then truncate the file it
// holds open and write back its own view (what it read, with its change),
// fsync. No lock. The password comes on stdin, as with --password-stdin.
// A login also leaves docker/cli's empty "auths" marker for the host in
// docker-config.json, and a logout runs the helper's get and erase only
// when that file has an "auths" key for the host; without one it warns and
// drops the entry itself (shared/docs/remote-yaml.md, "Seen in the second
// lab").
func fakeApptainer(action, path, helper, host string) error {
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer fh.Close()
	data, err := io.ReadAll(fh)
	if err != nil {
		return err
	}
	var cfg yamlstore.Config
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return fmt.Errorf("decoding what it read: %w", err)
	}
	runHelper := func(verb, stdin string) error {
		cmd := exec.Command(helper, verb)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil && verb != "get" {
			return fmt.Errorf("helper %s: %v: %s", verb, err, out)
		}
		return nil
	}
	uri := "docker://" + host
	kept := cfg.Credentials[:0]
	for _, c := range cfg.Credentials {
		if !yamlstore.SameURI(c.URI, uri) {
			kept = append(kept, c)
		}
	}
	cfg.Credentials = kept
	switch action {
	case "login":
		pass, _ := io.ReadAll(os.Stdin)
		creds, _ := json.Marshal(credentials.Credentials{ServerURL: host, Username: "u", Secret: strings.TrimSpace(string(pass))})
		if err := runHelper("store", string(creds)); err != nil {
			return err
		}
		if err := dockerConfigMarker(filepath.Join(filepath.Dir(path), "docker-config.json"), host, true); err != nil {
			return err
		}
		cfg.Credentials = append(cfg.Credentials, yamlstore.Credential{URI: uri})
	case "logout":
		dc := filepath.Join(filepath.Dir(path), "docker-config.json")
		var docker struct {
			Auths map[string]json.RawMessage `json:"auths"`
		}
		if data, err := os.ReadFile(dc); err == nil {
			json.Unmarshal(data, &docker)
		}
		if _, ok := docker.Auths[host]; !ok {
			fmt.Fprintf(os.Stderr, "WARNING: There is no existing login to registry %q.\n", host)
			break
		}
		if err := runHelper("get", host); err != nil {
			return err
		}
		if err := runHelper("erase", host); err != nil {
			return err
		}
		if err := dockerConfigMarker(dc, host, false); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(4)
	if err := enc.Encode(&cfg); err != nil {
		return err
	}
	if err := fh.Truncate(0); err != nil {
		return err
	}
	if _, err := fh.WriteAt(buf.Bytes(), 0); err != nil {
		return err
	}
	return fh.Sync()
}

// dockerConfigMarker adds (or removes) docker/cli's empty "auths" entry
// for host in the docker config at path, naming remoteyaml its credsStore,
// as docker/cli's configfile does: temporary file and rename.
func dockerConfigMarker(path, host string, add bool) error {
	cfg := map[string]any{}
	if data, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(data, &cfg); err != nil {
			return err
		}
	}
	cfg["credsStore"] = "remoteyaml"
	auths, _ := cfg["auths"].(map[string]any)
	if auths == nil {
		auths = map[string]any{}
	}
	if add {
		auths[host] = map[string]any{}
	} else {
		delete(auths, host)
	}
	cfg["auths"] = auths
	data, err := json.MarshalIndent(cfg, "", "\t")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+".tmp", data, 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

func runFakeApptainer(t *testing.T, action, path, host, password string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FAKE_APPTAINER="+strings.Join([]string{action, path, helperBin, host}, "\n"))
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("apptainer registry %s docker://%s: %v: %s", action, host, err, out)
	}
}

// TestApptainer_RegistryLoginSequences: first login, the same login again
// (the helper has nothing to change, and Apptainer's late rewrite used to
// delete the secret), a third, then logout, with real processes: the
// stand-in for Apptainer runs the built helper.
func TestApptainer_RegistryLoginSequences(t *testing.T) {
	p, path := env(t)
	fixture, err := os.ReadFile("../../../shared/fixtures/remote-yaml/apptainer-1.5.3-token.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, fixture, 0o600)
	const host = "127.0.0.1:5000"
	token := "fake-token-" + strings.Repeat("x", 60)
	checkToken := func(step string) {
		t.Helper()
		if !strings.Contains(readFile(t, path), token[:40]) {
			t.Errorf("%s: the library token is gone", step)
		}
	}
	for i, step := range []string{"first login", "repeated login", "third login"} {
		runFakeApptainer(t, "login", path, host, "p4ss")
		got, err := client.Get(p, host)
		if err != nil || got.Secret != "p4ss" {
			t.Fatalf("after the %s (%d): get = %+v, %v: the secret is lost", step, i+1, got, err)
		}
		checkToken(step)
	}
	// A second registry, then logout of the first: only the first goes.
	runFakeApptainer(t, "login", path, "localhost:5001", "other")
	runFakeApptainer(t, "logout", path, host, "")
	if _, err := client.Get(p, host); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("after logout: get err = %v, want not found", err)
	}
	if strings.Contains(readFile(t, path), "docker://"+host) {
		t.Errorf("after logout the entry is still in remote.yaml:\n%s", readFile(t, path))
	}
	if got, err := client.Get(p, "localhost:5001"); err != nil || got.Secret != "other" {
		t.Errorf("the other login after logout: %+v, %v", got, err)
	}
	checkToken("logout")
	if _, err := yamlstore.DecodeStrict([]byte(readFile(t, path))); err != nil {
		t.Errorf("Apptainer could not read the result: %v", err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestApptainer_LogoutOfAnotherClientsLogin is issue 21's item 10: a login
// made through the helper by another client (crane, oras, remote-login)
// has no "auths" key in docker-config.json, so Apptainer's registry logout
// never runs erase and drops the entry itself. In keyring mode the secret
// stayed in the keyring, found by nothing; it must not outlive the next
// write of remote.yaml.
func TestApptainer_LogoutOfAnotherClientsLogin(t *testing.T) {
	p, path := env(t)
	const host, next = "127.0.0.1:5002", "127.0.0.1:5003"
	t.Cleanup(func() {
		if secretsMode() == "keyring" {
			exec.Command("secret-tool", "clear", "service", "remoteyaml", "username", "docker://"+host).Run()
			exec.Command("secret-tool", "clear", "service", "remoteyaml", "username", "docker://"+next).Run()
		}
	})
	if err := client.Store(p, &credentials.Credentials{ServerURL: host, Username: "crane", Secret: "CRANE-LOGIN-SECRET"}); err != nil {
		t.Fatal(err)
	}
	runFakeApptainer(t, "logout", path, host, "")
	if strings.Contains(readFile(t, path), "docker://"+host) {
		t.Fatalf("Apptainer's logout left the entry:\n%s", readFile(t, path))
	}
	// The next write of remote.yaml: another client's login.
	if err := client.Store(p, &credentials.Credentials{ServerURL: next, Username: "oras", Secret: "NEXT-SECRET"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get(p, host); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("get after the logout: %v, want not found", err)
	}
	if secretsMode() == "keyring" {
		out, _ := exec.Command("secret-tool", "lookup", "service", "remoteyaml", "username", "docker://"+host).Output()
		if len(out) > 0 {
			t.Errorf("after Apptainer's logout and the next write, the keyring still holds the secret of docker://%s (%d bytes), with no entry naming it", host, len(out))
		}
	}
	if got := storedAuth(t, path, "docker://"+next); got == "" {
		t.Error("the next login has no secret")
	}
}
