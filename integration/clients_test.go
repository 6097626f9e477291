package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each client alone against the Basic-auth registry: its own login writes the
// remote.yaml entry, push and pull work with only the helper's credentials,
// logout removes the entry and a push after it is refused.

func TestCrane_LoginPushPullLogout(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	repo := uniqueRepo(t)

	mustLogin(t, e, "crane", basicReg)
	mustPush(t, e, "crane", basicReg, repo)
	mustPull(t, e, "crane", basicReg, repo)
	if r := e.mustRun(t, runOpts{}, "crane", "digest", basicReg.host+"/"+repo+":"+theImage.tag); strings.TrimSpace(r.stdout) != theImage.digest {
		t.Fatalf("crane digest = %q, want %q", r.stdout, theImage.digest)
	}
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

	mustLogout(t, e, "crane", basicReg)
	r := e.mustFail(t, runOpts{}, "crane", "push", theImage.layout, basicReg.host+"/"+repo+"-after-logout:"+theImage.tag)
	mustContain(t, r, "UNAUTHORIZED", "401")
}

func TestOras_LoginPushPullLogout(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	repo := uniqueRepo(t)

	mustLogin(t, e, "oras", basicReg)
	if r := orasPushFile(t, e, runOpts{}, basicReg, repo); r.err != nil {
		t.Fatalf("oras push:\n%s", r)
	}
	if d, err := basicReg.manifestDigest(repo, theImage.tag); err != nil || d == "" {
		t.Fatalf("registry has no oras artifact %s: %q %v", repo, d, err)
	}
	got, r := orasPullFile(t, e, basicReg, repo)
	if r.err != nil || got != theImage.content {
		t.Fatalf("oras pull = %q, want %q\n%s", got, theImage.content, r)
	}
	// And the OCI image pushed by another client, copied out by oras.
	mustPush(t, e, "crane", basicReg, repo+"-image")
	mustPull(t, e, "oras", basicReg, repo+"-image")
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

	mustLogout(t, e, "oras", basicReg)
	_, r = orasPullFile(t, e, basicReg, repo)
	if r.err == nil {
		t.Fatalf("oras pull after logout succeeded")
	}
	// oras: "Error: basic credential not found" (the registry's 401 asked for
	// credentials and the helper has none).
	mustContain(t, r, "basic credential not found", "401", "unauthorized")
}

func TestOras_WrongPassword(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)

	// Nothing stored by a refused first login.
	r := login(t, e, "oras", basicReg, testUser, "wrong-"+testPassword)
	if r.err == nil {
		t.Fatalf("oras login with a wrong password succeeded:\n%s", r)
	}
	t.Logf("oras refused the wrong password: %s", firstLines(r.combined(), 2))
	e.assertNoEntry(t, basicReg.host)

	// An earlier good credential stays.
	mustLogin(t, e, "oras", basicReg)
	if r := login(t, e, "oras", basicReg, testUser, "wrong-"+testPassword); r.err == nil {
		t.Fatalf("oras login with a wrong password succeeded:\n%s", r)
	}
	e.assertLoggedIn(t, basicReg.host, testUser, testPassword)
}

func TestRegctl_CopyWithHelperCredentials(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	repo := uniqueRepo(t)
	lookTool(t, "regctl")

	// regctl's own `registry login` writes ~/.regctl/config.json and never
	// calls a helper (clients.md), so the credential is put there the way
	// another client's login would: the helper's `store`.
	storeWithHelper(t, e, basicReg.host, testUser, testPassword)
	e.assertLoggedIn(t, basicReg.host, testUser, testPassword)

	mustPush(t, e, "regctl", basicReg, repo)
	// Registry to registry, both sides authenticated through the helper.
	e.mustRun(t, runOpts{}, "regctl", "image", "copy",
		basicReg.host+"/"+repo+":"+theImage.tag, basicReg.host+"/"+repo+"-copy:"+theImage.tag)
	if d, err := basicReg.manifestDigest(repo+"-copy", theImage.tag); err != nil || d != theImage.digest {
		t.Fatalf("regctl copy: digest %q (%v), want %s", d, err, theImage.digest)
	}
	r := e.mustRun(t, runOpts{}, "regctl", "image", "digest", basicReg.host+"/"+repo+"-copy:"+theImage.tag)
	if strings.TrimSpace(r.stdout) != theImage.digest {
		t.Fatalf("regctl image digest = %q, want %s", r.stdout, theImage.digest)
	}
	mustPull(t, e, "regctl", basicReg, repo+"-copy")
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)
	if _, err := os.Stat(filepath.Join(e.home, ".regctl", "config.json")); err == nil {
		b, _ := os.ReadFile(filepath.Join(e.home, ".regctl", "config.json"))
		t.Logf("regctl wrote its own config (no secret in it, checked above):\n%s", b)
	}
}

