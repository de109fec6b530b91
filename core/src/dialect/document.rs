//! A Frictionless dialect document read into [`DialectOptions`].
//!
//! One reader for every place a dialect is written by other tools: `watt --dialect FILE`,
//! the browser, and a Data Package resource's `dialect`. It reads the CSV Dialect of
//! Frictionless v1, the Table Dialect of v2 (and frictionless-py's `csv` object holding the
//! CSV properties), and the CSVW names of the same things (`commentPrefix`,
//! `headerRowCount`, `lineTerminators`). The JSON is read strictly (a key written twice is
//! an error, see `crate::json`).
//!
//! The specifications let a document carry properties of its own, so an unknown property
//! is accepted, unless it looks like a typo of a known one (`delimeter`, `quote_char`):
//! a dialect silently not applied would read every row wrong. A known property that watt
//! does not apply (`commentRows`, CSVW's `skipRows`) is an error, for the same reason.

use serde_json::{Map, Value};

use super::DialectOptions;
use crate::json;

/// Largest dialect document read (a dialect is a few lines).
pub const MAX_DIALECT_BYTES: usize = 64 * 1024;

/// Why a dialect document could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialectError {
    #[error("dialect: invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("dialect: {0}")]
    Invalid(String),
    #[error("dialect: unknown property {name:?}; did you mean {known:?}?")]
    Typo { name: String, known: &'static str },
    #[error("dialect: {name:?} is not supported by watt: {why}")]
    Unsupported { name: String, why: &'static str },
}

/// Properties read, with how they are read.
const KNOWN: &[&str] = &[
    "delimiter",
    "lineTerminator",
    "quoteChar",
    "doubleQuote",
    "escapeChar",
    "skipInitialSpace",
    "commentChar",
    "header",
    "headerRows",
    "headerJoin",
    "headerCase",
    "caseSensitiveHeader",
    "decimalChar",
    "nullSequence",
    "csv",
    "csvddfVersion",
    "commentPrefix",
    "headerRowCount",
    "lineTerminators",
    "$schema",
    "@context",
    "name",
    "title",
    "description",
    "type",
    "profile",
];

/// Properties of the specifications that watt does not apply, and why.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "commentRows",
        "give the rows a comment character (commentChar) instead",
    ),
    (
        "skipBlankRows",
        "blank rows are reported as blank-row; remove them from the file",
    ),
    (
        "skipRows",
        "remove the rows before the header from the file",
    ),
    ("skipColumns", "remove the columns from the file"),
    (
        "trim",
        "cells are read as written; skipInitialSpace drops leading spaces",
    ),
    ("encoding", "give the encoding with --encoding"),
];

