// Package jsonedit removes one member from a JSON object in a file's text
// and leaves every other byte as it was: a docker config file holds other
// programs' settings and the user's layout, which re-encoding would lose.
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

type member struct {
	key              string
	keyStart         int // offset of the key's opening quote
	valStart, valEnd int
}

type object struct {
	open, close int // offsets of '{' and '}'
	members     []member
}

// parse finds the members of the object that is all of data.
func parse(data []byte) (object, error) {
	var o object
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return o, ErrNotObject
	}
	o.open = int(dec.InputOffset()) - 1
	for dec.More() {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return o, fmt.Errorf("%w: %v", ErrNotObject, err)
		}
		key, _ := tok.(string)
		m := member{key: key, keyStart: skipSeparators(data, before)}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return o, fmt.Errorf("%w: %v", ErrNotObject, err)
		}
		m.valEnd = int(dec.InputOffset())
		m.valStart = m.valEnd - len(raw)
		o.members = append(o.members, m)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return o, ErrNotObject
	}
	o.close = int(dec.InputOffset()) - 1
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

// Remove deletes the member at path (keys of nested objects, outermost
// first) with its separator, and reports whether there was one. Only the
// bytes of that member and one comma change; an object left empty becomes
// {}.
func Remove(data []byte, path ...string) ([]byte, bool, error) {
	if len(path) == 0 {
		return data, false, errors.New("jsonedit: empty path")
	}
	// Leading and trailing white space is not part of the value.
	lead := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	end := len(bytes.TrimRight(data, " \t\r\n"))
	if end < lead {
		return data, false, ErrNotObject
	}
	o, err := parse(data[lead:end])
	if err != nil {
		return data, false, err
	}
	idx := -1
	for i, m := range o.members {
		if m.key == path[0] {
			idx = i // the last of duplicates: the one decoders keep
		}
	}
	if idx < 0 {
		return data, false, nil
	}
	m := o.members[idx]
	if len(path) > 1 {
		inner, found, err := Remove(data[lead+m.valStart:lead+m.valEnd], path[1:]...)
		if err != nil || !found {
			return data, found, err
		}
		out := append(append(append([]byte{}, data[:lead+m.valStart]...), inner...), data[lead+m.valEnd:]...)
		return out, true, nil
	}
	var start, stop int
	switch {
	case idx+1 < len(o.members): // the comma and the next key's indent go with it
		start, stop = m.keyStart, o.members[idx+1].keyStart
	case idx > 0: // the last member: the comma before it goes
		start, stop = o.members[idx-1].valEnd, m.valEnd
	default:
		start, stop = o.open+1, o.close
	}
	out := append(append([]byte{}, data[:lead+start]...), data[lead+stop:]...)
	return out, true, nil
}
