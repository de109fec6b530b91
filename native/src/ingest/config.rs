//! The settings of a run, each taken from the first place that gives it: a command-line flag,
//! then the environment, then a `.env` file in the working directory, then the default.
//!
//! | setting | flag | variable | default |
//! | --- | --- | --- | --- |
//! | bucket | `--bucket` | `DATA_LAKE_BUCKET` | none: the local lake |
//! | prefix | `--prefix` | `DATA_LAKE_PREFIX` | `watt-about-it/raw` |
//! | region | `--region` | `AWS_REGION`, `AWS_DEFAULT_REGION` | the AWS profile's, or `us-east-1` with an endpoint |
//! | endpoint | `--endpoint-url` | `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL` | AWS S3 |
//! | local lake | `--lake` | `DATA_LAKE_DIR` | `./datalake` |
//!
//! AWS credentials come from the standard chain (environment, profile, SSO, web identity,
//! container and instance roles); keys written in `.env` are used when the environment has
//! none, as the original script's `load_dotenv()` did. Secrets are held in [`Secret`],
//! whose `Debug` shows nothing, and never reach a log.
//!
//! Plain `http://` endpoints are refused unless they are loopback addresses (a local test
//! store) or `--allow-insecure-http` is given: credentials are signed, not sent, but the
//! data would travel in clear. For the same reason a plain-http endpoint is never reached
//! through a proxy ([`Proxy`]): `HTTP_PROXY` pointing to another machine would carry the
//! bytes of a "loopback" upload off this one in clear.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use crate::cli::{IngestArgs, SseArg};
use crate::dotenv::{DotEnv, DotEnvError};

use super::key::{PrefixError, clean_prefix};

/// The prefix when none is given (the original uploader's).
pub const DEFAULT_PREFIX: &str = "watt-about-it/raw";
/// The local lake when no bucket is given.
pub const DEFAULT_LAKE_DIR: &str = "datalake";
/// S3's smallest part (all parts but the last).
pub const MIN_PART_MIB: u64 = 5;
/// S3's largest part.
pub const MAX_PART_MIB: u64 = 5 * 1024;

/// Why the run cannot start (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Prefix(#[from] PrefixError),
    #[error(
        "bucket {0:?} is not a valid S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"
    )]
    Bucket(String),
    /// The URL as [`shown_url`] shows it (without credentials), control characters escaped.
    #[error(
        "refusing the plain-http endpoint {}: data would travel unencrypted to a host that is not this machine; use https, or pass --allow-insecure-http if you really mean it",
        .0.escape_debug()
    )]
    InsecureEndpoint(String),
    #[error("endpoint {url:?}: {reason}")]
    Endpoint { url: String, reason: &'static str },
    #[error("--part-size {0} MiB: parts must be from {MIN_PART_MIB} to {MAX_PART_MIB} MiB")]
    PartSize(u64),
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error("--kms-key-id needs --sse aws:kms")]
    KmsKeyWithoutKms,
    #[error(
        "--sse and --kms-key-id apply to S3; the local lake ({0}) has no server-side encryption"
    )]
    SseWithoutBucket(String),
    #[error(transparent)]
    DotEnv(#[from] DotEnvError),
    #[error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be given together in .env")]
    HalfCredentials,
}

/// Where a setting came from (written to the run log next to the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Environment,
    DotEnv,
    Default,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Flag => "flag",
            Origin::Environment => "environment",
            Origin::DotEnv => ".env",
            Origin::Default => "default",
        }
    }
}

/// A secret string: never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The environment and the `.env` file, read once.
#[derive(Debug, Default, Clone)]
pub struct Env {
    vars: BTreeMap<String, Secret>,
    dotenv: BTreeMap<String, Secret>,
}

