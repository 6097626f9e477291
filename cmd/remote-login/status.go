package main

import (
	"encoding/json"
	"errors"
	"text/tabwriter"
	"time"

	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/status"
	"github.com/remoteyaml/remoteyaml/tlsconf"
	"github.com/urfave/cli/v2"
)

type statusOptions struct {
	Target  string
	JSON    bool
	Timeout time.Duration
}

// statusOutput is what --json prints.
type statusOutput struct {
	File    string          `json:"file"`
	OK      bool            `json:"ok"`
	Problem string          `json:"problem,omitempty"` // why Apptainer would refuse the file
	Logins  []status.Result `json:"logins"`
}

func newStatusCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "check every stored login with its server again",
		UsageText: "remote-login status [--json] [--timeout DURATION] [TARGET]",
		Description: `Checks each stored login (or only TARGET's: a remote name, docker://HOST,
or a keyserver URI) with its server, all at once, each within --timeout:

   library remote   service discovery, each service's version and the
                    token's token-status, as apptainer remote status does
   registry         GET /v2/ with the stored credential (Basic, or an
                    identity token through the registry's token service),
                    wherever its secret is: remote.yaml, the OS keyring, or
                    the docker config file Apptainer's own login wrote
   keyserver        GET its URI with the stored Authorization

A token that is a JWT has its expiry read locally: within 7 days it is
reported as expiring, after it as expired (and it is not sent). One line per
login: TARGET, where its SECRET lives, and its STATUS: OK, refused (the HTTP
status), unreachable (why), expiring or expired (when), or failed (why). No
part of any secret is printed; user information in URIs is redacted. Nothing
is written.

EXAMPLES
   remote-login status
   remote-login status docker://registry.example.com:5000
   remote-login status --json | jq -r '.logins[] | select(.state != "ok") | .target'

EXIT STATUS
   0  every login checked is OK (or only expiring: a warning)
   1  a login is refused, expired, unreachable or failed; TARGET has no
      login stored; remote.yaml cannot be read, or has keys Apptainer and
      SingularityCE refuse (the logins are still checked)
   2  usage: unknown flag, bad TARGET, more than one TARGET`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON for scripts"},
			&cli.DurationFlag{Name: "timeout", Value: status.DefaultTimeout, Usage: "give each login's check at most `DURATION`"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErrorf("status takes at most one TARGET, got %d arguments", c.NArg())
			}
			if c.Duration("timeout") <= 0 {
				return usageErrorf("--timeout must be positive, e.g. 10s")
			}
			return runStatus(c, f, &statusOptions{Target: c.Args().First(), JSON: c.Bool("json"), Timeout: c.Duration("timeout")})
		},
	}
}

func runStatus(c *cli.Context, f *factory, opts *statusOptions) error {
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	logins, problem, err := status.Load(store)
	if err != nil {
		return failedf("%v", err)
	}
	logins, err = status.Filter(logins, opts.Target)
	switch {
	case errors.Is(err, login.ErrTarget):
		return usageErrorf("%v", err)
	case err != nil:
		return failedf("%v in %s", err, store.File.Path)
	}
	checker := &status.Checker{
		// The trust a login has (certs.d, SSL_CERT_FILE), so that status
		// does not report a TLS failure for a login remote-login accepted.
		Prober: &login.Checker{Client: f.HTTPClient, UserAgent: "remote-login/" + buildVersion(),
			Trust: tlsconf.Sources{Home: f.Getenv("HOME"), SystemDirs: f.SystemCertDirs},
			// The limit its messages name is the one that bounds the check.
			Timeout: opts.Timeout},
		Timeout: opts.Timeout,
		Now:     f.Now,
	}
	results := checker.Run(c.Context, logins)
	out := statusOutput{File: store.File.Path, OK: problem == nil, Logins: results}
	if problem != nil {
		out.Problem = problem.Error()
	}
	for _, r := range results {
		if r.State.Bad() {
			out.OK = false
		}
	}
	if out.Logins == nil {
		out.Logins = []status.Result{}
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		w := tabwriter.NewWriter(f.IO.Out, 0, 4, 3, ' ', 0)
		writeLine(w, "TARGET\tSECRET\tSTATUS")
		for _, r := range results {
			where := r.SecretIn
			if where == "" {
				where = "-"
			}
			writeLine(w, "%s\t%s\t%s", r.Target, where, r.Short())
		}
		if len(results) == 0 {
			writeLine(w, "(no logins in %s)", store.File.Path)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if problem != nil {
		// The logins may work for other clients, but Apptainer's remote and
		// registry commands fail on this file, and its library commands
		// drop the user's token.
		return failedf("%v", problem)
	}
	if !out.OK {
		return &exitError{exitFailed, errReported}
	}
	return nil
}
