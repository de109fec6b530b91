//! Differential test: `watt check` against frictionless-py, the reference implementation of
//! Frictionless Table Schema, on a few hundred small generated cases.
//!
//! `frictionless/cases.py` writes the cases (tables, schemas, dialects: every type, format,
//! constraint, structural error and dialect option) into a temporary folder and runs the
//! oracle on each, in one Python process. This test then runs the real binary on each case
//! and compares, after [`normalise`]: the verdict (valid, invalid, refused) and the list of
//! (code, row number, field number) of the findings.
//!
//! Every difference known today is listed in `frictionless/differences.json` (which cases,
//! what kind of difference, and a reason key explained in `docs/frictionless-compat.md`),
//! either as deliberate or as not yet conformant (issue 18, with its point). The test fails
//! on a difference not listed, and on a listed difference that no longer occurs (so the list
//! shrinks as watt gets closer, and cannot drift). `WATT_FRICTIONLESS_REPORT=FILE` writes
//! every current difference, grouped, to rebuild the list quickly.
//!
//! The oracle is frictionless-py 5.18.1, with the libraries its verdicts come from pinned
//! in `frictionless/requirements.txt` (`python3 -m pip install -r
//! native/tests/frictionless/requirements.txt`; `.ci/setup.sh` installs them). Without it the test fails and says so: it is never skipped.
//! `WATT_PYTHON` names another interpreter than `python3`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// Findings asked of watt: all of them, so the lists compare whole.
const MAX_FINDINGS: &str = "1000000";

/// Codes of problems of the header: frictionless gives them no row number.
const LABEL_CODES: [&str; 5] = [
    "blank-label",
    "duplicate-label",
    "missing-label",
    "extra-label",
    "incorrect-label",
];
/// Codes of problems of a whole row: frictionless gives them no field number.
const ROW_CODES: [&str; 3] = ["blank-row", "primary-key", "foreign-key"];
/// Codes of problems of the whole file: frictionless reports one, with no row or field.
const FILE_CODES: [&str; 2] = ["encoding-error", "source-error"];

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/frictionless")
}

/// A finding reduced to what both tools give: (code, row number, field number).
type Finding = (String, Option<u64>, Option<u64>);

/// What one tool said of one case.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    /// `valid`, `invalid` or `refused` (the schema or the options were not accepted).
    verdict: String,
    /// Normalised and sorted.
    findings: Vec<Finding>,
    /// Why it refused (watt: the first line of its standard error).
    note: String,
}

/// Drops what one tool cannot give: the row of a label problem, the field of a row
/// problem, the place of a whole-file problem (reported once); then sorts, since watt lists
/// a row's repeated keys after the row's other findings.
fn normalise(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .into_iter()
        .map(|(code, row, field)| {
            if LABEL_CODES.contains(&code.as_str()) {
                (code, None, field)
            } else if ROW_CODES.contains(&code.as_str()) {
                (code, row, None)
            } else if FILE_CODES.contains(&code.as_str()) {
                (code, None, None)
            } else {
                (code, row, field)
            }
        })
        .collect();
    out.sort();
    let mut seen_file_codes = Vec::new();
    out.retain(|(code, ..)| {
        if FILE_CODES.contains(&code.as_str()) {
            if seen_file_codes.contains(code) {
                return false;
            }
            seen_file_codes.push(code.clone());
        }
        true
    });
    out
}

fn number(v: &Value) -> Option<u64> {
    v.as_u64()
}

/// One generated case, as `cases.json` lists it.
struct Case {
    id: String,
    dir: PathBuf,
    dialect: Option<String>,
    oracle: Outcome,
}

fn load_cases(out: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(out.join("cases.json")).expect("cases.py wrote cases.json");
    let doc: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let cases = doc["cases"].as_array().expect("cases.json lists cases");
    cases
        .iter()
        .map(|c| {
            let o = &c["oracle"];
            let findings = o["errors"]
                .as_array()
                .expect("the oracle's errors")
                .iter()
                .map(|e| {
                    (
                        e[0].as_str().expect("an error code").to_owned(),
                        number(&e[1]),
                        number(&e[2]),
                    )
                })
                .collect();
            Case {
                id: c["id"].as_str().expect("a case id").to_owned(),
                dir: out.join(c["dir"].as_str().expect("a case folder")),
                dialect: c["dialect"].as_str().map(str::to_owned),
                oracle: Outcome {
                    verdict: o["verdict"].as_str().expect("a verdict").to_owned(),
                    findings: normalise(findings),
                    note: o["note"].as_str().unwrap_or_default().to_owned(),
                },
            }
        })
        .collect()
}

