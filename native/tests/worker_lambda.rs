//! The worker as a Lambda function (`--features lambda`): the real `watt` binary started as
//! `bootstrap` against a Lambda Runtime API on 127.0.0.1 (the few routes of AWS's runtime
//! interface the function uses, served here), and SeaweedFS as the store. The function gets
//! AWS's sample SQS event, then batches of S3 notifications of objects in the landing
//! bucket, one of them failing; each partial-batch response is checked, and what the lake
//! holds afterwards.

#![cfg(feature = "lambda")]

mod common;
// Secrets Manager, where the function reads its key (as deploy/ sets it up).
#[allow(dead_code)] // its SQS helpers are the worker tests'
#[path = "support/moto.rs"]
mod moto;
#[path = "support/s3_events.rs"]
mod s3_events;
mod support;

use std::collections::VecDeque;
use std::io::Read as _;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use support::energy_csv;
use support::seaweedfs::{ACCESS_KEY, S3, SECRET_KEY, weed};

const KEY: &str = "watt-lambda-tests-key-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const GUARD: Duration = Duration::from_secs(600);

/// AWS's sample SQS event for Lambda ("Example Amazon SQS message event (standard queue)").
const SAMPLE: &str = r#"{
    "Records": [
        {
            "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
            "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
            "body": "Test message.",
            "attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1545082649183",
                "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                "ApproximateFirstReceiveTimestamp": "1545082649185"
            },
            "messageAttributes": {},
            "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
            "awsRegion": "us-east-2"
        },
        {
            "messageId": "2e1424d4-f796-459a-8184-9c92662be6da",
            "receiptHandle": "AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq...",
            "body": "Test message.",
            "attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1545082650636",
                "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                "ApproximateFirstReceiveTimestamp": "1545082650649"
            },
            "messageAttributes": {},
            "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
            "awsRegion": "us-east-2"
        }
    ]
}"#;

/// What the runtime interface saw: responses and errors, by request id.
#[derive(Default)]
struct Seen {
    events: VecDeque<(String, String)>,
    responses: Vec<(String, Value)>,
    errors: Vec<String>,
}

/// The Runtime API on 127.0.0.1: hands out the queued events one by one, and never
/// answers `next` once they are all out (the function then waits, as between invocations).
struct RuntimeApi {
    address: String,
    seen: Arc<Mutex<Seen>>,
    _thread: std::thread::JoinHandle<()>,
}

impl RuntimeApi {
    fn start(events: Vec<(String, String)>) -> RuntimeApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("an address").to_string();
        let seen = Arc::new(Mutex::new(Seen {
            events: events.into(),
            ..Seen::default()
        }));
        let shared = Arc::clone(&seen);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
                loop {
                    let Ok((socket, _)) = listener.accept().await else {
                        continue;
                    };
                    let seen = Arc::clone(&shared);
                    tokio::spawn(async move {
                        let service =
                            hyper::service::service_fn(move |req| answer(req, Arc::clone(&seen)));
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(socket), service)
                            .await;
                    });
                }
            });
        });
        RuntimeApi {
            address,
            seen,
            _thread: thread,
        }
    }

    fn answered(&self) -> usize {
        let seen = self.seen.lock().expect("seen");
        seen.responses.len() + seen.errors.len()
    }
}

async fn answer(
    req: Request<Incoming>,
    seen: Arc<Mutex<Seen>>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = req.uri().path().to_owned();
    let body = req.into_body().collect().await?.to_bytes();
    let reply = |status: StatusCode| {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = status;
        r
    };
    if path == "/2018-06-01/runtime/invocation/next" {
        let next = seen.lock().expect("seen").events.pop_front();
        let Some((id, event)) = next else {
            return std::future::pending().await;
        };
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
            + 900_000;
        let r = Response::builder()
            .header("Lambda-Runtime-Aws-Request-Id", id)
            .header("Lambda-Runtime-Deadline-Ms", deadline.to_string())
            .header(
                "Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:us-east-1:123456789012:function:watt",
            )
            .header(
                "Lambda-Runtime-Trace-Id",
                "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
            )
            .body(Full::new(Bytes::from(event)))
            .expect("a response");
        return Ok(r);
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["2018-06-01", "runtime", "invocation", id, "response"] => {
            let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            seen.lock()
                .expect("seen")
                .responses
                .push(((*id).to_owned(), value));
            Ok(reply(StatusCode::ACCEPTED))
        }
        ["2018-06-01", "runtime", "invocation", id, "error"]
        | ["2018-06-01", "runtime", id, "error"] => {
            seen.lock()
                .expect("seen")
                .errors
                .push(format!("{id}: {}", String::from_utf8_lossy(&body)));
            Ok(reply(StatusCode::ACCEPTED))
        }
        _ => Ok(reply(StatusCode::NOT_FOUND)),
    }
}

/// The function: `watt` started as `bootstrap`, as the provided.al2023 runtime does.
fn function(api: &RuntimeApi, dir: &std::path::Path, lake: &str) -> Child {
    let bootstrap = dir.join("bootstrap");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_watt"), &bootstrap).expect("the bootstrap");
    Command::new(&bootstrap)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", &api.address)
        .env("AWS_LAMBDA_FUNCTION_NAME", "watt")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_ENDPOINT_URL", &weed().endpoint)
        .env("DATA_LAKE_BUCKET", lake)
        .env("DATA_LAKE_PREFIX", "raw")
        .env("WATT_LANDING_PREFIX", "in")
        .env("WATT_QUARANTINE_PREFIX", "quarantine")
        // The key from Secrets Manager, as deploy/cloudformation/watt-lambda.yaml gives it:
        // the outputs below are compared with `watt minimise` under KEY.
        .env("WATT_PSEUDONYM_KEY_SECRET_ID", key_secret())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_endpoint())
        .env("WATT_LAMBDA_ARGS", "--part-size 5 --jobs 3")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the function starts")
}

