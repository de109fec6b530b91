//! Bad input through the real binary: every file of `data/fixtures` and generated worst
//! cases (a 1 MB field, a runaway quote past the 16 MiB record limit, Windows-1252 and
//! UTF-16BE text, ragged rows, binary junk, a 10 000-column header...), each given to
//! `watt check`, `watt minimise` (with a key) and `watt scan`.
//!
//! What every run must show: exit 1 with the expected coded finding (the three commands
//! agreeing on the counts), or exit 0 for the files that are fine, or exit 2 with a one-line
//! `watt: error:` message for what cannot run — never a panic, never a cell value in a
//! message, and never an output file (or a temporary `.partial`) left behind by a
//! minimisation that did not succeed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Workdir, counts};
use serde_json::Value;

/// The fixtures' schema with a policy per field, so `watt minimise` runs over them.
const POLICY_SCHEMA: &str = r#"{
  "fields": [
    {"name": "id", "type": "integer", "constraints": {"required": true, "unique": true},
     "gdpr": {"category": "non-personal", "action": "keep"}},
    {"name": "prm", "type": "string", "constraints": {"required": true, "pattern": "[0-9]{14}"},
     "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "domain": "meter", "normalise": "digits"}},
    {"name": "ts", "type": "datetime", "constraints": {"required": true},
     "gdpr": {"category": "quasi-identifier", "action": "generalise", "granularity": "hour"}},
    {"name": "kwh", "type": "number", "constraints": {"minimum": 0, "maximum": 100},
     "gdpr": {"category": "personal", "action": "keep"}},
    {"name": "tariff", "type": "string", "constraints": {"enum": ["BASE", "HPHC"]},
     "gdpr": {"category": "non-personal", "action": "keep"}},
    {"name": "note", "type": "string", "constraints": {"maxLength": 40},
     "gdpr": {"category": "free-text", "action": "redact"}}
  ],
  "primaryKey": ["prm", "ts"],
  "gdpr": {"subjectField": "prm", "kThreshold": 1}
}"#;

const HEADER: &str = "id,prm,ts,kwh,tariff,note\n";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures")
}

/// A valid row of the fixtures' schema (row `i`: unique id and hour).
fn row(i: usize) -> String {
    format!(
        "{i},12345678901234,2024-01-15T{:02}:00:00+01:00,1.5,BASE,ok\n",
        i % 24
    )
}

/// A working directory with both schemas and a key file (a test key, never a real one).
fn workdir() -> Workdir {
    let w = Workdir::new();
    w.write("policy.schema.json", POLICY_SCHEMA);
    w.write(
        "fixtures.schema.json",
        std::fs::read(fixtures().join("fixtures.schema.json")).expect("fixtures schema"),
    );
    write_key(
        &w,
        "test.key",
        &"bad input test key, not a secret. ".repeat(2),
    );
    w
}

/// Writes a key file readable by its owner only (watt warns about others).
fn write_key(w: &Workdir, name: &str, content: &str) {
    let key = w.write(name, content);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))
            .expect("chmod 600 the key");
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the work directory lists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn assert_no_panic(what: &str, stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{what}: watt panicked:\n{stderr}"
    );
}

