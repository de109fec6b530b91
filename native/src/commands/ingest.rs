//! `watt ingest [FILE|DIR...]`: validates, minimises and uploads CSV files into the data
//! lake — an S3 bucket when one is configured, else the local lake folder.
//!
//! This module parses the invocation (settings, schema, key, files), runs the files on a
//! tokio runtime ([`crate::ingest`]), and sums up on standard error: one line per file,
//! the findings of invalid files (never their values), the warnings, and the run log's
//! path. The exit code is the worst file's: 0 stored (or, with `--dry-run`, would be),
//! 1 invalid data (nothing written), 2 bad usage or an unreadable file, 3 storage failure.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use indicatif::{MultiProgress, ProgressDrawTarget};
use watt_core::{Minimiser, Options, Schema};

use super::{Outcome, load_schema};
use crate::cli::IngestArgs;
use crate::dotenv::DOTENV_FILE;
use crate::error::CliError;
use crate::ingest::config::{Destination, Env, Settings};
use crate::ingest::journal::Journal;
use crate::ingest::key::{RunId, distinct_names, object_key, source_name};
use crate::ingest::lake::{DirLake, Lake, Leftovers};
use crate::ingest::manifest::SchemaInfo;
use crate::ingest::pipeline::{Context, FileReport, Job, Status};
use crate::ingest::recover::Note;
use crate::ingest::runlog::{self, RunLog, TARGET};
use crate::ingest::s3::S3Lake;
use crate::ingest::shown;
use crate::ingest::{self, IngestError};
use crate::key;
use crate::output::{self, Palette};

/// The schema used when `--schema` is not given: the energy schema, inside the binary.
pub const BUNDLED_SCHEMA: &str =
    include_str!("../../../data/schemas/energy_consumption.schema.json");

