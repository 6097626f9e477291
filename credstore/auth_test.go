package credstore

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// authSamples are Auth values of every form decodeAuth reads or refuses:
// Basic and Bearer in any case, padding, whitespace around the value,
// invalid base64, no ':', an empty user, long values past authUser's
// stack buffer, no scheme at all.
func authSamples() []string {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	out := []string{
		"", " ", "Basic", "Basic ", "Basic  ", "Bearer", "Bearer ", "Bearer tok", "BEARER tok", "bearer\ttok",
		"Basic " + b64("u:p"), "basic " + b64("u:p"), "BASIC " + b64("u:p"), "Basic " + b64(":p"), "Basic " + b64("u:"),
		"Basic " + b64("up"), "Basic " + b64("u:p:q"), "Basic  " + b64("u:p") + " \t", "Basic\t" + b64("u:p"),
		"Basic " + b64("u:p")[:3], "Basic !!!!", "Basic dTpw", "Basic dTpw=", "Basic dTp=", "Basic dT==",
		"Basic " + b64("u:p") + "\n", "Basic " + b64(strings.Repeat("u", 70)+":"+strings.Repeat("s", 2)),
		"Basic " + b64(strings.Repeat("u", 71)+":"+strings.Repeat("s", 40)), "Basic " + b64("u:"+strings.Repeat("s", 500)),
		"Basic " + b64(strings.Repeat("é", 40)+":p"), "Basic " + b64("u\x00:p\xff"), "RAWTOKEN", "Token x", "Basicx " + b64("u:p"),
	}
	return out
}

// TestAuthUser_sameAsDecodeAuth: authUser gives decodeAuth's user name,
// and fails exactly where it fails, for the samples and random values.
func TestAuthUser_sameAsDecodeAuth(t *testing.T) {
	auths := authSamples()
	r := rand.New(rand.NewPCG(20, 6))
	const alphabet = "ABCabc019+/=: \t-_\x00é"
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		b.WriteString([]string{"Basic ", "basic ", "Bearer ", "Basic  ", ""}[r.IntN(5)])
		if r.IntN(2) == 0 {
			raw := make([]byte, r.IntN(120))
			for j := range raw {
				raw[j] = alphabet[r.IntN(len(alphabet))]
			}
			b.WriteString(base64.StdEncoding.EncodeToString(raw))
		} else {
			for n := r.IntN(140); n > 0; n-- {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			}
		}
		auths = append(auths, b.String())
	}
	good := 0
	for _, a := range auths {
		user, ok := authUser(a)
		wantUser, _, err := decodeAuth(a)
		if user != wantUser || ok != (err == nil) {
			t.Fatalf("authUser(%q) = %q, %v; decodeAuth gives %q, %v", a, user, ok, wantUser, err)
		}
		if ok {
			good++
		}
	}
	if good < 1000 || len(auths)-good < 1000 {
		t.Fatalf("%d of %d values decode; want many of each", good, len(auths))
	}
}

// FuzzAuthUser holds authUser to decodeAuth for any value.
func FuzzAuthUser(f *testing.F) {
	for _, a := range authSamples() {
		f.Add(a)
	}
	f.Fuzz(func(t *testing.T, a string) {
		user, ok := authUser(a)
		if wantUser, _, err := decodeAuth(a); user != wantUser || ok != (err == nil) {
			t.Fatalf("authUser(%q) = %q, %v; decodeAuth gives %q, %v", a, user, ok, wantUser, err)
		}
	})
}
