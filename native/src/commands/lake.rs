//! `watt lake ls|expire|find|erase|recover`: the lake looked after once data has landed
//! (see [`crate::lake`]). This module parses the invocation (the store as `watt ingest`
//! resolves it, the schema, the keys, the person), runs the command on a tokio runtime
//! against the local lake or S3, and says what it found or did: results on standard output
//! (text, or JSON with `--format json`), notes and warnings on standard error. Keys,
//! locations and counts only: never a value or a pseudonym.

use std::fmt::Write as _;
use std::io::{BufRead, Read, Seek, Write as _};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use watt_core::Schema;
use watt_core::gdpr::Action as GdprAction;
use watt_core::lake::export::Export;
use watt_core::lake::lifecycle;
use watt_core::lake::schedule::Due;
use watt_core::retention::Retention;

use super::{Outcome, load_schema};
use crate::cli::{
    Format, LakeArgs, LakeEraseArgs, LakeExpireArgs, LakeFindArgs, LakeLsArgs, LakeRecoverArgs,
    PersonArgs,
};
use crate::dotenv::DOTENV_FILE;
use crate::error::CliError;
use crate::ingest::IngestError;
use crate::ingest::config::{Destination, Env, Located, MAX_PART_MIB, MIN_PART_MIB};
use crate::ingest::key::RunId;
use crate::ingest::lake::{DirLake, Lake, LakeError, Versioning};
use crate::ingest::s3::S3Lake;
use crate::ingest::shown;
use crate::lake::audit::{self, Action, Record, Who, access_key_fingerprint, audit_key};
use crate::lake::catalog::{Catalog, catalog};
use crate::lake::expire::{self, Assessed, Done, Fallback, Source};
use crate::lake::find::{Keys, Person, Query, Search, search_lake};
use crate::lake::journal::{Journal, Recovered, recover as recover_journal};
use crate::lake::lock::{self, Lock, LockError};
use crate::lake::rewrite::Changed;
use crate::lake::{Context, Store, erase as erase_rows};

/// Runs `$body` with `$lake` the lake of `$located` (an `Arc` of [`S3Lake`] or
/// [`DirLake`]) and `$who` who acts on it.
macro_rules! on_lake {
    ($located:expr, |$lake:ident, $who:ident| $body:expr) => {
        match &$located.destination {
            Destination::S3(s3) => {
                let $lake = Arc::new(S3Lake::connect(s3).await);
                let mut $who = Who::local(format!("s3://{}", s3.bucket));
                $who.credentials = described(&$located, "credentials");
                $who.access_key = $lake
                    .access_key_id()
                    .await
                    .map(|k| access_key_fingerprint(&k));
                $body
            }
            Destination::Dir(dir) => {
                let $lake = Arc::new(DirLake::new(dir));
                let $who = Who::local(
                    std::path::absolute(dir)
                        .unwrap_or_else(|_| dir.clone())
                        .display()
                        .to_string(),
                );
                $body
            }
        }
    };
}

fn described(located: &Located, name: &str) -> Option<String> {
    located
        .described
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, v, _)| v.clone())
}

/// The store, resolved, and a runtime to reach it.
struct Opened {
    located: Located,
    runtime: tokio::runtime::Runtime,
}

fn open(args: &LakeArgs) -> Result<Opened, CliError> {
    let env = Env::load(Path::new(DOTENV_FILE)).map_err(IngestError::from)?;
    let located = Located::resolve(&args.store, &env).map_err(IngestError::from)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(IngestError::Runtime)?;
    Ok(Opened { located, runtime })
}

fn part_size(mib: u64) -> Result<usize, CliError> {
    if !(MIN_PART_MIB..=MAX_PART_MIB).contains(&mib) {
        return Err(IngestError::Config(crate::ingest::config::ConfigError::PartSize(mib)).into());
    }
    Ok(usize::try_from(mib << 20).unwrap_or(usize::MAX))
}

fn context(
    located: &Located,
    args: &LakeArgs,
    who: Who,
    part_size: usize,
) -> Result<Context, CliError> {
    let operation = RunId::random().map_err(|e| CliError::Random(e.to_string()))?;
    let sse_requested = match &located.destination {
        Destination::S3(s3) => s3.sse.header().map(str::to_owned),
        Destination::Dir(_) => None,
    };
    Ok(Context {
        prefix: located.prefix.clone(),
        operation,
        started: Utc::now(),
        journal: Journal::new(&args.log_dir),
        who,
        jobs: usize::try_from(args.jobs).unwrap_or(1),
        part_size,
        versioning: Versioning::Off,
        sse_requested,
        entries: Arc::new(AtomicUsize::new(2)),
    })
}

/// The schema watt bundles (the default of `watt ingest`).
fn bundled() -> Result<Schema, CliError> {
    Schema::from_json(super::ingest::BUNDLED_SCHEMA).map_err(|source| CliError::SchemaInvalid {
        path: "(bundled energy schema)".into(),
        source,
    })
}

/// Standard error, said once at the end (nothing of it is a value).
#[derive(Debug, Default)]
struct Said(String);

impl Said {
    fn note(&mut self, text: &str) {
        let _ = writeln!(self.0, "note: {}", shown::escaped(text));
    }

    fn warn(&mut self, text: &str) {
        let _ = writeln!(self.0, "warning: {}", shown::escaped(text));
    }

    fn error(&mut self, command: &str, text: &str) {
        let _ = writeln!(
            self.0,
            "watt lake {command}: error: {}",
            shown::escaped(text)
        );
    }

    fn recovered(&mut self, r: &Recovered) {
        for n in &r.notes {
            if n.warning {
                self.warn(&n.text);
            } else {
                self.note(&n.text);
            }
        }
    }

