package yamlstore

import (
	"fmt"
	"strings"
	"testing"
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

func BenchmarkReadCredential(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		data := apptainerFile(n)
		want := fmt.Sprintf("docker://reg%05d.example.com:5000", n/2)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				cfg, err := DecodeStrict(data)
				if err != nil {
					b.Fatal(err)
				}
				found := false
				for _, c := range cfg.Credentials {
					found = found || c.URI == want
				}
				if !found {
					b.Fatal("not found")
				}
			}
		})
	}
}

func BenchmarkEdit(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		data := apptainerFile(n)
		c := Credential{URI: fmt.Sprintf("docker://reg%05d.example.com:5000", n/2), Auth: "Basic bmV3OnNlY3JldA=="}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				d, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if err := d.PutCredential(c, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
