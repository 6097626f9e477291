package yamlstore

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain doubles as the writer process of the multi-process tests: with
// YAMLSTORE_CHILD set, the test binary performs one action and exits.
func TestMain(m *testing.M) {
	if action := os.Getenv("YAMLSTORE_CHILD"); action != "" {
		os.Exit(child(action, os.Args[len(os.Args)-2], os.Args[len(os.Args)-1]))
	}
	// Never touch the real home: Locate and friends read these.
	tmp, err := os.MkdirTemp("", "yamlstore-home-")
	if err != nil {
		panic(err)
	}
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "DOCKER_CONFIG"} {
		os.Setenv(v, tmp)
	}
	os.Unsetenv("APPTAINER_CONFIGDIR")
	os.Unsetenv("SINGULARITY_CONFIGDIR")
	os.Unsetenv("REMOTEYAML_FILE")
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func child(action, path, arg string) int {
	f := testFile(path)
	f.LockTimeout = 60 * time.Second
	var err error
	switch action {
	case "store":
		err = f.Update(func(d *Document) error {
			return d.PutCredential(Credential{URI: arg, Auth: "Basic " + strings.Repeat("x", 40)}, nil)
		})
	case "inplace":
		err = rewriteInPlace(path, arg)
	case "inplace-pieces":
		err = rewriteInPieces(path, arg)
	case "hold-lock":
		// Hold the lock for arg, to test that others time out.
		err = f.Update(func(*Document) error {
			fmt.Println("locked")
			d, _ := time.ParseDuration(arg)
			time.Sleep(d)
			return nil
		})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// rewriteInPlace does what Apptainer's writers do (remote use, remote
// login, registry login): open, read, truncate, write back its own view,
// fsync, with no lock. It says "truncated" and waits gap before writing,
// to widen the window another writer could fall into.
func rewriteInPlace(path, gap string) error {
	g, err := time.ParseDuration(gap)
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer fh.Close()
	data, err := io.ReadAll(fh)
	if err != nil {
		return err
	}
	view := strings.Replace(string(data), "Active: mine", "Active: other", 1)
	if err := fh.Truncate(0); err != nil {
		return err
	}
	fmt.Println("truncated")
	time.Sleep(g)
	if _, err := fh.WriteAt([]byte(view), 0); err != nil {
		return err
	}
	return fh.Sync()
}
