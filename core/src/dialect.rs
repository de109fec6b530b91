//! CSV dialect: delimiter, quote, header, line terminator and decimal character, detected
//! from the start of the file when the user does not give them.
//!
//! What the user gives is a [`DialectOptions`], from command-line flags, from the browser's
//! options, or from a Frictionless dialect document read by [`DialectOptions::from_json`]
//! (see the `document` module): `skipInitialSpace`, `commentChar`, `headerRows`, `escapeChar`... are
//! only ever given, never detected.
//!
//! Detection reads the first [`SNIFF_BYTES`] bytes (or the whole file when shorter), never a
//! count of chunks, so the dialect found does not depend on how the input was cut. The
//! schema helps: the delimiter that splits rows into as many cells as the schema has fields
//! wins, which is what makes a French Excel export (`;` between cells, `,` in numbers) read
//! right without the user writing a dialect.

mod document;

use serde::{Deserialize, Serialize};

pub use document::{DialectError, MAX_DIALECT_BYTES};

use crate::schema::{FieldType, Schema};
use crate::value::NumberStyle;

/// Bytes read from the start of a file to detect its dialect.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Delimiters tried, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Rows looked at when detecting.
const SNIFF_ROWS: usize = 200;

/// How the file is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dialect {
    pub delimiter: char,
    pub quote_char: char,
    pub double_quote: bool,
    pub header: bool,
    /// `\n`, `\r\n` or `\r`, as found on the first line.
    pub line_terminator: String,
    /// Decimal character of number fields that do not declare one (`.` unless the file
    /// turned out to use a decimal comma).
    pub decimal_char: char,
    /// Which of the above were detected rather than given.
    pub detected: Vec<String>,
    /// The character that escapes the next one inside a quoted field (`\\"`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape_char: Option<char>,
    /// Spaces after a delimiter (and at the start of a line) are not part of the cell.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_initial_space: bool,
    /// A row whose first cell starts with this text is a comment: not read, but counted
    /// in the row numbers (as Frictionless counts it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_char: Option<String>,
    /// The row numbers of a header given over several rows (`headerRows`); empty when the
    /// header is one row, the first that is neither blank nor a comment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_rows: Vec<u64>,
    /// What joins the labels of a header over several rows (a space by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_join: Option<String>,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: ',',
            quote_char: '"',
            double_quote: true,
            header: true,
            line_terminator: "\n".into(),
            decimal_char: '.',
            detected: Vec::new(),
            escape_char: None,
            skip_initial_space: false,
            comment_char: None,
            header_rows: Vec::new(),
            header_join: None,
        }
    }
}

/// What the user says about the dialect; `None` means "detect it" for the first five and
/// "the default" for the others, which are never detected.
///
/// Its serde shape is that of a Frictionless dialect (camelCase names), so that the
/// browser's options and a dialect file say the same things the same way; a dialect
/// document written by other tools is read by [`DialectOptions::from_json`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DialectOptions {
    pub delimiter: Option<char>,
    pub quote_char: Option<char>,
    pub header: Option<bool>,
    pub decimal_char: Option<char>,
    /// `\n`, `\r\n` or `\r`. Records end at any of the three whatever it says (as in
    /// Frictionless, whose reader ignores it): it is what the report names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_terminator: Option<String>,
    /// `false`: a quote inside a quoted field is not written twice (it is escaped with
    /// `escape_char`). Without an escape character, quotes are read doubled whatever this
    /// says, as Frictionless reads them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub double_quote: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escape_char: Option<char>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_initial_space: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_char: Option<String>,
    /// Row numbers (1-based, comment and blank rows counted) of the header's rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_rows: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_join: Option<String>,
}

impl Dialect {
    /// The delimiter as a byte (it is always ASCII).
    pub fn delimiter_byte(&self) -> u8 {
        ascii_byte(self.delimiter)
    }

    /// The quote as a byte (it is always ASCII).
    pub fn quote_byte(&self) -> u8 {
        ascii_byte(self.quote_char)
    }

