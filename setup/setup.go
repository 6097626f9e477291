package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/jsonedit"
	"github.com/remoteyaml/remoteyaml/machine"
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
const DropInName = machine.DropInName

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
	// Machine is the model of this machine every file is found from; nil:
	// probed from Getenv and LookPath without running any program.
	Machine *machine.Machine
}

// Change is what happened to one file.
type Change struct {
	Tool    string // the tool, or the tools joined with ","
	Path    string
	Changed bool
	What    string // e.g. `set "credsStore": "remoteyaml"`, "already set"
}

func (c Change) String() string {
	return fmt.Sprintf("%-10s %s: %s", c.Tool+":", c.Path, c.What)
}

// M is the machine model.
func (env Env) M() *machine.Machine {
	if env.Machine != nil {
		return env.Machine
	}
	return machine.Probe(machine.Env{Getenv: env.Getenv, LookPath: env.LookPath})
}

// Detect returns the tools with a program on PATH, Apptainer's for either
// Apptainer or SingularityCE.
func Detect(env Env) []string {
	m := env.M()
	var out []string
	for _, t := range Tools {
		if t == Apptainer {
			if len(m.Programs()) > 0 {
				out = append(out, t)
			}
			continue
		}
		for _, p := range Programs[t] {
			if _, ok := m.Tool(p); ok {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// Found names the programs on PATH behind each of tools, Apptainer and
// SingularityCE as the model identified them (Apptainer's singularity
// link is Apptainer).
func (env Env) Found(tools []string) []string {
	m := env.M()
	var out []string
	for _, t := range tools {
		if t == Apptainer {
			for _, p := range m.Programs() {
				out = append(out, machine.DisplayName(p.Kind)+" ("+strings.Join(p.Names, ", ")+")")
			}
			continue
		}
		for _, p := range Programs[t] {
			if _, ok := m.Tool(p); ok {
				out = append(out, p)
			}
		}
	}
	return out
}

// UndoTools are the tools an undo with none named handles: those on PATH
// and those setup (either kind) recorded.
func (env Env) UndoTools() []string {
	on := Detect(env)
	recorded, _ := env.SetUpTools()
	var out []string
	for _, t := range Tools {
		if slices.Contains(on, t) || slices.Contains(recorded, t) || env.PerRegistryTool(t) {
			out = append(out, t)
		}
	}
	return out
}

// Label names a tool as output shows it: the Apptainer tool is labelled
// by the program installed, "singularityce" when SingularityCE owns
// remote.yaml.
func (env Env) Label(tool string) string {
	if tool == Apptainer {
		if u, err := env.M().UserFile(); err == nil && u.Installed && u.Program == machine.SingularityCE {
			return "singularityce"
		}
	}
	return tool
}

func (env Env) home() (string, error) {
	if h := env.M().Home; h != "" {
		return h, nil
	}
	return "", errors.New("HOME is not set and the user has no home directory")
}

func (env Env) configHome() (string, error) {
	if _, err := env.home(); err != nil && env.Getenv("XDG_CONFIG_HOME") == "" {
		return "", err
	}
	return env.M().ConfigHome(), nil
}

// RecordPath is where setup keeps what it did.
func (env Env) RecordPath() (string, error) {
	d, err := env.configHome()
	return filepath.Join(d, "remoteyaml", "setup.json"), err
}

// DockerConfig is the Docker CLI's config file.
func (env Env) DockerConfig() (string, error) {
	_, err := env.home()
	if env.Getenv("DOCKER_CONFIG") != "" {
		err = nil
	}
	return env.M().DockerConfig(), err
}

// DropInPaths are where the drop-in must be for the tool: every place a
// reader of it on this machine looks (machine.DropInReaders). For podman
// set up by name with none of its programs installed, containers/image's
// ~/.config; for Apptainer not installed, Apptainer's place.
func (env Env) DropInPaths(tool string) []string {
	m := env.M()
	var out []string
	for _, r := range m.DropInReaders() {
		if (tool == Apptainer) == (r.Reader == "apptainer") && !slices.Contains(out, r.Path()) {
			out = append(out, r.Path())
		}
	}
	if len(out) > 0 {
		return out
	}
	switch {
	case tool == Podman:
		return []string{filepath.Join(m.Home, ".config", "containers", "registries.conf.d", DropInName)}
	case tool == Apptainer && len(m.Programs()) == 0:
		return []string{filepath.Join(m.ConfigHome(), "containers", "registries.conf.d", DropInName)}
	}
	return nil // SingularityCE pulls through ggcr: credsStore is enough
}

// DropInPath is the first place a containers tool reads the drop-in from.
func (env Env) DropInPath() (string, error) {
	if ps := env.DropInPaths(Podman); len(ps) > 0 {
		return ps[0], nil
	}
	return "", errors.New("no containers tool reads a drop-in here")
}

// ApptainerDockerConfig is the docker-config.json next to remote.yaml,
// in the config directory of the program installed.
func (env Env) ApptainerDockerConfig() (string, error) {
	u, err := env.M().UserFile()
	return filepath.Join(u.Dir(), "docker-config.json"), err
}

type target struct {
	kind string
	path string
}

func (env Env) targets(tool string) ([]target, error) {
	var out []target
	switch tool {
	case Docker:
		p, err := env.DockerConfig()
		if err != nil {
			return nil, err
		}
		out = append(out, target{kindJSON, p})
	case Podman:
		for _, p := range env.DropInPaths(Podman) {
			out = append(out, target{kindDropIn, p})
		}
	case Apptainer:
		p, err := env.ApptainerDockerConfig()
		if err != nil {
			return nil, err
		}
		out = append(out, target{kindJSON, p})
		for _, p := range env.DropInPaths(Apptainer) {
			out = append(out, target{kindDropIn, p})
		}
	default:
		return nil, fmt.Errorf("unknown tool %q", tool)
	}
	return out, nil
}

// Apply sets up each tool. It goes on after a file it cannot edit and
// returns the first such error with the changes it made.
func Apply(env Env, tools []string) ([]Change, error) {
	return run(env, tools, apply)
}

// Undo reverts what Apply recorded for each tool, including files an
// older setup wrote elsewhere (a drop-in where this machine's readers do
// not look). A file shared by several of the tools gets one line.
func Undo(env Env, tools []string) ([]Change, error) {
	// The record's lock is held from its read to its last write, as in run.
	rec, unlock, err := lockRecord(env)
	if err != nil {
		return nil, err
	}
	defer unlock()
	type job struct {
		t     target
		tools []string
	}
	var jobs []*job
	byPath := map[string]*job{}
	for _, tool := range tools {
		ts, err := env.targets(tool)
		if err != nil {
			return nil, err
		}
		for _, t := range append(ts, rec.elsewhere(tool, ts)...) {
			j := byPath[t.path]
			if j == nil {
				j = &job{t: t}
				byPath[t.path] = j
				jobs = append(jobs, j)
			}
			if !slices.Contains(j.tools, tool) {
				j.tools = append(j.tools, tool)
			}
		}
	}
	var changes []Change
	var firstErr error
	for _, j := range jobs {
		c, err := undo(rec, env, j.tools, j.t)
		if err != nil {
			firstErr = errors.Join(firstErr, err)
			continue
		}
		changes = append(changes, c)
	}
	return rec.finish(changes, firstErr)
}

// run holds the record's lock from its read to its last write, so that two
// setups at once take turns instead of each saving over the other's record.
func run(env Env, tools []string, do func(*record, string, target) (Change, error)) ([]Change, error) {
	rec, unlock, err := lockRecord(env)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var changes []Change
	var firstErr error
	for _, tool := range tools {
		ts, err := env.targets(tool)
		if err != nil {
			return changes, err
		}
		for _, t := range ts {
			c, err := do(rec, tool, t)
			c.Tool = env.Label(tool)
			if err != nil {
				firstErr = errors.Join(firstErr, err)
				continue
			}
			changes = append(changes, c)
		}
	}
	return rec.finish(changes, firstErr)
}

// finish saves the record after the edits it describes: a record that
// cannot be saved is one more error beside the edits' own.
func (rec *record) finish(changes []Change, firstErr error) ([]Change, error) {
	if err := rec.save(); err != nil {
		return changes, errors.Join(firstErr, fmt.Errorf("recording what setup did: %w", err))
	}
	return changes, firstErr
}

// lockRecord reads setup's record and holds its lock until unlock. A
// record setup cannot write stops it before any edit.
func lockRecord(env Env) (rec *record, unlock func(), err error) {
	recPath, err := env.RecordPath()
	if err != nil {
		return nil, nil, err
	}
	rec, rf, unlock, err := openSetupRecord(recPath)
	if err != nil {
		return nil, nil, err
	}
	if err := rf.check(); err != nil {
		unlock()
		return nil, nil, fmt.Errorf("recording what setup does: %w", err)
	}
	return rec, unlock, nil
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

func undo(rec *record, env Env, tools []string, t target) (Change, error) {
	var labels []string
	for _, tool := range tools {
		labels = append(labels, env.Label(tool))
	}
	label := strings.Join(labels, ",")
	c := Change{Tool: label, Path: t.path}
	fr := rec.Files[t.path]
	var mine []string
	if fr != nil {
		mine = slices.DeleteFunc(slices.Clone(tools), func(tool string) bool { return !containsOwner(fr, tool) })
	}
	if len(mine) == 0 {
		c.What = "nothing recorded by setup, left alone"
		return c, nil
	}
	for _, tool := range mine {
		fr.dropOwner(tool)
	}
	if len(fr.Owners) > 0 {
		c.What = fmt.Sprintf("kept: still used for %v", fr.Owners)
		return c, nil
	}
	delete(rec.Files, t.path)
	err := atomicfile.Update(t.path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		c = Change{Tool: label, Path: t.path}
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
