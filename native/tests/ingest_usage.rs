//! `watt ingest` says what is wrong with its settings before it reads or writes anything
//! (exit 2), without showing secrets or personal data, and tells store failures in a few
//! words rather than the SDK's debug dump.

mod common;
mod support;

use std::process::Command;

use common::Workdir;
use support::S3Server;

const KEY: &str = "ingest usage test pseudonym key, not a secret, 0123456789abcdef";

/// `watt ingest ARGS` with the test credentials and key, nothing of this machine's setup.
fn watt(w: &Workdir, args: &[&str]) -> Command {
    let mut cmd = support::watt_ingest(&w.path("."), None);
    support::test_credentials(cmd.args(args)).env("WATT_PSEUDONYM_KEY", KEY);
    cmd
}

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.write("data.csv", support::energy_csv(3, false));
    w
}

/// A prefix whose keys would pass S3's 1024 bytes is refused at start: before, the run
/// failed at PutObject with exit 3 and the SDK's dump on stderr and in the log.
#[test]
fn a_prefix_too_long_for_s3_keys_is_refused_before_anything_is_written() {
    let w = workdir();
    let server = S3Server::start(&w.path("store"));
    let prefix = "segment/".repeat(120);
    let (code, text) = support::run_text(&mut watt(
        &w,
        &[
            "data.csv",
            "--bucket",
            "lake",
            "--endpoint-url",
            &server.endpoint,
            "--prefix",
            &prefix,
        ],
    ));
    assert_eq!(code, 2, "{text}");
    assert_eq!(
        text,
        "watt: error: prefix: 959 bytes is too long: object keys under it would reach 1085 bytes, over S3's limit of 1024; a prefix may have at most 898 bytes\n"
    );
    assert!(server.faults.seen().is_empty(), "no request sent");
    assert!(!w.path("logs").exists(), "no run started");
}

/// Credentials in an endpoint URL are refused without being shown: before, the error
/// printed the URL, password included.
#[test]
fn credentials_in_the_endpoint_are_refused_without_being_shown() {
    let w = workdir();
    // Built from parts: a URL with a password written out is what secret scanners look for.
    let with = |scheme: &str, password: &str, rest: &str| {
        format!(
            "{scheme}://{}@127.0.0.1:9{rest}",
            ["user", password].join(":")
        )
    };
    for (endpoint, extra) in [
        (with("http", "S3CRET-pw", "/"), &[][..]),
        (with("http", "S3CRET-pw", "/"), &["--allow-insecure-http"]),
        (with("https", "S3CRET-pw", ""), &[]),
        (with("http", "S3CRET/pw", ""), &[]),
    ] {
        let mut args = vec!["data.csv", "--bucket", "lake", "--endpoint-url", &endpoint];
        args.extend_from_slice(extra);
        let (code, text) = support::run_text(&mut watt(&w, &args));
        assert_eq!(code, 2, "{endpoint}: {text}");
        assert!(!text.contains("S3CRET"), "{text}");
        assert!(
            text.contains("credentials do not belong in the endpoint URL"),
            "{text}"
        );
        assert!(text.contains("***@127.0.0.1:9"), "{text}");
        // Given in the environment, the same.
        let (code, text) = support::run_text(
            watt(&w, &["data.csv", "--bucket", "lake"])
                .env("AWS_ENDPOINT_URL", &endpoint)
                .args(extra),
        );
        assert_eq!(code, 2, "{endpoint}: {text}");
        assert!(!text.contains("S3CRET"), "{text}");
    }
}

/// A prefix holding personal data is refused, naming the kind and not the value, as source
/// names are cleaned of it: object keys are read by whoever lists the bucket.
#[test]
fn a_prefix_holding_personal_data_is_refused_by_kind() {
    let w = workdir();
    for (prefix, says) in [
        ("exports/jean.dupont@example.com", "(email)"),
        ("clients/06.71.82.93.04/raw", "(phone)"),
        ("meters/31415926535897", "(prm)"),
        ("batch/123456789012", "a number of more than 8 digits"),
    ] {
        let (code, text) =
            support::run_text(watt(&w, &["data.csv", "--prefix", prefix]).arg("--dry-run"));
        assert_eq!(code, 2, "{prefix}: {text}");
        assert!(text.starts_with("watt: error: prefix: "), "{text}");
        assert!(text.contains(says), "{prefix}: {text}");
        let item = prefix.split('/').nth(1).expect("a second segment");
        assert!(!text.contains(item), "{prefix}: {text}");
        let (code, text) =
            support::run_text(watt(&w, &["data.csv", "--dry-run"]).env("DATA_LAKE_PREFIX", prefix));
        assert_eq!(code, 2, "{prefix}: {text}");
        assert!(!text.contains(item), "{prefix}: {text}");
    }
    assert!(!w.path("datalake").exists() && !w.path("logs").exists());
}

/// A store that cannot be reached is said in one line of a few words, in the summary and
/// in the run log; before, each carried the SDK's debug dump of the error.
#[test]
fn store_failures_are_told_without_the_sdks_debug_dump() {
    let w = workdir();
    let mut server = S3Server::start(&w.path("store"));
    let endpoint = server.endpoint.clone();
    server.stop();
    let (code, text) = support::run_text(&mut watt(
        &w,
        &[
            "data.csv",
            "--bucket",
            "lake",
            "--endpoint-url",
            &endpoint,
            "--max-attempts",
            "1",
        ],
    ));
    assert_eq!(code, 3, "{text}");
    let failed = text
        .lines()
        .find(|l| l.starts_with("failed"))
        .unwrap_or_else(|| panic!("a failed line: {text}"));
    assert!(failed.contains("dispatch failure"), "{failed}");
    let mut logs = String::new();
    for path in support::files_under(&w.path("logs")) {
        logs.push_str(&std::fs::read_to_string(path).expect("a log"));
    }
    for (what, text) in [("stderr", text.as_str()), ("the log", logs.as_str())] {
        for dump in [
            "DispatchFailure {",
            "ConnectorError {",
            "source:",
            "Os { code",
        ] {
            assert!(!text.contains(dump), "{what} holds {dump:?}:\n{text}");
        }
    }
    assert!(failed.len() < 600, "{failed}");
}
