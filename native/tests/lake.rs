//! `watt lake` against the local lake and a real S3 server (s3s-fs on 127.0.0.1, see
//! `support/`), driving the real binary: what `ls` lists, `expire` with a fake clock
//! (`--now`) and a column's own retention, `find` and its export, `erase` of a person
//! present in several objects of several days, the lock, recovery after a kill at exact
//! points of a rewrite, and an ingest running at the same time. Versioned buckets are in
//! `lake_seaweedfs.rs`, the fault campaign in `lake_faults.rs`, the privacy check in
//! `lake_privacy.rs`.

mod common;
mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;

use common::Workdir;
use serde_json::Value;
use support::{Hold, S3Server};
use watt_core::{PseudonymKey, Schema};

pub const KEY: &str = "watt-lake-tests-key-3f1c9a7e5b2d4068a1b2c3d4e5f6a7b8";
pub const OTHER_KEY: &str = "watt-lake-tests-older-key-8e7d6c5b4a39281706f5e4d3c2b1a098";
/// A meter of the sample (8 rows), and its customer.
pub const PRM: &str = "96472437173461";
pub const CUSTOMER: &str = "C7182728";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv")
}

fn schema() -> Schema {
    let text = std::fs::read_to_string(common::energy_schema()).expect("the energy schema");
    Schema::from_json(&text).expect("the schema loads")
}

/// The pseudonym the lake holds for a value of `field` under `key`.
fn pseudonym(field: &str, value: &str, key: &str) -> String {
    let key = PseudonymKey::new(key.as_bytes()).expect("a key");
    watt_core::minimise::pseudonym_of(&schema(), field, value, &key).expect("a pseudonym")
}

/// The sample's rows moved to another day (2024-01-16): the same people, another object.
fn next_day() -> Vec<u8> {
    std::fs::read_to_string(sample())
        .expect("the sample")
        .replace("2024-01-15T", "2024-01-16T")
        .into_bytes()
}

/// A lake for one test: a working folder, and the local lake `datalake` in it or the
/// bucket `lake` of an S3 server.
struct TestLake {
    w: Workdir,
    s3: Option<S3Server>,
}

impl TestLake {
    fn local() -> TestLake {
        TestLake {
            w: Workdir::new(),
            s3: None,
        }
    }

    fn s3() -> TestLake {
        let w = Workdir::new();
        let s3 = S3Server::start(&w.path("s3"));
        TestLake { w, s3: Some(s3) }
    }

    fn both() -> [TestLake; 2] {
        [TestLake::local(), TestLake::s3()]
    }

