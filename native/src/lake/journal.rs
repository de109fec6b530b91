//! The journal of `watt lake`'s changes in progress: `logs/.pending-lake/<operation>-<n>.json`,
//! one entry per change, written (whole, through [`crate::journal`]) *before* each step it
//! announces, removed once the change is over and its audit record is in the lake.
//!
//! | change | state | written before | what [`recover`] does |
//! | --- | --- | --- | --- |
//! | rewrite | `started` | the new object is written | drops what the write left (upload, partial file, a new object without manifest): the old object stays, unchanged |
//! | rewrite | `written` | the new manifest is put, the new object verified; the entry holds that manifest | the new object there and as verified (HEAD: size, CRC-64/NVME): puts the manifest and goes on; else as `started` |
//! | rewrite | `switched` | the old object and its manifest are deleted (every version) | deletes them |
//! | delete | `started` | an expired object and its manifest are deleted | deletes them, once it has checked again that the object's retention has ended |
//! | any | `done` | the audit record is published | publishes the record if the stopped run had not |
//! | lock, probe | `started` | the lake's lock or the versioning probe is put | deletes it |
//!
//! So an object is, at any point, either the old one (with its manifest) or the verified
//! new one (with its manifest, which names the old one as `supersedes` until it is gone):
//! never neither, and readers who follow `supersedes` (as `watt lake` does) never list a
//! row twice.
//!
//! An entry is acted on only by a run on the same lake (bucket or folder) and prefix, and
//! only when what it names fits (keys under the prefix, a new key derived from the old
//! key and the entry's own operation, a lock naming the entry's operation): an edited or
//! planted entry cannot make watt delete somebody else's object. Entries hold keys, ids,
//! checksums and counts (the new manifest), never a value or a pseudonym.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::Record;
use super::catalog::read_manifest;
use super::rewrite::rewritten_key;
use super::{Context, Store, delete_all, lock, manifest_key};
use crate::ingest::lake::{Lake, LakeError, Pending, Place};
use crate::ingest::manifest::Manifest;
use crate::ingest::pipeline::{Looked, look, put_manifest};
use crate::journal::{Folder, Found};
use watt_core::retention::Retention;

/// What a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// An object rewritten (an erasure, columns past their retention).
    Rewrite,
    /// An expired object and its manifest deleted.
    Delete,
    /// The lake's lock (see [`lock`]).
    Lock,
    /// The object that tests whether versions can be deleted.
    Probe,
}

/// How far a change went (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    Started,
    Written,
    Switched,
    Done,
}

/// A change in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub kind: Kind,
    pub state: State,
    /// The operation (the invocation) that made the change.
    pub operation: String,
    pub pid: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lake_dir: Option<PathBuf>,
    pub prefix: String,
    /// The object changed (the old one of a rewrite), or the lock or probe.
    pub key: String,
    /// A rewrite's new object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_key: Option<String>,
    /// A rewrite's multipart upload, once the store returned its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_id: Option<String>,
    /// Whether a rewrite's new object is written in parts.
    #[serde(default)]
    pub multipart: bool,
    /// A rewrite's new manifest, from `written` on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<Manifest>,
    /// A deletion: the time retention was judged at, and the retention that ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// The audit record of the change, once known (complete at `done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Record>,
    /// Where the operation publishes its audit records.
    pub audit_key: String,
}

impl crate::journal::Entry for Step {
    fn pid(&self) -> u32 {
        self.pid
    }
}

impl Step {
    /// A change of `key` by this invocation.
    pub fn new<L: Lake + crate::ingest::lake::Leftovers>(
        lake: &L,
        ctx: &Context,
        kind: Kind,
        key: &str,
        audit_key: &str,
    ) -> Step {
        let (bucket, lake_dir) = match lake.place() {
            Place::Bucket(b) => (Some(b), None),
            Place::Dir(d) => (None, Some(d)),
        };
        Step {
            kind,
            state: State::Started,
            operation: ctx.operation.to_string(),
            pid: std::process::id(),
            bucket,
            lake_dir,
            prefix: ctx.prefix.clone(),
            key: key.to_owned(),
            new_key: None,
            upload_id: None,
            multipart: false,
            manifest: None,
            judged_at: None,
            retention: None,
            record: None,
            audit_key: audit_key.to_owned(),
        }
    }

