package writepath_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fileCase is one file remoteyaml writes, with the command that writes it.
type fileCase struct {
	name    string
	path    func(w *world) string
	old     string                       // its content before the command
	prepare func(t *testing.T, w *world) // the other files the command needs
	cmd     []string
	other   string                            // what another writer renames in meanwhile
	kept    func(t *testing.T, w *world) bool // that writer's content survived the command
	again   []string                          // a later command that writes the file too; nil: cmd
}

// content is the file at p with the world's home named HOME, so that
// runs in different worlds compare.
func content(t *testing.T, w *world, p string) string {
	return strings.ReplaceAll(read(t, p), w.home, "HOME")
}

func contains(path func(w *world) string, s string) func(t *testing.T, w *world) bool {
	return func(t *testing.T, w *world) bool { return strings.Contains(read(t, path(w)), s) }
}

var fileCases = []fileCase{
	{
		name: "remote.yaml", path: func(w *world) string { return w.remoteYAML },
		old:   "Credentials:\n    - URI: docker://x.example\n      Auth: Basic " + b64("x", "pw-x") + "\n      Insecure: false\n",
		cmd:   []string{"store", "docker://r.example", "u", "pw"},
		other: "# other\nCredentials:\n    - URI: docker://x.example\n      Auth: Basic " + b64("x", "pw-x") + "\n      Insecure: false\n",
		kept:  contains(func(w *world) string { return w.remoteYAML }, "# other"),
	},
	{
		name: "config.json", path: func(w *world) string { return w.dockerCfg },
		old: "{\"auths\": {}}\n", cmd: []string{"setup", "docker"},
		other: "{\"auths\": {}, \"marker\": 1}\n",
		kept:  contains(func(w *world) string { return w.dockerCfg }, "marker"),
	},
	{
		name: "auth.json", path: func(w *world) string { return w.authJSON },
		old: "{\"auths\": {}}\n", cmd: []string{"per-registry", "podman", "r.example"},
		other: "{\"auths\": {}, \"marker\": 1}\n",
		kept:  contains(func(w *world) string { return w.authJSON }, "marker"),
	},
	{
		name: "docker-config.json", path: func(w *world) string { return w.appCfg },
		old: "{\"auths\": {\"e.example\": {\"auth\": \"" + b64("eve", "pw-e") + "\"}}}\n",
		prepare: func(t *testing.T, w *world) {
			write(t, w.remoteYAML, "Credentials:\n    - URI: docker://e.example\n      Insecure: false\n", 0o600)
		},
		cmd:   []string{"erase", "docker://e.example"},
		again: []string{"setup", "apptainer"},
		other: "{\"auths\": {\"e.example\": {\"auth\": \"" + b64("eve", "pw-e") + "\"}}, \"marker\": 1}\n",
		kept:  contains(func(w *world) string { return w.appCfg }, "marker"),
	},
	{
		name: "drop-in", path: func(w *world) string { return w.dropIn },
		old: "# mine\n", cmd: []string{"setup", "podman"},
		other: "# other\n",
		kept:  contains(func(w *world) string { return w.record }, "# other"),
	},
	{
		name: "setup.json", path: func(w *world) string { return w.record },
		old: "{\"version\": 1, \"files\": {}}\n",
		prepare: func(t *testing.T, w *world) {
			write(t, w.dockerCfg, "{}\n", 0o600)
		},
		cmd:   []string{"setup", "docker"},
		other: "{\"version\": 1, \"files\": {\"/elsewhere/x.json\": {\"kind\": \"json\", \"owners\": [\"other\"], \"created\": false, \"sha256\": \"\"}}}\n",
		kept:  contains(func(w *world) string { return w.record }, "/elsewhere/x.json"),
	},
	{
		name: "settings", path: func(w *world) string { return w.settings },
		old: "# mine\nsecrets: file\n", cmd: []string{"settings", "keyring"},
		other: "# other\nsecrets: file\n",
		kept:  contains(func(w *world) string { return w.settings }, "# other"),
	},
}

func (fc fileCase) world(t *testing.T) (*world, string) {
	w := newWorld(t)
	if fc.prepare != nil {
		fc.prepare(t, w)
	}
	p := fc.path(w)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	return w, p
}

// refused checks a command that must refuse: non-zero exit, one line that
// names the file, in bounded time.
func refused(t *testing.T, w *world, fc fileCase, p string) {
	t.Helper()
	c := w.child(fc.cmd[0], fc.cmd[1:]...)
	var out strings.Builder
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		c.Process.Kill()
		<-done
		t.Fatalf("%v hung on %s", fc.cmd, filepath.Base(p))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if err == nil || len(lines) != 1 || !strings.Contains(lines[0], filepath.Base(p)) {
		t.Fatalf("%v: exit %v, output %q; want a non-zero exit and one line naming %s", fc.cmd, err, out.String(), filepath.Base(p))
	}
}

