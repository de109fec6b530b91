//! No personal value and no secret ever leaves `watt ingest` through a side channel: runs
//! on a file full of planted personal values and credentials — stored, invalid, refused by
//! the store, dry, into the local lake — and every log, manifest, journal entry, stdout and
//! stderr of them is searched for each planted value.

mod common;
mod support;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::Ordering;

use common::Workdir;
use support::{S3Server, SECRET_KEY};

const KEY: &str = "privacy-test-pseudonym-key-77c0ffee5ca1ab1e0ddba11d15ea5e";

/// Personal values planted in the file, and where.
const PLANTED: &[&str] = &[
    "Zéphyrine Quatremare",
    "Quatremare",
    "zephyrine.quatremare@example.org",
    "06 71 82 93 04",
    "0671829304",
    "17 impasse des Quatremares",
    "Bourg-Saint-Zéphyr",
    "31415926535897",
    "C7654321",
    "FR7630004000031234567890143",
    "2 84 05 75 123 456 72",
    "Me Hortensius",
    "hortensius.avocat@example.net",
];

/// Credential-shaped strings planted in comments.
const PLANTED_SECRETS: &[&str] = &[
    "AKIAQUATREMARE7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYQUATREMAREKEY",
];

fn rows(kwh_of_second_row: &str) -> String {
    format!(
        "prm,customer_id,full_name,email,phone,address,postcode,city,timestamp,kwh,contract_type,comment\n\
         31415926535897,C7654321,Zéphyrine Quatremare,zephyrine.quatremare@example.org,06 71 82 93 04,17 impasse des Quatremares,31000,Bourg-Saint-Zéphyr,2024-01-15T18:00:00+01:00,0.5,BASE,\"Mme Quatremare joignable au 0671829304, IBAN FR7630004000031234567890143, NIR 2 84 05 75 123 456 72\"\n\
         31415926535897,C7654321,Zéphyrine Quatremare,zephyrine.quatremare@example.org,06 71 82 93 04,17 impasse des Quatremares,31000,Bourg-Saint-Zéphyr,2024-01-15T19:00:00+01:00,{kwh_of_second_row},BASE,\"écrire à Me Hortensius hortensius.avocat@example.net; clé AKIAQUATREMARE7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYQUATREMAREKEY\"\n"
    )
}

/// `watt ingest ARGS` with the test credentials and key, nothing of this machine's setup.
fn watt(w: &Workdir, args: &[&str]) -> Command {
    let mut cmd = support::watt_ingest(&w.path("."), None);
    support::test_credentials(cmd.args(args)).env("WATT_PSEUDONYM_KEY", KEY);
    cmd
}

/// Every log, journal entry and manifest under `dirs`, as text.
fn side_files(dirs: &[&Path]) -> Vec<(String, String)> {
    dirs.iter()
        .flat_map(|d| support::files_under(d))
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".log") || name.ends_with(".json")
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a text file");
            (p.display().to_string(), text)
        })
        .collect()
}

fn assert_clean(what: &str, text: &str) {
    for value in PLANTED.iter().chain(PLANTED_SECRETS) {
        assert!(
            !text.contains(value),
            "{what} contains planted value {value:?}:\n{text}"
        );
    }
    for secret in [SECRET_KEY, KEY] {
        assert!(!text.contains(secret), "{what} contains a secret:\n{text}");
    }
}

