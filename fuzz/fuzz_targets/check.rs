//! The checker (and schema inference) on any bytes, under the fixtures schema and the
//! energy schema: no panic, the same report however the input is cut, a report that
//! serialises and whose counts add up, and an inferred schema that always loads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watt_core::infer::{InferOptions, infer};
use watt_core::{Checker, Report, Schema};
use watt_fuzz::{ENERGY, FIXTURES, chunks, options};

fn check(schema: &Schema, data: &[u8], pieces: &[&[u8]]) -> (Report, Report) {
    let mut whole = Checker::new(schema, options(data));
    whole.push(data);
    let mut cut = Checker::new(schema, options(data));
    for piece in pieces {
        cut.push(piece);
    }
    (whole.finish(), cut.finish())
}

fn assert_consistent(report: &Report, max_findings: usize) {
    let total: u64 = report.error_counts.values().sum();
    assert_eq!(
        total, report.findings_total,
        "errorCounts add up to findingsTotal"
    );
    assert_eq!(report.valid, report.findings_total == 0);
    assert!(report.findings.len() <= max_findings);
    assert_eq!(
        report.truncated,
        (report.findings.len() as u64) < report.findings_total
    );
    assert!(
        report.findings.iter().all(|f| f.cell.is_none()),
        "no value without --show-values"
    );
    let json = serde_json::to_string(report).expect("a report serialises");
    let back: Report = serde_json::from_str(&json).expect("a report reads back");
    assert_eq!(&back, report);
}

fuzz_target!(|data: &[u8]| {
    let pieces = chunks(data);
    for schema in [&*FIXTURES, &*ENERGY] {
        let (whole, cut) = check(schema, data, &pieces);
        assert_eq!(whole, cut, "the report does not depend on chunk boundaries");
        assert_consistent(&whole, options(data).max_findings);
    }
    let infer_options = InferOptions {
        rows: Some(50),
        ..InferOptions::default()
    };
    if let Ok(inference) = infer(data, &infer_options) {
        let draft = inference.to_json();
        if let Err(e) = Schema::from_json(&draft) {
            panic!("`watt schema infer` wrote a schema `watt check` refuses: {e}\n{draft}");
        }
    }
});
