//! `pii-eval`: measures the precision and recall of `watt_core::pii::detect` on a
//! generated labelled corpus of French free text (see `watt_bench::pii_corpus`).
//!
//! ```text
//! pii-eval                              # 20 000 snippets, seed 1, table on stdout
//! pii-eval --items 2000 --seed 7 --json pii.json --check
//! pii-eval --corpus corpus.jsonl        # also write the corpus, one snippet a line
//! ```
//!
//! Prints per kind the labels, detections, true/false positives, false negatives,
//! precision, recall and F1, then the error patterns (missed spellings, sources of false
//! positives, with fictional examples), the hard negatives flagged, and how often random
//! numbers without context are taken for an identifier. With `--check` it exits with 1
//! when a checksum-backed kind (nir, iban, siret, siren, card) has precision < 0.99 or
//! recall < 0.95.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use serde::Serialize;
use watt_bench::pii_corpus::{self, CHANCE_SHAPES, CHECKSUM_KINDS, NegativeKind};
use watt_bench::pii_score::{
    Evaluation, FormCounts, KindScore, PRECISION_TARGET, Pattern, RECALL_TARGET,
};
use watt_bench::prng::SplitMix64;
use watt_core::pii::{self, KindSet, PiiMatch};

/// Measure the PII detectors on a generated labelled corpus.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Snippets to generate.
    #[arg(long, default_value_t = 20_000)]
    items: u64,
    /// Seed of the corpus: the same seed gives the same snippets.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also write the corpus (text, labels, negatives) as JSON lines to this file.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Random numbers per shape for the chance-collision measurement (0: skip it).
    #[arg(long, default_value_t = 20_000)]
    chance: u64,
    /// Exit with 1 when a checksum-backed kind misses its precision or recall target.
    #[arg(long)]
    check: bool,
}

#[derive(Debug, Serialize)]
struct FormScore {
    #[serde(flatten)]
    counts: FormCounts,
    recall: f64,
}

#[derive(Debug, Serialize)]
struct NegativeScore {
    kind: NegativeKind,
    planted: u64,
    flagged: u64,
    flagged_checksum_kind: u64,
}

#[derive(Debug, Serialize)]
struct ChanceScore {
    shape: &'static str,
    numbers: u64,
    flagged: u64,
    /// Numbers flagged, by detected kind.
    by_kind: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Serialize)]
struct Targets {
    precision: f64,
    recall: f64,
    kinds: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Results<'a> {
    seed: u64,
    snippets: u64,
    labels: u64,
    hard_negatives: u64,
    targets: Targets,
    meets_targets: bool,
    shortfalls: Vec<String>,
    kinds: Vec<KindScore>,
    forms: BTreeMap<&'a str, FormScore>,
    misses: &'a BTreeMap<String, Pattern>,
    false_positives: &'a BTreeMap<String, Pattern>,
    inexact: &'a BTreeMap<String, Pattern>,
    negatives: Vec<NegativeScore>,
    negatives_flagged_as_checksum_kind: u64,
    chance_collisions: Vec<ChanceScore>,
    watt_core: &'static str,
    rustc: &'static str,
}

fn percent(num: u64, den: u64) -> String {
    if den == 0 {
        "-".to_owned()
    } else {
        format!("{:.2}%", num as f64 * 100.0 / den as f64)
    }
}

fn print_table(kinds: &[KindScore], eval: &Evaluation) {
    println!(
        "{:<7} {:>3} {:>7} {:>7} {:>7} {:>6} {:>6} {:>9} {:>7} {:>7} {:>7}",
        "kind", "ck", "labels", "found", "TP", "FP", "FN", "precision", "recall", "F1", "exact"
    );
    for k in kinds {
        println!(
            "{:<7} {:>3} {:>7} {:>7} {:>7} {:>6} {:>6} {:>9.4} {:>7.4} {:>7.4} {:>7}",
            k.kind.as_str(),
            if k.checksum_backed { "✓" } else { "" },
            k.labels,
            k.detections,
            k.true_positives,
            k.false_positives,
            k.false_negatives,
            k.precision,
            k.recall,
            k.f1,
            k.exact
        );
    }
    let all = eval.overall();
    let p = (all.detections - all.false_positives) as f64 / all.detections.max(1) as f64;
    let r = all.true_positives as f64 / all.labels.max(1) as f64;
    println!(
        "{:<7} {:>3} {:>7} {:>7} {:>7} {:>6} {:>6} {:>9.4} {:>7.4} {:>7.4} {:>7}",
        "all",
        "",
        all.labels,
        all.detections,
        all.true_positives,
        all.false_positives,
        all.false_negatives,
        p,
        r,
        2.0 * p * r / (p + r).max(f64::MIN_POSITIVE),
        all.exact
    );
}

fn print_patterns(title: &str, patterns: &BTreeMap<String, Pattern>) {
    println!("\n{title}:");
    if patterns.is_empty() {
        println!("  none");
    }
    let mut sorted: Vec<_> = patterns.iter().collect();
    sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    for (key, p) in sorted {
        println!("  {key}: {}", p.count);
        for e in &p.examples {
            println!("      {e}");
        }
    }
}

