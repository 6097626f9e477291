package main

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

const allowText = `# comment
unit | pkg\.TestKeyring | ^no D-Bus session | make keyring runs it
`

// ev builds go test -json lines.
func ev(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestReport(t *testing.T) {
	allow, err := parseAllowed(allowText, "allowed")
	if err != nil {
		t.Fatal(err)
	}
	skipped := func(test, msg string) string {
		return ev(`{"Action":"run","Package":"pkg","Test":"`+test+`"}`,
			`{"Action":"output","Package":"pkg","Test":"`+test+`","Output":"=== RUN   `+test+`\n"}`,
			`{"Action":"output","Package":"pkg","Test":"`+test+`","Output":"    x_test.go:12: using /bin/x\n"}`,
			`{"Action":"output","Package":"pkg","Test":"`+test+`","Output":"    x_test.go:13: `+msg+`\n"}`,
			`{"Action":"output","Package":"pkg","Test":"`+test+`","Output":"--- SKIP: `+test+` (0.00s)\n"}`,
			`{"Action":"skip","Package":"pkg","Test":"`+test+`"}`)
	}
	pkgPass := ev(`{"Action":"pass","Package":"pkg"}`)
	tests := []struct {
		name, step, in string
		wantCode       int
		wantSkips      []skip
		wantOut        string
	}{
		{"allowed skip", "unit", skipped("TestKeyring", "no D-Bus session: later") + pkgPass, 0,
			[]skip{{"pkg.TestKeyring", "no D-Bus session: later"}}, "skip (allowed: make keyring runs it)"},
		{"allowed in another step only", "keyring", skipped("TestKeyring", "no D-Bus session: later") + pkgPass, 1,
			[]skip{{"pkg.TestKeyring", "no D-Bus session: later"}}, "SKIP NOT ALLOWED: pkg.TestKeyring"},
		{"installed tool missing", "integration", skipped("TestCrane", "crane is not installed (not in PATH nor /x)") + pkgPass, 1,
			[]skip{{"pkg.TestCrane", "crane is not installed (not in PATH nor /x)"}}, "0 passed, 0 failed, 1 skipped"},
		{"right test, other reason", "unit", skipped("TestKeyring", "secret-tool not installed") + pkgPass, 1,
			[]skip{{"pkg.TestKeyring", "secret-tool not installed"}}, "SKIP NOT ALLOWED"},
		{"failure", "unit", ev(`{"Action":"fail","Package":"pkg","Test":"TestA"}`, `{"Action":"fail","Package":"pkg"}`), 1,
			nil, "FAIL: pkg.TestA"},
		{"only a wrapper's words", "unit", "gnome-keyring started\n", 1, nil, "ran no test package"},
		{"no package ran", "unit", "", 1, nil, "ran no test package"},
		{"passes", "unit", ev(`{"Action":"pass","Package":"pkg","Test":"TestA"}`) + pkgPass, 0, nil, "unit: 1 passed, 0 failed, 0 skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := read(bufio.NewReader(strings.NewReader(tt.in)), io.Discard, false)
			if err != nil {
				t.Fatal(err)
			}
			r.Step = tt.step
			var out strings.Builder
			if got := report(&out, allow, []*result{r}); got != tt.wantCode {
				t.Errorf("report code = %d, want %d; it printed:\n%s", got, tt.wantCode, out.String())
			}
			if len(r.Skipped) != len(tt.wantSkips) {
				t.Fatalf("skips = %+v, want %+v", r.Skipped, tt.wantSkips)
			}
			for i := range r.Skipped {
				if r.Skipped[i] != tt.wantSkips[i] {
					t.Errorf("skip %d = %+v, want %+v", i, r.Skipped[i], tt.wantSkips[i])
				}
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("report printed:\n%s\nwant it to contain %q", out.String(), tt.wantOut)
			}
		})
	}
}

func TestParseAllowed_Refuses(t *testing.T) {
	for _, text := range []string{
		"unit | TestA | reason",           // no why
		"unit | TestA | reason |  ",       // empty why
		"unit | Test( | reason | because", // bad regexp
	} {
		if _, err := parseAllowed(text, "f"); err == nil {
			t.Errorf("parseAllowed(%q) = nil error, want one", text)
		}
	}
}
