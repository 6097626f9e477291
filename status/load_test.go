package status

import (
	"errors"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/login"
)

func TestLoad_kindsAndOrder(t *testing.T) {
	st := testStore(t, `Remotes:
    zeta:
        URI: z.example
        Token: tz
        System: false
        Exclusive: false
    alpha:
        URI: a.example
        Token: ta
        System: false
        Exclusive: false
        Insecure: true
    empty:
        URI: e.example
        System: false
        Exclusive: false
Credentials:
    - URI: oras://r.example/ns
      Auth: Bearer idt
      Insecure: false
    - URI: https://keys.example
      Auth: `+basicAuth("bob", "pw")+`
      Insecure: true
    - URI: docker-access-token://docker.io
      Auth: Bearer hub
      Insecure: false
    - URI: ftp://odd.example
      Auth: Bearer x
      Insecure: false
`, "")
	logins, problem, err := Load(st)
	if err != nil || problem != nil {
		t.Fatal(err, problem)
	}
	type row struct {
		kind, target, user, secret string
		insecure                   bool
	}
	want := []row{
		{login.Library, "alpha", "<token>", "ta", true},
		{login.Library, "zeta", "<token>", "tz", false},
		{login.Registry, "oras://r.example/ns", "<token>", "idt", false},
		{login.Keyserver, "https://keys.example", "bob", "pw", true},
		{hubToken, "docker-access-token://docker.io", "<token>", "hub", false},
		{"", "ftp://odd.example", "<token>", "x", false},
	}
	if len(logins) != len(want) {
		t.Fatalf("got %d logins, want %d: %+v", len(logins), len(want), logins)
	}
	for i, w := range want {
		l := logins[i]
		if got := (row{l.Kind, l.Target, l.Username, l.Secret, l.Insecure}); got != w || l.Where != "remote.yaml" {
			t.Errorf("login %d = %+v (where %q), want %+v", i, got, l.Where, w)
		}
	}
}

func TestFilter(t *testing.T) {
	all := []Login{
		{Kind: login.Library, Target: "lib", URI: "lib.example"},
		{Kind: login.Registry, Target: "docker://r.example:5000", URI: "docker://r.example:5000"},
		{Kind: login.Registry, Target: "oras://R.example:5000/ns", URI: "oras://R.example:5000/ns"},
		{Kind: login.Registry, Target: "docker://other.example", URI: "docker://other.example"},
		{Kind: login.Keyserver, Target: "http://keys.example:11371", URI: "http://keys.example:11371"},
	}
	tests := []struct {
		target  string
		want    []string
		wantErr error
	}{
		{"", []string{"lib", "docker://r.example:5000", "oras://R.example:5000/ns", "docker://other.example", "http://keys.example:11371"}, nil},
		{"lib", []string{"lib"}, nil},
		{"docker://r.example:5000", []string{"docker://r.example:5000", "oras://R.example:5000/ns"}, nil},
		{"oras://r.example:5000", []string{"docker://r.example:5000", "oras://R.example:5000/ns"}, nil},
		{"hkp://keys.example", []string{"http://keys.example:11371"}, nil},
		{"nolib", nil, ErrNoLogin},
		{"docker://none.example", nil, ErrNoLogin},
		{"docker://alice:hunter2@r.example", nil, login.ErrTarget},
		{"ftp://x", nil, login.ErrTarget},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			got, err := Filter(all, tt.target)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error quotes the password: %v", err)
			}
			var targets []string
			for _, l := range got {
				targets = append(targets, l.Target)
			}
			if strings.Join(targets, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", targets, tt.want)
			}
		})
	}
}
