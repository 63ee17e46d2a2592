#!/bin/bash
# Runs the benchmarks once each (all of them, or the ones named: http-artifacts boot-storm tftp s3-gateway) and
# collects their Markdown in bench/out/RESULTS.md; bench/RESULTS.md is curated from it. Loopback only; needs
# wrk, nginx, atftp, tftpd-hpa, rclone (npm run pretest installs them). All four take about 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(http-artifacts boot-storm tftp s3-gateway)
mkdir -p bench/out
: > bench/out/RESULTS.md
for name in "${benches[@]}"; do
  [ -f "bench/$name/run.ts" ] || { echo "run-all: no bench/$name/run.ts" >&2; exit 2; }
  echo "== $name" >&2
  node --import tsx "bench/$name/run.ts"
  cat "bench/out/$name.md" >> bench/out/RESULTS.md
done
echo "results: bench/out/RESULTS.md" >&2
