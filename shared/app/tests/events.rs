//! The event handlers over the embedded adapters: S3 object-created (idempotent), the stream and
//! the scheduled redrive (one email per notice), downloads and the access log.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use award_app::events::{self, NotifyEvent, decode_s3_key, sequencer_cmp};
use award_app::model::{Notice, NoticeFailure, NoticeStatus};
use award_app::notices::MAX_SEND_ATTEMPTS;
use award_app::store::type_of;
use award_ports::{
    BlobError, BlobMeta, Blobs, ChangeKind, Email, Mail, MailError, PresignedRequest, UploadSpec,
};
use chrono::{DateTime, Utc};
use common::*;
use serde_json::{Value, json};

/// Declares and uploads a PDF for a new application of ALICE's; returns (application, document, key).
async fn uploaded(h: &Harness, content: &[u8]) -> (String, String, String) {
    h.open_cycle().await;
    let application = h.create_application(ALICE, 1).await;
    let (status, declared) = h.declare(ALICE, &application, content).await;
    assert_eq!(status, 201, "{declared}");
    let key = h.upload(&declared["upload"], content);
    let document = declared["document"]["id"].as_str().unwrap().to_owned();
    (application, document, key)
}

async fn document_status(h: &Harness, application: &str, document: &str) -> Value {
    let (_, read) = h
        .request(
            "GET",
            &format!("/applications/{application}"),
            Some(ALICE),
            None,
        )
        .await;
    read["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == document)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn an_upload_matching_its_declaration_is_received_once() {
    let h = Harness::new();
    let content = b"%PDF-1.7 evidence";
    let (application, document, key) = uploaded(&h, content).await;

    let before = h.last_sequence();
    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!((report.changed, report.unchanged), (1, 0));
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "received");
    let changed = h.changes_after(before);
    assert_eq!(changed.len(), 3, "document, notice, audit");

    // S3 delivers at least once: the second delivery changes nothing and owes nothing.
    let before_duplicate = h.last_sequence();
    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!((report.changed, report.unchanged), (0, 1));
    assert_eq!(h.last_sequence(), before_duplicate);

    h.deliver_stream(now()).await.unwrap();
    h.deliver_stream(now()).await.unwrap();
    let emails = h.emails();
    assert_eq!(emails.len(), 2, "application received + document received");
    let sent = h.notices();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|n| n.status == NoticeStatus::Sent && n.message_id.is_some())
    );
}

#[tokio::test]
async fn unknown_keys_are_skipped_without_failing() {
    let h = Harness::new();
    h.open_cycle().await;
    let before = h.last_sequence();
    let nobody = format!(
        "applications/{}/{}",
        ulid::Ulid::from_parts(1, 1),
        ulid::Ulid::from_parts(1, 2)
    );
    for key in ["elsewhere/file.pdf", "applications/a b/c", nobody.as_str()] {
        let report = events::object_created(&h.app, s3_event(key, 3), now())
            .await
            .unwrap();
        assert_eq!(report.skipped.len(), 1, "{key}: {report:?}");
        assert_eq!(report.changed, 0);
    }
    assert_eq!(h.last_sequence(), before);
}

#[test]
fn s3_keys_are_form_decoded() {
    assert_eq!(
        decode_s3_key("a+b%2Fc%E8%B4%A8").as_deref(),
        Some("a b/c质")
    );
    // `+` is a space, `%2B` a plus (form encoding, not a URL path).
    assert_eq!(
        decode_s3_key("applications/%E8%AF%81%E6%98%8E+1%2B1.pdf").as_deref(),
        Some("applications/证明 1+1.pdf")
    );
    assert_eq!(decode_s3_key("plain/key").as_deref(), Some("plain/key"));
    assert_eq!(decode_s3_key("%FF"), None);
}

/// Stores through the embedded store but reports whatever `head` it is told to for an object it
/// holds, and fails deletes while `fail_deletes` is set.
struct LyingBlobs {
    inner: Arc<award_embedded::EmbeddedBlobs>,
    head: BlobMeta,
    fail_deletes: AtomicBool,
    /// Every delete that went through: (key, version).
    deleted: std::sync::Mutex<Vec<(String, Option<String>)>>,
}

