//! Where the pseudonymisation key comes from: `--key-file`, else `WATT_PSEUDONYM_KEY` from
//! the environment, else from a `.env` file in the working directory. Never a default.
//!
//! The key is read into memory that the core wipes on drop; it is never printed, logged or
//! put in an error message — errors name the source (the file path or the variable), not
//! the content.

use std::path::{Path, PathBuf};

use watt_core::PseudonymKey;

use crate::dotenv::{DOTENV_FILE, DotEnv};
use crate::error::CliError;
use crate::small_file;

/// The environment variable holding the key.
pub const KEY_VAR: &str = "WATT_PSEUDONYM_KEY";

/// Where a key was found (said in summaries, so users know which key was used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    File(PathBuf),
    Environment,
    DotEnv,
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::File(p) => write!(f, "key file {}", p.display()),
            KeySource::Environment => write!(f, "{KEY_VAR} (environment)"),
            KeySource::DotEnv => write!(f, "{KEY_VAR} (.env)"),
        }
    }
}

/// Finds the key, if there is one anywhere.
pub fn load(key_file: Option<&Path>) -> Result<Option<(PseudonymKey, KeySource)>, CliError> {
    if let Some(path) = key_file {
        let bytes = small_file::read(path, small_file::KEY_FILE).map_err(|source| {
            CliError::KeyUnreadable {
                path: path.display().to_string(),
                source,
            }
        })?;
        warn_if_shared(path);
        let key = PseudonymKey::new(&bytes).map_err(|source| CliError::Key {
            from: path.display().to_string(),
            source,
        })?;
        return Ok(Some((key, KeySource::File(path.to_owned()))));
    }
    let (value, source) = match std::env::var(KEY_VAR) {
        Ok(v) if !v.is_empty() => (v, KeySource::Environment),
        _ => match from_dotenv()? {
            Some(v) => (v, KeySource::DotEnv),
            None => return Ok(None),
        },
    };
    let key = PseudonymKey::new(value.as_bytes()).map_err(|source_err| CliError::Key {
        from: source.to_string(),
        source: source_err,
    })?;
    Ok(Some((key, source)))
}

/// The key in `.env`, read as every command reads that file: a file that cannot be parsed
/// is an error, not a file without a key.
fn from_dotenv() -> Result<Option<String>, CliError> {
    let env = DotEnv::load(Path::new(DOTENV_FILE))?;
    Ok(env
        .get(KEY_VAR)
        .filter(|v| !v.is_empty())
        .map(str::to_owned))
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
pub const HOW_TO_GIVE_ONE: &str = "set WATT_PSEUDONYM_KEY (in the environment or in .env) or pass --key-file FILE; `watt keygen -o FILE` makes a key";
