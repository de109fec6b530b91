//! `watt ingest` driven as a user would: the real binary against a real S3 server (s3s-fs)
//! on 127.0.0.1, through the fault-injecting front of `support`, and into the local lake.
//! Every test asserts what ended up in the store, byte for byte, and what was said.

mod common;
mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Workdir;
use serde_json::Value;
use support::{ACCESS_KEY, S3Server, SECRET_KEY, energy_csv};
use watt_core::{PseudonymKey, Schema};

/// The pseudonymisation key of the tests (never a default: watt has none).
const KEY: &str = "watt-ingest-tests-key-3f9a1c7e5b2d4068a1b2c3d4e5f60718";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv")
}

fn schema_text() -> String {
    std::fs::read_to_string(common::energy_schema()).expect("the energy schema")
}

/// What watt must write for `input`: the core's minimisation under [`KEY`].
fn minimised(input: &[u8]) -> Vec<u8> {
    common::minimised_energy(input, KEY)
}

/// `watt ingest` in a work directory with a clean environment: only what the test gives.
fn watt(w: &Workdir, args: &[&str]) -> Command {
    let mut cmd = support::watt_ingest(&w.path("."), None);
    cmd.args(args);
    Command::from_std(cmd)
}

/// `watt ingest` against the server, with the test credentials and key.
fn watt_s3(w: &Workdir, server: &S3Server, args: &[&str]) -> Command {
    let mut cmd = support::watt_ingest(&w.path("."), None);
    server
        .target(&mut cmd)
        .args(args)
        .env("WATT_PSEUDONYM_KEY", KEY);
    Command::from_std(cmd)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("watt runs");
    Run {
        code: out.status.code().expect("an exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// The run log of the only run in `w`, as JSON lines.
fn log_events(w: &Workdir) -> Vec<Value> {
    let logs: Vec<PathBuf> = support::files_under(&w.path("logs"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    assert_eq!(logs.len(), 1, "one log per run: {logs:?}");
    std::fs::read_to_string(&logs[0])
        .expect("the log")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn stages(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["stage"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Checks the key layout and returns (run id, date path).
fn check_key_layout(key: &str, prefix: &str, source: &str) -> String {
    let rest = key
        .strip_prefix(&format!("{prefix}/"))
        .unwrap_or_else(|| panic!("{key} starts with {prefix}/"));
    let parts: Vec<&str> = rest.split('/').collect();
    assert_eq!(parts.len(), 4, "{key}: YYYY/MM/DD/name");
    let today = chrono::Utc::now();
    assert_eq!(parts[0], today.format("%Y").to_string());
    assert_eq!(parts[1].len(), 2);
    assert_eq!(parts[2].len(), 2);
    let name = parts[3]
        .strip_suffix(".csv")
        .unwrap_or_else(|| panic!("{key} ends in .csv"));
    let name = name
        .strip_prefix(&format!("{source}_"))
        .unwrap_or_else(|| panic!("{key}: {source}_<run>_<HHMMSS>"));
    let (run, hms) = name.split_once('_').expect("run_HHMMSS");
    assert_eq!(run.len(), 16);
    assert!(
        run.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert_eq!(hms.len(), 6);
    assert!(hms.chars().all(|c| c.is_ascii_digit()));
    run.to_owned()
}

fn crc64_base64(bytes: &[u8]) -> String {
    let crc = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Nvme, bytes);
    data_encoding::BASE64.encode(&crc.to_be_bytes())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes))
}

#[test]
fn the_sample_lands_in_s3_minimised_with_its_manifest_and_log() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let keys = server.keys();
    assert_eq!(keys.len(), 2, "the object and its manifest: {keys:?}");
    let key = &keys[0];
    let run_id = check_key_layout(key, "watt-about-it/raw", "sample_energy_consumption");
    assert_eq!(keys[1], format!("{key}.manifest.json"));
    let input = std::fs::read(sample()).unwrap();
    let object = server.object(key).unwrap();
    assert_eq!(
        object,
        minimised(&input),
        "the bytes read back are the minimised output"
    );
    assert!(!String::from_utf8_lossy(&object).contains("example.com"));

    let manifest: Value = serde_json::from_slice(&server.object(&keys[1]).unwrap()).unwrap();
    assert_eq!(manifest["manifestVersion"], 1);
    assert_eq!(manifest["runId"], run_id);
    assert_eq!(manifest["tool"]["name"], "watt");
    assert_eq!(manifest["source"]["name"], "sample_energy_consumption");
    assert_eq!(manifest["source"]["sha256"], sha256_hex(&input));
    assert_eq!(manifest["source"]["bytes"], input.len());
    assert_eq!(manifest["object"]["location"], format!("s3://lake/{key}"));
    assert_eq!(manifest["object"]["bucket"], "lake");
    assert_eq!(manifest["object"]["key"], key.as_str());
    assert_eq!(manifest["object"]["bytes"], object.len());
    assert_eq!(manifest["object"]["rows"], 320);
    assert_eq!(manifest["object"]["parts"], 1);
    assert_eq!(
        manifest["object"]["checksum"],
        serde_json::json!({"algorithm": "CRC64NVME", "type": "FULL_OBJECT", "value": crc64_base64(&object)})
    );
    assert_eq!(manifest["object"]["sha256"], sha256_hex(&object));
    assert_eq!(manifest["object"]["encryption"]["requested"], "AES256");
    assert_eq!(manifest["verification"]["storeChecksum"], "matched");
    assert_eq!(manifest["verification"]["head"], "matched");
    assert_eq!(manifest["verification"]["checksumConfirmed"], true);
    let schema = Schema::from_json(&schema_text()).unwrap();
    assert_eq!(manifest["schema"]["sha256"], schema.sha256);
    assert_eq!(manifest["schema"]["name"], "energy_consumption");
    assert_eq!(manifest["schema"]["source"], "bundled");
    let key_id = PseudonymKey::new(KEY.as_bytes()).unwrap().id().to_owned();
    assert_eq!(manifest["keyId"], key_id);
    assert_eq!(manifest["validation"]["valid"], true);
    assert_eq!(manifest["validation"]["rows"], 320);
    assert_eq!(manifest["validation"]["findingsTotal"], 0);
    assert_eq!(manifest["minimisation"]["rowsOut"], 320);
    assert_eq!(manifest["minimisation"]["keyId"], key_id);
    assert_eq!(
        manifest["minimisation"]["columnsOut"],
        serde_json::json!([
            "prm",
            "customer_id",
            "postcode",
            "timestamp",
            "kwh",
            "contract_type",
            "comment"
        ])
    );
    for t in [
        "runStarted",
        "fileStarted",
        "objectWritten",
        "manifestWritten",
    ] {
        assert!(
            manifest["times"][t]
                .as_str()
                .is_some_and(|s| s.ends_with('Z')),
            "{t}"
        );
    }

    // The requests: a create-only PUT with its checksum and SSE-S3, then HEAD, then the
    // manifest, also create-only.
    let seen = server.faults.seen();
    let puts: Vec<_> = seen.iter().filter(|s| s.is_put()).collect();
    assert_eq!(puts.len(), 2);
    for put in &puts {
        assert_eq!(put.header("if-none-match"), Some("*"));
        assert!(put.header("x-amz-checksum-crc64nvme").is_some());
        assert_eq!(put.header("x-amz-server-side-encryption"), Some("AES256"));
    }
    assert_eq!(
        puts[0].header("x-amz-checksum-crc64nvme"),
        Some(crc64_base64(&object).as_str())
    );
    assert!(seen.iter().any(|s| s.method == "HEAD"));

    let events = log_events(&w);
    assert_eq!(
        stages(&events),
        [
            "run_started",
            "config",
            "validation",
            "destination",
            "upload",
            "finished"
        ]
    );
    assert_eq!(events[0]["run_id"], run_id);
    let settings: Value = serde_json::from_str(events[1]["settings"].as_str().unwrap()).unwrap();
    assert_eq!(settings["bucket"]["value"], "lake");
    assert_eq!(settings["bucket"]["from"], "flag");
    assert_eq!(settings["credentials"]["value"], "AWS default chain");
    assert_eq!(events[2]["valid"], true);
    assert_eq!(events[2]["rows"], 320);
    assert_eq!(events[3]["location"], format!("s3://lake/{key}"));
    assert_eq!(events[4]["status"], "stored");
    assert_eq!(events[4]["crc64nvme"], crc64_base64(&object));
    assert_eq!(events[5]["exit_code"], 0);

    assert!(
        r.stderr.contains(&format!(
            "run {run_id}, 1 file to s3://lake/watt-about-it/raw"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("stored            320"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("s3://lake/{key}")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_large_file_goes_in_parts_uploaded_while_it_is_read() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    let input = energy_csv(110_000, false);
    w.write("big.csv", &input);
    let expected = minimised(&input);
    assert!(expected.len() > 10 << 20, "at least three parts of 5 MiB");
    let r = run(&mut watt_s3(
        &w,
        &server,
        &["big.csv", "--part-size", "5", "--parts-in-flight", "2"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let keys = server.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(server.object(&keys[0]).unwrap(), expected);
    let manifest: Value = serde_json::from_slice(&server.object(&keys[1]).unwrap()).unwrap();
    let parts = (expected.len() as u64).div_ceil(5 << 20);
    assert_eq!(manifest["object"]["parts"], parts);
    assert_eq!(manifest["object"]["partSize"], 5 << 20);
    assert_eq!(
        manifest["object"]["checksum"]["value"],
        crc64_base64(&expected)
    );
    // s3s-fs 0.14.1 keeps no checksum for multipart objects: the HEAD checks the size only,
    // and watt says so instead of claiming a verified checksum.
    assert_eq!(
        manifest["verification"]["head"],
        "size matched, no checksum returned"
    );
    assert_eq!(manifest["verification"]["checksumConfirmed"], false);
    assert!(
        r.stderr.contains("did not confirm the CRC-64/NVME"),
        "{}",
        r.stderr
    );

    let seen = server.faults.seen();
    let uploads: Vec<_> = seen.iter().filter(|s| s.is_part()).collect();
    assert_eq!(uploads.len() as u64, parts);
    for p in &uploads {
        assert!(p.header("x-amz-checksum-crc64nvme").is_some());
    }
    let create = seen
        .iter()
        .find(|s| s.method == "POST" && s.query.contains("uploads"))
        .expect("CreateMultipartUpload");
    assert_eq!(create.header("x-amz-checksum-algorithm"), Some("CRC64NVME"));
    assert_eq!(create.header("x-amz-checksum-type"), Some("FULL_OBJECT"));
    assert_eq!(
        create.header("x-amz-server-side-encryption"),
        Some("AES256")
    );
    let complete = seen.iter().find(|s| s.is_complete()).expect("Complete");
    assert_eq!(complete.header("if-none-match"), Some("*"));
    assert_eq!(
        complete.header("x-amz-checksum-crc64nvme"),
        Some(crc64_base64(&expected).as_str())
    );
    assert_eq!(server.pending_uploads(), Vec::<String>::new());
    assert!(
        support::files_under(&w.path("logs/.pending-uploads")).is_empty(),
        "the journal is emptied"
    );
}

#[test]
fn an_invalid_file_leaves_no_object_and_no_upload() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    // Small: refused before anything is sent.
    let small = energy_csv(50, true);
    w.write("small.csv", &small);
    let r = run(&mut watt_s3(&w, &server, &["small.csv"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(server.faults.seen().iter().all(|s| s.method != "PUT"));
    assert!(
        r.stderr
            .contains("small.csv:\ninvalid: 1 finding in 50 data rows"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("below minimum 0"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("invalid data (1 findings): nothing was written"),
        "{}",
        r.stderr
    );

    // Large: parts were sent while reading, then the upload is aborted.
    let big = energy_csv(110_000, true);
    w.write("big.csv", &big);
    let w2 = Workdir::new();
    std::fs::write(w2.path("big.csv"), &big).unwrap();
    let r = run(&mut watt_s3(&w2, &server, &["big.csv", "--part-size", "5"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let seen = server.faults.seen();
    assert!(
        seen.iter().any(|s| s.is_part()),
        "parts went out before the end was read"
    );
    assert!(
        seen.iter()
            .any(|s| s.method == "DELETE" && s.query.contains("uploadId=")),
        "aborted"
    );
    assert!(!seen.iter().any(|s| s.is_complete()));
    assert_eq!(
        server.keys(),
        Vec::<String>::new(),
        "no object, no manifest"
    );
    assert_eq!(
        server.pending_uploads(),
        Vec::<String>::new(),
        "no orphan parts"
    );
    assert!(support::files_under(&w2.path("logs/.pending-uploads")).is_empty());
    let events = log_events(&w2);
    assert!(stages(&events).contains(&"abort".to_owned()), "{events:?}");
}

#[test]
fn an_existing_object_is_never_overwritten() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    server
        .faults
        .rival_writer
        .store(true, std::sync::atomic::Ordering::SeqCst);
    // Single PUT: the rival's object was there first.
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("already exists: watt never overwrites an object"),
        "{}",
        r.stderr
    );
    let keys = server.keys();
    assert_eq!(keys.len(), 1, "no manifest for a refused object: {keys:?}");
    assert_eq!(server.object(&keys[0]).unwrap(), b"rival object\n");

    // Multipart: the rival appears before the Complete; the upload is aborted.
    let w2 = Workdir::new();
    std::fs::write(w2.path("big.csv"), energy_csv(80_000, false)).unwrap();
    let r = run(&mut watt_s3(&w2, &server, &["big.csv", "--part-size", "5"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let big_keys: Vec<String> = server
        .keys()
        .into_iter()
        .filter(|k| k.contains("/big_"))
        .collect();
    assert_eq!(big_keys.len(), 1);
    assert_eq!(server.object(&big_keys[0]).unwrap(), b"rival object\n");
    assert_eq!(server.pending_uploads(), Vec::<String>::new());
}

#[test]
fn a_damaged_body_is_rejected_by_its_checksum() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    server
        .faults
        .corrupt_puts
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("the store rejected the checksum") && r.stderr.contains("BadDigest"),
        "{}",
        r.stderr
    );
    // No manifest vouches for anything. (s3s-fs 0.14.1 stores the body before comparing
    // checksums, so it keeps the damaged copy it refused; AWS S3 and SeaweedFS keep
    // nothing, see scripts/e2e-seaweedfs.sh.)
    let keys = server.keys();
    assert!(
        keys.iter().all(|k| !k.ends_with(".manifest.json")),
        "{keys:?}"
    );
    for k in &keys {
        let expected = minimised(&std::fs::read(sample()).unwrap());
        assert_ne!(
            server.object(k).unwrap(),
            expected,
            "only a damaged copy, refused"
        );
    }
    assert!(log_events(&w).iter().any(|e| e["status"] == "failed"));
}

#[test]
fn transient_503s_are_retried() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    server
        .faults
        .unavailable
        .store(2, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.keys().len(), 2);
    let puts = server.faults.seen().iter().filter(|s| s.is_put()).count();
    assert_eq!(
        puts, 4,
        "the object PUT answered 503 twice, then the object and the manifest"
    );
}

#[test]
fn a_server_dying_mid_upload_leaves_nothing_and_the_next_run_cleans_up() {
    let w = Workdir::new();
    let input = energy_csv(110_000, false);
    w.write("big.csv", &input);
    let mut server = S3Server::start(&w.path("store"));
    server
        .faults
        .die_after_parts
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(
        &w,
        &server,
        &["big.csv", "--part-size", "5", "--max-attempts", "2"],
    ));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("the upload could not be aborted"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the next run will abort it"),
        "{}",
        r.stderr
    );
    server.stop();
    assert_eq!(server.keys(), Vec::<String>::new(), "no object");
    assert!(
        !server.pending_uploads().is_empty(),
        "the dead server kept the first part"
    );
    let journal = support::files_under(&w.path("logs/.pending-uploads"));
    assert_eq!(journal.len(), 1, "{journal:?}");
    let entry: Value = serde_json::from_slice(&std::fs::read(&journal[0]).unwrap()).unwrap();
    assert_eq!(entry["bucket"], "lake");

    // The server comes back (same data, new port); the next run aborts the leftover upload
    // and ingests the file.
    let server = S3Server::start(&w.path("store"));
    let r = run(&mut watt_s3(&w, &server, &["big.csv", "--part-size", "5"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("note: aborted an unfinished upload left by run"),
        "{}",
        r.stderr
    );
    assert_eq!(
        server.pending_uploads(),
        Vec::<String>::new(),
        "no orphan parts"
    );
    assert!(support::files_under(&w.path("logs/.pending-uploads")).is_empty());
    let keys = server.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(server.object(&keys[0]).unwrap(), minimised(&input));
}

#[test]
fn a_run_that_died_creating_an_upload_is_looked_for_by_key() {
    // The journal entry is written before CreateMultipartUpload; a run killed before the
    // store answered leaves it without an upload id. s3s-fs cannot list uploads (like a
    // store where the uploader may not): the next run says the lifecycle rule is the net,
    // clears the entry, and ingests.
    let w = Workdir::new();
    let input = energy_csv(110_000, false);
    w.write("big.csv", &input);
    let mut server = S3Server::start(&w.path("store"));
    server
        .faults
        .die_after_parts
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(
        &w,
        &server,
        &["big.csv", "--part-size", "5", "--max-attempts", "2"],
    ));
    assert_eq!(r.code, 3, "{}", r.stderr);
    server.stop();
    let journal = support::files_under(&w.path("logs/.pending-uploads"));
    assert_eq!(journal.len(), 1, "{journal:?}");
    let mut entry: Value = serde_json::from_slice(&std::fs::read(&journal[0]).unwrap()).unwrap();
    assert!(entry["uploadId"].is_string(), "{entry}");
    entry["uploadId"] = Value::Null;
    std::fs::write(&journal[0], serde_json::to_vec(&entry).unwrap()).unwrap();

    let server = S3Server::start(&w.path("store"));
    let r = run(&mut watt_s3(&w, &server, &["big.csv", "--part-size", "5"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("stopped while creating an upload of s3://lake/")
            && r.stderr
                .contains("AbortIncompleteMultipartUpload lifecycle rule"),
        "{}",
        r.stderr
    );
    assert!(support::files_under(&w.path("logs/.pending-uploads")).is_empty());
    assert_eq!(server.keys().len(), 2, "the object and its manifest");
}

#[test]
fn settings_come_from_flags_then_environment_then_dotenv() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    std::fs::create_dir_all(w.path("store/other")).unwrap();
    w.write(
        ".env",
        format!(
            "DATA_LAKE_BUCKET=other\nDATA_LAKE_PREFIX=dotenv/prefix\nAWS_ENDPOINT_URL={}\nWATT_PSEUDONYM_KEY={KEY}\nAWS_ACCESS_KEY_ID={ACCESS_KEY}\nAWS_SECRET_ACCESS_KEY={SECRET_KEY}\n",
            server.endpoint
        ),
    );
    // .env alone: bucket, prefix, endpoint, credentials and key all from it.
    let r = run(&mut watt(&w, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let other = support::files_under(&w.path("store/other"));
    let other: Vec<_> = other
        .iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(other.len(), 2, "{other:?}");
    assert!(other[0].to_string_lossy().contains("/other/dotenv/prefix/"));
    // The environment beats .env; a flag beats both.
    let r = run(
        watt(&w, &[sample().to_str().unwrap(), "--prefix", "flag/prefix"])
            .env("DATA_LAKE_BUCKET", "lake"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let keys = server.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    check_key_layout(&keys[0], "flag/prefix", "sample_energy_consumption");
    let logs = support::files_under(&w.path("logs"));
    let text: String = logs
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect();
    assert!(
        text.contains(r#"\"bucket\":{\"from\":\"environment\",\"value\":\"lake\"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"\"prefix\":{\"from\":\"flag\",\"value\":\"flag/prefix\"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"\"credentials\":{\"from\":\".env\",\"value\":\"keys from .env\"}"#),
        "{text}"
    );
}

#[test]
fn without_a_bucket_files_go_to_the_local_lake() {
    let w = Workdir::new();
    let input = std::fs::read(sample()).unwrap();
    let r = run(watt(&w, &[sample().to_str().unwrap()]).env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files: Vec<String> = support::files_under(&w.path("datalake"))
        .iter()
        .map(|p| {
            p.strip_prefix(w.path("datalake"))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let mut files = files;
    files.sort();
    check_key_layout(&files[0], "watt-about-it/raw", "sample_energy_consumption");
    let object = std::fs::read(w.path("datalake").join(&files[0])).unwrap();
    assert_eq!(object, minimised(&input));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(w.path("datalake").join(&files[1])).unwrap())
            .unwrap();
    assert_eq!(manifest["object"]["bucket"], Value::Null);
    assert_eq!(manifest["object"]["sha256"], sha256_hex(&object));
    assert_eq!(
        manifest["verification"]["head"], "matched",
        "read back and checked"
    );

    // --lake DIR, a folder of files, several at once; an invalid one sets the exit code.
    std::fs::create_dir_all(w.path("in")).unwrap();
    std::fs::copy(sample(), w.path("in/a.csv")).unwrap();
    std::fs::copy(sample(), w.path("in/b.CSV")).unwrap();
    w.write("in/notes.txt", "not a csv");
    w.write("bad.csv", energy_csv(10, true));
    let r = run(
        watt(&w, &["in", "bad.csv", "--lake", "lake2", "--jobs", "3"])
            .env("WATT_PSEUDONYM_KEY", KEY),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let stored: Vec<_> = support::files_under(&w.path("lake2"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    for p in &stored {
        assert_eq!(std::fs::read(p).unwrap(), minimised(&input));
    }
    let table: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("stored ") || l.starts_with("invalid "))
        .collect();
    assert_eq!(table.len(), 3, "{}", r.stderr);
    assert!(table[0].starts_with("stored") && table[0].contains("in/a.csv -> lake2/"));
    assert!(table[1].starts_with("stored") && table[1].contains("in/b.CSV -> lake2/"));
    assert!(table[2].starts_with("invalid") && table[2].contains("bad.csv"));
    assert!(
        r.stderr.contains("run 0") || r.stderr.contains("3 files to lake2/watt-about-it/raw"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_dry_run_writes_nothing_and_says_where() {
    let w = Workdir::new();
    let server = S3Server::start(&w.path("store"));
    let r = run(&mut watt_s3(
        &w,
        &server,
        &[sample().to_str().unwrap(), "--dry-run"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("(dry run: nothing is written)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("would write s3://lake/watt-about-it/raw/"),
        "{}",
        r.stderr
    );
    assert!(
        server.faults.seen().is_empty(),
        "the store is not contacted"
    );
    assert!(!w.path("datalake").exists());
}

#[test]
fn refusals_exit_2_before_anything_is_read() {
    let w = Workdir::new();
    // No key: there is no default.
    let r = run(&mut watt(&w, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a pseudonymisation key is required for field(s) prm, customer_id; watt has no built-in key"), "{}", r.stderr);
    assert!(r.stderr.contains("WATT_PSEUDONYM_KEY"), "{}", r.stderr);
    // Plain http to another machine.
    let r = run(watt(
        &w,
        &[
            sample().to_str().unwrap(),
            "--bucket",
            "lake",
            "--endpoint-url",
            "http://s3.example.net",
        ],
    )
    .env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("refusing the plain-http endpoint http://s3.example.net"),
        "{}",
        r.stderr
    );
    // No file.
    let r = run(watt(&w, &[]).env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no file to ingest"), "{}", r.stderr);
    assert!(!w.path("datalake").exists() && !w.path("logs").exists());
    // A missing file is reported, others go on.
    let r = run(watt(&w, &["missing.csv"]).env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unreadable"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of 1 files could not be read"),
        "{}",
        r.stderr
    );
}

#[test]
fn names_of_one_run_never_collide_whatever_their_order() {
    // `c1/a.csv c2/a.csv c1/a-2.csv`: the second `a` must not take `a-2`, the third file's
    // own name, in any order.
    let w = Workdir::new();
    for dir in ["c1", "c2"] {
        std::fs::create_dir_all(w.path(dir)).unwrap();
    }
    let input = std::fs::read(sample()).unwrap();
    for f in ["c1/a.csv", "c2/a.csv", "c1/a-2.csv"] {
        w.write(f, &input);
    }
    for (n, order) in [
        ["c1/a.csv", "c2/a.csv", "c1/a-2.csv"],
        ["c1/a-2.csv", "c1/a.csv", "c2/a.csv"],
        ["c1/a.csv", "c1/a-2.csv", "c2/a.csv"],
    ]
    .iter()
    .enumerate()
    {
        let lake = format!("lake{n}");
        let mut args = order.to_vec();
        args.extend(["--lake", &lake]);
        let r = run(watt(&w, &args).env("WATT_PSEUDONYM_KEY", KEY));
        assert_eq!(r.code, 0, "{order:?}: {}", r.stderr);
        let objects: Vec<String> = support::files_under(&w.path(&lake))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let mut stems: Vec<&str> = objects
            .iter()
            .map(|n| n.split('_').next().unwrap())
            .collect();
        stems.sort();
        assert_eq!(stems, ["a", "a-2", "a-3"], "{order:?}: {objects:?}");
        // `c1/a-2.csv` keeps its own name.
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains("c1/a-2.csv ->"))
            .unwrap();
        assert!(
            line.starts_with("stored") && line.contains("/a-2_"),
            "{line}"
        );
    }
}

#[test]
fn file_names_are_shown_escaped_and_without_personal_items() {
    let w = Workdir::new();
    let name = "x\u{1b}[31mred\nline jean.dupont@example.com.csv";
    w.write(name, std::fs::read(sample()).unwrap());
    let bad = "bad\u{1b}]0;title\u{7}.csv";
    w.write(bad, energy_csv(10, true));
    let r = run(watt(&w, &[name, bad]).env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 1, "{}", r.stderr);
    for raw in ['\u{1b}', '\u{7}'] {
        assert!(
            !r.stderr.contains(raw),
            "{raw:?} reached stderr: {}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains("jean.dupont"), "{}", r.stderr);
    assert!(!r.stderr.contains("example.com"), "{}", r.stderr);
    let stored = r
        .stderr
        .lines()
        .find(|l| l.starts_with("stored"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(
        stored.contains(r"x\u{1b}[31mred\nline <email> -> datalake/"),
        "{stored}"
    );
    // (The e-mail detector takes `.csv` for the end of the domain.) The object key is the
    // source name, as before.
    assert!(stored.contains("/x_31mred_line_email_"), "{stored}");
    // The invalid file's findings are headed by its escaped name.
    assert!(
        r.stderr
            .contains("\n\nbad\\u{1b}]0;title\\u{7}.csv:\ninvalid"),
        "{}",
        r.stderr
    );
    let failed = r
        .stderr
        .lines()
        .find(|l| l.starts_with("invalid "))
        .unwrap();
    assert!(
        failed.contains(r"bad\u{1b}]0;title\u{7}.csv -> "),
        "{failed}"
    );
}

/// `watt ingest ARGS` started through `sh -c 'PRELUDE; exec watt ...'` (a umask, a file
/// size limit), with the clean environment of [`watt`].
fn watt_sh(w: &Workdir, prelude: &str, args: &[&str]) -> Command {
    let mut cmd = support::watt_ingest(&w.path("."), Some(prelude));
    cmd.args(args);
    Command::from_std(cmd)
}

#[cfg(unix)]
#[test]
fn a_run_log_that_cannot_be_written_fails_the_run() {
    // A file size limit smaller than the log (dash: 512-byte blocks): the log's writes fail.
    let w = Workdir::new();
    let r = run(watt_sh(
        &w,
        "ulimit -f 1",
        &[sample().to_str().unwrap(), "--dry-run", "--lake", "lk"],
    )
    .env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("watt ingest: error: the run log logs/ingestion_")
            && r.stderr.contains("could not be written")
            && r.stderr.contains("File too large"),
        "{}",
        r.stderr
    );
    // A full disk under the log folder (where mounting is allowed).
    let w = Workdir::new();
    let Some(disk) = support::Tmpfs::mount(&w.path("full"), "64k") else {
        eprintln!("skipped the full-disk half: cannot mount a tmpfs here (not root?)");
        return;
    };
    std::fs::create_dir_all(w.path("full/logs")).unwrap();
    disk.fill();
    let r = run(watt(
        &w,
        &[
            sample().to_str().unwrap(),
            "--dry-run",
            "--log-dir",
            "full/logs",
        ],
    )
    .env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("the run log full/logs/ingestion_")
            && r.stderr.contains("No space left on device"),
        "{}",
        r.stderr
    );
}

/// `watt ingest ARGS` against the server, started in the background (to be killed).
fn spawn_s3(w: &Workdir, server: &S3Server, args: &[&str]) -> std::process::Child {
    let mut cmd = support::watt_ingest(&w.path("."), None);
    server
        .target(&mut cmd)
        .args(args)
        .env("WATT_PSEUDONYM_KEY", KEY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watt starts")
}

/// The events of the run whose id is `run_id`.
fn run_events(w: &Workdir, run_id: &str) -> Vec<Value> {
    std::fs::read_to_string(w.path(&format!("logs/ingestion_{run_id}.log")))
        .expect("the run's log")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The run id a summary names (`watt ingest: run <id>, ...`).
fn run_id_of(stderr: &str) -> String {
    stderr
        .split("watt ingest: run ")
        .nth(1)
        .and_then(|s| s.get(..16))
        .unwrap_or_else(|| panic!("no run id in {stderr}"))
        .to_owned()
}

fn journal_files(w: &Workdir) -> Vec<PathBuf> {
    support::files_under(&w.path("logs/.pending-uploads"))
}

/// Files (not folders) under a folder whose name says they are partial writes.
fn partial_files(dir: &Path) -> Vec<PathBuf> {
    support::files_under(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("partial"))
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn logs_journal_and_local_lake_are_private_whatever_the_umask() {
    let w = Workdir::new();
    let r = run(watt_sh(
        &w,
        "umask 000",
        &[
            sample().to_str().unwrap(),
            "--lake",
            "lk",
            "--log-dir",
            "lg",
        ],
    )
    .env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mode(&w.path("lg")), 0o700, "the log folder");
    assert_eq!(mode(&w.path("lg/.pending-uploads")), 0o700, "the journal");
    let logs = support::files_under(&w.path("lg"));
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(mode(&logs[0]), 0o600, "{}", logs[0].display());
    // lk, watt-about-it, raw, YYYY, MM, DD: every folder watt made.
    let mut dirs = vec![w.path("lk")];
    while let Some(dir) = dirs.last().cloned() {
        let Some(sub) = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.is_dir())
        else {
            break;
        };
        dirs.push(sub);
    }
    assert_eq!(dirs.len(), 6, "{dirs:?}");
    for dir in &dirs {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    let objects = support::files_under(&w.path("lk"));
    assert_eq!(objects.len(), 2, "{objects:?}");
    for o in &objects {
        assert_eq!(mode(o), 0o600, "{}", o.display());
    }

    // A journal entry left behind (the server died mid-upload) is private too.
    let input = energy_csv(80_000, false);
    w.write("big.csv", &input);
    let server = S3Server::start(&w.path("store"));
    server
        .faults
        .die_after_parts
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let mut cmd = watt_sh(
        &w,
        "umask 000",
        &[
            "big.csv",
            "--bucket",
            "lake",
            "--endpoint-url",
            &server.endpoint,
            "--part-size",
            "5",
            "--max-attempts",
            "2",
            "--log-dir",
            "lg3",
        ],
    );
    cmd.env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("WATT_PSEUDONYM_KEY", KEY);
    let r = run(&mut cmd);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let entries = support::files_under(&w.path("lg3/.pending-uploads"));
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(mode(&entries[0]), 0o600);
    assert_eq!(mode(&w.path("lg3/.pending-uploads")), 0o700);
    assert_eq!(mode(&w.path("lg3")), 0o700);
}

#[test]
fn journal_entries_outside_the_prefix_or_not_naming_their_run_are_left_alone() {
    let w = Workdir::new();
    let input = energy_csv(80_000, false);
    w.write("big.csv", &input);
    let mut server = S3Server::start(&w.path("store"));
    server
        .faults
        .die_after_parts
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(
        &w,
        &server,
        &[
            "big.csv",
            "--part-size",
            "5",
            "--max-attempts",
            "2",
            "--prefix",
            "other/place",
        ],
    ));
    assert_eq!(r.code, 3, "{}", r.stderr);
    server.stop();
    let journal = journal_files(&w);
    assert_eq!(journal.len(), 1, "{journal:?}");
    let original = std::fs::read(&journal[0]).unwrap();
    let pending = {
        let server = S3Server::start(&w.path("store"));
        server.pending_uploads()
    };
    assert!(!pending.is_empty(), "the dead server kept a part");

    // A run with another prefix: the entry is not its business.
    let server = S3Server::start(&w.path("store"));
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("left alone: journal entry")
            && r.stderr
                .contains("outside this run's prefix watt-about-it/raw"),
        "{}",
        r.stderr
    );
    assert_eq!(server.pending_uploads(), pending, "not aborted");
    assert_eq!(std::fs::read(&journal[0]).unwrap(), original, "kept as is");
    assert!(
        !server.faults.seen().iter().any(|s| s.method == "DELETE"),
        "nothing aborted"
    );

    // An entry whose key does not name its run (edited, or planted): not acted on either.
    let mut entry: Value = serde_json::from_slice(&original).unwrap();
    entry["runId"] = Value::from("ffffffffffffffff");
    std::fs::write(&journal[0], serde_json::to_vec(&entry).unwrap()).unwrap();
    let r = run(&mut watt_s3(
        &w,
        &server,
        &[sample().to_str().unwrap(), "--prefix", "other/place"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("left alone: journal entry")
            && r.stderr.contains("does not name run ffffffffffffffff"),
        "{}",
        r.stderr
    );
    assert_eq!(server.pending_uploads(), pending, "not aborted");
    assert!(journal[0].exists());

    // Restored, and seen by a run of its prefix: aborted.
    std::fs::write(&journal[0], &original).unwrap();
    let r = run(&mut watt_s3(
        &w,
        &server,
        &[sample().to_str().unwrap(), "--prefix", "other/place"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("note: aborted an unfinished upload left by run"),
        "{}",
        r.stderr
    );
    assert_eq!(server.pending_uploads(), Vec::<String>::new());
    assert!(journal_files(&w).is_empty());
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_fails_cleanly_and_leaves_no_partial_file() {
    // `ulimit -f` (dash counts 512-byte blocks): 2 MiB per file, and the output is larger.
    // The default action of SIGXFSZ kills the process where it stands; watt must instead
    // see the write fail, remove what it wrote and exit 3.
    let w = Workdir::new();
    let input = energy_csv(60_000, false);
    w.write("big.csv", &input);
    let r =
        run(watt_sh(&w, "ulimit -f 4096", &["big.csv", "--lake", "lk"])
            .env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("File too large"), "{}", r.stderr);
    assert_eq!(
        support::files_under(&w.path("lk")),
        Vec::<PathBuf>::new(),
        "no object, no partial file"
    );
    assert!(journal_files(&w).is_empty());
    let text = std::fs::read_to_string(support::files_under(&w.path("logs"))[0].clone()).unwrap();
    assert!(text.contains(r#""status":"failed""#), "{text}");
}

#[test]
fn a_killed_local_ingest_leaves_a_partial_file_the_next_run_removes() {
    let w = Workdir::new();
    let input = energy_csv(200_000, false);
    w.write("big.csv", &input);
    let mut child = support::watt_ingest(&w.path("."), None)
        .args(["big.csv", "--lake", "lk", "--part-size", "5"])
        .env("WATT_PSEUDONYM_KEY", KEY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watt starts");
    // Killed as soon as its partial file has data.
    let partial = loop {
        let found = partial_files(&w.path("lk"))
            .into_iter()
            .find(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0));
        if let Some(p) = found {
            break p;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "watt ended before it wrote anything"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(partial.exists());
    assert_eq!(journal_files(&w).len(), 1, "the write is journaled");

    // The next run (of another file) removes it and says so.
    let r =
        run(watt(&w, &[sample().to_str().unwrap(), "--lake", "lk"]).env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("note: removed the partial file of an unfinished write left by run"),
        "{}",
        r.stderr
    );
    assert_eq!(partial_files(&w.path("lk")), Vec::<PathBuf>::new());
    assert!(journal_files(&w).is_empty());
    let objects: Vec<PathBuf> = support::files_under(&w.path("lk"));
    assert_eq!(objects.len(), 2, "the sample and its manifest: {objects:?}");
}

#[cfg(unix)]
#[test]
fn a_full_disk_fails_with_exit_3_and_leaves_no_debris() {
    let w = Workdir::new();
    let Some(disk) = support::Tmpfs::mount(&w.path("lk"), "1m") else {
        eprintln!("skipped: cannot mount a tmpfs here (not root?)");
        return;
    };
    let input = energy_csv(60_000, false);
    w.write("big.csv", &input);
    let r =
        run(watt(&w, &["big.csv", "--lake", "lk", "--part-size", "5"])
            .env("WATT_PSEUDONYM_KEY", KEY));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert_eq!(support::files_under(&w.path("lk")), Vec::<PathBuf>::new());
    assert!(journal_files(&w).is_empty());
    drop(disk);
}

#[test]
fn a_kill_after_the_complete_leaves_an_object_the_next_run_writes_the_manifest_of() {
    // watt dies right after the store completed the multipart upload, before it heard the
    // answer: a complete object, no manifest.
    let w = Workdir::new();
    let input = energy_csv(80_000, false);
    w.write("big.csv", &input);
    let expected = minimised(&input);
    let server = S3Server::start(&w.path("store"));
    server
        .faults
        .hold_after
        .store(support::Hold::COMPLETE, std::sync::atomic::Ordering::SeqCst);
    let mut child = spawn_s3(&w, &server, &["big.csv", "--part-size", "5"]);
    assert!(
        server.faults.wait_held(&mut child),
        "watt reached the Complete"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let keys = server.keys();
    assert_eq!(keys.len(), 1, "the object only: {keys:?}");
    let key = keys[0].clone();
    assert_eq!(server.object(&key).unwrap(), expected);
    let first_run = key.rsplit('_').nth(1).unwrap().to_owned();

    server
        .faults
        .hold_after
        .store(0, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run_id = run_id_of(&r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "note: wrote the missing manifest of s3://lake/{key}, left by run {first_run} (checked: size matched, no checksum returned)"
        )),
        "{}",
        r.stderr
    );
    let manifest: Value =
        serde_json::from_slice(&server.object(&format!("{key}.manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runId"], first_run.as_str());
    assert_eq!(manifest["source"]["name"], "big");
    assert_eq!(manifest["source"]["sha256"], sha256_hex(&input));
    assert_eq!(manifest["object"]["key"], key.as_str());
    assert_eq!(manifest["object"]["bytes"], expected.len());
    assert_eq!(
        manifest["object"]["checksum"]["value"],
        crc64_base64(&expected)
    );
    assert_eq!(manifest["object"]["sha256"], sha256_hex(&expected));
    assert_eq!(manifest["object"]["parts"], 2);
    assert_eq!(manifest["validation"]["rows"], 80_000);
    assert_eq!(manifest["minimisation"]["rowsOut"], 80_000);
    assert_eq!(manifest["verification"]["recoveredBy"], run_id.as_str());
    assert_eq!(
        manifest["verification"]["head"],
        "size matched, no checksum returned"
    );
    assert_eq!(
        manifest["verification"]["storeChecksum"],
        "not seen (the run stopped first)"
    );
    assert_eq!(server.pending_uploads(), Vec::<String>::new());
    assert!(journal_files(&w).is_empty());
    let events = run_events(&w, &run_id);
    assert!(
        events
            .iter()
            .any(|e| e["stage"] == "journal" && e["recovered"] == "manifest written"),
        "{events:?}"
    );
}

#[test]
fn a_kill_during_the_manifest_put_is_finished_by_the_next_run_even_without_read_access() {
    let w = Workdir::new();
    let input = std::fs::read(sample()).unwrap();
    let expected = minimised(&input);
    let server = S3Server::start(&w.path("store"));
    server.faults.hold_before.store(
        support::Hold::MANIFEST_PUT,
        std::sync::atomic::Ordering::SeqCst,
    );
    let mut child = spawn_s3(&w, &server, &[sample().to_str().unwrap()]);
    assert!(
        server.faults.wait_held(&mut child),
        "watt reached the manifest"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let keys = server.keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key = keys[0].clone();
    // The journal holds the manifest to write: counts and hashes, no value of the file.
    let journal = journal_files(&w);
    assert_eq!(journal.len(), 1, "{journal:?}");
    let entry: Value = serde_json::from_slice(&std::fs::read(&journal[0]).unwrap()).unwrap();
    assert_eq!(entry["state"], "committed");
    assert_eq!(entry["key"], key.as_str());
    assert_eq!(entry["manifest"]["object"]["sha256"], sha256_hex(&expected));
    assert_eq!(
        entry["manifest"]["verification"]["storeChecksum"],
        "matched"
    );
    let text = entry.to_string();
    let source = String::from_utf8_lossy(&input).into_owned();
    for row in source.lines().skip(1).take(50) {
        // prm, customer_id, full_name, email, phone, address
        for cell in row.split(',').take(6).filter(|c| !c.is_empty()) {
            assert!(!text.contains(cell), "{cell:?} in the journal: {text}");
        }
    }

    // The next run may not HEAD (the least-privilege policy): the store's answer to the
    // PutObject, journaled before the kill, stands as the verification.
    server
        .faults
        .hold_before
        .store(0, std::sync::atomic::Ordering::SeqCst);
    server
        .faults
        .forbid_head
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(&w, &server, &[sample().to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "note: wrote the missing manifest of s3://lake/{key}"
        )),
        "{}",
        r.stderr
    );
    let manifest: Value =
        serde_json::from_slice(&server.object(&format!("{key}.manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["object"]["bytes"], expected.len());
    assert_eq!(
        manifest["object"]["checksum"]["value"],
        crc64_base64(&expected)
    );
    assert_eq!(manifest["verification"]["storeChecksum"], "matched");
    assert_eq!(manifest["verification"]["head"], "not permitted");
    assert_eq!(manifest["verification"]["checksumConfirmed"], true);
    assert_eq!(
        manifest["verification"]["recoveredBy"],
        run_id_of(&r.stderr).as_str()
    );
    assert!(journal_files(&w).is_empty());
}

#[test]
fn an_object_the_next_run_cannot_check_is_reported_unverified_until_one_can() {
    // Killed after the store wrote the object, before watt heard it: the store's answer was
    // never seen. A run that may not HEAD cannot tell whether the object is there.
    let w = Workdir::new();
    let input = std::fs::read(sample()).unwrap();
    let server = S3Server::start(&w.path("store"));
    server.faults.hold_after.store(
        support::Hold::OBJECT_PUT,
        std::sync::atomic::Ordering::SeqCst,
    );
    let mut child = spawn_s3(&w, &server, &[sample().to_str().unwrap()]);
    assert!(server.faults.wait_held(&mut child));
    child.kill().unwrap();
    child.wait().unwrap();
    let keys = server.keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key = keys[0].clone();
    server
        .faults
        .hold_after
        .store(0, std::sync::atomic::Ordering::SeqCst);
    server
        .faults
        .forbid_head
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let other = w.write("other.csv", energy_csv(20, false));
    let r = run(&mut watt_s3(&w, &server, &[other.to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "warning: unverified: run {} may have stored s3://lake/{key} without its manifest",
            key.rsplit('_').nth(1).unwrap()
        )),
        "{}",
        r.stderr
    );
    assert!(server.object(&format!("{key}.manifest.json")).is_none());
    assert_eq!(journal_files(&w).len(), 1, "kept for a run that can check");
    let run_id = run_id_of(&r.stderr);
    assert!(
        run_events(&w, &run_id)
            .iter()
            .any(|e| e["stage"] == "journal" && e["recovered"] == "unverified"),
    );

    // A run with read access checks it and writes the manifest.
    server
        .faults
        .forbid_head
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let r = run(&mut watt_s3(&w, &server, &[other.to_str().unwrap()]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "note: wrote the missing manifest of s3://lake/{key}"
        )) && r.stderr.contains("(checked: matched)"),
        "{}",
        r.stderr
    );
    let manifest: Value =
        serde_json::from_slice(&server.object(&format!("{key}.manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["verification"]["head"], "matched");
    assert_eq!(manifest["verification"]["checksumConfirmed"], true);
    assert_eq!(manifest["object"]["sha256"], sha256_hex(&minimised(&input)));
    assert!(journal_files(&w).is_empty());
}
