//! `pii-eval`: measures the precision and recall of `watt_core::pii::detect` on a
//! generated labelled corpus of French free text (see `watt_bench::pii_corpus`), and the
//! throughput of the detectors on that text.
//!
//! ```text
//! pii-eval                              # 30 000 snippets, seed 1, tables on stdout
//! pii-eval --items 2000 --seed 7 --json pii.json --check
//! pii-eval --corpus corpus.jsonl        # also write the corpus, one snippet a line
//! pii-eval --time 5                     # also measure MB/s, best of 5 runs
//! ```
//!
//! Prints per kind the labels, detections, true/false positives, false negatives,
//! precision, recall and F1; the targets of issue 23 (checksum-backed kinds and names after
//! a title: precision and recall ≥ 0.97; names without a title: recall ≥ 0.7 at precision
//! ≥ 0.95) and what was measured for each; recall per spelling family; hard negatives
//! flagged per family and by which kind; the error patterns (missed spellings, sources of
//! false positives, with fictional examples); and how often random numbers without context
//! are taken for an identifier. With `--check` it exits with 1 when a target is not met.
//! With `--time N` it runs the detectors N times over the corpus's texts, one call per
//! snippet as the minimiser calls them on each cell and one call on the texts joined by
//! newlines, and reports the best run in MB/s (10⁶ bytes of text per second, wall time):
//! build in release for figures worth keeping.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde::Serialize;
use watt_bench::pii_corpus::{
    self, CHANCE_SHAPES, DEFAULT_SNIPPETS, FAMILIES, NEGATIVE_FAMILIES, NameGroup, NegativeKind,
};
use watt_bench::pii_score::{
    Evaluation, KindScore, NameCounts, NegativeFormCounts, Pattern, TargetScore,
};
use watt_bench::prng::SplitMix64;
use watt_core::pii::{self, KindSet, PiiMatch};

/// Measure the PII detectors on a generated labelled corpus.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Snippets to generate.
    #[arg(long, default_value_t = DEFAULT_SNIPPETS)]
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
    /// Exit with 1 when a target of issue 23 is not met.
    #[arg(long)]
    check: bool,
    /// Also measure the detectors' throughput: best of this many runs (0: skip it).
    #[arg(long, default_value_t = 0)]
    time: u32,
}

/// Recall of one spelling family.
#[derive(Debug, Serialize)]
struct FamilyScore {
    family: String,
    kind: &'static str,
    form: &'static str,
    /// For names: `name-titled` or `name-untitled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'static str>,
    labels: u64,
    found: u64,
    recall: f64,
}

/// Hard negatives of one family, and what flagged them.
#[derive(Debug, Serialize)]
struct NegativeFamilyScore {
    family: String,
    #[serde(flatten)]
    counts: NegativeFormCounts,
    flagged_share: f64,
}

#[derive(Debug, Serialize)]
struct NameGroupScore {
    group: NameGroup,
    #[serde(flatten)]
    counts: NameCounts,
    precision: f64,
    recall: f64,
}

/// One timed pass: the best of the runs.
#[derive(Debug, Serialize)]
struct Pass {
    calls: u64,
    best_seconds: f64,
    mb_per_s: f64,
}

