//! A test harness: the app over the embedded adapters in a temporary folder, requests as API
//! Gateway (HTTP API, payload v2) sends them, and the S3 / stream events as AWS sends them.
#![allow(dead_code)]

pub mod hooked;

use std::path::PathBuf;
use std::sync::Arc;

use award_app::events::{self, EventReport};
use award_app::{App, AppConfig, Mailboxes};
use award_domain::uscc::Uscc;
use award_embedded::{EmbeddedBlobs, EmbeddedMail, EmbeddedTable};
use award_ports::{Blobs, ChangeRecord, Mail, Table};
use aws_lambda_events::event::s3::S3Event;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use tempfile::TempDir;

pub const MAIL_FROM: &str = "award@wuwei.example.cn";
pub const OFFICE_MAILBOX: &str = "office@wuwei.example.cn";
pub const COMMITTEE_MAILBOX: &str = "committee@wuwei.example.cn";
pub const FINANCE_MAILBOX: &str = "finance@wuwei.example.cn";
pub const MAX_UPLOAD: u64 = 1024 * 1024;

/// 2026-03-02 10:00 in China.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

/// A valid USCC registered in Wuwei (division 620602) whose organisation code ends in `n`.
pub fn uscc(n: u32) -> String {
    Uscc::with_check_character(&format!("91620602MA{n:07}"))
        .unwrap()
        .into_string()
}

pub struct Harness {
    pub app: App,
    pub table: Arc<EmbeddedTable>,
    pub blobs: Arc<EmbeddedBlobs>,
    pub outbox: PathBuf,
    _dir: TempDir,
}

/// Who calls: a subject and its Cognito groups as the authorizer flattens them.
#[derive(Clone, Copy)]
pub struct As<'a> {
    pub sub: &'a str,
    pub groups: &'a str,
}

impl As<'_> {
    /// The caller the authorizer's claims make of this subject (for calling a use case directly).
    pub fn caller(&self) -> award_app::Caller {
        award_app::Caller::from_claims(&std::collections::HashMap::from([
            ("sub".to_owned(), self.sub.to_owned()),
            ("cognito:groups".to_owned(), self.groups.to_owned()),
        ]))
        .unwrap()
    }
}

pub const OFFICE: As<'static> = As {
    sub: "office-1",
    groups: "[office]",
};
pub const ALICE: As<'static> = As {
    sub: "alice",
    groups: "[applicant]",
};
pub const BOB: As<'static> = As {
    sub: "bob",
    groups: "[applicant]",
};
pub const COMMITTEE: As<'static> = As {
    sub: "committee-1",
    groups: "[committee]",
};
pub const EXPERT: As<'static> = As {
    sub: "expert-1",
    groups: "[expert]",
};

impl Harness {
    pub fn new() -> Self {
        Self::with(None, None)
    }

    /// The harness with some ports replaced (failing mail, a blob store lying about objects).
    pub fn with(blobs: Option<Arc<dyn Blobs>>, mail: Option<Arc<dyn Mail>>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let table = Arc::new(EmbeddedTable::open(dir.path().join("table.redb")).unwrap());
        let embedded_blobs = Arc::new(
            EmbeddedBlobs::new(
                dir.path().join("blobs"),
                "http://127.0.0.1:8787".into(),
                vec![7; 32],
            )
            .unwrap(),
        );
        let outbox = dir.path().join("outbox");
        let embedded_mail = Arc::new(EmbeddedMail::new(outbox.clone()).unwrap());
        let mut config = AppConfig::new(
            MAIL_FROM,
            Mailboxes {
                office: OFFICE_MAILBOX.into(),
                committee: COMMITTEE_MAILBOX.into(),
                finance: FINANCE_MAILBOX.into(),
            },
            "https://award.example.cn",
        );
        config.max_upload_bytes = MAX_UPLOAD;
        let app = App::new(
            table.clone(),
            blobs.unwrap_or_else(|| embedded_blobs.clone()),
            mail.unwrap_or(embedded_mail),
            config,
        );
        Self {
            app,
            table,
            blobs: embedded_blobs,
            outbox,
            _dir: dir,
        }
    }