/// Runs check, minimise and scan on `file` (in `w`) and returns check's exit code and
/// non-zero counts, after asserting that the three agree and that a failed minimisation
/// leaves nothing behind. `secret` is a value planted in the file that must not appear in
/// any output.
fn run_all(w: &Workdir, file: &str, secret: Option<&str>) -> (i32, Vec<(String, u64)>) {
    let dir = w.path(".");
    // check
    let (code, stdout, stderr) = w.run(&[
        "check",
        file,
        "--schema",
        "fixtures.schema.json",
        "--format",
        "json",
    ]);
    assert_no_panic(&format!("check {file}"), &stderr);
    assert!(
        code == 0 || code == 1,
        "check {file}: exit {code}: {stderr}"
    );
    let report: Value = serde_json::from_str(&stdout).expect("check prints one JSON report");
    let found = counts(&report);
    assert_eq!(
        code == 0,
        found.is_empty(),
        "check {file}: exit code and findings agree"
    );
    assert_eq!(report["valid"], Value::Bool(code == 0));

    // minimise, into a file, with the report beside it
    let before = files_in(&dir);
    let (m_code, m_stdout, m_stderr) = w.run(&[
        "minimise",
        file,
        "--schema",
        "policy.schema.json",
        "--key-file",
        "test.key",
        "-o",
        "out.csv",
        "--format",
        "json",
    ]);
    assert_no_panic(&format!("minimise {file}"), &m_stderr);
    assert_eq!(
        m_code, code,
        "minimise {file} agrees with check: {m_stderr}"
    );
    let m_report: Value = serde_json::from_str(&m_stdout).expect("minimise prints its report");
    assert_eq!(
        counts(&m_report),
        found,
        "minimise {file}: same findings as check"
    );
    let after = files_in(&dir);
    if code == 0 {
        assert!(
            after.contains(&"out.csv".to_owned()),
            "minimise {file}: output written"
        );
        std::fs::remove_file(w.path("out.csv")).expect("remove the output");
    } else {
        assert_eq!(
            after, before,
            "minimise {file}: no output and no partial file"
        );
        assert!(m_stderr.contains("nothing written"), "{m_stderr}");
    }

    // scan
    let (s_code, s_stdout, s_stderr) = w.run(&[
        "scan",
        file,
        "--schema",
        "fixtures.schema.json",
        "--format",
        "json",
    ]);
    assert_no_panic(&format!("scan {file}"), &s_stderr);
    let s_report: Value = serde_json::from_str(&s_stdout).expect("scan prints its report");
    assert_eq!(
        counts(&s_report),
        found,
        "scan {file}: same findings as check"
    );
    if code == 1 {
        assert_eq!(s_code, 1, "scan {file}: invalid data is exit 1");
    } else {
        assert!(s_code == 0 || s_code == 1, "scan {file}: exit {s_code}");
    }

    if let Some(secret) = secret {
        for (what, text) in [
            ("check", &stdout),
            ("minimise", &m_stdout),
            ("minimise stderr", &m_stderr),
            ("scan", &s_stdout),
        ] {
            assert!(!text.contains(secret), "{what} {file}: a cell value leaked");
        }
    }
    (code, found)
}

fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = expected
        .iter()
        .map(|(c, n)| ((*c).to_owned(), *n))
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<(String, u64)>) -> Vec<(String, u64)> {
    v.sort();
    v
}

#[test]
fn every_fixture_gives_its_coded_findings_through_check_minimise_and_scan() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let expected = expected.as_object().expect("an object per fixture");
    let w = workdir();
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures()).expect("data/fixtures") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a name")
            .to_owned();
        w.write(&name, std::fs::read(&path).expect("fixture"));
        let (code, found) = run_all(&w, &name, None);
        let want: BTreeMap<String, u64> = expected
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is not in expected.json"))["counts"]
            .as_object()
            .expect("counts")
            .iter()
            .map(|(c, n)| (c.clone(), n.as_u64().expect("a count")))
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(
            sorted(found),
            want.into_iter().collect::<Vec<_>>(),
            "{name}: the findings of expected.json"
        );
        assert_eq!(
            code,
            i32::from(expected[&name]["valid"] != Value::Bool(true))
        );
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} fixtures found");
}

#[test]
fn a_one_megabyte_field_is_read_and_judged() {
    let w = workdir();
    let note = "x".repeat(1 << 20);
    w.write(
        "big_field.csv",
        format!("{HEADER}1,12345678901234,2024-01-15T08:00:00+01:00,1.5,BASE,{note}\n"),
    );
    let (code, found) = run_all(&w, "big_field.csv", None);
    assert_eq!(code, 1);
    assert_eq!(sorted(found), pairs(&[("constraint-error", 1)]));
}

#[test]
fn a_runaway_quote_past_the_record_limit_stops_with_a_source_error() {
    let w = workdir();
    let mut bytes = format!("{HEADER}1,\"").into_bytes();
    bytes.resize(bytes.len() + (17 << 20), b'x');
    assert_one_source_error(&w, "runaway.csv", bytes, "longer than 16 MiB");
}

