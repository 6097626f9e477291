package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/remoteyaml/remoteyaml/completion"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/internal/suggest"
	"github.com/remoteyaml/remoteyaml/machine"
	"github.com/remoteyaml/remoteyaml/safetext"
	"github.com/remoteyaml/remoteyaml/setup"
	"github.com/remoteyaml/remoteyaml/sysremote"
	"github.com/remoteyaml/remoteyaml/tlsconf"
	"github.com/remoteyaml/remoteyaml/yamlstore"
	"github.com/urfave/cli/v2"
)

// Exit codes, documented in the help.
const (
	exitOK      = 0 // done, or nothing to change
	exitFailed  = 1 // refused by the server, unreachable, nothing to log out, a file problem
	exitUsage   = 2 // bad flags or target, or no way to read the secret
	exitAborted = 3 // the user gave no answer at a prompt (Ctrl-D, empty input, Ctrl-C), or stopped a check
)

// loginExitStatus is the EXIT STATUS of a login, the one command that
// prompts and so the one that can be aborted at a prompt (3).
var loginExitStatus = exitStatus(map[int]string{
	exitOK: "logged in (also: already logged in; the replace prompt answered N)",
	exitFailed: "the server refused the credential or could not be reached (DNS, " +
		"TLS, proxy, timeout), or a file cannot be read or written (remote.yaml, " +
		"--token-file, --ca-file)",
	exitUsage: "unknown flag, bad TARGET, conflicting flags, a secret passed as " +
		"an argument, or no terminal to prompt on and no --password-stdin or --token-file",
	exitAborted: "aborted: empty input, Ctrl-D or Ctrl-C at a prompt, or Ctrl-C while " +
		"a server is checked; nothing was stored",
})

