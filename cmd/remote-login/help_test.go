package main

import (
	"regexp"
	"strings"
	"testing"
)

// exitCodesIn returns the codes an EXIT STATUS section of help lists.
func exitCodesIn(t *testing.T, help string) string {
	t.Helper()
	lines := strings.Split(help, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "EXIT STATUS" {
			start = i
		}
	}
	if start < 0 {
		t.Fatalf("no EXIT STATUS in help:\n%s", help)
	}
	code := regexp.MustCompile(`^\s+(\d)  \S`)
	var codes []string
	for _, l := range lines[start+1:] {
		if strings.TrimSpace(l) == "" {
			break
		}
		if m := code.FindStringSubmatch(l); m != nil {
			codes = append(codes, m[1])
		}
	}
	return strings.Join(codes, ",")
}

func TestHelp_exitStatusPerCommand(t *testing.T) {
	newTestEnv(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "0,1,2,3"},
		{[]string{"login", "--help"}, "0,1,2,3"},
		{[]string{"list", "--help"}, "0,1,2"},
		{[]string{"logout", "--help"}, "0,1,2"},
		{[]string{"setup", "--help"}, "0,1,2"},
		{[]string{"migrate", "--help"}, "0,1,2"},
		{[]string{"status", "--help"}, "0,1,2"},
		{[]string{"version", "--help"}, "0,2"},
		{[]string{"completion", "--help"}, "0,2"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCmd(t, "", nil, tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d, want 0", r.code)
			}
			if got := exitCodesIn(t, r.stdout); got != tt.want {
				t.Errorf("exit codes in help = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	e := newTestEnv(t)
	const yaml = "Active: SylabsCloud\nRemotes:\n  SylabsCloud:\n    URI: cloud.sylabs.io\nCredentials:\n- URI: docker://registry.example.com\n  Insecure: false\n"
	e.writeRemoteYAML(t, yaml)
	tests := []struct {
		name string
		args []string
		want []string // each must be offered
		not  []string // none may be
	}{
		{"flags, where urfave's completion ran a login", []string{"--"}, []string{"--username", "--password-stdin", "--token-file", "--insecure", "--help"}, []string{"--password", "list"}},
		{"commands and targets", []string{""}, []string{"list", "logout", "setup", "SylabsCloud", "docker://registry.example.com", "docker://"}, []string{"__complete"}},
		{"a command's flags", []string{"setup", "--"}, []string{"--docker", "--podman", "--apptainer", "--undo"}, []string{"--username"}},
		{"flags after the target", []string{"docker://h", "-"}, []string{"--username", "-h"}, nil},
		{"logout targets", []string{"logout", "docker://r"}, []string{"docker://registry.example.com"}, []string{"SylabsCloud", "list"}},
		{"migrate --to", []string{"migrate", "--to", ""}, []string{"keyring", "file"}, nil},
		{"completion shells", []string{"completion", ""}, []string{"bash", "zsh", "fish"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, "", nil, append([]string{"__complete"}, tt.args...)...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			got := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				w, _, _ := strings.Cut(line, "\t") // the word, without its description
				got[w] = true
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("%q not offered; got %q", w, r.stdout)
				}
			}
			for _, w := range tt.not {
				if got[w] {
					t.Errorf("%q offered; got %q", w, r.stdout)
				}
			}
		})
	}
	if got := e.readRemoteYAML(t); got != yaml {
		t.Errorf("completing changed remote.yaml:\n%s", got)
	}
}

func TestCompletionCommand(t *testing.T) {
	newTestEnv(t)
	tests := []struct {
		args    []string
		code    int
		want    string
		wantErr string
	}{
		{[]string{"completion", "bash"}, 0, "complete -o default", ""},
		{[]string{"completion", "zsh"}, 0, "#compdef remote-login", ""},
		{[]string{"completion", "fish"}, 0, "complete -c remote-login", ""},
		{[]string{"completion"}, 2, "", "name one shell: bash, zsh, fish"},
		{[]string{"completion", "tcsh"}, 2, "", `no completion for shell "tcsh"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCmd(t, "", nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.want) || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("got exit %d, stdout %q, stderr %q; want %d, %q, %q", r.code, r.stdout, r.stderr, tt.code, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMan(t *testing.T) {
	newTestEnv(t)
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"__man"}, 0, []string{".TH \"REMOTE\\-LOGIN\" 1", ".SH \"EXIT STATUS\"", ".SS \"logout\"", ".B \"\\-\\-token\\-file, \\-\\-tokenfile FILE\""}},
		{[]string{"__man", "docker-credential-remoteyaml"}, 0, []string{".TH \"DOCKER\\-CREDENTIAL\\-REMOTEYAML\" 1", "REMOTEYAML_FILE", ".SH \"SEE ALSO\""}},
		{[]string{"__man", "other"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCmd(t, "", nil, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d", r.code, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("man page lacks %q", w)
				}
			}
		})
	}
}
