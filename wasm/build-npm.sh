#!/usr/bin/env bash
# Builds the npm packages of the wasm API with wasm-pack, one per JavaScript environment, and
# packs each with `npm pack`:
#
#   bash wasm/build-npm.sh      # → target/npm/{web,bundler,nodejs}/ and target/npm/*.tgz
#
#   @watt-about-it/watt-wasm-web      ES module; `await init()` loads the wasm (browsers
#                                     without a bundler: the page's own build, same bytes)
#   @watt-about-it/watt-wasm-bundler  for webpack, Vite, Rollup (the wasm is imported)
#   @watt-about-it/watt-wasm-nodejs   Node (CommonJS; `import` works too)
#
# One package per target, as wasm-pack makes them (named as astral-sh/ruff names its own):
# each is wasm-pack's output, renamed, its wasm without the name and producers sections as
# the page's (wasm/strip-sections.mjs). The wasm comes from the same crate, profile and
# flags as the page's (wasm/build-env.sh): web/tests/npm.test.mjs checks that the web
# package's wasm and JS are the page's, byte for byte.
#
# Needs wasm-pack (.ci/setup.sh installs the pinned version) and the wasm-bindgen CLI at the
# crate's version. Nothing is downloaded: wasm-pack runs offline (wasm/wasm-pack.sh) and
# without wasm-opt (wasm/Cargo.toml).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/build-env.sh"
watt_wasm_bindgen_check build-npm.sh || exit 1
command -v wasm-pack >/dev/null || {
  echo "build-npm.sh: wasm-pack is missing: bash .ci/setup.sh (or cargo install wasm-pack --locked)" >&2
  exit 1
}

SCOPE=watt-about-it
OUT="$WATT_TARGET_DIR/npm"

# The same build as web/build.sh's: when the page was built first, nothing is compiled here.
(cd "$WATT_ROOT" && cargo build --locked -p watt-wasm --target wasm32-unknown-unknown --profile "$WATT_WASM_PROFILE")

rm -rf "$OUT"
mkdir -p "$OUT"
for target in web bundler nodejs; do
  dir="$OUT/$target"
  bash "$WATT_ROOT/wasm/wasm-pack.sh" --quiet build "$WATT_ROOT/wasm" --mode no-install --target "$target" \
    --profile "$WATT_WASM_PROFILE" --scope "$SCOPE" --out-dir "$dir" --no-gitignore -- --locked
  # wasm-pack names the package after the crate: the target goes into the name. It also
  # lists the licence files it copies only when they were there before (npm packs LICENSE
  # alone by itself, not LICENSE-MIT): they are added to `files`.
  node -e '
    const fs = require("node:fs");
    const [dir, name] = process.argv.slice(1);
    const file = dir + "/package.json";
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.name = name;
    const licences = fs.readdirSync(dir).filter((f) => f.startsWith("LICENSE")).sort();
    pkg.files = [...new Set([...pkg.files, ...licences])];
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  ' "$dir" "@$SCOPE/watt-wasm-$target"
  node "$WATT_ROOT/wasm/strip-sections.mjs" "$dir/watt_wasm_bg.wasm"
  (cd "$OUT" && npm pack "./$target" --pack-destination . --silent --no-update-notifier >/dev/null)
done

for tgz in "$OUT"/*.tgz; do
  echo "build-npm.sh: $(basename "$tgz") ($(stat -c %s "$tgz") bytes)"
done
