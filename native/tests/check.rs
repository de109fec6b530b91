//! `watt check` driven as a user would, asserting the JSON report and the exit codes.

mod common;

use std::time::{Duration, SystemTime};

use common::{SCHEMA, VALID_CSV, Workdir, counts, energy_schema, has_key};
use serde_json::{Value, json};

/// An invalid file for [`SCHEMA`]: one error of each kind the assertions look for.
const INVALID_CSV: &str = "prm,timestamp,kwh,city,comment\n\
    01234567890123,2024-01-15T08:00:00+01:00,abc,Lyon,RAS\n\
    0123456789012,2024-01-15T09:00:00+01:00,-1,Lyon,\n\
    01234567890123,15 janvier,2,Lyon,\n";

fn offset(haystack: &str, needle: &str) -> u64 {
    haystack.find(needle).expect("the needle is in the file") as u64
}

/// Text as Windows-1252 bytes (every character of the test texts is in Latin-1).
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

#[test]
fn a_valid_file_exits_0_with_a_valid_report() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", VALID_CSV);
    let (code, report) = w.check_json("data.csv", "schema.json", &[]);
    assert_eq!(code, 0);
    assert_eq!(report["valid"], true);
    assert_eq!(report["findingsTotal"], 0);
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["truncated"], false);
    assert_eq!(
        report["stats"],
        json!({"rows": 3, "bytes": VALID_CSV.len(), "columns": 5})
    );
    assert_eq!(report["dialect"]["delimiter"], ",");
    assert_eq!(report["dialect"]["header"], true);
    assert_eq!(report["encoding"], json!({"name": "utf-8", "bom": false}));
    assert_eq!(report["watt"], watt_core::VERSION);
    assert_eq!(counts(&report), []);
    assert_eq!(
        report["errorCounts"].as_object().map(|m| m.len()),
        Some(watt_core::ErrorCode::ALL.len()),
        "every code is counted, zero or not"
    );
}

#[test]
fn type_and_constraint_errors_exit_1_with_rows_fields_and_messages() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", INVALID_CSV);
    let (code, report) = w.check_json("data.csv", "schema.json", &[]);
    assert_eq!(code, 1);
    assert_eq!(report["valid"], false);
    assert_eq!(
        counts(&report),
        [
            ("constraint-error".to_owned(), 2),
            ("type-error".to_owned(), 2)
        ]
    );
    assert_eq!(report["findingsTotal"], 4);
    assert_eq!(
        report["findings"],
        json!([
            {"code": "type-error", "rowNumber": 2, "fieldName": "kwh", "fieldNumber": 3,
             "byte": offset(INVALID_CSV, "abc"), "message": "not a number"},
            {"code": "constraint-error", "rowNumber": 3, "fieldName": "prm", "fieldNumber": 1,
             "byte": offset(INVALID_CSV, "0123456789012,"),
             "message": "does not match pattern [0-9]{14}"},
            {"code": "constraint-error", "rowNumber": 3, "fieldName": "kwh", "fieldNumber": 3,
             "byte": offset(INVALID_CSV, ",-1,") + 1, "message": "below minimum 0"},
            {"code": "type-error", "rowNumber": 4, "fieldName": "timestamp", "fieldNumber": 2,
             "byte": offset(INVALID_CSV, "15 janvier"),
             "message": "not a datetime (expected ISO 8601, e.g. 2024-01-31T08:30:00+01:00)"}
        ])
    );
}

#[test]
fn the_json_is_the_core_report_and_nothing_more() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", INVALID_CSV);
    let (_, cli) = w.check_json("data.csv", "schema.json", &[]);
    let schema = watt_core::Schema::from_json(SCHEMA).expect("the test schema loads");
    let mut checker = watt_core::Checker::new(&schema, watt_core::Options::default());
    checker.push(INVALID_CSV.as_bytes());
    let core = serde_json::to_value(checker.finish()).expect("a report serialises");
    assert_eq!(cli, core);
}

