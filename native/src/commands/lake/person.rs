//! Who a request is about (`watt lake find` and `erase`): the field, the identifiers, the
//! keys; and how a search is said.

use std::io::BufRead;

use super::*;
use crate::cli::PersonArgs;
use crate::lake::find::Search;

/// The field and the person's identifiers (from the arguments, else standard input).
pub(super) fn person(args: &PersonArgs, schema: &Schema) -> Result<Person, CliError> {
    let field = match (&args.field, args.customer) {
        (Some(f), _) => f.clone(),
        (None, _) => schema
            .gdpr
            .as_ref()
            .and_then(|g| g.subject_field.clone())
            .ok_or_else(|| {
                CliError::Lake(
                    "--customer: the schema names no data subject field (gdpr.subjectField); give --field".into(),
                )
            })?,
    };
    match schema
        .field(&field)
        .and_then(|f| f.gdpr.as_ref())
        .map(|g| &g.action)
    {
        Some(GdprAction::Pseudonymise(_)) => {}
        Some(_) => {
            return Err(CliError::Minimise(
                watt_core::MinimiseError::NotPseudonymised(field),
            ));
        }
        None => {
            return Err(CliError::Minimise(watt_core::MinimiseError::UnknownField(
                field,
            )));
        }
    }
    let mut values = args.values.clone();
    if values.is_empty() {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let line = line.map_err(|source| CliError::InputUnreadable {
                path: "standard input".into(),
                source,
            })?;
            let line = line.trim_end_matches('\r');
            if !line.trim().is_empty() {
                values.push(line.to_owned());
            }
        }
    }
    if values.is_empty() {
        return Err(CliError::Lake(
            "no value to look for: give the person's identifiers as arguments, or one per line on standard input".into(),
        ));
    }
    Ok(Person { field, values })
}

/// Every key of the keyring, by fingerprint: each object is read under the key its
/// manifest names.
pub(super) fn keys(args: &PersonArgs, field: &str) -> Result<Keys, CliError> {
    let ring = crate::key::load_ring(&args.keys)?.ok_or_else(|| CliError::KeyMissing {
        fields: vec![field.to_owned()],
    })?;
    let mut keys = Keys::default();
    for k in ring.keys() {
        keys.0.insert(k.key.id().to_owned(), k.key.clone());
    }
    Ok(keys)
}

pub(super) fn search_json(s: &Search) -> Value {
    json!({
        "objectsSearched": s.found.len() + s.absent.len(),
        "rows": s.rows(),
        "matched": s.matched().map(|f| json!({"key": f.key, "rows": f.tally.selected})).collect::<Vec<_>>(),
        "notSearched": s.cannot.iter().chain(&s.failed).map(|(k, why)| json!({"key": k, "why": why})).collect::<Vec<_>>(),
        "differs": s.found.iter().filter_map(|f| f.differs.as_ref().map(|d| json!({"key": f.key, "what": d}))).collect::<Vec<_>>(),
    })
}

pub(super) fn search_text(out: &mut String, s: &Search) {
    for f in s.matched() {
        let _ = writeln!(out, "{:>9}  {}", f.tally.selected, shown::escaped(&f.key));
    }
    for (k, why) in s.cannot.iter().chain(&s.failed) {
        let _ = writeln!(
            out,
            "not searched: {} ({})",
            shown::escaped(k),
            shown::escaped(why)
        );
    }
}

pub(super) fn search_warnings(said: &mut Said, s: &Search) {
    for f in &s.found {
        if let Some(d) = &f.differs {
            said.warn(&format!(
                "{}: the object is not what its manifest says ({d}): searched as it is",
                f.key
            ));
        }
    }
    if s.incomplete() {
        said.warn(&format!(
            "{} object(s) could not be searched: the person may have rows there; the answer is incomplete until they are",
            s.cannot.len() + s.failed.len()
        ));
    }
}
