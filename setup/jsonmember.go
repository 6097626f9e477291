package setup

import (
	"encoding/json"
	"fmt"

	"github.com/remoteyaml/remoteyaml/jsonedit"
)

// One level down: a member of a top-level object such as "credHelpers",
// how --per-registry names the helper for one host, touching only the bytes
// of that one member (jsonedit.Remove takes it away again).

// SetMember makes outer[key] the string value, creating outer (as the first
// top-level member) when it is absent. It reports whether data changed.
func SetMember(data []byte, outer, key, value string) ([]byte, bool, error) {
	o, err := jsonedit.Parse(data)
	if err != nil {
		return nil, false, err
	}
	p, ok := o.Lookup(outer)
	if !ok {
		inner, _ := json.Marshal(map[string]string{key: value})
		s := insertPair(data, o, outer, string(inner))
		return s.apply(data), true, nil
	}
	sub := data[p.ValStart:p.ValEnd]
	s, _, err := setString(sub, key, value)
	if err != nil {
		return nil, false, fmt.Errorf("%q: %w", outer, err)
	}
	if s == (Splice{}) {
		return data, false, nil
	}
	s.Offset += p.ValStart
	return s.apply(data), true, nil
}

// MemberString is outer[key] when it is a string.
func MemberString(data []byte, outer, key string) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return "", false
	}
	var inner map[string]string
	if json.Unmarshal(m[outer], &inner) != nil {
		return "", false
	}
	v, ok := inner[key]
	return v, ok
}
