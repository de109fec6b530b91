//! `watt pseudonym [VALUE] --field F --schema S`: the pseudonym of one identifier, as
//! `watt minimise` writes it with the same key — how a data-subject request finds that
//! person's rows in minimised data. Without VALUE, reads one value per line on standard
//! input and prints one pseudonym per line (values on the command line are visible to other
//! users of the machine in the process list).

use std::io::BufRead;

use watt_core::minimise::pseudonym_of;

use super::{Outcome, load_schema};
use crate::cli::PseudonymArgs;
use crate::error::CliError;
use crate::key;
use crate::output;

pub fn run(args: &PseudonymArgs) -> Result<Outcome, CliError> {
    let schema = load_schema(&args.schema)?;
    let Some(key::LoadedKey { key, .. }) = key::load(&args.keys)? else {
        return Err(CliError::KeyMissing {
            fields: vec![args.field.clone()],
        });
    };
    match &args.value {
        Some(value) => {
            let p = pseudonym_of(&schema, &args.field, value, &key).map_err(CliError::minimise)?;
            output::to_stdout(|out| writeln!(out, "{p}"))?;
        }
        None => {
            // Check the field once, before reading anything.
            pseudonym_of(&schema, &args.field, "", &key).map_err(CliError::minimise)?;
            let stdin = std::io::stdin();
            output::to_stdout(|out| {
                for line in stdin.lock().lines() {
                    let line = line?;
                    let p = pseudonym_of(&schema, &args.field, &line, &key).unwrap_or_default();
                    writeln!(out, "{p}")?;
                }
                Ok(())
            })?;
        }
    }
    Ok(Outcome::Success)
}
