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
//!
//! From this version on it also records the schema's retention (the dataset's and each
//! column's) and how each pseudonymised column was made (domain, normalisation, length:
//! never the key), so `watt lake` can expire the object and find a person in it without
//! the schema; these fields are optional, and older manifests still read. An object that
//! `watt lake` rewrote (an erasure, a column past its retention) has a new manifest, which
//! names the object it `supersedes` and keeps the history: its `erasures` (date, request
//! id, rows removed: never a value or a pseudonym) and `columnExpiries`.
//!
//! It is also kept, as it will be written, in the run's journal entry from the moment the
//! object is committed: a run that dies before writing it leaves the next run what it
//! needs to write it (the sums sent, the source's hash, the reports), hence `Deserialize`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use watt_core::gdpr::{Action, Pseudonymisation};
use watt_core::minimise::MinimisationReport;
use watt_core::{Dialect, ErrorCode, Report, Schema};

/// Version of the manifest format.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The schema's retention (absent in manifests written before watt recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<RetentionInfo>,
    /// How each pseudonymised column was made, by column (never the key).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pseudonyms: BTreeMap<String, Pseudonymisation>,
    /// The object this one replaced (a rewrite by `watt lake`), by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// Rows erased from the object, request by request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erasures: Vec<Erasure>,
    /// Columns removed from the object when their own retention ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column_expiries: Vec<ColumnExpiry>,
    /// Moves of the object's pseudonyms to another key (`watt lake rekey`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rekeys: Vec<Rekey>,
    /// The object of the landing bucket this one was made from, when `watt worker` made it
    /// (its run id and key are derived from these: see `crate::worker::identity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A landing bucket's object, as the S3 event named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    pub bucket: String,
    /// SHA-256 of the key (hex): a producer's file name may name a person.
    pub key_sha256: String,
    pub version_id: Option<String>,
    pub etag: Option<String>,
    pub sequencer: Option<String>,
    pub event_time: String,
}

/// The retention that applies to an object, as the schema said when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionInfo {
    /// The dataset's (`gdpr.retention` of the schema), an ISO 8601 duration.
    pub dataset: Option<String>,
    /// Each column of the object with a retention: its own, else the dataset's.
    pub columns: BTreeMap<String, String>,
}

impl RetentionInfo {
    /// The retention of a schema for the columns written.
    pub fn of(schema: &Schema, columns: &[String]) -> RetentionInfo {
        let dataset = schema.gdpr.as_ref().and_then(|d| d.retention.clone());
        let columns = columns
            .iter()
            .filter_map(|name| {
                let own = schema
                    .field(name)
                    .and_then(|f| f.gdpr.as_ref())
                    .and_then(|g| g.retention.clone());
                Some((name.clone(), own.or_else(|| dataset.clone())?))
            })
            .collect();
        RetentionInfo { dataset, columns }
    }
}

/// The pseudonymisation of each written column that a schema pseudonymises.
pub fn pseudonyms_of(schema: &Schema, columns: &[String]) -> BTreeMap<String, Pseudonymisation> {
    columns
        .iter()
        .filter_map(|name| match &schema.field(name)?.gdpr.as_ref()?.action {
            Action::Pseudonymise(p) => Some((name.clone(), p.clone())),
            _ => None,
        })
        .collect()
}

/// One erasure request carried out on the object (Art. 17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Erasure {
    /// When the rewritten object was written (RFC 3339, UTC).
    pub date: String,
    /// The request's id in the controller's register.
    pub request_id: String,
    /// The column the person was looked for in.
    pub field: String,
    pub rows_removed: u64,
    /// The `watt lake erase` operation that did it.
    pub operation: String,
}

/// The object's pseudonyms moved from one key to another (`watt lake rekey`): fingerprints
/// and counts, never a pseudonym.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rekey {
    pub date: String,
    pub from_key_id: String,
    pub to_key_id: String,
    /// Cells whose pseudonym was computed again under the new key from its identifier.
    pub cells_recoded: u64,
    /// Cells whose pseudonym no identifier given made, replaced by a severed token
    /// (`--sever-unmatched`): they can no longer be linked to anyone.
    pub cells_severed: u64,
    /// The `watt lake rekey` operation that did it.
    pub operation: String,
}

