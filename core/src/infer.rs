//! Schema inference: a draft Frictionless Table Schema from the first rows of a file.
//!
//! Writing a schema by hand for a 40-column export is where people give up on validation;
//! `watt schema infer` writes the draft instead, and the person reviews it. The draft is
//! deliberately narrow — the narrowest type every sampled value fits, `required` when no
//! sampled value was empty, a `pattern` for digit codes, an `enum` for small vocabularies —
//! so that a later file that drifts from the sample shows up as findings, not silence.
//!
//! Every type is decided by the same [`ValueParser`] the checker uses, so the file the
//! draft was inferred from checks as valid against it (when the sample is the whole file).
//!
//! Digit codes stay strings: a 14-digit meter id (`PRM`) or a postcode is an identifier,
//! not a quantity, and reading `01234` as the integer 1234 loses the leading zero.
//!
//! The input comes in chunks, like everywhere in the core: an [`Inferrer`] keeps the
//! first rows (bounded by [`MAX_SAMPLE_BYTES`]) and says when it has enough.
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

use serde::Serialize;

use crate::dialect::{Dialect, DialectOptions, SNIFF_BYTES};
use crate::encoding::{self, Encoding};
use crate::gdpr::Category;
use crate::pii::{KindSet, PiiKind};
use crate::schema::{FieldType, StringFormat};
use crate::value::{NumberStyle, TemporalFormat, ValueParser};

/// Data rows sampled when the caller does not say.
pub const DEFAULT_ROWS: usize = 1000;

/// Most bytes kept for the sample, whatever the row count asked for: a file of very long
/// rows (or an unterminated quote) must not fill memory.
pub const MAX_SAMPLE_BYTES: usize = 64 << 20;

/// A string column becomes an `enum` when it has at most this many distinct values...
const ENUM_MAX_VALUES: usize = 10;
/// ...over at least this many non-empty sampled values...
const ENUM_MIN_VALUES: usize = 20;
/// ...each seen at least this many times: a vocabulary repeats, and a value seen once or
/// twice (a name typed in the wrong column, a one-off) is not copied into the schema.
const ENUM_MIN_REPEATS: usize = 3;
/// Digit strings of one length at least this long are codes (postcode, meter id), not numbers.
const CODE_MIN_DIGITS: usize = 5;
/// Codes such as `C0012345` have at least this many digits after their letter prefix.
const PREFIXED_CODE_MIN_DIGITS: usize = 4;
/// Four-digit values in this range are years.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Table Schema's default `trueValues` / `falseValues` (what the draft's booleans rely on).
const TRUE_VALUES: [&str; 4] = ["true", "True", "TRUE", "1"];
const FALSE_VALUES: [&str; 4] = ["false", "False", "FALSE", "0"];

/// Day-first forms tried after ISO 8601 (French exports), as `strptime` patterns.
const DAY_FIRST_DATES: [&str; 1] = ["%d/%m/%Y"];
const DAY_FIRST_DATETIMES: [&str; 2] = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"];

/// What the caller says about the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferOptions {
    /// Data rows sampled (the header not counted). At least 1.
    pub rows: usize,
    /// What the user says about the dialect; the rest is detected.
    pub dialect: DialectOptions,
    pub encoding: Encoding,
}

impl Default for InferOptions {
    fn default() -> Self {
        InferOptions {
            rows: DEFAULT_ROWS,
            dialect: DialectOptions::default(),
            encoding: Encoding::Utf8,
        }
    }
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
    /// A sampled row is not valid UTF-8.
    #[error("row {row} is not valid UTF-8; the file looks like {probable} (read it as {probable})")]
    Encoding { row: u64, probable: &'static str },
    /// The file is UTF-16.
    #[error(
        "the file is {probable}, which watt does not read: save it as UTF-8 (Excel: \"CSV UTF-8\")"
    )]
    Utf16 { probable: &'static str },
    /// The file holds NUL bytes.
    #[error("the file holds a NUL byte at offset {byte}: it is binary, not CSV text")]
    Binary { byte: u64 },
}

