//! Reads of the panels' assignments (Art. 11(5)–(6), 19) that several stages share, and whether an
//! expert's pledge opened an application to it.

use award_domain::rules::ReviewRules;
use award_ports::{Index, Query, SortCondition};
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Assignment, AssignmentStatus, ReviewPhase};
use crate::reads::experts;
use crate::store::{self, Stored, from_item, query_all};

/// The panel size of `phase` under `rules`.
pub fn panel_size(rules: &ReviewRules, phase: ReviewPhase) -> u32 {
    match phase {
        ReviewPhase::Document => rules.document_panel_size,
        ReviewPhase::Onsite => rules.onsite_panel_size,
    }
}

/// One phase's panel of an application, every status (one query of its partition).
pub async fn panel(
    app: &App,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<Vec<Stored<Assignment>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(application_id)).sort(
            SortCondition::BeginsWith(keys::panel_prefix(phase.as_str())),
        ),
    )
    .await?
    .into_iter()
    .map(from_item::<Assignment>)
    .collect()
}

/// Every assignment of a cycle in `phase` (GSI2 `CYCLE#<cycle>#ASSIGN`, begins_with `<phase>#`).
pub async fn of_cycle(
    app: &App,
    cycle_id: &str,
    phase: ReviewPhase,
) -> Result<Vec<Assignment>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi2, keys::cycle_assignments_partition(cycle_id))
            .sort(SortCondition::BeginsWith(format!("{}#", phase.as_str()))),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<Assignment>(item).map(|stored| stored.record))
    .collect()
}

/// Every assignment of an expert (GSI1 `EXPERT#<expert>`).
pub async fn of_expert(app: &App, expert_id: Ulid) -> Result<Vec<Stored<Assignment>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::expert_assignments_partition(expert_id))
            .sort(SortCondition::BeginsWith(keys::ASSIGNMENT_PREFIX.into())),
    )
    .await?
    .into_iter()
    .map(from_item::<Assignment>)
    .collect()
}

/// Loads one assignment, or `AssignmentNotFound`.
pub async fn load(
    app: &App,
    application_id: Ulid,
    phase: ReviewPhase,
    expert_id: Ulid,
) -> Result<Stored<Assignment>, AppError> {
    store::load::<Assignment>(
        app.table.as_ref(),
        &keys::assignment(application_id, phase.as_str(), expert_id),
    )
    .await?
    .ok_or(AppError::AssignmentNotFound)
}

/// Whether the caller is an expert whose declaration opened this application's evidence to it
/// (an accepted or submitted assignment in any phase). One `GetItem` for the account, one per phase.
pub async fn expert_may_read(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
) -> Result<bool, AppError> {
    if !caller.has(Role::Expert) {
        return Ok(false);
    }
    let expert = match experts::of_caller(app, caller).await {
        Ok(expert) => expert.record,
        Err(AppError::ExpertNotFound) => return Ok(false),
        Err(error) => return Err(error),
    };
    if !expert.is_active() {
        return Ok(false);
    }
    for phase in ReviewPhase::ALL {
        if let Some(stored) = store::load::<Assignment>(
            app.table.as_ref(),
            &keys::assignment(application_id, phase.as_str(), expert.id),
        )
        .await?
            && matches!(
                stored.record.status,
                AssignmentStatus::Accepted | AssignmentStatus::Submitted
            )
        {
            return Ok(true);
        }
    }
    Ok(false)
}
