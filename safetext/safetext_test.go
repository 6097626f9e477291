package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, spaces":        "plain text, spaces",
		`back\slash "quoted"`:       `back\slash "quoted"`,
		"ünïcødé 日本":                "ünïcødé 日本",
		"bob\x1b]0;owned\x07":       `bob\x1b]0;owned\a`,
		"two\nlines\r\ttab":         `two\nlines\r\ttab`,
		"c1 \u009b2J nel \u0085":    `c1 \u009b2J nel \u0085`,
		"bidi \u202e and zw \u200b": `bidi \u202e and zw \u200b`,
		"bad utf8 \xff\xfe":         `bad utf8 \xff\xfe`,
		"del \x7f nul \x00":         `del \x7f nul \x00`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"docker://alice:PW@reg.example.com":        "docker://***@reg.example.com",
		"docker://reg.example.com/ns/img@sha256:1": "docker://reg.example.com/ns/img@sha256:1",
		"oras://a:b@c@reg.example.com/x":           "oras://***@reg.example.com/x",
		"https://keys.example.com/pks?token=PW":    "https://keys.example.com/pks?***",
		"https://keys.example.com#PW":              "https://keys.example.com#***",
		"https://u:p@keys.example.com/?q=PW#f":     "https://***@keys.example.com/?***",
		"alice:PW@reg.example.com":                 "***@reg.example.com",
		"lib?token=PW":                             "lib?***",
		"SylabsCloud":                              "SylabsCloud",
		"docker://alice:PW@":                       "docker://***@",
		"docker://a?b@host":                        "docker://a?***",
		"":                                         "",
		"alice:PW@ftp://host/x":                    "***@ftp://host/x",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzText: whatever the input, the output holds nothing a terminal would
// act on, and text that was printable comes out as it went in. Redact
// never leaves what it masks.
func FuzzText(f *testing.F) {
	for _, s := range []string{"plain", "bob\x1b]0;x\x07\n", "\xff\u0085\u202e", "docker://a:PW@h/p?q#f", "a:PW@b", "x?PW"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q is not UTF-8", s, out)
		}
		for _, r := range out {
			if r != ' ' && !unicode.IsPrint(r) {
				t.Fatalf("Text(%q) = %q holds %U", s, out, r)
			}
		}
		if printable(s) && out != s {
			t.Fatalf("Text changed printable %q to %q", s, out)
		}
		r := Redact(s)
		if strings.ContainsAny(r, "?#") && !strings.HasSuffix(r, "***") {
			t.Fatalf("Redact(%q) = %q keeps a query or fragment", s, r)
		}
		if i := strings.Index(s, "@"); i >= 0 && !strings.ContainsAny(s[:i], "/?#") && !strings.Contains(r, "***") {
			t.Fatalf("Redact(%q) = %q keeps user information", s, r)
		}
	})
}
