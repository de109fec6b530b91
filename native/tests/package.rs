//! `watt check datapackage.json`: every resource of a Data Package checked, foreign keys
//! between them and within one verified, files outside the package refused. Expected
//! findings are those frictionless-py 5.18.1 gives for the same package (quoted in
//! comments).

mod common;

use common::{Workdir, counts};
use serde_json::{Value, json};

const SITES_CSV: &str = "site_id,name\nS1,Alpha\nS2,Beta\nS3,Gamma\n";

/// Readings of sites S1 and S2 (S9 and S8 are not sites; row 4 names none).
const READINGS_CSV: &str = "meter,site,kwh\nM1,S1,1.5\nM2,S9,2.0\nM3,,3.0\nM4,S2,1.0\nM5,S8,4\n";

const PACKAGE: &str = r#"{"name": "energy", "resources": [
  {"name": "sites", "path": "sites.csv", "schema": {"fields": [
     {"name": "site_id", "type": "string"}, {"name": "name", "type": "string"}],
     "primaryKey": "site_id"}},
  {"name": "readings", "path": "data/readings.csv", "schema": "readings.schema.json", "dialect": {}}
]}"#;

const READINGS_SCHEMA: &str = r#"{"fields": [{"name": "meter", "type": "string"},
  {"name": "site", "type": "string"}, {"name": "kwh", "type": "number"}],
  "foreignKeys": [{"fields": "site", "reference": {"resource": "sites", "fields": "site_id"}}]}"#;

fn package(readings: &str) -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir(w.path("data")).expect("a data folder");
    w.write("datapackage.json", PACKAGE);
    w.write("sites.csv", SITES_CSV);
    w.write("readings.schema.json", READINGS_SCHEMA);
    w.write("data/readings.csv", readings);
    w
}

fn check_json(w: &Workdir, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "datapackage.json", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = w.run(&all);
    assert_eq!(stderr, "", "nothing on stderr for a check that ran");
    (
        code,
        serde_json::from_str(&stdout).expect("one JSON document"),
    )
}

#[test]
fn a_package_whose_keys_all_match_is_valid() {
    let w = package("meter,site,kwh\nM1,S1,1.5\nM3,,3.0\nM4,S3,1.0\n");
    let (code, report) = check_json(&w, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["valid"], true);
    assert_eq!(report["package"], "energy");
    let names: Vec<_> = (report["resources"].as_array().expect("resources").iter())
        .map(|r| {
            (
                r["name"].as_str().expect("a name"),
                r["path"].as_str().expect("a path"),
                r["report"]["valid"].clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("sites", "sites.csv", json!(true)),
            ("readings", "data/readings.csv", json!(true))
        ]
    );
    assert_eq!(report["resources"][1]["report"]["stats"]["rows"], 3);
    assert_eq!(
        report["resources"][1]["report"]["notes"],
        json!([]),
        "the key was checked"
    );
}

/// frictionless-py 5.18.1 (`frictionless validate datapackage.json`) on this package: task
/// "sites" valid; task "readings" invalid with two errors, `foreign-key` rowNumber 3
/// (note: for "site": values "S9" not found in the lookup table "sites" as "site_id") and
/// `foreign-key` rowNumber 6 ("S8"), no fieldNumber; the empty site of row 4 is not checked.
#[test]
fn a_missing_reference_is_a_foreign_key_finding_on_frictionless_row() {
    let w = package(READINGS_CSV);
    let (code, report) = check_json(&w, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["valid"], false);
    assert_eq!(report["resources"][0]["report"]["valid"], true);
    let readings = &report["resources"][1]["report"];
    assert_eq!(counts(readings), [("foreign-key".to_owned(), 2)]);
    let found: Vec<_> = (readings["findings"].as_array().expect("findings").iter())
        .map(|f| {
            (
                f["code"].clone(),
                f["rowNumber"].clone(),
                f["fieldNumber"].clone(),
                f["message"].clone(),
            )
        })
        .collect();
    let message = json!("foreign key (site) not found in resource \"sites\" as (site_id)");
    assert_eq!(
        found,
        [
            (json!("foreign-key"), json!(3), Value::Null, message.clone()),
            (json!("foreign-key"), json!(6), Value::Null, message)
        ]
    );
    assert_eq!(
        readings["findings"][0]["byte"],
        READINGS_CSV.find("M2").expect("row 3")
    );
    assert!(
        readings["findings"][0].get("cell").is_none(),
        "no value without --show-values"
    );
    let (_, shown) = check_json(&w, &["--show-values"]);
    assert_eq!(shown["resources"][1]["report"]["findings"][1]["cell"], "S8");
}

#[test]
fn the_text_report_has_a_section_per_resource() {
    let w = package(READINGS_CSV);
    let (code, stdout, _) = w.run(&["check", "datapackage.json"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("resource \"sites\" (sites.csv)\nvalid: 3 data rows"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n\nresource \"readings\" (data/readings.csv)\ninvalid"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("row 3").count() + stdout.matches("row 6").count(),
        2,
        "{stdout}"
    );
}

/// A self-referencing key on a table whose keys (two pairs of 16 bytes per row) are several
/// times the 1 MiB spill budget: the report is the one made with the keys in memory.
/// frictionless-py 5.18.1 on the same file and key: 25 `foreign-key` errors, rows 5, 5004,
/// 10003...
#[test]
fn a_self_referencing_key_past_the_spill_budget_gives_the_in_memory_report() {
    let w = Workdir::new();
    let rows = 120_000u64;
    let mut csv = String::from("id,parent\n");
    for i in 0..rows {
        // Parents before and after the row; every 4999th names no row.
        let parent = if i % 4999 == 3 {
            rows + i
        } else {
            (i * 7919 + 1) % rows
        };
        csv.push_str(&format!("{i},{parent}\n"));
    }
    assert!(rows * 2 * 16 > 3 << 20);
    w.write("tree.csv", &csv);
    w.write(
        "datapackage.json",
        r#"{"resources": [{"name": "tree", "path": "tree.csv", "schema": {"fields": [
            {"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
            "primaryKey": "id",
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}}]}"#,
    );
    let (code, spilled) = check_json(&w, &["--spill-after", "1", "--max-findings", "5"]);
    let (_, memory) = check_json(&w, &["--spill-after", "65536", "--max-findings", "5"]);
    assert_eq!(code, 1);
    let report = &spilled["resources"][0]["report"];
    let missing = (0..rows).filter(|i| i % 4999 == 3).count() as u64;
    assert_eq!(counts(report), [("foreign-key".to_owned(), missing)]);
    assert_eq!(report["findings"][0]["rowNumber"], 5);
    assert_eq!(report["findings"][1]["rowNumber"], 5004);
    assert_eq!(spilled, memory);
    // The same table checked on its own: the key to itself needs no package.
    w.write(
        "tree.schema.json",
        r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
        "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}"#,
    );
    let (code, alone) = w.check_json(
        "tree.csv",
        "tree.schema.json",
        &["--spill-after", "1", "--max-findings", "5"],
    );
    assert_eq!(code, 1);
    assert_eq!(alone["findings"], report["findings"]);
}

