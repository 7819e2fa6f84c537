//! The event handlers: S3 `ObjectCreated` (check an upload against its declaration), the table's
//! stream (send the notices owed) and the scheduled redrive of notices still pending.
//!
//! Every handler is idempotent: a redelivered event finds its work done and changes nothing.

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::lifecycle::NoticeKind;
use award_ports::{BlobMeta, ChangeKind, ChangeRecord, Index, Query, SortCondition, table::key_of};
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::s3::S3Event;
use chrono::{DateTime, Duration, Utc};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::keys::{self, item_type};
use crate::model::{
    Application, CheckedObject, Document, DocumentStatus, Notice, NoticeStatus, SYSTEM_ACTOR,
};
use crate::notices::{self, Delivery};
use crate::store::{self, failed_condition, from_item, query_all};
use crate::templates::china_time;
use crate::usecases::audit;

/// What a handler did with an event's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventReport {
    /// Records that changed something (a document checked, a notice sent).
    pub changed: usize,
    /// Records whose work was already done (redelivery) or not due yet.
    pub unchanged: usize,
    /// Records that failed and are worth retrying.
    pub failed: usize,
    /// Records ignored, with the reason (unknown keys, nothing declared).
    pub skipped: Vec<String>,
}

impl EventReport {
    /// The report, or an error when records failed, so the platform redelivers the event.
    fn finish(self) -> Result<Self, AppError> {
        if self.failed > 0 {
            Err(AppError::RecordsFailed {
                failed: self.failed,
            })
        } else {
            Ok(self)
        }
    }
}

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

