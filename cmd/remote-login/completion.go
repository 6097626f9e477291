package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

const bashCompletion = `# bash completion for remote-login; load with
#   source <(remote-login completion bash)
_remote_login() {
	local cur="${COMP_WORDS[COMP_CWORD]}"
	local words
	if [[ "$cur" == -* ]]; then
		words=$("${COMP_WORDS[@]:0:COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
	else
		words=$("${COMP_WORDS[@]:0:COMP_CWORD}" --generate-bash-completion 2>/dev/null)
	fi
	local IFS=$'\n'
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -o nospace -F _remote_login remote-login
`

const zshCompletion = `# zsh completion for remote-login; load with
#   source <(remote-login completion zsh)
autoload -U +X bashcompinit && bashcompinit
` + bashCompletion

func newCompletionCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash or zsh)",
		UsageText: "remote-login completion bash|zsh",
		Description: `Prints a script that completes commands, flags, remote names and the URIs
of the Authenticated Logins.

EXAMPLES
   source <(remote-login completion bash)         # this shell
   remote-login completion bash > ~/.local/share/bash-completion/completions/remote-login

` + exitCodesHelp,
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				fmt.Fprint(f.IO.Out, bashCompletion)
			case "zsh":
				fmt.Fprint(f.IO.Out, zshCompletion)
			default:
				return usageErrorf("completion: name the shell: bash or zsh")
			}
			return nil
		},
		BashComplete: func(*cli.Context) { fmt.Fprintln(f.IO.Out, "bash\nzsh") },
	}
}

// completeTargets prints what TARGET can be: remote names and login URIs
// (and the commands, at the top level).
func completeTargets(f *factory, c *cli.Context, top bool) {
	var words []string
	if top {
		for _, cmd := range c.App.Commands {
			if !cmd.Hidden {
				words = append(words, cmd.Name)
			}
		}
	}
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
	words = append(words, "docker://", "oras://", "https://")
	sort.Strings(words)
	fmt.Fprintln(f.IO.Out, strings.Join(words, "\n"))
}
