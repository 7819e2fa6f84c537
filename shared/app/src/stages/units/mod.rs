//! Recommending units (Art. 11(3)), kept by the Office: county/district quality offices (by
//! division code) and industry departments (by GB/T 4754 sections), each with a mailbox and the
//! accounts that act for it. Applicants see the active units (without their accounts) to choose
//! one; a unit with applications waiting for it cannot be deleted, only deactivated.
//!
//! Access pattern 10: every unit under GSI1 `RECOMMENDERS` (a city has a few dozen).

pub mod recommendations;
mod routes;

pub use routes::ROUTES;

use award_domain::eligibility::is_wuwei_division;
use award_domain::lifecycle::ApplicationState;
use award_ports::{Condition, Write};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Recommender, RecommenderScope, new_id};
use crate::reads::applications;
use crate::reads::units::{all, load_recommender};
use crate::store::{self, Tx};
use crate::validation;

/// The most accounts one unit may have.
pub const MAX_ACCOUNTS: usize = 20;

/// `POST /recommenders` and `PUT /recommenders/{id}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommenderInput {
    pub name: String,
    pub scope: RecommenderScope,
    pub mailbox: String,
    /// The unit's own USCC (Art. 19 recusal: its staff do not judge what it recommended).
    #[serde(default)]
    pub uscc: Option<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

fn checked(input: RecommenderInput) -> Result<RecommenderInput, AppError> {
    let name = validation::name("name", &input.name, || AppError::InvalidRecommender {
        detail: "name must be 1-200 characters on one line",
    })?;
    let scope = match input.scope {
        RecommenderScope::County { division_code } => {
            let division_code = validation::division_code(&division_code)?;
            if !is_wuwei_division(&division_code) {
                return Err(AppError::InvalidRecommender {
                    detail: "a county office must be in Wuwei (620600, 620602, 620621-620623)",
                });
            }
            RecommenderScope::County { division_code }
        }
        RecommenderScope::Industry { mut sections } => {
            sections.sort_unstable();
            sections.dedup();
            if sections.is_empty() || sections.iter().any(|s| !('A'..='T').contains(s)) {
                return Err(AppError::InvalidRecommender {
                    detail: "an industry department needs GB/T 4754 sections A-T",
                });
            }
            RecommenderScope::Industry { sections }
        }
    };
    let mailbox = validation::email(&input.mailbox)?;
    // The Office types a unit's code from its certificate: a wrong check character is a typo to
    // fix now (it would void the Art. 19 recusal), not a legacy code to put to screening.
    let uscc = match input.uscc.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(award_domain::uscc::Uscc::parse(text)?.into_string()),
    };
    let mut accounts = Vec::new();
    for account in &input.accounts {
        let account = account.trim();
        if account.is_empty() || account.len() > 128 || account.chars().any(char::is_control) {
            return Err(AppError::InvalidRecommender {
                detail: "an account is a token subject of 1-128 characters",
            });
        }
        if !accounts.iter().any(|known: &String| known == account) {
            accounts.push(account.to_owned());
        }
    }
    if accounts.len() > MAX_ACCOUNTS {
        return Err(AppError::InvalidRecommender {
            detail: "at most 20 accounts",
        });
    }
    Ok(RecommenderInput {
        name,
        scope,
        mailbox,
        uscc,
        accounts,
        active: input.active,
    })
}

/// A unit as applicants see it: no accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnitChoice {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub name: String,
    pub scope: RecommenderScope,
    /// The caller signs in as one of this unit's accounts (a recommender reads its own name).
    pub mine: bool,
}

