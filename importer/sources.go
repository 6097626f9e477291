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
// auth.json and ~/.config/containers/auth.json), and
// Apptainer's docker-config.json. A helper setup replaced in a file comes
// right after that file.
func Sources(env setup.Env) ([]Source, error) {
	type cand struct {
		tool, path string
		err        error
	}
	var cands []cand
	p, err := env.DockerConfig()
	cands = append(cands, cand{setup.Docker, p, err})
	for _, f := range env.M().ContainersLoginFiles() {
		cands = append(cands, cand{setup.Podman, f, nil})
	}
	p, err = env.ApptainerDockerConfig()
	cands = append(cands, cand{setup.Apptainer, p, err})

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
			out = append(out, Source{Tool: c.tool, Path: c.path})
		}
		if c.tool == setup.Podman {
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