pub fn run(args: &IngestArgs) -> Result<Outcome, CliError> {
    let env = Env::load(Path::new(DOTENV_FILE)).map_err(IngestError::from)?;
    let settings = Settings::resolve(args, &env).map_err(IngestError::from)?;
    let (schema, schema_info) = schema(args.schema.as_deref())?;
    let loaded = key::load(&args.keys)?;
    let key_source = loaded.as_ref().map(|k| k.source.to_string());
    let key = loaded.map(|k| k.key);
    let options = Options {
        dialect: super::load_dialect(&args.read)?,
        encoding: args.read.encoding,
        max_findings: args.max_findings,
        ..Options::default()
    };
    // Refuses now, before any file is read, when the schema needs a key and none was given.
    Minimiser::new(&schema, options.clone(), key.clone()).map_err(CliError::minimise)?;
    let files = files(args)?;
    if args.source_name.is_some() && files.len() > 1 {
        return Err(IngestError::SourceNameForMany(files.len()).into());
    }
    let run_id = RunId::random().map_err(|e| CliError::Random(e.to_string()))?;
    let run_started = Utc::now();
    let names = distinct_names(
        files
            .iter()
            .map(|f| match &args.source_name {
                Some(name) => source_name(name),
                None => source_name(&f.file_stem().unwrap_or_default().to_string_lossy()),
            })
            .collect(),
    );
    let jobs: Vec<Job> = files
        .into_iter()
        .zip(names)
        .enumerate()
        .map(|(index, (path, name))| Job {
            index,
            key: object_key(&settings.prefix, run_started, &name, &run_id),
            source_name: name,
            path,
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(IngestError::Runtime)?;
    let log = RunLog::start(&settings.log_dir, &run_id).map_err(|source| IngestError::Log {
        path: shown::escaped(&settings.log_dir.display().to_string()),
        source,
    })?;
    tracing::info!(
        target: TARGET,
        stage = "run_started",
        run_id = %run_id,
        version = env!("CARGO_PKG_VERSION"),
        files = jobs.len(),
        dry_run = settings.dry_run,
        started = %run_started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "run started"
    );
    tracing::info!(
        target: TARGET,
        stage = "config",
        settings = %runlog::settings_json(&settings),
        schema_sha256 = %schema_info.sha256,
        schema_source = %schema_info.source,
        key_id = key.as_ref().map_or("", |k| k.id()),
        key_source = key_source.as_deref().unwrap_or(""),
        "config"
    );
    let (bucket, sse_requested) = match &settings.destination {
        Destination::S3(s3) => (Some(s3.bucket.clone()), s3.sse.header().map(str::to_owned)),
        Destination::Dir(_) => (None, None),
    };
    // Every write is journaled, in either lake, from before it starts until its manifest
    // is stored (a dry run writes nothing).
    let journal = (!settings.dry_run).then(|| Journal::new(&settings.log_dir));
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
    let ctx = Arc::new(Context {
        schema,
        schema_info,
        options,
        key,
        run_id: run_id.clone(),
        run_started,
        part_size: settings.part_size,
        parts_in_flight: settings.parts_in_flight,
        dry_run: settings.dry_run,
        head_check: settings.head_check,
        journal: journal.clone(),
        bucket,
        sse_requested,
        progress,
        spill_after: args.read.spill_after,
        confirm_existing: false,
        origin: None,
    });
    let (destination, recovered, reports) = runtime.block_on(async {
        match &settings.destination {
            Destination::S3(s3) => {
                let lake = S3Lake::connect(s3).await;
                let recovered = recover(&lake, journal.as_ref(), &settings, &run_id).await;
                let destination = lake.location(&settings.prefix);
                let reports = ingest::run_all(Arc::new(lake), ctx, jobs, settings.jobs).await;
                (destination, recovered, reports)
            }
            Destination::Dir(dir) => {
                let lake = DirLake::new(dir);
                let recovered = recover(&lake, journal.as_ref(), &settings, &run_id).await;
                let destination = lake.location(&settings.prefix);
                let reports = ingest::run_all(Arc::new(lake), ctx, jobs, settings.jobs).await;
                (destination, recovered, reports)
            }
        }
    });
    drop(runtime);
    let worst = reports.iter().map(|r| r.status).max();
    let summary = summary(&run_id, &destination, &settings, &recovered, &reports, &log);
    let _ = std::io::stderr().lock().write_all(summary.as_bytes());
    let exit = match worst {
        None | Some(Status::Stored | Status::Confirmed | Status::DryRun) => 0,
        Some(Status::Invalid) => 1,
        Some(Status::Unreadable) => 2,
        Some(Status::StorageFailed) => 3,
    };
    let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
    tracing::info!(
        target: TARGET,
        stage = "finished",
        run_id = %run_id,
        status = worst.map_or("nothing to do", Status::as_str),
        exit_code = exit,
        stored = count(Status::Stored),
        dry_run = count(Status::DryRun),
        invalid = count(Status::Invalid),
        unreadable = count(Status::Unreadable),
        failed = count(Status::StorageFailed),
        "final status"
    );
    // The audit trail is part of the contract: a run whose log could not be written
    // failed, whatever happened to its files.
    if let Err(e) = log.finish() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "watt ingest: error: the run log {} could not be written ({e}): this run has no complete audit trail",
            shown::escaped(&log.path().display().to_string())
        );
        return Ok(Outcome::StorageFailed);
    }
    match worst {
        None | Some(Status::Stored | Status::Confirmed | Status::DryRun) => Ok(Outcome::Success),
        Some(Status::Invalid) => Ok(Outcome::Invalid),
        Some(Status::Unreadable) => {
            Err(IngestError::Unreadable(count(Status::Unreadable), reports.len()).into())
        }
        Some(Status::StorageFailed) => Ok(Outcome::StorageFailed),
    }
}

/// What earlier runs left in the journal, dealt with before this run writes anything.
async fn recover<L: Leftovers>(
    lake: &L,
    journal: Option<&Journal>,
    settings: &Settings,
    run_id: &RunId,
) -> Vec<Note> {
    match journal {
        Some(j) => ingest::recover::recover(lake, j, &settings.prefix, run_id).await,
        None => Vec::new(),
    }
}

