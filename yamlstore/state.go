package yamlstore

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// state is what tells one version of remote.yaml from another without
// reading it: another program that truncates or writes the file in place
// changes its size, mtime or ctime; one that renames a new file over it
// changes the inode.
type state struct {
	exists     bool
	dev, ino   uint64
	size       int64
	mode       fs.FileMode
	mtimeNanos int64
	ctimeNanos int64
}

func stateOf(fi fs.FileInfo) state {
	s := state{exists: true, size: fi.Size(), mode: fi.Mode(), mtimeNanos: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.dev, s.ino, s.ctimeNanos = uint64(st.Dev), uint64(st.Ino), ctimeNanos(st)
	}
	return s
}

// modifiedWithin tells a file written less than d before now.
func (s state) modifiedWithin(d time.Duration, now time.Time) bool {
	return s.exists && now.Sub(time.Unix(0, s.mtimeNanos)) < d
}

// lstate is the state of path now (path is already resolved: no link).
func lstate(path string) (state, error) {
	fi, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	return stateOf(fi), nil
}

// checkRegular refuses anything but a regular file: a FIFO would hang
// every reader, and a device (a link to /dev/null is a natural way to keep
// no logins) must never be replaced by a file holding secrets.
func checkRegular(path string, mode fs.FileMode) error {
	if mode.IsRegular() {
		return nil
	}
	kind := "special file"
	switch {
	case mode.IsDir():
		kind = "directory"
	case mode&fs.ModeNamedPipe != 0:
		kind = "FIFO"
	case mode&fs.ModeCharDevice != 0:
		kind = "character device"
	case mode&fs.ModeDevice != 0:
		kind = "block device"
	case mode&fs.ModeSocket != 0:
		kind = "socket"
	case mode&fs.ModeSymlink != 0:
		kind = "symbolic link"
	}
	return fmt.Errorf("%s is a %s, not a regular file: remoteyaml keeps logins only in a regular file (remove it, or point APPTAINER_CONFIGDIR or REMOTEYAML_FILE elsewhere)", path, kind)
}

// unwrapPath drops the path an *fs.PathError repeats: messages here name
// the file once, in front.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
