//! Where the pseudonymisation key comes from, for every command that takes one (`minimise`,
//! `pseudonym`, `ingest`, `key`): one set of options, [`KeyArgs`], one loader, [`load`].
//!
//! The first place that names a key is used, and a place naming two is refused (which one
//! was meant is unknown):
//!
//! 1. `--key-file FILE`: a key in clear, or a key encrypted under AWS KMS
//!    ([`envelope`], written by `watt keygen --kms-key-id`), decrypted with `kms:Decrypt`;
//! 2. `--key-secret-id ID`: a secret of AWS Secrets Manager, at `--key-version-stage`
//!    (default `AWSCURRENT`) or `--key-version-id` ([`vault`]);
//! 3. the environment: `WATT_PSEUDONYM_KEY` (the key) or `WATT_PSEUDONYM_KEY_SECRET_ID`;
//! 4. the `.env` file of the working directory, the same two variables.
//!
//! There is never a default key. Several keys known at once, after a rotation, make a
//! [`Keyring`] ([`load_ring`]).
//!
//! The key is held in memory that is wiped on drop, from the moment it is read (a file, a
//! secret's answer, KMS's plaintext); it is never printed, logged or put in an error
//! message — errors name the source (the file, the variable, the secret), not the content.
//! What is shown of a key is its fingerprint ([`PseudonymKey::id`]).

pub mod envelope;
pub mod keyring;
pub mod vault;

use std::path::{Path, PathBuf};

use watt_core::PseudonymKey;
use zeroize::Zeroizing;

use crate::cli::{KeyArgs, KeyringArgs};
use crate::dotenv::{DOTENV_FILE, DotEnv};
use crate::error::CliError;
use crate::ingest::config::Env;
use crate::ingest::shown;
use crate::small_file;

use envelope::Envelope;
pub use keyring::{Keyring, LoadedKey};
use vault::{Access, Kms, Secrets, Service, Version};

/// The environment variable holding the key.
pub const KEY_VAR: &str = "WATT_PSEUDONYM_KEY";
/// The environment variable naming the secret that holds the key.
pub const SECRET_ID_VAR: &str = "WATT_PSEUDONYM_KEY_SECRET_ID";

/// Where a key was found (said in summaries and run logs, so users know which key was
/// used; nothing here is secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    File(PathBuf),
    /// A key file encrypted under this KMS key.
    KmsFile {
        path: PathBuf,
        kms_key: String,
    },
    Environment,
    DotEnv,
    /// A version of a Secrets Manager secret.
    Secret {
        id: String,
        version_id: String,
        stages: Vec<String>,
    },
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::File(p) => write!(f, "key file {}", p.display()),
            KeySource::KmsFile { path, kms_key } => write!(
                f,
                "KMS-encrypted key file {} (KMS key {})",
                path.display(),
                shown::escaped(kms_key)
            ),
            KeySource::Environment => write!(f, "{KEY_VAR} (environment)"),
            KeySource::DotEnv => write!(f, "{KEY_VAR} (.env)"),
            KeySource::Secret {
                id,
                version_id,
                stages,
            } => {
                write!(
                    f,
                    "secret {}, version {}",
                    shown::escaped(id),
                    shown::escaped(version_id)
                )?;
                if !stages.is_empty() {
                    write!(f, " ({})", shown::escaped(&stages.join(", ")))?;
                }
                Ok(())
            }
        }
    }
}

/// Where the options say the key is, before it is read.
#[derive(Debug)]
enum Located {
    File(PathBuf),
    Secret(String),
    Text(Zeroizing<String>, KeySource),
}

