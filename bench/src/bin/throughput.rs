//! `throughput`: how fast watt reads a CSV file, against the fastest plain CSV read.
//!
//! In-process and single-threaded, each pass reads the whole file `--runs` times and keeps
//! its best time (the file is in the page cache after the first run, so the best run
//! measures parsing, not the disk):
//!
//! - `floor`: a bare `csv::Reader` loop (`read_byte_record`), with the file's delimiter;
//! - `check`: `watt_core::Checker` fed 1 MiB chunks;
//! - `minimise`: `watt_core::Minimiser` fed 1 MiB chunks, its output counted and dropped.
//!
//! It prints MB/s (10^6 bytes per second, of input) per pass, on wall time and on the
//! thread's CPU time (which other processes on a busy machine disturb less), and the ratios
//! to the floor (on CPU time when known); with `--json` it writes them with the machine's
//! description. A new pass is one more entry in the `passes` list.
//!
//! ```text
//! throughput FILE --schema data/schemas/energy_consumption.schema.json --json out.json
//! ```

use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::process::{Command, Stdio};
use std::time::Instant;

use clap::Parser;
use serde::Serialize;
use watt_bench::measure::{self, CHUNK_BYTES, Outcome};
use watt_core::Schema;

/// Measure read and check throughput on a CSV file.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The CSV file.
    file: PathBuf,
    /// Table Schema to check against.
    #[arg(long)]
    schema: PathBuf,
    /// Runs per pass; the best is kept.
    #[arg(long, default_value_t = 3)]
    runs: u32,
    /// Write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Output of `/usr/bin/time -v` for a CLI run on the same file, to include its wall
    /// time and peak memory (repeatable, one per run).
    #[arg(long, value_name = "FILE")]
    time_v: Vec<PathBuf>,
    /// What each `--time-v` run was, in the same order.
    #[arg(long)]
    time_v_label: Vec<String>,
    /// The `watt` command: its `check` and `minimise` are timed too (wall time, output
    /// thrown away).
    #[arg(long, value_name = "PATH")]
    watt: Option<PathBuf>,
    /// Run only these passes (e.g. `--only check` under a profiler).
    #[arg(long, value_name = "PASS")]
    only: Vec<String>,
}

/// A pass: a name and a function reading the whole file once.
type Pass<'a> = (&'static str, Box<dyn Fn() -> Result<Outcome, String> + 'a>);

#[derive(Debug, Serialize)]
struct PassResult {
    name: &'static str,
    /// Best wall time and the MB/s it gives.
    best_seconds: f64,
    mb_per_s: f64,
    /// Best on-CPU time of the thread (Linux only) and the MB/s it gives.
    best_cpu_seconds: Option<f64>,
    cpu_mb_per_s: Option<f64>,
    /// Wall time of every run.
    seconds: Vec<f64>,
    records: u64,
    /// Output bytes (the minimiser's file; 0 for passes that only read).
    written_bytes: u64,
    /// This pass's MB/s ÷ the floor's, on CPU time when known (wall time otherwise, and
    /// for the `watt` command's passes).
    ratio_to_floor: Option<f64>,
}

#[derive(Debug, Serialize)]
struct CliRun {
    label: String,
    wall_seconds: f64,
    mb_per_s: f64,
    /// MB/s ÷ the floor's, both on wall time (the whole command).
    ratio_to_floor_wall: Option<f64>,
    max_rss_kib: u64,
    exit_status: Option<i32>,
}

#[derive(Debug, Serialize)]
struct Results {
    file: String,
    file_bytes: u64,
    delimiter: String,
    runs: u32,
    chunk_bytes: usize,
    passes: Vec<PassResult>,
    /// check MB/s ÷ floor MB/s (on CPU time when known).
    ratio_check_floor: Option<f64>,
    /// minimise MB/s ÷ floor MB/s, one thread (on CPU time when known).
    ratio_minimise_floor: Option<f64>,
    /// `watt minimise` (the whole command) MB/s ÷ floor MB/s, on wall time.
    ratio_minimise_cli_floor: Option<f64>,
    minimise_target_ratio: f64,
    /// What the ratios are computed on: `cpu` or `wall`.
    ratio_basis: &'static str,
    target_ratio: f64,
    /// Whether the checker found the file valid (a benchmark of an invalid file measures
    /// finding-building too).
    check_valid: Option<bool>,
    cli: Vec<CliRun>,
    watt_core: &'static str,
    rustc: &'static str,
    cpu: String,
    cores: usize,
    os: &'static str,
    arch: &'static str,
    unix_time: u64,
}

