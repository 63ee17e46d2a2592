#!/bin/bash
# `npm test`: the whole suite, in one node:test run so the closing summary counts every test.
# (`npm pretest` = scripts/ensure-deps.sh has installed the Debian packages the e2e tests need.)
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob

echo "== typecheck"
npm run --silent typecheck

echo "== migrations match the schema (drizzle-kit generate must find nothing to do)"
before=$(ls migrations)
npx drizzle-kit generate --config drizzle.config.ts >/dev/null
if [ "$(ls migrations)" != "$before" ] || ! git diff --quiet -- migrations 2>/dev/null; then
  echo "server/src/db/schema.ts changed without a migration: run npm run db:generate and commit migrations/" >&2
  exit 1
fi

echo "== web UI build (the UI tests use the built bundle)"
npm run --silent build

echo "== tests"
files=(test/unit/*.test.ts test/integration/*.test.ts test/e2e/*.test.ts test/ui/*.test.ts)
# One file at a time: the e2e boots run QEMU under TCG and want both cores.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
