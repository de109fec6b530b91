//! The evidence pack is current: `bash scripts/evidence.sh --check --only watt` regenerates,
//! in a scratch folder, every proof the `watt` binary makes (check, minimisation and ingest
//! reports, run log, manifest, register, key handling, fuzzing and fault figures, the index)
//! and the generated parts of `docs/model-card.md` and `docs/policies/retention-schedule.md`,
//! and fails when one differs from what is committed — as the register's drift test does for
//! `docs/data_inventory.csv`. Regenerate with `bash scripts/evidence.sh`.
//!
//! Also: the index names at least ten proofs, each with a control and a command, and each
//! file it links to exists.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_evidence_pack_model_card_and_retention_schedule_are_current() {
    let out = Command::new("bash")
        .arg("scripts/evidence.sh")
        .args(["--check", "--only", "watt"])
        .current_dir(root())
        .env("WATT", env!("CARGO_BIN_EXE_watt"))
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the evidence pack is not current: regenerate it with `bash scripts/evidence.sh`\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_index_names_each_proof_its_control_and_its_command() {
    let index = std::fs::read_to_string(root().join("docs/evidence/index.md")).expect("index");
    let rows: Vec<Vec<&str>> = index
        .lines()
        .filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit()))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert!(rows.len() >= 10, "{} proofs", rows.len());
    for row in &rows {
        assert_eq!(row.len(), 5, "{row:?}");
        let link = row[1]
            .split("](")
            .nth(1)
            .and_then(|s| s.split(')').next())
            .unwrap_or_else(|| panic!("a link: {row:?}"));
        assert!(
            root().join("docs/evidence").join(link).is_file(),
            "{link} does not exist"
        );
        assert!(
            row[3].contains("Art.") || row[3].contains("policy"),
            "a control: {row:?}"
        );
        assert!(row[4].contains('`'), "a command: {row:?}");
    }
}
