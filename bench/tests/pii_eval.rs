//! The core's detectors against a 2 000-snippet labelled corpus (`pii_corpus`, seed 1, the
//! start of the 20 000-snippet corpus `bench/pii.sh` measures): the checksum-backed kinds
//! (NIR, IBAN, SIRET, SIREN, card) must reach precision ≥ 0.99 and recall ≥ 0.95, and no
//! hard negative (a look-alike whose check fails, a ticket number, a date...) may be taken
//! for one of them.

use watt_bench::pii_corpus::{self, CHECKSUM_KINDS};
use watt_bench::pii_score::{Evaluation, PRECISION_TARGET, RECALL_TARGET, excerpt};
use watt_core::pii::{self, KindSet, PiiKind, PiiMatch};

const SNIPPETS: u64 = 2000;
const SEED: u64 = 1;

fn evaluate() -> Evaluation {
    let mut eval = Evaluation::default();
    let mut found: Vec<PiiMatch> = Vec::new();
    for s in pii_corpus::corpus(SEED, SNIPPETS) {
        pii::detect(&s.text, KindSet::ALL, &mut found);
        eval.add(&s, &found);
    }
    eval
}

#[test]
fn the_corpus_has_every_kind_in_numbers() {
    let eval = evaluate();
    assert_eq!(eval.snippets, SNIPPETS);
    for k in eval.kinds() {
        assert!(k.labels >= 100, "{}: {} labels", k.kind.as_str(), k.labels);
    }
    let negatives: u64 = eval.negatives.values().map(|c| c.planted).sum();
    assert!(negatives >= 1000, "{negatives} hard negatives");
}

#[test]
fn checksum_backed_kinds_meet_their_targets() {
    let eval = evaluate();
    let mut failures = Vec::new();
    for k in eval.kinds().iter().filter(|k| k.checksum_backed) {
        if k.precision < PRECISION_TARGET || k.recall < RECALL_TARGET {
            let name = k.kind.as_str();
            let patterns: Vec<String> = eval
                .false_positives
                .iter()
                .filter(|(key, _)| key.starts_with(&format!("{name} ")))
                .chain(
                    eval.misses
                        .iter()
                        .filter(|(key, _)| key.starts_with(&format!("{name}/"))),
                )
                .map(|(key, p)| format!("    {key}: {} e.g. {:?}", p.count, p.examples))
                .collect();
            failures.push(format!(
                "{name}: precision {:.4}, recall {:.4} ({} TP, {} FP, {} FN)\n{}",
                k.precision,
                k.recall,
                k.true_positives,
                k.false_positives,
                k.false_negatives,
                patterns.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "targets: precision ≥ {PRECISION_TARGET}, recall ≥ {RECALL_TARGET}\n{}",
        failures.join("\n")
    );
}

#[test]
fn hard_negatives_are_never_taken_for_checksum_backed_identifiers() {
    let mut found: Vec<PiiMatch> = Vec::new();
    let mut flagged = Vec::new();
    let mut negatives = 0;
    for s in pii_corpus::corpus(SEED, SNIPPETS) {
        pii::detect(&s.text, KindSet::ALL, &mut found);
        for n in &s.negatives {
            negatives += 1;
            for m in found
                .iter()
                .filter(|m| CHECKSUM_KINDS.contains(&m.kind) && m.start < n.end && n.start < m.end)
            {
                flagged.push(format!(
                    "{}/{} taken for {}: {}",
                    n.kind.as_str(),
                    n.form,
                    m.kind.as_str(),
                    excerpt(&s.text, m.start, m.end)
                ));
            }
        }
    }
    assert!(negatives >= 1000);
    assert!(
        flagged.is_empty(),
        "{} of {negatives} hard negatives flagged:\n{}",
        flagged.len(),
        flagged.join("\n")
    );
}

#[test]
fn checksum_kinds_are_the_five_with_check_digits() {
    assert_eq!(
        CHECKSUM_KINDS,
        [
            PiiKind::Nir,
            PiiKind::Iban,
            PiiKind::Siret,
            PiiKind::Siren,
            PiiKind::Card
        ]
    );
}
