//! Object keys: `<prefix>/<YYYY>/<MM>/<DD>/<source_name>_<run_id>_<HHMMSS>.csv`, as the
//! original uploader laid them out, with the date and time of the run's start in UTC.
//!
//! Keys are read by many (bucket listings, access logs, billing reports), so they hold no
//! personal data: the source name is the file's stem reduced to `[a-z0-9._-]`, with any
//! personal item the core's detectors recognise in it (a phone number, an e-mail address, a
//! meter id...) replaced by its kind. A name cannot be recognised in a file name: pass
//! `--source-name` when file names carry people's names. The prefix goes through the same
//! detectors, and is refused (not rewritten: it is the user's own setting) when they find
//! something; errors about it name the problem, never the prefix.
//!
//! S3 keys have at most [`MAX_KEY_BYTES`] bytes: the prefix is checked against the longest
//! key a run can make ([`longest_key`]) before anything is read, not by a refused write.

use chrono::{DateTime, Datelike, Timelike, Utc};
use watt_core::pii::{self, KindSet};

/// Longest source name kept in a key.
pub const MAX_SOURCE_NAME: usize = 64;
/// Room kept for what [`distinct_names`] appends to a source name (`-2`...).
pub const MAX_NAME_SUFFIX: usize = 8;
/// S3's longest object key, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;
/// Digits in a row beyond which a number is taken for an identifier (a meter id, a customer
/// number); dates such as `20240115` stay.
const MAX_DIGITS: usize = 8;

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

    /// The run id named by a digest (its first 64 bits): the same input, the same run, as
    /// `watt worker` needs for each source object (see `crate::worker::identity`).
    pub fn from_digest(digest: &[u8; 32]) -> RunId {
        RunId(data_encoding::HEXLOWER.encode(&digest[..8]))
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

/// Why a prefix cannot be used. No variant holds the prefix: it may be what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    #[error(
        "prefix: it holds what looks like personal data ({0}); object keys are seen by whoever lists the bucket or reads its logs"
    )]
    Personal(&'static str),
    #[error(
        "prefix: it holds a number of more than {MAX_DIGITS} digits, which looks like an identifier; object keys are seen by whoever lists the bucket or reads its logs"
    )]
    LongNumber,
    #[error(
        "prefix: character {0:?} is not allowed: only letters, digits and . _ - / are (no spaces, no personal data)"
    )]
    Characters(char),
    #[error("prefix: a segment cannot be . or ..")]
    DotSegment,
    #[error(
        "prefix: {bytes} bytes is too long: object keys under it would reach {longest} bytes, over S3's limit of {MAX_KEY_BYTES}; a prefix may have at most {max} bytes"
    )]
    TooLong {
        bytes: usize,
        longest: usize,
        max: usize,
    },
}

/// The prefix without leading, trailing or doubled slashes. Refuses personal items the
/// core's detectors find and long numbers, characters that need escaping, `.`/`..`
/// segments (which a local lake would resolve as folders), and a prefix under which keys
/// would be longer than S3 allows.
pub fn clean_prefix(prefix: &str) -> Result<String, PrefixError> {
    let mut found = Vec::new();
    pii::detect(prefix, KindSet::ALL, &mut found);
    if let Some(m) = found.first() {
        return Err(PrefixError::Personal(m.kind.as_str()));
    }
    if longest_digit_run(prefix) > MAX_DIGITS {
        return Err(PrefixError::LongNumber);
    }
    if let Some(c) = prefix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return Err(PrefixError::Characters(c));
    }
    let segments: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Err(PrefixError::DotSegment);
    }
    let prefix = segments.join("/");
    let longest = longest_key(&prefix);
    if longest > MAX_KEY_BYTES {
        return Err(PrefixError::TooLong {
            bytes: prefix.len(),
            longest,
            max: MAX_KEY_BYTES - (longest - prefix.len()),
        });
    }
    Ok(prefix)
}

/// The length of the longest key a run can write under `prefix`: the manifest of an object
/// whose source name has the longest length and suffix.
pub fn longest_key(prefix: &str) -> usize {
    let name = "n".repeat(MAX_SOURCE_NAME + MAX_NAME_SUFFIX);
    let run = RunId("0".repeat(16));
    // Dates are written with a fixed width: any date gives the same length.
    manifest_key(&object_key(prefix, DateTime::UNIX_EPOCH, &name, &run)).len()
}

fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
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

/// Runs of more than [`MAX_DIGITS`] digits (a meter id, a customer number, a phone number
/// the detectors did not recognise) become `n`; dates like `20240115` stay.
fn long_numbers_hidden(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() > MAX_DIGITS {
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
        assert_eq!(clean_prefix("a/../b"), Err(PrefixError::DotSegment));
        assert_eq!(clean_prefix("raw data"), Err(PrefixError::Characters(' ')));
        assert_eq!(
            clean_prefix("raw/2024/20240115").as_deref(),
            Ok("raw/2024/20240115")
        );
    }

    #[test]
    fn personal_items_in_a_prefix_are_refused_by_kind_never_shown() {
        for (prefix, kind, item) in [
            ("exports/jean.dupont@example.com", "email", "dupont"),
            ("raw/06.71.82.93.04", "phone", "82.93"),
            ("raw/06-71-82-93-04/x", "phone", "82-93"),
            ("raw/0671829304", "phone", "0671829304"),
            ("clients/FR7630004000031234567890143", "iban", "FR76"),
        ] {
            let err = clean_prefix(prefix).unwrap_err();
            assert_eq!(err, PrefixError::Personal(kind), "{prefix}");
            let shown = err.to_string();
            assert!(shown.contains(&format!("({kind})")), "{shown}");
            assert!(!shown.contains(item), "{shown} shows {item}");
        }
        for prefix in ["raw/31415926535897", "nir/284057512345672", "c/0671829304"] {
            let err = clean_prefix(prefix).unwrap_err();
            assert!(
                matches!(err, PrefixError::LongNumber | PrefixError::Personal(_)),
                "{prefix}: {err}"
            );
            assert!(!err.to_string().contains(&prefix[2..]), "{err}");
        }
    }

    #[test]
    fn a_prefix_is_refused_when_its_keys_would_pass_s3s_limit() {
        // With a prefix, keys gain it and a '/'.
        let fits = "p".repeat(MAX_KEY_BYTES - 1 - longest_key(""));
        assert_eq!(longest_key(&fits), MAX_KEY_BYTES);
        assert_eq!(clean_prefix(&fits).as_deref(), Ok(fits.as_str()));
        let over = format!("{fits}/x");
        assert_eq!(
            clean_prefix(&over),
            Err(PrefixError::TooLong {
                bytes: fits.len() + 2,
                longest: MAX_KEY_BYTES + 2,
                max: fits.len(),
            })
        );
        // The longest key is the manifest of the longest source name, made distinct.
        let started = DateTime::parse_from_rfc3339("2024-01-05T07:08:09+01:00")
            .unwrap()
            .with_timezone(&Utc);
        let run = RunId::fixed("0123456789abcdef");
        let name = "n".repeat(MAX_SOURCE_NAME + MAX_NAME_SUFFIX);
        assert_eq!(
            manifest_key(&object_key(&fits, started, &name, &run)).len(),
            MAX_KEY_BYTES
        );
        assert_eq!(source_name(&"x".repeat(300)).len(), MAX_SOURCE_NAME);
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
