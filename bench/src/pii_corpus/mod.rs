//! A labelled corpus of French free text for measuring the personal-data detectors
//! (`watt_core::pii::detect`): precision and recall need texts whose every personal item
//! is known, with its kind and byte span.
//!
//! Each [`Snippet`] is a technician note or a customer message holding 0–3 planted items
//! ([`Label`]: kind, spelling, byte span) and 0–2 hard negatives ([`Negative`]): text that
//! looks like an identifier and is not one. Planted items cover every detector kind in the
//! spellings met in real exports (phones in nine spellings, NIRs compact and spaced with
//! Corsican départements, IBANs of five countries compact and grouped, SIRET, SIREN after
//! a context word, Visa/Mastercard/Amex card numbers, meter ids after `PRM`/`PDL`/
//! `compteur`, IPv4 addresses, names after a title). Hard negatives are identifiers whose
//! check fails (NIR key, IBAN mod 97, Luhn), 15-digit ticket and 14-digit order numbers,
//! dates, amounts, kWh readings, version numbers, times, postcodes, short phone-like
//! numbers, and titles followed by something that is not a name (`M. le maire`, `Mme RAS`).
//!
//! Ticket and order numbers are drawn so that they are *no* valid identifier by the rules
//! of each identifier (a 14-digit number that passes Luhn is a SIRET for all anyone can
//! tell, so it cannot be a hard negative); how often random numbers collide by chance is
//! measured separately, with [`chance_number`]. Snippets are deterministic: snippet `i` of
//! seed `s` depends on nothing else, so a 2 000-snippet corpus is the start of a 20 000 one.
//! Every value is fictional (reserved `example.*` e-mail domains, random digits).
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

use serde::Serialize;
use watt_core::pii::PiiKind;

use crate::checksum::{iban_check_digits, iban_valid, luhn_check_digit, luhn_valid, nir_valid};
use crate::comments;
use crate::france::{self, FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, PhoneStyle, SURNAMES};
use crate::prng::SplitMix64;

/// A planted personal item: its kind, how it is spelled, and its bytes in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Label {
    pub kind: PiiKind,
    /// The spelling (`+33 (0)`, `FR-grouped`, `spaced-corsica`): misses are reported by it.
    pub form: &'static str,
    pub start: usize,
    pub end: usize,
}

/// What a hard negative imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NegativeKind {
    /// A NIR with a wrong key.
    BadNir,
    /// An IBAN with one digit changed (mod 97 fails).
    BadIban,
    /// A SIRET with a wrong Luhn digit, after the word `SIRET`.
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
    /// `1.2.3.4.5`.
    Version,
    /// `08:30`.
    Time,
    Postcode,
    /// `06 12 34 56`, `3949`.
    ShortNumber,
    /// A title before a function, not a name: `M. le maire`, `Madame Monsieur`.
    TitleFunction,
    /// A title before an acronym: `Mme RAS`.
    TitleAcronym,
}

impl NegativeKind {
    pub const ALL: [NegativeKind; 16] = [
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
        }
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

/// The kinds whose detection rests on a check digit: the ones with targets.
pub const CHECKSUM_KINDS: [PiiKind; 5] = [
    PiiKind::Nir,
    PiiKind::Iban,
    PiiKind::Siret,
    PiiKind::Siren,
    PiiKind::Card,
];

/// Snippet `index` of the corpus of `seed`.
pub fn snippet(seed: u64, index: u64) -> Snippet {
    let mut rng = SplitMix64::stream(seed, index);
    let mut b = Builder::default();
    let customer = rng.chance(400);
    let planted = rng.weighted(&[20, 40, 28, 12]);
    let negatives = rng.weighted(&[45, 40, 15]);
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
    b.text.push_str(rng.pick(openings));
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
            Item::Planted(kind) => planted_sentence(&mut rng, kind, &mut b),
            Item::Negative(kind) => negative_sentence(&mut rng, kind, &mut b),
        }
        if rng.chance(250) {
            separate(&mut b, &mut rng);
            b.text.push_str(rng.pick(fillers));
        }
    }
    b.text.push_str(rng.pick(closings));
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
/// phones have the most spellings.
const PLANTED_WEIGHTS: [u32; 10] = [10, 14, 10, 12, 10, 8, 10, 10, 6, 12];
/// Weights of [`NegativeKind::ALL`]: look-alikes of checksum-backed identifiers first.
const NEGATIVE_WEIGHTS: [u32; 16] = [10, 10, 8, 6, 8, 8, 8, 6, 6, 5, 5, 4, 4, 5, 4, 3];

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
// Surrounding text. None of it holds a number, an e-mail or a title before a capital.

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
// Planted items.

