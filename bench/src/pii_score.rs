//! Scores the detectors' matches against the labels of a [`pii_corpus`](crate::pii_corpus)
//! snippet: per kind, true positives, false positives and false negatives; per spelling
//! family, how many labels were found; per family of hard negatives, how many were flagged
//! and as what; and *why* each error happened, so a low number points at the pattern to fix.
//!
//! A label is found (true positive) when a match of the same kind overlaps its span; a
//! match is a false positive when it overlaps no label of its kind, and is then traced to
//! what it overlaps: a hard negative, a label of another kind (a confusion), or plain
//! text. Spans that overlap without being equal are counted apart (`inexact`): a name cut
//! short is still found, but the lead may want to know.
//!
//! Names are one detector kind scored in two groups ([`NameGroup`]): a name match that
//! overlaps a name label counts for the label's group; a name match that overlaps none is
//! a false positive of the titled group when a title comes right before it (`Monsieur le
//! Maire`: the title, then at most an article) or opens it, of the untitled group
//! otherwise ([`follows_a_title`]). [`TARGETS`] are the targets of issue 23.
//!
//! ```
//! use watt_bench::pii_corpus::snippet;
//! use watt_bench::pii_score::Evaluation;
//! use watt_core::pii::{detect, KindSet};
//!
//! let mut eval = Evaluation::default();
//! let mut found = Vec::new();
//! for i in 0..50 {
//!     let s = snippet(1, i);
//!     detect(&s.text, KindSet::ALL, &mut found);
//!     eval.add(&s, &found);
//! }
//! assert_eq!(eval.snippets, 50);
//! let labels: u64 = eval.kinds().iter().map(|k| k.labels).sum();
//! assert!(labels > 0);
//! assert_eq!(eval.targets().len(), 7);
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use watt_core::pii::{PiiKind, PiiMatch};

use crate::pii_corpus::{CHECKSUM_KINDS, NameGroup, NegativeKind, Snippet};

/// What a target is about: a detector kind, or one group of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    Kind(PiiKind),
    Names(NameGroup),
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Kind(k) => k.as_str(),
            Scope::Names(g) => g.as_str(),
        }
    }
}

/// A precision and a recall to reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Target {
    pub scope: Scope,
    pub precision: f64,
    pub recall: f64,
}

const fn target(scope: Scope, precision: f64, recall: f64) -> Target {
    Target {
        scope,
        precision,
        recall,
    }
}

/// The targets of issue 23: precision and recall ≥ 0.97 for every checksum-backed kind and
/// for names after a title; recall ≥ 0.7 at precision ≥ 0.95 for names without a title.
pub const TARGETS: [Target; 7] = [
    target(Scope::Kind(PiiKind::Nir), 0.97, 0.97),
    target(Scope::Kind(PiiKind::Iban), 0.97, 0.97),
    target(Scope::Kind(PiiKind::Siret), 0.97, 0.97),
    target(Scope::Kind(PiiKind::Siren), 0.97, 0.97),
    target(Scope::Kind(PiiKind::Card), 0.97, 0.97),
    target(Scope::Names(NameGroup::Titled), 0.97, 0.97),
    target(Scope::Names(NameGroup::Untitled), 0.95, 0.7),
];

/// A target and what was measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetScore {
    pub scope: &'static str,
    pub labels: u64,
    pub detections: u64,
    pub false_positives: u64,
    pub precision: f64,
    pub recall: f64,
    pub precision_target: f64,
    pub recall_target: f64,
    pub met: bool,
}

/// Examples kept per error pattern.
const EXAMPLES: usize = 3;

/// Counts of one detector kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Planted items of this kind.
    pub labels: u64,
    /// Matches of this kind the detector returned.
    pub detections: u64,
    /// Labels overlapped by a match of their kind.
    pub true_positives: u64,
    /// Matches overlapping no label of their kind.
    pub false_positives: u64,
    /// Labels no match of their kind overlaps.
    pub false_negatives: u64,
    /// True positives whose match has exactly the label's span.
    pub exact: u64,
}

/// One kind's counts and rates, as printed and written to JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KindScore {
    pub kind: PiiKind,
    pub checksum_backed: bool,
    pub labels: u64,
    pub detections: u64,
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub exact: u64,
    /// Matched detections ÷ detections (1 when there are none).
    pub precision: f64,
    /// Found labels ÷ labels (1 when there are none).
    pub recall: f64,
    pub f1: f64,
}

