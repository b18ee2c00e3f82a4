#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) into .tools/code-server, outside the extension's own
# dependencies: it builds native modules and must never end up in the VSIX. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/code-server"
version="4.100.3"
bin="$dir/node_modules/.bin/code-server"
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null | head -n1 | cut -d' ' -f1)" = "$version" ]; then
  exit 0
fi
mkdir -p "$dir"
# @vscode/ripgrep downloads rg from GitHub, which this network cannot reach; hand it Debian's rg
# through the cache it looks in first (TESTING.md).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
cp "$(command -v rg)" "$tmp/rg"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg
cd "$dir"
[ -f package.json ] || echo '{"name":"cosvm-code-server","private":true}' > package.json
# npm 11.19 skips dependency install scripts unless allowed; code-server's postinstall runs nested
# installs of VS Code's native modules, so this isolated tool install allows them all.
npm_config_dangerously_allow_all_scripts=true npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund "code-server@$version" >&2
"$bin" --version >&2
