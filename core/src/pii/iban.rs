//! IBAN detector: a country code, two check digits, then 11 to 30 letters and digits,
//! compact or in groups of four (`FR76 3000 6000 0112 3456 7890 189`), separated by
//! spaces, no-break spaces, dashes or dots (one kind throughout), in upper or lower case
//! (`fr76 3000 …`). The mod-97 check and the country's length must hold.

use super::checksums::iban_valid;
use super::numbers::separator_len;

/// Whether an IBAN may start at `i`: two letters and two digits.
pub(super) fn head(b: &[u8], i: usize) -> bool {
    // The third byte first: it rules out nearly every word (this runs on every lower-case
    // letter of the text).
    b.get(i + 2).is_some_and(u8::is_ascii_digit)
        && b.get(i + 3).is_some_and(u8::is_ascii_digit)
        && b[i].is_ascii_alphabetic()
        && b[i + 1].is_ascii_alphabetic()
}

/// The end of the IBAN at `i` whose check holds: the longest that ends a token.
pub(super) fn iban_at(b: &[u8], i: usize) -> Option<usize> {
    let token = Token::read(b, i)?;
    (15..=token.len)
        .rev()
        .map(|n| (n, token.ends[n]))
        .find(|&(n, end)| {
            b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric()) && iban_valid(&token.chars[..n])
        })
        .map(|(_, end)| end)
}

/// The end of an IBAN-shaped token at `i` (15 characters or more), whether its check
/// holds or not: its groups are not numbers of their own.
pub(super) fn iban_extent(b: &[u8], i: usize) -> Option<usize> {
    let t = Token::read(b, i)?;
    // Run into a word (`… 1890 Mme Durand`): the token ends with its last whole group.
    let n = if b.get(t.ends[t.len]).is_some_and(u8::is_ascii_alphanumeric) {
        t.grouped
    } else {
        t.len
    };
    (n >= 15).then_some(t.ends[n])
}

/// The characters of an IBAN-shaped token, in upper case, and where each prefix ends.
struct Token {
    chars: [u8; 34],
    len: usize,
    /// `ends[n]`: the byte after the `n`th character.
    ends: [usize; 35],
    /// Characters before the last separator.
    grouped: usize,
}

impl Token {
    fn read(b: &[u8], i: usize) -> Option<Token> {
        if !head(b, i) {
            return None;
        }
        // Letters all in the case of the first: `FR76 3000 ABCD` or `fr76 3000 abcd`, so
        // the words after a lower-case IBAN are not read into it.
        let upper = b[i].is_ascii_uppercase();
        let in_case = |c: u8| {
            c.is_ascii_digit()
                || (upper && c.is_ascii_uppercase())
                || (!upper && c.is_ascii_lowercase())
        };
        let mut t = Token {
            chars: [0; 34],
            len: 0,
            ends: [i; 35],
            grouped: 0,
        };
        let mut sep: Option<u8> = None;
        let mut p = i;
        while p < b.len() && t.len < t.chars.len() {
            let c = b[p];
            if in_case(c) {
                t.chars[t.len] = c.to_ascii_uppercase();
                t.len += 1;
                p += 1;
                t.ends[t.len] = p;
                continue;
            }
            // A separator after a group of four, the same as the others, before more.
            let Some(len) = separator_len(&b[p..]) else {
                break;
            };
            let next_in_case = b.get(p + len).is_some_and(|c| in_case(*c));
            if t.len % 4 != 0 || !next_in_case || sep.is_some_and(|s| s != c) {
                break;
            }
            sep = Some(c);
            t.grouped = t.len;
            p += len;
        }
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    //! One test per spelling family of issue 23, each with the check failing too.

    use super::*;
    use crate::pii::tests::found;
    use crate::pii::{KindSet, PiiKind, detect};

    const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";

    /// Through `detect`: `text` holds `iban`, found whole; with `189` made `188` (or `00`
    /// made `01`), the check fails and nothing is reported, neither an IBAN nor its groups.
    fn check(text: &str, iban: &str) {
        assert_eq!(found(text), [(PiiKind::Iban, iban.to_owned())], "{text}");
        let bad = text.replace("189", "188").replace("0130 00", "0130 01");
        assert_ne!(bad, text);
        assert_eq!(found(&bad), [], "{bad}");
    }

    #[test]
    fn iban_compact_and_grouped() {
        check(&format!("RIB {IBAN} merci"), IBAN);
        check("FR7630006000011234567890189", "FR7630006000011234567890189");
        check(
            "IBAN DE89 3704 0044 0532 0130 00.",
            "DE89 3704 0044 0532 0130 00",
        );
    }

    #[test]
    fn iban_in_lower_case() {
        let lower = IBAN.to_lowercase();
        check(&format!("rib {lower} merci"), &lower);
        check(
            "iban : fr7630006000011234567890189",
            "fr7630006000011234567890189",
        );
        check(
            "mon iban est de89 3704 0044 0532 0130 00 merci",
            "de89 3704 0044 0532 0130 00",
        );
    }

    #[test]
    fn iban_dashed_dotted_or_with_no_break_spaces() {
        for sep in ["-", ".", "\u{a0}", "\u{202f}"] {
            for iban in [
                IBAN.replace(' ', sep),
                IBAN.to_lowercase().replace(' ', sep),
            ] {
                check(&format!("IBAN {iban} svp"), &iban);
            }
        }
    }

    #[test]
    fn iban_in_angle_brackets_and_other_wrappers() {
        let lower = IBAN.to_lowercase();
        check(&format!("RIB <{IBAN}>"), IBAN);
        check(&format!("RIB:<{lower}>."), &lower);
        check(&format!("({IBAN})"), IBAN);
        check(&format!("rib « {IBAN} »"), IBAN);
    }

    /// Lower-case tokens are read as IBANs: a hash whose mod 97 holds by chance (both of
    /// these do) names no country of the IBAN registry, or not at that length.
    #[test]
    fn a_lower_case_hash_is_no_iban() {
        let mut out = Vec::new();
        for hash in [
            "fa73b9c0e1234d5678f9012a3b4c5d6e",
            "de8030006000011234567890",
        ] {
            detect(&format!("session {hash} ok"), KindSet::ALL, &mut out);
            assert_eq!(out, [], "{hash}");
        }
    }

    #[test]
    fn one_separator_kind_and_one_case() {
        let at = |text: &str| iban_at(text.as_bytes(), 0);
        assert_eq!(at("FR76 3000-6000 0112 3456 7890 189"), None);
        assert_eq!(at("Fr76 3000 6000 0112 3456 7890 189"), None);
        // Shaped as an IBAN, the check failing: skipped whole, up to a word after it.
        assert_eq!(
            iban_extent(b"FR76-3000-6000-0112-3456-7890-188 ok", 0),
            Some(33)
        );
        assert_eq!(
            iban_extent(b"FR76 3000 6000 0112 3456 7890 1890 Mme Durand", 0),
            Some(34),
            "the name after it is not skipped"
        );
    }
}