fn planted_sentence(rng: &mut SplitMix64, kind: PiiKind, b: &mut Builder) {
    match kind {
        PiiKind::Email => {
            let (value, form) = email(rng);
            b.label(kind, form, rng.pick(EMAIL_TEMPLATES), &value);
        }
        PiiKind::Phone => {
            let (value, form) = phone(rng);
            b.label(kind, form, rng.pick(PHONE_TEMPLATES), &value);
        }
        PiiKind::Nir => {
            let (nir, corsican) = valid_nir(rng);
            let spaced = rng.chance(500);
            let form = match (spaced, corsican) {
                (false, false) => "compact",
                (true, false) => "spaced",
                (false, true) => "compact-corsica",
                (true, true) => "spaced-corsica",
            };
            let value = if spaced { space_nir(&nir) } else { nir };
            b.label(kind, form, rng.pick(NIR_TEMPLATES), &value);
        }
        PiiKind::Iban => {
            let country = rng.pick_ref(IBAN_COUNTRIES);
            let compact = valid_iban(rng, country);
            let grouped = rng.chance(600);
            let value = if grouped {
                group_by_four(&compact)
            } else {
                compact
            };
            let form = if grouped {
                country.grouped
            } else {
                country.compact
            };
            b.label(kind, form, rng.pick(IBAN_TEMPLATES), &value);
        }
        PiiKind::Siret => {
            let la_poste = rng.chance(50);
            let digits = if la_poste {
                la_poste_siret(rng)
            } else {
                compact(&comments::siret(rng))
            };
            let spaced = rng.chance(450);
            let form = match (la_poste, spaced) {
                (false, false) => "compact",
                (false, true) => "spaced",
                (true, false) => "la-poste-compact",
                (true, true) => "la-poste-spaced",
            };
            let value = if spaced { space_siret(&digits) } else { digits };
            b.label(kind, form, rng.pick(SIRET_TEMPLATES), &value);
        }
        PiiKind::Siren => {
            let digits = valid_siren(rng);
            let (form, template, value) = match rng.below(3) {
                0 => ("compact", rng.pick(SIREN_TEMPLATES), digits),
                1 => ("spaced", rng.pick(SIREN_TEMPLATES), space_siren(&digits)),
                _ => (
                    "spaced-no-context",
                    rng.pick(SIREN_BARE_TEMPLATES),
                    space_siren(&digits),
                ),
            };
            b.label(kind, form, template, &value);
        }
        PiiKind::Card => {
            let (digits, brand) = valid_card(rng);
            let (value, form) = format_card(rng, &digits, brand);
            b.label(kind, form, rng.pick(CARD_TEMPLATES), &value);
        }
        PiiKind::Prm => {
            let mut digits = String::with_capacity(14);
            digits.push(rng.pick(&['0', '1', '2', '5']));
            rng.push_digits(13, &mut digits);
            let (form, template) = *rng.pick_ref(PRM_TEMPLATES);
            b.label(kind, form, template, &digits);
        }
        PiiKind::Ipv4 => {
            let (value, form) = ipv4(rng);
            let template = rng.pick(IPV4_TEMPLATES);
            if form == "with-port" {
                let port = rng.pick(&[80, 443, 8080]);
                let template = template.replacen("{}", &format!("{{}}:{port}"), 1);
                b.label(kind, form, &template, &value);
            } else {
                b.label(kind, form, template, &value);
            }
        }
        PiiKind::Name => {
            let (title, name, form) = name(rng);
            let template = rng.pick(NAME_TEMPLATES);
            let (before, after) = template
                .split_once("{t}")
                .expect("every name template holds {t}");
            b.text.push_str(before);
            b.text.push_str(title);
            b.label(kind, form, after, &name);
        }
    }
}

const EMAIL_TEMPLATES: &[&str] = &[
    "Envoyer le relevé à {}",
    "Client demande la facture par mail : {}",
    "Contact syndic : {}",
    "Mon adresse mail a changé, c'est {} désormais",
    "Écrire à <{}> pour le rendez-vous",
    "{} : adresse de facturation",
    "Copie à {}",
];

const PHONE_TEMPLATES: &[&str] = &[
    "Rappeler le client au {}",
    "Client joignable au {} après 18 h",
    "Tél. portable : {}",
    "N° du gardien : {}",
    "Vous pouvez me joindre au {}",
    "{} : portable de la locataire",
    "Tel:{}",
];

const NIR_TEMPLATES: &[&str] = &[
    "N° de sécu communiqué par erreur : {}",
    "NIR {} noté sur le bon d'intervention",
    "Sécurité sociale {} (à supprimer)",
    "Mon numéro de sécurité sociale est le {}",
    "Attestation CMU, n° {}",
];

const IBAN_TEMPLATES: &[&str] = &[
    "Nouveau RIB : {}",
    "Prélèvement sur IBAN {}",
    "Remboursement du trop-perçu sur {}",
    "Merci de prélever sur le compte {} à partir du mois prochain",
    "IBAN: {}",
];

const SIRET_TEMPLATES: &[&str] = &[
    "Intervention du sous-traitant SIRET {}",
    "Entreprise Élec Services (SIRET {})",
    "Pose par Réseaux & Compteurs SAS, SIRET {}",
    "SIRET de l'artisan : {}",
    "n° SIRET {} à reporter sur la facture",
];

