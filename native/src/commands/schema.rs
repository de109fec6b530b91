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
    // The inferrer reads rows with a parser of its own, which applies none of these yet:
    // refused rather than ignored (a comment row would become a column's value).
    for (given, name) in [
        (dialect.comment_char.is_some(), "commentChar"),
        (dialect.header_rows.is_some(), "headerRows"),
        (dialect.skip_initial_space == Some(true), "skipInitialSpace"),
    ] {
        if given {
            return Err(CliError::DialectNotApplied {
                command: "watt schema infer",
                option: name,
            });
        }
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
