//! The header row: labels checked against the schema's field names.
//!
//! As in Frictionless, labels are matched to fields by position: column *i* is field *i*.
//! Messages never quote a label: when a file has no header but is read as if it had one,
//! its "labels" are a row of personal data. The field names (from the schema) are quoted.

use super::{Validator, is_missing};
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
        for (col, label) in labels.iter().enumerate() {
            let first = *first_of.entry(label).or_insert(col);
            let field = (col < fields).then_some(col);
            let (code, message) = if label.trim().is_empty() || is_missing(&[String::new()], label)
            {
                (
                    ErrorCode::BlankLabel,
                    format!("column {} has a blank label", col + 1),
                )
            } else if first < col {
                (
                    ErrorCode::DuplicateLabel,
                    format!(
                        "column {} has the same label as column {}",
                        col + 1,
                        first + 1
                    ),
                )
            } else if let Some(f) = field {
                let name = &self.schema.fields[f].name;
                if label == name {
                    continue;
                }
                (
                    ErrorCode::IncorrectLabel,
                    format!(
                        "column {} label differs from the field name {name:?}",
                        col + 1
                    ),
                )
            } else {
                (
                    ErrorCode::ExtraLabel,
                    format!(
                        "column {} is not in the schema (it has {fields} fields)",
                        col + 1
                    ),
                )
            };
            let (schema, show) = (&self.schema, self.show_values);
            self.findings.add(code, || Finding {
                code,
                row_number: Some(rec.number),
                field_name: field.map(|f| schema.fields[f].name.clone()),
                field_number: Some(col + 1),
                byte: rec.field_offset(col),
                message,
                cell: show.then(|| (*label).to_owned()),
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
