//! [`S3Lake`]: the lake in an S3 bucket (AWS, or any S3-compatible store through
//! `--endpoint-url`: MinIO, SeaweedFS, Scaleway, OVH...), through aws-sdk-s3.
//!
//! Every write is create-only: `If-None-Match: *` on PutObject and on
//! CompleteMultipartUpload, so an existing object answers 412 and is reported as
//! [`LakeError::AlreadyExists`], never replaced. Every body carries its CRC-64/NVME
//! (`x-amz-checksum-crc64nvme`), which the store verifies before accepting it: each part
//! with its own, and the completed object with the full-object checksum
//! (`x-amz-checksum-type: FULL_OBJECT`). Objects are encrypted at rest with SSE-S3 unless
//! asked otherwise.
//!
//! Retries (standard mode, exponential backoff with jitter) and timeouts are set here, not
//! left to the environment, so a run behaves the same on every machine. So is the proxy of a
//! plain-http endpoint: none ([`Proxy::Never`]), whatever `HTTP_PROXY` says.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    Region, RequestChecksumCalculation, ResponseChecksumValidation, StalledStreamProtectionConfig,
};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumMode, ChecksumType, CompletedMultipartUpload, CompletedPart,
    ServerSideEncryption,
};
use bytes::Bytes;

use super::config::{Credentials, Proxy, S3Settings, Sse};
use super::integrity::{Sums, crc64_base64};
use super::lake::{
    CSV_CONTENT_TYPE, Lake, LakeError, Listed, ObjectInfo, Page, Part, PartDone, Stored, Version,
    Versioning,
};

/// Time to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time to wait for bytes from the store once a request is sent.
pub const READ_TIMEOUT: Duration = Duration::from_secs(120);
/// First retry delay; later ones double, with jitter, up to 20 s.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(500);

/// A bucket, seen through an S3 client.
#[derive(Debug, Clone)]
pub struct S3Lake {
    client: Client,
    /// Where the client's credentials come from (for the audit trail's fingerprint).
    credentials: Option<aws_sdk_s3::config::SharedCredentialsProvider>,
    bucket: String,
    sse: Sse,
    sign_payload: bool,
}

/// A multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Upload {
    pub key: String,
    pub upload_id: String,
}

impl S3Lake {
    /// A client for the settings' bucket. No request is sent yet.
    pub async fn connect(settings: &S3Settings) -> S3Lake {
        let shared = sdk_config(settings).await;
        let mut config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(settings.path_style)
            // watt computes and sends its own checksums.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(url) = &settings.endpoint_url {
            config = config.endpoint_url(url);
        }
        if settings.proxy == Proxy::Never {
            config = config.http_client(http_client_without_proxy());
        }
        S3Lake {
            client: Client::from_conf(config.build()),
            credentials: shared.credentials_provider(),
            bucket: settings.bucket.clone(),
            sse: settings.sse.clone(),
            sign_payload: settings.sign_payload,
        }
    }

    /// The S3 client, for the other buckets of the same store (`watt worker` reads the
    /// producers' landing bucket with it).
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

/// The AWS SDK's shared settings of every client watt makes for a store: retries,
/// timeouts, stalled-stream protection, region and credentials (S3's, and the queue's of
/// `watt worker`).
pub async fn sdk_config(settings: &S3Settings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(settings.max_attempts)
                .with_initial_backoff(INITIAL_BACKOFF),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(READ_TIMEOUT)
                .build(),
        )
        .stalled_stream_protection(
            StalledStreamProtectionConfig::enabled()
                .grace_period(Duration::from_secs(30))
                .build(),
        );
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    with_credentials(loader, &settings.credentials).load().await
}

/// The loader with the credentials the settings chose: a profile, the standard chain, or
/// the keys of `.env`. Every AWS client watt makes (S3, SQS, the key vault's) takes them
/// from here.
pub fn with_credentials(
    loader: aws_config::ConfigLoader,
    credentials: &Credentials,
) -> aws_config::ConfigLoader {
    match credentials {
        Credentials::Chain {
            profile: Some(profile),
        } => loader.profile_name(profile),
        Credentials::Chain { profile: None } => loader,
        Credentials::DotEnv {
            access_key_id,
            secret_access_key,
            session_token,
        } => loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
            access_key_id.0.clone(),
            secret_access_key.0.clone(),
            session_token.as_ref().map(|t| t.0.clone()),
            None,
            "dotenv",
        )),
    }
}

