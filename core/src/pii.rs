//! Personal-data detectors (placeholder while the validation core lands).

use serde::{Deserialize, Serialize};

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

    pub fn parse(s: &str) -> Option<PiiKind> {
        PiiKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        PiiKind::ALL.map(PiiKind::as_str).join(", ")
    }
}
