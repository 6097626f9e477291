package importer

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/jsonedit"
	"github.com/remoteyaml/remoteyaml/setup"
)

// authFile is the part of a docker config (config.json, auth.json,
// docker-config.json) import reads: docker/cli's configfile format.
type authFile struct {
	Auths       map[string]authEntry `json:"auths"`
	CredsStore  string               `json:"credsStore"`
	CredHelpers map[string]string    `json:"credHelpers"`
}

type authEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
}

func parseAuthFile(path string, data []byte) (authFile, error) {
	var f authFile
	if err := json.Unmarshal(data, &f); err != nil {
		// Never quote the decoder: its message may hold part of a secret.
		return f, fmt.Errorf("reading %s: not a valid docker config (JSON); fix it, then import again", path)
	}
	return f, nil
}

// credential is the user and secret of an entry; an empty secret is the
// marker docker login leaves when a helper holds the login.
func (a authEntry) credential() (user, secret string, err error) {
	user, secret = a.Username, a.Password
	if a.Auth != "" {
		raw, err := base64.StdEncoding.DecodeString(a.Auth)
		if err != nil {
			return "", "", errors.New(`its "auth" is not base64`)
		}
		var ok bool
		if user, secret, ok = strings.Cut(string(raw), ":"); !ok {
			return "", "", errors.New(`its "auth" lacks the user:password form`)
		}
	}
	if a.IdentityToken != "" {
		if secret != "" {
			return "", "", errors.New(`it holds both a password and an "identitytoken", and remote.yaml keeps one secret per login; remove the one you no longer use`)
		}
		user, secret = credstore.TokenUser, a.IdentityToken
	}
	return user, secret, nil
}

// sortedKeys gives a file's logins in a stable order for the report.
func (f authFile) sortedKeys() []string {
	keys := make([]string, 0, len(f.Auths))
	for k := range f.Auths {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// helperFor tells whether the file's own tool asks docker-credential-remoteyaml
// for key, so that removing the plaintext copy loses that tool nothing.
// Docker and Apptainer: "credsStore", or "credHelpers" for the key.
// podman ignores credsStore: the drop-in setup writes, or credHelpers.
func helperFor(env setup.Env, src Source, f authFile, key string) (bool, string) {
	if f.CredHelpers[key] == setup.Helper || f.CredHelpers[hostOf(key)] == setup.Helper || env.PerRegistryTool(src.Tool) {
		return true, "" // per registry: import adds the entry before it removes the copy
	}
	if src.Fallback && f.CredsStore != setup.Helper {
		// Apptainer reads this file only while docker-config.json is absent.
		p, err := env.ApptainerDockerConfig()
		if err == nil {
			if _, err := os.Stat(p); err == nil {
				return true, ""
			}
		}
		return false, fmt.Sprintf("Apptainer reads this file while %s is absent: run `remote-login setup --apptainer`, then import again", p)
	}
	if src.Tool == setup.Podman {
		if p, err := env.DropInPath(); err == nil {
			if b, _, err := atomicfile.ReadFile(p); err == nil && strings.Contains(string(b), `"`+setup.Helper+`"`) {
				return true, ""
			}
		}
		return false, "podman does not ask the helper yet: run `remote-login setup --podman`, then import again"
	}
	if f.CredsStore == setup.Helper {
		return true, ""
	}
	return false, fmt.Sprintf("%s does not ask the helper yet: run `remote-login setup --%s`, then import again", src.Tool, src.Tool)
}

// hostOf is the host part of an auths key (Apptainer keys some by host/path).
func hostOf(key string) string {
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	h, _, _ := strings.Cut(key, "/")
	return h
}

// checkEntry refuses a login import could not move whole: a host that
// more than one member of "auths" answers to (Go keeps the last, the edit
// would drop both), or an entry with a member twice (in any spelling: Go
// reads them as one).
func checkEntry(data []byte, key string) error {
	m, _, err := jsonedit.Find(data, "auths", key)
	if err != nil {
		return errors.New(oneLine(err.Error()))
	}
	o, err := jsonedit.Parse(m.Raw)
	if err != nil {
		return nil // not an object: credential() said what it read
	}
	for i, a := range o.Members {
		for _, b := range o.Members[:i] {
			if strings.EqualFold(a.Key, b.Key) {
				return fmt.Errorf("its %q is there twice, and only one would be imported", strings.ToLower(a.Key))
			}
		}
	}
	return nil
}

// removeAuths drops auths[key] of each drop from the file at path in one
// edit on atomicfile's write path, each only if it still holds the secret
// that was stored elsewhere; only those members' bytes change. It returns
// the keys it left, with why.
func removeAuths(path string, drops []drop) map[string]error {
	var failed map[string]error
	err := atomicfile.Update(path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		failed = map[string]error{}
		f, err := parseAuthFile(path, data)
		if err != nil {
			return nil, atomicfile.Keep, err
		}
		out, changed := data, false
		for _, d := range drops {
			e, ok := f.Auths[d.key]
			if !ok {
				continue // removed meanwhile
			}
			if u, s, err := e.credential(); err != nil || u != d.user || s != d.secret {
				failed[d.key] = fmt.Errorf("%s: the login for %s changed while it was imported; it is kept there, import again", path, d.key)
				continue
			}
			next, found, err := jsonedit.Remove(out, "auths", d.key)
			if err != nil {
				failed[d.key] = fmt.Errorf("%s: %w", path, err)
				continue
			}
			out, changed = next, changed || found
		}
		if !changed {
			return nil, atomicfile.Keep, nil
		}
		return out, atomicfile.Replace, nil
	})
	if err != nil {
		for _, d := range drops {
			if failed[d.key] == nil {
				failed[d.key] = err
			}
		}
	}
	return failed
}
