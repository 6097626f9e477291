// Command floorwrite is the floor for a file-backed credential helper's
// store that cannot lose the file: it reads stdin, reads
// $APPTAINER_CONFIGDIR/remote.yaml and writes the same bytes the way the
// helper must (atomicfile: a temporary file, fsync, rename, fsync of the
// directory), then prints a fixed JSON line. Its time beside bench/floor's is
// what durability costs on the machine; no safe store can be faster.
//
// It writes them to remote.yaml.floor beside remote.yaml, not over it: a
// rename over remote.yaml is another program's write to the helper, which
// then waits for the file to settle (yamlstore's settle time) before it
// builds on it, and the helper's store, alternating with this floor round by
// round, would measure that wait instead of itself.
package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/remoteyaml/remoteyaml/atomicfile"
)

func main() {
	if _, err := io.ReadAll(os.Stdin); err != nil {
		fail(err)
	}
	path := filepath.Join(os.Getenv("APPTAINER_CONFIGDIR"), "remote.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if err := atomicfile.Write(path+".floor", data, 0o600); err != nil {
		fail(err)
	}
	os.Stdout.WriteString(`{"ServerURL":"reg.example.com","Username":"user","Secret":"secret"}` + "\n")
}

func fail(err error) {
	os.Stdout.WriteString(err.Error() + "\n")
	os.Exit(1)
}
