//! One file through the pipeline, in one streaming pass: read → validate and minimise (the
//! core's [`Minimiser`]) → part buffers → upload, with bounded memory whatever the size.
//!
//! A reader thread reads the file in 1 MiB chunks and validates them; a second thread
//! minimises the validated rows (the core's minimiser cut in two, see `crate::staged`) and
//! cuts the output into parts of `part_size` bytes, which it hands to the upload side
//! through a channel of one slot; a third computes the checksums of the source and of the
//! output. The upload side sends up to `parts_in_flight` parts at once while the reader
//! goes on, so at most `(parts_in_flight + 2) × part_size` bytes of output, and two
//! batches of validated rows, are in memory.
//!
//! Whether the data is valid is only known at the end of the file. A file whose output fits
//! in one part is checked before anything is sent, then written with one create-only PUT.
//! A larger one is sent as a multipart upload while it is read; if it turns out invalid,
//! or anything fails, the upload is aborted: the store keeps no object and no parts. An
//! upload that cannot even be aborted (the store is down) stays in the journal, and the
//! next run aborts it.
//!
//! After the write, the store's checksum and a HEAD of the object are compared with what
//! was sent; then the manifest is written beside the object.

use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use sha2::{Digest as _, Sha256};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use watt_core::{Minimiser, Options, PseudonymKey, Report, Schema};

use super::integrity::{Hashing, Sums, crc64nvme};
use super::journal::{Entry, Journal};
use super::key::{RunId, manifest_key};
use super::lake::{CSV_CONTENT_TYPE, Lake, LakeError, Part, PartDone, Stored};
use super::manifest::{
    Checksum, Encryption, Manifest, Object, SchemaInfo, Source, Times, Tool, Validation,
    Verification,
};
use super::runlog::TARGET;
use crate::staged;

/// Bytes read from the source at a time.
pub const READ_CHUNK: usize = 1 << 20;
/// Files at least this large get a progress bar (on a terminal).
pub const PROGRESS_MIN_BYTES: u64 = 64 << 20;

/// What every file of a run shares.
#[derive(Debug)]
pub struct Context {
    pub schema: Schema,
    pub schema_info: SchemaInfo,
    pub options: Options,
    pub key: Option<PseudonymKey>,
    pub run_id: RunId,
    pub run_started: DateTime<Utc>,
    pub part_size: usize,
    pub parts_in_flight: usize,
    pub dry_run: bool,
    pub head_check: bool,
    /// The journal of multipart uploads (S3 only).
    pub journal: Option<Journal>,
    pub bucket: Option<String>,
    pub sse_requested: Option<String>,
    pub progress: Option<MultiProgress>,
    /// MiB each growing set may use before it goes to a temporary file (`--spill-after`).
    pub spill_after: u64,
}

/// One file to ingest.
#[derive(Debug, Clone)]
pub struct Job {
    pub index: usize,
    pub path: PathBuf,
    pub source_name: String,
    pub key: String,
}

/// How a file ended, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Stored,
    DryRun,
    Invalid,
    /// The source could not be read.
    Unreadable,
    /// The store failed, refused, or the object already exists.
    StorageFailed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stored => "stored",
            Status::DryRun => "dry-run",
            Status::Invalid => "invalid",
            Status::Unreadable => "unreadable",
            Status::StorageFailed => "failed",
        }
    }
}

/// What happened to one file.
#[derive(Debug)]
pub struct FileReport {
    pub job: Job,
    pub status: Status,
    pub location: String,
    pub source_bytes: u64,
    pub rows: u64,
    pub bytes_out: u64,
    pub parts: u32,
    /// Why it failed (no data, no secret).
    pub error: Option<String>,
    pub warnings: Vec<String>,
    /// The validation and minimisation report.
    pub report: Option<Report>,
    pub manifest: Option<Manifest>,
}

impl FileReport {
    fn new(job: Job, location: String, status: Status) -> FileReport {
        FileReport {
            job,
            status,
            location,
            source_bytes: 0,
            rows: 0,
            bytes_out: 0,
            parts: 0,
            error: None,
            warnings: Vec::new(),
            report: None,
            manifest: None,
        }
    }
}

/// What the reader thread sends.
enum Msg {
    Part(RawPart),
    End(Box<End>),
    Unreadable(io::Error),
}

struct RawPart {
    number: u32,
    offset: u64,
    bytes: Bytes,
}

