//! `watt check FILE --schema SCHEMA`: validates a CSV file and prints the report;
//! `watt check datapackage.json`: every table of a Data Package (see [`crate::package`]).
//!
//! The file is streamed through the core's [`Checker`] chunk by chunk; the report is
//! printed as the core made it (JSON) or rendered for people (text). The JSON is exactly
//! what the browser produces for the same file: nothing is added here.

use std::ops::ControlFlow;

use watt_core::{Checker, Options, Report};

use super::{Outcome, load_schema};
use crate::cli::{CheckArgs, Format};
use crate::error::CliError;
use crate::input::Input;
use crate::output::{self, Palette};

pub fn run(args: &CheckArgs) -> Result<Outcome, CliError> {
    if args.is_package() {
        return crate::package::check(args);
    }
    let Some(schema) = &args.schema else {
        // The command line refuses this before (`CheckArgs::usage`).
        return Err(CliError::PackageInvalid {
            path: args.file.display().to_string(),
            problem: "--schema is required to check a CSV file".into(),
        });
    };
    let schema = load_schema(schema)?;
    let mut input = Input::open(&args.file)?;
    let options = Options {
        dialect: super::load_dialect(&args.read)?,
        encoding: args.read.encoding,
        max_findings: args.max_findings,
        show_values: args.show_values,
        size_hint: input.size(),
        ..Options::default()
    };
    let mut checker = Checker::new(&schema, options);
    if let Some(spill) = crate::spill::config(args.read.spill_after) {
        checker = checker.with_spill(spill);
    }
    let report = check_input(checker, &mut input)?;
    match args.format {
        Format::Json => output::to_stdout(|out| output::json::write(&report, out))?,
        Format::Text => {
            let palette = Palette::for_stdout();
            output::to_stdout(|out| output::text::write(&report, &palette, out))?;
        }
    }
    Ok(if report.valid {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

/// Feeds `input` to `checker` to its end (or to a source error) and returns the report.
pub fn check_input(mut checker: Checker, input: &mut Input) -> Result<Report, CliError> {
    input.read_chunks(|chunk| {
        // Past a source error the rest would only be counted: an endless stream of NUL
        // bytes must end the check, not be read forever.
        if checker.stopped() {
            return ControlFlow::Break(());
        }
        checker.push(chunk);
        ControlFlow::Continue(())
    })?;
    Ok(checker.finish())
}
