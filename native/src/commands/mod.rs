//! One module per command: each parses its input, calls the core, and converts the output.

pub mod check;
pub mod ingest;
pub mod key;
pub mod keygen;
pub mod lake;
pub mod minimise;
pub mod pseudonym;
pub mod register;
pub mod scan;
pub mod schema;
pub mod worker;

use std::path::Path;

use watt_core::{DialectOptions, Schema};

use crate::cli::ReadArgs;
use crate::error::CliError;
use crate::small_file;

/// How a command that ran ended (main turns it into the exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The data is valid, or the command did its work.
    Success,
    /// The data is invalid.
    Invalid,
    /// The store failed or refused a write (`watt ingest`, `watt lake`: exit code 3).
    StorageFailed,
    /// Part of the lake could not be searched or changed (`watt lake`, exit code 1).
    Incomplete,
}

/// Reads and loads a Table Schema (a small JSON file, read whole up to
/// [`small_file::SCHEMA`]'s limit).
pub fn load_schema(path: &Path) -> Result<Schema, CliError> {
    let name = path.display().to_string();
    let text = small_file::read_to_string(path, small_file::SCHEMA).map_err(|source| {
        CliError::SchemaUnreadable {
            path: name.clone(),
            source,
        }
    })?;
    Schema::from_json(&text).map_err(|source| CliError::SchemaInvalid { path: name, source })
}

/// The dialect the user gave: the flags, and the Frictionless dialect file of `--dialect`
/// (a small JSON file, read whole up to [`small_file::DIALECT`]'s limit, parsed by the
/// core as the browser's options are). An option given both ways with two values is
/// refused: which one was meant is unknown.
pub fn load_dialect(read: &ReadArgs) -> Result<DialectOptions, CliError> {
    let mut dialect = read.dialect();
    let Some(path) = &read.dialect_file else {
        return Ok(dialect);
    };
    let name = path.display().to_string();
    let text = small_file::read_to_string(path, small_file::DIALECT).map_err(|source| {
        CliError::DialectUnreadable {
            path: name.clone(),
            source,
        }
    })?;
    let file = DialectOptions::from_json(&text).map_err(|source| CliError::DialectInvalid {
        path: name.clone(),
        source,
    })?;
    dialect
        .merge(file)
        .and_then(|()| dialect.check())
        .map_err(|problem| CliError::DialectConflict { problem })?;
    Ok(dialect)
}
