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
)

// ErrNotObject marks text whose value at the path is not a JSON object.
var ErrNotObject = errors.New("not a JSON object")

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

// Remove deletes the member at path (keys of nested objects, outermost
// first; of duplicates, the one decoders keep), and reports whether there
// was one. At the last key every duplicate goes, so that none takes its
// place. Only those members and their separators change; an object left
// empty becomes {}.
func Remove(data []byte, path ...string) ([]byte, bool, error) {
	if len(path) == 0 {
		return data, false, errors.New("jsonedit: empty path")
	}
	o, err := Parse(data)
	if err != nil {
		return data, false, err
	}
	m, ok := o.Lookup(path[0])
	if !ok {
		return data, false, nil
	}
	if len(path) > 1 {
		inner, found, err := Remove(data[m.ValStart:m.ValEnd], path[1:]...)
		if err != nil || !found {
			return data, found, err
		}
		return splice(data, m.ValStart, m.ValEnd, inner), true, nil
	}
	for {
		idx := -1
		for i, m := range o.Members {
			if m.Key == path[0] {
				idx = i
				break
			}
		}
		if idx < 0 {
			return data, true, nil
		}
		var start, stop int
		switch m := o.Members[idx]; {
		case idx+1 < len(o.Members): // the comma and the next key's indent go with it
			start, stop = m.KeyStart, o.Members[idx+1].KeyStart
		case idx > 0: // the last member: the comma before it goes
			start, stop = o.Members[idx-1].ValEnd, m.ValEnd
		default:
			start, stop = o.Open+1, o.Close
		}
		data = splice(data, start, stop, nil)
		if o, err = Parse(data); err != nil {
			return data, false, err
		}
	}
}

func splice(data []byte, start, stop int, repl []byte) []byte {
	out := make([]byte, 0, len(data)-(stop-start)+len(repl))
	return append(append(append(out, data[:start]...), repl...), data[stop:]...)
}
