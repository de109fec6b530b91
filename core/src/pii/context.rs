//! Context words: the words before a number that say what it is ("PDL", "SIRET", "société",
//! "contrat", "firmware").
//!
//! Numbers without a check digit (meter ids), or whose check digit holds for one random
//! number in ten (SIREN), are only told apart by the words that name them. People write
//! those words with or without accents, in any case (`societe`, `SOCIÉTÉ`, `N° PDL`), so
//! the clause before a number is *folded* first: ASCII lower case, French accents removed,
//! spaces of any kind made one space. Words are then compared whole (a plural `s` allowed):
//! `sas` is found in `Dupont SAS` but not in `nécessaire`, `facture` in `factures` but not
//! in `facturer`.
//!
//! The clause is short (the 40 bytes before the number) and folded into a buffer on the
//! stack: no allocation on the hot path, where a comment cell of every row is searched.

/// Bytes before a number searched for its context words (at most 64: word starts are bits
/// of a `u64`).
const WINDOW: usize = 40;

/// A letter that folds to no ASCII letter (`ß`, `ø`, Greek...): part of a word, never
/// equal to a byte of a word we look for.
const OTHER_LETTER: u8 = 0x01;

/// Words that name a meter id: PRM/PDL for electricity (RAE, its former name), PCE for
/// gas.
pub(super) const METER: &[&str] = &[
    "prm",
    "pdl",
    "point de livraison",
    "point de reference",
    "point de comptage",
    "pce",
    "rae",
    "compteur",
    "linky",
    "meter",
];

/// Words that name a company, so the SIREN or SIRET that follows.
pub(super) const COMPANY: &[&str] = &[
    "siren",
    "siret",
    "rcs",
    "societe",
    "entreprise",
    "entrepreneur",
    "sarl",
    "sas",
    "sasu",
    "eurl",
];

/// Words that name a number as something other than an identifier we look for: a
/// Luhn-valid contract number (`contrat 403-678-725`) is not a SIREN.
pub(super) const OTHER_NUMBER: &[&str] = &[
    "contrat",
    "commande",
    "devis",
    "dossier",
    "ticket",
    "incident",
    "facture",
    "reference",
    "ref",
    "client",
    "sinistre",
];

/// Words that name a software version: `firmware 1.4.26.88` is not an IPv4 address.
pub(super) const VERSION: &[&str] = &[
    "version",
    "firmware",
    "logiciel",
    "logicielle",
    "micrologiciel",
    "software",
    "soft",
    "fw",
    "v",
    "build",
    "release",
    "update",
    "maj",
    "mise a jour",
];

/// Words that name a network address.
pub(super) const NETWORK: &[&str] = &[
    "ip",
    "ipv4",
    "adresse",
    "box",
    "routeur",
    "modem",
    "passerelle",
    "gateway",
    "serveur",
    "dns",
    "ping",
    "reseau",
];

/// The folded clause that ends at a number: what its context words are looked for in.
#[derive(Debug)]
pub(super) struct Clause {
    buf: [u8; WINDOW],
    len: usize,
    /// Where the clause starts in `buf`: after the last separator.
    start: usize,
    /// Bit `k` set: a word starts at byte `k` of the clause.
    word_starts: u64,
}

impl Clause {
    /// The clause before byte `i` of `text`: the 40 bytes before it, from after the last
    /// `. `, `;`, line break or ` - ` (a word before those speaks of something else),
    /// folded. Empty when the window holds no ASCII letter: every word has one.
    pub(super) fn before(text: &str, i: usize) -> Clause {
        let mut clause = Clause {
            buf: [0; WINDOW],
            len: 0,
            start: 0,
            word_starts: 0,
        };
        let mut from = i.saturating_sub(WINDOW);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..i];
        if !before.bytes().any(|b| b.is_ascii_alphabetic()) {
            return clause;
        }
        // A character of n bytes folds to at most n bytes: the window fits the buffer.
        let mut p = 0;
        while p < before.len() {
            let b = before.as_bytes()[p];
            if b < 0x80 {
                clause.push(match b {
                    b'\t' | b'\r' => b' ',
                    _ => b.to_ascii_lowercase(),
                });
                p += 1;
            } else {
                let c = before[p..].chars().next().expect("p is on a char boundary");
                let (folded, n) = fold(c);
                for &b in &folded[..n] {
                    clause.push(b);
                }
                p += c.len_utf8();
            }
        }
        let mut in_word = false;
        let mut starts = 0;
        for (k, &b) in clause.text().iter().enumerate() {
            let word = is_word_byte(b);
            if word && !in_word {
                starts |= 1 << k;
            }
            in_word = word;
        }
        // The window cut a word: what is left of it is no word (`…sas` of `Kansas`).
        if clause.start == 0
            && text[..from]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            starts &= !1;
        }
        clause.word_starts = starts;
        clause
    }

    /// Appends a folded byte: spaces in a row are one.
    fn push(&mut self, b: u8) {
        let len = self.len;
        let last = |k: usize| len.checked_sub(k).map(|at| self.buf[at]);
        if b == b' ' && last(1) == Some(b' ') {
            return;
        }
        let ends_separator = match b {
            b';' | b'\n' => true,
            b' ' => last(1) == Some(b'.') || (last(1) == Some(b'-') && last(2) == Some(b' ')),
            _ => false,
        };
        self.buf[len] = b;
        self.len += 1;
        if ends_separator {
            self.start = self.len;
        }
    }

    fn text(&self) -> &[u8] {
        &self.buf[self.start..self.len]
    }

    /// Where the last of `words` (folded: ASCII, lower case, no accents) starts, as a
    /// whole word or its plural.
    pub(super) fn last_of(&self, words: &[&str]) -> Option<usize> {
        let hay = self.text();
        // From the end, word by word: the clause holds a handful of words, each compared
        // by its first byte before the rest.
        let mut starts = self.word_starts;
        while starts != 0 {
            let s = (u64::BITS - 1 - starts.leading_zeros()) as usize;
            let first = hay[s];
            if words
                .iter()
                .any(|w| w.as_bytes()[0] == first && word_at(hay, s, w.as_bytes()))
            {
                return Some(s);
            }
            starts &= !(1 << s);
        }
        None
    }

    /// Whether one of `words` is in the clause.
    pub(super) fn has(&self, words: &[&str]) -> bool {
        self.last_of(words).is_some()
    }
}

