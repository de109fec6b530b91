//! k-anonymity of the minimised output: the size of the smallest group of people who share
//! the same quasi-identifier values (département, hour, ...).
//!
//! Smart-meter files have many rows per person, so counting rows would flatter the result:
//! when the schema names a `subjectField`, groups count distinct subjects. Each row adds a
//! (group, subject) pair of 64-bit hashes to a `PairLog` (16 bytes; spilled to the shell's
//! temporary file past its budget, so memory does not grow with the file); at the end the
//! pairs come back sorted, and one pass counts the distinct subjects of each group.
//! Without a subject field the second half is the row's number: every row counts.

use crate::pairs::{PairLog, SpillConfig};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// The k-anonymity measured on the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KAnonymityReport {
    /// Quasi-identifier fields kept in the output (their minimised values form the groups).
    pub quasi_identifiers: Vec<String>,
    /// What a group counts: distinct values of this field, or rows when `None`.
    pub subject_field: Option<String>,
    /// Size of the smallest group (0 when there were no rows).
    pub k: u64,
    pub groups: u64,
    pub threshold: u64,
    pub groups_below_threshold: u64,
    /// Whether k reaches the threshold.
    pub passes: bool,
}

#[derive(Debug)]
pub(crate) struct KAnonymity {
    pairs: PairLog,
    /// Why pairs merged from another count were lost (they could not be read back).
    lost: Option<String>,
}

impl Default for KAnonymity {
    fn default() -> Self {
        KAnonymity::new(None)
    }
}

impl KAnonymity {
    pub(crate) fn new(spill: Option<SpillConfig>) -> KAnonymity {
        KAnonymity {
            pairs: PairLog::new(spill),
            lost: None,
        }
    }

    /// Counts data row number `row` (from 1, in the whole file): the minimised values of its
    /// quasi-identifiers and its subject.
    pub(crate) fn add<'a>(
        &mut self,
        values: impl Iterator<Item = &'a str>,
        subject: Option<&str>,
        row: u64,
    ) {
        // One-shot hashing of a stack buffer: cheaper than a streaming hasher's set-up.
        let mut buf = [0u8; 8 * 16];
        let mut n = 0;
        let mut overflow: Option<Xxh3> = None;
        for v in values {
            if n == buf.len() {
                overflow.get_or_insert_with(Xxh3::new).update(&buf);
                n = 0;
            }
            buf[n..n + 8].copy_from_slice(&xxh3_64(v.as_bytes()).to_le_bytes());
            n += 8;
        }
        let group = match overflow {
            None => xxh3_64(&buf[..n]),
            Some(mut h) => {
                h.update(&buf[..n]);
                h.digest()
            }
        };
        // Rows without a subject count one each: their number is their own "subject".
        let second = subject.map_or(row, |s| xxh3_64(s.as_bytes()));
        self.pairs.push(group, second);
    }

    /// Adds the rows another count saw (another thread's share of the same file).
    pub(crate) fn merge(&mut self, other: KAnonymity) {
        if let Some(e) = other.lost {
            self.lost.get_or_insert(e);
        }
        if let Err(e) = self.pairs.absorb(other.pairs) {
            self.lost.get_or_insert(e);
        }
    }

    /// The measure; an error means the spill could not be read back.
    pub(crate) fn report(
        self,
        quasi_identifiers: Vec<String>,
        subject_field: Option<String>,
        threshold: u64,
    ) -> Result<KAnonymityReport, String> {
        if let Some(e) = self.lost {
            return Err(e);
        }
        let (mut k, mut groups, mut below) = (u64::MAX, 0u64, 0u64);
        // The group being counted: its hash, the last subject seen, distinct subjects.
        let mut current: Option<(u64, u64, u64)> = None;
        let mut close = |size: u64| {
            groups += 1;
            k = k.min(size);
            below += u64::from(size < threshold);
        };
        self.pairs
            .for_each_sorted(|group, subject| match &mut current {
                Some((g, last, n)) if *g == group => {
                    if *last != subject {
                        *last = subject;
                        *n += 1;
                    }
                }
                _ => {
                    if let Some((_, _, n)) = current {
                        close(n);
                    }
                    current = Some((group, subject, 1));
                }
            })?;
        if let Some((_, _, n)) = current {
            close(n);
        }
        let k = if groups == 0 { 0 } else { k };
        Ok(KAnonymityReport {
            quasi_identifiers,
            subject_field,
            k,
            groups,
            threshold,
            groups_below_threshold: below,
            passes: k >= threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_subjects_not_rows() {
        let mut k = KAnonymity::default();
        for hour in ["00", "01"] {
            for person in ["a", "b", "c"] {
                // Two readings per person and hour: rows would say 6, people say 3.
                k.add(["75", hour].into_iter(), Some(person), 0);
                k.add(["75", hour].into_iter(), Some(person), 0);
            }
        }
        k.add(["13", "00"].into_iter(), Some("d"), 0);
        let r = k
            .report(
                vec!["postcode".into(), "hour".into()],
                Some("customer".into()),
                3,
            )
            .unwrap();
        assert_eq!(
            (r.k, r.groups, r.groups_below_threshold, r.passes),
            (1, 3, 1, false)
        );
    }

    #[test]
    fn counts_rows_without_a_subject() {
        let mut k = KAnonymity::default();
        for row in 1..=5 {
            k.add(["x"].into_iter(), None, row);
        }
        let r = k.report(vec!["q".into()], None, 5).unwrap();
        assert_eq!((r.k, r.passes), (5, true));
    }

    #[test]
    fn two_halves_merged_count_as_the_whole() {
        let rows: Vec<(&str, Option<&str>)> = (0..40)
            .map(|i| {
                (
                    ["75", "13", "69"][i % 3],
                    [Some("a"), Some("b"), None][i % 3 / 2 + i % 2],
                )
            })
            .collect();
        let whole = {
            let mut k = KAnonymity::default();
            for (row, (q, s)) in (1..).zip(&rows) {
                k.add([*q].into_iter(), *s, row);
            }
            k.report(vec!["q".into()], None, 3).unwrap()
        };
        let (mut even, mut odd) = (KAnonymity::default(), KAnonymity::default());
        for (row, (q, s)) in (1..).zip(&rows) {
            let half = if row % 2 == 0 { &mut even } else { &mut odd };
            half.add([*q].into_iter(), *s, row);
        }
        even.merge(odd);
        assert_eq!(even.report(vec!["q".into()], None, 3).unwrap(), whole);
        assert!(whole.k > 1);
    }

    #[test]
    fn empty() {
        let r = KAnonymity::default().report(vec![], None, 5).unwrap();
        assert_eq!((r.k, r.groups, r.passes), (0, 0, false));
    }
}
