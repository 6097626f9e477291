package main

import (
	"encoding/json"
	"sort"
	"text/tabwriter"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/urfave/cli/v2"
)

type listOptions struct {
	JSON bool
}

// listRemote and listLogin are the rows of list, and its --json form.
type listRemote struct {
	Name     string `json:"name"`
	URI      string `json:"uri"`
	Active   bool   `json:"active"`
	Token    bool   `json:"token"`
	Insecure bool   `json:"insecure"`
	Global   bool   `json:"global"` // a system remote (System: true)
}

type listLogin struct {
	URI      string `json:"uri"`
	Insecure bool   `json:"insecure"`
	Username string `json:"username"`
	Auth     string `json:"auth"` // the scheme and a mask, or where the secret is kept
}

type listOutput struct {
	File    string       `json:"file"`
	Problem string       `json:"problem,omitempty"` // why Apptainer would refuse the file
	Remotes []listRemote `json:"remotes"`
	Logins  []listLogin  `json:"logins"`
}

func newListCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Aliases:   []string{"ls"},
		Usage:     "show the remotes and the Authenticated Logins of remote.yaml",
		UsageText: "remote-login list [--json]",
		Description: `Shows the remotes (name, URI, whether it is the Active one, whether it
is a system remote (GLOBAL: from the system remote.yaml of Apptainer or
SingularityCE, as their remote list shows it), whether an access token is set) and the Authenticated Logins (URI, INSECURE, user name),
as Apptainer's remote list and registry list do. No secret is shown: AUTH
tells the kind of login (Basic or Bearer) with the secret masked,
"unrecognised" for a value with neither scheme (none of it is shown), or
"docker-config" for a login Apptainer made, whose secret is kept in its
docker-config.json. Non-printable characters in names are escaped ().

EXAMPLES
   remote-login list
   remote-login list --json | jq -r '.logins[].uri'

` + exitStatus(map[int]string{
			exitOK:     "listed",
			exitFailed: "remote.yaml cannot be read",
			exitUsage:  "an unknown flag or an argument",
		}),
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON for scripts"}},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("list takes no arguments, got %d; it always lists everything (filter with --json and jq)", c.NArg())
			}
			return runList(f, &listOptions{JSON: c.Bool("json")})
		},
	}
}

func runList(f *factory, opts *listOptions) error {
	file, err := f.remoteFile()
	if err != nil {
		return err
	}
	doc, err := file.Read()
	if err != nil {
		return failedf("%v", err)
	}
	cfg := doc.Config()
	sys, err := f.system(file)
	if err != nil {
		return err
	}
	out := listOutput{File: file.Path, Remotes: []listRemote{}, Logins: []listLogin{}}
	if p := doc.Problem(); p != nil {
		// The logins are still served; the user should still fix the file,
		// as Apptainer's and SingularityCE's remote commands refuse it.
		out.Problem = p.Error()
		writeLine(f.IO.Err, "remote-login: warning: %s: %v; logins are still served", file.Path, p)
	}
	view := sys.View(cfg)
	for name, r := range view.Remotes {
		if r == nil {
			continue
		}
		out.Remotes = append(out.Remotes, listRemote{Name: name, URI: r.URI, Active: name == view.Active, Token: r.Token != "", Insecure: r.Insecure, Global: r.System})
	}
	sort.Slice(out.Remotes, func(i, j int) bool { return out.Remotes[i].Name < out.Remotes[j].Name })
	store, err := f.credStore()
	if err != nil {
		return failedf("%v", err)
	}
	logins, err := store.List()
	if err != nil {
		return failedf("%v", err)
	}
	for i, l := range logins {
		auth := "?"
		if i < len(cfg.Credentials) && cfg.Credentials[i].URI == l.URI { // the same file, read twice
			auth = maskAuth(cfg.Credentials[i].Auth, l.From)
		}
		out.Logins = append(out.Logins, listLogin{URI: l.URI, Insecure: l.Insecure, Username: l.Username, Auth: auth})
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := tabwriter.NewWriter(f.IO.Out, 0, 4, 3, ' ', 0)
	writeLine(w, "Remotes (%s):", file.Path)
	writeLine(w, "NAME\tURI\tACTIVE\tGLOBAL\tTOKEN\tINSECURE")
	for _, r := range out.Remotes {
		writeLine(w, "%s\t%s\t%s\t%s\t%s\t%s", r.Name, r.URI, yesNo(r.Active), yesNo(r.Global), yesNo(r.Token), yesNo(r.Insecure))
	}
	if len(out.Remotes) == 0 {
		writeLine(w, "(none)")
	}
	writeLine(w, "\nAuthenticated Logins:")
	writeLine(w, "URI\tINSECURE\tUSER\tAUTH")
	for _, l := range out.Logins {
		user := l.Username
		if user == "" {
			user = "-"
		}
		writeLine(w, "%s\t%s\t%s\t%s", l.URI, yesNo(l.Insecure), user, l.Auth)
	}
	if len(out.Logins) == 0 {
		writeLine(w, "(none)")
	}
	return w.Flush()
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// maskAuth shows the kind of an Auth value, never its secret, or where a
// login without Auth keeps it (the keyring, Apptainer's docker config).
func maskAuth(auth, from string) string {
	if auth == "" {
		if from == "" {
			return "(no secret found)"
		}
		return from
	}
	if scheme := credstore.AuthScheme(auth); scheme != "" {
		return scheme + " ********"
	}
	return "unrecognised ********"
}
