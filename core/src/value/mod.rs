//! Typed cell values: parsing a cell's text into the value its field's type says it holds.
//!
//! Parsing is on the hot path of every check, so the common forms (ISO dates, plain
//! numbers) have byte-level fast paths; calendar validity and custom `strptime`-style
//! patterns go through `chrono`. Values are `Copy` and never borrow the cell: text values
//! are [`Value::Text`] and the caller still holds the cell's text.
//!
//! The types that need more than a few lines have a module of their own: [`duration`]
//! (ISO 8601 durations) and [`geo`] (`geopoint`, `geojson`).

use std::cmp::Ordering;
use std::fmt;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime as ChronoDateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::schema::{FieldType, StringFormat};

pub mod duration;
pub mod geo;

pub use geo::{GeoJsonFormat, GeoPointFormat};

/// How numbers are written: Table Schema `decimalChar`, `groupChar` and `bareNumber`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal: char,
    pub group: Option<char>,
    /// `false` lets numbers carry leading and trailing non-numeric text such as `€` or `%`.
    pub bare: bool,
    /// Whether the schema wrote `decimalChar` (detection never overrides what was written).
    pub declared: bool,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            decimal: '.',
            group: None,
            bare: true,
            declared: false,
        }
    }
}

/// Format of a date, time or datetime field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemporalFormat {
    /// ISO 8601 (`2024-01-31`, `08:30:00`, `2024-01-31T08:30:00+01:00`).
    Default,
    /// ISO 8601 or a common day-first form (`31/01/2024`, `31-01-2024 08:30`).
    Any,
    /// A `strptime`-style pattern such as `%d/%m/%Y`.
    Pattern(String),
}

impl TemporalFormat {
    /// Checks a pattern before it is used, so a bad one fails when the schema loads.
    pub fn pattern(p: &str) -> Result<TemporalFormat, String> {
        if StrftimeItems::new(p).any(|i| matches!(i, Item::Error)) {
            return Err("unknown directive".into());
        }
        if !p.contains('%') {
            return Err("a pattern needs at least one % directive".into());
        }
        Ok(TemporalFormat::Pattern(p.to_owned()))
    }

    /// Whether `year`, parsed with pattern `p`, was written as `%Y` wants it: Python's
    /// `strptime` (which frictionless-py reads patterns with) takes four digits for `%Y`,
    /// chrono any number, so that `15/01/24` would be year 24. Years below 1000 are refused
    /// with `%Y` (`0999` too, which Python would read: no export writes one).
    fn full_year(p: &str, year: i32) -> bool {
        !p.contains("%Y") || (1000..=9999).contains(&year)
    }

    /// Whether a datetime pattern carries a UTC offset.
    fn has_offset(p: &str) -> bool {
        p.contains("%z") || p.contains("%:z") || p.contains("%#z")
    }
}

/// A typed cell value. Text-like values do not copy the text: the caller keeps the cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A string (or `any`) value; its content is the cell's text.
    Text,
    Integer(i64),
    Number(f64),
    Boolean(bool),
    Date(NaiveDate),
    /// A time of day and, when written, its UTC offset in seconds.
    Time(NaiveTime, Option<i32>),
    /// A local datetime and, when written, its UTC offset in seconds.
    DateTime(NaiveDateTime, Option<i32>),
    Year(i32),
    YearMonth(i32, u32),
    /// A JSON object or array, with its number of members or items (what `minLength` and
    /// `maxLength` count, as frictionless-py counts them), or a geojson value (`None`);
    /// compared as text.
    Json(Option<usize>),
    /// An ISO 8601 duration (see [`duration::Duration`]): months (billionths of), and the
    /// rest in seconds and microseconds. Written out here rather than as the struct so that
    /// a value stays 24 bytes.
    Duration {
        nanomonths: i64,
        seconds: i64,
        micros: u32,
    },
    /// A geopoint: longitude, latitude.
    GeoPoint(f64, f64),
}

impl From<duration::Duration> for Value {
    fn from(d: duration::Duration) -> Value {
        Value::Duration {
            nanomonths: d.nanomonths,
            seconds: d.seconds,
            micros: d.micros,
        }
    }
}

