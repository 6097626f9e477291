package protocol

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker-credential-helpers/credentials"
)

// MaxInput bounds what a helper action reads from stdin: a server URL or a
// login is well under a kilobyte, and the bound keeps a runaway client
// from making the helper buffer without end.
const MaxInput = 1 << 20

// Serve runs one helper action the way credentials.Serve does (same usage
// text, -v/--version, errors on stdout and exit status 1, the actions of
// credentials.HandleCommand), with two differences that credentials.Serve
// cannot offer: stdin is bounded by MaxInput, and the streams and exit
// status are passed in and out so tests can drive it. It returns the exit
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
			fmt.Fprintf(stdout, "standard input is larger than %d KiB: not a server URL or login\n", MaxInput>>10)
			return 1
		}
	}
	if err := credentials.HandleCommand(h, args[1], bytes.NewReader(in), stdout); err != nil {
		fmt.Fprintln(stdout, strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	return 0
}
