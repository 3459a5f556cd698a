#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine. Idempotent: a package or
# service that is already there is left alone.
set -euo pipefail

pkgs=(sip-tester baresip espeak-ng sox chromium chromium-driver fonts-wqy-microhei)
# Node and npm build the web app and run the SMPP/SMTP test peers. The machine image ships
# them; Debian's packages are the fallback (installing them over the image's would clash).
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL for the store suite on the production database.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "test-deps: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
