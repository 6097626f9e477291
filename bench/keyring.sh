#!/usr/bin/env bash
# The keyring comparison of issue 4: docker-credential-remoteyaml beside
# Debian's keyring-backed helpers, through hyperfine. Its ratios to the floor
# are flattered: hyperfine 1.15 (Debian's) starts every command through
# `sh -c 'cmd < file'`. bench/run.sh is the measurement of the helper
# against the floor (issue 13); this script answers "how does it compare
# with pass and secretservice", where a shell's start-up is noise.
#
# Side by side, in one hyperfine run per (action, entries):
#   remoteyaml     the helper, built from ./cmd/docker-credential-remoteyaml
#   remoteyaml-keyring  the same binary with its keyring backend
#                  (REMOTEYAML_SECRETS=keyring; APPTAINER_CONFIGDIR holds a
#                  remote.yaml without Auth, the secrets are items of the same
#                  gnome-keyring login keyring secretservice uses); informational
#   floor          bench/floor: reads stdin, reads remote.yaml, prints a fixed JSON
#                  line -- the least any file-backed helper can do per call
#   noop           bench/noop: a Go binary that only starts and exits
#   pass           Debian's docker-credential-pass (throwaway GPG key)
#   secretservice  Debian's docker-credential-secretservice (gnome-keyring-daemon
#                  under dbus-run-session)
# All Go binaries are built alike: CGO_ENABLED=0 go build -trimpath -ldflags '-s -w'.
#
# Environment (all optional):
#   BENCH_SIZES="10 1000 10000"  datasets to run (entries per store)
#   BENCH_HELPER=path            benchmark this binary instead of building the helper
#   BENCH_RESULTS=path           where to write the Markdown table (bench/keyring-results.md)
#   BENCH_TMPDIR=dir             where the temp dir goes (default: $TMPDIR or /tmp)
#   BENCH_WARMUP=5 BENCH_MIN_RUNS=20 BENCH_RSS_RUNS=5
#   GO=go
#
# Everything lives in a temp dir removed on exit; HOME, GNUPGHOME,
# PASSWORD_STORE_DIR and XDG_* point into it, so the user's own keys, password
# store and keyrings are never touched.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/.." && pwd)
GO=${GO:-go}
export KEYRING_PASSWORD=bench

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# ---------------------------------------------------------------- install
install_deps() {
	local -A pkg=(
		[hyperfine]=hyperfine
		[docker-credential-pass]=golang-docker-credential-helpers
		[docker-credential-secretservice]=golang-docker-credential-helpers
		[pass]=pass
		[gpg]=gnupg
		[gpgconf]=gnupg
		[gnome-keyring-daemon]=gnome-keyring
		[dbus-run-session]=dbus
		[secret-tool]=libsecret-tools
		[/usr/bin/time]=time
		[findmnt]=util-linux
	)
	local missing=() c
	for c in "${!pkg[@]}"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("${pkg[$c]}")
	done
	((${#missing[@]})) || return 0
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	log "installing from Debian: ${missing[*]}"
	local sudo=()
	((EUID == 0)) || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- machine
machine() {
	local fs
	fs=$(findmnt -no FSTYPE -T "$T" 2>/dev/null || stat -f -c %T "$T")
	echo "- CPU: $(nproc) × $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "- kernel: $(uname -srm)"
	echo "- $($GO version)"
	echo "- temp dir filesystem: $fs ($T)"
	echo "- $(hyperfine --version); golang-docker-credential-helpers $(dpkg-query -W -f '${Version}' golang-docker-credential-helpers 2>/dev/null || echo '?'); $(pass version 2>/dev/null | grep -o 'v[0-9.]*' | head -1 | sed 's/^/pass /'); $(gpg --version | head -1); $(gnome-keyring-daemon --version 2>/dev/null | head -1)"
}

# ---------------------------------------------------------------- cleanup
cleanup() {
	local rc=$?
	if [[ -n ${T:-} && -d $T ]]; then
		# The gpg-agent we started for the throwaway GNUPGHOME (nothing else).
		[[ -d $T/gnupg ]] && GNUPGHOME=$T/gnupg gpgconf --kill all >/dev/null 2>&1 || true
		rm -rf "$T"
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- one size, inside dbus-run-session
# Runs with the session bus of its own dbus-run-session; gnome-keyring-daemon
# exits with that bus.
inner() {
	local n=$1 d=$T/data/$1
	export APPTAINER_CONFIGDIR=$d/config PASSWORD_STORE_DIR=$d/pass XDG_DATA_HOME=$d/share
	local kconf=$d/config-keyring

	local t0
	t0=$(now)
	# The keyring password on stdin, as PAM would pass the login password.
	# (Not an empty one: gnome-keyring keeps an empty-password keyring in its
	# textual format, whose loader is quadratic -- over 50 s for 10,000 items,
	# and every store then ran into the 25 s D-Bus timeout.)
	eval "$(printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
	read -r host user <"$T/in/mid-$n"

	local -a names=(remoteyaml remoteyaml-keyring floor noop pass secretservice)
	local -a helpers=(remoteyaml remoteyaml-keyring pass secretservice)
	local -A cmd=(
		[remoteyaml]=$T/bin/docker-credential-remoteyaml
		[remoteyaml-keyring]=$T/bin/docker-credential-remoteyaml
		[floor]=$T/bin/floor
		[noop]=$T/bin/noop
		[pass]=$(command -v docker-credential-pass)
		[secretservice]=$(command -v docker-credential-secretservice)
	)
	# Environment of a command (VAR=value words, no spaces in values): a
	# prefix assignment in hyperfine's sh -c, so no extra process is timed.
	local -A envs=(
		[remoteyaml-keyring]="REMOTEYAML_SECRETS=keyring APPTAINER_CONFIGDIR=$kconf"
	)
	# run [WRAPPER...] -- C ARGS...: command C, with its environment through
	# env, which execs into it (so GNU time still measures the command's own
	# process: env's RSS before the exec is below the helper's).
	run() {
		local w=()
		while [[ $1 != -- ]]; do
			w+=("$1")
			shift
		done
		local c=$2
		shift 2
		if [[ -n ${envs[$c]:-} ]]; then
			# shellcheck disable=SC2086 # VAR=value words
			"${w[@]}" env ${envs[$c]} "${cmd[$c]}" "$@"
		else
			"${w[@]}" "${cmd[$c]}" "$@"
		fi
	}
	# The keyring backend's remote.yaml must have no secret of its own.
	no_auth() {
		local auth entries
		auth=$(grep -c '^      Auth: ' "$kconf/remote.yaml" || true)
		entries=$(grep -c '^    - URI: ' "$kconf/remote.yaml" || true)
		[[ $auth == 0 ]] || die "remoteyaml-keyring ($1, entries=$n): $kconf/remote.yaml has $auth Auth lines"
		[[ $entries == "$n" ]] || die "remoteyaml-keyring ($1, entries=$n): $kconf/remote.yaml has $entries entries, expected $n"
	}

	# Sanity: every helper returns the middle login (this also makes the keyring
	# daemon load its file before anything is timed). remoteyaml-keyring's
	# remote.yaml has no Auth, so its answer can only come through the keyring.
	local c out
	no_auth "before get"
	for c in "${helpers[@]}"; do
		out=$(run -- "$c" get <"$T/in/get-$n" 2>&1) || die "$c get $host (entries=$n) failed: $out"
		[[ $out == *"\"Username\":\"$user\""* ]] || die "$c get $host (entries=$n): unexpected reply: $out"
	done
	log "entries=$n: all helpers return $host; keyring daemon up and loaded in $(since "$t0")"

	local hf=(hyperfine --style basic --warmup "${BENCH_WARMUP:-5}" --min-runs "${BENCH_MIN_RUNS:-20}")
	local args action
	for action in get store; do
		args=()
		for c in "${names[@]}"; do
			args+=(-n "$c" "${envs[$c]:+${envs[$c]} }${cmd[$c]} $action < $T/in/$action-$n")
		done
		if [[ $action == store ]]; then
			# A new secret for the same (middle) login before every run: each
			# store replaces an existing entry, so the files keep their size.
			args+=(--prepare "sh $T/in/prep-store-$n.sh")
			sh "$T/in/prep-store-$n.sh"
		fi
		log "hyperfine: $action, $n entries"
		"${hf[@]}" --export-json "$T/res/$action-$n.json" "${args[@]}" >&2
	done

	# After all those stores every helper still stores and returns the login.
	local want
	for c in "${helpers[@]}"; do
		sh "$T/in/prep-store-$n.sh"
		want=$(sed 's/.*"Secret":"\([^"]*\)".*/\1/' "$T/in/store-$n")
		out=$(run -- "$c" store <"$T/in/store-$n" 2>&1) || die "$c store (entries=$n) failed: $out"
		out=$(run -- "$c" get <"$T/in/get-$n" 2>&1) || die "$c get after store (entries=$n) failed: $out"
		[[ $out == *"\"Secret\":\"$want\""* ]] || die "$c get after store (entries=$n): unexpected reply: $out"
	done
	no_auth "after store"
	# Every store replaced the middle login's item (go-keyring's CreateItem
	# with replace), so the keyring still holds exactly one item for it.
	local items
	items=$(secret-tool search --all service remoteyaml username "docker://$host" 2>&1 | grep -c '^attribute.service = remoteyaml$' || true)
	[[ $items == 1 ]] || die "remoteyaml-keyring (entries=$n): $items keyring items for docker://$host after the store runs, expected 1"
	local lines
	lines=$(grep -c '^    - URI: ' "$APPTAINER_CONFIGDIR/remote.yaml" || true)
	[[ $lines == "$n" ]] || log "warning: remote.yaml has $lines Credentials entries after the store runs, expected $n"

	# Max RSS: GNU time reports the largest single process of the command's
	# tree (for pass: the helper, pass's bash or gpg; daemons -- gpg-agent,
	# gnome-keyring-daemon -- are not counted).
	local i max k
	for action in get store; do
		for c in "${names[@]}"; do
			max=0
			for ((i = 0; i < ${BENCH_RSS_RUNS:-5}; i++)); do
				if [[ $action == store ]]; then sh "$T/in/prep-store-$n.sh"; fi
				run /usr/bin/time -f %M -o "$T/res/rss.one" -- "$c" "$action" <"$T/in/$action-$n" >/dev/null 2>&1 || true
				k=$(tail -1 "$T/res/rss.one")
				if ((k > max)); then max=$k; fi
			done
			printf '%s %s %s %s\n' "$action" "$n" "$c" "$max" >>"$T/res/rss.tsv"
		done
	done
}

# ---------------------------------------------------------------- main
main() {
	local sizes=${BENCH_SIZES:-10 1000 10000}
	local results=${BENCH_RESULTS:-$REPO/bench/keyring-results.md}
	local n
	for n in $sizes; do
		[[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_SIZES: not a positive number: $n"
	done

	install_deps
	command -v "$GO" >/dev/null || die "no Go toolchain ($GO)"

	T=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/remoteyaml-bench.XXXXXX")
	export T
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$T/bin" "$T/in" "$T/res" "$T/data"

	# Build before HOME moves, so the user's Go build and module caches are used.
	local t0
	t0=$(now)
	cd "$REPO"
	local build=(env CGO_ENABLED=0 "$GO" build -trimpath -ldflags '-s -w')
	"${build[@]}" -o "$T/bin/floor" ./bench/floor
	"${build[@]}" -o "$T/bin/noop" ./bench/noop
	"${build[@]}" -o "$T/bin/gen" ./bench/gen
	"${build[@]}" -o "$T/bin/report" ./bench/report
	local helper_desc
	if [[ -n ${BENCH_HELPER:-} ]]; then
		cp "$BENCH_HELPER" "$T/bin/docker-credential-remoteyaml"
		helper_desc="$BENCH_HELPER (BENCH_HELPER, not built here)"
	else
		"${build[@]}" -o "$T/bin/docker-credential-remoteyaml" ./cmd/docker-credential-remoteyaml ||
			die "cannot build ./cmd/docker-credential-remoteyaml (set BENCH_HELPER=path to benchmark a prebuilt binary)"
		helper_desc="./cmd/docker-credential-remoteyaml at $(git -C "$REPO" describe --tags --always --dirty 2>/dev/null || echo '?')"
	fi
	log "built the Go binaries in $(since "$t0")"

	# A private world: nothing below may reach the user's HOME, keys or keyrings.
	export HOME=$T/home GNUPGHOME=$T/gnupg PASSWORD_STORE_DIR=/nonexistent
	export XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache XDG_DATA_HOME=$T/home/.local/share
	export XDG_STATE_HOME=$T/home/.local/state XDG_RUNTIME_DIR=$T/run
	unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL GPG_AGENT_INFO SSH_AUTH_SOCK DOCKER_CONFIG 2>/dev/null || true
	mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"
	mkdir -m 700 "$GNUPGHOME" "$XDG_RUNTIME_DIR"

	{
		echo "## Machine"
		echo
		machine
		echo "- helper: $helper_desc"
		echo
	} | tee "$T/res/machine.md" >&2

	# Throwaway GPG key, no passphrase (Debian's default algorithm).
	t0=$(now)
	gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'remoteyaml bench <bench@invalid>' default default never 2>/dev/null
	local fpr
	fpr=$(gpg --batch --with-colons --list-keys bench@invalid | awk -F: '/^fpr/ { print $10; exit }')
	[[ -n $fpr ]] || die "GPG key generation failed"
	log "GPG key $fpr generated in $(since "$t0")"

	local setup=() d ts
	for n in $sizes; do
		d=$T/data/$n
		t0=$(now)
		"$T/bin/gen" -n "$n" -remote "$d/config/remote.yaml" -remote-keyring "$d/config-keyring/remote.yaml" \
			-keyring "$d/share/keyrings/login.keyring" -keyring-password "$KEYRING_PASSWORD"
		printf login >"$d/share/keyrings/default"
		ts="remote.yaml (2: with and without Auth) and keyring file ($((2 * n)) items) $(since "$t0")"

		# pass store: bench/gen lays out the plaintext files the way
		# docker-credential-pass names them; gpg --multifile encrypts them in
		# batches, two processes at a time.
		t0=$(now)
		PASSWORD_STORE_DIR=$d/pass pass init "$fpr" >/dev/null
		"$T/bin/gen" -n "$n" -pass "$d/pass" |
			xargs -0 -r -n 500 -P "$(nproc)" gpg --batch --quiet --yes --trust-model always -r "$fpr" --multifile --encrypt
		find "$d/pass/docker-credential-helpers" -type f ! -name '*.gpg' -delete
		local enc
		enc=$(find "$d/pass/docker-credential-helpers" -name '*.gpg' | wc -l)
		((enc == n)) || die "pass store for $n entries has $enc encrypted files"
		ts+=", pass store (gpg) $(since "$t0")"
		setup+=("- $n entries: $ts")
		log "setup, $n entries: $ts"

		# stdin files
		"$T/bin/gen" -n "$n" -mid >"$T/in/mid-$n"
		local host user
		read -r host user <"$T/in/mid-$n"
		printf '%s' "$host" >"$T/in/get-$n"
		cat >"$T/in/prep-store-$n.sh" <<-EOF
			printf '{"ServerURL":"%s","Username":"%s","Secret":"s-%s"}' '$host' '$user' "\$(date +%s%N)" >'$T/in/store-$n'
		EOF
	done

	for n in $sizes; do
		t0=$(now)
		# gnome-keyring-daemon's noise; its "discover_other_daemon: 1" has no
		# newline, so only that text goes, not the log line glued to it.
		dbus-run-session -- bash "$SELF" __inner "$n" 2> >(sed -u -e '/Failed to set fd limit/d' \
			-e '/discover_other_daemon/{s/discover_other_daemon: [0-9]*//;/^$/d}' >&2)
		log "entries=$n done in $(since "$t0")"
	done

	# Package init cost of the helper vs the floor (GODEBUG=inittrace=1; the
	# last of 5 runs, so the page cache is warm).
	local first=${sizes%% *} b i
	for b in docker-credential-remoteyaml floor; do
		for ((i = 0; i < 5; i++)); do
			APPTAINER_CONFIGDIR=$T/data/$first/config GODEBUG=inittrace=1 \
				"$T/bin/$b" get <"$T/in/get-$first" >/dev/null 2>"$T/res/inittrace-$b" || true
		done
	done
	inittrace_summary() {
		awk '$1 == "init" { ms += $5; by += $8; n++ } END { printf "%d packages, %.3f ms clock, %d bytes allocated", n, ms, by }' "$1"
	}

	local specs=()
	for n in $sizes; do specs+=("get:$n"); done
	for n in $sizes; do specs+=("store:$n"); done
	{
		echo "# docker-credential-remoteyaml beside the keyring helpers (bench/keyring.sh)"
		echo
		echo "Generated by \`bench/run.sh\` ($(date -u +%Y-%m-%dT%H:%MZ)). Each row is one command of a single"
		echo "hyperfine run per (action, entries), all commands side by side; stdin through"
		echo "\`sh -c 'cmd action < file'\` for every command alike (hyperfine $(hyperfine --version | awk '{print $2}') has no"
		echo "\`--input\`; hyperfine subtracts the measured shell start-up). \`get\` asks for the middle"
		echo "login; \`store\` replaces that login with a new secret every run. Max RSS: GNU time,"
		echo "max of ${BENCH_RSS_RUNS:-5} runs, largest single process of the command (daemons not counted)."
		echo
		cat "$T/res/machine.md"
		echo "## Results"
		echo
		"$T/bin/report" -dir "$T/res" -info remoteyaml-keyring -compare secretservice "${specs[@]}"
		echo
		echo "## Package init (GODEBUG=inittrace=1, get, $first entries)"
		echo
		echo "- remoteyaml: $(inittrace_summary "$T/res/inittrace-docker-credential-remoteyaml")"
		echo "- floor: $(inittrace_summary "$T/res/inittrace-floor")"
		echo "- remoteyaml's costliest inits (ms clock, bytes):"
		awk '$1 == "init" { printf "%s %s %s\n", $5, $2, $8 }' "$T/res/inittrace-docker-credential-remoteyaml" |
			sort -rn | head -8 | awk '{ printf "  - %s: %s ms, %s bytes\n", $2, $1, $3 }'
		echo
		echo "## Setup"
		echo
		printf '%s\n' "${setup[@]}"
		echo "- pass: one GPG key (gpg's default algorithm), entries encrypted with gpg --multifile."
		echo "- secretservice: the login keyring is written directly by bench/gen in gnome-keyring's binary"
		echo "  (encrypted) format, then gnome-keyring-daemon --unlock gets its password on stdin. Not an"
		echo "  empty password: gnome-keyring keeps such a keyring in its textual format, whose loader is"
		echo "  quadratic (10,000 items: > 50 s to load, every store hit the 25 s D-Bus timeout); and storing"
		echo "  10,000 items through the daemon costs O(n) per store (it rewrites the whole file), ~30 min."
		echo "- remoteyaml-keyring: the helper with REMOTEYAML_SECRETS=keyring and a second remote.yaml whose"
		echo "  entries have no Auth; its secrets are N more items of the same login keyring, with the label,"
		echo "  attributes (service=remoteyaml, username=<entry URI>) and secret (\`Basic base64(user:secret)\`)"
		echo "  go-keyring's CreateItem gives them. So the keyring holds 2N items for both secretservice and"
		echo "  remoteyaml-keyring (each searches by its own attributes). Informational: no target of its own;"
		echo "  the target column compares it with secretservice, the other keyring-backed helper."
	} >"$T/res/results.md"
	cp "$T/res/results.md" "$results"
	echo
	cat "$T/res/results.md"
	log "table written to $results"
}

if [[ ${1:-} == __inner ]]; then
	inner "$2"
else
	main "$@"
fi
