//! `watt`, the command line: parses the arguments, runs the command, and turns its outcome
//! into an exit code. Everything else lives in the command modules and in `watt-core`.
//!
//! Exit codes: 0 the data is valid (or the command did its work), 1 the data is invalid,
//! 2 the command could not run (bad usage, bad schema, unreadable file). Clap's own usage
//! errors exit 2 as well. `watt ingest` and `watt lake` exit 3 when the store failed or
//! refused a request; `watt lake` exits 1 when part of the lake could not be searched or
//! changed (the objects are named).

mod cli;
mod commands;
mod dotenv;
mod error;
mod ingest;
mod input;
mod journal;
mod key;
mod lake;
mod output;
mod package;
mod same_file;
mod small_file;
mod spill;
mod staged;
mod worker;

use std::process::ExitCode;

use cli::{Cli, Command, KeyCommand, LakeCommand, SchemaCommand};
use commands::Outcome;

fn main() -> ExitCode {
    survive_file_size_limit();
    // The Lambda function: this binary, started by the runtime as `bootstrap`.
    #[cfg(feature = "lambda")]
    if worker::lambda::invoked_as_bootstrap() {
        return worker::lambda::main();
    }
    let cli = Cli::parse_checked();
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Schema(SchemaCommand::Infer(args)) => commands::schema::infer(args),
        Command::Minimise(args) => commands::minimise::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Pseudonym(args) => commands::pseudonym::run(args),
        Command::Register(args) => commands::register::run(args),
        Command::Keygen(args) => commands::keygen::run(args),
        Command::Key(KeyCommand::List(args)) => commands::key::list(args),
        Command::Key(KeyCommand::Rotate(args)) => commands::key::rotate(args),
        Command::Ingest(args) => commands::ingest::run(args),
        Command::Lake(LakeCommand::Ls(args)) => commands::lake::ls(args),
        Command::Lake(LakeCommand::Expire(args)) => commands::lake::expire(args),
        Command::Lake(LakeCommand::Find(args)) => commands::lake::find(args),
        Command::Lake(LakeCommand::Erase(args)) => commands::lake::erase(args),
        Command::Lake(LakeCommand::Rekey(args)) => commands::lake::rekey(args),
        Command::Lake(LakeCommand::Recover(args)) => commands::lake::recover(args),
        Command::Worker(args) => commands::worker::run(args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Ok(Outcome::StorageFailed) => ExitCode::from(3),
        Ok(Outcome::Incomplete) => ExitCode::from(1),
        Err(err) => {
            eprintln!("watt: error: {err}");
            ExitCode::from(2)
        }
    }
}

/// SIGXFSZ's default action kills the process the moment a file it writes grows past
/// `ulimit -f`: a half-written output or lake file left behind, no word said, no cleanup.
/// With a handler installed the write fails with EFBIG ("File too large") instead, and the
/// command fails like on a full disk: exit 2 (3 for `watt ingest`), its temporary files
/// removed.
#[cfg(unix)]
fn survive_file_size_limit() {
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, seen);
}

#[cfg(not(unix))]
fn survive_file_size_limit() {}
