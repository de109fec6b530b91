//! The report: what a check found, in a stable structure the CLI prints as JSON and the
//! browser renders, with error codes named as Frictionless names them.
//!
//! A finding never carries the cell's value unless the caller asked for values
//! ([`crate::Options::show_values`]): its message says what was wrong ("not a number",
//! "below minimum 0"), which is enough to fix a file without copying personal data into
//! logs, tickets and screenshots.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dialect::Dialect;
use crate::minimise::MinimisationReport;
use crate::scan::ScanReport;

/// Error codes, with the names Frictionless gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    BlankLabel,
    DuplicateLabel,
    MissingLabel,
    ExtraLabel,
    IncorrectLabel,
    BlankRow,
    ExtraCell,
    MissingCell,
    TypeError,
    ConstraintError,
    UniqueError,
    PrimaryKey,
    ForeignKey,
    EncodingError,
    SourceError,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::BlankLabel,
        ErrorCode::DuplicateLabel,
        ErrorCode::MissingLabel,
        ErrorCode::ExtraLabel,
        ErrorCode::IncorrectLabel,
        ErrorCode::BlankRow,
        ErrorCode::ExtraCell,
        ErrorCode::MissingCell,
        ErrorCode::TypeError,
        ErrorCode::ConstraintError,
        ErrorCode::UniqueError,
        ErrorCode::PrimaryKey,
        ErrorCode::ForeignKey,
        ErrorCode::EncodingError,
        ErrorCode::SourceError,
    ];

    /// The Frictionless name (`type-error`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BlankLabel => "blank-label",
            ErrorCode::DuplicateLabel => "duplicate-label",
            ErrorCode::MissingLabel => "missing-label",
            ErrorCode::ExtraLabel => "extra-label",
            ErrorCode::IncorrectLabel => "incorrect-label",
            ErrorCode::BlankRow => "blank-row",
            ErrorCode::ExtraCell => "extra-cell",
            ErrorCode::MissingCell => "missing-cell",
            ErrorCode::TypeError => "type-error",
            ErrorCode::ConstraintError => "constraint-error",
            ErrorCode::UniqueError => "unique-error",
            ErrorCode::PrimaryKey => "primary-key",
            ErrorCode::ForeignKey => "foreign-key",
            ErrorCode::EncodingError => "encoding-error",
            ErrorCode::SourceError => "source-error",
        }
    }

    /// A one-line explanation of the code, for people reading a text report.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::BlankLabel => "Blank label: a header cell is empty",
            ErrorCode::DuplicateLabel => "Duplicate label: two header cells have the same name",
            ErrorCode::MissingLabel => "Missing label: a schema field has no column",
            ErrorCode::ExtraLabel => "Extra label: a column is not in the schema",
            ErrorCode::IncorrectLabel => {
                "Incorrect label: a header differs from the schema field name"
            }
            ErrorCode::BlankRow => "Blank row: every cell of the row is empty",
            ErrorCode::ExtraCell => "Extra cell: a row has more cells than the header",
            ErrorCode::MissingCell => "Missing cell: a row has fewer cells than the header",
            ErrorCode::TypeError => "Type error: a value is not of its field's type",
            ErrorCode::ConstraintError => "Constraint error: a value breaks a field constraint",
            ErrorCode::UniqueError => "Unique error: a value that must be unique repeats",
            ErrorCode::PrimaryKey => "Primary key error: a primary key repeats",
            ErrorCode::ForeignKey => {
                "Foreign key error: a key has no match in the table it references"
            }
            ErrorCode::EncodingError => {
                "Encoding error: bytes are not valid in the file's encoding"
            }
            ErrorCode::SourceError => "Source error: the file cannot be read as CSV",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: ErrorCode,
    /// Row number as Frictionless counts it: the header is row 1, blank lines are skipped.
    pub row_number: Option<u64>,
    /// Name of the schema field concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field_name: Option<String>,
    /// 1-based column position concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field_number: Option<usize>,
    /// Byte offset in the source of the cell (or row) concerned.
    pub byte: u64,
    /// What is wrong, without the value.
    pub message: String,
    /// The cell's value: only present when values were asked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<String>,
}

/// The encoding the file was read with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodingInfo {
    /// `utf-8`, `windows-1252`, `iso-8859-15` or `iso-8859-7`: the encoding the file was
    /// read with.
    pub name: String,
    /// Whether the file starts with a UTF-8 byte-order mark.
    pub bom: bool,
    /// When bytes were invalid in `name`: the encoding the file is probably in.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub probable: Option<String>,
    /// Whether `name` was detected from the file's first bytes (`--encoding auto`) rather
    /// than given.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub detected: bool,
}

/// Sizes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Data rows (the header not counted).
    pub rows: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Columns in the header (or in the schema when the file has no header).
    pub columns: usize,
}

/// Everything a check (and, when it ran, minimisation and scanning) found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Version of the watt engine that made the report.
    pub watt: String,
    pub valid: bool,
    pub dialect: Dialect,
    pub encoding: EncodingInfo,
    pub stats: Stats,
    /// Number of findings per code (every code present, zero or not).
    pub error_counts: BTreeMap<ErrorCode, u64>,
    /// How many findings there were in all.
    pub findings_total: u64,
    /// The first findings, in file order (at most `maxFindings`).
    pub findings: Vec<Finding>,
    /// Whether `findings` holds fewer than `findingsTotal`.
    pub truncated: bool,
    /// What was declared but not checked, and other remarks.
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub minimisation: Option<MinimisationReport>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scan: Option<ScanReport>,
}

