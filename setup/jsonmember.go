package setup

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/remoteyaml/remoteyaml/jsonedit"
)

// One level down: a member of a top-level object such as "credHelpers",
// how --per-registry names the helper for one host, touching only the bytes
// of that one member (jsonedit.Remove takes it away again).

// SetMember makes outer[key] the string value, creating outer (as the first
// top-level member) when it is absent. It reports whether data changed.
func SetMember(data []byte, outer, key, value string) ([]byte, bool, error) {
	if !utf8.ValidString(key) || !utf8.ValidString(value) {
		return nil, false, fmt.Errorf("%q: not UTF-8, which a JSON key or string cannot hold", key)
	}
	o, err := jsonedit.Parse(data)
	if err != nil {
		return nil, false, err
	}
	p, ok, err := jsonedit.Find(data, outer) // as Go's decoder reads it
	if err != nil {
		return nil, false, err
	}
	if !ok {
		inner, _ := json.Marshal(map[string]string{key: value})
		s := insertPair(data, o, outer, string(inner))
		return s.apply(data), true, nil
	}
	m, found, err := jsonedit.Find(data, outer, key)
	if err != nil {
		return nil, false, fmt.Errorf("%q: %w", outer, err)
	}
	val, _ := json.Marshal(value)
	if found {
		var cur string
		if json.Unmarshal(m.Raw, &cur) == nil && cur == value {
			return data, false, nil
		}
		return Splice{Offset: m.ValStart, Old: string(data[m.ValStart:m.ValEnd]), New: string(val)}.apply(data), true, nil
	}
	sub := data[p.ValStart:p.ValEnd]
	io, err := jsonedit.Parse(sub)
	if err != nil {
		return nil, false, fmt.Errorf("%q: %w", outer, err)
	}
	s := insertPair(sub, io, key, string(val))
	s.Offset += p.ValStart
	return s.apply(data), true, nil
}

// MemberString is outer[key] when it is a string, as Go's decoder reads it.
func MemberString(data []byte, outer, key string) (string, bool) {
	m, ok, err := jsonedit.Find(data, outer, key)
	if err != nil || !ok {
		return "", false
	}
	var v string
	if json.Unmarshal(m.Raw, &v) != nil {
		return "", false
	}
	return v, true
}