/// SIREN after a word that names it (needed for the compact spelling).
const SIREN_TEMPLATES: &[&str] = &[
    "SIREN {}",
    "RCS Nanterre {}",
    "RCS Paris B {}",
    "Société Élec Services, SIREN n° {}",
    "Facture au nom de l'entreprise {}",
    "SARL Lumière et Fils {}",
];
/// SIREN in groups of three, without a context word.
const SIREN_BARE_TEMPLATES: &[&str] = &[
    "Facturer le bailleur {} directement",
    "Syndic n° {}",
    "Voir fiche {}",
];

const CARD_TEMPLATES: &[&str] = &[
    "Paiement par carte {}",
    "CB n° {} refusée",
    "Carte bancaire : {}",
    "Le client a dicté sa carte {} au téléphone",
];

/// Meter ids and the word before them (the form).
const PRM_TEMPLATES: &[(&str, &str)] = &[
    ("prm", "PRM {} : index incohérent"),
    ("prm", "Relevé fait sur le PRM {}"),
    ("pdl", "Compteur PDL {} remplacé"),
    ("pdl", "PDL : {}"),
    ("pdl", "Voir aussi PDL n° {} (voisin)"),
    ("compteur", "n° de compteur {}"),
    ("compteur", "Mon compteur {} ne communique plus"),
    ("point-de-livraison", "point de livraison {}"),
];

const IPV4_TEMPLATES: &[&str] = &[
    "Box joignable en {}",
    "Adresse IP : {}",
    "Concentrateur injoignable ({})",
    "Passerelle {} hors service",
];

/// `{t}` is the title, `{}` the name.
const NAME_TEMPLATES: &[&str] = &[
    "Clés chez la voisine, {t} {}",
    "Voir avec {t} {}, gardien",
    "Accès par {t} {} (bailleur)",
    "{t} {} présent(e) lors du passage",
    "{t} {} souhaite être rappelé(e)",
    "Je suis {t} {}, locataire",
    "de la part de {t} {}",
];

/// An address at a reserved domain, in one of several shapes.
fn email(rng: &mut SplitMix64) -> (String, &'static str) {
    let first = if rng.chance(500) {
        rng.pick(MALE_FIRST_NAMES)
    } else {
        rng.pick(FEMALE_FIRST_NAMES)
    };
    let last = rng.pick(SURNAMES);
    let (f, l) = (france::email_part(first), france::email_part(last));
    let domain = rng.pick(france::EMAIL_DOMAINS);
    match rng.below(6) {
        0 => (format!("{f}.{l}@{domain}"), "first.last"),
        1 => (format!("{}.{l}@{domain}", &f[..1]), "initial.last"),
        2 => (
            format!("{f}_{l}{}@{domain}", rng.range(50, 99)),
            "first_last-digits",
        ),
        3 => (format!("{f}.{l}+edf@{domain}"), "plus-tag"),
        4 => (format!("{f}.{l}@mail.{domain}"), "subdomain"),
        _ => (format!("contact-{}@{domain}", rng.range(10, 99)), "contact"),
    }
}

/// The phone spellings, as forms.
const PHONE_FORMS: [&str; 9] = [
    "spaces",
    "dots",
    "dashes",
    "compact",
    "+33 spaces",
    "+33 compact",
    "+33 (0)",
    "0033",
    "nbsp",
];

fn phone(rng: &mut SplitMix64) -> (String, &'static str) {
    let landline = rng.pick(&['1', '2', '3', '4', '5']);
    let d = france::phone_digits(rng, landline);
    let form = rng.pick(&PHONE_FORMS);
    let mut out = String::with_capacity(24);
    let pairs = |prefix: &str, sep: &str, out: &mut String| {
        out.push_str(prefix);
        out.push(char::from(d[0]));
        for pair in d[1..].chunks(2) {
            out.push_str(sep);
            out.push(char::from(pair[0]));
            out.push(char::from(pair[1]));
        }
    };
    match form {
        "spaces" => PhoneStyle::Spaces.write(&d, &mut out),
        "dots" => PhoneStyle::Dots.write(&d, &mut out),
        "dashes" => PhoneStyle::Dashes.write(&d, &mut out),
        "compact" => PhoneStyle::Compact.write(&d, &mut out),
        "+33 spaces" => PhoneStyle::InternationalSpaces.write(&d, &mut out),
        "+33 compact" => PhoneStyle::International.write(&d, &mut out),
        "+33 (0)" => pairs("+33 (0)", " ", &mut out),
        "0033" => pairs("0033 ", " ", &mut out),
        _ => pairs("0", "\u{a0}", &mut out),
    }
    (out, form)
}

/// A NIR with a valid key, compact, and whether it is Corsican (`2A`/`2B`).
fn valid_nir(rng: &mut SplitMix64) -> (String, bool) {
    let born = rng.chance(200).then(|| rng.pick(&["2A", "2B"]));
    let nir = compact(&comments::nir(rng, None, born));
    let corsican = nir.bytes().any(|c| c.is_ascii_alphabetic());
    (nir, corsican)
}

/// `1 84 12 76 451 089 46`.
fn space_nir(nir: &str) -> String {
    let mut out = String::with_capacity(21);
    for (i, part) in [0..1, 1..3, 3..5, 5..7, 7..10, 10..13, 13..15]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&nir[part]);
    }
    out
}

