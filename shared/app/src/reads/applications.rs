//! Reads of applications that several stages share: load one, who may see one, a cycle's list,
//! and the summary the Office's lists show.

use award_domain::eligibility::{Condition, Outcome, Overall, Screening};
use award_domain::lifecycle::ApplicationState;
use award_ports::{Index, Query, SortCondition};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Application, Document};
use crate::reads::units;
use crate::store::{self, Stored, from_item, query_all};

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

/// An application as the Office's lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ApplicationSummary {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub cycle_id: String,
    pub organisation_name: String,
    pub uscc: String,
    pub state: ApplicationState,
    #[schemars(with = "Option<String>")]
    pub recommender_id: Option<Ulid>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Art. 11(4): the screening's outcome and what failed or waits for the Office, once screened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<ScreeningSummary>,
    /// Where a `rejected` application was turned down (`recommendation`, Art. 11(3);
    /// `combined_evaluation`, 11(7); `committee` or `publicity`, 11(8)), so that a cycle's funnel
    /// knows how far it got; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_at: Option<award_domain::lifecycle::Gate>,
    /// Art. 11(3): once the unit recommended, whether the scan of its sealed recommendation page
    /// (盖章推荐页) is filed; absent before the recommendation (and on a declined application).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed_recommendation: Option<SealedPageStatus>,
}

/// Whether the sealed recommendation page of a recommended application is filed (Art. 11(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SealedPageStatus {
    /// A scan was received and passed the checks.
    Received,
    /// None yet: the Office chases it (`eligibility::items_to_chase`).
    Missing,
}

impl SealedPageStatus {
    pub fn of(application: &Application) -> Option<Self> {
        application.recommendation.as_ref().map(|recommendation| {
            if recommendation.sealed_page.is_some() {
                Self::Received
            } else {
                Self::Missing
            }
        })
    }
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

impl From<&Application> for ApplicationSummary {
    fn from(application: &Application) -> Self {
        Self {
            id: application.id,
            cycle_id: application.cycle_id.clone(),
            organisation_name: application.organisation_name().to_owned(),
            uscc: application.uscc.clone(),
            state: application.state(),
            recommender_id: application.recommender_id,
            submitted_at: application.lifecycle.submitted_at,
            updated_at: application.updated_at,
            screening: ScreeningSummary::of(application),
            rejected_at: application
                .lifecycle
                .rejection
                .as_ref()
                .map(|rejection| rejection.gate),
            sealed_recommendation: SealedPageStatus::of(application),
        }
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

/// The screening an application has: under review (`Application::screening`), else the one the
/// Office confirmed (kept by the lifecycle).
pub fn current(application: &Application) -> Option<&Screening> {
    application
        .screening
        .as_ref()
        .map(|record| &record.screening)
        .or(application.lifecycle.screening.as_ref())
}

pub fn unsettled(screening: &Screening) -> Vec<Condition> {
    screening
        .verdicts
        .iter()
        .filter(|verdict| verdict.outcome == Outcome::NeedsReview)
        .map(|verdict| verdict.condition)
        .collect()
}

/// The Office's list shows this of each application's screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ScreeningSummary {
    pub overall: Overall,
    pub failed: Vec<Condition>,
    pub needs_review: Vec<Condition>,
}

impl ScreeningSummary {
    pub fn of(application: &Application) -> Option<Self> {
        let screening = current(application)?;
        Some(Self {
            overall: screening.overall(),
            failed: screening
                .verdicts
                .iter()
                .filter(|verdict| verdict.outcome == Outcome::Fail)
                .map(|verdict| verdict.condition)
                .collect(),
            needs_review: unsettled(screening),
        })
    }
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
