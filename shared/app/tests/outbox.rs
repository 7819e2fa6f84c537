//! The outbox's hardening: permanent failures, the redrive window's end, the Office's list of
//! failed notices and its resend, and the stream's partial batch response on records as Lambda
//! delivers them.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use award_app::events::{self, NotifyEvent, NotifyOutcome, REDRIVE_WINDOW_DAYS};
use award_app::model::{NoticeFailure, NoticeStatus};
use award_app::notices;
use award_app::store::type_of;
use award_app::{AppError, Caller};
use award_ports::{Email, Item, Mail, MailError};
use common::*;
use serde_json::{Value, json};

/// Refuses every email for good, as SES does an address on its suppression list.
#[derive(Default)]
struct RefusingMail {
    attempts: AtomicUsize,
}

#[async_trait]
impl Mail for RefusingMail {
    async fn send(&self, _email: &Email) -> Result<String, MailError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        Err(MailError::Permanent(
            "MessageRejected: Address blacklisted.".into(),
        ))
    }
}

/// SES took the request but the answer was lost: the first send reports `Unconfirmed` (the
/// message may well be delivered), later ones succeed. Counts the sends.
#[derive(Default)]
struct LosingAnswerMail {
    sends: AtomicUsize,
}

#[async_trait]
impl Mail for LosingAnswerMail {
    async fn send(&self, _email: &Email) -> Result<String, MailError> {
        match self.sends.fetch_add(1, Ordering::SeqCst) {
            0 => Err(MailError::Unconfirmed(
                "dispatch failure: connection closed before message completed".into(),
            )),
            n => Ok(format!("ses-message-{n}")),
        }
    }
}

#[tokio::test]
async fn a_send_whose_answer_was_lost_is_retried_by_the_outbox_and_counted_as_possibly_twice() {
    let mail = Arc::new(LosingAnswerMail::default());
    let h = Harness::with(None, Some(mail.clone()));
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;

    let report = h.deliver_stream(now()).await.unwrap();
    assert_eq!((report.retrying, report.failed), (1, 0), "{report:?}");
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(
        (notice.status, notice.unconfirmed_sends),
        (NoticeStatus::Pending, 1),
        "released with the unconfirmed send on record"
    );
    // The outbox's own back-off decides the next send, not an SDK retry in the same breath.
    events::redrive_pending_notices(&h.app, now())
        .await
        .unwrap();
    assert_eq!(mail.sends.load(Ordering::SeqCst), 1);
    let later = now() + chrono::Duration::minutes(5);
    events::redrive_pending_notices(&h.app, later)
        .await
        .unwrap();
    assert_eq!(mail.sends.load(Ordering::SeqCst), 2);
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(notice.status, NoticeStatus::Sent);
    assert_eq!(notice.message_id.as_deref(), Some("ses-message-1"));
    assert_eq!(notice.unconfirmed_sends, 1);
    assert_eq!(notice.attempts, 2);
}

fn caller(sub: &str, groups: &str) -> Caller {
    Caller::from_claims(&HashMap::from([
        ("sub".to_owned(), sub.to_owned()),
        ("cognito:groups".to_owned(), groups.to_owned()),
    ]))
    .unwrap()
}

fn office() -> Caller {
    caller(OFFICE.sub, OFFICE.groups)
}