impl KindScore {
    fn new(kind: PiiKind, c: &Counts) -> KindScore {
        let precision = ratio(c.detections - c.false_positives, c.detections);
        let recall = ratio(c.true_positives, c.labels);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        KindScore {
            kind,
            checksum_backed: CHECKSUM_KINDS.contains(&kind),
            labels: c.labels,
            detections: c.detections,
            true_positives: c.true_positives,
            false_positives: c.false_positives,
            false_negatives: c.false_negatives,
            exact: c.exact,
            precision,
            recall,
            f1,
        }
    }
}

/// `num / den`, 1 when there is nothing to count.
fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// An error pattern: how often, and a few examples (fictional text, span in «»).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pattern {
    pub count: u64,
    pub examples: Vec<String>,
}

impl Pattern {
    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(example());
        }
    }
}

/// Labels and finds of one spelling of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FormCounts {
    pub labels: u64,
    pub found: u64,
}

/// Hard negatives of one family, and what flagged them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NegativeFormCounts {
    pub planted: u64,
    /// Overlapped by a match of any kind.
    pub flagged: u64,
    /// Negatives flagged, by the kind of the match (a negative two kinds flag counts for
    /// both).
    pub by_kind: BTreeMap<&'static str, u64>,
}

/// Name labels and name matches of one [`NameGroup`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NameCounts {
    pub labels: u64,
    /// Labels a name match overlaps.
    pub found: u64,
    /// Name matches counted for this group (see the module doc).
    pub detections: u64,
    /// Name matches that overlap no name label.
    pub false_positives: u64,
}

/// Words that make the name after them a titled one, lower case without a final dot.
const TITLE_WORDS: [&str; 19] = [
    "m",
    "mr",
    "mm",
    "mme",
    "mmes",
    "mlle",
    "mlles",
    "madame",
    "mesdames",
    "monsieur",
    "messieurs",
    "mademoiselle",
    "dr",
    "docteur",
    "me",
    "maître",
    "maitre",
    "pr",
    "professeur",
];

fn is_title(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    TITLE_WORDS.contains(&w.as_str())
}

/// Whether the match `start..end` of `text` opens with a title or comes right after one,
/// with at most an article between (`Monsieur le «Maire»`, `«Mme Martin»`): the scorer's
/// way of telling which name group a false positive falls in, without knowing how the
/// detector found it.
pub fn follows_a_title(text: &str, start: usize, end: usize) -> bool {
    if text[start..end]
        .split_whitespace()
        .next()
        .is_some_and(is_title)
    {
        return true;
    }
    let mut before = text[..start]
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | '\''))
        .filter(|w| !w.is_empty())
        .rev();
    match before.next() {
        Some(w) if is_title(w) => true,
        Some(w) if matches!(w.to_lowercase().as_str(), "le" | "la" | "les" | "l") => {
            before.next().is_some_and(is_title)
        }
        _ => false,
    }
}

/// Hard negatives of one kind, and how many a match overlapped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NegativeCounts {
    pub planted: u64,
    /// Overlapped by a match of any kind.
    pub flagged: u64,
    /// Overlapped by a match of a checksum-backed kind.
    pub flagged_checksum_kind: u64,
}

/// Scores accumulated over snippets.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub snippets: u64,
    counts: BTreeMap<PiiKind, Counts>,
    /// Recall by `kind/form`.
    pub forms: BTreeMap<String, FormCounts>,
    /// Missed labels by `kind/form`.
    pub misses: BTreeMap<String, Pattern>,
    /// False positives by `detected kind ← source`.
    pub false_positives: BTreeMap<String, Pattern>,
    /// Found with a different span, by `kind/form`.
    pub inexact: BTreeMap<String, Pattern>,
    pub negatives: BTreeMap<NegativeKind, NegativeCounts>,
    /// Hard negatives by `kind/form`.
    pub negative_forms: BTreeMap<String, NegativeFormCounts>,
    /// Names by group.
    pub names: BTreeMap<NameGroup, NameCounts>,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// About 40 bytes each side of `start..end`, with the span in «» and newlines shown as ⏎.
pub fn excerpt(text: &str, start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    format!(
        "{}{}«{}»{}{}",
        if from > 0 { "…" } else { "" },
        &text[from..start],
        &text[start..end],
        &text[end..to],
        if to < text.len() { "…" } else { "" }
    )
    .replace('\n', "⏎")
}

