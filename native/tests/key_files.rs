//! Keys in files, without a vault: the keyring of `--key-file` and `--previous-key-file`
//! (`watt key list`), the rotation of a key file (`watt key rotate --key-file OLD -o NEW`),
//! and the rotations watt refuses.

mod common;

use common::Workdir;

/// A key file in clear, mode 0600.
fn key_file(dir: &Workdir, name: &str, key: &str) {
    let path = dir.write(name, format!("{key}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

const KEY_A: &str = "keyring test key A, made up for this test only";
const KEY_B: &str = "keyring test key B, another one for this test";

fn id(key: &str) -> String {
    watt_core::PseudonymKey::new(key.as_bytes())
        .expect("a key")
        .id()
        .to_owned()
}

#[test]
fn the_keyring_of_files_lists_fingerprints_current_first_each_once() {
    let dir = Workdir::new();
    key_file(&dir, "b.key", KEY_B);
    key_file(&dir, "a.key", KEY_A);
    key_file(&dir, "a-copy.key", KEY_A);
    let (code, stdout, stderr) = dir.run(&[
        "key",
        "list",
        "--key-file",
        "b.key",
        "--previous-key-file",
        "a.key",
        "--previous-key-file",
        "a-copy.key",
        "--previous-key-file",
        "b.key",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "current\t{}\tkey file b.key\nprevious\t{}\tkey file a.key\n",
            id(KEY_B),
            id(KEY_A)
        )
    );
    assert!(!stdout.contains(KEY_A) && !stdout.contains(KEY_B));

    let (code, _, stderr) = dir.run(&["key", "list", "--previous-key-file", "a.key"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the previous keys go with a current one"),
        "{stderr}"
    );
    let (code, _, stderr) = dir.run(&["key", "list"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no pseudonymisation key was given"),
        "{stderr}"
    );
}

#[test]
fn a_key_file_rotates_into_a_new_file_and_never_over_one() {
    let dir = Workdir::new();
    key_file(&dir, "old.key", KEY_A);
    let (code, stdout, stderr) =
        dir.run(&["key", "rotate", "--key-file", "old.key", "-o", "new.key"]);
    assert_eq!(code, 0, "{stderr}");
    let new = std::fs::read_to_string(dir.path("new.key")).expect("the new key");
    let new = new.trim();
    assert_eq!(new.len(), 64);
    assert!(new.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(new, KEY_A);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path("new.key"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        stdout,
        format!(
            "current\t{}\tkey file new.key\nprevious\t{}\tkey file old.key\n",
            id(new),
            id(KEY_A)
        )
    );
    assert!(!stdout.contains(new) && !stderr.contains(new), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path("old.key")).expect("old"),
        format!("{KEY_A}\n"),
        "the old key is kept"
    );

    // Never over an existing file; no -o; a key in the environment.
    let before = std::fs::read(dir.path("new.key")).expect("new");
    let (code, _, stderr) = dir.run(&["key", "rotate", "--key-file", "old.key", "-o", "new.key"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(std::fs::read(dir.path("new.key")).expect("kept"), before);
    let (code, _, stderr) = dir.run(&["key", "rotate", "--key-file", "old.key"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("give -o NEW_FILE"), "{stderr}");
    let (code, _, stderr) = dir
        .watt(&["key", "rotate", "-o", "x.key"])
        .env("WATT_PSEUDONYM_KEY", KEY_A)
        .output()
        .map(|o| {
            (
                o.status.code().expect("code"),
                String::new(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .expect("runs");
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be rotated by watt"), "{stderr}");
    assert!(!stderr.contains(KEY_A));
    assert!(!dir.path("x.key").exists());
}
