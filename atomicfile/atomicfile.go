// Package atomicfile is the one write path of every file remoteyaml writes
// (remote.yaml, the docker and podman JSON files, the registries.conf
// drop-in, setup's records, the settings file). Update reads the file with
// checks (no blocking open, regular files only, a size cap), lets the
// caller edit the bytes, and replaces the file under an fcntl lock beside
// it: a temporary file in the same directory, 0600 from its creation until
// just before the rename, the owner of the file it replaces, fsync, a last
// check that the file is still the one that was read (else it starts over),
// rename, fsync of the directory. A reader sees the old or the new content,
// never a mix, even if the writer is killed; the temporary files of a
// killed writer are removed by the next one.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// TempPrefix is the name prefix of the temporary files Write uses for a
// file named base. A writer killed before its rename leaves one behind;
// whoever serialises writers may remove them.
func TempPrefix(base string) string { return "." + base + ".tmp-" }

// Write replaces path with data, with permissions mode. The directory must
// exist. A symlink at path would be replaced by a file: callers that keep
// links resolve them first. It takes no lock and checks nothing: files
// other programs write go through Update.
func Write(path string, data []byte, mode fs.FileMode) error {
	return WriteChecked(path, data, mode, nil)
}

// WriteChecked is Write with a last check: check runs once the new content
// is durable, just before the rename, and an error from it leaves path
// untouched and is returned as it is.
//
// The new file gets the owner and group of the file it replaces, or for a
// new file those of the directory, as Docker's config writer does: a user's
// file written by root (sudo -E docker login) must stay the user's, or the
// user and Apptainer are locked out of it. Changing the owner needs root;
// for anyone else it is tried and let go, as their file is theirs already.
func WriteChecked(path string, data []byte, mode fs.FileMode, check func() error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, TempPrefix(filepath.Base(path))+"*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if uid, gid, ok := OwnerFor(path); ok {
		tmp.Chown(uid, gid) // best effort, see above
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if check != nil {
		if err = check(); err != nil {
			return err
		}
	}
	// The file's own mode only now: until here the temporary file, which
	// a kill may leave behind with the secrets in it, is 0600 as created.
	if mode.Perm() != 0o600 {
		if err = os.Chmod(tmp.Name(), mode.Perm()); err != nil {
			return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: some file systems refuse fsync on directories
		d.Close()
	}
	return nil
}

// OwnerFor returns the owner and group a file written at path should have:
// those of the file there, else, for root, those of its directory (a file
// root creates in a user's directory is the user's). ok is false when
// there is nothing to change.
func OwnerFor(path string) (uid, gid int, ok bool) {
	fi, err := os.Stat(path)
	if err != nil {
		if os.Geteuid() != 0 {
			return 0, 0, false
		}
		if fi, err = os.Stat(filepath.Dir(path)); err != nil {
			return 0, 0, false
		}
	}
	st, isUnix := fi.Sys().(*syscall.Stat_t)
	if !isUnix {
		return 0, 0, false
	}
	uid, gid = int(st.Uid), int(st.Gid)
	return uid, gid, uid != os.Geteuid() || gid != os.Getegid()
}

// unwrapPath drops the path an *fs.PathError repeats: the messages here
// name the file once, in front.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