impl Evaluation {
    /// Scores the matches `found` of the detector on snippet `s` (all kinds enabled).
    pub fn add(&mut self, s: &Snippet, found: &[PiiMatch]) {
        self.snippets += 1;
        for l in &s.labels {
            let span = (l.start, l.end);
            let same: Vec<&PiiMatch> = found
                .iter()
                .filter(|m| m.kind == l.kind && overlaps((m.start, m.end), span))
                .collect();
            let c = self.counts.entry(l.kind).or_default();
            c.labels += 1;
            let key = format!("{}/{}", l.kind.as_str(), l.form);
            let form = self.forms.entry(key.clone()).or_default();
            form.labels += 1;
            if l.kind == PiiKind::Name {
                let group = self.names.entry(NameGroup::of_form(l.form)).or_default();
                group.labels += 1;
                group.found += u64::from(!same.is_empty());
            }
            if same.is_empty() {
                c.false_negatives += 1;
                let others: Vec<String> = found
                    .iter()
                    .filter(|m| overlaps((m.start, m.end), span))
                    .map(|m| format!("{} «{}»", m.kind.as_str(), &s.text[m.start..m.end]))
                    .collect();
                self.misses.entry(key).or_default().add(|| {
                    let got = if others.is_empty() {
                        "nothing".to_owned()
                    } else {
                        others.join(", ")
                    };
                    format!("{} → found {got}", excerpt(&s.text, l.start, l.end))
                });
            } else {
                c.true_positives += 1;
                form.found += 1;
                if same.iter().any(|m| (m.start, m.end) == span) {
                    c.exact += 1;
                } else {
                    let m = same[0];
                    self.inexact.entry(key).or_default().add(|| {
                        format!(
                            "{} → matched «{}»",
                            excerpt(&s.text, l.start, l.end),
                            &s.text[m.start..m.end]
                        )
                    });
                }
            }
        }
        for m in found {
            let span = (m.start, m.end);
            let c = self.counts.entry(m.kind).or_default();
            c.detections += 1;
            let matched = s
                .labels
                .iter()
                .find(|l| l.kind == m.kind && overlaps((l.start, l.end), span));
            if m.kind == PiiKind::Name {
                let group = match matched {
                    Some(l) => NameGroup::of_form(l.form),
                    None if follows_a_title(&s.text, m.start, m.end) => NameGroup::Titled,
                    None => NameGroup::Untitled,
                };
                let g = self.names.entry(group).or_default();
                g.detections += 1;
                g.false_positives += u64::from(matched.is_none());
            }
            if matched.is_some() {
                continue;
            }
            c.false_positives += 1;
            let negative = s
                .negatives
                .iter()
                .find(|n| overlaps((n.start, n.end), span));
            let label = s.labels.iter().find(|l| overlaps((l.start, l.end), span));
            let source = match (negative, label) {
                (Some(n), _) => format!("hard negative {}/{}", n.kind.as_str(), n.form),
                (None, Some(l)) => format!("label {}/{}", l.kind.as_str(), l.form),
                (None, None) => "unlabelled text".to_owned(),
            };
            self.false_positives
                .entry(format!("{} ← {source}", m.kind.as_str()))
                .or_default()
                .add(|| excerpt(&s.text, m.start, m.end));
        }
        for n in &s.negatives {
            let span = (n.start, n.end);
            let hits: Vec<&PiiMatch> = found
                .iter()
                .filter(|m| overlaps((m.start, m.end), span))
                .collect();
            let c = self.negatives.entry(n.kind).or_default();
            c.planted += 1;
            if !hits.is_empty() {
                c.flagged += 1;
            }
            if hits.iter().any(|m| CHECKSUM_KINDS.contains(&m.kind)) {
                c.flagged_checksum_kind += 1;
            }
            let f = self
                .negative_forms
                .entry(format!("{}/{}", n.kind.as_str(), n.form))
                .or_default();
            f.planted += 1;
            if !hits.is_empty() {
                f.flagged += 1;
            }
            let mut kinds: Vec<&'static str> = hits.iter().map(|m| m.kind.as_str()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            for k in kinds {
                *f.by_kind.entry(k).or_insert(0) += 1;
            }
        }
    }

    /// Scores of every detector kind, in [`PiiKind::ALL`] order.
    pub fn kinds(&self) -> Vec<KindScore> {
        PiiKind::ALL
            .iter()
            .map(|k| KindScore::new(*k, &self.counts.get(k).copied().unwrap_or_default()))
            .collect()
    }

    /// Scores over all kinds together (micro-averaged).
    pub fn overall(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |a, c| Counts {
            labels: a.labels + c.labels,
            detections: a.detections + c.detections,
            true_positives: a.true_positives + c.true_positives,
            false_positives: a.false_positives + c.false_positives,
            false_negatives: a.false_negatives + c.false_negatives,
            exact: a.exact + c.exact,
        })
    }

    /// Hard negatives overlapped by a match of a checksum-backed kind.
    pub fn negatives_flagged_as_checksum_kind(&self) -> u64 {
        self.negatives
            .values()
            .map(|c| c.flagged_checksum_kind)
            .sum()
    }

    /// Each of [`TARGETS`] with what was measured.
    pub fn targets(&self) -> Vec<TargetScore> {
        TARGETS
            .iter()
            .map(|t| {
                let (labels, detections, false_positives, found) = match t.scope {
                    Scope::Kind(k) => {
                        let c = self.counts.get(&k).copied().unwrap_or_default();
                        (c.labels, c.detections, c.false_positives, c.true_positives)
                    }
                    Scope::Names(g) => {
                        let c = self.names.get(&g).copied().unwrap_or_default();
                        (c.labels, c.detections, c.false_positives, c.found)
                    }
                };
                let precision = ratio(detections - false_positives, detections);
                let recall = ratio(found, labels);
                TargetScore {
                    scope: t.scope.name(),
                    labels,
                    detections,
                    false_positives,
                    precision,
                    recall,
                    precision_target: t.precision,
                    recall_target: t.recall,
                    met: precision >= t.precision && recall >= t.recall,
                }
            })
            .collect()
    }

    /// What falls short of the targets, one line each (empty when all are met).
    pub fn shortfalls(&self) -> Vec<String> {
        self.targets()
            .iter()
            .filter(|t| !t.met)
            .map(|t| {
                format!(
                    "{}: precision {:.4} (target {}), recall {:.4} (target {})",
                    t.scope, t.precision, t.precision_target, t.recall, t.recall_target
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii_corpus::{Label, Negative};

    fn m(kind: PiiKind, start: usize, end: usize) -> PiiMatch {
        PiiMatch { kind, start, end }
    }

    fn snippet() -> Snippet {
        // 0         1         2         3         4         5
        // 012345678901234567890123456789012345678901234567890123
        // "Tél 06 12 34 56 78, NIR 184127645108946, ticket 123"
        Snippet {
            text: "Tél 06 12 34 56 78, NIR 184127645108946, ticket 123".to_owned(),
            labels: vec![
                Label {
                    kind: PiiKind::Phone,
                    form: "spaces",
                    start: 5,
                    end: 19,
                },
                Label {
                    kind: PiiKind::Nir,
                    form: "compact",
                    start: 25,
                    end: 40,
                },
            ],
            negatives: vec![Negative {
                kind: NegativeKind::Ticket,
                form: "short",
                start: 49,
                end: 52,
            }],
        }
    }

    #[test]
    fn counts_hits_misses_and_traces_false_positives() {
        let s = snippet();
        let mut e = Evaluation::default();
        // The phone is found exactly, the NIR is taken for a card, the ticket for a SIREN.
        e.add(
            &s,
            &[
                m(PiiKind::Phone, 5, 19),
                m(PiiKind::Card, 25, 40),
                m(PiiKind::Siren, 49, 52),
            ],
        );
        let kinds = e.kinds();
        let get = |k: PiiKind| kinds.iter().find(|s| s.kind == k).copied().unwrap();
        let phone = get(PiiKind::Phone);
        assert_eq!(
            (phone.true_positives, phone.exact, phone.precision),
            (1, 1, 1.0)
        );
        let nir = get(PiiKind::Nir);
        assert_eq!((nir.labels, nir.false_negatives, nir.recall), (1, 1, 0.0));
        let card = get(PiiKind::Card);
        assert_eq!(
            (card.detections, card.false_positives, card.precision),
            (1, 1, 0.0)
        );
        assert_eq!(
            e.false_positives.keys().collect::<Vec<_>>(),
            [
                "card ← label nir/compact",
                "siren ← hard negative ticket/short"
            ]
        );
        assert_eq!(
            e.misses["nir/compact"].examples,
            [
                "Tél 06 12 34 56 78, NIR «184127645108946», ticket 123 → found card «184127645108946»"
            ]
        );
        assert_eq!(e.negatives_flagged_as_checksum_kind(), 1);
        assert_eq!(e.shortfalls().len(), 3, "{:?}", e.shortfalls());
        assert_eq!(
            e.forms["phone/spaces"],
            FormCounts {
                labels: 1,
                found: 1
            }
        );
    }

    #[test]
    fn inexact_spans_are_found_but_noted() {
        let s = snippet();
        let mut e = Evaluation::default();
        e.add(&s, &[m(PiiKind::Phone, 5, 13), m(PiiKind::Nir, 25, 40)]);
        let phone = e.kinds()[PiiKind::Phone as usize];
        assert_eq!((phone.true_positives, phone.exact), (1, 0));
        assert_eq!(e.inexact["phone/spaces"].count, 1);
        assert!(e.shortfalls().is_empty());
    }

    #[test]
    fn names_are_scored_by_group_and_false_positives_by_what_precedes_them() {
        // 0         1         2         3         4         5         6         7
        // 01234567890123456789012345678901234567890123456789012345678901234567890123456
        // "Vu avec Mme Martin, appel de Julie Petit, Monsieur le Maire, Service Client"
        let text = "Vu avec Mme Martin, appel de Julie Petit, Monsieur le Maire, Service Client";
        let s = Snippet {
            text: text.to_owned(),
            labels: vec![
                Label {
                    kind: PiiKind::Name,
                    form: "surname",
                    start: 12,
                    end: 18,
                },
                Label {
                    kind: PiiKind::Name,
                    form: "no-title-running",
                    start: 29,
                    end: 40,
                },
            ],
            negatives: vec![
                Negative {
                    kind: NegativeKind::TitleFunction,
                    form: "capitalised-role",
                    start: 42,
                    end: 59,
                },
                Negative {
                    kind: NegativeKind::NotAName,
                    form: "service",
                    start: 61,
                    end: 75,
                },
            ],
        };
        let mut e = Evaluation::default();
        // The titled name is found, the untitled one missed, both negatives flagged.
        e.add(
            &s,
            &[
                m(PiiKind::Name, 8, 18),
                m(PiiKind::Name, 54, 59),
                m(PiiKind::Name, 61, 75),
            ],
        );
        assert_eq!(
            e.names[&NameGroup::Titled],
            NameCounts {
                labels: 1,
                found: 1,
                detections: 2,
                false_positives: 1
            }
        );
        assert_eq!(
            e.names[&NameGroup::Untitled],
            NameCounts {
                labels: 1,
                found: 0,
                detections: 1,
                false_positives: 1
            }
        );
        let t = e.targets();
        let titled = t.iter().find(|t| t.scope == "name-titled").unwrap();
        assert_eq!(
            (titled.precision, titled.recall, titled.met),
            (0.5, 1.0, false)
        );
        let untitled = t.iter().find(|t| t.scope == "name-untitled").unwrap();
        assert_eq!((untitled.precision, untitled.recall), (0.0, 0.0));
        assert_eq!(
            e.negative_forms["title-function/capitalised-role"],
            NegativeFormCounts {
                planted: 1,
                flagged: 1,
                by_kind: [("name", 1)].into_iter().collect()
            }
        );
        assert_eq!(e.negative_forms["not-a-name/service"].flagged, 1);
        assert_eq!(
            (
                e.forms["name/surname"].found,
                e.forms["name/no-title-running"].found
            ),
            (1, 0)
        );
    }

    #[test]
    fn titles_are_seen_before_a_match_or_opening_it() {
        let t = "Vu avec Monsieur le Maire ; M. Dupont ; MME Roux ; Julie Petit ; dr. House";
        let at = |w: &str| {
            let i = t.find(w).unwrap();
            follows_a_title(t, i, i + w.len())
        };
        assert!(at("Maire"));
        assert!(at("le Maire"));
        assert!(at("Monsieur le Maire"));
        assert!(at("Dupont"));
        assert!(at("Roux"));
        assert!(at("House"));
        assert!(!at("Julie Petit"));
        assert!(!at("Petit"));
        assert!(!at("Vu"));
    }

    #[test]
    fn excerpts_respect_char_boundaries() {
        let text = "é".repeat(30) + "X" + &"è".repeat(30);
        let x = text.find('X').unwrap();
        let e = excerpt(&text, x, x + 1);
        assert!(
            e.starts_with('…') && e.ends_with('…') && e.contains("«X»"),
            "{e}"
        );
    }
}