/// `GET /recommenders`: the Office sees every unit in full; applicants, recommenders, experts and
/// the Committee the active units (id, name, scope, and `mine` for the caller's own), without
/// accounts or mailboxes — to choose one, or to read the chosen one's name on a form.
pub async fn list(app: &App, caller: &Caller) -> Result<serde_json::Value, AppError> {
    let units = all(app).await?;
    let value = if caller.has(Role::Office) {
        serde_json::to_value(&units)
    } else {
        let choices: Vec<UnitChoice> = units
            .into_iter()
            .filter(|unit| unit.active)
            .map(|unit| UnitChoice {
                mine: unit.accounts.iter().any(|account| account == caller.sub()),
                id: unit.id,
                name: unit.name,
                scope: unit.scope,
            })
            .collect();
        serde_json::to_value(&choices)
    };
    value
        .map(|units| serde_json::json!({ "recommenders": units }))
        .map_err(|error| AppError::corrupt(format!("units do not serialise: {error}")))
}

/// `GET /recommenders/{id}` (office).
pub async fn get(app: &App, caller: &Caller, id: Ulid) -> Result<Recommender, AppError> {
    caller.require(Role::Office)?;
    Ok(load_recommender(app, id).await?.record)
}

/// `POST /recommenders` (office).
pub async fn create(
    app: &App,
    caller: &Caller,
    input: RecommenderInput,
    now: DateTime<Utc>,
) -> Result<Recommender, AppError> {
    caller.require(Role::Office)?;
    let input = checked(input)?;
    let unit = Recommender {
        id: new_id(now),
        name: input.name,
        scope: input.scope,
        mailbox: input.mailbox,
        uscc: input.uscc,
        accounts: input.accounts,
        active: input.active,
        created_at: now,
        updated_at: now,
    };
    let mut tx = Tx::new();
    tx.guard(store::create(&unit)?, || AppError::ConcurrentUpdate);
    tx.push(audit(
        format!("REC#{}", unit.id),
        caller.sub(),
        "recommender_created",
        &[("name", unit.name.clone())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(unit)
}

/// `PUT /recommenders/{id}` (office): replaces the unit's details.
pub async fn update(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: RecommenderInput,
    now: DateTime<Utc>,
) -> Result<Recommender, AppError> {
    caller.require(Role::Office)?;
    let input = checked(input)?;
    let loaded = load_recommender(app, id).await?;
    let unit = Recommender {
        name: input.name,
        scope: input.scope,
        mailbox: input.mailbox,
        uscc: input.uscc,
        accounts: input.accounts,
        active: input.active,
        updated_at: now,
        ..loaded.record
    };
    let mut tx = Tx::new();
    tx.guard(store::replace(&unit, loaded.version)?, || {
        AppError::ConcurrentUpdate
    });
    tx.push(audit(
        format!("REC#{}", unit.id),
        caller.sub(),
        "recommender_updated",
        &[
            ("name", unit.name.clone()),
            ("active", unit.active.to_string()),
        ],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(unit)
}

/// `DELETE /recommenders/{id}` (office): only a unit no application has chosen in a cycle still
/// running (draft, submitted or recommended); otherwise `409 recommender_in_use`.
pub async fn delete(
    app: &App,
    caller: &Caller,
    id: Ulid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    caller.require(Role::Office)?;
    let loaded = load_recommender(app, id).await?;
    for cycle_id in crate::reads::cycles::cycle_ids(app).await? {
        for state in [
            ApplicationState::Draft,
            ApplicationState::Submitted,
            ApplicationState::Recommended,
        ] {
            let waiting = applications::in_cycle(app, &cycle_id, Some(state)).await?;
            if waiting.iter().any(|a| a.recommender_id == Some(id)) {
                return Err(AppError::RecommenderInUse);
            }
        }
    }
    let mut tx = Tx::new();
    tx.guard(
        Write::Delete {
            key: keys::recommender(id),
            condition: Condition::VersionEquals(loaded.version),
        },
        || AppError::ConcurrentUpdate,
    );
    tx.push(audit(
        format!("REC#{id}"),
        caller.sub(),
        "recommender_deleted",
        &[("name", loaded.record.name.clone())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await
}
