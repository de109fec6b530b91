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
/// `Émilie`), or a lower-case title (`monsieur`, `mme`, `docteur`). The caller checks that
/// `i` starts a token.
#[inline]
pub(super) fn may_start(b: &[u8], i: usize) -> bool {
    match b[i] {
        c if c.is_ascii_uppercase() => true,
        // Every byte of the text comes here: most are inside a word.
        b'm' | b'd' | b'p' if i > 0 && b[i - 1].is_ascii_alphabetic() => false,
        b'm' | b'd' | b'p' => lower_title_at(&b[i..]),
        // U+00C0-U+00DE: `À` to `Þ` (without `×`, U+00D7).
        0xC3 => b
            .get(i + 1)
            .is_some_and(|&c| (0x80..=0x9E).contains(&c) && c != 0x97),
        _ => false,
    }
}

#[inline(never)]
fn lower_title_at(rest: &[u8]) -> bool {
    match rest[0] {
        b'm' => LOWER_TITLES.iter().any(|t| rest.starts_with(t)),
        b'd' => rest.starts_with(b"docteur"),
        _ => rest.starts_with(b"professeur"),
    }
}

/// The lower-case titles that start with `m`.
const LOWER_TITLES: &[&[u8]] = &[
    b"m.",
    b"monsieur",
    b"madame",
    b"mademoiselle",
    b"mme",
    b"mlle",
    b"mr",
    b"maitre",
    "maître".as_bytes(),
];

