//! Where a person's rows are (`watt lake find`, and the first pass of `watt lake erase`).
//!
//! The lake holds pseudonyms, not identifiers: for each object, the person's identifiers
//! are pseudonymised as that object's were — under the key its manifest names (`keyId`;
//! every key in use must be given: a rotated key is needed for the objects it made), with
//! the column's pseudonymisation as the manifest records it (older manifests: the schema's,
//! when it is the schema the object was made with). The object is then streamed through
//! the core's row filter, `jobs` objects at a time, and the rows whose column holds one of
//! the pseudonyms are counted (and, for an export, handed over as stored).
//!
//! An object that cannot be searched (its key not given, no manifest, made with another
//! schema that its manifest does not describe) is said, by key and reason: the answer to
//! the person is incomplete until it is. The pseudonyms themselves are never shown.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use watt_core::gdpr::{Action, Pseudonymisation};
use watt_core::lake::rows::{Plan, RowFilter, Selection, Tally};
use watt_core::minimise::pseudonym_with;
use watt_core::{PseudonymKey, Schema};

use super::catalog::{Catalog, Item};
use crate::ingest::lake::{Lake, LakeError};
use crate::ingest::manifest::Manifest;

/// Who a request is about: a pseudonymised field and the person's identifiers (held in
/// memory only; never written, logged or shown).
pub struct Person {
    pub field: String,
    pub values: Vec<String>,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Person({}, {} value(s))", self.field, self.values.len())
    }
}

/// The keys given, by fingerprint.
#[derive(Debug, Default)]
pub struct Keys(pub BTreeMap<String, PseudonymKey>);

/// How one object is to be searched, or why it cannot be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Rows whose column holds one of these pseudonyms.
    Search(BTreeSet<String>),
    /// The object has no such column: nothing of the person can be in it.
    Absent,
    /// It cannot be searched: why.
    Cannot(String),
}

/// The pseudonyms already computed, by key fingerprint and pseudonymisation: most objects
/// share both, so each set is computed once.
pub type Memo = BTreeMap<(String, String), BTreeSet<String>>;

/// How to search the object of `item` for `person` (see the module doc).
pub fn plan(item: &Item, person: &Person, keys: &Keys, schema: &Schema, memo: &mut Memo) -> Target {
    let Some(m) = &item.manifest else {
        return Target::Cannot(match &item.problem {
            Some(p) => p.clone(),
            None => "it has no manifest (an ingest may be writing it, or was stopped: the next `watt ingest` finishes it)".into(),
        });
    };
    let columns = m.minimisation.as_ref().map(|x| x.columns_out.as_slice());
    let params = match params(m, &person.field, schema) {
        Ok(Some(p)) => p,
        Ok(None) => return Target::Absent,
        Err(why) => {
            // A column the object does not have holds nothing of anybody.
            if columns.is_some_and(|c| !c.contains(&person.field)) {
                return Target::Absent;
            }
            return Target::Cannot(why);
        }
    };
    let Some(key_id) = &m.key_id else {
        return Target::Cannot("its manifest names no pseudonymisation key".into());
    };
    let Some(key) = keys.0.get(key_id) else {
        return Target::Cannot(format!(
            "it was made with key {key_id}, which is not in the keyring (give it: --previous-key-file, or the secret's version)"
        ));
    };
    let id = (
        key_id.clone(),
        serde_json::to_string(&params).unwrap_or_default(),
    );
    let pseudonyms = memo.entry(id).or_insert_with(|| {
        person
            .values
            .iter()
            .map(|v| pseudonym_with(&params, v, key))
            .collect()
    });
    Target::Search(pseudonyms.clone())
}

