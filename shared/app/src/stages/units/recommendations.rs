//! Recommendation (Art. 11(3)): the unit the applicant chose sees the applications sent to it
//! (its inbox) and, before the recommendation deadline, recommends (an opinion and the signer's
//! name) or declines (a reason). The domain decides; the stage path saves and notifies.

use std::collections::BTreeMap;

use award_domain::lifecycle::{ApplicationState, Command};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::model::{Application, Recommendation};
use crate::reads::applications::{ApplicationSummary, in_cycle, units_of, visible_to};
use crate::reads::cycles;
use crate::stage::{self, Settings, StageCommand};
use crate::validation;

/// `GET /recommendations`: the applications sent to the caller's units (submitted and later,
/// never drafts), newest first. Reads each cycle's application list (access pattern 5) and keeps
/// the ones naming a unit of the caller: a cycle has tens of applications, not thousands.
pub async fn inbox(app: &App, caller: &Caller) -> Result<Vec<ApplicationSummary>, AppError> {
    caller.require(Role::Recommender)?;
    let units = units_of(app, caller).await?;
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<Application> = Vec::new();
    for cycle_id in cycles::cycle_ids(app).await? {
        found.extend(
            in_cycle(app, &cycle_id, None)
                .await?
                .into_iter()
                .filter(|application| visible_to(caller, application, &units)),
        );
    }
    found.sort_by_key(|application| std::cmp::Reverse(application.lifecycle.submitted_at));
    // The screening is the Office's working file until it confirms the outcome (Art. 11(4)).
    Ok(found
        .into_iter()
        .map(|application| {
            let mut summary = ApplicationSummary::from(&application);
            if application.state() == ApplicationState::Recommended {
                summary.screening = None;
            }
            summary
        })
        .collect())
}

/// `POST /applications/{id}/recommend`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendInput {
    /// 推荐意见.
    pub opinion: String,
    /// The name of the person who signs for the unit.
    pub signer_name: String,
}

/// `POST /applications/{id}/decline`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    pub reason: String,
}

/// Only the chosen unit's accounts see the application at all.
fn chosen_unit(caller: &Caller, units: &[Ulid], application: &Application) -> Result<(), AppError> {
    if visible_to(caller, application, units) && caller.has(Role::Recommender) {
        Ok(())
    } else {
        Err(AppError::ApplicationNotFound)
    }
}

/// The unit recommends (Art. 11(3)); notices to the applicant and the Office.
pub async fn recommend(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: RecommendInput,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Recommender)?;
    let opinion = validation::text("opinion", &input.opinion, 2000, true)?;
    let signer_name = validation::text("signer_name", &input.signer_name, 50, false)?;
    let units = units_of(app, caller).await?;
    let units = &units;
    stage::advance(
        app,
        &StageCommand {
            application_id: id,
            command: Command::Recommend,
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([
                ("opinion".to_owned(), opinion.clone()),
                ("signer".to_owned(), signer_name.clone()),
            ]),
            settings: Settings::default(),
        },
        |application| chosen_unit(caller, units, application),
        |application| {
            let recommender_id = application.recommender_id.ok_or_else(|| {
                AppError::corrupt("a submitted application without a recommending unit")
            })?;
            application.recommendation = Some(Recommendation {
                recommender_id,
                opinion: opinion.clone(),
                signer_name: signer_name.clone(),
                signed_by: caller.sub().to_owned(),
                signed_at: now,
                sealed_page: None,
            });
            Ok(())
        },
    )
    .await
}

/// The unit declines, with a reason; the application is rejected at the recommendation gate.
pub async fn decline(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: DeclineInput,
    now: DateTime<Utc>,
) -> Result<Application, AppError> {
    caller.require(Role::Recommender)?;
    let reason = validation::text("reason", &input.reason, 2000, true)?;
    let units = units_of(app, caller).await?;
    let units = &units;
    let application = stage::advance(
        app,
        &StageCommand {
            application_id: id,
            command: Command::DeclineRecommendation {
                reason: reason.clone(),
            },
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([("reason".to_owned(), reason.clone())]),
            settings: Settings::default(),
        },
        |application| chosen_unit(caller, units, application),
        |_| Ok(()),
    )
    .await?;
    debug_assert_eq!(application.state(), ApplicationState::Rejected);
    Ok(application)
}
