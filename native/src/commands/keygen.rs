//! `watt keygen [-o FILE] [--kms-key-id K]`: a new random pseudonymisation key (256 bits,
//! 64 hex characters).
//!
//! Randomness comes from the operating system, or, with `--kms-key-id`, from AWS KMS,
//! which returns the key encrypted under the KMS key as well: only that encrypted copy is
//! written (an envelope, see [`crate::key::envelope`]), and the key in clear only ever
//! exists in memory. Written to a file, the key is created with mode 0600 and an existing
//! file is never replaced (a lost key makes every pseudonym made with it unlinkable to new
//! data). `-o -` is standard output, as everywhere else.

use std::io::Write;
use std::path::Path;

use watt_core::PseudonymKey;
use zeroize::Zeroizing;

use super::Outcome;
use crate::cli::{KeygenArgs, VaultArgs};
use crate::error::CliError;
use crate::ingest::config::Env;
use crate::key::envelope::Envelope;
use crate::key::vault::{self, Access, Kms, Service};
use crate::output;

pub fn run(args: &KeygenArgs) -> Result<Outcome, CliError> {
    if let Some(kms_key_id) = &args.kms_key_id {
        // The envelope is no secret: standard output is fine too.
        let (text, key_id) = kms_key_file(&args.vault, kms_key_id)?;
        match args.output.as_deref().filter(|p| p.as_os_str() != "-") {
            None => output::to_stdout(|out| out.write_all(text.as_bytes()))?,
            Some(path) => {
                write_key_file(path, text.as_bytes())?;
                eprintln!(
                    "watt: wrote a new pseudonymisation key (keyId {key_id}), encrypted under KMS key {}, to {}",
                    crate::ingest::shown::escaped(kms_key_id),
                    path.display()
                );
            }
        }
        return Ok(Outcome::Success);
    }
    let key = random_key()?;
    match &args.output {
        None => output::to_stdout(|out| writeln!(out, "{}", key.as_str()))?,
        Some(path) if path.as_os_str() == "-" => {
            output::to_stdout(|out| writeln!(out, "{}", key.as_str()))?;
        }
        Some(path) => {
            write_key_file(path, format!("{}\n", key.as_str()).as_bytes())?;
            eprintln!(
                "watt: wrote a new pseudonymisation key to {} (keep it apart from the data; whoever holds both can re-identify)",
                path.display()
            );
        }
    }
    Ok(Outcome::Success)
}

/// A new random key, as text (64 lowercase hex characters), wiped on drop.
pub fn random_key() -> Result<Zeroizing<String>, CliError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| CliError::Random(e.to_string()))?;
    Ok(Zeroizing::new(
        data_encoding::HEXLOWER.encode(bytes.as_ref()),
    ))
}

/// A key KMS makes under `kms_key_id`: the text of its envelope file, and its fingerprint.
pub fn kms_key_file(
    vault_args: &VaultArgs,
    kms_key_id: &str,
) -> Result<(String, String), CliError> {
    let env = Env::load(Path::new(crate::dotenv::DOTENV_FILE)).map_err(vault::VaultError::from)?;
    let access = Access::resolve(vault_args, &env, Service::Kms)?;
    let data_key =
        vault::block_on(async { Kms::connect(&access).await.generate(kms_key_id).await })??;
    let text = Zeroizing::new(data_encoding::HEXLOWER.encode(&data_key.plaintext));
    let key = PseudonymKey::new(text.as_bytes()).map_err(|source| CliError::Key {
        from: "KMS".into(),
        source,
    })?;
    let envelope = Envelope::new(&data_key.kms_key_arn, &data_key.ciphertext, key.id());
    Ok((envelope.to_text(), key.id().to_owned()))
}

/// Writes a key file: created (never replaced), mode 0600, synced.
pub fn write_key_file(path: &Path, contents: &[u8]) -> Result<(), CliError> {
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
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    if let Err(e) = written {
        // Half a key is no key: the file this call created goes.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(unwritable(e));
    }
    Ok(())
}
