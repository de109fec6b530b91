//! The streaming checker: a [`Checker`] takes chunks and gives a [`Report`].
//!
//! The work is split between the [`Reader`] (bytes → records) and the `Validator`
//! (records → findings). The validator is also what the minimiser and the scanner run on,
//! so that `watt minimise` and `watt ingest` validate exactly as `watt check` does.

mod constraints;
mod foreign;
mod keys;
mod labels;
mod repeat;

use serde::{Deserialize, Serialize};

use crate::dialect::{Dialect, DialectOptions};
use crate::encoding::{self, Encoding};
use crate::pairs::SpillConfig;
use crate::reader::{
    DEFAULT_MAX_RECORD_BYTES, Reader, ReaderOptions, Record, RecordSink, SourceProblem,
};
use crate::report::{EncodingInfo, ErrorCode, Finding, Findings, Report, Stats};
use crate::schema::{Field, FieldType, Schema, StringFormat};
use crate::value::{Value, ValueParser};

use foreign::ForeignChecks;
pub use foreign::{ReferenceError, ReferenceReader, ReferencedKeys, UnknownField};
use keys::KeySet;
use repeat::RepeatCache;

/// Settings of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    /// What the user says about the dialect (the rest is detected).
    pub dialect: DialectOptions,
    pub encoding: Encoding,
    /// Findings kept in the report (all are counted).
    pub max_findings: usize,
    /// Put each offending cell's value in its finding. Off by default: reports travel.
    pub show_values: bool,
    /// Longest record accepted (see [`ReaderOptions::max_record_bytes`]).
    pub max_record_bytes: usize,
    /// Size of the whole input in bytes, when the caller knows it (a file's length). Only
    /// used to size the `unique` / `primaryKey` sets once, instead of growing them by
    /// doubling: results never depend on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_hint: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dialect: DialectOptions::default(),
            encoding: Encoding::Utf8,
            max_findings: 1000,
            show_values: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            size_hint: None,
        }
    }
}

impl Options {
    pub(crate) fn reader_options(&self) -> ReaderOptions {
        ReaderOptions {
            dialect: self.dialect.clone(),
            encoding: self.encoding,
            max_record_bytes: self.max_record_bytes,
        }
    }
}

/// Validates a CSV file fed in chunks.
///
/// ```
/// use watt_core::{Checker, Options, Schema, ErrorCode};
/// let schema = Schema::from_json(r#"{"fields": [{"name": "kwh", "type": "number"}]}"#)?;
/// let mut checker = Checker::new(&schema, Options::default());
/// checker.push(b"kwh\n1.5\nabc\n");
/// let report = checker.finish();
/// assert_eq!(report.error_counts[&ErrorCode::TypeError], 1);
/// assert_eq!(report.findings[0].message, "not a number");
/// # Ok::<(), watt_core::SchemaError>(())
/// ```
#[derive(Debug)]
pub struct Checker {
    reader: Reader,
    validator: Validator,
}

impl Checker {
    pub fn new(schema: &Schema, options: Options) -> Checker {
        Checker {
            reader: Reader::new(schema, options.reader_options()),
            validator: Validator::new(schema, &options),
        }
    }

    /// Keeps the `unique` / `primaryKey` / `foreignKeys` key sets in `spill` past its
    /// budget, so memory does not grow with the file (see [`crate::pairs`]). Call it before the first chunk;
    /// the report does not depend on it.
    pub fn with_spill(mut self, spill: SpillConfig) -> Checker {
        self.validator.set_spill(spill);
        self
    }

    /// Gives foreign key `index` (of the schema's `foreignKeys`, from 0) the keys of the
    /// table it references, read by a [`ReferenceReader`]. Call it before the first chunk.
    /// A key to another table that is given none is not checked (the report says so).
    pub fn with_reference(
        mut self,
        index: usize,
        keys: ReferencedKeys,
    ) -> Result<Checker, ReferenceError> {
        self.validator.foreign.give(index, keys)?;
        Ok(self)
    }

    /// Feeds the next chunk, cut anywhere.
    pub fn push(&mut self, chunk: &[u8]) {
        self.reader.push(chunk, &mut self.validator);
    }

