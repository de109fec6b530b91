//! `watt keygen [-o FILE]`: a new random pseudonymisation key (256 bits, 64 hex characters).
//!
//! Randomness comes from the operating system. Written to a file, the key is created with
//! mode 0600 and an existing file is never replaced (a lost key makes every pseudonym made
//! with it unlinkable to new data). `-o -` is standard output, as everywhere else.

use std::io::Write;

use super::Outcome;
use crate::cli::KeygenArgs;
use crate::error::CliError;
use crate::output;

pub fn run(args: &KeygenArgs) -> Result<Outcome, CliError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| CliError::Random(e.to_string()))?;
    let key = data_encoding::HEXLOWER.encode(&bytes);
    bytes.fill(0);
    match &args.output {
        None => output::to_stdout(|out| writeln!(out, "{key}"))?,
        Some(path) if path.as_os_str() == "-" => output::to_stdout(|out| writeln!(out, "{key}"))?,
        Some(path) => {
            let unwritable = |source| CliError::OutputUnwritable {
                path: path.display().to_string(),
                source,
            };
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(path).map_err(unwritable)?;
            writeln!(file, "{key}").map_err(unwritable)?;
            file.sync_all().map_err(unwritable)?;
            eprintln!(
                "watt: wrote a new pseudonymisation key to {} (keep it apart from the data; whoever holds both can re-identify)",
                path.display()
            );
        }
    }
    Ok(Outcome::Success)
}
