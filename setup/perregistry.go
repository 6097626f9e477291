package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/jsonedit"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// Per-registry setup (setup --per-registry) names the helper only for the
// registries the user has logins for, as `gcloud auth configure-docker`
// does: "credHelpers": {"HOST": "remoteyaml"}. On a node without the helper
// only those registries fail; with credsStore every pull, anonymous ones
// too, fails with "executable file not found". remote-login keeps the
// entries current as it logs in and out (SyncPerRegistry).
//
// The files: Docker's config.json (Docker, crane, oras, regctl),
// containers' $XDG_CONFIG_HOME/containers/auth.json (podman, skopeo,
// buildah read credHelpers there) and Apptainer's docker-config.json. What
// was added is kept in $XDG_CONFIG_HOME/remoteyaml/per-registry.json, apart
// from the credsStore record, so that undo removes exactly those entries.

type perRegistryRecord struct {
	Files map[string]*perRegistryFile `json:"files"`
	save  func() error                // writes it, under the lock perRegistry holds
}

type perRegistryFile struct {
	Owners       []string `json:"owners"`
	Created      bool     `json:"created"`      // setup created the file
	CreatedOuter bool     `json:"createdOuter"` // setup added "credHelpers"
	Keys         []string `json:"keys"`         // the credHelpers keys setup wrote

	tidied []byte // tidy's result
}

// tidy takes away what setup created around its entries once they are all
// gone: an empty "credHelpers" it added, then a file it created that is
// left "{}" (gone: remove the file). Otherwise fr.tidied is the text.
func (fr *perRegistryFile) tidy(data []byte) (gone bool, err error) {
	compact := func(b []byte) string { return string(bytes.Join(bytes.Fields(b), nil)) }
	if fr.CreatedOuter && len(fr.Keys) == 0 {
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) == nil && compact(m["credHelpers"]) == "{}" {
			if data, _, err = jsonedit.Remove(data, "credHelpers"); err != nil {
				return false, err
			}
			fr.CreatedOuter = false
		}
	}
	fr.tidied = data
	return fr.Created && compact(data) == "{}", nil
}

// PerRegistryRecordPath is where per-registry setup keeps what it added.
func (env Env) PerRegistryRecordPath() (string, error) {
	d, err := env.configHome()
	return filepath.Join(d, "remoteyaml", "per-registry.json"), err
}

// ContainersAuthFile is containers/image's per-user auth.json outside
// $XDG_RUNTIME_DIR (which is emptied at logout).
func (env Env) ContainersAuthFile() (string, error) {
	d, err := env.configHome()
	return filepath.Join(d, "containers", "auth.json"), err
}

func (env Env) perRegistryPath(tool string) (string, error) {
	switch tool {
	case Docker:
		return env.DockerConfig()
	case Podman:
		return env.ContainersAuthFile()
	case Apptainer:
		return env.ApptainerDockerConfig()
	}
	return "", fmt.Errorf("unknown tool %q", tool)
}

