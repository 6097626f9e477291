package completion

import (
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func testApp() *cli.App {
	return &cli.App{
		Name:    "prog",
		Version: "1.0",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "username", Aliases: []string{"u"}},
			&cli.BoolFlag{Name: "insecure"},
			&cli.StringFlag{Name: "token-file", Aliases: []string{"tokenfile"}, TakesFile: true},
			&cli.StringFlag{Name: "password", Hidden: true},
		},
		Commands: []*cli.Command{
			{Name: "list", Aliases: []string{"ls"}, Flags: []cli.Flag{&cli.BoolFlag{Name: "json"}}},
			{Name: "migrate", Flags: []cli.Flag{&cli.StringFlag{Name: "to"}}},
			{Name: "secret", Hidden: true},
		},
	}
}

var testSource = Source{
	Args: func(cmd string, pos int) []Candidate {
		if (cmd == "" || cmd == "list") && pos == 0 {
			return []Candidate{{"docker://", ""}, {"SylabsCloud", "library remote cloud.sylabs.io"}}
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

func TestCandidates(t *testing.T) {
	tests := []struct {
		name string
		line string // words after the program; a trailing space means an empty current word
		want []string
	}{
		{"flags at the top, not running anything", "--", []string{"--help", "--insecure", "--token-file", "--username", "--version"}},
		{"a single dash offers short spellings too", "-", []string{"--help", "--insecure", "--token-file", "--username", "--version", "-h", "-v"}},
		{"prefix", "--in", []string{"--insecure"}},
		{"alias only when the first name does not match", "--tokenf", []string{"--tokenfile"}},
		{"hidden flag never offered", "--pass", nil},
		{"a flag already given is not offered again", "--insecure --", []string{"--help", "--token-file", "--username", "--version"}},
		{"commands and targets", " ", []string{"SylabsCloud", "docker://", "list", "migrate"}},
		{"hidden command not offered", "se", nil},
		{"a command's own flags", "list --", []string{"--help", "--json"}},
		{"an alias selects the command", "ls --j", []string{"--json"}},
		{"after the command, its arguments, not commands", "list ", []string{"SylabsCloud", "docker://"}},
		{"a flag's value", "migrate --to ", []string{"file", "keyring"}},
		{"a flag's value with =", "migrate --to=k", []string{"--to=keyring"}},
		{"a value is not a flag", "migrate --to -", nil},
		{"a file flag leaves it to the shell", "--token-file ", nil},
		{"the value of a flag is not the command", "-u list ", []string{"SylabsCloud", "docker://", "list", "migrate"}},
		{"one target only", "SylabsCloud ", nil},
		{"after -- only arguments", "-- --", nil},
		{"after -- a word is not a command", "-- list ", nil},
		{"no words", "", []string{"SylabsCloud", "docker://", "list", "migrate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words := append([]string{"prog"}, strings.Fields(tt.line)...)
			if tt.line == "" || strings.HasSuffix(tt.line, " ") {
				words = append(words, "")
			}
			got := Words(Candidates(testApp(), testSource, words))
			if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Candidates(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// TestCandidates_Descriptions: a command's usage and a source's
// description come with the word, and Lines renders them one a line,
// tab-separated, never spanning lines.
func TestCandidates_Descriptions(t *testing.T) {
	app := testApp()
	app.Commands[0].Usage = "list everything"
	got := Lines(Candidates(app, testSource, []string{"prog", ""}))
	want := "SylabsCloud\tlibrary remote cloud.sylabs.io\ndocker://\nlist\tlist everything\nmigrate\n"
	if got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	got = Lines([]Candidate{{"w", "two\nlines\tand\x1b[31mred"}})
	if want := "w\ttwo lines and [31mred\n"; got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}

func TestScript(t *testing.T) {
	for _, sh := range Shells {
		s, err := Script(sh, "remote-login")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{" " + Command + " ", "_remote_login", "remote-login"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s script lacks %q:\n%s", sh, want, s)
			}
		}
		if strings.Contains(s, "PROG") || strings.Contains(s, "FUNC") || strings.Contains(s, "FILEFN") {
			t.Errorf("%s script has an unreplaced placeholder:\n%s", sh, s)
		}
	}
	if _, err := Script("tcsh", "remote-login"); err == nil || !strings.Contains(err.Error(), "bash, zsh, fish") {
		t.Errorf("Script(tcsh) error = %v, want one naming the shells", err)
	}
}
