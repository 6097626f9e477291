//go:build !linux

package main

import (
	"bufio"
	"errors"
	"os"
	"strings"

	"golang.org/x/term"
)

// errInterrupt is never returned here: Ctrl-C stays a signal.
var errInterrupt = errors.New("interrupted")

func readLine(f *os.File, echo bool, show func()) ([]byte, error) {
	show()
	if !echo {
		return term.ReadPassword(int(f.Fd()))
	}
	s, err := bufio.NewReader(f).ReadString('\n')
	return []byte(strings.TrimRight(s, "\r\n")), err
}
