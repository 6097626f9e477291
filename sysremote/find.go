// Package sysremote finds the system remote.yaml that Apptainer or
// SingularityCE installs under its compiled-in sysconfdir, and merges its
// remotes into the user's view the way those programs do (remote.Config
// SyncFrom in both): a fresh user's default remote (Apptainer's
// DefaultRemote, SingularityCE's SylabsCloud) lives only there.
//
// Finding the file: REMOTEYAML_SYSTEM_FILE, else the program that owns the
// user's file (~/.singularity → singularity, otherwise apptainer) is asked
// `<program> --version` (Apptainer installs singularity as a link to
// itself, so the name does not tell) and `<program> buildcfg SYSCONFDIR`;
// else the usual prefixes /usr/local/etc and /etc are tried.
package sysremote

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// The two programs that read remote.yaml.
const (
	Apptainer     = "apptainer"
	SingularityCE = "singularity"
)

// EnvFile overrides where the system file is (tests, unusual installs).
const EnvFile = "REMOTEYAML_SYSTEM_FILE"

// Env is what Find needs from the outside world.
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
	// Output runs a program and returns its standard output.
	Output func(path string, args ...string) ([]byte, error)
}

// System is the system remote.yaml of the program that owns the user file.
type System struct {
	// Program is Apptainer or SingularityCE: the one whose commands advice
	// should name, and whose rules (name collisions) apply.
	Program string
	// Path is the system file; empty when none was found.
	Path string
	// Config is what it holds; the zero Config when there is no file.
	Config yamlstore.Config
}

// Owner tells which program owns the user file at userPath: SingularityCE
// for ~/.singularity or $SINGULARITY_CONFIGDIR (without
// $APPTAINER_CONFIGDIR), Apptainer otherwise.
func Owner(userPath string, getenv func(string) string) string {
	dir := filepath.Dir(userPath)
	if filepath.Base(dir) == ".singularity" {
		return SingularityCE
	}
	if d := getenv("SINGULARITY_CONFIGDIR"); d != "" && getenv("APPTAINER_CONFIGDIR") == "" && filepath.Clean(d) == dir {
		return SingularityCE
	}
	return Apptainer
}

// prefixes are tried when the program is not on PATH.
var prefixes = []string{"/usr/local/etc", "/etc"}

// Find locates and reads the system file for the user file at userPath.
// No system file is not an error; one that does not decode strictly is.
func Find(env Env, userPath string) (System, error) {
	s := System{Program: Owner(userPath, env.Getenv)}
	if p := env.Getenv(EnvFile); p != "" {
		s.Path = p
	} else {
		s.Path = s.locate(env)
	}
	if s.Path == "" {
		return s, nil
	}
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("reading the system remotes %s: %w", s.Path, err)
	}
	if s.Config, err = yamlstore.DecodeStrict(data); err != nil {
		return s, fmt.Errorf("reading the system remotes %s: %w; ask its administrator to fix it, or set %s to another file", s.Path, err, EnvFile)
	}
	return s, nil
}

// locate asks the installed program, then tries the usual prefixes.
func (s *System) locate(env Env) string {
	if path, err := env.LookPath(s.Program); err == nil && env.Output != nil {
		if out, err := env.Output(path, "--version"); err == nil {
			// Apptainer's compatibility link answers "apptainer version …".
			if v := strings.ToLower(string(out)); strings.HasPrefix(v, "apptainer") {
				s.Program = Apptainer
			} else if strings.HasPrefix(v, "singularity") {
				s.Program = SingularityCE
			}
		}
		if out, err := env.Output(path, "buildcfg", "SYSCONFDIR"); err == nil {
			if dir := string(bytes.TrimSpace(out)); filepath.IsAbs(dir) && !strings.ContainsAny(dir, "\n") {
				return filepath.Join(dir, s.Program, yamlstore.FileName)
			}
		}
	}
	for _, p := range prefixes {
		f := filepath.Join(p, s.Program, yamlstore.FileName)
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	return ""
}
