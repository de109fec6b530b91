//! The one way `watt lake` changes an object: rewrite it (an erasure takes a person's rows
//! out; an expiry takes out columns whose retention ended; a rekey moves its pseudonyms to
//! the current key) or delete it (its retention ended). Both are journaled step by step (see [`super::journal`]).
//!
//! A rewrite, for an object and its manifest:
//!
//! 1. journal `started`; the object is read in chunks through the core's row filter, its
//!    bytes checked against its manifest (size, SHA-256, rows: an object that is not what
//!    its manifest says is not rewritten), and the output written to a new key, create-only
//!    (one PUT, or a multipart upload while it is read): `<old stem>_r<operation>.csv`
//!    beside the old one;
//! 2. the new object is read back whole: size, CRC-64/NVME, SHA-256 and rows must be what
//!    was sent; journal `written`, with the new manifest: the old one's, with the new
//!    object's facts, `supersedes` the old key, and the erasure (date, request id, rows
//!    removed) or the columns removed added to its history. The ingestion time is kept:
//!    retention still counts from it;
//! 3. the new manifest is stored (create-only): from here readers see the new object only;
//!    journal `switched`;
//! 4. the old object and its manifest are deleted, every version when the bucket keeps
//!    them; journal `done`, with the audit record, which the operation publishes.
//!
//! A deletion: journal `started` (with the retention that ended and when it was judged),
//! the object deleted then its manifest, every version when the bucket keeps them;
//! journal `done`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use watt_core::gdpr::Pseudonymisation;
use watt_core::lake::rows::{Plan, Recode, RowFilter, RowsError, Selection};

use super::audit::{Action, Record};
use super::catalog::{Item, ingested};
use super::journal::{Kind, State, Step, Tracked};
use super::{Context, Store, delete_all, manifest_key};
use crate::ingest::integrity::{Hashing, Sums};
use crate::ingest::lake::{Lake, LakeError, Stored};
use crate::ingest::manifest::{ColumnExpiry, Erasure, Manifest, Rekey, Verification};
use crate::ingest::pipeline::{InFlight, RawPart, now, put_manifest, uncertain};

/// Parts of a rewritten object sent at once.
const PARTS_IN_FLIGHT: usize = 2;

/// The key of the object that replaces `old` in operation `operation`: beside it, its stem
/// (without an earlier rewrite's suffix) and `_r<operation>`.
pub fn rewritten_key(old: &str, operation: &str) -> String {
    let stem = old.strip_suffix(".csv").unwrap_or(old);
    let base = match stem.rsplit_once("_r") {
        Some((base, id))
            if id.len() == 16
                && id
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            base
        }
        _ => stem,
    };
    format!("{base}_r{operation}.csv")
}

/// What a rewrite takes out of an object.
#[derive(Debug, Clone)]
pub enum Change {
    /// A person's rows: those whose `field` holds one of `pseudonyms`.
    Erase {
        field: String,
        request_id: String,
        pseudonyms: BTreeSet<String>,
    },
    /// Columns whose retention ended.
    Columns { columns: Vec<String> },
    /// The pseudonyms of `columns`, made under key `from`, moved to the rekey's key.
    Rekey {
        rekeying: Arc<super::rekey::Rekeying>,
        from: String,
        columns: Vec<(String, Pseudonymisation)>,
    },
}

/// Why a change could not be made. Messages name objects and counts, never data.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Store(#[from] LakeError),
    #[error("cannot record the change in the journal ({0}): nothing was changed")]
    Journal(std::io::Error),
    #[error("{location} is not what its manifest says ({what}): it is not changed")]
    Differs { location: String, what: String },
    #[error("{location}: {source}")]
    Rows { location: String, source: RowsError },
    #[error(
        "the new object {location} read back is not what was sent ({what}): it was deleted, and the old object stays"
    )]
    Verify { location: String, what: String },
    #[error(
        "{location}: {cells} cell(s) of its first {rows} row(s) hold pseudonyms that no identifier given makes: it is not rewritten (give those identifiers, or --sever-unmatched)"
    )]
    Unmatched {
        location: String,
        cells: u64,
        rows: u64,
    },
}

impl ChangeError {
    /// Whether the store failed (exit 3), rather than the object (exit 1).
    pub fn is_storage(&self) -> bool {
        matches!(self, ChangeError::Store(_) | ChangeError::Journal(_))
    }
}

/// A change made: its audit record, and its journal entry (`done`), to remove once the
/// record is published.
#[derive(Debug)]
pub struct Changed {
    pub record: Record,
    pub tracked: Tracked,
}

