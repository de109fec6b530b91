//! The tests of `api/` in a real browser: headless Chromium, through Debian's chromedriver.
//!
//! Run: `wasm-pack test --headless --chrome wasm` (or `bash web/ci.sh`). wasm-pack finds
//! `chromedriver` and the wasm-bindgen CLI of the crate's version on PATH and downloads
//! nothing; `webdriver.json` beside Cargo.toml names Debian's Chromium and switches off what
//! would phone home.

#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod api;
