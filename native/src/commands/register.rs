//! `watt register --schema S [-o OUT]`: the data inventory (GDPR Art. 30, field by field)
//! as CSV, generated from the schema. `docs/data_inventory.csv` is this output for the energy
//! schema; a test fails when they differ.

use watt_core::register::data_inventory_csv;

use super::{Outcome, load_schema};
use crate::cli::RegisterArgs;
use crate::error::CliError;
use crate::output;

pub fn run(args: &RegisterArgs) -> Result<Outcome, CliError> {
    let schema = load_schema(&args.schema)?;
    let csv = data_inventory_csv(&schema);
    match &args.output {
        None => output::to_stdout(|out| out.write_all(csv.as_bytes()))?,
        Some(path) => std::fs::write(path, csv).map_err(|source| CliError::OutputUnwritable {
            path: path.display().to_string(),
            source,
        })?,
    }
    Ok(Outcome::Success)
}
