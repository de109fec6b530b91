//! `watt schema infer` driven as a user would: the draft loads with the core and the file
//! it was inferred from checks as valid against it, however its later rows differ from
//! its first ones.

mod common;

use common::{VALID_CSV, Workdir};
use serde_json::{Value, json};

/// Energy readings with the columns of the real schema, in a French Excel export.
fn french_export(rows: usize) -> String {
    let mut csv = String::from(
        "\u{feff}prm;customer_id;full_name;email;code_postal;horodatage;kwh;contract_type;commentaire\r\n",
    );
    for i in 0..rows {
        csv.push_str(&format!(
            "{:014};C{:07};Client {i};client{i}@exemple.fr;{:05};2024-01-15T{:02}:00:00+01:00;{},{};{};{}\r\n",
            10_000_000_000_000u64 + i as u64,
            i,
            1000 + i,
            i % 24,
            i % 7,
            i % 10,
            ["BASE", "HPHC", "TEMPO"][i % 3],
            if i % 5 == 0 { "relevé estimé" } else { "" },
        ));
    }
    csv
}

fn infer(w: &Workdir, args: &[&str]) -> Value {
    let mut all = vec!["schema", "infer"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = w.run(&all);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    serde_json::from_str(&stdout).expect("stdout is the schema, as JSON")
}

fn field<'a>(schema: &'a Value, name: &str) -> &'a Value {
    schema["fields"]
        .as_array()
        .expect("fields is an array")
        .iter()
        .find(|f| f["name"] == name)
        .expect("the field is in the draft")
}

#[test]
fn the_draft_of_a_french_export_loads_and_the_file_checks_valid() {
    let w = Workdir::new();
    w.write("export.csv", french_export(30));
    let draft = infer(&w, &["export.csv"]);
    assert_eq!(
        field(&draft, "prm"),
        &json!({"name": "prm", "type": "string",
                "description": "gdpr category direct-identifier suggested from the column name; action drop is the most protective default: review both",
                "constraints": {"required": true, "pattern": "[0-9]{14}"},
                "gdpr": {"category": "direct-identifier", "action": "drop"}})
    );
    assert_eq!(field(&draft, "customer_id")["type"], "string");
    assert_eq!(
        field(&draft, "customer_id")["constraints"]["pattern"],
        "C[0-9]{7}"
    );
    assert_eq!(field(&draft, "email")["format"], "email");
    assert_eq!(
        field(&draft, "code_postal")["constraints"]["pattern"],
        "[0-9]{5}"
    );
    assert_eq!(field(&draft, "horodatage")["type"], "datetime");
    assert_eq!(field(&draft, "kwh")["type"], "number");
    assert_eq!(field(&draft, "kwh")["decimalChar"], ",");
    assert_eq!(
        field(&draft, "contract_type")["constraints"],
        json!({"required": true, "enum": ["BASE", "HPHC", "TEMPO"]})
    );
    assert_eq!(
        field(&draft, "commentaire")["gdpr"]["category"],
        "free-text"
    );
    assert!(field(&draft, "commentaire").get("constraints").is_none());

    let text = serde_json::to_string(&draft).expect("JSON");
    watt_core::Schema::from_json(&text).expect("the draft loads with the core");
    w.write("draft.json", &text);
    let (code, report) = w.check_json("export.csv", "draft.json", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["valid"], true);
    assert_eq!(report["stats"]["rows"], 30);
}

#[test]
fn output_file_and_summary_on_stderr() {
    let w = Workdir::new();
    w.write("data.csv", VALID_CSV);
    let (code, stdout, stderr) = w.run(&["schema", "infer", "data.csv", "-o", "draft.json"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "watt: wrote a draft schema of 5 fields, inferred from all 3 data rows, to draft.json: review it before use\n"
    );
    let text = std::fs::read_to_string(w.path("draft.json")).expect("the draft is written");
    assert!(text.ends_with("}\n"));
    let schema = watt_core::Schema::from_json(&text).expect("the draft loads");
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["prm", "timestamp", "kwh", "city", "comment"]);
    let (code, _, _) = w.run(&["check", "data.csv", "--schema", "draft.json"]);
    assert_eq!(code, 0);
}

