//! `pattern` constraints, matched fast.
//!
//! Most patterns in real schemas are fixed-length sequences of character classes: a meter
//! id `[0-9]{14}`, a customer number `C[0-9]{7}`, a postcode `[0-9]{5}`. Those are compiled
//! (from `regex-syntax`'s parse, not by hand) to one byte set per position and checked in a
//! single pass. Every other pattern goes through the lazy DFA of `regex-automata` (the
//! engine under the `regex` crate) with a cache owned by the caller, which walks the bytes
//! without the general engine's per-call setup; its PikeVM answers should the DFA give up.
//! Using these two engines directly keeps the others out of the WebAssembly build.
//!
//! Unicode support covers Perl classes and case folding (`\d`, `\w`, `(?i)`); patterns
//! that need scripts or general categories (`\p{Greek}`) are refused when the schema loads.

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::{
    self,
    pikevm::{Cache as VmCache, PikeVM},
};
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Class, Hir, HirKind};

use full::{Dense, dense_dfa};

/// Largest compiled form of a pattern, as the `regex` crate allows by default. A schema is
/// input like any other: `[0-9]{1000000000}` must be refused, not expanded into gigabytes
/// (`regex-automata` used directly has no limit of its own).
pub const SIZE_LIMIT: usize = 10 << 20;

/// A compiled `pattern`, anchored at both ends as Table Schema requires.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as the schema wrote it.
    pub source: String,
    fixed: Option<Vec<ByteSet>>,
    dense: Option<Dense>,
    dfa: Option<DFA>,
    vm: PikeVM,
}

/// Full DFAs, for the native build (feature `full-dfa`).
#[cfg(feature = "full-dfa")]
mod full {
    use regex_automata::Anchored;
    use regex_automata::dfa::{Automaton, StartKind, dense};
    use regex_automata::nfa::thompson;
    use regex_automata::util::primitives::StateID;

    /// A pattern compiled ahead to a full DFA: one table lookup per byte, no cache to check.
    /// Only for patterns whose table stays small ([`DENSE_LIMIT`]); the others keep the lazy
    /// DFA, which builds only the states the cells reach.
    #[derive(Debug, Clone)]
    pub(super) struct Dense {
        dfa: dense::DFA<Vec<u32>>,
        /// The anchored start state at the start of a haystack, where every cell starts.
        start: StateID,
    }

    /// Largest table of a [`Dense`] pattern: a phone number's is a few KiB.
    const DENSE_LIMIT: usize = 256 << 10;

    /// The full DFA of an anchored pattern, when it is small.
    pub(super) fn dense_dfa(anchored: &str, nfa: thompson::Config) -> Option<Dense> {
        let dfa = dense::Builder::new()
            .configure(
                dense::DFA::config()
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(DENSE_LIMIT))
                    .determinize_size_limit(Some(4 * DENSE_LIMIT)),
            )
            .thompson(nfa)
            .build(anchored)
            .ok()?;
        // Every cell is matched from its start: the state there is computed once.
        let at_start = regex_automata::util::start::Config::new().anchored(Anchored::Yes);
        let start = dfa.start_state(&at_start).ok()?;
        Some(Dense { dfa, start })
    }

    impl Dense {
        pub(super) fn memory_usage(&self) -> usize {
            self.dfa.memory_usage()
        }

        pub(super) fn is_match(&self, text: &[u8]) -> bool {
            let mut sid = self.start;
            for &b in text {
                sid = self.dfa.next_state(sid, b);
                if self.dfa.is_dead_state(sid) {
                    return false;
                }
            }
            self.dfa.is_match_state(self.dfa.next_eoi_state(sid))
        }
    }
}

/// Without the feature (the browser build), no pattern has a full DFA: the lazy one
/// answers, the same way.
#[cfg(not(feature = "full-dfa"))]
mod full {
    use regex_automata::nfa::thompson;

    #[derive(Debug, Clone)]
    pub(super) enum Dense {}

    impl Dense {
        pub(super) fn memory_usage(&self) -> usize {
            match *self {}
        }

        pub(super) fn is_match(&self, _: &[u8]) -> bool {
            match *self {}
        }
    }

    pub(super) fn dense_dfa(_: &str, _: thompson::Config) -> Option<Dense> {
        None
    }
}

/// Scratch memory for matching one [`Pattern`] many times.
#[derive(Debug, Clone, Default)]
pub struct PatternCache {
    dfa: Option<DfaCache>,
    vm: Option<VmCache>,
}