/// Writes `bytes` to `name` and asserts that check, minimise and scan all stop with exactly
/// one `source-error`, whose message (in `watt check`'s text output) says `says`.
fn assert_one_source_error(w: &Workdir, name: &str, bytes: Vec<u8>, says: &str) {
    w.write(name, bytes);
    let (code, found) = run_all(w, name, None);
    assert_eq!(code, 1);
    assert_eq!(found, pairs(&[("source-error", 1)]));
    let (_, stdout, _) = w.run(&["check", name, "-s", "fixtures.schema.json"]);
    assert!(stdout.contains(says), "{stdout}");
}

#[test]
fn windows_1252_text_is_an_encoding_error_unless_declared() {
    let w = workdir();
    let mut bytes = format!("{HEADER}{}", row(1)).into_bytes();
    bytes.extend(b"2,12345678901234,2024-01-15T09:00:00+01:00,1.5,BASE,relev\xe9 estim\xe9\n");
    w.write("latin1.csv", &bytes);
    let (code, found) = run_all(&w, "latin1.csv", None);
    assert_eq!(code, 1);
    assert_eq!(found, pairs(&[("encoding-error", 1)]));
    let (code, stdout, _) = w.run(&[
        "check",
        "latin1.csv",
        "-s",
        "fixtures.schema.json",
        "--encoding",
        "windows-1252",
    ]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn utf16_big_endian_is_named_and_refused() {
    let w = workdir();
    let text = "\u{feff}id\tprm\n1\t12345678901234\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    assert_one_source_error(&w, "utf16be.csv", bytes, "utf-16be");
}

#[test]
fn ragged_rows_count_every_missing_and_extra_cell() {
    let w = workdir();
    let mut text = HEADER.to_owned();
    let (mut missing, mut extra) = (0, 0);
    for i in 1..=60_usize {
        let n = 1 + i % 12;
        let mut cells = vec![
            i.to_string(),
            "12345678901234".into(),
            format!("2024-01-{:02}T08:00:00+01:00", 1 + i % 28),
            "1.5".into(),
            "BASE".into(),
            "ok".into(),
        ];
        cells.resize(12, "x".into());
        text.push_str(&cells[..n].join(","));
        text.push('\n');
        missing += 6_u64.saturating_sub(n as u64);
        extra += (n as u64).saturating_sub(6);
    }
    w.write("ragged_many.csv", text);
    let (code, found) = run_all(&w, "ragged_many.csv", None);
    assert_eq!(code, 1);
    let found: BTreeMap<String, u64> = found.into_iter().collect();
    assert_eq!(found.get("missing-cell"), Some(&missing));
    assert_eq!(found.get("extra-cell"), Some(&extra));
}

#[test]
fn binary_junk_is_refused_without_reading_it_as_rows() {
    let w = workdir();
    // A gzip header (it holds NUL bytes) and noise.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 24) as u8
    };
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gzip.extend((0..4096).map(|_| noise()));
    w.write("gzip.csv", gzip);
    let (code, found) = run_all(&w, "gzip.csv", None);
    assert_eq!(code, 1);
    assert_eq!(found, pairs(&[("source-error", 1)]));
    // High bytes only, no NUL, no line break: not UTF-8.
    let high: Vec<u8> = (0..4096).map(|_| noise() | 0x80).collect();
    w.write("high.csv", high);
    let (code, found) = run_all(&w, "high.csv", None);
    assert_eq!(code, 1);
    assert!(
        found.iter().any(|(c, _)| c == "encoding-error"),
        "{found:?}"
    );
    // A NUL in the middle of an otherwise good file.
    let mut nul = format!("{HEADER}{}", row(1)).into_bytes();
    nul.extend(b"2,1234\x005678901234,2024-01-15T09:00:00+01:00,1,BASE,a\n");
    w.write("nul.csv", nul);
    let (code, found) = run_all(&w, "nul.csv", None);
    assert_eq!(code, 1);
    assert_eq!(found, pairs(&[("source-error", 1)]));
}

#[test]
fn files_without_rows_are_source_errors() {
    let w = workdir();
    for (name, bytes) in [
        ("only_bom.csv", &b"\xef\xbb\xbf"[..]),
        ("blank_lines.csv", b"\n\n\n"),
        ("crlf_only.csv", b"\r\n\r\n"),
    ] {
        w.write(name, bytes);
        let (code, found) = run_all(&w, name, None);
        assert_eq!(code, 1, "{name}");
        assert_eq!(found, pairs(&[("source-error", 1)]), "{name}");
    }
}

#[test]
fn old_mac_line_endings_are_read() {
    let w = workdir();
    let text = format!("{HEADER}{}{}", row(1), row(2)).replace('\n', "\r");
    w.write("cr.csv", text);
    let (code, found) = run_all(&w, "cr.csv", None);
    assert_eq!((code, found), (0, vec![]));
}

#[test]
fn a_ten_thousand_column_header_is_counted_not_listed() {
    let w = workdir();
    let header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    w.write(
        "wide.csv",
        format!("{}\n{}\n", header.join(","), vec!["1"; 10_000].join(",")),
    );
    let (code, found) = run_all(&w, "wide.csv", None);
    assert_eq!(code, 1);
    let found: BTreeMap<String, u64> = found.into_iter().collect();
    assert_eq!(found.get("extra-label"), Some(&9_994));
    let (_, report) = w.check_json("wide.csv", "fixtures.schema.json", &[]);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1000));
    assert_eq!(report["truncated"], Value::Bool(true));
}

