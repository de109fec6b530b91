//! # watt-wasm
//!
//! The browser's door into `watt-core`: three `#[wasm_bindgen]` classes that own a core
//! [`watt_core::Checker`], [`watt_core::Minimiser`] and [`watt_core::scan::Scanner`], and
//! do nothing but convert — a JS schema string and options object in, byte chunks in, the
//! core's [`watt_core::Report`] out as a plain object. There is no CSV or GDPR logic here:
//! whatever the page shows, `watt check` prints too.
//!
//! ```js
//! import init, { Checker } from "./pkg/watt_wasm.js";
//! await init();
//! const checker = new Checker(schemaJson, { maxFindings: 100 });
//! for await (const chunk of file.stream()) checker.push(chunk);
//! const report = checker.finish(); // JSON.stringify(report, null, 2) === `watt check --format json`
//! ```
//!
//! A report crosses into JavaScript as an object whose `JSON.stringify(report, null, 2)` is,
//! byte for byte, the CLI's `--format json` output without its final newline; the
//! TypeScript declarations of that object are in [`types`]. Errors are thrown as `Error`
//! objects with a `code` property (see [`error`]).

mod convert;
pub mod error;
pub mod types;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use watt_core::{PseudonymKey, Schema};

use convert::{options_from_js, report_to_js};
use error::{JsResult, from_minimise_error, from_schema_error};

/// Version of the watt engine inside this build (the `watt` field of every report).
#[wasm_bindgen]
pub fn version() -> String {
    watt_core::VERSION.to_owned()
}

/// The dialect options of a Frictionless dialect document (JSON text), read by the core
/// as `watt --dialect FILE` reads it: put the result in `options.dialect`. Throws an
/// `Error` with code `options-error` when the document cannot be used.
#[wasm_bindgen(js_name = dialectFromJson, unchecked_return_type = "DialectOptions")]
pub fn dialect_from_json(#[wasm_bindgen(js_name = dialectJson)] text: &str) -> JsResult<JsValue> {
    let dialect = watt_core::DialectOptions::from_json(text)
        .map_err(|e| error::coded("options-error", &e.to_string()))?;
    convert::to_js(&dialect)
}

fn load_schema(schema_json: &str) -> JsResult<Schema> {
    Schema::from_json(schema_json).map_err(from_schema_error)
}

/// Validates a CSV file fed in chunks cut anywhere; `finish()` gives the same report as
/// `watt check --format json`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Checker {
    inner: watt_core::Checker,
}

#[wasm_bindgen]
impl Checker {
    /// Throws `schema-error` when the schema is not a valid Table Schema and
    /// `options-error` when the options are malformed.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = schemaJson)] schema_json: &str,
        options: Option<types::JsOptions>,
    ) -> JsResult<Checker> {
        let schema = load_schema(schema_json)?;
        let options = options_from_js(options)?;
        Ok(Checker {
            inner: watt_core::Checker::new(&schema, options),
        })
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        self.inner.push(chunk);
    }

    /// Bytes fed so far.
    #[wasm_bindgen(js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.bytes_read() as f64
    }

    /// Ends the input and returns the report. The checker is consumed: using it afterwards
    /// throws.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn finish(self) -> JsResult<JsValue> {
        report_to_js(&self.inner.finish())
    }
}

/// Minimises a CSV file fed in chunks: `push()` returns the output bytes ready so far,
/// `finish()` the last bytes and the report. The concatenated output is byte for byte what
/// `watt minimise` writes for the same file, schema and key.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Minimiser {
    inner: watt_core::Minimiser,
}

#[wasm_bindgen]
impl Minimiser {
    /// `key` is the pseudonymisation key as text (its UTF-8 bytes, surrounding whitespace
    /// removed); it is used, never stored or returned. Throws `schema-error`,
    /// `options-error`, `undecided` (a field has no gdpr policy), `key-required`,
    /// `key-too-short` or `key-weak`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = schemaJson)] schema_json: &str,
        options: Option<types::JsOptions>,
        key: Option<String>,
    ) -> JsResult<Minimiser> {
        let schema = load_schema(schema_json)?;
        let options = options_from_js(options)?;
        let key = key
            .map(|k| PseudonymKey::new(k.as_bytes()))
            .transpose()
            .map_err(from_minimise_error)?;
        let inner =
            watt_core::Minimiser::new(&schema, options, key).map_err(from_minimise_error)?;
        Ok(Minimiser { inner })
    }

    /// Feeds the next chunk; returns the output bytes that became ready (often empty).
    pub fn push(&mut self, chunk: &[u8]) -> Uint8Array {
        Uint8Array::from(self.inner.push(chunk))
    }

    /// Bytes fed so far.
    #[wasm_bindgen(js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.bytes_read() as f64
    }

    /// Ends the input: `{ tail, report }`, the last output bytes and the report (validation
    /// and minimisation). The minimiser is consumed.
    #[wasm_bindgen(unchecked_return_type = "Minimised")]
    pub fn finish(self) -> JsResult<JsValue> {
        let done = self.inner.finish();
        convert::minimised_to_js(&done.tail, &done.report)
    }
}

/// Searches a CSV file for personal data the schema does not declare, and measures what
/// minimisation would do (k-anonymity included), without a key and without output.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Scanner {
    inner: watt_core::scan::Scanner,
}

#[wasm_bindgen]
impl Scanner {
    /// Throws `schema-error` or `options-error`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = schemaJson)] schema_json: &str,
        options: Option<types::JsOptions>,
    ) -> JsResult<Scanner> {
        let schema = load_schema(schema_json)?;
        let options = options_from_js(options)?;
        Ok(Scanner {
            inner: watt_core::scan::Scanner::new(&schema, options),
        })
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        self.inner.push(chunk);
    }

    /// Bytes fed so far.
    #[wasm_bindgen(js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.bytes_read() as f64
    }

    /// Ends the input and returns the report, with its `minimisation` and `scan` sections.
    /// The scanner is consumed.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn finish(self) -> JsResult<JsValue> {
        report_to_js(&self.inner.finish())
    }
}