impl S3Lake {
    /// The access key id the client signs with, if its credentials can be had (for the
    /// audit trail's fingerprint: it is never written as it is).
    pub async fn access_key_id(&self) -> Option<String> {
        use aws_sdk_s3::config::ProvideCredentials;
        let credentials = self
            .credentials
            .as_ref()?
            .provide_credentials()
            .await
            .ok()?;
        Some(credentials.access_key_id().to_owned())
    }

    fn sse(&self) -> (Option<ServerSideEncryption>, Option<String>) {
        match &self.sse {
            Sse::S3 => (Some(ServerSideEncryption::Aes256), None),
            Sse::Kms { key_id } => (Some(ServerSideEncryption::AwsKms), key_id.clone()),
            Sse::None => (None, None),
        }
    }

    /// Aborts an upload known by its ids (a journal entry): `Ok(false)` when the store no
    /// longer knows it.
    pub async fn abort_by_id(&self, key: &str, upload_id: &str) -> Result<bool, LakeError> {
        let sent = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(e) if e.code() == Some("NoSuchUpload") || status(&e) == Some(404) => Ok(false),
            Err(e) => Err(classify(e, "AbortMultipartUpload", self.location(key))),
        }
    }

    /// Aborts every upload of exactly `key`, found by listing the bucket's uploads under
    /// it (a journal entry written before the store returned the upload id). Returns how
    /// many were aborted. Needs `s3:ListBucketMultipartUploads`, which watt's uploader
    /// policy does not grant: without it the answer is [`LakeError::Forbidden`] (or
    /// [`LakeError::Unsupported`] from stores without the call), and the bucket's `AbortIncompleteMultipartUpload` lifecycle rule is what removes the upload.
    pub async fn abort_uploads_of_key(&self, key: &str) -> Result<usize, LakeError> {
        let mut aborted = 0;
        let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
        loop {
            let page = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(key)
                .set_key_marker(key_marker.take())
                .set_upload_id_marker(id_marker.take())
                .send()
                .await
                .map_err(|e| classify(e, "ListMultipartUploads", self.location(key)))?;
            for upload in page.uploads() {
                let (Some(k), Some(id)) = (upload.key(), upload.upload_id()) else {
                    continue;
                };
                if k == key && self.abort_by_id(key, id).await? {
                    aborted += 1;
                }
            }
            if page.is_truncated() != Some(true) {
                return Ok(aborted);
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            id_marker = page.next_upload_id_marker().map(str::to_owned);
            if key_marker.is_none() && id_marker.is_none() {
                return Ok(aborted);
            }
        }
    }
}

/// The SDK's default HTTP client (rustls with aws-lc, the SDK's connector settings and
/// sleep), with proxies disabled rather than taken from the environment.
pub fn http_client_without_proxy() -> aws_sdk_s3::config::SharedHttpClient {
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig, tls};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::disabled()));
        connector.build()
    })
}

pub(crate) fn status<E>(err: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

/// Turns an SDK error into a lake error by its S3 code and HTTP status.
pub(crate) fn classify<E>(
    err: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    operation: &'static str,
    location: String,
) -> LakeError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = err.code().map(str::to_owned);
    match (status(&err), code.as_deref()) {
        (_, Some("PreconditionFailed")) | (Some(412), _) => LakeError::AlreadyExists { location },
        (
            _,
            Some(
                "BadDigest"
                | "InvalidDigest"
                | "XAmzContentChecksumMismatch"
                | "XAmzContentSHA256Mismatch"
                | "InvalidChecksum",
            ),
        ) => LakeError::ChecksumRejected {
            location,
            detail: format!("{} from {operation}", code.unwrap_or_default()),
        },
        (_, Some("AccessDenied")) | (Some(403), _) => LakeError::Forbidden {
            operation,
            location,
        },
        (_, Some("NotImplemented")) | (Some(501), _) => LakeError::Unsupported {
            operation,
            location,
        },
        _ => LakeError::Store {
            operation,
            location,
            detail: describe(&err),
        },
    }
}

