//! What a queue message says: the S3 `ObjectCreated` notifications it carries, in any of the
//! three shapes AWS delivers them to SQS.
//!
//! - An S3 event notification, S3 → SQS directly (or through SNS with raw message
//!   delivery): `{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
//!   "eventTime": ..., "s3": {"bucket": {"name": ...}, "object": {"key": ..., "size": ...,
//!   "eTag": ..., "versionId": ..., "sequencer": ...}}}]}`. Its object keys are URL-encoded
//!   as in a form (`+` for a space, `%XX` for the rest), and decoded here.
//! - The same wrapped by SNS: `{"Type": "Notification", "Message": "<the S3 event, as a
//!   JSON string>"}`.
//! - An EventBridge event (S3 → EventBridge → SQS): `{"detail-type": "Object Created",
//!   "source": "aws.s3", "time": ..., "detail": {"bucket": {"name": ...}, "object": {"key":
//!   ..., "size": ..., "etag": ..., "version-id": ..., "sequencer": ...}}}`, keys as they are.
//!
//! Anything else S3 sends (the `s3:TestEvent` of a new notification configuration, object
//! removal, restore or tagging events) is a [`Notice::Other`]: nothing to ingest. A body
//! that is none of these is an [`EventError`]: the message is not ours to drop, so it goes
//! to the dead-letter queue after its receives. Errors say what was wrong with the shape,
//! never the body (it holds object keys, which may name people).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

/// An object created in the landing bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub bucket: String,
    /// The key, decoded.
    pub key: String,
    pub size: Option<u64>,
    /// The ETag, without quotes.
    pub etag: Option<String>,
    pub version_id: Option<String>,
    /// S3's order of the events of one key (hex, compared as such).
    pub sequencer: Option<String>,
    pub event_time: DateTime<Utc>,
}

/// One notification of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Created(Created),
    /// Not an object creation (`s3:TestEvent`, `ObjectRemoved:Delete`, `Object Deleted`...):
    /// what it is.
    Other(String),
}

/// Why a message body could not be read as S3 notifications.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the message is not JSON ({0})")]
    NotJson(String),
    #[error(
        "the message is not an S3 event notification (direct, through SNS or EventBridge): {0}"
    )]
    Unknown(&'static str),
    #[error("an S3 notification without {0}")]
    Missing(&'static str),
    #[error("an S3 notification whose {field} is not valid: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "eventSource", default)]
    event_source: Option<String>,
    #[serde(rename = "eventName", default)]
    event_name: Option<String>,
    #[serde(rename = "eventTime", default)]
    event_time: Option<String>,
    #[serde(default)]
    s3: Option<RecordS3>,
}

#[derive(Deserialize)]
struct RecordS3 {
    bucket: Named,
    object: RecordObject,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct RecordObject {
    key: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(rename = "eTag", default)]
    etag: Option<String>,
    #[serde(rename = "versionId", default)]
    version_id: Option<String>,
    #[serde(default)]
    sequencer: Option<String>,
}

#[derive(Deserialize)]
struct Detail {
    bucket: Named,
    object: DetailObject,
}

#[derive(Deserialize)]
struct DetailObject {
    key: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    etag: Option<String>,
    #[serde(rename = "version-id", default)]
    version_id: Option<String>,
    #[serde(default)]
    sequencer: Option<String>,
}

/// The notifications of a message body.
pub fn parse(body: &str) -> Result<Vec<Notice>, EventError> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| EventError::NotJson(e.classify_name()))?;
    notices(&value, true)
}

trait ClassifyName {
    fn classify_name(&self) -> String;
}

impl ClassifyName for serde_json::Error {
    /// What kind of error, and where: never the text around it.
    fn classify_name(&self) -> String {
        format!(
            "{} at line {} column {}",
            match self.classify() {
                serde_json::error::Category::Io => "read error",
                serde_json::error::Category::Syntax => "syntax error",
                serde_json::error::Category::Data => "unexpected data",
                serde_json::error::Category::Eof => "cut short",
            },
            self.line(),
            self.column()
        )
    }
}