    /// Whether a source error has stopped the reading (a binary file, a runaway quote):
    /// the rest of the input would only be counted, so the caller may stop feeding it.
    /// The report is then that of the bytes fed.
    pub fn stopped(&self) -> bool {
        self.reader.stopped()
    }

    /// Bytes fed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes()
    }

    /// Ends the input and returns the report.
    pub fn finish(mut self) -> Report {
        self.reader.finish(&mut self.validator);
        self.validator.check_empty(self.reader.bytes());
        self.validator.into_report(self.reader.bytes())
    }
}

/// A field's state in the current row, for whoever runs after the validator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    /// The row has no cell for the field (or the header has no column).
    Absent,
    /// A missing value (`missingValues`).
    Null,
    /// A value of the field's type that meets its constraints.
    Valid(Value),
    /// A value of the field's type that breaks one of its constraints (out of range, not
    /// in the `enum`, not matching the `pattern`).
    Breaks(Value),
    /// Not of the field's type, or not decodable.
    Invalid,
}

impl Cell {
    /// Whether the row has text for the field (valid or not).
    pub(crate) fn has_text(self) -> bool {
        matches!(self, Cell::Valid(_) | Cell::Breaks(_) | Cell::Invalid)
    }

    /// The value, when the text is of the field's type (constraints or not).
    pub(crate) fn value(self) -> Option<Value> {
        match self {
            Cell::Valid(v) | Cell::Breaks(v) => Some(v),
            Cell::Absent | Cell::Null | Cell::Invalid => None,
        }
    }
}

/// What kind of record the validator just saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Header,
    Blank,
    Data,
}

/// Per-field checking state.
#[derive(Debug)]
struct FieldCheck {
    parser: ValueParser,
    /// A string of any content with nothing to check: no need to parse it.
    plain_text: bool,
    /// Whether the field's value is read after the row is checked (by the primary key, or
    /// by the minimiser); a plain check does not keep the others.
    kept: bool,
    /// The last value that parsed and met every constraint, with its text (see
    /// [`repeat`]).
    last_clean: RepeatCache,
    pattern_cache: crate::schema::PatternCache,
    required: bool,
    has_constraints: bool,
    unique: Option<KeySet>,
    /// Any text is a valid value: a string with no format, constraint or `unique`.
    anything: bool,
    /// Whether findings may quote the field's `enum` values (see
    /// [`constraints::lists_values`]).
    lists_values: bool,
}

/// Checks records against the schema and collects findings.
#[derive(Debug)]
pub(crate) struct Validator {
    schema: Schema,
    checks: Vec<FieldCheck>,
    show_values: bool,
    findings: Findings,
    dialect: Dialect,
    encoding: EncodingInfo,
    started: bool,
    header_done: bool,
    /// Columns the rows are expected to have (labels, or fields without a header).
    columns: usize,
    /// Column of each field, when the header has one.
    field_column: Vec<Option<usize>>,
    /// Field of each column, when a field reads it: the inverse of `field_column`, so a
    /// finding about a column names its field without a search through the fields.
    column_field: Vec<Option<usize>>,
    rows: u64,
    records: u64,
    primary_key: Option<KeySet>,
    foreign: ForeignChecks,
    size_hint: Option<u64>,
    /// Bytes of the rows seen so far, to estimate the row count from `size_hint`.
    row_bytes: u64,
    key_scratch: Vec<u64>,
    /// Whether the empty cell is the only missing value (the default): checked without
    /// reaching into the schema.
    empty_is_missing: bool,
    /// The last typed value of each primary-key field with its key: readings of one
    /// timestamp come together, and a datetime's key costs a calendar computation.
    key_last: Vec<Option<(Value, u64)>>,
    spill: Option<SpillConfig>,
    cells: Vec<Cell>,
    keep_all: bool,
    kind: RowKind,
    /// Where reading was stopped early (see [`Validator::stopped_at`]).
    stopped_at: Option<u64>,
    /// A header over several rows (`headerRows`), while its rows are read.
    header_rows: Option<HeaderRows>,
    /// Records that did not decode, for the guess of the file's encoding.
    guess_sample: GuessSample,
}

