//! The upload scenario over the AWS adapters, against moto's server (`MOTO_URL`, set by
//! `make test` / `scripts/test.sh`). The functions are invoked as AWS would invoke them: the HTTP
//! handler with API Gateway (payload 2.0) requests carrying JWT claims, `upload-received` with the
//! S3 `ObjectCreated:Put` event, `notify` with the records read from the table's DynamoDB stream,
//! wrapped as Lambda's stream event. The file really goes to moto's S3 through the presigned
//! request, and the emails are read back from moto's SES.

use std::collections::HashMap;
use std::sync::Arc;

use award_app::events::{self, EventReport};
use award_app::{App, AppConfig};
use award_aws::{DynamoTable, S3Blobs, SesMail};
use award_e2e::{
    APPLICATION_RECEIVED_SUBJECT, complete_form, declaration, declaration_of,
    document_received_subject, evidence_pdf, liangzhou_office, new_application, new_cycle,
    required_categories, uscc,
};
use award_local::gateway::{self, GatewayRequest};
use award_local::s3_event::{self, CreatedObject};
use aws_lambda_events::s3::S3Event;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use chrono::{DateTime, Utc};
use lambda_http::http::{HeaderMap, HeaderValue, Method, header};
use serde_json::{Value, json};

const REGION: &str = "us-east-1";

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

/// Invokes the HTTP handler with the request API Gateway would send; the status and JSON body.
async fn invoke_api(
    app: &App,
    caller: &Caller,
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
        claims: Some(caller.claims()),
        request_id: ulid::Ulid::new().to_string(),
        received_at: now,
    });
    let request = gateway::to_lambda_request(&event).unwrap();
    let response = award_app::http::handle(app, request, now).await;
    let status = response.status().as_u16();
    let body: &[u8] = response.body().as_ref();
    (status, serde_json::from_slice(body).unwrap_or(Value::Null))
}

/// Reads a DynamoDB stream from where it last stopped, shard by shard.
struct StreamReader {
    client: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    iterators: HashMap<String, Option<String>>,
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
            iterators: HashMap::new(),
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
            let iterator = match self.iterators.get(&shard) {
                Some(Some(iterator)) => iterator.clone(),
                // A closed shard read to its end.
                Some(None) => continue,
                None => self
                    .client
                    .get_shard_iterator()
                    .stream_arn(&self.stream_arn)
                    .shard_id(&shard)
                    .shard_iterator_type(ShardIteratorType::TrimHorizon)
                    .send()
                    .await
                    .unwrap()
                    .shard_iterator()
                    .expect("a shard iterator")
                    .to_owned(),
            };
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
            self.iterators
                .insert(shard, output.next_shard_iterator().map(str::to_owned));
        }
        serde_json::from_value(json!({ "Records": records }))
            .expect("the records make a Lambda DynamoDB stream event")
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

/// Delivers a stream event to `notify` as the event source mapping would.
async fn notify(
    app: &App,
    event: aws_lambda_events::dynamodb::Event,
    now: DateTime<Utc>,
) -> EventReport {
    let records = events::change_records(event).expect("stream records convert");
    events::table_changes(app, &records, now)
        .await
        .expect("notify handles the batch")
}

/// Delivers a stream event to `screening` as its event source mapping would (the filter aside:
/// the handler skips what the filter would not pass).
async fn screen(
    app: &App,
    event: aws_lambda_events::dynamodb::Event,
    now: DateTime<Utc>,
) -> EventReport {
    let records = events::change_records(event).expect("stream records convert");
    award_app::usecases::screening::table_changes(app, &records, now)
        .await
        .expect("screening handles the batch")
}

