package setup

import "encoding/json"

// ReplacedHelper is the credential helper that path's "credsStore" named
// before setup replaced it ("" if none): the logins kept there are no
// longer used, and import reads them from it.
func (env Env) ReplacedHelper(path string) (string, error) {
	recPath, err := env.RecordPath()
	if err != nil {
		return "", err
	}
	rec, err := loadRecord(recPath)
	if err != nil {
		return "", err
	}
	fr := rec.Files[path]
	if fr == nil || fr.Kind != kindJSON || fr.OldValue == nil {
		return "", nil
	}
	var name string
	if json.Unmarshal(fr.OldValue, &name) != nil || name == Helper {
		return "", nil
	}
	return name, nil
}

// SetUpTools are the tools setup (the credsStore and drop-in kind, not
// --per-registry) has recorded as set up.
func (env Env) SetUpTools() ([]string, error) {
	recPath, err := env.RecordPath()
	if err != nil {
		return nil, err
	}
	rec, err := loadRecord(recPath)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range Tools {
		for _, fr := range rec.Files {
			if containsOwner(fr, t) {
				out = append(out, t)
				break
			}
		}
	}
	return out, nil
}
