//! The KMS-encrypted key file (`watt keygen --kms-key-id K -o key.enc`): the
//! pseudonymisation key as AWS KMS encrypted it, so the file can sit beside the pipeline's
//! code or in a backup without being a key: only a role allowed `kms:Decrypt` on that KMS
//! key turns it back into one, in memory.
//!
//! This is envelope encryption: KMS makes the key (`GenerateDataKey`, AES-256 spec: 32
//! random bytes) and returns it twice, in clear and encrypted under the KMS key; watt keeps
//! the encrypted copy only. The key in use is the 64 lowercase hex characters of those 32
//! bytes, the same text `watt keygen` prints, so one key can move between a file, a secret
//! and an environment variable and keep its fingerprint. The file is JSON:
//!
//! ```json
//! {
//!   "format": "watt-pseudonym-key/kms-v1",
//!   "kmsKeyId": "arn:aws:kms:eu-west-3:111122223333:key/…",
//!   "keyId": "<the key's fingerprint, 12 hex characters>",
//!   "encryptionContext": {"watt:purpose": "pseudonymisation-key"},
//!   "ciphertext": "AQICAHh…"
//! }
//! ```
//!
//! `keyId` is the key's fingerprint, readable without KMS (which key a file holds, for a
//! keyring or an inventory) and checked against the decrypted key. The encryption context
//! binds the ciphertext to its use: KMS refuses to decrypt it under another context, and a
//! key policy can allow `kms:Decrypt` only with this one (`kms:EncryptionContext:watt:purpose`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `format` of the file, which tells it from a key in clear.
pub const FORMAT: &str = "watt-pseudonym-key/kms-v1";
/// The encryption context's one entry.
pub const CONTEXT_KEY: &str = "watt:purpose";
pub const CONTEXT_VALUE: &str = "pseudonymisation-key";

/// A KMS-encrypted key file, as read or written. Nothing in it is secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    pub format: String,
    /// The KMS key the ciphertext is encrypted under (its ARN, as KMS answered).
    pub kms_key_id: String,
    /// The fingerprint of the key inside ([`watt_core::PseudonymKey::id`]).
    pub key_id: String,
    pub encryption_context: BTreeMap<String, String>,
    /// KMS's ciphertext blob, base64.
    pub ciphertext: String,
}

/// Why a file that says it is an envelope cannot be read as one. Nothing here quotes the
/// file: the message names the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("it is not a KMS-encrypted key file of this version of watt ({0})")]
    Malformed(String),
    #[error("its ciphertext is not base64")]
    Ciphertext,
    #[error("its encryption context is not watt's ({CONTEXT_KEY} = {CONTEXT_VALUE})")]
    Context,
}

impl Envelope {
    /// The envelope of a key KMS made: its ARN, the ciphertext blob, the key's fingerprint.
    pub fn new(kms_key_id: &str, ciphertext: &[u8], key_id: &str) -> Envelope {
        Envelope {
            format: FORMAT.to_owned(),
            kms_key_id: kms_key_id.to_owned(),
            key_id: key_id.to_owned(),
            encryption_context: context(),
            ciphertext: data_encoding::BASE64.encode(ciphertext),
        }
    }

    /// Whether the bytes of a key file are an envelope rather than a key in clear: a JSON
    /// object naming this format. A key in clear is never one (`watt keygen` keys are hex;
    /// a passphrase that is a JSON object naming a watt format is not a passphrase).
    pub fn is_envelope(bytes: &[u8]) -> bool {
        let text = bytes.trim_ascii_start();
        text.starts_with(b"{")
            && serde_json::from_slice::<serde_json::Value>(bytes)
                .ok()
                .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_owned))
                .is_some_and(|f| f.starts_with("watt-pseudonym-key/"))
    }

    /// Parses an envelope file.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let envelope: Envelope = serde_json::from_slice(bytes).map_err(|e| {
            // serde_json's messages name fields and positions, never values.
            EnvelopeError::Malformed(e.to_string())
        })?;
        if envelope.format != FORMAT {
            return Err(EnvelopeError::Malformed(format!(
                "format {:?}, expected {FORMAT:?}",
                envelope.format
            )));
        }
        if envelope.encryption_context != context() {
            return Err(EnvelopeError::Context);
        }
        envelope.ciphertext_bytes()?;
        Ok(envelope)
    }

    /// The ciphertext blob.
    pub fn ciphertext_bytes(&self) -> Result<Vec<u8>, EnvelopeError> {
        data_encoding::BASE64
            .decode(self.ciphertext.as_bytes())
            .map_err(|_| EnvelopeError::Ciphertext)
    }

    /// The file's text: pretty JSON and a final new line.
    pub fn to_text(&self) -> String {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        format!("{json}\n")
    }
}

/// The encryption context of every watt key.
pub fn context() -> BTreeMap<String, String> {
    BTreeMap::from([(CONTEXT_KEY.to_owned(), CONTEXT_VALUE.to_owned())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_round_trips_and_is_told_from_a_key_in_clear() {
        let e = Envelope::new(
            "arn:aws:kms:eu-west-3:1:key/k",
            &[1, 2, 3, 250],
            "0123456789ab",
        );
        let text = e.to_text();
        assert!(Envelope::is_envelope(text.as_bytes()));
        assert_eq!(Envelope::parse(text.as_bytes()), Ok(e.clone()));
        assert_eq!(e.ciphertext_bytes(), Ok(vec![1, 2, 3, 250]));
        assert!(
            text.contains("\"watt:purpose\": \"pseudonymisation-key\""),
            "{text}"
        );
        for clear in [
            &b"3f2a9c0d41b7e8f5a6c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1\n"[..],
            b"{ a passphrase in braces, long enough to be a key }",
            b"{\"format\": \"something else\"}",
        ] {
            assert!(!Envelope::is_envelope(clear));
        }
    }

    #[test]
    fn a_damaged_envelope_is_refused_without_quoting_it() {
        let good = Envelope::new("arn", &[9; 40], "0123456789ab");
        let mut other_format = good.clone();
        other_format.format = "watt-pseudonym-key/kms-v9".into();
        let mut other_context = good.clone();
        other_context.encryption_context =
            BTreeMap::from([(CONTEXT_KEY.to_owned(), "something".to_owned())]);
        let mut bad_base64 = good.clone();
        bad_base64.ciphertext = "not base64!".into();
        for (bad, expected) in [
            (other_format.to_text(), "format"),
            (other_context.to_text(), "encryption context"),
            (bad_base64.to_text(), "base64"),
            (
                "{\"format\": \"watt-pseudonym-key/kms-v1\"}".to_owned(),
                "missing field",
            ),
            (
                good.to_text()
                    .replace("\"format\"", "\"extra\": \"SECRET\", \"format\""),
                "unknown field",
            ),
        ] {
            let err = Envelope::parse(bad.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
            assert!(!err.contains("SECRET"), "{err}");
        }
    }
}
