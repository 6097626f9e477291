package writepath_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Issue 21 item 12: setup run by root with a user's HOME makes every
// directory and file it creates the user's, as remote.yaml's path does.
func TestSetupAsRoot_CreatesUsersFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	const uid, gid = 4242, 4243
	w := newWorld(t)
	if err := os.Chown(w.home, uid, gid); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"setup", "docker", "podman", "apptainer"}, {"per-registry", "podman", "r.example"}, {"store", "docker://r.example", "u", "pw"}, {"settings", "file"}} {
		if out, err := w.run(t, cmd[0], cmd[1:]...); err != nil {
			t.Fatalf("%v: %v\n%s", cmd, err, out)
		}
	}
	n := 0
	filepath.WalkDir(w.home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != uid || st.Gid != gid {
			rel, _ := filepath.Rel(w.home, p)
			t.Errorf("%s is %d:%d, want the home's owner %d:%d", rel, st.Uid, st.Gid, uid, gid)
		}
		n++
		return nil
	})
	for _, p := range []string{w.dockerCfg, w.dropIn, w.appCfg, w.record, w.authJSON, w.remoteYAML, w.settings} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("setup did not make %s: %v", p, err)
		}
	}
}