/// Longest description of a store error.
const MAX_DETAIL: usize = 300;

/// An SDK error in a few words: the HTTP status, S3 code, message and request id of an
/// answer from the store, else the chain of causes ("dispatch failure: io error: ...
/// Connection refused"). Never the SDK's debug dump, which holds the raw response (its
/// headers and body, kilobytes of them) and went to the terminal and the run log; at most
/// [`MAX_DETAIL`] characters, control characters blanked (the store's text is not ours).
fn describe<E>(err: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let text = match err {
        SdkError::ServiceError(_) => {
            let mut text = match status(err) {
                Some(status) => format!("HTTP {status}"),
                None => "the store refused".to_owned(),
            };
            if let Some(code) = err.code() {
                text.push_str(&format!(", {code}"));
            }
            if let Some(message) = err.message() {
                text.push_str(&format!(": {message}"));
            }
            if let Some(id) = err.meta().extra("aws_request_id") {
                text.push_str(&format!(" (request id {id})"));
            }
            text
        }
        _ => {
            let mut text = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
    };
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DETAIL)
        .collect();
    if text.chars().nth(MAX_DETAIL).is_some() {
        out.push_str("...");
    }
    out
}

fn sse_name(sse: Option<&ServerSideEncryption>) -> Option<String> {
    sse.map(|s| s.as_str().to_owned())
}

impl Lake for S3Lake {
    type Upload = S3Upload;
    type Body = ByteStream;

    fn location(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    fn pending_id(upload: &S3Upload) -> Option<&str> {
        Some(&upload.upload_id)
    }

    async fn put_small(&self, key: &str, body: Bytes, sums: &Sums) -> Result<Stored, LakeError> {
        let (sse, kms) = self.sse();
        let len = body.len() as i64;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(CSV_CONTENT_TYPE)
            .content_length(len)
            .checksum_crc64_nvme(sums.crc64_base64())
            .if_none_match("*")
            .set_server_side_encryption(sse)
            .set_ssekms_key_id(kms)
            .body(ByteStream::from(body));
        let sent = if self.sign_payload {
            request.send().await
        } else {
            request.customize().disable_payload_signing().send().await
        };
        let out = sent.map_err(|e| classify(e, "PutObject", self.location(key)))?;
        Ok(Stored {
            crc64nvme: out.checksum_crc64_nvme().map(str::to_owned),
            etag: out.e_tag().map(str::to_owned),
            encryption: sse_name(out.server_side_encryption()),
        })
    }

    async fn begin(&self, key: &str) -> Result<S3Upload, LakeError> {
        let (sse, kms) = self.sse();
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(CSV_CONTENT_TYPE)
            .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
            .checksum_type(ChecksumType::FullObject)
            .set_server_side_encryption(sse)
            .set_ssekms_key_id(kms)
            .send()
            .await
            .map_err(|e| classify(e, "CreateMultipartUpload", self.location(key)))?;
        let upload_id = out.upload_id().ok_or_else(|| LakeError::Store {
            operation: "CreateMultipartUpload",
            location: self.location(key),
            detail: "the store returned no upload id".into(),
        })?;
        Ok(S3Upload {
            key: key.to_owned(),
            upload_id: upload_id.to_owned(),
        })
    }

    async fn write_part(&self, upload: &S3Upload, part: Part) -> Result<PartDone, LakeError> {
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&upload.key)
            .upload_id(&upload.upload_id)
            .part_number(i32::try_from(part.number).unwrap_or(i32::MAX))
            .content_length(part.bytes.len() as i64)
            .checksum_crc64_nvme(crc64_base64(part.crc64nvme))
            .body(ByteStream::from(part.bytes));
        let sent = if self.sign_payload {
            request.send().await
        } else {
            request.customize().disable_payload_signing().send().await
        };
        let out = sent.map_err(|e| {
            classify(
                e,
                "UploadPart",
                format!("{} (part {})", self.location(&upload.key), part.number),
            )
        })?;
        Ok(PartDone {
            number: part.number,
            etag: out.e_tag().map(str::to_owned),
            crc64nvme: part.crc64nvme,
        })
    }

