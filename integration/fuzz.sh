#!/usr/bin/env bash
# fuzz.sh [FUZZTIME]: `make fuzz`. Finds every fuzz target in the module by
# itself (each `func FuzzX(` in a package's _test.go files) and runs each for
# FUZZTIME (default 5m), one at a time; stops at the first failure. A package
# whose tests seed from ../shared/fixtures (yamlstore) fails loudly when that
# folder is not beside the tree, instead of fuzzing without its seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5m}
go=${GO:-go}
targets=()
while read -r dir pkg; do
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*(' "$dir"/*_test.go 2>/dev/null | sed 's/^func //; s/($//' | sort -u); do
		targets+=("$pkg $f")
	done
	if grep -qs 'shared/fixtures' "$dir"/*_test.go && grep -qs '^func Fuzz' "$dir"/*_test.go &&
		! ls "$dir"/../../shared/fixtures/remote-yaml/*.yaml >/dev/null 2>&1; then
		echo "make fuzz: FAIL: $pkg's fuzz targets seed from ../shared/fixtures/remote-yaml, which is not beside the tree ($(cd "$dir/../.." && pwd)/shared): put the shared folder there" >&2
		exit 1
	fi
done < <("$go" list -f '{{.Dir}} {{.ImportPath}}' ./...)
[ "${#targets[@]}" -gt 0 ] || { echo "make fuzz: no fuzz targets found" >&2; exit 1; }
echo "make fuzz: ${#targets[@]} targets, $fuzztime each: $(printf '%s\n' "${targets[@]}" | awk '{print $2}' | tr '\n' ' ')"
for t in "${targets[@]}"; do
	pkg=${t% *} f=${t#* }
	echo "==> $pkg $f"
	"$go" test -run '^$' -fuzz "^$f\$" -fuzztime "$fuzztime" -parallel 1 "$pkg"
done
echo "make fuzz: all ${#targets[@]} targets ran $fuzztime without a failure"
