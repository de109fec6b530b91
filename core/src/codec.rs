//! The two byte codes the core needs: lower-case hex out (pseudonyms, key and schema
//! fingerprints) and a check of Base64 in (the `binary` string format).
//!
//! Written here rather than taken from `data-encoding` (which the command line still
//! uses) for the page's wasm: that crate's generic encoder and decoder are instantiated
//! per bit width and weighed 34 KB of the wasm for these two jobs of a few lines.
//! The tests hold both to `data-encoding`'s `HEXLOWER` and `BASE64`, byte for byte.

/// Appends the lower-case hex of `bytes` to `out`.
pub(crate) fn hex_lower_append(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(2 * bytes.len());
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
}

/// The lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::new();
    hex_lower_append(bytes, &mut out);
    out
}

/// Whether `s` is canonical padded Base64 (RFC 4648 §4): whole groups of four symbols of
/// the standard alphabet, `=` padding only at the end, and the bits the padding leaves
/// unused at zero — what `data_encoding::BASE64` decodes, so `QQ==` is accepted and
/// `QR==` (the same byte with stray bits), `QQ`, ` QQ==` and `QQ=A` are not.
pub(crate) fn is_base64(s: &[u8]) -> bool {
    if s.len() % 4 != 0 {
        return false;
    }
    let padding = s.iter().rev().take(2).take_while(|&&c| c == b'=').count();
    let symbols = &s[..s.len() - padding];
    if !symbols.iter().all(|&c| sextet(c).is_some()) {
        return false;
    }
    // One `=`: the last symbol carries 2 unused bits; two: 4.
    let unused_mask = match padding {
        1 => 0b11,
        2 => 0b1111,
        _ => 0,
    };
    symbols
        .last()
        .and_then(|&c| sextet(c))
        .is_none_or(|v| v & unused_mask == 0)
}

/// The value of a symbol of the standard Base64 alphabet.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex_lower(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex_lower(&[]), "");
        let mut s = String::from("p_");
        hex_lower_append(&[0xde, 0xad], &mut s);
        assert_eq!(s, "p_dead");
    }

    #[test]
    fn base64_spellings() {
        for ok in ["", "QQ==", "QUI=", "QUJD", "+/+/", "aGVsbG8gd29ybGQ="] {
            assert!(is_base64(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "Q", "QQ", "QQ=", "QR==", "QUJ=", "QQ=A", "=QQ=", "====", "A===", " QQ==", "QQ==\n",
            "QQ-_", "QUJD====", "A00=+AA+", "QQ==QQ==",
        ] {
            assert!(!is_base64(bad.as_bytes()), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn hex_is_data_encodings(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(hex_lower(&bytes), data_encoding::HEXLOWER.encode(&bytes));
        }

        /// Any text from Base64's alphabet, padding and a few strangers: accepted exactly
        /// when `data-encoding` decodes it — but for padding inside the text (`A00=+AA+`),
        /// which `data-encoding` reads as padded groups put end to end and RFC 4648 does
        /// not allow: refused.
        #[test]
        fn base64_check_is_data_encodings(s in "[A-Za-z0-9+/=_ -]{0,12}") {
            let inner_padding = s.trim_end_matches('=').contains('=');
            prop_assert_eq!(
                is_base64(s.as_bytes()),
                !inner_padding && data_encoding::BASE64.decode(s.as_bytes()).is_ok()
            );
        }

        /// Encoded bytes are always accepted.
        #[test]
        fn encoded_bytes_are_base64(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert!(is_base64(data_encoding::BASE64.encode(&bytes).as_bytes()));
        }
    }
}