#[test]
fn bad_cells_never_show_their_values() {
    let w = workdir();
    let planted = "Zorglub-7731";
    w.write(
        "planted.csv",
        format!(
            "{HEADER}{planted},{planted},{planted},{planted},{planted},{planted}{}\n",
            "!".repeat(40)
        ),
    );
    let (code, found) = run_all(&w, "planted.csv", Some(planted));
    assert_eq!(code, 1);
    let found: BTreeMap<String, u64> = found.into_iter().collect();
    assert_eq!(found.get("type-error"), Some(&3), "id, ts, kwh");
    assert_eq!(found.get("constraint-error"), Some(&3), "prm, tariff, note");
    let (_, stdout, _) = w.run(&["check", "planted.csv", "-s", "fixtures.schema.json"]);
    assert!(!stdout.contains(planted), "{stdout}");
}

/// Found by `cargo fuzz run pii`: a name after a title running into an e-mail address made
/// `watt minimise` panic while redacting. Fixed in `core/src/pii/mod.rs` (the detectors
/// never return overlapping matches).
#[test]
fn a_name_running_into_an_email_is_redacted_without_a_panic() {
    let w = workdir();
    w.write(
        "comment.csv",
        format!(
            "{HEADER}1,12345678901234,2024-01-15T08:00:00+01:00,1.5,BASE,voir Mme Durand.j@orange.fr\n\
             2,12345678901234,2024-01-15T09:00:00+01:00,1.5,BASE,M. Pt@a.rl\n"
        ),
    );
    let (code, found) = run_all(&w, "comment.csv", None);
    assert_eq!((code, found), (0, vec![]));
    let (code, stdout, stderr) = w.run(&[
        "minimise",
        "comment.csv",
        "-s",
        "policy.schema.json",
        "--key-file",
        "test.key",
        "-o",
        "-",
    ]);
    assert_no_panic("minimise comment.csv", &stderr);
    assert_eq!(code, 0, "{stderr}");
    let notes: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap_or(""))
        .collect();
    assert_eq!(notes, ["voir Mme [EMAIL]", "M. [EMAIL]"]);
}