/// Finds the current key, if there is one anywhere.
pub fn load(args: &KeyArgs) -> Result<Option<LoadedKey>, CliError> {
    let Some(located) = locate(args)? else {
        return Ok(None);
    };
    let key = match located {
        Located::File(path) => read_file(&path, args)?,
        Located::Secret(id) => {
            let access = access(args, Service::SecretsManager)?;
            vault::block_on(async {
                let secrets = Secrets::connect(&access).await;
                read_secret(&secrets, &id, &version(args)).await
            })??
        }
        Located::Text(text, source) => LoadedKey {
            key: new_key(text.as_bytes(), &source.to_string())?,
            source,
        },
    };
    Ok(Some(key))
}

/// Finds the keyring: the current key as [`load`] finds it, and the keys known besides.
/// With a secret, its `AWSCURRENT` and `AWSPREVIOUS` versions are known (when they differ
/// from the version used); with files, each `--previous-key-file`.
pub fn load_ring(args: &KeyringArgs) -> Result<Option<Keyring>, CliError> {
    let key_args = &args.key;
    let Some(located) = locate(key_args)? else {
        if !args.previous_key_file.is_empty() {
            return Err(CliError::PreviousWithoutCurrent);
        }
        return Ok(None);
    };
    let mut ring = match located {
        Located::Secret(id) => {
            let access = access(key_args, Service::SecretsManager)?;
            let chosen = version(key_args);
            vault::block_on(async {
                let secrets = Secrets::connect(&access).await;
                let mut ring = Keyring::new(read_secret(&secrets, &id, &chosen).await?);
                for stage in [vault::CURRENT, vault::PREVIOUS] {
                    let other = Version::Stage(stage.to_owned());
                    if other != chosen {
                        if let Some(key) = read_secret_if_any(&secrets, &id, &other).await? {
                            ring.add_previous(key);
                        }
                    }
                }
                Ok::<_, CliError>(ring)
            })??
        }
        Located::File(path) => Keyring::new(read_file(&path, key_args)?),
        Located::Text(text, source) => Keyring::new(LoadedKey {
            key: new_key(text.as_bytes(), &source.to_string())?,
            source,
        }),
    };
    for path in &args.previous_key_file {
        ring.add_previous(read_file(path, key_args)?);
    }
    Ok(Some(ring))
}

/// The first place that names a key (see the module's list).
fn locate(args: &KeyArgs) -> Result<Option<Located>, CliError> {
    let versioned = args.key_version_stage.is_some() || args.key_version_id.is_some();
    let located = locate_unchecked(args)?;
    if versioned && !matches!(located, Some(Located::Secret(_))) {
        return Err(CliError::KeyVersionWithoutSecret);
    }
    Ok(located)
}

fn locate_unchecked(args: &KeyArgs) -> Result<Option<Located>, CliError> {
    if let Some(path) = &args.key_file {
        return Ok(Some(Located::File(path.clone())));
    }
    if let Some(id) = &args.key_secret_id {
        return Ok(Some(Located::Secret(id.clone())));
    }
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(found) = one_of(var(KEY_VAR), var(SECRET_ID_VAR), KeySource::Environment)? {
        return Ok(Some(found));
    }
    let env = DotEnv::load(Path::new(DOTENV_FILE))?;
    let get = |name| env.get(name).filter(|v| !v.is_empty()).map(str::to_owned);
    one_of(get(KEY_VAR), get(SECRET_ID_VAR), KeySource::DotEnv)
}

/// The key or the secret one place names; both is an error.
fn one_of(
    key: Option<String>,
    secret_id: Option<String>,
    place: KeySource,
) -> Result<Option<Located>, CliError> {
    match (key, secret_id) {
        (Some(_), Some(_)) => Err(CliError::KeyTwice {
            place: match place {
                KeySource::DotEnv => ".env",
                _ => "the environment",
            },
        }),
        (Some(key), None) => Ok(Some(Located::Text(Zeroizing::new(key), place))),
        (None, Some(id)) => Ok(Some(Located::Secret(id))),
        (None, None) => Ok(None),
    }
}