#[async_trait]
impl Blobs for LyingBlobs {
    async fn presign_upload(
        &self,
        spec: &UploadSpec,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError> {
        self.inner.presign_upload(spec, now).await
    }
    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError> {
        self.inner.presign_download(key, expires_in, now).await
    }
    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        Ok(self.inner.head(key).await?.map(|_| self.head.clone()))
    }
    async fn read_prefix(&self, key: &str, len: u64) -> Result<Option<Vec<u8>>, BlobError> {
        self.inner.read_prefix(key, len).await
    }
    async fn read_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Option<Vec<u8>>, BlobError> {
        self.inner.read_range(key, offset, len).await
    }
    async fn start_upload(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<Box<dyn award_ports::BlobUpload>, BlobError> {
        self.inner.start_upload(key, content_type).await
    }
    async fn delete(&self, key: &str, version_id: Option<&str>) -> Result<(), BlobError> {
        if self.fail_deletes.load(Ordering::SeqCst) {
            return Err(BlobError::Backend("delete refused by the test".into()));
        }
        self.deleted
            .lock()
            .unwrap()
            .push((key.to_owned(), version_id.map(str::to_owned)));
        self.inner.delete(key, version_id).await
    }
}

/// A harness whose store lies about what it holds; returns it, the store, the application, the
/// document and its key, with `content` declared and uploaded.
async fn lying_upload(
    head: BlobMeta,
    content: &[u8],
) -> (
    Harness,
    Arc<LyingBlobs>,
    tempfile::TempDir,
    String,
    String,
    String,
) {
    let scratch = tempfile::tempdir().unwrap();
    let inner = Arc::new(
        award_embedded::EmbeddedBlobs::new(
            scratch.path().to_path_buf(),
            "http://127.0.0.1:8787".into(),
            vec![7; 32],
        )
        .unwrap(),
    );
    let blobs = Arc::new(LyingBlobs {
        inner: inner.clone(),
        head,
        fail_deletes: AtomicBool::new(false),
        deleted: std::sync::Mutex::default(),
    });
    let h = Harness::with(Some(blobs.clone() as Arc<dyn Blobs>), None);
    h.open_cycle().await;
    let application = h.create_application(ALICE, 1).await;
    let (status, declared) = h.declare(ALICE, &application, content).await;
    assert_eq!(status, 201, "{declared}");
    let document = declared["document"]["id"].as_str().unwrap().to_owned();
    let key = common::upload_to(&inner, &declared["upload"], content);
    assert_eq!(key, format!("applications/{application}/{document}"));
    (h, blobs, scratch, application, document, key)
}

fn rejection_notices(h: &Harness) -> usize {
    h.notices()
        .iter()
        .filter(|n| n.kind == award_domain::lifecycle::NoticeKind::DocumentRejected)
        .count()
}

fn wrong_size(content: &[u8]) -> BlobMeta {
    BlobMeta {
        content_length: content.len() as u64 + 1,
        content_type: Some("application/pdf".into()),
        sha256_hex: None,
        version_id: None,
    }
}

#[tokio::test]
async fn an_upload_that_differs_from_its_declaration_is_rejected_with_a_reason() {
    let content = b"%PDF-1.7 declared";
    for (head, reason) in [
        (
            BlobMeta {
                content_length: 3,
                content_type: Some("application/pdf".into()),
                sha256_hex: None,
                version_id: None,
            },
            "size",
        ),
        (
            BlobMeta {
                content_length: content.len() as u64,
                content_type: Some("image/png".into()),
                sha256_hex: Some(sha256_hex(content)),
                version_id: None,
            },
            "content type",
        ),
        (
            BlobMeta {
                content_length: content.len() as u64,
                content_type: Some("application/pdf".into()),
                sha256_hex: Some(sha256_hex(b"something else")),
                version_id: None,
            },
            "SHA-256",
        ),
    ] {
        let (h, _blobs, _scratch, application, document, key) = lying_upload(head, content).await;

        let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
            .await
            .unwrap();
        assert_eq!(report.changed, 1);
        let checked = document_status(&h, &application, &document).await;
        assert_eq!(checked["status"], "rejected");
        assert!(
            checked["rejection_reason"]
                .as_str()
                .unwrap()
                .contains(reason),
            "{checked}"
        );
        h.deliver_stream(now()).await.unwrap();
        let emails = h.emails();
        assert_eq!(emails.len(), 2);
        assert_eq!(rejection_notices(&h), 1);
        // Nothing is downloadable from a rejected upload.
        let (status, reply) = h
            .request(
                "GET",
                &format!("/applications/{application}/documents/{document}/download"),
                Some(ALICE),
                None,
            )
            .await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (409, Some("document_not_received"))
        );
    }
}

