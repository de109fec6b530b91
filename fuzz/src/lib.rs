//! What the fuzz targets share: the schemas they run under, a fixed test key, and a way to
//! cut an input into chunks that depends only on the input (so a crash replays exactly).
//!
//! Every target checks more than "no panic": the core promises that a report and the
//! minimised bytes do not depend on how the input is cut, and the targets hold it to that.

use std::sync::LazyLock;

use watt_core::{Encoding, Options, PseudonymKey, Schema};

/// The energy schema the project ships, with its full GDPR policy.
pub const ENERGY_SCHEMA: &str = include_str!("../../data/schemas/energy_consumption.schema.json");

/// The schema of `data/fixtures` (types, constraints, unique, primary key), without policy.
pub const FIXTURES_SCHEMA: &str = include_str!("../../data/fixtures/fixtures.schema.json");

/// The fixtures' fields with a policy each, so the minimiser runs over the fixtures too:
/// every action of the policy (pseudonymise, generalise, mask, redact, keep, drop) appears.
pub const FIXTURES_POLICY_SCHEMA: &str = r#"{
  "fields": [
    {"name": "id", "type": "integer", "constraints": {"required": true, "unique": true},
     "gdpr": {"category": "non-personal", "action": "keep"}},
    {"name": "prm", "type": "string", "constraints": {"required": true, "pattern": "[0-9]{14}"},
     "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "domain": "meter",
              "normalise": "digits", "bytes": 8, "prefix": "m_"}},
    {"name": "ts", "type": "datetime", "constraints": {"required": true},
     "gdpr": {"category": "quasi-identifier", "action": "generalise", "granularity": "hour"}},
    {"name": "kwh", "type": "number", "constraints": {"minimum": 0, "maximum": 100},
     "gdpr": {"category": "personal", "action": "generalise", "binWidth": 0.5}},
    {"name": "tariff", "type": "string", "constraints": {"enum": ["BASE", "HPHC"]},
     "gdpr": {"category": "non-personal", "action": "mask", "style": "phone-last2"}},
    {"name": "note", "type": "string", "constraints": {"maxLength": 40},
     "gdpr": {"category": "free-text", "action": "redact"}}
  ],
  "primaryKey": ["prm", "ts"],
  "gdpr": {"subjectField": "prm", "kThreshold": 2}
}"#;

/// A test key (never a real one: fuzzing needs a fixed key so runs replay).
pub const FUZZ_KEY: &[u8] = b"watt-fuzz-key: not a secret, 0123456789abcdef";

/// Loads one of the schemas above (they are constants: failing is a bug of this crate).
pub fn schema(text: &str) -> Schema {
    Schema::from_json(text).expect("the fuzz crate's schemas are valid")
}

/// The schemas, loaded once per process: loading compiles the `pattern` constraints, which
/// would otherwise cost more than checking a small input.
pub static ENERGY: LazyLock<Schema> = LazyLock::new(|| schema(ENERGY_SCHEMA));
pub static FIXTURES: LazyLock<Schema> = LazyLock::new(|| schema(FIXTURES_SCHEMA));
pub static FIXTURES_POLICY: LazyLock<Schema> = LazyLock::new(|| schema(FIXTURES_POLICY_SCHEMA));

/// The fixed key.
pub fn key() -> PseudonymKey {
    PseudonymKey::new(FUZZ_KEY).expect("the fuzz key is long and varied enough")
}

/// Options chosen from the input, so the fuzzer explores encodings and given dialects
/// without a separate header in front of the CSV bytes (seeds stay plain CSV files).
pub fn options(data: &[u8]) -> Options {
    let h = hash(data);
    let encoding = match h % 5 {
        0 => Encoding::Windows1252,
        1 => Encoding::Iso8859_15,
        _ => Encoding::Utf8,
    };
    let mut options = Options {
        encoding,
        max_findings: 1 + (h >> 8) as usize % 50,
        ..Options::default()
    };
    if h & 0x10000 != 0 {
        options.dialect.header = Some(h & 0x20000 != 0);
    }
    if h & 0x40000 != 0 {
        options.dialect.delimiter = Some(if h & 0x80000 != 0 { ';' } else { ',' });
    }
    // Small record limits make the "record too long" path reachable with small inputs.
    if h & 0x100000 != 0 {
        options.max_record_bytes = 16 + (h >> 24) as usize % 512;
    }
    options
}

/// Cuts `data` into chunks: one byte at a time, small pieces, or large pieces, chosen and
/// sized by a PRNG seeded with the input.
pub fn chunks(data: &[u8]) -> Vec<&[u8]> {
    let mut state = hash(data) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let max = match next() % 3 {
        0 if data.len() <= 4096 => 1,
        0 | 1 => 64,
        _ => data.len().max(1),
    };
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let n = 1 + (next() as usize % max).min(rest.len() - 1);
        let (head, tail) = rest.split_at(n);
        out.push(head);
        rest = tail;
    }
    out
}

/// FNV-1a: a stable hash of the input (the same on every machine and run).
pub fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_and_the_key_load() {
        schema(ENERGY_SCHEMA);
        schema(FIXTURES_SCHEMA);
        schema(FIXTURES_POLICY_SCHEMA);
        key();
    }

    #[test]
    fn chunks_cover_the_input_in_order() {
        for data in [&b""[..], b"a", b"id,prm\n1,2\n", &[7u8; 10_000][..]] {
            let joined: Vec<u8> = chunks(data).concat();
            assert_eq!(joined, data);
            assert!(chunks(data).iter().all(|c| !c.is_empty()));
        }
    }
}
