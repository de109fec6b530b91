//! The header row: labels checked against the schema's field names.
//!
//! As in Frictionless, labels are matched to fields by position: column *i* is field *i*,
//! and a label is read without its surrounding whitespace (a line end inside it counts as
//! a space), so `" kwh "` is the label of field `kwh`. A column beyond the schema is an
//! `extra-label` whatever its label (blank, or repeating another, which its message says);
//! `blank-label`, `duplicate-label` and `incorrect-label` are about the schema's columns.
//! These are the codes, columns and conditions frictionless-py 5.18.1 reports.
//!
//! Messages do not quote a label: when a file has no header but is read as if it had one,
//! its "labels" are a row of personal data. The field names (from the schema) are quoted.
//! The one exception is a label that differs from its field's name only by letter case:
//! it is then the name, capitalised otherwise, and is quoted so that the difference shows,
//! unless the field is declared personal (as for `enum` values, see
//! [`super::constraints::lists_values`]).

use super::{Validator, constraints, is_missing};
use crate::reader::Record;
use crate::report::{ErrorCode, Finding};

impl Validator {
    pub(super) fn header(&mut self, rec: &Record<'_>) {
        let labels: Vec<&str> = rec.fields().collect();
        let fields = self.schema.fields.len();
        self.columns = labels.len();
        self.set_field_columns(
            (0..fields)
                .map(|i| (i < labels.len()).then_some(i))
                .collect(),
        );
        for bad in rec.bad_bytes {
            self.encoding_error(rec, *bad);
        }
        // The first column of each label: a header of 100 000 columns is checked in one pass
        // (a scan of the earlier labels per column took minutes).
        let mut first_of: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(labels.len());
        for (col, raw) in labels.iter().enumerate() {
            let label = raw.trim();
            let blank = label.is_empty() || is_missing(&[String::new()], label);
            let first = if blank {
                col
            } else {
                *first_of.entry(label).or_insert(col)
            };
            let field = (col < fields).then_some(col);
            let (code, message) = match field {
                None => (
                    ErrorCode::ExtraLabel,
                    if first < col {
                        format!(
                            "column {} is not in the schema (it has {fields} fields); its label repeats column {}",
                            col + 1,
                            first + 1
                        )
                    } else {
                        format!(
                            "column {} is not in the schema (it has {fields} fields)",
                            col + 1
                        )
                    },
                ),
                Some(_) if blank => (
                    ErrorCode::BlankLabel,
                    format!("column {} has a blank label", col + 1),
                ),
                Some(_) if first < col => (
                    ErrorCode::DuplicateLabel,
                    format!(
                        "column {} has the same label as column {}",
                        col + 1,
                        first + 1
                    ),
                ),
                Some(f) => {
                    let field = &self.schema.fields[f];
                    match label_mismatch(raw, label, field, constraints::lists_values(field)) {
                        None => continue,
                        Some(message) => (ErrorCode::IncorrectLabel, message(col)),
                    }
                }
            };
            let (schema, show) = (&self.schema, self.show_values);
            self.findings.add(code, || Finding {
                code,
                row_number: Some(rec.number),
                field_name: field.map(|f| schema.fields[f].name.clone()),
                field_number: Some(col + 1),
                byte: rec.field_offset(col),
                message,
                cell: show.then(|| (*raw).to_owned()),
            });
        }
        for fi in labels.len()..fields {
            let name = &self.schema.fields[fi].name;
            self.findings.add(ErrorCode::MissingLabel, || Finding {
                code: ErrorCode::MissingLabel,
                row_number: Some(rec.number),
                field_name: Some(name.clone()),
                field_number: Some(fi + 1),
                byte: rec.start,
                message: format!(
                    "field {name:?} has no column (the header has {} labels)",
                    labels.len()
                ),
                cell: None,
            });
        }
    }
}

/// How the label `raw` (`label` once trimmed) of a schema column differs from its field's
/// name, as a message for its column; `None` when it is the name. The label is quoted only
/// when it is the name in other letter case and `quote` allows it.
fn label_mismatch(
    raw: &str,
    label: &str,
    field: &crate::schema::Field,
    quote: bool,
) -> Option<impl FnOnce(usize) -> String> {
    let name = &field.name;
    // A line feed inside the label reads as a space (a header cell wrapped in a
    // spreadsheet), as frictionless-py reads it.
    let unwrapped;
    let label = if label.contains('\n') {
        unwrapped = label.replace('\n', " ");
        unwrapped.trim()
    } else {
        label
    };
    if label == name {
        return None;
    }
    let case_only = label.to_lowercase() == name.to_lowercase();
    let spaces = if raw.len() != label.len() {
        " and surrounding spaces"
    } else {
        ""
    };
    let quoted = (case_only && quote).then(|| format!(" {label:?}"));
    let name = name.clone();
    Some(move |col: usize| {
        if case_only {
            format!(
                "column {} label{} differs from the field name {name:?} only by letter case{spaces}",
                col + 1,
                quoted.unwrap_or_default()
            )
        } else {
            format!(
                "column {} label differs from the field name {name:?}",
                col + 1
            )
        }
    })
}
