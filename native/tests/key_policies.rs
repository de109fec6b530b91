//! The AWS policies of the key's vault (`docs/iam/key-*.json`) grant what watt calls and
//! nothing more:
//!
//! - `key-reader-policy.json` (the uploader, any job that pseudonymises): the `AWSCURRENT`
//!   version of the one secret, and `kms:Decrypt` of the one KMS key under watt's
//!   encryption context;
//! - `keyring-reader-policy.json` (the privacy officer, who looks people up in data made
//!   before a rotation): the same with `AWSPREVIOUS`, the stages `watt key list` reads;
//! - `key-custodian-policy.json`: what `watt key rotate` and `watt keygen --kms-key-id`
//!   call;
//! - every permission watt names when AWS denies it (`native/src/key/vault.rs`) is granted by
//!   one of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

const SECRET: &str =
    "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:watt/pseudonymisation-key-??????";
const KMS_KEY: &str = "arn:aws:kms:REGION:ACCOUNT_ID:key/KMS_KEY_ID";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn statements(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("docs/iam").join(file)).expect(file);
    let json: Value = serde_json::from_str(&text).expect(file);
    assert_eq!(json["Version"], "2012-10-17", "{file}");
    let statements = json["Statement"].as_array().expect("Statement").clone();
    for s in &statements {
        assert_eq!(s["Effect"], "Allow", "{file}: grants only: {s}");
    }
    statements
}

fn strings(v: &Value) -> BTreeSet<String> {
    match v {
        Value::String(s) => [s.clone()].into(),
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => BTreeSet::new(),
    }
}

/// (actions, resources, condition) of each statement; no wildcard action, and resources are
/// the one secret or the one KMS key.
fn grants(file: &str) -> Vec<(BTreeSet<String>, BTreeSet<String>, Value)> {
    statements(file)
        .iter()
        .map(|s| {
            let actions = strings(&s["Action"]);
            for a in &actions {
                assert!(!a.contains('*'), "{file}: no wildcard action ({a})");
            }
            let resources = strings(&s["Resource"]);
            for r in &resources {
                assert!(
                    r == SECRET || r == KMS_KEY,
                    "{file}: {r} is not the one secret or key"
                );
            }
            (actions, resources, s["Condition"].clone())
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The statement granting `action`.
fn granting<'a>(
    grants: &'a [(BTreeSet<String>, BTreeSet<String>, Value)],
    action: &str,
) -> &'a (BTreeSet<String>, BTreeSet<String>, Value) {
    grants
        .iter()
        .find(|(a, _, _)| a.contains(action))
        .unwrap_or_else(|| panic!("{action} is granted"))
}

fn all_actions(file: &str) -> BTreeSet<String> {
    grants(file).into_iter().flat_map(|(a, _, _)| a).collect()
}

fn decrypt_needs_the_context(grants: &[(BTreeSet<String>, BTreeSet<String>, Value)]) {
    let (_, resources, condition) = granting(grants, "kms:Decrypt");
    assert_eq!(resources, &set(&[KMS_KEY]));
    assert_eq!(
        condition["StringEquals"]["kms:EncryptionContext:watt:purpose"],
        "pseudonymisation-key"
    );
}

#[test]
fn readers_get_the_secrets_stages_they_use_and_decrypt_under_the_context() {
    for (file, stages) in [
        ("key-reader-policy.json", &["AWSCURRENT"][..]),
        ("keyring-reader-policy.json", &["AWSCURRENT", "AWSPREVIOUS"]),
    ] {
        assert_eq!(
            all_actions(file),
            set(&["secretsmanager:GetSecretValue", "kms:Decrypt"]),
            "{file}"
        );
        let g = grants(file);
        let (_, resources, condition) = granting(&g, "secretsmanager:GetSecretValue");
        assert_eq!(resources, &set(&[SECRET]));
        assert_eq!(
            strings(&condition["StringEquals"]["secretsmanager:VersionStage"]),
            set(stages),
            "{file}"
        );
        decrypt_needs_the_context(&g);
    }
}

#[test]
fn the_custodian_gets_what_rotation_and_kms_keygen_call() {
    let file = "key-custodian-policy.json";
    assert_eq!(
        all_actions(file),
        set(&[
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
            "kms:GenerateDataKey",
            "kms:Decrypt",
        ])
    );
    let g = grants(file);
    decrypt_needs_the_context(&g);
    let (_, _, condition) = granting(&g, "kms:GenerateDataKey");
    assert!(
        !condition.is_null(),
        "GenerateDataKey under watt's context only"
    );
}

#[test]
fn every_permission_watt_asks_for_is_granted_by_a_key_policy() {
    let source = std::fs::read_to_string(root().join("native/src/key/vault.rs")).expect("vault.rs");
    let named: BTreeSet<String> = source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            (s.starts_with("secretsmanager:") || s.starts_with("kms:"))
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ':')
        })
        .map(str::to_owned)
        .collect();
    assert!(named.len() >= 5, "{named:?}");
    let granted: BTreeSet<String> = [
        "key-reader-policy.json",
        "keyring-reader-policy.json",
        "key-custodian-policy.json",
    ]
    .iter()
    .flat_map(|f| all_actions(f))
    .collect();
    for permission in &named {
        assert!(granted.contains(permission), "{permission} is in no policy");
    }
}
