//! `watt scan FILE --schema S`: where is personal data the schema does not declare, and how
//! anonymous would the minimised output be? Nothing is written and no key is needed.
//!
//! Exit code 1 when the scan finds something to act on: personal data in a column declared
//! non-personal or not declared, k-anonymity below the threshold, or invalid data.

use std::ops::ControlFlow;

use watt_core::Options;
use watt_core::scan::Scanner;

use super::{Outcome, load_schema};
use crate::cli::{Format, ScanArgs};
use crate::error::CliError;
use crate::input::Input;
use crate::output::{self, Palette};

pub fn run(args: &ScanArgs) -> Result<Outcome, CliError> {
    let schema = load_schema(&args.schema)?;
    let mut input = Input::open(&args.file)?;
    let options = Options {
        dialect: super::load_dialect(&args.read)?,
        encoding: args.read.encoding,
        max_findings: args.max_findings,
        size_hint: input.size(),
        ..Options::default()
    };
    let mut scanner = Scanner::new(&schema, options);
    if let Some(spill) = crate::spill::config(args.read.spill_after) {
        scanner = scanner.with_spill(spill);
    }
    input.read_chunks(|chunk| {
        // Past a source error the rest would only be counted (see `check`).
        if scanner.stopped() {
            return ControlFlow::Break(());
        }
        scanner.push(chunk);
        ControlFlow::Continue(())
    })?;
    let report = scanner.finish();
    match args.format {
        Format::Json => output::to_stdout(|out| output::json::write(&report, out))?,
        Format::Text => {
            let palette = Palette::for_stdout();
            output::to_stdout(|out| {
                output::text::write(&report, &palette, out)?;
                output::minimisation::write_scan(&report, &palette, out)?;
                output::minimisation::write(&report, &palette, out)
            })?;
        }
    }
    let personal = report.scan.as_ref().is_some_and(|s| s.personal_data_found);
    let k_fails = report
        .minimisation
        .as_ref()
        .and_then(|m| m.k_anonymity.as_ref())
        .is_some_and(|k| !k.passes);
    Ok(if report.valid && !personal && !k_fails {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
