package yamlstore

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests are the regressions of issue 10: each one was seen failing
// on the code before its fix.

const seeded = `Active: mine
Remotes:
    mine:
        URI: library.example.com
        Token: tok-abc-123
        System: false
        Exclusive: false
    other:
        URI: other.example.com
        System: false
        Exclusive: false
Credentials:
    - URI: docker://a.example.com
      Auth: Basic YTpwYXNz
      Insecure: false
    - URI: docker://b.example.com
      Auth: Basic YjpwYXNz
      Insecure: false
`

// TestFile_UnchangedStoreStillRenames: a store that changes nothing must
// still put a new inode in place, or Apptainer's late in-place write of
// its own view (the entry without Auth) replaces the live file.
func TestFile_UnchangedStoreStillRenames(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	os.WriteFile(f.Path, []byte(seeded), 0o600)
	app, err := os.OpenFile(f.Path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	read := make([]byte, 4096)
	n, _ := app.Read(read)
	// The same login again: nothing to change.
	err = f.Update(func(d *Document) error {
		return d.PutCredential(Credential{URI: "docker://a.example.com", Auth: "Basic YTpwYXNz"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Apptainer's rewrite: what it read, with its entry without Auth.
	view := strings.Replace(string(read[:n]), "      Auth: Basic YTpwYXNz\n", "", 1)
	app.Truncate(0)
	app.Seek(0, 0)
	app.WriteString(view)
	app.Sync()
	d, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Config().Credentials; len(c) != 2 || c[0].Auth != "Basic YTpwYXNz" {
		t.Fatalf("after a repeated login and Apptainer's rewrite: %+v: the secret was lost", c)
	}
}

// inPlaceWriter starts a child that rewrites path in place as Apptainer
// does, waiting gap between truncate and write, and returns once the
// truncate is done.
func inPlaceWriter(t *testing.T, path string, gap time.Duration) func() {
	t.Helper()
	cmd := childCmd("inplace", path, gap.String())
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "truncated\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("in-place writer said %q", line)
	}
	return func() {
		if err := cmd.Wait(); err != nil {
			t.Errorf("in-place writer: %v", err)
		}
	}
}

// TestFile_StoreInsideTruncateGap: a store that starts while another
// program has truncated remote.yaml and not yet written it back must not
// build on the empty file. Nothing earlier and not the new login is lost.
func TestFile_StoreInsideTruncateGap(t *testing.T) {
	gaps := []time.Duration{300 * time.Millisecond}
	rounds := 100
	if testing.Short() {
		rounds = 10
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for i := 0; i < rounds; i++ {
		gaps = append(gaps, time.Duration(rng.Intn(50_001))*time.Microsecond)
	}
	lost := 0
	for i, gap := range gaps {
		// The stores wait for the file to settle: the product's second for
		// the long gap; for gaps of 50 ms at most, 150 ms (this writer
		// writes once, so the file is half-written only while empty, and
		// an empty file is given four times as long), or the rounds would
		// take a minute.
		settle := ""
		if gap <= 50*time.Millisecond {
			settle = "150ms"
		}
		t.Setenv("YAMLSTORE_SETTLE", settle)
		path := filepath.Join(t.TempDir(), "remote.yaml")
		os.WriteFile(path, []byte(seeded), 0o600)
		wait := inPlaceWriter(t, path, gap)
		uri := fmt.Sprintf("docker://new%03d.example.com", i)
		if out, err := childCmd("store", path, uri).CombinedOutput(); err != nil {
			t.Fatalf("round %d (gap %v): store: %v: %s", i, gap, err, out)
		}
		wait()
		d, err := (&File{Path: path}).Read()
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		c := d.Config()
		var missing []string
		if r := c.Remotes["mine"]; r == nil || r.Token != "tok-abc-123" {
			missing = append(missing, "the token")
		}
		if c.Remotes["other"] == nil {
			missing = append(missing, "remote other")
		}
		have := map[string]bool{}
		for _, e := range c.Credentials {
			have[e.URI] = true
		}
		for _, u := range []string{"docker://a.example.com", "docker://b.example.com", uri} {
			if !have[u] {
				missing = append(missing, u)
			}
		}
		if len(missing) > 0 {
			lost++
			t.Errorf("round %d (gap %v): lost %s", i, gap, strings.Join(missing, ", "))
		}
	}
	t.Logf("%d rounds, %d lost", len(gaps), lost)
}

// TestFile_SymlinkDotDotResolvedAsTheKernelDoes: a relative link target
// with .. is relative to where the link really is.
func TestFile_SymlinkDotDotResolvedAsTheKernelDoes(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "shared", "cfg"), 0o700)
	os.MkdirAll(filepath.Join(home, "shared", "other"), 0o700)
	real := filepath.Join(home, "shared", "other", "remote.yaml")
	os.WriteFile(real, []byte("Active: x\n"), 0o600)
	os.Symlink("shared/cfg", filepath.Join(home, ".apptainer"))
	os.Symlink("../other/remote.yaml", filepath.Join(home, "shared", "cfg", "remote.yaml"))
	f := &File{Path: filepath.Join(home, ".apptainer", "remote.yaml")}
	if err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(home, "other", "remote.yaml")); err == nil {
		t.Error("the store wrote $HOME/other/remote.yaml: .. was resolved as text")
	}
	got, _ := os.ReadFile(real)
	if !strings.Contains(string(got), "docker://a") {
		t.Errorf("the link's real target was not updated: %q", got)
	}
	d, err := f.Read()
	if err != nil || len(d.Config().Credentials) != 1 {
		t.Errorf("Read after the store: %v, %v", d, err)
	}
}

// TestFile_RefusesWhatIsNotARegularFile: a FIFO must not hang a read or a
// write, and a link to a device or a directory is never replaced.
func TestFile_RefusesWhatIsNotARegularFile(t *testing.T) {
	type tc struct {
		name, kind string
		make       func(path string) error
	}
	cases := []tc{
		{"fifo", "FIFO", func(p string) error { return syscall.Mkfifo(p, 0o600) }},
		{"directory", "directory", func(p string) error { return os.Mkdir(p, 0o700) }},
		{"link to a directory", "directory", func(p string) error {
			os.Mkdir(p+".d", 0o700)
			return os.Symlink(filepath.Base(p)+".d", p)
		}},
		{"link to a fifo", "FIFO", func(p string) error {
			if err := syscall.Mkfifo(p+".fifo", 0o600); err != nil {
				return err
			}
			return os.Symlink(p+".fifo", p)
		}},
	}
	if os.Geteuid() == 0 {
		// A private copy of /dev/null's node: a bug here must not replace
		// the machine's own.
		cases = append(cases, tc{"link to a character device", "character device", func(p string) error {
			if err := syscall.Mknod(p+".null", syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				return err
			}
			return os.Symlink(p+".null", p)
		}})
	} else {
		t.Log("not root: the character-device case needs mknod")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "remote.yaml")
			if err := c.make(path); err != nil {
				t.Skipf("cannot make a %s here: %v", c.kind, err)
			}
			before, _ := os.Lstat(path)
			done := make(chan error, 2)
			go func() {
				_, err := (&File{Path: path}).Read()
				done <- err
			}()
			go func() {
				done <- (&File{Path: path}).Update(func(d *Document) error {
					return d.PutCredential(Credential{URI: "docker://a", Auth: "Basic eDp5"}, nil)
				})
			}()
			for i := 0; i < 2; i++ {
				select {
				case err := <-done:
					if err == nil || !strings.Contains(err.Error(), c.kind) || !strings.Contains(err.Error(), "not a regular file") || strings.Contains(err.Error(), "\n") {
						t.Errorf("err = %v; want one line saying it is a %s, not a regular file", err, c.kind)
					}
				case <-time.After(5 * time.Second):
					t.Fatal("hung")
				}
			}
			after, err := os.Lstat(path)
			if err != nil || after.Mode() != before.Mode() {
				t.Errorf("%s was replaced: %v → %v (%v)", path, before.Mode(), after.Mode(), err)
			}
			fi, err := os.Stat(path)
			if err == nil && fi.Mode().IsRegular() {
				t.Errorf("%s now leads to a regular file", path)
			}
		})
	}
}