impl DialectOptions {
    /// Reads a Frictionless dialect document (JSON text): Frictionless v1 CSV Dialect, v2
    /// Table Dialect, frictionless-py's `{"csv": {...}}`, or CSVW names. Public API of
    /// watt-core: the command line's `--dialect FILE`, the browser and Data Package
    /// resources all go through it, so a dialect means the same everywhere.
    ///
    /// ```
    /// use watt_core::DialectOptions;
    /// let d = DialectOptions::from_json(
    ///     r##"{"delimiter": ";", "commentChar": "#", "headerRows": [1, 2], "x-origin": "ERP"}"##,
    /// )?;
    /// assert_eq!(d.delimiter, Some(';'));
    /// assert_eq!(d.header_rows, Some(vec![1, 2]));
    /// assert!(DialectOptions::from_json(r#"{"delimeter": ";"}"#).is_err());
    /// # Ok::<(), watt_core::dialect::DialectError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<DialectOptions, DialectError> {
        if text.len() > MAX_DIALECT_BYTES {
            return Err(DialectError::Invalid(format!(
                "the document is larger than {} KiB (the limit)",
                MAX_DIALECT_BYTES >> 10
            )));
        }
        let limits = json::Limits {
            values: 10_000,
            objects: 100,
        };
        let value = json::parse(text, limits).map_err(|e| {
            let (line, column) = (e.json.line(), e.json.column());
            let message = match e.refusal {
                Some(json::Refusal::DuplicateKey(key)) => {
                    format!("the key {key:?} is written twice")
                }
                Some(json::Refusal::TooManyValues(n)) => format!("more than {n} values"),
                Some(json::Refusal::TooManyObjects(n)) => format!("more than {n} objects"),
                None => e.json.to_string(),
            };
            DialectError::Json {
                line,
                column,
                message,
            }
        })?;
        DialectOptions::from_value(&value)
    }

    /// [`DialectOptions::from_json`] of a JSON value already read (a Data Package
    /// resource's inline `dialect`). The result has passed [`DialectOptions::check`].
    pub fn from_value(value: &Value) -> Result<DialectOptions, DialectError> {
        let Value::Object(map) = value else {
            return Err(DialectError::Invalid("a dialect is a JSON object".into()));
        };
        let mut d = DialectOptions::default();
        read_properties(map, &mut d, true)?;
        d.check().map_err(DialectError::Invalid)?;
        Ok(d)
    }

    /// Puts `other`'s options in `self`, refusing one given in both with different values
    /// (`--delimiter ;` and a dialect file saying `,`): which one was meant is unknown.
    pub fn merge(&mut self, other: DialectOptions) -> Result<(), String> {
        fn one<T: PartialEq + std::fmt::Debug>(
            name: &str,
            mine: &mut Option<T>,
            theirs: Option<T>,
        ) -> Result<(), String> {
            match (mine.as_ref(), theirs) {
                (Some(a), Some(b)) if *a != b => Err(format!(
                    "{name} is given twice, as {a:?} and as {b:?} (in the dialect file)"
                )),
                (_, Some(b)) => {
                    *mine = Some(b);
                    Ok(())
                }
                (_, None) => Ok(()),
            }
        }
        one("the delimiter", &mut self.delimiter, other.delimiter)?;
        one("the quote", &mut self.quote_char, other.quote_char)?;
        one("the header", &mut self.header, other.header)?;
        one(
            "the decimal character",
            &mut self.decimal_char,
            other.decimal_char,
        )?;
        one(
            "the line terminator",
            &mut self.line_terminator,
            other.line_terminator,
        )?;
        one("doubleQuote", &mut self.double_quote, other.double_quote)?;
        one(
            "the escape character",
            &mut self.escape_char,
            other.escape_char,
        )?;
        one(
            "skipInitialSpace",
            &mut self.skip_initial_space,
            other.skip_initial_space,
        )?;
        one(
            "the comment character",
            &mut self.comment_char,
            other.comment_char,
        )?;
        one("headerRows", &mut self.header_rows, other.header_rows)?;
        one("headerJoin", &mut self.header_join, other.header_join)?;
        Ok(())
    }
}

