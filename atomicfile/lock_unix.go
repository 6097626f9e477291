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
// waiting up to timeout. fcntl rather than flock because Linux NFS clients
// forward fcntl locks to the server (NLM or NFSv4), so writers on different
// nodes of a cluster exclude each other. It waits in the kernel (F_SETLKW),
// which hands the lock to a waiter the moment it is released: polling with
// a back-off left the lock idle between tries, and 64 helpers storing at
// once took 3 to 4 times as long as the same stores one after another
// (bench/run.sh, contention). The returned func releases it.
func Lock(path string, timeout time.Duration) (func(), error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	sem := localLock(path)
	select {
	case sem <- struct{}{}:
	case <-timer.C:
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
	done := make(chan error, 1)
	go func() { done <- waitLock(f) }()
	select {
	case err := <-done:
		if err != nil {
			release()
			return nil, fmt.Errorf("locking %s: %w", path, unwrapPath(err))
		}
		return release, nil
	case <-timer.C:
		// A waiting fcntl cannot be called off. Until it returns, this
		// process keeps the semaphore: closing any descriptor of the file
		// drops all of the process's locks on it, so no other goroutine
		// may take the lock while this descriptor is still open.
		go func() {
			<-done
			release()
		}()
		return nil, lockTimeout(path, timeout)
	}
}

// waitLock blocks until f's whole file is write-locked, waiting again when
// a signal (Go's preemption, SIGURG) interrupts the wait.
func waitLock(f *os.File) error {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	for {
		err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lk)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func lockTimeout(path string, d time.Duration) error {
	return fmt.Errorf("%w: %s is held by another process after %s; if no remoteyaml or remote-login is running, check the file system's lock service (NFS: lockd)", ErrLocked, path, d)
}
