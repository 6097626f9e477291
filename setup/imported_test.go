package setup

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPutBack: each login import recorded goes back into its file, only
// that member added; a login stored no longer or held again is left, with
// its line; a tool not undone keeps its record for a later undo.
func TestPutBack(t *testing.T) {
	const entry = `{"auth":"YW5uOnB3"}`
	tests := []struct {
		name       string
		before     string // the file; "<absent>": none
		stored     bool   // the store still has the login
		storeErr   error
		asks       bool // the tool still asks the helper
		wantFile   string
		wantWhat   string // "" for no change line
		wantErr    string
		wantRecord bool // the record still holds the import
	}{
		{"into the member import left", "{\n\t\"auths\": {},\n\t\"psFormat\": \"x\"\n}\n", true, nil, false,
			"{\n\t\"auths\": {\"r.example\": " + entry + "},\n\t\"psFormat\": \"x\"\n}\n", "put back the login for r.example (ann) that import had moved into STORE, which keeps it too", "", false},
		{"beside other logins", "{\n\t\"auths\": {\n\t\t\"a.example\": {}\n\t}\n}\n", true, nil, false,
			"{\n\t\"auths\": {\n\t\t\"r.example\": " + entry + ",\n\t\t\"a.example\": {}\n\t}\n}\n", "put back the login", "", false},
		{"no auths any more", "{\"credsStore\": \"pass\"}", true, nil, false,
			"{\"auths\": {\"r.example\": " + entry + "},\"credsStore\": \"pass\"}", "put back the login", "", false},
		{"file gone", "<absent>", true, nil, false,
			"{\"auths\": {\"r.example\": " + entry + "}}\n", "put back the login", "", false},
		{"held again", "{\"auths\": {\"r.example\": {\"auth\": \"bmV3OnB3\"}}}", true, nil, false,
			"{\"auths\": {\"r.example\": {\"auth\": \"bmV3OnB3\"}}}", "holds a login for r.example again (made since import), kept as it is", "", false},
		{"logged out since", "{\"auths\": {}}", false, nil, false,
			"{\"auths\": {}}", "the login for r.example that import had moved out is no longer stored (logged out since): not put back", "", false},
		{"store unreadable: kept for the next undo", "{\"auths\": {}}", true, errors.New("locked keyring"), false,
			"{\"auths\": {}}", "", "locked keyring", true},
		{"the tool still asks the helper: kept for a later undo", "{\"auths\": {}}", true, nil, true,
			"{\"auths\": {}}", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, home := testEnv(t)
			path := filepath.Join(home, ".docker", "config.json")
			if tt.before != "<absent>" {
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			im := Imported{Tool: Docker, Path: path, Key: "r.example", URI: "docker://r.example", Username: "ann"}
			if err := RecordImport(env, im); err != nil {
				t.Fatal(err)
			}
			if err := RecordImport(env, im); err != nil { // twice: recorded once
				t.Fatal(err)
			}
			lookup := func(uri string) (json.RawMessage, bool, error) {
				if uri != im.URI {
					t.Errorf("looked up %q, want %q", uri, im.URI)
				}
				return json.RawMessage(entry), tt.stored, tt.storeErr
			}
			changes, err := PutBack(env, "STORE", lookup, func(got Imported) bool {
				if got != im {
					t.Errorf("asks(%v), want %v", got, im)
				}
				return tt.asks
			})
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if got := readOr(t, path); got != tt.wantFile {
				t.Errorf("file:\n%s\nwant\n%s", got, tt.wantFile)
			}
			switch {
			case tt.wantWhat == "" && len(changes) != 0:
				t.Errorf("changes %v, want none", changes)
			case tt.wantWhat != "" && (len(changes) != 1 || !strings.HasPrefix(changes[0].What, tt.wantWhat)):
				t.Errorf("changes %v, want one %q", changes, tt.wantWhat)
			}
			recPath, _ := env.RecordPath()
			rec, err := loadRecord(recPath)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(rec.Imported); got != map[bool]int{true: 1, false: 0}[tt.wantRecord] {
				t.Errorf("record holds %d imports, want kept=%v", got, tt.wantRecord)
			}
			if !tt.wantRecord && readOr(t, recPath) != "<absent>" {
				t.Errorf("an empty record was left at %s", recPath)
			}
		})
	}
}
