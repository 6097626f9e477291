package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/credentials"
)

// mapHelper is a credentials.Helper whose list is a given map or error.
type mapHelper struct {
	*recorder
	accts map[string]string
	err   error
}

func (m mapHelper) List() (map[string]string, error) { return m.accts, m.err }

// encodingJSON is what credentials.List writes for accts.
func encodingJSON(t testing.TB, accts map[string]string) []byte {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(accts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jsonPieces are the bytes random keys and user names are made of: plain
// ASCII, every byte encoding/json escapes (quote, backslash, HTML's < > &,
// control characters, DEL), U+2028 and U+2029 (escaped for JavaScript),
// other UTF-8, and invalid UTF-8 (replaced by U+FFFD).
var jsonPieces = []string{
	"a", "Z", "0", ".", ":", "-", "_", "/", " ", "~", "reg.example.com", "user",
	`"`, `\`, "<", ">", "&", "'", "\x00", "\x01", "\b", "\f", "\n", "\r", "\t", "\x1f", "\x7f",
	"\u2028", "\u2029", "é", "€", "😀", "\ufffd", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
}

func randomJSONText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(6); n > 0; n-- {
		b.WriteString(jsonPieces[r.IntN(len(jsonPieces))])
	}
	return b.String()
}

// TestWriteList_sameBytesAsEncodingJSON: writeList writes exactly what
// json.NewEncoder(w).Encode writes for the map (what credentials.List
// does), for random maps of keys and values needing every kind of escape,
// and for the empty and nil maps.
func TestWriteList_sameBytesAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 3))
	maps := []map[string]string{nil, {}, {"": ""}, {"docker.io": "u", "[::1]:5000": "<token>"}}
	for i := 0; i < 2000; i++ {
		m := map[string]string{}
		for n := r.IntN(12); n > 0; n-- {
			m[randomJSONText(r)] = randomJSONText(r)
		}
		maps = append(maps, m)
	}
	escaped := 0
	for _, m := range maps {
		var got bytes.Buffer
		if err := writeList(mapHelper{accts: m}, &got); err != nil {
			t.Fatal(err)
		}
		want := encodingJSON(t, m)
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("writeList(%q) wrote\n%q\nwant (encoding/json)\n%q", m, got.Bytes(), want)
		}
		if bytes.Contains(want, []byte(`\u`)) {
			escaped++
		}
	}
	if escaped < 1000 {
		t.Fatalf("only %d of %d replies hold a \\u escape; the inputs miss the hard cases", escaped, len(maps))
	}
}

// TestServe_ListAsCredentialsLibrary: Serve's list writes what
// credentials.HandleCommand writes, for a reply and for an error.
func TestServe_ListAsCredentialsLibrary(t *testing.T) {
	for _, h := range []mapHelper{
		{accts: map[string]string{"b.example.com": "u<1>", "a.example.com": "\u2028x", "c": "\xff"}},
		{err: errors.New("reading remote.yaml: broken")},
		{},
	} {
		var want bytes.Buffer
		wantCode := 0
		if err := credentials.HandleCommand(h, credentials.ActionList, strings.NewReader(""), &want); err != nil {
			want.WriteString(err.Error() + "\n")
			wantCode = 1
		}
		var got bytes.Buffer
		if code := Serve(h, []string{"helper", "list"}, strings.NewReader(""), &got); code != wantCode || got.String() != want.String() {
			t.Errorf("Serve list = %q, exit %d; want %q, exit %d", got.String(), code, want.String(), wantCode)
		}
	}
}

// FuzzWriteList holds writeList to encoding/json for maps of any two
// entries.
func FuzzWriteList(f *testing.F) {
	f.Add("docker.io", "user", "reg.example.com:5000", "<token>")
	f.Add("a\u2028", "\xff\"", "<&>", "\x00\\")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		var got bytes.Buffer
		if err := writeList(mapHelper{accts: m}, &got); err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, m); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("writeList(%q) wrote %q, want (encoding/json) %q", m, got.Bytes(), want)
		}
	})
}

// getHelper is a credentials.Helper whose get answers user and secret, or
// err, and keeps the server URL it was asked for.
type getHelper struct {
	*recorder
	user, secret string
	err          error
	asked        *string
}

func (g getHelper) Get(serverURL string) (string, string, error) {
	*g.asked = serverURL
	return g.user, g.secret, g.err
}

// getInputs are get's standard inputs: a server URL as clients send it
// (with and without a newline), the same over lines the library's scanner
// joins, CRLF, surrounding space, nothing at all.
var getInputs = []string{
	"reg.example.com", "reg.example.com\n", "reg.example.com\r\n", "  https://index.docker.io/v1/ \n",
	"reg.\nexample.com", "reg\r\n.example\n.com\n\n", "", "\n", " \t\r\n ", "a\u2028<&>\"\\\xff\n",
}

// TestWriteGet_sameAsCredentialsGet: writeGet asks the helper for the
// same server URL, writes the same bytes and returns the same error as
// credentials.Get, for every input, user names and secrets needing every
// kind of JSON escape, and a helper error.
func TestWriteGet_sameAsCredentialsGet(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 5))
	helpers := []getHelper{{user: "u", secret: "s"}, {user: "<token>", secret: "tok&en"}, {err: errors.New("boom")},
		{err: credentials.NewErrCredentialsNotFound()}}
	for i := 0; i < 500; i++ {
		helpers = append(helpers, getHelper{user: randomJSONText(r), secret: randomJSONText(r)})
	}
	inputs := append([]string{}, getInputs...)
	for i := 0; i < 200; i++ {
		inputs = append(inputs, randomJSONText(r))
	}
	compared := 0
	for i, h := range helpers {
		for j, in := range inputs {
			if j >= len(getInputs) && (i+j)%7 != 0 {
				continue // a random input against a seventh of the helpers: enough
			}
			var gotAsked, wantAsked string
			h.recorder, h.asked = &recorder{}, &gotAsked
			var got bytes.Buffer
			gotErr := writeGet(h, strings.NewReader(in), &got)
			h.asked = &wantAsked
			var want bytes.Buffer
			wantErr := credentials.Get(h, strings.NewReader(in), &want)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !bytes.Equal(got.Bytes(), want.Bytes()) || gotAsked != wantAsked {
				t.Fatalf("get %q from %+v: wrote %q, %v (asked %q); want %q, %v (asked %q)", in, h, got.Bytes(), gotErr, gotAsked, want.Bytes(), wantErr, wantAsked)
			}
			compared++
		}
	}
	if compared < 10000 {
		t.Fatalf("only %d comparisons", compared)
	}
}

// FuzzWriteGet holds writeGet to credentials.Get for any input, user name
// and secret.
func FuzzWriteGet(f *testing.F) {
	for _, in := range getInputs {
		f.Add(in, "u", "s")
	}
	f.Add("reg.example.com", "\u2028<>", "\xff\x00\"")
	f.Fuzz(func(t *testing.T, in, user, secret string) {
		var gotAsked, wantAsked string
		h := getHelper{recorder: &recorder{}, user: user, secret: secret, asked: &gotAsked}
		var got, want bytes.Buffer
		gotErr := writeGet(h, strings.NewReader(in), &got)
		h.asked = &wantAsked
		wantErr := credentials.Get(h, strings.NewReader(in), &want)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !bytes.Equal(got.Bytes(), want.Bytes()) || gotAsked != wantAsked {
			t.Fatalf("get %q: wrote %q, %v (asked %q); want %q, %v (asked %q)", in, got.Bytes(), gotErr, gotAsked, want.Bytes(), wantErr, wantAsked)
		}
	})
}
