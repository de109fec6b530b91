//! The key's vaults on AWS: a secret of Secrets Manager (`--key-secret-id`) and a KMS key
//! under which a key file is encrypted ([`super::envelope`]).
//!
//! Both are reached as `watt ingest` reaches S3: credentials from the standard AWS chain
//! (or the keys of `.env` when the environment has none), the region from `--key-region`,
//! `AWS_REGION` or the profile, the endpoint from `--key-endpoint-url`, then the service's
//! own variable (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_KMS`), then
//! `AWS_ENDPOINT_URL`. A plain-http endpoint is accepted on this machine only (a local test
//! server), with no override: what travels is the key itself. Nor does such an endpoint go
//! through a proxy.
//!
//! What comes back holds the key: it is moved at once into memory wiped on drop
//! ([`Zeroizing`]), and nothing of it reaches a message. Errors name the secret or the KMS
//! key and AWS's error code, never a value.

use std::future::Future;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use aws_sdk_secretsmanager::config::Region;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use zeroize::Zeroizing;

use super::envelope::{self, Envelope};
use crate::cli::VaultArgs;
use crate::ingest::config::{ConfigError, Credentials, Env, Proxy, check_endpoint, credentials};
use crate::ingest::shown;

/// Attempts per request (retried with exponential backoff).
const MAX_ATTEMPTS: u32 = 3;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The two AWS services watt takes keys from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    SecretsManager,
    Kms,
}

impl Service {
    /// The service's name in messages.
    fn name(self) -> &'static str {
        const NAMES: [&str; 2] = ["Secrets Manager", "KMS"];
        NAMES[self as usize]
    }

    /// The endpoint variables, the service's own first (the AWS SDKs' names).
    fn endpoint_vars(self) -> &'static [&'static str] {
        match self {
            Service::SecretsManager => &["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"],
            Service::Kms => &["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"],
        }
    }
}

/// How to reach one service.
#[derive(Debug, Clone)]
pub struct Access {
    region: Option<String>,
    endpoint_url: Option<String>,
    credentials: Credentials,
    proxy: Proxy,
}

impl Access {
    /// The settings from the flags, the environment and `.env`.
    pub fn resolve(args: &VaultArgs, env: &Env, service: Service) -> Result<Access, VaultError> {
        let endpoint_url = match &args.key_endpoint_url {
            Some(url) => Some(url.clone()),
            None => env.first(service.endpoint_vars()).map(|(url, _)| url),
        };
        if let Some(url) = &endpoint_url {
            // No --allow-insecure-http here: the key itself would travel in clear.
            check_endpoint(url, false)?;
        }
        let region = args
            .key_region
            .clone()
            .or_else(|| {
                env.first(&["AWS_REGION", "AWS_DEFAULT_REGION"])
                    .map(|(r, _)| r)
            })
            .or_else(|| endpoint_url.as_ref().map(|_| "us-east-1".to_owned()));
        Ok(Access {
            region,
            proxy: Proxy::for_endpoint(endpoint_url.as_deref()),
            endpoint_url,
            credentials: credentials(env)?,
        })
    }

    /// The SDK configuration: retries and timeouts set here, not left to the machine.
    async fn sdk_config(&self) -> aws_config::SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .read_timeout(READ_TIMEOUT)
                    .build(),
            );
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if self.proxy == Proxy::Never {
            loader = loader.http_client(crate::ingest::s3::http_client_without_proxy());
        }
        crate::ingest::s3::with_credentials(loader, &self.credentials)
            .load()
            .await
    }
}