#[tokio::test]
async fn a_file_whose_content_is_not_its_declared_type_is_refused_on_the_server() {
    // A text file renamed `.pdf`, declared and uploaded exactly as declared (size, type and
    // SHA-256 all match): only its first bytes give it away, and the server reads them.
    let h = Harness::new();
    let content = b"<html>this is a web page saved as .pdf</html>";
    let (application, document, key) = uploaded(&h, content).await;
    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "rejected", "{checked}");
    assert!(
        checked["rejection_reason"]
            .as_str()
            .unwrap()
            .contains("not a PDF file"),
        "{checked}"
    );
    assert!(
        h.blobs.head(&key).await.unwrap().is_none(),
        "the refused object is removed"
    );
    h.deliver_stream(now()).await.unwrap();
    assert!(
        h.mails()
            .iter()
            .any(|(_, subject, body)| subject.contains("材料未通过核验")
                && body.contains("不是 PDF 文件")),
        "{:?}",
        h.mails()
    );
}

#[tokio::test]
async fn a_real_pdf_is_received() {
    let h = Harness::new();
    let content = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
    let (application, document, key) = uploaded(&h, content).await;
    events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!(
        document_status(&h, &application, &document).await["status"],
        "received"
    );
}

#[tokio::test]
async fn a_rejected_upload_is_deleted_and_redelivery_sends_no_second_notice() {
    let content = b"%PDF-1.7 declared";
    let (h, blobs, _scratch, application, document, key) =
        lying_upload(wrong_size(content), content).await;
    assert!(blobs.inner.head(&key).await.unwrap().is_some());

    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!((report.changed, report.unchanged), (1, 0));
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "rejected");
    assert_eq!(
        blobs.inner.head(&key).await.unwrap(),
        None,
        "the rejected object is no longer stored"
    );

    let before_duplicate = h.last_sequence();
    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!((report.changed, report.unchanged), (0, 1));
    assert_eq!(
        h.last_sequence(),
        before_duplicate,
        "redelivery owes nothing"
    );

    h.deliver_stream(now()).await.unwrap();
    assert_eq!(rejection_notices(&h), 1);
    assert_eq!(h.emails().len(), 2, "application received + one rejection");
}

#[tokio::test]
async fn a_failed_delete_of_a_rejected_upload_is_retried_on_redelivery() {
    let content = b"%PDF-1.7 declared";
    let (h, blobs, _scratch, application, document, key) =
        lying_upload(wrong_size(content), content).await;
    blobs.fail_deletes.store(true, Ordering::SeqCst);

    let failed = events::object_created(&h.app, s3_event(&key, content.len()), now()).await;
    assert!(failed.is_err(), "a failed delete asks for redelivery");
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "rejected", "the rejection is kept");
    assert!(blobs.inner.head(&key).await.unwrap().is_some());

    blobs.fail_deletes.store(false, Ordering::SeqCst);
    let before_retry = h.last_sequence();
    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!((report.changed, report.unchanged, report.failed), (0, 1, 0));
    assert_eq!(blobs.inner.head(&key).await.unwrap(), None);
    assert_eq!(h.last_sequence(), before_retry, "the retry owes nothing");

    h.deliver_stream(now()).await.unwrap();
    assert_eq!(rejection_notices(&h), 1);
}

