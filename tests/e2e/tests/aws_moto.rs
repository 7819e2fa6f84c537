//! The upload, review and decision scenarios over the AWS adapters, against moto's server (`MOTO_URL`, set by
//! `make test` / `scripts/test.sh`). The functions are invoked as AWS would invoke them: the HTTP
//! handler with API Gateway (payload 2.0) requests carrying JWT claims, `upload-received` with the
//! S3 `ObjectCreated:Put` event, `notify` with the records read from the table's DynamoDB stream,
//! wrapped as Lambda's stream event. The file really goes to moto's S3 through the presigned
//! request, and the emails are read back from moto's SES.

use std::collections::HashMap;
use std::sync::Arc;

use award_app::events::{self, EventReport};
use award_app::stages::{aftercare, decision};
use award_app::{App, AppConfig};
use award_aws::{DynamoTable, S3Blobs, SesMail};
use award_domain::award::Validity;
use award_domain::lifecycle::ApplicationState;
use award_e2e::{
    APPLICATION_RECEIVED_SUBJECT, DECISION_CYCLE, DISPUTED_ITEM, DOCUMENT_REVIEW_ASSIGNED,
    DOCUMENT_REVIEW_CONSENSUS_REQUESTED, EXECUTIVE_MEETING_DAY, OBJECTION_REPLY, OBJECTOR_NAME,
    POOL_SIZE, PUBLICITY_FIRST_DAY, PUBLICITY_LAST_DAY, REVIEW_APPLICATIONS, REWARD_FEN,
    applicant_code, applicant_name, approval, assert_fair_draw, assert_public_list,
    awarded_subject, candidate_listed_subject, certificate_number, china_time, complete_form,
    consultation, day, declaration, declaration_of, deliberation, document_received_subject,
    document_review_percent, evidence_pdf, executive_meeting, expert_account, expert_email,
    liangzhou_office, minutes_declaration, minutes_pdf, new_application, new_cycle,
    not_selected_subject, not_shortlisted_subject, objection, objection_answered_subject,
    objection_pending_subject, onsite_percent, panel_numbers, payment, pool_expert,
    publicity_closed_subject, required_categories, reward_payable_subject, sheet_items,
    shortlisted_subject, submission, survey, uscc,
};
use award_local::gateway::{self, GatewayRequest};
use award_local::s3_event::{self, CreatedObject};
use aws_lambda_events::s3::S3Event;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use chrono::{DateTime, NaiveDate, Utc};
use lambda_http::http::{HeaderMap, HeaderValue, Method, header};
use serde_json::{Value, json};

const REGION: &str = "us-east-1";

/// The fault-injection proxy in front of moto (`scripts/fault-proxy.py`, started by
/// `scripts/test.sh` for its `aws faults` step): when set, the App's clients — and only they —
/// talk to moto through it, meeting DynamoDB's throttling and 5xx, S3's `503 SlowDown`, SES's
/// `Throttling` and lost responses. The test's own clients (set-up, the stream, read-backs) go to
/// moto directly. The scenarios then run with the same assertions, the harness doing what AWS's
/// plumbing and people do around the functions: Lambda redelivers a failed stream record,
/// the schedule redrives notices, a person retries an upload or a request answered `503`.
fn fault_proxy_url() -> Option<String> {
    std::env::var("FAULT_PROXY_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// How many times longer than on AWS the functions' clients wait for moto (`ClientPolicy::slower`).
const MOTO_SLACK: u32 = 10;

/// How often the harness redelivers, retries or redrives before it gives up.
const HARNESS_RETRIES: u32 = 12;

/// Invokes an event handler or a scheduled run as AWS does: with faults on, again while it fails
/// (S3 and the schedule deliver again; the handlers are idempotent); without, once.
async fn redelivered<T, F, Fut>(what: &str, invoke: F) -> Result<T, award_app::AppError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, award_app::AppError>>,
{
    redelivered_up_to(what, HARNESS_RETRIES, invoke).await
}

/// How often a scheduled run is run again before the harness gives up: the schedule itself never
/// does, and a long catch-up goes on from its last checkpoint each time.
const SCHEDULE_RETRIES: u32 = 40;

async fn redelivered_up_to<T, F, Fut>(
    what: &str,
    limit: u32,
    invoke: F,
) -> Result<T, award_app::AppError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, award_app::AppError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match invoke().await {
            Err(error) if fault_proxy_url().is_some() && tries < limit => {
                eprintln!("{what} redelivered after {error}");
            }
            outcome => return outcome,
        }
    }
}

/// As [`redelivered`], for a scheduled run whose report is asserted, run again up to
/// [`SCHEDULE_RETRIES`] times: the outcome, and whether its first
/// attempt did it all. Only then is the report the whole run's: an attempt that failed may have
/// done part of the work (a reminder sent, then the next day's read lost), which the report of
/// the attempt after it leaves out; what was done is then asserted by its effects.
async fn redelivered_whole<T, F, Fut>(what: &str, invoke: F) -> (T, bool)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, award_app::AppError>>,
{
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let outcome = redelivered_up_to(what, SCHEDULE_RETRIES, || {
        attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        invoke()
    })
    .await
    .unwrap_or_else(|error| panic!("{what} never ran through: {error}"));
    (outcome, attempts.into_inner() == 1)
}

fn moto_url() -> String {
    std::env::var("MOTO_URL").unwrap_or_else(|_| {
        panic!(
            "MOTO_URL is not set. This test runs against moto's server: run it through `make test` \
             or `scripts/test.sh cargo test -p award-e2e --test aws_moto`, which start moto and \
             export MOTO_URL"
        )
    })
}

/// A caller as the JWT authorizer describes it.
struct Caller {
    sub: String,
    email: String,
    groups: &'static str,
}

impl Caller {
    fn claims(&self) -> HashMap<String, String> {
        HashMap::from([
            ("sub".to_owned(), self.sub.clone()),
            ("email".to_owned(), self.email.clone()),
            ("email_verified".to_owned(), "true".to_owned()),
            ("cognito:groups".to_owned(), self.groups.to_owned()),
            ("token_use".to_owned(), "id".to_owned()),
        ])
    }
}

/// One scenario's own resources on moto: a table with its stream, a versioned bucket, a verified
/// sender (names suffixed so scenarios sharing one moto server never meet), and the `App` over them.
struct Moto {
    url: String,
    suffix: String,
    table_name: String,
    dynamo: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    bucket: String,
    sender: String,
    app: App,
    http: reqwest::Client,
}

impl Moto {
    /// The resources, and a reader of the table's stream from its start.
    async fn start() -> (Self, StreamReader) {
        let url = moto_url();
        let suffix = ulid::Ulid::new().to_string().to_lowercase();
        let config = award_aws::sdk_config(Some(&url)).await;
        let dynamo = aws_sdk_dynamodb::Client::new(&config);
        // The test's own S3 client (read-backs), as patient with moto as the functions' are.
        let s3 = award_aws::s3_client_with(&config, true, award_aws::S3_POLICY.slower(MOTO_SLACK));
        let ses = aws_sdk_ses::Client::new(&config);
        let table_name = format!("award-e2e-{suffix}");
        let bucket = format!("award-e2e-{suffix}");
        let sender = format!("award-{suffix}@wuwei.example.cn");
        award_aws::create_table(&dynamo, &table_name).await.unwrap();
        award_aws::create_bucket(&s3, &bucket).await.unwrap();
        award_aws::verify_sender(&ses, &sender).await.unwrap();
        // The functions' clients, with their timeouts and retry policies, through the proxy when
        // faults are on.
        let app_config =
            award_aws::sdk_config(Some(fault_proxy_url().as_deref().unwrap_or(&url))).await;
        // Moto answers in seconds where AWS answers in milliseconds: the same attempts, waits
        // long enough for moto on a loaded machine. The heavier fault runs lift the SDK's retry
        // quota (RETRY_QUOTA=unlimited, scripts/fault-run.sh): at one failed attempt in three
        // it runs dry within seconds, by design, and the question there is what retries do.
        let policy = |policy: award_aws::ClientPolicy| {
            let policy = policy.slower(MOTO_SLACK);
            if std::env::var("RETRY_QUOTA").is_ok_and(|quota| quota == "unlimited") {
                policy.without_retry_quota()
            } else {
                policy
            }
        };
        let app = App::new(
            Arc::new(DynamoTable::new(
                award_aws::dynamodb_client_with(&app_config, policy(award_aws::DYNAMODB_POLICY)),
                &table_name,
            )),
            Arc::new(S3Blobs::new(
                award_aws::s3_client_with(&app_config, true, policy(award_aws::S3_POLICY)),
                &bucket,
            )),
            Arc::new(SesMail::new(award_aws::ses_client_with(
                &app_config,
                policy(award_aws::SES_POLICY),
            ))),
            AppConfig::new(
                &sender,
                award_app::Mailboxes {
                    office: format!("office-{suffix}@wuwei.example.cn"),
                    committee: format!("committee-{suffix}@wuwei.example.cn"),
                    finance: format!("finance-{suffix}@wuwei.example.cn"),
                },
                "https://award.wuwei.example.cn",
            ),
        );
        let stream = StreamReader::new(
            aws_sdk_dynamodbstreams::Client::new(&config),
            &dynamo,
            &table_name,
        )
        .await;
        let moto = Self {
            url,
            suffix,
            table_name: table_name.clone(),
            dynamo,
            s3,
            bucket,
            sender,
            app,
            http: reqwest::Client::new(),
        };
        (moto, stream)
    }

    /// Declares `bytes` as evidence of `category` (`<category>.pdf`), PUTs them to S3 with the
    /// presigned request's headers, and hands `upload-received` the `ObjectCreated:Put` event S3
    /// sends, with the stored object's `versionId` and the key's `sequence`. Returns the
    /// declaration's answer; panics unless the document is then received.
    async fn upload_evidence(
        &self,
        caller: &Caller,
        application_id: &str,
        category: &str,
        bytes: &[u8],
        sequence: u64,
        now: DateTime<Utc>,
    ) -> Value {
        let (status, declared) = invoke_api(
            &self.app,
            caller,
            Method::POST,
            &format!("/applications/{application_id}/documents"),
            Some(&declaration_of(
                category,
                &format!("{category}.pdf"),
                "application/pdf",
                bytes,
            )),
            now,
        )
        .await;
        assert_eq!(status, 201, "{declared}");
        let key = format!(
            "applications/{application_id}/{}",
            declared["document"]["id"].as_str().unwrap()
        );
        self.upload_object(&declared["upload"], &key, bytes, sequence, now)
            .await;
        declared
    }

