//! Sets of seen keys for `unique` and `primaryKey` checks.
//!
//! These sets are the one part of a check whose memory grows with the file: they must
//! remember every key seen. To keep them compact each key is stored as a 64-bit hash of its
//! canonical value (see [`crate::value::Value::key`]) with its row: 16 bytes per row and per
//! checked column, plus about 3 bytes of where the row starts (delta-coded), plus the
//! vectors' growth slack (none when the input's size is known, up to 2× otherwise).
//!
//! Two different keys share a hash with probability 2⁻⁶⁴ per pair; over n rows the chance of
//! any false duplicate is about n²/2⁶⁵: 3·10⁻⁸ for one million rows, 3·10⁻⁴ for a hundred
//! million. A false duplicate would show as a `unique-error` naming both rows, so it can be
//! checked by eye; a true duplicate is never missed.
//!
//! # Why duplicates are found at the end
//!
//! A hash set probed once per row misses the CPU cache on every probe once it outgrows it
//! (a few hundred thousand rows): on a 110 MB file that was a fifth of the check's time.
//! Instead, keys go to a [`PairLog`] (appended, sorted at the end, spilled to the shell's
//! temporary file past a memory budget) and repeats are found in one sorted pass. Findings
//! are the same; they are merged into the report in row order by
//! [`crate::report::Findings::merge_deferred`].

use crate::pairs::{PairLog, SpillConfig};
use xxhash_rust::xxh3::Xxh3;

/// Most marks kept in memory before they are written to the spill (less when the spill's
/// budget is smaller).
const MARK_BLOCK: usize = 1 << 20;

/// A repeated key: the row it repeats on, where the finding points, the row where the
/// key was first seen, and the cell's text when the set keeps values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub row: u64,
    pub byte: u64,
    pub first: u64,
    pub text: Option<String>,
}

/// The repeats of a set: how many, and the first ones in row order.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Duplicates {
    pub total: u64,
    pub first: Vec<Duplicate>,
}

/// Keys seen so far, each with its row and the byte its finding would point at.
#[derive(Debug)]
pub(crate) struct KeySet {
    keys: PairLog,
    /// `(row, byte)` of every insert, in order, as LEB128 deltas from the previous insert:
    /// read back only for the few repeats a report shows.
    marks: Vec<u8>,
    /// Blocks of marks already written to the spill: (offset, length).
    mark_blocks: Vec<(u64, usize)>,
    spill: Option<SpillConfig>,
    last_row: u64,
    last_byte: u64,
    /// Whether each insert's cell text is kept in `marks` too (`--show-values` only).
    values: bool,
    /// The first error writing marks out (they then stay in memory).
    spill_failed: bool,
    /// Marks kept in memory before they are written out.
    mark_block: usize,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet::new(false, None)
    }
}

impl KeySet {
    /// An empty set; with `values`, each insert's text is kept to show it in findings
    /// (memory then grows with the text too: only when values were asked for).
    pub(crate) fn new(values: bool, spill: Option<SpillConfig>) -> KeySet {
        let mark_block = spill
            .as_ref()
            .map_or(usize::MAX, |s| s.budget_bytes.clamp(4096, MARK_BLOCK));
        KeySet {
            keys: PairLog::new(spill.clone()),
            marks: Vec::new(),
            mark_blocks: Vec::new(),
            spill,
            last_row: 0,
            last_byte: 0,
            values,
            spill_failed: false,
            mark_block,
        }
    }