/// An IBAN country and the names of its two spellings.
#[derive(Debug)]
struct IbanCountry {
    code: &'static str,
    compact: &'static str,
    grouped: &'static str,
}

/// France twice: French data meets French IBANs most.
const IBAN_COUNTRIES: &[IbanCountry] = &[
    IbanCountry {
        code: "FR",
        compact: "FR-compact",
        grouped: "FR-grouped",
    },
    IbanCountry {
        code: "FR",
        compact: "FR-compact",
        grouped: "FR-grouped",
    },
    IbanCountry {
        code: "DE",
        compact: "DE-compact",
        grouped: "DE-grouped",
    },
    IbanCountry {
        code: "BE",
        compact: "BE-compact",
        grouped: "BE-grouped",
    },
    IbanCountry {
        code: "ES",
        compact: "ES-compact",
        grouped: "ES-grouped",
    },
    IbanCountry {
        code: "IT",
        compact: "IT-compact",
        grouped: "IT-grouped",
    },
];

/// A valid IBAN of `country`, compact.
fn valid_iban(rng: &mut SplitMix64, country: &IbanCountry) -> String {
    let mut bban = String::with_capacity(30);
    match country.code {
        "FR" => return compact(&comments::iban(rng)),
        "DE" => {
            // Bank code (Bankleitzahl, first digit 1-8), account number.
            bban.push(char::from(b'0' + rng.range(1, 8) as u8));
            rng.push_digits(17, &mut bban);
        }
        "BE" => {
            // Bank, account, and the national check: the first ten digits mod 97.
            rng.push_digits(10, &mut bban);
            let n: u64 = bban.parse().expect("ten digits");
            let check = match n % 97 {
                0 => 97,
                r => r,
            };
            bban.push_str(&format!("{check:02}"));
        }
        "ES" => rng.push_digits(20, &mut bban),
        _ => {
            // Italy: a CIN letter, ABI and CAB codes, a 12-digit account.
            bban.push(char::from(b'A' + rng.below(26) as u8));
            rng.push_digits(22, &mut bban);
        }
    }
    let check = iban_check_digits(country.code, &bban).expect("letters and digits");
    format!("{}{check:02}{bban}", country.code)
}

