package yamlstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// DefaultLockTimeout is how long an update waits for another writer.
const DefaultLockTimeout = 5 * time.Second

// settleTime is how long a file that another program is rewriting in place
// (Apptainer: truncate, then write) is given to be written back: an empty
// or unparsable file modified less than this long ago is read again rather
// than believed. Apptainer's own gap is microseconds; the margin is for a
// loaded machine or a slow file system.
const settleTime = time.Second

const pollInterval = 5 * time.Millisecond

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
// writers replace the file by rename, and a file caught in the middle of
// another program's in-place rewrite is read again (see readSettled). A
// missing file reads as an empty document. Keys the real programs do not
// know are ignored here, so that logins keep being served; Problem says
// so, and edits refuse such a file.
func (f *File) Read() (*Document, error) {
	d, _, err := f.readSettled(f.Path, decodeDocument)
	return d, err
}

// Update runs edit on the current document under the file's lock and
// replaces the file by rename with the result, even when nothing changed:
// a program that holds the old file open and rewrites it in place
// (Apptainer's registry login, around the helper's store) then writes to
// the old inode, out of sight, instead of over the new entry. If edit
// fails, or the file cannot be read, nothing is written. If the file
// changes between the read and the rename, the update starts over. The
// write path is atomicfile's, the one every file remoteyaml writes takes.
func (f *File) Update(edit func(*Document) error) error {
	var d *Document // what the last read parsed
	o := atomicfile.Options{
		Mode:      0o600, // whatever it was: it holds secrets
		ForceMode: true,
		Timeout:   f.timeout(),
		Now:       f.Now,
		Read: func(path string) (_ []byte, st atomicfile.State, err error) {
			d, st, err = f.readSettled(path, Parse)
			return nil, st, err
		},
	}
	return atomicfile.Update(f.Path, o, func(_ []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		if err := edit(d); err != nil {
			return nil, atomicfile.Keep, err
		}
		if !st.Exists && len(d.Bytes()) == 0 {
			return nil, atomicfile.Keep, nil // no file, and none needed
		}
		return d.Bytes(), atomicfile.Replace, nil
	})
}

// readSettled reads path and decodes it, never building on a file another
// program is rewriting in place without a lock (Apptainer and SingularityCE
// truncate, then write): a read during which the file changed, an empty
// file modified within settleTime, or one that fails to decode and was
// modified within settleTime is read again, for at most the lock timeout.
// What stays empty that long is empty.
func (f *File) readSettled(path string, decode func([]byte) (*Document, error)) (*Document, atomicfile.State, error) {
	deadline := f.now().Add(f.timeout())
	for {
		data, st, changed, err := readSnapshot(path)
		if err != nil {
			return nil, st, err
		}
		now := f.now()
		last := now.After(deadline)
		recent := st.ModifiedWithin(settleTime, now)
		if !last && (changed || (recent && st.Size == 0)) {
			time.Sleep(pollInterval)
			continue
		}
		d, err := decode(data)
		if err == nil {
			return d, st, nil
		}
		if !recent || last {
			return nil, st, fmt.Errorf("reading %s: %w", f.Path, err)
		}
		time.Sleep(pollInterval)
	}
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
