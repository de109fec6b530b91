//! Character encodings: UTF-8, the single-byte encodings exports still come in, and the
//! guess of which one a file that is not UTF-8 is in.
//!
//! Windows-1252 (what Excel writes as "CSV" on a French Windows), ISO-8859-15 and
//! ISO-8859-7 (Greek) are decoded here rather than through a general transcoding library
//! for two reasons: the tables are 32, 8 and 96 entries long, which keeps the WebAssembly
//! build small; and decoding a single-byte encoding per record, after CSV parsing, keeps
//! every byte offset in the report an offset in the *source* file, the one the user can
//! open. ISO-8859-1 (Latin-1) is read as Windows-1252, as every browser does: the two
//! differ only in 0x80–0x9F, control characters in Latin-1 that no text holds.
//!
//! # How the guess decides
//!
//! [`detect`] reads a sample (at most [`GUESS_BYTES`], the first bytes of the file, or the
//! records that did not decode) and counts; it never decodes the sample whole:
//!
//! 1. A UTF-16 byte-order mark, or NUL bytes in one parity of the positions (ASCII text in
//!    UTF-16 has a NUL in every other byte): UTF-16, little- or big-endian by that parity.
//! 2. Valid UTF-8 (a character cut by the end of the sample aside): UTF-8.
//! 3. Otherwise a single-byte encoding, told apart by where its high bytes (0x80–0xFF) are:
//!    - most of them in runs of three or more (whole words of high bytes, a non-Latin
//!      alphabet), and none of the bytes ISO-8859-7 leaves undefined (0xAE, 0xD2, 0xFF):
//!      ISO-8859-7, Greek;
//!    - some in 0x80–0x9F where Windows-1252 puts `€ ’ “ ” … œ`: Windows-1252;
//!    - 0xA4 (`€` in ISO-8859-15, `¤` in Latin-1, a sign no French text uses): ISO-8859-15;
//!    - otherwise ISO-8859-1 (Latin-1), whose letters Windows-1252 reads the same.
//!
//! Limits: the guess names one of these encodings, nothing else. A Cyrillic (or other
//! non-Latin) single-byte file is named ISO-8859-7 when it has no byte that encoding lacks;
//! Windows-1253 (Greek Windows) is named ISO-8859-7, whose letters it shares; a Latin file
//! in another Windows code page (1250, Central European) is named Windows-1252 or
//! ISO-8859-1; a sample of a few bytes may hold too little to tell (a single `é` is
//! Latin-1). The guess is a hint, written next to the encoding the file was read with;
//! only `--encoding auto` reads a file with it.

use serde::{Deserialize, Serialize};

/// An encoding watt can read, or [`Encoding::Auto`]: detect it from the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Also ISO-8859-1 (Latin-1), whose letters it reads the same.
    #[serde(rename = "windows-1252", alias = "iso-8859-1")]
    Windows1252,
    #[serde(rename = "iso-8859-15")]
    Iso8859_15,
    #[serde(rename = "iso-8859-7")]
    Iso8859_7,
    /// Transcoded to UTF-8 as it streams, before the CSV reader ([`crate::utf16`]).
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Detected from the first [`crate::dialect::SNIFF_BYTES`] of the file (see
    /// [`detect`]); the report names the encoding used.
    Auto,
}

/// Characters 0x80..=0x9F of Windows-1252 (undefined ones decoded as U+FFFD).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
    '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}',
    'ž', 'Ÿ',
];

/// Characters 0xA0..=0xBF of ISO-8859-7 (its 2003 edition, as the WHATWG index); from
/// 0xC0 on, its letters are U+0390 + (byte − 0xC0), 0xD2 and 0xFF undefined.
const ISO8859_7_A0: [char; 32] = [
    '\u{a0}', '‘', '’', '£', '€', '₯', '¦', '§', '¨', '©', 'ͺ', '«', '¬', '\u{ad}', '\u{fffd}',
    '―', '°', '±', '²', '³', '΄', '΅', 'Ά', '·', 'Έ', 'Ή', 'Ί', '»', 'Ό', '½', 'Ύ', 'Ώ',
];

