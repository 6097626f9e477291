package importer

import (
	"encoding/json"
	"testing"

	"github.com/remoteyaml/remoteyaml/credstore"
)

// TestAuthsEntry: what PutBack writes reads back as the login import took.
func TestAuthsEntry(t *testing.T) {
	for _, tt := range []struct{ user, secret string }{
		{"ann", "pw:with:colons"},
		{credstore.TokenUser, "identity-token-1"},
	} {
		var e authEntry
		if err := json.Unmarshal(authsEntry(tt.user, tt.secret), &e); err != nil {
			t.Fatal(err)
		}
		user, secret, err := e.credential()
		if err != nil || user != tt.user || secret != tt.secret {
			t.Errorf("authsEntry(%q) reads back as %q, %v", tt.user, user, err)
		}
	}
}
