//! The minimiser on any bytes, under the energy policy and a policy over the fixtures'
//! fields that uses every action: no panic, the same output bytes and report however the
//! input is cut, and output that is UTF-8 CSV with as many cells in every row as in the
//! header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watt_core::{Minimiser, Report, Schema};
use watt_fuzz::{ENERGY, FIXTURES_POLICY, chunks, key, options};

fn minimise(schema: &Schema, data: &[u8], pieces: &[&[u8]]) -> (Vec<u8>, Report) {
    let mut m = Minimiser::new(schema, options(data), Some(key())).expect("policy and key given");
    let mut out = Vec::new();
    for piece in pieces {
        out.extend_from_slice(m.push(piece));
    }
    let done = m.finish();
    out.extend_from_slice(&done.tail);
    (out, done.report)
}

/// Every row of the output has the header's number of cells (read back with the csv crate
/// the core already depends on, which is independent of the core's own writer).
fn assert_rectangular(out: &[u8], columns: usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out);
    for record in reader.byte_records() {
        let record = record.expect("the output is well-formed CSV");
        assert_eq!(
            record.len(),
            columns,
            "every output row has the header's width"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let pieces = chunks(data);
    for schema in [&*ENERGY, &*FIXTURES_POLICY] {
        let (whole_out, whole_report) = minimise(schema, data, &[data]);
        let (cut_out, cut_report) = minimise(schema, data, &pieces);
        assert_eq!(
            whole_out, cut_out,
            "output bytes do not depend on chunk boundaries"
        );
        assert_eq!(whole_report, cut_report, "nor does the report");
        assert!(
            std::str::from_utf8(&whole_out).is_ok(),
            "the output is UTF-8"
        );
        let minimisation = whole_report
            .minimisation
            .as_ref()
            .expect("a minimisation report");
        if !whole_out.is_empty() {
            assert_rectangular(&whole_out, minimisation.columns_out.len());
        }
    }
});