    fn place(&self) -> Option<Place> {
        match (&self.bucket, &self.lake_dir) {
            (Some(b), None) => Some(Place::Bucket(b.clone())),
            (None, Some(d)) => Some(Place::Dir(d.clone())),
            _ => None,
        }
    }

    /// Why a run on `prefix` must not act on this entry, if it must not.
    pub fn misfit(&self, prefix: &str) -> Option<String> {
        if self.prefix != prefix {
            return Some(format!(
                "it is about prefix {:?}, not this run's {prefix:?}",
                self.prefix
            ));
        }
        let op_ok = self.operation.len() == 16
            && self
                .operation
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !op_ok {
            return Some("its operation id is not one watt makes".into());
        }
        let under = |key: &str| {
            let rest = if prefix.is_empty() {
                Some(key)
            } else {
                key.strip_prefix(prefix).and_then(|r| r.strip_prefix('/'))
            };
            rest.is_some_and(|r| {
                r.split('/')
                    .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\\'))
            })
        };
        if !under(&self.key) {
            return Some(format!("its key {:?} is not under the prefix", self.key));
        }
        match self.kind {
            Kind::Lock if self.key != lock::lock_key(prefix) => {
                Some("it names another key than the lake's lock".into())
            }
            Kind::Probe if self.key != lock::probe_key(prefix, &self.operation) => {
                Some("it names another key than its operation's probe".into())
            }
            Kind::Rewrite
                if self.new_key.as_deref()
                    != Some(rewritten_key(&self.key, &self.operation).as_str()) =>
            {
                Some("its new key is not the one its operation makes of the old key".into())
            }
            Kind::Rewrite if self.state != State::Started && self.manifest.is_none() => {
                Some("it has no manifest to put".into())
            }
            Kind::Delete if self.retention.is_none() || self.judged_at.is_none() => {
                Some("it does not say which retention ended".into())
            }
            _ => None,
        }
    }
}

/// The journal folder of `watt lake`.
#[derive(Debug, Clone)]
pub struct Journal {
    folder: Folder<Step>,
}

/// A step being made, and where its entry is.
#[derive(Debug)]
pub struct Tracked {
    folder: Folder<Step>,
    path: PathBuf,
    pub step: Step,
}

impl Journal {
    pub fn new(log_dir: &Path) -> Journal {
        Journal {
            folder: Folder::new(log_dir.join(".pending-lake")),
        }
    }

    pub fn dir(&self) -> &Path {
        self.folder.dir()
    }

    /// Records a change before it starts (`n`: its number in the operation).
    pub fn start(&self, step: Step, n: usize) -> io::Result<Tracked> {
        let path = self
            .folder
            .write(&format!("{}-{n}", step.operation), &step)?;
        Ok(Tracked {
            folder: self.folder.clone(),
            path,
            step,
        })
    }

    /// Entries of processes no longer running.
    pub fn leftovers(&self) -> Vec<Result<Found<Step>, (PathBuf, String)>> {
        self.folder.leftovers()
    }
}

impl Tracked {
    /// Changes the entry and writes it again, whole.
    pub fn update(&mut self, change: impl FnOnce(&mut Step)) -> io::Result<()> {
        change(&mut self.step);
        self.folder.write(
            self.path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default(),
            &self.step,
        )?;
        Ok(())
    }

    /// The change is over and its record published (or there was nothing to record).
    pub fn remove(self) {
        let _ = Folder::<Step>::remove(&self.path);
    }
}

/// A line of a summary about the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A person should look (`warning:`), or it is only said (`note:`).
    pub warning: bool,
    pub text: String,
}

/// What a recovery did: what to say, the audit records to publish (the stopped runs'
/// changes now over), and the entries to remove once they are published.
#[derive(Debug, Default)]
pub struct Recovered {
    pub notes: Vec<Note>,
    pub records: Vec<Record>,
    pub finished: Vec<PathBuf>,
    /// Erasures or column expiries undone (the object left as it was): the request is not
    /// carried out until the command runs again.
    pub rolled_back: usize,
    /// Entries that could not be dealt with (kept for a later run).
    pub kept: usize,
}

impl Recovered {
    fn said(&mut self, text: String) {
        self.notes.push(Note {
            warning: false,
            text,
        });
    }

    fn warn(&mut self, text: String) {
        self.notes.push(Note {
            warning: true,
            text,
        });
    }

