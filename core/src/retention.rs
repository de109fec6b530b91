//! Retention periods: the ISO 8601 durations a schema's `retention` is written in (`P3Y`,
//! `P18M`, `P1Y6M`, `P90D`, `P2W`), and when a period that starts at a given time ends.
//!
//! The arithmetic is the calendar's, as a person reads "3 years": years and months are
//! added to the date (the day clamped to the end of a shorter month: 31 January + 1 month
//! is the last day of February), then weeks and days. Time is always an argument: this
//! module never reads the clock, so `watt lake expire --now` and the tests can ask what
//! is due on any date.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use watt_core::retention::Retention;
//!
//! let p3y = Retention::parse("P3Y")?;
//! let ingested = Utc.with_ymd_and_hms(2024, 2, 29, 10, 0, 0).unwrap();
//! assert_eq!(p3y.end(ingested), Some(Utc.with_ymd_and_hms(2027, 2, 28, 10, 0, 0).unwrap()));
//! // An S3 lifecycle rule counts whole days: the rule never expires an object before its
//! // calendar end, whatever the day it was written.
//! assert_eq!(p3y.max_days(), 1096);
//! # Ok::<(), watt_core::retention::RetentionError>(())
//! ```

use std::fmt;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};

/// A retention period: whole years, months, weeks and days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Retention {
    pub years: u32,
    pub months: u32,
    pub weeks: u32,
    pub days: u32,
}

/// Why a text is not a retention period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retention {0:?} is not an ISO 8601 duration such as P3Y, P18M or P90D")]
pub struct RetentionError(pub String);

/// Longest period accepted, in years of each unit: a retention of more than a thousand
/// years is a typing error, and the arithmetic stays far from chrono's limits.
const MAX_UNITS: u32 = 12_000;

