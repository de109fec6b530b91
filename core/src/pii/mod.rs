//! Detectors of personal data hidden in text: emails, French phone numbers, NIR (social
//! security numbers), IBANs, SIREN/SIRET, payment cards, PRM/PDL meter ids, IPv4 addresses
//! and names after a civility title.
//!
//! Pure Rust, no network, no regex engine: each detector reads bytes from a candidate
//! position and checks the shape, then the check digits. Numbers with check digits (NIR,
//! IBAN, SIRET, SIREN, cards) are only reported when the check holds, so a random 15-digit
//! ticket number is not a NIR; meter ids, which have no check digit, are only reported next
//! to a word that names them ("PRM", "PDL", "compteur").

mod checksums;

use serde::{Deserialize, Serialize};

pub use checksums::{iban_valid, luhn_valid, nir_valid, siret_valid};

/// Kinds of personal items the detectors find in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PiiKind {
    Email,
    Phone,
    Nir,
    Iban,
    Siret,
    Siren,
    Card,
    Prm,
    Ipv4,
    Name,
}

impl PiiKind {
    pub const ALL: [PiiKind; 10] = [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::Nir,
        PiiKind::Iban,
        PiiKind::Siret,
        PiiKind::Siren,
        PiiKind::Card,
        PiiKind::Prm,
        PiiKind::Ipv4,
        PiiKind::Name,
    ];

