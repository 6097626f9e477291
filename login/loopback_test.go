package login

import "testing"

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:5000": true, "LOCALHOST:5000": true, "127.0.0.1": true, "127.0.0.1:5000": true,
		"127.1.2.3:80": true, "[::1]:5000": true, "::1": true,
		"registry.example.com": false, "10.0.0.1:5000": false, "localhost.example.com": false, "128.0.0.1": false, "[::2]:5000": false,
	} {
		if got := Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}
