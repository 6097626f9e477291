package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// IOStreams are the command's streams; tests inject buffers or a pty.
type IOStreams struct {
	In  io.Reader
	Out io.Writer // results: what a script reads
	Err io.Writer // prompts, progress and errors
}

// errAborted is an empty answer, end of input or Ctrl-C at a prompt.
var errAborted = errors.New("aborted; nothing was stored")

// terminal returns In as a terminal, if it is one.
func (s *IOStreams) terminal() (*os.File, bool) {
	f, ok := s.In.(*os.File)
	return f, ok && term.IsTerminal(int(f.Fd()))
}

// CanPrompt reports whether the user can be asked.
func (s *IOStreams) CanPrompt() bool {
	_, ok := s.terminal()
	return ok
}

// ErrIsTerminal reports whether progress written to Err reaches a person.
func (s *IOStreams) ErrIsTerminal() bool {
	f, ok := s.Err.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// PromptLine asks a question whose answer may be seen (a user name, y/N).
func (s *IOStreams) PromptLine(label string) (string, error) {
	line, err := s.prompt(label, true)
	return strings.TrimSpace(line), err
}

// PromptSecret asks for a secret without echo. An empty answer aborts.
func (s *IOStreams) PromptSecret(label string) (string, error) {
	line, err := s.prompt(label, false)
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(line)
	if v == "" {
		return "", errAborted
	}
	return v, nil
}

// prompt shows label and reads one line from the terminal (readLine: Ctrl-C
// and Ctrl-D there are errAborted). A signal from elsewhere (kill, a
// hang-up) restores the terminal before the program ends, so the shell
// is not left silent.
func (s *IOStreams) prompt(label string, echo bool) (string, error) {
	f, ok := s.terminal()
	if !ok {
		return "", errors.New("no terminal to ask on")
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	defer func() { signal.Stop(sig); close(done) }()
	go func() {
		select {
		case <-sig:
			_ = term.Restore(fd, state)
			fmt.Fprintln(s.Err, "\nremote-login: "+errAborted.Error())
			os.Exit(exitAborted)
		case <-done:
		}
	}()
	line, err := readLine(f, echo, func() { fmt.Fprint(s.Err, label) })
	if err != nil {
		fmt.Fprintln(s.Err)
		if errors.Is(err, io.EOF) || errors.Is(err, errInterrupt) {
			return "", errAborted
		}
		return "", err
	}
	fmt.Fprintln(s.Err)
	return string(line), nil
}

// maxSecret bounds what is read from stdin or a file.
const maxSecret = 64 << 10

// readSecret reads a secret from r: stdin with --password-stdin (only the
// line break at the end goes, as docker login does) or a token file (all
// surrounding space goes).
func readSecret(r io.Reader, what string, trimAll bool) (string, error) {
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(r), maxSecret+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", what, err)
	}
	if len(b) > maxSecret {
		return "", fmt.Errorf("%s is larger than %d KiB; it holds no password or token", what, maxSecret>>10)
	}
	s := string(b)
	if trimAll {
		s = strings.TrimSpace(s)
	} else {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	}
	if s == "" {
		return "", usageErrorf("%s is empty: it must hold the password or token", what)
	}
	if strings.ContainsAny(s, "\r\n") {
		return "", usageErrorf("%s holds more than one line; give only the password or token", what)
	}
	return s, nil
}