impl Value {
    /// Orders two values of the same type; `None` when they cannot be compared.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Integer(a), Value::Integer(b)) => Some(a.cmp(b)),
            (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::Time(a, Some(oa)), Value::Time(b, Some(ob))) => {
                // As Python compares aware times: each brought to UTC, not modulo a day.
                let ua = (
                    i64::from(a.num_seconds_from_midnight()) - i64::from(*oa),
                    a.nanosecond(),
                );
                let ub = (
                    i64::from(b.num_seconds_from_midnight()) - i64::from(*ob),
                    b.nanosecond(),
                );
                Some(ua.cmp(&ub))
            }
            (Value::Time(a, _), Value::Time(b, _)) => Some(a.cmp(b)),
            (Value::DateTime(a, Some(oa)), Value::DateTime(b, Some(ob))) => {
                // Integer seconds since the epoch: no calendar arithmetic on the hot path.
                let ua = (a.and_utc().timestamp() - i64::from(*oa), a.nanosecond());
                let ub = (b.and_utc().timestamp() - i64::from(*ob), b.nanosecond());
                Some(ua.cmp(&ub))
            }
            (Value::DateTime(a, _), Value::DateTime(b, _)) => Some(a.cmp(b)),
            (Value::Year(a), Value::Year(b)) => Some(a.cmp(b)),
            (Value::YearMonth(ay, am), Value::YearMonth(by, bm)) => Some((ay, am).cmp(&(by, bm))),
            (Value::Boolean(a), Value::Boolean(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Whether two values are the same, given their texts (text values compare by text).
    pub fn same(&self, text: &str, other: &Value, other_text: &str) -> bool {
        match (self, other) {
            (Value::Text, Value::Text) | (Value::Json(_), Value::Json(_)) => text == other_text,
            // Durations and geopoints are equal or not; they have no order.
            (Value::Duration { .. }, Value::Duration { .. })
            | (Value::GeoPoint(..), Value::GeoPoint(..)) => self == other,
            _ => self.compare(other) == Some(Ordering::Equal),
        }
    }

    /// A 64-bit hash of the value's canonical form: `1`, `01` and `+1` are the same integer,
    /// `2024-01-01T01:00:00+01:00` and `2024-01-01T00:00:00Z` the same instant. Used for
    /// `unique` and `primaryKey`; platform-independent (xxh3), so the browser and the CLI
    /// report the same duplicates.
    pub fn key(&self, text: &str) -> u64 {
        match *self {
            Value::Text | Value::Json(_) => xxh3_64_with_seed(text.as_bytes(), 0),
            Value::Integer(i) => xxh3_64_with_seed(&i.to_le_bytes(), 1),
            Value::Number(f) => {
                let f = if f == 0.0 {
                    0.0
                } else if f.is_nan() {
                    f64::NAN
                } else {
                    f
                };
                xxh3_64_with_seed(&f.to_bits().to_le_bytes(), 2)
            }
            Value::Boolean(b) => xxh3_64_with_seed(&[u8::from(b)], 3),
            Value::Date(d) => xxh3_64_with_seed(&d.num_days_from_ce().to_le_bytes(), 4),
            Value::DateTime(dt, offset) => {
                let t = dt.and_utc();
                let (secs, seed) = match offset {
                    Some(o) => (t.timestamp() - i64::from(o), 5),
                    None => (t.timestamp(), 6),
                };
                let mut b = [0u8; 12];
                b[..8].copy_from_slice(&secs.to_le_bytes());
                b[8..].copy_from_slice(&t.timestamp_subsec_nanos().to_le_bytes());
                xxh3_64_with_seed(&b, seed)
            }
            Value::Time(t, offset) => {
                let secs = i64::from(t.num_seconds_from_midnight());
                let (secs, seed) = match offset {
                    Some(o) => (secs - i64::from(o), 10),
                    None => (secs, 7),
                };
                let mut b = [0u8; 12];
                b[..8].copy_from_slice(&secs.to_le_bytes());
                b[8..].copy_from_slice(&t.nanosecond().to_le_bytes());
                xxh3_64_with_seed(&b, seed)
            }
            Value::Duration {
                nanomonths,
                seconds,
                micros,
            } => {
                let mut b = [0u8; 20];
                b[..8].copy_from_slice(&nanomonths.to_le_bytes());
                b[8..16].copy_from_slice(&seconds.to_le_bytes());
                b[16..].copy_from_slice(&micros.to_le_bytes());
                xxh3_64_with_seed(&b, 11)
            }
            Value::GeoPoint(lon, lat) => {
                // +0.0 for -0.0: the same point.
                let mut b = [0u8; 16];
                b[..8].copy_from_slice(&(lon + 0.0).to_bits().to_le_bytes());
                b[8..].copy_from_slice(&(lat + 0.0).to_bits().to_le_bytes());
                xxh3_64_with_seed(&b, 12)
            }
            Value::Year(y) => xxh3_64_with_seed(&y.to_le_bytes(), 8),
            Value::YearMonth(y, m) => {
                let mut b = [0u8; 8];
                b[..4].copy_from_slice(&y.to_le_bytes());
                b[4..].copy_from_slice(&m.to_le_bytes());
                xxh3_64_with_seed(&b, 9)
            }
        }
    }
}

/// What is wrong with a cell that does not parse as its field's type. Kept small and
/// `Copy` so that counting millions of errors costs no allocation; the message is made only
/// for findings that are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeProblem {
    Integer,
    IntegerTooLarge,
    Number,
    Boolean,
    Date,
    Time,
    DateTime,
    Year,
    YearMonth,
    Email,
    Uri,
    Uuid,
    Binary,
    Object,
    Array,
    Duration,
    GeoPoint,
    GeoJson,
    TopoJson,
}

impl fmt::Display for TypeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TypeProblem::Integer => "not an integer",
            TypeProblem::IntegerTooLarge => {
                "an integer beyond 64 bits (declare such ids as strings)"
            }
            TypeProblem::Number => "not a number",
            TypeProblem::Boolean => "not a boolean",
            TypeProblem::Date => "not a date",
            TypeProblem::Time => "not a time",
            TypeProblem::DateTime => "not a datetime",
            TypeProblem::Year => "not a year",
            TypeProblem::YearMonth => "not a year-month (YYYY-MM)",
            TypeProblem::Email => "not an email address",
            TypeProblem::Uri => "not a URI",
            TypeProblem::Uuid => "not a UUID",
            TypeProblem::Binary => "not base64 binary",
            TypeProblem::Object => "not a JSON object",
            TypeProblem::Array => "not a JSON array",
            TypeProblem::Duration => "not an ISO 8601 duration",
            TypeProblem::GeoPoint => "not a geopoint",
            TypeProblem::GeoJson => "not a GeoJSON object",
            TypeProblem::TopoJson => "not a TopoJSON object",
        })
    }
}

/// Parses cells of one field. Built once per field and reused for every cell.
#[derive(Debug, Clone)]
pub struct ValueParser {
    field_type: FieldType,
    style: NumberStyle,
    true_values: Vec<String>,
    false_values: Vec<String>,
    /// For datetime patterns: whether the pattern carries an offset.
    pattern_offset: bool,
}

/// Day-first and ISO forms tried, in order, by `format: any`.
const ANY_DATES: &[&str] = &["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"];
const ANY_DATETIMES: &[&str] = &[
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
];
const ANY_TIMES: &[&str] = &["%H:%M", "%Hh%M", "%H:%M:%S%.f"];

impl ValueParser {
    pub fn new(
        field_type: FieldType,
        style: NumberStyle,
        true_values: Vec<String>,
        false_values: Vec<String>,
    ) -> ValueParser {
        let pattern_offset = matches!(
            &field_type,
            FieldType::DateTime(TemporalFormat::Pattern(p)) if TemporalFormat::has_offset(p)
        );
        ValueParser {
            field_type,
            style,
            true_values,
            false_values,
            pattern_offset,
        }
    }