fn read_properties(
    map: &Map<String, Value>,
    d: &mut DialectOptions,
    top: bool,
) -> Result<(), DialectError> {
    for (name, value) in map {
        let name = name.as_str();
        if let Some((_, why)) = UNSUPPORTED.iter().find(|(n, _)| *n == name) {
            return Err(DialectError::Unsupported {
                name: name.to_owned(),
                why,
            });
        }
        match name {
            "delimiter" => d.delimiter = Some(one_char(name, value)?),
            "quoteChar" => {
                if value.as_str() == Some("") {
                    return Err(DialectError::Unsupported {
                        name: name.to_owned(),
                        why: "an empty quoteChar (no quoting) is not read; give no quoteChar",
                    });
                }
                d.quote_char = Some(one_char(name, value)?);
            }
            "escapeChar" => d.escape_char = Some(one_char(name, value)?),
            "decimalChar" => d.decimal_char = Some(one_char(name, value)?),
            "doubleQuote" => d.double_quote = Some(boolean(name, value)?),
            "skipInitialSpace" => d.skip_initial_space = Some(boolean(name, value)?),
            "header" => d.header = Some(boolean(name, value)?),
            "lineTerminator" => d.line_terminator = Some(string(name, value)?.to_owned()),
            "lineTerminators" => {
                // CSVW: a string or a list of them; records end at any line break anyway.
                let first = match value {
                    Value::Array(items) => items.first().unwrap_or(&Value::Null),
                    other => other,
                };
                d.line_terminator = Some(string(name, first)?.to_owned());
            }
            "commentChar" | "commentPrefix" => {
                d.comment_char = Some(string(name, value)?.to_owned());
            }
            "headerJoin" => d.header_join = Some(string(name, value)?.to_owned()),
            "headerRows" => {
                let rows = value
                    .as_array()
                    .and_then(|a| a.iter().map(Value::as_u64).collect::<Option<Vec<u64>>>())
                    .ok_or_else(|| invalid(name, "a list of row numbers"))?;
                d.header_rows = Some(rows);
            }
            "headerRowCount" => {
                let n = value
                    .as_u64()
                    .ok_or_else(|| invalid(name, "a whole number"))?;
                if n == 0 {
                    d.header = Some(false);
                } else {
                    d.header_rows = Some((1..=n).collect());
                }
            }
            "headerCase" => {
                if !boolean(name, value)? {
                    return Err(DialectError::Unsupported {
                        name: name.to_owned(),
                        why: "labels are compared with field names case-sensitively",
                    });
                }
            }
            // frictionless-py ignores the v1 name (labels are compared case-sensitively),
            // and so does watt; `nullSequence` is not applied by frictionless-py either.
            "caseSensitiveHeader" => {
                boolean(name, value)?;
            }
            "nullSequence" => {
                string(name, value)?;
            }
            "csv" if top => {
                let Value::Object(inner) = value else {
                    return Err(invalid(name, "an object of CSV properties"));
                };
                read_properties(inner, d, false)?;
            }
            _ if KNOWN.contains(&name) => {}
            _ => {
                if let Some(known) = likely_typo(name) {
                    return Err(DialectError::Typo {
                        name: name.to_owned(),
                        known,
                    });
                }
            }
        }
    }
    Ok(())
}

fn invalid(name: &str, what: &str) -> DialectError {
    DialectError::Invalid(format!("{name} must be {what}"))
}

fn string<'a>(name: &str, value: &'a Value) -> Result<&'a str, DialectError> {
    value.as_str().ok_or_else(|| invalid(name, "a string"))
}

fn boolean(name: &str, value: &Value) -> Result<bool, DialectError> {
    value
        .as_bool()
        .ok_or_else(|| invalid(name, "true or false"))
}

fn one_char(name: &str, value: &Value) -> Result<char, DialectError> {
    let text = string(name, value)?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(invalid(name, "one character")),
    }
}

/// The known property `name` is probably a misspelling of: the same letters but for case,
/// `_` and `-` (`quote_char`), or one or two letters off in a name of six or more
/// (`delimeter`, `headerRow`), one in a shorter one.
fn likely_typo(name: &str) -> Option<&'static str> {
    let fold = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let folded = fold(name);
    let names = KNOWN
        .iter()
        .chain(UNSUPPORTED.iter().map(|(n, _)| n))
        .filter(|k| !k.starts_with(['$', '@']) && !matches!(**k, "name" | "type" | "title"));
    names
        .map(|k| (*k, distance(&folded, &fold(k))))
        .filter(|(k, d)| *d <= if k.len() >= 6 { 2 } else { 1 })
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| k)
}

