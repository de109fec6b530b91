//! Names of people in free text: a name after a civility title (`Mme Durand`,
//! `M. Jean-Pierre Le Gall`). The match is the name only; the title stays.

use super::{PiiKind, PiiMatch};

const TITLES: &[&str] = &[
    "Monsieur",
    "Madame",
    "Mademoiselle",
    "monsieur",
    "madame",
    "mademoiselle",
    "Mme.",
    "Mme",
    "Mlle.",
    "Mlle",
    "Mr.",
    "Mr",
    "M.",
    "Dr.",
    "Dr",
    "Me",
];
/// Longest first: `des Forges` is not `de` followed by `s Forges`.
const PARTICLES: &[&str] = &["des", "de", "du", "le", "la", "d'"];

/// A name after a civility title: `Mme Durand`, `M. Jean-Pierre Le Gall`. The match is the
/// name only; the title stays (it is not personal and keeps the text readable).
pub(super) fn name_at(text: &str, i: usize) -> Option<PiiMatch> {
    let rest = &text[i..];
    let title = TITLES.iter().find(|t| rest.starts_with(**t))?;
    let mut p = i + title.len();
    if !text[p..].starts_with(' ') {
        return None;
    }
    p += 1;
    let start = p;
    let mut end = None;
    let mut words = 0;
    while words < 4 {
        let word_end = capitalised_word(text, p);
        match word_end {
            Some(e) => {
                end = Some(e);
                words += 1;
                p = e;
            }
            None => {
                let particle = PARTICLES.iter().find(|w| text[p..].starts_with(**w));
                match particle {
                    // A particle joins a name (`Anne de Villepin`) or starts one
                    // (`Mlle du Pont`) when a capitalised word follows it.
                    Some(w)
                        if (w.ends_with('\'') || text[p + w.len()..].starts_with(' '))
                            && capitalised_word(
                                text,
                                p + w.len() + usize::from(!w.ends_with('\'')),
                            )
                            .is_some() =>
                    {
                        p += w.len() + usize::from(!w.ends_with('\''));
                        continue;
                    }
                    _ => break,
                }
            }
        }
        let next_is_name = || {
            capitalised_word(text, p + 1).is_some()
                || PARTICLES.iter().any(|w| text[p + 1..].starts_with(*w))
        };
        if text[p..].starts_with(' ') && next_is_name() {
            p += 1;
        } else {
            break;
        }
    }
    end.map(|end| PiiMatch {
        kind: PiiKind::Name,
        start,
        end,
    })
}

/// A word starting with a capital letter (`Durand`, `Jean-Pierre`, `D'Artagnan`), at least
/// two letters; returns its end.
fn capitalised_word(text: &str, p: usize) -> Option<usize> {
    let mut chars = text.get(p..)?.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let mut end = p + first.len_utf8();
    let mut letters = 1;
    for (off, c) in chars {
        if c.is_alphabetic() || ((c == '-' || c == '\'') && letters > 0) {
            end = p + off + c.len_utf8();
            if c.is_alphabetic() {
                letters += 1;
            }
        } else {
            break;
        }
    }
    let word = &text[p..end];
    let trimmed = word.trim_end_matches(['-', '\'']);
    // "Madame Monsieur": a title is not a name.
    if TITLES.contains(&trimmed) {
        return None;
    }
    // "RAS", "PDL", "EDF": all-capital short words are acronyms, not names.
    let acronym = trimmed.chars().all(|c| !c.is_lowercase()) && trimmed.chars().count() <= 4;
    (letters >= 2 && !acronym).then_some(p + trimmed.len())
}
