package main

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/sysremote"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// loginKeyserver logs in to a keyserver; doc and sys are what runLogin read
// before anything was sent.
func loginKeyserver(ctx context.Context, f *factory, opts *loginOptions, file *yamlstore.File, doc *yamlstore.Document, sys sysremote.System, t login.Target, checker *login.Checker) error {
	ks := login.ExternalKeyserver(sys.View(doc.Config()), t)
	// The real reason first: no --insecure makes an unconfigured keyserver
	// usable.
	if ks == nil {
		return failedf("%s: no keyserver with External: true is configured for it, so Apptainer and SingularityCE would never send this login (and refuse it: no external keyserver configuration found); add it with `%s keyserver add %s` and log in again", t.Raw, sys.Program, t.Raw)
	}
	// http:// is hkp://: the credential goes in clear only where
	// login.SendPolicy lets it (this machine, or a keyserver the user
	// marked insecure: --insecure or its Insecure: true), refused here
	// before the secret is asked for. Being configured is no consent.
	if login.MaySend(t.URL, opts.Insecure || ks.Insecure) != nil {
		return usageErrorf("%s: plain http would send the credential unencrypted; use https://, or add --insecure if you trust the network", t.Raw)
	}
	// The configured keyserver's Insecure is what is stored, as both
	// programs let it win; --insecure only lets this check skip
	// verification, as it does for every kind of target.
	stored := ks.Insecure
	insecure := opts.Insecure || ks.Insecure
	if old := storedKeyserver(doc.Config(), t); old != nil && opts.Username == "" && !opts.secretGiven() {
		err := checker.Keyserver(ctx, t, old.Auth, insecure || old.Insecure)
		switch {
		case err == nil:
			writeLine(f.IO.Out, "Already logged in to keyserver %s: the stored login still works (to replace it, give --username, --password-stdin or --token-file).", t.EntryURI)
			return nil
		case login.IsRefused(err):
			writeLine(f.IO.Err, "The login stored for keyserver %s no longer works; log in again.", t.EntryURI)
		default:
			return failed(err)
		}
	}
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
		return failed(err)
	}
	entry := yamlstore.Credential{URI: t.EntryURI, Auth: authz, Insecure: stored}
	err = file.Update(func(d *yamlstore.Document) error { return d.PutCredential(entry, nil) })
	if err != nil {
		return storeFailed(t.Raw, "login", err)
	}
	writeLine(f.IO.Out, "Login Succeeded: keyserver %s stored in %s.", t.EntryURI, file.Path)
	return nil
}

// storedKeyserver is the Credentials entry of this keyserver with an Auth.
func storedKeyserver(cfg yamlstore.Config, t login.Target) *yamlstore.Credential {
	for i, c := range cfg.Credentials {
		if c.Auth != "" && yamlstore.SameURI(c.URI, t.EntryURI) {
			return &cfg.Credentials[i]
		}
	}
	return nil
}