impl Retention {
    /// Parses `P` followed by numbers with the units `Y`, `M`, `W`, `D`, each at most once
    /// and in that order (`P1Y6M`, `P2W`, `P90D`); at least one unit. No time part.
    pub fn parse(text: &str) -> Result<Retention, RetentionError> {
        let bad = || RetentionError(text.to_owned());
        let rest = text.strip_prefix('P').ok_or_else(bad)?;
        let mut r = Retention {
            years: 0,
            months: 0,
            weeks: 0,
            days: 0,
        };
        let mut number: Option<u32> = None;
        // Units must come in this order, each once.
        let mut next_unit = 0;
        let mut units = 0;
        for c in rest.chars() {
            if let Some(d) = c.to_digit(10) {
                let n = number
                    .unwrap_or(0)
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(d));
                number = Some(n.filter(|n| *n <= MAX_UNITS).ok_or_else(bad)?);
                continue;
            }
            let n = number.take().ok_or_else(bad)?;
            let (slot, order) = match c {
                'Y' => (&mut r.years, 1),
                'M' => (&mut r.months, 2),
                'W' => (&mut r.weeks, 3),
                'D' => (&mut r.days, 4),
                _ => return Err(bad()),
            };
            if order <= next_unit {
                return Err(bad());
            }
            next_unit = order;
            *slot = n;
            units += 1;
        }
        if number.is_some() || units == 0 {
            return Err(bad());
        }
        Ok(r)
    }

    /// When a period that starts at `start` ends; `None` past the calendar's range.
    pub fn end(&self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let months = self.years.checked_mul(12)?.checked_add(self.months)?;
        let days = u64::from(self.weeks) * 7 + u64::from(self.days);
        start
            .checked_add_months(Months::new(months))?
            .checked_add_days(Days::new(days))
    }

    /// The most whole days the period lasts, whatever day it starts: 1096 for `P3Y` (a
    /// leap day may fall in any 3 years), 31 for `P1M`. A store's lifecycle rule, which
    /// counts days, set to this never deletes before the period ends. Found by trying every
    /// start day of the Gregorian calendar's 400-year cycle, which repeats.
    pub fn max_days(&self) -> u64 {
        let Some(first) = NaiveDate::from_ymd_opt(2000, 1, 1) else {
            return 0;
        };
        (0..146_097u64)
            .filter_map(|offset| {
                let start = first.checked_add_days(Days::new(offset))?;
                let end = self.end(start.and_hms_opt(0, 0, 0)?.and_utc())?;
                u64::try_from((end.date_naive() - start).num_days()).ok()
            })
            .max()
            .unwrap_or(0)
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P")?;
        for (n, unit) in [
            (self.years, 'Y'),
            (self.months, 'M'),
            (self.weeks, 'W'),
            (self.days, 'D'),
        ] {
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        if self.years + self.months + self.weeks + self.days == 0 {
            f.write_str("0D")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 30, 0).unwrap()
    }

    #[test]
    fn the_durations_of_the_schemas_parse_and_print_back() {
        for text in ["P3Y", "P18M", "P1Y6M", "P90D", "P2W", "P1Y2M3W4D", "P0D"] {
            assert_eq!(Retention::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(
            Retention::parse("P1Y6M").unwrap(),
            Retention {
                years: 1,
                months: 6,
                weeks: 0,
                days: 0
            }
        );
    }

    #[test]
    fn other_texts_are_refused() {
        for text in [
            "", "P", "3Y", "P3", "PY", "P3Y3Y", "P6M1Y", "P1DT2H", "P-1Y", "P1.5Y", "p3y", "P3Y ",
            "P99999Y", "P3 Y",
        ] {
            let err = Retention::parse(text).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("retention {text:?} is not an ISO 8601 duration such as P3Y, P18M or P90D")
            );
        }
    }

    #[test]
    fn periods_end_by_the_calendar() {
        let p = |t| Retention::parse(t).unwrap();
        assert_eq!(p("P3Y").end(at(2024, 1, 15)), Some(at(2027, 1, 15)));
        // A leap day's anniversary is the last day of February.
        assert_eq!(p("P1Y").end(at(2024, 2, 29)), Some(at(2025, 2, 28)));
        assert_eq!(p("P4Y").end(at(2024, 2, 29)), Some(at(2028, 2, 29)));
        // A month after 31 January is the last day of February.
        assert_eq!(p("P1M").end(at(2023, 1, 31)), Some(at(2023, 2, 28)));
        assert_eq!(p("P18M").end(at(2024, 8, 31)), Some(at(2026, 2, 28)));
        // Months first, then days.
        assert_eq!(p("P1M1D").end(at(2023, 1, 31)), Some(at(2023, 3, 1)));
        assert_eq!(p("P2W").end(at(2024, 12, 25)), Some(at(2025, 1, 8)));
        assert_eq!(p("P90D").end(at(2024, 1, 1)), Some(at(2024, 3, 31)));
        assert_eq!(p("P0D").end(at(2024, 1, 1)), Some(at(2024, 1, 1)));
        assert_eq!(
            p("P1D").end(DateTime::<Utc>::MAX_UTC),
            None,
            "past chrono's range"
        );
    }

    #[test]
    fn the_most_days_a_period_lasts() {
        let p = |t| Retention::parse(t).unwrap();
        assert_eq!(p("P3Y").max_days(), 1096);
        assert_eq!(p("P4Y").max_days(), 1461);
        assert_eq!(p("P1Y").max_days(), 366);
        assert_eq!(p("P1M").max_days(), 31);
        assert_eq!(p("P18M").max_days(), 550);
        assert_eq!(p("P90D").max_days(), 90);
        assert_eq!(p("P2W").max_days(), 14);
        // Never shorter than the period from any start.
        for text in ["P3Y", "P1Y6M", "P1M"] {
            let r = p(text);
            for start in [at(2023, 1, 31), at(2024, 2, 29), at(2099, 12, 31)] {
                let end = r.end(start).unwrap();
                assert!((end - start).num_days() as u64 <= r.max_days(), "{text}");
            }
        }
    }
}
