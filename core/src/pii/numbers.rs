//! Detectors of numbers: NIR, SIREN, SIRET, payment cards, meter ids (PRM/PDL), French
//! phone numbers and IPv4 addresses.
//!
//! Each reads the digits from a candidate position in the spellings people write — compact,
//! or in groups with one separator kind (`06 12 34 56 78`, `732 829 320 00074`,
//! `1-85-05-78-006-084-91`, `06/12/34/56/78`) — then checks what the groups and the
//! digits allow:
//!
//! - check digits first: a NIR's key, Luhn for SIREN, SIRET and cards. A number whose check
//!   fails is never reported as one of these, whatever its spelling or its context;
//! - the grouping: each kind accepts the groupings in which it is written (a NIR's groups
//!   end where its parts end), so two numbers side by side are not read as one identifier;
//! - context words ([`super::context`]) where check digits cannot decide: a meter id has
//!   none and is only reported after a word naming it; a SIREN holds for one random 9-digit
//!   number in ten, so only its canonical spelling `732 829 320` stands alone, and a
//!   14-digit number that passes Luhn is a SIRET when a word names a company or when it is
//!   grouped as a SIRET is (`732 829 320 00074`), not when it stands bare (one random
//!   14-digit number in ten would be);
//! - what a number is said to be: a Luhn-valid `contrat 403 678 725` is a contract number,
//!   `firmware 1.4.26.88` a version, `123 456 789 €` an amount.

use super::checksums::{luhn_valid, nir_valid, siret_valid};
use super::context::{self, Clause};
use super::{KindSet, PiiKind, PiiMatch, ends_token};

