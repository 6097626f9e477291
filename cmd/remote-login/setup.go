package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/remoteyaml/remoteyaml/importer"

	"github.com/remoteyaml/remoteyaml/setup"
	"github.com/urfave/cli/v2"
)

type setupOptions struct {
	Tools       []string // empty: every tool found on PATH
	Undo        bool
	Force       bool // set up though the helper is not on PATH
	PerRegistry bool // credHelpers for the registries with logins, not credsStore
}

func newSetupCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "setup",
		Usage:     "make Docker, podman and Apptainer use docker-credential-remoteyaml",
		UsageText: "remote-login setup [--docker] [--podman] [--apptainer] [--per-registry] [--force] [--undo]",
		Description: `Points each tool at docker-credential-remoteyaml the way it looks helpers
up, so that a login made later with any tool (oras login, docker login,
podman login, apptainer registry login, remote-login) works for every tool,
Apptainer pulls included, with no per-host upkeep:

   --docker     Docker CLI, crane, oras, regctl: "credsStore": "remoteyaml" in
                $DOCKER_CONFIG/config.json (default ~/.docker/config.json).
   --podman     podman, skopeo, buildah: the registries.conf drop-in
                containers/registries.conf.d/50-remoteyaml.conf with
                credential-helpers = ["remoteyaml", "containers-auth.json"]
                (containers/image ignores credsStore), in every place a
                reader here reads it: ~/.config for podman 4 and skopeo 1.9,
                whatever XDG_CONFIG_HOME says.
   --apptainer  Apptainer or SingularityCE, whichever is installed:
                "credsStore" in the docker-config.json next to remote.yaml;
                for Apptainer also the drop-in where it reads it
                ($XDG_CONFIG_HOME, else ~/.config), as its pulls resolve
                digests through containers/image.

With no tool flag, every tool with a program on PATH is set up, and the
programs found are named. A warning says when DOCKER_AUTH_CONFIG or
REGISTRY_AUTH_FILE takes logins elsewhere (remote-login doctor shows what
each program will do). Only the one key is changed; every other key, its
order and the spacing stay. Running it twice changes nothing. --undo reverts
what setup recorded in $XDG_CONFIG_HOME/remoteyaml/setup.json, one line per
file, for the tools installed or recorded: a file unchanged since is
restored byte for byte (one setup created is removed); in a file changed
since, only credsStore is set back. Then each login remote-login import moved
out of a tool's file is put back there (one line each; remote.yaml keeps it
too), so the tools undo hands back still find every login.

setup refuses when docker-credential-remoteyaml is not on PATH: the tools
would then fail every pull, anonymous ones too ("executable file not
found"). --force writes the files anyway (e.g. for nodes that have it).

--per-registry names the helper only for the registries you have logins for
("credHelpers": {"HOST": "remoteyaml"} in config.json, the containers
auth.json $XDG_CONFIG_HOME/containers/auth.json and docker-config.json), as
gcloud auth configure-docker does: on a node without the helper only those
registries fail. remote-login login and logout add and remove the entries; a
login made with docker, podman or oras login directly is not routed to the
helper (it lands in that tool's own file): run remote-login import to move
it into remote.yaml, which also adds its entry.

Logins the tools kept before stay where they were (podman still falls back
to its auth.json, and the helper serves those Apptainer keeps in
docker-config.json): setup says how many there are, and remote-login import
moves them into remote.yaml.

EXAMPLES
   remote-login setup
   remote-login setup --podman --apptainer
   remote-login setup --per-registry
   remote-login setup --undo

` + exitStatus(map[int]string{
			exitOK:     "set up or undone (also: nothing to change)",
			exitFailed: "no tool found on PATH, or a config file cannot be read or written",
			exitUsage:  "an unknown flag or an argument",
		}),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "docker", Usage: "set up Docker, crane, oras and regctl"},
			&cli.BoolFlag{Name: "podman", Usage: "set up podman, skopeo and buildah"},
			&cli.BoolFlag{Name: "apptainer", Usage: "set up Apptainer and SingularityCE"},
			&cli.BoolFlag{Name: "per-registry", Usage: "credHelpers entries for the registries with logins instead of credsStore"},
			&cli.BoolFlag{Name: "force", Usage: "set up even though docker-credential-remoteyaml is not on PATH"},
			&cli.BoolFlag{Name: "undo", Usage: "revert what setup did"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("setup takes no arguments; name tools with --docker, --podman, --apptainer")
			}
			opts := &setupOptions{Undo: c.Bool("undo"), Force: c.Bool("force"), PerRegistry: c.Bool("per-registry")}
			for _, t := range setup.Tools {
				if c.Bool(t) {
					opts.Tools = append(opts.Tools, t)
				}
			}
			return runSetup(f, opts)
		},
	}
}

