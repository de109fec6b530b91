//! Hard negatives: one sentence holding text that looks like a personal item and is not
//! one. Identifiers whose check fails come in the same spellings as the planted ones
//! ([`planted`](super::planted)); the rest are numbers and words a detector is tempted by.
//! [`NEGATIVE_FAMILIES`] lists every family the generator writes.

use super::planted::{
    CARD_FORMS, CARD_TEMPLATES, IBAN_BRACKET_TEMPLATES, IBAN_FORMS, IBAN_TEMPLATES, NIR_FORMS,
    NIR_TEMPLATES, SIREN_SOCIETE_TEMPLATES, SIREN_TEMPLATES, SIRET_BARE_TEMPLATES, SIRET_TEMPLATES,
};
use super::values::{
    IBAN_COUNTRIES, NIR_GLUED_KEY, NIR_KEY_APART, NIR_SPACED, SIREN_SPACED, SIRET_SIREN_NIC,
    SIRET_SPACED, SIRET_THREES, card_number_valid, change_one_digit, compact, format_card, group,
    group_by_four, siret_valid, valid_card, valid_iban, valid_nir, valid_siren,
};
use super::{Builder, NegativeKind};
use crate::checksum::{iban_valid, nir_valid};
use crate::comments;
use crate::france::{self, PhoneStyle};
use crate::prng::SplitMix64;

/// Every family of hard negatives the corpus writes, by kind.
pub const NEGATIVE_FAMILIES: &[(NegativeKind, &[&str])] = &[
    (NegativeKind::BadNir, NIR_FORMS),
    (NegativeKind::BadIban, IBAN_FORMS),
    (
        NegativeKind::BadSiret,
        &[
            "compact",
            "spaced",
            "9-5",
            "3-3-3-3-2",
            "spaced-no-context",
            "9-5-no-context",
            "3-3-3-3-2-no-context",
        ],
    ),
    (
        NegativeKind::BadSiren,
        &["compact", "spaced", "dashed", "compact-societe"],
    ),
    (NegativeKind::BadCard, CARD_FORMS),
    (NegativeKind::Ticket, &["15-digits"]),
    (NegativeKind::Order, &["dated", "random"]),
    (
        NegativeKind::Date,
        &[
            "dd/mm/yyyy",
            "dd-mm-yyyy",
            "dd.mm.yyyy",
            "iso",
            "dd/mm/yy",
            "d month yyyy",
        ],
    ),
    (
        NegativeKind::Amount,
        &["hundreds", "thousands", "millions", "dotted-thousands"],
    ),
    (NegativeKind::Reading, &["index", "spaced", "decimal", "wh"]),
    (
        NegativeKind::Version,
        &["dotted-3", "dotted-4", "dotted-5", "dotted-6"],
    ),
    (NegativeKind::Time, &["hh:mm", "hhHmm", "hh:mm:ss"]),
    (NegativeKind::Postcode, &["postcode-city"]),
    (
        NegativeKind::ShortNumber,
        &["four-pairs", "eight-digits", "service", "three-pairs"],
    ),
    (
        NegativeKind::TitleFunction,
        &[
            "le-maire",
            "la-directrice",
            "le-president",
            "la-gardienne",
            "salutation",
            "capitalised-role",
            "lower-role",
            "caps-role",
        ],
    ),
    (NegativeKind::TitleAcronym, &["title-acronym"]),
    (NegativeKind::Contract, &["dashed", "compact"]),
    (
        NegativeKind::NotAName,
        &[
            "service",
            "tariff",
            "place",
            "street-after-person",
            "day-month",
            "brand",
            "signature-role",
        ],
    ),
];