impl Encoding {
    /// Reads an encoding label as the WHATWG Encoding Standard does for these encodings
    /// (`latin1` and `iso-8859-1` mean Windows-1252, as in every browser); `auto` asks for
    /// detection.
    ///
    /// ```
    /// use watt_core::Encoding;
    /// assert_eq!(Encoding::from_label("Latin1"), Some(Encoding::Windows1252));
    /// assert_eq!(Encoding::from_label("utf8"), Some(Encoding::Utf8));
    /// assert_eq!(Encoding::from_label("greek"), Some(Encoding::Iso8859_7));
    /// assert_eq!(Encoding::from_label("auto"), Some(Encoding::Auto));
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
            "iso-8859-7" | "iso8859-7" | "greek" | "greek8" | "elot_928" | "ecma-118" => {
                Some(Encoding::Iso8859_7)
            }
            "utf-16le" | "utf-16" | "unicode" | "ucs-2" => Some(Encoding::Utf16Le),
            "utf-16be" | "unicodefffe" => Some(Encoding::Utf16Be),
            "auto" => Some(Encoding::Auto),
            _ => None,
        }
    }

    /// The canonical name, as reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Iso8859_15 => "iso-8859-15",
            Encoding::Iso8859_7 => "iso-8859-7",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Auto => "auto",
        }
    }

    /// Labels accepted by [`Encoding::from_label`], for help texts.
    pub const LABELS: &'static str = "utf-8, windows-1252 (latin1, iso-8859-1), iso-8859-15 (latin9), iso-8859-7 (greek), utf-16le (utf-16), utf-16be, auto (detected from the first 64 KiB)";

    /// The encoding to read a file with, once its first bytes are known: `self`, or for
    /// [`Encoding::Auto`] the one [`detect`] names, when watt reads it.
    pub fn resolve(self, sample: &[u8]) -> Encoding {
        match self {
            Encoding::Auto => detect(sample).readable(),
            given => given,
        }
    }

    /// For UTF-16: whether big-endian. `None` for the other encodings.
    pub fn utf16_big_endian(self) -> Option<bool> {
        match self {
            Encoding::Utf16Le => Some(false),
            Encoding::Utf16Be => Some(true),
            _ => None,
        }
    }

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
                (Encoding::Iso8859_7, 0xA0..=0xBF) => ISO8859_7_A0[usize::from(b - 0xA0)],
                (Encoding::Iso8859_7, 0xD2 | 0xFF) => '\u{fffd}',
                (Encoding::Iso8859_7, 0xC0..=0xFE) => {
                    char::from_u32(0x390 + u32::from(b - 0xC0)).unwrap_or('\u{fffd}')
                }
                _ => char::from(b),
            });
        }
    }
}

/// Bytes of a file the guess of its encoding reads at most: a sample, so the guess stays
/// cheap whatever the file.
pub const GUESS_BYTES: usize = 64 * 1024;

/// What [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Latin-1: read as Windows-1252, which decodes its letters the same.
    Iso8859_1,
    Windows1252,
    Iso8859_15,
    Iso8859_7,
}

impl Detected {
    /// The name the report gives the probable encoding.
    pub fn name(self) -> &'static str {
        match self {
            Detected::Utf8 => "utf-8",
            Detected::Utf16Le => "utf-16le",
            Detected::Utf16Be => "utf-16be",
            Detected::Iso8859_1 => "iso-8859-1",
            Detected::Windows1252 => "windows-1252",
            Detected::Iso8859_15 => "iso-8859-15",
            Detected::Iso8859_7 => "iso-8859-7",
        }
    }

    /// The encoding watt reads it with.
    pub fn readable(self) -> Encoding {
        match self {
            Detected::Utf8 => Encoding::Utf8,
            Detected::Iso8859_1 | Detected::Windows1252 => Encoding::Windows1252,
            Detected::Iso8859_15 => Encoding::Iso8859_15,
            Detected::Iso8859_7 => Encoding::Iso8859_7,
            Detected::Utf16Le => Encoding::Utf16Le,
            Detected::Utf16Be => Encoding::Utf16Be,
        }
    }
}

