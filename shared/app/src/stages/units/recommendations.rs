//! Recommendation (Art. 11(3)): the unit the applicant chose sees the applications sent to it
//! (its inbox) and, before the recommendation deadline, recommends (an opinion and the signer's
//! name) or declines (a reason). The domain decides; the stage path saves and notifies.

use std::collections::BTreeMap;

use award_domain::lifecycle::{ApplicationState, Command};
use award_ports::{Index, Query, SortCondition};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Application, Recommendation};
use crate::projection::InboxRow;
use crate::reads::applications::{ApplicationSummary, units_of, visible_to};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{Tx, from_item, query_all};
use crate::validation;

/// `GET /recommendations`: the applications sent to the caller's units (submitted and later,
/// never drafts), newest first. Reads the caller's units (one `Query`), then each unit's inbox
/// rows (`projection::InboxRow`, one `Query` per unit, all at once): two round trips, whatever
/// the number of cycles and of applications sent to other units.
pub async fn inbox(app: &App, caller: &Caller) -> Result<Vec<ApplicationSummary>, AppError> {
    caller.require(Role::Recommender)?;
    let units = units_of(app, caller).await?;
    let pages = futures_util::future::try_join_all(units.iter().map(|unit| {
        query_all(
            app.table.as_ref(),
            Query::partition(Index::Primary, keys::recommender_partition(*unit))
                .sort(SortCondition::BeginsWith(keys::INBOX_PREFIX.to_owned())),
        )
    }))
    .await?;
    let mut found: Vec<ApplicationSummary> = Vec::new();
    for (unit, items) in units.iter().zip(pages) {
        for item in items {
            let summary = from_item::<InboxRow>(item)?.record.summary;
            // A row stays where a draft once named the unit: the application's own unit and
            // state decide, as `visible_to` does on the application.
            if summary.recommender_id == Some(*unit) && summary.state != ApplicationState::Draft {
                found.push(summary);
            }
        }
    }
    found.sort_by_key(|summary| std::cmp::Reverse(summary.submitted_at));
    // The screening is the Office's working file until it confirms the outcome (Art. 11(4)).
    for summary in &mut found {
        if summary.state == ApplicationState::Recommended {
            summary.screening = None;
        }
    }
    Ok(found)
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
    // The caller's units and the application with what it names, at once.
    let (units, loaded) = tokio::try_join!(
        units_of(app, caller),
        stage::load(app, id, &Command::Recommend)
    )?;
    let units = &units;
    stage::advance_loaded(
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
        Some(loaded),
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
        |_, _| Ok(Tx::new()),
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
    let command = Command::DeclineRecommendation {
        reason: reason.clone(),
    };
    // The caller's units and the application with what it names, at once.
    let (units, loaded) = tokio::try_join!(units_of(app, caller), stage::load(app, id, &command))?;
    let units = &units;
    let application = stage::advance_loaded(
        app,
        &StageCommand {
            application_id: id,
            command,
            actor: &caller.actor,
            now,
            notice_data: BTreeMap::from([("reason".to_owned(), reason.clone())]),
            settings: Settings::default(),
        },
        Some(loaded),
        |application| chosen_unit(caller, units, application),
        |_| Ok(()),
        |_, _| Ok(Tx::new()),
    )
    .await?;
    debug_assert_eq!(application.state(), ApplicationState::Rejected);
    Ok(application)
}
