package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// State is what tells one version of a file from another without reading
// it: another program that truncates or writes the file in place changes
// its size, mtime or ctime; one that renames a new file over it changes the
// inode.
type State struct {
	Exists     bool
	Dev, Ino   uint64
	Size       int64
	Mode       fs.FileMode
	MtimeNanos int64
	CtimeNanos int64
}

// StateOf is the State of a file's FileInfo.
func StateOf(fi fs.FileInfo) State {
	s := State{Exists: true, Size: fi.Size(), Mode: fi.Mode(), MtimeNanos: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.Dev, s.Ino, s.CtimeNanos = uint64(st.Dev), uint64(st.Ino), ctimeNanos(st)
	}
	return s
}

// ModifiedWithin tells a file written less than d before now.
func (s State) ModifiedWithin(d time.Duration, now time.Time) bool {
	return s.Exists && now.Sub(time.Unix(0, s.MtimeNanos)) < d
}

// Lstate is the state of path now (path is already resolved: no link).
func Lstate(path string) (State, error) {
	fi, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	return StateOf(fi), nil
}

// CheckRegular refuses anything but a regular file: a FIFO would hang
// every reader, a device would be read without end, and one (a link to
// /dev/null is a natural way to keep no logins) must never be replaced by a
// file holding secrets.
func CheckRegular(path string, mode fs.FileMode) error {
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
	return fmt.Errorf("%s is a %s, not a regular file: remoteyaml reads and writes only regular files (remove it, or point the variable that names it, such as APPTAINER_CONFIGDIR, DOCKER_CONFIG or REMOTEYAML_FILE, elsewhere)", path, kind)
}