    /// A csv-core parser for this dialect.
    pub(crate) fn parser(&self) -> csv_core::Reader {
        csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter_byte())
            .quote(self.quote_byte())
            .double_quote(self.double_quote)
            .escape(self.escape_char.map(ascii_byte))
            .build()
    }

    /// The number style a field reads numbers with, once the dialect is known.
    pub fn number_style(&self, declared: NumberStyle) -> NumberStyle {
        if declared.declared || declared.group == Some(self.decimal_char) {
            declared
        } else {
            NumberStyle {
                decimal: self.decimal_char,
                ..declared
            }
        }
    }

    /// Detects what `given` leaves open from the first bytes of the file (after any BOM).
    /// `complete` says the sample is the whole file, so its last line is whole too.
    pub fn sniff(
        sample: &[u8],
        complete: bool,
        schema: &Schema,
        given: &DialectOptions,
    ) -> Dialect {
        let sample = if complete {
            sample
        } else {
            // Cut the partial last line; keep everything when there is a single line.
            match sample.iter().rposition(|b| *b == b'\n') {
                Some(i) => &sample[..=i],
                None => sample,
            }
        };
        let mut detected = Vec::new();
        let line_terminator = line_terminator(sample);
        let given = &DialectOptions {
            delimiter: given.delimiter.filter(char::is_ascii),
            quote_char: given.quote_char.filter(char::is_ascii),
            ..given.clone()
        };
        let quote = match given.quote_char {
            Some(q) => ascii_byte(q),
            None => {
                detected.push("quoteChar".to_owned());
                sniff_quote(sample)
            }
        };
        let delimiter = match given.delimiter {
            Some(d) => ascii_byte(d),
            None => {
                detected.push("delimiter".to_owned());
                sniff_delimiter(sample, quote, schema.fields.len())
            }
        };
        let mut rows = parse_rows(sample, delimiter, quote, SNIFF_ROWS);
        if let Some(comment) = given.comment_char.as_deref().filter(|c| !c.is_empty()) {
            rows.retain(|row| !row.first().is_some_and(|c| c.starts_with(comment)));
        }
        let header = match given.header_fixed() {
            Some(h) => h,
            None => {
                detected.push("header".to_owned());
                rows.first()
                    .is_none_or(|first| looks_like_header(first, schema))
            }
        };
        let decimal_char = match given.decimal_char {
            Some(c) => c,
            None => {
                let data = if header {
                    rows.get(1..).unwrap_or(&[])
                } else {
                    &rows[..]
                };
                let c = sniff_decimal(data, schema, delimiter);
                if c != '.' {
                    detected.push("decimalChar".to_owned());
                }
                c
            }
        };
        Dialect {
            delimiter: char::from(delimiter),
            quote_char: char::from(quote),
            header,
            line_terminator: line_terminator.to_owned(),
            decimal_char,
            detected,
            ..Dialect::default()
        }
        .with_given(given)
    }

    /// Sets what is never detected from what the user gave.
    fn with_given(mut self, given: &DialectOptions) -> Dialect {
        self.escape_char = given.escape_char.filter(char::is_ascii);
        // Python's csv module, under Frictionless, reads doubled quotes unless an escape
        // character replaces them.
        self.double_quote = self.escape_char.is_none() || given.double_quote.unwrap_or(true);
        self.skip_initial_space = given.skip_initial_space.unwrap_or(false);
        self.comment_char = given.comment_char.clone().filter(|c| !c.is_empty());
        if self.header {
            self.header_rows = given.header_rows.clone().unwrap_or_default();
            self.header_join = given.header_join.clone();
        }
        if let Some(t) = &given.line_terminator {
            self.line_terminator = t.clone();
        }
        self
    }
}

