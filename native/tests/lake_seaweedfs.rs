//! `watt lake` against a real SeaweedFS on 127.0.0.1 (`support/seaweedfs.rs`), for what
//! the in-process s3s-fs lacks: buckets that keep versions. With versioning on, an erased
//! or expired object must leave no earlier version behind (every version of the bucket is
//! read back and searched); with it off, the same commands work as in any bucket; a bucket
//! whose versions cannot be deleted (Object Lock), or credentials that cannot list them,
//! are refused before anything changes.

mod common;
mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::seaweedfs::{ACCESS_KEY, NO_LIST_KEY, NO_LIST_SECRET, S3, SECRET_KEY, weed};
use watt_core::{PseudonymKey, Schema};

const KEY: &str = "watt-lake-seaweedfs-key-7d3e1f9a5c2b4e6f8a0b1c2d3e4f5a6b";
const PRM: &str = "96472437173461";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv")
}

fn pseudonym(value: &str) -> String {
    let text = std::fs::read_to_string(common::energy_schema()).expect("the energy schema");
    let schema = Schema::from_json(&text).expect("the schema loads");
    let key = PseudonymKey::new(KEY.as_bytes()).expect("the key");
    watt_core::minimise::pseudonym_of(&schema, "prm", value, &key).expect("a pseudonym")
}

/// A bucket of the test SeaweedFS and a working folder.
struct Bucket {
    name: String,
    w: common::Workdir,
    s3: S3,
}

impl Bucket {
    fn new(name: &str, versioned: bool, locked: bool) -> Bucket {
        let s3 = S3::admin();
        s3.bucket(name, versioned, locked);
        Bucket {
            name: name.to_owned(),
            w: common::Workdir::new(),
            s3,
        }
    }

    /// `watt ARGS` on the bucket with the given credentials.
    fn run_as(&self, access: &str, secret: &str, args: &[&str]) -> (i32, String) {
        let mut cmd = support::watt_in(&self.w.path("."), None);
        cmd.args(args)
            .args(["--bucket", &self.name, "--endpoint-url", &weed().endpoint])
            .env("AWS_ACCESS_KEY_ID", access)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("WATT_PSEUDONYM_KEY", KEY);
        support::run_text(&mut cmd)
    }

    fn run(&self, args: &[&str]) -> (i32, String) {
        self.run_as(ACCESS_KEY, SECRET_KEY, args)
    }

    /// The sample, and the sample a day later: two objects holding the person.
    fn two_days(&self) -> Vec<String> {
        let day2 = self.w.write(
            "readings_2024-01-16.csv",
            std::fs::read_to_string(sample())
                .expect("the sample")
                .replace("2024-01-15T", "2024-01-16T"),
        );
        let (code, said) = self.run(&[
            "ingest",
            sample().to_str().expect("a path"),
            day2.to_str().expect("a path"),
        ]);
        assert_eq!(code, 0, "{said}");
        self.data_keys()
    }

    fn data_keys(&self) -> Vec<String> {
        self.s3
            .keys(&self.name, "watt-about-it/")
            .into_iter()
            .filter(|k| k.ends_with(".csv"))
            .collect()
    }

    /// Every version of every object under the prefix, with its bytes.
    fn every_version(&self) -> Vec<(String, String, Vec<u8>)> {
        self.s3
            .versions(&self.name, "watt-about-it/")
            .into_iter()
            .filter(|v| !v.delete_marker)
            .map(|v| {
                let bytes = self.s3.version(&self.name, &v.key, &v.id);
                (v.key, v.id, bytes)
            })
            .collect()
    }
}

/// No version of anything holds the pseudonym; the old keys have no version at all.
fn nothing_left(b: &Bucket, old: &[String], p: &str) {
    let versions = b.every_version();
    assert!(!versions.is_empty());
    for (key, id, bytes) in &versions {
        assert!(
            !String::from_utf8_lossy(bytes).contains(p),
            "{}: version {id} of {key} still holds the erased rows",
            b.name
        );
    }
    let all = b.s3.versions(&b.name, "watt-about-it/");
    for key in old {
        assert!(
            !all.iter()
                .any(|v| &v.key == key || v.key == format!("{key}.manifest.json")),
            "{}: {key} keeps versions or delete markers: {all:?}",
            b.name
        );
    }
}

#[test]
fn an_erasure_leaves_no_earlier_version_holding_the_rows() {
    for (name, versioned) in [("erase-versioned", true), ("erase-unversioned", false)] {
        let b = Bucket::new(name, versioned, false);
        let old = b.two_days();
        assert_eq!(old.len(), 2);
        let p = pseudonym(PRM);
        let (code, said) = b.run(&[
            "lake",
            "erase",
            "--field",
            "prm",
            PRM,
            "--request-id",
            "DSR-7",
        ]);
        assert_eq!(code, 0, "{name}: {said}");
        assert!(
            said.contains("16 row(s) in 2 object(s) of 2 searched"),
            "{said}"
        );
        if versioned {
            assert!(
                said.contains("(1 version(s) of the old object deleted)"),
                "{name}: {said}"
            );
        } else {
            assert!(!said.contains("version(s)"), "{name}: {said}");
        }
        nothing_left(&b, &old, &p);
        let (code, said) = b.run(&["lake", "find", "--field", "prm", PRM]);
        assert_eq!(code, 0, "{said}");
        assert!(
            said.contains("0 row(s) in 0 object(s) of 2 searched"),
            "{said}"
        );
        let (code, said) = b.run(&["lake", "ls", "--format", "json"]);
        assert_eq!(code, 0, "{said}");
        let ls: Value = serde_json::from_str(&said).expect("JSON");
        for o in ls["objects"].as_array().expect("objects") {
            assert_eq!(o["rows"], 312);
            assert_eq!(o["rowsErased"], 8);
        }
        // Nothing of watt's own is left: no lock, no probe, in any version.
        let hidden: Vec<_> =
            b.s3.versions(&b.name, "watt-about-it/raw/.")
                .into_iter()
                .collect();
        assert!(hidden.is_empty(), "{name}: {hidden:?}");
    }
}

