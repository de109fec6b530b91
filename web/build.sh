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
ROOT="$(dirname "$WEB")"
DIST="$WEB/dist"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"

want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ -z "$want" || "$want" != "$have" ]]; then
  echo "build.sh: the wasm-bindgen CLI is '${have:-missing}', the crate is '$want'." >&2
  echo "          cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi

# SIMD: the CSV reader and memchr run about 1.4x faster with it (every current browser
# has it). Path remapping: the binary must not depend on where the checkout or the cargo
# registry is.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128 --remap-path-prefix=$ROOT=/watt --remap-path-prefix=$CARGO_HOME_DIR=/cargo"
(cd "$ROOT" && cargo build --locked -p watt-wasm --target wasm32-unknown-unknown --profile wasm-release)

rm -rf "$DIST"
mkdir -p "$DIST/pkg" "$DIST/schemas"
wasm-bindgen --target web --out-dir "$DIST/pkg" \
  --remove-name-section --remove-producers-section \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/watt_wasm.wasm"

cp "$WEB"/{index.html,app.js,worker.js,i18n.js,report-view.js,style.css,favicon.svg,_headers} "$DIST/"
cp "$ROOT/data/schemas/energy_consumption.schema.json" "$DIST/schemas/"

(cd "$DIST" && find . -type f ! -name SHA256SUMS -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > SHA256SUMS)

raw=$(stat -c %s "$DIST/pkg/watt_wasm_bg.wasm")
gz=$(gzip -9 -n -c "$DIST/pkg/watt_wasm_bg.wasm" | wc -c)
echo "build.sh: $DIST ready; watt_wasm_bg.wasm is $raw bytes, $gz gzipped (gzip -9)"
