//! The generator's planted values against the core's detectors and minimiser, two
//! independent implementations: what the generator makes valid, the core must find; what
//! it makes invalid (decoys), the core must not take for a NIR; and nothing personal that
//! was planted in the sample may survive `Minimiser`.

use std::collections::BTreeMap;
use std::path::Path;

use watt_bench::checksum;
use watt_bench::comments::{self, PlantedKind};
use watt_bench::energy::{Generator, Settings, default_start};
use watt_bench::prng::SplitMix64;
use watt_core::pii::{self, KindSet, PiiKind, PiiMatch};
use watt_core::{Minimiser, Options, PseudonymKey, Schema};

fn compact(s: &str) -> Vec<u8> {
    s.bytes().filter(|b| *b != b' ').collect()
}

#[test]
fn checksums_agree_with_the_core() {
    let mut rng = SplitMix64::new(99);
    for _ in 0..5000 {
        let nir = comments::nir(&mut rng, None, None);
        assert!(checksum::nir_valid(&nir));
        assert!(pii::nir_valid(&compact(&nir)), "core rejects NIR {nir}");
        let decoy = comments::nir_decoy(&mut rng);
        assert!(!checksum::nir_valid(&decoy));
        assert!(
            !pii::nir_valid(decoy.as_bytes()),
            "core accepts decoy {decoy}"
        );
        let iban = comments::iban(&mut rng);
        assert!(pii::iban_valid(&compact(&iban)), "core rejects IBAN {iban}");
        let siret = comments::siret(&mut rng);
        assert!(
            pii::siret_valid(&compact(&siret)),
            "core rejects SIRET {siret}"
        );
        // One wrong digit: both implementations refuse.
        let mut bad = compact(&siret);
        bad[13] = b'0' + (bad[13] - b'0' + 1) % 10;
        let bad = String::from_utf8(bad).unwrap();
        assert!(!checksum::luhn_valid(&bad));
        assert!(!pii::siret_valid(bad.as_bytes()));
    }
}

/// `(row number, kind, value)` of the values planted in the bundled sample.
fn planted() -> Vec<(u64, PlantedKind, String)> {
    let mut g = Generator::new(&Settings {
        meters: 40,
        seed: 2024,
        start: default_start(),
    })
    .expect("the sample's settings are valid");
    let mut out = Vec::new();
    for row in 2..=321 {
        for p in g.next_row().planted {
            out.push((row, p.kind, p.value.clone()));
        }
    }
    out
}

fn comments_of_sample() -> Vec<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv");
    csv::Reader::from_path(path)
        .expect("the sample is readable")
        .records()
        .map(|r| r.expect("the sample is valid CSV")[11].to_owned())
        .collect()
}

fn core_kind(kind: PlantedKind) -> Option<PiiKind> {
    match kind {
        PlantedKind::Email => Some(PiiKind::Email),
        PlantedKind::Phone => Some(PiiKind::Phone),
        PlantedKind::Nir => Some(PiiKind::Nir),
        PlantedKind::Iban => Some(PiiKind::Iban),
        PlantedKind::Prm => Some(PiiKind::Prm),
        PlantedKind::Siret => Some(PiiKind::Siret),
        PlantedKind::Name => Some(PiiKind::Name),
        // Found by the minimiser from the row's own name, not by a text detector.
        PlantedKind::CustomerSurname | PlantedKind::TicketDecoy => None,
    }
}

#[test]
fn core_detectors_find_every_planted_value_of_the_sample() {
    let comments = comments_of_sample();
    let mut found: Vec<PiiMatch> = Vec::new();
    let mut misses = Vec::new();
    for (row, kind, value) in planted() {
        let text = &comments[(row - 2) as usize];
        pii::detect(text, KindSet::ALL, &mut found);
        let start = text.find(value.as_str()).unwrap();
        let end = start + value.len();
        let covering: Vec<PiiKind> = found
            .iter()
            .filter(|m| m.start < end && start < m.end)
            .map(|m| m.kind)
            .collect();
        match core_kind(kind) {
            Some(want) if covering != [want] => misses.push(format!(
                "row {row}: {} found as {covering:?}",
                kind.as_str()
            )),
            None if kind == PlantedKind::TicketDecoy && covering.contains(&PiiKind::Nir) => {
                misses.push(format!("row {row}: decoy taken for a NIR"));
            }
            _ => {}
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}

/// Whether `word` occurs in `text` as a whole word.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn nothing_planted_survives_minimisation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema = Schema::from_json(
        &std::fs::read_to_string(root.join("data/schemas/energy_consumption.schema.json")).unwrap(),
    )
    .unwrap();
    let planted = planted();
    let mut outputs = Vec::new();
    for file in [
        "sample_energy_consumption.csv",
        "sample_energy_consumption_fr.csv",
    ] {
        let data = std::fs::read(root.join("data/samples").join(file)).unwrap();
        let key =
            PseudonymKey::new(b"watt-bench cross-check key, not a secret: 0123456789").unwrap();
        let mut m = Minimiser::new(&schema, Options::default(), Some(key)).unwrap();
        let mut out = Vec::new();
        for chunk in data.chunks(4096) {
            out.extend_from_slice(m.push(chunk));
        }
        let done = m.finish();
        out.extend(done.tail);
        assert!(done.report.valid, "{file}: {:#?}", done.report.findings);
        let text = String::from_utf8(out).unwrap();
        let mut survivors: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for (row, kind, value) in &planted {
            if kind.is_personal() && has_word(&text, value) {
                survivors.entry(kind.as_str()).or_default().push(*row);
            }
        }
        assert!(survivors.is_empty(), "{file}: survivors {survivors:?}");
        let decoys: Vec<&String> = planted
            .iter()
            .filter(|(_, k, _)| *k == PlantedKind::TicketDecoy)
            .map(|(_, _, v)| v)
            .collect();
        let kept = decoys.iter().filter(|v| text.contains(v.as_str())).count();
        assert_eq!(kept, 14, "{file}: decoys are not personal data and stay");
        outputs.push(text);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "both styles minimise to the same bytes"
    );
}
