// Command docker-credential-remoteyaml is a docker credential helper that
// keeps registry logins in Apptainer's remote.yaml. See package protocol.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"

	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/machine"
	"github.com/remoteyaml/remoteyaml/protocol"
	"github.com/remoteyaml/remoteyaml/safetext"
)

// version is set by `make dist VERSION=…` (-X main.version).
var version = ""

func main() {
	// A helper lives for milliseconds and allocates a few times the size of
	// remote.yaml, all of which its exit frees: collecting garbage before
	// that was a third of a store's instructions at 1,000 logins and half at
	// 10,000 (bench/run.sh). The collector still runs should the heap near
	// 256 MiB (remote.yaml is read only up to 16 MiB).
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(256 << 20)
	credentials.Name = "docker-credential-remoteyaml"
	credentials.Package = "github.com/remoteyaml/remoteyaml"
	if len(os.Args) == 2 && (os.Args[1] == "version" || os.Args[1] == "--version" || os.Args[1] == "-v") {
		// Reading the build info costs 19,000 instructions: only the
		// version action shows it.
		credentials.Version = buildVersion()
	}
	// The machine model without running any program: which of Apptainer
	// and SingularityCE is installed decides which remote.yaml is read.
	m := machine.Probe(machine.Env{Getenv: os.Getenv, LookPath: exec.LookPath})
	if len(os.Args) == 2 && (os.Args[1] == "store" || os.Args[1] == "erase") {
		// A change goes where Apptainer reads: with only ~/.singularity, it
		// migrates first, exactly as Apptainer's next command would.
		if _, err := m.Migrate(); err != nil {
			fmt.Fprintln(os.Stdout, safetext.Text(err.Error()))
			os.Exit(1)
		}
	}
	store, err := credstore.OpenIn(m)
	if err != nil {
		fmt.Fprintln(os.Stdout, safetext.Text(err.Error()))
		os.Exit(1)
	}
	os.Exit(protocol.Serve(protocol.Helper{Store: store}, os.Args, os.Stdin, os.Stdout))
}

// buildVersion is the release's version when one was stamped, else the
// module version from the build info: the tag for `go install …@version`,
// a pseudo-version from the VCS stamp for a build in a checkout (the
// Makefile asks for the stamp), "(devel)" otherwise.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
