#!/usr/bin/env bash
# make demo: one login, every container tool, one remote.yaml.
#
# Starts a throwaway registry (CNCF distribution) on 127.0.0.1 with TLS and a
# generated password, gives the tools a throwaway HOME whose own config files
# point at docker-credential-remoteyaml (remote-login setup), moves an old
# plaintext docker login into remote.yaml (remote-login import), logs in with
# remote-login (verified by the registry), pushes with crane,
# reads with skopeo and regctl (when installed), and shows remote.yaml's
# Authenticated Logins. Everything is removed at the end, also on failure or
# Ctrl-C. Needs: `make install` (docker-credential-remoteyaml on PATH or in
# ~/.local/bin) and the tools from integration/install-deps.sh.
set -euo pipefail

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B='' N=''; fi
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
say() { printf '   %s\n' "$*"; }
run() { printf '   $ %s\n' "$*"; "$@" 2>&1 | sed 's/^/     /'; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# Tools: PATH, then where `make install` and `go install` put them.
REAL_HOME=$HOME
export PATH="$PATH:$REAL_HOME/.local/bin"
if command -v go >/dev/null; then
	gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin="$(go env GOPATH | cut -d: -f1)/bin"
	export PATH="$PATH:$gobin"
fi
for t in docker-credential-remoteyaml remote-login docker-registry crane oras openssl htpasswd; do
	command -v "$t" >/dev/null || die "$t not found: run 'make install' and 'bash integration/install-deps.sh' first"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/remoteyaml-demo.XXXXXX")
REGISTRY_PID=""
cleanup() {
	if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; wait "$REGISTRY_PID" 2>/dev/null || true; fi
	rm -rf "$WORK"
	printf '\n== cleaned up: registry stopped, %s removed\n' "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "1. A private registry on 127.0.0.1 with TLS and a generated password"
PORT=""
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 30000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || die "no free port found"
REG="127.0.0.1:$PORT"
USERNAME=demo
PASSWORD=$(openssl rand -hex 12)
mkdir -p "$WORK/registry/data"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-keyout "$WORK/registry/key.pem" -out "$WORK/registry/cert.pem" \
	-subj "/CN=remoteyaml demo registry" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
printf '%s' "$PASSWORD" | htpasswd -B -i -n "$USERNAME" > "$WORK/registry/htpasswd" 2>/dev/null
cat > "$WORK/registry/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/registry/data}}
http:
  addr: $REG
  secret: $(openssl rand -hex 16)
  tls: {certificate: $WORK/registry/cert.pem, key: $WORK/registry/key.pem}
auth:
  htpasswd: {realm: remoteyaml-demo, path: $WORK/registry/htpasswd}
YAML
docker-registry serve "$WORK/registry/config.yml" > "$WORK/registry/log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 50); do
	code=$(openssl s_client -connect "$REG" -brief </dev/null >/dev/null 2>&1 && echo up || true)
	[ "$code" = up ] && break
	kill -0 "$REGISTRY_PID" 2>/dev/null || { cat "$WORK/registry/log"; die "registry did not start"; }
	sleep 0.1
done
say "registry:  https://$REG  (user '$USERNAME', password '$PASSWORD')"

step "2. A fresh HOME; remote-login setup points every tool found on PATH at the helper"
export HOME="$WORK/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$WORK/run" DOCKER_CONFIG="$HOME/.docker" APPTAINER_CONFIGDIR="$HOME/.apptainer"
export SSL_CERT_FILE="$WORK/registry/cert.pem" # trust the demo registry (Go tools, remote-login included)
unset REGISTRY_AUTH_FILE DOCKER_AUTH_CONFIG SINGULARITY_CONFIGDIR
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME/containers/certs.d/$REG"
chmod 700 "$XDG_RUNTIME_DIR"
cp "$WORK/registry/cert.pem" "$XDG_CONFIG_HOME/containers/certs.d/$REG/ca.crt" # podman/skopeo trust
# A login from before remoteyaml, as `docker login` without a helper leaves it.
mkdir -p "$DOCKER_CONFIG"
printf '{\n\t"auths": {\n\t\t"%s": {\n\t\t\t"auth": "%s"\n\t\t}\n\t},\n\t"psFormat": "table {{.ID}}"\n}\n' \
	"$REG" "$(printf '%s:%s' "$USERNAME" "$PASSWORD" | base64)" > "$DOCKER_CONFIG/config.json"
say "An earlier docker login left the password in plain text in $DOCKER_CONFIG/config.json:"
sed 's/^/       /' "$DOCKER_CONFIG/config.json"
# Docker, crane, oras and regctl read ~/.docker/config.json; setup adds it
# even when no docker CLI is installed, so the Go tools find the helper.
run remote-login setup --docker $(command -v podman >/dev/null || command -v skopeo >/dev/null && echo --podman) </dev/null
for f in "$DOCKER_CONFIG/config.json" "$XDG_CONFIG_HOME/containers/registries.conf.d/50-remoteyaml.conf"; do
	[ -f "$f" ] && { say "$f:"; sed 's/^/       /' "$f"; echo; }
done
say "helper: $(command -v docker-credential-remoteyaml)"

step "2b. remote-login import moves that plaintext login into remote.yaml"
run remote-login import --dry-run
run remote-login import
say "$DOCKER_CONFIG/config.json now (only the auths member went; the rest is byte for byte):"
sed 's/^/       /' "$DOCKER_CONFIG/config.json"
run crane catalog "$REG"
say "crane catalog was let in with the imported login (the registry is still empty)."

step "3. Log in once, with remote-login: the registry checks the password before it is stored"
printf '   $ remote-login --username %s --password-stdin docker://%s   (password on stdin)\n' "$USERNAME" "$REG"
printf '%s' "$PASSWORD" | remote-login --username "$USERNAME" --password-stdin "docker://$REG" 2>&1 | sed 's/^/     /'
say "A wrong password is refused, and nothing is stored:"
printf 'wrong' | remote-login --username "$USERNAME" --password-stdin "docker://$REG" 2>&1 | sed 's/^/     /' || true

step "4. Push an image with crane: it asks the helper for the login"
printf 'hello from remoteyaml\n' > "$WORK/hello.txt"
tar -C "$WORK" -cf "$WORK/layer.tar" hello.txt
run crane append -f "$WORK/layer.tar" -t "$REG/demo/hello:v1"

step "5. Other tools read the same login"
run crane ls "$REG/demo/hello"
if command -v skopeo >/dev/null; then
	run skopeo inspect --format 'skopeo sees {{.Name}} {{.Digest}}' "docker://$REG/demo/hello:v1"
fi
if command -v regctl >/dev/null; then
	run regctl image digest "$REG/demo/hello:v1"
fi

step "6. The Authenticated Logins in remote.yaml ($APPTAINER_CONFIGDIR/remote.yaml)"
if command -v apptainer >/dev/null; then run apptainer registry list; fi
run remote-login list
sed 's/^/     /' "$APPTAINER_CONFIGDIR/remote.yaml"
say "(Auth is 'Basic ' + base64 of $USERNAME:<password>)"
others=$(grep -rlF -e "$PASSWORD" -e "$(printf '%s:%s' "$USERNAME" "$PASSWORD" | base64)" "$HOME" "$XDG_RUNTIME_DIR" \
	| grep -vx "$APPTAINER_CONFIGDIR/remote.yaml" || true)
if [ -z "$others" ]; then
	say "No other file in this HOME holds the password: every tool used remote.yaml."
else
	say "The password is also in: $others"
fi

step "6b. remote-login status checks every stored login with its server again"
run remote-login status
say "(exit status 0: every login still works; a refused, expired or unreachable one exits 1)"

step "7. Log out (with oras, which goes through the same helper): the entry is gone, and crane is refused"
run oras logout "$REG"
if grep -q "$REG" "$APPTAINER_CONFIGDIR/remote.yaml" 2>/dev/null; then
	say "remote.yaml still names $REG:"; sed 's/^/     /' "$APPTAINER_CONFIGDIR/remote.yaml"
else
	say "remote.yaml has no entry for $REG any more."
fi
if crane ls "$REG/demo/hello" >/dev/null 2>&1; then say "crane still got in?"; else say "crane ls: refused by the registry, as it should be."; fi