/// The labels of a header given over several rows, joined as Frictionless joins them: a
/// cell equal to the one above it (a label spanning columns, merged) is not repeated.
#[derive(Debug, Default)]
struct HeaderRows {
    labels: Vec<String>,
    above: Vec<Option<String>>,
    /// Number, offset and bytes of the last header row read: label findings point there.
    last: Option<(u64, u64, Vec<u8>)>,
}

/// The raw bytes of the first records that did not decode, up to
/// [`encoding::GUESS_BYTES`].
#[derive(Debug, Default)]
struct GuessSample {
    bytes: Vec<u8>,
    /// The last record added (a record with several bad fields is added once).
    last_record: u64,
}

impl GuessSample {
    fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// The message of an `encoding-error` finding.
fn encoding_message(probable: &str) -> String {
    format!("invalid UTF-8; the file looks like {probable} (read it as {probable})")
}

impl Validator {
    /// Keeps every field's value of the current row for a stage that runs after the
    /// validator (the minimiser); a plain check keeps only what the primary key needs.
    pub(crate) fn keep_all_cells(&mut self) {
        self.keep_all = true;
    }

    pub(crate) fn new(schema: &Schema, options: &Options) -> Validator {
        let n = schema.fields.len();
        Validator {
            schema: schema.clone(),
            checks: Vec::new(),
            show_values: options.show_values,
            findings: Findings::new(options.max_findings),
            dialect: Dialect::default(),
            encoding: EncodingInfo {
                name: options.encoding.name().to_owned(),
                bom: false,
                probable: None,
                detected: false,
            },
            started: false,
            header_done: false,
            columns: n,
            field_column: (0..n).map(Some).collect(),
            column_field: (0..n).map(Some).collect(),
            rows: 0,
            records: 0,
            primary_key: (!schema.primary_key.is_empty()).then(KeySet::default),
            foreign: ForeignChecks::new(schema),
            size_hint: options.size_hint,
            row_bytes: 0,
            key_scratch: Vec::with_capacity(schema.primary_key.len()),
            empty_is_missing: matches!(schema.missing_values.as_slice(), [only] if only.is_empty()),
            key_last: vec![None; schema.primary_key.len()],
            spill: None,
            cells: vec![Cell::Absent; n],
            keep_all: false,
            kind: RowKind::Header,
            stopped_at: None,
            header_rows: None,
            guess_sample: GuessSample::default(),
        }
    }

    /// Whether a finding has been made so far: the data is invalid whatever follows.
    /// (Repeats of `unique` and primary-key values are only found at the end.)
    pub(crate) fn has_findings(&self) -> bool {
        self.findings.total() > 0
    }

    /// Reading was stopped after `bytes` bytes, before the end of the input: the report
    /// says so, since its counts are then those of the part read.
    pub(crate) fn stopped_at(&mut self, bytes: u64) {
        self.stopped_at = Some(bytes);
    }

    /// The fields' states in the last record.
    pub(crate) fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// What the last record was.
    pub(crate) fn kind(&self) -> RowKind {
        self.kind
    }

    /// The column each field is read from.
    pub(crate) fn field_column(&self) -> &[Option<usize>] {
        &self.field_column
    }

    pub(crate) fn schema(&self) -> &Schema {
        &self.schema
    }

    /// How field `field` reads numbers (after dialect detection).
    pub(crate) fn number_style_of(&self, field: usize) -> crate::value::NumberStyle {
        self.checks
            .get(field)
            .map_or_else(Default::default, |c| c.parser.number_style())
    }

    /// Columns of a row of `len` cells that no field reads.
    pub(crate) fn unmapped_columns(&self, len: usize) -> impl Iterator<Item = usize> + '_ {
        (0..len.min(self.columns)).filter(|c| self.field_of_column(*c).is_none())
    }

    /// The field that reads column `col`, if one does.
    fn field_of_column(&self, col: usize) -> Option<usize> {
        self.column_field.get(col).copied().flatten()
    }

    /// Sets which column each field reads (once the header is known), and the inverse.
    fn set_field_columns(&mut self, field_column: Vec<Option<usize>>) {
        self.column_field = vec![None; self.columns];
        for (field, col) in field_column.iter().enumerate() {
            if let Some(slot) = col.and_then(|c| self.column_field.get_mut(c)) {
                *slot = Some(field);
            }
        }
        self.field_column = field_column;
    }