    /// The field type this parser reads.
    pub fn field_type(&self) -> &FieldType {
        &self.field_type
    }

    /// The number style this parser reads numbers with.
    pub fn number_style(&self) -> NumberStyle {
        self.style
    }

    /// Parses one cell (already known not to be a missing value).
    pub fn parse(&self, s: &str) -> Result<Value, TypeProblem> {
        match &self.field_type {
            FieldType::String(format) => check_string_format(*format, s).map(|()| Value::Text),
            FieldType::Any => Ok(Value::Text),
            FieldType::Integer => self.parse_integer(s).map(Value::Integer),
            FieldType::Number => self.parse_number(s).map(Value::Number),
            FieldType::Boolean => {
                if self.true_values.iter().any(|v| v == s) {
                    Ok(Value::Boolean(true))
                } else if self.false_values.iter().any(|v| v == s) {
                    Ok(Value::Boolean(false))
                } else {
                    Err(TypeProblem::Boolean)
                }
            }
            FieldType::Date(f) => parse_date(f, s).map(Value::Date).ok_or(TypeProblem::Date),
            FieldType::Time(f) => parse_time(f, s)
                .map(|(t, o)| Value::Time(t, o))
                .ok_or(TypeProblem::Time),
            FieldType::DateTime(f) => self
                .parse_datetime(f, s)
                .map(|(dt, o)| Value::DateTime(dt, o))
                .ok_or(TypeProblem::DateTime),
            FieldType::Year => parse_year(s).map(Value::Year).ok_or(TypeProblem::Year),
            FieldType::YearMonth => parse_year_month(s)
                .map(|(y, m)| Value::YearMonth(y, m))
                .ok_or(TypeProblem::YearMonth),
            FieldType::Object => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(serde_json::Value::Object(members)) => Ok(Value::Json(Some(members.len()))),
                _ => Err(TypeProblem::Object),
            },
            FieldType::Array => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(serde_json::Value::Array(items)) => Ok(Value::Json(Some(items.len()))),
                _ => Err(TypeProblem::Array),
            },
            FieldType::Duration => duration::parse(s)
                .map(Value::from)
                .ok_or(TypeProblem::Duration),
            FieldType::GeoPoint(f) => geo::parse_geopoint(*f, s)
                .map(|(lon, lat)| Value::GeoPoint(lon, lat))
                .ok_or(TypeProblem::GeoPoint),
            FieldType::GeoJson(f) => match (geo::is_geojson(*f, s), f) {
                (true, _) => Ok(Value::Json(None)),
                (false, GeoJsonFormat::Default) => Err(TypeProblem::GeoJson),
                (false, GeoJsonFormat::TopoJson) => Err(TypeProblem::TopoJson),
            },
        }
    }

    /// Parses a number written in JSON (always with a `.`), for schema bounds.
    pub fn parse_json_number(&self, s: &str) -> Result<Value, TypeProblem> {
        match self.field_type {
            FieldType::Number => s
                .parse::<f64>()
                .map(Value::Number)
                .map_err(|_| TypeProblem::Number),
            FieldType::Integer => parse_plain_integer(s.as_bytes()).map(Value::Integer),
            _ => self.parse(s),
        }
    }

    /// A message for a type problem that names the expected form, e.g.
    /// `not a date (expected YYYY-MM-DD)` or `not a number (decimal ",")`.
    pub fn describe(&self, problem: TypeProblem) -> String {
        let expected = match (&self.field_type, problem) {
            (FieldType::Date(f), _) => temporal_hint(f, "YYYY-MM-DD"),
            (FieldType::Time(f), _) => temporal_hint(f, "HH:MM:SS"),
            (FieldType::DateTime(f), _) => {
                temporal_hint(f, "ISO 8601, e.g. 2024-01-31T08:30:00+01:00")
            }
            (FieldType::Number, _) if self.style.decimal != '.' => {
                format!("decimal \"{}\"", self.style.decimal)
            }
            (FieldType::Duration, _) => "expected e.g. P1Y2M3DT4H5M6S, PT0.5S, P3W".into(),
            (FieldType::GeoPoint(GeoPointFormat::Default), _) => {
                "expected \"lon, lat\", lon within ±180 and lat within ±90".into()
            }
            (FieldType::GeoPoint(GeoPointFormat::Array), _) => {
                "expected [lon, lat], lon within ±180 and lat within ±90".into()
            }
            (FieldType::GeoPoint(GeoPointFormat::Object), _) => {
                "expected {\"lon\": .., \"lat\": ..}, lon within ±180 and lat within ±90".into()
            }
            _ => String::new(),
        };
        if expected.is_empty() {
            problem.to_string()
        } else {
            format!("{problem} ({expected})")
        }
    }

    fn strip_decoration<'a>(&self, s: &'a str) -> &'a str {
        if self.style.bare {
            return s;
        }
        let numeric =
            |c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == self.style.decimal;
        let start = s.find(numeric).unwrap_or(s.len());
        let end = s
            .rfind(|c: char| c.is_ascii_digit())
            .map_or(start, |i| i + 1);
        if start >= end { "" } else { &s[start..end] }
    }

    fn parse_integer(&self, s: &str) -> Result<i64, TypeProblem> {
        let s = self.strip_decoration(s);
        match self.style.group {
            None => parse_plain_integer(s.as_bytes()),
            Some(g) => {
                let mut buf = [0u8; 64];
                let mut n = 0;
                for c in s.chars() {
                    if c == g {
                        continue;
                    }
                    if !c.is_ascii() || n == buf.len() {
                        return Err(TypeProblem::Integer);
                    }
                    buf[n] = c as u8;
                    n += 1;
                }
                parse_plain_integer(&buf[..n])
            }
        }
    }

    fn parse_number(&self, s: &str) -> Result<f64, TypeProblem> {
        let s = self.strip_decoration(s);
        self.parse_finite(s)
            .or_else(|problem| non_finite(s).ok_or(problem))
    }

    fn parse_finite(&self, s: &str) -> Result<f64, TypeProblem> {
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(TypeProblem::Number);
        }
        if self.style.decimal == '.' && self.style.group.is_none() {
            return parse_plain_float(b);
        }
        let mut buf = [0u8; 64];
        let mut n = 0;
        for c in s.chars() {
            let out = if Some(c) == self.style.group {
                continue;
            } else if c == self.style.decimal {
                b'.'
            } else if c == '.' || !c.is_ascii() {
                // A '.' when the decimal character is something else is not a number here:
                // "12.5" in a decimal-comma file would otherwise be read as twelve and a half.
                return Err(TypeProblem::Number);
            } else {
                c as u8
            };
            if n == buf.len() {
                return Err(TypeProblem::Number);
            }
            buf[n] = out;
            n += 1;
        }
        parse_plain_float(&buf[..n])
    }

    fn parse_datetime(&self, f: &TemporalFormat, s: &str) -> Option<(NaiveDateTime, Option<i32>)> {
        match f {
            TemporalFormat::Default => parse_iso_datetime(s.as_bytes()),
            TemporalFormat::Any => parse_iso_datetime_with(s.as_bytes(), false).or_else(|| {
                ANY_DATETIMES
                    .iter()
                    .find_map(|p| NaiveDateTime::parse_from_str(s, p).ok())
                    .map(|dt| (dt, None))
            }),
            TemporalFormat::Pattern(p) if self.pattern_offset => {
                ChronoDateTime::parse_from_str(s, p)
                    .ok()
                    // Python's `%z` also reads `Z` (UTC), chrono's does not.
                    .or_else(|| {
                        let utc = s.strip_suffix('Z')?;
                        let p = p.strip_suffix("%z")?;
                        ChronoDateTime::parse_from_str(&format!("{utc}+0000"), &format!("{p}%z"))
                            .ok()
                    })
                    .map(|dt| (dt.naive_local(), Some(dt.offset().local_minus_utc())))
                    .filter(|(dt, _)| TemporalFormat::full_year(p, dt.year()))
            }
            TemporalFormat::Pattern(p) => NaiveDateTime::parse_from_str(s, p)
                .ok()
                .filter(|dt| TemporalFormat::full_year(p, dt.year()))
                .map(|dt| (dt, None)),
        }
    }
}

