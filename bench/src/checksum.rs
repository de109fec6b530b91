//! Check digits of French identifiers, so that planted values are *valid* ones.
//!
//! A detector that checks keys must find these values, and must not find the decoys that
//! have the same shape and a wrong key. These functions are written independently of the
//! core's detectors on purpose: tests cross-check the two implementations.
//!
//! - NIR (numéro de sécurité sociale): 13 characters and a key `97 - (n mod 97)`, where the
//!   Corsican départements `2A` and `2B` count as `19` and `18`.
//! - IBAN: ISO 13616 check digits, `98 - (BBAN‖country‖00 mod 97)` with letters as 10–35.
//! - RIB key (the last two digits of a French BBAN): `97 - ((89·bank + 15·branch +
//!   3·account) mod 97)`.
//! - SIREN and SIRET: Luhn.

/// `digits` (ASCII digits only) modulo 97, computed digit by digit so any length works.
fn mod97_digits(digits: impl Iterator<Item = u32>) -> u32 {
    digits.fold(0, |acc, d| (acc * 10 + d) % 97)
}

/// The digits of an alphanumeric string with letters as 10 (A) to 35 (Z); `None` when it
/// holds anything else.
fn alnum_digits(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(s.len() * 2);
    for c in s.chars() {
        let v = c.to_digit(36)?;
        if v >= 10 {
            out.push(v / 10);
        }
        out.push(v % 10);
    }
    Some(out)
}

/// The NIR key of a 13-character body (`1840275123456`, or with `2A`/`2B` as the
/// département at characters 6–7). `None` when the body is malformed.
///
/// ```
/// // The example of the French Wikipedia article: 2 55 08 14 168 025 38.
/// assert_eq!(watt_bench::checksum::nir_key("2550814168025"), Some(38));
/// ```
pub fn nir_key(body: &str) -> Option<u32> {
    let b = body.as_bytes();
    if b.len() != 13 {
        return None;
    }
    let dept: [u8; 2] = match &b[5..7] {
        b"2A" | b"2a" => *b"19",
        b"2B" | b"2b" => *b"18",
        d => [d[0], d[1]],
    };
    let digits = b[..5].iter().chain(&dept).chain(&b[7..]);
    let mut all = Vec::with_capacity(13);
    for d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        all.push(u32::from(d - b'0'));
    }
    Some(97 - mod97_digits(all.into_iter()))
}

/// Whether a 15-character NIR (spaces ignored) has the right key.
pub fn nir_valid(nir: &str) -> bool {
    let compact: String = nir.chars().filter(|c| *c != ' ').collect();
    if compact.len() != 15 || !compact.is_ascii() {
        return false;
    }
    let (body, key) = compact.split_at(13);
    match (nir_key(body), key.parse::<u32>()) {
        (Some(want), Ok(got)) => want == got,
        _ => false,
    }
}

/// The two IBAN check digits for a country code and a BBAN (letters and digits).
///
/// ```
/// use watt_bench::checksum::iban_check_digits;
/// assert_eq!(iban_check_digits("FR", "30006000011234567890189"), Some(76));
/// ```
pub fn iban_check_digits(country: &str, bban: &str) -> Option<u32> {
    let digits = alnum_digits(&format!("{bban}{country}00"))?;
    Some(98 - mod97_digits(digits.into_iter()))
}

/// Whether an IBAN (spaces ignored, case-insensitive) has valid check digits.
pub fn iban_valid(iban: &str) -> bool {
    let compact: String = iban
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() < 5 || !compact.is_ascii() {
        return false;
    }
    let (head, bban) = compact.split_at(4);
    match alnum_digits(&format!("{bban}{head}")) {
        Some(d) => mod97_digits(d.into_iter()) == 1,
        None => false,
    }
}

/// The RIB key of a French bank account (all-digit account numbers).
///
/// ```
/// assert_eq!(watt_bench::checksum::rib_key(30006, 1, 12345678901), 89);
/// ```
pub fn rib_key(bank: u64, branch: u64, account: u64) -> u64 {
    97 - ((89 * bank + 15 * branch + 3 * account) % 97)
}

/// Luhn sum of the digits of `s` (rightmost digit undoubled); `None` on a non-digit.
fn luhn_sum(s: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in s.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    Some(sum)
}

/// Whether a string of digits passes the Luhn check (spaces ignored).
///
/// ```
/// use watt_bench::checksum::luhn_valid;
/// assert!(luhn_valid("732 829 320 00074"));
/// assert!(!luhn_valid("732 829 320 00075"));
/// ```
pub fn luhn_valid(digits: &str) -> bool {
    let compact: String = digits.chars().filter(|c| *c != ' ').collect();
    !compact.is_empty() && luhn_sum(&compact).is_some_and(|s| s % 10 == 0)
}

/// The digit to append to `payload` (digits only) so that the whole passes Luhn.
pub fn luhn_check_digit(payload: &str) -> Option<u32> {
    // Appending a digit shifts every payload digit one place left: compute the sum with a
    // placeholder 0 in the check position.
    let sum = luhn_sum(&format!("{payload}0"))?;
    Some((10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nir_keys_verified_by_hand() {
        // 2550814168025 mod 97 = 59, key 97 - 59 = 38.
        assert_eq!(nir_key("2550814168025"), Some(38));
        assert!(nir_valid("2 55 08 14 168 025 38"));
        assert!(!nir_valid("2 55 08 14 168 025 39"));
        // Corsica: 2A counts as 19, so the key is the one of 1840219123456 (= 34).
        assert_eq!(nir_key("18402"), None);
        assert_eq!(nir_key("184022A123456"), Some(34));
        assert_eq!(nir_key("1840219123456"), Some(34));
        // 2B counts as 18: 2900818001234 gives 9.
        assert_eq!(nir_key("290082B001234"), Some(9));
        assert!(nir_valid("290082B00123409"));
        assert_eq!(nir_key("29008XX001234"), None);
        assert_eq!(nir_key("1234"), None);
    }

    #[test]
    fn iban_examples() {
        assert!(iban_valid("FR7630006000011234567890189"));
        assert!(iban_valid("FR76 3000 6000 0112 3456 7890 189"));
        assert!(!iban_valid("FR7730006000011234567890189"));
        assert!(!iban_valid("FR7630006000011234567890198"));
        // The ISO 13616 example.
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert_eq!(iban_check_digits("GB", "WEST12345698765432"), Some(82));
        assert_eq!(iban_check_digits("FR", "30006000011234567890189"), Some(76));
        assert_eq!(iban_check_digits("FR", "3000é"), None);
    }

    #[test]
    fn rib_key_example() {
        // The BBAN of the IBAN above ends with its RIB key, 89.
        assert_eq!(rib_key(30006, 1, 12_345_678_901), 89);
    }

    #[test]
    fn luhn_verified_by_hand() {
        // SIREN 732 829 320: 0+4+3+9+2+7+2+6+7 = 40.
        assert!(luhn_valid("732829320"));
        assert_eq!(luhn_check_digit("73282932"), Some(0));
        // SIRET 732 829 320 00074: 4+5+0+0+0+0+2+6+9+4+8+4+3+5 = 50.
        assert!(luhn_valid("73282932000074"));
        assert_eq!(luhn_check_digit("7328293200007"), Some(4));
        assert!(!luhn_valid("73282932000075"));
        // The classic example 7992739871 + 3.
        assert_eq!(luhn_check_digit("7992739871"), Some(3));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("12a4"));
    }
}
