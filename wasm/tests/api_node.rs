//! The tests of `api/` in Node: the API needs nothing of a browser, and the npm package for
//! Node (`@watt-about-it/watt-wasm-nodejs`) runs this very code.
//!
//! Run: `wasm-pack test --node wasm` (or `bash web/ci.sh`).

#![cfg(target_arch = "wasm32")]

mod api;
