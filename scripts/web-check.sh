#!/usr/bin/env bash
# Fail when the committed web/dist is not what web/src builds to: rebuild into a temporary
# directory and compare byte for byte. CI runs this.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/web-build.sh" "$tmp/dist"
if ! diff -r "$root/web/dist" "$tmp/dist" >"$tmp/diff.txt"; then
  echo "web-check: web/dist is stale; run scripts/web-build.sh and commit web/dist" >&2
  head -n 40 "$tmp/diff.txt" >&2
  exit 1
fi
echo "web-check: web/dist matches web/src"
