package yamlstore

import (
	"strings"
	"testing"
)

// TestAcceptSpan: the check of an edit by the lines it changed accepts an
// edit only when decoding the whole result would have (fastParse takes it,
// go-yaml v4's strict decode gives want), and turns away every shape that
// could read differently in context, leaving those to the full check.
func TestAcceptSpan(t *testing.T) {
	const src = "Active: DefaultRemote\n" +
		"Remotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n" +
		"Credentials:\n" +
		"    - URI: docker://a.example.com\n      Auth: Basic YTph\n      Insecure: false\n" +
		"    - URI: docker://b.example.com\n      Auth: Basic Yjpi\n      Insecure: false\n" +
		"    # trailing\n"
	itemA := "    - URI: docker://a.example.com\n      Auth: Basic YTph\n      Insecure: false\n"
	itemB := "    - URI: docker://b.example.com\n      Auth: Basic Yjpi\n      Insecure: false\n"
	posA := strings.Index(src, itemA)
	posB := strings.Index(src, itemB)
	spanB := span{from: posB, to: posB + len(itemB), dash: 4, index: 1, items: 1}
	newB := Credential{URI: "docker://b.example.com", Auth: "Basic bmV3", Insecure: false}
	newC := Credential{URI: "docker://c.example.com", Auth: "Basic Yzpj", Insecure: true}
	a := Credential{URI: "docker://a.example.com", Auth: "Basic YTph"}
	b := Credential{URI: "docker://b.example.com", Auth: "Basic Yjpi"}
	cfg := func(creds ...Credential) Config {
		return Config{Active: "DefaultRemote", Remotes: map[string]*Remote{"DefaultRemote": {URI: "cloud.apptainer.org"}}, Credentials: creds}
	}
	replaceB := func(with string) string { return src[:posB] + with + src[posB+len(itemB):] }
	for _, tc := range []struct {
		name string
		src  string // the old text; src when empty
		out  string
		sp   span
		want Config
		ok   bool
	}{
		{"secret replaced", "", replaceB("    - URI: docker://b.example.com\n      Auth: Basic bmV3\n      Insecure: false\n"), spanB, cfg(a, newB), true},
		{"login added after the last", "", replaceB(itemB + "    - URI: docker://c.example.com\n      Auth: Basic Yzpj\n      Insecure: true\n"), spanB, cfg(a, b, newC), true},
		{"first item, comment beside a key", "", src[:posA] + "    - URI: docker://a.example.com # here\n      Auth: Basic YTph\n      Insecure: false\n" + src[posA+len(itemA):],
			span{from: posA, to: posA + len(itemA), dash: 4, index: 0, items: 1}, cfg(a, b), true},
		{"want is not what the lines say", "", replaceB("    - URI: docker://b.example.com\n      Auth: Basic bmV3\n      Insecure: false\n"), spanB, cfg(a, b), false},
		{"Active changed too", "", "Active: Other\n" + replaceB("    - URI: docker://b.example.com\n      Auth: Basic bmV3\n      Insecure: false\n")[len("Active: DefaultRemote\n"):], spanB,
			Config{Active: "Other", Remotes: cfg().Remotes, Credentials: []Credential{a, newB}}, false},
		{"a byte after the span changed", "", replaceB(itemB)[:len(src)-3] + "g\n", spanB, cfg(a, b), false},
		{"dash at another column", "", replaceB("  - URI: docker://b.example.com\n    Auth: Basic bmV3\n    Insecure: false\n"), spanB, cfg(a, newB), false},
		{"no dash: joins the item before", "", replaceB("      Auth2: x\n"), spanB, cfg(a), false},
		{"a root key inside the span", "", replaceB(itemB + "Active2: x\n"), spanB, cfg(a, b), false},
		{"a nested key", "", replaceB("    - URI: docker://b.example.com\n      Auth:\n        x: y\n"), spanB, cfg(a, b), false},
		{"a line the fast parser refuses", "", replaceB("    - URI: docker://b.example.com\n      Auth: Basic\tbmV3\n      Insecure: false\n"), spanB, cfg(a, Credential{URI: b.URI, Auth: "Basic\tbmV3"}), false},
		{"a comment with a line break of its own", "", replaceB("    # \u2028Active: x\n" + itemB), spanB, cfg(a, b), false},
		{"no line break before the rest", "", replaceB(strings.TrimSuffix(itemB, "\n")), spanB, cfg(a, b), false},
		{"span inside a line", "", replaceB(itemB), span{from: posB + 1, to: posB + len(itemB), dash: 4, index: 1, items: 1}, cfg(a, b), false},
		{"span names the wrong entry", "", replaceB(itemB), span{from: posB, to: posB + len(itemB), dash: 4, index: 0, items: 1}, cfg(a, b), false},
		{"span holds part of an item", "", replaceB(itemB), span{from: posB, to: posB + len("    - URI: docker://b.example.com\n"), dash: 4, index: 1, items: 1}, cfg(a, b), false},
		{"a quoted value", "", replaceB("    - URI: 'docker://b.example.com'\n      Auth: \"Basic bmV3\"\n      Insecure: false\n"), spanB, cfg(a, newB), true},
		{"a plain value go-yaml reads as a number", "", replaceB("    - URI: docker://b.example.com\n      Auth: 0x12\n      Insecure: false\n"), spanB, cfg(a, Credential{URI: b.URI, Auth: "0x12"}), false},
		{"a file the fast parser did not take", strings.ReplaceAll(src, "\n", "\r\n"), "", spanB, cfg(a, b), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := src
			if tc.src != "" {
				old = tc.src
			}
			d, err := Parse([]byte(old))
			if err != nil {
				t.Fatal(err)
			}
			out := tc.out
			if out == "" {
				out = old
			}
			nd, got := acceptSpan(d, []byte(out), tc.sp, tc.want)
			if got != tc.ok {
				t.Fatalf("acceptSpan = %v, want %v on\n%s", got, tc.ok, out)
			}
			if !got {
				return
			}
			// What it accepts, the whole check accepts, and go-yaml v4's
			// strict decode reads as want.
			if _, ok := accept([]byte(out), tc.want); !ok {
				t.Fatalf("the whole check refuses what acceptSpan took:\n%s", out)
			}
			strict, err := DecodeStrict([]byte(out))
			if err != nil || !sameConfig(strict, tc.want) || !sameConfig(nd.cfg, tc.want) {
				t.Fatalf("strict decode %+v (%v), want %+v", strict, err, tc.want)
			}
		})
	}
}

