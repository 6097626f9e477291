package main

import (
	"fmt"
	"strings"

	"github.com/remoteyaml/remoteyaml/completion"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/urfave/cli/v2"
)

func newCompletionCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		UsageText: "remote-login completion bash|zsh|fish",
		Description: `Prints a script that completes commands, flags, remote names and the URIs
of the Authenticated Logins; zsh and fish show what each is (library
remote, registry login, keyserver login; never a secret). make install and
the packages install them where each shell looks; these are for a shell of
your own.

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
		Args: func(cmd string, pos int) []completion.Candidate {
			switch {
			case pos > 0:
				return nil
			case cmd == "", cmd == "login", cmd == "logout", cmd == "status":
				return targets(f, true)
			case cmd == "token":
				return targets(f, false)
			case cmd == "doctor": // registries only
				var regs []completion.Candidate
				for _, c := range targets(f, true) {
					if strings.HasPrefix(c.Word, "docker://") && c.Word != "docker://" {
						regs = append(regs, c)
					}
				}
				return regs
			case cmd == "completion":
				var out []completion.Candidate
				for _, sh := range completion.Shells {
					out = append(out, completion.Candidate{Word: sh})
				}
				return out
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
	fmt.Fprint(f.IO.Out, completion.Lines(completion.Candidates(newApp(f), src, words)))
	return exitOK
}

// targets is what TARGET can be: remote names (library remotes) and, with
// logins, the login URIs and the schemes; each says what it is, never its
// secret.
func targets(f *factory, logins bool) []completion.Candidate {
	var out []completion.Candidate
	if logins {
		for _, s := range []string{"docker://", "oras://", "https://"} {
			out = append(out, completion.Candidate{Word: s})
		}
	}
	file, err := f.remoteFile()
	if err != nil {
		return out
	}
	doc, err := file.Read()
	if err != nil {
		return out
	}
	cfg := doc.Config()
	if sys, err := f.system(file); err == nil {
		cfg = sys.View(cfg) // system remotes complete too
	}
	for name, r := range cfg.Remotes {
		desc := "library remote"
		if r != nil {
			desc += " " + r.URI
			if r.System {
				desc += " (system)"
			}
		}
		if name == cfg.Active {
			desc += " (active)"
		}
		out = append(out, completion.Candidate{Word: name, Desc: desc})
	}
	if !logins {
		return out
	}
	for _, cr := range cfg.Credentials {
		desc := "keyserver login"
		switch {
		case strings.HasPrefix(cr.URI, "oras://"):
			desc = "registry login (oras)"
		case credstore.IsRegistryLogin(cr.URI):
			desc = "registry login"
		}
		out = append(out, completion.Candidate{Word: cr.URI, Desc: desc})
	}
	return out
}
