package credstore

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// ErrNotFound is returned when no entry holds the login asked for.
var ErrNotFound = errors.New("credentials not found")

// TokenUser is the user name that marks an identity token in the helper
// protocol (docker/cli native_store.go).
const TokenUser = "<token>"

// Login is one registry login.
type Login struct {
	URI      string // the Credentials entry URI
	Username string
	Secret   string
	Insecure bool
}

// Store is the set of logins of one remote.yaml.
type Store struct {
	File *yamlstore.File
	// DockerConfig is the docker config file Apptainer keeps secrets of
	// entries without Auth in; empty for none.
	DockerConfig string
}

// Open finds remote.yaml and Apptainer's docker config from the environment.
func Open(getenv func(string) string) (*Store, error) {
	path, err := yamlstore.Locate(getenv)
	if err != nil {
		return nil, err
	}
	return &Store{File: &yamlstore.File{Path: path}, DockerConfig: apptainerDockerConfig(filepath.Dir(path), getenv)}, nil
}

// apptainerDockerConfig is the file Apptainer's registry login writes
// secrets to (internal/pkg/util/ociauth SearchDockerConf in Apptainer ≥1.4).
func apptainerDockerConfig(configDir string, getenv func(string) string) string {
	p := filepath.Join(configDir, "docker-config.json")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if d := getenv("APPTAINER_CONFIGDIR"); d != "" {
		return filepath.Join(d, "config.json")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".docker", "config.json")
	}
	return ""
}

// Get returns the best login: the entry with the highest rank (> 0), the
// first of equals. An entry whose secret is nowhere is skipped.
func (s *Store) Get(rank func(uri string) int) (Login, error) {
	d, err := s.File.Read()
	if err != nil {
		return Login{}, err
	}
	best, bestRank := Login{}, 0
	var dockerAuths map[string]dockerAuth
	for _, e := range d.Config().Credentials {
		r := rank(e.URI)
		if r <= bestRank {
			continue
		}
		l := Login{URI: e.URI, Insecure: e.Insecure}
		if e.Auth != "" {
			if l.Username, l.Secret, err = decodeAuth(e.Auth); err != nil {
				return Login{}, fmt.Errorf("login %s in %s: %w", e.URI, s.File.Path, err)
			}
		} else {
			if dockerAuths == nil {
				if dockerAuths, err = readDockerAuths(s.DockerConfig); err != nil {
					return Login{}, err
				}
			}
			a, ok := lookupDockerAuth(dockerAuths, e.URI)
			if !ok {
				continue
			}
			l.Username, l.Secret = a.user, a.secret
		}
		best, bestRank = l, r
	}
	if bestRank == 0 {
		return Login{}, ErrNotFound
	}
	return best, nil
}

// Put stores l, replacing every entry same reports true for (and every
// entry Apptainer's SameURI rule treats as the same login). A replaced
// entry keeps its Insecure flag: the user set it, not the client.
func (s *Store) Put(l Login, same func(uri string) bool) error {
	auth, err := encodeAuth(l.Username, l.Secret)
	if err != nil {
		return err
	}
	return s.File.Update(func(d *yamlstore.Document) error {
		c := yamlstore.Credential{URI: l.URI, Auth: auth, Insecure: l.Insecure}
		for _, e := range d.Config().Credentials {
			if same(e.URI) || yamlstore.SameURI(e.URI, l.URI) {
				c.Insecure = c.Insecure || e.Insecure
				break
			}
		}
		return d.PutCredential(c, func(e yamlstore.Credential) bool { return same(e.URI) })
	})
}

// Delete removes every entry match reports true for; ErrNotFound if none.
func (s *Store) Delete(match func(uri string) bool) error {
	var n int
	err := s.File.Update(func(d *yamlstore.Document) (err error) {
		n, err = d.RemoveCredentials(func(e yamlstore.Credential) bool { return match(e.URI) })
		return err
	})
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}

// List returns the logins without their secrets.
func (s *Store) List() ([]Login, error) {
	d, err := s.File.Read()
	if err != nil {
		return nil, err
	}
	var out []Login
	var dockerAuths map[string]dockerAuth
	for _, e := range d.Config().Credentials {
		l := Login{URI: e.URI, Insecure: e.Insecure}
		if e.Auth != "" {
			l.Username, _, _ = decodeAuth(e.Auth)
		} else {
			if dockerAuths == nil {
				if dockerAuths, err = readDockerAuths(s.DockerConfig); err != nil {
					return nil, err
				}
			}
			a, _ := lookupDockerAuth(dockerAuths, e.URI)
			l.Username = a.user
		}
		out = append(out, l)
	}
	return out, nil
}

func encodeAuth(user, secret string) (string, error) {
	switch {
	case user == TokenUser:
		if secret == "" || strings.ContainsAny(secret, " \t\r\n") {
			return "", errors.New("an identity token must be one word")
		}
		return "Bearer " + secret, nil
	case strings.Contains(user, ":"):
		return "", errors.New("a user name cannot contain ':' (Basic authentication splits there)")
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+secret)), nil
}

func decodeAuth(auth string) (user, secret string, err error) {
	scheme, val, _ := strings.Cut(auth, " ")
	switch strings.ToLower(scheme) {
	case "bearer":
		return TokenUser, val, nil
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val))
		if err != nil {
			return "", "", errors.New("its Auth is not valid base64; log in again")
		}
		user, secret, ok := strings.Cut(string(raw), ":")
		if !ok {
			return "", "", errors.New("its Auth lacks the user:secret form; log in again")
		}
		return user, secret, nil
	}
	return "", "", fmt.Errorf("its Auth scheme %q is neither Basic nor Bearer; log in again", scheme)
}
