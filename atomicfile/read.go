package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"
)

// MaxSize bounds what is read: the files remoteyaml reads and writes are a
// few kilobytes, and a huge one (or a device that never ends) must fail
// with a line, not with the process out of memory.
const MaxSize = 16 << 20

// ErrTooLarge marks a file over MaxSize. Built without fmt: every helper
// call pays for package-level work.
var ErrTooLarge = errors.New("larger than " + strconv.Itoa(MaxSize>>20) + " MiB")

// Snapshot reads the file path leads to, refusing anything but a regular
// file and anything over MaxSize. It opens without blocking, so a FIFO
// cannot hang it. A missing file reads as no bytes and a zero State.
// changed reports that the file moved while it was being read.
func Snapshot(path string) (data []byte, st State, changed bool, err error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, State{}, false, nil
	}
	if err != nil {
		return nil, State{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, State{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	if err := CheckRegular(path, fi.Mode()); err != nil {
		return nil, State{}, false, err
	}
	if fi.Size() > MaxSize {
		return nil, State{}, false, fmt.Errorf("reading %s: %w", path, ErrTooLarge)
	}
	// Sized from the file: io.ReadAll's doubling faults in about twice the
	// pages a large file needs, a measurable part of a get.
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(fh, MaxSize+1))
	data = buf.Bytes()
	if err != nil {
		return nil, State{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	if len(data) > MaxSize {
		return nil, State{}, false, fmt.Errorf("reading %s: %w", path, ErrTooLarge)
	}
	after, err := fh.Stat()
	if err != nil {
		return nil, State{}, false, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	st = StateOf(after)
	return data, st, st != StateOf(fi) || int64(len(data)) != st.Size, nil
}

// ReadFile reads path with Snapshot's checks, again while it changes under
// the read (another writer in the middle of its write), for at most a
// second; a missing file reads as no bytes and a zero State.
func ReadFile(path string) ([]byte, State, error) {
	deadline := time.Now().Add(time.Second)
	for {
		data, st, changed, err := Snapshot(path)
		if err != nil || !changed || time.Now().After(deadline) {
			return data, st, err
		}
		time.Sleep(5 * time.Millisecond)
	}
}