    fn flush(self) {
        let _ = std::io::stderr().lock().write_all(self.0.as_bytes());
    }
}

fn print(text: &str) -> Result<(), CliError> {
    crate::output::to_stdout(|out| out.write_all(text.as_bytes()))
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

// ---------------------------------------------------------------------------------------
// watt lake ls

pub fn ls(args: &LakeLsArgs) -> Result<Outcome, CliError> {
    let opened = open(&args.lake)?;
    let given = args.schema.as_deref().map(load_schema).transpose()?;
    let bundled = bundled()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let (prefix, jobs) = (&opened.located.prefix, args.lake.jobs as usize);
    let listed: Result<(String, Catalog), LakeError> = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, _who| {
            let location = lake.location(prefix);
            catalog(&lake, prefix, jobs).await.map(|c| (location, c))
        })
    });
    let mut said = Said::default();
    let (location, catalog) = match listed {
        Ok(x) => x,
        Err(e) => {
            said.error("ls", &e.to_string());
            said.flush();
            return Ok(Outcome::StorageFailed);
        }
    };
    let fallback = Fallback {
        given: given.as_ref(),
        bundled: &bundled,
    };
    let assessed: Vec<Assessed> = catalog
        .view()
        .map(|item| expire::assess(item, &fallback, now))
        .collect();
    let out = match args.format {
        Format::Json => {
            let objects: Vec<Value> = catalog
                .view()
                .zip(&assessed)
                .map(|(item, a)| object_json(item, a))
                .collect();
            let doc = json!({
                "lake": location,
                "judgedAt": time(now),
                "objects": objects,
                "withoutManifest": catalog.unvouched().map(|i| json!({
                    "key": i.key, "bytes": i.size, "problem": i.problem,
                })).collect::<Vec<_>>(),
                "superseded": catalog.items.iter().filter(|i| i.superseded_by.is_some()).map(|i| json!({
                    "key": i.key, "by": i.superseded_by,
                })).collect::<Vec<_>>(),
                "orphanManifests": catalog.orphan_manifests,
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => ls_text(&location, &catalog, &assessed, now),
    };
    print(&out)?;
    for a in &assessed {
        if let Source::Unknown(why) = &a.source {
            said.warn(&format!("{}: retention unknown: {why}", a.key));
        }
    }
    said.flush();
    Ok(Outcome::Success)
}

fn status(a: &Assessed) -> String {
    match &a.due {
        None => "unknown".into(),
        Some(Due::Kept { .. }) => "kept".into(),
        Some(Due::Expired { .. }) => "expired".into(),
        Some(Due::Columns { columns }) => format!("columns due: {}", columns.join(" ")),
    }
}

fn ends(a: &Assessed) -> String {
    match (&a.schedule, &a.retention) {
        (Some(s), Some(r)) => match s.object_end {
            Some(end) => format!("{} ({r})", end.format("%Y-%m-%d")),
            None => format!("never ({r})"),
        },
        (Some(_), None) => "none declared".into(),
        _ => "unknown".into(),
    }
}

fn ls_text(location: &str, catalog: &Catalog, assessed: &[Assessed], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let n = assessed.len();
    let _ = writeln!(
        out,
        "{} object{} in {} (retention judged at {})",
        n,
        if n == 1 { "" } else { "s" },
        shown::escaped(location),
        time(now)
    );
    if n > 0 {
        let _ = writeln!(
            out,
            "{:<20}  {:>9}  {:<28}  {:<32}  {:<12}  {:<18}  {:<10}  object",
            "ingested", "rows", "source", "schema", "key id", "retention ends", "status"
        );
    }
    for (item, a) in catalog.view().zip(assessed) {
        let Some(m) = &item.manifest else { continue };
        let schema = format!(
            "{}@{}",
            m.schema.name.as_deref().unwrap_or("-"),
            m.schema.sha256.get(..12).unwrap_or(&m.schema.sha256)
        );
        let _ = writeln!(
            out,
            "{:<20}  {:>9}  {:<28}  {:<32}  {:<12}  {:<18}  {:<10}  {}{}",
            a.ingested.map(time).unwrap_or_else(|| "?".into()),
            m.object.rows,
            shown::escaped(&m.source.name),
            shown::escaped(&schema),
            m.key_id.as_deref().unwrap_or("-"),
            ends(a),
            status(a),
            shown::escaped(&item.key),
            history(m),
        );
    }
    for item in catalog.unvouched() {
        let _ = writeln!(
            out,
            "no manifest: {} ({})",
            shown::escaped(&item.key),
            shown::escaped(item.problem.as_deref().unwrap_or(
                "an ingest may be writing it, or was stopped: the next `watt ingest` finishes it"
            ))
        );
    }
    for item in catalog.items.iter().filter(|i| i.superseded_by.is_some()) {
        let _ = writeln!(
            out,
            "being replaced: {} (by {}; a rewrite in progress, or stopped: `watt lake recover` finishes it)",
            shown::escaped(&item.key),
            shown::escaped(item.superseded_by.as_deref().unwrap_or_default())
        );
    }
    for m in &catalog.orphan_manifests {
        let _ = writeln!(
            out,
            "manifest without object: {} (a deletion in progress, or stopped: `watt lake recover` finishes it)",
            shown::escaped(m)
        );
    }
    out
}

/// What was done to an object since its ingestion, in a few words.
fn history(m: &crate::ingest::manifest::Manifest) -> String {
    let mut parts = Vec::new();
    if !m.erasures.is_empty() {
        let rows: u64 = m.erasures.iter().map(|e| e.rows_removed).sum();
        parts.push(format!("{} erasure(s), {rows} rows", m.erasures.len()));
    }
    for c in &m.column_expiries {
        parts.push(format!("{} expired", c.columns.join(" ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" [{}]", parts.join("; "))
    }
}

fn object_json(item: &crate::lake::catalog::Item, a: &Assessed) -> Value {
    let Some(m) = &item.manifest else {
        return Value::Null;
    };
    let columns: serde_json::Map<String, Value> = a
        .schedule
        .as_ref()
        .map(|s| {
            s.columns
                .iter()
                .map(|(c, end)| (c.clone(), json!(time(*end))))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "key": item.key,
        "bytes": item.size,
        "rows": m.object.rows,
        "source": m.source.name,
        "ingested": a.ingested.map(time),
        "runId": m.run_id,
        "schema": {"name": m.schema.name, "sha256": m.schema.sha256},
        "keyId": m.key_id,
        "retention": {
            "dataset": a.retention,
            "from": match &a.source {
                Source::Manifest => json!("manifest"),
                Source::Schema => json!("schema"),
                Source::Unknown(why) => json!({"unknown": why}),
            },
            "ends": a.schedule.as_ref().and_then(|s| s.object_end).map(time),
            "columnsEnd": columns,
        },
        "status": status(a),
        "supersedes": m.supersedes,
        "erasures": m.erasures.len(),
        "rowsErased": m.erasures.iter().map(|e| e.rows_removed).sum::<u64>(),
        "columnsExpired": m.column_expiries.iter().flat_map(|c| c.columns.clone()).collect::<Vec<_>>(),
    })
}

// ---------------------------------------------------------------------------------------
// Shared by the commands that change the lake

/// Checks the bucket's versioning, finishes what stopped runs left, checks that versions
/// can be deleted, and takes the lake. What recovery did is in `recovered`: its records
/// go into this operation's audit object.
async fn prepare<L: Store>(
    lake: &L,
    ctx: &mut Context,
    command: &str,
    audit_key: &str,
    said: &mut Said,
) -> Result<(Recovered, Lock), Outcome> {
    ctx.versioning = match lake.versioning().await {
        Ok(v) => v,
        Err(e) => {
            said.error(
                command,
                &format!(
                    "cannot tell whether the bucket keeps versions of what is deleted ({e}): nothing was changed; the lifecycle operator's policy grants s3:GetBucketVersioning"
                ),
            );
            return Err(Outcome::StorageFailed);
        }
    };
    if ctx.versioning == Versioning::NotImplemented {
        said.note("the store does not implement bucket versioning: it keeps no earlier versions");
    }
    let recovered = recover_journal(lake, ctx).await;
    said.recovered(&recovered);
    if let Err(e) = lock::probe_versions(lake, ctx, audit_key).await {
        said.error(command, &e.to_string());
        return Err(Outcome::StorageFailed);
    }
    match lock::acquire(lake, ctx, command, audit_key).await {
        Ok(l) => Ok((recovered, l)),
        Err(e @ (LockError::Held { .. } | LockError::Unreadable { .. })) => {
            said.error(command, &e.to_string());
            Err(Outcome::StorageFailed)
        }
        Err(e) => {
            said.error(command, &e.to_string());
            Err(Outcome::StorageFailed)
        }
    }
}

/// Publishes the operation's records (recovered ones first), removes the journal entries
/// of the changes over, and gives the lake back. Returns false when the records could not
/// be stored (the entries stay: the next run publishes them).
/// What an operation ends with.
struct Ending {
    recovered: Recovered,
    changed: Vec<Changed>,
    summary: Record,
    lock: Lock,
}

async fn conclude<L: Store>(
    lake: &L,
    ctx: &Context,
    audit_key: &str,
    ending: Ending,
    said: &mut Said,
    command: &str,
) -> bool {
    let Ending {
        mut recovered,
        changed,
        summary,
        lock,
    } = ending;
    let mut records: Vec<Record> = std::mem::take(&mut recovered.records);
    records.extend(changed.iter().map(|c| c.record.clone()));
    records.push(summary);
    let published = match audit::publish(lake, audit_key, &records).await {
        Ok(()) => {
            recovered.forget();
            for c in changed {
                c.tracked.remove();
            }
            true
        }
        Err(e) => {
            said.error(
                command,
                &format!(
                    "the changes were made, but their audit records could not be stored in {} ({e}); the journal ({}) keeps them, and the next `watt lake` run on this lake stores them",
                    lake.location(audit_key),
                    ctx.journal.dir().display()
                ),
            );
            false
        }
    };
    if let Err(e) = lock::release(lake, ctx, lock).await {
        said.warn(&format!(
            "the lake's lock could not be removed ({e}); the next `watt lake` run on this machine removes it"
        ));
    }
    published
}

/// In a bucket that keeps versions: the earlier versions of data objects that are not
/// current (deleted or replaced outside watt). Listings do not show them, so neither a
/// search nor an expiry reaches them: they are said, and make the answer incomplete.
/// Returns whether there are any.
async fn stale_versions<L: Store>(
    lake: &L,
    prefix: &str,
    versioning: Versioning,
    what: &str,
    said: &mut Said,
) -> bool {
    if !versioning.keeps_versions() {
        return false;
    }
    match lake.stale_versions(prefix).await {
        Ok(found) => {
            let data: Vec<(String, usize)> = found
                .into_iter()
                .filter(|(k, _)| crate::lake::is_object_key(k))
                .collect();
            if data.is_empty() {
                return false;
            }
            let versions: usize = data.iter().map(|(_, n)| n).sum();
            let shown: Vec<&str> = data.iter().take(10).map(|(k, _)| k.as_str()).collect();
            said.warn(&format!(
                "{versions} earlier version(s) of {} object(s) under the prefix are not current (deleted or replaced outside watt lake): {what}, and watt does not read them; delete them (aws s3api delete-object --version-id, or the lifecycle rule's NoncurrentVersionExpiration): {}{}",
                data.len(),
                shown.join(", "),
                if data.len() > shown.len() { ", ..." } else { "" }
            ));
            true
        }
        Err(e) => {
            said.warn(&format!(
                "could not look for earlier versions of deleted objects ({e}): {what} if there are any"
            ));
            true
        }
    }
}

// ---------------------------------------------------------------------------------------
// watt lake expire

pub fn expire(args: &LakeExpireArgs) -> Result<Outcome, CliError> {
    let given = args.schema.as_deref().map(load_schema).transpose()?;
    let bundled = bundled()?;
    if args.lifecycle {
        return lifecycle_rule(args, given.as_ref().unwrap_or(&bundled));
    }
    let part_size = part_size(args.part_size)?;
    let opened = open(&args.lake)?;
    let real_now = Utc::now();
    let now = args.now.unwrap_or(real_now);
    let mut said = Said::default();
    if args.apply && now > real_now + chrono::Duration::minutes(1) {
        said.warn(&format!(
            "retention is judged at {} (--now), later than now: objects whose retention has not ended yet are deleted",
            time(now)
        ));
    }
    let fallback = Fallback {
        given: given.as_ref(),
        bundled: &bundled,
    };
    let outcome = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, who| {
            expire_in(
                lake,
                &opened.located,
                args,
                who,
                part_size,
                &fallback,
                now,
                &mut said,
            )
            .await
        })
    });
    said.flush();
    outcome
}

#[allow(clippy::too_many_arguments)]
async fn expire_in<L: Store>(
    lake: Arc<L>,
    located: &Located,
    args: &LakeExpireArgs,
    who: Who,
    part_size: usize,
    fallback: &Fallback<'_>,
    now: DateTime<Utc>,
    said: &mut Said,
) -> Result<Outcome, CliError> {
    let mut ctx = context(located, &args.lake, who, part_size)?;
    let key = audit_key("expire", &ctx.operation.to_string(), ctx.started);
    let prepared = if args.apply {
        match prepare(&*lake, &mut ctx, "expire", &key, said).await {
            Ok(p) => Some(p),
            Err(o) => return Ok(o),
        }
    } else {
        None
    };
    let location = lake.location(&ctx.prefix);
    let catalog = match catalog(&lake, &ctx.prefix, ctx.jobs).await {
        Ok(c) => c,
        Err(e) => {
            said.error("expire", &e.to_string());
            if let Some((_, l)) = prepared {
                let _ = lock::release(&*lake, &ctx, l).await;
            }
            return Ok(Outcome::StorageFailed);
        }
    };
    let plan = expire::plan(&catalog, fallback, now);
    let unknown = plan
        .iter()
        .filter(|(_, a)| matches!(a.source, Source::Unknown(_)))
        .count();
    for (_, a) in &plan {
        if let Source::Unknown(why) = &a.source {
            said.warn(&format!(
                "{}: left alone, its retention is unknown: {why}",
                a.key
            ));
        }
    }
    for item in catalog.unvouched() {
        said.note(&format!(
            "{}: left alone, it has no manifest ({})",
            item.key,
            item.problem
                .as_deref()
                .unwrap_or("an ingest may be writing it")
        ));
    }
    let ctx = Arc::new(ctx);
    let done = match &prepared {
        Some(_) => expire::apply(&lake, &ctx, &plan, now, &key).await,
        None => Vec::new(),
    };
    let expired = plan
        .iter()
        .filter(|(_, a)| matches!(a.due, Some(Due::Expired { .. })))
        .count();
    let columns = plan
        .iter()
        .filter(|(_, a)| matches!(a.due, Some(Due::Columns { .. })))
        .count();
    let mut changed = Vec::new();
    let (mut failed_storage, mut failed_other) = (0, 0);
    let mut lines = Vec::new();
    let mut done_json = Vec::new();
    for d in done {
        match d {
            Done::Changed(c) => {
                let r = &c.record;
                let object = r.object.clone().unwrap_or_default();
                let versions = r
                    .versions_deleted
                    .map(|v| format!(", {v} version(s) deleted"))
                    .unwrap_or_default();
                lines.push(match r.action {
                    Action::ColumnsExpired => format!(
                        "rewrote {object} without {} -> {}{versions}",
                        r.columns_removed.join(", "),
                        r.new_object.clone().unwrap_or_default()
                    ),
                    _ => format!(
                        "deleted {object} and its manifest ({}){versions}",
                        r.reason.clone().unwrap_or_default()
                    ),
                });
                done_json.push(serde_json::to_value(r).unwrap_or_default());
                changed.push(*c);
            }
            Done::Unchanged => {}
            Done::Failed(key, e) => {
                if e.is_storage() {
                    failed_storage += 1;
                } else {
                    failed_other += 1;
                }
                said.warn(&format!("{key}: not changed: {e}"));
            }
        }
    }
    let stale = stale_versions(
        &*lake,
        &ctx.prefix,
        ctx.versioning,
        "they may hold data whose retention has ended",
        said,
    )
    .await;
    let published = match prepared {
        Some((recovered, lock)) => {
            let mut summary = Record::new(&ctx, "expire", Action::Operation);
            summary.objects_seen = Some(plan.len() as u64);
            summary.objects_changed = Some(changed.len() as u64);
            summary.objects_left = Some((unknown + failed_other + failed_storage) as u64);
            if args.now.is_some() {
                summary.judged_at = Some(time(now));
            }
            conclude(
                &*lake,
                &ctx,
                &key,
                Ending {
                    recovered,
                    changed,
                    summary,
                    lock,
                },
                said,
                "expire",
            )
            .await
        }
        None => true,
    };
    let out = match args.format {
        Format::Json => {
            let due: Vec<Value> = plan
                .iter()
                .filter(|(_, a)| matches!(a.due, Some(Due::Expired { .. } | Due::Columns { .. })))
                .map(|(item, a)| {
                    json!({
                        "key": item.key,
                        "status": status(a),
                        "retention": a.retention,
                        "ends": a.schedule.as_ref().and_then(|s| s.object_end).map(time),
                        "ingested": a.ingested.map(time),
                    })
                })
                .collect();
            let doc = json!({
                "lake": location,
                "judgedAt": time(now),
                "applied": args.apply,
                "objects": plan.len(),
                "expired": expired,
                "columnsDue": columns,
                "unknownRetention": unknown,
                "due": due,
                "done": done_json,
                "operation": ctx.operation.to_string(),
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "watt lake expire: {} object(s) in {}, retention judged at {}: {expired} expired, {columns} with expired columns{}",
                plan.len(),
                shown::escaped(&location),
                time(now),
                if args.apply {
                    ""
                } else {
                    " (nothing changed: --apply does it)"
                }
            );
            if !args.apply {
                for (item, a) in &plan {
                    match &a.due {
                        Some(Due::Expired { end }) => {
                            let _ = writeln!(
                                out,
                                "expired   {}  {}  ended {}",
                                shown::escaped(&item.key),
                                a.retention.as_deref().unwrap_or("?"),
                                time(*end)
                            );
                        }
                        Some(Due::Columns { columns }) => {
                            let _ = writeln!(
                                out,
                                "columns   {}  {}",
                                shown::escaped(&item.key),
                                columns.join(", ")
                            );
                        }
                        _ => {}
                    }
                }
            }
            for l in &lines {
                let _ = writeln!(out, "{}", shown::escaped(l));
            }
            if args.apply {
                let _ = writeln!(
                    out,
                    "audit record: {}",
                    shown::escaped(&lake.location(&key))
                );
            }
            out
        }
    };
    print(&out)?;
    Ok(if failed_storage > 0 || !published {
        Outcome::StorageFailed
    } else if failed_other > 0 || unknown > 0 || stale {
        Outcome::Incomplete
    } else {
        Outcome::Success
    })
}

/// `--lifecycle`: the S3 lifecycle configuration of the schema's retention.
fn lifecycle_rule(args: &LakeExpireArgs, schema: &Schema) -> Result<Outcome, CliError> {
    let env = Env::load(Path::new(DOTENV_FILE)).map_err(IngestError::from)?;
    let located = Located::resolve(&args.lake.store, &env).map_err(IngestError::from)?;
    let Some(dataset) = schema.gdpr.as_ref().and_then(|g| g.retention.as_deref()) else {
        return Err(CliError::Lake(
            "the schema declares no retention (gdpr.retention): there is nothing to expire by"
                .into(),
        ));
    };
    let dataset = Retention::parse(dataset).map_err(|e| CliError::Lake(e.to_string()))?;
    let shorter: Vec<(String, Retention)> = schema
        .fields
        .iter()
        .filter(|f| !matches!(f.gdpr.as_ref().map(|g| &g.action), Some(GdprAction::Drop)))
        .filter_map(|f| {
            let r = Retention::parse(f.gdpr.as_ref()?.retention.as_deref()?).ok()?;
            (r.max_days() < dataset.max_days()).then(|| (f.name.clone(), r))
        })
        .collect();
    let json = lifecycle::configuration(&located.prefix, &dataset);
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    print(&text)?;
    let mut said = Said::default();
    for l in lifecycle::limits(&dataset, &shorter) {
        said.note(&l);
    }
    said.flush();
    Ok(Outcome::Success)
}

// ---------------------------------------------------------------------------------------
// watt lake find / erase

/// The field and the person's identifiers (from the arguments, else standard input).
fn person(args: &PersonArgs, schema: &Schema) -> Result<Person, CliError> {
    let field = match (&args.field, args.customer) {
        (Some(f), _) => f.clone(),
        (None, _) => schema
            .gdpr
            .as_ref()
            .and_then(|g| g.subject_field.clone())
            .ok_or_else(|| {
                CliError::Lake(
                    "--customer: the schema names no data subject field (gdpr.subjectField); give --field".into(),
                )
            })?,
    };
    match schema
        .field(&field)
        .and_then(|f| f.gdpr.as_ref())
        .map(|g| &g.action)
    {
        Some(GdprAction::Pseudonymise(_)) => {}
        Some(_) => {
            return Err(CliError::Minimise(
                watt_core::MinimiseError::NotPseudonymised(field),
            ));
        }
        None => {
            return Err(CliError::Minimise(watt_core::MinimiseError::UnknownField(
                field,
            )));
        }
    }
    let mut values = args.values.clone();
    if values.is_empty() {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let line = line.map_err(|source| CliError::InputUnreadable {
                path: "standard input".into(),
                source,
            })?;
            let line = line.trim_end_matches('\r');
            if !line.trim().is_empty() {
                values.push(line.to_owned());
            }
        }
    }
    if values.is_empty() {
        return Err(CliError::Lake(
            "no value to look for: give the person's identifiers as arguments, or one per line on standard input".into(),
        ));
    }
    Ok(Person { field, values })
}

/// Every key given, by fingerprint.
fn keys(args: &PersonArgs, field: &str) -> Result<Keys, CliError> {
    let mut keys = Keys::default();
    if args.key_file.is_empty() {
        match crate::key::load(None)? {
            Some((k, _)) => {
                keys.0.insert(k.id().to_owned(), k);
            }
            None => {
                return Err(CliError::KeyMissing {
                    fields: vec![field.to_owned()],
                });
            }
        }
    }
    for path in &args.key_file {
        if let Some((k, _)) = crate::key::load(Some(path))? {
            keys.0.insert(k.id().to_owned(), k);
        }
    }
    Ok(keys)
}

fn search_json(s: &Search) -> Value {
    json!({
        "objectsSearched": s.found.len() + s.absent.len(),
        "rows": s.rows(),
        "matched": s.matched().map(|f| json!({"key": f.key, "rows": f.tally.selected})).collect::<Vec<_>>(),
        "notSearched": s.cannot.iter().chain(&s.failed).map(|(k, why)| json!({"key": k, "why": why})).collect::<Vec<_>>(),
        "differs": s.found.iter().filter_map(|f| f.differs.as_ref().map(|d| json!({"key": f.key, "what": d}))).collect::<Vec<_>>(),
    })
}

fn search_text(out: &mut String, s: &Search) {
    for f in s.matched() {
        let _ = writeln!(out, "{:>9}  {}", f.tally.selected, shown::escaped(&f.key));
    }
    for (k, why) in s.cannot.iter().chain(&s.failed) {
        let _ = writeln!(
            out,
            "not searched: {} ({})",
            shown::escaped(k),
            shown::escaped(why)
        );
    }
}

fn search_warnings(said: &mut Said, s: &Search) {
    for f in &s.found {
        if let Some(d) = &f.differs {
            said.warn(&format!(
                "{}: the object is not what its manifest says ({d}): searched as it is",
                f.key
            ));
        }
    }
    if s.incomplete() {
        said.warn(&format!(
            "{} object(s) could not be searched: the person may have rows there; the answer is incomplete until they are",
            s.cannot.len() + s.failed.len()
        ));
    }
}

/// Where an export's rows wait until the export file is written: an anonymous temporary
/// file (unlinked at once), so memory does not grow with the rows found.
struct Spill {
    file: std::fs::File,
    /// (object, its header, offset, length).
    parts: Vec<(String, Vec<String>, u64, usize)>,
    len: u64,
}

impl Spill {
    fn add(&mut self, found: &crate::lake::find::Found) -> std::io::Result<()> {
        self.file.write_all(&found.rows)?;
        self.parts.push((
            found.key.clone(),
            found.tally.header.clone(),
            self.len,
            found.rows.len(),
        ));
        self.len += found.rows.len() as u64;
        Ok(())
    }

    /// Writes the export: the union of the headers, then each object's rows.
    fn write(
        mut self,
        out: &mut crate::output::file::OutputFile<'_>,
    ) -> Result<(u64, String), CliError> {
        use sha2::Digest;
        self.parts.sort_by(|a, b| a.0.cmp(&b.0));
        let export = Export::new(self.parts.iter().map(|p| p.1.as_slice()));
        let mut sha = sha2::Sha256::new();
        let mut put = |bytes: &[u8], out: &mut crate::output::file::OutputFile<'_>| {
            sha.update(bytes);
            out.write(bytes)
        };
        put(&export.header(), out)?;
        let tmp_error = |source| CliError::OutputUnwritable {
            path: "temporary file".into(),
            source,
        };
        let mut rows = 0u64;
        for (key, header, offset, len) in &self.parts {
            let mut bytes = vec![0u8; *len];
            self.file
                .seek(std::io::SeekFrom::Start(*offset))
                .and_then(|_| self.file.read_exact(&mut bytes))
                .map_err(tmp_error)?;
            let written = export.rows(key, header, &bytes);
            rows += written.iter().filter(|b| **b == b'\n').count() as u64;
            put(&written, out)?;
        }
        Ok((rows, data_encoding::HEXLOWER.encode(&sha.finalize())))
    }
}

pub fn find(args: &LakeFindArgs) -> Result<Outcome, CliError> {
    if let Some(id) = &args.request_id {
        audit::check_request_id(id).map_err(CliError::Lake)?;
    }
    let schema = match &args.person.schema {
        Some(p) => load_schema(p)?,
        None => bundled()?,
    };
    let person = person(&args.person, &schema)?;
    let keys = keys(&args.person, &person.field)?;
    if let Some(path) = &args.export {
        if path.as_os_str() == "-" || std::fs::symlink_metadata(path).is_ok() {
            return Err(CliError::Lake(format!(
                "refusing to write the export to {}: it exists (an export goes to a new file)",
                path.display()
            )));
        }
    }
    let opened = open(&args.lake)?;
    let mut said = Said::default();
    let outcome = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, who| {
            find_in(
                lake,
                &opened.located,
                args,
                who,
                &person,
                &keys,
                &schema,
                &mut said,
            )
            .await
        })
    });
    said.flush();
    outcome
}

