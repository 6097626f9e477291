package setup

import (
	"encoding/json"

	"github.com/remoteyaml/remoteyaml/jsonedit"
)

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

// setString makes the top-level key hold value. It returns the splice it
// made and the old raw value (nil if the key was absent); a zero Splice
// means nothing changed.
func setString(data []byte, key, value string) (Splice, json.RawMessage, error) {
	o, err := jsonedit.Parse(data)
	if err != nil {
		return Splice{}, nil, err
	}
	p, ok, err := jsonedit.Find(data, key) // as Go's decoder reads it
	if err != nil {
		return Splice{}, nil, err
	}
	val, _ := json.Marshal(value)
	if ok {
		var cur string
		if json.Unmarshal(p.Raw, &cur) == nil && cur == value {
			return Splice{}, p.Raw, nil
		}
		return Splice{Offset: p.ValStart, Old: string(data[p.ValStart:p.ValEnd]), New: string(val)}, p.Raw, nil
	}
	return insertPair(data, o, key, string(val)), nil, nil
}

// insertPair is the splice that adds key: raw as the first member of o.
func insertPair(data []byte, o jsonedit.Object, key, raw string) Splice {
	k, _ := json.Marshal(key)
	at := o.Open + 1
	if len(o.Members) == 0 {
		return Splice{Offset: at, New: string(k) + ": " + raw}
	}
	// Like the first member: same whitespace before it, then a comma.
	indent := string(data[at:o.Members[0].KeyStart])
	return Splice{Offset: at, New: indent + string(k) + ": " + raw + ","}
}
