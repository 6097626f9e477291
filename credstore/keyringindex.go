package credstore

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// The keyring index lists the entry URIs that have, or may have, a keyring
// item for one remote.yaml: one URI a line, no secret. A keyring item is
// found only through its entry, and two things leave an item whose entry
// is gone: Apptainer's and SingularityCE's `registry logout`, which run the
// helper's erase only when their docker config has an "auths" key for the
// host (a login made by remote-login, crane or oras has none) and drop the
// entry themselves; and a store whose keyring write went through while its
// answer was lost (the Secret Service killed), so that the entry was never
// written. So every keyring-mode write of remote.yaml, under its lock,
// removes the item of each listed URI that no entry names any more (sweep),
// and a store lists its URI before it writes the item. Only listed URIs
// are touched: items another remote.yaml's entries point at are not this
// file's to judge.

// indexPath is the index of the remote.yaml at path, beside it.
func indexPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".keyring")
}

// readIndex reads the index; a missing one is empty.
func readIndex(path string) ([]string, error) {
	data, _, err := atomicfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// writeIndex saves uris (none: removes the index) through atomicfile's
// write path. Its lock is remote.yaml's, held by the edit that calls it:
// the index is written nowhere else.
func writeIndex(path string, uris []string) error {
	var b bytes.Buffer
	for _, u := range uris {
		b.WriteString(u + "\n")
	}
	return atomicfile.UpdateLocked(path, path, atomicfile.Options{Mode: 0o600, ForceMode: true}, func([]byte, atomicfile.State) ([]byte, atomicfile.Op, error) {
		if len(uris) == 0 {
			return nil, atomicfile.Remove, nil
		}
		return b.Bytes(), atomicfile.Replace, nil
	})
}

// keyringSweep runs inside an edit of remote.yaml in keyring mode, on the
// document as read: it removes the keyring item of every listed URI no
// entry names (but keep, which the edit is about to write), lists every
// registry entry without Auth (its secret may be in the keyring: made by
// a migration or an older remoteyaml) and keep, and saves the index when
// that changed. The index is saved before the caller writes keep's item.
// An item the keyring refuses to remove stays listed for the next write.
func (s *Store) keyringSweep(d *yamlstore.Document, keep string) error {
	path := indexPath(s.File.Path)
	old, err := readIndex(path)
	if err != nil {
		return err
	}
	named := map[string]bool{}
	var uris []string
	for _, c := range d.Credentials() {
		named[c.URI] = true
		if c.Auth == "" && IsRegistryLogin(c.URI) && !slices.Contains(uris, c.URI) {
			uris = append(uris, c.URI)
		}
	}
	if keep != "" && !slices.Contains(uris, keep) {
		uris = append(uris, keep)
	}
	for _, u := range old {
		if named[u] || u == keep || slices.Contains(uris, u) {
			continue
		}
		if _, err := keyringRemove(u); err != nil {
			uris = append(uris, u) // try again on the next write
		}
	}
	if slices.Equal(old, uris) {
		return nil
	}
	return writeIndex(path, uris)
}
