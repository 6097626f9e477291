package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed returns args (program name first) with every flag moved in
// front of the arguments, so that `remote-login docker://h -u alice
// --password-stdin` parses as docker, podman and oras parse it. urfave/cli
// v2 stops reading flags at the first argument; reordering before it
// parses keeps its own flag handling and errors for everything else.
//
// The first argument that names a command (or an alias) splits the line:
// the flags after it are that command's. "--" ends the flags, and
// everything after it stays an argument. With --help the arguments go:
// the help of the command is asked for. A flag that takes a
// value keeps the word after it.
func interspersed(args []string, app *cli.App) []string {
	if len(args) < 2 {
		return args
	}
	rest := args[1:]
	out := []string{args[0]}
	// The top level: flags before the first argument are the app's.
	flags, i := app.Flags, 0
	for i < len(rest) {
		a := rest[i]
		if a == "--" || !isFlag(a) {
			break
		}
		out = append(out, a)
		if takesValue(flags, a) && i+1 < len(rest) {
			out = append(out, rest[i+1])
			i++
		}
		i++
	}
	if i < len(rest) && rest[i] != "--" {
		if cmd := findCommand(app.Commands, rest[i]); cmd != nil {
			out = append(out, rest[i])
			flags, i = cmd.Flags, i+1
		}
	}
	return append(out, reorder(rest[i:], flags)...)
}

// reorder puts the flags of args (with their values) before the arguments.
func reorder(args []string, flags []cli.Flag) []string {
	var fl, pos []string
	help := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(append([]string{"--"}, pos...), args[i+1:]...)
			break
		}
		help = help || a == "-h" || a == "--help"
		if !isFlag(a) {
			pos = append(pos, a)
			continue
		}
		fl = append(fl, a)
		if takesValue(flags, a) && i+1 < len(args) {
			fl = append(fl, args[i+1])
			i++
		}
	}
	if help {
		// urfave reads an argument beside --help as a help topic (a
		// subcommand); `remote-login logout docker://h --help` means the
		// command's help, as docker's does.
		return fl
	}
	return append(fl, pos...)
}

func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }

// takesValue reports whether the flag word a (-u, --username, never
// --username=x) is a defined flag that takes its value from the next word.
func takesValue(flags []cli.Flag, a string) bool {
	name := strings.TrimLeft(a, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				if v, ok := f.(cli.DocGenerationFlag); ok {
					return v.TakesValue()
				}
				return false
			}
		}
	}
	return false
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