/// The phone number, identifier or address that starts at `i` (a digit, `+` or `(`).
pub(super) fn number_at(text: &str, i: usize, kinds: KindSet) -> Option<PiiMatch> {
    let b = text.as_bytes();
    let c = b[i];
    let found = |kind: PiiKind, end: usize| {
        (kinds.contains(kind) && ends_token(text, end)).then_some(PiiMatch {
            kind,
            start: i,
            end,
        })
    };
    if c == b'(' || c == b'+' || b[i..].starts_with(b"0033") {
        let phone = international_phone_at(b, i).and_then(|end| found(PiiKind::Phone, end));
        // `(` and `+` start nothing else; `0033` may start a meter id or another number.
        if phone.is_some() || !c.is_ascii_digit() {
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
        if let Some(m) = nir_at(b, i).and_then(|end| found(PiiKind::Nir, end)) {
            return Some(m);
        }
    }
    if let Some(run) = DigitRun::read(b, i) {
        if let Some(m) = identifier(text, i, &run).and_then(|kind| found(kind, run.end)) {
            return Some(m);
        }
    }
    let end = ipv4_at(b, i)?;
    let version = || {
        let clause = Clause::before(text, i);
        clause.last_of(context::VERSION) > clause.last_of(context::NETWORK)
    };
    found(PiiKind::Ipv4, end).filter(|_| !version())
}

/// Groupings of a SIRET: compact, SIREN + NIC (`732829320 00074`, `732 829 320 00074`),
/// and in threes (`732 829 320 000 74`).
const SIRET_GROUPS: &[&[usize]] = &[&[14], &[9, 5], &[3, 3, 3, 5], &[3, 3, 3, 3, 2]];

/// Groupings of a French phone number besides pairs: `0612 34 56 78`, `0612 3456 78`,
/// `06 1234 5678`.
const PHONE_GROUPS: &[&[usize]] = &[
    &[10],
    &[2, 2, 2, 2, 2],
    &[4, 2, 2, 2],
    &[4, 4, 2],
    &[2, 4, 4],
];

/// Units after a number that make it an amount or a quantity, not an identifier.
const UNITS: &[&str] = &[
    "€", "eur", "euro", "euros", "kwh", "mwh", "wh", "kw", "kva", "m3", "m³",
];

/// What the digit run at `i` is: a SIREN, a French phone number, a SIRET or meter id, or
/// a payment card.
fn identifier(text: &str, i: usize, run: &DigitRun) -> Option<PiiKind> {
    let d = run.digits();
    let groups = run.groups();
    // `/` separates the pairs of a phone number (`06/12/34/56/78`) and the parts of a
    // date, nothing else.
    let slashed = run.has_separator(b'/');
    match d.len() {
        9 => {
            let shape = groups == [9] || groups == [3, 3, 3];
            if !(shape && run.same_separator() && !slashed && luhn_valid(d))
                || quantity(text.as_bytes(), run.end)
            {
                return None;
            }
            // Named a company (`SIREN`, `société`, `RCS Paris`) more recently than
            // something else (`contrat`, `commande`): a SIREN, however written. Without a
            // word, only in its canonical spelling, in groups of three with spaces.
            let clause = Clause::before(text, i);
            let named = clause.last_of(context::COMPANY);
            let other = clause.last_of(context::OTHER_NUMBER);
            let canonical = groups.len() == 3 && matches!(run.separators[0], b' ' | 0xC2 | 0xE2);
            (named > other || (canonical && other.is_none())).then_some(PiiKind::Siren)
        }
        10 => {
            let phone = d[0] == b'0'
                && d[1] != b'0'
                && run.same_separator()
                && if slashed {
                    groups == [2, 2, 2, 2, 2]
                } else {
                    PHONE_GROUPS.contains(&groups)
                };
            phone.then_some(PiiKind::Phone)
        }
        14 => {
            if !run.same_separator() || slashed {
                return None;
            }
            let siret = SIRET_GROUPS.contains(&groups) && siret_valid(d);
            let clause = Clause::before(text, i);
            let meter = clause.last_of(context::METER);
            // Of a company word and a meter word, the nearer says what the number is.
            if siret && clause.last_of(context::COMPANY) > meter {
                return Some(PiiKind::Siret);
            }
            // A meter id has no check digit: after a meter word, 14 digits in any grouping
            // are one, unless "SIRET" comes nearer (then it is a SIRET whose check fails).
            if meter.is_some() && clause.last_of(&["siret"]) < meter {
                return Some(PiiKind::Prm);
            }
            // Without a word, grouped as a SIRET is; a bare 14-digit number passes Luhn one
            // time in ten and is a meter id, an order or a ticket number as often.
            let grouped = groups.len() > 1 && !clause.has(context::OTHER_NUMBER);
            (siret && grouped).then_some(PiiKind::Siret)
        }
        _ => {
            let card = card_brand_length(d)
                && !slashed
                && luhn_valid(d)
                && (groups.len() == 1
                    || groups[..groups.len() - 1].iter().all(|g| *g == 4)
                    || groups == [4, 6, 5]);
            card.then_some(PiiKind::Card)
        }
    }
}

/// Whether the number that ends at `end` is a quantity: a decimal part (`,50`) or a unit
/// (`€`, `kWh`...) after at most one space follows it.
fn quantity(b: &[u8], end: usize) -> bool {
    let rest = &b[end..];
    if let [b',', d, ..] = rest {
        if d.is_ascii_digit() {
            return true;
        }
    }
    let rest = &rest[space_len(rest)..];
    UNITS.iter().any(|u| {
        let u = u.as_bytes();
        rest.get(..u.len())
            .is_some_and(|r| r.eq_ignore_ascii_case(u))
            && rest.get(u.len()).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// The length of the separator at the start of `b`, when one is there: space, no-break
/// space (U+00A0, or the narrow U+202F of French typography), `.`, `-`.
pub(super) fn separator_len(b: &[u8]) -> Option<usize> {
    match b {
        [b' ' | b'.' | b'-', ..] => Some(1),
        [0xC2, 0xA0, ..] => Some(2),
        [0xE2, 0x80, 0xAF, ..] => Some(3),
        _ => None,
    }
}

/// The length of the space at the start of `b` (0 when there is none).
fn space_len(b: &[u8]) -> usize {
    match separator_len(b) {
        Some(n) if b[0] != b'.' && b[0] != b'-' => n,
        _ => 0,
    }
}

/// A run of digit groups separated by one separator each ([`separator_len`], or `/`).
struct DigitRun {
    digits: [u8; 24],
    len: usize,
    groups: [usize; 12],
    ngroups: usize,
    /// The first byte of each separator (`0xC2` for a no-break space, `0xE2` for a narrow
    /// one).
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
                Some([b'/', d, ..]) if d.is_ascii_digit() => 1,
                Some(rest) => match separator_len(rest) {
                    Some(n) if b.get(p + n).is_some_and(u8::is_ascii_digit) => n,
                    _ => return Some(run),
                },
                None => return Some(run),
            };
            run.separators[run.ngroups - 1] = b[p];
            p += sep_len;
        }
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    fn groups(&self) -> &[usize] {
        &self.groups[..self.ngroups]
    }

    fn seps(&self) -> &[u8] {
        &self.separators[..self.ngroups.saturating_sub(1)]
    }

    fn same_separator(&self) -> bool {
        self.seps().windows(2).all(|w| w[0] == w[1])
    }

    fn has_separator(&self, sep: u8) -> bool {
        self.seps().contains(&sep)
    }
}

/// `+33 6 12 34 56 78`, `+33 (0)6 12 34 56 78`, `(+33) 6 12 34 56 78`, `+33612345678`,
/// `0033 6 12 34 56 78`, `+33 612 345 678`, `+33 06 12 34 56 78` (the 0 written anyway).
fn international_phone_at(b: &[u8], i: usize) -> Option<usize> {
    let rest = &b[i..];
    let prefix = [&b"(+33)"[..], b"(0033)", b"+33", b"0033"]
        .into_iter()
        .find(|p| rest.starts_with(p))?;
    let mut p = i + prefix.len();
    p += space_len(&b[p..]);
    if b[p..].starts_with(b"(0)") {
        p += 3;
        p += space_len(&b[p..]);
    }
    let run = DigitRun::read(b, p)?;
    let d = run.digits();
    let national = match d.len() {
        9 => d[0] != b'0',
        10 => d[0] == b'0' && d[1] != b'0',
        _ => false,
    };
    let grouped = run.ngroups == 1
        || (run.same_separator()
            && !run.has_separator(b'/')
            && run.groups().iter().all(|g| *g <= 4));
    (national && grouped).then_some(run.end)
}

/// Where the parts of a NIR end (sex, year, month, département, commune, order, key): the
/// only places a separator may stand.
const NIR_PARTS: [usize; 6] = [1, 3, 5, 7, 10, 13];

/// NIR: `1 84 12 76 451 089 46`, `184127645108946`, `1 84 12 76 451 08946`,
/// `1841276451089 46`, `1-84-12-76-451-089-46`, with `2A`/`2B` for Corsica; any of its
/// parts may be glued to the next, with one separator kind throughout. The key must hold.
fn nir_at(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b[i], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return None;
    }
    let mut chars = [0u8; 15];
    let mut n = 0;
    let mut p = i;
    let mut sep: Option<&[u8]> = None;
    while n < chars.len() {
        let c = *b.get(p)?;
        let corsican = n == 6 && chars[5] == b'2' && matches!(c, b'A' | b'B' | b'a' | b'b');
        if c.is_ascii_digit() || corsican {
            chars[n] = c.to_ascii_uppercase();
            n += 1;
            p += 1;
            continue;
        }
        // A separator where a part ends, the same as the others, before the next part.
        let len = separator_len(&b[p..]).filter(|_| NIR_PARTS.contains(&n))?;
        let this = &b[p..p + len];
        if sep.is_some_and(|s| s != this) {
            return None;
        }
        sep = Some(this);
        p += len;
        if !b.get(p).is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    (b.get(p).is_none_or(|c| !c.is_ascii_digit()) && nir_valid(&chars)).then_some(p)
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

#[cfg(test)]
mod tests {
    //! One test per spelling family and per false-positive pattern of issue 23. Families
    //! of numbers with a check digit are tried valid (found whole, as their kind) and with
    //! the last digit changed (nothing reported).

    use crate::pii::PiiKind;
    use crate::pii::tests::{found, kinds, nir_with_key};

    /// `chars` cut into `groups`, joined by `sep`.
    fn spell(chars: &str, groups: &[usize], sep: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for (k, g) in groups.iter().enumerate() {
            if k > 0 {
                out.push_str(sep);
            }
            out.push_str(&chars[at..at + g]);
            at += g;
        }
        assert_eq!(at, chars.len(), "groups of {chars}");
        out
    }

    /// `digits` with its last digit changed: the check digit fails.
    fn last_digit_changed(digits: &str) -> String {
        let (body, last) = digits.split_at(digits.len() - 1);
        let last = last.as_bytes()[0];
        format!("{body}{}", char::from(b'0' + (last - b'0' + 1) % 10))
    }

    /// Each spelling of `valid` after `before` is found whole, as `kind`; the same spelling
    /// with the last digit changed is not reported at all.
    fn check_spellings(kind: PiiKind, before: &str, valid: &str, spellings: &[(&[usize], &str)]) {
        let bad = last_digit_changed(valid);
        for (groups, sep) in spellings {
            let good = spell(valid, groups, sep);
            assert_eq!(
                found(&format!("{before}{good}, merci")),
                [(kind, good.clone())],
                "{before}{good}"
            );
            let bad = spell(&bad, groups, sep);
            assert_eq!(found(&format!("{before}{bad}, merci")), [], "{before}{bad}");
        }
    }

    const NIR_BODIES: [&str; 3] = ["1850578006084", "255082A004123", "170012B012345"];

    fn check_nir(spellings: &[(&[usize], &str)]) {
        for body in NIR_BODIES {
            let nir = nir_with_key(body);
            for before in ["n° sécu ", "NIR : ", ""] {
                check_spellings(PiiKind::Nir, before, &nir, spellings);
            }
        }
    }

    const SPACED: &[usize] = &[1, 2, 2, 2, 3, 3, 2];

    #[test]
    fn nir_compact_and_spaced() {
        check_nir(&[(&[15], ""), (SPACED, " ")]);
    }

    #[test]
    fn nir_key_glued_to_the_last_group() {
        check_nir(&[(&[1, 2, 2, 2, 3, 5], " ")]);
    }

    #[test]
    fn nir_key_after_a_compact_body() {
        check_nir(&[(&[13, 2], " ")]);
    }

    #[test]
    fn nir_dashed_dotted_or_with_no_break_spaces() {
        check_nir(&[
            (SPACED, "-"),
            (SPACED, "."),
            (SPACED, "\u{a0}"),
            (SPACED, "\u{202f}"),
        ]);
    }

    #[test]
    fn nir_corsica_in_lower_case() {
        let nir = nir_with_key("255082A004123").to_lowercase();
        assert_eq!(kinds(&spell(&nir, SPACED, " ")), [PiiKind::Nir]);
    }

    #[test]
    fn nir_separators_only_where_its_parts_end() {
        let nir = nir_with_key("1850578006084");
        for (groups, sep) in [
            (&[4, 11][..], " "),
            (SPACED, "/"),
            (&[1, 2, 2, 2, 3, 1, 4][..], " "),
        ] {
            let text = spell(&nir, groups, sep);
            assert!(!kinds(&text).contains(&PiiKind::Nir), "{text}");
        }
        // One separator kind throughout.
        let mixed = format!("{} {}-{}", &nir[..1], &nir[1..3], &nir[3..]);
        assert!(!kinds(&mixed).contains(&PiiKind::Nir), "{mixed}");
    }

    const SIRET: &str = "73282932000074";
    const SIRET_WORDS: [&str; 4] = [
        "SIRET ",
        "siret: ",
        "Société Élec Services ",
        "SARL Dupont, n° ",
    ];

    #[test]
    fn siret_compact_or_three_three_three_five_after_a_word() {
        for before in SIRET_WORDS {
            check_spellings(
                PiiKind::Siret,
                before,
                SIRET,
                &[(&[14], ""), (&[3, 3, 3, 5], " ")],
            );
        }
        // La Poste's establishments: digit sum a multiple of 5, not Luhn.
        assert_eq!(kinds("SIRET 356 000 000 00001"), [PiiKind::Siret]);
    }

    /// Grouped as a SIRET is (SIREN + NIC, or in threes), it stands without a word too.
    #[test]
    fn siret_as_siren_and_nic() {
        for before in SIRET_WORDS.into_iter().chain(["voir "]) {
            check_spellings(
                PiiKind::Siret,
                before,
                SIRET,
                &[
                    (&[9, 5], " "),
                    (&[3, 3, 3, 5], "\u{a0}"),
                    (&[3, 3, 3, 5], "."),
                ],
            );
        }
    }

    #[test]
    fn siret_in_threes() {
        for before in SIRET_WORDS.into_iter().chain(["voir "]) {
            check_spellings(PiiKind::Siret, before, SIRET, &[(&[3, 3, 3, 3, 2], " ")]);
        }
    }

    /// Decision: a 14-digit number that passes Luhn, compact and with no word naming a
    /// company, is not reported (one random 14-digit number in ten passes Luhn: order,
    /// ticket and meter numbers were reported as SIRETs).
    #[test]
    fn a_bare_compact_14_digit_number_is_no_siret() {
        for text in [
            "73282932000074",
            "Commande n° 73282932000074",
            "ref 73282932000074 à rappeler",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        // Named as something else, a SIRET-shaped grouping is not one either.
        assert_eq!(found("commande 732 829 320 00074"), []);
    }

    const PRM: &str = "12345678901234";
    const METER_WORDS: [&str; 5] = ["PDL ", "PRM ", "compteur ", "point de livraison ", "Linky "];

    fn check_meter(before: &str, groups: &[usize], sep: &str) {
        let prm = spell(PRM, groups, sep);
        assert_eq!(
            found(&format!("{before}{prm} à relever")),
            [(PiiKind::Prm, prm.clone())],
            "{before}{prm}"
        );
        // Without a word naming it, not a meter id.
        assert!(
            !kinds(&format!("relevé {prm}")).contains(&PiiKind::Prm),
            "{prm}"
        );
    }

    #[test]
    fn meter_id_in_fours() {
        for before in METER_WORDS {
            check_meter(before, &[4, 4, 4, 2], " ");
            check_meter(before, &[4, 4, 4, 2], ".");
            check_meter(before, &[4, 4, 4, 2], "-");
        }
    }

    #[test]
    fn meter_id_in_threes() {
        for before in METER_WORDS {
            check_meter(before, &[2, 3, 3, 3, 3], " ");
            check_meter(before, &[2, 3, 3, 3, 3], "\u{a0}");
            check_meter(before, &[3, 3, 3, 5], " ");
        }
    }

    #[test]
    fn meter_words_without_accents_or_case() {
        for before in [
            "N° PDL : ",
            "n°pdl ",
            "COMPTEUR n° ",
            "Compteurs ",
            "mon compteur Linky ",
            "Point De Référence ",
            "point de reference ",
            "POINT DE LIVRAISON ",
            "gaz, PCE ",
            "ancien RAE ",
        ] {
            check_meter(before, &[14], "");
            check_meter(before, &[4, 4, 4, 2], " ");
        }
    }

    #[test]
    fn meter_id_one_separator_kind_fourteen_digits() {
        for text in [
            "PDL 1234 5678-9012 34",
            "PDL 1234/5678/9012/34",
            "PDL 1234 5678 9012 3",
            "PDL 1234 5678 9012 345",
        ] {
            assert!(!kinds(text).contains(&PiiKind::Prm), "{text}");
        }
    }

    fn check_phones(phones: &[&str]) {
        for phone in phones {
            assert_eq!(
                found(&format!("Tél : {phone}, merci")),
                [(PiiKind::Phone, (*phone).to_owned())],
                "{phone}"
            );
        }
    }

    #[test]
    fn phone_with_plus_33_in_parentheses() {
        check_phones(&[
            "(+33) 6 12 34 56 78",
            "(+33)6 12 34 56 78",
            "(0033) 6 12 34 56 78",
        ]);
        assert!(!kinds("(+33) 0 12 34 56 78").contains(&PiiKind::Phone));
    }

    #[test]
    fn phone_in_fours() {
        check_phones(&["0612 3456 78", "0612 34 56 78", "06 1234 5678"]);
    }

    #[test]
    fn phone_with_slashes() {
        check_phones(&["06/12/34/56/78", "01/42/68/53/00"]);
    }

    #[test]
    fn phone_international_groupings() {
        check_phones(&[
            "+33 612 345 678",
            "+33 6 1234 5678",
            "+33 06 12 34 56 78",
            "+33\u{a0}6\u{a0}12\u{a0}34\u{a0}56\u{a0}78",
            "+33\u{202f}6\u{202f}12\u{202f}34\u{202f}56\u{202f}78",
            "06\u{202f}12\u{202f}34\u{202f}56\u{202f}78",
        ]);
    }

    /// Phones have no check digit: dates, amounts and other groupings stay out.
    #[test]
    fn dates_and_odd_groupings_are_no_phones() {
        for not_phone in [
            "12/03/2024",
            "le 05/06/2024 à 14h",
            "RDV 05 06 2024 14h",
            "06/12/34 56 78",
            "06/1234/5678",
            "0612/345678",
            "0 612 345 678",
            "06 123 456 78 9",
            "+33 6.12 34 56 78",
        ] {
            assert!(!kinds(not_phone).contains(&PiiKind::Phone), "{not_phone}");
        }
    }

    #[test]
    fn siren_context_words_without_accents_or_case() {
        for before in [
            "SIREN ",
            "société ",
            "societe ",
            "SOCIÉTÉ ",
            "Societe Dupont ",
            "RCS Paris B ",
            "l'entreprise ",
            "l’entreprise ",
            "Dupont SARL, ",
        ] {
            for siren in ["732829320", "732 829 320", "732.829.320", "732-829-320"] {
                assert_eq!(
                    found(&format!("{before}{siren}")),
                    [(PiiKind::Siren, siren.to_owned())],
                    "{before}{siren}"
                );
                let bad = siren.replace("320", "321");
                assert_eq!(found(&format!("{before}{bad}")), [], "{before}{bad}");
            }
        }
    }

    /// Decision: without a word naming a company, only the canonical spelling in groups of
    /// three with spaces is a SIREN; dashed, dotted or compact 9-digit numbers are contract,
    /// order or customer numbers as often (`contrat 403-678-725` was reported as a SIREN).
    #[test]
    fn a_dashed_contract_number_is_no_siren() {
        for text in [
            "contrat 403-678-725",
            "contrat 403 678 725",
            "Contrat n° 403.678.725",
            "dossier 403678725",
            "403-678-725",
            "403.678.725",
            "client 403 678 725 à rappeler",
            "n° de facture 403 678 725",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        assert_eq!(kinds("Syndic n° 732 829 320"), [PiiKind::Siren]);
        assert_eq!(kinds("voir fiche 732\u{a0}829\u{a0}320"), [PiiKind::Siren]);
        // A company word nearer than the other says it.
        assert_eq!(kinds("contrat de la société 403-678-725"), [PiiKind::Siren]);
    }

    #[test]
    fn amounts_are_no_siren() {
        for text in [
            "Montant total : 123 456 782 €",
            "Montant total : 123 456 782€",
            "capital de la société : 123 456 782 EUR",
            "123 456 782 kWh",
            "123\u{a0}456\u{a0}782\u{a0}euros",
            "123\u{202f}456\u{202f}782\u{202f}€",
            "soit 123 456 782,50 TTC",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        assert_eq!(kinds("SIREN 123 456 782 ; 12 €"), [PiiKind::Siren]);
    }

    #[test]
    fn four_part_versions_are_no_ipv4() {
        for text in [
            "version 7.18.39.114",
            "Version : 7.18.39.114",
            "firmware compteur 1.4.26.88",
            "FIRMWARE 1.4.26.88",
            "mise à jour logicielle 7.18.39.114 faite",
            "maj du fw en 1.4.26.88",
            "v2.3.4.5",
            "v 2.3.4.5",
            "Linky v.2.3.4.5",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    #[test]
    fn ipv4_addresses_are_still_found() {
        for (text, ip) in [
            ("box 192.168.1.20 hs", "192.168.1.20"),
            ("adresse IP 10.0.0.12", "10.0.0.12"),
            ("192.168.1.20", "192.168.1.20"),
            ("firmware à jour, IP 10.0.0.12", "10.0.0.12"),
            ("version 2 installée. Passerelle 10.0.0.1", "10.0.0.1"),
        ] {
            assert_eq!(found(text), [(PiiKind::Ipv4, ip.to_owned())], "{text}");
        }
    }

    #[test]
    fn the_nearer_of_a_company_and_a_meter_word_decides() {
        // Luhn-valid after a meter word: a meter id.
        assert_eq!(kinds("PDL 73282932000074"), [PiiKind::Prm]);
        // After "SIRET", a SIRET, even with a meter word before.
        assert_eq!(
            kinds("Réseaux & Compteurs SAS, SIRET 732 829 320 00074"),
            [PiiKind::Siret]
        );
        // "SIRET" nearer and the check fails: neither.
        assert_eq!(found("Compteurs SAS, SIRET 732 829 320 00075"), []);
        // A company word nearer, the check fails: the meter word still names it.
        assert_eq!(
            kinds("compteur de l'entreprise 12345678901234"),
            [PiiKind::Prm]
        );
    }
}
