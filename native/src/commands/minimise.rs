//! `watt minimise FILE --schema S -o OUT`: applies the schema's GDPR policy and writes the
//! minimised CSV.
//!
//! The output is written to a temporary file next to `OUT` and renamed into place only when
//! the data is valid: an invalid file leaves no output behind (unless `--allow-invalid`), and
//! a reader of `OUT` never sees half a file. The source is only read. A summary goes to
//! standard error, the full report to `--report FILE` or, with `--format json`, to standard
//! output.

use std::io::Write;
use std::ops::ControlFlow;

use watt_core::{Minimiser, Options};

use super::{Outcome, load_schema};
use crate::cli::{Format, MinimiseArgs};
use crate::error::CliError;
use crate::input::Input;
use crate::key;
use crate::output::file::{OutputFile, write_whole};
use crate::output::{self, Palette};
use crate::same_file::{Role, dot_env, refuse_overlaps};
use crate::staged;

pub fn run(args: &MinimiseArgs) -> Result<Outcome, CliError> {
    let mut inputs = vec![
        Role::new("the data file", &args.file),
        Role::new("the schema", &args.schema),
        dot_env(),
    ];
    if let Some(key) = &args.keys.key_file {
        inputs.push(Role::new("the key file", key));
    }
    if let Some(dialect) = &args.read.dialect_file {
        inputs.push(Role::new("the dialect", dialect));
    }
    let mut outputs = vec![Role::new("the minimised CSV", &args.output)];
    if let Some(report) = &args.report {
        outputs.push(Role::new("the report", report));
    }
    refuse_overlaps(&inputs, &outputs)?;
    let schema = load_schema(&args.schema)?;
    let to_stdout = args.output.as_os_str() == "-";
    let key = key::load(&args.keys)?.map(|k| k.key);
    let mut input = Input::open(&args.file)?;
    let options = Options {
        dialect: super::load_dialect(&args.read)?,
        encoding: args.read.encoding,
        max_findings: args.max_findings,
        size_hint: input.size(),
        ..Options::default()
    };
    let spill = crate::spill::config(args.read.spill_after);
    let make = || -> Result<Minimiser, CliError> {
        let m =
            Minimiser::new(&schema, options.clone(), key.clone()).map_err(CliError::minimise)?;
        Ok(match &spill {
            Some(spill) => m.with_spill(spill.clone()),
            None => m,
        })
    };
    let minimiser = make()?;
    // One minimising thread per core besides this one's reading (see `crate::staged`).
    let more = (1..staged::backs())
        .map(|_| make())
        .collect::<Result<Vec<_>, _>>()?;
    let mut sink = OutputFile::open(&args.output)?;
    let mut write_error = None;
    // Read to the end even once the data is known invalid (which `watt ingest` does not):
    // the report is then the browser's for the same file, every finding counted, which is
    // what a producer needs to fix the file.
    let until = staged::Until::End;
    // Validation on this thread, minimisation and writing on others.
    let staged = staged::minimise(
        minimiser,
        more,
        until,
        |f| input.read_chunks(f),
        &mut |bytes| match sink.write(bytes) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        },
    )?;
    let report = match (staged, write_error) {
        (_, Some(e)) => return Err(e),
        (Some(staged), None) => staged.report,
        // Only a failed write stops the run; should it stop otherwise, nothing is kept.
        (None, None) => {
            return Err(CliError::OutputUnwritable {
                path: args.output.display().to_string(),
                source: std::io::Error::other("minimisation stopped before the end"),
            });
        }
    };
    let keep = report.valid || args.allow_invalid;
    let written = sink.finish(keep)?;
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        write_whole(path, format!("{json}\n").as_bytes())?;
    }
    let palette = Palette::for_stderr();
    let mut err = std::io::stderr().lock();
    let _ = output::text::write(&report, &palette, &mut err);
    let _ = output::minimisation::write(&report, &palette, &mut err);
    let _ = match (&written, report.valid) {
        (Some(path), _) => writeln!(err, "wrote {}", path.display()),
        (None, false) if !to_stdout => writeln!(
            err,
            "nothing written: the data is invalid (fix it, or pass --allow-invalid to write the minimised rows anyway)"
        ),
        _ => Ok(()),
    };
    if args.format == Format::Json && !to_stdout {
        output::to_stdout(|out| output::json::write(&report, out))?;
    }
    Ok(if report.valid {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
