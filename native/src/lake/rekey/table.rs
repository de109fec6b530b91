//! The translation table of a rekey: for each old key and pseudonymised column, the
//! pseudonyms the objects to move actually hold, and, once the identifiers are read, what
//! each becomes under the current key.
//!
//! A pseudonym is `prefix + hex(first w bytes of an HMAC)`, every one of a column the same
//! shape: the table keeps the `w` bytes only, end to end in one buffer, sorted and without
//! duplicates (found by binary search), and the new pseudonym's `w` bytes beside them. For
//! the default 16 bytes that is 33 bytes per distinct pseudonym (old, new, and whether it
//! was found), about 33 MB per million, plus up to as much again while the set is being
//! collected (it is sorted and deduplicated each time it doubles). Nothing here is ever
//! written out: the pseudonyms stay in memory, which `--memory` bounds (the batches of
//! [`super`]).

use std::collections::BTreeMap;

use watt_core::PseudonymKey;
use watt_core::gdpr::Pseudonymisation;
use watt_core::minimise::pseudonym_with;

/// Records pushed without compaction before the first sort.
const FIRST_COMPACTION: usize = 64 * 1024;

/// The pseudonyms of one shape, as bytes (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct Ids {
    width: usize,
    flat: Vec<u8>,
    /// Records at the start of `flat` that are sorted and distinct.
    sorted: usize,
}

impl Ids {
    pub fn new(width: usize) -> Ids {
        Ids {
            width,
            flat: Vec::new(),
            sorted: 0,
        }
    }

    fn len_records(&self) -> usize {
        self.flat.len() / self.width.max(1)
    }

    fn record(&self, i: usize) -> &[u8] {
        &self.flat[i * self.width..(i + 1) * self.width]
    }

    /// Adds a pseudonym's bytes (`width` of them).
    pub fn push(&mut self, id: &[u8]) {
        debug_assert_eq!(id.len(), self.width);
        let n = self.len_records();
        // Rows of one meter follow each other: most repeats are the record just pushed.
        if n > self.sorted && self.record(n - 1) == id {
            return;
        }
        self.flat.extend_from_slice(id);
        if n + 1 - self.sorted > self.sorted.max(FIRST_COMPACTION) {
            self.seal();
        }
    }

    /// Adds every pseudonym of `other` (of the same shape).
    pub fn extend(&mut self, other: &Ids) {
        self.flat.extend_from_slice(&other.flat);
        self.seal();
    }

    /// Sorts and deduplicates: [`Ids::find`] needs it.
    pub fn seal(&mut self) {
        if self.sorted == self.len_records() {
            return;
        }
        let w = self.width;
        let mut records: Vec<&[u8]> = self.flat.chunks_exact(w).collect();
        records.sort_unstable();
        records.dedup();
        let mut flat = Vec::with_capacity(records.len() * w);
        for r in &records {
            flat.extend_from_slice(r);
        }
        drop(records);
        self.sorted = flat.len() / w;
        self.flat = flat;
    }

    /// The index of a pseudonym's bytes (once sealed).
    pub fn find(&self, id: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.sorted);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.record(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Distinct pseudonyms (once sealed).
    pub fn len(&self) -> usize {
        self.sorted
    }

    /// Memory held.
    pub fn bytes(&self) -> usize {
        self.flat.capacity()
    }
}

/// The bytes of a pseudonym of shape `params` (`None`: the cell is not one).
pub fn parse(params: &Pseudonymisation, cell: &[u8]) -> Option<Vec<u8>> {
    let hex = cell.strip_prefix(params.prefix.as_bytes())?;
    if hex.len() != 2 * params.bytes {
        return None;
    }
    data_encoding::HEXLOWER.decode(hex).ok()
}

/// A pseudonym from its bytes.
pub fn format(params: &Pseudonymisation, id: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(params.prefix.as_bytes());
    out.extend_from_slice(data_encoding::HEXLOWER.encode(id).as_bytes());
}

/// Which pseudonyms move: an old key's, in one column, made one way.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupId {
    pub key_id: String,
    pub column: String,
    /// The pseudonymisation, as JSON (so that it orders).
    pub params: String,
}

/// The pseudonyms of one group, and what they become.
#[derive(Debug, Clone)]
pub struct Group {
    pub params: Pseudonymisation,
    pub ids: Ids,
    /// The new pseudonym's bytes of each id (once translated).
    new: Vec<u8>,
    found: Vec<bool>,
    /// Cells that are not a pseudonym of this shape (they cannot be moved).
    pub malformed: u64,
}

impl Group {
    pub fn new(params: Pseudonymisation) -> Group {
        Group {
            ids: Ids::new(params.bytes),
            params,
            new: Vec::new(),
            found: Vec::new(),
            malformed: 0,
        }
    }

    /// Distinct pseudonyms found among the identifiers, and not.
    pub fn matched(&self) -> usize {
        self.found.iter().filter(|f| **f).count()
    }

    pub fn unmatched(&self) -> usize {
        self.ids.len() - self.matched()
    }

    /// What `cell` becomes under the new key, appended to `out` (`false`: it is not among
    /// the identifiers).
    pub fn translate(&self, cell: &[u8], out: &mut Vec<u8>) -> bool {
        let Some(i) = parse(&self.params, cell).and_then(|id| self.ids.find(&id)) else {
            return false;
        };
        if !self.found[i] {
            return false;
        }
        let w = self.params.bytes;
        format(&self.params, &self.new[i * w..(i + 1) * w], out);
        true
    }
}

