#!/usr/bin/env bash
# Builds the static pre-check page into web/dist/. This is the one command:
#
#   bash web/build.sh
#
# Needs: Rust stable with the wasm32-unknown-unknown target, and the wasm-bindgen CLI at
# exactly the version of the wasm-bindgen crate in Cargo.lock (checked below; install it
# with `cargo install wasm-bindgen-cli --version <that version>`).
#
# The output depends only on the sources, Cargo.lock and the toolchain: paths are remapped
# out of the binary and nothing carries a date. dist/SHA256SUMS lists every file, so two
# builds can be compared with `diff`.
set -euo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$WEB/dist"
# The flags, profile and wasm-bindgen check shared with the npm packages (wasm/build-npm.sh).
source "$WEB/../wasm/build-env.sh"
ROOT="$WATT_ROOT"
watt_wasm_bindgen_check build.sh || exit 1

(cd "$ROOT" && cargo build --locked -p watt-wasm --target wasm32-unknown-unknown --profile "$WATT_WASM_PROFILE")

rm -rf "$DIST"
mkdir -p "$DIST/pkg" "$DIST/schemas"
wasm-bindgen --target web --out-dir "$DIST/pkg" \
  --remove-name-section --remove-producers-section \
  "$WATT_TARGET_DIR/wasm32-unknown-unknown/$WATT_WASM_PROFILE/watt_wasm.wasm"

cp "$WEB"/{index.html,app.js,worker.js,i18n.js,report-view.js,style.css,favicon.svg,_headers} "$DIST/"
# The embeddable element (web/embed/), beside the worker and the wasm it shares with the page.
cp "$WEB/embed/watt-precheck.js" "$DIST/"
cp "$ROOT/data/schemas/energy_consumption.schema.json" "$DIST/schemas/"

(cd "$DIST" && find . -type f ! -name SHA256SUMS -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > SHA256SUMS)

raw=$(stat -c %s "$DIST/pkg/watt_wasm_bg.wasm")
gz=$(gzip -9 -n -c "$DIST/pkg/watt_wasm_bg.wasm" | wc -c)
echo "build.sh: $DIST ready; watt_wasm_bg.wasm is $raw bytes, $gz gzipped (gzip -9)"