    /// An API Gateway v2 request, with the caller's claims when given.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        caller: Option<As<'_>>,
        body: Option<&str>,
    ) -> (u16, Value) {
        self.request_at(method, path, caller, body, now()).await
    }

    pub async fn request_at(
        &self,
        method: &str,
        path: &str,
        caller: Option<As<'_>>,
        body: Option<&str>,
        at: DateTime<Utc>,
    ) -> (u16, Value) {
        let event: Value =
            serde_json::from_str(&api_gateway_event(method, path, caller, body, "$default"))
                .unwrap();
        // The same entry point as the Lambda function: the event's JSON in, API Gateway's out.
        let response = award_app::http::handle_event(&self.app, event, at).await;
        let status = u16::try_from(response.status_code).unwrap();
        let content_type = response.headers["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = match response.body {
            Some(aws_lambda_events::encodings::Body::Text(text)) => text,
            other => panic!("not a text body: {other:?}"),
        };
        // A file export comes back as its text; everything else is JSON.
        if content_type == "text/csv; charset=utf-8" {
            return (status, Value::String(body));
        }
        assert_eq!(content_type, "application/json; charset=utf-8");
        (status, serde_json::from_str(&body).unwrap())
    }

    /// The newest change sequence: unchanged means nothing at all was written.
    pub fn last_sequence(&self) -> u64 {
        *self.table.subscribe().borrow()
    }

    pub fn changes_after(&self, sequence: u64) -> Vec<ChangeRecord> {
        self.table
            .changes_after(sequence, 10_000)
            .unwrap()
            .into_iter()
            .map(|(_, change)| change)
            .collect()
    }

    /// The audit records written after `sequence`, from the change feed.
    pub fn audits_after(&self, sequence: u64) -> Vec<award_app::model::AuditRecord> {
        self.changes_after(sequence)
            .into_iter()
            .filter_map(|change| change.new_image)
            .filter(|item| award_app::store::type_of(item) == Some("audit"))
            .map(|item| {
                award_app::store::from_item::<award_app::model::AuditRecord>(item)
                    .unwrap()
                    .record
            })
            .collect()
    }

    /// The newest image of every notice written so far, from the change feed.
    pub fn notices(&self) -> Vec<award_app::model::Notice> {
        let mut latest = std::collections::BTreeMap::new();
        for change in self.changes_after(0) {
            if let Some(image) = change.new_image
                && award_app::store::type_of(&image) == Some("notice")
            {
                let notice = award_app::store::from_item::<award_app::model::Notice>(image)
                    .unwrap()
                    .record;
                latest.insert(notice.id, notice);
            }
        }
        latest.into_values().collect()
    }

    /// How many emails the outbox holds.
    pub fn emails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.outbox) else {
            return Vec::new();
        };
        let mut emails: Vec<String> = entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        emails.sort();
        emails
    }

    /// The outbox's emails decoded: `(to, subject, text part)`, as a mail client shows them.
    pub fn mails(&self) -> Vec<(String, String, String)> {
        self.emails()
            .iter()
            .map(|raw| {
                let message = mail_parser::MessageParser::default()
                    .parse(raw.as_bytes())
                    .unwrap();
                let to = message
                    .to()
                    .and_then(|to| to.first())
                    .and_then(|address| address.address())
                    .unwrap_or_default()
                    .to_owned();
                (
                    to,
                    message.subject().unwrap_or_default().to_owned(),
                    message.body_text(0).unwrap_or_default().into_owned(),
                )
            })
            .collect()
    }

    /// Feeds the whole change feed to `notify`, as the stream would.
    pub async fn deliver_stream(
        &self,
        at: DateTime<Utc>,
    ) -> Result<EventReport, award_app::AppError> {
        events::table_changes(&self.app, &self.changes_after(0), at)
            .await?
            .finish()
    }

    /// Creates cycle 2026 as the office, has the Committee approve its rules, and opens it.
    pub async fn open_cycle(&self) {
        self.create_cycle(&cycle_body("2026")).await;
        self.approve_rules("2026").await;
        let (status, body) = self
            .request("POST", "/cycles/2026/open", Some(OFFICE), None)
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// Creates a cycle as the office; returns the created cycle.
    pub async fn create_cycle(&self, body: &str) -> Value {
        let (status, cycle) = self
            .request("POST", "/cycles", Some(OFFICE), Some(body))
            .await;
        assert_eq!(status, 201, "{cycle}");
        cycle
    }

    /// The Committee approves a cycle's review rules (Art. 7(2), 20); returns the cycle.
    pub async fn approve_rules(&self, cycle: &str) -> Value {
        let (status, body) = self
            .request(
                "POST",
                &format!("/cycles/{cycle}/rules/approve"),
                Some(COMMITTEE),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Creates an application for organisation `n` as `caller`, with the account's own (verified)
    /// address as the contact, so no confirmation is owed; returns its id.
    pub async fn create_application(&self, caller: As<'_>, n: u32) -> String {
        let mut body: Value = serde_json::from_str(&application_body(n)).unwrap();
        body["contact_email"] = json!(format!("{}@example.cn", caller.sub));
        self.post_application(caller, &body).await
    }

    /// Application `n` naming its own contact email (`contact<n>@example.cn`), not the caller's:
    /// a confirmation link is owed to it.
    pub async fn create_application_with_contact(&self, caller: As<'_>, n: u32) -> String {
        let body: Value = serde_json::from_str(&application_body(n)).unwrap();
        self.post_application(caller, &body).await
    }

    async fn post_application(&self, caller: As<'_>, body: &Value) -> String {
        let (status, body) = self
            .request(
                "POST",
                "/applications",
                Some(caller),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Declares a document (category `other`); returns the whole response.
    pub async fn declare(&self, caller: As<'_>, application: &str, content: &[u8]) -> (u16, Value) {
        self.declare_as(caller, application, "other", content).await
    }

    /// Declares a document of `category`; returns the whole response.
    pub async fn declare_as(
        &self,
        caller: As<'_>,
        application: &str,
        category: &str,
        content: &[u8],
    ) -> (u16, Value) {
        let mut body: Value =
            serde_json::from_str(&document_body("质量手册.pdf", "application/pdf", content))
                .unwrap();
        body["category"] = json!(category);
        self.request(
            "POST",
            &format!("/applications/{application}/documents"),
            Some(caller),
            Some(&body.to_string()),
        )
        .await
    }

    /// PUTs `content` to a presigned upload link as the local runner would; returns the key.
    pub fn upload(&self, upload: &Value, content: &[u8]) -> String {
        upload_to(&self.blobs, upload, content)
    }
}

/// PUTs `content` to a presigned upload link of `blobs` as the local runner would; returns the key.
pub fn upload_to(blobs: &EmbeddedBlobs, upload: &Value, content: &[u8]) -> String {
    let url = upload["url"].as_str().unwrap();
    let (path, query) = url.split_once('?').unwrap();
    let key = path.split_once("/blobs/").unwrap().1.to_owned();
    blobs
        .accept_upload(
            &key,
            query,
            upload["headers"]["content-type"].as_str(),
            content,
            now(),
        )
        .unwrap();
    key
}

/// The body of `POST /cycles` for the cycle of `year`, applications due on 30 June.
pub fn cycle_body(year: &str) -> String {
    json!({
        "id": year,
        "title": format!("{year}年度武威市人民政府质量奖"),
        "application_deadline": format!("{year}-06-30"),
        "recommendation_deadline": format!("{year}-07-31"),
    })
    .to_string()
}

pub fn application_body(n: u32) -> String {
    json!({
        "organisation_name": format!("武威第{n}质量有限公司"),
        "uscc": uscc(n),
        "registration_date": "2015-05-20",
        "division_code": "620602",
        "contact_email": format!("contact{n}@example.cn"),
    })
    .to_string()
}

pub fn sha256_hex(content: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(content))
}

pub fn document_body(file_name: &str, content_type: &str, content: &[u8]) -> String {
    json!({
        "category": "other",
        "file_name": file_name,
        "content_type": content_type,
        "size": content.len(),
        "sha256": sha256_hex(content),
    })
    .to_string()
}

/// The payload API Gateway (HTTP API, v2) sends a Lambda, with a JWT authorizer's claims.
pub fn api_gateway_event(
    method: &str,
    path: &str,
    caller: Option<As<'_>>,
    body: Option<&str>,
    stage: &str,
) -> String {
    let mut context = json!({
        "accountId": "123456789012",
        "apiId": "api",
        "domainName": "api.example.cn",
        "domainPrefix": "api",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.7",
            "userAgent": "award-tests"
        },
        "requestId": "request-1",
        "routeKey": "$default",
        "stage": stage,
        "time": "02/Mar/2026:02:00:00 +0000",
        "timeEpoch": 1772416800000_i64
    });
    if let Some(caller) = caller {
        context["authorizer"] = json!({
            "jwt": {
                "claims": {
                    "sub": caller.sub,
                    "email": format!("{}@example.cn", caller.sub),
                    // Typed, as a JWT authorizer passes a boolean claim through.
                    "email_verified": true,
                    "cognito:groups": caller.groups
                },
                "scopes": null
            }
        });
    }
    let mut headers = json!({ "user-agent": "award-tests", "host": "api.example.cn" });
    if body.is_some() {
        headers["content-type"] = json!("application/json");
    }
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    context["http"]["path"] = json!(path);
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": false
    })
    .to_string()
}

