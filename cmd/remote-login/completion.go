package main

import (
	"fmt"
	"strings"

	"github.com/remoteyaml/remoteyaml/completion"
	"github.com/urfave/cli/v2"
)

func newCompletionCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		UsageText: "remote-login completion bash|zsh|fish",
		Description: `Prints a script that completes commands, flags, remote names and the URIs
of the Authenticated Logins. make install and the packages install them
where each shell looks; these are for a shell of your own.

EXAMPLES
   source <(remote-login completion bash)         # this bash
   source <(remote-login completion zsh)          # this zsh
   remote-login completion fish | source          # this fish
   remote-login completion bash > ~/.local/share/bash-completion/completions/remote-login

` + exitStatus(map[int]string{
			exitOK:    "the script was printed",
			exitUsage: "no shell, or one it has no script for",
		}),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("completion: name one shell: %s", strings.Join(completion.Shells, ", "))
			}
			script, err := completion.Script(c.Args().First(), "remote-login")
			if err != nil {
				return usageErrorf("completion: %v", err)
			}
			fmt.Fprint(f.IO.Out, script)
			return nil
		},
	}
}

// complete answers the completion scripts: words are what follows
// `remote-login __complete`, the last one being typed.
func complete(f *factory, words []string) int {
	src := completion.Source{
		Args: func(cmd string, pos int) []string {
			switch {
			case pos > 0:
				return nil
			case cmd == "", cmd == "login", cmd == "logout", cmd == "status":
				return targets(f)
			case cmd == "doctor": // registries only
				var regs []string
				for _, w := range targets(f) {
					if strings.HasPrefix(w, "docker://") && w != "docker://" {
						regs = append(regs, w)
					}
				}
				return regs
			case cmd == "completion":
				return completion.Shells
			}
			return nil
		},
		Values: func(cmd, flag string) []string {
			if cmd == "migrate" && flag == "to" {
				return []string{"keyring", "file"}
			}
			return nil
		},
	}
	words = append([]string{"remote-login"}, words...)
	for _, c := range completion.Candidates(newApp(f), src, words) {
		fmt.Fprintln(f.IO.Out, c)
	}
	return exitOK
}

// targets is what TARGET can be: remote names, login URIs and the schemes.
func targets(f *factory) []string {
	words := []string{"docker://", "oras://", "https://"}
	if file, err := f.remoteFile(); err == nil {
		if doc, err := file.Read(); err == nil {
			cfg := doc.Config()
			if sys, err := f.system(file); err == nil {
				cfg = sys.View(cfg) // system remotes complete too
			}
			for name := range cfg.Remotes {
				words = append(words, name)
			}
			for _, cr := range cfg.Credentials {
				words = append(words, cr.URI)
			}
		}
	}
	return words
}
