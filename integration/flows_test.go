package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
)

// Logins: each client's own login command, password on stdin.

func login(t *testing.T, e *clientEnv, tool string, reg *registry, user, pass string) result {
	t.Helper()
	o := runOpts{stdin: pass}
	switch tool {
	case "crane":
		return e.run(t, o, "crane", "auth", "login", reg.host, "-u", user, "--password-stdin")
	case "oras":
		return e.run(t, o, "oras", "login", orasTLS("--plain-http"), reg.host, "-u", user, "--password-stdin")
	case "podman":
		return e.run(t, o, "podman", "login", "-u", user, "--password-stdin", reg.host)
	case "docker":
		return e.run(t, o, "docker", "login", "-u", user, "--password-stdin", reg.host)
	}
	t.Fatalf("no login for %s", tool)
	return result{}
}

func mustLogin(t *testing.T, e *clientEnv, tool string, reg *registry) {
	t.Helper()
	if r := login(t, e, tool, reg, testUser, testPassword); r.err != nil {
		t.Fatalf("%s login failed:\n%s", tool, r)
	}
	e.assertLoggedIn(t, reg.host, testUser, testPassword)
}

func logout(t *testing.T, e *clientEnv, tool string, reg *registry) result {
	t.Helper()
	switch tool {
	case "crane":
		return e.run(t, runOpts{}, "crane", "auth", "logout", reg.host)
	case "oras":
		return e.run(t, runOpts{}, "oras", "logout", reg.host)
	case "podman":
		return e.run(t, runOpts{}, "podman", "logout", reg.host)
	case "docker":
		return e.run(t, runOpts{}, "docker", "logout", reg.host)
	}
	t.Fatalf("no logout for %s", tool)
	return result{}
}

func mustLogout(t *testing.T, e *clientEnv, tool string, reg *registry) {
	t.Helper()
	if r := logout(t, e, tool, reg); r.err != nil {
		t.Fatalf("%s logout failed:\n%s", tool, r)
	}
	e.assertNoEntry(t, reg.host)
	t.Logf("after %s logout remote.yaml has no entry for docker://%s", tool, reg.host)
}

// storeWithHelper stores credentials by running the helper's `store` through
// docker-credential-helpers' client package, as any client would.
func storeWithHelper(t *testing.T, e *clientEnv, host, user, pass string) {
	t.Helper()
	env := map[string]string{"APPTAINER_CONFIGDIR": e.apptainer, "HOME": e.home}
	prog := client.NewShellProgramFuncWithEnv(filepath.Join(helperDir, helperName), &env)
	if err := client.Store(prog, &credentials.Credentials{ServerURL: host, Username: user, Secret: pass}); err != nil {
		t.Fatalf("helper store: %v", err)
	}
}

// orasTLS is oras's flag saying "use TLS": oras talks plain HTTP to a
// registry named localhost unless the flag is set to false explicitly.
func orasTLS(flag string) string { return flag + "=false" }

// Image pushes: the test image (an OCI layout) to reg/repo:tag.

func push(t *testing.T, e *clientEnv, tool string, o runOpts, reg *registry, repo string) result {
	t.Helper()
	ref := reg.host + "/" + repo + ":" + theImage.tag
	switch tool {
	case "crane":
		return e.run(t, o, "crane", "push", theImage.layout, ref)
	case "skopeo":
		return e.run(t, o, "skopeo", "copy", "--quiet", "oci:"+theImage.layout+":"+theImage.tag, "docker://"+ref)
	case "regctl":
		return e.run(t, o, "regctl", "image", "copy", "ocidir://"+theImage.layout+":"+theImage.tag, ref)
	}
	t.Fatalf("no push for %s", tool)
	return result{}
}

func mustPush(t *testing.T, e *clientEnv, tool string, reg *registry, repo string) {
	t.Helper()
	if r := push(t, e, tool, runOpts{}, reg, repo); r.err != nil {
		t.Fatalf("%s push failed:\n%s", tool, r)
	}
	got, err := reg.manifestDigest(repo, theImage.tag)
	if err != nil {
		t.Fatal(err)
	}
	if got == "" {
		t.Fatalf("%s push: the registry has no %s:%s", tool, repo, theImage.tag)
	}
	t.Logf("%s pushed %s/%s:%s (%s)", tool, reg.host, repo, theImage.tag, got)
}