fn moto_endpoint() -> String {
    format!("http://127.0.0.1:{}", moto::moto().port)
}

/// The secret holding KEY in the test's Secrets Manager (created once), by name.
fn key_secret() -> &'static str {
    static NAME: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
        let name = "watt/lambda-pseudonymisation-key";
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async {
            let config = aws_sdk_secretsmanager::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(moto_endpoint())
                .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
                .build();
            aws_sdk_secretsmanager::Client::from_conf(config)
                .create_secret()
                .name(name)
                .secret_string(KEY)
                .send()
                .await
                .expect("CreateSecret");
        });
        name
    })
}

/// An SQS event of these (message id, body) records, in the sample's shape.
fn sqs_event(records: &[(&str, String)]) -> String {
    let sample: Value = serde_json::from_str(SAMPLE).expect("the sample");
    let template = &sample["Records"][0];
    let records: Vec<Value> = records
        .iter()
        .map(|(id, body)| {
            let mut r = template.clone();
            r["messageId"] = (*id).into();
            r["body"] = body.clone().into();
            r
        })
        .collect();
    json!({ "Records": records }).to_string()
}

fn failures(response: &Value) -> Vec<String> {
    let mut ids: Vec<String> = response["batchItemFailures"]
        .as_array()
        .expect("batchItemFailures")
        .iter()
        .map(|f| f["itemIdentifier"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_function_answers_each_batch_with_the_messages_to_retry() {
    let s3 = S3::admin();
    let n = std::process::id();
    let (landing, lake) = (format!("landing-l{n}"), format!("lake-l{n}"));
    s3.bucket(&landing, false, false);
    s3.bucket(&lake, false, false);
    let a = s3_events::put(&s3, &landing, "in/a.csv", &energy_csv(100, false));
    let b = s3_events::put(&s3, &landing, "in/b.csv", &energy_csv(200, false));
    let big = energy_csv(150_000, false);
    let c = s3_events::put(&s3, &landing, "in/c.csv", &big);
    let bad = s3_events::put(&s3, &landing, "in/bad.csv", &energy_csv(40, true));
    let t = "2024-07-01T08:00:00.000Z";
    let ev = |p| s3_events::s3_event(&landing, p, t);
    let batches = vec![
        ("req-sample".to_owned(), SAMPLE.to_owned()),
        (
            "req-two".to_owned(),
            sqs_event(&[("m-a", ev(&a)), ("m-b", ev(&b))]),
        ),
        (
            "req-mixed".to_owned(),
            sqs_event(&[
                ("m-c", ev(&c)),
                ("m-a-again", ev(&a)),
                ("m-bad", ev(&bad)),
                ("m-broken", "{\"Records\": 7}".to_owned()),
            ]),
        ),
    ];
    let api = RuntimeApi::start(batches);
    let dir = tempfile::tempdir().expect("a folder");
    let mut child = function(&api, dir.path(), &lake);
    let started = Instant::now();
    while api.answered() < 3 {
        if let Some(status) = child.try_wait().expect("the function") {
            let mut err = String::new();
            child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("the function stopped ({status}): {err}");
        }
        assert!(started.elapsed() < GUARD, "the function did not answer");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("the records");
    let seen = api.seen.lock().expect("seen");
    assert_eq!(seen.errors, Vec::<String>::new());
    let response = |id: &str| {
        seen.responses
            .iter()
            .find(|(r, _)| r == id)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("a response to {id}"))
    };
    // AWS's sample: its bodies are no S3 notification, so both messages are to retry.
    assert_eq!(
        failures(&response("req-sample")),
        [
            "059f36b4-87a3-44ab-83d2-661975830a7d",
            "2e1424d4-f796-459a-8184-9c92662be6da"
        ]
    );
    assert_eq!(failures(&response("req-two")), Vec::<String>::new());
    // Stored, confirmed, quarantined: done; only the broken body comes back.
    assert_eq!(failures(&response("req-mixed")), ["m-broken"]);
    let keys = s3.keys(&lake, "raw/");
    assert_eq!(keys.len(), 6, "a, b and c with their manifests: {keys:?}");
    assert_eq!(s3.keys(&lake, "quarantine/").len(), 1);
    // Pseudonymised under the key of the secret: each manifest names its fingerprint.
    let key_id = watt_core::PseudonymKey::new(KEY.as_bytes())
        .expect("the test key")
        .id()
        .to_owned();
    let manifests: Vec<&String> = keys
        .iter()
        .filter(|k| k.ends_with(".manifest.json"))
        .collect();
    assert_eq!(manifests.len(), 3, "{keys:?}");
    for m in manifests {
        let manifest: Value = serde_json::from_slice(&s3.get(&lake, m)).expect("a manifest");
        assert_eq!(manifest["keyId"], key_id.as_str(), "{m}");
    }
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let count = |r: &str| records.iter().filter(|x| x["record"] == r).count();
    assert_eq!(count("stored"), 3, "{stdout}");
    assert_eq!(count("confirmed"), 1, "{stdout}");
    assert_eq!(count("quarantined"), 1, "{stdout}");
    assert_eq!(count("retried"), 3, "{stdout}");
    assert!(!stdout.contains("client1@example.com"));
}
