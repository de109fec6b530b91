//! The manifest: `<key>.manifest.json`, written create-only right after the object it
//! describes, so an auditor finds beside every file what it was made from, how, and how to
//! check it.
//!
//! It holds the run id, the source (its name and SHA-256, not its path), the object (key,
//! bytes, rows, full-object CRC-64/NVME and SHA-256, parts, encryption), what the checks
//! after the write found, the schema (name and SHA-256), the pseudonymisation key's
//! fingerprint (never the key), the validation summary, the minimisation summary as the
//! core reports it (counts, never values), the tool version and the times. Its fields are
//! described in docs/ingest.md.

use std::collections::BTreeMap;

use serde::Serialize;
use watt_core::minimise::MinimisationReport;
use watt_core::{Dialect, ErrorCode, Report};

/// Version of the manifest format.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub manifest_version: u32,
    pub run_id: String,
    pub tool: Tool,
    pub source: Source,
    pub object: Object,
    pub verification: Verification,
    pub schema: SchemaInfo,
    /// Fingerprint of the pseudonymisation key (`watt_core::PseudonymKey::id`).
    pub key_id: Option<String>,
    pub validation: Validation,
    pub minimisation: Option<MinimisationReport>,
    pub times: Times,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: "watt",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The name used in the key (never the path: paths name people's home folders).
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    pub location: String,
    pub bucket: Option<String>,
    pub key: String,
    pub bytes: u64,
    pub rows: u64,
    pub content_type: &'static str,
    pub checksum: Checksum,
    pub sha256: String,
    pub parts: u32,
    pub part_size: Option<u64>,
    pub encryption: Encryption,
    pub etag: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checksum {
    pub algorithm: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Base64 of the big-endian CRC, as S3 headers carry it.
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    pub requested: Option<String>,
    /// What the store said it applied (`null` when it did not say).
    pub reported: Option<String>,
}

/// What was checked after the write.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The checksum the store returned on write: `matched` or `not returned`.
    pub store_checksum: String,
    /// The HEAD after the write: `matched`, `size matched, no checksum returned`,
    /// `skipped`, or `not permitted`.
    pub head: String,
    /// Whether the store confirmed the full-object checksum one way or the other.
    pub checksum_confirmed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaInfo {
    /// The schema's `name`, when it has one.
    pub name: Option<String>,
    pub sha256: String,
    /// `bundled` (the energy schema inside watt) or the schema file's name.
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    pub valid: bool,
    pub rows: u64,
    pub bytes: u64,
    pub findings_total: u64,
    /// Codes with at least one finding.
    pub error_counts: BTreeMap<ErrorCode, u64>,
    pub encoding: String,
    pub dialect: Dialect,
    pub notes: Vec<String>,
}

impl Validation {
    pub fn of(report: &Report) -> Validation {
        Validation {
            valid: report.valid,
            rows: report.stats.rows,
            bytes: report.stats.bytes,
            findings_total: report.findings_total,
            error_counts: report
                .error_counts
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (*c, *n))
                .collect(),
            encoding: report.encoding.name.clone(),
            dialect: report.dialect.clone(),
            notes: report.notes.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Times {
    pub run_started: String,
    pub file_started: String,
    pub object_written: String,
    pub manifest_written: String,
}

impl Manifest {
    /// The manifest as written: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
