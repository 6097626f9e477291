package jsonedit

import (
	"encoding/json"
	"errors"
	"os"
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
		{"every duplicate, so none takes its place", "{\"credsStore\":\"a\",\"b\":1,\"credsStore\":\"c\"}", "{\"b\":1}"},
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
// leaves valid JSON without the key, everything else decoding as before.
func FuzzRemove(f *testing.F) {
	f.Add([]byte("{\n\t\"auths\": {\n\t\t\"a:1\": {\"auth\": \"x\"},\n\t\t\"b\": {}\n\t}\n}"), "a:1")
	f.Add([]byte(`{"auths":{"k":1,"k":2},"auths":{"k":3}}`), "k")
	f.Add([]byte(`{"auths":[]}`), "k")
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		out, found, err := Remove(data, "auths", key)
		if err != nil || !found {
			if string(out) != string(data) {
				t.Fatalf("changed the text without removing anything")
			}
			return
		}
		var before, after map[string]any
		if json.Unmarshal(data, &before) != nil {
			return // duplicate-key or odd input the decoder took differently
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("result is not JSON: %v\n%s", err, out)
		}
		if a, ok := after["auths"].(map[string]any); !ok {
			t.Fatalf("auths lost: %s", out)
		} else if _, still := a[key]; still {
			t.Fatalf("key %q still there: %s", key, out)
		}
		delete(before["auths"].(map[string]any), key)
		b1, _ := json.Marshal(before)
		b2, _ := json.Marshal(after)
		if string(b1) != string(b2) {
			t.Fatalf("other content changed:\n%s\n%s", b1, b2)
		}
	})
}
