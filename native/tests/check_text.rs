//! Snapshots of `watt check`'s text output (no colour: `NO_COLOR` is set and stdout is a
//! pipe) and of its error messages.

mod common;

use common::{SCHEMA, VALID_CSV, Workdir};

fn text(w: &Workdir, args: &[&str]) -> String {
    let (code, stdout, stderr) = w.run(args);
    format!("exit code: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

#[test]
fn valid_file() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", VALID_CSV);
    insta::assert_snapshot!(text(&w, &["check", "data.csv", "--schema", "schema.json"]));
}

#[test]
fn french_excel_file() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let csv = format!(
        "\u{feff}{}",
        VALID_CSV
            .replace(',', ";")
            .replace("1.25", "1,25")
            .replace("0.5", "0,5")
            .replace('\n', "\r\n")
    );
    w.write("data.csv", csv);
    insta::assert_snapshot!(text(&w, &["check", "data.csv", "--schema", "schema.json"]));
}

#[test]
fn invalid_file_grouped_by_code() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write(
        "data.csv",
        "prm,timestamp,kwh,city,comment\n\
         01234567890123,2024-01-15T08:00:00+01:00,abc,Lyon,RAS\n\
         0123456789012,2024-01-15T09:00:00+01:00,-1,Lyon,\n\
         01234567890123,2024-01-15T08:00:00+01:00,2,Lyon\n\
         01234567890123,15 janvier,,Lyon,,extra\n",
    );
    insta::assert_snapshot!(text(&w, &["check", "data.csv", "--schema", "schema.json"]));
}

#[test]
fn truncated_lists_say_how_many_more() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let mut csv = String::from("prm,timestamp,kwh,city,comment\n");
    for hour in 0..4 {
        csv.push_str(&format!("1234,2024-01-15T0{hour}:00:00Z,n/a,Lyon,\n"));
    }
    w.write("data.csv", csv);
    insta::assert_snapshot!(text(
        &w,
        &[
            "check",
            "data.csv",
            "--schema",
            "schema.json",
            "--max-findings",
            "3"
        ]
    ));
}

#[test]
fn windows_1252_file_gets_a_hint() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    let bytes: Vec<u8> = VALID_CSV
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    w.write("data.csv", bytes);
    insta::assert_snapshot!(text(&w, &["check", "data.csv", "--schema", "schema.json"]));
}

#[test]
fn notes_are_shown() {
    let w = Workdir::new();
    w.write(
        "schema.json",
        SCHEMA.replace(
            r#""primaryKey""#,
            r#""foreignKeys": [{"fields": "prm", "reference": {"resource": "meters", "fields": "prm"}}], "primaryKey""#,
        ),
    );
    w.write("data.csv", "prm,timestamp,kwh,city,comment\n");
    insta::assert_snapshot!(text(&w, &["check", "data.csv", "--schema", "schema.json"]));
}

#[test]
fn empty_file() {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", "");
    insta::assert_snapshot!(text(&w, &["check", "data.csv", "--schema", "schema.json"]));
}

#[test]
fn errors_go_to_stderr() {
    let w = Workdir::new();
    w.write("data.csv", VALID_CSV);
    w.write(
        "bad.json",
        r#"{"fields": [{"name": "kwh", "type": "numbr"}]}"#,
    );
    insta::assert_snapshot!(format!(
        "{}\n{}",
        text(&w, &["check", "data.csv", "--schema", "missing.json"]),
        text(&w, &["check", "data.csv", "--schema", "bad.json"])
    ));
}
