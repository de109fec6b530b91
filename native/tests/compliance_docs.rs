//! The compliance documents say what the code and the policies do, and this test keeps them
//! honest:
//!
//! - `docs/access_matrix.csv` (roles × raw files, minimised lake, key, logs, manifests,
//!   audit trail) agrees with the AWS policies in `docs/iam/`: a role tied to a policy has
//!   exactly the lake and audit-trail access its `Allow` statements grant (listing only
//!   under the prefix); the uploader can only create objects under its prefix; the bucket
//!   policy denies plain HTTP, other encryption than watt's `--sse` modes, overwrites,
//!   deletions by anyone but the roles the matrix lets delete, and any deletion of the
//!   audit trail; and no role but the privacy officer holds both the key and read access
//!   to the lake.
//! - Every `watt` command and option named in `docs/rgpd.md` and
//!   `docs/runbook-incident.md` exists in `watt --help`; every file, script and test that
//!   the "How to verify" list of `docs/rgpd.md` cites exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The records of a CSV text, header included.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a well-formed CSV")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

const RESOURCES: [&str; 6] = [
    "raw_files",
    "minimised_lake",
    "pseudonymisation_key",
    "logs",
    "manifests",
    "audit_trail",
];

/// The matrix: role → (iam policy file, resource → access rights).
type Matrix = BTreeMap<String, (String, BTreeMap<String, BTreeSet<String>>)>;

fn matrix() -> Matrix {
    let rows = parse_csv(&read("docs/access_matrix.csv"));
    let header = &rows[0];
    let mut expected = vec!["role", "iam_policy"];
    expected.extend(RESOURCES);
    expected.push("notes");
    assert_eq!(header, &expected, "the matrix's columns");
    let mut out = Matrix::new();
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{row:?}");
        let mut rights = BTreeMap::new();
        for (i, resource) in RESOURCES.iter().enumerate() {
            let cell = &row[2 + i];
            let set: BTreeSet<String> = if cell == "none" {
                BTreeSet::new()
            } else {
                cell.split('+').map(str::to_owned).collect()
            };
            for right in &set {
                assert!(
                    ["read", "write", "delete"].contains(&right.as_str()),
                    "{}: {resource}: {cell:?} is not none, read, write or delete joined by +",
                    row[0]
                );
            }
            rights.insert((*resource).to_owned(), set);
        }
        assert!(!row[8].is_empty(), "{}: every role says why", row[0]);
        let previous = out.insert(row[0].clone(), (row[1].clone(), rights));
        assert!(previous.is_none(), "{} twice", row[0]);
    }
    out
}

fn policy(path: &str) -> Vec<Value> {
    let json: Value = serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(json["Version"], "2012-10-17", "{path}");
    json["Statement"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: Statement is a list"))
        .clone()
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => vec![],
    }
}

/// What S3 actions grant, in the matrix's words.
fn rights_of(action: &str) -> BTreeSet<&'static str> {
    match action {
        "s3:PutObject" | "s3:AbortMultipartUpload" => ["write"].into(),
        "s3:GetObject"
        | "s3:GetObjectVersion"
        | "s3:ListBucket"
        | "s3:ListBucketVersions"
        | "s3:GetBucketVersioning"
        | "s3:GetObjectAttributes" => ["read"].into(),
        "s3:DeleteObject" | "s3:DeleteObjectVersion" => ["delete"].into(),
        "s3:*" | "*" => ["read", "write", "delete"].into(),
        other => panic!("{other}: an action the matrix has no word for"),
    }
}

