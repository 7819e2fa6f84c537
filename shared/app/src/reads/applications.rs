//! Reads of applications that several stages share: load one, who may see one, a cycle's list,
//! and the summary the Office's lists show.

use award_domain::lifecycle::ApplicationState;
use award_ports::{Index, Query, SortCondition};
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Application, Document};
use crate::reads::units;
use crate::store::{self, Stored, from_item, query_all};

pub use crate::projection::{
    ApplicationSummary, ScreeningSummary, SealedPageStatus, current, unsettled,
};

/// Loads an application, or `ApplicationNotFound`.
pub async fn load_application(app: &App, id: Ulid) -> Result<Stored<Application>, AppError> {
    store::load::<Application>(app.table.as_ref(), &keys::application(id))
        .await?
        .ok_or(AppError::ApplicationNotFound)
}

/// Who may read an application: its owner; the Office (Art. 9(4)); the recommending unit the
/// applicant chose, once it was sent to it (Art. 11(3)); and (checked by the callers, since it
/// needs the table) an expert of its panel once it accepted the pledge (Art. 19). Anyone else
/// learns nothing, not even that it exists. `units` are the recommending units the caller acts for.
pub fn visible_to(caller: &Caller, application: &Application, units: &[Ulid]) -> bool {
    (caller.has(Role::Applicant) && application.owner() == caller.sub())
        || caller.has(Role::Office)
        || (caller.has(Role::Recommender)
            && application.state() != ApplicationState::Draft
            && application
                .recommender_id
                .is_some_and(|unit| units.contains(&unit)))
}

/// The units a caller acts for (empty unless it is a recommender).
pub async fn units_of(app: &App, caller: &Caller) -> Result<Vec<Ulid>, AppError> {
    if !caller.has(Role::Recommender) {
        return Ok(Vec::new());
    }
    Ok(units::units_of_account(app, caller.sub())
        .await?
        .into_iter()
        .map(|unit| unit.id)
        .collect())
}

/// What the screening knows of the application's file beyond its form: the domain's input to
/// `eligibility::items_to_chase` (Art. 11(3)–(4)).
pub fn file_facts(application: &Application) -> award_domain::eligibility::FileFacts {
    award_domain::eligibility::FileFacts {
        recommended: application.recommendation.is_some(),
        sealed_recommendation_received: SealedPageStatus::of(application)
            == Some(SealedPageStatus::Received),
    }
}

/// The applications of a cycle, all or in one state (access pattern 5: GSI2
/// `CYCLE#<cycle>#APPS`, begins_with `<state>#`).
pub async fn in_cycle(
    app: &App,
    cycle_id: &str,
    state: Option<ApplicationState>,
) -> Result<Vec<Application>, AppError> {
    Ok(in_cycle_stored(app, cycle_id, state)
        .await?
        .into_iter()
        .map(|stored| stored.record)
        .collect())
}

/// [`in_cycle`], with the versions loaded (for the writes they guard).
pub async fn in_cycle_stored(
    app: &App,
    cycle_id: &str,
    state: Option<ApplicationState>,
) -> Result<Vec<Stored<Application>>, AppError> {
    let mut query = Query::partition(
        Index::Gsi2,
        format!("{}#APPS", keys::cycle_partition(cycle_id)),
    );
    if let Some(state) = state {
        query = query.sort(SortCondition::BeginsWith(format!("{}#", state.as_str())));
    }
    query_all(app.table.as_ref(), query)
        .await?
        .into_iter()
        .map(from_item::<Application>)
        .collect()
}

/// The documents of an application (its partition, `DOC#` items).
pub async fn documents_of(app: &App, id: Ulid) -> Result<Vec<Document>, AppError> {
    Ok(stored_documents_of(app, id)
        .await?
        .into_iter()
        .map(|stored| stored.record)
        .collect())
}

/// [`documents_of`] with each document's stored version, for a write guarded by it.
pub async fn stored_documents_of(app: &App, id: Ulid) -> Result<Vec<Stored<Document>>, AppError> {
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(id))
            .sort(SortCondition::BeginsWith(keys::DOCUMENT_PREFIX.into())),
    )
    .await?;
    items.into_iter().map(from_item::<Document>).collect()
}
