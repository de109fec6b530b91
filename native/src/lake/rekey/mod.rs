//! `watt lake rekey`: every object whose manifest names a key other than the current one
//! is rewritten with its pseudonyms under the current key, so that once none is left the
//! old key can be destroyed.
//!
//! A pseudonym is a truncated HMAC of the identifier: it cannot be turned back into it, so
//! the lake alone cannot move it from key A to key B. The controller's identifiers
//! ([`identifiers`]) can: for each old key and pseudonymised column, the pseudonym of each
//! identifier is computed under A and, when the objects hold it, under B; that translation
//! ([`table`]) is what the rewrite applies, cell by cell (the core's row filter with a
//! [`Recode`]).
//!
//! For each batch of objects (in key order, as many as `--memory` lets the table hold):
//!
//! 1. each object is read once, and the distinct pseudonyms of its pseudonymised columns
//!    collected;
//! 2. the identifier files are read, and each pseudonym the objects hold is given its new
//!    value;
//! 3. each object is rewritten through [`super::rewrite`] (journaled, verified, create-only,
//!    the old one deleted with its versions, audited): its pseudonyms translated, its
//!    manifest naming the current key. A pseudonym that no identifier makes cannot be
//!    moved: the object is not rewritten (the rewrite stops at the first one and sends
//!    nothing), and stays under its old key; with `--sever-unmatched` it is replaced by a
//!    *severed token*, `prefix + hex(HMAC(B, "watt/v1/severed/" + domain + 0 + old
//!    pseudonym))` of the same length: deterministic, so the rows that shared it still
//!    share it, but no identifier leads to it any more — what destroying A does to those
//!    rows anyway.
//!
//! Empty cells stay empty. Nothing here ever writes, logs or shows a pseudonym or an
//! identifier: messages and audit records hold keys' fingerprints and counts.

pub mod identifiers;
pub mod table;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use watt_core::gdpr::{Normalise, Pseudonymisation};
use watt_core::lake::rows::{Plan, Recode, Recoded, RowFilter};
use watt_core::minimise::pseudonym_with;
use watt_core::{PseudonymKey, Schema};

use super::catalog::{Catalog, Item};
use super::expire::Done;
use super::rewrite::{Change, Rewrote, rewrite};
use super::{Context, Store};
use crate::ingest::lake::Lake;
use crate::ingest::manifest::Manifest;
use identifiers::{Identifiers, IdentifiersError};
use table::{Group, GroupId, Table};

/// Objects rewritten at once (each holds up to three parts of output in memory).
const REWRITES_AT_ONCE: usize = 2;

/// What every object of a batch is rekeyed with: the table and the key moved to.
#[derive(Debug)]
pub struct Rekeying {
    pub table: Table,
    pub to: PseudonymKey,
    /// Replace the pseudonyms no identifier makes by severed tokens, instead of leaving the
    /// object under its old key.
    pub sever: bool,
}

/// An object to move, and how.
#[derive(Debug, Clone)]
pub struct Move {
    pub item: Item,
    /// The key its manifest names.
    pub from: String,
    /// Its pseudonymised columns, each made as its manifest says.
    pub columns: Vec<(String, Pseudonymisation)>,
}

fn group_id(from: &str, column: &str, params: &Pseudonymisation) -> GroupId {
    GroupId {
        key_id: from.to_owned(),
        column: column.to_owned(),
        params: serde_json::to_string(params).unwrap_or_default(),
    }
}

/// What the lake holds, for a rekey to `to`.
#[derive(Debug, Default)]
pub struct Assessed {
    /// Objects under another key that is in the keyring.
    pub moves: Vec<Move>,
    /// Objects already under the current key.
    pub current: usize,
    /// Objects that cannot be moved, and why.
    pub cannot: Vec<(String, String)>,
    /// Objects by the key their manifest names (`-`: none).
    pub by_key: BTreeMap<String, usize>,
}

