package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os/user"
	"path/filepath"
	"slices"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/jsonedit"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// The tools setup knows.
const (
	Docker    = "docker"    // and crane, oras, regctl
	Podman    = "podman"    // and skopeo, buildah
	Apptainer = "apptainer" // and SingularityCE
)

// Tools lists them in the order setup handles them.
var Tools = []string{Docker, Podman, Apptainer}

// Helper is the credential helper suffix written into the files.
const Helper = "remoteyaml"

// DropInName is the registries.conf drop-in setup writes.
const DropInName = "50-remoteyaml.conf"

// DropIn is the drop-in's content.
const DropIn = `# Written by "remote-login setup"; "remote-login setup --undo" removes it.
# podman, skopeo, buildah and Apptainer pulls ask docker-credential-remoteyaml
# first (logins kept in remote.yaml), then the usual auth files.
credential-helpers = ["` + Helper + `", "containers-auth.json"]
`

// Programs are the commands on PATH that show a tool is in use.
var Programs = map[string][]string{
	Docker:    {"docker", "crane", "oras", "regctl"},
	Podman:    {"podman", "skopeo", "buildah"},
	Apptainer: {"apptainer", "singularity"},
}

// Env is the environment setup works in.
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
}

// Change is what happened to one file.
type Change struct {
	Tool    string
	Path    string
	Changed bool
	What    string // e.g. `set "credsStore": "remoteyaml"`, "already set"
}

func (c Change) String() string {
	return fmt.Sprintf("%-10s %s: %s", c.Tool+":", c.Path, c.What)
}

