//! `watt lake expire`: what the retention says is due, `--apply` to delete it (and remove
//! expired columns), `--lifecycle` for the equivalent S3 rule.

use super::*;

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
    let plan = rules::plan(&catalog, fallback, now);
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
        Some(_) => rules::apply(&lake, &ctx, &plan, now, &key).await,
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
