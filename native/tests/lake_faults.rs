//! Faults for `watt lake`: erasures and expiries killed at random points, over many runs,
//! in the local lake and in a versioned bucket of a real SeaweedFS (`support/seaweedfs.rs`).
//!
//! Each round ingests a batch of two objects (the sample moved to a new day, so every row
//! of the campaign is told apart), then runs, at random, an erasure of a person still in
//! the lake or an expiry of the earlier batches (their retention, `P0D`, ends at their
//! ingestion; `--now` is set between two batches), and kills it (`kill -9`) after a random
//! delay, or lets it finish. Where the kill landed is read from the journal it left. Then
//! `watt lake recover` runs, and the lake must hold, as readers list it (`watt lake ls`):
//! every row of everyone else exactly once; of the person being erased and of the objects
//! being expired, per object all rows or none; nothing twice; no object without its
//! manifest, no manifest without its object, nothing superseded left, no journal entry, no
//! lock. The operation is then run again to its end, and no version of anything in the
//! store (every file of the local lake, hidden ones included; every version of the bucket)
//! may still hold an erased person's pseudonym or an expired row.
//!
//! The campaign prints its tally: runs, kills (by the state the journal was left in), rows
//! lost, rows duplicated, objects without manifest, erased rows still readable. All four
//! must be 0. `WATT_LAKE_FAULT_ROUNDS` sets the rounds of each campaign (CI: 8 local, 6 in
//! SeaweedFS; `bench/lake_faults.sh` runs them at full size), `WATT_FAULT_SEED` the seed.

mod common;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::seaweedfs::{ACCESS_KEY, S3, SECRET_KEY, weed};
use watt_core::{PseudonymKey, Schema};

const KEY: &str = "watt-lake-fault-tests-key-2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e0b";

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
        self.next() % n.max(1)
    }
}

