//! Tests of the checker as a whole: a fixture per error code (expected results in
//! `data/fixtures/expected.json`, described in `data/fixtures/README.md`), independence from
//! chunking, and the privacy of messages.

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value as Json;

use crate::report::{ErrorCode, Report};
use crate::{Checker, Options, Schema};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures")
}

fn fixture_schema() -> Schema {
    let text =
        std::fs::read_to_string(fixtures().join("fixtures.schema.json")).expect("fixture schema");
    Schema::from_json(&text).expect("fixture schema loads")
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn check_chunked(schema: &Schema, options: Options, data: &[u8], cuts: &[usize]) -> Report {
    let mut checker = Checker::new(schema, options);
    let mut last = 0;
    for &cut in cuts {
        let cut = cut.clamp(last, data.len());
        checker.push(&data[last..cut]);
        last = cut;
    }
    checker.push(&data[last..]);
    checker.finish()
}

fn check(schema: &Schema, data: &[u8]) -> Report {
    check_chunked(schema, Options::default(), data, &[])
}

/// Compares a fixture's report with its entry in `expected.json`: validity, row count,
/// counts per code and every finding (code, row, field, column, byte, message).
fn assert_fixture(name: &str) {
    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let want = &expected[name];
    assert!(want.is_object(), "{name} is not described in expected.json");
    let report = check(&fixture_schema(), &read_fixture(name));
    assert_eq!(Json::Bool(report.valid), want["valid"], "{name}: valid");
    assert_eq!(Json::from(report.stats.rows), want["rows"], "{name}: rows");
    let counts: serde_json::Map<String, Json> = report
        .error_counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(code, n)| (code.as_str().to_owned(), Json::from(*n)))
        .collect();
    assert_eq!(Json::Object(counts), want["counts"], "{name}: counts");
    let findings: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            serde_json::json!([
                f.code.as_str(),
                f.row_number,
                f.field_name,
                f.field_number,
                f.byte,
                f.message
            ])
        })
        .collect();
    assert_eq!(Json::Array(findings), want["findings"], "{name}: findings");
    assert_eq!(report.findings_total, report.findings.len() as u64);
}

macro_rules! fixture_tests {
    ($($test:ident => $file:literal,)*) => {
        $(#[test] fn $test() { assert_fixture($file); })*

        const FIXTURES: &[&str] = &[$($file),*];
    };
}

fixture_tests! {
    valid_file_is_valid => "valid.csv",
    header_only_is_valid_with_no_rows => "header_only.csv",
    french_excel_export_is_valid => "fr_excel.csv",
    blank_label => "blank_label.csv",
    duplicate_label => "duplicate_label.csv",
    missing_label => "missing_label.csv",
    extra_label => "extra_label.csv",
    incorrect_label => "incorrect_label.csv",
    blank_row => "blank_row.csv",
    extra_cell => "extra_cell.csv",
    missing_cell => "missing_cell.csv",
    ragged_rows => "ragged.csv",
    type_error => "type_error.csv",
    constraint_error => "constraint_error.csv",
    unique_error => "unique_error.csv",
    primary_key => "primary_key.csv",
    encoding_error => "encoding_error.csv",
    source_error_unterminated_quote => "source_error.csv",
    source_error_empty_file => "empty.csv",
    source_error_binary_junk => "binary.csv",
    source_error_utf16 => "utf16.csv",
}

#[test]
fn every_error_code_has_a_fixture() {
    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json"),
    )
    .expect("json");
    for code in ErrorCode::ALL {
        assert!(
            FIXTURES
                .iter()
                .any(|f| expected[*f]["counts"].get(code.as_str()).is_some()),
            "no fixture shows {code}"
        );
    }
    let on_disk = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv"))
        .count();
    assert_eq!(on_disk, FIXTURES.len(), "every fixture file is tested");
}

#[test]
fn encoding_error_names_the_probable_encoding_and_reads_with_it() {
    let schema = fixture_schema();
    let data = read_fixture("encoding_error.csv");
    let report = check(&schema, &data);
    assert_eq!(report.encoding.probable.as_deref(), Some("iso-8859-1"));
    let options = Options {
        encoding: crate::Encoding::Windows1252,
        ..Options::default()
    };
    let report = check_chunked(&schema, options, &data, &[]);
    assert!(report.valid, "{:?}", report.findings);
    assert_eq!(report.encoding.name, "windows-1252");
}

#[test]
fn messages_never_hold_values_unless_asked() {
    let schema = fixture_schema();
    let secret = "Jeanne Secretvalue 0612345678";
    let data = format!(
        "id,prm,ts,kwh,tariff,note\n{secret},{secret},{secret},{secret},{secret},{secret}{secret}\n"
    );
    let report = check(&schema, data.as_bytes());
    assert!(report.findings_total >= 5);
    let json = serde_json::to_string(&report).expect("json");
    assert!(!json.contains("Secretvalue"), "{json}");
    assert!(!json.contains("\"cell\""));

    let options = Options {
        show_values: true,
        ..Options::default()
    };
    let shown = check_chunked(&schema, options, data.as_bytes(), &[]);
    assert_eq!(shown.findings[0].cell.as_deref(), Some(secret));
    assert!(
        shown
            .findings
            .iter()
            .all(|f| !f.message.contains("Secretvalue"))
    );
}