#[allow(clippy::too_many_arguments)]
async fn find_in<L: Store>(
    lake: Arc<L>,
    located: &Located,
    args: &LakeFindArgs,
    who: Who,
    person: &Person,
    keys: &Keys,
    schema: &Schema,
    said: &mut Said,
) -> Result<Outcome, CliError> {
    let ctx = context(located, &args.lake, who, 5 << 20)?;
    let location = lake.location(&ctx.prefix);
    let catalog = match catalog(&lake, &ctx.prefix, ctx.jobs).await {
        Ok(c) => c,
        Err(e) => {
            said.error("find", &e.to_string());
            return Ok(Outcome::StorageFailed);
        }
    };
    let keep = args.export.is_some();
    let mut spill = match keep {
        true => Some(Spill {
            file: tempfile::tempfile().map_err(|source| CliError::OutputUnwritable {
                path: "temporary file".into(),
                source,
            })?,
            parts: Vec::new(),
            len: 0,
        }),
        false => None,
    };
    let query = Query {
        person,
        keys,
        schema,
        jobs: ctx.jobs,
        keep,
    };
    let search = search_lake(&lake, &catalog, &query, |found| match &mut spill {
        Some(s) => s.add(found),
        None => Ok(()),
    })
    .await
    .map_err(|source| CliError::OutputUnwritable {
        path: "temporary file".into(),
        source,
    })?;
    search_warnings(said, &search);
    let versioning = lake.versioning().await.unwrap_or(Versioning::Off);
    let stale = stale_versions(
        &*lake,
        &ctx.prefix,
        versioning,
        "they may hold the person's rows",
        said,
    )
    .await;
    let mut exported = None;
    if let (Some(path), Some(spill)) = (&args.export, spill) {
        let mut out = crate::output::file::OutputFile::open(path)?;
        let (rows, sha256) = spill.write(&mut out)?;
        let key = audit_key("find", &ctx.operation.to_string(), ctx.started);
        let mut record = Record::new(&ctx, "find", Action::Exported);
        record.request_id = args.request_id.clone();
        record.field = Some(person.field.clone());
        record.rows = Some(rows);
        record.objects_changed = Some(search.matched().count() as u64);
        record.export_sha256 = Some(sha256);
        let mut summary = Record::new(&ctx, "find", Action::Operation);
        summary.request_id = args.request_id.clone();
        summary.field = Some(person.field.clone());
        summary.objects_seen = Some((search.found.len() + search.absent.len()) as u64);
        summary.objects_left = Some((search.cannot.len() + search.failed.len()) as u64);
        // The export is only handed over once its record is in the lake.
        if let Err(e) = audit::publish(&*lake, &key, &[record, summary]).await {
            said.error(
                "find",
                &format!(
                    "the export was not written: its audit record could not be stored in {} ({e})",
                    lake.location(&key)
                ),
            );
            out.finish(false)?;
            return Ok(Outcome::StorageFailed);
        }
        out.finish(true)?;
        exported = Some((rows, key));
    }
    let out = match args.format {
        Format::Json => {
            let mut doc = search_json(&search);
            doc["lake"] = json!(location);
            doc["field"] = json!(person.field);
            doc["values"] = json!(person.values.len());
            if let Some((rows, key)) = &exported {
                doc["export"] = json!({"rows": rows, "auditRecord": key});
            }
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "watt lake find: {} row(s) in {} object(s) of {} searched in {} (field {}, {} value(s))",
                search.rows(),
                search.matched().count(),
                search.found.len() + search.absent.len(),
                shown::escaped(&location),
                person.field,
                person.values.len()
            );
            search_text(&mut out, &search);
            if let Some((rows, key)) = &exported {
                let _ = writeln!(
                    out,
                    "exported {rows} row(s) (audit record {})",
                    shown::escaped(&lake.location(key))
                );
            }
            out
        }
    };
    print(&out)?;
    Ok(if !search.failed.is_empty() {
        Outcome::StorageFailed
    } else if search.incomplete() || stale {
        Outcome::Incomplete
    } else {
        Outcome::Success
    })
}

