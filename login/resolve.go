package login

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Known is what the user's configuration says about the words a target
// may be: remote names, keyserver URIs, and the program's command names.
type Known struct {
	Remotes    []string // remote names (user and system remotes)
	Keyservers []string // keyserver URIs: configured on a remote, or logged in to
	Commands   []string // words that are commands, never remote names
}

// RegistryProbe tells whether an http(s) URL's host is an OCI registry; nil
// (for logout, which sends nothing) takes every URL that is not a known
// keyserver for a registry.
type RegistryProbe func(ctx context.Context, t Target) (bool, error)

// Resolve reads a target as users of docker, podman and oras type it:
//
//   - a remote name of remote.yaml is a library remote;
//   - a command name is never a remote name;
//   - any other bare HOST[:PORT] (with a dot or a port, or localhost, as
//     docker tells a registry host from a path) is a registry;
//   - an https:// or http:// URL is a keyserver when it matches a known
//     keyserver, a registry when probe finds one at its /v2/, else an
//     error giving both explicit spellings (docker:// and hkps://);
//   - docker://, oras://, hkp:// and hkps:// say what they are.
func Resolve(ctx context.Context, s string, known Known, probe RegistryProbe) (Target, error) {
	t, err := ParseTarget(s)
	if err != nil {
		return t, err
	}
	switch t.Kind {
	case Library:
		for _, c := range known.Commands {
			if s == c {
				return t, fmt.Errorf("%w %q: it is a remote-login command, not a remote name; run `remote-login %s`", ErrTarget, t.Raw, t.Raw)
			}
		}
		for _, r := range known.Remotes {
			if s == r {
				return t, nil
			}
		}
		if looksLikeHost(s) {
			return asRegistry(t, s)
		}
		return t, nil
	case Keyserver:
		scheme, _, _ := strings.Cut(strings.ToLower(s), "://")
		if scheme == "hkp" || scheme == "hkps" {
			return t, nil
		}
		for _, k := range known.Keyservers {
			if kt, err := ParseTarget(k); err == nil && kt.Kind == Keyserver && yamlstore.SameURI(kt.EntryURI, t.EntryURI) {
				return t, nil
			}
		}
		if probe == nil {
			return asRegistry(t, t.Host)
		}
		ok, err := probe(ctx, t)
		if err != nil {
			return t, err
		}
		if ok {
			return asRegistry(t, t.Host)
		}
		ks := "hkps://" + strings.TrimPrefix(t.URL, "https://") + " (added first with `keyserver add`)"
		if t.Plain {
			ks = "hkp://" + strings.TrimPrefix(t.URL, "http://") + " (added first with `keyserver add`; plain http needs --insecure)"
		}
		return t, fmt.Errorf("%w %q: no keyserver of remote.yaml has this URI and %s/v2/ does not answer as a registry; for a registry give docker://%s, for a keyserver %s",
			ErrTarget, t.Raw, t.Host, t.Host, ks)
	}
	return t, nil
}

// asRegistry is t, typed as host, read as the registry host.
func asRegistry(t Target, host string) (Target, error) {
	r, err := ParseTarget("docker://" + host)
	if err != nil {
		return t, err
	}
	r.Raw = t.Raw
	return r, nil
}

// looksLikeHost is docker's test for the first part of an image reference:
// a registry host has a dot or a port, or is localhost.
func looksLikeHost(s string) bool {
	return strings.ContainsAny(s, ".:") || s == "localhost"
}

// IsRegistry is a RegistryProbe: GET /v2/ on t's scheme and host, with no
// credentials, and look for what every registry answers with: the
// Docker-Distribution-API-Version header, or a 401 with a Bearer challenge
// (a token service). A Basic 401 alone is not enough: any web server behind
// a password answers that. insecure skips TLS verification.
func (c *Checker) IsRegistry(insecure bool) RegistryProbe {
	return func(ctx context.Context, t Target) (bool, error) {
		const step = "registry check"
		ctx, cancel := c.withTimeout(ctx)
		defer cancel()
		hc, err := c.client(t.Host, insecure, SendPolicy{Host: t.Host, Insecure: insecure})
		if err != nil {
			return false, &Error{Target: t.Raw, Step: step, Kind: KindTLS, Detail: err.Error(), Fix: "fix or remove that file"}
		}
		scheme := "https"
		if t.Plain {
			scheme = "http"
		}
		resp, err := c.get(ctx, hc, scheme+"://"+t.Host+"/v2/", "")
		if err != nil {
			return false, c.classify(err, t.Raw, step, t.Host)
		}
		defer drain(resp)
		if strings.HasPrefix(resp.Header.Get("Docker-Distribution-API-Version"), "registry/2") {
			return true, nil
		}
		ch := strings.ToLower(resp.Header.Get("WWW-Authenticate"))
		return resp.StatusCode == http.StatusUnauthorized && strings.HasPrefix(ch, "bearer ") && strings.Contains(ch, "realm="), nil
	}
}
