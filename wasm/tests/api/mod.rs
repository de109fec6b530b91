//! The JavaScript API, as a JavaScript engine sees it: what `finish()` returns must
//! stringify to exactly the CLI's JSON, chunking must not matter, the minimised bytes must be
//! the core's, and errors must be `Error`s with a `code`. Run twice, by `api_browser.rs` in
//! headless Chromium and by `api_node.rs` in Node (see those for the commands).

use js_sys::{JSON, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use watt_core::{Options, PseudonymKey, Schema};
use watt_wasm::types::JsOptions;
use watt_wasm::{Checker, Minimiser, Scanner};

const ENERGY_SCHEMA: &str = include_str!("../../../data/schemas/energy_consumption.schema.json");
const SAMPLE: &[u8] = include_bytes!("../../../data/samples/sample_energy_consumption.csv");
const SAMPLE_FR: &[u8] = include_bytes!("../../../data/samples/sample_energy_consumption_fr.csv");
const FIXTURE_SCHEMA: &str = include_str!("../../../data/fixtures/fixtures.schema.json");
const EXPECTED: &str = include_str!("../../../data/fixtures/expected.json");
const KEY: &str = "wasm test key: not a secret, 0123456789 abcdefghij";

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../../data/fixtures/", $name)))),*]
    };
}

const FIXTURES: &[(&str, &[u8])] = fixtures![
    "binary.csv",
    "blank_label.csv",
    "blank_row.csv",
    "constraint_error.csv",
    "duplicate_label.csv",
    "empty.csv",
    "encoding_error.csv",
    "extra_cell.csv",
    "extra_label.csv",
    "fr_excel.csv",
    "header_only.csv",
    "incorrect_label.csv",
    "missing_cell.csv",
    "missing_label.csv",
    "primary_key.csv",
    "ragged.csv",
    "source_error.csv",
    "type_error.csv",
    "unique_error.csv",
    "utf16.csv",
    "valid.csv",
];

/// Chunk sizes each file is cut into: one byte, an odd size, and whole.
const CHUNKS: [usize; 3] = [1, 7, usize::MAX];

/// `JSON.stringify(value, null, 2)`: what the page writes into the downloaded report.
fn pretty(value: &JsValue) -> String {
    JSON::stringify_with_replacer_and_space(value, &JsValue::NULL, &JsValue::from(2))
        .expect("a report is JSON")
        .into()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("an object")
}

fn js_options(json: &str) -> JsOptions {
    JSON::parse(json)
        .expect("test options are JSON")
        .unchecked_into()
}

fn pieces(data: &[u8], size: usize) -> impl Iterator<Item = &[u8]> {
    data.chunks(size.min(data.len()).max(1))
}

fn core_check(schema: &str, data: &[u8], options: Options) -> String {
    let schema = Schema::from_json(schema).expect("test schema");
    let mut checker = watt_core::Checker::new(&schema, options);
    checker.push(data);
    serde_json::to_string_pretty(&checker.finish()).expect("report serialises")
}

fn wasm_check(schema: &str, data: &[u8], size: usize, options: Option<JsOptions>) -> JsValue {
    let mut checker = Checker::new(schema, options).expect("checker starts");
    for piece in pieces(data, size) {
        checker.push(piece);
    }
    assert_eq!(checker.bytes_read(), data.len() as f64);
    checker.finish().expect("report converts")
}

/// The thrown value is an `Error` with this `code`; returns its message.
fn error_code<T: std::fmt::Debug>(result: Result<T, js_sys::Error>, code: &str) -> String {
    let error = result.expect_err("must throw");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&error, "code").as_string().as_deref(), Some(code));
    error.message().into()
}

