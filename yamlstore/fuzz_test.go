package yamlstore

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

var exotic = []string{
	"",
	"\n",
	"# only a comment\n",
	"---\n",
	"{}\n",
	"Credentials: []\n",
	"Credentials:\n",
	"Active: x\r\nCredentials:\r\n  - URI: docker://a\r\n    Insecure: false\r\n",
	"Credentials: [{URI: docker://a, Insecure: false}]\n",
	"Remotes: {r: {URI: a, System: true, Exclusive: false}}\n",
	"Credentials:\n- URI: docker://a\n  Insecure: false\n- {URI: docker://b, Insecure: false}\n",
	"Credentials:\n  - Insecure: false\n    URI: docker://a\n",
	"Credentials:\n  - URI: &u docker://a\n    Auth: *u\n    Insecure: false\n",
	"Active: x\nCredentials:\n    - URI: docker://a\n      Insecure: false\n---\nOther: doc\n",
	"Credentials:\n  - URI: >-\n      docker://a\n    Insecure: false\n",
	"Credentials:\n  - URI: docker://a\n    Auth: |\n      Basic x\n    Insecure: false\n",
	"Remotes:\n  r:\n    Token: t\n",
	"Active: x # c\nRemotes:\n  r:\n    # c\n    URI: u\n    System: false\n    Exclusive: false\n",
	"Active: 'it''s' # c\nCredentials: # logins\n  # é ünïcode comment\n  - URI: \"docker://a:5000\"   # beside\n    Auth: ''\n    Insecure: false #x\n",
	"Credentials:\n  - URI: 'docker://a'#c\n    Insecure: false\n",
	"Credentials:\n  - URI: \"docker://a\\tb\"\n    Insecure: false\n",
	"Credentials:\n  - URI: docker://a#b # c\n    Insecure: \"false\"\n",
	// Where yaml.v3 and v4 disagree (TestDecodeStrict_AnswersAsGoYAMLv4).
	"Credentials:\n  - URI: \"docker://a\"# note\n    Insecure: false\n",
	"{Active: x}junk\n",
	"Active: x\nCredentials:\n    !\n",
	"# a DEL \x7f in a comment\nActive: x\n",
	"Active: x\nRemotes:\n    r:\n        URI: a\n\t\n        System: true\n        Exclusive: false\n",
	"Active: x\nRemotes:\n    r: &a!b\n        URI: a\n",
}

func seed(f *testing.F) {
	for _, data := range fixtures(f) {
		f.Add(data)
	}
	for _, s := range exotic {
		f.Add([]byte(s))
	}
}

// plainDecode is what an older or less careful reader does: go-yaml's
// Unmarshal without KnownFields.
func plainDecode(data []byte) (Config, error) {
	var c Config
	err := yaml.Unmarshal(data, &c)
	return c, err
}

// exoticYAML reports whether data uses YAML features no remote.yaml writer
// produces (anchors, aliases, tags, directives, complex keys). Only on such
// files may an edit refuse, and then it must leave the text untouched.
func exoticYAML(data []byte) bool {
	return bytes.ContainsAny(data, "&*!%") || bytes.Contains(data, []byte("? "))
}

// severalDocuments reports whether go-yaml reads more than one document
// in data: the tree edit refuses such a file rather than drop the others.
func severalDocuments(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for n := 0; ; n++ {
		var v yaml.Node
		if err := dec.Decode(&v); err != nil {
			return n > 1 || (n == 1 && !errors.Is(err, io.EOF))
		}
	}
}

// refusal checks an edit error: allowed only on exotic files and, with its
// own error, on files of several documents; one line, and the document
// unchanged.
func refusal(t *testing.T, d *Document, before []byte, err error) {
	t.Helper()
	if !exoticYAML(before) && !(errors.Is(err, errMoreDocuments) && severalDocuments(before)) {
		t.Fatalf("edit refused a plain file: %v on\n%q", err, before)
	}
	if bytes.ContainsRune([]byte(err.Error()), '\n') {
		t.Fatalf("error is not one line: %q", err)
	}
	if !bytes.Equal(d.Bytes(), before) {
		t.Fatalf("a refused edit changed the document")
	}
}