    /// Makes room for `more` keys.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.keys.reserve(more);
        let marks = if self.spill.is_some() {
            MARK_BLOCK
        } else {
            more.saturating_mul(3)
        };
        self.marks.reserve(marks);
    }

    /// Records `key` at `row`, whose finding would point at `byte` (and show `text`, if
    /// the set keeps values). Rows come in increasing order.
    pub(crate) fn insert(&mut self, key: u64, row: u64, byte: u64, text: &str) {
        self.keys.push(key, row);
        push_varint(&mut self.marks, row.wrapping_sub(self.last_row));
        push_varint(&mut self.marks, byte.wrapping_sub(self.last_byte));
        if self.values {
            push_varint(&mut self.marks, text.len() as u64);
            self.marks.extend_from_slice(text.as_bytes());
        }
        self.last_row = row;
        self.last_byte = byte;
        if self.marks.len() >= self.mark_block && !self.spill_failed {
            self.spill_marks();
        }
    }

    fn spill_marks(&mut self) {
        let Some(spill) = &self.spill else {
            return;
        };
        match spill.append(&self.marks) {
            Ok(offset) => {
                self.mark_blocks.push((offset, self.marks.len()));
                self.marks.clear();
            }
            Err(_) => self.spill_failed = true,
        }
    }

    /// Every row whose key was seen on an earlier row: counted all, the first `keep` (in
    /// row order) returned with the row of the key's first occurrence. An error means the
    /// spill could not be read back.
    pub(crate) fn finish(mut self, keep: usize) -> Result<Duplicates, String> {
        let mut firsts = Firsts::new(keep);
        let mut group: Option<(u64, u64)> = None;
        self.take_keys().for_each_sorted(|key, row| match group {
            Some((k, first)) if k == key => firsts.add(row, first),
            _ => group = Some((key, row)),
        })?;
        let total = firsts.total;
        let first = self.locate(firsts.into_sorted())?;
        Ok(Duplicates { total, first })
    }

    /// Records a key of the referenced side of a foreign key (see [`super::foreign`]): it
    /// has no row of its own (row 0, which sorts before every row of the same key) and no
    /// mark.
    pub(crate) fn insert_referenced(&mut self, key: u64) {
        self.keys.push(key, 0);
    }

    /// Takes in referenced keys collected from another table's rows.
    pub(crate) fn absorb_referenced(&mut self, keys: PairLog) -> Result<(), String> {
        self.keys.absorb(keys)
    }

    /// Every row whose key is not among the referenced keys: counted all, the first `keep`
    /// (in row order) returned (`first` is 0: there is no earlier row to name).
    pub(crate) fn finish_unmatched(mut self, keep: usize) -> Result<Duplicates, String> {
        let mut firsts = Firsts::new(keep);
        // The current key, and whether it is referenced (its row-0 pairs come first).
        let mut group: Option<(u64, bool)> = None;
        self.take_keys().for_each_sorted(|key, row| {
            let referenced = match group {
                Some((k, referenced)) if k == key => referenced,
                _ => {
                    group = Some((key, row == 0));
                    row == 0
                }
            };
            if !referenced {
                firsts.add(row, 0);
            }
        })?;
        let total = firsts.total;
        let first = self.locate(firsts.into_sorted())?;
        Ok(Duplicates { total, first })
    }

    /// The keys, to be read back once; the marks stay.
    fn take_keys(&mut self) -> PairLog {
        std::mem::replace(&mut self.keys, PairLog::new(None))
    }

    /// Reads the marks back to find where each of `wanted`'s rows (`(row, first)`, in row
    /// order, each an insert's row) starts, and its text.
    fn locate(self, wanted: Vec<(u64, u64)>) -> Result<Vec<Duplicate>, String> {
        let mut first = Vec::with_capacity(wanted.len());
        let mut wanted = wanted.into_iter().peekable();
        let mut marks = Marks {
            at: 0,
            row: 0,
            byte: 0,
            text: None,
            values: self.values,
        };
        let mut block = Vec::new();
        let blocks = self.mark_blocks.iter().map(Some).chain([None]);
        for stored in blocks {
            if wanted.peek().is_none() {
                break;
            }
            let bytes: &[u8] = match (stored, &self.spill) {
                (Some(&(offset, len)), Some(spill)) => {
                    block.resize(len, 0);
                    spill.read_at(offset, &mut block)?;
                    &block
                }
                (Some(_), None) => return Err("marks written without a spill".into()),
                (None, _) => &self.marks,
            };
            marks.at = 0;
            while let Some(&(dup_row, first_row)) = wanted.peek() {
                if marks.row == dup_row && marks.at > 0 {
                    first.push(Duplicate {
                        row: dup_row,
                        byte: marks.byte,
                        first: first_row,
                        text: marks
                            .text
                            .take()
                            .and_then(|r| bytes.get(r))
                            .map(|t| String::from_utf8_lossy(t).into_owned()),
                    });
                    wanted.next();
                } else if !marks.next(bytes) {
                    break;
                }
            }
        }
        Ok(first)
    }
}

/// The rows a finish reports: all counted, the `keep` smallest kept (with the row each
/// names).
struct Firsts {
    total: u64,
    keep: usize,
    /// The `keep` smallest rows, in a max-heap.
    heap: std::collections::BinaryHeap<(u64, u64)>,
}

impl Firsts {
    fn new(keep: usize) -> Firsts {
        Firsts {
            total: 0,
            keep,
            heap: std::collections::BinaryHeap::new(),
        }
    }