fn rounds(default: u32) -> u32 {
    std::env::var("WATT_LAKE_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("WATT_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn sample() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../data/samples/sample_energy_consumption.csv");
    std::fs::read_to_string(path).expect("the sample")
}

/// The energy schema with every retention `P0D`: an object's retention ends at its
/// ingestion, so `--now` between two batches expires the earlier ones.
fn schema_text() -> String {
    std::fs::read_to_string(common::energy_schema())
        .expect("the energy schema")
        .replace("\"retention\": \"P3Y\"", "\"retention\": \"P0D\"")
}

/// The meters of the sample and their pseudonyms.
fn people() -> Vec<(String, String)> {
    let schema = Schema::from_json(&schema_text()).expect("the schema loads");
    let key = PseudonymKey::new(KEY.as_bytes()).expect("the key");
    let text = sample();
    let meters: BTreeSet<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record")[0].to_owned())
        .collect();
    meters
        .into_iter()
        .map(|m| {
            let p =
                watt_core::minimise::pseudonym_of(&schema, "prm", &m, &key).expect("a pseudonym");
            (m, p)
        })
        .collect()
}

/// The rows of a stored object (its header left out), each as its cells joined by U+001F
/// (cells may hold commas and line breaks; the first is the `prm` pseudonym).
fn rows_of(bytes: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect()
}

/// The people erased, with the batches they were erased from (a later batch brings them
/// back: the source still exports them).
type Erased = BTreeSet<(String, usize)>;

/// Where the campaign's lake is.
enum Store {
    Local,
    Weed { bucket: String, s3: S3 },
}

struct Campaign {
    w: common::Workdir,
    store: Store,
    schema: PathBuf,
}

/// What the campaign expects of one batch.
struct Batch {
    /// The rows of its objects, as stored at ingestion: row → count.
    rows: BTreeMap<String, usize>,
    /// Whether an expiry has removed it.
    expired: bool,
}

#[derive(Debug, Default)]
struct Tally {
    runs: u32,
    kills: u32,
    /// Kills by the state of the journal entries they left (a kill may leave several).
    kill_states: BTreeMap<String, u32>,
    erasures: u32,
    expiries: u32,
    rolled_back: u32,
    rows_lost: usize,
    rows_duplicated: usize,
    without_manifest: usize,
    orphan_manifests: usize,
    erased_readable: usize,
    expired_readable: usize,
    /// Rows listed that an erasure or expiry had finished removing.
    stale: usize,
    leftovers: usize,
}

impl Campaign {
    fn watt(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = support::watt_in(&self.w.path("."), None);
        cmd.args(args).env("WATT_PSEUDONYM_KEY", KEY);
        if let Store::Weed { bucket, .. } = &self.store {
            cmd.args(["--bucket", bucket, "--endpoint-url", &weed().endpoint])
                .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
                .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> (i32, String) {
        support::run_text(&mut self.watt(args))
    }

    /// Keys of the store's current objects, hidden ones left out.
    fn keys(&self) -> Vec<String> {
        match &self.store {
            Store::Local => {
                let root = self.w.path("datalake");
                let mut keys: Vec<String> = support::files_under(&root)
                    .into_iter()
                    .filter_map(|p| {
                        let k = p.strip_prefix(&root).ok()?.display().to_string();
                        (!k.split('/').any(|s| s.starts_with('.'))).then_some(k)
                    })
                    .collect();
                keys.sort();
                keys
            }
            Store::Weed { bucket, s3 } => s3
                .keys(bucket, "")
                .into_iter()
                .filter(|k| !k.split('/').any(|s| s.starts_with('.')))
                .collect(),
        }
    }

    fn object(&self, key: &str) -> Vec<u8> {
        match &self.store {
            Store::Local => std::fs::read(self.w.path("datalake").join(key)).expect("an object"),
            Store::Weed { bucket, s3 } => s3.get(bucket, key),
        }
    }

    /// Every byte the store holds, hidden files and earlier versions included.
    fn everything(&self) -> Vec<(String, Vec<u8>)> {
        match &self.store {
            Store::Local => support::files_under(&self.w.path("datalake"))
                .into_iter()
                .map(|p| {
                    let bytes = std::fs::read(&p).expect("a file");
                    (p.display().to_string(), bytes)
                })
                .collect(),
            Store::Weed { bucket, s3 } => s3
                .versions(bucket, "")
                .into_iter()
                .filter(|v| !v.delete_marker)
                .map(|v| {
                    let bytes = s3.version(bucket, &v.key, &v.id);
                    (format!("{} ({})", v.key, v.id), bytes)
                })
                .collect(),
        }
    }

    fn journal(&self) -> Vec<Value> {
        support::files_under(&self.w.path("logs/.pending-lake"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .filter_map(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok())
            .collect()
    }

    /// Ingests a batch of two objects, of days `2n` and `2n + 1` (every row of the
    /// campaign is its own); returns their rows as stored.
    fn ingest(&self, n: u32) -> Batch {
        let before: BTreeSet<String> = self.keys().into_iter().collect();
        for half in 0..2 {
            let day = 2 * n + half;
            let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 15)
                .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(day))))
                .expect("a date");
            let text = sample().replace("2024-01-15T", &format!("{date}T"));
            let file = self.w.write(&format!("day{day}.csv"), text);
            let (code, said) = self.run(&[
                "ingest",
                file.to_str().expect("a path"),
                "--schema",
                self.schema.to_str().expect("a path"),
            ]);
            assert_eq!(code, 0, "{said}");
        }
        let mut rows = BTreeMap::new();
        for key in self.keys() {
            if before.contains(&key) || !key.ends_with(".csv") || key.starts_with("_audit/") {
                continue;
            }
            for row in rows_of(&self.object(&key)) {
                *rows.entry(row).or_default() += 1;
            }
        }
        Batch {
            rows,
            expired: false,
        }
    }

    /// The readers' view: objects `watt lake ls` lists; their rows, and anything wrong
    /// with the store beside it.
    fn view(&self, tally: &mut Tally) -> Vec<(String, Vec<String>)> {
        let out = self
            .watt(&["lake", "ls", "--format", "json"])
            .output()
            .expect("watt runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ls: Value = serde_json::from_slice(&out.stdout).expect("ls prints JSON");
        tally.without_manifest += ls["withoutManifest"].as_array().map_or(0, Vec::len);
        tally.orphan_manifests += ls["orphanManifests"].as_array().map_or(0, Vec::len);
        tally.leftovers += ls["superseded"].as_array().map_or(0, Vec::len);
        ls["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .map(|o| {
                let key = o["key"].as_str().expect("a key").to_owned();
                let rows = rows_of(&self.object(&key));
                // An object is whole: as many rows as its manifest says.
                if o["rows"].as_u64() != Some(rows.len() as u64) {
                    tally.rows_lost += 1;
                }
                (key, rows)
            })
            .collect()
    }
}

/// Checks the view against what the campaign expects. `erasing` is the person whose
/// erasure may be half done, `expiring` the batches whose expiry may be: their rows are
/// there or not (every row is its object's own: an object there is the old one with them,
/// or the new one without), never half, never twice.
fn check(
    c: &Campaign,
    batches: &[Batch],
    erased: &Erased,
    erasing: Option<&str>,
    expiring: &[usize],
    tally: &mut Tally,
) {
    let view = c.view(tally);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, rows) in &view {
        for r in rows {
            *seen.entry(r.as_str()).or_default() += 1;
        }
    }
    let mut accounted = 0usize;
    for (i, b) in batches.iter().enumerate() {
        for (row, &count) in &b.rows {
            let got = seen.get(row.as_str()).copied().unwrap_or(0);
            accounted += got;
            let person = row.split('\u{1f}').next().unwrap_or_default();
            let gone = b.expired || erased.contains(&(person.to_owned(), i));
            let either = expiring.contains(&i) || erasing == Some(person);
            if gone {
                tally.stale += got;
            } else if either && (got == 0 || got == count) {
                // The old object, or the new one.
            } else if got < count {
                tally.rows_lost += count - got;
            } else {
                tally.rows_duplicated += got - count;
            }
        }
    }
    // Rows no batch ever had.
    let total: usize = seen.values().sum();
    tally.rows_duplicated += total - accounted;
    if !c.journal().is_empty() {
        tally.leftovers += 1;
    }
}

