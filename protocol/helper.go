package protocol

import (
	"errors"
	"slices"
	"strings"

	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/remoteyaml/remoteyaml/credstore"
)

// Helper serves the four helper actions from a credstore.Store, turning
// each server URL into the login it names.
type Helper struct {
	Store *credstore.Store
}

var _ credentials.Helper = Helper{}

// Add stores a login. Repository-scoped keys store the host's login:
// remote.yaml logins are per registry.
func (h Helper) Add(c *credentials.Credentials) error {
	k, err := ParseKey(c.ServerURL)
	if err != nil {
		return err
	}
	same := func(uri string) bool { return k.Rank(uri) > 0 && isDocker(uri) }
	if k.Kind != Registry {
		same = func(uri string) bool { return uri == k.EntryURI() }
	}
	return h.Store.Put(credstore.Login{URI: k.EntryURI(), Username: c.Username, Secret: c.Secret}, same)
}

func isDocker(uri string) bool { return strings.HasPrefix(uri, "docker://") }

// Get returns a login. For a repository-scoped key any failure is "not
// found": go-containerregistry and Apptainer ask the repository first and
// the host next, and any other error would fail pulls, even of public
// images; a real problem still surfaces when the host is asked.
func (h Helper) Get(serverURL string) (string, string, error) {
	k, err := ParseKey(serverURL)
	if err != nil {
		return "", "", err
	}
	l, err := h.Store.Get(k.Rank)
	if errors.Is(err, credstore.ErrNotFound) || (err != nil && k.Repo != "") {
		return "", "", credentials.NewErrCredentialsNotFound()
	}
	if err != nil {
		return "", "", err
	}
	return l.Username, l.Secret, nil
}

// Delete removes every login the key names (docker:// and oras:// entries
// of its host), so that a logout leaves no credential behind.
func (h Helper) Delete(serverURL string) error {
	k, err := ParseKey(serverURL)
	if err != nil {
		return err
	}
	err = h.Store.Delete(func(uri string) bool { return k.Rank(uri) > 0 }, k.EntryURI())
	if errors.Is(err, credstore.ErrNotFound) {
		return credentials.NewErrCredentialsNotFound()
	}
	return err
}

// List returns one key per registry login, in the form every client can
// use (see the package documentation); keyserver logins, OAuth tokens and
// library tokens are never listed. Of the entries with the same key, the
// first in the file names the user.
func (h Helper) List() (map[string]string, error) {
	listed, err := h.listed()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(listed))
	for _, e := range listed {
		out[e.key] = e.user
	}
	return out, nil
}

// listEntry is one key of list's reply and the user name it shows.
type listEntry struct{ key, user string }

// listed is List as the reply shows it, sorted by key, without the map:
// Serve writes it as is. Only the entries the reply shows have their user
// name looked up (decoded, or asked of the keyring).
func (h Helper) listed() ([]listEntry, error) {
	logins, err := h.Store.ListByKey(ListKey)
	if err != nil {
		return nil, err
	}
	out := make([]listEntry, len(logins))
	for i, l := range logins {
		out[i] = listEntry{l.Key, l.Username}
	}
	slices.SortFunc(out, func(a, b listEntry) int { return strings.Compare(a.key, b.key) })
	return out, nil
}