fn notices(value: &Value, may_unwrap: bool) -> Result<Vec<Notice>, EventError> {
    let Some(object) = value.as_object() else {
        return Err(EventError::Unknown("not a JSON object"));
    };
    if let Some(records) = object.get("Records") {
        let Some(records) = records.as_array() else {
            return Err(EventError::Invalid {
                field: "Records",
                problem: "not an array".into(),
            });
        };
        return records.iter().map(record).collect();
    }
    if object.get("Type").and_then(Value::as_str) == Some("Notification") && may_unwrap {
        let Some(message) = object.get("Message").and_then(Value::as_str) else {
            return Err(EventError::Missing("the SNS Message"));
        };
        let inner: Value = serde_json::from_str(message)
            .map_err(|e| EventError::NotJson(format!("SNS Message: {}", e.classify_name())))?;
        return notices(&inner, false);
    }
    if object.get("source").and_then(Value::as_str) == Some("aws.s3") {
        return eventbridge(object).map(|n| vec![n]);
    }
    if let Some(event) = object.get("Event").and_then(Value::as_str) {
        // `s3:TestEvent`, sent once when a notification configuration is saved.
        return Ok(vec![Notice::Other(event.chars().take(64).collect())]);
    }
    Err(EventError::Unknown(
        "no Records, SNS Message or EventBridge detail",
    ))
}

fn record(value: &Value) -> Result<Notice, EventError> {
    let r: Record = serde_json::from_value(value.clone()).map_err(|e| EventError::Invalid {
        field: "record",
        problem: e.classify_name(),
    })?;
    if r.event_source.as_deref() != Some("aws:s3") {
        return Ok(Notice::Other(format!(
            "a record from {}",
            short(r.event_source.as_deref().unwrap_or("no source"))
        )));
    }
    let name = r.event_name.unwrap_or_default();
    if !name.starts_with("ObjectCreated:") {
        return Ok(Notice::Other(short(&name)));
    }
    let s3 = r.s3.ok_or(EventError::Missing("s3"))?;
    let time = r.event_time.ok_or(EventError::Missing("eventTime"))?;
    Ok(Notice::Created(Created {
        bucket: s3.bucket.name,
        key: form_decoded(&s3.object.key)?,
        size: s3.object.size,
        etag: s3.object.etag.map(unquoted),
        version_id: s3
            .object
            .version_id
            .filter(|v| !v.is_empty() && v != "null"),
        sequencer: s3.object.sequencer,
        event_time: time_of(&time, "eventTime")?,
    }))
}

fn eventbridge(object: &serde_json::Map<String, Value>) -> Result<Notice, EventError> {
    let kind = object
        .get("detail-type")
        .and_then(Value::as_str)
        .unwrap_or("");
    if kind != "Object Created" {
        return Ok(Notice::Other(short(kind)));
    }
    let detail: Detail = object
        .get("detail")
        .cloned()
        .ok_or(EventError::Missing("detail"))
        .and_then(|d| {
            serde_json::from_value(d).map_err(|e| EventError::Invalid {
                field: "detail",
                problem: e.classify_name(),
            })
        })?;
    let time = object
        .get("time")
        .and_then(Value::as_str)
        .ok_or(EventError::Missing("time"))?;
    Ok(Notice::Created(Created {
        bucket: detail.bucket.name,
        key: detail.object.key,
        size: detail.object.size,
        etag: detail.object.etag.map(unquoted),
        version_id: detail
            .object
            .version_id
            .filter(|v| !v.is_empty() && v != "null"),
        sequencer: detail.object.sequencer,
        event_time: time_of(time, "time")?,
    }))
}

/// A name from the message, short and printable (it goes into records).
fn short(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn unquoted(etag: String) -> String {
    etag.trim_matches('"').to_owned()
}

fn time_of(text: &str, field: &'static str) -> Result<DateTime<Utc>, EventError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| EventError::Invalid {
            field,
            problem: e.to_string(),
        })
}

