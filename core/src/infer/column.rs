//! One column's running summary while a file streams through schema inference.
//!
//! Every data row of the file passes through [`ColumnStats::add`], so the draft fits every
//! row, not only the first ones (an `enum` taken from the first thousand rows failed the
//! later ones by the thousand). What is kept per column is bounded whatever the file's
//! length:
//!
//! - the type candidates still standing, a bit each: a value that a candidate's parser
//!   refuses strikes it out, and the narrowest survivor is the column's type;
//! - the shape of digit codes (shortest, longest, a leading zero) and of prefixed codes
//!   (the letters and the digit count);
//! - the distinct values with their counts, for an `enum`, while there are at most
//!   [`ENUM_MAX_VALUES`] of them, each at most [`ENUM_MAX_VALUE_BYTES`] long and none
//!   holding a personal item: past that the set is dropped for good, and the column gets no
//!   `enum`;
//! - what the personal-data detectors found in the first [`GDPR_SAMPLE_VALUES`] values.

use crate::pii::{KindSet, PiiKind, PiiMatch};
use crate::schema::{FieldType, StringFormat};
use crate::value::{NumberStyle, TemporalFormat, ValueParser};

/// A string column becomes an `enum` when it has at most this many distinct values...
pub(super) const ENUM_MAX_VALUES: usize = 10;
/// ...over at least this many non-empty values...
pub(super) const ENUM_MIN_VALUES: u64 = 20;
/// ...each seen at least this many times: a vocabulary repeats, and a value seen once or
/// twice (a name typed in the wrong column, a one-off) is not copied into the schema.
pub(super) const ENUM_MIN_REPEATS: u64 = 3;
/// A longer value is text, not a vocabulary word: the column gets no `enum`.
pub(super) const ENUM_MAX_VALUE_BYTES: usize = 64;
/// Values of a column the personal-data detectors read (the first ones): enough to tell a
/// column of emails from a column of comments, without running the detectors on every
/// cell of a large file.
pub(super) const GDPR_SAMPLE_VALUES: usize = 1000;
/// Digit strings of one length at least this long are codes (postcode, meter id), not numbers.
const CODE_MIN_DIGITS: usize = 5;
/// Codes such as `C0012345` have at least this many digits after their letter prefix.
const PREFIXED_CODE_MIN_DIGITS: usize = 4;
/// Four-digit values in this range are years.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Table Schema's default `trueValues` / `falseValues` (what the draft's booleans rely on).
const TRUE_VALUES: [&str; 4] = ["true", "True", "TRUE", "1"];
const FALSE_VALUES: [&str; 4] = ["false", "False", "FALSE", "0"];

/// Forms tried after ISO 8601 with seconds (the default format), as `strptime` patterns:
/// day-first (French exports), and ISO 8601 to the minute, which many exports write and the
/// default format does not read (seconds are part of it, as in frictionless-py).
const DAY_FIRST_DATES: [&str; 1] = ["%d/%m/%Y"];
const DAY_FIRST_DATETIMES: [&str; 4] = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// The type candidates, in the order they are preferred, with the parser that decides
/// whether a value fits each. Built once per inference and shared by the columns.
#[derive(Debug)]
pub(super) struct Candidates {
    list: Vec<Candidate>,
}

#[derive(Debug)]
struct Candidate {
    field_type: FieldType,
    /// The decimal character of a number candidate other than `.`.
    decimal_char: Option<char>,
    parser: ValueParser,
}

/// Indexes in [`Candidates::list`] of the two candidates decided apart from the order.
const BOOLEAN: usize = 0;
const INTEGER: usize = 1;

