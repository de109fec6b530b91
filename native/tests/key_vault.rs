//! The pseudonymisation key from a vault, against a real AWS API on this machine: moto's
//! server (`moto_server`, PyPI `moto[server]`, pinned in `native/tests/requirements-moto.txt`
//! and installed by `.ci/setup.sh`), started once for this file on 127.0.0.1 and stopped
//! when the tests end.
//!
//! - Secrets Manager: the key read by secret id, by stage and by version id, from the flag,
//!   the environment and `.env`; the same bytes as the same key from a file;
//! - KMS: `watt keygen --kms-key-id` writes a key file that holds no key, which every
//!   command reads through `kms:Decrypt`; a damaged or altered file is refused;
//! - rotation: `watt key rotate` puts a new version and moves the stages, keeps the old
//!   key known (`AWSPREVIOUS`), resumes an interrupted rotation;
//! - a wrong or missing secret, stage, version or KMS key, and an unreachable vault, end
//!   with a clear message and exit code 2;
//! - no key material in any output: every run's standard output and error, and every file
//!   the runs wrote (outputs, manifests, run logs, key envelopes), are searched for every
//!   key the test knows, in hex and in base64.
//!
//! The tests set everything up through the AWS SDK for Rust (the crates watt itself uses),
//! with moto's fixed test credentials. Nothing leaves 127.0.0.1: `watt` runs with a cleared
//! environment (no proxy, profile or instance metadata service of the machine's).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use aws_sdk_kms::primitives::Blob;
use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use watt_core::PseudonymKey;

// moto's server for this file, started on first use, stopped when the tests end.
#[allow(dead_code)] // its SQS helpers are the worker tests'
#[path = "support/moto.rs"]
mod moto;
use moto::moto;

fn endpoint() -> String {
    format!("http://127.0.0.1:{}", moto().port)
}

/// Runs AWS calls of the test's own setup.
fn aws<F: std::future::Future>(f: F) -> F::Output {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime")
    })
    .block_on(f)
}

fn sdk_config() -> aws_config::SdkConfig {
    let url = endpoint();
    aws(async move {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(url)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .load()
            .await
    })
}

fn secrets() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&sdk_config())
}

fn kms() -> aws_sdk_kms::Client {
    aws_sdk_kms::Client::new(&sdk_config())
}

