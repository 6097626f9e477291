package setup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// record is what setup did, kept for Undo, by file path.
type record struct {
	Version int                    `json:"version"`
	Files   map[string]*fileRecord `json:"files"`
	// Imported are the logins import moved out of the tools' files, which
	// Undo puts back (see PutBack).
	Imported []Imported   `json:"imported,omitempty"`
	save     func() error // writes it, under the lock the run holds
}

type fileRecord struct {
	Kind    string   `json:"kind"`   // kindJSON or kindDropIn
	Owners  []string `json:"owners"` // the tools set up through this file
	Created bool     `json:"created"`
	// JSON files: the edit, and the key's value before it (absent: none).
	Splice   *Splice         `json:"splice,omitempty"`
	OldValue json.RawMessage `json:"oldValue,omitempty"`
	// Drop-in: the text it replaced, if there was a file.
	Original *string `json:"original,omitempty"`
	// SHA256 of the file as setup left it.
	SHA256 string `json:"sha256"`
}

const (
	kindJSON   = "json"
	kindDropIn = "dropin"
)

func hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// openSetupRecord locks setup's record at path for a run (setup, undo,
// an import's record of what it moves, a put-back) and reads it; rec.save
// writes it under that lock. unlock ends the run.
func openSetupRecord(path string) (rec *record, rf *recordFile, unlock func(), err error) {
	rec = &record{Version: 1}
	if rf, unlock, err = openRecord(path, rec); err != nil {
		return nil, nil, nil, err
	}
	if rec.Files == nil {
		rec.Files = map[string]*fileRecord{}
	}
	rec.save = func() error {
		return rf.save(rec, len(rec.Files) == 0 && len(rec.Imported) == 0)
	}
	return rec, rf, unlock, nil
}

func loadRecord(path string) (*record, error) {
	r := &record{Version: 1, Files: map[string]*fileRecord{}}
	if err := readRecord(path, r); err != nil {
		return nil, err
	}
	if r.Files == nil {
		r.Files = map[string]*fileRecord{}
	}
	return r, nil
}

// recordFile is a record file (setup.json, per-registry.json) held under
// its lock for a whole run, so that two setups at once take turns instead
// of each saving over the other's record.
type recordFile struct {
	path, target string
	disk         []byte // the bytes as last read or written under the lock
}

// openRecord locks the record at path and reads it into r (a missing
// file leaves r as it is). unlock ends the run.
func openRecord(path string, r any) (rf *recordFile, unlock func(), err error) {
	target, _, unlock, err := atomicfile.LockFile(path, 0)
	if err != nil {
		return nil, nil, err
	}
	rf = &recordFile{path: path, target: target}
	if err := readRecord(target, r, &rf.disk); err != nil {
		unlock()
		return nil, nil, err
	}
	return rf, unlock, nil
}

// check refuses a record setup could not write (read-only, say) before
// any edit, writing nothing.
func (rf *recordFile) check() error {
	return atomicfile.UpdateLocked(rf.path, rf.target, atomicfile.Options{}, func([]byte, atomicfile.State) ([]byte, atomicfile.Op, error) {
		return nil, atomicfile.Keep, nil
	})
}

// save writes r (empty: removes the file). Under the lock only another
// program can have written the file since it was read: then nothing is
// written and the run stops, rather than losing what that program wrote.
func (rf *recordFile) save(r any, empty bool) error {
	var out []byte
	err := atomicfile.UpdateLocked(rf.path, rf.target, atomicfile.Options{}, func(data []byte, _ atomicfile.State) ([]byte, atomicfile.Op, error) {
		if !bytes.Equal(data, rf.disk) {
			return nil, atomicfile.Keep, fmt.Errorf("%s changed while setup ran (another program wrote it); nothing more was changed: run setup again", rf.path)
		}
		if empty {
			return nil, atomicfile.Remove, nil
		}
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, atomicfile.Keep, err
		}
		out = append(b, '\n')
		return out, atomicfile.Replace, nil
	})
	if err == nil {
		rf.disk = out
	}
	return err
}

func (f *fileRecord) addOwner(tool string) {
	if !slices.Contains(f.Owners, tool) {
		f.Owners = append(f.Owners, tool)
		slices.Sort(f.Owners)
	}
}

func (f *fileRecord) dropOwner(tool string) {
	f.Owners = slices.DeleteFunc(f.Owners, func(s string) bool { return s == tool })
}

// readRecord decodes the setup record at path into r; a missing file
// leaves r as it is. raw, if not nil, gets the bytes read.
func readRecord(path string, r any, raw ...*[]byte) error {
	b, st, err := atomicfile.ReadFile(path)
	if len(raw) > 0 {
		*raw[0] = b
	}
	if err != nil || !st.Exists {
		return err
	}
	if err := json.Unmarshal(b, r); err != nil {
		return fmt.Errorf("reading %s: not a setup record (%v); remove it to start afresh", path, err)
	}
	return nil
}
