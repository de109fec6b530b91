//! Schema inference: a draft Frictionless Table Schema from a whole file, read once.
//!
//! Writing a schema by hand for a 40-column export is where people give up on validation;
//! `watt schema infer` writes the draft instead, and the person reviews it. The draft is
//! deliberately narrow — the narrowest type every value fits, `required` when no value was
//! empty, a `pattern` for digit codes, an `enum` for small vocabularies — so that a later
//! file that drifts shows up as findings, not silence.
//!
//! **The file the draft was inferred from checks as valid against it.** Every row is read
//! (streaming: each column keeps a bounded summary, see [`column`]), every type is decided
//! by the same [`ValueParser`](crate::value::ValueParser) the checker uses, and an `enum` lists every value of the
//! column. A draft from the first rows only (an `enum` of the values in the first thousand
//! rows) failed the later rows by the thousand. When the caller asks for a sample
//! ([`InferOptions::rows`]) and the file has more rows, the draft says so in its
//! description and has no `enum` (a vocabulary cannot be closed from part of a file).
//!
//! Digit codes stay strings: a 14-digit meter id (`PRM`) or a postcode is an identifier,
//! not a quantity, and reading `01234` as the integer 1234 loses the leading zero.
//!
//! No value is copied into the draft from a column that looks personal (by its name or by
//! what the detectors of [`crate::pii`] find in its first values), nor from a column with
//! many distinct values, nor one that holds a value with a personal item in it, nor values
//! that look like people's names.
//!
//! The input comes in chunks, like everywhere in the core: an [`Inferrer`] reads the first
//! bytes to detect the dialect, keeps the first rows until the header is decided (bounded
//! by [`HEAD_ROWS`] and [`HEAD_BYTES`]), then summarises each row as it comes.
//!
//! ```
//! use watt_core::infer::{InferOptions, infer};
//! let draft = infer(b"prm;kwh\r\n01234567890123;1,5\r\n01234567890124;2\r\n",
//!                   &InferOptions::default())?;
//! assert_eq!(draft.dialect.delimiter, ';');
//! assert_eq!(draft.fields[0].pattern.as_deref(), Some("[0-9]{14}"));
//! assert_eq!(draft.fields[1].decimal_char, Some(','));
//! let schema = watt_core::Schema::from_json(&draft.to_json()).expect("the draft loads");
//! assert_eq!(schema.fields[1].field_type.name(), "number");
//! # Ok::<(), watt_core::infer::InferError>(())
//! ```

mod column;

use std::ops::ControlFlow;

use serde::Serialize;

use crate::dialect::{Dialect, DialectOptions};
use crate::encoding::{self, Encoding};
use crate::gdpr::Category;
use crate::pii::PiiKind;
use crate::reader::{
    DEFAULT_MAX_RECORD_BYTES, Reader, ReaderOptions, Record, RecordSink, SourceProblem,
};
use crate::report::EncodingInfo;
use crate::schema::{FieldType, StringFormat};
use crate::value::NumberStyle;
use column::{Candidates, Column, ColumnStats, ENUM_MIN_REPEATS, ENUM_MIN_VALUES, PiiTally};

/// Rows after the first that decide whether the first is a header.
pub const HEAD_ROWS: usize = 1000;

/// Most bytes of rows kept to decide the header: past them the header is decided on the
/// rows kept so far, so that a file of very long rows does not fill memory.
pub const HEAD_BYTES: usize = 1 << 20;

/// What the caller says about the input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InferOptions {
    /// Data rows read (the header not counted): `None` reads the whole file, which is what
    /// makes the draft fit it. With `Some(n)` and a longer file, the draft is from a
    /// sample, says so, and has no `enum`. At least 1.
    pub rows: Option<usize>,
    /// What the user says about the dialect; the rest is detected.
    pub dialect: DialectOptions,
    pub encoding: Encoding,
}

/// Why no schema could be inferred. Messages never quote the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InferError {
    /// Zero rows were asked for.
    #[error("the number of rows to sample must be at least 1")]
    NoRowsAsked,
    /// Nothing at all (or only a byte-order mark).
    #[error("the file is empty: there is no header or row to infer a schema from")]
    Empty,
    /// Bytes, but no CSV record (only line breaks).
    #[error(
        "the file holds no CSV row (only line breaks): there is nothing to infer a schema from"
    )]
    NoRows,
    /// A row is not valid UTF-8.
    #[error("row {row} is not valid UTF-8; the file looks like {probable} (read it as {probable})")]
    Encoding { row: u64, probable: &'static str },
    /// The file is UTF-16.
    #[error(
        "the file is {probable}: read it with --encoding {probable} (or auto), or save it as UTF-8 (Excel: \"CSV UTF-8\")"
    )]
    Utf16 { probable: &'static str },
    /// The file holds NUL bytes.
    #[error("the file holds a NUL byte at offset {byte}: it is binary, not CSV text")]
    Binary { byte: u64 },
    /// The file ends inside a quoted cell: the rows after the quote would be one cell.
    #[error("row {row} opens a quote that is never closed: the rest of the file would be one cell")]
    UnterminatedQuote { row: u64 },
    /// A record longer than the reader's limit (an unterminated quote, most often).
    #[error(
        "row {row} is longer than {limit_mib} MiB: an unterminated quote probably swallowed the rest of the file"
    )]
    RecordTooLarge { row: u64, limit_mib: usize },
}

/// Why a GDPR category is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The column's name says what it holds (`email`, `code_postal`, `commentaire`).
    ColumnName,
    /// The detectors of [`crate::pii`] found personal items of `kind` in `cells` of the
    /// `of` values read (the first values of the column; the most frequent kind is named).
    Values {
        kind: PiiKind,
        cells: usize,
        of: usize,
    },
}

impl Evidence {
    fn describe(self) -> String {
        match self {
            Evidence::ColumnName => "from the column name".to_owned(),
            Evidence::Values { kind, cells, of } => format!(
                "because personal data was detected in {cells} of {of} sampled values (mostly {})",
                kind.as_str()
            ),
        }
    }
}

/// A suggested GDPR category for a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GdprSuggestion {
    pub category: Category,
    pub evidence: Evidence,
}

impl GdprSuggestion {
    /// The action written into the draft with the category: the most protective one for
    /// the category, so an unreviewed draft never lets personal data through by default.
    /// (A schema needs an action next to a category; choosing a lighter one — pseudonymise,
    /// generalise — is a decision for the person reviewing the draft.)
    pub fn default_action(&self) -> &'static str {
        match self.category {
            Category::DirectIdentifier | Category::QuasiIdentifier | Category::Sensitive => "drop",
            Category::FreeText => "redact",
            Category::Personal | Category::NonPersonal => "keep",
        }
    }
}

