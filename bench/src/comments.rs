//! Technician comments, with personal data planted in some of them.
//!
//! Most comments are empty or benign notes ("Relevé estimé", "RAS"). About 17 % carry
//! personal data of the kinds a redactor must remove: phone numbers, e-mail addresses,
//! NIRs and IBANs with valid keys, meter ids (PDL/PRM) in context, SIRETs with a valid Luhn
//! digit, a person named after a title, and the row's own customer's surname. About 3 %
//! carry decoys: numbers shaped like a NIR whose key is wrong, which must *not* be taken
//! for one. Every planted value is recorded ([`Planted`]) so tests can look for it.

use std::collections::BTreeMap;

use crate::checksum::{iban_check_digits, luhn_check_digit, nir_key, rib_key};
use crate::france::{
    self, BIRTH_DEPARTEMENTS, EMAIL_DOMAINS, FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, SURNAMES, Sex,
};
use crate::prng::SplitMix64;

/// What a planted value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlantedKind {
    Email,
    Phone,
    /// French social security number with a valid key.
    Nir,
    /// French IBAN with valid check digits (and RIB key).
    Iban,
    /// A 14-digit meter id after `PDL` or `PRM`.
    Prm,
    /// SIRET with a valid Luhn digit.
    Siret,
    /// Someone other than the customer, named after a title (`Mme Durand`); the value is
    /// the surname.
    Name,
    /// The row's own customer's surname; the value is the surname.
    CustomerSurname,
    /// Not personal: a 15-digit ticket number shaped like a NIR with a wrong key.
    TicketDecoy,
}

impl PlantedKind {
    pub const ALL: [PlantedKind; 9] = [
        PlantedKind::Email,
        PlantedKind::Phone,
        PlantedKind::Nir,
        PlantedKind::Iban,
        PlantedKind::Prm,
        PlantedKind::Siret,
        PlantedKind::Name,
        PlantedKind::CustomerSurname,
        PlantedKind::TicketDecoy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlantedKind::Email => "email",
            PlantedKind::Phone => "phone",
            PlantedKind::Nir => "nir",
            PlantedKind::Iban => "iban",
            PlantedKind::Prm => "prm",
            PlantedKind::Siret => "siret",
            PlantedKind::Name => "name",
            PlantedKind::CustomerSurname => "customer-surname",
            PlantedKind::TicketDecoy => "ticket-decoy",
        }
    }

    /// Whether values of this kind are personal data (decoys are not).
    pub fn is_personal(self) -> bool {
        self != PlantedKind::TicketDecoy
    }
}

/// One value planted in a comment, exactly as written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    pub kind: PlantedKind,
    pub value: String,
}

/// Who a row is about, for comments that mention the customer.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub surname: &'a str,
    pub sex: Sex,
    pub prm: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub landline: char,
    /// Département code (`75`, `2A`): where the customer lives, and often was born.
    pub departement: &'a str,
}

/// A comment being written; reused from row to row to avoid allocations.
#[derive(Debug, Default)]
pub struct Comment {
    pub text: String,
    pub planted: Vec<Planted>,
}

