package setup

import "testing"

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
