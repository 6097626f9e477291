package credstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Secrets says where registry secrets live.
type Secrets string

// The two places a registry secret can live.
const (
	InFile    Secrets = "file"    // the entry's Auth in remote.yaml (the default)
	InKeyring Secrets = "keyring" // the OS keyring; the entry keeps URI and Insecure
)

// Settings are remoteyaml's own, kept out of remote.yaml: a key there that
// Apptainer does not know would break it.
type Settings struct {
	Secrets Secrets `yaml:"secrets"`
}

// SettingsPath is $XDG_CONFIG_HOME/remoteyaml/config.yaml, or
// ~/.config/remoteyaml/config.yaml.
func SettingsPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		dir = filepath.Join(getenv("HOME"), ".config")
	}
	return filepath.Join(dir, "remoteyaml", "config.yaml")
}

// LoadSettings reads the settings file, then the REMOTEYAML_SECRETS
// override. The helper is started by docker, podman or systemd with a
// minimal environment, so the file is what normally decides.
func LoadSettings(getenv func(string) string) (Settings, error) {
	s := Settings{Secrets: InFile}
	path := SettingsPath(getenv)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return s, fmt.Errorf("reading %s: %w", path, err)
	default:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
			return s, fmt.Errorf("reading %s: %s (expected `secrets: file` or `secrets: keyring`)", path, bytes.ReplaceAll([]byte(err.Error()), []byte("\n"), []byte(" ")))
		}
		if s.Secrets == "" {
			s.Secrets = InFile
		}
	}
	if v := getenv("REMOTEYAML_SECRETS"); v != "" {
		s.Secrets = Secrets(v)
		path = "REMOTEYAML_SECRETS"
	}
	if s.Secrets != InFile && s.Secrets != InKeyring {
		return s, fmt.Errorf("%s: secrets must be %q or %q, not %q", path, InFile, InKeyring, s.Secrets)
	}
	return s, nil
}
