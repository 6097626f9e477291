// Package machine is the one model of this machine that every command asks
// about other programs: which container programs are installed and which
// program a name on PATH really is (Apptainer installs `singularity` as a
// link to itself), which user config directory Apptainer or SingularityCE
// reads, which files each client reads logins from, where each reader of
// the containers registries.conf drop-in looks, and which environment
// variables take logins elsewhere. Each fact is found the way the program
// itself finds it (the source read is named beside it), and finding it
// changes nothing of the user's: a program that is asked a question
// (`--version`, `buildcfg SYSCONFDIR`) runs with a throwaway HOME and
// config directory, because Apptainer migrates ~/.singularity into
// ~/.apptainer on any command, those two included.
package machine

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"
)

// The two programs that read remote.yaml, by the name of their system
// config directory (<sysconfdir>/apptainer, <sysconfdir>/singularity),
// which is also the command advice names.
const (
	Apptainer     = "apptainer"
	SingularityCE = "singularity"
)

// DisplayName is how output names a program kind.
func DisplayName(kind string) string {
	switch kind {
	case Apptainer:
		return "Apptainer"
	case SingularityCE:
		return "SingularityCE"
	}
	return kind
}

// Clients are the other programs the model knows, in the order output
// lists them.
var Clients = []string{"docker", "podman", "skopeo", "buildah", "crane", "oras", "regctl"}

// HelperCommand is the credential helper the tools are pointed at.
const HelperCommand = "docker-credential-remoteyaml"

// Env is what the model needs from the outside world.
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
	// Run runs a program with env as its whole environment and returns
	// its standard output. Nil: no program is run, and Apptainer's link is
	// told from SingularityCE by where it points (the helper, which must
	// stay fast).
	Run func(env []string, path string, args ...string) ([]byte, error)
	// Environ is the environment a child's is built from; nil: os.Environ.
	Environ func() []string
	// PasswdHome is the home directory in the user database, which
	// SingularityCE uses whatever $HOME says; nil: os/user.
	PasswdHome func() string
}

// Program is an installed Apptainer or SingularityCE.
type Program struct {
	Kind string // Apptainer or SingularityCE
	// Command is the name to run it by, as found on PATH.
	Command string
	Path    string
	// Names are every name on PATH that runs it (Apptainer: apptainer and
	// its singularity link).
	Names []string
	// Version is the first line of `--version`; empty when not asked.
	Version string
	// SysconfDir is `buildcfg SYSCONFDIR`; empty when not asked or unknown.
	SysconfDir string
}

// Machine is what Probe found.
type Machine struct {
	getenv func(string) string
	// Home is $HOME, else the passwd home.
	Home string
	// Apptainer and SingularityCE are nil when not installed.
	Apptainer, SingularityCE *Program
	// tools caches Tool's answers (a name absent: not looked up yet).
	tools map[string]string
	// passwdHome caches PasswdHome; looked up only when needed (the user
	// database may be a network service on a cluster).
	passwdHome *string
	// Versions holds the first line of `--version` of the containers
	// tools (podman, skopeo, buildah) and of HelperCommand's `version`,
	// asked the first time Version needs one (only setup and doctor do).
	Versions map[string]string

	env Env // to ask the tools later
}

// Version is the first line the tool prints for its version, asked once
// (isolated like every question); "" when it is not installed, cannot be
// asked (no Run: the helper) or says nothing.
func (m *Machine) Version(name string) string {
	if v, ok := m.Versions[name]; ok {
		return v
	}
	p, ok := m.Tool(name)
	if !ok || m.env.Run == nil {
		return ""
	}
	arg := "--version"
	if name == HelperCommand {
		arg = "version"
	}
	q := newAsker(m.env)
	defer q.close()
	m.Versions[name] = q.firstLine(p, arg)
	return m.Versions[name]
}

// Tool is the path of a program on PATH (one of Clients, or
// HelperCommand), looked up once, when first asked: the helper, which
// needs none of them, does not pay for the lookups.
func (m *Machine) Tool(name string) (string, bool) {
	p, ok := m.tools[name]
	if !ok {
		if found, err := m.env.LookPath(name); err == nil {
			p = found
		}
		m.tools[name] = p
	}
	return p, p != ""
}

// PasswdHome is the home directory in the user database, which
// SingularityCE uses whatever $HOME says.
func (m *Machine) PasswdHome() string {
	if m.passwdHome == nil {
		h := ""
		if m.env.PasswdHome != nil {
			h = m.env.PasswdHome()
		} else if u, err := user.Current(); err == nil {
			h = u.HomeDir
		}
		m.passwdHome = &h
	}
	return *m.passwdHome
}

// Getenv is the environment the model was built from.
func (m *Machine) Getenv(k string) string { return m.getenv(k) }

