package main

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/safetext"
	"github.com/remoteyaml/remoteyaml/sysremote"
	"github.com/remoteyaml/remoteyaml/tlsconf"
	"github.com/remoteyaml/remoteyaml/yamlstore"
	"github.com/urfave/cli/v2"
)

// loginOptions are the parsed flags and argument of a login.
type loginOptions struct {
	Target        string
	Username      string
	PasswordStdin bool
	TokenFile     string
	Insecure      bool
	CAFile        string
	Timeout       time.Duration
}

const loginDescription = `
Logs in to TARGET, checking the credential with its server first: only a
credential the server accepts is stored, and a refused one leaves remote.yaml
as it was. TARGET is written as docker, podman and oras take it:

   NAME                     a remote of remote.yaml (default: the Active one):
                            its library access token. The remote's
                            /assets/config/config.prod.json names the token
                            service, whose /v1/token-status must accept the
                            token. An existing token is replaced only after
                            you confirm (or with --token-file/--password-stdin).
   HOST[:PORT]              an OCI registry, when it is no remote name (a
   docker://HOST[:PORT]     host has a dot or a port, or is localhost): GET
   oras://HOST[:PORT]       /v2/ and its challenge, Basic or Bearer through
                            the registry's token service. Stored as the
                            Credentials entry docker://HOST[:PORT] (oras://
                            for an oras:// TARGET, as Apptainer writes it),
                            which docker-credential-remoteyaml serves to
                            Docker, podman, skopeo, crane, oras, regctl and
                            Apptainer. A registry on this machine (localhost,
                            127.0.0.0/8, ::1) that speaks no TLS is used over
                            plain HTTP without --insecure and stored
                            Insecure: false, as Docker and Apptainer do.
   https://HOST[/PATH]      a keyserver when a remote lists it (or it is
                            logged in to already), a registry when HOST's
                            /v2/ answers as one; otherwise an error: spell it
                            docker://HOST or hkps://HOST[/PATH].
   hkps://HOST[/PATH]       a keyserver, which must be configured with
   hkp://HOST[:PORT]        External: true (by "apptainer keyserver add"), as
                            Apptainer and SingularityCE use no other: GET the
                            URL (hkps is https, hkp is http://HOST:11371)
                            with Basic auth (with --username) or "Bearer
                            TOKEN" (without); needs 200. Stored as {URI,
                            Auth, Insecure}.

The output says which kind of login was made. A registry or keyserver login
that is stored and still works is reported ("already logged in") without
asking again; give --username (or a secret with --password-stdin or
--token-file) to replace it. A re-login offers the stored user name.

The secret is read without echo from the terminal, from standard input with
--password-stdin, or from a file with --token-file; never from an argument.
It is never printed. Flags may come before or after TARGET.

TLS: the system CAs (or SSL_CERT_FILE) are trusted, plus the CA certificates
(*.crt) and client certificates (NAME.cert with NAME.key) of the server's
directory HOST[:PORT] under ~/.docker/certs.d, /etc/docker/certs.d,
~/.config/containers/certs.d and /etc/containers/certs.d, as Docker and
podman read them, plus --ca-file FILE.

--insecure means the same for every kind of target: trust the network. The
server's certificate is not verified, and plain HTTP is used where the server
speaks only that (a registry or library remote is tried over HTTPS first; a
keyserver given as http:// or hkp:// is allowed). A registry login made with
it is stored with Insecure: true.

On a terminal, a request still unanswered after a second is named
("Checking https://... (Ctrl-C to stop)"). Each check gives up after
--timeout (default 30s). A failing proxy (HTTPS_PROXY, HTTP_PROXY) is named
as the proxy.

EXAMPLES
   remote-login setup                          make every client use the helper
   remote-login registry.example.com           prompts for user name and password
   remote-login docker://registry.example.com:5000 -u alice --password-stdin <pw.txt
   remote-login registry.example.com:5000 --ca-file ~/my-ca.pem
   remote-login --token-file ~/sylabs-token SylabsCloud
   remote-login -u alice hkps://keys.example.com
   remote-login list
   remote-login logout registry.example.com`

func loginFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "user name (registries; keyservers: Basic auth instead of a token)"},
		&cli.BoolFlag{Name: "password-stdin", Usage: "read the password or token from standard input"},
		&cli.StringFlag{Name: "token-file", Aliases: []string{"tokenfile"}, Usage: "read the password or token from `FILE`", TakesFile: true},
		&cli.BoolFlag{Name: "insecure", Usage: "trust the network: do not verify the server's TLS certificate, and use plain HTTP where the server speaks only that"},
		&cli.StringFlag{Name: "ca-file", Usage: "also trust the CA certificates (PEM) in `FILE`", TakesFile: true},
		&cli.DurationFlag{Name: "timeout", Value: login.DefaultTimeout, Usage: "give up on a server after `DURATION`"},
		// Refused: a secret on the command line ends up in shell history and ps.
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Hidden: true},
	}
}

func newLoginCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:        "login",
		Usage:       "log in to a remote, registry or keyserver (the default command)",
		UsageText:   "remote-login login [--username USER] [--password-stdin | --token-file FILE] [--insecure] [--ca-file FILE] [--timeout D] [TARGET]",
		Description: strings.TrimSpace(loginDescription) + "\n\n   A command's name (list, logout, help, version, ...) is never read as a\n   remote name.\n\n" + loginExitStatus,
		Flags:       loginFlags(),
		Action:      func(c *cli.Context) error { return loginAction(f, c) },
	}
}

func loginAction(f *factory, c *cli.Context) error {
	if c.IsSet("password") {
		return usageErrorf("refusing a password given as an argument: it would be kept in your shell history and shown by ps; use the prompt, --password-stdin or --token-file")
	}
	if c.NArg() > 1 {
		// `logut HOST`: a mistyped command, not two targets.
		if err := f.commandTypo(c.Args().First(), func(string) bool { return false }); err != nil {
			return err
		}
		// Never echo the arguments: the second is often a password typed
		// by mistake.
		help := "remote-login --help"
		if c.Command != nil && c.Command.Name == "login" {
			help = "remote-login login --help"
		}
		return usageErrorf("one TARGET at a time, got %d arguments; a password or token is never an argument: type it at the prompt, or give it with --password-stdin or --token-file (see %s)", c.NArg(), help)
	}
	opts := &loginOptions{
		Target:        c.Args().First(),
		Username:      c.String("username"),
		PasswordStdin: c.Bool("password-stdin"),
		TokenFile:     c.String("token-file"),
		Insecure:      c.Bool("insecure"),
		CAFile:        c.String("ca-file"),
		Timeout:       c.Duration("timeout"),
	}
	return runLogin(c.Context, f, opts)
}

func runLogin(ctx context.Context, f *factory, opts *loginOptions) error {
	if opts.PasswordStdin && opts.TokenFile != "" {
		return usageErrorf("--password-stdin and --token-file both name the secret; use one")
	}
	if opts.Timeout <= 0 {
		return usageErrorf("--timeout must be more than 0, like 30s or 2m")
	}
	if opts.TokenFile != "" {
		// A missing file is a file problem (exit 1), found before anything
		// is sent.
		if _, err := os.Stat(opts.TokenFile); err != nil {
			return failedf("--token-file: %v", err)
		}
	}
	if opts.CAFile != "" {
		if _, err := os.Stat(opts.CAFile); err != nil {
			return failedf("--ca-file: %v", err)
		}
	}
	if err := f.prepareWrite(); err != nil {
		return err
	}
	file, err := f.remoteFile()
	if err != nil {
		return err
	}
	// remote.yaml is read before anything is sent: a file that cannot be
	// stored into must not be found only after the server had the password.
	doc, err := file.Read()
	if err != nil {
		return failedf("%v; fix it first (nothing was sent to any server)", err)
	}
	if err := checkWritable(file.Path); err != nil {
		return err
	}
	sys, err := f.system(file)
	if err != nil {
		return err
	}
	view := sys.View(doc.Config())
	if err := f.commandTypo(opts.Target, func(w string) bool { _, ok := view.Remotes[w]; return ok }); err != nil {
		return err
	}
	if opts.Target == "" {
		// The user file's Active, else the system file's, as the programs choose.
		if opts.Target = view.Active; opts.Target == "" {
			return noTarget(file.Path, sys.Program)
		}
	}
	checker := f.checker(opts)
	t, err := login.Resolve(ctx, opts.Target, f.known(view), checker.IsRegistry(opts.Insecure))
	if err != nil {
		if errors.Is(err, login.ErrTarget) {
			return usageErrorf("%v", err)
		}
		return failed(err)
	}
	switch t.Kind {
	case login.Library:
		return loginLibrary(ctx, f, opts, file, doc, sys, t, checker)
	case login.Keyserver:
		return loginKeyserver(ctx, f, opts, file, doc, sys, t, checker)
	}
	return loginRegistry(ctx, f, opts, t, checker)
}

