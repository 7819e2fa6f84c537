//! The official working-day calendar beyond the years the build embeds (Art. 11(8)): the Office
//! loads each new year's State Council holiday notice (`POST /calendar/{year}`), validated by the
//! domain, and the publicity counts on the embedded years plus those loaded. A year neither holds
//! is refused by the domain (`calendar_unavailable`), never guessed from weekdays.

use award_domain::calendar::{HolidayNotice, WorkingCalendar};
use award_ports::{Index, Query};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::HolidayNoticeRecord;
use crate::store::{self, Tx, from_item, query_all};
use crate::usecases::audit;

/// The notices the Office loaded (one `Query` of the `CALENDAR` partition).
async fn loaded(app: &App) -> Result<Vec<HolidayNoticeRecord>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::CALENDAR),
    )
    .await?
    .into_iter()
    // The partition holds the loads' audit records too.
    .filter(|item| store::type_of(item) == Some(keys::item_type::HOLIDAY_NOTICE))
    .map(|item| from_item::<HolidayNoticeRecord>(item).map(|stored| stored.record))
    .collect()
}

/// `official` plus every year the Office loaded that it lacks. Errors: `CalendarUnavailable` when
/// a stored notice no longer validates (it did when it was loaded).
pub async fn effective(app: &App, official: &WorkingCalendar) -> Result<WorkingCalendar, AppError> {
    let mut calendar = official.clone();
    for record in loaded(app).await? {
        if calendar.notice(record.notice.year).is_none() {
            calendar = calendar.with_notice(record.notice).map_err(|error| {
                AppError::CalendarUnavailable {
                    detail: error.to_string(),
                }
            })?;
        }
    }
    Ok(calendar)
}

/// A year the calendar covers, and where its notice comes from.
#[derive(Debug, Clone, Serialize)]
pub struct CoveredYear {
    pub year: i32,
    pub notice: String,
    pub source: String,
    /// `embedded` (built in) or `loaded` (by the Office).
    pub origin: &'static str,
}

/// `GET /calendar` (staff): the years the publicity can count in.
pub async fn covered(app: &App, caller: &Caller) -> Result<Vec<CoveredYear>, AppError> {
    crate::usecases::cycles::require_staff(caller)?;
    let official = official()?;
    let mut years: Vec<CoveredYear> = official
        .covered_years()
        .filter_map(|year| official.notice(year))
        .map(|notice| CoveredYear {
            year: notice.year,
            notice: notice.notice.clone(),
            source: notice.source.clone(),
            origin: "embedded",
        })
        .collect();
    for record in loaded(app).await? {
        if official.notice(record.notice.year).is_none() {
            years.push(CoveredYear {
                year: record.notice.year,
                notice: record.notice.notice,
                source: record.notice.source,
                origin: "loaded",
            });
        }
    }
    years.sort_by_key(|year| year.year);
    Ok(years)
}

fn official() -> Result<&'static WorkingCalendar, AppError> {
    WorkingCalendar::official().map_err(|error| AppError::CalendarUnavailable {
        detail: error.to_string(),
    })
}

/// `POST /calendar/{year}` (office): the State Council's notice for `year` (the format of one
/// entry of `award-domain/data/holidays.json`: periods off, adjusted working weekend days, the
/// notice's title, date and source). Errors: `InvalidHolidayNotice` (the domain's validation:
/// dates outside the year, a working day that is no weekend day, ...), `HolidayYearLoaded`.
pub async fn load_year(
    app: &App,
    caller: &Caller,
    year: &str,
    notice: HolidayNotice,
    now: DateTime<Utc>,
) -> Result<CoveredYear, AppError> {
    caller.require(Role::Office)?;
    if year.parse::<i32>().ok() != Some(notice.year) {
        return Err(AppError::InvalidHolidayNotice {
            detail: format!("the path names {year}, the notice {}", notice.year),
        });
    }
    // A year without holidays would count every festival as a working day: never accepted.
    if notice.off.is_empty() {
        return Err(AppError::InvalidHolidayNotice {
            detail: "the notice lists no holiday period".into(),
        });
    }
    let current = effective(app, official()?).await?;
    if current.notice(notice.year).is_some() {
        return Err(AppError::HolidayYearLoaded { year: notice.year });
    }
    current
        .with_notice(notice.clone())
        .map_err(|error| AppError::InvalidHolidayNotice {
            detail: error.to_string(),
        })?;
    let record = HolidayNoticeRecord {
        notice,
        loaded_by: caller.sub().to_owned(),
        loaded_at: now,
    };
    let mut tx = Tx::new();
    tx.guard(store::create(&record)?, {
        let year = record.notice.year;
        move || AppError::HolidayYearLoaded { year }
    });
    tx.push(audit(
        keys::CALENDAR.to_owned(),
        caller.sub(),
        "holiday_notice_loaded",
        &[
            ("year", record.notice.year.to_string()),
            ("notice", record.notice.notice.clone()),
        ],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(CoveredYear {
        year: record.notice.year,
        notice: record.notice.notice,
        source: record.notice.source,
        origin: "loaded",
    })
}