/// Why a GDPR category is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The column's name says what it holds (`email`, `code_postal`, `commentaire`).
    ColumnName,
    /// The detectors of [`crate::pii`] found personal items of `kind` in `cells` of the
    /// `of` sampled values (the most frequent kind is named).
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
    /// No sampled value was empty.
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
    /// Data rows the types were inferred from.
    pub rows: usize,
    pub fields: Vec<InferredField>,
}

/// Collects the first rows of a file from chunks, then infers their schema.
///
/// ```
/// use watt_core::infer::{InferOptions, Inferrer};
/// let mut inferrer = Inferrer::new(InferOptions { rows: 1, ..InferOptions::default() });
/// assert!(inferrer.push(b"id,kwh\n1,0.5\n"));
/// assert!(!inferrer.push(b"2,0.7\n"), "two data rows are more than the one asked for");
/// let draft = inferrer.finish()?;
/// assert_eq!(draft.rows, 1);
/// # Ok::<(), watt_core::infer::InferError>(())
/// ```
#[derive(Debug)]
pub struct Inferrer {
    options: InferOptions,
    sample: Vec<u8>,
    quote: u8,
    in_quotes: bool,
    line_has_content: bool,
    /// Non-empty lines seen so far.
    lines: usize,
    /// Enough lines were seen: the sample ends at a line end.
    full: bool,
    /// The byte budget ran out: the sample may end inside a row.
    capped: bool,
}

impl Inferrer {
    pub fn new(options: InferOptions) -> Inferrer {
        let quote = options
            .dialect
            .quote_char
            .and_then(|q| u8::try_from(q).ok())
            .unwrap_or(b'"');
        Inferrer {
            options,
            sample: Vec::new(),
            quote,
            in_quotes: false,
            line_has_content: false,
            lines: 0,
            full: false,
            capped: false,
        }
    }

    /// Feeds the next chunk; returns whether more input is wanted.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        if !self.wants_more() {
            return false;
        }
        // The header, the rows asked for, and one row more so that a header can be told
        // from a headerless file's first row without losing a data row.
        let wanted = self.options.rows.saturating_add(2);
        for (i, &b) in chunk.iter().enumerate() {
            if b == self.quote {
                self.in_quotes = !self.in_quotes;
            }
            if (b == b'\n' || b == b'\r') && !self.in_quotes {
                if self.line_has_content {
                    self.lines += 1;
                    if self.lines >= wanted {
                        self.extend(&chunk[..=i]);
                        self.full = true;
                        return false;
                    }
                }
                self.line_has_content = false;
            } else {
                self.line_has_content = true;
            }
        }
        self.extend(chunk);
        self.wants_more()
    }

    /// Whether the sample needs more input.
    pub fn wants_more(&self) -> bool {
        !self.full && !self.capped
    }

    fn extend(&mut self, bytes: &[u8]) {
        let room = MAX_SAMPLE_BYTES - self.sample.len();
        if bytes.len() > room {
            self.capped = true;
        }
        self.sample
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Ends the input and infers the draft.
    pub fn finish(self) -> Result<Inference, InferError> {
        infer_sample(&self.sample, !self.capped, &self.options)
    }
}

/// Infers a draft schema from the start of a file (all of it, or at least the rows asked
/// for). See [`Inferrer`] to feed a file in chunks.
pub fn infer(sample: &[u8], options: &InferOptions) -> Result<Inference, InferError> {
    let mut inferrer = Inferrer::new(options.clone());
    inferrer.push(sample);
    inferrer.finish()
}

