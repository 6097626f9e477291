package credstore

import (
	"os"
	"testing"
)

// Put replaces every entry that is the same login (by the caller's rule or
// Apptainer's SameURI) with one, at the first's place: the new entry keeps
// an Insecure flag any of them had, and the keyring items of the others go.
// Put finds them in the one pass PutLogin makes over the logins.
func TestPut_MergesReplaced(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     Secrets
		file     string
		want     string
		gone     []string // keyring items deleted
		kept     []string // keyring items left
		insecure bool     // asked for
	}{
		{
			name: "keyring: Insecure kept, replaced items deleted",
			mode: InKeyring,
			file: "Credentials:\n" +
				"    - URI: docker://reg.example.com/team\n      Insecure: true\n" +
				"    - URI: docker://other.example.com\n      Insecure: false\n" +
				"    - URI: oras://reg.example.com\n      Insecure: false\n",
			want: "Credentials:\n" +
				"    - URI: docker://reg.example.com\n      Insecure: true\n" +
				"    - URI: docker://other.example.com\n      Insecure: false\n",
			gone: []string{"docker://reg.example.com/team", "oras://reg.example.com"},
			kept: []string{"docker://other.example.com", "docker://reg.example.com"},
		},
		{
			name: "file: no Insecure anywhere, none set",
			mode: InFile,
			file: "Credentials:\n" +
				"    - URI: oras://reg.example.com\n      Auth: Basic eDp5\n      Insecure: false\n" +
				"    - URI: docker://other.example.com\n      Auth: Basic eDp5\n      Insecure: true\n",
			want: "Credentials:\n" +
				"    - URI: docker://reg.example.com\n      Auth: Basic YWxpY2U6czNjcmV0\n      Insecure: false\n" +
				"    - URI: docker://other.example.com\n      Auth: Basic eDp5\n      Insecure: true\n",
		},
		{
			name:     "file: asked for, kept",
			mode:     InFile,
			insecure: true,
			file:     "Credentials:\n    - URI: docker://reg.example.com\n      Auth: Basic eDp5\n      Insecure: false\n",
			want:     "Credentials:\n    - URI: docker://reg.example.com\n      Auth: Basic YWxpY2U6czNjcmV0\n      Insecure: true\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := fakeKeyring(t, nil)
			for _, u := range append(append([]string(nil), tc.gone...), tc.kept...) {
				items[KeyringService+"\x00"+u] = "Basic eDp5"
			}
			s := newStore(t, tc.mode)
			if err := os.WriteFile(s.File.Path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			same := func(u string) bool { return u == "oras://reg.example.com" || u == "docker://reg.example.com" }
			if err := s.Put(Login{URI: "docker://reg.example.com", Username: "alice", Secret: "s3cret", Insecure: tc.insecure}, same); err != nil {
				t.Fatal(err)
			}
			if got := fileText(t, s); got != tc.want {
				t.Errorf("file:\n%s\nwant:\n%s", got, tc.want)
			}
			for _, u := range tc.gone {
				if _, ok := items[KeyringService+"\x00"+u]; ok {
					t.Errorf("keyring item of replaced %s left", u)
				}
			}
			for _, u := range tc.kept {
				if _, ok := items[KeyringService+"\x00"+u]; !ok {
					t.Errorf("keyring item of %s deleted", u)
				}
			}
		})
	}
}