/// One inferred column.
#[derive(Debug, Clone, PartialEq)]
pub struct InferredField {
    /// The header label (or `fieldN` when the file has no header, or the label is blank).
    pub name: String,
    pub field_type: FieldType,
    /// `Some(',')` for numbers written with a decimal comma.
    pub decimal_char: Option<char>,
    /// No value was empty.
    pub required: bool,
    /// For digit codes: `[0-9]{14}`, or `[0-9]{4,6}` when lengths vary.
    pub pattern: Option<String>,
    /// The sorted distinct values of a small vocabulary.
    pub enumeration: Option<Vec<String>>,
    pub gdpr: Option<GdprSuggestion>,
}

/// The result of inference: the draft's fields, and how the file was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Inference {
    pub dialect: Dialect,
    pub encoding: Encoding,
    /// Whether the file starts with a UTF-8 byte-order mark.
    pub bom: bool,
    /// Data rows the draft was inferred from.
    pub rows: u64,
    /// Whether the file has rows past those (the caller asked for a sample).
    pub sampled: bool,
    pub fields: Vec<InferredField>,
}

/// Reads a file from chunks and infers its schema. [`Inferrer::push`] says when no more
/// input is wanted: once a row past the [`InferOptions::rows`] asked for was found (past
/// the first 64 KiB, which are read before any row), or after an error.
///
/// The rows are read by the checker's own [`Reader`], so that the draft sees the file as
/// `watt check` will: the same encodings (UTF-16 included), dialect options (comment rows,
/// escape character, spaces after delimiters), blank rows and row numbers.
///
/// ```
/// use watt_core::infer::{InferOptions, Inferrer};
/// let mut inferrer = Inferrer::new(InferOptions { rows: Some(1), ..InferOptions::default() });
/// for chunk in [&b"id,kwh\n1,0.5\n"[..], b"2,0.7\n"] {
///     inferrer.push(chunk);
/// }
/// let draft = inferrer.finish()?;
/// assert_eq!((draft.rows, draft.sampled), (1, true));
/// # Ok::<(), watt_core::infer::InferError>(())
/// ```
#[derive(Debug)]
pub struct Inferrer {
    reader: Reader,
    sink: Sink,
}

/// What the rows the reader delivers make of the draft.
#[derive(Debug)]
struct Sink {
    options: InferOptions,
    /// The dialect and encoding, once the reader has detected them.
    dialect: Option<Dialect>,
    encoding: Option<EncodingInfo>,
    /// The first records, until the header is decided (`None` after).
    head: Option<Vec<Vec<String>>>,
    head_bytes: usize,
    table: Table,
    /// Records that are not blank.
    records: u64,
    /// No more input is wanted: an error, or the rows asked for were read.
    done: Option<Result<(), InferError>>,
}

/// The columns' summaries.
#[derive(Debug)]
struct Table {
    candidates: Candidates,
    /// Field names, once the header is decided.
    names: Vec<String>,
    columns: Vec<ColumnStats>,
    /// Data rows summarised.
    rows: u64,
    /// Data rows asked for (`None`: all).
    limit: Option<usize>,
    /// A row past the `limit` was found: the rows summarised are a sample.
    sampled: bool,
}

impl Inferrer {
    pub fn new(options: InferOptions) -> Inferrer {
        let reader = Reader::without_schema(ReaderOptions {
            dialect: options.dialect.clone(),
            encoding: options.encoding,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        });
        let table = Table {
            candidates: Candidates::new(options.dialect.decimal_char),
            names: Vec::new(),
            columns: Vec::new(),
            rows: 0,
            limit: options.rows,
            sampled: false,
        };
        let done = (options.rows == Some(0)).then_some(Err(InferError::NoRowsAsked));
        Inferrer {
            reader,
            sink: Sink {
                options,
                dialect: None,
                encoding: None,
                head: Some(Vec::new()),
                head_bytes: 0,
                table,
                records: 0,
                done,
            },
        }
    }

    /// Feeds the next chunk; returns whether more input is wanted.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        // An empty chunk is no news (an empty input to the reader's parser is the end).
        if self.wants_more() && !chunk.is_empty() {
            self.reader.push(chunk, &mut self.sink);
        }
        self.wants_more()
    }

    /// Whether more input is wanted.
    pub fn wants_more(&self) -> bool {
        self.sink.done.is_none()
    }

    /// Ends the input and infers the draft.
    pub fn finish(mut self) -> Result<Inference, InferError> {
        if self.sink.done.is_none() {
            self.reader.finish(&mut self.sink);
        }
        let mut sink = self.sink;
        if let Some(Err(e)) = sink.done.take() {
            return Err(e);
        }
        let (Some(mut dialect), Some(encoding)) = (sink.dialect.take(), sink.encoding.take())
        else {
            return Err(InferError::Empty);
        };
        // The end of the file: the header is decided on what there is.
        if let Some(kept) = sink.head.take() {
            let _ = sink
                .table
                .decide_header(&kept, &mut dialect, sink.options.dialect.header);
        }
        if sink.records == 0 {
            // Nothing but a byte-order mark, or not even that.
            let mark = if encoding.bom { 3 } else { 0 };
            return Err(if self.reader.bytes() <= mark {
                InferError::Empty
            } else {
                InferError::NoRows
            });
        }
        let table = sink.table;
        let fields: Vec<InferredField> = (table.names.iter())
            .zip(&table.columns)
            .map(|(name, stats)| table.field(name.clone(), stats))
            .collect();
        if sink.options.dialect.decimal_char.is_none()
            && fields.iter().any(|f| f.decimal_char.is_some())
        {
            dialect.decimal_char = ',';
            dialect.detected.push("decimalChar".to_owned());
        }
        let read_as = Encoding::from_label(&encoding.name).unwrap_or_default();
        Ok(Inference {
            dialect,
            encoding: read_as,
            // A UTF-8 byte-order mark (UTF-16's own mark is part of reading it as such).
            bom: encoding.bom && read_as.utf16_big_endian().is_none(),
            rows: table.rows,
            sampled: table.sampled,
            fields,
        })
    }
}

impl Sink {
    fn fail(&mut self, e: InferError) {
        if self.done.is_none() {
            self.done = Some(Err(e));
        }
    }
}

impl RecordSink for Sink {
    fn start(&mut self, dialect: &Dialect, encoding: &EncodingInfo) {
        self.dialect = Some(dialect.clone());
        self.encoding = Some(encoding.clone());
    }

