//! The transactional outbox: use cases write a pending [`Notice`] in the same transaction as the
//! change that owes it ([`owe`]); `notify` delivers it ([`deliver`]) at most once per successful
//! send: claim (version guard) → render → send → mark sent.

use std::collections::BTreeMap;

use award_domain::china_date;
use award_domain::lifecycle::NoticeKind;
use award_ports::{Email, Write};
use chrono::{DateTime, Duration, Utc};
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::keys;
use crate::model::{Notice, NoticeStatus, new_id};
use crate::recipients::Addressee;
use crate::store::{self, failed_condition};
use crate::templates;

/// After this many failed sends a notice is marked `failed` and left for people to look at.
pub const MAX_SEND_ATTEMPTS: u32 = 8;

/// A claim older than this belongs to a sender that died: a Lambda invocation lasts at most 15
/// minutes, so nobody is still working on it.
pub const STALE_CLAIM: Duration = Duration::minutes(15);

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
        sent_at: None,
        message_id: None,
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
    /// The send failed; the notice is pending again (or `failed` after too many attempts).
    Failed(String),
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

/// Sends notice `id` if it is still owed. A redelivered record, or a second sender, finds it
/// claimed or sent and sends nothing.
pub async fn deliver(app: &App, id: Ulid, now: DateTime<Utc>) -> Result<Delivery, AppError> {
    let Some(loaded) = store::load::<Notice>(app.table.as_ref(), &keys::notice(id)).await? else {
        return Ok(Delivery::NotOutstanding);
    };
    if let Some(outcome) = claimable(&loaded.record, now) {
        return Ok(outcome);
    }

    let mut notice = loaded.record;
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
                to: vec![notice.recipient.clone()],
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
            })
            .await
            .map_err(AppError::from),
        Err(error) => Err(error),
    };

    notice.attempts += 1;
    let outcome = match sent {
        Ok(message_id) => {
            notice.status = NoticeStatus::Sent;
            notice.sent_at = Some(now);
            notice.message_id = Some(message_id);
            notice.last_error = None;
            notice.next_attempt_after = None;
            Delivery::Sent
        }
        Err(error) => {
            let permanent = matches!(error, AppError::Template { .. } | AppError::Config { .. });
            notice.last_error = Some(error.to_string());
            if permanent || notice.attempts >= MAX_SEND_ATTEMPTS {
                tracing::error!(notice = %notice.id, attempts = notice.attempts, %error, "giving up on a notice");
                notice.status = NoticeStatus::Failed;
            } else {
                tracing::warn!(notice = %notice.id, attempts = notice.attempts, %error, "notice send failed; released");
                notice.status = NoticeStatus::Pending;
                notice.next_attempt_after = Some(now + backoff(notice.attempts));
            }
            notice.claimed_at = None;
            Delivery::Failed(error.to_string())
        }
    };
    // If this write fails after a send, the claim goes stale and a later redrive sends again:
    // at least once, never silently lost.
    app.table
        .transact(vec![store::replace(&notice, claimed_version)?])
        .await?;
    Ok(outcome)
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
