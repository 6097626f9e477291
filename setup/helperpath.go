package setup

import (
	"errors"
	"fmt"
)

// ErrHelperNotOnPath: the tools would be told to run a program they cannot
// find. Docker, crane and podman then fail every pull, anonymous ones too,
// with "executable file not found".
var ErrHelperNotOnPath = errors.New("docker-credential-" + Helper + " is not on PATH")

// CheckHelper says whether the tools can run the helper, and how to fix it
// when they cannot.
func (env Env) CheckHelper() error {
	if _, err := env.LookPath("docker-credential-" + Helper); err == nil {
		return nil
	}
	return fmt.Errorf("%w, so every tool set up to use it would fail, anonymous pulls too (executable file not found): "+
		"put the directory that holds docker-credential-"+Helper+" (installed with remote-login) on PATH in your shell profile, then run setup again; "+
		"--per-registry limits the failure to the registries you log in to; --force writes the files anyway", ErrHelperNotOnPath)
}
