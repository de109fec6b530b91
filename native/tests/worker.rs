//! `watt worker` against a real queue and a real store on 127.0.0.1: SQS from moto's server
//! (`support/moto.rs`) and S3 from SeaweedFS (`support/seaweedfs.rs`). Each test puts the
//! producers' files in a landing bucket with the AWS SDK, publishes the S3 event JSON as S3
//! would (directly, through SNS, through EventBridge), runs the real binary, and checks
//! what ended up in the lake, byte for byte, what is left on the queues, and what the
//! worker said (its JSON-lines records).

mod common;
#[path = "support/moto.rs"]
mod moto;
#[path = "support/s3_events.rs"]
mod s3_events;
mod support;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Workdir;
use moto::{Queues, Sqs};
use s3_events::Put;
use serde_json::Value;
use support::energy_csv;
use support::seaweedfs::{ACCESS_KEY, S3, SECRET_KEY, weed};

/// The pseudonymisation key of the tests.
const KEY: &str = "watt-worker-tests-key-6c1e9a7f3b5d2048c1d2e3f4a5b6c7d8";

/// Longest a worker may run in a test before it is taken for hung (a guard, not a measure).
const GUARD: Duration = Duration::from_secs(600);

/// What watt must write for `input`: the core's minimisation under [`KEY`].
fn minimised(input: &[u8]) -> Vec<u8> {
    common::minimised_energy(input, KEY)
}

fn sample() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../data/samples/sample_energy_consumption.csv"),
    )
    .expect("the sample")
}

/// A landing bucket, a lake bucket and a queue with its dead-letter queue, for one test.
struct Lane {
    s3: S3,
    sqs: Sqs,
    landing: String,
    lake: String,
    queues: Queues,
    dir: Workdir,
}

fn lane(versioned_landing: bool, max_receives: u32) -> Lane {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let name = format!("w{}-{n}", std::process::id());
    let s3 = S3::admin();
    let (landing, lake) = (format!("landing-{name}"), format!("lake-{name}"));
    s3.bucket(&landing, versioned_landing, false);
    s3.bucket(&lake, false, false);
    let sqs = Sqs::new();
    let queues = sqs.queues(&format!("events-{name}"), max_receives);
    Lane {
        s3,
        sqs,
        landing,
        lake,
        queues,
        dir: Workdir::new(),
    }
}

impl Lane {
    fn put(&self, key: &str, bytes: &[u8]) -> Put {
        s3_events::put(&self.s3, &self.landing, key, bytes)
    }

    fn s3_event(&self, put: &Put, time: &str) -> String {
        s3_events::s3_event(&self.landing, put, time)
    }

    fn sns_event(&self, put: &Put, time: &str) -> String {
        s3_events::sns_event(&self.landing, put, time)
    }

    fn eventbridge_event(&self, put: &Put, time: &str) -> String {
        s3_events::eventbridge_event(&self.landing, put, time)
    }

    fn publish(&self, body: &str) {
        self.sqs.send(&self.queues.url, body);
    }

