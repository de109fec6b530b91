//! No personal value and no pseudonym ever leaves `watt lake` through a side channel: the
//! sample's people (their meter ids, customer numbers, names, e-mails, phones, addresses
//! and cities, and the pseudonyms of their meters and customer numbers) are planted in a
//! lake, local and on S3, and every command is run on it — `ls`, `expire` (listing, column
//! expiry, deletion), `find` (text, JSON, values on standard input, an export), `erase`
//! (dry, real, one killed mid-way, one refused), `recover` — and every standard output and
//! error, audit record, manifest, journal entry and lock is searched for each value, and
//! for the secrets (the key, the store's secret key). Only the export file, the answer to
//! the person, holds their rows.

mod common;
mod support;

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::Workdir;
use support::{S3Server, SECRET_KEY};
use watt_core::{PseudonymKey, Schema};

const KEY: &str = "watt-lake-privacy-key-0e1d2c3b4a5968778695a4b3c2d1e0f9";
const PRM: &str = "96472437173461";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv")
}

/// The sample's personal values, and the pseudonyms of its meters and customers.
fn planted() -> Vec<String> {
    let text = std::fs::read_to_string(common::energy_schema()).expect("the energy schema");
    let schema = Schema::from_json(&text).expect("the schema loads");
    let key = PseudonymKey::new(KEY.as_bytes()).expect("the key");
    let mut reader = csv::Reader::from_path(sample()).expect("the sample");
    let headers = reader.headers().expect("a header").clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.expect("a record");
        for (name, value) in headers.iter().zip(record.iter()) {
            let personal = matches!(
                name,
                "prm" | "customer_id" | "full_name" | "email" | "phone" | "address" | "city"
            );
            if personal && value.len() >= 4 {
                out.push(value.to_owned());
            }
            if matches!(name, "prm" | "customer_id") {
                let p = watt_core::minimise::pseudonym_of(&schema, name, value, &key)
                    .expect("a pseudonym");
                out.push(p);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Everything watt wrote beside the data: audit records, manifests, journal entries, the
/// lock, as (name, text).
fn side_files(w: &Workdir, s3: Option<&S3Server>) -> Vec<(String, String)> {
    let mut dirs = vec![w.path("logs"), w.path("datalake")];
    if let Some(s) = s3 {
        dirs.push(s.root.clone());
    }
    dirs.iter()
        .flat_map(|d| support::files_under(d))
        .filter(|p| {
            let name = p.to_string_lossy();
            !name.ends_with(".csv") && !name.contains(".watt-partial")
        })
        .filter_map(|p| {
            let text = String::from_utf8(std::fs::read(&p).ok()?).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

fn assert_clean(planted: &[String], what: &str, text: &str) {
    for value in planted {
        assert!(
            !text.contains(value.as_str()),
            "{what} contains the planted value {value:?}:\n{text}"
        );
    }
    for secret in [KEY, SECRET_KEY] {
        assert!(!text.contains(secret), "{what} contains a secret:\n{text}");
    }
}

#[test]
fn no_personal_value_or_pseudonym_in_any_output_audit_record_manifest_or_journal() {
    let planted = planted();
    assert!(planted.len() > 200, "{} values", planted.len());
    for on_s3 in [false, true] {
        let w = Workdir::new();
        let server = on_s3.then(|| S3Server::start(&w.path("store")));
        let run = |args: &[&str], stdin: Option<&str>| {
            let mut cmd = support::watt_in(&w.path("."), None);
            cmd.args(args).env("WATT_PSEUDONYM_KEY", KEY);
            if let Some(s) = &server {
                s.target(&mut cmd);
            }
            cmd.stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().expect("watt runs");
            let mut input = child.stdin.take().expect("stdin");
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).expect("stdin written");
            }
            drop(input);
            let out = child.wait_with_output().expect("watt ends");
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            (out.status.code().unwrap_or(-1), text)
        };
        let schema = w.write(
            "energy.schema.json",
            std::fs::read_to_string(common::energy_schema())
                .expect("the schema")
                .replace(
                    "\"legalBasis\": \"legitimate-interests\",\n        \"retention\": \"P3Y\"\n      }\n    }\n  ],",
                    "\"legalBasis\": \"legitimate-interests\",\n        \"retention\": \"P1Y\"\n      }\n    }\n  ],",
                ),
        );
        let day2 = w.write(
            "day2.csv",
            std::fs::read_to_string(sample())
                .expect("the sample")
                .replace("2024-01-15T", "2024-01-16T"),
        );
        let mut outputs = Vec::new();
        let mut go = |args: &[&str], stdin: Option<&str>| {
            let (code, text) = run(args, stdin);
            outputs.push((format!("watt {args:?}"), text.clone()));
            (code, text)
        };
        let (code, text) = go(
            &[
                "ingest",
                sample().to_str().expect("a path"),
                day2.to_str().expect("a path"),
                "--schema",
                schema.to_str().expect("a path"),
            ],
            None,
        );
        assert_eq!(code, 0, "{text}");
        go(&["lake", "ls"], None);
        go(&["lake", "ls", "--format", "json"], None);
        go(&["lake", "expire", "--now", "2099-01-01"], None);
        go(
            &["lake", "expire", "--format", "json", "--now", "2099-01-01"],
            None,
        );
        go(&["lake", "expire", "--lifecycle"], None);
        let (code, text) = go(&["lake", "find", "--field", "prm", PRM], None);
        assert_eq!(code, 0, "{text}");
        go(
            &["lake", "find", "--customer", "--format", "json"],
            Some("C7182728\nC4837049\n"),
        );
        let (code, text) = go(
            &[
                "lake",
                "find",
                "--field",
                "prm",
                "--export",
                "answer.csv",
                "--request-id",
                "P-1",
            ],
            Some(&format!("{PRM}\n04391440495238\n")),
        );
        assert_eq!(code, 0, "{text}");
        go(
            &[
                "lake",
                "erase",
                "--field",
                "prm",
                PRM,
                "--request-id",
                "P-2",
                "--dry-run",
            ],
            None,
        );
        // Refused requests: a request id that is a person's data, a field not pseudonymised.
        let (code, _) = go(
            &[
                "lake",
                "erase",
                "--field",
                "prm",
                PRM,
                "--request-id",
                "jean.dupont@example.com",
            ],
            None,
        );
        assert_eq!(code, 2);
        let (code, _) = go(
            &[
                "lake",
                "erase",
                "--field",
                "email",
                "zoe@example.com",
                "--request-id",
                "P-3",
            ],
            None,
        );
        assert_eq!(code, 2);
        // An erasure killed mid-way leaves journal entries: they are searched too.
        let mut cmd = support::watt_in(&w.path("."), None);
        cmd.args([
            "lake",
            "erase",
            "--customer",
            "C4837049",
            "--request-id",
            "P-4",
        ])
        .env("WATT_PSEUDONYM_KEY", KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        if let Some(s) = &server {
            s.target(&mut cmd);
            s.faults.hold_after.store(
                support::Hold::MANIFEST_PUT,
                std::sync::atomic::Ordering::SeqCst,
            );
        }
        let mut child = cmd.spawn().expect("watt runs");
        match &server {
            Some(s) => {
                assert!(s.faults.wait_held(&mut child));
            }
            None => std::thread::sleep(Duration::from_millis(150)),
        }
        let _ = child.kill();
        let _ = child.wait();
        if let Some(s) = &server {
            s.faults
                .hold_after
                .store(0, std::sync::atomic::Ordering::SeqCst);
        }
        let journal = side_files(&w, server.as_ref());
        for (name, text) in &journal {
            assert_clean(&planted, name, text);
        }
        go(&["lake", "recover"], None);
        let (code, text) = go(
            &[
                "lake",
                "erase",
                "--field",
                "prm",
                PRM,
                "--request-id",
                "P-5",
            ],
            None,
        );
        assert_eq!(code, 0, "{text}");
        go(&["lake", "expire", "--now", "2026-01-01T00:00:00Z"], None);
        let (code, text) = go(&["lake", "expire", "--apply", "--now", "2099-01-01"], None);
        assert_eq!(code, 0, "{text}");
        for (what, text) in &outputs {
            assert_clean(&planted, what, text);
        }
        let files = side_files(&w, server.as_ref());
        let audit: Vec<&(String, String)> =
            files.iter().filter(|(n, _)| n.contains("_audit")).collect();
        assert!(
            audit.len() >= 4,
            "{on_s3}: {:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for (name, text) in &files {
            assert_clean(&planted, name, text);
        }
        // The export, the answer to the person, is where their rows go.
        let export = std::fs::read_to_string(w.path("answer.csv")).expect("the export");
        assert_eq!(export.lines().count(), 1 + 2 * 16);
    }
}
