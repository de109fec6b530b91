//! `watt worker`'s loop: S3 event notifications received from SQS, at most `--jobs` objects
//! at once, each message deleted only once its objects reached an end.
//!
//! - **Receiving**: long polls (`--wait-seconds`) of at most ten messages, never more than
//!   there are free slots, so a message is not held invisible while it waits for one.
//! - **Visibility**: each message is received invisible for `--visibility-timeout` seconds
//!   and kept so, while its object is in progress, by renewing that timeout every half of
//!   it: a large file takes the time it takes, and a worker that dies stops renewing, so
//!   the message comes back to another after at most one timeout.
//! - **Deletion**: only when every notification of the message ended (stored and verified
//!   with its manifest, confirmed, quarantined, or nothing to do). A message whose object
//!   failed is made visible again after `--retry-after` seconds, doubled at each receive;
//!   after the queue's `maxReceiveCount` receives SQS moves it to the dead-letter queue
//!   (the worker says at start whether the queue has one).
//! - **Stopping** (SIGTERM, as ECS and Kubernetes send it, or SIGINT): no more receives;
//!   objects in flight get `--stop-timeout` seconds to finish; then those left are given
//!   up: their source stream fails, the pipeline aborts their uploads (nothing half-written
//!   stays), and their messages are made visible at once for another worker. Then the
//!   last summary line, and exit 0.
//!
//! `--until-empty` stops the loop once a receive finds nothing, nothing is in flight here,
//! and the queue holds no message at all, not even one another worker holds (a batch job,
//! or a test).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use serde_json::{Map, Value};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::object::Worker;
use super::record::Step;

/// Longest delay before a failed message comes back.
pub const MAX_RETRY_DELAY: u32 = 15 * 60;

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub jobs: usize,
    /// Seconds a received message stays invisible, renewed while its object is in progress.
    pub visibility_timeout: u32,
    /// Seconds a receive waits for messages (0 to 20).
    pub wait_seconds: u32,
    /// Seconds before a failed message comes back (doubled at each receive).
    pub retry_after: u32,
    /// Time objects in flight get to finish once asked to stop.
    pub stop_timeout: Duration,
    pub summary_every: Duration,
    pub until_empty: bool,
}

/// Why the queue cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("{operation} failed for queue {queue}: {detail}")]
    Sqs {
        operation: &'static str,
        queue: String,
        detail: String,
    },
    #[error("cannot listen for SIGTERM: {0}")]
    Signal(std::io::Error),
}

/// A queue, through an SQS client.
#[derive(Debug, Clone)]
pub struct Queue {
    client: Client,
    url: String,
}

/// What the queue says of itself at start.
#[derive(Debug, Clone, Default)]
pub struct Described {
    /// `maxReceiveCount` and the dead-letter queue's ARN, when the queue has a redrive policy.
    pub redrive: Option<(u64, String)>,
    pub visibility_timeout: Option<u32>,
}

/// An SDK error in a few words: the SQS code and message, or the chain of causes.
fn sqs_error<E, R>(
    operation: &'static str,
    queue: &str,
) -> impl FnOnce(SdkError<E, R>) -> QueueError + use<E, R>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let queue = queue.to_owned();
    move |e| {
        let detail = match e.code() {
            Some(code) => format!("{code}: {}", e.message().unwrap_or("")),
            None => {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    text.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                text
            }
        };
        QueueError::Sqs {
            operation,
            queue,
            detail: detail
                .chars()
                .filter(|c| !c.is_control())
                .take(300)
                .collect(),
        }
    }
}

impl Queue {
    pub fn new(client: Client, url: String) -> Queue {
        Queue { client, url }
    }

