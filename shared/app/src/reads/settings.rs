//! The Office's settings that stages read: the aftercare policy (Arts. 16–18) and the working-day
//! calendar with the years the Office loaded (Art. 11(8)). The stage that issues a command reads
//! what the command needs here and passes it in, so the stage path reads no setting itself.

use award_domain::award::AftercarePolicy;
use award_domain::calendar::WorkingCalendar;
use award_ports::{Condition, Index, Query, Write};
use chrono::{DateTime, Utc};
use chrono::{Datelike, NaiveDate};

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::keys;
use crate::model::{
    AftercarePolicyRecord, HolidayNoticeRecord, OfficeContact, OfficeContactRecord,
};
use crate::store::{self, Record, Stored, Tx, from_item, query_all};

/// The aftercare policy in force: the Office's, else the default (180 / 90 / 30 days, yearly).
pub async fn aftercare_policy(app: &App) -> Result<AftercarePolicy, AppError> {
    Ok(
        store::load::<AftercarePolicyRecord>(app.table.as_ref(), &keys::aftercare_policy())
            .await?
            .map(|stored| stored.record.policy)
            .unwrap_or_default(),
    )
}

/// The Office's contact details: what it set, else the deployment's Office mailbox alone.
pub async fn office_contact(app: &App) -> Result<OfficeContact, AppError> {
    Ok(
        store::load::<OfficeContactRecord>(app.table.as_ref(), &keys::office_contact())
            .await?
            .map(|stored| stored.record.contact)
            .unwrap_or_else(|| OfficeContact {
                mailbox: app.config.mailboxes.office.clone(),
                ..OfficeContact::default()
            }),
    )
}

/// Stores one of the Office's settings (`record`, replacing the one before) with its audit record
/// `action` under `SETTINGS` naming `sub` and `fields`, in one transaction.
pub async fn put<T: Record>(
    app: &App,
    record: &T,
    sub: &str,
    action: &str,
    fields: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = Tx::new();
    tx.push(Write::Put {
        item: store::to_item(record, 1)?,
        condition: Condition::None,
    });
    tx.push(audit("SETTINGS".to_owned(), sub, action, fields, now)?);
    tx.commit(app.table.as_ref()).await
}

/// The notices the Office loaded, with their versions (one `Query` of the `CALENDAR` partition).
pub async fn loaded(app: &App) -> Result<Vec<Stored<HolidayNoticeRecord>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::CALENDAR),
    )
    .await?
    .into_iter()
    // The partition holds the loads' audit records too.
    .filter(|item| store::type_of(item) == Some(keys::item_type::HOLIDAY_NOTICE))
    .map(from_item::<HolidayNoticeRecord>)
    .collect()
}

/// `official` plus every year of `loaded` that it lacks. Errors: `CalendarUnavailable` when a
/// stored notice no longer validates (it did when it was loaded).
pub fn combine(
    official: &WorkingCalendar,
    loaded: &[Stored<HolidayNoticeRecord>],
) -> Result<WorkingCalendar, AppError> {
    let mut calendar = official.clone();
    for stored in loaded {
        if calendar.notice(stored.record.notice.year).is_none() {
            calendar = calendar
                .with_notice(stored.record.notice.clone())
                .map_err(|error| AppError::calendar(&error))?;
        }
    }
    Ok(calendar)
}

/// `official` plus every year the Office loaded that it lacks. Errors: as [`combine`].
pub async fn effective(app: &App, official: &WorkingCalendar) -> Result<WorkingCalendar, AppError> {
    combine(official, &loaded(app).await?)
}

/// The writes that mark the loaded notices of the years `first_day..=last_day` touches as used by
/// `cycle_id`'s publicity, each guarded by the version read: committed with the publicity's start,
/// a notice replaced in between fails the start (re-run on the new notice), and a notice once
/// counted on can no longer be replaced.
pub fn mark_used(
    loaded: &[Stored<HolidayNoticeRecord>],
    official: &WorkingCalendar,
    cycle_id: &str,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Vec<Write>, AppError> {
    let mut writes = Vec::new();
    for stored in loaded {
        let year = stored.record.notice.year;
        if official.notice(year).is_some() || !(first_day.year()..=last_day.year()).contains(&year)
        {
            continue;
        }
        let mut record = stored.record.clone();
        if !record.used_by.iter().any(|id| id == cycle_id) {
            record.used_by.push(cycle_id.to_owned());
        }
        writes.push(store::replace(&record, stored.version)?);
    }
    Ok(writes)
}