/// Columns removed because their own retention ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnExpiry {
    pub date: String,
    pub columns: Vec<String>,
    /// The `watt lake expire` operation that did it.
    pub operation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: "watt".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The name used in the key (never the path: paths name people's home folders).
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    pub location: String,
    pub bucket: Option<String>,
    pub key: String,
    pub bytes: u64,
    pub rows: u64,
    pub content_type: String,
    pub checksum: Checksum,
    pub sha256: String,
    pub parts: u32,
    pub part_size: Option<u64>,
    pub encryption: Encryption,
    pub etag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checksum {
    pub algorithm: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Base64 of the big-endian CRC, as S3 headers carry it.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    pub requested: Option<String>,
    /// What the store said it applied (`null` when it did not say).
    pub reported: Option<String>,
}

/// What was checked after the write.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The checksum the store returned on write: `matched` or `not returned` (or, in a
    /// recovered manifest, `not seen (the run stopped first)`).
    pub store_checksum: String,
    /// The HEAD after the write: `matched`, `size matched, no checksum returned`,
    /// `skipped`, `not permitted` or `failed`.
    pub head: String,
    /// Whether the store confirmed the full-object checksum one way or the other.
    pub checksum_confirmed: bool,
    /// The run that wrote this manifest, when it is not the run that wrote the object: that
    /// run stopped between the two, and a later one checked the object (what `head` says)
    /// and wrote the manifest from the run's journal (see docs/ingest.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaInfo {
    /// The schema's `name`, when it has one.
    pub name: Option<String>,
    pub sha256: String,
    /// `bundled` (the energy schema inside watt) or the schema file's name.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest from the journal is written as the run would have written it.
    #[test]
    fn a_manifest_reads_back_as_written() {
        // A real report, minimisation and k-anonymity included.
        let schema = watt_core::Schema::from_json(crate::commands::ingest::BUNDLED_SCHEMA)
            .expect("the bundled schema");
        let key =
            watt_core::PseudonymKey::new(b"manifest-test-key-0123456789abcdef0123").expect("a key");
        let mut minimiser =
            watt_core::Minimiser::new(&schema, watt_core::Options::default(), Some(key))
                .expect("a minimiser");
        let _ = minimiser.push(include_bytes!(
            "../../../data/samples/sample_energy_consumption.csv"
        ));
        let report = minimiser.finish().report;
        assert!(report.minimisation.is_some());
        let m = Manifest {
            manifest_version: MANIFEST_VERSION,
            run_id: "0123456789abcdef".into(),
            tool: Tool::this(),
            source: Source {
                name: "a".into(),
                sha256: "00".into(),
                bytes: 3,
            },
            object: Object {
                location: "s3://lake/p/a.csv".into(),
                bucket: Some("lake".into()),
                key: "p/a.csv".into(),
                bytes: 2,
                rows: 1,
                content_type: "text/csv".into(),
                checksum: Checksum {
                    algorithm: "CRC64NVME".into(),
                    kind: "FULL_OBJECT".into(),
                    value: "AAAAAAAAAAA=".into(),
                },
                sha256: "11".into(),
                parts: 1,
                part_size: None,
                encryption: Encryption {
                    requested: Some("AES256".into()),
                    reported: None,
                },
                etag: None,
            },
            verification: Verification::default(),
            schema: SchemaInfo {
                name: None,
                sha256: "22".into(),
                source: "bundled".into(),
            },
            key_id: None,
            validation: Validation::of(&report),
            minimisation: report.minimisation.clone(),
            times: Times {
                run_started: "t0".into(),
                file_started: "t1".into(),
                object_written: String::new(),
                manifest_written: String::new(),
            },
            retention: Some(RetentionInfo::of(
                &schema,
                &report.minimisation.as_ref().unwrap().columns_out,
            )),
            pseudonyms: pseudonyms_of(&schema, &["prm".into(), "kwh".into()]),
            supersedes: Some("p/old.csv".into()),
            erasures: vec![Erasure {
                date: "t2".into(),
                request_id: "DSR-1".into(),
                field: "prm".into(),
                rows_removed: 3,
                operation: "0123456789abcdef".into(),
            }],
            column_expiries: vec![],
            rekeys: vec![],
            origin: None,
        };
        let bytes = m.to_bytes();
        let back: Manifest = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.to_bytes(), bytes);
        assert!(!String::from_utf8(bytes).unwrap().contains("recoveredBy"));
    }

    /// The retention and pseudonymisation of the energy schema, column by column; older
    /// manifests, without them, still read.
    #[test]
    fn the_schema_s_retention_and_pseudonyms_are_recorded_and_old_manifests_read() {
        let schema = watt_core::Schema::from_json(crate::commands::ingest::BUNDLED_SCHEMA)
            .expect("the bundled schema");
        let columns: Vec<String> = ["prm", "customer_id", "postcode", "kwh", "contract_type"]
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        let r = RetentionInfo::of(&schema, &columns);
        assert_eq!(r.dataset.as_deref(), Some("P3Y"));
        // contract_type declares none: the dataset's applies.
        assert_eq!(r.columns.len(), 5);
        assert!(r.columns.values().all(|v| v == "P3Y"), "{r:?}");
        let p = pseudonyms_of(&schema, &columns);
        assert_eq!(p.keys().collect::<Vec<_>>(), ["customer_id", "prm"]);
        assert_eq!(p["prm"].domain, "meter");
        let json = serde_json::to_string(&p["prm"]).unwrap();
        assert_eq!(
            json,
            r#"{"domain":"meter","normalise":"digits","bytes":16,"prefix":""}"#
        );

        let old = include_str!("../../../data/fixtures/manifest_before_retention.json");
        let m: Manifest = serde_json::from_str(old).expect("an older manifest reads");
        assert_eq!(m.retention, None);
        assert!(m.pseudonyms.is_empty() && m.erasures.is_empty() && m.supersedes.is_none());
        let written = String::from_utf8(m.to_bytes()).unwrap();
        for absent in [
            "retention",
            "pseudonyms",
            "supersedes",
            "erasures",
            "columnExpiries",
        ] {
            assert!(
                !written.contains(absent),
                "{absent} is not written when empty"
            );
        }
    }
}