// LoginHosts are the registries remote.yaml has logins for, each once.
func LoginHosts(cfg yamlstore.Config) []string {
	var hosts []string
	for _, c := range cfg.Credentials {
		if h, ok := protocol.ListKey(c.URI); ok && !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	return hosts
}

// helperKeys are the credHelpers keys of a registry: Docker Hub is asked
// for as "docker.io" by containers/image and Apptainer, and by its v1 URL
// by the Docker CLI.
func helperKeys(host string) []string {
	if host == "docker.io" {
		return []string{"docker.io", "https://index.docker.io/v1/"}
	}
	return []string{host}
}

func loadPerRegistry(path string) (*perRegistryRecord, error) {
	r := &perRegistryRecord{Files: map[string]*perRegistryFile{}}
	if err := readRecord(path, r); err != nil {
		return nil, err
	}
	if r.Files == nil {
		r.Files = map[string]*perRegistryFile{}
	}
	return r, nil
}

// PerRegistryActive tells whether per-registry setup is in place for any tool.
func (env Env) PerRegistryActive() bool {
	p, err := env.PerRegistryRecordPath()
	if err != nil {
		return false
	}
	r, err := loadPerRegistry(p)
	return err == nil && len(r.Files) > 0
}

// PerRegistryTool tells whether tool is set up per registry.
func (env Env) PerRegistryTool(tool string) bool {
	p, err := env.PerRegistryRecordPath()
	if err != nil {
		return false
	}
	r, err := loadPerRegistry(p)
	if err != nil {
		return false
	}
	for _, fr := range r.Files {
		if slices.Contains(fr.Owners, tool) {
			return true
		}
	}
	return false
}

// ApplyPerRegistry sets up each tool per registry, for hosts.
func ApplyPerRegistry(env Env, tools, hosts []string) ([]Change, error) {
	return perRegistry(env, func(rec *perRegistryRecord) ([]Change, error) {
		var changes []Change
		var errs error
		for _, tool := range tools {
			path, err := env.perRegistryPath(tool)
			if err != nil {
				return changes, err
			}
			fr := rec.Files[path]
			if fr == nil {
				fr = &perRegistryFile{}
			}
			c, err := fr.edit(path, hosts, nil)
			c.Tool = tool
			if err != nil {
				errs = errors.Join(errs, err)
				continue
			}
			if !slices.Contains(fr.Owners, tool) {
				fr.Owners = append(fr.Owners, tool)
				slices.Sort(fr.Owners)
			}
			rec.Files[path] = fr
			if len(hosts) == 0 && !c.Changed {
				c.What = "no registry logins yet: each remote-login login adds its credHelpers entry"
			}
			changes = append(changes, c)
		}
		return changes, errs
	})
}

// SyncPerRegistry adds (present) or removes host's credHelpers entries in
// every file per-registry setup manages; nothing when it manages none.
func SyncPerRegistry(env Env, host string, present bool) ([]Change, error) {
	if !env.PerRegistryActive() {
		return nil, nil // no lock file left behind by every login
	}
	return perRegistry(env, func(rec *perRegistryRecord) ([]Change, error) {
		var changes []Change
		var errs error
		paths := make([]string, 0, len(rec.Files))
		for p := range rec.Files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			fr := rec.Files[p]
			add, drop := []string{host}, []string(nil)
			if !present {
				add, drop = nil, []string{host}
			}
			c, err := fr.edit(p, add, drop)
			if err != nil {
				errs = errors.Join(errs, err)
				continue
			}
			if c.Changed {
				c.Tool = fr.Owners[0]
				changes = append(changes, c)
			}
		}
		return changes, errs
	})
}

// UndoPerRegistry removes the entries per-registry setup added for each
// tool, once no other tool uses the file.
func UndoPerRegistry(env Env, tools []string) ([]Change, error) {
	return perRegistry(env, func(rec *perRegistryRecord) ([]Change, error) {
		var changes []Change
		var errs error
		for _, tool := range tools {
			path, err := env.perRegistryPath(tool)
			if err != nil {
				return changes, err
			}
			fr := rec.Files[path]
			if fr == nil || !slices.Contains(fr.Owners, tool) {
				continue
			}
			fr.Owners = slices.DeleteFunc(fr.Owners, func(s string) bool { return s == tool })
			if len(fr.Owners) > 0 {
				changes = append(changes, Change{Tool: tool, Path: path, What: fmt.Sprintf("credHelpers kept: still used for %v", fr.Owners)})
				continue
			}
			c, err := fr.undo(path)
			c.Tool = tool
			if err != nil {
				errs = errors.Join(errs, err)
				continue
			}
			delete(rec.Files, path)
			changes = append(changes, c)
		}
		return changes, errs
	})
}

func perRegistry(env Env, do func(*perRegistryRecord) ([]Change, error)) ([]Change, error) {
	recPath, err := env.PerRegistryRecordPath()
	if err != nil {
		return nil, err
	}
	rec := &perRegistryRecord{}
	rf, unlock, err := openRecord(recPath, rec)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if rec.Files == nil {
		rec.Files = map[string]*perRegistryFile{}
	}
	rec.save = func() error { return rf.save(rec, len(rec.Files) == 0) }
	if err := rf.check(); err != nil {
		return nil, fmt.Errorf("recording what setup does: %w", err)
	}
	changes, err := do(rec)
	if serr := rec.save(); serr != nil {
		err = errors.Join(err, fmt.Errorf("recording what setup did: %w", serr))
	}
	return changes, err
}

// edit adds the credHelpers entries of the add hosts and removes those of
// the drop hosts that setup added, changing only those members.
func (fr *perRegistryFile) edit(path string, add, drop []string) (Change, error) {
	var c Change
	before := fr.clone()
	err := atomicfile.Update(path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		*fr = before.clone() // a second attempt starts from the record as it was
		c = Change{Path: path}
		return fr.editData(&c, path, data, st.Exists, add, drop)
	})
	return c, err
}