/// Collects findings: counts every one, keeps the first `max`, and builds a finding's
/// message only when it is kept (a file with a million errors costs counting, not strings).
#[derive(Debug)]
pub(crate) struct Findings {
    max: usize,
    kept: Vec<Finding>,
    total: u64,
    counts: BTreeMap<ErrorCode, u64>,
}

impl Findings {
    pub(crate) fn new(max: usize) -> Findings {
        Findings {
            max,
            kept: Vec::new(),
            total: 0,
            counts: ErrorCode::ALL.iter().map(|c| (*c, 0)).collect(),
        }
    }

    pub(crate) fn add(&mut self, code: ErrorCode, make: impl FnOnce() -> Finding) {
        self.total += 1;
        if let Some(n) = self.counts.get_mut(&code) {
            *n += 1;
        }
        if self.kept.len() < self.max {
            self.kept.push(make());
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// How many findings are kept at most.
    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// Counts `n` findings of `code` whose first ones are given to
    /// [`Findings::merge_deferred`].
    pub(crate) fn count(&mut self, code: ErrorCode, n: u64) {
        self.total += n;
        if let Some(c) = self.counts.get_mut(&code) {
            *c += n;
        }
    }

    /// Puts findings made at the end (sorted by row, already counted) where they belong in
    /// file order: after the kept findings of the same or earlier rows (those without a row
    /// stay where they are), then keeps the first `max`.
    ///
    /// The result is what adding them while reading would have kept: the findings dropped
    /// while reading all came after every kept one.
    pub(crate) fn merge_deferred(&mut self, deferred: Vec<Finding>) {
        if deferred.is_empty() {
            return;
        }
        let kept = std::mem::take(&mut self.kept);
        let mut merged = Vec::with_capacity((kept.len() + deferred.len()).min(self.max));
        let mut deferred = deferred.into_iter().peekable();
        for f in kept {
            if let Some(row) = f.row_number {
                while let Some(d) = deferred.next_if(|d| d.row_number.is_some_and(|r| r < row)) {
                    merged.push(d);
                }
            }
            merged.push(f);
        }
        merged.extend(deferred);
        merged.truncate(self.max);
        self.kept = merged;
    }

    pub(crate) fn into_parts(self) -> (Vec<Finding>, u64, BTreeMap<ErrorCode, u64>) {
        (self.kept, self.total, self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_with_frictionless_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn findings_keep_the_first_and_count_all() {
        let mut f = Findings::new(2);
        let mut made = 0;
        for i in 0..5 {
            f.add(ErrorCode::TypeError, || {
                made += 1;
                Finding {
                    code: ErrorCode::TypeError,
                    row_number: Some(i),
                    field_name: None,
                    field_number: None,
                    byte: 0,
                    message: String::new(),
                    cell: None,
                }
            });
        }
        assert_eq!(made, 2, "messages are only built for kept findings");
        let (kept, total, counts) = f.into_parts();
        assert_eq!(kept.len(), 2);
        assert_eq!(total, 5);
        assert_eq!(counts[&ErrorCode::TypeError], 5);
        assert_eq!(counts[&ErrorCode::BlankRow], 0);
    }

    fn at(code: ErrorCode, row: Option<u64>) -> Finding {
        Finding {
            code,
            row_number: row,
            field_name: None,
            field_number: None,
            byte: 0,
            message: String::new(),
            cell: None,
        }
    }

    #[test]
    fn deferred_findings_take_their_row_place_and_the_cap_holds() {
        let rows = |f: &Findings| -> Vec<(ErrorCode, Option<u64>)> {
            f.kept.iter().map(|f| (f.code, f.row_number)).collect()
        };
        let read = [
            (ErrorCode::TypeError, Some(3)),
            (ErrorCode::SourceError, None),
            (ErrorCode::TypeError, Some(5)),
            (ErrorCode::TypeError, Some(7)),
        ];
        let deferred = [Some(2), Some(5), Some(6), Some(9)].map(|r| at(ErrorCode::PrimaryKey, r));
        let mut f = Findings::new(10);
        for (code, row) in read {
            f.add(code, || at(code, row));
        }
        f.count(ErrorCode::PrimaryKey, 4);
        f.merge_deferred(deferred.to_vec());
        use ErrorCode::{PrimaryKey as P, SourceError as S, TypeError as T};
        assert_eq!(
            rows(&f),
            [
                (P, Some(2)),
                (T, Some(3)),
                (S, None),
                (T, Some(5)),
                (P, Some(5)),
                (P, Some(6)),
                (T, Some(7)),
                (P, Some(9))
            ]
        );
        assert_eq!(f.total(), 8);

        // With a cap of 3, reading kept rows 3, none, 5 (7 was dropped): the merge keeps
        // what adding in file order would have kept.
        let mut f = Findings::new(3);
        for (code, row) in read {
            f.add(code, || at(code, row));
        }
        f.count(ErrorCode::PrimaryKey, 4);
        f.merge_deferred(deferred.to_vec());
        assert_eq!(rows(&f), [(P, Some(2)), (T, Some(3)), (S, None)]);
        let (_, total, counts) = f.into_parts();
        assert_eq!((total, counts[&P], counts[&T]), (8, 4, 3));
    }
}
