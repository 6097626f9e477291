package machine

import (
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
)

// DropInName is the registries.conf drop-in remoteyaml writes.
const DropInName = "50-remoteyaml.conf"

// Environment variables that take logins away from remote.yaml.
const (
	// DockerAuthConfig holds a whole docker config's "auths" and wins over
	// every helper in docker/cli (PR #6008, vendored v29.4+ by both CLIs),
	// crane and regclient.
	DockerAuthConfig = "DOCKER_AUTH_CONFIG"
	// RegistryAuthFile replaces the auth files of containers tools (and is
	// read by ggcr when there is no docker config).
	RegistryAuthFile = "REGISTRY_AUTH_FILE"
)

// DockerConfig is the docker/cli config file: $DOCKER_CONFIG/config.json,
// else ~/.docker/config.json (cli/config/config.go). Docker, crane, oras
// and regctl read it.
func (m *Machine) DockerConfig() string {
	if d := m.getenv("DOCKER_CONFIG"); d != "" {
		return filepath.Join(d, "config.json")
	}
	return filepath.Join(m.Home, ".docker", "config.json")
}

// ConfigHome is $XDG_CONFIG_HOME, else ~/.config.
func (m *Machine) ConfigHome() string {
	if d := m.getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	return filepath.Join(m.Home, ".config")
}

// ProgramDockerConfigs are the docker config files the program of kind
// reads and writes registry logins in, in its order: docker-config.json
// next to remote.yaml; for Apptainer ≥1.4, when that file is absent,
// $APPTAINER_CONFIGDIR/config.json or ~/.docker/config.json
// (internal/pkg/util/ociauth SearchDockerConf). All are listed: setup
// creates docker-config.json later, and a login Apptainer put in a
// fallback before stays there (also ~/.docker/config.json when
// APPTAINER_CONFIGDIR is set: it may have been set later). The second is
// where Apptainer writes now when the first is absent.
func (m *Machine) ProgramDockerConfigs(kind string) []string {
	return m.dockerConfigsIn(kind, m.ConfigDir(kind))
}

// UserDockerConfigs are ProgramDockerConfigs for the user file u: next to
// the remote.yaml that holds the logins now (before Apptainer's migration,
// ~/.singularity's), also when neither program is installed.
func (m *Machine) UserDockerConfigs(u UserFile) []string {
	return m.dockerConfigsIn(u.Program, filepath.Dir(u.ReadPath()))
}

func (m *Machine) dockerConfigsIn(kind, dir string) []string {
	out := []string{filepath.Join(dir, "docker-config.json")}
	if kind == SingularityCE {
		return out
	}
	if d := m.getenv("APPTAINER_CONFIGDIR"); d != "" {
		out = append(out, filepath.Join(d, "config.json"))
	}
	return appendNew(out, filepath.Join(m.Home, ".docker", "config.json"))
}

// ContainersAuthFiles are the files containers/image reads logins from,
// in its order (pkg/docker/config/config.go): $REGISTRY_AUTH_FILE alone
// when set; else $XDG_RUNTIME_DIR/containers/auth.json,
// $XDG_CONFIG_HOME/containers/auth.json and ~/.config/containers/auth.json
// (older versions read ~/.config whatever XDG_CONFIG_HOME says), the
// docker config and ~/.dockercfg.
func (m *Machine) ContainersAuthFiles() []string {
	if f := m.getenv(RegistryAuthFile); f != "" {
		return []string{f}
	}
	return append(m.containersOwnAuthFiles(), m.DockerConfig(), filepath.Join(m.Home, ".dockercfg"))
}

// ContainersLoginFiles are the files a containers tool may have written a
// login to: $REGISTRY_AUTH_FILE, then its own auth.json files whatever
// REGISTRY_AUTH_FILE says (it may have been set later).
func (m *Machine) ContainersLoginFiles() []string {
	var out []string
	if f := m.getenv(RegistryAuthFile); f != "" {
		out = append(out, f)
	}
	for _, f := range m.containersOwnAuthFiles() {
		out = appendNew(out, f)
	}
	return out
}

