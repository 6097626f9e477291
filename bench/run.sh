#!/usr/bin/env bash
# Whole-process benchmark of docker-credential-remoteyaml against the floor
# (issue 13, `make bench`).
#
#   remoteyaml  the helper, built from ./cmd/docker-credential-remoteyaml
#   floor       bench/floor: reads stdin, reads remote.yaml, prints a fixed JSON
#               line -- the least any file-backed helper can do per call
#   noop        bench/noop: a Go binary that only starts and exits (get only)
#   floor-write bench/floorwrite: the floor, then the same bytes written back
#               as the helper must (temp file, fsync, rename, fsync of the
#               directory) -- what durability costs here (store only)
# All built alike: CGO_ENABLED=0 go build -trimpath -ldflags '-s -w'.
#
# For each layout (apptainer: as Apptainer writes it; hand: comments above and
# beside entries, blank lines, quoted scalars, 2-space indent) and size, and
# for get and store of the LAST login in the list, and list (every login with
# its user name, as regclient asks each time it loads a docker config that
# names a credsStore):
#   time          bench/timer: each binary started directly (no shell between
#                 the timer and the process), stdin opened from a file, the
#                 commands alternating round by round; medians from one run.
#                 A store replaces the login with a new secret every run (the
#                 new stdin is written untimed before each run).
#   instructions  valgrind --tool=callgrind, GODEBUG=asyncpreemptoff=1, the
#                 median of 3 runs: machine noise does not move it, but the
#                 Go runtime's own threads do, by up to a tenth at 10 logins.
#   max RSS       GNU time (a fork, not Go's vfork, so the parent's pages do
#                 not count), the largest of BENCH_RSS_RUNS runs.
# Then, once (issue 20):
#   start-up      callgrind's instructions (median of 5 runs) of bench/noop
#                 built with one more import (through -overlay), less the
#                 bare noop's: what each package's init (and its
#                 dependencies' not already counted) costs every helper call
#                 before main; with that program's max RSS and size, which
#                 is where the helper's RSS beyond the floor's comes from.
#   contention    bench/storm on the apptainer layout at 10 logins: 64 stores
#                 of distinct logins started at once while 8 readers run gets
#                 (helper and floor by turns), against the same 64 stores one
#                 after another; BENCH_STORM_ROUNDS rounds.
# The keyring helpers (pass, secretservice) are compared in bench/keyring.sh.
#
# Environment (all optional):
#   BENCH_SIZES="10 1000 10000"  BENCH_LAYOUTS="apptainer hand"
#   BENCH_ROUNDS=300 BENCH_WARMUP=10 BENCH_RSS_RUNS=10 BENCH_STORM_ROUNDS=5
#   BENCH_HELPER=path            benchmark this binary instead of building it
#   BENCH_RESULTS=path           the Markdown output (bench/results.md)
#   BENCH_NO_CALLGRIND=1         skip the instruction counts
#   GO=go
#
# Everything lives in a temp dir removed on exit; HOME and XDG_* point into it.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/.." && pwd)
GO=${GO:-go}
ROUNDS=${BENCH_ROUNDS:-300}
WARMUP=${BENCH_WARMUP:-10}
RSS_RUNS=${BENCH_RSS_RUNS:-10}
STORM_ROUNDS=${BENCH_STORM_ROUNDS:-5}
SIZES=${BENCH_SIZES:-10 1000 10000}
LAYOUTS=${BENCH_LAYOUTS:-apptainer hand}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

cleanup() {
	local rc=$?
	[[ -n ${T:-} && -d $T ]] && rm -rf "$T"
	exit "$rc"
}

for n in $SIZES; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_SIZES: not a positive number: $n"
done
for l in $LAYOUTS; do
	[[ $l == apptainer || $l == hand ]] || die "BENCH_LAYOUTS: apptainer or hand, not $l"
done
command -v "$GO" >/dev/null || die "no Go toolchain ($GO)"
[[ -x /usr/bin/time ]] || die "GNU time is missing (Debian package: time)"
CALLGRIND=1
if [[ -n ${BENCH_NO_CALLGRIND:-} ]]; then
	CALLGRIND=