#[test]
fn the_access_matrix_agrees_with_the_iam_policies() {
    let matrix = matrix();
    let mut tied = 0;
    for (role, (file, rights)) in &matrix {
        if file.is_empty() {
            continue;
        }
        tied += 1;
        let statements = policy(&format!("docs/{file}"));
        // What the policy grants on the prefix (objects, their manifests, listing them)
        // and on the audit trail.
        let (mut lake, mut audit) = (BTreeSet::new(), BTreeSet::new());
        for s in statements.iter().filter(|s| s["Effect"] == "Allow") {
            let actions = strings(&s["Action"]);
            for action in &actions {
                assert!(
                    action != "*" && action != "s3:*",
                    "{file}: no wildcard action"
                );
            }
            let granted: BTreeSet<&str> = actions.iter().flat_map(|a| rights_of(a)).collect();
            for resource in strings(&s["Resource"]) {
                match resource.as_str() {
                    "arn:aws:s3:::BUCKET/PREFIX/*" => lake.extend(granted.iter().copied()),
                    "arn:aws:s3:::BUCKET/_audit/*" => audit.extend(granted.iter().copied()),
                    "arn:aws:s3:::BUCKET" => {
                        // Bucket-level: listing only under the prefix, or the versioning
                        // setting.
                        for action in &actions {
                            if action.starts_with("s3:ListBucket") {
                                assert_eq!(
                                    strings(&s["Condition"]["StringLike"]["s3:prefix"]),
                                    ["PREFIX/*"],
                                    "{file}: {role} lists the prefix only"
                                );
                            } else {
                                assert_eq!(action, "s3:GetBucketVersioning", "{file}");
                            }
                        }
                        lake.extend(granted.iter().copied());
                    }
                    other => panic!("{file}: {role} is granted {other}, not the prefix"),
                }
            }
        }
        let lake: BTreeSet<String> = lake.into_iter().map(str::to_owned).collect();
        let audit: BTreeSet<String> = audit.into_iter().map(str::to_owned).collect();
        // Objects and their manifests share the prefix: the policy grants both or neither.
        for resource in ["minimised_lake", "manifests"] {
            assert_eq!(
                rights[resource], lake,
                "{role}: the matrix says {resource} = {:?}, {file} grants {lake:?}",
                rights[resource]
            );
        }
        assert_eq!(
            rights["audit_trail"], audit,
            "{role}: the matrix says audit_trail = {:?}, {file} grants {audit:?}",
            rights["audit_trail"]
        );
    }
    assert!(tied >= 1, "at least the uploader is tied to a policy");
}

#[test]
fn the_uploader_creates_objects_and_nothing_else() {
    let matrix = matrix();
    let (file, rights) = &matrix["uploader"];
    assert_eq!(file, "iam/uploader-policy.json");
    let none: BTreeSet<String> = BTreeSet::new();
    let write: BTreeSet<String> = ["write".to_owned()].into();
    let read: BTreeSet<String> = ["read".to_owned()].into();
    assert_eq!(rights["minimised_lake"], write, "no read, no delete");
    assert_eq!(rights["raw_files"], read);
    assert_eq!(rights["pseudonymisation_key"], read);
    assert_ne!(rights["logs"], none);
    assert_eq!(
        rights["audit_trail"], none,
        "the uploader changes nothing, records nothing"
    );

    let statements = policy("docs/iam/uploader-policy.json");
    let allowed: BTreeSet<String> = statements
        .iter()
        .filter(|s| s["Effect"] == "Allow")
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    assert_eq!(
        allowed,
        [
            "s3:AbortMultipartUpload".to_owned(),
            "s3:PutObject".to_owned()
        ]
        .into()
    );
    assert!(
        statements.iter().any(denies_overwrites),
        "the uploader policy denies creations without If-None-Match"
    );
}

/// A Deny of object creations without `If-None-Match` (multipart parts exempted).
fn denies_overwrites(s: &Value) -> bool {
    s["Effect"] == "Deny"
        && strings(&s["Action"]).contains(&"s3:PutObject".to_owned())
        && s["Condition"]["Null"]["s3:if-none-match"] == "true"
        && s["Condition"]["Bool"]["s3:ObjectCreationOperation"] == "true"
}

#[test]
fn the_bucket_policy_denies_plain_http_other_encryption_overwrites_and_stray_deletes() {
    let statements = policy("docs/iam/bucket-policy.json");
    for s in &statements {
        assert_eq!(s["Effect"], "Deny", "the bucket policy only denies: {s}");
        assert_eq!(s["Principal"], "*", "and it applies to everyone: {s}");
    }
    assert!(
        statements
            .iter()
            .any(|s| s["Condition"]["Bool"]["aws:SecureTransport"] == "false"
                && strings(&s["Action"]).contains(&"s3:*".to_owned())),
        "requests without TLS are denied"
    );

    // The encryption modes the bucket accepts are the ones `watt ingest --sse` sends.
    let sse = statements
        .iter()
        .find_map(|s| {
            let c = &s["Condition"]["StringNotEqualsIfExists"]["s3:x-amz-server-side-encryption"];
            (!c.is_null()).then(|| strings(c))
        })
        .expect("a statement on the encryption header");
    let help = watt(&["ingest", "--help"]);
    for mode in &sse {
        assert!(
            help.contains(mode.as_str()),
            "watt ingest --sse offers {mode}"
        );
    }
    assert_eq!(sse, ["AES256", "aws:kms"]);

    assert!(
        statements.iter().any(denies_overwrites),
        "overwrites are denied"
    );

    // Deletions: only the roles the matrix lets delete.
    let deleters: BTreeSet<String> = matrix()
        .into_iter()
        .filter(|(_, (_, rights))| rights.values().any(|r| r.contains("delete")))
        .map(|(role, _)| format!("arn:aws:iam::ACCOUNT_ID:role/watt-{role}"))
        .collect();
    let excepted: BTreeSet<String> = statements
        .iter()
        .filter(|s| strings(&s["Action"]).contains(&"s3:DeleteObject".to_owned()))
        .flat_map(|s| strings(&s["Condition"]["ArnNotLike"]["aws:PrincipalArn"]))
        .collect();
    assert_eq!(excepted, deleters, "who may delete");
    assert_eq!(
        deleters.len(),
        2,
        "the lifecycle operator (retention) and the privacy officer (erasure) delete"
    );

    // The audit trail is append-only: nobody deletes it, nobody overwrites it.
    assert!(
        statements.iter().any(|s| {
            strings(&s["Resource"]) == ["arn:aws:s3:::BUCKET/_audit/*"]
                && strings(&s["Action"]).contains(&"s3:DeleteObjectVersion".to_owned())
                && s["Condition"].is_null()
        }),
        "deleting the audit trail is denied to everyone"
    );
    assert!(
        statements.iter().any(|s| denies_overwrites(s)
            && strings(&s["Resource"]).contains(&"arn:aws:s3:::BUCKET/_audit/*".to_owned())),
        "overwriting the audit trail is denied"
    );
    for (role, (_, rights)) in matrix() {
        assert!(!rights["audit_trail"].contains("delete"), "{role}");
    }
}

