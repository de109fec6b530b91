//! Why a command could not run: the errors that end with exit code 2.
//!
//! Each one names the file concerned and the problem; none carries a cell value (core
//! errors never quote the data, and I/O errors only speak of files).

use std::io;

use watt_core::SchemaError;
use watt_core::infer::InferError;

/// A command that could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read schema {path}: {source}")]
    SchemaUnreadable { path: String, source: io::Error },
    #[error("schema {path} is invalid: {source}")]
    SchemaInvalid { path: String, source: SchemaError },
    #[error("cannot read {path}: {source}")]
    InputUnreadable { path: String, source: io::Error },
    #[error("cannot infer a schema from {path}: {source}")]
    Infer { path: String, source: InferError },
    #[error("cannot write {path}: {source}")]
    OutputUnwritable { path: String, source: io::Error },
    #[error("refusing to write the schema to {path}: it is the input file")]
    OutputIsInput { path: String },
}
