//! `watt lake ls`: the objects of the lake with their manifests, as text or JSON.

use super::*;

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
        .map(|item| rules::assess(item, &fallback, now))
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
                "objectsByKey": by_key(&catalog),
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

pub(super) fn status(a: &Assessed) -> String {
    match &a.due {
        None => "unknown".into(),
        Some(Due::Kept { .. }) => "kept".into(),
        Some(Due::Expired { .. }) => "expired".into(),
        Some(Due::Columns { columns }) => format!("columns due: {}", columns.join(" ")),
    }
}

pub(super) fn ends(a: &Assessed) -> String {
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
    let keys = by_key(catalog);
    if !keys.is_empty() {
        let listed: Vec<String> = keys.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(
            out,
            "objects by key: {} (a key no object names, nor any copy of the lake needs, can be destroyed: `watt lake rekey` moves objects to the current key)",
            listed.join(", ")
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

/// How many of the objects readers see each key fingerprint made (`-`: none named).
fn by_key(catalog: &Catalog) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for item in catalog.view() {
        let Some(m) = &item.manifest else { continue };
        *out.entry(m.key_id.clone().unwrap_or_else(|| "-".into()))
            .or_default() += 1;
    }
    out
}

/// What was done to an object since its ingestion, in a few words.
fn history(m: &crate::ingest::manifest::Manifest) -> String {
    let mut parts = Vec::new();
    for r in &m.rekeys {
        parts.push(format!(
            "rekeyed from {}{}",
            r.from_key_id,
            if r.cells_severed > 0 {
                format!(", {} cell(s) severed", r.cells_severed)
            } else {
                String::new()
            }
        ));
    }
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