// Detect returns the tools with a program on PATH.
func Detect(env Env) []string {
	var out []string
	for _, t := range Tools {
		for _, p := range Programs[t] {
			if _, err := env.LookPath(p); err == nil {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

func (env Env) home() (string, error) {
	if h := env.Getenv("HOME"); h != "" {
		return h, nil
	}
	u, err := user.Current()
	if err != nil || u.HomeDir == "" {
		return "", errors.New("HOME is not set and the user has no home directory")
	}
	return u.HomeDir, nil
}

func (env Env) configHome() (string, error) {
	if d := env.Getenv("XDG_CONFIG_HOME"); d != "" {
		return d, nil
	}
	h, err := env.home()
	return filepath.Join(h, ".config"), err
}

// RecordPath is where setup keeps what it did.
func (env Env) RecordPath() (string, error) {
	d, err := env.configHome()
	return filepath.Join(d, "remoteyaml", "setup.json"), err
}

// DockerConfig is the Docker CLI's config file.
func (env Env) DockerConfig() (string, error) {
	if d := env.Getenv("DOCKER_CONFIG"); d != "" {
		return filepath.Join(d, "config.json"), nil
	}
	h, err := env.home()
	return filepath.Join(h, ".docker", "config.json"), err
}

// DropInPath is the registries.conf drop-in of containers/image. It reads
// the per-user drop-ins from $HOME/.config/containers/registries.conf.d
// whatever XDG_CONFIG_HOME says (pkg/sysregistriesv2: homedir +
// ".config/containers/registries.conf.d"), so the drop-in goes there: one
// under $XDG_CONFIG_HOME would be ignored and pulls fail with
// "authentication required".
func (env Env) DropInPath() (string, error) {
	h, err := env.home()
	return filepath.Join(h, ".config", "containers", "registries.conf.d", DropInName), err
}

// ApptainerDockerConfig is the docker-config.json next to remote.yaml.
func (env Env) ApptainerDockerConfig() (string, error) {
	p, err := yamlstore.Locate(env.Getenv)
	return filepath.Join(filepath.Dir(p), "docker-config.json"), err
}

type target struct {
	kind string
	path string
}

func (env Env) targets(tool string) ([]target, error) {
	var out []target
	add := func(kind string, path string, err error) error {
		if err != nil {
			return err
		}
		out = append(out, target{kind, path})
		return nil
	}
	var err error
	switch tool {
	case Docker:
		p, e := env.DockerConfig()
		err = add(kindJSON, p, e)
	case Podman:
		p, e := env.DropInPath()
		err = add(kindDropIn, p, e)
	case Apptainer:
		p, e := env.ApptainerDockerConfig()
		if err = add(kindJSON, p, e); err == nil {
			p, e = env.DropInPath()
			err = add(kindDropIn, p, e)
		}
	default:
		err = fmt.Errorf("unknown tool %q", tool)
	}
	return out, err
}

// Apply sets up each tool. It goes on after a file it cannot edit and
// returns the first such error with the changes it made.
func Apply(env Env, tools []string) ([]Change, error) {
	return run(env, tools, apply)
}

// Undo reverts what Apply recorded for each tool, including files an
// older setup wrote elsewhere (a drop-in under $XDG_CONFIG_HOME).
func Undo(env Env, tools []string) ([]Change, error) {
	return run(env, tools, undo, true)
}

// run holds the record's lock from its read to its last write, so that two
// setups at once take turns instead of each saving over the other's record.
func run(env Env, tools []string, do func(*record, string, target) (Change, error), recorded ...bool) ([]Change, error) {
	recPath, err := env.RecordPath()
	if err != nil {
		return nil, err
	}
	rec, rf, unlock, err := openSetupRecord(recPath)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// A record setup cannot write stops it before any edit.
	if err := rf.check(); err != nil {
		return nil, fmt.Errorf("recording what setup does: %w", err)
	}
	var changes []Change
	var firstErr error
	for _, tool := range tools {
		ts, err := env.targets(tool)
		if err != nil {
			return changes, err
		}
		if len(recorded) > 0 && recorded[0] {
			ts = append(ts, rec.elsewhere(tool, ts)...)
		}
		for _, t := range ts {
			c, err := do(rec, tool, t)
			if err != nil {
				firstErr = errors.Join(firstErr, err)
				continue
			}
			changes = append(changes, c)
		}
	}
	if err := rec.save(); err != nil {
		return changes, errors.Join(firstErr, fmt.Errorf("recording what setup did: %w", err))
	}
	return changes, firstErr
}

// apply edits t's file on atomicfile's write path, and saves the record of
// the edit before the edit itself: setup killed between the two leaves a
// record of an edit that did not happen (the next setup or --undo finds
// the file as it was), never an edit without a record of the helper it
// replaced.
func apply(rec *record, tool string, t target) (Change, error) {
	c := Change{Tool: tool, Path: t.path}
	old := rec.Files[t.path]
	newMode := fs.FileMode(0o600)
	if t.kind == kindDropIn {
		newMode = 0o644
	}
	err := atomicfile.Update(t.path, atomicfile.Options{Mode: newMode}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		c = Change{Tool: tool, Path: t.path}
		rec.Files[t.path] = old
		if old == nil {
			delete(rec.Files, t.path)
		}
		return applyEdit(rec, old, tool, t, data, st.Exists, &c)
	})
	if err != nil {
		if rec.Files[t.path] != old { // the record said more than was done
			if old == nil {
				delete(rec.Files, t.path)
			} else {
				rec.Files[t.path] = old
			}
			rec.save()
		}
		return Change{Tool: tool, Path: t.path}, err
	}
	return c, nil
}

func applyEdit(rec *record, old *fileRecord, tool string, t target, data []byte, exists bool, c *Change) ([]byte, atomicfile.Op, error) {
	var out []byte
	fr := &fileRecord{Kind: t.kind, Created: !exists}
	switch t.kind {
	case kindJSON:
		if !exists || len(bytes.TrimSpace(data)) == 0 {
			fresh := "{\n\t\"credsStore\": \"" + Helper + "\"\n}\n"
			fr.Splice = &Splice{Offset: 0, Old: string(data), New: fresh}
			c.What = `created with "credsStore": "` + Helper + `"`
		} else {
			s, oldVal, err := setString(data, "credsStore", Helper)
			if err != nil {
				return nil, atomicfile.Keep, fmt.Errorf("%s: %w; fix it, or set \"credsStore\": %q by hand", t.path, err, Helper)
			}
			if s == (Splice{}) {
				c.What = `already has "credsStore": "` + Helper + `", unchanged`
				break
			}
			fr.Splice, fr.OldValue = &s, oldVal
			c.What = `set "credsStore": "` + Helper + `"`
			if oldVal != nil {
				c.What += " (was " + string(oldVal) + "; its logins are no longer used: `remote-login import` copies them)"
			} else {
				c.What += ", other keys unchanged"
			}
		}
		if fr.Splice != nil {
			out = fr.Splice.apply(data)
		}
	case kindDropIn:
		if exists && string(data) == DropIn {
			c.What = "already in place, unchanged"
			break
		}
		if exists {
			orig := string(data)
			fr.Original = &orig
			c.What = "replaced (the old text is kept for --undo)"
		} else {
			c.What = `created: credential-helpers = ["` + Helper + `", "containers-auth.json"]`
		}
		out = []byte(DropIn)
	}
	if out == nil { // nothing to do: only claim the record, if any
		if old != nil {
			old.addOwner(tool)
		}
		return nil, atomicfile.Keep, nil
	}
	if old != nil {
		fr.Owners = slices.Clone(old.Owners)
	}
	fr.addOwner(tool)
	fr.SHA256 = hash(out)
	rec.Files[t.path] = fr
	if err := rec.save(); err != nil {
		return nil, atomicfile.Keep, fmt.Errorf("recording what setup is about to do: %w; nothing was changed", err)
	}
	c.Changed = true
	return out, atomicfile.Replace, nil
}

func undo(rec *record, tool string, t target) (Change, error) {
	c := Change{Tool: tool, Path: t.path}
	fr := rec.Files[t.path]
	if fr == nil || !containsOwner(fr, tool) {
		c.What = "nothing recorded by setup, left alone"
		return c, nil
	}
	fr.dropOwner(tool)
	if len(fr.Owners) > 0 {
		c.What = fmt.Sprintf("kept: still used for %v", fr.Owners)
		return c, nil
	}
	delete(rec.Files, t.path)
	err := atomicfile.Update(t.path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		c = Change{Tool: tool, Path: t.path}
		return undoEdit(fr, t, data, st.Exists, &c)
	})
	return c, err
}

func undoEdit(fr *fileRecord, t target, data []byte, exists bool, c *Change) ([]byte, atomicfile.Op, error) {
	if !exists {
		c.What = "already gone"
		return nil, atomicfile.Keep, nil
	}
	unchanged := hash(data) == fr.SHA256
	switch {
	case unchanged && fr.Created:
		c.What = "removed (setup had created it)"
		c.Changed = true
		return nil, atomicfile.Remove, nil
	case unchanged && fr.Kind == kindDropIn && fr.Original != nil:
		c.What = "restored to its text before setup"
		c.Changed = true
		return []byte(*fr.Original), atomicfile.Replace, nil
	case unchanged && fr.Kind == kindJSON && fr.Splice != nil:
		if out, ok := fr.Splice.reverse(data); ok {
			c.What = "restored byte for byte"
			c.Changed = true
			return out, atomicfile.Replace, nil
		}
	case fr.Kind == kindDropIn:
		c.What = "changed since setup, left alone: remove it by hand if you no longer want it"
		return nil, atomicfile.Keep, nil
	}
	// The file changed since setup (a login rewrote it): put back only the key.
	p, ok, err := jsonedit.Find(data, "credsStore")
	if err != nil {
		return nil, atomicfile.Keep, fmt.Errorf("%s: %w; remove \"credsStore\" by hand", t.path, err)
	}
	var cur string
	if !ok || json.Unmarshal(p.Raw, &cur) != nil || cur != Helper {
		c.What = "credsStore changed since setup, left alone"
		return nil, atomicfile.Keep, nil
	}
	var out []byte
	if fr.OldValue != nil {
		out = Splice{Offset: p.ValStart, Old: string(p.Raw), New: string(fr.OldValue)}.apply(data)
		c.What = "changed since setup: only credsStore set back to " + string(fr.OldValue)
	} else {
		if out, _, err = jsonedit.Remove(data, "credsStore"); err != nil {
			return nil, atomicfile.Keep, fmt.Errorf("%s: %w", t.path, err)
		}
		c.What = "changed since setup: only credsStore removed"
	}
	c.Changed = true
	return out, atomicfile.Replace, nil
}

func containsOwner(fr *fileRecord, tool string) bool {
	for _, o := range fr.Owners {
		if o == tool {
			return true
		}
	}
	return false
}

// elsewhere are the files recorded for tool that are not among ts: written
// where an older setup put them.
func (r *record) elsewhere(tool string, ts []target) []target {
	var out []target
	var paths []string
	for p := range r.Files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if !containsOwner(r.Files[p], tool) || slices.ContainsFunc(ts, func(t target) bool { return t.path == p }) {
			continue
		}
		out = append(out, target{r.Files[p].Kind, p})
	}
	return out
}
