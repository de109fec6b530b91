//! Generalisation: a value replaced by a coarser one that still means something.
//!
//! Dates and datetimes are truncated (the hour, the day, the month), keeping the field's type
//! and format so the output parses like the input did; numbers are rounded or put in bins;
//! strings keep their first characters (a postcode becomes its département).

use std::fmt::Write;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};

use crate::gdpr::{Generalisation, Granularity};
use crate::schema::FieldType;
use crate::value::{TemporalFormat, Value};

/// Writes the generalised `value` (written `text` in the source) to `out`. Returns `false`
/// when the value cannot be generalised this way (the caller then suppresses it).
pub(crate) fn generalise(
    g: &Generalisation,
    value: &Value,
    text: &str,
    field_type: &FieldType,
    out: &mut String,
) -> bool {
    match (g, value) {
        (Generalisation::Truncate { granularity }, Value::DateTime(dt, offset)) => {
            let truncated = truncate_datetime(*dt, *granularity);
            let format = match field_type {
                FieldType::DateTime(f) => f,
                _ => &TemporalFormat::Default,
            };
            write_datetime(truncated, *offset, format, out)
        }
        (Generalisation::Truncate { granularity }, Value::Date(d)) => {
            let truncated = truncate_date(*d, *granularity);
            match field_type {
                FieldType::Date(TemporalFormat::Pattern(p)) => {
                    write!(out, "{}", truncated.format(p)).is_ok()
                }
                _ => write!(out, "{}", truncated.format("%Y-%m-%d")).is_ok(),
            }
        }
        (Generalisation::Round { decimals }, Value::Number(x)) => {
            write_rounded(*x, *decimals, out);
            true
        }
        (Generalisation::Round { decimals }, Value::Integer(i)) => {
            if *decimals >= 0 {
                write!(out, "{i}").is_ok()
            } else {
                let step = 10i128.pow(decimals.unsigned_abs());
                let i = i128::from(*i);
                let rounded = (i + step / 2 * i.signum()) / step * step;
                write!(out, "{rounded}").is_ok()
            }
        }
        (Generalisation::Bin { width }, Value::Number(x)) => write_bin(*x, *width, out),
        (Generalisation::Bin { width }, Value::Integer(i)) => write_bin(*i as f64, *width, out),
        (Generalisation::Prefix { chars }, Value::Text) => {
            let end = text
                .char_indices()
                .nth(*chars)
                .map_or(text.len(), |(i, _)| i);
            out.push_str(&text[..end]);
            true
        }
        _ => false,
    }
}

fn truncate_date(d: NaiveDate, g: Granularity) -> NaiveDate {
    match g {
        Granularity::Hour | Granularity::Day => d,
        Granularity::Month => d.with_day(1).unwrap_or(d),
        Granularity::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
    }
}

fn truncate_datetime(dt: NaiveDateTime, g: Granularity) -> NaiveDateTime {
    let time = match g {
        Granularity::Hour => NaiveTime::from_hms_opt(dt.hour(), 0, 0).unwrap_or(NaiveTime::MIN),
        _ => NaiveTime::MIN,
    };
    truncate_date(dt.date(), g).and_time(time)
}

fn write_datetime(
    dt: NaiveDateTime,
    offset: Option<i32>,
    format: &TemporalFormat,
    out: &mut String,
) -> bool {
    match format {
        TemporalFormat::Pattern(p) => match offset.and_then(FixedOffset::east_opt) {
            Some(o) => match o.from_local_datetime(&dt).single() {
                Some(with_offset) => write!(out, "{}", with_offset.format(p)).is_ok(),
                None => false,
            },
            None => write!(out, "{}", dt.format(p)).is_ok(),
        },
        _ => {
            // ISO 8601 written by hand: this runs on every row of a load curve.
            let ok = match u32::try_from(dt.year()) {
                Ok(y) if y <= 9999 => {
                    push_digits(out, y, 4);
                    out.push('-');
                    push_digits(out, dt.month(), 2);
                    out.push('-');
                    push_digits(out, dt.day(), 2);
                    out.push('T');
                    push_digits(out, dt.hour(), 2);
                    out.push(':');
                    push_digits(out, dt.minute(), 2);
                    out.push(':');
                    push_digits(out, dt.second(), 2);
                    true
                }
                _ => write!(out, "{}", dt.format("%Y-%m-%dT%H:%M:%S")).is_ok(),
            };
            match offset {
                None => {}
                Some(0) => out.push('Z'),
                Some(o) => {
                    out.push(if o < 0 { '-' } else { '+' });
                    let o = o.unsigned_abs();
                    push_digits(out, o / 3600, 2);
                    out.push(':');
                    push_digits(out, o % 3600 / 60, 2);
                }
            }
            ok
        }
    }
}

/// Writes `n` with exactly `width` digits (zero-padded; `n` must fit).
fn push_digits(out: &mut String, n: u32, width: u32) {
    let mut scale = 10u32.pow(width - 1);
    while scale > 0 {
        out.push(char::from(b'0' + (n / scale % 10) as u8));
        scale /= 10;
    }
}

/// Rounds to `decimals` places (negative: tens, hundreds...) and writes with exactly that
/// many decimals, so equal values are written identically.
fn write_rounded(x: f64, decimals: i32, out: &mut String) {
    if !x.is_finite() {
        out.push_str(if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "INF"
        } else {
            "-INF"
        });
        return;
    }
    let scale = 10f64.powi(decimals);
    let mut rounded = (x * scale).round() / scale;
    if rounded == 0.0 {
        rounded = 0.0; // no "-0"
    }
    let places = usize::try_from(decimals.max(0)).unwrap_or(0);
    let _ = write!(out, "{rounded:.places$}");
}