    pub(crate) fn into_report(mut self, bytes: u64) -> Report {
        let foreign_notes = self.foreign.notes(&self.schema);
        self.resolve_keys();
        let mut notes = self.schema.notes.clone();
        notes.extend(foreign_notes);
        if self.records > 0 && self.rows == 0 && self.dialect.header {
            notes.push("the file has a header and no data rows".into());
        }
        if let Some(bytes) = self.stopped_at {
            notes.push(format!(
                "reading stopped after {bytes} bytes, once a finding had made the data invalid (invalid data is not written): the rest of the file was not read, so it may hold more findings and rows than counted here"
            ));
        }
        let (mut findings, total, counts) = self.findings.into_parts();
        if !self.guess_sample.bytes.is_empty() && self.encoding.name == "utf-8" {
            let probable = encoding::guess(&self.guess_sample.bytes);
            self.encoding.probable = Some(probable.to_owned());
            for f in (findings.iter_mut()).filter(|f| f.code == ErrorCode::EncodingError) {
                f.message = encoding_message(probable);
            }
        }
        Report {
            watt: crate::VERSION.to_owned(),
            valid: total == 0,
            dialect: self.dialect,
            encoding: self.encoding,
            stats: Stats {
                rows: self.rows,
                bytes,
                columns: self.columns,
            },
            error_counts: counts,
            findings_total: total,
            truncated: (findings.len() as u64) < total,
            findings,
            notes,
            minimisation: None,
            scan: None,
        }
    }

    fn data_row(&mut self, rec: &Record<'_>) {
        let row = rec.number;
        self.rows += 1;
        if self.size_hint.is_some() {
            self.reserve_keys(rec);
        }
        if rec
            .fields()
            .all(|c| is_missing(&self.schema.missing_values, c))
            && rec.bad_bytes.is_empty()
        {
            self.kind = RowKind::Blank;
            self.cells.fill(Cell::Null);
            self.findings.add(ErrorCode::BlankRow, || Finding {
                code: ErrorCode::BlankRow,
                row_number: Some(row),
                field_name: None,
                field_number: None,
                byte: rec.start,
                message: "every cell of the row is empty".into(),
                cell: None,
            });
            if !self.schema.primary_key.is_empty() {
                // Frictionless reports the blank row's primary key as well: it is empty.
                self.findings.add(ErrorCode::PrimaryKey, || Finding {
                    code: ErrorCode::PrimaryKey,
                    row_number: Some(row),
                    field_name: None,
                    field_number: None,
                    byte: rec.start,
                    message: "the primary key is empty (blank row)".into(),
                    cell: None,
                });
            }
            return;
        }
        self.kind = RowKind::Data;
        let n = rec.len();
        let (columns, show) = (self.columns, self.show_values);
        for col in columns..n {
            self.findings.add(ErrorCode::ExtraCell, || Finding {
                code: ErrorCode::ExtraCell,
                row_number: Some(row),
                field_name: None,
                field_number: Some(col + 1),
                byte: rec.field_offset(col),
                message: format!("row has {n} cells, the header has {columns}"),
                cell: show.then(|| rec.field(col).to_owned()),
            });
        }
        for col in n..columns {
            let field = self.field_of_column(col);
            let schema = &self.schema;
            self.findings.add(ErrorCode::MissingCell, || Finding {
                code: ErrorCode::MissingCell,
                row_number: Some(row),
                field_name: field.map(|f| schema.fields[f].name.clone()),
                field_number: Some(col + 1),
                byte: rec.end_of_content(),
                message: format!("row has {n} cells, the header has {columns}"),
                cell: None,
            });
        }
        for bad in rec.bad_bytes {
            self.encoding_error(rec, *bad);
        }
        let show = self.show_values;
        let empty_is_missing = self.empty_is_missing;
        let (findings, schema) = (&mut self.findings, &self.schema);
        // Zipped rather than indexed: no bounds check per cell.
        let fields = (self.checks.iter_mut())
            .zip(&mut self.cells)
            .zip(&self.field_column)
            .zip(&schema.fields)
            .enumerate();
        for (fi, (((check, cell), column), field)) in fields {
            let Some(col) = column.filter(|c| *c < n) else {
                *cell = Cell::Absent;
                continue;
            };
            if !rec.bad_bytes.is_empty() && rec.bad_bytes.iter().any(|b| b.field == col) {
                *cell = Cell::Invalid;
                continue;
            }
            let text = rec.field(col);
            let at = CellAt {
                rec,
                field: fi,
                col,
                show,
            };
            let missing = if empty_is_missing {
                text.is_empty()
            } else {
                is_missing(&schema.missing_values, text)
            };
            if missing {
                *cell = Cell::Null;
                if check.required {
                    at.add(findings, schema, ErrorCode::ConstraintError, || {
                        "a required value is missing".into()
                    });
                }
                continue;
            }
            if check.anything {
                *cell = Cell::Valid(Value::Text);
                continue;
            }
            if check.unique.is_none() {
                if let Some(value) = check.last_clean.get(text) {
                    *cell = Cell::Valid(value);
                    continue;
                }
            }
            let parsed = if check.plain_text {
                Ok(Value::Text)
            } else {
                check.parser.parse(text)
            };
            let value = match parsed {
                Ok(v) => v,
                Err(problem) => {
                    *cell = Cell::Invalid;
                    let parser = &check.parser;
                    at.add(findings, schema, ErrorCode::TypeError, || {
                        parser.describe(problem)
                    });
                    continue;
                }
            };
            if check.kept {
                *cell = Cell::Valid(value);
            }
            let mut clean = true;
            if check.has_constraints {
                let (cache, list) = (&mut check.pattern_cache, check.lists_values);
                constraints::check(&field.constraints, &value, text, cache, |v| {
                    clean = false;
                    at.add(findings, schema, ErrorCode::ConstraintError, || {
                        v.message(list)
                    });
                });
            }
            if !clean && check.kept {
                *cell = Cell::Breaks(value);
            }
            if clean && check.unique.is_none() {
                check.last_clean.put(text, value);
            }
            if let Some(seen) = check.unique.as_mut() {
                // Repeats are found at the end (see keys.rs).
                seen.insert(value.key(text), row, rec.field_offset(col), text);
            }
        }
        self.check_primary_key(rec);
        self.check_foreign_keys(rec);
    }

