package setup

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSetMember(t *testing.T) {
	tests := []struct {
		name, in, want string
		changed        bool
	}{
		{"no outer: first member", "{\n\t\"auths\": {}\n}\n", "{\n\t\"credHelpers\": {\"r.example\":\"remoteyaml\"},\n\t\"auths\": {}\n}\n", true},
		{"empty file object", "{}", "{\"credHelpers\": {\"r.example\":\"remoteyaml\"}}", true},
		{"outer with others", "{\"credHelpers\": {\n\t\t\"gcr.io\": \"gcloud\"\n\t}}", "{\"credHelpers\": {\n\t\t\"r.example\": \"remoteyaml\",\n\t\t\"gcr.io\": \"gcloud\"\n\t}}", true},
		{"already set", "{\"credHelpers\":{\"r.example\":\"remoteyaml\"}}", "{\"credHelpers\":{\"r.example\":\"remoteyaml\"}}", false},
		{"other helper replaced in place", "{\"credHelpers\":{\"r.example\":\"pass\",\"q\":\"x\"}}", "{\"credHelpers\":{\"r.example\":\"remoteyaml\",\"q\":\"x\"}}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed, err := SetMember([]byte(tt.in), "credHelpers", "r.example", "remoteyaml")
			if err != nil || string(got) != tt.want || changed != tt.changed {
				t.Errorf("got %q (changed %v, %v)\nwant %q (changed %v)", got, changed, err, tt.want, tt.changed)
			}
			if v, ok := MemberString(got, "credHelpers", "r.example"); !ok || v != "remoteyaml" {
				t.Errorf("MemberString = %q, %v", v, ok)
			}
		})
	}
}

// FuzzSetMember: on any text SetMember never panics, and on a docker
// config it edits exactly what Go's decoder reads (issue 21 item 7): the
// decoded credHelpers[key] is value afterwards, and everything else
// decodes as before.
func FuzzSetMember(f *testing.F) {
	f.Add([]byte("{\n\t\"auths\": {}\n}\n"), "r.example")
	f.Add([]byte(`{"CredHelpers": {"a": "x"}}`), "a")
	f.Add([]byte(`{"credHelpers": {"a": "x"}, "credhelpers": {"b": "y"}}`), "b")
	f.Add([]byte(`{"credHelpers": {"a": "x", "a": "y"}}`), "a")
	f.Add([]byte(`{"credHelpers": null}`), "a")
	type view struct {
		CredHelpers map[string]string `json:"credHelpers"`
	}
	others := func(b []byte) string {
		var m map[string]any
		json.Unmarshal(b, &m)
		for k := range m {
			if strings.EqualFold(k, "credHelpers") {
				delete(m, k)
			}
		}
		out, _ := json.Marshal(m)
		return string(out)
	}
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		out, changed, err := SetMember(data, "credHelpers", key, Helper)
		if err != nil {
			return
		}
		if !changed {
			if string(out) != string(data) {
				t.Fatal("changed the text, reporting no change")
			}
			return
		}
		var before, after view
		if json.Unmarshal(data, &before) != nil {
			return // input the decoder refuses
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("result is not read as a docker config: %v\n%s", err, out)
		}
		if after.CredHelpers[key] != Helper {
			t.Fatalf("credHelpers[%q] reads %q: %s", key, after.CredHelpers[key], out)
		}
		if before.CredHelpers == nil {
			before.CredHelpers = map[string]string{}
		}
		before.CredHelpers[key] = Helper
		b1, _ := json.Marshal(before)
		b2, _ := json.Marshal(after)
		if string(b1) != string(b2) || others(data) != others(out) {
			t.Fatalf("other content changed:\n%s\n%s\n%s", data, out, b2)
		}
	})
}

// FuzzAddMember: on any text addMember (setup --undo putting an imported
// login back) never panics, and on a docker config it adds exactly the
// entry Go's decoder then reads, or leaves a file whose "auths" has the key
// already, changing nothing else.
func FuzzAddMember(f *testing.F) {
	f.Add([]byte("{\n\t\"credsStore\": \"remoteyaml\"\n}\n"), "r.example")
	f.Add([]byte(`{"Auths": {"a": {"auth": "eA=="}}}`), "b")
	f.Add([]byte(`{"auths": {}, "auths": null}`), "a")
	f.Add([]byte(`{"auths": {"a": {}}}`), "a")
	type view struct {
		Auths map[string]json.RawMessage `json:"auths"`
	}
	const entry = `{"auth":"dTpw"}`
	others := func(b []byte) string {
		var m map[string]any
		json.Unmarshal(b, &m)
		for k := range m {
			if strings.EqualFold(k, "auths") {
				delete(m, k)
			}
		}
		out, _ := json.Marshal(m)
		return string(out)
	}
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		out, added, err := addMember(data, "auths", key, json.RawMessage(entry))
		if err != nil {
			return
		}
		var before, after view
		if json.Unmarshal(data, &before) != nil {
			return // input the decoder refuses
		}
		if !added {
			if string(out) != string(data) {
				t.Fatal("changed the text, reporting nothing added")
			}
			if _, ok := before.Auths[key]; !ok {
				t.Fatalf("added nothing, but %q was not read: %s", key, data)
			}
			return
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("result is not read as a docker config: %v\n%s", err, out)
		}
		if string(after.Auths[key]) != entry {
			t.Fatalf("auths[%q] reads %s: %s", key, after.Auths[key], out)
		}
		if _, was := before.Auths[key]; was {
			t.Fatalf("replaced %q, which was there: %s", key, data)
		}
		delete(after.Auths, key)
		if len(before.Auths) == 0 {
			before.Auths = nil
		}
		if len(after.Auths) == 0 {
			after.Auths = nil
		}
		b1, _ := json.Marshal(before)
		b2, _ := json.Marshal(after)
		if string(b1) != string(b2) || others(data) != others(out) {
			t.Fatalf("other content changed:\n%s\n%s", data, out)
		}
	})
}