    async fn commit(
        &self,
        upload: &S3Upload,
        parts: Vec<PartDone>,
        sums: &Sums,
    ) -> Result<Stored, LakeError> {
        let parts = parts
            .into_iter()
            .map(|p| {
                CompletedPart::builder()
                    .part_number(i32::try_from(p.number).unwrap_or(i32::MAX))
                    .set_e_tag(p.etag)
                    .checksum_crc64_nvme(crc64_base64(p.crc64nvme))
                    .build()
            })
            .collect();
        let out = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&upload.key)
            .upload_id(&upload.upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .checksum_crc64_nvme(sums.crc64_base64())
            .checksum_type(ChecksumType::FullObject)
            .if_none_match("*")
            .send()
            .await
            .map_err(|e| classify(e, "CompleteMultipartUpload", self.location(&upload.key)))?;
        Ok(Stored {
            crc64nvme: out.checksum_crc64_nvme().map(str::to_owned),
            etag: out.e_tag().map(str::to_owned),
            encryption: sse_name(out.server_side_encryption()),
        })
    }

    async fn abort(&self, upload: &S3Upload) -> Result<(), LakeError> {
        self.abort_by_id(&upload.key, &upload.upload_id)
            .await
            .map(|_| ())
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, LakeError> {
        let sent = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await;
        match sent {
            Ok(out) => Ok(Some(ObjectInfo {
                size: out
                    .content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
                crc64nvme: out.checksum_crc64_nvme().map(str::to_owned),
                encryption: sse_name(out.server_side_encryption()),
            })),
            Err(e) if status(&e) == Some(404) => Ok(None),
            Err(e) => Err(classify(e, "HeadObject", self.location(key))),
        }
    }

    async fn list(&self, prefix: &str, token: Option<String>) -> Result<Page, LakeError> {
        let listed_prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let out = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&listed_prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| classify(e, "ListObjectsV2", self.location(&listed_prefix)))?;
        let objects = out
            .contents()
            .iter()
            .filter_map(|o| {
                let key = o.key()?;
                let hidden = key.split('/').any(|s| s.starts_with('.'));
                (!hidden).then(|| Listed {
                    key: key.to_owned(),
                    size: o.size().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                })
            })
            .collect();
        let next = match out.is_truncated() {
            Some(true) => out.next_continuation_token().map(str::to_owned),
            _ => None,
        };
        Ok(Page { objects, next })
    }

    async fn get(&self, key: &str) -> Result<Option<ByteStream>, LakeError> {
        let sent = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        match sent {
            Ok(out) => Ok(Some(out.body)),
            Err(e) if status(&e) == Some(404) || e.code() == Some("NoSuchKey") => Ok(None),
            Err(e) => Err(classify(e, "GetObject", self.location(key))),
        }
    }