/// The non-finite numbers, spelt as Python's `Decimal` (which frictionless-py reads numbers
/// with) spells them: `NaN`, `sNaN`, `Inf`, `Infinity`, in any case, with a sign.
fn non_finite(s: &str) -> Option<f64> {
    let (negative, word) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let is = |w: &str| word.eq_ignore_ascii_case(w);
    if is("nan") || is("snan") {
        Some(f64::NAN)
    } else if is("inf") || is("infinity") {
        Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    } else {
        None
    }
}

fn temporal_hint(f: &TemporalFormat, default: &str) -> String {
    match f {
        TemporalFormat::Default => format!("expected {default}"),
        TemporalFormat::Any => "expected ISO 8601 or day-first".into(),
        TemporalFormat::Pattern(p) => format!("expected format {p}"),
    }
}

/// Digits with an optional sign, nothing else; must fit in 64 bits.
fn parse_plain_integer(b: &[u8]) -> Result<i64, TypeProblem> {
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(TypeProblem::Integer);
    }
    let mut v: i64 = 0;
    for d in digits {
        let d = i64::from(d - b'0');
        v = v
            .checked_mul(10)
            .and_then(|v| {
                if neg {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or(TypeProblem::IntegerTooLarge)?;
    }
    Ok(v)
}

/// A decimal number in the usual notation, with optional exponent. Unlike `str::parse`,
/// refuses `inf`, `nan`, `infinity` and the like: those are read by [`non_finite`].
fn parse_plain_float(b: &[u8]) -> Result<f64, TypeProblem> {
    if let Some(x) = fast_decimal(b) {
        return Ok(x);
    }
    let ok = b
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !ok || !b.iter().any(u8::is_ascii_digit) {
        return Err(TypeProblem::Number);
    }
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .ok_or(TypeProblem::Number)
}

/// The common case of `[-]digits[.digits]` with at most 15 significant digits, read
/// exactly: the digits form an integer m < 2⁵³ and the value is m / 10ᵏ with k ≤ 22, both
/// exact in a double, so one IEEE division gives the correctly rounded result — the same
/// bits `str::parse` gives (Clinger's fast path). Anything else returns `None`.
fn fast_decimal(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut fraction: Option<usize> = None;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
                if count > 15 {
                    return None;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(count),
            _ => return None,
        }
    }
    let decimals = fraction.map_or(0, |at| count - at);
    // Digits before and after the point: "5.", ".5" and "." go to the general parser.
    if count == 0 || fraction.is_some_and(|at| at == 0 || at == count) {
        return None;
    }
    let x = mantissa as f64 / POW10[decimals];
    Some(if neg { -x } else { x })
}

fn digits2(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(c - b'0'))
        }
        _ => None,
    }
}

fn digits4(b: &[u8]) -> Option<i32> {
    if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i32, |v, d| v * 10 + i32::from(d - b'0')))
}

/// `YYYY-MM-DD`, calendar-checked.
pub(crate) fn parse_iso_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits4(&b[..4])?, digits2(&b[5..7])?, digits2(&b[8..10])?)
}