#[test]
fn files_outside_the_package_are_refused() {
    for (path, why) in [
        ("../sites.csv", "goes out of the package (..)"),
        ("/etc/passwd", "is absolute"),
        ("https://example.org/sites.csv", "is a URL"),
        (
            "link/sites.csv",
            "leads out of the package's folder (through a link)",
        ),
    ] {
        let outside = Workdir::new();
        outside.write("sites.csv", SITES_CSV);
        let w = Workdir::new();
        std::os::unix::fs::symlink(outside.path(""), w.path("link")).expect("a link");
        w.write(
            "datapackage.json",
            format!(r#"{{"resources": [{{"name": "sites", "path": "{path}", "schema": {{"fields": [{{"name": "site_id"}}]}}}}]}}"#),
        );
        let (code, stdout, stderr) = w.run(&["check", "datapackage.json"]);
        assert_eq!(code, 2, "{path}: {stderr}");
        assert_eq!(stdout, "");
        assert!(
            stderr.starts_with("watt: error: data package datapackage.json: resource \"sites\": "),
            "{stderr}"
        );
        assert!(stderr.contains(why), "{path}: {stderr}");
    }
}

#[test]
fn bad_packages_and_usage_exit_2() {
    let w = package(READINGS_CSV);
    for (args, says) in [
        (
            &[
                "check",
                "datapackage.json",
                "--schema",
                "readings.schema.json",
            ][..],
            "drop --schema",
        ),
        (&["check", "sites.csv"], "'--schema <SCHEMA>' is required"),
        (
            &["check", "datapackage.json", "--delimiter", ";"],
            "dialect",
        ),
    ] {
        let (code, _, stderr) = w.run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    for (descriptor, says) in [
        (
            PACKAGE.replace(r#""dialect": {}"#, r#""dialect": {"delimitter": ";"}"#),
            "resource \"readings\": dialect: ",
        ),
        (
            PACKAGE.replace("\"sites.csv\"", "\"missing.csv\""),
            "cannot read missing.csv",
        ),
        ("{\"resources\": [".to_owned(), "not valid JSON"),
    ] {
        w.write("datapackage.json", &descriptor);
        let (code, stdout, stderr) = w.run(&["check", "datapackage.json"]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert!(
            stderr.starts_with("watt: error: data package datapackage.json: "),
            "{stderr}"
        );
        assert!(stderr.contains(says), "{stderr}");
    }
    w.write(
        "readings.schema.json",
        READINGS_SCHEMA.replace("\"sites\"", "\"meters\""),
    );
    w.write("datapackage.json", PACKAGE);
    let (code, _, stderr) = w.run(&["check", "datapackage.json"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "watt: error: data package datapackage.json: resource \"readings\": foreign key #1 references resource \"meters\", which is not in the package\n"
    );
}

/// A resource's dialect is read as `--dialect FILE` reads one: a `;`-separated resource
/// with its dialect gives the findings of the `,`-separated one.
#[test]
fn a_resource_dialect_is_applied() {
    let w = package(&READINGS_CSV.replace(',', ";"));
    w.write(
        "datapackage.json",
        PACKAGE.replace(
            r#""dialect": {}"#,
            r#""dialect": {"delimiter": ";", "header": true}"#,
        ),
    );
    let (code, report) = check_json(&w, &[]);
    assert_eq!(code, 1);
    let readings = &report["resources"][1]["report"];
    assert_eq!(readings["dialect"]["delimiter"], ";");
    let rows: Vec<_> = (readings["findings"].as_array().expect("findings").iter())
        .map(|f| {
            (
                f["code"].as_str().expect("a code").to_owned(),
                f["rowNumber"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("foreign-key".to_owned(), json!(3)),
            ("foreign-key".to_owned(), json!(6))
        ]
    );
}
