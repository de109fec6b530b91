//! `watt lake rekey`: the objects made under older keys moved to the current key, and, key
//! by key, whether any object still needs it (when none does, it can be destroyed).

use std::collections::BTreeMap;

use super::*;
use crate::cli::LakeRekeyArgs;
use crate::lake::expire::Done as Rewritten;
use crate::lake::rekey::identifiers::{self, Identifiers};
use crate::lake::rekey::{self as rekeying, Assessed, Moved};

pub fn rekey(args: &LakeRekeyArgs) -> Result<Outcome, CliError> {
    let schema = match &args.schema {
        Some(p) => load_schema(p)?,
        None => bundled()?,
    };
    let ring = crate::key::load_ring(&args.keys)?.ok_or(CliError::NoKey)?;
    let to = ring.current().clone();
    if args.to != "CURRENT" && args.to != to.id() {
        return Err(CliError::Lake(format!(
            "--to {}: the keyring's current key is {}; rekey moves objects to the current key only (CURRENT, or its fingerprint): rotate first (`watt key rotate`)",
            shown::escaped(&args.to),
            to.id()
        )));
    }
    let files: Vec<Identifiers> = args
        .identifiers
        .iter()
        .map(|p| Identifiers {
            path: p.clone(),
            field: args.field.clone(),
        })
        .collect();
    let part_size = part_size(args.part_size)?;
    let opened = open(&args.lake)?;
    let mut said = Said::default();
    let keys: BTreeMap<String, watt_core::PseudonymKey> = ring
        .keys()
        .iter()
        .map(|k| (k.key.id().to_owned(), k.key.clone()))
        .collect();
    let given = Given {
        schema: &schema,
        files: &files,
        keys: &keys,
        to: &to,
        part_size,
    };
    let outcome = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, who| {
            rekey_in(lake, &opened.located, args, who, &given, &mut said).await
        })
    });
    said.flush();
    outcome
}

struct Given<'a> {
    schema: &'a Schema,
    files: &'a [Identifiers],
    keys: &'a BTreeMap<String, watt_core::PseudonymKey>,
    to: &'a watt_core::PseudonymKey,
    part_size: usize,
}

