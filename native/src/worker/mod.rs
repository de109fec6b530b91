//! `watt worker`: event-driven ingestion. Producers drop files into a landing bucket; S3
//! sends an `ObjectCreated` notification per object to an SQS queue (directly, through
//! SNS, or through EventBridge); a fleet of workers — long-running containers on ECS or
//! Kubernetes ([`queue`]), or an AWS Lambda function ([`lambda`], behind the `lambda`
//! feature) — takes them and runs each object through the same pipeline as `watt ingest`:
//! validated, minimised, written create-only with its manifest.
//!
//! Delivery is at least once; results are exactly once: the run id and keys of an
//! object's results are derived from the object ([`identity`]), so a redelivery, a
//! duplicate event or a rival worker finds them already there and confirms them
//! ([`object`]).
//!
//! - [`event`]: the S3 event JSON, in its three shapes.
//! - [`identity`]: run ids and keys from the source object.
//! - [`landing`]: the producers' bucket: the object streamed, pinned to its version.
//! - [`object`]: one object, from event to end (stored, confirmed, quarantined...).
//! - [`queue`]: the SQS loop: jobs, visibility, deletion, retries, SIGTERM.
//! - [`record`]: the JSON-lines records and the summary of counters.

pub mod event;
pub mod identity;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod landing;
pub mod object;
pub mod queue;
pub mod record;

use serde_json::{Map, Value};

use crate::ingest::config::ConfigError;
use crate::ingest::key::PrefixError;
use event::Notice;
use object::Worker;
use record::Step;

/// Why a worker could not start (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("watt worker takes its objects from the queue: {0} does not apply")]
    NotForWorker(&'static str),
    #[error(
        "watt worker writes to an S3 bucket: give --bucket (or DATA_LAKE_BUCKET); the local lake is for watt ingest"
    )]
    NoBucket,
    #[error("{what} {source}")]
    Prefix {
        what: &'static str,
        source: PrefixError,
    },
    #[error("the queue URL: {0}")]
    QueueUrl(ConfigError),
    #[error(transparent)]
    Queue(#[from] queue::QueueError),
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

impl Worker {
    /// Every notification of one message body; how the message ends: `retried` if an object
    /// must come back, `abandoned` if one was given up, else the last object's end (the
    /// message can go).
    pub async fn message(&self, body: &str, fields: &Map<String, Value>) -> Step {
        self.records.step(Step::Received, fields.clone());
        let notices = match event::parse(body) {
            Ok(n) => n,
            Err(e) => {
                let mut f = fields.clone();
                f.insert("error".into(), e.to_string().into());
                self.records.step(Step::Retried, f);
                return Step::Retried;
            }
        };
        let mut worst = Step::Ignored;
        for notice in notices {
            let step = match notice {
                Notice::Created(created) => self.object(&created, fields).await,
                Notice::Other(what) => {
                    let mut f = fields.clone();
                    f.insert(
                        "reason".into(),
                        format!("not an object creation: {what}").into(),
                    );
                    self.records.step(Step::Ignored, f);
                    Step::Ignored
                }
            };
            worst = match (worst, step) {
                (Step::Retried, _) | (_, Step::Retried) => Step::Retried,
                (Step::Abandoned, _) | (_, Step::Abandoned) => Step::Abandoned,
                (_, s) => s,
            };
        }
        worst
    }
}
