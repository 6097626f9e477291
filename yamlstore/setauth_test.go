package yamlstore

import (
	"bytes"
	"strings"
	"testing"
)

// SetAuth changes one entry's Auth and nothing else: the entries of the same
// host (which PutCredential would merge), the comments and the order stay.
func TestSetAuth_OneEntryOnly(t *testing.T) {
	src := "# my logins\nCredentials:\n" +
		"    - URI: docker://reg.example.com # main\n      Auth: Basic QQ==\n      Insecure: false\n" +
		"    - URI: docker://reg.example.com/team\n      Auth: Basic Qg==\n      Insecure: true\n" +
		"    - URI: docker://reg.example.com\n      Auth: Basic Qw==\n      Insecure: false\n"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetAuth(0, ""); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "      Auth: Basic QQ==\n", "", 1)
	if got := string(d.Bytes()); got != want {
		t.Fatalf("after SetAuth(0, \"\"):\n%s\nwant\n%s", got, want)
	}
	if err := d.SetAuth(0, "Basic QQ=="); err != nil {
		t.Fatal(err)
	}
	if got := string(d.Bytes()); got != src {
		t.Fatalf("after putting it back:\n%s\nwant\n%s", got, src)
	}
	if err := d.SetAuth(2, "Bearer tok"); err != nil {
		t.Fatal(err)
	}
	creds := d.Config().Credentials
	if len(creds) != 3 || creds[0].Auth != "Basic QQ==" || creds[1].Auth != "Basic Qg==" || creds[2].Auth != "Bearer tok" || !creds[1].Insecure {
		t.Fatalf("entries after SetAuth(2): %+v", creds)
	}
}

func TestSetAuth_Refuses(t *testing.T) {
	d, err := Parse([]byte("Credentials:\n    - URI: docker://a\n      Insecure: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	before := string(d.Bytes())
	for _, tc := range []struct {
		i    int
		auth string
	}{{1, "Basic QQ=="}, {-1, "Basic QQ=="}, {0, "Basic Q\nQ=="}} {
		if err := d.SetAuth(tc.i, tc.auth); err == nil {
			t.Errorf("SetAuth(%d, %q) was accepted", tc.i, tc.auth)
		} else if strings.Contains(err.Error(), "QQ") || strings.Contains(err.Error(), "Q\n") {
			t.Errorf("SetAuth(%d): the error quotes the secret: %v", tc.i, err)
		}
	}
	if string(d.Bytes()) != before {
		t.Errorf("a refused SetAuth changed the text: %q", d.Bytes())
	}
}

// FuzzSetAuth: on any file the edits accept, SetAuth changes the Auth of
// its entry and nothing else (no merge, no reorder), and the result is a
// file both real programs read; a refusal leaves the text as it was.
func FuzzSetAuth(f *testing.F) {
	seed(f)
	f.Add([]byte("Credentials:\n    - URI: docker://a\n      Auth: Basic QQ==\n      Insecure: false\n    - URI: docker://a/team\n      Insecure: true\n    - URI: docker://a\n      Auth: Bearer t\n      Insecure: false\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		want := d.Config()
		for i := range want.Credentials {
			for _, auth := range []string{"", "Basic bW92ZWQ6c2VjcmV0", want.Credentials[i].Auth} {
				before := d.Bytes()
				err := d.SetAuth(i, auth)
				if checkValue("Auth", auth) != nil {
					// A control character (a block scalar's newline) is
					// never written, even to put back what was read.
					if err == nil || !bytes.Equal(d.Bytes(), before) {
						t.Fatalf("SetAuth(%d, %q): %v, or the text changed", i, auth, err)
					}
					continue
				}
				if err != nil {
					refusal(t, d, before, err)
					return
				}
				want.Credentials[i].Auth = auth
				checkWritten(t, d.Bytes(), want)
			}
		}
	})
}