/// The S3 notification for an object, its key form-encoded as S3 sends it.
pub fn s3_event(key: &str, size: usize) -> S3Event {
    s3_event_of_version(key, size, None, "0A")
}

/// The S3 notification for one version of an object on a versioned bucket (`versionId`, and the
/// `sequencer` that orders the events of one key), as S3 sends it.
pub fn s3_event_of_version(
    key: &str,
    size: usize,
    version_id: Option<&str>,
    sequencer: &str,
) -> S3Event {
    let encoded: String = url_encode_key(key);
    let mut object = json!({ "key": encoded, "size": size, "eTag": "e", "sequencer": sequencer });
    if let Some(version_id) = version_id {
        object["versionId"] = json!(version_id);
    }
    serde_json::from_value(json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "us-east-1",
            "eventTime": "2026-03-02T02:00:01.000Z",
            "eventName": "ObjectCreated:Put",
            "userIdentity": { "principalId": "AWS:EXAMPLE" },
            "requestParameters": { "sourceIPAddress": "203.0.113.7" },
            "responseElements": { "x-amz-request-id": "r", "x-amz-id-2": "i" },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "evidence",
                "bucket": { "name": "evidence", "ownerIdentity": { "principalId": "EXAMPLE" }, "arn": "arn:aws:s3:::evidence" },
                "object": object
            }
        }]
    }))
    .unwrap()
}