impl Candidates {
    /// Numbers are tried with the `decimal` character given, or with `.` then `,` when none is.
    pub(super) fn new(decimal: Option<char>) -> Candidates {
        let mut list = Vec::new();
        let mut push = |field_type: FieldType, decimal: char| {
            list.push(Candidate {
                decimal_char: (field_type == FieldType::Number && decimal != '.')
                    .then_some(decimal),
                parser: parser(
                    field_type.clone(),
                    NumberStyle {
                        decimal,
                        ..NumberStyle::default()
                    },
                ),
                field_type,
            });
        };
        push(FieldType::Boolean, '.');
        push(FieldType::Integer, '.');
        for c in decimal.map_or(vec!['.', ','], |c| vec![c]) {
            push(FieldType::Number, c);
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
            .chain([FieldType::YearMonth])
            .chain(
                [StringFormat::Uuid, StringFormat::Email, StringFormat::Uri].map(FieldType::String),
            );
        for ty in temporal {
            push(ty, '.');
        }
        debug_assert!(list.len() <= 32, "the candidates fit the bits of a u32");
        Candidates { list }
    }

    fn all(&self) -> u32 {
        u32::MAX >> (32 - self.list.len())
    }
}

fn pattern(p: &str) -> Option<TemporalFormat> {
    TemporalFormat::pattern(p).ok()
}

pub(super) fn parser(ty: FieldType, style: NumberStyle) -> ValueParser {
    ValueParser::new(
        ty,
        style,
        TRUE_VALUES.map(str::to_owned).to_vec(),
        FALSE_VALUES.map(str::to_owned).to_vec(),
    )
}

/// A column's inferred type.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    pub(super) field_type: FieldType,
    pub(super) decimal_char: Option<char>,
    pub(super) pattern: Option<String>,
}

impl Column {
    fn of(field_type: FieldType) -> Column {
        Column {
            field_type,
            decimal_char: None,
            pattern: None,
        }
    }

    /// The narrowest type every one of `values` (non-empty) reads as; see
    /// [`ColumnStats::column`].
    pub(super) fn infer(values: &[&str], candidates: &Candidates) -> Column {
        let mut stats = ColumnStats::new(candidates);
        for v in values {
            stats.add(v, candidates);
        }
        stats.column(candidates)
    }

    pub(super) fn parser_with(&self, style: NumberStyle) -> ValueParser {
        parser(self.field_type.clone(), style)
    }
}

/// The shape of a column whose every value is a string of digits.
#[derive(Debug, Clone, Copy)]
struct Digits {
    min: usize,
    max: usize,
    leading_zero: bool,
}

/// The shape of a column of prefixed codes (`C0012345`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Prefixed {
    Unseen,
    Code { prefix: String, digits: usize },
    No,
}

/// Personal items found by [`crate::pii::detect`] in a column's first values.
#[derive(Debug, Clone, Default)]
pub(super) struct PiiTally {
    by_kind: [usize; PiiKind::ALL.len()],
    /// Values read.
    pub(super) of: usize,
    /// Values holding a personal item.
    cells: usize,
    /// Values that are one personal item and nothing else.
    whole: usize,
}

impl PiiTally {
    pub(super) fn add(&mut self, value: &str, found: &mut Vec<PiiMatch>) {
        self.of += 1;
        crate::pii::detect(value, KindSet::ALL, found);
        if found.is_empty() {
            return;
        }
        self.cells += 1;
        if let [m] = found.as_slice() {
            if m.start == 0 && m.end == value.trim_end().len() {
                self.whole += 1;
            }
        }
        for m in found.iter() {
            self.by_kind[m.kind as usize] += 1;
        }
    }

    /// The most frequent kind of personal item, the number of values holding any, and the
    /// number that are one item and nothing else.
    pub(super) fn found(&self) -> Option<(PiiKind, usize, usize)> {
        let (i, _) = self.by_kind.iter().enumerate().max_by_key(|(_, n)| **n)?;
        (self.cells > 0).then_some((PiiKind::ALL[i], self.cells, self.whole))
    }
}

/// A column's running summary; see the module documentation.
#[derive(Debug, Clone)]
pub(super) struct ColumnStats {
    /// Non-empty values.
    pub(super) values: u64,
    /// Rows where the cell was empty or absent.
    pub(super) missing: u64,
    /// A bit per candidate of [`Candidates`] that every value so far reads as.
    alive: u32,
    /// Every value so far is a year ([`YEARS`], four digits).
    year: bool,
    digits: Option<Digits>,
    prefixed: Prefixed,
    /// The distinct values and their counts, in order of appearance; `None` once the
    /// column was found to be no vocabulary.
    distinct: Option<Vec<(String, u64)>>,
    pub(super) pii: PiiTally,
    /// Scratch for the detectors.
    found: Vec<PiiMatch>,
}

