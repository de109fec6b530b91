//! Sets of seen keys for `unique` and `primaryKey` checks.
//!
//! These sets are the one part of a check whose memory grows with the file: they must
//! remember every key seen. To keep them compact each key is stored as a 64-bit hash of its
//! canonical value (see [`crate::value::Value::key`]) with the row it was first seen on:
//! 16 bytes per row and per checked column, plus the hash table's slack (about 2× at worst),
//! so one million rows cost about 32 MB per unique column.
//!
//! Two different keys share a hash with probability 2⁻⁶⁴ per pair; over n rows the chance of
//! any false duplicate is about n²/2⁶⁵: 3·10⁻⁸ for one million rows, 3·10⁻⁴ for a hundred
//! million. A false duplicate would show as a `unique-error` naming both rows, so it can be
//! checked by eye; a true duplicate is never missed.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use nohash_hasher::BuildNoHashHasher;
use xxhash_rust::xxh3::Xxh3;

/// Keys seen so far, each with the row it was first seen on.
#[derive(Debug, Default)]
pub(crate) struct KeySet {
    seen: HashMap<u64, u64, BuildNoHashHasher<u64>>,
}

impl KeySet {
    /// Makes room for `more` keys.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.seen.reserve(more);
    }

    /// Records `key` at `row`; returns the earlier row when the key was already seen.
    pub(crate) fn insert(&mut self, key: u64, row: u64) -> Option<u64> {
        match self.seen.entry(key) {
            Entry::Occupied(e) => Some(*e.get()),
            Entry::Vacant(v) => {
                v.insert(row);
                None
            }
        }
    }
}

/// Combines the keys of the cells of a composite key into one.
pub(crate) fn combine(keys: impl Iterator<Item = u64>) -> u64 {
    // One-shot hashing of a stack buffer: the streaming hasher's state (with its copy of
    // the secret) costs more to set up than hashing a few words.
    let mut buf = [0u8; 64];
    let mut n = 0;
    let mut h: Option<Xxh3> = None;
    for k in keys {
        if n == buf.len() {
            h.get_or_insert_with(Xxh3::new).update(&buf);
            n = 0;
        }
        buf[n..n + 8].copy_from_slice(&k.to_le_bytes());
        n += 8;
    }
    match h {
        None => xxhash_rust::xxh3::xxh3_64(&buf[..n]),
        Some(mut h) => {
            h.update(&buf[..n]);
            h.digest()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_first_row() {
        let mut s = KeySet::default();
        assert_eq!(s.insert(7, 2), None);
        assert_eq!(s.insert(8, 3), None);
        assert_eq!(s.insert(7, 4), Some(2));
        assert_eq!(s.insert(7, 5), Some(2));
    }

    #[test]
    fn combination_depends_on_order() {
        assert_ne!(combine([1, 2].into_iter()), combine([2, 1].into_iter()));
        assert_eq!(combine([1, 2].into_iter()), combine([1, 2].into_iter()));
    }
}
