package safetext

import "testing"

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
