//! The audit trail of `watt lake`: JSON lines in the lake itself, under `_audit/` at its
//! root (beside the prefix, so the prefix's lifecycle rule does not expire it), one object
//! per operation, written create-only once the operation's changes are made:
//! `_audit/<YYYY>/<MM>/<DD>/<HHMMSS>.<mmm>_<command>_<operation>.jsonl` (UTC, the
//! operation's start to the millisecond: a listing is in time order).
//!
//! One record per change (an object deleted, an object rewritten, an export) and one for
//! the operation as a whole (what it looked at and did, in counts), each saying who ran it
//! (the local user and host, and for S3 where the credentials came from and a fingerprint
//! of the access key id — never the key), when, with which tool version, on what objects,
//! for which request. Never a personal value, a pseudonym, an export's path (a file name
//! may name the person) or a secret: `native/tests/lake_privacy.rs` checks it.
//!
//! A change's record is kept in its journal entry until the operation's audit object is
//! stored, so a run stopped before leaves the next run what it needs to publish it
//! (marked `recoveredBy`).

use bytes::Bytes;
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Context;
use crate::ingest::integrity::Hashing;
use crate::ingest::lake::{Lake, LakeError};
use crate::ingest::manifest::Tool;

/// Version of the record format.
pub const RECORD_VERSION: u32 = 1;

/// Who ran an operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Who {
    /// The local user (`$USER`, else the uid).
    pub user: String,
    pub host: String,
    /// The lake: `s3://bucket` or the local folder.
    pub store: String,
    /// For S3: where the credentials came from (`AWS default chain`, `AWS profile`,
    /// `keys from .env`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
    /// For S3: the first 12 hex characters of SHA-256("watt/v1/access-key-id" + the access
    /// key id), to tell which credentials acted without writing them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key: Option<String>,
}

impl Who {
    /// This process's user and host, on the lake `store`.
    pub fn local(store: String) -> Who {
        let user = ["USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(uid);
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown".into());
        Who {
            user,
            host,
            store,
            credentials: None,
            access_key: None,
        }
    }
}

#[cfg(unix)]
fn uid() -> String {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| format!("uid {}", m.uid()))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(not(unix))]
fn uid() -> String {
    "unknown".into()
}

/// The fingerprint of an access key id (see [`Who::access_key`]).
pub fn access_key_fingerprint(access_key_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"watt/v1/access-key-id");
    h.update(access_key_id.as_bytes());
    data_encoding::HEXLOWER.encode(&h.finalize()[..6])
}

/// Checks a request id: it goes into manifests, audit records and messages, so it is kept
/// to 1 to 64 letters, digits and `. _ - /`, and must not look like a person's data. The
/// error never repeats it (it may be the very personal data it must not be).
pub fn check_request_id(id: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
    if id.is_empty() || id.len() > 64 || !id.chars().all(allowed) {
        return Err("--request-id: expected 1 to 64 letters, digits and . _ - / (the reference of the request in your register, not a name)".into());
    }
    let mut found = Vec::new();
    watt_core::pii::detect(id, watt_core::pii::KindSet::ALL, &mut found);
    if let Some(m) = found.first() {
        return Err(format!(
            "--request-id: it looks like personal data ({}): give the reference of the request in your register",
            m.kind.as_str()
        ));
    }
    if id
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() > 8)
    {
        return Err("--request-id: it holds a number of more than 8 digits, which looks like an identifier: give the reference of the request in your register".into());
    }
    Ok(())
}

/// What a record is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The operation as a whole.
    #[default]
    Operation,
    /// An object and its manifest deleted, their retention ended.
    Expired,
    /// An object rewritten without a person's rows.
    Erased,
    /// An object rewritten without columns whose retention ended.
    ColumnsExpired,
    /// A person's rows written to an export file.
    Exported,
    /// An object rewritten with its pseudonyms moved to another key.
    Rekeyed,
}

