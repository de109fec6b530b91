//! One changing operation at a time per lake, and the check that a versioned bucket's
//! versions can be deleted before anything is changed.
//!
//! **The lock** is a small object, `<prefix>/.watt-lake-lock`, written create-only by
//! `watt lake expire --apply`, `erase` and `recover` before they change anything and
//! deleted when they end: two erasures rewriting the same object at once would each leave
//! a copy of the rows the other kept. It names the operation, the user, the host and the
//! start; a run that finds it refuses, saying so. A run killed with the lock leaves a
//! journal entry, and the next run on the same machine removes it (only if it still names
//! that operation). Hidden names (a leading `.`) are left out of listings: readers never
//! see it. `watt ingest` takes no lock: it only ever writes new keys, which `watt lake`
//! neither rewrites nor deletes while they lack a manifest.
//!
//! **The probe**, in a bucket that keeps versions: an erasure that deletes the current
//! object leaves the rows readable in the earlier versions unless it deletes those too,
//! which needs `s3:ListBucketVersions` and `s3:DeleteObjectVersion` (and a bucket without
//! Object Lock retention). Before anything is changed, a probe object is written, its
//! versions listed and deleted: credentials (or a bucket) that cannot are refused at once,
//! with the lake untouched.

use serde::{Deserialize, Serialize};

use super::catalog::read_small;
use super::journal::{Kind, Step, Tracked};
use super::{Context, Store, delete_all};
use crate::ingest::integrity::Hashing;
use crate::ingest::lake::{Lake, LakeError, Pending};
use crate::journal::Found;

/// The lock's key under a prefix.
pub fn lock_key(prefix: &str) -> String {
    under(prefix, ".watt-lake-lock")
}

/// The probe's key of an operation.
pub fn probe_key(prefix: &str, operation: &str) -> String {
    under(prefix, &format!(".watt-version-probe-{operation}"))
}

fn under(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

/// What the lock object says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    pub operation: String,
    pub command: String,
    pub user: String,
    pub host: String,
    pub started: String,
}

/// Why a run could not take the lake.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another watt lake operation is changing this lake: {} (operation {}, by {} on {}, started {}); wait for it to end. If it was stopped, run `watt lake recover` on {} (its journal is there), or delete {} once you are sure it is not running",
        .holder.command, .holder.operation, .holder.user, .holder.host, .holder.started, .holder.host, .location
    )]
    Held { holder: Holder, location: String },
    #[error(
        "another watt lake operation is changing this lake ({location} exists and cannot be read: {detail})"
    )]
    Unreadable { location: String, detail: String },
    #[error("cannot record the lock in the journal ({0}): nothing was changed")]
    Journal(std::io::Error),
    #[error(transparent)]
    Store(#[from] LakeError),
    #[error(
        "the bucket keeps versions ({versioning}) and {problem}: deleting an object would leave its rows readable in earlier versions, so nothing was changed. Use credentials with s3:ListBucketVersions and s3:DeleteObjectVersion on the prefix (the lifecycle operator's policy, docs/iam/lifecycle-operator-policy.json), or a bucket without Object Lock retention"
    )]
    VersionsStay { versioning: String, problem: String },
}

/// The lake, taken.
#[derive(Debug)]
pub struct Lock {
    tracked: Tracked,
}

