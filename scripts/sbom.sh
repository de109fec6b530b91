#!/usr/bin/env bash
# The software bill of materials (CycloneDX 1.5, JSON) of what watt ships:
#
#   target/sbom/watt.cdx.json       the `watt` binary, for this machine's target
#   target/sbom/watt-wasm.cdx.json  the browser engine (wasm32-unknown-unknown)
#
#   bash scripts/sbom.sh            # the SBOMs, from Cargo.lock (no build)
#   bash scripts/sbom.sh --release  # also `cargo build --release --locked -p watt`, and the
#                                   # binary's SHA-256 recorded in watt.cdx.json
#
# Made with cargo-cyclonedx from the same Cargo.lock the release is built from (`--locked`),
# with every dependency (not just the direct ones) and the build-time ones (aws-lc-sys
# compiles C into the binary). SOURCE_DATE_EPOCH is the last commit's time, so the same
# commit gives the same file. cargo-cyclonedx writes its files next to each Cargo.toml; it
# is run on a scratch copy of the tree so the checkout is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

release=false
[ "${1:-}" = --release ] && release=true

command -v cargo-cyclonedx >/dev/null || cargo install cargo-cyclonedx --locked --quiet

out=${CARGO_TARGET_DIR:-$PWD/target}/sbom
mkdir -p "$out"
host=$(rustc -vV | sed -n 's/^host: //p')
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

if $release; then
  echo "==> cargo build --release --locked -p watt ($host)"
  cargo build --release --locked -p watt
fi

scratch=$(mktemp -d /tmp/watt-sbom.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
git ls-files -z --cached --others --exclude-standard |
  xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
  xargs -0 -r cp --parents -t "$scratch"

sbom() { # target, member dir, file cargo-cyclonedx writes, name to give it
  (cd "$scratch" && cargo cyclonedx --quiet --format json --spec-version 1.5 \
    --describe binaries --target "$1" --manifest-path "$2/Cargo.toml")
  cp "$scratch/$2/$3" "$out/$4"
  echo "==> $out/$4 ($1): $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$out/$4") components"
}
sbom "$host" native watt_bin.cdx.json watt.cdx.json
sbom wasm32-unknown-unknown wasm watt_wasm_cdylib-rlib.cdx.json watt-wasm.cdx.json

if $release; then
  binary=${CARGO_TARGET_DIR:-$PWD/target}/release/watt
  python3 - "$out/watt.cdx.json" "$binary" <<'PY'
import hashlib, json, sys
path, binary = sys.argv[1], sys.argv[2]
bom = json.load(open(path))
digest = hashlib.sha256(open(binary, "rb").read()).hexdigest()
bom["metadata"]["component"]["hashes"] = [{"alg": "SHA-256", "content": digest}]
json.dump(bom, open(path, "w"), indent=2)
print(f"==> release binary SHA-256 {digest} recorded in {path}")
PY
fi