/// `HH:MM[:SS[.fraction]]`; returns the time and how many bytes it used.
fn parse_iso_time_prefix(b: &[u8], need_seconds: bool) -> Option<(NaiveTime, usize)> {
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let h = digits2(&b[..2])?;
    let m = digits2(&b[3..5])?;
    let mut used = 5;
    let mut s = 0;
    let mut nanos = 0;
    if b.len() >= 8 && b[5] == b':' {
        s = digits2(&b[6..8])?;
        used = 8;
        if b.len() > 8 && (b[8] == b'.' || b[8] == b',') {
            let frac = &b[9..];
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let mut scale = 100_000_000;
            for d in &frac[..n.min(9)] {
                nanos += u32::from(d - b'0') * scale;
                scale /= 10;
            }
            used = 9 + n;
        }
    } else if need_seconds {
        return None;
    }
    Some((NaiveTime::from_hms_nano_opt(h, m, s, nanos)?, used))
}

/// ISO 8601 datetime, the default format: `T` or a space between date and time, seconds
/// (the spec's `hh:mm:ss`; frictionless-py refuses `08:00Z`), fraction optional, offset `Z`,
/// `±HH:MM`, `±HHMM`, `±HH` or none. Format `any` also reads times without seconds.
pub(crate) fn parse_iso_datetime(b: &[u8]) -> Option<(NaiveDateTime, Option<i32>)> {
    parse_iso_datetime_with(b, true)
}

fn parse_iso_datetime_with(b: &[u8], need_seconds: bool) -> Option<(NaiveDateTime, Option<i32>)> {
    if b.len() < 16 || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let date = parse_iso_date(&b[..10])?;
    let (time, used) = parse_iso_time_prefix(&b[11..], need_seconds)?;
    let offset = parse_offset(&b[11 + used..])?;
    Some((date.and_time(time), offset))
}

/// What follows an ISO time: nothing (`Some(None)`), or an offset `Z`, `±HH:MM`, `±HHMM`
/// or `±HH` in seconds; `None` for anything else.
fn parse_offset(rest: &[u8]) -> Option<Option<i32>> {
    Some(match rest {
        [] => None,
        [b'Z'] | [b'z'] => Some(0),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2] => (digits2(&[*h1, *h2])?, 0),
                [h1, h2, m1, m2] => (digits2(&[*h1, *h2])?, digits2(&[*m1, *m2])?),
                [h1, h2, b':', m1, m2] => (digits2(&[*h1, *h2])?, digits2(&[*m1, *m2])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => return None,
    })
}

fn parse_date(f: &TemporalFormat, s: &str) -> Option<NaiveDate> {
    match f {
        TemporalFormat::Default => parse_iso_date(s.as_bytes()),
        TemporalFormat::Any => parse_iso_date(s.as_bytes()).or_else(|| {
            ANY_DATES
                .iter()
                .find_map(|p| NaiveDate::parse_from_str(s, p).ok())
        }),
        TemporalFormat::Pattern(p) => NaiveDate::parse_from_str(s, p)
            .ok()
            .filter(|d| TemporalFormat::full_year(p, d.year())),
    }
}

/// A time and its UTC offset, if written. The ISO form is `HH:MM:SS[.fraction][offset]`
/// (offset as in [`parse_iso_datetime`]), and `24:00:00` is midnight, as frictionless-py
/// reads times.
fn parse_time(f: &TemporalFormat, s: &str) -> Option<(NaiveTime, Option<i32>)> {
    let iso = |s: &str| {
        let b = s.as_bytes();
        let (t, used) = match parse_iso_time_prefix(b, true) {
            Some(parsed) => parsed,
            None if b.starts_with(b"24:00:00") => (NaiveTime::MIN, 8),
            None => return None,
        };
        Some((t, parse_offset(&b[used..])?))
    };
    match f {
        TemporalFormat::Default => iso(s),
        TemporalFormat::Any => iso(s).or_else(|| {
            ANY_TIMES
                .iter()
                .find_map(|p| NaiveTime::parse_from_str(s, p).ok())
                .map(|t| (t, None))
        }),
        TemporalFormat::Pattern(p) => NaiveTime::parse_from_str(s, p).ok().map(|t| (t, None)),
    }
}

/// `YYYY`: four digits, as the spec's usual lexical form and frictionless-py read a year
/// (`24`, `-1` and `20245` are not years).
fn parse_year(s: &str) -> Option<i32> {
    digits4(s.as_bytes())
}

fn parse_year_month(s: &str) -> Option<(i32, u32)> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let y = digits4(&b[..4])?;
    let m = digits2(&b[5..])?;
    (1..=12).contains(&m).then_some((y, m))
}

fn check_string_format(format: StringFormat, s: &str) -> Result<(), TypeProblem> {
    match format {
        StringFormat::Default => Ok(()),
        StringFormat::Email => is_email(s).then_some(()).ok_or(TypeProblem::Email),
        StringFormat::Uri => is_uri(s).then_some(()).ok_or(TypeProblem::Uri),
        StringFormat::Uuid => is_uuid(s).then_some(()).ok_or(TypeProblem::Uuid),
        StringFormat::Binary => crate::codec::is_base64(s.as_bytes())
            .then_some(())
            .ok_or(TypeProblem::Binary),
    }
}

/// `local@domain.tld`: one `@`, no whitespace, a dot inside the domain, no empty label.
pub(crate) fn is_email(s: &str) -> bool {
    let b = s.as_bytes();
    // Printable ASCII only (no whitespace, no control) is checked without a branch per
    // byte, so that it vectorises; anything else is rare and goes through the char-based
    // check, which refuses whitespace and controls all the same.
    let printable = b
        .iter()
        .fold(true, |ok, &c| ok & (c.wrapping_sub(0x21) < 0x7f - 0x21));
    if !printable {
        return !s.is_ascii() && is_email_unicode(s);
    }
    // Addresses are short: a plain loop beats memchr's setup.
    let Some(at) = b.iter().position(|&c| c == b'@') else {
        return false;
    };
    // The domain in one pass: no second '@', a dot, and no empty label (a dot first, last
    // or after another dot).
    let (mut second_at, mut dot, mut empty_label, mut after_dot) = (false, false, false, true);
    for &c in &b[at + 1..] {
        let is_dot = c == b'.';
        second_at |= c == b'@';
        dot |= is_dot;
        empty_label |= is_dot & after_dot;
        after_dot = is_dot;
    }
    at > 0 && at <= 64 && !second_at && dot && !empty_label && !after_dot
}

