//! Logs of 64-bit pairs read back sorted at the end, in bounded memory when a [`Spill`] is
//! given: the structure under `unique` / `primaryKey` checks and k-anonymity, the only
//! state of a run that would otherwise grow with the file.
//!
//! Pairs are appended to one of 256 partitions by the top byte of their first half (256
//! write heads stay in the CPU cache, where a hash set probed once per row misses it on every
//! probe once it outgrows it). At the end each partition, small enough to sort in cache, is
//! sorted and handed over in order, so the whole log comes out sorted.
//!
//! With a spill and a budget, a log that reaches its budget sorts each partition and writes
//! it as a *run* to the spill (the shell's temporary file: `core` never opens one itself);
//! at the end, each partition's runs are merged with what is left in memory. Memory is then
//! the budget plus one read buffer per run of one partition, sized so that together they
//! stay within the budget too, whatever the file size.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Partitions, by the top byte of a pair's first half.
const PARTS: usize = 256;
/// Bytes of one pair in a run.
const PAIR_BYTES: usize = 16;
/// Pairs read at a time from one run while merging, at most and at least.
const READ_PAIRS: usize = 4096;
const READ_MIN: usize = 64;

/// Append-only storage for sorted runs, provided by the shell (a temporary file for the
/// command line; [`MemorySpill`] in tests). Errors are plain messages: they end up in the
/// report as a `source-error`.
pub trait Spill: Send {
    /// Appends `bytes`; returns the offset they start at.
    fn append(&mut self, bytes: &[u8]) -> Result<u64, String>;
    /// Fills `buf` with the bytes at `offset` (all of them were appended before).
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String>;
}

/// A spill shared by the logs of one run, with the memory each log may use before spilling.
#[derive(Clone)]
pub struct SpillConfig {
    pub spill: Arc<Mutex<dyn Spill>>,
    /// Bytes of pairs a log keeps in memory before writing them out.
    pub budget_bytes: usize,
}

impl fmt::Debug for SpillConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpillConfig")
            .field("budget_bytes", &self.budget_bytes)
            .finish_non_exhaustive()
    }
}

impl SpillConfig {
    pub(crate) fn append(&self, bytes: &[u8]) -> Result<u64, String> {
        let mut spill = self
            .spill
            .lock()
            .map_err(|_| "spill lock poisoned".to_owned())?;
        spill.append(bytes)
    }

    /// Appends `pairs` as one run, in blocks of [`READ_PAIRS`]: a run is as large as the
    /// budget (all of it when every pair falls in one partition, as when every row has the
    /// same quasi-identifiers), and encoding it whole doubled the budget for a moment. The
    /// spill stays locked meanwhile, so that the blocks are contiguous. Returns where the
    /// run starts.
    pub(crate) fn append_run(&self, pairs: &[(u64, u64)]) -> Result<u64, String> {
        let mut spill = self
            .spill
            .lock()
            .map_err(|_| "spill lock poisoned".to_owned())?;
        let mut bytes = Vec::with_capacity(pairs.len().min(READ_PAIRS) * PAIR_BYTES);
        let mut start = None;
        let mut next = 0;
        for block in pairs.chunks(READ_PAIRS) {
            bytes.clear();
            for (a, b) in block {
                bytes.extend_from_slice(&a.to_le_bytes());
                bytes.extend_from_slice(&b.to_le_bytes());
            }
            let at = spill.append(&bytes)?;
            if start.is_some() && at != next {
                return Err("the spill did not append a run's blocks end to end".into());
            }
            start.get_or_insert(at);
            next = at + bytes.len() as u64;
        }
        Ok(start.unwrap_or(next))
    }

    pub(crate) fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        let mut spill = self
            .spill
            .lock()
            .map_err(|_| "spill lock poisoned".to_owned())?;
        spill.read_at(offset, buf)
    }
}

/// A [`Spill`] in memory: for tests, and for shells with nowhere else to put runs.
#[derive(Debug, Default)]
pub struct MemorySpill {
    bytes: Vec<u8>,
}

