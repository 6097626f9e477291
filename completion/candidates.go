package completion

import (
	"sort"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"
)

// Candidate is one completion: the word, and what it is (shown beside it
// by zsh and fish; "" for none). A description never holds a secret.
type Candidate struct {
	Word, Desc string
}

// Source supplies what only the program knows. Both funcs may be nil.
type Source struct {
	// Args lists candidates for the positional argument at index pos (0 is
	// the first after the command) of the command named cmd; cmd is "" for
	// the app's own action.
	Args func(cmd string, pos int) []Candidate
	// Values lists candidates for the value of the flag named flag (its
	// first name). None means the shell completes file names.
	Values func(cmd, flag string) []string
}

// Candidates returns the completions of the last of words (the word being
// typed, possibly empty); words[0] is the program name. Each candidate
// starts with that word.
func Candidates(app *cli.App, src Source, words []string) []Candidate {
	if len(words) == 0 {
		return nil
	}
	if len(words) == 1 {
		words = append(words, "")
	}
	typed, cur := words[1:len(words)-1], words[len(words)-1]

	var cmd *cli.Command
	flags := app.Flags
	pos, dashes, pending := 0, false, ""
	used := map[string]bool{}
	for _, w := range typed {
		switch {
		case pending != "":
			pending = ""
		case dashes || w == "-" || !strings.HasPrefix(w, "-"):
			if cmd == nil && pos == 0 && !dashes {
				if c := app.Command(w); c != nil {
					cmd, flags = c, c.Flags
					continue
				}
			}
			pos++
		case w == "--":
			dashes = true
		default:
			name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
			if f := lookup(flags, name); f != nil {
				used[f.Names()[0]] = true
				if takesValue(f) && !hasValue {
					pending = f.Names()[0]
				}
			}
		}
	}
	cmdName := ""
	if cmd != nil {
		cmdName = cmd.Name
	}

	var out []Candidate
	switch {
	case pending != "":
		out = plain(values(src, cmdName, pending, ""))
	case !dashes && strings.HasPrefix(cur, "-"):
		if name, _, ok := strings.Cut(strings.TrimLeft(cur, "-"), "="); ok {
			if f := lookup(flags, name); f != nil {
				prefix := cur[:strings.IndexByte(cur, '=')+1]
				out = plain(values(src, cmdName, f.Names()[0], prefix))
			}
			break
		}
		names := flagNames(flags, used, cur)
		if !used["help"] {
			names = append(names, "--help", "-h")
		}
		if cmd == nil && app.Version != "" && !app.HideVersion && !used["version"] {
			names = append(names, "--version", "-v")
		}
		out = plain(names)
	default:
		if cmd == nil && pos == 0 && !dashes {
			for _, c := range app.VisibleCommands() {
				out = append(out, Candidate{c.Name, c.Usage})
			}
		}
		if src.Args != nil {
			out = append(out, src.Args(cmdName, pos)...)
		}
	}
	return matchingCandidates(out, cur)
}

// Words are the words of cands.
func Words(cands []Candidate) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = c.Word
	}
	return out
}

// Lines renders cands for the scripts, one a line: the word, then a tab and
// the description when there is one (fish's format; the zsh script splits
// it, the bash script drops it). A description is one line of printable
// text: its tabs and control characters become spaces.
func Lines(cands []Candidate) string {
	var b strings.Builder
	for _, c := range cands {
		b.WriteString(c.Word)
		if d := strings.Join(strings.FieldsFunc(c.Desc, unicode.IsControl), " "); d != "" {
			b.WriteString("\t" + d)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func plain(ws []string) []Candidate {
	out := make([]Candidate, len(ws))
	for i, w := range ws {
		out[i] = Candidate{Word: w}
	}
	return out
}

// matchingCandidates keeps the candidates whose word starts with prefix,
// sorted by word, each word once (the first description given wins).
func matchingCandidates(cands []Candidate, prefix string) []Candidate {
	desc := map[string]string{}
	var ws []string
	for _, c := range cands {
		if _, seen := desc[c.Word]; !seen {
			ws = append(ws, c.Word)
			desc[c.Word] = c.Desc
		} else if desc[c.Word] == "" {
			desc[c.Word] = c.Desc
		}
	}
	var out []Candidate
	for _, w := range matching(ws, prefix) {
		out = append(out, Candidate{w, desc[w]})
	}
	return out
}

func values(src Source, cmd, flag, prefix string) []string {
	if src.Values == nil {
		return nil
	}
	var out []string
	for _, v := range src.Values(cmd, flag) {
		out = append(out, prefix+v)
	}
	return out
}

// flagNames spells each visible flag not yet given: its first name, or the
// aliases the typed prefix matches when the first name does not.
func flagNames(flags []cli.Flag, used map[string]bool, cur string) []string {
	var out []string
	for _, f := range flags {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		names := f.Names()
		if used[names[0]] {
			continue
		}
		var spelled []string
		for _, n := range names {
			if len(n) == 1 {
				spelled = append(spelled, "-"+n)
			} else {
				spelled = append(spelled, "--"+n)
			}
		}
		if m := matching(spelled[:1], cur); len(m) > 0 {
			out = append(out, m...)
		} else {
			out = append(out, matching(spelled[1:], cur)...)
		}
	}
	return out
}

func lookup(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

func takesValue(f cli.Flag) bool {
	d, ok := f.(cli.DocGenerationFlag)
	return ok && d.TakesValue()
}

// matching keeps the words that start with prefix, sorted and without
// repeats.
func matching(words []string, prefix string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		if strings.HasPrefix(w, prefix) && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}
