package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DefaultTimeout is how long an update waits for another writer's lock,
// and for a file that keeps changing under it.
const DefaultTimeout = 5 * time.Second

// Op is what an edit wants done with the file.
type Op int

const (
	Keep    Op = iota // leave the file as it is
	Replace           // replace it with the edit's bytes
	Remove            // remove it
)

// Options tune an Update; the zero value fits a JSON config file.
type Options struct {
	// Mode is a new file's mode; zero means 0600. A file that exists
	// keeps its own, unless ForceMode.
	Mode      fs.FileMode
	ForceMode bool
	// Timeout bounds the wait for the lock, and for a file that keeps
	// changing; zero means DefaultTimeout.
	Timeout time.Duration
	// Read reads the file an update builds on; nil means ReadFile.
	// remote.yaml's reader also waits for Apptainer's in-place rewrites
	// to settle.
	Read func(path string) ([]byte, State, error)
	// Now is the clock of the timeout; nil means time.Now.
	Now func() time.Time
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// errMoved: the file changed between the read an update builds on and its
// rename, so the update starts over.
var errMoved = errors.New("the file changed during the update")

// Update edits the file at path under its lock: it reads the file (a
// missing one reads as no bytes, st.Exists false), calls edit, and does
// what edit asks. If the file changed between the read and the rename
// (another writer renamed its own version over it, or rewrote it in
// place), it starts over from a new read, so edit may run more than once
// and must depend only on its input. A symlink at path stays: its target is
// what gets replaced. A missing directory is created (MkdirOwned). A
// read-only file (no owner write bit) is refused before edit runs.
func Update(path string, o Options, edit func(data []byte, st State) ([]byte, Op, error)) error {
	target, _, unlock, err := LockFile(path, o.Timeout)
	if err != nil {
		return err
	}
	defer unlock()
	return UpdateLocked(path, target, o, edit)
}

// LockFile resolves path's links, creates its directory if missing and
// takes the lock remoteyaml's writers of that file share (LockPath: ".NAME.lock"
// beside the file). target is the file to edit; lockFile is the held lock
// file (see Lock), for a writer that leaves a note for the next reader.
func LockFile(path string, timeout time.Duration) (target string, lockFile *os.File, unlock func(), err error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if err := MkdirOwned(filepath.Dir(path)); err != nil {
		return "", nil, nil, err
	}
	if target, err = ResolveLinks(path); err != nil {
		return "", nil, nil, err
	}
	if err := MkdirOwned(filepath.Dir(target)); err != nil {
		return "", nil, nil, err
	}
	if unlock, lockFile, err = Lock(LockPath(target), timeout); err != nil {
		return "", nil, nil, err
	}
	return target, lockFile, unlock, nil
}

// UpdateLocked is Update for a caller that holds target's lock (LockFile);
// path is the name the user knows, for the messages.
func UpdateLocked(path, target string, o Options, edit func(data []byte, st State) ([]byte, Op, error)) error {
	read := o.Read
	if read == nil {
		read = ReadFile
	}
	RemoveStaleTemps(filepath.Dir(target), filepath.Base(target))
	deadline := o.now().Add(o.timeout())
	for {
		data, st, err := read(target)
		if err != nil {
			return err
		}
		if st.Exists && st.Mode.Perm()&0o200 == 0 {
			return fmt.Errorf("%s is read-only (mode %04o), which remoteyaml respects: make it writable (chmod u+w) for remoteyaml to change it", path, st.Mode.Perm())
		}
		out, op, err := edit(data, st)
		if err != nil {
			return err
		}
		unchanged := func() error {
			now, err := Lstate(target)
			if err != nil {
				return err
			}
			if now != st {
				return errMoved
			}
			return nil
		}
		switch op {
		case Keep:
			return nil
		case Remove:
			if !st.Exists {
				return nil
			}
			if err = unchanged(); err == nil {
				if err = os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("removing %s: %w", path, unwrapPath(err))
				}
				return nil
			}
		case Replace:
			mode := o.Mode
			if mode == 0 {
				mode = 0o600
			}
			if st.Exists && !o.ForceMode {
				mode = st.Mode.Perm()
			}
			err = WriteChecked(target, out, mode, unchanged)
		}
		if !errors.Is(err, errMoved) {
			return err
		}
		if o.now().After(deadline) {
			return fmt.Errorf("%s kept changing for %s while it was being updated (is another program rewriting it in a loop?); nothing was written, try again", path, o.timeout())
		}
	}
}
