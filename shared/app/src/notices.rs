//! The transactional outbox: use cases write a pending [`Notice`] in the same transaction as the
//! change that owes it ([`owe`]); `notify` delivers it ([`deliver`]): claim (version guard) →
//! render → send → mark sent. What this does and does not guarantee is stated in
//! `docs/ARCHITECTURE.md`, "The outbox's guarantees": at most one send per claim, and the cases in
//! which a notice is sent twice.
//!
//! A notice that cannot be sent is never dropped silently: it becomes `failed` ([`give_up`]), is
//! logged with [`NOTICE_FAILED_LOG_MARKER`] (a CloudWatch metric with an alarm counts those lines),
//! and the Office lists ([`list_failed`]) and resends ([`resend`]) it.

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::lifecycle::NoticeKind;
use award_domain::roles::Role;
use award_ports::{Email, Index, Query, Write};
use chrono::{DateTime, Duration, Utc};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::Caller;
use crate::keys;
use crate::model::{Notice, NoticeFailure, NoticeStatus, new_id};
use crate::recipients::Addressee;
use crate::store::{self, failed_condition, from_item, query_all};
use crate::templates;

/// After this many transiently failed sends a notice is marked `failed` and left for people.
pub const MAX_SEND_ATTEMPTS: u32 = 8;

/// A claim older than this belongs to a sender that died: a Lambda invocation lasts at most 15
/// minutes, so nobody is still working on it.
pub const STALE_CLAIM: Duration = Duration::minutes(15);

/// The word every "notice given up" log line carries. The template's metric filter on `notify`'s
/// log group counts the lines containing it (metric `NoticesFailed`), and an alarm fires on any.
pub const NOTICE_FAILED_LOG_MARKER: &str = "award_notice_failed";

/// The word of the line logged when a notice is sent again after a send whose outcome was never
/// confirmed (`MailError::Unconfirmed`, or a claim taken over from a sender that died): the one
/// case in which a recipient may get two copies, counted by the template's `NoticesPossiblyTwice`
/// metric instead of passing for a routine retry.
pub const POSSIBLE_DUPLICATE_LOG_MARKER: &str = "award_notice_possibly_twice";

/// The write that owes `to` the email of `kind` rendered with `data` (plus `to`'s salutation);
/// `application_id` names the application it is about, if any. Recipients are resolved to an
/// [`Addressee`] in one place, `recipients`.
pub fn owe(
    kind: NoticeKind,
    to: &Addressee,
    mut data: BTreeMap<String, String>,
    application_id: Option<Ulid>,
    now: DateTime<Utc>,
) -> Result<Write, AppError> {
    data.insert(
        crate::templates::SALUTATION.to_owned(),
        to.salutation.clone(),
    );
    store::create(&Notice {
        id: new_id(now),
        status: NoticeStatus::Pending,
        recipient: to.address.clone(),
        audience: to.audience,
        kind,
        application_id,
        data,
        due: china_date(now),
        created_at: now,
        attempts: 0,
        claimed_at: None,
        next_attempt_after: None,
        last_error: None,
        failure: None,
        sent_at: None,
        message_id: None,
        unconfirmed_sends: 0,
    })
}

/// What [`deliver`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The email went out and the notice is marked sent.
    Sent,
    /// Sent already, claimed by someone else, gone, or given up: nothing to do.
    NotOutstanding,
    /// Pending, but its next attempt is later (after a failure).
    NotDue,
    /// The send failed transiently; the notice is pending again, with a back-off.
    Retrying(String),
    /// The send failed for good (or too often); the notice is now `failed`.
    GaveUp(String),
}

/// Whether a notice may be claimed at `now`.
fn claimable(notice: &Notice, now: DateTime<Utc>) -> Option<Delivery> {
    match notice.status {
        NoticeStatus::Pending => match notice.next_attempt_after {
            Some(after) if after > now => Some(Delivery::NotDue),
            _ => None,
        },
        NoticeStatus::Sending => match notice.claimed_at {
            Some(claimed) if now - claimed > STALE_CLAIM => None,
            _ => Some(Delivery::NotOutstanding),
        },
        NoticeStatus::Sent | NoticeStatus::Failed => Some(Delivery::NotOutstanding),
    }
}

/// Whether retrying the same send can succeed: a refused address, a broken template or a bad
/// setting fails the same way every time.
fn is_permanent(error: &AppError) -> bool {
    match error {
        AppError::Mail { source } => !source.is_transient(),
        AppError::Template { .. } | AppError::Config { .. } => true,
        _ => false,
    }
}

/// Marks `notice` given up for `failure` (the caller writes it) and logs the line the
/// `NoticesFailed` metric counts.
fn give_up(notice: &mut Notice, failure: NoticeFailure, reason: String) {
    tracing::error!(
        notice = %notice.id,
        attempts = notice.attempts,
        %reason,
        "{NOTICE_FAILED_LOG_MARKER}: notice given up; the Office can resend it"
    );
    notice.status = NoticeStatus::Failed;
    notice.failure = Some(failure);
    notice.claimed_at = None;
    notice.next_attempt_after = None;
    notice.last_error = Some(reason);
}

