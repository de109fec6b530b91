//! Values across the boundary: options from a JS object, reports to a JS object.
//!
//! Reports go through serde-wasm-bindgen's JSON-compatible serializer: maps become plain
//! objects (in the core's key order), `None` becomes `null` and integers become numbers, so
//! `JSON.stringify(report, null, 2)` is exactly `serde_json::to_string_pretty(&report)`,
//! the CLI's output. The tests in `wasm/tests/api.rs` hold it to that.

use js_sys::{Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::JsValue;
use watt_core::{Options, Report};

use crate::error::{JsResult, coded};
use crate::types::JsOptions;

/// Options from a JS object in the core's camelCase shape; `undefined` or `null` means
/// the defaults, and missing keys take their default.
pub(crate) fn options_from_js(value: Option<JsOptions>) -> JsResult<Options> {
    let options: Options = match value.map(JsValue::from) {
        Some(v) if !v.is_null() && !v.is_undefined() => serde_wasm_bindgen::from_value(v)
            .map_err(|e| coded("options-error", &format!("options: {e}")))?,
        _ => Options::default(),
    };
    options
        .dialect
        .check()
        .map_err(|e| coded("options-error", &format!("options: {e}")))?;
    Ok(options)
}

/// Any core value as a plain JS object, as reports are converted.
pub(crate) fn to_js(value: &impl Serialize) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| coded("report-error", &format!("report: {e}")))
}

pub(crate) fn report_to_js(report: &Report) -> JsResult<JsValue> {
    report
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| coded("report-error", &format!("report: {e}")))
}

/// `{ tail, report }`, the end of a minimisation.
pub(crate) fn minimised_to_js(tail: &[u8], report: &Report) -> JsResult<JsValue> {
    let out = Object::new();
    set(&out, "tail", &Uint8Array::from(tail))?;
    set(&out, "report", &report_to_js(report)?)?;
    Ok(out.into())
}

fn set(object: &Object, key: &str, value: &JsValue) -> JsResult<()> {
    Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| coded("report-error", "could not build the result object"))
}
