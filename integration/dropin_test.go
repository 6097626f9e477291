package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remoteyaml/remoteyaml/internal/standin"
)

// TestSetup_DropInWhereEachReaderReads (issue 17 item 1): with
// XDG_CONFIG_HOME set away from ~/.config and unset, and an Apptainer
// stand-in on PATH beside the real podman and skopeo, setup writes the
// drop-in in every place the machine model says a reader looks (podman 4.3
// and skopeo 1.9: ~/.config whatever XDG_CONFIG_HOME says; Apptainer:
// $XDG_CONFIG_HOME when set), a real skopeo inspect and podman pull of a
// private image then work through the helper, and --undo removes each.
func TestSetup_DropInWhereEachReaderReads(t *testing.T) {
	needRegistries(t)
	for _, tc := range []struct {
		name string
		how  containersHelpers
	}{{"xdg-elsewhere", viaSetupXDGElsewhere}, {"xdg-unset", viaRegistriesConf}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newClientEnv(t, tc.how)
			needPodman(t, e)
			lookTool(t, "skopeo")
			bin := standin.Install(t, standin.Apptainer, t.TempDir())
			e.env["PATH"] = bin + string(os.PathListSeparator) + e.env["PATH"]
			home := filepath.Join(e.home, ".config", "containers", "registries.conf.d", "50-remoteyaml.conf")
			xdg := filepath.Join(e.configHome, "containers", "registries.conf.d", "50-remoteyaml.conf")
			os.Remove(home) // viaRegistriesConf wrote one by hand: setup writes it here
			if r := e.remoteLogin(t, "", "setup", "--podman", "--apptainer"); r.code != 0 {
				t.Fatalf("setup: %s", r)
			}
			for _, p := range []string{home, xdg} {
				if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), `"remoteyaml"`) {
					t.Errorf("no drop-in at %s after setup (%v)", p, err)
				}
			}
			repo := uniqueRepo(t)
			mustLogin(t, e, "podman", basicReg)
			mustPush(t, e, "skopeo", basicReg, repo)
			ref := basicReg.host + "/" + repo + ":" + theImage.tag
			e.mustRun(t, runOpts{}, "skopeo", "inspect", "docker://"+ref)
			e.mustRun(t, runOpts{}, "podman", "pull", "-q", ref)
			e.assertSecretOnlyInRemoteYAML(t, testUser, testPassword)

			r := e.remoteLogin(t, "", "setup", "--undo")
			if r.code != 0 || strings.Contains(r.stdout, "kept:") {
				t.Fatalf("undo: %s", r)
			}
			for _, p := range []string{home, xdg} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("%s is still there after --undo (%v)", p, err)
				}
			}
		})
	}
}
