package status

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Kind of a login that no server check exists for: Docker Hub's OAuth
// token entries (docker-access-token://, docker-refresh-token://), which
// only Docker itself uses.
const hubToken = "docker-hub-token"

// Login is one stored login, with its secret, ready to be checked.
type Login struct {
	Kind   string // login.Library, login.Registry, login.Keyserver, hubToken, or "" for an entry no check knows
	Target string // what its line names: the remote's name, or the entry URI with user information redacted
	URI    string // the remote's URI (library), or the Credentials entry URI
	Where  string // where the secret lives: remote.yaml, keyring, the docker config file's path, or "" when nowhere
	// Insecure is the remote's or the entry's Insecure: plain http for
	// libraries and registries, no TLS verification for keyservers.
	Insecure bool
	Username string // credstore.TokenUser when Secret is a token
	Secret   string
	Err      error // why the secret could not be read; never holds it
}

// Load reads every login of the store's remote.yaml: each library remote
// that has an access token (by name), then each Credentials entry in file
// order, with the secret from wherever it lives. problem is why Apptainer
// and SingularityCE would refuse the file although it was read (keys they
// do not know): its logins are still checked, but the file needs fixing.
func Load(store *credstore.Store) (logins []Login, problem error, err error) {
	doc, err := store.File.Read()
	if err != nil {
		return nil, nil, err
	}
	if p := doc.Problem(); p != nil {
		problem = fmt.Errorf("%s: %w", store.File.Path, p)
	}
	cfg := doc.Config()
	var out []Login
	names := make([]string, 0, len(cfg.Remotes))
	for name, r := range cfg.Remotes {
		if r != nil && r.Token != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		r := cfg.Remotes[name]
		out = append(out, Login{Kind: login.Library, Target: name, URI: r.URI, Where: credstore.FromFile,
			Insecure: r.Insecure, Username: credstore.TokenUser, Secret: r.Token})
	}
	for _, r := range store.Resolve(cfg.Credentials) {
		l := Login{Target: redactURI(r.URI), URI: r.URI, Insecure: r.Insecure, Username: r.Username, Secret: r.Secret, Err: r.Err}
		switch r.From {
		case credstore.FromDockerConfig:
			l.Where = r.Path // the first of Apptainer's docker configs that holds it
		default:
			l.Where = r.From
		}
		scheme, _, _ := strings.Cut(r.URI, "://")
		switch strings.ToLower(scheme) {
		case "docker", "oras":
			l.Kind = login.Registry
		case "http", "https":
			l.Kind = login.Keyserver
		case "docker-access-token", "docker-refresh-token":
			l.Kind = hubToken
		}
		out = append(out, l)
	}
	return out, problem, nil
}

// ErrNoLogin marks a TARGET that no stored login matches.
var ErrNoLogin = errors.New("no login stored")

// Filter keeps the logins target names: a remote by its name, a registry
// by its host (every docker:// and oras:// entry of it, as the helper
// matches them), a keyserver by its URI. An empty target keeps them all.
func Filter(logins []Login, target string) ([]Login, error) {
	if target == "" {
		return logins, nil
	}
	t, err := login.ParseTarget(target)
	if err != nil {
		if redactURI(target) != target {
			// ParseTarget's error may quote the user information.
			return nil, fmt.Errorf("%w %s: a login target takes no user information", login.ErrTarget, redactURI(target))
		}
		return nil, err
	}
	var match func(Login) bool
	switch t.Kind {
	case login.Library:
		match = func(l Login) bool { return l.Kind == login.Library && l.Target == t.Name }
	case login.Registry:
		k, err := protocol.ParseKey(t.EntryURI)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", login.ErrTarget, err)
		}
		match = func(l Login) bool { return l.Kind == login.Registry && k.Rank(l.URI) > 0 }
	default:
		match = func(l Login) bool {
			if l.Kind != login.Keyserver {
				return false
			}
			lt, err := login.ParseTarget(l.URI)
			return err == nil && yamlstore.SameURI(lt.EntryURI, t.EntryURI)
		}
	}
	var out []Login
	for _, l := range logins {
		if match(l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		what := "a Credentials entry"
		if t.Kind == login.Library {
			what = "a remote with an access token"
		}
		return nil, fmt.Errorf("%w for %s (%s of that name)", ErrNoLogin, redactURI(target), what)
	}
	return out, nil
}

// redactURI replaces the user information of scheme://user:pass@host/… with
// "REDACTED": it may hold a password. Text that is no URI is kept.
func redactURI(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return s
	}
	return scheme + "://REDACTED" + rest[at:]
}