    fn record(&mut self, rec: &Record<'_>) {
        if self.done.is_some() || rec.is_empty() {
            return;
        }
        // Text files have no NUL byte: the checker refuses the file there, so no draft
        // could fit it.
        if let Some(i) = memchr::memchr(0, rec.raw()) {
            return self.fail(InferError::Binary {
                byte: rec.start + i as u64,
            });
        }
        if !rec.bad_bytes.is_empty() {
            return self.fail(InferError::Encoding {
                row: rec.number,
                probable: encoding::guess(rec.raw()),
            });
        }
        self.records += 1;
        let Sink {
            options,
            dialect,
            head,
            head_bytes,
            table,
            ..
        } = self;
        let flow = if let Some(kept) = head.as_mut() {
            *head_bytes += rec.fields().map(|f| f.len() + 1).sum::<usize>();
            kept.push(rec.fields().map(str::to_owned).collect());
            if kept.len() <= HEAD_ROWS && *head_bytes < HEAD_BYTES {
                return;
            }
            let kept = head.take().unwrap_or_default();
            let Some(dialect) = dialect.as_mut() else {
                return;
            };
            table.decide_header(&kept, dialect, options.dialect.header)
        } else {
            table.add(rec.fields())
        };
        if flow.is_break() {
            self.done = Some(Ok(()));
        }
    }

    fn source_error(&mut self, problem: SourceProblem) {
        self.fail(match problem {
            SourceProblem::RecordTooLarge { row, limit, .. } => InferError::RecordTooLarge {
                row,
                limit_mib: limit >> 20,
            },
            SourceProblem::UnterminatedQuote { row, .. } => InferError::UnterminatedQuote { row },
            SourceProblem::Utf16 { probable } => InferError::Utf16 { probable },
            SourceProblem::Binary { byte } => InferError::Binary { byte },
        });
    }
}

impl Table {
    /// Decides whether the first of the `kept` rows is a header (as `given` says, or from
    /// the types of the rows after it), names the fields, and summarises the data rows
    /// among `kept`.
    fn decide_header(
        &mut self,
        kept: &[Vec<String>],
        dialect: &mut Dialect,
        given: Option<bool>,
    ) -> ControlFlow<()> {
        let Some(first) = kept.first() else {
            return ControlFlow::Continue(());
        };
        let width = first.len();
        let header = match given {
            Some(h) => h,
            None => {
                dialect.detected.push("header".to_owned());
                let types: Vec<Column> = (0..width)
                    .map(|c| Column::infer(&non_empty(&kept[1..], c), &self.candidates))
                    .collect();
                kept.len() < 2 || looks_like_header(first, &types)
            }
        };
        dialect.header = header;
        self.names = field_names(header.then_some(first.as_slice()), width);
        self.columns = vec![ColumnStats::new(&self.candidates); width];
        let data = if header { &kept[1..] } else { kept };
        for cells in data {
            self.add(cells.iter().map(String::as_str))?;
        }
        ControlFlow::Continue(())
    }

    /// Adds a data row to the columns' summaries; `Break` once a row past the limit shows
    /// that the rows read are a sample.
    fn add<'a>(&mut self, cells: impl Iterator<Item = &'a str>) -> ControlFlow<()> {
        if self.limit.is_some_and(|n| self.rows >= n as u64) {
            self.sampled = true;
            return ControlFlow::Break(());
        }
        self.rows += 1;
        let mut n = 0;
        // Cells past the header's columns are not read (the check reports them).
        for (stats, cell) in self.columns.iter_mut().zip(cells) {
            stats.add(cell, &self.candidates);
            n += 1;
        }
        // A row too short to have a cell misses it.
        for stats in &mut self.columns[n..] {
            stats.add_missing();
        }
        ControlFlow::Continue(())
    }
}

/// Infers a draft schema from a whole file in memory (or its first rows, when
/// [`InferOptions::rows`] says). See [`Inferrer`] to feed a file in chunks.
pub fn infer(data: &[u8], options: &InferOptions) -> Result<Inference, InferError> {
    let mut inferrer = Inferrer::new(options.clone());
    inferrer.push(data);
    inferrer.finish()
}

