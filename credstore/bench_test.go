package credstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// benchFile writes a remote.yaml with n registry logins in Apptainer's
// layout (bench/gen's apptainer layout) and returns a Store on it.
func benchFile(b *testing.B, n int) *Store {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\nCredentials:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "    - URI: docker://reg%05d.example.com:5000\n      Auth: Basic dXNlcjpzZWNyZXQ=\n      Insecure: false\n", i)
	}
	p := filepath.Join(b.TempDir(), "remote.yaml")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return &Store{File: &yamlstore.File{Path: p}}
}

// BenchmarkList is the helper's list, less start-up and the JSON reply:
// read remote.yaml and every login's user name (regclient calls it each
// time it loads a docker config that names a credsStore).
func BenchmarkList(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		s := benchFile(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ls, err := s.List()
				if err != nil {
					b.Fatal(err)
				}
				if len(ls) != n || ls[n-1].Username != "user" {
					b.Fatalf("got %d logins, want %d with user names", len(ls), n)
				}
			}
		})
	}
}