impl RawPart {
    /// The part with its CRC, computed off the reader thread.
    fn checksummed(self) -> Part {
        Part {
            number: self.number,
            offset: self.offset,
            crc64nvme: crc64nvme(&self.bytes),
            bytes: self.bytes,
        }
    }
}

/// The end of the file: the last part, the report and the checksums.
struct End {
    last: RawPart,
    report: Report,
    sums: Sums,
    source_sha256: [u8; 32],
    source_bytes: u64,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Bytes for the checksum thread.
enum HashInput {
    Source(Vec<u8>),
    Output(Vec<u8>),
}

/// Reads, minimises and cuts one file into parts (runs on its own thread).
fn read_and_minimise(
    path: PathBuf,
    minimisers: Vec<Minimiser>,
    part_size: usize,
    tx: mpsc::Sender<Msg>,
    progress: Option<ProgressBar>,
) {
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            let _ = tx.blocking_send(Msg::Unreadable(e));
            return;
        }
    };
    // SHA-256 is the slowest thing done to every byte after minimisation itself: the
    // checksums of the source and of the output are computed on a thread of their own, so
    // the reader's core only reads and minimises.
    let (hashes, hashed) = std::sync::mpsc::sync_channel::<HashInput>(8);
    let hasher = std::thread::spawn(move || {
        let mut source_sha = Sha256::new();
        let mut out_sums = Hashing::default();
        for input in hashed {
            match input {
                HashInput::Source(b) => source_sha.update(&b),
                HashInput::Output(b) => out_sums.update(&b),
            }
        }
        (<[u8; 32]>::from(source_sha.finalize()), out_sums.finish())
    });
    let capacity = part_size + 2 * READ_CHUNK;
    let mut buf: Vec<u8> = Vec::with_capacity(capacity);
    let mut number = 1u32;
    let mut offset = 0u64;
    let mut chunk = vec![0u8; READ_CHUNK];
    // Validation on this thread; minimisation, parts and the output's checksums on others.
    let output_hashes = hashes.clone();
    let mut minimisers = minimisers.into_iter();
    let Some(minimiser) = minimisers.next() else {
        return;
    };
    // Invalid data is never stored: once it is known invalid, the rest is not read (nor
    // sent), and the upload is aborted at once.
    let staged = staged::minimise(
        minimiser,
        minimisers.collect(),
        staged::Until::Invalid,
        |f| -> Result<(), io::Error> {
            loop {
                let n = match file.read(&mut chunk) {
                    Ok(0) => return Ok(()),
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                // The hasher only stops when the senders are dropped: sends cannot fail.
                let _ = hashes.send(HashInput::Source(chunk[..n].to_vec()));
                if f(&chunk[..n]).is_break() {
                    return Ok(());
                }
                if let Some(p) = &progress {
                    p.inc(n as u64);
                }
            }
        },
        &mut |out| {
            // A full part is sent only once more output follows, so the last part is never
            // empty.
            if buf.len() >= part_size && !out.is_empty() {
                let bytes = Bytes::from(std::mem::replace(&mut buf, Vec::with_capacity(capacity)));
                let len = bytes.len() as u64;
                let sent = tx.blocking_send(Msg::Part(RawPart {
                    number,
                    offset,
                    bytes,
                }));
                number += 1;
                offset += len;
                if sent.is_err() {
                    // The upload side has stopped listening.
                    return ControlFlow::Break(());
                }
            }
            if !out.is_empty() {
                let _ = output_hashes.send(HashInput::Output(out.to_vec()));
            }
            buf.extend_from_slice(out);
            ControlFlow::Continue(())
        },
    );
    drop(hashes);
    drop(output_hashes);
    let staged = match staged {
        Ok(Some(staged)) => staged,
        // The upload side stopped: it knows why.
        Ok(None) => return,
        Err(e) => {
            let _ = tx.blocking_send(Msg::Unreadable(e));
            return;
        }
    };
    let Ok((source_sha256, sums)) = hasher.join() else {
        let _ = tx.blocking_send(Msg::Unreadable(io::Error::other(
            "the checksum thread failed",
        )));
        return;
    };
    let _ = tx.blocking_send(Msg::End(Box::new(End {
        last: RawPart {
            number,
            offset,
            bytes: Bytes::from(buf),
        },
        report: staged.report,
        sums,
        source_sha256,
        source_bytes: staged.bytes_read,
    })));
}