/// Throughput of `watt_core::pii::detect` on the corpus's texts.
#[derive(Debug, Serialize)]
struct Throughput {
    runs: u32,
    /// Bytes of text (UTF-8) per run, newlines between snippets not counted.
    bytes: u64,
    /// `release` or `debug`: only release figures are worth keeping.
    profile: &'static str,
    /// One call per snippet, as the minimiser calls the detectors on each cell.
    per_snippet: Pass,
    /// One call on all the snippets joined by newlines.
    one_text: Pass,
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
struct Results<'a> {
    seed: u64,
    snippets: u64,
    labels: u64,
    hard_negatives: u64,
    targets: Vec<TargetScore>,
    meets_targets: bool,
    shortfalls: Vec<String>,
    kinds: Vec<KindScore>,
    name_groups: Vec<NameGroupScore>,
    families: Vec<FamilyScore>,
    negative_families: Vec<NegativeFamilyScore>,
    misses: &'a BTreeMap<String, Pattern>,
    false_positives: &'a BTreeMap<String, Pattern>,
    inexact: &'a BTreeMap<String, Pattern>,
    negatives: Vec<NegativeScore>,
    negatives_flagged_as_checksum_kind: u64,
    chance_collisions: Vec<ChanceScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    throughput: Option<Throughput>,
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

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// Every family of [`FAMILIES`], in its order, with its recall (0 labels: recall 1).
fn family_scores(eval: &Evaluation) -> Vec<FamilyScore> {
    FAMILIES
        .iter()
        .flat_map(|(kind, forms)| forms.iter().map(move |form| (*kind, *form)))
        .map(|(kind, form)| {
            let family = format!("{}/{form}", kind.as_str());
            let c = eval.forms.get(&family).copied().unwrap_or_default();
            FamilyScore {
                kind: kind.as_str(),
                form,
                group: (kind == watt_core::pii::PiiKind::Name)
                    .then(|| NameGroup::of_form(form).as_str()),
                labels: c.labels,
                found: c.found,
                recall: ratio(c.found, c.labels),
                family,
            }
        })
        .collect()
}

/// Every family of [`NEGATIVE_FAMILIES`], in its order.
fn negative_family_scores(eval: &Evaluation) -> Vec<NegativeFamilyScore> {
    NEGATIVE_FAMILIES
        .iter()
        .flat_map(|(kind, forms)| forms.iter().map(move |form| (*kind, *form)))
        .map(|(kind, form)| {
            let family = format!("{}/{form}", kind.as_str());
            let counts = eval
                .negative_forms
                .get(&family)
                .cloned()
                .unwrap_or_default();
            NegativeFamilyScore {
                flagged_share: counts.flagged as f64 / counts.planted.max(1) as f64,
                family,
                counts,
            }
        })
        .collect()
}

fn name_group_scores(eval: &Evaluation) -> Vec<NameGroupScore> {
    [NameGroup::Titled, NameGroup::Untitled]
        .into_iter()
        .map(|group| {
            let c = eval.names.get(&group).copied().unwrap_or_default();
            NameGroupScore {
                group,
                precision: ratio(c.detections - c.false_positives, c.detections),
                recall: ratio(c.found, c.labels),
                counts: c,
            }
        })
        .collect()
}

fn print_targets(targets: &[TargetScore]) {
    println!(
        "\ntargets of issue 23:\n  {:<14} {:>7} {:>9} {:>8} {:>7} {:>8}  met",
        "scope", "labels", "precision", "(target)", "recall", "(target)"
    );
    for t in targets {
        println!(
            "  {:<14} {:>7} {:>9.4} {:>8} {:>7.4} {:>8}  {}",
            t.scope,
            t.labels,
            t.precision,
            format!("≥ {}", t.precision_target),
            t.recall,
            format!("≥ {}", t.recall_target),
            if t.met { "yes" } else { "NO" }
        );
    }
}

fn print_families(families: &[FamilyScore], groups: &[NameGroupScore]) {
    println!(
        "\nrecall by spelling family:\n  {:<36} {:>7} {:>7} {:>7}",
        "family", "labels", "found", "recall"
    );
    for f in families {
        println!(
            "  {:<36} {:>7} {:>7} {:>7.4}{}",
            f.family,
            f.labels,
            f.found,
            f.recall,
            if f.found < f.labels { "  ←" } else { "" }
        );
    }
    println!(
        "\nnames by group (a name match overlapping no name label counts for the titled group\nwhen a title comes right before it):\n  {:<14} {:>7} {:>7} {:>10} {:>6} {:>9} {:>7}",
        "group", "labels", "found", "detections", "FP", "precision", "recall"
    );
    for g in groups {
        println!(
            "  {:<14} {:>7} {:>7} {:>10} {:>6} {:>9.4} {:>7.4}",
            g.group.as_str(),
            g.counts.labels,
            g.counts.found,
            g.counts.detections,
            g.counts.false_positives,
            g.precision,
            g.recall
        );
    }
}

fn print_negative_families(families: &[NegativeFamilyScore]) {
    println!(
        "\nhard negatives by family: planted, flagged (any kind), flagged as\n  {:<36} {:>7} {:>7}  as",
        "family", "planted", "flagged"
    );
    for f in families {
        let kinds: Vec<String> = f
            .counts
            .by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        println!(
            "  {:<36} {:>7} {:>7}  {}",
            f.family,
            f.counts.planted,
            f.counts.flagged,
            kinds.join(", ")
        );
    }
}

/// Best of `runs` passes of `pass`, in seconds.
fn best_of(runs: u32, mut pass: impl FnMut() -> u64) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(pass());
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn throughput(texts: &[String], runs: u32) -> Throughput {
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let joined = texts.join("\n");
    let mut found: Vec<PiiMatch> = Vec::new();
    let per_snippet = best_of(runs, || {
        let mut n = 0;
        for t in texts {
            pii::detect(std::hint::black_box(t), KindSet::ALL, &mut found);
            n += found.len() as u64;
        }
        n
    });
    let one_text = best_of(runs, || {
        pii::detect(std::hint::black_box(&joined), KindSet::ALL, &mut found);
        found.len() as u64
    });
    let pass = |calls: u64, seconds: f64| Pass {
        calls,
        best_seconds: seconds,
        mb_per_s: bytes as f64 / 1e6 / seconds,
    };
    Throughput {
        runs,
        bytes,
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        per_snippet: pass(texts.len() as u64, per_snippet),
        one_text: pass(1, one_text),
    }
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
    let mut texts: Vec<String> = Vec::new();
    for snippet in pii_corpus::corpus(args.seed, args.items) {
        pii::detect(&snippet.text, KindSet::ALL, &mut found);
        eval.add(&snippet, &found);
        hard_negatives += snippet.negatives.len() as u64;
        if let Some(out) = &mut corpus_out {
            let line = serde_json::to_string(&snippet).map_err(|e| e.to_string())?;
            writeln!(out, "{line}").map_err(|e| format!("cannot write the corpus: {e}"))?;
        }
        if args.time > 0 {
            texts.push(snippet.text);
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
    let targets = eval.targets();
    let shortfalls = eval.shortfalls();
    print_targets(&targets);
    let families = family_scores(&eval);
    let groups = name_group_scores(&eval);
    print_families(&families, &groups);
    let negative_families = negative_family_scores(&eval);
    print_negative_families(&negative_families);
    print_patterns("missed items (false negatives), by spelling", &eval.misses);
    print_patterns(
        "false positives, by detected kind ← what they cover",
        &eval.false_positives,
    );
    print_patterns("found with a different span, by spelling", &eval.inexact);

    println!(
        "\nhard negatives by kind: planted, flagged (any kind), flagged as a checksum-backed kind"
    );
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

    let throughput = (args.time > 0).then(|| throughput(&texts, args.time));
    if let Some(t) = &throughput {
        println!(
            "\nthroughput ({} build, best of {} runs over {:.2} MB of text):\n  one call per snippet ({} calls): {:.1} MB/s\n  one call on the joined text:      {:.1} MB/s",
            t.profile,
            t.runs,
            t.bytes as f64 / 1e6,
            t.per_snippet.calls,
            t.per_snippet.mb_per_s,
            t.one_text.mb_per_s
        );
    }

    let meets = shortfalls.is_empty();
    if let Some(path) = &args.json {
        let results = Results {
            seed: args.seed,
            snippets: args.items,
            labels,
            hard_negatives,
            targets,
            meets_targets: meets,
            shortfalls,
            kinds,
            name_groups: groups,
            families,
            negative_families,
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
            throughput,
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