    /// PUTs `bytes` to S3 through the presigned `upload` (its headers) and hands `upload-received`
    /// the `ObjectCreated:Put` event S3 sends for `key`, with the stored object's `versionId` and
    /// the key's `sequence`; panics unless the object is then received.
    async fn upload_object(
        &self,
        upload: &Value,
        key: &str,
        bytes: &[u8],
        sequence: u64,
        now: DateTime<Utc>,
    ) {
        let stored = presigned(|| presigned_put(&self.http, upload, bytes)).await;
        assert!(
            stored.status().is_success(),
            "{}",
            stored.text().await.unwrap()
        );
        let version_id = self
            .s3
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .unwrap()
            .version_id()
            .map(str::to_owned);
        let mut event: Value = serde_json::to_value(s3_event::object_created(&CreatedObject {
            bucket: &self.bucket,
            key,
            size: bytes.len() as u64,
            sequence,
            source_ip: Some("203.0.113.7".into()),
            at: now,
        }))
        .unwrap();
        if let Some(version_id) = version_id {
            event["Records"][0]["s3"]["object"]["versionId"] = json!(version_id);
        }
        let event: S3Event = serde_json::from_value(event).unwrap();
        let report = redelivered("upload-received", || {
            events::object_created(&self.app, event.clone(), now)
        })
        .await
        .unwrap();
        assert_eq!(report.changed, 1, "{report:?}");
    }
}

/// The PUT of `bytes` to a presigned `upload` (`url` and `headers`), as the pages send it.
fn presigned_put(http: &reqwest::Client, upload: &Value, bytes: &[u8]) -> reqwest::RequestBuilder {
    let mut put = http.put(upload["url"].as_str().unwrap());
    for (name, value) in upload["headers"].as_object().unwrap() {
        // reqwest derives Content-Length from the body.
        if !name.eq_ignore_ascii_case("content-length") {
            put = put.header(name, value.as_str().unwrap());
        }
    }
    put.body(bytes.to_vec())
}

/// Sends a request through a presigned S3 link as the pages do (web/src/lib/upload.ts): with
/// faults on, again after S3's `503 SlowDown`, a 500 or a dropped connection; S3's answer.
async fn presigned(request: impl Fn() -> reqwest::RequestBuilder) -> reqwest::Response {
    let mut tries = 0;
    loop {
        tries += 1;
        let retry = fault_proxy_url().is_some() && tries < HARNESS_RETRIES;
        match request().send().await {
            Ok(answer) if answer.status().is_server_error() && retry => {
                eprintln!("presigned request retried after {}", answer.status());
            }
            Ok(answer) => return answer,
            Err(error) if retry => eprintln!("presigned request retried after {error}"),
            Err(error) => panic!("presigned request failed: {error}"),
        }
    }
}

