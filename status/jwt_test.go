package status

import (
	"encoding/base64"
	"testing"
	"time"
)

// makeJWT builds an unsigned-looking JWT with the given claims JSON; the
// signature part is never checked here, as the servers check it.
func makeJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
}

func TestJWTExpiry(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name  string
		token string
		want  time.Time
		ok    bool
	}{
		{"integer exp", makeJWT(`{"sub":"alice","exp":1800000000}`), time.Unix(1800000000, 0).UTC(), true},
		{"fractional exp", makeJWT(`{"exp":1800000000.5}`), time.Unix(1800000000, 5e8).UTC(), true},
		{"padded segments", base64.URLEncoding.EncodeToString([]byte(`{"alg":"HS256" }`)) + "." + base64.URLEncoding.EncodeToString([]byte(`{"exp":1800000000 }`)) + ".x", time.Unix(1800000000, 0).UTC(), true},
		{"no exp", makeJWT(`{"sub":"alice"}`), time.Time{}, false},
		{"exp as string", makeJWT(`{"exp":"1800000000"}`), time.Time{}, false},
		{"negative exp", makeJWT(`{"exp":-5}`), time.Time{}, false},
		{"header without alg", enc([]byte(`{"typ":"JWT"}`)) + "." + enc([]byte(`{"exp":1800000000}`)) + ".x", time.Time{}, false},
		{"two parts", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"exp":1800000000}`)), time.Time{}, false},
		{"not base64", "a.b!.c", time.Time{}, false},
		{"a plain password", "pw-3f9a1c", time.Time{}, false},
		{"dots but no JSON", "abc.def.ghi", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := jwtExpiry(tt.token)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("jwtExpiry = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRedactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"docker://registry.example.com:5000", "docker://registry.example.com:5000"},
		{"docker://alice:s3cret@registry.example.com", "docker://REDACTED@registry.example.com"},
		{"https://alice:p@ss@keys.example.com/pks?x=a@b", "https://REDACTED@keys.example.com/pks?x=a@b"},
		{"https://keys.example.com/a@b", "https://keys.example.com/a@b"},
		{"SylabsCloud", "SylabsCloud"},
	}
	for _, tt := range tests {
		if got := redactURI(tt.in); got != tt.want {
			t.Errorf("redactURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
