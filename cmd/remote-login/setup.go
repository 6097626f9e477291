package main

import (
	"strings"

	"github.com/remoteyaml/remoteyaml/setup"
	"github.com/urfave/cli/v2"
)

type setupOptions struct {
	Tools []string // empty: every tool found on PATH
	Undo  bool
}

func newSetupCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "setup",
		Usage:     "make Docker, podman and Apptainer use docker-credential-remoteyaml",
		UsageText: "remote-login setup [--docker] [--podman] [--apptainer] [--undo]",
		Description: `Points each tool at docker-credential-remoteyaml the way it looks helpers
up, so that a login made later with any tool (oras login, docker login,
podman login, apptainer registry login, remote-login) works for every tool,
Apptainer pulls included, with no per-host upkeep:

   --docker     Docker CLI, crane, oras, regctl: "credsStore": "remoteyaml" in
                $DOCKER_CONFIG/config.json (default ~/.docker/config.json).
   --podman     podman, skopeo, buildah: the registries.conf drop-in
                $XDG_CONFIG_HOME/containers/registries.conf.d/50-remoteyaml.conf
                with credential-helpers = ["remoteyaml", "containers-auth.json"]
                (containers/image ignores credsStore).
   --apptainer  Apptainer/SingularityCE: "credsStore" in the docker-config.json
                next to remote.yaml, and the same drop-in (Apptainer pulls
                resolve digests through containers/image).

With no tool flag, every tool with a program on PATH is set up. Only the
one key is changed; every other key, its order and the spacing stay. Running
it twice changes nothing. --undo reverts what setup recorded in
$XDG_CONFIG_HOME/remoteyaml/setup.json: a file unchanged since is restored
byte for byte (one setup created is removed); in a file changed since, only
credsStore is set back.

EXAMPLES
   remote-login setup
   remote-login setup --podman --apptainer
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
			&cli.BoolFlag{Name: "undo", Usage: "revert what setup did"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("setup takes no arguments; name tools with --docker, --podman, --apptainer")
			}
			opts := &setupOptions{Undo: c.Bool("undo")}
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
	env := setup.Env{Getenv: f.Getenv, LookPath: f.LookPath}
	tools := opts.Tools
	if len(tools) == 0 && opts.Undo {
		tools = setup.Tools
	}
	if len(tools) == 0 {
		if tools = setup.Detect(env); len(tools) == 0 {
			var progs []string
			for _, t := range setup.Tools {
				progs = append(progs, setup.Programs[t]...)
			}
			return failedf("setup: none of %s is on PATH; name a tool with --docker, --podman or --apptainer", strings.Join(progs, ", "))
		}
		writeLine(f.IO.Err, "Found on PATH: %s.", strings.Join(tools, ", "))
	}
	do := setup.Apply
	if opts.Undo {
		do = setup.Undo
	}
	changes, err := do(env, tools)
	changed := 0
	for _, c := range changes {
		writeLine(f.IO.Out, "%s", c)
		if c.Changed {
			changed++
		}
	}
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
		if _, err := f.LookPath("docker-credential-" + setup.Helper); err != nil {
			writeLine(f.IO.Err, "warning: docker-credential-%s is not on PATH, so the tools cannot run it: run `make install` and put its directory on PATH", setup.Helper)
		}
	}
	return nil
}
