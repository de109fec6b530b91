//! `watt lake`: the lake looked after once data has landed — what it holds, what its
//! retention says must go, where a person's rows are, and their erasure — for the local
//! lake and for S3 alike, through the one [`Lake`] trait.
//!
//! - [`catalog`]: the objects under the prefix with their manifests, as readers see them.
//! - [`expire`]: what the retention rules say is due, and its deletion; [`find`]: a
//!   person's rows, and their export; [`erase`]: their erasure; [`rekey`]: the objects made
//!   under an older key moved to the current one (so that the old key can be destroyed).
//! - [`rewrite`]: the one journaled way an object changes (an erasure, a column past its
//!   retention, a rekey): a new object written, verified, its manifest put in place, the old one
//!   deleted with its versions; and the deletion of an expired object.
//! - [`journal`]: the steps in progress, so that a process stopped anywhere leaves an
//!   object either the old one or the verified new one, and [`journal::recover`] finishes
//!   or undoes them; [`lock`]: one changing operation at a time per lake.
//! - [`audit`]: the JSON-lines records in the lake's `_audit/` (who, when, what, counts;
//!   never a value or a pseudonym).
//!
//! Memory: objects are read in 1 MiB chunks through the core's row filter, at most
//! `--jobs` at once; an object being rewritten holds at most `--part-size` MiB of output
//! per part in flight. The pure logic (retention arithmetic, the row filter, the export,
//! the lifecycle rule) is the core's (`watt_core::lake`).

pub mod audit;
pub mod catalog;
pub mod erase;
pub mod expire;
pub mod find;
pub mod journal;
pub mod lock;
pub mod rekey;
pub mod rewrite;

use chrono::{DateTime, Utc};

use crate::ingest::key::RunId;
use crate::ingest::lake::{Lake, LakeError, Leftovers, Versioning};

/// What `watt lake` needs of a store: the [`Lake`] trait, and cleaning up after a write
/// cut short.
pub trait Store: Leftovers {}
impl<L: Leftovers> Store for L {}

/// What one invocation of a `watt lake` command shares.
#[derive(Debug, Clone)]
pub struct Context {
    /// The lake's prefix (no slashes at either end; empty: the whole bucket or folder).
    pub prefix: String,
    /// This invocation's id: in new keys, journal entries and audit records.
    pub operation: RunId,
    pub started: DateTime<Utc>,
    pub journal: journal::Journal,
    pub who: audit::Who,
    /// Objects read at once.
    pub jobs: usize,
    /// Part size of rewritten objects.
    pub part_size: usize,
    /// Whether deleted objects stay as versions (checked once per run).
    pub versioning: Versioning,
    /// Server-side encryption asked for what is written (`AES256`, `aws:kms`), as the
    /// manifest records it.
    pub sse_requested: Option<String>,
    /// Numbers the journal entries of the operation (start it at 2: 0 and 1 are the lock
    /// and the probe).
    pub entries: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Context {
    /// The number of the operation's next journal entry.
    pub fn next_entry(&self) -> usize {
        self.entries
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }
}

/// The manifest's key of an object's key.
pub use crate::ingest::key::manifest_key;

/// Whether a key is a data object's (not a manifest, an audit record or anything else).
pub fn is_object_key(key: &str) -> bool {
    key.ends_with(".csv")
}

/// Every version of `key` deleted for good when the store keeps versions, else the object
/// deleted; returns how many versions (delete markers included) went.
pub async fn delete_all<L: Lake>(
    lake: &L,
    versioning: Versioning,
    key: &str,
) -> Result<usize, LakeError> {
    if !versioning.keeps_versions() {
        lake.delete(key).await?;
        return Ok(0);
    }
    let versions = lake.versions(key).await?;
    for v in &versions {
        lake.delete_version(key, &v.id).await?;
    }
    // A version written between the listing and the deletions (none should be: keys are
    // written once) would stay: look again.
    let left = lake.versions(key).await?;
    if !left.is_empty() {
        return Err(LakeError::Store {
            operation: "DeleteObjectVersion",
            location: lake.location(key),
            detail: format!("{} version(s) still there after deleting them", left.len()),
        });
    }
    Ok(versions.iter().filter(|v| !v.delete_marker).count())
}
