package protocol

import (
	"bytes"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/credentials"
)

// recorder is a credentials.Helper that keeps what it was given.
type recorder struct{ added *credentials.Credentials }

func (r *recorder) Add(c *credentials.Credentials) error { r.added = c; return nil }
func (r *recorder) Delete(string) error                  { return nil }
func (r *recorder) Get(string) (string, string, error)   { return "u", "s", nil }
func (r *recorder) List() (map[string]string, error)     { return nil, nil }

const storeHead, storeTail = `{"ServerURL":"r.example.com","Username":"u","Secret":"`, `"}`

// storeInput is a store request of exactly n bytes on one line.
func storeInput(n int) string {
	return storeHead + strings.Repeat("s", n-len(storeHead)-len(storeTail)) + storeTail
}

// Item 14 of issue 10: the docs promised MaxInput (1 MiB) while the
// credentials library's line scanner failed past 64 KiB with "token too
// long". Input of MaxInput bytes on one line is served; one byte more is
// refused with the documented one-line message.
func TestServe_InputBound(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want int
	}{{MaxInput, 0}, {MaxInput + 1, 1}} {
		r := &recorder{}
		var out bytes.Buffer
		code := Serve(r, []string{"helper", "store"}, strings.NewReader(storeInput(tc.n)), &out)
		if code != tc.want {
			t.Errorf("store of %d bytes on one line: exit %d, want %d (output %.200q)", tc.n, code, tc.want, out.String())
		}
		if tc.want == 0 && (r.added == nil || len(r.added.Secret) != tc.n-len(storeHead)-len(storeTail)) {
			t.Errorf("store of %d bytes: the helper did not get the whole secret", tc.n)
		}
		if tc.want == 1 && out.String() != "standard input is over 65535 bytes: not a server URL or login\n" {
			t.Errorf("store of %d bytes: output %.200q", tc.n, out.String())
		}
	}
	var out bytes.Buffer
	if code := Serve(&recorder{}, []string{"helper", "get"}, strings.NewReader(strings.Repeat("h", MaxInput)), &out); code != 0 || strings.Contains(out.String(), "too long") {
		t.Errorf("get of MaxInput bytes: exit %d, output %.200q; want the helper's own answer, not the scanner's", code, out.String())
	}
}