impl ColumnStats {
    pub(super) fn new(candidates: &Candidates) -> ColumnStats {
        ColumnStats {
            values: 0,
            missing: 0,
            alive: candidates.all(),
            year: true,
            digits: Some(Digits {
                min: usize::MAX,
                max: 0,
                leading_zero: false,
            }),
            prefixed: Prefixed::Unseen,
            distinct: Some(Vec::new()),
            pii: PiiTally::default(),
            found: Vec::new(),
        }
    }

    /// A row without a value in this column (an empty cell, or a row too short to have one).
    pub(super) fn add_missing(&mut self) {
        self.missing += 1;
    }

    /// One cell; an empty one is missing.
    pub(super) fn add(&mut self, v: &str, candidates: &Candidates) {
        if v.is_empty() {
            self.missing += 1;
            return;
        }
        self.values += 1;
        if let Some(d) = &mut self.digits {
            if v.bytes().all(|b| b.is_ascii_digit()) {
                d.min = d.min.min(v.len());
                d.max = d.max.max(v.len());
                d.leading_zero |= v.len() > 1 && v.starts_with('0');
            } else {
                self.digits = None;
            }
        }
        self.prefixed = match (
            std::mem::replace(&mut self.prefixed, Prefixed::No),
            split_code(v),
        ) {
            (Prefixed::Unseen, Some((prefix, digits))) => Prefixed::Code {
                prefix: prefix.to_owned(),
                digits,
            },
            (Prefixed::Code { prefix, digits }, Some(code))
                if code == (prefix.as_str(), digits) =>
            {
                Prefixed::Code { prefix, digits }
            }
            _ => Prefixed::No,
        };
        self.year &= v.len() == 4 && v.parse::<i32>().is_ok_and(|y| YEARS.contains(&y));
        let mut alive = self.alive;
        while alive != 0 {
            let i = alive.trailing_zeros() as usize;
            alive &= alive - 1;
            if candidates.list[i].parser.parse(v).is_err() {
                self.alive &= !(1 << i);
            }
        }
        if let Some(distinct) = &mut self.distinct {
            match distinct.iter_mut().find(|(d, _)| d == v) {
                Some((_, n)) => *n += 1,
                None => {
                    let fits = distinct.len() < ENUM_MAX_VALUES && v.len() <= ENUM_MAX_VALUE_BYTES;
                    // A value holding a personal item (an email, a phone number) is never
                    // copied into a schema, whatever the column looks like otherwise.
                    let personal = fits && {
                        crate::pii::detect(v, KindSet::ALL, &mut self.found);
                        !self.found.is_empty()
                    };
                    if fits && !personal {
                        distinct.push((v.to_owned(), 1));
                    } else {
                        self.distinct = None;
                    }
                }
            }
        }
        if self.pii.of < GDPR_SAMPLE_VALUES {
            self.pii.add(v, &mut self.found);
        }
    }

    /// The narrowest type that every value read as, trying: code (string with a pattern,
    /// `[0-9]{14}` or `C[0-9]{7}`), boolean, year, integer, number (decimal point, then
    /// comma), date, time, datetime, year-month, then string (uuid, email, uri, plain).
    pub(super) fn column(&self, candidates: &Candidates) -> Column {
        if self.values == 0 {
            return Column::of(FieldType::String(StringFormat::Default));
        }
        if let Some(pattern) = self
            .digit_code_pattern()
            .or_else(|| self.prefixed_pattern())
        {
            return Column {
                pattern: Some(pattern),
                ..Column::of(FieldType::String(StringFormat::Default))
            };
        }
        let alive = |i: usize| self.alive & (1 << i) != 0;
        // "0" and "1" are booleans too, but a column of them is more often a count.
        if alive(BOOLEAN) && !alive(INTEGER) {
            return Column::of(FieldType::Boolean);
        }
        if self.year {
            return Column::of(FieldType::Year);
        }
        match (INTEGER..candidates.list.len()).find(|&i| alive(i)) {
            Some(i) => Column {
                decimal_char: candidates.list[i].decimal_char,
                ..Column::of(candidates.list[i].field_type.clone())
            },
            None => Column::of(FieldType::String(StringFormat::Default)),
        }
    }

