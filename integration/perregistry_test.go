package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoteLogin_SetupPerRegistry: issue 12 item 9 with the real clients.
// setup --per-registry names the helper for the registries with logins
// only; a remote-login login adds its registry, a logout removes it. On a
// node without the helper, only those registries fail: a pull from any
// other registry gets the registry's own answer, not "executable file not
// found" as with credsStore.
func TestRemoteLogin_SetupPerRegistry(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	lookTool(t, "crane")
	lookTool(t, "skopeo")
	dockerCfg := filepath.Join(e.dockerConfig, "config.json")
	containersAuth := filepath.Join(e.configHome, "containers", "auth.json")
	if err := os.Remove(filepath.Join(e.configHome, "containers", "registries.conf.d", "50-remoteyaml.conf")); err != nil {
		t.Fatal(err)
	}
	before := "{\n\t\"auths\": {},\n\t\"psFormat\": \"table {{.ID}}\"\n}\n"
	e.writeFile(t, dockerCfg, before)

	if r := e.remoteLogin(t, "", "setup", "--docker", "--podman", "--per-registry"); r.code != 0 {
		t.Fatalf("setup --per-registry:\n%s", r)
	}
	r := e.remoteLogin(t, testPassword+"\n", "-u", testUser, "--password-stdin", "docker://"+basicReg.host)
	if r.code != 0 || !strings.Contains(r.stderr, "credHelpers") {
		t.Fatalf("login: want exit 0 and the credHelpers entries it added:\n%s", r)
	}
	entry := `"` + basicReg.host + `":"remoteyaml"`
	for _, p := range []string{dockerCfg, containersAuth} {
		if got := string(readBytes(t, p)); !strings.Contains(strings.ReplaceAll(got, " ", ""), entry) || strings.Contains(got, "credsStore") || strings.Contains(got, tokenReg.host) {
			t.Fatalf("%s after the login:\n%s", p, got)
		}
	}

	repo := uniqueRepo(t)
	mustPush(t, e, "crane", basicReg, repo)
	mustPull(t, e, "skopeo", basicReg, repo)
	mustPush(t, e, "skopeo", basicReg, repo+"-skopeo")
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

	// Without the helper on PATH: the registry with a login fails for want
	// of it, any other gets its own 401.
	noHelper := runOpts{noHelper: true}
	r1 := e.mustFail(t, noHelper, "crane", "ls", basicReg.host+"/"+repo)
	mustContain(t, r1, "executable file not found")
	for _, r := range []result{
		e.mustFail(t, noHelper, "crane", "ls", tokenReg.host+"/"+repo),
		e.mustFail(t, noHelper, "skopeo", "inspect", "docker://"+tokenReg.host+"/"+repo+":"+theImage.tag),
	} {
		if strings.Contains(r.combined(), "executable file not found") {
			t.Errorf("a registry without a login needed the helper:\n%s", r)
		}
		mustContain(t, r, "UNAUTHORIZED", "unauthorized", "401", "authentication required")
	}

	r = e.remoteLogin(t, "", "logout", "docker://"+basicReg.host)
	if r.code != 0 {
		t.Fatalf("logout:\n%s", r)
	}
	for _, p := range []string{dockerCfg, containersAuth} {
		if got := string(readBytes(t, p)); strings.Contains(got, basicReg.host) {
			t.Errorf("%s still names %s after the logout:\n%s", p, basicReg.host, got)
		}
	}
	if r := e.remoteLogin(t, "", "setup", "--undo"); r.code != 0 {
		t.Fatalf("undo:\n%s", r)
	}
	if got := string(readBytes(t, dockerCfg)); got != before {
		t.Errorf("config.json after undo:\n%s\nwant byte for byte\n%s", got, before)
	}
	if got := readBytes(t, containersAuth); got != nil {
		t.Errorf("the auth.json setup created outlived the undo:\n%s", got)
	}
}
