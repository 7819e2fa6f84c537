//! Award cycles: load, let the domain's [`Cycle`] decide (Art. 4 biennial ids and quota, Art. 7(2)
//! and 20 the Committee's approval of the rules, Art. 11(1) the call), save. One is open at a time.

use award_domain::cycle::{self, Cycle, CycleError, CycleStatus};
use award_domain::rules::ReviewRules;
use award_ports::{Condition, Index, Query, Write};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::error::AppError;
use crate::identity::Caller;
use crate::keys;
use crate::model::{CycleRecord, OpenCycleGuard};
use crate::store::{self, Stored, failed_condition, from_item, query_all, retry_on_conflict};
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
    /// Art. 4: 1 to 3 awards; the domain's default (3) when absent.
    #[serde(default)]
    pub quota: Option<u32>,
}

/// `POST /cycles` (office): a draft cycle with the default review rules, which the Committee must
/// approve before the Office opens it.
pub async fn create_cycle(
    app: &App,
    caller: &Caller,
    input: NewCycle,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    let id = input.id.trim();
    // Length and control characters only; the domain decides whether a title is present.
    let title = match input.title.trim() {
        "" => String::new(),
        text => validation::name(text).ok_or(AppError::InvalidCycleTitle)?,
    };
    let application_deadline = validation::date(&input.application_deadline).ok_or(
        AppError::InvalidCycle("application_deadline must be YYYY-MM-DD"),
    )?;
    let recommendation_deadline = validation::date(&input.recommendation_deadline).ok_or(
        AppError::InvalidCycle("recommendation_deadline must be YYYY-MM-DD"),
    )?;
    let existing = cycle_ids(app).await?;
    let mut cycle = Cycle::create(
        id,
        &title,
        application_deadline,
        recommendation_deadline,
        &existing,
        &caller.actor,
        now,
    )?;
    if let Some(quota) = input.quota {
        cycle = cycle.set_quota(quota, &caller.actor)?;
    }
    let record = CycleRecord {
        cycle,
        created_at: now,
        created_by: caller.sub().to_owned(),
        opened_at: None,
    };
    // The listing above comes from an index that may lag; the neighbours' absence is checked
    // again inside the write, so two concurrent creations cannot both pass Art. 4.
    let neighbours = cycle::conflicting_ids(&record.cycle.id)?;
    let mut writes = vec![
        store::create(&record)?,
        audit(
            keys::cycle_partition(&record.cycle.id),
            caller.sub(),
            "cycle_created",
            &[
                ("title", record.cycle.title.clone()),
                ("quota", record.cycle.quota.to_string()),
            ],
            now,
        )?,
    ];
    let first_neighbour = writes.len();
    writes.extend(neighbours.iter().map(|neighbour| Write::Check {
        key: keys::cycle(neighbour),
        condition: Condition::NotExists,
    }));
    match app.table.transact(writes).await.map_err(AppError::from) {
        Ok(()) => Ok(record),
        Err(error) => Err(match failed_condition(&error) {
            Some(0) => AppError::CycleExists,
            Some(index) if index >= first_neighbour => AppError::CycleNotBiennial {
                existing: neighbours[index - first_neighbour].clone(),
            },
            _ => error,
        }),
    }
}

/// The ids of every cycle (access pattern 1c: GSI1 `CYCLES`, all sort keys).
pub async fn cycle_ids(app: &App) -> Result<Vec<String>, AppError> {
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::CYCLES),
    )
    .await?;
    items
        .into_iter()
        .map(|item| from_item::<CycleRecord>(item).map(|stored| stored.record.cycle.id))
        .collect()
}

/// A cycle by the id in a path; an id that is not a year names no cycle.
async fn load_cycle(app: &App, cycle_id: &str) -> Result<Stored<CycleRecord>, AppError> {
    if !keys::is_valid_cycle_id(cycle_id) {
        return Err(AppError::CycleNotFound);
    }
    store::load::<CycleRecord>(app.table.as_ref(), &keys::cycle(cycle_id))
        .await?
        .ok_or(AppError::CycleNotFound)
}