// checkWritten states the property every written file must have.
func checkWritten(t *testing.T, out []byte, want Config) {
	t.Helper()
	strict, err := DecodeStrict(out)
	if err != nil {
		t.Fatalf("written file does not decode strictly: %v\n%q", err, out)
	}
	plain, err := plainDecode(out)
	if err != nil {
		t.Fatalf("written file does not decode with plain go-yaml: %v\n%q", err, out)
	}
	if !reflect.DeepEqual(normalize(strict), normalize(plain)) {
		t.Fatalf("strict and plain decodes differ:\n%+v\n%+v", strict, plain)
	}
	if !reflect.DeepEqual(normalize(strict), normalize(want)) {
		t.Fatalf("written file decodes to\n%+v\nwant\n%+v", strict, want)
	}
	if !bytes.Equal(loadable(out), out) {
		t.Fatalf("written file holds no document, which the real programs refuse: %q", out)
	}
}

func FuzzParse(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		plain, err := plainDecode(data)
		if err != nil && len(bytes.TrimSpace(data)) > 0 {
			// Strict accepts only what plain accepts, but for no-document files.
			if derr := yaml.NewDecoder(bytes.NewReader(data)).Decode(&yaml.Node{}); derr == nil {
				t.Fatalf("strict accepted what plain refused: %v", err)
			}
			return
		}
		if err == nil && !reflect.DeepEqual(normalize(plain), normalize(d.Config())) {
			t.Fatalf("strict and plain decodes differ")
		}
	})
}

func FuzzPutCredential(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		for _, c := range []Credential{
			{URI: "docker://new.example.com:5000", Auth: "Basic eDp5"},
			{URI: "docker://a", Auth: "Bearer t"},
			{URI: "docker://a", Insecure: true},
		} {
			want := d.Config()
			before := d.Bytes()
			if err := d.PutCredential(c, nil); err != nil {
				refusal(t, d, before, err)
				return
			}
			found := false
			for i, e := range want.Credentials {
				if SameURI(e.URI, c.URI) {
					if !found {
						want.Credentials[i] = c
					} else {
						want.Credentials[i].URI = "\x00drop"
					}
					found = true
				}
			}
			if !found {
				want.Credentials = append(want.Credentials, c)
			}
			want.Credentials = withoutIndexes(want.Credentials, indexesOf(want.Credentials, "\x00drop"))
			checkWritten(t, d.Bytes(), want)
		}
	})
}

func indexesOf(cs []Credential, uri string) []int {
	var idx []int
	for i, c := range cs {
		if c.URI == uri {
			idx = append(idx, i)
		}
	}
	return idx
}

func FuzzRemoveCredentials(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		cfg := d.Config()
		for len(cfg.Credentials) > 0 {
			uri := cfg.Credentials[len(cfg.Credentials)/2].URI
			before := d.Bytes()
			if _, err := d.RemoveCredentials(func(c Credential) bool { return c.URI == uri }); err != nil {
				refusal(t, d, before, err)
				return
			}
			cfg.Credentials = withoutIndexes(cfg.Credentials, indexesOf(cfg.Credentials, uri))
			checkWritten(t, d.Bytes(), cfg)
		}
	})
}

func FuzzSetToken(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		cfg := d.Config()
		for name, r := range cfg.Remotes {
			if r == nil {
				continue
			}
			for _, tok := range []string{"tok-" + name, ""} {
				before := d.Bytes()
				if checkValue("Token", tok) != nil {
					// A name with a control character (go-yaml v4 takes
					// DEL) makes a token that is never written.
					if err := d.SetToken(name, tok); err == nil || !bytes.Equal(d.Bytes(), before) {
						t.Fatalf("SetToken(%q, %q): %v, or the text changed", name, tok, err)
					}
					continue
				}
				if err := d.SetToken(name, tok); err != nil {
					refusal(t, d, before, err)
					return
				}
				cfg.Remotes[name].Token = tok
				checkWritten(t, d.Bytes(), cfg)
			}
		}
	})
}

