//! Streaming minimisation: the schema's GDPR policy applied to every cell, chunk by chunk.
//!
//! A [`Minimiser`] reads like a [`crate::Checker`] (same reader, same validator, so the same
//! findings) and writes a new CSV holding only what the purpose needs: dropped columns are
//! gone, identifiers are keyed pseudonyms, quasi-identifiers are generalised, free text is
//! redacted. Output bytes depend only on the input bytes, the schema and the key — never on
//! how the input was cut — so the browser and the CLI produce identical files.
//!
//! Output dialect: UTF-8, `,` between cells, `"` quotes where needed, `\n` after each row,
//! numbers with a `.` decimal point, header = the kept fields in schema order.

mod generalise;
pub mod kanon;
mod mask;
mod pseudonymise;
mod redact;
mod split;
pub(crate) mod writer;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dialect::Dialect;
use crate::gdpr::{Action, Category, MaskStyle};
use crate::pii::{self, KindSet, PiiKind};
use crate::reader::{Reader, Record, RecordSink, SourceProblem};
use crate::report::{EncodingInfo, Report};
use crate::scan::{ScanReport, ScannedField};
use crate::schema::{FieldType, Schema};
use crate::validate::{Cell, Options, RowKind, Validator};
use crate::value::{NumberStyle, Value};

pub use kanon::KAnonymityReport;
pub use pseudonymise::{MIN_KEY_BYTES, PseudonymKey};
pub use split::{FrontDone, MinimiseBack, MinimiseFront, RowBatch};

use crate::pairs::SpillConfig;
use kanon::KAnonymity;
use pseudonymise::Pseudonymiser;
use redact::{Redactor, RowIdentifiers};
use writer::CsvWriter;

/// Why minimisation cannot run. Nothing here ever contains a key or a cell value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MinimiseError {
    /// Fields without a `gdpr` policy: every column must be decided.
    #[error(
        "no gdpr policy for field(s) {}: every column must say what minimisation does to it (keep, drop, pseudonymise, generalise, mask or redact)",
        .fields.join(", ")
    )]
    Undecided { fields: Vec<String> },
    /// The schema pseudonymises fields and no key was given. There is no default key.
    #[error(
        "a pseudonymisation key is required for field(s) {}; watt has no built-in key",
        .fields.join(", ")
    )]
    KeyRequired { fields: Vec<String> },
    #[error("the pseudonymisation key is too short: {len} bytes, at least {min} are needed")]
    KeyTooShort { len: usize, min: usize },
    #[error("the pseudonymisation key is too weak: it uses fewer than 8 distinct characters")]
    KeyWeak,
    #[error("no field named {0:?} in the schema")]
    UnknownField(String),
    #[error("field {0:?} is not pseudonymised by the schema")]
    NotPseudonymised(String),
}

impl MinimiseError {
    /// A stable code for programs (the page reacts to a missing key differently from an
    /// undecided field without parsing text).
    pub fn code(&self) -> &'static str {
        match self {
            MinimiseError::Undecided { .. } => "undecided",
            MinimiseError::KeyRequired { .. } => "key-required",
            MinimiseError::KeyTooShort { .. } => "key-too-short",
            MinimiseError::KeyWeak => "key-weak",
            MinimiseError::UnknownField(_) | MinimiseError::NotPseudonymised(_) => "minimise-error",
        }
    }
}

/// What minimisation did to one field. Counts only, no values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSummary {
    pub name: String,
    pub category: Option<Category>,
    /// The action and its parameters, as the register writes it.
    pub action: String,
    /// Cells whose output differs from the input.
    pub cells_changed: u64,
    /// Cells emptied rather than written: a value not valid for its field (not of its
    /// type, or breaking a constraint) under `keep`, or one that cannot be minimised as
    /// declared (not of the field's type, so it cannot be generalised; not maskable). Such
    /// a value is never let through as it is, even when invalid data is written.
    pub cells_suppressed: u64,
    /// Personal items found in the field's cells, by kind: replaced for `redact`, left in
    /// place (and warned about) for `keep`.
    pub pii_found: BTreeMap<PiiKind, u64>,
    /// Occurrences of the row's own identifiers (a name in a comment) redacted.
    pub row_identifiers_redacted: u64,
}

