package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

func loginRegistry(ctx context.Context, f *factory, opts *loginOptions, t login.Target, checker *login.Checker) error {
	store, err := f.credStore()
	if err != nil {
		return failed(err)
	}
	k, err := protocol.ParseKey(t.EntryURI)
	if err != nil {
		return failed(err)
	}
	// The stored login of this host, if its secret can be found; a locked
	// keyring only means there is none to offer.
	scheme, _, _ := strings.Cut(t.EntryURI, "://")
	stored, _ := store.Get(func(uri string) int {
		if strings.HasPrefix(uri, scheme+"://") {
			return k.Rank(uri)
		}
		return 0
	})
	if stored.Secret != "" && opts.Username == "" && !opts.secretGiven() {
		// As docker login: with no user name given, try the stored login.
		_, err := checker.RegistryLoopback(ctx, t, stored.Username, stored.Secret, opts.Insecure || stored.Insecure)
		switch {
		case err == nil:
			writeLine(f.IO.Out, "Already logged in to registry %s as %s: the stored login still works (to replace it, give --username).", t.EntryURI, displayUser(stored.Username))
			return nil
		case login.IsRefused(err):
			writeLine(f.IO.Err, "The login stored for registry %s no longer works; log in again.", t.EntryURI)
		default:
			return failed(err)
		}
	}
	user := opts.Username
	if user == "" {
		if opts.secretGiven() || !f.IO.CanPrompt() {
			return usageErrorf("%s: a registry login needs --username", t.Raw)
		}
		label, def := "Username: ", ""
		if stored.Username != "" && stored.Username != credstore.TokenUser {
			label, def = fmt.Sprintf("Username (%s): ", stored.Username), stored.Username
		}
		if user, err = f.IO.PromptLine(label); err != nil {
			return err
		}
		if user == "" {
			if user = def; user == "" {
				return errAborted
			}
		}
	}
	secret, err := opts.secret(f, "Password: ")
	if err != nil {
		return err
	}
	plain, err := checker.RegistryLoopback(ctx, t, user, secret, opts.Insecure)
	if err != nil {
		return failed(err)
	}
	same := func(uri string) bool { return k.Rank(uri) > 0 && strings.HasPrefix(uri, scheme+"://") }
	// Insecure only when asked for: a loopback registry without TLS is
	// stored Insecure: false, as Docker and Apptainer store it.
	l := credstore.Login{URI: t.EntryURI, Username: user, Secret: secret, Insecure: opts.Insecure}
	if err := store.Put(l, same); err != nil {
		if errors.Is(err, yamlstore.ErrInvalid) {
			return failedf("%s: the login is valid but %v", t.Raw, err)
		}
		return storeFailed(t.Raw, "login", err)
	}
	if plain && !opts.Insecure {
		writeLine(f.IO.Err, "Note: %s speaks no TLS; used plain HTTP, as Docker and Apptainer do for a registry on this machine.", t.Host)
	}
	writeLine(f.IO.Out, "Login Succeeded: registry %s stored in %s; every client set up with `remote-login setup` uses it.", t.EntryURI, store.File.Path)
	return nil
}

func displayUser(u string) string {
	if u == credstore.TokenUser {
		return "an identity token"
	}
	return u
}
