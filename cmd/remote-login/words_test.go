package main

import (
	"os"
	"strings"
	"testing"
)

// TestCommandWords: help and version are commands, and no registered
// command's name or alias is ever read as a remote name, even after
// `login` (a command added later is covered without a new row).
func TestCommandWords(t *testing.T) {
	e := newTestEnv(t)
	e.writeRemoteYAML(t, libraryYAML("library.example", "", false))
	tests := []struct {
		args    []string
		want    int
		wantOut string
	}{
		{[]string{"help"}, exitOK, "USAGE:"},
		{[]string{"help", "logout"}, exitOK, "remote-login logout TARGET"},
		{[]string{"version"}, exitOK, "remote-login version " + buildVersion()},
		{[]string{"--version"}, exitOK, buildVersion()},
	}
	app := newApp(defaultFactory())
	app.Setup() // adds the help command, as Run does
	for _, c := range app.Commands {
		for _, name := range c.Names() {
			want, wantOut := exitUsage, "it is a remote-login command, not a remote name; run `remote-login "+name+"`"
			if c.Name == "help" {
				// urfave reads `login help` as the login command's help:
				// not a remote name either.
				want, wantOut = exitOK, "remote-login login - log in"
			}
			tests = append(tests, struct {
				args    []string
				want    int
				wantOut string
			}{[]string{"login", name}, want, wantOut})
		}
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCmd(t, "", nil, tt.args...)
			if r.code != tt.want || !strings.Contains(r.stdout+r.stderr, tt.wantOut) {
				t.Errorf("exit %d; want %d and %q", r.code, tt.want, tt.wantOut)
			}
			if strings.Contains(r.stderr, "apptainer remote add") {
				t.Errorf("a command word was taken for a remote name: %s", r.stderr)
			}
		})
	}
}

// TestErrors_SendInCircles: the errors that used to send users in circles.
func TestErrors_SendInCircles(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string // remote.yaml; "" for none
		env     map[string]string
		args    []string
		want    int
		wantErr string // in stderr, or stdout for exit 0
	}{
		{"missing --token-file exits 1", "", nil, []string{"--token-file", "/nonexistent/token", "lib"}, exitFailed, "--token-file: stat /nonexistent/token: no such file or directory"},
		{"list extra", "", nil, []string{"list", "extra"}, exitUsage, "list takes no arguments, got 1;"},
		{"no remote.yaml and no target", "", nil, nil, exitUsage, "and there is no "},
		{"no Active remote", "Remotes: {}\n", nil, nil, exitUsage, "or the system remotes; give a registry (HOST[:PORT]), a keyserver (hkps://HOST) or a remote name, or choose one with `apptainer remote use NAME`"},
		{"migrate --to file in file mode", "Credentials:\n    - URI: docker://r.example\n      Auth: Basic YTpi\n      Insecure: false\n",
			map[string]string{"REMOTEYAML_SECRETS": "file", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"},
			[]string{"migrate", "--to", "file"}, exitOK, "Nothing to do"},
		{"--timeout 0", "", nil, []string{"--timeout", "0s", "docker://r.example"}, exitUsage, "--timeout must be more than 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			if tt.yaml != "" {
				e.writeRemoteYAML(t, tt.yaml)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			before := e.readRemoteYAML(t)
			r := runCmd(t, "", nil, tt.args...)
			out := r.stderr
			if tt.want == exitOK {
				out = r.stdout
			}
			if r.code != tt.want || !strings.Contains(out, tt.wantErr) {
				t.Errorf("exit %d, output %q; want %d and %q", r.code, out, tt.want, tt.wantErr)
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 0 {
				t.Errorf("error is %d lines, want one", n+1)
			}
			if e.readRemoteYAML(t) != before {
				t.Errorf("remote.yaml changed")
			}
		})
	}
}

// TestErrors_ConfigDirNotWritable: the directory is named once, with the
// fix, before anything is sent.
func TestErrors_ConfigDirNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, who may write in any directory; integration's TestRemoteLogin_ConfigDirNotWritable runs this as nobody")
	}
	e := newTestEnv(t)
	if err := os.Chmod(e.apptainer, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(e.apptainer, 0o700) })
	r := runCmd(t, "pw\n", nil, "-u", "alice", "--password-stdin", "docker://127.0.0.1:1")
	if r.code != exitFailed || strings.Count(r.stderr, e.apptainer) != 1 || !strings.Contains(r.stderr, "chmod u+w") || strings.Contains(r.stderr, "refused") {
		t.Errorf("exit %d, stderr %q; want 1, the directory once and the fix, before any connection", r.code, r.stderr)
	}
}