/// What minimisation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinimisationReport {
    /// Fingerprint of the pseudonymisation key (never the key).
    pub key_id: Option<String>,
    pub rows_out: u64,
    pub columns_out: Vec<String>,
    pub fields: Vec<FieldSummary>,
    pub k_anonymity: Option<KAnonymityReport>,
    pub warnings: Vec<String>,
}

/// The end of a minimisation: the last output bytes and the report.
#[derive(Debug)]
pub struct Minimised {
    pub tail: Vec<u8>,
    pub report: Report,
}

/// Minimises a CSV file fed in chunks.
///
/// ```
/// use watt_core::{Minimiser, Options, PseudonymKey, Schema};
/// let schema = Schema::from_json(r#"{"fields": [
///   {"name": "prm", "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "bytes": 8}},
///   {"name": "name", "gdpr": {"category": "direct-identifier", "action": "drop"}},
///   {"name": "postcode", "gdpr": {"category": "quasi-identifier", "action": "generalise", "chars": 2}},
///   {"name": "note", "gdpr": {"category": "free-text", "action": "redact"}}
/// ]}"#)?;
/// let key = PseudonymKey::new(b"an example key that is long enough, 0123456789")?;
/// let mut m = Minimiser::new(&schema, Options::default(), Some(key))?;
/// let mut out = m.push(b"prm,name,postcode,note\n12345678901234,Jeanne Martin,75011,appeler Martin au 0612345678\n").to_vec();
/// let done = m.finish();
/// out.extend(done.tail);
/// assert_eq!(String::from_utf8(out).unwrap(),
///     "prm,postcode,note\n253f732f3b1c1980,75,appeler [NAME] au [PHONE]\n");
/// assert!(done.report.valid);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Minimiser {
    reader: Reader,
    engine: Engine,
}

impl Minimiser {
    /// Refuses to start when a field has no policy, or when a field is pseudonymised and no
    /// key is given.
    pub fn new(
        schema: &Schema,
        options: Options,
        key: Option<PseudonymKey>,
    ) -> Result<Minimiser, MinimiseError> {
        let undecided: Vec<String> = schema
            .fields
            .iter()
            .filter(|f| f.gdpr.is_none())
            .map(|f| f.name.clone())
            .collect();
        if !undecided.is_empty() {
            return Err(MinimiseError::Undecided { fields: undecided });
        }
        let pseudonymised = pseudonymised_fields(schema);
        if key.is_none() && !pseudonymised.is_empty() {
            return Err(MinimiseError::KeyRequired {
                fields: pseudonymised,
            });
        }
        Ok(Minimiser {
            reader: Reader::new(schema, options.reader_options()),
            engine: Engine::new(schema, &options, Mode::Minimise, key.as_ref()),
        })
    }

    /// Keeps the state that grows with the file (`unique` / `primaryKey` key sets,
    /// k-anonymity pairs) in `spill` past its budget, so memory does not grow with the file
    /// (see [`crate::pairs`]). Call it before the first chunk; output and report do not
    /// depend on it.
    pub fn with_spill(mut self, spill: SpillConfig) -> Minimiser {
        self.engine.set_spill(spill);
        self
    }

    /// Feeds the next chunk; returns the output bytes ready so far (valid until the next
    /// call).
    pub fn push(&mut self, chunk: &[u8]) -> &[u8] {
        self.engine.begin_chunk();
        self.reader.push(chunk, &mut self.engine);
        self.engine.end_chunk()
    }

