//! Check digits of the identifiers the detectors look for.
//!
//! A number that fails its check is not reported as an identifier of that kind: a random
//! 15-digit ticket number is not a NIR, so precision does not pay for recall here.

/// Luhn (mod 10) check over ASCII digits, as used by payment cards, SIREN and SIRET.
///
/// ```
/// assert!(watt_core::pii::luhn_valid(b"4539578763621486"));
/// assert!(!watt_core::pii::luhn_valid(b"4539578763621487"));
/// ```
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// SIRET check: Luhn, except for La Poste's establishments (SIREN 356000000), whose
/// digits sum to a multiple of 5 instead.
pub fn siret_valid(digits: &[u8]) -> bool {
    if digits.len() != 14 {
        return false;
    }
    if digits.starts_with(b"356000000") {
        let sum: u32 = digits.iter().map(|d| u32::from(d - b'0')).sum();
        return sum % 5 == 0;
    }
    luhn_valid(digits)
}

/// French social security number (NIR): 13 characters and a 2-digit key, with
/// `key = 97 - (number mod 97)`. Corsican départements `2A` and `2B` count as 19 and 18.
/// `nir` is the 15 characters without separators.
///
/// ```
/// assert!(watt_core::pii::nir_valid(b"255082A00412369"));
/// assert!(!watt_core::pii::nir_valid(b"255082A00412368"));
/// ```
pub fn nir_valid(nir: &[u8]) -> bool {
    if nir.len() != 15 {
        return false;
    }
    let (body, key) = nir.split_at(13);
    if !key.iter().all(u8::is_ascii_digit) {
        return false;
    }
    // Sex (1, 2; 3, 4, 7, 8 for temporary numbers) and birth month (01-12, 20-42 and 50-99
    // are used when the month is unknown).
    if !matches!(body[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return false;
    }
    let month = two_digits(&body[3..5]);
    if !matches!(month, Some(1..=12 | 20..=42 | 50..=99)) {
        return false;
    }
    let dep = match (body[5], body[6].to_ascii_uppercase()) {
        (b'2', b'A') => *b"19",
        (b'2', b'B') => *b"18",
        (a, b) => [a, b],
    };
    let mut number: u64 = 0;
    for (i, &c) in body.iter().enumerate() {
        let c = match i {
            5 => dep[0],
            6 => dep[1],
            _ => c,
        };
        if !c.is_ascii_digit() {
            return false;
        }
        number = number * 10 + u64::from(c - b'0');
    }
    let expected = 97 - number % 97;
    two_digits(key) == Some(expected as u32)
}

/// IBAN check: a country of the IBAN registry (ISO 13616, and the experimental codes of
/// French-speaking Africa), its length, and `mod 97 == 1` after moving the first four
/// characters to the end and reading letters as 10..=35. `iban` has no spaces, in capitals.
///
/// ```
/// assert!(watt_core::pii::iban_valid(b"FR7630006000011234567890189"));
/// assert!(!watt_core::pii::iban_valid(b"FR7630006000011234567890188"));
/// ```
pub fn iban_valid(iban: &[u8]) -> bool {
    let Some((country, rest)) = iban.split_first_chunk::<2>() else {
        return false;
    };
    if !country.iter().all(u8::is_ascii_uppercase) || !rest.iter().take(2).all(u8::is_ascii_digit) {
        return false;
    }
    // A token that only looks like one (a lower-case hash `fa42b9c0…` whose mod 97 holds
    // one time in 97) names no country, or not at that length.
    if iban_length(country) != Some(iban.len()) {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// IBAN length by country: the SWIFT IBAN registry, and the experimental formats of the
/// French-speaking African countries (`SN`, `CI`, `MA`...), which French data meets.
fn iban_length(country: &[u8]) -> Option<usize> {
    Some(match country {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FK" | b"FO" | b"GL" | b"NL" | b"SD" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"MN" | b"XK" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"CR" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" | b"VA" => 22,
        b"AE" | b"GI" | b"IL" | b"IQ" | b"OM" | b"SO" | b"TL" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"AO" | b"CV" | b"GW" | b"LY" | b"MZ" | b"PT" | b"ST" => 25,
        b"DZ" | b"IR" | b"IS" | b"TR" => 26,
        b"BI" | b"CF" | b"CG" | b"CM" | b"DJ" | b"FR" | b"GA" | b"GQ" | b"GR" | b"IT" | b"KM"
        | b"MC" | b"MG" | b"MR" | b"SM" | b"TD" => 27,
        b"AL" | b"AZ" | b"BF" | b"BJ" | b"BY" | b"CI" | b"CY" | b"DO" | b"GT" | b"HN" | b"HU"
        | b"LB" | b"MA" | b"ML" | b"NE" | b"NI" | b"PL" | b"SN" | b"SV" | b"TG" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"JO" | b"KW" | b"MU" | b"YE" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    })
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(c - b'0'))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"79927398710"));
        assert!(luhn_valid(b"732829320")); // a SIREN
        assert!(!luhn_valid(b""));
        assert!(!luhn_valid(b"12a"));
    }

    #[test]
    fn siret() {
        assert!(siret_valid(b"73282932000074"));
        assert!(!siret_valid(b"73282932000075"));
        // La Poste: digits sum to a multiple of 5, whether Luhn holds or not.
        let la_poste: Vec<String> = (0..100)
            .map(|nic| format!("356000000{nic:05}"))
            .filter(|s| s.bytes().map(|d| u32::from(d - b'0')).sum::<u32>() % 5 == 0)
            .collect();
        assert!(la_poste.iter().all(|s| siret_valid(s.as_bytes())));
        assert!(la_poste.iter().any(|s| !luhn_valid(s.as_bytes())));
        assert!(!siret_valid(b"35600000000002"));
    }

    #[test]
    fn nir() {
        // 1 84 12 76 451 089 → key 97 - (1841276451089 mod 97).
        let body = 1_841_276_451_089u64;
        let key = 97 - body % 97;
        assert!(nir_valid(format!("{body}{key:02}").as_bytes()));
        assert!(!nir_valid(
            format!("{body}{:02}", (key + 1) % 100).as_bytes()
        ));
        // Corsica: 2A counts as 19.
        let corsican = 2_550_819_004_123u64; // 2 55 08 2A 004 123 with 2A → 19
        let key = 97 - corsican % 97;
        assert!(nir_valid(format!("255082A004123{key:02}").as_bytes()));
        assert!(!nir_valid(
            format!("2550819004123{:02}", (key + 1) % 100).as_bytes()
        ));
        // 2B counts as 18.
        let b = 1_700_118_012_345u64;
        let key = 97 - b % 97;
        assert!(nir_valid(format!("170012B012345{key:02}").as_bytes()));
        // Bad month, bad sex digit, wrong length.
        assert!(!nir_valid(b"184137645108946"));
        assert!(!nir_valid(b"584127645108946"));
        assert!(!nir_valid(b"18412764510894"));
    }

    #[test]
    fn iban() {
        assert!(iban_valid(b"FR7630006000011234567890189"));
        assert!(iban_valid(b"DE89370400440532013000"));
        assert!(iban_valid(b"GB82WEST12345698765432"));
        assert!(!iban_valid(b"DE89370400440532013001"));
        assert!(
            !iban_valid(b"FR763000600001123456789018"),
            "FR IBANs are 27 long"
        );
        assert!(!iban_valid(b"fr7630006000011234567890189"));
        assert!(iban_valid(b"NO9386011117947"), "the shortest");
        assert!(
            iban_valid(b"SN08SN0100152000048500003035"),
            "experimental, Senegal"
        );
        // Mod 97 holds, but no country has IBANs of that code or that length.
        assert!(iban_valid(&with_check_digits(
            b"FR",
            b"30006000011234567890189"
        )));
        assert!(!iban_valid(&with_check_digits(
            b"FA",
            b"B9C0E1234D5678F9012A3B4C5D6E"
        )));
        assert!(!iban_valid(&with_check_digits(
            b"FR",
            b"300060000112345678901890"
        )));
        assert!(!iban_valid(b""));
        assert!(!iban_valid(b"FR7"));
    }

    /// `country`, the check digits that make mod 97 hold, and `bban`.
    fn with_check_digits(country: &[u8], bban: &[u8]) -> Vec<u8> {
        let rem = bban
            .iter()
            .chain(country)
            .chain(b"00")
            .fold(0u32, |rem, &c| match c {
                b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
                _ => (rem * 100 + u32::from(c - b'A') + 10) % 97,
            });
        let check = 98 - rem;
        [country, format!("{check:02}").as_bytes(), bban].concat()
    }
}
