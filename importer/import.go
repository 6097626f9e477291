package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/jsonedit"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/setup"
)

// Status is what happened to one login.
type Status int

// The outcomes of one login, as Result.String words them.
const (
	Moved     Status = iota // stored, read back, and the old copy removed
	Copied                  // stored and read back; the old copy stays (see Note)
	Removed                 // already stored the same: the old copy removed
	Unchanged               // already stored the same, and the old copy stays (see Note)
	WouldMove               // --dry-run: would be stored and the old copy removed
	WouldCopy               // --dry-run: would be stored; the old copy would stay
	Conflict                // the store holds another login for the registry: nothing changed
	Failed                  // nothing changed for this login (see Note)
)

// Result is the report of one login. It never holds the secret.
type Result struct {
	Source   Source
	Key      string // as the file or helper names it
	URI      string // the Credentials entry URI it is (or would be) stored as
	Username string
	Status   Status
	Note     string // why the old copy stays, or what failed
}

func (r Result) String() string {
	from := r.Source.String()
	user := r.Username
	if user == credstore.TokenUser {
		user = "an identity token"
	}
	var s string
	switch r.Status {
	case Moved:
		s = fmt.Sprintf("moved %s (%s) from %s", r.Key, user, from)
	case Copied:
		s = fmt.Sprintf("copied %s (%s) from %s", r.Key, user, from)
	case Removed:
		s = fmt.Sprintf("removed %s from %s: the same login was already stored", r.Key, from)
	case Unchanged:
		s = fmt.Sprintf("%s in %s: the same login is already stored", r.Key, from)
	case WouldMove:
		s = fmt.Sprintf("would move %s (%s) from %s", r.Key, user, from)
	case WouldCopy:
		s = fmt.Sprintf("would copy %s (%s) from %s", r.Key, user, from)
	case Conflict:
		s = fmt.Sprintf("skipped %s in %s", r.Key, from)
	case Failed:
		s = fmt.Sprintf("failed %s in %s", r.Key, from)
	}
	if r.Note != "" {
		s += ": " + r.Note
	}
	return s
}

// Problem tells whether the login was left undone for a reason the user
// has to act on.
func (r Result) Problem() bool { return r.Status == Conflict || r.Status == Failed }

// Importer moves logins into Store.
type Importer struct {
	Env   setup.Env
	Store *credstore.Store
	// Program runs docker-credential-NAME with the given arguments; nil
	// runs it from PATH.
	Program func(name string) client.ProgramFunc
	DryRun  bool

	drops []drop // the copies of the file being imported, to remove
}

// Run imports every login of every source, calling report for each, and
// returns how many were left undone (conflicts and failures; in a dry run,
// only the logins that could not be read: a conflict is then what the run
// is asked to show, not a failure). An error is one that stopped it before
// the logins (no source list, remote.yaml unreadable).
func (im *Importer) Run(report func(Result)) (problems int, err error) {
	if _, err := im.Store.File.Read(); err != nil {
		return 0, err // a broken remote.yaml: say so before any file is touched
	}
	srcs, err := Sources(im.Env)
	if err != nil {
		return 0, err
	}
	emit := func(r Result) {
		if r.Status == Failed || (r.Problem() && !im.DryRun) {
			problems++
		}
		report(r)
	}
	for _, src := range srcs {
		if src.Helper != "" {
			im.fromHelper(src, emit)
			continue
		}
		data, _, err := atomicfile.ReadFile(src.Path)
		if err != nil {
			emit(Result{Source: src, Status: Failed, Note: oneLine(err.Error())})
			continue
		}
		f, err := parseAuthFile(src.Path, data)
		if err == nil {
			_, _, err = jsonedit.Find(data, "auths") // what is read is what is edited
		}
		if err != nil {
			emit(Result{Source: src, Status: Failed, Note: oneLine(err.Error()) + "; nothing imported from it"})
			continue
		}
		// The copies go in one edit of the file after its logins are
		// stored: a file is rewritten once per command, not once per login.
		var results []Result
		im.drops = nil
		for _, key := range f.sortedKeys() {
			user, secret, err := f.Auths[key].credential()
			if err == nil {
				err = checkEntry(data, key)
			}
			if err != nil {
				results = append(results, Result{Source: src, Key: key, Status: Failed, Note: err.Error() + "; left as it is"})
				continue
			}
			if secret == "" {
				continue // docker login's marker: the login is in a helper
			}
			uses, why := helperFor(im.Env, src, f, key)
			results = append(results, im.one(src, key, user, secret, uses, why))
		}
		failed := im.dropCopies(src)
		for _, r := range results {
			if err, ok := failed[r.Key]; ok && (r.Status == Moved || r.Status == Removed) {
				note := "stored, but the old copy stays: "
				if r.Status == Removed {
					note = ""
				}
				r.Status, r.Note = Failed, note+oneLine(err.Error())
			}
			emit(r)
		}
		im.drops = nil
	}
	return problems, nil
}