    /// Bytes fed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes()
    }

    /// Whether a finding has been made so far: the data is invalid whatever follows. A
    /// caller that does not write invalid data may stop feeding input (see [`stop`]).
    ///
    /// [`stop`]: Minimiser::stop
    pub fn has_findings(&self) -> bool {
        self.engine.validator.has_findings()
    }

    /// Whether a source error has stopped the reading: the rest of the input would only be
    /// counted (see [`crate::Checker::stopped`]).
    pub fn stopped(&self) -> bool {
        self.reader.stopped()
    }

    /// Ends the reading here, before the end of the input: the bytes of an unfinished row
    /// are dropped, and the report says that reading stopped early. Then call
    /// [`finish`](Minimiser::finish).
    pub fn stop(&mut self) {
        stop(&mut self.reader, &mut self.engine.validator);
    }

    /// Ends the input: the last output bytes and the report (validation and minimisation).
    pub fn finish(mut self) -> Minimised {
        self.engine.begin_chunk();
        self.reader.finish(&mut self.engine);
        let tail = self.engine.end_chunk().to_vec();
        let report = self.engine.into_report(self.reader.bytes());
        Minimised { tail, report }
    }
}

/// Stops `reader` where it is, and has `validator` report it.
fn stop(reader: &mut Reader, validator: &mut Validator) {
    if !reader.stopped() {
        reader.abandon();
        validator.stopped_at(reader.bytes());
    }
}

/// Names of the fields the schema pseudonymises.
fn pseudonymised_fields(schema: &Schema) -> Vec<String> {
    schema
        .fields
        .iter()
        .filter(|f| {
            matches!(
                f.gdpr.as_ref().map(|g| &g.action),
                Some(Action::Pseudonymise(_))
            )
        })
        .map(|f| f.name.clone())
        .collect()
}

/// The pseudonym of one value of a field, as [`Minimiser`] would write it: how a
/// data-subject request finds a person's rows in minimised data.
///
/// ```
/// # use watt_core::{Schema, PseudonymKey, minimise::pseudonym_of};
/// let schema = Schema::from_json(r#"{"fields": [{"name": "prm",
///   "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "normalise": "digits", "bytes": 8}}]}"#)?;
/// let key = PseudonymKey::new(b"an example key that is long enough, 0123456789")?;
/// assert_eq!(pseudonym_of(&schema, "prm", "1234 5678 9012 34", &key)?, "253f732f3b1c1980");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pseudonym_of(
    schema: &Schema,
    field: &str,
    value: &str,
    key: &PseudonymKey,
) -> Result<String, MinimiseError> {
    let f = schema
        .field(field)
        .ok_or_else(|| MinimiseError::UnknownField(field.to_owned()))?;
    match f.gdpr.as_ref().map(|g| &g.action) {
        Some(Action::Pseudonymise(p)) => Ok(pseudonym_with(p, value, key)),
        _ => Err(MinimiseError::NotPseudonymised(field.to_owned())),
    }
}

/// The pseudonym of `value` under `key` with the given parameters (those a manifest
/// records), as `watt minimise` writes it.
pub fn pseudonym_with(
    params: &crate::gdpr::Pseudonymisation,
    value: &str,
    key: &PseudonymKey,
) -> String {
    Pseudonymiser::once(key, params, value)
}

/// Whether the engine writes output or only measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Minimise,
    /// No output and no key: pseudonyms are replaced by the normalised values (which group
    /// rows exactly as pseudonyms would), and undeclared or non-personal columns are
    /// searched for personal data.
    Scan,
}

#[derive(Debug, Default, Clone)]
struct FieldStats {
    changed: u64,
    suppressed: u64,
    pii: [u64; PiiKind::ALL.len()],
    row_identifiers: u64,
    scanned: u64,
    cells_with_pii: u64,
}

#[derive(Debug)]
struct FieldPlan {
    name: String,
    category: Option<Category>,
    action: Action,
    field_type: FieldType,
    output: bool,
    pseudonymiser: Option<Pseudonymiser>,
    redactor: Option<Redactor>,
    /// Numbers written with a decimal comma or group separators are rewritten canonically.
    canonical_number: bool,
    /// Search the cells for personal data (reported, not changed).
    search_pii: bool,
    /// Search results by value, for a searched field whose values are listed (`enum`).
    memo: Option<SearchMemo>,
    stats: FieldStats,
}