func testPodmanSkopeo(t *testing.T, how containersHelpers) {
	needRegistries(t)
	e := newClientEnv(t, how)
	needPodman(t, e)
	lookTool(t, "skopeo")
	repo := uniqueRepo(t)

	mustLogin(t, e, "podman", basicReg)
	r := e.mustRun(t, runOpts{}, "podman", "login", "--get-login", basicReg.host)
	if strings.TrimSpace(r.stdout) != testUser {
		t.Fatalf("podman login --get-login = %q, want %q", r.stdout, testUser)
	}
	mustPush(t, e, "skopeo", basicReg, repo)
	mustPull(t, e, "skopeo", basicReg, repo)
	r = e.mustRun(t, runOpts{}, "skopeo", "inspect", "--format", "{{.Digest}}", "docker://"+basicReg.host+"/"+repo+":"+theImage.tag)
	t.Logf("skopeo inspect digest: %s", strings.TrimSpace(r.stdout))
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

	mustLogout(t, e, "podman", basicReg)
	r = push(t, e, "skopeo", runOpts{}, basicReg, repo+"-after-logout")
	if r.err == nil {
		t.Fatalf("skopeo push after podman logout succeeded")
	}
	t.Logf("skopeo push after logout refused: %s", firstLines(r.combined(), 2))
	assertNotInRegistry(t, basicReg, repo+"-after-logout")
}

func TestPodmanSkopeo_RegistriesConfDropIn(t *testing.T) { testPodmanSkopeo(t, viaRegistriesConf) }

func TestPodmanSkopeo_AuthJSONCredHelpers(t *testing.T) { testPodmanSkopeo(t, viaAuthJSONCredHelpers) }

func TestPodmanSkopeo_SetupXDGConfigHomeElsewhere(t *testing.T) {
	testPodmanSkopeo(t, viaSetupXDGElsewhere)
}

func TestPodman_WrongPassword(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	needPodman(t, e)

	r := login(t, e, "podman", basicReg, testUser, "wrong-"+testPassword)
	if r.err == nil {
		t.Fatalf("podman login with a wrong password succeeded:\n%s", r)
	}
	t.Logf("podman refused the wrong password: %s", firstLines(r.combined(), 2))
	e.assertNoEntry(t, basicReg.host)

	mustLogin(t, e, "podman", basicReg)
	if r := login(t, e, "podman", basicReg, testUser, "wrong-"+testPassword); r.err == nil {
		t.Fatalf("podman login with a wrong password succeeded:\n%s", r)
	}
	e.assertLoggedIn(t, basicReg.host, testUser, testPassword)
}

// The docker CLI has no daemon here (DOCKER_HOST points at a socket that does
// not exist), so it logs in client-side; push and pull need a daemon and are
// done by the other clients in TestCrossClient with docker's login.
func TestDocker_LoginLogout(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)

	mustLogin(t, e, "docker", basicReg)
	cfg, err := os.ReadFile(filepath.Join(e.dockerConfig, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("docker config.json after login:\n%s", cfg)
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

	// Without -u the CLI reads the stored credential back through the helper's
	// `get` and reports the user before it tries the (missing) daemon.
	r := e.run(t, runOpts{}, "docker", "login", basicReg.host)
	mustContain(t, r, "[Username: "+testUser+"]")
	t.Logf("docker read the credential through the helper: %s", firstLines(r.combined(), 1))

	mustLogout(t, e, "docker", basicReg)
}

func TestDocker_WrongPassword(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)

	r := login(t, e, "docker", basicReg, testUser, "wrong-"+testPassword)
	if r.err == nil {
		t.Fatalf("docker login with a wrong password succeeded (docker/cli#7237?):\n%s", r)
	}
	t.Logf("docker refused the wrong password: %s", firstLines(r.stderr, 3))
	e.assertNoEntry(t, basicReg.host)

	mustLogin(t, e, "docker", basicReg)
	if r := login(t, e, "docker", basicReg, testUser, "wrong-"+testPassword); r.err == nil {
		t.Fatalf("docker login with a wrong password succeeded:\n%s", r)
	}
	e.assertLoggedIn(t, basicReg.host, testUser, testPassword)
}
