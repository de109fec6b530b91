//! k-anonymity of the minimised output: the size of the smallest group of people who share
//! the same quasi-identifier values (département, hour, ...).
//!
//! Smart-meter files have many rows per person, so counting rows would flatter the result:
//! when the schema names a `subjectField`, groups count distinct subjects. Memory grows with
//! the number of distinct (group, subject) pairs — 16 bytes each plus table overhead — which
//! is bounded by the rows but in practice by people × groups.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

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

#[derive(Debug, Default)]
pub(crate) struct KAnonymity {
    pairs: HashSet<(u64, u64)>,
    groups: HashMap<u64, u64>,
}

impl KAnonymity {
    /// Counts one row: the minimised values of its quasi-identifiers and its subject.
    pub(crate) fn add<'a>(&mut self, values: impl Iterator<Item = &'a str>, subject: Option<&str>) {
        let mut key = Vec::with_capacity(8);
        for v in values {
            key.extend_from_slice(&xxh3_64(v.as_bytes()).to_le_bytes());
        }
        let group = xxh3_64(&key);
        let new = match subject {
            Some(s) => self.pairs.insert((group, xxh3_64(s.as_bytes()))),
            None => true,
        };
        if new {
            *self.groups.entry(group).or_insert(0) += 1;
        }
    }

    pub(crate) fn report(
        &self,
        quasi_identifiers: Vec<String>,
        subject_field: Option<String>,
        threshold: u64,
    ) -> KAnonymityReport {
        let k = self.groups.values().copied().min().unwrap_or(0);
        KAnonymityReport {
            quasi_identifiers,
            subject_field,
            k,
            groups: self.groups.len() as u64,
            threshold,
            groups_below_threshold: self.groups.values().filter(|n| **n < threshold).count() as u64,
            passes: k >= threshold,
        }
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
                k.add(["75", hour].into_iter(), Some(person));
                k.add(["75", hour].into_iter(), Some(person));
            }
        }
        k.add(["13", "00"].into_iter(), Some("d"));
        let r = k.report(
            vec!["postcode".into(), "hour".into()],
            Some("customer".into()),
            3,
        );
        assert_eq!(
            (r.k, r.groups, r.groups_below_threshold, r.passes),
            (1, 3, 1, false)
        );
    }

    #[test]
    fn counts_rows_without_a_subject() {
        let mut k = KAnonymity::default();
        for _ in 0..5 {
            k.add(["x"].into_iter(), None);
        }
        let r = k.report(vec!["q".into()], None, 5);
        assert_eq!((r.k, r.passes), (5, true));
    }

    #[test]
    fn empty() {
        let r = KAnonymity::default().report(vec![], None, 5);
        assert_eq!((r.k, r.groups, r.passes), (0, 0, false));
    }
}