impl FieldStats {
    fn add(&mut self, other: &FieldStats) {
        // Destructured: a counter added later cannot be forgotten here.
        let FieldStats {
            changed,
            suppressed,
            pii,
            row_identifiers,
            scanned,
            cells_with_pii,
        } = other;
        self.changed += changed;
        self.suppressed += suppressed;
        for (n, add) in self.pii.iter_mut().zip(pii) {
            *n += add;
        }
        self.row_identifiers += row_identifiers;
        self.scanned += scanned;
        self.cells_with_pii += cells_with_pii;
    }
}

/// A column of the file with no field in the schema (scan mode searches it too).
#[derive(Debug, Default)]
struct ExtraColumn {
    stats: FieldStats,
}

/// The record sink that validates, then minimises or scans, each row.
#[derive(Debug)]
pub(crate) struct Engine {
    validator: Validator,
    stage: Stage,
}

/// Everything minimisation keeps besides the validator: what turns a validated row into
/// output. Apart so that it can run on another thread than the validator (see [`split`]).
#[derive(Debug)]
pub(crate) struct Stage {
    mode: Mode,
    plans: Vec<FieldPlan>,
    writer: CsvWriter,
    /// Output values of the current row, end offsets in `row_ends` (one per plan).
    row: String,
    row_ends: Vec<usize>,
    row_ids: RowIdentifiers,
    /// Placeholders of the row identifiers, by field (`[FULL_NAME]`).
    placeholders: Vec<String>,
    kanon: Option<KAnonymity>,
    quasi_identifiers: Vec<usize>,
    subject: Option<usize>,
    k_threshold: u64,
    extra: BTreeMap<usize, ExtraColumn>,
    found: Vec<pii::PiiMatch>,
    rows_out: u64,
    key_id: Option<String>,
    /// How each field's numbers are written (known once the dialect is).
    styles: Vec<NumberStyle>,
}

/// One validated data row, as the minimising stage reads it.
pub(crate) struct RowInput<'a> {
    pub(crate) cells: &'a [Cell],
    /// The column each field is read from.
    pub(crate) columns: &'a [Option<usize>],
    pub(crate) fields: Fields<'a>,
    /// The row's number among the data rows of the file, from 1.
    pub(crate) index: u64,
}

/// The cells of a row: a record being read, or a row copied into a batch.
pub(crate) enum Fields<'a> {
    Record(&'a Record<'a>),
    /// Cells end to end in `text`, cell `i` ending at `ends[i]`.
    Copied {
        text: &'a str,
        ends: &'a [usize],
    },
}

impl<'a> Fields<'a> {
    fn get(&self, col: usize) -> &'a str {
        match self {
            Fields::Record(rec) => rec.field(col),
            Fields::Copied { text, ends } => {
                let Some(&end) = ends.get(col) else {
                    return "";
                };
                let start = if col == 0 { 0 } else { ends[col - 1] };
                text.get(start..end).unwrap_or("")
            }
        }
    }
}

