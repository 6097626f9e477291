package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// MkdirOwned creates dir and its missing parents 0700, as the real
// programs create their config directories. Each directory root creates
// gets the owner of the directory it is made in: `sudo -E remote-login
// setup` must leave the user's ~/.docker and ~/.config the user's.
func MkdirOwned(dir string) error {
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := MkdirOwned(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating %s: %w", dir, unwrapPath(err))
	}
	chownLikeDir(dir, parent)
	return nil
}

// chownLikeDir gives path, which root just created, the owner of dir.
func chownLikeDir(path, dir string) {
	if os.Geteuid() != 0 {
		return
	}
	if di, err := os.Stat(dir); err == nil {
		if st, ok := di.Sys().(*syscall.Stat_t); ok {
			os.Lchown(path, int(st.Uid), int(st.Gid))
		}
	}
}

// RemoveStaleTemps deletes temporary files of base in dir that a writer
// killed before its rename left behind (they may hold secrets). Call it
// under base's lock, so that none of them is in use.
func RemoveStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix(base)) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// ResolveLinks follows symlinks to the file that is really written, so that
// the link itself stays (Apptainer users keep remote.yaml on shared storage
// behind one, dotfile managers link config.json). It resolves as the kernel
// does: a relative target is taken from the link's real directory, and a
// ".." in it steps out of the directory a link leads to, not out of the
// link's name.
func ResolveLinks(path string) (string, error) {
	p := path
	for i := 0; i < 40; i++ {
		cut := strings.LastIndexByte(p, '/')
		dir, base := p[:cut+1], p[cut+1:]
		if dir == "" {
			dir = "."
		}
		if base == "" || base == "." || base == ".." {
			return "", CheckRegular(path, os.ModeDir)
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