const TARGET_RATIO: f64 = 0.5;
/// Target of `watt minimise` ÷ the floor.
const MINIMISE_TARGET: f64 = 0.3;

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Wall time, peak RSS and exit status from `/usr/bin/time -v` output.
fn parse_time_v(text: &str) -> Option<(f64, u64, Option<i32>)> {
    let value = |key: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(key))
            .and_then(|l| l.rsplit_once(": "))
            .map(|(_, v)| v.trim().to_owned())
    };
    // "h:mm:ss" or "m:ss.ss"
    let wall = value("Elapsed (wall clock) time")?;
    let seconds = wall
        .split(':')
        .try_fold(0.0, |acc, part| part.parse::<f64>().map(|v| acc * 60.0 + v))
        .ok()?;
    let rss = value("Maximum resident set size")?.parse().ok()?;
    let status = value("Exit status").and_then(|s| s.parse().ok());
    Some((seconds, rss, status))
}

/// Time this thread has spent on a CPU, in seconds (Linux `/proc/thread-self/schedstat`).
/// Less disturbed than wall time by other processes on a busy machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// The runs of one pass so far.
#[derive(Default)]
struct Runs {
    seconds: Vec<f64>,
    cpu: Vec<f64>,
    last: Option<Outcome>,
}

/// Runs `pass` once more.
fn run_once(pass: &Pass<'_>, bytes: u64, runs: &mut Runs) -> Result<(), String> {
    let c = cpu_seconds();
    let t = Instant::now();
    let outcome = (pass.1)()?;
    runs.seconds.push(t.elapsed().as_secs_f64());
    if let (Some(before), Some(after)) = (c, cpu_seconds()) {
        runs.cpu.push(after - before);
    }
    if outcome.bytes != bytes {
        return Err(format!(
            "{} read {} bytes of {bytes}",
            pass.0, outcome.bytes
        ));
    }
    runs.last = Some(outcome);
    Ok(())
}

/// The best of a pass's runs. A command's passes have no CPU time: their work is done by
/// another process.
fn best_of(name: &'static str, runs: Runs, bytes: u64) -> PassResult {
    let (records, written_bytes) = runs.last.map_or((0, 0), |o| (o.records, o.written));
    let best = runs.seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let best_cpu = (runs.cpu.len() == runs.seconds.len() && !is_command(name))
        .then(|| runs.cpu.iter().copied().fold(f64::INFINITY, f64::min));
    PassResult {
        name,
        best_seconds: best,
        mb_per_s: bytes as f64 / best / 1e6,
        best_cpu_seconds: best_cpu,
        cpu_mb_per_s: best_cpu.map(|c| bytes as f64 / c / 1e6),
        seconds: runs.seconds,
        records,
        written_bytes,
        ratio_to_floor: None,
    }
}

/// Whether a pass runs the `watt` command rather than the engine in this process.
fn is_command(name: &str) -> bool {
    name.starts_with("watt ")
}

/// Runs the `watt` command on the file, its output thrown away.
fn run_command(watt: &Path, args: &[&OsStr], bytes: u64) -> Result<Outcome, String> {
    let status = Command::new(watt)
        .args(args)
        // The benchmark key: not a secret, the output is thrown away.
        .env(
            "WATT_PSEUDONYM_KEY",
            std::str::from_utf8(measure::BENCH_KEY).unwrap_or_default(),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", watt.display()))?;
    if !status.success() {
        return Err(format!(
            "{} {:?} exited with {status}",
            watt.display(),
            args
        ));
    }
    Ok(Outcome {
        bytes,
        records: 0,
        written: 0,
    })
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))
}