#[test]
fn labels_are_not_quoted_in_messages() {
    // A headerless file read as if it had a header: its "labels" are personal data.
    let schema = Schema::from_json(r#"{"fields": [{"name": "name"}, {"name": "email"}]}"#).unwrap();
    let options = Options {
        dialect: crate::DialectOptions {
            header: Some(true),
            ..Default::default()
        },
        ..Options::default()
    };
    let report = check_chunked(&schema, options, b"Jeanne Martin,jeanne@example.com\n", &[]);
    assert_eq!(report.error_counts[&ErrorCode::IncorrectLabel], 2);
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("Jeanne") && !json.contains("jeanne@"),
        "{json}"
    );
}

/// After a source error the report does not depend on how much more the shell fed: the
/// command line stops reading, the browser reads on; both say the same bytes.
#[test]
fn a_source_error_gives_one_report_however_much_follows() {
    let schema = fixture_schema();
    let too_long = Options {
        max_record_bytes: 64,
        ..Options::default()
    };
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("id,prm\n1,2\n".encode_utf16().flat_map(u16::to_le_bytes));
    let cases: [(&str, Options, Vec<u8>, u64); 3] = [
        (
            "binary",
            Options::default(),
            b"id,prm\n1,2\n3,\x004\n".to_vec(),
            13,
        ),
        ("utf-16", Options::default(), utf16, 0),
        (
            "too long",
            too_long,
            format!("id,prm\n1,2\n\"{}\n", "x".repeat(200)).into_bytes(),
            11,
        ),
    ];
    for (what, options, data, stopped) in cases {
        let alone = check_chunked(&schema, options.clone(), &data, &[]);
        assert_eq!(alone.stats.bytes, stopped, "{what}");
        assert_eq!(alone.error_counts[&ErrorCode::SourceError], 1, "{what}");
        // What the file goes on with: more of the same kind of bytes.
        let filler = if what == "too long" { b'x' } else { b'\0' };
        let mut more = data.clone();
        more.extend(std::iter::repeat_n(filler, 3 << 20));
        for cuts in [&[][..], &[1, 5, 9][..], &[8192, 1 << 20, 2 << 20][..]] {
            let fed_on = check_chunked(&schema, options.clone(), &more, cuts);
            assert_eq!(
                serde_json::to_value(&fed_on).unwrap(),
                serde_json::to_value(&alone).unwrap(),
                "{what} {cuts:?}"
            );
        }
    }
}

#[test]
fn a_wide_header_names_the_first_column_of_each_repeated_label() {
    // 60 000 columns (checked in one pass: a scan of the earlier labels per column took
    // minutes on 100 000), three of them repeats.
    let schema = Schema::from_json(r#"{"fields": [{"name": "c0"}]}"#).unwrap();
    let mut header: Vec<String> = (0..60_000).map(|i| format!("c{i}")).collect();
    header[30_000] = "c7".into();
    header[59_998] = "c7".into();
    header[59_999] = "c59997".into();
    let data = format!("{}\n", header.join(","));
    let options = Options {
        dialect: crate::DialectOptions {
            header: Some(true),
            ..Default::default()
        },
        max_findings: 100_000,
        ..Options::default()
    };
    let report = check_chunked(&schema, options, data.as_bytes(), &[]);
    let duplicates: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == ErrorCode::DuplicateLabel)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        duplicates,
        [
            "column 30001 has the same label as column 8",
            "column 59999 has the same label as column 8",
            "column 60000 has the same label as column 59998",
        ]
    );
}

#[test]
fn max_findings_keeps_the_first_and_counts_all() {
    let schema = fixture_schema();
    let mut data = String::from("id,prm,ts,kwh,tariff,note\n");
    for i in 0..50 {
        data.push_str(&format!(
            "{i},12345678901234,2024-01-15T00:00:00+01:00,x,BASE,\n"
        ));
    }
    let options = Options {
        max_findings: 10,
        ..Options::default()
    };
    let report = check_chunked(&schema, options, data.as_bytes(), &[]);
    assert_eq!(report.findings.len(), 10);
    assert!(report.truncated);
    // 50 type errors and 49 primary-key repeats.
    assert_eq!(report.findings_total, 99);
    assert_eq!(report.error_counts[&ErrorCode::TypeError], 50);
    assert_eq!(report.findings[0].row_number, Some(2));
}

#[test]
fn a_one_megabyte_field_is_read() {
    let schema =
        Schema::from_json(r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "note"}]}"#)
            .unwrap();
    let big = "x".repeat(1 << 20);
    let data = format!("id,note\n1,\"{big}\"\n2,ok\n");
    let report = check_chunked(
        &schema,
        Options::default(),
        data.as_bytes(),
        &[100, 70_000, 900_000],
    );
    assert!(report.valid);
    assert_eq!(report.stats.rows, 2);
}

