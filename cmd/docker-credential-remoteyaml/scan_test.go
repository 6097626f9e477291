package main

import (
	"bytes"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/remoteyaml/remoteyaml/internal/secretscan"
)

// The secret scan of issue 10: every test of the conformance suite ends by
// checking that no secret it stored is in any output but a successful
// get's, or in any file of its temp dirs but remote.yaml (the keyring,
// in keyring mode, is outside them).

// storeSecret finds the Secret of a store request, even one that is not
// valid JSON (the bad-input tests send those).
var storeSecret = regexp.MustCompile(`"Secret"\s*:\s*"((?:[^"\\]|\\.)*)`)

// scanInput registers the secret a helper action is handed.
func scanInput(t *testing.T, action string, stdin []byte) {
	t.Helper()
	if action != "store" {
		return
	}
	if m := storeSecret.FindSubmatch(stdin); m != nil {
		secretscan.For(t).Secret(string(m[1]))
	}
}

// scanOutput registers what a helper action printed: everything but the
// answer of a get that succeeded, which is where a secret belongs.
func scanOutput(t *testing.T, action string, stdout, stderr string, ok bool) {
	t.Helper()
	s := secretscan.For(t)
	s.Output("stderr of "+action, stderr)
	if action != "get" || !ok {
		s.Output("stdout of "+action, stdout)
	}
}

// scannedProgram runs the helper as client.NewShellProgramFunc does, with
// its input and outputs going through the scan.
func scannedProgram(t *testing.T) client.ProgramFunc {
	secretscan.For(t)
	return func(args ...string) client.Program { return &scannedShell{t: t, args: args} }
}

type scannedShell struct {
	t    *testing.T
	args []string
	in   []byte
}

func (p *scannedShell) Input(in io.Reader) { p.in, _ = io.ReadAll(in) }

func (p *scannedShell) Output() ([]byte, error) {
	action := strings.Join(p.args, " ")
	scanInput(p.t, action, p.in)
	cmd := exec.Command(helperBin, p.args...)
	cmd.Stdin = bytes.NewReader(p.in)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	scanOutput(p.t, action, string(out), errb.String(), err == nil)
	return out, err
}