fn run(args: &Args) -> Result<(), String> {
    let schema_text = std::fs::read_to_string(&args.schema)
        .map_err(|e| format!("cannot read {}: {e}", args.schema.display()))?;
    let schema = Schema::from_json(&schema_text).map_err(|e| format!("schema: {e}"))?;
    let bytes = std::fs::metadata(&args.file)
        .map_err(|e| format!("cannot open {}: {e}", args.file.display()))?
        .len();
    let mut head = Vec::new();
    open(&args.file)?
        .take(128 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let delimiter = measure::detect_delimiter(&head, &schema);

    let valid = std::cell::Cell::new(None);
    let mut passes: Vec<Pass<'_>> = vec![
        (
            "floor",
            Box::new(|| {
                measure::floor(open(&args.file)?, delimiter).map_err(|e| format!("floor: {e}"))
            }),
        ),
        (
            "check",
            Box::new(|| {
                let (outcome, report) =
                    measure::check(open(&args.file)?, &schema, CHUNK_BYTES, Some(bytes))
                        .map_err(|e| format!("check: {e}"))?;
                valid.set(Some(report.valid));
                Ok(outcome)
            }),
        ),
        (
            "minimise",
            Box::new(|| {
                measure::minimise(open(&args.file)?, &schema, CHUNK_BYTES, Some(bytes))
                    .map(|(outcome, _)| outcome)
                    .map_err(|e| format!("minimise: {e}"))
            }),
        ),
    ];
    let (file, schema_path) = (args.file.as_os_str(), args.schema.as_os_str());
    if let Some(watt) = &args.watt {
        let check: Vec<&OsStr> = vec!["check".as_ref(), file, "--schema".as_ref(), schema_path];
        let minimise: Vec<&OsStr> = vec![
            "minimise".as_ref(),
            file,
            "--schema".as_ref(),
            schema_path,
            "-o".as_ref(),
            "-".as_ref(),
        ];
        passes.push((
            "watt check",
            Box::new(move || run_command(watt, &check, bytes)),
        ));
        passes.push((
            "watt minimise",
            Box::new(move || run_command(watt, &minimise, bytes)),
        ));
    }

    println!(
        "file: {} ({:.1} MB, delimiter {:?}), best of {} runs, {} KiB chunks",
        args.file.display(),
        bytes as f64 / 1e6,
        char::from(delimiter),
        args.runs,
        CHUNK_BYTES / 1024
    );
    // Passes take turns, round after round, so that a busy spell of the machine falls on
    // all of them rather than on one.
    let passes: Vec<&Pass<'_>> = (passes.iter())
        .filter(|pass| args.only.is_empty() || args.only.iter().any(|p| p == pass.0))
        .collect();
    let mut runs: Vec<Runs> = passes.iter().map(|_| Runs::default()).collect();
    for _ in 0..args.runs.max(1) {
        for (pass, runs) in passes.iter().zip(&mut runs) {
            run_once(pass, bytes, runs)?;
        }
    }
    let mut results = Vec::new();
    for (pass, runs) in passes.iter().zip(runs) {
        results.push(best_of(pass.0, runs, bytes));
    }
    drop(passes);
    // Compare on CPU time when every pass has it: other processes on the machine then
    // matter less.
    let on_cpu = (results.iter())
        .filter(|r| !is_command(r.name))
        .all(|r| r.cpu_mb_per_s.is_some());
    let speed = |r: &PassResult| match (on_cpu, r.cpu_mb_per_s) {
        (true, Some(s)) => s,
        _ => r.mb_per_s,
    };
    let floor = results.iter().find(|r| r.name == "floor").map(speed);
    let floor_wall = results
        .iter()
        .find(|r| r.name == "floor")
        .map(|r| r.mb_per_s);
    println!(
        "{:<10} {:>8} {:>9} {:>8} {:>9} {:>8} {:>10}",
        "pass", "wall s", "MB/s", "cpu s", "cpu MB/s", "×floor", "records"
    );
    let dash = || "-".to_owned();
    for r in &mut results {
        r.ratio_to_floor = if is_command(r.name) {
            floor_wall.map(|f| r.mb_per_s / f)
        } else {
            floor.map(|f| speed(r) / f)
        };
        println!(
            "{:<10} {:>8.3} {:>9.1} {:>8} {:>9} {:>8} {:>10}",
            r.name,
            r.best_seconds,
            r.mb_per_s,
            r.best_cpu_seconds.map_or_else(dash, |x| format!("{x:.3}")),
            r.cpu_mb_per_s.map_or_else(dash, |x| format!("{x:.1}")),
            r.ratio_to_floor.map_or_else(dash, |x| format!("{x:.2}")),
            r.records
        );
    }
    let ratio = results
        .iter()
        .find(|r| r.name == "check")
        .and_then(|r| r.ratio_to_floor);
    if let Some(ratio) = ratio {
        let verdict = if ratio >= TARGET_RATIO {
            "meets"
        } else {
            "below"
        };
        let basis = if on_cpu { "CPU time" } else { "wall time" };
        println!(
            "ratio check/floor: {ratio:.2} on {basis} ({verdict} the target of {TARGET_RATIO:.2})"
        );
    }
    let minimise_ratio = (results.iter())
        .find(|r| r.name == "minimise")
        .and_then(|r| r.ratio_to_floor);
    let check_valid = valid.get();
    if check_valid == Some(false) {
        println!("note: the checker found the file invalid");
    }

    let mut cli = Vec::new();
    for (i, path) in args.time_v.iter().enumerate() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (wall, rss, status) = parse_time_v(&text)
            .ok_or_else(|| format!("{} is not /usr/bin/time -v output", path.display()))?;
        let mb_per_s = bytes as f64 / wall / 1e6;
        let run = CliRun {
            label: (args.time_v_label.get(i).cloned()).unwrap_or_else(|| format!("run {i}")),
            wall_seconds: wall,
            mb_per_s,
            ratio_to_floor_wall: floor_wall.map(|f| mb_per_s / f),
            max_rss_kib: rss,
            exit_status: status,
        };
        println!(
            "{}: {:.2} s wall, {:.1} MB/s ({} × the floor's wall MB/s), max RSS {:.1} MiB, exit {}",
            run.label,
            run.wall_seconds,
            run.mb_per_s,
            run.ratio_to_floor_wall
                .map_or_else(dash, |x| format!("{x:.2}")),
            rss as f64 / 1024.0,
            status.map_or_else(|| "?".to_owned(), |s| s.to_string())
        );
        cli.push(run);
    }
    let minimise_cli_ratio = (results.iter())
        .find(|r| r.name == "watt minimise")
        .and_then(|r| r.ratio_to_floor);
    if let (Some(one), Some(cli)) = (minimise_ratio, minimise_cli_ratio) {
        println!(
            "ratio minimise/floor: {one:.2} for the engine on one thread, {cli:.2} for the `watt minimise` command (wall time; target {MINIMISE_TARGET:.2})"
        );
    }

    if let Some(path) = &args.json {
        let out = Results {
            file: args.file.display().to_string(),
            file_bytes: bytes,
            delimiter: char::from(delimiter).to_string(),
            runs: args.runs,
            chunk_bytes: CHUNK_BYTES,
            passes: results,
            ratio_check_floor: ratio,
            ratio_minimise_floor: minimise_ratio,
            ratio_minimise_cli_floor: minimise_cli_ratio,
            minimise_target_ratio: MINIMISE_TARGET,
            ratio_basis: if on_cpu { "cpu" } else { "wall" },
            target_ratio: TARGET_RATIO,
            check_valid,
            cli,
            watt_core: watt_core::VERSION,
            rustc: env!("WATT_BENCH_RUSTC"),
            cpu: cpu_model(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            unix_time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };
        let json = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("throughput: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_time_v_output() {
        let text = "\tCommand being timed: \"watt check x\"\n\
            \tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50\n\
            \tMaximum resident set size (kbytes): 20480\n\
            \tExit status: 0\n";
        assert_eq!(parse_time_v(text), Some((62.5, 20480, Some(0))));
        let hours = "\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:00:01\n\
            \tMaximum resident set size (kbytes): 1\n";
        assert_eq!(parse_time_v(hours), Some((3601.0, 1, None)));
        assert_eq!(parse_time_v("nothing"), None);
    }
}
