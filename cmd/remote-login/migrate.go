package main

import (
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/urfave/cli/v2"
)

type migrateOptions struct {
	To credstore.Secrets
}

func newMigrateCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "migrate",
		Usage:     "move every registry secret to the OS keyring, or back to remote.yaml",
		UsageText: "remote-login migrate --to keyring|file",
		Description: `Moves the secrets of every registry login (docker://, oras:// and the
Docker Hub OAuth entries) between remote.yaml's Auth and the OS keyring
(Secret Service, Keychain). It writes the new place, reads it back, and only
then removes the old one: a migration stopped half-way loses nothing, and
running it again finishes it. Keyserver logins and library access tokens stay
in remote.yaml, where Apptainer reads them.

Each entry moves as it is (same URI, same place in the file); logins of one
host are never merged. The migration ends by writing "secrets: keyring" (or
"file") to $XDG_CONFIG_HOME/remoteyaml/config.yaml, so that every command
and new logins look where the secrets are. With REMOTEYAML_SECRETS set to
the other place it refuses before moving anything.

EXAMPLES
   remote-login migrate --to keyring
   remote-login migrate --to file

` + exitStatus(map[int]string{
			exitOK:     "moved (also: nothing to move)",
			exitFailed: "remote.yaml or the keyring cannot be read or written; what was moved stays moved, and running it again finishes it",
			exitUsage:  "an unknown flag, an argument, or --to missing or not keyring or file",
		}),
		Flags: []cli.Flag{&cli.StringFlag{Name: "to", Usage: "keyring or file"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageErrorf("migrate takes no arguments, got %d", c.NArg())
			}
			to := credstore.Secrets(c.String("to"))
			if to != credstore.InKeyring && to != credstore.InFile {
				return usageErrorf("--to must be keyring or file, not %q", to)
			}
			return runMigrate(f, &migrateOptions{To: to})
		},
	}
}

func runMigrate(f *factory, opts *migrateOptions) error {
	if err := f.prepareWrite(); err != nil {
		return err
	}
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	if opts.To == credstore.InFile && store.Secrets == credstore.InFile {
		// In file mode the keyring is asked only when a login's secret is
		// in neither remote.yaml nor Apptainer's docker config: asking it
		// otherwise fails on a machine with no keyring (no D-Bus), where
		// there is nothing to move.
		logins, err := store.List()
		if err != nil {
			return failedf("migrate --to file: %v", err)
		}
		pending := false
		for _, l := range logins {
			pending = pending || credstore.IsRegistryLogin(l.URI) && l.From == ""
		}
		if !pending {
			writeLine(f.IO.Out, "Nothing to do: every registry login keeps its secret in %s already (or in Apptainer's docker config).", store.File.Path)
			return nil
		}
	}
	m, err := store.Switch(opts.To, f.Getenv)
	for _, uri := range m.Moved {
		writeLine(f.IO.Out, "moved %s", uri)
	}
	for _, uri := range m.Kept {
		writeLine(f.IO.Out, "kept %s in %s: an earlier entry of the same URI holds its keyring item", uri, store.File.Path)
	}
	if err != nil {
		return failedf("migrate --to %s: %v", opts.To, err)
	}
	where := "the OS keyring"
	if opts.To == credstore.InFile {
		where = store.File.Path
	}
	writeLine(f.IO.Out, "%d registry login(s) now keep their secret in %s.", len(m.Moved), where)
	if m.SettingChanged {
		writeLine(f.IO.Out, "%s now says \"secrets: %s\": every command, and new logins, use %s.", m.SettingsPath, opts.To, where)
	} else {
		writeLine(f.IO.Out, "%s already says \"secrets: %s\".", m.SettingsPath, opts.To)
	}
	return nil
}
