package main

import (
	"strings"
	"testing"
)

// Item 9 of issue 10: list and list --json printed an Auth with no
// recognised scheme (RAWTOKEN, Bearer<TAB>tok) in full.
func TestList_NeverPrintsAnAuthValue(t *testing.T) {
	e := newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	e.writeRemoteYAML(t, "Credentials:\n"+
		"    - URI: docker://raw.example.com\n      Auth: RAWTOKEN-5ecret\n      Insecure: false\n"+
		"    - URI: docker://tab.example.com\n      Auth: \"Bearer\\tTABTOKEN-5ecret\"\n      Insecure: false\n"+
		"    - URI: https://keys.example.com\n      Auth: \"bearer  SPACES-5ecret\"\n      Insecure: false\n"+
		"    - URI: docker://digest.example.com\n      Auth: Digest DIGEST-5ecret\n      Insecure: false\n"+
		"    - URI: docker://ok.example.com\n      Auth: Basic dTpPSy01ZWNyZXQ=\n      Insecure: false\n")
	for _, args := range [][]string{{"list"}, {"list", "--json"}} {
		r := runCmd(t, "", nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d", args, r.code)
		}
		noSecret(t, r, "5ecret", "RAWTOKEN", "TABTOKEN", "SPACES", "DIGEST", "dTpP")
		if !strings.Contains(r.stdout, "ok.example.com") || !strings.Contains(r.stdout, "Basic ********") {
			t.Errorf("%v: the readable login is not listed with its masked Basic:\n%s", args, r.stdout)
		}
	}
}

// Item 13 of issue 10: a key Apptainer does not know does not stop list,
// which warns about it on stderr and in --json.
func TestList_WarnsAboutUnknownKeys(t *testing.T) {
	e := newTestEnv(t)
	t.Setenv("REMOTEYAML_SECRETS", "file")
	e.writeRemoteYAML(t, "Credentials:\n    - URI: docker://ok.example.com\n      Auth: Basic dTpPSy01ZWNyZXQ=\n      Insecure: false\nBogus: 1\n")
	r := runCmd(t, "", nil, "list")
	if r.code != 0 || !strings.Contains(r.stdout, "ok.example.com") {
		t.Fatalf("list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, `unknown key "Bogus"`) || !strings.Contains(r.stderr, "line 5") {
		t.Errorf("stderr %q: want a warning naming the key and its line", r.stderr)
	}
	r = runCmd(t, "", nil, "list", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"problem"`) || !strings.Contains(r.stdout, "Bogus") {
		t.Errorf("list --json: exit %d, want a problem field:\n%s", r.code, r.stdout)
	}
}