// exitStatus renders a command's EXIT STATUS help section: the codes it can
// return, each with what it means for that command, so no command's help
// promises a code it never returns.
func exitStatus(meanings map[int]string) string {
	codes := make([]int, 0, len(meanings))
	for c := range meanings {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var b strings.Builder
	b.WriteString("EXIT STATUS")
	for _, c := range codes {
		line := fmt.Sprintf("   %d ", c)
		for _, w := range strings.Fields(meanings[c]) {
			if len(line)+1+len(w) > 78 {
				b.WriteString("\n" + line)
				line = "     "
			}
			line += " " + w
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

// factory holds what commands depend on; tests replace any of it.
type factory struct {
	IO       *IOStreams
	Getenv   func(string) string
	LookPath func(string) (string, error)
	// Run runs a program (apptainer --version, buildcfg) with exactly the
	// environment given, for its output; the machine model gives it a
	// throwaway HOME and config directory.
	Run func(env []string, path string, args ...string) ([]byte, error)
	// PasswdHome is the user's home in the user database (SingularityCE's
	// config directory is there whatever HOME says); nil: os/user.
	PasswdHome func() string
	// HTTPClient makes the verification requests; nil means the default.
	HTTPClient *http.Client
	// Now is the clock tokens' expiry is read against.
	Now func() time.Time
	// SystemCertDirs are the system certs.d roots; nil means
	// tlsconf.DefaultSystemDirs.
	SystemCertDirs []string
	// SlowAfter is how long a request runs before a terminal is told what
	// is being checked; 0 means login.DefaultSlowAfter.
	SlowAfter time.Duration

	commandNames []string // every command name and alias, set by newApp
	model        *machine.Machine
	argv         []string // the command line, for the words of errors
}

func defaultFactory() *factory {
	return &factory{
		IO:             &IOStreams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr},
		Getenv:         os.Getenv,
		LookPath:       exec.LookPath,
		Run:            machine.RunIsolated,
		Now:            time.Now,
		SystemCertDirs: tlsconf.DefaultSystemDirs,
	}
}

// machine is the model of this machine, probed once per run.
func (f *factory) machine() *machine.Machine {
	if f.model == nil {
		f.model = machine.Probe(machine.Env{Getenv: f.Getenv, LookPath: f.LookPath, Run: f.Run, PasswdHome: f.PasswdHome})
	}
	return f.model
}

// userFile is where remote.yaml is, by the model.
func (f *factory) userFile() (machine.UserFile, error) { return f.machine().UserFile() }

// system finds the system remotes of the program owning the user file.
func (f *factory) system(*yamlstore.File) (sysremote.System, error) {
	u, err := f.userFile()
	if err != nil {
		return sysremote.System{}, failedf("%v", err)
	}
	s, err := sysremote.Find(f.machine(), u)
	if err != nil {
		return s, failedf("%v", err)
	}
	return s, nil
}

// remoteFile is the user's remote.yaml as it holds the logins now.
func (f *factory) remoteFile() (*yamlstore.File, error) {
	u, err := f.userFile()
	if err != nil {
		return nil, err
	}
	return &yamlstore.File{Path: u.ReadPath()}, nil
}

func (f *factory) credStore() (*credstore.Store, error) { return credstore.OpenIn(f.machine()) }

// setupEnv is setup's view of the machine.
func (f *factory) setupEnv() setup.Env {
	return setup.Env{Getenv: f.Getenv, LookPath: f.LookPath, Machine: f.machine()}
}

// prepareWrite is called by every command that changes files before it
// reads them: with Apptainer installed and only ~/.singularity, it
// migrates ~/.singularity into ~/.apptainer exactly as Apptainer's next
// command would, so that what is written lands where Apptainer reads.
func (f *factory) prepareWrite() error {
	copied, err := f.machine().Migrate()
	if err != nil {
		return failedf("%v", err)
	}
	if len(copied) > 0 {
		u, _ := f.userFile()
		writeLine(f.IO.Err, "Copied ~/.singularity into %s, as Apptainer does on its next command: %s.", u.Dir(), strings.Join(copied, ", "))
	}
	return nil
}

// commands are the subcommands, in help order. Adding one is one line here.
var commands = []func(*factory) *cli.Command{
	newLoginCommand,
	newListCommand,
	newLogoutCommand,
	newStatusCommand,
	newDoctorCommand,
	newSetupCommand,
	newImportCommand,
	newMigrateCommand,
	newTokenCommand,
	newCompletionCommand,
	newVersionCommand,
}

// exitError carries an exit code with the error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errReported is a failure the command has already printed in full.
var errReported = errors.New("")

func usageErrorf(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func failedf(format string, args ...any) error {
	return &exitError{exitFailed, fmt.Errorf(format, args...)}
}

// failed is err with exit code 1, its chain kept (errors.Is still sees a
// cancelled context in it).
func failed(err error) error { return &exitError{exitFailed, err} }

func exitCode(err error) int {
	var e *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errAborted), errors.Is(err, context.Canceled):
		return exitAborted
	case errors.As(err, &e):
		return e.code
	}
	return exitFailed
}

func newApp(f *factory) *cli.App {
	app := &cli.App{
		Name:        "remote-login",
		Usage:       "verified logins for library remotes, keyservers and OCI registries, kept in remote.yaml",
		UsageText:   "remote-login [--username USER] [--password-stdin | --token-file FILE] [--insecure] [--ca-file FILE] [--timeout D] [TARGET]\n   remote-login COMMAND [options] [arguments]",
		Description: strings.TrimSpace(loginDescription) + "\n\n" + loginExitStatus + "\n\n" + filesHelp,
		Version:     buildVersion(),
		Reader:      f.IO.In,
		Writer:      f.IO.Out,
		ErrWriter:   f.IO.Err,
		Flags:       loginFlags(),
		Action:      func(c *cli.Context) error { return loginAction(f, c) },
		Before: func(c *cli.Context) error {
			// Every command name and alias, the help command's included,
			// which urfave adds when it runs: none is ever a remote name.
			for _, cmd := range c.App.Commands {
				f.commandNames = append(f.commandNames, cmd.Names()...)
			}
			return nil
		},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return f.flagError(err, c.App.Flags, "remote-login --help")
		},
		ExitErrHandler: func(*cli.Context, error) {}, // only main exits
	}
	for _, newCmd := range commands {
		cmd := newCmd(f)
		if cmd.OnUsageError == nil {
			cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
				return f.flagError(err, cmd.Flags, "remote-login "+cmd.Name+" --help")
			}
		}
		app.Commands = append(app.Commands, cmd)
	}
	return app
}

// run is main without the exit: it returns the exit code.
func run(args []string, f *factory) int { return runContext(context.Background(), args, f) }

