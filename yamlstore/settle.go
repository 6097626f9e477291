package yamlstore

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"os"
	"time"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// DefaultSettle is how long a file another program wrote in place must stay
// unchanged before it is believed. Apptainer and SingularityCE truncate,
// then write, with no lock, and a writer may write in pieces; a reader in
// between sees an empty file or a prefix, and a prefix often parses. Their
// own gap is microseconds; the margin is for a loaded machine or a slow file
// system.
const DefaultSettle = time.Second

const pollInterval = 5 * time.Millisecond

func (f *File) settle() time.Duration {
	if f.Settle > 0 {
		return f.Settle
	}
	return DefaultSettle
}

// readSettled reads path and decodes it, never believing a file another
// program may still be writing in place. A read is believed when the file
// did not change while it was read and
//   - it was last modified more than the settle time ago (a get of an old
//     file waits for nothing; an old empty file is looked at twice), or
//   - it is byte for byte the complete file remoteyaml's last write put
//     there (the record beside the lock, see writeRecord), or
//   - its bytes and state stayed the same across the settle time.
//
// Otherwise it is read again, for at most the lock timeout. Then a write
// (held is the lock file it holds) fails, writing nothing; a get decodes
// what it has. What stays empty for emptySettle is empty. lockPath
// finds the lock file that holds the record; it is asked only about a
// recent file.
func (f *File) readSettled(path string, lockPath func() string, held *os.File, decode func([]byte) (*Document, error)) (*Document, atomicfile.State, error) {
	strict := held != nil
	settle := f.settle()
	deadline := f.now().Add(f.timeout())
	var seen atomicfile.State
	var seenData []byte
	var since time.Time
	for {
		data, st, changed, err := readSnapshot(path)
		if err != nil {
			return nil, st, err
		}
		now := f.now()
		need := settle
		if st.Size == 0 {
			need = f.emptySettle()
		}
		// A truncate sets the size before the times: for a moment an
		// emptied file still shows its old mtime (seen). So an empty file
		// is old only once a second look finds it the same.
		old := !st.ModifiedWithin(need, now) && (st.Size > 0 || (st == seen && now.Sub(since) >= pollInterval))
		believed := !changed && (!st.Exists || old ||
			ownWrite(lockPath(), held, st, data) ||
			(st == seen && bytes.Equal(data, seenData) && now.Sub(since) >= need))
		if !believed {
			if st != seen || !bytes.Equal(data, seenData) {
				seen, seenData, since = st, data, now
			}
			if now.Before(deadline) {
				var named func() bool
				if !strict && st.Size > 0 {
					// A store's record lands just after its rename: a get
					// that read in between need not wait for the settle
					// time. (A writer holds the lock: no record can come.)
					named = func() bool { return recordNames(lockPath(), seen) }
				}
				f.waitQuiet(path, seen, need, since.Add(need), deadline, named)
				continue
			}
			if strict {
				return nil, st, fmt.Errorf("%s was being rewritten by another program for %s (it never stayed unchanged for %s); nothing was written, try again", f.Path, f.timeout(), need)
			}
		}
		d, err := decode(data)
		if err != nil {
			return nil, st, fmt.Errorf("reading %s: %w", f.Path, err)
		}
		return d, st, nil
	}
}

// emptySettle is the settle time of an empty file. No finished write of
// Apptainer or SingularityCE leaves remote.yaml empty (their encoder writes
// at least "{}"), and remoteyaml's own are known by their record: an empty
// file is most likely one of them between its truncate and its write,
// stalled on a loaded machine (for more than 200 ms at load 12, seen). So
// it must stay empty longer, within the lock timeout, before it is
// believed.
func (f *File) emptySettle() time.Duration {
	return max(f.settle(), min(4*f.settle(), f.timeout()/2))
}

