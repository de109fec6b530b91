//! `watt lake rekey` on the local lake: a rotation from key A to key B carried through —
//! data ingested under A, then under B; `find` across both; the objects under A moved to B
//! (each the very object B would have made); A's file deleted; `find` with B alone. Then
//! what the identifiers do not cover (the object stays, or `--sever-unmatched`), a plain
//! list of identifiers, and the refusals. No output, audit record or journal entry holds an
//! identifier or a pseudonym.

mod common;

use std::path::{Path, PathBuf};

use common::Workdir;
use serde_json::Value;
use watt_core::{PseudonymKey, Schema};

const KEY_A: &str = "rekey test key A: made up for this test only, 2024";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv")
}

fn sample_text() -> String {
    std::fs::read_to_string(sample()).expect("the sample")
}

/// The sample's (meter, customer) pairs.
fn people() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = csv::Reader::from_reader(sample_text().as_bytes())
        .records()
        .map(|r| {
            let r = r.expect("a record");
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pseudonym(field: &str, value: &str, key: &str) -> String {
    let text = std::fs::read_to_string(common::energy_schema()).expect("the schema");
    let schema = Schema::from_json(&text).expect("the schema loads");
    let key = PseudonymKey::new(key.as_bytes()).expect("a key");
    watt_core::minimise::pseudonym_of(&schema, field, value, &key).expect("a pseudonym")
}

fn key_file(w: &Workdir, name: &str, key: &str) -> PathBuf {
    let path = w.write(name, format!("{key}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    path
}

fn run(w: &Workdir, args: &[&str]) -> (i32, String) {
    let (code, out, err) = w.run(args);
    (code, format!("{out}{err}"))
}

/// The data objects of the local lake, with their manifests.
fn objects(w: &Workdir) -> Vec<(PathBuf, Value)> {
    let mut out: Vec<(PathBuf, Value)> = files(&w.path("datalake/watt-about-it"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            let m = std::fs::read(format!("{}.manifest.json", p.display())).expect("a manifest");
            (p, serde_json::from_slice(&m).expect("JSON"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A lake with the sample under key A and the sample a day later under key B (a rotation
/// in between, by `watt key rotate`); returns B.
fn rotated_lake(w: &Workdir) -> String {
    key_file(w, "a.key", KEY_A);
    let (code, said) = run(
        w,
        &[
            "ingest",
            sample().to_str().expect("the test setup"),
            "--key-file",
            "a.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    let (code, said) = run(w, &["key", "rotate", "--key-file", "a.key", "-o", "b.key"]);
    assert_eq!(code, 0, "{said}");
    let b = std::fs::read_to_string(w.path("b.key"))
        .expect("the new key")
        .trim()
        .to_owned();
    let day2 = w.write(
        "day2.csv",
        sample_text().replace("2024-01-15T", "2024-01-16T"),
    );
    let (code, said) = run(
        w,
        &[
            "ingest",
            day2.to_str().expect("the test setup"),
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    b
}

const RING: [&str; 4] = ["--key-file", "b.key", "--previous-key-file", "a.key"];

fn id(key: &str) -> String {
    PseudonymKey::new(key.as_bytes())
        .expect("the test setup")
        .id()
        .to_owned()
}

/// No identifier of the sample and no pseudonym of one, under A or B, in `text`.
fn nothing_personal(text: &str, b: &str) {
    for (meter, customer) in people() {
        for (field, v) in [("prm", &meter), ("customer_id", &customer)] {
            assert!(!text.contains(v.as_str()), "an identifier in: {text}");
            for k in [KEY_A, b] {
                assert!(
                    !text.contains(&pseudonym(field, v, k)),
                    "a pseudonym in: {text}"
                );
            }
        }
    }
}

#[test]
fn a_rekey_moves_every_object_to_the_current_key_and_the_old_key_can_go() {
    let w = Workdir::new();
    let b = rotated_lake(&w);
    let (a_id, b_id) = (id(KEY_A), id(&b));
    let (meter, customer) = people().remove(3);
    let mut said_all = String::new();

    // A person is found across both keys.
    let mut find = vec!["lake", "find", "--field", "prm", meter.as_str()];
    find.extend(RING);
    let (code, said) = run(&w, &find);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("row(s) in 2 object(s) of 2 searched"),
        "{said}"
    );
    let (code, said) = run(&w, &["lake", "ls"]);
    assert_eq!(code, 0, "{said}");
    let mut ids = [a_id.clone(), b_id.clone()];
    ids.sort();
    assert!(
        said.contains(&format!("objects by key: {} 1, {} 1", ids[0], ids[1])),
        "{said}"
    );

    // The dry run changes nothing and says what would be moved.
    let before = objects(&w);
    let sample_path = sample();
    let mut rekey = vec!["lake", "rekey", "--to", "CURRENT", "--identifiers"];
    rekey.push(sample_path.to_str().expect("the test setup"));
    rekey.extend(RING);
    let mut dry = rekey.clone();
    dry.push("--dry-run");
    let (code, said) = run(&w, &dry);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("(dry run: nothing changed)"), "{said}");
    assert!(said.contains("would move: "), "{said}");
    assert!(said.contains(&format!("key {a_id}: 80 distinct pseudonym(s) made by the identifiers, 0 not; 0 objects under it after the rekey: it can be destroyed")), "{said}");
    assert_eq!(objects(&w), before);
    said_all += &said;

    // The rekey.
    let (code, said) = run(&w, &rekey);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains(&format!("(key {a_id}: 640 cell(s) recoded, 0 severed)")),
        "{said}"
    );
    assert!(said.contains(&format!("key {a_id}: 80 distinct pseudonym(s) made by the identifiers, 0 not; 0 objects under it: it can be destroyed")), "{said}");
    said_all += &said;
    let after = objects(&w);
    assert_eq!(after.len(), 2);
    for (_, m) in &after {
        assert_eq!(m["keyId"], b_id.as_str());
    }
    let moved = after
        .iter()
        .find(|(p, _)| p.to_string_lossy().contains("_r"))
        .expect("the rewritten object");
    assert_eq!(moved.1["rekeys"][0]["fromKeyId"], a_id.as_str());
    assert_eq!(moved.1["rekeys"][0]["cellsRecoded"], 640);
    assert_eq!(moved.1["object"]["rows"], 320);
    // It is the object B would have made of the same file: byte for byte.
    let other = Workdir::new();
    key_file(&other, "b.key", &b);
    let (code, said) = run(
        &other,
        &[
            "ingest",
            sample().to_str().expect("the test setup"),
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    let made_by_b = &objects(&other)[0].0;
    assert_eq!(
        std::fs::read(&moved.0).expect("the test setup"),
        std::fs::read(made_by_b).expect("the test setup")
    );
    // The old object is gone; nothing is left in the journal.
    assert!(
        !before
            .iter()
            .any(|(p, _)| p.exists() && !after.iter().any(|(q, _)| q == p))
    );
    assert!(files(&w.path("logs/.pending-lake")).is_empty());

    // A destroyed: B alone finds the person in both objects, by meter and by customer.
    std::fs::remove_file(w.path("a.key")).expect("the test setup");
    let (code, said) = run(
        &w,
        &[
            "lake",
            "find",
            "--field",
            "prm",
            &meter,
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("row(s) in 2 object(s) of 2 searched"),
        "{said}"
    );
    let (code, said) = run(
        &w,
        &[
            "lake",
            "find",
            "--customer",
            &customer,
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("row(s) in 2 object(s) of 2 searched"),
        "{said}"
    );
    let (code, said) = run(&w, &["lake", "ls"]);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains(&format!("objects by key: {b_id} 2")),
        "{said}"
    );
    assert!(said.contains(&format!("rekeyed from {a_id}")), "{said}");

    // Nothing personal in what was said, in the audit trail, in the manifests.
    let mut recorded = String::new();
    for p in files(&w.path("datalake/_audit")) {
        recorded += &std::fs::read_to_string(p).expect("the test setup");
    }
    assert!(recorded.contains("\"action\":\"rekeyed\""), "{recorded}");
    assert!(recorded.contains("\"pseudonymsMatched\":80"), "{recorded}");
    for (_, m) in &after {
        recorded += &m["rekeys"].to_string();
    }
    nothing_personal(&said_all, &b);
    nothing_personal(&recorded, &b);
}

#[test]
fn pseudonyms_no_identifier_makes_keep_their_object_under_its_key_unless_severed() {
    let w = Workdir::new();
    let b = rotated_lake(&w);
    let a_id = id(KEY_A);
    // The register knows 10 rows' people, not the others.
    let part: String = sample_text()
        .lines()
        .take(11)
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("part.csv", &part);
    let known: Vec<(String, String)> = csv::Reader::from_reader(part.as_bytes())
        .records()
        .map(|r| {
            let r = r.expect("the test setup");
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    let unknown = people()
        .into_iter()
        .find(|p| !known.contains(p))
        .expect("someone not in the register");
    let before = objects(&w);
    let mut rekey = vec![
        "lake",
        "rekey",
        "--to",
        "CURRENT",
        "--identifiers",
        "part.csv",
    ];
    rekey.extend(RING);
    let (code, said) = run(&w, &rekey);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains(&format!(
            "key {a_id} still used by 1 object(s): not destroyable yet"
        )),
        "{said}"
    );
    assert!(
        said.contains("hold pseudonyms that no identifier given makes: it is not rewritten"),
        "{said}"
    );
    assert_eq!(objects(&w), before, "the object stays as it was");
    assert!(files(&w.path("logs/.pending-lake")).is_empty());
    nothing_personal(&said, &b);

    let old_rows = std::fs::read_to_string(
        &before
            .iter()
            .find(|(p, _)| !p.to_string_lossy().contains("day2"))
            .expect("the test setup")
            .0,
    )
    .expect("the test setup");
    // Severed: the object moves; the unknown person's rows keep one token, which nobody's
    // identifier finds any more; the others are found under B.
    let mut sever = rekey.clone();
    sever.push("--sever-unmatched");
    let (code, said) = run(&w, &sever);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains(" severed)"), "{said}");
    assert!(
        said.contains("(severed); 0 objects under it: it can be destroyed"),
        "{said}"
    );
    nothing_personal(&said, &b);
    let after = objects(&w);
    let moved = after
        .iter()
        .find(|(p, _)| p.to_string_lossy().contains("_r"))
        .expect("the rewritten object");
    let rows = std::fs::read_to_string(&moved.0).expect("the test setup");
    assert_eq!(rows.lines().count(), old_rows.lines().count());
    let under_a = pseudonym("prm", &unknown.0, KEY_A);
    let tokens: std::collections::BTreeSet<&str> = old_rows
        .lines()
        .zip(rows.lines())
        .filter(|(o, _)| o.starts_with(&under_a))
        .map(|(_, n)| n.split(',').next().expect("the test setup"))
        .collect();
    assert_eq!(tokens.len(), 1, "one token for one old pseudonym");
    let token = tokens.into_iter().next().expect("the test setup");
    assert_eq!(token.len(), under_a.len());
    assert_ne!(token, under_a);
    assert_ne!(token, pseudonym("prm", &unknown.0, &b));
    let (code, said) = run(
        &w,
        &[
            "lake",
            "find",
            "--field",
            "prm",
            &unknown.0,
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("row(s) in 1 object(s) of 2 searched"),
        "only day 2: {said}"
    );
    let (code, said) = run(
        &w,
        &[
            "lake",
            "find",
            "--field",
            "prm",
            &known[0].0,
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("row(s) in 2 object(s) of 2 searched"),
        "{said}"
    );
    assert_eq!(
        moved.1["rekeys"][0]["cellsSevered"].as_u64().map(|n| n > 0),
        Some(true)
    );
}

#[test]
fn a_plain_list_of_identifiers_and_the_refusals() {
    let w = Workdir::new();
    let b = rotated_lake(&w);
    let before = objects(&w);
    // A header naming no pseudonymised column: refused before anything changes.
    w.write("names.csv", "full_name,city\nA,B\n");
    let mut args = vec![
        "lake",
        "rekey",
        "--to",
        "CURRENT",
        "--identifiers",
        "names.csv",
    ];
    args.extend(RING);
    let (code, said) = run(&w, &args);
    assert_eq!(code, 2, "{said}");
    assert!(
        said.contains("names none of the pseudonymised columns to move (customer_id, prm)"),
        "{said}"
    );
    // --to another key than the current one.
    let mut args = vec![
        "lake",
        "rekey",
        "--to",
        "0123456789ab",
        "--identifiers",
        "names.csv",
    ];
    args.extend(RING);
    let (code, said) = run(&w, &args);
    assert_eq!(code, 2, "{said}");
    assert!(
        said.contains(&format!("the keyring's current key is {}", id(&b))),
        "{said}"
    );
    // A key not in the keyring: the object is reported, not moved.
    let (code, said) = run(
        &w,
        &[
            "lake",
            "rekey",
            "--to",
            "CURRENT",
            "--identifiers",
            "names.csv",
            "--key-file",
            "b.key",
        ],
    );
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains(&format!(
            "it was made with key {}, which is not in the keyring",
            id(KEY_A)
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "key {} (not in the keyring); key {} still used by 1 object(s)",
            id(KEY_A),
            id(KEY_A)
        )),
        "{said}"
    );
    assert_eq!(objects(&w), before);
    // Plain lists, one per column: both columns' pseudonyms move.
    let people = people();
    let meters: String = people.iter().map(|p| format!("{}\n", p.0)).collect();
    let customers: String = people.iter().map(|p| format!("{}\n", p.1)).collect();
    w.write("meters.txt", meters);
    w.write("customers.txt", customers);
    let mut args = vec![
        "lake",
        "rekey",
        "--to",
        "CURRENT",
        "--field",
        "prm",
        "--identifiers",
        "meters.txt",
        "--sever-unmatched",
    ];
    args.extend(RING);
    let mut dry = args.clone();
    dry.push("--dry-run");
    let (code, said) = run(&w, &dry);
    assert_eq!(code, 0, "{said}");
    // Without the customers, their 320 cells would be severed.
    assert!(
        said.contains("(key ") && said.contains(": 320 cell(s) recoded, 320 severed)"),
        "{said}"
    );
    // Only the customers, by the fingerprint of B: the meters cannot move, nothing is
    // severed, the object stays.
    let b_id = id(&b);
    let mut args = vec![
        "lake",
        "rekey",
        "--to",
        &b_id,
        "--field",
        "customer_id",
        "--identifiers",
        "customers.txt",
    ];
    args.extend(RING);
    let (code, said) = run(&w, &args);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("still used by 1 object(s): not destroyable yet"),
        "{said}"
    );
    assert_eq!(objects(&w), before);
    nothing_personal(&said, &b);
}
