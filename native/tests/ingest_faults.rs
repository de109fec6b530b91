//! Faults and load for `watt ingest`, against s3s-fs on 127.0.0.1 behind the
//! fault-injecting front of `support/`:
//!
//! - a campaign of runs, each hit by a fault drawn at random (seeded, so a failure can be
//!   replayed): the server killed after a random number of parts, `watt` itself killed at a
//!   random moment, or at an exact point of its write (while the store commits the object,
//!   right after it did, before `watt` heard it, and while the manifest is sent), bursts of
//!   503s, a slow store, a damaged body, a rival writer. After each faulty run the server
//!   comes back and a clean run follows. Throughout, every object in the bucket must be a
//!   complete minimised file and no object may ever change; after each clean run no
//!   multipart upload may be left pending, no object may lack its manifest and the journal
//!   must be empty. The campaign prints its tally.
//! - the same for the local lake: `watt` killed at random moments or stopped by a file size
//!   limit; after each clean run no partial file may be left, and no object without its
//!   manifest.
//!
//! `WATT_FAULT_ROUNDS` sets the number of rounds of each campaign (CI: 18 and 12, two of each
//! kind of fault; `bench/faults.sh` runs them at full size), `WATT_FAULT_SEED` the seed.
//! - hundreds of files in one run with bounded concurrency: every one arrives, intact.

mod common;
mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::Workdir;
use support::{Hold, S3Server, energy_csv};

const KEY: &str = "watt-ingest-fault-tests-key-7c1e9a3f5b2d40680a1b2c3d4e5f";

/// What watt must write for `input`: the core's minimisation under [`KEY`].
fn minimised(input: &[u8]) -> Vec<u8> {
    common::minimised_energy(input, KEY)
}

/// `watt ingest ARGS` into the server's bucket, with nothing from this machine's setup.
fn ingest(w: &Workdir, server: &S3Server, args: &[&str]) -> std::process::Command {
    let mut cmd = support::watt_ingest(&w.path("."), None);
    server
        .target(&mut cmd)
        .args(args)
        .env("WATT_PSEUDONYM_KEY", KEY);
    cmd
}

/// A small deterministic generator (SplitMix64), so a failing campaign can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Default)]
struct Tally {
    runs: u32,
    server_kills: u32,
    watt_kills: u32,
    faults_503: u32,
    slow: u32,
    damaged: u32,
    rivals: u32,
    /// watt killed while the store commits the object, right after, and during the
    /// manifest's PUT.
    kills_committing: u32,
    kills_committed: u32,
    kills_manifest: u32,
    objects: usize,
    /// Objects (not a rival's) without their manifest after a clean run.
    without_manifest: usize,
    /// Manifests the clean runs wrote for objects of killed runs.
    recovered_manifests: usize,
    partial: usize,
    overwritten: usize,
    orphans: usize,
    /// Damaged copies s3s-fs wrote to disk before rejecting them (a limit of that test
    /// server, not of watt: SeaweedFS and S3 verify before storing).
    rejected_copies: usize,
}

/// Checks the bucket: every data object is one of the expected complete outputs (or a
/// rival's object the test planted), and no object seen before has changed.
fn audit(
    server: &S3Server,
    expected: &[Vec<u8>],
    seen: &mut BTreeMap<String, Vec<u8>>,
    tally: &mut Tally,
) {
    for key in server.keys() {
        let bytes = server.object(&key).expect("listed object");
        if let Some(before) = seen.get(&key) {
            if *before != bytes {
                tally.overwritten += 1;
            }
            continue;
        }
        let data = key.ends_with(".csv");
        let rival = bytes == b"rival object\n";
        if data && !rival && !expected.contains(&bytes) {
            tally.partial += 1;
        }
        seen.insert(key, bytes);
    }
}

