package main

import (
	"context"
	"errors"
	"strings"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/yamlstore"
	"github.com/urfave/cli/v2"
)

type logoutOptions struct {
	Target string
}

func newLogoutCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "logout",
		Usage:     "remove a login from remote.yaml",
		UsageText: "remote-login logout TARGET",
		Description: `Removes the login TARGET names: a remote's access token (TARGET is the
remote's name), or the Credentials entries of a registry (HOST[:PORT],
docker://HOST, oras://HOST: every entry of that host, as the helper's erase
does) or of a keyserver (its URI, or hkps://HOST). An https:// URL is a
keyserver when remote.yaml knows it as one, else the registry of its host.
For a registry login Apptainer made (an entry without Auth), its secret is
removed too, from the docker config file Apptainer put it in
(docker-config.json, $APPTAINER_CONFIGDIR/config.json or
~/.docker/config.json): only that key of "auths" changes, as Apptainer's
registry logout does. Nothing is sent to any server. A TARGET with nothing
stored is an error (exit 1).

EXAMPLES
   remote-login logout SylabsCloud
   remote-login logout registry.example.com:5000
   remote-login logout https://keys.example.com

` + exitStatus(map[int]string{
			exitOK:     "logged out",
			exitFailed: "nothing is stored for TARGET, or remote.yaml (or the keyring) cannot be read or written",
			exitUsage:  "an unknown flag, or not exactly one TARGET, or a bad one",
		}),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("logout takes one TARGET, got %d arguments", c.NArg())
			}
			return runLogout(f, &logoutOptions{Target: c.Args().First()})
		},
	}
}

func runLogout(f *factory, opts *logoutOptions) error {
	if err := f.prepareWrite(); err != nil {
		return err
	}
	file, err := f.remoteFile()
	if err != nil {
		return err
	}
	doc, err := file.Read()
	if err != nil {
		return failed(err)
	}
	// Targets as login reads them, but offline: an https:// URL that is no
	// known keyserver is the registry of its host, as docker logout takes it.
	sys, err := f.system(file)
	if err != nil {
		return err
	}
	t, err := login.Resolve(context.Background(), opts.Target, f.known(sys.View(doc.Config())), nil)
	if err != nil {
		return usageErrorf("%v", err)
	}
	switch t.Kind {
	case login.Library:
		var had, exists bool
		err := file.Update(func(d *yamlstore.Document) error {
			r := d.Config().Remotes[t.Name]
			exists = r != nil
			if r == nil || r.Token == "" {
				return nil
			}
			had = true
			return d.SetToken(t.Name, "")
		})
		switch {
		case err != nil:
			return failedf("%s: %v", t.Raw, err)
		case !exists:
			if sys.Has(t.Name) {
				// Never logged in: the programs copy a system remote in
				// only when they write a token for it.
				return failedf("%s: no access token is set for this system remote in %s; nothing to log out", t.Raw, file.Path)
			}
			return noRemote(sys, doc.Config(), file.Path, t.Name)
		case !had:
			return failedf("%s: no access token is set for this remote in %s; nothing to log out", t.Raw, file.Path)
		}
		writeLine(f.IO.Out, "Removed the access token of remote %s from %s.", t.Name, file.Path)
		return nil
	case login.Keyserver:
		var n int
		err := file.Update(func(d *yamlstore.Document) (err error) {
			n, err = d.RemoveCredentials(func(c yamlstore.Credential) bool { return yamlstore.SameURI(c.URI, t.EntryURI) })
			return err
		})
		if err != nil {
			return failedf("%s: %v", t.Raw, err)
		}
		if n == 0 {
			return failedf("%s: not logged in (no Credentials entry for it in %s)", t.Raw, file.Path)
		}
		writeLine(f.IO.Out, "Removed the keyserver login %s from %s.", t.EntryURI, file.Path)
		return nil
	}
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	k, err := protocol.ParseKey(t.EntryURI)
	if err != nil {
		return usageErrorf("%v", err)
	}
	err = store.Delete(func(uri string) bool { return k.Rank(uri) > 0 }, t.EntryURI)
	if errors.Is(err, credstore.ErrNotFound) {
		return failedf("%s: not logged in (no Credentials entry for %s in %s)", t.Raw, strings.TrimPrefix(t.EntryURI, "docker://"), store.File.Path)
	}
	if err != nil {
		return failedf("%s: %v", t.Raw, err)
	}
	writeLine(f.IO.Out, "Removed the registry login %s from %s.", t.EntryURI, store.File.Path)
	syncPerRegistry(f, k.Host, false)
	return nil
}