/// Variables this module reads.
const VARS: &[&str] = &[
    "DATA_LAKE_BUCKET",
    "DATA_LAKE_PREFIX",
    "DATA_LAKE_DIR",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL",
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

impl Env {
    /// The process environment and `dotenv` (when the file exists), read by the one `.env`
    /// parser of [`crate::dotenv`]: values are literal, never expanded. The file is parsed,
    /// not loaded: it does not change the process environment.
    pub fn load(dotenv: &Path) -> Result<Env, ConfigError> {
        let vars = VARS
            .iter()
            .filter_map(|v| {
                std::env::var(v)
                    .ok()
                    .filter(|s| !s.is_empty())
                    .map(|s| ((*v).to_owned(), Secret(s)))
            })
            .collect();
        let dotenv = DotEnv::load(dotenv)?
            .iter()
            .filter(|(name, value)| VARS.contains(name) && !value.is_empty())
            .map(|(name, value)| (name.to_owned(), Secret(value.to_owned())))
            .collect();
        Ok(Env { vars, dotenv })
    }

    /// An environment given whole (tests).
    #[cfg(test)]
    pub fn from_pairs(vars: &[(&str, &str)], dotenv: &[(&str, &str)]) -> Env {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Secret((*v).to_owned())))
                .collect()
        };
        Env {
            vars: map(vars),
            dotenv: map(dotenv),
        }
    }

    /// A variable from the environment, else from `.env`.
    fn get(&self, name: &str) -> Option<(String, Origin)> {
        self.vars
            .get(name)
            .map(|v| (v.0.clone(), Origin::Environment))
            .or_else(|| self.dotenv.get(name).map(|v| (v.0.clone(), Origin::DotEnv)))
    }

    /// The first of the variables that is set.
    fn first(&self, names: &[&str]) -> Option<(String, Origin)> {
        names.iter().find_map(|n| self.get(n))
    }
}

/// The flag if given, else the variables, else nothing.
fn pick(flag: Option<&str>, env: &Env, names: &[&str]) -> Option<(String, Origin)> {
    flag.map(|f| (f.to_owned(), Origin::Flag))
        .or_else(|| env.first(names))
}

/// Server-side encryption asked of S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sse {
    /// SSE-S3 (`AES256`), keys managed by S3.
    S3,
    /// SSE-KMS with the given key, or the account's default KMS key.
    Kms { key_id: Option<String> },
    /// No header: for stores that refuse SSE headers.
    None,
}

impl Sse {
    /// The `x-amz-server-side-encryption` value, when one is sent.
    pub fn header(&self) -> Option<&'static str> {
        match self {
            Sse::S3 => Some("AES256"),
            Sse::Kms { .. } => Some("aws:kms"),
            Sse::None => None,
        }
    }
}

/// How the S3 client gets its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// The AWS default chain, with this profile when one is named.
    Chain { profile: Option<String> },
    /// Keys from `.env` (the environment had none).
    DotEnv {
        access_key_id: Secret,
        secret_access_key: Secret,
        session_token: Option<Secret>,
    },
}

/// Whether the S3 client may go through a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxy {
    /// As the environment says (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), the
    /// SDK's default. Over https a proxy sees a `CONNECT` tunnel: TLS stays end to end.
    FromEnvironment,
    /// Never: the endpoint is plain http, and a proxy would receive the data in clear.
    Never,
}

impl Proxy {
    /// The proxy policy for an endpoint: none for plain http, whatever the environment says.
    pub fn for_endpoint(endpoint_url: Option<&str>) -> Proxy {
        if endpoint_url.is_some_and(|url| url.starts_with("http://")) {
            Proxy::Never
        } else {
            Proxy::FromEnvironment
        }
    }

    /// How the run log says it.
    pub fn describe(self) -> &'static str {
        match self {
            Proxy::FromEnvironment => "from the environment, if one is set (https: tunnelled)",
            Proxy::Never => "never (plain-http endpoint)",
        }
    }
}

/// The S3 side of the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub path_style: bool,
    pub sse: Sse,
    pub max_attempts: u32,
    /// Payload signing is skipped (`UNSIGNED-PAYLOAD`) over https and loopback, where the
    /// CRC-64 checked by the store already covers the bytes.
    pub sign_payload: bool,
    pub credentials: Credentials,
    pub proxy: Proxy,
}

/// Where the objects go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    S3(S3Settings),
    Dir(PathBuf),
}

/// Everything a run needs to know, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub destination: Destination,
    pub prefix: String,
    pub dry_run: bool,
    pub part_size: usize,
    pub parts_in_flight: usize,
    pub jobs: usize,
    pub head_check: bool,
    pub log_dir: PathBuf,
    /// (setting, value, origin) for the run log: values here are never secrets.
    pub described: Vec<(&'static str, String, Origin)>,
}