func (fr *perRegistryFile) clone() perRegistryFile {
	out := *fr
	out.Owners, out.Keys = slices.Clone(fr.Owners), slices.Clone(fr.Keys)
	return out
}

func (fr *perRegistryFile) editData(c *Change, path string, data []byte, exists bool, add, drop []string) ([]byte, atomicfile.Op, error) {
	if !exists || len(bytes.TrimSpace(data)) == 0 {
		if len(add) == 0 {
			c.What = "nothing to remove"
			return nil, atomicfile.Keep, nil
		}
		data, fr.Created = []byte("{}\n"), true
	}
	o, err := jsonedit.Parse(data)
	if err != nil {
		return nil, atomicfile.Keep, fmt.Errorf("%s: %w; fix it, or add \"credHelpers\" by hand", path, err)
	}
	if _, ok := o.Lookup("credHelpers"); !ok && len(add) > 0 {
		fr.CreatedOuter = true
	}
	var added, removed []string
	for _, h := range add {
		for _, k := range helperKeys(h) {
			if cur, ok := MemberString(data, "credHelpers", k); ok && cur != Helper {
				continue // the user's own helper for this registry wins
			}
			out, changed, err := SetMember(data, "credHelpers", k, Helper)
			if err != nil {
				return nil, atomicfile.Keep, fmt.Errorf("%s: %w", path, err)
			}
			if changed { // an entry already there is the user's: never ours to remove
				data = out
				added = append(added, k)
				fr.Keys = append(fr.Keys, k)
			}
		}
	}
	for _, h := range drop {
		for _, k := range helperKeys(h) {
			if !slices.Contains(fr.Keys, k) {
				continue // not ours
			}
			fr.Keys = slices.DeleteFunc(fr.Keys, func(s string) bool { return s == k })
			if cur, ok := MemberString(data, "credHelpers", k); !ok || cur != Helper {
				continue
			}
			out, _, err := jsonedit.Remove(data, "credHelpers", k)
			if err != nil {
				return nil, atomicfile.Keep, fmt.Errorf("%s: %w", path, err)
			}
			data = out
			removed = append(removed, k)
		}
	}
	slices.Sort(fr.Keys)
	if len(removed) > 0 {
		gone, err := fr.tidy(data)
		if err != nil {
			return nil, atomicfile.Keep, fmt.Errorf("%s: %w", path, err)
		}
		if gone {
			c.What, c.Changed = fmt.Sprintf("credHelpers %q removed, and the file setup had created", removed), true
			return nil, atomicfile.Remove, nil
		}
		data = fr.tidied
	}
	switch {
	case len(added) > 0:
		c.What = fmt.Sprintf("credHelpers %q → %q, other keys unchanged", added, Helper)
	case len(removed) > 0:
		c.What = fmt.Sprintf("credHelpers %q removed", removed)
	default:
		c.What = "credHelpers already current, unchanged"
		return nil, atomicfile.Keep, nil
	}
	c.Changed = true
	return data, atomicfile.Replace, nil
}

// undo removes every entry setup added, then what it created around them.
func (fr *perRegistryFile) undo(path string) (Change, error) {
	var c Change
	before := fr.clone()
	err := atomicfile.Update(path, atomicfile.Options{}, func(data []byte, st atomicfile.State) ([]byte, atomicfile.Op, error) {
		*fr = before.clone()
		c = Change{Path: path}
		if !st.Exists {
			c.What = "already gone"
			return nil, atomicfile.Keep, nil
		}
		orig := string(data)
		var err error
		for _, k := range fr.Keys {
			if cur, ok := MemberString(data, "credHelpers", k); ok && cur == Helper {
				if data, _, err = jsonedit.Remove(data, "credHelpers", k); err != nil {
					return nil, atomicfile.Keep, fmt.Errorf("%s: %w; remove its credHelpers entries by hand", path, err)
				}
			}
		}
		fr.Keys = nil
		gone, err := fr.tidy(data)
		if err != nil {
			return nil, atomicfile.Keep, fmt.Errorf("%s: %w", path, err)
		}
		if gone {
			c.What, c.Changed = "removed (setup had created it)", true
			return nil, atomicfile.Remove, nil
		}
		data = fr.tidied
		if string(data) == orig {
			c.What = "no credHelpers entries of setup left, unchanged"
			return nil, atomicfile.Keep, nil
		}
		c.What, c.Changed = "credHelpers entries setup added removed, other keys unchanged", true
		return data, atomicfile.Replace, nil
	})
	return c, err
}
