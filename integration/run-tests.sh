#!/usr/bin/env bash
# run-tests.sh: `make test`. Runs make lint unit keyring integration
# dist-check between two listings of /usr and /etc and fails if they differ:
# a test changes nothing outside its temporary directories (dist-check
# installs the packages into throwaway roots, never onto this machine). Ends
# with integration/testreport's summary of every go test step: the count of
# skips, each one's reason, and a failure for any skip that
# integration/allowed-skips.txt does not allow.
set -uo pipefail
cd "$(dirname "$0")/.."
make=${MAKE:-make}
logs=${TESTLOGS:-bin/test-logs}
rm -rf "$logs"
mkdir -p "$logs"

# Every entry with its type, mode, owner and, for files, size and mtime; a
# symlink with its target. Directories' mtimes are left out: a file made and
# removed again inside them leaves the tree as it was.
listing() {
	find /usr /etc \( -type f -printf '%p f %m %U:%G %s %T@\n' \) -o \
		\( -type l -printf '%p l %l\n' \) -o -printf '%p %y %m %U:%G\n' 2>/dev/null | LC_ALL=C sort
}
listing >"$logs/root-before.txt"

status=0
"$make" lint unit keyring integration dist-check TESTLOGS="$logs" || status=$?

listing >"$logs/root-after.txt"
echo
if diff -u "$logs/root-before.txt" "$logs/root-after.txt" >"$logs/root.diff"; then
	echo "ok: /usr and /etc: $(wc -l <"$logs/root-after.txt") entries, the same before and after make test"
else
	echo "FAIL: make test changed /usr or /etc ($logs/root.diff):"
	grep '^[-+]/' "$logs/root.diff" | head -n 40
	status=1
fi
"${TESTREPORT_BIN:-bin/testreport}" -allow integration/allowed-skips.txt -summary "$logs"/*.json || status=1
[ "$status" -eq 0 ] && echo "make test: PASS" || echo "make test: FAIL"
exit "$status"
