package protocol

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/remoteyaml/remoteyaml/safetext"
)

// MaxInput bounds what a helper action reads from stdin: a server URL or a
// login is well under a kilobyte, and the bound keeps a runaway client
// from making the helper buffer without end. It is the longest line the
// credentials library's bufio.Scanner takes (64 KiB less one byte): any
// input within it is served, anything longer gets this package's one-line
// refusal rather than the scanner's "token too long".
const MaxInput = bufio.MaxScanTokenSize - 1

// Serve runs one helper action the way credentials.Serve does (same usage
// text, -v/--version, errors on stdout and exit status 1, the actions of
// credentials.HandleCommand), with two differences that credentials.Serve
// cannot offer: stdin is bounded by MaxInput, and the streams and exit
// status are passed in and out so tests can drive it. get and list are
// served by writeGet and writeList, byte for byte as the library does. It returns the exit
// status; every error is one line.
func Serve(h credentials.Helper, args []string, stdin io.Reader, stdout io.Writer) int {
	usage := fmt.Sprintf("Usage: %s <store|get|erase|list|version>", credentials.Name)
	if len(args) != 2 {
		fmt.Fprintln(stdout, usage)
		return 1
	}
	switch args[1] {
	case "--version", "-v":
		credentials.PrintVersion(stdout)
		return 0
	case "--help", "-h":
		fmt.Fprintf(stdout, "%s\n\n%s\n", usage, Help)
		return 0
	}
	var in []byte
	if args[1] != credentials.ActionList && args[1] != credentials.ActionVersion {
		var err error
		in, err = io.ReadAll(io.LimitReader(stdin, MaxInput+1))
		if err != nil {
			fmt.Fprintf(stdout, "reading standard input: %v\n", err)
			return 1
		}
		if len(in) > MaxInput {
			fmt.Fprintf(stdout, "standard input is over %d bytes: not a server URL or login\n", MaxInput)
			return 1
		}
	}
	var err error
	switch args[1] { // get and list: the same replies, written without reflection
	case credentials.ActionGet:
		err = writeGet(h, bytes.NewReader(in), stdout)
	case credentials.ActionList:
		err = writeList(h, stdout)
	default:
		err = credentials.HandleCommand(h, args[1], bytes.NewReader(in), stdout)
	}
	if err != nil {
		// One line, escaped: the error may quote a path or an entry URI,
		// and the client shows it on a terminal.
		fmt.Fprintln(stdout, safetext.Text(strings.ReplaceAll(err.Error(), "\n", " ")))
		return 1
	}
	return 0
}
