//! The S3 `ObjectCreated:Put` notification, shaped as S3 sends it to a Lambda function.

use std::collections::HashMap;

use aws_lambda_events::s3::{
    S3Bucket, S3Entity, S3Event, S3EventRecord, S3Object, S3RequestParameters, S3UserIdentity,
};
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What S3 leaves unescaped in a notification's object key (`/` included); a space becomes `+`,
/// as in a form-encoded value.
const KEY_UNESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/')
    .remove(b' ');

/// One object that was just stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedObject<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub size: u64,
    /// Orders the events of one key, as S3's `sequencer` does (compare as strings, same length).
    pub sequence: u64,
    pub source_ip: Option<String>,
    pub at: DateTime<Utc>,
}

/// The key as S3 writes it into an event: URL-encoded, spaces as `+`.
pub fn encode_key(key: &str) -> String {
    utf8_percent_encode(key, KEY_UNESCAPED)
        .to_string()
        .replace(' ', "+")
}

/// The notification S3 sends for one `PutObject`.
pub fn object_created(object: &CreatedObject<'_>) -> S3Event {
    let mut user = S3UserIdentity::default();
    user.principal_id = Some("AWS:LOCAL".into());

    let mut request = S3RequestParameters::default();
    request.source_ip_address = object.source_ip.clone();

    let mut bucket = S3Bucket::default();
    bucket.name = Some(object.bucket.to_owned());
    bucket.arn = Some(format!("arn:aws:s3:::{}", object.bucket));
    let mut owner = S3UserIdentity::default();
    owner.principal_id = Some("LOCAL".into());
    bucket.owner_identity = Some(owner);

    let mut stored = S3Object::default();
    stored.key = Some(encode_key(object.key));
    stored.size = i64::try_from(object.size).ok();
    stored.sequencer = Some(format!("{:016X}", object.sequence));

    let mut entity = S3Entity::default();
    entity.schema_version = Some("1.0".into());
    entity.configuration_id = Some("evidence-object-created".into());
    entity.bucket = bucket;
    entity.object = stored;

    let mut record = S3EventRecord::default();
    record.event_version = Some("2.1".into());
    record.event_source = Some("aws:s3".into());
    record.aws_region = Some("us-east-1".into());
    record.event_time = object.at;
    record.event_name = Some("ObjectCreated:Put".into());
    record.principal_id = user;
    record.request_parameters = request;
    record.response_elements = HashMap::from([
        (
            "x-amz-request-id".to_owned(),
            format!("{:016X}", object.sequence),
        ),
        ("x-amz-id-2".to_owned(), "local".to_owned()),
    ]);
    record.s3 = entity;

    let mut event = S3Event::default();
    event.records = vec![record];
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_encoded_as_s3_sends_them() {
        assert_eq!(encode_key("applications/01J/01K"), "applications/01J/01K");
        assert_eq!(encode_key("a b(1).pdf"), "a+b%281%29.pdf");
        assert_eq!(encode_key("证明.pdf"), "%E8%AF%81%E6%98%8E.pdf");
        assert_eq!(encode_key("x+y"), "x%2By");
    }

    #[test]
    fn the_event_round_trips_through_the_lambda_json_shape() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let event = object_created(&CreatedObject {
            bucket: "evidence",
            key: "applications/A/B",
            size: 42,
            sequence: 7,
            source_ip: Some("127.0.0.1".into()),
            at,
        });
        let json = serde_json::to_value(&event).unwrap();
        let record = &json["Records"][0];
        assert_eq!(record["eventName"], "ObjectCreated:Put");
        assert_eq!(record["s3"]["object"]["key"], "applications/A/B");
        assert_eq!(record["s3"]["object"]["size"], 42);
        assert_eq!(record["s3"]["bucket"]["name"], "evidence");
        let parsed: S3Event = serde_json::from_value(json).unwrap();
        assert_eq!(parsed, event);
    }
}