#[test]
fn a_french_excel_export_is_valid_with_the_default_options() {
    let csv = "\u{feff}prm;customer_id;full_name;email;phone;address;postcode;city;timestamp;kwh;contract_type;comment\r\n\
        01234567890123;C0000001;Jeanne Martin;jeanne.martin@exemple.fr;06 12 34 56 78;1 rue de la Paix;75002;Paris;2024-01-15T08:00:00+01:00;1,25;BASE;RAS\r\n\
        01234567890123;C0000001;Jeanne Martin;jeanne.martin@exemple.fr;06 12 34 56 78;1 rue de la Paix;75002;Paris;2024-01-15T09:00:00+01:00;0,5;BASE;\"relevé estimé; compteur changé\"\r\n\
        09876543210987;C0000002;Paul Durand;;+33 6 98 76 54 32;2 place Bellecour;69002;Lyon;2024-01-15T08:00:00+01:00;12;HPHC;\r\n";
    let w = Workdir::new();
    w.write("export.csv", csv);
    let schema = energy_schema();
    let schema = schema.to_str().expect("a UTF-8 path");
    let (code, report) = w.check_json("export.csv", schema, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["valid"], true);
    assert_eq!(report["stats"]["rows"], 3);
    assert_eq!(report["stats"]["columns"], 12);
    let d = &report["dialect"];
    assert_eq!(
        (&d["delimiter"], &d["decimalChar"], &d["lineTerminator"]),
        (&json!(";"), &json!(","), &json!("\r\n"))
    );
    assert_eq!(report["encoding"]["bom"], true);
}

#[test]
fn a_latin_1_file_gets_encoding_errors_and_a_hint_then_reads_with_the_option() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let bytes = latin1(VALID_CSV);
    w.write("latin.csv", &bytes);
    let (code, report) = w.check_json("latin.csv", "schema.json", &[]);
    assert_eq!(code, 1);
    assert_eq!(counts(&report), [("encoding-error".to_owned(), 2)]);
    assert_eq!(report["encoding"]["probable"], "iso-8859-1");
    let f = &report["findings"][0];
    assert_eq!(
        (&f["rowNumber"], &f["fieldName"], &f["fieldNumber"]),
        (&json!(4), &json!("city"), &json!(4))
    );
    let e_acute = bytes
        .iter()
        .position(|b| *b == 0xE9)
        .expect("the file has an é");
    assert_eq!(f["byte"], e_acute);
    assert_eq!(
        f["message"],
        "invalid UTF-8; the file looks like iso-8859-1 (read it as iso-8859-1)"
    );
    assert_eq!(report["findings"][1]["fieldName"], "comment");

    let (code, stdout, _) = w.run(&["check", "latin.csv", "--schema", "schema.json"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "hint: the file is not valid UTF-8; it looks like iso-8859-1: check it again with --encoding iso-8859-1"
        ),
        "{stdout}"
    );

    let (code, report) = w.check_json("latin.csv", "schema.json", &["--encoding", "iso-8859-1"]);
    assert_eq!(code, 0);
    assert_eq!(report["valid"], true);
    assert_eq!(
        report["encoding"],
        json!({"name": "windows-1252", "bom": false})
    );
}