impl Pattern {
    /// Compiles a pattern; the error says why it is not a valid regular expression.
    pub fn new(source: &str) -> Result<Pattern, String> {
        // Refused here rather than by the build's features, so that every build (the
        // browser's and the CLI's) accepts exactly the same patterns.
        let ast = regex_syntax::ast::parse::Parser::new()
            .parse(source)
            .map_err(|e| e.to_string())?;
        if uses_unicode_properties(&ast) {
            return Err(
                "Unicode property classes (\\p{..}) are not supported: use a bracketed class such as [A-Za-zÀ-ÿ]".into(),
            );
        }
        let anchored = format!("^(?:{source})$");
        let nfa = thompson::Config::new().nfa_size_limit(Some(SIZE_LIMIT));
        let vm = PikeVM::builder()
            .thompson(nfa.clone())
            .build(&anchored)
            .map_err(|e| match e.size_limit() {
                Some(limit) => format!(
                    "the pattern is too large once compiled (over {} MiB): lower its repetition counts",
                    limit >> 20
                ),
                None => e.to_string(),
            })?;
        let fixed = regex_syntax::parse(source)
            .ok()
            .and_then(|hir| fixed_sets(&hir));
        let dense = match fixed {
            Some(_) => None,
            None => dense_dfa(&anchored, nfa.clone()),
        };
        let dfa = match (&fixed, &dense) {
            (None, None) => DFA::builder().thompson(nfa).build(&anchored).ok(),
            _ => None,
        };
        Ok(Pattern {
            source: source.to_owned(),
            fixed,
            dense,
            dfa,
            vm,
        })
    }

    /// Heap memory of the compiled forms, in bytes (what a schema's bound on its patterns
    /// counts; the caches made by [`Pattern::cache`] are not included).
    pub fn memory_usage(&self) -> usize {
        self.source.len()
            + self
                .fixed
                .as_ref()
                .map_or(0, |sets| sets.len() * std::mem::size_of::<ByteSet>())
            + self.dense.as_ref().map_or(0, Dense::memory_usage)
            + self.dfa.as_ref().map_or(0, DFA::memory_usage)
            + self.vm.get_nfa().memory_usage()
    }

    /// A cache for [`Pattern::is_match_cached`].
    pub fn cache(&self) -> PatternCache {
        PatternCache {
            dfa: self.dfa.as_ref().map(DFA::create_cache),
            vm: None,
        }
    }

    /// Whether the whole of `text` matches.
    ///
    /// ```
    /// let p = watt_core::pattern::Pattern::new("C[0-9]{7}").unwrap();
    /// assert!(p.is_match("C1234567"));
    /// assert!(!p.is_match("C12345678"));
    /// ```
    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_cached(&mut self.cache(), text)
    }

    /// Whether the whole of `text` matches, reusing `cache` (made by [`Pattern::cache`]).
    pub fn is_match_cached(&self, cache: &mut PatternCache, text: &str) -> bool {
        if let Some(sets) = &self.fixed {
            return fixed_match(sets, text.as_bytes());
        }
        if let Some(dense) = &self.dense {
            return dense.is_match(text.as_bytes());
        }
        let input = Input::new(text).anchored(Anchored::Yes);
        if let (Some(dfa), Some(dfa_cache)) = (&self.dfa, cache.dfa.as_mut()) {
            if let Some(found) = dfa_match(dfa, dfa_cache, &input) {
                return found;
            }
        }
        let vm_cache = cache.vm.get_or_insert_with(|| self.vm.create_cache());
        self.vm.is_match(vm_cache, input)
    }
}

/// Walks the lazy DFA over the whole of an anchored `input`, a state per byte: a cell is
/// short and must match to its end, so the search's setup (prefilters, match tracking)
/// costs more than the walk. `None` when the DFA gives up (its cache thrashing, or a byte
/// it was told to quit on): the PikeVM answers then.
fn dfa_match(dfa: &DFA, cache: &mut DfaCache, input: &Input<'_>) -> Option<bool> {
    let mut sid = dfa.start_state_forward(cache, input).ok()?;
    for &b in input.haystack() {
        sid = dfa.next_state(cache, sid, b).ok()?;
        if sid.is_tagged() {
            if sid.is_dead() {
                return Some(false);
            }
            if sid.is_quit() || sid.is_unknown() {
                return None;
            }
        }
    }
    let sid = dfa.next_eoi_state(cache, sid).ok()?;
    Some(sid.is_match())
}