    /// The name used in schemas and reports (`nir`).
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::Nir => "nir",
            PiiKind::Iban => "iban",
            PiiKind::Siret => "siret",
            PiiKind::Siren => "siren",
            PiiKind::Card => "card",
            PiiKind::Prm => "prm",
            PiiKind::Ipv4 => "ipv4",
            PiiKind::Name => "name",
        }
    }

    /// The placeholder that replaces an item of this kind (`[NIR]`).
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[EMAIL]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::Nir => "[NIR]",
            PiiKind::Iban => "[IBAN]",
            PiiKind::Siret => "[SIRET]",
            PiiKind::Siren => "[SIREN]",
            PiiKind::Card => "[CARD]",
            PiiKind::Prm => "[PRM]",
            PiiKind::Ipv4 => "[IPV4]",
            PiiKind::Name => "[NAME]",
        }
    }

    pub fn parse(s: &str) -> Option<PiiKind> {
        PiiKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// All names, comma-separated, for error messages.
    pub fn names() -> String {
        PiiKind::ALL.map(PiiKind::as_str).join(", ")
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of detector kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSet(u16);

impl KindSet {
    pub const ALL: KindSet = KindSet((1 << PiiKind::ALL.len()) - 1);

    pub fn of(kinds: &[PiiKind]) -> KindSet {
        KindSet(kinds.iter().fold(0, |acc, k| acc | k.bit()))
    }

    pub fn contains(self, kind: PiiKind) -> bool {
        self.0 & kind.bit() != 0
    }
}

/// One item found: its kind and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiiMatch {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}

/// Finds the personal items of the given kinds in `text`, in order, without overlaps.
/// `out` is cleared first (it is reused across cells to avoid allocating).
///
/// ```
/// use watt_core::pii::{detect, KindSet, PiiKind};
/// let text = "Rappeler Mme Durand au 06 12 34 56 78, PDL 12345678901234.";
/// let mut found = Vec::new();
/// detect(text, KindSet::ALL, &mut found);
/// let kinds: Vec<_> = found.iter().map(|m| (m.kind, &text[m.start..m.end])).collect();
/// assert_eq!(kinds, [
///     (PiiKind::Name, "Durand"),
///     (PiiKind::Phone, "06 12 34 56 78"),
///     (PiiKind::Prm, "12345678901234"),
/// ]);
/// ```
pub fn detect(text: &str, kinds: KindSet, out: &mut Vec<PiiMatch>) {
    out.clear();
    let b = text.as_bytes();
    if kinds.contains(PiiKind::Email) && b.contains(&b'@') {
        find_emails(text, out);
    }
    let emails = out.len();
    // The first email that does not end before `i`: emails are in order and `i` only
    // grows, so each is passed once (a scan of every email at every position made a long
    // text with many emails quadratic: 0.9 MB/s on 3.8 MB).
    let mut next_email = 0;
    let mut i = 0;
    while i < b.len() {
        while next_email < emails && out[next_email].end <= i {
            next_email += 1;
        }
        if next_email < emails && out[next_email].start <= i {
            i = out[next_email].end;
            continue;
        }
        let c = b[i];
        let candidate = (c.is_ascii_digit() || c == b'+' || c.is_ascii_uppercase() || c == b'm')
            && at_boundary(text, i);
        if candidate {
            if let Some(m) = detect_at(text, i, kinds)
                .and_then(|m| outside_emails(text, m, &out[next_email..emails]))
            {
                out.push(m);
                i = m.end;
                continue;
            }
            if c.is_ascii_digit() {
                // Skip the rest of this number: nothing starts inside it.
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                continue;
            }
            if let Some(end) = iban_extent(b, i) {
                // An IBAN-shaped token whose check fails: its groups are not numbers.
                i = end;
                continue;
            }
        }
        i += 1;
        while i < b.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out.sort_by_key(|m| m.start);
}

/// A match found after the emails, cut short where an email starts inside it, or `None`
/// when an email covers its start. A name after a title can run into an email
/// (`M. Jean Dupont@example.fr`): the email keeps its span, the name keeps what comes
/// before it (`Jean`), and matches never overlap — the redactor relies on it. `emails` are
/// the emails, in order, from the first that does not end before the match.
fn outside_emails(text: &str, m: PiiMatch, emails: &[PiiMatch]) -> Option<PiiMatch> {
    let mut end = m.end;
    for e in emails.iter().take_while(|e| e.start < m.end) {
        if e.start <= m.start && m.start < e.end {
            return None;
        }
        if m.start < e.start && e.start < end {
            end = e.start;
        }
    }
    let trimmed = text[m.start..end].trim_end_matches(|c: char| !c.is_alphanumeric());
    (!trimmed.is_empty()).then_some(PiiMatch {
        end: m.start + trimmed.len(),
        ..m
    })
}

/// Whether position `i` starts a token: the character before it is not a letter or digit.
fn at_boundary(text: &str, i: usize) -> bool {
    match text[..i].chars().next_back() {
        None => true,
        Some(c) => !c.is_alphanumeric() && c != '_',
    }
}

/// Whether position `i` ends a token.
fn ends_token(text: &str, i: usize) -> bool {
    match text[i..].chars().next() {
        None => true,
        Some(c) => !c.is_alphanumeric() && c != '_',
    }
}

fn detect_at(text: &str, i: usize, kinds: KindSet) -> Option<PiiMatch> {
    let b = text.as_bytes();
    let c = b[i];
    let found = |kind: PiiKind, end: usize| {
        (kinds.contains(kind) && ends_token(text, end)).then_some(PiiMatch {
            kind,
            start: i,
            end,
        })
    };
    if c.is_ascii_uppercase() {
        if let Some(end) = iban_at(b, i) {
            if let Some(m) = found(PiiKind::Iban, end) {
                return Some(m);
            }
        }
        if kinds.contains(PiiKind::Name) {
            return name_at(text, i);
        }
        return None;
    }
    if c == b'm' {
        return if kinds.contains(PiiKind::Name) {
            name_at(text, i)
        } else {
            None
        };
    }
    if c == b'+' || b[i..].starts_with(b"0033") {
        let phone = international_phone_at(b, i).and_then(|end| found(PiiKind::Phone, end));
        // `+` starts nothing else; `0033` may start a meter id or another number.
        if phone.is_some() || c == b'+' {
            return phone;
        }
    }
    // An Amex number (15 digits, 34 or 37, Luhn) can also hold a NIR key, one time in 97:
    // a card is likelier than a NIR of sex digit 3.
    let amex = b.get(i..i + 15).is_some_and(|d| {
        d.iter().all(u8::is_ascii_digit)
            && (d.starts_with(b"34") || d.starts_with(b"37"))
            && luhn_valid(d)
    }) && b.get(i + 15).is_none_or(|c| !c.is_ascii_digit());
    if !amex {
        if let Some(end) = nir_at(b, i) {
            if let Some(m) = found(PiiKind::Nir, end) {
                return Some(m);
            }
        }
    }
    let number = DigitRun::read(b, i)?;
    let d = number.digits();
    let n = d.len();
    let groups = number.groups();
    let siret_shape = n == 14 && siret_valid(d) && (groups == [14] || groups == [3, 3, 3, 5]);
    // Of "siret" and a meter word, the one nearer the number says what it is. Both only
    // matter for 14 digits (a SIRET or a PRM): other runs do not look for them.
    let (siret_word, meter_word) = match n {
        14 => match clause_before(text, i) {
            Some(clause) => (last_of(&clause, &["siret"]), last_of(&clause, PRM_WORDS)),
            None => (None, None),
        },
        _ => (None, None),
    };
    let siret_nearer = siret_word.is_some() && siret_word >= meter_word;
    if siret_shape && siret_nearer {
        if let Some(m) = found(PiiKind::Siret, number.end) {
            return Some(m);
        }
    }
    if n == 14
        && groups == [14]
        && kinds.contains(PiiKind::Prm)
        && meter_word.is_some()
        && !siret_nearer
    {
        if let Some(m) = found(PiiKind::Prm, number.end) {
            return Some(m);
        }
    }
    if siret_shape {
        if let Some(m) = found(PiiKind::Siret, number.end) {
            return Some(m);
        }
    }
    if card_brand_length(d)
        && luhn_valid(d)
        && (groups.len() == 1
            || groups[..groups.len() - 1].iter().all(|g| *g == 4)
            || groups == [4, 6, 5])
    {
        if let Some(m) = found(PiiKind::Card, number.end) {
            return Some(m);
        }
    }
    if n == 10
        && d[0] == b'0'
        && d[1] != b'0'
        && (groups == [10] || groups == [2, 2, 2, 2, 2])
        && number.same_separator()
    {
        if let Some(m) = found(PiiKind::Phone, number.end) {
            return Some(m);
        }
    }
    if n == 9 && luhn_valid(d) && (groups == [3, 3, 3] || (groups == [9] && siren_context(text, i)))
    {
        if let Some(m) = found(PiiKind::Siren, number.end) {
            return Some(m);
        }
    }
    if let Some(end) = ipv4_at(b, i) {
        if let Some(m) = found(PiiKind::Ipv4, end) {
            return Some(m);
        }
    }
    None
}

/// A run of digit groups separated by one separator each (space, no-break space, `.`, `-`).
struct DigitRun {
    digits: [u8; 24],
    len: usize,
    groups: [usize; 12],
    ngroups: usize,
    separators: [u8; 12],
    end: usize,
}

impl DigitRun {
    /// Reads from `i`; `None` when the run is longer than any identifier (24 digits).
    fn read(b: &[u8], i: usize) -> Option<DigitRun> {
        let mut run = DigitRun {
            digits: [0; 24],
            len: 0,
            groups: [0; 12],
            ngroups: 0,
            separators: [0; 12],
            end: i,
        };
        let mut p = i;
        loop {
            let start = p;
            while p < b.len() && b[p].is_ascii_digit() {
                if run.len == run.digits.len() {
                    return None;
                }
                run.digits[run.len] = b[p];
                run.len += 1;
                p += 1;
            }
            if p == start || run.ngroups == run.groups.len() {
                return None;
            }
            run.groups[run.ngroups] = p - start;
            run.ngroups += 1;
            run.end = p;
            let sep_len = match b.get(p..) {
                Some([b' ' | b'.' | b'-', d, ..]) if d.is_ascii_digit() => 1,
                Some([0xC2, 0xA0, d, ..]) if d.is_ascii_digit() => 2,
                _ => return Some(run),
            };
            if run.ngroups <= run.separators.len() {
                run.separators[run.ngroups - 1] = b[p];
            }
            p += sep_len;
        }
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    fn groups(&self) -> &[usize] {
        &self.groups[..self.ngroups]
    }

    fn same_separator(&self) -> bool {
        let seps = &self.separators[..self.ngroups.saturating_sub(1)];
        seps.windows(2).all(|w| w[0] == w[1])
    }
}

/// `+33 6 12 34 56 78`, `+33 (0)6 12 34 56 78`, `+33612345678`, `0033 6 12 34 56 78`.
fn international_phone_at(b: &[u8], i: usize) -> Option<usize> {
    let rest = &b[i..];
    let mut p = i + if rest.starts_with(b"+33") {
        3
    } else if rest.starts_with(b"0033") {
        4
    } else {
        return None;
    };
    if b.get(p) == Some(&b' ') {
        p += 1;
    }
    if b[p..].starts_with(b"(0)") {
        p += 3;
        if b.get(p) == Some(&b' ') {
            p += 1;
        }
    }
    let run = DigitRun::read(b, p)?;
    let d = run.digits();
    let ok_groups = run.groups() == [9] || run.groups() == [1, 2, 2, 2, 2];
    (d.len() == 9 && d[0] != b'0' && ok_groups && run.same_separator()).then_some(run.end)
}

/// NIR: `1 84 12 76 451 089 46` or `184127645108946`, with `2A`/`2B` for Corsica; the
/// control key must hold.
fn nir_at(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b[i], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return None;
    }
    let mut chars = [0u8; 15];
    let mut n = 0;
    let mut p = i;
    // Spaced form groups: 1 2 2 2 3 3 2.
    const SPACED: [usize; 7] = [1, 2, 2, 2, 3, 3, 2];
    let compact = b.len() >= i + 15
        && b[i..i + 15].iter().enumerate().all(|(k, c)| {
            c.is_ascii_digit() || (k == 6 && matches!(c, b'A' | b'B') && b[i + 5] == b'2')
        });
    if compact {
        chars.copy_from_slice(&b[i..i + 15]);
        p = i + 15;
        n = 15;
    } else {
        for (g, &len) in SPACED.iter().enumerate() {
            if g > 0 {
                if b.get(p) != Some(&b' ') {
                    return None;
                }
                p += 1;
            }
            for _ in 0..len {
                let c = *b.get(p)?;
                let corsican = n == 6 && matches!(c, b'A' | b'B') && chars[5] == b'2';
                if !c.is_ascii_digit() && !corsican {
                    return None;
                }
                chars[n] = c;
                n += 1;
                p += 1;
            }
        }
    }
    (n == 15 && b.get(p).is_none_or(|c| !c.is_ascii_digit()) && nir_valid(&chars)).then_some(p)
}

/// IBAN: two capital letters, two digits, then letters and digits, in groups of 4 or not.
fn iban_at(b: &[u8], i: usize) -> Option<usize> {
    let head = b.get(i..i + 4)?;
    if !(head[..2].iter().all(u8::is_ascii_uppercase) && head[2..].iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let mut chars = [0u8; 34];
    let mut n = 0;
    let mut p = i;
    let mut ends = Vec::new();
    while p < b.len() && n < chars.len() {
        let c = b[p];
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            chars[n] = c;
            n += 1;
            p += 1;
            if n >= 15 {
                ends.push((n, p));
            }
        } else if c == b' ' && b.get(p + 1).is_some_and(|d| d.is_ascii_alphanumeric()) && n % 4 == 0
        {
            p += 1;
        } else {
            break;
        }
    }
    // The longest prefix that is a valid IBAN and ends a token.
    ends.iter()
        .rev()
        .find(|(len, end)| {
            b.get(*end).is_none_or(|c| !c.is_ascii_alphanumeric()) && iban_valid(&chars[..*len])
        })
        .map(|(_, end)| *end)
}

/// The end of an IBAN-shaped token at `i` (country, check digits, 11 to 30 more letters
/// and digits, in groups of 4 or not), whether its check holds or not.
fn iban_extent(b: &[u8], i: usize) -> Option<usize> {
    let head = b.get(i..i + 4)?;
    if !(head[..2].iter().all(u8::is_ascii_uppercase) && head[2..].iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let (mut p, mut n) = (i, 0);
    while p < b.len() && n < 34 {
        let c = b[p];
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            n += 1;
            p += 1;
        } else if c == b' '
            && b.get(p + 1)
                .is_some_and(|d| d.is_ascii_digit() || d.is_ascii_uppercase())
            && n % 4 == 0
        {
            p += 1;
        } else {
            break;
        }
    }
    (n >= 15).then_some(p)
}

/// Visa (13, 16 or 19 digits), Mastercard (16), American Express (15), Discover (16-19);
/// CB cards are co-badged Visa or Mastercard.
fn card_brand_length(d: &[u8]) -> bool {
    let n = d.len();
    if !(13..=19).contains(&n) {
        return false;
    }
    let prefix = |k: usize| {
        d[..k]
            .iter()
            .fold(0u32, |v, c| v * 10 + u32::from(c - b'0'))
    };
    let (two, three, four) = (prefix(2), prefix(3), prefix(4));
    (d[0] == b'4' && matches!(n, 13 | 16 | 19))
        || (((51..=55).contains(&two) || (2221..=2720).contains(&four)) && n == 16)
        || ((two == 34 || two == 37) && n == 15)
        || ((four == 6011 || two == 65 || (644..=649).contains(&three)) && n >= 16)
}

/// `d.d.d.d`, each part 0-255.
fn ipv4_at(b: &[u8], i: usize) -> Option<usize> {
    // Not the tail of a longer dotted number ("1.2.3.4.5").
    if i >= 2 && b[i - 1] == b'.' && b[i - 2].is_ascii_digit() {
        return None;
    }
    let mut p = i;
    for part in 0..4 {
        if part > 0 {
            if b.get(p) != Some(&b'.') {
                return None;
            }
            p += 1;
        }
        let start = p;
        while p < b.len() && b[p].is_ascii_digit() && p - start < 3 {
            p += 1;
        }
        if p == start || (p - start > 1 && b[start] == b'0') {
            return None;
        }
        let v: u32 = b[start..p]
            .iter()
            .fold(0, |v, c| v * 10 + u32::from(c - b'0'));
        if v > 255 {
            return None;
        }
    }
    let follows_number = b.get(p).is_some_and(u8::is_ascii_digit)
        || (b.get(p) == Some(&b'.') && b.get(p + 1).is_some_and(u8::is_ascii_digit));
    (!follows_number).then_some(p)
}

/// Words that name a meter id when they come shortly before a 14-digit number.
const PRM_WORDS: &[&str] = &[
    "prm",
    "pdl",
    "point de livraison",
    "point de référence",
    "compteur",
    "meter",
];
const SIREN_WORDS: &[&str] = &["siren", "rcs", "société", "entreprise", "sarl", "sas"];

fn context_before(text: &str, i: usize, words: &[&str]) -> bool {
    last_word_before(text, i, words).is_some()
}

/// Where the last of `words` starts in the 40 bytes before `i`, within the same clause (a
/// word before `. `, `;`, a line break or ` - ` speaks of something else).
fn last_word_before(text: &str, i: usize, words: &[&str]) -> Option<usize> {
    last_of(&clause_before(text, i)?, words)
}

/// The clause that ends at `i`, lower-cased: the 40 bytes before `i`, from after the last
/// `. `, `;`, line break or ` - `. `None` when it cannot hold a word (no letter in it).
fn clause_before(text: &str, i: usize) -> Option<String> {
    let mut from = i.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..i];
    // Every word starts with a letter: a window without one (a cell that is only the
    // number, a run of digits and spaces) holds none of them.
    if !before.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut window = before.to_lowercase();
    let mut start = 0;
    for sep in [". ", ";", "\n", " - "] {
        if let Some(k) = rfind_bytes(&window.as_bytes()[start..], sep.as_bytes()) {
            start += k + sep.len();
        }
    }
    // Each separator ends with an ASCII byte: `start` is on a character boundary.
    window.drain(..start);
    Some(window)
}

/// Where the last of `words` starts in `clause`.
fn last_of(clause: &str, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter_map(|w| rfind_bytes(clause.as_bytes(), w.as_bytes()))
        .max()
}

/// `str::rfind` for the few bytes of a clause: a plain scan, with no searcher to set up.
fn rfind_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(haystack.len());
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn siren_context(text: &str, i: usize) -> bool {
    context_before(text, i, SIREN_WORDS)
}

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
fn name_at(text: &str, i: usize) -> Option<PiiMatch> {
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

/// `local@domain.tld`.
fn find_emails(text: &str, out: &mut Vec<PiiMatch>) {
    let b = text.as_bytes();
    let local_char =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    let mut last_end = 0;
    for (at, _) in b.iter().enumerate().filter(|(_, c)| **c == b'@') {
        if at < last_end {
            continue;
        }
        let mut start = at;
        while start > last_end && local_char(b[start - 1]) {
            start -= 1;
        }
        while start < at && b[start] == b'.' {
            start += 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain_char(b[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if start < at && tld_ok && !domain.contains("..") {
            out.push(PiiMatch {
                kind: PiiKind::Email,
                start,
                end,
            });
            last_end = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(PiiKind, String)> {
        let mut out = Vec::new();
        detect(text, KindSet::ALL, &mut out);
        out.iter()
            .map(|m| (m.kind, text[m.start..m.end].to_owned()))
            .collect()
    }

    fn kinds(text: &str) -> Vec<PiiKind> {
        found(text).into_iter().map(|(k, _)| k).collect()
    }

    fn nir_with_key(body: &str) -> String {
        let n: u64 = body
            .replace("2A", "19")
            .replace("2B", "18")
            .parse()
            .unwrap();
        format!("{body}{:02}", 97 - n % 97)
    }

    #[test]
    fn emails() {
        assert_eq!(
            found("écrire à jeanne.martin+edf@example.fr."),
            [(PiiKind::Email, "jeanne.martin+edf@example.fr".to_owned())]
        );
        assert!(found("a@b, x@localhost, @twitter").is_empty());
        assert_eq!(
            kinds("contact: j.d-1984@mail.example.co.uk ok"),
            [PiiKind::Email]
        );
    }

    #[test]
    fn french_phones_in_their_usual_spellings() {
        for phone in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33612345678",
            "+33 (0)6 12 34 56 78",
            "0033 6 12 34 56 78",
            "01\u{a0}42\u{a0}68\u{a0}53\u{a0}00",
        ] {
            assert_eq!(
                found(&format!("Tél : {phone}.")),
                [(PiiKind::Phone, phone.to_owned())],
                "{phone}"
            );
        }
        for not_phone in [
            "06 12 34 56",
            "06.12-34.56.78",
            "00 12 34 56 78",
            "061234567890",
            "+33 0 12 34 56 78",
        ] {
            assert!(!kinds(not_phone).contains(&PiiKind::Phone), "{not_phone}");
        }
    }

    #[test]
    fn nir_needs_its_key() {
        let nir = nir_with_key("1841276451089");
        assert_eq!(found(&format!("NIR {nir}")), [(PiiKind::Nir, nir.clone())]);
        let spaced = format!(
            "{} {} {} {} {} {} {}",
            &nir[0..1],
            &nir[1..3],
            &nir[3..5],
            &nir[5..7],
            &nir[7..10],
            &nir[10..13],
            &nir[13..15]
        );
        assert_eq!(
            found(&format!("n° sécu {spaced} !")),
            [(PiiKind::Nir, spaced)]
        );
        let corsica = nir_with_key("255082A004123");
        assert_eq!(found(&corsica), [(PiiKind::Nir, corsica.clone())]);
        let corsica_b = nir_with_key("170012B012345");
        assert_eq!(kinds(&corsica_b), [PiiKind::Nir]);
        // Same shape, wrong key: not a NIR.
        let mut bad = nir.clone().into_bytes();
        bad[14] = if bad[14] == b'9' { b'0' } else { bad[14] + 1 };
        assert!(!kinds(std::str::from_utf8(&bad).unwrap()).contains(&PiiKind::Nir));
    }

    #[test]
    fn iban_needs_its_check() {
        assert_eq!(
            found("RIB FR76 3000 6000 0112 3456 7890 189 merci"),
            [(
                PiiKind::Iban,
                "FR76 3000 6000 0112 3456 7890 189".to_owned()
            )]
        );
        assert_eq!(kinds("FR7630006000011234567890189"), [PiiKind::Iban]);
        assert_eq!(kinds("IBAN DE89 3704 0044 0532 0130 00."), [PiiKind::Iban]);
        assert!(kinds("FR76 3000 6000 0112 3456 7890 188").is_empty());
    }

    #[test]
    fn siren_siret_and_cards_need_luhn() {
        assert_eq!(kinds("SIRET 732 829 320 00074"), [PiiKind::Siret]);
        assert_eq!(kinds("siret 73282932000074"), [PiiKind::Siret]);
        // "Compteurs" names a meter, but "SIRET" is closer to what this number is.
        assert_eq!(
            kinds("Réseaux & Compteurs SAS, SIRET 567 630 876 00033"),
            [PiiKind::Siret]
        );
        assert!(kinds("siret 73282932000075").is_empty());
        assert_eq!(kinds("société 732 829 320"), [PiiKind::Siren]);
        assert_eq!(kinds("SIREN 732829320"), [PiiKind::Siren]);
        assert!(kinds("732829321").is_empty());
        assert!(
            kinds("ref 732829320").is_empty(),
            "9 digits without context are not a SIREN"
        );
        assert_eq!(kinds("carte 4539 5787 6362 1486"), [PiiKind::Card]);
        assert_eq!(kinds("4539578763621486"), [PiiKind::Card]);
        assert!(kinds("4539 5787 6362 1487").is_empty());
        assert!(
            kinds("9539 5787 6362 1480").is_empty(),
            "unknown card prefix"
        );
    }

    #[test]
    fn meter_ids_in_context() {
        assert_eq!(
            found("PDL 12345678901234"),
            [(PiiKind::Prm, "12345678901234".to_owned())]
        );
        assert_eq!(kinds("n° de compteur: 09876543210987"), [PiiKind::Prm]);
        assert_eq!(kinds("point de livraison 12345678901234"), [PiiKind::Prm]);
        assert!(
            kinds("commande 12345678901234").is_empty(),
            "no context, no Luhn"
        );
    }

    #[test]
    fn ipv4() {
        assert_eq!(
            found("box 192.168.1.12 hs"),
            [(PiiKind::Ipv4, "192.168.1.12".to_owned())]
        );
        assert!(kinds("version 1.2.3.4.5").is_empty());
        assert!(kinds("256.1.1.1").is_empty());
        assert!(kinds("relevé 12.5 kWh").is_empty());
    }

    #[test]
    fn names_after_titles() {
        assert_eq!(
            found("Mme Durand absente"),
            [(PiiKind::Name, "Durand".to_owned())]
        );
        assert_eq!(
            found("vu M. Jean-Pierre Le Gall"),
            [(PiiKind::Name, "Jean-Pierre Le Gall".to_owned())]
        );
        assert_eq!(
            found("Monsieur de Villepin"),
            [(PiiKind::Name, "de Villepin".to_owned())]
        );
        assert_eq!(
            found("Mlle du Pont est là"),
            [(PiiKind::Name, "du Pont".to_owned())]
        );
        assert_eq!(
            found("Madame Anne de Villepin."),
            [(PiiKind::Name, "Anne de Villepin".to_owned())]
        );
        assert!(found("M. le maire").is_empty());
        assert!(found("Mme RAS").is_empty());
        assert!(found("Commentaire: RAS").is_empty());
    }

    #[test]
    fn ordinary_text_has_nothing() {
        for text in [
            "",
            "RAS",
            "Relevé estimé, compteur remplacé le 12/03/2024",
            "Consommation 12,5 kWh à 08:30, index 045678",
            "Tarif HPHC depuis 2021",
            "Accès difficile, chien méchant",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    /// Found by `cargo fuzz run pii` (fuzz/regressions/pii/name-runs-into-email): a name
    /// after a title overlapped the email it starts, and the redactor sliced the text
    /// backwards (a panic in `watt minimise` on a comment such as "M. Pt@a.rl").
    #[test]
    fn a_name_running_into_an_email_does_not_overlap_it() {
        assert_eq!(
            found("M. Pt@a.rl"),
            [(PiiKind::Email, "Pt@a.rl".to_owned())]
        );
        assert_eq!(
            found("voir M. Jean Dupont@example.fr demain"),
            [
                (PiiKind::Name, "Jean".to_owned()),
                (PiiKind::Email, "Dupont@example.fr".to_owned())
            ]
        );
        for text in [
            "M. Pt@a.rl",
            "Mme Durand.j@orange.fr",
            "M. Jean Dupont@example.fr",
        ] {
            let mut out = Vec::new();
            detect(text, KindSet::ALL, &mut out);
            assert!(
                out.windows(2).all(|w| w[0].end <= w[1].start),
                "{text}: {out:?}"
            );
        }
    }

    #[test]
    fn selected_kinds_only() {
        let mut out = Vec::new();
        detect(
            "jeanne@example.fr 06 12 34 56 78",
            KindSet::of(&[PiiKind::Phone]),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, PiiKind::Phone);
    }
}
