//! The bundled samples in `data/samples/`: valid against the energy schema, reproducible
//! from the command in their README, k-anonymous as the README says, and holding exactly
//! the planted values the README lists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use watt_bench::energy::{Generator, Settings, default_start};
use watt_core::{Checker, Options, Report, Schema};

const STANDARD: &str = "data/samples/sample_energy_consumption.csv";
const FRENCH: &str = "data/samples/sample_energy_consumption_fr.csv";
const README: &str = "data/samples/README.md";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository")
        .to_path_buf()
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn schema() -> Schema {
    let text = String::from_utf8(read("data/schemas/energy_consumption.schema.json"))
        .expect("the schema is UTF-8");
    Schema::from_json(&text).expect("the bundled schema loads")
}

fn check(data: &[u8], chunk: usize) -> Report {
    let mut checker = Checker::new(&schema(), Options::default());
    for c in data.chunks(chunk) {
        checker.push(c);
    }
    checker.finish()
}

#[test]
fn samples_are_valid_for_the_core() {
    for (path, delimiter, decimal, bom, terminator) in [
        (STANDARD, ',', '.', false, "\n"),
        (FRENCH, ';', ',', true, "\r\n"),
    ] {
        let data = read(path);
        for chunk in [1 << 20, 4096, 7] {
            let report = check(&data, chunk);
            assert!(
                report.valid,
                "{path} ({chunk}-byte chunks): {:#?}",
                report.findings
            );
            assert_eq!(report.stats.rows, 320, "{path}");
            assert_eq!(report.stats.columns, 12, "{path}");
            assert_eq!(report.stats.bytes, data.len() as u64, "{path}");
            assert_eq!(report.dialect.delimiter, delimiter, "{path}");
            assert_eq!(report.dialect.decimal_char, decimal, "{path}");
            assert_eq!(report.dialect.line_terminator, terminator, "{path}");
            assert!(report.dialect.header, "{path}");
            assert_eq!(report.encoding.bom, bom, "{path}");
            assert_eq!(report.encoding.name, "utf-8", "{path}");
        }
    }
}

