package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestUpdate(t *testing.T) {
	appendX := func(data []byte, _ State) ([]byte, Op, error) { return append(data, 'x'), Replace, nil }
	tests := []struct {
		name      string
		before    string // "" with mode 0: no file
		mode      os.FileMode
		opts      Options
		edit      func([]byte, State) ([]byte, Op, error)
		interfere string // renamed over the file after the first read
		want      string
		wantMode  os.FileMode
		wantErr   string
		edits     int
	}{
		{name: "new file 0600", edit: appendX, want: "x", wantMode: 0o600, edits: 1},
		{name: "new file with Mode", opts: Options{Mode: 0o644}, edit: appendX, want: "x", wantMode: 0o644, edits: 1},
		{name: "mode kept", before: "a", mode: 0o644, edit: appendX, want: "ax", wantMode: 0o644, edits: 1},
		{name: "ForceMode tightens", before: "a", mode: 0o644, opts: Options{Mode: 0o600, ForceMode: true}, edit: appendX, want: "ax", wantMode: 0o600, edits: 1},
		{name: "Keep", before: "a", mode: 0o600, edit: func([]byte, State) ([]byte, Op, error) { return nil, Keep, nil }, want: "a", wantMode: 0o600, edits: 1},
		{name: "Remove", before: "a", mode: 0o600, edit: func([]byte, State) ([]byte, Op, error) { return nil, Remove, nil }, want: "", edits: 1},
		{name: "moved: starts over from the new file", before: "a", mode: 0o600, edit: appendX, interfere: "b", want: "bx", wantMode: 0o600, edits: 2},
		{name: "moved before a Remove: starts over", before: "a", mode: 0o600, interfere: "b", edits: 2,
			edit: func(d []byte, _ State) ([]byte, Op, error) {
				if string(d) == "b" {
					return nil, Keep, nil // the other writer's file is not ours to remove
				}
				return nil, Remove, nil
			}, want: "b", wantMode: 0o600},
		{name: "read-only refused before the edit", before: "a", mode: 0o400, edit: appendX, want: "a", wantMode: 0o400, wantErr: "read-only", edits: 0},
		{name: "edit error writes nothing", before: "a", mode: 0o600, edit: func([]byte, State) ([]byte, Op, error) { return nil, Replace, errors.New("no") }, want: "a", wantMode: 0o600, wantErr: "no", edits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.json")
			if tt.mode != 0 {
				if err := os.WriteFile(path, []byte(tt.before), tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			stale := filepath.Join(dir, TempPrefix("f.json")+"123")
			os.WriteFile(stale, []byte("secret"), 0o644)
			reads, edits := 0, 0
			o := tt.opts
			o.Read = func(p string) ([]byte, State, error) {
				d, st, err := ReadFile(p)
				if reads++; reads == 1 && tt.interfere != "" {
					os.WriteFile(p+".other", []byte(tt.interfere), 0o600)
					os.Rename(p+".other", p)
				}
				return d, st, err
			}
			err := Update(path, o, func(d []byte, st State) ([]byte, Op, error) { edits++; return tt.edit(d, st) })
			if (err == nil) != (tt.wantErr == "") || (err != nil && (!strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n"))) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			got, _ := os.ReadFile(path)
			var gotMode os.FileMode
			if fi, err := os.Stat(path); err == nil {
				gotMode = fi.Mode().Perm()
			}
			if string(got) != tt.want || gotMode != tt.wantMode || edits != tt.edits {
				t.Errorf("got %q mode %04o after %d edits, want %q mode %04o after %d", got, gotMode, edits, tt.want, tt.wantMode, tt.edits)
			}
			if _, err := os.Stat(stale); tt.wantErr != "read-only" && err == nil {
				t.Error("a killed writer's temporary file stays")
			}
			if left, _ := filepath.Glob(filepath.Join(dir, TempPrefix("f.json")+"*")); len(left) > 1 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestReadFile_Refuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"FIFO", fifo, "is a FIFO, not a regular file"},
		{"directory", dir, "is a directory, not a regular file"},
		{"over the cap", big, "larger than 16 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadFile(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %v, want one line naming the file with %q", err, tt.want)
			}
		})
	}
}

func TestMkdirOwned_RootGivesParentsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	home := t.TempDir()
	if err := os.Chown(home, 4242, 4243); err != nil {
		t.Fatal(err)
	}
	if err := MkdirOwned(filepath.Join(home, ".config", "containers", "registries.conf.d")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{".config", ".config/containers", ".config/containers/registries.conf.d"} {
		fi, err := os.Stat(filepath.Join(home, d))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if got := [3]uint32{st.Uid, st.Gid, uint32(fi.Mode().Perm())}; got != [3]uint32{4242, 4243, 0o700} {
			t.Errorf("%s: uid, gid, mode %v, want 4242 4243 0700", d, got)
		}
	}
}

// A writer's note in the held lock file reaches a reader that takes no
// lock, but only once the lock is free: opening and closing a second
// descriptor of the lock file while this process holds it would drop the
// lock.
func TestLock_NoteReadWithoutLock(t *testing.T) {
	path := LockPath(filepath.Join(t.TempDir(), "remote.yaml"))
	unlock, lockFile, err := Lock(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockFile.WriteAt([]byte("note"), 0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		max  int
		want string
	}{
		{"while held", 16, ""},
		{"after release", 16, "note"},
		{"capped", 2, "no"},
	}
	for i, tt := range tests {
		if i == 1 {
			unlock()
		}
		if got := string(ReadLock(path, tt.max)); got != tt.want {
			t.Errorf("%s: ReadLock = %q, want %q", tt.name, got, tt.want)
		}
	}
}