elif ! command -v valgrind >/dev/null; then
	die "valgrind is missing (Debian package: valgrind), or set BENCH_NO_CALLGRIND=1"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/remoteyaml-bench.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/bin" "$T/in" "$T/res" "$T/data"
RESULTS=${BENCH_RESULTS:-$REPO/bench/results.md}
START=$(now)

# Build before HOME moves, so the user's Go build and module caches are used
# (and kept for the start-up builds after it moved).
export GOCACHE GOMODCACHE
GOCACHE=$("$GO" env GOCACHE) GOMODCACHE=$("$GO" env GOMODCACHE)
cd "$REPO"
build=(env CGO_ENABLED=0 "$GO" build -trimpath -ldflags '-s -w')
for p in floor floorwrite noop gen timer table storm; do
	"${build[@]}" -o "$T/bin/$p" "./bench/$p"
done
if [[ -n ${BENCH_HELPER:-} ]]; then
	cp "$BENCH_HELPER" "$T/bin/remoteyaml"
	helper_desc="$BENCH_HELPER (BENCH_HELPER, not built here)"
else
	"${build[@]}" -o "$T/bin/remoteyaml" ./cmd/docker-credential-remoteyaml
	helper_desc="./cmd/docker-credential-remoteyaml at $(git -C "$REPO" describe --tags --always --dirty 2>/dev/null || echo '?')"
fi

export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache
export XDG_DATA_HOME=$T/home/.local/share XDG_STATE_HOME=$T/home/.local/state XDG_RUNTIME_DIR=$T/run
unset DOCKER_CONFIG SINGULARITY_CONFIGDIR REMOTEYAML_FILE REMOTEYAML_SECRETS 2>/dev/null || true
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
: >"$T/in/empty"

load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }
LOAD_BEFORE=$(load)

# run_once CMD ACTION STDIN: one run, for the checks.
run_once() { "$T/bin/$1" "$2" <"$3"; }

# instructions CMD ACTION STDIN: callgrind's instruction count, the median
# of 3 runs.
instructions() {
	local i
	for ((i = 0; i < 3; i++)); do
		GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$T/bin/$1" "$2" <"$3" 2>&1 >/dev/null | awk '/refs:/ { gsub(",", "", $NF); print $NF }'
	done | sort -n | sed -n 2p
}

# maxrss STDIN TEMPLATE CMD...: the largest max RSS (KiB) of RSS_RUNS runs of
# CMD with stdin from STDIN; a non-empty TEMPLATE is written to STDIN before
# each run, {n} replaced by the run's name.
maxrss() {
	local in=$1 tmpl=$2 i k max=0
	shift 2
	for ((i = 0; i < RSS_RUNS; i++)); do
		[[ -n $tmpl ]] && printf '%s' "${tmpl//\{n\}/rss$i}" >"$in"
		/usr/bin/time -f %M -o "$T/res/rss.one" "$@" <"$in" >/dev/null
		k=$(tail -1 "$T/res/rss.one")
		((k > max)) && max=$k
	done
	echo "$max"
}

