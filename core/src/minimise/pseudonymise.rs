//! Keyed pseudonyms: HMAC-SHA256 of a value under a secret key and a domain label.
//!
//! `pseudonym = prefix + hex(HMAC-SHA256(key, "watt/v1/" + domain + 0x00 + normalised value))[..2·bytes]`
//!
//! - Deterministic: the same meter id under the same key and domain always gives the same
//!   pseudonym, in every file and every run, so minimised files stay joinable.
//! - Keyed: without the key, nobody can recompute a pseudonym from a guessed meter id (a
//!   plain hash of a 14-digit number is reversed by trying all 10¹⁴ of them).
//! - Domain-separated: the same value in two fields gets unrelated pseudonyms unless both
//!   fields name the same `domain`.
//! - Output: lower-case hex of the first `bytes` bytes (16 by default: 32 characters, 128
//!   bits). The chance that two of n distinct values share a pseudonym is about
//!   n²/2^(8·bytes+1): for 16 bytes and a billion values, 1.5·10⁻²¹; for the minimum of 8
//!   bytes, 2.7·10⁻² at a billion values and 2.7·10⁻⁸ at a million.
//!
//! The key is never written anywhere: reports name it by its fingerprint
//! ([`PseudonymKey::id`]), an HMAC of a fixed label, from which the key cannot be recovered.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::gdpr::{Normalise, Pseudonymisation};

use super::MinimiseError;

type HmacSha256 = Hmac<Sha256>;

/// Shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

/// A secret pseudonymisation key. Its `Debug` shows the fingerprint, never the key, and its
/// memory is wiped when dropped.
#[derive(Clone)]
pub struct PseudonymKey {
    key: Zeroizing<Vec<u8>>,
    id: String,
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PseudonymKey(id {})", self.id)
    }
}

impl PseudonymKey {
    /// A key from its bytes: at least [`MIN_KEY_BYTES`], not made of one repeated byte.
    /// Text keys (an environment variable, a key file, the page's key field) are used as
    /// their UTF-8 bytes with surrounding whitespace removed; `watt keygen` prints a good one.
    pub fn new(bytes: &[u8]) -> Result<PseudonymKey, MinimiseError> {
        let bytes = bytes.trim_ascii();
        if bytes.len() < MIN_KEY_BYTES {
            return Err(MinimiseError::KeyTooShort {
                len: bytes.len(),
                min: MIN_KEY_BYTES,
            });
        }
        let mut distinct = [false; 256];
        for b in bytes {
            distinct[usize::from(*b)] = true;
        }
        if distinct.iter().filter(|d| **d).count() < 8 {
            return Err(MinimiseError::KeyWeak);
        }
        let key = Zeroizing::new(bytes.to_vec());
        let mut mac = HmacSha256::new_from_slice(&key).map_err(|_| MinimiseError::KeyWeak)?;
        mac.update(b"watt/v1/key-id");
        let id = crate::codec::hex_lower(&mac.finalize().into_bytes()[..6]);
        Ok(PseudonymKey { key, id })
    }

    /// Fingerprint of the key (12 hex characters): says which key made a file, and lets a
    /// rotation be traced, without revealing the key.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Pseudonymises the values of one field: the HMAC state after key and domain is prepared
/// once and cloned per value, and recent pseudonyms are remembered — a meter has many
/// readings, so most rows repeat a value seen a moment ago.
#[derive(Clone)]
pub(crate) struct Pseudonymiser {
    prepared: HmacSha256,
    params: Pseudonymisation,
    scratch: String,
    cache: Vec<Slot>,
}

/// Entries of the pseudonym cache (a direct-mapped table: constant memory, no eviction
/// bookkeeping). Entries hold the normalised value and its pseudonym, and a hit compares
/// the whole value, so the cache never changes a result.
const CACHE_SLOTS: usize = 16 * 1024;

/// Bytes of value and pseudonym a slot holds: a slot is one 64-byte cache line, so a hit
/// reads one line (a meter id of 14 digits and a 34-character pseudonym take 48). Longer
/// pairs are not cached.
const SLOT_BYTES: usize = 54;

/// One cache entry, in one cache line: the value's 64-bit hash (to skip the comparison on
/// a miss), then the value followed by its pseudonym. `len == 0`: empty.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Slot {
    hash: u64,
    value_len: u8,
    len: u8,
    bytes: [u8; SLOT_BYTES],
}

const EMPTY: Slot = Slot {
    hash: 0,
    value_len: 0,
    len: 0,
    bytes: [0; SLOT_BYTES],
};

impl fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pseudonymiser")
            .field("domain", &self.params.domain)
            .finish_non_exhaustive()
    }
}

