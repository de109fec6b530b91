//! Fictional but French-looking people and places: names, streets, cities with real
//! postcodes, phone numbers in the spellings found in real exports.
//!
//! Every combination is made up. Names are common French first names and surnames drawn
//! independently, street numbers are random, and e-mail addresses use the reserved
//! `example.*` domains (RFC 2606), so no generated row describes a real person.

use crate::prng::SplitMix64;

/// Grammatical sex of a first name, which decides the title (`M.` or `Mme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The title used before a surname.
    pub fn title(self) -> &'static str {
        match self {
            Sex::Male => "M.",
            Sex::Female => "Mme",
        }
    }

    /// The first digit of a NIR.
    pub fn nir_digit(self) -> char {
        match self {
            Sex::Male => '1',
            Sex::Female => '2',
        }
    }
}

pub const MALE_FIRST_NAMES: &[&str] = &[
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Alain",
    "Bernard",
    "Jacques",
    "François",
    "Éric",
    "Nicolas",
    "Julien",
    "Thomas",
    "Lucas",
    "Hugo",
    "Théo",
    "Mathieu",
    "Sébastien",
    "Stéphane",
    "Jérôme",
    "Loïc",
    "Gaëtan",
    "Jean-Pierre",
    "Jean-Luc",
    "Marc-Antoine",
    "Benoît",
    "Hervé",
    "Yves",
    "Raphaël",
    "Noël",
    "Karim",
    "Mehdi",
];

pub const FEMALE_FIRST_NAMES: &[&str] = &[
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Monique",
    "Valérie",
    "Sandrine",
    "Céline",
    "Émilie",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Zoé",
    "Hélène",
    "Anaïs",
    "Maëlle",
    "Agnès",
    "Béatrice",
    "Marie-Claire",
    "Anne-Sophie",
    "Élodie",
    "Gaëlle",
    "Margaux",
    "Noémie",
    "Océane",
    "Josiane",
    "Fatima",
    "Yasmine",
];

/// Surnames. Words that are also common nouns, first names or place names in the data
/// (`Paris`, `Marie`, `Blanc`) are left out, so a surname found in a comment is a name.
pub const SURNAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Garcia",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Perrin",
    "Morin",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Lemaire",
    "Duval",
    "Gautier",
    "Meunier",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Barbier",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Fernandez",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Rodriguez",
    "Da Silva",
    "Hubert",
    "Guillot",
    "Rivière",
    "Le Gall",
    "Berger",
    "Lecomte",
    "Ménard",
    "Deschamps",
    "Carpentier",
    "Maillard",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Kieffer",
    "N'Diaye",
    "Haddad",
    "Benali",
    "Ferreira",
    "Diallo",
    "Traoré",
    "Lévy",
    "Le Bihan",
    "Kerbrat",
    "Casanova",
    "Santoni",
    "Paoli",
    "Pietri",
    "Luciani",
    "Agostini",
];

pub const STREET_TYPES: &[&str] = &[
    "rue",
    "rue",
    "rue",
    "avenue",
    "boulevard",
    "allée",
    "place",
    "impasse",
    "chemin",
    "quai",
    "cours",
    "route",
];

pub const STREET_NAMES: &[&str] = &[
    "de la République",
    "Victor-Hugo",
    "Jean-Jaurès",
    "de la Paix",
    "du Général-de-Gaulle",
    "Pasteur",
    "des Lilas",
    "de l'Église",
    "Gambetta",
    "Voltaire",
    "des Écoles",
    "du Moulin",
    "Émile-Zola",
    "de la Gare",
    "des Tilleuls",
    "Saint-Michel",
    "de Verdun",
    "Carnot",
    "de la Liberté",
    "des Acacias",
    "du 8-Mai-1945",
    "Jules-Ferry",
    "de Provence",
    "des Peupliers",
];

pub const BUILDINGS: &[&str] = &[
    "Bât. A",
    "Bât. B",
    "Bât. C",
    "Résidence Les Tilleuls",
    "Résidence du Parc",
    "Escalier 2",
];

