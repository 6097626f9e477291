#!/usr/bin/env bash
# check-dist.sh [VERSION]: tests what `make dist` built, the acceptance of
# a release: checksums, each tarball's files, the binaries' machines, the
# amd64 .deb installed with dpkg (then removed) and its file list against
# the .rpm's, and the vendored source built with the network off by the
# exact commands of the Spack and EasyBuild recipes (check-recipes.py).
# `make dist-check` (part of make test) builds the dist first.
# Needs root for dpkg -i (CI runs as root); without it that part is skipped,
# saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=${1:?usage: check-dist.sh VERSION}
version=${version#v}
fail() { echo "check-dist: FAIL: $*" >&2; exit 1; }
ok() { printf 'check-dist: ok: %s\n' "$*"; }
[ -f "dist/remoteyaml-$version-vendored.tar.gz" ] || fail "no dist/ of $version: run make dist VERSION=$version"
cd dist

sha256sum -c --quiet SHA256SUMS || fail "sha256sum -c SHA256SUMS"
n=$(wc -l <SHA256SUMS)
[ "$n" -eq 13 ] || fail "SHA256SUMS lists $n files, want 13 (4 tarballs, 3 .deb, 3 .rpm, source, SBOM, notices)"
ok "sha256sum -c SHA256SUMS ($n files)"

for platform in linux-amd64 linux-arm64 linux-ppc64le darwin-arm64; do
	name=remoteyaml-$version-$platform
	want="$name/
$name/LICENSE
$name/README.md
$name/THIRD_PARTY_NOTICES
$name/bin/
$name/bin/docker-credential-remoteyaml
$name/bin/remote-login
$name/share/
$name/share/bash-completion/
$name/share/bash-completion/completions/
$name/share/bash-completion/completions/remote-login
$name/share/fish/
$name/share/fish/vendor_completions.d/
$name/share/fish/vendor_completions.d/remote-login.fish
$name/share/man/
$name/share/man/man1/
$name/share/man/man1/docker-credential-remoteyaml.1
$name/share/man/man1/remote-login.1
$name/share/zsh/
$name/share/zsh/site-functions/
$name/share/zsh/site-functions/_remote-login"
	got=$(tar -tzf "$name.tar.gz" | sort)
	[ "$got" = "$want" ] || fail "$name.tar.gz lists:
$got
want:
$want"
	ok "$name.tar.gz lists the expected files"
done

grep -q "\"version\": \"v$version\"" "remoteyaml-$version.cdx.json" || fail "the SBOM does not name version v$version"
grep -q '"name": "github.com/urfave/cli/v2"' "remoteyaml-$version.cdx.json" || fail "the SBOM lacks github.com/urfave/cli/v2"
grep -qx 'github.com/urfave/cli/v2' THIRD_PARTY_NOTICES && grep -q 'MIT License' THIRD_PARTY_NOTICES ||
	fail "THIRD_PARTY_NOTICES lacks urfave/cli's MIT licence"
# (grep without -q: an early exit would make tar fail under pipefail)
tar -tzf "remoteyaml-$version-vendored.tar.gz" | grep -x "remoteyaml-$version/vendor/modules.txt" >/dev/null ||
	fail "the vendored source tarball has no vendor/modules.txt"
ok "SBOM, notices and vendored source"

# file(1) names the machine of each binary.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for want in "linux-amd64:ELF 64-bit LSB executable, x86-64" "linux-arm64:ELF 64-bit LSB executable, ARM aarch64" \
	"linux-ppc64le:ELF 64-bit LSB executable, 64-bit PowerPC" "darwin-arm64:Mach-O 64-bit arm64 executable"; do
	platform=${want%%:*} machine=${want#*:}
	tar -xzf "remoteyaml-$version-$platform.tar.gz" -C "$tmp"
	for bin in docker-credential-remoteyaml remote-login; do
		desc=$(file -b "$tmp/remoteyaml-$version-$platform/bin/$bin")
		[[ "$desc" == "$machine"* ]] || fail "$platform $bin: file says $desc, want $machine"
		[[ "$platform" != linux-* || "$desc" == *"statically linked"* ]] || fail "$platform $bin is not static: $desc"
	done
	ok "$platform binaries: $machine"
done

# The .deb's and the .rpm's file lists: the same but where the distributions
# differ (zsh's completion directory, where the licence goes).
deb_files() { dpkg-deb -c "$1" | awk '{print $NF}' | sed 's|^\./|/|' | grep -v '/$' | sort; }
rpm_files() { rpm -qlp "$1" 2>/dev/null | sort; }
norm() { sed -e 's|/usr/share/zsh/vendor-completions/|/usr/share/zsh/site-functions/|' \
	-e 's|/usr/share/doc/remoteyaml/copyright|LICENSE|; s|/usr/share/licenses/remoteyaml/LICENSE|LICENSE|' | sort; }
for arch in amd64:x86_64 arm64:aarch64 ppc64le:ppc64le; do
	debarch=${arch%%:*} rpmarch=${arch#*:}
	[ "$debarch" = ppc64le ] && debarch=ppc64el
	deb=remoteyaml_${version}_$debarch.deb rpm=remoteyaml-$version-1.$rpmarch.rpm
	[ -f "$deb" ] || deb=$(ls remoteyaml_*_"$debarch".deb)
	[ -f "$rpm" ] || rpm=$(ls remoteyaml-*."$rpmarch".rpm)
	d=$(deb_files "$deb" | norm) r=$(rpm_files "$rpm" | norm)
	[ -n "$d" ] && [ "$d" = "$r" ] || fail "$deb and $rpm list different files:
$(diff <(echo "$d") <(echo "$r"))"
	grep -x /usr/bin/docker-credential-remoteyaml <<<"$d" >/dev/null || fail "$deb lacks /usr/bin/docker-credential-remoteyaml"
	ok "$deb and $rpm install the same $(echo "$d" | wc -l) files"
done

if [ "$(id -u)" -eq 0 ] && command -v dpkg >/dev/null; then
	deb=$(ls remoteyaml_*_amd64.deb)
	if dpkg-query -W remoteyaml >/dev/null 2>&1; then
		fail "a remoteyaml package is already installed here; not replacing it"
	fi
	dpkg -i "$deb" >/dev/null
	trap 'dpkg -r remoteyaml >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
	got=$(/usr/bin/docker-credential-remoteyaml version)
	[[ "$got" == *" $version" ]] || fail "/usr/bin/docker-credential-remoteyaml version printed $got, want $version"
	got=$(/usr/bin/remote-login --version)
	[[ "$got" == *" $version" ]] || fail "/usr/bin/remote-login --version printed $got, want $version"
	page=$(man -w remote-login) || fail "man remote-login finds no page after dpkg -i"
	MANPAGER=cat MANWIDTH=80 man remote-login 2>&1 | grep "remote-login logout TARGET" >/dev/null || fail "man remote-login does not show the page"
	dpkg -r remoteyaml >/dev/null
	[ ! -e /usr/bin/docker-credential-remoteyaml ] || fail "dpkg -r left /usr/bin/docker-credential-remoteyaml"
	trap 'rm -rf "$tmp"' EXIT
	ok "dpkg -i $deb: version $version, man remote-login finds $page; removed again"
else
	echo "check-dist: SKIP: dpkg -i needs root and dpkg; not installing $(ls remoteyaml_*_amd64.deb)"
fi

python3 "$root/packaging/check-recipes.py" "$root/dist/remoteyaml-$version-vendored.tar.gz" "$version"
