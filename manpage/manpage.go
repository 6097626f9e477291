// Package manpage renders a command's own help as a man(7) page, so the
// installed pages say what --help says and cannot drift from it.
//
// The help texts are written for an 80-column terminal: paragraphs of plain
// lines, indented blocks (tables, examples) whose alignment matters, and
// headings in capitals. Paragraphs become filled roff text, indented blocks
// no-fill blocks, and headings sections (.SH) or, inside a command, bold
// labels. urfave/cli's own ToMan goes through Markdown, which re-flows the
// indented blocks into one run of words.
package manpage

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// Page is one man page.
type Page struct {
	Name     string   // the program, as typed
	Section  int      // 1 for user commands
	Source   string   // the footer's source, e.g. "remoteyaml 1.2.3"
	Summary  string   // the NAME line after the dash
	Synopsis []string // usage lines
	Body     string   // help text: paragraphs, indented blocks, HEADINGS
	Options  []Option
	Commands []Command
}

// Option is one flag: its spelling (with a value placeholder) and usage.
type Option struct{ Spelling, Usage string }

// Command is one subcommand.
type Command struct {
	Names    []string
	Summary  string
	Synopsis []string
	Body     string
	Options  []Option
}

// FromApp describes a urfave/cli app: its help, flags and visible commands.
func FromApp(app *cli.App, section int, source string) Page {
	p := Page{
		Name: app.Name, Section: section, Source: source, Summary: app.Usage,
		Synopsis: lines(app.UsageText), Body: app.Description,
		Options: options(app.Flags, true),
	}
	if app.Version != "" && !app.HideVersion {
		p.Options = append(p.Options, Option{"--version, -v", "print the version"})
	}
	for _, c := range app.VisibleCommands() {
		p.Commands = append(p.Commands, Command{
			Names: c.Names(), Summary: c.Usage, Synopsis: lines(c.UsageText),
			Body: c.Description, Options: options(c.Flags, !c.HideHelp),
		})
	}
	return p
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func options(flags []cli.Flag, help bool) []Option {
	var out []Option
	for _, f := range flags {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		var names []string
		for _, n := range f.Names() {
			if len(n) == 1 {
				names = append(names, "-"+n)
			} else {
				names = append(names, "--"+n)
			}
		}
		spelling, usage := strings.Join(names, ", "), ""
		if d, ok := f.(cli.DocGenerationFlag); ok {
			placeholder, u := unquoteUsage(d.GetUsage())
			usage = u
			if d.TakesValue() {
				if placeholder == "" {
					placeholder = "VALUE"
				}
				spelling += " " + placeholder
			}
		}
		out = append(out, Option{spelling, usage})
	}
	if help {
		out = append(out, Option{"--help, -h", "show the help"})
	}
	return out
}

// Render writes the page in man(7) markup.
func Render(p Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH %s %d \"\" %s \"User Commands\"\n", quote(strings.ToUpper(p.Name)), p.Section, quote(p.Source))
	// No hyphenation and a ragged right edge: paths and URLs stay whole.
	b.WriteString(".nh\n.ad l\n")
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", escape(p.Name), escape(p.Summary))
	if len(p.Synopsis) > 0 {
		b.WriteString(".SH SYNOPSIS\n")
		synopsis(&b, p.Synopsis)
	}
	b.WriteString(".SH DESCRIPTION\n")
	body(&b, p.Body, true)
	if len(p.Options) > 0 {
		b.WriteString(".SH OPTIONS\n")
		optionList(&b, p.Options)
	}
	if len(p.Commands) > 0 {
		b.WriteString(".SH COMMANDS\n")
		for _, c := range p.Commands {
			fmt.Fprintf(&b, ".SS %s\n%s\n", quote(strings.Join(c.Names, ", ")), escape(capitalize(c.Summary)+"."))
			synopsis(&b, c.Synopsis)
			body(&b, c.Body, false)
			if len(c.Options) > 0 {
				b.WriteString(".PP\n.B OPTIONS\n")
				optionList(&b, c.Options)
			}
		}
	}
	return b.String()
}

func synopsis(b *strings.Builder, ls []string) {
	b.WriteString(".PP\n.nf\n")
	for _, l := range ls {
		b.WriteString(escape(l) + "\n")
	}
	b.WriteString(".fi\n")
}

func optionList(b *strings.Builder, opts []Option) {
	for _, o := range opts {
		fmt.Fprintf(b, ".TP\n.B %s\n%s\n", quote(o.Spelling), escape(o.Usage))
	}
}

var heading = regexp.MustCompile(`^[A-Z][A-Z ]*[A-Z]$`)

// body renders help text: top says a heading starts a section (.SH) rather
// than a bold label inside a command's subsection.
func body(b *strings.Builder, text string, top bool) {
	ls := strings.Split(strings.Trim(text, "\n"), "\n")
	for i := 0; i < len(ls); {
		l := strings.TrimRight(ls[i], " \t")
		switch {
		case l == "":
			i++
		case heading.MatchString(l):
			if top {
				fmt.Fprintf(b, ".SH %s\n", quote(l))
			} else {
				fmt.Fprintf(b, ".PP\n.B %s\n", quote(l))
			}
			i++
		case l[0] == ' ' || l[0] == '\t':
			j := i
			for j < len(ls) && strings.TrimSpace(ls[j]) != "" && (ls[j][0] == ' ' || ls[j][0] == '\t') {
				j++
			}
			block(b, ls[i:j])
			i = j
		default:
			b.WriteString(".PP\n")
			for ; i < len(ls); i++ {
				l := strings.TrimRight(ls[i], " \t")
				if l == "" || l[0] == ' ' || l[0] == '\t' || heading.MatchString(l) {
					break
				}
				b.WriteString(escape(l) + "\n")
			}
		}
	}
}

// block keeps an indented block's alignment: no filling, the common
// indentation taken off and replaced by the page's own.
func block(b *strings.Builder, ls []string) {
	indent := -1
	for _, l := range ls {
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	b.WriteString(".PP\n.RS 4\n.nf\n")
	for _, l := range ls {
		b.WriteString(escape(strings.TrimRight(l[indent:], " \t")) + "\n")
	}
	b.WriteString(".fi\n.RE\n")
}

// unquoteUsage takes the value's name from backquotes in a flag's usage,
// urfave/cli's convention ("read from `FILE`").
func unquoteUsage(usage string) (name, text string) {
	if i := strings.IndexByte(usage, '`'); i >= 0 {
		if j := strings.IndexByte(usage[i+1:], '`'); j >= 0 {
			name = usage[i+1 : i+1+j]
			return name, usage[:i] + name + usage[i+1+j+1:]
		}
	}
	return "", usage
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// escape makes text literal to roff: backslashes, minus signs (so that
// options copied from the page are typed with ASCII hyphens) and a leading
// control character.
func escape(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func quote(s string) string { return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"` }
