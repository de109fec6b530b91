//! Errors as JavaScript sees them: an `Error` whose `message` is the core's message and
//! whose `code` property says what went wrong, so the page can react to a missing key
//! differently from a broken schema without parsing text.
//!
//! | code | when |
//! | --- | --- |
//! | `schema-error` | the schema is not JSON or not a valid Table Schema |
//! | `options-error` | the options object does not match [`watt_core::Options`] |
//! | `undecided` | minimisation: a field has no `gdpr` policy |
//! | `key-required` | minimisation: the schema pseudonymises and no key was given |
//! | `key-too-short` | minimisation: the key has fewer than 32 bytes |
//! | `key-weak` | minimisation: the key uses fewer than 8 distinct characters |
//! | `minimise-error` | minimisation refused for another reason |
//! | `report-error` | the report could not be converted (a bug) |
//!
//! Messages never contain a key or a cell value: they are the core's, which guarantees it.

use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;
use watt_core::{MinimiseError, SchemaError};

/// What the wasm functions return: a thrown `Error` with a `code` on failure.
pub type JsResult<T> = Result<T, Error>;

/// An `Error` with `message` and a `code` property.
pub fn coded(code: &str, message: &str) -> Error {
    let error = Error::new(message);
    // Setting a property on a fresh, extensible object cannot fail; if it did, the error
    // would still carry its message.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error
}

pub(crate) fn from_schema_error(err: SchemaError) -> Error {
    coded("schema-error", &err.to_string())
}

pub(crate) fn from_minimise_error(err: MinimiseError) -> Error {
    coded(err.code(), &err.to_string())
}
