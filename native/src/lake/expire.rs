//! What the retention rules say about each object (`watt lake ls` shows it, `watt lake
//! expire` acts on it), and the expiry itself.
//!
//! An object's retention is what its manifest records (the dataset's and each column's,
//! from the schema at ingestion). A manifest written before watt recorded it takes the
//! retention of `--schema`, or, without `--schema`, of the bundled energy schema when that
//! is the schema the object was made with; otherwise its retention is unknown, and the
//! object is left alone and listed. The schedule itself (when the object goes, and the
//! columns that go first) is the core's, with the time as an argument (`--now`).

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use watt_core::Schema;
use watt_core::lake::schedule::{Due, Schedule};
use watt_core::retention::Retention;

use super::catalog::{Catalog, Item, ingested};
use super::rewrite::{Change, ChangeError, Changed, Rewrote, delete_expired, rewrite};
use super::{Context, Store};
use crate::ingest::manifest::RetentionInfo;

/// Where an object's retention comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Manifest,
    /// `--schema`, or the bundled schema the object was made with.
    Schema,
    /// Unknown: why.
    Unknown(String),
}

/// What the retention rules say about one object.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub key: String,
    pub ingested: Option<DateTime<Utc>>,
    /// The dataset's retention.
    pub retention: Option<String>,
    pub source: Source,
    pub schedule: Option<Schedule>,
    pub due: Option<Due>,
}

/// The schemas that can stand in for a manifest without retention.
#[derive(Debug)]
pub struct Fallback<'a> {
    /// `--schema`, for every such object.
    pub given: Option<&'a Schema>,
    /// The bundled schema, for the objects it made.
    pub bundled: &'a Schema,
}

impl Fallback<'_> {
    fn retention(&self, m: &crate::ingest::manifest::Manifest) -> Result<RetentionInfo, String> {
        let schema = match self.given {
            Some(s) => s,
            None if m.schema.sha256 == self.bundled.sha256 => self.bundled,
            None => {
                return Err(
                    "its manifest records no retention and it was made with another schema than the bundled one: give that schema (--schema)".into(),
                );
            }
        };
        let columns = m
            .minimisation
            .as_ref()
            .map(|x| x.columns_out.clone())
            .unwrap_or_default();
        Ok(RetentionInfo::of(schema, &columns))
    }
}

/// What the retention rules say about `item` at `now`.
pub fn assess(item: &Item, fallback: &Fallback<'_>, now: DateTime<Utc>) -> Assessed {
    let mut out = Assessed {
        key: item.key.clone(),
        ingested: None,
        retention: None,
        source: Source::Unknown(String::new()),
        schedule: None,
        due: None,
    };
    let Some(m) = &item.manifest else {
        out.source = Source::Unknown(item.problem.clone().unwrap_or_else(|| "no manifest".into()));
        return out;
    };
    out.ingested = ingested(m);
    let (info, source) = match &m.retention {
        Some(r) => (r.clone(), Source::Manifest),
        None => match fallback.retention(m) {
            Ok(r) => (r, Source::Schema),
            Err(why) => {
                out.source = Source::Unknown(why);
                return out;
            }
        },
    };
    let Some(start) = out.ingested else {
        out.source = Source::Unknown("its manifest has no readable ingestion time".into());
        return out;
    };
    let parse = |r: &str| Retention::parse(r).map_err(|e| e.to_string());
    let dataset = match info.dataset.as_deref().map(parse).transpose() {
        Ok(d) => d,
        Err(e) => {
            out.source = Source::Unknown(e);
            return out;
        }
    };
    let mut columns = Vec::new();
    for (name, r) in &info.columns {
        match parse(r) {
            Ok(r) => columns.push((name.as_str(), r)),
            Err(e) => {
                out.source = Source::Unknown(format!("column {name}: {e}"));
                return out;
            }
        }
    }
    let schedule = Schedule::new(start, dataset, columns);
    out.due = Some(schedule.due(now));
    out.schedule = Some(schedule);
    out.retention = info.dataset;
    out.source = source;
    out
}

/// The plan of an expiry: each object of the view, assessed.
pub fn plan(
    catalog: &Catalog,
    fallback: &Fallback<'_>,
    now: DateTime<Utc>,
) -> Vec<(Item, Assessed)> {
    catalog
        .view()
        .map(|item| (item.clone(), assess(item, fallback, now)))
        .collect()
}

/// What an expiry did to one object.
#[derive(Debug)]
pub enum Done {
    Changed(Box<Changed>),
    Unchanged,
    Failed(String, ChangeError),
}

/// Deletes the expired objects and rewrites those with expired columns, `jobs` at a time;
/// results in key order.
pub async fn apply<L: Store>(
    lake: &Arc<L>,
    ctx: &Arc<Context>,
    plan: &[(Item, Assessed)],
    now: DateTime<Utc>,
    audit_key: &str,
) -> Vec<Done> {
    let judged_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let limit = Arc::new(Semaphore::new(ctx.jobs.max(1)));
    let mut tasks = JoinSet::new();
    for (index, (item, a)) in plan.iter().enumerate() {
        let work = match &a.due {
            Some(Due::Expired { .. }) => a.retention.clone().map(Work::Delete),
            Some(Due::Columns { columns }) => Some(Work::Columns(columns.clone())),
            _ => None,
        };
        let Some(work) = work else { continue };
        let (lake, ctx, limit, item) = (
            Arc::clone(lake),
            Arc::clone(ctx),
            Arc::clone(&limit),
            item.clone(),
        );
        let (judged_at, audit_key) = (judged_at.clone(), audit_key.to_owned());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let done = match work {
                Work::Delete(retention) => {
                    match delete_expired(&*lake, &ctx, &item, &retention, &judged_at, &audit_key)
                        .await
                    {
                        Ok(c) => Done::Changed(Box::new(c)),
                        Err(e) => Done::Failed(item.key.clone(), e),
                    }
                }
                Work::Columns(columns) => {
                    let change = Change::Columns { columns };
                    match rewrite(&lake, &ctx, &item, &change, &audit_key, "expire").await {
                        Ok(Rewrote::Changed(c)) => Done::Changed(c),
                        Ok(Rewrote::Unchanged) => Done::Unchanged,
                        Err(e) => Done::Failed(item.key.clone(), e),
                    }
                }
            };
            (index, done)
        });
    }
    let mut done = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(d) = joined {
            done.push(d);
        }
    }
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, d)| d).collect()
}

enum Work {
    Delete(String),
    Columns(Vec<String>),
}
