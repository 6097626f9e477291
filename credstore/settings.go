package credstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"go.yaml.in/yaml/v4"
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
	data, st, err := atomicfile.ReadFile(path)
	switch {
	case err != nil:
		return s, err
	case !st.Exists:
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

// secretsLine is the setting's line in a settings file, value and all. It
// is compiled on first use: only `remote-login setup` edits the file, and
// compiling at package init cost every helper call 18,000 instructions.
var secretsLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^secrets:[ \t]*[^#\s]*`)
})

// SaveSecrets makes the settings file at path say `secrets: to`, keeping
// its comments, and reports whether it had to change. The file is replaced
// atomically: a helper reading it meanwhile sees the old or the new setting.
func SaveSecrets(path string, to Secrets) (changed bool, err error) {
	err = atomicfile.Update(path, atomicfile.Options{}, func(data []byte, _ atomicfile.State) ([]byte, atomicfile.Op, error) {
		changed = false
		if cur, ok := decodeSettings(data); ok && cur.Secrets == to {
			return nil, atomicfile.Keep, nil
		}
		line := "secrets: " + string(to)
		out := secretsLine().ReplaceAll(data, []byte(line))
		if !secretsLine().Match(data) {
			if len(out) > 0 && out[len(out)-1] != '\n' {
				out = append(out, '\n')
			}
			out = append(out, line+"\n"...)
		}
		if cur, ok := decodeSettings(out); !ok || cur.Secrets != to {
			// A layout the line edit cannot change (flow style): the setting
			// is the file's only key, so the file becomes that one line.
			out = []byte(line + "\n")
		}
		changed = true
		return out, atomicfile.Replace, nil
	})
	return changed && err == nil, err
}

func decodeSettings(data []byte) (Settings, bool) {
	var s Settings
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return s, false
	}
	return s, true
}
