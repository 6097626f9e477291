package yamlstore

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// fixtures are the files the real programs wrote, plus a hand-edited one.
func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, _ := filepath.Glob("../../shared/fixtures/remote-yaml/*.yaml")
	if len(paths) == 0 {
		t.Fatal("no fixtures in ../../shared/fixtures/remote-yaml: the tests need the shared folder beside the repo")
	}
	paths = append(paths, "testdata/hand-edited.yaml")
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = data
	}
	return out
}

func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	l := strings.SplitAfter(string(b), "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// hunk returns the single changed region between a and b: the lines of a
// that went and the lines of b that came. A diff with one hunk is what "only
// the lines of the entry concerned" means.
func hunk(a, b []byte) (gone, came []string) {
	la, lb := lines(a), lines(b)
	p := 0
	for p < len(la) && p < len(lb) && la[p] == lb[p] {
		p++
	}
	s := 0
	for s < len(la)-p && s < len(lb)-p && la[len(la)-1-s] == lb[len(lb)-1-s] {
		s++
	}
	return la[p : len(la)-s], lb[p : len(lb)-s]
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update ./yamlstore/ to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func mustParse(t testing.TB, data []byte) *Document {
	t.Helper()
	d, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGolden_Add(t *testing.T) {
	for name, orig := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			d := mustParse(t, orig)
			c := Credential{URI: "docker://new.example.com:5000", Auth: "Basic bmV3OnNlY3JldA=="}
			if err := d.PutCredential(c, nil); err != nil {
				t.Fatal(err)
			}
			golden(t, "add-"+name, d.Bytes())
			gone, came := hunk(orig, d.Bytes())
			if len(gone) != 0 {
				t.Errorf("add removed or changed lines %q", gone)
			}
			// The new item follows the file's items, or Apptainer's layout.
			wantDash := "    - "
			if name == "hand-edited.yaml" {
				wantDash = "  - "
			}
			item := came
			if len(d.cfg.Credentials) == 1 {
				if strings.TrimSpace(came[0]) != "Credentials:" {
					t.Fatalf("first login should add the Credentials key, added %q", came)
				}
				item = came[1:]
			}
			want := []string{wantDash + "URI: docker://new.example.com:5000\n",
				strings.Repeat(" ", len(wantDash)) + "Auth: Basic bmV3OnNlY3JldA==\n",
				strings.Repeat(" ", len(wantDash)) + "Insecure: false\n"}
			if strings.Join(item, "") != strings.Join(want, "") {
				t.Errorf("added lines\n%s\nwant\n%s", strings.Join(item, ""), strings.Join(want, ""))
			}
			// Store then erase gives back the original bytes.
			if _, err := d.RemoveCredentials(func(e Credential) bool { return SameURI(e.URI, c.URI) }); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.Bytes(), orig) {
				t.Errorf("store+erase changed the file:\n%s\nwant\n%s", d.Bytes(), orig)
			}
		})
	}
}

func TestGolden_ReplaceAndRemove(t *testing.T) {
	for name, orig := range fixtures(t) {
		d := mustParse(t, orig)
		if len(d.cfg.Credentials) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			first := d.cfg.Credentials[0]
			nc := first
			nc.Auth = "Basic cmVwbGFjZWQ6b25l"
			r := mustParse(t, orig)
			if err := r.PutCredential(nc, nil); err != nil {
				t.Fatal(err)
			}
			golden(t, "replace-"+name, r.Bytes())
			gone, came := hunk(orig, r.Bytes())
			if first.Auth != "" {
				// Only the Auth line changes; a comment beside it stays.
				if len(gone) != 1 || len(came) != 1 || !strings.Contains(gone[0], "Auth: ") ||
					strings.Replace(came[0], "Basic cmVwbGFjZWQ6b25l", "", 1) == came[0] {
					t.Errorf("replace changed %q into %q, want one Auth line", gone, came)
				}
			} else if len(gone) != 0 || len(came) != 1 || !strings.Contains(came[0], "Auth: Basic cmVwbGFjZWQ6b25l") {
				t.Errorf("replace changed %q into %q, want one added Auth line", gone, came)
			}

			rm := mustParse(t, orig)
			n, err := rm.RemoveCredentials(func(e Credential) bool { return e.URI == first.URI })
			if err != nil || n != 1 {
				t.Fatalf("remove: n=%d err=%v", n, err)
			}
			golden(t, "remove-"+name, rm.Bytes())
			gone, came = hunk(orig, rm.Bytes())
			if len(came) != 0 || !strings.Contains(strings.Join(gone, ""), first.URI) {
				t.Errorf("remove took %q and added %q", gone, came)
			}
			for _, l := range gone {
				if strings.HasPrefix(strings.TrimSpace(l), "#") {
					t.Errorf("remove dropped a comment line %q", l)
				}
			}
		})
	}
}

func TestGolden_RemoveLastDropsKey(t *testing.T) {
	orig := fixtures(t)["apptainer-1.5.3-registry-login.yaml"]
	d := mustParse(t, orig)
	if _, err := d.RemoveCredentials(func(Credential) bool { return true }); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(d.Bytes()), "Credentials") {
		t.Errorf("the empty Credentials key stayed:\n%s", d.Bytes())
	}
	want := "Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\n"
	if string(d.Bytes()) != want {
		t.Errorf("got\n%s\nwant\n%s", d.Bytes(), want)
	}
}

func TestGolden_SetToken(t *testing.T) {
	for _, tc := range []struct{ name, remote string }{
		{"apptainer-1.5.3-token.yaml", "LocalLib"},
		{"apptainer-1.5.3-remote-add.yaml", "SylabsCloud"},
		{"hand-edited.yaml", "SylabsCloud"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := fixtures(t)[tc.name]
			d := mustParse(t, orig)
			old := d.cfg.Remotes[tc.remote].Token
			if err := d.SetToken(tc.remote, "new-token-value"); err != nil {
				t.Fatal(err)
			}
			golden(t, "token-"+tc.name, d.Bytes())
			gone, came := hunk(orig, d.Bytes())
			if len(came) != 1 || !strings.Contains(came[0], "new-token-value") || len(gone) > 1 {
				t.Errorf("set token changed %q into %q", gone, came)
			}
			if err := d.SetToken(tc.remote, old); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.Bytes(), orig) {
				t.Errorf("setting the token back changed the file:\n%s", d.Bytes())
			}
		})
	}
	d := mustParse(t, fixtures(t)["apptainer-1.5.3-token.yaml"])
	if err := d.SetToken("Nope", "x"); err == nil {
		t.Error("a missing remote was not an error")
	}
}
