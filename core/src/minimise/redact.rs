//! Redaction of free text: every personal item found is replaced by a typed placeholder.
//!
//! Two sources of items: the detectors of [`crate::pii`] (emails, phones, NIR, IBAN...),
//! and the row's own direct identifiers — a technician who writes the customer's surname in
//! a comment leaks it as surely as the name column would, and no generic detector can know
//! that "Martin" is a name. Row identifiers are matched as whole words, ignoring ASCII case.

use crate::pii::{self, KindSet, PiiKind, PiiMatch};

/// The row's own identifiers, as tokens searched for in its free text. One buffer holds
/// every token (ASCII-lower-cased, to be searched in ASCII-lower-cased text), so gathering
/// them allocates nothing once the buffers have grown.
#[derive(Debug, Default)]
pub(crate) struct RowIdentifiers {
    text: String,
    /// (start, end) in `text`, and the placeholder the token is replaced by.
    tokens: Vec<(usize, usize, usize)>,
}

impl RowIdentifiers {
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.tokens.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Adds the tokens of one direct identifier: the whole value, and for multi-word values
    /// (names, addresses) each word of at least 3 letters that is not a common address word.
    pub(crate) fn add(&mut self, value: &str, placeholder: usize) {
        let value = value.trim();
        if !value.is_ascii() {
            self.add_unicode(value, placeholder);
            return;
        }
        // ASCII (most identifiers): bytes are characters, words are cut without decoding.
        if value.len() >= 3 {
            self.push(value, placeholder);
        }
        let bytes = value.as_bytes();
        if bytes.contains(&b'@') {
            return;
        }
        let mut start = 0;
        for end in (0..=bytes.len()).filter(|&i| i == bytes.len() || is_word_break(bytes[i])) {
            let word = &value[start..end];
            start = end + 1;
            // A word as long as the value is the value, already pushed.
            if word.len() < 3 || word.len() == value.len() {
                continue;
            }
            let three_letters = word
                .bytes()
                .filter(u8::is_ascii_alphabetic)
                .nth(2)
                .is_some();
            if three_letters && !is_common_word(word) {
                self.push(word, placeholder);
            }
        }
    }

    /// [`RowIdentifiers::add`] for a value with non-ASCII characters: words are cut at any
    /// Unicode space, letters are Unicode letters.
    fn add_unicode(&mut self, value: &str, placeholder: usize) {
        // Characters counted as the bytes that start one.
        if value.bytes().filter(|b| b & 0xc0 != 0x80).count() >= 3 {
            self.push(value, placeholder);
        }
        if value.contains('@') {
            return;
        }
        // One pass, each character decoded once; a comma after the end closes the last word.
        let (mut start, mut letters) = (0, 0);
        let end = std::iter::once((value.len(), ','));
        for (i, c) in value.char_indices().chain(end) {
            if c == '-' || c == ',' || c.is_whitespace() {
                let word = &value[start..i];
                if letters >= 3 && word.len() < value.len() && !is_common_word(word) {
                    self.push(word, placeholder);
                }
                (start, letters) = (i + c.len_utf8(), 0);
            } else if letters < 3 && c.is_alphabetic() {
                // Three letters are enough: the rest of the word is not looked up.
                letters += 1;
            }
        }
    }

    fn push(&mut self, token: &str, placeholder: usize) {
        let start = self.text.len();
        self.text.push_str(token);
        self.text[start..].make_ascii_lowercase();
        self.tokens.push((start, self.text.len(), placeholder));
    }

    fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.tokens.iter().map(|&(s, e, p)| (&self.text[s..e], p))
    }
}

/// Where an ASCII identifier is cut into words: what `char::is_whitespace` calls a space,
/// a hyphen, a comma.
fn is_word_break(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b'-' | b',')
}

fn is_common_word(word: &str) -> bool {
    // Every common word has 2 to 9 bytes: most words are ruled out by their length alone.
    (2..=9).contains(&word.len()) && COMMON_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
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
    lower: String,
}