/// Sorts the objects readers see: already under `to`, to move, or not movable (their key
/// is not in the keyring, their pseudonymisation is unknown).
pub fn assess(
    catalog: &Catalog,
    schema: &Schema,
    to: &str,
    known: &impl Fn(&str) -> bool,
) -> Assessed {
    let mut out = Assessed::default();
    for item in catalog.unvouched() {
        out.cannot.push((
            item.key.clone(),
            item.problem.clone().unwrap_or_else(|| {
                "it has no manifest, so its key is unknown (an ingest may be writing it, or was stopped: the next `watt ingest` finishes it)".into()
            }),
        ));
    }
    for item in catalog.view() {
        let Some(m) = &item.manifest else { continue };
        let key = m.key_id.clone().unwrap_or_else(|| "-".into());
        *out.by_key.entry(key.clone()).or_default() += 1;
        match &m.key_id {
            Some(k) if k == to => out.current += 1,
            None => {
                if columns(m, schema).is_ok_and(|c| c.is_empty()) {
                    // Nothing pseudonymised: no key to move from.
                    out.current += 1;
                } else {
                    out.cannot.push((
                        item.key.clone(),
                        "its manifest names no pseudonymisation key".into(),
                    ));
                }
            }
            Some(k) if !known(k) => out.cannot.push((
                item.key.clone(),
                format!(
                    "it was made with key {k}, which is not in the keyring (give it: --previous-key-file, or the secret's version)"
                ),
            )),
            Some(k) => match columns(m, schema) {
                Ok(columns) => out.moves.push(Move {
                    item: item.clone(),
                    from: k.clone(),
                    columns,
                }),
                Err(why) => out.cannot.push((item.key.clone(), why)),
            },
        }
    }
    out.cannot.sort();
    out
}

/// The pseudonymised columns of an object and how each was made (its manifest's record;
/// older manifests: the schema's, when it made the object — as `watt lake find` reads them).
fn columns(m: &Manifest, schema: &Schema) -> Result<Vec<(String, Pseudonymisation)>, String> {
    let mut names: Vec<String> = m.pseudonyms.keys().cloned().collect();
    if m.pseudonyms.is_empty() {
        names.extend(
            schema
                .fields
                .iter()
                .filter(|f| {
                    matches!(
                        f.gdpr.as_ref().map(|g| &g.action),
                        Some(watt_core::gdpr::Action::Pseudonymise(_))
                    )
                })
                .map(|f| f.name.clone()),
        );
    }
    let mut out = Vec::new();
    for name in names {
        match super::find::params(m, &name, schema) {
            Ok(Some(p)) if (8..=32).contains(&p.bytes) => out.push((name, p)),
            Ok(Some(p)) => {
                return Err(format!(
                    "its manifest says column {name} keeps {} bytes of HMAC, which watt never writes",
                    p.bytes
                ));
            }
            Ok(None) => {}
            Err(why) => return Err(why),
        }
    }
    Ok(out)
}

/// Collects the distinct pseudonyms of an object's columns (step 1).
#[derive(Debug)]
struct Collector {
    names: Vec<String>,
    groups: Arc<Mutex<Vec<(GroupId, Group)>>>,
}

impl Recode for Collector {
    fn columns(&self) -> &[String] {
        &self.names
    }

    fn recode(&mut self, column: usize, cell: &[u8], _: &mut Vec<u8>) -> Recoded {
        if cell.is_empty() {
            return Recoded::Same;
        }
        let Ok(mut groups) = self.groups.lock() else {
            return Recoded::Refused;
        };
        if let Some((_, g)) = groups.get_mut(column) {
            match table::parse(&g.params, cell) {
                Some(id) => g.ids.push(&id),
                None => g.malformed += 1,
            }
        }
        Recoded::Same
    }
}

/// Moves an object's pseudonyms to the new key (step 3), or counts what it would do.
#[derive(Debug)]
pub struct Recoder {
    rekeying: Arc<Rekeying>,
    names: Vec<String>,
    groups: Vec<GroupId>,
    /// The severed-token pseudonymisation of each column.
    severing: Vec<Pseudonymisation>,
    severed: Arc<AtomicU64>,
    /// The last cell severed in each column and its token (rows of one meter follow each
    /// other).
    last: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Recoder {
    pub fn new(
        rekeying: &Arc<Rekeying>,
        from: &str,
        columns: &[(String, Pseudonymisation)],
        severed: Arc<AtomicU64>,
    ) -> Recoder {
        Recoder {
            rekeying: Arc::clone(rekeying),
            names: columns.iter().map(|(n, _)| n.clone()).collect(),
            groups: columns.iter().map(|(n, p)| group_id(from, n, p)).collect(),
            severing: columns.iter().map(|(_, p)| severing(p)).collect(),
            severed,
            last: vec![(Vec::new(), Vec::new()); columns.len()],
        }
    }
}

/// How a severed token is made for a column pseudonymised with `p` (see the module doc).
pub fn severing(p: &Pseudonymisation) -> Pseudonymisation {
    Pseudonymisation {
        domain: format!("severed/{}", p.domain),
        normalise: Normalise::None,
        bytes: p.bytes,
        prefix: p.prefix.clone(),
    }
}

impl Recode for Recoder {
    fn columns(&self) -> &[String] {
        &self.names
    }