#[test]
fn an_expiry_in_a_versioned_bucket_leaves_no_version() {
    let b = Bucket::new("expire-versioned", true, false);
    let old = b.two_days();
    let (code, said) = b.run(&["lake", "expire", "--now", "2099-01-01", "--apply"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("2 expired"), "{said}");
    assert!(said.contains("1 version(s) deleted"), "{said}");
    assert!(b.data_keys().is_empty());
    let left = b.s3.versions(&b.name, "watt-about-it/");
    assert!(left.is_empty(), "no version, no delete marker: {left:?}");
    // The audit trail stays, beside the prefix.
    let audit = b.s3.keys(&b.name, "_audit/");
    assert_eq!(audit.len(), 1, "{audit:?}");
    let records = String::from_utf8(b.s3.get(&b.name, &audit[0])).expect("UTF-8");
    assert_eq!(records.matches("\"action\":\"expired\"").count(), 2);
    assert_eq!(records.matches("\"versionsDeleted\":1").count(), 2);
    let _ = old;
}

#[test]
fn a_bucket_whose_versions_cannot_be_deleted_is_refused_before_anything() {
    let b = Bucket::new("erase-locked", true, true);
    let old = b.two_days();
    let before = b.s3.versions(&b.name, "watt-about-it/2");
    let (code, said) = b.run(&[
        "lake",
        "erase",
        "--field",
        "prm",
        PRM,
        "--request-id",
        "DSR-8",
    ]);
    assert_eq!(code, 3, "{said}");
    assert!(
        said.contains(
            "the bucket keeps versions (enabled) and these credentials cannot delete versions"
        ),
        "{said}"
    );
    assert!(said.contains("nothing was changed"), "{said}");
    assert_eq!(b.data_keys(), old);
    assert_eq!(b.s3.versions(&b.name, "watt-about-it/2"), before);
    assert!(b.s3.keys(&b.name, "_audit/").is_empty());
    assert!(
        support::files_under(&b.w.path("logs/.pending-lake")).is_empty(),
        "nothing left for a next run to do"
    );
    // Expiry is refused the same way.
    let (code, said) = b.run(&["lake", "expire", "--now", "2099-01-01", "--apply"]);
    assert_eq!(code, 3, "{said}");
    assert_eq!(b.data_keys(), old);
}

#[test]
fn credentials_that_cannot_list_versions_are_refused_before_anything() {
    let b = Bucket::new("erase-nolist", true, false);
    let old = b.two_days();
    let (code, said) = b.run_as(
        NO_LIST_KEY,
        NO_LIST_SECRET,
        &[
            "lake",
            "erase",
            "--field",
            "prm",
            PRM,
            "--request-id",
            "DSR-9",
        ],
    );
    assert_eq!(code, 3, "{said}");
    assert!(said.contains("nothing was changed"), "{said}");
    assert!(
        !said.contains(NO_LIST_SECRET) && !said.contains(NO_LIST_KEY),
        "{said}"
    );
    assert_eq!(b.data_keys(), old);
    let p = pseudonym(PRM);
    let held = b
        .every_version()
        .iter()
        .filter(|(_, _, bytes)| String::from_utf8_lossy(bytes).contains(&p))
        .count();
    assert_eq!(held, 2, "the two objects are untouched");
}

#[test]
fn earlier_versions_of_objects_deleted_outside_watt_are_said_not_ignored() {
    let b = Bucket::new("stale-versions", true, false);
    let old = b.two_days();
    // Somebody deletes an object and its manifest with another tool: the data stays, as a
    // version that no listing shows.
    b.s3.delete(&b.name, &old[0]);
    b.s3.delete(&b.name, &format!("{}.manifest.json", old[0]));
    let (code, said) = b.run(&["lake", "find", "--field", "prm", PRM]);
    assert_eq!(code, 1, "incomplete: {said}");
    assert!(
        said.contains("8 row(s) in 1 object(s) of 1 searched"),
        "{said}"
    );
    assert!(
        said.contains("1 earlier version(s) of 1 object(s) under the prefix are not current"),
        "{said}"
    );
    assert!(said.contains(&old[0]), "{said}");
    let (code, said) = b.run(&[
        "lake",
        "erase",
        "--field",
        "prm",
        PRM,
        "--request-id",
        "DSR-10",
    ]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("they may hold the person's rows"), "{said}");
    let p = pseudonym(PRM);
    let still: Vec<String> = b
        .every_version()
        .into_iter()
        .filter(|(_, _, bytes)| String::from_utf8_lossy(bytes).contains(&p))
        .map(|(k, _, _)| k)
        .collect();
    assert_eq!(
        still,
        [old[0].clone()],
        "only the version watt was told of, not its own"
    );
}