    fn name(&self) -> &'static str {
        if self.s3.is_some() { "s3" } else { "local" }
    }

    /// `watt ARGS` on this lake, with the key in the environment.
    fn watt(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = support::watt_in(&self.w.path("."), None);
        cmd.args(args).env("WATT_PSEUDONYM_KEY", KEY);
        if let Some(s3) = &self.s3 {
            s3.target(&mut cmd);
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.watt(args).output().expect("watt runs");
        (
            out.status.code().expect("an exit code"),
            String::from_utf8(out.stdout).expect("UTF-8"),
            String::from_utf8(out.stderr).expect("UTF-8"),
        )
    }

    /// Ingests files (with `--source-name` for one), and says which keys were stored.
    fn ingest(&self, files: &[&str], extra: &[&str]) {
        let mut args = vec!["ingest"];
        args.extend_from_slice(files);
        args.extend_from_slice(extra);
        let (code, out, err) = self.run(&args);
        assert_eq!(code, 0, "{out}{err}");
    }

    /// `watt lake ls --format json`.
    fn ls(&self, extra: &[&str]) -> Value {
        let mut args = vec!["lake", "ls", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = self.run(&args);
        assert_eq!(code, 0, "{out}{err}");
        serde_json::from_str(&out).expect("ls prints JSON")
    }

    /// Keys of everything the lake holds (objects, manifests, audit records), sorted.
    fn keys(&self) -> Vec<String> {
        match &self.s3 {
            Some(s3) => s3.keys(),
            None => {
                let root = self.w.path("datalake");
                let mut keys: Vec<String> = support::files_under(&root)
                    .into_iter()
                    .map(|p| {
                        p.strip_prefix(&root)
                            .expect("as the test set it up")
                            .display()
                            .to_string()
                    })
                    .collect();
                keys.sort();
                keys
            }
        }
    }

    fn object(&self, key: &str) -> Vec<u8> {
        match &self.s3 {
            Some(s3) => s3.object(key).expect("the object"),
            None => std::fs::read(self.w.path("datalake").join(key)).expect("the object"),
        }
    }

    fn data_keys(&self) -> Vec<String> {
        self.keys()
            .into_iter()
            .filter(|k| k.ends_with(".csv") && !k.starts_with("_audit/"))
            .collect()
    }

    /// The audit records of the lake, in key order.
    fn audit(&self) -> Vec<Value> {
        self.keys()
            .iter()
            .filter(|k| k.starts_with("_audit/"))
            .flat_map(|k| {
                String::from_utf8(self.object(k))
                    .expect("as the test set it up")
                    .lines()
                    .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn journal(&self) -> Vec<PathBuf> {
        support::files_under(&self.w.path("logs/.pending-lake"))
    }
}

/// Rows per value of `column` in all the data objects.
fn rows_by(lake: &TestLake, column: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for key in lake.data_keys() {
        let bytes = lake.object(&key);
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let at = reader
            .headers()
            .expect("as the test set it up")
            .iter()
            .position(|h| h == column)
            .expect("the column");
        for r in reader.records() {
            *out.entry(r.expect("as the test set it up")[at].to_owned())
                .or_default() += 1;
        }
    }
    out
}

#[test]
fn ls_lists_each_object_with_its_manifest() {
    for lake in TestLake::both() {
        lake.ingest(&[sample().to_str().unwrap()], &[]);
        let ls = lake.ls(&[]);
        let objects = ls["objects"].as_array().unwrap();
        assert_eq!(objects.len(), 1, "{}: {ls}", lake.name());
        let o = &objects[0];
        assert_eq!(o["rows"], 320);
        assert_eq!(o["source"], "sample_energy_consumption");
        assert_eq!(o["schema"]["name"], "energy_consumption");
        assert_eq!(o["schema"]["sha256"], schema().sha256.as_str());
        assert_eq!(
            o["keyId"],
            PseudonymKey::new(KEY.as_bytes()).unwrap().id(),
            "the key's fingerprint"
        );
        assert_eq!(o["retention"]["dataset"], "P3Y");
        assert_eq!(o["retention"]["from"], "manifest");
        assert_eq!(o["status"], "kept");
        // The end is three calendar years after the ingestion.
        let ingested = o["ingested"].as_str().unwrap();
        let ends = o["retention"]["ends"].as_str().unwrap();
        let year: i32 = ingested[..4].parse().unwrap();
        assert_eq!(ends, format!("{}{}", year + 3, &ingested[4..]), "{o}");
        let key = o["key"].as_str().unwrap();
        assert!(key.starts_with("watt-about-it/raw/"), "{key}");
        assert_eq!(ls["withoutManifest"], Value::Array(vec![]));

        // The manifest records the retention and how the columns were pseudonymised.
        let manifest: Value =
            serde_json::from_slice(&lake.object(&format!("{key}.manifest.json"))).unwrap();
        assert_eq!(manifest["retention"]["dataset"], "P3Y");
        assert_eq!(manifest["retention"]["columns"]["comment"], "P3Y");
        assert_eq!(manifest["pseudonyms"]["prm"]["domain"], "meter");

        let (code, text, err) = lake.run(&["lake", "ls"]);
        assert_eq!(code, 0, "{err}");
        assert!(text.starts_with("1 object in "), "{text}");
        assert!(text.contains("sample_energy_consumption"), "{text}");
        assert!(text.contains(" (P3Y)"), "{text}");
        assert!(text.contains(key), "{text}");
    }
}

#[test]
fn an_older_manifest_takes_its_retention_from_the_schema() {
    let lake = TestLake::local();
    lake.ingest(&[sample().to_str().unwrap()], &[]);
    let key = lake.data_keys().remove(0);
    let path = lake.w.path("datalake").join(format!("{key}.manifest.json"));
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let m = manifest.as_object_mut().unwrap();
    m.remove("retention");
    m.remove("pseudonyms");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    // Made with the bundled schema: its retention applies.
    let o = &lake.ls(&[])["objects"][0];
    assert_eq!(o["retention"]["from"], "schema");
    assert_eq!(o["retention"]["dataset"], "P3Y");
    // Made with another schema: unknown, unless --schema says.
    manifest["schema"]["sha256"] = Value::from("0".repeat(64));
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let (code, out, err) = lake.run(&["lake", "ls", "--format", "json"]);
    assert_eq!(code, 0);
    let ls: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(ls["objects"][0]["status"], "unknown");
    assert!(err.contains("retention unknown"), "{err}");
    let short = lake.w.write(
        "short.schema.json",
        common::SCHEMA.replace(
            "\"primaryKey\"",
            "\"gdpr\": {\"retention\": \"P90D\"},\n  \"primaryKey\"",
        ),
    );
    let o = &lake.ls(&["--schema", short.to_str().unwrap()])["objects"][0];
    assert_eq!(o["retention"]["dataset"], "P90D");
    // And expire leaves an object of unknown retention alone, saying so (exit 1).
    let (code, _, err) = lake.run(&["lake", "expire", "--now", "2099-01-01", "--apply"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("left alone, its retention is unknown"),
        "{err}"
    );
    assert_eq!(lake.data_keys(), [key]);
}

#[test]
fn expire_judges_retention_at_the_time_given_and_deletes_with_an_audit_record() {
    for lake in TestLake::both() {
        lake.ingest(&[sample().to_str().unwrap()], &[]);
        let key = lake.data_keys().remove(0);
        let ingested = lake.ls(&[])["objects"][0]["ingested"]
            .as_str()
            .unwrap()
            .to_owned();
        let year: i32 = ingested[..4].parse().unwrap();
        let before = format!("{}{}", year + 3, &ingested[4..10]);
        let after = format!("{}-01-02", year + 4);
        // A day before the end: nothing is due.
        let day_before = chrono::NaiveDate::parse_from_str(&before, "%Y-%m-%d")
            .unwrap()
            .pred_opt()
            .unwrap()
            .to_string();
        let (code, out, err) = lake.run(&["lake", "expire", "--now", &day_before, "--apply"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("0 expired"), "{out}");
        assert_eq!(lake.data_keys(), std::slice::from_ref(&key));
        // After it: listed without --apply, nothing changed.
        let (code, out, _) = lake.run(&["lake", "expire", "--now", &after]);
        assert_eq!(code, 0);
        assert!(out.contains("1 expired"), "{out}");
        assert!(out.contains(&format!("expired   {key}  P3Y")), "{out}");
        assert_eq!(lake.data_keys(), std::slice::from_ref(&key));
        let (code, out, err) = lake.run(&["lake", "expire", "--now", &after, "--apply"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains(&format!("deleted {key} and its manifest")),
            "{out}"
        );
        assert!(
            lake.data_keys().is_empty(),
            "{}: {:?}",
            lake.name(),
            lake.keys()
        );
        assert!(
            !lake.keys().iter().any(|k| k.ends_with(".manifest.json")),
            "{:?}",
            lake.keys()
        );
        assert!(lake.journal().is_empty(), "{:?}", lake.journal());
        let audit = lake.audit();
        let deleted: Vec<&Value> = audit.iter().filter(|r| r["action"] == "expired").collect();
        assert_eq!(deleted.len(), 1, "{audit:?}");
        assert_eq!(deleted[0]["object"], key.as_str());
        assert_eq!(deleted[0]["rows"], 320);
        assert!(
            deleted[0]["reason"]
                .as_str()
                .unwrap()
                .starts_with("retention P3Y ended "),
            "{}",
            deleted[0]
        );
        let run: Vec<&Value> = audit
            .iter()
            .filter(|r| r["action"] == "operation")
            .collect();
        assert_eq!(run.len(), 2, "one per --apply run: {audit:?}");
        let changed: Vec<u64> = run
            .iter()
            .map(|r| r["objectsChanged"].as_u64().unwrap())
            .collect();
        assert_eq!(changed, [0, 1], "in time order");
        assert!(run[1]["judgedAt"].is_string(), "a fake clock is recorded");
        assert!(run[1]["who"]["user"].is_string());
    }
}

#[test]
fn a_column_whose_retention_ends_first_is_removed_by_a_rewrite() {
    let lake = TestLake::local();
    let text = std::fs::read_to_string(common::energy_schema()).unwrap();
    // The comment is kept one year, the rest three.
    let one_year = text.replacen(
        "\"purpose\": \"Notes explain anomalies (estimated reading, meter change)\",\n        \"legalBasis\": \"legitimate-interests\",\n        \"retention\": \"P3Y\"",
        "\"purpose\": \"Notes explain anomalies (estimated reading, meter change)\",\n        \"legalBasis\": \"legitimate-interests\",\n        \"retention\": \"P1Y\"",
        1,
    );
    assert_ne!(one_year, text, "the comment's retention is in the schema");
    let s = lake.w.write("energy.schema.json", one_year);
    lake.ingest(
        &[sample().to_str().unwrap()],
        &["--schema", s.to_str().unwrap()],
    );
    let key = lake.data_keys().remove(0);
    let o = &lake.ls(&[])["objects"][0];
    assert!(o["retention"]["columnsEnd"]["comment"].is_string(), "{o}");
    let year: i32 = o["ingested"].as_str().unwrap()[..4].parse().unwrap();
    let in_two_years = format!("{}-01-02", year + 2);
    let (code, out, _) = lake.run(&["lake", "expire", "--now", &in_two_years]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("columns   {key}  comment")), "{out}");
    let before = lake.object(&key);
    let (code, out, err) = lake.run(&["lake", "expire", "--now", &in_two_years, "--apply"]);
    assert_eq!(code, 0, "{out}{err}");
    let keys = lake.data_keys();
    assert_eq!(keys.len(), 1);
    let new_key = &keys[0];
    assert_ne!(new_key, &key);
    assert!(
        out.contains(&format!("rewrote {key} without comment -> {new_key}")),
        "{out}"
    );
    let after = String::from_utf8(lake.object(new_key)).unwrap();
    assert!(
        after.starts_with("prm,customer_id,postcode,timestamp,kwh,contract_type\n"),
        "{after}"
    );
    assert_eq!(after.lines().count(), 321, "every row stays");
    // The rows are the old ones without their last cell.
    let old_rows: Vec<String> = csv::Reader::from_reader(&before[..])
        .records()
        .map(|r| r.unwrap().iter().take(6).collect::<Vec<_>>().join(","))
        .collect();
    let new_rows: Vec<&str> = after.lines().skip(1).collect();
    assert_eq!(old_rows, new_rows);
    let m: Value =
        serde_json::from_slice(&lake.object(&format!("{new_key}.manifest.json"))).unwrap();
    assert_eq!(m["supersedes"], key.as_str());
    assert_eq!(m["columnExpiries"][0]["columns"][0], "comment");
    assert!(m["retention"]["columns"].get("comment").is_none());
    assert_eq!(m["object"]["rows"], 320);
    // Retention still counts from the ingestion: the object goes three years after it.
    let o2 = &lake.ls(&[])["objects"][0];
    assert_eq!(o2["ingested"], o["ingested"]);
    assert_eq!(o2["retention"]["ends"], o["retention"]["ends"]);
    assert_eq!(o2["columnsExpired"][0], "comment");
    let audit = lake.audit();
    assert!(
        audit
            .iter()
            .any(|r| r["action"] == "columns-expired" && r["columnsRemoved"][0] == "comment"),
        "{audit:?}"
    );
    let later = format!("{}-01-02", year + 4);
    let (code, out, err) = lake.run(&["lake", "expire", "--now", &later, "--apply"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(lake.data_keys().is_empty());
}

/// Three objects of two days: the sample, the sample a day later, and the sample again
/// (another run). Returns their keys.
fn three_objects(lake: &TestLake) -> Vec<String> {
    let day2 = lake.w.write("readings_2024-01-16.csv", next_day());
    lake.ingest(
        &[
            sample().to_str().expect("as the test set it up"),
            day2.to_str().expect("as the test set it up"),
        ],
        &[],
    );
    lake.ingest(
        &[sample().to_str().expect("as the test set it up")],
        &["--source-name", "again"],
    );
    let keys = lake.data_keys();
    assert_eq!(keys.len(), 3, "{keys:?}");
    keys
}

#[test]
fn find_lists_where_a_person_is_and_exports_their_rows_as_stored() {
    for lake in TestLake::both() {
        let keys = three_objects(&lake);
        let (code, out, err) = lake.run(&["lake", "find", "--field", "prm", PRM]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains("24 row(s) in 3 object(s) of 3 searched"),
            "{out}"
        );
        for k in &keys {
            assert!(out.contains(&format!("        8  {k}")), "{out}");
        }
        // By customer number (the schema's data subject field), values on standard input.
        let mut child = lake
            .watt(&["lake", "find", "--customer", "--format", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{CUSTOMER}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let found: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(found["rows"], 24);
        assert_eq!(found["field"], "customer_id");
        assert_eq!(found["matched"].as_array().unwrap().len(), 3);

        let (code, out, err) = lake.run(&[
            "lake",
            "find",
            "--field",
            "prm",
            PRM,
            "--export",
            "answer.csv",
            "--request-id",
            "DSR-2024-017",
        ]);
        assert_eq!(code, 0, "{out}{err}");
        let export = std::fs::read_to_string(lake.w.path("answer.csv")).unwrap();
        let p = pseudonym("prm", PRM, KEY);
        let lines: Vec<&str> = export.lines().collect();
        assert_eq!(
            lines[0],
            "object,prm,customer_id,postcode,timestamp,kwh,contract_type,comment"
        );
        assert_eq!(lines.len(), 25);
        // Each row is the stored row, after its object's key.
        for k in &keys {
            let stored = String::from_utf8(lake.object(k)).unwrap();
            let mine: Vec<String> = stored
                .lines()
                .filter(|l| l.starts_with(&p))
                .map(|l| format!("{k},{l}"))
                .collect();
            assert_eq!(mine.len(), 8);
            for row in mine {
                assert!(lines.contains(&row.as_str()), "{row}");
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(lake.w.path("answer.csv"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The export is recorded: request, rows, the file's hash; not its name.
        let audit = lake.audit();
        let exported: Vec<&Value> = audit.iter().filter(|r| r["action"] == "exported").collect();
        assert_eq!(exported.len(), 1, "{audit:?}");
        assert_eq!(exported[0]["requestId"], "DSR-2024-017");
        assert_eq!(exported[0]["rows"], 24);
        use sha2::Digest;
        assert_eq!(
            exported[0]["exportSha256"],
            data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(export.as_bytes()))
        );
        assert!(!exported[0].to_string().contains("answer"));
        // An existing file is never replaced.
        let (code, _, err) = lake.run(&[
            "lake",
            "find",
            "--field",
            "prm",
            PRM,
            "--export",
            "answer.csv",
        ]);
        assert_eq!(code, 2);
        assert!(err.contains("it exists"), "{err}");
    }
}

#[test]
fn an_object_made_with_a_key_not_given_is_not_searched_and_says_so() {
    let lake = TestLake::local();
    lake.ingest(&[sample().to_str().unwrap()], &[]);
    let mut cmd = lake.watt(&["ingest", sample().to_str().unwrap(), "--source-name", "old"]);
    cmd.env("WATT_PSEUDONYM_KEY", OTHER_KEY);
    assert!(cmd.output().unwrap().status.success());
    let other_id = PseudonymKey::new(OTHER_KEY.as_bytes())
        .unwrap()
        .id()
        .to_owned();
    let (code, out, err) = lake.run(&["lake", "find", "--field", "prm", PRM]);
    assert_eq!(code, 1, "incomplete: {out}{err}");
    assert!(
        out.contains("8 row(s) in 1 object(s) of 1 searched"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "it was made with key {other_id}, which is not in the keyring"
        )),
        "{out}"
    );
    assert!(err.contains("the answer is incomplete"), "{err}");
    // With both keys, everything is searched.
    lake.w.write("k1", KEY);
    lake.w.write("k2", OTHER_KEY);
    let (code, out, err) = lake.run(&[
        "lake",
        "find",
        "--field",
        "prm",
        PRM,
        "--key-file",
        "k1",
        "--previous-key-file",
        "k2",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("16 row(s) in 2 object(s) of 2 searched"),
        "{out}"
    );
}

/// Checks that a person's rows are gone and everyone else's stayed.
fn check_erased(lake: &TestLake, before: &BTreeMap<String, usize>, erased: &str) {
    let after = rows_by(lake, "prm");
    assert_eq!(after.get(erased), None, "{}: no row left", lake.name());
    let mut expected = before.clone();
    expected.remove(erased);
    assert_eq!(
        after,
        expected,
        "{}: everyone else's rows stay",
        lake.name()
    );
    for key in lake.data_keys() {
        let bytes = String::from_utf8(lake.object(&key)).expect("as the test set it up");
        assert!(!bytes.contains(erased), "{key}");
    }
}

#[test]
fn erase_rewrites_every_object_that_holds_the_person() {
    for lake in TestLake::both() {
        let keys = three_objects(&lake);
        let p = pseudonym("prm", PRM, KEY);
        let before = rows_by(&lake, "prm");
        assert_eq!(before[&p], 24);
        let (code, out, err) = lake.run(&[
            "lake",
            "erase",
            "--field",
            "prm",
            PRM,
            "--request-id",
            "DSR-2024-018",
        ]);
        assert_eq!(code, 0, "{}: {out}{err}", lake.name());
        assert!(
            out.contains("24 row(s) in 3 object(s) of 3 searched"),
            "{out}"
        );
        check_erased(&lake, &before, &p);
        let now = lake.data_keys();
        assert_eq!(now.len(), 3);
        for old in &keys {
            assert!(!now.contains(old), "{old} is gone");
            let stem = old.strip_suffix(".csv").unwrap();
            let new = now
                .iter()
                .find(|k| k.starts_with(stem))
                .expect("its rewrite");
            assert!(
                out.contains(&format!("erased 8 row(s): {old} -> {new}")),
                "{out}"
            );
            let m: Value =
                serde_json::from_slice(&lake.object(&format!("{new}.manifest.json"))).unwrap();
            assert_eq!(m["supersedes"], old.as_str());
            assert_eq!(m["object"]["rows"], 312);
            assert_eq!(m["erasures"][0]["requestId"], "DSR-2024-018");
            assert_eq!(m["erasures"][0]["rowsRemoved"], 8);
            assert_eq!(m["erasures"][0]["field"], "prm");
            assert!(!m.to_string().contains(&p), "no pseudonym in the manifest");
            assert_eq!(m["verification"]["head"], "read back: matched");
        }
        assert!(
            !lake
                .keys()
                .iter()
                .any(|k| keys.iter().any(|o| k.starts_with(o.as_str()))),
            "{:?}",
            lake.keys()
        );
        let audit = lake.audit();
        let erased: Vec<&Value> = audit.iter().filter(|r| r["action"] == "erased").collect();
        assert_eq!(erased.len(), 3, "{audit:?}");
        assert!(
            erased
                .iter()
                .all(|r| r["rowsRemoved"] == 8 && r["requestId"] == "DSR-2024-018")
        );
        let run = audit.iter().find(|r| r["action"] == "operation").unwrap();
        assert_eq!(run["rowsRemoved"], 24);
        assert_eq!(run["objectsLeft"], 0);
        assert!(lake.journal().is_empty(), "{:?}", lake.journal());
        let (code, out, _) = lake.run(&["lake", "find", "--field", "prm", PRM]);
        assert_eq!(code, 0);
        assert!(
            out.contains("0 row(s) in 0 object(s) of 3 searched"),
            "{out}"
        );
        // A second erasure of the same person finds nothing to do.
        let (code, out, err) = lake.run(&[
            "lake",
            "erase",
            "--field",
            "prm",
            PRM,
            "--request-id",
            "DSR-2024-018",
        ]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("0 row(s) in 0 object(s)"), "{out}");
        assert_eq!(lake.data_keys(), now);
    }
}

#[test]
fn erase_dry_run_changes_nothing() {
    let lake = TestLake::local();
    let keys = three_objects(&lake);
    let all = lake.keys();
    let (code, out, err) = lake.run(&[
        "lake",
        "erase",
        "--customer",
        CUSTOMER,
        "--request-id",
        "R1",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{err}");
    for k in &keys {
        assert!(
            out.contains(&format!("would erase 8 row(s) from {k}")),
            "{out}"
        );
    }
    assert_eq!(
        lake.keys(),
        all,
        "nothing written, not even an audit record"
    );
}

#[test]
fn requests_that_cannot_be_run_are_refused_before_anything() {
    let lake = TestLake::local();
    lake.ingest(&[sample().to_str().unwrap()], &[]);
    let all = lake.keys();
    for (args, says) in [
        (
            &[
                "lake",
                "erase",
                "--field",
                "prm",
                PRM,
                "--request-id",
                "jean.dupont@example.com",
            ][..],
            "not a name",
        ),
        (
            &[
                "lake",
                "erase",
                "--field",
                "prm",
                PRM,
                "--request-id",
                "0612345678",
            ],
            "looks like personal data (phone)",
        ),
        (
            &[
                "lake",
                "erase",
                "--field",
                "prm",
                PRM,
                "--request-id",
                "12345678901234",
            ],
            "looks like",
        ),
        (
            &["lake", "find", "--field", "kwh", "1.5"],
            "is not pseudonymised",
        ),
        (
            &["lake", "find", "--field", "pmr", PRM],
            "no field named \"pmr\"",
        ),
        (
            &["lake", "find", "--field", "prm", PRM, "--field", "x"],
            "cannot be used multiple times",
        ),
        (
            &["lake", "expire", "--lifecycle", "--apply"],
            "cannot be used with",
        ),
    ] {
        let (code, _, err) = lake.run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains("dupont") && !err.contains("12345678901234"),
            "{err}"
        );
    }
    let mut cmd = lake.watt(&["lake", "find", "--field", "prm"]);
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no value to look for"));
    let mut cmd = lake.watt(&["lake", "find", "--field", "prm", PRM]);
    let out = cmd.env_remove("WATT_PSEUDONYM_KEY").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a pseudonymisation key is required"));
    assert_eq!(lake.keys(), all);
}

#[test]
fn the_lifecycle_rule_follows_the_schema_and_says_what_it_cannot_do() {
    let lake = TestLake::local();
    let (code, out, err) = lake.run(&["lake", "expire", "--lifecycle", "--prefix", "lake/raw"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let rule = &json["Rules"][0];
    assert_eq!(rule["Filter"]["Prefix"], "lake/raw/");
    assert_eq!(rule["Expiration"]["Days"], 1096);
    assert_eq!(rule["NoncurrentVersionExpiration"]["NoncurrentDays"], 1);
    assert_eq!(
        rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
        1
    );
    assert_eq!(
        json["Rules"][1]["Expiration"]["ExpiredObjectDeleteMarker"],
        true
    );
    assert!(
        err.contains("1096 days from each object's creation"),
        "{err}"
    );
    assert!(lake.keys().is_empty(), "no store is touched");
    let none = lake.w.write("none.schema.json", common::SCHEMA);
    let (code, _, err) = lake.run(&[
        "lake",
        "expire",
        "--lifecycle",
        "--schema",
        none.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("declares no retention"), "{err}");
}

#[test]
fn a_lake_taken_by_another_operation_is_refused() {
    let lake = TestLake::local();
    lake.ingest(&[sample().to_str().unwrap()], &[]);
    let lock = lake.w.path("datalake/watt-about-it/raw/.watt-lake-lock");
    std::fs::write(
        &lock,
        r#"{"operation": "00000000000000aa", "command": "watt lake erase", "user": "alice", "host": "ops-1", "started": "2027-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let before = lake.keys();
    let (code, _, err) = lake.run(&["lake", "erase", "--field", "prm", PRM, "--request-id", "R2"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("another watt lake operation is changing this lake: watt lake erase (operation 00000000000000aa, by alice on ops-1"),
        "{err}"
    );
    assert_eq!(lake.keys(), before, "nothing changed");
    assert!(lock.exists(), "somebody else's lock stays");
    // Listing and searching take no lock.
    assert_eq!(lake.ls(&[])["objects"].as_array().unwrap().len(), 1);
    std::fs::remove_file(&lock).unwrap();
    let (code, _, err) = lake.run(&["lake", "erase", "--field", "prm", PRM, "--request-id", "R2"]);
    assert_eq!(code, 0, "{err}");
    assert!(!lock.exists(), "its own lock is removed");
}

/// `watt lake erase` held by the server at a request of the rewrite, killed there; then
/// `watt lake recover`.
fn killed_at(hold: u32) -> (TestLake, Vec<String>, BTreeMap<String, usize>, String) {
    let lake = TestLake::s3();
    lake.ingest(&[sample().to_str().expect("as the test set it up")], &[]);
    let keys = lake.data_keys();
    let before = rows_by(&lake, "prm");
    let s3 = lake.s3.as_ref().expect("as the test set it up");
    s3.faults
        .hold_after
        .store(hold, std::sync::atomic::Ordering::SeqCst);
    let mut child = lake
        .watt(&["lake", "erase", "--field", "prm", PRM, "--request-id", "R3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("as the test set it up");
    assert!(s3.faults.wait_held(&mut child), "the request was held");
    child.kill().expect("as the test set it up");
    child.wait().expect("as the test set it up");
    s3.faults
        .hold_after
        .store(0, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        lake.journal().len(),
        2,
        "the lock and the rewrite: {:?}",
        lake.journal()
    );
    let (code, out, err) = lake.run(&["lake", "recover"]);
    (lake, keys, before, format!("{code}\n{out}{err}"))
}

#[test]
fn a_rewrite_killed_before_its_manifest_is_undone_and_the_object_stays() {
    // The new object is stored, its PUT answered never: watt dies before it has verified it.
    let (lake, keys, before, said) = killed_at(Hold::OBJECT_PUT);
    assert!(
        said.starts_with("1\n"),
        "undone: the erasure must run again: {said}"
    );
    assert!(said.contains("undid an unfinished rewrite"), "{said}");
    assert!(said.contains("erasure for request R3"), "{said}");
    assert_eq!(lake.data_keys(), keys, "the old object, alone");
    assert_eq!(rows_by(&lake, "prm"), before);
    assert!(lake.journal().is_empty(), "{:?}", lake.journal());
    assert!(!lake.keys().iter().any(|k| k.contains(".watt-lake-lock")));
    let (code, out, err) =
        lake.run(&["lake", "erase", "--field", "prm", PRM, "--request-id", "R3"]);
    assert_eq!(code, 0, "{out}{err}");
    check_erased(&lake, &before, &pseudonym("prm", PRM, KEY));
}

#[test]
fn a_rewrite_killed_while_its_manifest_is_stored_is_finished() {
    // The new manifest is stored, its PUT answered never: the switch happened.
    let (lake, keys, before, said) = killed_at(Hold::MANIFEST_PUT);
    assert!(said.starts_with("0\n"), "{said}");
    assert!(said.contains("finished the rewrite of"), "{said}");
    assert!(said.contains("1 change(s) finished"), "{said}");
    let now = lake.data_keys();
    assert_eq!(now.len(), 1);
    assert_ne!(now, keys);
    check_erased(&lake, &before, &pseudonym("prm", PRM, KEY));
    assert!(lake.journal().is_empty(), "{:?}", lake.journal());
    // The record of the erasure is published by the recovery, marked so.
    let audit = lake.audit();
    let erased: Vec<&Value> = audit.iter().filter(|r| r["action"] == "erased").collect();
    assert_eq!(erased.len(), 1, "{audit:?}");
    assert_eq!(erased[0]["requestId"], "R3");
    assert!(erased[0]["recoveredBy"].is_string());
    assert!(!lake.keys().iter().any(|k| k.contains(".watt-lake-lock")));
}

#[test]
fn an_ingest_running_at_the_same_time_loses_nothing() {
    let lake = TestLake::local();
    lake.ingest(&[sample().to_str().unwrap()], &[]);
    let big = lake.w.write("big.csv", support::energy_csv(120_000, false));
    let ingest = lake
        .watt(&["ingest", big.to_str().unwrap(), "--part-size", "5"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Erasures while the ingest writes.
    for n in 0..3 {
        let (code, out, err) = lake.run(&[
            "lake",
            "erase",
            "--field",
            "prm",
            PRM,
            "--request-id",
            &format!("R{n}"),
        ]);
        assert!(code == 0 || code == 1, "{out}{err}");
    }
    let out = ingest.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ls = lake.ls(&[]);
    let objects = ls["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 2, "{ls}");
    let big_object = objects.iter().find(|o| o["source"] == "big").unwrap();
    assert_eq!(
        big_object["rows"], 120_000,
        "every row of the ingest is there"
    );
    let (code, out, _) = lake.run(&["lake", "find", "--field", "prm", PRM]);
    assert_eq!(code, 0);
    assert!(out.contains("0 row(s)"), "{out}");
}

/// A run killed while it wrote the lake's lock, in a local lake, leaves the lock's partial
/// file: the next run must remove it, not fail on it forever ("File exists"), which the
/// fault campaign once found.
#[test]
fn a_lock_write_cut_short_does_not_block_the_next_run() {
    let lake = TestLake::local();
    lake.ingest(&[sample().to_str().unwrap()], &[]);
    let dir = lake.w.path("datalake/watt-about-it/raw");
    std::fs::write(dir.join("..watt-lake-lock.watt-partial"), "{\"opera").unwrap();
    let journal = lake.w.path("logs/.pending-lake");
    std::fs::create_dir_all(&journal).unwrap();
    let entry = serde_json::json!({
        "kind": "lock", "state": "started", "operation": "00000000000000bb",
        "pid": 9_999_999, "lakeDir": std::path::absolute(lake.w.path("datalake")).unwrap(),
        "prefix": "watt-about-it/raw", "key": "watt-about-it/raw/.watt-lake-lock",
        "auditKey": "_audit/2027/01/01/000000.000_erase_00000000000000bb.jsonl"
    });
    std::fs::write(journal.join("00000000000000bb-0.json"), entry.to_string()).unwrap();
    let (code, out, err) =
        lake.run(&["lake", "erase", "--field", "prm", PRM, "--request-id", "R5"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("erased 8 row(s)"), "{out}");
    assert!(
        support::files_under(&dir)
            .iter()
            .all(|p| !p.to_string_lossy().contains("watt-partial"))
    );
    assert!(lake.journal().is_empty());
}