#[test]
fn a_missing_schema_exits_2_naming_the_path() {
    let w = Workdir::new();
    w.write("data.csv", VALID_CSV);
    let (code, stdout, stderr) = w.run(&["check", "data.csv", "--schema", "nowhere.json"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "watt: error: cannot read schema nowhere.json: No such file or directory (os error 2)\n"
    );
}

#[test]
fn a_malformed_schema_exits_2_naming_the_field() {
    let w = Workdir::new();
    w.write("data.csv", VALID_CSV);
    w.write(
        "schema.json",
        SCHEMA.replace(r#""minimum": 0"#, r#""minimun": 0"#),
    );
    let (code, stdout, stderr) = w.run(&["check", "data.csv", "--schema", "schema.json"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with(
            "watt: error: schema schema.json is invalid: field \"kwh\" (#3): unknown constraint \"minimun\""
        ),
        "{stderr}"
    );
    w.write("broken.json", "{\"fields\": [\n  {\"name\": \"a\",}\n]}");
    let (code, _, stderr) = w.run(&["check", "data.csv", "--schema", "broken.json"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "watt: error: schema broken.json is invalid: schema is not valid JSON (line 2, column 16): trailing comma\n"
    );
}

#[test]
fn an_unreadable_data_file_exits_2_naming_the_path() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let (code, stdout, stderr) = w.run(&["check", "absent.csv", "--schema", "schema.json"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "watt: error: cannot read absent.csv: No such file or directory (os error 2)\n"
    );
    std::fs::create_dir(w.path("folder")).expect("a directory");
    let (code, _, stderr) = w.run(&["check", "folder", "--schema", "schema.json"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "watt: error: cannot read folder: Is a directory (os error 21)\n"
    );
}

#[test]
fn bad_usage_exits_2() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", VALID_CSV);
    let (code, stdout, stderr) = w.run(&["check", "data.csv"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("--schema <SCHEMA>"), "{stderr}");
    let (code, _, stderr) = w.run(&[
        "check",
        "data.csv",
        "--schema",
        "schema.json",
        "--encoding",
        "ebcdic",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "unknown encoding \"ebcdic\"; watt reads utf-8, windows-1252 (latin1, iso-8859-1), iso-8859-15 (latin9), iso-8859-7 (greek), utf-16le (utf-16), utf-16be, auto (detected from the first 64 KiB)"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&[
        "check",
        "data.csv",
        "--schema",
        "schema.json",
        "--delimiter",
        ";;",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--delimiter"), "{stderr}");
    let (code, _, _) = w.run(&[
        "check",
        "data.csv",
        "--schema",
        "schema.json",
        "--format",
        "xml",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn max_findings_truncates_the_list_not_the_counts() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let mut csv = String::from("prm,timestamp,kwh,city,comment\n");
    for hour in 0..5 {
        csv.push_str(&format!(
            "01234567890123,2024-01-15T0{hour}:00:00Z,n/a,Lyon,\n"
        ));
    }
    w.write("data.csv", &csv);
    let (code, report) = w.check_json("data.csv", "schema.json", &["--max-findings", "2"]);
    assert_eq!(code, 1);
    assert_eq!(report["truncated"], true);
    assert_eq!(report["findingsTotal"], 5);
    assert_eq!(counts(&report), [("type-error".to_owned(), 5)]);
    let rows: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| &f["rowNumber"])
        .collect();
    assert_eq!(rows, [&json!(2), &json!(3)]);
}

#[test]
fn values_appear_only_with_show_values() {
    const PLANTED: &str = "PLANTED-SECRET-42";
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let csv = format!(
        "prm,timestamp,kwh,city,comment\n01234567890123,2024-01-15T08:00:00Z,{PLANTED},Lyon,\n"
    );
    w.write("data.csv", &csv);

    for format in ["json", "text"] {
        let (code, stdout, stderr) = w.run(&[
            "check",
            "data.csv",
            "--schema",
            "schema.json",
            "--format",
            format,
        ]);
        assert_eq!(code, 1);
        assert!(!stdout.contains(PLANTED), "{format}: {stdout}");
        assert!(!stderr.contains(PLANTED), "{format}: {stderr}");
    }
    let (_, report) = w.check_json("data.csv", "schema.json", &[]);
    assert!(!has_key(&report, "cell"), "{report:#}");
    assert_eq!(report["findings"][0]["message"], "not a number");

    let (code, report) = w.check_json("data.csv", "schema.json", &["--show-values"]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["cell"], PLANTED);
    assert_eq!(report["findings"][0]["message"], "not a number");
    let (_, stdout, _) = w.run(&[
        "check",
        "data.csv",
        "--schema",
        "schema.json",
        "--show-values",
    ]);
    assert!(
        stdout.contains(&format!("not a number (value \"{PLANTED}\")")),
        "{stdout}"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", INVALID_CSV);
    let (_, from_file) = w.check_json("data.csv", "schema.json", &[]);
    let out = w
        .watt(&["check", "-", "--schema", "schema.json", "--format", "json"])
        .write_stdin(INVALID_CSV)
        .output()
        .expect("watt runs");
    assert_eq!(out.status.code(), Some(1));
    let from_stdin: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(from_stdin, from_file);
    assert_eq!(from_stdin["findingsTotal"], 4);
}

#[test]
fn the_source_file_is_left_untouched() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let path = w.write("data.csv", INVALID_CSV);
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(past))
        .expect("the mtime is set");
    for args in [&["--format", "json"][..], &["--show-values"][..]] {
        let mut all = vec!["check", "data.csv", "--schema", "schema.json"];
        all.extend_from_slice(args);
        let (code, _, _) = w.run(&all);
        assert_eq!(code, 1);
    }
    let after = std::fs::read(&path).expect("the file is still there");
    assert_eq!(after, INVALID_CSV.as_bytes());
    let mtime = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("an mtime");
    assert_eq!(mtime, past);
}

#[test]
fn a_header_only_file_is_valid_with_a_note() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", "prm,timestamp,kwh,city,comment\n");
    let (code, report) = w.check_json("data.csv", "schema.json", &[]);
    assert_eq!(code, 0);
    assert_eq!(report["stats"]["rows"], 0);
    assert_eq!(
        report["notes"],
        json!(["the file has a header and no data rows"])
    );
}

#[test]
fn key_sets_past_their_memory_budget_go_to_a_temporary_file_and_change_nothing() {
    // 200 000 rows: 3.2 MB of primary keys and as many unique ids, over the 1 MiB budget
    // of `--spill-after 1`. Every 9th row repeats an earlier meter and hour, every 13th an
    // earlier id.
    let w = Workdir::new();
    w.write(
        "schema.json",
        r#"{"fields": [{"name": "id", "type": "integer", "constraints": {"unique": true}},
                       {"name": "meter"}, {"name": "hour", "type": "integer"}],
            "primaryKey": ["meter", "hour"]}"#,
    );
    let mut data = String::from("id,meter,hour\n");
    for i in 0..200_000u64 {
        let id = if i % 13 == 12 { i - 7 } else { i };
        let m = if i % 9 == 8 { i - 3 } else { i };
        data.push_str(&format!("{id},m{m},{}\n", m % 24));
    }
    w.write("data.csv", &data);
    let (code, in_memory) = w.check_json("data.csv", "schema.json", &["--spill-after", "4096"]);
    assert_eq!(code, 1);
    assert_eq!(
        counts(&in_memory),
        [
            ("primary-key".to_owned(), 22_222),
            ("unique-error".to_owned(), 15_384)
        ]
    );
    assert_eq!(in_memory["findings"][0]["rowNumber"], 10);
    let (_, spilled) = w.check_json("data.csv", "schema.json", &["--spill-after", "1"]);
    assert_eq!(spilled, in_memory);
}

/// An endless stream of NUL bytes on standard input ends at its first byte: a binary file
/// is a `source-error` that stops the reading (the check read on forever, counting).
#[test]
fn an_endless_stream_of_nul_bytes_stops_at_the_first() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let zeros = std::fs::File::open("/dev/zero").expect("/dev/zero");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_watt"))
        .current_dir(w.path("."))
        .args(["check", "-", "--schema", "schema.json", "--format", "json"])
        .stdin(zeros)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("watt starts");
    // A limit never reached when the check stops; it fails the test if it does not.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("the child's status").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("watt check is still reading an endless stream of NUL bytes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("watt's output");
    assert_eq!(out.status.code(), Some(1), "ended by itself, exit 1");
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    assert_eq!(counts(&report), [("source-error".to_owned(), 1)]);
    assert_eq!(
        report["findings"][0]["message"],
        "the file holds a NUL byte at offset 0: it is binary, not CSV text"
    );
    assert!(report["stats"]["bytes"].as_u64() < Some(64 << 20));
}

/// 20 MB of blank lines between two rows are 20 M blank rows, as frictionless numbers
/// them: not read as a record longer than 16 MiB ("an unterminated quote", it said), and
/// the rows after them keep their numbers.
#[test]
fn twenty_megabytes_of_blank_lines_are_blank_rows() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let (header, rest) = VALID_CSV.split_once('\n').expect("a header");
    let (first, others) = rest.split_once('\n').expect("a row");
    let mut data = format!("{header}\n{first}\n").into_bytes();
    data.resize(data.len() + (20 << 20), b'\n');
    data.extend(b"\r\n\r\n");
    data.extend(others.as_bytes());
    w.write("blank.csv", &data);
    let (code, report) = w.check_json("blank.csv", "schema.json", &["--max-findings", "2"]);
    assert_eq!(code, 1, "{report}");
    let blank = (20u64 << 20) + 2;
    // SCHEMA has a primary key: frictionless reports each blank row's as well.
    assert_eq!(
        counts(&report),
        [
            ("blank-row".to_owned(), blank),
            ("primary-key".to_owned(), blank)
        ]
    );
    assert_eq!(
        report["stats"],
        json!({"rows": 3 + blank, "bytes": data.len(), "columns": 5})
    );
    assert_eq!(report["findings"][0]["rowNumber"], 3);
    assert_eq!(report["findings"][1]["code"], "primary-key");
    assert_eq!(report["findings"][1]["rowNumber"], 3);
}

/// `--dialect FILE` reads a Frictionless dialect: here a comment row, a semicolon and a
/// blank row, numbered as `frictionless validate --dialect` numbers them (blank-row 4,
/// type-error row 5 field 1, 3 rows).
#[test]
fn a_dialect_file_is_read_as_frictionless_reads_it() {
    let w = Workdir::new();
    w.write(
        "schema.json",
        r#"{"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}"#,
    );
    w.write("data.csv", "# export du 3 d\u{e9}cembre\na;b\n1;x\n\nz;y\n");
    w.write(
        "dialect.json",
        r##"{"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
            "delimiter": ";", "commentChar": "#", "x-exported-by": "ERP"}"##,
    );
    let (code, report) = w.check_json("data.csv", "schema.json", &["--dialect", "dialect.json"]);
    assert_eq!(code, 1, "{report}");
    let found: Vec<(String, u64, Value)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let code = f["code"].as_str().expect("code").to_owned();
            let row = f["rowNumber"].as_u64().expect("row");
            (code, row, f["fieldNumber"].clone())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("blank-row".to_owned(), 4, Value::Null),
            ("type-error".to_owned(), 5, json!(1)),
        ]
    );
    assert_eq!(report["stats"]["rows"], 3);
    assert_eq!(report["dialect"]["delimiter"], ";");
    assert_eq!(report["dialect"]["commentChar"], "#");
    // The same options as flags and in the file, when they agree, are no conflict.
    let (code, _) = w.check_json(
        "data.csv",
        "schema.json",
        &["--dialect", "dialect.json", "--delimiter", ";"],
    );
    assert_eq!(code, 1);
}

