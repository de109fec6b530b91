//! `watt worker --queue URL`: the settings of the invocation (those of `watt ingest` for
//! the lake and the pipeline, and the worker's own), then the SQS loop of
//! [`crate::worker::queue`] until SIGTERM. The Lambda function builds its worker here too
//! ([`prepare`]), from the environment.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Map;
use tokio::sync::watch;
use watt_core::{Minimiser, Options, PseudonymKey};

use super::Outcome;
use crate::cli::{KeyArgs, ObjectArgs, WorkerArgs};
use crate::dotenv::DOTENV_FILE;
use crate::error::CliError;
use crate::ingest::config::{Destination, Env, S3Settings, Settings, check_endpoint};
use crate::ingest::key::{RunId, clean_prefix};
use crate::ingest::pipeline::Context;
use crate::ingest::s3::{S3Lake, http_client_without_proxy, sdk_config};
use crate::ingest::{IngestError, runlog};
use crate::key;
use crate::worker::WorkerError;
use crate::worker::landing::Landing;
use crate::worker::object::{InvalidSource, Worker};
use crate::worker::queue::{self, Queue};
use crate::worker::record::Records;

pub fn run(args: &WorkerArgs) -> Result<Outcome, CliError> {
    let prepared = prepare(&args.objects)?;
    check_endpoint(&args.queue, args.objects.ingest.store.allow_insecure_http)
        .map_err(WorkerError::QueueUrl)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(WorkerError::Runtime)?;
    let records = Arc::new(Records::stdout());
    let (give_up, stop) = watch::channel(false);
    runtime.block_on(async {
        let queue = queue_client(&prepared.s3, &args.queue).await;
        let described = queue.describe().await.map_err(WorkerError::from)?;
        let settings_json = runlog::settings_json(&prepared.settings);
        let worker = Arc::new(prepared.worker(Arc::clone(&records), stop).await);
        let mut f = Map::new();
        f.insert("event".into(), "started".into());
        f.insert("version".into(), env!("CARGO_PKG_VERSION").into());
        f.insert("queue".into(), args.queue.clone().into());
        f.insert("jobs".into(), args.objects.ingest.jobs.into());
        f.insert(
            "settings".into(),
            serde_json::from_str(&settings_json).unwrap_or_default(),
        );
        f.insert(
            "deadLetterQueue".into(),
            described.redrive.as_ref().map_or(
                serde_json::Value::Null,
                |(n, arn)| serde_json::json!({"maxReceiveCount": n, "arn": arn}),
            ),
        );
        f.insert(
            "queueVisibilityTimeout".into(),
            described.visibility_timeout.into(),
        );
        if described.redrive.is_none() {
            f.insert(
                "warning".into(),
                "the queue has no redrive policy: a message that always fails comes back forever"
                    .into(),
            );
        }
        records.line("worker", f);
        let settings = queue::Settings {
            jobs: args.objects.ingest.jobs,
            visibility_timeout: args.visibility_timeout,
            wait_seconds: args.wait_seconds,
            retry_after: args.retry_after,
            stop_timeout: Duration::from_secs(args.stop_timeout),
            summary_every: Duration::from_secs(args.summary_every),
            until_empty: args.until_empty,
        };
        queue::run(worker, queue, settings, give_up)
            .await
            .map_err(WorkerError::from)
    })?;
    Ok(Outcome::Success)
}

/// A client for the queue at `url`, with the lake's credentials, retries and timeouts.
/// Its endpoint is the URL's origin (a queue URL names its host: AWS's, or a local one);
/// a plain-http endpoint is never reached through a proxy.
async fn queue_client(s3: &S3Settings, url: &str) -> Queue {
    let shared = sdk_config(s3).await;
    let origin = url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[..i + 3 + j]))
        .unwrap_or(url);
    let mut config = aws_sdk_sqs::config::Builder::from(&shared).endpoint_url(origin);
    // `https://sqs.<region>.amazonaws.com/...`: requests are signed for that region.
    if let Some(region) = origin
        .strip_prefix("https://sqs.")
        .and_then(|rest| rest.split('.').next())
        .filter(|r| !r.is_empty())
    {
        config = config.region(aws_sdk_sqs::config::Region::new(region.to_owned()));
    }
    if origin.starts_with("http://") {
        config = config.http_client(http_client_without_proxy());
    }
    Queue::new(
        aws_sdk_sqs::Client::from_conf(config.build()),
        url.to_owned(),
    )
}