#[test]
fn the_key_and_the_lake_meet_only_at_the_privacy_officer() {
    let matrix = matrix();
    let both: Vec<&String> = matrix
        .iter()
        .filter(|(_, (_, r))| {
            r["pseudonymisation_key"].contains("read") && r["minimised_lake"].contains("read")
        })
        .map(|(role, _)| role)
        .collect();
    assert_eq!(
        both,
        ["privacy-officer"],
        "whoever holds both can re-identify"
    );
    let key_writers: Vec<&String> = matrix
        .iter()
        .filter(|(_, (_, r))| r["pseudonymisation_key"].contains("write"))
        .map(|(role, _)| role)
        .collect();
    assert_eq!(
        key_writers,
        ["key-custodian"],
        "one role makes and rotates keys"
    );
    for role in ["data-scientist", "ml-platform"] {
        assert!(matrix[role].1["pseudonymisation_key"].is_empty(), "{role}");
        assert!(matrix[role].1["raw_files"].is_empty(), "{role}");
    }
}

/// `watt ARGS`, standard output.
fn watt(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_watt"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("watt runs");
    assert!(out.status.success(), "watt {args:?}");
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

/// The subcommands `watt --help` lists.
fn subcommands() -> BTreeSet<String> {
    let help = watt(&["--help"]);
    let commands = help
        .split("Commands:")
        .nth(1)
        .and_then(|s| s.split("Options:").next())
        .expect("a Commands: section");
    commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The shell text of a Markdown document: its code spans and the lines of its fenced code
/// blocks.
fn shell_texts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            out.push(line.to_owned());
        } else {
            out.extend(code_spans(line));
        }
    }
    out
}

/// Every `watt <command> [options]` in the shell text of `text`, up to the end of the shell
/// command (a pipe, `;`, `&&`, `)` or a redirection).
fn watt_invocations(text: &str, commands: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in shell_texts(text) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if *w != "watt" && *w != "$(watt" {
                continue;
            }
            let rest: Vec<String> = words[i + 1..]
                .iter()
                .take_while(|w| !matches!(**w, "|" | ";" | "&&" | ")" | "<"))
                .take_while(|w| !w.starts_with('>') && !w.starts_with("2>"))
                .map(|w| (*w).to_owned())
                .collect();
            if rest.first().is_some_and(|c| commands.contains(c)) {
                found.push(rest);
            }
        }
    }
    found
}

fn check_invocations(doc: &str) -> usize {
    let text = read(doc);
    let invocations = watt_invocations(&text, &subcommands());
    for inv in &invocations {
        let mut command = vec![inv[0].clone()];
        // `watt schema infer`, `watt lake erase`, `watt key rotate`: the options are the subcommand's.
        if inv[0] == "schema" || inv[0] == "lake" || inv[0] == "key" {
            if let Some(sub) = inv.get(1).filter(|w| !w.starts_with('-')) {
                command.push(sub.clone());
            }
        }
        let mut help_args: Vec<&str> = command.iter().map(String::as_str).collect();
        help_args.push("--help");
        let help = watt(&help_args);
        for option in inv
            .iter()
            .filter(|w| w.starts_with('-') && w.len() > 1 && *w != "-")
        {
            let name = option.split('=').next().unwrap_or(option);
            assert!(
                help.contains(&format!("{name} "))
                    || help.contains(&format!("{name},"))
                    || help.contains(&format!("{name}\n")),
                "{doc}: `watt {}` uses {name}, which `watt {} --help` does not list",
                inv.join(" "),
                command.join(" ")
            );
        }
    }
    invocations.len()
}

