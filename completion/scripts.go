package completion

import (
	"fmt"
	"strings"
)

// Command is the hidden first argument under which the program answers
// completion requests: `PROG __complete WORD... CURRENT` prints the
// candidates, one a line.
const Command = "__complete"

// Shells are the shells Script knows, in the order help lists them.
var Shells = []string{"bash", "zsh", "fish"}

// Script returns the completion script of shell for the program prog,
// which answers Command. Each script asks the program that was typed
// (words[0]), so a ./bin/remote-login completes from its own definitions.
// When the program offers nothing (a flag's file argument), bash and zsh
// complete file names and fish its paths. The program prints WORD or
// WORD<tab>DESCRIPTION (Lines): fish shows that as it is, zsh as
// "WORD  -- DESCRIPTION", bash the words alone.
func Script(shell, prog string) (string, error) {
	fn := "_" + strings.NewReplacer("-", "_", ".", "_").Replace(prog)
	var tmpl string
	switch shell {
	case "bash":
		tmpl = bashScript
	case "zsh":
		tmpl = zshScript
	case "fish":
		tmpl = fishScript
	default:
		return "", fmt.Errorf("no completion for shell %q; choose one of %s", shell, strings.Join(Shells, ", "))
	}
	// FILEFN: zsh names a function autoloaded from site-functions after its
	// file, _PROG, and runs the file as its body.
	return strings.NewReplacer("FILEFN", "_"+prog, "PROG", prog, "FUNC", fn, "COMPLETE", Command).Replace(tmpl), nil
}

// bash: bash-completion's _get_comp_words_by_ref keeps "docker://host" one
// word (COMP_WORDBREAKS splits at ':'); without bash-completion the words
// are bash's own.
const bashScript = `# bash completion for PROG
#   source <(PROG completion bash)      # this shell only
FUNC() {
	local cur words cword
	if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
		_get_comp_words_by_ref -n =: cur words cword
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur="${words[cword]}"
	fi
	# Each line is WORD, or WORD<tab>DESCRIPTION: bash shows words only.
	local line
	local -a cands=()
	while IFS= read -r line; do
		cands+=("${line%%$'\t'*}")
	done < <("${words[0]}" COMPLETE "${words[@]:1:cword}" 2>/dev/null)
	local IFS=$'\n'
	COMPREPLY=($(compgen -W "${cands[*]}" -- "$cur"))
	if declare -F __ltrim_colon_completions >/dev/null 2>&1; then
		__ltrim_colon_completions "$cur"
	fi
}
complete -o default -o nosort -F FUNC PROG 2>/dev/null || complete -o default -F FUNC PROG
`

const zshScript = `#compdef PROG
# zsh completion for PROG
#   source <(PROG completion zsh)       # this shell only
FUNC() {
	# Each line is WORD, or WORD<tab>DESCRIPTION, shown as "WORD  -- DESCRIPTION".
	local -a lines cands descs
	local line described=0
	lines=("${(@f)$("${words[1]}" COMPLETE "${(@)words[2,CURRENT]}" 2>/dev/null)}")
	for line in "${lines[@]}"; do
		[[ -z $line ]] && continue
		cands+=("${line%%$'\t'*}")
		if [[ $line == *$'\t'* ]]; then
			descs+=("${line%%$'\t'*}  -- ${line#*$'\t'}")
			described=1
		else
			descs+=("$line")
		fi
	done
	if (( ${#cands} == 0 )); then
		_files
	elif (( described )); then
		compadd -Q -l -d descs -a cands
	else
		compadd -Q -a cands
	fi
}
if [[ "${funcstack[1]}" == "FILEFN" ]]; then
	FUNC "$@"
else
	compdef FUNC PROG
fi
`

const fishScript = `# fish completion for PROG
#   PROG completion fish | source       # this shell only
function FUNC
	set -l words (commandline -opc)
	set -l out ($words[1] COMPLETE $words[2..-1] (commandline -ct) 2>/dev/null)
	if test (count $out) -eq 0
		__fish_complete_path (commandline -ct)
	else
		printf '%s\n' $out
	end
end
complete -c PROG -f -a '(FUNC)'
`
