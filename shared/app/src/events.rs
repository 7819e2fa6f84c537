//! The event handlers: S3 `ObjectCreated` (check an upload against its declaration), the table's
//! stream (send the notices owed) and the scheduled redrive of notices still pending.
//!
//! Every handler is idempotent: a redelivered event finds its work done and changes nothing.

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::lifecycle::{ApplicationState, NoticeKind};
use award_ports::{BlobMeta, ChangeRecord, Condition, Index, Query, SortCondition, Write};
use aws_lambda_events::event::s3::S3Event;
use chrono::{DateTime, Duration, Utc};
use percent_encoding::percent_decode_str;
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
pub use crate::batch::{
    Changes, EventReport, StreamBatchOutcome, StreamRecords, change_record, change_records,
};
use crate::batch::{Handled, partial_batch, typed_image};
use crate::error::AppError;
use crate::keys::{self};
use crate::model::{
    Application, CLOSED_AT_SUBMISSION, CheckedObject, Document, DocumentStatus, Notice,
    NoticeStatus, SYSTEM_ACTOR,
};
use crate::notices::{self, Delivery};
use crate::reads::units::load_recommender;
use crate::store::{self, failed_condition, from_item, query_all};
use crate::templates::china_time;

// --- S3 ObjectCreated ---------------------------------------------------------------------------

/// S3 notifications carry the key form-encoded (`application/x-www-form-urlencoded`): `+` is a
/// space and `%2B` a plus; the rest is `%XX` of UTF-8 bytes. `None` when the bytes are not UTF-8.
pub fn decode_s3_key(raw: &str) -> Option<String> {
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(|key| key.into_owned())
}

/// Orders two S3 event `sequencer`s of one key: hex strings, compared after left-padding the
/// shorter with zeros (S3 user guide, "Event message structure"). Sequencers of different keys
/// are not comparable. Case is ignored, as for any hex.
pub fn sequencer_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let width = a.len().max(b.len());
    let pad = |value: &str| format!("{value:0>width$}").to_ascii_uppercase();
    pad(a).cmp(&pad(b))
}

enum Checked {
    Changed,
    Unchanged,
    Skipped(String),
}

pub async fn object_created(
    app: &App,
    event: S3Event,
    now: DateTime<Utc>,
) -> Result<EventReport, AppError> {
    let mut report = EventReport::default();
    for record in event.records {
        let raw = record.s3.object.key.unwrap_or_default();
        if let Some((key, attachment_id)) =
            decode_s3_key(&raw).and_then(|key| keys::parse_attachment_key(&key).map(|id| (key, id)))
        {
            let object = CheckedObject {
                version_id: record.s3.object.version_id.filter(|v| !v.is_empty()),
                sequencer: record.s3.object.sequencer.filter(|v| !v.is_empty()),
            };
            match check_attachment(app, &key, &object, attachment_id, now).await {
                Ok(Checked::Changed) => report.changed += 1,
                Ok(Checked::Unchanged) => report.unchanged += 1,
                Ok(Checked::Skipped(reason)) => {
                    tracing::warn!(%key, %reason, "object skipped");
                    report.skipped.push(format!("{key}: {reason}"));
                }
                Err(error) => {
                    tracing::error!(%key, %error, "checking an attachment failed");
                    report.failed += 1;
                }
            }
            continue;
        }
        let parsed =
            decode_s3_key(&raw).and_then(|key| keys::parse_object_key(&key).map(|ids| (key, ids)));
        let Some((key, (application_id, document_id))) = parsed else {
            let shown = decode_s3_key(&raw).unwrap_or_else(|| raw.clone());
            tracing::warn!(key = %shown, "object key is not an evidence key; skipped");
            report.skipped.push(format!("not an evidence key: {shown}"));
            continue;
        };
        let object = CheckedObject {
            version_id: record.s3.object.version_id.filter(|v| !v.is_empty()),
            sequencer: record.s3.object.sequencer.filter(|v| !v.is_empty()),
        };
        match check_upload(app, &key, &object, application_id, document_id, now).await {
            Ok(Checked::Changed) => report.changed += 1,
            Ok(Checked::Unchanged) => report.unchanged += 1,
            Ok(Checked::Skipped(reason)) => {
                tracing::warn!(%key, %reason, "object skipped");
                report.skipped.push(format!("{key}: {reason}"));
            }
            Err(error) => {
                tracing::error!(%key, %error, "checking an upload failed");
                report.failed += 1;
            }
        }
    }
    report.finish()
}

