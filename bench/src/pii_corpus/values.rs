//! Identifier values for the corpus (valid ones, and rules to tell a valid one) and the
//! ways people space, dash or case them. Nothing here knows the core's detectors: validity
//! rests on [`checksum`](crate::checksum) and on the published rules of each identifier.

use crate::checksum::{iban_check_digits, luhn_check_digit, luhn_valid};
use crate::comments;
use crate::prng::SplitMix64;

/// `s` without its spaces.
pub(super) fn compact(s: &str) -> String {
    s.chars().filter(|c| *c != ' ').collect()
}

/// `s` cut into groups of the given sizes (summing to its length, ASCII), joined by `sep`:
/// `group("185057800608436", &[1, 2, 2, 2, 3, 5], " ")` is `1 85 05 78 006 08436`.
pub(super) fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    debug_assert_eq!(sizes.iter().sum::<usize>(), s.len(), "{s}");
    let mut out = String::with_capacity(s.len() + sizes.len() * sep.len());
    let mut at = 0;
    for (i, n) in sizes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&s[at..at + n]);
        at += n;
    }
    out
}

/// A NIR with a valid key, compact, and whether it is Corsican (`2A`/`2B`).
pub(super) fn valid_nir(rng: &mut SplitMix64) -> (String, bool) {
    let born = rng.chance(200).then(|| rng.pick(&["2A", "2B"]));
    let nir = compact(&comments::nir(rng, None, born));
    let corsican = nir.bytes().any(|c| c.is_ascii_alphabetic());
    (nir, corsican)
}

/// The groups of a NIR as the form (`1 84 12 76 451 089 46`).
pub(super) const NIR_SPACED: [usize; 7] = [1, 2, 2, 2, 3, 3, 2];
/// The key glued to the last group: `1 85 05 78 006 08436`.
pub(super) const NIR_GLUED_KEY: [usize; 6] = [1, 2, 2, 2, 3, 5];
/// A compact body and the key apart: `1850578006084 36`.
pub(super) const NIR_KEY_APART: [usize; 2] = [13, 2];

/// An IBAN country and the names of its two spellings.
#[derive(Debug)]
pub(super) struct IbanCountry {
    pub code: &'static str,
    pub compact: &'static str,
    pub grouped: &'static str,
}

/// France twice: French data meets French IBANs most.
pub(super) const IBAN_COUNTRIES: &[IbanCountry] = &[
    IbanCountry {
        code: "FR",
        compact: "FR-compact",
        grouped: "FR-grouped",
    },
    IbanCountry {
        code: "FR",
        compact: "FR-compact",
        grouped: "FR-grouped",
    },
    IbanCountry {
        code: "DE",
        compact: "DE-compact",
        grouped: "DE-grouped",
    },
    IbanCountry {
        code: "BE",
        compact: "BE-compact",
        grouped: "BE-grouped",
    },
    IbanCountry {
        code: "ES",
        compact: "ES-compact",
        grouped: "ES-grouped",
    },
    IbanCountry {
        code: "IT",
        compact: "IT-compact",
        grouped: "IT-grouped",
    },
];

/// A valid IBAN of `country`, compact.
pub(super) fn valid_iban(rng: &mut SplitMix64, country: &IbanCountry) -> String {
    let mut bban = String::with_capacity(30);
    match country.code {
        "FR" => return compact(&comments::iban(rng)),
        "DE" => {
            // Bank code (Bankleitzahl, first digit 1-8), account number.
            bban.push(char::from(b'0' + rng.range(1, 8) as u8));
            rng.push_digits(17, &mut bban);
        }
        "BE" => {
            // Bank, account, and the national check: the first ten digits mod 97.
            rng.push_digits(10, &mut bban);
            let n: u64 = bban.parse().expect("ten digits");
            let check = match n % 97 {
                0 => 97,
                r => r,
            };
            bban.push_str(&format!("{check:02}"));
        }
        "ES" => rng.push_digits(20, &mut bban),
        _ => {
            // Italy: a CIN letter, ABI and CAB codes, a 12-digit account.
            bban.push(char::from(b'A' + rng.below(26) as u8));
            rng.push_digits(22, &mut bban);
        }
    }
    let check = iban_check_digits(country.code, &bban).expect("letters and digits");
    format!("{}{check:02}{bban}", country.code)
}

/// `FR76 3000 6000 0112 3456 7890 189` (with `sep` between the groups of four).
pub(super) fn group_by_four(compact: &str, sep: char) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A SIREN: eight digits and a Luhn digit.
pub(super) fn valid_siren(rng: &mut SplitMix64) -> String {
    let mut siren = rng.range(1, 9).to_string();
    rng.push_digits(7, &mut siren);
    let d = luhn_check_digit(&siren).expect("digits");
    siren.push(char::from(b'0' + d as u8));
    siren
}

/// A SIRET of La Poste (SIREN 356 000 000), whose digits sum to a multiple of 5.
pub(super) fn la_poste_siret(rng: &mut SplitMix64) -> String {
    let mut s = String::from("356000000");
    rng.push_digits(4, &mut s);
    let sum: u32 = s.bytes().map(|c| u32::from(c - b'0')).sum();
    let last = (5 - sum % 5) % 5 + 5 * rng.below(2) as u32;
    s.push(char::from(b'0' + last as u8));
    s
}

