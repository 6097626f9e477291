package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrNotObject marks a JSON file whose top level is not an object.
var ErrNotObject = errors.New("not a JSON object")

// Splice is one byte edit: at Offset, Old was replaced by New.
type Splice struct {
	Offset int    `json:"offset"`
	Old    string `json:"old"`
	New    string `json:"new"`
}

func (s Splice) apply(data []byte) []byte {
	out := make([]byte, 0, len(data)-len(s.Old)+len(s.New))
	out = append(out, data[:s.Offset]...)
	out = append(out, s.New...)
	return append(out, data[s.Offset+len(s.Old):]...)
}

// reverse undoes s on data, if data still holds s.New at s.Offset.
func (s Splice) reverse(data []byte) ([]byte, bool) {
	end := s.Offset + len(s.New)
	if s.Offset < 0 || end > len(data) || string(data[s.Offset:end]) != s.New {
		return nil, false
	}
	return Splice{Offset: s.Offset, Old: s.New, New: s.Old}.apply(data), true
}

// pair is where one top-level member of an object sits.
type pair struct {
	key              string
	keyStart         int // offset of the key's opening quote
	valStart, valEnd int // the value's bytes
	raw              json.RawMessage
}

type object struct {
	open  int // offset of '{'
	close int // offset of '}'
	pairs []pair
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// parseObject finds the top-level members of a JSON object.
func parseObject(data []byte) (object, error) {
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
		p := pair{key: key}
		p.keyStart = skipSpace(data, before)
		if p.keyStart < len(data) && data[p.keyStart] == ',' {
			p.keyStart = skipSpace(data, p.keyStart+1)
		}
		if err := dec.Decode(&p.raw); err != nil {
			return o, fmt.Errorf("%w: %v", ErrNotObject, err)
		}
		p.valEnd = int(dec.InputOffset())
		p.valStart = p.valEnd - len(p.raw)
		o.pairs = append(o.pairs, p)
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

// lookup returns the last member named key (the one decoders keep).
func (o object) lookup(key string) (pair, bool) {
	for i := len(o.pairs) - 1; i >= 0; i-- {
		if o.pairs[i].key == key {
			return o.pairs[i], true
		}
	}
	return pair{}, false
}

// setString makes the top-level key hold value. It returns the splice it
// made and the old raw value (nil if the key was absent); a zero Splice
// means nothing changed.
func setString(data []byte, key, value string) (Splice, json.RawMessage, error) {
	o, err := parseObject(data)
	if err != nil {
		return Splice{}, nil, err
	}
	val, _ := json.Marshal(value)
	if p, ok := o.lookup(key); ok {
		var cur string
		if json.Unmarshal(p.raw, &cur) == nil && cur == value {
			return Splice{}, p.raw, nil
		}
		return Splice{Offset: p.valStart, Old: string(data[p.valStart:p.valEnd]), New: string(val)}, p.raw, nil
	}
	return insertPair(data, o, key, string(val)), nil, nil
}

// insertPair is the splice that adds key: raw as the first member of o.
func insertPair(data []byte, o object, key, raw string) Splice {
	k, _ := json.Marshal(key)
	at := o.open + 1
	if len(o.pairs) == 0 {
		return Splice{Offset: at, New: string(k) + ": " + raw}
	}
	// Like the first member: same whitespace before it, then a comma.
	indent := string(data[at:o.pairs[0].keyStart])
	return Splice{Offset: at, New: indent + string(k) + ": " + raw + ","}
}

// removeKey drops every top-level member named key, with its separator.
func removeKey(data []byte, key string) ([]byte, error) {
	for {
		o, err := parseObject(data)
		if err != nil {
			return nil, err
		}
		idx := -1
		for i, p := range o.pairs {
			if p.key == key {
				idx = i
				break
			}
		}
		if idx < 0 {
			return data, nil
		}
		p := o.pairs[idx]
		var start, end int
		switch {
		case idx+1 < len(o.pairs): // the comma and the next member's indent go with it
			start, end = p.keyStart, o.pairs[idx+1].keyStart
		case idx > 0: // the last member: drop the comma before it
			start, end = o.pairs[idx-1].valEnd, p.valEnd
		default:
			start, end = o.open+1, o.close
		}
		data = append(append([]byte{}, data[:start]...), data[end:]...)
	}
}