// Probe builds the model. It never fails: what cannot be found is absent.
func Probe(env Env) *Machine {
	m := &Machine{getenv: env.Getenv, tools: map[string]string{}, Versions: map[string]string{}, env: env}
	if m.Home = env.Getenv("HOME"); m.Home == "" {
		m.Home = m.PasswdHome()
	}
	var q *asker
	if env.Run != nil {
		q = newAsker(env)
		defer q.close()
	}
	if p, err := env.LookPath("apptainer"); err == nil {
		m.Apptainer = &Program{Kind: Apptainer, Command: "apptainer", Path: p, Names: []string{"apptainer"}}
		if q != nil {
			m.Apptainer.Version = q.firstLine(p, "--version")
		}
	}
	if p, err := env.LookPath("singularity"); err == nil {
		switch kind, version := identify(q, p, m.Apptainer); {
		case kind == Apptainer && m.Apptainer != nil:
			m.Apptainer.Names = append(m.Apptainer.Names, "singularity")
		case kind == Apptainer:
			m.Apptainer = &Program{Kind: Apptainer, Command: "singularity", Path: p, Names: []string{"singularity"}, Version: version}
		default:
			m.SingularityCE = &Program{Kind: SingularityCE, Command: "singularity", Path: p, Names: []string{"singularity"}, Version: version}
		}
	}
	for _, prog := range []*Program{m.Apptainer, m.SingularityCE} {
		if prog != nil && q != nil {
			if dir := q.firstLine(prog.Path, "buildcfg", "SYSCONFDIR"); filepath.IsAbs(dir) {
				prog.SysconfDir = dir
			}
		}
	}
	return m
}

// identify tells which program `singularity` at path is: the same file as
// apptainer's is Apptainer's link; else its `--version` says (Apptainer's
// link answers "apptainer version …", SingularityCE "singularity-ce
// version …"); without running it, a link to a file named apptainer is
// Apptainer's.
func identify(q *asker, path string, app *Program) (kind, version string) {
	if app != nil {
		a, err1 := os.Stat(app.Path)
		s, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(a, s) {
			return Apptainer, app.Version
		}
	}
	if q != nil {
		version = q.firstLine(path, "--version")
		switch v := strings.ToLower(version); {
		case strings.HasPrefix(v, "apptainer"):
			return Apptainer, version
		case strings.HasPrefix(v, "singularity"):
			return SingularityCE, version
		}
	}
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Base(real) == "apptainer" {
		return Apptainer, version
	}
	return SingularityCE, version
}

// Primary is the program whose files remoteyaml keeps logins in: the one
// installed, or with both installed the one whose config directory
// exists (Apptainer's first); nil when neither is installed.
func (m *Machine) Primary() *Program {
	switch {
	case m.Apptainer != nil && m.SingularityCE == nil:
		return m.Apptainer
	case m.SingularityCE != nil && m.Apptainer == nil:
		return m.SingularityCE
	case m.Apptainer == nil:
		return nil
	}
	if !isDir(m.ConfigDir(Apptainer)) && isDir(m.ConfigDir(SingularityCE)) {
		return m.SingularityCE
	}
	return m.Apptainer
}

// Programs lists the installed Apptainer and SingularityCE.
func (m *Machine) Programs() []*Program {
	var out []*Program
	for _, p := range []*Program{m.Apptainer, m.SingularityCE} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// asker runs programs so that they cannot touch the user's files: HOME,
// both config directory variables and XDG_CONFIG_HOME point into a
// temporary directory removed afterwards.
type asker struct {
	run func(env []string, path string, args ...string) ([]byte, error)
	env []string
	dir string
}

// isolated are the variables a child gets its own value of.
var isolated = []string{"HOME", "APPTAINER_CONFIGDIR", "SINGULARITY_CONFIGDIR", "XDG_CONFIG_HOME", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "DOCKER_AUTH_CONFIG"}

func newAsker(env Env) *asker {
	q := &asker{run: env.Run}
	base := os.Environ
	if env.Environ != nil {
		base = env.Environ
	}
	dir, err := os.MkdirTemp("", "remoteyaml-probe-")
	if err != nil {
		return nil // nothing is run without a throwaway home
	}
	q.dir = dir
	for _, kv := range base() {
		k, _, _ := strings.Cut(kv, "=")
		if !contains(isolated, k) {
			q.env = append(q.env, kv)
		}
	}
	q.env = append(q.env,
		"HOME="+dir,
		"APPTAINER_CONFIGDIR="+filepath.Join(dir, "apptainer"),
		"SINGULARITY_CONFIGDIR="+filepath.Join(dir, "singularity"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"DOCKER_CONFIG="+filepath.Join(dir, "docker"))
	return q
}

func (q *asker) close() {
	if q != nil && q.dir != "" {
		os.RemoveAll(q.dir)
	}
}

// firstLine is the first line of what the program prints; "" if it fails.
func (q *asker) firstLine(path string, args ...string) string {
	if q == nil {
		return ""
	}
	out, err := q.run(q.env, path, args...)
	if err != nil {
		return ""
	}
	line, _, _ := bytes.Cut(bytes.TrimSpace(out), []byte("\n"))
	return string(bytes.TrimSpace(line))
}

// RunIsolated is Env.Run outside tests: the program, briefly (a hung
// apptainer must not hang a command), with exactly env.
func RunIsolated(env []string, path string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	cmd.Dir = os.TempDir()
	return cmd.Output()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
