//! `watt schema infer FILE`: writes a draft Table Schema inferred by the core from the
//! whole file (or its first `--rows`: reading stops as soon as the core has them).

use std::ops::ControlFlow;

use watt_core::infer::{InferOptions, Inferrer};

use super::Outcome;
use crate::cli::InferArgs;
use crate::error::CliError;
use crate::input::Input;
use crate::output;
use crate::output::file::write_whole;
use crate::same_file::{Role, refuse_overlaps};

pub fn infer(args: &InferArgs) -> Result<Outcome, CliError> {
    if let Some(out) = &args.output {
        let mut inputs = vec![Role::new("the data file", &args.file)];
        if let Some(dialect) = &args.read.dialect_file {
            inputs.push(Role::new("the dialect", dialect));
        }
        refuse_overlaps(&inputs, &[Role::new("the draft schema", out)])?;
    }
    let dialect = super::load_dialect(&args.read)?;
    // The inferrer reads rows as the checker does, but takes the header from the first
    // row: a header over several rows, or further down, is refused rather than read as data.
    if dialect
        .header_rows
        .as_ref()
        .is_some_and(|rows| !rows.is_empty() && rows[..] != [1])
    {
        return Err(CliError::DialectNotApplied {
            command: "watt schema infer",
            option: "headerRows",
        });
    }
    let mut input = Input::open(&args.file)?;
    let mut inferrer = Inferrer::new(InferOptions {
        rows: args.rows,
        dialect,
        encoding: args.read.encoding,
    });
    input.read_chunks(|chunk| {
        if inferrer.push(chunk) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    })?;
    let draft = inferrer.finish().map_err(|source| CliError::Infer {
        path: input.name().to_owned(),
        source,
    })?;
    let json = draft.to_json();
    match &args.output {
        None => output::to_stdout(|out| writeln!(out, "{json}"))?,
        Some(path) => {
            write_whole(path, format!("{json}\n").as_bytes())?;
            eprintln!(
                "watt: wrote a draft schema of {} fields, inferred from {}{} data rows, to {}: review it before use",
                draft.fields.len(),
                if draft.sampled {
                    "a sample of the first "
                } else {
                    "all "
                },
                draft.rows,
                path.display()
            );
        }
    }
    Ok(Outcome::Success)
}
