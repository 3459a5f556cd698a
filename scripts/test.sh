#!/usr/bin/env bash
# The whole test suite: installs what the tests need (idempotent), then runs every Go test
# on SQLite and on PostgreSQL. This is the README's test command and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-deps.sh

# Node peers (SMPP, SMTP servers) used by the notification adapters' tests.
if [ -f tools/peers/package-lock.json ]; then
  (cd tools/peers && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
fi

export HOTLINE_TEST_POSTGRES="${HOTLINE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"

echo "== web build is up to date (rebuilds web/dist and compares)"
bash scripts/web-check.sh

echo "== go vet"
go vet ./...
echo "== go test (SQLite and PostgreSQL)"
go test -count=1 -timeout 20m ./... "$@"