pub fn erase(args: &LakeEraseArgs) -> Result<Outcome, CliError> {
    audit::check_request_id(&args.request_id).map_err(CliError::Lake)?;
    let schema = match &args.person.schema {
        Some(p) => load_schema(p)?,
        None => bundled()?,
    };
    let person = person(&args.person, &schema)?;
    let keys = keys(&args.person, &person.field)?;
    let part_size = part_size(args.part_size)?;
    let opened = open(&args.lake)?;
    let mut said = Said::default();
    let outcome = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, who| {
            erase_in(
                lake,
                &opened.located,
                args,
                who,
                (&person, &keys, &schema),
                part_size,
                &mut said,
            )
            .await
        })
    });
    said.flush();
    outcome
}

async fn erase_in<L: Store>(
    lake: Arc<L>,
    located: &Located,
    args: &LakeEraseArgs,
    who: Who,
    (person, keys, schema): (&Person, &Keys, &Schema),
    part_size: usize,
    said: &mut Said,
) -> Result<Outcome, CliError> {
    let mut ctx = context(located, &args.lake, who, part_size)?;
    let key = audit_key("erase", &ctx.operation.to_string(), ctx.started);
    let prepared = if args.dry_run {
        None
    } else {
        match prepare(&*lake, &mut ctx, "erase", &key, said).await {
            Ok(p) => Some(p),
            Err(o) => return Ok(o),
        }
    };
    let location = lake.location(&ctx.prefix);
    let release = |lock: Option<Lock>, ctx: Context| {
        let lake = Arc::clone(&lake);
        async move {
            if let Some(l) = lock {
                let _ = lock::release(&*lake, &ctx, l).await;
            }
        }
    };
    let catalog = match catalog(&lake, &ctx.prefix, ctx.jobs).await {
        Ok(c) => c,
        Err(e) => {
            said.error("erase", &e.to_string());
            release(prepared.map(|p| p.1), ctx).await;
            return Ok(Outcome::StorageFailed);
        }
    };
    let query = Query {
        person,
        keys,
        schema,
        jobs: ctx.jobs,
        keep: false,
    };
    let search = match search_lake(&lake, &catalog, &query, |_| Ok(())).await {
        Ok(s) => s,
        Err(source) => {
            release(prepared.map(|p| p.1), ctx).await;
            return Err(CliError::OutputUnwritable {
                path: "temporary file".into(),
                source,
            });
        }
    };
    search_warnings(said, &search);
    let ctx = Arc::new(ctx);
    let done = match &prepared {
        Some(_) => {
            erase_rows::erase(
                &lake,
                &ctx,
                &catalog,
                &search,
                &person.field,
                &args.request_id,
                &key,
            )
            .await
        }
        None => Vec::new(),
    };
    let mut changed = Vec::new();
    let (mut failed_storage, mut failed_other) = (0usize, 0usize);
    let mut lines = Vec::new();
    let mut erased_rows = 0u64;
    let mut done_json = Vec::new();
    for (object, d) in done {
        match d {
            Done::Changed(c) => {
                let r = &c.record;
                erased_rows += r.rows_removed.unwrap_or(0);
                lines.push(format!(
                    "erased {} row(s): {} -> {}{}",
                    r.rows_removed.unwrap_or(0),
                    object,
                    r.new_object.clone().unwrap_or_default(),
                    r.versions_deleted
                        .map(|v| format!(" ({v} version(s) of the old object deleted)"))
                        .unwrap_or_default()
                ));
                done_json.push(serde_json::to_value(r).unwrap_or_default());
                changed.push(*c);
            }
            Done::Unchanged => lines.push(format!("{object}: nothing to erase after all")),
            Done::Failed(key, e) => {
                if e.is_storage() {
                    failed_storage += 1;
                } else {
                    failed_other += 1;
                }
                said.warn(&format!("{key}: not erased: {e}"));
            }
        }
    }
    let stale = stale_versions(
        &*lake,
        &ctx.prefix,
        ctx.versioning,
        "they may hold the person's rows",
        said,
    )
    .await;
    let published = match prepared {
        Some((recovered, lock)) => {
            let mut summary = Record::new(&ctx, "erase", Action::Operation);
            summary.request_id = Some(args.request_id.clone());
            summary.field = Some(person.field.clone());
            summary.rows_removed = Some(erased_rows);
            summary.objects_seen = Some((search.found.len() + search.absent.len()) as u64);
            summary.objects_changed = Some(changed.len() as u64);
            summary.objects_left = Some(
                (search.cannot.len() + search.failed.len() + failed_storage + failed_other) as u64,
            );
            conclude(
                &*lake,
                &ctx,
                &key,
                Ending {
                    recovered,
                    changed,
                    summary,
                    lock,
                },
                said,
                "erase",
            )
            .await
        }
        None => true,
    };
    let out = match args.format {
        Format::Json => {
            let mut doc = search_json(&search);
            doc["lake"] = json!(location);
            doc["field"] = json!(person.field);
            doc["requestId"] = json!(args.request_id);
            doc["dryRun"] = json!(args.dry_run);
            doc["rowsErased"] = json!(erased_rows);
            doc["done"] = json!(done_json);
            doc["operation"] = json!(ctx.operation.to_string());
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "watt lake erase{}: request {}, {} row(s) in {} object(s) of {} searched in {} (field {})",
                if args.dry_run {
                    " (dry run: nothing changed)"
                } else {
                    ""
                },
                args.request_id,
                search.rows(),
                search.matched().count(),
                search.found.len() + search.absent.len(),
                shown::escaped(&location),
                person.field
            );
            if args.dry_run {
                for f in search.matched() {
                    let _ = writeln!(
                        out,
                        "would erase {} row(s) from {}",
                        f.tally.selected,
                        shown::escaped(&f.key)
                    );
                }
            }
            for (k, why) in search.cannot.iter().chain(&search.failed) {
                let _ = writeln!(
                    out,
                    "not searched: {} ({})",
                    shown::escaped(k),
                    shown::escaped(why)
                );
            }
            for l in &lines {
                let _ = writeln!(out, "{}", shown::escaped(l));
            }
            if !args.dry_run {
                let _ = writeln!(
                    out,
                    "audit record: {}",
                    shown::escaped(&lake.location(&key))
                );
            }
            out
        }
    };
    print(&out)?;
    Ok(
        if failed_storage > 0 || !published || !search.failed.is_empty() {
            Outcome::StorageFailed
        } else if failed_other > 0 || search.incomplete() || stale {
            Outcome::Incomplete
        } else {
            Outcome::Success
        },
    )
}