/// `complete`: the sample ends at the end of a line or of the file.
fn infer_sample(
    sample: &[u8],
    complete: bool,
    options: &InferOptions,
) -> Result<Inference, InferError> {
    if options.rows == 0 {
        return Err(InferError::NoRowsAsked);
    }
    let bom = sample.starts_with(&[0xEF, 0xBB, 0xBF]);
    let body = if bom { &sample[3..] } else { sample };
    if body.is_empty() {
        return Err(InferError::Empty);
    }
    if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
        return Err(InferError::Utf16 {
            probable: encoding::guess(body),
        });
    }
    if let Some(i) = body.iter().position(|b| *b == 0) {
        let probable = encoding::guess(body);
        return Err(if probable.starts_with("utf-16") {
            InferError::Utf16 { probable }
        } else {
            InferError::Binary {
                byte: (i + 3 * usize::from(bom)) as u64,
            }
        });
    }
    let body = if complete {
        body
    } else {
        match body.iter().rposition(|b| *b == b'\n') {
            Some(i) => &body[..=i],
            None => body,
        }
    };
    let mut dialect = Dialect::sniff_without_schema(
        &body[..body.len().min(SNIFF_BYTES)],
        body.len() <= SNIFF_BYTES,
        &options.dialect,
    );
    let rows = read_rows(
        body,
        &dialect,
        options.rows.saturating_add(1),
        options.encoding,
    )?;
    let Some(first) = rows.first() else {
        return Err(InferError::NoRows);
    };
    let columns = first.len();

    let decimal = options.dialect.decimal_char;
    let header = match options.dialect.header {
        Some(h) => h,
        None => {
            dialect.detected.push("header".to_owned());
            let types: Vec<Column> = (0..columns)
                .map(|c| Column::infer(&non_empty(&rows[1..], c), decimal))
                .collect();
            rows.len() < 2 || looks_like_header(first, &types)
        }
    };
    dialect.header = header;
    let data = if header { &rows[1..] } else { &rows[..] };
    let data = &data[..data.len().min(options.rows)];

    let names = field_names(header.then_some(first.as_slice()), columns);
    let fields: Vec<InferredField> = names
        .into_iter()
        .enumerate()
        .map(|(c, name)| infer_field(name, data, c, decimal))
        .collect();
    if options.dialect.decimal_char.is_none() && fields.iter().any(|f| f.decimal_char.is_some()) {
        dialect.decimal_char = ',';
        dialect.detected.push("decimalChar".to_owned());
    }
    Ok(Inference {
        dialect,
        encoding: options.encoding,
        bom,
        rows: data.len(),
        fields,
    })
}

