//! A labelled corpus of French free text for measuring the personal-data detectors
//! (`watt_core::pii::detect`): precision and recall need texts whose every personal item
//! is known, with its kind, its spelling and its byte span.
//!
//! Each [`Snippet`] is a technician note or a customer message holding 0–3 planted items
//! ([`Label`]: kind, spelling family, byte span), sometimes a greeting or a signature with
//! a name, and 0–2 hard negatives ([`Negative`]): text that looks like an identifier or a
//! name and is not one. [`FAMILIES`] lists the spelling families of each kind and
//! [`NEGATIVE_FAMILIES`] those of the hard negatives, so that recall and false positives
//! are reported per family:
//!
//! - phones in twelve spellings (`06 12 34 56 78` … `(+33) 6 12 34 56 78`, `0612 3456 78`,
//!   `06/12/34/56/78`); NIRs compact, spaced, with the key glued to the last group
//!   (`1 85 05 78 006 08436`), apart after a compact body (`1850578006084 36`) or dashed,
//!   Corsican `2A`/`2B` included; IBANs of five countries compact and grouped, and French
//!   ones in lower case, dashed and between `<…>` after `RIB`; SIRETs compact, as SIREN and
//!   NIC (`732 829 320 00074`, `732829320 00074`, `732 829 320 000 74`) with and without a
//!   word naming them; SIRENs after a context word (`société` without accents too), in
//!   groups of three, dashed; cards; meter ids after `PRM`/`PDL`/`compteur`/`point de
//!   livraison`, compact or in groups (`1234 5678 9012 34`, `12 345 678 901 234`); IPv4;
//! - names after a title (`M.`, `M`, `MME`, `Docteur`, an initial, text in capitals or in
//!   lower case) and names without a title (running text, `Julie MARTIN`, `MARTIN Julie`,
//!   hyphenated given names, particles, rare and foreign given names, `Bonjour Julie,`,
//!   signatures), drawn from [`names`](crate::names), not from the core's list.
//!
//! Hard negatives are identifiers whose check fails (NIR key, IBAN mod 97, Luhn) in the same
//! spellings, 15-digit ticket and 14-digit order numbers, Luhn-valid 9-digit contract
//! numbers after `contrat`, dates, amounts, readings, version numbers (`version
//! 7.18.39.114`), times, postcodes, short numbers, titles before a function (`Monsieur le
//! Maire`, `M. le maire`) or an acronym (`Mme RAS`), and capitalised words that are no
//! person (`Service Client`, `Heures Creuses`, `Saint-Denis`, `rue Victor Hugo`, `Mardi
//! Matin`, `Leroy Merlin`). A street or a school named after a person is not the personal
//! data of a customer: it is a negative.
//!
//! Ticket and order numbers are drawn so that they are *no* valid identifier by the rules
//! of each identifier (a 14-digit number that passes Luhn is a SIRET for all anyone can
//! tell, so it cannot be a hard negative). A SIRET grouped as SIREN and NIC is labelled
//! even without a word naming it (its grouping names it); a compact 14-digit number without
//! one is neither labelled nor a negative: how often random numbers collide by chance is
//! measured apart, with [`chance_number`]. Snippets are deterministic: snippet `i` of seed
//! `s` depends on nothing else, so a 2 000-snippet corpus is the start of a 20 000 one.
//! Every value is fictional (reserved `example.*` e-mail domains, random digits, names
//! drawn independently).
//!
//! ```
//! use watt_bench::pii_corpus::snippet;
//!
//! let s = snippet(1, 0);
//! for label in &s.labels {
//!     assert!(s.text.is_char_boundary(label.start) && label.end <= s.text.len());
//! }
//! assert_eq!(snippet(1, 0).text, s.text, "same seed and index, same bytes");
//! ```

mod negatives;
mod planted;
mod values;

use serde::Serialize;
use watt_core::pii::PiiKind;

pub use negatives::NEGATIVE_FAMILIES;
pub use planted::FAMILIES;
pub use values::{card_number_valid, siret_valid};

use crate::prng::SplitMix64;