/// A progress bar for a large file on a terminal.
fn progress_bar(ctx: &Context, job: &Job) -> Option<ProgressBar> {
    let multi = ctx.progress.as_ref()?;
    let size = std::fs::metadata(&job.path).ok()?.len();
    if size < PROGRESS_MIN_BYTES {
        return None;
    }
    let bar = multi.add(ProgressBar::new(size));
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(job.source_name.clone());
    Some(bar)
}

/// Ingests one file into the lake; never panics on input, always says what happened.
pub async fn ingest<L: Lake>(lake: Arc<L>, ctx: Arc<Context>, job: Job) -> FileReport {
    let location = lake.location(&job.key);
    let file_started = now();
    // Each file its own temporary file: files run at the same time.
    let spill = crate::spill::config(ctx.spill_after);
    let make = || {
        Minimiser::new(&ctx.schema, ctx.options.clone(), ctx.key.clone()).map(|m| match &spill {
            Some(spill) => m.with_spill(spill.clone()),
            None => m,
        })
    };
    // One minimising thread per core besides the reading one (see `crate::staged`).
    let minimisers = (0..staged::backs())
        .map(|_| make())
        .collect::<Result<Vec<_>, _>>();
    let minimisers = match minimisers {
        Ok(m) => m,
        Err(e) => {
            let mut r = FileReport::new(job, location, Status::Unreadable);
            r.error = Some(e.to_string());
            return r;
        }
    };
    let bar = progress_bar(&ctx, &job);
    let (tx, mut rx) = mpsc::channel(1);
    let reader = {
        let path = job.path.clone();
        let part_size = ctx.part_size;
        let bar = bar.clone();
        std::thread::spawn(move || read_and_minimise(path, minimisers, part_size, tx, bar))
    };
    let mut report = FileReport::new(job, location, Status::Stored);
    let first = rx.recv().await;
    let outcome = match first {
        Some(Msg::Unreadable(e)) => Err((Status::Unreadable, format!("cannot read: {e}"))),
        None => Err((Status::Unreadable, "the reader stopped unexpectedly".into())),
        Some(Msg::End(end)) => single(&*lake, &ctx, &mut report, *end).await,
        Some(Msg::Part(first)) => multipart(&lake, &ctx, &mut report, first, &mut rx).await,
    };
    drop(rx);
    let _ = reader.join();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match outcome {
        Ok(done) => {
            report.status = if ctx.dry_run {
                Status::DryRun
            } else {
                Status::Stored
            };
            if let Some(done) = done {
                write_manifest(&*lake, &ctx, &mut report, done, file_started).await;
            }
        }
        Err((status, message)) => {
            report.status = status;
            report.error = Some(message);
        }
    }
    log_result(&report);
    report
}

/// What a successful write leaves for the manifest.
struct Written {
    end: End,
    stored: Stored,
    verification: Verification,
    parts: u32,
    object_written: String,
}

type Outcome = Result<Option<Written>, (Status, String)>;

/// Records the validation result; returns false when the data is invalid.
fn validated(report: &mut FileReport, end: &End) -> bool {
    report.source_bytes = end.source_bytes;
    report.rows = end
        .report
        .minimisation
        .as_ref()
        .map_or(end.report.stats.rows, |m| m.rows_out);
    report.bytes_out = end.sums.bytes;
    if let Some(m) = &end.report.minimisation {
        report.warnings.extend(m.warnings.iter().cloned());
    }
    report.report = Some(end.report.clone());
    tracing::info!(
        target: TARGET,
        stage = "validation",
        source = %report.job.source_name,
        valid = end.report.valid,
        rows = end.report.stats.rows,
        bytes = end.source_bytes,
        findings = end.report.findings_total,
        "validation result"
    );
    end.report.valid
}

fn log_destination(report: &FileReport, dry_run: bool, multipart: bool) {
    tracing::info!(
        target: TARGET,
        stage = "destination",
        source = %report.job.source_name,
        location = %report.location,
        dry_run,
        multipart,
        "destination"
    );
}

fn invalid(report: &FileReport) -> (Status, String) {
    let findings = report.report.as_ref().map_or(0, |r| r.findings_total);
    (
        Status::Invalid,
        format!("invalid data ({findings} findings): nothing was written"),
    )
}

