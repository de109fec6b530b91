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
    // A foreign key needs a schema that declares one (and a second table): its cases are in
    // `foreign.rs` and `native/tests/package.rs`.
    for code in ErrorCode::ALL
        .into_iter()
        .filter(|c| *c != ErrorCode::ForeignKey)
    {
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
    // Beyond the schema's one field, every column is an extra-label; the repeats say so.
    assert_eq!(report.error_counts[&ErrorCode::ExtraLabel], 59_999);
    let duplicates: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.message.contains("repeats"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        duplicates,
        [
            "column 30001 is not in the schema (it has 1 fields); its label repeats column 8",
            "column 59999 is not in the schema (it has 1 fields); its label repeats column 8",
            "column 60000 is not in the schema (it has 1 fields); its label repeats column 59998",
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

// ---------------------------------------------------------------------------------------
// Frictionless conformance (issue 18): each case was run through frictionless-py 5.18.1
// (`validate(csv, schema=...)`, `flatten(["rowNumber", "fieldNumber", "type"])`); the
// expected codes, rows and columns below are its answers. Where watt numbers a header
// finding row 1, frictionless-py gives no row.
// ---------------------------------------------------------------------------------------

/// (code, row, column) of every finding of `csv` checked against `schema`.
fn codes(schema: &str, csv: &str) -> Vec<(String, Option<u64>, Option<usize>)> {
    let schema = Schema::from_json(schema).expect("schema loads");
    let report = check(&schema, csv.as_bytes());
    assert_eq!(report.findings_total, report.findings.len() as u64);
    report
        .findings
        .iter()
        .map(|f| (f.code.as_str().to_owned(), f.row_number, f.field_number))
        .collect()
}

fn at(code: &str, row: u64, col: Option<usize>) -> (String, Option<u64>, Option<usize>) {
    (code.to_owned(), Some(row), col)
}

/// An empty primary-key cell was a `constraint-error` ("a required value is missing");
/// frictionless-py reports a key with no value as `primary-key`, on the row.
#[test]
fn an_empty_primary_key_is_a_primary_key_finding() {
    let schema = r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "b"}],
                     "primaryKey": ["id"]}"#;
    assert_eq!(
        codes(schema, "id,b\n1,x\n,y\n1,z\n,w\n"),
        [
            at("primary-key", 3, None),
            at("primary-key", 4, None),
            at("primary-key", 5, None),
        ]
    );
    let report = check(
        &Schema::from_json(schema).unwrap(),
        b"id,b\n1,x\n,y\n1,z\n,w\n",
    );
    assert_eq!(
        report.findings[0].message,
        "primary key (id) has no value: every cell of it is empty or not of its type"
    );
    assert_eq!(report.findings[1].message, "primary key (id) same as row 2");
    assert_eq!(report.findings[0].byte, 9, "the row's start");
    // Declared `required` as well: both findings, as frictionless-py gives them.
    let required = r#"{"fields": [{"name": "id", "type": "integer", "constraints": {"required": true}},
                       {"name": "b"}], "primaryKey": ["id"]}"#;
    assert_eq!(
        codes(required, "id,b\n1,x\n,y\n"),
        [
            at("constraint-error", 3, Some(1)),
            at("primary-key", 3, None)
        ]
    );
}

/// In a composite key, a cell with no value (missing, absent, or not of its type) is
/// "none" and compares equal to another none: `(2, none)` twice is a repeat.
#[test]
fn a_composite_key_with_some_empty_cells_is_compared_with_its_nones() {
    let schema = r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "b"}],
                     "primaryKey": ["id", "b"]}"#;
    assert_eq!(
        codes(schema, "id,b\n1,x\nz,x\ny,x\n2,\n2,\n3\n3\n"),
        [
            at("type-error", 3, Some(1)),
            at("type-error", 4, Some(1)),
            at("primary-key", 4, None),
            at("primary-key", 6, None),
            at("missing-cell", 7, Some(2)),
            at("missing-cell", 8, Some(2)),
            at("primary-key", 8, None),
        ]
    );
    // A key field without a column checks no key (its missing-label says why).
    assert_eq!(
        codes(schema, "id\n1\n1\n"),
        [("missing-label".to_owned(), Some(1), Some(2))]
    );
}