/// A commune and the postcodes it is given.
#[derive(Debug)]
pub struct City {
    pub name: &'static str,
    pub postcodes: &'static [&'static str],
}

/// A département: its code (`75`, `2A`), cities, and the first digits of landlines there.
#[derive(Debug)]
pub struct Departement {
    pub code: &'static str,
    pub cities: &'static [City],
    /// Landline numbers start with `0` and this digit (1 Île-de-France, 2 north-west,
    /// 3 north-east, 4 south-east, 5 south-west).
    pub landline: char,
}

/// Départements in the order customers are dealt to them: the first few are the large
/// cities named in the brief, so a small file already spreads over several regions.
pub const DEPARTEMENTS: &[Departement] = &[
    Departement {
        code: "75",
        landline: '1',
        cities: &[City {
            name: "Paris",
            postcodes: &[
                "75001", "75002", "75003", "75004", "75005", "75006", "75007", "75008", "75009",
                "75010", "75011", "75012", "75013", "75014", "75015", "75016", "75017", "75018",
                "75019", "75020",
            ],
        }],
    },
    Departement {
        code: "69",
        landline: '4',
        cities: &[
            City {
                name: "Lyon",
                postcodes: &[
                    "69001", "69002", "69003", "69004", "69005", "69006", "69007", "69008", "69009",
                ],
            },
            City {
                name: "Villeurbanne",
                postcodes: &["69100"],
            },
            City {
                name: "Vénissieux",
                postcodes: &["69200"],
            },
        ],
    },
    Departement {
        code: "13",
        landline: '4',
        cities: &[
            City {
                name: "Marseille",
                postcodes: &[
                    "13001", "13002", "13003", "13004", "13005", "13006", "13007", "13008",
                    "13009", "13010", "13011", "13012", "13013", "13014", "13015", "13016",
                ],
            },
            City {
                name: "Aix-en-Provence",
                postcodes: &["13090", "13100"],
            },
        ],
    },
    Departement {
        code: "59",
        landline: '3',
        cities: &[
            City {
                name: "Lille",
                postcodes: &["59000", "59160", "59260", "59777", "59800"],
            },
            City {
                name: "Roubaix",
                postcodes: &["59100"],
            },
            City {
                name: "Tourcoing",
                postcodes: &["59200"],
            },
            City {
                name: "Villeneuve-d'Ascq",
                postcodes: &["59491", "59650"],
            },
        ],
    },
    Departement {
        code: "33",
        landline: '5',
        cities: &[
            City {
                name: "Bordeaux",
                postcodes: &["33000", "33100", "33200", "33300", "33800"],
            },
            City {
                name: "Mérignac",
                postcodes: &["33700"],
            },
            City {
                name: "Pessac",
                postcodes: &["33600"],
            },
        ],
    },
    Departement {
        code: "2A",
        landline: '4',
        cities: &[
            City {
                name: "Ajaccio",
                postcodes: &["20000", "20090"],
            },
            City {
                name: "Porto-Vecchio",
                postcodes: &["20137"],
            },
            City {
                name: "Propriano",
                postcodes: &["20110"],
            },
        ],
    },
    Departement {
        code: "31",
        landline: '5',
        cities: &[
            City {
                name: "Toulouse",
                postcodes: &["31000", "31100", "31200", "31300", "31400", "31500"],
            },
            City {
                name: "Blagnac",
                postcodes: &["31700"],
            },
        ],
    },
    Departement {
        code: "44",
        landline: '2',
        cities: &[
            City {
                name: "Nantes",
                postcodes: &["44000", "44100", "44200", "44300"],
            },
            City {
                name: "Saint-Nazaire",
                postcodes: &["44600"],
            },
        ],
    },
    Departement {
        code: "67",
        landline: '3',
        cities: &[
            City {
                name: "Strasbourg",
                postcodes: &["67000", "67100", "67200"],
            },
            City {
                name: "Schiltigheim",
                postcodes: &["67300"],
            },
        ],
    },
    Departement {
        code: "06",
        landline: '4',
        cities: &[
            City {
                name: "Nice",
                postcodes: &["06000", "06100", "06200", "06300"],
            },
            City {
                name: "Cannes",
                postcodes: &["06400"],
            },
            City {
                name: "Antibes",
                postcodes: &["06600"],
            },
        ],
    },
    Departement {
        code: "35",
        landline: '2',
        cities: &[
            City {
                name: "Rennes",
                postcodes: &["35000", "35200", "35700"],
            },
            City {
                name: "Saint-Malo",
                postcodes: &["35400"],
            },
        ],
    },
    Departement {
        code: "34",
        landline: '4',
        cities: &[
            City {
                name: "Montpellier",
                postcodes: &["34000", "34070", "34080", "34090"],
            },
            City {
                name: "Sète",
                postcodes: &["34200"],
            },
        ],
    },
    Departement {
        code: "38",
        landline: '4',
        cities: &[
            City {
                name: "Grenoble",
                postcodes: &["38000", "38100"],
            },
            City {
                name: "Échirolles",
                postcodes: &["38130"],
            },
        ],
    },
    Departement {
        code: "42",
        landline: '4',
        cities: &[City {
            name: "Saint-Étienne",
            postcodes: &["42000", "42100"],
        }],
    },
    Departement {
        code: "2B",
        landline: '4',
        cities: &[
            City {
                name: "Bastia",
                postcodes: &["20200", "20600"],
            },
            City {
                name: "Corte",
                postcodes: &["20250"],
            },
        ],
    },
    Departement {
        code: "63",
        landline: '4',
        cities: &[City {
            name: "Clermont-Ferrand",
            postcodes: &["63000", "63100"],
        }],
    },
    Departement {
        code: "25",
        landline: '3',
        cities: &[City {
            name: "Besançon",
            postcodes: &["25000"],
        }],
    },
    Departement {
        code: "45",
        landline: '2',
        cities: &[City {
            name: "Orléans",
            postcodes: &["45000", "45100"],
        }],
    },
    Departement {
        code: "29",
        landline: '2',
        cities: &[
            City {
                name: "Brest",
                postcodes: &["29200"],
            },
            City {
                name: "Quimper",
                postcodes: &["29000"],
            },
        ],
    },
];

