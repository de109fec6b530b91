//! One source object, from its event to its end: what the SQS loop and the Lambda handler
//! both run, through the same pipeline as `watt ingest`.
//!
//! 1. Events for another bucket or outside the landing prefix are ignored (said, and the
//!    message deleted: a notification filter is misconfigured, retrying would not help).
//! 2. The run id and keys are derived from the object ([`super::identity`]). If the
//!    manifest is already at its key, the object was done: the manifest must name this very
//!    source, and the object beside it must be what the manifest says (size and
//!    CRC-64/NVME, by HEAD) — then it is `confirmed`, without reading the source again. The
//!    same for a quarantine report already written.
//! 3. Otherwise the object is streamed from the landing bucket (pinned to its version or
//!    ETag) through [`crate::ingest::pipeline::ingest_from`], create-only, with
//!    [`Context::confirm_existing`]: a rival that wrote the same key first makes this run
//!    `confirmed` once the bytes are found the same.
//! 4. Invalid data: the report (counts and codes, never a cell value) is written create-only
//!    under the quarantine prefix, and the source left in place or moved aside.
//! 5. Whatever the end, once the object (or the report) is there no upload of its key can
//!    ever complete (writes are create-only): uploads of the key left by a worker that died
//!    mid-file are aborted. This is what leaves no orphan upload behind a killed worker,
//!    whose local journal died with it.
//!
//! A failure of the store or of the source is `retried`: the message stays on the queue,
//! comes back, and after the queue's `maxReceiveCount` goes to its dead-letter queue.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use chrono::Utc;
use serde_json::{Map, Value, json};
use tokio::sync::watch;

use super::event::Created;
use super::identity::{Derived, derive, origin};
use super::landing::{Fetched, Landing, StreamReader, shown_key};
use super::record::{Records, Step};
use crate::ingest::integrity::Hashing;
use crate::ingest::lake::{Lake, LakeError, Leftovers, Pending};
use crate::ingest::manifest::{Manifest, Tool, Validation};
use crate::ingest::pipeline::{self, Context, FileReport, Job, Looked, Opener, Status, look};
use crate::ingest::s3::S3Lake;

/// Largest manifest read back (they are a few KiB).
const MAX_MANIFEST: usize = 1 << 20;

/// What to do with the producer's object when it is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidSource {
    /// Left where it is.
    Leave,
    /// Moved to this prefix of the landing bucket (its key kept under it).
    Move(String),
}

/// What every object of a worker shares.
#[derive(Debug)]
pub struct Worker {
    pub lake: Arc<S3Lake>,
    pub landing: Landing,
    /// The pipeline's settings; each object gets a copy with its own run.
    pub base: Context,
    /// Where the minimised objects go (the raw prefix).
    pub prefix: String,
    pub quarantine_prefix: String,
    /// Only events of this bucket (any when `None`) and under this prefix are ingested.
    pub landing_bucket: Option<String>,
    pub landing_prefix: String,
    pub invalid_source: InvalidSource,
    pub records: Arc<Records>,
    /// Turns true when in-flight objects are to be given up (see `queue`).
    pub stop: watch::Receiver<bool>,
}

impl Worker {
    /// Processes one object; says how it ended (a record is written for it).
    pub async fn object(&self, created: &Created, message: &Map<String, Value>) -> Step {
        let started = Instant::now();
        let mut f = message.clone();
        f.insert(
            "source".into(),
            shown_key(&created.bucket, &created.key).into(),
        );
        if let Some(why) = self.refusal(created) {
            f.insert("reason".into(), why.into());
            return self.end(Step::Ignored, f, started);
        }
        let derived = match derive(created, &self.prefix, &self.quarantine_prefix) {
            Ok(d) => d,
            Err(e) => {
                f.insert("error".into(), e.to_string().into());
                return self.end(Step::Retried, f, started);
            }
        };
        f.insert("runId".into(), derived.run_id.to_string().into());
        f.insert("object".into(), self.lake.location(&derived.key).into());
        if let Some(step) = self.already_done(created, &derived, &mut f).await {
            return self.end(step, f, started);
        }
        let (body, size) = match self.landing.fetch(created).await {
            Ok(Fetched::Body(body, size)) => (body, size),
            Ok(Fetched::Superseded) => {
                f.insert(
                    "reason".into(),
                    "overwritten since the event: the newer upload has its own event".into(),
                );
                return self.end(Step::Superseded, f, started);
            }
            Ok(Fetched::Gone) => {
                f.insert("reason".into(), "deleted since the event".into());
                return self.end(Step::Gone, f, started);
            }
            Err(e) => {
                f.insert("error".into(), e.to_string().into());
                return self.end(Step::Retried, f, started);
            }
        };
        f.insert("sourceBytes".into(), size.into());
        let ctx = Arc::new(Context {
            run_id: derived.run_id.clone(),
            run_started: Utc::now(),
            origin: Some(origin(created)),
            confirm_existing: true,
            ..self.base.clone()
        });
        let job = Job {
            index: 0,
            path: PathBuf::from(shown_key(&created.bucket, &created.key)),
            source_name: derived.source_name.clone(),
            key: derived.key.clone(),
        };
        let reader = StreamReader::spawn(body, self.stop.clone());
        let open: Opener = Box::new(move || Ok(Box::new(reader) as Box<dyn Read + Send>));
        let report = pipeline::ingest_from(Arc::clone(&self.lake), ctx, job, open).await;
        describe(&report, &mut f);
        let step = match report.status {
            Status::Stored => Step::Stored,
            Status::Confirmed => {
                f.insert("duplicate".into(), true.into());
                Step::Confirmed
            }
            Status::Invalid => self.quarantine(created, &derived, &report, &mut f).await,
            Status::Unreadable if *self.stop.borrow() => Step::Abandoned,
            Status::Unreadable | Status::StorageFailed | Status::DryRun => {
                // A rival may have finished it meanwhile (and aborted this run's upload).
                match self.already_done(created, &derived, &mut f).await {
                    Some(step) => step,
                    None => Step::Retried,
                }
            }
        };
        if step.is_final() {
            self.clean_uploads(&derived, &mut f).await;
        }
        self.end(step, f, started)
    }

