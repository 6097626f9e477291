package importer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/setup"
)

type world struct {
	env                          map[string]string
	dockerCfg, authJSON, appCfg  string
	remoteYAML, dropIn, homeAuth string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, "home")
	w := &world{env: map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"XDG_RUNTIME_DIR":     filepath.Join(root, "run"),
		"DOCKER_CONFIG":       filepath.Join(home, ".docker"),
		"APPTAINER_CONFIGDIR": filepath.Join(home, ".apptainer"),
	}}
	w.dockerCfg = filepath.Join(home, ".docker", "config.json")
	w.authJSON = filepath.Join(root, "run", "containers", "auth.json")
	w.homeAuth = filepath.Join(home, ".config", "containers", "auth.json")
	w.appCfg = filepath.Join(home, ".apptainer", "docker-config.json")
	w.remoteYAML = filepath.Join(home, ".apptainer", "remote.yaml")
	w.dropIn = filepath.Join(home, ".config", "containers", "registries.conf.d", setup.DropInName)
	return w
}

func (w *world) getenv(k string) string { return w.env[k] }

func (w *world) setupEnv() setup.Env {
	return setup.Env{Getenv: w.getenv, LookPath: func(string) (string, error) { return "", os.ErrNotExist }}
}

func (w *world) importer(t *testing.T, dryRun bool) *Importer {
	t.Helper()
	st, err := credstore.Open(w.getenv)
	if err != nil {
		t.Fatal(err)
	}
	return &Importer{Env: w.setupEnv(), Store: st, DryRun: dryRun}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func b64(user, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
}

func run(t *testing.T, im *Importer) ([]Result, int) {
	t.Helper()
	var got []Result
	n, err := im.Run(func(r Result) {
		t.Log(r)
		got = append(got, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, n
}

func statuses(rs []Result) map[string]Status {
	m := map[string]Status{}
	for _, r := range rs {
		m[r.Key] = r.Status
	}
	return m
}

// The acceptance case: two logins in config.json, one in podman's
// auth.json, one in Apptainer's docker-config.json, every tool set up.
func TestImport_MovesEveryPlaintextLogin(t *testing.T) {
	w := newWorld(t)
	dockerBefore := "{\n\t\"auths\": {\n\t\t\"a.example\": {\n\t\t\t\"auth\": \"" + b64("alice", "pw-a") + "\"\n\t\t},\n" +
		"\t\t\"b.example:5000\": {\n\t\t\t\"auth\": \"" + b64("bob", "pw-b") + "\",\n\t\t\t\"email\": \"b@example\"\n\t\t},\n" +
		"\t\t\"marker.example\": {}\n\t},\n\t\"credsStore\": \"remoteyaml\",\n\t\"psFormat\": \"table {{.ID}}\"\n}\n"
	dockerWant := "{\n\t\"auths\": {\n\t\t\"marker.example\": {}\n\t},\n\t\"credsStore\": \"remoteyaml\",\n\t\"psFormat\": \"table {{.ID}}\"\n}\n"
	write(t, w.dockerCfg, dockerBefore)
	write(t, w.authJSON, `{"auths": {"c.example": {"auth": "`+b64("carol", "pw-c")+`"}}, "credHelpers": {"gcr.io": "gcloud"}}`)
	write(t, w.dropIn, setup.DropIn)
	write(t, w.appCfg, "{\n    \"auths\": {\n        \"d.example/ns\": {\n            \"identitytoken\": \"tok-d\"\n        }\n    },\n    \"credsStore\": \"remoteyaml\"\n}")
	yamlBefore := "# mine\nActive: x\nCredentials:\n    - URI: docker://d.example/ns\n      Insecure: false\n"
	write(t, w.remoteYAML, yamlBefore)

	// --dry-run first: it says what it would do and changes nothing.
	rs, n := run(t, w.importer(t, true))
	if n != 0 || len(rs) != 4 {
		t.Fatalf("dry run: %d results, %d problems; want 4 and 0", len(rs), n)
	}
	for _, r := range rs {
		if r.Status != WouldMove || !strings.HasPrefix(r.String(), "would move") {
			t.Errorf("dry run: %v", r)
		}
	}
	if read(t, w.dockerCfg) != dockerBefore || read(t, w.remoteYAML) != yamlBefore {
		t.Fatal("--dry-run changed a file")
	}

	rs, n = run(t, w.importer(t, false))
	want := map[string]Status{"a.example": Moved, "b.example:5000": Moved, "c.example": Moved, "d.example/ns": Moved}
	if got := statuses(rs); n != 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("statuses %v (%d problems), want %v", got, n, want)
	}
	if got := read(t, w.dockerCfg); got != dockerWant {
		t.Errorf("config.json:\n%s\nwant\n%s", got, dockerWant)
	}
	if got, want := read(t, w.authJSON), `{"auths": {}, "credHelpers": {"gcr.io": "gcloud"}}`; got != want {
		t.Errorf("auth.json = %s, want %s", got, want)
	}
	if got, want := read(t, w.appCfg), "{\n    \"auths\": {},\n    \"credsStore\": \"remoteyaml\"\n}"; got != want {
		t.Errorf("docker-config.json = %q, want %q", got, want)
	}
	y := read(t, w.remoteYAML)
	for _, s := range []string{"# mine\nActive: x\n", "docker://a.example", "Basic " + b64("alice", "pw-a"), "docker://b.example:5000",
		"docker://c.example", "docker://d.example\n", "Bearer tok-d"} {
		if !strings.Contains(y, s) {
			t.Errorf("remote.yaml lacks %q:\n%s", s, y)
		}
	}
	if strings.Contains(y, "d.example/ns") {
		t.Errorf("Apptainer's path-scoped entry was not replaced:\n%s", y)
	}
	st := w.importer(t, false).Store
	for host, wantUser := range map[string]string{"a.example": "alice", "b.example:5000": "bob", "c.example": "carol", "d.example": credstore.TokenUser} {
		l, err := st.Get(func(u string) int { return map[bool]int{true: 1}[u == "docker://"+host] })
		if err != nil || l.Username != wantUser || l.From != credstore.FromFile {
			t.Errorf("%s: %+v %v", host, l, err)
		}
	}
	// Again: nothing left to do.
	if rs, _ := run(t, w.importer(t, false)); len(rs) != 0 {
		t.Errorf("second import found %d logins", len(rs))
	}
}

// A file whose tool does not ask the helper keeps its copy (the tool would
// lose the login); once set up, a second import removes it.
func TestImport_ToolNotSetUpKeepsCopy(t *testing.T) {
	w := newWorld(t)
	before := `{"auths": {"a.example": {"auth": "` + b64("alice", "pw") + `"}}}`
	write(t, w.dockerCfg, before)
	rs, n := run(t, w.importer(t, false))
	if n != 0 || len(rs) != 1 || rs[0].Status != Copied || !strings.Contains(rs[0].Note, "remote-login setup --docker") {
		t.Fatalf("got %v", rs)
	}
	if read(t, w.dockerCfg) != before {
		t.Fatal("config.json changed though docker does not use the helper")
	}
	if _, err := setup.Apply(w.setupEnv(), []string{setup.Docker}); err != nil {
		t.Fatal(err)
	}
	rs, _ = run(t, w.importer(t, false))
	if len(rs) != 1 || rs[0].Status != Removed {
		t.Fatalf("after setup: %v", rs)
	}
	if got := read(t, w.dockerCfg); strings.Contains(got, b64("alice", "pw")) {
		t.Fatalf("secret still in config.json: %s", got)
	}
}

func TestImport_LeavesWhatItCannotMove(t *testing.T) {
	tests := []struct {
		name       string
		remoteYAML string
		auths      string
		want       Status
		wantNote   string
	}{
		{"another login already stored", "Credentials:\n    - URI: docker://a.example\n      Auth: Basic " + b64("zed", "other") + "\n      Insecure: false\n",
			`{"a.example": {"auth": "` + b64("alice", "pw") + `"}}`, Conflict, "user zed"},
		{"auth not base64", "", `{"a.example": {"auth": "!!!"}}`, Failed, "not base64"},
		{"auth without colon", "", `{"a.example": {"auth": "` + base64.StdEncoding.EncodeToString([]byte("nocolon")) + `"}}`, Failed, "user:password"},
		{"not a registry key", "", `{"ftp://a.example": {"auth": "` + b64("alice", "pw") + `"}}`, Failed, "not a registry address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.remoteYAML != "" {
				write(t, w.remoteYAML, tt.remoteYAML)
			}
			before := `{"credsStore": "remoteyaml", "auths": ` + tt.auths + `}`
			write(t, w.dockerCfg, before)
			rs, n := run(t, w.importer(t, false))
			if len(rs) != 1 || rs[0].Status != tt.want || !strings.Contains(rs[0].Note, tt.wantNote) || n != 1 {
				t.Fatalf("got %v (%d problems), want status %d with %q", rs, n, tt.want, tt.wantNote)
			}
			if strings.Contains(rs[0].String(), "pw") && tt.name != "not a registry key" {
				t.Errorf("the report shows the secret: %s", rs[0])
			}
			if read(t, w.dockerCfg) != before || read(t, w.remoteYAML) != tt.remoteYAML {
				t.Error("a file changed")
			}
		})
	}
}

func TestImport_BrokenRemoteYAMLTouchesNothing(t *testing.T) {
	w := newWorld(t)
	write(t, w.remoteYAML, "Credentials: [\n")
	before := `{"credsStore": "remoteyaml", "auths": {"a.example": {"auth": "` + b64("alice", "pw") + `"}}}`
	write(t, w.dockerCfg, before)
	_, err := w.importer(t, false).Run(func(Result) { t.Error("reported a login") })
	if err == nil || !strings.Contains(err.Error(), w.remoteYAML) {
		t.Fatalf("err = %v, want one naming remote.yaml", err)
	}
	if read(t, w.dockerCfg) != before {
		t.Fatal("config.json changed")
	}
}

// fakeHelper answers list and get like docker-credential-pass would.
type fakeHelper struct {
	creds map[string][2]string // server -> user, secret
	args  []string
	in    io.Reader
}

func (h *fakeHelper) Input(in io.Reader) { h.in = in }
func (h *fakeHelper) Output() ([]byte, error) {
	switch h.args[0] {
	case "list":
		m := map[string]string{}
		for k, v := range h.creds {
			m[k] = v[0]
		}
		return json.Marshal(m)
	case "get":
		b, _ := io.ReadAll(h.in)
		c, ok := h.creds[string(bytes.TrimSpace(b))]
		if !ok {
			return []byte("credentials not found in native keychain"), fmt.Errorf("exit status 1")
		}
		return json.Marshal(map[string]string{"ServerURL": string(b), "Username": c[0], "Secret": c[1]})
	}
	return nil, fmt.Errorf("unexpected %v", h.args)
}

// A credsStore setup replaced is read with its list and get, and copied.
func TestImport_FromReplacedHelper(t *testing.T) {
	w := newWorld(t)
	write(t, w.dockerCfg, "{\n\t\"credsStore\": \"pass\"\n}\n")
	if _, err := setup.Apply(w.setupEnv(), []string{setup.Docker}); err != nil {
		t.Fatal(err)
	}
	creds := map[string][2]string{"https://index.docker.io/v1/": {"hubuser", "hub-pw"}, "q.example": {"quinn", "q-pw"}}
	var asked []string
	im := w.importer(t, false)
	im.Program = func(name string) client.ProgramFunc {
		asked = append(asked, name)
		return func(args ...string) client.Program { return &fakeHelper{creds: creds, args: args} }
	}
	rs, n := run(t, im)
	if n != 0 || len(rs) != 2 || fmt.Sprint(asked) != "[pass]" {
		t.Fatalf("results %v, helpers run %v", rs, asked)
	}
	for _, r := range rs {
		if r.Status != Copied || !strings.Contains(r.String(), "docker-credential-pass") {
			t.Errorf("%v", r)
		}
	}
	y := read(t, w.remoteYAML)
	if !strings.Contains(y, "docker://docker.io") || !strings.Contains(y, b64("quinn", "q-pw")) {
		t.Errorf("remote.yaml:\n%s", y)
	}
	// Again: already there, nothing to do.
	rs, _ = run(t, im)
	if len(rs) != 2 || rs[0].Status != Unchanged {
		t.Errorf("second run: %v", rs)
	}
}

func TestSources_EachFileOnce(t *testing.T) {
	w := newWorld(t)
	write(t, w.dockerCfg, "{}")
	write(t, w.homeAuth, "{}")
	w.env["REGISTRY_AUTH_FILE"] = w.dockerCfg // podman pointed at Docker's file
	srcs, err := Sources(w.setupEnv())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(srcs) != fmt.Sprint([]Source{{Tool: setup.Docker, Path: w.dockerCfg}, {Tool: setup.Podman, Path: w.homeAuth}}) {
		t.Errorf("sources %v", srcs)
	}
}

// With per-registry setup the tool finds the helper only through the
// registry's credHelpers entry: import writes it before removing a copy,
// also when the login was already stored.
func TestImport_PerRegistryAddsEntry(t *testing.T) {
	tests := []struct {
		name       string
		remoteYAML string
		want       Status
	}{
		{"new login", "", Moved},
		{"already stored", "Credentials:\n    - URI: docker://a.example\n      Auth: Basic " + b64("alice", "pw") + "\n      Insecure: false\n", Removed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.remoteYAML != "" {
				write(t, w.remoteYAML, tt.remoteYAML)
			}
			write(t, w.dockerCfg, "{\n\t\"auths\": {\n\t\t\"a.example\": {\n\t\t\t\"auth\": \""+b64("alice", "pw")+"\"\n\t\t}\n\t}\n}\n")
			if _, err := setup.ApplyPerRegistry(w.setupEnv(), []string{setup.Docker}, nil); err != nil {
				t.Fatal(err)
			}
			rs, n := run(t, w.importer(t, false))
			if n != 0 || len(rs) != 1 || rs[0].Status != tt.want {
				t.Fatalf("got %v", rs)
			}
			want := "{\n\t\"credHelpers\": {\"a.example\":\"remoteyaml\"},\n\t\"auths\": {}\n}\n"
			if got := read(t, w.dockerCfg); got != want {
				t.Errorf("config.json:\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// Issue 21 item 9: Apptainer ≥ 1.4 keeps a registry login's secret in
// $APPTAINER_CONFIGDIR/config.json (or ~/.docker/config.json without that
// variable; it ignores DOCKER_CONFIG) while docker-config.json is absent.
// Once setup has made docker-config.json, Apptainer's logout looks only
// there and never removes it: import must find such a login in every file
// Apptainer may have written, and move it (Apptainer now asks the helper),
// or copy it while Apptainer still reads that file.
func TestImport_ReadsEveryFileApptainerWrites(t *testing.T) {
	tests := []struct {
		name      string
		configDir bool // APPTAINER_CONFIGDIR set
		setUp     bool // setup --apptainer made docker-config.json
		want      Status
	}{
		{"APPTAINER_CONFIGDIR/config.json, after setup", true, true, Moved},
		{"APPTAINER_CONFIGDIR/config.json, before setup", true, false, Copied},
		{"~/.docker/config.json with DOCKER_CONFIG elsewhere, after setup", false, true, Moved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.env["DOCKER_CONFIG"] = filepath.Join(w.env["HOME"], "elsewhere")
			file := filepath.Join(w.env["APPTAINER_CONFIGDIR"], "config.json")
			if !tt.configDir {
				delete(w.env, "APPTAINER_CONFIGDIR")
				file = filepath.Join(w.env["HOME"], ".docker", "config.json")
			}
			before := "{\n\t\"auths\": {\n\t\t\"e.example:5000\": {\n\t\t\t\"auth\": \"" + b64("eve", "APPTAINER-PLAINTEXT") + "\"\n\t\t}\n\t}\n}"
			write(t, file, before)
			if tt.setUp {
				p, _ := w.setupEnv().ApptainerDockerConfig()
				write(t, p, "{\n\t\"credsStore\": \"remoteyaml\"\n}\n")
			}
			rs, n := run(t, w.importer(t, false))
			if n != 0 || len(rs) != 1 || rs[0].Status != tt.want || rs[0].Source.Path != file {
				t.Fatalf("import: %v (%d problems), want one login from %s, status %d", rs, n, file, tt.want)
			}
			got := read(t, file)
			if tt.want == Moved && strings.Contains(got, b64("eve", "APPTAINER-PLAINTEXT")) {
				t.Errorf("the plaintext stays in %s:\n%s", file, got)
			}
			if tt.want == Copied && got != before {
				t.Errorf("%s changed though Apptainer still reads it:\n%s", file, got)
			}
			st, _ := credstore.Open(w.getenv)
			if l, err := st.Get(func(u string) int {
				if u == "docker://e.example:5000" {
					return 1
				}
				return 0
			}); err != nil || l.Secret != "APPTAINER-PLAINTEXT" || l.From != credstore.FromFile {
				t.Errorf("after import: %+v %v, want the login in remote.yaml", l, err)
			}
		})
	}
}