impl Dialect {
    /// Detects the delimiter, quote and line terminator of a file that has no schema yet
    /// (for [`crate::infer`]); `complete` says the sample is the whole file.
    ///
    /// Without a schema there is no field count to prefer and no field type to read a
    /// first row or a decimal character against: `header` is what `given` says (a header
    /// when it says nothing) and `decimal_char` is what `given` says (`.` when it says
    /// nothing). Schema inference decides both from the column types it finds, and adds
    /// them to `detected` when it does.
    ///
    /// ```
    /// use watt_core::{Dialect, DialectOptions};
    /// let d = Dialect::sniff_without_schema(
    ///     b"prm;kwh\r\n01234567890123;1,5\r\n", true, &DialectOptions::default());
    /// assert_eq!((d.delimiter, d.quote_char, d.line_terminator.as_str()), (';', '"', "\r\n"));
    /// assert_eq!(d.detected, ["quoteChar", "delimiter"]);
    /// ```
    pub fn sniff_without_schema(sample: &[u8], complete: bool, given: &DialectOptions) -> Dialect {
        let sample = if complete {
            sample
        } else {
            match sample.iter().rposition(|b| *b == b'\n') {
                Some(i) => &sample[..=i],
                None => sample,
            }
        };
        let mut detected = Vec::new();
        let given = &DialectOptions {
            delimiter: given.delimiter.filter(char::is_ascii),
            quote_char: given.quote_char.filter(char::is_ascii),
            ..given.clone()
        };
        let quote = match given.quote_char {
            Some(q) => ascii_byte(q),
            None => {
                detected.push("quoteChar".to_owned());
                sniff_quote(sample)
            }
        };
        let delimiter = match given.delimiter {
            Some(d) => ascii_byte(d),
            None => {
                detected.push("delimiter".to_owned());
                // No schema: no field count is preferred (0 never wins, a mode is >= 2).
                sniff_delimiter(sample, quote, 0)
            }
        };
        Dialect {
            delimiter: char::from(delimiter),
            quote_char: char::from(quote),
            header: given.header_fixed().unwrap_or(true),
            line_terminator: line_terminator(sample).to_owned(),
            decimal_char: given.decimal_char.unwrap_or('.'),
            detected,
            ..Dialect::default()
        }
        .with_given(given)
    }
}

fn ascii_byte(c: char) -> u8 {
    u8::try_from(c).ok().filter(u8::is_ascii).unwrap_or(b',')
}

impl DialectOptions {
    /// Whether there is a header, when the user said: `header`, or `headerRows` (which
    /// means one unless `header` is `false`).
    fn header_fixed(&self) -> Option<bool> {
        self.header
            .or_else(|| self.header_rows.as_ref().map(|rows| !rows.is_empty()))
    }

    /// Checks what the user gave: delimiter and quote must be single ASCII characters
    /// other than a line break, and differ. Shells call this before building a checker;
    /// a dialect that fails it is never used silently.
    pub fn check(&self) -> Result<(), String> {
        for (name, c) in [
            ("delimiter", self.delimiter),
            ("quote", self.quote_char),
            ("escape character", self.escape_char),
        ] {
            if let Some(c) = c {
                if !c.is_ascii() || c == '\n' || c == '\r' {
                    return Err(format!(
                        "the {name} must be one ASCII character other than a line break, not {c:?}"
                    ));
                }
            }
        }
        if self.delimiter.is_some() && self.delimiter == self.quote_char {
            return Err("the delimiter and the quote must differ".into());
        }
        if let Some(e) = self.escape_char {
            if Some(e) == self.delimiter || Some(e) == self.quote_char {
                return Err(
                    "the escape character must differ from the delimiter and the quote".into(),
                );
            }
        }
        if let Some(t) = &self.line_terminator {
            if !matches!(t.as_str(), "\n" | "\r\n" | "\r") {
                return Err(format!(
                    "the line terminator must be \"\\n\", \"\\r\\n\" or \"\\r\", not {t:?}"
                ));
            }
        }
        if let Some(c) = &self.comment_char {
            if c.is_empty() || c.contains(['\n', '\r']) {
                return Err("the comment character must be text without a line break".into());
            }
        }
        if let Some(rows) = &self.header_rows {
            if rows.is_empty() || rows[0] == 0 || rows.windows(2).any(|w| w[0] >= w[1]) {
                return Err(
                    "headerRows must be row numbers from 1, in increasing order (for no header, say header: false)"
                        .into(),
                );
            }
        }
        if let Some(d) = self.decimal_char {
            if d.is_ascii_digit() || self.delimiter == Some(d) {
                return Err(format!(
                    "the decimal character {d:?} cannot be a digit or the delimiter"
                ));
            }
        }
        Ok(())
    }
}

fn line_terminator(sample: &[u8]) -> &'static str {
    match sample.iter().position(|b| *b == b'\n' || *b == b'\r') {
        Some(i) if sample[i] == b'\r' && sample.get(i + 1) == Some(&b'\n') => "\r\n",
        Some(i) if sample[i] == b'\r' => "\r",
        _ => "\n",
    }
}

/// `"` unless the file quotes with `'` and never with `"`.
fn sniff_quote(sample: &[u8]) -> u8 {
    let opens = |q: u8| {
        sample
            .windows(2)
            .filter(|w| w[1] == q && matches!(w[0], b',' | b';' | b'\t' | b'|' | b'\n'))
            .count()
            + usize::from(sample.first() == Some(&q))
    };
    if opens(b'"') == 0 && opens(b'\'') > 0 {
        b'\''
    } else {
        b'"'
    }
}