/// A name at `i`, with or without a title before it (see the module doc).
pub(super) fn name_at(text: &str, i: usize) -> Option<PiiMatch> {
    let word = word_at(text, i)?;
    // Every title starts with one of these letters: other words are not looked up yet.
    let lex = matches!(text.as_bytes()[i] | 0x20, b'm' | b'd' | b'p' | b's')
        .then(|| Lex::of(word.text(text)));
    let (start, end) = match lex.and_then(|lex| title(text, word, lex)) {
        Some(follow) => after_title(text, i, follow)?,
        None => untitled(text, word, lex)?,
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
    let b = text.as_bytes();
    let (mut q, mut end, mut letters, mut lower) = (p, p, 0, 0);
    loop {
        // A run of letters; ASCII ones without decoding.
        let run = q;
        loop {
            match b.get(q) {
                Some(c) if c.is_ascii_alphabetic() => {
                    lower += usize::from(c.is_ascii_lowercase());
                    letters += 1;
                    q += 1;
                }
                Some(c) if !c.is_ascii() => {
                    let ch = text.get(q..)?.chars().next()?;
                    let (letter, upper) = letter_case(ch);
                    if !letter {
                        break;
                    }
                    lower += usize::from(!upper);
                    letters += 1;
                    q += ch.len_utf8();
                }
                _ => break,
            }
        }
        if q == run {
            break;
        }
        end = q;
        // A hyphen or an apostrophe joins two runs: `Jean-Pierre`, `N'Diaye`.
        match b.get(q) {
            Some(b'-' | b'\'') => q += 1,
            _ if text.get(q..).is_some_and(|r| r.starts_with('’')) => q += '’'.len_utf8(),
            _ => break,
        }
    }
    if letters == 0 {
        return None;
    }
    let first_upper = text
        .get(p..)?
        .chars()
        .next()
        .is_some_and(|c| letter_case(c).1);
    let case = if !first_upper {
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

/// Whether `c` is a letter, and a capital: Latin-1 and `Œ`, `œ` without the Unicode tables
/// (French text is full of `é`).
fn letter_case(c: char) -> (bool, bool) {
    match c {
        'a'..='z' | 'ß'..='ö' | 'ø'..='ÿ' | 'œ' => (true, false),
        'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' | 'Œ' => (true, true),
        _ if c.is_ascii() => (false, false),
        _ => (c.is_alphabetic(), c.is_uppercase()),
    }
}

/// Where the next word starts after `p`, past exactly one space (or no-break space).
fn space_after(text: &str, p: usize) -> Option<usize> {
    let c = text.get(p..)?.chars().next()?;
    matches!(c, ' ' | '\u{a0}' | '\u{202f}').then_some(p + c.len_utf8())
}

/// The word that ends before `i` (its last 40 bytes), and what lies between it and `i`
/// (at most 8 bytes of spaces and punctuation).
fn word_before(text: &str, i: usize) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    let alphanumeric_before = |k: usize| -> Option<(bool, usize)> {
        let c = *b.get(k.checked_sub(1)?)?;
        if c.is_ascii() {
            return Some((c.is_ascii_alphanumeric(), 1));
        }
        let ch = text.get(..k)?.chars().next_back()?;
        Some((ch.is_alphanumeric(), ch.len_utf8()))
    };
    let mut end = i;
    loop {
        let (alphanumeric, len) = alphanumeric_before(end)?;
        if alphanumeric {
            break;
        }
        end -= len;
        if i - end > 8 {
            return None;
        }
    }
    let mut start = end;
    while end - start < 40 {
        match alphanumeric_before(start) {
            Some((true, len)) => start -= len,
            _ if start > 0 && b[start - 1] == b'-' => start -= 1,
            _ => break,
        }
    }
    Some((text.get(start..end)?, text.get(end..i)?))
}

/// A word as the lists know it: lower case without accents (`Hélène` → `helene`), and the
/// lists it is in. A word of more than 16 bytes or with letters outside Latin-1 is in none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lex {
    /// The folded word, zero-padded: as a big-endian `u128`, keys sort as words do.
    bytes: [u8; 16],
    len: usize,
    flags: u16,
}

impl Lex {
    fn of(word: &str) -> Lex {
        let mut bytes = [0; 16];
        let mut len = 0;
        let w = word.as_bytes();
        // ASCII: the common case, without decoding.
        let ascii = w.len() <= 16
            && w.iter().zip(&mut bytes).all(|(c, b)| {
                *b = c.to_ascii_lowercase();
                c.is_ascii_alphabetic() || matches!(c, b'-' | b'\'')
            });
        if ascii {
            return Lex {
                bytes,
                len: w.len(),
                flags: flags_of(u128::from_be_bytes(bytes)),
            };
        }
        bytes = [0; 16];
        for c in word.chars() {
            match (bytes.get_mut(len), fold_char(c)) {
                (Some(b), Some(f)) => *b = f,
                _ => {
                    return Lex {
                        bytes: [0; 16],
                        len: 0,
                        flags: 0,
                    };
                }
            }
            len += 1;
        }
        let flags = flags_of(u128::from_be_bytes(bytes));
        Lex { bytes, len, flags }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn is(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// A given name of the list, or a compound of them (`Marie-Lou`).
    fn is_given_name(&self) -> bool {
        self.is(GIVEN)
            || (self.flags == 0
                && self.as_bytes().contains(&b'-')
                && self.as_bytes().split(|&b| b == b'-').all(|part| {
                    let mut bytes = [0; 16];
                    bytes[..part.len()].copy_from_slice(part);
                    flags_of(u128::from_be_bytes(bytes)) & GIVEN != 0
                }))
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

// ---------------------------------------------------------------------------------------
// The lexicon: the given-name list and the word lists, one sorted table.

/// A given name of INSEE's list.
const GIVEN: u16 = 1;
/// A word of [`NOT_NAMES`].
const NOT_NAME: u16 = 1 << 1;
/// A given name that is also a place ([`PLACES`]).
const PLACE: u16 = 1 << 2;
/// A given name that is also a common word ([`COMMON_WORDS`]).
const COMMON: u16 = 1 << 3;
const GREETING: u16 = 1 << 4;
const CLOSING: u16 = 1 << 5;
const PLACE_WORD: u16 = 1 << 6;
const PARTICLE: u16 = 1 << 7;
const TITLE: u16 = 1 << 8;

/// INSEE's given names (see `core/data/given-names/README.md`), front-coded: each line is
/// `'0' + n`, `n` the bytes shared with the line before, then the rest of the name.
const GIVEN_NAMES: &[u8] = include_bytes!("../../data/given-names/given-names.fc");

/// Every word of the lists, with the flags of the lists it is in, in an open-addressing
/// hash table: one look-up tells all there is to know of a word, in a probe or two. A slot
/// holds 48 bits of the word's hash and its 16 flags (0: empty), so that the table (64 KB)
/// stays in the cache: two words share 48 bits of hash once in 2^48 look-ups.
fn lexicon() -> &'static [u64] {
    static LEXICON: OnceLock<Vec<u64>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut words: Vec<(u128, u16)> = decode(GIVEN_NAMES)
            .into_iter()
            .map(|k| (u128::from_be_bytes(k), GIVEN))
            .collect();
        for (list, flag) in [
            (NOT_NAMES, NOT_NAME),
            (PLACES, PLACE),
            (COMMON_WORDS, COMMON),
            (GREETINGS, GREETING),
            (CLOSINGS, CLOSING),
            (PLACE_WORDS, PLACE_WORD),
            (PARTICLES, PARTICLE),
            (TITLES, TITLE),
        ] {
            words.extend(list.iter().map(|w| (key(w.as_bytes()), flag)));
        }
        // At most two thirds full: most look-ups are of words that are not there, and end
        // at the first empty slot.
        let size = (words.len() * 3 / 2).next_power_of_two();
        let mut slots = vec![0u64; size];
        for (key, flag) in words {
            let (mut at, hash) = slot(key, size);
            while slots[at] != 0 && slots[at] >> 16 != hash {
                at = (at + 1) & (size - 1);
            }
            slots[at] |= hash << 16 | u64::from(flag);
        }
        slots
    })
}

/// Where `key` is looked for first in a table of `size` slots (a power of two), and the
/// 48 bits of its hash that the slot keeps (never 0).
fn slot(key: u128, size: usize) -> (usize, u64) {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mixed = ((key >> 64) as u64 ^ (key as u64).wrapping_mul(K)).wrapping_mul(K);
    // The high bits of a product depend on all the bits of the words.
    let at = (mixed >> (64 - size.trailing_zeros())) as usize;
    (at, (mixed >> 16) | 1)
}

fn flags_of(key: u128) -> u16 {
    let slots = lexicon();
    let size = slots.len();
    let (mut at, hash) = slot(key, size);
    loop {
        match slots[at] {
            0 => return 0,
            s if s >> 16 == hash => return s as u16,
            _ => at = (at + 1) & (size - 1),
        }
    }
}

/// The key of a folded word (ASCII, at most 16 bytes: longer words are cut).
fn key(word: &[u8]) -> u128 {
    let mut bytes = [0; 16];
    let n = word.len().min(16);
    bytes[..n].copy_from_slice(&word[..n]);
    u128::from_be_bytes(bytes)
}

fn decode(front_coded: &[u8]) -> Vec<[u8; 16]> {
    let mut names = Vec::with_capacity(front_coded.len() / 4);
    let mut name = [0; 16];
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

/// Titles in every spelling, folded (`Maître` → `maitre`); which spellings count is for
/// [`title`] to say.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "monsieur", "madame", "mademoiselle", "mme", "mlle", "mr", "m", "docteur", "dr",
    "professeur", "pr", "maitre", "me", "messieurs", "mesdames", "signe", "signature",
];

/// Whether `word` is a title, and then where it ends (after its dot, and for a signature
/// the colon or `par` after it) and what may follow it.
fn title(text: &str, word: Word, lex: Lex) -> Option<(usize, Follow)> {
    if !lex.is(TITLE) {
        return None;
    }
    let dot = text[word.end..].starts_with('.');
    let end = word.end + usize::from(dot);
    let lower = word.case == Case::Lower;
    let follow = if lower {
        Follow::NamesOrLower
    } else {
        Follow::Names
    };
    let raw = word.text(text);
    match lex.as_bytes() {
        b"monsieur" | b"madame" | b"mademoiselle" | b"docteur" | b"professeur" | b"maitre" => {
            Some((word.end, follow))
        }
        b"mme" | b"mlle" | b"mr" => Some((end, follow)),
        // Not `m` (metres): a capital alone, with or without a dot.
        b"m" if raw == "M" => Some((end, Follow::Names)),
        // `vu avec m. mazet` in lower-case text: with its dot, and not after a number
        // (`5 m. de câble`).
        b"m" if raw == "m"
            && dot
            && !text[..word.start]
                .trim_end()
                .ends_with(|c: char| c.is_ascii_digit()) =>
        {
            Some((end, Follow::NamesOrLower))
        }
        // `DR` without a dot is also a regional direction; `dr` is not written.
        b"dr" | b"pr" if !lower && (dot || word.case == Case::Capitalised) => {
            Some((end, Follow::Names))
        }
        b"me" if raw == "Me" => Some((end, Follow::Capitalised)),
        b"signe" | b"signature" if !lower => {
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

/// The name after a title that ends at `end`.
fn after_title(text: &str, i: usize, (end, follow): (usize, Follow)) -> Option<(usize, usize)> {
    if place_before(text, i) {
        return None;
    }
    let start = space_after(text, end)?;
    if follow == Follow::Capitalised {
        // `Me Roux`, `Me de La Tour`; not `Me rappeler`, `ME DIRE`.
        let first = word_at(text, start)?;
        let particle = Lex::of(first.text(text)).is(PARTICLE);
        if !particle && (first.case != Case::Capitalised || first.letters < 2) {
            return None;
        }
    }
    let surname = match follow {
        Follow::Capitalised => start,
        _ => initials(text, start).unwrap_or(start),
    };
    let mode = match follow {
        Follow::NamesOrLower => Mode::Lower,
        _ => Mode::Capitals,
    };
    Some((start, surname_run(text, surname, mode)?))
}

/// Where the name starts after initials at `p` (`T. `, `J.-P. `, `J-P `, `J.P. `).
fn initials(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut q = p;
    loop {
        // One capital (`T`, `É`), not the start of a word.
        let capital = text
            .get(q..)?
            .chars()
            .next()
            .filter(|&c| letter_case(c) == (true, true))?;
        q += capital.len_utf8();
        if b.get(q)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c >= 0x80)
        {
            return None;
        }
        let dot = b.get(q) == Some(&b'.');
        q += usize::from(dot);
        match b.get(q) {
            Some(b'-') => q += 1,
            Some(&c) if dot && (c.is_ascii_uppercase() || c >= 0x80) => {}
            _ => return space_after(text, q),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Surnames.

/// Which words a run of name words takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// After a title or a given name: capitalised and all-capital words.
    Capitals,
    /// After a lower-case title: also one lower-case word, two when the first is a given
    /// name (`monsieur jean dupont`).
    Lower,
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
        let lex = Lex::of(w.text(text));
        if lex.is(PARTICLE) && particles < 2 {
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
        if !is_name_word(text, w, lex, lower_ok) {
            break;
        }
        if words == 0 {
            first_given = w.case == Case::Lower && lex.is_given_name();
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
/// `d'Estaing`, `Łukasz`), in capitals with a vowel (`DURAND`, not `RDV`), or lower case
/// when `lower_ok`; not a title, nor a word of [`NOT_NAMES`].
fn is_name_word(text: &str, w: Word, lex: Lex, lower_ok: bool) -> bool {
    if w.letters < 2 || lex.is(TITLE | NOT_NAME) {
        return false;
    }
    match w.case {
        // After an apostrophe, a name goes on in capitals (`N'Diaye`, `D'Amico`,
        // `O'Brien`); a word in lower case is an elided article (`L'équipe`, `D'abord`).
        Case::Capitalised => w
            .text(text)
            .split(is_apostrophe)
            .skip(1)
            .all(|part| part.chars().next().is_some_and(char::is_uppercase)),
        Case::Upper => w.text(text).bytes().any(|c| b"AEIOUY".contains(&c)) || lex.len == 0,
        Case::Lower => {
            w.elided(text) || (lower_ok && !w.text(text).contains(is_apostrophe) && w.letters > 2)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Names without a title.

/// A name without a title at `w` (see the module doc): the span it covers. `lex` is the
/// word looked up, if it was.
fn untitled(text: &str, w: Word, lex: Option<Lex>) -> Option<(usize, usize)> {
    if w.case == Case::Lower || w.letters < 2 {
        return None;
    }
    let lex = || lex.unwrap_or_else(|| Lex::of(w.text(text)));
    // Shapes first: most capitalised words are neither given names nor next to one.
    let next_may_be_surname = space_after(text, w.end).is_some_and(|p| {
        let rest = &text.as_bytes()[p..];
        let lower = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
        // A capital, or a short word that may be a particle (`de`, `van`, `della`).
        match rest.get(lower) {
            _ if lower == 0 => text[p..].chars().next().is_some_and(|c| letter_case(c).1),
            Some(b' ' | b'\'') => lower <= 5,
            _ => false,
        }
    });
    if next_may_be_surname {
        let lex = lex();
        let given = lex.is_given_name() && !lex.is(NOT_NAME);
        let end = given
            .then(|| given_then_surname(text, w, lex))
            .flatten()
            .or_else(|| surname_then_given(text, w));
        if end.is_some() {
            return end.map(|end| (w.start, end));
        }
    }
    lone_given_name(text, w, lex).then_some((w.start, w.end))
}

/// `Julie Martin`, `Julie MARTIN`, `Anne de Villepin`: the end of the surname.
fn given_then_surname(text: &str, w: Word, lex: Lex) -> Option<usize> {
    let start = space_after(text, w.end)?;
    let end = surname_run(text, start, Mode::Capitals)?;
    // `France Télécom`: a place needs its surname in capitals (`France MARTIN`).
    let surname_upper = word_at(text, start).is_some_and(|n| n.case == Case::Upper);
    if lex.is(PLACE) && !surname_upper {
        return None;
    }
    // In all-capital text, a common word is not a given name (`ROSE POUDRE`).
    if w.case == Case::Upper && surname_upper && lex.is(COMMON) {
        return None;
    }
    (!place_before(text, w.start)).then_some(end)
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
        let lex = Lex::of(word.text(text));
        if !lex.is(PARTICLE) {
            if !is_name_word(text, word, lex, false) {
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
        let lex = Lex::of(g.text(text));
        if !lex.is_given_name() || lex.is(NOT_NAME) {
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
fn lone_given_name(text: &str, w: Word, lex: impl Fn() -> Lex) -> bool {
    let lex = lex();
    if !lex.is_given_name() || lex.is(PLACE | NOT_NAME) {
        return false;
    }
    // The end first: only the last word of a cell gets to look at all before it.
    let whole_cell = text[w.end..]
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | '!'))
        .is_empty()
        && text[..w.start].trim().is_empty();
    if whole_cell {
        return !lex.is(COMMON);
    }
    greeted(text, w.start)
}

/// Whether a greeting or a closing comes before `i`: `Bonjour Julie`, `Merci, Julie`,
/// `Cordialement,\nJulie`, `de la part de Julie`, `à l'attention d'Anne`.
fn greeted(text: &str, i: usize) -> bool {
    let Some((before, gap)) = word_before(text, i) else {
        return false;
    };
    let spaced = gap.chars().all(|c| matches!(c, ' ' | '\u{a0}' | ','));
    let closed = gap.contains([',', '\n', ':']);
    let elided = gap.starts_with(is_apostrophe);
    if !(spaced || closed || elided) {
        return false;
    }
    let b = Lex::of(before);
    if (spaced && b.is(GREETING)) || (closed && b.is(CLOSING)) {
        return true;
    }
    let de = (spaced && b.as_bytes() == b"de") || (elided && b.as_bytes() == b"d");
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
        if !matches!(gap, " " | "\u{a0}" | "'" | "’") {
            return false;
        }
        let b = Lex::of(before);
        if b.is(PLACE_WORD) {
            return true;
        }
        if !(b.is(PARTICLE) || matches!(b.as_bytes(), b"l" | b"d")) {
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
    use proptest::prelude::*;

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
            ("Je suis Me des Forges, locataire", &["des Forges"]),
            ("Me de La Tour", &["de La Tour"]),
        ]);
        // `Me` is also the French "me"; `DR` without a dot a regional direction.
        check(&[
            ("Me rappeler demain", &[]),
            ("Me Rappeler demain", &[]),
            ("Me le dire avant", &[]),
            ("IL ME DEMANDE UN RAPPEL", &[]),
            ("NE ME CONTACTEZ PAS", &[]),
            ("DR SUD-OUEST", &[]),
            ("Dossier transmis à la DR Nord", &[]),
        ]);
    }

    #[test]
    fn initials_before_the_surname() {
        check(&[
            ("Mme É. Casanova", &["É. Casanova"]),
            ("M. J.-É. Martin", &["J.-É. Martin"]),
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
            ("vu avec m. mazet sur place", &["mazet"]),
            ("clés chez m. hervé moreau.", &["hervé moreau"]),
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
            ("câble de 5 m. environ", &[]),
            ("tirer 12 m. de gaine", &[]),
            ("m. le maire", &[]),
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
            ("Signé : L'équipe Enedis", &[]),
            ("Cordialement,\nL’équipe technique", &[]),
        ]);
        check(&[
            ("Signé : Aminata N'Diaye", &["Aminata N'Diaye"]),
            ("M. O'Brien", &["O'Brien"]),
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

    /// Pieces of notes that take every path of the detector, glued in any order.
    fn note() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => prop::sample::select(vec![
                " ", " ", "\u{a0}", "\n", ", ", ": ", ". ", "'", "’", "-", ".", "@x.fr",
                "Mme", "M", "M.", "MME", "monsieur", "Me", "Dr.", "DR", "Signé", "Signé :",
                "Julie", "JULIE", "Jean-Pierre", "Émilie", "Rose", "France", "MARTIN",
                "Martin", "Le", "le", "de", "d'", "la", "Maire", "J.-P.", "T.", "J", "rue",
                "du", "Bonjour", "Cordialement", "part", "RDV", "est", "Ł", "ÉÉ", "é",
            ]).prop_map(str::to_owned),
            1 => "\\PC{0,6}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn matches_are_ordered_disjoint_and_on_char_boundaries(text in note()) {
            let mut out = Vec::new();
            for kinds in [KindSet::ALL, KindSet::of(&[PiiKind::Name])] {
                detect(&text, kinds, &mut out);
                let mut end = 0;
                for m in &out {
                    prop_assert!(m.start >= end && m.start < m.end, "{text:?}: {out:?}");
                    prop_assert!(text.get(m.start..m.end).is_some(), "{text:?}: {out:?}");
                    end = m.end;
                }
            }
        }
    }

    #[test]
    fn the_list_decodes_to_the_plain_list_sorted() {
        let plain = include_str!("../../data/given-names/given-names.txt");
        let decoded = decode(GIVEN_NAMES);
        let decoded: Vec<&str> = decoded
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
            "Julie",
            "Jean-Pierre",
            "HÉLÈNE",
            "Bernard",
            "Martin",
            "Émilie",
        ] {
            assert!(Lex::of(name).is_given_name(), "{name}");
        }
        for word in ["Saint", "El", "Service", "Compteur", "Saint-Denis"] {
            assert!(!Lex::of(word).is_given_name(), "{word}");
        }
    }

    /// The lists are looked up by the first 16 bytes of a word: a longer word would stand
    /// for every word it starts.
    #[test]
    fn list_words_are_folded_and_fit_a_key() {
        for list in [
            NOT_NAMES,
            PLACES,
            COMMON_WORDS,
            GREETINGS,
            CLOSINGS,
            PLACE_WORDS,
            PARTICLES,
            TITLES,
        ] {
            for w in list {
                assert!(w.len() <= 16, "{w}");
                assert_eq!(Lex::of(w).as_bytes(), w.as_bytes(), "{w}");
            }
        }
    }
}
