package integration

// Issue 19: remote-login as docker, gh and podman users expect it. Each
// test runs the built binary and compares what it printed, line for line.
// Run them alone with:
//
//	go test -count=1 -v -run 'TestCLI' ./integration/

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// cliCase is one run of remote-login and what it must print, exactly.
type cliCase struct {
	name       string
	yaml       string // remote.yaml before; "" for none
	stdin      string
	args       []string
	wantCode   int
	wantStdout string // "" means nothing at all
	wantStderr string // with RL standing for the remote.yaml path, HOME for the home directory
	notPrinted []string
}

func runCLICases(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			if tt.yaml != "" {
				e.writeFile(t, e.remoteYAMLPath(), tt.yaml)
			}
			r := e.remoteLogin(t, tt.stdin, tt.args...)
			expand := strings.NewReplacer("RL", e.remoteYAMLPath(), "HOME", e.home).Replace
			if r.code != tt.wantCode || r.stdout != expand(tt.wantStdout) || r.stderr != expand(tt.wantStderr) {
				t.Errorf("remote-login %s: exit %d\nstdout %q\nstderr %q\nwant exit %d\nstdout %q\nstderr %q",
					strings.Join(tt.args, " "), r.code, r.stdout, r.stderr, tt.wantCode, expand(tt.wantStdout), expand(tt.wantStderr))
			}
			for _, s := range tt.notPrinted {
				if strings.Contains(r.stdout+r.stderr, s) {
					t.Errorf("printed %q", s)
				}
			}
		})
	}
}

// TestCLI_CommandTypos is item 1: a word that is no remote and no host but
// close to a command is a mistyped command, as gh and docker say.
func TestCLI_CommandTypos(t *testing.T) {
	remotes := "Active: lib\nRemotes:\n    lib:\n        URI: //127.0.0.1:1\n        System: false\n        Exclusive: false\n" +
		"    statu:\n        URI: //127.0.0.1:1\n        System: false\n        Exclusive: false\n"
	runCLICases(t, []cliCase{
		{name: "lsit", args: []string{"lsit"}, wantCode: 2,
			wantStderr: "remote-login: unknown command \"lsit\"; did you mean \"list\"? (see remote-login --help)\n"},
		{name: "stauts", args: []string{"stauts"}, wantCode: 2,
			wantStderr: "remote-login: unknown command \"stauts\"; did you mean \"status\"? (see remote-login --help)\n"},
		{name: "setpu", yaml: remotes, args: []string{"setpu"}, wantCode: 2,
			wantStderr: "remote-login: unknown command \"setpu\"; did you mean \"setup\"? (see remote-login --help)\n"},
		{name: "logut with a target", args: []string{"logut", "localhost:16100"}, wantCode: 2,
			wantStderr: "remote-login: unknown command \"logut\"; did you mean \"logout\"? (see remote-login --help)\n"},
		{name: "a remote of that name is a remote", yaml: remotes, args: []string{"statu"}, wantCode: 2,
			notPrinted: []string{"unknown command"},
			wantStderr: "remote-login: no terminal to ask for the access token: pass it with --password-stdin or --token-file\n"},
		{name: "a word far from every command is a remote name", args: []string{"mylab"}, wantCode: 1,
			wantStderr: "remote-login: mylab: no remote of that name in RL or the system remotes (it has none); add it with `apptainer remote add --no-login mylab URI`, or for a registry give docker://mylab\n"},
	})
}

// TestCLI_ExtraArgumentsNotEchoed is item 2: a password typed as a second
// argument is never printed.
func TestCLI_ExtraArgumentsNotEchoed(t *testing.T) {
	const pw = "hunter2-typed"
	runCLICases(t, []cliCase{
		{name: "login", args: []string{"localhost:16100", pw}, wantCode: 2, notPrinted: []string{pw},
			wantStderr: "remote-login: one TARGET at a time, got 2 arguments; a password or token is never an argument: type it at the prompt, or give it with --password-stdin or --token-file (see remote-login --help)\n"},
		{name: "login command", args: []string{"login", "-u", "alice", "localhost:16100", pw, "again"}, wantCode: 2, notPrinted: []string{pw, "again"},
			wantStderr: "remote-login: one TARGET at a time, got 3 arguments; a password or token is never an argument: type it at the prompt, or give it with --password-stdin or --token-file (see remote-login login --help)\n"},
		{name: "list", args: []string{"list", pw}, wantCode: 2, notPrinted: []string{pw},
			wantStderr: "remote-login: list takes no arguments, got 1; it always lists everything (filter with --json and jq)\n"},
		{name: "logout", args: []string{"logout", "localhost:16100", pw}, wantCode: 2, notPrinted: []string{pw},
			wantStderr: "remote-login: logout takes one TARGET, got 2 arguments\n"},
	})
}

