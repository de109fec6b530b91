//! A real AWS API on 127.0.0.1 (SQS for the worker tests, Secrets Manager and KMS for the
//! key vault's): moto's server (`moto_server`, PyPI `moto[server]`, pinned
//! in `native/tests/requirements-moto.txt` and installed by `.ci/setup.sh`). One server per
//! test binary, started on first use; it stops when the test process ends (however it ends:
//! the shell that runs it waits on a pipe that closes with the process).
//!
//! [`Sqs`] sets queues up as a deployment would (a queue with a redrive policy to its
//! dead-letter queue) and sends S3 event notifications as S3 does, through the AWS SDK for
//! Rust (the crates watt uses), with moto's test credentials.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sqs::types::QueueAttributeName;

/// The server: its port, and the pipe whose closing stops it.
pub struct Moto {
    pub port: u16,
    _lifeline: ChildStdin,
    _shell: Child,
}

/// The test binary's moto server, started on first use.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        // `cat` returns when the test process is gone and its end of the pipe closes.
        let script = "command -v moto_server >/dev/null || { echo 'moto_server: not found'; exit 127; }
moto_server -H 127.0.0.1 -p 0 2>&1 &
pid=$!
cat >/dev/null
kill $pid";
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh starts");
        let stdin = child.stdin.take().expect("a pipe");
        let stdout = child.stdout.take().expect("a pipe");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Reads moto's log to its end (a full pipe would stop the server).
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(port) = line
                        .split("http://127.0.0.1:")
                        .nth(1)
                        .and_then(|p| p.trim().parse::<u16>().ok())
                    {
                        let _ = tx.send(Ok(port));
                        sent = true;
                    } else if line.contains("not found") || line.contains("Error") {
                        let _ = tx.send(Err(line));
                        sent = true;
                    }
                }
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(port)) => port,
            other => panic!(
                "moto_server did not start ({other:?}): install it with \
                 python3 -m pip install -r native/tests/requirements-moto.txt (bash .ci/setup.sh does)"
            ),
        };
        Moto {
            port,
            _lifeline: stdin,
            _shell: child,
        }
    })
}

/// A queue and its dead-letter queue.
#[derive(Debug, Clone)]
pub struct Queues {
    pub url: String,
    pub dlq_url: String,
}

/// A client of the test SQS.
pub struct Sqs {
    pub rt: tokio::runtime::Runtime,
    pub client: Client,
}

impl Sqs {
    pub fn new() -> Sqs {
        let endpoint = format!("http://127.0.0.1:{}", moto().port);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let config = aws_sdk_sqs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .build();
        Sqs {
            rt,
            client: Client::from_conf(config),
        }
    }

    /// `name` with a dead-letter queue `name-dlq` that takes a message after
    /// `max_receives` receives.
    pub fn queues(&self, name: &str, max_receives: u32) -> Queues {
        self.rt.block_on(async {
            let dlq_url = self
                .client
                .create_queue()
                .queue_name(format!("{name}-dlq"))
                .send()
                .await
                .expect("create the dead-letter queue")
                .queue_url
                .expect("its url");
            let dlq_arn = self
                .client
                .get_queue_attributes()
                .queue_url(&dlq_url)
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await
                .expect("its attributes")
                .attributes
                .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
                .expect("its ARN");
            let policy = serde_json::json!({
                "deadLetterTargetArn": dlq_arn,
                "maxReceiveCount": max_receives.to_string(),
            })
            .to_string();
            let url = self
                .client
                .create_queue()
                .queue_name(name)
                .attributes(QueueAttributeName::RedrivePolicy, policy)
                .attributes(QueueAttributeName::VisibilityTimeout, "30")
                .send()
                .await
                .expect("create the queue")
                .queue_url
                .expect("its url");
            Queues { url, dlq_url }
        })
    }

    pub fn send(&self, url: &str, body: &str) {
        self.rt
            .block_on(
                self.client
                    .send_message()
                    .queue_url(url)
                    .message_body(body)
                    .send(),
            )
            .expect("send a message");
    }

    /// Sends many messages, ten per request.
    pub fn send_all(&self, url: &str, bodies: &[String]) {
        use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
        self.rt.block_on(async {
            for (n, chunk) in bodies.chunks(10).enumerate() {
                let entries = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, body)| {
                        SendMessageBatchRequestEntry::builder()
                            .id(format!("m{n}-{i}"))
                            .message_body(body)
                            .build()
                            .expect("an entry")
                    })
                    .collect();
                let out = self
                    .client
                    .send_message_batch()
                    .queue_url(url)
                    .set_entries(Some(entries))
                    .send()
                    .await
                    .expect("send messages");
                assert!(out.failed().is_empty(), "{:?}", out.failed());
            }
        });
    }

    /// Messages waiting, and messages received and not yet deleted.
    pub fn counts(&self, url: &str) -> (u64, u64) {
        self.rt.block_on(async {
            let out = self
                .client
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
                .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
                .send()
                .await
                .expect("the queue's attributes");
            let get = |n: QueueAttributeName| {
                out.attributes()
                    .and_then(|a| a.get(&n))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            };
            (
                get(QueueAttributeName::ApproximateNumberOfMessages),
                get(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
            )
        })
    }

    /// The bodies of the messages waiting in a queue (received, then made visible again).
    pub fn bodies(&self, url: &str) -> Vec<String> {
        self.rt.block_on(async {
            let out = self
                .client
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .visibility_timeout(0)
                .send()
                .await
                .expect("receive");
            out.messages()
                .iter()
                .filter_map(|m| m.body().map(str::to_owned))
                .collect()
        })
    }
}
