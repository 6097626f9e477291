package credstore

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/yamlstore"
	"github.com/zalando/go-keyring"
)

// TestMain doubles as the migrating process of the SIGKILL test.
func TestMain(m *testing.M) {
	if to := os.Getenv("CREDSTORE_CHILD_MIGRATE"); to != "" {
		s := &Store{File: &yamlstore.File{Path: os.Args[len(os.Args)-1]}, Secrets: InKeyring}
		if _, err := s.Migrate(Secrets(to)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func newStore(t *testing.T, mode Secrets) *Store {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	return &Store{File: &yamlstore.File{Path: filepath.Join(dir, "remote.yaml")}, Secrets: mode}
}

func host(uri string) func(string) bool { return func(u string) bool { return u == uri } }
func rank(uri string) func(string) int {
	return func(u string) int {
		if u == uri {
			return 1
		}
		return 0
	}
}

func fileText(t *testing.T, s *Store) string {
	t.Helper()
	data, _ := os.ReadFile(s.File.Path)
	return string(data)
}

// fakeKeyring replaces the OS keyring with a map for the test (err, if
// set, is what every call fails with) and returns the map.
func fakeKeyring(t *testing.T, err error) map[string]string {
	t.Helper()
	saved := osKeyring
	t.Cleanup(func() { osKeyring = saved })
	m := map[string]string{}
	osKeyring.get = func(service, user string) (string, error) {
		if err != nil {
			return "", err
		}
		v, ok := m[service+"\x00"+user]
		if !ok {
			return "", keyring.ErrNotFound
		}
		return v, nil
	}
	osKeyring.set = func(service, user, secret string) error {
		if err != nil {
			return err
		}
		m[service+"\x00"+user] = secret
		return nil
	}
	osKeyring.del = func(service, user string) error {
		if err != nil {
			return err
		}
		if _, ok := m[service+"\x00"+user]; !ok {
			return keyring.ErrNotFound
		}
		delete(m, service+"\x00"+user)
		return nil
	}
	return m
}

// The logic of the keyring mode, with an in-memory keyring.
func TestKeyringMode_Fake(t *testing.T) {
	items := fakeKeyring(t, nil)
	s := newStore(t, InKeyring)
	const uri = "docker://reg.example.com"
	if err := s.Put(Login{URI: uri, Username: "alice", Secret: "s3cret"}, host(uri)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fileText(t, s), "Auth") || !strings.Contains(fileText(t, s), uri) {
		t.Fatalf("remote.yaml in keyring mode:\n%s", fileText(t, s))
	}
	if v := items[KeyringService+"\x00"+uri]; v != "Basic YWxpY2U6czNjcmV0" {
		t.Errorf("keyring item %q", v)
	}
	l, err := s.Get(rank(uri))
	if err != nil || l.Username != "alice" || l.Secret != "s3cret" {
		t.Fatalf("get %+v %v", l, err)
	}
	if ls, _ := s.List(); len(ls) != 1 || ls[0].Username != "alice" || ls[0].Secret != "" {
		t.Errorf("list %+v", ls)
	}
	if err := s.Delete(host(uri), uri); err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 {
		t.Errorf("keyring items left after delete: %v", items)
	}
}

func TestKeyringMode_FailureWritesNothing(t *testing.T) {
	fakeKeyring(t, errors.New("dial unix /run/user/0/bus: connect: no such file or directory"))
	s := newStore(t, InKeyring)
	os.WriteFile(s.File.Path, []byte("Active: x\n"), 0o600)
	err := s.Put(Login{URI: "docker://r.example.com", Username: "u", Secret: "TOPSECRET"}, host("docker://r.example.com"))
	if !errors.Is(err, ErrKeyringUnavailable) || strings.Contains(err.Error(), "TOPSECRET") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
	if fileText(t, s) != "Active: x\n" {
		t.Errorf("file changed: %q", fileText(t, s))
	}
}

func TestMigrate_Fake(t *testing.T) {
	items := fakeKeyring(t, nil)
	s := newStore(t, InFile)
	for i := 0; i < 5; i++ {
		uri := fmt.Sprintf("docker://r%d.example.com", i)
		if err := s.Put(Login{URI: uri, Username: "u", Secret: fmt.Sprint("pw", i)}, host(uri)); err != nil {
			t.Fatal(err)
		}
	}
	s.File.Update(func(d *yamlstore.Document) error {
		return d.PutCredential(yamlstore.Credential{URI: "https://keys.example.com", Auth: "Bearer KEYSERVERTOKEN"}, nil)
	})
	before := fileText(t, s)
	m, err := s.Migrate(InKeyring)
	moved := m.Moved
	if err != nil || len(moved) != 5 {
		t.Fatalf("to keyring: %v %v", moved, err)
	}
	after := fileText(t, s)
	if strings.Contains(after, "Basic") || !strings.Contains(after, "Bearer KEYSERVERTOKEN") {
		t.Errorf("after migrating to the keyring:\n%s", after)
	}
	s.Secrets = InKeyring
	for i := 0; i < 5; i++ {
		l, err := s.Get(rank(fmt.Sprintf("docker://r%d.example.com", i)))
		if err != nil || l.Secret != fmt.Sprint("pw", i) {
			t.Errorf("get %d: %+v %v", i, l, err)
		}
	}
	m, err = s.Migrate(InFile)
	moved = m.Moved
	if err != nil || len(moved) != 5 {
		t.Fatalf("to file: %v %v", moved, err)
	}
	if fileText(t, s) != before {
		t.Errorf("a round trip through the keyring changed remote.yaml:\n%s\nwant\n%s", fileText(t, s), before)
	}
	if len(items) != 0 {
		t.Errorf("keyring items left after migrating back: %v", items)
	}
}

func TestSettings(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HOME": dir}
	getenv := func(k string) string { return env[k] }
	if s, err := LoadSettings(getenv); err != nil || s.Secrets != InFile {
		t.Errorf("default: %v %v", s, err)
	}
	p := SettingsPath(getenv)
	os.MkdirAll(filepath.Dir(p), 0o700)
	os.WriteFile(p, []byte("# mine\nsecrets: keyring\n"), 0o600)
	if s, err := LoadSettings(getenv); err != nil || s.Secrets != InKeyring {
		t.Errorf("file: %v %v", s, err)
	}
	env["REMOTEYAML_SECRETS"] = "file"
	if s, err := LoadSettings(getenv); err != nil || s.Secrets != InFile {
		t.Errorf("env override: %v %v", s, err)
	}
	env["REMOTEYAML_SECRETS"] = "vault"
	if _, err := LoadSettings(getenv); err == nil {
		t.Error("a bad value was accepted")
	}
	delete(env, "REMOTEYAML_SECRETS")
	os.WriteFile(p, []byte("secret: keyring\n"), 0o600)
	if _, err := LoadSettings(getenv); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("unknown key: %v", err)
	}
}

// requireSecretService skips, with the reason, unless a real Secret Service
// answers (make test runs these under integration/with-keyring.sh).
func requireSecretService(t *testing.T) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no D-Bus session: run under integration/with-keyring.sh (make keyring) for the real Secret Service tests")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool (libsecret-tools) not installed")
	}
	if err := keyringSet("remoteyaml-probe", "x"); err != nil {
		t.Skipf("no usable Secret Service: %v", err)
	}
	keyringDelete("remoteyaml-probe")
}

