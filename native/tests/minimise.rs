//! `watt minimise`, `watt pseudonym`, `watt register`, `watt scan` and `watt keygen`, driven
//! through the real binary on the bundled sample and on small inline files.

mod common;

use std::path::{Path, PathBuf};

use common::{Workdir, energy_schema};
use serde_json::Value;

const KEY: &str = "0f4c2a9e7b1d3f5a8c6e0b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a";
const OTHER_KEY: &str = "1e5d3b9f7a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples/sample_energy_consumption.csv")
}

fn schema() -> String {
    energy_schema().display().to_string()
}

/// The planted values listed in data/samples/README.md (kind, value), decoys excluded.
fn planted_values() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(sample().with_file_name("README.md")).expect("samples README");
    readme
        .lines()
        .filter(|l| l.starts_with("| ") && l.ends_with("` |"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            match cells.as_slice() {
                [row, kind, value] if row.parse::<u32>().is_ok() => {
                    Some((kind.to_string(), value.trim_matches('`').to_owned()))
                }
                _ => None,
            }
        })
        .filter(|(kind, _)| kind != "ticket-decoy")
        .collect()
}

/// The sample's own personal columns, as (column, value) for every row.
fn sample_personal_cells() -> Vec<(String, String)> {
    let mut reader = csv_rows(&std::fs::read(sample()).expect("sample"));
    let header = reader.remove(0);
    let mut cells = Vec::new();
    for row in reader {
        for (name, value) in header.iter().zip(row) {
            if [
                "prm",
                "customer_id",
                "full_name",
                "email",
                "phone",
                "address",
                "city",
            ]
            .contains(&name.as_str())
            {
                cells.push((name.clone(), value));
            }
        }
    }
    cells
}

/// A tiny CSV reader for test assertions (quoted fields, doubled quotes, newlines inside).
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn minimise(
    w: &Workdir,
    input: &Path,
    out: &str,
    key: &str,
    extra: &[&str],
) -> (i32, String, String) {
    let input = input.display().to_string();
    let schema = schema();
    let mut args = vec![
        "minimise",
        input.as_str(),
        "--schema",
        schema.as_str(),
        "-o",
        out,
    ];
    args.extend_from_slice(extra);
    let output = w
        .watt(&args)
        .env("WATT_PSEUDONYM_KEY", key)
        .output()
        .expect("watt runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
    )
}

