//! The upload, review and decision scenarios over real HTTP against the local runner (started in-process on port 0 with
//! a temporary data folder and a clock the test controls).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration as StdDuration;

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
    objection_pending_subject, onsite_percent, outbox_emails, panel_numbers, payment, pool_expert,
    publicity_closed_subject, required_categories, reward_payable_subject, sheet_items,
    shortlisted_subject, submission, survey, uscc,
};
use award_local::{Clock, Identity, LocalConfig, ManualClock, RetryPolicy, RunningServer};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A bug must fail the test, not hang it.
const SETTLE_TIMEOUT: StdDuration = StdDuration::from_secs(20);

fn start_of_test() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

async fn start_runner(data: &Path, clock: &ManualClock) -> RunningServer {
    start_runner_with(data, clock, None).await
}

/// The runner, its schedule (notice redrive, the cycles' dated work) every `schedule_every`.
async fn start_runner_with(
    data: &Path,
    clock: &ManualClock,
    schedule_every: Option<StdDuration>,
) -> RunningServer {
    let mut config = LocalConfig::new(data);
    if let Some(every) = schedule_every {
        config.redrive_every = every;
    }
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.clock = Arc::new(clock.clone());
    config.retry = RetryPolicy {
        attempts: 3,
        first_backoff: StdDuration::from_millis(10),
        max_backoff: StdDuration::from_millis(50),
    };
    award_local::start(config).await.expect("the runner starts")
}

async fn settled(server: &RunningServer) {
    tokio::time::timeout(SETTLE_TIMEOUT, server.settled())
        .await
        .expect("the runner handles its events in time");
}