/// duration, geopoint (three formats), geojson, topojson, time with an offset compared to
/// a bound with an offset, NaN and INF against bounds, and `groupChar: ""`: the codes,
/// rows and columns frictionless-py gives on the same file (made with Python's csv).
#[test]
fn new_types_and_values_give_frictionless_verdicts() {
    let schema = r#"{"fields": [
        {"name": "d", "type": "duration"},
        {"name": "g", "type": "geopoint"},
        {"name": "ga", "type": "geopoint", "format": "array"},
        {"name": "go", "type": "geopoint", "format": "object"},
        {"name": "j", "type": "geojson"},
        {"name": "tj", "type": "geojson", "format": "topojson"},
        {"name": "t", "type": "time", "constraints": {"maximum": "13:00:00Z"}},
        {"name": "n", "type": "number", "constraints": {"minimum": 0, "maximum": 10}},
        {"name": "gc", "type": "integer", "groupChar": ""}]}"#;
    let csv = r#"d,g,ga,go,j,tj,t,n,gc
P1Y2M3DT4H5M6S,"2.35, 48.85","[2.35, 48.85]","{""lon"": 2.35, ""lat"": 48.85}","{""type"": ""Point"", ""coordinates"": [2.35, 48.85]}","{""type"": ""Topology"", ""objects"": {}, ""arcs"": []}",12:00:00Z,5,1000
PT0.5S,"-180,-90","[180, 90]","{""lat"": 0, ""lon"": 0}","{""type"": ""Feature"", ""geometry"": null, ""properties"": null}","{""type"": ""Point"", ""coordinates"": [1, 2, 3]}",15:00:00+03:00,INF,7
P,"181, 0","[1, 2, 3]","{""lon"": 1}","{""type"": ""Point""}","{""type"": ""Point"", ""coordinates"": [1]}",16:00:00Z,NaN,"1,000"
P3W,"0, 91","1, 2","[1, 2]","{""type"": ""LineString"", ""coordinates"": [[1, 2]]}","{""type"": ""Topology"", ""objects"": [], ""arcs"": []}",15:00:00+05:00,-1,-5
"#;
    let mut expected = vec![at("constraint-error", 3, Some(8))];
    expected.extend((1..=6).map(|c| at("type-error", 4, Some(c))));
    expected.extend([
        at("constraint-error", 4, Some(7)),
        at("constraint-error", 4, Some(8)),
        at("constraint-error", 4, Some(8)),
        at("type-error", 4, Some(9)),
    ]);
    expected.extend((2..=6).map(|c| at("type-error", 5, Some(c))));
    expected.push(at("constraint-error", 5, Some(8)));
    assert_eq!(codes(schema, csv), expected);
}

/// Durations and geopoints as keys: the same value written two ways repeats.
#[test]
fn durations_and_geopoints_repeat_by_value() {
    let schema =
        r#"{"fields": [{"name": "d", "type": "duration", "constraints": {"unique": true}}]}"#;
    assert_eq!(
        codes(schema, "d\nP1D\nPT24H\n"),
        [at("unique-error", 3, Some(1))]
    );
    let schema =
        r#"{"fields": [{"name": "g", "type": "geopoint", "constraints": {"unique": true}}]}"#;
    assert_eq!(
        codes(schema, "g\n\"1, 2\"\n\"1.0,2\"\n"),
        [at("unique-error", 3, Some(1))]
    );
    let schema = r#"{"fields": [{"name": "d", "type": "duration",
                     "constraints": {"enum": ["PT24H", "P1Y"]}}]}"#;
    assert_eq!(
        codes(schema, "d\nP1D\nPT24H\nP12M\nP2D\n"),
        [at("constraint-error", 5, Some(1))]
    );
}

