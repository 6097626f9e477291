package login

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in                   string
		kind, entry, url, at string
		plain                bool
		wantErr              string
	}{
		{in: "SylabsCloud", kind: Library},
		{in: "docker://Registry.Example.com:5000", kind: Registry, entry: "docker://registry.example.com:5000", at: "registry.example.com:5000"},
		{in: "oras://registry.example.com/ns/repo", kind: Registry, entry: "oras://registry.example.com", at: "registry.example.com"},
		{in: "docker://index.docker.io", kind: Registry, entry: "docker://docker.io", at: "docker.io"},
		{in: "https://keys.example.com", kind: Keyserver, entry: "https://keys.example.com", url: "https://keys.example.com"},
		{in: "hkps://keys.example.com", kind: Keyserver, entry: "https://keys.example.com", url: "https://keys.example.com"},
		{in: "hkp://keys.example.com", kind: Keyserver, entry: "http://keys.example.com:11371", url: "http://keys.example.com:11371", plain: true},
		{in: "http://keys.example.com:8080/pks", kind: Keyserver, entry: "http://keys.example.com:8080/pks", url: "http://keys.example.com:8080/pks", plain: true},
		{in: "https://u:secret-pw@keys.example.com", wantErr: "no user information"},
		{in: "https://keys.example.com/?token=secret-pw", wantErr: "no user information"},
		{in: "ftp://x", wantErr: "unknown scheme"},
		{in: "docker://", wantErr: "invalid target"},
		{in: "a/b", wantErr: "not a remote name"},
		{in: "", wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrTarget) {
					t.Fatalf("err = %v, want one with %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret-pw") {
					t.Errorf("the error quotes the secret: %v", err)
				}
				return
			}
			if err != nil || got.Kind != tt.kind || got.EntryURI != tt.entry || got.URL != tt.url || got.Plain != tt.plain ||
				(tt.at != "" && got.Host != tt.at) {
				t.Errorf("ParseTarget(%q) = %+v, %v", tt.in, got, err)
			}
		})
	}
}
