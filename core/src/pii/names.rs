//! Names of people in free text, with a title or without one.
//!
//! **After a title**, in any case: `Mme Durand`, `M Dupont`, `MME DURAND`, `Dr Martin`,
//! `Docteur Petit`, `Maître Roux`, `Mme T. Verdier`, `M. J.-P. Martin`, `M. Jean-Pierre Le
//! Gall`, `Monsieur de Villepin`; `rappeler monsieur dupont` in lower-case text, where only
//! the title tells (one lower-case word after a lower-case title, two when the first is a
//! given name, never a common word: `madame est absente` has no name). A title before a
//! role is not a name: `Monsieur le Maire`, `Madame la Présidente`, `M. le maire`. `Me`
//! (Maître, but also the French "me") needs a capitalised name after it (`Me Roux`).
//!
//! **Without a title**, a name is a given name next to a surname:
//! - a given name from INSEE's list (`core/data/given-names/`, the names given more than
//!   500 times in France since 1900) followed by capitalised or all-capital words:
//!   `Julie Martin`, `Julie MARTIN`, `Jean-Pierre Le Gall`, `Anne de Villepin`;
//! - a surname in capitals before a given name: `MARTIN Julie`, `LE GALL Jean-Pierre`;
//! - a given name alone after a greeting or a closing (`Bonjour Julie,`, `Merci Julie`,
//!   `Cordialement,\nJulie`, `de la part de Julie`), after `Signé :`, or as a whole cell.
//!
//! What guards the precision: the surname must not be a common word, a month, a day, a
//! role, a greeting, a brand or a word of the energy trade (`Service Client`, `Linky`,
//! `Enedis`), and an all-capital word must hold a vowel (`RDV`, `PDL` are acronyms); a
//! name after `rue`, `avenue`, `lycée`, `Saint`... is a place (`rue Victor Hugo`); given
//! names that are places (`France`, `Nancy`) need a title or a surname in capitals, and
//! those that are common words (`Rose`, `Pierre`, `Claire`) are not taken from all-capital
//! text nor alone as a whole cell.
//!
//! Limits, by design: a given name alone in a sentence (`voir avec Sophie`, `Julie a
//! rappelé`), a surname alone (`Martin absent`), a name in lower-case text without a title
//! (`j'ai eu julie martin`), and capitalised surname before given name (`Martin Julie`)
//! are not found — the minimiser's row identifiers catch the row's own names there. A
//! given name from outside the list (rare or foreign names) needs a title.
//!
//! The match covers the name only; the title, greeting or `Signé :` stays in the text.

use std::sync::OnceLock;

use super::{PiiKind, PiiMatch};

/// Whether a name may start at byte `i` of `b`: a capital letter (ASCII or Latin-1, as in
/// `Émilie`), or the first letter of a lower-case title (`monsieur`, `docteur`,
/// `professeur`). The caller checks that `i` starts a token.
pub(super) fn may_start(b: &[u8], i: usize) -> bool {
    match b[i] {
        c if c.is_ascii_uppercase() => true,
        b'm' | b'd' | b'p' => true,
        // U+00C0-U+00DE: `À` to `Þ` (without `×`, U+00D7).
        0xC3 => b
            .get(i + 1)
            .is_some_and(|&c| (0x80..=0x9E).contains(&c) && c != 0x97),
        _ => false,
    }
}

/// A name at `i`, with or without a title before it (see the module doc).
pub(super) fn name_at(text: &str, i: usize) -> Option<PiiMatch> {
    let word = word_at(text, i)?;
    let (start, end) = match title(text, word) {
        Some(follow) => after_title(text, i, follow)?,
        None => untitled(text, word)?,
    };
    Some(PiiMatch {
        kind: PiiKind::Name,
        start,
        end,
    })
}

// ---------------------------------------------------------------------------------------
// Words.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// `dupont`, `d'Estaing` (an elided particle before a capitalised word is a name:
    /// [`Word::elided`]).
    Lower,
    /// `Dupont`, `Jean-Pierre`, `N'Diaye`, `McDonald`, and a lone capital (`J`).
    Capitalised,
    /// `DUPONT`, `LE`: two letters or more, none in lower case.
    Upper,
}

/// A word: letters, with single hyphens and apostrophes between them.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    letters: usize,
    case: Case,
}