// TestFile_KeepsOwnerAsRoot: a write as root (sudo -E docker login) keeps
// the user's file the user's, and a new lock file is the directory owner's.
func TestFile_KeepsOwnerAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: only root can write a file another user owns")
	}
	const uid, gid = 4321, 4322
	dir := filepath.Join(t.TempDir(), "cfg")
	os.Mkdir(dir, 0o700)
	os.Chown(dir, uid, gid)
	f := &File{Path: filepath.Join(dir, "remote.yaml")}
	os.WriteFile(f.Path, []byte("Active: x\n"), 0o600)
	os.Chown(f.Path, uid, gid)
	if err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f.Path, filepath.Join(dir, ".remote.yaml.lock")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != uid || st.Gid != gid {
			t.Errorf("%s is %d:%d after a write as root, want %d:%d", filepath.Base(p), st.Uid, st.Gid, uid, gid)
		}
	}
	// A config dir root creates for the user is the user's too.
	home := filepath.Join(t.TempDir(), "home")
	os.Mkdir(home, 0o755)
	os.Chown(home, uid, gid)
	g := &File{Path: filepath.Join(home, ".apptainer", "remote.yaml")}
	if err := g.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://a"}, nil) }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Dir(g.Path), g.Path} {
		fi, _ := os.Stat(p)
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
			t.Errorf("new %s is %d:%d, want the home's owner %d:%d", p, st.Uid, st.Gid, uid, gid)
		}
	}
}