fn chance_collisions(seed: u64, n: u64) -> Vec<ChanceScore> {
    let mut found: Vec<PiiMatch> = Vec::new();
    CHANCE_SHAPES
        .iter()
        .enumerate()
        .map(|(i, shape)| {
            let mut rng = SplitMix64::stream(seed ^ 0xC0FF_EE00, i as u64);
            let mut score = ChanceScore {
                shape: shape.name,
                numbers: n,
                flagged: 0,
                by_kind: BTreeMap::new(),
            };
            for _ in 0..n {
                let (text, start, end) = pii_corpus::chance_number(&mut rng, shape);
                pii::detect(&text, KindSet::ALL, &mut found);
                let hit = found.iter().find(|m| m.start < end && start < m.end);
                if let Some(m) = hit {
                    score.flagged += 1;
                    *score.by_kind.entry(m.kind.as_str()).or_insert(0) += 1;
                }
            }
            score
        })
        .collect()
}

fn run(args: &Args) -> Result<bool, String> {
    let mut eval = Evaluation::default();
    let mut found: Vec<PiiMatch> = Vec::new();
    let mut corpus_out = match &args.corpus {
        Some(path) => {
            Some(BufWriter::new(File::create(path).map_err(|e| {
                format!("cannot create {}: {e}", path.display())
            })?))
        }
        None => None,
    };
    let mut hard_negatives = 0;
    for snippet in pii_corpus::corpus(args.seed, args.items) {
        pii::detect(&snippet.text, KindSet::ALL, &mut found);
        eval.add(&snippet, &found);
        hard_negatives += snippet.negatives.len() as u64;
        if let Some(out) = &mut corpus_out {
            let line = serde_json::to_string(&snippet).map_err(|e| e.to_string())?;
            writeln!(out, "{line}").map_err(|e| format!("cannot write the corpus: {e}"))?;
        }
    }
    if let Some(mut out) = corpus_out {
        out.flush()
            .map_err(|e| format!("cannot write the corpus: {e}"))?;
    }

    let kinds = eval.kinds();
    let labels: u64 = kinds.iter().map(|k| k.labels).sum();
    println!(
        "pii-eval: {} snippets (seed {}), {labels} planted items, {hard_negatives} hard negatives\n",
        args.items, args.seed
    );
    print_table(&kinds, &eval);
    let shortfalls = eval.shortfalls();
    let names: Vec<&'static str> = CHECKSUM_KINDS.iter().map(|k| k.as_str()).collect();
    println!(
        "\ntargets for {} (✓): precision ≥ {PRECISION_TARGET}, recall ≥ {RECALL_TARGET}: {}",
        names.join(", "),
        if shortfalls.is_empty() {
            "met".to_owned()
        } else {
            format!("NOT met ({})", shortfalls.join("; "))
        }
    );

    println!("\nrecall by spelling (below 100 %):");
    let mut all_found = 0;
    for (key, f) in &eval.forms {
        if f.found < f.labels {
            println!(
                "  {key}: {}/{} = {}",
                f.found,
                f.labels,
                percent(f.found, f.labels)
            );
        } else {
            all_found += 1;
        }
    }
    println!("  ({all_found} other spellings: every item found)");
    print_patterns("missed items (false negatives), by spelling", &eval.misses);
    print_patterns(
        "false positives, by detected kind ← what they cover",
        &eval.false_positives,
    );
    print_patterns("found with a different span, by spelling", &eval.inexact);

    println!("\nhard negatives: planted, flagged (any kind), flagged as a checksum-backed kind");
    for (kind, c) in &eval.negatives {
        println!(
            "  {:<15} {:>6} {:>6} {:>6}",
            kind.as_str(),
            c.planted,
            c.flagged,
            c.flagged_checksum_kind
        );
    }

    let chance = if args.chance > 0 {
        chance_collisions(args.seed, args.chance)
    } else {
        Vec::new()
    };
    if !chance.is_empty() {
        println!(
            "\nrandom numbers without a context word, taken for an identifier (not in the scores):"
        );
        for c in &chance {
            let kinds: Vec<String> = c
                .by_kind
                .iter()
                .map(|(k, n)| format!("{k} {}", percent(*n, c.numbers)))
                .collect();
            println!(
                "  {:<26} {} of {} flagged{}",
                c.shape,
                percent(c.flagged, c.numbers),
                c.numbers,
                if kinds.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", kinds.join(", "))
                }
            );
        }
    }

    let meets = shortfalls.is_empty();
    if let Some(path) = &args.json {
        let results = Results {
            seed: args.seed,
            snippets: args.items,
            labels,
            hard_negatives,
            targets: Targets {
                precision: PRECISION_TARGET,
                recall: RECALL_TARGET,
                kinds: names,
            },
            meets_targets: meets,
            shortfalls,
            kinds,
            forms: eval
                .forms
                .iter()
                .map(|(k, f)| {
                    let recall = f.found as f64 / f.labels.max(1) as f64;
                    (k.as_str(), FormScore { counts: *f, recall })
                })
                .collect(),
            misses: &eval.misses,
            false_positives: &eval.false_positives,
            inexact: &eval.inexact,
            negatives: eval
                .negatives
                .iter()
                .map(|(kind, c)| NegativeScore {
                    kind: *kind,
                    planted: c.planted,
                    flagged: c.flagged,
                    flagged_checksum_kind: c.flagged_checksum_kind,
                })
                .collect(),
            negatives_flagged_as_checksum_kind: eval.negatives_flagged_as_checksum_kind(),
            chance_collisions: chance,
            watt_core: watt_core::VERSION,
            rustc: env!("WATT_BENCH_RUSTC"),
        };
        let json = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("\nwrote {}", path.display());
    }
    Ok(meets)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) if args.check => {
            eprintln!("pii-eval: targets not met");
            ExitCode::FAILURE
        }
        Ok(false) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pii-eval: {e}");
            ExitCode::from(2)
        }
    }
}
