package yamlstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFile_MultiDocumentNeverEmptied is issue 21's item 6: Apptainer reads
// only the first document of remote.yaml. Erasing the last login of the
// first one turned the whole file into "{}". An edit changes only the first
// document's lines; one that cannot (the first document would be left
// empty) is refused with one line, the file changed by no byte. Reads
// serve the first document.
func TestFile_MultiDocumentNeverEmptied(t *testing.T) {
	const content = "Credentials:\n    - URI: docker://a.example.com\n      Auth: Basic YTpw\n      Insecure: false\n---\nCredentials:\n    - URI: docker://b.example.com\n      Auth: Basic Yjpw\n      Insecure: false\n"
	const rest = "---\nCredentials:\n    - URI: docker://b.example.com\n      Auth: Basic Yjpw\n      Insecure: false\n"
	edits := []struct {
		name     string
		edit     func(*Document) error
		want     string // "" : refused, the file unchanged
		wantAuth string // the first login's Auth after the edit
	}{
		{"erase the first document's last login", func(d *Document) error {
			_, err := d.RemoveCredentials(func(c Credential) bool { return c.URI == "docker://a.example.com" })
			return err
		}, "", "Basic YTpw"},
		{"store a login", func(d *Document) error {
			return d.PutCredential(Credential{URI: "docker://c.example.com", Auth: "Basic Yzpw"}, nil)
		}, "Credentials:\n    - URI: docker://a.example.com\n      Auth: Basic YTpw\n      Insecure: false\n    - URI: docker://c.example.com\n      Auth: Basic Yzpw\n      Insecure: false\n" + rest, "Basic YTpw"},
		{"replace a secret", func(d *Document) error {
			return d.PutCredential(Credential{URI: "docker://a.example.com", Auth: "Basic bmV3"}, nil)
		}, "Credentials:\n    - URI: docker://a.example.com\n      Auth: Basic bmV3\n      Insecure: false\n" + rest, "Basic bmV3"},
		{"a flow-style first document goes to the tree edit", nil, "", ""},
	}
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
			before := content
			if tt.edit == nil {
				// Flow style is beyond the line edits: only the tree edit
				// could store this login.
				before = "Credentials: [{URI: docker://a.example.com, Auth: Basic YTpw, Insecure: false}]\n" + rest
				tt.edit = func(d *Document) error {
					return d.PutCredential(Credential{URI: "docker://c.example.com", Auth: "Basic Yzpw"}, nil)
				}
				tt.wantAuth = "Basic YTpw"
			}
			os.WriteFile(f.Path, []byte(before), 0o600)
			err := f.Update(tt.edit)
			got, _ := os.ReadFile(f.Path)
			want := tt.want
			if want == "" {
				want = before
				if err == nil || !strings.Contains(err.Error(), "more than one YAML document") || strings.Contains(err.Error(), "\n") {
					t.Errorf("err = %v, want one line saying the file holds more than one document", err)
				}
			} else if err != nil {
				t.Errorf("err = %v", err)
			}
			if string(got) != want {
				t.Errorf("the file became %q, want %q", got, want)
			}
			d, err := f.Read()
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if c, ok := findCredential(d, "docker://a.example.com"); !ok || c.Auth != tt.wantAuth {
				t.Errorf("a get of the first document's login: %+v %v, want Auth %q", c, ok, tt.wantAuth)
			}
		})
	}
}
