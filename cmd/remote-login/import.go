package main

import (
	"fmt"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/importer"
	"github.com/urfave/cli/v2"
)

type importOptions struct {
	DryRun bool
}

func newImportCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "move the plaintext logins of Docker, podman and Apptainer into remote.yaml",
		UsageText: "remote-login import [--dry-run]",
		Description: `Once the tools ask docker-credential-remoteyaml (remote-login setup), the
logins they kept before stay on disk in plain text, outside remote.yaml.
import moves each into remote.yaml (or the OS keyring, with "secrets:
keyring"), from

   the "auths" of $DOCKER_CONFIG/config.json (default ~/.docker/config.json),
   podman's auth.json ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
   ~/.config/containers/auth.json), and Apptainer's docker-config.json;
   the credential helper that credsStore named before setup (pass,
   secretservice, ...), read with its list and get.

Each login is stored, read back, and only then removed from its file, by
taking out that one member of "auths": every other key stays byte for byte.
A login stays where it is, with the reason printed, when its tool does not
ask the helper yet (run setup first), when remote.yaml already holds another
login for that registry, or when it cannot be read. Logins in a helper are
copied and kept there: they are not in plain text, and setup --undo goes
back to that helper. Running import again finishes what is left. What import
moved is recorded with setup's record: setup --undo puts those logins back
into the files they came from.

--dry-run prints what import would do and changes nothing.

EXAMPLES
   remote-login import --dry-run
   remote-login import

` + exitStatus(map[int]string{
			exitOK:     "every login found was moved (or, with --dry-run, listed, conflicts included)",
			exitFailed: "a login was left where it was (the reason is printed), or a file or login cannot be read (also with --dry-run)",
			exitUsage:  "an unknown flag or an argument",
		}),
		Flags: []cli.Flag{&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print what would be moved; change nothing"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usageErrorf("import takes no arguments, got %d", c.NArg())
			}
			return runImport(f, &importOptions{DryRun: c.Bool("dry-run")})
		},
	}
}

func runImport(f *factory, opts *importOptions) error {
	if !opts.DryRun {
		if err := f.prepareWrite(); err != nil {
			return err
		}
	}
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	im := &importer.Importer{Env: f.setupEnv(), Store: store, DryRun: opts.DryRun}
	n, moved, copied := 0, 0, 0
	problems, err := im.Run(func(r importer.Result) {
		n++
		switch r.Status {
		case importer.Moved:
			moved++
		case importer.Copied:
			copied++
		}
		writeLine(f.IO.Out, "%s", r)
	})
	if err != nil {
		return failedf("import: %v", oneLine(err.Error()))
	}
	where := store.File.Path
	if store.Secrets == credstore.InKeyring {
		where = "the OS keyring (listed in " + store.File.Path + ")"
	}
	switch {
	case n == 0:
		writeLine(f.IO.Out, "No plaintext logins found: nothing to import.")
	case opts.DryRun:
		writeLine(f.IO.Out, "Dry run: nothing changed. Run `remote-login import` to do it.")
	case moved+copied > 0:
		what := fmt.Sprintf("Moved %d login(s)", moved)
		switch {
		case moved == 0:
			what = fmt.Sprintf("Copied %d login(s)", copied)
		case copied > 0:
			what = fmt.Sprintf("Moved %d and copied %d login(s)", moved, copied)
		}
		// The total too: "2 logins now in remote.yaml" read as all it holds.
		if doc, err := store.File.Read(); err == nil {
			writeLine(f.IO.Out, "%s into %s, which now holds %d.", what, where, len(doc.Config().Credentials))
		} else {
			writeLine(f.IO.Out, "%s into %s.", what, where)
		}
	}
	if problems > 0 && opts.DryRun {
		return failedf("import --dry-run: %d login(s) could not be read (reasons above)", problems)
	}
	if problems > 0 {
		return failedf("import: %d login(s) left where they were (reasons above); fix them and run import again", problems)
	}
	return nil
}