// TestCLI_FlagTypos is item 3: the flag is echoed as typed, with the
// nearest one.
func TestCLI_FlagTypos(t *testing.T) {
	runCLICases(t, []cliCase{
		{name: "--jsno", args: []string{"list", "--jsno"}, wantCode: 2,
			wantStderr: "remote-login: unknown flag --jsno; did you mean --json? (see remote-login list --help)\n"},
		{name: "--usernme", args: []string{"--usernme", "alice", "localhost:5000"}, wantCode: 2,
			wantStderr: "remote-login: unknown flag --usernme; did you mean --username? (see remote-login --help)\n"},
		{name: "after the target", args: []string{"localhost:5000", "--pasword-stdin"}, wantCode: 2,
			wantStderr: "remote-login: unknown flag --pasword-stdin; did you mean --password-stdin? (see remote-login --help)\n"},
		{name: "one dash as typed", args: []string{"list", "-jsno"}, wantCode: 2,
			wantStderr: "remote-login: unknown flag -jsno; did you mean --json? (see remote-login list --help)\n"},
		{name: "with a value", args: []string{"status", "--timeot=3s"}, wantCode: 2,
			wantStderr: "remote-login: unknown flag --timeot; did you mean --timeout? (see remote-login status --help)\n"},
		{name: "a bad value names the flag as typed", args: []string{"--timeout", "abc", "localhost:5000"}, wantCode: 2,
			wantStderr: "remote-login: invalid value \"abc\" for flag --timeout: parse error (see remote-login --help)\n"},
		{name: "nothing near", args: []string{"list", "--zzzzzz"}, wantCode: 2,
			wantStderr: "remote-login: unknown flag --zzzzzz (see remote-login list --help)\n"},
	})
}

// TestCLI_HelperAdvice is item 4: the advice names the helper and PATH,
// not one way of installing it.
func TestCLI_HelperAdvice(t *testing.T) {
	e := newClientEnv(t, viaRegistriesConf)
	bin := mkdir(e.root, "only-docker")
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.env["PATH"] = bin
	r := e.remoteLogin(t, "", "setup")
	want := "Found on PATH: docker.\nremote-login: setup: docker-credential-remoteyaml is not on PATH, so every tool set up to use it would fail, anonymous pulls too (executable file not found): " +
		"put the directory that holds docker-credential-remoteyaml (installed with remote-login) on PATH in your shell profile, then run setup again; " +
		"--per-registry limits the failure to the registries you log in to; --force writes the files anyway\n"
	if r.code != 1 || r.stdout != "" || r.stderr != want {
		t.Errorf("setup without the helper: exit %d\nstderr %q\nwant 1 and %q", r.code, r.stderr, want)
	}
	r = e.remoteLogin(t, "", "setup", "--force")
	wantWarn := "warning: docker-credential-remoteyaml is not on PATH, so the tools cannot run it here (--force): put the directory that holds it on PATH\n"
	if r.code != 0 || !strings.HasSuffix(r.stderr, wantWarn) || strings.Contains(r.stdout+r.stderr, "make install") {
		t.Errorf("setup --force without the helper: exit %d\nstderr %q\nwant 0 ending %q, no `make install`", r.code, r.stderr, wantWarn)
	}
}

