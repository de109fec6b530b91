//! `watt lake find`: where a person's rows are, and `--export`.

use super::*;

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
    let versioning = match lake.versioning().await {
        Ok(v) => v,
        Err(e) => {
            said.note(&format!(
                "cannot tell whether the bucket keeps versions ({e}): earlier versions of deleted objects were not looked for"
            ));
            Versioning::Off
        }
    };
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