/// The non-empty cells of column `c` (a row too short to have one counts as empty).
fn non_empty(rows: &[Vec<String>], c: usize) -> Vec<&str> {
    rows.iter()
        .filter_map(|r| r.get(c))
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .collect()
}
/// Field names: the labels, with blank ones named `fieldN` and repeated ones suffixed
/// (`kwh`, `kwh_2`) so the draft loads; the check then reports the labels themselves.
fn field_names(labels: Option<&[String]>, columns: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(columns);
    for c in 0..columns {
        let label = labels
            .and_then(|l| l.get(c))
            .filter(|l| !l.trim().is_empty());
        let base = match label {
            Some(l) => l.clone(),
            None => format!("field{}", c + 1),
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

/// The rule the checker uses ([`Dialect::sniff`]) with a schema, applied to the types
/// inferred from the rows after the first: the first row is a header unless most of its
/// cells in typed (non-string) columns read as values of their column's type.
fn looks_like_header(first: &[String], types: &[Column]) -> bool {
    let mut typed = 0;
    let mut parsed = 0;
    for (cell, column) in first.iter().zip(types) {
        if matches!(column.field_type, FieldType::String(_)) || cell.is_empty() {
            continue;
        }
        typed += 1;
        let parses = |decimal: char| {
            column
                .parser_with(NumberStyle {
                    decimal,
                    declared: true,
                    ..NumberStyle::default()
                })
                .parse(cell)
                .is_ok()
        };
        if parses(column.decimal_char.unwrap_or('.')) || parses(',') {
            parsed += 1;
        }
    }
    typed == 0 || parsed * 2 < typed
}

impl Table {
    /// The draft of one column from its summary.
    fn field(&self, name: String, stats: &ColumnStats) -> InferredField {
        let column = stats.column(&self.candidates);
        let gdpr = suggest(&name, &stats.pii);
        let enumeration = (column.field_type == FieldType::String(StringFormat::Default)
            && column.pattern.is_none()
            // Values of a personal column must not be copied into a schema, which travels.
            && gdpr.is_none()
            // A vocabulary is closed only over the whole file.
            && !self.sampled)
            .then(|| vocabulary(stats))
            .flatten();
        InferredField {
            required: self.rows > 0 && stats.missing == 0,
            field_type: column.field_type,
            decimal_char: column.decimal_char,
            pattern: column.pattern,
            enumeration,
            gdpr,
            name,
        }
    }
}

/// The sorted distinct values of a column that is a small vocabulary, for its `enum`: at
/// most [`column::ENUM_MAX_VALUES`] of them (the summary gives up past that) over at least
/// [`ENUM_MIN_VALUES`] values, each seen at least [`ENUM_MIN_REPEATS`] times, and not
/// people's names (a column of a few holders' names repeated over their meters' readings
/// is not a vocabulary: its values must not be copied into a schema, nor quoted by the
/// checks of it).
fn vocabulary(stats: &ColumnStats) -> Option<Vec<String>> {
    let distinct = stats.distinct()?;
    if stats.values < ENUM_MIN_VALUES || distinct.iter().any(|(_, n)| *n < ENUM_MIN_REPEATS) {
        return None;
    }
    let names = distinct
        .iter()
        .filter(|(v, _)| looks_like_a_name(v))
        .count();
    if names * 2 >= distinct.len() {
        return None;
    }
    let mut values: Vec<String> = distinct.iter().map(|(v, _)| v.clone()).collect();
    values.sort_unstable();
    Some(values)
}

/// Whether a value looks like a person's name: two to five words, at least two of them
/// capitalised (`Jeanne`, `Jean-Pierre`, `D'Artagnan`) or in capitals (`MARTIN`), one at
/// least capitalised, the others name particles (`de`, `le`...). `Jeanne Martin`,
/// `MARTIN Jeanne`, `Anne de Villepin`; not `BASE`, `TARIF BLEU` or `heures creuses`. A
/// two-word vocabulary in title case (`Heures Creuses`) looks like names too: it only
/// loses its `enum`, which the person reviewing the draft can add back.
fn looks_like_a_name(value: &str) -> bool {
    const PARTICLES: [&str; 9] = ["de", "du", "des", "le", "la", "d'", "van", "von", "ben"];
    let words: Vec<&str> = value.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    let (mut named, mut capitalised) = (0, 0);
    for word in words.iter().filter(|w| !PARTICLES.contains(w)) {
        let letters = word.chars().filter(|c| c.is_alphabetic());
        if letters.clone().count() < 2
            || !word
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        {
            return false;
        }
        // Each part of `Jean-Pierre` or `D'Artagnan` capitalised.
        let title_case = word.split(['-', '\'']).filter(|p| !p.is_empty()).all(|p| {
            let mut chars = p.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase)
        });
        if title_case {
            capitalised += 1;
        } else if !letters.clone().all(char::is_uppercase) {
            return false;
        }
        named += 1;
    }
    named >= 2 && capitalised >= 1
}

// ---------------------------------------------------------------------------------------
// GDPR category suggestions.
//
// `suggest_gdpr` is the one place the draft's `gdpr` categories come from: the detectors
// of `crate::pii` on the sampled values first (a column of emails is an identifier whatever
// its name), then the column name, then values that hold personal items among other text
// (free text to redact). The draft writes whatever this returns, with
// `GdprSuggestion::default_action`, and says why in the field's description.
// ---------------------------------------------------------------------------------------

/// Suggests the GDPR category of a column from its values and its name.
///
/// Names are split into words (`code_postal`, `CodePostal` and `code-postal` are the same
/// two words), lower-cased and stripped of accents (`téléphone`), and a word matches with
/// or without a final `s`. Direct identifiers win over free text, which wins over
/// quasi-identifiers.
///
/// ```
/// use watt_core::gdpr::Category;
/// use watt_core::infer::suggest_gdpr;
/// let category = |name| suggest_gdpr(name, &[]).map(|s| s.category);
/// assert_eq!(category("Adresse_Email"), Some(Category::DirectIdentifier));
/// assert_eq!(category("codePostal"), Some(Category::QuasiIdentifier));
/// assert_eq!(category("commentaires"), Some(Category::FreeText));
/// assert_eq!(category("kwh"), None);
/// ```
pub fn suggest_gdpr(name: &str, values: &[&str]) -> Option<GdprSuggestion> {
    let mut tally = PiiTally::default();
    let mut found = Vec::new();
    for v in values {
        tally.add(v, &mut found);
    }
    suggest(name, &tally)
}

/// [`suggest_gdpr`] on what the detectors found in a column's values (its first
/// [`column::GDPR_SAMPLE_VALUES`] when the draft is inferred).
fn suggest(name: &str, tally: &PiiTally) -> Option<GdprSuggestion> {
    let by_values = tally.found();
    let of = tally.of;
    // A column whose values are, almost all, one personal item each: an identifier,
    // whatever its name says.
    if let Some((kind, cells, whole)) = by_values {
        if whole * 10 >= of * 8 {
            return Some(GdprSuggestion {
                category: Category::DirectIdentifier,
                evidence: Evidence::Values { kind, cells, of },
            });
        }
    }
    let by_name = suggest_from_name(name);
    match (by_name, by_values) {
        (Some(s), _) => Some(s),
        // Personal items inside some values: text that needs redacting.
        (None, Some((kind, cells, _))) => Some(GdprSuggestion {
            category: Category::FreeText,
            evidence: Evidence::Values { kind, cells, of },
        }),
        (None, None) => None,
    }
}

/// The name rules alone.
fn suggest_from_name(name: &str) -> Option<GdprSuggestion> {
    const DIRECT: &[&str] = &[
        "email",
        "mail",
        "courriel",
        "nom",
        "name",
        "prenom",
        // Names by another name: who holds the contract or the account.
        "titulaire",
        "holder",
        "owner",
        "beneficiaire",
        "souscripteur",
        "surname",
        "firstname",
        "lastname",
        "fullname",
        "forename",
        "telephone",
        "phone",
        "tel",
        "adresse",
        "address",
        "prm",
        "pdl",
    ];
    const FREE_TEXT: &[&str] = &["comment", "commentaire", "note"];
    const QUASI: &[&str] = &[
        "code_postal",
        "postcode",
        "postal_code",
        "cp",
        "commune",
        "city",
        "ville",
        "date",
        "time",
        "timestamp",
        "datetime",
        "horodatage",
    ];
    let words = words(name);
    let matches = |keywords: &[&str]| {
        keywords.iter().any(|k| {
            let parts: Vec<&str> = k.split('_').collect();
            words.windows(parts.len()).any(|w| {
                w.iter()
                    .zip(&parts)
                    .all(|(word, part)| word == part || word.strip_suffix('s') == Some(part))
            }) || (parts.len() > 1 && words.concat() == parts.concat())
        })
    };
    let category = if matches(DIRECT) {
        Category::DirectIdentifier
    } else if matches(FREE_TEXT) {
        Category::FreeText
    } else if matches(QUASI) {
        Category::QuasiIdentifier
    } else {
        return None;
    };
    Some(GdprSuggestion {
        category,
        evidence: Evidence::ColumnName,
    })
}

/// A column name's words: split at non-alphanumerics and at lower→upper case changes,
/// lower-cased, French accents removed.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase();
        for l in c.to_lowercase() {
            word.push(match l {
                'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' => 'i',
                'ô' | 'ö' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                other => other,
            });
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

// ---------------------------------------------------------------------------------------
// The draft as Table Schema JSON.
// ---------------------------------------------------------------------------------------

#[derive(Serialize)]
struct DraftSchema<'a> {
    #[serde(rename = "$schema")]
    profile: &'static str,
    description: String,
    fields: Vec<DraftField<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DraftField<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    field_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decimal_char: Option<char>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints: Option<DraftConstraints<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gdpr: Option<DraftGdpr>,
}

#[derive(Serialize)]
struct DraftConstraints<'a> {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<&'a str>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    enumeration: Option<&'a [String]>,
}

#[derive(Serialize)]
struct DraftGdpr {
    category: &'static str,
    action: &'static str,
}

impl Inference {
    /// The draft as pretty-printed Table Schema JSON, which [`crate::Schema::from_json`]
    /// loads.
    pub fn to_json(&self) -> String {
        let draft = DraftSchema {
            profile: "https://specs.frictionlessdata.io/schemas/table-schema.json",
            description: self.description(),
            fields: self.fields.iter().map(InferredField::draft).collect(),
        };
        serde_json::to_string_pretty(&draft)
            .expect("a draft schema serialises: it holds only strings, booleans and arrays")
    }

    fn description(&self) -> String {
        let d = &self.dialect;
        let delimiter = match d.delimiter {
            ',' => "comma".to_owned(),
            ';' => "semicolon".to_owned(),
            '\t' => "tab".to_owned(),
            '|' => "pipe".to_owned(),
            other => format!("{other:?}"),
        };
        let header = if d.header {
            "with a header row"
        } else {
            "without a header row: the fields are named field1, field2... in column order, rename them"
        };
        let sample = match (self.rows, self.sampled) {
            (0, _) => "the header (no data rows)".to_owned(),
            (1, false) => "the one data row".to_owned(),
            (n, false) => format!("all {n} data rows"),
            (1, true) => "the first data row only (a sample: the rest of the file was not \
                read, so no enum was inferred and later rows may not fit)"
                .to_owned(),
            (n, true) => format!(
                "the first {n} data rows only (a sample: the rest of the file was not read, \
                 so no enum was inferred and later rows may not fit)"
            ),
        };
        format!(
            "Draft inferred by watt {} from {sample} of a {delimiter}-separated {} file {header}. \
             Review the types, the constraints and the gdpr policies before using it.",
            crate::VERSION,
            self.encoding.name(),
        )
    }
}

impl InferredField {
    fn draft(&self) -> DraftField<'_> {
        let constraints = (self.required || self.pattern.is_some() || self.enumeration.is_some())
            .then_some(DraftConstraints {
                required: self.required,
                pattern: self.pattern.as_deref(),
                enumeration: self.enumeration.as_deref(),
            });
        DraftField {
            name: &self.name,
            field_type: self.field_type.name(),
            format: self.field_type.format(),
            decimal_char: self.decimal_char,
            description: self.gdpr.map(|g| {
                format!(
                    "gdpr category {} suggested {}; action {} is the most protective default: review both",
                    g.category.as_str(),
                    g.evidence.describe(),
                    g.default_action()
                )
            }),
            constraints,
            gdpr: self.gdpr.map(|g| DraftGdpr {
                category: g.category.as_str(),
                action: g.default_action(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::SNIFF_BYTES;
    use crate::{Checker, Options, Schema};

    fn draft(csv: &str) -> Inference {
        infer(csv.as_bytes(), &InferOptions::default()).expect("inference succeeds")
    }

    fn types(d: &Inference) -> Vec<String> {
        d.fields
            .iter()
            .map(|f| match f.field_type.format() {
                Some(format) => format!("{}:{format}", f.field_type.name()),
                None => f.field_type.name().to_owned(),
            })
            .collect()
    }

    /// The draft loads and the file it came from checks as valid against it.
    fn assert_round_trip(csv: &[u8], d: &Inference) -> Schema {
        let schema = Schema::from_json(&d.to_json()).expect("the draft loads");
        let mut checker = Checker::new(
            &schema,
            Options {
                encoding: d.encoding,
                ..Options::default()
            },
        );
        checker.push(csv);
        let report = checker.finish();
        assert!(report.valid, "{:#?}", report.findings);
        schema
    }

    #[test]
    fn infers_each_type() {
        let csv = "i,n,b,d,dt,t,y,ym,u,e,uri,s\n\
            1,1.5,true,2024-01-31,2024-01-31T08:30:00+01:00,08:30:00,2024,2024-01,123e4567-e89b-12d3-a456-426614174000,a@b.fr,https://x.fr/a,bonjour\n\
            -20,2,FALSE,2024-02-29,2024-01-31T09:30:00Z,23:59:59,1999,2023-12,123e4567-e89b-12d3-a456-426614174001,c.d@e.com,mailto:a@b.fr,au revoir\n";
        let d = draft(csv);
        assert_eq!(
            types(&d),
            [
                "integer",
                "number",
                "boolean",
                "date",
                "datetime",
                "time",
                "year",
                "yearmonth",
                "string:uuid",
                "string:email",
                "string:uri",
                "string"
            ]
        );
        assert!(d.dialect.header);
        assert_eq!(d.rows, 2);
        assert!(d.fields.iter().all(|f| f.required));
        assert_round_trip(csv.as_bytes(), &d);
    }

    #[test]
    fn day_first_dates_get_a_format() {
        let csv = "jour,releve\n31/01/2024,31/01/2024 08:30\n01/02/2024,01/02/2024 09:00\n";
        let d = draft(csv);
        assert_eq!(types(&d), ["date:%d/%m/%Y", "datetime:%d/%m/%Y %H:%M"]);
        assert_round_trip(csv.as_bytes(), &d);
    }

    /// ISO 8601 to the minute is not the default datetime format (seconds are part of it):
    /// the draft names the pattern, so that the file checks valid against it.
    #[test]
    fn iso_datetimes_to_the_minute_get_a_format() {
        let csv = "a,b
2024-01-31T08:30,2024-01-31 08:30
2024-02-01T09:00,2024-02-01 09:00
";
        let d = draft(csv);
        assert_eq!(
            types(&d),
            ["datetime:%Y-%m-%dT%H:%M", "datetime:%Y-%m-%d %H:%M"]
        );
        assert_round_trip(csv.as_bytes(), &d);
    }

    #[test]
    fn narrowest_type_wins_and_one_misfit_widens() {
        let d = draft("a,b,c,d\n1,1,0,1\n2,2.5,1,x\n");
        assert_eq!(types(&d), ["integer", "number", "integer", "string"]);
        // A year column with a value outside 1900..=2100 is an integer column.
        assert_eq!(types(&draft("y\n2024\n1850\n")), ["integer"]);
    }

    #[test]
    fn digit_codes_stay_strings_with_a_pattern() {
        let csv = "prm,postcode,dept,n\n\
            01234567890123,75001,01,42\n\
            98765432109876,69003,9,7\n";
        let d = draft(csv);
        assert_eq!(types(&d), ["string", "string", "string", "integer"]);
        let patterns: Vec<Option<&str>> = d.fields.iter().map(|f| f.pattern.as_deref()).collect();
        assert_eq!(
            patterns,
            [
                Some("[0-9]{14}"),
                Some("[0-9]{5}"),
                Some("[0-9]{1,2}"),
                None
            ]
        );
        let schema = assert_round_trip(csv.as_bytes(), &d);
        assert_eq!(
            schema.fields[0]
                .constraints
                .pattern
                .as_ref()
                .map(|p| p.source.as_str()),
            Some("[0-9]{14}")
        );
    }

    #[test]
    fn prefixed_codes_get_a_pattern() {
        let csv = "customer,ref,mixed\nC0012345,AB1234,C1234\nC7654321,AB0001,D1234\n";
        let d = draft(csv);
        let patterns: Vec<Option<&str>> = d.fields.iter().map(|f| f.pattern.as_deref()).collect();
        assert_eq!(patterns, [Some("C[0-9]{7}"), Some("AB[0-9]{4}"), None]);
        assert_eq!(types(&d), ["string", "string", "string"]);
        assert_round_trip(csv.as_bytes(), &d);
        // Too few digits to be a code.
        assert_eq!(draft("v\nA1\nA2\n").fields[0].pattern, None);
    }

    #[test]
    fn french_excel_file_with_decimal_comma() {
        let csv = "\u{feff}prm;horodatage;kwh;commentaire\r\n\
            01234567890123;2024-01-01T00:00:00+01:00;1,5;ok, merci\r\n\
            01234567890124;2024-01-01T01:00:00+01:00;12;\r\n\
            01234567890125;2024-01-01T02:00:00+01:00;0,25;RAS\r\n";
        let d = draft(csv);
        assert!(d.bom);
        assert_eq!((d.dialect.delimiter, d.dialect.decimal_char), (';', ','));
        assert_eq!(d.dialect.line_terminator, "\r\n");
        assert_eq!(
            d.dialect.detected,
            ["quoteChar", "delimiter", "header", "decimalChar"]
        );
        assert_eq!(types(&d), ["string", "datetime", "number", "string"]);
        assert_eq!(d.fields[2].decimal_char, Some(','));
        assert_eq!(
            d.fields.iter().map(|f| f.required).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        let schema = assert_round_trip(csv.as_bytes(), &d);
        assert!(schema.fields[2].declares_decimal_char());
        assert!(d.to_json().contains("\"decimalChar\": \",\""));
    }

    #[test]
    fn a_given_decimal_character_is_the_only_one_tried() {
        let csv = b"a;b\n1,5;2.5\n3;4\n";
        let given = |c: char| InferOptions {
            dialect: DialectOptions {
                decimal_char: Some(c),
                ..DialectOptions::default()
            },
            ..InferOptions::default()
        };
        let d = infer(csv, &given('.')).expect("inference succeeds");
        assert_eq!(types(&d), ["string", "number"]);
        assert_eq!(d.dialect.decimal_char, '.');
        let d = infer(csv, &given(',')).expect("inference succeeds");
        assert_eq!(types(&d), ["number", "string"]);
        assert_eq!(d.fields[0].decimal_char, Some(','));
        assert!(!d.dialect.detected.contains(&"decimalChar".to_owned()));
        let d = infer(csv, &InferOptions::default()).expect("inference succeeds");
        assert_eq!(types(&d), ["number", "number"]);
    }

    #[test]
    fn headerless_file() {
        let csv =
            "01234567890123,2024-01-01T00:00:00Z,1.5\n01234567890124,2024-01-01T01:00:00Z,2\n";
        let d = draft(csv);
        assert!(!d.dialect.header);
        assert_eq!(d.rows, 2);
        let names: Vec<&str> = d.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["field1", "field2", "field3"]);
        assert_eq!(types(&d), ["string", "datetime", "number"]);
        assert!(d.to_json().contains("without a header row"));
        assert_round_trip(csv.as_bytes(), &d);
        // Said by the user, the header wins over detection.
        let given = InferOptions {
            dialect: DialectOptions {
                header: Some(true),
                ..DialectOptions::default()
            },
            ..InferOptions::default()
        };
        let d = infer(csv.as_bytes(), &given).expect("inference succeeds");
        assert!(d.dialect.header);
        assert_eq!(d.fields[0].name, "01234567890123");
    }

    #[test]
    fn header_only_file_gives_optional_strings() {
        let d = draft("a;b;c\n");
        assert_eq!(d.rows, 0);
        assert_eq!(types(&d), ["string", "string", "string"]);
        assert!(d.fields.iter().all(|f| !f.required));
        assert!(
            d.to_json()
                .contains("from the header (no data rows) of a semicolon-separated")
        );
        assert_round_trip(b"a;b;c\n", &d);
    }

    #[test]
    fn empty_inputs_are_clear_errors() {
        let opts = InferOptions::default();
        assert_eq!(infer(b"", &opts), Err(InferError::Empty));
        assert_eq!(infer(b"\xEF\xBB\xBF", &opts), Err(InferError::Empty));
        assert_eq!(infer(b"\n\r\n\n", &opts), Err(InferError::NoRows));
        assert_eq!(
            InferError::Empty.to_string(),
            "the file is empty: there is no header or row to infer a schema from"
        );
        let zero = InferOptions {
            rows: Some(0),
            ..InferOptions::default()
        };
        assert_eq!(infer(b"a\n1\n", &zero), Err(InferError::NoRowsAsked));
    }

    #[test]
    fn encoding_problems_are_errors_without_values() {
        let latin1 = b"nom,ville\nJos\xe9,Orl\xe9ans\n";
        let err = infer(latin1, &InferOptions::default()).unwrap_err();
        assert_eq!(
            err,
            InferError::Encoding {
                row: 2,
                probable: "iso-8859-1"
            }
        );
        assert_eq!(
            err.to_string(),
            "row 2 is not valid UTF-8; the file looks like iso-8859-1 (read it as iso-8859-1)"
        );
        let cp1252 = InferOptions {
            encoding: Encoding::Windows1252,
            ..InferOptions::default()
        };
        let d = infer(latin1, &cp1252).expect("reads as windows-1252");
        assert_eq!(d.fields[1].name, "ville");
        assert_round_trip(latin1, &d);
        assert!(matches!(
            infer(b"\xff\xfea\x00,\x00b\x00", &InferOptions::default()),
            Err(InferError::Utf16 {
                probable: "utf-16le"
            })
        ));
        assert_eq!(
            infer(b"a,b\n1,\x002\n", &InferOptions::default()),
            Err(InferError::Binary { byte: 6 })
        );
    }

    #[test]
    fn enum_for_small_vocabularies_only() {
        let mut csv = String::from("contract,kwh,city\n");
        for i in 0..20 {
            let contract = ["BASE", "HPHC", "TEMPO"][i % 3];
            csv.push_str(&format!("{contract},{i},Lyon\n"));
        }
        let d = draft(&csv);
        assert_eq!(
            d.fields[0].enumeration.as_deref(),
            Some(&["BASE".to_owned(), "HPHC".to_owned(), "TEMPO".to_owned()][..])
        );
        assert_eq!(d.fields[1].enumeration, None, "not a string column");
        assert_eq!(
            d.fields[2].enumeration, None,
            "a personal column's values are not copied into the schema"
        );
        assert_round_trip(csv.as_bytes(), &d);
        // Fewer than 20 values: no enum.
        let short = draft("contract\nBASE\nHPHC\n");
        assert_eq!(short.fields[0].enumeration, None);
    }

    /// A holder's name repeated over their meter's readings is not a vocabulary: it
    /// became an `enum` of people's names, later quoted by every "not one of the allowed
    /// values" finding. Names, by the column's name or by the values, and values seen
    /// once or twice, never go into an `enum`.
    #[test]
    fn enum_never_holds_names_or_one_offs() {
        let names = [
            "Jeanne Martin",
            "MARTIN Jeanne",
            "Jean-Pierre Le Gall",
            "Anne de Villepin",
        ];
        let mut csv = String::from("titulaire,signed_by,tarif,option\n");
        for i in 0..40 {
            let name = names[i % names.len()];
            let tarif = ["BASE", "HPHC"][i % 2];
            // One value seen once: a one-off, not a vocabulary.
            let option = if i == 7 { "Paul" } else { ["A", "B"][i % 2] };
            csv.push_str(&format!("{name},{name},{tarif},{option}\n"));
        }
        let d = draft(&csv);
        let enums: Vec<Option<usize>> = d
            .fields
            .iter()
            .map(|f| f.enumeration.as_ref().map(Vec::len))
            .collect();
        assert_eq!(enums, [None, None, Some(2), None]);
        assert_eq!(
            d.fields[0].gdpr.map(|g| g.category),
            Some(Category::DirectIdentifier),
            "by its name"
        );
        let json = d.to_json();
        for name in names {
            assert!(!json.contains(name), "{json}");
        }
        assert!(!json.contains("Paul"), "{json}");
        assert_round_trip(csv.as_bytes(), &d);

        for name in names {
            assert!(looks_like_a_name(name), "{name}");
        }
        for word in [
            "BASE",
            "TARIF BLEU",
            "heures creuses",
            "Option 2",
            "A",
            "Lyon",
        ] {
            assert!(!looks_like_a_name(word), "{word}");
        }
    }

    #[test]
    fn required_only_when_no_value_is_missing() {
        let d = draft("a,b\n1,\n2,x\n3\n");
        assert!(d.fields[0].required);
        assert!(!d.fields[1].required);
    }

    #[test]
    fn only_the_rows_asked_for_are_sampled() {
        let opts = InferOptions {
            rows: Some(2),
            ..InferOptions::default()
        };
        // Row 4 would make the column a string; it is not sampled.
        let d = infer(b"n\n1\n2\nx\n", &opts).expect("inference succeeds");
        assert_eq!((d.rows, d.sampled), (2, true));
        assert_eq!(types(&d), ["integer"]);
        assert!(
            d.to_json()
                .contains("from the first 2 data rows only (a sample")
        );
        // As many rows as asked for: the whole file, no sample.
        let d = infer(b"n\n1\n2\n", &opts).expect("inference succeeds");
        assert_eq!((d.rows, d.sampled), (2, false));
        assert!(d.to_json().contains("from all 2 data rows of"));
        // Reading stops once a row past those asked for is found, past the first bytes.
        let mut inferrer = Inferrer::new(opts);
        let row = b"1\n".repeat(1000);
        let pushed = std::iter::once(&b"n\n"[..])
            .chain(std::iter::repeat_n(&row[..], 1000))
            .take_while(|chunk| inferrer.push(chunk))
            .count();
        assert!(pushed < 100, "{pushed} chunks of 2000 bytes were read");
        let d = inferrer.finish().expect("inference succeeds");
        assert_eq!((d.rows, d.sampled), (2, true));
    }

    #[test]
    fn chunking_does_not_change_the_draft() {
        let csv = b"prm;kwh;note\r\n01234567890123;1,5;\"a\r\nb\"\r\n01234567890124;2;c\r\n";
        let whole = infer(csv, &InferOptions::default()).expect("inference succeeds");
        for size in 1..csv.len() {
            let mut inferrer = Inferrer::new(InferOptions::default());
            for chunk in csv.chunks(size) {
                inferrer.push(chunk);
            }
            assert_eq!(inferrer.finish().as_ref(), Ok(&whole), "chunks of {size}");
        }
        assert_eq!(whole.rows, 2, "a quoted line break does not split a row");
    }

    /// A file whose later rows add a contract type and decimals: the draft used to be
    /// inferred from the first 1000 rows, with an `enum` those later rows failed. Read
    /// whole (and cut anywhere, across the end of the first bytes the dialect is detected
    /// on), the draft covers every row and the file checks valid against it.
    #[test]
    fn the_whole_file_is_read_so_later_rows_fit() {
        let mut csv = String::from("tarif;kwh;ville\n");
        for i in 0..12_000 {
            let tarif = if i >= 3000 && i % 4 == 0 {
                "TEMPO"
            } else {
                ["BASE", "HPHC"][i % 2]
            };
            let kwh = if i >= 3000 {
                format!("{i},25")
            } else {
                i.to_string()
            };
            csv.push_str(&format!("{tarif};{kwh};Lyon\n"));
        }
        let d = draft(&csv);
        assert_eq!((d.rows, d.sampled), (12_000, false));
        assert_eq!(types(&d), ["string", "number", "string"]);
        assert_eq!(d.fields[1].decimal_char, Some(','));
        assert_eq!(
            d.fields[0].enumeration.as_deref(),
            Some(&["BASE".to_owned(), "HPHC".to_owned(), "TEMPO".to_owned()][..])
        );
        assert!(csv.len() > 2 * SNIFF_BYTES);
        assert_round_trip(csv.as_bytes(), &d);
        for size in [1000, 4096, SNIFF_BYTES, SNIFF_BYTES + 3, 100_003] {
            let mut inferrer = Inferrer::new(InferOptions::default());
            for chunk in csv.as_bytes().chunks(size) {
                assert!(inferrer.push(chunk));
            }
            assert_eq!(inferrer.finish().as_ref(), Ok(&d), "chunks of {size}");
        }
    }

    /// Rows past the first bytes are read too: a NUL byte or a bad byte there is the
    /// same error as in the first ones (the check would refuse the file there).
    #[test]
    fn later_bytes_are_checked_like_the_first() {
        let mut csv = b"n,ville\n".to_vec();
        for i in 0..20_000 {
            csv.extend_from_slice(format!("{i},Lyon\n").as_bytes());
        }
        let at = csv.len();
        let mut latin = csv.clone();
        latin.extend_from_slice(b"1,Orl\xe9ans\n");
        assert_eq!(
            infer(&latin, &InferOptions::default()),
            Err(InferError::Encoding {
                row: 20_002,
                probable: "iso-8859-1"
            })
        );
        csv.extend_from_slice(b"1,\x00\n");
        assert_eq!(
            infer(&csv, &InferOptions::default()),
            Err(InferError::Binary {
                byte: at as u64 + 2
            })
        );
    }

    /// `auto` reads a UTF-16 file (with its mark or without, in either order, cut
    /// anywhere) through its UTF-8 transcoding; the draft names the encoding and the file
    /// checks valid against it read the same way.
    #[test]
    fn auto_reads_utf16() {
        let mut text = String::from("zone;kwh\n");
        for i in 0..30 {
            text.push_str(&format!(
                "{};{i},5\n",
                ["Orléans", "Αθήνα", "Besançon 𝄞"][i % 3]
            ));
        }
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let auto = InferOptions {
            encoding: Encoding::Auto,
            ..InferOptions::default()
        };
        for (bytes, encoding) in [
            ([&[0xFF, 0xFE][..], &le].concat(), Encoding::Utf16Le),
            (be, Encoding::Utf16Be),
        ] {
            let d = infer(&bytes, &auto).expect("inference succeeds");
            assert_eq!((d.encoding, d.rows), (encoding, 30));
            assert_eq!(types(&d), ["string", "number"]);
            assert_eq!(d.fields[0].enumeration.as_ref().map(Vec::len), Some(3));
            assert!(
                d.to_json()
                    .contains(&format!("semicolon-separated {} file", encoding.name()))
            );
            assert_round_trip(&bytes, &d);
            for size in [1, 3, 7] {
                let mut inferrer = Inferrer::new(auto.clone());
                for chunk in bytes.chunks(size) {
                    inferrer.push(chunk);
                }
                assert_eq!(inferrer.finish().as_ref(), Ok(&d), "chunks of {size}");
            }
        }
        // Strict by default: UTF-16 is an error naming it.
        assert_eq!(
            infer(&le, &InferOptions::default()),
            Err(InferError::Utf16 {
                probable: "utf-16le"
            })
        );
    }

    #[test]
    fn labels_are_kept_and_made_unique() {
        let d = draft("kwh,,kwh\n1,2,3\n");
        let names: Vec<&str> = d.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["kwh", "field2", "kwh_2"]);
        Schema::from_json(&d.to_json()).expect("the draft loads");
    }

    #[test]
    fn gdpr_suggestions_from_names() {
        let cat = |name: &str| suggest_gdpr(name, &[]).map(|s| s.category);
        for name in [
            "email",
            "E-Mail",
            "courriel",
            "nom",
            "full_name",
            "Prénom",
            "telephone",
            "Téléphone",
            "phone",
            "tel",
            "adresse",
            "address",
            "prm",
            "PDL",
            "customerName",
            "titulaire",
            "Titulaire du contrat",
            "account_holder",
            "holderName",
            "owner",
            "surname",
            "firstName",
            "lastname",
            "bénéficiaire",
        ] {
            assert_eq!(cat(name), Some(Category::DirectIdentifier), "{name}");
        }
        for name in [
            "code_postal",
            "CodePostal",
            "codepostal",
            "postcode",
            "cp",
            "commune",
            "city",
            "ville",
            "date",
            "date_releve",
            "time",
            "timestamp",
        ] {
            assert_eq!(cat(name), Some(Category::QuasiIdentifier), "{name}");
        }
        for name in ["comment", "commentaire", "Commentaires", "note", "notes"] {
            assert_eq!(cat(name), Some(Category::FreeText), "{name}");
        }
        for name in [
            "kwh",
            "contract_type",
            "hotel",
            "nombre",
            "id",
            "customer_id",
        ] {
            assert_eq!(cat(name), None, "{name}");
        }
        let s = suggest_gdpr("email", &[]).expect("suggested");
        assert_eq!(s.default_action(), "drop");
        assert_eq!(s.evidence, Evidence::ColumnName);
        let free = suggest_gdpr("comment", &[]).expect("suggested");
        assert_eq!(free.default_action(), "redact");
    }

    #[test]
    fn draft_json_carries_gdpr_and_loads() {
        let csv = "email,timestamp,comment,kwh\na@b.fr,2024-01-01T00:00:00Z,ras,1.5\n";
        let d = draft(csv);
        let json: serde_json::Value = serde_json::from_str(&d.to_json()).expect("JSON");
        assert_eq!(
            json["fields"][0]["gdpr"],
            serde_json::json!({"category": "direct-identifier", "action": "drop"})
        );
        assert_eq!(
            json["fields"][1]["gdpr"],
            serde_json::json!({"category": "quasi-identifier", "action": "drop"})
        );
        assert_eq!(
            json["fields"][2]["gdpr"],
            serde_json::json!({"category": "free-text", "action": "redact"})
        );
        assert!(json["fields"][3].get("gdpr").is_none());
        assert_eq!(json["fields"][0]["format"], "email");
        assert_eq!(json["fields"][0]["constraints"]["required"], true);
        let schema = assert_round_trip(csv.as_bytes(), &d);
        assert!(schema.fields[0].gdpr.is_some());
    }

    #[test]
    fn values_reveal_identifiers_and_free_text() {
        let emails = [
            "a.b@example.fr",
            "c@example.com",
            "d.e@example.org",
            "f@example.net",
            "g@example.fr",
        ];
        let s = suggest_gdpr("contact", &emails).expect("suggested");
        assert_eq!(s.category, Category::DirectIdentifier);
        assert_eq!(
            s.evidence,
            Evidence::Values {
                kind: PiiKind::Email,
                cells: 5,
                of: 5
            }
        );
        let notes = [
            "RAS",
            "rappeler au 06 12 34 56 78",
            "RAS",
            "relevé estimé",
            "ok",
        ];
        let s = suggest_gdpr("remarque", &notes).expect("suggested");
        assert_eq!(s.category, Category::FreeText);
        assert_eq!(
            s.evidence,
            Evidence::Values {
                kind: PiiKind::Phone,
                cells: 1,
                of: 5
            }
        );
        // The name still decides when the values say nothing.
        let s = suggest_gdpr("commentaire", &["RAS", "ok"]).expect("suggested");
        assert_eq!(
            (s.category, s.evidence),
            (Category::FreeText, Evidence::ColumnName)
        );
        assert_eq!(suggest_gdpr("tarif", &["BASE", "HPHC"]), None);
    }
}