// TestCLI_ImportCounts is item 10: import says how many it moved and how
// many logins the store holds; a dry run exits 0 unless something could
// not be read.
func TestCLI_ImportCounts(t *testing.T) {
	auth := func(u, p string) string { return base64.StdEncoding.EncodeToString([]byte(u + ":" + p)) }
	stored := "Credentials:\n" +
		"    - URI: docker://held.example\n      Auth: Basic " + auth("carl", "pw-held-1234") + "\n      Insecure: false\n" +
		"    - URI: docker://other.example\n      Auth: Basic " + auth("dora", "pw-other-1234") + "\n      Insecure: false\n"
	config := func(extra string) string {
		return `{"credsStore": "remoteyaml", "auths": {` +
			`"a.example": {"auth": "` + auth("ann", "pw-a-12345") + `"}, ` +
			`"b.example": {"auth": "` + auth("bea", "pw-b-12345") + `"}, ` +
			`"held.example": {"auth": "` + auth("someone", "pw-else-1234") + `"}` + extra + `}}` + "\n"
	}
	for _, tt := range []struct {
		name       string
		config     string
		args       []string
		wantCode   int
		wantStdout string
	}{
		{"dry run with a conflict exits 0", config(""), []string{"import", "--dry-run"}, 0,
			"would move a.example (ann) from CFG\nwould move b.example (bea) from CFG\n" +
				"skipped held.example in CFG: remote.yaml already holds another login for docker://held.example (user carl); both are kept: remove this one from CFG by hand, or log in again\n" +
				"Dry run: nothing changed. Run `remote-login import` to do it.\n"},
		{"dry run that cannot read an entry exits 1", config(`, "bad.example": {"auth": "%%%"}`), []string{"import", "--dry-run"}, 1,
			"would move a.example (ann) from CFG\nwould move b.example (bea) from CFG\n" +
				"failed bad.example in CFG: its \"auth\" is not base64; left as it is\n" +
				"skipped held.example in CFG: remote.yaml already holds another login for docker://held.example (user carl); both are kept: remove this one from CFG by hand, or log in again\n" +
				"Dry run: nothing changed. Run `remote-login import` to do it.\n"},
		{"moved and total", config(""), []string{"import"}, 1,
			"moved a.example (ann) from CFG\nmoved b.example (bea) from CFG\n" +
				"skipped held.example in CFG: remote.yaml already holds another login for docker://held.example (user carl); both are kept: remove this one from CFG by hand, or log in again\n" +
				"Moved 2 login(s) into RL, which now holds 4.\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t, viaRegistriesConf)
			for _, s := range []string{"pw-held-1234", "pw-other-1234", "pw-a-12345", "pw-b-12345", "pw-else-1234"} {
				e.scan.Secret(s)
			}
			cfg := filepath.Join(e.dockerConfig, "config.json")
			e.writeFile(t, cfg, tt.config)
			e.writeFile(t, e.remoteYAMLPath(), stored)
			r := e.remoteLogin(t, "", tt.args...)
			want := strings.NewReplacer("CFG", cfg, "RL", e.remoteYAMLPath()).Replace(tt.wantStdout)
			if r.code != tt.wantCode || r.stdout != want {
				t.Errorf("exit %d, stdout\n%s\nwant %d and\n%s", r.code, r.stdout, tt.wantCode, want)
			}
		})
	}
}

// TestCLI_MessagesTellWhatHappens is item 11.
func TestCLI_MessagesTellWhatHappens(t *testing.T) {
	t.Run("setup does not call logins the helper serves unused", func(t *testing.T) {
		e := newClientEnv(t, viaRegistriesConf)
		e.scan.Secret("pw-a-12345")
		cfg := filepath.Join(e.dockerConfig, "config.json")
		e.writeFile(t, cfg, `{"auths": {"a.example": {"auth": "`+base64.StdEncoding.EncodeToString([]byte("ann:pw-a-12345"))+`"}}}`+"\n")
		r := e.remoteLogin(t, "", "setup", "--docker")
		want := fmt.Sprintf("1 login(s) are still in %s, outside remote.yaml: `remote-login import` moves them into %s (--dry-run shows them first).\n", cfg, e.remoteYAMLPath())
		if r.code != 0 || !strings.HasSuffix(r.stdout, want) || strings.Contains(r.stdout, "no longer used") {
			t.Errorf("setup: exit %d, stdout\n%s\nwant 0 ending %q", r.code, r.stdout, want)
		}
	})
	runCLICases(t, []cliCase{
		{name: "hkp keyserver not configured: the real reason first", stdin: "tok-123456\n", args: []string{"--password-stdin", "hkp://keys.example"}, wantCode: 1,
			wantStderr: "remote-login: hkp://keys.example: no keyserver with External: true is configured for it, so Apptainer and SingularityCE would never send this login (and refuse it: no external keyserver configuration found); add it with `apptainer keyserver add hkp://keys.example` and log in again\n"},
	})
}

