package suggest

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"list", "list", 0},
		{"lsit", "list", 1}, // transposition
		{"stauts", "status", 1},
		{"logut", "logout", 1}, // insertion
		{"lib", "list", 2},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	cmds := []string{"login", "list", "ls", "logout", "status", "setup", "import", "migrate", "completion", "version", "help", "h"}
	tests := []struct {
		typed  string
		want   string
		wantOK bool
	}{
		{"lsit", "list", true},
		{"stauts", "status", true},
		{"setpu", "setup", true},
		{"logut", "logout", true},
		{"improt", "import", true},
		{"lib", "", false}, // two away from list: a remote name
		{"mylab", "", false},
		{"x", "", false},    // never "h"
		{"list", "", false}, // the word itself is no typo
		{"SylabsCloud", "", false},
	}
	for _, tt := range tests {
		got, ok := Nearest(tt.typed, cmds)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.typed, got, ok, tt.want, tt.wantOK)
		}
	}
}
