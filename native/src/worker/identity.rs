//! Exactly-once results on at-least-once delivery: the run id and the keys of a source
//! object's results are derived from the object itself, never drawn at random.
//!
//! SQS delivers a message at least once, S3 may send an event twice, and a worker may die
//! mid-file: the same object is then processed again, by this worker or another. Its run id
//! is the first 64 bits of the SHA-256 of what names that one version of that one object —
//! the bucket, the key, the version id (or, in a bucket without versioning, the ETag) and
//! the event's time to the second — and its object key is `watt ingest`'s layout with that
//! run id and the event's date. Every delivery of the same event computes the same key, so
//! the second finds the object there (writes are create-only) and confirms it instead of
//! writing a copy. A new upload of the same key is a new event (a new version, or a new
//! time): a new run, a new object.
//!
//! The landing key is a producer's file name, which may name a person: it is not kept in
//! the derived keys (its stem goes through [`source_name`], as `watt ingest` does with file
//! names), nor in manifests (its SHA-256 is, see [`origin`]).

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest as _, Sha256};

use super::event::Created;
use crate::ingest::key::{RunId, manifest_key, object_key, source_name};
use crate::ingest::manifest::Origin;

/// What the results of one source object are called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub run_id: RunId,
    /// The source name in the keys.
    pub source_name: String,
    /// The minimised object, under the raw prefix.
    pub key: String,
    pub manifest_key: String,
    /// The validation report of an invalid object, under the quarantine prefix.
    pub report_key: String,
}

/// Why an event cannot be processed exactly once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "the event names neither a version id nor an ETag: the object's content cannot be pinned"
    )]
    Unpinned,
}

/// The version or ETag that pins the content: `v:<id>` or `e:<etag>`.
fn pin(created: &Created) -> Result<String, IdentityError> {
    match (&created.version_id, &created.etag) {
        (Some(v), _) => Ok(format!("v:{v}")),
        (None, Some(e)) => Ok(format!("e:{e}")),
        (None, None) => Err(IdentityError::Unpinned),
    }
}

/// The event's time to the second: what the keys carry.
fn event_second(created: &Created) -> DateTime<Utc> {
    DateTime::from_timestamp(created.event_time.timestamp(), 0).unwrap_or(created.event_time)
}

/// The run id and keys of an object's results.
pub fn derive(
    created: &Created,
    prefix: &str,
    quarantine_prefix: &str,
) -> Result<Derived, IdentityError> {
    let when = event_second(created);
    let mut hash = Sha256::new();
    for part in [
        "watt worker 1",
        &created.bucket,
        &created.key,
        &pin(created)?,
        &when.to_rfc3339_opts(SecondsFormat::Secs, true),
    ] {
        // Length-prefixed: no two lists of parts hash the same bytes.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let run_id = RunId::from_digest(&hash.finalize().into());
    let stem = created
        .key
        .rsplit('/')
        .next()
        .map(|name| name.rsplit_once('.').map_or(name, |(stem, _)| stem))
        .unwrap_or_default();
    let name = source_name(stem);
    let key = object_key(prefix, when, &name, &run_id);
    let quarantined = object_key(quarantine_prefix, when, &name, &run_id);
    let report_key = format!(
        "{}.report.json",
        quarantined.strip_suffix(".csv").unwrap_or(&quarantined)
    );
    Ok(Derived {
        run_id,
        source_name: name,
        manifest_key: manifest_key(&key),
        key,
        report_key,
    })
}

/// The source object as manifests and quarantine reports record it.
pub fn origin(created: &Created) -> Origin {
    Origin {
        bucket: created.bucket.clone(),
        key_sha256: data_encoding::HEXLOWER.encode(&Sha256::digest(created.key.as_bytes())),
        version_id: created.version_id.clone(),
        etag: created.etag.clone(),
        sequencer: created.sequencer.clone(),
        event_time: created
            .event_time
            .to_rfc3339_opts(SecondsFormat::Millis, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created() -> Created {
        Created {
            bucket: "landing".into(),
            key: "in/enedis/Relevé jean.dupont@example.com 2024-01.csv".into(),
            size: Some(10),
            etag: Some("9b2cf535f27731c974343645a3985328".into()),
            version_id: None,
            sequencer: Some("0055AED6DCD90281E5".into()),
            event_time: DateTime::parse_from_rfc3339("2024-03-05T07:08:09.123Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn the_same_event_gives_the_same_keys_and_a_new_upload_new_ones() {
        let a = derive(&created(), "raw", "quarantine").unwrap();
        assert_eq!(a, derive(&created(), "raw", "quarantine").unwrap());
        let run = a.run_id.to_string();
        assert_eq!(run.len(), 16);
        assert_eq!(
            a.key,
            format!("raw/2024/03/05/relev_email_2024-01_{run}_070809.csv")
        );
        assert_eq!(a.manifest_key, format!("{}.manifest.json", a.key));
        assert_eq!(
            a.report_key,
            format!("quarantine/2024/03/05/relev_email_2024-01_{run}_070809.report.json")
        );
        // Milliseconds apart in the same second: the same event as far as keys go.
        let mut same = created();
        same.event_time += chrono::Duration::milliseconds(500);
        assert_eq!(derive(&same, "raw", "q").unwrap().run_id, a.run_id);
        // Another content, another version, another time, another bucket: another run.
        let changes: [fn(&mut Created); 5] = [
            |c| c.etag = Some("00".into()),
            |c| c.version_id = Some("v2".into()),
            |c| c.event_time += chrono::Duration::seconds(1),
            |c| c.bucket = "landing2".into(),
            |c| c.key.push('x'),
        ];
        for change in changes {
            let mut other = created();
            change(&mut other);
            assert_ne!(derive(&other, "raw", "q").unwrap().run_id, a.run_id);
        }
    }

    #[test]
    fn an_event_without_version_or_etag_is_refused() {
        let mut c = created();
        c.etag = None;
        assert_eq!(derive(&c, "raw", "q"), Err(IdentityError::Unpinned));
    }

    #[test]
    fn the_origin_names_the_key_by_its_hash_only() {
        let o = origin(&created());
        let shown = serde_json::to_string(&o).unwrap();
        assert!(!shown.contains("dupont"), "{shown}");
        assert_eq!(o.key_sha256.len(), 64);
        assert_eq!(o.event_time, "2024-03-05T07:08:09.123Z");
    }
}
