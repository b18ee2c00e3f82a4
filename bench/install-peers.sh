#!/usr/bin/env bash
# Installs the peers the benchmarks measure against into .tools/bench-peers/ (outside node_modules, so they
# never become dependencies of the extension). Idempotent: installs only when the pinned version is missing.
# yaml-language-server 2.0.0 declares engines.node >=22.13.0; npm warns EBADENGINE on Node 20 but it runs
# correctly there (reference/peer-measurements.md §6).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.tools/bench-peers"
version="2.0.0"

installed="$(node -p "try { require('$prefix/node_modules/yaml-language-server/package.json').version } catch { '' }")"
if [ "$installed" = "$version" ]; then
  echo "install-peers: yaml-language-server@$version already in .tools/bench-peers" >&2
  exit 0
fi
echo "install-peers: installing yaml-language-server@$version into .tools/bench-peers" >&2
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --save-exact "yaml-language-server@$version" >&2