/// Why an upload that completed after its application was submitted is refused: in English (kept
/// on the document) and in Chinese (sent to the applicant).
const LATE_UPLOAD: (&str, &str) = (
    "uploaded after the application was submitted: what the recommending unit and the experts read is what was submitted (Art. 11(2)-(3))",
    "该文件在申报提交之后才上传完成，不作为申报材料（办法第十一条第二、三项：推荐单位和评审专家审阅的是提交时的申报材料）；如需补充材料，请与评审委员会办公室联系",
);

/// Why a sealed recommendation page that completed after the application left the stages it is
/// filed in (`ApplicationState::files_sealed_recommendation`, Art. 11(3)) is refused.
const LATE_SEALED_PAGE: (&str, &str) = (
    "the sealed recommendation page arrived after the application left the stages it is filed in (Art. 11(3))",
    "该盖章推荐页上传完成时，本申报已不在可补交推荐页的阶段（办法第十一条第三项），文件未归档；如有需要，请与评审委员会办公室联系",
);

/// Why a stored object does not match its declaration, in English (kept on the document) and in
/// Chinese (sent to the applicant).
fn mismatch(document: &Document, stored: &BlobMeta) -> Option<(String, String)> {
    declared_mismatch(
        document.size,
        &document.content_type,
        &document.sha256,
        stored,
    )
}

/// Why the stored object's content is not of its declared type (its signature, read with one
/// ranged GET of its first bytes: `validation::signature_mismatch`); `None` when it is. An object
/// gone meanwhile reads as empty, and is refused.
async fn content_mismatch(
    app: &App,
    key: &str,
    content_type: &str,
) -> Result<Option<(String, String)>, AppError> {
    let head = app
        .blobs
        .read_prefix(key, crate::validation::signature_prefix_bytes(content_type))
        .await?
        .unwrap_or_default();
    Ok(crate::validation::signature_mismatch(content_type, &head))
}