/// Why a stored object does not match its declaration, in English (kept on the document) and in
/// Chinese (sent to the applicant).
fn mismatch(document: &Document, stored: &BlobMeta) -> Option<(String, String)> {
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
    if stored_type.as_deref() != Some(document.content_type.as_str()) {
        return Some((
            format!(
                "stored content type {:?} differs from the declared {}",
                stored.content_type, document.content_type
            ),
            "上传文件类型与登记的文件类型不符".to_owned(),
        ));
    }
    match &stored.sha256_hex {
        Some(sha256) if sha256.eq_ignore_ascii_case(&document.sha256) => None,
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
    // A document is checked once, on the first event that reaches it; any later event — a
    // duplicate, one that arrived out of order (older `sequencer`) or a later PUT on the key —
    // changes nothing in the table and owes no notice.
    if loaded.record.status != DocumentStatus::Declared {
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
    let application = store::load::<Application>(table, &keys::application(application_id))
        .await?
        .ok_or_else(|| AppError::corrupt(format!("document {key} without its application")))?
        .record;

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
    let (template, action) = match mismatch(&document, &stored) {
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
            (NoticeKind::DocumentRejected, "document_rejected")
        }
    };
    let mut detail = vec![("document_id", document.id.to_string())];
    if let Some(reason) = &document.rejection_reason {
        detail.push(("reason", reason.clone()));
    }
    let writes = vec![
        store::replace(&document, loaded.version)?,
        notices::owe(
            template,
            &crate::recipients::applicant(&application),
            data,
            Some(application.id),
            now,
        )?,
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

/// The stream event's records as the port's [`ChangeRecord`]s. `aws_lambda_events` and the ports
/// both use `serde_dynamo::Item` (one crate version in the workspace), so images pass through as
/// they are; only the event name and the keys need reading.
pub fn change_records(event: StreamEvent) -> Result<Vec<ChangeRecord>, AppError> {
    event
        .records
        .into_iter()
        .map(|record| {
            let kind = match record.event_name.as_str() {
                "INSERT" => ChangeKind::Insert,
                "MODIFY" => ChangeKind::Modify,
                "REMOVE" => ChangeKind::Remove,
                other => {
                    return Err(AppError::corrupt(format!(
                        "unknown stream event name {other:?}"
                    )));
                }
            };
            let key = key_of(&record.change.keys)?;
            let new_image = (kind != ChangeKind::Remove && !record.change.new_image.is_empty())
                .then_some(record.change.new_image);
            Ok(ChangeRecord {
                sequence: record.change.sequence_number.unwrap_or(record.event_id),
                kind,
                key,
                new_image,
            })
        })
        .collect()
}

/// Sends every notice that a change made pending. Other items are none of `notify`'s business.
pub async fn table_changes(
    app: &App,
    records: &[ChangeRecord],
    now: DateTime<Utc>,
) -> Result<EventReport, AppError> {
    let mut report = EventReport::default();
    for record in records {
        let Some(image) = &record.new_image else {
            continue;
        };
        if store::type_of(image) != Some(item_type::NOTICE) {
            continue;
        }
        let notice = match from_item::<Notice>(image.clone()) {
            Ok(stored) => stored.record,
            Err(error) => {
                tracing::error!(sequence = %record.sequence, %error, "unreadable notice image; skipped");
                report
                    .skipped
                    .push(format!("unreadable notice {:?}", record.key));
                continue;
            }
        };
        if notice.status != NoticeStatus::Pending {
            report.unchanged += 1;
            continue;
        }
        count(
            &mut report,
            notice.id,
            notices::deliver(app, notice.id, now).await,
        );
    }
    report.finish()
}

fn count(report: &mut EventReport, id: Ulid, delivery: Result<Delivery, AppError>) {
    match delivery {
        Ok(Delivery::Sent) => report.changed += 1,
        Ok(Delivery::NotOutstanding | Delivery::NotDue) => report.unchanged += 1,
        Ok(Delivery::Failed(error)) => {
            tracing::warn!(notice = %id, %error, "notice not sent");
            report.failed += 1;
        }
        Err(error) => {
            tracing::error!(notice = %id, %error, "delivering a notice failed");
            report.failed += 1;
        }
    }
}

/// How many China days back the redrive looks: today and the six days before. A notice still
/// pending after a week of hourly redrives needs a person, not another attempt; it stays in the
/// table, pending, listed under its `DUE#` date.
pub const REDRIVE_WINDOW_DAYS: i64 = 7;

/// Scheduled: sends notices still owed (a failed send whose back-off is over, a lost stream
/// record, a sender that died after claiming) from the `DUE#` partitions of the window.
pub async fn redrive_pending_notices(
    app: &App,
    now: DateTime<Utc>,
) -> Result<EventReport, AppError> {
    let mut report = EventReport::default();
    let today = china_date(now);
    for days_back in 0..REDRIVE_WINDOW_DAYS {
        let date = today - Duration::days(days_back);
        let items = query_all(
            app.table.as_ref(),
            Query::partition(Index::Gsi2, keys::due_partition(date))
                .sort(SortCondition::BeginsWith(keys::NOTICE_DUE_PREFIX.into())),
        )
        .await?;
        for item in items {
            // One item that no longer maps must not hold back every other notice of the window.
            let notice = match from_item::<Notice>(item) {
                Ok(stored) => stored.record,
                Err(error) => {
                    tracing::error!(%date, %error, "unreadable notice in the redrive window; skipped");
                    report
                        .skipped
                        .push(format!("unreadable notice due {date}: {error}"));
                    continue;
                }
            };
            count(
                &mut report,
                notice.id,
                notices::deliver(app, notice.id, now).await,
            );
        }
    }
    report.finish()
}

// --- the notify function's two triggers ---------------------------------------------------------

/// What invokes `notify`: the table's stream, or the schedule (an EventBridge rule's "Scheduled
/// Event"). Told apart by shape: only the scheduled event has `detail-type`, only the stream
/// event has `Records`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum NotifyEvent {
    Scheduled(ScheduledEvent),
    Stream(StreamEvent),
}

/// The part of an EventBridge scheduled event `notify` reads.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ScheduledEvent {
    #[serde(rename = "detail-type")]
    pub detail_type: String,
}

/// Runs `notify` for either trigger.
pub async fn notify(
    app: &App,
    event: NotifyEvent,
    now: DateTime<Utc>,
) -> Result<EventReport, AppError> {
    match event {
        NotifyEvent::Stream(event) => table_changes(app, &change_records(event)?, now).await,
        NotifyEvent::Scheduled(event) if event.detail_type == "Scheduled Event" => {
            redrive_pending_notices(app, now).await
        }
        NotifyEvent::Scheduled(event) => Err(AppError::config(format!(
            "notify was invoked by an unexpected event: {:?}",
            event.detail_type
        ))),
    }
}
