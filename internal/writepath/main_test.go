package writepath_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/importer"
	"github.com/remoteyaml/remoteyaml/setup"
)

// childEnv names the command a child process of the test binary runs.
const childEnv = "WRITEPATH_CHILD"

func TestMain(m *testing.M) {
	if cmd := os.Getenv(childEnv); cmd != "" {
		if err := runChild(cmd, strings.Fields(os.Getenv(childEnv+"_ARGS"))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func noPath(string) (string, error) { return "", os.ErrNotExist }

// runChild is one command of remote-login or the helper, as its package
// runs it, in the environment the parent gave.
func runChild(cmd string, args []string) error {
	env := setup.Env{Getenv: os.Getenv, LookPath: noPath}
	switch cmd {
	case "import":
		st, err := credstore.Open(os.Getenv)
		if err != nil {
			return err
		}
		n, err := (&importer.Importer{Env: env, Store: st}).Run(func(r importer.Result) { fmt.Println(r) })
		if err == nil && n > 0 {
			err = fmt.Errorf("%d problems", n)
		}
		return err
	case "setup":
		_, err := setup.Apply(env, args)
		return err
	case "undo":
		_, err := setup.Undo(env, args)
		return err
	case "per-registry":
		_, err := setup.ApplyPerRegistry(env, args[:1], args[1:])
		return err
	case "erase": // the helper's erase of one entry URI
		st, err := credstore.Open(os.Getenv)
		if err != nil {
			return err
		}
		return st.Delete(func(uri string) bool { return uri == args[0] }, args[0])
	case "store": // the helper's store: URI user secret
		st, err := credstore.Open(os.Getenv)
		if err != nil {
			return err
		}
		return st.Put(credstore.Login{URI: args[0], Username: args[1], Secret: args[2]}, func(uri string) bool { return uri == args[0] })
	case "get": // the helper's get of one entry URI
		st, err := credstore.Open(os.Getenv)
		if err != nil {
			return err
		}
		l, err := st.Get(func(uri string) int { return map[bool]int{true: 1}[uri == args[0]] })
		if err == nil {
			fmt.Println(l.Username)
		}
		return err
	case "settings":
		_, err := credstore.SaveSecrets(credstore.SettingsPath(os.Getenv), credstore.Secrets(args[0]))
		return err
	}
	return fmt.Errorf("unknown child command %q", cmd)
}

// world is a throwaway home with every file's place.
type world struct {
	home                               string
	env                                []string
	dockerCfg, appCfg, remoteYAML      string
	authJSON, dropIn, record, settings string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	w := &world{home: home}
	w.env = []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_RUNTIME_DIR=" + filepath.Join(home, "run"),
		"DOCKER_CONFIG=" + filepath.Join(home, ".docker"),
		"APPTAINER_CONFIGDIR=" + filepath.Join(home, ".apptainer"),
		"REMOTEYAML_SECRETS=",
		"PATH=" + os.Getenv("PATH"),
	}
	w.dockerCfg = filepath.Join(home, ".docker", "config.json")
	w.appCfg = filepath.Join(home, ".apptainer", "docker-config.json")
	w.remoteYAML = filepath.Join(home, ".apptainer", "remote.yaml")
	w.authJSON = filepath.Join(home, ".config", "containers", "auth.json")
	w.dropIn = filepath.Join(home, ".config", "containers", "registries.conf.d", setup.DropInName)
	w.record = filepath.Join(home, ".config", "remoteyaml", "setup.json")
	w.settings = filepath.Join(home, ".config", "remoteyaml", "config.yaml")
	return w
}

// child is a process of the test binary running cmd in w.
func (w *world) child(cmd string, args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], "-test.run=^$")
	c.Env = append(append([]string{}, w.env...), childEnv+"="+cmd, childEnv+"_ARGS="+strings.Join(args, " "))
	return c
}

// run runs a child to its end and returns its output.
func (w *world) run(t *testing.T, cmd string, args ...string) (string, error) {
	t.Helper()
	out, err := w.child(cmd, args...).CombinedOutput()
	return string(out), err
}

func write(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// temps are the temporary files remoteyaml's writers leave beside path.
func temps(path string) []string {
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	return m
}
