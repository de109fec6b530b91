//! `watt lake erase`: a person's rows erased from every object that holds them.

use super::*;

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