/// `POST /cycles/{id}/rules/approve` (committee, Art. 7(2), 20): the Committee approves the
/// cycle's review rules, with who and when kept on the cycle and in the audit trail.
pub async fn approve_rules(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, cycle_id).await?;
        let mut record = loaded.record;
        record.cycle = record.cycle.approve_rules(&caller.actor, now)?;
        let writes = vec![
            store::replace(&record, loaded.version)?,
            audit(
                keys::cycle_partition(&record.cycle.id),
                caller.sub(),
                "cycle_rules_approved",
                &[
                    ("rubric", record.cycle.rules.rubric.standard.clone()),
                    (
                        "publicity_working_days",
                        record.cycle.rules.publicity_working_days.to_string(),
                    ),
                ],
                now,
            )?,
        ];
        match app.table.transact(writes).await.map_err(AppError::from) {
            Ok(()) => Ok(record),
            Err(error) if failed_condition(&error) == Some(0) => Err(AppError::ConcurrentUpdate),
            Err(error) => Err(error),
        }
    })
    .await
}

/// `POST /cycles/{id}/open` (office, Art. 11(1)): publishes the call once the Committee has
/// approved the rules; no other cycle may be open.
pub async fn open_cycle(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<CycleRecord, AppError> {
    retry_on_conflict(|| async move {
        let loaded = load_cycle(app, cycle_id).await?;
        let mut record = loaded.record;
        record.cycle = record
            .cycle
            .open(&caller.actor, now)
            .map_err(|error| match error {
                // The stored deadline has passed: a conflict with the cycle, not a bad request.
                CycleError::DeadlinePassed { .. } => AppError::ApplicationDeadlinePassed,
                other => other.into(),
            })?;
        record.opened_at = Some(now);
        let writes = vec![
            store::replace(&record, loaded.version)?,
            store::create(&OpenCycleGuard {
                cycle_id: record.cycle.id.clone(),
            })?,
            audit(
                keys::cycle_partition(&record.cycle.id),
                caller.sub(),
                "cycle_opened",
                &[],
                now,
            )?,
        ];
        match app.table.transact(writes).await.map_err(AppError::from) {
            Ok(()) => Ok(record),
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
pub async fn load_open_cycle(app: &App) -> Result<Stored<CycleRecord>, AppError> {
    let guard = store::load::<OpenCycleGuard>(app.table.as_ref(), &keys::open_cycle_guard())
        .await?
        .ok_or(AppError::NoOpenCycle)?;
    let cycle =
        store::load::<CycleRecord>(app.table.as_ref(), &keys::cycle(&guard.record.cycle_id))
            .await?
            .ok_or_else(|| {
                AppError::Corrupt(format!(
                    "the open-cycle guard names cycle {} which does not exist",
                    guard.record.cycle_id
                ))
            })?;
    if cycle.record.cycle.status != CycleStatus::Open {
        return Err(AppError::NoOpenCycle);
    }
    Ok(cycle)
}

/// What the public sees of the open cycle: the call and its rules (Art. 3, 9(3)), with when they
/// were approved and opened, but not which staff accounts did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicCycle {
    pub id: String,
    pub title: String,
    pub status: CycleStatus,
    pub application_deadline: NaiveDate,
    pub recommendation_deadline: NaiveDate,
    pub quota: u32,
    pub rules: ReviewRules,
    pub rules_approved_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
}

impl From<CycleRecord> for PublicCycle {
    fn from(record: CycleRecord) -> Self {
        let Cycle {
            id,
            title,
            application_deadline,
            recommendation_deadline,
            quota,
            status,
            rules,
            rules_approval,
            rules_frozen_at: _,
        } = record.cycle;
        Self {
            id,
            title,
            status,
            application_deadline,
            recommendation_deadline,
            quota,
            rules,
            rules_approved_at: rules_approval.map(|approval| approval.at),
            opened_at: record.opened_at,
        }
    }
}

/// `GET /cycles/open`: public, the call for applications is published (Art. 9(3), 11(1)).
pub async fn open_cycle_info(app: &App) -> Result<PublicCycle, AppError> {
    Ok(load_open_cycle(app).await?.record.into())
}