/// Detects the encoding of `bytes` (a sample: only the first [`GUESS_BYTES`] are read).
/// See the module documentation for how it decides, and its limits.
///
/// ```
/// use watt_core::encoding::{Detected, detect};
/// assert_eq!(detect("Orléans".as_bytes()), Detected::Utf8);
/// assert_eq!(detect(b"Orl\xe9ans"), Detected::Iso8859_1);
/// assert_eq!(detect(b"l\x92\xe9t\xe9 \x80"), Detected::Windows1252);
/// assert_eq!(detect(b"\xc1\xe8\xde\xed\xe1"), Detected::Iso8859_7); // Αθήνα
/// assert_eq!(detect(b"k\x00W\x00h\x00"), Detected::Utf16Le);
/// ```
pub fn detect(bytes: &[u8]) -> Detected {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Detected::Utf16Le;
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Detected::Utf16Be;
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let sample = &bytes[..bytes.len().min(GUESS_BYTES)];
    if let Some(utf16) = utf16_by_nul_parity(sample) {
        return utf16;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Detected::Utf8,
        // A character cut by the end of the sample.
        Err(e) if e.error_len().is_none() => return Detected::Utf8,
        Err(_) => {}
    }
    single_byte(sample)
}

/// Guesses the encoding of bytes that are not valid UTF-8, to tell the user which
/// `--encoding` will read the file: [`detect`]'s name for it.
pub fn guess(bytes: &[u8]) -> &'static str {
    match detect(bytes) {
        // The sample decodes (a cut character at its end): the bad bytes are elsewhere.
        Detected::Utf8 => single_byte(&bytes[..bytes.len().min(GUESS_BYTES)]).name(),
        detected => detected.name(),
    }
}

/// UTF-16 when NUL bytes fill at least one code unit in eight (and two) at one parity of
/// the positions and hardly any at the other: ASCII characters (delimiters, digits, line
/// breaks: every CSV file has many) have a NUL high byte.
fn utf16_by_nul_parity(sample: &[u8]) -> Option<Detected> {
    let units = sample.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let (most, least) = (even.max(odd), even.min(odd));
    if most < 2 || most * 8 < units || least * 4 > most {
        return None;
    }
    Some(if even > odd {
        Detected::Utf16Be
    } else {
        Detected::Utf16Le
    })
}