fn token(data: &Path, clock: &ManualClock, role: &str, sub: &str, email: &str) -> String {
    let identity = Identity {
        sub: sub.into(),
        email: email.into(),
        roles: vec![role.into()],
    };
    award_local::mint_token(data, &identity, clock.now(), Duration::hours(8)).unwrap()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(server: &RunningServer) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: server.base_url(),
        }
    }

    /// A JSON call to the API; the answer's status and JSON body.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let raw = body.map(|body| body.to_string().into_bytes());
        self.call_raw(method, path, token, raw).await
    }

    async fn call_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("the runner answers");
        let status = response.status();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{status}: the body is not JSON: {text:?}"));
        (status, json)
    }

    /// A file download (the screening export): the status, the content type and the text.
    async fn download(&self, path: &str, token: &str) -> (StatusCode, String, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("the runner answers");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, content_type, response.text().await.unwrap())
    }

    /// Performs a presigned request as the API returned it, sending exactly its headers.
    async fn presigned(&self, link: &Value, url: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let method = Method::from_bytes(link["method"].as_str().unwrap().as_bytes()).unwrap();
        let mut request = self.http.request(method, url);
        for (name, value) in link["headers"].as_object().unwrap() {
            // reqwest derives Content-Length from the body (the same value); sending it twice
            // would be a malformed request.
            if !name.eq_ignore_ascii_case("content-length") {
                request = request.header(name, value.as_str().unwrap());
            }
        }
        let response = request.body(body).send().await.expect("the runner answers");
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Asserts a refusal: the status and the stable error code, with both messages present.
fn assert_error(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "unexpected answer {answer:?}");
    assert_eq!(answer.1["code"], code, "unexpected answer {answer:?}");
    assert!(answer.1["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(
        answer.1["message_zh"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

/// Office creates the cycle, the Committee approves its rules, the Office opens it; returns the
/// office token.
async fn open_cycle(client: &Client, data: &Path, clock: &ManualClock) -> String {
    let office = token(data, clock, "office", "office-1", "office@wuwei.example.cn");
    let cycle = new_cycle(clock.now());
    let (status, created) = client
        .call(Method::POST, "/cycles", Some(&office), Some(&cycle))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = cycle["id"].as_str().unwrap();
    // Art. 7(2), 20: the Committee approves the review rules before the call is published.
    let committee = token(
        data,
        clock,
        "committee",
        "committee-1",
        "committee@wuwei.example.cn",
    );
    let (status, approved) = client
        .call(
            Method::POST,
            &format!("/cycles/{id}/rules/approve"),
            Some(&committee),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["rules_approval"]["by"], "committee-1");
    let (status, opened) = client
        .call(
            Method::POST,
            &format!("/cycles/{id}/open"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["status"], "open");
    office
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_uploads_evidence_and_is_told_by_email() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let clock = ManualClock::new(start_of_test());
    let server = start_runner(&data, &clock).await;
    let client = Client::new(&server);
    open_cycle(&client, &data, &clock).await;

    // The call for applications is public.
    let (status, open) = client.call(Method::GET, "/cycles/open", None, None).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    assert_eq!(open["status"], "open");

    let applicant = token(
        &data,
        &clock,
        "applicant",
        "applicant-1",
        "contact@example.cn",
    );
    let (status, application) = client
        .call(
            Method::POST,
            "/applications",
            Some(&applicant),
            Some(&new_application(
                "武威市示例质量有限公司",
                &uscc("MA74XY8Q0"),
                "contact@example.cn",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{application}");
    let application_id = application["id"].as_str().unwrap().to_owned();
    let application_path = format!("/applications/{application_id}");

    let pdf = evidence_pdf();
    let file_name = "质量管理体系认证证书.pdf";
    let (status, declared) = client
        .call(
            Method::POST,
            &format!("{application_path}/documents"),
            Some(&applicant),
            Some(&declaration(file_name, "application/pdf", &pdf)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{declared}");
    let upload = &declared["upload"];
    assert_eq!(upload["method"], "PUT");
    let url = upload["url"].as_str().unwrap();
    assert!(url.starts_with(&format!(
        "{}/blobs/applications/{application_id}/",
        server.base_url()
    )));

    let (status, refusal) = client.presigned(upload, url, pdf.clone()).await;
    assert_eq!(status, StatusCode::OK, "{refusal}");
    settled(&server).await;

    let (status, read) = client
        .call(Method::GET, &application_path, Some(&applicant), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let documents = read["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0]["status"], "received", "{read}");
    assert_eq!(documents[0]["file_name"], file_name);

    let emails = outbox_emails(&server.outbox());
    assert_eq!(emails.len(), 2, "{emails:#?}");
    assert!(
        emails[0].subject.starts_with(APPLICATION_RECEIVED_SUBJECT),
        "{emails:#?}"
    );
    assert_eq!(
        emails[1].subject,
        document_received_subject("武威市示例质量有限公司", file_name)
    );
    for email in &emails {
        assert_eq!(email.to, ["contact@example.cn"]);
        assert!(email.text.contains(&application_id), "{email:#?}");
    }

    // The same upload again: S3 would store it and notify again; nothing new is owed.
    let (status, _) = client.presigned(upload, url, pdf.clone()).await;
    assert_eq!(status, StatusCode::OK);
    settled(&server).await;
    assert_eq!(outbox_emails(&server.outbox()).len(), 2);

    // The office downloads the evidence through a presigned GET and gets the same bytes.
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let document_id = documents[0]["id"].as_str().unwrap();
    let (status, download) = client
        .call(
            Method::GET,
            &format!("{application_path}/documents/{document_id}/download"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{download}");
    let fetched = client
        .http
        .get(download["download"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // A restart on the same data folder keeps everything.
    server.shutdown().await.expect("a clean shutdown");
    let server = start_runner(&data, &clock).await;
    let client = Client::new(&server);
    let (status, reread) = client
        .call(Method::GET, &application_path, Some(&applicant), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{reread}");
    assert_eq!(reread, read);
    settled(&server).await;
    assert_eq!(
        outbox_emails(&server.outbox()).len(),
        2,
        "no notice sent twice"
    );
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_get_a_4xx_json_error_and_change_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let clock = ManualClock::new(start_of_test());
    let server = start_runner(&data, &clock).await;
    let client = Client::new(&server);
    open_cycle(&client, &data, &clock).await;
    let applicant = token(&data, &clock, "applicant", "applicant-1", "a1@example.cn");
    let other = token(&data, &clock, "applicant", "applicant-2", "a2@example.cn");

    // Refused applications.
    assert_error(
        &client
            .call_raw(
                Method::POST,
                "/applications",
                Some(&applicant),
                Some(b"{\"organisation_name\": ".to_vec()),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_json",
    );
    assert_error(
        &client
            .call(
                Method::POST,
                "/applications",
                Some(&applicant),
                Some(&new_application(
                    "武威市示例质量有限公司",
                    &uscc("MA74XY8Q0")[..17],
                    "a1@example.cn",
                )),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_uscc",
    );
    let (status, mine) = client
        .call(Method::GET, "/applications", Some(&applicant), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["applications"], json!([]), "nothing was created");

    let (status, application) = client
        .call(
            Method::POST,
            "/applications",
            Some(&applicant),
            Some(&new_application(
                "武威市示例质量有限公司",
                &uscc("MA74XY8Q0"),
                "a1@example.cn",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{application}");
    let application_path = format!("/applications/{}", application["id"].as_str().unwrap());
    let documents_path = format!("{application_path}/documents");
    let pdf = evidence_pdf();

    // Refused declarations.
    assert_error(
        &client
            .call(
                Method::POST,
                &documents_path,
                Some(&applicant),
                Some(&declaration("setup.exe", "application/x-msdownload", &pdf)),
            )
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_document_type",
    );
    let mut oversize = declaration("report.pdf", "application/pdf", &pdf);
    oversize["size"] = json!(award_app::DEFAULT_MAX_UPLOAD_BYTES + 1);
    assert_error(
        &client
            .call(
                Method::POST,
                &documents_path,
                Some(&applicant),
                Some(&oversize),
            )
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "document_too_large",
    );
    assert_error(
        &client
            .call(
                Method::POST,
                &documents_path,
                Some(&applicant),
                Some(&declaration("report.docx", "application/pdf", &pdf)),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "extension_mismatch",
    );

    // Another applicant's application does not exist for them, to read or to write.
    assert_error(
        &client
            .call(Method::GET, &application_path, Some(&other), None)
            .await,
        StatusCode::NOT_FOUND,
        "application_not_found",
    );
    assert_error(
        &client
            .call(
                Method::POST,
                &documents_path,
                Some(&other),
                Some(&declaration("report.pdf", "application/pdf", &pdf)),
            )
            .await,
        StatusCode::NOT_FOUND,
        "application_not_found",
    );
    // No token, or one that has expired: refused before the handler, as by the JWT authorizer.
    assert_error(
        &client
            .call(Method::GET, &application_path, None, None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let expired = {
        let identity = Identity {
            sub: "applicant-1".into(),
            email: "a1@example.cn".into(),
            roles: vec!["applicant".into()],
        };
        award_local::mint_token(
            &data,
            &identity,
            clock.now() - Duration::hours(2),
            Duration::hours(1),
        )
        .unwrap()
    };
    assert_error(
        &client
            .call(Method::GET, &application_path, Some(&expired), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    let (status, before) = client
        .call(Method::GET, &application_path, Some(&applicant), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        before["documents"],
        json!([]),
        "no refused declaration was kept"
    );

    // A valid declaration, then refused uploads.
    let (status, declared) = client
        .call(
            Method::POST,
            &documents_path,
            Some(&applicant),
            Some(&declaration("report.pdf", "application/pdf", &pdf)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{declared}");
    let upload = &declared["upload"];
    let url = upload["url"].as_str().unwrap().to_owned();
    settled(&server).await;
    let emails_before = outbox_emails(&server.outbox());

    let mut forged = pdf.clone();
    forged[0] ^= 0x20;
    assert_error(
        &client.presigned(upload, &url, forged).await,
        StatusCode::BAD_REQUEST,
        "checksum_mismatch",
    );
    let mut longer = pdf.clone();
    longer.push(b'\n');
    assert_error(
        &client.presigned(upload, &url, longer).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    // The blob routes answer in the API's JSON shape too: a method no link is issued for, and a
    // path that does not decode to a key.
    let blob_path = url
        .strip_prefix(&client.base)
        .and_then(|rest| rest.split_once('?'))
        .map(|(path, _)| path.to_owned())
        .unwrap();
    assert_error(
        &client
            .call_raw(Method::POST, &blob_path, None, Some(pdf.clone()))
            .await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    assert_error(
        &client
            .call_raw(Method::GET, "/blobs/%FF%FE", None, None)
            .await,
        StatusCode::FORBIDDEN,
        "bad_signature",
    );
    let tampered = tamper_signature(&url);
    assert_error(
        &client.presigned(upload, &tampered, pdf.clone()).await,
        StatusCode::FORBIDDEN,
        "bad_signature",
    );
    let other_key = url.replacen(
        &application_path[1..],
        "applications/01ARZ3NDEKTSV4RRFFQ69G5FAV",
        1,
    );
    assert_ne!(other_key, url);
    assert_error(
        &client.presigned(upload, &other_key, pdf.clone()).await,
        StatusCode::FORBIDDEN,
        "bad_signature",
    );
    clock.advance(Duration::minutes(16));
    assert_error(
        &client.presigned(upload, &url, pdf.clone()).await,
        StatusCode::FORBIDDEN,
        "link_expired",
    );

    settled(&server).await;
    let (status, after) = client
        .call(Method::GET, &application_path, Some(&applicant), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["documents"].as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after["documents"][0]["status"], "declared", "{after}");
    assert_eq!(
        outbox_emails(&server.outbox()),
        emails_before,
        "no email for a refused upload"
    );
    server.shutdown().await.expect("a clean shutdown");
}

/// Flips one hex digit of the link's signature.
fn tamper_signature(url: &str) -> String {
    let at = url.find("signature=").expect("a signed link") + "signature=".len();
    let mut bytes = url.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).unwrap()
}

/// Fills the form, chooses the unit, uploads every required document through its presigned link
/// and submits; returns the application's path.
async fn submitted_application(
    client: &Client,
    server: &RunningServer,
    applicant: &str,
    (name, code, contact): (&str, &str, &str),
    unit: &str,
    deadline: chrono::NaiveDate,
) -> String {
    let (status, application) = client
        .call(
            Method::POST,
            "/applications",
            Some(applicant),
            Some(&new_application(name, &uscc(code), contact)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{application}");
    let path = format!("/applications/{}", application["id"].as_str().unwrap());
    let update = json!({
        "version": 1,
        "form": complete_form(deadline, name, &uscc(code), contact),
        "recommender_id": unit,
    });
    let (status, saved) = client
        .call(
            Method::PUT,
            &format!("{path}/form"),
            Some(applicant),
            Some(&update),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    for category in required_categories() {
        let bytes = format!("%PDF-1.4\n% {category}\n%%EOF\n").into_bytes();
        let (status, declared) = client
            .call(
                Method::POST,
                &format!("{path}/documents"),
                Some(applicant),
                Some(&declaration_of(
                    category,
                    &format!("{category}.pdf"),
                    "application/pdf",
                    &bytes,
                )),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{declared}");
        let upload = &declared["upload"];
        let (status, refusal) = client
            .presigned(upload, upload["url"].as_str().unwrap(), bytes)
            .await;
        assert_eq!(status, StatusCode::OK, "{refusal}");
    }
    settled(server).await;
    let (status, submitted) = client
        .call(
            Method::POST,
            &format!("{path}/submit"),
            Some(applicant),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["lifecycle"]["state"], "submitted");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_are_submitted_recommended_and_the_call_closes_by_itself() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let clock = ManualClock::new(start_of_test());
    let server = start_runner_with(&data, &clock, Some(StdDuration::from_millis(50))).await;
    let client = Client::new(&server);
    let office = open_cycle(&client, &data, &clock).await;
    let (_, cycle) = client.call(Method::GET, "/cycles/open", None, None).await;
    let cycle_id = cycle["id"].as_str().unwrap().to_owned();
    let deadline: chrono::NaiveDate = cycle["application_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let recommendation_deadline: chrono::NaiveDate = cycle["recommendation_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let (status, unit) = client
        .call(
            Method::POST,
            "/recommenders",
            Some(&office),
            Some(&liangzhou_office(
                "liangzhou-1",
                "liangzhou@wuwei.example.cn",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let unit = unit["id"].as_str().unwrap().to_owned();
    let recommender = token(
        &data,
        &clock,
        "recommender",
        "liangzhou-1",
        "liangzhou@wuwei.example.cn",
    );

    let first = token(&data, &clock, "applicant", "applicant-1", "one@example.cn");
    let recommended = submitted_application(
        &client,
        &server,
        &first,
        ("武威市示例质量有限公司", "MA74XY8Q0", "one@example.cn"),
        &unit,
        deadline,
    )
    .await;
    let second = token(&data, &clock, "applicant", "applicant-2", "two@example.cn");
    let waiting = submitted_application(
        &client,
        &server,
        &second,
        ("武威市第二示例有限公司", "MA74XY8R1", "two@example.cn"),
        &unit,
        deadline,
    )
    .await;

    // The unit's inbox holds both; it recommends the first.
    let (status, inbox) = client
        .call(Method::GET, "/recommendations", Some(&recommender), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(
        inbox["applications"].as_array().unwrap().len(),
        2,
        "{inbox}"
    );
    let (status, answer) = client
        .call(
            Method::POST,
            &format!("{recommended}/recommend"),
            Some(&recommender),
            Some(&json!({"opinion": "经审核，同意推荐。", "signer_name": "赵六"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["lifecycle"]["state"], "recommended");
    settled(&server).await;
    let emails = outbox_emails(&server.outbox());
    let to_unit: Vec<_> = emails
        .iter()
        .filter(|email| email.to == ["liangzhou@wuwei.example.cn"])
        .collect();
    assert_eq!(
        to_unit.len(),
        2,
        "one request per submitted application: {emails:#?}"
    );
    assert!(
        to_unit
            .iter()
            .all(|email| email.subject.contains("请签署推荐意见"))
    );
    assert!(emails.iter().any(|email| email.to == ["one@example.cn"]
        && email.subject.contains("推荐意见已签署")
        && email.text.contains("经审核，同意推荐。")));

    // The clock passes the application deadline, then the recommendation deadline: the
    // runner's own schedule closes the call, then closes the application still waiting.
    clock.set(china_midnight_after(deadline));
    cycle_reaches(&client, &data, &clock, &cycle_id, "closed").await;
    let (status, _) = client.call(Method::GET, "/cycles/open", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    clock.set(china_midnight_after(recommendation_deadline));
    cycle_reaches(&client, &data, &clock, &cycle_id, "reviewing").await;
    settled(&server).await;
    let second = token(&data, &clock, "applicant", "applicant-2", "two@example.cn");
    let first = token(&data, &clock, "applicant", "applicant-1", "one@example.cn");
    let (_, closed) = client
        .call(Method::GET, &waiting, Some(&second), None)
        .await;
    assert_eq!(closed["lifecycle"]["state"], "rejected", "{closed}");
    let (_, kept) = client
        .call(Method::GET, &recommended, Some(&first), None)
        .await;
    assert_eq!(kept["lifecycle"]["state"], "recommended");
    let emails = outbox_emails(&server.outbox());
    assert!(
        emails.iter().any(|email| email.to == ["two@example.cn"]
            && email.subject.contains("申报未获通过")
            && email.text.contains("推荐截止日期")),
        "{emails:#?}"
    );

    // The runner's stream screened the recommended application (Art. 11(4)); the Office reads
    // the verdicts, the export, and confirms: eligible, and the applicant is told.
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let (status, screened) = client
        .call(
            Method::GET,
            &format!("{recommended}/screening"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{screened}");
    assert_eq!(screened["screened_by"], "system", "{screened}");
    assert_eq!(screened["screening"]["as_of"], deadline.to_string());
    assert_eq!(screened["overall"], "eligible", "{screened}");
    let (status, content_type, export) = client
        .download(&format!("/cycles/{cycle_id}/screening.csv"), &office)
        .await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "text/csv; charset=utf-8")
    );
    assert!(export.starts_with("\u{FEFF}申报编号,"), "{export}");
    assert_eq!(export.lines().count(), 3, "{export}");
    let (status, confirmed) = client
        .call(
            Method::POST,
            &format!("{recommended}/screening/confirm"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    settled(&server).await;
    let emails = outbox_emails(&server.outbox());
    assert!(
        emails
            .iter()
            .any(|email| email.to == ["one@example.cn"] && email.subject.contains("资格审查通过")),
        "{emails:#?}"
    );
    server.shutdown().await.expect("a clean shutdown");
}

/// Waits until the cycle reads `status`: the runner's schedule moves it on its own ticks, which no
/// event announces, so the Office reads it until it changes (bounded by `SETTLE_TIMEOUT`).
async fn cycle_reaches(
    client: &Client,
    data: &Path,
    clock: &ManualClock,
    cycle_id: &str,
    status: &str,
) {
    // Tokens live a working day: mint one at the clock's current time.
    let office = token(data, clock, "office", "office-1", "office@wuwei.example.cn");
    let path = format!("/cycles/{cycle_id}");
    let deadline = std::time::Instant::now() + SETTLE_TIMEOUT;
    loop {
        let (_, cycle) = client.call(Method::GET, &path, Some(&office), None).await;
        if cycle["status"] == status {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the cycle stayed {}",
            cycle["status"]
        );
        tokio::task::yield_now().await;
    }
}

/// 00:00 China time on the day after `day`.
fn china_midnight_after(day: chrono::NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap();
    next.and_utc() - Duration::hours(8)
}

/// The Office's phase view of an application: its state, result and sheets.
async fn phase_view(client: &Client, office: &str, application: &str, phase: &str) -> Value {
    let (status, view) = client
        .call(
            Method::GET,
            &format!("/applications/{application}/reviews/{phase}"),
            Some(office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

/// An assigned expert declares no conflict and accepts the pledge (Art. 19), reads the
/// application, downloads one document through its link, and submits `items`. Returns the
/// downloaded document's id.
async fn expert_reviews(
    client: &Client,
    expert: &str,
    application: &str,
    phase: &str,
    items: Value,
) -> String {
    let (status, declared) = client
        .call(
            Method::POST,
            &format!("/reviews/{application}/{phase}/declaration"),
            Some(expert),
            Some(&json!({"conflict": false, "pledge": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["assignment"]["status"], "accepted", "{declared}");
    let (status, read) = client
        .call(
            Method::GET,
            &format!("/applications/{application}"),
            Some(expert),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let document = read["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|document| document["status"] == "received")
        .unwrap_or_else(|| panic!("no received evidence: {read}"));
    let document_id = document["id"].as_str().unwrap().to_owned();
    let (status, download) = client
        .call(
            Method::GET,
            &format!("/applications/{application}/documents/{document_id}/download"),
            Some(expert),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{download}");
    let fetched = client
        .http
        .get(download["download"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    let bytes = fetched.bytes().await.unwrap();
    // The applicant's evidence, as `submitted_application` uploaded it.
    let category = document["category"].as_str().unwrap();
    assert_eq!(
        bytes.as_ref(),
        format!("%PDF-1.4\n% {category}\n%%EOF\n").as_bytes()
    );
    let (status, mine) = client
        .call(
            Method::GET,
            &format!("/reviews/{application}/{phase}"),
            Some(expert),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert!(
        mine["rubric"].is_object(),
        "the pledge opened the rubric: {mine}"
    );
    let (status, submitted) = client
        .call(
            Method::POST,
            &format!("/reviews/{application}/{phase}/submit"),
            Some(expert),
            Some(&submission(&mine["version"], items)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["assignment"]["status"], "submitted");
    document_id
}

/// Where the expert review leaves the cycle: three candidates sent to the Committee, the runner
/// still serving on the test's clock (its schedule every 50 ms).
struct Reviewed {
    /// Kept so that the data folder outlives the runner.
    _folder: tempfile::TempDir,
    data: std::path::PathBuf,
    clock: ManualClock,
    server: RunningServer,
    client: Client,
    cycle_id: String,
    /// The 6 applications in applicant order; the first 3 are the candidates.
    apps: Vec<String>,
    /// Each application's document-review panel, by pool number, leader first.
    panels: Vec<Vec<u32>>,
}

/// The email of the scenario's applicant `number`.
fn contact(number: u32) -> String {
    format!("applicant-{number}@example.cn")
}

/// The review scenario (Arts. 8, 11(1)–(7), 19, 20) over HTTP: 6 applications submitted and
/// recommended, screened, reviewed on documents by drawn panels (one consensus), 4 shortlisted,
/// reviewed on site, 3 candidates ranked and sent to the Committee.
async fn review_to_three_candidates() -> Reviewed {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let clock = ManualClock::new(start_of_test());
    let server = start_runner_with(&data, &clock, Some(StdDuration::from_millis(50))).await;
    let client = Client::new(&server);
    let office = open_cycle(&client, &data, &clock).await;
    let (_, cycle) = client.call(Method::GET, "/cycles/open", None, None).await;
    let cycle_id = cycle["id"].as_str().unwrap().to_owned();
    let deadline: chrono::NaiveDate = cycle["application_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let recommendation_deadline: chrono::NaiveDate = cycle["recommendation_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (status, unit) = client
        .call(
            Method::POST,
            "/recommenders",
            Some(&office),
            Some(&liangzhou_office(
                "liangzhou-1",
                "liangzhou@wuwei.example.cn",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let unit = unit["id"].as_str().unwrap().to_owned();
    let recommender = token(
        &data,
        &clock,
        "recommender",
        "liangzhou-1",
        "liangzhou@wuwei.example.cn",
    );

    // --- 6 applications submitted and recommended (Art. 11(1)–(3)).
    let mut apps = Vec::new();
    for number in 1..=REVIEW_APPLICATIONS {
        let applicant = token(
            &data,
            &clock,
            "applicant",
            &format!("applicant-{number}"),
            &contact(number),
        );
        let path = submitted_application(
            &client,
            &server,
            &applicant,
            (
                &applicant_name(number),
                &applicant_code(number),
                &contact(number),
            ),
            &unit,
            deadline,
        )
        .await;
        let (status, answer) = client
            .call(
                Method::POST,
                &format!("{path}/recommend"),
                Some(&recommender),
                Some(&json!({"opinion": "经审核，同意推荐。", "signer_name": "赵六"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        apps.push(path.trim_start_matches("/applications/").to_owned());
    }

    // --- the runner's clock passes the recommendation deadline: its schedule moves the cycle to
    // review; its change feed screened each application (Art. 11(4)); the Office confirms.
    clock.set(china_midnight_after(recommendation_deadline) + Duration::hours(9));
    cycle_reaches(&client, &data, &clock, &cycle_id, "reviewing").await;
    settled(&server).await;
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let expert = |number: u32| {
        token(
            &data,
            &clock,
            "expert",
            &expert_account(number),
            &expert_email(number),
        )
    };
    for app in &apps {
        let (status, screened) = client
            .call(
                Method::GET,
                &format!("/applications/{app}/screening"),
                Some(&office),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{screened}");
        assert_eq!(
            (&screened["screened_by"], &screened["overall"]),
            (&json!("system"), &json!("eligible")),
            "{screened}"
        );
        let (status, confirmed) = client
            .call(
                Method::POST,
                &format!("/applications/{app}/screening/confirm"),
                Some(&office),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{confirmed}");
        assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    }

    // --- the expert pool: 8 experts, two of them conflicted (Art. 19).
    let today = award_domain::china_date(clock.now());
    let mut pool = Vec::new();
    for number in 1..=POOL_SIZE {
        let (status, created) = client
            .call(
                Method::POST,
                "/experts",
                Some(&office),
                Some(&pool_expert(number, today)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        pool.push(created["id"].as_str().unwrap().to_owned());
    }

    // --- the seeded draw: 5 per application, load ≤ ⌈30 / 8⌉ + 1 = 5, no conflicted pair.
    let (status, draw) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/assignments"),
            Some(&office),
            Some(&json!({"phase": "document", "seed": 20260805})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{draw}");
    assert_eq!(
        (&draw["seed"], &draw["load_bound"]),
        (&json!(20260805), &json!(5))
    );
    assert_fair_draw(&draw, &apps, &pool, 5);
    let mut panels = Vec::new();
    for app in &apps {
        let panel = panel_numbers(&phase_view(&client, &office, app, "document").await, &pool);
        assert_eq!(panel.len(), 5);
        panels.push(panel);
    }

    // --- every expert declares, takes the pledge, reads one document, scores; on applicant 1
    // the last panel member disagrees on one item. An expert off the panel reads nothing.
    let outsider = (1..=POOL_SIZE)
        .find(|number| !panels[0].contains(number))
        .unwrap();
    for (index, (app, panel)) in apps.iter().zip(&panels).enumerate() {
        for (position, member) in panel.iter().enumerate() {
            let items = if index == 0 && position == panel.len() - 1 {
                sheet_items(document_review_percent(0), &[(DISPUTED_ITEM, 10)])
            } else {
                sheet_items(document_review_percent(index), &[])
            };
            let document = expert_reviews(&client, &expert(*member), app, "document", items).await;
            if index == 0 && position == 0 {
                let (status, refused) = client
                    .call(
                        Method::GET,
                        &format!("/applications/{app}/documents/{document}/download"),
                        Some(&expert(outsider)),
                        None,
                    )
                    .await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{refused}");
                let (status, _) = client
                    .call(
                        Method::GET,
                        &format!("/reviews/{app}/document"),
                        Some(&expert(outsider)),
                        None,
                    )
                    .await;
                assert_eq!(status, StatusCode::NOT_FOUND);
            }
        }
    }
    // The first submitted sheet froze the cycle's rules (Art. 20).
    let (_, frozen) = client
        .call(
            Method::GET,
            &format!("/cycles/{cycle_id}"),
            Some(&office),
            None,
        )
        .await;
    assert!(frozen["rules_frozen_at"].is_string(), "{frozen}");

    // --- the runner's change feed ran `aggregate` on the submitted sheets: applicant 1 waits for
    // its consensus, the others have their document-review result.
    settled(&server).await;
    let first = phase_view(&client, &office, &apps[0], "document").await;
    assert_eq!(first["state"], "eligible", "{first}");
    assert_eq!(
        first["review"]["result"]["needs_consensus"],
        json!([DISPUTED_ITEM]),
        "{first}"
    );
    for app in &apps[1..] {
        let view = phase_view(&client, &office, app, "document").await;
        assert_eq!(view["state"], "document_reviewed", "{view}");
    }

    // --- the leader records the consensus on the disputed item.
    let leader = panels[0][0];
    let (status, round) = client
        .call(
            Method::GET,
            &format!("/reviews/{}/document", apps[0]),
            Some(&expert(leader)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{round}");
    assert_eq!(round["consensus_round"]["items"], json!([DISPUTED_ITEM]));
    let (status, done) = client
        .call(
            Method::POST,
            &format!("/reviews/{}/document/consensus", apps[0]),
            Some(&expert(leader)),
            Some(&json!({"items": {DISPUTED_ITEM: {"percent": 70, "note": "合议后统一为70%。"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "completed", "{done}");

    // --- the shortlist of 4 (Art. 11(5)), confirmed by the Office.
    let (status, proposal) = client
        .call(
            Method::GET,
            &format!("/cycles/{cycle_id}/shortlist"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{proposal}");
    let shortlisted: Vec<String> = proposal["shortlisted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["application_id"].as_str().unwrap().to_owned())
        .collect();
    let mut expected = apps[..4].to_vec();
    let mut sorted = shortlisted.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "{proposal}");
    let (status, decided) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/shortlist/confirm"),
            Some(&office),
            Some(&json!({"applications": shortlisted})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["not_selected"].as_array().unwrap().len(), 2);

    // --- the on-site review (Art. 11(6)): panels of 3, the visit, the scores, the panel's report
    // uploaded by the Office through its presigned link, the satisfaction survey.
    let (status, draw) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/assignments"),
            Some(&office),
            Some(&json!({"phase": "onsite", "seed": 7})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{draw}");
    assert_fair_draw(&draw, &apps[..4], &pool, 3);
    let visit_date = (today + Duration::days(5)).to_string();
    for (index, app) in apps[..4].iter().enumerate() {
        let (status, recorded) = client
            .call(
                Method::PUT,
                &format!("/applications/{app}/onsite-visit"),
                Some(&office),
                Some(&json!({"date": visit_date, "notes": "现场查看生产线。"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{recorded}");
        let panel = panel_numbers(&phase_view(&client, &office, app, "onsite").await, &pool);
        assert_eq!(panel.len(), 3);
        for member in panel {
            expert_reviews(
                &client,
                &expert(member),
                app,
                "onsite",
                sheet_items(onsite_percent(index), &[]),
            )
            .await;
        }
        let report = format!("%PDF-1.4\n% 现场评审报告 {index}\n%%EOF\n").into_bytes();
        let (status, declared) = client
            .call(
                Method::POST,
                &format!("/applications/{app}/documents"),
                Some(&office),
                Some(&declaration_of(
                    "review_report",
                    "现场评审报告.pdf",
                    "application/pdf",
                    &report,
                )),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{declared}");
        let upload = &declared["upload"];
        let (status, refusal) = client
            .presigned(upload, upload["url"].as_str().unwrap(), report)
            .await;
        assert_eq!(status, StatusCode::OK, "{refusal}");
        // The feed aggregated the sheets and the received report: only the survey is missing.
        settled(&server).await;
        let view = phase_view(&client, &office, app, "onsite").await;
        assert_eq!(view["state"], "shortlisted", "{view}");
        let (status, outcome) = client
            .call(
                Method::PUT,
                &format!("/applications/{app}/survey"),
                Some(&office),
                Some(&survey(index)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        assert_eq!(outcome["outcome"], "completed", "{outcome}");
    }

    // --- the combined evaluation (Art. 11(7)): 3 candidates, the quota, sent to the Committee.
    let (status, ranking) = client
        .call(
            Method::GET,
            &format!("/cycles/{cycle_id}/ranking"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ranking}");
    let candidates: Vec<String> = ranking["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|candidate| candidate.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(candidates, apps[..3].to_vec(), "{ranking}");
    let (status, sent) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/candidates"),
            Some(&office),
            Some(&json!({"applications": candidates})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let (_, listed) = client
        .call(
            Method::GET,
            &format!("/cycles/{cycle_id}/applications?state=candidate"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(
        listed["applications"].as_array().unwrap().len(),
        3,
        "{listed}"
    );

    Reviewed {
        _folder: folder,
        data,
        clock,
        server,
        client,
        cycle_id,
        apps,
        panels,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experts_review_six_applications_down_to_three_candidates() {
    let Reviewed {
        _folder,
        server,
        panels,
        ..
    } = review_to_three_candidates().await;
    let leader = panels[0][0];
    // --- the emails the runner sent for the key notices.
    settled(&server).await;
    let emails = outbox_emails(&server.outbox());
    for number in 1..=POOL_SIZE {
        let assigned = panels
            .iter()
            .filter(|panel| panel.contains(&number))
            .count();
        let told = emails
            .iter()
            .filter(|email| {
                email.to == [expert_email(number)]
                    && email.subject.starts_with(DOCUMENT_REVIEW_ASSIGNED)
            })
            .count();
        assert_eq!(told, assigned, "expert {number}: {emails:#?}");
    }
    let consensus: Vec<_> = emails
        .iter()
        .filter(|email| {
            email
                .subject
                .starts_with(DOCUMENT_REVIEW_CONSENSUS_REQUESTED)
        })
        .collect();
    assert_eq!(consensus.len(), 1, "{emails:#?}");
    assert_eq!(consensus[0].to, [expert_email(leader)]);
    assert!(consensus[0].text.contains(DISPUTED_ITEM), "{consensus:#?}");
    for number in 1..=REVIEW_APPLICATIONS {
        let told = |subject: &str| {
            emails
                .iter()
                .filter(|email| email.to == [contact(number)] && email.subject == subject)
                .count()
        };
        assert_eq!(
            told(&shortlisted_subject(&applicant_name(number))),
            usize::from(number <= 4),
            "applicant {number}"
        );
        assert_eq!(
            told(&not_shortlisted_subject(&applicant_name(number))),
            usize::from(number > 4),
            "applicant {number}"
        );
        assert_eq!(
            told(&not_selected_subject(&applicant_name(number))),
            usize::from(number == 4),
            "applicant {number}"
        );
        assert_eq!(
            told(&candidate_listed_subject(&applicant_name(number))),
            usize::from(number <= 3),
            "applicant {number}"
        );
    }
    server.shutdown().await.expect("a clean shutdown");
}

/// Reads an application as the Office sees it.
async fn office_reads(client: &Client, office: &str, application: &str) -> Value {
    let (status, read) = client
        .call(
            Method::GET,
            &format!("/applications/{application}"),
            Some(office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    read
}

/// Waits until `field` of each of `applications` reads `value` as the Office sees it: the
/// runner's schedule (the `publicity` function's daily run) writes it on its own ticks, which no
/// event announces (bounded by `SETTLE_TIMEOUT`).
async fn applications_reach(
    client: &Client,
    office: &str,
    applications: &[String],
    field: &str,
    value: &Value,
) {
    let deadline = std::time::Instant::now() + SETTLE_TIMEOUT;
    for application in applications {
        loop {
            let read = office_reads(client, office, application).await;
            if &read[field] == value {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{application}: {field} stayed {}",
                read[field]
            );
            tokio::task::yield_now().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_candidates_become_three_awards_with_the_reward_paid() {
    let Reviewed {
        _folder,
        data,
        clock,
        server,
        client,
        cycle_id,
        apps,
        ..
    } = review_to_three_candidates().await;
    assert_eq!(cycle_id, DECISION_CYCLE);
    let candidates = &apps[..3];
    let names: Vec<String> = (1..=3).map(applicant_name).collect();
    let emails: Vec<String> = (1..=REVIEW_APPLICATIONS).map(contact).collect();
    let mailboxes = award_local::default_mailboxes();
    let at = |date: &str, hour: u32, minute: u32| china_time(day(date), hour, minute);

    // --- the Committee's deliberation (Arts. 7(3), 11(8)): the list must be exactly the
    // candidates; then the vice-mayors' consultation.
    clock.set(at("2026-09-23", 10, 0));
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let committee = token(
        &data,
        &clock,
        "committee",
        "committee-1",
        "committee@wuwei.example.cn",
    );
    // The Committee uploads its minutes; the deliberation names them once received.
    let minutes = minutes_pdf();
    let (status, declared) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/minutes"),
            Some(&committee),
            Some(&minutes_declaration(&minutes)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{declared}");
    let upload = &declared["upload"];
    let (status, refusal) = client
        .presigned(upload, upload["url"].as_str().unwrap(), minutes)
        .await;
    assert_eq!(status, StatusCode::OK, "{refusal}");
    settled(&server).await;
    let minutes_id = declared["attachment"]["id"].as_str().unwrap();
    let deliberation_path = format!("/cycles/{cycle_id}/deliberation");
    let mut partial = deliberation(candidates, minutes_id);
    partial["decisions"].as_array_mut().unwrap().pop();
    assert_error(
        &client
            .call(
                Method::POST,
                &deliberation_path,
                Some(&committee),
                Some(&partial),
            )
            .await,
        StatusCode::CONFLICT,
        "deliberation_list_mismatch",
    );
    let (status, recorded) = client
        .call(
            Method::POST,
            &deliberation_path,
            Some(&committee),
            Some(&deliberation(candidates, minutes_id)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    for app in candidates {
        assert_eq!(
            office_reads(&client, &office, app).await["lifecycle"]["state"],
            "proposed"
        );
    }
    let (status, consulted) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/consultation"),
            Some(&office),
            Some(&consultation()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{consulted}");

    // --- the publicity (Art. 11(8)) from 30 September: 5 working days across National Day.
    let (status, publicity) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/publicity"),
            Some(&office),
            Some(&json!({"first_day": PUBLICITY_FIRST_DAY})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{publicity}");
    assert_eq!(publicity["last_day"], PUBLICITY_LAST_DAY, "{publicity}");
    for app in candidates {
        assert_eq!(
            office_reads(&client, &office, app).await["lifecycle"]["state"],
            "in_publicity"
        );
    }

    // --- the public list, read without a token during the period.
    clock.set(at(PUBLICITY_FIRST_DAY, 9, 0));
    let public_path = format!("/public/publicity/{cycle_id}");
    let (status, public) = client.call(Method::GET, &public_path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{public}");
    assert_public_list(&public, &names, &emails);

    // --- objections (Art. 3), without an account: one at 23:59 China time on the last day is
    // received; one two minutes later, after 24:00, is refused.
    let objections_path = format!("{public_path}/objections");
    let objector_email = "zhangsan@example.cn";
    clock.set(at(PUBLICITY_LAST_DAY, 23, 59));
    let (status, receipt) = client
        .call(
            Method::POST,
            &objections_path,
            None,
            Some(&objection(&candidates[0], objector_email)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let receipt = receipt["receipt"].as_str().unwrap().to_owned();
    clock.set(china_midnight_after(day(PUBLICITY_LAST_DAY)) + Duration::minutes(1));
    assert_error(
        &client
            .call(
                Method::POST,
                &objections_path,
                None,
                Some(&objection(&candidates[1], "13800000000")),
            )
            .await,
        StatusCode::CONFLICT,
        "objection_period_over",
    );

    // --- the runner's schedule on 13 October: the two names without an objection close; the
    // third waits, and the Office is reminded (once, however often the schedule runs that day).
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let first_day_after = json!("2026-10-13");
    applications_reach(
        &client,
        &office,
        &candidates[1..],
        "publicity_closed_on",
        &first_day_after,
    )
    .await;
    applications_reach(
        &client,
        &office,
        &candidates[..1],
        "objection_reminded_on",
        &first_day_after,
    )
    .await;
    assert_eq!(
        office_reads(&client, &office, &candidates[0]).await["publicity_closed_on"],
        Value::Null
    );

    // --- the Office's finding (not upheld): the objector is answered by email, and the third
    // name's publicity, over since yesterday, closes with it.
    clock.set(at("2026-10-13", 10, 0));
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let (status, listed) = client
        .call(
            Method::GET,
            &format!("/cycles/{cycle_id}/objections"),
            Some(&office),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let listed = listed["objections"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (
            listed[0]["id"].as_str(),
            &listed[0]["objector_name"],
            &listed[0]["contact"],
            &listed[0]["status"],
        ),
        (
            Some(receipt.as_str()),
            &json!(OBJECTOR_NAME),
            &json!(objector_email),
            &json!("open"),
        )
    );
    let (status, decided) = client
        .call(
            Method::POST,
            &format!("/objections/{receipt}/decision"),
            Some(&office),
            Some(&json!({"upheld": false, "reply": OBJECTION_REPLY})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"], "dismissed", "{decided}");
    applications_reach(
        &client,
        &office,
        &candidates[..1],
        "publicity_closed_on",
        &first_day_after,
    )
    .await;
    settled(&server).await;
    let sent = outbox_emails(&server.outbox());
    let count = |to: &str, subject: &str| {
        sent.iter()
            .filter(|email| email.to == [to] && email.subject == subject)
            .count()
    };
    for name in &names {
        assert_eq!(
            count(&mailboxes.office, &publicity_closed_subject(name)),
            1,
            "{name}: {sent:#?}"
        );
    }
    assert_eq!(
        count(&mailboxes.office, &objection_pending_subject(&names[0])),
        1,
        "{sent:#?}"
    );
    assert_eq!(
        sent.iter()
            .filter(|email| email.subject.contains("异议尚未处理"))
            .count(),
        1,
        "only the name with an objection waited: {sent:#?}"
    );
    let answered: Vec<_> = sent
        .iter()
        .filter(|email| email.subject == objection_answered_subject(&names[0], &receipt))
        .collect();
    assert_eq!(answered.len(), 1, "{sent:#?}");
    assert_eq!(answered[0].to, [objector_email]);
    assert!(
        answered[0].text.contains("异议不成立") && answered[0].text.contains(OBJECTION_REPLY),
        "{answered:#?}"
    );

    // --- the executive meeting and the approvals (Arts. 4, 11(9)): 3 approved, valid 5 years.
    clock.set(at(EXECUTIVE_MEETING_DAY, 10, 0));
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let (status, meeting) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/executive-meeting"),
            Some(&office),
            Some(&executive_meeting()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{meeting}");
    for app in candidates {
        let (status, approved) = client
            .call(
                Method::POST,
                &format!("/applications/{app}/approve"),
                Some(&office),
                Some(&approval()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(approved["lifecycle"]["state"], "approved");
        assert_eq!(
            approved["lifecycle"]["validity"]["last_valid_day"],
            "2031-10-20"
        );
    }
    // A fourth name can never come up for approval: the fourth shortlisted application never
    // entered publicity (the quota itself under concurrency is the moto test's and the
    // in-process test's).
    assert_error(
        &client
            .call(
                Method::POST,
                &format!("/applications/{}/approve", apps[3]),
                Some(&office),
                Some(&approval()),
            )
            .await,
        StatusCode::CONFLICT,
        "illegal_transition",
    );

    // --- the awards (Arts. 12–14): certificate numbers in the Office's format, the register,
    // the public board.
    for (index, app) in candidates.iter().enumerate() {
        let (status, awarded) = client
            .call(
                Method::POST,
                &format!("/applications/{app}/award"),
                Some(&office),
                Some(&json!({})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{awarded}");
        assert_eq!(awarded["lifecycle"]["state"], "awarded");
        assert_eq!(
            (
                &awarded["lifecycle"]["award"]["certificate_number"],
                &awarded["lifecycle"]["award"]["reward"],
            ),
            (&json!(certificate_number(index + 1)), &json!(REWARD_FEN)),
            "{awarded}"
        );
    }
    let (status, register) = client
        .call(Method::GET, "/register", Some(&office), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{register}");
    let mut registered: Vec<&str> = register["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["fact"]["kind"] == "award" && entry["fact"]["cycle_id"] == cycle_id)
        .map(|entry| entry["uscc"].as_str().unwrap())
        .collect();
    registered.sort();
    let mut winners: Vec<String> = (1..=3).map(|n| uscc(&applicant_code(n))).collect();
    winners.sort();
    assert_eq!(registered, winners, "{register}");
    // Art. 11(9): the Office issues ONE announcement naming every winner.
    let (status, issued) = client
        .call(
            Method::POST,
            &format!("/cycles/{cycle_id}/announcement"),
            Some(&office),
            Some(&json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    let (status, board) = client
        .call(Method::GET, "/public/notices", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let announcements: Vec<&Value> = board["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == "award_announcement")
        .collect();
    assert_eq!(announcements.len(), 1, "{board}");
    for name in &names {
        assert!(
            announcements
                .iter()
                .any(|entry| entry["body"].as_str().unwrap().contains(name.as_str())),
            "{name}: {board}"
        );
    }
    settled(&server).await;
    let sent = outbox_emails(&server.outbox());
    for (number, name) in (1..=3).zip(&names) {
        assert!(
            sent.iter().any(|email| email.to == [contact(number)]
                && email.subject == awarded_subject(name)
                && email.text.contains(&certificate_number(number as usize))
                && email.text.contains("第十四条")),
            "applicant {number}: {sent:#?}"
        );
        assert_eq!(
            sent.iter()
                .filter(|email| email.to == [mailboxes.finance.as_str()]
                    && email.subject == reward_payable_subject(name))
                .count(),
            1,
            "{name}: {sent:#?}"
        );
    }

    // --- the reward (Arts. 12, 13): the finance bureau records each payment, once; the Office
    // may not; the Office records the plaque's handover.
    clock.set(at("2026-11-03", 10, 0));
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let finance = token(
        &data,
        &clock,
        "finance",
        "finance-1",
        "finance@wuwei.example.cn",
    );
    let first_payment = format!("/applications/{}/reward/payment", candidates[0]);
    assert_error(
        &client
            .call(
                Method::POST,
                &first_payment,
                Some(&office),
                Some(&payment()),
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    for app in candidates {
        let (status, paid) = client
            .call(
                Method::POST,
                &format!("/applications/{app}/reward/payment"),
                Some(&finance),
                Some(&payment()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{paid}");
        assert_eq!(
            (&paid["paid_on"], &paid["voucher"]),
            (&payment()["paid_on"], &payment()["voucher"])
        );
        let (status, handed) = client
            .call(
                Method::POST,
                &format!("/applications/{app}/handover"),
                Some(&office),
                Some(&json!({"date": "2026-11-03"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{handed}");
        let read = office_reads(&client, &office, app).await;
        assert_eq!(
            (
                &read["lifecycle"]["state"],
                &read["reward"]["paid_on"],
                &read["reward"]["handed_over_on"],
            ),
            (
                &json!("awarded"),
                &json!("2026-11-02"),
                &json!("2026-11-03")
            ),
            "{read}"
        );
    }
    assert_error(
        &client
            .call(
                Method::POST,
                &first_payment,
                Some(&finance),
                Some(&payment()),
            )
            .await,
        StatusCode::CONFLICT,
        "reward_already_paid",
    );

    // --- aftercare (Arts. 5, 16, 17, 18), on the runner's own schedule: two expiry reminders to
    // each winner, a follow-up visit, a revocation for cause and the end of its bar.
    let read = office_reads(&client, &office, &candidates[0]).await;
    let last_valid_day = day(read["lifecycle"]["validity"]["last_valid_day"]
        .as_str()
        .unwrap());
    let before_expiry = |days: u64| last_valid_day - chrono::Days::new(days);
    for (reminders, on) in [(1, before_expiry(180)), (2, before_expiry(90))] {
        clock.set(at(&on.to_string(), 10, 0));
        outbox_reaches(&server, |sent| {
            (1..=3).all(|number| {
                sent.iter()
                    .filter(|email| {
                        email.to == [contact(number)] && email.subject.contains("有效期即将届满")
                    })
                    .count()
                    == reminders
            })
        })
        .await;
    }
    let office = token(
        &data,
        &clock,
        "office",
        "office-1",
        "office@wuwei.example.cn",
    );
    let visit_day = before_expiry(95).to_string();
    let (status, visit) = client
        .call(
            Method::POST,
            &format!("/applications/{}/visits", candidates[0]),
            Some(&office),
            Some(&json!({"date": visit_day, "visitors": ["王五", "赵六"], "findings": "质量管理体系运行有效。"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    let holder = token(&data, &clock, "applicant", "applicant-1", &contact(1));
    let (status, visits) = client
        .call(
            Method::GET,
            &format!("/applications/{}/visits", candidates[0]),
            Some(&holder),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{visits}");
    assert_eq!(visits["visits"][0]["date"], json!(visit_day), "{visits}");

    // Art. 18(3): a failed sampling inspection within the 5 years; the Committee decides, the city
    // government approves; the bar runs 5 years from the approval.
    let revoked_app = &candidates[2];
    let (status, case) = client
        .call(
            Method::POST,
            &format!("/applications/{revoked_app}/revocation-cases"),
            Some(&office),
            Some(&json!({"ground": "cause", "cause": 3, "occurred_on": before_expiry(120).to_string(),
                "facts": "产品在省级监督抽查中不合格。"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let case_id = case["id"].as_str().unwrap();
    let committee = token(
        &data,
        &clock,
        "committee",
        "committee-1",
        "committee@wuwei.example.cn",
    );
    let (status, decided) = client
        .call(
            Method::POST,
            &format!("/revocation-cases/{case_id}/committee-decision"),
            Some(&committee),
            Some(&json!({"date": before_expiry(90).to_string(), "minutes_reference": "评委会〔2031〕2号", "revoke": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    let revoked_on = before_expiry(90);
    let (status, revoked) = client
        .call(
            Method::POST,
            &format!("/revocation-cases/{case_id}/approval"),
            Some(&office),
            Some(&json!({"date": revoked_on.to_string(), "reference": "武政函〔2031〕12号"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    let read = office_reads(&client, &office, revoked_app).await;
    assert_eq!(read["lifecycle"]["state"], "revoked", "{read}");
    let bar_ends = day(read["lifecycle"]["revocation"]["may_apply_again_from"]
        .as_str()
        .unwrap());
    let (status, register) = client
        .call(Method::GET, "/public/register", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{register}");
    assert_eq!(
        register["debarments"].as_array().map(Vec::len),
        Some(1),
        "{register}"
    );
    assert_eq!(register["debarments"][0]["article"], "第十八条");

    // The day the bar ends, the organisation and the Office are told; the register drops it.
    clock.set(at(&bar_ends.to_string(), 10, 0));
    let sent = outbox_reaches(&server, |sent| {
        sent.iter()
            .any(|email| email.to == [contact(3)] && email.subject.contains("禁止申报期限已届满"))
    })
    .await;
    assert_eq!(
        sent.iter()
            .filter(|email| email.subject.contains("禁止申报期限已届满"))
            .count(),
        2,
        "the holder and the Office, once: {sent:#?}"
    );
    let (_, register) = client
        .call(Method::GET, "/public/register", None, None)
        .await;
    assert_eq!(
        register["debarments"].as_array().map(Vec::len),
        Some(0),
        "{register}"
    );
    server.shutdown().await.expect("a clean shutdown");
}

/// Waits until the outbox satisfies `done`: the runner's schedule sends on its own ticks, which no
/// event announces (bounded by `SETTLE_TIMEOUT`).
async fn outbox_reaches(
    server: &RunningServer,
    done: impl Fn(&[award_e2e::ReceivedEmail]) -> bool,
) -> Vec<award_e2e::ReceivedEmail> {
    let deadline = std::time::Instant::now() + SETTLE_TIMEOUT;
    loop {
        settled(server).await;
        let sent = outbox_emails(&server.outbox());
        if done(&sent) {
            return sent;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox never got there: {sent:#?}"
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_serves_the_pages_and_signs_people_in_beside_the_api() {
    let data = tempfile::tempdir().unwrap();
    let web = tempfile::tempdir().unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>质量奖</title>",
    )
    .unwrap();
    std::fs::create_dir(web.path().join("assets")).unwrap();
    std::fs::write(web.path().join("assets/app.js"), "console.log(1)").unwrap();
    std::fs::write(data.path().join("secret.txt"), "not a page").unwrap();
    let clock = ManualClock::new(start_of_test());
    let mut config = LocalConfig::new(data.path());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.clock = Arc::new(clock.clone());
    config.web_dir = Some(web.path().to_owned());
    let server = award_local::start(config).await.unwrap();
    let http = reqwest::Client::new();
    let base = server.base_url();

    let page = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("质量奖"));
    let script = http
        .get(format!("{base}/assets/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    // Nothing outside the pages' folder, and the API keeps every other path.
    let escape = http
        .get(format!("{base}/assets/..%2f..%2fsecret.txt"))
        .send()
        .await
        .unwrap();
    assert_ne!(escape.status(), StatusCode::OK);
    let notices = http
        .get(format!("{base}/public/notices"))
        .send()
        .await
        .unwrap();
    assert_eq!(notices.status(), StatusCode::OK);
    // No run-time configuration beside the pages: 404, so they use the development sign-in.
    let config = http
        .get(format!("{base}/config.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(config.status(), StatusCode::NOT_FOUND);

    let client = Client::new(&server);
    let (status, signed_in) = client
        .call(
            Method::POST,
            "/local/sign-in",
            None,
            Some(&json!({"roles": ["office"], "sub": "office-1", "email": "office@award.wuwei.local"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    assert_eq!(signed_in["expires_at"], "2026-03-02T09:00:00Z");
    let office = signed_in["token"].as_str().unwrap();
    let (status, _) = client
        .call(Method::GET, "/cycles", Some(office), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    // The token carries the role asked for, no more.
    let (status, signed_in) = client
        .call(
            Method::POST,
            "/local/sign-in",
            None,
            Some(&json!({"roles": ["applicant"], "sub": "ent-1", "email": "ent@example.cn"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let applicant = signed_in["token"].as_str().unwrap();
    let (status, _) = client
        .call(Method::GET, "/experts", Some(applicant), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    for bad in [
        json!({"roles": ["mayor"], "sub": "x", "email": "x@y.cn"}),
        json!({"roles": [], "sub": "x", "email": "x@y.cn"}),
        json!({"roles": ["office"], "sub": " ", "email": "x@y.cn"}),
        json!({"roles": ["office"], "sub": "x"}),
    ] {
        let answer = client
            .call(Method::POST, "/local/sign-in", None, Some(&bad))
            .await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_sign_in");
        let zh = answer.1["message_zh"].as_str().unwrap();
        // Chinese alone: serde's English words stay in the English message.
        assert!(zh.starts_with("无法登录"), "{zh}");
        assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
    }
    server.shutdown().await.unwrap();
}