    /// After a sample of rows, sizes the key sets for the rows the input probably holds.
    fn reserve_keys(&mut self, rec: &Record<'_>) {
        const SAMPLE: u64 = 1000;
        self.row_bytes += rec.raw().len() as u64;
        if self.rows != SAMPLE {
            return;
        }
        let Some(size) = self.size_hint.take() else {
            return;
        };
        let per_row = (self.row_bytes / SAMPLE).max(1);
        // At most 100 million rows are reserved ahead: beyond, growing is fine.
        let expected = usize::try_from((size / per_row).min(100_000_000)).unwrap_or(0);
        let more = expected.saturating_sub(SAMPLE as usize) + expected / 50;
        if let Some(pk) = self.primary_key.as_mut() {
            pk.reserve(more);
        }
        self.foreign.reserve(more);
        for check in &mut self.checks {
            if let Some(seen) = check.unique.as_mut() {
                seen.reserve(more);
            }
        }
    }

    /// Records the row's primary key, as frictionless-py keys rows: a cell with no value
    /// (missing, absent, or not of its type) is "none" in the key, a key of none but
    /// nones is a `primary-key` finding of its own, and a key with some nones is compared
    /// like any other. A key field without a column (a `missing-label`) checks nothing.
    fn check_primary_key(&mut self, rec: &Record<'_>) {
        let Some(seen) = self.primary_key.as_mut() else {
            return;
        };
        self.key_scratch.clear();
        let mut empty = true;
        for (&fi, last) in self.schema.primary_key.iter().zip(&mut self.key_last) {
            let Some(col) = self.field_column[fi] else {
                return;
            };
            let key = match self.cells[fi].value() {
                // A text's key is its text's: only typed values are remembered.
                Some(v @ (Value::Text | Value::Json(_))) => v.key(rec.field(col)),
                Some(v) => match last {
                    Some((seen, key)) if *seen == v => *key,
                    _ => {
                        let key = v.key(rec.field(col));
                        *last = Some((v, key));
                        key
                    }
                },
                None => keys::NONE,
            };
            empty &= key == keys::NONE;
            self.key_scratch.push(key);
        }
        if empty {
            let schema = &self.schema;
            self.findings.add(ErrorCode::PrimaryKey, || Finding {
                code: ErrorCode::PrimaryKey,
                row_number: Some(rec.number),
                field_name: None,
                field_number: None,
                byte: rec.start,
                message: format!(
                    "primary key ({}) has no value: every cell of it is empty or not of its type",
                    primary_key_names(schema)
                ),
                cell: None,
            });
            return;
        }
        let key = keys::combine(self.key_scratch.iter().copied());
        // Repeats are found at the end (see keys.rs).
        seen.insert(key, rec.number, rec.start, "");
    }

