package setup

import "testing"

func TestRemoveMember(t *testing.T) {
	tests := []struct {
		name, key, in, want string
		changed             bool
		wantErr             bool
	}{
		{"one of two, docker's layout", "a.example",
			"{\n\t\"auths\": {\n\t\t\"a.example\": {\n\t\t\t\"auth\": \"eDp5\"\n\t\t},\n\t\t\"b.example\": {\n\t\t\t\"auth\": \"eDp6\"\n\t\t}\n\t},\n\t\"psFormat\": \"x\"\n}\n",
			"{\n\t\"auths\": {\n\t\t\"b.example\": {\n\t\t\t\"auth\": \"eDp6\"\n\t\t}\n\t},\n\t\"psFormat\": \"x\"\n}\n", true, false},
		{"the last one", "b", "{\"auths\":{\"a\":{\"auth\":\"x\"},\"b\":{\"auth\":\"y\"}},\"z\":1}", "{\"auths\":{\"a\":{\"auth\":\"x\"}},\"z\":1}", true, false},
		{"the only one", "a", "{\n  \"auths\": {\n    \"a\": {\"auth\": \"x\"}\n  }\n}", "{\n  \"auths\": {}\n}", true, false},
		{"absent key", "b", "{\"auths\":{\"a\":{}}}", "{\"auths\":{\"a\":{}}}", false, false},
		{"absent outer", "a", "{\"x\":1}", "{\"x\":1}", false, false},
		{"same key nested elsewhere untouched", "a", "{\"other\":{\"a\":1},\"auths\":{\"a\":2}}", "{\"other\":{\"a\":1},\"auths\":{}}", true, false},
		{"outer not an object", "a", "{\"auths\":[1]}", "", false, true},
		{"broken", "a", "{\"auths\":{", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed, err := RemoveMember([]byte(tt.in), "auths", tt.key)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && (string(got) != tt.want || changed != tt.changed) {
				t.Errorf("got %q (changed %v)\nwant %q (changed %v)", got, changed, tt.want, tt.changed)
			}
		})
	}
}

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