/// What cannot run ends with exit 2 and one `watt: error:` line naming the problem, and a
/// minimisation that cannot run leaves nothing behind.
#[test]
fn what_cannot_run_is_exit_2_with_a_clear_message() {
    let w = workdir();
    w.write("valid.csv", format!("{HEADER}{}", row(1)));
    w.write("broken.schema.json", "{\"fields\": [");
    // Found by `cargo fuzz run schema`: this pattern made `watt check` run out of memory.
    w.write(
        "huge_pattern.schema.json",
        r#"{"fields": [{"name": "prm", "type": "string", "constraints": {"pattern": "[0-9]{1000000000}x"}}]}"#,
    );
    write_key(&w, "short.key", "Qx7-short");
    std::fs::create_dir(w.path("a_directory")).expect("mkdir");
    // Each case: the arguments (split on spaces: none holds one) and what the message says.
    let cases: &[(&str, &str)] = &[
        (
            "check missing.csv -s fixtures.schema.json",
            "cannot read missing.csv",
        ),
        (
            "check a_directory -s fixtures.schema.json",
            "cannot read a_directory",
        ),
        (
            "scan valid.csv -s broken.schema.json",
            "schema broken.schema.json is invalid",
        ),
        (
            "check valid.csv -s huge_pattern.schema.json",
            "the pattern is too large once compiled (over 10 MiB)",
        ),
        (
            "check valid.csv -s nowhere.json",
            "cannot read schema nowhere.json",
        ),
        (
            "minimise valid.csv -s fixtures.schema.json --key-file test.key -o out.csv",
            "no gdpr policy for field(s) id, prm, ts, kwh, tariff, note",
        ),
        (
            "minimise valid.csv -s policy.schema.json -o out.csv",
            "a pseudonymisation key is required for field(s) prm",
        ),
        (
            "minimise valid.csv -s policy.schema.json --key-file short.key -o out.csv",
            "the pseudonymisation key is too short",
        ),
        (
            "minimise valid.csv -s policy.schema.json --key-file test.key -o no/such/dir/out.csv",
            "cannot write no/such/dir/out.csv",
        ),
        (
            "minimise valid.csv -s policy.schema.json --key-file test.key -o valid.csv",
            "refusing to write the minimised CSV to valid.csv: it is the data file",
        ),
    ];
    let before = files_in(&w.path("."));
    for (args, message) in cases {
        let args: Vec<&str> = args.split_whitespace().collect();
        let (code, _, stderr) = w.run_without_key(&args);
        assert_no_panic(&args.join(" "), &stderr);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.starts_with("watt: error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(
            !stderr.contains("Qx7-short") && !stderr.contains("not a secret"),
            "no key in {stderr}"
        );
    }
    assert_eq!(
        files_in(&w.path(".")),
        before,
        "nothing written by what could not run"
    );
}

/// `run` with the key variable removed, so a developer's WATT_PSEUDONYM_KEY cannot make a
/// "no key" case pass.
trait RunWithoutKey {
    fn run_without_key(&self, args: &[&str]) -> (i32, String, String);
}