    /// The repeats of a key set, or a `source-error` when its spill could not be read back
    /// (the check then fails: uniqueness was not verified).
    fn key_result(
        findings: &mut Findings,
        found: Result<keys::Duplicates, String>,
    ) -> Option<keys::Duplicates> {
        match found {
            Ok(dups) => Some(dups),
            Err(e) => {
                findings.add(ErrorCode::SourceError, || Finding {
                    code: ErrorCode::SourceError,
                    row_number: None,
                    field_name: None,
                    field_number: None,
                    byte: 0,
                    message: format!(
                        "the keys written to the temporary file could not be read back ({e}): uniqueness was not verified"
                    ),
                    cell: None,
                });
                None
            }
        }
    }

    /// Keeps the `unique` / `primaryKey` sets past `spill.budget_bytes` each in the spill
    /// instead of memory. Called before the first chunk.
    pub(crate) fn set_spill(&mut self, spill: SpillConfig) {
        if self.primary_key.is_some() {
            self.primary_key = Some(KeySet::new(false, Some(spill.clone())));
        }
        self.spill = Some(spill);
    }

    /// Finds the repeated keys of the `unique` columns and of the primary key and the
    /// unmatched foreign keys, and puts their findings in row order among the others (after
    /// those of the same row).
    fn resolve_keys(&mut self) {
        let keep = self.findings.max();
        let mut deferred = Vec::new();
        for fi in 0..self.checks.len() {
            let Some(set) = self.checks[fi].unique.take() else {
                continue;
            };
            let Some(dups) = Self::key_result(&mut self.findings, set.finish(keep)) else {
                continue;
            };
            self.findings.count(ErrorCode::UniqueError, dups.total);
            let name = &self.schema.fields[fi].name;
            let col = self.field_column[fi];
            deferred.extend(dups.first.into_iter().map(|d| Finding {
                code: ErrorCode::UniqueError,
                row_number: Some(d.row),
                field_name: Some(name.clone()),
                field_number: col.map(|c| c + 1),
                byte: d.byte,
                message: format!("same value as row {}", d.first),
                cell: d.text,
            }));
        }
        let pk = self.primary_key.take();
        if let Some(dups) =
            pk.and_then(|set| Self::key_result(&mut self.findings, set.finish(keep)))
        {
            self.findings.count(ErrorCode::PrimaryKey, dups.total);
            let names = primary_key_names(&self.schema);
            deferred.extend(dups.first.into_iter().map(|d| Finding {
                code: ErrorCode::PrimaryKey,
                row_number: Some(d.row),
                field_name: None,
                field_number: None,
                byte: d.byte,
                message: format!("primary key ({names}) same as row {}", d.first),
                cell: None,
            }));
        }
        self.resolve_foreign_keys(keep, &mut deferred);
        // Stable: within a row, unique columns in field order, then the primary key, then
        // the foreign keys.
        deferred.sort_by_key(|f| f.row_number);
        self.findings.merge_deferred(deferred);
    }