/// Takes the lake for this operation (see the module doc).
pub async fn acquire<L: Store>(
    lake: &L,
    ctx: &Context,
    command: &str,
    audit_key: &str,
) -> Result<Lock, LockError> {
    let key = lock_key(&ctx.prefix);
    let step = Step::new(lake, ctx, Kind::Lock, &key, audit_key);
    let tracked = ctx.journal.start(step, 0).map_err(LockError::Journal)?;
    let holder = Holder {
        operation: ctx.operation.to_string(),
        command: format!("watt lake {command}"),
        user: ctx.who.user.clone(),
        host: ctx.who.host.clone(),
        started: ctx
            .started
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let bytes = serde_json::to_vec_pretty(&holder).unwrap_or_default();
    match put(lake, &key, bytes).await {
        Ok(()) => Ok(Lock { tracked }),
        Err(LakeError::AlreadyExists { location }) => {
            tracked.remove();
            let found = read_small(lake, &key, 64 << 10).await;
            match found.map(|b| b.map(|b| serde_json::from_slice::<Holder>(&b))) {
                Ok(Some(Ok(holder))) => Err(LockError::Held { holder, location }),
                Ok(Some(Err(e))) => Err(LockError::Unreadable {
                    location,
                    detail: e.to_string(),
                }),
                Ok(None) => Err(LockError::Unreadable {
                    location,
                    detail: "it went away meanwhile: try again".into(),
                }),
                Err(e) => Err(LockError::Unreadable {
                    location,
                    detail: e.to_string(),
                }),
            }
        }
        Err(e) => {
            // The lock may or may not be there: the journal keeps it for the next run.
            if !crate::ingest::pipeline::uncertain(&e) {
                tracked.remove();
            }
            Err(e.into())
        }
    }
}

/// Gives the lake back. A lock that cannot be deleted stays in the journal: the next run
/// deletes it.
pub async fn release<L: Store>(lake: &L, ctx: &Context, lock: Lock) -> Result<(), LakeError> {
    delete_all(lake, ctx.versioning, &lock.tracked.step.key).await?;
    lock.tracked.remove();
    Ok(())
}

async fn put<L: Lake>(lake: &L, key: &str, bytes: Vec<u8>) -> Result<(), LakeError> {
    let mut h = Hashing::default();
    h.update(&bytes);
    lake.put_small(key, bytes.into(), &h.finish())
        .await
        .map(|_| ())
}

/// A stopped run's lock: deleted if it still names that run's operation.
pub async fn recover<L: Store>(
    lake: &L,
    ctx: &Context,
    found: &Found<Step>,
) -> Result<(), LakeError> {
    let step = &found.entry;
    // A write of the lock cut short leaves a local lake's partial file, which would make
    // every later write of the lock fail.
    lake.discard(&step.key, Pending::Single).await?;
    let held = read_small(lake, &step.key, 64 << 10).await?;
    let ours = held
        .and_then(|b| serde_json::from_slice::<Holder>(&b).ok())
        .is_some_and(|h| h.operation == step.operation);
    if ours {
        delete_all(lake, ctx.versioning, &step.key).await?;
    }
    let _ = crate::journal::Folder::<Step>::remove(&found.path);
    Ok(())
}

/// A stopped run's probe: deleted.
pub async fn recover_probe<L: Store>(
    lake: &L,
    ctx: &Context,
    found: &Found<Step>,
) -> Result<(), LakeError> {
    lake.discard(&found.entry.key, Pending::Single).await?;
    delete_all(lake, ctx.versioning, &found.entry.key).await?;
    let _ = crate::journal::Folder::<Step>::remove(&found.path);
    Ok(())
}

/// In a bucket that keeps versions, checks that this run can delete them (see the module
/// doc); does nothing elsewhere.
pub async fn probe_versions<L: Store>(
    lake: &L,
    ctx: &Context,
    audit_key: &str,
) -> Result<(), LockError> {
    if !ctx.versioning.keeps_versions() {
        return Ok(());
    }
    let versioning = format!("{:?}", ctx.versioning).to_lowercase();
    let key = probe_key(&ctx.prefix, &ctx.operation.to_string());
    let step = Step::new(lake, ctx, Kind::Probe, &key, audit_key);
    let tracked = ctx.journal.start(step, 1).map_err(LockError::Journal)?;
    let refused = |what: &str, e: LakeError| LockError::VersionsStay {
        versioning: versioning.clone(),
        problem: format!("these credentials cannot {what} ({e})"),
    };
    if let Err(e) = put(lake, &key, b"watt: can versions be deleted?\n".to_vec()).await {
        tracked.remove();
        return Err(refused("write under the prefix", e));
    }
    let deleted = async {
        let versions = lake
            .versions(&key)
            .await
            .map_err(|e| refused("list versions", e))?;
        for v in &versions {
            lake.delete_version(&key, &v.id)
                .await
                .map_err(|e| refused("delete versions", e))?;
        }
        let left = lake
            .versions(&key)
            .await
            .map_err(|e| refused("list versions", e))?;
        if left.is_empty() && !versions.is_empty() {
            Ok(())
        } else {
            Err(LockError::VersionsStay {
                versioning: versioning.clone(),
                problem: "the store did not delete the probe's versions".into(),
            })
        }
    }
    .await;
    if let Err(e) = deleted {
        // The probe is hidden from listings; a delete marker hides it from reads too. Its
        // versions stay as long as the bucket keeps them (a lock's retention): nothing a
        // later run can do, so the journal forgets it.
        let _ = lake.delete(&key).await;
        tracked.remove();
        return Err(e);
    }
    tracked.remove();
    Ok(())
}