/// The version of the secret the options name.
fn version(args: &KeyArgs) -> Version {
    match (&args.key_version_id, &args.key_version_stage) {
        (Some(id), _) => Version::Id(id.clone()),
        (None, Some(stage)) => Version::Stage(stage.clone()),
        (None, None) => Version::Stage(vault::CURRENT.to_owned()),
    }
}

/// A key from its bytes, the error naming where they came from.
fn new_key(bytes: &[u8], from: &str) -> Result<PseudonymKey, CliError> {
    PseudonymKey::new(bytes).map_err(|source| CliError::Key {
        from: from.to_owned(),
        source,
    })
}

/// The settings of a vault: the flags, the environment, `.env`.
pub fn access(args: &KeyArgs, service: Service) -> Result<Access, CliError> {
    let env = Env::load(Path::new(DOTENV_FILE)).map_err(vault::VaultError::from)?;
    Ok(Access::resolve(&args.vault, &env, service)?)
}

/// A version of the secret as a key; no such version is an error.
pub async fn read_secret(
    secrets: &Secrets,
    id: &str,
    version: &Version,
) -> Result<LoadedKey, CliError> {
    read_secret_if_any(secrets, id, version)
        .await?
        .ok_or_else(|| {
            vault::VaultError::VersionNotFound {
                id: shown::escaped(id),
                version: version.to_string(),
            }
            .into()
        })
}

async fn read_secret_if_any(
    secrets: &Secrets,
    id: &str,
    version: &Version,
) -> Result<Option<LoadedKey>, CliError> {
    let Some(found) = secrets.get(id, version).await? else {
        return Ok(None);
    };
    let source = KeySource::Secret {
        id: id.to_owned(),
        version_id: found.version_id,
        stages: found.stages,
    };
    Ok(Some(LoadedKey {
        key: new_key(found.text.as_bytes(), &source.to_string())?,
        source,
    }))
}

/// A key file: a key in clear, or a KMS envelope decrypted by KMS.
fn read_file(path: &Path, args: &KeyArgs) -> Result<LoadedKey, CliError> {
    let bytes = Zeroizing::new(
        small_file::read(path, small_file::KEY_FILE).map_err(|source| CliError::KeyUnreadable {
            path: path.display().to_string(),
            source,
        })?,
    );
    if !Envelope::is_envelope(&bytes) {
        warn_if_shared(path);
        return Ok(LoadedKey {
            key: new_key(&bytes, &path.display().to_string())?,
            source: KeySource::File(path.to_owned()),
        });
    }
    let named = |e: vault::VaultError| CliError::KeyFile {
        path: path.display().to_string(),
        source: e,
    };
    let envelope = Envelope::parse(&bytes).map_err(|e| named(e.into()))?;
    let access = access(args, Service::Kms)?;
    let plaintext =
        vault::block_on(async { Kms::connect(&access).await.decrypt(&envelope).await })?
            .map_err(named)?;
    let text = Zeroizing::new(data_encoding::HEXLOWER.encode(&plaintext));
    let source = KeySource::KmsFile {
        path: path.to_owned(),
        kms_key: envelope.kms_key_id.clone(),
    };
    let key = new_key(text.as_bytes(), &source.to_string())?;
    if key.id() != envelope.key_id {
        return Err(CliError::KeyFingerprint {
            path: path.display().to_string(),
            expected: shown::escaped(&envelope.key_id),
            found: key.id().to_owned(),
        });
    }
    Ok(LoadedKey { key, source })
}

/// A key file others can read defeats the separation between key and data.
#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "watt: warning: key file {} can be read by other users (chmod 600 it)",
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path) {}

/// How to give a key, for the error when none was found.
pub const HOW_TO_GIVE_ONE: &str = "set WATT_PSEUDONYM_KEY or WATT_PSEUDONYM_KEY_SECRET_ID (in the environment or in .env), or pass --key-file FILE or --key-secret-id ID; `watt keygen -o FILE` makes a key";