func runSetup(f *factory, opts *setupOptions) error {
	if err := f.prepareWrite(); err != nil {
		return err
	}
	env := f.setupEnv()
	tools := opts.Tools
	if len(tools) == 0 && opts.Undo {
		// The tools installed, and any other setup recorded: nothing is
		// said about a program that is neither.
		tools = env.UndoTools()
	}
	if len(tools) == 0 && !opts.Undo {
		if tools = setup.Detect(env); len(tools) == 0 {
			var progs []string
			for _, t := range setup.Tools {
				progs = append(progs, setup.Programs[t]...)
			}
			return failedf("setup: none of %s is on PATH; name a tool with --docker, --podman or --apptainer", strings.Join(progs, ", "))
		}
		writeLine(f.IO.Err, "Found on PATH: %s.", strings.Join(env.Found(tools), ", "))
	}
	if !opts.Undo {
		if err := env.CheckHelper(); err != nil && !opts.Force {
			return failedf("setup: %v", err)
		}
	}
	changes, err := applySetup(f, env, opts, tools)
	files := map[string]bool{} // a file undone and then given its logins back is one
	for _, c := range changes {
		writeLine(f.IO.Out, "%s", c)
		if c.Changed {
			files[c.Path] = true
		}
	}
	changed := len(files)
	if err != nil {
		return failedf("setup: %v", oneLine(err.Error()))
	}
	switch {
	case changed == 0:
		writeLine(f.IO.Out, "Nothing changed.")
	case opts.Undo:
		writeLine(f.IO.Out, "Undone: %d file(s) changed.", changed)
	default:
		writeLine(f.IO.Out, "Set up: %d file(s) changed. Log in once (remote-login, docker login, podman login, oras login) and every tool uses it.", changed)
	}
	if !opts.Undo {
		for _, w := range env.Overrides(tools, opts.PerRegistry) {
			writeLine(f.IO.Err, "warning: %s", w)
		}
		if _, err := f.LookPath("docker-credential-" + setup.Helper); err != nil {
			writeLine(f.IO.Err, "warning: docker-credential-%s is not on PATH, so the tools cannot run it here (--force): put the directory that holds it on PATH", setup.Helper)
		}
		return offerImport(f)
	}
	return nil
}

// applySetup does (or undoes) the kind of setup opts names. Undo reverts
// both kinds: a user need not remember which one was done.
func applySetup(f *factory, env setup.Env, opts *setupOptions, tools []string) ([]setup.Change, error) {
	if opts.Undo {
		changes, err := setup.Undo(env, tools)
		more, err2 := setup.UndoPerRegistry(env, tools)
		changes = append(changes, more...)
		// Last, once the tools read their own files again: the logins
		// import took from those files go back there.
		store, err3 := f.credStore()
		if err3 != nil {
			return changes, errors.Join(err, err2, err3)
		}
		back, err3 := importer.PutBack(env, store)
		return append(changes, back...), errors.Join(err, err2, err3)
	}
	if !opts.PerRegistry {
		for _, t := range tools {
			if env.PerRegistryTool(t) {
				return nil, fmt.Errorf("%s is set up per registry; undo that first (remote-login setup --undo --%s), then setup", t, t)
			}
		}
		return setup.Apply(env, tools)
	}
	done, err := env.SetUpTools()
	if err != nil {
		return nil, err
	}
	for _, t := range tools {
		if slices.Contains(done, t) {
			return nil, fmt.Errorf("%s is already set up to ask the helper for every registry; undo that first (remote-login setup --undo --%s), then setup --per-registry", t, t)
		}
	}
	store, err := f.credStore()
	if err != nil {
		return nil, err
	}
	doc, err := store.File.Read()
	if err != nil {
		return nil, err
	}
	return setup.ApplyPerRegistry(env, tools, setup.LoginHosts(doc.Config()))
}

// offerImport points at import when plaintext logins are left behind, and
// on a terminal offers to run it.
func offerImport(f *factory) error {
	store, err := f.credStore()
	if err != nil {
		return nil // setup is done; import will say what is wrong
	}
	im := &importer.Importer{Env: f.setupEnv(), Store: store, DryRun: true}
	places := map[string]bool{}
	n := 0
	if _, err := im.Run(func(r importer.Result) {
		if r.Status == importer.WouldMove || r.Status == importer.WouldCopy {
			n++
			places[r.Source.String()] = true
		}
	}); err != nil || n == 0 {
		return nil
	}
	var where []string
	for p := range places {
		where = append(where, p)
	}
	slices.Sort(where)
	// Not "no longer used": podman falls back to its auth.json, and the
	// helper itself serves Apptainer's docker-config.json.
	writeLine(f.IO.Out, "%d login(s) are still in %s, outside remote.yaml: `remote-login import` moves them into %s (--dry-run shows them first).", n, strings.Join(where, ", "), store.File.Path)
	if !f.IO.CanPrompt() {
		return nil
	}
	answer, err := f.IO.PromptLine("Import them now? [y/N] ")
	if err != nil {
		return nil
	}
	if a := strings.ToLower(answer); a == "y" || a == "yes" {
		return runImport(f, &importOptions{})
	}
	return nil
}

// syncPerRegistry keeps the credHelpers entries of setup --per-registry
// current after a login or logout. The login itself is done by then, so a
// file that cannot be edited is a warning, not a failure.
func syncPerRegistry(f *factory, host string, present bool) {
	changes, err := setup.SyncPerRegistry(f.setupEnv(), host, present)
	for _, c := range changes {
		writeLine(f.IO.Err, "%s", c)
	}
	if err != nil {
		writeLine(f.IO.Err, "warning: the per-registry setup could not be updated: %s", oneLine(err.Error()))
	}
}