/// The table of a batch of objects (see the module doc).
#[derive(Debug, Default)]
pub struct Table {
    pub groups: BTreeMap<GroupId, Group>,
}

impl Table {
    /// Adds what one object holds.
    pub fn merge(&mut self, collected: BTreeMap<GroupId, Group>) {
        for (id, g) in collected {
            let mine = self
                .groups
                .entry(id)
                .or_insert_with(|| Group::new(g.params.clone()));
            mine.ids.extend(&g.ids);
            mine.malformed += g.malformed;
        }
    }

    /// Memory held.
    pub fn bytes(&self) -> usize {
        self.groups
            .values()
            .map(|g| g.ids.bytes() + g.new.capacity() + g.found.capacity())
            .sum()
    }

    /// Makes room for the translations (after the last [`Table::merge`]).
    pub fn ready(&mut self) {
        for g in self.groups.values_mut() {
            g.ids.seal();
            g.new = vec![0; g.ids.len() * g.params.bytes];
            g.found = vec![false; g.ids.len()];
        }
    }

    /// The columns any group moves.
    pub fn columns(&self) -> Vec<String> {
        let mut c: Vec<String> = self.groups.keys().map(|g| g.column.clone()).collect();
        c.sort();
        c.dedup();
        c
    }

    /// An identifier of column `column`: under each old key of that column, its pseudonym,
    /// when the objects hold it, is given its pseudonym under `to`. `keys` gives each old
    /// key by fingerprint.
    pub fn identifier(
        &mut self,
        column: &str,
        value: &str,
        keys: &impl Fn(&str) -> Option<PseudonymKey>,
        to: &PseudonymKey,
    ) {
        for (id, g) in self.groups.iter_mut() {
            if id.column != column {
                continue;
            }
            let Some(old_key) = keys(&id.key_id) else {
                continue;
            };
            let old = pseudonym_with(&g.params, value, &old_key);
            let Some(i) = parse(&g.params, old.as_bytes()).and_then(|b| g.ids.find(&b)) else {
                continue;
            };
            if g.found[i] {
                continue;
            }
            let new = pseudonym_with(&g.params, value, to);
            if let Some(bytes) = parse(&g.params, new.as_bytes()) {
                let w = g.params.bytes;
                g.new[i * w..(i + 1) * w].copy_from_slice(&bytes);
                g.found[i] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use watt_core::gdpr::Normalise;

    fn params() -> Pseudonymisation {
        Pseudonymisation {
            domain: "meter".into(),
            normalise: Normalise::Digits,
            bytes: 8,
            prefix: "m_".into(),
        }
    }

    #[test]
    fn ids_are_kept_sorted_and_distinct_however_many_are_pushed() {
        // Several compactions' worth, each value three times (twice in a row), out of order.
        let mut ids = Ids::new(4);
        let n = 200_000u32;
        for round in 0..2u32 {
            for i in 0..n {
                let v = (i * 7919 + round * 13) % n;
                ids.push(&v.to_be_bytes());
                if round == 0 {
                    ids.push(&v.to_be_bytes());
                }
            }
        }
        ids.seal();
        assert_eq!(ids.len(), n as usize);
        for v in [0u32, 1, 77_777, n - 1] {
            assert_eq!(ids.find(&v.to_be_bytes()), Some(v as usize));
        }
        assert_eq!(ids.find(&n.to_be_bytes()), None);
    }

    #[test]
    fn a_pseudonym_moves_to_the_new_key_only_when_its_identifier_is_given() {
        let a = PseudonymKey::new(b"old key A for the table test, long enough").unwrap();
        let b = PseudonymKey::new(b"new key B for the table test, long enough").unwrap();
        let p = params();
        let under_a = |v: &str| pseudonym_with(&p, v, &a);
        let mut group = Group::new(p.clone());
        for v in ["111", "222", "333", "111"] {
            group
                .ids
                .push(&parse(&p, under_a(v).as_bytes()).expect("a pseudonym"));
        }
        let gid = GroupId {
            key_id: a.id().to_owned(),
            column: "prm".into(),
            params: "p".into(),
        };
        let mut table = Table::default();
        table.merge(BTreeMap::from([(gid.clone(), group)]));
        table.ready();
        let keys = |id: &str| (id == a.id()).then(|| a.clone());
        // 444 is not in the lake; 2-2-2 is 222 once normalised; 333 is not given.
        for v in ["111", "2-2-2", "444", "111"] {
            table.identifier("prm", v, &keys, &b);
        }
        table.identifier("customer_id", "333", &keys, &b);
        let g = &table.groups[&gid];
        assert_eq!((g.ids.len(), g.matched(), g.unmatched()), (3, 2, 1));
        let mut out = Vec::new();
        assert!(g.translate(under_a("111").as_bytes(), &mut out));
        assert_eq!(out, pseudonym_with(&p, "111", &b).into_bytes());
        out.clear();
        assert!(!g.translate(under_a("333").as_bytes(), &mut out));
        assert!(!g.translate(b"m_zz", &mut out));
        assert!(out.is_empty());
        assert_eq!(
            parse(&p, b"m_0123456789ABCDEF"),
            None,
            "upper case is not watt's"
        );
    }
}
