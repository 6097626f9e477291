#!/usr/bin/env bash
# Installs what the integration tests (go test ./integration/) and demo.sh need
# on a Debian 12 machine. Idempotent and non-interactive: safe to run again;
# it only installs what is missing or at another version.
#
#   Debian packages: docker-registry (CNCF distribution), skopeo, podman (with
#   crun, conmon and the CNI plugins, run rootful with vfs storage by the
#   tests), apache2-utils (htpasswd, bcrypt), openssl; gnome-keyring, dbus,
#   libsecret-tools and libglib2.0-bin (gdbus) for the keyring backend's tests
#   (integration/with-keyring.sh); nginx-light for remote-login's keyserver tests;
#   man-db, zsh and fish for the installed man pages and completions
#   (integration/install_test.go); for `make dist` and `make dist-check`:
#   rpm (rpmbuild, rpm2cpio), cpio, file, lintian and rpmlint.
#   go install, pinned: crane, oras, regctl, and for `make dist` nfpm,
#   go-licenses and cyclonedx-gomod, into $(go env GOBIN) or
#   $(go env GOPATH)/bin, where the tests and the Makefile also look.
#   The Go toolchain the EasyBuild easyconfig names (GOTOOLCHAIN=goX from the
#   module proxy, into the module cache): check-recipes.py builds the
#   vendored source with exactly that Go.
#   Not installed: the docker CLI (only its client is needed; the tests use
#   the one on PATH and skip with the reason if there is none) and a token
#   server (cesanta/docker_auth is not served by the Go module proxy; the
#   tests run their own small one, integration/tokenserver_test.go).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

CRANE_VERSION=v0.22.1   # github.com/google/go-containerregistry
ORAS_VERSION=v1.3.6     # oras.land/oras
REGCTL_VERSION=v0.11.7  # github.com/regclient/regclient
NFPM_VERSION=v2.45.2           # github.com/goreleaser/nfpm/v2: .deb and .rpm
GO_LICENSES_VERSION=v1.6.0     # github.com/google/go-licenses: third-party notices
CYCLONEDX_GOMOD_VERSION=v1.10.0  # github.com/CycloneDX/cyclonedx-gomod: SBOM

APT_PACKAGES=(docker-registry skopeo podman crun conmon containernetworking-plugins uidmap apache2-utils openssl ca-certificates gnome-keyring dbus libsecret-tools libglib2.0-bin nginx-light man-db zsh fish rpm cpio file lintian rpmlint)

log() { printf '==> %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then SUDO=(sudo -n); else
		echo "install-deps.sh: run as root or with password-less sudo" >&2
		exit 1
	fi
fi

# --- Debian packages --------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	log "apt-get install ${missing[*]}"
	# Mirrors fail now and then (a missing archive mid-sync): try three times.
	for try in 1 2 3; do
		if "${SUDO[@]}" apt-get update -qq &&
			"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null; then
			break
		fi
		[ "$try" -lt 3 ] || { echo "install-deps.sh: apt-get failed three times" >&2; exit 1; }
		log "apt-get failed (try $try of 3); retrying in 10 s"
		sleep 10
	done
else
	log "Debian packages already installed: ${APT_PACKAGES[*]}"
fi

# --- Go tools, pinned ------------------------------------------------------
command -v go >/dev/null || { echo "install-deps.sh: go is not on PATH" >&2; exit 1; }
GOBIN_DIR=$(go env GOBIN)
[ -n "$GOBIN_DIR" ] || GOBIN_DIR="$(go env GOPATH | cut -d: -f1)/bin"

# go_tool NAME PACKAGE MODULE VERSION: go install unless the binary there was
# already built from MODULE at VERSION.
go_tool() {
	local name=$1 pkg=$2 module=$3 version=$4 bin="$GOBIN_DIR/$1"
	if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -qP "^\tmod\t\Q$module\E\t\Q$version\E\t"; then
		log "$name $version already in $GOBIN_DIR"
		return
	fi
	log "go install $pkg@$version"
	CGO_ENABLED=0 GOBIN="$GOBIN_DIR" go install "$pkg@$version" </dev/null
}
go_tool crane github.com/google/go-containerregistry/cmd/crane github.com/google/go-containerregistry "$CRANE_VERSION"
go_tool oras oras.land/oras/cmd/oras oras.land/oras "$ORAS_VERSION"
go_tool regctl github.com/regclient/regclient/cmd/regctl github.com/regclient/regclient "$REGCTL_VERSION"
go_tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm github.com/goreleaser/nfpm/v2 "$NFPM_VERSION"
go_tool go-licenses github.com/google/go-licenses github.com/google/go-licenses "$GO_LICENSES_VERSION"
go_tool cyclonedx-gomod github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod github.com/CycloneDX/cyclonedx-gomod "$CYCLONEDX_GOMOD_VERSION"

# The easyconfig's Go, for check-recipes.py's offline build with it.
EB_GO=$(grep -oP "\('Go', '\K[0-9.]+" "$(dirname "$0")/../packaging/easybuild/remoteyaml.eb.in")
if GOTOOLCHAIN="go$EB_GO" GOPROXY=off go version >/dev/null 2>&1; then
	log "Go $EB_GO toolchain already in the module cache"
else
	log "Go $EB_GO toolchain (the easyconfig's) into the module cache"
	GOTOOLCHAIN="go$EB_GO" go version </dev/null
fi

# --- Versions ---------------------------------------------------------------
export PATH="$PATH:$GOBIN_DIR"
ver() { # NAME COMMAND...: print the first line of a tool's version, or why not
	local name=$1; shift
	if command -v "$1" >/dev/null; then
		printf '  %-16s %s\n' "$name" "$("$@" 2>&1 | head -n1)"
	else
		printf '  %-16s %s\n' "$name" "NOT INSTALLED"
	fi
}
log "versions"
ver docker-registry docker-registry --version
ver skopeo skopeo --version
ver podman podman --version
ver crun crun --version
ver htpasswd sh -c 'dpkg-query -W -f="apache2-utils \${Version}" apache2-utils'
ver openssl openssl version
ver crane crane version
ver oras sh -c 'oras version | head -n1'
ver regctl regctl version --format '{{.VCSTag}}'
modver() { go version -m "$(command -v "$1")" | grep -P '^\tmod\t' | cut -f4; } # what go install built
ver nfpm modver nfpm
ver go-licenses modver go-licenses
ver cyclonedx-gomod modver cyclonedx-gomod
ver rpm rpm --version
ver lintian lintian --version
ver rpmlint sh -c 'rpmlint --version | tail -n1'
ver "go (easyconfig)" env GOTOOLCHAIN="go$EB_GO" GOPROXY=off go version
ver man man --version
ver docker docker --version
ver go go version
