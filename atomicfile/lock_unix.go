//go:build unix

package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// ErrLocked is returned when a file's lock cannot be taken in time.
var ErrLocked = errors.New("file is locked")

// POSIX record locks belong to the process, so goroutines of one process
// would all "hold" the same lock; a per-path semaphore serialises them first.
var (
	localMu    sync.Mutex
	localLocks = map[string]chan struct{}{}
)

func localLock(path string) chan struct{} {
	localMu.Lock()
	defer localMu.Unlock()
	ch, ok := localLocks[path]
	if !ok {
		ch = make(chan struct{}, 1)
		localLocks[path] = ch
	}
	return ch
}

// Lock takes an exclusive fcntl lock on path (created 0600 if missing),
// polling until timeout. fcntl rather than flock because Linux NFS clients
// forward fcntl locks to the server (NLM or NFSv4), so writers on different
// nodes of a cluster exclude each other. The returned func releases it.
func Lock(path string, timeout time.Duration) (func(), error) {
	deadline := time.Now().Add(timeout)
	sem := localLock(path)
	select {
	case sem <- struct{}{}:
	case <-time.After(timeout):
		return nil, lockTimeout(path, timeout)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		<-sem
		return nil, fmt.Errorf("opening lock file %s: %w", path, unwrapPath(err))
	}
	// Root (sudo -E docker login) must not leave a lock file the user
	// cannot open: it is the directory owner's.
	chownLikeDir(path, filepath.Dir(path))
	release := func() {
		f.Close() // closing drops the fcntl lock
		<-sem
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	wait := time.Millisecond
	for {
		err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
		if err == nil {
			return release, nil
		}
		if !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EACCES) && !errors.Is(err, syscall.EINTR) {
			release()
			return nil, fmt.Errorf("locking %s: %w", path, unwrapPath(err))
		}
		if time.Now().After(deadline) {
			release()
			return nil, lockTimeout(path, timeout)
		}
		time.Sleep(wait)
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
}

func lockTimeout(path string, d time.Duration) error {
	return fmt.Errorf("%w: %s is held by another process after %s; if no remoteyaml or remote-login is running, check the file system's lock service (NFS: lockd)", ErrLocked, path, d)
}