// One write path (issue 21 acceptance): every file remoteyaml writes,
// through the same cases, each ending with the old or the new bytes, no
// temporary file left, the owner kept, one line for what is refused.
func TestEveryFileOneWritePath(t *testing.T) {
	for _, fc := range fileCases {
		t.Run(fc.name, func(t *testing.T) {
			// The bytes an undisturbed run leaves.
			w, p := fc.world(t)
			write(t, p, fc.old, 0o600)
			if out, err := w.run(t, fc.cmd[0], fc.cmd[1:]...); err != nil {
				t.Fatalf("%v: %v\n%s", fc.cmd, err, out)
			}
			newBytes := content(t, w, p)
			if newBytes == fc.old {
				t.Fatalf("%v left %s as it was", fc.cmd, fc.name)
			}

			t.Run("FIFO", func(t *testing.T) {
				w, p := fc.world(t)
				if err := syscall.Mkfifo(p, 0o600); err != nil {
					t.Fatal(err)
				}
				refused(t, w, fc, p)
				if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
					t.Fatal("the FIFO was replaced")
				}
			})
			t.Run("device", func(t *testing.T) {
				if os.Geteuid() != 0 {
					t.Skip("mknod needs root")
				}
				w, p := fc.world(t)
				if err := syscall.Mknod(p, syscall.S_IFCHR|0o600, 1<<8|5); err != nil { // /dev/zero's numbers
					t.Fatal(err)
				}
				refused(t, w, fc, p)
				if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
					t.Fatal("the device was replaced")
				}
			})
			t.Run("directory", func(t *testing.T) {
				w, p := fc.world(t)
				if err := os.Mkdir(p, 0o700); err != nil {
					t.Fatal(err)
				}
				refused(t, w, fc, p)
			})
			t.Run("over the size cap", func(t *testing.T) {
				w, p := fc.world(t)
				big := fc.old + strings.Repeat(" ", 17<<20)
				write(t, p, big, 0o600)
				refused(t, w, fc, p)
				if read(t, p) != big {
					t.Fatal("the file changed")
				}
			})
			t.Run("read-only", func(t *testing.T) {
				w, p := fc.world(t)
				write(t, p, fc.old, 0o400)
				refused(t, w, fc, p)
				if read(t, p) != fc.old {
					t.Fatal("the file changed")
				}
			})
			t.Run("symlink chain", func(t *testing.T) {
				w, p := fc.world(t)
				dir := filepath.Dir(w.home)
				real := filepath.Join(dir, "b", "real")
				write(t, real, fc.old, 0o600)
				os.MkdirAll(filepath.Join(dir, "a"), 0o700)
				if err := os.Symlink("../b/real", filepath.Join(dir, "a", "link")); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.Join(dir, "a", "link"), p); err != nil {
					t.Fatal(err)
				}
				if out, err := w.run(t, fc.cmd[0], fc.cmd[1:]...); err != nil {
					t.Fatalf("%v: %v\n%s", fc.cmd, err, out)
				}
				for _, l := range []string{p, filepath.Join(dir, "a", "link")} {
					if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Errorf("%s is no longer a symlink", l)
					}
				}
				if content(t, w, real) != newBytes {
					t.Errorf("the link's target holds %q, want %q", read(t, real), newBytes)
				}
			})
			t.Run("another owner as root", func(t *testing.T) {
				if os.Geteuid() != 0 {
					t.Skip("needs root")
				}
				w, p := fc.world(t)
				write(t, p, fc.old, 0o600)
				if err := os.Chown(p, 4242, 4243); err != nil {
					t.Fatal(err)
				}
				if out, err := w.run(t, fc.cmd[0], fc.cmd[1:]...); err != nil {
					t.Fatalf("%v: %v\n%s", fc.cmd, err, out)
				}
				fi, _ := os.Stat(p)
				if st := fi.Sys().(*syscall.Stat_t); st.Uid != 4242 || st.Gid != 4243 {
					t.Errorf("owner %d:%d, want 4242:4243", st.Uid, st.Gid)
				}
			})
			t.Run("concurrent rename", func(t *testing.T) {
				held := false
				for try := 0; try < 100 && !held; try++ {
					w, p := fc.world(t)
					write(t, p, fc.old, 0o600)
					var out string
					held, out = holdAtTemp(t, w.child(fc.cmd[0], fc.cmd[1:]...), p, func() {
						tmp := p + ".other"
						write(t, tmp, fc.other, 0o600)
						if err := os.Rename(tmp, p); err != nil {
							t.Fatal(err)
						}
					})
					if held && !fc.kept(t, w) {
						t.Fatalf("another writer's rename during %v was lost\n%s\noutput: %s", fc.cmd, read(t, p), out)
					}
					if left := temps(p); len(left) > 0 {
						t.Fatalf("temporary files left: %v", left)
					}
				}
				if !held {
					t.Fatal("never caught the command between its read and its rename")
				}
			})
			t.Run("SIGKILL", func(t *testing.T) {
				for i := 0; i < 20; i++ {
					w, p := fc.world(t)
					write(t, p, fc.old, 0o600)
					c := w.child(fc.cmd[0], fc.cmd[1:]...)
					if err := c.Start(); err != nil {
						t.Fatal(err)
					}
					time.Sleep(time.Duration(rand.IntN(20000)) * time.Microsecond)
					c.Process.Signal(syscall.SIGKILL)
					c.Wait()
					if got := content(t, w, p); got != fc.old && got != newBytes {
						t.Fatalf("after a kill %s holds %q: neither the old nor the new bytes", fc.name, got)
					}
					again := fc.cmd
					if fc.again != nil {
						again = fc.again
					}
					if out, err := w.run(t, again[0], again[1:]...); err != nil {
						t.Fatalf("%v after a kill: %v\n%s", again, err, out)
					}
					if left := temps(p); len(left) > 0 {
						t.Fatalf("the run after a kill left temporary files: %v", left)
					}
				}
			})
		})
	}
}
