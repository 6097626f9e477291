//go:build !linux

package main

import (
	"os"

	"golang.org/x/term"
)

func readNoEcho(f *os.File) ([]byte, error) { return term.ReadPassword(int(f.Fd())) }
