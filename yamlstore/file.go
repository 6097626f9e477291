package yamlstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// DefaultLockTimeout is how long an update waits for another writer.
const DefaultLockTimeout = 5 * time.Second

// ErrLocked is returned when the lock cannot be taken in time.
var ErrLocked = errors.New("remote.yaml is locked")

// errMoved: the file changed between the read an update builds on and its
// rename, so the update starts over.
var errMoved = errors.New("remote.yaml changed during the update")

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
// changes between the read and the rename, the update starts over.
func (f *File) Update(edit func(*Document) error) error {
	target, err := f.writeTarget()
	if err != nil {
		return err
	}
	dir, base := filepath.Dir(target), filepath.Base(target)
	lockPath := lockPathOf(target)
	unlock, lockFile, err := lock(lockPath, f.timeout())
	if err != nil {
		return err
	}
	defer unlock()
	removeStaleTemps(dir, base)

	deadline := f.now().Add(f.timeout())
	for {
		d, st, err := f.readSettled(target, func() string { return lockPath }, lockFile, Parse)
		if err != nil {
			return err
		}
		if st.exists && st.mode.Perm()&0o200 == 0 {
			return fmt.Errorf("%s is read-only (mode %04o), which remoteyaml respects: make it writable (chmod u+w) to change logins", f.Path, st.mode.Perm())
		}
		if err := edit(d); err != nil {
			return err
		}
		if !st.exists && len(d.Bytes()) == 0 {
			return nil // no file, and none needed
		}
		err = atomicfile.WriteChecked(target, d.Bytes(), 0o600, func() error {
			now, err := lstate(target)
			if err != nil {
				return err
			}
			if now != st {
				return errMoved
			}
			return nil
		})
		if err == nil {
			writeRecord(lockFile, target, d.Bytes())
		}
		if !errors.Is(err, errMoved) {
			return err
		}
		if f.now().After(deadline) {
			return fmt.Errorf("%s kept changing for %s while it was being updated (is another program rewriting it in a loop?); nothing was written, try again", f.Path, f.timeout())
		}
	}
}

// readSnapshot reads the file path leads to, refusing anything but a
// regular file. It opens without blocking, so a FIFO cannot hang it.
// changed reports that the file moved while it was being read.
func readSnapshot(path string) (data []byte, st state, changed bool, err error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, state{}, false, nil
	}
	if err != nil {
		return nil, state{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, state{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	if err := checkRegular(path, fi.Mode()); err != nil {
		return nil, state{}, false, err
	}
	// Sized from the file: io.ReadAll's doubling faults in about twice the
	// pages a large file needs, a measurable part of a get.
	buf := bytes.NewBuffer(make([]byte, 0, min(fi.Size(), MaxSize)+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(fh, MaxSize+1))
	data = buf.Bytes()
	if err != nil {
		return nil, state{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	if len(data) > MaxSize {
		return nil, state{}, false, fmt.Errorf("reading %s: %w: larger than %d MiB", path, ErrInvalid, MaxSize>>20)
	}
	after, err := fh.Stat()
	if err != nil {
		return nil, state{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	st = stateOf(after)
	return data, st, st != stateOf(fi) || int64(len(data)) != st.size, nil
}

// writeTarget is the file an update replaces: Path with its links
// resolved, in a directory that exists.
func (f *File) writeTarget() (string, error) {
	if err := mkdirOwned(filepath.Dir(f.Path)); err != nil {
		return "", err
	}
	return resolveLinks(f.Path)
}

// mkdirOwned creates a missing config directory 0700, as the real programs
// do. Made by root in a user's home (sudo -E), it is the home owner's.
func mkdirOwned(dir string) error {
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, unwrapPath(err))
	}
	if os.Geteuid() == 0 {
		if parent, err := os.Stat(filepath.Dir(dir)); err == nil {
			if st, ok := parent.Sys().(*syscall.Stat_t); ok {
				os.Chown(dir, int(st.Uid), int(st.Gid))
			}
		}
	}
	return nil
}

// removeStaleTemps deletes temporary files left by a writer that was killed
// before its rename. It runs under the lock, so none of them is in use.
func removeStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix(base)) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// resolveLinks follows symlinks to the file that is really written, so that
// the link itself stays (Apptainer users keep remote.yaml on shared storage
// behind one). It resolves as the kernel does: a relative target is taken
// from the link's real directory, and a ".." in it steps out of the
// directory a link leads to, not out of the link's name.
func resolveLinks(path string) (string, error) {
	p := path
	for i := 0; i < 40; i++ {
		cut := strings.LastIndexByte(p, '/')
		dir, base := p[:cut+1], p[cut+1:]
		if dir == "" {
			dir = "."
		}
		if base == "" || base == "." || base == ".." {
			return "", checkRegular(path, os.ModeDir)
		}
		realDir, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return "", fmt.Errorf("reading %s: the directory it leads to, %s: %w", path, dir, unwrapPath(err))
		}
		real := filepath.Join(realDir, base)
		fi, err := os.Lstat(real)
		if errors.Is(err, os.ErrNotExist) {
			return real, nil
		}
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", path, unwrapPath(err))
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return real, nil
		}
		link, err := os.Readlink(real)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", path, unwrapPath(err))
		}
		if filepath.IsAbs(link) {
			p = link
		} else {
			p = realDir + "/" + link // not Join: Join would clean ".." as text
		}
	}
	return "", fmt.Errorf("reading %s: too many levels of symbolic links", path)
}
