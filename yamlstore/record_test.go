package yamlstore

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

// A get that reads remote.yaml between a store's rename and the record the
// store writes just after it (a helper descheduled there, on a loaded
// machine) must not wait out the settle time: once the record names the
// file it is believed, as any read after the record would believe it.
func TestRead_BelievesOwnWriteOnceRecorded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "remote.yaml")
	const settle = 6 * time.Second
	f := &File{Path: path, Settle: settle, LockTimeout: 10 * time.Second}
	if err := f.Update(func(d *Document) error {
		return d.PutCredential(Credential{URI: "docker://a.example", Auth: "Basic YTpi"}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	// The store's rename lands; its record is not written yet.
	data := []byte("Credentials:\n    - URI: docker://b.example\n      Auth: Basic Yjpj\n      Insecure: false\n")
	tmp := filepath.Join(dir, ".remote.yaml.tmp-test")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	const late = 300 * time.Millisecond
	recorded := make(chan time.Time, 1)
	go func() {
		time.Sleep(late)
		unlock, lockFile, err := atomicfile.Lock(atomicfile.LockPath(path), time.Second)
		if err != nil {
			t.Error(err)
			return
		}
		writeRecord(lockFile, path, data)
		unlock()
		recorded <- time.Now()
	}()
	start := time.Now()
	d, err := f.Read()
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if cs := d.Credentials(); len(cs) != 1 || cs[0].URI != "docker://b.example" {
		t.Fatalf("read %+v, want the login of the renamed file", cs)
	}
	at := <-recorded
	if took >= settle/2 {
		t.Fatalf("the read took %s: it waited for the settle time (%s) although the record named the file %s after the read began", took.Round(time.Millisecond), settle, at.Sub(start).Round(time.Millisecond))
	}
}