/// [`mismatch`] for anything declared with a size (bytes), a content type and a SHA-256.
fn declared_mismatch(
    size: u64,
    content_type: &str,
    sha256_hex: &str,
    stored: &BlobMeta,
) -> Option<(String, String)> {
    struct Declared<'a> {
        size: u64,
        content_type: &'a str,
        sha256: &'a str,
    }
    let document = Declared {
        size,
        content_type,
        sha256: sha256_hex,
    };
    if stored.content_length != document.size {
        return Some((
            format!(
                "stored size {} bytes differs from the declared {} bytes",
                stored.content_length, document.size
            ),
            format!(
                "上传文件大小为 {} 字节，与登记的 {} 字节不符",
                stored.content_length, document.size
            ),
        ));
    }
    let stored_type = stored.content_type.as_deref().map(|value| {
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if stored_type.as_deref() != Some(document.content_type) {
        return Some((
            format!(
                "stored content type {:?} differs from the declared {}",
                stored.content_type, document.content_type
            ),
            "上传文件类型与登记的文件类型不符".to_owned(),
        ));
    }
    match &stored.sha256_hex {
        Some(sha256) if sha256.eq_ignore_ascii_case(document.sha256) => None,
        Some(_) => Some((
            "stored SHA-256 differs from the declared one".to_owned(),
            "上传文件的 SHA-256 校验值与登记的不符".to_owned(),
        )),
        // No stored checksum (a multipart upload, a PUT that bypassed the link): the bytes cannot
        // be shown to be the declared ones, and unverified evidence is never accepted (Art. 19).
        None => Some((
            "the store kept no SHA-256 of the object, so it cannot be verified".to_owned(),
            "无法读取上传文件的 SHA-256 校验值，文件无法核验".to_owned(),
        )),
    }
}

/// The check of an uploaded attachment: the same rules as evidence, no notice (the Office reads
/// attachments where they are named: the objection, the deliberation).
async fn check_attachment(
    app: &App,
    key: &str,
    object: &CheckedObject,
    attachment_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Checked, AppError> {
    let table = app.table.as_ref();
    let Some(loaded) =
        store::load::<crate::model::Attachment>(table, &keys::attachment(attachment_id)).await?
    else {
        return Ok(Checked::Skipped("no attachment was declared for it".into()));
    };
    if loaded.record.status != DocumentStatus::Declared {
        if loaded.record.status == DocumentStatus::Rejected {
            remove_rejected(app, key, object.version_id.as_deref()).await?;
        }
        return Ok(Checked::Unchanged);
    }
    let Some(stored) = app.blobs.head(key).await? else {
        return Ok(Checked::Skipped("the object is no longer stored".into()));
    };
    let mut attachment = loaded.record;
    attachment.checked_at = Some(now);
    attachment.checked_object = Some(object.clone());
    let outcome = match declared_mismatch(
        attachment.size,
        &attachment.content_type,
        &attachment.sha256,
        &stored,
    ) {
        Some(mismatch) => Some(mismatch),
        None => content_mismatch(app, key, &attachment.content_type).await?,
    };
    attachment.status = if outcome.is_some() {
        DocumentStatus::Rejected
    } else {
        DocumentStatus::Received
    };
    attachment.rejection_reason = outcome.map(|(reason, _)| reason);
    let mut detail = vec![("attachment_id", attachment.id.to_string())];
    if let Some(reason) = &attachment.rejection_reason {
        detail.push(("reason", reason.clone()));
    }
    let writes = vec![
        store::replace(&attachment, loaded.version)?,
        audit(
            attachment.owner.audit_partition(),
            SYSTEM_ACTOR,
            if attachment.status == DocumentStatus::Received {
                "attachment_received"
            } else {
                "attachment_rejected"
            },
            &detail,
            now,
        )?,
    ];
    app.table.transact(writes).await?;
    if attachment.status == DocumentStatus::Rejected {
        remove_rejected(app, key, object.version_id.as_deref()).await?;
    }
    Ok(Checked::Changed)
}

async fn check_upload(
    app: &App,
    key: &str,
    object: &CheckedObject,
    application_id: Ulid,
    document_id: Ulid,
    now: DateTime<Utc>,
) -> Result<Checked, AppError> {
    let table = app.table.as_ref();
    let Some(loaded) =
        store::load::<Document>(table, &keys::document(application_id, document_id)).await?
    else {
        return Ok(Checked::Skipped("no document was declared for it".into()));
    };
    // A document the submission closed (still declared then) is told apart by its reason and by
    // never having been checked: the first upload that reaches it is refused like a late one.
    let closed_at_submission = loaded.record.status == DocumentStatus::Rejected
        && loaded.record.checked_object.is_none()
        && loaded.record.rejection_reason.as_deref() == Some(CLOSED_AT_SUBMISSION);
    // A document is checked once, on the first event that reaches it; any later event — a
    // duplicate, one that arrived out of order (older `sequencer`) or a later PUT on the key —
    // changes nothing in the table and owes no notice.
    if loaded.record.status != DocumentStatus::Declared && !closed_at_submission {
        let checked = loaded
            .record
            .checked_object
            .as_ref()
            .and_then(|checked| checked.sequencer.as_deref());
        if let (Some(checked), Some(this)) = (checked, object.sequencer.as_deref())
            && sequencer_cmp(this, checked) == std::cmp::Ordering::Greater
        {
            tracing::warn!(%key, sequencer = %this, "a later upload to a checked document; the check stands");
        }
        // On a rejected document the version this event names is rejected evidence too: removing
        // it also retries a delete that failed on an earlier delivery. It is idempotent.
        if loaded.record.status == DocumentStatus::Rejected {
            remove_rejected(app, key, object.version_id.as_deref()).await?;
        }
        return Ok(Checked::Unchanged);
    }
    let Some(stored) = app.blobs.head(key).await? else {
        return Ok(Checked::Skipped("the object is no longer stored".into()));
    };
    let stored_application = store::load::<Application>(table, &keys::application(application_id))
        .await?
        .ok_or_else(|| AppError::corrupt(format!("document {key} without its application")))?;
    let application = stored_application.record;

    let mut document = loaded.record;
    document.checked_at = Some(now);
    document.checked_object = Some(object.clone());
    let mut data = BTreeMap::from([
        (
            "organisation_name".to_owned(),
            application.organisation_name().to_owned(),
        ),
        ("application_id".to_owned(), application.id.to_string()),
        ("file_name".to_owned(), document.file_name.clone()),
    ]);
    // Nothing joins a submitted application (Art. 11(2)-(3)): an applicant's upload that completes
    // after the submission, through a link issued to the draft, is refused whatever its bytes.
    // The Office's own reports (staff-only categories) are uploaded past the draft on purpose,
    // and the unit's sealed page in the stages it is filed in, decided again on arrival.
    let sealed_page = document.category.by_recommending_unit();
    let late = if sealed_page {
        (!application.state().files_sealed_recommendation()).then_some(LATE_SEALED_PAGE)
    } else {
        (closed_at_submission
            || (!document.category.staff_only() && application.state() != ApplicationState::Draft))
            .then_some(LATE_UPLOAD)
    };
    let outcome = if let Some((reason, reason_zh)) = late {
        Some((reason.to_owned(), reason_zh.to_owned()))
    } else {
        match mismatch(&document, &stored) {
            Some(mismatch) => Some(mismatch),
            None => content_mismatch(app, key, &document.content_type).await?,
        }
    };
    let (template, action) = match outcome {
        None => {
            document.status = DocumentStatus::Received;
            data.insert("size".into(), document.size.to_string());
            data.insert("sha256".into(), document.sha256.clone());
            data.insert("received_at".into(), china_time(now));
            (NoticeKind::DocumentReceived, "document_received")
        }
        Some((reason, reason_zh)) => {
            document.status = DocumentStatus::Rejected;
            document.rejection_reason = Some(reason);
            data.insert("reason".into(), reason_zh);
            if late.is_some() {
                // Nothing can be uploaded again after the submission: the notice does not ask.
                data.insert("late".into(), "true".into());
            }
            (NoticeKind::DocumentRejected, "document_rejected")
        }
    };
    let mut detail = vec![("document_id", document.id.to_string())];
    if let Some(reason) = &document.rejection_reason {
        detail.push(("reason", reason.clone()));
    }
    // Decided on the application as loaded: a submission (a stage change) landing meanwhile fails
    // this write, and the redelivered event is decided again on the application as it then is.
    // A sealed page received is filed on the recommendation, which the Office's list reads.
    let application_write = match (&application.recommendation, sealed_page) {
        (Some(recommendation), true) if document.status == DocumentStatus::Received => {
            let mut filed = application.clone();
            filed.recommendation = Some(crate::model::Recommendation {
                sealed_page: Some(crate::model::SealedPage {
                    document_id: document.id,
                    received_at: now,
                }),
                ..recommendation.clone()
            });
            filed.updated_at = now;
            store::replace(&filed, stored_application.version)?
        }
        _ => Write::Check {
            key: keys::application(application_id),
            condition: Condition::VersionEquals(stored_application.version),
        },
    };
    // A staff report's receipt is the Office's business, never the applicant's (Art. 19); the
    // sealed page's is its unit's, which uploaded it or had the Office file it.
    let recipient = if document.category.staff_only() {
        crate::recipients::office(app)
    } else if sealed_page {
        data.insert("sealed_page".into(), "true".into());
        match application.recommender_id {
            Some(unit) => crate::recipients::unit(&load_recommender(app, unit).await?.record),
            None => crate::recipients::office(app),
        }
    } else {
        crate::recipients::applicant(&application)
    };
    let writes = vec![
        store::replace(&document, loaded.version)?,
        application_write,
        notices::owe(template, &recipient, data, Some(application.id), now)?,
        audit(
            keys::application_partition(application_id),
            SYSTEM_ACTOR,
            action,
            &detail,
            now,
        )?,
    ];
    let rejected = document.status == DocumentStatus::Rejected;
    match table.transact(writes).await.map_err(AppError::from) {
        Ok(()) => {
            // Only once the rejection is durable: a delete before it could lose the object
            // while the document still says nothing about why.
            if rejected {
                remove_rejected(app, key, object.version_id.as_deref()).await?;
            }
            Ok(Checked::Changed)
        }
        // A concurrent delivery of the same event got there first.
        Err(error) if failed_condition(&error) == Some(0) => Ok(Checked::Unchanged),
        Err(error) => Err(error),
    }
}

/// Deletes a rejected upload: the bucket keeps only evidence that matched its declaration
/// (Art. 19). On a versioned bucket the version the event named is deleted, so no noncurrent copy
/// of the rejected bytes stays behind. The delete is idempotent, so a failure is returned to be
/// retried on redelivery.
async fn remove_rejected(app: &App, key: &str, version_id: Option<&str>) -> Result<(), AppError> {
    app.blobs.delete(key, version_id).await.map_err(|error| {
        tracing::error!(%key, %error, "deleting a rejected upload failed");
        AppError::from(error)
    })
}

// --- the table's stream -------------------------------------------------------------------------

/// Sends the notice a change made pending, if it is one.
async fn handle_change(app: &App, record: &ChangeRecord, now: DateTime<Utc>) -> Handled {
    let notice = match typed_image::<Notice>(record, "notice") {
        Ok(Some(notice)) => notice,
        // Not a notice: none of `notify`'s business.
        Ok(None) => return Handled::Ignored,
        Err(skipped) => return skipped,
    };
    if notice.status != NoticeStatus::Pending {
        return delivered(notice.id, Ok(Delivery::NotOutstanding));
    }
    match notices::deliver(app, notice.id, now).await {
        Ok(delivery) => delivered(notice.id, Ok(delivery)),
        // The table failed: worth retrying.
        Err(error) => {
            tracing::error!(%error, "handling a table change failed");
            Handled::Failed
        }
    }
}

/// `notify`'s stream: sends every notice the batch's changes made pending, in order, up to the
/// first record that fails (it does not parse, or its notice could not be claimed or marked),
/// which the partial batch response names.
pub async fn table_changes<'r>(
    app: &App,
    changes: impl Into<Changes<'r>>,
    now: DateTime<Utc>,
) -> Result<StreamBatchOutcome, AppError> {
    partial_batch(changes, |change| async move {
        handle_change(app, &change, now).await
    })
    .await
}

/// What one delivery came to.
fn delivered(id: Ulid, delivery: Result<Delivery, AppError>) -> Handled {
    match delivery {
        Ok(Delivery::Sent) => Handled::Changed,
        Ok(Delivery::NotOutstanding | Delivery::NotDue) => Handled::Unchanged,
        Ok(Delivery::Retrying(error)) => {
            tracing::warn!(notice = %id, %error, "notice not sent; will be retried");
            Handled::Retrying
        }
        Ok(Delivery::GaveUp(_)) => Handled::GaveUp,
        Err(error) => {
            tracing::error!(notice = %id, %error, "delivering a notice failed");
            Handled::Failed
        }
    }
}

/// How many China days back the redrive sends from: today and the six days before.
pub const REDRIVE_WINDOW_DAYS: i64 = 7;

/// How many China days beyond the window the redrive looks for notices still unsent, to give them
/// up (`failed`, counted by the `NoticesFailed` metric) rather than leave them pending unseen. A
/// redrive that does not run at all for this long leaves older ones pending: the schedule's own
/// failures go to `NotifyFailuresQueue`.
pub const EXPIRY_SWEEP_DAYS: i64 = 7;

/// The reason kept on a notice given up by the redrive.
fn left_window_reason() -> String {
    format!("not sent within the {REDRIVE_WINDOW_DAYS}-day redrive window")
}

/// The outstanding notices due on China `date`, each as stored or the reason it is unreadable.
async fn outstanding_notices(
    app: &App,
    date: chrono::NaiveDate,
) -> Result<Vec<Result<Notice, String>>, AppError> {
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi2, keys::due_partition(date))
            .sort(SortCondition::BeginsWith(keys::NOTICE_DUE_PREFIX.into())),
    )
    .await?;
    Ok(items
        .into_iter()
        .map(|item| {
            from_item::<Notice>(item)
                .map(|stored| stored.record)
                .map_err(|error| {
                    // One item that no longer maps must not hold back every other notice.
                    tracing::error!(%date, %error, "unreadable notice in the redrive window; skipped");
                    format!("unreadable notice due {date}: {error}")
                })
        })
        .collect())
}