impl RunWithoutKey for Workdir {
    fn run_without_key(&self, args: &[&str]) -> (i32, String, String) {
        let out = self
            .watt(args)
            .env_remove("WATT_PSEUDONYM_KEY")
            .output()
            .expect("watt runs");
        (
            out.status.code().expect("an exit code"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// A schema, a key file and a `.env` are read whole, so each has a limit (8 MiB, 4 KiB and
/// 1 MiB) and a path past it is refused at once, naming the file and the limit: before,
/// `--schema /dev/zero` grew to 23 GB, and a schema padded past 8 MiB was read and used.
#[test]
fn small_inputs_past_their_limits_are_refused_at_once() {
    let w = workdir();
    w.write("valid.csv", format!("{HEADER}{}", row(1)));
    // Valid JSON and a valid key, only too long: the limits, not the parsers, refuse them.
    let mut padded = POLICY_SCHEMA.as_bytes().to_vec();
    padded.resize(8 << 20, b' ');
    w.write("padded.schema.json", &padded);
    padded.push(b' ');
    w.write("big.schema.json", &padded);
    write_key(&w, "big.key", &"0123456789abcdef".repeat(256 + 1));
    let schema_limit = "it is larger than 8 MiB, the most watt reads for a schema";
    let key_limit = "it is larger than 4 KiB, the most watt reads for a key file";
    let mut cases: Vec<(String, String)> = vec![
        (
            "check valid.csv -s big.schema.json".into(),
            format!("cannot read schema big.schema.json: {schema_limit}"),
        ),
        (
            "minimise valid.csv -s policy.schema.json --key-file big.key -o out.csv".into(),
            format!("cannot read key file big.key: {key_limit}"),
        ),
    ];
    if cfg!(unix) {
        for command in [
            "check valid.csv",
            "scan valid.csv",
            "minimise valid.csv -o out.csv --key-file test.key",
            "pseudonym 1 --field prm --key-file test.key",
            "register",
            "ingest valid.csv --dry-run --key-file test.key",
        ] {
            cases.push((
                format!("{command} -s /dev/zero"),
                format!("cannot read schema /dev/zero: {schema_limit}"),
            ));
        }
        cases.push((
            "minimise valid.csv -s policy.schema.json --key-file /dev/zero -o out.csv".into(),
            format!("cannot read key file /dev/zero: {key_limit}"),
        ));
    }
    let before = files_in(&w.path("."));
    for (args, message) in &cases {
        let args: Vec<&str> = args.split_whitespace().collect();
        let (code, _, stderr) = w.run_without_key(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            format!("watt: error: {message}\n"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(files_in(&w.path(".")), before, "nothing written");
    // At the limit is fine.
    let (code, _, stderr) = w.run(&["check", "valid.csv", "-s", "padded.schema.json"]);
    assert_eq!(code, 0, "{stderr}");

    // A `.env` past 1 MiB, or one that is an endless device, stops every command that
    // reads it.
    let w = workdir();
    w.write("valid.csv", format!("{HEADER}{}", row(1)));
    w.write(".env", "DATA_LAKE_DIR=lake\n".repeat(60_000));
    let mut envs = vec![".env"];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/dev/zero", w.path("zero.env")).expect("a symlink");
        envs.push("zero.env");
    }
    for env in envs {
        #[cfg(unix)]
        if env != ".env" {
            std::fs::remove_file(w.path(".env")).expect("rm .env");
            std::os::unix::fs::symlink(w.path(env), w.path(".env")).expect("a symlink");
        }
        for command in [
            "minimise valid.csv -s policy.schema.json -o out.csv",
            "ingest valid.csv -s policy.schema.json --key-file test.key --dry-run",
        ] {
            let args: Vec<&str> = command.split_whitespace().collect();
            let (code, _, stderr) = w.run_without_key(&args);
            assert_eq!(code, 2, "{env}: {command}: {stderr}");
            assert_eq!(
                stderr,
                "watt: error: cannot read .env: it is larger than 1 MiB, the most watt reads for a .env file\n",
                "{env}: {command}"
            );
        }
    }
    assert!(!w.path("out.csv").exists() && !w.path("lake").exists());
}

/// A key written twice in one object of the schema is refused, naming the key and its line:
/// JSON readers keep one of the two silently (here the second `action`, which would keep
/// the free text a reviewer saw redacted).
#[test]
fn a_schema_key_written_twice_is_refused() {
    let w = workdir();
    w.write("valid.csv", format!("{HEADER}{}", row(1)));
    let twice = POLICY_SCHEMA.replacen(
        r#""action": "redact"}"#,
        r#""action": "redact", "action": "keep"}"#,
        1,
    );
    assert_ne!(twice, POLICY_SCHEMA);
    w.write("twice.schema.json", twice);
    let (code, _, stderr) = w.run(&["check", "valid.csv", "-s", "twice.schema.json"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        "watt: error: schema twice.schema.json is invalid: schema: the key \"action\" is written twice in the same object (line 14, column 67); keep one\n"
    );
}

/// Dialect options valid one by one but not together are usage errors (exit 2, nothing
/// read or written), for every command that reads a CSV file: before, `--delimiter ,
/// --quote ,` was accepted and the file read with one character as both.
#[test]
fn dialect_options_that_cannot_go_together_are_usage_errors() {
    let w = workdir();
    w.write("valid.csv", format!("{HEADER}{}", row(1)));
    let before = files_in(&w.path("."));
    for (command, says) in [
        (
            "check valid.csv -s fixtures.schema.json --delimiter , --quote ,",
            "the delimiter and the quote must differ",
        ),
        (
            "scan valid.csv -s fixtures.schema.json --quote ; --delimiter ;",
            "the delimiter and the quote must differ",
        ),
        (
            "minimise valid.csv -s policy.schema.json --key-file test.key -o out.csv --delimiter ; --decimal-char ;",
            "the decimal character ';' cannot be a digit or the delimiter",
        ),
        (
            "schema infer valid.csv -o draft.json --delimiter | --quote |",
            "the delimiter and the quote must differ",
        ),
        (
            "ingest valid.csv -s policy.schema.json --key-file test.key --delimiter , --quote ,",
            "the delimiter and the quote must differ",
        ),
    ] {
        let args: Vec<&str> = command.split_whitespace().collect();
        let (code, stdout, stderr) = w.run_without_key(&args);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert_eq!(stdout, "");
        assert!(
            stderr.starts_with(&format!("error: {says}")),
            "{command}: {stderr}"
        );
    }
    assert_eq!(files_in(&w.path(".")), before, "nothing written");
}

/// `watt keygen -o -` prints the key, as `-` means standard output everywhere else: before,
/// it wrote a file named `-`.
#[test]
fn keygen_to_dash_prints_the_key() {
    let w = workdir();
    let (code, stdout, stderr) = w.run(&["keygen", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.len(), 65, "{stdout:?}");
    assert!(
        stdout.trim_end().bytes().all(|b| b.is_ascii_hexdigit()),
        "{stdout:?}"
    );
    assert_eq!(stderr, "");
    assert!(!w.path("-").exists(), "no file named -");
}

/// The fixtures' header and `rows` rows of `1`: every row misses five of its six cells.
fn short_rows(rows: usize) -> String {
    format!("{HEADER}{}", "1\n".repeat(rows))
}

/// `watt minimise` reads an invalid file to its end, with or without `--allow-invalid`:
/// its report counts every finding, as `watt check` and the browser page do (only `watt
/// ingest`, which has no such twin, stops at the first chunk past a finding).
#[test]
fn minimise_counts_every_finding_of_an_invalid_file() {
    let w = workdir();
    w.write("short.csv", short_rows(200_000));
    let (code, checked) = w.check_json("short.csv", "policy.schema.json", &[]);
    assert_eq!(code, 1);
    for extra in [&[][..], &["--allow-invalid"][..]] {
        let mut args = vec![
            "minimise",
            "short.csv",
            "--schema",
            "policy.schema.json",
            "--key-file",
            "test.key",
            "-o",
            "out.csv",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = w.run(&args);
        assert_no_panic("minimise", &stderr);
        assert_eq!(code, 1, "{stderr}");
        let report: Value = serde_json::from_str(&stdout).expect("the report");
        assert_eq!(report["stats"]["rows"], 200_000, "{extra:?}");
        assert_eq!(
            report["findingsTotal"], checked["findingsTotal"],
            "{extra:?}"
        );
        assert_eq!(report["errorCounts"], checked["errorCounts"], "{extra:?}");
        assert!(!stderr.contains("reading stopped"), "{stderr}");
        assert_eq!(w.path("out.csv").exists(), !extra.is_empty(), "{extra:?}");
    }
}

/// `watt ingest` stops reading a file once it is known invalid, and writes nothing: of 20
/// MB of invalid rows, the first chunk is read, and the report says reading stopped. It
/// read, minimised and wrote the whole file before refusing it.
#[test]
fn ingest_stops_reading_an_invalid_file_at_once() {
    let w = workdir();
    let data = short_rows(10_000_000);
    w.write("big.csv", &data);
    let mut cmd = w.watt(&["ingest", "big.csv", "--schema", "policy.schema.json"]);
    cmd.args([
        "--key-file",
        "test.key",
        "--lake",
        "lake",
        "--log-dir",
        "logs",
    ]);
    for var in ["DATA_LAKE_BUCKET", "DATA_LAKE_DIR", "DATA_LAKE_PREFIX"] {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("watt runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_no_panic("ingest", &stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("invalid data (at least ")
            && stderr.contains("reading stopped after 1048576 bytes): nothing was written"),
        "{stderr}"
    );
    let lake = w.path("lake");
    assert!(
        !lake.exists() || walk(&lake).is_empty(),
        "nothing in the lake: {:?}",
        walk(&lake)
    );
    let note = "reading stopped after 1048576 bytes, once a finding had made the data invalid";
    assert!(stderr.contains(note), "{stderr}");
    // The run log says what was read.
    let logs = walk(&w.path("logs"));
    let log = logs
        .iter()
        .find(|p| p.extension().is_some_and(|x| x == "log"))
        .expect("a run log");
    let text = std::fs::read_to_string(log).expect("the log");
    let validation: Value = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON lines"))
        .find(|e| e["stage"] == "validation")
        .expect("a validation event");
    assert_eq!(validation["valid"], false);
    assert_eq!(validation["bytes"], 1 << 20, "{validation}");
}

/// Every file under `dir`, at any depth.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in read.flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