/// A planted personal item: its kind, how it is spelled, and its bytes in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Label {
    pub kind: PiiKind,
    /// The spelling family (`+33 (0)`, `FR-grouped`, `no-title-running`): recall is
    /// reported by it.
    pub form: &'static str,
    pub start: usize,
    pub end: usize,
}

/// Names are one detector kind, scored in two groups: after a title, and without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameGroup {
    Titled,
    Untitled,
}

impl NameGroup {
    /// The group of a name label's form: `no-title-…` forms are untitled.
    pub fn of_form(form: &str) -> NameGroup {
        if form.starts_with("no-title") {
            NameGroup::Untitled
        } else {
            NameGroup::Titled
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NameGroup::Titled => "name-titled",
            NameGroup::Untitled => "name-untitled",
        }
    }
}

/// What a hard negative imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NegativeKind {
    /// A NIR with a wrong key.
    BadNir,
    /// An IBAN with one digit changed (mod 97 fails).
    BadIban,
    /// A SIRET with a wrong Luhn digit, after the word `SIRET` or grouped as SIREN + NIC.
    BadSiret,
    /// A SIREN with a wrong Luhn digit, after a context word.
    BadSiren,
    /// A card number with a wrong Luhn digit.
    BadCard,
    /// A 15-digit ticket number (no valid NIR, no valid card).
    Ticket,
    /// A 14-digit order number without a meter word in its sentence (Luhn fails).
    Order,
    Date,
    /// `1 234,56 €`.
    Amount,
    /// `12 345 kWh`.
    Reading,
    /// `1.2.3.4.5`, `version 7.18.39.114`.
    Version,
    /// `08:30`.
    Time,
    Postcode,
    /// `06 12 34 56`, `3949`.
    ShortNumber,
    /// A title before a function, not a name: `M. le maire`, `Monsieur le Directeur`.
    TitleFunction,
    /// A title before an acronym: `Mme RAS`.
    TitleAcronym,
    /// A Luhn-valid 9-digit contract number after `contrat`: `contrat 403-678-725`.
    Contract,
    /// Capitalised words that are no person: `Service Client`, `Saint-Denis`, `Linky`.
    NotAName,
}

impl NegativeKind {
    pub const ALL: [NegativeKind; 18] = [
        NegativeKind::BadNir,
        NegativeKind::BadIban,
        NegativeKind::BadSiret,
        NegativeKind::BadSiren,
        NegativeKind::BadCard,
        NegativeKind::Ticket,
        NegativeKind::Order,
        NegativeKind::Date,
        NegativeKind::Amount,
        NegativeKind::Reading,
        NegativeKind::Version,
        NegativeKind::Time,
        NegativeKind::Postcode,
        NegativeKind::ShortNumber,
        NegativeKind::TitleFunction,
        NegativeKind::TitleAcronym,
        NegativeKind::Contract,
        NegativeKind::NotAName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NegativeKind::BadNir => "bad-nir",
            NegativeKind::BadIban => "bad-iban",
            NegativeKind::BadSiret => "bad-siret",
            NegativeKind::BadSiren => "bad-siren",
            NegativeKind::BadCard => "bad-card",
            NegativeKind::Ticket => "ticket",
            NegativeKind::Order => "order",
            NegativeKind::Date => "date",
            NegativeKind::Amount => "amount",
            NegativeKind::Reading => "reading",
            NegativeKind::Version => "version",
            NegativeKind::Time => "time",
            NegativeKind::Postcode => "postcode",
            NegativeKind::ShortNumber => "short-number",
            NegativeKind::TitleFunction => "title-function",
            NegativeKind::TitleAcronym => "title-acronym",
            NegativeKind::Contract => "contract",
            NegativeKind::NotAName => "not-a-name",
        }
    }

    /// Whether this negative is an identifier whose check digit fails: no detector that
    /// checks keys may report it, whatever its spelling.
    pub fn fails_its_check(self) -> bool {
        matches!(
            self,
            NegativeKind::BadNir
                | NegativeKind::BadIban
                | NegativeKind::BadSiret
                | NegativeKind::BadSiren
                | NegativeKind::BadCard
        )
    }
}

/// A hard negative: text that must not be detected, with its bytes in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Negative {
    pub kind: NegativeKind,
    pub form: &'static str,
    pub start: usize,
    pub end: usize,
}

