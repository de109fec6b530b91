//! UTF-16 text turned into UTF-8, chunk by chunk, before the CSV reader sees it.
//!
//! Excel's "Unicode text" export and some Windows tools write UTF-16. Everything after
//! this stage (the CSV parser, the dialect detection, the checks) reads UTF-8, so a UTF-16
//! file is transcoded once, as it streams: a chunk may end between the two bytes of a code
//! unit or between the two code units of a surrogate pair, and what is cut is kept for the
//! next chunk. A surrogate without its pair (not text) becomes U+FFFD, as every decoder
//! does.
//!
//! Written here rather than taken from `encoding_rs`: the whole of UTF-16 decoding is the
//! forty lines below, where the general crate would weigh on the browser's WebAssembly.

/// A streaming UTF-16 decoder writing UTF-8.
///
/// ```
/// use watt_core::utf16::Utf16Decoder;
/// let bytes: Vec<u8> = "é𝄞,x".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// let mut decoder = Utf16Decoder::new(false);
/// let mut out = Vec::new();
/// for chunk in bytes.chunks(3) {
///     decoder.decode(chunk, &mut out);
/// }
/// decoder.finish(&mut out);
/// assert_eq!(out, "é𝄞,x".as_bytes());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Utf16Decoder {
    big_endian: bool,
    /// The first byte of a code unit cut by the end of the last chunk.
    odd: Option<u8>,
    /// A high surrogate whose low half has not come yet.
    high: Option<u16>,
}

impl Utf16Decoder {
    pub fn new(big_endian: bool) -> Utf16Decoder {
        Utf16Decoder {
            big_endian,
            ..Utf16Decoder::default()
        }
    }

    /// Appends the UTF-8 of `bytes` to `out`.
    pub fn decode(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        out.reserve(bytes.len() + bytes.len() / 2);
        if let Some(first) = self.odd.take() {
            match bytes.split_first() {
                Some((&second, rest)) => {
                    self.unit([first, second], out);
                    bytes = rest;
                }
                None => {
                    self.odd = Some(first);
                    return;
                }
            }
        }
        let mut pairs = bytes.chunks_exact(2);
        for pair in &mut pairs {
            self.unit([pair[0], pair[1]], out);
        }
        self.odd = pairs.remainder().first().copied();
    }

    /// The end of the input: a lone byte or high surrogate left is U+FFFD.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.high.take().is_some() {
            push(char::REPLACEMENT_CHARACTER, out);
        }
        if self.odd.take().is_some() {
            push(char::REPLACEMENT_CHARACTER, out);
        }
    }

    fn unit(&mut self, bytes: [u8; 2], out: &mut Vec<u8>) {
        let unit = if self.big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        };
        let c = match (self.high.take(), unit) {
            (Some(high), 0xDC00..=0xDFFF) => {
                let code =
                    0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            (high, 0xD800..=0xDBFF) => {
                if high.is_some() {
                    push(char::REPLACEMENT_CHARACTER, out);
                }
                self.high = Some(unit);
                return;
            }
            (high, _) => {
                if high.is_some() {
                    push(char::REPLACEMENT_CHARACTER, out);
                }
                char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
        };
        push(c, out);
    }
}

fn push(c: char, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_in(bytes: &[u8], big_endian: bool, cuts: &[usize]) -> Vec<u8> {
        let mut decoder = Utf16Decoder::new(big_endian);
        let mut out = Vec::new();
        let mut at = 0;
        for &cut in cuts.iter().chain([&bytes.len()]) {
            let cut = cut.clamp(at, bytes.len());
            decoder.decode(&bytes[at..cut], &mut out);
            at = cut;
        }
        decoder.finish(&mut out);
        out
    }

    proptest! {
        /// Any text, in either byte order, cut anywhere (inside a code unit, between the
        /// halves of a surrogate pair), decodes to its UTF-8.
        #[test]
        fn any_text_any_cuts(text in "\\PC{0,40}", mut cuts in proptest::collection::vec(0usize..200, 0..6)) {
            cuts.sort_unstable();
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            prop_assert_eq!(decode_in(&le, false, &cuts), text.as_bytes());
            prop_assert_eq!(decode_in(&be, true, &cuts), text.as_bytes());
        }

        /// Any bytes decode as the standard library's lossy decoder does them.
        #[test]
        fn any_bytes_as_std(bytes in proptest::collection::vec(any::<u8>(), 0..60), cut in 0usize..60) {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
            let mut expected = String::from_utf16_lossy(&units);
            if bytes.len() % 2 == 1 {
                expected.push(char::REPLACEMENT_CHARACTER);
            }
            prop_assert_eq!(decode_in(&bytes, false, &[cut]), expected.as_bytes());
        }
    }

    #[test]
    fn lone_surrogates_are_replaced() {
        let units = [0xD800u16, 0x41, 0xDC00, 0xD83D, 0xDE00, 0xD800];
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(
            String::from_utf8(decode_in(&bytes, false, &[1, 7])).expect("UTF-8"),
            "\u{fffd}A\u{fffd}😀\u{fffd}"
        );
    }
}
