// Package sysremote finds the system remote.yaml that Apptainer or
// SingularityCE installs under its compiled-in sysconfdir, and merges its
// remotes into the user's view the way those programs do (remote.Config
// SyncFrom in both): a fresh user's default remote (Apptainer's
// DefaultRemote, SingularityCE's SylabsCloud) lives only there.
//
// Finding the file: REMOTEYAML_SYSTEM_FILE, else <sysconfdir>/<program>/
// remote.yaml with the sysconfdir the installed program reports (package
// machine asks it, so that asking changes nothing of the user's), else the
// usual prefixes /usr/local/etc and /etc.
package sysremote

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/remoteyaml/remoteyaml/machine"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// The two programs that read remote.yaml.
const (
	Apptainer     = machine.Apptainer
	SingularityCE = machine.SingularityCE
)

// EnvFile overrides where the system file is (tests, unusual installs).
const EnvFile = "REMOTEYAML_SYSTEM_FILE"

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

// prefixes are tried when the program did not say.
var prefixes = []string{"/usr/local/etc", "/etc"}

// Find locates and reads the system file of the program owning the user
// file u. No system file is not an error; one that does not decode
// strictly is.
func Find(m *machine.Machine, u machine.UserFile) (System, error) {
	s := System{Program: u.Program}
	if p := m.Getenv(EnvFile); p != "" {
		s.Path = p
	} else {
		s.Path = s.locate(m)
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

// locate uses the sysconfdir the installed program reported, then tries
// the usual prefixes.
func (s *System) locate(m *machine.Machine) string {
	for _, p := range m.Programs() {
		if p.Kind == s.Program && p.SysconfDir != "" {
			return filepath.Join(p.SysconfDir, s.Program, yamlstore.FileName)
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