/// Sends notice `id` if it is still owed. A redelivered record, or a second sender, finds it
/// claimed or sent and sends nothing. Errors are the table's (the claim or the mark could not be
/// written); a failed send is an `Ok` outcome, recorded on the notice.
pub async fn deliver(app: &App, id: Ulid, now: DateTime<Utc>) -> Result<Delivery, AppError> {
    let Some(loaded) = store::load::<Notice>(app.table.as_ref(), &keys::notice(id)).await? else {
        return Ok(Delivery::NotOutstanding);
    };
    if let Some(outcome) = claimable(&loaded.record, now) {
        return Ok(outcome);
    }

    let mut notice = loaded.record;
    if notice.status == NoticeStatus::Sending {
        // A claim taken over from a sender that died: it may have sent before it died.
        notice.unconfirmed_sends += 1;
    }
    notice.status = NoticeStatus::Sending;
    notice.claimed_at = Some(now);
    let claimed = app
        .table
        .transact(vec![store::replace(&notice, loaded.version)?])
        .await
        .map_err(AppError::from);
    match claimed {
        Ok(()) => {}
        Err(error) if failed_condition(&error).is_some() => return Ok(Delivery::NotOutstanding),
        Err(error) => return Err(error),
    }
    let claimed_version = loaded.version + 1;

    let sent = match templates::render(notice.kind, &notice.data) {
        Ok(rendered) => app
            .mail
            .send(&Email {
                from: app.config.mail_from.clone(),
                from_name: app.config.mail_from_name.clone(),
                to: vec![notice.recipient.clone()],
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                sent_at: now,
            })
            .await
            .map_err(AppError::from),
        Err(error) => Err(error),
    };

    notice.attempts += 1;
    let outcome = match sent {
        Ok(message_id) => {
            if notice.unconfirmed_sends > 0 {
                tracing::warn!(
                    notice = %notice.id,
                    unconfirmed_sends = notice.unconfirmed_sends,
                    %message_id,
                    "{POSSIBLE_DUPLICATE_LOG_MARKER}: sent after a send whose outcome was never confirmed; the recipient may hold two copies"
                );
            }
            notice.status = NoticeStatus::Sent;
            notice.sent_at = Some(now);
            notice.message_id = Some(message_id);
            notice.last_error = None;
            notice.next_attempt_after = None;
            Delivery::Sent
        }
        Err(error) if is_permanent(&error) || notice.attempts >= MAX_SEND_ATTEMPTS => {
            let failure = match &error {
                // An email this system could not even form (its sender, its display name): ours.
                AppError::Mail {
                    source: award_ports::MailError::Invalid(_),
                } => NoticeFailure::Misconfigured,
                AppError::Mail { .. } if is_permanent(&error) => NoticeFailure::Refused,
                AppError::Mail { .. } => NoticeFailure::Unavailable,
                _ => NoticeFailure::Misconfigured,
            };
            let reason = error.to_string();
            give_up(&mut notice, failure, reason.clone());
            Delivery::GaveUp(reason)
        }
        Err(error) => {
            if matches!(
                &error,
                AppError::Mail {
                    source: award_ports::MailError::Unconfirmed(_)
                }
            ) {
                // SES may hold it: the next send is counted as a possible second copy.
                notice.unconfirmed_sends += 1;
            }
            tracing::warn!(notice = %notice.id, attempts = notice.attempts, %error, "notice send failed; released");
            notice.status = NoticeStatus::Pending;
            notice.next_attempt_after = Some(now + backoff(notice.attempts));
            notice.claimed_at = None;
            notice.last_error = Some(error.to_string());
            Delivery::Retrying(error.to_string())
        }
    };
    // `Table::commit` retries a throttled mark and recognises one whose answer was lost. If it
    // still fails after a send, the claim goes stale and a later redrive sends again, counted as
    // possibly twice (docs/ARCHITECTURE.md, "The outbox's guarantees").
    if let Err(error) = app
        .table
        .transact(vec![store::replace(&notice, claimed_version)?])
        .await
    {
        if let Some(message_id) = &notice.message_id {
            tracing::error!(notice = %notice.id, %message_id, %error, "a sent notice could not be marked sent");
        }
        return Err(error.into());
    }
    Ok(outcome)
}

/// Gives up notice `id` if it is still pending (or its claim is stale) at `now`: called by the
/// redrive for notices whose due date has left its window, so none stays pending unseen. A notice
/// claimed less than [`STALE_CLAIM`] ago is left to its sender.
pub async fn give_up_unsent(
    app: &App,
    id: Ulid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Delivery, AppError> {
    let Some(loaded) = store::load::<Notice>(app.table.as_ref(), &keys::notice(id)).await? else {
        return Ok(Delivery::NotOutstanding);
    };
    let stale_claim = |notice: &Notice| {
        notice
            .claimed_at
            .is_none_or(|claimed| now - claimed > STALE_CLAIM)
    };
    let mut notice = loaded.record;
    let outstanding = match notice.status {
        NoticeStatus::Pending => true,
        NoticeStatus::Sending => stale_claim(&notice),
        NoticeStatus::Sent | NoticeStatus::Failed => false,
    };
    if !outstanding {
        return Ok(Delivery::NotOutstanding);
    }
    give_up(&mut notice, NoticeFailure::Overdue, reason.to_owned());
    match app
        .table
        .transact(vec![store::replace(&notice, loaded.version)?])
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(Delivery::GaveUp(reason.to_owned())),
        // A sender claimed or finished it meanwhile: it is not unsent.
        Err(error) if failed_condition(&error).is_some() => Ok(Delivery::NotOutstanding),
        Err(error) => Err(error),
    }
}

