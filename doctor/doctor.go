// Package doctor answers "why does this pull say authentication
// required?". For a registry and each container program found on this
// machine (package machine), it follows the program's own way to a
// login: the files it reads for that host in its order, the environment
// variables that override them, whether it will run
// docker-credential-remoteyaml (credsStore, credHelpers, the containers
// drop-in), whether that helper is on PATH, whether remote.yaml has a
// login for the host (and whether a plaintext copy lingers elsewhere) and,
// when asked, whether the login works now (package status's check). Each
// program gets one verdict: it will authenticate, or it will not, with the
// cause and the command that fixes it. No verdict holds any secret.
package doctor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/remoteyaml/remoteyaml/machine"
)

// Helper is the helper suffix the tools must name.
const Helper = "remoteyaml"

// Verdict is one program's answer for one registry.
type Verdict struct {
	Program string   `json:"program"`
	Host    string   `json:"host"`
	Reads   []string `json:"reads"`         // the files it reads for the host, in its order
	Via     string   `json:"via,omitempty"` // how it reaches the helper, when it does
	OK      bool     `json:"ok"`
	Cause   string   `json:"cause,omitempty"` // why not
	Fix     string   `json:"fix,omitempty"`   // the command (or edit) that fixes it
	Notes   []string `json:"notes,omitempty"` // what is worth knowing but does not stop it
}

// Line is the verdict as doctor prints it: one line ending "will
// authenticate" or "will not: CAUSE; fix: COMMAND".
func (v Verdict) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", v.Program, v.Host)
	if v.Via != "" {
		b.WriteString("via " + v.Via + "; ")
	} else if len(v.Reads) > 0 {
		b.WriteString("reads " + strings.Join(v.Reads, ", ") + "; ")
	}
	for _, n := range v.Notes {
		b.WriteString(n + "; ")
	}
	if v.OK {
		b.WriteString("will authenticate")
	} else {
		b.WriteString("will not: " + v.Cause + "; fix: " + v.Fix)
	}
	return b.String()
}

// LoginState is what is known of remote.yaml's login for a host.
type LoginState struct {
	Found bool   // remote.yaml (or the keyring, or the program's docker config) holds a secret
	Where string // where its secret is, when Found
	// Checked is set when the server was asked; then OK says it accepted.
	Checked bool
	OK      bool
	Cause   string // why not OK, one line
	Fix     string
}

// Input is what Diagnose works from.
type Input struct {
	M     *machine.Machine
	Hosts []string
	// Login says what remote.yaml holds for a host, and (unless offline)
	// whether the server accepts it.
	Login func(host string) LoginState
	// Version is this remote-login's version; when the helper on PATH
	// reports another, each verdict notes it.
	Version string
}

// Diagnose gives a verdict per program found and host, programs in
// machine.Clients order, then Apptainer and SingularityCE.
func Diagnose(in Input) []Verdict {
	var out []Verdict
	for _, host := range in.Hosts {
		ls := in.Login(host)
		for _, p := range programs(in.M) {
			v := Verdict{Program: p, Host: host}
			diagnose(in.M, p, host, &v)
			finish(in.M, host, ls, &v)
			if hv := helperVersion(in.M); hv != "" && in.Version != "" && hv != in.Version {
				v.Notes = append(v.Notes, "the helper on PATH is version "+hv+", this remote-login "+in.Version)
			}
			out = append(out, v)
		}
	}
	return out
}

// helperVersion is the version the helper on PATH reported: the last
// word of "docker-credential-remoteyaml (PACKAGE) VERSION".
func helperVersion(m *machine.Machine) string {
	f := strings.Fields(m.Version(machine.HelperCommand))
	if len(f) < 3 {
		return ""
	}
	return f[len(f)-1]
}

// programs are the names of the programs found.
func programs(m *machine.Machine) []string {
	var out []string
	for _, c := range machine.Clients {
		if _, ok := m.Tool(c); ok {
			out = append(out, c)
		}
	}
	for _, p := range m.Programs() {
		out = append(out, machine.DisplayName(p.Kind))
	}
	return out
}

// dockerCLIReaders take DOCKER_AUTH_CONFIG before any helper.
var dockerCLIReaders = map[string]bool{"docker": true, "crane": true, "regctl": true, "Apptainer": true, "SingularityCE": true}

