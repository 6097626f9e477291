package integration

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// extraRegistry starts one more htpasswd registry for this test only, with
// its own user and password, reached as hostname:PORT; podman and skopeo
// trust it through e's certs.d.
func extraRegistry(t *testing.T, e *clientEnv, name, hostname, user string) (*registry, string) {
	t.Helper()
	pass := "pw-" + name + "-" + randomHex(8)
	dir := t.TempDir()
	htpasswd, err := writeHtpasswd(filepath.Join(dir, "htpasswd"), user, pass)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := startRegistry(registryBin, name, hostname, mkdir(dir, "registry"), thePKI, registryAuth{htpasswd: htpasswd})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.stop)
	reg.authorize = basicAuthorizer(user, pass)
	ca, err := os.ReadFile(thePKI.caFile)
	if err != nil {
		t.Fatal(err)
	}
	e.writeFile(t, filepath.Join(e.home, ".config", "containers", "certs.d", reg.host, "ca.crt"), string(ca))
	return reg, pass
}

func authValue(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

// TestRemoteLogin_Import is issue 12's acceptance case for import: the
// logins a user made before remoteyaml, in plain text: two in Docker's
// config.json, one in podman's auth.json, one in Apptainer's
// docker-config.json, each for its own registry. After setup and import,
// crane and skopeo push and pull with every one of them through the
// helper, no plaintext secret is left in those files, and every other key
// of them is byte for byte as it was.
func TestRemoteLogin_Import(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	lookTool(t, "crane")
	lookTool(t, "skopeo")
	regA, passA := extraRegistry(t, e, "import-a", "127.0.0.1", "ann")
	regB, passB := extraRegistry(t, e, "import-b", "localhost", "bea")

	type login struct {
		reg        *registry
		user, pass string
	}
	logins := []login{{basicReg, testUser, testPassword}, {regA, "ann", passA}, {tokenReg, testUser, testPassword}, {regB, "bea", passB}}

	// The user's files before remoteyaml: no credsStore, no drop-in.
	dockerCfg := filepath.Join(e.dockerConfig, "config.json")
	authJSON := filepath.Join(e.runtimeDir, "containers", "auth.json")
	appCfg := filepath.Join(e.apptainer, "docker-config.json")
	dropIn := filepath.Join(e.configHome, "containers", "registries.conf.d", "50-remoteyaml.conf")
	if err := os.Remove(dropIn); err != nil {
		t.Fatal(err)
	}
	files := map[string]struct{ before, want string }{
		dockerCfg: {
			before: fmt.Sprintf("{\n\t\"auths\": {\n\t\t%q: {\n\t\t\t\"auth\": %q\n\t\t},\n\t\t%q: {\n\t\t\t\"auth\": %q\n\t\t}\n\t},\n\t\"psFormat\": \"table {{.ID}}\",\n\t\"detachKeys\": \"ctrl-x\"\n}\n",
				basicReg.host, authValue(testUser, testPassword), regA.host, authValue("ann", passA)),
			want: "{\n\t\"credsStore\": \"remoteyaml\",\n\t\"auths\": {},\n\t\"psFormat\": \"table {{.ID}}\",\n\t\"detachKeys\": \"ctrl-x\"\n}\n",
		},
		authJSON: {
			before: fmt.Sprintf("{\n\t\"auths\": {\n\t\t%q: {\n\t\t\t\"auth\": %q\n\t\t}\n\t},\n\t\"credHelpers\": {\n\t\t\"gcr.io\": \"gcloud\"\n\t}\n}", tokenReg.host, authValue(testUser, testPassword)),
			want:   "{\n\t\"auths\": {},\n\t\"credHelpers\": {\n\t\t\"gcr.io\": \"gcloud\"\n\t}\n}",
		},
		appCfg: {
			before: fmt.Sprintf("{\n\t\"auths\": {\n\t\t%q: {\n\t\t\t\"auth\": %q\n\t\t}\n\t}\n}", regB.host, authValue("bea", passB)),
			want:   "{\n\t\"credsStore\": \"remoteyaml\",\n\t\"auths\": {}\n}",
		},
	}
	for p, f := range files {
		e.writeFile(t, p, f.before)
	}
	// Apptainer's own registry login keeps the entry in remote.yaml, the secret in docker-config.json.
	remoteBefore := "# my remotes\nActive: SylabsCloud\nCredentials:\n    - URI: docker://" + regB.host + "\n      Insecure: false\n"
	e.writeFile(t, e.remoteYAMLPath(), remoteBefore)

	r := e.remoteLogin(t, "", "setup", "--docker", "--podman", "--apptainer")
	if r.code != 0 || !strings.Contains(r.stdout, "4 login(s) are still in ") || !strings.Contains(r.stdout, "remote-login import") {
		t.Fatalf("setup: want exit 0 and a pointer to import for the 4 logins:\n%s", r)
	}

	r = e.remoteLogin(t, "", "import", "--dry-run")
	if r.code != 0 || strings.Count(r.stdout, "would move ") != 4 {
		t.Fatalf("import --dry-run: want 4 \"would move\" lines:\n%s", r)
	}
	if got := string(readBytes(t, e.remoteYAMLPath())); got != remoteBefore {
		t.Fatalf("--dry-run changed remote.yaml:\n%s", got)
	}
	if got := string(readBytes(t, authJSON)); got != files[authJSON].before {
		t.Fatalf("--dry-run changed auth.json:\n%s", got)
	}

	r = e.remoteLogin(t, "", "import")
	if r.code != 0 || strings.Count(r.stdout, "moved ") != 4 {
		t.Fatalf("import: want exit 0 and 4 \"moved\" lines:\n%s", r)
	}
	for _, l := range logins {
		if strings.Contains(r.stdout+r.stderr, l.pass) || strings.Contains(r.stdout+r.stderr, authValue(l.user, l.pass)) {
			t.Errorf("import printed the secret of %s", l.reg.host)
		}
	}

	// The old files: only the auths members gone (setup added credsStore).
	for p, f := range files {
		got := string(readBytes(t, p))
		if got != f.want {
			t.Errorf("%s after import:\n%s\nwant byte for byte\n%s", p, got, f.want)
		}
		for _, l := range logins {
			if strings.Contains(got, l.pass) || strings.Contains(got, authValue(l.user, l.pass)) {
				t.Errorf("%s still holds the secret of %s", p, l.reg.host)
			}
		}
	}
	y := string(readBytes(t, e.remoteYAMLPath()))
	if !strings.HasPrefix(y, "# my remotes\nActive: SylabsCloud\n") {
		t.Errorf("remote.yaml lost its head:\n%s", redactText(y))
	}
	for _, l := range logins {
		e.assertLoggedIn(t, l.reg.host, l.user, l.pass)
	}

	// Every login works through the helper, for crane and for skopeo.
	repos := map[*registry]string{}
	for _, l := range logins {
		repo := uniqueRepo(t)
		repos[l.reg] = repo
		mustPush(t, e, "crane", l.reg, repo)
		mustPull(t, e, "skopeo", l.reg, repo)
		mustPush(t, e, "skopeo", l.reg, repo+"-skopeo")
		mustPull(t, e, "crane", l.reg, repo+"-skopeo")
	}

	// Nothing is left to import.
	if r := e.remoteLogin(t, "", "import"); r.code != 0 || !strings.Contains(r.stdout, "nothing to import") {
		t.Errorf("second import:\n%s", r)
	}

	// Issue 19 item 9: setup --undo hands the tools back their own files,
	// and every login import took from one is put back there (one line
	// each), so that crane (config.json) and skopeo (auth.json) still log
	// in; remote.yaml keeps its copy. Undoing podman alone hands it
	// nothing back (Apptainer still uses the drop-in), so its login stays
	// in remote.yaml until the drop-in goes.
	r = e.remoteLogin(t, "", "setup", "--undo", "--podman")
	if r.code != 0 || strings.Contains(r.stdout, "put back") {
		t.Errorf("setup --undo --podman, drop-in still used by apptainer: want exit 0 and nothing put back:\n%s", r)
	}
	r = e.remoteLogin(t, "", "setup", "--undo")
	for _, w := range []struct {
		tool, path string
		l          login
	}{
		{"docker", dockerCfg, logins[0]}, {"docker", dockerCfg, logins[1]},
		{"podman", authJSON, logins[2]}, {"apptainer", appCfg, logins[3]},
	} {
		line := fmt.Sprintf("%-10s %s: put back the login for %s (%s) that import had moved into %s, which keeps it too\n",
			w.tool+":", w.path, w.l.reg.host, w.l.user, e.remoteYAMLPath())
		if !strings.Contains(r.stdout, line) {
			t.Errorf("setup --undo: stdout lacks %q", line)
		}
	}
	if r.code != 0 {
		t.Fatalf("setup --undo: exit %d\n%s", r.code, r)
	}
	mustPull(t, e, "crane", basicReg, repos[basicReg])
	mustPull(t, e, "crane", regA, repos[regA])
	mustPull(t, e, "skopeo", tokenReg, repos[tokenReg])
	for _, l := range logins {
		e.assertLoggedIn(t, l.reg.host, l.user, l.pass)
	}
	// A second undo has nothing left to put back.
	if r := e.remoteLogin(t, "", "setup", "--undo"); r.code != 0 || strings.Contains(r.stdout, "put back") {
		t.Errorf("second setup --undo:\n%s", r)
	}
}