#[test]
fn rows_limits_the_sample() {
    let w = Workdir::new();
    w.write("data.csv", "n\n1\n2\n3.5\n");
    assert_eq!(field(&infer(&w, &["data.csv"]), "n")["type"], "number");
    let draft = infer(&w, &["data.csv", "--rows", "2"]);
    assert_eq!(field(&draft, "n")["type"], "integer");
    assert!(
        draft["description"]
            .as_str()
            .is_some_and(|d| d.contains("from the first 2 data rows")),
        "{draft:#}"
    );
    let (code, _, stderr) = w.run(&["schema", "infer", "data.csv", "--rows", "0"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("at least 1"), "{stderr}");
}

#[test]
fn a_headerless_file_gets_numbered_fields() {
    let w = Workdir::new();
    let csv = "01234567890123,2024-01-15T08:00:00Z,1.5\n01234567890124,2024-01-15T09:00:00Z,2\n";
    w.write("data.csv", csv);
    let draft = infer(&w, &["data.csv"]);
    let names: Vec<&Value> = draft["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| &f["name"])
        .collect();
    assert_eq!(
        names,
        [&json!("field1"), &json!("field2"), &json!("field3")]
    );
    w.write("draft.json", serde_json::to_string(&draft).expect("JSON"));
    let (code, report) = w.check_json("data.csv", "draft.json", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["dialect"]["header"], false);
    assert_eq!(report["stats"]["rows"], 2);
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let w = Workdir::new();
    w.write("data.csv", VALID_CSV);
    let from_file = infer(&w, &["data.csv"]);
    let out = w
        .watt(&["schema", "infer", "-"])
        .write_stdin(VALID_CSV)
        .output()
        .expect("watt runs");
    assert_eq!(out.status.code(), Some(0));
    let from_stdin: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(from_stdin, from_file);
}

#[test]
fn errors_exit_2_without_values() {
    let w = Workdir::new();
    w.write("empty.csv", "");
    let (code, stdout, stderr) = w.run(&["schema", "infer", "empty.csv"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "watt: error: cannot infer a schema from empty.csv: the file is empty: there is no header or row to infer a schema from\n"
    );

    let latin: Vec<u8> = "ville\nOrléans\n"
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    w.write("latin.csv", &latin);
    let (code, _, stderr) = w.run(&["schema", "infer", "latin.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "watt: error: cannot infer a schema from latin.csv: row 2 is not valid UTF-8; the file looks like iso-8859-1 (read it as iso-8859-1)\n"
    );
    assert!(!stderr.contains("Orl"));
    let draft = infer(&w, &["latin.csv", "--encoding", "iso-8859-1"]);
    assert_eq!(
        field(&draft, "ville")["gdpr"]["category"],
        "quasi-identifier"
    );

    let (code, _, stderr) = w.run(&["schema", "infer", "absent.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "watt: error: cannot read absent.csv: No such file or directory (os error 2)\n"
    );
}

#[test]
fn the_input_is_never_overwritten() {
    let w = Workdir::new();
    w.write("data.csv", VALID_CSV);
    let (code, _, stderr) = w.run(&["schema", "infer", "data.csv", "-o", "./data.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "watt: error: refusing to write the draft schema to ./data.csv: it is the data file (data.csv), which watt only reads\n"
    );
    assert_eq!(
        std::fs::read_to_string(w.path("data.csv")).expect("still there"),
        VALID_CSV
    );
}

/// A contract holder's name, repeated over the meter's readings, is not a vocabulary: the
/// draft has no `enum` of people's names (it had one, and every finding of a check against
/// it then listed them), by the column's name or by its values; and a finding of a field
/// declared personal never lists its `enum`'s values.
#[test]
fn names_never_become_an_enum_nor_appear_in_findings() {
    let w = Workdir::new();
    let holders = ["Jeanne Martin", "Karim Benali", "Élodie Le Gall"];
    let mut csv = String::from("titulaire,signataire_du_releve,tarif\n");
    for i in 0..60 {
        let holder = holders[i % 3];
        csv.push_str(&format!("{holder},{holder},{}\n", ["BASE", "HPHC"][i % 2]));
    }
    w.write("holders.csv", &csv);
    let draft = infer(&w, &["holders.csv"]);
    let text = draft.to_string();
    for holder in holders {
        assert!(!text.contains(holder), "{text}");
    }
    assert_eq!(
        field(&draft, "titulaire")["gdpr"]["category"],
        "direct-identifier"
    );
    assert!(
        field(&draft, "signataire_du_releve")["constraints"]
            .get("enum")
            .is_none()
    );
    assert_eq!(
        field(&draft, "tarif")["constraints"]["enum"],
        json!(["BASE", "HPHC"])
    );

    // A schema that does list names, for a field declared personal: the finding counts
    // the allowed values, it does not quote them.
    w.write(
        "named.schema.json",
        r#"{"fields": [
            {"name": "titulaire", "constraints": {"enum": ["Jeanne Martin", "Karim Benali"]},
             "gdpr": {"category": "direct-identifier", "action": "drop"}},
            {"name": "signataire_du_releve"},
            {"name": "tarif", "constraints": {"enum": ["BASE", "HPHC"]},
             "gdpr": {"category": "non-personal", "action": "keep"}}
        ]}"#,
    );
    w.write(
        "other.csv",
        "titulaire,signataire_du_releve,tarif\nPaul Durand,x,EJP\n",
    );
    let (code, stdout, _) = w.run(&["check", "other.csv", "-s", "named.schema.json"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("not one of the 2 allowed values"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Jeanne") && !stdout.contains("Karim"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not one of the allowed values (BASE, HPHC)"),
        "{stdout}"
    );
}

/// Infers a draft of `file` to `draft.json`, checks `file` against it, and returns the
/// draft and the check's report.
fn infer_then_check(w: &Workdir, file: &str, args: &[&str]) -> (Value, i32, Value) {
    let mut all = vec![file];
    all.extend_from_slice(args);
    let draft = infer(w, &all);
    w.write(
        "draft.json",
        serde_json::to_string(&draft).expect("the draft serialises"),
    );
    let (code, report) = w.check_json(file, "draft.json", args);
    (draft, code, report)
}

/// The samples shipped with watt check valid against the draft inferred from them.
#[test]
fn the_draft_of_each_bundled_sample_passes_on_it() {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&samples).expect("data/samples is there") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let w = Workdir::new();
        w.write(
            "sample.csv",
            std::fs::read(&path).expect("the sample reads"),
        );
        let (draft, code, report) = infer_then_check(&w, "sample.csv", &[]);
        assert_eq!(
            (code, &report["valid"]),
            (0, &json!(true)),
            "{}: {report:#}\n{draft:#}",
            path.display()
        );
        let rows = report["stats"]["rows"].as_u64().expect("a row count");
        assert!(rows > 300, "{}: {rows} rows", path.display());
        assert!(
            draft["description"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("from all {rows} data rows"))),
            "{draft:#}"
        );
        seen += 1;
    }
    assert_eq!(seen, 2, "both samples were tried");
}

/// 3000 rows whose first 1500 have two contract types, whole kWh, five-digit codes and
/// ISO dates; the later ones add a third contract type (after the first thousand rows a
/// draft used to be inferred from), decimal kWh, a four-digit code with a leading zero and
/// a day-first date. The draft covers them all, and the file checks valid against it
/// (it failed 1500 rows on the enum, and the widened columns on types).
#[test]
fn later_rows_that_add_enum_values_and_widen_types_still_pass() {
    let w = Workdir::new();
    let mut csv = String::from("tarif,kwh,code,jour,etat\n");
    for i in 0..3000 {
        let late = i >= 1500;
        let tarif = match (late, i % 3) {
            (true, 0) => "TEMPO",
            (_, n) if n % 2 == 0 => "BASE",
            _ => "HPHC",
        };
        let kwh = if late && i % 7 == 0 {
            format!("{}.5", i % 9)
        } else {
            (i % 9).to_string()
        };
        let code = if i == 2999 {
            "0123".to_owned()
        } else {
            format!("{}", 10_000 + i)
        };
        let jour = if i == 2500 {
            "15/01/2024".to_owned()
        } else {
            format!("2024-01-{:02}", 1 + i % 28)
        };
        let etat = if i == 2998 { "" } else { "ok" };
        csv.push_str(&format!("{tarif},{kwh},{code},{jour},{etat}\n"));
    }
    w.write("drift.csv", &csv);
    let (draft, code, report) = infer_then_check(&w, "drift.csv", &[]);
    assert_eq!(code, 0, "{report:#}\n{draft:#}");
    assert_eq!(report["stats"]["rows"], 3000);
    assert_eq!(
        field(&draft, "tarif")["constraints"],
        json!({"required": true, "enum": ["BASE", "HPHC", "TEMPO"]})
    );
    assert_eq!(field(&draft, "kwh")["type"], "number");
    assert_eq!(field(&draft, "code")["type"], "string");
    assert_eq!(
        field(&draft, "code")["constraints"],
        json!({"required": true, "pattern": "[0-9]{4,5}"})
    );
    assert_eq!(field(&draft, "jour")["type"], "string");
    assert_eq!(
        field(&draft, "etat")["constraints"],
        json!({"enum": ["ok"]})
    );
    assert!(
        draft["description"]
            .as_str()
            .is_some_and(|d| d.contains("from all 3000 data rows")),
        "{draft:#}"
    );

    // A sample says so and closes no vocabulary.
    let sample = infer(&w, &["drift.csv", "--rows", "1000"]);
    assert!(
        sample["description"].as_str().is_some_and(|d| d
            .contains("from the first 1000 data rows only (a sample: the rest of the file was not read, so no enum was inferred")),
        "{sample:#}"
    );
    assert_eq!(
        field(&sample, "tarif")["constraints"],
        json!({"required": true})
    );
}

/// `--encoding auto` reads a Greek (ISO-8859-7) file in the encoding detected from its
/// first bytes, for `schema infer` as for `check`, and the report says which it used; the
/// default stays strict and names the probable encoding.
#[test]
fn encoding_auto_reads_a_greek_file_and_says_so() {
    let w = Workdir::new();
    let text = "id,πόλη\n1,Αθήνα\n2,Θεσσαλονίκη\n3,Πάτρα\n";
    // ISO-8859-7: the Greek letters are U+0390 + (byte - 0xC0), the tonos capitals aside.
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| match u32::from(c) {
            n @ 0..=0x7F => n as u8,
            n @ 0x0391..=0x03CE => (n - 0x0390 + 0xC0) as u8,
            _ => panic!("{c:?} is not in the test's table"),
        })
        .collect();
    w.write("greek.csv", &bytes);
    let (code, _, stderr) = w.run(&["schema", "infer", "greek.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the file looks like iso-8859-7"),
        "{stderr}"
    );

    let (draft, code, report) = infer_then_check(&w, "greek.csv", &["--encoding", "auto"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["encoding"],
        json!({"name": "iso-8859-7", "bom": false, "detected": true})
    );
    assert_eq!(draft["fields"][1]["name"], "πόλη");
    assert!(
        draft["description"]
            .as_str()
            .is_some_and(|d| d.contains("comma-separated iso-8859-7 file")),
        "{draft:#}"
    );

    let (code, report) = w.check_json("greek.csv", "draft.json", &[]);
    assert_eq!(code, 1);
    assert_eq!(report["encoding"]["probable"], "iso-8859-7");
}

/// `--encoding auto` reads UTF-16 (Excel's "Unicode text"), transcoded as it streams; the
/// default refuses it, naming it and the option that reads it.
#[test]
fn encoding_auto_reads_utf16() {
    let w = Workdir::new();
    let text = "\u{feff}id\tville\n1\tOrléans\n2\tΑθήνα\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    w.write("unicode.txt", &bytes);
    let (draft, code, report) = infer_then_check(&w, "unicode.txt", &["--encoding", "auto"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["encoding"],
        json!({"name": "utf-16le", "bom": true, "detected": true})
    );
    assert_eq!(report["stats"]["rows"], 2);
    assert_eq!(report["stats"]["bytes"], bytes.len());
    assert_eq!(draft["fields"][1]["name"], "ville");
    let (code, stdout, _) = w.run(&[
        "check",
        "unicode.txt",
        "-s",
        "draft.json",
        "--encoding",
        "auto",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("read as UTF-16LE (detected) with BOM, tab-separated"),
        "{stdout}"
    );

    let (code, report) = w.check_json("unicode.txt", "draft.json", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        report["findings"][0]["message"],
        "the file is utf-16le: read it with --encoding utf-16le (or auto), or save it as UTF-8 (Excel: \"CSV UTF-8\")"
    );
}

/// `schema infer` reads rows as `watt check` does, dialect file included: comment rows are
/// not values, spaces after the delimiter are skipped, blank rows are not rows of the
/// draft. It refused `commentChar` and `skipInitialSpace` before (exit 2), and read blank
/// lines with a parser of its own.
#[test]
fn a_dialect_file_is_applied_as_check_applies_it() {
    let w = Workdir::new();
    w.write(
        "comments.csv",
        "# export of 2024-01-15, meter readings\n\
         prm, kwh, contract\n\
         01234567890123, 1.5, BASE\n\
         # a comment among the rows: not a value\n\
         \n\
         01234567890124, 2, HPHC\n",
    );
    w.write(
        "dialect.json",
        r##"{"commentChar": "#", "skipInitialSpace": true}"##,
    );
    let args = ["--dialect", "dialect.json"];
    let (draft, code, report) = infer_then_check(&w, "comments.csv", &args);
    let names: Vec<&str> = draft["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prm", "kwh", "contract"]);
    assert_eq!(field(&draft, "prm")["constraints"]["pattern"], "[0-9]{14}");
    assert_eq!(field(&draft, "kwh")["type"], "number");
    assert_eq!(
        field(&draft, "contract")["constraints"]["enum"],
        json!(null),
        "two values are no vocabulary"
    );
    // The blank row is the file's, not the draft's: the check reports it, nothing else.
    assert_eq!(code, 1, "{report:#}");
    let found: Vec<(&str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["rowNumber"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("blank-row", 5)]);

    // A header over two rows is refused, not read as data.
    w.write("rows.json", r#"{"headerRows": [1, 2]}"#);
    let (code, _, stderr) = w.run(&["schema", "infer", "comments.csv", "--dialect", "rows.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("does not apply the dialect's headerRows"),
        "{stderr}"
    );
}
