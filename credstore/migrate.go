package credstore

import (
	"errors"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Migrate moves every registry secret to the place to names and returns
// the URIs of the logins it moved. It is crash-safe in the order of its
// steps: it writes the new place, reads it back, and only then removes the
// old one, so a login killed half-way is in both places with the same
// value, never in neither and never in two that disagree; running it again
// finishes the move. Keyserver logins stay in remote.yaml, which is where
// Apptainer reads them.
func (s *Store) Migrate(to Secrets) ([]string, error) {
	d, err := s.File.Read()
	if err != nil {
		return nil, err
	}
	if to == InKeyring {
		return s.toKeyring(d.Config().Credentials)
	}
	return s.toFile(d.Config().Credentials)
}

func (s *Store) toKeyring(creds []yamlstore.Credential) ([]string, error) {
	copied := map[string]string{} // URI -> Auth now in the keyring
	for _, e := range creds {
		if !IsRegistryLogin(e.URI) || e.Auth == "" {
			continue
		}
		if err := keyringSet(e.URI, e.Auth); err != nil {
			return nil, err
		}
		back, err := keyringGet(e.URI)
		if err != nil {
			return nil, err
		}
		if back != e.Auth {
			return nil, errors.New("the OS keyring returned a different secret than was stored for " + e.URI + "; nothing was removed from remote.yaml")
		}
		copied[e.URI] = e.Auth
	}
	var moved []string
	err := s.File.Update(func(d *yamlstore.Document) error {
		moved = moved[:0]
		for _, e := range d.Config().Credentials {
			// Only an entry whose Auth is still the one copied: another
			// login may have changed it meanwhile.
			if auth, ok := copied[e.URI]; ok && e.Auth == auth {
				e.Auth = ""
				if err := d.PutCredential(e, nil); err != nil {
					return err
				}
				moved = append(moved, e.URI)
			}
		}
		return nil
	})
	return moved, err
}

func (s *Store) toFile(creds []yamlstore.Credential) ([]string, error) {
	found := map[string]string{} // URI -> Auth read from the keyring
	var leftovers []string       // items whose entry already has the same Auth
	for _, e := range creds {
		if !IsRegistryLogin(e.URI) {
			continue
		}
		auth, err := keyringGet(e.URI)
		if errors.Is(err, ErrNotFound) {
			continue // a file-mode entry, or Apptainer's (secret in its docker config)
		}
		if err != nil {
			return nil, err
		}
		switch e.Auth {
		case "":
			found[e.URI] = auth
		case auth:
			leftovers = append(leftovers, e.URI) // an earlier run was stopped after writing the file
		}
	}
	var moved []string
	err := s.File.Update(func(d *yamlstore.Document) error {
		moved = moved[:0]
		for _, e := range d.Config().Credentials {
			if auth, ok := found[e.URI]; ok && e.Auth == "" {
				e.Auth = auth
				if err := d.PutCredential(e, nil); err != nil {
					return err
				}
				moved = append(moved, e.URI)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, uri := range append(moved, leftovers...) {
		if err := keyringDelete(uri); err != nil {
			return moved, err
		}
	}
	return moved, nil
}
