package protocol

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// benchHelper is a Helper on a remote.yaml of n registry logins in
// Apptainer's layout (bench/gen's), an hour old so reads do not wait.
func benchHelper(b *testing.B, n int) Helper {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\nCredentials:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "    - URI: docker://reg%05d.example.com:5000\n      Auth: Basic %s\n      Insecure: false\n", i, b64(fmt.Sprintf("user%05d:secret-%05d", i, i)))
	}
	p := filepath.Join(b.TempDir(), "remote.yaml")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		b.Fatal(err)
	}
	return Helper{Store: &credstore.Store{File: &yamlstore.File{Path: p}}}
}

// BenchmarkListReply is the helper's list less start-up: read remote.yaml,
// the listed keys and user names, the JSON reply. "before" is the same
// through oldHelperList and encoding/json, as list ran until issue 20.
func BenchmarkListReply(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		h := benchHelper(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := writeList(h, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%d/before", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m, err := oldHelperList(h)
				if err != nil || len(m) != n {
					b.Fatalf("%d keys, %v", len(m), err)
				}
				if err := json.NewEncoder(io.Discard).Encode(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