impl Settings {
    /// Resolves the settings from the flags and the environment.
    pub fn resolve(args: &IngestArgs, env: &Env) -> Result<Settings, ConfigError> {
        let mut described = Vec::new();
        let mut note = |name: &'static str, value: &str, origin: Origin| {
            described.push((name, value.to_owned(), origin));
        };
        let (prefix, origin) = pick(args.prefix.as_deref(), env, &["DATA_LAKE_PREFIX"])
            .unwrap_or_else(|| (DEFAULT_PREFIX.to_owned(), Origin::Default));
        let prefix = clean_prefix(&prefix)?;
        note("prefix", &prefix, origin);
        if !(MIN_PART_MIB..=MAX_PART_MIB).contains(&args.part_size) {
            return Err(ConfigError::PartSize(args.part_size));
        }
        for (name, n) in [
            ("--jobs", args.jobs),
            ("--parts-in-flight", args.parts_in_flight),
            ("--max-attempts", args.max_attempts as usize),
        ] {
            if n == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        if args.kms_key_id.is_some() && args.sse != Some(SseArg::AwsKms) {
            return Err(ConfigError::KmsKeyWithoutKms);
        }
        let destination = match pick(args.bucket.as_deref(), env, &["DATA_LAKE_BUCKET"]) {
            Some((bucket, origin)) => {
                if !valid_bucket(&bucket) {
                    return Err(ConfigError::Bucket(bucket));
                }
                note("bucket", &bucket, origin);
                let endpoint = pick(
                    args.endpoint_url.as_deref(),
                    env,
                    &["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"],
                );
                let mut loopback_or_tls = true;
                if let Some((url, origin)) = &endpoint {
                    let secure = check_endpoint(url, args.allow_insecure_http)?;
                    loopback_or_tls = secure;
                    note("endpoint_url", url, *origin);
                }
                let region = pick(
                    args.region.as_deref(),
                    env,
                    &["AWS_REGION", "AWS_DEFAULT_REGION"],
                )
                .or_else(|| {
                    endpoint
                        .as_ref()
                        .map(|_| ("us-east-1".to_owned(), Origin::Default))
                });
                if let Some((r, origin)) = &region {
                    note("region", r, *origin);
                }
                let sse = match args.sse.unwrap_or(SseArg::Aes256) {
                    SseArg::Aes256 => Sse::S3,
                    SseArg::AwsKms => Sse::Kms {
                        key_id: args.kms_key_id.clone(),
                    },
                    SseArg::None => Sse::None,
                };
                note(
                    "sse",
                    sse.header().unwrap_or("none"),
                    if args.sse.is_some() {
                        Origin::Flag
                    } else {
                        Origin::Default
                    },
                );
                let credentials = credentials(env)?;
                note(
                    "credentials",
                    match &credentials {
                        Credentials::Chain { profile: Some(_) } => "AWS profile",
                        Credentials::Chain { profile: None } => "AWS default chain",
                        Credentials::DotEnv { .. } => "keys from .env",
                    },
                    match &credentials {
                        Credentials::DotEnv { .. } => Origin::DotEnv,
                        _ => Origin::Default,
                    },
                );
                let proxy = Proxy::for_endpoint(endpoint.as_ref().map(|(u, _)| u.as_str()));
                note("proxy", proxy.describe(), Origin::Default);
                let path_style = args.path_style || endpoint.is_some();
                Destination::S3(S3Settings {
                    bucket,
                    region: region.map(|(r, _)| r),
                    endpoint_url: endpoint.map(|(u, _)| u),
                    path_style,
                    sse,
                    max_attempts: args.max_attempts,
                    sign_payload: !loopback_or_tls,
                    credentials,
                    proxy,
                })
            }
            None => {
                if args.sse.is_some() {
                    return Err(ConfigError::SseWithoutBucket(
                        args.lake
                            .as_ref()
                            .map_or(DEFAULT_LAKE_DIR.to_owned(), |p| p.display().to_string()),
                    ));
                }
                let (dir, origin) = match &args.lake {
                    Some(dir) => (dir.clone(), Origin::Flag),
                    None => env.get("DATA_LAKE_DIR").map_or_else(
                        || (PathBuf::from(DEFAULT_LAKE_DIR), Origin::Default),
                        |(d, o)| (PathBuf::from(d), o),
                    ),
                };
                note("lake", &dir.display().to_string(), origin);
                Destination::Dir(dir)
            }
        };
        let part_size = usize::try_from(args.part_size << 20).unwrap_or(usize::MAX);
        note("part_size", &part_size.to_string(), Origin::Flag);
        note(
            "parts_in_flight",
            &args.parts_in_flight.to_string(),
            Origin::Flag,
        );
        note("jobs", &args.jobs.to_string(), Origin::Flag);
        Ok(Settings {
            destination,
            prefix,
            dry_run: args.dry_run,
            part_size,
            parts_in_flight: args.parts_in_flight,
            jobs: args.jobs,
            head_check: !args.no_head,
            log_dir: args.log_dir.clone(),
            described,
        })
    }
}

