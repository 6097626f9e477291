package main

import (
	"strings"
	"testing"
)

func TestInterspersed(t *testing.T) {
	app := newApp(defaultFactory())
	tests := []struct{ in, want string }{
		// login, as docker/podman/oras take it
		{"docker://h -u alice --password-stdin", "-u alice --password-stdin docker://h"},
		{"docker://h --username=alice --insecure", "--username=alice --insecure docker://h"},
		{"-u alice docker://h --ca-file ca.pem --timeout 5s", "-u alice --ca-file ca.pem --timeout 5s docker://h"},
		{"login docker://h -u alice", "login -u alice docker://h"},
		{"lib --token-file tok", "--token-file tok lib"},
		// every other command
		{"list --json", "list --json"},
		{"ls extra --json", "ls --json extra"},
		{"logout docker://h --bogus", "logout --bogus docker://h"},
		{"setup --docker", "setup --docker"},
		{"migrate file --to keyring", "migrate --to keyring file"},
		{"completion bash --help", "completion --help"},
		{"logout docker://h -h", "logout -h"},
		// "--" ends the flags
		{"logout -- -odd-name", "logout -- -odd-name"},
		{"docker://h -- -u", "-- docker://h -u"},
		// a value that looks like a command stays the flag's
		{"-u list docker://h", "-u list docker://h"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := interspersed(append([]string{"remote-login"}, strings.Fields(tt.in)...), app)
			if g := strings.Join(got[1:], " "); g != tt.want {
				t.Errorf("interspersed(%q) = %q, want %q", tt.in, g, tt.want)
			}
		})
	}
}

// TestFlagsAfterTarget runs each command with its flags after its
// arguments and checks the flag took effect.
func TestFlagsAfterTarget(t *testing.T) {
	tests := []struct {
		name    string
		stdin   string
		args    []string
		want    int
		wantOut string // in stdout or stderr
	}{
		{"login: -u and --password-stdin after TARGET", "wrong\n", []string{"docker://127.0.0.1:1", "-u", "alice", "--password-stdin", "--timeout", "2s"}, exitFailed, "connection to 127.0.0.1:1 refused"},
		{"login: refused password flag after TARGET", "", []string{"docker://r.example", "-p", "hunter2"}, exitUsage, "refusing a password"},
		{"login command: flags after TARGET", "", []string{"login", "docker://r.example", "--password-stdin", "-u", "a"}, exitUsage, "standard input is empty"},
		{"list --json after an argument is still an error", "", []string{"list", "extra", "--json"}, exitUsage, "list takes no arguments"},
		{"list --json", "", []string{"list", "--json"}, exitOK, `"logins": []`},
		{"logout: unknown flag after TARGET", "", []string{"logout", "docker://r.example", "--bogus"}, exitUsage, "unknown flag --bogus (see remote-login logout --help)"},
		{"migrate: --to after an argument", "", []string{"migrate", "x", "--to", "file"}, exitUsage, "migrate takes no arguments"},
		{"setup: --undo after an argument", "", []string{"setup", "x", "--undo"}, exitUsage, "setup takes no arguments"},
		{"completion: --help after the shell", "", []string{"completion", "bash", "--help"}, exitOK, "EXAMPLES"},
		{"logout: --help after TARGET", "", []string{"logout", "docker://r.example", "--help"}, exitOK, "remote-login logout TARGET"},
		{"login: --help after TARGET", "", []string{"docker://r.example", "--help"}, exitOK, "EXIT STATUS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newTestEnv(t)
			r := runCmd(t, tt.stdin, nil, tt.args...)
			if r.code != tt.want || !strings.Contains(r.stdout+r.stderr, tt.wantOut) {
				t.Errorf("exit %d, output %q; want exit %d and %q", r.code, r.stdout+r.stderr, tt.want, tt.wantOut)
			}
			if strings.Contains(r.stderr, "flags go before") {
				t.Errorf("still says flags go before TARGET: %s", r.stderr)
			}
		})
	}
}
