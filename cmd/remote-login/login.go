package main

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"sort"
	"strings"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/safetext"
	"github.com/remoteyaml/remoteyaml/sysremote"
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
}

const loginDescription = `
Logs in to TARGET, checking the credential with its server first: only a
credential the server accepts is stored, and a refused one leaves remote.yaml
as it was. TARGET is one of

   NAME                     a remote of remote.yaml (default: the Active one):
                            its library access token. The remote's
                            /assets/config/config.prod.json names the token
                            service, whose /v1/token-status must accept the
                            token. An existing token is replaced only after
                            you confirm (or with --token-file/--password-stdin).
   docker://HOST[:PORT]     an OCI registry: GET /v2/ and its challenge, Basic
   oras://HOST[:PORT]       or Bearer through the registry's token service.
                            Stored as the Credentials entry TARGET (scheme
                            kept, as Apptainer writes it), which
                            docker-credential-remoteyaml serves to Docker,
                            podman, skopeo, crane, oras, regctl and Apptainer.
                            HTTPS, verified; a registry on this machine
                            (localhost, 127.0.0.0/8, ::1) that speaks no TLS
                            is used over plain HTTP without --insecure and
                            stored Insecure: false, as Docker and Apptainer do.
   https://HOST[/PATH]      a keyserver configured with External: true (by
   hkps://HOST              "apptainer keyserver add"), as Apptainer and
                            SingularityCE use no other: GET TARGET with Basic
                            auth (with --username) or "Bearer TOKEN"
                            (without); needs 200.
   http://, hkp://          Stored as {URI, Auth, Insecure}; hkp is
                            http://HOST:11371, hkps is https://HOST.

The secret is read without echo from the terminal, from standard input with
--password-stdin, or from a file with --token-file; never from an argument.
It is never printed. Flags go before TARGET.

EXAMPLES
   remote-login setup                          make every client use the helper
   remote-login docker://registry.example.com  prompts for user name and password
   echo "$PW" | remote-login -u alice --password-stdin docker://registry.example.com:5000
   remote-login --token-file ~/sylabs-token SylabsCloud
   remote-login -u alice https://keys.example.com
   remote-login list
   remote-login logout docker://registry.example.com`

func loginFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "user name (registries; keyservers: Basic auth instead of a token)"},
		&cli.BoolFlag{Name: "password-stdin", Usage: "read the password or token from standard input"},
		&cli.StringFlag{Name: "token-file", Aliases: []string{"tokenfile"}, Usage: "read the password or token from `FILE`", TakesFile: true},
		&cli.BoolFlag{Name: "insecure", Usage: "registries: plain HTTP (loopback registries without TLS need no flag); keyservers: allow http/hkp (TLS verification follows the configured keyserver's Insecure); library: plain HTTP (stored as Insecure)"},
		// Refused: a secret on the command line ends up in shell history and ps.
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Hidden: true},
	}
}

func newLoginCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:        "login",
		Usage:       "log in to a remote, registry or keyserver (the default command)",
		UsageText:   "remote-login login [--username USER] [--password-stdin | --token-file FILE] [--insecure] [TARGET]",
		Description: strings.TrimSpace(loginDescription) + "\n\n   Use \"remote-login login NAME\" for a remote named like a command (list,\n   logout, status, setup, completion).\n\n" + loginExitStatus,
		Flags:       loginFlags(),
		Action:      func(c *cli.Context) error { return loginAction(f, c) },
	}
}

func loginAction(f *factory, c *cli.Context) error {
	if c.IsSet("password") {
		return usageErrorf("refusing a password given as an argument: it would be kept in your shell history and shown by ps; use the prompt, --password-stdin or --token-file")
	}
	if c.NArg() > 1 {
		return usageErrorf("one TARGET at a time, got %d arguments (flags go before TARGET)", c.NArg())
	}
	opts := &loginOptions{
		Target:        c.Args().First(),
		Username:      c.String("username"),
		PasswordStdin: c.Bool("password-stdin"),
		TokenFile:     c.String("token-file"),
		Insecure:      c.Bool("insecure"),
	}
	return runLogin(c.Context, f, opts)
}