/// Why a key could not be had from a vault (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("key vault: {0}")]
    Config(#[from] ConfigError),
    #[error(
        "{service} cannot be reached ({detail}); check --key-endpoint-url, the region and the network"
    )]
    Unreachable {
        service: &'static str,
        detail: String,
    },
    #[error("secret {id}: no such secret (check --key-secret-id and the region)")]
    SecretNotFound { id: String },
    #[error("secret {id}: no version with {version}")]
    VersionNotFound { id: String, version: String },
    #[error(
        "secret {id}: {version} holds binary data; watt expects the key as text, as `watt keygen` prints it"
    )]
    BinarySecret { id: String, version: String },
    #[error(
        "{service} refused {action} on {resource}: access denied (the role needs {permission}; see docs/iam/)"
    )]
    Denied {
        service: &'static str,
        action: &'static str,
        resource: String,
        permission: &'static str,
    },
    #[error("KMS key {kms_key}: {problem}")]
    Kms { kms_key: String, problem: String },
    #[error("{service} {action} on {resource} failed: {detail}")]
    Service {
        service: &'static str,
        action: &'static str,
        resource: String,
        detail: String,
    },
    #[error("{0}")]
    Envelope(#[from] envelope::EnvelopeError),
    #[error("cannot start the AWS client: {0}")]
    Runtime(std::io::Error),
}

/// Runs an AWS exchange to its end on a runtime of its own (the commands that take a key
/// are otherwise synchronous; `watt ingest` loads its key before its own runtime starts).
pub fn block_on<F: Future>(future: F) -> Result<F::Output, VaultError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(VaultError::Runtime)?;
    Ok(runtime.block_on(future))
}

/// Which version of a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    Stage(String),
    Id(String),
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Version::Stage(s) => write!(f, "stage {}", shown::escaped(s)),
            Version::Id(id) => write!(f, "version id {}", shown::escaped(id)),
        }
    }
}

/// The stage of the version in use, and of the one before (Secrets Manager's names).
pub const CURRENT: &str = "AWSCURRENT";
pub const PREVIOUS: &str = "AWSPREVIOUS";
/// The stage of a version being put in place by `watt key rotate`.
pub const PENDING: &str = "AWSPENDING";

/// One version of a secret: the key text, wiped on drop, and what names the version.
#[derive(Debug)]
pub struct SecretVersion {
    pub text: Zeroizing<String>,
    pub version_id: String,
    pub stages: Vec<String>,
}

/// A Secrets Manager client.
#[derive(Debug, Clone)]
pub struct Secrets {
    client: aws_sdk_secretsmanager::Client,
}

impl Secrets {
    pub async fn connect(access: &Access) -> Secrets {
        Secrets {
            client: aws_sdk_secretsmanager::Client::new(&access.sdk_config().await),
        }
    }

    /// A version of the secret (`secretsmanager:GetSecretValue`); `Ok(None)` when the
    /// secret has no such version (a stage nobody holds, such as `AWSPREVIOUS` before the
    /// first rotation).
    pub async fn get(
        &self,
        id: &str,
        version: &Version,
    ) -> Result<Option<SecretVersion>, VaultError> {
        let mut request = self.client.get_secret_value().secret_id(id);
        request = match version {
            Version::Stage(stage) => request.version_stage(stage),
            Version::Id(v) => request.version_id(v),
        };
        let mut answer = match request.send().await {
            Ok(answer) => answer,
            Err(e) if e.code() == Some("ResourceNotFoundException") => {
                // The same code says "no such secret" and "no such version": ask which.
                return match self.client.describe_secret().secret_id(id).send().await {
                    Ok(_) => Ok(None),
                    Err(e) if e.code() == Some("ResourceNotFoundException") => {
                        Err(VaultError::SecretNotFound {
                            id: shown::escaped(id),
                        })
                    }
                    Err(_) => Ok(None),
                };
            }
            Err(e) => return Err(classify(e, Service::SecretsManager, "GetSecretValue", id)),
        };
        // Moved out of the answer at once, into memory wiped on drop.
        let text = Zeroizing::new(answer.secret_string.take().unwrap_or_default());
        if text.is_empty() {
            return Err(if answer.secret_binary.take().is_some() {
                VaultError::BinarySecret {
                    id: shown::escaped(id),
                    version: version.to_string(),
                }
            } else {
                VaultError::VersionNotFound {
                    id: shown::escaped(id),
                    version: version.to_string(),
                }
            });
        }
        Ok(Some(SecretVersion {
            text,
            version_id: answer.version_id.take().unwrap_or_default(),
            stages: answer.version_stages.take().unwrap_or_default(),
        }))
    }

