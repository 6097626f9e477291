package yamlstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// apptainerFile builds a remote.yaml with n logins in Apptainer's layout.
func apptainerFile(n int) []byte {
	var b strings.Builder
	b.WriteString("Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\nCredentials:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - URI: docker://reg%05d.example.com:5000\n      Auth: Basic dXNlcjpzZWNyZXQ=\n      Insecure: false\n", i)
	}
	return []byte(b.String())
}

// handFile builds a remote.yaml with n logins laid out by hand: comments
// above and beside entries, blank lines, quoted scalars, 2-space indent
// (bench/gen -layout hand writes the same).
func handFile(n int) []byte {
	var b strings.Builder
	b.WriteString("# My remote.yaml, kept by hand.\n# Do not remove the comments.\nActive: \"DefaultRemote\"\n\n" +
		"Remotes:\n  # the default one\n  DefaultRemote:\n    URI: 'cloud.apptainer.org'   # the cloud\n    System: true\n    Exclusive: false\n\n" +
		"Credentials:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  # login %d\n  - URI: \"docker://reg%05d.example.com:5000\"   # beside the entry\n    Auth: 'Basic dXNlcjpzZWNyZXQ='\n    Insecure: false\n\n", i, i)
	}
	b.WriteString("# trailing comment\n")
	return []byte(b.String())
}

// layouts are the files the benchmarks run on; the login asked for or
// edited is the last, so a scan has to go through the whole list.
var layouts = []struct {
	name string
	file func(int) []byte
}{{"apptainer", apptainerFile}, {"hand", handFile}}

// BenchmarkGet is a helper's get: read the file, find the last login.
func BenchmarkGet(b *testing.B) {
	for _, l := range layouts {
		for _, n := range []int{10, 1000, 10000} {
			data := l.file(n)
			want := fmt.Sprintf("docker://reg%05d.example.com:5000", n-1)
			b.Run(fmt.Sprintf("%s/%d", l.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for i := 0; i < b.N; i++ {
					d, err := decodeDocument(data)
					if err != nil {
						b.Fatal(err)
					}
					if !d.lazy {
						b.Fatal("the fast path refused the file")
					}
					cs := d.cfg.Credentials
					if cs[len(cs)-1].URI != want {
						b.Fatal("last login not found")
					}
				}
			})
		}
	}
}

// BenchmarkStore is a helper's store, less the file I/O: read as
// File.Update reads (parseForEdit), replace the last login's secret, the
// edit checked as PutLogin checks it.
func BenchmarkStore(b *testing.B) {
	for _, l := range layouts {
		for _, n := range []int{10, 1000, 10000} {
			data := l.file(n)
			c := Credential{URI: fmt.Sprintf("docker://reg%05d.example.com:5000", n-1), Auth: "Basic bmV3OnNlY3JldA=="}
			b.Run(fmt.Sprintf("%s/%d", l.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for i := 0; i < b.N; i++ {
					d, err := parseForEdit(data)
					if err != nil {
						b.Fatal(err)
					}
					if err := d.PutCredential(c, nil); err != nil {
						b.Fatal(err)
					}
					if len(d.Bytes()) != len(data)+len("bmV3OnNlY3JldA==")-len("dXNlcjpzZWNyZXQ=") {
						b.Fatal("the edit did not replace the secret in place")
					}
				}
			})
		}
	}
}

// BenchmarkRead is a get with the file I/O and the settle check: an old
// file is believed on its first read; a file remoteyaml's own store wrote
// a moment ago is believed through the record of that write (its checksums);
// nothing here waits for the settle time.
func BenchmarkRead(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		for _, age := range []string{"old", "own-write"} {
			b.Run(fmt.Sprintf("%s/%d", age, n), func(b *testing.B) {
				f := &File{Path: filepath.Join(b.TempDir(), "remote.yaml")}
				data := apptainerFile(n)
				os.WriteFile(f.Path, data, 0o600)
				if age == "old" {
					old := time.Now().Add(-time.Hour)
					os.Chtimes(f.Path, old, old)
				} else {
					f.Now = func() time.Time { return time.Now() }
					if err := f.Update(func(d *Document) error { return nil }); err != nil {
						b.Fatal(err)
					}
					// The benchmark runs for longer than the settle time:
					// a clock stopped at the write keeps the file recent.
					st, _ := os.Stat(f.Path)
					f.Now = func() time.Time { return st.ModTime() }
				}
				b.SetBytes(int64(len(data)))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					d, err := f.Read()
					if err != nil {
						b.Fatal(err)
					}
					if len(d.Credentials()) != n {
						b.Fatal("logins missing")
					}
				}
			})
		}
	}
}
