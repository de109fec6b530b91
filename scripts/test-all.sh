#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest. Assumes the tools are
# installed (`bash .ci/setup.sh`); the README's test command, `bash .ci/run`, does both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
START=$SECONDS
# What the checkout looks like before the tests: no step may change a tracked file.
tracked_state() { git diff HEAD 2>/dev/null | sha256sum; }
TRACKED_BEFORE=$(tracked_state)
log() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - START) / 60)) $(((SECONDS - START) % 60)) "$*"; }

log "Formatting"
cargo fmt --all -- --check

# The fuzz crate is a workspace of its own: its lock file must follow the core's
# dependencies, or the fuzz smoke rewrites a tracked file (CI leaves the checkout as found).
log "Lock files up to date"
cargo metadata --locked --format-version 1 >/dev/null
cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null

log "Deployment files: cfn-lint, kubernetes-validate, hadolint, IAM policies"
bash deploy/validate.sh

log "Clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

log "Clippy (wasm)"
cargo clippy -p watt-wasm --target wasm32-unknown-unknown -- -D warnings

log "Rust tests"
cargo test --workspace --all-targets
cargo test --workspace --doc
# The tests above built `watt` and `gen-energy` (debug, overflow checks on): the web and
# SeaweedFS end-to-end runs use these very binaries instead of building others.
BIN_DIR=${CARGO_TARGET_DIR:-$PWD/target}/debug

# With `.ci/setup.sh --no-wait` (as `.ci/run` does), the cargo tools compile in the
# background while the steps above run: wait for them here.
if [ -n "${WATT_TOOLS_STATUS:-}" ]; then
  log "Waiting for the cargo tools of .ci/setup.sh"
  while [ ! -s "$WATT_TOOLS_STATUS" ] && kill -0 "$(cat "$WATT_TOOLS_STATUS.pid" 2>/dev/null || echo none)" 2>/dev/null; do
    sleep 2
  done
  [ -s "$WATT_TOOLS_STATUS" ] || echo 1 >"$WATT_TOOLS_STATUS"
  if [ "$(cat "$WATT_TOOLS_STATUS")" != 0 ]; then
    cat "$WATT_TOOLS_STATUS.log" >&2
    echo "test-all: installing the cargo tools failed" >&2
    exit 1
  fi
fi

log "Web: the page and the npm packages (wasm-pack), wasm-pack tests in Chromium and Node, end-to-end tests of the page and of <watt-precheck>"
WATT_BIN=$BIN_DIR/watt bash web/ci.sh

log "End to end against SeaweedFS"
WATT=$BIN_DIR/watt bash scripts/e2e-seaweedfs.sh

# After the steps that use $BIN_DIR/watt: this build puts the Lambda-enabled one there.
log "The Lambda function (feature lambda): clippy, and the handler against a Runtime API on 127.0.0.1"
cargo clippy -p watt --features lambda --bin watt -- -D warnings
cargo test -p watt --features lambda --test worker_lambda

log "Security checks"
bash scripts/security.sh

# The evidence pack (docs/evidence/) regenerated in a scratch folder from real runs, the
# browser's screenshot included: a committed proof that is no longer current fails.
log "Evidence pack"
WATT=$BIN_DIR/watt bash scripts/evidence.sh --check

# No step may change a tracked file (a lock file rewritten, a result regenerated): what CI
# checked is what was committed.
log "Tracked files unchanged"
if [ "$(tracked_state)" != "$TRACKED_BEFORE" ]; then
  git status --short --untracked-files=no >&2
  echo "test-all: the tests changed tracked files (above)" >&2
  exit 1
fi

log "All tests passed"
