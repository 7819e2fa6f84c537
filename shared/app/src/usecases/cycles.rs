//! Award cycles (Art. 4, biennial): the office creates one and opens it; one is open at a time.

use award_domain::china_date;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Cycle, CycleStatus, OpenCycleGuard};
use crate::store::{self, Stored, failed_condition, retry_on_conflict};
use crate::usecases::audit;
use crate::validation;

/// `POST /cycles`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCycle {
    pub id: String,
    pub title: String,
    pub application_deadline: String,
    pub recommendation_deadline: String,
}

pub async fn create_cycle(
    app: &App,
    caller: &Caller,
    input: NewCycle,
    now: DateTime<Utc>,
) -> Result<Cycle, AppError> {
    caller.require(Role::Office)?;
    let id = input.id.trim().to_owned();
    if !keys::is_valid_cycle_id(&id) {
        return Err(AppError::InvalidCycle(
            "id must be 1-32 letters, digits or '-'",
        ));
    }
    let title = validation::name(&input.title)
        .ok_or(AppError::InvalidCycle("title must be 1-200 characters"))?;
    let application_deadline = validation::date(&input.application_deadline).ok_or(
        AppError::InvalidCycle("application_deadline must be YYYY-MM-DD"),
    )?;
    let recommendation_deadline = validation::date(&input.recommendation_deadline).ok_or(
        AppError::InvalidCycle("recommendation_deadline must be YYYY-MM-DD"),
    )?;
    if application_deadline < china_date(now) {
        return Err(AppError::InvalidCycle(
            "application_deadline is in the past",
        ));
    }
    // Art. 11: recommendation (3) follows application (2).
    if recommendation_deadline < application_deadline {
        return Err(AppError::InvalidCycle(
            "recommendation_deadline is before application_deadline",
        ));
    }
    let cycle = Cycle {
        id,
        title,
        application_deadline,
        recommendation_deadline,
        status: CycleStatus::Draft,
        created_at: now,
        created_by: caller.sub.clone(),
        opened_at: None,
    };
    let writes = vec![
        store::create(&cycle)?,
        audit(
            keys::cycle_partition(&cycle.id),
            &caller.sub,
            "cycle_created",
            &[("title", cycle.title.clone())],
            now,
        )?,
    ];
    match app.table.transact(writes).await.map_err(AppError::from) {
        Ok(()) => Ok(cycle),
        Err(error) if failed_condition(&error) == Some(0) => Err(AppError::CycleExists),
        Err(error) => Err(error),
    }
}

pub async fn open_cycle(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<Cycle, AppError> {
    caller.require(Role::Office)?;
    if !keys::is_valid_cycle_id(cycle_id) {
        return Err(AppError::CycleNotFound);
    }
    retry_on_conflict(|| async move {
        let loaded = store::load::<Cycle>(app.table.as_ref(), &keys::cycle(cycle_id))
            .await?
            .ok_or(AppError::CycleNotFound)?;
        match loaded.record.status {
            CycleStatus::Draft => {}
            CycleStatus::Open => return Err(AppError::CycleAlreadyOpen),
            CycleStatus::Closed => return Err(AppError::CycleNotOpenable),
        }
        let mut cycle = loaded.record;
        cycle.status = CycleStatus::Open;
        cycle.opened_at = Some(now);
        let writes = vec![
            store::replace(&cycle, loaded.version)?,
            store::create(&OpenCycleGuard {
                cycle_id: cycle.id.clone(),
            })?,
            audit(
                keys::cycle_partition(&cycle.id),
                &caller.sub,
                "cycle_opened",
                &[],
                now,
            )?,
        ];
        match app.table.transact(writes).await.map_err(AppError::from) {
            Ok(()) => Ok(cycle),
            Err(error) => Err(match failed_condition(&error) {
                Some(0) => AppError::ConcurrentUpdate,
                Some(1) => AppError::AnotherCycleOpen,
                _ => error,
            }),
        }
    })
    .await
}

/// The open cycle, read through its guard (a strongly consistent get, not an index query).
pub async fn load_open_cycle(app: &App) -> Result<Stored<Cycle>, AppError> {
    let guard = store::load::<OpenCycleGuard>(app.table.as_ref(), &keys::open_cycle_guard())
        .await?
        .ok_or(AppError::NoOpenCycle)?;
    let cycle = store::load::<Cycle>(app.table.as_ref(), &keys::cycle(&guard.record.cycle_id))
        .await?
        .ok_or_else(|| {
            AppError::Corrupt(format!(
                "the open-cycle guard names cycle {} which does not exist",
                guard.record.cycle_id
            ))
        })?;
    if cycle.record.status != CycleStatus::Open {
        return Err(AppError::NoOpenCycle);
    }
    Ok(cycle)
}

/// `GET /cycles/open`: public, the call for applications is published (Art. 9(3), 11(1)).
pub async fn open_cycle_info(app: &App) -> Result<Cycle, AppError> {
    Ok(load_open_cycle(app).await?.record)
}