/// What became of a rewrite.
#[derive(Debug)]
pub enum Rewrote {
    Changed(Box<Changed>),
    /// Nothing to take out after all (the object changed since it was searched).
    Unchanged,
}

/// Rewrites the object of `item` (see the module doc). `command` names the operation in
/// the audit record.
pub async fn rewrite<L: Store>(
    lake: &Arc<L>,
    ctx: &Context,
    item: &Item,
    change: &Change,
    audit_key: &str,
    command: &str,
) -> Result<Rewrote, ChangeError> {
    let Some(old) = &item.manifest else {
        return Ok(Rewrote::Unchanged);
    };
    let new_key = rewritten_key(&item.key, &ctx.operation.to_string());
    let mut step = Step::new(&**lake, ctx, Kind::Rewrite, &item.key, audit_key);
    step.new_key = Some(new_key.clone());
    let mut record = Record::new(ctx, command, Action::Erased);
    record.object = Some(item.key.clone());
    record.manifest = Some(manifest_key(&item.key));
    record.new_object = Some(new_key.clone());
    let severed = Arc::new(AtomicU64::new(0));
    let mut recode: Option<Box<dyn Recode>> = None;
    let plan = match change {
        Change::Erase {
            field,
            request_id,
            pseudonyms,
        } => {
            record.request_id = Some(request_id.clone());
            record.field = Some(field.clone());
            Plan {
                select: Some(Selection::new(field, pseudonyms)),
                drop_columns: Vec::new(),
                keep_rest: true,
                keep_selected: false,
            }
        }
        Change::Columns { columns } => {
            record.action = Action::ColumnsExpired;
            Plan {
                select: None,
                drop_columns: columns.clone(),
                keep_rest: true,
                keep_selected: false,
            }
        }
        Change::Rekey {
            rekeying,
            from,
            columns,
        } => {
            record.action = Action::Rekeyed;
            record.key_id_from = Some(from.clone());
            record.key_id_to = Some(rekeying.to.id().to_owned());
            recode = Some(Box::new(super::rekey::Recoder::new(
                rekeying,
                from,
                columns,
                Arc::clone(&severed),
            )));
            Plan {
                keep_rest: true,
                ..Plan::default()
            }
        }
    };
    step.record = Some(record.clone());
    let mut tracked = ctx
        .journal
        .start(step, ctx.next_entry())
        .map_err(ChangeError::Journal)?;
    let written =
        match write_new(lake, ctx, item, old, (plan, recode), &new_key, &mut tracked).await {
            Ok(Some(written)) => written,
            Ok(None) => {
                tracked.remove();
                return Ok(Rewrote::Unchanged);
            }
            Err((e, left)) => {
                if !left {
                    tracked.remove();
                }
                return Err(e);
            }
        };
    let location = lake.location(&new_key);
    if let Err(e) = verify(&**lake, &new_key, &written).await {
        // The new object has no manifest: nobody counts it. It goes, and the old stays.
        if delete_all(&**lake, ctx.versioning, &new_key).await.is_ok() {
            tracked.remove();
        }
        return Err(match e {
            VerifyError::Store(e) => e.into(),
            VerifyError::Differs(what) => ChangeError::Verify { location, what },
        });
    }
    let severed = severed.load(Ordering::SeqCst);
    let manifest = new_manifest(lake.as_ref(), ctx, old, &new_key, change, &written, severed);
    record.rows = Some(written.rows);
    if let Change::Rekey { .. } = change {
        record.cells_recoded = Some(written.recoded - severed);
        record.cells_severed = Some(severed);
    } else {
        record.rows_removed = Some(written.removed);
    }
    record.columns_removed = written.dropped.clone();
    tracked
        .update(|s| {
            s.state = State::Written;
            s.manifest = Some(manifest.clone());
            s.record = Some(record.clone());
        })
        .map_err(ChangeError::Journal)?;
    // From here on the journal can finish the change: errors leave the entry.
    put_manifest(&**lake, &manifest).await?;
    tracked
        .update(|s| s.state = State::Switched)
        .map_err(ChangeError::Journal)?;
    let versions = delete_all(&**lake, ctx.versioning, &item.key).await?;
    delete_all(&**lake, ctx.versioning, &manifest_key(&item.key)).await?;
    record.versions_deleted = ctx.versioning.keeps_versions().then_some(versions);
    record.time = super::audit::now();
    tracked
        .update(|s| {
            s.state = State::Done;
            s.record = Some(record.clone());
        })
        .map_err(ChangeError::Journal)?;
    Ok(Rewrote::Changed(Box::new(Changed { record, tracked })))
}

