#!/bin/bash
# Runs every benchmark once and collects the results in bench/out/RESULTS.md (curate bench/RESULTS.md from it).
# Loopback only; needs wrk and nginx (npm run pretest installs them). Takes about 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
mkdir -p bench/out
node --import tsx bench/http-artifacts/run.ts
node --import tsx bench/boot-storm/run.ts
cat bench/out/http-artifacts.md bench/out/boot-storm.md > bench/out/RESULTS.md
echo "results: bench/out/RESULTS.md"
