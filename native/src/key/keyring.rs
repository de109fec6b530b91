//! [`Keyring`]: the pseudonymisation keys known at once, each named by its fingerprint
//! ([`PseudonymKey::id`], the `keyId` of manifests and run logs).
//!
//! After a rotation, data made under the old key stays in the lake until it is rewritten:
//! whoever looks a person up there (or erases them) needs the pseudonym under the key each
//! object names. The keyring answers "the key of fingerprint X" and keeps one key apart,
//! the current one, the only one new data is pseudonymised with.
//!
//! ```ignore
//! let ring = key::load_ring(&args.keys)?.ok_or(...)?;
//! match ring.get(&manifest.key_id) {
//!     Some(key) => /* pseudonym of the person under this object's key */,
//!     None => /* report the object: its key is not in the keyring */,
//! }
//! ```
//!
//! Where the keys come from is [`super::load_ring`]'s business: with a secret of Secrets
//! Manager, the version the options name (by default `AWSCURRENT`) is the current key and
//! `AWSCURRENT` and `AWSPREVIOUS` are known; with key files, `--key-file` is the current
//! key and each `--previous-key-file` a known one.

use watt_core::PseudonymKey;

use super::KeySource;

/// A key and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedKey {
    pub key: PseudonymKey,
    pub source: KeySource,
}

/// A key of the ring.
#[derive(Debug, Clone)]
pub struct RingKey {
    pub key: PseudonymKey,
    pub source: KeySource,
    /// The key new data is pseudonymised with (one per ring).
    pub current: bool,
}

/// The keys known at once: the current one first, then the others in the order given,
/// each fingerprint once.
#[derive(Debug, Clone)]
pub struct Keyring {
    keys: Vec<RingKey>,
}

impl Keyring {
    /// A ring of one key, the current one.
    pub fn new(current: LoadedKey) -> Keyring {
        Keyring {
            keys: vec![RingKey {
                key: current.key,
                source: current.source,
                current: true,
            }],
        }
    }

    /// Adds a key known for reading only. A key already in the ring (the same
    /// fingerprint, found twice: a file and a secret version, or the current version
    /// under two stages) is not added again.
    pub fn add_previous(&mut self, key: LoadedKey) {
        if self.get(key.key.id()).is_none() {
            self.keys.push(RingKey {
                key: key.key,
                source: key.source,
                current: false,
            });
        }
    }

    /// The key new data is pseudonymised with.
    pub fn current(&self) -> &PseudonymKey {
        // `new` puts the current key first and nothing removes it.
        &self.keys[0].key
    }

    /// The key of fingerprint `key_id`, when the ring has it.
    pub fn get(&self, key_id: &str) -> Option<&PseudonymKey> {
        self.keys.iter().map(|k| &k.key).find(|k| k.id() == key_id)
    }

    /// Every key, the current one first.
    pub fn keys(&self) -> &[RingKey] {
        &self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn loaded(text: &str, file: &str) -> LoadedKey {
        LoadedKey {
            key: PseudonymKey::new(text.as_bytes()).unwrap(),
            source: KeySource::File(PathBuf::from(file)),
        }
    }

    #[test]
    fn the_ring_finds_keys_by_fingerprint_and_keeps_the_current_one_apart() {
        let a = loaded("key A: 0123456789abcdef0123456789abcdef", "a.key");
        let b = loaded("key B: fedcba9876543210fedcba9876543210", "b.key");
        let (id_a, id_b) = (a.key.id().to_owned(), b.key.id().to_owned());
        let mut ring = Keyring::new(b.clone());
        ring.add_previous(a.clone());
        ring.add_previous(loaded(
            "key A: 0123456789abcdef0123456789abcdef",
            "copy-of-a.key",
        ));
        ring.add_previous(b);
        assert_eq!(ring.current().id(), id_b);
        assert_eq!(ring.get(&id_a).map(PseudonymKey::id), Some(id_a.as_str()));
        assert!(ring.get("000000000000").is_none());
        let listed: Vec<(&str, bool, String)> = ring
            .keys()
            .iter()
            .map(|k| (k.key.id(), k.current, k.source.to_string()))
            .collect();
        assert_eq!(
            listed,
            [
                (id_b.as_str(), true, "key file b.key".to_owned()),
                (id_a.as_str(), false, "key file a.key".to_owned())
            ]
        );
    }
}