#[test]
fn minimises_the_sample_and_no_personal_value_survives() {
    let w = Workdir::new();
    let before = std::fs::read(sample()).expect("sample");
    let (code, _, stderr) = minimise(&w, &sample(), "out.csv", KEY, &["--report", "report.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read(sample()).expect("sample"),
        before,
        "the source is never changed"
    );
    let out = std::fs::read_to_string(w.path("out.csv")).expect("output written");
    let rows = csv_rows(out.as_bytes());
    assert_eq!(
        rows[0],
        [
            "prm",
            "customer_id",
            "postcode",
            "timestamp",
            "kwh",
            "contract_type",
            "comment"
        ]
    );
    assert_eq!(rows.len(), 321);

    let planted = planted_values();
    assert_eq!(
        planted.len(),
        60,
        "the README lists 60 planted personal values"
    );
    for (kind, value) in &planted {
        assert!(
            !out.contains(value.as_str()),
            "planted {kind} {value:?} survived"
        );
    }
    for (column, value) in sample_personal_cells() {
        let probe = value
            .split_whitespace()
            .max_by_key(|w| w.len())
            .unwrap_or_default()
            .to_owned();
        if probe.chars().count() >= 5 {
            assert!(
                !out.contains(&probe),
                "{column} value part {probe:?} survived"
            );
        }
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("report.json")).expect("report"))
            .expect("json");
    assert_eq!(report["valid"], true);
    let m = &report["minimisation"];
    assert_eq!(m["rowsOut"], 320);
    assert_eq!(m["kAnonymity"]["k"], 6);
    assert_eq!(m["kAnonymity"]["passes"], true);
    let comment = m["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "comment")
        .expect("comment");
    assert_eq!(comment["cellsChanged"], 58);
    // Nothing personal in what watt printed or wrote about the run.
    let report_text = std::fs::read_to_string(w.path("report.json")).expect("report");
    for (kind, value) in &planted {
        assert!(
            !stderr.contains(value.as_str()) && !report_text.contains(value.as_str()),
            "{kind} in report/stderr"
        );
    }
    assert!(
        !stderr.contains(KEY) && !report_text.contains(KEY),
        "the key never appears"
    );
    assert!(stderr.contains("wrote out.csv"));
}

#[test]
fn same_key_same_bytes_other_key_other_pseudonyms() {
    let w = Workdir::new();
    assert_eq!(minimise(&w, &sample(), "a.csv", KEY, &[]).0, 0);
    assert_eq!(minimise(&w, &sample(), "b.csv", KEY, &[]).0, 0);
    assert_eq!(minimise(&w, &sample(), "c.csv", OTHER_KEY, &[]).0, 0);
    let read = |n: &str| std::fs::read(w.path(n)).expect("output");
    assert_eq!(read("a.csv"), read("b.csv"));
    let a = csv_rows(&read("a.csv"));
    let c = csv_rows(&read("c.csv"));
    assert_ne!(a[1][0], c[1][0], "another key gives another pseudonym");
    assert_eq!(
        a[1][2..],
        c[1][2..],
        "everything but the pseudonyms is the same"
    );
}

#[test]
fn output_equals_the_core_minimiser_and_the_french_export_gives_the_same_bytes() {
    let w = Workdir::new();
    assert_eq!(minimise(&w, &sample(), "std.csv", KEY, &[]).0, 0);
    let fr = sample().with_file_name("sample_energy_consumption_fr.csv");
    assert_eq!(minimise(&w, &fr, "fr.csv", KEY, &[]).0, 0);
    let std_bytes = std::fs::read(w.path("std.csv")).expect("std");
    assert_eq!(
        std_bytes,
        std::fs::read(w.path("fr.csv")).expect("fr"),
        "same rows, same output, whatever the dialect"
    );

    let schema =
        watt_core::Schema::from_json(&std::fs::read_to_string(energy_schema()).expect("schema"))
            .expect("schema");
    let key = watt_core::PseudonymKey::new(KEY.as_bytes()).expect("key");
    let mut m = watt_core::Minimiser::new(&schema, watt_core::Options::default(), Some(key))
        .expect("minimiser");
    let data = std::fs::read(sample()).expect("sample");
    let mut expected = Vec::new();
    for chunk in data.chunks(777) {
        expected.extend_from_slice(m.push(chunk));
    }
    expected.extend(m.finish().tail);
    assert_eq!(std_bytes, expected);
}

#[test]
fn refuses_without_a_key_and_never_uses_a_default() {
    let w = Workdir::new();
    let input = sample().display().to_string();
    let schema = schema();
    let out = w
        .watt(&["minimise", &input, "--schema", &schema, "-o", "out.csv"])
        .env_remove("WATT_PSEUDONYM_KEY")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("watt: error: a pseudonymisation key is required for field(s) prm, customer_id; watt has no built-in key: set WATT_PSEUDONYM_KEY"),
        "{stderr}"
    );
    assert!(!w.path("out.csv").exists());
    let (code, _, stderr) = minimise(&w, &sample(), "out.csv", "short", &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("too short: 5 bytes, at least 32"),
        "{stderr}"
    );
    assert!(!stderr.contains("short,") && !w.path("out.csv").exists());
}