pub(super) fn negative_sentence(rng: &mut SplitMix64, kind: NegativeKind, b: &mut Builder) {
    match kind {
        NegativeKind::BadNir => {
            let (nir, corsican) = valid_nir(rng);
            let bad = wrong_nir_key(rng, &nir);
            let (value, form) = match rng.weighted(&[30, 25, 15, 15, 15]) {
                0 if corsican => (bad, "compact-corsica"),
                0 => (bad, "compact"),
                1 if corsican => (group(&bad, &NIR_SPACED, " "), "spaced-corsica"),
                1 => (group(&bad, &NIR_SPACED, " "), "spaced"),
                2 => (group(&bad, &NIR_GLUED_KEY, " "), "glued-key"),
                3 => (group(&bad, &NIR_KEY_APART, " "), "key-apart"),
                _ => (group(&bad, &NIR_SPACED, "-"), "dashed"),
            };
            b.negative(kind, form, rng.pick(NIR_TEMPLATES), &value);
        }
        NegativeKind::BadIban => {
            let template = rng.pick(IBAN_TEMPLATES);
            let (value, form, template) = if rng.chance(650) {
                let country = rng.pick_ref(IBAN_COUNTRIES);
                let good = valid_iban(rng, country);
                let bad = change_one_digit(rng, &good, 4, good.len());
                if rng.chance(600) {
                    (group_by_four(&bad, ' '), country.grouped, template)
                } else {
                    (bad, country.compact, template)
                }
            } else {
                let good = valid_iban(rng, &IBAN_COUNTRIES[0]);
                let bad = change_one_digit(rng, &good, 4, good.len());
                match rng.below(4) {
                    0 => (
                        group_by_four(&bad, ' ').to_lowercase(),
                        "FR-lower-grouped",
                        template,
                    ),
                    1 => (bad.to_lowercase(), "FR-lower-compact", template),
                    2 => (group_by_four(&bad, '-'), "FR-dashed", template),
                    _ => (
                        group_by_four(&bad, ' '),
                        "FR-angle-brackets",
                        rng.pick(IBAN_BRACKET_TEMPLATES),
                    ),
                }
            };
            debug_assert!(!iban_valid(&value.replace('-', "")));
            b.negative(kind, form, template, &value);
        }
        NegativeKind::BadSiret => {
            let good = compact(&comments::siret(rng));
            let context = rng.pick(SIRET_TEMPLATES);
            let bare = rng.pick(SIRET_BARE_TEMPLATES);
            // The usual spellings break any digit; the SIREN + NIC ones break one of the
            // SIREN, so the SIREN written apart is no valid one either.
            let anywhere = change_one_digit(rng, &good, 0, 14);
            let in_siren = change_one_digit(rng, &good, 0, 9);
            let (value, form, template) = match rng.weighted(&[25, 25, 10, 10, 10, 10, 10]) {
                0 => (anywhere, "compact", context),
                1 => (group(&anywhere, &SIRET_SPACED, " "), "spaced", context),
                2 => (group(&in_siren, &SIRET_SIREN_NIC, " "), "9-5", context),
                3 => (group(&in_siren, &SIRET_THREES, " "), "3-3-3-3-2", context),
                4 => (
                    group(&in_siren, &SIRET_SPACED, " "),
                    "spaced-no-context",
                    bare,
                ),
                5 => (
                    group(&in_siren, &SIRET_SIREN_NIC, " "),
                    "9-5-no-context",
                    bare,
                ),
                _ => (
                    group(&in_siren, &SIRET_THREES, " "),
                    "3-3-3-3-2-no-context",
                    bare,
                ),
            };
            b.negative(kind, form, template, &value);
        }
        NegativeKind::BadSiren => {
            let good = valid_siren(rng);
            let bad = change_one_digit(rng, &good, 0, 9);
            let (form, value, template) = match rng.weighted(&[35, 35, 15, 15]) {
                0 => ("compact", bad, rng.pick(SIREN_TEMPLATES)),
                1 => (
                    "spaced",
                    group(&bad, &SIREN_SPACED, " "),
                    rng.pick(SIREN_TEMPLATES),
                ),
                2 => (
                    "dashed",
                    group(&bad, &SIREN_SPACED, "-"),
                    rng.pick(SIREN_TEMPLATES),
                ),
                _ => ("compact-societe", bad, rng.pick(SIREN_SOCIETE_TEMPLATES)),
            };
            b.negative(kind, form, template, &value);
        }
        NegativeKind::BadCard => {
            // Amex numbers are 15 digits long like NIRs: not one whose key holds either.
            let (bad, brand) = loop {
                let (good, brand) = valid_card(rng);
                let bad = change_one_digit(rng, &good, 0, good.len());
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
            if rng.chance(500) {
                // Four parts, each a possible IPv4 byte: `version 7.18.39.114`.
                let value = format!(
                    "{}.{}.{}.{}",
                    rng.range(0, 20),
                    rng.range(0, 60),
                    rng.range(0, 99),
                    rng.range(0, 255)
                );
                b.negative(kind, "dotted-4", rng.pick(VERSION_4_TEMPLATES), &value);
                return;
            }
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
            let (value, form) = if rng.chance(500) {
                *rng.pick_ref(TITLE_FUNCTIONS)
            } else {
                *rng.pick_ref(TITLE_ROLES)
            };
            b.negative(kind, form, rng.pick(TITLE_TEMPLATES), value);
        }
        NegativeKind::TitleAcronym => {
            let title = rng.pick(&["Mme", "M.", "Madame", "Monsieur"]);
            let acronym = rng.pick(&["RAS", "EDF", "SAV", "GRDF"]);
            let value = format!("{title} {acronym}");
            b.negative(kind, "title-acronym", rng.pick(TITLE_TEMPLATES), &value);
        }
        NegativeKind::Contract => {
            // Luhn-valid on purpose: only the word `contrat` says it is no SIREN.
            let digits = valid_siren(rng);
            let (value, form) = if rng.chance(650) {
                (group(&digits, &SIREN_SPACED, "-"), "dashed")
            } else {
                (digits, "compact")
            };
            b.negative(kind, form, rng.pick(CONTRACT_TEMPLATES), &value);
        }
        NegativeKind::NotAName => {
            let (form, values, templates) = *rng.pick_ref(NOT_A_NAME);
            b.negative(kind, form, rng.pick(templates), rng.pick(values));
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
const VERSION_4_TEMPLATES: &[&str] = &[
    "version {}",
    "firmware compteur {}",
    "Firmware {}",
    "Mise à jour logicielle en version {} faite",
    "Concentrateur en v{}",
];
const TIME_TEMPLATES: &[&str] = &["Passage à {}", "Coupure depuis {}", "Rappel prévu vers {}"];
const SHORT_NUMBER_TEMPLATES: &[&str] = &["Numéro incomplet : {}", "Appeler le {}", "Poste {}"];
const TITLE_FUNCTIONS: &[(&str, &str)] = &[
    ("M. le maire", "le-maire"),
    ("Mme la directrice", "la-directrice"),
    ("Monsieur le président", "le-president"),
    ("Madame la gardienne", "la-gardienne"),
    ("Madame Monsieur", "salutation"),
];
/// A title before a function, the function capitalised, in lower case or in capitals.
const TITLE_ROLES: &[(&str, &str)] = &[
    ("Monsieur le Maire", "capitalised-role"),
    ("Monsieur le Directeur", "capitalised-role"),
    ("Madame la Directrice", "capitalised-role"),
    ("Madame la Présidente", "capitalised-role"),
    ("Monsieur le Préfet", "capitalised-role"),
    ("M. le Directeur", "capitalised-role"),
    ("Mme la Maire", "capitalised-role"),
    ("monsieur le maire", "lower-role"),
    ("madame la directrice", "lower-role"),
    ("monsieur le directeur", "lower-role"),
    ("MONSIEUR LE MAIRE", "caps-role"),
    ("MADAME LA DIRECTRICE", "caps-role"),
    ("M. LE DIRECTEUR", "caps-role"),
];
const TITLE_TEMPLATES: &[&str] = &[
    "Vu avec {}",
    "{} prévenu",
    "Commentaire : {}",
    "Courrier adressé à {}",
];
const CONTRACT_TEMPLATES: &[&str] = &[
    "contrat {}",
    "Contrat {} résilié",
    "N° de contrat : {}",
    "Réf. contrat {}",
];

/// Capitalised words that are not a person, by family: `(form, values, sentences)`. A
/// street or a school named after a person is no personal data of the customer.
type NotAName = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const NOT_A_NAME: &[NotAName] = &[
    (
        "service",
        &[
            "Service Client",
            "Service Clients",
            "Service Technique",
            "Pôle Recouvrement",
            "Centre Relation Clients",
        ],
        &[
            "Dossier transmis au {}",
            "Réclamation remontée au {}",
            "Le {} rappellera",
        ],
    ),
    (
        "tariff",
        &[
            "Heures Creuses",
            "Heures Pleines",
            "Tarif Bleu",
            "Option Tempo",
            "Jours Rouges",
            "Option Base",
            "Offre Verte",
        ],
        &[
            "Passage en {}",
            "Contrat en {} depuis janvier",
            "{} : index non transmis",
        ],
    ),
    (
        "place",
        &[
            "Saint-Denis",
            "Saint-Étienne",
            "Sainte-Geneviève-des-Bois",
            "Aix-en-Provence",
            "Le Mans",
            "La Rochelle",
            "Boulogne-Billancourt",
            "Villeneuve-Saint-Georges",
            "Saint-Martin-d'Hères",
            "Mont-de-Marsan",
            "Fontenay-sous-Bois",
        ],
        &[
            "Déménagement vers {}",
            "Agence de {} fermée",
            "Intervention sur {} reportée",
        ],
    ),
    (
        "street-after-person",
        &[
            "rue Victor Hugo",
            "Rue Victor Hugo",
            "avenue Jean Jaurès",
            "Avenue Jean Jaurès",
            "boulevard Émile Zola",
            "place Charles de Gaulle",
            "rue Louis Pasteur",
            "allée Marie Curie",
            "rue Jean Moulin",
            "avenue Georges Clemenceau",
            "école Jules Ferry",
            "collège Simone Veil",
        ],
        &[
            "Coffret {} à déplacer",
            "Adresse : 12 {}",
            "Travaux {}, accès difficile",
        ],
    ),
    (
        "day-month",
        &[
            "Lundi",
            "Mardi Matin",
            "Mercredi Après-Midi",
            "Jeudi",
            "Vendredi Soir",
            "Fin Juin",
            "Début Septembre",
            "Samedi Matin",
            "Janvier",
        ],
        &["Passage prévu {}", "Rappeler {}", "{} : relève annulée"],
    ),
    (
        "brand",
        &[
            "Linky",
            "Enedis",
            "Gazpar",
            "EDF Bleu Ciel",
            "Engie Home Services",
            "TotalEnergies",
            "Leroy Merlin",
            "Schneider Electric",
            "Legrand",
        ],
        &["Vu avec {}", "Appel {} ce matin", "Matériel : {}"],
    ),
    (
        "signature-role",
        &[
            "Le Service Client",
            "L'équipe Enedis",
            "le technicien",
            "Votre conseiller",
            "La Direction",
        ],
        &["Cordialement,\n{}", "Signé : {}"],
    ),
];

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