impl Engine {
    pub(crate) fn new(
        schema: &Schema,
        options: &Options,
        mode: Mode,
        key: Option<&PseudonymKey>,
    ) -> Engine {
        let plans: Vec<FieldPlan> = schema
            .fields
            .iter()
            .map(|f| {
                let policy = f.gdpr.as_ref();
                let action = policy.map_or(Action::Keep, |p| p.action.clone());
                let category = policy.map(|p| p.category);
                let is_string = matches!(f.field_type, FieldType::String(_) | FieldType::Any);
                let search_pii = match mode {
                    Mode::Minimise => action == Action::Keep && is_string,
                    Mode::Scan => matches!(category, None | Some(Category::NonPersonal)),
                };
                FieldPlan {
                    name: f.name.clone(),
                    category,
                    output: action != Action::Drop,
                    pseudonymiser: match (&action, key) {
                        (Action::Pseudonymise(p), Some(k)) => Some(Pseudonymiser::new(k, p)),
                        _ => None,
                    },
                    redactor: match &action {
                        Action::Redact {
                            detectors,
                            row_identifiers,
                        } => Some(Redactor::new(detectors, *row_identifiers)),
                        _ => None,
                    },
                    canonical_number: matches!(
                        f.field_type,
                        FieldType::Number | FieldType::Integer
                    ),
                    memo: (search_pii && f.constraints.enumeration.is_some())
                        .then(SearchMemo::default),
                    search_pii,
                    field_type: f.field_type.clone(),
                    action,
                    stats: FieldStats::default(),
                }
            })
            .collect();
        // What replaces a field's value when it shows up in free text (`[FULL_NAME]`).
        let placeholders = schema
            .fields
            .iter()
            .map(|f| format!("[{}]", f.name.to_uppercase()))
            .collect();
        let quasi_identifiers: Vec<usize> = plans
            .iter()
            .enumerate()
            .filter(|(_, p)| p.category == Some(Category::QuasiIdentifier) && p.output)
            .map(|(i, _)| i)
            .collect();
        let dataset = schema.gdpr.as_ref();
        let subject = dataset
            .and_then(|d| d.subject_field.as_deref())
            .and_then(|s| schema.field_index(s));
        let writer = CsvWriter::new();
        let stage = Stage {
            mode,
            row_ends: Vec::with_capacity(plans.len()),
            plans,
            writer,
            row: String::new(),
            row_ids: RowIdentifiers::default(),
            placeholders,
            kanon: (!quasi_identifiers.is_empty()).then(KAnonymity::default),
            quasi_identifiers,
            subject,
            k_threshold: dataset.map_or(5, |d| d.k_threshold),
            extra: BTreeMap::new(),
            found: Vec::new(),
            rows_out: 0,
            key_id: key.map(|k| k.id().to_owned()),
            styles: Vec::new(),
        };
        let mut validator = Validator::new(schema, options);
        validator.keep_all_cells();
        Engine { validator, stage }
    }

    /// Output bytes before this point were handed out: forget them.
    pub(crate) fn begin_chunk(&mut self) {
        self.stage.writer.clear();
    }

    pub(crate) fn end_chunk(&mut self) -> &[u8] {
        self.stage.writer.bytes()
    }

    /// Minimises (or scans) the data row just validated.
    fn row(&mut self, rec: &Record<'_>) {
        let validator = &self.validator;
        self.stage.row(&RowInput {
            cells: validator.cells(),
            columns: validator.field_column(),
            fields: Fields::Record(rec),
            index: self.stage.rows_out + 1,
        });
        if self.stage.mode == Mode::Scan {
            for col in validator.unmapped_columns(rec.len()) {
                let extra = self.stage.extra.entry(col).or_default();
                search(&mut extra.stats, rec.field(col), &mut self.stage.found);
            }
        }
    }

    /// Keeps the key sets and the k-anonymity pairs in `spill` past its budget. Called
    /// before the first chunk.
    pub(crate) fn set_spill(&mut self, spill: SpillConfig) {
        if self.stage.kanon.is_some() {
            self.stage.kanon = Some(KAnonymity::new(Some(spill.clone())));
        }
        self.validator.set_spill(spill);
    }

