package machine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// EnvFile names remote.yaml outright (tests, unusual setups).
const EnvFile = "REMOTEYAML_FILE"

// ConfigDir is the user config directory the program of that kind reads,
// found as it finds it (pkg/syfs/syfs.go in both):
//   - Apptainer: $APPTAINER_CONFIGDIR, else $SINGULARITY_CONFIGDIR, else
//     $HOME/.apptainer (the passwd home when HOME is unset);
//   - SingularityCE: $SINGULARITY_CONFIGDIR, else <passwd home>/.singularity,
//     whatever $HOME says.
func (m *Machine) ConfigDir(kind string) string {
	if kind == SingularityCE {
		if d := m.getenv("SINGULARITY_CONFIGDIR"); d != "" {
			return d
		}
		return filepath.Join(m.PasswdHome(), ".singularity")
	}
	for _, v := range []string{"APPTAINER_CONFIGDIR", "SINGULARITY_CONFIGDIR"} {
		if d := m.getenv(v); d != "" {
			return d
		}
	}
	return filepath.Join(m.Home, ".apptainer")
}

// UserFile is the remote.yaml remoteyaml keeps logins in.
type UserFile struct {
	// Path is the file the program reads.
	Path string
	// Program is the kind whose file it is: the installed one, or when
	// neither is installed the one whose directory it is in.
	Program string
	// Installed says Program is on PATH.
	Installed bool
	// Legacy, when set, is the ~/.singularity that Apptainer will migrate
	// into Path's directory on its next command (any command, --version
	// included): Path does not exist yet, and what Legacy holds is what
	// Apptainer will have.
	Legacy string
}

// ReadPath is the file that holds the logins now: Path, or before
// Apptainer's migration the remote.yaml it will copy.
func (u UserFile) ReadPath() string {
	if u.Legacy != "" {
		return filepath.Join(u.Legacy, yamlstore.FileName)
	}
	return u.Path
}

// Dir is the config directory.
func (u UserFile) Dir() string { return filepath.Dir(u.Path) }

// UserFile finds remote.yaml: $REMOTEYAML_FILE; else the file the
// installed program reads; else, with neither installed, the first of
// $APPTAINER_CONFIGDIR, $SINGULARITY_CONFIGDIR, an existing ~/.apptainer,
// an existing ~/.singularity, ~/.apptainer.
func (m *Machine) UserFile() (UserFile, error) {
	if m.Home == "" && m.getenv("APPTAINER_CONFIGDIR") == "" && m.getenv("SINGULARITY_CONFIGDIR") == "" && m.getenv(EnvFile) == "" {
		return UserFile{}, errors.New("cannot find remote.yaml: HOME is not set and the user has no home directory; set APPTAINER_CONFIGDIR or REMOTEYAML_FILE")
	}
	if prog := m.Primary(); prog != nil {
		u := UserFile{Program: prog.Kind, Installed: true, Path: filepath.Join(m.ConfigDir(prog.Kind), yamlstore.FileName)}
		if p := m.getenv(EnvFile); p != "" {
			u.Path = p
			return u, nil
		}
		if prog.Kind == Apptainer && m.migrates() {
			u.Legacy = filepath.Join(m.Home, ".singularity")
		}
		return u, nil
	}
	u := UserFile{Program: Apptainer}
	switch {
	case m.getenv(EnvFile) != "":
		u.Path = m.getenv(EnvFile)
	case m.getenv("APPTAINER_CONFIGDIR") != "":
		u.Path = filepath.Join(m.getenv("APPTAINER_CONFIGDIR"), yamlstore.FileName)
	case m.getenv("SINGULARITY_CONFIGDIR") != "":
		u.Path = filepath.Join(m.getenv("SINGULARITY_CONFIGDIR"), yamlstore.FileName)
	case isDir(filepath.Join(m.Home, ".apptainer")):
		u.Path = filepath.Join(m.Home, ".apptainer", yamlstore.FileName)
	case isDir(filepath.Join(m.Home, ".singularity")):
		u.Path = filepath.Join(m.Home, ".singularity", yamlstore.FileName)
		u.Program = SingularityCE
	default:
		u.Path = filepath.Join(m.Home, ".apptainer", yamlstore.FileName)
	}
	return u, nil
}

// migrates says Apptainer's next command will migrate ~/.singularity:
// with no config directory variable set, ~/.apptainer missing and
// ~/.singularity present (cmd/internal/cli/apptainer.go handleConfDir;
// with a variable set, the legacy directory is that same directory).
func (m *Machine) migrates() bool {
	if m.getenv("APPTAINER_CONFIGDIR") != "" || m.getenv("SINGULARITY_CONFIGDIR") != "" {
		return false
	}
	if _, err := os.Lstat(filepath.Join(m.Home, ".apptainer")); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	return isDir(filepath.Join(m.Home, ".singularity"))
}

// Migrate does what Apptainer's next command would do to a user with only
// ~/.singularity, so that a login written now lands where Apptainer reads
// and is not shadowed by that migration later: create ~/.apptainer (0700),
// copy remote.yaml into it only if it decodes (as Apptainer's
// migrateRemoteConf checks), copy docker-config.json, and copy the
// sypgp keyrings into keys/. It returns the files copied; nothing when no
// migration is due.
func (m *Machine) Migrate() ([]string, error) {
	u, err := m.UserFile()
	if err != nil || u.Legacy == "" {
		return nil, err
	}
	dir := u.Dir()
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("creating %s as Apptainer would: %w", dir, err)
	}
	var copied []string
	cp := func(from, to string, check func([]byte) bool) error {
		data, err := os.ReadFile(from)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("migrating %s: %w", from, err)
		}
		if check != nil && !check(data) {
			return nil
		}
		if err := atomicfile.Write(to, data, 0o600); err != nil {
			return fmt.Errorf("migrating %s to %s: %w", from, to, err)
		}
		copied = append(copied, to)
		return nil
	}
	parses := func(b []byte) bool { _, err := yamlstore.DecodeStrict(b); return err == nil }
	if err := cp(filepath.Join(u.Legacy, yamlstore.FileName), u.Path, parses); err != nil {
		return copied, err
	}
	if err := cp(filepath.Join(u.Legacy, "docker-config.json"), filepath.Join(dir, "docker-config.json"), nil); err != nil {
		return copied, err
	}
	if isDir(filepath.Join(u.Legacy, "sypgp")) {
		keys := filepath.Join(dir, "keys")
		if err := os.Mkdir(keys, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return copied, fmt.Errorf("creating %s as Apptainer would: %w", keys, err)
		}
		for _, f := range []string{"pgp-public", "pgp-secret"} {
			if err := cp(filepath.Join(u.Legacy, "sypgp", f), filepath.Join(keys, f), nil); err != nil {
				return copied, err
			}
		}
	}
	return copied, nil
}