    fn recode(&mut self, column: usize, cell: &[u8], out: &mut Vec<u8>) -> Recoded {
        if cell.is_empty() {
            return Recoded::Same;
        }
        let Some(id) = self.groups.get(column) else {
            return Recoded::Refused;
        };
        if let Some(g) = self.rekeying.table.groups.get(id) {
            if g.translate(cell, out) {
                return Recoded::Changed;
            }
        }
        if !self.rekeying.sever {
            return Recoded::Refused;
        }
        let (last, token) = &mut self.last[column];
        if last.as_slice() != cell {
            let old = String::from_utf8_lossy(cell);
            *token = pseudonym_with(&self.severing[column], &old, &self.rekeying.to).into_bytes();
            *last = cell.to_vec();
        }
        out.extend_from_slice(token);
        self.severed.fetch_add(1, Ordering::Relaxed);
        Recoded::Changed
    }
}

/// Reads an object through `recode` without writing anything; the tally.
async fn read_through<L: Lake>(
    lake: &L,
    item: &Item,
    recode: Box<dyn Recode>,
) -> Result<watt_core::lake::rows::Tally, String> {
    let location = lake.location(&item.key);
    let Some(mut body) = lake.get(&item.key).await.map_err(|e| e.to_string())? else {
        return Err(format!("{location}: it went away while the lake was read"));
    };
    let mut filter = RowFilter::new(Plan::default()).with_recode(recode);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    while let Some(chunk) = lake
        .chunk(&item.key, &mut body)
        .await
        .map_err(|e| e.to_string())?
    {
        filter
            .push(&chunk, &mut a, &mut b)
            .map_err(|e| format!("{location}: {e}"))?;
    }
    filter
        .finish(&mut a, &mut b)
        .map_err(|e| format!("{location}: {e}"))
}

/// Step 1 for one object: its distinct pseudonyms, by group.
async fn collect<L: Lake>(lake: &L, mv: &Move) -> Result<BTreeMap<GroupId, Group>, String> {
    let groups = Arc::new(Mutex::new(
        mv.columns
            .iter()
            .map(|(n, p)| (group_id(&mv.from, n, p), Group::new(p.clone())))
            .collect::<Vec<_>>(),
    ));
    let collector = Collector {
        names: mv.columns.iter().map(|(n, _)| n.clone()).collect(),
        groups: Arc::clone(&groups),
    };
    read_through(lake, &mv.item, Box::new(collector)).await?;
    let groups = std::mem::take(&mut *groups.lock().map_err(|_| "a reader failed".to_owned())?);
    let mut out: BTreeMap<GroupId, Group> = BTreeMap::new();
    for (id, mut g) in groups {
        g.ids.seal();
        match out.get_mut(&id) {
            Some(mine) => {
                mine.ids.extend(&g.ids);
                mine.malformed += g.malformed;
            }
            None => {
                out.insert(id, g);
            }
        }
    }
    Ok(out)
}

/// What a rekey is given.
#[derive(Debug)]
pub struct Options<'a> {
    pub schema: &'a Schema,
    pub identifiers: &'a [Identifiers],
    /// The keys of the ring, by fingerprint.
    pub keys: &'a BTreeMap<String, PseudonymKey>,
    pub to: &'a PseudonymKey,
    pub sever: bool,
    pub dry_run: bool,
    /// Memory the table of a batch may take before the batch is closed.
    pub budget: usize,
}

/// What became of one object.
#[derive(Debug)]
pub enum Moved {
    /// Rewritten (or, in a dry run, it would be: its cells recoded and severed).
    Done(Done),
    WouldMove {
        recoded: u64,
        severed: u64,
    },
    /// A dry run: it would stay under its old key, `cells` cells holding pseudonyms no
    /// identifier makes.
    WouldStay {
        cells: u64,
    },
    /// It could not be read (step 1).
    Unreadable(String),
}

/// The distinct pseudonyms of one old key: matched by an identifier, not, malformed cells.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub matched: u64,
    pub unmatched: u64,
    pub malformed: u64,
}

/// What a rekey did.
#[derive(Debug, Default)]
pub struct Report {
    /// Each object moved (or looked at), in key order.
    pub objects: Vec<(String, String, Moved)>,
    /// By old key.
    pub counts: BTreeMap<String, Counts>,
    /// Batches the objects were taken in (each read the identifier files once).
    pub batches: usize,
    /// Identifiers read (all batches).
    pub identifiers: u64,
    /// An identifier file that could not be read any more: the objects not yet moved stay.
    pub stopped: Option<IdentifiersError>,
}