/// A column beyond the schema is an `extra-label`, blank or repeating another label (it
/// was a `duplicate-label` or a `blank-label`), as frictionless-py reports it.
#[test]
fn a_column_beyond_the_schema_is_an_extra_label_whatever_its_label() {
    // frictionless-py also gives an `extra-cell` per row for each cell beyond the schema;
    // watt counts a row's cells against the header (a difference left to the rows' side).
    let labels = |schema: &str, csv: &str| {
        let mut c = codes(schema, csv);
        c.retain(|(code, ..)| code.ends_with("-label"));
        c
    };
    let schema = r#"{"fields": [{"name": "a"}, {"name": "b"}]}"#;
    assert_eq!(
        labels(schema, "a,b,a\n1,2,3\n"),
        [at("extra-label", 1, Some(3))]
    );
    assert_eq!(
        labels(schema, "a,b,b,c,c\n1,2,3,4,5\n"),
        [
            at("extra-label", 1, Some(3)),
            at("extra-label", 1, Some(4)),
            at("extra-label", 1, Some(5)),
        ]
    );
    assert_eq!(
        labels(schema, "a,b,,\n1,2,3,4\n"),
        [at("extra-label", 1, Some(3)), at("extra-label", 1, Some(4))]
    );
    let report = check(&Schema::from_json(schema).unwrap(), b"a,b,a\n1,2,3\n");
    assert_eq!(
        report.findings[0].message,
        "column 3 is not in the schema (it has 2 fields); its label repeats column 1"
    );
    // Within the schema, a repeat is a duplicate-label.
    let four = r#"{"fields": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]}"#;
    assert_eq!(
        codes(four, "a,b,a,a\n1,2,3,4\n"),
        [
            at("duplicate-label", 1, Some(3)),
            at("duplicate-label", 1, Some(4))
        ]
    );
}

/// Labels are read trimmed, as frictionless-py reads them: `" a"` is the label of `a`,
/// `"a "` repeats `a`, `" "` is blank; a case difference is an `incorrect-label` whose
/// message says so.
#[test]
fn labels_are_trimmed_and_a_case_difference_is_named() {
    let schema = r#"{"fields": [{"name": "a"}, {"name": "b"}]}"#;
    assert_eq!(
        codes(schema, " a,B\n1,2\n"),
        [at("incorrect-label", 1, Some(2))]
    );
    assert_eq!(
        codes(schema, "A ,b\n1,2\n"),
        [at("incorrect-label", 1, Some(1))]
    );
    assert_eq!(codes(schema, "a, \n1,2\n"), [at("blank-label", 1, Some(2))]);
    assert_eq!(
        codes(schema, "a,a \n1,2\n"),
        [at("duplicate-label", 1, Some(2))]
    );
    assert_eq!(
        codes(
            r#"{"fields": [{"name": "a"}, {"name": "b c"}]}"#,
            "a,\"b\nc\"\n1,2\n"
        ),
        []
    );
    let messages = |schema: &str, csv: &str| -> Vec<String> {
        let s = Schema::from_json(schema).unwrap();
        check(&s, csv.as_bytes())
            .findings
            .into_iter()
            .map(|f| f.message)
            .collect()
    };
    assert_eq!(
        messages(schema, "A ,B\n1,2\n"),
        [
            "column 1 label \"A\" differs from the field name \"a\" only by letter case and surrounding spaces",
            "column 2 label \"B\" differs from the field name \"b\" only by letter case",
        ]
    );
    assert_eq!(
        messages(schema, "a,x\n1,2\n"),
        ["column 2 label differs from the field name \"b\""]
    );
    // A field declared personal: its label is not quoted, even in other case.
    let personal = r#"{"fields": [{"name": "holder",
        "gdpr": {"category": "direct-identifier", "action": "drop"}}]}"#;
    assert_eq!(
        messages(personal, "HOLDER\nx\n"),
        ["column 1 label differs from the field name \"holder\" only by letter case"]
    );
}

/// A finding's code, row number and field number.
type Where = (String, Option<u64>, Option<usize>);

/// `(code, row, field number)` of every finding, and the row count, for `data` checked
/// whole and cut at every byte (with `dialect`).
fn findings_everywhere(
    schema: &Schema,
    dialect: crate::DialectOptions,
    data: &[u8],
) -> (Vec<Where>, u64) {
    let options = Options {
        dialect,
        ..Options::default()
    };
    let whole = check_chunked(schema, options.clone(), data, &[]);
    let summary = |r: &Report| {
        let f = r.findings.iter();
        let f = f.map(|f| (f.code.as_str().to_owned(), f.row_number, f.field_number));
        (f.collect::<Vec<_>>(), r.stats.rows)
    };
    for cut in 0..=data.len() {
        let cut_report = check_chunked(schema, options.clone(), data, &[cut]);
        assert_eq!(summary(&cut_report), summary(&whole), "cut at {cut}");
    }
    summary(&whole)
}