#[test]
fn no_planted_value_or_secret_in_any_log_manifest_or_message() {
    let w = Workdir::new();
    w.write("valid.csv", rows("0.7"));
    w.write("invalid.csv", rows("zephyrine.quatremare@example.org"));
    let mut server = S3Server::start(&w.path("store"));
    let endpoint = server.endpoint.clone();
    let s3 = |extra: &[&str]| {
        let mut args = vec!["--bucket", "lake", "--endpoint-url", endpoint.as_str()];
        args.extend_from_slice(extra);
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let mut outputs = Vec::new();
    let mut codes = Vec::new();
    let mut go = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, text) = support::run_text(&mut watt(&w, &args));
        codes.push(code);
        outputs.push(text);
    };
    go(s3(&["valid.csv"]));
    go(s3(&["invalid.csv"]));
    go(s3(&["valid.csv", "--dry-run"]));
    go(vec!["valid.csv".into(), "invalid.csv".into()]);
    server.faults.corrupt_puts.store(true, Ordering::SeqCst);
    go(s3(&["valid.csv"]));
    server.stop();
    go(s3(&["valid.csv", "--max-attempts", "1"]));
    assert_eq!(codes, [0, 1, 0, 1, 3, 3], "{outputs:#?}");

    for (i, text) in outputs.iter().enumerate() {
        assert_clean(&format!("the output of run {i}"), text);
    }
    let files = side_files(&[&w.path("logs"), &w.path("store"), &w.path("datalake")]);
    let manifests = files
        .iter()
        .filter(|(p, _)| p.ends_with(".manifest.json"))
        .count();
    let logs = files.iter().filter(|(p, _)| p.ends_with(".log")).count();
    assert_eq!(manifests, 2, "one in S3, one in the local lake");
    assert_eq!(logs, 6, "one log per run");
    for (path, text) in &files {
        assert_clean(path, text);
    }

    // The stored objects keep none of the planted personal values either (the credential-
    // shaped strings are not personal data: redaction does not look for them).
    let objects: Vec<_> = support::files_under(&w.path("store/lake"))
        .into_iter()
        .chain(support::files_under(&w.path("datalake")))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    // (The run whose body was damaged on the way may leave its refused copy in s3s-fs.)
    assert!(objects.len() >= 2, "{objects:?}");
    for object in objects {
        let text = std::fs::read_to_string(&object).unwrap();
        for value in PLANTED {
            assert!(
                !text.contains(value),
                "{} keeps {value:?}:\n{text}",
                object.display()
            );
        }
    }
}

/// A `.env` that points a setting at the key (`DATA_LAKE_PREFIX=${WATT_PSEUDONYM_KEY}`)
/// gets the text it wrote, not the key: `.env` values are never expanded. Before, the key
/// became the prefix of every object key, and was written in the run log and the manifest.
#[test]
fn a_dotenv_reference_to_the_key_is_not_expanded() {
    for reference in ["${WATT_PSEUDONYM_KEY}", "raw/$WATT_PSEUDONYM_KEY"] {
        let w = Workdir::new();
        w.write("valid.csv", rows("0.7"));
        w.write(
            ".env",
            format!("WATT_PSEUDONYM_KEY={KEY}\nDATA_LAKE_PREFIX={reference}\n"),
        );
        let (code, text) =
            support::run_text(watt(&w, &["valid.csv"]).env_remove("WATT_PSEUDONYM_KEY"));
        assert_eq!(code, 2, "{reference}: {text}");
        assert!(text.contains("watt: error: prefix"), "{reference}: {text}");
        assert_clean(reference, &text);
        let written = support::files_under(&w.path(""));
        for path in &written {
            assert!(
                !path.to_string_lossy().contains(KEY),
                "{reference}: {}",
                path.display()
            );
        }
        for (path, text) in side_files(&[&w.path("")]) {
            assert_clean(&path, &text);
        }
    }
}

/// A plain-http endpoint is never reached through a proxy: with `HTTP_PROXY` set, the bytes
/// would leave this machine in clear even though the endpoint is a loopback address. The
/// "proxy" here is a listener on 127.0.0.1 that counts connections and drops them.
#[test]
fn a_plain_http_endpoint_is_never_reached_through_a_proxy() {
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    let proxy = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    proxy.set_nonblocking(true).expect("non-blocking");
    let proxy_url = format!("http://{}", proxy.local_addr().expect("an address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let counter = {
        let (connections, stop) = (Arc::clone(&connections), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match proxy.accept() {
                    Ok((stream, _)) => {
                        connections.fetch_add(1, Ordering::SeqCst);
                        drop(stream);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        })
    };

    let w = Workdir::new();
    w.write("valid.csv", rows("0.7"));
    let server = S3Server::start(&w.path("store"));
    let mut cmd = watt(
        &w,
        &[
            "valid.csv",
            "--bucket",
            "lake",
            "--endpoint-url",
            &server.endpoint,
            "--max-attempts",
            "1",
        ],
    );
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env(var, &proxy_url);
    }
    for var in ["NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"] {
        cmd.env_remove(var);
    }
    let (code, text) = support::run_text(&mut cmd);
    stop.store(true, Ordering::SeqCst);
    counter.join().expect("the counting thread");
    assert_eq!(connections.load(Ordering::SeqCst), 0, "{text}");
    assert_eq!(code, 0, "{text}");
    assert_eq!(server.keys().len(), 2, "the object and its manifest");
    let log = side_files(&[&w.path("logs")])
        .into_iter()
        .map(|(_, text)| text)
        .collect::<String>();
    assert!(log.contains("never (plain-http endpoint)"), "{log}");
}