impl Word {
    fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// `d'Estaing`, `D'Amico`: an elided `de` joined to a capitalised name.
    fn elided(self, text: &str) -> bool {
        let mut chars = self.text(text).chars();
        matches!(chars.next(), Some('d' | 'D'))
            && chars.next().is_some_and(is_apostrophe)
            && chars.next().is_some_and(char::is_uppercase)
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// The word that starts at `p`, if a letter does.
fn word_at(text: &str, p: usize) -> Option<Word> {
    let mut chars = text.get(p..)?.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_alphabetic() {
        return None;
    }
    let (mut end, mut letters, mut lower) = (p + first.len_utf8(), 1, 0);
    let mut joined = false;
    for (off, c) in chars {
        if c.is_alphabetic() {
            end = p + off + c.len_utf8();
            letters += 1;
            lower += usize::from(c.is_lowercase());
            joined = false;
        } else if (c == '-' || is_apostrophe(c)) && !joined {
            joined = true;
        } else {
            break;
        }
    }
    let case = if !first.is_uppercase() {
        Case::Lower
    } else if lower == 0 && letters >= 2 {
        Case::Upper
    } else {
        Case::Capitalised
    };
    Some(Word {
        start: p,
        end,
        letters,
        case,
    })
}

/// Where the next word starts after `p`, past exactly one space (or no-break space).
fn space_after(text: &str, p: usize) -> Option<usize> {
    let c = text.get(p..)?.chars().next()?;
    matches!(c, ' ' | '\u{a0}' | '\u{202f}').then_some(p + c.len_utf8())
}

/// The word after `p` and one space.
fn next_word(text: &str, p: usize) -> Option<Word> {
    word_at(text, space_after(text, p)?)
}

/// The word that ends before `i` (its last 40 characters), and what lies between it and
/// `i` (at most 8 characters of spaces and punctuation).
fn word_before(text: &str, i: usize) -> Option<(&str, &str)> {
    let before = text.get(..i)?;
    let (k, c) = before
        .char_indices()
        .rev()
        .take(9)
        .find(|(_, c)| c.is_alphanumeric())?;
    let end = k + c.len_utf8();
    let gap = &before[end..];
    let mut start = end;
    for (k, c) in before[..end].char_indices().rev().take(40) {
        if !(c.is_alphanumeric() || c == '-') {
            break;
        }
        start = k;
    }
    Some((&before[start..end], gap))
}

/// A word lower-cased and without accents (`Hélène` → `helene`), ASCII only; `None` for
/// a word of more than 20 bytes or with letters outside Latin-1 (not in any list here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Folded {
    bytes: [u8; 20],
    len: usize,
}

impl Folded {
    fn of(word: &str) -> Option<Folded> {
        let mut bytes = [0; 20];
        let mut len = 0;
        for c in word.chars() {
            *bytes.get_mut(len)? = fold_char(c)?;
            len += 1;
        }
        Some(Folded { bytes, len })
    }

    fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    fn is_in(&self, list: &[&str]) -> bool {
        list.contains(&self.as_str())
    }

    /// A given name of the list, or a compound of them (`Marie-Lou`).
    fn is_given_name(&self) -> bool {
        let s = self.as_str();
        is_listed(s) || (s.contains('-') && s.split('-').all(|part| is_listed(part)))
    }
}

fn fold_char(c: char) -> Option<u8> {
    if c.is_ascii() {
        return (c.is_ascii_alphabetic() || c == '-' || c == '\'')
            .then_some(c.to_ascii_lowercase() as u8);
    }
    Some(match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => b'a',
        'ç' | 'Ç' => b'c',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => b'e',
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => b'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => b'o',
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => b'u',
        'ÿ' | 'ý' | 'Ÿ' | 'Ý' => b'y',
        'ñ' | 'Ñ' => b'n',
        '’' => b'\'',
        _ => return None,
    })
}

fn folded(text: &str, w: Word) -> Option<Folded> {
    Folded::of(w.text(text))
}

// ---------------------------------------------------------------------------------------
// The given-name list.

/// Bytes of a name of the list, zero-padded: the arrays sort as the names do.
type Key = [u8; 16];

/// INSEE's given names (see `core/data/given-names/README.md`), front-coded: each line is
/// `'0' + n`, `n` the bytes shared with the line before, then the rest of the name.
const GIVEN_NAMES: &[u8] = include_bytes!("../../data/given-names/given-names.fc");

fn given_names() -> &'static [Key] {
    static NAMES: OnceLock<Vec<Key>> = OnceLock::new();
    NAMES.get_or_init(|| decode(GIVEN_NAMES))
}

fn decode(front_coded: &[u8]) -> Vec<Key> {
    let mut names = Vec::with_capacity(front_coded.len() / 4);
    let mut name: Key = [0; 16];
    for line in front_coded.split(|&b| b == b'\n') {
        let Some((&shared, rest)) = line.split_first() else {
            continue;
        };
        let shared = usize::from(shared.wrapping_sub(b'0')).min(16);
        let end = (shared + rest.len()).min(16);
        name[shared..].fill(0);
        name[shared..end].copy_from_slice(&rest[..end - shared]);
        names.push(name);
    }
    names
}

fn is_listed(folded: &str) -> bool {
    let mut key: Key = [0; 16];
    match key.get_mut(..folded.len()) {
        Some(k) => k.copy_from_slice(folded.as_bytes()),
        None => return false,
    }
    given_names().binary_search(&key).is_ok()
}

