//! The personal-data detectors on any text: no panic, and matches that are in order, do
//! not overlap, and lie on character boundaries (the redactor slices the text with them).
//! Also the check-digit functions and the column-name/value suggestions of `schema infer`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watt_core::infer::suggest_gdpr;
use watt_core::pii::{KindSet, PiiKind, detect, iban_valid, luhn_valid, nir_valid, siret_valid};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut found = Vec::new();
    detect(&text, KindSet::ALL, &mut found);
    let mut end = 0;
    for m in &found {
        assert!(m.start >= end, "matches are in order and do not overlap");
        assert!(m.start < m.end, "a match is not empty");
        assert!(
            text.get(m.start..m.end).is_some(),
            "a match lies on character boundaries"
        );
        end = m.end;
    }
    // One kind at a time: the same invariants.
    for kind in PiiKind::ALL {
        detect(&text, KindSet::of(&[kind]), &mut found);
        assert!(
            found
                .iter()
                .all(|m| m.kind == kind && text.get(m.start..m.end).is_some())
        );
    }
    let _ = (
        luhn_valid(data),
        siret_valid(data),
        nir_valid(data),
        iban_valid(data),
    );
    let mut lines = text.lines();
    let name = lines.next().unwrap_or_default();
    let values: Vec<&str> = lines.take(200).collect();
    let _ = suggest_gdpr(name, &values);
});