for layout in $LAYOUTS; do
	for n in $SIZES; do
		t0=$(now)
		d=$T/data/$layout-$n
		export APPTAINER_CONFIGDIR=$d
		"$T/bin/gen" -n "$n" -layout "$layout" -remote "$d/remote.yaml"
		read -r host user < <("$T/bin/gen" -n "$n" -last)
		get=$T/in/get-$layout-$n store=$T/in/store-$layout-$n
		printf '%s' "$host" >"$get"
		tmpl=$(printf '{"ServerURL":"%s","Username":"%s","Secret":"s-{n}"}' "$host" "$user")
		printf '%s' "${tmpl//\{n\}/first}" >"$store"
		entries=$(grep -c '^ *- URI: ' "$d/remote.yaml")

		out=$(run_once remoteyaml get "$get") || die "get $host ($layout, $n) failed: $out"
		[[ $out == *"\"Username\":\"$user\""* ]] || die "get $host ($layout, $n): unexpected reply: $out"

		# time: get (with the no-op), then store
		printf '%s\t%s\t-\t-\t%s\n' floor "$get" "$T/bin/floor get" remoteyaml "$get" "$T/bin/remoteyaml get" \
			noop "$get" "$T/bin/noop" >"$T/in/spec"
		"$T/bin/timer" -rounds "$ROUNDS" -warmup "$WARMUP" "$T/in/spec" |
			sed "s/^/get\t$layout\t$n\t/" >>"$T/res/time.tsv"
		printf '%s\t%s\t%s\t-\t%s\n' floor "$store" - "$T/bin/floor store" \
			remoteyaml "$store" "$tmpl" "$T/bin/remoteyaml store" \
			floor-write "$store" - "$T/bin/floorwrite store" >"$T/in/spec"
		"$T/bin/timer" -rounds "$ROUNDS" -warmup "$WARMUP" "$T/in/spec" |
			sed "s/^/store\t$layout\t$n\t/" >>"$T/res/time.tsv"
		printf '%s\t%s\t-\t-\t%s\n' floor "$T/in/empty" "$T/bin/floor list" remoteyaml "$T/in/empty" "$T/bin/remoteyaml list" \
			noop "$T/in/empty" "$T/bin/noop" >"$T/in/spec"
		"$T/bin/timer" -rounds "$ROUNDS" -warmup "$WARMUP" "$T/in/spec" |
			sed "s/^/list\t$layout\t$n\t/" >>"$T/res/time.tsv"
		out=$(run_once remoteyaml list "$T/in/empty") || die "list ($layout, $n) failed: $out"
		[[ $out == *"\"$host\":\"$user\""* || $out == *"\"docker://$host\":\"$user\""* ]] ||
			die "list ($layout, $n): the last login is not in the reply: ${out:0:200}"

		# After all those stores the file holds as many entries, and the last secret.
		printf '%s' "${tmpl//\{n\}/check}" >"$store"
		run_once remoteyaml store "$store" || die "store ($layout, $n) failed"
		out=$(run_once remoteyaml get "$get")
		[[ $out == *'"Secret":"s-check"'* ]] || die "get after store ($layout, $n): unexpected reply: $out"
		after=$(grep -c '^ *- URI: ' "$d/remote.yaml")
		((after == entries)) || die "$layout, $n: $after entries after the stores, expected $entries"

		if [[ -n $CALLGRIND ]]; then
			for c in floor remoteyaml; do
				printf 'get\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$c" "$(instructions "$c" get "$get")" >>"$T/res/instr.tsv"
				printf '%s' "${tmpl//\{n\}/cg}" >"$store"
				printf 'store\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$c" "$(instructions "$c" store "$store")" >>"$T/res/instr.tsv"
				printf 'list\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$c" "$(instructions "$c" list "$T/in/empty")" >>"$T/res/instr.tsv"
			done
		fi
		for c in floor remoteyaml; do
			printf 'get\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$c" "$(maxrss "$get" "" "$T/bin/$c" get)" >>"$T/res/rss.tsv"
			printf 'store\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$c" "$(maxrss "$store" "$tmpl" "$T/bin/$c" store)" >>"$T/res/rss.tsv"
			printf 'list\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$c" "$(maxrss "$T/in/empty" "" "$T/bin/$c" list)" >>"$T/res/rss.tsv"
		done
		log "$layout layout, $n entries: $(since "$t0")"
	done
done

# Contention (issue 20): the apptainer layout at 10 logins.
t0=$(now)
d=$T/data/storm
export APPTAINER_CONFIGDIR=$d
"$T/bin/gen" -n 10 -layout apptainer -remote "$d/remote.yaml"
"$T/bin/gen" -n 10 -last | awk '{ printf "%s", $1 }' >"$T/in/get-storm"
"$T/bin/storm" -helper "$T/bin/remoteyaml" -floor "$T/bin/floor" -get "$T/in/get-storm" \
	-rounds "$STORM_ROUNDS" >"$T/res/contention.tsv" || die "contention run failed"
