//! `watt lake ls|expire|find|erase|rekey|recover`: the lake looked after once data has landed
//! (see [`crate::lake`]). This module parses the invocation (the store as `watt ingest`
//! resolves it, the schema, the keys, the person), runs the command on a tokio runtime
//! against the local lake or S3, and says what it found or did: results on standard output
//! (text, or JSON with `--format json`), notes and warnings on standard error. Keys,
//! locations and counts only: never a value or a pseudonym.
//!
//! One module per command ([`ls`], [`expire`], [`find`], [`erase`], [`rekey`], [`recover`]), and
//! [`person`], who a request is about; here, what they share: the store opened, the
//! operation's context, what is said on standard error, and the start and end of a
//! changing operation (recovery, the versions probe, the lock; the audit records).

use std::fmt::Write as _;
use std::io::{Read, Seek, Write as _};
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
use crate::lake::expire::{self as rules, Assessed, Done, Fallback, Source};
use crate::lake::find::{Keys, Person, Query, search_lake};
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

mod erase;
mod expire;
mod find;
mod ls;
mod person;
mod recover;
mod rekey;

pub use erase::erase;
pub use expire::expire;
pub use find::find;
pub use ls::ls;
use ls::status;
use person::{keys, person, search_json, search_text, search_warnings};
pub use recover::recover;
pub use rekey::rekey;