/// Whether an expression uses `\p{..}` / `\P{..}` anywhere.
fn uses_unicode_properties(ast: &regex_syntax::ast::Ast) -> bool {
    use regex_syntax::ast::{Ast, ClassSet, ClassSetItem};
    fn in_set(set: &ClassSet) -> bool {
        match set {
            ClassSet::BinaryOp(op) => in_set(&op.lhs) || in_set(&op.rhs),
            ClassSet::Item(item) => in_item(item),
        }
    }
    fn in_item(item: &ClassSetItem) -> bool {
        match item {
            ClassSetItem::Unicode(_) => true,
            ClassSetItem::Bracketed(b) => in_set(&b.kind),
            ClassSetItem::Union(u) => u.items.iter().any(in_item),
            _ => false,
        }
    }
    match ast {
        Ast::ClassUnicode(_) => true,
        Ast::ClassBracketed(b) => in_set(&b.kind),
        Ast::Repetition(r) => uses_unicode_properties(&r.ast),
        Ast::Group(g) => uses_unicode_properties(&g.ast),
        Ast::Alternation(a) => a.asts.iter().any(uses_unicode_properties),
        Ast::Concat(c) => c.asts.iter().any(uses_unicode_properties),
        _ => false,
    }
}

/// The bytes allowed at one position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn of(bytes: impl IntoIterator<Item = u8>) -> ByteSet {
        let mut set = [0u64; 4];
        for b in bytes {
            set[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        ByteSet(set)
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

fn fixed_match(sets: &[ByteSet], text: &[u8]) -> bool {
    // No early exit: cells nearly always match, and a branch per byte costs more than
    // finishing a mismatching one.
    text.len() == sets.len()
        && sets
            .iter()
            .zip(text)
            .fold(true, |ok, (set, b)| ok & set.contains(*b))
}

/// One byte set per position when the pattern only matches strings of one length made of
/// ASCII classes and literals; `None` otherwise.
fn fixed_sets(hir: &Hir) -> Option<Vec<ByteSet>> {
    let mut sets = Vec::new();
    push_fixed(hir, &mut sets)?;
    (sets.len() <= 64).then_some(sets)
}

fn push_fixed(hir: &Hir, sets: &mut Vec<ByteSet>) -> Option<()> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            sets.extend(lit.0.iter().map(|b| ByteSet::of([*b])));
            Some(())
        }
        HirKind::Class(class) => {
            sets.push(ascii_class(class)?);
            Some(())
        }
        HirKind::Concat(parts) => parts.iter().try_for_each(|p| push_fixed(p, sets)),
        HirKind::Capture(cap) => push_fixed(&cap.sub, sets),
        HirKind::Repetition(rep) if Some(rep.min) == rep.max && rep.min <= 64 => {
            let mut one = Vec::new();
            push_fixed(&rep.sub, &mut one)?;
            // Nested repetitions multiply: stop before building more than 64 positions.
            if sets.len() + one.len() * rep.min as usize > 64 {
                return None;
            }
            for _ in 0..rep.min {
                sets.extend_from_slice(&one);
            }
            Some(())
        }
        _ => None,
    }
}

