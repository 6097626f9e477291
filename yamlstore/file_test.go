package yamlstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func childCmd(action, path, arg string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$", path, arg)
	cmd.Env = append(os.Environ(), "YAMLSTORE_CHILD="+action)
	return cmd
}

func TestFile_UpdateCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	f := &File{Path: filepath.Join(dir, "remote.yaml")}
	err := f.Update(func(d *Document) error {
		return d.PutCredential(Credential{URI: "docker://reg.example.com"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(dir)
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", di.Mode().Perm())
	}
	want := "Credentials:\n    - URI: docker://reg.example.com\n      Insecure: false\n"
	if got, _ := os.ReadFile(f.Path); string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFile_UpdateKeepsModeTight(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	os.WriteFile(f.Path, []byte("Active: x\n"), 0o644)
	if err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(f.Path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after a write, want 0600", fi.Mode().Perm())
	}
}

func TestFile_SymlinkStays(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "shared", "remote.yaml")
	os.MkdirAll(filepath.Dir(target), 0o700)
	os.WriteFile(target, []byte("Active: x\n"), 0o600)
	link := filepath.Join(dir, "remote.yaml")
	if err := os.Symlink("shared/remote.yaml", link); err != nil {
		t.Fatal(err)
	}
	f := &File{Path: link}
	if err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("remote.yaml is no longer a symlink: %v %v", fi.Mode(), err)
	}
	got, _ := os.ReadFile(target)
	if !strings.Contains(string(got), "docker://a") {
		t.Errorf("target not updated: %q", got)
	}
}

func TestFile_RefusesInvalidAndLeavesIt(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
	}{
		{"unknown key", "Active: x\nRemotes: {}\nBogus: 1\n", `line 3: unknown key "Bogus"`},
		{"unknown key in a login", "Credentials:\n    - URI: docker://a\n      Secret: x\n", `line 3: unknown key "Secret"`},
		{"duplicate key", "Active: x\nActive: y\n", `line 2: mapping key "Active" already defined`},
		// go-yaml v4 places an unclosed flow sequence where the input ends.
		{"not yaml", "Active: [\n", "line 2: did not find expected node content"},
		{"lower-case key", "active: x\n", `unknown key "active"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
			os.WriteFile(f.Path, []byte(tc.content), 0o600)
			err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) })
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.Contains(msg, f.Path) || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q: want one line naming %s and %q", msg, f.Path, tc.want)
			}
			if got, _ := os.ReadFile(f.Path); string(got) != tc.content {
				t.Errorf("file changed to %q", got)
			}
		})
	}
}

func TestFile_RefusesOversized(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	big := bytes.Repeat([]byte("# padding padding padding padding\n"), MaxSize/30)
	os.WriteFile(f.Path, big, 0o600)
	err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) })
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Fatalf("err = %v", err)
	}
	if _, err := f.Read(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Read err = %v", err)
	}
	if got, _ := os.ReadFile(f.Path); !bytes.Equal(got, big) {
		t.Error("file changed")
	}
}

func TestFile_LockTimeout(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml"), LockTimeout: 300 * time.Millisecond}
	os.WriteFile(f.Path, []byte("Active: x\n"), 0o600)
	holder := childCmd("hold-lock", f.Path, "3s")
	out, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer holder.Process.Kill()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("holder said %q", line)
	}
	start := time.Now()
	err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) })
	if !errors.Is(err, ErrLocked) || strings.Contains(err.Error(), "\n") || strings.Count(err.Error(), filepath.Dir(f.Path)) != 1 {
		t.Fatalf("err = %v, want a one-line ErrLocked naming the lock file once", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("gave up after %v, want about the timeout", time.Since(start))
	}
	if got, _ := os.ReadFile(f.Path); string(got) != "Active: x\n" {
		t.Errorf("file changed to %q", got)
	}
}

func TestFile_StaleTempsIgnoredAndRemoved(t *testing.T) {
	dir := t.TempDir()
	f := &File{Path: filepath.Join(dir, "remote.yaml")}
	os.WriteFile(f.Path, []byte("Active: x\n"), 0o600)
	stale := filepath.Join(dir, ".remote.yaml.tmp-123")
	os.WriteFile(stale, []byte("Bogus: half written"), 0o600)
	d, err := f.Read()
	if err != nil || d.Config().Active != "x" {
		t.Fatalf("read %v %v", d, err)
	}
	if err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file still there: %v", err)
	}
}

// TestFile_ApptainerRewriteInPlace: Apptainer opens remote.yaml, and after
// calling a credential helper truncates and rewrites that open file. Our
// rename puts the helper's change in a new inode, out of its reach.
func TestFile_ApptainerRewriteInPlace(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	os.WriteFile(f.Path, []byte("Active: x\n"), 0o600)
	app, err := os.OpenFile(f.Path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	app.Truncate(0)
	app.Seek(0, 0)
	app.WriteString("Active: x\nCredentials:\n    - URI: docker://apptainer\n      Insecure: false\n")
	app.Sync()
	d, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Config().Credentials; len(c) != 1 || c[0].URI != "docker://a" {
		t.Errorf("credentials %+v: the helper's entry was lost", c)
	}
}

// TestFile_ConcurrentProcesses: 64 processes storing distinct hosts at once
// lose nothing. 100 rounds; -short runs one.
func TestFile_ConcurrentProcesses(t *testing.T) {
	rounds := 100
	if testing.Short() {
		rounds = 1
	}
	const procs = 64
	for r := 0; r < rounds; r++ {
		path := filepath.Join(t.TempDir(), "remote.yaml")
		var wg sync.WaitGroup
		errs := make(chan error, procs)
		for i := 0; i < procs; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if out, err := childCmd("store", path, fmt.Sprintf("docker://host%02d.example.com", i)).CombinedOutput(); err != nil {
					errs <- fmt.Errorf("writer %d: %v: %s", i, err, out)
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		d, err := (&File{Path: path}).Read()
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range d.Config().Credentials {
			seen[c.URI] = true
		}
		if len(seen) != procs || len(d.Config().Credentials) != procs {
			t.Fatalf("round %d: %d entries (%d distinct), want %d", r, len(d.Config().Credentials), len(seen), procs)
		}
	}
}

// TestFile_CrashSafety kills writers at random moments: the file always
// decodes strictly and holds the old or the new state, never a mix.
func TestFile_CrashSafety(t *testing.T) {
	kills := 200
	if testing.Short() {
		kills = 20
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "remote.yaml")
	os.WriteFile(path, []byte("# start\nActive: x\n"), 0o600)
	rng := rand.New(rand.NewSource(1))
	killed := 0
	for i := 0; i < kills; i++ {
		before, _ := os.ReadFile(path)
		uri := fmt.Sprintf("docker://crash%03d.example.com", i)
		cmd := childCmd("store", path, uri)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(8000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			killed++
		}
		after, _ := os.ReadFile(path)
		if _, err := DecodeStrict(after); err != nil {
			t.Fatalf("kill %d left an unreadable file: %v\n%s", i, err, after)
		}
		if !bytes.Equal(after, before) {
			d := mustParse(t, before)
			d.PutCredential(Credential{URI: uri, Auth: "Basic " + strings.Repeat("x", 40)}, nil)
			if !bytes.Equal(after, d.Bytes()) {
				t.Fatalf("kill %d left neither the old nor the new state:\n%s", i, after)
			}
		}
	}
	t.Logf("%d of %d writers were killed before finishing", killed, kills)
	if killed == 0 {
		t.Error("no writer was killed mid-way: the test did not test anything")
	}
}
