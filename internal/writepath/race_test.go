package writepath_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func b64(user, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
}

// dockerLogin adds a login the way docker login (and Apptainer's registry
// login, through docker's configfile package) writes one: read, decode,
// re-encode, a temporary file, rename. No lock.
func dockerLogin(path, host, user, secret string) error {
	var cfg map[string]any
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &cfg); err != nil {
			return err
		}
	}
	if cfg == nil {
		cfg = map[string]any{}
	}
	auths, _ := cfg["auths"].(map[string]any)
	if auths == nil {
		auths = map[string]any{}
		cfg["auths"] = auths
	}
	auths[host] = map[string]any{"auth": b64(user, secret)}
	b, err := json.MarshalIndent(cfg, "", "\t")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), path)
}

// loggedIn tells whether the login of host ended in the docker file or in
// remote.yaml.
func loggedIn(t *testing.T, w *world, file, host, user, secret string) bool {
	t.Helper()
	var cfg struct {
		Auths map[string]struct{ Auth string } `json:"auths"`
	}
	json.Unmarshal([]byte(read(t, file)), &cfg)
	if cfg.Auths[host].Auth == b64(user, secret) {
		return true
	}
	y := read(t, w.remoteYAML)
	i := strings.Index(y, "URI: docker://"+host+"\n")
	return i >= 0 && strings.Contains(y[i:], "Auth: Basic "+b64(user, secret))
}

// stopped tells a process stopped by SIGSTOP (state T in /proc).
func stopped(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && (s[i+2] == 'T' || s[i+2] == 't')
}

// holdAtTemp starts c and, when a temporary file of path appears, stops it
// (SIGSTOP), runs during, and lets it go on (SIGCONT). held says whether
// it was caught with the temporary file still there, i.e. between its read
// and its rename.
func holdAtTemp(t *testing.T, c *exec.Cmd, path string, during func()) (held bool, out string) {
	t.Helper()
	var buf strings.Builder
	c.Stdout, c.Stderr = &buf, &buf
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	pid := c.Process.Pid
	for {
		select {
		case <-done:
			return false, buf.String()
		default:
		}
		if len(temps(path)) == 0 {
			continue
		}
		syscall.Kill(pid, syscall.SIGSTOP)
		for !stopped(pid) {
			select {
			case <-done:
				return false, buf.String()
			default:
			}
		}
		held = len(temps(path)) > 0
		if held {
			during()
		}
		syscall.Kill(pid, syscall.SIGCONT)
		<-done
		return held, buf.String()
	}
}

// Issue 21 item 4: a docker login (temp file + rename) landing while
// import, setup and the docker-config secret removal are held between
// their read and their rename must end in one of the two files.
func TestDockerLoginDuringEdit(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, w *world)
		cmd     []string
		file    func(w *world) string
		check   func(t *testing.T, w *world) string // what else must hold
	}{
		{
			name: "import",
			prepare: func(t *testing.T, w *world) {
				write(t, w.dockerCfg, `{"credsStore": "remoteyaml", "auths": {"a.example": {"auth": "`+b64("alice", "pw-a")+`"}}}`, 0o600)
			},
			cmd:  []string{"import"},
			file: func(w *world) string { return w.dockerCfg },
			check: func(t *testing.T, w *world) string {
				if !loggedIn(t, w, w.dockerCfg, "a.example", "alice", "pw-a") {
					return "the imported login a.example is in neither file"
				}
				return ""
			},
		},
		{
			name: "setup",
			prepare: func(t *testing.T, w *world) {
				write(t, w.dockerCfg, `{"auths": {"a.example": {"auth": "`+b64("alice", "pw-a")+`"}}}`, 0o600)
			},
			cmd:  []string{"setup", "docker"},
			file: func(w *world) string { return w.dockerCfg },
			check: func(t *testing.T, w *world) string {
				if !strings.Contains(read(t, w.dockerCfg), `"credsStore": "remoteyaml"`) {
					return "setup's credsStore is not there: " + read(t, w.dockerCfg)
				}
				return ""
			},
		},
		{
			name: "docker-config secret removal",
			prepare: func(t *testing.T, w *world) {
				write(t, w.remoteYAML, "Credentials:\n    - URI: docker://e.example\n      Insecure: false\n", 0o600)
				write(t, w.appCfg, `{"auths": {"e.example": {"auth": "`+b64("eve", "pw-e")+`"}}}`, 0o600)
			},
			cmd:  []string{"erase", "docker://e.example"},
			file: func(w *world) string { return w.appCfg },
			check: func(t *testing.T, w *world) string {
				if strings.Contains(read(t, w.appCfg), b64("eve", "pw-e")) {
					return "the erased login's secret stays: " + read(t, w.appCfg)
				}
				return ""
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const want = 5
			held, tries := 0, 0
			for held < want && tries < 200 {
				tries++
				w := newWorld(t)
				tt.prepare(t, w)
				file := tt.file(w)
				ok, out := holdAtTemp(t, w.child(tt.cmd[0], tt.cmd[1:]...), file, func() {
					if err := dockerLogin(file, "new.example", "nina", "pw-n"); err != nil {
						t.Fatal(err)
					}
				})
				if !ok {
					continue
				}
				held++
				if !loggedIn(t, w, file, "new.example", "nina", "pw-n") {
					t.Fatalf("round %d: the docker login landing during %s is in neither file\n%s:\n%s\nremote.yaml:\n%s\noutput: %s",
						held, tt.name, file, read(t, file), read(t, w.remoteYAML), out)
				}
				if msg := tt.check(t, w); msg != "" {
					t.Fatalf("round %d: %s\noutput: %s", held, msg, out)
				}
			}
			if held < want {
				t.Fatalf("caught %s between read and rename only %d times in %d tries", tt.name, held, tries)
			}
			t.Logf("%d rounds held between read and rename (%d tries)", held, tries)
		})
	}
}

// Issue 21 item 4, the residual window: docker logins (temp file +
// rename) at random times beside 150 imports. Docker takes no lock, so its
// rename can land between import's last check and its own rename; the
// count of logins lost measures that window (issue 21 saw 1-12 per run
// before the fix). Run with REMOTEYAML_RACE_ROUNDS=150 for the full count.
func TestDockerLoginsBesideImports(t *testing.T) {
	imports, logins := 150, 300
	if testing.Short() {
		imports, logins = 30, 60
	}
	w := newWorld(t)
	write(t, w.dockerCfg, `{"credsStore": "remoteyaml", "auths": {}}`, 0o600)
	stop := make(chan struct{})
	done := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				done <- n
				return
			default:
			}
			if out, err := w.run(t, "import"); err != nil && !strings.Contains(out, "changed while it was imported") {
				t.Errorf("import: %v\n%s", err, out)
			}
			n++
			if n == imports {
				done <- n
				return
			}
		}
	}()
	start := time.Now()
	for i := 0; i < logins; i++ {
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		if err := dockerLogin(w.dockerCfg, fmt.Sprintf("h%d.example", i), "u", fmt.Sprint("pw", i)); err != nil {
			t.Fatal(err)
		}
	}
	n := <-done
	close(stop)
	lost := 0
	for i := 0; i < logins; i++ {
		if !loggedIn(t, w, w.dockerCfg, fmt.Sprintf("h%d.example", i), "u", fmt.Sprint("pw", i)) {
			lost++
		}
	}
	t.Logf("%d docker logins beside %d imports in %s: %d lost", logins, n, time.Since(start).Round(time.Millisecond), lost)
	if lost > logins/100 {
		t.Errorf("%d of %d docker logins lost beside %d imports", lost, logins, n)
	}
}
