package importer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/remoteyaml/remoteyaml/setup"
)

// Source is one place logins are imported from.
type Source struct {
	Tool string // setup.Docker, setup.Podman or setup.Apptainer
	Path string // the JSON file
	// Helper, when set, names the credential helper Path's "credsStore"
	// named before setup: the logins are read from it, not from Path.
	Helper string
	// Fallback marks a file Apptainer ≥ 1.4 writes a login's secret to only
	// while docker-config.json is absent ($APPTAINER_CONFIGDIR/config.json,
	// or ~/.docker/config.json), and reads only then.
	Fallback bool
}

func (s Source) String() string {
	if s.Helper != "" {
		return "docker-credential-" + s.Helper + " (the credsStore of " + s.Path + " before setup)"
	}
	return s.Path
}

// Sources lists the files that hold logins, in the order import takes
// them, each once (a path reached twice, e.g. REGISTRY_AUTH_FILE naming
// Docker's config.json, is read once): Docker's config.json, podman's
// auth.json files (machine.ContainersLoginFiles: REGISTRY_AUTH_FILE,
// $XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME/containers/
// auth.json and ~/.config/containers/auth.json), Apptainer's
// docker-config.json, and the files Apptainer ≥ 1.4 writes while that one
// is absent ($APPTAINER_CONFIGDIR/config.json, ~/.docker/config.json; the
// machine model's UserDockerConfigs, none for SingularityCE). A helper
// setup replaced in a file comes right after that file.
func Sources(env setup.Env) ([]Source, error) {
	type cand struct {
		tool, path string
		err        error
		fallback   bool
	}
	var cands []cand
	p, err := env.DockerConfig()
	cands = append(cands, cand{setup.Docker, p, err, false})
	m := env.M()
	for _, f := range m.ContainersLoginFiles() {
		cands = append(cands, cand{setup.Podman, f, nil, false})
	}
	p, err = env.ApptainerDockerConfig()
	cands = append(cands, cand{setup.Apptainer, p, err, false})
	// Apptainer ≥ 1.4 without docker-config.json (SearchDockerConf; it
	// ignores DOCKER_CONFIG). Its logout stops looking here once setup
	// made docker-config.json, so only import removes such a secret.
	if u, err := m.UserFile(); err == nil {
		for _, f := range m.UserDockerConfigs(u)[1:] {
			cands = append(cands, cand{setup.Apptainer, f, nil, true})
		}
	}

	var out []Source
	seen := map[string]bool{}
	for _, c := range cands {
		if c.err != nil {
			return nil, c.err
		}
		real, err := filepath.EvalSymlinks(c.path)
		if errors.Is(err, fs.ErrNotExist) {
			real = filepath.Clean(c.path)
		} else if err != nil {
			return nil, err
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		if _, err := os.Stat(c.path); err == nil {
			out = append(out, Source{Tool: c.tool, Path: c.path, Fallback: c.fallback})
		}
		if c.tool == setup.Podman || c.fallback {
			continue
		}
		helper, err := env.ReplacedHelper(c.path)
		if err != nil {
			return nil, err
		}
		if helper != "" && !seen["helper:"+helper] { // named in two files: read once
			seen["helper:"+helper] = true
			out = append(out, Source{Tool: c.tool, Path: c.path, Helper: helper})
		}
	}
	return out, nil
}