/// Nothing in the store, any version, hidden files included, holds a row that an erasure
/// or an expiry removed.
fn check_store(c: &Campaign, erased: &Erased, batches: &[Batch], tally: &mut Tally) {
    let batch_of: BTreeMap<&str, usize> = batches
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.rows.keys().map(move |r| (r.as_str(), i)))
        .collect();
    for (name, bytes) in c.everything() {
        if name.contains("_audit/") || !bytes.starts_with(b"prm,") {
            continue;
        }
        // A partial file may end in the middle of a row: what can be read is searched.
        let rows = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&bytes[..])
            .into_records()
            .map_while(Result::ok)
            .map(|r| r.iter().collect::<Vec<_>>().join("\u{1f}"));
        for row in rows {
            let Some(&i) = batch_of.get(row.as_str()) else {
                continue;
            };
            let person = row.split('\u{1f}').next().unwrap_or_default().to_owned();
            if erased.contains(&(person, i)) {
                tally.erased_readable += 1;
            }
            if batches[i].expired {
                tally.expired_readable += 1;
            }
        }
    }
}

/// Runs a command, killing it after `delay` unless it ends first; whether it was killed.
fn maybe_kill(c: &Campaign, args: &[&str], delay: Duration) -> bool {
    let mut child = c
        .watt(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watt starts");
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if start.elapsed() >= delay {
            let _ = child.kill();
            let _ = child.wait();
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn campaign(store: Store, rounds: u32, name: &str) -> Tally {
    let w = common::Workdir::new();
    let schema = w.write("energy.schema.json", schema_text());
    let c = Campaign { w, store, schema };
    let people = people();
    let mut rng = Rng(seed() ^ name.len() as u64);
    let mut tally = Tally::default();
    let mut batches: Vec<Batch> = Vec::new();
    let mut erased = Erased::new();
    // How long an unkilled run takes, to draw kills within it.
    let mut typical = Duration::from_millis(600);
    for round in 0..rounds {
        let before_batch = chrono::Utc::now();
        std::thread::sleep(Duration::from_millis(20));
        batches.push(c.ingest(round));
        // Anyone: a person erased comes back with a later export (the source must stop
        // exporting them); an erasure removes what the lake holds.
        let present: Vec<&(String, String)> = people.iter().collect();
        // Every third round an expiry, the others an erasure.
        let expire = round % 3 == 2;
        let (args, erasing, expiring): (Vec<String>, Option<String>, Vec<usize>) = if expire {
            let now = before_batch.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let expiring = (0..batches.len() - 1)
                .filter(|i| !batches[*i].expired)
                .collect();
            (
                ["lake", "expire", "--apply", "--now", &now]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                None,
                expiring,
            )
        } else {
            let (meter, p) = present[rng.below(present.len() as u64) as usize];
            (
                [
                    "lake",
                    "erase",
                    "--field",
                    "prm",
                    meter,
                    "--request-id",
                    &format!("F-{round}"),
                ]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
                Some(p.clone()),
                Vec::new(),
            )
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // One round in four runs to its end; the others are killed within a run's time.
        let delay = if rng.below(4) == 0 {
            Duration::from_secs(600)
        } else {
            Duration::from_millis(rng.below(typical.as_millis() as u64 + 1))
        };
        let started = Instant::now();
        tally.runs += 1;
        if expire {
            tally.expiries += 1;
        } else {
            tally.erasures += 1;
        }
        let killed = maybe_kill(&c, &args, delay);
        if killed {
            tally.kills += 1;
            for entry in c.journal() {
                let state = format!(
                    "{} {}",
                    entry["kind"].as_str().unwrap_or("?"),
                    entry["state"].as_str().unwrap_or("?")
                );
                *tally.kill_states.entry(state).or_default() += 1;
            }
            let (code, said) = c.run(&["lake", "recover"]);
            assert!(
                code == 0 || code == 1,
                "{name} round {round}: recover: {said}"
            );
            if code == 1 {
                tally.rolled_back += 1;
            }
        } else {
            typical = (typical + started.elapsed()) / 2;
        }
        check(
            &c,
            &batches,
            &erased,
            erasing.as_deref(),
            &expiring,
            &mut tally,
        );
        // The next run converges: the operation again, to its end.
        let (code, said) = c.run(&args);
        assert_eq!(code, 0, "{name} round {round}: {args:?}: {said}");
        if let Some(p) = erasing {
            for i in 0..batches.len() {
                erased.insert((p.clone(), i));
            }
        }
        for i in expiring {
            batches[i].expired = true;
        }
        check(&c, &batches, &erased, None, &[], &mut tally);
        check_store(&c, &erased, &batches, &mut tally);
    }
    println!(
        "lake fault campaign (seed {}, {name}): {} runs ({} erasures, {} expiries), {} kills {:?}, {} undone and run again; rows lost {}, rows duplicated {}, objects without manifest {}, erased rows still readable {}, expired rows still readable {}; orphan manifests {}, leftovers {}",
        seed(),
        tally.runs,
        tally.erasures,
        tally.expiries,
        tally.kills,
        tally.kill_states,
        tally.rolled_back,
        tally.rows_lost,
        tally.rows_duplicated,
        tally.without_manifest,
        tally.erased_readable,
        tally.expired_readable,
        tally.orphan_manifests,
        tally.leftovers,
    );
    tally
}

fn assert_clean(t: &Tally) {
    assert_eq!(t.rows_lost, 0, "{t:?}");
    assert_eq!(t.rows_duplicated, 0, "{t:?}");
    assert_eq!(t.without_manifest, 0, "{t:?}");
    assert_eq!(t.erased_readable, 0, "{t:?}");
    assert_eq!(t.expired_readable, 0, "{t:?}");
    assert_eq!(t.orphan_manifests, 0, "{t:?}");
    assert_eq!(t.stale, 0, "{t:?}");
    assert_eq!(t.leftovers, 0, "{t:?}");
}

#[test]
fn a_local_lake_fault_campaign_loses_no_row_and_leaves_none_erased() {
    let t = campaign(Store::Local, rounds(8), "local lake");
    assert_clean(&t);
    assert!(t.kills > 0, "{t:?}");
}

#[test]
fn a_versioned_bucket_fault_campaign_loses_no_row_and_leaves_no_version_behind() {
    let s3 = S3::admin();
    let bucket = format!("faults-{}", seed());
    s3.bucket(&bucket, true, false);
    let t = campaign(
        Store::Weed { bucket, s3 },
        rounds(6),
        "SeaweedFS, versioning on",
    );
    assert_clean(&t);
    assert!(t.kills > 0, "{t:?}");
}
