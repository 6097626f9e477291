package main

import (
	"fmt"

	"github.com/remoteyaml/remoteyaml/manpage"
	"github.com/remoteyaml/remoteyaml/protocol"
)

// manCommand is the hidden first argument with which the Makefile writes
// the man pages from the help: `remote-login __man` for remote-login(1),
// `remote-login __man docker-credential-remoteyaml` for the helper's.
const manCommand = "__man"

func printMan(f *factory, args []string) int {
	source := "remoteyaml " + buildVersion()
	var page manpage.Page
	switch {
	case len(args) == 0:
		page = manpage.FromApp(newApp(f), 1, source)
	case len(args) == 1 && args[0] == "docker-credential-remoteyaml":
		page = manpage.Page{
			Name: args[0], Section: 1, Source: source,
			Summary:  "keeps registry logins for every container tool in Apptainer's remote.yaml",
			Synopsis: []string{args[0] + " store|get|erase|list|version", args[0] + " --help|--version"},
			Body:     protocol.Help,
		}
	default:
		fmt.Fprintf(f.IO.Err, "remote-login: %s [docker-credential-remoteyaml]\n", manCommand)
		return exitUsage
	}
	fmt.Fprint(f.IO.Out, manpage.Render(page))
	return exitOK
}