// TestCLI_Token is item 13: the library token and nothing else on stdout.
func TestCLI_Token(t *testing.T) {
	const libTok, otherTok = "lib-token-1234567", "other-token-7654321"
	regAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:pw-registry-1234"))
	yaml := "Active: lib\nRemotes:\n" +
		"    lib:\n        URI: library.example\n        Token: " + libTok + "\n        System: false\n        Exclusive: false\n" +
		"    other:\n        URI: other.example\n        Token: " + otherTok + "\n        System: false\n        Exclusive: false\n" +
		"    bare:\n        URI: bare.example\n        System: false\n        Exclusive: false\n" +
		"Credentials:\n    - URI: docker://r.example\n      Auth: " + regAuth + "\n      Insecure: false\n" +
		"    - URI: hkps://keys.example\n      Auth: Bearer ks-token-123456\n      Insecure: false\n"
	noActive := strings.Replace(yaml, "Active: lib\n", "", 1)
	never := []string{"pw-registry-1234", regAuth, "ks-token-123456"}
	runCLICases(t, []cliCase{
		{name: "the Active remote", yaml: yaml, args: []string{"token"}, wantStdout: libTok + "\n", notPrinted: never},
		{name: "a named remote", yaml: yaml, args: []string{"token", "other"}, wantStdout: otherTok + "\n", notPrinted: never},
		{name: "a remote without a token", yaml: yaml, args: []string{"token", "bare"}, wantCode: 1,
			wantStderr: "remote-login: token: remote bare has no library token in RL; log in with `remote-login bare`\n"},
		{name: "no such remote", yaml: yaml, args: []string{"token", "nosuch"}, wantCode: 1,
			wantStderr: "remote-login: token: no remote nosuch in RL or the system remotes\n"},
		{name: "a registry is not served", yaml: yaml, args: []string{"token", "docker://r.example"}, wantCode: 1, notPrinted: never,
			wantStderr: "remote-login: token: docker://r.example is no library remote: token prints library tokens only (registry and keyserver logins are served by docker-credential-remoteyaml get)\n"},
		{name: "a keyserver is not served", yaml: yaml, args: []string{"token", "hkps://keys.example"}, wantCode: 1, notPrinted: never,
			wantStderr: "remote-login: token: hkps://keys.example is no library remote: token prints library tokens only (registry and keyserver logins are served by docker-credential-remoteyaml get)\n"},
		{name: "no Active remote", yaml: noActive, args: []string{"token"}, wantCode: 1,
			wantStderr: "remote-login: token: no NAME given and no Active remote in RL or the system remotes; name one: remote-login token NAME\n"},
		{name: "two names", yaml: yaml, args: []string{"token", "lib", "other"}, wantCode: 2,
			wantStderr: "remote-login: token takes at most one NAME, got 2 arguments\n"},
	})
	t.Run("the system Active remote", func(t *testing.T) {
		e := newClientEnv(t, viaRegistriesConf)
		sys := filepath.Join(e.root, "system-remote.yaml")
		e.writeFile(t, sys, "Active: SylabsCloud\nRemotes:\n    SylabsCloud:\n        URI: cloud.sylabs.io\n        System: true\n        Exclusive: false\n")
		e.env["REMOTEYAML_SYSTEM_FILE"] = sys
		e.writeFile(t, e.remoteYAMLPath(), "Remotes:\n    SylabsCloud:\n        URI: cloud.sylabs.io\n        Token: "+libTok+"\n        System: true\n        Exclusive: false\n")
		if r := e.remoteLogin(t, "", "token"); r.code != 0 || r.stdout != libTok+"\n" || r.stderr != "" {
			t.Errorf("token: exit %d, stdout %q, stderr %q; want 0 and the token", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("help says it prints a secret", func(t *testing.T) {
		e := newClientEnv(t, viaRegistriesConf)
		r := e.remoteLogin(t, "", "token", "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "prints a secret") {
			t.Errorf("token --help: exit %d\n%s", r.code, r.stdout)
		}
		man := e.remoteLogin(t, "", "__man")
		if !strings.Contains(man.stdout, "prints a secret") {
			t.Errorf("the man page does not say token prints a secret")
		}
		readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`remote-login token \[NAME\][^\n]*secret`).Match(readme) {
			t.Errorf("README does not list remote-login token [NAME] as printing a secret")
		}
	})
}

// TestCLI_ReadmeFlags: `remote-login COMMAND --help` for every command and
// the README's command list name the same flags.
func TestCLI_ReadmeFlags(t *testing.T) {
	e := newClientEnv(t, viaRegistriesConf)
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The README's list: the fenced block after "### remote-login".
	_, rest, ok := strings.Cut(string(readme), "### remote-login\n\n```\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no command list under ### remote-login")
	}
	flagRE := regexp.MustCompile(`--[a-z][a-z0-9-]*`)
	readmeFlags := map[string][]string{}
	for _, line := range strings.Split(block, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "remote-login" {
			continue
		}
		cmd := f[1]
		if strings.HasPrefix(cmd, "-") || strings.HasPrefix(cmd, "[") {
			cmd = "login" // the default command
		}
		// The usage part only: the description after two spaces is prose.
		usage, _, _ := strings.Cut(line, "  ")
		readmeFlags[cmd] = sortedUnique(flagRE.FindAllString(usage, -1))
	}
	top := e.remoteLogin(t, "", "--help")
	_, cmds, _ := strings.Cut(top.stdout, "COMMANDS:\n")
	cmds, _, _ = strings.Cut(cmds, "\n\n")
	var names []string
	for _, line := range strings.Split(cmds, "\n") {
		f := strings.Fields(strings.TrimSpace(line))
		if len(f) == 0 {
			continue
		}
		name := strings.TrimSuffix(f[0], ",")
		if name == "help" {
			continue
		}
		names = append(names, name)
	}
	if len(names) < 5 {
		t.Fatalf("found only %v in remote-login --help:\n%s", names, top.stdout)
	}
	for _, name := range names {
		r := e.remoteLogin(t, "", name, "--help")
		_, opts, _ := strings.Cut(r.stdout, "OPTIONS:\n")
		var helpFlags []string
		for _, line := range strings.Split(opts, "\n") {
			// "--token-file FILE, --tokenfile FILE  usage": the first name.
			if fl := flagRE.FindString(strings.SplitN(strings.TrimSpace(line), "  ", 2)[0]); fl != "" && fl != "--help" {
				helpFlags = append(helpFlags, fl)
			}
		}
		helpFlags = sortedUnique(helpFlags)
		got, listed := readmeFlags[name]
		if !listed {
			t.Errorf("README's command list has no line for remote-login %s (its flags: %v)", name, helpFlags)
			continue
		}
		if !slices.Equal(got, helpFlags) {
			t.Errorf("remote-login %s: README lists %v, --help %v", name, got, helpFlags)
		}
	}
	for cmd := range readmeFlags {
		if !slices.Contains(names, cmd) {
			t.Errorf("README lists remote-login %s, which remote-login --help does not", cmd)
		}
	}
}

func sortedUnique(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}

// TestCLI_CompletionDescribesLogins is item 12: the completion scripts, run
// in the real shells against the built binary, offer the stored logins and
// remotes, zsh and fish each with what it is, never a secret.
func TestCLI_CompletionDescribesLogins(t *testing.T) {
	e := newClientEnv(t, viaRegistriesConf)
	const tok, regPW, ksTok = "lib-token-1234567", "pw-registry-1234", "ks-token-1234567"
	for _, s := range []string{tok, regPW, ksTok} {
		e.scan.Secret(s)
	}
	e.writeFile(t, e.remoteYAMLPath(), "Active: lib\nRemotes:\n"+
		"    lib:\n        URI: library.example\n        Token: "+tok+"\n        System: false\n        Exclusive: false\n"+
		"    other:\n        URI: other.example\n        System: false\n        Exclusive: false\n"+
		"Credentials:\n    - URI: docker://r.example:5000\n      Auth: Basic "+base64.StdEncoding.EncodeToString([]byte("alice:"+regPW))+"\n      Insecure: false\n"+
		"    - URI: oras://o.example\n      Auth: Basic "+base64.StdEncoding.EncodeToString([]byte("alice:"+regPW))+"\n      Insecure: false\n"+
		"    - URI: hkps://keys.example\n      Auth: Bearer "+ksTok+"\n      Insecure: false\n")
	bin := filepath.Dir(buildRemoteLogin(t))
	env := append(e.envList(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	script := func(shell string) string {
		r := e.remoteLogin(t, "", "completion", shell)
		if r.code != 0 {
			t.Fatalf("completion %s: exit %d", shell, r.code)
		}
		p := filepath.Join(e.root, "completion."+shell)
		e.writeFile(t, p, r.stdout)
		return p
	}
	described := []string{
		"lib  -- library remote library.example (active)",
		"other  -- library remote other.example",
		"docker://r.example:5000  -- registry login",
		"oras://o.example  -- registry login (oras)",
		"hkps://keys.example  -- keyserver login",
	}
	check := func(t *testing.T, shell, out string, want []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w+"\n") {
				t.Errorf("%s completion lacks %q:\n%s", shell, w, out)
			}
		}
		for _, s := range []string{tok, regPW, ksTok, "alice"} {
			if strings.Contains(out, s) {
				t.Errorf("%s completion shows %q", shell, s)
			}
		}
	}
	t.Run("zsh", func(t *testing.T) {
		lookTool(t, "zsh")
		// compadd and compdef exist only inside zsh's completion system;
		// the stand-in prints the words and what zsh would display.
		out := runShell(t, env, "zsh", "-f", "-c", `compdef() { :; }; _files() { print FILES; }
compadd() { print -l -- ${(P)${@[-1]}}; local i; for ((i = 1; i < $#; i++)); do [[ ${@[i]} == -d ]] && print -l -- ${(P)${@[i+1]}}; done; return 0; }
source "$1"
words=(remote-login logout ""); CURRENT=3; _remote_login`, "zsh", script("zsh"))
		check(t, "zsh", out, append(described, "lib", "docker://r.example:5000"))
	})
	t.Run("fish", func(t *testing.T) {
		lookTool(t, "fish")
		out := runShell(t, env, "fish", "--no-config", "-c", `source $argv[1]; complete -C'remote-login logout '; complete -C'remote-login token '`, script("fish"))
		var want []string
		for _, d := range described {
			want = append(want, strings.Replace(d, "  -- ", "\t", 1))
		}
		check(t, "fish", out, want)
		if strings.Count(out, "lib\tlibrary remote library.example (active)\n") != 2 {
			t.Errorf("fish: token does not offer the library remotes:\n%s", out)
		}
		if strings.Count(out, "docker://r.example:5000") != 1 || strings.Count(out, "hkps://keys.example") != 1 {
			t.Errorf("fish: token offers a registry login:\n%s", out)
		}
	})
	t.Run("bash gets the words alone", func(t *testing.T) {
		lookTool(t, "bash")
		out := runShell(t, env, "bash", "--norc", "--noprofile", "-c", `source "$1"
COMP_WORDS=(remote-login logout ""); COMP_CWORD=2; _remote_login; printf '%s\n' "${COMPREPLY[@]}"`, "bash", script("bash"))
		check(t, "bash", out, []string{"lib", "docker://r.example:5000", "hkps://keys.example"})
		if strings.Contains(out, "\t") || strings.Contains(out, "registry login") {
			t.Errorf("bash completion has descriptions in its words:\n%s", out)
		}
	})
}

func runShell(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, stderr.String())
	}
	t.Logf("%s:\n%s%s", name, out, stderr.String())
	return string(out)
}