/// How `field` was pseudonymised in the object: `Ok(None)` when it is not a column of it.
pub fn params(
    m: &Manifest,
    field: &str,
    schema: &Schema,
) -> Result<Option<Pseudonymisation>, String> {
    if let Some(p) = m.pseudonyms.get(field) {
        return Ok(Some(p.clone()));
    }
    let columns = m.minimisation.as_ref().map(|x| &x.columns_out);
    if columns.is_some_and(|c| !c.iter().any(|c| c == field)) {
        return Ok(None);
    }
    if !m.pseudonyms.is_empty() {
        return Err(format!("its column {field} is not pseudonymised"));
    }
    // A manifest written before watt recorded pseudonymisations: the schema's, if it is
    // the schema the object was made with.
    if m.schema.sha256 != schema.sha256 {
        return Err(format!(
            "it was made with another schema (SHA-256 {}) and its manifest does not record how {field} was pseudonymised: give that schema (--schema)",
            short(&m.schema.sha256)
        ));
    }
    match schema
        .field(field)
        .and_then(|f| f.gdpr.as_ref())
        .map(|g| &g.action)
    {
        Some(Action::Pseudonymise(p)) => Ok(Some(p.clone())),
        _ => Err(format!("the schema does not pseudonymise {field}")),
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// What the search of one object found.
#[derive(Debug, Clone)]
pub struct Found {
    pub key: String,
    pub tally: Tally,
    /// The selected rows as stored (with `keep`).
    pub rows: Vec<u8>,
    /// The object is not what its manifest says (its size or rows): said, searched anyway.
    pub differs: Option<String>,
}

/// Why an object could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Store(#[from] LakeError),
    #[error("{location}: {detail}")]
    Unreadable { location: String, detail: String },
}

/// Streams one object through the row filter.
pub async fn search<L: Lake>(
    lake: &L,
    item: &Item,
    field: &str,
    pseudonyms: &BTreeSet<String>,
    keep: bool,
) -> Result<Found, SearchError> {
    let location = lake.location(&item.key);
    let Some(mut body) = lake.get(&item.key).await? else {
        return Err(SearchError::Unreadable {
            location,
            detail: "it went away while the lake was searched".into(),
        });
    };
    let mut filter = RowFilter::new(Plan {
        select: Some(Selection::new(field, pseudonyms)),
        drop_columns: Vec::new(),
        keep_rest: false,
        keep_selected: keep,
    });
    let (mut none, mut rows) = (Vec::new(), Vec::new());
    let mut bytes = 0u64;
    let unreadable = |e: watt_core::lake::rows::RowsError| SearchError::Unreadable {
        location: location.clone(),
        detail: e.to_string(),
    };
    while let Some(chunk) = lake.chunk(&item.key, &mut body).await? {
        bytes += chunk.len() as u64;
        filter
            .push(&chunk, &mut none, &mut rows)
            .map_err(unreadable)?;
    }
    let tally = filter.finish(&mut none, &mut rows).map_err(unreadable)?;
    let differs = item.manifest.as_ref().and_then(|m| {
        if m.object.bytes != bytes {
            Some(format!(
                "{bytes} bytes, its manifest says {}",
                m.object.bytes
            ))
        } else if m.object.rows != tally.rows {
            Some(format!(
                "{} rows, its manifest says {}",
                tally.rows, m.object.rows
            ))
        } else {
            None
        }
    });
    Ok(Found {
        key: item.key.clone(),
        tally,
        rows,
        differs,
    })
}

/// The search of a whole lake.
#[derive(Debug, Default)]
pub struct Search {
    /// Objects searched (readers' view), with what was found, in key order.
    pub found: Vec<Found>,
    /// Objects that have no such column.
    pub absent: Vec<String>,
    /// Objects that could not be searched, and why.
    pub cannot: Vec<(String, String)>,
    /// Objects whose reading failed (the store), and why.
    pub failed: Vec<(String, String)>,
    /// Pseudonyms of each searched object (for an erasure; never shown).
    pub pseudonyms: BTreeMap<String, BTreeSet<String>>,
}

impl Search {
    /// Objects holding the person's rows.
    pub fn matched(&self) -> impl Iterator<Item = &Found> {
        self.found.iter().filter(|f| f.tally.selected > 0)
    }

    pub fn rows(&self) -> u64 {
        self.found.iter().map(|f| f.tally.selected).sum()
    }

    /// Whether part of the lake could not be searched.
    pub fn incomplete(&self) -> bool {
        !self.cannot.is_empty() || !self.failed.is_empty()
    }
}

/// What to search the lake for, and how.
#[derive(Debug)]
pub struct Query<'a> {
    pub person: &'a Person,
    pub keys: &'a Keys,
    /// For objects whose manifest does not record the pseudonymisation.
    pub schema: &'a Schema,
    /// Objects read at once.
    pub jobs: usize,
    /// Hand over the rows found (an export), or only count them.
    pub keep: bool,
}

/// Searches every object readers see (and says which objects it cannot), `jobs` at a
/// time; `sink` gets each object's rows found as they come (with `keep`: an export).
pub async fn search_lake<L: Lake>(
    lake: &Arc<L>,
    catalog: &Catalog,
    query: &Query<'_>,
    mut sink: impl FnMut(&Found) -> std::io::Result<()>,
) -> Result<Search, std::io::Error> {
    let Query {
        person,
        keys,
        schema,
        jobs,
        keep,
    } = *query;
    let mut out = Search::default();
    for item in catalog.unvouched() {
        let why = item.problem.clone().unwrap_or_else(|| {
            "it has no manifest (an ingest may be writing it, or was stopped: the next `watt ingest` finishes it)".into()
        });
        out.cannot.push((item.key.clone(), why));
    }
    let limit = Arc::new(Semaphore::new(jobs.max(1)));
    let mut tasks = JoinSet::new();
    let mut memo = Memo::new();
    for item in catalog.view() {
        match plan(item, person, keys, schema, &mut memo) {
            Target::Absent => out.absent.push(item.key.clone()),
            Target::Cannot(why) => out.cannot.push((item.key.clone(), why)),
            Target::Search(pseudonyms) => {
                out.pseudonyms.insert(item.key.clone(), pseudonyms.clone());
                let (lake, limit, item, field) = (
                    Arc::clone(lake),
                    Arc::clone(&limit),
                    item.clone(),
                    person.field.clone(),
                );
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await;
                    let found = search(&*lake, &item, &field, &pseudonyms, keep).await;
                    (item.key, found)
                });
            }
        }
    }
    while let Some(joined) = tasks.join_next().await {
        let Ok((key, found)) = joined else { continue };
        match found {
            Ok(mut found) => {
                if found.tally.selected > 0 && keep {
                    sink(&found)?;
                }
                // The rows are in the sink now.
                found.rows = Vec::new();
                out.found.push(found);
            }
            Err(e) => out.failed.push((key, e.to_string())),
        }
    }
    out.found.sort_by(|a, b| a.key.cmp(&b.key));
    out.cannot.sort();
    out.failed.sort();
    out.absent.sort();
    Ok(out)
}
