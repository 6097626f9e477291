package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/remoteyaml/remoteyaml/login"
	"github.com/remoteyaml/remoteyaml/status"
	"github.com/remoteyaml/remoteyaml/tlsconf"
	"github.com/urfave/cli/v2"
)

type statusOptions struct {
	Target   string
	JSON     bool
	Timeout  time.Duration
	Insecure bool
	CAFile   string
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
		UsageText: "remote-login status [--json] [--timeout DURATION] [--insecure] [--ca-file FILE] [TARGET]",
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
login, printed as its check ends: TARGET, where its SECRET lives, and its
STATUS: OK, refused (the HTTP status), unreachable (why: the server or a
proxy could not be reached), expiring or expired (when), or failed (why). On
a terminal a progress line names the checks still running until the last
ends. No part of any secret is printed; user information in URIs is
redacted. Nothing is written.

TLS is trusted as login trusts it: the system CAs (or SSL_CERT_FILE), the
certs.d directories, and --ca-file FILE. --insecure means what it means for
login: the servers' certificates are not verified, and plain HTTP is used
where a server speaks only that.

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
			&cli.BoolFlag{Name: "insecure", Usage: "trust the network: do not verify the servers' TLS certificates, and use plain HTTP where a server speaks only that"},
			&cli.StringFlag{Name: "ca-file", Usage: "also trust the CA certificates (PEM) in `FILE`", TakesFile: true},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErrorf("status takes at most one TARGET, got %d arguments", c.NArg())
			}
			if c.Duration("timeout") <= 0 {
				return usageErrorf("--timeout must be positive, e.g. 10s")
			}
			return runStatus(c, f, &statusOptions{Target: c.Args().First(), JSON: c.Bool("json"), Timeout: c.Duration("timeout"),
				Insecure: c.Bool("insecure"), CAFile: c.String("ca-file")})
		},
	}
}

func runStatus(c *cli.Context, f *factory, opts *statusOptions) error {
	if opts.CAFile != "" {
		if _, err := os.Stat(opts.CAFile); err != nil {
			return failedf("--ca-file: %v", err)
		}
	}
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
		// The trust a login has (certs.d, SSL_CERT_FILE, --ca-file), so
		// that status does not report a TLS failure for a login
		// remote-login accepted; its timeout, so a message names it.
		Prober: &login.Checker{Client: f.HTTPClient, UserAgent: "remote-login/" + buildVersion(),
			Trust:   tlsconf.Sources{Home: f.Getenv("HOME"), SystemDirs: f.SystemCertDirs, CAFile: opts.CAFile},
			Timeout: opts.Timeout},
		Timeout:  opts.Timeout,
		Now:      f.Now,
		Insecure: opts.Insecure,
	}
	table := newStatusTable(f.IO, logins, !opts.JSON)
	table.start()
	checker.Done = table.done
	results := checker.Run(c.Context, logins)
	table.finish()
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
	} else if len(results) == 0 {
		writeLine(f.IO.Out, "(no logins in %s)", store.File.Path)
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

// statusTable prints status's lines as the checks end: the TARGET and
// SECRET columns are known before any check, so each line can be padded
// and printed the moment its result comes. On a terminal (stderr) a
// progress line below them names what is still being checked; it is
// erased before each line and at the end, so what stays on the screen is
// the table alone. Without a terminal nothing but the lines is written.
type statusTable struct {
	io             *IOStreams
	lines          bool // print the lines (not --json)
	progress       bool // draw the progress line on stderr
	targets, where []string
	wTarget, wSrc  int
	pending        map[int]bool
	mu             sync.Mutex
	shown          bool // a progress line is on the screen
}

func newStatusTable(io *IOStreams, logins []status.Login, lines bool) *statusTable {
	t := &statusTable{io: io, lines: lines, progress: io.ErrIsTerminal() && len(logins) > 0, pending: map[int]bool{},
		wTarget: len("TARGET"), wSrc: len("SECRET")}
	for i, l := range logins {
		where := l.Where
		if where == "" {
			where = "-"
		}
		t.targets = append(t.targets, l.Target)
		t.where = append(t.where, where)
		t.wTarget = max(t.wTarget, utf8.RuneCountInString(l.Target))
		t.wSrc = max(t.wSrc, utf8.RuneCountInString(where))
		t.pending[i] = true
	}
	return t
}

// pad is s and the spaces that fill its column of width w, plus the gap
// between columns (3, as the tabwriter status printed before had it).
func pad(s string, w int) string {
	return s + strings.Repeat(" ", w-utf8.RuneCountInString(s)+3)
}

// start prints the header and the first progress line.
func (t *statusTable) start() {
	if t.lines {
		writeLine(t.io.Out, "%s%sSTATUS", pad("TARGET", t.wTarget), pad("SECRET", t.wSrc))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.draw()
}

// done is status.Checker.Done: print result i's line, then the progress.
func (t *statusTable) done(i int, r status.Result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pending, i)
	t.erase()
	if t.lines {
		writeLine(t.io.Out, "%s%s%s", pad(t.targets[i], t.wTarget), pad(t.where[i], t.wSrc), r.Short())
	}
	t.draw()
}

func (t *statusTable) finish() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.erase()
}

// draw shows which checks are still running, in one line short enough not
// to wrap on an 80-column terminal (a wrapped line could not be erased).
func (t *statusTable) draw() {
	if !t.progress || len(t.pending) == 0 {
		return
	}
	first := -1
	for i := range t.targets {
		if t.pending[i] {
			first = i
			break
		}
	}
	name := t.targets[first]
	if utf8.RuneCountInString(name) > 40 {
		name = string([]rune(name)[:39]) + "…"
	}
	line := fmt.Sprintf("Checking %s", name)
	if n := len(t.pending) - 1; n > 0 {
		line += fmt.Sprintf(" and %d more", n)
	}
	fmt.Fprint(t.io.Err, line+" (Ctrl-C to stop)")
	t.shown = true
}

// erase clears the progress line: back to its start, clear to the end.
func (t *statusTable) erase() {
	if t.shown {
		fmt.Fprint(t.io.Err, "\r\x1b[K")
		t.shown = false
	}
}