/// The emails moto's SES accepted from `sender`: (subject, to addresses).
async fn sent_emails(
    http: &reqwest::Client,
    moto: &str,
    sender: &str,
) -> Vec<(String, Vec<String>)> {
    let data: Value = http
        .get(format!("{moto}/moto-api/data.json"))
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
    messages
        .iter()
        .filter(|message| {
            message["source"]
                .as_str()
                .is_some_and(|source| source.contains(sender))
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
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_scenario_runs_on_the_aws_adapters() {
    let moto = moto_url();
    let suffix = ulid::Ulid::new().to_string().to_lowercase();
    let config = award_aws::sdk_config(Some(&moto)).await;
    let dynamo = aws_sdk_dynamodb::Client::new(&config);
    let s3 = award_aws::s3_client(&config, true);
    let ses = aws_sdk_ses::Client::new(&config);
    let table_name = format!("award-e2e-{suffix}");
    let bucket = format!("award-e2e-{suffix}");
    let sender = format!("award-{suffix}@wuwei.example.cn");
    let contact = format!("contact-{suffix}@example.cn");
    award_aws::create_table(&dynamo, &table_name).await.unwrap();
    award_aws::create_bucket(&s3, &bucket).await.unwrap();
    award_aws::verify_sender(&ses, &sender).await.unwrap();

    let app = App {
        table: Arc::new(DynamoTable::new(dynamo.clone(), &table_name)),
        blobs: Arc::new(S3Blobs::new(s3.clone(), &bucket)),
        mail: Arc::new(SesMail::new(ses)),
        config: AppConfig::new(
            &sender,
            award_app::Mailboxes {
                office: format!("office-{suffix}@wuwei.example.cn"),
                committee: format!("committee-{suffix}@wuwei.example.cn"),
                finance: format!("finance-{suffix}@wuwei.example.cn"),
            },
            "https://award.wuwei.example.cn",
        ),
    };
    let mut stream = StreamReader::new(
        aws_sdk_dynamodbstreams::Client::new(&config),
        &dynamo,
        &table_name,
    )
    .await;
    let http = reqwest::Client::new();
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
    let (status, body) =
        invoke_api(&app, &office, Method::POST, "/cycles", Some(&cycle), now).await;
    assert_eq!(status, 201, "{body}");
    let committee = Caller {
        sub: format!("committee-{suffix}"),
        email: "committee@wuwei.example.cn".into(),
        groups: "[committee]",
    };
    let approve_path = format!("/cycles/{}/rules/approve", cycle["id"].as_str().unwrap());
    let (status, body) = invoke_api(&app, &committee, Method::POST, &approve_path, None, now).await;
    assert_eq!(status, 200, "{body}");
    let open_path = format!("/cycles/{}/open", cycle["id"].as_str().unwrap());
    let (status, body) = invoke_api(&app, &office, Method::POST, &open_path, None, now).await;
    assert_eq!(status, 200, "{body}");

    // A malformed USCC (17 characters) changes nothing; a valid one creates the application.
    let (status, body) = invoke_api(
        &app,
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
        &app,
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
        invoke_api(&app, &stranger, Method::GET, &application_path, None, now).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("application_not_found")),
        "{body}"
    );

    // Declare a document; PUT the bytes to S3 with the presigned request's headers.
    let pdf = evidence_pdf();
    let file_name = "质量管理体系认证证书.pdf";
    let (status, declared) = invoke_api(
        &app,
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
    let mut put = http.put(url);
    for (name, value) in upload["headers"].as_object().unwrap() {
        if !name.eq_ignore_ascii_case("content-length") {
            put = put.header(name, value.as_str().unwrap());
        }
    }
    let stored = put.body(pdf.clone()).send().await.unwrap();
    assert!(
        stored.status().is_success(),
        "S3 refused the upload: {}",
        stored.text().await.unwrap()
    );

    let key = format!(
        "applications/{application_id}/{}",
        declared["document"]["id"].as_str().unwrap()
    );
    assert!(url.starts_with(&format!("{moto}/{bucket}/{key}?")), "{url}");
    let head = s3
        .head_object()
        .bucket(&bucket)
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
        bucket: &bucket,
        key: &key,
        size: pdf.len() as u64,
        sequence: 1,
        source_ip: Some("203.0.113.7".into()),
        at: now,
    });
    let report = events::object_created(&app, object_created.clone(), now)
        .await
        .unwrap();
    assert_eq!(report.changed, 1, "{report:?}");

    // The stream → notify: the two notices are sent.
    let batch = stream.read_event().await;
    assert!(!batch.records.is_empty());
    let report = notify(&app, batch.clone(), now).await;
    assert_eq!(report.changed, 2, "{report:?}");
    let emails = sent_emails(&http, &moto, &sender).await;
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(
        emails
            .iter()
            .any(|(subject, _)| subject.starts_with(APPLICATION_RECEIVED_SUBJECT)),
        "{emails:?}"
    );
    assert!(
        emails
            .iter()
            .any(|(subject, _)| *subject == document_received_subject(file_name)),
        "{emails:?}"
    );
    for (_, to) in &emails {
        assert_eq!(to, std::slice::from_ref(&contact));
    }

    let (status, read) =
        invoke_api(&app, &applicant, Method::GET, &application_path, None, now).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["documents"][0]["status"], "received", "{read}");

    // Redelivery: the same S3 event and the same stream records, then whatever they (and the
    // notices marked sent) wrote to the stream. Nothing new is sent.
    let report = events::object_created(&app, object_created, now)
        .await
        .unwrap();
    assert_eq!(report.changed, 0, "{report:?}");
    let report = notify(&app, batch, now).await;
    assert_eq!(report.changed, 0, "{report:?}");
    let report = notify(&app, stream.read_event().await, now).await;
    assert_eq!(report.changed, 0, "{report:?}");
    assert_eq!(sent_emails(&http, &moto, &sender).await.len(), 2);

    // --- the form, the other evidence, submission and recommendation (Art. 11(2)-(3)) ---
    let (status, unit) = invoke_api(
        &app,
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
        &app,
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
        let (status, declared) = invoke_api(
            &app,
            &applicant,
            Method::POST,
            &format!("{application_path}/documents"),
            Some(&declaration_of(
                category,
                &format!("{category}.pdf"),
                "application/pdf",
                &bytes,
            )),
            now,
        )
        .await;
        assert_eq!(status, 201, "{declared}");
        let upload = &declared["upload"];
        let mut put = http.put(upload["url"].as_str().unwrap());
        for (name, value) in upload["headers"].as_object().unwrap() {
            if !name.eq_ignore_ascii_case("content-length") {
                put = put.header(name, value.as_str().unwrap());
            }
        }
        let stored = put.body(bytes.clone()).send().await.unwrap();
        assert!(
            stored.status().is_success(),
            "{}",
            stored.text().await.unwrap()
        );
        let key = format!(
            "applications/{application_id}/{}",
            declared["document"]["id"].as_str().unwrap()
        );
        let version_id = s3
            .head_object()
            .bucket(&bucket)
            .key(&key)
            .send()
            .await
            .unwrap()
            .version_id()
            .map(str::to_owned);
        let mut event: Value = serde_json::to_value(s3_event::object_created(&CreatedObject {
            bucket: &bucket,
            key: &key,
            size: bytes.len() as u64,
            sequence,
            source_ip: Some("203.0.113.7".into()),
            at: now,
        }))
        .unwrap();
        if let Some(version_id) = version_id {
            event["Records"][0]["s3"]["object"]["versionId"] = json!(version_id);
        }
        let report = events::object_created(&app, serde_json::from_value(event).unwrap(), now)
            .await
            .unwrap();
        assert_eq!(report.changed, 1, "{report:?}");
    }
    let (status, submitted) = invoke_api(
        &app,
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
        &app,
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
    let report = notify(&app, batch.clone(), now).await;
    assert_eq!(report.changed, 10, "{report:?}");
    let emails = sent_emails(&http, &moto, &sender).await;
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
    let report = screen(&app, batch.clone(), now).await;
    assert_eq!(report.changed, 1, "{report:?}");
    // The records since (notify's marks, and the screening's own write of the application and
    // its audit record), then the whole batch redelivered: nothing written.
    let own = stream.read_event().await;
    let report = screen(&app, own, now).await;
    assert_eq!((report.changed, report.unchanged), (0, 1), "{report:?}");
    let report = screen(&app, batch, now).await;
    assert_eq!(report.changed, 0, "{report:?}");
    assert!(stream.read_event().await.records.is_empty());

    let (status, screened) = invoke_api(
        &app,
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
        &app,
        &office,
        Method::POST,
        &format!("{application_path}/screening/confirm"),
        None,
        now,
    )
    .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    let report = notify(&app, stream.read_event().await, now).await;
    assert_eq!(report.changed, 1, "{report:?}");
    let emails = sent_emails(&http, &moto, &sender).await;
    assert!(
        emails
            .iter()
            .any(|(subject, to)| subject.contains("资格审查通过")
                && to == std::slice::from_ref(&contact)),
        "{emails:?}"
    );
}
