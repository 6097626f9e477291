package integration

import (
	"path/filepath"
	"testing"
)

// goBin must name the directory install-deps.sh installs into: with GOBIN
// unset that is the first GOPATH entry's bin/ (issue 18: it returned GOPATH
// itself, so every crane, oras and regctl test skipped).
func TestGoBin(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	tests := []struct {
		name, gobin, gopath, want string
	}{
		{"GOBIN unset", "", a, filepath.Join(a, "bin")},
		{"GOBIN unset, GOPATH a list", "", a + ":" + b, filepath.Join(a, "bin")},
		{"GOBIN set", b, a, b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOBIN", tt.gobin)
			t.Setenv("GOPATH", tt.gopath)
			t.Setenv("GOENV", "off") // only the environment above counts
			if got := goBin(); got != tt.want {
				t.Errorf("goBin() with GOBIN=%q GOPATH=%q = %q, want %q", tt.gobin, tt.gopath, got, tt.want)
			}
		})
	}
}