    /// Removes the entries of the changes over, once their records are published.
    pub fn forget(&mut self) {
        for path in self.finished.drain(..) {
            let _ = Folder::<Step>::remove(&path);
        }
    }
}

/// Finishes or undoes what stopped `watt lake` runs left on this lake (see the module
/// doc). The records it returns must be published before [`Recovered::forget`].
pub async fn recover<L: Store>(lake: &L, ctx: &Context) -> Recovered {
    let here = lake.place();
    let mut out = Recovered::default();
    for found in ctx.journal.leftovers() {
        let found = match found {
            Ok(found) => found,
            Err((path, problem)) => {
                out.kept += 1;
                out.warn(format!(
                    "unreadable journal entry {} ({problem}): left in place",
                    path.display()
                ));
                continue;
            }
        };
        let step = &found.entry;
        match step.place() {
            Some(place) if place == here => {}
            Some(place) => {
                out.said(format!(
                    "left alone: a change of operation {} in {place} (this run works on {here}); see {}",
                    step.operation,
                    found.path.display()
                ));
                continue;
            }
            None => {
                out.kept += 1;
                out.warn(format!(
                    "left alone: journal entry {} names no lake",
                    found.path.display()
                ));
                continue;
            }
        }
        if let Some(why) = step.misfit(&ctx.prefix) {
            out.kept += 1;
            out.warn(format!(
                "left alone: journal entry {} of operation {}: {why}; it is not acted on",
                found.path.display(),
                step.operation
            ));
            continue;
        }
        let result = match step.kind {
            Kind::Lock => lock::recover(lake, ctx, &found).await,
            Kind::Probe => lock::recover_probe(lake, ctx, &found).await,
            Kind::Delete => recover_delete(lake, ctx, &found, &mut out).await,
            Kind::Rewrite => recover_rewrite(lake, ctx, &found, &mut out).await,
        };
        match result {
            Ok(()) => {}
            Err(e) => {
                out.kept += 1;
                out.warn(format!(
                    "could not finish the change of {} left by operation {} ({e}); the entry stays in {} for the next run",
                    lake.location(&step.key),
                    step.operation,
                    found.path.display()
                ));
            }
        }
    }
    out
}

/// The entry's record, marked as published by this run, for the caller to publish.
fn finished(found: &Found<Step>, ctx: &Context, out: &mut Recovered, mut record: Record) {
    record.recovered_by = Some(ctx.operation.to_string());
    out.records.push(record);
    out.finished.push(found.path.clone());
}