#[test]
fn record_limit_stops_runaway_quotes() {
    let schema = fixture_schema();
    let mut data =
        b"id,prm,ts,kwh,tariff,note\n1,12345678901234,2024-01-15T00:00:00+01:00,1,BASE,\"".to_vec();
    data.extend(std::iter::repeat_n(b'a', 300_000));
    let options = Options {
        max_record_bytes: 100_000,
        ..Options::default()
    };
    let report = check_chunked(&schema, options, &data, &[4096, 8192]);
    assert_eq!(report.error_counts[&ErrorCode::SourceError], 1);
    assert_eq!(report.findings[0].row_number, Some(2));
    // Read up to the runaway record, which starts after the header.
    assert_eq!(report.stats.bytes, 26);
}

#[test]
fn custom_missing_values_and_headerless_files() {
    let schema = Schema::from_json(
        r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "kwh", "type": "number", "constraints": {"required": true}}],
            "missingValues": ["", "NA", "-"]}"#,
    )
    .unwrap();
    let report = check(&schema, b"1,NA\n2,-\n3,1.5\n");
    assert!(!report.dialect.header, "first row is data");
    assert_eq!(report.stats.rows, 3);
    assert_eq!(report.error_counts[&ErrorCode::ConstraintError], 2);
    assert_eq!(
        report.findings[0].row_number,
        Some(1),
        "without header, data starts at row 1"
    );
}

#[test]
fn declared_decimal_char_is_not_overridden() {
    let schema = Schema::from_json(
        r#"{"fields": [{"name": "a"}, {"name": "kwh", "type": "number", "decimalChar": "."}]}"#,
    )
    .unwrap();
    let report = check(&schema, b"a;kwh\nx;1,5\n");
    assert_eq!(report.dialect.delimiter, ';');
    assert_eq!(report.error_counts[&ErrorCode::TypeError], 1);
}

#[test]
fn stats_count_bytes_and_rows() {
    let data = read_fixture("fr_excel.csv");
    let report = check(&fixture_schema(), &data);
    assert_eq!(report.stats.bytes, data.len() as u64);
    assert_eq!(report.stats.columns, 6);
    assert!(report.encoding.bom);
    assert_eq!(report.dialect.line_terminator, "\r\n");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any chunking of any fixture gives the identical report.
    #[test]
    fn any_chunking_gives_the_same_report(
        which in 0..FIXTURES.len(),
        cuts in proptest::collection::vec(0usize..400, 0..12),
    ) {
        let schema = fixture_schema();
        let data = read_fixture(FIXTURES[which]);
        let mut cuts = cuts;
        cuts.sort_unstable();
        let whole = check(&schema, &data);
        let chunked = check_chunked(&schema, Options::default(), &data, &cuts);
        prop_assert_eq!(whole, chunked);
    }

    /// Byte-at-a-time feeding too (the worst case for state kept across chunks).
    #[test]
    fn byte_by_byte_gives_the_same_report(which in 0..FIXTURES.len()) {
        let schema = fixture_schema();
        let data = read_fixture(FIXTURES[which]);
        let cuts: Vec<usize> = (1..data.len()).collect();
        prop_assert_eq!(check(&schema, &data), check_chunked(&schema, Options::default(), &data, &cuts));
    }
}

#[test]
fn spilling_the_key_sets_changes_nothing_in_the_report() {
    use crate::pairs::{MemorySpill, SpillConfig};
    use std::sync::{Arc, Mutex};
    let schema = Schema::from_json(
        r#"{"fields": [{"name": "id", "type": "integer", "constraints": {"unique": true}},
                       {"name": "meter"}, {"name": "hour", "type": "integer"}],
            "primaryKey": ["meter", "hour"]}"#,
    )
    .unwrap();
    // 30 000 rows: every 7th id repeats an earlier one, every 11th (meter, hour) too.
    let mut data = String::from("id,meter,hour\n");
    for i in 0..30_000u64 {
        let id = if i % 7 == 6 { i / 2 } else { i };
        let meter = if i % 11 == 10 { i - 5 } else { i };
        data.push_str(&format!("{id},m{meter},{}\n", meter % 24));
    }
    for show_values in [false, true] {
        let options = Options {
            max_findings: 500,
            show_values,
            ..Options::default()
        };
        let plain = check_chunked(&schema, options.clone(), data.as_bytes(), &[1000, 5000]);
        assert_eq!(plain.error_counts[&ErrorCode::UniqueError], 2143);
        assert_eq!(plain.error_counts[&ErrorCode::PrimaryKey], 2727);
        let spill = SpillConfig {
            spill: Arc::new(Mutex::new(MemorySpill::default())),
            // 4096 pairs per set, and mark blocks of 1 MiB: several runs each.
            budget_bytes: 4096 * 16,
        };
        let mut checker = Checker::new(&schema, options).with_spill(spill);
        for chunk in data.as_bytes().chunks(4096) {
            checker.push(chunk);
        }
        assert_eq!(checker.finish(), plain, "show_values {show_values}");
    }
}