/// Invokes the HTTP handler with the request API Gateway would send; the status and JSON body.
async fn invoke_api(
    app: &App,
    caller: &Caller,
    method: Method,
    path: &str,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> (u16, Value) {
    invoke_with_claims(app, Some(caller.claims()), method, path, body, now).await
}

/// Invokes the HTTP handler on a public route, as API Gateway sends it with no authorizer: no
/// JWT claims.
async fn invoke_public(
    app: &App,
    method: Method,
    path: &str,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> (u16, Value) {
    invoke_with_claims(app, None, method, path, body, now).await
}

async fn invoke_with_claims(
    app: &App,
    claims: Option<HashMap<String, String>>,
    method: Method,
    path: &str,
    body: Option<&Value>,
    now: DateTime<Utc>,
) -> (u16, Value) {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::HOST,
        HeaderValue::from_static("abc123.execute-api.us-east-1.amazonaws.com"),
    );
    if body.is_some() {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    let event = gateway::to_event(GatewayRequest {
        method,
        uri: path.parse().unwrap(),
        headers,
        body: body
            .map(|body| body.to_string().into_bytes())
            .unwrap_or_default(),
        source: Some("203.0.113.7:443".parse().unwrap()),
        claims,
        request_id: ulid::Ulid::new().to_string(),
        received_at: now,
    });
    // A person told `503 service_busy` (with Retry-After) sends the request again.
    for tries in 1.. {
        let request = gateway::to_lambda_request(&event).unwrap();
        let response = award_app::http::handle(app, request, now).await;
        let status = response.status().as_u16();
        let body: &[u8] = response.body().as_ref();
        let answer = serde_json::from_slice(body).unwrap_or(Value::Null);
        if status == 503 && fault_proxy_url().is_some() && tries < HARNESS_RETRIES {
            assert!(
                response.headers().contains_key(header::RETRY_AFTER),
                "a busy answer says when to retry"
            );
            continue;
        }
        return (status, answer);
    }
    unreachable!("the loop returns")
}

/// Reads a DynamoDB stream from where it last stopped, shard by shard, as a consumer resuming from
/// its checkpoint does: each read takes a fresh iterator after the last sequence number read. A
/// held `NextShardIterator` would go stale on moto, which answers a cancelled TransactWriteItems
/// by putting back a copy of the whole table, stream included, so iterators taken before it read
/// the discarded copy and never see a later record.
struct StreamReader {
    client: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    positions: HashMap<String, ShardPosition>,
}

/// Where the reader stands in one shard (no entry: nothing read yet, start at its trim horizon).
enum ShardPosition {
    /// After this sequence number.
    After(String),
    /// A closed shard read to its end.
    Closed,
}

impl StreamReader {
    async fn new(
        client: aws_sdk_dynamodbstreams::Client,
        dynamo: &aws_sdk_dynamodb::Client,
        table: &str,
    ) -> Self {
        let description = dynamo
            .describe_table()
            .table_name(table)
            .send()
            .await
            .unwrap();
        let stream_arn = description
            .table()
            .and_then(|table| table.latest_stream_arn())
            .expect("the table has a stream")
            .to_owned();
        Self {
            client,
            stream_arn,
            positions: HashMap::new(),
        }
    }

    /// The records written since the last read, as Lambda's DynamoDB stream event.
    async fn read_event(&mut self) -> aws_lambda_events::dynamodb::Event {
        let description = self
            .client
            .describe_stream()
            .stream_arn(&self.stream_arn)
            .send()
            .await
            .unwrap();
        let shards: Vec<String> = description
            .stream_description()
            .map(|stream| stream.shards())
            .unwrap_or_default()
            .iter()
            .filter_map(|shard| shard.shard_id().map(str::to_owned))
            .collect();
        let mut records = Vec::new();
        for shard in shards {
            let request = self
                .client
                .get_shard_iterator()
                .stream_arn(&self.stream_arn)
                .shard_id(&shard);
            let request = match self.positions.get(&shard) {
                Some(ShardPosition::Closed) => continue,
                Some(ShardPosition::After(sequence)) => request
                    .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                    .sequence_number(sequence),
                None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
            };
            let iterator = request
                .send()
                .await
                .unwrap()
                .shard_iterator()
                .expect("a shard iterator")
                .to_owned();
            let output = self
                .client
                .get_records()
                .shard_iterator(iterator)
                .send()
                .await
                .unwrap();
            records.extend(
                output
                    .records()
                    .iter()
                    .map(|record| self.lambda_record(record)),
            );
            let last = output
                .records()
                .last()
                .and_then(|record| record.dynamodb()?.sequence_number());
            if output.next_shard_iterator().is_none() {
                self.positions.insert(shard, ShardPosition::Closed);
            } else if let Some(last) = last {
                self.positions
                    .insert(shard, ShardPosition::After(last.to_owned()));
            }
        }
        serde_json::from_value(json!({ "Records": records }))
            .expect("the records make a Lambda DynamoDB stream event")
    }

    /// Every record written since the last read, however many reads it takes (GetRecords
    /// returns at most 1000 records a call), as one Lambda stream event.
    async fn read_all(&mut self) -> aws_lambda_events::dynamodb::Event {
        let mut event = self.read_event().await;
        loop {
            let more = self.read_event().await;
            if more.records.is_empty() {
                return event;
            }
            event.records.extend(more.records);
        }
    }

    /// One stream record in the JSON shape Lambda delivers it.
    fn lambda_record(&self, record: &aws_sdk_dynamodbstreams::types::Record) -> Value {
        let change = record.dynamodb().expect("a stream record");
        let image =
            |map: Option<&HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>| {
                map.map(|map| serde_json::to_value(serde_dynamo::Item::from(map.clone())).unwrap())
            };
        json!({
            "eventID": record.event_id(),
            "eventName": record.event_name().map(|name| name.as_str()),
            "eventVersion": record.event_version(),
            "eventSource": "aws:dynamodb",
            "awsRegion": record.aws_region().unwrap_or(REGION),
            "eventSourceARN": self.stream_arn,
            "dynamodb": {
                "ApproximateCreationDateTime": change
                    .approximate_creation_date_time()
                    .map(|at| at.secs() as f64)
                    .unwrap_or_default(),
                "Keys": image(change.keys()),
                "NewImage": image(change.new_image()),
                "SequenceNumber": change.sequence_number(),
                "SizeBytes": change.size_bytes().unwrap_or_default(),
                "StreamViewType": change.stream_view_type().map(|view| view.as_str()),
            },
        })
    }
}

/// Hands `records` to a stream handler as the event source mapping does: the batch as one; with
/// faults on, record by record, each redelivered while its handler fails (Lambda's retry of a
/// failed record), the reports summed.
async fn deliver<F, Fut>(
    event: aws_lambda_events::dynamodb::Event,
    what: &str,
    handler: F,
) -> EventReport
where
    F: Fn(Vec<award_ports::ChangeRecord>) -> Fut,
    Fut: std::future::Future<Output = Result<EventReport, award_app::AppError>>,
{
    let records = events::change_records(event).expect("stream records convert");
    if fault_proxy_url().is_none() {
        return handler(records)
            .await
            .unwrap_or_else(|error| panic!("{what} handles the batch: {error}"));
    }
    let mut total = EventReport::default();
    for record in records {
        let mut tries = 0;
        let report = loop {
            tries += 1;
            match handler(vec![record.clone()]).await {
                Ok(report) => break report,
                Err(error) if tries < HARNESS_RETRIES => {
                    eprintln!(
                        "{what}: record {} redelivered after {error}",
                        record.sequence
                    );
                }
                Err(error) => panic!("{what} never handled {}: {error}", record.sequence),
            }
        };
        total.changed += report.changed;
        total.unchanged += report.unchanged;
        total.retrying += report.retrying;
        total.gave_up += report.gave_up;
        total.skipped.extend(report.skipped);
    }
    total
}

/// Delivers a stream event to `notify` as the event source mapping would. With faults on, the
/// sends that failed (SES throttled, or its answer lost) are then redriven as the schedule does,
/// minutes later, until none is left pending: their sends count in `changed`.
async fn notify(
    app: &App,
    event: aws_lambda_events::dynamodb::Event,
    now: DateTime<Utc>,
) -> EventReport {
    // The days the batch's notices were written on: the redrive looks for notices due on its own
    // day and the six before, so each is redriven from its own day, as the schedule would have.
    let written: Vec<(award_ports::Key, award_app::model::Notice)> =
        events::change_records(event.clone())
            .expect("stream records convert")
            .into_iter()
            // The batch's new notices: what it owes (later records are their claims and marks).
            .filter(|record| record.kind == award_ports::ChangeKind::Insert)
            .filter_map(|record| Some((record.key, record.new_image?)))
            .filter(|(_, image)| award_app::store::type_of(image) == Some("notice"))
            .filter_map(|(key, image)| {
                let stored = award_app::store::from_item::<award_app::model::Notice>(image).ok()?;
                Some((key, stored.record))
            })
            .collect();
    let mut days: Vec<DateTime<Utc>> = written
        .iter()
        .map(|(_, notice)| notice.created_at.max(now))
        .collect();
    days.sort();
    days.dedup_by_key(|at| award_domain::china_date(*at));
    // Under faults, which of the batch's notices were already sent before this delivery.
    let mut sent_before = Vec::new();
    if fault_proxy_url().is_some() {
        for (key, notice) in &written {
            sent_before.push(notice_sent(app, key, notice).await);
        }
    }
    let mut report = deliver(event, "notify", |records| async move {
        events::table_changes(app, &records, now).await?.finish()
    })
    .await;
    if fault_proxy_url().is_some() {
        for day in days {
            let mut later = day;
            for round in 0..HARNESS_RETRIES {
                // Past the outbox's back-off (1, 2, 4 … minutes) and, from the fifth round, past a
                // stale claim (15 minutes) of a sender whose mark was lost.
                later += chrono::Duration::minutes(1 << round.min(5));
                let redriven = events::redrive_pending_notices(app, later).await;
                let Ok(redriven) = redriven else { continue };
                report.changed += redriven.changed;
                report.gave_up += redriven.gave_up;
                // Quiet, and past a stale claim's 15 minutes: nothing is left to send.
                if redriven.retrying == 0
                    && redriven.changed == 0
                    && later - day > chrono::Duration::minutes(16)
                {
                    break;
                }
            }
        }
        report.retrying = 0;
        // A delivery that sent a notice and then failed (its mark answered late, a later record's
        // write throttled) is delivered again and finds the notice sent: its send is in no
        // report. What this delivery owes is each of the batch's new notices sent, so count the
        // ones it sent: those sent now and not before.
        let mut sent = 0;
        for ((key, notice), before) in written.iter().zip(sent_before) {
            if !before && notice_sent(app, key, notice).await {
                sent += 1;
            }
        }
        report.changed = sent;
    }
    report
}

/// Whether the stored `notice` (at `key`) is sent, read as a person would: again while the table
/// is busy.
async fn notice_sent(app: &App, key: &award_ports::Key, notice: &award_app::model::Notice) -> bool {
    let stored = redelivered("reading a notice", || async {
        app.table.get(key).await.map_err(award_app::AppError::from)
    })
    .await
    .unwrap_or_else(|error| panic!("notice {} cannot be read: {error}", notice.id))
    .unwrap_or_else(|| panic!("notice {} is gone", notice.id));
    let stored = award_app::store::from_item::<award_app::model::Notice>(stored)
        .unwrap_or_else(|error| panic!("notice {} does not map: {error}", notice.id));
    stored.record.status == award_app::model::NoticeStatus::Sent
}

/// Delivers a stream event to `screening` as its event source mapping would (the filter aside:
/// the handler skips what the filter would not pass).
async fn screen(
    app: &App,
    event: aws_lambda_events::dynamodb::Event,
    now: DateTime<Utc>,
) -> EventReport {
    deliver(event, "screening", |records| async move {
        award_app::stages::screening::table_changes(app, &records, now)
            .await?
            .finish()
    })
    .await
}

/// Delivers a stream event to `aggregate` as its event source mapping would (the filter aside:
/// the handler skips what the filter would not pass).
async fn aggregate(
    app: &App,
    event: aws_lambda_events::dynamodb::Event,
    now: DateTime<Utc>,
) -> EventReport {
    deliver(event, "aggregate", |records| async move {
        award_app::stages::reviews::table_changes(app, &records, now)
            .await?
            .finish()
    })
    .await
}

/// The three stream functions' reports for one batch.
#[derive(Debug)]
struct StreamReports {
    notify: EventReport,
    screening: EventReport,
    aggregate: EventReport,
}

/// Reads what the table's stream holds since the last read and delivers it to each function whose
/// event source mapping reads it (`notify`, `screening`, `aggregate`), in turn, as one batch.
async fn run_stream_functions(
    app: &App,
    stream: &mut StreamReader,
    now: DateTime<Utc>,
) -> (aws_lambda_events::dynamodb::Event, StreamReports) {
    let batch = stream.read_all().await;
    let reports = StreamReports {
        notify: notify(app, batch.clone(), now).await,
        screening: screen(app, batch.clone(), now).await,
        aggregate: aggregate(app, batch.clone(), now).await,
    };
    (batch, reports)
}

/// The emails moto's SES accepted from the scenario's sender: (subject, to addresses). With faults
/// on, a notice whose send was never confirmed (SES's answer lost: `unconfirmed_sends` on the
/// notice) may be in SES twice; those copies — and only those — are the documented exception
/// (`NoticesPossiblyTwice`): they are counted, printed, and folded into one, so the scenario's
/// "exactly once" holds for every other notice.
async fn sent_emails(env: &Moto) -> Vec<(String, Vec<String>)> {
    let data: Value = env
        .http
        .get(format!("{}/moto-api/data.json", env.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = match &data["ses"]["Message"] {
        Value::Array(messages) => messages.clone(),
        Value::Null => Vec::new(),
        other => panic!("unexpected moto SES data: {other}"),
    };
    let emails: Vec<(String, Vec<String>)> = messages
        .iter()
        .filter(|message| {
            message["source"]
                .as_str()
                .is_some_and(|source| source.contains(env.sender.as_str()))
        })
        .map(|message| {
            let to = message["destinations"]["ToAddresses"]
                .as_array()
                .map(|to| {
                    to.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            (
                message["subject"].as_str().unwrap_or_default().to_owned(),
                to,
            )
        })
        .collect();
    if fault_proxy_url().is_none() {
        return emails;
    }
    // Per (subject, to): how many notices there are (two reminders can share a subject), and how
    // many extra copies their unconfirmed sends may have left.
    let mut owed: HashMap<(String, Vec<String>), (u32, u32)> = HashMap::new();
    for notice in scenario_notices(env).await {
        let (subject, _) = award_app::templates::render_parts(notice.kind, &notice.data)
            .unwrap_or_else(|error| panic!("notice {notice:?} does not render: {error}"));
        let entry = owed
            .entry((subject, vec![notice.recipient.clone()]))
            .or_default();
        entry.0 += 1;
        entry.1 += notice.unconfirmed_sends;
    }
    let mut seen: HashMap<(String, Vec<String>), u32> = HashMap::new();
    let mut folded = 0;
    let mut kept = Vec::new();
    for email in emails {
        let copies = seen.entry(email.clone()).or_default();
        *copies += 1;
        let (notices, extra) = owed.get(&email).copied().unwrap_or((0, 0));
        if *copies > notices && *copies <= notices + extra {
            folded += 1;
            continue;
        }
        kept.push(email);
    }
    if folded > 0 {
        eprintln!("{folded} possible second copies of notices sent without confirmation (counted)");
    }
    kept
}

/// The scenario's notices, read straight from moto.
async fn scenario_notices(env: &Moto) -> Vec<award_app::model::Notice> {
    let mut notices = Vec::new();
    let mut start = None;
    loop {
        let page = env
            .dynamo
            .scan()
            .table_name(&env.table_name)
            .filter_expression("#type = :notice")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(
                ":notice",
                aws_sdk_dynamodb::types::AttributeValue::S("notice".into()),
            )
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in page.items() {
            let item: award_ports::Item = item.clone().into();
            match award_app::store::from_item::<award_app::model::Notice>(item.clone()) {
                Ok(stored) => notices.push(stored.record),
                Err(error) => panic!(
                    "a stored notice does not map ({error}): {:?}",
                    item.as_ref()
                ),
            }
        }
        start = page.last_evaluated_key().cloned();
        if start.is_none() {
            return notices;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_scenario_runs_on_the_aws_adapters() {
    let (env, mut stream) = Moto::start().await;
    let Moto {
        url: moto,
        suffix,
        s3,
        bucket,
        app,
        http,
        ..
    } = &env;
    let contact = format!("contact-{suffix}@example.cn");
    let now = Utc::now();
    let office = Caller {
        sub: format!("office-{suffix}"),
        email: "office@wuwei.example.cn".into(),
        groups: "[office]",
    };
    let applicant = Caller {
        sub: format!("applicant-{suffix}"),
        email: contact.clone(),
        groups: "[applicant]",
    };
    let stranger = Caller {
        sub: format!("stranger-{suffix}"),
        email: "stranger@example.cn".into(),
        groups: "[applicant]",
    };

    // Office creates the cycle, the Committee approves its rules, the Office opens it.
    let cycle = new_cycle(now);
    let (status, body) = invoke_api(app, &office, Method::POST, "/cycles", Some(&cycle), now).await;
    assert_eq!(status, 201, "{body}");
    let committee = Caller {
        sub: format!("committee-{suffix}"),
        email: "committee@wuwei.example.cn".into(),
        groups: "[committee]",
    };
    let approve_path = format!("/cycles/{}/rules/approve", cycle["id"].as_str().unwrap());
    let (status, body) = invoke_api(app, &committee, Method::POST, &approve_path, None, now).await;
    assert_eq!(status, 200, "{body}");
    let open_path = format!("/cycles/{}/open", cycle["id"].as_str().unwrap());
    let (status, body) = invoke_api(app, &office, Method::POST, &open_path, None, now).await;
    assert_eq!(status, 200, "{body}");

    // A malformed USCC (17 characters) changes nothing; a valid one creates the application.
    let (status, body) = invoke_api(
        app,
        &applicant,
        Method::POST,
        "/applications",
        Some(&new_application(
            "武威市示例质量有限公司",
            &uscc("MA74XY8Q0")[..17],
            &contact,
        )),
        now,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("invalid_uscc")),
        "{body}"
    );
    let (status, application) = invoke_api(
        app,
        &applicant,
        Method::POST,
        "/applications",
        Some(&new_application(
            "武威市示例质量有限公司",
            &uscc("MA74XY8Q0"),
            &contact,
        )),
        now,
    )
    .await;
    assert_eq!(status, 201, "{application}");
    let application_id = application["id"].as_str().unwrap().to_owned();
    let application_path = format!("/applications/{application_id}");

    // Another applicant cannot see it.
    let (status, body) =
        invoke_api(app, &stranger, Method::GET, &application_path, None, now).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("application_not_found")),
        "{body}"
    );

    // Declare a document; PUT the bytes to S3 with the presigned request's headers.
    let pdf = evidence_pdf();
    let file_name = "质量管理体系认证证书.pdf";
    let (status, declared) = invoke_api(
        app,
        &applicant,
        Method::POST,
        &format!("{application_path}/documents"),
        Some(&declaration(file_name, "application/pdf", &pdf)),
        now,
    )
    .await;
    assert_eq!(status, 201, "{declared}");
    let upload = &declared["upload"];
    let url = upload["url"].as_str().unwrap();
    let stored = presigned(|| presigned_put(http, upload, &pdf)).await;
    assert!(
        stored.status().is_success(),
        "S3 refused the upload: {}",
        stored.text().await.unwrap()
    );

    let key = format!(
        "applications/{application_id}/{}",
        declared["document"]["id"].as_str().unwrap()
    );
    // The functions' S3 endpoint: moto, or the fault-injection proxy in front of it.
    let endpoint = fault_proxy_url().unwrap_or_else(|| moto.clone());
    assert!(
        url.starts_with(&format!("{endpoint}/{bucket}/{key}?")),
        "{url}"
    );
    let head = s3
        .head_object()
        .bucket(bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.content_length(),
        Some(pdf.len() as i64),
        "the object is really in S3"
    );

    // S3 → upload-received.
    let object_created: S3Event = s3_event::object_created(&CreatedObject {
        bucket,
        key: &key,
        size: pdf.len() as u64,
        sequence: 1,
        source_ip: Some("203.0.113.7".into()),
        at: now,
    });
    let report = redelivered("upload-received", || {
        events::object_created(app, object_created.clone(), now)
    })
    .await
    .unwrap();
    assert_eq!(report.changed, 1, "{report:?}");

    // The stream → notify: the two notices are sent.
    let batch = stream.read_event().await;
    assert!(!batch.records.is_empty());
    let report = notify(app, batch.clone(), now).await;
    assert_eq!(report.changed, 2, "{report:?}");
    let emails = sent_emails(&env).await;
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(
        emails
            .iter()
            .any(|(subject, _)| subject.starts_with(APPLICATION_RECEIVED_SUBJECT)),
        "{emails:?}"
    );
    assert!(
        emails.iter().any(|(subject, _)| *subject
            == document_received_subject("武威市示例质量有限公司", file_name)),
        "{emails:?}"
    );
    for (_, to) in &emails {
        assert_eq!(to, std::slice::from_ref(&contact));
    }

    let (status, read) =
        invoke_api(app, &applicant, Method::GET, &application_path, None, now).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["documents"][0]["status"], "received", "{read}");

    // Redelivery: the same S3 event and the same stream records, then whatever they (and the
    // notices marked sent) wrote to the stream. Nothing new is sent.
    let report = redelivered("upload-received", || {
        events::object_created(app, object_created.clone(), now)
    })
    .await
    .unwrap();
    assert_eq!(report.changed, 0, "{report:?}");
    let report = notify(app, batch, now).await;
    assert_eq!(report.changed, 0, "{report:?}");
    let report = notify(app, stream.read_event().await, now).await;
    assert_eq!(report.changed, 0, "{report:?}");
    assert_eq!(sent_emails(&env).await.len(), 2);

    // --- the form, the other evidence, submission and recommendation (Art. 11(2)-(3)) ---
    let (status, unit) = invoke_api(
        app,
        &office,
        Method::POST,
        "/recommenders",
        Some(&liangzhou_office(
            &format!("liangzhou-{suffix}"),
            &format!("liangzhou-{suffix}@wuwei.example.cn"),
        )),
        now,
    )
    .await;
    assert_eq!(status, 201, "{unit}");
    let recommender = Caller {
        sub: format!("liangzhou-{suffix}"),
        email: format!("liangzhou-{suffix}@wuwei.example.cn"),
        groups: "[recommender]",
    };
    let deadline = cycle["application_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let update = json!({
        "version": read["version"],
        "form": complete_form(deadline, "武威市示例质量有限公司", &uscc("MA74XY8Q0"), &contact),
        "recommender_id": unit["id"],
    });
    let (status, saved) = invoke_api(
        app,
        &applicant,
        Method::PUT,
        &format!("{application_path}/form"),
        Some(&update),
        now,
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    for (sequence, category) in (2..).zip(
        required_categories()
            .into_iter()
            .filter(|category| *category != "management_system_certificate"),
    ) {
        let bytes = format!("%PDF-1.4\n% {category}\n%%EOF\n").into_bytes();
        env.upload_evidence(&applicant, &application_id, category, &bytes, sequence, now)
            .await;
    }
    let (status, submitted) = invoke_api(
        app,
        &applicant,
        Method::POST,
        &format!("{application_path}/submit"),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["lifecycle"]["state"], "submitted");
    let (status, recommended) = invoke_api(
        app,
        &recommender,
        Method::POST,
        &format!("{application_path}/recommend"),
        Some(&json!({"opinion": "同意推荐。", "signer_name": "赵六"})),
        now,
    )
    .await;
    assert_eq!(status, 200, "{recommended}");
    assert_eq!(recommended["lifecycle"]["state"], "recommended");

    // The stream → notify: 5 documents received, 3 for the submission, 2 for the recommendation.
    let batch = stream.read_event().await;
    let report = notify(app, batch.clone(), now).await;
    assert_eq!(report.changed, 10, "{report:?}");
    let emails = sent_emails(&env).await;
    assert_eq!(emails.len(), 12, "{emails:?}");
    assert!(
        emails
            .iter()
            .any(|(subject, to)| subject.contains("请签署推荐意见")
                && to == &[format!("liangzhou-{suffix}@wuwei.example.cn")]),
        "{emails:?}"
    );
    assert!(
        emails
            .iter()
            .any(|(subject, to)| subject.contains("推荐意见已签署")
                && to == std::slice::from_ref(&contact)),
        "{emails:?}"
    );
    assert!(
        emails
            .iter()
            .any(|(subject, to)| subject.contains("申报已提交")
                && to == &[format!("office-{suffix}@wuwei.example.cn")]),
        "{emails:?}"
    );

    // --- screening (Art. 11(4)) ---
    // The same stream records → `screening`: the recommended application is screened once.
    let report = screen(app, batch.clone(), now).await;
    assert_eq!(report.changed, 1, "{report:?}");
    // The records since (notify's marks, and the screening's own write of the application and
    // its audit record), then the whole batch redelivered: nothing written.
    let own = stream.read_event().await;
    let report = screen(app, own, now).await;
    assert_eq!((report.changed, report.unchanged), (0, 1), "{report:?}");
    let report = screen(app, batch, now).await;
    assert_eq!(report.changed, 0, "{report:?}");
    assert!(stream.read_event().await.records.is_empty());

    let (status, screened) = invoke_api(
        app,
        &office,
        Method::GET,
        &format!("{application_path}/screening"),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{screened}");
    assert_eq!(screened["overall"], "eligible", "{screened}");
    assert_eq!(
        screened["screening"]["verdicts"].as_array().unwrap().len(),
        14
    );
    let (status, confirmed) = invoke_api(
        app,
        &office,
        Method::POST,
        &format!("{application_path}/screening/confirm"),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    let report = notify(app, stream.read_event().await, now).await;
    assert_eq!(report.changed, 1, "{report:?}");
    let emails = sent_emails(&env).await;
    assert!(
        emails
            .iter()
            .any(|(subject, to)| subject.contains("资格审查通过")
                && to == std::slice::from_ref(&contact)),
        "{emails:?}"
    );
}

fn expert(number: u32) -> Caller {
    Caller {
        sub: expert_account(number),
        email: expert_email(number),
        groups: "[expert]",
    }
}

/// 00:00 China time on the day after `day`.
fn china_midnight_after(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap();
    next.and_utc() - chrono::Duration::hours(8)
}

/// The actions of the audit records in a partition, read straight from DynamoDB.
async fn audit_actions(env: &Moto, table: &str, partition: &str) -> Vec<String> {
    let output = env
        .dynamo
        .query()
        .table_name(table)
        .key_condition_expression("PK = :pk AND begins_with(SK, :audit)")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(partition.to_owned()),
        )
        .expression_attribute_values(
            ":audit",
            aws_sdk_dynamodb::types::AttributeValue::S("AUDIT#".to_owned()),
        )
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    output
        .items()
        .iter()
        .filter_map(|item| item.get("action")?.as_s().ok().cloned())
        .collect()
}

/// The Office's phase view of an application.
async fn phase_view(
    app: &App,
    office: &Caller,
    application: &str,
    phase: &str,
    now: DateTime<Utc>,
) -> Value {
    let (status, view) = invoke_api(
        app,
        office,
        Method::GET,
        &format!("/applications/{application}/reviews/{phase}"),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{view}");
    view
}

/// An assigned expert declares no conflict and accepts the pledge (Art. 19); its assignment's
/// version after that.
async fn declare_and_pledge(
    app: &App,
    caller: &Caller,
    application: &str,
    phase: &str,
    now: DateTime<Utc>,
) -> Value {
    let (status, declared) = invoke_api(
        app,
        caller,
        Method::POST,
        &format!("/reviews/{application}/{phase}/declaration"),
        Some(&json!({"conflict": false, "pledge": true})),
        now,
    )
    .await;
    assert_eq!(status, 200, "{declared}");
    let (status, mine) = invoke_api(
        app,
        caller,
        Method::GET,
        &format!("/reviews/{application}/{phase}"),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    mine["version"].clone()
}

async fn submit_sheet(
    app: &App,
    caller: &Caller,
    application: &str,
    phase: &str,
    version: &Value,
    items: Value,
    now: DateTime<Utc>,
) -> (u16, Value) {
    invoke_api(
        app,
        caller,
        Method::POST,
        &format!("/reviews/{application}/{phase}/submit"),
        Some(&submission(version, items)),
        now,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn experts_review_six_applications_on_the_aws_adapters() {
    let (env, mut stream) = Moto::start().await;
    let app = &env.app;
    let suffix = &env.suffix;
    let table = format!("award-e2e-{suffix}");
    let now = Utc::now();
    let office = Caller {
        sub: format!("office-{suffix}"),
        email: "office@wuwei.example.cn".into(),
        groups: "[office]",
    };
    let committee = Caller {
        sub: format!("committee-{suffix}"),
        email: "committee@wuwei.example.cn".into(),
        groups: "[committee]",
    };
    let recommender = Caller {
        sub: format!("liangzhou-{suffix}"),
        email: format!("liangzhou-{suffix}@wuwei.example.cn"),
        groups: "[recommender]",
    };
    let applicant = |number: u32| Caller {
        sub: format!("applicant-{number}-{suffix}"),
        email: format!("applicant-{number}-{suffix}@example.cn"),
        groups: "[applicant]",
    };

    // --- the cycle, the unit, 6 applications submitted and recommended (as the upload scenario).
    let cycle = new_cycle(now);
    let cycle_id = cycle["id"].as_str().unwrap().to_owned();
    let (status, body) = invoke_api(app, &office, Method::POST, "/cycles", Some(&cycle), now).await;
    assert_eq!(status, 201, "{body}");
    for (caller, path) in [
        (&committee, format!("/cycles/{cycle_id}/rules/approve")),
        (&office, format!("/cycles/{cycle_id}/open")),
    ] {
        let (status, body) = invoke_api(app, caller, Method::POST, &path, None, now).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, unit) = invoke_api(
        app,
        &office,
        Method::POST,
        "/recommenders",
        Some(&liangzhou_office(&recommender.sub, &recommender.email)),
        now,
    )
    .await;
    assert_eq!(status, 201, "{unit}");
    let deadline: NaiveDate = cycle["application_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let recommendation_deadline: NaiveDate = cycle["recommendation_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut apps = Vec::new();
    for number in 1..=REVIEW_APPLICATIONS {
        let caller = applicant(number);
        let name = applicant_name(number);
        let code = uscc(&applicant_code(number));
        let (status, created) = invoke_api(
            app,
            &caller,
            Method::POST,
            "/applications",
            Some(&new_application(&name, &code, &caller.email)),
            now,
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let update = json!({
            "version": 1,
            "form": complete_form(deadline, &name, &code, &caller.email),
            "recommender_id": unit["id"],
        });
        let (status, saved) = invoke_api(
            app,
            &caller,
            Method::PUT,
            &format!("/applications/{id}/form"),
            Some(&update),
            now,
        )
        .await;
        assert_eq!(status, 200, "{saved}");
        for category in required_categories() {
            let bytes = format!("%PDF-1.4\n% {category} {number}\n%%EOF\n").into_bytes();
            env.upload_evidence(&caller, &id, category, &bytes, 1, now)
                .await;
        }
        let (status, submitted) = invoke_api(
            app,
            &caller,
            Method::POST,
            &format!("/applications/{id}/submit"),
            None,
            now,
        )
        .await;
        assert_eq!(status, 200, "{submitted}");
        let (status, recommended) = invoke_api(
            app,
            &recommender,
            Method::POST,
            &format!("/applications/{id}/recommend"),
            Some(&json!({"opinion": "同意推荐。", "signer_name": "赵六"})),
            now,
        )
        .await;
        assert_eq!(status, 200, "{recommended}");
        apps.push(id);
    }
    let (_, reports) = run_stream_functions(app, &mut stream, now).await;
    assert_eq!(reports.screening.changed, 6, "{reports:?}");
    assert_eq!(reports.aggregate.changed, 0, "{reports:?}");

    // --- `reminders` after the recommendation deadline: the cycle moves to review; the Office
    // confirms each screening.
    let day = china_midnight_after(recommendation_deadline) + chrono::Duration::hours(9);
    let run = redelivered("reminders", || {
        award_app::stages::cycles::advance_cycles(app, day)
    })
    .await
    .unwrap();
    assert_eq!(run.reviewing, std::slice::from_ref(&cycle_id), "{run:?}");
    for id in &apps {
        let (status, confirmed) = invoke_api(
            app,
            &office,
            Method::POST,
            &format!("/applications/{id}/screening/confirm"),
            None,
            day,
        )
        .await;
        assert_eq!(status, 200, "{confirmed}");
        assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    }

    // --- the pool (two conflicted experts) and the seeded draw.
    let today = award_domain::china_date(day);
    let mut pool = Vec::new();
    for number in 1..=POOL_SIZE {
        let (status, created) = invoke_api(
            app,
            &office,
            Method::POST,
            "/experts",
            Some(&pool_expert(number, today)),
            day,
        )
        .await;
        assert_eq!(status, 201, "{created}");
        pool.push(created["id"].as_str().unwrap().to_owned());
    }
    let (status, draw) = invoke_api(
        app,
        &office,
        Method::POST,
        &format!("/cycles/{cycle_id}/assignments"),
        Some(&json!({"phase": "document", "seed": 20260805})),
        day,
    )
    .await;
    assert_eq!(status, 200, "{draw}");
    assert_fair_draw(&draw, &apps, &pool, 5);
    let mut panels = Vec::new();
    for id in &apps {
        panels.push(panel_numbers(
            &phase_view(app, &office, id, "document", day).await,
            &pool,
        ));
    }

    // --- every expert declares and takes the pledge; one of applicant 1's panel downloads a
    // document (a 5-minute S3 link); an expert off the panel gets 404.
    let mut versions = Vec::new();
    for (id, panel) in apps.iter().zip(&panels) {
        let mut panel_versions = Vec::new();
        for member in panel {
            panel_versions
                .push(declare_and_pledge(app, &expert(*member), id, "document", day).await);
        }
        versions.push(panel_versions);
    }
    let (status, read) = invoke_api(
        app,
        &expert(panels[0][0]),
        Method::GET,
        &format!("/applications/{}", apps[0]),
        None,
        day,
    )
    .await;
    assert_eq!(status, 200, "{read}");
    let document = read["documents"][0]["id"].as_str().unwrap().to_owned();
    let download_path = format!("/applications/{}/documents/{document}/download", apps[0]);
    let (status, download) = invoke_api(
        app,
        &expert(panels[0][0]),
        Method::GET,
        &download_path,
        None,
        day,
    )
    .await;
    assert_eq!(status, 200, "{download}");
    let fetched = presigned(|| env.http.get(download["download"]["url"].as_str().unwrap())).await;
    assert_eq!(fetched.status(), 200);
    assert!(fetched.bytes().await.unwrap().starts_with(b"%PDF-1.4"));
    let outsider = (1..=POOL_SIZE)
        .find(|number| !panels[0].contains(number))
        .unwrap();
    let (status, refused) = invoke_api(
        app,
        &expert(outsider),
        Method::GET,
        &download_path,
        None,
        day,
    )
    .await;
    assert_eq!(status, 404, "{refused}");

    // --- applicant 1's panel submits at the same moment: every sheet lands, and the first of them
    // freezes the cycle's rules (Art. 20) exactly once. The last member disagrees on one item.
    let start = Arc::new(tokio::sync::Barrier::new(panels[0].len()));
    let submissions: Vec<_> = panels[0]
        .iter()
        .zip(&versions[0])
        .enumerate()
        .map(|(position, (member, version))| {
            let app = app.clone();
            let caller = expert(*member);
            let version = version.clone();
            let id = apps[0].clone();
            let start = Arc::clone(&start);
            let items = if position == panels[0].len() - 1 {
                sheet_items(document_review_percent(0), &[(DISPUTED_ITEM, 10)])
            } else {
                sheet_items(document_review_percent(0), &[])
            };
            tokio::spawn(async move {
                start.wait().await;
                submit_sheet(&app, &caller, &id, "document", &version, items, day).await
            })
        })
        .collect();
    for submitted in submissions {
        let (status, body) = submitted.await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["assignment"]["status"], "submitted");
    }
    let view = phase_view(app, &office, &apps[0], "document", day).await;
    let submitted = view["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|sheet| sheet["status"] == "submitted")
        .count();
    assert_eq!(submitted, 5, "{view}");
    let frozen = audit_actions(&env, &table, &format!("CYCLE#{cycle_id}"))
        .await
        .into_iter()
        .filter(|action| action == "rules_frozen")
        .count();
    assert_eq!(frozen, 1);
    let (_, read_cycle) = invoke_api(
        app,
        &office,
        Method::GET,
        &format!("/cycles/{cycle_id}"),
        None,
        day,
    )
    .await;
    assert!(read_cycle["rules_frozen_at"].is_string(), "{read_cycle}");

    for (index, ((id, panel), panel_versions)) in
        apps.iter().zip(&panels).zip(&versions).enumerate().skip(1)
    {
        for (member, version) in panel.iter().zip(panel_versions) {
            let items = sheet_items(document_review_percent(index), &[]);
            let (status, body) =
                submit_sheet(app, &expert(*member), id, "document", version, items, day).await;
            assert_eq!(status, 200, "{body}");
        }
    }

    // --- the stream → `aggregate`: one result per application; redelivered, nothing more.
    let (batch, reports) = run_stream_functions(app, &mut stream, day).await;
    assert_eq!(reports.aggregate.changed, 6, "{reports:?}");
    assert_eq!(reports.aggregate.failed, 0, "{reports:?}");
    assert_eq!(aggregate(app, batch, day).await.changed, 0);
    let view = phase_view(app, &office, &apps[0], "document", day).await;
    assert_eq!(view["state"], "eligible", "{view}");
    assert_eq!(
        view["review"]["result"]["needs_consensus"],
        json!([DISPUTED_ITEM])
    );
    for id in &apps[1..] {
        let view = phase_view(app, &office, id, "document", day).await;
        assert_eq!(view["state"], "document_reviewed", "{view}");
    }
    let leader = panels[0][0];
    let (status, done) = invoke_api(
        app,
        &expert(leader),
        Method::POST,
        &format!("/reviews/{}/document/consensus", apps[0]),
        Some(&json!({"items": {DISPUTED_ITEM: {"percent": 70, "note": "合议后统一为70%。"}}})),
        day,
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["outcome"], "completed", "{done}");

    // --- the shortlist of 4, confirmed.
    let (status, proposal) = invoke_api(
        app,
        &office,
        Method::GET,
        &format!("/cycles/{cycle_id}/shortlist"),
        None,
        day,
    )
    .await;
    assert_eq!(status, 200, "{proposal}");
    let shortlisted: Vec<Value> = proposal["shortlisted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["application_id"].clone())
        .collect();
    assert_eq!(shortlisted.len(), 4, "{proposal}");
    assert!(
        shortlisted
            .iter()
            .all(|id| apps[..4].iter().any(|app| id == app.as_str()))
    );
    let (status, decided) = invoke_api(
        app,
        &office,
        Method::POST,
        &format!("/cycles/{cycle_id}/shortlist/confirm"),
        Some(&json!({"applications": shortlisted})),
        day,
    )
    .await;
    assert_eq!(status, 200, "{decided}");

    // --- on-site: the draw, the visit, the panel's sheets, the report through S3, the survey.
    let (status, draw) = invoke_api(
        app,
        &office,
        Method::POST,
        &format!("/cycles/{cycle_id}/assignments"),
        Some(&json!({"phase": "onsite", "seed": 7})),
        day,
    )
    .await;
    assert_eq!(status, 200, "{draw}");
    assert_fair_draw(&draw, &apps[..4], &pool, 3);
    for (index, id) in apps[..4].iter().enumerate() {
        let visit = json!({"date": (today + chrono::Duration::days(5)).to_string()});
        let (status, recorded) = invoke_api(
            app,
            &office,
            Method::PUT,
            &format!("/applications/{id}/onsite-visit"),
            Some(&visit),
            day,
        )
        .await;
        assert_eq!(status, 200, "{recorded}");
        let panel = panel_numbers(&phase_view(app, &office, id, "onsite", day).await, &pool);
        assert_eq!(panel.len(), 3);
        for member in panel {
            let version = declare_and_pledge(app, &expert(member), id, "onsite", day).await;
            let items = sheet_items(onsite_percent(index), &[]);
            let (status, body) =
                submit_sheet(app, &expert(member), id, "onsite", &version, items, day).await;
            assert_eq!(status, 200, "{body}");
        }
        let report = format!("%PDF-1.4\n% 现场评审报告 {index}\n%%EOF\n").into_bytes();
        env.upload_evidence(&office, id, "review_report", &report, 1, day)
            .await;
    }
    // The stream → `aggregate`: each panel's result is recorded, waiting for its survey.
    let (_, reports) = run_stream_functions(app, &mut stream, day).await;
    assert_eq!(reports.aggregate.changed, 4, "{reports:?}");
    for (index, id) in apps[..4].iter().enumerate() {
        let (status, outcome) = invoke_api(
            app,
            &office,
            Method::PUT,
            &format!("/applications/{id}/survey"),
            Some(&survey(index)),
            day,
        )
        .await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome["outcome"], "completed", "{outcome}");
    }

    // --- the combined evaluation: 3 candidates, sent to the Committee.
    let (status, ranking) = invoke_api(
        app,
        &office,
        Method::GET,
        &format!("/cycles/{cycle_id}/ranking"),
        None,
        day,
    )
    .await;
    assert_eq!(status, 200, "{ranking}");
    assert_eq!(ranking["candidates"], json!(apps[..3]), "{ranking}");
    let (status, sent) = invoke_api(
        app,
        &office,
        Method::POST,
        &format!("/cycles/{cycle_id}/candidates"),
        Some(&json!({"applications": apps[..3]})),
        day,
    )
    .await;
    assert_eq!(status, 200, "{sent}");

    // --- the stream → `notify`: the key notices went out through SES.
    let (_, reports) = run_stream_functions(app, &mut stream, day).await;
    assert!(reports.notify.changed > 0, "{reports:?}");
    assert_eq!(
        (reports.notify.retrying, reports.notify.gave_up),
        (0, 0),
        "{reports:?}"
    );
    let emails = sent_emails(&env).await;
    let told = |to: &str, subject: &str| {
        emails
            .iter()
            .filter(|(sent, addresses)| sent.starts_with(subject) && addresses == &[to.to_owned()])
            .count()
    };
    for number in 1..=POOL_SIZE {
        let assigned = panels
            .iter()
            .filter(|panel| panel.contains(&number))
            .count();
        let to = [expert_email(number)];
        assert_eq!(
            emails
                .iter()
                .filter(
                    |(sent, addresses)| sent.starts_with(DOCUMENT_REVIEW_ASSIGNED)
                        && addresses.as_slice() == to.as_slice()
                )
                .count(),
            assigned,
            "expert {number}: {emails:?}"
        );
    }
    assert_eq!(
        told(&expert_email(leader), DOCUMENT_REVIEW_CONSENSUS_REQUESTED),
        1,
        "{emails:?}"
    );
    assert_eq!(
        emails
            .iter()
            .filter(|(subject, _)| subject.starts_with(DOCUMENT_REVIEW_CONSENSUS_REQUESTED))
            .count(),
        1
    );
    for number in 1..=REVIEW_APPLICATIONS {
        let contact = applicant(number).email;
        assert_eq!(
            told(&contact, &shortlisted_subject(&applicant_name(number))),
            usize::from(number <= 4),
            "{emails:?}"
        );
        assert_eq!(
            told(&contact, &candidate_listed_subject(&applicant_name(number))),
            usize::from(number <= 3),
            "{emails:?}"
        );
        assert_eq!(
            told(&contact, &not_shortlisted_subject(&applicant_name(number))),
            usize::from(number > 4),
            "{emails:?}"
        );
        assert_eq!(
            told(&contact, &not_selected_subject(&applicant_name(number))),
            usize::from(number == 4),
            "{emails:?}"
        );
    }
}

// --- decision, publicity and award (Arts. 3, 4, 7(3), 11(8)–(9), 12–14) -------------------------

/// The decision scenario's fixture on its own table: cycle 2026 created and opened through the
/// API on 2 March 2026, `count` applications created by their organisations, then each moved to
/// `state` (with `publicity` when given) by the app's `store` functions over the DynamoDB
/// adapter, as the review leaves them: the review's way there is
/// `experts_review_six_applications_on_the_aws_adapters`. The cycle's dates are fixed, unlike
/// that test's: the publicity must fall in a year whose holiday notice ships with the domain.
struct Decision {
    env: Moto,
    stream: StreamReader,
    office: Caller,
    committee: Caller,
    finance: Caller,
    applicants: Vec<Caller>,
    apps: Vec<String>,
}

impl Decision {
    async fn start(
        count: u32,
        state: ApplicationState,
        publicity: Option<award_domain::lifecycle::Publicity>,
    ) -> Self {
        let (env, stream) = Moto::start().await;
        let suffix = env.suffix.clone();
        let caller = |role: &str, groups: &'static str| Caller {
            sub: format!("{role}-{suffix}"),
            email: format!("{role}-{suffix}@wuwei.example.cn"),
            groups,
        };
        let (office, committee, finance) = (
            caller("office", "[office]"),
            caller("committee", "[committee]"),
            caller("finance", "[finance]"),
        );
        let applicants: Vec<Caller> = (1..=count)
            .map(|number| Caller {
                sub: format!("applicant-{number}-{suffix}"),
                email: format!("applicant-{number}-{suffix}@example.cn"),
                groups: "[applicant]",
            })
            .collect();
        let app = &env.app;
        let march = china_time(day("2026-03-02"), 9, 0);
        let cycle = new_cycle(march);
        assert_eq!(cycle["id"], DECISION_CYCLE);
        let (status, body) =
            invoke_api(app, &office, Method::POST, "/cycles", Some(&cycle), march).await;
        assert_eq!(status, 201, "{body}");
        for (caller, path) in [
            (
                &committee,
                format!("/cycles/{DECISION_CYCLE}/rules/approve"),
            ),
            (&office, format!("/cycles/{DECISION_CYCLE}/open")),
        ] {
            let (status, body) = invoke_api(app, caller, Method::POST, &path, None, march).await;
            assert_eq!(status, 200, "{body}");
        }
        let mut apps = Vec::new();
        for (number, applicant) in (1..).zip(&applicants) {
            let (status, created) = invoke_api(
                app,
                applicant,
                Method::POST,
                "/applications",
                Some(&new_application(
                    &applicant_name(number),
                    &uscc(&applicant_code(number)),
                    &applicant.email,
                )),
                march,
            )
            .await;
            assert_eq!(status, 201, "{created}");
            let id = created["id"].as_str().unwrap().to_owned();
            let key = award_app::keys::application(award_app::keys::parse_id(&id).unwrap());
            let stored =
                award_app::store::load::<award_app::model::Application>(app.table.as_ref(), &key)
                    .await
                    .unwrap()
                    .unwrap();
            let mut application = stored.record;
            application.lifecycle.state = state;
            application.lifecycle.publicity = publicity;
            // As the daily run leaves a period that ended without objection: closed the next day.
            application.publicity_closed_on =
                publicity.and_then(|period| period.last_day.succ_opt());
            application
                .reviews
                .insert(award_app::model::ReviewPhase::Document, Default::default());
            let mut tx = award_app::store::Tx::new();
            tx.push(award_app::store::replace(&application, stored.version).unwrap());
            tx.commit(app.table.as_ref()).await.unwrap();
            apps.push(id);
        }
        Self {
            env,
            stream,
            office,
            committee,
            finance,
            applicants,
            apps,
        }
    }

    /// Changes the cycle's decision records in the table (the fixture for the stages after them).
    async fn set_cycle(&self, change: impl Fn(&mut award_app::model::CycleRecord)) {
        let table = self.env.app.table.as_ref();
        let stored = award_app::store::load::<award_app::model::CycleRecord>(
            table,
            &award_app::keys::cycle(DECISION_CYCLE),
        )
        .await
        .unwrap()
        .unwrap();
        let mut record = stored.record;
        change(&mut record);
        let mut tx = award_app::store::Tx::new();
        tx.push(award_app::store::replace(&record, stored.version).unwrap());
        tx.commit(table).await.unwrap();
    }

    /// A request the Office (or `caller`) makes that must succeed; its JSON answer.
    async fn ok(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<&Value>,
        now: DateTime<Utc>,
    ) -> Value {
        let (status, answer) = invoke_api(&self.env.app, caller, method, path, body, now).await;
        assert!((200..300).contains(&status), "{path}: {status} {answer}");
        answer
    }

    /// The emails SES accepted for this scenario, as (subject, to).
    async fn emails(&self) -> Vec<(String, Vec<String>)> {
        sent_emails(&self.env).await
    }
}

/// The states of `apps`, read from the table.
async fn states(app: &App, apps: &[String]) -> Vec<ApplicationState> {
    let mut states = Vec::new();
    for id in apps {
        let key = award_app::keys::application(award_app::keys::parse_id(id).unwrap());
        let stored =
            award_app::store::load::<award_app::model::Application>(app.table.as_ref(), &key)
                .await
                .unwrap()
                .unwrap();
        states.push(stored.record.state());
    }
    states
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_candidates_become_three_awards_on_the_aws_adapters() {
    let mut scenario = Decision::start(3, ApplicationState::Candidate, None).await;
    let app = scenario.env.app.clone();
    let office = &scenario.office;
    let apps = scenario.apps.clone();
    let names: Vec<String> = (1..=3).map(applicant_name).collect();
    let emails: Vec<String> = scenario
        .applicants
        .iter()
        .map(|a| a.email.clone())
        .collect();
    let mailboxes = app.config.mailboxes.clone();
    let at = |date: &str, hour: u32, minute: u32| china_time(day(date), hour, minute);

    // --- the Committee's deliberation, the consultation, the publicity across National Day.
    let september = at("2026-09-23", 10, 0);
    let minutes = minutes_pdf();
    let declared = scenario
        .ok(
            &scenario.committee,
            Method::POST,
            &format!("/cycles/{DECISION_CYCLE}/minutes"),
            Some(&minutes_declaration(&minutes)),
            september,
        )
        .await;
    let minutes_id = declared["attachment"]["id"].as_str().unwrap();
    scenario
        .env
        .upload_object(
            &declared["upload"],
            &format!("attachments/{minutes_id}"),
            &minutes,
            1,
            september,
        )
        .await;
    scenario
        .ok(
            &scenario.committee,
            Method::POST,
            &format!("/cycles/{DECISION_CYCLE}/deliberation"),
            Some(&deliberation(&apps, minutes_id)),
            september,
        )
        .await;
    assert_eq!(states(&app, &apps).await, [ApplicationState::Proposed; 3]);
    scenario
        .ok(
            office,
            Method::POST,
            &format!("/cycles/{DECISION_CYCLE}/consultation"),
            Some(&consultation()),
            september,
        )
        .await;
    let publicity = scenario
        .ok(
            office,
            Method::POST,
            &format!("/cycles/{DECISION_CYCLE}/publicity"),
            Some(&json!({"first_day": PUBLICITY_FIRST_DAY})),
            september,
        )
        .await;
    assert_eq!(publicity["last_day"], PUBLICITY_LAST_DAY, "{publicity}");
    assert_eq!(
        states(&app, &apps).await,
        [ApplicationState::InPublicity; 3]
    );

    // --- the public list and the objections, without claims (no authorizer on these routes).
    let public_path = format!("/public/publicity/{DECISION_CYCLE}");
    let (status, public) = invoke_public(
        &app,
        Method::GET,
        &public_path,
        None,
        at(PUBLICITY_FIRST_DAY, 9, 0),
    )
    .await;
    assert_eq!(status, 200, "{public}");
    assert_public_list(&public, &names, &emails);
    let objector_email = format!("zhangsan-{}@example.cn", scenario.env.suffix);
    let objections_path = format!("{public_path}/objections");
    let (status, receipt) = invoke_public(
        &app,
        Method::POST,
        &objections_path,
        Some(&objection(&apps[0], &objector_email)),
        at(PUBLICITY_LAST_DAY, 23, 59),
    )
    .await;
    assert_eq!(status, 201, "{receipt}");
    let receipt = receipt["receipt"].as_str().unwrap().to_owned();
    let (status, refused) = invoke_public(
        &app,
        Method::POST,
        &objections_path,
        Some(&objection(&apps[1], "13800000000")),
        china_midnight_after(day(PUBLICITY_LAST_DAY)) + chrono::Duration::minutes(1),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("objection_period_over")),
        "{refused}"
    );

    // --- the `publicity` function's daily run on 13 October: two close, one waits; run again
    // the same day, nothing.
    let morning = at("2026-10-13", 0, 45);
    let (run, whole) = redelivered_whole("publicity", || decision::run_daily(&app, morning)).await;
    let mut closed = run
        .closed
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    closed.sort();
    let mut expected = apps[1..].to_vec();
    expected.sort();
    if whole {
        assert_eq!(closed, expected, "{run:?}");
    }
    // Waiting is the state the run leaves, told by every attempt that gets through.
    assert_eq!(run.waiting.len(), 1, "{run:?}");
    assert_eq!(run.waiting[0].to_string(), apps[0]);
    let (again, _) = redelivered_whole("publicity", || {
        decision::run_daily(&app, at("2026-10-13", 9, 0))
    })
    .await;
    assert_eq!(again, decision::PublicityRun::default());
    let (_, reports) = run_stream_functions(&app, &mut scenario.stream, morning).await;
    assert_eq!(
        (reports.notify.retrying, reports.notify.gave_up),
        (0, 0),
        "{reports:?}"
    );

    // --- the Office's finding (not upheld); the next day's run closes the third name.
    let thirteenth = at("2026-10-13", 10, 0);
    let listed = scenario
        .ok(
            office,
            Method::GET,
            &format!("/cycles/{DECISION_CYCLE}/objections"),
            None,
            thirteenth,
        )
        .await;
    assert_eq!(listed["objections"][0]["id"], receipt.as_str(), "{listed}");
    assert_eq!(listed["objections"][0]["objector_name"], OBJECTOR_NAME);
    let decided = scenario
        .ok(
            office,
            Method::POST,
            &format!("/objections/{receipt}/decision"),
            Some(&json!({"upheld": false, "reply": OBJECTION_REPLY})),
            thirteenth,
        )
        .await;
    assert_eq!(decided["status"], "dismissed", "{decided}");
    // The last finding after the period closed the third name at once; the next run has nothing.
    let fourteenth = at("2026-10-14", 0, 45);
    let (run, _) = redelivered_whole("publicity", || decision::run_daily(&app, fourteenth)).await;
    assert_eq!(run, decision::PublicityRun::default(), "{run:?}");
    let (_, reports) = run_stream_functions(&app, &mut scenario.stream, fourteenth).await;
    assert_eq!(
        (reports.notify.retrying, reports.notify.gave_up),
        (0, 0),
        "{reports:?}"
    );
    let sent = scenario.emails().await;
    let count = |to: &str, subject: &str| {
        sent.iter()
            .filter(|(sent, addresses)| sent == subject && addresses == &[to.to_owned()])
            .count()
    };
    for name in &names {
        assert_eq!(
            count(&mailboxes.office, &publicity_closed_subject(name)),
            1,
            "{name}: {sent:?}"
        );
    }
    assert_eq!(
        count(&mailboxes.office, &objection_pending_subject(&names[0])),
        1,
        "{sent:?}"
    );
    assert_eq!(
        count(
            &objector_email,
            &objection_answered_subject(&names[0], &receipt)
        ),
        1,
        "{sent:?}"
    );

    // --- the executive meeting, three approvals, three awards.
    let meeting_day = at(EXECUTIVE_MEETING_DAY, 10, 0);
    scenario
        .ok(
            office,
            Method::POST,
            &format!("/cycles/{DECISION_CYCLE}/executive-meeting"),
            Some(&executive_meeting()),
            meeting_day,
        )
        .await;
    for id in &apps {
        let approved = scenario
            .ok(
                office,
                Method::POST,
                &format!("/applications/{id}/approve"),
                Some(&approval()),
                meeting_day,
            )
            .await;
        assert_eq!(approved["lifecycle"]["state"], "approved");
    }
    for (index, id) in apps.iter().enumerate() {
        let awarded = scenario
            .ok(
                office,
                Method::POST,
                &format!("/applications/{id}/award"),
                Some(&json!({})),
                meeting_day,
            )
            .await;
        assert_eq!(
            (
                &awarded["lifecycle"]["state"],
                &awarded["lifecycle"]["award"]["certificate_number"],
                &awarded["lifecycle"]["award"]["reward"],
            ),
            (
                &json!("awarded"),
                &json!(certificate_number(index + 1)),
                &json!(REWARD_FEN)
            ),
            "{awarded}"
        );
    }
    let register = scenario
        .ok(office, Method::GET, "/register", None, meeting_day)
        .await;
    assert_eq!(
        register["entries"].as_array().map(Vec::len),
        Some(3),
        "{register}"
    );
    // Art. 11(9): ONE announcement of the three winners, issued by the Office.
    let issued = scenario
        .ok(
            office,
            Method::POST,
            "/cycles/2026/announcement",
            Some(&json!({"document_number": "武质奖办〔2026〕5号"})),
            meeting_day,
        )
        .await;
    assert_eq!(issued["winners"], 3, "{issued}");
    let (status, board) =
        invoke_public(&app, Method::GET, "/public/notices", None, meeting_day).await;
    assert_eq!(status, 200, "{board}");
    let announced: Vec<&serde_json::Value> = board["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == "award_announcement")
        .collect();
    assert_eq!(announced.len(), 1, "{board}");
    for index in 1..=3 {
        assert!(
            announced[0]["body"]
                .as_str()
                .unwrap()
                .contains(&certificate_number(index)),
            "{board}"
        );
    }
    let (_, reports) = run_stream_functions(&app, &mut scenario.stream, meeting_day).await;
    assert_eq!(
        (reports.notify.retrying, reports.notify.gave_up),
        (0, 0),
        "{reports:?}"
    );
    let sent = scenario.emails().await;
    let count = |to: &str, subject: &str| {
        sent.iter()
            .filter(|(sent, addresses)| sent == subject && addresses == &[to.to_owned()])
            .count()
    };
    for (applicant, name) in scenario.applicants.iter().zip(&names) {
        assert_eq!(
            count(&applicant.email, &awarded_subject(name)),
            1,
            "{sent:?}"
        );
        assert_eq!(
            count(&mailboxes.finance, &reward_payable_subject(name)),
            1,
            "{sent:?}"
        );
    }

    // --- the finance bureau pays each reward once; the Office hands over the plaques.
    let november = at("2026-11-03", 10, 0);
    for id in &apps {
        let path = format!("/applications/{id}/reward/payment");
        let paid = scenario
            .ok(
                &scenario.finance,
                Method::POST,
                &path,
                Some(&payment()),
                november,
            )
            .await;
        assert_eq!(paid["voucher"], payment()["voucher"], "{paid}");
        let (status, refused) = invoke_api(
            &app,
            &scenario.finance,
            Method::POST,
            &path,
            Some(&payment()),
            november,
        )
        .await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (409, Some("reward_already_paid"))
        );
        let handed = scenario
            .ok(
                office,
                Method::POST,
                &format!("/applications/{id}/handover"),
                Some(&json!({"date": "2026-11-03"})),
                november,
            )
            .await;
        assert_eq!(
            (&handed["paid_on"], &handed["handed_over_on"]),
            (&json!("2026-11-02"), &json!("2026-11-03")),
            "{handed}"
        );
    }

    // --- aftercare on the AWS adapters: the `reminders` function's daily run (first run the day
    // before the 180-day reminder, then three days missed), a visit, a revocation for cause and
    // the end of its bar, each told once.
    let validity = Validity::from_approval(day(EXECUTIVE_MEETING_DAY)).unwrap();
    let before_expiry = |days: u64| validity.last_valid_day - chrono::Days::new(days);
    let morning = |day: chrono::NaiveDate| at(&day.to_string(), 9, 0);
    let reminder = |sent: &[(String, Vec<String>)], to: &str| {
        sent.iter()
            .filter(|(subject, addresses)| {
                subject.contains("有效期即将届满") && addresses == &[to.to_owned()]
            })
            .count()
    };
    redelivered_whole("aftercare", || {
        aftercare::run_daily(&app, morning(before_expiry(181)))
    })
    .await;
    let late = morning(before_expiry(177));
    let (run, whole) = redelivered_whole("aftercare", || aftercare::run_daily(&app, late)).await;
    if whole {
        assert_eq!(run.days.len(), 4, "{run:?}");
        assert_eq!(run.reminded.len(), 3, "{run:?}");
    }
    assert_eq!(
        redelivered_whole("aftercare", || aftercare::run_daily(&app, late))
            .await
            .0,
        aftercare::AftercareRun::default()
    );
    let (run, whole) = redelivered_whole("aftercare", || {
        aftercare::run_daily(&app, morning(before_expiry(90)))
    })
    .await;
    if whole {
        assert_eq!(run.reminded.len(), 3, "{run:?}");
    }
    run_stream_functions(&app, &mut scenario.stream, late).await;
    let sent = scenario.emails().await;
    for applicant in &scenario.applicants {
        assert_eq!(reminder(&sent, &applicant.email), 2, "{sent:?}");
    }
    assert_eq!(reminder(&sent, &mailboxes.office), 6, "{sent:?}");

    let today = morning(before_expiry(90));
    let visit = scenario
        .ok(
            office,
            Method::POST,
            &format!("/applications/{}/visits", apps[0]),
            Some(&json!({"date": before_expiry(95).to_string(), "visitors": ["王五"], "findings": "运行有效。"})),
            today,
        )
        .await;
    assert_eq!(visit["visitors"], json!(["王五"]));
    let case = scenario
        .ok(
            office,
            Method::POST,
            &format!("/applications/{}/revocation-cases", apps[2]),
            Some(&json!({"ground": "cause", "cause": 3, "occurred_on": before_expiry(120).to_string(),
                "facts": "产品在省级监督抽查中不合格。"})),
            today,
        )
        .await;
    let case_id = case["id"].as_str().unwrap();
    scenario
        .ok(
            &scenario.committee,
            Method::POST,
            &format!("/revocation-cases/{case_id}/committee-decision"),
            Some(&json!({"date": before_expiry(90).to_string(), "minutes_reference": "评委会〔2031〕2号", "revoke": true})),
            today,
        )
        .await;
    let revoked = scenario
        .ok(
            office,
            Method::POST,
            &format!("/revocation-cases/{case_id}/approval"),
            Some(
                &json!({"date": before_expiry(90).to_string(), "reference": "武政函〔2031〕12号"}),
            ),
            today,
        )
        .await;
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(states(&app, &apps[2..]).await, [ApplicationState::Revoked]);
    let bar = award_domain::award::Debarment::for_revocation(
        award_domain::award::RevocationGround::Cause {
            cause: award_domain::award::Art18Cause::FailedSamplingInspection,
            occurred_on: before_expiry(120),
        },
        before_expiry(90),
        &validity,
    )
    .unwrap();
    // The bar ends five years on: the next run catches up those years and tells the holder once.
    let (ended, whole) = redelivered_whole("aftercare", || {
        aftercare::run_daily(&app, morning(bar.may_apply_again_from))
    })
    .await;
    if whole {
        assert_eq!(ended.debarments_ended.len(), 1, "{ended:?}");
    }
    run_stream_functions(
        &app,
        &mut scenario.stream,
        morning(bar.may_apply_again_from),
    )
    .await;
    let sent = scenario.emails().await;
    let told = |to: &str| {
        sent.iter()
            .filter(|(subject, addresses)| {
                subject.contains("禁止申报期限已届满") && addresses == &[to.to_owned()]
            })
            .count()
    };
    assert_eq!(told(&scenario.applicants[2].email), 1, "{sent:?}");
    assert_eq!(told(&mailboxes.office), 1, "{sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_concurrent_approvals_for_four_names_on_dynamodb_land_exactly_three() {
    let publicity = award_domain::lifecycle::Publicity {
        first_day: day("2026-09-28"),
        last_day: day(PUBLICITY_LAST_DAY),
    };
    let scenario = Decision::start(4, ApplicationState::InPublicity, Some(publicity)).await;
    scenario
        .set_cycle(|record| {
            record.decision.executive_meeting = Some(award_app::model::ExecutiveMeeting {
                date: day(EXECUTIVE_MEETING_DAY),
                session: "市政府第35次常务会议".into(),
                minutes_reference: "武政常〔2026〕35号".into(),
                recorded_by: scenario.office.sub.clone(),
                recorded_at: china_time(day(EXECUTIVE_MEETING_DAY), 9, 0),
            });
        })
        .await;
    let app = scenario.env.app.clone();
    let meeting_day = china_time(day(EXECUTIVE_MEETING_DAY), 10, 0);
    // Every request waits at the barrier, so all six reach DynamoDB together.
    let start = Arc::new(tokio::sync::Barrier::new(6));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..6 {
        let app = app.clone();
        let start = Arc::clone(&start);
        let office = Caller {
            sub: scenario.office.sub.clone(),
            email: scenario.office.email.clone(),
            groups: "[office]",
        };
        let id = scenario.apps[index % 4].clone();
        tasks.spawn(async move {
            start.wait().await;
            let (status, answer) = invoke_api(
                &app,
                &office,
                Method::POST,
                &format!("/applications/{id}/approve"),
                Some(&approval()),
                meeting_day,
            )
            .await;
            (
                status,
                answer["code"].as_str().unwrap_or_default().to_owned(),
            )
        });
    }
    let outcomes = tasks.join_all().await;
    let approved = outcomes.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(approved, 3, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .filter(|(status, _)| *status != 200)
            .all(|(status, code)| *status == 409
                && ["quota_reached", "illegal_transition", "concurrent_update"]
                    .contains(&code.as_str())),
        "{outcomes:?}"
    );
    let states = states(&app, &scenario.apps).await;
    assert_eq!(
        states
            .iter()
            .filter(|state| **state == ApplicationState::Approved)
            .count(),
        3,
        "{states:?}"
    );
    // The fourth name stays in publicity, and a later attempt is refused by the quota.
    let waiting = scenario
        .apps
        .iter()
        .zip(&states)
        .find(|(_, state)| **state == ApplicationState::InPublicity)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("one name is left: {states:?}"));
    let (status, refused) = invoke_api(
        &app,
        &scenario.office,
        Method::POST,
        &format!("/applications/{waiting}/approve"),
        Some(&approval()),
        meeting_day,
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("quota_reached")),
        "{refused}"
    );
}

/// The cycle's archive on the AWS adapters (issue 22 item 4): the Office asks for the export,
/// the stream delivers the queued job to the archive handler, which streams the zip to the
/// bucket in multipart parts (the evidence alone is over one part) — and the object there is the
/// whole archive, verifying against its manifest. A second delivery of the same record does
/// nothing; other roles are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cycle_archive_lands_in_the_bucket_on_the_aws_adapters() {
    let (env, mut stream) = Moto::start().await;
    let Moto {
        suffix,
        s3,
        bucket,
        app,
        http,
        ..
    } = &env;
    let now = Utc::now();
    let office = Caller {
        sub: format!("office-{suffix}"),
        email: "office@wuwei.example.cn".into(),
        groups: "[office]",
    };
    let committee = Caller {
        sub: format!("committee-{suffix}"),
        email: "committee@wuwei.example.cn".into(),
        groups: "[committee]",
    };
    let applicant = Caller {
        sub: format!("applicant-{suffix}"),
        email: format!("contact-{suffix}@example.cn"),
        groups: "[applicant]",
    };
    let cycle = new_cycle(now);
    let cycle_id = cycle["id"].as_str().unwrap().to_owned();
    let (status, body) = invoke_api(app, &office, Method::POST, "/cycles", Some(&cycle), now).await;
    assert_eq!(status, 201, "{body}");
    let path = format!("/cycles/{cycle_id}/rules/approve");
    let (status, body) = invoke_api(app, &committee, Method::POST, &path, None, now).await;
    assert_eq!(status, 200, "{body}");
    let path = format!("/cycles/{cycle_id}/open");
    let (status, body) = invoke_api(app, &office, Method::POST, &path, None, now).await;
    assert_eq!(status, 200, "{body}");
    let (status, application) = invoke_api(
        app,
        &applicant,
        Method::POST,
        "/applications",
        Some(&new_application(
            "武威市示例质量有限公司",
            &uscc("MA74XY8Q0"),
            &applicant.email,
        )),
        now,
    )
    .await;
    assert_eq!(status, 201, "{application}");
    let application_id = application["id"].as_str().unwrap().to_owned();
    // Evidence larger than one part (8 MiB), so the zip is sent in several.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.extend((0..9 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    big.extend_from_slice(b"\n%%EOF\n");
    let category = required_categories()[0];
    env.upload_evidence(&applicant, &application_id, category, &big, 1, now)
        .await;
    run_stream_functions(app, &mut stream, now).await;

    let archive_path = format!("/cycles/{cycle_id}/archive");
    for stranger in [&applicant, &committee] {
        let (status, body) =
            invoke_api(app, stranger, Method::POST, &archive_path, None, now).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    }
    let (status, job) = invoke_api(app, &office, Method::POST, &archive_path, None, now).await;
    assert_eq!(status, 201, "{job}");
    assert_eq!(
        (job["status"].as_str(), job["final"].as_bool()),
        (Some("queued"), Some(false))
    );
    let (status, body) = invoke_api(app, &office, Method::POST, &archive_path, None, now).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("archive_in_progress")),
        "one export at a time"
    );

    // The stream delivers the job's record to the archive handler — twice, as Lambda may. With
    // faults on, an export whose reads failed past the SDK's retries is marked failed, and the
    // Office asks again, as it would on the page.
    let clock = || Utc::now();
    let mut job = job;
    let mut asked_again = 0;
    let (status, list) = loop {
        let batch = stream.read_all().await;
        for delivery in 0..2 {
            let report = deliver(batch.clone(), "archive", |records| async move {
                award_app::stages::archive::build::table_changes(app, &records, &clock)
                    .await?
                    .finish()
            })
            .await;
            assert_eq!(
                report.changed,
                usize::from(delivery == 0),
                "the job runs once: {report:?}"
            );
        }
        let (status, list) = invoke_api(
            app,
            &office,
            Method::GET,
            &format!("/cycles/{cycle_id}/archives"),
            None,
            now,
        )
        .await;
        if list["archives"][0]["status"] == "failed"
            && fault_proxy_url().is_some()
            && asked_again < HARNESS_RETRIES
        {
            eprintln!(
                "archive: export failed under faults ({}), asked again",
                list["archives"][0]["error"]
            );
            asked_again += 1;
            let (status, again) =
                invoke_api(app, &office, Method::POST, &archive_path, None, now).await;
            assert_eq!(status, 201, "{again}");
            job = again;
            continue;
        }
        break (status, list);
    };
    assert_eq!(status, 200, "{list}");
    let done = &list["archives"][0];
    assert_eq!(done["id"], job["id"], "{list}");
    assert_eq!(done["status"], "done", "{list}");
    assert_eq!(done["applications_done"], 1, "{list}");
    let key = format!("archives/{cycle_id}/{}.zip", job["id"].as_str().unwrap());
    assert_eq!(done["object_key"], key.as_str());

    // In the bucket: the whole zip, as S3 itself returns it.
    let object = s3
        .get_object()
        .bucket(bucket)
        .key(&key)
        .send()
        .await
        .expect("the archive is in the bucket");
    assert_eq!(object.content_type(), Some("application/zip"));
    let bytes = object.body.collect().await.unwrap().into_bytes().to_vec();
    assert!(bytes.len() > 9 * 1024 * 1024, "{} bytes", bytes.len());
    assert_eq!(done["size"].as_u64(), Some(bytes.len() as u64));
    assert_eq!(
        done["sha256"].as_str(),
        Some(award_e2e::sha256_hex(&bytes).as_str())
    );
    let report = award_app::stages::archive::verify::verify(std::io::Cursor::new(&bytes))
        .expect("a readable zip");
    assert!(report.ok(), "{report:?}");
    assert_eq!(
        report.is_final,
        Some(false),
        "a running cycle: for reference only"
    );

    // The Office's download link reaches the same object.
    let (status, download) = invoke_api(
        app,
        &office,
        Method::GET,
        &format!(
            "/cycles/{cycle_id}/archives/{}/download",
            job["id"].as_str().unwrap()
        ),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{download}");
    let fetched = http
        .get(download["download"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(fetched.to_vec() == bytes, "the link serves the archive");
    let actions = audit_actions(&env, &env.table_name, &format!("CYCLE#{cycle_id}")).await;
    for action in [
        "archive_exported",
        "archive_completed",
        "archive_downloaded",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}
