//! `watt key list` and `watt key rotate`: the keyring as fingerprints, and the rotation of
//! the current key.
//!
//! Both print the keyring on standard output, one key a line, tab-separated:
//! `current|previous <TAB> keyId <TAB> source`. Never a key.
//!
//! A rotation keeps the old key known: data pseudonymised with it stays in the lake until
//! rewritten, and finding a person there needs both pseudonyms. With a secret, the steps are
//! Secrets Manager's own rotation steps, each one safe to run again:
//!
//! 1. read `AWSCURRENT` (the old key);
//! 2. put the new key as a version staged `AWSPENDING` only — or, when an interrupted
//!    rotation left one, take that one;
//! 3. read the new version back and check its fingerprint;
//! 4. move `AWSCURRENT` to it (Secrets Manager moves `AWSPREVIOUS` to the old version),
//!    then take `AWSPENDING` off it;
//! 5. read `AWSCURRENT` and `AWSPREVIOUS` again: they must be the new and the old key.
//!
//! Until step 4 nothing reading `AWSCURRENT` sees a change; from step 4 on, every reader
//! gets the new key. With a key file, the new key goes to a new file (`-o`, create-only),
//! encrypted under the same KMS key when the old file is; switching the pipeline to it is
//! the operator's step (docs/policies/key-management.md).

use watt_core::PseudonymKey;
use zeroize::Zeroizing;

use super::Outcome;
use super::keygen::{kms_key_file, random_key, write_key_file};
use crate::cli::{KeyArgs, KeyListArgs, KeyRotateArgs};
use crate::error::CliError;
use crate::ingest::shown;
use crate::key::vault::{self, Secrets, Service, Version};
use crate::key::{self, KeySource, Keyring, LoadedKey};
use crate::output;

pub fn list(args: &KeyListArgs) -> Result<Outcome, CliError> {
    let ring = key::load_ring(&args.ring)?.ok_or(CliError::NoKey)?;
    print_ring(&ring)?;
    Ok(Outcome::Success)
}

pub fn rotate(args: &KeyRotateArgs) -> Result<Outcome, CliError> {
    let keys = &args.keys;
    if keys.key_version_stage.is_some() || keys.key_version_id.is_some() {
        return Err(CliError::RotateUsage(
            "a rotation moves AWSCURRENT: drop --key-version-stage and --key-version-id",
        ));
    }
    let current = key::load(keys)?.ok_or(CliError::NoKey)?;
    let ring = match &current.source {
        KeySource::Secret { id, .. } => {
            if args.output.is_some() {
                return Err(CliError::RotateUsage(
                    "a secret rotates in place: drop -o (it names the new file of a key-file rotation)",
                ));
            }
            rotate_secret(keys, id)?
        }
        KeySource::File(_) | KeySource::KmsFile { .. } => {
            let Some(path) = &args.output else {
                return Err(CliError::RotateUsage(
                    "rotating a key file writes a new one: give -o NEW_FILE",
                ));
            };
            let (text, new_id) = match &current.source {
                KeySource::KmsFile { kms_key, .. } => {
                    let (text, id) = kms_key_file(&keys.vault, kms_key)?;
                    (Zeroizing::new(text), id)
                }
                _ => {
                    let text = random_key()?;
                    let id = PseudonymKey::new(text.as_bytes())
                        .map_err(|source| CliError::Key {
                            from: "the new key".into(),
                            source,
                        })?
                        .id()
                        .to_owned();
                    (Zeroizing::new(format!("{}\n", text.as_str())), id)
                }
            };
            write_key_file(path, text.as_bytes())?;
            let new = key::load(&KeyArgs {
                key_file: Some(path.clone()),
                ..keys.clone()
            })?
            .ok_or(CliError::NoKey)?;
            if new.key.id() != new_id {
                return Err(CliError::RotateUsage("the new key file does not read back"));
            }
            let mut ring = Keyring::new(new);
            ring.add_previous(current);
            if let Some(old) = args.keys.key_file.as_deref() {
                eprintln!(
                    "watt: new key in {new}; use --key-file {new} --previous-key-file {old} until no data made with the old key is left",
                    new = path.display(),
                    old = old.display()
                );
            }
            ring
        }
        KeySource::Environment | KeySource::DotEnv => {
            return Err(CliError::RotateUsage(
                "a key in WATT_PSEUDONYM_KEY cannot be rotated by watt: keep keys in a secret (--key-secret-id) or a key file (--key-file)",
            ));
        }
    };
    print_ring(&ring)?;
    Ok(Outcome::Success)
}

/// Rotates the secret `id` (the steps of the module's doc).
fn rotate_secret(keys: &KeyArgs, id: &str) -> Result<Keyring, CliError> {
    let access = key::access(keys, Service::SecretsManager)?;
    let stage = |s: &str| Version::Stage(s.to_owned());
    vault::block_on(async {
        let secrets = Secrets::connect(&access).await;
        let old = read(&secrets, id, &stage(vault::CURRENT)).await?;
        let old_version = version_id(&old);
        let pending = secrets.get(id, &stage(vault::PENDING)).await?;
        let new_version = match pending {
            Some(p) if p.version_id != old_version => {
                eprintln!(
                    "watt: secret {}: resuming the rotation an earlier run left at AWSPENDING",
                    shown::escaped(id)
                );
                p.version_id.clone()
            }
            _ => {
                let token = random_key()?;
                // A client request token of 32 hex characters is the new version's id.
                let token = token[..32].to_owned();
                let text = random_key()?;
                secrets.put_pending(id, &token, &text).await?;
                token
            }
        };
        let new = read(&secrets, id, &Version::Id(new_version.clone())).await?;
        if new.key.id() == old.key.id() {
            return Err(CliError::RotateUsage(
                "the pending version holds the current key: take AWSPENDING off it and rotate again",
            ));
        }
        secrets
            .move_stage(id, vault::CURRENT, Some(&new_version), Some(&old_version))
            .await?;
        secrets
            .move_stage(id, vault::PENDING, None, Some(&new_version))
            .await?;
        let now = read(&secrets, id, &stage(vault::CURRENT)).await?;
        let before = read(&secrets, id, &stage(vault::PREVIOUS)).await?;
        if now.key.id() != new.key.id() || before.key.id() != old.key.id() {
            return Err(CliError::RotateUsage(
                "after the rotation AWSCURRENT and AWSPREVIOUS do not hold the new and the old key: check the secret's versions",
            ));
        }
        let mut ring = Keyring::new(now);
        ring.add_previous(before);
        Ok(ring)
    })?
}

async fn read(secrets: &Secrets, id: &str, version: &Version) -> Result<LoadedKey, CliError> {
    key::read_secret(secrets, id, version).await
}

fn version_id(key: &LoadedKey) -> String {
    match &key.source {
        KeySource::Secret { version_id, .. } => version_id.clone(),
        _ => String::new(),
    }
}

/// `current|previous <TAB> keyId <TAB> source`, one key a line.
fn print_ring(ring: &Keyring) -> Result<(), CliError> {
    output::to_stdout(|out| {
        for k in ring.keys() {
            let role = if k.current { "current" } else { "previous" };
            writeln!(out, "{role}\t{}\t{}", k.key.id(), k.source)?;
        }
        Ok(())
    })
}