#[tokio::test]
async fn downloads_are_short_lived_and_logged() {
    let h = Harness::new();
    let content = b"%PDF-1.7 evidence";
    let (application, document, key) = uploaded(&h, content).await;
    let path = format!("/applications/{application}/documents/{document}/download");

    let before = h.last_sequence();
    let (status, reply) = h.request("GET", &path, Some(ALICE), None).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("document_not_received"))
    );
    assert_eq!(h.last_sequence(), before);

    events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    let (status, reply) = h.request("GET", &path, Some(ALICE), None).await;
    assert_eq!(status, 200, "{reply}");
    let link = &reply["download"];
    assert_eq!(link["method"], "GET");
    let expires: DateTime<Utc> = serde_json::from_value(link["expires_at"].clone()).unwrap();
    assert!(expires <= now() + chrono::Duration::minutes(5));
    // The link really serves the object.
    let url = link["url"].as_str().unwrap();
    let (url_path, query) = url.split_once('?').unwrap();
    let (_, bytes) = h
        .blobs
        .read_download(url_path.split_once("/blobs/").unwrap().1, query, now())
        .unwrap();
    assert_eq!(bytes, content);

    let a_minute_later = now() + chrono::Duration::minutes(1);
    let (status, _) = h
        .request_at("GET", &path, Some(OFFICE), None, a_minute_later)
        .await;
    assert_eq!(status, 200);

    // Another applicant learns nothing and leaves no trace.
    let before = h.last_sequence();
    let (status, reply) = h.request("GET", &path, Some(BOB), None).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (404, Some("application_not_found"))
    );
    assert_eq!(h.last_sequence(), before);
    let missing = format!(
        "/applications/{application}/documents/{}/download",
        ulid::Ulid::nil()
    );
    let (status, _) = h.request("GET", &missing, Some(ALICE), None).await;
    assert_eq!(status, 404);

    let log_path = format!("/applications/{application}/access-log");
    let (status, log) = h.request("GET", &log_path, Some(OFFICE), None).await;
    assert_eq!(status, 200);
    let log = log["access_log"].as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["actor_sub"], "alice");
    assert_eq!(log[1]["actor_sub"], "office-1");
    assert_eq!(log[0]["document_id"], document);
    assert_eq!(log[0]["source_ip"], "203.0.113.7");
    assert_eq!(log[0]["user_agent"], "award-tests");
    let (status, reply) = h.request("GET", &log_path, Some(ALICE), None).await;
    assert_eq!((status, reply["code"].as_str()), (403, Some("forbidden")));
}

/// Fails while `failing` is set (transiently, or permanently when `permanent` is set too);
/// counts what it sent.
#[derive(Default)]
struct FlakyMail {
    failing: AtomicBool,
    permanent: AtomicBool,
    sent: AtomicUsize,
}

#[async_trait]
impl Mail for FlakyMail {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        assert!(email.subject.starts_with("武威市人民政府质量奖"));
        assert_eq!(email.from, MAIL_FROM);
        if self.failing.load(Ordering::SeqCst) {
            if self.permanent.load(Ordering::SeqCst) {
                return Err(MailError::Permanent(
                    "MessageRejected: Address blacklisted".into(),
                ));
            }
            return Err(MailError::Transient("throttled".into()));
        }
        Ok(format!("m-{}", self.sent.fetch_add(1, Ordering::SeqCst)))
    }
}

