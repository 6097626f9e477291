// Package standin puts stand-ins for Apptainer and SingularityCE on PATH
// for tests, behaving as the real programs were seen to
// (../shared/docs/remote-yaml.md, "Seen in the second lab"): their
// `--version` lines, `buildcfg SYSCONFDIR`, Apptainer's migration of
// ~/.singularity into ~/.apptainer on any command (--version and buildcfg
// included) when ~/.apptainer does not exist, and SingularityCE creating
// its config directory only on real commands. Apptainer installs
// `singularity` as a link to itself; so does its stand-in.
package standin

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Versions the stand-ins print, as the real programs did.
const (
	ApptainerVersion     = "apptainer version 1.5.3"
	SingularityCEVersion = "singularity-ce version 4.5.0"
)

// apptainer migrates as cmd/internal/cli/apptainer.go handleConfDir does:
// the config dir is created when missing, and with no config dir variable
// set, ~/.singularity's remote.yaml (only if it parses: a stand-in
// "parses" what holds no "Bogus:" key), docker-config.json and sypgp keys
// are copied in. Then the command runs.
const apptainer = `#!/bin/sh
dir="${APPTAINER_CONFIGDIR:-${SINGULARITY_CONFIGDIR:-$HOME/.apptainer}}"
if [ ! -e "$dir" ]; then
	mkdir -p "$dir" && chmod 700 "$dir"
	legacy="$HOME/.singularity"
	if [ -z "$APPTAINER_CONFIGDIR$SINGULARITY_CONFIGDIR" ] && [ -d "$legacy" ]; then
		if [ -f "$legacy/remote.yaml" ] && ! grep -q '^Bogus:' "$legacy/remote.yaml"; then
			cp "$legacy/remote.yaml" "$dir/remote.yaml" && chmod 600 "$dir/remote.yaml"
		fi
		[ -f "$legacy/docker-config.json" ] && cp "$legacy/docker-config.json" "$dir/docker-config.json"
	fi
fi
case "$1" in
--version) echo '` + ApptainerVersion + `' ;;
buildcfg) [ "$2" = SYSCONFDIR ] && echo "$STANDIN_SYSCONFDIR" || exit 1 ;;
*) [ -f "$dir/remote.yaml" ] || : > "$dir/remote.yaml"; exit 1 ;;
esac
`

// singularityCE creates its config dir only on real commands; $HOME
// stands for the passwd home here (tests inject it so).
const singularityCE = `#!/bin/sh
case "$1" in
--version) echo '` + SingularityCEVersion + `' ;;
buildcfg) [ "$2" = SYSCONFDIR ] && echo "$STANDIN_SYSCONFDIR" || exit 1 ;;
*) dir="${SINGULARITY_CONFIGDIR:-$HOME/.singularity}"; mkdir -p "$dir"; exit 1 ;;
esac
`

// Kinds of install.
const (
	Apptainer     = "apptainer"
	SingularityCE = "singularity"
)

// Install puts the program of kind on a fresh PATH directory prepended to
// PATH, with sysconfdir as what `buildcfg SYSCONFDIR` prints, and returns
// that directory. Apptainer comes with its singularity link.
func Install(t *testing.T, kind, sysconfdir string) string {
	t.Helper()
	bin := t.TempDir()
	switch kind {
	case Apptainer:
		write(t, filepath.Join(bin, "apptainer"), apptainer)
		if err := os.Symlink("apptainer", filepath.Join(bin, "singularity")); err != nil {
			t.Fatal(err)
		}
	case SingularityCE:
		write(t, filepath.Join(bin, "singularity"), singularityCE)
	default:
		t.Fatalf("standin: unknown kind %q", kind)
	}
	t.Setenv("STANDIN_SYSCONFDIR", sysconfdir)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return bin
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TreeHash is a hash of every path, mode and byte under root: equal before
// and after a command, it shows the command changed nothing there (what a
// stand-in run with the user's HOME would change, say).
func TreeHash(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		h.Write([]byte(rel + "\x00" + fi.Mode().String() + "\x00"))
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
