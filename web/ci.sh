#!/usr/bin/env bash
# CI of the browser pre-check page, in one command:
#
#   bash web/ci.sh
#
# On a Debian 12 machine with Rust stable (+ wasm32-unknown-unknown), Node 20 + npm, the
# `chromium` and `chromium-driver` packages, wasm-pack and the wasm-bindgen CLI at the crate's
# version (`.ci/setup.sh` installs all of these), it:
#   1. installs the page's npm packages (npm ci),
#   2. builds the page (bash web/build.sh → web/dist) and the npm packages from the same wasm
#      build (bash wasm/build-npm.sh: wasm-pack build for web, bundler and nodejs, npm pack),
#   3. checks the gzipped wasm against its budget (440 KB = 440 000 bytes; why: web/README.md),
#   4. checks formatting and clippy of the wasm crate,
#   5. runs the wasm tests of the API with wasm-pack test, in headless Chromium and in Node,
#   6. builds the native `watt` (debug: same bytes, much faster to build) to compare with,
#   7. runs the Node tests of tests/: end to end of the page and of <watt-precheck> in its demo
#      host (Playwright, Chromium, served on 127.0.0.1), the npm packages (tarballs, Node
#      streams against the CLI) and the TypeScript declarations. Screenshots land in
#      web/test-results/.
# Steps 3 to 7 all run even when one fails; the script exits 1 if any did.
set -uo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$WEB")"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUDGET_BYTES=440000
export PATH="$HOME/.cargo/bin:$PATH"

failed=()
log() { printf '\n==> web/ci.sh: %s\n' "$*"; }
step() {
  local name=$1
  shift
  log "$name"
  if "$@"; then
    echo "    ok: $name"
  else
    echo "    FAILED: $name" >&2
    failed+=("$name")
  fi
}
must() {
  log "$1"
  shift
  "$@" || { echo "web/ci.sh: cannot go on" >&2; exit 1; }
}

must "npm ci" bash -c "cd '$WEB' && npm ci --no-audit --no-fund --loglevel=error"
must "build the page" bash "$WEB/build.sh"
must "build the npm packages (wasm-pack build, npm pack)" bash "$ROOT/wasm/build-npm.sh"

size_budget() {
  local wasm="$WEB/dist/pkg/watt_wasm_bg.wasm" raw gz
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -n -c "$wasm" | wc -c)
  echo "    watt_wasm_bg.wasm: $raw bytes, $gz gzipped; budget $BUDGET_BYTES gzipped"
  if ((gz > BUDGET_BYTES)); then
    echo "    over budget by $((gz - BUDGET_BYTES)) bytes (see web/README.md, \"Size\")" >&2
    return 1
  fi
}
step "wasm size budget" size_budget

step "rustfmt (wasm crate)" bash -c "cd '$ROOT' && rustfmt --edition 2024 --check wasm/src/*.rs wasm/tests/*.rs wasm/tests/*/*.rs"
step "clippy (wasm crate, wasm32)" bash -c \
  "cd '$ROOT' && cargo clippy --locked -p watt-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings"

# wasm-pack finds the wasm-bindgen test runner and Debian's chromedriver; wasm/wasm-pack.sh
# keeps it from downloading anything. Each run skips the other's suite (api_browser.rs,
# api_node.rs: the same tests, wasm/tests/api/).
step "wasm tests in headless Chromium (wasm-pack test --chrome)" bash -c \
  "cd '$ROOT' && bash wasm/wasm-pack.sh test --mode no-install --headless --chrome \
     --chromedriver '${CHROMEDRIVER:-/usr/bin/chromedriver}' wasm --locked"
step "wasm tests in Node (wasm-pack test --node)" bash -c \
  "cd '$ROOT' && bash wasm/wasm-pack.sh test --mode no-install --node wasm --locked"

if [[ -z "${WATT_BIN:-}" ]]; then
  must "build the native watt to compare with" bash -c "cd '$ROOT' && cargo build --locked -p watt"
  export WATT_BIN="$TARGET_DIR/debug/watt"
fi

step "end-to-end, npm package and type tests (node --test)" bash -c "cd '$WEB' && node --test tests/"

if ((${#failed[@]})); then
  printf '\nweb/ci.sh: FAILED: %s\n' "${failed[*]}" >&2
  exit 1
fi
printf '\nweb/ci.sh: all passed\n'