/// One line of the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub record_version: u32,
    pub time: String,
    pub tool: Option<Tool>,
    /// `expire`, `erase`, `find`, `rekey` or `recover`.
    pub command: String,
    pub operation: String,
    pub who: Who,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The column a person was looked for in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The object acted on (its key), and its manifest's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// A rewrite's new object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_object: Option<String>,
    /// Rows of the object deleted, or of the new object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_removed: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns_removed: Vec<String>,
    /// Why: `retention P3Y ended 2027-01-15T08:22:31Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Versions of the object deleted for good (in a bucket that keeps versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions_deleted: Option<usize>,
    /// For the operation: objects looked at, objects changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects_seen: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects_changed: Option<u64>,
    /// For the operation: objects that could not be searched or changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects_left: Option<u64>,
    /// An export's SHA-256 (its path is not recorded: it may name the person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_sha256: Option<String>,
    /// A rekey: the fingerprints of the key moved from (for the operation: each, joined by
    /// spaces) and of the key moved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id_to: Option<String>,
    /// A rekey: cells whose pseudonym was computed again under the new key, and cells
    /// severed (their pseudonym made by no identifier given: replaced by a token nobody can
    /// link to anyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells_recoded: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells_severed: Option<u64>,
    /// A rekey, for the operation: distinct pseudonyms of the objects under the old keys
    /// that the identifiers made, and those they did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonyms_matched: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonyms_unmatched: Option<u64>,
    /// The time retention was judged at, when it was not the time of the run (`--now`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_at: Option<String>,
    /// The operation that finished this change and published its record, when it is not
    /// the operation that made it (the latter was stopped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_by: Option<String>,
}

impl Record {
    /// A record of this operation.
    pub fn new(ctx: &Context, command: &str, action: Action) -> Record {
        Record {
            record_version: RECORD_VERSION,
            time: now(),
            tool: Some(Tool::this()),
            command: command.to_owned(),
            operation: ctx.operation.to_string(),
            who: ctx.who.clone(),
            action,
            ..Record::default()
        }
    }

    /// The change in a few words (for messages).
    pub fn what(&self) -> String {
        match self.action {
            Action::Erased => format!(
                "erasure for request {}",
                self.request_id.as_deref().unwrap_or("?")
            ),
            Action::ColumnsExpired => format!(
                "removal of expired column(s) {}",
                self.columns_removed.join(", ")
            ),
            Action::Expired => "deletion of an expired object".into(),
            Action::Exported => "export".into(),
            Action::Rekeyed => format!(
                "move of its pseudonyms from key {} to key {}",
                self.key_id_from.as_deref().unwrap_or("?"),
                self.key_id_to.as_deref().unwrap_or("?")
            ),
            Action::Operation => "operation".into(),
        }
    }
}

/// Now, as records write times.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Where an operation's records go.
pub fn audit_key(command: &str, operation: &str, started: DateTime<Utc>) -> String {
    format!(
        "_audit/{:04}/{:02}/{:02}/{:02}{:02}{:02}.{:03}_{command}_{operation}.jsonl",
        started.year(),
        started.month(),
        started.day(),
        started.hour(),
        started.minute(),
        started.second(),
        started.timestamp_subsec_millis().min(999)
    )
}

/// Stores records as one object of JSON lines, create-only.
pub async fn publish<L: Lake>(lake: &L, key: &str, records: &[Record]) -> Result<(), LakeError> {
    let mut bytes = Vec::new();
    for r in records {
        bytes.extend(serde_json::to_vec(r).unwrap_or_default());
        bytes.push(b'\n');
    }
    let mut h = Hashing::default();
    h.update(&bytes);
    lake.put_small(key, Bytes::from(bytes), &h.finish())
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_fingerprints() {
        let t = DateTime::parse_from_rfc3339("2027-01-16T08:09:10.0427Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            audit_key("erase", "0123456789abcdef", t),
            "_audit/2027/01/16/080910.042_erase_0123456789abcdef.jsonl"
        );
        let f = access_key_fingerprint("AKIAEXAMPLE");
        assert_eq!(f.len(), 12);
        assert_ne!(f, access_key_fingerprint("AKIAEXAMPLF"));
        assert!(!f.contains("AKIA"));
    }

    #[test]
    fn empty_fields_are_not_written() {
        let r = Record {
            record_version: 1,
            command: "expire".into(),
            action: Action::Expired,
            object: Some("p/a.csv".into()),
            ..Record::default()
        };
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""action":"expired""#), "{json}");
        assert!(
            !json.contains("requestId") && !json.contains("exportSha256"),
            "{json}"
        );
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }
}