    /// Puts a new version holding `text` under the stage `AWSPENDING` only
    /// (`secretsmanager:PutSecretValue`); the version id is the random `token`, so a retry
    /// of the same request cannot make two versions.
    pub async fn put_pending(&self, id: &str, token: &str, text: &str) -> Result<(), VaultError> {
        self.client
            .put_secret_value()
            .secret_id(id)
            .client_request_token(token)
            .secret_string(text)
            .version_stages(PENDING)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify(e, Service::SecretsManager, "PutSecretValue", id))
    }

    /// Moves `stage` to the version `to`, from `from` when another holds it
    /// (`secretsmanager:UpdateSecretVersionStage`). Moving `AWSCURRENT` puts `AWSPREVIOUS`
    /// on the version that held it: Secrets Manager does that itself.
    pub async fn move_stage(
        &self,
        id: &str,
        stage: &str,
        to: Option<&str>,
        from: Option<&str>,
    ) -> Result<(), VaultError> {
        self.client
            .update_secret_version_stage()
            .secret_id(id)
            .version_stage(stage)
            .set_move_to_version_id(to.map(str::to_owned))
            .set_remove_from_version_id(from.map(str::to_owned))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify(e, Service::SecretsManager, "UpdateSecretVersionStage", id))
    }
}

/// A KMS client.
#[derive(Debug, Clone)]
pub struct Kms {
    client: aws_sdk_kms::Client,
}

/// A key KMS made: in clear (wiped on drop) and encrypted, and the KMS key's ARN.
#[derive(Debug)]
pub struct DataKey {
    pub plaintext: Zeroizing<Vec<u8>>,
    pub ciphertext: Vec<u8>,
    pub kms_key_arn: String,
}

impl Kms {
    pub async fn connect(access: &Access) -> Kms {
        Kms {
            client: aws_sdk_kms::Client::new(&access.sdk_config().await),
        }
    }

    /// A new 256-bit key, in clear and encrypted under `kms_key_id`
    /// (`kms:GenerateDataKey`), bound to watt's encryption context.
    pub async fn generate(&self, kms_key_id: &str) -> Result<DataKey, VaultError> {
        let mut answer = self
            .client
            .generate_data_key()
            .key_id(kms_key_id)
            .key_spec(DataKeySpec::Aes256)
            .set_encryption_context(Some(envelope::context().into_iter().collect()))
            .send()
            .await
            .map_err(|e| classify(e, Service::Kms, "GenerateDataKey", kms_key_id))?;
        let plaintext = Zeroizing::new(
            answer
                .plaintext
                .take()
                .map(Blob::into_inner)
                .unwrap_or_default(),
        );
        let ciphertext = answer
            .ciphertext_blob
            .take()
            .map(Blob::into_inner)
            .unwrap_or_default();
        if plaintext.len() != 32 || ciphertext.is_empty() {
            return Err(VaultError::Kms {
                kms_key: shown::escaped(kms_key_id),
                problem: "GenerateDataKey answered without a 256-bit key".into(),
            });
        }
        Ok(DataKey {
            plaintext,
            ciphertext,
            kms_key_arn: answer
                .key_id
                .take()
                .unwrap_or_else(|| kms_key_id.to_owned()),
        })
    }

    /// The key inside an envelope (`kms:Decrypt`, with the envelope's KMS key and watt's
    /// encryption context: a ciphertext made under another key or context is refused).
    pub async fn decrypt(&self, envelope: &Envelope) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let ciphertext = envelope.ciphertext_bytes()?;
        let mut answer = self
            .client
            .decrypt()
            .key_id(&envelope.kms_key_id)
            .ciphertext_blob(Blob::new(ciphertext))
            .set_encryption_context(Some(envelope::context().into_iter().collect()))
            .send()
            .await
            .map_err(|e| classify(e, Service::Kms, "Decrypt", &envelope.kms_key_id))?;
        Ok(Zeroizing::new(
            answer
                .plaintext
                .take()
                .map(Blob::into_inner)
                .unwrap_or_default(),
        ))
    }
}