/// The schema (`--schema` or the bundled one) and how manifests name it. The file is read
/// once: the name and the hash are those of the text the schema was loaded from.
pub(crate) fn schema(path: Option<&Path>) -> Result<(Schema, SchemaInfo), CliError> {
    let (schema, source) = match path {
        Some(path) => {
            let schema = load_schema(path)?;
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            (schema, name)
        }
        None => {
            let schema =
                Schema::from_json(BUNDLED_SCHEMA).map_err(|source| CliError::SchemaInvalid {
                    path: "(bundled energy schema)".into(),
                    source,
                })?;
            (schema, "bundled".to_owned())
        }
    };
    let info = SchemaInfo {
        name: schema.name.clone(),
        sha256: schema.sha256.clone(),
        source,
    };
    Ok((schema, info))
}

/// The files to ingest: FILE arguments and `--source`, folders replaced by their `.csv`
/// files in name order.
fn files(args: &IngestArgs) -> Result<Vec<PathBuf>, IngestError> {
    let mut out = Vec::new();
    for path in args.files.iter().chain(&args.source) {
        if path.is_dir() {
            let read = std::fs::read_dir(path).map_err(|source| IngestError::Folder {
                path: shown::path(path),
                source,
            })?;
            let mut csv: Vec<PathBuf> = read
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
                })
                .collect();
            if csv.is_empty() {
                return Err(IngestError::EmptyFolder(shown::path(path)));
            }
            csv.sort();
            out.extend(csv);
        } else {
            out.push(path.clone());
        }
    }
    if out.is_empty() {
        return Err(IngestError::NoFiles);
    }
    Ok(out)
}

/// Sizes for people: `512 B`, `95.1 KiB`, `1.07 GiB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The summary on standard error. Paths, locations and messages from outside go through
/// [`shown`]: nothing in them can act on the terminal.
fn summary(
    run_id: &RunId,
    destination: &str,
    settings: &Settings,
    recovered: &[Note],
    reports: &[FileReport],
    log: &RunLog,
) -> String {
    let palette = Palette::for_stderr();
    let mut out = String::new();
    let files = if reports.len() == 1 {
        "1 file".to_owned()
    } else {
        format!("{} files", reports.len())
    };
    let mode = if settings.dry_run {
        " (dry run: nothing is written)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "watt ingest: run {run_id}, {files} to {}{mode}",
        shown::escaped(destination)
    );
    for note in recovered {
        let kind = if note.warning { "warning" } else { "note" };
        let _ = writeln!(out, "{kind}: {}", shown::escaped(&note.text));
    }
    for r in reports {
        if r.status == Status::Invalid {
            if let Some(report) = &r.report {
                let _ = writeln!(out, "\n{}:", shown::path(&r.job.path));
                let mut text = Vec::new();
                let _ = output::text::write(report, &palette, &mut text);
                out.push_str(&String::from_utf8_lossy(&text));
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<10} {:>10} {:>11} {:>11} {:>5}  file -> object",
        "status", "rows", "read", "written", "parts"
    );
    for r in reports {
        let target = match r.status {
            Status::Stored | Status::Confirmed => r.location.clone(),
            Status::DryRun => format!("would write {}", r.location),
            _ => r.error.clone().unwrap_or_default(),
        };
        let _ = writeln!(
            out,
            "{:<10} {:>10} {:>11} {:>11} {:>5}  {} -> {target}",
            r.status.as_str(),
            r.rows,
            size(r.source_bytes),
            size(r.bytes_out),
            r.parts,
            shown::path(&r.job.path),
            target = shown::escaped(&target),
        );
    }
    for r in reports {
        for w in &r.warnings {
            let _ = writeln!(out, "warning: {}: {}", r.job.source_name, shown::escaped(w));
        }
    }
    let manifests = reports.iter().filter(|r| r.manifest.is_some()).count();
    if manifests > 0 {
        let _ = writeln!(
            out,
            "{manifests} manifest(s) written beside the objects (<key>.manifest.json)"
        );
    }
    let _ = writeln!(
        out,
        "run log: {}",
        shown::escaped(&log.path().display().to_string())
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(97_382), "95.1 KiB");
        assert_eq!(size(1_153_433_600), "1.1 GiB");
    }

    #[test]
    fn the_bundled_schema_is_the_energy_schema() {
        let (schema, info) = schema(None).unwrap();
        assert_eq!(info.name.as_deref(), Some("energy_consumption"));
        assert_eq!(info.source, "bundled");
        assert_eq!(info.sha256, schema.sha256);
        assert!(schema.field("prm").is_some());
    }
}
