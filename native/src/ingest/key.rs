//! Object keys: `<prefix>/<YYYY>/<MM>/<DD>/<source_name>_<run_id>_<HHMMSS>.csv`, as the
//! original uploader laid them out, with the date and time of the run's start in UTC.
//!
//! Keys are read by many (bucket listings, access logs, billing reports), so they hold no
//! personal data: the source name is the file's stem reduced to `[a-z0-9._-]`, with any
//! personal item the core's detectors recognise in it (a phone number, an e-mail address, a
//! meter id...) replaced by its kind. A name cannot be recognised in a file name: pass
//! `--source-name` when file names carry people's names.

use chrono::{DateTime, Datelike, Timelike, Utc};
use watt_core::pii::{self, KindSet};

/// Longest source name kept in a key.
pub const MAX_SOURCE_NAME: usize = 64;

/// A run's identifier: 16 random lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunId(String);

impl RunId {
    /// A new random run id (64 bits from the operating system).
    pub fn random() -> Result<RunId, getrandom::Error> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)?;
        Ok(RunId(data_encoding::HEXLOWER.encode(&bytes)))
    }

    #[cfg(test)]
    pub fn fixed(s: &str) -> RunId {
        RunId(s.to_owned())
    }
}

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a prefix cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    #[error(
        "prefix {0:?}: only letters, digits and . _ - / are allowed (no spaces, no personal data)"
    )]
    Characters(String),
    #[error("prefix {0:?}: a segment cannot be . or ..")]
    DotSegment(String),
}

/// The prefix without leading, trailing or doubled slashes; refuses characters that need
/// escaping and `.`/`..` segments (which a local lake would resolve as folders).
pub fn clean_prefix(prefix: &str) -> Result<String, PrefixError> {
    if !prefix
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
    {
        return Err(PrefixError::Characters(prefix.to_owned()));
    }
    let segments: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Err(PrefixError::DotSegment(prefix.to_owned()));
    }
    Ok(segments.join("/"))
}

/// The source name of a file: its stem, lower-cased, reduced to `[a-z0-9._-]` (runs of other
/// characters become one `_`), personal items replaced by their kind, at most
/// [`MAX_SOURCE_NAME`] characters; `source` when nothing is left.
pub fn source_name(stem: &str) -> String {
    let mut found = Vec::new();
    pii::detect(stem, KindSet::ALL, &mut found);
    let mut text = String::with_capacity(stem.len());
    let mut at = 0;
    for m in &found {
        text.push_str(&stem[at..m.start]);
        text.push('_');
        text.push_str(m.kind.as_str());
        text.push('_');
        at = m.end;
    }
    text.push_str(&stem[at..]);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = long_numbers_hidden(&out);
    let trimmed = out.trim_matches(|c| matches!(c, '_' | '.' | '-'));
    let mut name: String = trimmed.chars().take(MAX_SOURCE_NAME).collect();
    while name.ends_with(['_', '.', '-']) {
        name.pop();
    }
    if name.is_empty() {
        "source".to_owned()
    } else {
        name
    }
}

