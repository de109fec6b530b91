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
//! was sent; then the manifest is written beside the object. The journal follows the
//! whole write, from before it starts until the manifest is stored (see journal.rs): a
//! run that stops anywhere in between leaves the next run what it needs to finish or undo.

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
use super::journal::{Entry, Journal, State, Write};
use super::key::{RunId, manifest_key};
use super::lake::{CSV_CONTENT_TYPE, Lake, LakeError, Leftovers, Part, PartDone, Stored};
use super::manifest::{
    Checksum, Encryption, Manifest, Object, RetentionInfo, SchemaInfo, Source, Times, Tool,
    Validation, Verification, pseudonyms_of,
};
use super::runlog::TARGET;
use crate::staged;

/// Bytes read from the source at a time.
pub const READ_CHUNK: usize = 1 << 20;
/// Files at least this large get a progress bar (on a terminal).
pub const PROGRESS_MIN_BYTES: u64 = 64 << 20;

/// What every file of a run shares. (A worker clones it per object, each its own run: see
/// `crate::worker`.)
#[derive(Debug, Clone)]
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
    /// The journal of writes in progress (`None` in a dry run).
    pub journal: Option<Journal>,
    pub bucket: Option<String>,
    pub sse_requested: Option<String>,
    pub progress: Option<MultiProgress>,
    /// MiB each growing set may use before it goes to a temporary file (`--spill-after`).
    pub spill_after: u64,
    /// An object already at the key is this file's result when it holds the very bytes this
    /// run made (size and CRC-64/NVME): its manifest is written if missing, and the file is
    /// [`Status::Confirmed`]. For keys derived from the source (`watt worker`), where a
    /// redelivery or a rival worker makes the same bytes; `watt ingest`'s keys name a new
    /// run, so there an existing object stays a failure.
    pub confirm_existing: bool,
    /// The landing object the files come from (`watt worker`), for their manifests.
    pub origin: Option<super::manifest::Origin>,
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
    /// The object was already there with the bytes this run made (see
    /// [`Context::confirm_existing`]).
    Confirmed,
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
            Status::Confirmed => "confirmed",
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

/// A part before its checksum: where it goes in the object and its bytes.
pub struct RawPart {
    pub number: u32,
    pub offset: u64,
    pub bytes: Bytes,
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
    /// Reading stopped at the first chunk past a finding (the rest was not read).
    cut: bool,
}

/// Now, as manifests and journal entries write times.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Bytes for the checksum thread.
enum HashInput {
    Source(Vec<u8>),
    Output(Vec<u8>),
}

/// Opens a job's source, on the reader thread: a file, or an object streamed from a store.
pub type Opener = Box<dyn FnOnce() -> io::Result<Box<dyn Read + Send>> + Send>;