    pub(crate) fn into_report(self, bytes: u64) -> Report {
        let Engine {
            mut validator,
            stage: mut s,
        } = self;
        let mut warnings = Vec::new();
        let schema = validator.schema();
        let k_anonymity = s.kanon.take().and_then(|k| {
            let names = s
                .quasi_identifiers
                .iter()
                .map(|&i| s.plans[i].name.clone())
                .collect();
            let subject = s.subject.map(|s| schema.fields[s].name.clone());
            k.report(names, subject, s.k_threshold)
                .map_err(|e| {
                    warnings.push(format!(
                        "k-anonymity could not be measured: the pairs written to the temporary file could not be read back ({e})"
                    ));
                })
                .ok()
        });
        if let Some(k) = &k_anonymity {
            if !k.passes && s.rows_out > 0 {
                let counted = k
                    .subject_field
                    .as_deref()
                    .map_or("row(s)".to_owned(), |s| format!("distinct {s} value(s)"));
                warnings.push(format!(
                    "k-anonymity: the smallest group sharing the same ({}) values holds {} {counted}, below the threshold {}; {} group(s) are too small — generalise further or drop a quasi-identifier",
                    k.quasi_identifiers.join(", "),
                    k.k,
                    k.threshold,
                    k.groups_below_threshold
                ));
            }
        }
        let fields: Vec<FieldSummary> = s
            .plans
            .iter()
            .map(|p| {
                let pii_found = pii_counts(&p.stats);
                if s.mode == Mode::Minimise && p.action == Action::Keep && !pii_found.is_empty() {
                    warnings.push(format!(
                        "field {} is kept as is but holds personal data ({}): declare it and choose an action",
                        p.name,
                        describe_counts(&pii_found)
                    ));
                }
                if p.stats.suppressed > 0 {
                    warnings.push(format!(
                        "field {}: {} value(s) emptied: not valid for the field, or not minimisable as declared, they are never written as they are",
                        p.name, p.stats.suppressed
                    ));
                }
                FieldSummary {
                    name: p.name.clone(),
                    category: p.category,
                    action: p.action.to_string(),
                    cells_changed: p.stats.changed,
                    cells_suppressed: p.stats.suppressed,
                    pii_found,
                    row_identifiers_redacted: p.stats.row_identifiers,
                }
            })
            .collect();
        let scan = (s.mode == Mode::Scan).then(|| {
            let mut scanned: Vec<ScannedField> = s
                .plans
                .iter()
                .enumerate()
                .filter(|(_, p)| p.search_pii)
                .map(|(i, p)| ScannedField {
                    name: p.name.clone(),
                    column: validator.field_column()[i].map(|c| c + 1),
                    declared: p.category,
                    cells_scanned: p.stats.scanned,
                    cells_with_pii: p.stats.cells_with_pii,
                    pii: pii_counts(&p.stats),
                })
                .collect();
            scanned.extend(s.extra.iter().map(|(col, e)| ScannedField {
                name: format!("column {}", col + 1),
                column: Some(col + 1),
                declared: None,
                cells_scanned: e.stats.scanned,
                cells_with_pii: e.stats.cells_with_pii,
                pii: pii_counts(&e.stats),
            }));
            ScanReport {
                personal_data_found: scanned.iter().any(|f| f.cells_with_pii > 0),
                fields: scanned,
            }
        });
        let minimisation = MinimisationReport {
            key_id: s.key_id.clone(),
            rows_out: s.rows_out,
            columns_out: s
                .plans
                .iter()
                .filter(|p| p.output)
                .map(|p| p.name.clone())
                .collect(),
            fields,
            k_anonymity,
            warnings,
        };
        validator.check_empty(bytes);
        let mut report = validator.into_report(bytes);
        report.minimisation = Some(minimisation);
        report.scan = scan;
        report
    }
}