#[test]
fn every_watt_command_in_the_compliance_docs_exists() {
    let commands = subcommands();
    for c in [
        "check",
        "minimise",
        "scan",
        "pseudonym",
        "register",
        "keygen",
        "ingest",
        "lake",
    ] {
        assert!(commands.contains(c), "watt --help lists {c}");
    }
    assert!(check_invocations("docs/rgpd.md") >= 10);
    assert!(check_invocations("docs/runbook-incident.md") >= 5);
}

/// The "How to verify" list of docs/rgpd.md.
fn verify_section() -> String {
    let rgpd = read("docs/rgpd.md");
    let start = rgpd
        .find("\n## How to verify")
        .expect("a How to verify section");
    let rest = &rgpd[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

fn code_spans(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_check_in_the_how_to_verify_list_exists() {
    let section = verify_section();
    let items: Vec<&str> = section.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(items.len() >= 15, "{} items", items.len());
    let commands = subcommands();
    for item in &items {
        let spans = code_spans(item);
        assert!(
            spans.iter().any(|s| s.starts_with("watt ")
                || s.starts_with("cargo ")
                || s.starts_with("bash ")),
            "each claim has a command: {item}"
        );
        for span in spans {
            let words: Vec<&str> = span.split_whitespace().collect();
            match words.first().copied() {
                Some("watt") => assert!(
                    words[1] == "--help" || commands.contains(words[1]),
                    "{span}"
                ),
                Some("bash") => assert!(root().join(words[1]).is_file(), "{span}: no such script"),
                Some("cargo") if words.get(1) == Some(&"test") => check_cargo_test(&words),
                _ => {}
            }
        }
    }
    assert!(check_invocations("docs/rgpd.md") > 0);
}

/// `cargo test -p PACKAGE [--test FILE] [FILTER]`: the package, the test file and a test
/// function named FILTER exist.
fn check_cargo_test(words: &[&str]) {
    let span = words.join(" ");
    let package = words
        .iter()
        .position(|w| *w == "-p")
        .and_then(|i| words.get(i + 1))
        .unwrap_or_else(|| panic!("{span}: -p PACKAGE"));
    let dir = match *package {
        "watt" => "native",
        "watt-core" => "core",
        other => panic!("{span}: unknown package {other}"),
    };
    let test_file = words
        .iter()
        .position(|w| *w == "--test")
        .and_then(|i| words.get(i + 1))
        .map(|t| root().join(dir).join("tests").join(format!("{t}.rs")));
    if let Some(file) = &test_file {
        assert!(file.is_file(), "{span}: {} does not exist", file.display());
    }
    let filter = words
        .iter()
        .enumerate()
        .skip(2)
        .find(|(i, w)| !w.starts_with('-') && !matches!(words[i - 1], "-p" | "--test"))
        .map(|(_, w)| w.rsplit("::").next().unwrap_or(w));
    let Some(name) = filter else { return };
    let files: Vec<PathBuf> = match &test_file {
        Some(f) => vec![f.clone()],
        None => rust_files(&root().join(dir).join("src")),
    };
    let needle = format!("fn {name}(");
    assert!(
        files
            .iter()
            .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(&needle))),
        "{span}: no test `{name}` in {}",
        dir
    );
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_documents_cite_files_that_exist() {
    for doc in ["docs/rgpd.md", "docs/runbook-incident.md"] {
        let text = read(doc);
        // Markdown links to files next to the document.
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap_or_default();
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() || path.starts_with("http") {
                continue;
            }
            assert!(
                root().join("docs").join(path).exists(),
                "{doc}: link to {path}"
            );
        }
        // Repository paths in code spans.
        for span in code_spans(&text) {
            let looks_like_path = !span.contains(' ')
                && span.contains('/')
                && !span.contains('<')
                && !span.starts_with("s3:")
                && !span.starts_with("arn:")
                && !span.starts_with("http")
                && [".rs", ".md", ".json", ".csv", ".sh", ".toml", ".yml"]
                    .iter()
                    .any(|e| span.ends_with(e));
            if looks_like_path {
                assert!(
                    root().join(&span).exists() || root().join("docs").join(&span).exists(),
                    "{doc}: `{span}` does not exist"
                );
            }
        }
    }
}
