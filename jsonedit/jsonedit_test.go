package jsonedit

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestRemove(t *testing.T) {
	fixture, err := os.ReadFile("../../shared/fixtures/remote-yaml/apptainer-1.5.3-registry-login.docker-config.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		path     []string
		want     string
		found    bool
		wantErr  error
	}{
		{"Apptainer's file, its only login", string(fixture), []string{"auths", "127.0.0.1:5000"}, "{\n\t\"auths\": {}\n}", true, nil},
		{"first of two, other keys kept",
			"{\n\t\"auths\": {\n\t\t\"a:1\": {\"auth\": \"x\"},\n\t\t\"b\": {\"auth\": \"y\"}\n\t},\n\t\"credsStore\": \"remoteyaml\"\n}\n",
			[]string{"auths", "a:1"}, "{\n\t\"auths\": {\n\t\t\"b\": {\"auth\": \"y\"}\n\t},\n\t\"credsStore\": \"remoteyaml\"\n}\n", true, nil},
		{"last of two", `{"auths": {"a": {}, "b": {"auth": "y"}}, "x": 1}`, []string{"auths", "b"}, `{"auths": {"a": {}}, "x": 1}`, true, nil},
		{"absent key", `{"auths": {"a": {}}}`, []string{"auths", "b"}, `{"auths": {"a": {}}}`, false, nil},
		{"no auths", `{"credsStore": "x"}`, []string{"auths", "b"}, `{"credsStore": "x"}`, false, nil},
		{"auths not an object", `{"auths": []}`, []string{"auths", "b"}, `{"auths": []}`, false, ErrNotObject},
		{"not JSON", `{ nope`, []string{"auths", "b"}, `{ nope`, false, ErrNotObject},
		// Issue 21 items 7 and 13: edit what Go's decoder reads, or refuse.
		{"Auths spelled otherwise", `{"Auths": {"a": {"auth": "x"}}}`, []string{"auths", "a"}, `{"Auths": {}}`, true, nil},
		{"two auths objects", `{"auths": {"a": {}}, "auths": {"b": {}}}`, []string{"auths", "a"}, `{"auths": {"a": {}}, "auths": {"b": {}}}`, false, ErrAmbiguous},
		{"auths and Auths", `{"auths": {"a": {}}, "Auths": {"a": {}}}`, []string{"auths", "a"}, `{"auths": {"a": {}}, "Auths": {"a": {}}}`, false, ErrAmbiguous},
		{"auths then auths null", `{"auths": {"a": {}}, "auths": null}`, []string{"auths", "a"}, `{"auths": {"a": {}}, "auths": null}`, false, ErrAmbiguous},
		{"a host twice", `{"auths": {"a": {"auth": "x"}, "a": {"auth": "y"}}}`, []string{"auths", "a"}, `{"auths": {"a": {"auth": "x"}, "a": {"auth": "y"}}}`, false, ErrAmbiguous},
		{"hosts differing in case are two", `{"auths": {"A": {}, "a": {}}}`, []string{"auths", "a"}, `{"auths": {"A": {}}}`, true, nil},
		{"top-level duplicate", `{"credsStore": "a", "b": 1, "credsStore": "c"}`, []string{"credsStore"}, `{"credsStore": "a", "b": 1, "credsStore": "c"}`, false, ErrAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found, err := Remove([]byte(tt.in), tt.path...)
			if !errors.Is(err, tt.wantErr) || found != tt.found || string(got) != tt.want {
				t.Fatalf("got %q, %v, %v; want %q, %v, %v", got, found, err, tt.want, tt.found, tt.wantErr)
			}
			if found && !json.Valid(got) {
				t.Errorf("result is not valid JSON: %s", got)
			}
		})
	}
}

// TestRemove_TopLevel: the cases setup's undo meets with "credsStore".
func TestRemove_TopLevel(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"first of several", "{\n\t\"credsStore\": \"x\",\n\t\"a\": 1\n}", "{\n\t\"a\": 1\n}"},
		{"middle", "{\"a\":1, \"credsStore\":\"x\", \"b\":2}", "{\"a\":1, \"b\":2}"},
		{"last", "{\n\t\"a\": 1,\n\t\"credsStore\": \"x\"\n}", "{\n\t\"a\": 1\n}"},
		{"only", "{ \"credsStore\": \"x\" }", "{}"},
		{"absent", "{\"a\":1}", "{\"a\":1}"},
		{"trailing newline kept", "{\"credsStore\":\"a\"}\n", "{}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := Remove([]byte(tt.in), "credsStore")
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// FuzzRemove: on any text Remove never panics, and on a JSON object it
// edits exactly what Go's decoder reads (issue 21 item 7): the key is gone
// from the "auths" docker reads, and everything else decodes as before.
func FuzzRemove(f *testing.F) {
	f.Add([]byte("{\n\t\"auths\": {\n\t\t\"a:1\": {\"auth\": \"x\"},\n\t\t\"b\": {}\n\t}\n}"), "a:1")
	f.Add([]byte(`{"auths":{"k":1,"k":2},"auths":{"k":3}}`), "k")
	f.Add([]byte(`{"Auths":{"k":1},"x":{"auths":2}}`), "k")
	f.Add([]byte(`{"auths":{"k":1},"AUTHS":null}`), "k")
	f.Add([]byte(`{"auths":[]}`), "k")
	type view struct {
		Auths map[string]any `json:"auths"`
	}
	// others is the document without the members Go reads as "auths".
	others := func(b []byte) map[string]any {
		var m map[string]any
		json.Unmarshal(b, &m)
		for k := range m {
			if strings.EqualFold(k, "auths") {
				delete(m, k)
			}
		}
		return m
	}
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		out, found, err := Remove(data, "auths", key)
		if err != nil || !found {
			if string(out) != string(data) {
				t.Fatalf("changed the text without removing anything")
			}
			return
		}
		var before, after view
		if json.Unmarshal(data, &before) != nil {
			return // odd input the decoder refuses; Remove found a member anyway
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("result is not JSON: %v\n%s", err, out)
		}
		if _, still := after.Auths[key]; still {
			t.Fatalf("key %q is still read: %s", key, out)
		}
		if _, was := before.Auths[key]; !was {
			t.Fatalf("removed %q, which the decoder did not read: %s", key, data)
		}
		delete(before.Auths, key)
		b1, _ := json.Marshal(before)
		b2, _ := json.Marshal(after)
		o1, _ := json.Marshal(others(data))
		o2, _ := json.Marshal(others(out))
		if string(b1) != string(b2) || string(o1) != string(o2) {
			t.Fatalf("other content changed:\n%s %s\n%s %s", b1, o1, b2, o2)
		}
	})
}
