//! The schema loader on any text: no panic, and a schema that loads can be used — its
//! register printed, a file checked, scanned and (with a policy) minimised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watt_core::scan::Scanner;
use watt_core::{Checker, Minimiser, Options, Schema, register};
use watt_fuzz::key;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(schema) = Schema::from_json(text) else {
        return;
    };
    // The register: a header and one record of 8 cells per field, however odd the texts.
    let inventory = register::data_inventory_csv(&schema);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(inventory.as_bytes());
    let records: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("the register is CSV"))
        .collect();
    assert_eq!(records.len(), 1 + schema.fields.len());
    assert!(records.iter().all(|r| r.len() == register::COLUMNS.len()));

    // A small file: the header, a row of typical values, a row of empty cells, a row of junk.
    let header: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    let width = header.len();
    let mut csv = String::new();
    for row in [
        header.clone(),
        vec!["1"; width],
        vec![""; width],
        vec!["x\u{e9}@a.fr 06 12 34 56 78"; width],
    ] {
        let quoted: Vec<String> = row
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        csv.push_str(&quoted.join(","));
        csv.push('\n');
    }
    let mut checker = Checker::new(&schema, Options::default());
    checker.push(csv.as_bytes());
    let report = checker.finish();
    assert_eq!(report.stats.rows, 3);

    let mut scanner = Scanner::new(&schema, Options::default());
    scanner.push(csv.as_bytes());
    let _ = scanner.finish();

    if let Ok(mut m) = Minimiser::new(&schema, Options::default(), Some(key())) {
        let mut out = m.push(csv.as_bytes()).to_vec();
        out.extend(m.finish().tail);
        assert!(std::str::from_utf8(&out).is_ok());
    }
});
