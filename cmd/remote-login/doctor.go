package main

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/remoteyaml/remoteyaml/doctor"
	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/machine"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/status"
	"github.com/remoteyaml/remoteyaml/tlsconf"
	"github.com/urfave/cli/v2"
)

type doctorOptions struct {
	Target  string
	JSON    bool
	Offline bool
}

// doctorOutput is what --json prints (its schema is in the help).
type doctorOutput struct {
	File     string           `json:"file"`
	Program  string           `json:"program,omitempty"`
	OK       bool             `json:"ok"`
	Verdicts []doctor.Verdict `json:"verdicts"`
}

func newDoctorCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "doctor",
		Usage:     "say, per container program, whether it will authenticate to a registry and why not",
		UsageText: "remote-login doctor [--json] [--offline] [TARGET]",
		Description: `For TARGET's registry (HOST[:PORT] or docker://HOST[:PORT]; default: every
registry remote.yaml has a login for), one line per container program found
on PATH (docker, podman, skopeo, buildah, crane, oras, regctl, Apptainer,
SingularityCE), following that program's own way to a login: the files it
reads for the host in its order, DOCKER_AUTH_CONFIG (docker/cli, crane,
regclient and both CLIs take it before any helper) and REGISTRY_AUTH_FILE
(containers tools), whether it will run docker-credential-remoteyaml
(credsStore, credHelpers, the registries.conf drop-in where that program
reads it), whether the helper is on PATH, whether remote.yaml has a login
for the host (and whether a plaintext copy lingers elsewhere) and, unless
--offline, whether the server accepts that login now (status's check).
Each line ends "will authenticate" or "will not: CAUSE; fix: COMMAND".
Nothing is written and no secret is printed.

JSON (--json)
   {"file": remote.yaml's path, "program": "Apptainer"|"SingularityCE"|"",
    "ok": every verdict ok,
    "verdicts": [{"program", "host", "reads": [files, in its order],
                  "via": how it reaches the helper, "ok": bool,
                  "cause": why not, "fix": the command, "notes": [...]}]}

EXAMPLES
   remote-login doctor
   remote-login doctor --offline registry.example.com:5000
   remote-login doctor --json | jq -r '.verdicts[] | select(.ok | not) | .fix'

` + exitStatus(map[int]string{
			exitOK:     "every program found will authenticate (also: no program found)",
			exitFailed: "a program will not authenticate, TARGET has no login, or remote.yaml cannot be read",
			exitUsage:  "an unknown flag, a bad TARGET or more than one",
		}),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON for scripts"},
			&cli.BoolFlag{Name: "offline", Usage: "do not ask the servers whether the logins work"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErrorf("doctor takes at most one TARGET, got %d arguments", c.NArg())
			}
			return runDoctor(c, f, &doctorOptions{Target: c.Args().First(), JSON: c.Bool("json"), Offline: c.Bool("offline")})
		},
	}
}

func runDoctor(c *cli.Context, f *factory, opts *doctorOptions) error {
	m := f.machine()
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	logins, _, err := status.Load(store)
	if err != nil {
		return failedf("%v", err)
	}
	byHost := map[string]status.Login{}
	var hosts []string
	for _, l := range logins {
		if l.Kind != login.Registry {
			continue
		}
		if h, ok := protocol.ListKey(l.URI); ok {
			if _, dup := byHost[h]; !dup {
				hosts = append(hosts, h)
			}
			if old, dup := byHost[h]; !dup || old.Secret == "" {
				byHost[h] = l
			}
		}
	}
	if opts.Target != "" {
		t := opts.Target
		if !strings.Contains(t, "://") {
			t = "docker://" + t
		}
		h, ok := protocol.ListKey(t)
		if !ok {
			return usageErrorf("doctor: %q is not a registry: give HOST[:PORT] or docker://HOST[:PORT]", opts.Target)
		}
		hosts = []string{h}
	}
	// status's check, with the trust a login has (certs.d, SSL_CERT_FILE).
	checker := &status.Checker{
		Prober: &login.Checker{Client: f.HTTPClient, UserAgent: "remote-login/" + buildVersion(),
			Trust:   tlsconf.Sources{Home: f.Getenv("HOME"), SystemDirs: f.SystemCertDirs},
			Timeout: status.DefaultTimeout},
		Timeout: status.DefaultTimeout,
		Now:     f.Now,
	}
	state := func(host string) doctor.LoginState {
		l, ok := byHost[host]
		if !ok || l.Secret == "" || l.Err != nil {
			return doctor.LoginState{}
		}
		ls := doctor.LoginState{Found: true, Where: l.Where}
		if opts.Offline {
			return ls
		}
		r := checker.Run(c.Context, []status.Login{l})[0]
		ls.Checked, ls.OK = true, !r.State.Bad()
		ls.Cause = "the login in remote.yaml is " + string(r.State)
		if r.Status != 0 {
			ls.Cause += " (HTTP " + strconv.Itoa(r.Status) + ")"
		}
		if r.Detail != "" {
			ls.Cause += ": " + r.Detail
		}
		if ls.Fix = r.Fix; ls.Fix == "" {
			ls.Fix = "remote-login " + host
		}
		return ls
	}
	verdicts := doctor.Diagnose(doctor.Input{M: m, Hosts: hosts, Login: state, Version: buildVersion()})
	out := doctorOutput{File: store.File.Path, OK: true, Verdicts: verdicts}
	if out.Verdicts == nil {
		out.Verdicts = []doctor.Verdict{}
	}
	if p := m.Primary(); p != nil {
		out.Program = machine.DisplayName(p.Kind)
	}
	for _, v := range verdicts {
		out.OK = out.OK && v.OK
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return failedf("%v", err)
		}
	} else {
		switch {
		case len(hosts) == 0:
			writeLine(f.IO.Out, "No registry login in %s: give a TARGET, or log in first (remote-login HOST).", store.File.Path)
		case len(verdicts) == 0:
			writeLine(f.IO.Out, "No container program found on PATH.")
		}
		for _, v := range verdicts {
			writeLine(f.IO.Out, "%s", v.Line())
		}
	}
	if !out.OK {
		return errReported
	}
	return nil
}