/// A name no other test uses (the server is shared by the file's tests).
fn unique(what: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    format!(
        "watt/{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// A fresh random key, as `watt keygen` prints it.
fn new_key() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_watt"))
        .arg("keygen")
        .output()
        .expect("watt keygen");
    String::from_utf8(out.stdout)
        .expect("hex")
        .trim()
        .to_owned()
}

fn key_id(key: &str) -> String {
    PseudonymKey::new(key.as_bytes())
        .expect("a key")
        .id()
        .to_owned()
}

/// A secret holding `key`; returns its first version id.
fn create_secret(name: &str, key: &str) -> String {
    let client = secrets();
    aws(client.create_secret().name(name).secret_string(key).send())
        .expect("CreateSecret")
        .version_id()
        .expect("a version id")
        .to_owned()
}

/// Puts `key` as the secret's new AWSCURRENT (the old one becomes AWSPREVIOUS).
fn put_current(name: &str, key: &str) -> String {
    let client = secrets();
    aws(client
        .put_secret_value()
        .secret_id(name)
        .secret_string(key)
        .send())
    .expect("PutSecretValue")
    .version_id()
    .expect("a version id")
    .to_owned()
}

/// The key a stage of the secret holds, if any.
fn staged(name: &str, stage: &str) -> Option<String> {
    let client = secrets();
    aws(client
        .get_secret_value()
        .secret_id(name)
        .version_stage(stage)
        .send())
    .ok()
    .and_then(|o| o.secret_string().map(str::to_owned))
}

fn create_kms_key() -> String {
    let client = kms();
    aws(client.create_key().send())
        .expect("CreateKey")
        .key_metadata()
        .expect("metadata")
        .key_id()
        .to_owned()
}

/// A test's folder, the keys it knows (never to be seen in an output), and `watt` run
/// there against moto with a cleared environment.
struct Case {
    dir: tempfile::TempDir,
    secrets: Vec<String>,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::copy(
            root.join("data/samples/sample_energy_consumption.csv"),
            dir.path().join("sample.csv"),
        )
        .expect("the sample");
        std::fs::copy(
            root.join("data/schemas/energy_consumption.schema.json"),
            dir.path().join("schema.json"),
        )
        .expect("the schema");
        Case {
            dir,
            secrets: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A key the outputs must never show (its text, and the base64 of its text).
    fn secret(&mut self, key: &str) -> String {
        self.secrets.push(key.to_owned());
        self.secrets
            .push(data_encoding::BASE64.encode(key.as_bytes()));
        key.to_owned()
    }

    /// A key file in clear, `NAME.key` (the one kind of file allowed to hold a key).
    fn key_file(&mut self, name: &str, key: &str) -> String {
        self.secret(key);
        let file = format!("{name}.key");
        std::fs::write(self.path(&file), format!("{key}\n")).expect("key file");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(self.path(&file), std::fs::Permissions::from_mode(0o600))
                .expect("chmod");
        }
        file
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_watt"));
        cmd.current_dir(self.dir.path())
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", self.path("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.path("no-aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", endpoint());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// `watt ARGS` (with extra environment): exit code, stdout, stderr — checked for keys.
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let out = self.command(args, env).output().expect("watt runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        for s in &self.secrets {
            assert!(
                !stdout.contains(s.as_str()) && !stderr.contains(s.as_str()),
                "watt {args:?} showed a key:\n{stdout}\n{stderr}"
            );
        }
        (out.status.code().expect("an exit code"), stdout, stderr)
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_env(args, &[])
    }

    /// `watt minimise sample.csv` with the key options given: the minimised bytes.
    fn minimise(&self, out: &str, key_args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
        let mut args = vec!["minimise", "sample.csv", "-s", "schema.json", "-o", out];
        args.extend_from_slice(key_args);
        let (code, _, stderr) = self.run_env(&args, env);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        std::fs::read(self.path(out)).expect("the minimised file")
    }

    /// Every file under the folder, but the test's own `.key` files, holds no key.
    fn check_files(&self) {
        let mut n = 0;
        for file in files_under(self.dir.path()) {
            if file.extension().is_some_and(|e| e == "key") {
                continue;
            }
            let bytes = std::fs::read(&file).expect("readable");
            let text = String::from_utf8_lossy(&bytes);
            for s in &self.secrets {
                assert!(!text.contains(s.as_str()), "{} holds a key", file.display());
            }
            n += 1;
        }
        assert!(n > 0);
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn lines(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn a_key_is_read_from_a_secret_by_id_stage_and_version() {
    let mut case = Case::new();
    let (a, b) = (case.secret(&new_key()), case.secret(&new_key()));
    let name = unique("key");
    let version_a = create_secret(&name, &a);
    put_current(&name, &b);
    let file_a = case.key_file("a", &a);
    let file_b = case.key_file("b", &b);
    let with_a = case.minimise("with-a.csv", &["--key-file", &file_a], &[]);
    let with_b = case.minimise("with-b.csv", &["--key-file", &file_b], &[]);
    assert_ne!(with_a, with_b);

    // AWSCURRENT by default; a stage; a version id.
    assert_eq!(
        case.minimise("s.csv", &["--key-secret-id", &name], &[]),
        with_b
    );
    assert_eq!(
        case.minimise(
            "s-prev.csv",
            &[
                "--key-secret-id",
                &name,
                "--key-version-stage",
                "AWSPREVIOUS"
            ],
            &[]
        ),
        with_a
    );
    assert_eq!(
        case.minimise(
            "s-v.csv",
            &["--key-secret-id", &name, "--key-version-id", &version_a],
            &[]
        ),
        with_a
    );
    // From the environment, then from .env.
    assert_eq!(
        case.minimise(
            "s-env.csv",
            &[],
            &[("WATT_PSEUDONYM_KEY_SECRET_ID", name.as_str())]
        ),
        with_b
    );
    std::fs::write(
        case.path(".env"),
        format!("WATT_PSEUDONYM_KEY_SECRET_ID={name}\n"),
    )
    .expect(".env");
    assert_eq!(case.minimise("s-dotenv.csv", &[], &[]), with_b);
    std::fs::remove_file(case.path(".env")).expect("gone");

    // watt pseudonym agrees.
    let pseudonym = |key: &[&str]| {
        let mut args = vec![
            "pseudonym",
            "96472437173461",
            "--field",
            "prm",
            "-s",
            "schema.json",
        ];
        args.extend_from_slice(key);
        let (code, stdout, stderr) = case.run(&args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    assert_eq!(
        pseudonym(&["--key-secret-id", &name]),
        pseudonym(&["--key-file", &file_b])
    );

    // The keyring of a secret: the version used, then AWSCURRENT and AWSPREVIOUS.
    let (code, stdout, _) = case.run(&["key", "list", "--key-secret-id", &name]);
    assert_eq!(code, 0);
    let listed = lines(&stdout);
    assert_eq!(listed.len(), 2, "{stdout}");
    assert_eq!(listed[0][..2], ["current".to_owned(), key_id(&b)]);
    assert_eq!(listed[1][..2], ["previous".to_owned(), key_id(&a)]);
    assert!(listed[0][2].contains(&name) && listed[0][2].contains("AWSCURRENT"));
    assert!(listed[1][2].contains(&format!("version {version_a} (AWSPREVIOUS)")));

    // watt ingest names the key by fingerprint and the secret in its run log.
    let (code, _, stderr) = case.run(&[
        "ingest",
        "sample.csv",
        "--lake",
        "lake",
        "--log-dir",
        "logs",
        "--key-secret-id",
        &name,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let files = files_under(&case.path("lake"));
    let manifest = files
        .iter()
        .find(|f| f.to_string_lossy().ends_with(".manifest.json"))
        .expect("a manifest");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest).expect("read")).expect("JSON");
    assert_eq!(manifest["keyId"], key_id(&b).as_str(), "{manifest}");
    let log = files_under(&case.path("logs"))
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "log"))
        .expect("a run log");
    let log = std::fs::read_to_string(log).expect("read");
    assert!(log.contains(&format!("secret {name}, version")), "{log}");
    case.check_files();
}

#[test]
fn a_wrong_or_missing_secret_is_a_clear_exit_2() {
    let mut case = Case::new();
    let key = case.secret(&new_key());
    let name = unique("key");
    create_secret(&name, &key);
    let weak = unique("weak");
    create_secret(&weak, "K3Y-VALUE");
    let binary = unique("binary");
    aws(secrets()
        .create_secret()
        .name(&binary)
        .secret_binary(Blob::new(vec![7u8; 32]))
        .send())
    .expect("CreateSecret");
    let file = case.key_file("k", &key);
    let minimise = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "minimise",
            "sample.csv",
            "-s",
            "schema.json",
            "-o",
            "out.csv",
        ];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = case.run_env(&args, env);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}: {stderr}");
        assert!(!case.path("out.csv").exists());
        assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
        stderr
    };
    let missing = unique("missing");
    let err = minimise(&["--key-secret-id", &missing], &[]);
    assert!(
        err.contains(&format!("secret {missing}: no such secret")),
        "{err}"
    );
    let err = minimise(
        &[
            "--key-secret-id",
            &name,
            "--key-version-stage",
            "AWSPENDING",
        ],
        &[],
    );
    assert!(
        err.contains(&format!("secret {name}: no version with stage AWSPENDING")),
        "{err}"
    );
    let err = minimise(
        &[
            "--key-secret-id",
            &name,
            "--key-version-id",
            "00000000-0000-0000-0000-000000000000",
        ],
        &[],
    );
    assert!(err.contains("no version with version id"), "{err}");
    let err = minimise(&["--key-secret-id", &weak], &[]);
    assert!(
        err.contains(&format!("the key from secret {weak}, version"))
            && err.contains("cannot be used"),
        "{err}"
    );
    assert!(!err.contains("K3Y-VALUE"), "{err}");
    let err = minimise(&["--key-secret-id", &binary], &[]);
    assert!(err.contains("holds binary data"), "{err}");

    // A vault nobody answers at; a plain-http vault elsewhere (refused before any request).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("its address")
        .port();
    let err = minimise(
        &[
            "--key-secret-id",
            &name,
            "--key-endpoint-url",
            &format!("http://127.0.0.1:{closed}"),
        ],
        &[],
    );
    assert!(err.contains("Secrets Manager cannot be reached"), "{err}");
    let err = minimise(
        &["--key-secret-id", &name],
        &[("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://vault.invalid")],
    );
    assert!(
        err.contains("refusing the plain-http endpoint http://vault.invalid"),
        "{err}"
    );

    // Options that cannot go together.
    let err = minimise(
        &[],
        &[
            ("WATT_PSEUDONYM_KEY", key.as_str()),
            ("WATT_PSEUDONYM_KEY_SECRET_ID", name.as_str()),
        ],
    );
    assert!(
        err.contains(
            "the environment names two keys, WATT_PSEUDONYM_KEY and WATT_PSEUDONYM_KEY_SECRET_ID"
        ),
        "{err}"
    );
    let err = minimise(
        &["--key-file", &file, "--key-version-stage", "AWSPREVIOUS"],
        &[],
    );
    assert!(err.contains("give --key-secret-id"), "{err}");
    let (code, _, err) = case.run(&[
        "minimise",
        "sample.csv",
        "-s",
        "schema.json",
        "-o",
        "out.csv",
        "--key-file",
        &file,
        "--key-secret-id",
        &name,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
    case.check_files();
}

#[test]
fn a_kms_key_file_holds_no_key_and_is_decrypted_in_memory_only() {
    let mut case = Case::new();
    let kms_key = create_kms_key();
    let (code, _, stderr) = case.run(&["keygen", "--kms-key-id", &kms_key, "-o", "key.enc"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(case.path("key.enc")).expect("the envelope");
    let envelope: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(envelope["format"], "watt-pseudonym-key/kms-v1");
    assert!(
        envelope["kmsKeyId"]
            .as_str()
            .is_some_and(|arn| arn.starts_with("arn:aws:kms:") && arn.ends_with(&kms_key)),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(case.path("key.enc"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The key inside, as KMS gives it back to whoever may decrypt it.
    let ciphertext = data_encoding::BASE64
        .decode(envelope["ciphertext"].as_str().expect("base64").as_bytes())
        .expect("base64");
    let client = kms();
    let plaintext = aws(client
        .decrypt()
        .ciphertext_blob(Blob::new(ciphertext))
        .encryption_context("watt:purpose", "pseudonymisation-key")
        .send())
    .expect("Decrypt")
    .plaintext()
    .expect("plaintext")
    .as_ref()
    .to_vec();
    let key = case.secret(&data_encoding::HEXLOWER.encode(&plaintext));
    assert_eq!(envelope["keyId"], key_id(&key).as_str());
    assert!(
        stderr.contains(&key_id(&key)),
        "keygen says the keyId: {stderr}"
    );
    assert!(!stderr.contains(&key), "{stderr}");

    let file = case.key_file("clear", &key);
    assert_eq!(
        case.minimise("enc.csv", &["--key-file", "key.enc"], &[]),
        case.minimise("clear.csv", &["--key-file", &file], &[])
    );
    let (code, stdout, _) = case.run(&["key", "list", "--key-file", "key.enc"]);
    assert_eq!(code, 0);
    assert_eq!(lines(&stdout)[0][..2], ["current".to_owned(), key_id(&key)]);
    assert!(
        stdout.contains("KMS-encrypted key file key.enc"),
        "{stdout}"
    );

    // An existing file is never replaced.
    let (code, _, err) = case.run(&["keygen", "--kms-key-id", &kms_key, "-o", "key.enc"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(case.path("key.enc")).expect("kept"),
        text
    );

    let refused = |name: &str, content: String, expected: &str| {
        std::fs::write(case.path(name), content).expect("write");
        let (code, stdout, err) = case.run(&[
            "minimise",
            "sample.csv",
            "-s",
            "schema.json",
            "-o",
            "out.csv",
            "--key-file",
            name,
        ]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains(&format!("key file {name}")), "{name}: {err}");
    };
    // A damaged ciphertext, an edited fingerprint, a KMS key that cannot decrypt.
    let mut damaged = envelope.clone();
    let mut bytes = data_encoding::BASE64
        .decode(envelope["ciphertext"].as_str().expect("s").as_bytes())
        .expect("b64");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    damaged["ciphertext"] = data_encoding::BASE64.encode(&bytes).into();
    refused(
        "damaged.enc",
        damaged.to_string(),
        "KMS refused the ciphertext",
    );
    let mut edited = envelope.clone();
    edited["keyId"] = "000000000000".into();
    refused("edited.enc", edited.to_string(), "the file was altered");
    let other = create_kms_key();
    let client = kms();
    aws(client.disable_key().key_id(&other).send()).expect("DisableKey");
    let mut disabled = envelope.clone();
    disabled["kmsKeyId"] = other.clone().into();
    refused("disabled.enc", disabled.to_string(), "disabled");
    case.check_files();
}

#[test]
fn a_secret_rotates_and_the_old_key_stays_known() {
    let mut case = Case::new();
    let a = case.secret(&new_key());
    let name = unique("rotated");
    create_secret(&name, &a);
    let file_a = case.key_file("a", &a);
    let with_a = case.minimise("a.csv", &["--key-file", &file_a], &[]);

    let (code, stdout, stderr) = case.run(&["key", "rotate", "--key-secret-id", &name]);
    assert_eq!(code, 0, "{stderr}");
    let b = case.secret(&staged(&name, "AWSCURRENT").expect("a current version"));
    assert_ne!(a, b);
    assert_eq!(staged(&name, "AWSPREVIOUS").as_deref(), Some(a.as_str()));
    assert_eq!(staged(&name, "AWSPENDING"), None, "AWSPENDING taken off");
    let listed = lines(&stdout);
    assert_eq!(listed[0][..2], ["current".to_owned(), key_id(&b)]);
    assert_eq!(listed[1][..2], ["previous".to_owned(), key_id(&a)]);
    assert_eq!(listed.len(), 2);

    // New data is pseudonymised with the new key.
    let file_b = case.key_file("b", &b);
    let after = case.minimise("after.csv", &["--key-secret-id", &name], &[]);
    assert_ne!(after, with_a);
    assert_eq!(after, case.minimise("b.csv", &["--key-file", &file_b], &[]));

    // A rotation interrupted after its new version was put is finished, not redone.
    let pending = case.secret(&new_key());
    aws(secrets()
        .put_secret_value()
        .secret_id(&name)
        .secret_string(&pending)
        .version_stages("AWSPENDING")
        .send())
    .expect("PutSecretValue");
    let (code, stdout, stderr) = case.run(&["key", "rotate", "--key-secret-id", &name]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("resuming the rotation"), "{stderr}");
    assert_eq!(
        staged(&name, "AWSCURRENT").as_deref(),
        Some(pending.as_str())
    );
    assert_eq!(staged(&name, "AWSPREVIOUS").as_deref(), Some(b.as_str()));
    assert_eq!(
        lines(&stdout)
            .iter()
            .map(|l| l[1].clone())
            .collect::<Vec<_>>(),
        [key_id(&pending), key_id(&b)]
    );

    // Rotation takes no stage, and no -o for a secret.
    for extra in [
        &["--key-version-stage", "AWSPREVIOUS"][..],
        &["-o", "x.key"],
    ] {
        let mut args = vec!["key", "rotate", "--key-secret-id", &name];
        args.extend_from_slice(extra);
        let (code, _, err) = case.run(&args);
        assert_eq!(code, 2, "{err}");
        assert!(err.starts_with("watt: error: watt key rotate: "), "{err}");
    }
    case.check_files();
}

#[test]
fn a_kms_key_file_rotates_into_a_new_file_under_the_same_kms_key() {
    let case = Case::new();
    let kms_key = create_kms_key();
    let (code, _, err) = case.run(&["keygen", "--kms-key-id", &kms_key, "-o", "old.enc"]);
    assert_eq!(code, 0, "{err}");
    let (code, stdout, err) =
        case.run(&["key", "rotate", "--key-file", "old.enc", "-o", "new.enc"]);
    assert_eq!(code, 0, "{err}");
    let envelope = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(case.path(name)).expect("read"))
            .expect("JSON")
    };
    let (old, new) = (envelope("old.enc"), envelope("new.enc"));
    assert_eq!(old["kmsKeyId"], new["kmsKeyId"]);
    assert_ne!(old["keyId"], new["keyId"]);
    let listed = lines(&stdout);
    assert_eq!(listed[0][1], new["keyId"].as_str().expect("id"));
    assert_eq!(listed[1][1], old["keyId"].as_str().expect("id"));
    assert!(
        err.contains("use --key-file new.enc --previous-key-file old.enc"),
        "{err}"
    );
    let (code, stdout, _) = case.run(&[
        "key",
        "list",
        "--key-file",
        "new.enc",
        "--previous-key-file",
        "old.enc",
    ]);
    assert_eq!(code, 0);
    assert_eq!(lines(&stdout), listed);
    case.check_files();
}