/// Scheduled: sends notices still owed (a failed send whose back-off is over, a lost stream
/// record, a sender that died after claiming) from the `DUE#` partitions of the window, newest
/// day first, and gives up those of the [`EXPIRY_SWEEP_DAYS`] before it. The days are read
/// concurrently (one round trip when nothing is owed), then handled in that order.
pub async fn redrive_pending_notices(
    app: &App,
    now: DateTime<Utc>,
) -> Result<EventReport, AppError> {
    let mut report = EventReport::default();
    let today = china_date(now);
    let read = futures_util::future::join_all(
        (0..REDRIVE_WINDOW_DAYS + EXPIRY_SWEEP_DAYS)
            .map(|days_back| outstanding_notices(app, today - Duration::days(days_back))),
    )
    .await;
    let reason = left_window_reason();
    for (days_back, notices) in (0..).zip(read) {
        for notice in notices? {
            let notice = match notice {
                Ok(notice) => notice,
                Err(skipped) => {
                    report.skipped.push(skipped);
                    continue;
                }
            };
            let done = if days_back < REDRIVE_WINDOW_DAYS {
                notices::deliver(app, notice.id, now).await
            } else {
                notices::give_up_unsent(app, notice.id, &reason, now).await
            };
            report.count(delivered(notice.id, done));
        }
    }
    report.finish()
}