log "contention: $(since "$t0")"

# Start-up (issue 20): instructions each dependency's package init adds to a
# program that does nothing. Built in the repo (the module's versions) with
# bench/noop/main.go overlaid by a copy that imports one more package.
if [[ -n $CALLGRIND ]]; then
	t0=$(now)
	mkdir -p "$T/startup"
	# instr_median BIN: the median of 5 runs' instruction counts (a Go
	# program's count moves by up to a tenth from run to run: the runtime's
	# own threads).
	instr_median() {
		local i
		for ((i = 0; i < 5; i++)); do
			GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 2>&1 |
				awk '/refs:/ { gsub(",", "", $NF); print $NF }'
		done | sort -n | sed -n 3p
	}
	"${build[@]}" -o "$T/startup/none" ./bench/noop
	base=$(instr_median "$T/startup/none")
	printf '%s\t%s\t%s\t%s\n' "(nothing: bench/noop)" "$base" "$(maxrss "$T/in/empty" "" "$T/startup/none")" \
		"$(stat -c %s "$T/startup/none")" >"$T/res/startup.tsv"
	for pkg in encoding/json go.yaml.in/yaml/v4 github.com/godbus/dbus/v5 github.com/zalando/go-keyring \
		github.com/docker/docker-credential-helpers/credentials \
		github.com/remoteyaml/remoteyaml/yamlstore github.com/remoteyaml/remoteyaml/credstore \
		github.com/remoteyaml/remoteyaml/protocol; do
		printf 'package main\n\nimport _ "%s"\n\nfunc main() {}\n' "$pkg" >"$T/startup/main.go"
		printf '{"Replace":{"%s":"%s"}}' "$REPO/bench/noop/main.go" "$T/startup/main.go" >"$T/startup/overlay.json"
		(cd "$REPO" && "${build[@]}" -overlay "$T/startup/overlay.json" -o "$T/startup/one" ./bench/noop)
		i=$(instr_median "$T/startup/one")
		printf '%s\t%s\t%s\t%s\n' "$pkg" "$i" "$(maxrss "$T/in/empty" "" "$T/startup/one")" "$(stat -c %s "$T/startup/one")" >>"$T/res/startup.tsv"
	done
	log "start-up: $(since "$t0")"
fi
LOAD_AFTER=$(load)

{
	echo "# docker-credential-remoteyaml against the floor"
	echo
	echo "Generated by \`bench/run.sh\` ($(date -u +%Y-%m-%dT%H:%MZ), $(since "$START")). One run: every figure below"
	echo "comes from it. Time: bench/timer starts each binary directly (no shell), stdin from a file,"
	echo "floor and helper (and the no-op for get and list, floor-write for store) alternating, $ROUNDS timed"
	echo "rounds after $WARMUP untimed;"
	echo "medians, with the helper's 10th–90th percentile. \`get\` and \`store\` ask for the **last** login"
	echo "in the list; a store replaces it with a new secret every run; \`list\` gives every login with its"
	echo "user name. Instructions: callgrind, the median of 3 runs (GODEBUG=asyncpreemptoff=1). Max RSS: GNU"
	echo "time, largest of $RSS_RUNS runs. The machine is shared: see the load average below."
	echo
	echo "## Machine"
	echo
	echo "- CPU: $(nproc) × $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "- kernel: $(uname -srm)"
	echo "- $($GO version)"
	echo "- temp dir filesystem: $(findmnt -no FSTYPE -T "$T" 2>/dev/null || stat -f -c %T "$T")"
	echo "- load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER"
	echo "- helper: $helper_desc"
	echo
	echo "## Results"
	echo
	"$T/bin/table" -dir "$T/res"
} >"$T/res/results.md"
cp "$T/res/results.md" "$RESULTS"
cat "$T/res/results.md"
log "written to $RESULTS in $(since "$START")"
