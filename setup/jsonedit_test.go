package setup

import "testing"

func TestSetString(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"insert like the first key", "{\n\t\"auths\": {}\n}\n", "{\n\t\"credsStore\": \"remoteyaml\",\n\t\"auths\": {}\n}\n", false},
		{"insert, four spaces", "{\n    \"a\": 1,\n    \"b\": [1, 2]\n}", "{\n    \"credsStore\": \"remoteyaml\",\n    \"a\": 1,\n    \"b\": [1, 2]\n}", false},
		{"insert, one line", `{"a":1}`, `{"credsStore": "remoteyaml","a":1}`, false},
		{"empty object", "{}", `{"credsStore": "remoteyaml"}`, false},
		{"replace value in place", "{\"credsStore\":\"pass\",\"x\":{}}", "{\"credsStore\":\"remoteyaml\",\"x\":{}}", false},
		{"already set", "{\"credsStore\": \"remoteyaml\"}", "{\"credsStore\": \"remoteyaml\"}", false},
		{"duplicate refused: Go merges them", "{\"credsStore\":\"a\",\"credsStore\":\"b\"}", "", true},
		{"another spelling is the key Go reads", "{\"CredsStore\":\"pass\"}", "{\"CredsStore\":\"remoteyaml\"}", false},
		{"nested credsStore untouched", "{\"x\":{\"credsStore\":\"a\"}}", "{\"credsStore\": \"remoteyaml\",\"x\":{\"credsStore\":\"a\"}}", false},
		{"array", "[]", "", true},
		{"broken", "{\"a\":", "", true},
		{"two objects", "{}{}", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := setString([]byte(tt.in), "credsStore", "remoteyaml")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got := string(s.apply([]byte(tt.in)))
			if s == (Splice{}) {
				got = tt.in
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if back, ok := s.reverse([]byte(got)); s != (Splice{}) && (!ok || string(back) != tt.in) {
				t.Errorf("reverse = %q, %v; want the input back", back, ok)
			}
		})
	}
}
