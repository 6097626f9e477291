#!/usr/bin/env bash
# share.sh REMOTE-LOGIN DIR: writes the man pages and the bash, zsh and fish
# completions into DIR, laid out as PREFIX/share (man/man1, bash-completion/
# completions, zsh/site-functions, fish/vendor_completions.d), from the
# help of the remote-login binary given, so they cannot drift from it.
set -euo pipefail
rl=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir/man/man1" "$dir/bash-completion/completions" "$dir/zsh/site-functions" "$dir/fish/vendor_completions.d"
"$rl" __man >"$dir/man/man1/remote-login.1"
"$rl" __man docker-credential-remoteyaml >"$dir/man/man1/docker-credential-remoteyaml.1"
"$rl" completion bash >"$dir/bash-completion/completions/remote-login"
"$rl" completion zsh >"$dir/zsh/site-functions/_remote-login"
"$rl" completion fish >"$dir/fish/vendor_completions.d/remote-login.fish"