func (m *Machine) containersOwnAuthFiles() []string {
	var out []string
	if d := m.getenv("XDG_RUNTIME_DIR"); d != "" {
		out = append(out, filepath.Join(d, "containers", "auth.json"))
	}
	out = appendNew(out, filepath.Join(m.ConfigHome(), "containers", "auth.json"))
	return appendNew(out, filepath.Join(m.Home, ".config", "containers", "auth.json"))
}

// DropInReader is one program that reads the containers drop-in, and the
// directory it reads user drop-ins from.
type DropInReader struct {
	Reader string // "apptainer", "podman", "skopeo" or "buildah"
	Dir    string // …/containers/registries.conf.d
	Why    string // the code that says so
}

// Path is the drop-in's path in Dir.
func (r DropInReader) Path() string { return filepath.Join(r.Dir, DropInName) }

// DropInReaders are the installed readers of the containers
// registries.conf drop-in, each with where it looks:
//   - Apptainer: its vendored go.podman.io/storage pkg/configfile reads
//     $XDG_CONFIG_HOME when set, else ~/.config (seen in the second lab:
//     pulls failed with the drop-in only under ~/.config). SingularityCE
//     ≥4.1 pulls through ggcr and needs no drop-in.
//   - podman, skopeo, buildah: containers/image as built into them. Up to
//     c/image 5.23 (podman 4, skopeo 1.9, buildah 1.28, as Debian 12 ships)
//     pkg/sysregistriesv2 reads homedir.Get()+".config/containers/
//     registries.conf.d", whatever XDG_CONFIG_HOME says (checked here with
//     skopeo 1.9.3 and podman 4.3.1); a version not checked gets both
//     places, as one of them is what it reads.
func (m *Machine) DropInReaders() []DropInReader {
	var out []DropInReader
	home := filepath.Join(m.Home, ".config", "containers", "registries.conf.d")
	xdg := filepath.Join(m.ConfigHome(), "containers", "registries.conf.d")
	if m.Apptainer != nil {
		out = append(out, DropInReader{"apptainer", xdg, "go.podman.io/storage pkg/configfile: $XDG_CONFIG_HOME, else ~/.config"})
	}
	for _, name := range []string{"podman", "skopeo", "buildah"} {
		if _, ok := m.Tool(name); !ok {
			continue
		}
		if m.containersImageUsesHome(name) || xdg == home {
			out = append(out, DropInReader{name, home, "containers/image sysregistriesv2: ~/.config whatever XDG_CONFIG_HOME says"})
			continue
		}
		out = append(out,
			DropInReader{name, home, "version not checked: ~/.config (containers/image ≤5.x)"},
			DropInReader{name, xdg, "version not checked: $XDG_CONFIG_HOME (newer containers code)"})
	}
	return out
}

// DropInPaths are the places the drop-in must be, each once, in order.
func (m *Machine) DropInPaths() []string {
	var out []string
	for _, r := range m.DropInReaders() {
		out = appendNew(out, r.Path())
	}
	return out
}

// versionRE is compiled on first use: the helper imports this package on
// every call and never asks a version.
var versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`version (\d+)\.(\d+)`) })

// containersImageUsesHome says the tool's containers/image reads
// ~/.config for drop-ins: the versions checked (podman ≤4, skopeo ≤1.9,
// buildah ≤1.28), or any when its version was not asked (the helper,
// which never writes drop-ins).
func (m *Machine) containersImageUsesHome(name string) bool {
	v := m.Version(name)
	if v == "" {
		return true
	}
	match := versionRE().FindStringSubmatch(v)
	if match == nil {
		return false
	}
	major, _ := strconv.Atoi(match[1])
	minor, _ := strconv.Atoi(match[2])
	switch name {
	case "podman": // 4.3.1 checked here (containers/image 5.23)
		return major <= 4
	case "skopeo": // 1.9.3 checked here (containers/image 5.23)
		return major < 1 || major == 1 && minor <= 9
	default: // buildah 1.28 is built on the same containers/image 5.23
		return major < 1 || major == 1 && minor <= 28
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
