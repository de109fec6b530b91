//! Helpers shared by the integration tests: a temporary working directory holding the
//! inputs, and the real `watt` binary run inside it (so paths in messages are relative
//! and snapshots are stable), without colour.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A schema in the shape of the energy schema, small enough to read in a test.
pub const SCHEMA: &str = r#"{
  "fields": [
    {"name": "prm", "type": "string", "constraints": {"required": true, "pattern": "[0-9]{14}"}},
    {"name": "timestamp", "type": "datetime", "constraints": {"required": true}},
    {"name": "kwh", "type": "number", "constraints": {"required": true, "minimum": 0}},
    {"name": "city", "type": "string"},
    {"name": "comment", "type": "string"}
  ],
  "primaryKey": ["prm", "timestamp"]
}"#;

/// A valid file for [`SCHEMA`].
pub const VALID_CSV: &str = "prm,timestamp,kwh,city,comment\n\
    01234567890123,2024-01-15T08:00:00+01:00,1.25,Lyon,RAS\n\
    01234567890123,2024-01-15T09:00:00+01:00,0.5,Lyon,\n\
    98765432109876,2024-01-15T08:00:00+01:00,12,Orléans,\"relevé estimé, compteur changé\"\n";

/// The real schema of the project.
pub fn energy_schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/schemas/energy_consumption.schema.json")
}

/// A temporary directory the binary runs in.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// Writes a file and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("the test file is written");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `watt ARGS` in this directory, with `NO_COLOR` set (stdout is a pipe anyway).
    pub fn watt(&self, args: &[&str]) -> Command {
        let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("watt");
        cmd.current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .args(args);
        cmd
    }

    /// Runs `watt ARGS` and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.watt(args).output().expect("watt runs");
        (
            out.status.code().expect("watt exits with a code"),
            String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        )
    }

    /// Runs `watt check FILE --schema SCHEMA --format json ARGS`, checks that stdout is
    /// one JSON document and nothing else, and returns (exit code, report).
    pub fn check_json(&self, file: &str, schema: &str, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["check", file, "--schema", schema, "--format", "json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = self.run(&all);
        assert_eq!(stderr, "", "nothing on stderr for a check that ran");
        let report: Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
        (code, report)
    }
}

/// `errorCounts` as (code, count) pairs, without the zeros.
pub fn counts(report: &Value) -> Vec<(String, u64)> {
    report["errorCounts"]
        .as_object()
        .expect("errorCounts is an object")
        .iter()
        .filter_map(|(code, n)| {
            let n = n.as_u64().expect("counts are integers");
            (n > 0).then(|| (code.clone(), n))
        })
        .collect()
}

/// Whether a key appears anywhere in a JSON document.
pub fn has_key(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

/// What watt must write for `input` (valid data) under the bundled energy schema and `key`:
/// the core's minimisation, pushed in 64 KiB chunks, as the shells do.
pub fn minimised_energy(input: &[u8], key: &str) -> Vec<u8> {
    use watt_core::{Minimiser, Options, PseudonymKey, Schema};
    let text = std::fs::read_to_string(energy_schema()).expect("the energy schema");
    let schema = Schema::from_json(&text).expect("the schema loads");
    let key = PseudonymKey::new(key.as_bytes()).expect("the test key");
    let mut m = Minimiser::new(&schema, Options::default(), Some(key)).expect("a minimiser");
    let mut out = Vec::new();
    for chunk in input.chunks(64 * 1024) {
        out.extend_from_slice(m.push(chunk));
    }
    let done = m.finish();
    out.extend(done.tail);
    assert!(done.report.valid, "the expected output is of valid data");
    out
}
