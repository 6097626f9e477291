package setup

import (
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
	save    func() error           // writes it, under the lock run holds
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

// saveRecord writes a record (a record without files: no file) at path,
// whose lock the caller holds (atomicfile.LockFile gave target).
func saveRecord(path, target string, r any, empty bool) error {
	return atomicfile.UpdateLocked(path, target, atomicfile.Options{}, func([]byte, atomicfile.State) ([]byte, atomicfile.Op, error) {
		if empty {
			return nil, atomicfile.Remove, nil
		}
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, atomicfile.Keep, err
		}
		return append(b, '\n'), atomicfile.Replace, nil
	})
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
// leaves r as it is.
func readRecord(path string, r any) error {
	b, st, err := atomicfile.ReadFile(path)
	if err != nil || !st.Exists {
		return err
	}
	if err := json.Unmarshal(b, r); err != nil {
		return fmt.Errorf("reading %s: not a setup record (%v); remove it to start afresh", path, err)
	}
	return nil
}