/// Tells the single-byte encodings apart by where their high bytes are.
fn single_byte(sample: &[u8]) -> Detected {
    let (mut high, mut in_runs, mut c1, mut latin9) = (0usize, 0usize, 0usize, false);
    let mut greek_undefined = false;
    let mut run = 0usize;
    let close_run = |run: usize, in_runs: &mut usize| {
        if run >= 3 {
            *in_runs += run;
        }
    };
    for (i, &b) in sample.iter().enumerate() {
        if b < 0x80 {
            close_run(run, &mut in_runs);
            run = 0;
            continue;
        }
        high += 1;
        match b {
            // Defined in Windows-1252 (0x81, 0x8D, 0x8F, 0x90 and 0x9D are not).
            0x80..=0x9F if !matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D) => c1 += 1,
            0xA4 => latin9 = true,
            // `œ`, `Œ` in ISO-8859-15 (`½`, `¼` in Latin-1) inside a word: cœur, Œuvre.
            0xBC | 0xBD if sample.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                latin9 = true;
            }
            0xAE | 0xD2 | 0xFF => greek_undefined = true,
            _ => {}
        }
        // Letters of a non-Latin alphabet: ISO-8859-7 puts them at 0xB6 and up.
        if b >= 0xB6 {
            run += 1;
        } else {
            close_run(run, &mut in_runs);
            run = 0;
        }
    }
    close_run(run, &mut in_runs);
    if high > 0 && in_runs * 2 >= high && !greek_undefined {
        Detected::Iso8859_7
    } else if c1 > 0 {
        Detected::Windows1252
    } else if latin9 {
        Detected::Iso8859_15
    } else {
        Detected::Iso8859_1
    }
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
    fn decodes_greek() {
        let mut s = String::new();
        // "Αθήνα, Ώρα € ‘x’" in ISO-8859-7.
        Encoding::Iso8859_7
            .decode_single_byte(b"\xc1\xe8\xde\xed\xe1, \xbf\xf1\xe1 \xa4 \xa1x\xa2", &mut s);
        assert_eq!(s, "Αθήνα, Ώρα € ‘x’");
        s.clear();
        Encoding::Iso8859_7.decode_single_byte(b"\xd2\xff\xae\xd3\xfe\xc0", &mut s);
        assert_eq!(s, "\u{fffd}\u{fffd}\u{fffd}Σώΐ");
    }

    /// Encodes `text` in a single-byte encoding by searching the decoder's table (the
    /// tests' encoder: each character must have a byte).
    fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
        text.chars()
            .map(|c| {
                (0..=255u8)
                    .find(|b| {
                        let mut s = String::new();
                        encoding.decode_single_byte(&[*b], &mut s);
                        s.starts_with(c)
                    })
                    .unwrap_or_else(|| panic!("{c:?} has a byte in {encoding:?}"))
            })
            .collect()
    }

    /// Real-looking rows of each encoding are named right, in the first bytes of a file
    /// and as a single record.
    #[test]
    fn names_each_encoding_from_its_bytes() {
        let french = "prm;ville;commentaire\n01234567890123;Orléans;relevé estimé, compteur changé\n01234567890124;Besançon;à vérifier\n";
        let cases: [(&str, Encoding, Detected); 5] = [
            (french, Encoding::Windows1252, Detected::Iso8859_1),
            (
                "id;note\n1;l’index a été relevé … « estimé »\n2;coût 12 €\n",
                Encoding::Windows1252,
                Detected::Windows1252,
            ),
            (
                "id;montant\n1;12,50 €\n2;cœur de ville\n",
                Encoding::Iso8859_15,
                Detected::Iso8859_15,
            ),
            (
                "id;πόλη;σχόλιο\n1;Αθήνα;εκτιμώμενη ένδειξη\n2;Θεσσαλονίκη;ο μετρητής άλλαξε\n",
                Encoding::Iso8859_7,
                Detected::Iso8859_7,
            ),
            (
                "Größe,Straße\n12,Hauptstraße\n",
                Encoding::Windows1252,
                Detected::Iso8859_1,
            ),
        ];
        for (text, encoding, expected) in cases {
            let bytes = encode(text, encoding);
            assert_eq!(detect(&bytes), expected, "{text}");
            let mut back = String::new();
            encoding.decode_single_byte(&bytes, &mut back);
            assert_eq!(back, text);
            assert_eq!(Encoding::Auto.resolve(&bytes), expected.readable());
            let last_row = bytes.split(|b| *b == b'\n').rfind(|l| !l.is_empty());
            assert_eq!(
                last_row.map(detect),
                Some(expected),
                "{text}: the last row alone"
            );
        }
        assert_eq!(detect(french.as_bytes()), Detected::Utf8);
        // A multi-byte character cut by the end of the sample is still UTF-8.
        assert_eq!(detect(&"aé".as_bytes()[..2]), Detected::Utf8);
        // ...but bytes known not to be UTF-8 are guessed a single-byte encoding.
        assert_eq!(guess(&"aé".as_bytes()[..2]), "iso-8859-1");
    }

    /// UTF-16 with and without its byte-order mark, in either order, Latin or Greek.
    #[test]
    fn names_utf16() {
        for text in ["prm,ville\n01234567890123,Orléans\n", "id,πόλη\n1,Αθήνα\n"] {
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            assert_eq!(detect(&le), Detected::Utf16Le, "{text}");
            assert_eq!(detect(&be), Detected::Utf16Be, "{text}");
            assert_eq!(
                detect(&[&[0xFF, 0xFE][..], &le].concat()),
                Detected::Utf16Le
            );
            assert_eq!(
                detect(&[&[0xFE, 0xFF][..], &be].concat()),
                Detected::Utf16Be
            );
            assert_eq!(Encoding::Auto.resolve(&le), Encoding::Utf16Le);
            assert_eq!(Encoding::Auto.resolve(&be), Encoding::Utf16Be);
        }
        // NUL bytes anywhere, as in a binary file, are no UTF-16.
        assert_eq!(
            detect(b"\x00\x00ab\x00\x00cd\x00\x00\x01\x02"),
            Detected::Utf8
        );
    }

    /// `auto` reads each file in the encoding detected from its first bytes, however it is
    /// cut into chunks, and the report says which: the `enum` passes only when the cells
    /// decode right.
    #[test]
    fn auto_reads_with_the_detected_encoding_and_says_so() {
        use crate::{Checker, Options, Schema};
        let schema = Schema::from_json(
            r#"{"fields": [{"name": "id", "type": "integer"},
                {"name": "v", "constraints": {"enum": ["Αθήνα", "Θεσσαλονίκη", "l’été", "coût €", "Orléans", "cœur", "l’été 𝄞"]}}]}"#,
        )
        .expect("the schema loads");
        let cases = [
            (
                "id,v\n1,Αθήνα\n2,Θεσσαλονίκη\n",
                Encoding::Iso8859_7,
                "iso-8859-7",
            ),
            (
                "id,v\n1,l’été\n2,coût €\n",
                Encoding::Windows1252,
                "windows-1252",
            ),
            ("id,v\n1,Orléans\n", Encoding::Windows1252, "windows-1252"),
            (
                "id,v\n1,cœur\n2,coût €\n",
                Encoding::Iso8859_15,
                "iso-8859-15",
            ),
        ];
        for (text, encoding, name) in cases {
            let bytes = encode(text, encoding);
            for size in [1, 3, bytes.len()] {
                let mut checker = Checker::new(
                    &schema,
                    Options {
                        encoding: Encoding::Auto,
                        ..Options::default()
                    },
                );
                for chunk in bytes.chunks(size) {
                    checker.push(chunk);
                }
                let report = checker.finish();
                assert!(
                    report.valid,
                    "{text} in chunks of {size}: {:?}",
                    report.findings
                );
                assert_eq!(
                    (report.encoding.name.as_str(), report.encoding.detected),
                    (name, true)
                );
            }
        }
        // UTF-16, either order, with or without its mark, cut inside code units and
        // surrogate pairs: transcoded as it streams.
        let text = "id,v\n1,Αθήνα\n2,l’été 𝄞\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let cases = [
            ([&[0xFF, 0xFE][..], &le].concat(), "utf-16le", true),
            (le, "utf-16le", false),
            ([&[0xFE, 0xFF][..], &be].concat(), "utf-16be", true),
            (be, "utf-16be", false),
        ];
        for (bytes, name, bom) in cases {
            for size in [1, 3, 5, bytes.len()] {
                let mut checker = Checker::new(
                    &schema,
                    Options {
                        encoding: Encoding::Auto,
                        ..Options::default()
                    },
                );
                for chunk in bytes.chunks(size) {
                    checker.push(chunk);
                }
                let report = checker.finish();
                assert!(
                    report.valid,
                    "{name} in chunks of {size}: {:?}",
                    report.findings
                );
                assert_eq!(report.stats.rows, 2);
                assert_eq!(report.stats.bytes, bytes.len() as u64);
                assert_eq!(
                    (
                        report.encoding.name.as_str(),
                        report.encoding.bom,
                        report.encoding.detected
                    ),
                    (name, bom, true)
                );
            }
        }
        // UTF-8 stays UTF-8, and is said to be detected.
        let mut checker = Checker::new(
            &schema,
            Options {
                encoding: Encoding::Auto,
                ..Options::default()
            },
        );
        checker.push("id,v\n1,Αθήνα\n".as_bytes());
        let report = checker.finish();
        assert!(report.valid);
        assert_eq!(
            (report.encoding.name.as_str(), report.encoding.detected),
            ("utf-8", true)
        );
    }

    /// Without `auto` the default stays strict, and the probable encoding named in the
    /// report is guessed from the records that did not decode, all of them (up to
    /// [`GUESS_BYTES`]): a `€` in a later row makes a file Windows-1252.
    #[test]
    fn the_report_names_the_encoding_of_all_bad_records() {
        use crate::{Checker, Options, Schema};
        let schema = Schema::from_json(r#"{"fields": [{"name": "id"}, {"name": "v"}]}"#)
            .expect("the schema loads");
        let bytes = encode("id,v\n1,Orléans\n2,coût 12 €\n", Encoding::Windows1252);
        let mut checker = Checker::new(&schema, Options::default());
        checker.push(&bytes);
        let report = checker.finish();
        assert_eq!(report.encoding.name, "utf-8");
        assert_eq!(report.encoding.probable.as_deref(), Some("windows-1252"));
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            ["invalid UTF-8; the file looks like windows-1252 (read it as windows-1252)"; 2]
        );
    }

    #[test]
    fn guesses() {
        assert_eq!(guess(b"Tr\xe9sor"), "iso-8859-1");
        assert_eq!(guess(b"\xff\xfea\x00b\x00"), "utf-16le");
        assert_eq!(guess(b"a\x00b\x00c\x00d\x00"), "utf-16le");
        assert_eq!(guess(b"\x00a\x00b\x00c\x00d"), "utf-16be");
    }
}
