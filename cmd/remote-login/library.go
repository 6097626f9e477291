package main

import (
	"context"
	"strings"

	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/sysremote"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// loginLibrary logs in to a library remote; doc and sys are what runLogin
// read before anything was sent (the edit itself reads the file again
// under its lock).
func loginLibrary(ctx context.Context, f *factory, opts *loginOptions, file *yamlstore.File, doc *yamlstore.Document, sys sysremote.System, t login.Target, checker *login.Checker) error {
	if opts.Username != "" {
		return usageErrorf("%s: a library remote takes an access token, not --username (for a registry give docker://%s)", t.Raw, t.Raw)
	}
	r := sys.View(doc.Config()).Remotes[t.Name]
	if r == nil {
		return noRemote(sys, doc.Config(), file.Path, t.Name)
	}
	// A URI the CLIs cannot use (host:port) would store a token nothing
	// uses: say so before asking for one.
	if err := login.CheckRemoteURI(t.Name, r.URI); err != nil {
		return failed(err)
	}
	plain := false
	check := func(token string) (err error) {
		plain, err = checker.LibraryTokenPlain(ctx, t.Name, r.URI, r.Insecure, opts.Insecure, token)
		return err
	}
	if r.Token != "" && !opts.secretGiven() {
		// The stored token first, as docker login tries stored credentials:
		// one that still works needs no new one.
		err := check(r.Token)
		switch {
		case err == nil && !f.IO.CanPrompt():
			writeLine(f.IO.Out, "Already logged in to library remote %s: its access token still works (to replace it, give --token-file or --password-stdin).", t.Name)
			return nil
		case err == nil:
			answer, err := f.IO.PromptLine("Already logged in: the access token of remote " + t.Name + " still works. Replace it? [y/N] ")
			if err != nil {
				return err
			}
			if a := strings.ToLower(answer); a != "y" && a != "yes" {
				writeLine(f.IO.Err, "Kept the existing access token of library remote %q; nothing changed.", t.Name)
				return nil
			}
		case login.IsRefused(err):
			writeLine(f.IO.Err, "The access token stored for remote %s no longer works; log in again.", t.Name)
		default:
			return failed(err)
		}
	}
	if !opts.secretGiven() && f.IO.CanPrompt() {
		writeLine(f.IO.Err, "Generate an access token %s, and paste it here.", checker.TokenPage(ctx, r.URI, r.Insecure, opts.Insecure))
		writeLine(f.IO.Err, "Token entered will be hidden for security.")
	}
	token, err := opts.secret(f, "Access Token: ")
	if err != nil {
		return err
	}
	if err := check(token); err != nil {
		return keptOld(err, r.Token != "")
	}
	// Copy the system remotes in first, as the programs do on login: the
	// token goes into the user file, on the remote's copy there. A remote
	// that answered only in plain http gets Insecure: true there (the CLIs
	// drop a system remote's Insecure when they copy it), or they would
	// use https with the token and fail.
	madeInsecure := false
	if err := file.Update(func(d *yamlstore.Document) error {
		if err := sys.Sync(d); err != nil {
			return err
		}
		if err := d.SetToken(t.Name, token); err != nil {
			return err
		}
		if u := d.Config().Remotes[t.Name]; plain && u != nil && !u.Insecure {
			madeInsecure = true
			return d.SetRemoteInsecure(t.Name, true)
		}
		return nil
	}); err != nil {
		return storeFailed(t.Raw, "token", err)
	}
	writeLine(f.IO.Out, "Access Token Verified! Token stored in %s (library remote %s).", file.Path, t.Name)
	if madeInsecure {
		writeLine(f.IO.Err, "Set Insecure: true on remote %s, as `apptainer remote add --insecure` does: it answers only in plain HTTP, which Apptainer and SingularityCE use only then.", t.Name)
	}
	return nil
}

func keptOld(err error, hadOld bool) error {
	if hadOld {
		return failedf("%v (the existing token is kept)", err)
	}
	return failed(err)
}
