#!/usr/bin/env bash
# with-keyring.sh CMD [ARGS...]: runs CMD inside a private D-Bus session with
# an unlocked gnome-keyring (a real Secret Service), in throwaway HOME and XDG
# directories, so tests of the keyring backend never touch the user's keyring.
# Needs gnome-keyring, dbus (dbus-run-session) and libsecret-tools (secret-tool);
# integration/install-deps.sh installs them.
set -euo pipefail
for t in dbus-run-session gnome-keyring-daemon secret-tool; do
	command -v "$t" >/dev/null || { echo "with-keyring.sh: $t not found (run integration/install-deps.sh)" >&2; exit 1; }
done
# Keep Go's caches where they are: a fresh HOME would rebuild everything.
if command -v go >/dev/null; then
	export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/remoteyaml-keyring.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/run" "$T/data" "$T/config" && chmod 700 "$T/run"
export HOME=$T XDG_RUNTIME_DIR=$T/run XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config
# A non-empty password: gnome-keyring keeps an empty-password keyring in a
# plain format whose loader is slow. It is piped, as PAM passes it at login.
dbus-run-session -- bash -c '
	eval "$(printf %s remoteyaml-test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
	export GNOME_KEYRING_CONTROL
	"$@"' with-keyring "$@"
