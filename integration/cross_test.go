package integration

import "testing"

// One login, every tool: log in with one client, push with a second, pull
// with a third, all through the one remote.yaml entry.
func TestCrossClient(t *testing.T) {
	cases := []struct {
		name              string
		login, push, pull string
		how               containersHelpers
		needsPodman       bool
		registry          func() *registry
	}{
		{name: "oras_crane_skopeo", login: "oras", push: "crane", pull: "skopeo", registry: func() *registry { return basicReg }},
		{name: "podman_regctl_crane", login: "podman", push: "regctl", pull: "crane", needsPodman: true, registry: func() *registry { return basicReg }},
		{name: "docker_skopeo_regctl", login: "docker", push: "skopeo", pull: "regctl", how: viaAuthJSONCredHelpers, registry: func() *registry { return basicReg }},
		{name: "crane_regctl_oras", login: "crane", push: "regctl", pull: "oras", registry: func() *registry { return basicReg }},
		{name: "token_podman_crane_oras", login: "podman", push: "crane", pull: "oras", needsPodman: true, registry: func() *registry { return tokenReg }},
		{name: "token_docker_skopeo_crane", login: "docker", push: "skopeo", pull: "crane", registry: func() *registry { return tokenReg }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			needRegistries(t)
			reg := tc.registry()
			e := newClientEnv(t, tc.how)
			if tc.needsPodman {
				needPodman(t, e)
			}
			for _, tool := range []string{tc.push, tc.pull} {
				lookTool(t, tool)
			}
			repo := uniqueRepo(t)
			mustLogin(t, e, tc.login, reg)
			mustPush(t, e, tc.push, reg, repo)
			mustPull(t, e, tc.pull, reg, repo)
			e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)
		})
	}
}