impl Spill for MemorySpill {
    fn append(&mut self, bytes: &[u8]) -> Result<u64, String> {
        let at = self.bytes.len() as u64;
        self.bytes.extend_from_slice(bytes);
        Ok(at)
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        let start = usize::try_from(offset).map_err(|e| e.to_string())?;
        let src = start
            .checked_add(buf.len())
            .and_then(|end| self.bytes.get(start..end))
            .ok_or("read past the end of the spill")?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

/// A written run: where it starts and how many pairs it holds.
#[derive(Debug, Clone, Copy)]
struct Run {
    offset: u64,
    pairs: usize,
}

/// Pairs appended in any order, read back sorted.
#[derive(Debug)]
pub(crate) struct PairLog {
    parts: Vec<Vec<(u64, u64)>>,
    len: usize,
    /// Pairs kept in memory before spilling (`usize::MAX` without a spill).
    budget: usize,
    spill: Option<SpillConfig>,
    /// Runs of each partition.
    runs: Vec<Vec<Run>>,
    /// The first spill error: later pairs stay in memory, and the end reports it.
    failed: Option<String>,
}

impl PairLog {
    pub(crate) fn new(spill: Option<SpillConfig>) -> PairLog {
        let budget = spill.as_ref().map_or(usize::MAX, |s| {
            (s.budget_bytes / PAIR_BYTES).max(PARTS * 16)
        });
        // With a budget, each partition gets its share once (untouched capacity costs no
        // memory) instead of growing by doubling past it.
        let share = if spill.is_some() { share(budget) } else { 0 };
        PairLog {
            parts: (0..PARTS).map(|_| Vec::with_capacity(share)).collect(),
            len: 0,
            budget,
            spill,
            runs: vec![Vec::new(); PARTS],
            failed: None,
        }
    }

    /// Makes room for `more` pairs (up to the budget).
    pub(crate) fn reserve(&mut self, more: usize) {
        let share = share(more.min(self.budget));
        for part in &mut self.parts {
            part.reserve(share.saturating_sub(part.len()));
        }
    }

    pub(crate) fn push(&mut self, a: u64, b: u64) {
        self.parts[(a >> 56) as usize].push((a, b));
        self.len += 1;
        if self.len >= self.budget && self.failed.is_none() {
            self.spill_runs();
        }
    }

    /// Sorts every partition and writes it out as a run.
    fn spill_runs(&mut self) {
        let Some(spill) = &self.spill else {
            return;
        };
        for (part, runs) in self.parts.iter_mut().zip(&mut self.runs) {
            if part.is_empty() {
                continue;
            }
            sort_pairs(part);
            match spill.append_run(part) {
                Ok(offset) => {
                    runs.push(Run {
                        offset,
                        pairs: part.len(),
                    });
                    part.clear();
                }
                Err(e) => {
                    // Keep going in memory; the end says the budget could not be held.
                    self.failed = Some(e);
                    return;
                }
            }
        }
        self.len = 0;
    }

    /// Takes in the pairs of `other`, a log of the same run (another thread's share of a
    /// file). When both write to the same spill, `other`'s pairs are written out as runs and
    /// the runs change hands: nothing is read back or copied. Pushing them one by one instead
    /// would fill each partition in turn, sorted as they come, and leave every partition
    /// holding memory up to the budget — 256 budgets, growing with the file.
    pub(crate) fn absorb(&mut self, mut other: PairLog) -> Result<(), String> {
        let shared = match (&self.spill, &other.spill) {
            (Some(mine), Some(theirs)) => Arc::ptr_eq(&mine.spill, &theirs.spill),
            _ => false,
        };
        if shared && other.failed.is_none() {
            other.spill_runs();
        }
        if shared && other.failed.is_none() {
            for (mine, theirs) in self.runs.iter_mut().zip(&mut other.runs) {
                mine.append(theirs);
            }
            return Ok(());
        }
        other.for_each_sorted(|a, b| self.push(a, b))
    }

    /// Calls `each` on every pair in sorted order. An error means the pairs could not all
    /// be read back: the caller must not trust a partial answer.
    pub(crate) fn for_each_sorted(mut self, mut each: impl FnMut(u64, u64)) -> Result<(), String> {
        // Once runs were written, the pairs left in memory are written too and their room
        // freed: the merge then holds its read blocks (within the budget) and nothing else,
        // not the budget twice over (a file of tens of millions of short rows had both).
        if self.failed.is_none() && self.runs.iter().any(|r| !r.is_empty()) {
            self.spill_runs();
            for part in self.parts.iter_mut().filter(|p| p.is_empty()) {
                *part = Vec::new();
            }
        }
        for (mut part, runs) in self.parts.into_iter().zip(self.runs) {
            sort_pairs(&mut part);
            if runs.is_empty() {
                part.into_iter().for_each(|(a, b)| each(a, b));
                continue;
            }
            let spill = self.spill.as_ref().ok_or("runs without a spill")?;
            // One block per run in memory at once: together no more than the budget (down to
            // READ_MIN pairs per run), however many runs a long file left.
            let block = (self.budget / runs.len()).clamp(READ_MIN, READ_PAIRS);
            merge(spill, &runs, part, block, &mut each)?;
        }
        Ok(())
    }
}

/// Sorts pairs by first, then second half. The first halves are hashes, nearly all
/// distinct: sorting on them alone compares one word instead of two, and the rare runs of
/// equal ones are ordered after.
fn sort_pairs(pairs: &mut [(u64, u64)]) {
    pairs.sort_unstable_by_key(|p| p.0);
    let mut i = 0;
    while i < pairs.len() {
        let first = pairs[i].0;
        let run = pairs[i..].iter().take_while(|p| p.0 == first).count();
        if run > 1 {
            pairs[i..i + run].sort_unstable_by_key(|p| p.1);
        }
        i += run;
    }
}

/// Room for one partition's part of `pairs`: hashes spread evenly, and 4 standard
/// deviations keep most partitions from growing.
fn share(pairs: usize) -> usize {
    let per_part = pairs / PARTS;
    per_part + 4 * (per_part as f64).sqrt() as usize + 16
}

/// One source of a merge: a run read in blocks, or the sorted pairs left in memory.
struct Source {
    /// Pairs of the run not read yet (0 for the pairs in memory).
    left: usize,
    /// Pairs read at a time.
    block: usize,
    next_offset: u64,
    buf: Vec<(u64, u64)>,
    at: usize,
}

impl Source {
    /// A run, with its first block read.
    fn first_block(
        run: Run,
        block: usize,
        spill: &SpillConfig,
        raw: &mut Vec<u8>,
    ) -> Result<Source, String> {
        let mut s = Source {
            left: run.pairs,
            block,
            next_offset: run.offset,
            buf: Vec::new(),
            at: 0,
        };
        s.read_block(spill, raw)?;
        Ok(s)
    }

    fn peek(&self) -> Option<(u64, u64)> {
        self.buf.get(self.at).copied()
    }

    /// Moves past the current pair, reading the next block when the buffer is used up.
    fn advance(&mut self, spill: &SpillConfig, raw: &mut Vec<u8>) -> Result<(), String> {
        self.at += 1;
        if self.at < self.buf.len() || self.left == 0 {
            return Ok(());
        }
        self.read_block(spill, raw)
    }

    fn read_block(&mut self, spill: &SpillConfig, raw: &mut Vec<u8>) -> Result<(), String> {
        let n = self.left.min(self.block);
        raw.resize(n * PAIR_BYTES, 0);
        spill.read_at(self.next_offset, raw)?;
        self.buf.clear();
        self.buf.extend(raw.chunks_exact(PAIR_BYTES).map(|c| {
            let (a, b) = c.split_at(8);
            (
                u64::from_le_bytes(a.try_into().unwrap_or_default()),
                u64::from_le_bytes(b.try_into().unwrap_or_default()),
            )
        }));
        self.at = 0;
        self.left -= n;
        self.next_offset += (n * PAIR_BYTES) as u64;
        Ok(())
    }
}

/// Merges a partition's runs and its in-memory remainder.
fn merge(
    spill: &SpillConfig,
    runs: &[Run],
    memory: Vec<(u64, u64)>,
    block: usize,
    each: &mut impl FnMut(u64, u64),
) -> Result<(), String> {
    let mut raw = Vec::new();
    let mut sources = Vec::with_capacity(runs.len() + 1);
    for run in runs {
        sources.push(Source::first_block(*run, block, spill, &mut raw)?);
    }
    sources.push(Source {
        left: 0,
        block,
        next_offset: 0,
        buf: memory,
        at: 0,
    });
    let mut heap: BinaryHeap<Reverse<((u64, u64), usize)>> = sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.peek().map(|p| Reverse((p, i))))
        .collect();
    while let Some(Reverse(((a, b), i))) = heap.pop() {
        each(a, b);
        let source = &mut sources[i];
        source.advance(spill, &mut raw)?;
        if let Some(p) = source.peek() {
            heap.push(Reverse((p, i)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spill(budget_pairs: usize) -> SpillConfig {
        SpillConfig {
            spill: Arc::new(Mutex::new(MemorySpill::default())),
            budget_bytes: budget_pairs * PAIR_BYTES,
        }
    }

    fn sorted(log: PairLog) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        log.for_each_sorted(|a, b| out.push((a, b))).unwrap();
        out
    }

    fn pairs(n: u64) -> Vec<(u64, u64)> {
        // Spread over every partition, with repeats of the first half.
        (0..n)
            .map(|i| ((i % (n / 3 + 1)).wrapping_mul(0x9E37_79B9_7F4A_7C15), i))
            .collect()
    }

    #[test]
    fn pairs_sort_by_both_halves() {
        let mut state = 7u64;
        let mut pairs: Vec<(u64, u64)> = (0..5000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 60, state % 1000)
            })
            .collect();
        let mut want = pairs.clone();
        want.sort_unstable();
        sort_pairs(&mut pairs);
        assert_eq!(pairs, want);
    }

    #[test]
    fn comes_out_sorted_with_or_without_spilling() {
        let input = pairs(50_000);
        let mut expected = input.clone();
        expected.sort_unstable();
        for config in [None, Some(spill(5_000)), Some(spill(PARTS * 16))] {
            let spilled = config.is_some();
            let mut log = PairLog::new(config);
            log.reserve(1000);
            for &(a, b) in &input {
                log.push(a, b);
            }
            if spilled {
                assert!(
                    log.runs.iter().any(|r| r.len() > 1),
                    "several runs per partition"
                );
            }
            assert_eq!(sorted(log), expected);
        }
    }

    #[test]
    fn memory_stays_within_the_budget() {
        let mut log = PairLog::new(Some(spill(8192)));
        for (a, b) in pairs(100_000) {
            log.push(a, b);
            assert!(log.len < 8192);
        }
    }

    /// Capacity held by a log's partitions, in pairs.
    fn held(log: &PairLog) -> usize {
        log.parts.iter().map(Vec::capacity).sum()
    }

    #[test]
    fn logs_sharing_a_spill_absorb_each_other_without_growing() {
        let input = pairs(60_000);
        let mut expected = input.clone();
        expected.sort_unstable();
        let shared = spill(4096);
        let (mut whole, mut mine, mut theirs) = (
            PairLog::new(Some(shared.clone())),
            PairLog::new(Some(shared.clone())),
            PairLog::new(Some(shared.clone())),
        );
        for (i, &(a, b)) in input.iter().enumerate() {
            whole.push(a, b);
            if i % 3 == 0 { &mut mine } else { &mut theirs }.push(a, b);
        }
        let before = held(&mine);
        mine.absorb(theirs).unwrap();
        // Pushed one by one, the sorted pairs would have filled partition after partition.
        assert_eq!(held(&mine), before, "no partition grew");
        assert_eq!(sorted(mine), expected);
        assert_eq!(sorted(whole), expected);
    }

    #[test]
    fn logs_without_a_shared_spill_absorb_by_copying() {
        let input = pairs(20_000);
        let mut expected = input.clone();
        expected.sort_unstable();
        for (a_spill, b_spill) in [
            (None, None),
            (Some(spill(4096)), Some(spill(4096))),
            (None, Some(spill(4096))),
        ] {
            let (mut mine, mut theirs) = (PairLog::new(a_spill), PairLog::new(b_spill));
            for (i, &(a, b)) in input.iter().enumerate() {
                if i % 2 == 0 { &mut mine } else { &mut theirs }.push(a, b);
            }
            mine.absorb(theirs).unwrap();
            assert_eq!(sorted(mine), expected);
        }
    }

    #[test]
    fn many_runs_are_merged_in_blocks_that_fit_the_budget() {
        // A tiny budget and many pairs: hundreds of runs per partition.
        let input = pairs(300_000);
        let mut expected = input.clone();
        expected.sort_unstable();
        let mut log = PairLog::new(Some(spill(PARTS * 16)));
        for &(a, b) in &input {
            log.push(a, b);
        }
        let runs = log.runs.iter().map(Vec::len).max().unwrap_or(0);
        assert!(runs > 64, "{runs} runs");
        assert_eq!((log.budget / runs).clamp(READ_MIN, READ_PAIRS), READ_MIN);
        assert_eq!(sorted(log), expected);
    }

    /// A spill that remembers its largest write.
    struct Largest {
        inner: MemorySpill,
        largest: usize,
    }

    impl Spill for Largest {
        fn append(&mut self, bytes: &[u8]) -> Result<u64, String> {
            self.largest = self.largest.max(bytes.len());
            self.inner.append(bytes)
        }
        fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
            self.inner.read_at(offset, buf)
        }
    }

    /// Every pair in one partition (every row of a file in the same group, as when all its
    /// quasi-identifiers are empty): the runs are the whole budget each, and are written in
    /// blocks, not encoded whole (which doubled the budget at every spill).
    #[test]
    fn runs_of_one_partition_are_written_in_blocks() {
        let largest = Arc::new(Mutex::new(Largest {
            inner: MemorySpill::default(),
            largest: 0,
        }));
        let config = SpillConfig {
            spill: largest.clone(),
            budget_bytes: 20_000 * PAIR_BYTES,
        };
        let input: Vec<(u64, u64)> = (0..100_000u64)
            .map(|i| (0xAB00_0000_0000_0000 | (i % 7), i.wrapping_mul(0x9E37_79B9)))
            .collect();
        let mut expected = input.clone();
        expected.sort_unstable();
        let mut log = PairLog::new(Some(config));
        for &(a, b) in &input {
            log.push(a, b);
        }
        assert_eq!(log.runs[0xAB].len(), 5, "runs of the budget");
        assert_eq!(sorted(log), expected);
        let largest = largest.lock().unwrap().largest;
        assert_eq!(
            largest,
            READ_PAIRS * PAIR_BYTES,
            "written a block at a time"
        );
    }

    /// A spill that refuses writes after a while, or reads.
    struct Broken {
        inner: MemorySpill,
        writes_left: usize,
        reads_fail: bool,
    }

    impl Spill for Broken {
        fn append(&mut self, bytes: &[u8]) -> Result<u64, String> {
            if self.writes_left == 0 {
                return Err("disk full".into());
            }
            self.writes_left -= 1;
            self.inner.append(bytes)
        }
        fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
            if self.reads_fail {
                return Err("read error".into());
            }
            self.inner.read_at(offset, buf)
        }
    }

    #[test]
    fn a_full_disk_keeps_pairs_in_memory_and_a_failed_read_is_an_error() {
        let input = pairs(20_000);
        let mut expected = input.clone();
        expected.sort_unstable();
        let broken = |writes_left, reads_fail| SpillConfig {
            spill: Arc::new(Mutex::new(Broken {
                inner: MemorySpill::default(),
                writes_left,
                reads_fail,
            })),
            budget_bytes: 4096 * PAIR_BYTES,
        };
        let mut log = PairLog::new(Some(broken(300, false)));
        for &(a, b) in &input {
            log.push(a, b);
        }
        assert!(log.failed.is_some());
        assert_eq!(sorted(log), expected, "nothing lost when writing fails");

        let mut log = PairLog::new(Some(broken(usize::MAX, true)));
        for &(a, b) in &input {
            log.push(a, b);
        }
        let err = log.for_each_sorted(|_, _| {}).unwrap_err();
        assert_eq!(err, "read error");
    }
}