    fn end(&self, step: Step, mut f: Map<String, Value>, started: Instant) -> Step {
        f.insert(
            "ms".into(),
            u64::try_from(started.elapsed().as_millis())
                .unwrap_or(u64::MAX)
                .into(),
        );
        self.records.step(step, f);
        step
    }

    /// Why an event is not this worker's, if it is not.
    fn refusal(&self, created: &Created) -> Option<String> {
        if let Some(bucket) = &self.landing_bucket {
            if *bucket != created.bucket {
                return Some(format!(
                    "bucket {} is not the landing bucket {bucket}",
                    created.bucket
                ));
            }
        }
        let p = &self.landing_prefix;
        if !p.is_empty()
            && !created
                .key
                .strip_prefix(p.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        {
            return Some(format!("the key is outside the landing prefix {p}/"));
        }
        if let InvalidSource::Move(to) = &self.invalid_source {
            if created.key.starts_with(&format!("{to}/")) {
                return Some("the key is under the prefix invalid objects are moved to".into());
            }
        }
        None
    }

    /// `confirmed` when the manifest and its object are already there and name this
    /// source; `quarantined` when its report is; `retried` when what is there is not what it
    /// should be (a person must look; the message ends in the dead-letter queue).
    async fn already_done(
        &self,
        created: &Created,
        derived: &Derived,
        f: &mut Map<String, Value>,
    ) -> Option<Step> {
        match read_small(&*self.lake, &derived.manifest_key).await {
            Ok(None) => {}
            Ok(Some(bytes)) => return Some(self.confirm(created, derived, &bytes, f).await),
            Err(e) => {
                f.insert("error".into(), e.to_string().into());
                return Some(Step::Retried);
            }
        }
        match self.lake.exists(&derived.report_key).await {
            Ok(true) => {
                f.insert("duplicate".into(), true.into());
                f.insert(
                    "report".into(),
                    self.lake.location(&derived.report_key).into(),
                );
                Some(self.move_invalid(created, f).await)
            }
            Ok(false) => None,
            Err(e) => {
                f.insert("error".into(), e.to_string().into());
                Some(Step::Retried)
            }
        }
    }

    /// Checks a manifest found at the derived key, and the object beside it.
    async fn confirm(
        &self,
        created: &Created,
        derived: &Derived,
        bytes: &[u8],
        f: &mut Map<String, Value>,
    ) -> Step {
        let manifest: Manifest = match serde_json::from_slice(bytes) {
            Ok(m) => m,
            Err(e) => {
                f.insert(
                    "error".into(),
                    format!("the manifest already there cannot be read: {e}").into(),
                );
                return Step::Retried;
            }
        };
        let ours = origin(created);
        let same_source = manifest.run_id == derived.run_id.to_string()
            && manifest.origin.as_ref().is_some_and(|o| {
                o.bucket == ours.bucket
                    && o.key_sha256 == ours.key_sha256
                    && o.version_id == ours.version_id
                    && o.etag == ours.etag
            });
        if !same_source {
            f.insert(
                "error".into(),
                "the manifest already at the key names another source: left for a person to look at"
                    .into(),
            );
            return Step::Retried;
        }
        match look(
            &*self.lake,
            &derived.key,
            manifest.object.bytes,
            &manifest.object.checksum.value,
        )
        .await
        {
            Looked::Same(head, _) => {
                f.insert("duplicate".into(), true.into());
                f.insert("check".into(), head.into());
                f.insert("rows".into(), manifest.object.rows.into());
                f.insert("bytes".into(), manifest.object.bytes.into());
                Step::Confirmed
            }
            Looked::Different(e) | Looked::Unknown(_, e) => {
                f.insert("error".into(), e.to_string().into());
                Step::Retried
            }
            Looked::Missing => {
                f.insert(
                    "error".into(),
                    "a manifest without its object: left for a person to look at".into(),
                );
                Step::Retried
            }
        }
    }

    /// An invalid object: its report under the quarantine prefix, create-only (a report
    /// already there is this object's, from an earlier delivery), then the source moved
    /// aside if asked.
    async fn quarantine(
        &self,
        created: &Created,
        derived: &Derived,
        report: &FileReport,
        f: &mut Map<String, Value>,
    ) -> Step {
        let Some(validation) = &report.report else {
            f.insert("error".into(), "an invalid file without its report".into());
            return Step::Retried;
        };
        let document = json!({
            "reportVersion": 1,
            "runId": derived.run_id.to_string(),
            "tool": Tool::this(),
            "source": {
                "name": derived.source_name,
                "bytes": report.source_bytes,
            },
            "origin": origin(created),
            "schema": self.base.schema_info,
            "summary": Validation::of(validation),
            "readToTheEnd": !report.error.as_deref().unwrap_or("").contains("reading stopped"),
            "report": validation,
            "quarantined": pipeline::now(),
        });
        let mut bytes = serde_json::to_vec_pretty(&document).unwrap_or_default();
        bytes.push(b'\n');
        let mut hashing = Hashing::default();
        hashing.update(&bytes);
        f.insert(
            "report".into(),
            self.lake.location(&derived.report_key).into(),
        );
        match self
            .lake
            .put_small(&derived.report_key, Bytes::from(bytes), &hashing.finish())
            .await
        {
            Ok(_) => {}
            Err(LakeError::AlreadyExists { .. }) => {
                f.insert("duplicate".into(), true.into());
            }
            Err(e) => {
                f.insert("error".into(), e.to_string().into());
                return Step::Retried;
            }
        }
        self.move_invalid(created, f).await
    }

    /// Moves an invalid source aside, when asked (again after a redelivery: a source
    /// already moved is not there any more, which is fine).
    async fn move_invalid(&self, created: &Created, f: &mut Map<String, Value>) -> Step {
        let InvalidSource::Move(to) = &self.invalid_source else {
            return Step::Quarantined;
        };
        match self.landing.move_aside(created, to).await {
            Ok(()) => {
                f.insert(
                    "movedTo".into(),
                    shown_key(&created.bucket, &format!("{to}/{}", created.key)).into(),
                );
                Step::Quarantined
            }
            Err(e) => {
                f.insert(
                    "error".into(),
                    format!("the report is written, the source could not be moved: {e}").into(),
                );
                Step::Retried
            }
        }
    }

    /// Aborts the uploads of the object's key that are left (a worker died mid-file): none
    /// of them can complete now.
    async fn clean_uploads(&self, derived: &Derived, f: &mut Map<String, Value>) {
        match self
            .lake
            .discard(&derived.key, Pending::Multipart { upload_id: None })
            .await
        {
            Ok(0) => {}
            Ok(n) => {
                f.insert("abortedUploads".into(), n.into());
            }
            Err(e) => {
                f.insert(
                    "warning".into(),
                    format!("uploads left of the key could not be looked for ({e}): the bucket's AbortIncompleteMultipartUpload rule will remove them").into(),
                );
            }
        }
    }
}

/// What the pipeline's report adds to a record: sizes and counts, the store's message.
fn describe(report: &FileReport, f: &mut Map<String, Value>) {
    f.insert("sourceBytes".into(), report.source_bytes.into());
    f.insert("rows".into(), report.rows.into());
    f.insert("bytes".into(), report.bytes_out.into());
    f.insert("parts".into(), report.parts.into());
    if let Some(v) = &report.report {
        f.insert("findings".into(), v.findings_total.into());
    }
    if let Some(e) = &report.error {
        f.insert("error".into(), e.clone().into());
    }
    if !report.warnings.is_empty() {
        f.insert("warnings".into(), report.warnings.len().into());
    }
}

/// A small object of the lake, whole, or `None` when there is none.
async fn read_small<L: Lake>(lake: &L, key: &str) -> Result<Option<Vec<u8>>, LakeError> {
    let Some(mut body) = lake.get(key).await? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    while let Some(chunk) = lake.chunk(key, &mut body).await? {
        out.extend_from_slice(&chunk);
        if out.len() > MAX_MANIFEST {
            return Err(LakeError::Store {
                operation: "GetObject",
                location: lake.location(key),
                detail: format!("larger than a manifest can be ({MAX_MANIFEST} bytes)"),
            });
        }
    }
    Ok(Some(out))
}
