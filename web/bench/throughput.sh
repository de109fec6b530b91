#!/usr/bin/env bash
# Throughput figures of the pre-check page (not part of CI):
#
#   bash web/bench/throughput.sh [SIZE_MB] [RUNS]      (defaults: 200 MB, best of 3)
#
# Builds the page and the release `watt`, generates a file of SIZE_MB from the sample, and
# times, on that file: the page's check in headless Chromium (the wasm engine in its worker,
# File.stream() reads included), native `watt check`, and Papa Parse parsing the same file
# in the same browser. Results: web/bench/results/throughput.json.
set -euo pipefail
WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(dirname "$WEB")"
export PATH="$HOME/.cargo/bin:$PATH"

(cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
bash "$WEB/build.sh"
if [[ -z "${WATT_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build --locked --release -p watt)
  export WATT_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/watt"
fi
cd "$WEB" && node bench/throughput.mjs "$@"
