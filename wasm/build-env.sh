# How the wasm is built, in one place: sourced by web/build.sh (the page) and
# wasm/build-npm.sh (the npm packages), so both ship the same wasm from the same crate,
# profile and flags. Defines WATT_ROOT, WATT_TARGET_DIR and WATT_WASM_PROFILE, exports the
# rustflags of the wasm32 target, and checks the wasm-bindgen CLI (see watt_wasm_bindgen_check).
#
# The flags:
# - SIMD (+simd128): the CSV reader and memchr run about 1.4x faster with it (every current
#   browser and Node 16.4+ has it);
# - path remapping: the binary must not depend on where the checkout or the cargo registry is.

WATT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WATT_TARGET_DIR="${CARGO_TARGET_DIR:-$WATT_ROOT/target}"
WATT_WASM_PROFILE=wasm-release
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128 --remap-path-prefix=$WATT_ROOT=/watt --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"

# Fails unless the wasm-bindgen CLI on PATH is exactly the version of the wasm-bindgen crate
# in Cargo.lock (the two must agree; wasm-pack would otherwise try to download one).
watt_wasm_bindgen_check() {
  local who=$1 want have
  want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$WATT_ROOT/Cargo.lock")
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [[ -z "$want" || "$want" != "$have" ]]; then
    echo "$who: the wasm-bindgen CLI is '${have:-missing}', the crate is '$want'." >&2
    echo "          cargo install wasm-bindgen-cli --version $want" >&2
    return 1
  fi
}