func secretTool(t *testing.T, uri string) string {
	t.Helper()
	out, err := exec.Command("secret-tool", "lookup", "service", KeyringService, "username", uri).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// TestSecretService_MigrateKilledHalfWay: 50 logins, migrations both ways,
// each also SIGKILLed at a random moment and then finished: no login is lost,
// and none is in two places that disagree.
func TestSecretService_MigrateKilledHalfWay(t *testing.T) {
	requireSecretService(t)
	s := newStore(t, InFile)
	want := map[string]string{}
	for i := 0; i < 50; i++ {
		uri := fmt.Sprintf("docker://m%02d.example.com", i)
		want[uri] = fmt.Sprintf("secret-%02d", i)
		if err := s.Put(Login{URI: uri, Username: "u", Secret: want[uri]}, host(uri)); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for uri := range want {
			keyringDelete(uri)
		}
	})
	rng := rand.New(rand.NewSource(7))
	check := func(stage string) {
		t.Helper()
		d, err := s.File.Read()
		if err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		creds := d.Config().Credentials
		if len(creds) != 50 {
			t.Fatalf("%s: %d logins, want 50", stage, len(creds))
		}
		inFile, inKeyring := 0, 0
		defer func() { t.Logf("%s: %d secrets in remote.yaml, %d in the keyring", stage, inFile, inKeyring) }()
		for _, c := range creds {
			item := secretTool(t, c.URI)
			if c.Auth != "" {
				inFile++
			}
			if item != "" {
				inKeyring++
			}
			switch {
			case c.Auth == "" && item == "":
				t.Fatalf("%s: %s lost: in neither place", stage, c.URI)
			case c.Auth != "" && item != "" && item != c.Auth:
				t.Fatalf("%s: %s disagrees: file %q, keyring %q", stage, c.URI, c.Auth, item)
			}
			auth := c.Auth
			if auth == "" {
				auth = item
			}
			if u, sec, _ := decodeAuth(auth); u != "u" || sec != want[c.URI] {
				t.Fatalf("%s: %s holds %q", stage, c.URI, auth)
			}
		}
	}
	for round, to := range []Secrets{InKeyring, InFile, InKeyring, InFile, InKeyring, InFile, InKeyring, InFile} {
		cmd := exec.Command(os.Args[0], "-test.run=^$", s.File.Path)
		cmd.Env = append(os.Environ(), "CREDSTORE_CHILD_MIGRATE="+string(to))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.Intn(900)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		check(fmt.Sprintf("round %d (to %s), after the kill", round, to))
		if _, err := s.Migrate(to); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("round %d (to %s), finished", round, to))
		text := fileText(t, s)
		if to == InKeyring && strings.Contains(text, "Auth:") {
			t.Fatalf("round %d: a secret is still in remote.yaml", round)
		}
		if to == InFile && strings.Count(text, "Auth:") != 50 {
			t.Fatalf("round %d: not every secret came back to remote.yaml", round)
		}
	}
}

func TestSecretService_StoreKeepsNoSecretInFile(t *testing.T) {
	requireSecretService(t)
	s := newStore(t, InKeyring)
	const uri = "docker://ss.example.com:5000"
	t.Cleanup(func() { keyringDelete(uri) })
	if err := s.Put(Login{URI: uri, Username: "bob", Secret: "P4ssw0rd-in-keyring"}, host(uri)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(s.File.Path)
	if bytes.Contains(data, []byte("P4ssw0rd")) || bytes.Contains(data, []byte("Ym9iOlA0")) {
		t.Fatalf("remote.yaml holds the secret:\n%s", data)
	}
	if got := secretTool(t, uri); got != "Basic Ym9iOlA0c3N3MHJkLWluLWtleXJpbmc=" {
		t.Fatalf("secret-tool lookup = %q", got)
	}
}
