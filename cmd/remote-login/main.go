// Command remote-login logs in to Apptainer/SingularityCE library remotes,
// keyservers and OCI registries, checking each credential with its server
// before it is stored in remote.yaml, where docker-credential-remoteyaml
// serves registry logins to every client. It also lists and removes logins
// and sets up Docker, podman and Apptainer to use the helper (setup).
//
// Exit codes: 0 done, 1 refused or failed, 2 usage, 3 aborted at a prompt.
// See `remote-login --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
)

// version is set by `make dist VERSION=…` (-X main.version).
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runContext(ctx, os.Args, defaultFactory())
	stop()
	os.Exit(code)
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
