// Command floor is the floor for any file-backed credential helper: it reads
// stdin, reads $APPTAINER_CONFIGDIR/remote.yaml and prints a fixed JSON line.
// No helper that keeps its logins in that file can do less per call.
package main

import (
	"io"
	"os"
	"path/filepath"
)

func main() {
	if _, err := io.ReadAll(os.Stdin); err != nil {
		os.Stdout.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	if _, err := os.ReadFile(filepath.Join(os.Getenv("APPTAINER_CONFIGDIR"), "remote.yaml")); err != nil {
		os.Stdout.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString(`{"ServerURL":"reg.example.com","Username":"user","Secret":"secret"}` + "\n")
}
