//! The GDPR policy carried by a schema: what each field is and what minimisation does to it.
//!
//! The policy lives next to the types it governs, in the Table Schema itself, so that one
//! file says both "this column is a 14-digit meter id" and "this column is pseudonymised
//! under domain `meter` for the purpose of load forecasting". A field's policy is a `gdpr`
//! object; the dataset's facts (controller, recipients, ...) are a `gdpr` object at the top.
//! The format is documented, with the energy schema as worked example, in `docs/gdpr-policy.md`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::pii::PiiKind;
use crate::retention::Retention;
use crate::schema::{Field, FieldType, SchemaError};

/// What kind of data a field holds, in GDPR terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Identifies a person on its own (name, email, meter id, customer number).
    DirectIdentifier,
    /// Identifies a person in combination with others (postcode, birth date, timestamps).
    QuasiIdentifier,
    /// Special-category data (GDPR Art. 9) or data whose disclosure harms the person.
    Sensitive,
    /// Ordinary personal data, neither identifying nor special (a household's consumption).
    Personal,
    /// Free text, which may hide any of the above.
    FreeText,
    /// Not about a person.
    NonPersonal,
}

impl Category {
    const NAMES: &'static str =
        "direct-identifier, quasi-identifier, sensitive, personal, free-text, non-personal";

    fn parse(s: &str) -> Option<Category> {
        Some(match s {
            "direct-identifier" => Category::DirectIdentifier,
            "quasi-identifier" => Category::QuasiIdentifier,
            "sensitive" => Category::Sensitive,
            "personal" => Category::Personal,
            "free-text" => Category::FreeText,
            "non-personal" => Category::NonPersonal,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::DirectIdentifier => "direct-identifier",
            Category::QuasiIdentifier => "quasi-identifier",
            Category::Sensitive => "sensitive",
            Category::Personal => "personal",
            Category::FreeText => "free-text",
            Category::NonPersonal => "non-personal",
        }
    }
}

/// Lawful basis of processing (GDPR Art. 6(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LegalBasis {
    const NAMES: &'static str =
        "consent, contract, legal-obligation, vital-interests, public-task, legitimate-interests";

    fn parse(s: &str) -> Option<LegalBasis> {
        Some(match s {
            "consent" => LegalBasis::Consent,
            "contract" => LegalBasis::Contract,
            "legal-obligation" => LegalBasis::LegalObligation,
            "vital-interests" => LegalBasis::VitalInterests,
            "public-task" => LegalBasis::PublicTask,
            "legitimate-interests" => LegalBasis::LegitimateInterests,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal-obligation",
            LegalBasis::VitalInterests => "vital-interests",
            LegalBasis::PublicTask => "public-task",
            LegalBasis::LegitimateInterests => "legitimate-interests",
        }
    }
}

/// How a value is normalised before it is pseudonymised, so that `0612345678` and
/// `06 12 34 56 78` (or `A@X.FR` and `a@x.fr`) get the same pseudonym.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalise {
    /// The value exactly as written.
    None,
    /// Leading and trailing whitespace removed (the default).
    Trim,
    /// Trimmed and lower-cased (emails).
    Lowercase,
    /// Only the digits kept (meter ids, phone numbers).
    Digits,
}

/// Granularity a date or datetime is truncated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Granularity {
    Hour,
    Day,
    Month,
    Year,
}

/// What `generalise` does, by field type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Generalisation {
    /// Dates and datetimes: lower components set to their first value.
    Truncate { granularity: Granularity },
    /// Numbers: rounded to `decimals` places (negative: to tens, hundreds...).
    Round { decimals: i32 },
    /// Numbers: replaced by the interval `[lo,hi)` of width `width` that holds them.
    Bin { width: f64 },
    /// Strings: only the first `chars` characters kept (postcode → département).
    Prefix { chars: usize },
}

/// What `mask` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaskStyle {
    /// `jeanne.martin@exemple.fr` → `*@exemple.fr`.
    EmailDomain,
    /// `06 12 34 56 78` → `********78`.
    PhoneLast2,
}