    /// The queue's redrive policy and visibility timeout (also: the queue exists and can
    /// be read with these credentials).
    pub async fn describe(&self) -> Result<Described, QueueError> {
        let out = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::RedrivePolicy)
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .send()
            .await
            .map_err(sqs_error("GetQueueAttributes", &self.url))?;
        let attributes = out.attributes();
        let get = |name: QueueAttributeName| attributes.and_then(|a| a.get(&name));
        let redrive = get(QueueAttributeName::RedrivePolicy)
            .and_then(|p| serde_json::from_str::<Value>(p).ok())
            .and_then(|p| {
                let count = match &p["maxReceiveCount"] {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                }?;
                Some((count, p["deadLetterTargetArn"].as_str()?.to_owned()))
            });
        Ok(Described {
            redrive,
            visibility_timeout: get(QueueAttributeName::VisibilityTimeout)
                .and_then(|v| v.parse().ok()),
        })
    }

    /// Whether the queue holds no message at all: none waiting, none received and not yet
    /// deleted (by this worker or another: such a message may come back), none delayed.
    async fn is_empty(&self) -> Result<bool, QueueError> {
        let out = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
            .send()
            .await
            .map_err(sqs_error("GetQueueAttributes", &self.url))?;
        Ok(out
            .attributes()
            .is_none_or(|a| a.values().all(|n| n.trim() == "0")))
    }

    async fn receive(
        &self,
        max: usize,
        wait_seconds: u32,
        visibility: u32,
    ) -> Result<Vec<Message>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(i32::try_from(max.clamp(1, 10)).unwrap_or(10))
            .wait_time_seconds(i32::try_from(wait_seconds).unwrap_or(20))
            .visibility_timeout(i32::try_from(visibility).unwrap_or(i32::MAX))
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(sqs_error("ReceiveMessage", &self.url))?;
        Ok(out.messages.unwrap_or_default())
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .send()
            .await
            .map(|_| ())
            .map_err(sqs_error("DeleteMessage", &self.url))
    }

    async fn set_visibility(&self, receipt: &str, seconds: u32) -> Result<(), QueueError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .visibility_timeout(i32::try_from(seconds).unwrap_or(i32::MAX))
            .send()
            .await
            .map(|_| ())
            .map_err(sqs_error("ChangeMessageVisibility", &self.url))
    }
}

/// Seconds before a message that failed its `receive`-th time comes back.
pub fn retry_delay(retry_after: u32, receive: u32) -> u32 {
    let doublings = receive.saturating_sub(1).min(16);
    retry_after
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_DELAY)
}

