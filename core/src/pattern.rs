//! `pattern` constraints, matched fast.
//!
//! Most patterns in real schemas are fixed-length sequences of character classes: a meter
//! id `[0-9]{14}`, a customer number `C[0-9]{7}`, a postcode `[0-9]{5}`. Those are compiled
//! (from `regex-syntax`'s parse, not by hand) to one byte set per position and checked in a
//! single pass. Every other pattern goes through a lazy DFA with a cache owned by the caller,
//! which walks the bytes without the general engine's per-call setup; the `regex` crate is
//! the fallback should the DFA give up on an input.

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// A compiled `pattern`, anchored at both ends as Table Schema requires.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as the schema wrote it.
    pub source: String,
    regex: Regex,
    fixed: Option<Vec<ByteSet>>,
    dense: Option<regex_automata::dfa::dense::DFA<Vec<u32>>>,
    dfa: Option<regex_automata::hybrid::dfa::DFA>,
}

/// Scratch memory for matching one [`Pattern`] many times.
#[derive(Debug, Clone, Default)]
pub struct PatternCache(Option<regex_automata::hybrid::dfa::Cache>);

impl Pattern {
    /// Compiles a pattern; the error says why it is not a valid regular expression.
    pub fn new(source: &str) -> Result<Pattern, String> {
        let anchored = format!("^(?:{source})$");
        let regex = Regex::new(&anchored).map_err(|e| e.to_string())?;
        let fixed = regex_syntax::parse(source)
            .ok()
            .and_then(|hir| fixed_sets(&hir));
        let dense = match fixed {
            Some(_) => None,
            None => regex_automata::dfa::dense::Builder::new()
                .configure(
                    regex_automata::dfa::dense::Config::new()
                        .start_kind(regex_automata::dfa::StartKind::Anchored)
                        .dfa_size_limit(Some(1 << 20))
                        .determinize_size_limit(Some(1 << 20)),
                )
                .build(&anchored)
                .ok(),
        };
        let dfa = match (&fixed, &dense) {
            (None, None) => regex_automata::hybrid::dfa::DFA::new(&anchored).ok(),
            _ => None,
        };
        Ok(Pattern {
            source: source.to_owned(),
            regex,
            fixed,
            dense,
            dfa,
        })
    }

    /// A cache for [`Pattern::is_match_cached`].
    pub fn cache(&self) -> PatternCache {
        PatternCache(
            self.dfa
                .as_ref()
                .map(regex_automata::hybrid::dfa::DFA::create_cache),
        )
    }

    /// Whether the whole of `text` matches.
    ///
    /// ```
    /// let p = watt_core::pattern::Pattern::new("C[0-9]{7}").unwrap();
    /// assert!(p.is_match("C1234567"));
    /// assert!(!p.is_match("C12345678"));
    /// ```
    pub fn is_match(&self, text: &str) -> bool {
        match &self.fixed {
            Some(sets) => fixed_match(sets, text.as_bytes()),
            None => self.regex.is_match(text),
        }
    }

    /// Whether the whole of `text` matches, reusing `cache` (made by [`Pattern::cache`]).
    pub fn is_match_cached(&self, cache: &mut PatternCache, text: &str) -> bool {
        use regex_automata::{Anchored, Input};
        if let Some(sets) = &self.fixed {
            return fixed_match(sets, text.as_bytes());
        }
        if let Some(dense) = &self.dense {
            use regex_automata::dfa::Automaton;
            let input = Input::new(text).anchored(Anchored::Yes);
            if let Ok(found) = dense.try_search_fwd(&input) {
                return found.is_some_and(|m| m.offset() == text.len());
            }
        }
        if let (Some(dfa), Some(cache)) = (&self.dfa, cache.0.as_mut()) {
            let input = Input::new(text).anchored(Anchored::Yes);
            if let Ok(found) = dfa.try_search_fwd(cache, &input) {
                return found.is_some_and(|m| m.offset() == text.len());
            }
        }
        self.regex.is_match(text)
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
    text.len() == sets.len() && sets.iter().zip(text).all(|(set, b)| set.contains(*b))
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
        assert_eq!(fast, p.regex.is_match(text), "{pattern} on {text:?}");
        assert_eq!(fast, p.is_match(text));
        fast
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
    fn fast_paths_agree_with_regex() {
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
