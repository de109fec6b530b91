//! Detectors of personal data hidden in text: emails, French phone numbers, NIR (social
//! security numbers), IBANs, SIREN/SIRET, payment cards, PRM/PDL meter ids, IPv4 addresses
//! and names of people, with or without a title (`names`).
//!
//! Pure Rust, no network, no regex engine: each detector reads bytes from a candidate
//! position and checks the shape, then the check digits. Numbers with check digits (NIR,
//! IBAN, SIRET, SIREN, cards) are only reported when the check holds, so a random 15-digit
//! ticket number is not a NIR; meter ids, which have no check digit, are only reported next
//! to a word that names them ("PRM", "PDL", "compteur").
//!
//! `numbers` reads the numbers (NIR, SIREN/SIRET, cards, meter ids, phones, IPv4) in the
//! spellings people write, `iban` the IBANs, and `context` the words before a number,
//! compared without accents or case; this module finds the candidate positions, the
//! emails and the names.

mod checksums;
mod context;
mod iban;
mod names;
mod numbers;

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
        let candidate = match c {
            b'0'..=b'9' | b'+' | b'A'..=b'Z' => at_boundary(text, i),
            // `fr76 3000 …`: a lower-case IBAN; `monsieur Dupont`: a lower-case title.
            b'a'..=b'z' => (iban::head(b, i) || names::may_start(b, i)) && at_boundary(text, i),
            // `(+33) 6 12 34 56 78`: the parenthesis is part of the number.
            b'(' => b[i + 1..].starts_with(b"+33)") || b[i + 1..].starts_with(b"0033)"),
            // `Émilie`: a Latin-1 capital.
            _ => names::may_start(b, i) && at_boundary(text, i),
        };
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
            if let Some(end) = iban::iban_extent(b, i) {
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
    if c.is_ascii_alphabetic() {
        let iban = iban::iban_at(b, i)
            .filter(|end| kinds.contains(PiiKind::Iban) && ends_token(text, *end))
            .map(|end| PiiMatch {
                kind: PiiKind::Iban,
                start: i,
                end,
            });
        if iban.is_some() {
            return iban;
        }
        // A lower-case letter is here for an IBAN or a title: other words start no name.
        if kinds.contains(PiiKind::Name) && names::may_start(b, i) {
            return names::name_at(text, i);
        }
        return None;
    }
    if names::may_start(b, i) {
        return if kinds.contains(PiiKind::Name) {
            names::name_at(text, i)
        } else {
            None
        };
    }
    numbers::number_at(text, i, kinds)
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

    /// What `detect` finds in `text`, as kinds and the text they cover (the detector
    /// modules' tests use these helpers too).
    pub(super) fn found(text: &str) -> Vec<(PiiKind, String)> {
        let mut out = Vec::new();
        detect(text, KindSet::ALL, &mut out);
        out.iter()
            .map(|m| (m.kind, text[m.start..m.end].to_owned()))
            .collect()
    }

    pub(super) fn kinds(text: &str) -> Vec<PiiKind> {
        found(text).into_iter().map(|(k, _)| k).collect()
    }

    /// A 13-character NIR body (Corsica's 2A/2B included) with its control key.
    pub(super) fn nir_with_key(body: &str) -> String {
        let n: u64 = body
            .replace("2A", "19")
            .replace("2B", "18")
            .parse()
            .expect("13 digits");
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

    /// Pieces of the spellings the detectors read (digits, every separator and wrapper,
    /// context words, titles, e-mail parts, accented and multi-byte letters), so that
    /// random text often comes close to an item and cuts it anywhere.
    const PIECES: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "7",
        "9",
        "06",
        "12",
        "34",
        "2A",
        "2b",
        "732",
        "829",
        "320",
        "00074",
        "1850578006084",
        "FR76",
        "fr76",
        "3000",
        "189",
        " ",
        " ",
        "  ",
        ".",
        "-",
        "/",
        "<",
        ">",
        "(",
        ")",
        "+33",
        "(+33)",
        "0033",
        "(0)",
        "\u{a0}",
        "\u{202f}",
        "\n",
        ";",
        "@",
        "x@y.fr",
        "é",
        "É",
        "œ",
        "€",
        "kWh",
        "ß",
        "🙂",
        "PDL",
        "compteur",
        "société",
        "SIRET",
        "SIREN",
        "contrat",
        "version",
        "firmware",
        "IP",
        "v",
        "Mme",
        "M.",
        "Durand",
        "de",
        "le",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// `detect` never panics, and its matches are in order, never overlap, are not
        /// empty and lie on character boundaries: the redactor slices the text with them.
        #[test]
        fn matches_are_ordered_disjoint_and_on_char_boundaries(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40),
            noise in ".{0,12}",
        ) {
            let text = format!("{}{noise}", pieces.concat());
            let mut out = Vec::new();
            for kinds in [KindSet::ALL, KindSet::of(&[PiiKind::Phone, PiiKind::Prm])] {
                detect(&text, kinds, &mut out);
                let mut end = 0;
                for m in &out {
                    proptest::prop_assert!(m.start >= end && m.start < m.end, "{text:?}: {out:?}");
                    proptest::prop_assert!(text.get(m.start..m.end).is_some(), "{text:?}: {out:?}");
                    proptest::prop_assert!(kinds.contains(m.kind));
                    end = m.end;
                }
            }
        }
    }
}
