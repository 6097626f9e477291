package writepath_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// Issue 21 items 7 and 13: what import reads (Go's case-insensitive,
// merging decode) and what it edits must agree: each login is moved whole
// (stored, and its secret gone from the file), or refused with one line
// and the file left as it was. Never "moved" with the secret still there.
func TestImport_ReadAndEditAgree(t *testing.T) {
	a, b := b64("alice", "pw-a"), b64("bob", "pw-b")
	tests := []struct{ name, cfg string }{
		{"Auths spelled otherwise", `{"credsStore":"remoteyaml","Auths":{"a.example":{"auth":"` + a + `"}}}`},
		{"two auths objects", `{"credsStore":"remoteyaml","auths":{"a.example":{"auth":"` + a + `"}},"auths":{"b.example":{"auth":"` + b + `"}}}`},
		{"auths then auths null", `{"credsStore":"remoteyaml","auths":{"a.example":{"auth":"` + a + `"}},"auths":null}`},
		{"duplicate key in auths", `{"credsStore":"remoteyaml","auths":{"a.example":{"auth":"` + a + `"},"a.example":{"auth":"` + b + `"}}}`},
		{"auth and identitytoken", `{"credsStore":"remoteyaml","auths":{"a.example":{"auth":"` + a + `","identitytoken":"tok-a"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			write(t, w.dockerCfg, tt.cfg, 0o600)
			out, err := w.run(t, "import")
			got := read(t, w.dockerCfg)
			refusedLines := 0
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.HasPrefix(l, "failed") || strings.HasPrefix(l, "skipped") {
					refusedLines++
				}
			}
			for _, secret := range []string{a, b, "tok-a"} {
				if !strings.Contains(tt.cfg, secret) || !strings.Contains(got, secret) {
					continue
				}
				if err == nil || refusedLines == 0 {
					t.Errorf("import exited %v saying %q, and the secret %s is still in config.json:\n%s", err, out, secret, got)
				}
			}
			y := read(t, w.remoteYAML)
			for secret, stored := range map[string]string{a: "Basic " + a, b: "Basic " + b, "tok-a": "Bearer tok-a"} {
				if strings.Contains(tt.cfg, secret) && !strings.Contains(got, secret) && !strings.Contains(y, stored) {
					t.Errorf("import said %q: the secret %s left config.json without being stored:\n%s", out, secret, y)
				}
			}
			if err != nil && got != tt.cfg {
				t.Errorf("import refused (%q) but changed config.json:\n%s", out, got)
			}
			if err != nil && strings.Contains(read(t, w.remoteYAML), "URI:") {
				t.Errorf("import refused (%q) but stored a login:\n%s", out, read(t, w.remoteYAML))
			}
		})
	}
}

// Issue 21 item 7: an Apptainer-made login whose secret is under "Auths"
// in docker-config.json is served by get; erase must remove that secret,
// or refuse and keep the entry.
func TestErase_SecretUnderAuths(t *testing.T) {
	w := newWorld(t)
	write(t, w.remoteYAML, "Credentials:\n    - URI: docker://e.example\n      Insecure: false\n", 0o600)
	cfg := `{"Auths": {"e.example": {"auth": "` + b64("eve", "pw-e") + `"}}}`
	write(t, w.appCfg, cfg, 0o600)
	out, err := w.run(t, "erase", "docker://e.example")
	secretStays := strings.Contains(read(t, w.appCfg), b64("eve", "pw-e"))
	entryStays := strings.Contains(read(t, w.remoteYAML), "e.example")
	switch {
	case err == nil && secretStays:
		t.Fatalf("erase succeeded and the secret stays in docker-config.json: %s", read(t, w.appCfg))
	case err != nil && (!entryStays || !secretStays || strings.Count(strings.TrimSpace(out), "\n") > 0):
		t.Fatalf("erase refused with %q but changed something (entry kept %v, secret kept %v)", out, entryStays, secretStays)
	}
}

// Issue 21 item 11: import edits each file once per command, not once per
// login (a 200 MB config.json took 15 s for two logins).
func TestImport_EditsEachFileOnce(t *testing.T) {
	w := newWorld(t)
	var auths []string
	for _, h := range []string{"a", "b", "c", "d", "e"} {
		auths = append(auths, `"`+h+`.example": {"auth": "`+b64(h, "pw-"+h)+`"}`)
	}
	write(t, w.dockerCfg, `{"credsStore": "remoteyaml", "auths": {`+strings.Join(auths, ", ")+`}}`, 0o600)
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if _, err := syscall.InotifyAddWatch(fd, w.home+"/.docker", syscall.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	if out, err := w.run(t, "import"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	writes := 0
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(fd, buf)
		if n <= 0 || err != nil {
			break
		}
		for off := 0; off < n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := strings.TrimRight(string(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)]), "\x00")
			if strings.HasPrefix(name, ".config.json.tmp-") {
				writes++
			}
			off += syscall.SizeofInotifyEvent + int(ev.Len)
		}
	}
	if writes != 1 {
		t.Fatalf("import of 5 logins wrote config.json %d times (temporary files made), want once", writes)
	}
	if got := read(t, w.dockerCfg); strings.Contains(got, "auth\"") {
		t.Fatalf("secrets left: %s", got)
	}
}

// Issue 21 item 11: docker-config.json as a FIFO hung the helper's get (so
// every pull) and status; a device killed them out of memory. Each is one
// line now, in bounded time.
func TestGet_SpecialDockerConfig(t *testing.T) {
	for _, kind := range []string{"FIFO", "device"} {
		t.Run(kind, func(t *testing.T) {
			w := newWorld(t)
			write(t, w.remoteYAML, "Credentials:\n    - URI: docker://e.example\n      Insecure: false\n", 0o600)
			var err error
			if kind == "FIFO" {
				err = syscall.Mkfifo(w.appCfg, 0o600)
			} else if os.Geteuid() == 0 {
				err = syscall.Mknod(w.appCfg, syscall.S_IFCHR|0o600, 1<<8|5)
			} else {
				t.Skip("mknod needs root")
			}
			if err != nil {
				t.Fatal(err)
			}
			refused(t, w, fileCase{cmd: []string{"get", "docker://e.example"}}, w.appCfg)
		})
	}
}