/// An S3 notification's key: URL-encoded as a form value (`+` is a space).
fn form_decoded(key: &str) -> Result<String, EventError> {
    let spaced = key.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|k| k.into_owned())
        .map_err(|_| EventError::Invalid {
            field: "object key",
            problem: "not UTF-8 once decoded".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the S3 user guide ("Event message structure"), as S3 sends it to SQS.
    pub const S3_SAMPLE: &str = r#"{
  "Records": [{
    "eventVersion": "2.1",
    "eventSource": "aws:s3",
    "awsRegion": "us-west-2",
    "eventTime": "1970-01-01T00:00:00.000Z",
    "eventName": "ObjectCreated:Put",
    "userIdentity": {"principalId": "AIDAJDPLRKLG7UEXAMPLE"},
    "requestParameters": {"sourceIPAddress": "127.0.0.1"},
    "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
    "s3": {
      "s3SchemaVersion": "1.0",
      "configurationId": "testConfigRule",
      "bucket": {"name": "amzn-s3-demo-bucket", "ownerIdentity": {"principalId": "A3NL1KOZZKExample"}, "arn": "arn:aws:s3:::amzn-s3-demo-bucket"},
      "object": {"key": "landing/Relev%C3%A9s+janvier%2B2024.csv", "size": 1024, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "versionId": "096fKKXTRTtl3on89fVO.nfljtsv6qko", "sequencer": "0055AED6DCD90281E5"}
    }
  }]
}"#;

    fn created(notices: Vec<Notice>) -> Created {
        match notices.as_slice() {
            [Notice::Created(c)] => c.clone(),
            other => panic!("one creation expected: {other:?}"),
        }
    }

    #[test]
    fn the_documented_s3_event_is_read_and_its_key_decoded() {
        let c = created(parse(S3_SAMPLE).unwrap());
        assert_eq!(c.bucket, "amzn-s3-demo-bucket");
        assert_eq!(c.key, "landing/Relevés janvier+2024.csv");
        assert_eq!(c.size, Some(1024));
        assert_eq!(c.etag.as_deref(), Some("d41d8cd98f00b204e9800998ecf8427e"));
        assert_eq!(
            c.version_id.as_deref(),
            Some("096fKKXTRTtl3on89fVO.nfljtsv6qko")
        );
        assert_eq!(c.sequencer.as_deref(), Some("0055AED6DCD90281E5"));
        assert_eq!(c.event_time, DateTime::<Utc>::UNIX_EPOCH);
    }

    #[test]
    fn an_event_wrapped_by_sns_is_unwrapped() {
        let wrapped = serde_json::json!({
            "Type": "Notification",
            "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:landing",
            "Subject": "Amazon S3 Notification",
            "Message": S3_SAMPLE,
            "Timestamp": "1970-01-01T00:00:00.000Z"
        })
        .to_string();
        assert_eq!(
            created(parse(&wrapped).unwrap()),
            created(parse(S3_SAMPLE).unwrap())
        );
    }

    #[test]
    fn an_eventbridge_event_is_read_with_its_key_as_is() {
        let event = r#"{
  "version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103",
  "detail-type": "Object Created", "source": "aws.s3", "account": "111122223333",
  "time": "2021-11-12T00:00:00Z", "region": "ca-central-1",
  "resources": ["arn:aws:s3:::amzn-s3-demo-bucket1"],
  "detail": {
    "version": "0", "bucket": {"name": "amzn-s3-demo-bucket1"},
    "object": {"key": "landing/a+b%20c.csv", "size": 5, "etag": "b1946ac92492d2347c6235b4d2611184", "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "sequencer": "617f08299329d189"},
    "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012", "source-ip-address": "1.2.3.4", "reason": "PutObject"
  }
}"#;
        let c = created(parse(event).unwrap());
        assert_eq!(c.bucket, "amzn-s3-demo-bucket1");
        assert_eq!(c.key, "landing/a+b%20c.csv");
        assert_eq!(c.size, Some(5));
        assert_eq!(
            c.version_id.as_deref(),
            Some("IYV3p45BT0ac8hjHg1houSdS1a.Mro8e")
        );
        assert_eq!(c.event_time.to_rfc3339(), "2021-11-12T00:00:00+00:00");
        let deleted = event.replace("Object Created", "Object Deleted");
        assert_eq!(
            parse(&deleted).unwrap(),
            vec![Notice::Other("Object Deleted".into())]
        );
    }

    #[test]
    fn other_s3_events_are_nothing_to_ingest() {
        let test_event = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-01-01T00:00:00.000Z","Bucket":"b","RequestId":"R","HostId":"H"}"#;
        assert_eq!(
            parse(test_event).unwrap(),
            vec![Notice::Other("s3:TestEvent".into())]
        );
        let removed = S3_SAMPLE.replace("ObjectCreated:Put", "ObjectRemoved:Delete");
        assert_eq!(
            parse(&removed).unwrap(),
            vec![Notice::Other("ObjectRemoved:Delete".into())]
        );
        // A version id of "null" is an unversioned bucket's.
        let unversioned = S3_SAMPLE.replace("096fKKXTRTtl3on89fVO.nfljtsv6qko", "null");
        assert_eq!(created(parse(&unversioned).unwrap()).version_id, None);
    }

    #[test]
    fn bodies_that_are_not_notifications_are_refused_without_being_quoted() {
        for body in [
            "jean.dupont@example.com",
            "[1, 2]",
            r#"{"hello": "jean.dupont@example.com"}"#,
            r#"{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]}"#,
            r#"{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "eventTime": "yesterday", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]}"#,
            r#"{"Type": "Notification", "Message": "{\"Type\": \"Notification\", \"Message\": \"{}\"}"}"#,
            r#"{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "eventTime": "1970-01-01T00:00:00Z", "s3": {"bucket": {"name": "b"}, "object": {"key": "%FF"}}}]}"#,
        ] {
            let err = parse(body).expect_err(body).to_string();
            assert!(!err.contains("dupont"), "{err}");
        }
    }
}
