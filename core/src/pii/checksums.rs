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

/// IBAN check: right length for its country and `mod 97 == 1` after moving the first four
/// characters to the end and reading letters as 10..=35. `iban` has no spaces.
///
/// ```
/// assert!(watt_core::pii::iban_valid(b"FR7630006000011234567890189"));
/// assert!(!watt_core::pii::iban_valid(b"FR7630006000011234567890188"));
/// ```
pub fn iban_valid(iban: &[u8]) -> bool {
    if iban.len() < 15 || iban.len() > 34 {
        return false;
    }
    if !iban[..2].iter().all(u8::is_ascii_uppercase) || !iban[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if let Some(len) = iban_length(&iban[..2]) {
        if iban.len() != len {
            return false;
        }
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

/// IBAN lengths of the countries French data mostly meets (SEPA); others only need the
/// checksum.
fn iban_length(country: &[u8]) -> Option<usize> {
    Some(match country {
        b"FR" | b"MC" | b"IT" | b"SM" => 27,
        b"DE" | b"GB" | b"IE" => 22,
        b"BE" => 16,
        b"NL" => 18,
        b"LU" => 20,
        b"CH" | b"LI" => 21,
        b"ES" | b"SE" => 24,
        b"PT" => 25,
        b"AT" | b"EE" => 20,
        b"DK" | b"FI" => 18,
        b"PL" => 28,
        b"GR" => 27,
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
    }
}
