//! Reads of cycles that several stages share, and the staff check every staff read makes.

use award_domain::cycle::CycleStatus;
use award_ports::{Index, Query};

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{CycleRecord, OpenCycleGuard};
use crate::store::{self, Stored, from_item, query_all};

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
pub async fn load_cycle(app: &App, cycle_id: &str) -> Result<Stored<CycleRecord>, AppError> {
    if !keys::is_valid_cycle_id(cycle_id) {
        return Err(AppError::CycleNotFound);
    }
    store::load::<CycleRecord>(app.table.as_ref(), &keys::cycle(cycle_id))
        .await?
        .ok_or(AppError::CycleNotFound)
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
                AppError::corrupt(format!(
                    "the open-cycle guard names cycle {} which does not exist",
                    guard.record.cycle_id
                ))
            })?;
    if cycle.record.cycle.status != CycleStatus::Open {
        return Err(AppError::NoOpenCycle);
    }
    Ok(cycle)
}

/// Staff: the Office, the Committee, experts and recommending units (who read the calls they
/// work on); never an applicant, who reads the public call.
pub fn require_staff(caller: &Caller) -> Result<(), AppError> {
    if [
        Role::Office,
        Role::Committee,
        Role::Expert,
        Role::Recommender,
    ]
    .into_iter()
    .any(|role| caller.has(role))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