/// One generated text with its labels and hard negatives, in text order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub labels: Vec<Label>,
    pub negatives: Vec<Negative>,
}

/// The kinds whose detection rests on a check digit.
pub const CHECKSUM_KINDS: [PiiKind; 5] = [
    PiiKind::Nir,
    PiiKind::Iban,
    PiiKind::Siret,
    PiiKind::Siren,
    PiiKind::Card,
];

/// Snippets `pii-eval` measures by default: enough for 80 items of every family.
pub const DEFAULT_SNIPPETS: u64 = 30_000;

/// Snippet `index` of the corpus of `seed`.
pub fn snippet(seed: u64, index: u64) -> Snippet {
    let mut rng = SplitMix64::stream(seed, index);
    let mut b = Builder::default();
    let customer = rng.chance(400);
    let planted = rng.weighted(&[20, 40, 28, 12]);
    let negatives = rng.weighted(&[45, 40, 15]);
    // A name in the greeting or the signature, where people write one without a title.
    let greeting = customer && rng.chance(70);
    let signed = rng.chance(if customer { 70 } else { 45 });
    let mut items: Vec<Item> = Vec::with_capacity(planted + negatives);
    for _ in 0..planted {
        items.push(Item::Planted(PLANTED[rng.weighted(&PLANTED_WEIGHTS)]));
    }
    for _ in 0..negatives {
        items.push(Item::Negative(
            NegativeKind::ALL[rng.weighted(&NEGATIVE_WEIGHTS)],
        ));
    }
    // Fisher-Yates, so negatives are not always last.
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }

    let (openings, fillers, closings) = if customer {
        (CUSTOMER_OPENINGS, CUSTOMER_FILLERS, CUSTOMER_CLOSINGS)
    } else {
        (NOTE_OPENINGS, NOTE_FILLERS, NOTE_CLOSINGS)
    };
    if greeting {
        planted::greeting(&mut rng, &mut b);
    } else {
        b.text.push_str(rng.pick(openings));
    }
    let mut sentences = 0;
    let mut separate = |b: &mut Builder, rng: &mut SplitMix64| {
        if sentences > 0 {
            b.text.push_str(rng.pick(JOINERS));
        } else if !b.text.is_empty() {
            b.text.push(' ');
        }
        sentences += 1;
    };
    if items.is_empty() || rng.chance(300) {
        separate(&mut b, &mut rng);
        b.text.push_str(rng.pick(fillers));
    }
    for item in items {
        separate(&mut b, &mut rng);
        match item {
            Item::Planted(kind) => planted::planted_sentence(&mut rng, kind, &mut b),
            Item::Negative(kind) => negatives::negative_sentence(&mut rng, kind, &mut b),
        }
        if rng.chance(250) {
            separate(&mut b, &mut rng);
            b.text.push_str(rng.pick(fillers));
        }
    }
    match (signed, customer) {
        (true, true) => planted::sign_off(&mut rng, &mut b),
        (true, false) => planted::signature(&mut rng, &mut b),
        (false, _) => b.text.push_str(rng.pick(closings)),
    }
    Snippet {
        text: b.text,
        labels: b.labels,
        negatives: b.negatives,
    }
}

/// The first `n` snippets of the corpus of `seed`.
pub fn corpus(seed: u64, n: u64) -> impl Iterator<Item = Snippet> {
    (0..n).map(move |i| snippet(seed, i))
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Planted(PiiKind),
    Negative(NegativeKind),
}

const PLANTED: [PiiKind; 10] = PiiKind::ALL;
/// Weights of [`PLANTED`] (email, phone, nir, iban, siret, siren, card, prm, ipv4, name):
/// the kinds with the most spelling families the most.
const PLANTED_WEIGHTS: [u32; 10] = [8, 14, 12, 14, 13, 10, 8, 12, 5, 24];
/// Weights of [`NegativeKind::ALL`]: look-alikes of checksum-backed identifiers first.
const NEGATIVE_WEIGHTS: [u32; 18] = [10, 13, 10, 6, 8, 7, 7, 6, 5, 4, 6, 4, 3, 4, 6, 3, 4, 10];

