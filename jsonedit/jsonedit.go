// Package jsonedit finds where the members of a JSON object sit in a
// file's text, and removes one, leaving every other byte as it was: docker
// config files hold other programs' settings and the user's layout, which
// re-encoding would lose. setup edits through it too.
package jsonedit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ErrNotObject marks text whose value at the path is not a JSON object.
var ErrNotObject = errors.New("not a JSON object")

// ErrAmbiguous marks a key that Go's decoder (and so docker, podman and
// Apptainer, and remoteyaml's reading) takes from more than one member:
// editing one of them would not change what is read.
var ErrAmbiguous = errors.New("ambiguous key")

// Member is where one member of an object sits, as byte offsets.
type Member struct {
	Key              string
	KeyStart         int // the key's opening quote
	ValStart, ValEnd int // the value's bytes
	Raw              json.RawMessage
}

// Object is where an object and its members sit.
type Object struct {
	Open, Close int // offsets of '{' and '}'
	Members     []Member
}

// Parse finds the members of the object that is all of data (white space
// around it allowed).
func Parse(data []byte) (Object, error) {
	var o Object
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return o, ErrNotObject
	}
	o.Open = int(dec.InputOffset()) - 1
	for dec.More() {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return o, fmt.Errorf("%w: %v", ErrNotObject, err)
		}
		key, _ := tok.(string)
		m := Member{Key: key, KeyStart: skipSeparators(data, before)}
		if err := dec.Decode(&m.Raw); err != nil {
			return o, fmt.Errorf("%w: %v", ErrNotObject, err)
		}
		m.ValEnd = int(dec.InputOffset())
		m.ValStart = m.ValEnd - len(m.Raw)
		o.Members = append(o.Members, m)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return o, ErrNotObject
	}
	o.Close = int(dec.InputOffset()) - 1
	if _, err := dec.Token(); err != io.EOF {
		return o, fmt.Errorf("%w: text after the object", ErrNotObject)
	}
	return o, nil
}

// skipSeparators skips white space and a comma before a key.
func skipSeparators(data []byte, i int) int {
	for i < len(data) && bytes.IndexByte([]byte(" \t\r\n,"), data[i]) >= 0 {
		i++
	}
	return i
}

// Lookup returns the last member named key: the one decoders keep.
func (o Object) Lookup(key string) (Member, bool) {
	for i := len(o.Members) - 1; i >= 0; i-- {
		if o.Members[i].Key == key {
			return o.Members[i], true
		}
	}
	return Member{}, false
}

// Find returns the member at path (keys of nested objects, outermost
// first) as Go's decoder of a docker config reads it: the top-level key is
// a struct field, matched without regard to case, the keys below are map
// keys, matched exactly. found is false when there is none; a key that more
// than one member answers to (two "auths", "auths" and "Auths", a host
// twice) is ErrAmbiguous, since Go merges them or keeps the last and no
// single edit changes what is read.
func Find(data []byte, path ...string) (m Member, found bool, err error) {
	if len(path) == 0 {
		return m, false, errors.New("jsonedit: empty path")
	}
	base := 0
	for depth, key := range path {
		o, err := Parse(data[base:])
		if err != nil {
			return Member{}, false, err
		}
		var hits []Member
		for _, c := range o.Members {
			if c.Key == key || (depth == 0 && strings.EqualFold(c.Key, key)) {
				hits = append(hits, c)
			}
		}
		switch {
		case len(hits) == 0:
			return Member{}, false, nil
		case len(hits) > 1:
			return Member{}, false, fmt.Errorf("%w: %d members named %s, which are read as one; merge them by hand", ErrAmbiguous, len(hits), quoteKeys(hits))
		}
		m = hits[0]
		m.KeyStart += base
		m.ValStart += base
		m.ValEnd += base
		if depth < len(path)-1 {
			base = m.ValStart
			data = data[:m.ValEnd]
		}
	}
	return m, true, nil
}

func quoteKeys(ms []Member) string {
	var keys []string
	for _, m := range ms {
		k, _ := json.Marshal(m.Key)
		if !slices.Contains(keys, string(k)) {
			keys = append(keys, string(k))
		}
	}
	return strings.Join(keys, " and ")
}

// Remove deletes the member at path, found as Find finds it, and reports
// whether there was one. Only that member and its separators change; an
// object left empty becomes {}.
func Remove(data []byte, path ...string) ([]byte, bool, error) {
	m, found, err := Find(data, path...)
	if err != nil || !found {
		return data, false, err
	}
	// The object holding it: the whole text, or the value of its parent.
	start, end := 0, len(data)
	if len(path) > 1 {
		parent, _, err := Find(data, path[:len(path)-1]...)
		if err != nil {
			return data, false, err
		}
		start, end = parent.ValStart, parent.ValEnd
	}
	o, err := Parse(data[start:end])
	if err != nil {
		return data, false, err
	}
	idx := -1
	for i, c := range o.Members {
		if c.KeyStart+start == m.KeyStart {
			idx = i
		}
	}
	if idx < 0 {
		return data, false, errors.New("jsonedit: member not found again")
	}
	var from, to int
	switch c := o.Members[idx]; {
	case idx+1 < len(o.Members): // the comma and the next key's indent go with it
		from, to = c.KeyStart, o.Members[idx+1].KeyStart
	case idx > 0: // the last member: the comma before it goes
		from, to = o.Members[idx-1].ValEnd, c.ValEnd
	default:
		from, to = o.Open+1, o.Close
	}
	return splice(data, start+from, start+to, nil), true, nil
}

func splice(data []byte, start, stop int, repl []byte) []byte {
	out := make([]byte, 0, len(data)-(stop-start)+len(repl))
	return append(append(append(out, data[:start]...), repl...), data[stop:]...)
}