/// S3's form encoding of keys: space as `+`, reserved characters as `%XX`, `/` kept.
fn url_encode_key(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Whether an event matches a Lambda event-filter pattern of exact values (the subset the
/// template uses: nested objects, lists of allowed strings).
pub fn filter_matches(pattern: &Value, event: &Value) -> bool {
    pattern
        .as_object()
        .unwrap()
        .iter()
        .all(|(name, wanted)| match (wanted, event.get(name)) {
            (Value::Array(allowed), Some(value)) => allowed.contains(value),
            (Value::Object(_), Some(value)) => filter_matches(wanted, value),
            _ => false,
        })
}

// --- the fixtures of the decision and aftercare tests ------------------------------------------

pub const FINANCE: As<'static> = As {
    sub: "finance-1",
    groups: "[finance]",
};

pub fn china_time(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, hour, minute, 0).unwrap() - chrono::Duration::hours(8)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn applicant(i: u32) -> As<'static> {
    As {
        sub: Box::leak(format!("applicant-{i}").into_boxed_str()),
        groups: "[applicant]",
    }
}

pub async fn load(
    h: &Harness,
    id: &str,
) -> award_app::store::Stored<award_app::model::Application> {
    award_app::store::load::<award_app::model::Application>(
        h.table.as_ref(),
        &award_app::keys::application(award_app::keys::parse_id(id).unwrap()),
    )
    .await
    .unwrap()
    .unwrap()
}