/// A non-ASCII `c` in lower case without accent, as at most two ASCII bytes (`œ` is `oe`);
/// spaces of any width are a space, `’` an apostrophe, other letters [`OTHER_LETTER`],
/// other symbols a space. The letters of French are matched in both cases first: case
/// conversion tables are slow to search.
fn fold(c: char) -> ([u8; 2], usize) {
    let one = |b: u8| ([b, 0], 1);
    match c {
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => one(b'e'),
        'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => one(b'a'),
        'î' | 'ï' | 'Î' | 'Ï' => one(b'i'),
        'ô' | 'ö' | 'Ô' | 'Ö' => one(b'o'),
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => one(b'u'),
        'ç' | 'Ç' => one(b'c'),
        'œ' | 'Œ' => (*b"oe", 2),
        'æ' | 'Æ' => (*b"ae", 2),
        '’' | 'ʼ' => one(b'\''),
        _ => match c.to_lowercase().next().unwrap_or(c) {
            'á' | 'ã' | 'å' => one(b'a'),
            'í' | 'ì' => one(b'i'),
            'ó' | 'ò' | 'õ' => one(b'o'),
            'ú' => one(b'u'),
            'ÿ' => one(b'y'),
            'ñ' => one(b'n'),
            l if l.is_alphanumeric() => one(OTHER_LETTER),
            _ => one(b' '),
        },
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == OTHER_LETTER
}

/// Whether `word` (or its plural) starts at `s`, a word start, and ends a word.
fn word_at(hay: &[u8], s: usize, word: &[u8]) -> bool {
    let end = s + word.len();
    hay[s..].starts_with(word)
        && match hay.get(end) {
            None => true,
            Some(b's') => hay.get(end + 1).is_none_or(|b| !is_word_byte(*b)),
            Some(b) => !is_word_byte(*b),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(text: &str) -> String {
        let c = Clause::before(text, text.len());
        String::from_utf8(c.text().to_vec()).expect("folded bytes are ASCII")
    }

    #[test]
    fn words_are_folded_already() {
        for w in [METER, COMPANY, OTHER_NUMBER, VERSION, NETWORK].concat() {
            assert_eq!(clause(&format!("x {w}")), format!("x {w}"), "{w}");
        }
    }

    #[test]
    fn accents_case_and_spaces_are_folded() {
        assert_eq!(
            clause("SOCIÉTÉ Œuvres\u{a0}\u{a0}N°  PDL "),
            "societe oeuvres n pdl "
        );
        assert_eq!(clause("Point De Référence : "), "point de reference : ");
        assert_eq!(clause("l’entreprise "), "l'entreprise ");
        // Letters that fold to nothing ASCII stay letters: no word boundary inside.
        let text = "straßpdl ";
        assert!(!Clause::before(text, text.len()).has(&["pdl"]));
    }

    #[test]
    fn the_clause_starts_after_the_last_separator() {
        assert_eq!(clause("PDL inconnu. SIRET "), "siret ");
        assert_eq!(clause("compteur ; contrat "), " contrat ");
        assert_eq!(clause("compteur\nligne "), "ligne ");
        assert_eq!(clause("compteur - client "), "client ");
        assert_eq!(clause("1234 5678"), "", "no letter, no word");
        // The window is the 40 bytes before the number.
        let far = format!("compteur {}", "x".repeat(40));
        assert!(!Clause::before(&far, far.len()).has(METER));
        // Nor is the end of a word the window cut.
        let cut = format!("Kansas{}", " ".repeat(37));
        assert!(Clause::before(&cut, cut.len()).text().starts_with(b"sas"));
        assert!(!Clause::before(&cut, cut.len()).has(COMPANY));
        let whole = format!("x sas{}", " ".repeat(36));
        assert!(Clause::before(&whole, whole.len()).has(COMPANY));
    }

    #[test]
    fn words_are_whole_or_plural() {
        let has = |text: &str, words: &[&str]| Clause::before(text, text.len()).has(words);
        assert!(has("Dupont SAS ", COMPANY));
        assert!(has("nos sociétés ", COMPANY));
        assert!(has("societe ", COMPANY));
        assert!(has("N°PDL:", METER));
        assert!(has("Compteurs ", METER));
        assert!(!has("nécessaire ", COMPANY), "sas inside a word");
        assert!(!has("facturer le bailleur ", OTHER_NUMBER));
        assert!(has("factures ", OTHER_NUMBER));
        assert!(!has("parameter ", METER));
    }

    #[test]
    fn the_nearest_word_is_the_last() {
        let c = Clause::before("Compteurs SAS, SIRET ", 21);
        assert!(c.last_of(&["siret"]) > c.last_of(METER));
        assert!(c.last_of(COMPANY) > c.last_of(METER));
    }
}