#[tokio::test]
async fn a_permanent_failure_fails_the_notice_at_once_and_the_office_resends_it() {
    let refusing = Arc::new(RefusingMail::default());
    let h = Harness::with(None, Some(refusing.clone()));
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;

    let report = h.deliver_stream(now()).await.unwrap();
    assert_eq!((report.gave_up, report.retrying, report.failed), (1, 0, 0));
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!((notice.status, notice.attempts), (NoticeStatus::Failed, 1));
    assert!(
        notice
            .last_error
            .as_deref()
            .unwrap()
            .contains("MessageRejected")
    );
    // The Office is told why in words of its own, not the mail service's answer.
    assert_eq!(notice.failure, Some(NoticeFailure::Refused));
    let (status, listed) = h
        .request("GET", "/notices?status=failed", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["notices"][0]["failure"], "refused", "{listed}");

    // No back-off, no retries: the redrive leaves it alone.
    let later = now() + chrono::Duration::hours(2);
    events::redrive_pending_notices(&h.app, later)
        .await
        .unwrap();
    assert_eq!(refusing.attempts.load(Ordering::SeqCst), 1);

    // Only the Office sees and resends it.
    let applicant = caller(ALICE.sub, ALICE.groups);
    assert!(matches!(
        notices::list_failed(&h.app, &applicant).await,
        Err(AppError::Forbidden)
    ));
    // Through the API, as the Office's pages call it.
    let (status, listed) = h
        .request("GET", "/notices?status=failed", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["notices"].as_array().unwrap().len(), 1);
    assert_eq!(listed["notices"][0]["id"], notice.id.to_string());
    let (status, refused) = h
        .request("GET", "/notices?status=sent", Some(OFFICE), None)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_query"))
    );
    assert!(matches!(
        notices::resend(&h.app, &applicant, notice.id, later).await,
        Err(AppError::Forbidden)
    ));

    // Fixed (the address taken off the suppression list): the resend goes out through the stream.
    let mut h = h;
    h.app.mail = Arc::new(award_embedded::EmbeddedMail::new(h.outbox.clone()).unwrap());
    let before = h.last_sequence();
    let (status, resent) = h
        .request_at(
            "POST",
            &format!("/notices/{}/resend", notice.id),
            Some(OFFICE),
            None,
            later,
        )
        .await;
    assert_eq!(status, 200, "{resent}");
    assert_eq!(
        (resent["status"].as_str(), resent["attempts"].as_u64()),
        (Some("pending"), Some(0))
    );
    assert_eq!(resent.get("failure"), Some(&Value::Null), "{resent}");
    let written = h.changes_after(before);
    let audit = written
        .iter()
        .filter_map(|change| change.new_image.clone())
        .find(|image| type_of(image) == Some("audit"))
        .expect("the resend is audited");
    let audit: Value = serde_dynamo::from_item(audit).unwrap();
    assert_eq!(
        (audit["action"].as_str(), audit["actor"].as_str()),
        (Some("notice_resent"), Some(OFFICE.sub))
    );
    assert!(
        notices::list_failed(&h.app, &office())
            .await
            .unwrap()
            .is_empty()
    );

    let report = events::table_changes(&h.app, &written, later)
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(report.changed, 1);
    assert_eq!(h.emails().len(), 1);
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(notice.status, NoticeStatus::Sent);

    // A notice that is not failed cannot be resent; an unknown one is not found.
    assert!(matches!(
        notices::resend(&h.app, &office(), notice.id, later).await,
        Err(AppError::NoticeNotFailed { .. })
    ));
    assert!(matches!(
        notices::resend(&h.app, &office(), ulid::Ulid::nil(), later).await,
        Err(AppError::NoticeNotFound)
    ));
}

#[tokio::test]
async fn a_notice_still_unsent_when_it_leaves_the_redrive_window_becomes_failed() {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    // The stream record was lost and the redrive did not get to it for a week.
    let left = now() + chrono::Duration::days(REDRIVE_WINDOW_DAYS);
    let report = events::redrive_pending_notices(&h.app, left).await.unwrap();
    assert_eq!((report.changed, report.gave_up), (0, 1));
    assert!(h.emails().is_empty());
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(notice.status, NoticeStatus::Failed);
    assert!(notice.last_error.as_deref().unwrap().contains("window"));
    assert_eq!(notice.failure, Some(NoticeFailure::Overdue));
    // Through the API, as the Office's pages call it.
    let (status, listed) = h
        .request("GET", "/notices?status=failed", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["notices"].as_array().unwrap().len(), 1);
    assert_eq!(listed["notices"][0]["id"], notice.id.to_string());
    let (status, refused) = h
        .request("GET", "/notices?status=sent", Some(OFFICE), None)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_query"))
    );

    // Given up is final until the Office resends it: the next runs change nothing.
    let report = events::redrive_pending_notices(&h.app, left).await.unwrap();
    assert_eq!((report.changed, report.gave_up), (0, 0));
    h.deliver_stream(left).await.unwrap();
    assert!(h.emails().is_empty());
}

#[tokio::test]
async fn an_internationalised_contact_domain_is_stored_and_mailed_as_punycode() {
    let h = Harness::new();
    h.open_cycle().await;
    let mut body: Value = serde_json::from_str(&application_body(1)).unwrap();
    body["contact_email"] = json!("li@例子.中国");
    let (status, created) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["form"]["contact"]["email"],
        "li@xn--fsqu00a.xn--fiqs8s"
    );
    assert_eq!(
        created["contact"]["pending_email"],
        "li@xn--fsqu00a.xn--fiqs8s"
    );
    // The new contact address is sent its confirmation link, as punycode.
    let confirmation: Vec<_> = h
        .notices()
        .into_iter()
        .filter(|notice| notice.kind == award_domain::lifecycle::NoticeKind::EmailConfirmation)
        .collect();
    let [notice] = confirmation.try_into().unwrap();
    assert_eq!(notice.recipient, "li@xn--fsqu00a.xn--fiqs8s");
    h.deliver_stream(now()).await.unwrap();
    let emails = h.emails();
    assert_eq!(emails.len(), 2);
    assert!(
        emails
            .iter()
            .any(|email| email.contains("li@xn--fsqu00a.xn--fiqs8s")),
        "{emails:?}"
    );
}

// --- the stream, as Lambda delivers it ----------------------------------------------------------