/// A file whose output fits in one part: validated first, then one PUT.
async fn single<L: Lake>(lake: &L, ctx: &Context, report: &mut FileReport, end: End) -> Outcome {
    if !validated(report, &end) {
        return Err(invalid(report));
    }
    log_destination(report, ctx.dry_run, false);
    report.parts = 1;
    if ctx.dry_run {
        return Ok(None);
    }
    let stored = lake
        .put_small(&report.job.key, end.last.bytes.clone(), &end.sums)
        .await
        .map_err(storage)?;
    let object_written = now();
    let verification = verify(lake, ctx, report, &stored, &end.sums).await?;
    Ok(Some(Written {
        end,
        stored,
        verification,
        parts: 1,
        object_written,
    }))
}

fn storage(e: LakeError) -> (Status, String) {
    (Status::StorageFailed, e.to_string())
}

/// Part uploads in progress, at most `limit` at once.
struct InFlight<L: Lake> {
    lake: Arc<L>,
    upload: Arc<L::Upload>,
    tasks: JoinSet<Result<PartDone, LakeError>>,
    done: Vec<PartDone>,
    limit: usize,
}

impl<L: Lake> InFlight<L> {
    fn spawn(&mut self, part: RawPart) {
        let lake = Arc::clone(&self.lake);
        let upload = Arc::clone(&self.upload);
        self.tasks
            .spawn(async move { lake.write_part(&upload, part.checksummed()).await });
    }

    /// Waits for one part to finish; the first failure is returned.
    async fn next(&mut self) -> Result<(), LakeError> {
        match self.tasks.join_next().await {
            Some(Ok(Ok(done))) => {
                self.done.push(done);
                Ok(())
            }
            Some(Ok(Err(e))) => Err(e),
            Some(Err(join)) => Err(LakeError::Io {
                path: "part upload".into(),
                source: io::Error::other(join.to_string()),
            }),
            None => Ok(()),
        }
    }

    async fn all(&mut self) -> Result<(), LakeError> {
        while !self.tasks.is_empty() {
            self.next().await?;
        }
        Ok(())
    }
}

