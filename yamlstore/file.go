package yamlstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// DefaultLockTimeout is how long an update waits for another writer.
const DefaultLockTimeout = 5 * time.Second

// ErrLocked is returned when the lock cannot be taken in time.
var ErrLocked = errors.New("remote.yaml is locked")

// File is one remote.yaml on disk.
type File struct {
	// Path is the file as the user knows it; if it is a symlink, the link
	// stays and its target is what gets replaced.
	Path string
	// LockTimeout bounds the wait for the lock; zero means DefaultLockTimeout.
	LockTimeout time.Duration
}

// Read returns the file's current document. It takes no lock: writers
// replace the file by rename, so a reader sees the old or the new file whole.
// A missing file reads as an empty document.
func (f *File) Read() (*Document, error) {
	data, err := readLimited(f.Path)
	if err != nil {
		return nil, err
	}
	d, err := decodeDocument(data)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", f.Path, err)
	}
	return d, nil
}

func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("reading %s: %w: larger than %d MiB", path, ErrInvalid, MaxSize>>20)
	}
	return data, nil
}

// Update runs edit on the current document under the file's lock and
// writes the result if it changed. If edit fails, or the file cannot be
// read, nothing is written.
func (f *File) Update(edit func(*Document) error) error {
	target, err := resolveLinks(f.Path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	base := filepath.Base(target)
	timeout := f.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	unlock, err := lock(filepath.Join(dir, "."+base+".lock"), timeout)
	if err != nil {
		return err
	}
	defer unlock()
	removeStaleTemps(dir, base)

	data, err := readLimited(target)
	if err != nil {
		return err
	}
	d, err := Parse(data)
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Path, err)
	}
	if err := edit(d); err != nil {
		return err
	}
	if bytes.Equal(d.Bytes(), data) {
		return nil
	}
	return atomicfile.Write(target, d.Bytes(), 0o600)
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
// behind one).
func resolveLinks(path string) (string, error) {
	for i := 0; i < 40; i++ {
		fi, err := os.Lstat(path)
		if errors.Is(err, os.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", path, err)
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", path, err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("reading %s: too many levels of symbolic links", path)
}
