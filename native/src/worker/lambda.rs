//! The worker as an AWS Lambda function (feature `lambda`): the SQS event source hands it a
//! batch of messages; each goes through [`Worker::message`], as in the container, and the
//! messages whose objects must come back are reported as `batchItemFailures`, so Lambda
//! deletes the others (the event source mapping needs `FunctionResponseTypes:
//! ReportBatchItemFailures`; deploy/ sets it).
//!
//! The function is the `watt` binary built for `provided.al2023` (`cargo lambda build
//! --release --features lambda --bin watt`, see docs/worker.md), which the runtime starts
//! as `bootstrap`: started under that name with `AWS_LAMBDA_RUNTIME_API` set, `watt` runs
//! this handler instead of its command line ([`invoked_as_bootstrap`]).
//!
//! Settings come from the environment only: those of `watt worker` that have a variable
//! (`DATA_LAKE_BUCKET`, `DATA_LAKE_PREFIX`, `WATT_LANDING_PREFIX`, `WATT_QUARANTINE_PREFIX`,
//! `WATT_MOVE_INVALID_TO`...), and `WATT_LAMBDA_ARGS` for the others, as command-line
//! options (`--schema /var/task/schema.json --part-size 8`). The key comes from
//! [`crate::commands::worker::worker_key`]: best `WATT_PSEUDONYM_KEY_SECRET_ID` (Secrets
//! Manager, read with the function's role) or a KMS-encrypted key file in the package
//! (`WATT_LAMBDA_ARGS="--key-file /var/task/watt.key.enc"`); `WATT_PSEUDONYM_KEY` is weaker.
//!
//! Lambda manages the messages itself: no visibility to renew (set the queue's visibility
//! timeout to at least six times the function's timeout, as AWS advises), no delete, no
//! SIGTERM; a record per object and a summary per batch go to standard output (CloudWatch).

use std::process::ExitCode;
use std::sync::Arc;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use clap::Parser;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Map;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::object::Worker;
use crate::cli::ObjectArgs;
use crate::commands::worker::prepare;
use crate::worker::record::Records;

/// The options of `watt worker` that say what to do with each object, from the environment.
#[derive(Debug, Parser)]
#[command(name = "bootstrap")]
struct LambdaCli {
    #[command(flatten)]
    objects: ObjectArgs,
}

/// Whether the Lambda runtime started this binary (as `bootstrap`).
pub fn invoked_as_bootstrap() -> bool {
    let named = std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n == "bootstrap")
        })
        .unwrap_or(false);
    named && std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some()
}

/// Runs the function until the runtime stops it.
pub fn main() -> ExitCode {
    let extra = std::env::var("WATT_LAMBDA_ARGS").unwrap_or_default();
    let args = std::iter::once("bootstrap").chain(extra.split_whitespace());
    let cli = match LambdaCli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("watt: error: the function's settings: {e}");
            return ExitCode::from(2);
        }
    };
    let prepared = match prepare(&cli.objects) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("watt: error: {e}");
            return ExitCode::from(2);
        }
    };
    let jobs = cli.objects.ingest.jobs;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("watt: error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let ran = runtime.block_on(async {
        let records = Arc::new(Records::stdout());
        // Lambda stops the function itself: nothing is ever given up from here.
        let (_never, stop) = watch::channel(false);
        let worker = Arc::new(prepared.worker(Arc::clone(&records), stop).await);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
            let worker = Arc::clone(&worker);
            async move { Ok::<_, lambda_runtime::Error>(batch(worker, event.payload, jobs).await) }
        }))
        .await
    });
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("watt: error: the Lambda runtime stopped: {e}");
            ExitCode::from(2)
        }
    }
}

/// One batch: its messages, at most `jobs` at once; the ids of those to retry.
pub async fn batch(worker: Arc<Worker>, event: SqsEvent, jobs: usize) -> SqsBatchResponse {
    let slots = Arc::new(Semaphore::new(jobs.max(1)));
    let mut tasks = JoinSet::new();
    for record in event.records {
        let (worker, slots) = (Arc::clone(&worker), Arc::clone(&slots));
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let id = record.message_id.clone().unwrap_or_default();
            let receive: u64 = record
                .attributes
                .get("ApproximateReceiveCount")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let mut fields = Map::new();
            fields.insert("message".into(), id.clone().into());
            fields.insert("receive".into(), receive.into());
            let step = worker
                .message(record.body.as_deref().unwrap_or_default(), &fields)
                .await;
            (id, step.is_final())
        });
    }
    let mut response = SqsBatchResponse::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((_, true)) => {}
            Ok((id, false)) => {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                response.batch_item_failures.push(failure);
            }
            // A task that panicked: which message it had is unknown, so the whole batch
            // comes back (an empty identifier fails the batch).
            Err(_) => response
                .batch_item_failures
                .push(BatchItemFailure::default()),
        }
    }
    response
        .batch_item_failures
        .sort_by(|a, b| a.item_identifier.cmp(&b.item_identifier));
    worker.records.summary(0, false);
    response
}