// runContext is run stopped by ctx: main cancels it at Ctrl-C, so a check
// waiting for a server ends as an abort (exit 3) with nothing stored.
func runContext(ctx context.Context, args []string, f *factory) int {
	// Hidden words for the completion scripts and the Makefile's man page,
	// taken before urfave/cli parses anything.
	if len(args) > 1 {
		switch args[1] {
		case completion.Command:
			return complete(f, args[2:])
		case manCommand:
			return printMan(f, args[2:])
		}
	}
	f.model = nil // a run sees the machine as it is now
	f.argv = args
	app := newApp(f)
	err := app.RunContext(ctx, interspersed(args, app))
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(f.IO.Err, "remote-login: "+errAborted.Error())
	case errors.Is(err, errReported):
	default:
		// Messages quote targets, file contents and server answers:
		// escaped, none of them can drive the terminal.
		fmt.Fprintln(f.IO.Err, "remote-login: "+safetext.Text(oneLine(err.Error())))
	}
	return exitCode(err)
}

// flagError words a usage error of the flag parser. Go's flag package
// names every flag with one dash ("-jsno" for --jsno): each is named as it
// was typed, and an unknown one gets the nearest flag of the command, as gh
// and docker do.
func (f *factory) flagError(err error, flags []cli.Flag, help string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		for _, fl := range flags {
			if v, ok := fl.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue // never suggest the refused --password
			}
			for _, n := range fl.Names() {
				names = append(names, "--"+n)
			}
		}
		if near, ok := suggest.Nearest("--"+name, names); ok {
			return usageErrorf("unknown flag %s; did you mean %s? (see %s)", f.typedFlag(name), near, help)
		}
		return usageErrorf("unknown flag %s (see %s)", f.typedFlag(name), help)
	}
	// "invalid value "x" for flag -timeout: …", "flag needs an argument: -u"
	msg = flagInMessage.ReplaceAllStringFunc(msg, func(m string) string {
		i := strings.LastIndex(m, " -")
		return m[:i+1] + f.typedFlag(m[i+2:])
	})
	return usageErrorf("%s (see %s)", msg, help)
}

var flagInMessage = regexp.MustCompile(`(for flag|an argument:) -[A-Za-z0-9-]+`)

// typedFlag is the flag name as the command line spelled it: --name, or
// -name when it was typed with one dash.
func (f *factory) typedFlag(name string) string {
	for _, a := range f.argv {
		if n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); n == name && isFlag(a) {
			return a[:len(a)-len(strings.TrimLeft(a, "-"))] + name
		}
	}
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// commandTypo is the error for a word that is no remote and no host but
// close to a command: "lsit" is a mistyped list, not a remote to add.
func (f *factory) commandTypo(word string, isRemote func(string) bool) error {
	if word == "" || strings.ContainsAny(word, ".:/@") || word == "localhost" || isRemote(word) {
		return nil
	}
	if near, ok := suggest.Nearest(word, f.commandNames); ok {
		return usageErrorf("unknown command %q; did you mean %q? (see remote-login --help)", word, near)
	}
	return nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

const filesHelp = `FILES AND ENVIRONMENT
   remote.yaml is found as the helper finds it: $REMOTEYAML_FILE, else the
   file the program installed reads (Apptainer: $APPTAINER_CONFIGDIR,
   $SINGULARITY_CONFIGDIR, ~/.apptainer; SingularityCE:
   $SINGULARITY_CONFIGDIR, ~/.singularity); see remote-login doctor.
   Requests honour HTTPS_PROXY and NO_PROXY, and trust the system CAs (or
   SSL_CERT_FILE), the server's certs.d directories and --ca-file (see
   remote-login login --help).`

// writeLine prints one line of output or progress. Its arguments are data
// (names, URIs, paths, user names) and are escaped, so that none can hold
// an escape sequence or a newline that forges a row; the format is ours.
func writeLine(w io.Writer, format string, args ...any) {
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = safetext.Text(v)
		case error:
			args[i] = safetext.Text(v.Error())
		case fmt.Stringer:
			args[i] = safetext.Text(v.String())
		}
	}
	fmt.Fprintf(w, format+"\n", args...)
}
