package yamlstore

import (
	"bytes"
	"fmt"
	"testing"
)

// treeOnly is what an edit read before the Credentials items were indexed:
// the node tree of the whole file and no index, so PutLogin takes linePut.
func treeOnly(t testing.TB, data []byte) *Document {
	t.Helper()
	d, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	d.seq = nil
	return d
}

// putsFor is the stores to try on a file: each of its logins replaced
// (new secret; no secret; Insecure flipped), and a new login after the last.
func putsFor(cfg Config) []Credential {
	var cs []Credential
	for _, e := range cfg.Credentials {
		cs = append(cs,
			Credential{URI: e.URI, Auth: "Basic bmV3OnNlY3JldA==", Insecure: e.Insecure},
			Credential{URI: e.URI, Insecure: e.Insecure},
			Credential{URI: e.URI, Auth: e.Auth, Insecure: !e.Insecure},
		)
	}
	return append(cs, Credential{URI: "docker://new.example.com:5000", Auth: "Basic eDp5"},
		Credential{URI: "oras://n.example", Auth: "it's \"quoted\" # not a comment"})
}

// samePut runs the same stores, one after another on one document, through
// the index (seqPut: what File.Update reads now) and through the node tree
// (linePut: what it read before), and fails unless both write the same
// bytes or refuse alike. It reports how many stores took the index, of
// how many.
func samePut(t *testing.T, name string, data []byte) (narrow, all int) {
	t.Helper()
	fast, err := parseForEdit(data)
	if err != nil {
		return 0, 0
	}
	tree := treeOnly(t, data)
	for _, c := range putsFor(fast.Config()) {
		if c2, matches, want, err := fast.planPut(c, nil, nil); err == nil {
			probe := *fast
			if probe.putSeq(c2, matches, want) {
				narrow++
			}
		}
		errF := fast.PutCredential(c, nil)
		errT := tree.PutCredential(c, nil)
		if (errF == nil) != (errT == nil) {
			t.Fatalf("%s: store %+v: through the index: %v; through the tree: %v", name, c, errF, errT)
		}
		if !bytes.Equal(fast.Bytes(), tree.Bytes()) {
			t.Fatalf("%s: store %+v wrote through the index\n%s\nand through the tree\n%s", name, c, fast.Bytes(), tree.Bytes())
		}
		tree = treeOnly(t, tree.Bytes())
		all++
	}
	return narrow, all
}

func TestSeqPut_WritesWhatTheTreeEditWrites(t *testing.T) {
	inputs := fixtures(t)
	for _, n := range []int{1, 2, 7} {
		inputs[fmt.Sprintf("apptainer-%d", n)] = apptainerFile(n)
		inputs[fmt.Sprintf("hand-%d", n)] = handFile(n)
	}
	// Layouts the index must take or leave to the tree edit as it does.
	inputs["no final newline"] = []byte("Credentials:\n  - URI: docker://a.example\n    Auth: x")
	inputs["comments between items"] = []byte("Credentials:\n- URI: docker://a.example # a\n  Auth: 'x'\n# about b\n\n- URI: \"docker://b.example\"\n  Insecure: true\n# end\nActive: r\n")
	inputs["credentials first"] = []byte("Credentials:\n    - URI: docker://a.example\n      Auth: x\n      Insecure: false\nRemotes:\n    r:\n        URI: r.example\n        Keyservers:\n            - URI: https://k.example\n              Skip: false\n")
	inputs["sequence at the key's column"] = []byte("Credentials:\n- URI: docker://a.example\n  Auth: x\n")
	inputs["item of URI only"] = []byte("Credentials:\n  - URI: docker://a.example\n")
	inputs["duplicate logins"] = []byte("Credentials:\n  - URI: docker://a.example\n    Auth: x\n  - URI: docker://a.example/p\n    Auth: y\n")
	total, narrow := 0, 0
	for name, data := range inputs {
		n, all := samePut(t, name, data)
		narrow, total = narrow+n, total+all
	}
	// The index must be what stores take, not a path no input reaches.
	t.Logf("%d of %d stores took the index", narrow, total)
	if narrow < total*3/4 {
		t.Fatalf("only %d of %d stores took the index; want most of them", narrow, total)
	}
}

// FuzzSeqPut holds the index's stores to the tree edit's bytes on any text
// both read (FuzzPutCredential holds either to go-yaml v4's decode).
func FuzzSeqPut(f *testing.F) {
	seed(f)
	for _, n := range []int{1, 3} {
		f.Add(apptainerFile(n))
		f.Add(handFile(n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		samePut(t, "fuzz input", data)
	})
}