// ---------------------------------------------------------------------------------------
// watt lake recover

pub fn recover(args: &LakeRecoverArgs) -> Result<Outcome, CliError> {
    let opened = open(&args.lake)?;
    let mut said = Said::default();
    let outcome = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, who| {
            recover_in(lake, &opened.located, args, who, &mut said).await
        })
    });
    said.flush();
    outcome
}

async fn recover_in<L: Store>(
    lake: Arc<L>,
    located: &Located,
    args: &LakeRecoverArgs,
    who: Who,
    said: &mut Said,
) -> Result<Outcome, CliError> {
    let mut ctx = context(located, &args.lake, who, 5 << 20)?;
    let key = audit_key("recover", &ctx.operation.to_string(), ctx.started);
    let (mut recovered, lock) = match prepare(&*lake, &mut ctx, "recover", &key, said).await {
        Ok(p) => p,
        Err(o) => return Ok(o),
    };
    let (finished, rolled_back, kept) = (
        recovered.records.len(),
        recovered.rolled_back,
        recovered.kept,
    );
    let published = if recovered.records.is_empty() {
        recovered.forget();
        if let Err(e) = lock::release(&*lake, &ctx, lock).await {
            said.warn(&format!("the lake's lock could not be removed ({e})"));
        }
        true
    } else {
        let mut summary = Record::new(&ctx, "recover", Action::Operation);
        summary.objects_changed = Some(finished as u64);
        summary.objects_left = Some((rolled_back + kept) as u64);
        conclude(
            &*lake,
            &ctx,
            &key,
            Ending {
                recovered,
                changed: Vec::new(),
                summary,
                lock,
            },
            said,
            "recover",
        )
        .await
    };
    print(&format!(
        "watt lake recover: {finished} change(s) finished, {rolled_back} undone (run them again), {kept} left for a person to look at, in {}\n",
        shown::escaped(&lake.location(&ctx.prefix))
    ))?;
    Ok(if !published {
        Outcome::StorageFailed
    } else if rolled_back > 0 || kept > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Success
    })
}