/// Reads, minimises and cuts one file into parts (runs on its own thread).
fn read_and_minimise(
    open: Opener,
    minimisers: Vec<Minimiser>,
    part_size: usize,
    tx: mpsc::Sender<Msg>,
    progress: Option<ProgressBar>,
) {
    let mut file = match open() {
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
        cut: staged.cut,
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
pub async fn ingest<L: Leftovers>(lake: Arc<L>, ctx: Arc<Context>, job: Job) -> FileReport {
    let path = job.path.clone();
    let open: Opener =
        Box::new(move || File::open(path).map(|f| Box::new(f) as Box<dyn Read + Send>));
    ingest_from(lake, ctx, job, open).await
}

/// [`ingest`] of a source opened by `open` (the job's path only names it).
pub async fn ingest_from<L: Leftovers>(
    lake: Arc<L>,
    ctx: Arc<Context>,
    job: Job,
    open: Opener,
) -> FileReport {
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
        let part_size = ctx.part_size;
        let bar = bar.clone();
        std::thread::spawn(move || read_and_minimise(open, minimisers, part_size, tx, bar))
    };
    let mut report = FileReport::new(job, location, Status::Stored);
    let first = rx.recv().await;
    let outcome = match first {
        Some(Msg::Unreadable(e)) => Err((Status::Unreadable, format!("cannot read: {e}"))),
        None => Err((Status::Unreadable, "the reader stopped unexpectedly".into())),
        Some(Msg::End(end)) => single(&*lake, &ctx, &mut report, *end, &file_started).await,
        Some(Msg::Part(first)) => {
            multipart(&lake, &ctx, &mut report, first, &mut rx, &file_started).await
        }
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
                if done.confirmed {
                    report.status = Status::Confirmed;
                }
                write_manifest(&*lake, &ctx, &mut report, done).await;
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

/// A committed and verified object, and what remains to do: its manifest.
struct Written {
    manifest: Manifest,
    tracked: Tracked,
    /// The object was already there (see [`confirm`]): so may its manifest be.
    confirmed: bool,
}

type Outcome = Result<Option<Written>, (Status, String)>;

/// A file's entry in the journal (see journal.rs), kept up to date as its write goes on.
/// Dry runs have none: they write nothing.
struct Tracked {
    at: Option<(Journal, PathBuf)>,
    entry: Entry,
    index: usize,
}

impl Tracked {
    /// Records a write before it starts: a write the journal cannot record does not start
    /// (a kill would leave what nobody knows of).
    fn start<L: Leftovers>(
        lake: &L,
        ctx: &Context,
        report: &FileReport,
        write: Write,
        manifest: Option<Manifest>,
    ) -> Result<Tracked, (Status, String)> {
        let mut entry = Entry::new(lake.place(), &report.job.key, write, ctx.run_id.to_string());
        if manifest.is_some() {
            entry.state = State::Committing;
            entry.manifest = manifest;
        }
        let index = report.job.index;
        let Some(journal) = &ctx.journal else {
            return Ok(Tracked {
                at: None,
                entry,
                index,
            });
        };
        match journal.add(&entry, index) {
            Ok(path) => Ok(Tracked {
                at: Some((journal.clone(), path)),
                entry,
                index,
            }),
            Err(e) => Err((
                Status::StorageFailed,
                format!(
                    "cannot record the write in the journal {} ({e}): nothing was written",
                    journal.dir().display()
                ),
            )),
        }
    }

    /// Changes the entry and writes it again (whole: a reader sees the old one or the new).
    fn update(&mut self, change: impl FnOnce(&mut Entry)) -> io::Result<()> {
        change(&mut self.entry);
        match &self.at {
            Some((journal, _)) => journal.add(&self.entry, self.index).map(|_| ()),
            None => Ok(()),
        }
    }

    /// The write is over: stored with its manifest, or failed leaving nothing to do.
    fn remove(self) {
        if let Some((_, path)) = &self.at {
            let _ = Journal::remove(path);
        }
    }

    /// Keeps the entry for the next run; says where.
    fn keep(self, why: &str) -> String {
        match &self.at {
            Some((_, path)) => format!(
                "; it is recorded in {} and the next run will {why}",
                path.display()
            ),
            None => String::new(),
        }
    }
}

/// A failure after which the store may or may not have done the write (no answer, an
/// error of the connection): only a look at the store can tell. Refusals are definite.
pub fn uncertain(e: &LakeError) -> bool {
    matches!(e, LakeError::Store { .. })
}

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

fn invalid(report: &FileReport, end: &End) -> (Status, String) {
    let findings = report.report.as_ref().map_or(0, |r| r.findings_total);
    let message = if end.cut {
        format!(
            "invalid data (at least {findings} findings: reading stopped after {} bytes): nothing was written",
            end.source_bytes
        )
    } else {
        format!("invalid data ({findings} findings): nothing was written")
    };
    (Status::Invalid, message)
}

/// A file whose output fits in one part: validated first, then one PUT.
async fn single<L: Leftovers>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    end: End,
    file_started: &str,
) -> Outcome {
    if !validated(report, &end) {
        return Err(invalid(report, &end));
    }
    log_destination(report, ctx.dry_run, false);
    report.parts = 1;
    if ctx.dry_run {
        return Ok(None);
    }
    // Everything the manifest needs is known before the PUT: it goes in the journal first.
    let manifest = draft(ctx, report, &end, 1, file_started);
    let tracked = Tracked::start(lake, ctx, report, Write::Single, Some(manifest))?;
    match lake
        .put_small(&report.job.key, end.last.bytes.clone(), &end.sums)
        .await
    {
        Ok(stored) => committed(lake, ctx, report, tracked, &stored, &end.sums).await,
        Err(LakeError::AlreadyExists { .. }) if ctx.confirm_existing => {
            tracked.remove();
            confirm(lake, ctx, report, &end, 1, file_started).await
        }
        Err(e) if uncertain(&e) => {
            let kept = tracked.keep("check whether the store has it");
            Err((Status::StorageFailed, format!("{e}{kept}")))
        }
        Err(e) => {
            tracked.remove();
            Err(storage(e))
        }
    }
}

/// The manifest of a file as it will be written, before the object is: what the store
/// will say, the checks after the write and the times of both writes are filled in later.
fn draft(
    ctx: &Context,
    report: &FileReport,
    end: &End,
    parts: u32,
    file_started: &str,
) -> Manifest {
    let columns: &[String] = end
        .report
        .minimisation
        .as_ref()
        .map_or(&[], |m| m.columns_out.as_slice());
    Manifest {
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
            content_type: CSV_CONTENT_TYPE.into(),
            checksum: Checksum {
                algorithm: "CRC64NVME".into(),
                kind: "FULL_OBJECT".into(),
                value: end.sums.crc64_base64(),
            },
            sha256: end.sums.sha256_hex(),
            parts,
            part_size: (parts > 1).then_some(ctx.part_size as u64),
            encryption: Encryption {
                requested: ctx.sse_requested.clone(),
                reported: None,
            },
            etag: None,
        },
        verification: Verification::default(),
        schema: ctx.schema_info.clone(),
        key_id: ctx.key.as_ref().map(|k| k.id().to_owned()),
        validation: Validation::of(&end.report),
        minimisation: end.report.minimisation.clone(),
        times: Times {
            run_started: ctx.run_started.to_rfc3339_opts(SecondsFormat::Secs, true),
            file_started: file_started.to_owned(),
            // When the commit was asked for, until the store has answered.
            object_written: now(),
            manifest_written: String::new(),
        },
        retention: Some(RetentionInfo::of(&ctx.schema, columns)),
        pseudonyms: pseudonyms_of(&ctx.schema, columns),
        supersedes: None,
        erasures: Vec::new(),
        column_expiries: Vec::new(),
        rekeys: Vec::new(),
        origin: ctx.origin.clone(),
    }
}

/// The store took the object: what it said goes into the journal's manifest, then the
/// checks after the write. A failed check fails the file and leaves no manifest (a
/// manifest vouches for the object), and no journal entry: it is said now.
async fn committed<L: Lake>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    mut tracked: Tracked,
    stored: &Stored,
    sums: &Sums,
) -> Outcome {
    let said = match store_said(report, stored, sums) {
        Ok(v) => v,
        Err(failure) => {
            tracked.remove();
            return Err(failure);
        }
    };
    let object_written = now();
    let recorded = tracked.update(|e| {
        e.state = State::Committed;
        if let Some(m) = &mut e.manifest {
            m.object.encryption.reported = stored.encryption.clone();
            m.object.etag = stored.etag.clone();
            m.verification = said.clone();
            m.times.object_written = object_written;
        }
    });
    if let Err(e) = recorded {
        // The entry still says "committing" with the manifest: the next run would check
        // the object by HEAD and write the manifest all the same.
        report.warnings.push(format!(
            "cannot record in the journal that the object was written: {e}"
        ));
    }
    let verification = match head_check(lake, ctx, report, said, sums).await {
        Ok(v) => v,
        Err(failure) => {
            tracked.remove();
            return Err(failure);
        }
    };
    let Some(mut manifest) = tracked.entry.manifest.clone() else {
        tracked.remove();
        return Err((
            Status::StorageFailed,
            "internal error: no manifest for the object".into(),
        ));
    };
    manifest.verification = verification;
    Ok(Some(Written {
        manifest,
        tracked,
        confirmed: false,
    }))
}

