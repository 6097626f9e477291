package integration

import (
	"encoding/base64"
	"testing"
)

// Negative controls: they show the push tests above can fail. Each one logs
// in properly, then takes the helper away or spoils what it stores, and
// checks that the push is refused and nothing reached the registry.

func TestNegative_NoCredentials(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	for _, reg := range []*registry{basicReg, tokenReg} {
		repo := uniqueRepo(t)
		r := e.mustFail(t, runOpts{}, "crane", "push", theImage.layout, reg.host+"/"+repo+":"+theImage.tag)
		mustContain(t, r, "UNAUTHORIZED", "401")
		assertNotInRegistry(t, reg, repo)
	}
}

func TestNegative_HelperNotOnPATH(t *testing.T) {
	needRegistries(t)
	e := newClientEnv(t, viaRegistriesConf)
	mustLogin(t, e, "crane", basicReg)
	noHelper := runOpts{noHelper: true}

	for _, tool := range []string{"crane", "regctl", "skopeo"} {
		t.Run(tool, func(t *testing.T) {
			lookTool(t, tool)
			repo := uniqueRepo(t)
			r := push(t, e, tool, noHelper, basicReg, repo)
			if r.err == nil {
				t.Fatalf("%s push without the helper on PATH succeeded:\n%s", tool, r)
			}
			t.Logf("%s push refused: %s", tool, firstLines(r.combined(), 3))
			switch tool {
			case "crane", "skopeo": // a helper that cannot run is an error
				mustContain(t, r, helperName)
			case "regctl": // it goes on anonymously and the registry refuses
				mustContain(t, r, "unauthorized", "401", "UNAUTHORIZED")
			}
			assertNotInRegistry(t, basicReg, repo)
		})
	}
	// The same env with the helper back on PATH pushes fine: only the helper
	// was missing.
	mustPush(t, e, "crane", basicReg, uniqueRepo(t))
}

func TestNegative_CorruptedAuth(t *testing.T) {
	needRegistries(t)
	cases := []struct {
		name string
		auth string
		reg  func() *registry
		// the registry (or token service) refuses the wrong secret, while a
		// value the helper cannot decode fails in the helper
		want []string
	}{
		{"wrong_secret_basic", basicAuthValue(testUser, "not-"+testPassword), func() *registry { return basicReg }, []string{"UNAUTHORIZED", "401", "unauthorized"}},
		{"wrong_secret_token", basicAuthValue(testUser, "not-"+testPassword), func() *registry { return tokenReg }, []string{"UNAUTHORIZED", "401", "unauthorized"}},
		{"not_base64", "Basic %%%not-base64%%%", func() *registry { return basicReg }, nil},
		{"no_colon", "Basic " + base64.StdEncoding.EncodeToString([]byte(testUser+testPassword)), func() *registry { return basicReg }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reg := tc.reg()
			e := newClientEnv(t, viaRegistriesConf)
			mustLogin(t, e, "crane", reg)
			mustPush(t, e, "crane", reg, uniqueRepo(t)) // works before

			corruptAuth(t, e, reg.host, tc.auth)
			for _, tool := range []string{"crane", "skopeo"} {
				lookTool(t, tool)
				repo := uniqueRepo(t)
				r := push(t, e, tool, runOpts{}, reg, repo)
				if r.err == nil {
					t.Fatalf("%s push with Auth %q in remote.yaml succeeded:\n%s", tool, tc.auth[:10], r)
				}
				t.Logf("%s push refused: %s", tool, firstLines(r.combined(), 3))
				if tc.want != nil {
					mustContain(t, r, tc.want...)
				}
				assertNotInRegistry(t, reg, repo)
			}
		})
	}
}