/// What was written: the sums sent, what the store said, the rows.
#[derive(Debug)]
struct Written {
    sums: Sums,
    stored: Stored,
    parts: u32,
    rows: u64,
    removed: u64,
    dropped: Vec<String>,
    /// Cells recoded (a rekey).
    recoded: u64,
    part_size: usize,
}

/// Reads the old object through the filter and writes the new one. `Ok(None)`: nothing to
/// take out (nothing was written). On error, whether the journal entry must stay (the
/// store may hold something of the write).
async fn write_new<L: Store>(
    lake: &Arc<L>,
    ctx: &Context,
    item: &Item,
    old: &Manifest,
    (plan, recode): (Plan, Option<Box<dyn Recode>>),
    new_key: &str,
    tracked: &mut Tracked,
) -> Result<Option<Written>, (ChangeError, bool)> {
    let location = lake.location(&item.key);
    let Some(mut body) = lake.get(&item.key).await.map_err(|e| (e.into(), false))? else {
        return Err((
            ChangeError::Differs {
                location,
                what: "it is no longer there".into(),
            },
            false,
        ));
    };
    // A rekey writes a new object even when no cell changes: its manifest names the new key.
    let rekey = recode.is_some();
    let mut filter = RowFilter::new(plan);
    if let Some(r) = recode {
        filter = filter.with_recode(r);
    }
    let unmatched = |filter: &RowFilter, location: &str| {
        let t = filter.tally();
        (t.refused > 0).then(|| ChangeError::Unmatched {
            location: location.to_owned(),
            cells: t.refused,
            rows: t.rows,
        })
    };
    let (mut old_sums, mut new_sums) = (Hashing::default(), Hashing::default());
    let mut buf: Vec<u8> = Vec::new();
    let mut none = Vec::new();
    let mut flight: Option<InFlight<L>> = None;
    let (mut number, mut offset) = (1u32, 0u64);
    let result: Result<(), ChangeError> = async {
        while let Some(chunk) = lake.chunk(&item.key, &mut body).await? {
            old_sums.update(&chunk);
            filter
                .push(&chunk, &mut buf, &mut none)
                .map_err(|source| ChangeError::Rows {
                    location: location.clone(),
                    source,
                })?;
            // A pseudonym that cannot be moved: the object stays as it is (nothing is sent).
            if let Some(e) = unmatched(&filter, &location) {
                return Err(e);
            }
            // A full part goes once more output follows: the last part is never empty.
            while buf.len() > ctx.part_size {
                let rest = buf.split_off(ctx.part_size);
                let part = std::mem::replace(&mut buf, rest);
                new_sums.update(&part);
                if flight.is_none() {
                    tracked
                        .update(|s| s.multipart = true)
                        .map_err(ChangeError::Journal)?;
                    let upload = lake.begin(new_key).await?;
                    if let Some(id) = L::pending_id(&upload) {
                        tracked
                            .update(|s| s.upload_id = Some(id.to_owned()))
                            .map_err(ChangeError::Journal)?;
                    }
                    flight = Some(InFlight::new(Arc::clone(lake), upload, PARTS_IN_FLIGHT));
                }
                if let Some(f) = &mut flight {
                    while f.tasks.len() >= f.limit {
                        f.next().await?;
                    }
                    let len = part.len() as u64;
                    f.spawn(RawPart {
                        number,
                        offset,
                        bytes: Bytes::from(part),
                    });
                    number += 1;
                    offset += len;
                }
            }
        }
        Ok(())
    }
    .await;
    let abort = |flight: Option<InFlight<L>>| async move {
        match flight {
            Some(mut f) => {
                f.tasks.abort_all();
                while f.tasks.join_next().await.is_some() {}
                // An upload that cannot be aborted stays in the journal.
                lake.abort(&f.upload).await.is_err()
            }
            None => false,
        }
    };
    if let Err(e) = result {
        let left = abort(flight).await;
        return Err((e, left));
    }
    let tally = match filter.finish(&mut buf, &mut none) {
        Ok(t) if t.refused > 0 => {
            let left = abort(flight).await;
            return Err((
                ChangeError::Unmatched {
                    location,
                    cells: t.refused,
                    rows: t.rows,
                },
                left,
            ));
        }
        Ok(t) => t,
        Err(source) => {
            let left = abort(flight).await;
            return Err((ChangeError::Rows { location, source }, left));
        }
    };
    let old_sums = old_sums.finish();
    let differs = if old_sums.bytes != old.object.bytes {
        Some(format!(
            "{} bytes, the manifest says {}",
            old_sums.bytes, old.object.bytes
        ))
    } else if old_sums.sha256_hex() != old.object.sha256 {
        Some("its SHA-256 differs from the manifest's".into())
    } else if tally.rows != old.object.rows {
        Some(format!(
            "{} rows, the manifest says {}",
            tally.rows, old.object.rows
        ))
    } else {
        None
    };
    if let Some(what) = differs {
        let left = abort(flight).await;
        return Err((ChangeError::Differs { location, what }, left));
    }
    if tally.selected == 0 && tally.dropped.is_empty() && !rekey {
        let left = abort(flight).await;
        return if left {
            Err((
                ChangeError::Store(LakeError::Store {
                    operation: "AbortMultipartUpload",
                    location: lake.location(new_key),
                    detail:
                        "the upload of a rewrite that turned out not needed could not be aborted"
                            .into(),
                }),
                true,
            ))
        } else {
            Ok(None)
        };
    }
    new_sums.update(&buf);
    let sums = new_sums.finish();
    let stored = match flight {
        None => match lake.put_small(new_key, Bytes::from(buf), &sums).await {
            Ok(stored) => stored,
            Err(e) => {
                let left = uncertain(&e);
                return Err((e.into(), left));
            }
        },
        Some(mut f) => {
            let last = RawPart {
                number,
                offset,
                bytes: Bytes::from(buf),
            };
            f.spawn(last);
            if let Err(e) = f.all().await {
                let left = abort(Some(f)).await;
                return Err((e.into(), left));
            }
            f.done.sort_by_key(|d| d.number);
            let parts = std::mem::take(&mut f.done);
            match lake.commit(&f.upload, parts, &sums).await {
                Ok(stored) => stored,
                Err(e) => {
                    let maybe = uncertain(&e);
                    let left = abort(Some(f)).await || maybe;
                    return Err((e.into(), left));
                }
            }
        }
    };
    if stored
        .crc64nvme
        .as_ref()
        .is_some_and(|c| *c != sums.crc64_base64())
    {
        // The store kept something else: it has no manifest; the journal's next run
        // deletes it (the entry says `started`).
        return Err((
            ChangeError::Store(LakeError::Mismatch {
                location: lake.location(new_key),
                what: "CRC-64/NVME",
                reported: stored.crc64nvme.clone().unwrap_or_default(),
                sent: sums.crc64_base64(),
            }),
            true,
        ));
    }
    Ok(Some(Written {
        sums,
        stored,
        parts: number,
        rows: tally.kept,
        removed: tally.selected,
        dropped: tally.dropped,
        recoded: tally.recoded,
        part_size: ctx.part_size,
    }))
}