/// A large file: parts go out while the file is read; aborted if invalid or on failure.
async fn multipart<L: Lake>(
    lake: &Arc<L>,
    ctx: &Context,
    report: &mut FileReport,
    first: RawPart,
    rx: &mut mpsc::Receiver<Msg>,
) -> Outcome {
    if ctx.dry_run {
        return dry_multipart(report, first, rx).await;
    }
    log_destination(report, false, true);
    // Fail before sending gigabytes that the create-only commit would refuse. (Without
    // read permission the store answers 403: the commit still guards.)
    if let Ok(true) = lake.exists(&report.job.key).await {
        return Err(storage(LakeError::AlreadyExists {
            location: report.location.clone(),
        }));
    }
    // Journaled before the store is asked, so a run killed at any point after this leaves
    // a trace the next run can act on (see journal.rs).
    let journal_entry = journal_add(ctx, report, None);
    let upload = match lake.begin(&report.job.key).await {
        Ok(upload) => upload,
        Err(e) => {
            if let Some(path) = &journal_entry {
                let _ = Journal::remove(path);
            }
            return Err(storage(e));
        }
    };
    let journal_entry = match (journal_entry, L::pending_id(&upload)) {
        // If the id cannot be added, the entry without it still marks the upload.
        (Some(path), Some(id)) => journal_add(ctx, report, Some(id)).or(Some(path)),
        (Some(path), None) => {
            let _ = Journal::remove(&path);
            None
        }
        (None, _) => None,
    };
    let mut flight = InFlight {
        lake: Arc::clone(lake),
        upload: Arc::new(upload),
        tasks: JoinSet::new(),
        done: Vec::new(),
        limit: ctx.parts_in_flight,
    };
    flight.spawn(first);
    let result = send_parts(&mut flight, report, rx).await;
    let result = match result {
        Ok(end) => {
            let sums = end.sums;
            match lake
                .commit(&flight.upload, std::mem::take(&mut flight.done), &sums)
                .await
            {
                Ok(stored) => Ok((end, stored)),
                Err(e) => Err(storage(e)),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((end, stored)) => {
            if let Some(path) = &journal_entry {
                let _ = Journal::remove(path);
            }
            let object_written = now();
            let verification = verify(&**lake, ctx, report, &stored, &end.sums).await?;
            Ok(Some(Written {
                parts: report.parts,
                end,
                stored,
                verification,
                object_written,
            }))
        }
        Err(failure) => {
            flight.tasks.abort_all();
            while flight.tasks.join_next().await.is_some() {}
            match lake.abort(&flight.upload).await {
                Ok(()) => {
                    if let Some(path) = &journal_entry {
                        let _ = Journal::remove(path);
                    }
                    tracing::info!(target: TARGET, stage = "abort", source = %report.job.source_name, location = %report.location, "multipart upload aborted");
                    Err(failure)
                }
                Err(e) => {
                    let kept = journal_entry.as_ref().map_or(String::new(), |p| {
                        format!(
                            "; it is recorded in {} and the next run will abort it",
                            p.display()
                        )
                    });
                    tracing::warn!(target: TARGET, stage = "abort", source = %report.job.source_name, location = %report.location, error = %e, "multipart upload could not be aborted");
                    Err((
                        failure.0,
                        format!("{}; the upload could not be aborted ({e}){kept}", failure.1),
                    ))
                }
            }
        }
    }
}

/// Sends parts as the reader hands them over, at most `limit` at once, until the end of the
/// file; returns the end once every part is stored, if the data is valid.
async fn send_parts<L: Lake>(
    flight: &mut InFlight<L>,
    report: &mut FileReport,
    rx: &mut mpsc::Receiver<Msg>,
) -> Result<End, (Status, String)> {
    let mut parts = 1u32;
    let end = loop {
        if flight.tasks.len() >= flight.limit {
            flight.next().await.map_err(storage)?;
            continue;
        }
        tokio::select! {
            joined = flight.next(), if !flight.tasks.is_empty() => joined.map_err(storage)?,
            msg = rx.recv() => match msg {
                Some(Msg::Part(part)) => {
                    parts += 1;
                    flight.spawn(part);
                }
                Some(Msg::End(end)) => break *end,
                Some(Msg::Unreadable(e)) => {
                    return Err((Status::Unreadable, format!("cannot read: {e}")));
                }
                None => return Err((Status::Unreadable, "the reader stopped unexpectedly".into())),
            },
        }
    };
    report.parts = parts + 1;
    if !validated(report, &end) {
        return Err(invalid(report));
    }
    let last = RawPart {
        number: end.last.number,
        offset: end.last.offset,
        bytes: end.last.bytes.clone(),
    };
    flight.spawn(last);
    flight.all().await.map_err(storage)?;
    flight.done.sort_by_key(|d| d.number);
    Ok(end)
}

/// A dry run of a large file: everything but the writes.
async fn dry_multipart(
    report: &mut FileReport,
    first: RawPart,
    rx: &mut mpsc::Receiver<Msg>,
) -> Outcome {
    let mut parts = 1u32;
    drop(first);
    loop {
        match rx.recv().await {
            Some(Msg::Part(_)) => parts += 1,
            Some(Msg::End(end)) => {
                report.parts = parts + 1;
                if !validated(report, &end) {
                    return Err(invalid(report));
                }
                log_destination(report, true, true);
                return Ok(None);
            }
            Some(Msg::Unreadable(e)) => {
                return Err((Status::Unreadable, format!("cannot read: {e}")));
            }
            None => return Err((Status::Unreadable, "the reader stopped unexpectedly".into())),
        }
    }
}

/// Compares what the store says with what was sent.
async fn verify<L: Lake>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    stored: &Stored,
    sums: &Sums,
) -> Result<Verification, (Status, String)> {
    let ours = sums.crc64_base64();
    let mut v = Verification::default();
    match &stored.crc64nvme {
        Some(c) if *c == ours => {
            v.store_checksum = "matched".into();
            v.checksum_confirmed = true;
        }
        Some(c) => {
            return Err(storage(LakeError::Mismatch {
                location: report.location.clone(),
                what: "CRC-64/NVME",
                reported: c.clone(),
                sent: ours,
            }));
        }
        None => v.store_checksum = "not returned".into(),
    }
    if !ctx.head_check {
        v.head = "skipped".into();
    } else {
        match lake.head(&report.job.key).await {
            Ok(Some(info)) => {
                if info.size != sums.bytes {
                    return Err(storage(LakeError::Mismatch {
                        location: report.location.clone(),
                        what: "size",
                        reported: info.size.to_string(),
                        sent: sums.bytes.to_string(),
                    }));
                }
                match info.crc64nvme {
                    Some(c) if c == ours => {
                        v.head = "matched".into();
                        v.checksum_confirmed = true;
                    }
                    Some(c) => {
                        return Err(storage(LakeError::Mismatch {
                            location: report.location.clone(),
                            what: "CRC-64/NVME",
                            reported: c,
                            sent: ours,
                        }));
                    }
                    None => v.head = "size matched, no checksum returned".into(),
                }
            }
            Ok(None) => {
                return Err(storage(LakeError::Missing {
                    location: report.location.clone(),
                }));
            }
            Err(LakeError::Forbidden { .. }) => v.head = "not permitted".into(),
            Err(e) => {
                v.head = "failed".into();
                report
                    .warnings
                    .push(format!("checking the object failed: {e}"));
            }
        }
    }
    if !v.checksum_confirmed {
        report.warnings.push(format!(
            "the store did not confirm the CRC-64/NVME of {} (store: {}, HEAD: {}): only what it checked on arrival vouches for the bytes",
            report.location, v.store_checksum, v.head
        ));
    }
    Ok(v)
}

/// Writes the manifest beside the object; a failure here fails the file (exit 3).
async fn write_manifest<L: Lake>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    written: Written,
    file_started: String,
) {
    let end = &written.end;
    let mut manifest = Manifest {
        manifest_version: super::manifest::MANIFEST_VERSION,
        run_id: ctx.run_id.to_string(),
        tool: Tool::this(),
        source: Source {
            name: report.job.source_name.clone(),
            sha256: data_encoding::HEXLOWER.encode(&end.source_sha256),
            bytes: end.source_bytes,
        },
        object: Object {
            location: report.location.clone(),
            bucket: ctx.bucket.clone(),
            key: report.job.key.clone(),
            bytes: end.sums.bytes,
            rows: report.rows,
            content_type: CSV_CONTENT_TYPE,
            checksum: Checksum {
                algorithm: "CRC64NVME",
                kind: "FULL_OBJECT",
                value: end.sums.crc64_base64(),
            },
            sha256: end.sums.sha256_hex(),
            parts: written.parts,
            part_size: (written.parts > 1).then_some(ctx.part_size as u64),
            encryption: Encryption {
                requested: ctx.sse_requested.clone(),
                reported: written.stored.encryption.clone(),
            },
            etag: written.stored.etag.clone(),
        },
        verification: written.verification.clone(),
        schema: ctx.schema_info.clone(),
        key_id: ctx.key.as_ref().map(|k| k.id().to_owned()),
        validation: Validation::of(&end.report),
        minimisation: end.report.minimisation.clone(),
        times: Times {
            run_started: ctx.run_started.to_rfc3339_opts(SecondsFormat::Secs, true),
            file_started,
            object_written: written.object_written.clone(),
            manifest_written: String::new(),
        },
    };
    manifest.times.manifest_written = now();
    let bytes = manifest.to_bytes();
    let mut hashing = Hashing::default();
    hashing.update(&bytes);
    let key = manifest_key(&report.job.key);
    match lake
        .put_small(&key, Bytes::from(bytes), &hashing.finish())
        .await
    {
        Ok(_) => report.manifest = Some(manifest),
        Err(e) => {
            report.status = Status::StorageFailed;
            report.error = Some(format!(
                "the object was written and verified, but its manifest was not: {e}"
            ));
        }
    }
}

