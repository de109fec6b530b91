//! Small inputs read whole — a schema, a key file, a `.env` file — but never more than a
//! limit of their own.
//!
//! These files are read into memory before any work starts, and a path can name anything:
//! `/dev/zero`, a pipe fed by another program, a 50 GB export given to `--schema` by
//! mistake. Reading at most the limit plus one byte tells "too large" from "exactly at the
//! limit" without trusting the size the file reports (devices and pipes report none), so a
//! wrong path costs a few MiB and one clear error naming the file and the limit.

use std::io::Read;
use std::path::Path;

/// A kind of small file and the most watt reads of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What the file is, as messages say it ("a schema").
    pub what: &'static str,
    pub bytes: u64,
}

/// A Table Schema: the core's own bound on schema text.
pub const SCHEMA: Limit = Limit {
    what: "a schema",
    bytes: watt_core::schema::MAX_SCHEMA_BYTES as u64,
};

/// A Data Package descriptor: the core's own bound on descriptor text.
pub const PACKAGE: Limit = Limit {
    what: "a Data Package descriptor",
    bytes: watt_core::package::MAX_PACKAGE_BYTES as u64,
};

/// A Frictionless dialect (`--dialect`): the core's own bound on dialect text.
pub const DIALECT: Limit = Limit {
    what: "a dialect",
    bytes: watt_core::dialect::MAX_DIALECT_BYTES as u64,
};

/// A pseudonymisation key file: a key is 64 hex characters (`watt keygen`); a passphrase
/// of a few hundred characters fits too.
pub const KEY_FILE: Limit = Limit {
    what: "a key file",
    bytes: 4 << 10,
};

/// A `.env` file: a few settings and secrets.
pub const DOTENV: Limit = Limit {
    what: "a .env file",
    bytes: 1 << 20,
};

/// Why a small file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("it is larger than {}, the most watt reads for {}", size(.0.bytes), .0.what)]
    TooLarge(Limit),
    #[error("it is not UTF-8 text")]
    NotUtf8,
}

/// The bytes of the file at `path`, when it holds at most `limit.bytes` of them.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// The text of the file at `path`, as [`read`] reads it.
pub fn read_to_string(path: &Path, limit: Limit) -> Result<String, ReadError> {
    String::from_utf8(read(path, limit)?).map_err(|_| ReadError::NotUtf8)
}

/// `8 MiB`, `4 KiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Limit = Limit {
        what: "a test file",
        bytes: 8,
    };

    #[test]
    fn reads_up_to_the_limit_and_refuses_beyond() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("at");
        std::fs::write(&at, b"12345678").unwrap();
        assert_eq!(read(&at, TINY).unwrap(), b"12345678");
        let over = dir.path().join("over");
        std::fs::write(&over, b"123456789").unwrap();
        let err = read(&over, TINY).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is larger than 8 bytes, the most watt reads for a test file"
        );
        assert!(matches!(
            read(&dir.path().join("missing"), TINY),
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
        std::fs::write(&at, b"\xff\xfe").unwrap();
        assert!(matches!(read_to_string(&at, TINY), Err(ReadError::NotUtf8)));
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_is_refused_at_once() {
        let err = read(Path::new("/dev/zero"), KEY_FILE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is larger than 4 KiB, the most watt reads for a key file"
        );
        assert_eq!(
            read(Path::new("/dev/zero"), SCHEMA)
                .unwrap_err()
                .to_string(),
            "it is larger than 8 MiB, the most watt reads for a schema"
        );
    }
}