/// The object is already at the key (see [`Context::confirm_existing`]): it is this file's
/// result when its size and CRC-64/NVME are those of the bytes this run made, and then the
/// manifest is written as this run would have (unless one is there already). Another
/// object at the key fails the file: the key names this source, so nothing else belongs
/// there.
async fn confirm<L: Leftovers>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    end: &End,
    parts: u32,
    file_started: &str,
) -> Outcome {
    report.parts = parts;
    let (head, confirmed) = match look(
        lake,
        &report.job.key,
        end.sums.bytes,
        &end.sums.crc64_base64(),
    )
    .await
    {
        Looked::Same(head, confirmed) => (head, confirmed),
        Looked::Different(e) => return Err(storage(e)),
        Looked::Missing => {
            return Err(storage(LakeError::Missing {
                location: report.location.clone(),
            }));
        }
        Looked::Unknown(_, e) => return Err(storage(e)),
    };
    if !confirmed {
        report.warnings.push(format!(
            "{} was already stored; the store did not return its CRC-64/NVME, only its size matched",
            report.location
        ));
    }
    let mut manifest = draft(ctx, report, end, parts, file_started);
    manifest.verification = Verification {
        store_checksum: "already stored".into(),
        head: head.into(),
        checksum_confirmed: confirmed,
        recovered_by: None,
    };
    let tracked = Tracked::start(lake, ctx, report, Write::Single, Some(manifest.clone()))?;
    Ok(Some(Written {
        manifest,
        tracked,
        confirmed: true,
    }))
}