fn ascii_class(class: &Class) -> Option<ByteSet> {
    match class {
        Class::Unicode(c) => {
            let mut bytes = Vec::new();
            for r in c.ranges() {
                let (start, end) = (u8::try_from(r.start()).ok()?, u8::try_from(r.end()).ok()?);
                if !end.is_ascii() {
                    return None;
                }
                bytes.extend(start..=end);
            }
            Some(ByteSet::of(bytes))
        }
        Class::Bytes(c) => {
            let mut bytes = Vec::new();
            for r in c.ranges() {
                if !r.end().is_ascii() {
                    return None;
                }
                bytes.extend(r.start()..=r.end());
            }
            Some(ByteSet::of(bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(pattern: &str, text: &str) -> bool {
        let p = Pattern::new(pattern).unwrap();
        let mut cache = p.cache();
        let fast = p.is_match_cached(&mut cache, text);
        let vm = p.vm.is_match(
            &mut p.vm.create_cache(),
            Input::new(text).anchored(Anchored::Yes),
        );
        assert_eq!(fast, vm, "{pattern} on {text:?}");
        assert_eq!(fast, p.is_match(text));
        fast
    }

    /// Found by `cargo fuzz run schema` (fuzz/regressions/schema/huge-repetition): a
    /// `pattern` with a repetition count of a billion compiled to an NFA without bound and
    /// `watt check` died out of memory while loading the schema.
    #[test]
    fn huge_repetitions_are_refused_not_expanded() {
        for pattern in [
            "[0-9]{1000000000}x",
            "[0*-y]{1111111114}1110.111111111115505555",
            "((((a{64}){64}){64}){64}){64}",
        ] {
            let err = Pattern::new(pattern).unwrap_err();
            assert!(err.contains("too large once compiled"), "{pattern}: {err}");
        }
        // Large but reasonable still compiles, and fixed-length nesting stays exact.
        assert!(
            Pattern::new("[A-Z0-9]{1000}")
                .unwrap()
                .is_match(&"A".repeat(1000))
        );
        let nested = Pattern::new("(?:(?:[0-9]{2}){4}){2}").unwrap();
        assert_eq!(nested.fixed.as_ref().map(Vec::len), Some(16));
        assert!(
            Pattern::new("(?:(?:[0-9]{8}){8}){8}")
                .unwrap()
                .fixed
                .is_none()
        );
    }

    #[test]
    fn unicode_scripts_are_refused_perl_classes_are_not() {
        assert!(Pattern::new(r"\p{Greek}+").is_err());
        let digits = Pattern::new(r"\d{2}").unwrap();
        assert!(digits.is_match("42") && digits.is_match("٤٢"));
        assert!(Pattern::new("(?i)abc").unwrap().is_match("ABC"));
    }

    #[test]
    fn fixed_length_patterns_compile_to_byte_sets() {
        for (pattern, len) in [
            ("[0-9]{14}", 14),
            ("C[0-9]{7}", 8),
            ("[0-9]{5}", 5),
            ("(?:[A-Z]{2})[0-9]{2}", 4),
            ("[0-9]{3}-[0-9]{2}", 6),
        ] {
            let p = Pattern::new(pattern).unwrap();
            assert_eq!(p.fixed.as_ref().map(Vec::len), Some(len), "{pattern}");
        }
        for pattern in [
            r"\d{3}",
            "[0-9]+",
            "a|bc",
            "[0-9]{2,3}",
            r"\w{3}",
            "(\\+33 ?|0)[1-9]([ .-]?[0-9]{2}){4}",
        ] {
            assert!(Pattern::new(pattern).unwrap().fixed.is_none(), "{pattern}");
        }
    }

    #[test]
    #[cfg(feature = "full-dfa")]
    fn small_patterns_compile_to_a_full_dfa_large_ones_stay_lazy() {
        for pattern in [
            "(\\+33 ?|0)[1-9]([ .-]?[0-9]{2}){4}",
            "[a-z]+@[a-z]+\\.fr",
            r"\d{3}",
            "^[A-Z]+$",
        ] {
            let p = Pattern::new(pattern).unwrap();
            assert!(p.dense.is_some() && p.dfa.is_none(), "{pattern}");
        }
        // Unicode word characters, 40 times: a full table would be megabytes.
        let big = Pattern::new(r"\w{40}").unwrap();
        assert!(big.dense.is_none() && big.dfa.is_some());
        assert!(big.is_match(&"é".repeat(40)) && !big.is_match(&"é".repeat(39)));
    }

    #[test]
    fn fast_paths_agree_with_the_pikevm() {
        let cases = [
            (
                "[0-9]{14}",
                &[
                    "12345678901234",
                    "1234567890123",
                    "123456789012345",
                    "1234567890123a",
                    "",
                    "１２",
                ][..],
            ),
            (
                "C[0-9]{7}",
                &["C1234567", "c1234567", "C123456", "CC1234567"],
            ),
            (r"\d{3}-\d{2}", &["123-45", "123-4a", "12345"]),
            ("é{2}x", &["ééx", "éx", "eex"]),
            (
                "(\\+33 ?|0)[1-9]([ .-]?[0-9]{2}){4}",
                &[
                    "06 12 34 56 78",
                    "+33 612345678",
                    "0012345678",
                    "06-12-34-56-7",
                ],
            ),
            ("[a-z]+@[a-z]+\\.fr", &["a@b.fr", "A@b.fr", "a@b.fr "]),
        ];
        let mut matched = 0;
        for (pattern, texts) in cases {
            for text in texts {
                matched += usize::from(both(pattern, text));
            }
        }
        assert_eq!(matched, 7);
    }
}