impl Pseudonymiser {
    pub(crate) fn new(key: &PseudonymKey, params: &Pseudonymisation) -> Pseudonymiser {
        // An HMAC key may be of any length: this cannot fail.
        let mut prepared = HmacSha256::new_from_slice(&key.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        prepared.update(b"watt/v1/");
        prepared.update(params.domain.as_bytes());
        prepared.update(&[0]);
        Pseudonymiser {
            prepared,
            params: params.clone(),
            scratch: String::new(),
            cache: vec![EMPTY; CACHE_SLOTS],
        }
    }

    /// The pseudonym of one value, without the cache (16 K slots, 1 MiB): for callers that
    /// ask once, not once per row (`watt pseudonym`, `watt lake find`).
    pub(crate) fn once(key: &PseudonymKey, params: &Pseudonymisation, value: &str) -> String {
        let mut prepared = HmacSha256::new_from_slice(&key.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        prepared.update(b"watt/v1/");
        prepared.update(params.domain.as_bytes());
        prepared.update(&[0]);
        let mut scratch = String::new();
        let normalised = Self::normalise(params.normalise, value, &mut scratch);
        Self::compute(&prepared, params, normalised)
    }

    /// The value as it is hashed.
    pub(crate) fn normalise<'a>(
        normalise: Normalise,
        value: &'a str,
        scratch: &'a mut String,
    ) -> &'a str {
        // Identifiers usually come normalised already (a meter id of 14 digits, a customer
        // number with no space around it): those are returned as they are, not copied.
        let graphic = |b: Option<&u8>| b.is_some_and(|b| b.wrapping_sub(0x21) < 0x7f - 0x21);
        match normalise {
            Normalise::None => value,
            Normalise::Trim
                if graphic(value.as_bytes().first()) && graphic(value.as_bytes().last()) =>
            {
                value
            }
            Normalise::Trim => value.trim(),
            Normalise::Digits if value.bytes().all(|b| b.is_ascii_digit()) => value,
            Normalise::Lowercase => {
                scratch.clear();
                scratch.extend(value.trim().chars().flat_map(char::to_lowercase));
                scratch
            }
            Normalise::Digits => {
                scratch.clear();
                scratch.extend(value.chars().filter(char::is_ascii_digit));
                scratch
            }
        }
    }