/// Parameters of `pseudonymise` (never the key: manifests record them, so a pseudonym can be
/// computed again for an access request whatever the schema has become since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pseudonymisation {
    /// Domain label mixed into the HMAC: two fields with the same domain give joinable
    /// pseudonyms for the same value; different domains give unrelated ones.
    pub domain: String,
    pub normalise: Normalise,
    /// Bytes of HMAC output kept, written as hex (2 characters per byte).
    pub bytes: usize,
    /// Text put before the pseudonym (`"m_"`), so pseudonyms are recognisable as such.
    pub prefix: String,
}

/// What minimisation does to a field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum Action {
    Keep,
    Drop,
    Pseudonymise(Pseudonymisation),
    Generalise(Generalisation),
    Mask {
        style: MaskStyle,
    },
    /// Free text: every detected personal item replaced by a typed placeholder.
    Redact {
        /// Detectors used; all of them when the schema does not list any.
        detectors: Vec<PiiKind>,
        /// Also redact the row's own direct identifiers (a name written in a comment).
        row_identifiers: bool,
    },
}

impl Action {
    /// The action's name as written in a schema.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Drop => "drop",
            Action::Pseudonymise(_) => "pseudonymise",
            Action::Generalise(_) => "generalise",
            Action::Mask { .. } => "mask",
            Action::Redact { .. } => "redact",
        }
    }
}

impl fmt::Display for Action {
    /// A short description with parameters, for the register: `generalise(prefix 2)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Keep | Action::Drop => f.write_str(self.name()),
            Action::Pseudonymise(p) => write!(
                f,
                "pseudonymise(HMAC-SHA256, domain {}, {} bytes)",
                p.domain, p.bytes
            ),
            Action::Generalise(Generalisation::Truncate { granularity }) => {
                let to = match granularity {
                    Granularity::Hour => "hour",
                    Granularity::Day => "day",
                    Granularity::Month => "month",
                    Granularity::Year => "year",
                };
                write!(f, "generalise(to the {to})")
            }
            Action::Generalise(Generalisation::Round { decimals }) => {
                write!(f, "generalise(round to {decimals} decimals)")
            }
            Action::Generalise(Generalisation::Bin { width }) => {
                write!(f, "generalise(bins of {width})")
            }
            Action::Generalise(Generalisation::Prefix { chars }) => {
                write!(f, "generalise(first {chars} characters)")
            }
            Action::Mask {
                style: MaskStyle::EmailDomain,
            } => f.write_str("mask(email domain)"),
            Action::Mask {
                style: MaskStyle::PhoneLast2,
            } => f.write_str("mask(last 2 digits)"),
            Action::Redact { .. } => f.write_str("redact(typed placeholders)"),
        }
    }
}

/// A field's GDPR policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldPolicy {
    pub category: Category,
    pub action: Action,
    pub purpose: Option<String>,
    pub legal_basis: Option<LegalBasis>,
    /// ISO 8601 duration (`P3Y`, `P18M`).
    pub retention: Option<String>,
}

/// Dataset-level GDPR facts (the Art. 30 register entry of this table).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetPolicy {
    pub controller: Option<String>,
    pub purpose: Option<String>,
    pub legal_basis: Option<LegalBasis>,
    pub retention: Option<String>,
    pub recipients: Vec<String>,
    /// The field that identifies the data subject (one person may have many rows); used to
    /// count people, not rows, when measuring k-anonymity.
    pub subject_field: Option<String>,
    /// Smallest acceptable k for k-anonymity (default 5).
    pub k_threshold: u64,
}

const FIELD_POLICY_KEYS: &[&str] = &[
    "category",
    "action",
    "purpose",
    "legalBasis",
    "retention",
    "domain",
    "normalise",
    "bytes",
    "prefix",
    "granularity",
    "decimals",
    "binWidth",
    "chars",
    "style",
    "detectors",
    "rowIdentifiers",
];

