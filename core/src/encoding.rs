//! Character encodings: UTF-8, and the single-byte encodings French exports still come in.
//!
//! Windows-1252 (what Excel writes as "CSV" on a French Windows) and ISO-8859-15 are decoded
//! here rather than through a general transcoding library for two reasons: the tables are
//! 32 and 8 entries long, which keeps the WebAssembly build small; and decoding a single-byte
//! encoding per record, after CSV parsing, keeps every byte offset in the report an offset
//! in the *source* file, the one the user can open.

use serde::{Deserialize, Serialize};

/// An encoding watt can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
    #[serde(rename = "iso-8859-15")]
    Iso8859_15,
}

/// Characters 0x80..=0x9F of Windows-1252 (`None`: undefined, decoded as U+FFFD).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
    '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}',
    'ž', 'Ÿ',
];

impl Encoding {
    /// Reads an encoding label as the WHATWG Encoding Standard does for these encodings
    /// (`latin1` and `iso-8859-1` mean Windows-1252, as in every browser).
    ///
    /// ```
    /// use watt_core::Encoding;
    /// assert_eq!(Encoding::from_label("Latin1"), Some(Encoding::Windows1252));
    /// assert_eq!(Encoding::from_label("utf8"), Some(Encoding::Utf8));
    /// assert_eq!(Encoding::from_label("shift_jis"), None);
    /// ```
    pub fn from_label(label: &str) -> Option<Encoding> {
        match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "unicode-1-1-utf-8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "x-cp1252" | "latin1" | "iso-8859-1" | "iso8859-1"
            | "l1" | "ascii" | "us-ascii" => Some(Encoding::Windows1252),
            "iso-8859-15" | "iso8859-15" | "latin9" | "latin-9" | "l9" => {
                Some(Encoding::Iso8859_15)
            }
            _ => None,
        }
    }

    /// The canonical name, as reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Iso8859_15 => "iso-8859-15",
        }
    }

    /// Labels accepted by [`Encoding::from_label`], for help texts.
    pub const LABELS: &'static str =
        "utf-8, windows-1252 (latin1, iso-8859-1), iso-8859-15 (latin9)";

    /// Decodes bytes of a single-byte encoding, appending to `out`.
    pub(crate) fn decode_single_byte(self, bytes: &[u8], out: &mut String) {
        for &b in bytes {
            out.push(match (self, b) {
                (_, 0..=0x7F) => char::from(b),
                (Encoding::Windows1252, 0x80..=0x9F) => CP1252_HIGH[usize::from(b - 0x80)],
                (Encoding::Iso8859_15, 0xA4) => '€',
                (Encoding::Iso8859_15, 0xA6) => 'Š',
                (Encoding::Iso8859_15, 0xA8) => 'š',
                (Encoding::Iso8859_15, 0xB4) => 'Ž',
                (Encoding::Iso8859_15, 0xB8) => 'ž',
                (Encoding::Iso8859_15, 0xBC) => 'Œ',
                (Encoding::Iso8859_15, 0xBD) => 'œ',
                (Encoding::Iso8859_15, 0xBE) => 'Ÿ',
                _ => char::from(b),
            });
        }
    }
}

/// Guesses the encoding of bytes that are not valid UTF-8, to tell the user which
/// `--encoding` will read the file.
///
/// UTF-16 shows itself by its byte-order mark or by NUL bytes in every other position;
/// otherwise high bytes in a French file are almost always Windows-1252 (which also reads
/// ISO-8859-1 text correctly).
pub fn guess(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return "utf-16le";
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return "utf-16be";
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let nuls = sample.iter().filter(|b| **b == 0).count();
    if sample.len() >= 4 && nuls * 4 >= sample.len() {
        let even_nuls = sample.iter().step_by(2).filter(|b| **b == 0).count();
        return if even_nuls * 2 > nuls {
            "utf-16be"
        } else {
            "utf-16le"
        };
    }
    "windows-1252"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1252_and_latin9() {
        let mut s = String::new();
        Encoding::Windows1252.decode_single_byte(b"caf\xe9 \x80 \x9c", &mut s);
        assert_eq!(s, "café € œ");
        s.clear();
        Encoding::Iso8859_15.decode_single_byte(b"\xa4 \xbd \xe9", &mut s);
        assert_eq!(s, "€ œ é");
    }

    #[test]
    fn guesses() {
        assert_eq!(guess(b"Tr\xe9sor"), "windows-1252");
        assert_eq!(guess(b"\xff\xfea\x00b\x00"), "utf-16le");
        assert_eq!(guess(b"a\x00b\x00c\x00d\x00"), "utf-16le");
        assert_eq!(guess(b"\x00a\x00b\x00c\x00d"), "utf-16be");
    }
}
