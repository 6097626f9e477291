package credstore

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/jsonedit"
)

type dockerAuth struct{ user, secret string }

// readDockerAuths reads the "auths" of a docker config file, the format of
// docker/cli's configfile: "auth" is base64(user:secret), "identitytoken" a
// token. A missing file has no auths.
func readDockerAuths(path string) (map[string]dockerAuth, error) {
	out := map[string]dockerAuth{}
	if path == "" {
		return out, nil
	}
	data, st, err := atomicfile.ReadFile(path)
	if err != nil || !st.Exists {
		return out, err
	}
	var cfg struct {
		Auths map[string]struct {
			Auth          string `json:"auth"`
			Username      string `json:"username"`
			Password      string `json:"password"`
			IdentityToken string `json:"identitytoken"`
		} `json:"auths"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		// Never quote the decoder's error: it may hold part of a secret.
		return nil, fmt.Errorf("reading %s: not a valid docker config (JSON); fix or remove it", path)
	}
	for key, a := range cfg.Auths {
		d := dockerAuth{user: a.Username, secret: a.Password}
		if a.Auth != "" {
			raw, err := base64.StdEncoding.DecodeString(a.Auth)
			if err != nil {
				continue
			}
			d.user, d.secret, _ = strings.Cut(string(raw), ":")
		}
		if a.IdentityToken != "" {
			d.user, d.secret = "<token>", a.IdentityToken
		}
		if d.secret != "" {
			out[key] = d
		}
	}
	return out, nil
}

// lookupDockerAuth finds the secret Apptainer stored for an entry URI: it
// keyed it by host+path, and Docker Hub by https://index.docker.io/v1/.
func lookupDockerAuth(auths map[string]dockerAuth, entryURI string) (dockerAuth, string, bool) {
	u, err := url.Parse(entryURI)
	if err != nil || u.Host == "" {
		return dockerAuth{}, "", false
	}
	host := strings.ToLower(u.Host)
	keys := []string{host + strings.TrimSuffix(u.Path, "/"), host, "https://" + host, "http://" + host}
	switch host {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		keys = []string{"https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1"}
	}
	for _, k := range keys {
		if a, ok := auths[k]; ok {
			return a, k, true
		}
	}
	return dockerAuth{}, "", false
}

// removeDockerAuth deletes auths[key] from the docker config at path,
// editing only that member (jsonedit: the member Go's decoder read), on
// atomicfile's write path: locked, checked, the file's mode and owner
// kept. A symlinked file keeps its link: its target is replaced.
func removeDockerAuth(path, key string) error {
	err := atomicfile.Update(path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		if !st.Exists {
			return nil, atomicfile.Keep, nil
		}
		out, found, err := jsonedit.Remove(data, "auths", key)
		if err != nil {
			return nil, atomicfile.Keep, fmt.Errorf("editing %s: %w", path, err)
		}
		if !found {
			return nil, atomicfile.Keep, nil
		}
		return out, atomicfile.Replace, nil
	})
	if err != nil {
		return fmt.Errorf("%w; remove \"auths\": %q by hand", err, key)
	}
	return nil
}

// checkDockerAuth tells whether removeDockerAuth could remove auths[key]
// from the file at path: an erase refuses before it drops the entry that
// points at a secret it then could not remove.
func checkDockerAuth(path, key string) error {
	data, _, err := atomicfile.ReadFile(path)
	if err != nil {
		return err
	}
	if _, _, err := jsonedit.Find(data, "auths", key); err != nil {
		return fmt.Errorf("%s: %w; nothing was removed", path, err)
	}
	return nil
}