/// Parses up to `max` rows of the sample with a dialect, as owned cells.
fn parse_rows(sample: &[u8], delimiter: u8, quote: u8, max: usize) -> Vec<Vec<String>> {
    let mut parser = csv_core::ReaderBuilder::new()
        .delimiter(delimiter)
        .quote(quote)
        .build();
    let mut rows = Vec::new();
    let mut input = sample;
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 64];
    let (mut out_len, mut ends_len) = (0, 0);
    let mut finished_input = false;
    while rows.len() < max {
        let (res, nin, nout, nend) =
            parser.read_record(input, &mut out[out_len..], &mut ends[ends_len..]);
        input = &input[nin..];
        out_len += nout;
        ends_len += nend;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {
                if finished_input {
                    break;
                }
                finished_input = true;
            }
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let cells = ends[..ends_len]
                    .iter()
                    .map(|&end| {
                        let cell = String::from_utf8_lossy(&out[start..end]).into_owned();
                        start = end;
                        cell
                    })
                    .collect();
                rows.push(cells);
                out_len = 0;
                ends_len = 0;
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    rows
}

/// Cells per row of up to `max` rows, without keeping the cells.
fn field_counts(sample: &[u8], delimiter: u8, quote: u8, max: usize) -> Vec<usize> {
    let mut parser = csv_core::ReaderBuilder::new()
        .delimiter(delimiter)
        .quote(quote)
        .build();
    let mut counts = Vec::new();
    let mut input = sample;
    let mut out = [0u8; 4096];
    let mut ends = [0usize; 256];
    let mut fields = 0;
    let mut finished_input = false;
    while counts.len() < max {
        let (res, nin, _, nend) = parser.read_record(input, &mut out, &mut ends);
        input = &input[nin..];
        fields += nend;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {
                if finished_input {
                    break;
                }
                finished_input = true;
            }
            // The cells' bytes are not needed: let the parser overwrite them.
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::Record => {
                counts.push(fields);
                fields = 0;
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    counts
}

/// The delimiter whose rows are most consistent, preferring the one that gives as many
/// cells as the schema has fields.
fn sniff_delimiter(sample: &[u8], quote: u8, fields: usize) -> u8 {
    let mut best = (b',', (false, 0usize, 0usize));
    for d in DELIMITERS {
        let mut counts = field_counts(sample, d, quote, SNIFF_ROWS);
        if counts.is_empty() {
            continue;
        }
        let rows = counts.len();
        counts.sort_unstable();
        // The most frequent cell count and how many rows have it.
        let (mut mode, mut mode_n, mut run) = (0, 0, 0);
        for (i, c) in counts.iter().enumerate() {
            run = if i > 0 && counts[i - 1] == *c {
                run + 1
            } else {
                1
            };
            if run > mode_n {
                mode = *c;
                mode_n = run;
            }
        }
        if mode < 2 {
            continue;
        }
        let score = (mode == fields, mode_n * 1000 / rows, mode);
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// A first row is a header when one of its cells is a field name, or when none of its cells
/// in typed fields reads as a value of that type (a label like `kwh` is never a number).
fn looks_like_header(first: &[String], schema: &Schema) -> bool {
    if first.iter().any(|c| {
        schema
            .fields
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(c.trim()))
    }) {
        return true;
    }
    let mut typed = 0;
    let mut parsed = 0;
    for (cell, field) in first.iter().zip(&schema.fields) {
        if matches!(field.field_type, FieldType::String(_) | FieldType::Any) || cell.is_empty() {
            continue;
        }
        typed += 1;
        let parser = field.parser(field.number_style);
        let comma = field.parser(NumberStyle {
            decimal: ',',
            ..field.number_style
        });
        if parser.parse(cell).is_ok() || comma.parse(cell).is_ok() {
            parsed += 1;
        }
    }
    typed == 0 || parsed * 2 < typed
}

/// `,` when the number fields that do not declare a decimal character hold values like
/// `12,5` and none like `12.5`.
fn sniff_decimal(rows: &[Vec<String>], schema: &Schema, delimiter: u8) -> char {
    if delimiter == b',' {
        return '.';
    }
    let mut comma = 0;
    let mut dot = 0;
    for (i, field) in schema.fields.iter().enumerate() {
        if field.field_type != FieldType::Number || field.declares_decimal_char() {
            continue;
        }
        for row in rows {
            let Some(cell) = row.get(i) else { continue };
            let digits_around = |sep: char| {
                cell.trim_start_matches(['-', '+'])
                    .split_once(sep)
                    .is_some_and(|(a, b)| {
                        !b.is_empty()
                            && a.bytes().all(|c| c.is_ascii_digit())
                            && b.bytes().all(|c| c.is_ascii_digit())
                    })
            };
            if digits_around(',') {
                comma += 1;
            } else if digits_around('.') {
                dot += 1;
            }
        }
    }
    if comma > 0 && dot == 0 { ',' } else { '.' }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::from_json(
            r#"{"fields": [
                {"name": "prm"}, {"name": "ts", "type": "datetime"},
                {"name": "kwh", "type": "number"}, {"name": "comment"}]}"#,
        )
        .unwrap()
    }

    fn sniff(sample: &str) -> Dialect {
        Dialect::sniff(
            sample.as_bytes(),
            true,
            &schema(),
            &DialectOptions::default(),
        )
    }

    #[test]
    fn comma_file() {
        let d = sniff("prm,ts,kwh,comment\n1,2024-01-01T00:00:00Z,1.5,ok\n");
        assert_eq!(
            (d.delimiter, d.quote_char, d.header, d.decimal_char),
            (',', '"', true, '.')
        );
        assert_eq!(d.line_terminator, "\n");
        assert_eq!(d.detected, ["quoteChar", "delimiter", "header"]);
    }

    #[test]
    fn french_excel_export() {
        let d = sniff(
            "prm;ts;kwh;comment\r\n1;2024-01-01T00:00:00Z;1,5;ok, merci\r\n2;2024-01-01T01:00:00Z;12,25;\r\n",
        );
        assert_eq!((d.delimiter, d.decimal_char, d.header), (';', ',', true));
        assert_eq!(d.line_terminator, "\r\n");
        assert!(d.detected.contains(&"decimalChar".to_owned()));
    }

    #[test]
    fn tabs_and_pipes() {
        assert_eq!(sniff("prm\tts\tkwh\tcomment\n1\t2\t3\t4\n").delimiter, '\t');
        assert_eq!(sniff("prm|ts|kwh|comment\n1|2|3|4\n").delimiter, '|');
    }

    #[test]
    fn no_header_when_first_row_is_data() {
        let d = sniff("123,2024-01-01T00:00:00Z,1.5,ok\n124,2024-01-01T01:00:00Z,2.5,ok\n");
        assert!(!d.header);
    }

    #[test]
    fn single_quotes() {
        let d = sniff("prm,ts,kwh,comment\n'1',x,1.5,'a, b'\n");
        assert_eq!(d.quote_char, '\'');
    }

    #[test]
    fn given_options_win() {
        let given = DialectOptions {
            delimiter: Some(';'),
            quote_char: Some('"'),
            header: Some(false),
            decimal_char: Some('.'),
            ..DialectOptions::default()
        };
        let d = Dialect::sniff(b"a,b,c,d\n", true, &schema(), &given);
        assert_eq!((d.delimiter, d.header, d.decimal_char), (';', false, '.'));
        assert!(d.detected.is_empty());
    }

    #[test]
    fn sniffs_without_a_schema() {
        let d = Dialect::sniff_without_schema(
            b"a|b|c\n1|2|3\n4|5|6\n",
            true,
            &DialectOptions::default(),
        );
        assert_eq!((d.delimiter, d.header, d.decimal_char), ('|', true, '.'));
        assert_eq!(d.detected, ["quoteChar", "delimiter"]);
        let given = DialectOptions {
            header: Some(false),
            decimal_char: Some(','),
            ..DialectOptions::default()
        };
        let d = Dialect::sniff_without_schema(b"x;1,5;a\ny;2,5;b\nz;3", false, &given);
        assert_eq!((d.delimiter, d.header, d.decimal_char), (';', false, ','));
    }

    #[test]
    fn partial_last_line_is_ignored() {
        let d = Dialect::sniff(
            b"prm;ts;kwh;comment\n1;x;1,5;a\n2;x;2.",
            false,
            &schema(),
            &DialectOptions::default(),
        );
        assert_eq!(d.decimal_char, ',');
    }
}