/// The newest image of the pending notice the application created.
fn pending_notice_image(h: &Harness) -> Item {
    h.changes_after(0)
        .into_iter()
        .filter_map(|change| change.new_image)
        .rfind(|image| type_of(image) == Some("notice"))
        .unwrap()
}

async fn run_stream(h: &Harness, records: Vec<Value>) -> Result<NotifyOutcome, AppError> {
    let event: NotifyEvent = serde_json::from_value(json!({ "Records": records })).unwrap();
    events::notify(&h.app, event, now()).await
}

#[tokio::test]
async fn a_record_with_a_float_or_absent_creation_time_is_handled() {
    for created in [Some(json!(1772416800.123)), Some(json!(1772416800)), None] {
        let h = Harness::new();
        h.open_cycle().await;
        h.create_application(ALICE, 1).await;
        let record = stream_record(
            "INSERT",
            &pending_notice_image(&h),
            "4100000000000000001",
            created.clone(),
        );
        let outcome = run_stream(&h, vec![record]).await.unwrap();
        assert_eq!(outcome.report().changed, 1, "{created:?}");
        assert_eq!(
            outcome.response().unwrap(),
            json!({ "batchItemFailures": [] })
        );
        assert_eq!(h.emails().len(), 1);
    }
}

#[tokio::test]
async fn an_unparseable_record_is_reported_by_its_sequence_number_and_the_retry_sends_nothing_twice()
 {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let image = pending_notice_image(&h);
    let mut cycle_image = image.clone();
    cycle_image.insert(
        "type".to_owned(),
        award_ports::table::AttributeValue::S("cycle".into()),
    );
    let mut broken = stream_record("MODIFY", &image, "4100000000000000002", None);
    broken["dynamodb"]["Keys"] = json!("not a key map");
    let records = vec![
        stream_record("MODIFY", &cycle_image, "4100000000000000001", None),
        broken,
        stream_record("INSERT", &image, "4100000000000000003", None),
    ];
    let outcome = run_stream(&h, records).await.unwrap();
    assert_eq!(
        outcome.response().unwrap(),
        json!({ "batchItemFailures": [{ "itemIdentifier": "4100000000000000002" }] })
    );
    // The records of other partitions are handled concurrently (issue 23), so the notice after the
    // failure may be sent already; Lambda's retry from the failed record sends it no second time.
    assert_eq!(h.emails().len(), 1);
    let retried = vec![stream_record("INSERT", &image, "4100000000000000003", None)];
    let outcome = run_stream(&h, retried).await.unwrap();
    assert_eq!(
        outcome.response().unwrap(),
        json!({ "batchItemFailures": [] })
    );
    assert_eq!(h.emails().len(), 1);

    // A failing record without a sequence number cannot be reported: the whole batch fails.
    let mut anonymous = stream_record("MODIFY", &image, "", None);
    anonymous["dynamodb"]["Keys"] = json!(7);
    assert!(run_stream(&h, vec![anonymous]).await.is_err());
}

/// The `FilterCriteria` pattern of `notify`'s stream mapping in `infra/template.yaml`.
fn template_filter_pattern() -> Value {
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/template.yaml"),
    )
    .unwrap();
    let line = template
        .lines()
        .find(|line| line.trim_start().starts_with("- Pattern: '"))
        .expect("a single-line `- Pattern: '<json>'` filter in the template");
    let json = line
        .trim()
        .trim_start_matches("- Pattern: '")
        .trim_end_matches('\'');
    serde_json::from_str(json).unwrap()
}

/// Lambda's event filtering for the subset the template uses: every key of the pattern present in
/// the record, a leaf an array of allowed exact values.
fn matches(pattern: &Value, record: &Value) -> bool {
    match pattern {
        Value::Object(fields) => fields
            .iter()
            .all(|(name, sub)| record.get(name).is_some_and(|value| matches(sub, value))),
        Value::Array(allowed) => allowed.contains(record),
        _ => false,
    }
}

#[tokio::test]
async fn the_stream_filter_passes_pending_notices_and_nothing_else() {
    let pattern = template_filter_pattern();
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let changes = h.changes_after(0);
    let passed: Vec<Value> = changes
        .iter()
        .filter_map(|change| change.new_image.as_ref())
        .map(|image| stream_record("INSERT", image, "1", None))
        .filter(|record| matches(&pattern, record))
        .collect();
    let [record] = passed.try_into().unwrap();
    assert_eq!(
        record["dynamodb"]["NewImage"]["type"],
        json!({ "S": "notice" })
    );
    assert_eq!(
        record["dynamodb"]["NewImage"]["status"],
        json!({ "S": "pending" })
    );

    // Once sent, the notice's next image no longer invokes notify.
    h.deliver_stream(now()).await.unwrap();
    let sent = pending_notice_image(&h);
    assert!(!matches(
        &pattern,
        &stream_record("MODIFY", &sent, "2", None)
    ));
}
