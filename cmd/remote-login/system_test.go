package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// fakeProgram puts a script named name on a fresh PATH that answers
// `--version` and `buildcfg SYSCONFDIR` as the real Apptainer and
// SingularityCE do.
func fakeProgram(t *testing.T, name, version, sysconfdir string) {
	t.Helper()
	bin := t.TempDir()
	script := "#!/bin/sh\ncase \"$1\" in\n" +
		"--version) echo '" + version + "' ;;\n" +
		"buildcfg) [ \"$2\" = SYSCONFDIR ] && echo '" + sysconfdir + "' || exit 1 ;;\n" +
		"*) exit 1 ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// systemYAML is a system file as the programs install it (2-space indent),
// with a second remote that must be copied in too.
func systemYAML(active, uri string) string {
	return "Active: " + active + "\nRemotes:\n  " + active + ":\n    URI: " + uri +
		"\n    System: true\n    Exclusive: false\n  OtherSys:\n    URI: other.example.com\n    System: true\n    Exclusive: false\n"
}

func TestSystemRemotes_LoginListLogout(t *testing.T) {
	tests := []struct {
		name    string
		program string // the name on PATH
		version string // what it prints for --version
		sysDir  string // the directory under SYSCONFDIR it reads
		active  string // the system's default remote
		userDir string // the user's config directory, under HOME
		fresh   bool   // no user file at all
		reads   string // the directory the program reads after its migration; "": userDir
	}{
		{"apptainer", "apptainer", "apptainer version 1.5.3", "apptainer", "DefaultRemote", ".apptainer", false, ""},
		{"singularityce", "singularity", "singularity-ce version 4.5.0", "singularity", "SylabsCloud", ".singularity", false, ""},
		// Apptainer migrates ~/.singularity into ~/.apptainer on its next
		// command: the login is written there, after the same migration.
		{"singularity is apptainer's link", "singularity", "apptainer version 1.5.3", "apptainer", "DefaultRemote", ".singularity", false, ".apptainer"},
		{"apptainer, fresh user", "apptainer", "apptainer version 1.5.3", "apptainer", "DefaultRemote", ".apptainer", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			ls := newLibraryServer(t, true)
			sysconf := t.TempDir()
			if err := os.MkdirAll(filepath.Join(sysconf, tt.sysDir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sysconf, tt.sysDir, "remote.yaml"), []byte(systemYAML(tt.active, "//"+ls.host())), 0o644); err != nil {
				t.Fatal(err)
			}
			fakeProgram(t, tt.program, tt.version, sysconf)
			t.Setenv("REMOTEYAML_SYSTEM_FILE", "")
			t.Setenv("APPTAINER_CONFIGDIR", "")
			if err := os.RemoveAll(e.apptainer); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(e.home, tt.userDir)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			userFile := filepath.Join(dir, "remote.yaml")
			readFile := userFile
			if tt.reads != "" {
				readFile = filepath.Join(e.home, tt.reads, "remote.yaml")
			}
			// A user remote of their own, without Active: the system's applies.
			mine := "Remotes:\n    mine:\n        URI: mine.example.com\n        System: false\n        Exclusive: false\n"
			if tt.fresh {
				mine = ""
			} else if err := os.WriteFile(userFile, []byte(mine), 0o600); err != nil {
				t.Fatal(err)
			}
			f := defaultFactory()
			f.HTTPClient = ls.Client()

			r := runCmd(t, "", f, "list")
			if r.code != 0 || !regexp.MustCompile(tt.active+` +`+regexp.QuoteMeta("//"+ls.host())+` +YES +YES +NO`).MatchString(r.stdout) {
				t.Fatalf("list before login: exit %d; want %s Active, GLOBAL, no token", r.code, tt.active)
			}

			r = runCmd(t, "", f, "--token-file", writeTokenFile(t, goodToken))
			if r.code != 0 || !strings.Contains(r.stdout, "remote "+tt.active) {
				t.Fatalf("login with no target: exit %d, want 0 and the token stored for %s", r.code, tt.active)
			}
			data, err := os.ReadFile(readFile)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("user file after login:\n%s", data)
			cfg, err := yamlstore.DecodeStrict(data)
			if err != nil {
				t.Fatalf("the user file does not decode strictly: %v\n%s", err, data)
			}
			if cfg.Active != tt.active {
				t.Errorf("Active = %q, want the system's %q", cfg.Active, tt.active)
			}
			got := cfg.Remotes[tt.active]
			if got == nil || !got.System || got.Token != goodToken || got.URI != "//"+ls.host() {
				t.Errorf("remote %s = %+v, want the system remote with System: true and the token", tt.active, got)
			}
			if o := cfg.Remotes["OtherSys"]; o == nil || !o.System || o.URI != "other.example.com" {
				t.Errorf("OtherSys = %+v, want every system remote copied in with System: true", o)
			}
			if m := cfg.Remotes["mine"]; !tt.fresh && (m == nil || m.System) {
				t.Errorf("the user's own remote changed: %+v", m)
			}
			if !strings.Contains(string(data), strings.TrimPrefix(mine, "Remotes:\n")) {
				t.Errorf("the user's remote lost its layout:\n%s", data)
			}

			r = runCmd(t, "", f, "list")
			if r.code != 0 || !regexp.MustCompile(tt.active+` +`+regexp.QuoteMeta("//"+ls.host())+` +YES +YES +YES +NO`).MatchString(r.stdout) {
				t.Errorf("list after login: exit %d; want %s Active, GLOBAL, with a token", r.code, tt.active)
			}

			r = runCmd(t, "", f, "logout", tt.active)
			if r.code != 0 {
				t.Fatalf("logout %s: exit %d", tt.active, r.code)
			}
			data, _ = os.ReadFile(readFile)
			if strings.Contains(string(data), goodToken) {
				t.Errorf("the token is still in the user file after logout:\n%s", data)
			}
			if _, err := yamlstore.DecodeStrict(data); err != nil {
				t.Errorf("after logout the user file does not decode strictly: %v", err)
			}
		})
	}
}

// TestSystemRemotes_Advice: advice names the program owning the user file
// and never suggests adding a name the system file holds.
func TestSystemRemotes_Advice(t *testing.T) {
	for _, tc := range []struct{ userDir, program string }{{".apptainer", "apptainer"}, {".singularity", "singularity"}} {
		t.Run(tc.program, func(t *testing.T) {
			e := newTestEnv(t)
			sys := filepath.Join(t.TempDir(), "remote.yaml")
			if err := os.WriteFile(sys, []byte(systemYAML("SylabsCloud", "cloud.sylabs.io")), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("REMOTEYAML_SYSTEM_FILE", sys)
			t.Setenv("APPTAINER_CONFIGDIR", "")
			os.RemoveAll(e.apptainer)
			os.MkdirAll(filepath.Join(e.home, tc.userDir), 0o700)

			r := runCmd(t, "", nil, "--token-file", writeTokenFile(t, goodToken), "Nope")
			if r.code != exitFailed || !strings.Contains(r.stderr, "`"+tc.program+" remote add --no-login Nope URI`") {
				t.Errorf("unknown remote: exit %d, want 1 and advice naming %s", r.code, tc.program)
			}
			r = runCmd(t, "", nil, "logout", "OtherSys")
			if r.code != exitFailed || strings.Contains(r.stderr, "remote add") || !strings.Contains(r.stderr, "no access token") {
				t.Errorf("logout of a system remote never logged in to: exit %d, want 1 without remote-add advice", r.code)
			}
		})
	}
}