/// A dialect that cannot be used is a usage error (exit 2) naming the file and the
/// problem: a typo of a known property, an option the flags give otherwise, a file past
/// the small-file limit, invalid JSON.
#[test]
fn an_unusable_dialect_file_exits_2() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", VALID_CSV);
    w.write("typo.json", r#"{"delimeter": ";"}"#);
    w.write("semicolon.json", r#"{"delimiter": ";"}"#);
    w.write("broken.json", r#"{"delimiter": ";""#);
    w.write(
        "huge.json",
        format!(r#"{{"x": "{}"}}"#, "a".repeat(100 << 10)),
    );
    for (args, says) in [
        (
            &["--dialect", "typo.json"][..],
            "typo.json: dialect: unknown property \"delimeter\"; did you mean \"delimiter\"?",
        ),
        (
            &["--dialect", "semicolon.json", "--delimiter", ","],
            "the delimiter is given twice, as ',' and as ';'",
        ),
        (
            &["--dialect", "broken.json"],
            "broken.json: dialect: invalid JSON at line 1",
        ),
        (
            &["--dialect", "huge.json"],
            "larger than 64 KiB, the most watt reads for a dialect",
        ),
        (
            &["--dialect", "missing.json"],
            "cannot read dialect missing.json",
        ),
    ] {
        let mut all = vec!["check", "data.csv", "-s", "schema.json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = w.run(&all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