// ---------------------------------------------------------------------------------------
// Titles.

/// What a title accepts after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Follow {
    /// Capitalised and all-capital names, initials (`Mme T. Verdier`).
    Names,
    /// Also lower-case names: after a lower-case title (`monsieur dupont`).
    NamesOrLower,
    /// A capitalised name only: after `Me`, also the French "me".
    Capitalised,
}

/// Whether `word` is a title, and then what may follow it; `Follow` counts from the end
/// of the title, its dot, and for a signature the colon or `par` after it.
fn title(text: &str, word: Word) -> Option<(usize, Follow)> {
    if word.letters > 12 {
        return None;
    }
    let t = folded(text, word)?;
    let dot = text[word.end..].starts_with('.');
    let end = word.end + usize::from(dot);
    let lower = word.case == Case::Lower;
    let follow = if lower {
        Follow::NamesOrLower
    } else {
        Follow::Names
    };
    let raw = word.text(text);
    match t.as_str() {
        "monsieur" | "madame" | "mademoiselle" | "docteur" | "professeur" | "maitre" => {
            Some((word.end, follow))
        }
        "mme" | "mlle" | "mr" => Some((end, follow)),
        // Not `m` (metres) nor `M` in a word: a capital alone, with or without a dot.
        "m" if raw == "M" => Some((end, Follow::Names)),
        // `DR` without a dot is also a regional direction; `dr` is not written.
        "dr" | "pr" if raw.len() == 2 && !lower && (dot || word.case == Case::Capitalised) => {
            Some((end, Follow::Names))
        }
        "me" if raw == "Me" => Some((end, Follow::Capitalised)),
        "signe" | "signature" if !lower => {
            // `Signé : X`, `Signé: X`, `Signé par X`, `Signé X`.
            let rest = &text[word.end..];
            let after = [" : ", ": ", " par ", " "]
                .iter()
                .find(|sep| rest.starts_with(**sep))?;
            // The space the name follows is left for `after_title`.
            Some((word.end + after.len() - 1, Follow::Names))
        }
        _ => None,
    }
}

fn is_title(t: &Folded) -> bool {
    t.is_in(&[
        "monsieur",
        "madame",
        "mademoiselle",
        "mme",
        "mlle",
        "mr",
        "docteur",
        "professeur",
        "maitre",
        "dr",
        "pr",
        "me",
        "messieurs",
        "mesdames",
    ])
}

/// The name after a title that ends at `end`.
fn after_title(text: &str, i: usize, (end, follow): (usize, Follow)) -> Option<(usize, usize)> {
    if place_before(text, i) {
        return None;
    }
    let start = space_after(text, end)?;
    if follow == Follow::Capitalised {
        let first = word_at(text, start)?;
        if first.case != Case::Capitalised || first.letters < 2 {
            return None;
        }
    }
    let surname = match follow {
        Follow::Capitalised => start,
        _ => initials(text, start).unwrap_or(start),
    };
    let mode = match follow {
        Follow::NamesOrLower => Mode::Lower,
        _ => Mode::Titled,
    };
    Some((start, surname_run(text, surname, mode)?))
}