/// Credentials: the default chain, unless the environment has no keys and `.env` has.
fn credentials(env: &Env) -> Result<Credentials, ConfigError> {
    let in_env = env.vars.contains_key("AWS_ACCESS_KEY_ID");
    let id = env.dotenv.get("AWS_ACCESS_KEY_ID");
    let secret = env.dotenv.get("AWS_SECRET_ACCESS_KEY");
    match (in_env, id, secret) {
        (false, Some(id), Some(secret)) => Ok(Credentials::DotEnv {
            access_key_id: id.clone(),
            secret_access_key: secret.clone(),
            session_token: env.dotenv.get("AWS_SESSION_TOKEN").cloned(),
        }),
        (false, Some(_), None) | (false, None, Some(_)) => Err(ConfigError::HalfCredentials),
        _ => Ok(Credentials::Chain {
            profile: env.get("AWS_PROFILE").map(|(p, _)| p),
        }),
    }
}

/// S3 bucket naming rules (the common subset all S3-compatible stores accept).
fn valid_bucket(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphanumeric)
        && name
            .as_bytes()
            .last()
            .is_some_and(u8::is_ascii_alphanumeric)
}

/// Checks an endpoint URL; returns whether the bytes are protected on the way (https, or a
/// loopback address that never leaves the machine).
pub(crate) fn check_endpoint(url: &str, allow_insecure_http: bool) -> Result<bool, ConfigError> {
    let bad = |reason| ConfigError::Endpoint {
        url: shown_url(url),
        reason,
    };
    // Anywhere, not only in the authority: in `http://user:p/ss@host` the password runs
    // past the first `/`.
    if url.contains('@') {
        return Err(bad("credentials do not belong in the endpoint URL"));
    }
    let (secure, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(bad("expected an http:// or https:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if secure {
        return Ok(true);
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(true)
    } else if allow_insecure_http {
        Ok(false)
    } else {
        Err(ConfigError::InsecureEndpoint(shown_url(url)))
    }
}

/// An endpoint URL as messages show it: whatever comes before its last `@` after the scheme
/// (a user name and a password) replaced by `***`.
fn shown_url(url: &str) -> String {
    let Some(at) = url.rfind('@') else {
        return url.to_owned();
    };
    let start = url.find("://").map_or(0, |i| i + 3);
    let start = if start <= at { start } else { 0 };
    format!("{}***{}", &url[..start], &url[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(extra: &[&str]) -> IngestArgs {
        let mut all = vec!["watt", "ingest", "f.csv"];
        all.extend_from_slice(extra);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Ingest(a) => a,
            other => panic!("{other:?}"),
        }
    }

    fn s3(settings: &Settings) -> &S3Settings {
        match &settings.destination {
            Destination::S3(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_beat_environment_beat_dotenv_beat_defaults() {
        let env = Env::from_pairs(
            &[
                ("DATA_LAKE_BUCKET", "from-env"),
                ("AWS_REGION", "eu-west-3"),
            ],
            &[
                ("DATA_LAKE_BUCKET", "from-dotenv"),
                ("DATA_LAKE_PREFIX", "dotenv/prefix"),
                ("AWS_REGION", "us-west-2"),
            ],
        );
        let s = Settings::resolve(&args(&["--bucket", "from-flag"]), &env).unwrap();
        assert_eq!(s3(&s).bucket, "from-flag");
        assert_eq!(s3(&s).region.as_deref(), Some("eu-west-3"));
        assert_eq!(s.prefix, "dotenv/prefix");
        let s = Settings::resolve(&args(&[]), &env).unwrap();
        assert_eq!(s3(&s).bucket, "from-env");
        let env = Env::from_pairs(&[], &[("DATA_LAKE_BUCKET", "from-dotenv")]);
        let s = Settings::resolve(&args(&[]), &env).unwrap();
        assert_eq!(s3(&s).bucket, "from-dotenv");
        assert_eq!(s.prefix, DEFAULT_PREFIX);
        assert_eq!(s3(&s).region, None, "left to the AWS profile");
        assert_eq!(s3(&s).sse, Sse::S3, "SSE-S3 by default");
        let origins: Vec<_> = s
            .described
            .iter()
            .map(|(n, _, o)| (*n, o.as_str()))
            .collect();
        assert!(origins.contains(&("bucket", ".env")), "{origins:?}");
        assert!(origins.contains(&("prefix", "default")), "{origins:?}");
    }

    #[test]
    fn no_bucket_means_the_local_lake() {
        let s = Settings::resolve(&args(&[]), &Env::default()).unwrap();
        assert_eq!(s.destination, Destination::Dir(PathBuf::from("datalake")));
        let s = Settings::resolve(&args(&["--lake", "/tmp/l"]), &Env::default()).unwrap();
        assert_eq!(s.destination, Destination::Dir(PathBuf::from("/tmp/l")));
        let env = Env::from_pairs(&[], &[("DATA_LAKE_DIR", "lake2")]);
        let s = Settings::resolve(&args(&[]), &env).unwrap();
        assert_eq!(s.destination, Destination::Dir(PathBuf::from("lake2")));
        assert!(matches!(
            Settings::resolve(&args(&["--sse", "aws:kms"]), &Env::default()),
            Err(ConfigError::SseWithoutBucket(_))
        ));
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for url in [
            "http://127.0.0.1:9000",
            "http://localhost:8333/",
            "http://[::1]:9000",
            "https://s3.fr-par.scw.cloud",
        ] {
            let s = Settings::resolve(
                &args(&["--bucket", "lake", "--endpoint-url", url]),
                &Env::default(),
            )
            .unwrap();
            assert!(s3(&s).path_style);
            assert!(!s3(&s).sign_payload, "{url}");
            assert_eq!(s3(&s).region.as_deref(), Some("us-east-1"));
        }
        let err = Settings::resolve(
            &args(&[
                "--bucket",
                "lake",
                "--endpoint-url",
                "http://minio.internal:9000",
            ]),
            &Env::default(),
        )
        .unwrap_err();
        assert!(matches!(err, ConfigError::InsecureEndpoint(_)), "{err}");
        let s = Settings::resolve(
            &args(&[
                "--bucket",
                "lake",
                "--endpoint-url",
                "http://minio.internal:9000",
                "--allow-insecure-http",
            ]),
            &Env::default(),
        )
        .unwrap();
        assert!(
            s3(&s).sign_payload,
            "payload signed when nothing else protects it"
        );
        for bad in ["ftp://x", "http://", "http://user:pw@127.0.0.1/"] {
            assert!(check_endpoint(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_in_an_endpoint_are_never_shown() {
        for (url, shown) in [
            (
                "http://user:S3CRET@minio.internal:9000",
                "http://***@minio.internal:9000",
            ),
            (
                "https://user:S3CRET@s3.example.com/",
                "https://***@s3.example.com/",
            ),
            (
                "http://user:S3/CRET@minio.internal",
                "http://***@minio.internal",
            ),
            (
                "http://user:S3CRET@127.0.0.1:9000",
                "http://***@127.0.0.1:9000",
            ),
            ("ftp://user:S3CRET@host", "ftp://***@host"),
            ("user:S3CRET@host", "***@host"),
            ("http://a@b:S3CRET@host", "http://***@host"),
        ] {
            for allow in [false, true] {
                let err = check_endpoint(url, allow).unwrap_err().to_string();
                assert!(!err.contains("S3CRET"), "{err}");
                assert!(err.contains(shown), "{err}");
            }
        }
        assert_eq!(
            shown_url("https://s3.example.com"),
            "https://s3.example.com"
        );
        let env = Env::from_pairs(&[("AWS_ENDPOINT_URL", "http://u:S3CRET@10.0.0.1")], &[]);
        let err = Settings::resolve(&args(&["--bucket", "lake"]), &env).unwrap_err();
        assert!(!err.to_string().contains("S3CRET"), "{err}");
    }

    #[test]
    fn plain_http_endpoints_never_go_through_a_proxy() {
        let proxy = |extra: &[&str]| {
            let mut all = vec!["--bucket", "lake"];
            all.extend_from_slice(extra);
            let s = Settings::resolve(&args(&all), &Env::default()).unwrap();
            let described = s
                .described
                .iter()
                .find(|(n, _, _)| *n == "proxy")
                .map(|(_, v, _)| v.clone());
            (s3(&s).proxy, described)
        };
        let never = (Proxy::Never, Some("never (plain-http endpoint)".to_owned()));
        assert_eq!(proxy(&["--endpoint-url", "http://127.0.0.1:9000"]), never);
        assert_eq!(
            proxy(&[
                "--endpoint-url",
                "http://minio.internal:9000",
                "--allow-insecure-http"
            ]),
            never
        );
        for https in [&["--endpoint-url", "https://s3.fr-par.scw.cloud"][..], &[]] {
            assert_eq!(proxy(https).0, Proxy::FromEnvironment, "{https:?}");
        }
        let env = Env::from_pairs(&[], &[("AWS_ENDPOINT_URL", "http://localhost:8333")]);
        let s = Settings::resolve(&args(&["--bucket", "lake"]), &env).unwrap();
        assert_eq!(s3(&s).proxy, Proxy::Never);
    }

    #[test]
    fn options_are_checked() {
        let e = Env::default();
        assert!(matches!(
            Settings::resolve(&args(&["--part-size", "4"]), &e),
            Err(ConfigError::PartSize(4))
        ));
        assert!(matches!(
            Settings::resolve(&args(&["--jobs", "0"]), &e),
            Err(ConfigError::Zero("--jobs"))
        ));
        assert!(matches!(
            Settings::resolve(&args(&["--bucket", "Bad_Bucket"]), &e),
            Err(ConfigError::Bucket(_))
        ));
        assert!(matches!(
            Settings::resolve(&args(&["--bucket", "lake", "--kms-key-id", "k"]), &e),
            Err(ConfigError::KmsKeyWithoutKms)
        ));
        let s = Settings::resolve(
            &args(&["--bucket", "lake", "--sse", "aws:kms", "--kms-key-id", "k1"]),
            &e,
        )
        .unwrap();
        assert_eq!(
            s3(&s).sse,
            Sse::Kms {
                key_id: Some("k1".into())
            }
        );
        assert!(matches!(
            Settings::resolve(&args(&["--prefix", "../x"]), &e),
            Err(ConfigError::Prefix(_))
        ));
        let s = Settings::resolve(&args(&[]), &e).unwrap();
        assert_eq!(s.part_size, 16 << 20);
        assert_eq!(s.parts_in_flight, 4);
        assert_eq!(s.jobs, 2);
    }

    #[test]
    fn credentials_from_dotenv_only_when_the_environment_has_none() {
        let dotenv = [
            ("AWS_ACCESS_KEY_ID", "AKIDOTENV"),
            ("AWS_SECRET_ACCESS_KEY", "dotenv-secret"),
        ];
        let env = Env::from_pairs(&[], &dotenv);
        assert!(matches!(credentials(&env), Ok(Credentials::DotEnv { .. })));
        let env = Env::from_pairs(&[("AWS_ACCESS_KEY_ID", "AKIENV")], &dotenv);
        assert_eq!(
            credentials(&env).unwrap(),
            Credentials::Chain { profile: None }
        );
        let env = Env::from_pairs(&[], &dotenv[..1]);
        assert!(matches!(
            credentials(&env),
            Err(ConfigError::HalfCredentials)
        ));
        let env = Env::from_pairs(&[], &dotenv);
        let shown = format!("{:?}", credentials(&env).unwrap());
        assert!(!shown.contains("dotenv-secret"), "{shown}");
    }

    #[test]
    fn dotenv_is_parsed_without_touching_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# comment\nDATA_LAKE_BUCKET=dot-bucket\nUNRELATED=x\nDATA_LAKE_PREFIX=\"a/b\"\n",
        )
        .unwrap();
        let env = Env::load(&path).unwrap();
        assert_eq!(
            env.dotenv.get("DATA_LAKE_BUCKET").map(|s| s.0.as_str()),
            Some("dot-bucket")
        );
        assert_eq!(
            env.dotenv.get("DATA_LAKE_PREFIX").map(|s| s.0.as_str()),
            Some("a/b")
        );
        assert!(!env.dotenv.contains_key("UNRELATED"));
        assert!(std::env::var("UNRELATED").is_err());
        std::fs::write(&path, "AWS_SECRET_ACCESS_KEY='unterminated\n").unwrap();
        let err = Env::load(&path).unwrap_err();
        assert!(!err.to_string().contains("unterminated"), "{err}");
        assert!(Env::load(&dir.path().join("missing")).is_ok());
    }
}