fn is_email_unicode(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// `scheme:rest` with an RFC 3986 scheme and no whitespace.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(ty: FieldType) -> ValueParser {
        parser_with(ty, NumberStyle::default())
    }

    fn parser_with(ty: FieldType, style: NumberStyle) -> ValueParser {
        ValueParser::new(
            ty,
            style,
            vec!["true".into(), "1".into()],
            vec!["false".into(), "0".into()],
        )
    }

    #[test]
    fn integers() {
        let p = parser(FieldType::Integer);
        assert_eq!(p.parse("42"), Ok(Value::Integer(42)));
        assert_eq!(p.parse("-7"), Ok(Value::Integer(-7)));
        assert_eq!(p.parse("+007"), Ok(Value::Integer(7)));
        assert_eq!(p.parse("9223372036854775807"), Ok(Value::Integer(i64::MAX)));
        assert_eq!(
            p.parse("-9223372036854775808"),
            Ok(Value::Integer(i64::MIN))
        );
        assert_eq!(
            p.parse("9223372036854775808"),
            Err(TypeProblem::IntegerTooLarge)
        );
        assert_eq!(p.parse(&"9".repeat(40)), Err(TypeProblem::IntegerTooLarge));
        for bad in ["", "-", "1.0", "1e3", " 1", "1 000", "12a", "١٢"] {
            assert_eq!(p.parse(bad), Err(TypeProblem::Integer), "{bad:?}");
        }
        let grouped = parser_with(
            FieldType::Integer,
            NumberStyle {
                group: Some(' '),
                ..NumberStyle::default()
            },
        );
        assert_eq!(grouped.parse("1 000 000"), Ok(Value::Integer(1_000_000)));
        let decorated = parser_with(
            FieldType::Integer,
            NumberStyle {
                bare: false,
                ..NumberStyle::default()
            },
        );
        assert_eq!(decorated.parse("150 €"), Ok(Value::Integer(150)));
        assert_eq!(decorated.parse("€"), Err(TypeProblem::Integer));
    }

    #[test]
    fn numbers() {
        let p = parser(FieldType::Number);
        assert_eq!(p.parse("12.5"), Ok(Value::Number(12.5)));
        assert_eq!(p.parse("-0.25"), Ok(Value::Number(-0.25)));
        assert_eq!(p.parse("1e3"), Ok(Value::Number(1000.0)));
        assert_eq!(p.parse("INF"), Ok(Value::Number(f64::INFINITY)));
        assert!(matches!(p.parse("NaN"), Ok(Value::Number(f)) if f.is_nan()));
        // Non-finite numbers as frictionless-py (Python's Decimal) reads them.
        for (text, x) in [
            ("inf", f64::INFINITY),
            ("+Infinity", f64::INFINITY),
            ("-INF", f64::NEG_INFINITY),
            ("-infinity", f64::NEG_INFINITY),
        ] {
            assert_eq!(p.parse(text), Ok(Value::Number(x)), "{text:?}");
        }
        for text in ["nan", "-NaN", "+NaN", "sNaN"] {
            assert!(
                matches!(p.parse(text), Ok(Value::Number(f)) if f.is_nan()),
                "{text:?}"
            );
        }
        for bad in [
            "", "12,5", "infinit", "nana", "1.2.3", "abc", "--1", ".", "--inf", "in f",
        ] {
            assert_eq!(p.parse(bad), Err(TypeProblem::Number), "{bad:?}");
        }
        let fr = parser_with(
            FieldType::Number,
            NumberStyle {
                decimal: ',',
                group: Some('\u{a0}'),
                ..NumberStyle::default()
            },
        );
        assert_eq!(fr.parse("12,5"), Ok(Value::Number(12.5)));
        assert_eq!(fr.parse("1\u{a0}234,5"), Ok(Value::Number(1234.5)));
        assert_eq!(fr.parse("12.5"), Err(TypeProblem::Number));
        assert_eq!(
            fr.describe(TypeProblem::Number),
            "not a number (decimal \",\")"
        );
        let pct = parser_with(
            FieldType::Number,
            NumberStyle {
                bare: false,
                ..NumberStyle::default()
            },
        );
        assert_eq!(pct.parse("95.5%"), Ok(Value::Number(95.5)));
    }

    #[test]
    fn fast_decimals_give_the_same_bits_as_the_standard_parser() {
        for text in [
            "0.532",
            "-0.001",
            "3.5",
            "12",
            "0.1",
            "0.3",
            "123456789012345",
            "99999.9999999999",
            "1.7976931348623",
            "0.00000000000001",
            "-0",
            "2.675",
            "1.005",
        ] {
            let fast = fast_decimal(text.as_bytes()).expect(text);
            let std: f64 = text.parse().unwrap();
            assert_eq!(fast.to_bits(), std.to_bits(), "{text}");
        }
        for slow in [
            "1e3",
            "0.000000000000001",
            "1234567890123456",
            ".5",
            "5.",
            "+1",
            "1.2.3",
            "",
            "-",
        ] {
            assert_eq!(fast_decimal(slow.as_bytes()), None, "{slow}");
        }
    }

    #[test]
    fn booleans() {
        let p = parser(FieldType::Boolean);
        assert_eq!(p.parse("true"), Ok(Value::Boolean(true)));
        assert_eq!(p.parse("0"), Ok(Value::Boolean(false)));
        assert_eq!(p.parse("yes"), Err(TypeProblem::Boolean));
    }

    #[test]
    fn dates() {
        let p = parser(FieldType::Date(TemporalFormat::Default));
        assert_eq!(
            p.parse("2024-02-29"),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()))
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "01/02/2024",
            "2024-01-01T00:00",
        ] {
            assert_eq!(p.parse(bad), Err(TypeProblem::Date), "{bad:?}");
        }
        assert_eq!(
            p.describe(TypeProblem::Date),
            "not a date (expected YYYY-MM-DD)"
        );
        let fr = parser(FieldType::Date(
            TemporalFormat::pattern("%d/%m/%Y").unwrap(),
        ));
        assert_eq!(
            fr.parse("31/01/2024"),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()))
        );
        assert_eq!(fr.parse("2024-01-31"), Err(TypeProblem::Date));
        // `%Y` is four digits, as in Python's strptime: not year 24.
        assert_eq!(fr.parse("31/01/24"), Err(TypeProblem::Date));
        let frdt = parser(FieldType::DateTime(
            TemporalFormat::pattern("%d/%m/%Y %H:%M").unwrap(),
        ));
        assert_eq!(frdt.parse("31/01/24 08:30"), Err(TypeProblem::DateTime));
        assert!(frdt.parse("31/01/2024 08:30").is_ok());
        assert_eq!(
            fr.describe(TypeProblem::Date),
            "not a date (expected format %d/%m/%Y)"
        );
        let any = parser(FieldType::Date(TemporalFormat::Any));
        assert_eq!(
            any.parse("05/03/2024"),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()))
        );
        assert_eq!(
            any.parse("2024-03-05"),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()))
        );
    }

    #[test]
    fn datetimes() {
        let p = parser(FieldType::DateTime(TemporalFormat::Default));
        let dt = |s: &str| match p.parse(s) {
            Ok(Value::DateTime(d, o)) => Some((d.to_string(), o)),
            _ => None,
        };
        assert_eq!(
            dt("2024-01-15T08:30:00+01:00"),
            Some(("2024-01-15 08:30:00".into(), Some(3600)))
        );
        assert_eq!(
            dt("2024-01-15T08:30:00Z"),
            Some(("2024-01-15 08:30:00".into(), Some(0)))
        );
        assert_eq!(
            dt("2024-01-15 08:30:00"),
            Some(("2024-01-15 08:30:00".into(), None))
        );
        assert_eq!(
            dt("2024-01-15T08:30:00.250-0230"),
            Some(("2024-01-15 08:30:00.250".into(), Some(-9000)))
        );
        for bad in [
            "2024-01-15",
            "2024-01-15T25:00:00",
            "2024-01-15T08:30:00+1",
            "2024-01-15T08:30:00 Z",
            // Seconds are part of the default format (frictionless-py refuses these too).
            "2024-01-15 08:30",
            "2024-01-15T08:30Z",
            "x",
        ] {
            assert_eq!(p.parse(bad), Err(TypeProblem::DateTime), "{bad:?}");
        }
        // Format `any` reads a time without seconds.
        let any = parser(FieldType::DateTime(TemporalFormat::Any));
        assert!(matches!(
            any.parse("2024-01-15T08:30Z"),
            Ok(Value::DateTime(_, Some(0)))
        ));
        let same_instant = p.parse("2024-01-01T01:00:00+01:00").unwrap();
        let utc = p.parse("2024-01-01T00:00:00Z").unwrap();
        assert_eq!(same_instant.key(""), utc.key(""));
        assert_eq!(same_instant.compare(&utc), Some(Ordering::Equal));
        let pat = parser(FieldType::DateTime(
            TemporalFormat::pattern("%d/%m/%Y %H:%M").unwrap(),
        ));
        assert!(matches!(
            pat.parse("15/01/2024 08:30"),
            Ok(Value::DateTime(_, None))
        ));
        let off = parser(FieldType::DateTime(
            TemporalFormat::pattern("%d/%m/%Y %H:%M %z").unwrap(),
        ));
        assert!(matches!(
            off.parse("15/01/2024 08:30 +0100"),
            Ok(Value::DateTime(_, Some(3600)))
        ));
        // `Z` for `%z`, as Python's strptime reads it.
        assert!(matches!(
            off.parse("15/01/2024 08:30 Z"),
            Ok(Value::DateTime(_, Some(0)))
        ));
        assert_eq!(off.parse("15/01/2024 08:30 X"), Err(TypeProblem::DateTime));
    }

    #[test]
    fn times_years_and_months() {
        let t = parser(FieldType::Time(TemporalFormat::Default));
        assert!(t.parse("23:59:59").is_ok());
        assert!(t.parse("23:59").is_err());
        // As frictionless-py reads times: midnight may be 24:00:00, and a UTC offset may
        // follow (it was refused).
        let time = |h, m, s| NaiveTime::from_hms_opt(h, m, s).unwrap();
        assert_eq!(t.parse("24:00:00"), Ok(Value::Time(time(0, 0, 0), None)));
        assert_eq!(
            t.parse("15:00:00Z"),
            Ok(Value::Time(time(15, 0, 0), Some(0)))
        );
        assert_eq!(
            t.parse("15:00:00+03:00"),
            Ok(Value::Time(time(15, 0, 0), Some(10800)))
        );
        for ok in [
            "15:00:00+0300",
            "15:00:00+03",
            "15:00:00.5Z",
            "15:00:00-00:00",
            "15:00:00z",
            "15:00:00,5",
            "15:00:00+23:59",
            "15:00:00.1234567",
            "24:00:00Z",
        ] {
            assert!(t.parse(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "15:00:00 Z",
            "15:00Z",
            "24:00:01",
            "24:00:00.5",
            "15:00:00+24:00",
            "15:00:00+03:60",
            "23:59:60",
            "15:00:00.Z",
            "150000",
        ] {
            assert_eq!(t.parse(bad), Err(TypeProblem::Time), "{bad:?}");
        }
        // Times with offsets compare as instants, as Python compares aware times.
        let (a, b) = (
            t.parse("15:00:00+03:00").unwrap(),
            t.parse("12:00:00Z").unwrap(),
        );
        assert_eq!(a.compare(&b), Some(Ordering::Equal));
        assert_eq!(a.key(""), b.key(""));
        assert_ne!(a.key(""), t.parse("12:00:00").unwrap().key(""));
        let any = parser(FieldType::Time(TemporalFormat::Any));
        assert!(any.parse("08h30").is_ok());
        let y = parser(FieldType::Year);
        assert_eq!(y.parse("2024"), Ok(Value::Year(2024)));
        assert_eq!(y.parse("20x4"), Err(TypeProblem::Year));
        assert_eq!(y.parse("0999"), Ok(Value::Year(999)));
        // Four digits, as frictionless-py reads years.
        for bad in ["0", "24", "-1", "20245", "+2024", " 2024"] {
            assert_eq!(y.parse(bad), Err(TypeProblem::Year), "{bad:?}");
        }
        let ym = parser(FieldType::YearMonth);
        assert_eq!(ym.parse("2024-02"), Ok(Value::YearMonth(2024, 2)));
        assert_eq!(ym.parse("2024-13"), Err(TypeProblem::YearMonth));
    }

    #[test]
    fn string_formats() {
        let email = parser(FieldType::String(StringFormat::Email));
        assert!(email.parse("jeanne.martin@exemple.fr").is_ok());
        for bad in ["jeanne", "@x.fr", "a@b", "a b@c.fr", "a@@b.fr", "a@b..fr"] {
            assert_eq!(email.parse(bad), Err(TypeProblem::Email), "{bad:?}");
        }
        // The ASCII fast path and the char-based check agree on both sides of the line.
        for (text, ok) in [
            ("zoé@exemple.fr", true),
            ("a@exemple.fr\u{7f}", false),
            ("a\t@b.fr", false),
            ("é \u{a0}@b.fr", false),
            ("a@b@c.fr", false),
            ("é@b@c.fr", false),
            (".a@b.fr", true),
            ("a@.b.fr", false),
            ("a@b.fr.", false),
            ("é@b.fr.", false),
            (&format!("{}@b.fr", "a".repeat(65)), false),
            (&format!("{}@b.fr", "a".repeat(64)), true),
        ] {
            assert_eq!(is_email(text), ok, "{text:?}");
        }
        let uri = parser(FieldType::String(StringFormat::Uri));
        assert!(uri.parse("https://exemple.fr/a?b=c").is_ok());
        assert!(uri.parse("mailto:a@b.fr").is_ok());
        assert!(uri.parse("exemple.fr").is_err());
        assert!(uri.parse("1http://x").is_err());
        let uuid = parser(FieldType::String(StringFormat::Uuid));
        assert!(uuid.parse("123e4567-e89b-12d3-a456-426614174000").is_ok());
        assert!(uuid.parse("123e4567e89b12d3a456426614174000").is_err());
        let bin = parser(FieldType::String(StringFormat::Binary));
        assert!(bin.parse("aGVsbG8=").is_ok());
        assert!(bin.parse("not base64!").is_err());
    }

    #[test]
    fn json_values() {
        assert_eq!(
            parser(FieldType::Object).parse(r#"{"a": 1, "b": [2, 3]}"#),
            Ok(Value::Json(Some(2)))
        );
        assert_eq!(
            parser(FieldType::Object).parse("[1]"),
            Err(TypeProblem::Object)
        );
        assert_eq!(
            parser(FieldType::Array).parse("[1, [2, 3]]"),
            Ok(Value::Json(Some(2)))
        );
    }

    #[test]
    fn new_types_parse_and_compare() {
        let d = parser(FieldType::Duration);
        assert_eq!(
            d.parse("P1D").unwrap().key(""),
            d.parse("PT24H").unwrap().key("")
        );
        assert!(
            d.parse("P1D")
                .unwrap()
                .same("", &d.parse("PT24H").unwrap(), "")
        );
        assert!(
            !d.parse("P1M")
                .unwrap()
                .same("", &d.parse("P30D").unwrap(), "")
        );
        assert_eq!(d.parse("P"), Err(TypeProblem::Duration));
        assert_eq!(
            d.describe(TypeProblem::Duration),
            "not an ISO 8601 duration (expected e.g. P1Y2M3DT4H5M6S, PT0.5S, P3W)"
        );
        let g = parser(FieldType::GeoPoint(GeoPointFormat::Default));
        assert_eq!(g.parse("2.35, 48.85"), Ok(Value::GeoPoint(2.35, 48.85)));
        assert_eq!(
            g.parse("-0,0").unwrap().key(""),
            g.parse("0,0").unwrap().key("")
        );
        assert_eq!(g.parse("200,0"), Err(TypeProblem::GeoPoint));
        assert_eq!(
            g.describe(TypeProblem::GeoPoint),
            "not a geopoint (expected \"lon, lat\", lon within ±180 and lat within ±90)"
        );
        let j = parser(FieldType::GeoJson(GeoJsonFormat::Default));
        assert_eq!(
            j.parse(r#"{"type":"Point","coordinates":[1,2]}"#),
            Ok(Value::Json(None))
        );
        assert_eq!(j.parse(r#"{"type":"Point"}"#), Err(TypeProblem::GeoJson));
        let topo = parser(FieldType::GeoJson(GeoJsonFormat::TopoJson));
        assert_eq!(
            topo.parse(r#"{"type":"Point"}"#),
            Err(TypeProblem::TopoJson)
        );
    }

    /// A value is copied per cell and kept per field: the new types did not make it larger.
    #[test]
    fn a_value_stays_24_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }

    #[test]
    fn canonical_keys() {
        let p = parser(FieldType::Integer);
        assert_eq!(
            p.parse("1").unwrap().key("1"),
            p.parse("+01").unwrap().key("+01")
        );
        assert_ne!(
            p.parse("1").unwrap().key("1"),
            p.parse("2").unwrap().key("2")
        );
        let n = parser(FieldType::Number);
        assert_eq!(
            n.parse("0.0").unwrap().key(""),
            n.parse("-0").unwrap().key("")
        );
        assert_ne!(Value::Text.key("a"), Value::Text.key("b"));
    }
}
