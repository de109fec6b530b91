//! `watt register --schema S [-o OUT]`: the data inventory (GDPR Art. 30, field by field)
//! as CSV, generated from the schema. `docs/data_inventory.csv` is this output for the energy
//! schema; a test fails when they differ.

use watt_core::register::data_inventory_csv;

use super::{Outcome, load_schema};
use crate::cli::RegisterArgs;
use crate::error::CliError;
use crate::output;
use crate::output::file::write_whole;
use crate::same_file::{Role, refuse_overlaps};

pub fn run(args: &RegisterArgs) -> Result<Outcome, CliError> {
    if let Some(out) = &args.output {
        refuse_overlaps(
            &[Role::new("the schema", &args.schema)],
            &[Role::new("the inventory", out)],
        )?;
    }
    let schema = load_schema(&args.schema)?;
    let csv = data_inventory_csv(&schema);
    match &args.output {
        None => output::to_stdout(|out| out.write_all(csv.as_bytes()))?,
        Some(path) => write_whole(path, csv.as_bytes())?,
    }
    Ok(Outcome::Success)
}
