package integration

import "testing"

// The same flows against the registry behind the Bearer token service: the
// clients take the helper's user and password to the token service, and the
// registry only ever sees the JWT it issued.

func TestToken_Crane(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	repo := uniqueRepo(t)

	mustLogin(t, e, "crane", tokenReg)
	before := tokens.count(testUser)
	mustPush(t, e, "crane", tokenReg, repo)
	mustPull(t, e, "crane", tokenReg, repo)
	assertTokensIssued(t, before)
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)
	mustLogout(t, e, "crane", tokenReg)
}

func TestToken_Oras(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	repo := uniqueRepo(t)

	before := tokens.count(testUser)
	mustLogin(t, e, "oras", tokenReg)
	if r := orasPushFile(t, e, runOpts{}, tokenReg, repo); r.err != nil {
		t.Fatalf("oras push:\n%s", r)
	}
	got, r := orasPullFile(t, e, tokenReg, repo)
	if r.err != nil || got != theImage.content {
		t.Fatalf("oras pull = %q, want %q\n%s", got, theImage.content, r)
	}
	assertTokensIssued(t, before)
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

	// A wrong password is refused by the token service; the good entry stays.
	denied := tokens.deniedCount()
	if r := login(t, e, "oras", tokenReg, testUser, "wrong-"+testPassword); r.err == nil {
		t.Fatalf("oras login with a wrong password succeeded:\n%s", r)
	}
	if tokens.deniedCount() == denied {
		t.Fatalf("the token service saw no wrong password")
	}
	e.assertLoggedIn(t, tokenReg.host, testUser, testPassword)
	mustLogout(t, e, "oras", tokenReg)
}

func TestToken_PodmanSkopeo(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	needPodman(t, e)
	repo := uniqueRepo(t)

	if r := login(t, e, "podman", tokenReg, testUser, "wrong-"+testPassword); r.err == nil {
		t.Fatalf("podman login with a wrong password succeeded:\n%s", r)
	}
	e.assertNoEntry(t, tokenReg.host)

	before := tokens.count(testUser)
	mustLogin(t, e, "podman", tokenReg)
	mustPush(t, e, "skopeo", tokenReg, repo)
	mustPull(t, e, "skopeo", tokenReg, repo)
	assertTokensIssued(t, before)
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)
	mustLogout(t, e, "podman", tokenReg)
}

func TestToken_RegctlDocker(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	repo := uniqueRepo(t)

	mustLogin(t, e, "docker", tokenReg)
	before := tokens.count(testUser)
	mustPush(t, e, "regctl", tokenReg, repo)
	mustPull(t, e, "regctl", tokenReg, repo)
	assertTokensIssued(t, before)
	e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)
	mustLogout(t, e, "docker", tokenReg)
}

func assertTokensIssued(t *testing.T, before int) {
	t.Helper()
	if n := tokens.count(testUser) - before; n == 0 {
		t.Fatalf("the token service issued no token for %s", testUser)
	} else {
		t.Logf("the token service issued %d tokens for %s", n, testUser)
	}
}
