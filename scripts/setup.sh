#!/usr/bin/env bash
# Makes a fresh machine of this kind ready for the playground and the tests. Idempotent: it installs only
# what is missing. Debian packages (TESTING.md), npm dependencies, code-server + Chromium, and the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

packages=(
  docker.io docker-registry openssh-server openssh-client busybox-static systemd-journal-remote chromium ripgrep apache2-utils
  # code-server's native modules build against these
  libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev
  # peers for the declaration tests: gcloud's YAML emitter (ruamel) and `cloud-init schema`
  python3-ruamel.yaml cloud-init
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

# npm dependencies, when missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi

bash scripts/install-code-server.sh

echo "setup: building" >&2
node scripts/build.mjs --quiet >&2
npx tsc -p tsconfig.test.json >&2
