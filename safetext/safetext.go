// Package safetext makes text that came from users, files or servers safe
// to print on a terminal: Text escapes what is not printable (escape
// sequences, newlines, invalid UTF-8), so a user name or URI cannot move
// the cursor, retitle the window or forge an extra row; Redact masks what
// in a target may hold a secret (user information, query, fragment). JSON
// output needs neither escaping: its encoder escapes on its own.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with every rune that is not printable (and every byte
// that is not UTF-8) written as a Go escape: \n, \t, \x1b, \u0085, \xff.
// Printable text, the space and the backslash stay as they are.
func Text(s string) string {
	if printable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteString(s[i : i+n])
		case r == '\a':
			b.WriteString(`\a`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}

func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// Redact masks, in a target as typed (a URI, host[:port][/path] or a
// remote name), the user information ("alice:PW@" becomes "***@") and
// everything from a query or fragment on ("?***"): either may hold a
// password or token. It does not escape: callers quote or Text it.
func Redact(s string) string {
	authStart := 0
	if i := strings.Index(s, "://"); i >= 0 && isScheme(s[:i]) {
		authStart = i + 3
	}
	tail := ""
	if i := strings.IndexAny(s[authStart:], "?#"); i >= 0 {
		s, tail = s[:authStart+i], s[authStart+i:authStart+i+1]+"***"
	}
	authEnd := len(s)
	if i := strings.IndexByte(s[authStart:], '/'); i >= 0 {
		authEnd = authStart + i
	}
	if at := strings.LastIndexByte(s[authStart:authEnd], '@'); at >= 0 {
		s = s[:authStart] + "***" + s[authStart+at:]
	}
	return s + tail
}

// isScheme reports whether s has the form of a URI scheme (RFC 3986), so
// that "alice:PW@ftp://host" is not read as a scheme followed by a host.
func isScheme(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// Target is Redact, then Text: a target fit to print.
func Target(s string) string { return Text(Redact(s)) }