// diagnose finds the program's route to the helper, or why there is none.
func diagnose(m *machine.Machine, p, host string, v *Verdict) {
	if dockerCLIReaders[p] && m.Getenv(machine.DockerAuthConfig) != "" {
		v.Reads = []string{"$" + machine.DockerAuthConfig}
		v.Cause = machine.DockerAuthConfig + " is set, and it takes priority over every credential helper (docker/cli)"
		v.Fix = "unset " + machine.DockerAuthConfig
		return
	}
	switch p {
	case "podman", "skopeo", "buildah":
		containers(m, p, host, v)
	case "Apptainer":
		files := m.ProgramDockerConfigs(machine.Apptainer)
		file := files[0]
		if _, err := os.Stat(file); err != nil && len(files) > 1 {
			file = files[1] // Apptainer ≥1.4 without docker-config.json
		}
		via, cause := dockerRoute(file, host)
		v.Reads = []string{file}
		if cause != "" {
			v.Cause, v.Fix = cause, "remote-login setup --apptainer"
			return
		}
		if strings.HasPrefix(via, "credsStore") {
			// The digest step goes through containers/image, which ignores
			// credsStore: it needs the drop-in where Apptainer reads it.
			dir := ""
			for _, r := range m.DropInReaders() {
				if r.Reader == "apptainer" {
					dir = r.Dir
				}
			}
			if ok, _ := dropInNamesHelper(dir); !ok {
				v.Cause = "Apptainer resolves digests through containers/image, which ignores credsStore, and no drop-in naming the helper is in " + dir + elsewhere(m, dir)
				v.Fix = "remote-login setup --apptainer"
				return
			}
			via += " and the drop-in in " + dir
		}
		v.Via = via
	case "SingularityCE":
		oneDockerConfig(v, m.ProgramDockerConfigs(machine.SingularityCE)[0], host, "remote-login setup --apptainer")
	default: // docker, crane, oras, regctl: docker/cli's config file
		oneDockerConfig(v, m.DockerConfig(), host, "remote-login setup --docker")
	}
}

// oneDockerConfig is the verdict of a program that reads one docker config
// file for its logins; fix is the setup that points that file at the helper.
func oneDockerConfig(v *Verdict, file, host, fix string) {
	v.Reads = []string{file}
	via, cause := dockerRoute(file, host)
	if cause != "" {
		v.Cause, v.Fix = cause, fix
		return
	}
	v.Via = via
}

// containers finds a containers/image reader's route: the drop-in where
// it reads it, or a credHelpers entry in the auth files it reads.
func containers(m *machine.Machine, p, host string, v *Verdict) {
	files := m.ContainersAuthFiles()
	var dirs []string
	for _, r := range m.DropInReaders() {
		if r.Reader == p {
			dirs = append(dirs, r.Dir)
		}
	}
	v.Reads = files
	for _, d := range dirs {
		if ok, other := dropInNamesHelper(d); ok {
			v.Via = "the drop-in in " + d
			return
		} else if other != "" {
			v.Cause = other + " sets credential-helpers after " + machine.DropInName + " and leaves the helper out"
			v.Fix = "edit " + other + " to list \"" + Helper + "\" first, or remove it"
			return
		}
	}
	for _, f := range files {
		c, err := readConfig(f)
		if err != nil {
			continue
		}
		if h, ok := c.CredHelpers[host]; ok {
			if h == Helper {
				v.Via = "credHelpers in " + f
				return
			}
			v.Cause = "credHelpers in " + f + " sends " + host + " to docker-credential-" + h
			v.Fix = "remote-login setup --podman"
			return
		}
	}
	v.Cause = "no drop-in naming the helper in " + strings.Join(dirs, " or ") + " and no credHelpers entry for " + host
	if len(dirs) == 1 {
		v.Cause += elsewhere(m, dirs[0])
	}
	if f := m.Getenv(machine.RegistryAuthFile); f != "" {
		v.Cause += " (" + machine.RegistryAuthFile + " is set: " + f + " is the only auth file it reads)"
	}
	v.Fix = "remote-login setup --podman"
}

