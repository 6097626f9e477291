#!/usr/bin/env bash
# dist.sh VERSION: builds a release into dist/ (run through `make dist
# VERSION=x.y.z`; README "Install" says what each artifact is for):
#
#   remoteyaml-VERSION-OS-ARCH.tar.gz   static binaries for linux/amd64, arm64,
#                                       ppc64le and darwin/arm64, with man pages,
#                                       completions; LICENSE, notices, README
#                                       in share/doc/remoteyaml/
#   remoteyaml_VERSION_ARCH.deb, remoteyaml-VERSION-1.ARCH.rpm per linux platform
#   remoteyaml-VERSION-vendored.tar.gz  the source with vendor/: builds offline
#   remoteyaml-VERSION.eb, spack/remoteyaml/package.py
#                                       EasyBuild and Spack recipes of this
#                                       version, with the vendored sha256
#   remoteyaml-VERSION.cdx.json         CycloneDX SBOM of the module
#   THIRD_PARTY_NOTICES                 the dependencies' licenses
#   SHA256SUMS                          over every artifact above
#
# Tools: go, git, python3, rpmbuild (Debian's rpm), nfpm, go-licenses, cyclonedx-gomod (pinned by
# integration/install-deps.sh, found on PATH or in $(go env GOPATH)/bin).
set -euo pipefail
version=${1:?usage: dist.sh VERSION (x.y.z)}
version=${version#v}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+~][0-9A-Za-z.~+-]+)?$ ]] ||
	{ echo "dist.sh: VERSION $version is not x.y.z" >&2; exit 2; }
cd "$(dirname "$0")/.."
root=$PWD
gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin="$(go env GOPATH | cut -d: -f1)/bin"
export PATH="$PATH:$gobin"
for tool in git rpmbuild nfpm go-licenses cyclonedx-gomod; do
	command -v "$tool" >/dev/null || { echo "dist.sh: $tool is not installed; run integration/install-deps.sh" >&2; exit 1; }
done
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
ldflags="-s -w -X main.version=$version"
# Reproducible archives: files dated by the last commit, owned by root.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tarc() { tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -czf "$@"; }

out=$root/dist
work=$out/.work
rm -rf "$out"
mkdir -p "$work"
log() { printf '==> %s\n' "$*"; }

# Man pages and completions, from this version's own help.
log "man pages and completions"
go build -trimpath -ldflags "$ldflags" -o "$work/host/remote-login" ./cmd/remote-login
bash packaging/share.sh "$work/host/remote-login" "$work/share"

# The dependencies' licenses, for every platform shipped (darwin links a
# different set: no D-Bus), each module once.
log "third-party notices (go-licenses)"
for os in linux darwin; do
	GOOS=$os go-licenses report --ignore github.com/remoteyaml/remoteyaml \
		--template packaging/notices.tmpl ./cmd/... 2>"$work/go-licenses-$os.log" ||
		{ cat "$work/go-licenses-$os.log" >&2; exit 1; }
done | awk 'BEGIN { RS = "\f"; ORS = "" } NF && !seen[$1]++ { print "================================================================================\n" $0 }' >"$out/THIRD_PARTY_NOTICES"
grep -q '^github.com/urfave/cli/v2$' "$out/THIRD_PARTY_NOTICES" ||
	{ echo "dist.sh: THIRD_PARTY_NOTICES lacks github.com/urfave/cli/v2" >&2; exit 1; }

log "SBOM (cyclonedx-gomod)"
sbom=$out/remoteyaml-$version.cdx.json
cyclonedx-gomod mod -licenses -type application -json -output "$sbom" . 2>"$work/cyclonedx.log" ||
	{ cat "$work/cyclonedx.log" >&2; exit 1; }
# cyclonedx-gomod takes the module's version from a git tag, which a release
# being built has not got yet: name VERSION in the component and its refs.
python3 - "$sbom" "v$version" <<'PY'
import json, sys
path, version = sys.argv[1:]
text = open(path).read().replace("pkg:golang/github.com/remoteyaml/remoteyaml?", f"pkg:golang/github.com/remoteyaml/remoteyaml@{version}?")
bom = json.loads(text)
bom["metadata"]["component"]["version"] = version
with open(path, "w") as f:
    json.dump(bom, f, indent=2)
    f.write("\n")
PY

# A Debian changelog entry for this version, dated by the last commit.
changelog_date=$(date -u -d "@$epoch" -R)
for platform in linux/amd64 linux/arm64 linux/ppc64le darwin/arm64; do
	os=${platform%/*} arch=${platform#*/}
	name=remoteyaml-$version-$os-$arch
	stage=$work/$name
	log "$platform"
	mkdir -p "$stage/bin"
	for cmd in docker-credential-remoteyaml remote-login; do
		GOOS=$os GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "$stage/bin/$cmd" "./cmd/$cmd"
	done
	# Only bin/ and share/ at the top: the tarball unpacks into a prefix
	# (~/.local, /opt/remoteyaml) like any other.
	cp -R "$work/share" "$stage/share"
	mkdir -p "$stage/share/doc/remoteyaml"
	cp LICENSE README.md "$out/THIRD_PARTY_NOTICES" "$stage/share/doc/remoteyaml/"
	tarc "$out/$name.tar.gz" -C "$work" "$name"
	if [ "$os" = linux ]; then
		# Debian and RPM want man pages compressed.
		gzip -9n "$stage"/share/man/man1/*.1
		mkdir -p "$stage/debian"
		cp packaging/debian/copyright packaging/debian/lintian-overrides "$stage/debian/"
		printf '%s\n' "remoteyaml ($version) unstable; urgency=medium" "" \
			"  * Release $version: see https://github.com/remoteyaml/remoteyaml/releases" "" \
			" -- remoteyaml maintainers <remoteyaml@users.noreply.github.com>  $changelog_date" |
			gzip -9n >"$stage/debian/changelog.gz"
		(cd "$stage" && ARCH=$arch PKG_VERSION=$version SOURCE_DATE_EPOCH=$epoch \
			nfpm package --config "$root/packaging/nfpm.yaml" --packager deb --target "$out/" >/dev/null)
		# rpmbuild, not nfpm: its payload paths are relative (./usr/bin/…).
		case $arch in amd64) rpmarch=x86_64 ;; arm64) rpmarch=aarch64 ;; *) rpmarch=$arch ;; esac
		rpmtop=$work/rpmbuild-$arch
		SOURCE_DATE_EPOCH=$epoch rpmbuild -bb --quiet --target "$rpmarch-linux" \
			--define "_topdir $rpmtop" --define "_rpmdir $out" --define "_build_name_fmt %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm" \
			--define "pkgversion $version" --define "stage $stage" \
			--define "changelogdate $(date -u -d "@$epoch" '+%a %b %d %Y')" \
			--define "use_source_date_epoch_as_buildtime 1" --define "clamp_mtime_to_source_date_epoch 1" \
			packaging/remoteyaml.spec >"$work/rpmbuild-$arch.log" 2>&1 ||
			{ cat "$work/rpmbuild-$arch.log" >&2; exit 1; }
	fi
done

# The source as committed, with vendor/ and a VERSION file (the Makefile
# reads it, so a build from this tarball says $version without VERSION=),
# for build nodes without network: GOFLAGS=-mod=vendor GOPROXY=off make
# install PREFIX=… (the Spack and EasyBuild recipes below do this).
log "vendored source"
src=$work/src/remoteyaml-$version
mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"
(cd "$src" && go mod vendor)
echo "$version" >"$src/VERSION"
vendored=remoteyaml-$version-vendored.tar.gz
tarc "$out/$vendored" -C "$work/src" "remoteyaml-$version"

# The recipes, from the templates in packaging/, for this version and the
# sha256 of the vendored tarball just made.
log "EasyBuild and Spack recipes"
sum=$(sha256sum "$out/$vendored" | cut -d' ' -f1)
fill() { sed -e "s/@VERSION@/$version/g" -e "s/@SHA256@/$sum/g" "$1"; }
fill packaging/easybuild/remoteyaml.eb.in >"$out/remoteyaml-$version.eb"
mkdir -p "$out/spack/remoteyaml"
fill packaging/spack/remoteyaml/package.py.in >"$out/spack/remoteyaml/package.py"

rm -rf "$work"
(cd "$out" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum -- >SHA256SUMS)
log "dist/:"
(cd "$out" && ls -l)
