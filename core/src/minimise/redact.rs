//! Redaction of free text: every personal item found is replaced by a typed placeholder.
//!
//! Two sources of items: the detectors of [`crate::pii`] (emails, phones, NIR, IBAN...),
//! and the row's own direct identifiers — a technician who writes the customer's surname in
//! a comment leaks it as surely as the name column would, and no generic detector can know
//! that "Martin" is a name. Row identifiers are matched as whole words, ignoring ASCII case.

use crate::pii::{self, KindSet, PiiKind, PiiMatch};

/// A value of the row that must not appear in free text, and what replaces it.
#[derive(Debug, Clone)]
pub(crate) struct RowIdentifier {
    pub(crate) token: String,
    pub(crate) placeholder: String,
}

/// Splits a direct identifier into the tokens searched for in free text: the whole value,
/// and for multi-word values (names, addresses) each word of at least 3 letters.
pub(crate) fn tokens_of(value: &str, placeholder: &str, out: &mut Vec<RowIdentifier>) {
    let value = value.trim();
    if value.chars().count() >= 3 {
        out.push(RowIdentifier {
            token: value.to_owned(),
            placeholder: placeholder.to_owned(),
        });
    }
    if value.contains('@') {
        return;
    }
    for word in value.split(|c: char| c.is_whitespace() || c == '-' || c == ',') {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 3
            && word != value
            && !COMMON_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
        {
            out.push(RowIdentifier {
                token: word.to_owned(),
                placeholder: placeholder.to_owned(),
            });
        }
    }
}

/// Words of addresses that are not identifying on their own.
const COMMON_WORDS: &[&str] = &[
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "chemin",
    "impasse",
    "place",
    "allée",
    "route",
    "quai",
    "cours",
    "des",
    "les",
    "lieu-dit",
    "bis",
    "ter",
    "saint",
    "sainte",
];

/// Redacts one cell.
#[derive(Debug)]
pub(crate) struct Redactor {
    kinds: KindSet,
    row_identifiers: bool,
    found: Vec<PiiMatch>,
    spans: Vec<(usize, usize, Span)>,
}

#[derive(Debug, Clone, Copy)]
enum Span {
    Pii(PiiKind),
    Row(usize),
}

/// What one redaction did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Redacted {
    pub(crate) by_kind: [u64; PiiKind::ALL.len()],
    pub(crate) row_identifiers: u64,
}

impl Redactor {
    pub(crate) fn new(kinds: &[PiiKind], row_identifiers: bool) -> Redactor {
        Redactor {
            kinds: KindSet::of(kinds),
            row_identifiers,
            found: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// Writes `text` with personal items replaced to `out`; returns what was replaced.
    pub(crate) fn redact(
        &mut self,
        text: &str,
        row: &[RowIdentifier],
        out: &mut String,
    ) -> Redacted {
        let mut done = Redacted::default();
        pii::detect(text, self.kinds, &mut self.found);
        self.spans.clear();
        self.spans.extend(
            self.found
                .iter()
                .map(|m| (m.start, m.end, Span::Pii(m.kind))),
        );
        if self.row_identifiers {
            let detected = self.spans.len();
            for (i, id) in row.iter().enumerate() {
                for (start, end) in word_matches(text, &id.token) {
                    let overlaps = self.spans.iter().any(|(s, e, _)| start < *e && *s < end);
                    if !overlaps {
                        self.spans.push((start, end, Span::Row(i)));
                    }
                }
            }
            if self.spans.len() > detected {
                self.spans.sort_by_key(|(s, _, _)| *s);
            }
        }
        let mut last = 0;
        for &(start, end, span) in &self.spans {
            out.push_str(&text[last..start]);
            match span {
                Span::Pii(kind) => {
                    out.push_str(kind.placeholder());
                    done.by_kind[kind as usize] += 1;
                }
                Span::Row(i) => {
                    out.push_str(&row[i].placeholder);
                    done.row_identifiers += 1;
                }
            }
            last = end;
        }
        out.push_str(&text[last..]);
        done
    }
}

/// Whole-word, ASCII-case-insensitive occurrences of `token` in `text`.
fn word_matches<'a>(text: &'a str, token: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let t = text.as_bytes();
    let k = token.as_bytes();
    let last = t.len().saturating_sub(k.len());
    (0..=last).filter_map(move |i| {
        if k.is_empty()
            || t.len() < k.len()
            || !text.is_char_boundary(i)
            || !text.is_char_boundary(i + k.len())
        {
            return None;
        }
        if !t[i..i + k.len()].eq_ignore_ascii_case(k) {
            return None;
        }
        let before = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = text[i + k.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        (before && after).then_some((i, i + k.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str, names: &[(&str, &str)]) -> (String, Redacted) {
        let mut row = Vec::new();
        for (value, placeholder) in names {
            tokens_of(value, placeholder, &mut row);
        }
        let mut r = Redactor::new(&PiiKind::ALL, true);
        let mut out = String::new();
        let done = r.redact(text, &row, &mut out);
        (out, done)
    }

    #[test]
    fn typed_placeholders() {
        let (out, done) = redact(
            "Rappeler au 06 12 34 56 78 ou jeanne@example.fr, IBAN FR76 3000 6000 0112 3456 7890 189.",
            &[],
        );
        assert_eq!(out, "Rappeler au [PHONE] ou [EMAIL], IBAN [IBAN].");
        assert_eq!(done.by_kind[PiiKind::Phone as usize], 1);
        assert_eq!(done.by_kind[PiiKind::Email as usize], 1);
        assert_eq!(done.by_kind[PiiKind::Iban as usize], 1);
    }

    #[test]
    fn the_rows_own_identifiers() {
        let (out, done) = redact(
            "martin absent, voir avec Sophie; compteur C1234567",
            &[
                ("Sophie Martin", "[FULL_NAME]"),
                ("C1234567", "[CUSTOMER_ID]"),
            ],
        );
        assert_eq!(
            out,
            "[FULL_NAME] absent, voir avec [FULL_NAME]; compteur [CUSTOMER_ID]"
        );
        assert_eq!(done.row_identifiers, 3);
    }

    #[test]
    fn whole_words_only() {
        let (out, _) = redact("Martinez et martinet", &[("Martin", "[NAME]")]);
        assert_eq!(out, "Martinez et martinet");
    }

    #[test]
    fn address_words_are_not_tokens() {
        let mut row = Vec::new();
        tokens_of("12 rue des Lilas", "[ADDRESS]", &mut row);
        let tokens: Vec<&str> = row.iter().map(|r| r.token.as_str()).collect();
        assert_eq!(tokens, ["12 rue des Lilas", "Lilas"]);
    }

    #[test]
    fn nothing_to_redact() {
        let (out, done) = redact("Relevé estimé", &[("Jean Dupont", "[N]")]);
        assert_eq!(out, "Relevé estimé");
        assert_eq!(done.row_identifiers, 0);
    }
}
