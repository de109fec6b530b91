//! Field constraints (`minimum`, `pattern`, `enum`, ...) checked against a parsed value.
//!
//! `required` and `unique` are not here: they depend on whether the cell is missing and on
//! the other rows, and are handled by the row checker.

use std::cmp::Ordering;

use crate::gdpr::Category;
use crate::schema::{Bound, Constraints, Field, PatternCache};
use crate::value::Value;

/// A constraint a value breaks. Borrowed from the schema: no allocation until a message is
/// needed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Violation<'s> {
    Minimum(&'s Bound),
    Maximum(&'s Bound),
    ExclusiveMinimum(&'s Bound),
    ExclusiveMaximum(&'s Bound),
    MinLength(usize),
    MaxLength(usize),
    Pattern(&'s str),
    Enum(&'s [Bound]),
}

impl Violation<'_> {
    /// What is wrong, in words, without the value. An `enum`'s values are listed (when
    /// there are a few) only when `list_values`: the validator says so for fields not
    /// declared personal (see [`lists_values`]).
    pub(crate) fn message(&self, list_values: bool) -> String {
        match self {
            Violation::Minimum(b) => format!("below minimum {}", b.text),
            Violation::Maximum(b) => format!("above maximum {}", b.text),
            Violation::ExclusiveMinimum(b) => format!("not above exclusive minimum {}", b.text),
            Violation::ExclusiveMaximum(b) => format!("not below exclusive maximum {}", b.text),
            Violation::MinLength(n) => format!("shorter than minLength {n}"),
            Violation::MaxLength(n) => format!("longer than maxLength {n}"),
            Violation::Pattern(p) => format!("does not match pattern {p}"),
            Violation::Enum(values) if list_values && values.len() <= 12 => {
                let list: Vec<&str> = values.iter().map(|b| b.text.as_str()).collect();
                format!("not one of the allowed values ({})", list.join(", "))
            }
            Violation::Enum(values) => {
                format!("not one of the {} allowed values", values.len())
            }
        }
    }
}

/// Whether a field's `enum` values may be quoted in its findings: not when its `gdpr`
/// category says it is about people (anything but `non-personal`). Its values are then
/// personal data themselves (a list of names, of addresses): a report, which travels,
/// says how many values are allowed, never which. A field without a `gdpr` policy is not
/// declared personal: its values are listed, as plain Table Schema checks do.
pub(crate) fn lists_values(field: &Field) -> bool {
    field
        .gdpr
        .as_ref()
        .is_none_or(|g| g.category == Category::NonPersonal)
}

/// Whether the constraints hold anything to check on a value.
pub(crate) fn any(c: &Constraints) -> bool {
    c.min_length.is_some()
        || c.max_length.is_some()
        || c.minimum.is_some()
        || c.maximum.is_some()
        || c.exclusive_minimum.is_some()
        || c.exclusive_maximum.is_some()
        || c.pattern.is_some()
        || c.enumeration.is_some()
}

/// Calls `report` for each constraint that `value` (written `text`) breaks.
///
/// A value that does not compare with a bound (`NaN`, the one value of an orderable type
/// without an order) breaks it: `NaN` is neither at least a minimum nor at most a maximum,
/// and frictionless-py reports it as a `constraint-error` too.
pub(crate) fn check<'s>(
    c: &'s Constraints,
    value: &Value,
    text: &str,
    pattern_cache: &mut PatternCache,
    mut report: impl FnMut(Violation<'s>),
) {
    let cmp = |b: &Bound| value.compare(&b.value);
    if let Some(b) = &c.minimum {
        if !matches!(cmp(b), Some(Ordering::Greater | Ordering::Equal)) {
            report(Violation::Minimum(b));
        }
    }
    if let Some(b) = &c.maximum {
        if !matches!(cmp(b), Some(Ordering::Less | Ordering::Equal)) {
            report(Violation::Maximum(b));
        }
    }
    if let Some(b) = &c.exclusive_minimum {
        if cmp(b) != Some(Ordering::Greater) {
            report(Violation::ExclusiveMinimum(b));
        }
    }
    if let Some(b) = &c.exclusive_maximum {
        if cmp(b) != Some(Ordering::Less) {
            report(Violation::ExclusiveMaximum(b));
        }
    }
    if c.min_length.is_some() || c.max_length.is_some() {
        let len = match value {
            // An object's members, an array's items.
            Value::Json(Some(n)) => *n,
            _ if text.is_ascii() => text.len(),
            _ => text.chars().count(),
        };
        if let Some(n) = c.min_length {
            if len < n {
                report(Violation::MinLength(n));
            }
        }
        if let Some(n) = c.max_length {
            if len > n {
                report(Violation::MaxLength(n));
            }
        }
    }
    if let Some(p) = &c.pattern {
        if !p.is_match_cached(pattern_cache, text) {
            report(Violation::Pattern(&p.source));
        }
    }
    if let Some(values) = &c.enumeration {
        if !values.iter().any(|b| value.same(text, &b.value, &b.text)) {
            report(Violation::Enum(values));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    fn violations(field: &str, cell: &str) -> Vec<String> {
        let s = Schema::from_json(&format!(r#"{{"fields": [{field}]}}"#)).unwrap();
        let f = &s.fields[0];
        let value = f.parser(f.number_style).parse(cell).unwrap();
        let mut out = Vec::new();
        let mut cache = f
            .constraints
            .pattern
            .as_ref()
            .map(|p| p.cache())
            .unwrap_or_default();
        check(&f.constraints, &value, cell, &mut cache, |v| {
            out.push(v.message(lists_values(f)))
        });
        out
    }

    #[test]
    fn minimum_and_maximum() {
        let f = r#"{"name": "k", "type": "number", "constraints": {"minimum": 0, "maximum": 100}}"#;
        assert_eq!(violations(f, "-0.5"), ["below minimum 0"]);
        assert_eq!(violations(f, "100.5"), ["above maximum 100"]);
        assert!(violations(f, "0").is_empty());
        assert!(violations(f, "100").is_empty());
    }

    /// `NaN` compares with nothing: it passed every bound (its comparison was `None`, not
    /// "less"); frictionless-py reports it below a minimum and above a maximum.
    #[test]
    fn nan_breaks_every_bound_and_infinities_compare() {
        let f = r#"{"name": "k", "type": "number", "constraints": {"minimum": 0, "maximum": 10}}"#;
        for nan in ["NaN", "nan", "-NaN", "sNaN"] {
            assert_eq!(
                violations(f, nan),
                ["below minimum 0", "above maximum 10"],
                "{nan}"
            );
        }
        assert_eq!(violations(f, "INF"), ["above maximum 10"]);
        assert_eq!(violations(f, "-Infinity"), ["below minimum 0"]);
        let x = r#"{"name": "k", "type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}}"#;
        assert_eq!(
            violations(x, "NaN"),
            [
                "not above exclusive minimum 0",
                "not below exclusive maximum 10"
            ]
        );
    }

    /// `minLength`/`maxLength` count an array's items and an object's members, as
    /// frictionless-py does: characters were counted (`[1]` passed a minLength of 2).
    #[test]
    fn lengths_of_arrays_and_objects_count_items() {
        let a =
            r#"{"name": "a", "type": "array", "constraints": {"minLength": 2, "maxLength": 3}}"#;
        assert_eq!(violations(a, "[1]"), ["shorter than minLength 2"]);
        assert!(violations(a, "[1, 2]").is_empty());
        assert_eq!(violations(a, "[1,2,3,4]"), ["longer than maxLength 3"]);
        let o = r#"{"name": "o", "type": "object", "constraints": {"maxLength": 1}}"#;
        assert!(violations(o, r#"{"a": 1}"#).is_empty());
        assert_eq!(
            violations(o, r#"{"a": 1, "b": 2}"#),
            ["longer than maxLength 1"]
        );
        let s = r#"{"name": "s", "type": "string", "constraints": {"maxLength": 3}}"#;
        assert_eq!(violations(s, "[1,2]"), ["longer than maxLength 3"]);
    }

    #[test]
    fn exclusive_bounds() {
        let f = r#"{"name": "k", "type": "integer", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}}"#;
        assert_eq!(violations(f, "0"), ["not above exclusive minimum 0"]);
        assert_eq!(violations(f, "10"), ["not below exclusive maximum 10"]);
        assert!(violations(f, "5").is_empty());
    }

    #[test]
    fn date_bounds() {
        let f = r#"{"name": "d", "type": "date", "constraints": {"minimum": "2020-01-01"}}"#;
        assert_eq!(violations(f, "2019-12-31"), ["below minimum 2020-01-01"]);
        assert!(violations(f, "2020-01-01").is_empty());
        let t = r#"{"name": "t", "type": "datetime", "constraints": {"maximum": "2024-01-01T00:00:00Z"}}"#;
        assert_eq!(
            violations(t, "2024-01-01T00:30:00+00:00"),
            ["above maximum 2024-01-01T00:00:00Z"]
        );
        assert!(
            violations(t, "2024-01-01T00:30:00+01:00").is_empty(),
            "an earlier instant"
        );
    }

    #[test]
    fn lengths_count_characters() {
        let f = r#"{"name": "s", "constraints": {"minLength": 2, "maxLength": 3}}"#;
        assert_eq!(violations(f, "é"), ["shorter than minLength 2"]);
        assert!(violations(f, "éèà").is_empty());
        assert_eq!(violations(f, "abcd"), ["longer than maxLength 3"]);
    }

    #[test]
    fn pattern_matches_whole_value() {
        let f = r#"{"name": "prm", "constraints": {"pattern": "[0-9]{14}"}}"#;
        assert!(violations(f, "12345678901234").is_empty());
        assert_eq!(
            violations(f, "123456789012345"),
            ["does not match pattern [0-9]{14}"]
        );
        assert_eq!(
            violations(f, "x12345678901234"),
            ["does not match pattern [0-9]{14}"]
        );
    }

    /// The values of a personal field's `enum` are personal data: never quoted in a
    /// finding (they were, holders' names among them).
    #[test]
    fn a_personal_fields_enum_values_are_counted_not_listed() {
        for category in [
            "direct-identifier",
            "quasi-identifier",
            "personal",
            "sensitive",
            "free-text",
        ] {
            let f = format!(
                r#"{{"name": "holder", "constraints": {{"enum": ["Jeanne Martin", "Karim Benali"]}},
                   "gdpr": {{"category": "{category}", "action": "drop"}}}}"#
            );
            assert_eq!(
                violations(&f, "Paul"),
                ["not one of the 2 allowed values"],
                "{category}"
            );
        }
        let f = r#"{"name": "c", "constraints": {"enum": ["BASE", "HPHC"]},
                    "gdpr": {"category": "non-personal", "action": "keep"}}"#;
        assert_eq!(
            violations(f, "hphc"),
            ["not one of the allowed values (BASE, HPHC)"]
        );
    }

    #[test]
    fn enum_compares_typed_values() {
        let f = r#"{"name": "c", "constraints": {"enum": ["BASE", "HPHC"]}}"#;
        assert!(violations(f, "HPHC").is_empty());
        assert_eq!(
            violations(f, "hphc"),
            ["not one of the allowed values (BASE, HPHC)"]
        );
        let n = r#"{"name": "n", "type": "integer", "constraints": {"enum": [3, 6, 9]}}"#;
        assert!(violations(n, "06").is_empty());
        assert_eq!(
            violations(n, "7"),
            ["not one of the allowed values (3, 6, 9)"]
        );
    }
}