async fn rekey_in<L: Store>(
    lake: Arc<L>,
    located: &Located,
    args: &LakeRekeyArgs,
    who: Who,
    given: &Given<'_>,
    said: &mut Said,
) -> Result<Outcome, CliError> {
    let mut ctx = context(located, &args.lake, who, given.part_size)?;
    let key = audit_key("rekey", &ctx.operation.to_string(), ctx.started);
    let prepared = if args.dry_run {
        None
    } else {
        match prepare(&*lake, &mut ctx, "rekey", &key, said).await {
            Ok(p) => Some(p),
            Err(o) => return Ok(o),
        }
    };
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
            said.error("rekey", &e.to_string());
            release(prepared.map(|p| p.1), ctx).await;
            return Ok(Outcome::StorageFailed);
        }
    };
    let to_id = given.to.id().to_owned();
    let assessed = rekeying::assess(&catalog, given.schema, &to_id, &|k| {
        given.keys.contains_key(k)
    });
    // The identifier files must be usable before anything changes.
    let mut columns: Vec<String> = assessed
        .moves
        .iter()
        .flat_map(|m| m.columns.iter().map(|(c, _)| c.clone()))
        .collect();
    columns.sort();
    columns.dedup();
    if !assessed.moves.is_empty() {
        for f in given.files {
            if let Err(e) = identifiers::check(f, given.schema, &columns) {
                release(prepared.map(|p| p.1), ctx).await;
                return Err(CliError::Lake(e.to_string()));
            }
        }
    }
    let location = lake.location(&ctx.prefix);
    let ctx = Arc::new(ctx);
    let opts = rekeying::Options {
        schema: given.schema,
        identifiers: given.files,
        keys: given.keys,
        to: given.to,
        sever: args.sever_unmatched,
        dry_run: args.dry_run,
        budget: usize::try_from(args.memory << 20).unwrap_or(usize::MAX),
    };
    let report = rekeying::rekey(&lake, &ctx, assessed.moves.clone(), &opts, &key).await;
    if let Some(e) = &report.stopped {
        said.error(
            "rekey",
            &format!("{e}: the objects not yet moved stay as they are"),
        );
    }
    let stale = stale_versions(
        &*lake,
        &ctx.prefix,
        ctx.versioning,
        "they may hold pseudonyms under an older key",
        said,
    )
    .await;
    let mut changed = Vec::new();
    let (mut failed_storage, mut left) = (0usize, 0usize);
    let mut lines = Vec::new();
    let mut objects_json = Vec::new();
    let (mut recoded, mut severed) = (0u64, 0u64);
    // Objects moved, by old key.
    let mut moved: BTreeMap<String, usize> = BTreeMap::new();
    for (object, from, m) in report.objects {
        let mut j = json!({"key": object, "from": from});
        match m {
            Moved::Done(Rewritten::Changed(c)) => {
                let r = &c.record;
                let (rc, sv) = (r.cells_recoded.unwrap_or(0), r.cells_severed.unwrap_or(0));
                recoded += rc;
                severed += sv;
                *moved.entry(from.clone()).or_default() += 1;
                lines.push(format!(
                    "moved: {object} -> {} (key {from}: {rc} cell(s) recoded, {sv} severed{})",
                    r.new_object.clone().unwrap_or_default(),
                    r.versions_deleted
                        .map(|v| format!("; {v} version(s) of the old object deleted"))
                        .unwrap_or_default()
                ));
                j = serde_json::to_value(r).unwrap_or_default();
                j["result"] = json!("moved");
                changed.push(*c);
            }
            Moved::Done(Rewritten::Unchanged) => {
                left += 1;
                lines.push(format!("not moved: {object}: it changed while it was read"));
                j["result"] = json!("unchanged");
            }
            Moved::Done(Rewritten::Failed(_, e)) => {
                if e.is_storage() {
                    failed_storage += 1;
                } else {
                    left += 1;
                }
                said.warn(&format!("{object}: not moved: {e}"));
                j["result"] = json!("failed");
                j["why"] = json!(e.to_string());
            }
            Moved::WouldMove {
                recoded: rc,
                severed: sv,
            } => {
                *moved.entry(from.clone()).or_default() += 1;
                lines.push(format!(
                    "would move: {object} (key {from}: {rc} cell(s) recoded, {sv} severed)"
                ));
                j["result"] = json!("would move");
                j["cellsRecoded"] = json!(rc);
                j["cellsSevered"] = json!(sv);
            }
            Moved::WouldStay { cells } => {
                left += 1;
                lines.push(format!(
                    "would stay: {object} (key {from}): {cells} cell(s) hold pseudonyms that no identifier given makes"
                ));
                j["result"] = json!("would stay");
                j["cellsUnmatched"] = json!(cells);
            }
            Moved::Unreadable(why) => {
                left += 1;
                said.warn(&format!("{object}: not read: {why}"));
                j["result"] = json!("unreadable");
                j["why"] = json!(why);
            }
        }
        objects_json.push(j);
    }
    for (k, why) in &assessed.cannot {
        said.warn(&format!("{k}: not moved: {why}"));
    }
    let keys = key_status(
        &assessed,
        &moved,
        &report.counts,
        &to_id,
        given.keys,
        catalog.unvouched().count(),
    );
    let unmatched: u64 = report.counts.values().map(|c| c.unmatched).sum();
    let matched: u64 = report.counts.values().map(|c| c.matched).sum();
    let published = match prepared {
        Some((recovered, lock)) => {
            let mut summary = Record::new(&ctx, "rekey", Action::Operation);
            let olds: Vec<&str> = report.counts.keys().map(String::as_str).collect();
            summary.key_id_from = (!olds.is_empty()).then(|| olds.join(" "));
            summary.key_id_to = Some(to_id.clone());
            summary.objects_seen = Some(catalog.view().count() as u64);
            summary.objects_changed = Some(changed.len() as u64);
            summary.objects_left = Some((left + failed_storage + assessed.cannot.len()) as u64);
            summary.pseudonyms_matched = Some(matched);
            summary.pseudonyms_unmatched = Some(unmatched);
            summary.cells_recoded = Some(recoded);
            summary.cells_severed = Some(severed);
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
                "rekey",
            )
            .await
        }
        None => true,
    };
    let out = match args.format {
        Format::Json => {
            let doc = json!({
                "lake": location,
                "to": to_id,
                "dryRun": args.dry_run,
                "severUnmatched": args.sever_unmatched,
                "objectsUnderCurrentKey": assessed.current,
                "objects": objects_json,
                "notMoved": assessed.cannot.iter().map(|(k, why)| json!({"key": k, "why": why})).collect::<Vec<_>>(),
                "keys": keys.iter().map(|k| json!({
                    "keyId": k.id,
                    "current": k.current,
                    "inKeyring": k.known,
                    "objects": k.objects,
                    "objectsLeft": k.left,
                    "pseudonymsMatched": k.counts.matched,
                    "pseudonymsUnmatched": k.counts.unmatched,
                    "cellsMalformed": k.counts.malformed,
                    "destroyable": k.destroyable(),
                })).collect::<Vec<_>>(),
                "batches": report.batches,
                "identifiersRead": report.identifiers,
                "operation": ctx.operation.to_string(),
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            let olds: usize = assessed.moves.len() + assessed.cannot.len();
            let _ = writeln!(
                out,
                "watt lake rekey{}: to key {to_id}; {olds} object(s) under older keys in {}, {} already under it",
                if args.dry_run {
                    " (dry run: nothing changed)"
                } else {
                    ""
                },
                shown::escaped(&location),
                assessed.current
            );
            for l in &lines {
                let _ = writeln!(out, "{}", shown::escaped(l));
            }
            for (k, why) in &assessed.cannot {
                let _ = writeln!(
                    out,
                    "not moved: {} ({})",
                    shown::escaped(k),
                    shown::escaped(why)
                );
            }
            for k in &keys {
                let _ = writeln!(out, "{}", k.said(args.dry_run, args.sever_unmatched));
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
    let incomplete = keys.iter().any(|k| !k.current && k.left > 0)
        || !assessed.cannot.is_empty()
        || left > 0
        || stale
        || report.stopped.is_some();
    Ok(if failed_storage > 0 || !published {
        Outcome::StorageFailed
    } else if incomplete {
        Outcome::Incomplete
    } else {
        Outcome::Success
    })
}

/// Where a key stands.
struct KeyStatus {
    id: String,
    current: bool,
    /// In the keyring given.
    known: bool,
    /// Objects under it before the run, and after (in a dry run: after the rekey).
    objects: usize,
    left: usize,
    counts: rekeying::Counts,
    /// Objects whose key is unknown (no manifest): no key can be said unused.
    unknown: usize,
}

impl KeyStatus {
    fn destroyable(&self) -> bool {
        !self.current && self.left == 0 && self.unknown == 0
    }

    fn said(&self, dry_run: bool, sever: bool) -> String {
        let mut s = format!("key {}", self.id);
        if self.current {
            let _ = write!(s, " (current): {} object(s)", self.left);
            return s;
        }
        if !self.known {
            s.push_str(" (not in the keyring)");
        }
        if self.counts != rekeying::Counts::default() {
            let _ = write!(
                s,
                ": {} distinct pseudonym(s) made by the identifiers, {} not{}{}",
                self.counts.matched,
                self.counts.unmatched,
                match (self.counts.unmatched > 0, sever) {
                    (false, _) => "",
                    (true, true) => " (severed)",
                    (true, false) => " (their objects stay under this key)",
                },
                if self.counts.malformed > 0 {
                    format!(
                        ", {} cell(s) that are not pseudonyms",
                        self.counts.malformed
                    )
                } else {
                    String::new()
                }
            );
        }
        let after = if dry_run { " after the rekey" } else { "" };
        if self.unknown > 0 {
            let _ = write!(
                s,
                "; {} object(s) left under it{after}, and {} whose key is unknown (no manifest): not destroyable yet",
                self.left, self.unknown
            );
        } else if self.left > 0 {
            let _ = write!(
                s,
                "; key {} still used by {} object(s){after}: not destroyable yet",
                self.id, self.left
            );
        } else {
            let _ = write!(
                s,
                "; 0 objects under it{after}: it can be destroyed (every copy: key files, secret versions, backups)"
            );
        }
        s
    }
}

/// Each key of the lake and of the keyring: objects under it before and after.
fn key_status(
    assessed: &Assessed,
    moved: &BTreeMap<String, usize>,
    counts: &BTreeMap<String, rekeying::Counts>,
    to: &str,
    keys: &BTreeMap<String, watt_core::PseudonymKey>,
    unvouched: usize,
) -> Vec<KeyStatus> {
    let mut ids: Vec<String> = assessed
        .by_key
        .keys()
        .filter(|k| *k != "-")
        .cloned()
        .collect();
    ids.extend(keys.keys().cloned());
    ids.sort();
    ids.dedup();
    let mut out: Vec<KeyStatus> = ids
        .into_iter()
        .map(|id| {
            let objects = assessed.by_key.get(&id).copied().unwrap_or(0);
            let done = if id == to {
                0
            } else {
                moved.get(&id).copied().unwrap_or(0)
            };
            let arrived: usize = if id == to { moved.values().sum() } else { 0 };
            KeyStatus {
                current: id == to,
                known: keys.contains_key(&id),
                objects,
                left: objects - done.min(objects) + arrived,
                counts: counts.get(&id).copied().unwrap_or_default(),
                unknown: unvouched,
                id,
            }
        })
        .collect();
    // The current key first.
    out.sort_by_key(|k| !k.current);
    out
}
