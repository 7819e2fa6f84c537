//! The official working-day calendar beyond the years the build embeds (Art. 11(8)): the Office
//! loads each new year's State Council holiday notice (`POST /calendar/{year}`), validated by the
//! domain, and the publicity counts on the embedded years plus those loaded. A year neither holds
//! is refused by the domain (`calendar_unavailable`), never guessed from weekdays.

use award_domain::calendar::{HolidayNotice, WorkingCalendar};
use award_ports::TableError;
use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::HolidayNoticeRecord;
use crate::reads::settings::{combine, effective, loaded};
use crate::store::{self, Tx};

/// A year the calendar covers, and where its notice comes from.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CoveredYear {
    pub year: i32,
    pub notice: String,
    pub source: String,
    /// `embedded` (built in) or `loaded` (by the Office).
    pub origin: &'static str,
}

/// One year's notice as the publicity counts on it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CalendarYear {
    /// `embedded` (built in) or `loaded` (by the Office).
    pub origin: &'static str,
    pub notice: HolidayNotice,
    /// Loaded notices: the cycles whose publicity counted on it (then it can no longer change).
    pub used_by: Vec<String>,
}

/// `GET /calendar/{year}` (staff): the dates in force for `year` (days off, adjusted working
/// days), wherever they come from. Errors: `CalendarYearNotFound`.
pub async fn year(app: &App, caller: &Caller, year: &str) -> Result<CalendarYear, AppError> {
    crate::reads::cycles::require_staff(caller)?;
    let number: i32 = year.parse().map_err(|_| AppError::CalendarYearNotFound {
        year: year.to_owned(),
    })?;
    let official = official()?;
    if let Some(notice) = official.notice(number) {
        return Ok(CalendarYear {
            origin: "embedded",
            notice: notice.clone(),
            used_by: Vec::new(),
        });
    }
    loaded(app)
        .await?
        .into_iter()
        .map(|stored| stored.record)
        .find(|record| record.notice.year == number)
        .map(|record| CalendarYear {
            origin: "loaded",
            notice: record.notice,
            used_by: record.used_by,
        })
        .ok_or_else(|| AppError::CalendarYearNotFound {
            year: year.to_owned(),
        })
}

/// `GET /calendar` (staff): the years the publicity can count in.
pub async fn covered(app: &App, caller: &Caller) -> Result<Vec<CoveredYear>, AppError> {
    crate::reads::cycles::require_staff(caller)?;
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
    for record in loaded(app).await?.into_iter().map(|stored| stored.record) {
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
    WorkingCalendar::official().map_err(|error| AppError::calendar(&error))
}

/// The checks every notice passes before the domain validates it: the path's year is the
/// notice's, and it lists holidays (a year without would count every festival as a working day).
fn check_notice(year: &str, notice: &HolidayNotice, now: DateTime<Utc>) -> Result<(), AppError> {
    if year.parse::<i32>().ok() != Some(notice.year) {
        return Err(AppError::InvalidHolidayNotice {
            detail: format!("the path names {year}, the notice {}", notice.year),
        });
    }
    // A publicity starts today or later: only this year and the next two can ever be counted.
    let this_year = award_domain::china_date(now).year();
    if !(this_year..=this_year + 2).contains(&notice.year) {
        return Err(AppError::InvalidHolidayNotice {
            detail: format!(
                "{} is not a year a publicity can still reach ({this_year} to {})",
                notice.year,
                this_year + 2
            ),
        });
    }
    if notice.off.is_empty() {
        return Err(AppError::InvalidHolidayNotice {
            detail: "the notice lists no holiday period".into(),
        });
    }
    Ok(())
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
    check_notice(year, &notice, now)?;
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
        used_by: Vec::new(),
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

/// `PUT /calendar/{year}` (office): corrects a notice the Office loaded (a mistyped date, a
/// notice the State Council amended) while no publicity period has counted on it; the previous
/// notice stays in the audit trail. Errors: `InvalidHolidayNotice`, `HolidayYearNotLoaded` (never
/// loaded, or built into the software), `HolidayYearInUse` (with the cycles that counted on it),
/// `Conflict` (replaced or used concurrently; re-read and retry).
pub async fn replace_year(
    app: &App,
    caller: &Caller,
    year: &str,
    notice: HolidayNotice,
    now: DateTime<Utc>,
) -> Result<CoveredYear, AppError> {
    caller.require(Role::Office)?;
    check_notice(year, &notice, now)?;
    let official = official()?;
    let mut loaded = loaded(app).await?;
    let Some(position) = loaded
        .iter()
        .position(|stored| stored.record.notice.year == notice.year)
        .filter(|_| official.notice(notice.year).is_none())
    else {
        return Err(AppError::HolidayYearNotLoaded { year: notice.year });
    };
    let stored = loaded.remove(position);
    if !stored.record.used_by.is_empty() {
        return Err(AppError::HolidayYearInUse {
            year: notice.year,
            cycles: stored.record.used_by,
        });
    }
    combine(official, &loaded)?
        .with_notice(notice.clone())
        .map_err(|error| AppError::InvalidHolidayNotice {
            detail: error.to_string(),
        })?;
    let record = HolidayNoticeRecord {
        notice,
        loaded_by: caller.sub().to_owned(),
        loaded_at: now,
        used_by: Vec::new(),
    };
    let mut tx = Tx::new();
    tx.guard(store::replace(&record, stored.version)?, || {
        AppError::from(TableError::Conflict)
    });
    tx.push(audit(
        keys::CALENDAR.to_owned(),
        caller.sub(),
        "holiday_notice_replaced",
        &[
            ("year", record.notice.year.to_string()),
            ("notice", record.notice.notice.clone()),
            ("replaced", stored.record.notice.notice.clone()),
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