#[wasm_bindgen_test]
fn check_reports_stringify_to_the_cli_json_however_the_file_is_cut() {
    let files = FIXTURES
        .iter()
        .map(|(name, data)| (*name, FIXTURE_SCHEMA, *data))
        .chain([
            ("sample", ENERGY_SCHEMA, SAMPLE),
            ("sample_fr", ENERGY_SCHEMA, SAMPLE_FR),
        ]);
    for (name, schema, data) in files {
        let expected = core_check(schema, data, Options::default());
        for size in CHUNKS {
            let report = wasm_check(schema, data, size, None);
            assert_eq!(pretty(&report), expected, "{name}, chunks of {size}");
        }
    }
}

#[wasm_bindgen_test]
fn check_reports_say_what_the_fixtures_readme_says() {
    let expected: serde_json::Value = serde_json::from_str(EXPECTED).expect("expected.json");
    for (name, data) in FIXTURES {
        let want = &expected[*name];
        let report = wasm_check(FIXTURE_SCHEMA, data, 64, None);
        assert_eq!(
            get(&report, "valid").as_bool(),
            want["valid"].as_bool(),
            "{name}"
        );
        let rows = get(&get(&report, "stats"), "rows").as_f64();
        assert_eq!(rows, want["rows"].as_f64(), "{name}");
        let counts = get(&report, "errorCounts");
        for code in watt_core::ErrorCode::ALL {
            let want_n = want["counts"][code.as_str()].as_f64().unwrap_or(0.0);
            assert_eq!(
                get(&counts, code.as_str()).as_f64(),
                Some(want_n),
                "{name} {code}"
            );
        }
        let findings: js_sys::Array = get(&report, "findings").unchecked_into();
        let want_findings = want["findings"].as_array().expect("findings");
        assert_eq!(findings.length() as usize, want_findings.len(), "{name}");
        for (finding, want) in findings.iter().zip(want_findings) {
            assert_eq!(
                get(&finding, "code").as_string().as_deref(),
                want[0].as_str()
            );
            assert_eq!(get(&finding, "rowNumber").as_f64(), want[1].as_f64());
            assert_eq!(get(&finding, "byte").as_f64(), want[4].as_f64());
            assert_eq!(
                get(&finding, "message").as_string().as_deref(),
                want[5].as_str()
            );
        }
    }
}

#[wasm_bindgen_test]
fn options_are_read_in_the_cores_camel_case() {
    let data = FIXTURES
        .iter()
        .find(|(n, _)| *n == "type_error.csv")
        .expect("type_error.csv")
        .1;
    let options = r#"{"dialect": {"delimiter": ",", "header": true}, "encoding": "windows-1252",
        "maxFindings": 1, "showValues": true, "maxRecordBytes": 65536}"#;
    let core_options: Options = serde_json::from_str(options).expect("core reads them too");
    assert_eq!(core_options.max_findings, 1);
    let expected = core_check(FIXTURE_SCHEMA, data, core_options);
    let report = wasm_check(FIXTURE_SCHEMA, data, 5, Some(js_options(options)));
    assert_eq!(pretty(&report), expected);
    assert_eq!(get(&report, "truncated").as_bool(), Some(true));
    let first = js_sys::Array::from(&get(&report, "findings")).get(0);
    assert!(
        get(&first, "cell").is_string(),
        "showValues puts the cell in"
    );

    // null and undefined mean the defaults.
    for none in [JsValue::NULL, JsValue::UNDEFINED] {
        let report = wasm_check(FIXTURE_SCHEMA, data, 5, Some(none.unchecked_into()));
        assert_eq!(
            pretty(&report),
            core_check(FIXTURE_SCHEMA, data, Options::default())
        );
    }
}