/// Runs the generator and the oracle into `out`, or fails saying how to install them.
fn generate(out: &Path) {
    let python = std::env::var("WATT_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let install = "install Python 3 and the oracle: python3 -m pip install -r \
                   native/tests/frictionless/requirements.txt (bash .ci/setup.sh does)";
    let result = Command::new(&python)
        .arg(here().join("cases.py"))
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} ({e}): {install}"));
    // cases.py exits 3 when the oracle is missing or of another version.
    let hint = if result.status.code() == Some(3) {
        install
    } else {
        ""
    };
    assert!(
        result.status.success(),
        "cases.py failed ({}): {}\n{hint}",
        result.status,
        String::from_utf8_lossy(&result.stderr)
    );
}

/// `watt check` on one case.
fn run_watt(case: &Case) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watt"));
    cmd.current_dir(&case.dir)
        .env("NO_COLOR", "1")
        .args(["check", "data.csv", "--schema", "schema.json"])
        .args(["--format", "json", "--max-findings", MAX_FINDINGS]);
    if let Some(dialect) = &case.dialect {
        cmd.args(["--dialect", dialect]);
    }
    let out = cmd.output().expect("watt runs");
    let code = out.status.code().expect("watt exits with a code");
    let stderr = String::from_utf8_lossy(&out.stderr);
    match code {
        0 | 1 => {
            let report: Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{}: the report is not JSON ({e})", case.id));
            let findings = report["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .map(|f| {
                    (
                        f["code"].as_str().expect("a code").to_owned(),
                        number(&f["rowNumber"]),
                        number(&f["fieldNumber"]),
                    )
                })
                .collect();
            assert_eq!(
                report["truncated"], false,
                "{}: all findings listed",
                case.id
            );
            Outcome {
                verdict: if code == 0 { "valid" } else { "invalid" }.to_owned(),
                findings: normalise(findings),
                note: String::new(),
            }
        }
        2 => Outcome {
            verdict: "refused".to_owned(),
            findings: Vec::new(),
            note: stderr.lines().next().unwrap_or_default().to_owned(),
        },
        other => panic!("{}: watt exited {other}: {stderr}", case.id),
    }
}