/// Whether 14 digits are a valid SIRET (Luhn, or La Poste's digit sum).
pub fn siret_valid(digits: &str) -> bool {
    if digits.len() != 14 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    if digits.starts_with("356000000") {
        return digits.bytes().map(|c| u32::from(c - b'0')).sum::<u32>() % 5 == 0;
    }
    luhn_valid(digits)
}

/// SIREN in groups of three, NIC of five: `732 829 320 00074`.
pub(super) const SIRET_SPACED: [usize; 4] = [3, 3, 3, 5];
/// SIREN then NIC: `732829320 00074`.
pub(super) const SIRET_SIREN_NIC: [usize; 2] = [9, 5];
/// SIREN and NIC in threes: `732 829 320 000 74`.
pub(super) const SIRET_THREES: [usize; 5] = [3, 3, 3, 3, 2];
/// `732 829 320`.
pub(super) const SIREN_SPACED: [usize; 3] = [3, 3, 3];

/// The brand of a card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Brand {
    Visa,
    Mastercard,
    Amex,
}

/// A valid card number (compact) and its brand.
pub(super) fn valid_card(rng: &mut SplitMix64) -> (String, Brand) {
    let mut s = String::with_capacity(16);
    let brand = match rng.weighted(&[45, 35, 20]) {
        0 => {
            s.push('4');
            rng.push_digits(14, &mut s);
            Brand::Visa
        }
        1 => {
            if rng.chance(700) {
                s.push('5');
                s.push(char::from(b'0' + rng.range(1, 5) as u8));
                rng.push_digits(13, &mut s);
            } else {
                s.push_str(&rng.range(2221, 2720).to_string());
                rng.push_digits(11, &mut s);
            }
            Brand::Mastercard
        }
        _ => {
            s.push_str(rng.pick(&["34", "37"]));
            rng.push_digits(12, &mut s);
            Brand::Amex
        }
    };
    let d = luhn_check_digit(&s).expect("digits");
    s.push(char::from(b'0' + d as u8));
    (s, brand)
}

/// A card number spelled as people write it: groups of 4 (Amex 4-6-5), compact or dashed.
pub(super) fn format_card(
    rng: &mut SplitMix64,
    digits: &str,
    brand: Brand,
) -> (String, &'static str) {
    let style = rng.below(3);
    match (brand, style) {
        (Brand::Amex, 0 | 1) => (group(digits, &[4, 6, 5], " "), "amex-4-6-5"),
        (Brand::Amex, _) => (digits.to_owned(), "amex-compact"),
        (Brand::Visa, 0) => (group_by_four(digits, ' '), "visa-grouped"),
        (Brand::Visa, 1) => (digits.to_owned(), "visa-compact"),
        (Brand::Visa, _) => (group_by_four(digits, '-'), "visa-dashes"),
        (Brand::Mastercard, 0) => (group_by_four(digits, ' '), "mastercard-grouped"),
        (Brand::Mastercard, 1) => (digits.to_owned(), "mastercard-compact"),
        (Brand::Mastercard, _) => (group_by_four(digits, '-'), "mastercard-dashes"),
    }
}

/// Whether `digits` is a valid card number by its brand's rules: prefix, length, Luhn
/// (Visa 13/16/19, Mastercard 16, Amex 15, Discover 16-19).
pub fn card_number_valid(digits: &str) -> bool {
    let n = digits.len();
    if n < 13 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let prefix = |k: usize| digits[..k].parse::<u32>().unwrap_or(0);
    let visa = digits.starts_with('4') && matches!(n, 13 | 16 | 19);
    let mastercard =
        ((51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4))) && n == 16;
    let amex = matches!(prefix(2), 34 | 37) && n == 15;
    let discover = (prefix(4) == 6011 || prefix(2) == 65 || (644..=649).contains(&prefix(3)))
        && (16..=19).contains(&n);
    (visa || mastercard || amex || discover) && luhn_valid(digits)
}

/// `s` with one digit in `from..to` (byte indices) changed: enough to break Luhn and
/// mod 97.
pub(super) fn change_one_digit(rng: &mut SplitMix64, s: &str, from: usize, to: usize) -> String {
    let mut bytes = s.as_bytes().to_vec();
    let to = to.min(bytes.len());
    loop {
        let i = rng.range(from as u64, to as u64 - 1) as usize;
        if bytes[i].is_ascii_digit() {
            bytes[i] = b'0' + (bytes[i] - b'0' + rng.range(1, 9) as u8) % 10;
            break;
        }
    }
    String::from_utf8(bytes).expect("ASCII in, ASCII out")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cut_where_told() {
        assert_eq!(
            group("185057800608436", &NIR_GLUED_KEY, " "),
            "1 85 05 78 006 08436"
        );
        assert_eq!(
            group("185057800608436", &NIR_KEY_APART, " "),
            "1850578006084 36"
        );
        assert_eq!(
            group("185057800608436", &NIR_SPACED, "-"),
            "1-85-05-78-006-084-36"
        );
        assert_eq!(
            group("73282932000074", &SIRET_SIREN_NIC, " "),
            "732829320 00074"
        );
        assert_eq!(
            group("73282932000074", &SIRET_THREES, " "),
            "732 829 320 000 74"
        );
        assert_eq!(group_by_four("FR7630006", '-'), "FR76-3000-6");
    }

    #[test]
    fn one_changed_digit_in_the_siren_breaks_both_checks() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..200 {
            let bad = change_one_digit(&mut rng, "73282932000074", 0, 9);
            assert_eq!(&bad[9..], "00074");
            assert!(!luhn_valid(&bad) && !luhn_valid(&bad[..9]), "{bad}");
        }
    }
}