/// Blank lines are `blank-row`s numbered as frictionless-py 5.18.1 numbers them (each line
/// break beyond the last record's is a blank row, a quoted cell over lines is one row), with
/// the `primary-key` it reports for a blank row; each expectation below is what
/// `frictionless validate` gives for the same text and schema. Before, a blank line was
/// skipped: the first file passed and later rows were numbered one lower.
#[test]
fn blank_lines_are_blank_rows_numbered_as_frictionless() {
    let schema =
        Schema::from_json(r#"{"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}"#)
            .expect("schema");
    let keyed = Schema::from_json(
        r#"{"fields": [{"name": "a", "type": "integer"}, {"name": "b"}], "primaryKey": ["a"]}"#,
    )
    .expect("schema");
    let f = |code: &str, row: u64, field: Option<usize>| (code.to_owned(), Some(row), field);
    let blank = |row| f("blank-row", row, None);
    let cases: Vec<(&Schema, &str, Vec<_>, u64)> = vec![
        (&schema, "a,b\n1,x\n\n2,y\n", vec![blank(3)], 3),
        (&schema, "a,b\n1,x\n\n2,y\n\n", vec![blank(3), blank(5)], 4),
        (&schema, "a,b\n1,x\n2,y\n\n\n", vec![blank(4), blank(5)], 4),
        (
            &schema,
            "a,b\n1,x\n2,y\n\n\n\n",
            vec![blank(4), blank(5), blank(6)],
            5,
        ),
        (&schema, "a,b\n1,x\n2,y", vec![], 2),
        (&schema, "a,b\n1,x\n2,y\n", vec![], 2),
        (
            &schema,
            "a,b\n1,\"x\ny\"\nz,y\n",
            vec![f("type-error", 3, Some(1))],
            2,
        ),
        (&schema, "a,b\r\n1,x\r\n\r\n2,y\r\n", vec![blank(3)], 3),
        (&schema, "a,b\r1,x\r\r2,y\r", vec![blank(3)], 3),
        (
            &schema,
            "a,b\r\n1,x\r\n\n\r\n2,y\r\n",
            vec![blank(3), blank(4)],
            4,
        ),
        (&schema, "a,b\n1,x\n\"\"\n2,y\n", vec![blank(3)], 3),
        (
            &schema,
            "a,b\n1,x\n  \n2,y\n",
            vec![f("missing-cell", 3, Some(2)), f("type-error", 3, Some(1))],
            3,
        ),
        (
            &keyed,
            "a,b\n1,x\n\n\n2,y\n",
            vec![
                blank(3),
                f("primary-key", 3, None),
                blank(4),
                f("primary-key", 4, None),
            ],
            4,
        ),
    ];
    for (schema, data, want, rows) in cases {
        let (got, got_rows) = findings_everywhere(schema, Default::default(), data.as_bytes());
        let mut got = got;
        let mut want = want;
        // Within a row, the order of codes is not Frictionless'.
        got.sort();
        want.sort();
        assert_eq!((got, got_rows), (want, rows), "{data:?}");
    }
    // Without a header, a blank first line is row 1.
    let no_header = crate::DialectOptions {
        header: Some(false),
        ..Default::default()
    };
    assert_eq!(
        findings_everywhere(&schema, no_header.clone(), b"1,x\n\nz,y\n"),
        (vec![blank(2), f("type-error", 3, Some(1))], 3)
    );
    assert_eq!(
        findings_everywhere(&schema, no_header, b"\n1,x\n"),
        (vec![blank(1)], 2)
    );
    // Blank lines before the header keep their numbers but are no rows (a deliberate
    // difference: frictionless takes the first row about as wide as the sample's average
    // for the header, which in a file this small is the blank line itself).
    assert_eq!(
        findings_everywhere(&schema, Default::default(), b"\n\na,b\n1,x\nz,y\n"),
        (vec![f("type-error", 5, Some(1))], 2)
    );
}

/// Each dialect option read as frictionless-py 5.18.1 reads it: the expectations are what
/// `frictionless validate --dialect` gives for the same text, schema and dialect.
#[test]
fn dialect_options_are_read_as_frictionless_reads_them() {
    let schema = |names: [&str; 2]| {
        Schema::from_json(&format!(
            r#"{{"fields": [{{"name": "{}", "type": "integer"}}, {{"name": "{}"}}]}}"#,
            names[0], names[1]
        ))
        .expect("schema")
    };
    let ab = schema(["a", "b"]);
    let dialect = |json: &str| crate::DialectOptions::from_json(json).expect("dialect");
    let f = |code: &str, row: u64, field: Option<usize>| (code.to_owned(), Some(row), field);
    let type_error = |row| f("type-error", row, Some(1));
    let cases: Vec<(Schema, &str, &str, Vec<_>, u64)> = vec![
        (
            ab.clone(),
            r#"{"skipInitialSpace": true}"#,
            "a, b\n1, \"x,y\"\n2,  z\n3, \n4, \"q\"\"r\"\n",
            vec![],
            4,
        ),
        (
            ab.clone(),
            r#"{"escapeChar": "\\"}"#,
            "a,b\n1,\"x\\\"y\"\n",
            vec![],
            1,
        ),
        (
            ab.clone(),
            r#"{"escapeChar": "\\", "doubleQuote": false}"#,
            "a,b\n1,\"x\\\"y\"\n",
            vec![],
            1,
        ),
        // Without an escape character, quotes are read doubled whatever doubleQuote says.
        (
            ab.clone(),
            r#"{"doubleQuote": false}"#,
            "a,b\n1,\"x\"\"y\"\n",
            vec![],
            1,
        ),
        (
            ab.clone(),
            r#"{"quoteChar": "'"}"#,
            "a,b\n1,'x,y'\n",
            vec![],
            1,
        ),
        (
            ab.clone(),
            r#"{"delimiter": ";"}"#,
            "a;b\n1;x\nz;y\n",
            vec![type_error(3)],
            2,
        ),
        // A comment row keeps its number; a quoted first cell is read before it is
        // compared, and a comment may span lines.
        (
            ab.clone(),
            r##"{"commentChar": "#"}"##,
            "a,b\n1,x\n\"#a\nb\",q\nz,y\n",
            vec![type_error(4)],
            2,
        ),
        (
            ab.clone(),
            r##"{"commentChar": "#"}"##,
            "a,b\n#c\n\n1,x\nz,y\n",
            vec![f("blank-row", 3, None), type_error(5)],
            3,
        ),
        (
            ab.clone(),
            r##"{"commentChar": "#"}"##,
            "# exported\na,b\n1,x\nz,q\n",
            vec![type_error(4)],
            2,
        ),
        (
            ab.clone(),
            r##"{"commentChar": "#", "header": false}"##,
            "#c\n1,x\nz,y\n",
            vec![type_error(3)],
            2,
        ),
        (
            schema(["a c", "b d"]),
            r#"{"headerRows": [1, 2]}"#,
            "a,b\nc,d\n1,x\nz,y\n",
            vec![type_error(4)],
            2,
        ),
        (
            schema(["a-c", "b-d"]),
            r#"{"headerRows": [1, 2], "headerJoin": "-"}"#,
            "a,b\nc,d\n1,x\nz,y\n",
            vec![type_error(4)],
            2,
        ),
        // A label over two columns (merged cells) is not repeated.
        (
            schema(["a", "b d"]),
            r#"{"headerRows": [1, 2]}"#,
            "a,b\na,d\n1,x\nz,y\n",
            vec![type_error(4)],
            2,
        ),
        (
            ab.clone(),
            r#"{"headerRows": [2]}"#,
            "x,y\na,b\n1,x\nz,y\n",
            vec![type_error(4)],
            2,
        ),
        (
            schema(["a c", "b d"]),
            r#"{"headerRows": [1, 3]}"#,
            "a,b\n\nc,d\n1,x\n",
            vec![],
            1,
        ),
        // Frictionless gives a label finding no row; watt names the last header row.
        (
            schema(["a c", "b x"]),
            r#"{"headerRows": [1, 2]}"#,
            "a,b\nc,d\n1,x\n",
            vec![f("incorrect-label", 2, Some(2))],
            1,
        ),
        (
            schema(["a c", "b d"]),
            r#"{"header": false, "headerRows": [1, 2]}"#,
            "a,b\nc,d\n1,x\n",
            vec![type_error(1), type_error(2)],
            3,
        ),
    ];
    for (schema, json, data, want, rows) in cases {
        let got = findings_everywhere(&schema, dialect(json), data.as_bytes());
        assert_eq!(got, (want, rows), "{json} {data:?}");
    }
}
