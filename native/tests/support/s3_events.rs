#![allow(dead_code)] // each test file uses a different part

//! S3 event notifications as S3 writes them, for the worker tests: the JSON S3 sends to SQS
//! (keys URL-encoded as form values), the same wrapped by SNS, and EventBridge's event.

/// An object as the test put it in the landing bucket.
#[derive(Debug, Clone)]
pub struct Put {
    pub key: String,
    pub etag: String,
    pub version: Option<String>,
    pub size: usize,
}

/// An object key as S3 writes it in event notifications: URL-encoded as a form value.
pub fn form_encoded(key: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b' ');
    percent_encoding::utf8_percent_encode(key, SET)
        .to_string()
        .replace(' ', "+")
}

/// The S3 event notification of `put` in `bucket` at `time`, as S3 sends it to SQS.
pub fn s3_event(bucket: &str, put: &Put, time: &str) -> String {
    let mut object = serde_json::json!({
        "key": form_encoded(&put.key),
        "size": put.size,
        "eTag": put.etag,
        "sequencer": "0055AED6DCD90281E5",
    });
    if let Some(v) = &put.version {
        object["versionId"] = v.clone().into();
    }
    serde_json::json!({"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": time,
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "landing-to-watt",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"}, "arn": format!("arn:aws:s3:::{bucket}")},
            "object": object,
        }
    }]})
    .to_string()
}

/// The same event wrapped by SNS (S3 → SNS → SQS, without raw message delivery).
pub fn sns_event(bucket: &str, put: &Put, time: &str) -> String {
    serde_json::json!({
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:landing",
        "Subject": "Amazon S3 Notification",
        "Message": s3_event(bucket, put, time),
        "Timestamp": time,
        "SignatureVersion": "1",
    })
    .to_string()
}

/// The EventBridge event of `put` (S3 → EventBridge → SQS): keys as they are.
pub fn eventbridge_event(bucket: &str, put: &Put, time: &str) -> String {
    let mut object = serde_json::json!({
        "key": put.key, "size": put.size, "etag": put.etag, "sequencer": "617f08299329d189",
    });
    if let Some(v) = &put.version {
        object["version-id"] = v.clone().into();
    }
    serde_json::json!({
        "version": "0",
        "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": [format!("arn:aws:s3:::{bucket}")],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": object,
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": "123456789012",
            "reason": "PutObject",
        }
    })
    .to_string()
}

/// Puts an object in a bucket of the test store; what an event needs of it.
pub fn put(s3: &crate::support::seaweedfs::S3, bucket: &str, key: &str, bytes: &[u8]) -> Put {
    let out = s3
        .rt
        .block_on(
            s3.client
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(bytes.to_vec().into())
                .send(),
        )
        .expect("put a landing object");
    Put {
        key: key.to_owned(),
        etag: out.e_tag().unwrap_or_default().trim_matches('"').to_owned(),
        version: out.version_id().map(str::to_owned),
        size: bytes.len(),
    }
}
