package setup

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// One level down: a member of a top-level object such as "auths" or
// "credHelpers". These edits are how import removes a plaintext login and
// how --per-registry names the helper for one host, each touching only the
// bytes of that one member.

// SetMember makes outer[key] the string value, creating outer (as the first
// top-level member) when it is absent. It reports whether data changed.
func SetMember(data []byte, outer, key, value string) ([]byte, bool, error) {
	o, err := parseObject(data)
	if err != nil {
		return nil, false, err
	}
	p, ok := o.lookup(outer)
	if !ok {
		inner, _ := json.Marshal(map[string]string{key: value})
		s := insertPair(data, o, outer, string(inner))
		return s.apply(data), true, nil
	}
	sub := data[p.valStart:p.valEnd]
	s, _, err := setString(sub, key, value)
	if err != nil {
		return nil, false, fmt.Errorf("%q: %w", outer, err)
	}
	if s == (Splice{}) {
		return data, false, nil
	}
	s.Offset += p.valStart
	return s.apply(data), true, nil
}

// RemoveMember drops every outer[key]; outer stays, empty or not. It
// reports whether data changed.
func RemoveMember(data []byte, outer, key string) ([]byte, bool, error) {
	o, err := parseObject(data)
	if err != nil {
		return nil, false, err
	}
	p, ok := o.lookup(outer)
	if !ok {
		return data, false, nil
	}
	sub := data[p.valStart:p.valEnd]
	if !bytes.HasPrefix(bytes.TrimSpace(sub), []byte("{")) {
		return nil, false, fmt.Errorf("%w: %q is not an object", ErrNotObject, outer)
	}
	out, err := removeKey(sub, key)
	if err != nil {
		return nil, false, fmt.Errorf("%q: %w", outer, err)
	}
	if len(out) == len(sub) {
		return data, false, nil
	}
	res := make([]byte, 0, len(data)-len(sub)+len(out))
	res = append(append(append(res, data[:p.valStart]...), out...), data[p.valEnd:]...)
	return res, true, nil
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