/// Appends text and records the spans of planted items and negatives.
#[derive(Debug, Default)]
struct Builder {
    text: String,
    labels: Vec<Label>,
    negatives: Vec<Negative>,
}

impl Builder {
    /// Appends `template` with its `{}` replaced by `value`; returns the value's span.
    fn fill(&mut self, template: &str, value: &str) -> (usize, usize) {
        let (before, after) = template
            .split_once("{}")
            .expect("every template holds one {}");
        self.text.push_str(before);
        let start = self.text.len();
        self.text.push_str(value);
        let end = self.text.len();
        self.text.push_str(after);
        (start, end)
    }

    fn label(&mut self, kind: PiiKind, form: &'static str, template: &str, value: &str) {
        let (start, end) = self.fill(template, value);
        self.labels.push(Label {
            kind,
            form,
            start,
            end,
        });
    }

    fn negative(&mut self, kind: NegativeKind, form: &'static str, template: &str, value: &str) {
        let (start, end) = self.fill(template, value);
        self.negatives.push(Negative {
            kind,
            form,
            start,
            end,
        });
    }
}

// ---------------------------------------------------------------------------------------
// Surrounding text. None of it holds a number, an e-mail, a title before a capital or a
// given name.

const NOTE_OPENINGS: &[&str] = &["", "", "Intervention :", "Passage technicien.", "Note :"];
const CUSTOMER_OPENINGS: &[&str] = &[
    "",
    "Bonjour,",
    "Bonjour Madame, Monsieur,",
    "Madame, Monsieur,",
];
const NOTE_CLOSINGS: &[&str] = &["", ".", ".", " RAS."];
const CUSTOMER_CLOSINGS: &[&str] = &[".", ". Cordialement.", ". Merci d'avance.", "\nBien à vous"];
const JOINERS: &[&str] = &[". ", ". ", ".\n", " ; ", " - "];

const NOTE_FILLERS: &[&str] = &[
    "Relevé estimé",
    "Compteur remplacé",
    "RAS",
    "Index relevé à distance",
    "Accès compteur difficile",
    "Client absent, avis de passage déposé",
    "Mise en service",
    "Linky posé, ancien compteur déposé",
    "Courbe de charge activée",
    "Chien dans la cour, prévoir l'accès",
    "Disjoncteur réarmé",
    "Coupure réseau de courte durée",
    "Résiliation en cours",
    "Prévoir une échelle",
];
const CUSTOMER_FILLERS: &[&str] = &[
    "Je conteste ma dernière facture",
    "Merci de me rappeler",
    "Mon compteur affiche une erreur",
    "Je déménage à la fin du mois",
    "Pouvez-vous corriger mon adresse",
    "Je souhaite changer de puissance",
    "Ma facture me semble trop élevée",
    "Je n'ai pas reçu mon échéancier",
];

// ---------------------------------------------------------------------------------------
// Chance collisions.

/// Random numbers of a shape the detectors know, in a sentence with no context word: how
/// often they are taken for an identifier is the price of detecting without context.
#[derive(Debug, Clone, Copy)]
pub struct ChanceShape {
    pub name: &'static str,
    template: &'static str,
    digits: usize,
    /// Group sizes when spaced (empty: compact).
    groups: &'static [usize],
    suffix: &'static str,
}

pub const CHANCE_SHAPES: &[ChanceShape] = &[
    ChanceShape {
        name: "9 digits, compact",
        template: "Dossier {}",
        digits: 9,
        groups: &[],
        suffix: "",
    },
    ChanceShape {
        name: "9 digits as 3-3-3 amount",
        template: "Montant total : {}",
        digits: 9,
        groups: &[3, 3, 3],
        suffix: " €",
    },
    ChanceShape {
        name: "13 digits, compact",
        template: "Réf. {}",
        digits: 13,
        groups: &[],
        suffix: "",
    },
    ChanceShape {
        name: "14 digits, compact",
        template: "Commande n° {}",
        digits: 14,
        groups: &[],
        suffix: "",
    },
    ChanceShape {
        name: "15 digits, compact",
        template: "Ticket n° {}",
        digits: 15,
        groups: &[],
        suffix: "",
    },
    ChanceShape {
        name: "16 digits, compact",
        template: "Réf. {}",
        digits: 16,
        groups: &[],
        suffix: "",
    },
];

