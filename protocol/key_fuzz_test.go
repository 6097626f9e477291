package protocol

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseKey checks the properties the helper relies on for any input:
// ParseKey never panics, is idempotent through String, yields an EntryURI of
// one of the three schemes and a String without whitespace or control
// characters, and fails only with a one-line ErrInvalidServerURL error. The
// same input is tried as a Credentials URI: a key ListKey reports must parse
// and reach that entry.
func FuzzParseKey(f *testing.F) {
	for _, tc := range clientCases {
		f.Add(tc.in)
		f.Add(tc.wantEntry)
	}
	for _, tc := range invalidCases {
		f.Add(tc.in)
	}
	for _, tc := range rankCases {
		f.Add(tc.key)
		f.Add(tc.entry)
	}
	for _, tc := range listCases {
		f.Add(tc.entry)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
		checkEntry(t, s)
	})
}

func checkParse(t *testing.T, s string) {
	k, err := ParseKey(s)
	if err != nil {
		msg := err.Error()
		if !errors.Is(err, ErrInvalidServerURL) || strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("ParseKey(%q) error %q: not a one-line ErrInvalidServerURL", s, msg)
		}
		if len(msg) > 4*maxQuoteLen+150 {
			t.Fatalf("ParseKey(%q) error is %d bytes", s, len(msg))
		}
		quoted, err := strconv.QuotedPrefix(strings.TrimPrefix(msg, ErrInvalidServerURL.Error()+" "))
		if err != nil {
			t.Fatalf("ParseKey(%q) error %q does not quote the URL", s, msg)
		}
		shown, _ := strconv.Unquote(quoted)
		if at := strings.LastIndexByte(s, '@'); at > 0 {
			// The text before the last '@' (after a scheme) may be a secret;
			// only what the error may show besides it (scheme, host) can hold it.
			user, kept := s[:at], s[at:]
			if i := strings.Index(user, "://"); i >= 0 {
				user, kept = user[i+3:], user[:i+3]+kept
			}
			if len(user) >= 6 && !strings.Contains(kept, user) && strings.Contains(shown, user) {
				t.Fatalf("ParseKey(%q) error %q echoes userinfo", s, msg)
			}
		}
		return
	}
	str := k.String()
	for _, r := range str {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII {
			t.Fatalf("ParseKey(%q).String() = %q has whitespace, control or non-ASCII", s, str)
		}
	}
	again, err := ParseKey(str)
	if err != nil || again != k {
		t.Fatalf("ParseKey(%q) = %+v; ParseKey(%q) = %+v, %v; want the same key", s, k, str, again, err)
	}
	entry := k.EntryURI()
	if !strings.HasPrefix(entry, "docker://") && !strings.HasPrefix(entry, "docker-access-token://") &&
		!strings.HasPrefix(entry, "docker-refresh-token://") {
		t.Fatalf("ParseKey(%q).EntryURI() = %q: unexpected scheme", s, entry)
	}
	if k.Rank(entry) <= 0 {
		t.Fatalf("ParseKey(%q) does not rank its own entry %q", s, entry)
	}
	if k.Kind == Registry {
		listed, ok := ListKey(entry)
		if !ok || listed != k.Host {
			t.Fatalf("ListKey(%q) = %q, %v; want %q", entry, listed, ok, k.Host)
		}
	}
}

func checkEntry(t *testing.T, s string) {
	listed, ok := ListKey(s)
	if !ok {
		if listed != "" {
			t.Fatalf("ListKey(%q) = %q with false", s, listed)
		}
		return
	}
	if strings.HasPrefix(listed, "http://") || strings.HasPrefix(listed, "https://") || strings.ContainsAny(listed, "/@") {
		t.Fatalf("ListKey(%q) = %q: not a plain host[:port]", s, listed)
	}
	k, err := ParseKey(listed)
	if err != nil || k.Kind != Registry || k.Host != listed || k.Repo != "" {
		t.Fatalf("ParseKey(ListKey(%q) = %q) = %+v, %v", s, listed, k, err)
	}
	if k.Rank(s) <= 0 {
		t.Fatalf("ParseKey(%q).Rank(%q) = 0: the key list returns misses its entry", listed, s)
	}
}
