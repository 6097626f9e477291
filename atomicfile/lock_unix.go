//go:build unix

package atomicfile

import (
	"errors"
	"fmt"
	"io"
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
// lockFile is the lock file, open for reading and writing while the lock is
// held: a writer may leave a note there for the next reader (yamlstore
// records its last write of remote.yaml). Read and write it only through
// lockFile, and never close it: closing any descriptor of the file drops
// the process's lock.
func Lock(path string, timeout time.Duration) (unlock func(), lockFile *os.File, err error) {
	// A lock nobody holds (the usual case: one helper call) is taken with
	// one F_SETLK, without the timer and the waiting goroutine, which cost
	// a helper's store a tenth of its instructions at 10 logins.
	var timer *time.Timer
	wait := func() <-chan time.Time {
		if timer == nil {
			timer = time.NewTimer(timeout)
		}
		return timer.C
	}
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	sem := localLock(path)
	select {
	case sem <- struct{}{}:
	default:
		select {
		case sem <- struct{}{}:
		case <-wait():
			return nil, nil, lockTimeout(path, timeout)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		<-sem
		return nil, nil, fmt.Errorf("opening lock file %s: %w", path, unwrapPath(err))
	}
	// Root (sudo -E docker login) must not leave a lock file the user
	// cannot open: it is the directory owner's.
	chownLikeDir(path, filepath.Dir(path))
	release := func() {
		f.Close() // closing drops the fcntl lock
		<-sem
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	switch err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); {
	case err == nil:
		return release, f, nil
	case !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EACCES) && !errors.Is(err, syscall.EINTR):
		release()
		return nil, nil, fmt.Errorf("locking %s: %w", path, unwrapPath(err))
	}
	done := make(chan error, 1)
	go func() { done <- waitLock(f) }()
	select {
	case err := <-done:
		if err != nil {
			release()
			return nil, nil, fmt.Errorf("locking %s: %w", path, unwrapPath(err))
		}
		return release, f, nil
	case <-wait():
		// A waiting fcntl cannot be called off. Until it returns, this
		// process keeps the semaphore: closing any descriptor of the file
		// drops all of the process's locks on it, so no other goroutine
		// may take the lock while this descriptor is still open.
		go func() {
			<-done
			release()
		}()
		return nil, nil, lockTimeout(path, timeout)
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

// LockPath is the lock file remoteyaml's writers of target share: ".NAME.lock"
// beside it (target has its links resolved).
func LockPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock")
}

// ReadLock reads at most max bytes of the lock file at lockPath without
// taking the lock, for a reader that takes none and wants the note a
// writer left there (see Lock). While a goroutine of this process holds
// the lock it reads nothing: closing the descriptor it would open would
// drop that goroutine's lock. A missing or odd lock file reads as nothing.
func ReadLock(lockPath string, max int) []byte {
	sem := localLock(lockPath)
	select {
	case sem <- struct{}{}:
		defer func() { <-sem }()
	default:
		return nil
	}
	fh, err := os.OpenFile(lockPath, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	buf := make([]byte, max)
	n, _ := io.ReadFull(fh, buf)
	return buf[:n]
}

func lockTimeout(path string, d time.Duration) error {
	return fmt.Errorf("%w: %s is held by another process after %s; if no remoteyaml or remote-login is running, check the file system's lock service (NFS: lockd)", ErrLocked, path, d)
}