/// A sentence holding one random number of `shape` (first digit 1-9), and its span.
pub fn chance_number(rng: &mut SplitMix64, shape: &ChanceShape) -> (String, usize, usize) {
    let mut digits = rng.range(1, 9).to_string();
    rng.push_digits(shape.digits - 1, &mut digits);
    let mut value = String::with_capacity(digits.len() + shape.groups.len());
    let mut at = 0;
    for (i, g) in shape.groups.iter().enumerate() {
        if i > 0 {
            value.push(' ');
        }
        value.push_str(&digits[at..at + g]);
        at += g;
    }
    value.push_str(&digits[at..]);
    value.push_str(shape.suffix);
    let mut b = Builder::default();
    let (start, end) = b.fill(shape.template, &value);
    (b.text, start, end - shape.suffix.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::{iban_valid, luhn_check_digit, luhn_valid, nir_valid};
    use std::collections::{BTreeMap, BTreeSet};

    fn corpus_of(n: u64) -> Vec<Snippet> {
        corpus(7, n).collect()
    }

    /// Letters and digits only: what a check digit is computed on.
    fn alnum(s: &str) -> String {
        s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
    }

    /// The forms whose SIREN part is written apart from the NIC.
    fn siren_apart(form: &str) -> bool {
        form.starts_with("9-5") || form.starts_with("3-3-3-3-2") || form == "spaced-no-context"
    }

    #[test]
    fn spans_fall_on_char_boundaries_inside_the_text() {
        for s in corpus_of(5000) {
            for (start, end) in s
                .labels
                .iter()
                .map(|l| (l.start, l.end))
                .chain(s.negatives.iter().map(|n| (n.start, n.end)))
            {
                assert!(start < end && end <= s.text.len(), "{start}..{end}");
                assert!(
                    s.text.is_char_boundary(start) && s.text.is_char_boundary(end),
                    "{start}..{end} in {:?}",
                    s.text
                );
                let v = &s.text[start..end];
                assert_eq!(v.trim(), v, "no blank at either end: {v:?}");
            }
        }
    }

    #[test]
    fn spans_hold_what_the_labels_say() {
        for s in corpus_of(5000) {
            for l in &s.labels {
                let v = &s.text[l.start..l.end];
                let compact = alnum(v);
                match l.kind {
                    PiiKind::Email => assert!(v.contains("@") && v.contains("example."), "{v}"),
                    PiiKind::Phone => assert!((10..=13).contains(&compact.len()), "{v}"),
                    PiiKind::Nir => assert!(compact.len() == 15 && nir_valid(&compact), "{v}"),
                    PiiKind::Iban => assert!(iban_valid(&compact), "{v}"),
                    PiiKind::Siret => assert!(siret_valid(&compact), "{v}"),
                    PiiKind::Siren => assert!(compact.len() == 9 && luhn_valid(&compact), "{v}"),
                    PiiKind::Card => assert!(card_number_valid(&compact), "{v}"),
                    PiiKind::Prm => {
                        assert!(compact.len() == 14 && compact == v.replace(' ', ""), "{v}")
                    }
                    PiiKind::Ipv4 => assert_eq!(v.split('.').count(), 4, "{v}"),
                    PiiKind::Name => {
                        assert!(v.chars().next().is_some_and(char::is_alphabetic), "{v}");
                        assert!(!v.chars().any(|c| c.is_ascii_digit()), "{v}");
                    }
                }
            }
            for n in &s.negatives {
                let v = &s.text[n.start..n.end];
                let compact = alnum(v);
                match n.kind {
                    NegativeKind::BadNir => {
                        assert_eq!(compact.len(), 15, "{v}");
                        assert!(!nir_valid(&compact), "{v}");
                    }
                    NegativeKind::BadIban => assert!(!iban_valid(&compact), "{v}"),
                    NegativeKind::BadSiret => {
                        assert_eq!(compact.len(), 14);
                        assert!(!siret_valid(&compact), "{v}");
                        if siren_apart(n.form) {
                            assert!(!luhn_valid(&compact[..9]), "{v}: its SIREN");
                        }
                    }
                    NegativeKind::Order => {
                        assert_eq!(compact.len(), 14);
                        assert!(!siret_valid(&compact), "{v}");
                    }
                    NegativeKind::BadSiren => {
                        assert_eq!(compact.len(), 9);
                        assert!(!luhn_valid(&compact), "{v}")
                    }
                    NegativeKind::BadCard => {
                        assert!(!card_number_valid(&compact) && !nir_valid(&compact), "{v}")
                    }
                    NegativeKind::Ticket => {
                        assert_eq!(compact.len(), 15);
                        assert!(!nir_valid(v) && !card_number_valid(v), "{v}");
                    }
                    NegativeKind::Contract => {
                        assert_eq!(compact.len(), 9);
                        assert!(luhn_valid(&compact), "{v}: Luhn-valid on purpose");
                        assert!(s.text[..n.start].to_lowercase().contains("contrat"));
                    }
                    NegativeKind::Version if n.form == "dotted-4" => {
                        let parts: Vec<u32> = v.split('.').map(|p| p.parse().unwrap()).collect();
                        assert!(parts.len() == 4 && parts.iter().all(|p| *p <= 255), "{v}");
                    }
                    NegativeKind::TitleFunction | NegativeKind::TitleAcronym => {
                        assert!(v.starts_with(['M', 'm']), "{v}")
                    }
                    NegativeKind::NotAName => {
                        assert!(v.chars().next().is_some_and(char::is_alphabetic), "{v}")
                    }
                    _ => assert!(!v.is_empty()),
                }
            }
        }
    }

    #[test]
    fn spans_are_in_order_and_do_not_overlap() {
        for s in corpus_of(2000) {
            let mut spans: Vec<(usize, usize)> = s
                .labels
                .iter()
                .map(|l| (l.start, l.end))
                .chain(s.negatives.iter().map(|n| (n.start, n.end)))
                .collect();
            spans.sort_unstable();
            for w in spans.windows(2) {
                assert!(w[0].1 <= w[1].0, "{:?} in {:?}", w, s.text);
            }
            // Three items, a name in the greeting and one in the signature.
            assert!(s.labels.len() <= 5 && s.negatives.len() <= 2);
        }
    }

    /// Labels per family (`kind/form`) and negatives per family in `n` snippets of seed 1.
    fn family_counts(n: u64) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let mut labels = BTreeMap::new();
        let mut negatives = BTreeMap::new();
        for s in corpus(1, n) {
            for l in &s.labels {
                *labels
                    .entry(format!("{}/{}", l.kind.as_str(), l.form))
                    .or_default() += 1;
            }
            for x in &s.negatives {
                *negatives
                    .entry(format!("{}/{}", x.kind.as_str(), x.form))
                    .or_default() += 1;
            }
        }
        (labels, negatives)
    }

    fn listed<K: Copy>(families: &[(K, &[&str])], name: impl Fn(K) -> &'static str) -> Vec<String> {
        families
            .iter()
            .flat_map(|(k, forms)| {
                let kind = name(*k);
                forms.iter().map(move |f| format!("{kind}/{f}"))
            })
            .collect()
    }

    #[test]
    fn every_listed_family_is_written_and_no_other() {
        let (labels, negatives) = family_counts(5000);
        let want: BTreeSet<String> = listed(FAMILIES, PiiKind::as_str).into_iter().collect();
        assert_eq!(labels.keys().cloned().collect::<BTreeSet<_>>(), want);
        let want: BTreeSet<String> = listed(NEGATIVE_FAMILIES, NegativeKind::as_str)
            .into_iter()
            .collect();
        assert_eq!(negatives.keys().cloned().collect::<BTreeSet<_>>(), want);
        assert_eq!(FAMILIES.len(), PiiKind::ALL.len());
        assert_eq!(NEGATIVE_FAMILIES.len(), NegativeKind::ALL.len());
    }

    /// The default corpus of `pii-eval` and `bench/pii.sh` holds enough of each family for
    /// its recall to mean something.
    #[test]
    fn every_family_has_80_items_in_the_default_corpus() {
        let (labels, negatives) = family_counts(DEFAULT_SNIPPETS);
        let few: Vec<String> = labels
            .iter()
            .chain(&negatives)
            .filter(|(_, n)| **n < 80)
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        assert!(few.is_empty(), "{few:?}");
    }

    #[test]
    fn the_spellings_of_issue_23_appear() {
        let text: String = corpus_of(3000).into_iter().map(|s| s.text).collect();
        for needle in [
            "+33 (0)",
            "0033 ",
            "(+33) ",
            "M. le maire",
            "Monsieur le Maire",
            "monsieur le maire",
            "Mme RAS",
            " €",
            " kWh",
            "Firmware ",
            "firmware compteur ",
            "version ",
            "RIB : <",
            "contrat ",
            "societe ",
            "Signé : ",
            "Cordialement,\n",
            "Service Client",
            "rue Victor Hugo",
            "Docteur ",
            "APPEL DE ",
            "rappeler ",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
        // Lower-case, dashed and bracketed IBANs, in their own families.
        let snippets = corpus_of(3000);
        let forms: BTreeSet<(&str, &str)> = snippets
            .iter()
            .flat_map(|s| {
                s.labels
                    .iter()
                    .map(|l| (l.form, &s.text[l.start..l.end]))
                    .filter(|(f, _)| f.starts_with("FR-lower") || *f == "FR-dashed")
            })
            .map(|(f, v)| (f, if v.starts_with("fr") { "fr" } else { "FR-" }))
            .collect();
        assert!(forms.contains(&("FR-lower-grouped", "fr")), "{forms:?}");
        assert!(forms.contains(&("FR-dashed", "FR-")), "{forms:?}");
    }

    #[test]
    fn spellings_are_what_their_family_says() {
        let digits = |v: &str| v.chars().filter(char::is_ascii_digit).count();
        let groups = |v: &str, sep: char| v.split(sep).map(str::len).collect::<Vec<_>>();
        for s in corpus_of(5000) {
            for l in &s.labels {
                let v = &s.text[l.start..l.end];
                match (l.kind, l.form) {
                    (PiiKind::Nir, "glued-key") => assert_eq!(groups(v, ' '), [1, 2, 2, 2, 3, 5]),
                    (PiiKind::Nir, "key-apart") => assert_eq!(groups(v, ' '), [13, 2]),
                    (PiiKind::Nir, "dashed") => assert_eq!(groups(v, '-'), [1, 2, 2, 2, 3, 3, 2]),
                    (PiiKind::Siret, "9-5" | "9-5-no-context") => {
                        assert_eq!(groups(v, ' '), [9, 5])
                    }
                    (PiiKind::Siret, "3-3-3-3-2" | "3-3-3-3-2-no-context") => {
                        assert_eq!(groups(v, ' '), [3, 3, 3, 3, 2])
                    }
                    (PiiKind::Siren, "dashed") => assert_eq!(groups(v, '-'), [3, 3, 3]),
                    (PiiKind::Prm, "grouped-4-4-4-2") => assert_eq!(groups(v, ' '), [4, 4, 4, 2]),
                    (PiiKind::Prm, "grouped-2-3-3-3-3") => {
                        assert_eq!(groups(v, ' '), [2, 3, 3, 3, 3])
                    }
                    (PiiKind::Phone, "(+33)") => assert!(v.starts_with("(+33) "), "{v}"),
                    (PiiKind::Phone, "4-4-2") => assert_eq!(groups(v, ' '), [4, 4, 2]),
                    (PiiKind::Phone, "slashes") => assert_eq!(groups(v, '/'), [2, 2, 2, 2, 2]),
                    (PiiKind::Iban, "FR-lower-grouped" | "FR-lower-compact") => {
                        assert!(v.starts_with("fr") && v == v.to_lowercase(), "{v}")
                    }
                    (PiiKind::Iban, "FR-dashed") => assert!(v.starts_with("FR") && v.contains('-')),
                    (PiiKind::Iban, "FR-angle-brackets") => {
                        assert!(
                            s.text[..l.start].ends_with('<') && s.text[l.end..].starts_with('>')
                        )
                    }
                    (PiiKind::Name, "all-caps") => assert_eq!(v, v.to_uppercase()),
                    (PiiKind::Name, "all-lower") => assert_eq!(v, v.to_lowercase()),
                    (PiiKind::Name, "initial") => assert!(v.contains(". "), "{v}"),
                    (PiiKind::Name, "no-title-first-SURNAME") => {
                        let (_, last) = v.split_once(' ').unwrap();
                        assert_eq!(last, last.to_uppercase(), "{v}");
                    }
                    (PiiKind::Name, "no-title-greeting") => assert!(!v.contains(' '), "{v}"),
                    _ => {}
                }
                if l.kind == PiiKind::Siret && l.form.ends_with("no-context") {
                    let before = &s.text[..l.start];
                    let sentence = [". ", "; ", " - ", "\n"]
                        .iter()
                        .filter_map(|j| before.rfind(j).map(|i| i + j.len()))
                        .max()
                        .map_or(before, |i| &before[i..]);
                    assert!(!sentence.to_lowercase().contains("siret"), "{}", s.text);
                }
                assert!(digits(v) <= 34);
            }
        }
    }

    /// The label convention of names: the span never holds the title; a titled name comes
    /// right after one, an untitled name never does.
    #[test]
    fn name_spans_leave_titles_out() {
        const TITLES: [&str; 13] = [
            "m",
            "m.",
            "mr",
            "mme",
            "mlle",
            "madame",
            "monsieur",
            "dr",
            "dr.",
            "docteur",
            "me",
            "maître",
            "mademoiselle",
        ];
        let mut groups = BTreeMap::new();
        for s in corpus_of(5000) {
            for l in s.labels.iter().filter(|l| l.kind == PiiKind::Name) {
                let before = s.text[..l.start].trim_end();
                let word = before
                    .rsplit(|c: char| c.is_whitespace() || c == ',' || c == '(')
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let group = NameGroup::of_form(l.form);
                *groups.entry(group).or_insert(0) += 1;
                let v = &s.text[l.start..l.end];
                let first = v.split(' ').next().unwrap().to_lowercase();
                // `Mme M. Morel`: the initial of Mathilde, not a title.
                if l.form != "initial" {
                    assert!(
                        !TITLES.contains(&first.as_str()),
                        "{v:?} starts with a title"
                    );
                }
                match group {
                    NameGroup::Titled => {
                        assert!(TITLES.contains(&word.as_str()), "{word:?} before {v:?}")
                    }
                    NameGroup::Untitled => {
                        assert!(!TITLES.contains(&word.as_str()), "{word:?} before {v:?}")
                    }
                }
            }
        }
        assert!(groups[&NameGroup::Titled] > 500 && groups[&NameGroup::Untitled] > 500);
    }

    #[test]
    fn snippets_depend_only_on_seed_and_index() {
        assert_eq!(snippet(3, 17), snippet(3, 17));
        assert_ne!(snippet(3, 17).text, snippet(4, 17).text);
        let long: Vec<Snippet> = corpus(3, 50).collect();
        let short: Vec<Snippet> = corpus(3, 10).collect();
        assert_eq!(&long[..10], &short[..]);
    }

    #[test]
    fn brand_rules() {
        assert!(card_number_valid("4539578763621486"));
        assert!(!card_number_valid("4539578763621487"));
        // Luhn-valid, but Visa has no 15-digit numbers and Amex starts with 34 or 37.
        let visa15 = {
            let body = "45395787636214";
            format!("{body}{}", luhn_check_digit(body).unwrap())
        };
        assert!(luhn_valid(&visa15) && !card_number_valid(&visa15));
        assert!(card_number_valid("378282246310005"), "Amex test number");
        assert!(siret_valid("73282932000074"));
        assert!(!siret_valid("73282932000075"));
        let mut rng = SplitMix64::new(5);
        for _ in 0..100 {
            assert!(siret_valid(&values::la_poste_siret(&mut rng)));
        }
    }

    #[test]
    fn chance_numbers_have_their_shape() {
        let mut rng = SplitMix64::new(1);
        let (text, start, end) = chance_number(&mut rng, &CHANCE_SHAPES[1]);
        assert!(
            text.starts_with("Montant total : ") && text.ends_with(" €"),
            "{text}"
        );
        assert_eq!(end - start, 11);
        assert_eq!(text[start..end].matches(' ').count(), 2);
    }
}