#[derive(Debug, Clone, Copy)]
enum Span {
    Pii(PiiKind),
    /// A row identifier, replaced by placeholder number `usize`.
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
            lower: String::new(),
        }
    }

    /// Writes `text` with personal items replaced to `out`; returns what was replaced.
    /// `placeholders` are what the row identifiers' placeholder numbers stand for.
    pub(crate) fn redact(
        &mut self,
        text: &str,
        row: &RowIdentifiers,
        placeholders: &[String],
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
        if self.row_identifiers && !row.is_empty() {
            let detected = self.spans.len();
            // ASCII lower-casing keeps every byte where it was, so positions carry over.
            self.lower.clear();
            self.lower.push_str(text);
            self.lower.make_ascii_lowercase();
            for (token, placeholder) in row.iter() {
                for (start, end) in word_matches(&self.lower, token) {
                    let overlaps = self.spans.iter().any(|(s, e, _)| start < *e && *s < end);
                    if !overlaps {
                        self.spans.push((start, end, Span::Row(placeholder)));
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
                    out.push_str(placeholders.get(i).map_or("[REDACTED]", String::as_str));
                    done.row_identifiers += 1;
                }
            }
            last = end;
        }
        out.push_str(&text[last..]);
        done
    }
}

/// Whole-word occurrences of `token` in `text` (both already ASCII-lower-cased). Tokens
/// are short and texts are short: a scan for the first byte beats building a searcher.
fn word_matches<'a>(text: &'a str, token: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let (t, k) = (text.as_bytes(), token.as_bytes());
    let first = k.first().copied();
    let mut from = 0;
    std::iter::from_fn(move || {
        let first = first?;
        while from + k.len() <= t.len() {
            let i = from
                + t[from..=t.len() - k.len()]
                    .iter()
                    .position(|b| *b == first)?;
            from = i + 1;
            if &t[i..i + k.len()] != k {
                continue;
            }
            let end = i + k.len();
            let before = text.get(..i).and_then(|s| s.chars().next_back());
            let after = text.get(end..).and_then(|s| s.chars().next());
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if text.is_char_boundary(i)
                && text.is_char_boundary(end)
                && boundary(before)
                && boundary(after)
            {
                from = end;
                return Some((i, end));
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str, names: &[(&str, &str)]) -> (String, Redacted) {
        let mut row = RowIdentifiers::default();
        let mut placeholders = Vec::new();
        for (i, (value, placeholder)) in names.iter().enumerate() {
            row.add(value, i);
            placeholders.push((*placeholder).to_owned());
        }
        let mut r = Redactor::new(&PiiKind::ALL, true);
        let mut out = String::new();
        let done = r.redact(text, &row, &placeholders, &mut out);
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
        let mut row = RowIdentifiers::default();
        row.add("12 rue des Lilas", 0);
        let tokens: Vec<&str> = row.iter().map(|(t, _)| t).collect();
        assert_eq!(tokens, ["12 rue des lilas", "lilas"]);
    }

    #[test]
    fn nothing_to_redact() {
        let (out, done) = redact("Relevé estimé", &[("Jean Dupont", "[N]")]);
        assert_eq!(out, "Relevé estimé");
        assert_eq!(done.row_identifiers, 0);
    }

    /// The tokens of the first way [`RowIdentifiers::add`] was written (by characters,
    /// for every value): the ASCII path must give the same.
    fn tokens_by_chars(value: &str) -> Vec<String> {
        let value = value.trim();
        let mut tokens = Vec::new();
        if value.chars().count() >= 3 {
            tokens.push(value.to_ascii_lowercase());
        }
        if value.contains('@') {
            return tokens;
        }
        for word in value.split(|c: char| c.is_whitespace() || c == '-' || c == ',') {
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            if letters >= 3
                && word != value
                && !COMMON_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
            {
                tokens.push(word.to_ascii_lowercase());
            }
        }
        tokens
    }

    proptest::proptest! {
        #[test]
        fn words_as_by_chars(value in "[ a-zA-Z0-9@,\\-\t\r\n\x0b\x0c.éÉÿ×\u{a0}\u{2009}\u{3000}]{0,40}") {
            let mut row = RowIdentifiers::default();
            row.add(&value, 3);
            let tokens: Vec<String> = row.iter().map(|(t, p)| {
                assert_eq!(p, 3);
                t.to_owned()
            }).collect();
            proptest::prop_assert_eq!(tokens, tokens_by_chars(&value));
        }
    }

    #[test]
    fn common_words_in_any_case() {
        let mut row = RowIdentifiers::default();
        row.add("3 BIS Chemin Des Saules", 0);
        row.add("allée Sainte-Foy", 1);
        let tokens: Vec<&str> = row.iter().map(|(t, _)| t).collect();
        assert_eq!(
            tokens,
            [
                "3 bis chemin des saules",
                "saules",
                "allée sainte-foy",
                "foy"
            ]
        );
    }
}
