package yamlstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"
)

// Config mirrors remote.Config of Apptainer and SingularityCE: the same keys,
// so that decoding with KnownFields rejects exactly what they reject.
type Config struct {
	Active      string             `yaml:"Active"`
	Remotes     map[string]*Remote `yaml:"Remotes"`
	Credentials []Credential       `yaml:"Credentials,omitempty"`
}

// Remote is one library endpoint (endpoint.Config in the real programs).
type Remote struct {
	URI        string      `yaml:"URI,omitempty"`
	Token      string      `yaml:"Token,omitempty"`
	System     bool        `yaml:"System"`
	Exclusive  bool        `yaml:"Exclusive"`
	Insecure   bool        `yaml:"Insecure,omitempty"`
	Keyservers []Keyserver `yaml:"Keyservers,omitempty"`
}

// Keyserver is one keyserver of a remote (endpoint.ServiceConfig).
type Keyserver struct {
	URI      string `yaml:"URI"`
	Skip     bool   `yaml:"Skip"`
	External bool   `yaml:"External"`
	Insecure bool   `yaml:"Insecure"`
}

// Credential is one of the "Authenticated Logins" (credential.Config).
// Auth is a literal Authorization header value; empty means the secret is
// kept elsewhere (Apptainer's registry login keeps it in docker-config.json).
type Credential struct {
	URI      string `yaml:"URI"`
	Auth     string `yaml:"Auth,omitempty"`
	Insecure bool   `yaml:"Insecure"`
}

// MaxSize bounds what is read: remote.yaml is a few kilobytes, and a huge
// file is a mistake or an attack, not a config.
const MaxSize = 16 << 20

var (
	// ErrInvalid marks a file that Apptainer and SingularityCE would refuse:
	// unparsable YAML, an unknown or duplicate key, or an oversized file.
	ErrInvalid = errors.New("invalid remote.yaml")
	// ErrNoRemote is returned when an edit names a remote the file lacks.
	ErrNoRemote = errors.New("no such remote")
)

// DecodeStrict decodes data the way Apptainer ≥1.5 and SingularityCE ≥4.4
// do (go-yaml v4's v3-compatible Decoder with KnownFields; their earlier
// releases used gopkg.in/yaml.v3, which answers differently on a few
// hand-made files: TestDecodeStrict_AnswersAsGoYAMLv4). A file with no document at all
// (empty, or only comments) decodes to the zero Config: it holds no logins,
// and every edit turns it into a file the real programs accept.
func DecodeStrict(data []byte) (Config, error) {
	if c, ok := fastDecode(data); ok {
		return c, nil
	}
	return decodeFull(data)
}

func decodeFull(data []byte) (Config, error) {
	var c Config
	if len(data) > MaxSize {
		return c, fmt.Errorf("%w: larger than %d MiB", ErrInvalid, MaxSize>>20)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("%w: %s", ErrInvalid, oneLine(err))
	}
	return c, nil
}

// unknownField is compiled on first use: only a refused file needs it, and
// compiling it at package init cost every helper call 28,000 instructions.
var unknownField = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`field (\S+) not found in type \S+`)
})

// oneLine turns go-yaml v4's multi-line error lists into one line, and names
// an unknown key the way a user can act on.
func oneLine(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	msg = strings.ReplaceAll(msg, "\n", " ")
	msg = unknownField().ReplaceAllString(msg, `unknown key "$1" (Apptainer and SingularityCE reject it: remove it or fix its spelling)`)
	return msg
}
