package yamlstore

import (
	"errors"
	"testing"
)

// TestDecodeStrict_AnswersAsGoYAMLv4 pins the files on which gopkg.in/yaml.v3
// and go.yaml.in/yaml/v4 (what Apptainer ≥1.5 and SingularityCE ≥4.4 read
// remote.yaml with) disagree, found by running the fixtures and fuzz corpora
// through both (issue 20). v4's answer is the one the real programs give.
func TestDecodeStrict_AnswersAsGoYAMLv4(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		ok         bool
	}{
		{"comment right after a quoted scalar", "Active: 'x'#c\n", false},
		{"comment right after a quoted login URI", "Credentials:\n  - URI: \"docker://a\"# note\n    Insecure: false\n", false},
		{"text after a flow mapping", "{Active: x}junk\n", false},
		{"a bare ! tag on a list", "Active: x\nCredentials:\n    !\n", false},
		{"DEL in a comment", "# a DEL \x7f in a comment\nActive: x\n", true},
		{"a line holding only a tab", "Active: x\nRemotes:\n    r:\n        URI: a\n\t\n        System: true\n", true},
		{"an anchor name with !", "Active: x\nRemotes:\n    r: &a!b\n        URI: a\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeFull([]byte(tc.data))
			if got := err == nil; got != tc.ok {
				t.Fatalf("decodeFull(%q): err = %v, want accepted = %v", tc.data, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			_, perr := Parse([]byte(tc.data))
			if got := perr == nil; got != tc.ok {
				t.Fatalf("Parse(%q): err = %v, want accepted = %v", tc.data, perr, tc.ok)
			}
		})
	}
}