// TestPutLoginSpan: a store on the layouts Apptainer and people write is
// checked by its span, and gives the same text the whole check would.
func TestPutLoginSpan(t *testing.T) {
	for _, l := range layouts {
		for _, c := range []Credential{
			{URI: "docker://reg00004.example.com:5000", Auth: "Basic bmV3OnNlY3JldA=="},
			{URI: "docker://reg00002.example.com:5000", Auth: "Basic bmV3OnNlY3JldA==", Insecure: true},
			{URI: "docker://new.example.com", Auth: "Bearer tok"},
			{URI: "docker://reg00000.example.com:5000"},
		} {
			data := l.file(5)
			d, err := Parse(data)
			if err != nil || !d.fast {
				t.Fatalf("%s: not taken by the fast parser (%v)", l.name, err)
			}
			var matches []int
			want := d.Config()
			for i, e := range want.Credentials {
				if SameURI(e.URI, c.URI) {
					matches = append(matches, i)
					want.Credentials[i] = c
				}
			}
			if len(matches) == 0 {
				want.Credentials = append(want.Credentials, c)
			}
			out, sp, err := d.linePut(c, matches)
			if err != nil || sp == nil {
				t.Fatalf("%s, %s: linePut: span %v, %v", l.name, c.URI, sp, err)
			}
			if _, ok := acceptSpan(d, out, *sp, want); !ok {
				t.Fatalf("%s, %s: the span check refused\n%s", l.name, c.URI, out)
			}
			if err := d.PutCredential(c, nil); err != nil {
				t.Fatal(err)
			}
			if got := string(d.Bytes()); got != string(out) {
				t.Fatalf("%s, %s: PutCredential wrote\n%s\nlinePut made\n%s", l.name, c.URI, got, out)
			}
			if !sameConfig(d.Config(), want) {
				t.Fatalf("%s, %s: config %+v, want %+v", l.name, c.URI, d.Config(), want)
			}
			checkWritten(t, d.Bytes(), d.Config())
		}
	}
}