/// How the two outcomes of a case differ, if they do: a kind, and the detail.
fn difference(watt: &Outcome, oracle: &Outcome) -> Option<(&'static str, String)> {
    let list = |f: &[Finding]| {
        f.iter()
            .map(|(c, r, n)| {
                let show = |x: &Option<u64>| x.map_or("-".to_owned(), |x| x.to_string());
                format!("{c}@{}:{}", show(r), show(n))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    match (watt.verdict.as_str(), oracle.verdict.as_str()) {
        ("refused", "refused") => None,
        ("refused", _) => Some(("watt-refuses", watt.note.clone())),
        (_, "refused") => Some(("oracle-refuses", oracle.note.clone())),
        ("valid", "valid") => None,
        ("valid", _) => Some(("watt-passes", format!("oracle: {}", list(&oracle.findings)))),
        (_, "valid") => Some(("watt-fails", format!("watt: {}", list(&watt.findings)))),
        _ if watt.findings == oracle.findings => None,
        _ => {
            let only = |a: &[Finding], b: &[Finding]| {
                let mut b = b.to_vec();
                a.iter()
                    .filter(|f| match b.iter().position(|g| g == *f) {
                        Some(i) => {
                            b.remove(i);
                            false
                        }
                        None => true,
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            };
            Some((
                "findings",
                format!(
                    "oracle only: [{}]; watt only: [{}]",
                    list(&only(&oracle.findings, &watt.findings)),
                    list(&only(&watt.findings, &oracle.findings))
                ),
            ))
        }
    }
}

/// One entry of `differences.json`.
struct Listed {
    /// Patterns of case ids, `*` matching any text.
    cases: Vec<String>,
    kind: String,
    /// Text the difference's detail must contain, when given.
    detail: Option<String>,
    reason: String,
    status: String,
    point: Option<u64>,
}

fn load_listed() -> Vec<Listed> {
    let path = here().join("differences.json");
    let text = std::fs::read_to_string(&path).expect("differences.json");
    let doc: Value = serde_json::from_str(&text).expect("differences.json is JSON");
    doc["differences"]
        .as_array()
        .expect("differences.json has a list `differences`")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().map(str::to_owned);
            let listed = Listed {
                cases: d["cases"]
                    .as_array()
                    .expect("an entry lists its cases")
                    .iter()
                    .map(|c| c.as_str().expect("a case pattern").to_owned())
                    .collect(),
                kind: s("kind").expect("an entry names its kind"),
                detail: s("detail"),
                reason: s("reason").expect("an entry gives its reason key"),
                status: s("status").expect("an entry gives its status"),
                point: d["point"].as_u64(),
            };
            assert!(
                matches!(listed.status.as_str(), "deliberate" | "not-yet" | "found"),
                "differences.json: {:?}: status is deliberate, not-yet or found",
                listed.cases
            );
            assert!(
                listed.status != "not-yet" || listed.point.is_some(),
                "differences.json: {:?}: a not-yet difference names its point of issue 18",
                listed.cases
            );
            listed
        })
        .collect()
}

/// `*` matches any text (slashes included); everything else is literal.
fn matches(pattern: &str, id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == id;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !id.starts_with(first) || !id[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &id[first.len()..id.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn watt_gives_frictionless_verdicts_codes_and_positions_but_for_listed_differences() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    generate(tmp.path());
    let cases = load_cases(tmp.path());
    assert!(cases.len() > 300, "cases.py wrote {} cases", cases.len());

    // Two at a time: the machine's cores are shared.
    let results: Vec<Outcome> = std::thread::scope(|s| {
        let half = cases.len().div_ceil(2);
        let handles: Vec<_> = cases
            .chunks(half)
            .map(|chunk| s.spawn(move || chunk.iter().map(run_watt).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a runner thread"))
            .collect()
    });

    let listed = load_listed();
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/frictionless-compat.md"),
    )
    .expect("docs/frictionless-compat.md");
    let mut problems = Vec::new();
    for l in &listed {
        if !docs.contains(&format!("`{}`", l.reason)) {
            problems.push(format!(
                "reason `{}` (for {:?}) is not explained in docs/frictionless-compat.md",
                l.reason, l.cases
            ));
        }
    }
    // Per entry, per pattern: the cases it matched first.
    let mut used: Vec<Vec<usize>> = listed.iter().map(|l| vec![0; l.cases.len()]).collect();
    let mut report = Vec::new();
    let mut unlisted = 0;
    for (case, watt) in cases.iter().zip(&results) {
        let diff = difference(watt, &case.oracle);
        let entry = listed.iter().enumerate().find_map(|(i, l)| {
            let p = l.cases.iter().position(|p| matches(p, &case.id))?;
            Some((i, p))
        });
        if let Some((i, p)) = entry {
            used[i][p] += 1;
        }
        let entry = entry.map(|(i, _)| i);
        if let Some((kind, detail)) = &diff {
            report.push(json!({
                "id": case.id, "kind": kind, "detail": detail,
                "listedAs": entry.map(|i| listed[i].reason.clone()),
                "oracle": case.oracle.verdict, "watt": watt.verdict,
            }));
        }
        match (diff, entry.map(|i| &listed[i])) {
            (None, None) => {}
            (Some((kind, detail)), None) => {
                unlisted += 1;
                problems.push(format!("{}: unlisted difference {kind}: {detail}", case.id));
            }
            (None, Some(l)) => problems.push(format!(
                "{}: listed as {} ({}) but watt now agrees with frictionless: take it out \
                 of differences.json (and docs/frictionless-compat.md when its reason goes)",
                case.id, l.kind, l.reason
            )),
            (Some((kind, detail)), Some(l)) => {
                let detail_ok = l
                    .detail
                    .as_ref()
                    .is_none_or(|d| detail.contains(d.as_str()));
                if kind != l.kind || !detail_ok {
                    problems.push(format!(
                        "{}: listed as {} ({}{}), now {kind}: {detail}",
                        case.id,
                        l.kind,
                        l.reason,
                        l.detail
                            .as_ref()
                            .map_or(String::new(), |d| format!(", with {d:?}")),
                    ));
                }
            }
        }
    }
    for (l, counts) in listed.iter().zip(&used) {
        for (pattern, n) in l.cases.iter().zip(counts) {
            if *n == 0 {
                problems.push(format!(
                    "differences.json: {pattern:?} ({}) matches no case first: remove it",
                    l.reason
                ));
            }
        }
    }

    if let Some(path) = std::env::var_os("WATT_FRICTIONLESS_REPORT") {
        write_report(Path::new(&path), cases.len(), &report);
    }
    let differing = report.len();
    assert!(
        problems.is_empty(),
        "{} problem(s) ({unlisted} unlisted difference(s); {differing} of {} cases differ \
         from frictionless; WATT_FRICTIONLESS_REPORT=FILE writes them all, grouped):\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

/// Every current difference, grouped by (listed reason or `UNLISTED`, kind, case family),
/// and draft entries of `differences.json` for the unlisted ones.
fn write_report(path: &Path, total: usize, report: &[Value]) {
    let mut groups: BTreeMap<(String, String, String), Vec<Value>> = BTreeMap::new();
    for d in report {
        let id = d["id"].as_str().expect("an id");
        // `area/what:value` and `area/what/variant` are both of the family `area/what`.
        let family = match id.split_once(':') {
            Some((f, _)) => f,
            None => id.rsplit_once('/').map_or(id, |(f, _)| f),
        }
        .to_owned();
        let listed = d["listedAs"].as_str().unwrap_or("UNLISTED").to_owned();
        let kind = d["kind"].as_str().expect("a kind").to_owned();
        groups
            .entry((listed, kind, family))
            .or_default()
            .push(json!({"id": id, "detail": d["detail"]}));
    }
    // Entries to paste into differences.json for what is not listed, once given a status
    // and a reason.
    let draft: Vec<Value> = groups
        .iter()
        .filter(|((listed, ..), _)| listed == "UNLISTED")
        .map(|((_, kind, _), cases)| {
            let ids: Vec<&Value> = cases.iter().map(|c| &c["id"]).collect();
            json!({"cases": ids, "kind": kind, "status": "?", "reason": "?"})
        })
        .collect();
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|((listed, kind, family), cases)| {
            json!({"listedAs": listed, "kind": kind, "family": family,
                   "count": cases.len(), "cases": cases})
        })
        .collect();
    let doc = json!({
        "oracle": "frictionless-py 5.18.1",
        "cases": total,
        "differing": report.len(),
        "groups": groups,
        "draftEntries": draft,
    });
    std::fs::write(
        path,
        serde_json::to_string_pretty(&doc).expect("the report serialises") + "\n",
    )
    .expect("WATT_FRICTIONLESS_REPORT is writable");
}

#[test]
fn case_patterns_match_with_stars_only() {
    assert!(matches("type/duration/*", "type/duration/default:P1D"));
    assert!(matches("type/*/any:*", "type/date/any:01/15/2024"));
    assert!(matches("dialect/*", "dialect/"));
    assert!(matches(
        "primaryKey/single/empty",
        "primaryKey/single/empty"
    ));
    assert!(!matches(
        "primaryKey/single/empty",
        "primaryKey/single/empty-twice"
    ));
    assert!(!matches("type/*/any:*", "type/date/default:2024"));
    assert!(!matches("a*b*c", "acb"));
    assert!(matches(
        "structure/rows/blank-*",
        "structure/rows/blank-end"
    ));
    assert!(matches(
        "constraint/enum/string:[x]",
        "constraint/enum/string:[x]"
    ));
}

#[test]
fn findings_are_normalised_to_what_both_tools_give() {
    let f = |c: &str, r: Option<u64>, n: Option<u64>| (c.to_owned(), r, n);
    assert_eq!(
        normalise(vec![
            f("type-error", Some(3), Some(2)),
            f("primary-key", Some(3), Some(1)),
            f("extra-label", Some(1), Some(3)),
            f("encoding-error", Some(2), Some(1)),
            f("encoding-error", Some(5), Some(2)),
            f("blank-row", Some(2), None),
        ]),
        vec![
            f("blank-row", Some(2), None),
            f("encoding-error", None, None),
            f("extra-label", None, Some(3)),
            f("primary-key", Some(3), None),
            f("type-error", Some(3), Some(2)),
        ]
    );
}
