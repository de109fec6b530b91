//! The report as JSON: the core's [`Report`] serialised as is (pretty-printed), so the
//! command line and the browser give the same document. Its keys are documented in
//! `docs/report-format.md`.

use std::io::{self, Write};

use watt_core::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