// fromHelper copies the logins of a helper setup replaced.
func (im *Importer) fromHelper(src Source, emit func(Result)) {
	prog := client.NewShellProgramFunc("docker-credential-" + src.Helper)
	if im.Program != nil {
		prog = im.Program(src.Helper)
	}
	list, err := client.List(prog)
	if err != nil {
		emit(Result{Source: src, Status: Failed, Note: "list: " + oneLine(err.Error()) + " (is docker-credential-" + src.Helper + " on PATH and its store unlocked?)"})
		return
	}
	keys := make([]string, 0, len(list))
	for k := range list {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		c, err := client.Get(prog, key)
		if err != nil {
			emit(Result{Source: src, Key: key, Username: list[key], Status: Failed, Note: "get: " + oneLine(err.Error())})
			continue
		}
		if c.Secret == "" {
			continue
		}
		emit(im.one(src, key, c.Username, c.Secret, false, "kept in docker-credential-"+src.Helper+", which keeps it encrypted (`remote-login setup --undo` goes back to it)"))
	}
}

// one imports one login. removable says whether the old copy may go once
// the login is stored; keepWhy says why not.
func (im *Importer) one(src Source, key, user, secret string, removable bool, keepWhy string) Result {
	r := Result{Source: src, Key: key, Username: user}
	k, err := protocol.ParseKey(key)
	if err != nil {
		r.Status, r.Note = Failed, "not a registry address; left as it is"
		return r
	}
	r.URI = k.EntryURI()
	removable = removable && src.Helper == ""
	// Only docker:// entries (and the Hub token entries) are this login:
	// an oras:// login of the same host is another one.
	rank := func(uri string) int {
		if uri == r.URI || strings.HasPrefix(uri, "docker://") {
			return k.Rank(uri)
		}
		return 0
	}
	cur, err := im.Store.Get(rank)
	stored := err == nil && cur.From != credstore.FromDockerConfig
	switch {
	case err != nil && !errors.Is(err, credstore.ErrNotFound):
		r.Status, r.Note = Failed, oneLine(err.Error())
		return r
	case stored && (cur.Username != user || cur.Secret != secret):
		r.Status = Conflict
		r.Note = fmt.Sprintf("%s already holds another login for %s (user %s); both are kept: remove this one from %s by hand, or log in again", cur.From, r.URI, cur.Username, src.Path)
		return r
	case stored && !removable:
		r.Status = Unchanged
		if src.Helper == "" {
			r.Note = keepWhy
		}
		return r
	case stored:
		if im.DryRun {
			r.Status = WouldMove
			r.Note = "the same login is already stored; the copy would be removed"
			return r
		}
		if err := im.dropCopy(src, k, key, user, secret); err != nil {
			r.Status, r.Note = Failed, oneLine(err.Error())
			return r
		}
		r.Status = Removed
		return r
	}
	if im.DryRun {
		r.Status = WouldMove
		if !removable {
			r.Status, r.Note = WouldCopy, keepWhy
		}
		return r
	}
	same := func(uri string) bool { return rank(uri) > 0 }
	if err := im.Store.Put(credstore.Login{URI: r.URI, Username: user, Secret: secret}, same); err != nil {
		r.Status, r.Note = Failed, oneLine(err.Error())+"; left as it is"
		return r
	}
	back, err := im.Store.Get(func(uri string) int {
		if uri == r.URI {
			return 1
		}
		return 0
	})
	if err != nil || back.From == credstore.FromDockerConfig || back.Username != user || back.Secret != secret {
		r.Status, r.Note = Failed, "stored, but reading it back did not give the same login; the old copy is kept"
		return r
	}
	if !removable {
		r.Status, r.Note = Copied, keepWhy
		return r
	}
	if err := im.dropCopy(src, k, key, user, secret); err != nil {
		r.Status, r.Note = Failed, "stored, but the old copy stays: "+oneLine(err.Error())
		return r
	}
	r.Status = Moved
	return r
}

// drop is a plaintext copy to remove once its login is stored.
type drop struct {
	host, uri, key, user, secret string
}

// dropCopy queues the removal of the plaintext copy of a stored login;
// dropCopies removes the queued ones in one edit.
func (im *Importer) dropCopy(src Source, k protocol.Key, key, user, secret string) error {
	im.drops = append(im.drops, drop{k.Host, k.EntryURI(), key, user, secret})
	return nil
}

// dropCopies removes the queued copies from src's file, returning the
// keys it could not remove. With per-registry setup the tool finds the
// helper only through the registry's credHelpers entry, so that entry is
// written first.
func (im *Importer) dropCopies(src Source) map[string]error {
	failed := map[string]error{}
	var ok []drop
	for _, d := range im.drops {
		if im.Env.PerRegistryTool(src.Tool) {
			if _, err := setup.SyncPerRegistry(im.Env, d.host, true); err != nil {
				failed[d.key] = err
				continue
			}
		}
		ok = append(ok, d)
	}
	if len(ok) == 0 {
		return failed
	}
	// Recorded first: setup --undo puts the logins back (importer.PutBack),
	// so the tool it hands the file back to still finds them.
	var ims []setup.Imported
	for _, d := range ok {
		ims = append(ims, setup.Imported{Tool: src.Tool, Path: src.Path, Key: d.key, URI: d.uri, Username: d.user})
	}
	if err := setup.RecordImport(im.Env, ims...); err != nil {
		for _, d := range ok {
			failed[d.key] = err
		}
		return failed
	}
	for k, err := range removeAuths(src.Path, ok) {
		failed[k] = err
	}
	return failed
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