enum VerifyError {
    Store(LakeError),
    Differs(String),
}

/// Reads the new object back whole: size, CRC-64/NVME, SHA-256 and rows must be those sent.
async fn verify<L: Lake>(lake: &L, key: &str, written: &Written) -> Result<(), VerifyError> {
    let Some(mut body) = lake.get(key).await.map_err(VerifyError::Store)? else {
        return Err(VerifyError::Differs("it is not there".into()));
    };
    let mut sums = Hashing::default();
    let mut rows = RowFilter::new(Plan::default());
    let (mut a, mut b) = (Vec::new(), Vec::new());
    while let Some(chunk) = lake
        .chunk(key, &mut body)
        .await
        .map_err(VerifyError::Store)?
    {
        sums.update(&chunk);
        rows.push(&chunk, &mut a, &mut b)
            .map_err(|e| VerifyError::Differs(e.to_string()))?;
    }
    let tally = rows
        .finish(&mut a, &mut b)
        .map_err(|e| VerifyError::Differs(e.to_string()))?;
    let sums = sums.finish();
    if sums != written.sums {
        return Err(VerifyError::Differs(format!(
            "{} bytes, CRC-64/NVME {}; {} bytes, {} were sent",
            sums.bytes,
            sums.crc64_base64(),
            written.sums.bytes,
            written.sums.crc64_base64()
        )));
    }
    if tally.rows != written.rows {
        return Err(VerifyError::Differs(format!(
            "{} rows, {} were written",
            tally.rows, written.rows
        )));
    }
    Ok(())
}

