#!/usr/bin/env bash
# wasm-pack, kept offline: `bash wasm/wasm-pack.sh build|test ... --mode no-install ...`.
#
# With --mode no-install, wasm-pack uses the wasm-bindgen CLI (and its test runner) found on
# PATH when its version is the crate's, and fails rather than download one; `test --chrome`
# uses the chromedriver on PATH (Debian's). What remains is its daily request to crates.io
# for "is there a newer wasm-pack": this proxy does not exist, so that request fails at once
# and nothing leaves the machine (cargo, which wasm-pack runs, has its crates already: the
# callers build first, or run after a build). Loopback stays direct: the test runner talks
# to chromedriver and serves the tests on 127.0.0.1.
set -euo pipefail
dead=http://127.0.0.1:9
loopback=127.0.0.1,localhost,::1
exec env HTTPS_PROXY=$dead https_proxy=$dead HTTP_PROXY=$dead http_proxy=$dead ALL_PROXY=$dead \
  NO_PROXY=$loopback no_proxy=$loopback wasm-pack "$@"