/// An SDK error in watt's words. Only AWS's error code and message are kept (they name
/// resources, never values); the SDK's debug dump, which holds the raw answer, never is.
fn classify<E, R>(
    err: SdkError<E, R>,
    service: Service,
    action: &'static str,
    resource: &str,
) -> VaultError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let resource = shown::escaped(resource);
    let code = err.code().unwrap_or_default().to_owned();
    match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            let mut detail = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                detail.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            return VaultError::Unreachable {
                service: service.name(),
                detail: shown::escaped(&detail),
            };
        }
        _ => {}
    }
    let permission = match (service, action) {
        (Service::SecretsManager, "GetSecretValue") => "secretsmanager:GetSecretValue",
        (Service::SecretsManager, "PutSecretValue") => "secretsmanager:PutSecretValue",
        (Service::SecretsManager, _) => "secretsmanager:UpdateSecretVersionStage",
        (Service::Kms, "Decrypt") => "kms:Decrypt",
        (Service::Kms, _) => "kms:GenerateDataKey",
    };
    match code.as_str() {
        "AccessDeniedException" | "AccessDenied" => VaultError::Denied {
            service: service.name(),
            action,
            resource,
            permission,
        },
        "ResourceNotFoundException" if service == Service::SecretsManager => {
            VaultError::SecretNotFound { id: resource }
        }
        "NotFoundException" => VaultError::Kms {
            kms_key: resource,
            problem: "no such KMS key (check the key id and the region)".into(),
        },
        "DisabledException" | "KMSInvalidStateException" => VaultError::Kms {
            kms_key: resource,
            problem: "the KMS key is disabled or pending deletion".into(),
        },
        "InvalidCiphertextException" | "IncorrectKeyException" => VaultError::Kms {
            kms_key: resource,
            problem: "KMS refused the ciphertext: the key file is damaged, or was not encrypted under this KMS key with watt's encryption context".into(),
        },
        _ => {
            let message = err.message().unwrap_or_default();
            let detail = match (code.is_empty(), message.is_empty()) {
                (true, _) => err.to_string(),
                (false, true) => code,
                (false, false) => format!("{code}: {message}"),
            };
            VaultError::Service {
                service: service.name(),
                action,
                resource,
                detail: shown::escaped(&detail.chars().take(300).collect::<String>()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(extra: &[&str]) -> VaultArgs {
        VaultArgs {
            key_region: None,
            key_endpoint_url: extra.first().map(|s| (*s).to_owned()),
        }
    }

    #[test]
    fn the_endpoint_comes_from_the_flag_then_the_service_variable_then_the_common_one() {
        let env = Env::from_pairs(
            &[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
                ("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:2"),
            ],
            &[],
        );
        let sm = Access::resolve(&vault(&[]), &env, Service::SecretsManager).unwrap();
        assert_eq!(sm.endpoint_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(sm.region.as_deref(), Some("us-east-1"));
        assert_eq!(sm.proxy, Proxy::Never);
        let kms = Access::resolve(&vault(&[]), &env, Service::Kms).unwrap();
        assert_eq!(kms.endpoint_url.as_deref(), Some("http://127.0.0.1:2"));
        let flag = Access::resolve(&vault(&["https://vpce.example"]), &env, Service::Kms).unwrap();
        assert_eq!(flag.endpoint_url.as_deref(), Some("https://vpce.example"));
        assert_eq!(flag.proxy, Proxy::FromEnvironment);
        let none = Access::resolve(&vault(&[]), &Env::default(), Service::Kms).unwrap();
        assert_eq!(
            (none.endpoint_url, none.region),
            (None, None),
            "left to the profile"
        );
    }

    #[test]
    fn a_plain_http_vault_is_refused_off_this_machine_whatever_the_flags() {
        let env = Env::from_pairs(
            &[("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://vault.internal")],
            &[],
        );
        let err = Access::resolve(&vault(&[]), &env, Service::SecretsManager).unwrap_err();
        assert!(
            err.to_string().contains("refusing the plain-http endpoint"),
            "{err}"
        );
        let err = Access::resolve(
            &vault(&["http://u:S3CRET@10.0.0.1"]),
            &Env::default(),
            Service::Kms,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("S3CRET"), "{err}");
    }
}