    fn encoding_error(&mut self, rec: &Record<'_>, bad: crate::reader::BadBytes) {
        // The records that do not decode are the sample the encoding is guessed from, once,
        // in `into_report` (which also writes the guess into these findings' messages).
        if self.guess_sample.len() < encoding::GUESS_BYTES
            && self.guess_sample.last_record != rec.number
        {
            self.guess_sample.last_record = rec.number;
            let room = encoding::GUESS_BYTES - self.guess_sample.len();
            let raw = rec.raw();
            self.guess_sample
                .bytes
                .extend_from_slice(&raw[..raw.len().min(room)]);
        }
        let probable = "";
        let field = self.field_of_column(bad.field);
        let show = self.show_values;
        let name = field.map(|f| self.schema.fields[f].name.clone());
        self.findings.add(ErrorCode::EncodingError, || {
            let start = rec.field_offset(bad.field);
            let quoted = rec.raw().get((start - rec.start) as usize) == Some(&b'"');
            Finding {
                code: ErrorCode::EncodingError,
                row_number: Some(rec.number),
                field_name: name,
                field_number: Some(bad.field + 1),
                byte: start + u64::from(quoted) + bad.at as u64,
                message: encoding_message(probable),
                cell: show.then(|| rec.field(bad.field).to_owned()),
            }
        });
    }

    fn source_problem(&mut self, problem: SourceProblem) {
        let (row, byte, message) = match problem {
            SourceProblem::RecordTooLarge { row, byte, limit } => (
                Some(row),
                byte,
                format!(
                    "row is longer than {} MiB, so reading stopped: an unterminated quote probably swallowed the rest of the file",
                    limit >> 20
                ),
            ),
            SourceProblem::UnterminatedQuote { row, byte } => (
                Some(row),
                byte,
                format!(
                    "the file ends inside a quoted field opened at byte {byte} (unterminated quote)"
                ),
            ),
            SourceProblem::Utf16 { probable } => {
                self.encoding.probable = Some(probable.to_owned());
                (
                    None,
                    0,
                    format!(
                        "the file is {probable}: read it with --encoding {probable} (or auto), or save it as UTF-8 (Excel: \"CSV UTF-8\")"
                    ),
                )
            }
            SourceProblem::Binary { byte } => (
                None,
                byte,
                format!("the file holds a NUL byte at offset {byte}: it is binary, not CSV text"),
            ),
        };
        self.findings.add(ErrorCode::SourceError, || Finding {
            code: ErrorCode::SourceError,
            row_number: row,
            field_name: None,
            field_number: None,
            byte,
            message,
            cell: None,
        });
    }

    fn field_check(
        field: &Field,
        dialect: &Dialect,
        show_values: bool,
        spill: Option<&SpillConfig>,
    ) -> FieldCheck {
        let plain_text = matches!(
            field.field_type,
            FieldType::String(StringFormat::Default) | FieldType::Any
        );
        let has_constraints = constraints::any(&field.constraints);
        FieldCheck {
            parser: field.parser(dialect.number_style(field.number_style)),
            last_clean: RepeatCache::default(),
            kept: true,
            plain_text,
            pattern_cache: field
                .constraints
                .pattern
                .as_ref()
                .map(|p| p.cache())
                .unwrap_or_default(),
            // A primary key's empty cells are `primary-key` findings, not `required` ones
            // (see `check_primary_key`), as frictionless-py reports them.
            required: field.constraints.required,
            has_constraints,
            unique: field
                .constraints
                .unique
                .then(|| KeySet::new(show_values, spill.cloned())),
            anything: plain_text && !has_constraints && !field.constraints.unique,
            lists_values: constraints::lists_values(field),
        }
    }
}

/// The names of the primary key's fields, for messages: `prm, timestamp`.
fn primary_key_names(schema: &Schema) -> String {
    let names: Vec<&str> = (schema.primary_key.iter())
        .map(|&i| schema.fields[i].name.as_str())
        .collect();
    names.join(", ")
}

/// Whether a cell is one of the schema's missing values.
fn is_missing(missing_values: &[String], cell: &str) -> bool {
    match missing_values {
        [only] if only.is_empty() => cell.is_empty(),
        values => values.iter().any(|m| m == cell),
    }
}

/// Where a cell finding points: the record, the field and its column.
#[derive(Clone, Copy)]
struct CellAt<'r, 'a> {
    rec: &'r Record<'a>,
    field: usize,
    col: usize,
    show: bool,
}

