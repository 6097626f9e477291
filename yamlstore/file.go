package yamlstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// DefaultLockTimeout is how long an update waits for another writer.
const DefaultLockTimeout = 5 * time.Second

// ErrLocked is returned when the lock cannot be taken in time.
var ErrLocked = atomicfile.ErrLocked

// File is one remote.yaml on disk.
type File struct {
	// Path is the file as the user knows it; if it is a symlink, the link
	// stays and its target is what gets replaced.
	Path string
	// LockTimeout bounds the wait for the lock, and for a file that keeps
	// changing; zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// Settle is how long a file another program wrote in place must stay
	// unchanged before it is believed (see readSettled); zero means
	// DefaultSettle.
	Settle time.Duration
	// Now is the clock that tells a file modified a moment ago; nil means
	// time.Now.
	Now func() time.Time
}

func (f *File) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *File) timeout() time.Duration {
	if f.LockTimeout > 0 {
		return f.LockTimeout
	}
	return DefaultLockTimeout
}

// Read returns the file's current document. It takes no lock: remoteyaml's
// writers replace the file by rename, and a file another program may still
// be rewriting in place is read again once it has settled (see
// readSettled); an old file is read once. A
// missing file reads as an empty document. Keys the real programs do not
// know are ignored here, so that logins keep being served; Problem says
// so, and edits refuse such a file.
func (f *File) Read() (*Document, error) {
	d, _, err := f.readSettled(f.Path, f.lockPath, nil, decodeDocument)
	return d, err
}

// Update runs edit on the current document under the file's lock and
// replaces the file by rename with the result, even when nothing changed:
// a program that holds the old file open and rewrites it in place
// (Apptainer's registry login, around the helper's store) then writes to
// the old inode, out of sight, instead of over the new entry. If edit
// fails, or the file cannot be read, nothing is written. If the file
// changes between the read and the rename, the update starts over. The
// write path is atomicfile's, the one every file remoteyaml writes takes;
// yamlstore adds only its reader, which waits for another program's
// in-place rewrite to settle and knows remoteyaml's own last write by the
// record in the held lock file, and that record, written after the rename
// while the lock is still held.
func (f *File) Update(edit func(*Document) error) error {
	target, lockFile, unlock, err := atomicfile.LockFile(f.Path, f.timeout())
	if err != nil {
		return err
	}
	defer unlock()
	lockPath := func() string { return atomicfile.LockPath(target) }
	var d *Document // what the last read parsed
	var wrote []byte
	o := atomicfile.Options{
		Mode:      0o600, // whatever it was: it holds secrets
		ForceMode: true,
		Timeout:   f.timeout(),
		Now:       f.Now,
		Read: func(path string) (_ []byte, st atomicfile.State, err error) {
			d, st, err = f.readSettled(path, lockPath, lockFile, parseForEdit)
			return nil, st, err
		},
	}
	err = atomicfile.UpdateLocked(f.Path, target, o, func(_ []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		wrote = nil
		if err := edit(d); err != nil {
			return nil, atomicfile.Keep, err
		}
		if !st.Exists && len(d.Bytes()) == 0 {
			return nil, atomicfile.Keep, nil // no file, and none needed
		}
		wrote = d.Bytes()
		return wrote, atomicfile.Replace, nil
	})
	if err == nil && wrote != nil {
		writeRecord(lockFile, target, wrote)
	}
	return err
}

// readSnapshot is atomicfile's checked read, with a file over the cap
// reported as ErrInvalid like every other file remoteyaml cannot take.
func readSnapshot(path string) ([]byte, atomicfile.State, bool, error) {
	data, st, changed, err := atomicfile.Snapshot(path)
	if errors.Is(err, atomicfile.ErrTooLarge) {
		err = fmt.Errorf("reading %s: %w: larger than %d MiB", path, ErrInvalid, MaxSize>>20)
	}
	return data, st, changed, err
}