/// The new object's manifest: the old one's, with the new object's facts and the change
/// added to its history.
fn new_manifest<L: Lake>(
    lake: &L,
    ctx: &Context,
    old: &Manifest,
    new_key: &str,
    change: &Change,
    written: &Written,
    severed: u64,
) -> Manifest {
    let mut m = old.clone();
    let date = now();
    m.object.location = lake.location(new_key);
    m.object.key = new_key.to_owned();
    m.object.bytes = written.sums.bytes;
    m.object.rows = written.rows;
    m.object.checksum.value = written.sums.crc64_base64();
    m.object.sha256 = written.sums.sha256_hex();
    m.object.parts = written.parts;
    m.object.part_size = (written.parts > 1).then_some(written.part_size as u64);
    m.object.encryption.requested = ctx.sse_requested.clone();
    m.object.encryption.reported = written.stored.encryption.clone();
    m.object.etag = written.stored.etag.clone();
    m.verification = Verification {
        store_checksum: match &written.stored.crc64nvme {
            Some(_) => "matched".into(),
            None => "not returned".into(),
        },
        head: "read back: matched".into(),
        checksum_confirmed: true,
        recovered_by: None,
    };
    m.supersedes = Some(old.object.key.clone());
    m.times.manifest_written = date.clone();
    match change {
        Change::Erase {
            field, request_id, ..
        } => m.erasures.push(Erasure {
            date,
            request_id: request_id.clone(),
            field: field.clone(),
            rows_removed: written.removed,
            operation: ctx.operation.to_string(),
        }),
        Change::Columns { .. } => {
            for c in &written.dropped {
                if let Some(r) = &mut m.retention {
                    r.columns.remove(c);
                }
                m.pseudonyms.remove(c);
            }
            m.column_expiries.push(ColumnExpiry {
                date,
                columns: written.dropped.clone(),
                operation: ctx.operation.to_string(),
            });
        }
        Change::Rekey { rekeying, from, .. } => {
            m.key_id = Some(rekeying.to.id().to_owned());
            m.rekeys.push(Rekey {
                date,
                from_key_id: from.clone(),
                to_key_id: rekeying.to.id().to_owned(),
                cells_recoded: written.recoded - severed,
                cells_severed: severed,
                operation: ctx.operation.to_string(),
            });
        }
    }
    m
}

/// Deletes an expired object and its manifest (see the module doc). `retention` is the
/// period that ended; `judged_at` when it was judged.
pub async fn delete_expired<L: Store>(
    lake: &L,
    ctx: &Context,
    item: &Item,
    retention: &str,
    judged_at: &str,
    audit_key: &str,
) -> Result<Changed, ChangeError> {
    let mut record = Record::new(ctx, "expire", Action::Expired);
    record.object = Some(item.key.clone());
    record.manifest = Some(manifest_key(&item.key));
    record.rows = item.manifest.as_ref().map(|m| m.object.rows);
    let end = item.manifest.as_ref().and_then(ingested).and_then(|start| {
        watt_core::retention::Retention::parse(retention)
            .ok()?
            .end(start)
    });
    record.reason = Some(match end {
        Some(end) => format!(
            "retention {retention} ended {}",
            end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        None => format!("retention {retention} ended"),
    });
    let mut step = Step::new(lake, ctx, Kind::Delete, &item.key, audit_key);
    step.retention = Some(retention.to_owned());
    step.judged_at = Some(judged_at.to_owned());
    step.record = Some(record.clone());
    let mut tracked = ctx
        .journal
        .start(step, ctx.next_entry())
        .map_err(ChangeError::Journal)?;
    let versions = delete_all(lake, ctx.versioning, &item.key).await?;
    delete_all(lake, ctx.versioning, &manifest_key(&item.key)).await?;
    record.versions_deleted = ctx.versioning.keeps_versions().then_some(versions);
    record.time = super::audit::now();
    tracked
        .update(|s| {
            s.state = State::Done;
            s.record = Some(record.clone());
        })
        .map_err(ChangeError::Journal)?;
    Ok(Changed { record, tracked })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_key_sits_beside_the_old_and_does_not_grow() {
        let op = "0123456789abcdef";
        let first = rewritten_key("p/2024/01/15/sample_aaaaaaaaaaaaaaaa_082231.csv", op);
        assert_eq!(
            first,
            "p/2024/01/15/sample_aaaaaaaaaaaaaaaa_082231_r0123456789abcdef.csv"
        );
        assert_eq!(
            rewritten_key(&first, "fedcba9876543210"),
            "p/2024/01/15/sample_aaaaaaaaaaaaaaaa_082231_rfedcba9876543210.csv"
        );
        // A source name that ends like a suffix but is not one is kept.
        assert_eq!(
            rewritten_key("p/a_rx.csv", op),
            "p/a_rx_r0123456789abcdef.csv"
        );
    }
}