// noTarget explains a login with neither TARGET nor an Active remote.
func noTarget(path, program string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return usageErrorf("no TARGET given, and there is no %s yet (nor a system Active remote) to name an Active remote; give a registry (HOST[:PORT]), a keyserver (hkps://HOST), or add a library remote first with `%s remote add NAME URI`", path, program)
	}
	return usageErrorf("no TARGET given and no Active remote in %s or the system remotes; give a registry (HOST[:PORT]), a keyserver (hkps://HOST) or a remote name, or choose one with `%s remote use NAME`", path, program)
}

// known is what remote.yaml (with the system remotes: pass the view) and
// the commands say a target may be.
func (f *factory) known(cfg yamlstore.Config) login.Known {
	k := login.Known{Commands: f.commandNames}
	for name, r := range cfg.Remotes {
		k.Remotes = append(k.Remotes, name)
		if r == nil {
			continue
		}
		for _, ks := range r.Keyservers {
			k.Keyservers = append(k.Keyservers, ks.URI)
		}
	}
	for _, c := range cfg.Credentials {
		if !credstore.IsRegistryLogin(c.URI) {
			k.Keyservers = append(k.Keyservers, c.URI)
		}
	}
	return k
}

// checker is the login.Checker for opts: its trust, timeout and progress.
func (f *factory) checker(opts *loginOptions) *login.Checker {
	c := &login.Checker{
		Client:    f.HTTPClient,
		UserAgent: "remote-login/" + buildVersion(),
		Trust:     tlsconf.Sources{Home: f.Getenv("HOME"), SystemDirs: f.SystemCertDirs, CAFile: opts.CAFile},
		Timeout:   opts.Timeout,
		SlowAfter: f.SlowAfter,
	}
	if f.IO.ErrIsTerminal() {
		var once sync.Once
		c.Slow = func(u string) {
			once.Do(func() { writeLine(f.IO.Err, "Checking %s (Ctrl-C to stop)", u) })
		}
	}
	return c
}

// secret gets the password or token from the flag's source or a prompt.
func (opts *loginOptions) secret(f *factory, label string) (string, error) {
	switch {
	case opts.PasswordStdin:
		return readSecret(f.IO.In, "standard input", false)
	case opts.TokenFile != "":
		fh, err := os.Open(opts.TokenFile)
		if err != nil {
			return "", failedf("--token-file: %v", err)
		}
		defer fh.Close()
		return readSecret(fh, opts.TokenFile, true)
	case f.IO.CanPrompt():
		return f.IO.PromptSecret(label)
	}
	return "", usageErrorf("no terminal to ask for the %s: pass it with --password-stdin or --token-file", strings.ToLower(strings.TrimSuffix(label, ": ")))
}

// secretGiven reports whether the secret comes from a flag, which asks for
// a new login rather than the stored one.
func (opts *loginOptions) secretGiven() bool { return opts.PasswordStdin || opts.TokenFile != "" }

// noRemote explains a remote name found nowhere. It never advises adding a
// name the system file holds: a user remote of that name breaks
// SingularityCE (name collision while syncing).
func noRemote(sys sysremote.System, cfg yamlstore.Config, path, name string) error {
	shown := safetext.Redact(name) // "alice:PW@host" was typed as a remote name
	var names []string
	for n := range sys.View(cfg).Remotes {
		names = append(names, n)
	}
	sort.Strings(names)
	have := "it has none"
	if len(names) > 0 {
		have = "it has " + strings.Join(names, ", ")
	}
	if sys.Has(name) {
		return failedf("%s: a system remote (%s) that %s cannot use", shown, sys.Path, path)
	}
	return failedf("%s: no remote of that name in %s or the system remotes (%s); add it with `%s remote add --no-login %s URI`, or for a registry give docker://%s", shown, path, have, sys.Program, shown, shown)
}
