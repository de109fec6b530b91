//! One `.env` parser for every command: the key that `watt minimise` and `watt pseudonym`
//! find there and the settings `watt ingest` takes from it are read the same way, with
//! literal values (no `$VAR` expansion), a byte order mark accepted, and an error that
//! names the right line without showing it.

mod common;

use common::Workdir;

/// A test key, not a secret; with a `$` and a `${...}` that must stay as they are.
const KEY_TEXT: &str = "dotenv test key $HOME ${USER} not a secret 0123456789";

const SCHEMA: &str = r#"{"fields": [
  {"name": "prm", "type": "string",
   "gdpr": {"category": "direct-identifier", "action": "pseudonymise", "domain": "meter", "normalise": "digits"}},
  {"name": "kwh", "type": "number", "gdpr": {"category": "personal", "action": "keep"}}
]}"#;

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.write("schema.json", SCHEMA);
    w.write("data.csv", "prm,kwh\n12345678901234,1.5\n");
    let key = w.write("literal.key", KEY_TEXT);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))
            .expect("chmod 600 the key");
    }
    w
}

/// Runs `watt ARGS` without the key or any lake setting in the environment.
fn run(w: &Workdir, args: &[&str]) -> (i32, String, String) {
    let out = w
        .watt(args)
        .env_remove("WATT_PSEUDONYM_KEY")
        .env_remove("DATA_LAKE_BUCKET")
        .env_remove("DATA_LAKE_PREFIX")
        .env_remove("DATA_LAKE_DIR")
        .output()
        .expect("watt runs");
    (
        out.status.code().expect("an exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn pseudonym(w: &Workdir, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "pseudonym",
        "12345678901234",
        "-f",
        "prm",
        "-s",
        "schema.json",
    ];
    args.extend_from_slice(extra);
    run(w, &args)
}

/// The key in `.env` is the text written there, `$` and all: the pseudonym is the one the
/// same text gives from a key file. (dotenvy expanded `$HOME`: another key.)
#[test]
fn values_are_literal() {
    let w = workdir();
    let (code, from_file, stderr) = pseudonym(&w, &["--key-file", "literal.key"]);
    assert_eq!(code, 0, "{stderr}");
    for line in [
        format!("WATT_PSEUDONYM_KEY={KEY_TEXT}\n"),
        format!("export WATT_PSEUDONYM_KEY='{KEY_TEXT}'  # single quotes\n"),
        format!("WATT_PSEUDONYM_KEY=\"{}\"\n", KEY_TEXT.replace('$', "\\$")),
    ] {
        w.write(".env", &line);
        let (code, from_dotenv, stderr) = pseudonym(&w, &[]);
        assert_eq!(code, 0, "{line}: {stderr}");
        assert_eq!(from_dotenv, from_file, "{line}");
    }
}

/// A `.env` saved with a byte order mark (Notepad) gives its first variable like any other.
#[test]
fn a_byte_order_mark_is_accepted() {
    let w = workdir();
    let (_, from_file, _) = pseudonym(&w, &["--key-file", "literal.key"]);
    w.write(
        ".env",
        format!("\u{feff}WATT_PSEUDONYM_KEY='{KEY_TEXT}'\r\n"),
    );
    let (code, from_dotenv, stderr) = pseudonym(&w, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(from_dotenv, from_file);
}

/// A `.env` that cannot be parsed stops every command that reads it, with the line where
/// the bad statement starts and without its content: before, `watt minimise` skipped the
/// bad line (and said no key was found) while `watt ingest` refused the file naming a
/// line 7 of a 4-line file.
#[test]
fn every_command_refuses_the_same_bad_file_naming_the_right_line() {
    let w = workdir();
    w.write(
        ".env",
        format!("WATT_PSEUDONYM_KEY='{KEY_TEXT}'\n# settings\nDATA_LAKE_DIR=lake\nSECRET_NOTE 'hunter2'\n"),
    );
    let expected = "watt: error: .env line 4: expected = after the name (the line is not shown: it may hold a secret)\n";
    for args in [
        &["minimise", "data.csv", "-s", "schema.json", "-o", "out.csv"][..],
        &["pseudonym", "1", "-f", "prm", "-s", "schema.json"],
        &["ingest", "data.csv", "-s", "schema.json", "--dry-run"],
    ] {
        let (code, stdout, stderr) = run(&w, args);
        assert_eq!((code, stderr.as_str()), (2, expected), "{args:?}");
        assert!(!stdout.contains("hunter2") && !stderr.contains("hunter2"));
    }
    assert!(!w.path("out.csv").exists());
    assert!(!w.path("lake").exists());
}