    fn add(&mut self, row: u64, first: u64) {
        self.total += 1;
        if self.heap.len() < self.keep {
            self.heap.push((row, first));
        } else if self.heap.peek().is_some_and(|top| row < top.0) {
            self.heap.pop();
            self.heap.push((row, first));
        }
    }

    fn into_sorted(self) -> Vec<(u64, u64)> {
        self.heap.into_sorted_vec()
    }
}

/// Reads the marks back, insert by insert, block by block.
struct Marks {
    /// Position in the current block (0: nothing read from it yet).
    at: usize,
    row: u64,
    byte: u64,
    /// Where the current insert's text is in the current block.
    text: Option<std::ops::Range<usize>>,
    values: bool,
}

impl Marks {
    /// Moves to the next insert of `bytes`; `false` at its end.
    fn next(&mut self, bytes: &[u8]) -> bool {
        let Some((dr, at)) = read_varint(bytes, self.at) else {
            return false;
        };
        let Some((db, mut at)) = read_varint(bytes, at) else {
            return false;
        };
        if self.values {
            let Some((len, start)) = read_varint(bytes, at) else {
                return false;
            };
            let end = start.saturating_add(len as usize).min(bytes.len());
            self.text = Some(start..end);
            at = end;
        }
        self.at = at;
        self.row = self.row.wrapping_add(dr);
        self.byte = self.byte.wrapping_add(db);
        true
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The value at `at` and the position after it.
fn read_varint(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(at)?;
        at += 1;
        v |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some((v, at));
        }
        shift += 7;
    }
}

/// The key of a cell with no value in a primary key (frictionless-py's `None`): equal to
/// itself, so two rows `(1, none)` repeat each other, as they do for frictionless-py.
pub(crate) const NONE: u64 = 0x6e6f_6e65_6e6f_6e65;

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

    fn dup(row: u64, byte: u64, first: u64) -> Duplicate {
        Duplicate {
            row,
            byte,
            first,
            text: None,
        }
    }

    #[test]
    fn repeats_name_the_first_row_and_their_own_byte() {
        let mut s = KeySet::default();
        s.insert(7, 2, 10, "");
        s.insert(8, 3, 20, "");
        s.insert(7, 4, 30, "");
        s.insert(u64::MAX, 5, 40, "");
        s.insert(7, 6, 50, "");
        s.insert(u64::MAX, 9, 1 << 40, "");
        let d = s.finish(10).unwrap();
        assert_eq!(d.total, 3);
        assert_eq!(d.first, [dup(4, 30, 2), dup(6, 50, 2), dup(9, 1 << 40, 5)]);
    }

    #[test]
    fn only_the_first_repeats_are_kept_but_all_are_counted() {
        let mut s = KeySet::default();
        s.reserve(5000);
        // Keys spread over every partition; each repeated once, 1000 rows later.
        for row in 2..1002u64 {
            s.insert(row.wrapping_mul(0x9E37_79B9_7F4A_7C15), row, row * 100, "");
        }
        for row in 1002..2002u64 {
            let key = (row - 1000).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            s.insert(key, row, row * 100, "");
        }
        let d = s.finish(3).unwrap();
        assert_eq!(d.total, 1000);
        assert_eq!(
            d.first,
            [
                dup(1002, 100_200, 2),
                dup(1003, 100_300, 3),
                dup(1004, 100_400, 4)
            ]
        );
    }

    #[test]
    fn nothing_kept_still_counts() {
        let mut s = KeySet::default();
        for row in 2..10 {
            s.insert(1, row, row, "");
        }
        assert_eq!(
            s.finish(0).unwrap(),
            Duplicates {
                total: 7,
                first: vec![]
            }
        );
    }

    #[test]
    fn values_are_kept_only_when_asked() {
        let mut s = KeySet::new(true, None);
        s.insert(1, 2, 10, "Zoé");
        s.insert(2, 3, 20, "x");
        s.insert(1, 4, 30, "zoé");
        let d = s.finish(5).unwrap();
        assert_eq!(
            d.first,
            [Duplicate {
                text: Some("zoé".into()),
                ..dup(4, 30, 2)
            }]
        );
    }

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            push_varint(&mut out, v);
        }
        let mut at = 0;
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            let (got, next) = read_varint(&out, at).unwrap();
            assert_eq!(got, v);
            at = next;
        }
        assert_eq!(read_varint(&out, at), None);
    }

    #[test]
    fn combination_depends_on_order() {
        assert_ne!(combine([1, 2].into_iter()), combine([2, 1].into_iter()));
        assert_eq!(combine([1, 2].into_iter()), combine([1, 2].into_iter()));
    }
}