/// Edit distance (insertions, deletions, substitutions, swaps of neighbours).
fn distance(a: &[char], b: &[char]) -> usize {
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_property_is_read() {
        let d = DialectOptions::from_json(
            r##"{"delimiter": ";", "lineTerminator": "\r\n", "quoteChar": "'",
                "doubleQuote": false, "escapeChar": "\\", "skipInitialSpace": true,
                "commentChar": "#", "header": true, "headerRows": [1, 2], "headerJoin": "-",
                "caseSensitiveHeader": true, "headerCase": true, "nullSequence": "NA"}"##,
        )
        .expect("dialect");
        assert_eq!(
            d,
            DialectOptions {
                delimiter: Some(';'),
                quote_char: Some('\''),
                header: Some(true),
                decimal_char: None,
                line_terminator: Some("\r\n".into()),
                double_quote: Some(false),
                escape_char: Some('\\'),
                skip_initial_space: Some(true),
                comment_char: Some("#".into()),
                header_rows: Some(vec![1, 2]),
                header_join: Some("-".into()),
            }
        );
    }

    #[test]
    fn v2_csv_object_and_csvw_names() {
        let d = DialectOptions::from_json(r##"{"csv": {"delimiter": "\t"}, "header": false}"##)
            .expect("frictionless-py's csv control");
        assert_eq!((d.delimiter, d.header), (Some('\t'), Some(false)));
        let d = DialectOptions::from_json(
            r##"{"@context": "http://www.w3.org/ns/csvw", "commentPrefix": "#",
                "headerRowCount": 2, "lineTerminators": ["\n"]}"##,
        )
        .expect("CSVW");
        assert_eq!(d.comment_char.as_deref(), Some("#"));
        assert_eq!(d.header_rows, Some(vec![1, 2]));
        assert_eq!(d.line_terminator.as_deref(), Some("\n"));
    }

    #[test]
    fn custom_properties_pass_typos_do_not() {
        assert!(
            DialectOptions::from_json(r##"{"x-source": "ERP", "rdfType": "x", "note": 1}"##)
                .is_ok()
        );
        for (typo, known) in [
            ("delimeter", "delimiter"),
            ("quote_char", "quoteChar"),
            ("Header", "header"),
            ("headerRow", "headerRows"),
            ("comentChar", "commentChar"),
            ("skipinitialspace", "skipInitialSpace"),
        ] {
            assert_eq!(
                DialectOptions::from_json(&format!(r##"{{"{typo}": ";"}}"##)),
                Err(DialectError::Typo {
                    name: typo.into(),
                    known
                }),
                "{typo}"
            );
        }
    }

    #[test]
    fn refusals() {
        let refused = |text: &str| DialectOptions::from_json(text).expect_err(text).to_string();
        assert!(refused(r##"{"delimiter": ";;"}"##).contains("one character"));
        assert!(refused(r##"{"delimiter": ",", "delimiter": ";"}"##).contains("twice"));
        assert!(refused(r##"{"commentRows": [1]}"##).contains("not supported"));
        assert!(refused(r##"{"headerCase": false}"##).contains("not supported"));
        assert!(refused(r##"{"quoteChar": ""}"##).contains("not supported"));
        assert!(refused(r##"{"lineTerminator": ";"}"##).contains("line terminator"));
        assert!(refused(r##"{"headerRows": [2, 1]}"##).contains("increasing"));
        assert!(refused(r##"{"delimiter": "\"", "quoteChar": "\""}"##).contains("differ"));
        assert!(refused("[1]").contains("object"));
        assert!(refused("{").contains("line 1"));
    }

    #[test]
    fn merging_refuses_conflicts_only() {
        let mut flags = DialectOptions {
            delimiter: Some(';'),
            ..DialectOptions::default()
        };
        let file = DialectOptions::from_json(r##"{"delimiter": ";", "commentChar": "#"}"##)
            .expect("dialect");
        flags
            .merge(file)
            .expect("same delimiter twice is no conflict");
        assert_eq!(flags.comment_char.as_deref(), Some("#"));
        let other = DialectOptions::from_json(r##"{"delimiter": ","}"##).expect("dialect");
        assert!(flags.merge(other).is_err());
    }
}