impl Stage {
    /// Adds what `other` counted (the rows of the same file another stage minimised).
    pub(crate) fn merge(&mut self, other: Stage) {
        for (plan, theirs) in self.plans.iter_mut().zip(other.plans) {
            plan.stats.add(&theirs.stats);
        }
        for (col, theirs) in other.extra {
            self.extra.entry(col).or_default().stats.add(&theirs.stats);
        }
        match (&mut self.kanon, other.kanon) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (mine @ None, theirs) => *mine = theirs,
            (Some(_), None) => {}
        }
        self.rows_out += other.rows_out;
    }

    /// The dialect is known: numbers' styles, and the output header.
    pub(crate) fn start(&mut self, styles: Vec<NumberStyle>) {
        self.styles = styles;
        if self.mode == Mode::Minimise {
            let header = self
                .plans
                .iter()
                .filter(|p| p.output)
                .map(|p| p.name.as_bytes());
            self.writer.record(header);
        }
    }

    /// Minimises (or scans) one data row.
    pub(crate) fn row(&mut self, input: &RowInput<'_>) {
        self.row.clear();
        self.row_ends.clear();
        self.row_ids.clear();
        let (cells, columns, rec) = (input.cells, input.columns, &input.fields);
        // The row's direct identifiers, searched for in its free text (gathered only when
        // there is free text to search: most comments are empty).
        let free_text = self.plans.iter().enumerate().any(|(i, p)| {
            p.redactor.is_some()
                && cells[i].has_text()
                && columns[i].is_some_and(|c| !rec.get(c).is_empty())
        });
        if free_text {
            for (i, plan) in self.plans.iter().enumerate() {
                if plan.category == Some(Category::DirectIdentifier) {
                    if let (Some(col), true) = (columns[i], cells[i].has_text()) {
                        self.row_ids.add(rec.get(col), i);
                    }
                }
            }
        }
        for (i, plan) in self.plans.iter_mut().enumerate() {
            let cell = cells[i];
            if !plan.output && !plan.search_pii {
                // Dropped unread: only whether it held something is counted.
                if cell.has_text() {
                    plan.stats.changed += 1;
                }
                self.row_ends.push(self.row.len());
                continue;
            }
            let text = columns[i].map_or("", |c| rec.get(c));
            if plan.search_pii && cell.has_text() {
                match plan.memo.as_mut() {
                    Some(memo) => memo.search(&mut plan.stats, text, &mut self.found),
                    None => search(&mut plan.stats, text, &mut self.found),
                }
            }
            if !plan.output {
                if cell.has_text() {
                    plan.stats.changed += 1;
                }
                self.row_ends.push(self.row.len());
                continue;
            }
            let start = self.row.len();
            let out = &mut self.row;
            // Copied unchanged: no need to compare it with the input.
            let mut as_is = false;
            let ok = match (cell, &plan.action) {
                (Cell::Absent | Cell::Null, _) => true,
                (Cell::Valid(Value::Number(_) | Value::Integer(_)), Action::Keep)
                    if plan.canonical_number =>
                {
                    canonical_number(text, self.styles.get(i).copied().unwrap_or_default(), out);
                    true
                }
                // A value not valid for its field (an email in a number column, a name in
                // an `enum` one) is not let through as it is, even with --allow-invalid.
                (Cell::Invalid | Cell::Breaks(_), Action::Keep) => false,
                (_, Action::Keep) => {
                    out.push_str(text);
                    as_is = true;
                    true
                }
                (_, Action::Drop) => true,
                (_, Action::Pseudonymise(p)) => {
                    match plan.pseudonymiser.as_mut() {
                        Some(ps) => ps.write(text, out),
                        None => {
                            let mut scratch = String::new();
                            out.push_str(Pseudonymiser::normalise(p.normalise, text, &mut scratch));
                        }
                    }
                    true
                }
                (Cell::Valid(v) | Cell::Breaks(v), Action::Generalise(g)) => {
                    generalise::generalise(g, &v, text, &plan.field_type, out)
                }
                (_, Action::Generalise(_)) => false,
                (
                    _,
                    Action::Mask {
                        style: MaskStyle::EmailDomain,
                    },
                ) => mask::email_domain(text, out),
                (
                    _,
                    Action::Mask {
                        style: MaskStyle::PhoneLast2,
                    },
                ) => mask::phone_last2(text, out),
                (_, Action::Redact { .. }) => match plan.redactor.as_mut() {
                    Some(r) => {
                        let done = r.redact(text, &self.row_ids, &self.placeholders, out);
                        for (n, add) in plan.stats.pii.iter_mut().zip(done.by_kind) {
                            *n += add;
                        }
                        plan.stats.row_identifiers += done.row_identifiers;
                        true
                    }
                    None => false,
                },
            };
            if !ok {
                self.row.truncate(start);
                plan.stats.suppressed += 1;
            }
            if !as_is && self.row[start..] != *text {
                plan.stats.changed += 1;
            }
            self.row_ends.push(self.row.len());
        }
        if self.mode == Mode::Minimise {
            let row = &self.row;
            let ends = &self.row_ends;
            let values = self
                .plans
                .iter()
                .enumerate()
                .filter(|(_, p)| p.output)
                .map(|(i, _)| {
                    let start = if i == 0 { 0 } else { ends[i - 1] };
                    &row.as_bytes()[start..ends[i]]
                });
            self.writer.record_within(row.as_bytes(), values);
        }
        self.rows_out += 1;
        if let Some(k) = self.kanon.as_mut() {
            let value = |i: usize| {
                let start = if i == 0 { 0 } else { self.row_ends[i - 1] };
                &self.row[start..self.row_ends[i]]
            };
            let subject = self
                .subject
                .and_then(|s| columns[s].map(|c| rec.get(c).trim()))
                .filter(|s| !s.is_empty());
            k.add(
                self.quasi_identifiers.iter().map(|&i| value(i)),
                subject,
                input.index,
            );
        }
    }
}

