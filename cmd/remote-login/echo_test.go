package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

// Item 11 of issue 10: `remote-login logout 'docker://alice:PW@host'`
// echoed the password. Every kind of target, in every message, is echoed
// with its user information and query masked.
func TestTargets_NeverEchoUserInfoOrQuery(t *testing.T) {
	e := newTestEnv(t)
	e.writeRemoteYAML(t, "Active: lib\nRemotes:\n    lib:\n        URI: library.invalid\n        System: false\n        Exclusive: false\n")
	const pw = "PW-e11"
	targets := []string{
		"docker://alice:" + pw + "@reg.example.com",
		"oras://alice:" + pw + "@reg.example.com/ns/img",
		"docker://reg.example.com/ns?token=" + pw,
		"docker://reg.example.com#" + pw,
		"https://alice:" + pw + "@keys.example.com",
		"hkps://alice:" + pw + "@keys.example.com",
		"https://keys.example.com/pks?token=" + pw,
		"http://alice:" + pw + "@keys.example.com",
		"alice:" + pw + "@reg.example.com",
		"alice:" + pw + "@lib",
		"lib?token=" + pw,
		"ftp://alice:" + pw + "@reg.example.com",
		"docker://alice:" + pw + "@",
	}
	for _, target := range targets {
		for _, args := range [][]string{
			{"logout", target},
			{"-u", "bob", "--password-stdin", target},
			{"--password-stdin", target},
			{"login", "--token-file", "/nonexistent/token", target},
		} {
			r := runCmd(t, "stdin-secret", nil, args...)
			if r.code == 0 {
				t.Errorf("%q: exit 0", args)
			}
			noSecret(t, r, pw, "stdin-secret")
		}
	}
}

// Item 12 of issue 10: user names, remote names and targets holding escape
// sequences or newlines were printed raw. Every table and message escapes
// them (JSON escapes on its own).
func TestOutput_EscapesNonPrintable(t *testing.T) {
	e := newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	evilUser := base64.StdEncoding.EncodeToString([]byte("bob\x1b]0;owned\x07\nFAKE ROW\r\x9b2J:pw"))
	e.writeRemoteYAML(t, "Active: \"ev\\eil\"\nRemotes:\n    \"ev\\eil\":\n        URI: \"lib\\u0085rary.example\"\n        System: false\n        Exclusive: false\n"+
		"Credentials:\n    - URI: docker://reg.example.com\n      Auth: Basic "+evilUser+"\n      Insecure: false\n")
	clean := func(name, s string) {
		t.Helper()
		for _, r := range s {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("%s holds the raw control character %U:\n%q", name, r, s)
				return
			}
		}
	}
	r := runCmd(t, "", nil, "list")
	clean("list", r.stdout+r.stderr)
	if strings.Contains(r.stdout, "\nFAKE ROW") || !strings.Contains(r.stdout, `bob\x1b]0;owned\a\nFAKE ROW\r\x9b2J`) {
		t.Errorf("list did not escape the user name:\n%s", r.stdout)
	}
	if n := strings.Count(r.stdout, "\n"); n != 7 {
		t.Errorf("list printed %d lines, want 7 (a newline in a field makes a row)", n)
	}
	for _, args := range [][]string{
		{"logout", "lib\x1b[2J"},
		{"logout", "docker://reg.example.com\x1b[2J"},
		{"logout", "https://keys.example.com/\x1b[2J\nFAKE"},
		{"logout", "ev\x1bil"},
		{"--password-stdin", "lib\x1b[2J\n"},
	} {
		r := runCmd(t, "tok", nil, args...)
		clean(strings.Join(args, " "), r.stdout+r.stderr)
		if strings.Count(r.stderr, "\n") > 1 {
			t.Errorf("%q: the message is more than one line: %q", args, r.stderr)
		}
	}
}