/// `[lo,hi)`, the bin of width `width` (bins start at 0) that holds `x`.
fn write_bin(x: f64, width: f64, out: &mut String) -> bool {
    if !x.is_finite() {
        return false;
    }
    let lo = (x / width).floor() * width;
    let hi = lo + width;
    // Round away binary noise (0.1 * 3 = 0.30000000000000004) before writing.
    let clean = |v: f64| {
        let v = (v * 1e9).round() / 1e9;
        if v == 0.0 { 0.0 } else { v }
    };
    write!(out, "[{},{})", clean(lo), clean(hi)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{NumberStyle, ValueParser};

    fn run(g: Generalisation, ty: FieldType, text: &str) -> Option<String> {
        let parser = ValueParser::new(ty.clone(), NumberStyle::default(), vec![], vec![]);
        let value = parser.parse(text).ok()?;
        let mut out = String::new();
        generalise(&g, &value, text, &ty, &mut out).then_some(out)
    }

    fn dt(g: Granularity, text: &str) -> Option<String> {
        run(
            Generalisation::Truncate { granularity: g },
            FieldType::DateTime(TemporalFormat::Default),
            text,
        )
    }

    #[test]
    fn datetimes_truncate_and_keep_their_offset() {
        let t = "2024-01-15T08:47:13.250+01:00";
        assert_eq!(
            dt(Granularity::Hour, t).as_deref(),
            Some("2024-01-15T08:00:00+01:00")
        );
        assert_eq!(
            dt(Granularity::Day, t).as_deref(),
            Some("2024-01-15T00:00:00+01:00")
        );
        assert_eq!(
            dt(Granularity::Month, t).as_deref(),
            Some("2024-01-01T00:00:00+01:00")
        );
        assert_eq!(
            dt(Granularity::Year, t).as_deref(),
            Some("2024-01-01T00:00:00+01:00")
        );
        assert_eq!(
            dt(Granularity::Hour, "2024-06-01 23:59:00").as_deref(),
            Some("2024-06-01T23:00:00")
        );
        assert_eq!(
            dt(Granularity::Hour, "2024-06-01T23:59:00Z").as_deref(),
            Some("2024-06-01T23:00:00Z")
        );
        assert_eq!(
            dt(Granularity::Hour, "2024-06-01T23:59:00-02:30").as_deref(),
            Some("2024-06-01T23:00:00-02:30")
        );
    }

    #[test]
    fn patterned_datetimes_keep_their_pattern() {
        let ty = FieldType::DateTime(TemporalFormat::pattern("%d/%m/%Y %H:%M").unwrap());
        assert_eq!(
            run(
                Generalisation::Truncate {
                    granularity: Granularity::Hour
                },
                ty,
                "15/01/2024 08:47"
            )
            .as_deref(),
            Some("15/01/2024 08:00")
        );
    }

    #[test]
    fn dates_truncate_to_month_or_year() {
        let g = |gr| Generalisation::Truncate { granularity: gr };
        let d = FieldType::Date(TemporalFormat::Default);
        assert_eq!(
            run(g(Granularity::Month), d.clone(), "1984-07-23").as_deref(),
            Some("1984-07-01")
        );
        assert_eq!(
            run(g(Granularity::Year), d, "1984-07-23").as_deref(),
            Some("1984-01-01")
        );
        let fr = FieldType::Date(TemporalFormat::pattern("%d/%m/%Y").unwrap());
        assert_eq!(
            run(g(Granularity::Month), fr, "23/07/1984").as_deref(),
            Some("01/07/1984")
        );
    }

    #[test]
    fn numbers_round_and_bin() {
        let r = |d, t| run(Generalisation::Round { decimals: d }, FieldType::Number, t);
        assert_eq!(r(1, "12.345").as_deref(), Some("12.3"));
        assert_eq!(r(0, "12.5").as_deref(), Some("13"));
        assert_eq!(r(-1, "1234.5").as_deref(), Some("1230"));
        assert_eq!(r(2, "-0.001").as_deref(), Some("0.00"));
        let ri = |d, t| run(Generalisation::Round { decimals: d }, FieldType::Integer, t);
        assert_eq!(ri(-2, "1250").as_deref(), Some("1300"));
        assert_eq!(ri(-2, "-1249").as_deref(), Some("-1200"));
        let b = |w, t| run(Generalisation::Bin { width: w }, FieldType::Number, t);
        assert_eq!(b(0.5, "1.26").as_deref(), Some("[1,1.5)"));
        assert_eq!(b(0.1, "0.35").as_deref(), Some("[0.3,0.4)"));
        assert_eq!(b(10.0, "-3").as_deref(), Some("[-10,0)"));
        assert_eq!(b(10.0, "INF"), None);
    }

    #[test]
    fn strings_keep_a_prefix() {
        let p = |n, t| {
            run(
                Generalisation::Prefix { chars: n },
                FieldType::String(crate::schema::StringFormat::Default),
                t,
            )
        };
        assert_eq!(p(2, "75011").as_deref(), Some("75"));
        assert_eq!(p(2, "2A004").as_deref(), Some("2A"));
        assert_eq!(p(3, "Évry").as_deref(), Some("Évr"));
        assert_eq!(p(10, "short").as_deref(), Some("short"));
    }

    #[test]
    fn mismatched_values_are_refused() {
        let mut out = String::new();
        assert!(!generalise(
            &Generalisation::Truncate {
                granularity: Granularity::Hour
            },
            &Value::Text,
            "x",
            &FieldType::Any,
            &mut out
        ));
    }
}