/// The failed notices, newest first (GSI2 `NOTICES#failed`). Office only.
pub async fn list_failed(app: &App, caller: &Caller) -> Result<Vec<Notice>, AppError> {
    caller.require(Role::Office)?;
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi2, keys::FAILED_NOTICES).descending(),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<Notice>(item).map(|stored| stored.record))
    .collect()
}

/// One notice about an application, as its timeline shows it (`GET /applications/{id}/notices`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "ApplicationNotice")]
pub struct SentNotice {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub kind: NoticeKind,
    /// The email's subject, rendered from the notice's data as it was (or will be) sent.
    pub subject: String,
    pub recipient: String,
    pub audience: award_domain::lifecycle::Recipient,
    pub status: NoticeStatus,
    /// UTC instants.
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// `GET /applications/{id}/notices`: the notices about application `id`, oldest first (GSI1
/// `APP#<id>#NOTICES`, access pattern 7c). Its owner sees those addressed to the applicant; the
/// Office sees all. Anyone else, and an unknown id, is `ApplicationNotFound` (404): nobody learns
/// that an application exists from here (Art. 19).
pub async fn of_application(
    app: &App,
    caller: &Caller,
    id: Ulid,
) -> Result<Vec<SentNotice>, AppError> {
    let application = crate::reads::applications::load_application(app, id)
        .await?
        .record;
    let office = caller.has(Role::Office);
    let owner = caller.has(Role::Applicant) && application.owner() == caller.sub();
    if !(office || owner) {
        return Err(AppError::ApplicationNotFound);
    }
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::application_notices_partition(id)),
    )
    .await?;
    let mut listed = Vec::new();
    for item in items {
        let notice = from_item::<Notice>(item)?.record;
        if !office && notice.audience != award_domain::lifecycle::Recipient::Applicant {
            continue;
        }
        let (subject, _) = templates::render_parts(notice.kind, &notice.data)?;
        listed.push(SentNotice {
            id: notice.id,
            kind: notice.kind,
            subject,
            recipient: notice.recipient,
            audience: notice.audience,
            status: notice.status,
            created_at: notice.created_at,
            sent_at: notice.sent_at,
        });
    }
    Ok(listed)
}

/// Puts failed notice `id` back in the outbox: pending, due today (China date), its attempts
/// counted afresh, with an audit record (`notice_resent`, in the notice's partition). The stream
/// then sends it as a new one. Office only; `NoticeNotFound` (404), `NoticeNotFailed` (409) for a
/// notice in any other status, `ConcurrentUpdate` (409) if it changed meanwhile.
pub async fn resend(
    app: &App,
    caller: &Caller,
    id: Ulid,
    now: DateTime<Utc>,
) -> Result<Notice, AppError> {
    caller.require(Role::Office)?;
    let key = keys::notice(id);
    let loaded = store::load::<Notice>(app.table.as_ref(), &key)
        .await?
        .ok_or(AppError::NoticeNotFound)?;
    if loaded.record.status != NoticeStatus::Failed {
        return Err(AppError::NoticeNotFailed {
            status: loaded.record.status.as_str().to_owned(),
        });
    }
    let mut notice = loaded.record;
    let previous_error = notice.last_error.clone().unwrap_or_default();
    notice.status = NoticeStatus::Pending;
    notice.failure = None;
    notice.due = china_date(now);
    notice.attempts = 0;
    notice.claimed_at = None;
    notice.next_attempt_after = None;
    let writes = vec![
        store::replace(&notice, loaded.version)?,
        audit(
            key.pk,
            caller.sub(),
            "notice_resent",
            &[
                ("notice_id", id.to_string()),
                ("previous_error", previous_error),
            ],
            now,
        )?,
    ];
    match app.table.transact(writes).await.map_err(AppError::from) {
        Ok(()) => Ok(notice),
        Err(error) if failed_condition(&error) == Some(0) => Err(AppError::ConcurrentUpdate),
        Err(error) => Err(error),
    }
}

/// Waiting time before attempt `attempts + 1`: 1, 2, 4 ... minutes, at most an hour.
fn backoff(attempts: u32) -> Duration {
    Duration::minutes((1_i64 << attempts.saturating_sub(1).min(6)).min(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(6), Duration::minutes(32));
        assert_eq!(backoff(7), Duration::minutes(60));
        assert_eq!(backoff(30), Duration::minutes(60));
    }
}