// TestCLI_SetupOnTerminal covers items 10 and 11 where they meet a user at
// a terminal: setup, run on a real pseudo-terminal, says the login it
// found is still in config.json (not "no longer used", which the helper
// would contradict), offers import, and import says moved and total.
func TestCLI_SetupOnTerminal(t *testing.T) {
	e := newClientEnv(t, viaRegistriesConf)
	e.scan.Secret("pw-a-12345")
	cfg := filepath.Join(e.dockerConfig, "config.json")
	e.writeFile(t, cfg, `{"auths": {"a.example": {"auth": "`+base64.StdEncoding.EncodeToString([]byte("ann:pw-a-12345"))+`"}}}`+"\n")
	cmd := exec.Command(buildRemoteLogin(t), "setup", "--docker")
	cmd.Env = e.envList()
	term := startOnPTY(t, cmd)
	text := func() string { return strings.ReplaceAll(term.text(), "\r\n", "\n") }
	term.waitUntil("the import offer", func() bool { return strings.Contains(text(), "Import them now? [y/N] ") })
	term.send("y\r")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("setup: %v; screen:\n%s", err, text())
	}
	want := "docker:    CFG: set \"credsStore\": \"remoteyaml\", other keys unchanged\n" +
		"Set up: 1 file(s) changed. Log in once (remote-login, docker login, podman login, oras login) and every tool uses it.\n" +
		"1 login(s) are still in CFG, outside remote.yaml: `remote-login import` moves them into RL (--dry-run shows them first).\n" +
		"Import them now? [y/N] y\n" +
		"moved a.example (ann) from CFG\n" +
		"Moved 1 login(s) into RL, which now holds 1.\n"
	want = strings.NewReplacer("CFG", cfg, "RL", e.remoteYAMLPath()).Replace(want)
	term.waitUntil("the import's last line", func() bool { return strings.HasSuffix(text(), "which now holds 1.\n") })
	if got := text(); got != want {
		t.Errorf("screen:\n%s\nwant\n%s", got, want)
	}
	e.scan.Output("the terminal of remote-login setup", text())
}
