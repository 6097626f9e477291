#!/usr/bin/env bash
# check-dist.sh [VERSION]: tests what `make dist` built, the acceptance of
# a release: checksums; each tarball's files (bin/ and share/ only at the
# top); the binaries' machines; the .deb's and .rpm's file lists against each
# other; the .rpm's payload paths relative (rpm2cpio | cpio -t); lintian and
# rpmlint with no error; the amd64 .deb installed with dpkg and the x86_64
# .rpm with rpm, each into a throwaway root of its own (never this machine's
# /), run there, and removed again leaving no file or directory; the
# EasyBuild and Spack recipes checked as their tools would and built offline
# (check-recipes.py), and check-recipes' own refusals
# (test_check_recipes.py). `make dist-check` (part of make test) builds the
# dist first. Needs root (dpkg and rpm keep root ownership in the throwaway
# roots; unshare -n for the offline builds): CI runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=${1:?usage: check-dist.sh VERSION}
version=${version#v}
export PYTHONDONTWRITEBYTECODE=1 # python3 as root writes no __pycache__ under /usr
fail() { echo "check-dist: FAIL: $*" >&2; exit 1; }
ok() { printf 'check-dist: ok: %s\n' "$*"; }
[ -f "dist/remoteyaml-$version-vendored.tar.gz" ] || fail "no dist/ of $version: run make dist VERSION=$version"
cd dist

sha256sum -c --quiet SHA256SUMS || fail "sha256sum -c SHA256SUMS"
n=$(wc -l <SHA256SUMS)
[ "$n" -eq 15 ] || fail "SHA256SUMS lists $n files, want 15 (4 tarballs, 3 .deb, 3 .rpm, source, SBOM, notices, easyconfig, Spack package)"
ok "sha256sum -c SHA256SUMS ($n files)"

for platform in linux-amd64 linux-arm64 linux-ppc64le darwin-arm64; do
	name=remoteyaml-$version-$platform
	want="$name/
$name/bin/
$name/bin/docker-credential-remoteyaml
$name/bin/remote-login
$name/share/
$name/share/bash-completion/
$name/share/bash-completion/completions/
$name/share/bash-completion/completions/remote-login
$name/share/doc/
$name/share/doc/remoteyaml/
$name/share/doc/remoteyaml/LICENSE
$name/share/doc/remoteyaml/README.md
$name/share/doc/remoteyaml/THIRD_PARTY_NOTICES
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
	top=$(tar -tzf "$name.tar.gz" | cut -d/ -f2 | grep . | sort -u | tr '\n' ' ')
	[ "$top" = "bin share " ] || fail "$name.tar.gz has $top at its top, want only bin share"
	ok "$name.tar.gz lists the expected files, only bin/ and share/ at its top"
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
rpm_files() { rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" 2>/dev/null | grep -v '^d' | cut -d' ' -f2- | sort; }
# Debian's changelog.gz and lintian override have no RPM counterpart.
norm() { sed -e 's|/usr/share/zsh/vendor-completions/|/usr/share/zsh/site-functions/|' \
	-e 's|/usr/share/doc/remoteyaml/copyright|LICENSE|; s|/usr/share/licenses/remoteyaml/LICENSE|LICENSE|' \
	-e '\|^/usr/share/doc/remoteyaml/changelog.gz$|d; \|^/usr/share/lintian/overrides/remoteyaml$|d' | sort; }
for arch in amd64:x86_64 arm64:aarch64 ppc64le:ppc64le; do
	debarch=${arch%%:*} rpmarch=${arch#*:}
	[ "$debarch" = ppc64le ] && debarch=ppc64el
	deb=remoteyaml_${version}_$debarch.deb rpm=remoteyaml-$version-1.$rpmarch.rpm
	[ -f "$deb" ] || fail "no $deb"
	[ -f "$rpm" ] || fail "no $rpm"
	d=$(deb_files "$deb" | norm) r=$(rpm_files "$rpm" | norm)
	[ -n "$d" ] && [ "$d" = "$r" ] || fail "$deb and $rpm list different files:
$(diff <(echo "$d") <(echo "$r"))"
	grep -x /usr/bin/docker-credential-remoteyaml <<<"$d" >/dev/null || fail "$deb lacks /usr/bin/docker-credential-remoteyaml"
	ok "$deb and $rpm install the same $(echo "$d" | wc -l) files"
	# rpmbuild writes ./usr/…: unpacking with cpio -idmv stays in the
	# current directory. Checked before rpmlint, which unpacks the package
	# with cpio: run as root on absolute paths that writes onto / (it did,
	# with the nfpm-built .rpm).
	abs=$(rpm2cpio "$rpm" | cpio -t --quiet | grep -v '^\./' || true)
	[ -z "$abs" ] || fail "$rpm has payload paths that are not relative (cpio -idmv would write onto /):
$abs"
	ok "$rpm payload paths are all relative (./usr/…)"
	# Errors fail; warnings are printed for a person to read.
	lintian --fail-on error "$deb" >"$tmp/lintian.out" 2>&1 ||
		fail "lintian $deb:
$(cat "$tmp/lintian.out")"
	ok "lintian $deb: 0 errors $(grep -c '^W:' "$tmp/lintian.out" || true) warnings"
	rpmlint -r "$root/packaging/rpmlintrc" "$rpm" >"$tmp/rpmlint.out" 2>&1 ||
		fail "rpmlint $rpm:
$(cat "$tmp/rpmlint.out")"
	ok "rpmlint $rpm: $(tail -n1 "$tmp/rpmlint.out" | sed 's/^ *//')"
done

[ "$(id -u)" -eq 0 ] || fail "the package and recipe checks need root (CI runs as root)"

# A throwaway root holds what the distribution's base packages (filesystem,
# man-db, bash-completion, zsh, fish) own: the directories remoteyaml puts
# files in but does not own. newroot makes one; leftovers ROOT DB lists what
# a package left in it after it was removed: whatever was not there before
# but the package database.
newroot() {
	local r=$1
	mkdir -p "$r/usr/bin" "$r/usr/share/man/man1" "$r/usr/share/doc" "$r/usr/share/licenses" \
		"$r/usr/share/bash-completion/completions" "$r/usr/share/zsh/site-functions" \
		"$r/usr/share/zsh/vendor-completions" "$r/usr/share/fish/vendor_completions.d" "$r/usr/share/lintian/overrides"
	(cd "$r" && find . | sort) >"$r.before"
}
# DB is the package database's directory under var/lib (dpkg, rpm).
leftovers() { comm -13 "$1.before" <(cd "$1" && find . | sort) | grep -v -e '^\./var$' -e '^\./var/lib$' -e "^\./var/lib/$2\(/\|\$\)" || true; }

# The .deb, installed by dpkg into a root of its own, with its own admin
# directory: this machine's /usr and its dpkg database are not touched.
deb=remoteyaml_${version}_amd64.deb
droot=$tmp/debroot
newroot "$droot"
mkdir -p "$droot/var/lib/dpkg/info" "$droot/var/lib/dpkg/updates" "$droot/var/lib/dpkg/triggers"
touch "$droot/var/lib/dpkg/status" "$droot/var/lib/dpkg/available"
dpkg --root="$droot" -i "$deb" >"$tmp/dpkg.out" 2>&1 || fail "dpkg --root -i $deb: $(cat "$tmp/dpkg.out")"
got=$("$droot/usr/bin/docker-credential-remoteyaml" version)
[[ "$got" == *" $version" ]] || fail "docker-credential-remoteyaml version printed $got, want $version"
got=$("$droot/usr/bin/remote-login" --version)
[[ "$got" == *" $version" ]] || fail "remote-login --version printed $got, want $version"
page=$(MANPATH="$droot/usr/share/man" man -w remote-login) || fail "man finds no remote-login page in the installed tree"
[[ "$page" == "$droot/"* ]] || fail "man -w remote-login found $page, not the installed page"
MANPATH="$droot/usr/share/man" MANPAGER=cat MANWIDTH=80 man remote-login 2>&1 | grep "remote-login logout TARGET" >/dev/null ||
	fail "man remote-login does not show the installed page"
dpkg --root="$droot" -r remoteyaml >"$tmp/dpkg.out" 2>&1 || fail "dpkg --root -r remoteyaml: $(cat "$tmp/dpkg.out")"
left=$(leftovers "$droot" dpkg)
[ -z "$left" ] || fail "dpkg -r remoteyaml left:
$left"
ok "dpkg --root: $deb installed, versions $version, man remote-login finds the page; dpkg -r left no file or directory"

# The .rpm, installed by rpm into a root and database of its own.
# --force-debian: Debian's rpm otherwise refuses to install anything.
rpm=remoteyaml-$version-1.x86_64.rpm
rroot=$tmp/rpmroot
rpmroot() { rpm --root "$rroot" --dbpath /var/lib/rpm "$@"; }
newroot "$rroot"
rpmroot --initdb
rpmroot -i --force-debian "$rpm" >"$tmp/rpm.out" 2>&1 || fail "rpm --root -i $rpm: $(cat "$tmp/rpm.out")"
got=$("$rroot/usr/bin/docker-credential-remoteyaml" version)
[[ "$got" == *" $version" ]] || fail "rpm-installed docker-credential-remoteyaml version printed $got, want $version"
rpmroot -V remoteyaml >"$tmp/rpm.out" 2>&1 || fail "rpm -V remoteyaml: $(cat "$tmp/rpm.out")"
rpmroot -e remoteyaml >"$tmp/rpm.out" 2>&1 ||
	fail "rpm --root -e remoteyaml: $(cat "$tmp/rpm.out")"
left=$(leftovers "$rroot" rpm)
[ -z "$left" ] || fail "rpm -e remoteyaml left:
$left"
ok "rpm --root: $rpm installed and verified (rpm -V), version $version; rpm -e left no file or directory"

python3 "$root/packaging/check-recipes.py" "$root/dist" "$version"
python3 "$root/packaging/test_check_recipes.py" "$root/dist" "$version" 2>&1 | sed 's/^/check-recipes test: /'
ok "dist of $version"