// --- the notify function's two triggers ---------------------------------------------------------

/// What invokes `notify`: the table's stream, or the schedule (an EventBridge rule's "Scheduled
/// Event"). Told apart by shape: only the scheduled event has `detail-type`, only the stream
/// event has `Records`.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum NotifyEvent {
    Scheduled(ScheduledEvent),
    Stream(StreamRecords),
}

/// The part of an EventBridge scheduled event `notify` reads.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
pub struct ScheduledEvent {
    #[serde(rename = "detail-type")]
    pub detail_type: String,
}

/// What `notify` did, per trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyOutcome {
    Stream(StreamBatchOutcome),
    Scheduled(EventReport),
}

impl NotifyOutcome {
    /// What was done, for the log.
    pub fn report(&self) -> &EventReport {
        match self {
            Self::Stream(batch) => &batch.report,
            Self::Scheduled(report) => report,
        }
    }

    /// The invocation's result as Lambda reads it: for the stream exactly
    /// `{"batchItemFailures":[{"itemIdentifier":"<SequenceNumber>"}]}` (nothing else, so the event
    /// source mapping cannot misread it); for the schedule, the report.
    pub fn response(&self) -> Result<serde_json::Value, AppError> {
        let value = match self {
            Self::Stream(batch) => serde_json::to_value(&batch.response),
            Self::Scheduled(report) => serde_json::to_value(report),
        };
        value.map_err(|error| AppError::corrupt(format!("unserialisable response: {error}")))
    }
}

/// Runs `notify` for either trigger.
pub async fn notify(
    app: &App,
    event: NotifyEvent,
    now: DateTime<Utc>,
) -> Result<NotifyOutcome, AppError> {
    match event {
        NotifyEvent::Stream(event) => {
            Ok(NotifyOutcome::Stream(table_changes(app, event, now).await?))
        }
        NotifyEvent::Scheduled(event) if event.detail_type == "Scheduled Event" => Ok(
            NotifyOutcome::Scheduled(redrive_pending_notices(app, now).await?),
        ),
        NotifyEvent::Scheduled(event) => Err(AppError::config(format!(
            "notify was invoked by an unexpected event: {:?}",
            event.detail_type
        ))),
    }
}