func runLogin(ctx context.Context, f *factory, opts *loginOptions) error {
	if opts.PasswordStdin && opts.TokenFile != "" {
		return usageErrorf("--password-stdin and --token-file both name the secret; use one")
	}
	file, err := f.remoteFile()
	if err != nil {
		return err
	}
	if opts.Target == "" {
		doc, err := file.Read()
		if err != nil {
			return failedf("%v", err)
		}
		sys, err := f.system(file)
		if err != nil {
			return err
		}
		// The user file's Active, else the system file's, as the programs choose.
		if opts.Target = sys.View(doc.Config()).Active; opts.Target == "" {
			return usageErrorf("no TARGET given and no Active remote in %s or the system remotes; give a remote name, docker://HOST or https://KEYSERVER", file.Path)
		}
	}
	t, err := login.ParseTarget(opts.Target)
	if err != nil {
		return usageErrorf("%v", err)
	}
	checker := &login.Checker{Client: f.HTTPClient, UserAgent: "remote-login/" + buildVersion()}
	switch t.Kind {
	case login.Library:
		return loginLibrary(ctx, f, opts, file, t, checker)
	case login.Keyserver:
		return loginKeyserver(ctx, f, opts, file, t, checker)
	}
	return loginRegistry(ctx, f, opts, t, checker)
}

// secret gets the password or token from the flag's source or a prompt.
func (opts *loginOptions) secret(f *factory, label string) (string, error) {
	switch {
	case opts.PasswordStdin:
		return readSecret(f.IO.In, "standard input", false)
	case opts.TokenFile != "":
		fh, err := os.Open(opts.TokenFile)
		if err != nil {
			return "", usageErrorf("--token-file: %v", err)
		}
		defer fh.Close()
		return readSecret(fh, opts.TokenFile, true)
	case f.IO.CanPrompt():
		return f.IO.PromptSecret(label)
	}
	return "", usageErrorf("no terminal to ask for the %s: pass it with --password-stdin or --token-file", strings.ToLower(strings.TrimSuffix(label, ": ")))
}

func loginLibrary(ctx context.Context, f *factory, opts *loginOptions, file *yamlstore.File, t login.Target, checker *login.Checker) error {
	if opts.Username != "" {
		return usageErrorf("%s: a library remote takes an access token, not --username", t.Raw)
	}
	doc, err := file.Read()
	if err != nil {
		return failedf("%v", err)
	}
	sys, err := f.system(file)
	if err != nil {
		return err
	}
	r := sys.View(doc.Config()).Remotes[t.Name]
	if r == nil {
		return noRemote(sys, doc.Config(), file.Path, t.Name)
	}
	insecure := opts.Insecure || r.Insecure
	web := login.WebURL(r.URI, insecure)
	if r.Token != "" && !opts.PasswordStdin && opts.TokenFile == "" && f.IO.CanPrompt() {
		answer, err := f.IO.PromptLine("An access token is already set for this remote. Replace it? [y/N] ")
		if err != nil {
			return err
		}
		if a := strings.ToLower(answer); a != "y" && a != "yes" {
			writeLine(f.IO.Err, "Kept the existing access token of remote %q; nothing changed.", t.Name)
			return nil
		}
	}
	if !opts.PasswordStdin && opts.TokenFile == "" && f.IO.CanPrompt() {
		writeLine(f.IO.Err, "Generate an access token at %s/auth/tokens, and paste it here.", web)
		writeLine(f.IO.Err, "Token entered will be hidden for security.")
	}
	token, err := opts.secret(f, "Access Token: ")
	if err != nil {
		return err
	}
	if err := checker.LibraryToken(ctx, t.Name, r.URI, insecure, token); err != nil {
		return keptOld(err, r.Token != "")
	}
	// Copy the system remotes in first, as the programs do on login: the
	// token goes into the user file, on the remote's copy there.
	if err := file.Update(func(d *yamlstore.Document) error {
		if err := sys.Sync(d); err != nil {
			return err
		}
		return d.SetToken(t.Name, token)
	}); err != nil {
		return failedf("%s: the token is valid but could not be stored: %v", t.Name, err)
	}
	writeLine(f.IO.Out, "Access Token Verified! Token stored in %s (remote %s).", file.Path, t.Name)
	return nil
}

func keptOld(err error, hadOld bool) error {
	if hadOld {
		return failedf("%v (the existing token is kept)", err)
	}
	return failedf("%v", err)
}

// noRemote explains a remote name found nowhere. It never advises adding a
// name the system file holds: a user remote of that name breaks
// SingularityCE (name collision while syncing).
func noRemote(sys sysremote.System, cfg yamlstore.Config, path, name string) error {
	shown := safetext.Redact(name) // "alice:PW@host" was typed as a remote name
	if strings.ContainsAny(name, ".:") {
		return usageErrorf("%s: no remote of that name in %s; for a registry use docker://%s, for a keyserver https://%s", shown, path, shown, shown)
	}
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
	return failedf("%s: no remote of that name in %s or the system remotes (%s); add it with `%s remote add --no-login %s URI`", shown, path, have, sys.Program, shown)
}