/// How each field's numbers are written, once the validator knows the dialect.
fn number_styles(validator: &Validator, fields: usize) -> Vec<NumberStyle> {
    (0..fields).map(|i| validator.number_style_of(i)).collect()
}

fn search(stats: &mut FieldStats, text: &str, found: &mut Vec<pii::PiiMatch>) {
    stats.scanned += 1;
    pii::detect(text, KindSet::ALL, found);
    if !found.is_empty() {
        stats.cells_with_pii += 1;
        for m in found.iter() {
            stats.pii[m.kind as usize] += 1;
        }
    }
}

/// The personal-data search of a field whose cells take a few listed values (an `enum`):
/// the search depends on the text alone, so each value is searched once and its result
/// replayed. Bounded: past [`SearchMemo::VALUES`] distinct texts (invalid cells), the
/// others are searched every time.
#[derive(Debug, Default)]
struct SearchMemo {
    seen: Vec<(String, Vec<PiiKind>)>,
}

impl SearchMemo {
    const VALUES: usize = 32;

    fn search(&mut self, stats: &mut FieldStats, text: &str, found: &mut Vec<pii::PiiMatch>) {
        let Some((_, kinds)) = self.seen.iter().find(|(seen, _)| seen == text) else {
            search(stats, text, found);
            if self.seen.len() < Self::VALUES {
                let kinds = found.iter().map(|m| m.kind).collect();
                self.seen.push((text.to_owned(), kinds));
            }
            return;
        };
        stats.scanned += 1;
        if !kinds.is_empty() {
            stats.cells_with_pii += 1;
            for k in kinds {
                stats.pii[*k as usize] += 1;
            }
        }
    }
}

fn pii_counts(stats: &FieldStats) -> BTreeMap<PiiKind, u64> {
    PiiKind::ALL
        .iter()
        .zip(stats.pii)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (*k, n))
        .collect()
}

fn describe_counts(counts: &BTreeMap<PiiKind, u64>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{n} {}", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number as Table Schema writes it canonically: `.` as decimal point, no group separator,
/// no decoration. The text is rewritten character by character (not re-formatted from a
/// float) so no digit is lost or added.
fn canonical_number(text: &str, style: crate::value::NumberStyle, out: &mut String) {
    if style.decimal == '.' && style.group.is_none() && style.bare {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if c.is_ascii_digit() || c == '-' || c == '+' || c == 'e' || c == 'E' {
            out.push(c);
        } else if c == style.decimal {
            out.push('.');
        } else if matches!(text, "NaN" | "INF" | "-INF" | "+INF") {
            out.push(c);
        }
    }
}

impl RecordSink for Engine {
    fn start(&mut self, dialect: &Dialect, encoding: &EncodingInfo) {
        self.validator.start(dialect, encoding);
        let styles = number_styles(&self.validator, self.stage.plans.len());
        self.stage.start(styles);
    }

    fn record(&mut self, record: &Record<'_>) {
        self.validator.record(record);
        if self.validator.kind() == RowKind::Data {
            self.row(record);
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.validator.source_error(problem);
    }
}

#[cfg(test)]
mod tests;
