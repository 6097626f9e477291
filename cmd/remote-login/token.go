package main

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"
)

// newTokenCommand is `remote-login token [NAME]`, gh auth token's twin for
// the library API: `curl -H "Authorization: Bearer $(remote-login token)"`.
// Registry and keyserver secrets are never printed: the helper's get
// serves those to the tools that need them.
func newTokenCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "token",
		Usage:     "print the library access token of a remote (a secret) for scripts",
		UsageText: "remote-login token [NAME]",
		Description: `Prints the library access token of the remote NAME (default: the Active
remote, the user file's or else the system file's) on standard output, and
nothing else, for a script calling the library API, as gh auth token does:

   curl -H "Authorization: Bearer $(remote-login token)" https://HOST/v1/...

It prints a secret: do not run it where the output is logged or shared.
It prints library tokens only; registry and keyserver logins are served to
the tools by docker-credential-remoteyaml get, never printed.

EXAMPLES
   remote-login token
   remote-login token SylabsCloud

` + exitStatus(map[int]string{
			exitOK:     "the token was printed",
			exitFailed: "no such remote, no Active remote, or the remote has no token (one line on standard error, nothing on standard output)",
			exitUsage:  "an unknown flag or more than one NAME",
		}),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErrorf("token takes at most one NAME, got %d arguments", c.NArg())
			}
			return runToken(f, c.Args().First())
		},
	}
}

func runToken(f *factory, name string) error {
	file, err := f.remoteFile()
	if err != nil {
		return failedf("token: %v", err)
	}
	doc, err := file.Read()
	if err != nil {
		return failedf("token: %v", err)
	}
	sys, err := f.system(file)
	if err != nil {
		return err
	}
	view := sys.View(doc.Config())
	if strings.Contains(name, "://") {
		return failedf("token: %s is no library remote: token prints library tokens only (registry and keyserver logins are served by docker-credential-remoteyaml get)", name)
	}
	if name == "" {
		if name = view.Active; name == "" {
			return failedf("token: no NAME given and no Active remote in %s or the system remotes; name one: remote-login token NAME", file.Path)
		}
	}
	r := view.Remotes[name]
	switch {
	case r == nil:
		return failedf("token: no remote %s in %s or the system remotes", name, file.Path)
	case r.Token == "":
		return failedf("token: remote %s has no library token in %s; log in with `remote-login %s`", name, file.Path, name)
	case strings.ContainsFunc(r.Token, unicode.IsControl):
		// Printed raw, it could drive the terminal; escaped, it is no token.
		return failedf("token: the token of remote %s in %s holds control characters; log in again with `remote-login %s`", name, file.Path, name)
	}
	_, err = fmt.Fprintln(f.IO.Out, r.Token)
	return err
}
