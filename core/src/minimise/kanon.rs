//! k-anonymity of the minimised output: the size of the smallest group of people who share
//! the same quasi-identifier values (département, hour, ...).
//!
//! Smart-meter files have many rows per person, so counting rows would flatter the result:
//! when the schema names a `subjectField`, groups count distinct subjects. Memory grows with
//! the number of distinct (group, subject) pairs — 8 bytes each (a 64-bit hash of the pair)
//! plus table overhead — which is bounded by the rows but in practice by people × groups.

use std::collections::{HashMap, HashSet};

use nohash_hasher::BuildNoHashHasher;
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

#[derive(Debug, Default)]
pub(crate) struct KAnonymity {
    /// Hashes of the (group, subject) pairs seen.
    pairs: HashSet<u64, BuildNoHashHasher<u64>>,
    groups: HashMap<u64, u64, BuildNoHashHasher<u64>>,
}

impl KAnonymity {
    /// Counts one row: the minimised values of its quasi-identifiers and its subject.
    pub(crate) fn add<'a>(&mut self, values: impl Iterator<Item = &'a str>, subject: Option<&str>) {
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
        let new = match subject {
            Some(s) => {
                let mut pair = [0u8; 16];
                pair[..8].copy_from_slice(&group.to_le_bytes());
                pair[8..].copy_from_slice(&xxh3_64(s.as_bytes()).to_le_bytes());
                self.pairs.insert(xxh3_64(&pair))
            }
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