fn storage(e: LakeError) -> (Status, String) {
    (Status::StorageFailed, e.to_string())
}

/// Part uploads in progress, at most `limit` at once (also how `watt lake` sends the
/// parts of an object it rewrites).
pub struct InFlight<L: Lake> {
    lake: Arc<L>,
    pub upload: Arc<L::Upload>,
    pub tasks: JoinSet<Result<PartDone, LakeError>>,
    /// The parts the store took.
    pub done: Vec<PartDone>,
    pub limit: usize,
}

impl<L: Lake> InFlight<L> {
    pub fn new(lake: Arc<L>, upload: L::Upload, limit: usize) -> InFlight<L> {
        InFlight {
            lake,
            upload: Arc::new(upload),
            tasks: JoinSet::new(),
            done: Vec::new(),
            limit,
        }
    }

    /// Starts sending a part (its CRC computed on the way).
    pub fn spawn(&mut self, part: RawPart) {
        let lake = Arc::clone(&self.lake);
        let upload = Arc::clone(&self.upload);
        self.tasks
            .spawn(async move { lake.write_part(&upload, part.checksummed()).await });
    }

    /// Waits for one part to finish; the first failure is returned.
    pub async fn next(&mut self) -> Result<(), LakeError> {
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

    /// Waits for every part.
    pub async fn all(&mut self) -> Result<(), LakeError> {
        while !self.tasks.is_empty() {
            self.next().await?;
        }
        Ok(())
    }
}

/// A large file: parts go out while the file is read; aborted if invalid or on failure.
async fn multipart<L: Leftovers>(
    lake: &Arc<L>,
    ctx: &Context,
    report: &mut FileReport,
    first: RawPart,
    rx: &mut mpsc::Receiver<Msg>,
    file_started: &str,
) -> Outcome {
    if ctx.dry_run {
        return dry_multipart(report, first, rx).await;
    }
    log_destination(report, false, true);
    // Fail before sending gigabytes that the create-only commit would refuse. (Without
    // read permission the store answers 403: the commit still guards.)
    if let Ok(true) = lake.exists(&report.job.key).await {
        if ctx.confirm_existing {
            let end = drain(report, first, rx).await?;
            if !validated(report, &end) {
                return Err(invalid(report, &end));
            }
            let parts = report.parts;
            return confirm(&**lake, ctx, report, &end, parts, file_started).await;
        }
        return Err(storage(LakeError::AlreadyExists {
            location: report.location.clone(),
        }));
    }
    // Journaled before the store is asked, so a run killed at any point after this leaves
    // a trace the next run can act on (see journal.rs).
    let mut tracked = Tracked::start(&**lake, ctx, report, Write::Multipart, None)?;
    let upload = match lake.begin(&report.job.key).await {
        Ok(upload) => upload,
        Err(e) if uncertain(&e) => {
            // The store may have created the upload without us hearing of it.
            let kept = tracked.keep("look for it");
            return Err((Status::StorageFailed, format!("{e}{kept}")));
        }
        Err(e) => {
            tracked.remove();
            return Err(storage(e));
        }
    };
    if let Some(id) = L::pending_id(&upload) {
        // If the id cannot be added, the entry without it still marks the upload.
        if let Err(e) = tracked.update(|entry| entry.upload_id = Some(id.to_owned())) {
            report
                .warnings
                .push(format!("cannot record the upload id in the journal: {e}"));
        }
    }
    let mut flight = InFlight::new(Arc::clone(lake), upload, ctx.parts_in_flight);
    flight.spawn(first);
    let result = send_parts(&mut flight, report, rx).await;
    // Set once the commit was asked for and failed without a definite answer.
    let mut maybe_committed = false;
    // The file's end, when the commit found the object already there (a rival's).
    let mut raced = None;
    let result = match result {
        Ok(end) => {
            // The manifest goes into the journal before the commit: whatever happens from
            // here on, the next run can finish the file.
            let manifest = draft(ctx, report, &end, report.parts, file_started);
            let recorded = tracked.update(|e| {
                e.state = State::Committing;
                e.manifest = Some(manifest);
            });
            match recorded {
                Err(e) => Err((
                    Status::StorageFailed,
                    format!(
                        "cannot record the object's manifest in the journal ({e}): the upload is not completed"
                    ),
                )),
                Ok(()) => match lake
                    .commit(&flight.upload, std::mem::take(&mut flight.done), &end.sums)
                    .await
                {
                    Ok(stored) => Ok((end, stored)),
                    Err(e @ LakeError::AlreadyExists { .. }) if ctx.confirm_existing => {
                        let failure = storage(e);
                        raced = Some(end);
                        Err(failure)
                    }
                    Err(e) => {
                        maybe_committed = uncertain(&e);
                        Err(storage(e))
                    }
                },
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((end, stored)) => committed(&**lake, ctx, report, tracked, &stored, &end.sums).await,
        Err(failure) => {
            flight.tasks.abort_all();
            while flight.tasks.join_next().await.is_some() {}
            match lake.abort(&flight.upload).await {
                Ok(()) if maybe_committed => {
                    let kept = tracked.keep("check whether the store completed it");
                    Err((failure.0, format!("{}{kept}", failure.1)))
                }
                Ok(()) => {
                    tracked.remove();
                    tracing::info!(target: TARGET, stage = "abort", source = %report.job.source_name, location = %report.location, "multipart upload aborted");
                    match raced {
                        Some(end) => {
                            let parts = report.parts;
                            confirm(&**lake, ctx, report, &end, parts, file_started).await
                        }
                        None => Err(failure),
                    }
                }
                Err(e) => {
                    tracing::warn!(target: TARGET, stage = "abort", source = %report.job.source_name, location = %report.location, error = %e, "multipart upload could not be aborted");
                    let kept = tracked.keep("abort it");
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
        return Err(invalid(report, &end));
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
    let end = drain(report, first, rx).await?;
    if !validated(report, &end) {
        return Err(invalid(report, &end));
    }
    log_destination(report, true, true);
    Ok(None)
}

/// The rest of a large file read, minimised and checksummed, and nothing sent: its end.
async fn drain(
    report: &mut FileReport,
    first: RawPart,
    rx: &mut mpsc::Receiver<Msg>,
) -> Result<End, (Status, String)> {
    let mut parts = 1u32;
    drop(first);
    loop {
        match rx.recv().await {
            Some(Msg::Part(_)) => parts += 1,
            Some(Msg::End(end)) => {
                report.parts = parts + 1;
                return Ok(*end);
            }
            Some(Msg::Unreadable(e)) => {
                return Err((Status::Unreadable, format!("cannot read: {e}")));
            }
            None => return Err((Status::Unreadable, "the reader stopped unexpectedly".into())),
        }
    }
}

/// Compares the checksum the store returned on write with the one sent.
fn store_said(
    report: &FileReport,
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
    Ok(v)
}

/// What a HEAD of an object says of it, compared with what was sent.
#[derive(Debug)]
pub enum Looked {
    /// `matched`, or `size matched, no checksum returned`; whether the checksum matched.
    Same(&'static str, bool),
    /// What differs.
    Different(LakeError),
    Missing,
    /// The HEAD could not be made: `not permitted`, or `failed` with why.
    Unknown(&'static str, LakeError),
}

/// HEADs `key` and compares its size and CRC-64/NVME with `sums` (also what the next run
/// does to an object whose manifest is missing).
pub async fn look<L: Lake>(lake: &L, key: &str, sums_bytes: u64, crc: &str) -> Looked {
    let location = lake.location(key);
    match lake.head(key).await {
        Ok(Some(info)) => {
            if info.size != sums_bytes {
                return Looked::Different(LakeError::Mismatch {
                    location,
                    what: "size",
                    reported: info.size.to_string(),
                    sent: sums_bytes.to_string(),
                });
            }
            match info.crc64nvme {
                Some(c) if c == crc => Looked::Same("matched", true),
                Some(c) => Looked::Different(LakeError::Mismatch {
                    location,
                    what: "CRC-64/NVME",
                    reported: c,
                    sent: crc.to_owned(),
                }),
                None => Looked::Same("size matched, no checksum returned", false),
            }
        }
        Ok(None) => Looked::Missing,
        Err(e @ LakeError::Forbidden { .. }) => Looked::Unknown("not permitted", e),
        Err(e) => Looked::Unknown("failed", e),
    }
}

/// The HEAD after the write (unless `--no-head`), added to what the store said.
async fn head_check<L: Lake>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    mut v: Verification,
    sums: &Sums,
) -> Result<Verification, (Status, String)> {
    if !ctx.head_check {
        v.head = "skipped".into();
    } else {
        match look(lake, &report.job.key, sums.bytes, &sums.crc64_base64()).await {
            Looked::Same(head, confirmed) => {
                v.head = head.into();
                v.checksum_confirmed |= confirmed;
            }
            Looked::Different(e) => return Err(storage(e)),
            Looked::Missing => {
                return Err(storage(LakeError::Missing {
                    location: report.location.clone(),
                }));
            }
            Looked::Unknown(head, e) => {
                v.head = head.into();
                if !matches!(e, LakeError::Forbidden { .. }) {
                    report
                        .warnings
                        .push(format!("checking the object failed: {e}"));
                }
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

/// Writes the manifest beside the object; a failure here fails the file (exit 3) and
/// leaves the journal entry, with the manifest, for the next run to write it.
async fn write_manifest<L: Lake>(
    lake: &L,
    ctx: &Context,
    report: &mut FileReport,
    written: Written,
) {
    let Written {
        mut manifest,
        tracked,
        ..
    } = written;
    manifest.times.manifest_written = now();
    match put_manifest(lake, &manifest).await {
        Ok(()) => {
            tracked.remove();
            report.manifest = Some(manifest);
        }
        // Its key names this very source and run: whoever wrote it first had verified the
        // same bytes (a store whose create-only check is not atomic let two writes through).
        Err(LakeError::AlreadyExists { .. }) if ctx.confirm_existing => {
            tracked.remove();
            report.status = Status::Confirmed;
        }
        Err(e) => {
            report.status = Status::StorageFailed;
            let kept = tracked.keep("write it");
            report.error = Some(format!(
                "the object was written and verified, but its manifest was not: {e}{kept}"
            ));
        }
    }
}

/// Stores a manifest beside its object, create-only.
pub async fn put_manifest<L: Lake>(lake: &L, manifest: &Manifest) -> Result<(), LakeError> {
    let bytes = manifest.to_bytes();
    let mut hashing = Hashing::default();
    hashing.update(&bytes);
    lake.put_small(
        &manifest_key(&manifest.object.key),
        Bytes::from(bytes),
        &hashing.finish(),
    )
    .await
    .map(|_| ())
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