fn log_result(report: &FileReport) {
    let m = report.manifest.as_ref();
    tracing::info!(
        target: TARGET,
        stage = "upload",
        source = %report.job.source_name,
        status = report.status.as_str(),
        location = %report.location,
        rows = report.rows,
        bytes = report.bytes_out,
        parts = report.parts,
        crc64nvme = m.map_or("", |m| m.object.checksum.value.as_str()),
        sha256 = m.map_or("", |m| m.object.sha256.as_str()),
        verification = m.map_or(String::new(), |m| format!("store {}, head {}", m.verification.store_checksum, m.verification.head)),
        error = report.error.as_deref().unwrap_or(""),
        warnings = report.warnings.len(),
        "upload result"
    );
}

/// Records a multipart upload in the journal, first without its id (about to be created),
/// then with it (a failure to do so is only a warning: the lifecycle rule is the second
/// net).
fn journal_add(ctx: &Context, report: &mut FileReport, upload_id: Option<&str>) -> Option<PathBuf> {
    let journal = ctx.journal.as_ref()?;
    let entry = Entry {
        bucket: ctx.bucket.clone().unwrap_or_default(),
        key: report.job.key.clone(),
        upload_id: upload_id.map(str::to_owned),
        run_id: ctx.run_id.to_string(),
        pid: std::process::id(),
    };
    match journal.add(&entry, report.job.index) {
        Ok(path) => Some(path),
        Err(e) => {
            report.warnings.push(format!(
                "cannot record the upload in {}: {e}",
                journal.dir().display()
            ));
            None
        }
    }
}
