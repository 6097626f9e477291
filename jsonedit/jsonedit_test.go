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