/// Receives and processes messages until stopped (or, with `until_empty`, until the queue
/// is empty).
pub async fn run(
    worker: Arc<Worker>,
    queue: Queue,
    settings: Settings,
    give_up: watch::Sender<bool>,
) -> Result<(), QueueError> {
    let mut term = signal(SignalKind::terminate()).map_err(QueueError::Signal)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(QueueError::Signal)?;
    let slots = Arc::new(Semaphore::new(settings.jobs));
    let mut tasks = JoinSet::new();
    let summaries = {
        let (records, slots, every, jobs) = (
            Arc::clone(&worker.records),
            Arc::clone(&slots),
            settings.summary_every,
            settings.jobs,
        );
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                records.summary(jobs - slots.available_permits(), false);
            }
        })
    };
    let mut failures = 0u32;
    let reason = 'receiving: loop {
        while tasks.try_join_next().is_some() {}
        if slots.available_permits() == 0 {
            tokio::select! {
                _ = tasks.join_next() => continue,
                _ = term.recv() => break 'receiving "SIGTERM",
                _ = interrupt.recv() => break 'receiving "SIGINT",
            }
        }
        let free = slots.available_permits();
        let received = tokio::select! {
            r = queue.receive(free, settings.wait_seconds, settings.visibility_timeout) => r,
            _ = term.recv() => break 'receiving "SIGTERM",
            _ = interrupt.recv() => break 'receiving "SIGINT",
        };
        let messages = match received {
            Ok(m) => {
                failures = 0;
                m
            }
            Err(e) => {
                failures += 1;
                let pause = Duration::from_secs(1 << failures.min(5));
                event(&worker, "queue error", &e.to_string(), pause.as_secs());
                tokio::select! {
                    () = tokio::time::sleep(pause) => continue,
                    _ = term.recv() => break 'receiving "SIGTERM",
                    _ = interrupt.recv() => break 'receiving "SIGINT",
                }
            }
        };
        if messages.is_empty() {
            if settings.until_empty && tasks.is_empty() && queue.is_empty().await.unwrap_or(false) {
                break 'receiving "the queue is empty";
            }
            continue;
        }
        for message in messages {
            let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                // Cannot happen (never more received than free slots): back to the queue.
                if let Some(r) = message.receipt_handle() {
                    let _ = queue.set_visibility(r, 0).await;
                }
                continue;
            };
            let (worker, queue, settings) = (Arc::clone(&worker), queue.clone(), settings.clone());
            tasks.spawn(async move {
                handle(&worker, &queue, &settings, message).await;
                drop(slot);
            });
        }
    };
    event(&worker, "stopping", reason, settings.stop_timeout.as_secs());
    let deadline = tokio::time::sleep(settings.stop_timeout);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            joined = tasks.join_next() => if joined.is_none() { break },
            () = &mut deadline => {
                // What is left is given up: the source streams fail, the uploads are
                // aborted, the messages released.
                let _ = give_up.send(true);
                while tasks.join_next().await.is_some() {}
                break;
            }
        }
    }
    summaries.abort();
    worker.records.summary(0, true);
    Ok(())
}

/// A line about the worker itself (not an object): stopping, queue errors.
fn event(worker: &Worker, what: &str, detail: &str, seconds: u64) {
    let mut f = Map::new();
    f.insert("event".into(), what.into());
    f.insert("detail".into(), detail.into());
    f.insert("seconds".into(), seconds.into());
    worker.records.line("worker", f);
}

/// One message: its objects, then deleted, or made visible again later (or at once).
async fn handle(worker: &Worker, queue: &Queue, settings: &Settings, message: Message) {
    let Some(receipt) = message.receipt_handle().map(str::to_owned) else {
        return;
    };
    let receive: u32 = message
        .attributes()
        .and_then(|a: &HashMap<MessageSystemAttributeName, String>| {
            a.get(&MessageSystemAttributeName::ApproximateReceiveCount)
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let mut fields = Map::new();
    fields.insert(
        "message".into(),
        message.message_id().unwrap_or_default().into(),
    );
    fields.insert("receive".into(), receive.into());
    // Kept invisible while its objects are in progress.
    let keeper = {
        let (queue, receipt) = (queue.clone(), receipt.clone());
        let timeout = settings.visibility_timeout.max(2);
        tokio::spawn(async move {
            let every = Duration::from_secs(u64::from(timeout / 2));
            loop {
                tokio::time::sleep(every).await;
                let _ = queue.set_visibility(&receipt, timeout).await;
            }
        })
    };
    let step = worker
        .message(message.body().unwrap_or_default(), &fields)
        .await;
    keeper.abort();
    let after = match step {
        s if s.is_final() => queue.delete(&receipt).await,
        Step::Abandoned => queue.set_visibility(&receipt, 0).await,
        _ => {
            queue
                .set_visibility(&receipt, retry_delay(settings.retry_after, receive))
                .await
        }
    };
    if let Err(e) = after {
        // The message comes back when its visibility ends: its object is confirmed then.
        let mut f = fields;
        f.insert("warning".into(), e.to_string().into());
        worker.records.line("queue", f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_messages_come_back_later_each_time() {
        assert_eq!(retry_delay(30, 1), 30);
        assert_eq!(retry_delay(30, 2), 60);
        assert_eq!(retry_delay(30, 4), 240);
        assert_eq!(retry_delay(30, 100), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(0, 5), 0);
    }
}