/// Whether the stopped run published its audit records (then its `done` entries are).
/// Credentials that may not read the audit trail cannot tell: the record is published
/// again (twice is better than never).
async fn published<L: Lake>(lake: &L, step: &Step) -> Result<bool, LakeError> {
    match lake.head(&step.audit_key).await {
        Ok(found) => Ok(found.is_some()),
        Err(LakeError::Forbidden { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn recover_delete<L: Store>(
    lake: &L,
    ctx: &Context,
    found: &Found<Step>,
    out: &mut Recovered,
) -> Result<(), LakeError> {
    let step = &found.entry;
    let location = lake.location(&step.key);
    if step.state == State::Done {
        return done(lake, ctx, found, out).await;
    }
    // The object goes first, then its manifest: an object still there has its manifest,
    // which must say again that its retention has ended (an edited entry cannot make watt
    // delete an object whose retention runs).
    if lake.head(&step.key).await?.is_some() {
        let manifest = read_manifest(lake, &manifest_key(&step.key)).await?;
        let judged = step
            .judged_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .map(|t| t.min(Utc::now()));
        let retention = step
            .retention
            .as_deref()
            .and_then(|r| Retention::parse(r).ok());
        let ended = match (manifest, judged, retention) {
            (Ok(Some(m)), Some(at), Some(r)) => super::catalog::ingested(&m)
                .and_then(|start| r.end(start))
                .is_some_and(|end| end <= at),
            _ => false,
        };
        if !ended {
            out.kept += 1;
            out.warn(format!(
                "left alone: operation {} was deleting {location}, whose retention has not ended by what its manifest says; see {}",
                step.operation,
                found.path.display()
            ));
            return Ok(());
        }
    }
    let versions = delete_all(lake, ctx.versioning, &step.key).await?;
    delete_all(lake, ctx.versioning, &manifest_key(&step.key)).await?;
    let mut record = step.record.clone().unwrap_or_default();
    record.versions_deleted = Some(versions);
    out.said(format!(
        "finished deleting {location} (expired), left by operation {}",
        step.operation
    ));
    finished(found, ctx, out, record);
    Ok(())
}

async fn recover_rewrite<L: Store>(
    lake: &L,
    ctx: &Context,
    found: &Found<Step>,
    out: &mut Recovered,
) -> Result<(), LakeError> {
    let step = &found.entry;
    let (Some(new_key), location) = (step.new_key.as_deref(), lake.location(&step.key)) else {
        return Ok(());
    };
    let mut state = step.state;
    if state == State::Done {
        return done(lake, ctx, found, out).await;
    }
    if state == State::Written {
        let Some(manifest) = &step.manifest else {
            return Ok(());
        };
        if lake.head(&manifest_key(new_key)).await?.is_some() {
            state = State::Switched;
        } else {
            match look(
                lake,
                new_key,
                manifest.object.bytes,
                &manifest.object.checksum.value,
            )
            .await
            {
                Looked::Same(..) => {
                    // A local lake's partial manifest, left by the stopped run, would block it.
                    let _ = lake.discard(&manifest_key(new_key), Pending::Single).await;
                    match put_manifest(lake, manifest).await {
                        Ok(()) | Err(LakeError::AlreadyExists { .. }) => state = State::Switched,
                        Err(e) => return Err(e),
                    }
                }
                Looked::Unknown(_, e) => return Err(e),
                Looked::Missing | Looked::Different(_) => {}
            }
        }
    }
    if state == State::Switched {
        // The new manifest must name the old object: then the old one may go.
        let stored = read_manifest(lake, &manifest_key(new_key)).await?;
        let names_old =
            matches!(&stored, Ok(Some(m)) if m.supersedes.as_deref() == Some(step.key.as_str()));
        if !names_old {
            out.kept += 1;
            out.warn(format!(
                "left alone: the manifest of {} does not name {location} as the object it replaces; see {}",
                lake.location(new_key),
                found.path.display()
            ));
            return Ok(());
        }
        let versions = delete_all(lake, ctx.versioning, &step.key).await?;
        delete_all(lake, ctx.versioning, &manifest_key(&step.key)).await?;
        let mut record = step.record.clone().unwrap_or_default();
        record.versions_deleted = Some(versions);
        out.said(format!(
            "finished the rewrite of {location} into {}, left by operation {}",
            lake.location(new_key),
            step.operation
        ));
        finished(found, ctx, out, record);
        return Ok(());
    }
    // Started, or written but the new object is not what was verified: the old object
    // stays, and what the write left goes.
    let pending = if step.multipart {
        Pending::Multipart {
            upload_id: step.upload_id.as_deref(),
        }
    } else {
        Pending::Single
    };
    match lake.discard(new_key, pending).await {
        Ok(_) => {}
        // Uploads without an id cannot be looked for with these credentials: the bucket's
        // AbortIncompleteMultipartUpload rule removes them.
        Err(LakeError::Forbidden { .. } | LakeError::Unsupported { .. }) if step.multipart => {}
        Err(e) => return Err(e),
    }
    if lake.head(&manifest_key(new_key)).await?.is_none() {
        delete_all(lake, ctx.versioning, new_key).await?;
    }
    out.rolled_back += 1;
    out.warn(format!(
        "undid an unfinished rewrite of {location} left by operation {}: the object is as it was, and what that operation was doing to it ({}) is not done; run it again",
        step.operation,
        step.record
            .as_ref()
            .map_or("a rewrite".to_owned(), Record::what)
    ));
    let _ = Folder::<Step>::remove(&found.path);
    Ok(())
}

/// A change over whose record may not have been published.
async fn done<L: Store>(
    lake: &L,
    ctx: &Context,
    found: &Found<Step>,
    out: &mut Recovered,
) -> Result<(), LakeError> {
    let step = &found.entry;
    // The stopped run's audit object, if its write was cut short in a local lake.
    lake.discard(&step.audit_key, Pending::Single).await?;
    if published(lake, step).await? {
        let _ = Folder::<Step>::remove(&found.path);
        return Ok(());
    }
    if let Some(record) = step.record.clone() {
        out.said(format!(
            "published the audit record of a change of {} made by operation {}",
            lake.location(&step.key),
            step.operation
        ));
        finished(found, ctx, out, record);
    }
    Ok(())
}