// assertNotInRegistry checks, with the harness's own credentials, that a
// refused push left nothing behind.
func assertNotInRegistry(t *testing.T, reg *registry, repo string) {
	t.Helper()
	got, err := reg.manifestDigest(repo, theImage.tag)
	if err != nil {
		t.Fatal(err)
	}
	if got != "" {
		t.Fatalf("the registry has %s:%s (%s) after a push that should have been refused", repo, theImage.tag, got)
	}
}

// pull fetches reg/repo:tag with tool into a fresh directory and returns the
// test file's content read from what was pulled.
func pull(t *testing.T, e *clientEnv, tool string, reg *registry, repo string) (string, result) {
	t.Helper()
	ref := reg.host + "/" + repo + ":" + theImage.tag
	out := filepath.Join(t.TempDir(), "pulled")
	var r result
	switch tool {
	case "crane":
		r = e.run(t, runOpts{}, "crane", "pull", "--format=oci", ref, out)
	case "skopeo":
		r = e.run(t, runOpts{}, "skopeo", "copy", "--quiet", "docker://"+ref, "oci:"+out+":"+theImage.tag)
	case "regctl":
		r = e.run(t, runOpts{}, "regctl", "image", "copy", ref, "ocidir://"+out+":"+theImage.tag)
	case "oras":
		r = e.run(t, runOpts{}, "oras", "copy", orasTLS("--from-plain-http"), ref, "--to-oci-layout", out+":"+theImage.tag)
	default:
		t.Fatalf("no pull for %s", tool)
	}
	if r.err != nil {
		return "", r
	}
	content, err := layoutFile(out, theImage.fileName)
	if err != nil {
		t.Fatalf("%s pull: %v", tool, err)
	}
	return content, r
}

func mustPull(t *testing.T, e *clientEnv, tool string, reg *registry, repo string) {
	t.Helper()
	content, r := pull(t, e, tool, reg, repo)
	if r.err != nil {
		t.Fatalf("%s pull failed:\n%s", tool, r)
	}
	if content != theImage.content {
		t.Fatalf("%s pulled %s = %q, want %q", tool, theImage.fileName, content, theImage.content)
	}
	t.Logf("%s pulled %s/%s:%s and its layer holds the pushed %s", tool, reg.host, repo, theImage.tag, theImage.fileName)
}

// oras artifacts: a plain file pushed and pulled back.

func orasPushFile(t *testing.T, e *clientEnv, o runOpts, reg *registry, repo string) result {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "src")
	mkdir(dir)
	if err := os.WriteFile(filepath.Join(dir, "artifact.txt"), []byte(theImage.content), 0o644); err != nil {
		t.Fatal(err)
	}
	o.dir = dir
	return e.run(t, o, "oras", "push", orasTLS("--plain-http"), reg.host+"/"+repo+":"+theImage.tag, "artifact.txt:text/plain")
}

func orasPullFile(t *testing.T, e *clientEnv, reg *registry, repo string) (string, result) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dst")
	r := e.run(t, runOpts{}, "oras", "pull", orasTLS("--plain-http"), reg.host+"/"+repo+":"+theImage.tag, "-o", dir)
	if r.err != nil {
		return "", r
	}
	b, err := os.ReadFile(filepath.Join(dir, "artifact.txt"))
	if err != nil {
		t.Fatalf("oras pull: %v\n%s", err, r)
	}
	return string(b), r
}

// corruptAuth replaces the Auth of host's entry in remote.yaml, editing only
// that value so everything else the helper wrote stays.
func corruptAuth(t *testing.T, e *clientEnv, host, newAuth string) {
	t.Helper()
	b, err := os.ReadFile(e.remoteYAMLPath())
	if err != nil {
		t.Fatal(err)
	}
	old := basicAuthValue(testUser, testPassword)
	if strings.Count(string(b), old) != 1 {
		t.Fatalf("remote.yaml does not hold the Auth value once")
	}
	if err := os.WriteFile(e.remoteYAMLPath(), []byte(strings.Replace(string(b), old, newAuth, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	got := e.entries(t, host)
	if len(got) != 1 || got[0].Auth != newAuth {
		t.Fatalf("corrupting remote.yaml did not take: %+v", redact(got))
	}
}

func mustContain(t *testing.T, r result, want ...string) {
	t.Helper()
	out := r.combined()
	for _, w := range want {
		if strings.Contains(out, w) {
			return
		}
	}
	t.Fatalf("output of %q has none of %q:\n%s", r.cmdline, want, r)
}
