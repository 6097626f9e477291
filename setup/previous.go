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
