package setup

import (
	"slices"

	"github.com/remoteyaml/remoteyaml/machine"
)

// Overrides are warnings about environment variables that take logins
// away from remote.yaml for the tools being set up, whatever the files
// say: DOCKER_AUTH_CONFIG, which docker/cli (so Docker, both Apptainer
// and SingularityCE, crane and regclient) reads before any helper; and
// REGISTRY_AUTH_FILE, which replaces the auth files of podman, skopeo and
// buildah, so that credHelpers entries written elsewhere (--per-registry)
// are not read. The drop-in is not affected: containers/image asks the
// registries.conf credential-helpers in order, the helper first.
func (env Env) Overrides(tools []string, perRegistry bool) []string {
	m := env.M()
	var out []string
	if m.Getenv(machine.DockerAuthConfig) != "" && (slices.Contains(tools, Docker) || slices.Contains(tools, Apptainer)) {
		out = append(out, machine.DockerAuthConfig+" is set: Docker, crane, regctl, Apptainer and SingularityCE take logins from it before any credential helper, so remote.yaml's are not used while it is set; unset it (remote-login doctor shows each program)")
	}
	if f := m.Getenv(machine.RegistryAuthFile); f != "" && slices.Contains(tools, Podman) {
		if perRegistry {
			out = append(out, machine.RegistryAuthFile+" is set: podman, skopeo and buildah read only "+f+", not the credHelpers written here; unset it, or run setup --podman without --per-registry (the drop-in is read whatever it says)")
		} else {
			out = append(out, machine.RegistryAuthFile+" is set: podman, skopeo and buildah keep their own logins in "+f+"; the drop-in still sends them to the helper first")
		}
	}
	return out
}