func loginKeyserver(ctx context.Context, f *factory, opts *loginOptions, file *yamlstore.File, t login.Target, checker *login.Checker) error {
	doc, err := file.Read()
	if err != nil {
		return failedf("%v", err)
	}
	sys, err := f.system(file)
	if err != nil {
		return err
	}
	ks := login.ExternalKeyserver(sys.View(doc.Config()), t)
	// A plain-http keyserver someone configured on purpose is consent
	// enough, as Apptainer takes it; a URI typed only here is not.
	configuredPlain := false
	if ks != nil {
		kt, _ := login.ParseTarget(ks.URI)
		configuredPlain = ks.Insecure || kt.Plain
	}
	if t.Plain && !opts.Insecure && !configuredPlain {
		return usageErrorf("%s: plain http would send the credential unencrypted; use https://, or add --insecure if you trust the network", t.Raw)
	}
	if ks == nil {
		return failedf("%s: no keyserver with External: true is configured for it, so Apptainer and SingularityCE would never send this login (and refuse it: no external keyserver configuration found); add it with `%s keyserver add %s` and log in again", t.Raw, sys.Program, t.Raw)
	}
	// The configured keyserver's Insecure wins, as in both programs.
	insecure := ks.Insecure
	label := "Token: "
	if opts.Username != "" {
		label = "Password: "
	}
	secret, err := opts.secret(f, label)
	if err != nil {
		return err
	}
	var authz string
	if opts.Username != "" {
		if strings.Contains(opts.Username, ":") {
			return usageErrorf("--username: a user name cannot contain ':' (Basic authentication splits there)")
		}
		authz = "Basic " + base64.StdEncoding.EncodeToString([]byte(opts.Username+":"+secret))
	} else {
		if strings.ContainsAny(secret, " \t") {
			return usageErrorf("%s: a token is one word; for a user name and password add --username", t.Raw)
		}
		authz = "Bearer " + secret
	}
	if err := checker.Keyserver(ctx, t, authz, insecure); err != nil {
		return failedf("%v", err)
	}
	entry := yamlstore.Credential{URI: t.EntryURI, Auth: authz, Insecure: insecure}
	err = file.Update(func(d *yamlstore.Document) error { return d.PutCredential(entry, nil) })
	if err != nil {
		return failedf("%s: the login is valid but could not be stored: %v", t.Raw, err)
	}
	writeLine(f.IO.Out, "Login Succeeded: keyserver %s stored in %s.", t.EntryURI, file.Path)
	return nil
}

func loginRegistry(ctx context.Context, f *factory, opts *loginOptions, t login.Target, checker *login.Checker) error {
	user := opts.Username
	if user == "" {
		if opts.PasswordStdin || opts.TokenFile != "" || !f.IO.CanPrompt() {
			return usageErrorf("%s: a registry login needs --username", t.Raw)
		}
		var err error
		if user, err = f.IO.PromptLine("Username: "); err != nil {
			return err
		}
		if user == "" {
			return errAborted
		}
	}
	secret, err := opts.secret(f, "Password: ")
	if err != nil {
		return err
	}
	plain, err := checker.RegistryLoopback(ctx, t, user, secret, opts.Insecure)
	if err != nil {
		return failedf("%v", err)
	}
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	k, err := protocol.ParseKey(t.EntryURI)
	if err != nil {
		return failedf("%v", err)
	}
	scheme, _, _ := strings.Cut(t.EntryURI, "://")
	same := func(uri string) bool { return k.Rank(uri) > 0 && strings.HasPrefix(uri, scheme+"://") }
	// Insecure only when asked for: a loopback registry without TLS is
	// stored Insecure: false, as Docker and Apptainer store it.
	l := credstore.Login{URI: t.EntryURI, Username: user, Secret: secret, Insecure: opts.Insecure}
	if err := store.Put(l, same); err != nil {
		if errors.Is(err, yamlstore.ErrInvalid) {
			return failedf("%s: the login is valid but %v", t.Raw, err)
		}
		return failedf("%s: the login is valid but could not be stored: %v", t.Raw, err)
	}
	if plain && !opts.Insecure {
		writeLine(f.IO.Err, "Note: %s speaks no TLS; used plain HTTP, as Docker and Apptainer do for a registry on this machine.", t.Host)
	}
	writeLine(f.IO.Out, "Login Succeeded: %s stored in %s; every client set up with `remote-login setup` uses it.", t.EntryURI, store.File.Path)
	return nil
}
