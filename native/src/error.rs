//! Why a command could not run: the errors that end with exit code 2.
//!
//! Each one names the file concerned and the problem; none carries a cell value (core
//! errors never quote the data, and I/O errors only speak of files).

use std::io;

use watt_core::dialect::DialectError;
use watt_core::infer::InferError;
use watt_core::{MinimiseError, SchemaError};

/// A command that could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read schema {path}: {source}")]
    SchemaUnreadable {
        path: String,
        source: crate::small_file::ReadError,
    },
    #[error("schema {path} is invalid: {source}")]
    SchemaInvalid { path: String, source: SchemaError },
    #[error("cannot read dialect {path}: {source}")]
    DialectUnreadable {
        path: String,
        source: crate::small_file::ReadError,
    },
    #[error("{path}: {source}")]
    DialectInvalid { path: String, source: DialectError },
    #[error("the dialect options conflict: {problem}")]
    DialectConflict { problem: String },
    #[error("{command} does not apply the dialect's {option} yet")]
    DialectNotApplied {
        command: &'static str,
        option: &'static str,
    },
    #[error("cannot read {path}: {source}")]
    InputUnreadable { path: String, source: io::Error },
    #[error("cannot read data package {path}: {source}")]
    PackageUnreadable {
        path: String,
        source: crate::small_file::ReadError,
    },
    #[error("data package {path}: {problem}")]
    PackageInvalid { path: String, problem: String },
    #[error("cannot infer a schema from {path}: {source}")]
    Infer { path: String, source: InferError },
    #[error("cannot write {path}: {source}")]
    OutputUnwritable { path: String, source: io::Error },
    #[error(
        "refusing to write {output} to {path}: {}",
        overlap(*.input, other, other_path)
    )]
    OutputOverlaps {
        output: &'static str,
        path: String,
        other: &'static str,
        other_path: String,
        /// `other` is an input (else another output).
        input: bool,
    },
    #[error("cannot read key file {path}: {source}")]
    KeyUnreadable {
        path: String,
        source: crate::small_file::ReadError,
    },
    #[error("the key from {from} cannot be used: {source}")]
    Key { from: String, source: MinimiseError },
    #[error(
        "a pseudonymisation key is required for field(s) {}; watt has no built-in key: {}",
        .fields.join(", "),
        crate::key::HOW_TO_GIVE_ONE
    )]
    KeyMissing { fields: Vec<String> },
    #[error("no pseudonymisation key was given: {}", crate::key::HOW_TO_GIVE_ONE)]
    NoKey,
    #[error("watt key rotate: {0}")]
    RotateUsage(&'static str),
    #[error(
        "{place} names two keys, {} and {}: keep one",
        crate::key::KEY_VAR,
        crate::key::SECRET_ID_VAR
    )]
    KeyTwice { place: &'static str },
    #[error(
        "--key-version-stage and --key-version-id choose a version of a secret: give --key-secret-id (or {})",
        crate::key::SECRET_ID_VAR
    )]
    KeyVersionWithoutSecret,
    #[error(
        "--previous-key-file: the previous keys go with a current one ({})",
        crate::key::HOW_TO_GIVE_ONE
    )]
    PreviousWithoutCurrent,
    #[error("key file {path}: {source}")]
    KeyFile {
        path: String,
        source: crate::key::vault::VaultError,
    },
    #[error(
        "key file {path}: the key KMS decrypted has fingerprint {found}, the file says {expected}: the file was altered"
    )]
    KeyFingerprint {
        path: String,
        expected: String,
        found: String,
    },
    #[error(transparent)]
    Vault(#[from] crate::key::vault::VaultError),
    #[error("{0}")]
    Minimise(MinimiseError),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error(transparent)]
    DotEnv(#[from] crate::dotenv::DotEnvError),
    #[error(transparent)]
    Ingest(#[from] crate::ingest::IngestError),
    /// A `watt lake` invocation that cannot run (what is wrong with it).
    #[error("{0}")]
    Lake(String),
    #[error(transparent)]
    Worker(#[from] crate::worker::WorkerError),
}

/// Why an output path was refused: what else the path names.
fn overlap(input: bool, other: &str, other_path: &str) -> String {
    if input {
        format!("it is {other} ({other_path}), which watt only reads")
    } else {
        format!("{other} goes there too ({other_path}); give each output a file of its own")
    }
}

impl CliError {
    /// A core refusal, with the CLI's way to fix it when there is one.
    pub fn minimise(err: MinimiseError) -> CliError {
        match err {
            MinimiseError::KeyRequired { fields } => CliError::KeyMissing { fields },
            other => CliError::Minimise(other),
        }
    }
}