#[wasm_bindgen_test]
fn minimised_bytes_and_report_are_the_cores() {
    let schema = Schema::from_json(ENERGY_SCHEMA).expect("energy schema");
    let key = PseudonymKey::new(KEY.as_bytes()).expect("test key");
    let mut core = watt_core::Minimiser::new(&schema, Options::default(), Some(key))
        .expect("minimiser starts");
    let mut expected = core.push(SAMPLE).to_vec();
    let done = core.finish();
    expected.extend(&done.tail);
    let expected_report = serde_json::to_string_pretty(&done.report).expect("serialises");
    assert!(
        expected.starts_with(b"prm,customer_id,postcode,timestamp,kwh,contract_type,comment\n")
    );

    for size in [1, 4096, usize::MAX] {
        let mut m = Minimiser::new(ENERGY_SCHEMA, None, Some(KEY.to_owned())).expect("starts");
        let mut out = Vec::new();
        for piece in pieces(SAMPLE, size) {
            out.extend(m.push(piece).to_vec());
        }
        assert_eq!(m.bytes_read(), SAMPLE.len() as f64);
        let done = m.finish().expect("converts");
        let tail: Uint8Array = get(&done, "tail").unchecked_into();
        out.extend(tail.to_vec());
        assert!(out == expected, "output bytes differ with chunks of {size}");
        assert_eq!(pretty(&get(&done, "report")), expected_report);
    }
}

#[wasm_bindgen_test]
fn scan_reports_stringify_to_the_cores() {
    let schema = Schema::from_json(ENERGY_SCHEMA).expect("energy schema");
    let mut core = watt_core::scan::Scanner::new(&schema, Options::default());
    core.push(SAMPLE);
    let expected = serde_json::to_string_pretty(&core.finish()).expect("serialises");
    let mut scanner = Scanner::new(ENERGY_SCHEMA, None).expect("starts");
    for piece in SAMPLE.chunks(1000) {
        scanner.push(piece);
    }
    assert_eq!(scanner.bytes_read(), SAMPLE.len() as f64);
    let report = scanner.finish().expect("converts");
    assert_eq!(pretty(&report), expected);
    assert!(get(&report, "scan").is_object());
    assert!(get(&get(&report, "minimisation"), "kAnonymity").is_object());
}

#[wasm_bindgen_test]
fn errors_are_error_objects_with_a_code() {
    let message = error_code(Checker::new("{", None), "schema-error");
    assert!(message.starts_with("schema is not valid JSON"), "{message}");
    let bad = r#"{"fields": [{"name": "a", "type": "nope"}]}"#;
    let message = error_code(Scanner::new(bad, None), "schema-error");
    let core_message = Schema::from_json(bad).expect_err("bad schema").to_string();
    assert_eq!(message, core_message);
    assert!(message.starts_with(r#"field "a" (#1): unknown type "nope""#));
    let message = error_code(
        Checker::new(
            ENERGY_SCHEMA,
            Some(js_options(r#"{"encoding": "shift_jis"}"#)),
        ),
        "options-error",
    );
    assert!(message.starts_with("options: "), "{message}");
    error_code(
        Checker::new(
            ENERGY_SCHEMA,
            Some(js_options(r#"{"maxFindings": "many"}"#)),
        ),
        "options-error",
    );

    let message = error_code(Minimiser::new(FIXTURE_SCHEMA, None, None), "undecided");
    assert!(message.starts_with("no gdpr policy for field(s) id, prm, ts"));
    let message = error_code(Minimiser::new(ENERGY_SCHEMA, None, None), "key-required");
    assert_eq!(
        message,
        "a pseudonymisation key is required for field(s) prm, customer_id; watt has no built-in key"
    );
    let message = error_code(
        Minimiser::new(ENERGY_SCHEMA, None, Some("short".into())),
        "key-too-short",
    );
    assert_eq!(
        message,
        "the pseudonymisation key is too short: 5 bytes, at least 32 are needed"
    );
    assert!(!message.contains("short\""), "the key is never echoed");
    error_code(
        Minimiser::new(ENERGY_SCHEMA, None, Some("ab".repeat(20))),
        "key-weak",
    );
}

#[wasm_bindgen_test]
fn version_is_the_engines() {
    assert_eq!(watt_wasm::version(), watt_core::VERSION);
    let report = wasm_check(ENERGY_SCHEMA, SAMPLE, usize::MAX, None);
    assert_eq!(
        get(&report, "watt").as_string().as_deref(),
        Some(watt_core::VERSION)
    );
}