/// Where the name starts after initials at `p` (`T. `, `J.-P. `, `J-P `, `J.P. `).
fn initials(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut q = p;
    loop {
        // One capital, not the start of a word.
        let letter = b.get(q).is_some_and(u8::is_ascii_uppercase)
            && b.get(q + 1)
                .is_none_or(|c| !c.is_ascii_alphabetic() && *c < 0x80);
        if !letter {
            return None;
        }
        q += 1;
        let dot = b.get(q) == Some(&b'.');
        q += usize::from(dot);
        match b.get(q) {
            Some(b'-') => q += 1,
            Some(c) if dot && c.is_ascii_uppercase() => {}
            _ => return space_after(text, q),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Surnames.

/// Which words a run of name words takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// After a title: capitalised and all-capital words.
    Titled,
    /// After a lower-case title: also one lower-case word, two when the first is a given
    /// name (`monsieur jean dupont`).
    Lower,
    /// After a given name, without a title: capitalised and all-capital words.
    Untitled,
}

/// Particles of surnames, before a name word: `de Villepin`, `Le Gall`, `van Damme`.
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "de", "du", "des", "le", "la", "van", "von", "der", "den", "da", "di", "del", "della",
    "dos", "das", "ben", "ibn", "bin", "el", "al", "ould",
];

/// The end of a run of up to 4 name words at `p` (with particles between them).
fn surname_run(text: &str, p: usize, mode: Mode) -> Option<usize> {
    let mut end = None;
    let (mut q, mut words, mut particles) = (p, 0, 0);
    let mut first_given = false;
    while words < 4 {
        let Some(w) = word_at(text, q) else { break };
        let Some(t) = folded(text, w) else {
            // Letters outside Latin-1 (`Łukasz`, `Nguyễn`): a name word when capitalised.
            if w.case == Case::Lower || w.letters < 2 {
                break;
            }
            end = Some(w.end);
            words += 1;
            match space_after(text, w.end) {
                Some(n) => q = n,
                None => break,
            }
            continue;
        };
        if t.is_in(PARTICLES) && particles < 2 {
            // A particle counts only before a name word (`le Maire` is a role).
            match space_after(text, w.end) {
                Some(n) => {
                    q = n;
                    particles += 1;
                    continue;
                }
                None => break,
            }
        }
        let lower_ok = mode == Mode::Lower && (words == 0 || (words == 1 && first_given));
        if !is_name_word(text, w, &t, lower_ok) {
            break;
        }
        if words == 0 {
            first_given = w.case == Case::Lower && t.is_given_name();
        }
        end = Some(w.end);
        words += 1;
        particles = 0;
        match space_after(text, w.end) {
            Some(n) => q = n,
            None => break,
        }
    }
    end
}

/// Whether `w` can be a word of a name: two letters or more, capitalised (`Durand`,
/// `d'Estaing`), in capitals with a vowel (`DURAND`, not `RDV`), or lower case when
/// `lower_ok`; not a title, nor a word of [`NOT_NAMES`].
fn is_name_word(text: &str, w: Word, t: &Folded, lower_ok: bool) -> bool {
    if w.letters < 2 || is_title(t) || t.is_in(NOT_NAMES) {
        return false;
    }
    match w.case {
        Case::Capitalised => true,
        Case::Upper => t.as_str().bytes().any(|c| b"aeiouy".contains(&c)),
        Case::Lower => {
            w.elided(text) || (lower_ok && !w.text(text).contains(is_apostrophe) && w.letters > 2)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Names without a title.

/// A name without a title at `w` (see the module doc): the span it covers.
fn untitled(text: &str, w: Word) -> Option<(usize, usize)> {
    if w.case == Case::Lower || !(2..=20).contains(&w.letters) {
        return None;
    }
    let next = next_word(text, w.end);
    // Shapes first, the list last: most capitalised words are not followed by a name.
    let next_may_be_surname = next.is_some_and(|n| n.case != Case::Lower || n.letters <= 5);
    if next_may_be_surname {
        if let Some(end) = given_then_surname(text, w) {
            return Some((w.start, end));
        }
        if let Some(end) = surname_then_given(text, w) {
            return Some((w.start, end));
        }
    }
    lone_given_name(text, w).then_some((w.start, w.end))
}

/// `Julie Martin`, `Julie MARTIN`, `Anne de Villepin`: the end of the surname.
fn given_then_surname(text: &str, w: Word) -> Option<usize> {
    let start = space_after(text, w.end)?;
    let end = surname_run(text, start, Mode::Untitled)?;
    let t = folded(text, w)?;
    if t.is_in(NOT_NAMES) || !t.is_given_name() || place_before(text, w.start) {
        return None;
    }
    // `France Télécom`: a place needs its surname in capitals (`France MARTIN`).
    let surname_upper = word_at(text, start).is_some_and(|n| n.case == Case::Upper);
    if t.is_in(PLACES) && !surname_upper {
        return None;
    }
    // In all-capital text, a common word is not a given name (`ROSE POUDRE`).
    if w.case == Case::Upper && surname_upper && t.is_in(COMMON_WORDS) {
        return None;
    }
    Some(end)
}

/// `MARTIN Julie`, `LE GALL Jean-Pierre`: capitals, then capitalised given names.
fn surname_then_given(text: &str, w: Word) -> Option<usize> {
    if w.case != Case::Upper {
        return None;
    }
    let mut q = w.start;
    let mut surname = false;
    for _ in 0..4 {
        let word = word_at(text, q).filter(|x| x.case == Case::Upper)?;
        let t = folded(text, word)?;
        if !t.is_in(PARTICLES) {
            if !is_name_word(text, word, &t, false) {
                return None;
            }
            surname = true;
        }
        q = space_after(text, word.end)?;
        let next = word_at(text, q)?;
        if surname && next.case == Case::Capitalised {
            break;
        }
    }
    let mut end = None;
    while let Some(g) = word_at(text, q).filter(|g| g.case == Case::Capitalised) {
        if !folded(text, g).is_some_and(|t| t.is_given_name() && !t.is_in(NOT_NAMES)) {
            break;
        }
        end = Some(g.end);
        match space_after(text, g.end) {
            Some(n) => q = n,
            None => break,
        }
    }
    if place_before(text, w.start) {
        return None;
    }
    end
}

/// A given name alone: after a greeting or a closing, or as a whole cell.
fn lone_given_name(text: &str, w: Word) -> bool {
    // The end first: only the last word of a cell gets to look at all before it.
    let whole_cell = text[w.end..]
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | '!'))
        .is_empty()
        && text[..w.start].trim().is_empty();
    if !(whole_cell || greeted(text, w.start)) {
        return false;
    }
    let Some(t) = folded(text, w) else {
        return false;
    };
    t.is_given_name()
        && !t.is_in(PLACES)
        && !t.is_in(NOT_NAMES)
        && !(whole_cell && t.is_in(COMMON_WORDS))
}

/// Whether a greeting or a closing comes before `i`: `Bonjour Julie`, `Merci, Julie`,
/// `Cordialement,\nJulie`, `de la part de Julie`, `à l'attention d'Anne`.
fn greeted(text: &str, i: usize) -> bool {
    let Some((before, gap)) = word_before(text, i) else {
        return false;
    };
    let Some(b) = Folded::of(before) else {
        return false;
    };
    if b.is_in(GREETINGS) || (gap.contains([',', '\n', ':']) && b.is_in(CLOSINGS)) {
        return true;
    }
    let de = b.as_str() == "de" || (b.as_str() == "d" && gap.starts_with(is_apostrophe));
    de && word_before(text, i - gap.len() - before.len())
        .is_some_and(|(w, gap)| gap == " " && ["part", "attention"].contains(&w))
}

/// Whether the word before `i` names a place (`rue Victor Hugo`, `lycée Jean Moulin`,
/// `rue du Docteur Roux`, `place de la Victoire`, `Saint Denis`).
fn place_before(text: &str, i: usize) -> bool {
    let mut i = i;
    // The place word, or up to two particles and then the place word.
    for _ in 0..3 {
        let Some((before, gap)) = word_before(text, i) else {
            return false;
        };
        let Some(b) = Folded::of(before).filter(|_| matches!(gap, " " | "\u{a0}" | "'")) else {
            return false;
        };
        if b.is_in(PLACE_WORDS) {
            return true;
        }
        if !b.is_in(&["de", "du", "des", "la", "le", "l", "d"]) {
            return false;
        }
        i -= gap.len() + before.len();
    }
    false
}

// ---------------------------------------------------------------------------------------
// Word lists (folded: lower case, no accents).

/// Words that are never a name word: French function words, verbs and adjectives a note
/// says of a person (`madame est absente`), roles (`Monsieur le Maire`), greetings,
/// months and days, and words of the energy trade and its brands (`Service Client`,
/// `Enedis`). Surnames that are also words (`Petit`, `Blanc`, `Moulin`) are not here.
#[rustfmt::skip]
const NOT_NAMES: &[&str] = &[
    // Function words.
    "a", "ai", "alors", "apres", "au", "aucun", "aussi", "autre", "aux", "avant", "avec",
    "bien", "car", "ce", "ceci", "cela", "ces", "cet", "cette", "chez", "comme", "dans",
    "deja", "depuis", "donc", "elle", "elles", "en", "encore", "ensuite", "entre", "est",
    "et", "etc", "eux", "ici", "il", "ils", "je", "jamais", "leur", "leurs", "les", "lui",
    "ma", "mais", "meme", "mes", "moi", "mon", "ne", "ni", "non", "nos", "notre", "nous",
    "on", "ou", "oui", "par", "pas", "pendant", "peu", "plus", "pour", "pourquoi", "puis",
    "quand", "que", "quel", "quelle", "qui", "quoi", "rien", "sa", "sans", "se", "selon",
    "ses", "si", "son", "sont", "sous", "sur", "ta", "te", "tes", "toi", "ton", "toujours",
    "tous", "tout", "toute", "toutes", "tres", "trop", "tu", "un", "une", "vers", "via",
    "vos", "votre", "vous", "ok", "svp", "stp", "cf", "nb", "ps", "pj", "re", "tr", "fw",
    "fwd", "objet", "urgent", "important", "info", "infos", "rappel", "appel",
    // Verbs and adjectives said of a person.
    "absent", "absente", "accepte", "appele", "appelee", "appeler", "appelle", "arrive",
    "arrivee", "attend", "aura", "avait", "avoir", "conteste", "contacte", "contactee",
    "contacter", "confirme", "decede", "decedee", "demande", "demenage", "demenagee", "dit",
    "doit", "explique", "etait", "etre", "fait", "habite", "indique", "informe", "informee",
    "injoignable", "joignable", "joint", "jointe", "joindre", "mecontent", "mecontente",
    "occupe", "parti", "partie", "passe", "passee", "peut", "precise", "present",
    "presente", "prevenu", "prevenue", "rappele", "rappelee", "rappeler", "rappelle",
    "rappellera", "reclame", "refuse", "relance", "relancee", "reste", "satisfait",
    "satisfaite", "sera", "seul", "seule", "signale", "sortie", "souhaite", "va", "veut",
    "vient", "voir", "vu", "vue",
    // Roles.
    "abonne", "abonnee", "adjoint", "adjointe", "agent", "avocat", "avocate", "bailleur",
    "chef", "client", "cliente", "clients", "commissaire", "comptable", "concierge",
    "conseiller", "conseillere", "depute", "deputee", "directeur", "directrice",
    "electricien", "epoux", "epouse", "famille", "femme", "fils", "fille", "frere",
    "gardien", "gardienne", "gerant", "gerante", "heritier", "heritiere", "huissier",
    "installateur", "interlocuteur", "interlocutrice", "juge", "locataire", "maire",
    "mandataire", "mari", "medecin", "mediateur", "mediatrice", "mere", "ministre",
    "notaire", "occupant", "occupante", "operateur", "operatrice", "pere", "plombier",
    "prefet", "prefete", "president", "presidente", "proprietaire", "releveur",
    "representant", "representante", "responsable", "secretaire", "senateur", "soeur",
    "superviseur", "syndic", "technicien", "technicienne", "titulaire", "tuteur", "tutrice",
    "usager", "voisin", "voisine",
    // Greetings and closings.
    "bonjour", "bonsoir", "salut", "merci", "cordialement", "salutations", "madame",
    // Months and days.
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
    "samedi", "dimanche",
    // The trade, its firms and acronyms.
    "agence", "assurance", "banque", "caf", "caisse", "centre", "cie", "clientele",
    "compteur", "compteurs", "contrat", "cpam", "credit", "direction", "dossier", "edf",
    "energie", "energies", "engie", "enedis", "entreprise", "erdf", "eurl", "facture",
    "gaz", "gazpar", "gdf", "grdf", "groupe", "index", "intervention", "linky", "mairie",
    "orange", "poste", "ras", "rdv", "reseau", "reseaux", "rte", "sa", "sarl", "sas", "sav",
    "sci", "service", "services", "sfr", "societe", "telecom", "total", "totalenergies",
    "urssaf", "veolia", "free", "bouygues", "ekwateur", "vattenfall", "sowee", "iberdrola",
    "cb", "rib", "iban", "pdl", "prm", "siret", "siren", "tel", "fax", "mail", "email",
    "sms",
];

/// Given names that are also places or brands: `France Télécom`, `Nancy Centre`.
const PLACES: &[&str] = &["france", "lorraine", "mercedes", "nancy", "israel", "india"];

/// Given names that are also common words, not taken from all-capital text nor alone as
/// a whole cell.
#[rustfmt::skip]
const COMMON_WORDS: &[&str] = &[
    "aime", "aimee", "ambre", "ange", "aurore", "avril", "blanche", "candide", "capucine",
    "celeste", "cerise", "clair", "claire", "clement", "colombe", "constance", "constant",
    "desire", "desiree", "divine", "esperance", "fidele", "fleur", "flore", "fortune",
    "grace", "harmonie", "iris", "jade", "juste", "lilas", "line", "loup", "marin",
    "marine", "melodie", "modeste", "noel", "olive", "parfait", "patience", "perle",
    "pierre", "placide", "prudence", "prune", "rose", "sauveur", "toussaint", "victoire",
    "violette", "vital",
];

/// Before a given name, a greeting says it is one: `Bonjour Julie`.
#[rustfmt::skip]
const GREETINGS: &[&str] = &[
    "bonjour", "bonsoir", "salut", "coucou", "hello", "merci", "cher", "chere", "signe",
];

/// Before a given name and a comma or line break, a closing says it is one:
/// `Cordialement,\nJulie`.
#[rustfmt::skip]
const CLOSINGS: &[&str] = &[
    "cordialement", "amicalement", "salutations", "sincerement", "respectueusement",
    "bises", "bisous", "remerciements", "vous", "journee", "soiree", "merci",
];

/// Words before a name that make it a place: `rue Victor Hugo`, `lycée Jean Moulin`.
#[rustfmt::skip]
const PLACE_WORDS: &[&str] = &[
    "rue", "avenue", "av", "bd", "boulevard", "place", "pl", "allee", "impasse", "imp",
    "chemin", "quai", "square", "cours", "route", "rte", "passage", "cite", "residence",
    "res", "lotissement", "hameau", "faubourg", "parvis", "esplanade", "promenade",
    "rond-point", "voie", "villa", "sentier", "pont", "port", "quartier", "lycee",
    "college", "ecole", "gymnase", "stade", "piscine", "hopital", "hospitalier", "clinique",
    "chu", "ehpad", "centre", "salle", "espace", "maison", "gare", "station", "metro",
    "aeroport", "parc", "jardin", "musee", "theatre", "cinema", "bibliotheque",
    "mediatheque", "institut", "fondation", "universite", "campus", "eglise", "cathedrale",
    "chapelle", "basilique", "ile", "saint", "sainte", "st", "ste", "notre", "mont", "fort",
    "prix",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::{KindSet, detect};

    /// The names found in `text`.
    fn names(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        detect(text, KindSet::ALL, &mut out);
        out.iter()
            .filter(|m| m.kind == PiiKind::Name)
            .map(|m| &text[m.start..m.end])
            .collect()
    }

    fn check(cases: &[(&str, &[&str])]) {
        for (text, want) in cases {
            assert_eq!(names(text), *want, "{text:?}");
        }
    }

    #[test]
    fn civility_titles_with_or_without_a_dot_and_in_capitals() {
        check(&[
            ("Vu avec M Dupont ce matin", &["Dupont"]),
            ("M. Dupont présent", &["Dupont"]),
            ("Mme. Durand absente", &["Durand"]),
            ("APPEL DE MADAME DURAND", &["DURAND"]),
            ("RAPPELER MME PETIT SVP", &["PETIT"]),
            ("MR MARTIN INJOIGNABLE", &["MARTIN"]),
            ("MLLE ROUX", &["ROUX"]),
            (
                "MONSIEUR JEAN-PIERRE LE GALL A APPELE",
                &["JEAN-PIERRE LE GALL"],
            ),
            ("Mme DURAND souhaite un rappel", &["DURAND"]),
            ("Mme ROY, 3e étage", &["ROY"]),
            ("Madame Émilie Dubois", &["Émilie Dubois"]),
        ]);
    }

    #[test]
    fn professional_titles() {
        check(&[
            ("Certificat du Docteur Petit", &["Petit"]),
            ("Dr Martin, cardiologue", &["Martin"]),
            ("Dr. Martin", &["Martin"]),
            ("DR. MARTIN", &["MARTIN"]),
            ("Pr Lambert", &["Lambert"]),
            ("Professeur Lambert", &["Lambert"]),
            ("Maître Roux, notaire", &["Roux"]),
            ("Maitre Roux", &["Roux"]),
            ("MAÎTRE ROUX", &["ROUX"]),
            ("Me Roux, avocat de la cliente", &["Roux"]),
            ("Me. Roux", &["Roux"]),
        ]);
        // `Me` is also the French "me"; `DR` without a dot a regional direction.
        check(&[
            ("Me rappeler demain", &[]),
            ("Me Rappeler demain", &[]),
            ("IL ME DEMANDE UN RAPPEL", &[]),
            ("NE ME CONTACTEZ PAS", &[]),
            ("DR SUD-OUEST", &[]),
            ("Dossier transmis à la DR Nord", &[]),
        ]);
    }

    #[test]
    fn initials_before_the_surname() {
        check(&[
            ("Mme T. Verdier a rappelé", &["T. Verdier"]),
            ("M. J.-P. Martin", &["J.-P. Martin"]),
            ("M. J-P Martin", &["J-P Martin"]),
            ("Mme J.P. Durand", &["J.P. Durand"]),
            ("M. J Martin", &["J Martin"]),
            ("Signé : B. Petit", &["B. Petit"]),
        ]);
        check(&[("M. A.", &[]), ("Mme T.", &[])]);
    }

    #[test]
    fn lower_case_titles() {
        check(&[
            ("rappeler monsieur dupont", &["dupont"]),
            ("rappeler monsieur dupont demain", &["dupont"]),
            ("voir monsieur jean dupont demain", &["jean dupont"]),
            ("mme durand absente", &["durand"]),
            ("madame Durand", &["Durand"]),
            ("monsieur de villepin", &["de villepin"]),
            ("docteur martin", &["martin"]),
        ]);
        check(&[
            ("madame est absente", &[]),
            ("monsieur souhaite être rappelé", &[]),
            ("madame a appelé", &[]),
            ("madame n'est pas joignable", &[]),
            ("monsieur et madame", &[]),
            ("madame la gardienne", &[]),
            ("monsieur le client", &[]),
            ("madame, monsieur", &[]),
        ]);
    }

    #[test]
    fn a_title_before_a_role_is_not_a_name() {
        check(&[
            ("Courrier à Monsieur le Maire", &[]),
            ("Monsieur le Directeur,", &[]),
            ("Madame la Présidente du syndic", &[]),
            ("Madame la Directrice a signé", &[]),
            ("MONSIEUR LE MAIRE", &[]),
            ("monsieur le maire", &[]),
            ("M. le maire", &[]),
            ("Monsieur le Préfet", &[]),
            ("Madame Monsieur", &[]),
            ("Bonjour Madame, Monsieur,", &[]),
            ("Mme RAS", &[]),
            ("Monsieur EDF", &[]),
        ]);
        // A particle before a surname is still a name.
        check(&[
            ("Monsieur Le Gall", &["Le Gall"]),
            ("Madame La Fontaine", &["La Fontaine"]),
        ]);
    }

    #[test]
    fn given_name_and_surname_without_a_title() {
        check(&[
            ("j'ai eu Julie Martin au téléphone", &["Julie Martin"]),
            ("Appel de Julie MARTIN ce matin", &["Julie MARTIN"]),
            ("Contact : MARTIN Julie", &["MARTIN Julie"]),
            ("Vu avec Jean-Pierre Le Gall", &["Jean-Pierre Le Gall"]),
            ("Anne de Villepin, propriétaire", &["Anne de Villepin"]),
            ("LE GALL Jean-Pierre", &["LE GALL Jean-Pierre"]),
            ("Émilie Dubois rappellera", &["Émilie Dubois"]),
            ("HELENE PETIT", &["HELENE PETIT"]),
            ("Hélène Petit", &["Hélène Petit"]),
            ("APPEL DE JULIE MARTIN POUR UN RDV", &["JULIE MARTIN"]),
            (
                "Pierre Martin et Claire Dubois",
                &["Pierre Martin", "Claire Dubois"],
            ),
            ("Marie-Lou Bernard", &["Marie-Lou Bernard"]),
            ("Julie Da Silva", &["Julie Da Silva"]),
            ("Mohamed Ben Ali", &["Mohamed Ben Ali"]),
        ]);
    }

    #[test]
    fn signatures_greetings_and_whole_cells() {
        check(&[
            ("Signé : Bernard Petit", &["Bernard Petit"]),
            ("Signé: Bernard Petit", &["Bernard Petit"]),
            ("Signé par Petit", &["Petit"]),
            ("Merci.\nCordialement,\nBernard Petit", &["Bernard Petit"]),
            ("Bonjour Julie, pouvez-vous rappeler", &["Julie"]),
            ("Merci Julie !", &["Julie"]),
            ("Cordialement,\nJulie", &["Julie"]),
            ("Bien à vous, Julie", &["Julie"]),
            ("de la part de Julie", &["Julie"]),
            ("de la part d'Anne", &["Anne"]),
            ("Julie", &["Julie"]),
            (" Jean-Pierre. ", &["Jean-Pierre"]),
            ("Bonjour Claire,", &["Claire"]),
        ]);
        check(&[
            ("Signé : le client", &[]),
            ("Signé électroniquement", &[]),
            ("Bonjour France", &[]),
            ("Rose", &[]),
            ("France", &[]),
            ("Cordialement, Enedis", &[]),
        ]);
    }

    #[test]
    fn places_streets_firms_and_capitalised_words_are_not_names() {
        check(&[
            ("12 rue Victor Hugo", &[]),
            ("12 RUE VICTOR HUGO", &[]),
            ("avenue Jean Jaurès, 75019", &[]),
            ("Lycée Jean Moulin", &[]),
            ("rue du Docteur Roux", &[]),
            ("place du Général Leclerc", &[]),
            ("Agence de Saint-Denis", &[]),
            ("à Saint Denis", &[]),
            ("Île Maurice", &[]),
            ("Service Client", &[]),
            ("Transmis au Service Client Enedis", &[]),
            ("Compteur Linky posé", &[]),
            ("Enedis", &[]),
            ("France Télécom", &[]),
            ("Relevé Estimé", &[]),
            ("Passage Lundi Matin", &[]),
            ("Relevé du 12 Mai", &[]),
            ("Avril Lundi", &[]),
            ("APPEL EDF POUR RDV LINKY", &[]),
            ("RDV PDL PRM EDF", &[]),
            ("MARIE EST PASSEE", &[]),
            ("ROSE POUDRE", &[]),
            ("Julie a rappelé", &[]),
        ]);
    }

    #[test]
    fn names_do_not_run_into_emails() {
        let text = "Julie Martin@example.fr";
        let mut out = Vec::new();
        detect(text, KindSet::ALL, &mut out);
        let found: Vec<_> = out
            .iter()
            .map(|m| (m.kind, &text[m.start..m.end]))
            .collect();
        assert_eq!(
            found,
            [
                (PiiKind::Name, "Julie"),
                (PiiKind::Email, "Martin@example.fr")
            ]
        );
        check(&[(
            "écrire à julie.martin@example.fr, Julie Martin",
            &["Julie Martin"],
        )]);
    }

    #[test]
    fn the_list_decodes_to_the_plain_list_sorted() {
        let plain = include_str!("../../data/given-names/given-names.txt");
        let decoded: Vec<&str> = given_names()
            .iter()
            .map(|k| {
                let len = k.iter().position(|&b| b == 0).unwrap_or(16);
                std::str::from_utf8(&k[..len]).expect("ASCII")
            })
            .collect();
        let lines: Vec<&str> = plain.lines().collect();
        assert_eq!(decoded, lines);
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(lines.len() > 4000, "{}", lines.len());
        for name in [
            "julie",
            "jean-pierre",
            "helene",
            "bernard",
            "martin",
            "emilie",
        ] {
            assert!(is_listed(name), "{name}");
        }
        for word in ["saint", "el", "service", "compteur"] {
            assert!(!is_listed(word), "{word}");
        }
    }
}
