package login

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/safetext"
)

// Kinds of target.
const (
	Library   = "library"   // a remote name of remote.yaml
	Keyserver = "keyserver" // an http(s) or hkp(s) URI
	Registry  = "registry"  // a docker:// or oras:// URI
)

// Target is what the user asked to log in to or out of.
type Target struct {
	Kind string
	// Raw is the target as typed, fit for messages: user information,
	// query and fragment masked (they may hold a password), non-printable
	// characters escaped.
	Raw string
	// Name is the remote name, for Library.
	Name string
	// URL is what is requested to check a keyserver login (hkp folded to
	// http), for Keyserver.
	URL string
	// EntryURI is the Credentials URI the login is stored under, for
	// Keyserver (the folded URL) and Registry (docker://host[:port], or
	// oras://host[:port] for an oras:// target, as Apptainer writes them).
	EntryURI string
	// Host is host[:port] of the server, for Keyserver and Registry.
	Host string
	// Plain is set for a keyserver URI that is not https (http or hkp).
	Plain bool
}

// ErrTarget marks a target that cannot be parsed.
var ErrTarget = errors.New("invalid target")

// ParseTarget tells a remote name from a keyserver or registry URI.
func ParseTarget(s string) (Target, error) {
	t := Target{Raw: safetext.Target(s)}
	shown := safetext.Redact(s) // quoted with %q, which escapes
	if s == "" {
		return t, fmt.Errorf("%w: empty", ErrTarget)
	}
	scheme, _, hasScheme := strings.Cut(s, "://")
	if !hasScheme {
		if strings.ContainsAny(s, "/ \t") {
			return t, fmt.Errorf("%w %q: not a remote name; a registry is docker://HOST[:PORT], a keyserver https://HOST", ErrTarget, shown)
		}
		t.Kind, t.Name = Library, s
		return t, nil
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "docker", "oras":
		k, err := protocol.ParseKey(s)
		if err != nil {
			return t, fmt.Errorf("%w %q: %v", ErrTarget, shown, errors.Unwrap(err))
		}
		if k.Kind != protocol.Registry {
			return t, fmt.Errorf("%w %q: not a registry", ErrTarget, shown)
		}
		t.Kind, t.Host, t.EntryURI = Registry, k.Host, k.EntryURI()
		if scheme == "oras" {
			// As Apptainer's registry login stores it: its logout of
			// oras://H removes only an oras:// entry. The helper serves both.
			t.EntryURI = "oras://" + k.Host
		}
		return t, nil
	case "http", "https", "hkp", "hkps":
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.Opaque != "" {
			return t, fmt.Errorf("%w %q: want %s://HOST[:PORT][/PATH]", ErrTarget, shown, scheme)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			// Never quote it: user information may hold a password.
			return t, fmt.Errorf("%w: a keyserver URI takes no user information, query or fragment; give the user with --username", ErrTarget)
		}
		u.Scheme = scheme
		switch scheme {
		case "hkp":
			u.Scheme = "http"
			if u.Port() == "" {
				u.Host = net.JoinHostPort(u.Hostname(), "11371")
			}
		case "hkps":
			u.Scheme = "https"
		}
		t.Kind, t.URL, t.EntryURI, t.Host = Keyserver, u.String(), u.String(), u.Host
		t.Plain = u.Scheme == "http"
		return t, nil
	}
	return t, fmt.Errorf("%w %q: unknown scheme %q; use a remote name, docker://, oras://, https://, http://, hkps:// or hkp://", ErrTarget, shown, safetext.Redact(scheme))
}
