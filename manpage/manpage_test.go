package manpage

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

const helpText = `First paragraph, two
lines with a --flag and a back\slash.
.starts with a dot

EXAMPLES
   prog --x    aligned
   prog -y     columns

EXIT STATUS
   0  done`

func TestRender(t *testing.T) {
	got := Render(Page{Name: "prog", Section: 1, Source: "remoteyaml 1.2.3", Summary: "does things",
		Synopsis: []string{"prog [--x]"}, Body: helpText, Options: []Option{{"--x, -x FILE", "read FILE"}}})
	for _, want := range []string{
		".TH \"PROG\" 1 \"\" \"remoteyaml 1.2.3\" \"User Commands\"\n",
		".SH NAME\nprog \\- does things\n",
		".SH SYNOPSIS\n.PP\n.nf\nprog [\\-\\-x]\n.fi\n",
		".SH DESCRIPTION\n.PP\nFirst paragraph, two\nlines with a \\-\\-flag and a back\\eslash.\n\\&.starts with a dot\n",
		".SH \"EXAMPLES\"\n.PP\n.RS 4\n.nf\nprog \\-\\-x    aligned\nprog \\-y     columns\n.fi\n.RE\n",
		".SH \"EXIT STATUS\"\n",
		".SH OPTIONS\n.TP\n.B \"\\-\\-x, \\-x FILE\"\nread FILE\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q:\n%s", want, got)
		}
	}
}

func TestFromApp(t *testing.T) {
	app := &cli.App{Name: "prog", Usage: "does things", UsageText: "prog [TARGET]", Version: "1",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "token-file", Usage: "read the token from `FILE`"},
			&cli.StringFlag{Name: "password", Hidden: true},
		},
		Commands: []*cli.Command{
			{Name: "list", Aliases: []string{"ls"}, Usage: "show them", Description: "Lists.\n\nEXIT STATUS\n   0  listed"},
			{Name: "secret", Hidden: true},
		},
	}
	p := FromApp(app, 1, "x")
	var spellings []string
	for _, o := range p.Options {
		spellings = append(spellings, o.Spelling)
	}
	if got, want := strings.Join(spellings, "|"), "--token-file FILE|--help, -h|--version, -v"; got != want {
		t.Errorf("options = %q, want %q", got, want)
	}
	if len(p.Commands) != 1 || strings.Join(p.Commands[0].Names, ",") != "list,ls" {
		t.Fatalf("commands = %+v, want only list", p.Commands)
	}
	out := Render(p)
	if !strings.Contains(out, ".SS \"list, ls\"\nShow them.\n") || !strings.Contains(out, ".PP\n.B \"EXIT STATUS\"\n") {
		t.Errorf("command section not rendered as expected:\n%s", out)
	}
}

// TestRender_manWarnings renders a page with man-db and groff's warnings
// on, as `make install` checks the installed pages.
func TestRender_manWarnings(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("man (man-db) is not installed: integration/install-deps.sh installs it")
	}
	path := filepath.Join(t.TempDir(), "prog.1")
	page := Render(Page{Name: "prog", Section: 1, Source: "x", Summary: "does things", Synopsis: []string{"prog"}, Body: helpText,
		Commands: []Command{{Names: []string{"list"}, Summary: "show", Body: helpText, Options: []Option{{"--json", "JSON"}}}}})
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("man", "--warnings", "-l", path)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(string(out), "prog --x    aligned") {
		t.Errorf("the aligned example did not survive:\n%s", out)
	}
}
