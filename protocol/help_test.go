package protocol

import (
	"bytes"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/credentials"
)

func TestServe_help(t *testing.T) {
	name := credentials.Name
	credentials.Name = "docker-credential-remoteyaml" // as main sets it
	t.Cleanup(func() { credentials.Name = name })
	for _, arg := range []string{"--help", "-h"} {
		var out bytes.Buffer
		if code := Serve(nil, []string{"docker-credential-remoteyaml", arg}, strings.NewReader(""), &out); code != 0 {
			t.Fatalf("%s: exit %d, want 0", arg, code)
		}
		got := out.String()
		for _, want := range []string{
			"Usage: docker-credential-remoteyaml <store|get|erase|list|version>",
			// where remote.yaml is found, as package machine's UserFile
			"1. $REMOTEYAML_FILE, if set\n", "2. Apptainer on PATH", "3. only SingularityCE on PATH: $SINGULARITY_CONFIGDIR/remote.yaml",
			"4. neither: $APPTAINER_CONFIGDIR/remote.yaml", "PATH ",
			// every variable the helper reads
			"REMOTEYAML_FILE ", "APPTAINER_CONFIGDIR ", "SINGULARITY_CONFIGDIR ", "HOME ", "REMOTEYAML_SECRETS ", "XDG_CONFIG_HOME ", "DBUS_SESSION_BUS_ADDRESS ",
			"remote-login --help", "remote-login setup",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: help lacks %q:\n%s", arg, want, got)
			}
		}
	}
}