// elsewhere says where else the drop-in is, when it is only in a place
// this reader does not look.
func elsewhere(m *machine.Machine, dir string) string {
	for _, d := range []string{filepath.Join(m.Home, ".config", "containers", "registries.conf.d"), filepath.Join(m.ConfigHome(), "containers", "registries.conf.d")} {
		if d == dir {
			continue
		}
		if ok, _ := dropInNamesHelper(d); ok {
			return " (one is in " + d + ", where it does not look)"
		}
	}
	return ""
}

// dockerRoute is how a docker/cli reader of file reaches the helper for
// host (credHelpers, then credsStore: cli/config/configfile), or why not.
func dockerRoute(file, host string) (via, cause string) {
	c, err := readConfig(file)
	if err != nil {
		return "", err.Error()
	}
	if h, ok := c.CredHelpers[host]; ok {
		if h == Helper {
			return "credHelpers in " + file, ""
		}
		return "", "credHelpers in " + file + " sends " + host + " to docker-credential-" + h
	}
	switch c.CredsStore {
	case Helper:
		return "credsStore in " + file, ""
	case "":
		return "", file + " names no credential helper"
	}
	return "", "credsStore in " + file + " names docker-credential-" + c.CredsStore + ", not the helper"
}

// finish adds what every route shares: the helper on PATH, the login in
// remote.yaml, a plaintext copy, and the server's answer.
func finish(m *machine.Machine, host string, ls LoginState, v *Verdict) {
	if files := plaintext(m, host); len(files) > 0 {
		v.Notes = append(v.Notes, "a plaintext copy of the login lingers in "+strings.Join(files, ", ")+" (remote-login import moves it)")
	}
	if v.Cause != "" {
		return
	}
	switch _, onPath := m.Tool(machine.HelperCommand); {
	case !onPath:
		v.Cause = machine.HelperCommand + " is not on PATH, so the helper cannot be run"
		v.Fix = "make install, and put its directory on PATH"
	case !ls.Found:
		v.Cause = "remote.yaml has no login for " + host
		v.Fix = "remote-login " + host
	case ls.Checked && !ls.OK:
		v.Cause, v.Fix = ls.Cause, ls.Fix
	default:
		v.OK = true
	}
}

// plaintext are the files that keep a secret for host outside remote.yaml.
func plaintext(m *machine.Machine, host string) []string {
	files := append([]string{m.DockerConfig()}, m.ContainersAuthFiles()...)
	for _, p := range m.Programs() {
		files = append(files, m.ProgramDockerConfigs(p.Kind)...)
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f] {
			continue
		}
		seen[f] = true
		c, err := readConfig(f)
		if err != nil {
			continue
		}
		for key, a := range c.Auths {
			k := strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
			if k, _, _ = strings.Cut(k, "/"); k == host && (a.Auth != "" || a.IdentityToken != "" || a.Password != "") {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

type dockerConfig struct {
	CredsStore  string            `json:"credsStore"`
	CredHelpers map[string]string `json:"credHelpers"`
	Auths       map[string]struct {
		Auth          string `json:"auth"`
		Password      string `json:"password"`
		IdentityToken string `json:"identitytoken"`
	} `json:"auths"`
}

// readConfig reads a docker config; a missing file is an empty one. Its
// error never quotes the file (it may hold secrets).
func readConfig(path string) (dockerConfig, error) {
	var c dockerConfig
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("%s cannot be read: %v", path, err)
	}
	if json.Unmarshal(b, &c) != nil {
		return c, fmt.Errorf("%s is not valid JSON, so no helper is run", path)
	}
	return c, nil
}

// dropInNamesHelper says whether the drop-ins in dir leave the helper
// first in credential-helpers: the last file (in name order) that sets
// credential-helpers wins (containers-registries.conf.d(5)). other names
// a later file that sets it without the helper.
func dropInNamesHelper(dir string) (ok bool, other string) {
	if dir == "" {
		return false, ""
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil || !strings.Contains(string(b), "credential-helpers") {
			continue
		}
		if strings.Contains(string(b), `"`+Helper+`"`) {
			ok, other = true, ""
		} else if ok {
			ok, other = false, n
		}
	}
	return ok, other
}