impl CellAt<'_, '_> {
    fn add(
        &self,
        findings: &mut Findings,
        schema: &Schema,
        code: ErrorCode,
        message: impl FnOnce() -> String,
    ) {
        findings.add(code, || Finding {
            code,
            row_number: Some(self.rec.number),
            field_name: Some(schema.fields[self.field].name.clone()),
            field_number: Some(self.col + 1),
            byte: self.rec.field_offset(self.col),
            message: message(),
            cell: self.show.then(|| self.rec.field(self.col).to_owned()),
        });
    }
}

impl RecordSink for Validator {
    fn start(&mut self, dialect: &Dialect, encoding: &EncodingInfo) {
        self.started = true;
        self.dialect = dialect.clone();
        self.encoding = encoding.clone();
        self.checks = self
            .schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let in_key = self.schema.primary_key.contains(&i);
                let spill = self.spill.as_ref();
                let mut check = Self::field_check(f, dialect, self.show_values, spill);
                check.kept = in_key || self.keep_all || self.foreign.reads(&self.schema, i);
                check
            })
            .collect();
        self.foreign.start(self.show_values, self.spill.as_ref());
        if !dialect.header {
            self.header_done = true;
        }
    }

    fn record(&mut self, rec: &Record<'_>) {
        if self.header_done {
            self.records += 1;
            self.data_row(rec);
            return;
        }
        // The header, or a row before it: never a data row.
        self.kind = RowKind::Header;
        if self.dialect.header_rows.is_empty() {
            // The header is the first row that is not blank: blank lines before it keep
            // their numbers but are not rows of the table (Frictionless takes the first
            // row about as wide as the others for the header).
            if rec.is_empty() {
                return;
            }
            self.records += 1;
            self.header_done = true;
            self.header(rec);
            return;
        }
        let last = self.dialect.header_rows.last().copied().unwrap_or(1);
        if rec.number > last {
            // The last header rows were comments: this row is the first data row.
            self.end_header();
            self.records += 1;
            self.data_row(rec);
            return;
        }
        if self.dialect.header_rows.contains(&rec.number) && !rec.is_empty() {
            self.records += 1;
            let rows = self.header_rows.get_or_insert_with(HeaderRows::default);
            let join = self.dialect.header_join.as_deref().unwrap_or(" ");
            for (i, cell) in rec.fields().enumerate() {
                if rows
                    .above
                    .get(i)
                    .is_some_and(|a| a.as_deref() == Some(cell))
                {
                    continue;
                }
                match rows.above.get_mut(i) {
                    Some(above) => *above = Some(cell.to_owned()),
                    None => rows.above.push(Some(cell.to_owned())),
                }
                match rows.labels.get_mut(i) {
                    Some(label) => {
                        label.push_str(join);
                        label.push_str(cell);
                    }
                    None => rows.labels.push(cell.to_owned()),
                }
            }
            rows.last = Some((rec.number, rec.start, rec.raw().to_vec()));
        }
        if rec.number == last {
            self.end_header();
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.source_problem(problem);
    }
}

impl Validator {
    /// Checks the labels of a header read over several rows, once its last row is read.
    fn end_header(&mut self) {
        self.header_done = true;
        let Some(rows) = self.header_rows.take() else {
            return;
        };
        let Some((number, start, raw)) = &rows.last else {
            return;
        };
        let text = rows.labels.concat();
        let ends: Vec<usize> = (rows.labels.iter())
            .scan(0, |end, label| {
                *end += label.len();
                Some(*end)
            })
            .collect();
        let (delimiter, quote) = (self.dialect.delimiter_byte(), self.dialect.quote_byte());
        let rec = Record::joined(*number, *start, raw, &text, &ends, delimiter, quote);
        self.header(&rec);
    }

    /// Called by [`Checker::finish`] and the minimiser when nothing at all was read.
    pub(crate) fn check_empty(&mut self, bytes: u64) {
        if !self.header_done {
            // The file ended within a header over several rows.
            self.end_header();
        }
        if self.records == 0 && self.findings.total() == 0 {
            let message = if bytes == 0 {
                "the file is empty".to_owned()
            } else {
                "the file holds no CSV row".to_owned()
            };
            self.findings.add(ErrorCode::SourceError, || Finding {
                code: ErrorCode::SourceError,
                row_number: None,
                field_name: None,
                field_number: None,
                byte: 0,
                message,
                cell: None,
            });
        }
    }
}

#[cfg(test)]
mod tests;
