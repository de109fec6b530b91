//! `watt ingest`: CSV files validated, minimised and streamed into the data lake, an S3
//! bucket or a local folder, with a manifest beside each object and a log of the run.
//!
//! - [`config`]: the settings (flags > environment > `.env` > defaults).
//! - [`key`]: object keys, source names and run ids.
//! - [`lake`]: the [`lake::Lake`] trait and the local [`lake::DirLake`]; [`s3`]: the S3 one.
//! - [`pipeline`]: one file, read → minimise → parts → upload, in one pass.
//! - [`integrity`]: CRC-64/NVME and SHA-256 of the bytes sent.
//! - [`manifest`], [`runlog`]: the audit trail; [`journal`]: uploads to abort after a crash.
//! - [`shown`]: file names and outside text as standard error shows them.
//! - [`private`]: the run's files and folders, readable by their owner only.
//!
//! This module runs the files of one invocation, a few at a time, and sums up.

pub mod config;
pub mod integrity;
pub mod journal;
pub mod key;
pub mod lake;
pub mod manifest;
pub mod pipeline;
pub mod private;
pub mod runlog;
pub mod s3;
pub mod shown;

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use journal::Journal;
use lake::{Lake, LakeError};
use pipeline::{Context, FileReport, Job};
use runlog::TARGET;
use s3::S3Lake;

/// Why a run could not start or finish (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("no file to ingest: give CSV files or folders, or --source FILE")]
    NoFiles,
    #[error("no .csv file in folder {0}")]
    EmptyFolder(String),
    #[error("cannot read folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("--source-name names one file; {0} files were given")]
    SourceNameForMany(usize),
    #[error("cannot create the run log in {path}: {source}")]
    Log {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot start the upload runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{0} of {1} files could not be read")]
    Unreadable(usize, usize),
}

/// Runs every job, at most `jobs` files at once; reports come back in job order.
pub async fn run_all<L: Lake>(
    lake: Arc<L>,
    ctx: Arc<Context>,
    jobs: Vec<Job>,
    concurrency: usize,
) -> Vec<FileReport> {
    let limit = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    for job in jobs {
        let (lake, ctx, limit) = (Arc::clone(&lake), Arc::clone(&ctx), Arc::clone(&limit));
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            pipeline::ingest(lake, ctx, job).await
        });
    }
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(report) = joined {
            reports.push(report);
        }
    }
    reports.sort_by_key(|r| r.job.index);
    reports
}

/// Aborts the multipart uploads earlier runs left behind (their process died, or the store
/// did). Returns one line per upload for the summary.
pub async fn recover(lake: &S3Lake, journal: &Journal) -> Vec<String> {
    let mut lines = Vec::new();
    for found in journal.leftovers() {
        match found {
            Ok(found) => {
                let e = &found.entry;
                if e.bucket != lake.bucket() {
                    lines.push(format!(
                        "left alone: an unfinished upload of run {} in bucket {} (this run writes to {}); see {}",
                        e.run_id,
                        e.bucket,
                        lake.bucket(),
                        found.path.display()
                    ));
                    continue;
                }
                let Some(upload_id) = &e.upload_id else {
                    lines.push(recover_by_key(lake, &found).await);
                    continue;
                };
                match lake.abort_by_id(&e.key, upload_id).await {
                    Ok(existed) => {
                        let _ = Journal::remove(&found.path);
                        tracing::info!(
                            target: TARGET,
                            stage = "journal",
                            run_id = %e.run_id,
                            location = %lake.location(&e.key),
                            found_in_store = existed,
                            "aborted an unfinished upload left by an earlier run"
                        );
                        lines.push(format!(
                            "aborted an unfinished upload left by run {}: {}{}",
                            e.run_id,
                            lake.location(&e.key),
                            if existed {
                                ""
                            } else {
                                " (the store no longer had it)"
                            }
                        ));
                    }
                    Err(err) => lines.push(abort_failed(lake, e, &err)),
                }
            }
            Err((path, problem)) => lines.push(format!(
                "unreadable journal entry {} ({problem}): left in place",
                path.display()
            )),
        }
    }
    lines
}

/// An entry written before the store returned the upload id: the earlier run died while
/// creating the upload, which may or may not exist. It is looked for by its key (unique to
/// that run); when this run may not list uploads, the bucket's lifecycle rule is the net.
async fn recover_by_key(lake: &S3Lake, found: &journal::Found) -> String {
    let e = &found.entry;
    let location = lake.location(&e.key);
    match lake.abort_uploads_of_key(&e.key).await {
        Ok(n) => {
            let _ = Journal::remove(&found.path);
            tracing::info!(target: TARGET, stage = "journal", run_id = %e.run_id, location = %location, aborted = n, "looked for an upload an earlier run was creating when it stopped");
            match n {
                0 => format!(
                    "run {} stopped while creating an upload of {location}; the store holds none",
                    e.run_id
                ),
                n => format!(
                    "aborted an unfinished upload left by run {}: {location} ({n} found by key)",
                    e.run_id
                ),
            }
        }
        Err(err @ (LakeError::Forbidden { .. } | LakeError::Unsupported { .. })) => {
            let _ = Journal::remove(&found.path);
            tracing::warn!(target: TARGET, stage = "journal", run_id = %e.run_id, location = %location, error = %err, "an earlier run stopped while creating an upload; this run cannot list uploads");
            format!(
                "run {} stopped while creating an upload of {location}; this run cannot list uploads to find it ({err}), so the bucket's AbortIncompleteMultipartUpload lifecycle rule will remove it if it exists",
                e.run_id
            )
        }
        Err(err) => abort_failed(lake, e, &err),
    }
}

/// The line and log event when a leftover upload could not be dealt with this time.
fn abort_failed(lake: &S3Lake, e: &journal::Entry, err: &LakeError) -> String {
    tracing::warn!(
        target: TARGET,
        stage = "journal",
        run_id = %e.run_id,
        location = %lake.location(&e.key),
        error = %err,
        "could not abort an unfinished upload; it stays in the journal"
    );
    format!(
        "could not abort an unfinished upload left by run {} ({err}); will try again next run",
        e.run_id
    )
}