/// Moves an application to `state` in the table (the fixture), with `publicity` when given.
pub async fn set_state(
    h: &Harness,
    id: &str,
    state: award_domain::lifecycle::ApplicationState,
    publicity: Option<award_domain::lifecycle::Publicity>,
) {
    let stored = load(h, id).await;
    let mut application = stored.record;
    application.lifecycle.state = state;
    application.lifecycle.publicity = publicity;
    application
        .reviews
        .insert(award_app::model::ReviewPhase::Document, Default::default());
    // Through the app's table, as every write of an application is: its projections with it.
    h.app
        .table
        .transact(vec![
            award_app::store::replace(&application, stored.version).unwrap(),
        ])
        .await
        .unwrap();
}

/// Cycle 2026 open, `count` applications created by their organisations and moved to `state`.
pub async fn applications_in(
    h: &Harness,
    count: u32,
    state: award_domain::lifecycle::ApplicationState,
) -> Vec<String> {
    h.open_cycle().await;
    let mut ids = Vec::new();
    for i in 1..=count {
        let id = h.create_application(applicant(i), i).await;
        set_state(h, &id, state, None).await;
        ids.push(id);
    }
    ids
}

/// The cycle's decision records in the table (the fixture for the stages after them).
pub async fn set_cycle(h: &Harness, change: impl Fn(&mut award_app::model::CycleRecord)) {
    let stored = award_app::store::load::<award_app::model::CycleRecord>(
        h.table.as_ref(),
        &award_app::keys::cycle("2026"),
    )
    .await
    .unwrap()
    .unwrap();
    let mut record = stored.record;
    change(&mut record);
    h.table
        .transact(vec![
            award_app::store::replace(&record, stored.version).unwrap(),
        ])
        .await
        .unwrap();
}

pub async fn office(
    h: &Harness,
    method: &str,
    path: &str,
    body: Value,
    at: DateTime<Utc>,
) -> Value {
    let (status, reply) = h
        .request_at(method, path, Some(OFFICE), Some(&body.to_string()), at)
        .await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {reply}"
    );
    reply
}

// --- the stream, as Lambda delivers it ----------------------------------------------------------

/// The DynamoDB JSON of an item, as it appears in a stream record's `NewImage`.
pub fn dynamodb_json(item: &award_ports::Item) -> Value {
    serde_json::to_value(item).unwrap()
}

/// One stream record exactly as Lambda delivers it to a function (NEW_IMAGE view), with
/// `ApproximateCreationDateTime` as given (`None`: absent).
pub fn stream_record(
    name: &str,
    image: &award_ports::Item,
    sequence: &str,
    created: Option<Value>,
) -> Value {
    let keys = json!({ "PK": dynamodb_json(image)["PK"], "SK": dynamodb_json(image)["SK"] });
    let mut change = json!({
        "Keys": keys,
        "NewImage": dynamodb_json(image),
        "SequenceNumber": sequence,
        "SizeBytes": 412,
        "StreamViewType": "NEW_IMAGE"
    });
    if let Some(created) = created {
        change["ApproximateCreationDateTime"] = created;
    }
    json!({
        "eventID": format!("c81e728d9d4c2f636f067f89cc14862c{sequence}"),
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "cn-northwest-1",
        "dynamodb": change,
        "eventSourceARN": "arn:aws-cn:dynamodb:cn-northwest-1:123456789012:table/award-Table-1X/stream/2026-03-02T02:00:00.000"
    })
}

/// `changes` (the embedded table's feed) as the records of a stream event Lambda delivers: the
/// same images, keys and sequence numbers.
pub fn wire_records(changes: &[ChangeRecord]) -> Vec<Value> {
    changes
        .iter()
        .map(|change| {
            let name = match change.kind {
                award_ports::ChangeKind::Insert => "INSERT",
                award_ports::ChangeKind::Modify => "MODIFY",
                award_ports::ChangeKind::Remove => "REMOVE",
            };
            let image = change.new_image.clone().unwrap_or_default();
            let mut record = stream_record(name, &image, &change.sequence, Some(json!(1772416800)));
            record["dynamodb"]["Keys"] = json!({
                "PK": { "S": change.key.pk },
                "SK": { "S": change.key.sk },
            });
            if let (None, Some(stream)) = (&change.new_image, record["dynamodb"].as_object_mut()) {
                stream.remove("NewImage");
            }
            record
        })
        .collect()
}