#[test]
fn key_from_a_file_or_dotenv_and_a_warning_for_shared_key_files() {
    let w = Workdir::new();
    let key_file = w.write("watt.key", format!("{KEY}\n"));
    let input = sample().display().to_string();
    let schema = schema();
    let run = |args: &[&str]| {
        let out = w
            .watt(args)
            .env_remove("WATT_PSEUDONYM_KEY")
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&[
        "minimise",
        &input,
        "-s",
        &schema,
        "-o",
        "f.csv",
        "--key-file",
        "watt.key",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    #[cfg(unix)]
    assert!(
        stderr.contains("key file watt.key can be read by other users"),
        "{stderr}"
    );
    w.write(
        ".env",
        format!("DATA_LAKE_PREFIX=x\nWATT_PSEUDONYM_KEY={KEY}\n"),
    );
    let (code, _) = run(&["minimise", &input, "-s", &schema, "-o", "e.csv"]);
    assert_eq!(code, Some(0));
    let (code, _, _) = minimise(&w, &sample(), "v.csv", KEY, &[]);
    assert_eq!(code, 0);
    let read = |n: &str| std::fs::read(w.path(n)).expect("output");
    assert_eq!(read("f.csv"), read("v.csv"));
    assert_eq!(read("e.csv"), read("v.csv"));
    drop(key_file);
}

#[test]
fn invalid_data_leaves_no_output_unless_asked() {
    let w = Workdir::new();
    let data = std::fs::read_to_string(sample())
        .expect("sample")
        .replacen(",0.", ",-0.", 1);
    let input = w.write("bad.csv", data);
    let (code, _, stderr) = minimise(&w, &input, "out.csv", KEY, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("below minimum 0"));
    assert!(stderr.contains("nothing written: the data is invalid"));
    assert!(!w.path("out.csv").exists());
    let leftovers: Vec<_> = std::fs::read_dir(w.path("."))
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (code, _, _) = minimise(&w, &input, "out.csv", KEY, &["--allow-invalid"]);
    assert_eq!(code, 1);
    assert_eq!(
        csv_rows(&std::fs::read(w.path("out.csv")).expect("written")).len(),
        321
    );
}

/// With `--allow-invalid`, a kept value that is not valid for its field (an email in
/// `kwh`, a name in `contract_type`, whose `enum` it is not in) is emptied and counted, not
/// written as it is; the summary says how many.
#[test]
fn allow_invalid_never_writes_a_kept_value_that_is_not_valid() {
    let w = Workdir::new();
    let sample = std::fs::read_to_string(sample()).expect("sample");
    let mut lines: Vec<String> = sample.lines().map(str::to_owned).collect();
    let cells = |line: &str| -> Vec<String> { line.split(',').map(str::to_owned).collect() };
    let header = cells(&lines[0]);
    let at = |name: &str| header.iter().position(|c| c == name).expect(name);
    let (kwh, contract) = (at("kwh"), at("contract_type"));
    for (row, col, value) in [
        (1, kwh, "jeanne.martin@example.com"),
        (2, contract, "Jeanne Martin"),
    ] {
        let mut row_cells = cells(&lines[row]);
        assert_eq!(row_cells.len(), header.len(), "a plain row");
        row_cells[col] = value.to_owned();
        lines[row] = row_cells.join(",");
    }
    let input = w.write("bad.csv", lines.join("\n") + "\n");
    let (code, _, stderr) = minimise(
        &w,
        &input,
        "out.csv",
        KEY,
        &["--allow-invalid", "--report", "report.json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let out = std::fs::read_to_string(w.path("out.csv")).expect("written");
    assert!(!out.contains("jeanne.martin"), "the email is not written");
    assert!(!out.contains("Jeanne Martin"), "the name is not written");
    let rows = csv_rows(out.as_bytes());
    let column = |name: &str| rows[0].iter().position(|c| c == name).expect(name);
    assert_eq!(rows[1][column("kwh")], "");
    assert_eq!(rows[2][column("contract_type")], "");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("report.json")).expect("report"))
            .expect("JSON");
    let fields = report["minimisation"]["fields"].as_array().expect("fields");
    for name in ["kwh", "contract_type"] {
        let f = fields.iter().find(|f| f["name"] == name).expect(name);
        assert_eq!(f["cellsSuppressed"], 1, "{name}");
    }
    let line = |name: &str| {
        stderr
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("kwh").contains("1 emptied (not valid for the field)"),
        "{stderr}"
    );
    assert!(
        line("contract_type").contains("1 emptied (not valid for the field)"),
        "{stderr}"
    );
}

/// `-o /dev/null` once replaced the device with a regular file (a temporary file renamed
/// onto it): a FIFO stands in for the device here, and a symbolic link must stay a link.
#[cfg(unix)]
#[test]
fn devices_pipes_and_links_are_written_through_not_replaced() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;

    let w = Workdir::new();
    let (code, expected, stderr) = minimise(&w, &sample(), "-", KEY, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(expected.len() > 1000);

    let fifo = w.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (tx, read) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        // Left blocked on the pipe if nothing ever opens it: the wait below times out.
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::fs::File::open(fifo)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .expect("read the pipe");
            let _ = tx.send(bytes);
        });
    }
    let (code, _, stderr) = minimise(&w, &sample(), "pipe", KEY, &[]);
    assert_eq!(code, 0, "{stderr}");
    let bytes = read
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the output went through the pipe");
    assert_eq!(bytes, expected.as_bytes());
    let kind = std::fs::symlink_metadata(&fifo).expect("pipe").file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");

    std::fs::create_dir(w.path("real")).expect("dir");
    std::os::unix::fs::symlink("real/out.csv", w.path("link.csv")).expect("link");
    let (code, _, stderr) = minimise(&w, &sample(), "link.csv", KEY, &[]);
    assert_eq!(code, 0, "{stderr}");
    let kind = std::fs::symlink_metadata(w.path("link.csv"))
        .expect("link")
        .file_type();
    assert!(kind.is_symlink(), "the link is still a link");
    assert_eq!(
        std::fs::read_to_string(w.path("real/out.csv")).expect("target"),
        expected
    );
}