/// Runs of more than 8 digits (a meter id, a customer number, a phone number the detectors
/// did not recognise) become `n`; dates like `20240115` stay.
fn long_numbers_hidden(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() > 8 {
            out.push('n');
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Makes the names of one run's files distinct, so two files with the same stem in
/// different folders do not claim the same key: the first of each name keeps it, the next
/// ones get `-2`, `-3`... skipping every suffixed name that is already a source's own
/// (`c1/a.csv c2/a.csv c1/a-2.csv` give `a`, `a-3`, `a-2`, whatever their order).
pub fn distinct_names(names: Vec<String>) -> Vec<String> {
    use std::collections::HashSet;
    // Real names first: a suffixed name never takes one, so no order can make two files
    // claim the same key.
    let real: HashSet<String> = names.iter().cloned().collect();
    let mut used = HashSet::with_capacity(names.len());
    names
        .into_iter()
        .map(|name| {
            if used.insert(name.clone()) {
                return name;
            }
            let mut n = 2usize;
            loop {
                let candidate = format!("{name}-{n}");
                if !real.contains(&candidate) && used.insert(candidate.clone()) {
                    return candidate;
                }
                n += 1;
            }
        })
        .collect()
}

/// The object key of a source in a run.
pub fn object_key(prefix: &str, started: DateTime<Utc>, source_name: &str, run: &RunId) -> String {
    let path = format!(
        "{:04}/{:02}/{:02}/{source_name}_{run}_{:02}{:02}{:02}.csv",
        started.year(),
        started.month(),
        started.day(),
        started.hour(),
        started.minute(),
        started.second()
    );
    if prefix.is_empty() {
        path
    } else {
        format!("{prefix}/{path}")
    }
}

/// The key of an object's manifest.
pub fn manifest_key(object_key: &str) -> String {
    format!("{object_key}.manifest.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_of_the_original_uploader() {
        let started = DateTime::parse_from_rfc3339("2024-01-05T07:08:09+01:00")
            .unwrap()
            .with_timezone(&Utc);
        let run = RunId::fixed("0123456789abcdef");
        assert_eq!(
            object_key("watt-about-it/raw", started, "sample", &run),
            "watt-about-it/raw/2024/01/05/sample_0123456789abcdef_060809.csv"
        );
        assert_eq!(
            object_key("", started, "sample", &run),
            "2024/01/05/sample_0123456789abcdef_060809.csv"
        );
        assert_eq!(manifest_key("p/x.csv"), "p/x.csv.manifest.json".to_owned());
    }

    #[test]
    fn run_ids_are_16_lowercase_hex_and_differ() {
        let a = RunId::random().unwrap();
        let b = RunId::random().unwrap();
        assert_eq!(a.to_string().len(), 16);
        assert!(
            a.to_string()
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert_ne!(a, b);
    }

    #[test]
    fn source_names_are_safe() {
        assert_eq!(
            source_name("sample_energy_consumption"),
            "sample_energy_consumption"
        );
        assert_eq!(
            source_name("Relevés Janvier (2024)"),
            "relev_s_janvier_2024"
        );
        assert_eq!(source_name("../../etc/passwd"), "etc_passwd");
        assert_eq!(source_name("..."), "source");
        assert_eq!(source_name(""), "source");
        assert_eq!(source_name(&"x".repeat(200)).len(), MAX_SOURCE_NAME);
    }

    #[test]
    fn personal_items_in_file_names_are_replaced_by_their_kind() {
        assert_eq!(
            source_name("export jean.dupont@example.com 0612345678"),
            "export_email_phone"
        );
        assert_eq!(
            source_name("releve_12345678901234_20240115"),
            "releve_n_20240115"
        );
    }

    #[test]
    fn prefixes_are_cleaned_or_refused() {
        assert_eq!(
            clean_prefix("/watt-about-it//raw/").unwrap(),
            "watt-about-it/raw"
        );
        assert_eq!(clean_prefix("").unwrap(), "");
        assert!(matches!(
            clean_prefix("a/../b"),
            Err(PrefixError::DotSegment(_))
        ));
        assert!(matches!(
            clean_prefix("raw data"),
            Err(PrefixError::Characters(_))
        ));
    }

    #[test]
    fn same_stems_get_distinct_names() {
        let names = distinct_names(vec!["a".into(), "b".into(), "a".into(), "a".into()]);
        assert_eq!(names, ["a", "b", "a-2", "a-3"]);
    }

    #[test]
    fn a_suffix_never_takes_a_real_source_name() {
        let names = |v: &[&str]| distinct_names(v.iter().map(|s| (*s).to_owned()).collect());
        // `c1/a.csv c2/a.csv c1/a-2.csv`, in every order: three distinct names, and the
        // source named `a-2` keeps its own.
        assert_eq!(names(&["a", "a", "a-2"]), ["a", "a-3", "a-2"]);
        assert_eq!(names(&["a-2", "a", "a"]), ["a-2", "a", "a-3"]);
        assert_eq!(names(&["a", "a-2", "a"]), ["a", "a-2", "a-3"]);
        // A suffixed name that is itself doubled, and a chain of taken suffixes.
        assert_eq!(
            names(&["a", "a-2", "a-2", "a", "a-3"]),
            ["a", "a-2", "a-2-2", "a-4", "a-3"]
        );
    }
}