/// Parses up to `max` records, decoded.
fn read_rows(
    body: &[u8],
    dialect: &Dialect,
    max: usize,
    encoding: Encoding,
) -> Result<Vec<Vec<String>>, InferError> {
    let mut parser = dialect.parser();
    let mut rows = Vec::new();
    let mut input = body;
    let mut out = vec![0u8; 64 * 1024];
    let mut ends = vec![0usize; 64];
    let (mut out_len, mut ends_len) = (0, 0);
    let mut eof = false;
    while rows.len() < max {
        let (res, nin, nout, nend) =
            parser.read_record(input, &mut out[out_len..], &mut ends[ends_len..]);
        input = &input[nin..];
        out_len += nout;
        ends_len += nend;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {
                if eof {
                    break;
                }
                eof = true;
            }
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => {
                let row = rows.len() as u64 + 1;
                let mut start = 0;
                let mut cells = Vec::with_capacity(ends_len);
                for &end in &ends[..ends_len] {
                    cells.push(decode(&out[start..end], encoding).ok_or_else(|| {
                        InferError::Encoding {
                            row,
                            probable: encoding::guess(body),
                        }
                    })?);
                    start = end;
                }
                rows.push(cells);
                out_len = 0;
                ends_len = 0;
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    Ok(rows)
}

fn decode(bytes: &[u8], encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
        single_byte => {
            let mut s = String::with_capacity(bytes.len());
            single_byte.decode_single_byte(bytes, &mut s);
            Some(s)
        }
    }
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

fn infer_field(
    name: String,
    data: &[Vec<String>],
    c: usize,
    decimal: Option<char>,
) -> InferredField {
    let values = non_empty(data, c);
    let column = Column::infer(&values, decimal);
    let gdpr = suggest_gdpr(&name, &values);
    let enumeration = (column.field_type == FieldType::String(StringFormat::Default)
        && column.pattern.is_none()
        // Values of a personal column must not be copied into a schema, which travels.
        && gdpr.is_none())
    .then(|| vocabulary(&values))
    .flatten();
    InferredField {
        required: !data.is_empty() && values.len() == data.len(),
        field_type: column.field_type,
        decimal_char: column.decimal_char,
        pattern: column.pattern,
        enumeration,
        gdpr,
        name,
    }
}

/// The sorted distinct values of a column that is a small vocabulary, for its `enum`: at
/// most [`ENUM_MAX_VALUES`] of them over at least [`ENUM_MIN_VALUES`] values, each seen at
/// least [`ENUM_MIN_REPEATS`] times, and not people's names (a column of a few holders'
/// names repeated over their meters' readings is not a vocabulary: its values must not be
/// copied into a schema, nor quoted by the checks of it).
fn vocabulary(values: &[&str]) -> Option<Vec<String>> {
    if values.len() < ENUM_MIN_VALUES {
        return None;
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
        if counts.len() > ENUM_MAX_VALUES {
            return None;
        }
    }
    if counts.values().any(|n| *n < ENUM_MIN_REPEATS) {
        return None;
    }
    let names = counts.keys().filter(|v| looks_like_a_name(v)).count();
    if names * 2 >= counts.len() {
        return None;
    }
    Some(counts.into_keys().map(str::to_owned).collect())
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

/// A column's inferred type.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    field_type: FieldType,
    decimal_char: Option<char>,
    pattern: Option<String>,
}

impl Column {
    fn of(field_type: FieldType) -> Column {
        Column {
            field_type,
            decimal_char: None,
            pattern: None,
        }
    }

    /// The narrowest type that every value reads as, trying: code (string with a pattern,
    /// `[0-9]{14}` or `C[0-9]{7}`), boolean, year, integer, number (decimal point, then comma), date, time,
    /// datetime, year-month, then string (uuid, email, uri, plain). Numbers are tried with
    /// the `decimal` character given, or with `.` then `,` when none is.
    fn infer(values: &[&str], decimal: Option<char>) -> Column {
        if values.is_empty() {
            return Column::of(FieldType::String(StringFormat::Default));
        }
        if let Some(pattern) = digit_code_pattern(values).or_else(|| prefixed_code_pattern(values))
        {
            return Column {
                pattern: Some(pattern),
                ..Column::of(FieldType::String(StringFormat::Default))
            };
        }
        let all = |ty: FieldType, decimal: char| {
            let parser = parser(
                ty,
                NumberStyle {
                    decimal,
                    ..NumberStyle::default()
                },
            );
            values.iter().all(|v| parser.parse(v).is_ok())
        };
        let is_int = all(FieldType::Integer, '.');
        // "0" and "1" are booleans too, but a column of them is more often a count.
        if !is_int && all(FieldType::Boolean, '.') {
            return Column::of(FieldType::Boolean);
        }
        if values
            .iter()
            .all(|v| v.len() == 4 && v.parse::<i32>().is_ok_and(|y| YEARS.contains(&y)))
        {
            return Column::of(FieldType::Year);
        }
        if is_int {
            return Column::of(FieldType::Integer);
        }
        let decimals = match decimal {
            Some(c) => vec![c],
            None => vec!['.', ','],
        };
        if let Some(c) = decimals.into_iter().find(|c| all(FieldType::Number, *c)) {
            return Column {
                decimal_char: (c != '.').then_some(c),
                ..Column::of(FieldType::Number)
            };
        }
        let temporal = [TemporalFormat::Default]
            .into_iter()
            .chain(DAY_FIRST_DATES.iter().filter_map(|p| pattern(p)))
            .map(FieldType::Date)
            .chain([FieldType::Time(TemporalFormat::Default)])
            .chain(
                [TemporalFormat::Default]
                    .into_iter()
                    .chain(DAY_FIRST_DATETIMES.iter().filter_map(|p| pattern(p)))
                    .map(FieldType::DateTime),
            )
            .chain([FieldType::YearMonth]);
        for ty in temporal {
            if all(ty.clone(), '.') {
                return Column::of(ty);
            }
        }
        for format in [StringFormat::Uuid, StringFormat::Email, StringFormat::Uri] {
            if all(FieldType::String(format), '.') {
                return Column::of(FieldType::String(format));
            }
        }
        Column::of(FieldType::String(StringFormat::Default))
    }

    fn parser_with(&self, style: NumberStyle) -> ValueParser {
        parser(self.field_type.clone(), style)
    }
}

fn pattern(p: &str) -> Option<TemporalFormat> {
    TemporalFormat::pattern(p).ok()
}

fn parser(ty: FieldType, style: NumberStyle) -> ValueParser {
    ValueParser::new(
        ty,
        style,
        TRUE_VALUES.map(str::to_owned).to_vec(),
        FALSE_VALUES.map(str::to_owned).to_vec(),
    )
}

/// A `pattern` for a column of unsigned digit strings that are codes rather than numbers:
/// some value has a leading zero, or every value has the same length of at least
/// [`CODE_MIN_DIGITS`] digits.
fn digit_code_pattern(values: &[&str]) -> Option<String> {
    if !values
        .iter()
        .all(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let min = values.iter().map(|v| v.len()).min()?;
    let max = values.iter().map(|v| v.len()).max()?;
    let leading_zero = values.iter().any(|v| v.len() > 1 && v.starts_with('0'));
    if min == max && (leading_zero || min >= CODE_MIN_DIGITS) {
        Some(format!("[0-9]{{{min}}}"))
    } else if leading_zero {
        Some(format!("[0-9]{{{min},{max}}}"))
    } else {
        None
    }
}

/// A `pattern` for a column of codes made of one letter prefix shared by every value and
/// a fixed number of digits (at least [`PREFIXED_CODE_MIN_DIGITS`]), such as customer
/// numbers `C0012345`: `C[0-9]{7}`.
fn prefixed_code_pattern(values: &[&str]) -> Option<String> {
    fn split(v: &str) -> Option<(&str, usize)> {
        let letters = v.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (prefix, digits) = v.split_at(letters);
        (!prefix.is_empty()
            && digits.len() >= PREFIXED_CODE_MIN_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((prefix, digits.len()))
    }
    let first = split(values.first()?)?;
    values
        .iter()
        .all(|v| split(v) == Some(first))
        .then(|| format!("{}[0-9]{{{}}}", first.0, first.1))
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
    let by_values = detected(values);
    // A column whose values are, almost all, one personal item each: an identifier,
    // whatever its name says.
    if let Some((kind, cells, whole)) = by_values {
        if whole * 10 >= values.len() * 8 {
            return Some(GdprSuggestion {
                category: Category::DirectIdentifier,
                evidence: Evidence::Values {
                    kind,
                    cells,
                    of: values.len(),
                },
            });
        }
    }
    let by_name = suggest_from_name(name);
    match (by_name, by_values) {
        (Some(s), _) => Some(s),
        // Personal items inside some values: text that needs redacting.
        (None, Some((kind, cells, _))) => Some(GdprSuggestion {
            category: Category::FreeText,
            evidence: Evidence::Values {
                kind,
                cells,
                of: values.len(),
            },
        }),
        (None, None) => None,
    }
}

/// The most frequent kind of personal item in `values`, the number of values holding any,
/// and the number that are one item and nothing else.
fn detected(values: &[&str]) -> Option<(PiiKind, usize, usize)> {
    let mut found = Vec::new();
    let mut by_kind = [0usize; PiiKind::ALL.len()];
    let (mut cells, mut whole) = (0, 0);
    for v in values {
        crate::pii::detect(v, KindSet::ALL, &mut found);
        if found.is_empty() {
            continue;
        }
        cells += 1;
        if let [m] = found.as_slice() {
            if m.start == 0 && m.end == v.trim_end().len() {
                whole += 1;
            }
        }
        for m in &found {
            by_kind[m.kind as usize] += 1;
        }
    }
    let (i, _) = by_kind.iter().enumerate().max_by_key(|(_, n)| **n)?;
    (cells > 0).then_some((PiiKind::ALL[i], cells, whole))
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
        let sample = match self.rows {
            0 => "the header (no data rows)".to_owned(),
            1 => "the first data row".to_owned(),
            n => format!("the first {n} data rows"),
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
            rows: 0,
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
                probable: "windows-1252"
            }
        );
        assert_eq!(
            err.to_string(),
            "row 2 is not valid UTF-8; the file looks like windows-1252 (read it as windows-1252)"
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
            rows: 2,
            ..InferOptions::default()
        };
        // Row 4 would make the column a string; it is not sampled.
        let d = infer(b"n\n1\n2\nx\n", &opts).expect("inference succeeds");
        assert_eq!(d.rows, 2);
        assert_eq!(types(&d), ["integer"]);
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
