//! What a lake holds, as readers see it: the data objects under the prefix (`*.csv`), each
//! with its manifest (`<key>.manifest.json`), read from the store.
//!
//! Readers count an object once it has a manifest (the manifest vouches for it: `watt
//! ingest` writes it after the object is verified). While `watt lake` rewrites an object,
//! there is a moment when the new object's manifest is stored and the old object not yet
//! deleted: the new manifest names the old object (`supersedes`), and the old one is then
//! left out of the view, so no row is ever counted twice. Objects without a manifest (an
//! ingest writing them, or a stopped write that the next `watt ingest` finishes) and
//! manifests without an object are listed apart.
//!
//! The listing is read page by page; manifests are read `jobs` at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{is_object_key, manifest_key};
use crate::ingest::lake::{Lake, LakeError};
use crate::ingest::manifest::Manifest;

/// The largest manifest read (the ingest writes a few KiB; each erasure adds a line).
pub const MAX_MANIFEST_BYTES: usize = 8 << 20;

/// A data object and what its manifest says.
#[derive(Debug, Clone)]
pub struct Item {
    pub key: String,
    pub size: u64,
    /// `None`: no manifest is stored for it.
    pub manifest: Option<Manifest>,
    /// A manifest that is there but cannot be used (unreadable, or about another key).
    pub problem: Option<String>,
    /// The object that replaces this one (a rewrite in progress): not in the view.
    pub superseded_by: Option<String>,
}

impl Item {
    /// Whether readers count it: a usable manifest, and not replaced.
    pub fn listed(&self) -> bool {
        self.manifest.is_some() && self.problem.is_none() && self.superseded_by.is_none()
    }
}

/// The lake under a prefix.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Data objects, in key order.
    pub items: Vec<Item>,
    /// Manifests whose object is not there.
    pub orphan_manifests: Vec<String>,
}

impl Catalog {
    /// The objects readers count.
    pub fn view(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.listed())
    }

    /// Objects without a (usable) manifest: nobody vouches for them, nothing is known of
    /// them (key, retention); `watt lake` leaves them alone and says so.
    pub fn unvouched(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|i| i.manifest.is_none() || i.problem.is_some())
    }
}

/// Lists the lake under `prefix` and reads the manifests, `jobs` at a time.
pub async fn catalog<L: Lake>(
    lake: &Arc<L>,
    prefix: &str,
    jobs: usize,
) -> Result<Catalog, LakeError> {
    let mut objects: BTreeMap<String, u64> = BTreeMap::new();
    let mut manifests: BTreeSet<String> = BTreeSet::new();
    let mut token = None;
    loop {
        let page = lake.list(prefix, token).await?;
        for o in page.objects {
            if let Some(object) = o.key.strip_suffix(".manifest.json") {
                if is_object_key(object) {
                    manifests.insert(o.key);
                }
            } else if is_object_key(&o.key) {
                objects.insert(o.key, o.size);
            }
        }
        match page.next {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let limit = Arc::new(Semaphore::new(jobs.max(1)));
    let mut tasks = JoinSet::new();
    for key in objects.keys() {
        let mkey = manifest_key(key);
        if !manifests.contains(&mkey) {
            continue;
        }
        let (lake, limit, key) = (Arc::clone(lake), Arc::clone(&limit), key.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let read = read_manifest(&*lake, &mkey).await;
            (key, read)
        });
    }
    let mut read: BTreeMap<String, Result<Option<Manifest>, String>> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((key, result)) = joined else { continue };
        read.insert(key, result?);
    }
    let orphan_manifests = manifests
        .iter()
        .filter(|m| {
            m.strip_suffix(".manifest.json")
                .is_some_and(|o| !objects.contains_key(o))
        })
        .cloned()
        .collect();
    let mut items: Vec<Item> = objects
        .into_iter()
        .map(|(key, size)| {
            let (manifest, problem) = match read.remove(&key) {
                None | Some(Ok(None)) => (None, None),
                Some(Err(problem)) => (None, Some(problem)),
                Some(Ok(Some(m))) if m.object.key != key => (
                    None,
                    Some(format!(
                        "its manifest describes another object ({})",
                        m.object.key
                    )),
                ),
                Some(Ok(Some(m))) => (Some(m), None),
            };
            Item {
                key,
                size,
                manifest,
                problem,
                superseded_by: None,
            }
        })
        .collect();
    let replaced: BTreeMap<String, String> = items
        .iter()
        .filter_map(|i| {
            let old = i.manifest.as_ref()?.supersedes.clone()?;
            Some((old, i.key.clone()))
        })
        .collect();
    for item in &mut items {
        item.superseded_by = replaced.get(&item.key).cloned();
    }
    Ok(Catalog {
        items,
        orphan_manifests,
    })
}

/// An object read whole, up to `limit` bytes (`None`: no such object).
pub async fn read_small<L: Lake>(
    lake: &L,
    key: &str,
    limit: usize,
) -> Result<Option<Vec<u8>>, LakeError> {
    let Some(mut body) = lake.get(key).await? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    while let Some(chunk) = lake.chunk(key, &mut body).await? {
        out.extend_from_slice(&chunk);
        if out.len() > limit {
            return Err(LakeError::Store {
                operation: "GetObject",
                location: lake.location(key),
                detail: format!("larger than the {limit} bytes expected"),
            });
        }
    }
    Ok(Some(out))
}

/// A manifest: `Ok(None)` when there is none, `Ok(Err(why))` when it cannot be read.
pub async fn read_manifest<L: Lake>(
    lake: &L,
    key: &str,
) -> Result<Result<Option<Manifest>, String>, LakeError> {
    let bytes = match read_small(lake, key, MAX_MANIFEST_BYTES).await {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(Ok(None)),
        Err(LakeError::Store { detail, .. }) if detail.starts_with("larger than") => {
            return Ok(Err(format!("its manifest is {detail}")));
        }
        Err(e) => return Err(e),
    };
    Ok(serde_json::from_slice::<Manifest>(&bytes)
        .map(Some)
        .map_err(|e| format!("its manifest cannot be read ({e})")))
}

/// When the object was ingested, as its manifest says (a rewrite keeps the time): the
/// moment retention starts.
pub fn ingested(m: &Manifest) -> Option<DateTime<Utc>> {
    [
        &m.times.object_written,
        &m.times.file_started,
        &m.times.run_started,
    ]
    .into_iter()
    .find_map(|t| DateTime::parse_from_rfc3339(t).ok())
    .map(|t| t.with_timezone(&Utc))
}
