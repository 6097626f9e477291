package main

import (
	"errors"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// errInterrupt is the interrupt key (Ctrl-C) typed at a prompt.
var errInterrupt = errors.New("interrupted")

// readLine reads one line from the terminal f with the terminal's own line
// editing and signals off, and does both itself: the interrupt key (Ctrl-C)
// returns errInterrupt and end of file (Ctrl-D) on an empty line io.EOF,
// whichever process group the terminal belongs to; erase and kill work as
// the terminal sets them. echo shows what is typed (a user name), else
// nothing is shown (a secret). term.ReadPassword is not used: on Unix it
// loops forever on end of input and leaves Ctrl-C to a signal.
//
// show runs once the terminal is switched, so a key typed the moment the
// prompt appears (Ctrl-C right after the label) is already ours to read,
// not the line discipline's.
func readLine(f *os.File, echo bool, show func()) ([]byte, error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Lflag &^= unix.ECHO | unix.ICANON | unix.ISIG
	raw.Iflag |= unix.ICRNL
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old) //nolint:errcheck // best effort, as term.Restore
	show()
	intr, eof, erase, kill := old.Cc[unix.VINTR], old.Cc[unix.VEOF], old.Cc[unix.VERASE], old.Cc[unix.VKILL]
	var line []byte
	buf := make([]byte, 1)
	for {
		n, err := f.Read(buf)
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				return line, nil
			}
			return nil, err
		}
		if n == 0 {
			continue
		}
		switch c := buf[0]; {
		case c == '\n':
			return line, nil
		case c == intr:
			return nil, errInterrupt
		case c == eof:
			if len(line) == 0 {
				return nil, io.EOF
			}
		case c == erase || c == 0x7f || c == '\b':
			if len(line) > 0 {
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
				if echo {
					f.WriteString("\b \b")
				}
			}
		case c == kill:
			if echo {
				for range utf8.RuneCount(line) {
					f.WriteString("\b \b")
				}
			}
			line = line[:0]
		case c < 0x20 && c != '\t':
			// Other control keys (Ctrl-Z, arrows' escapes) are no part of
			// a name or a secret; with signals off they arrive as bytes.
		default:
			line = append(line, c)
			if len(line) > maxSecret {
				return nil, errors.New("input too long")
			}
			if echo {
				f.Write(buf)
			}
		}
	}
}
