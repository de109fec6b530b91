//! `watt ingest`: CSV files validated, minimised and streamed into the data lake, an S3
//! bucket or a local folder, with a manifest beside each object and a log of the run.
//!
//! - [`config`]: the settings (flags > environment > `.env` > defaults).
//! - [`key`]: object keys, source names and run ids.
//! - [`lake`]: the [`lake::Lake`] trait and the local [`lake::DirLake`]; [`s3`]: the S3 one.
//! - [`pipeline`]: one file, read → minimise → parts → upload, in one pass.
//! - [`integrity`]: CRC-64/NVME and SHA-256 of the bytes sent.
//! - [`manifest`], [`runlog`]: the audit trail; [`journal`]: writes in progress, and
//!   [`recover`]: what the next run does with those a stopped run left.
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
pub mod recover;
pub mod runlog;
pub mod s3;
pub mod shown;

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use lake::Leftovers;
use pipeline::{Context, FileReport, Job};

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
pub async fn run_all<L: Leftovers>(
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