/// A worker's settings, checked, before any connection.
#[derive(Debug)]
pub struct Prepared {
    pub settings: Settings,
    pub s3: S3Settings,
    base: Context,
    quarantine_prefix: String,
    landing_prefix: String,
    landing_bucket: Option<String>,
    invalid_source: InvalidSource,
}

/// Checks the settings of a worker (the container's and the Lambda function's), loads the
/// schema and the key: everything that can be refused before a message is taken.
pub fn prepare(args: &ObjectArgs) -> Result<Prepared, CliError> {
    let ingest = &args.ingest;
    for (given, what) in [
        (!ingest.files.is_empty(), "FILE"),
        (!ingest.source.is_empty(), "--source"),
        (ingest.source_name.is_some(), "--source-name"),
        (ingest.dry_run, "--dry-run"),
        (ingest.store.lake.is_some(), "--lake"),
    ] {
        if given {
            return Err(WorkerError::NotForWorker(what).into());
        }
    }
    let env = Env::load(Path::new(DOTENV_FILE)).map_err(IngestError::from)?;
    let settings = Settings::resolve(ingest, &env).map_err(IngestError::from)?;
    let Destination::S3(s3) = &settings.destination else {
        return Err(WorkerError::NoBucket.into());
    };
    let prefix =
        |what, p: &str| clean_prefix(p).map_err(|source| WorkerError::Prefix { what, source });
    let quarantine_prefix = prefix("--quarantine-prefix:", &args.quarantine_prefix)?;
    let landing_prefix = prefix("--landing-prefix:", &args.landing_prefix)?;
    let invalid_source = match &args.move_invalid_to {
        Some(p) => InvalidSource::Move(prefix("--move-invalid-to:", p)?),
        None => InvalidSource::Leave,
    };
    let (schema, schema_info) = super::ingest::schema(ingest.schema.as_deref())?;
    let key = worker_key(&ingest.keys)?;
    let options = Options {
        dialect: super::load_dialect(&ingest.read)?,
        encoding: ingest.read.encoding,
        max_findings: ingest.max_findings,
        ..Options::default()
    };
    Minimiser::new(&schema, options.clone(), key.clone()).map_err(CliError::minimise)?;
    let base = Context {
        schema,
        schema_info,
        options,
        key,
        // Replaced for each object by the run its source names.
        run_id: RunId::from_digest(&[0; 32]),
        run_started: chrono::Utc::now(),
        part_size: settings.part_size,
        parts_in_flight: settings.parts_in_flight,
        dry_run: false,
        head_check: settings.head_check,
        // The redelivery of a message is the worker's journal: a write cut short is found
        // by its derived key, whichever worker takes the message next (see
        // worker::object), where a local journal would die with its container.
        journal: None,
        bucket: Some(s3.bucket.clone()),
        sse_requested: s3.sse.header().map(str::to_owned),
        progress: None,
        spill_after: ingest.read.spill_after,
        confirm_existing: true,
        origin: None,
    };
    Ok(Prepared {
        s3: s3.clone(),
        settings,
        base,
        quarantine_prefix,
        landing_prefix,
        landing_bucket: args.landing_bucket.clone(),
        invalid_source,
    })
}

impl Prepared {
    /// The worker, connected to the store (no request sent yet).
    pub async fn worker(self, records: Arc<Records>, stop: watch::Receiver<bool>) -> Worker {
        let lake = S3Lake::connect(&self.s3).await;
        Worker {
            landing: Landing::new(lake.client().clone()),
            lake: Arc::new(lake),
            base: self.base,
            prefix: self.settings.prefix.clone(),
            quarantine_prefix: self.quarantine_prefix,
            landing_bucket: self.landing_bucket,
            landing_prefix: self.landing_prefix,
            invalid_source: self.invalid_source,
            records,
            stop,
        }
    }
}

/// The pseudonymisation key of a worker, in a container and in the Lambda function alike:
/// the options and variables of every command ([`crate::key`]). In a container or a Lambda
/// function, `WATT_PSEUDONYM_KEY_SECRET_ID` (AWS Secrets Manager, read with the task's or
/// function's role) or a KMS-encrypted `--key-file` keep the key out of the task definition;
/// `WATT_PSEUDONYM_KEY` puts it in the function's or pod's configuration, readable by whoever
/// may read that: weaker, and documented as such (docs/worker.md).
pub fn worker_key(keys: &KeyArgs) -> Result<Option<PseudonymKey>, CliError> {
    Ok(key::load(keys)?.map(|k| k.key))
}