/// Départements a NIR's birth place is drawn from (`99` is "born abroad").
pub const BIRTH_DEPARTEMENTS: &[&str] = &[
    "75", "69", "13", "59", "33", "2A", "2B", "31", "44", "67", "06", "35", "92", "93", "94", "62",
    "76", "99",
];

/// The reserved domains e-mail addresses are made with (RFC 2606).
pub const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];

/// A name folded to lower-case ASCII for an e-mail address: accents removed, spaces and
/// apostrophes dropped (`N'Diaye` → `ndiaye`, `Le Gall` → `legall`).
pub fn email_part(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let folded = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => "a",
            'ç' | 'Ç' => "c",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
            'î' | 'ï' | 'Î' | 'Ï' => "i",
            'ô' | 'ö' | 'Ô' | 'Ö' => "o",
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => "u",
            'ÿ' => "y",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            ' ' | '\'' | '’' => "",
            c if c.is_ascii_alphanumeric() || c == '-' => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

/// The ways a French phone number is written in the files seen in practice; all match the
/// schema's pattern `(\+33 ?|0)[1-9]([ .-]?[0-9]{2}){4}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneStyle {
    /// `06 12 34 56 78`
    Spaces,
    /// `06.12.34.56.78`
    Dots,
    /// `0612345678`
    Compact,
    /// `06-12-34-56-78`
    Dashes,
    /// `+33 6 12 34 56 78`
    InternationalSpaces,
    /// `+33612345678`
    International,
}