const DATASET_POLICY_KEYS: &[&str] = &[
    "controller",
    "purpose",
    "legalBasis",
    "retention",
    "recipients",
    "subjectField",
    "kThreshold",
];

fn opt_string(obj: &Map<String, Json>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

fn legal_basis(obj: &Map<String, Json>) -> Result<Option<LegalBasis>, String> {
    opt_string(obj, "legalBasis")?
        .map(|s| {
            LegalBasis::parse(&s)
                .ok_or_else(|| format!("legalBasis {s:?} is not one of {}", LegalBasis::NAMES))
        })
        .transpose()
}

/// `P3Y`, `P18M`, `P1Y6M`, `P90D`, `P2W`: the durations a retention rule is written in, as
/// [`Retention`] reads them (the one parser: `watt lake` computes retention ends with it).
fn retention(obj: &Map<String, Json>) -> Result<Option<String>, String> {
    let Some(r) = opt_string(obj, "retention")? else {
        return Ok(None);
    };
    Retention::parse(&r).map_err(|e| e.to_string())?;
    Ok(Some(r))
}

impl FieldPolicy {
    pub(crate) fn from_json(
        v: &Json,
        name: &str,
        ty: &FieldType,
    ) -> Result<FieldPolicy, SchemaError> {
        Self::parse(v, name, ty).map_err(|problem| SchemaError::Gdpr {
            name: name.to_owned(),
            problem,
        })
    }

    fn parse(v: &Json, name: &str, ty: &FieldType) -> Result<FieldPolicy, String> {
        let Json::Object(obj) = v else {
            return Err("must be an object".into());
        };
        if let Some(key) = obj
            .keys()
            .find(|k| !FIELD_POLICY_KEYS.contains(&k.as_str()))
        {
            return Err(format!(
                "unknown property {key:?} (expected one of {})",
                FIELD_POLICY_KEYS.join(", ")
            ));
        }
        let category = match opt_string(obj, "category")? {
            None => return Err(format!("category is missing (one of {})", Category::NAMES)),
            Some(c) => Category::parse(&c)
                .ok_or_else(|| format!("category {c:?} is not one of {}", Category::NAMES))?,
        };
        let action_name = opt_string(obj, "action")?
            .ok_or("action is missing (keep, drop, pseudonymise, generalise, mask or redact)")?;
        let params: &[&str] = match action_name.as_str() {
            "keep" | "drop" => &[],
            "pseudonymise" => &["domain", "normalise", "bytes", "prefix"],
            "generalise" => &["granularity", "decimals", "binWidth", "chars"],
            "mask" => &["style"],
            "redact" => &["detectors", "rowIdentifiers"],
            other => {
                return Err(format!(
                    "action {other:?} is not one of keep, drop, pseudonymise, generalise, mask, redact"
                ));
            }
        };
        const COMMON: &[&str] = &["category", "action", "purpose", "legalBasis", "retention"];
        if let Some(key) = obj
            .keys()
            .find(|k| !COMMON.contains(&k.as_str()) && !params.contains(&k.as_str()))
        {
            return Err(format!("{key} does not apply to action {action_name}"));
        }
        let action = match action_name.as_str() {
            "keep" => Action::Keep,
            "drop" => Action::Drop,
            "pseudonymise" => Action::Pseudonymise(pseudonymisation(obj, name)?),
            "generalise" => Action::Generalise(generalisation(obj, ty)?),
            "mask" => Action::Mask {
                style: mask_style(obj, ty)?,
            },
            _ => redaction(obj)?,
        };
        if category == Category::DirectIdentifier && action == Action::Keep {
            return Err(
                "a direct identifier cannot be kept as is: drop, pseudonymise or mask it".into(),
            );
        }
        Ok(FieldPolicy {
            category,
            action,
            purpose: opt_string(obj, "purpose")?,
            legal_basis: legal_basis(obj)?,
            retention: retention(obj)?,
        })
    }
}

fn pseudonymisation(obj: &Map<String, Json>, name: &str) -> Result<Pseudonymisation, String> {
    let normalise = match opt_string(obj, "normalise")?.as_deref() {
        None | Some("trim") => Normalise::Trim,
        Some("none") => Normalise::None,
        Some("lowercase") => Normalise::Lowercase,
        Some("digits") => Normalise::Digits,
        Some(other) => {
            return Err(format!(
                "normalise {other:?} is not one of none, trim, lowercase, digits"
            ));
        }
    };
    let bytes = match obj.get("bytes") {
        None => 16,
        Some(v) => match v.as_u64() {
            Some(n @ 8..=32) => n as usize,
            _ => return Err("bytes must be an integer from 8 to 32".into()),
        },
    };
    let domain = opt_string(obj, "domain")?.unwrap_or_else(|| name.to_owned());
    if domain.is_empty() {
        return Err("domain must not be empty".into());
    }
    Ok(Pseudonymisation {
        domain,
        normalise,
        bytes,
        prefix: opt_string(obj, "prefix")?.unwrap_or_default(),
    })
}

fn generalisation(obj: &Map<String, Json>, ty: &FieldType) -> Result<Generalisation, String> {
    let given: Vec<&str> = ["granularity", "decimals", "binWidth", "chars"]
        .into_iter()
        .filter(|k| obj.contains_key(*k))
        .collect();
    if given.len() != 1 {
        return Err(
            "generalise needs exactly one of granularity (dates), decimals or binWidth (numbers), chars (strings)"
                .into(),
        );
    }
    match given[0] {
        "granularity" => {
            let g = match opt_string(obj, "granularity")?.as_deref() {
                Some("hour") => Granularity::Hour,
                Some("day") => Granularity::Day,
                Some("month") => Granularity::Month,
                Some("year") => Granularity::Year,
                _ => return Err("granularity must be one of hour, day, month, year".into()),
            };
            match ty {
                FieldType::DateTime(_) => {}
                FieldType::Date(_) if g >= Granularity::Month => {}
                FieldType::Date(_) => {
                    return Err("a date can be generalised to month or year".into());
                }
                other => {
                    return Err(format!(
                        "granularity applies to date and datetime fields, not {}",
                        other.name()
                    ));
                }
            }
            Ok(Generalisation::Truncate { granularity: g })
        }
        "decimals" | "binWidth" => {
            if !matches!(ty, FieldType::Number | FieldType::Integer) {
                return Err(format!(
                    "{} applies to number and integer fields, not {}",
                    given[0],
                    ty.name()
                ));
            }
            if given[0] == "decimals" {
                match obj.get("decimals").and_then(Json::as_i64) {
                    Some(d @ -9..=9) => Ok(Generalisation::Round { decimals: d as i32 }),
                    _ => Err("decimals must be an integer from -9 to 9".into()),
                }
            } else {
                match obj.get("binWidth").and_then(Json::as_f64) {
                    Some(w) if w > 0.0 && w.is_finite() => Ok(Generalisation::Bin { width: w }),
                    _ => Err("binWidth must be a positive number".into()),
                }
            }
        }
        _ => {
            if !matches!(ty, FieldType::String(_) | FieldType::Any) {
                return Err(format!("chars applies to string fields, not {}", ty.name()));
            }
            match obj.get("chars").and_then(Json::as_u64) {
                Some(n) if n >= 1 => Ok(Generalisation::Prefix { chars: n as usize }),
                _ => Err("chars must be a positive integer".into()),
            }
        }
    }
}

fn mask_style(obj: &Map<String, Json>, ty: &FieldType) -> Result<MaskStyle, String> {
    if !matches!(ty, FieldType::String(_) | FieldType::Any) {
        return Err(format!("mask applies to string fields, not {}", ty.name()));
    }
    match opt_string(obj, "style")?.as_deref() {
        Some("email-domain") => Ok(MaskStyle::EmailDomain),
        Some("phone-last2") => Ok(MaskStyle::PhoneLast2),
        None if *ty == FieldType::String(crate::schema::StringFormat::Email) => {
            Ok(MaskStyle::EmailDomain)
        }
        None => Err("mask needs a style: email-domain or phone-last2".into()),
        Some(other) => Err(format!(
            "style {other:?} is not one of email-domain, phone-last2"
        )),
    }
}

fn redaction(obj: &Map<String, Json>) -> Result<Action, String> {
    let detectors = match obj.get("detectors") {
        None => PiiKind::ALL.to_vec(),
        Some(Json::Array(list)) => list
            .iter()
            .map(|d| {
                d.as_str()
                    .and_then(PiiKind::parse)
                    .ok_or_else(|| format!("detectors: {d} is not one of {}", PiiKind::names()))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err("detectors must be an array of detector names".into()),
    };
    let row_identifiers = match obj.get("rowIdentifiers") {
        None => true,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err("rowIdentifiers must be true or false".into()),
    };
    Ok(Action::Redact {
        detectors,
        row_identifiers,
    })
}

impl DatasetPolicy {
    pub(crate) fn from_json(v: &Json, fields: &[Field]) -> Result<DatasetPolicy, SchemaError> {
        let wrap = |problem: String| SchemaError::Schema {
            problem: format!("gdpr: {problem}"),
        };
        let Json::Object(obj) = v else {
            return Err(wrap("must be an object".into()));
        };
        if let Some(key) = obj
            .keys()
            .find(|k| !DATASET_POLICY_KEYS.contains(&k.as_str()))
        {
            return Err(wrap(format!(
                "unknown property {key:?} (expected one of {})",
                DATASET_POLICY_KEYS.join(", ")
            )));
        }
        let recipients = match obj.get("recipients") {
            None => Vec::new(),
            Some(Json::Array(a)) => a
                .iter()
                .map(|r| r.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| wrap("recipients must be an array of strings".into()))?,
            Some(_) => return Err(wrap("recipients must be an array of strings".into())),
        };
        let subject_field = opt_string(obj, "subjectField").map_err(wrap)?;
        if let Some(s) = &subject_field {
            if !fields.iter().any(|f| &f.name == s) {
                return Err(wrap(format!(
                    "subjectField names {s:?}, which is not a field"
                )));
            }
        }
        let k_threshold = match obj.get("kThreshold") {
            None => 5,
            Some(v) => v
                .as_u64()
                .filter(|k| *k >= 1)
                .ok_or_else(|| wrap("kThreshold must be a positive integer".into()))?,
        };
        Ok(DatasetPolicy {
            controller: opt_string(obj, "controller").map_err(wrap)?,
            purpose: opt_string(obj, "purpose").map_err(wrap)?,
            legal_basis: legal_basis(obj).map_err(wrap)?,
            retention: retention(obj).map_err(wrap)?,
            recipients,
            subject_field,
            k_threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::Schema;

    use super::*;

    fn policy(field: &str) -> Result<FieldPolicy, String> {
        Schema::from_json(&format!(r#"{{"fields": [{field}]}}"#))
            .map(|s| s.fields[0].gdpr.clone().expect("policy"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_action() {
        let p = policy(
            r#"{"name": "prm", "gdpr": {"category": "direct-identifier", "action": "pseudonymise",
                "domain": "meter", "normalise": "digits", "bytes": 12, "prefix": "m_",
                "purpose": "join readings", "legalBasis": "legitimate-interests", "retention": "P3Y"}}"#,
        )
        .unwrap();
        assert_eq!(
            p.action,
            Action::Pseudonymise(Pseudonymisation {
                domain: "meter".into(),
                normalise: Normalise::Digits,
                bytes: 12,
                prefix: "m_".into()
            })
        );
        assert_eq!(p.legal_basis, Some(LegalBasis::LegitimateInterests));
        assert_eq!(p.retention.as_deref(), Some("P3Y"));
        let g = policy(r#"{"name": "t", "type": "datetime", "gdpr": {"category": "quasi-identifier", "action": "generalise", "granularity": "hour"}}"#).unwrap();
        assert_eq!(
            g.action,
            Action::Generalise(Generalisation::Truncate {
                granularity: Granularity::Hour
            })
        );
        let r = policy(r#"{"name": "c", "gdpr": {"category": "free-text", "action": "redact", "detectors": ["email", "nir"]}}"#).unwrap();
        assert_eq!(
            r.action,
            Action::Redact {
                detectors: vec![PiiKind::Email, PiiKind::Nir],
                row_identifiers: true
            }
        );
        let m = policy(r#"{"name": "e", "type": "string", "format": "email", "gdpr": {"category": "direct-identifier", "action": "mask"}}"#).unwrap();
        assert_eq!(
            m.action,
            Action::Mask {
                style: MaskStyle::EmailDomain
            }
        );
        let d = policy(r#"{"name": "k", "type": "number", "gdpr": {"category": "personal", "action": "generalise", "binWidth": 0.5}}"#).unwrap();
        assert_eq!(
            d.action,
            Action::Generalise(Generalisation::Bin { width: 0.5 })
        );
    }

    #[test]
    fn policy_errors_are_specific() {
        let e = |f: &str| policy(f).unwrap_err();
        assert_eq!(
            e(r#"{"name": "a", "gdpr": {"action": "drop"}}"#),
            "field \"a\": gdpr: category is missing (one of direct-identifier, quasi-identifier, sensitive, personal, free-text, non-personal)"
        );
        assert_eq!(
            e(r#"{"name": "a", "gdpr": {"category": "direct-identifier", "action": "keep"}}"#),
            "field \"a\": gdpr: a direct identifier cannot be kept as is: drop, pseudonymise or mask it"
        );
        assert_eq!(
            e(
                r#"{"name": "a", "gdpr": {"category": "personal", "action": "generalise", "granularity": "hour"}}"#
            ),
            "field \"a\": gdpr: granularity applies to date and datetime fields, not string"
        );
        assert_eq!(
            e(
                r#"{"name": "a", "type": "date", "gdpr": {"category": "personal", "action": "generalise", "granularity": "day"}}"#
            ),
            "field \"a\": gdpr: a date can be generalised to month or year"
        );
        assert_eq!(
            e(
                r#"{"name": "a", "gdpr": {"category": "personal", "action": "drop", "domain": "x"}}"#
            ),
            "field \"a\": gdpr: domain does not apply to action drop"
        );
        assert_eq!(
            e(
                r#"{"name": "a", "gdpr": {"category": "personal", "action": "drop", "retention": "3 years"}}"#
            ),
            "field \"a\": gdpr: retention \"3 years\" is not an ISO 8601 duration such as P3Y, P18M or P90D"
        );
        assert_eq!(
            e(
                r#"{"name": "a", "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "bytes": 4}}"#
            ),
            "field \"a\": gdpr: bytes must be an integer from 8 to 32"
        );
        assert_eq!(
            e(
                r#"{"name": "a", "gdpr": {"category": "free-text", "action": "redact", "detectors": ["ssn"]}}"#
            ),
            format!(
                "field \"a\": gdpr: detectors: \"ssn\" is not one of {}",
                PiiKind::names()
            )
        );
    }

    #[test]
    fn dataset_policy() {
        let s = Schema::from_json(
            r#"{"fields": [{"name": "prm"}], "gdpr": {"controller": "Watt SA", "recipients": ["data science"],
               "subjectField": "prm", "kThreshold": 10, "legalBasis": "contract", "retention": "P2Y"}}"#,
        )
        .unwrap();
        let d = s.gdpr.unwrap();
        assert_eq!(d.k_threshold, 10);
        assert_eq!(d.subject_field.as_deref(), Some("prm"));
        let e =
            Schema::from_json(r#"{"fields": [{"name": "prm"}], "gdpr": {"subjectField": "x"}}"#)
                .unwrap_err();
        assert_eq!(
            e.to_string(),
            "schema: gdpr: subjectField names \"x\", which is not a field"
        );
    }
}
