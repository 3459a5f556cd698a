#!/usr/bin/env bash
# Build the web app (web/src → web/dist) with the locked npm packages. web/dist is committed
# and embedded in the binary; scripts/web-check.sh verifies it matches the sources.
# Usage: scripts/web-build.sh [OUTDIR]   (default web/dist)
set -euo pipefail
cd "$(dirname "$0")/../web"
command -v npm >/dev/null || { echo "web-build: npm (Node 20.19+) is needed to build the web app" >&2; exit 1; }
# Install exactly what package-lock.json says when node_modules is missing or older than the lock.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
out="${1:-dist}"
# Build beside the target and swap only on success, so a failed build leaves the old one whole.
tmp="$(mktemp -d "$(dirname "$out")/.web-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
HOTLINE_WEB_OUT="$tmp" npx --no-install vite build --logLevel warn
rm -rf "$out"
mv "$tmp" "$out"
chmod 755 "$out"
