//! csv-spectrum (npm, <https://github.com/maxogden/csv-spectrum>): third-party CSV edge cases
//! with the values a correct parser must produce. Each file is read by watt's chunk-fed
//! reader — whole, and cut into chunks of 1, 2, 3 and 7 bytes — and every value must equal
//! the package's JSON exactly.
//!
//! The package is installed by `.ci/setup.sh` (`npm ci --prefix core/tests/csv-spectrum`);
//! set `WATT_CSV_SPECTRUM` to use another copy.

use std::collections::BTreeMap;
use std::path::PathBuf;

use watt_core::reader::{Reader, ReaderOptions, Record, RecordSink, SourceProblem};
use watt_core::report::EncodingInfo;
use watt_core::{Dialect, DialectOptions, Encoding, Schema};

fn spectrum_dir() -> PathBuf {
    std::env::var_os("WATT_CSV_SPECTRUM").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/csv-spectrum/node_modules/csv-spectrum")
        },
        PathBuf::from,
    )
}

#[derive(Default)]
struct Rows {
    rows: Vec<Vec<String>>,
    problem: Option<SourceProblem>,
}

impl RecordSink for Rows {
    fn start(&mut self, _: &Dialect, _: &EncodingInfo) {}
    fn record(&mut self, record: &Record<'_>) {
        assert!(
            record.bad_bytes.is_empty(),
            "csv-spectrum files are valid UTF-8"
        );
        self.rows.push(record.fields().map(str::to_owned).collect());
    }
    fn source_error(&mut self, problem: SourceProblem) {
        self.problem = Some(problem);
    }
}

fn parse(data: &[u8], schema: &Schema, chunk: usize) -> Vec<BTreeMap<String, String>> {
    let mut reader = Reader::new(
        schema,
        ReaderOptions {
            dialect: DialectOptions {
                header: Some(true),
                ..DialectOptions::default()
            },
            encoding: Encoding::Utf8,
            max_record_bytes: 1 << 20,
        },
    );
    let mut rows = Rows::default();
    for piece in data.chunks(chunk.max(1)) {
        reader.push(piece, &mut rows);
    }
    reader.finish(&mut rows);
    assert_eq!(rows.problem, None);
    let header = rows.rows.remove(0);
    rows.rows
        .into_iter()
        .map(|row| header.iter().cloned().zip(row).collect())
        .collect()
}

#[test]
fn csv_spectrum_values_are_read_exactly() {
    let dir = spectrum_dir();
    let csvs = dir.join("csvs");
    let entries = std::fs::read_dir(&csvs).unwrap_or_else(|e| {
        panic!(
            "csv-spectrum not found at {} ({e}): run `npm ci --prefix core/tests/csv-spectrum` (done by .ci/setup.sh)",
            csvs.display()
        )
    });
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        11,
        "csv-spectrum 1.0.0 has 11 cases: {names:?}"
    );
    for name in &names {
        let data = std::fs::read(csvs.join(name)).expect("csv");
        let json_path = dir.join("json").join(name.replace(".csv", ".json"));
        let expected: Vec<BTreeMap<String, String>> =
            serde_json::from_str(&std::fs::read_to_string(json_path).expect("json"))
                .expect("expected JSON");
        let fields: Vec<String> = expected[0]
            .keys()
            .map(|k| format!(r#"{{"name": {}}}"#, serde_json::json!(k)))
            .collect();
        let schema =
            Schema::from_json(&format!(r#"{{"fields": [{}]}}"#, fields.join(","))).expect("schema");
        for chunk in [data.len(), 1, 2, 3, 7] {
            assert_eq!(
                parse(&data, &schema, chunk),
                expected,
                "{name} in chunks of {chunk}"
            );
        }
    }
}
