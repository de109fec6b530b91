//! When an object of the lake, and each of its columns, is due to go.
//!
//! An object's retention starts when it was ingested (its manifest's time, which a
//! rewrite keeps). The object goes when the dataset's retention ends. A column whose own
//! retention ends sooner goes on its own first: the object is rewritten without it. A
//! retention that is not declared never ends: the object is kept until a person decides,
//! and `watt lake ls` shows it without an end.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use watt_core::lake::schedule::{Due, Schedule};
//! use watt_core::retention::Retention;
//!
//! let ingested = Utc.with_ymd_and_hms(2024, 1, 15, 8, 0, 0).unwrap();
//! let p = |t| Retention::parse(t).unwrap();
//! let schedule = Schedule::new(ingested, Some(p("P3Y")), [("comment", p("P1Y")), ("kwh", p("P3Y"))]);
//! let at = |y| Utc.with_ymd_and_hms(y, 6, 1, 0, 0, 0).unwrap();
//! assert!(matches!(schedule.due(at(2024)), Due::Kept { .. }));
//! assert_eq!(schedule.due(at(2025)), Due::Columns { columns: vec!["comment".into()] });
//! assert!(matches!(schedule.due(at(2027)), Due::Expired { .. }));
//! ```

use chrono::{DateTime, Utc};

use crate::retention::Retention;

/// The ends of an object's retention and of its columns'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// When the object goes (`None`: no retention declared, or past the calendar).
    pub object_end: Option<DateTime<Utc>>,
    /// Columns that go before the object, with their end, in end order.
    pub columns: Vec<(String, DateTime<Utc>)>,
}

/// What is due at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Nothing: the next end, if any.
    Kept { next: Option<DateTime<Utc>> },
    /// These columns' retention has ended, not the object's: rewrite it without them.
    Columns { columns: Vec<String> },
    /// The object's retention has ended: delete it and its manifest.
    Expired { end: DateTime<Utc> },
}

impl Schedule {
    /// The schedule of an object ingested at `start`, under the dataset's retention and
    /// each column's own (columns without one follow the dataset).
    pub fn new<'a>(
        start: DateTime<Utc>,
        dataset: Option<Retention>,
        columns: impl IntoIterator<Item = (&'a str, Retention)>,
    ) -> Schedule {
        let object_end = dataset.and_then(|r| r.end(start));
        let mut early: Vec<(String, DateTime<Utc>)> = columns
            .into_iter()
            .filter_map(|(name, r)| Some((name.to_owned(), r.end(start)?)))
            .filter(|(_, end)| object_end.is_none_or(|o| *end < o))
            .collect();
        early.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Schedule {
            object_end,
            columns: early,
        }
    }

    /// What is due at `now` (an end is due from the instant it is reached).
    pub fn due(&self, now: DateTime<Utc>) -> Due {
        if let Some(end) = self.object_end.filter(|end| *end <= now) {
            return Due::Expired { end };
        }
        let columns: Vec<String> = self
            .columns
            .iter()
            .filter(|(_, end)| *end <= now)
            .map(|(name, _)| name.clone())
            .collect();
        if !columns.is_empty() {
            return Due::Columns { columns };
        }
        let next = self
            .columns
            .iter()
            .map(|(_, end)| *end)
            .chain(self.object_end)
            .min();
        Due::Kept { next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn p(t: &str) -> Retention {
        Retention::parse(t).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn an_object_goes_the_instant_its_retention_ends() {
        let start = day(2024, 1, 15);
        let s = Schedule::new(start, Some(p("P3Y")), []);
        assert_eq!(s.object_end, Some(day(2027, 1, 15)));
        assert_eq!(
            s.due(day(2027, 1, 15) - chrono::Duration::seconds(1)),
            Due::Kept {
                next: Some(day(2027, 1, 15))
            }
        );
        assert_eq!(
            s.due(day(2027, 1, 15)),
            Due::Expired {
                end: day(2027, 1, 15)
            }
        );
    }

    #[test]
    fn columns_that_end_first_go_first_and_the_others_follow_the_object() {
        let start = day(2024, 1, 15);
        let s = Schedule::new(
            start,
            Some(p("P3Y")),
            [
                ("comment", p("P1Y")),
                ("postcode", p("P18M")),
                ("kwh", p("P3Y")),
                ("prm", p("P5Y")),
            ],
        );
        assert_eq!(
            s.columns,
            [
                ("comment".to_owned(), day(2025, 1, 15)),
                ("postcode".to_owned(), day(2025, 7, 15))
            ]
        );
        assert_eq!(
            s.due(day(2025, 3, 1)),
            Due::Columns {
                columns: vec!["comment".into()]
            }
        );
        assert_eq!(
            s.due(day(2025, 8, 1)),
            Due::Columns {
                columns: vec!["comment".into(), "postcode".into()]
            }
        );
        assert!(matches!(s.due(day(2030, 1, 1)), Due::Expired { .. }));
    }

    #[test]
    fn without_a_dataset_retention_only_columns_end() {
        let s = Schedule::new(day(2024, 1, 1), None, [("comment", p("P1Y"))]);
        assert_eq!(s.object_end, None);
        assert_eq!(
            s.due(day(2024, 6, 1)),
            Due::Kept {
                next: Some(day(2025, 1, 1))
            }
        );
        assert_eq!(
            s.due(day(2099, 1, 1)),
            Due::Columns {
                columns: vec!["comment".into()]
            }
        );
        let none = Schedule::new(day(2024, 1, 1), None, []);
        assert_eq!(none.due(day(2999, 1, 1)), Due::Kept { next: None });
    }
}