/// Every output is refused (exit 2, nothing written, every input unchanged) when it names,
/// by any path, an input of the command or another output.
#[cfg(unix)]
#[test]
fn outputs_never_land_on_an_input_or_on_each_other() {
    let w = Workdir::new();
    let input = w.write("in.csv", std::fs::read(sample()).expect("sample"));
    let schema = w.write(
        "schema.json",
        std::fs::read(energy_schema()).expect("schema"),
    );
    let key = w.write("k.key", format!("{KEY}\n"));
    let env = w.write(".env", format!("WATT_PSEUDONYM_KEY={KEY}\n"));
    std::fs::create_dir(w.path("sub")).expect("dir");
    std::fs::hard_link(&input, w.path("hard.csv")).expect("hard link");
    std::os::unix::fs::symlink("in.csv", w.path("soft.csv")).expect("link");
    let originals: Vec<(PathBuf, Vec<u8>)> = [&input, &schema, &key, &env]
        .iter()
        .map(|p| ((*p).clone(), std::fs::read(p).expect("input")))
        .collect();
    let run = |args: &[&str]| {
        let mut all = vec!["minimise", "in.csv", "--schema", "schema.json"];
        all.extend_from_slice(args);
        w.run(&all)
    };
    let cases: [(&[&str], &str); 9] = [
        (
            &["-o", "in.csv"],
            "the minimised CSV to in.csv: it is the data file",
        ),
        (
            &["-o", "m.csv", "--report", "in.csv"],
            "the report to in.csv: it is the data file",
        ),
        (&["-o", "sub/../in.csv"], "it is the data file"),
        (&["-o", "hard.csv"], "it is the data file"),
        (
            &["-o", "m.csv", "--report", "soft.csv"],
            "it is the data file",
        ),
        (&["-o", "schema.json"], "it is the schema (schema.json)"),
        (
            &["-o", "m.csv", "--key-file", "k.key", "--report", "k.key"],
            "it is the key file",
        ),
        (&["-o", ".env"], "it is the .env file"),
        (
            &["-o", "x.csv", "--report", "sub/../x.csv"],
            "the minimised CSV goes there too",
        ),
    ];
    for (args, said) in cases {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        for (path, bytes) in &originals {
            assert_eq!(&std::fs::read(path).expect("input"), bytes, "{args:?}");
        }
        assert!(
            !w.path("m.csv").exists() && !w.path("x.csv").exists(),
            "{args:?}"
        );
    }
    // The same command with outputs of their own runs.
    let (code, _, stderr) = run(&["-o", "m.csv", "--report", "r.json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(w.path("r.json")).expect("report")).expect("json");
    assert_eq!(report["valid"], true);
}

/// A write past `ulimit -f` fails with "File too large" (exit 2) and leaves no temporary
/// file behind: SIGXFSZ killed watt mid-write, leaving its partial output.
#[cfg(unix)]
#[test]
fn a_file_size_limit_fails_the_output_and_leaves_nothing() {
    let w = Workdir::new();
    let input = w.write("in.csv", std::fs::read(sample()).expect("sample"));
    let out = std::process::Command::new("sh")
        .current_dir(w.path("."))
        .args(["-c", "ulimit -f 8; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_watt"))
        .args(["minimise", "in.csv", "--schema", &schema(), "-o", "out.csv"])
        .env("WATT_PSEUDONYM_KEY", KEY)
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{:?} {stderr}", out.status);
    assert!(stderr.contains("File too large"), "{stderr}");
    let mut left: Vec<String> = std::fs::read_dir(w.path("."))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["in.csv"], "no output and no temporary file");
    assert!(std::fs::metadata(&input).expect("in").len() > 8 * 1024);
}

#[test]
fn schema_infer_and_register_refuse_to_write_over_their_input() {
    let w = Workdir::new();
    let input = w.write("in.csv", std::fs::read(sample()).expect("sample"));
    let schema = w.write(
        "schema.json",
        std::fs::read(energy_schema()).expect("schema"),
    );
    let (data, rules) = (
        std::fs::read(&input).expect("in"),
        std::fs::read(&schema).expect("schema"),
    );
    let (code, _, stderr) = w.run(&["schema", "infer", "in.csv", "-o", "./in.csv"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it is the data file"), "{stderr}");
    let (code, _, stderr) = w.run(&["register", "--schema", "schema.json", "-o", "schema.json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it is the schema"), "{stderr}");
    assert_eq!(std::fs::read(&input).expect("in"), data);
    assert_eq!(std::fs::read(&schema).expect("schema"), rules);
}

#[test]
fn pseudonym_finds_a_persons_rows() {
    let w = Workdir::new();
    assert_eq!(minimise(&w, &sample(), "out.csv", KEY, &[]).0, 0);
    let rows = csv_rows(&std::fs::read(sample()).expect("sample"));
    let prm = rows[1][0].clone();
    let schema = schema();
    let out = w
        .watt(&["pseudonym", &prm, "--field", "prm", "--schema", &schema])
        .env("WATT_PSEUDONYM_KEY", KEY)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let pseudonym = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert_eq!(pseudonym.len(), 32);
    let minimised = csv_rows(&std::fs::read(w.path("out.csv")).expect("out"));
    let theirs = minimised.iter().filter(|r| r[0] == pseudonym).count();
    let original = rows.iter().filter(|r| r[0] == prm).count();
    assert_eq!((theirs, original), (8, 8));

    // One per line from standard input, spaces in the meter id normalised away.
    let spaced = format!("{} {}\n{prm}\n", &prm[..7], &prm[7..]);
    let out = w
        .watt(&["pseudonym", "--field", "prm", "--schema", &schema])
        .env("WATT_PSEUDONYM_KEY", KEY)
        .write_stdin(spaced)
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf-8"),
        format!("{pseudonym}\n{pseudonym}\n")
    );

    let (code, _, stderr) = w.run(&["pseudonym", "1", "--field", "kwh", "--schema", &schema]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("key is required") || stderr.contains("not pseudonymised"),
        "{stderr}"
    );
}

#[test]
fn register_is_the_committed_inventory() {
    let w = Workdir::new();
    let (code, stdout, _) = w.run(&["register", "--schema", &schema()]);
    assert_eq!(code, 0);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/data_inventory.csv");
    let committed = std::fs::read_to_string(committed).expect("docs/data_inventory.csv");
    assert_eq!(
        stdout, committed,
        "docs/data_inventory.csv disagrees with the schema: regenerate it with `watt register --schema data/schemas/energy_consumption.schema.json -o docs/data_inventory.csv`"
    );
}

#[test]
fn scan_reports_undeclared_personal_data() {
    let w = Workdir::new();
    let (code, stdout, _) = w.run(&[
        "scan",
        &sample().display().to_string(),
        "--schema",
        &schema(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(report["scan"]["personalDataFound"], false);
    assert_eq!(report["minimisation"]["kAnonymity"]["k"], 6);

    let leaky = std::fs::read_to_string(sample()).expect("sample").replacen(
        ",BASE,",
        ",jeanne@example.fr,",
        3,
    );
    let input = w.write("leaky.csv", leaky);
    let (code, stdout, _) = w.run(&["scan", &input.display().to_string(), "--schema", &schema()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("contract_type (non-personal): 3 of 320 cells hold 3 email"),
        "{stdout}"
    );
    assert!(!stdout.contains("jeanne@"));
}

#[test]
fn keygen_makes_private_keys_and_never_replaces_one() {
    let w = Workdir::new();
    let (code, stdout, _) = w.run(&["keygen"]);
    assert_eq!(code, 0);
    let key = stdout.trim();
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    let (_, again, _) = w.run(&["keygen"]);
    assert_ne!(key, again.trim());
    let (code, _, stderr) = w.run(&["keygen", "-o", "k.key"]);
    assert_eq!(code, 0, "{stderr}");
    let first = std::fs::read_to_string(w.path("k.key")).expect("key file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.path("k.key"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, _, _) = w.run(&["keygen", "-o", "k.key"]);
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::read_to_string(w.path("k.key")).expect("key file"),
        first
    );
}