/// Rekeys `moves` (see the module doc); the identifier files are checked first
/// ([`identifiers::check`]). One that cannot be read in a later batch stops the rekey there
/// ([`Report::stopped`]): the objects of that batch and after stay as they are.
pub async fn rekey<L: Store>(
    lake: &Arc<L>,
    ctx: &Arc<Context>,
    moves: Vec<Move>,
    opts: &Options<'_>,
    audit_key: &str,
) -> Report {
    let mut report = Report::default();
    let mut rest = moves.into_iter().peekable();
    while rest.peek().is_some() {
        // Step 1: collect, `jobs` objects at a time, until the table is full.
        let mut table = Table::default();
        let mut batch: Vec<Move> = Vec::new();
        while table.bytes() < opts.budget.max(1) {
            let some: Vec<Move> = rest.by_ref().take(ctx.jobs.max(1)).collect();
            if some.is_empty() {
                break;
            }
            let mut tasks = JoinSet::new();
            for (i, mv) in some.into_iter().enumerate() {
                let lake = Arc::clone(lake);
                tasks.spawn(async move {
                    let got = collect(&*lake, &mv).await;
                    (i, mv, got)
                });
            }
            let mut got = Vec::new();
            while let Some(Ok(x)) = tasks.join_next().await {
                got.push(x);
            }
            got.sort_by_key(|(i, _, _)| *i);
            for (_, mv, result) in got {
                match result {
                    Ok(groups) => {
                        table.merge(groups);
                        batch.push(mv);
                    }
                    Err(why) => report.objects.push((
                        mv.item.key.clone(),
                        mv.from.clone(),
                        Moved::Unreadable(why),
                    )),
                }
            }
        }
        if batch.is_empty() {
            continue;
        }
        report.batches += 1;
        // Step 2: the identifiers.
        table.ready();
        let columns = table.columns();
        let keys = |id: &str| opts.keys.get(id).cloned();
        for file in opts.identifiers {
            match identifiers::read(file, opts.schema, &columns, |c, v| {
                table.identifier(c, v, &keys, opts.to)
            }) {
                Ok(n) => report.identifiers += n,
                Err(e) => {
                    report.stopped = Some(e);
                    report.objects.sort_by(|a, b| a.0.cmp(&b.0));
                    return report;
                }
            }
        }
        for (id, g) in &table.groups {
            let c = report.counts.entry(id.key_id.clone()).or_default();
            c.matched += g.matched() as u64;
            c.unmatched += g.unmatched() as u64;
            c.malformed += g.malformed;
        }
        let rekeying = Arc::new(Rekeying {
            table,
            to: opts.to.clone(),
            sever: opts.sever,
        });
        // Step 3: the rewrites.
        let limit = Arc::new(Semaphore::new(ctx.jobs.clamp(1, REWRITES_AT_ONCE)));
        let mut tasks = JoinSet::new();
        for (index, mv) in batch.into_iter().enumerate() {
            let (lake, ctx, limit, rekeying) = (
                Arc::clone(lake),
                Arc::clone(ctx),
                Arc::clone(&limit),
                Arc::clone(&rekeying),
            );
            let (audit_key, dry_run) = (audit_key.to_owned(), opts.dry_run);
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let outcome = if dry_run {
                    let severed = Arc::new(AtomicU64::new(0));
                    let recoder =
                        Recoder::new(&rekeying, &mv.from, &mv.columns, Arc::clone(&severed));
                    match read_through(&*lake, &mv.item, Box::new(recoder)).await {
                        Ok(t) if t.refused > 0 => Moved::WouldStay { cells: t.refused },
                        Ok(t) => {
                            let severed = severed.load(Ordering::SeqCst);
                            Moved::WouldMove {
                                recoded: t.recoded - severed,
                                severed,
                            }
                        }
                        Err(why) => Moved::Unreadable(why),
                    }
                } else {
                    let change = Change::Rekey {
                        rekeying,
                        from: mv.from.clone(),
                        columns: mv.columns.clone(),
                    };
                    Moved::Done(
                        match rewrite(&lake, &ctx, &mv.item, &change, &audit_key, "rekey").await {
                            Ok(Rewrote::Changed(c)) => Done::Changed(c),
                            Ok(Rewrote::Unchanged) => Done::Unchanged,
                            Err(e) => Done::Failed(mv.item.key.clone(), e),
                        },
                    )
                };
                (index, mv.item.key, mv.from, outcome)
            });
        }
        let mut out = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            if let Ok(d) = joined {
                out.push(d);
            }
        }
        out.sort_by_key(|(i, _, _, _)| *i);
        report
            .objects
            .extend(out.into_iter().map(|(_, k, f, o)| (k, f, o)));
    }
    report.objects.sort_by(|a, b| a.0.cmp(&b.0));
    report
}