// sameTree compares what the line edits read from a node: kind, tag,
// value, position and children.
func sameTree(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column ||
		a.Style != b.Style || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// FuzzFastParse is the differential test of the fast path: whatever it
// accepts, go-yaml v4 (what Apptainer and SingularityCE read with) accepts
// too, with the same Config and node tree.
func FuzzFastParse(f *testing.F) {
	seed(f)
	f.Add(apptainerFile(3))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, root, ok := fastParse(data)
		if !ok {
			return
		}
		full, err := decodeFull(data)
		if err != nil {
			t.Fatalf("fast path accepted what go-yaml v4 refuses (%v):\n%q", err, data)
		}
		if !reflect.DeepEqual(normalize(cfg), normalize(full)) {
			t.Fatalf("configs differ:\nfast %+v\nfull %+v\n%q", cfg, full, data)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) != 1 {
			t.Fatalf("go-yaml v4 node parse: %v", err)
		}
		if !sameTree(root, doc.Content[0]) {
			t.Fatalf("node trees differ on\n%q", data)
		}
	})
}

func TestFastParse_TakesTheRealFiles(t *testing.T) {
	for name, data := range fixtures(t) {
		_, _, ok := fastParse(data)
		want := len(data) > 0
		if ok != want {
			t.Errorf("%s: fast path ok=%v, want %v", name, ok, want)
		}
	}
	if _, _, ok := fastParse(apptainerFile(100)); !ok {
		t.Error("fast path refused remoteyaml's own layout")
	}
}

// FuzzFastDecode: without the node tree the fast path decodes the same.
func FuzzFastDecode(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, _, okA := fastParse(data)
		b, okB := fastDecode(data)
		if okA != okB || !reflect.DeepEqual(a, b) {
			t.Fatalf("with and without nodes: %v %v\n%+v\n%+v", okA, okB, a, b)
		}
	})
}

// printable tests eight bytes at a time; each byte value at each position
// of a word, and in the tail, must give what the plain test gives.
func TestPrintable(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for at := 0; at < n; at++ {
			for c := 0; c < 256; c++ {
				b := bytes.Repeat([]byte{'a'}, n)
				b[at] = byte(c)
				want := c >= 0x20 && c <= 0x7e
				if got := printable(b); got != want {
					t.Fatalf("printable(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}

// fields tells a key read twice by keyBit, a bit per first letter: two keys
// of one mapping of the schema sharing a bit would make the fast path give
// up on every file that has both.
func TestKeyBit(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[Remote](), reflect.TypeFor[Keyserver](), reflect.TypeFor[Credential]()} {
		owner := map[uint32]string{}
		for i := 0; i < typ.NumField(); i++ {
			key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
			bit := keyBit(key)
			if other, ok := owner[bit]; ok {
				t.Errorf("%s: keys %s and %s share bit %#x", typ.Name(), other, key, bit)
			}
			owner[bit] = key
		}
	}
}

// quoted finds a single-quoted scalar's end by IndexByte, skipping doubled
// quotes: each case here is what go-yaml v4 reads.
func TestQuoted(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		n    int
		ok   bool
	}{
		{"'abc' # c", "abc", 5, true},
		{"''", "", 2, true},
		{"''''", "'", 4, true},
		{"'it''s'", "it's", 7, true},
		{"'a''''b'", "a''b", 8, true},
		{"'a'''", "a'", 5, true},
		{"'''a'", "'a", 5, true},
		{"'a''", "", 0, false},
		{"'abc", "", 0, false},
		{`"a'b" x`, "a'b", 5, true},
		{`"a\"b"`, "", 0, false},
		{`"abc`, "", 0, false},
	} {
		got, n, ok := quoted(c.in)
		if got != c.want || n != c.n || ok != c.ok {
			t.Errorf("quoted(%q) = %q, %d, %v; want %q, %d, %v", c.in, got, n, ok, c.want, c.n, c.ok)
		}
	}
}

// plainString skips isSpecial and numberLike for a value whose first byte
// lacks wordStart: neither may take such a value.
func TestWordStart(t *testing.T) {
	for c := 0; c < 256; c++ {
		if byteClass[c]&wordStart != 0 {
			continue
		}
		for _, rest := range []string{"", "rue", "alse", "ull", "1", "_1", "e5", "x10", "nf", "0:00", "~", "<"} {
			v := string([]byte{byte(c)}) + rest
			if isSpecial(v) || numberLike(v) {
				t.Errorf("%q: isSpecial or numberLike takes it, but %q lacks wordStart", v, c)
			}
		}
	}
}
