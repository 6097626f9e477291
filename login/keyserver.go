package login

import "github.com/remoteyaml/remoteyaml/yamlstore"

// ExternalKeyserver is the keyserver configured with External: true on a
// remote of cfg (pass the view with the system remotes merged in) for the
// keyserver target t, or nil. Apptainer and SingularityCE send a keyserver
// login only to such a keyserver, and refuse to make one without it (`no
// external keyserver configuration found`). hkp and hkps fold as in
// ParseTarget; the path is ignored, as in their SameKeyserver.
func ExternalKeyserver(cfg yamlstore.Config, t Target) *yamlstore.Keyserver {
	for _, r := range cfg.Remotes {
		if r == nil {
			continue
		}
		for _, ks := range r.Keyservers {
			if !ks.External {
				continue
			}
			if kt, err := ParseTarget(ks.URI); err == nil && kt.Kind == Keyserver && yamlstore.SameURI(kt.EntryURI, t.EntryURI) {
				return &ks
			}
		}
	}
	return nil
}