#[tokio::test]
async fn a_failed_send_is_released_and_redriven_after_its_back_off() {
    let mail = Arc::new(FlakyMail::default());
    mail.failing.store(true, Ordering::SeqCst);
    let h = Harness::with(None, Some(mail.clone()));
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;

    // The failure is recorded on the notice, so the stream record itself is done with.
    let report = h.deliver_stream(now()).await.unwrap();
    assert_eq!((report.retrying, report.failed, report.gave_up), (1, 0, 0));
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(notice.status, NoticeStatus::Pending);
    assert_eq!(notice.attempts, 1);
    assert!(notice.last_error.as_deref().unwrap().contains("throttled"));

    mail.failing.store(false, Ordering::SeqCst);
    // The stream's retry and an early redrive respect the back-off.
    let retry = h.deliver_stream(now()).await.unwrap();
    assert_eq!(retry.changed, 0);
    let early = events::redrive_pending_notices(&h.app, now() + chrono::Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(early.changed, 0);
    assert_eq!(mail.sent.load(Ordering::SeqCst), 0);

    let later = now() + chrono::Duration::minutes(2);
    let report = events::redrive_pending_notices(&h.app, later)
        .await
        .unwrap();
    assert_eq!(report.changed, 1);
    assert_eq!(mail.sent.load(Ordering::SeqCst), 1);
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!((notice.status, notice.attempts), (NoticeStatus::Sent, 2));

    // Everything again: nothing more is sent.
    events::redrive_pending_notices(&h.app, later)
        .await
        .unwrap();
    h.deliver_stream(later).await.unwrap();
    assert_eq!(mail.sent.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_notice_the_mail_service_never_takes_is_given_up_as_unavailable() {
    let mail = Arc::new(FlakyMail::default());
    mail.failing.store(true, Ordering::SeqCst);
    let h = Harness::with(None, Some(mail.clone()));
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    h.deliver_stream(now()).await.unwrap();
    // Each redrive past the longest back-off (an hour), within the redrive window.
    let mut at = now();
    for _ in 1..MAX_SEND_ATTEMPTS {
        at += chrono::Duration::hours(2);
        events::redrive_pending_notices(&h.app, at).await.unwrap();
    }
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(
        (notice.status, notice.attempts, notice.failure),
        (
            NoticeStatus::Failed,
            MAX_SEND_ATTEMPTS,
            Some(NoticeFailure::Unavailable)
        )
    );
    assert_eq!(mail.sent.load(Ordering::SeqCst), 0);
}

/// Cannot form the email at all: the sender this system is set up with is not an address.
struct UnformableMail;

#[async_trait]
impl Mail for UnformableMail {
    async fn send(&self, _email: &Email) -> Result<String, MailError> {
        Err(MailError::Invalid("from address \"award at wuwei\"".into()))
    }
}

#[tokio::test]
async fn an_email_this_system_cannot_form_is_given_up_as_misconfigured_at_once() {
    let h = Harness::with(None, Some(Arc::new(UnformableMail)));
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let report = h.deliver_stream(now()).await.unwrap();
    assert_eq!((report.gave_up, report.retrying), (1, 0));
    let [notice] = h.notices().try_into().unwrap();
    assert_eq!(
        (notice.status, notice.attempts, notice.failure),
        (NoticeStatus::Failed, 1, Some(NoticeFailure::Misconfigured))
    );
}

#[tokio::test]
async fn the_redrive_sends_what_the_stream_missed_within_its_window() {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let next_day = now() + chrono::Duration::days(1);
    let report = events::redrive_pending_notices(&h.app, next_day)
        .await
        .unwrap();
    assert_eq!(report.changed, 1);
    assert_eq!(h.emails().len(), 1);
    h.deliver_stream(next_day).await.unwrap();
    events::redrive_pending_notices(&h.app, next_day)
        .await
        .unwrap();
    assert_eq!(h.emails().len(), 1);
    let email = &h.emails()[0];
    assert!(email.contains("alice@example.cn"));
}

#[tokio::test]
async fn an_unreadable_notice_does_not_stop_the_redrive_of_the_others() {
    use award_ports::table::AttributeValue;
    use award_ports::{Condition, Item, Table, Write};

    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    // A notice item that no longer maps (a half-migrated or hand-edited item), listed first in
    // the same day's GSI2 partition as the pending notice above.
    let mut broken = Item::default();
    for (name, value) in [
        ("PK", "NOTICE#00000000000000000000000000"),
        ("SK", "NOTICE"),
        ("GSI2PK", "DUE#2026-03-02"),
        ("GSI2SK", "NOTICE#00000000000000000000000000"),
        ("type", "notice"),
        ("status", "pending"),
    ] {
        broken.insert(name.to_owned(), AttributeValue::S(value.to_owned()));
    }
    broken.insert("version".to_owned(), AttributeValue::N("1".to_owned()));
    h.table
        .transact(vec![Write::Put {
            item: broken,
            condition: Condition::NotExists,
        }])
        .await
        .unwrap();

    let report = events::redrive_pending_notices(&h.app, now())
        .await
        .expect("one bad item must not fail the whole redrive");
    assert_eq!(report.changed, 1, "{report:?}");
    assert_eq!(report.skipped.len(), 1, "{report:?}");
    assert_eq!(h.emails().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_of_one_notice_send_one_email() {
    let h = Arc::new(Harness::new());
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let records = h.changes_after(0);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let h = h.clone();
        let records = records.clone();
        tasks.spawn(async move {
            events::table_changes(&h.app, &records, now())
                .await
                .unwrap()
                .finish()
                .unwrap()
        });
    }
    let sent: usize = tasks.join_all().await.iter().map(|r| r.changed).sum();
    assert_eq!(sent, 1);
    assert_eq!(h.emails().len(), 1);
}

fn stream_event(name: &str, image: Value) -> Value {
    json!({
        "Records": [{
            "eventID": "e1",
            "eventName": name,
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": 1772416800.0,
                "Keys": { "PK": { "S": "NOTICE#01" }, "SK": { "S": "NOTICE" } },
                "NewImage": image,
                "SequenceNumber": "111",
                "SizeBytes": 26,
                "StreamViewType": "NEW_IMAGE"
            },
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/award/stream/2026"
        }]
    })
}

#[test]
fn stream_events_become_change_records() {
    let image = json!({
        "PK": { "S": "NOTICE#01" }, "SK": { "S": "NOTICE" },
        "type": { "S": "notice" }, "version": { "N": "1" }
    });
    let event = serde_json::from_value(stream_event("INSERT", image)).unwrap();
    let [record] = events::change_records(event).unwrap().try_into().unwrap();
    assert_eq!(record.kind, ChangeKind::Insert);
    assert_eq!(record.sequence, "111");
    assert_eq!(record.key, award_ports::Key::new("NOTICE#01", "NOTICE"));
    let image = record.new_image.unwrap();
    assert_eq!(type_of(&image), Some("notice"));
    assert_eq!(award_ports::table::version_of(&image), Some(1));

    let removal = serde_json::from_value(stream_event("REMOVE", json!({}))).unwrap();
    let [record] = events::change_records(removal).unwrap().try_into().unwrap();
    assert_eq!((record.kind, record.new_image), (ChangeKind::Remove, None));
}

#[tokio::test]
async fn notify_tells_its_two_triggers_apart() {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;

    let scheduled: NotifyEvent = serde_json::from_value(json!({
        "version": "0", "id": "x", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-03-02T02:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/redrive"], "detail": {}
    }))
    .unwrap();
    assert!(matches!(scheduled, NotifyEvent::Scheduled(_)));
    let outcome = events::notify(&h.app, scheduled, now()).await.unwrap();
    assert_eq!(outcome.report().changed, 1);

    let stream: NotifyEvent =
        serde_json::from_value(stream_event("MODIFY", json!({ "type": { "S": "cycle" } })))
            .unwrap();
    assert!(matches!(stream, NotifyEvent::Stream(_)));
    let outcome = events::notify(&h.app, stream, now()).await.unwrap();
    assert_eq!(outcome.report(), &events::EventReport::default());
    assert_eq!(
        outcome.response().unwrap(),
        json!({ "batchItemFailures": [] })
    );
    assert_eq!(h.emails().len(), 1);
}

#[tokio::test]
async fn a_claim_left_by_a_dead_sender_is_taken_over_after_fifteen_minutes() {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let [notice] = h.notices().try_into().unwrap();
    // A sender claims the notice and dies before sending.
    let key = award_app::keys::notice(notice.id);
    let loaded = award_app::store::load::<Notice>(h.app.table.as_ref(), &key)
        .await
        .unwrap()
        .unwrap();
    let mut claimed = loaded.record.clone();
    claimed.status = NoticeStatus::Sending;
    claimed.claimed_at = Some(now());
    h.app
        .table
        .transact(vec![
            award_app::store::replace(&claimed, loaded.version).unwrap(),
        ])
        .await
        .unwrap();

    h.deliver_stream(now()).await.unwrap();
    let soon = now() + chrono::Duration::minutes(10);
    assert_eq!(
        events::redrive_pending_notices(&h.app, soon)
            .await
            .unwrap()
            .changed,
        0
    );
    assert!(h.emails().is_empty());

    let later = now() + chrono::Duration::minutes(16);
    assert_eq!(
        events::redrive_pending_notices(&h.app, later)
            .await
            .unwrap()
            .changed,
        1
    );
    assert_eq!(h.emails().len(), 1);
}

#[tokio::test]
async fn a_key_with_a_space_a_plus_and_chinese_is_decoded_before_it_is_judged() {
    let h = Harness::new();
    h.open_cycle().await;
    let before = h.last_sequence();
    let key = "applications/质量 奖/证明+1.pdf";
    let event = s3_event(key, 3);
    assert_eq!(
        event.records[0].s3.object.key.as_deref(),
        Some("applications/%E8%B4%A8%E9%87%8F+%E5%A5%96/%E8%AF%81%E6%98%8E%2B1.pdf"),
        "the fixture encodes the key as S3 does"
    );
    let report = events::object_created(&h.app, event, now()).await.unwrap();
    assert_eq!(
        report.skipped,
        [format!("not an evidence key: {key}")],
        "the report names the decoded key"
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn an_upload_whose_checksum_cannot_be_read_back_is_rejected() {
    // Right size and type, but the store kept no SHA-256 (a multipart upload, a PUT that did not
    // go through the link): the bytes are not shown to be the declared ones.
    let content = b"%PDF-1.7 declared";
    let head = BlobMeta {
        content_length: content.len() as u64,
        content_type: Some("application/pdf".into()),
        sha256_hex: None,
        version_id: None,
    };
    let (h, blobs, _scratch, application, document, key) = lying_upload(head, content).await;

    let report = events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert_eq!(report.changed, 1);
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "rejected");
    assert!(
        checked["rejection_reason"]
            .as_str()
            .unwrap()
            .contains("cannot be verified"),
        "{checked}"
    );
    assert_eq!(blobs.inner.head(&key).await.unwrap(), None, "and deleted");
    h.deliver_stream(now()).await.unwrap();
    assert_eq!(rejection_notices(&h), 1);
}

#[tokio::test]
async fn a_rejected_upload_is_deleted_by_the_version_its_event_named() {
    let content = b"%PDF-1.7 declared";
    let (h, blobs, _scratch, application, document, key) =
        lying_upload(wrong_size(content), content).await;

    let event = s3_event_of_version(
        &key,
        content.len(),
        Some("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH"),
        "0062E2B1",
    );
    let report = events::object_created(&h.app, event, now()).await.unwrap();
    assert_eq!(report.changed, 1);
    assert_eq!(
        *blobs.deleted.lock().unwrap(),
        [(
            key.clone(),
            Some("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH".to_owned())
        )],
        "a plain delete would leave the bytes as a noncurrent version"
    );
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(
        checked["checked_object"]["version_id"],
        "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH"
    );
    assert_eq!(checked["checked_object"]["sequencer"], "0062E2B1");

    // An older event of the same key (another version, delivered late) names rejected bytes
    // too: they are deleted, and nothing else changes.
    let before = h.last_sequence();
    let older = s3_event_of_version(&key, content.len(), Some("older-version"), "0062E2A0");
    let report = events::object_created(&h.app, older, now()).await.unwrap();
    assert_eq!((report.changed, report.unchanged), (0, 1));
    assert_eq!(h.last_sequence(), before, "the table is untouched");
    assert_eq!(
        blobs.deleted.lock().unwrap().last(),
        Some(&(key.clone(), Some("older-version".to_owned())))
    );
    h.deliver_stream(now()).await.unwrap();
    assert_eq!(rejection_notices(&h), 1);
}

#[tokio::test]
async fn duplicate_and_out_of_order_events_change_nothing() {
    let h = Harness::new();
    let content = b"%PDF-1.7 evidence";
    let (application, document, key) = uploaded(&h, content).await;

    let first = s3_event_of_version(&key, content.len(), Some("v2"), "0062E2B1C3");
    let report = events::object_created(&h.app, first, now()).await.unwrap();
    assert_eq!(report.changed, 1);
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "received");

    let before = h.last_sequence();
    for (version, sequencer) in [
        ("v2", "0062E2B1C3"), // the same event again
        ("v1", "62E2B1B0"),   // an older one, shorter: compared after zero-padding
        ("v2", "0062e2b1c3"), // the same, lower case
    ] {
        let event = s3_event_of_version(&key, content.len(), Some(version), sequencer);
        let report = events::object_created(&h.app, event, now()).await.unwrap();
        assert_eq!((report.changed, report.unchanged), (0, 1), "{sequencer}");
    }
    assert_eq!(h.last_sequence(), before, "no write, no notice owed");
    let checked = document_status(&h, &application, &document).await;
    assert_eq!(checked["status"], "received");
    assert_eq!(checked["checked_object"]["sequencer"], "0062E2B1C3");
    assert!(
        h.blobs.head(&key).await.unwrap().is_some(),
        "received evidence is never deleted by a late event"
    );
}

#[test]
fn sequencers_compare_as_zero_padded_hex() {
    use std::cmp::Ordering;
    assert_eq!(sequencer_cmp("0A", "0B"), Ordering::Less);
    assert_eq!(sequencer_cmp("A", "000A"), Ordering::Equal);
    assert_eq!(sequencer_cmp("0062E2B1C3", "62E2B1B0"), Ordering::Greater);
    assert_eq!(
        sequencer_cmp("FF", "100"),
        Ordering::Less,
        "not plain string order"
    );
    assert_eq!(sequencer_cmp("0a", "0A"), Ordering::Equal);
}

#[tokio::test]
async fn the_owner_removes_a_document_from_its_draft_and_its_object_goes_too() {
    let h = Harness::new();
    let content = b"%PDF-1.7 the wrong file";
    let (application, document, key) = uploaded(&h, content).await;
    events::object_created(&h.app, s3_event(&key, content.len()), now())
        .await
        .unwrap();
    assert!(h.blobs.head(&key).await.unwrap().is_some());
    let path = format!("/applications/{application}/documents/{document}");

    // Only the owner, and only a document that exists.
    let (status, refused) = h.request("DELETE", &path, Some(BOB), None).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("application_not_found"))
    );
    let (status, refused) = h.request("DELETE", &path, Some(OFFICE), None).await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));

    let (status, removed) = h.request("DELETE", &path, Some(ALICE), None).await;
    assert_eq!(status, 200, "{removed}");
    assert_eq!(removed["id"], document.as_str());
    let (_, read) = h
        .request(
            "GET",
            &format!("/applications/{application}"),
            Some(ALICE),
            None,
        )
        .await;
    assert_eq!(read["documents"], json!([]), "{read}");
    assert!(
        h.blobs.head(&key).await.unwrap().is_none(),
        "the object stays"
    );
    let (status, again) = h.request("DELETE", &path, Some(ALICE), None).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (404, Some("document_not_found"))
    );
    // The slot is free again, and the removal is in the audit trail.
    let (status, declared) = h.declare(ALICE, &application, content).await;
    assert_eq!(status, 201, "{declared}");
    assert!(
        h.audits_after(0)
            .iter()
            .any(|audit| audit.action == "document_removed" && audit.actor == "alice"),
        "no audit record of the removal"
    );
}
