package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/jsonedit"
)

// Imported is one login that import took out of a tool's file once setup
// had pointed the tool at the helper. It is kept in setup's record so that
// Undo, which points the tool back at its own file, can put the login back
// there: otherwise the login would live only in remote.yaml, which the tool
// no longer asks. It holds no secret (that stays in the store until then).
type Imported struct {
	Tool     string `json:"tool"`     // Docker, Podman or Apptainer
	Path     string `json:"path"`     // the file it was in
	Key      string `json:"key"`      // its "auths" key there
	URI      string `json:"uri"`      // the Credentials entry it is stored as
	Username string `json:"username"` // for the line Undo prints
}

// RecordImport adds ims to setup's record, through the record's own write
// path and under its lock, before import removes the logins from their
// file (one record write for all the logins of a file).
func RecordImport(env Env, ims ...Imported) error {
	recPath, err := env.RecordPath()
	if err != nil {
		return err
	}
	rec, _, unlock, err := openSetupRecord(recPath)
	if err != nil {
		return err
	}
	defer unlock()
	n := len(rec.Imported)
	for _, im := range ims {
		if !slices.Contains(rec.Imported, im) {
			rec.Imported = append(rec.Imported, im)
		}
	}
	if len(rec.Imported) == n {
		return nil
	}
	if err := rec.save(); err != nil {
		return fmt.Errorf("recording the import in %s: %w", recPath, err)
	}
	return nil
}

// EntryFunc gives the "auths" entry (JSON, e.g. {"auth": "…"}) of the
// login stored as the Credentials entry uri; ok is false when it is no
// longer stored (logged out since).
type EntryFunc func(uri string) (entry json.RawMessage, ok bool, err error)

// PutBack writes every login import took from a file whose tool no longer
// asks the helper for it (asks reports false) back into that file's
// "auths", changing only that member, and forgets it. A login stored no
// longer, or one the file holds again (a login made since), is left as it
// is, with a line that says so. One whose tool still asks the helper (a
// drop-in another tool still uses, a credsStore set by hand) stays where it
// is, recorded for a later undo. Call it after Undo and UndoPerRegistry:
// those hand the tools back their files. where names the store in the
// lines (remote.yaml's path, or the keyring).
func PutBack(env Env, where string, entry EntryFunc, asks func(Imported) bool) ([]Change, error) {
	recPath, err := env.RecordPath()
	if err != nil {
		return nil, err
	}
	rec, _, unlock, err := openSetupRecord(recPath)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var changes []Change
	var keep []Imported
	var errs error
	for _, im := range rec.Imported {
		if asks(im) {
			keep = append(keep, im)
			continue
		}
		c, err := putBack(im, where, entry)
		if err != nil {
			errs = errors.Join(errs, err)
			keep = append(keep, im) // the next undo tries again
			continue
		}
		changes = append(changes, c)
	}
	rec.Imported = keep
	if err := rec.save(); err != nil {
		errs = errors.Join(errs, fmt.Errorf("recording what setup did: %w", err))
	}
	return changes, errs
}

func putBack(im Imported, where string, entry EntryFunc) (Change, error) {
	c := Change{Tool: im.Tool, Path: im.Path}
	raw, ok, err := entry(im.URI)
	if err != nil {
		return c, fmt.Errorf("putting back the login for %s into %s: %w", im.Key, im.Path, err)
	}
	if !ok {
		c.What = fmt.Sprintf("the login for %s that import had moved out is no longer stored (logged out since): not put back", im.Key)
		return c, nil
	}
	err = atomicfile.Update(im.Path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		c = Change{Tool: im.Tool, Path: im.Path}
		if !st.Exists || len(bytes.TrimSpace(data)) == 0 {
			data = []byte("{}\n")
		}
		out, added, err := addMember(data, "auths", im.Key, raw)
		if err != nil {
			return nil, atomicfile.Keep, fmt.Errorf("putting back the login for %s into %s: %w; log in with that tool again", im.Key, im.Path, err)
		}
		if !added {
			c.What = fmt.Sprintf("holds a login for %s again (made since import), kept as it is", im.Key)
			return nil, atomicfile.Keep, nil
		}
		c.Changed = true
		return out, atomicfile.Replace, nil
	})
	if err != nil || !c.Changed {
		return c, err
	}
	c.Changed = true
	c.What = fmt.Sprintf("put back the login for %s (%s) that import had moved into %s, which keeps it too", im.Key, im.Username, where)
	return c, nil
}

// addMember makes outer[key] the raw JSON value, creating outer when it is
// absent, unless outer already has key (added false). Only the new bytes
// are inserted: every other member stays byte for byte.
func addMember(data []byte, outer, key string, raw json.RawMessage) ([]byte, bool, error) {
	if !utf8.ValidString(key) {
		return nil, false, fmt.Errorf("%q: not UTF-8, which a JSON key cannot hold", key)
	}
	o, err := jsonedit.Parse(data)
	if err != nil {
		return nil, false, err
	}
	k, _ := json.Marshal(key)
	p, ok, err := jsonedit.Find(data, outer) // as Go's decoder reads it
	if err != nil {
		return nil, false, err
	}
	if !ok {
		s := insertPair(data, o, outer, "{"+string(k)+": "+string(raw)+"}")
		return s.apply(data), true, nil
	}
	sub := data[p.ValStart:p.ValEnd]
	so, err := jsonedit.Parse(sub)
	if err != nil {
		return nil, false, fmt.Errorf("%q: %w", outer, err)
	}
	if _, ok, err := jsonedit.Find(data, outer, key); ok || err != nil {
		return data, false, err
	}
	s := insertPair(sub, so, key, string(raw))
	s.Offset += p.ValStart
	return s.apply(data), true, nil
}