impl PhoneStyle {
    pub const ALL: [PhoneStyle; 6] = [
        PhoneStyle::Spaces,
        PhoneStyle::Dots,
        PhoneStyle::Compact,
        PhoneStyle::Dashes,
        PhoneStyle::InternationalSpaces,
        PhoneStyle::International,
    ];

    /// Writes the 9 national digits (without the leading 0) in this style.
    pub fn write(self, digits: &[u8; 9], out: &mut String) {
        let (prefix, sep) = match self {
            PhoneStyle::Spaces => ("0", " "),
            PhoneStyle::Dots => ("0", "."),
            PhoneStyle::Compact => ("0", ""),
            PhoneStyle::Dashes => ("0", "-"),
            PhoneStyle::InternationalSpaces => ("+33 ", " "),
            PhoneStyle::International => ("+33", ""),
        };
        out.push_str(prefix);
        out.push(char::from(digits[0]));
        for pair in digits[1..].chunks(2) {
            out.push_str(sep);
            out.push(char::from(pair[0]));
            out.push(char::from(pair[1]));
        }
    }
}

/// A random phone number: a mobile (06, 07) most of the time, else a landline of the
/// département's region. Returns the 9 national digits.
pub fn phone_digits(rng: &mut SplitMix64, landline: char) -> [u8; 9] {
    let mut d = [b'0'; 9];
    d[0] = match rng.below(100) {
        0..=54 => b'6',
        55..=74 => b'7',
        75..=94 => landline as u8,
        _ => b'9',
    };
    for x in &mut d[1..] {
        *x = b'0' + rng.below(10) as u8;
    }
    // Avoid 06 00 .. and the like, which look fake.
    if d[1] == b'0' {
        d[1] = b'1';
    }
    d
}

/// A random phone number written in a random style.
pub fn phone(rng: &mut SplitMix64, landline: char, out: &mut String) {
    let digits = phone_digits(rng, landline);
    rng.pick(&PhoneStyle::ALL).write(&digits, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_styles() {
        let d = *b"612345678";
        let written: Vec<String> = PhoneStyle::ALL
            .iter()
            .map(|s| {
                let mut out = String::new();
                s.write(&d, &mut out);
                out
            })
            .collect();
        assert_eq!(
            written,
            [
                "06 12 34 56 78",
                "06.12.34.56.78",
                "0612345678",
                "06-12-34-56-78",
                "+33 6 12 34 56 78",
                "+33612345678"
            ]
        );
    }

    #[test]
    fn email_parts_are_ascii() {
        assert_eq!(email_part("Hélène"), "helene");
        assert_eq!(email_part("N'Diaye"), "ndiaye");
        assert_eq!(email_part("Le Gall"), "legall");
        assert_eq!(email_part("Jean-Luc"), "jean-luc");
        assert_eq!(email_part("Maëlle"), "maelle");
        assert_eq!(email_part("Benoît"), "benoit");
        for name in SURNAMES
            .iter()
            .chain(FEMALE_FIRST_NAMES)
            .chain(MALE_FIRST_NAMES)
        {
            let part = email_part(name);
            assert!(!part.is_empty());
            assert!(
                part.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{part}"
            );
        }
    }

    #[test]
    fn postcodes_are_five_digits_and_match_their_departement() {
        for d in DEPARTEMENTS {
            let prefix = match d.code {
                "2A" | "2B" => "20",
                c => c,
            };
            for city in d.cities {
                for p in city.postcodes {
                    assert_eq!(p.len(), 5);
                    assert!(p.bytes().all(|b| b.is_ascii_digit()));
                    assert!(p.starts_with(prefix), "{p} in {}", d.code);
                }
            }
        }
    }

    #[test]
    fn mobile_numbers_dominate() {
        let mut rng = SplitMix64::new(5);
        let mobiles = (0..1000)
            .filter(|_| matches!(phone_digits(&mut rng, '1')[0], b'6' | b'7'))
            .count();
        assert!((680..820).contains(&mobiles), "{mobiles}");
    }
}