/// `FR76 3000 6000 0112 3456 7890 189`.
fn group_by_four(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A SIREN: eight digits and a Luhn digit.
fn valid_siren(rng: &mut SplitMix64) -> String {
    let mut siren = rng.range(1, 9).to_string();
    rng.push_digits(7, &mut siren);
    let d = luhn_check_digit(&siren).expect("digits");
    siren.push(char::from(b'0' + d as u8));
    siren
}

/// A SIRET of La Poste (SIREN 356 000 000), whose digits sum to a multiple of 5.
fn la_poste_siret(rng: &mut SplitMix64) -> String {
    let mut s = String::from("356000000");
    rng.push_digits(4, &mut s);
    let sum: u32 = s.bytes().map(|c| u32::from(c - b'0')).sum();
    let last = (5 - sum % 5) % 5 + 5 * rng.below(2) as u32;
    s.push(char::from(b'0' + last as u8));
    s
}

/// Whether 14 digits are a valid SIRET (Luhn, or La Poste's digit sum).
pub fn siret_valid(digits: &str) -> bool {
    if digits.len() != 14 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    if digits.starts_with("356000000") {
        return digits.bytes().map(|c| u32::from(c - b'0')).sum::<u32>() % 5 == 0;
    }
    luhn_valid(digits)
}

/// `732 829 320 00074`.
fn space_siret(digits: &str) -> String {
    format!(
        "{} {} {} {}",
        &digits[..3],
        &digits[3..6],
        &digits[6..9],
        &digits[9..]
    )
}

/// `732 829 320`.
fn space_siren(digits: &str) -> String {
    format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Brand {
    Visa,
    Mastercard,
    Amex,
}

/// A valid card number (compact) and its brand.
fn valid_card(rng: &mut SplitMix64) -> (String, Brand) {
    let mut s = String::with_capacity(16);
    let brand = match rng.weighted(&[45, 35, 20]) {
        0 => {
            s.push('4');
            rng.push_digits(14, &mut s);
            Brand::Visa
        }
        1 => {
            if rng.chance(700) {
                s.push('5');
                s.push(char::from(b'0' + rng.range(1, 5) as u8));
                rng.push_digits(13, &mut s);
            } else {
                s.push_str(&rng.range(2221, 2720).to_string());
                rng.push_digits(11, &mut s);
            }
            Brand::Mastercard
        }
        _ => {
            s.push_str(rng.pick(&["34", "37"]));
            rng.push_digits(12, &mut s);
            Brand::Amex
        }
    };
    let d = luhn_check_digit(&s).expect("digits");
    s.push(char::from(b'0' + d as u8));
    (s, brand)
}

/// A card number spelled as people write it: groups of 4 (Amex 4-6-5), compact or dashed.
fn format_card(rng: &mut SplitMix64, digits: &str, brand: Brand) -> (String, &'static str) {
    let style = rng.below(3);
    let grouped = |sep: char| {
        let mut out = String::with_capacity(19);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    };
    match (brand, style) {
        (Brand::Amex, 0 | 1) => (
            format!("{} {} {}", &digits[..4], &digits[4..10], &digits[10..]),
            "amex-4-6-5",
        ),
        (Brand::Amex, _) => (digits.to_owned(), "amex-compact"),
        (Brand::Visa, 0) => (grouped(' '), "visa-grouped"),
        (Brand::Visa, 1) => (digits.to_owned(), "visa-compact"),
        (Brand::Visa, _) => (grouped('-'), "visa-dashes"),
        (Brand::Mastercard, 0) => (grouped(' '), "mastercard-grouped"),
        (Brand::Mastercard, 1) => (digits.to_owned(), "mastercard-compact"),
        (Brand::Mastercard, _) => (grouped('-'), "mastercard-dashes"),
    }
}

/// Whether `digits` is a valid card number by its brand's rules: prefix, length, Luhn
/// (Visa 13/16/19, Mastercard 16, Amex 15, Discover 16-19).
pub fn card_number_valid(digits: &str) -> bool {
    let n = digits.len();
    if n < 13 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let prefix = |k: usize| digits[..k].parse::<u32>().unwrap_or(0);
    let visa = digits.starts_with('4') && matches!(n, 13 | 16 | 19);
    let mastercard =
        ((51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4))) && n == 16;
    let amex = matches!(prefix(2), 34 | 37) && n == 15;
    let discover = (prefix(4) == 6011 || prefix(2) == 65 || (644..=649).contains(&prefix(3)))
        && (16..=19).contains(&n);
    (visa || mastercard || amex || discover) && luhn_valid(digits)
}

fn ipv4(rng: &mut SplitMix64) -> (String, &'static str) {
    let host = rng.range(2, 254);
    match rng.below(4) {
        0 => (format!("192.168.{}.{host}", rng.range(0, 20)), "private"),
        1 => (
            format!("10.{}.{}.{host}", rng.range(0, 255), rng.range(0, 255)),
            "private",
        ),
        2 => (
            format!(
                "{}.{}.{}.{host}",
                rng.pick(&[81, 82, 86, 90, 109, 176, 212]),
                rng.range(0, 255),
                rng.range(0, 255)
            ),
            "public",
        ),
        _ => (format!("192.168.{}.{host}", rng.range(0, 20)), "with-port"),
    }
}

const MALE_TITLES: &[&str] = &["M.", "Monsieur", "Mr"];
const FEMALE_TITLES: &[&str] = &["Mme", "Madame", "Mlle"];
const ANY_TITLES: &[&str] = &["Dr", "Me"];
/// Surnames with a capitalised particle, written as one name.
const PARTICLE_SURNAMES: &[&str] = &["Le Gall", "Le Goff", "Le Roux", "Le Bihan", "Da Silva"];
/// Surnames with a lower-case particle.
const DE_SURNAMES: &[&str] = &["de Villepin", "de La Tour", "du Pont", "des Forges"];
const APOSTROPHE_SURNAMES: &[&str] = &["N'Diaye", "D'Amico", "O'Neill"];

/// A title and a name (the labelled part), in one of several shapes.
fn name(rng: &mut SplitMix64) -> (&'static str, String, &'static str) {
    let male = rng.chance(500);
    let title = if rng.chance(150) {
        rng.pick(ANY_TITLES)
    } else if male {
        rng.pick(MALE_TITLES)
    } else {
        rng.pick(FEMALE_TITLES)
    };
    let first = if male {
        rng.pick(MALE_FIRST_NAMES)
    } else {
        rng.pick(FEMALE_FIRST_NAMES)
    };
    let (name, form) = match rng.weighted(&[35, 30, 12, 10, 5, 8]) {
        0 => (rng.pick(SURNAMES).to_owned(), "surname"),
        1 => (format!("{first} {}", rng.pick(SURNAMES)), "first-surname"),
        2 => (
            format!("{first} {}", rng.pick(PARTICLE_SURNAMES)),
            "first-particle-surname",
        ),
        3 => (
            format!("{first} {}", rng.pick(DE_SURNAMES)),
            "first-de-surname",
        ),
        4 => (rng.pick(DE_SURNAMES).to_owned(), "de-surname-only"),
        _ => (rng.pick(APOSTROPHE_SURNAMES).to_owned(), "apostrophe"),
    };
    (title, name, form)
}

// ---------------------------------------------------------------------------------------
// Hard negatives.

fn negative_sentence(rng: &mut SplitMix64, kind: NegativeKind, b: &mut Builder) {
    match kind {
        NegativeKind::BadNir => {
            let (nir, corsican) = valid_nir(rng);
            let bad = wrong_nir_key(rng, &nir);
            let spaced = rng.chance(500);
            let form = match (spaced, corsican) {
                (false, false) => "compact",
                (true, false) => "spaced",
                (false, true) => "compact-corsica",
                (true, true) => "spaced-corsica",
            };
            let value = if spaced { space_nir(&bad) } else { bad };
            b.negative(kind, form, rng.pick(NIR_TEMPLATES), &value);
        }
        NegativeKind::BadIban => {
            let country = rng.pick_ref(IBAN_COUNTRIES);
            let good = valid_iban(rng, country);
            let bad = change_one_digit(rng, &good, 4);
            debug_assert!(!iban_valid(&bad));
            let grouped = rng.chance(600);
            let value = if grouped { group_by_four(&bad) } else { bad };
            let form = if grouped {
                country.grouped
            } else {
                country.compact
            };
            b.negative(kind, form, rng.pick(IBAN_TEMPLATES), &value);
        }
        NegativeKind::BadSiret => {
            let good = compact(&comments::siret(rng));
            let bad = change_one_digit(rng, &good, 0);
            let spaced = rng.chance(450);
            let (form, value) = if spaced {
                ("spaced", space_siret(&bad))
            } else {
                ("compact", bad)
            };
            b.negative(kind, form, rng.pick(SIRET_TEMPLATES), &value);
        }
        NegativeKind::BadSiren => {
            let good = valid_siren(rng);
            let bad = change_one_digit(rng, &good, 0);
            let (form, value) = if rng.chance(500) {
                ("spaced", space_siren(&bad))
            } else {
                ("compact", bad)
            };
            b.negative(kind, form, rng.pick(SIREN_TEMPLATES), &value);
        }
        NegativeKind::BadCard => {
            // Amex numbers are 15 digits long like NIRs: not one whose key holds either.
            let (bad, brand) = loop {
                let (good, brand) = valid_card(rng);
                let bad = change_one_digit(rng, &good, 0);
                if !nir_valid(&bad) {
                    break (bad, brand);
                }
            };
            let (value, form) = format_card(rng, &bad, brand);
            b.negative(kind, form, rng.pick(CARD_TEMPLATES), &value);
        }
        NegativeKind::Ticket => {
            let ticket = loop {
                let mut t = rng.range(1, 9).to_string();
                rng.push_digits(14, &mut t);
                if !nir_valid(&t) && !card_number_valid(&t) {
                    break t;
                }
            };
            b.negative(kind, "15-digits", rng.pick(TICKET_TEMPLATES), &ticket);
        }
        NegativeKind::Order => {
            let (order, form) = loop {
                let (mut o, form) = if rng.chance(500) {
                    let date = format!(
                        "20{:02}{:02}{:02}",
                        rng.range(18, 25),
                        rng.range(1, 12),
                        rng.range(1, 28)
                    );
                    (date, "dated")
                } else {
                    (rng.range(1, 9).to_string(), "random")
                };
                rng.push_digits(14 - o.len(), &mut o);
                if !siret_valid(&o) && !card_number_valid(&o) {
                    break (o, form);
                }
            };
            b.negative(kind, form, rng.pick(ORDER_TEMPLATES), &order);
        }
        NegativeKind::Date => {
            let (d, m, y) = (rng.range(1, 28), rng.range(1, 12), rng.range(2018, 2025));
            let (value, form) = match rng.below(6) {
                0 => (format!("{d:02}/{m:02}/{y}"), "dd/mm/yyyy"),
                1 => (format!("{d:02}-{m:02}-{y}"), "dd-mm-yyyy"),
                2 => (format!("{d:02}.{m:02}.{y}"), "dd.mm.yyyy"),
                3 => (format!("{y}-{m:02}-{d:02}"), "iso"),
                4 => (format!("{d:02}/{m:02}/{:02}", y % 100), "dd/mm/yy"),
                _ => (
                    format!("{d} {} {y}", MONTHS[m as usize - 1]),
                    "d month yyyy",
                ),
            };
            b.negative(kind, form, rng.pick(DATE_TEMPLATES), &value);
        }
        NegativeKind::Amount => {
            let cents = rng.range(0, 99);
            let (value, form) = match rng.below(4) {
                0 => (format!("{},{cents:02} €", rng.range(1, 999)), "hundreds"),
                1 => (
                    format!("{} {:03},{cents:02} €", rng.range(1, 99), rng.range(0, 999)),
                    "thousands",
                ),
                2 => (
                    format!(
                        "{} {:03} {:03},{cents:02} €",
                        rng.range(1, 9),
                        rng.range(0, 999),
                        rng.range(0, 999)
                    ),
                    "millions",
                ),
                _ => (
                    format!("{}.{:03},{cents:02} €", rng.range(1, 99), rng.range(0, 999)),
                    "dotted-thousands",
                ),
            };
            b.negative(kind, form, rng.pick(AMOUNT_TEMPLATES), &value);
        }
        NegativeKind::Reading => {
            let (value, form) = match rng.below(4) {
                0 => (format!("{:06} kWh", rng.range(0, 999_999)), "index"),
                1 => (
                    format!("{} {:03} kWh", rng.range(1, 99), rng.range(0, 999)),
                    "spaced",
                ),
                2 => (
                    format!("{},{} kWh", rng.range(0, 999), rng.range(0, 9)),
                    "decimal",
                ),
                _ => (format!("{} Wh", rng.range(10_000, 99_999_999)), "wh"),
            };
            b.negative(kind, form, rng.pick(READING_TEMPLATES), &value);
        }
        NegativeKind::Version => {
            let parts = if rng.chance(300) {
                3
            } else {
                rng.range(5, 6) as usize
            };
            let value = (0..parts)
                .map(|_| rng.range(0, 20).to_string())
                .collect::<Vec<_>>()
                .join(".");
            let form = match parts {
                3 => "dotted-3",
                5 => "dotted-5",
                _ => "dotted-6",
            };
            b.negative(kind, form, rng.pick(VERSION_TEMPLATES), &value);
        }
        NegativeKind::Time => {
            let (h, m) = (rng.range(6, 20), rng.pick(&[0, 15, 30, 45]));
            let (value, form) = match rng.below(3) {
                0 => (format!("{h:02}:{m:02}"), "hh:mm"),
                1 => (format!("{h}h{m:02}"), "hhHmm"),
                _ => (format!("{h:02}:{m:02}:00"), "hh:mm:ss"),
            };
            b.negative(kind, form, rng.pick(TIME_TEMPLATES), &value);
        }
        NegativeKind::Postcode => {
            let dep = rng.pick_ref(france::DEPARTEMENTS);
            let city = rng.pick_ref(dep.cities);
            let postcode = rng.pick(city.postcodes);
            let template = format!("{} rue des Lilas, {{}} {}", rng.range(1, 99), city.name);
            b.negative(kind, "postcode-city", &template, postcode);
        }
        NegativeKind::ShortNumber => {
            let (value, form) = match rng.below(4) {
                0 => {
                    let d = france::phone_digits(rng, '1');
                    let mut p = String::new();
                    PhoneStyle::Spaces.write(&d, &mut p);
                    p.truncate(11);
                    (p, "four-pairs")
                }
                1 => {
                    let mut p = String::from("06");
                    rng.push_digits(6, &mut p);
                    (p, "eight-digits")
                }
                2 => (rng.pick(&["3949", "36 63", "3000"]).to_owned(), "service"),
                _ => (
                    format!(
                        "{:02} {:02} {:02}",
                        rng.range(10, 99),
                        rng.range(0, 99),
                        rng.range(0, 99)
                    ),
                    "three-pairs",
                ),
            };
            b.negative(kind, form, rng.pick(SHORT_NUMBER_TEMPLATES), &value);
        }
        NegativeKind::TitleFunction => {
            let (value, form) = *rng.pick_ref(TITLE_FUNCTIONS);
            b.negative(kind, form, rng.pick(TITLE_TEMPLATES), value);
        }
        NegativeKind::TitleAcronym => {
            let title = rng.pick(&["Mme", "M.", "Madame", "Monsieur"]);
            let acronym = rng.pick(&["RAS", "EDF", "SAV", "GRDF"]);
            let value = format!("{title} {acronym}");
            b.negative(kind, "title-acronym", rng.pick(TITLE_TEMPLATES), &value);
        }
    }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const TICKET_TEMPLATES: &[&str] = &["Ticket n° {}", "Incident {} clos", "Réf. dossier {}"];
/// No meter word in these sentences.
const ORDER_TEMPLATES: &[&str] = &[
    "Commande n° {}",
    "Bon de commande {} validé",
    "Dossier {} transmis au service client",
];
const DATE_TEMPLATES: &[&str] = &["Passage prévu le {}", "RDV du {} annulé", "Depuis le {}"];
const AMOUNT_TEMPLATES: &[&str] = &[
    "Montant dû : {}",
    "Facture de {} contestée",
    "Remboursement de {} accordé",
];
const READING_TEMPLATES: &[&str] = &["Index {}", "Consommation de {} sur la période"];
const VERSION_TEMPLATES: &[&str] = &["Firmware {}", "Mise à jour logicielle {} faite"];
const TIME_TEMPLATES: &[&str] = &["Passage à {}", "Coupure depuis {}", "Rappel prévu vers {}"];
const SHORT_NUMBER_TEMPLATES: &[&str] = &["Numéro incomplet : {}", "Appeler le {}", "Poste {}"];
const TITLE_FUNCTIONS: &[(&str, &str)] = &[
    ("M. le maire", "le-maire"),
    ("Mme la directrice", "la-directrice"),
    ("Monsieur le président", "le-president"),
    ("Madame la gardienne", "la-gardienne"),
    ("Madame Monsieur", "salutation"),
];
const TITLE_TEMPLATES: &[&str] = &["Vu avec {}", "{} prévenu", "Commentaire : {}"];

/// The NIR with its key replaced by a wrong one.
fn wrong_nir_key(rng: &mut SplitMix64, nir: &str) -> String {
    loop {
        let key = rng.range(1, 97);
        let bad = format!("{}{key:02}", &nir[..13]);
        if !nir_valid(&bad) {
            return bad;
        }
    }
}

/// `s` with one digit at or after `from` changed: enough to break Luhn and mod 97.
fn change_one_digit(rng: &mut SplitMix64, s: &str, from: usize) -> String {
    let mut bytes = s.as_bytes().to_vec();
    loop {
        let i = rng.range(from as u64, bytes.len() as u64 - 1) as usize;
        if bytes[i].is_ascii_digit() {
            bytes[i] = b'0' + (bytes[i] - b'0' + rng.range(1, 9) as u8) % 10;
            break;
        }
    }
    String::from_utf8(bytes).expect("ASCII in, ASCII out")
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| *c != ' ').collect()
}

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
    use std::collections::{BTreeMap, BTreeSet};

    fn corpus_of(n: u64) -> Vec<Snippet> {
        corpus(7, n).collect()
    }

    fn digits_of(s: &str) -> String {
        s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
    }

    #[test]
    fn spans_hold_what_the_labels_say() {
        for s in corpus_of(3000) {
            for l in &s.labels {
                let v = &s.text[l.start..l.end];
                let compact = digits_of(v);
                match l.kind {
                    PiiKind::Email => assert!(v.contains("@") && v.contains("example."), "{v}"),
                    PiiKind::Phone => {
                        let d = digits_of(v);
                        assert!((10..=13).contains(&d.len()), "{v}")
                    }
                    PiiKind::Nir => assert!(nir_valid(v), "{v}"),
                    PiiKind::Iban => assert!(iban_valid(v), "{v}"),
                    PiiKind::Siret => assert!(siret_valid(&compact), "{v}"),
                    PiiKind::Siren => assert!(compact.len() == 9 && luhn_valid(&compact), "{v}"),
                    PiiKind::Card => assert!(card_number_valid(&compact), "{v}"),
                    PiiKind::Prm => assert_eq!(compact.len(), 14, "{v}"),
                    PiiKind::Ipv4 => assert_eq!(v.split('.').count(), 4, "{v}"),
                    PiiKind::Name => {
                        assert!(v.chars().next().is_some_and(char::is_alphabetic), "{v}")
                    }
                }
            }
            for n in &s.negatives {
                let v = &s.text[n.start..n.end];
                let compact = digits_of(v);
                match n.kind {
                    NegativeKind::BadNir => {
                        assert_eq!(compact.len(), 15);
                        assert!(!nir_valid(v), "{v}");
                    }
                    NegativeKind::BadIban => assert!(!iban_valid(v), "{v}"),
                    NegativeKind::BadSiret | NegativeKind::Order => {
                        assert_eq!(compact.len(), 14);
                        assert!(!siret_valid(&compact), "{v}");
                    }
                    NegativeKind::BadSiren => assert!(!luhn_valid(&compact), "{v}"),
                    NegativeKind::BadCard => {
                        assert!(!card_number_valid(&compact) && !nir_valid(&compact), "{v}")
                    }
                    NegativeKind::Ticket => {
                        assert_eq!(compact.len(), 15);
                        assert!(!nir_valid(v) && !card_number_valid(v), "{v}");
                    }
                    NegativeKind::TitleFunction | NegativeKind::TitleAcronym => {
                        assert!(v.starts_with('M'), "{v}")
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
            assert!(s.labels.len() <= 3 && s.negatives.len() <= 2);
        }
    }

    #[test]
    fn every_kind_and_spelling_is_covered() {
        let snippets = corpus_of(5000);
        let mut forms: BTreeMap<PiiKind, BTreeSet<&str>> = BTreeMap::new();
        let mut negatives: BTreeSet<NegativeKind> = BTreeSet::new();
        for s in &snippets {
            for l in &s.labels {
                forms.entry(l.kind).or_default().insert(l.form);
            }
            negatives.extend(s.negatives.iter().map(|n| n.kind));
        }
        assert_eq!(forms.len(), PiiKind::ALL.len());
        assert_eq!(
            forms[&PiiKind::Phone],
            PHONE_FORMS.into_iter().collect::<BTreeSet<_>>()
        );
        for f in ["compact", "spaced", "compact-corsica", "spaced-corsica"] {
            assert!(forms[&PiiKind::Nir].contains(f), "{f}");
        }
        for c in ["FR", "DE", "BE", "ES", "IT"] {
            assert!(forms[&PiiKind::Iban].contains(format!("{c}-grouped").as_str()));
            assert!(forms[&PiiKind::Iban].contains(format!("{c}-compact").as_str()));
        }
        assert_eq!(
            forms[&PiiKind::Card].len(),
            8,
            "{:?}",
            forms[&PiiKind::Card]
        );
        assert_eq!(forms[&PiiKind::Prm].len(), 4);
        assert_eq!(negatives.len(), NegativeKind::ALL.len());
        let empty = snippets.iter().filter(|s| s.labels.is_empty()).count();
        assert!(
            (800..1200).contains(&empty),
            "{empty} of 5000 without personal data"
        );
    }

    #[test]
    fn the_examples_of_the_brief_appear() {
        let text: String = corpus_of(3000).into_iter().map(|s| s.text).collect();
        for needle in [
            "+33 (0)",
            "0033 ",
            "M. le maire",
            "Mme RAS",
            " €",
            " kWh",
            "Firmware ",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
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
            assert!(siret_valid(&la_poste_siret(&mut rng)));
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