    /// A `pattern` for a column of unsigned digit strings that are codes rather than
    /// numbers: some value has a leading zero, or every value has the same length of at
    /// least [`CODE_MIN_DIGITS`] digits.
    fn digit_code_pattern(&self) -> Option<String> {
        let Digits {
            min,
            max,
            leading_zero,
        } = self.digits?;
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
    fn prefixed_pattern(&self) -> Option<String> {
        match &self.prefixed {
            Prefixed::Code { prefix, digits } => Some(format!("{prefix}[0-9]{{{digits}}}")),
            _ => None,
        }
    }

    /// The distinct values with their counts, while the column may still be a vocabulary.
    pub(super) fn distinct(&self) -> Option<&[(String, u64)]> {
        self.distinct.as_deref()
    }

    /// Bytes held by the distinct-value set (for the tests of the bound).
    #[cfg(test)]
    pub(super) fn held_bytes(&self) -> usize {
        self.distinct
            .as_ref()
            .map_or(0, |d| d.iter().map(|(v, _)| v.len()).sum())
    }
}

fn split_code(v: &str) -> Option<(&str, usize)> {
    let letters = v.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (prefix, digits) = v.split_at(letters);
    (!prefix.is_empty()
        && digits.len() >= PREFIXED_CODE_MIN_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit()))
    .then_some((prefix, digits.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary of a column holds at most [`ENUM_MAX_VALUES`] values of at most
    /// [`ENUM_MAX_VALUE_BYTES`] each, whatever the column: a million distinct values (or
    /// one long one) leave nothing held, and the column gets no vocabulary.
    #[test]
    fn distinct_values_are_capped() {
        let candidates = Candidates::new(None);
        let bound = ENUM_MAX_VALUES * ENUM_MAX_VALUE_BYTES;
        let mut many = ColumnStats::new(&candidates);
        let mut value = String::new();
        for i in 0..1_000_000u32 {
            value.clear();
            value.push_str(&format!("tarif {i:x}"));
            many.add(&value, &candidates);
            assert!(many.held_bytes() <= bound, "after {i} values");
            if i == ENUM_MAX_VALUES as u32 - 1 {
                assert_eq!(many.distinct().map(<[_]>::len), Some(ENUM_MAX_VALUES));
            }
        }
        assert_eq!(many.distinct(), None);
        assert_eq!(many.held_bytes(), 0);
        assert_eq!(many.values, 1_000_000);
        assert_eq!(
            many.pii.of, GDPR_SAMPLE_VALUES,
            "the detectors read the first values"
        );

        let mut long = ColumnStats::new(&candidates);
        for _ in 0..30 {
            long.add("BASE", &candidates);
        }
        long.add(&"x".repeat(ENUM_MAX_VALUE_BYTES + 1), &candidates);
        assert_eq!(long.distinct(), None, "a long value is text, not a word");

        let mut personal = ColumnStats::new(&candidates);
        for _ in 0..30 {
            personal.add("BASE", &candidates);
        }
        personal.add("jeanne.martin@example.fr", &candidates);
        assert_eq!(personal.distinct(), None, "an email is never an enum value");
    }

    /// Candidates are struck out one value at a time, and the order of the values does
    /// not matter: the type is the narrowest that fits them all.
    #[test]
    fn types_narrow_as_values_come() {
        let candidates = Candidates::new(None);
        let ty = |values: &[&str]| {
            let c = Column::infer(values, &candidates);
            (c.field_type.name(), c.decimal_char, c.pattern)
        };
        assert_eq!(ty(&["1", "2"]), ("integer", None, None));
        assert_eq!(ty(&["1", "2,5"]), ("number", Some(','), None));
        assert_eq!(ty(&["2,5", "1"]), ("number", Some(','), None));
        assert_eq!(ty(&["1.5", "2,5"]), ("string", None, None));
        assert_eq!(ty(&["1", "true"]), ("boolean", None, None));
        assert_eq!(ty(&["1", "yes"]), ("string", None, None));
        assert_eq!(ty(&["0", "1"]), ("integer", None, None));
        assert_eq!(ty(&["true", "0"]), ("boolean", None, None));
        assert_eq!(ty(&["2024", "1999"]), ("year", None, None));
        assert_eq!(ty(&["2024", "12"]), ("integer", None, None));
        assert_eq!(
            ty(&["01234", "1234"]),
            ("string", None, Some("[0-9]{4,5}".to_owned()))
        );
        assert_eq!(
            ty(&["C0012345", "C0012346"]),
            ("string", None, Some("C[0-9]{7}".to_owned()))
        );
        assert_eq!(ty(&["C0012345", "D0012346"]).2, None);
    }
}
