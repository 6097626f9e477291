package setup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// record is what setup did, kept for Undo, by file path.
type record struct {
	Version int                    `json:"version"`
	Files   map[string]*fileRecord `json:"files"`
	// Imported are the logins import moved out of the tools' files, which
	// Undo puts back (see PutBack).
	Imported []Imported `json:"imported,omitempty"`
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

func (r *record) save(path string) error {
	if len(r.Files) == 0 && len(r.Imported) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(b, '\n'), 0o600)
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

// readFile returns the file's bytes, whether it exists, and its mode.
func readFile(path string) ([]byte, bool, fs.FileMode, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, 0, nil
	}
	if err != nil {
		return nil, false, 0, fmt.Errorf("reading %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, true, fi.Mode().Perm(), nil
}

// writeFile replaces path with data through atomicfile; a symlink stays
// and its target is replaced.
func writeFile(path string, data []byte, mode fs.FileMode) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	return atomicfile.Write(path, data, mode)
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", path, err)
	}
	return nil
}

// readRecord decodes the setup record at path into r; a missing file
// leaves r as it is.
func readRecord(path string, r any) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(b, r); err != nil {
		return fmt.Errorf("reading %s: not a setup record (%v); remove it to start afresh", path, err)
	}
	return nil
}
