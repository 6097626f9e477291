package sysremote

import (
	"fmt"
	"sort"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Has reports whether the system file defines the named remote.
func (s System) Has(name string) bool {
	_, ok := s.Config.Remotes[name]
	return ok && s.Config.Remotes[name] != nil
}

// View is the configuration as the program sees it after merging: the
// user's remotes, every system remote the user file lacks (System: true),
// and the user's Active, else the system's; an Exclusive system remote is
// Active whatever the user chose. Nothing is written.
func (s System) View(user yamlstore.Config) yamlstore.Config {
	v := user
	v.Remotes = make(map[string]*yamlstore.Remote, len(user.Remotes)+len(s.Config.Remotes))
	for n, r := range user.Remotes {
		v.Remotes[n] = r
	}
	for _, n := range s.names() {
		sr := s.Config.Remotes[n]
		ur, ok := v.Remotes[n]
		switch {
		case ok && ur != nil && !ur.System:
			continue // the user's own remote of that name wins (Apptainer)
		case ok && ur != nil:
			cp := *ur
			cp.URI, cp.Exclusive, cp.Keyservers = sr.URI, sr.Exclusive, sr.Keyservers
			v.Remotes[n] = &cp
		default:
			v.Remotes[n] = &yamlstore.Remote{URI: sr.URI, System: true, Exclusive: sr.Exclusive, Keyservers: sr.Keyservers}
		}
		if sr.Exclusive {
			v.Active = n
		}
	}
	if v.Active == "" {
		v.Active = s.Config.Active
	}
	return v
}

// Sync edits the user's document as the programs do before they write it
// (remote.Config SyncFrom): every system remote is copied in with System:
// true, one copied before gets the system's URI, Exclusive and Keyservers
// (its Token and Insecure stay), and Active becomes an Exclusive system
// remote, or the system's Active when the user has none. A user remote of a
// system remote's name is kept by Apptainer; SingularityCE refuses it, and
// so does Sync for a SingularityCE file, before changing anything.
func (s System) Sync(doc *yamlstore.Document) error {
	user := doc.Config()
	for _, n := range s.names() {
		if ur := user.Remotes[n]; ur != nil && !ur.System && s.Program == SingularityCE {
			return fmt.Errorf("name collision: your remote %q has the name of a system remote in %s, and SingularityCE refuses every remote command then (name collision while syncing); remove yours with `singularity remote remove %s`", n, s.Path, n)
		}
	}
	view := s.View(user)
	for _, n := range s.names() {
		if ur := user.Remotes[n]; ur != nil && !ur.System {
			continue
		}
		if err := doc.PutRemote(n, *view.Remotes[n]); err != nil {
			return fmt.Errorf("copying system remote %s: %w", n, err)
		}
	}
	if view.Active != user.Active {
		return doc.SetActive(view.Active)
	}
	return nil
}

// names are the system remotes, sorted: the order edits are made in.
func (s System) names() []string {
	var out []string
	for n, r := range s.Config.Remotes {
		if r != nil {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
