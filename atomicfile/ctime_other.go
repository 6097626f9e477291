//go:build unix && !linux && !darwin && !freebsd && !netbsd

package atomicfile

import "syscall"

// ctimeNanos: size, mtime and inode still tell versions apart here.
func ctimeNanos(*syscall.Stat_t) int64 { return 0 }
