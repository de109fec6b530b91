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
        refuse_overlaps(
            &[Role::new("the data file", &args.file)],
            &[Role::new("the draft schema", out)],
        )?;
    }
    let mut input = Input::open(&args.file)?;
    let mut inferrer = Inferrer::new(InferOptions {
        rows: args.rows,
        dialect: args.read.dialect(),
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
