package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/internal/secretscan"
)

// Item 9 of issue 10: an Auth with no recognised scheme was quoted in full
// in get's error. No part of an Auth value is printed, whatever its shape.
func TestGet_NeverPrintsAnAuthValue(t *testing.T) {
	for name, auth := range map[string]string{
		"raw token":     "RAWTOKEN-5ecret",
		"tab separator": "\"Bearer\\tTABTOKEN-5ecret\"",
		"bad base64":    "Basic NOT*BASE64-5ecret",
		"no colon":      "Basic Tk9DT0xPTi01ZWNyZXQ=", // NOCOLON-5ecret
		"odd scheme":    "Digest DIGEST-5ecret",
	} {
		t.Run(name, func(t *testing.T) {
			_, path := env(t)
			t.Setenv("REMOTEYAML_SECRETS", "file")
			text := "Credentials:\n    - URI: docker://odd.example.com\n      Auth: " + auth + "\n      Insecure: false\n"
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			out, code := run(t, "get", "odd.example.com")
			if code != 1 || strings.Count(out, "\n") != 1 {
				t.Errorf("get: exit %d, output %q; want exit 1 and one line", code, out)
			}
			for _, leak := range []string{"5ecret", "TOKEN", "NOT*", "Tk9D", "NOCOLON", "DIGEST"} {
				if strings.Contains(out, leak) {
					t.Errorf("get printed part of the Auth value (%q): %q", leak, out)
				}
			}
		})
	}
}

// Item 12 of issue 10: the helper's one-line errors escape what is not
// printable (here a config directory whose name holds an escape sequence),
// so an error a client shows cannot drive its terminal.
func TestErrors_EscapeNonPrintable(t *testing.T) {
	_, path := env(t)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	dir := filepath.Join(filepath.Dir(path), "cfg\x1b]0;owned\a\u0085x")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("APPTAINER_CONFIGDIR", dir)
	text := "Credentials:\n    - URI: docker://esc.example.com\n      Auth: RAWTOKEN-5ecret\n      Insecure: false\n"
	if err := os.WriteFile(filepath.Join(dir, "remote.yaml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := run(t, "get", "esc.example.com")
	if code != 1 || strings.Count(out, "\n") != 1 {
		t.Fatalf("get: exit %d, output %q", code, out)
	}
	if strings.ContainsAny(strings.TrimSuffix(out, "\n"), "\x1b\a\n\u0085") || !strings.Contains(out, `cfg\x1b]0;owned\a\u0085x`) {
		t.Errorf("get's error is not escaped: %q", out)
	}
}

// Item 5 of issue 10, against a real Secret Service: erase with the keyring
// locked fails with the documented error and leaves remote.yaml as it was
// (it used to remove the entry first, orphaning the keyring item).
func TestKeyring_LockedErase(t *testing.T) {
	needKeyringTools(t)
	_, path := env(t)
	runLockedKeyring(t, path, `export REMOTEYAML_SECRETS=keyring
	echo '{"ServerURL":"r.example.com","Username":"u","Secret":"LOCKED-ERASE"}' | "$1" store || exit 9
	cp "$2" "$2.before"
	`+lockKeyring+`
	echo r.example.com | "$1" erase
	echo "exit=$?"`)
	before, _ := os.ReadFile(path + ".before")
	after, _ := os.ReadFile(path)
	if len(before) == 0 || string(before) != string(after) || !strings.Contains(string(after), "docker://r.example.com") {
		t.Errorf("a failed erase changed remote.yaml: %q -> %q", before, after)
	}
	secretscan.For(t).Secret("LOCKED-ERASE")
}
