#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest. Assumes the tools are
# installed (`bash .ci/setup.sh`); the README's test command, `bash .ci/run`, does both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '\n==> %s\n' "$*"; }

log "Formatting"
cargo fmt --all -- --check

log "Clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

log "Clippy (wasm)"
cargo clippy -p watt-wasm --target wasm32-unknown-unknown -- -D warnings

log "Rust tests"
cargo test --workspace --all-targets
cargo test --workspace --doc

log "Web page: wasm-bindgen tests and end-to-end tests in headless Chromium"
bash web/ci.sh

log "End to end against SeaweedFS"
# A release build for behaviour, not speed: no fat LTO, parallel codegen (minutes saved).
CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  bash scripts/e2e-seaweedfs.sh

log "Security checks"
bash scripts/security.sh

log "All tests passed"