#[test]
fn a_fault_campaign_leaves_no_partial_no_overwritten_object_and_no_orphan_upload() {
    let w = Workdir::new();
    let inputs = [energy_csv(60_000, false), energy_csv(900, false)];
    w.write("big.csv", &inputs[0]);
    w.write("small.csv", &inputs[1]);
    let expected: Vec<Vec<u8>> = inputs.iter().map(|i| minimised(i)).collect();
    assert!(
        expected[0].len() > 6 << 20,
        "the large file needs several 5 MiB parts"
    );

    let seed = std::env::var("WATT_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_124);
    let rounds = rounds(18);
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    let mut seen = BTreeMap::new();
    let store = w.path("store");
    let mut server = S3Server::start(&store);

    for round in 0..rounds {
        let file = if rng.below(3) == 0 {
            "small.csv"
        } else {
            "big.csv"
        };
        let args = [file, "--part-size", "5", "--max-attempts", "3"];
        // Every kind of fault in turn; what it hits and how hard is drawn at random.
        let fault = u64::from(round % 9);
        match fault {
            0 => {
                let parts = 1 + rng.below(2) as u32;
                server.faults.die_after_parts.store(parts, Ordering::SeqCst);
                tally.server_kills += 1;
            }
            1 => {
                server
                    .faults
                    .unavailable
                    .store(1 + rng.below(3) as u32, Ordering::SeqCst);
                tally.faults_503 += 1;
            }
            2 => {
                server
                    .faults
                    .delay_ms
                    .store(20 + rng.below(80) as u32, Ordering::SeqCst);
                tally.slow += 1;
            }
            3 => {
                server.faults.corrupt_puts.store(true, Ordering::SeqCst);
                tally.damaged += 1;
            }
            4 => {
                server.faults.rival_writer.store(true, Ordering::SeqCst);
                tally.rivals += 1;
            }
            5 => tally.watt_kills += 1,
            // The object's commit (PutObject or CompleteMultipartUpload) held before or after
            // the store carried it out, or the manifest's PUT held: watt is killed there.
            6 => {
                let hold = Hold::COMPLETE | Hold::OBJECT_PUT;
                server.faults.hold_before.store(hold, Ordering::SeqCst);
                tally.kills_committing += 1;
            }
            7 => {
                let hold = Hold::COMPLETE | Hold::OBJECT_PUT;
                server.faults.hold_after.store(hold, Ordering::SeqCst);
                tally.kills_committed += 1;
            }
            _ => {
                server
                    .faults
                    .hold_before
                    .store(Hold::MANIFEST_PUT, Ordering::SeqCst);
                tally.kills_manifest += 1;
            }
        }
        tally.runs += 1;
        if fault == 5 {
            // watt itself dies, at a random moment of its run.
            let mut child = ingest(&w, &server, &args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("watt starts");
            std::thread::sleep(Duration::from_millis(100 + rng.below(1500)));
            let _ = child.kill();
            let _ = child.wait();
        } else if fault >= 6 {
            let mut child = ingest(&w, &server, &args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("watt starts");
            assert!(
                server.faults.wait_held(&mut child),
                "round {round} (fault {fault}): watt ended before the held request"
            );
            let _ = child.kill();
            let _ = child.wait();
        } else {
            let out = ingest(&w, &server, &args).output().expect("watt runs");
            let code = out.status.code();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "round {round}: {stderr}");
            assert!(
                matches!(code, Some(0 | 3)),
                "round {round} (fault {fault}): exit {code:?}\n{stderr}"
            );
        }
        if fault == 3 {
            // The damaged body was refused (exit 3 above): s3s-fs may still have written it
            // to disk. It must carry no manifest; it is removed so the audit counts watt's
            // objects only.
            for key in server.keys() {
                let bytes = server.object(&key).expect("listed object");
                if key.ends_with(".csv") && !seen.contains_key(&key) && !expected.contains(&bytes) {
                    assert!(
                        server.object(&format!("{key}.manifest.json")).is_none(),
                        "a manifest for a rejected body"
                    );
                    std::fs::remove_file(server.root.join("lake").join(&key))
                        .expect("remove the rejected copy");
                    tally.rejected_copies += 1;
                }
            }
        }
        audit(&server, &expected, &mut seen, &mut tally);

        // The store comes back whole, the faults are gone, and a clean run follows: it must
        // succeed and clean up whatever the faulty run left.
        server.stop();
        server = S3Server::start(&store);
        tally.runs += 1;
        let out = ingest(&w, &server, &args).output().expect("watt runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "clean run after round {round} (fault {fault}):\n{stderr}"
        );
        audit(&server, &expected, &mut seen, &mut tally);
        tally.orphans += server.pending_uploads().len();
        tally.recovered_manifests += stderr.matches("note: wrote the missing manifest").count();
        for key in server.keys() {
            let rival = server.object(&key).is_some_and(|b| b == b"rival object\n");
            if key.ends_with(".csv")
                && !rival
                && server.object(&format!("{key}.manifest.json")).is_none()
            {
                tally.without_manifest += 1;
                eprintln!("round {round} (fault {fault}): {key} has no manifest\n{stderr}");
            }
        }
        assert!(
            support::files_under(&w.path("logs/.pending-uploads")).is_empty(),
            "round {round}: the journal still holds an upload"
        );
    }
    tally.objects = seen.keys().filter(|k| k.ends_with(".csv")).count();
    println!(
        "fault campaign (seed {seed}): {} runs, {} server kills, {} watt kills at random, {} while committing, {} right after the commit, {} during the manifest PUT, {} 503 bursts, {} slow stores, {} damaged bodies, {} rival writers; {} objects found, {} partial, {} overwritten, {} orphan uploads, {} without manifest ({} manifests written by the next run, {} damaged copies rejected by the store)",
        tally.runs,
        tally.server_kills,
        tally.watt_kills,
        tally.kills_committing,
        tally.kills_committed,
        tally.kills_manifest,
        tally.faults_503,
        tally.slow,
        tally.damaged,
        tally.rivals,
        tally.objects,
        tally.partial,
        tally.overwritten,
        tally.orphans,
        tally.without_manifest,
        tally.recovered_manifests,
        tally.rejected_copies
    );
    assert_eq!(
        (
            tally.partial,
            tally.overwritten,
            tally.orphans,
            tally.without_manifest
        ),
        (0, 0, 0, 0),
        "{tally:?}"
    );
    if rounds >= 9 {
        // Kills after the commit and during the manifest's PUT left objects whose manifests
        // only the next run could write.
        assert!(
            tally.recovered_manifests >= (tally.kills_committed + tally.kills_manifest) as usize,
            "{tally:?}"
        );
    }
    // At least one object per clean run arrived.
    assert!(tally.objects >= rounds as usize, "{tally:?}");
}

/// Rounds of a campaign: `WATT_FAULT_ROUNDS`, else `default`.
fn rounds(default: u32) -> u32 {
    std::env::var("WATT_FAULT_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// `watt ingest ARGS` into the local lake `lk`, through `sh -c 'PRELUDE; exec watt ...'`.
fn ingest_local(w: &Workdir, prelude: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = support::watt_ingest(&w.path("."), Some(prelude));
    cmd.args(["--lake", "lk"])
        .args(args)
        .env("WATT_PSEUDONYM_KEY", KEY);
    cmd
}

#[derive(Debug, Default)]
struct LocalTally {
    runs: u32,
    kills: u32,
    size_limits: u32,
    /// Partial files found after the faulty run (the clean run must remove them).
    partial_after_fault: usize,
    objects: usize,
    partial: usize,
    damaged: usize,
    without_manifest: usize,
    journal_left: usize,
}

#[test]
fn a_local_lake_fault_campaign_leaves_no_partial_file_and_no_object_without_manifest() {
    let w = Workdir::new();
    let inputs = [energy_csv(60_000, false), energy_csv(900, false)];
    w.write("big.csv", &inputs[0]);
    w.write("small.csv", &inputs[1]);
    let expected: Vec<Vec<u8>> = inputs.iter().map(|i| minimised(i)).collect();
    let seed = std::env::var("WATT_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_203);
    let rounds = rounds(12);
    let mut rng = Rng(seed);
    let mut tally = LocalTally::default();
    let lake = w.path("lk");
    for round in 0..rounds {
        // The kills aimed at the partial file take the large file (the small one's lives
        // for too short a time to be aimed at).
        let file = if rng.below(3) == 0 && round % 4 != 2 {
            "small.csv"
        } else {
            "big.csv"
        };
        let args = [file, "--part-size", "5"];
        tally.runs += 1;
        if round % 2 == 0 {
            // Killed at a random moment (before, during or after its writes), or a random
            // moment after its partial file got its first bytes.
            tally.kills += 1;
            let mut child = ingest_local(&w, "true", &args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("watt starts");
            if round % 4 == 2 {
                while partial_files(&lake)
                    .iter()
                    .all(|p| std::fs::metadata(p).map_or(true, |m| m.len() == 0))
                    && matches!(child.try_wait(), Ok(None))
                {
                    std::thread::sleep(Duration::from_millis(2));
                }
                std::thread::sleep(Duration::from_millis(rng.below(20)));
            } else {
                std::thread::sleep(Duration::from_millis(50 + rng.below(1500)));
            }
            let _ = child.kill();
            let _ = child.wait();
        } else {
            // A file size limit somewhere in the output (dash counts 512-byte blocks).
            tally.size_limits += 1;
            let blocks = 1 + rng.below(16_000);
            let out = ingest_local(&w, &format!("ulimit -f {blocks}"), &args)
                .output()
                .expect("watt runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 3)),
                "round {round} (limit {blocks} blocks): {:?}\n{stderr}",
                out.status
            );
            if out.status.code() == Some(3) {
                assert!(stderr.contains("File too large"), "round {round}: {stderr}");
                // What failed left nothing behind, without waiting for the next run.
                assert_eq!(
                    partial_files(&lake),
                    Vec::<std::path::PathBuf>::new(),
                    "round {round}: {stderr}"
                );
            }
        }
        tally.partial_after_fault += partial_files(&lake).len();

        tally.runs += 1;
        let out = ingest_local(&w, "true", &args).output().expect("watt runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "clean run after round {round}:\n{stderr}"
        );
        tally.partial += partial_files(&lake).len();
        tally.journal_left += support::files_under(&w.path("logs/.pending-uploads")).len();
        for path in support::files_under(&lake) {
            let name = path.to_string_lossy().into_owned();
            if !name.ends_with(".csv") {
                continue;
            }
            if !expected.contains(&std::fs::read(&path).expect("an object")) {
                tally.damaged += 1;
            }
            if !std::path::Path::new(&format!("{name}.manifest.json")).exists() {
                tally.without_manifest += 1;
                eprintln!("round {round}: {name} has no manifest\n{stderr}");
            }
        }
    }
    tally.objects = support::files_under(&lake)
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .count();
    println!(
        "local lake fault campaign (seed {seed}): {} runs, {} watt kills, {} file size limits; {} partial files left by faulty runs, all removed by the next: {} partial left, {} objects, {} damaged, {} without manifest, {} journal entries left",
        tally.runs,
        tally.kills,
        tally.size_limits,
        tally.partial_after_fault,
        tally.partial,
        tally.objects,
        tally.damaged,
        tally.without_manifest,
        tally.journal_left
    );
    assert_eq!(
        (
            tally.partial,
            tally.damaged,
            tally.without_manifest,
            tally.journal_left
        ),
        (0, 0, 0, 0),
        "{tally:?}"
    );
    assert!(tally.objects >= rounds as usize, "{tally:?}");
}

/// Partial files of the local lake (`.<name>.watt-partial`, or the temporary files of older
/// versions).
fn partial_files(lake: &std::path::Path) -> Vec<std::path::PathBuf> {
    support::files_under(lake)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("partial"))
        .collect()
}

#[test]
fn hundreds_of_files_in_one_run_all_arrive_intact() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("batch")).expect("a folder");
    let files = 240;
    let mut expected = Vec::new();
    for i in 0..files {
        // Each file differs (its row count), so each output is recognisable.
        let input = energy_csv(3 + i % 17, false);
        let name = format!("batch/export_{i:03}.csv");
        w.write(&name, &input);
        expected.push(minimised(&input));
    }
    let server = S3Server::start(&w.path("store"));
    let out = ingest(&w, &server, &["batch", "--jobs", "4"])
        .output()
        .expect("watt runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let keys = server.keys();
    let data: Vec<&String> = keys.iter().filter(|k| k.ends_with(".csv")).collect();
    let manifests = keys
        .iter()
        .filter(|k| k.ends_with(".manifest.json"))
        .count();
    assert_eq!(
        (data.len(), manifests),
        (files, files),
        "one object and one manifest per file"
    );
    for (i, want) in expected.iter().enumerate() {
        let stem = format!("export_{i:03}_");
        let key = data
            .iter()
            .find(|k| k.rsplit('/').next().is_some_and(|n| n.starts_with(&stem)))
            .unwrap_or_else(|| panic!("no object for export_{i:03}.csv"));
        assert_eq!(&server.object(key).expect("object"), want, "{key}");
    }
    assert!(server.pending_uploads().is_empty());
    // The summary table lists every file as stored.
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("stored")).count(),
        files,
        "{stderr}"
    );
}
