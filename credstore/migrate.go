package credstore

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Migration is what a migration did.
type Migration struct {
	// Moved are the entry URIs whose secret moved, in file order.
	Moved []string
	// Kept are entries that stayed in remote.yaml with their secret: a
	// later entry with the URI of an earlier one whose keyring item holds
	// another secret (a keyring item is named by the URI alone).
	Kept []string
	// SettingsPath is the settings file Switch wrote, and SettingChanged
	// says whether it had to change.
	SettingsPath   string
	SettingChanged bool
}

// Switch moves every registry secret to the place to names (Migrate) and
// then, last and atomically, makes that place the setting, so that every
// later command (a helper docker starts, too) looks where the secrets are.
// It refuses before moving anything when REMOTEYAML_SECRETS says otherwise,
// or when the settings directory cannot be made: either would leave the
// moved logins where no command looks. Stopped half-way, running it again
// finishes it.
func (s *Store) Switch(to Secrets, getenv func(string) string) (Migration, error) {
	if v := getenv("REMOTEYAML_SECRETS"); v != "" && Secrets(v) != to {
		return Migration{}, fmt.Errorf("REMOTEYAML_SECRETS=%s overrides the settings file, so no command would find the logins moved to %s; nothing was moved: unset it (or set it to %s) and run again", v, to, to)
	}
	path := SettingsPath(getenv)
	if err := atomicfile.MkdirOwned(filepath.Dir(path)); err != nil {
		return Migration{}, fmt.Errorf("creating the directory of %s: %w; nothing was moved", path, err)
	}
	m, err := s.Migrate(to)
	if err != nil {
		return m, err
	}
	m.SettingsPath = path
	if m.SettingChanged, err = SaveSecrets(path, to); err != nil {
		return m, fmt.Errorf("the secrets are in the %s place now, but the setting could not say so: %w; fix that and run the migration again to finish it", to, err)
	}
	s.Secrets = to
	return m, nil
}

// Migrate moves every registry secret to the place to names. It is
// crash-safe in the order of its steps: it writes the new place, reads it
// back, and only then removes the old one, so a login killed half-way is in
// both places with the same value, never in neither and never in two that
// disagree; running it again finishes the move. Each entry moves as it is,
// same URI, same position: the same-login rule of a store never applies,
// so logins of one host (docker://host, docker://host/team, oras://host,
// older duplicates) stay apart with their own secrets. Keyserver logins
// stay in remote.yaml, which is where Apptainer reads them.
func (s *Store) Migrate(to Secrets) (Migration, error) {
	d, err := s.File.Read()
	if err != nil {
		return Migration{}, err
	}
	// A file the edits refuse would fail the last step, after the copies.
	if err := d.Problem(); err != nil {
		return Migration{}, fmt.Errorf("reading %s: %w; nothing was moved", s.File.Path, err)
	}
	if to == InKeyring {
		return s.toKeyring(d.Config().Credentials)
	}
	return s.toFile(d.Config().Credentials)
}

func (s *Store) toKeyring(creds []yamlstore.Credential) (Migration, error) {
	copied := map[string]string{} // URI -> Auth now in the keyring
	owned := map[string]bool{}    // URIs whose item belongs to their first entry
	for _, e := range creds {
		if !IsRegistryLogin(e.URI) || owned[e.URI] {
			continue
		}
		// The first entry of a URI owns its item, whether its secret is
		// already there (no Auth) or about to be.
		owned[e.URI] = true
		if e.Auth == "" {
			continue
		}
		if err := keyringSet(e.URI, e.Auth); err != nil {
			return Migration{}, err
		}
		back, err := keyringGet(e.URI)
		if err != nil {
			return Migration{}, err
		}
		if back != e.Auth {
			return Migration{}, errors.New("the OS keyring returned a different secret than was stored for " + e.URI + "; nothing was removed from remote.yaml")
		}
		copied[e.URI] = e.Auth
	}
	var m Migration
	err := s.File.Update(func(d *yamlstore.Document) error {
		m = Migration{}
		for i, e := range d.Config().Credentials {
			auth, ok := copied[e.URI]
			switch {
			case e.Auth == "" || !owned[e.URI]:
			case ok && e.Auth == auth:
				// Only an entry whose Auth is still the one copied:
				// another login may have changed it meanwhile.
				if err := d.SetAuth(i, ""); err != nil {
					return err
				}
				m.Moved = append(m.Moved, e.URI)
			default:
				m.Kept = append(m.Kept, e.URI)
			}
		}
		return nil
	})
	return m, err
}

func (s *Store) toFile(creds []yamlstore.Credential) (Migration, error) {
	found := map[string]string{} // URI -> Auth read from the keyring
	var leftovers []string       // items whose entries already have the same Auth
	for _, e := range creds {
		if !IsRegistryLogin(e.URI) {
			continue
		}
		if _, ok := found[e.URI]; ok {
			continue
		}
		auth, err := keyringGet(e.URI)
		if errors.Is(err, ErrNotFound) {
			continue // a file-mode entry, or Apptainer's (secret in its docker config)
		}
		if err != nil {
			return Migration{}, err
		}
		found[e.URI] = auth
	}
	var m Migration
	err := s.File.Update(func(d *yamlstore.Document) error {
		m, leftovers = Migration{}, leftovers[:0]
		done := map[string]bool{}
		for i, e := range d.Config().Credentials {
			auth, ok := found[e.URI]
			switch {
			case !ok:
			case e.Auth == "":
				if err := d.SetAuth(i, auth); err != nil {
					return err
				}
				m.Moved = append(m.Moved, e.URI)
				done[e.URI] = true
			case e.Auth == auth && !done[e.URI]:
				// An earlier run was stopped after writing the file.
				leftovers = append(leftovers, e.URI)
				done[e.URI] = true
			}
		}
		return nil
	})
	if err != nil {
		return Migration{}, err
	}
	removed := map[string]bool{}
	for _, uri := range append(m.Moved, leftovers...) {
		if removed[uri] {
			continue
		}
		if err := keyringDelete(uri); err != nil {
			return m, err
		}
		removed[uri] = true
	}
	return m, nil
}
