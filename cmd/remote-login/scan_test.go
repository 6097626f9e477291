package main

import (
	"os"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/internal/secretscan"
)

// The secret scan of issue 10: every test of this suite ends by checking
// that no secret it handed remote-login (on stdin, in a token file, typed
// at a prompt) is in any output or in any file of its temp dirs but
// remote.yaml and the files the test wrote.

// scanArgs registers the secrets a remote-login command line hands over.
func scanArgs(t *testing.T, stdin string, args []string) {
	t.Helper()
	s := secretscan.For(t)
	for i, a := range args {
		switch {
		case a == "--password-stdin":
			s.Secret(strings.TrimSpace(stdin))
		case (a == "--token-file" || a == "--tokenfile") && i+1 < len(args):
			if data, err := os.ReadFile(args[i+1]); err == nil {
				s.Secret(strings.TrimSpace(string(data)))
				s.Allow(args[i+1])
			}
		}
	}
}