    async fn chunk<'a>(
        &'a self,
        key: &'a str,
        body: &'a mut ByteStream,
    ) -> Result<Option<Bytes>, LakeError> {
        body.try_next().await.map_err(|e| LakeError::Store {
            operation: "GetObject",
            location: self.location(key),
            detail: e.to_string(),
        })
    }

    async fn delete(&self, key: &str) -> Result<(), LakeError> {
        let sent = self
            .client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e) if status(&e) == Some(404) => Ok(()),
            Err(e) => Err(classify(e, "DeleteObject", self.location(key))),
        }
    }

    async fn versioning(&self) -> Result<Versioning, LakeError> {
        use aws_sdk_s3::types::BucketVersioningStatus as S;
        let sent = self
            .client
            .get_bucket_versioning()
            .bucket(&self.bucket)
            .send()
            .await;
        match sent {
            Ok(out) => Ok(match out.status() {
                Some(S::Enabled) => Versioning::Enabled,
                Some(S::Suspended) => Versioning::Suspended,
                _ => Versioning::Off,
            }),
            Err(e) => match classify(e, "GetBucketVersioning", format!("s3://{}", self.bucket)) {
                LakeError::Unsupported { .. } => Ok(Versioning::NotImplemented),
                other => Err(other),
            },
        }
    }

    async fn versions(&self, key: &str) -> Result<Vec<Version>, LakeError> {
        let mut found = Vec::new();
        let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(&self.bucket)
                .prefix(key)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(id_marker.take())
                .send()
                .await
                .map_err(|e| classify(e, "ListObjectVersions", self.location(key)))?;
            for v in page.versions() {
                if let (Some(k), Some(id)) = (v.key(), v.version_id()) {
                    if k == key {
                        found.push(Version {
                            id: id.to_owned(),
                            delete_marker: false,
                        });
                    }
                }
            }
            for m in page.delete_markers() {
                if let (Some(k), Some(id)) = (m.key(), m.version_id()) {
                    if k == key {
                        found.push(Version {
                            id: id.to_owned(),
                            delete_marker: true,
                        });
                    }
                }
            }
            if page.is_truncated() != Some(true) {
                return Ok(found);
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            id_marker = page.next_version_id_marker().map(str::to_owned);
            if key_marker.is_none() && id_marker.is_none() {
                return Ok(found);
            }
        }
    }

    async fn stale_versions(&self, prefix: &str) -> Result<Vec<(String, usize)>, LakeError> {
        let listed_prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let mut found: std::collections::BTreeMap<String, usize> = Default::default();
        let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(&self.bucket)
                .prefix(&listed_prefix)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(id_marker.take())
                .send()
                .await
                .map_err(|e| classify(e, "ListObjectVersions", self.location(&listed_prefix)))?;
            for v in page.versions() {
                if let (Some(k), Some(false)) = (v.key(), v.is_latest()) {
                    let hidden = k.split('/').any(|s| s.starts_with('.'));
                    if !hidden {
                        *found.entry(k.to_owned()).or_default() += 1;
                    }
                }
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            id_marker = page.next_version_id_marker().map(str::to_owned);
            if key_marker.is_none() && id_marker.is_none() {
                break;
            }
        }
        Ok(found.into_iter().collect())
    }

    async fn delete_version(&self, key: &str, version: &str) -> Result<(), LakeError> {
        let sent = self
            .client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .version_id(version)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e) if status(&e) == Some(404) => Ok(()),
            Err(e) => Err(classify(e, "DeleteObjectVersion", self.location(key))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_s3::operation::put_object::PutObjectError;
    use aws_sdk_s3::primitives::SdkBody;

    fn answer(status: u16, body: &str) -> aws_sdk_s3::config::http::HttpResponse {
        let mut response = aws_sdk_s3::config::http::HttpResponse::new(
            status.try_into().expect("a status"),
            SdkBody::from(body.to_owned()),
        );
        let _ = response.headers_mut().insert("x-amz-request-id", "R123");
        response
    }

    #[test]
    fn store_errors_are_told_in_a_few_words_without_the_raw_answer() {
        let body = format!(
            "<Error><Code>KeyTooLongError</Code>{}</Error>",
            "x".repeat(4000)
        );
        let meta = ErrorMetadata::builder()
            .code("KeyTooLongError")
            .message("Your key is too long")
            .custom("aws_request_id", "R123")
            .build();
        let err = SdkError::service_error(PutObjectError::generic(meta), answer(400, &body));
        let err = classify(err, "PutObject", "s3://lake/k".into());
        assert_eq!(
            err.to_string(),
            "PutObject failed for s3://lake/k: HTTP 400, KeyTooLongError: Your key is too long (request id R123)"
        );

        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused\n\x1b[31m");
        let err: SdkError<PutObjectError, _> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        let text = describe(&err);
        assert_eq!(text, "dispatch failure: io error: refused  [31m");

        let long = std::io::Error::other("y".repeat(1000));
        let err: SdkError<PutObjectError, _> =
            SdkError::dispatch_failure(ConnectorError::other(Box::new(long), None));
        let text = describe(&err);
        assert_eq!(text.chars().count(), MAX_DETAIL + 3, "{text}");
        assert!(text.ends_with("yyy..."), "{text}");
    }
}