// TestFile_ReadServesFileWithUnknownKeys: a key a newer Apptainer writes
// must not stop get; edits still refuse such a file, naming key and line.
func TestFile_ReadServesFileWithUnknownKeys(t *testing.T) {
	for _, content := range []string{
		seeded + "Bogus: 1\n",
		strings.Replace(seeded, "      Auth: Basic YjpwYXNz\n", "      Auth: Basic YjpwYXNz\n      Expires: 2030-01-01\n", 1),
		strings.Replace(seeded, "        Token: tok-abc-123\n", "        Token: tok-abc-123\n        Region: eu\n", 1),
	} {
		f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
		os.WriteFile(f.Path, []byte(content), 0o600)
		d, err := f.Read()
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if c := d.Config().Credentials; len(c) != 2 || c[1].Auth != "Basic YjpwYXNz" {
			t.Errorf("credentials %+v", c)
		}
		if p := d.Problem(); p == nil || !strings.Contains(p.Error(), "unknown key") || !strings.Contains(p.Error(), "line ") {
			t.Errorf("Problem() = %v, want the unknown key and its line", p)
		}
		if err := d.PutCredential(Credential{URI: "docker://c"}, nil); err == nil {
			t.Error("an edit of a document with unknown keys was accepted")
		}
		err = f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://c"}, nil) })
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "unknown key") {
			t.Errorf("Update err = %v", err)
		}
		if got, _ := os.ReadFile(f.Path); string(got) != content {
			t.Error("the file changed")
		}
	}
	// Not valid YAML still fails a read.
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	os.WriteFile(f.Path, []byte("Active: [\n"), 0o600)
	os.Chtimes(f.Path, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	if _, err := f.Read(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Read of broken YAML: %v", err)
	}
}

// TestFile_ReadOnlyFileRefused: a 0400 remote.yaml is the user's choice:
// refuse with one line instead of replacing it with a 0600 file.
func TestFile_ReadOnlyFileRefused(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	os.WriteFile(f.Path, []byte(seeded), 0o400)
	err := f.Update(func(d *Document) error { return d.PutCredential(Credential{URI: "docker://c"}, nil) })
	if err == nil || !strings.Contains(err.Error(), "read-only") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one line saying the file is read-only", err)
	}
	fi, _ := os.Stat(f.Path)
	if fi.Mode().Perm() != 0o400 {
		t.Errorf("mode %v, want 0400 kept", fi.Mode().Perm())
	}
	if got, _ := os.ReadFile(f.Path); string(got) != seeded {
		t.Error("the file changed")
	}
}

// TestFile_GrowthPastMaxSizeSaysSo: an edit that would pass the size bound
// says so, not that the layout cannot express it.
func TestFile_GrowthPastMaxSizeSaysSo(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	pad := strings.Repeat("# padding padding padding padding padding padding\n", (MaxSize-200)/50)
	content := pad + "Active: x\n"
	os.WriteFile(f.Path, []byte(content), 0o600)
	err := f.Update(func(d *Document) error {
		return d.PutCredential(Credential{URI: "docker://c", Auth: "Basic " + strings.Repeat("x", 400)}, nil)
	})
	if err == nil || !strings.Contains(err.Error(), "16 MiB") || strings.Contains(err.Error(), "could not be expressed") {
		t.Fatalf("err = %v, want it to name the 16 MiB bound", err)
	}
	if got, _ := os.ReadFile(f.Path); string(got) != content {
		t.Error("the file changed")
	}
}

// TestFile_LockFileErrorNamesPathOnce: a lock file that cannot be opened
// (here a directory stands in its place) is one line naming it once. The
// timeout's message is checked in TestFile_LockTimeout.
func TestFile_LockFileErrorNamesPathOnce(t *testing.T) {
	g := &File{Path: filepath.Join(t.TempDir(), "remote.yaml")}
	os.Mkdir(filepath.Join(filepath.Dir(g.Path), ".remote.yaml.lock"), 0o700)
	err := g.Update(func(d *Document) error { return nil })
	if err == nil {
		t.Fatal("no error with a directory as the lock file")
	}
	if n := strings.Count(err.Error(), filepath.Dir(g.Path)); n != 1 || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q names the directory %d times, want one line naming it once", err, n)
	}
}