    /// The pseudonym of a normalised value, uncached.
    fn compute(prepared: &HmacSha256, params: &Pseudonymisation, normalised: &str) -> String {
        let mut mac = prepared.clone();
        mac.update(normalised.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut pseudonym = String::with_capacity(params.prefix.len() + 2 * params.bytes);
        pseudonym.push_str(&params.prefix);
        crate::codec::hex_lower_append(&digest[..params.bytes], &mut pseudonym);
        pseudonym
    }

    /// Appends the pseudonym of `value` to `out`.
    pub(crate) fn write(&mut self, value: &str, out: &mut String) {
        let normalised = Self::normalise(self.params.normalise, value, &mut self.scratch);
        let hash = xxhash_rust::xxh3::xxh3_64(normalised.as_bytes());
        let slot = hash as usize % CACHE_SLOTS;
        let entry = &self.cache[slot];
        if entry.len > 0 && entry.hash == hash {
            let (value, rest) = entry.bytes.split_at(usize::from(entry.value_len));
            let pseudonym = rest.get(..usize::from(entry.len - entry.value_len));
            if value == normalised.as_bytes() {
                if let Some(Ok(p)) = pseudonym.map(std::str::from_utf8) {
                    out.push_str(p);
                    return;
                }
            }
        }
        let pseudonym = Self::compute(&self.prepared, &self.params, normalised);
        out.push_str(&pseudonym);
        let total = normalised.len() + pseudonym.len();
        if total <= SLOT_BYTES && !normalised.is_empty() {
            let entry = &mut self.cache[slot];
            entry.hash = hash;
            entry.bytes[..normalised.len()].copy_from_slice(normalised.as_bytes());
            entry.bytes[normalised.len()..total].copy_from_slice(pseudonym.as_bytes());
            // Both fit in SLOT_BYTES < 256.
            entry.value_len = normalised.len() as u8;
            entry.len = total as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> PseudonymKey {
        PseudonymKey::new(text.as_bytes()).unwrap()
    }

    fn params(domain: &str, normalise: Normalise) -> Pseudonymisation {
        Pseudonymisation {
            domain: domain.into(),
            normalise,
            bytes: 16,
            prefix: String::new(),
        }
    }

    fn pseudonym(k: &PseudonymKey, p: &Pseudonymisation, v: &str) -> String {
        let mut out = String::new();
        Pseudonymiser::new(k, p).write(v, &mut out);
        out
    }

    const K1: &str = "correct horse battery staple 2024 energy";
    const K2: &str = "another secret key, long enough to be accepted";

    #[test]
    fn known_answer() {
        // HMAC-SHA256(K1, "watt/v1/meter\0" + "12345678901234"), first 16 bytes, computed
        // independently with Python's hmac module.
        let p = params("meter", Normalise::Digits);
        assert_eq!(
            pseudonym(&key(K1), &p, "12345678901234"),
            "17f23c55fac79b97b1a7f13ab8f464a8"
        );
    }

    #[test]
    fn deterministic_keyed_and_domain_separated() {
        let p = params("meter", Normalise::Digits);
        let a = pseudonym(&key(K1), &p, "12345678901234");
        assert_eq!(
            a,
            pseudonym(&key(K1), &p, "1234 5678 9012 34"),
            "normalised before hashing"
        );
        assert_eq!(a.len(), 32);
        assert_ne!(
            a,
            pseudonym(&key(K2), &p, "12345678901234"),
            "another key, another pseudonym"
        );
        assert_ne!(
            a,
            pseudonym(
                &key(K1),
                &params("customer", Normalise::Digits),
                "12345678901234"
            )
        );
        assert_ne!(a, pseudonym(&key(K1), &p, "12345678901235"));
    }

    #[test]
    fn the_cache_never_changes_a_pseudonym() {
        // More values than slots (so slots are shared and overwritten), short ones that are
        // cached and long ones that are not, each asked for three times in a shuffled order:
        // every answer is the one a fresh pseudonymiser gives.
        let k = key(K1);
        let p = Pseudonymisation {
            prefix: "m_".into(),
            ..params("meter", Normalise::None)
        };
        let values: Vec<String> = (0..40_000u64)
            .map(|i| match i % 3 {
                0 => format!("{:014}", i * 7919),
                1 => format!("C{i:07}"),
                _ => format!("a long identifier that does not fit in a slot {i}"),
            })
            .collect();
        let mut cached = Pseudonymiser::new(&k, &p);
        for round in 0..3u64 {
            for (n, v) in values.iter().enumerate() {
                if (n as u64 + round) % 5 == 0 {
                    let mut out = String::new();
                    cached.write(v, &mut out);
                    let fresh = Pseudonymiser::compute(&cached.prepared, &p, v);
                    assert_eq!(out, fresh, "{v}");
                } else {
                    cached.write(v, &mut String::new());
                }
            }
        }
    }

    #[test]
    fn once_is_what_the_cached_pseudonymiser_writes() {
        let p = Pseudonymisation {
            prefix: "m_".into(),
            ..params("meter", Normalise::Digits)
        };
        for v in ["12345678901234", "1234 5678 9012 34", ""] {
            assert_eq!(
                Pseudonymiser::once(&key(K1), &p, v),
                pseudonym(&key(K1), &p, v)
            );
        }
    }

    #[test]
    fn prefix_and_length() {
        let p = Pseudonymisation {
            bytes: 8,
            prefix: "m_".into(),
            ..params("meter", Normalise::Trim)
        };
        let s = pseudonym(&key(K1), &p, " x ");
        assert_eq!(s.len(), 2 + 16);
        assert!(s.starts_with("m_"));
        assert_eq!(s, pseudonym(&key(K1), &p, "x"));
    }

    #[test]
    fn values_already_normal_and_values_to_normalise_agree() {
        let mut scratch = String::new();
        let mut norm = |n, v: &str| Pseudonymiser::normalise(n, v, &mut scratch).to_owned();
        for (n, value, want) in [
            (Normalise::Trim, "C1234567", "C1234567"),
            (Normalise::Trim, " C1234567\t", "C1234567"),
            (Normalise::Trim, "\u{a0}C1234567\u{2009}", "C1234567"),
            (Normalise::Trim, "é C1 é", "é C1 é"),
            (Normalise::Trim, "", ""),
            (Normalise::Digits, "12345678901234", "12345678901234"),
            (Normalise::Digits, "1234 5678 9012 34", "12345678901234"),
            (Normalise::Digits, "PRM 1234-5678", "12345678"),
            (Normalise::Digits, "", ""),
        ] {
            assert_eq!(norm(n, value), want, "{n:?} {value:?}");
        }
    }

    #[test]
    fn lowercase_normalisation() {
        let p = params("email", Normalise::Lowercase);
        assert_eq!(
            pseudonym(&key(K1), &p, " Jeanne@Example.FR"),
            pseudonym(&key(K1), &p, "jeanne@example.fr")
        );
    }

    #[test]
    fn weak_keys_are_refused() {
        assert!(matches!(
            PseudonymKey::new(b"short"),
            Err(MinimiseError::KeyTooShort { len: 5, .. })
        ));
        assert!(matches!(
            PseudonymKey::new(&[b'a'; 64]),
            Err(MinimiseError::KeyWeak)
        ));
        assert!(matches!(
            PseudonymKey::new(b"abababababababababababababababababab"),
            Err(MinimiseError::KeyWeak)
        ));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let k = key(K1);
        let shown = format!("{k:?}");
        assert!(!shown.contains("horse"));
        assert_eq!(k.id().len(), 12);
        assert_eq!(shown, format!("PseudonymKey(id {})", k.id()));
    }
}
