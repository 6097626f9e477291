package writepath_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recorded tells whether setup.json records setup's edit of path, with the
// credsStore it replaced.
func recorded(t *testing.T, w *world, path, oldValue string) bool {
	t.Helper()
	var rec struct {
		Files map[string]struct {
			OldValue json.RawMessage `json:"oldValue"`
			Owners   []string        `json:"owners"`
		} `json:"files"`
	}
	if json.Unmarshal([]byte(read(t, w.record)), &rec) != nil {
		return false
	}
	fr, ok := rec.Files[path]
	return ok && (oldValue == "" || string(fr.OldValue) == oldValue)
}

// Issue 21 item 5: setup killed at any moment never leaves config.json
// saying "credsStore": "remoteyaml" with no record of the helper it
// replaced ("pass"): --undo could not put it back, import not find it.
func TestSetupKilled_NeverUnrecorded(t *testing.T) {
	rounds := 120
	if testing.Short() {
		rounds = 30
	}
	bad := 0
	for i := 0; i < rounds; i++ {
		w := newWorld(t)
		write(t, w.dockerCfg, "{\n\t\"credsStore\": \"pass\"\n}\n", 0o600)
		c := w.child("setup", "docker")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			// Killed the moment config.json says remoteyaml.
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(read(t, w.dockerCfg), "remoteyaml") && time.Now().Before(deadline) {
			}
		} else {
			time.Sleep(time.Duration(rand.IntN(15000)) * time.Microsecond)
		}
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		if strings.Contains(read(t, w.dockerCfg), `"remoteyaml"`) && !recorded(t, w, w.dockerCfg, `"pass"`) {
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d killed setups left credsStore remoteyaml with no record of \"pass\"", bad, rounds)
	}
}

// Issue 21 item 5: two setups at once (one for docker, one for podman)
// must not delete each other's record.
func TestSetup_TwoAtOnceKeepBothRecords(t *testing.T) {
	rounds := 25
	lost := 0
	for i := 0; i < rounds; i++ {
		w := newWorld(t)
		write(t, w.dockerCfg, "{}\n", 0o600)
		a, b := w.child("setup", "docker"), w.child("setup", "podman")
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		if err := b.Start(); err != nil {
			t.Fatal(err)
		}
		ea, eb := a.Wait(), b.Wait()
		if ea != nil || eb != nil {
			t.Fatalf("setup: %v, %v", ea, eb)
		}
		if !recorded(t, w, w.dockerCfg, "") || !recorded(t, w, w.dropIn, "") {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d pairs of setups at once lost one's record", lost, rounds)
	}
}

// Issue 21 item 8: a killed import leaves its temporary file 0600 (not the
// source file's 0644: it holds the plaintext secrets), and the next run
// removes it.
func TestKilledWriterTempFile(t *testing.T) {
	w := newWorld(t)
	write(t, w.dockerCfg, `{"credsStore": "remoteyaml", "auths": {"a.example": {"auth": "`+b64("alice", "pw-a")+`"}}}`, 0o644)
	held := false
	for try := 0; try < 100 && !held; try++ {
		c := w.child("import")
		held, _ = holdAtTemp(t, c, w.dockerCfg, func() { c.Process.Signal(syscall.SIGKILL) })
		if !held {
			write(t, w.dockerCfg, `{"credsStore": "remoteyaml", "auths": {"a.example": {"auth": "`+b64("alice", "pw-a")+`"}}}`, 0o644)
		}
	}
	if !held {
		t.Fatal("never caught import with its temporary file")
	}
	if len(temps(w.dockerCfg)) == 0 {
		t.Fatal("the killed import left no temporary file: the test caught nothing")
	}
	for _, tmp := range temps(w.dockerCfg) {
		if fi, err := os.Stat(tmp); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("the killed import left %s with mode %04o, want 0600", filepath.Base(tmp), fi.Mode().Perm())
		}
	}
	if out, err := w.run(t, "import"); err != nil {
		t.Fatalf("import after the kill: %v\n%s", err, out)
	}
	if left := temps(w.dockerCfg); len(left) > 0 {
		t.Fatalf("the next import left the killed one's temporary files: %v", left)
	}
	if strings.Contains(read(t, w.dockerCfg), b64("alice", "pw-a")) {
		t.Fatalf("the secret stays in config.json: %s", read(t, w.dockerCfg))
	}
}