// waitQuiet sleeps until path's state moves away from st, or until the
// file has been quiet long enough to read again: until, or need after its
// mtime if that comes first. It polls the state only, so a large file is
// not read over and over while it settles.
func (f *File) waitQuiet(path string, st atomicfile.State, need time.Duration, until, deadline time.Time, named func() bool) {
	if byMtime := time.Unix(0, st.MtimeNanos).Add(need); st.Exists && byMtime.Before(until) {
		until = byMtime
	}
	if deadline.Before(until) {
		until = deadline
	}
	for {
		time.Sleep(pollInterval)
		if !f.now().Before(until) {
			return
		}
		fi, err := os.Stat(path)
		if err != nil || atomicfile.StateOf(fi) != st || (named != nil && named()) {
			return
		}
	}
}

// lockPath is the lock file of the file f.Path leads to; "" if that
// cannot be told.
func (f *File) lockPath() string {
	target, err := atomicfile.ResolveLinks(f.Path)
	if err != nil {
		return ""
	}
	return atomicfile.LockPath(target)
}

// The record of remoteyaml's last write is kept in the lock file, which only
// remoteyaml's writers write, under the lock: the file's identity and
// times after the rename, and the CRC-32 (IEEE) of the bytes written. A
// file that matches it is complete however recently it changed, so one
// store right after another does not wait for the settle time. An in-place
// write by another program changes the mtime, and almost always the size
// and the bytes; any mismatch only means waiting.
//
// The checksum guards against chance, not an adversary (whoever can write
// remote.yaml needs no collision): it matters only if another program's
// write left the same inode with the same size and the same nanosecond
// times, and then its 32 bits must agree too. It runs in hardware
// (PCLMULQDQ; 36 µs for the 1.3 MB of 10,000 logins) and its table costs
// 23,000 instructions on first use. SHA-256 took two passes over the file
// per store at 10,000 logins, and crypto/sha256 was the only crypto
// package on the helper's path: its FIPS module's inits ran on every call.
// (Castagnoli's hardware tables cost 1.3 M instructions to build.)
const recordMax = 256

func recordLine(st atomicfile.State, data []byte) []byte {
	return fmt.Appendf(recordHead(st), "%08x\n", crc32.ChecksumIEEE(data))
}

// writeRecord notes, in the held lock file, that target is now exactly data
// as remoteyaml wrote it. Best effort: without a record the next reader
// waits for the settle time, nothing worse.
func writeRecord(lockFile *os.File, target string, data []byte) {
	st, err := atomicfile.Lstate(target)
	if err != nil || st.Size != int64(len(data)) {
		return
	}
	line := recordLine(st, data)
	if _, err := lockFile.WriteAt(line, 0); err == nil {
		lockFile.Truncate(int64(len(line)))
	}
}

// ownWrite tells that data, read from a file in state st, is what the
// record of remoteyaml's last write names. held is the lock file if this
// call holds the lock, else nil.
func ownWrite(lockPath string, held *os.File, st atomicfile.State, data []byte) bool {
	if lockPath == "" || st.Size != int64(len(data)) {
		return false
	}
	rec := readRecord(lockPath, held)
	// The state first: hashing a large file is not free, and it is needed
	// only when everything else agrees.
	if !bytes.HasPrefix(rec, recordHead(st)) {
		return false
	}
	return bytes.Equal(rec, recordLine(st, data))
}

func recordHead(st atomicfile.State) []byte {
	return fmt.Appendf(nil, "remoteyaml-wrote %d %d %d %d %d ", st.Dev, st.Ino, st.Size, st.MtimeNanos, st.CtimeNanos)
}

// recordNames tells, without hashing, that the record of remoteyaml's last
// write now names a file in state st: worth reading it again to check.
func recordNames(lockPath string, st atomicfile.State) bool {
	return lockPath != "" && bytes.HasPrefix(readRecord(lockPath, nil), recordHead(st))
}

// readRecord reads the record of the last write from the lock file: through
// held, the descriptor that holds the lock, when there is one; otherwise
// with atomicfile.ReadLock, which reads nothing while another goroutine of
// this process holds the lock (closing a second descriptor would drop it),
// which only means waiting.
func readRecord(lockPath string, held *os.File) []byte {
	if held == nil {
		return atomicfile.ReadLock(lockPath, recordMax)
	}
	buf := make([]byte, recordMax)
	n, _ := held.ReadAt(buf, 0)
	return buf[:n]
}