/// Counts of planted values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rows seen.
    pub rows: u64,
    /// Rows whose comment holds at least one personal value.
    pub rows_with_personal_data: u64,
    /// Values planted, by kind (every kind present).
    pub by_kind: BTreeMap<PlantedKind, u64>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally {
            rows: 0,
            rows_with_personal_data: 0,
            by_kind: PlantedKind::ALL.iter().map(|k| (*k, 0)).collect(),
        }
    }

    /// Counts one row's planted values.
    pub fn add(&mut self, planted: &[Planted]) {
        self.rows += 1;
        if planted.iter().any(|p| p.kind.is_personal()) {
            self.rows_with_personal_data += 1;
        }
        for p in planted {
            *self.by_kind.entry(p.kind).or_insert(0) += 1;
        }
    }

    /// `email 7, phone 12, ...`, for logs (counts only, never values).
    pub fn summary(&self) -> String {
        self.by_kind
            .iter()
            .map(|(k, n)| format!("{} {n}", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Benign notes. Some hold the characters that force quoting: `,` `;` `"` and a newline.
const NOTES: &[&str] = &[
    "Relevé estimé",
    "Relevé estimé",
    "Compteur remplacé",
    "RAS",
    "RAS",
    "Index relevé à distance",
    "Relevé réel",
    "Télérelève indisponible, index estimé",
    "Coupure réseau de 2 h",
    "Accès compteur difficile",
    "Client absent, avis de passage déposé",
    "Mise en service",
    "Puissance souscrite passée à 9 kVA",
    "Consommation anormale ; à vérifier",
    "Le client signale un \"bruit\" au disjoncteur",
    "Relevé estimé\nÀ confirmer au prochain passage",
    "Changement de fournisseur",
    "Linky posé, ancien compteur déposé",
    "Courbe de charge activée",
    "Chien dans la cour, prévoir l'accès",
    "Délestage EJP",
    "Jour rouge TEMPO",
    "Résiliation en cours",
    "Compteur en limite de propriété",
    "Index incohérent, reprise manuelle",
    "Écart d'index < 5 kWh",
];

/// Notes with numbers that are not personal data (not counted as planted), with the
/// number of digits of each.
const NUMBER_NOTES: &[(&str, usize)] = &[
    ("Index {} kWh", 6),
    ("Scellé n° {} posé", 8),
    ("Intervention de {} minutes", 2),
];

const BREAKER_NOTES: &[&str] = &[
    "Disjoncteur réglé à 30 A",
    "Disjoncteur réglé à 45 A",
    "Disjoncteur réglé à 60 A",
];

const TICKET_NOTES: &[&str] = &["Ticket n° {}", "Incident {} clos", "Réf. dossier {}"];

const PHONE_NOTES: &[&str] = &[
    "Rappeler le client au {}",
    "Client joignable au {} après 18 h",
    "Tél. portable : {}",
    "N° du gardien : {}",
];

const EMAIL_NOTES: &[&str] = &[
    "Envoyer le relevé à {}",
    "Client demande la facture par mail : {}",
    "Contact syndic : {}",
];

const NIR_NOTES: &[&str] = &[
    "N° de sécu communiqué par erreur : {}",
    "NIR {} noté sur le bon d'intervention",
    "Sécurité sociale {} (à supprimer)",
];

const IBAN_NOTES: &[&str] = &[
    "Nouveau RIB : {}",
    "Prélèvement sur IBAN {}",
    "Remboursement du trop-perçu sur {}",
];

const PRM_NOTES: &[&str] = &[
    "Compteur PDL {} remplacé",
    "PRM {} : index incohérent",
    "Voir aussi PDL n° {} (voisin)",
    "Relevé fait sur le PRM {}",
];

const SIRET_NOTES: &[&str] = &[
    "Intervention du sous-traitant SIRET {}",
    "Entreprise Élec Services (SIRET {})",
    "Pose par Réseaux & Compteurs SAS, SIRET {}",
];

/// `{t}` is a title, `{}` the surname.
const OTHER_NAME_NOTES: &[&str] = &[
    "Clés chez la voisine, {t} {}",
    "Voir avec {t} {}, gardien",
    "Accès par {t} {} (bailleur)",
    "{t} {} présent(e) lors du passage",
];

const OTHER_TITLES: &[&str] = &["Mme", "M.", "Mlle", "Dr", "Me", "Madame", "Monsieur"];

/// `{t}` is the customer's title, `{}` their surname.
const CUSTOMER_NOTES: &[&str] = &[
    "{} absent lors du passage",
    "{t} {} conteste l'index",
    "{t} {} souhaite être rappelé(e)",
    "Famille {} en déplacement",
];

const BANKS: &[u64] = &[
    30006, 30004, 30003, 20041, 10278, 11315, 17515, 30002, 16606,
];

/// Appends `template` with `{}` replaced by `value` and `{t}` by `title`.
fn fill(template: &str, title: &str, value: &str, out: &mut String) {
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        if let Some(after) = rest[i..].strip_prefix("{t}") {
            out.push_str(title);
            rest = after;
        } else if let Some(after) = rest[i..].strip_prefix("{}") {
            out.push_str(value);
            rest = after;
        } else {
            out.push('{');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
}

impl Comment {
    /// Writes the next comment for a row about `subject`.
    pub fn write(&mut self, rng: &mut SplitMix64, subject: &Subject<'_>) {
        self.text.clear();
        self.planted.clear();
        match rng.below(1000) {
            0..620 => {}
            620..770 => self.text.push_str(rng.pick(NOTES)),
            770..790 => {
                let (note, len) = rng.pick(NUMBER_NOTES);
                let mut n = rng.range(1, 9).to_string();
                rng.push_digits(len - 1, &mut n);
                fill(note, "", &n, &mut self.text);
            }
            790..800 => self.text.push_str(rng.pick(BREAKER_NOTES)),
            800..830 => {
                let ticket = nir_decoy(rng);
                fill(rng.pick(TICKET_NOTES), "", &ticket, &mut self.text);
                self.plant(PlantedKind::TicketDecoy, ticket);
            }
            _ => self.personal(rng, subject),
        }
    }

    fn plant(&mut self, kind: PlantedKind, value: String) {
        self.planted.push(Planted { kind, value });
    }

    fn personal(&mut self, rng: &mut SplitMix64, s: &Subject<'_>) {
        // Weights of: phone, email, nir, iban, prm, siret, name, customer surname, surname
        // and phone together.
        match rng.weighted(&[18, 14, 10, 10, 14, 8, 12, 10, 4]) {
            0 => {
                let phone = if !s.phone.is_empty() && rng.chance(300) {
                    s.phone.to_owned()
                } else {
                    let mut p = String::new();
                    france::phone(rng, s.landline, &mut p);
                    p
                };
                fill(rng.pick(PHONE_NOTES), "", &phone, &mut self.text);
                self.plant(PlantedKind::Phone, phone);
            }
            1 => {
                let email = if !s.email.is_empty() && rng.chance(500) {
                    s.email.to_owned()
                } else {
                    other_email(rng)
                };
                fill(rng.pick(EMAIL_NOTES), "", &email, &mut self.text);
                self.plant(PlantedKind::Email, email);
            }
            2 => {
                // The customer's own number: their sex, and often their département.
                let born = rng.chance(500).then_some(s.departement);
                let nir = nir(rng, Some(s.sex), born);
                fill(rng.pick(NIR_NOTES), "", &nir, &mut self.text);
                self.plant(PlantedKind::Nir, nir);
            }
            3 => {
                let iban = iban(rng);
                fill(rng.pick(IBAN_NOTES), "", &iban, &mut self.text);
                self.plant(PlantedKind::Iban, iban);
            }
            4 => {
                let prm = if rng.chance(600) {
                    s.prm.to_owned()
                } else {
                    let mut p = String::from("0");
                    rng.push_digits(13, &mut p);
                    p
                };
                fill(rng.pick(PRM_NOTES), "", &prm, &mut self.text);
                self.plant(PlantedKind::Prm, prm);
            }
            5 => {
                let siret = siret(rng);
                fill(rng.pick(SIRET_NOTES), "", &siret, &mut self.text);
                self.plant(PlantedKind::Siret, siret);
            }
            6 => {
                let mut other = rng.pick(SURNAMES);
                while other == s.surname {
                    other = rng.pick(SURNAMES);
                }
                let title = rng.pick(OTHER_TITLES);
                fill(rng.pick(OTHER_NAME_NOTES), title, other, &mut self.text);
                self.plant(PlantedKind::Name, other.to_owned());
            }
            7 => {
                let note = rng.pick(CUSTOMER_NOTES);
                fill(note, s.sex.title(), s.surname, &mut self.text);
                self.plant(PlantedKind::CustomerSurname, s.surname.to_owned());
            }
            _ => {
                let mut phone = String::new();
                france::phone(rng, s.landline, &mut phone);
                self.text.push_str(s.sex.title());
                self.text.push(' ');
                self.text.push_str(s.surname);
                self.text.push_str(" joignable au ");
                self.text.push_str(&phone);
                self.plant(PlantedKind::CustomerSurname, s.surname.to_owned());
                self.plant(PlantedKind::Phone, phone);
            }
        }
    }
}

/// An address of someone other than the customer, at a reserved domain.
fn other_email(rng: &mut SplitMix64) -> String {
    let first = if rng.chance(500) {
        rng.pick(MALE_FIRST_NAMES)
    } else {
        rng.pick(FEMALE_FIRST_NAMES)
    };
    let local = match rng.below(3) {
        0 => format!(
            "{}.{}",
            france::email_part(first),
            france::email_part(rng.pick(SURNAMES))
        ),
        1 => format!("syndic.{}", france::email_part(rng.pick(SURNAMES))),
        _ => format!("contact-{}", rng.range(10, 99)),
    };
    format!("{local}@{}", rng.pick(EMAIL_DOMAINS))
}

/// The 13-character body of a plausible NIR: sex, year, month, birth département,
/// commune, order number.
fn nir_body(
    rng: &mut SplitMix64,
    sex: Option<Sex>,
    born: Option<&str>,
    numeric_only: bool,
) -> String {
    let mut b = String::with_capacity(13);
    let sex = sex.unwrap_or(if rng.chance(500) {
        Sex::Male
    } else {
        Sex::Female
    });
    b.push(sex.nir_digit());
    let year = rng.range(40, 105) % 100;
    b.push(char::from(b'0' + (year / 10) as u8));
    b.push(char::from(b'0' + (year % 10) as u8));
    let month = rng.range(1, 12);
    b.push(char::from(b'0' + (month / 10) as u8));
    b.push(char::from(b'0' + (month % 10) as u8));
    let mut dept = born.unwrap_or_else(|| rng.pick(BIRTH_DEPARTEMENTS));
    while numeric_only && !dept.bytes().all(|c| c.is_ascii_digit()) {
        dept = rng.pick(BIRTH_DEPARTEMENTS);
    }
    b.push_str(dept);
    let commune = rng.range(1, 999);
    let order = rng.range(1, 999);
    for n in [commune, order] {
        b.push(char::from(b'0' + (n / 100) as u8));
        b.push(char::from(b'0' + (n / 10 % 10) as u8));
        b.push(char::from(b'0' + (n % 10) as u8));
    }
    b
}

fn push_two(n: u32, out: &mut String) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// A NIR with a valid key, compact (`184127510804523`) or spaced (`1 84 12 75 108 045 23`),
/// of a person of `sex` born in `born` when given (random otherwise).
pub fn nir(rng: &mut SplitMix64, sex: Option<Sex>, born: Option<&str>) -> String {
    let body = nir_body(rng, sex, born, false);
    let key = nir_key(&body).expect("nir_body makes 13 valid characters");
    let mut out = String::with_capacity(21);
    if rng.chance(500) {
        out.push_str(&body);
    } else {
        for (i, part) in [0..1, 1..3, 3..5, 5..7, 7..10, 10..13]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&body[part]);
        }
        out.push(' ');
    }
    push_two(key, &mut out);
    out
}

/// A 15-digit number shaped like a NIR (sex, month and département plausible) whose key is
/// wrong, so a detector that checks keys must ignore it.
pub fn nir_decoy(rng: &mut SplitMix64) -> String {
    let mut out = nir_body(rng, None, None, true);
    let valid = nir_key(&out).expect("nir_body makes 13 valid characters");
    let mut key = rng.below(98) as u32;
    if key == valid {
        key = if valid == 97 { 0 } else { valid + 1 };
    }
    push_two(key, &mut out);
    out
}

/// A French IBAN with a valid RIB key and check digits, grouped by four or compact.
pub fn iban(rng: &mut SplitMix64) -> String {
    let bank = rng.pick(BANKS);
    let branch = rng.range(1, 99_999);
    let account = rng.range(1, 99_999_999_999);
    let bban = format!(
        "{bank:05}{branch:05}{account:011}{:02}",
        rib_key(bank, branch, account)
    );
    let check = iban_check_digits("FR", &bban).expect("the BBAN is made of digits");
    let compact = format!("FR{check:02}{bban}");
    if rng.chance(400) {
        return compact;
    }
    let mut grouped = String::with_capacity(compact.len() + 7);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    grouped
}

/// A SIRET: a Luhn-valid SIREN and an establishment number that makes the whole 14 digits
/// Luhn-valid. Compact, or spaced as `732 829 320 00074`.
pub fn siret(rng: &mut SplitMix64) -> String {
    let mut siren = rng.range(3, 8).to_string();
    rng.push_digits(7, &mut siren);
    let d = luhn_check_digit(&siren).expect("digits");
    siren.push(char::from(b'0' + d as u8));
    let mut body = format!("{siren}000{}", rng.range(1, 9));
    let d = luhn_check_digit(&body).expect("digits");
    body.push(char::from(b'0' + d as u8));
    if rng.chance(600) {
        body
    } else {
        format!(
            "{} {} {} {}",
            &body[..3],
            &body[3..6],
            &body[6..9],
            &body[9..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::{iban_valid, luhn_valid, nir_valid};

    fn subject() -> Subject<'static> {
        Subject {
            surname: "Lefèvre",
            sex: Sex::Female,
            prm: "09123456789012",
            email: "helene.lefevre@example.org",
            phone: "06 12 34 56 78",
            landline: '1',
            departement: "2A",
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        let mut out = String::new();
        fill("Voir {t} {}, {x}", "Mme", "Durand", &mut out);
        assert_eq!(out, "Voir Mme Durand, {x}");
    }

    #[test]
    fn planted_values_are_valid_and_written_as_recorded() {
        let mut rng = SplitMix64::new(11);
        let mut c = Comment::default();
        let mut tally = Tally::new();
        for _ in 0..20_000 {
            c.write(&mut rng, &subject());
            tally.add(&c.planted);
            for p in &c.planted {
                assert!(c.text.contains(&p.value), "{:?} in {:?}", p, c.text);
                match p.kind {
                    PlantedKind::Nir => {
                        assert!(nir_valid(&p.value), "{p:?}");
                        assert!(p.value.starts_with('2'), "the customer is a woman");
                    }
                    PlantedKind::TicketDecoy => {
                        assert_eq!(p.value.len(), 15);
                        assert!(p.value.bytes().all(|b| b.is_ascii_digit()));
                        assert!(!nir_valid(&p.value), "{p:?}");
                    }
                    PlantedKind::Iban => assert!(iban_valid(&p.value), "{p:?}"),
                    PlantedKind::Siret => {
                        assert!(luhn_valid(&p.value), "{p:?}");
                        let digits: String = p.value.chars().filter(|c| *c != ' ').collect();
                        assert!(luhn_valid(&digits[..9]), "SIREN of {p:?}");
                    }
                    PlantedKind::Prm => {
                        assert_eq!(p.value.len(), 14);
                        assert!(c.text.contains("PDL") || c.text.contains("PRM"));
                    }
                    PlantedKind::Email => assert!(p.value.contains("@example.")),
                    PlantedKind::Name => assert_ne!(p.value, "Lefèvre"),
                    PlantedKind::CustomerSurname => assert_eq!(p.value, "Lefèvre"),
                    PlantedKind::Phone => {}
                }
            }
        }
        let share = tally.rows_with_personal_data * 1000 / tally.rows;
        assert!((150..=200).contains(&share), "{share} per mille");
        assert!(tally.by_kind.values().all(|n| *n > 100), "{tally:?}");
        let mut rng = SplitMix64::new(12);
        let empty_share = (0..1000)
            .filter(|_| {
                c.write(&mut rng, &subject());
                c.text.is_empty()
            })
            .count();
        assert!((570..670).contains(&empty_share), "{empty_share}");
    }

    #[test]
    fn corsican_nirs_appear() {
        let mut rng = SplitMix64::new(3);
        let corsican = (0..2000)
            .map(|_| nir(&mut rng, None, None))
            .filter(|n| n.contains('A') || n.contains('B'))
            .inspect(|n| assert!(nir_valid(n), "{n}"))
            .count();
        assert!(corsican > 50, "{corsican}");
    }

    #[test]
    fn tally_summary_has_counts_only() {
        let mut t = Tally::new();
        t.add(&[Planted {
            kind: PlantedKind::Nir,
            value: "255081416802538".into(),
        }]);
        assert_eq!(t.rows_with_personal_data, 1);
        assert!(t.summary().contains("nir 1"));
        assert!(!t.summary().contains("2550814"));
    }
}
