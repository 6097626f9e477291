package yamlstore

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
)

// FileName is the name of the file in a config directory.
const FileName = "remote.yaml"

// Locate returns the path of the user's remote.yaml in the order the
// package documentation gives. getenv is os.Getenv outside tests.
func Locate(getenv func(string) string) (string, error) {
	if p := getenv("REMOTEYAML_FILE"); p != "" {
		return p, nil
	}
	for _, v := range []string{"APPTAINER_CONFIGDIR", "SINGULARITY_CONFIGDIR"} {
		if d := getenv(v); d != "" {
			return filepath.Join(d, FileName), nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		u, err := user.Current()
		if err != nil || u.HomeDir == "" {
			return "", errors.New("cannot find remote.yaml: HOME is not set and the user has no home directory; set APPTAINER_CONFIGDIR or REMOTEYAML_FILE")
		}
		home = u.HomeDir
	}
	for _, d := range []string{".apptainer", ".singularity"} {
		if fi, err := os.Stat(filepath.Join(home, d)); err == nil && fi.IsDir() {
			return filepath.Join(home, d, FileName), nil
		}
	}
	return filepath.Join(home, ".apptainer", FileName), nil
}
