package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// checkWritable fails when remote.yaml could not be written, before a
// login sends anything: its directory (or the first one that exists on the
// way to it, which the store would create it in) must be writable, and so
// must the file when it exists.
func checkWritable(path string) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if _, err := os.Stat(path); err == nil && unix.Access(path, unix.W_OK) != nil {
		return failedf("cannot store logins: %s is read-only for you; make it writable with chmod u+w, or point APPTAINER_CONFIGDIR at a directory you own", path)
	}
	dir := filepath.Dir(path)
	for {
		if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return failedf("cannot store logins in %s: you may not write in that directory; make it writable with chmod u+w, or point APPTAINER_CONFIGDIR at a directory you own (nothing was sent to any server)", dir)
	}
	return nil
}

// storeFailed explains a verified login that could not be written. A
// permission error names its directory once, with the fix; the wrapped
// error would name the path twice (the file and the temp file beside it).
func storeFailed(target, what string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && errors.Is(err, fs.ErrPermission) {
		return failedf("%s: the %s is valid but cannot be stored: you may not write in %s; make it writable with chmod u+w, or point APPTAINER_CONFIGDIR at a directory you own", target, what, filepath.Dir(pe.Path))
	}
	return failedf("%s: the %s is valid but could not be stored: %v", target, what, err)
}