/// The `gen-energy` command lines of the README, as argument lists.
fn readme_commands() -> Vec<Vec<String>> {
    let readme = String::from_utf8(read(README)).expect("the README is UTF-8");
    readme
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("cargo run --release -p watt-bench --bin gen-energy -- ")
        })
        .map(|args| args.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn readme_commands_reproduce_the_samples_byte_for_byte() {
    let commands = readme_commands();
    assert_eq!(commands.len(), 2, "the README gives one command per sample");
    let mut outs = BTreeSet::new();
    for (i, args) in commands.iter().enumerate() {
        let at = args.iter().position(|a| a == "--out").expect("--out FILE");
        let committed = args[at + 1].clone();
        outs.insert(committed.clone());
        let fresh = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sample-{i}.csv"));
        let mut args = args.clone();
        args[at + 1] = fresh.display().to_string();
        let status = Command::new(env!("CARGO_BIN_EXE_gen-energy"))
            .args(&args)
            .output()
            .unwrap();
        assert!(status.status.success(), "{args:?}: {status:?}");
        let fresh = std::fs::read(&fresh).unwrap();
        assert!(
            fresh == read(&committed),
            "{committed} differs from a fresh `gen-energy {}`: regenerate it",
            args.join(" ")
        );
    }
    assert_eq!(
        outs,
        BTreeSet::from([STANDARD.to_owned(), FRENCH.to_owned()])
    );
}

fn records(path: &str, delimiter: u8) -> Vec<csv::StringRecord> {
    let data = read(path);
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&data);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(body)
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn both_styles_hold_the_same_rows() {
    let standard = records(STANDARD, b',');
    let french = records(FRENCH, b';');
    assert_eq!(standard.len(), 320);
    assert_eq!(french.len(), 320);
    for (s, f) in standard.iter().zip(&french) {
        for col in 0..12 {
            if col == 9 {
                assert_eq!(s[col].replace('.', ","), f[col]);
            } else {
                assert_eq!(s[col], f[col]);
            }
        }
    }
}

#[test]
fn sample_is_k_anonymous_on_departement_and_hour() {
    let rows = records(STANDARD, b',');
    let mut per_group: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut per_dept: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut windows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &rows {
        let (customer, postcode, ts) = (&r[1], &r[6], &r[8]);
        let group = (postcode[..2].to_owned(), ts[..13].to_owned());
        per_group
            .entry(group)
            .or_default()
            .insert(customer.to_owned());
        per_dept
            .entry(postcode[..2].to_owned())
            .or_default()
            .insert(customer.to_owned());
        windows
            .entry(r[0].to_owned())
            .or_default()
            .push(ts.to_owned());
    }
    assert_eq!(windows.len(), 40, "40 meters");
    let window = windows.values().next().unwrap().clone();
    assert_eq!(window.len(), 8);
    assert_eq!(window[0], "2024-01-15T18:00:00+01:00");
    assert_eq!(window[7], "2024-01-15T21:30:00+01:00");
    assert!(windows.values().all(|w| *w == window), "one shared window");
    assert!(per_dept.len() >= 5, "{per_dept:?}");
    assert!(per_dept.values().all(|c| c.len() >= 6), "{per_dept:?}");
    // Every (département, hour) group holds all the customers of the département.
    assert_eq!(per_group.len(), per_dept.len() * 4);
    for ((dept, _), customers) in &per_group {
        assert_eq!(customers, &per_dept[dept]);
    }
}

/// `(row number, kind, value)` of every value planted in the sample's comments, with the
/// row numbers watt reports (the header is row 1).
fn planted() -> Vec<(u64, &'static str, String)> {
    let mut generator = Generator::new(&Settings {
        meters: 40,
        seed: 2024,
        start: default_start(),
    })
    .expect("the sample's settings are valid");
    let mut out = Vec::new();
    for row in 2..=321 {
        for p in generator.next_row().planted {
            out.push((row, p.kind.as_str(), p.value.clone()));
        }
    }
    out
}

/// The rows of the README table that starts after `heading`.
fn readme_table(heading: &str) -> Vec<Vec<String>> {
    let readme = String::from_utf8(read(README)).expect("the README is UTF-8");
    let (_, after) = readme
        .split_once(heading)
        .unwrap_or_else(|| panic!("README has {heading:?}"));
    after
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn readme_lists_every_planted_value() {
    let planted = planted();
    let listed: Vec<(u64, String, String)> = readme_table("## Planted values")
        .into_iter()
        .map(|c| (c[0].parse().unwrap(), c[1].clone(), c[2].clone()))
        .collect();
    let expected: Vec<(u64, String, String)> = planted
        .iter()
        .map(|(r, k, v)| (*r, (*k).to_owned(), v.clone()))
        .collect();
    if listed != expected {
        let table: Vec<String> = expected
            .iter()
            .map(|(r, k, v)| format!("| {r} | {k} | `{v}` |"))
            .collect();
        panic!(
            "the README's planted values are out of date; they are:\n{}",
            table.join("\n")
        );
    }
    // Each value is in its row's comment, in both files.
    for (path, delimiter) in [(STANDARD, b','), (FRENCH, b';')] {
        let rows = records(path, delimiter);
        for (row, kind, value) in &planted {
            let comment = &rows[(*row - 2) as usize][11];
            assert!(comment.contains(value.as_str()), "{kind} at row {row}");
        }
    }
}

#[test]
fn readme_counts_match_the_planted_values() {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for (_, kind, _) in planted() {
        *counts.entry(kind.to_owned()).or_default() += 1;
    }
    let listed: BTreeMap<String, u64> = readme_table("## What is planted")
        .into_iter()
        .map(|c| (c[0].clone(), c[1].parse().unwrap()))
        .collect();
    assert_eq!(listed, counts);
}