    /// `watt worker` on this lane, stopping once the queue is empty; `extra` after.
    fn worker(&self, extra: &[&str]) -> Command {
        let mut cmd = support::watt_in(&self.dir.path("."), None);
        cmd.arg("worker")
            .args([
                "--queue",
                &self.queues.url,
                "--bucket",
                &self.lake,
                "--endpoint-url",
                &weed().endpoint,
                "--prefix",
                "raw",
                "--quarantine-prefix",
                "quarantine",
                "--landing-prefix",
                "in",
                "--wait-seconds",
                "1",
                "--retry-after",
                "0",
                "--summary-every",
                "1",
                "--until-empty",
            ])
            .args(extra)
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("WATT_PSEUDONYM_KEY", KEY)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn lake_keys(&self, prefix: &str) -> Vec<String> {
        self.s3.keys(&self.lake, prefix)
    }

    /// Multipart uploads in progress in the lake bucket: (key, upload id).
    fn uploads(&self) -> Vec<(String, String)> {
        self.s3
            .rt
            .block_on(
                self.s3
                    .client
                    .list_multipart_uploads()
                    .bucket(&self.lake)
                    .send(),
            )
            .expect("list the uploads")
            .uploads()
            .iter()
            .map(|u| {
                (
                    u.key().unwrap_or_default().to_owned(),
                    u.upload_id().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

/// A finished worker: its exit code, its records, its standard error.
struct Ran {
    code: i32,
    records: Vec<Value>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn count(&self, record: &str) -> usize {
        self.records
            .iter()
            .filter(|r| r["record"] == record)
            .count()
    }

    fn of(&self, record: &str) -> Vec<&Value> {
        self.records
            .iter()
            .filter(|r| r["record"] == record)
            .collect()
    }
}

/// A worker running, its standard output and error read as they come (a pipe left unread
/// fills up and stops the worker).
struct Running {
    child: Child,
    out: std::thread::JoinHandle<String>,
    err: std::thread::JoinHandle<String>,
}

fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

fn start(cmd: &mut Command) -> Running {
    let mut child = cmd.spawn().expect("the worker starts");
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    Running { child, out, err }
}

/// Waits for a worker to end (killed if it outlives [`GUARD`]).
fn finish(running: Running) -> Ran {
    finish_within(running, GUARD)
}

/// Waits for a worker to end (killed if it outlives `guard`).
fn finish_within(mut running: Running, guard: Duration) -> Ran {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = running.child.try_wait().expect("the worker") {
            break status;
        }
        if started.elapsed() > guard {
            let _ = running.child.kill();
            let _ = running.child.wait();
            let out = running.out.join().unwrap_or_default();
            let tail: Vec<&str> = out.lines().rev().take(30).collect();
            panic!("the worker did not stop; its last lines: {tail:#?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = running.out.join().expect("stdout");
    let stderr = running.err.join().expect("stderr");
    let records = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a JSON line: {e}: {l}")))
        .collect();
    Ran {
        code: status.code().unwrap_or(-1),
        records,
        stdout,
        stderr,
    }
}

fn run(cmd: &mut Command) -> Ran {
    finish(start(cmd))
}

/// The manifest of an object of the lake.
fn manifest(lane: &Lane, key: &str) -> Value {
    serde_json::from_slice(&lane.s3.get(&lane.lake, &format!("{key}.manifest.json")))
        .expect("a JSON manifest")
}

/// Objects (not manifests) under a prefix.
fn objects(keys: &[String]) -> Vec<&String> {
    keys.iter().filter(|k| k.ends_with(".csv")).collect()
}

#[test]
fn duplicates_and_out_of_order_events_give_one_object_per_source() {
    let lane = lane(false, 5);
    let a_bytes = sample();
    let b_bytes = energy_csv(300, false);
    let a = lane.put("in/enedis/export jean.dupont@example.com.csv", &a_bytes);
    let b = lane.put("in/grdf/b.csv", &b_bytes);
    // c is overwritten: its first event comes last, for content that is gone.
    let c_old = lane.put("in/c.csv", &energy_csv(10, false));
    let c_bytes = energy_csv(20, false);
    let c = lane.put("in/c.csv", &c_bytes);
    let (t1, t2, t3, t4) = (
        "2024-03-05T07:08:09.120Z",
        "2024-03-05T07:08:10.000Z",
        "2024-03-05T07:09:00.000Z",
        "2024-03-05T07:10:00.000Z",
    );
    for body in [
        lane.s3_event(&a, t1),
        lane.sns_event(&a, t1),
        lane.s3_event(&b, t2),
        lane.eventbridge_event(&b, t2),
        lane.s3_event(&c, t4),
        lane.s3_event(&a, t1),
        lane.s3_event(&c_old, t3),
        r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-03-05T07:00:00.000Z","Bucket":"landing","RequestId":"R","HostId":"H"}"#.to_owned(),
        lane.s3_event(
            &Put {
                key: "elsewhere/x.csv".into(),
                ..b.clone()
            },
            t2,
        ),
    ] {
        lane.publish(&body);
    }
    let ran = run(&mut lane.worker(&["--jobs", "3"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let keys = lane.lake_keys("raw/");
    let stored = objects(&keys);
    assert_eq!(stored.len(), 3, "one object per source: {keys:?}");
    assert_eq!(keys.len(), 6, "each with its manifest: {keys:?}");
    // Each object is the minimised source, under a key derived from the event.
    for (put, bytes, time) in [(&a, &a_bytes, t1), (&b, &b_bytes, t2), (&c, &c_bytes, t4)] {
        let m = stored
            .iter()
            .map(|k| (k, manifest(&lane, k)))
            .find(|(_, m)| m["origin"]["etag"] == put.etag.as_str())
            .unwrap_or_else(|| panic!("an object for {}", put.key));
        assert_eq!(lane.s3.get(&lane.lake, m.0), minimised(bytes));
        let day = &time[..10].replace('-', "/");
        assert!(m.0.starts_with(&format!("raw/{day}/")), "{}", m.0);
        assert!(
            m.0.ends_with(&format!(
                "_{}_{}.csv",
                m.1["runId"].as_str().unwrap(),
                time[11..19].replace(':', "")
            )),
            "{}",
            m.0
        );
        assert_eq!(m.1["origin"]["bucket"], lane.landing.as_str());
        assert_eq!(m.1["origin"]["eventTime"], time);
        assert_eq!(m.1["verification"]["checksumConfirmed"], true);
    }
    // The key holds no personal item of the producer's file name.
    assert!(keys.iter().all(|k| !k.contains("dupont")), "{keys:?}");
    assert!(
        keys.iter().any(|k| k.contains("/export_email_")),
        "{keys:?}"
    );
    assert_eq!(ran.count("stored"), 3, "{}", ran.stdout);
    assert_eq!(ran.count("confirmed"), 3, "{}", ran.stdout);
    assert_eq!(ran.count("superseded"), 1, "{}", ran.stdout);
    assert_eq!(ran.count("ignored"), 2, "{}", ran.stdout);
    assert_eq!(ran.count("received"), 9);
    for r in ran.of("confirmed") {
        assert_eq!(r["duplicate"], true, "{r}");
    }
    assert!(!ran.stdout.contains("dupont"), "{}", ran.stdout);
    let summary = ran.of("summary");
    let last = summary.last().expect("a last summary");
    assert_eq!(last["final"], true);
    assert_eq!(last["totals"]["stored"], 3);
    assert_eq!(last["totals"]["received"], 9);
    // Every message was deleted; none went to the dead-letter queue.
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
    assert_eq!(lane.sqs.counts(&lane.queues.dlq_url), (0, 0));
    assert!(lane.uploads().is_empty());

    // Delivered again later (a redelivery after the work was done): confirmed, nothing new.
    lane.publish(&lane.s3_event(&a, t1));
    lane.publish(&lane.eventbridge_event(&c, t4));
    let again = run(&mut lane.worker(&[]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(lane.lake_keys("raw/"), keys);
    assert_eq!(again.count("confirmed"), 2, "{}", again.stdout);
    assert_eq!(again.count("stored"), 0);
}

#[test]
fn an_invalid_object_is_quarantined_with_its_report_and_moved_aside() {
    let lane = lane(false, 5);
    let bad = energy_csv(50, true);
    let put = lane.put("in/erdf/bad.csv", &bad);
    let time = "2024-04-01T10:00:00.000Z";
    lane.publish(&lane.s3_event(&put, time));
    // An event for an object deleted since: nothing to do.
    let gone = Put {
        key: "in/never-there.csv".into(),
        ..put.clone()
    };
    lane.publish(&lane.s3_event(&gone, time));
    let ran = run(&mut lane.worker(&["--move-invalid-to", "rejected"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        lane.lake_keys("raw/").is_empty(),
        "nothing invalid is stored"
    );
    let reports = lane.lake_keys("quarantine/");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].starts_with("quarantine/2024/04/01/bad_"));
    assert!(reports[0].ends_with("_100000.report.json"), "{reports:?}");
    let bytes = lane.s3.get(&lane.lake, &reports[0]);
    let report: Value = serde_json::from_slice(&bytes).expect("a JSON report");
    assert_eq!(report["summary"]["valid"], false);
    assert_eq!(report["origin"]["etag"], put.etag.as_str());
    assert_eq!(report["source"]["bytes"], bad.len());
    assert!(report["report"]["findingsTotal"].as_u64().unwrap_or(0) >= 1);
    // The producer's object moved aside, byte for byte.
    assert!(lane.s3.keys(&lane.landing, "in/").is_empty());
    assert_eq!(lane.s3.get(&lane.landing, "rejected/in/erdf/bad.csv"), bad);
    assert_eq!(ran.count("quarantined"), 1, "{}", ran.stdout);
    assert_eq!(ran.count("gone"), 1, "{}", ran.stdout);
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
    // No personal value of the file in the report or the records.
    let text = String::from_utf8_lossy(&bytes);
    for planted in [
        "client1@example.com",
        "Client 1,",
        "rue de la Paix",
        "06 12 34",
    ] {
        assert!(!text.contains(planted), "{planted} in the report");
        assert!(!ran.stdout.contains(planted), "{planted} in the records");
        assert!(!ran.stderr.contains(planted), "{planted} on stderr");
    }
    // Delivered again: the report is found, nothing is written twice.
    lane.publish(&lane.s3_event(&put, time));
    let again = run(&mut lane.worker(&["--move-invalid-to", "rejected"]));
    assert_eq!(again.count("quarantined"), 1, "{}", again.stdout);
    assert_eq!(again.of("quarantined")[0]["duplicate"], true);
    assert_eq!(lane.lake_keys("quarantine/"), reports);
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
}

#[test]
fn a_versioned_landing_bucket_pins_each_event_to_its_version() {
    let lane = lane(true, 5);
    let (one, two) = (energy_csv(10, false), energy_csv(30, false));
    let v1 = lane.put("in/meter.csv", &one);
    let v2 = lane.put("in/meter.csv", &two);
    assert!(v1.version.is_some() && v1.version != v2.version);
    // Out of order: the newer version's event first.
    lane.publish(&lane.s3_event(&v2, "2024-05-01T00:00:02.000Z"));
    lane.publish(&lane.s3_event(&v1, "2024-05-01T00:00:01.000Z"));
    let ran = run(&mut lane.worker(&[]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let keys = lane.lake_keys("raw/");
    let stored = objects(&keys);
    assert_eq!(stored.len(), 2, "one object per version: {keys:?}");
    for (put, bytes) in [(&v1, &one), (&v2, &two)] {
        let key = stored
            .iter()
            .find(|k| manifest(&lane, k)["origin"]["versionId"] == put.version.as_deref().unwrap())
            .expect("the version's object");
        assert_eq!(lane.s3.get(&lane.lake, key), minimised(bytes));
    }
}

#[test]
fn a_poison_message_goes_to_the_dead_letter_queue_after_its_receives() {
    let lane = lane(false, 2);
    let poison = "not an S3 event: jean.dupont@example.com";
    lane.publish(poison);
    let ran = run(&mut lane.worker(&[]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.count("retried"), 2, "{}", ran.stdout);
    assert_eq!(ran.count("received"), 2);
    for r in ran.of("retried") {
        assert!(
            r["error"].as_str().unwrap_or("").contains("not JSON"),
            "{r}"
        );
    }
    assert!(!ran.stdout.contains("dupont"), "{}", ran.stdout);
    let started = &ran.of("worker")[0];
    assert_eq!(started["deadLetterQueue"]["maxReceiveCount"], 2);
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
    assert_eq!(
        lane.sqs.bodies(&lane.queues.dlq_url),
        vec![poison.to_owned()]
    );
}

/// A file whose minimised output takes several 5 MiB parts.
fn large() -> Vec<u8> {
    energy_csv(150_000, false)
}

/// The `n`-th of several large files, each its own content.
fn large_n(n: usize) -> Vec<u8> {
    energy_csv(150_000 + n, false)
}

/// Waits until the lake has a multipart upload in progress (a worker is mid-file).
fn wait_for_upload(lane: &Lane, running: &mut Running) {
    let started = Instant::now();
    while lane.uploads().is_empty() {
        if let Some(status) = running.child.try_wait().expect("the worker") {
            panic!("the worker ended ({status}) before it was mid-file");
        }
        assert!(started.elapsed() < GUARD, "no upload started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(running: &Running, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &running.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[test]
fn two_workers_racing_on_the_same_object_one_writes_the_other_confirms() {
    let lane = lane(false, 5);
    let bytes = large();
    let put = lane.put("in/big.csv", &bytes);
    let event = lane.s3_event(&put, "2024-06-01T12:00:00.000Z");
    // S3 sent the event twice: two messages, one for each worker.
    lane.publish(&event);
    lane.publish(&event);
    let args = ["--jobs", "1", "--part-size", "5"];
    let first = start(&mut lane.worker(&args));
    let second = start(&mut lane.worker(&args));
    let (a, b) = (finish(first), finish(second));
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    for ran in [&a, &b] {
        assert_eq!(
            ran.count("stored") + ran.count("confirmed"),
            1,
            "each worker took one message: {}",
            ran.stdout
        );
    }
    assert_eq!(
        a.count("stored") + b.count("stored"),
        1,
        "{}{}",
        a.stdout,
        b.stdout
    );
    assert_eq!(a.count("confirmed") + b.count("confirmed"), 1);
    let keys = lane.lake_keys("raw/");
    let stored = objects(&keys);
    assert_eq!((stored.len(), keys.len()), (1, 2), "{keys:?}");
    assert_eq!(lane.s3.get(&lane.lake, stored[0]), minimised(&bytes));
    assert!(
        manifest(&lane, stored[0])["object"]["parts"]
            .as_u64()
            .unwrap_or(0)
            > 1
    );
    assert_eq!(lane.uploads(), vec![], "no upload left");
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
}

#[test]
fn a_worker_killed_mid_file_leaves_no_orphan_upload_once_its_message_comes_back() {
    let lane = lane(false, 5);
    let bytes = large();
    let put = lane.put("in/big.csv", &bytes);
    lane.publish(&lane.s3_event(&put, "2024-06-02T12:00:00.000Z"));
    let mut first = start(&mut lane.worker(&["--part-size", "5", "--visibility-timeout", "2"]));
    wait_for_upload(&lane, &mut first);
    signal(&first, "KILL");
    let killed = finish(first);
    assert_eq!(killed.count("stored"), 0);
    let orphans = lane.uploads();
    assert_eq!(orphans.len(), 1, "the killed worker's upload is left");
    // Its message comes back once its visibility ends, to the next worker.
    let ran = run(&mut lane.worker(&["--part-size", "5"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.count("stored"), 1, "{}", ran.stdout);
    assert_eq!(ran.of("stored")[0]["abortedUploads"], 1, "{}", ran.stdout);
    assert!(ran.of("received")[0]["receive"].as_u64() >= Some(2));
    let keys = lane.lake_keys("raw/");
    let stored = objects(&keys);
    assert_eq!((stored.len(), keys.len()), (1, 2), "{keys:?}");
    assert_eq!(lane.s3.get(&lane.lake, stored[0]), minimised(&bytes));
    assert_eq!(lane.uploads(), vec![], "no orphan upload");
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
}

#[test]
fn sigterm_lets_the_object_in_flight_finish() {
    let lane = lane(false, 5);
    let bytes = large();
    let put = lane.put("in/big.csv", &bytes);
    lane.publish(&lane.s3_event(&put, "2024-06-03T12:00:00.000Z"));
    let mut child = start(&mut lane.worker(&["--part-size", "5", "--stop-timeout", "600"]));
    wait_for_upload(&lane, &mut child);
    signal(&child, "TERM");
    let ran = finish(child);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let stopping = ran
        .of("worker")
        .into_iter()
        .find(|r| r["event"] == "stopping")
        .expect("a stopping line");
    assert_eq!(stopping["detail"], "SIGTERM");
    assert_eq!(ran.count("stored"), 1, "{}", ran.stdout);
    assert_eq!(ran.records.last().expect("lines")["final"], true);
    let keys = lane.lake_keys("raw/");
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(lane.uploads(), vec![]);
    assert_eq!(lane.sqs.counts(&lane.queues.url), (0, 0));
}

#[test]
fn sigterm_past_the_stop_timeout_gives_the_object_up_cleanly() {
    let lane = lane(false, 5);
    let bytes = large();
    let put = lane.put("in/big.csv", &bytes);
    lane.publish(&lane.s3_event(&put, "2024-06-04T12:00:00.000Z"));
    let mut child = start(&mut lane.worker(&["--part-size", "5", "--stop-timeout", "0"]));
    wait_for_upload(&lane, &mut child);
    signal(&child, "TERM");
    let ran = finish(child);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.count("abandoned"), 1, "{}", ran.stdout);
    assert_eq!(ran.count("stored"), 0);
    // Nothing half-written: no object, no upload; the message is back on the queue.
    assert_eq!(lane.lake_keys("raw/"), Vec::<String>::new());
    assert_eq!(lane.uploads(), vec![], "the upload was aborted");
    assert_eq!(lane.sqs.counts(&lane.queues.url), (1, 0));
    // The next worker takes it.
    let next = run(&mut lane.worker(&["--part-size", "5"]));
    assert_eq!(next.count("stored"), 1, "{}", next.stdout);
    assert_eq!(lane.lake_keys("raw/").len(), 2);
}

/// The load-and-fault run of the issue, in full: 2 000 files. moto's queue is the slow part
/// (each request scans the queue), so it takes about forty minutes on two cores: run it
/// with `cargo test -p watt --test worker -- --ignored load_and_fault_two --nocapture`; the
/// counts of a run are in bench/results/worker-load.txt. CI runs the same with 300 files.
#[test]
#[ignore = "about forty minutes on two cores; run with --ignored"]
fn load_and_fault_two_thousand_files_three_workers_one_killed() {
    load_and_fault(2_000);
}

#[test]
fn load_and_fault_three_hundred_files_three_workers_one_killed() {
    load_and_fault(300);
}

/// The load-and-fault run: `files` files from 20 producers (a tenth invalid, four large
/// enough for multipart uploads), every event delivered twice and out of order, three
/// workers, one of them killed (SIGKILL) mid-file and started again. Afterwards: exactly
/// one object with its manifest per valid file, byte for byte; one report per invalid
/// file; no upload left; no message left; no personal value in what the workers said. The
/// counts are printed (`-- --nocapture` shows them).
fn load_and_fault(files: usize) {
    const PRODUCERS: usize = 20;
    const LARGE: usize = 4;
    let lane = lane(false, 10);
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    let mut events = Vec::new();
    let mut events_of_large = Vec::new();
    for i in 0..files {
        let producer = i % PRODUCERS;
        let broken = i % 10 == 7;
        let bytes = if i < LARGE {
            large_n(i)
        } else {
            energy_csv(5 + (i * 7) % 60, broken)
        };
        // Some producers put personal data in their file names.
        let name = if producer == 3 {
            format!("in/producer-{producer:02}/releve jean.dupont{i}@example.com.csv")
        } else {
            format!("in/producer-{producer:02}/export-{i:05}.csv")
        };
        let put = lane.put(&name, &bytes);
        let time = format!(
            "2024-08-{:02}T{:02}:{:02}:00.000Z",
            1 + i % 28,
            i % 24,
            i % 60
        );
        let event = if i % 3 == 0 {
            lane.eventbridge_event(&put, &time)
        } else {
            lane.s3_event(&put, &time)
        };
        if i < LARGE {
            events_of_large.push(event.clone());
        }
        events.push(event.clone());
        events.push(event);
        if broken && i >= LARGE {
            invalid.push(put);
        } else {
            valid.push((put, bytes));
        }
    }
    // Out of order: the two copies of each event scattered (a fixed shuffle).
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for i in (1..events.len()).rev() {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        events.swap(i, (seed >> 33) as usize % (i + 1));
    }
    // A third copy of the large files' events goes first: the first worker takes them
    // alone, and is killed once its uploads are under way.
    let first: Vec<String> = (0..LARGE).map(|i| events_of_large[i].clone()).collect();
    lane.sqs.send_all(&lane.queues.url, &first);
    lane.sqs.send_all(&lane.queues.url, &events);
    let args = [
        "--jobs",
        "4",
        "--part-size",
        "5",
        "--visibility-timeout",
        "6",
    ];
    let begin = |_| start(&mut lane.worker(&args));
    let mut victim = begin(0);
    wait_for_upload(&lane, &mut victim);
    signal(&victim, "KILL");
    let killed = finish(victim);
    let orphans = lane.uploads().len();
    assert!(orphans >= 1, "the killed worker left its uploads");
    assert!(killed.count("received") >= 1);
    let others: Vec<Running> = (1..3).map(begin).collect();
    let restarted = begin(3);
    // A guard for the whole run: its length grows with the files.
    let guard = Duration::from_secs(600 + 2 * files as u64);
    let mut runs = vec![killed];
    runs.extend(others.into_iter().map(|r| finish_within(r, guard)));
    runs.push(finish_within(restarted, guard));
    for r in &runs[1..] {
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let total = |record: &str| runs.iter().map(|r| r.count(record)).sum::<usize>();

    let keys = lane.lake_keys("raw/");
    let stored: Vec<&String> = objects(&keys);
    let manifests: Vec<&String> = keys
        .iter()
        .filter(|k| k.ends_with(".manifest.json"))
        .collect();
    let without_manifest = stored
        .iter()
        .filter(|k| !keys.contains(&format!("{k}.manifest.json")))
        .count();
    let reports = lane.lake_keys("quarantine/");
    // One object per valid source, and it is that source, minimised.
    // A source is its key and content: several producers send files of equal bytes.
    let source = |put: &Put| {
        use sha2::Digest as _;
        let key = data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(put.key.as_bytes()));
        (key, put.etag.clone())
    };
    let mut by_source = std::collections::HashMap::new();
    let mut object_of = std::collections::HashMap::new();
    for key in &stored {
        let m = manifest(&lane, key);
        let origin = (
            m["origin"]["keySha256"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            m["origin"]["etag"].as_str().unwrap_or_default().to_owned(),
        );
        *by_source.entry(origin.clone()).or_insert(0) += 1;
        object_of.insert(origin, (*key).clone());
    }
    let mut wrong_bytes = 0;
    for (put, bytes) in valid.iter().step_by(97) {
        let key = object_of.get(&source(put)).expect("the file's object");
        if lane.s3.get(&lane.lake, key) != minimised(bytes) {
            wrong_bytes += 1;
        }
    }
    let sources_once = valid
        .iter()
        .filter(|(p, _)| by_source.get(&source(p)) == Some(&1))
        .count();
    let uploads = lane.uploads();
    let queue = lane.sqs.counts(&lane.queues.url);
    let dlq = lane.sqs.counts(&lane.queues.dlq_url);
    let said: String = runs
        .iter()
        .map(|r| format!("{}{}", r.stdout, r.stderr))
        .collect();
    let personal = [
        "dupont",
        "@example.com",
        "Client 1",
        "rue de la Paix",
        "06 12 34",
    ]
    .iter()
    .filter(|p| said.contains(**p))
    .count();
    println!(
        "load and fault: {files} files from {PRODUCERS} producers ({} valid, {} invalid, {LARGE} multipart), {} messages (every event twice, the large files' three times), 3 workers, one killed with SIGKILL mid-file and started again",
        valid.len(),
        invalid.len(),
        events.len() + LARGE
    );
    println!(
        "records: received {}, stored {}, confirmed {}, quarantined {}, retried {}, abandoned {}",
        total("received"),
        total("stored"),
        total("confirmed"),
        total("quarantined"),
        total("retried"),
        total("abandoned")
    );
    println!(
        "lake: {} objects, {} manifests, valid sources with exactly one object {sources_once}/{}, objects without manifest {without_manifest}, quarantine reports {}/{}, sampled objects with other bytes {wrong_bytes}",
        stored.len(),
        manifests.len(),
        valid.len(),
        reports.len(),
        invalid.len()
    );
    println!(
        "the killed worker left {orphans} uploads; left at the end: orphan uploads {}, queue {queue:?}, dead-letter queue {dlq:?}, personal values in the workers' output {personal}",
        uploads.len()
    );
    assert_eq!(stored.len(), valid.len());
    assert_eq!(sources_once, valid.len());
    assert_eq!(without_manifest, 0);
    assert_eq!(manifests.len(), valid.len());
    assert_eq!(reports.len(), invalid.len());
    assert_eq!(wrong_bytes, 0);
    assert_eq!(uploads, vec![], "no orphan upload");
    assert_eq!((queue, dlq), ((0, 0), (0, 0)));
    assert_eq!(personal, 0);
}
