//! The expert pool (Arts. 8, 9(2), 19), kept by the Office: each expert's profile (sector,
//! employer, 3 years of employment, GB/T 4754 specialities, relations the Office recorded), the
//! account it signs in with, and its standing. Disqualifying an expert (Art. 19) withdraws its
//! unsubmitted assignments, excludes its submitted scores and re-aggregates what they touched.
//!
//! Access patterns: the pool under GSI1 `EXPERTS` (tens to hundreds of experts); an account's
//! expert by one `GetItem` of `EXPERTACCOUNT#<sub>`, the item that also keeps one expert per account.

use std::collections::BTreeSet;

use award_domain::china_date;
use award_domain::review::ExpertProfile;
use award_ports::{Condition, Write};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use ulid::Ulid;

use super::assignments;
use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Expert, ExpertAccount, ExpertStatus, new_id};
use crate::reads::experts::{all, load};
use crate::store::{self, Tx};

/// `POST /experts` and `PUT /experts/{id}`: the profile and the account (token subject).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertInput {
    pub account: String,
    pub profile: ExpertProfile,
}

/// `POST /experts/{id}/status`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `active`, `suspended` or `disqualified`.
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
}

fn partition(id: Ulid) -> String {
    format!("EXPERT#{id}")
}

fn account(text: &str) -> Result<String, AppError> {
    let account = text.trim();
    if account.is_empty() || account.chars().count() > 128 || account.chars().any(char::is_control)
    {
        return Err(AppError::invalid_field(
            "account: a token subject of 1-128 characters",
            "account：应为 1 至 128 个字符的登录账号",
        ));
    }
    Ok(account.to_owned())
}

fn checked(input: ExpertInput, now: DateTime<Utc>) -> Result<ExpertInput, AppError> {
    let issues = input.profile.check(china_date(now));
    if !issues.is_empty() {
        return Err(AppError::InvalidExpert { issues });
    }
    Ok(ExpertInput {
        account: account(&input.account)?,
        profile: input.profile,
    })
}

/// `POST /experts` (office). Errors: `InvalidExpert` (every field issue), `ExpertAccountTaken`.
pub async fn create(
    app: &App,
    caller: &Caller,
    input: ExpertInput,
    now: DateTime<Utc>,
) -> Result<Expert, AppError> {
    caller.require(Role::Office)?;
    let input = checked(input, now)?;
    let expert = Expert {
        id: new_id(now),
        profile: input.profile,
        account: input.account,
        status: ExpertStatus::Active,
        created_at: now,
        updated_at: now,
    };
    let mut tx = Tx::new();
    tx.guard(store::create(&expert)?, || AppError::ConcurrentUpdate);
    tx.guard(
        store::create(&ExpertAccount {
            account: expert.account.clone(),
            expert_id: expert.id,
        })?,
        || AppError::ExpertAccountTaken,
    );
    tx.push(audit(
        partition(expert.id),
        caller.sub(),
        "expert_created",
        &[("name", expert.profile.name.clone())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(expert)
}

/// `GET /experts` (office).
pub async fn list(app: &App, caller: &Caller) -> Result<Vec<Expert>, AppError> {
    caller.require(Role::Office)?;
    all(app).await
}

/// `GET /experts/{id}`: the Office, or the expert itself.
pub async fn get(app: &App, caller: &Caller, id: Ulid) -> Result<Expert, AppError> {
    let expert = load(app, id).await?.record;
    if caller.has(Role::Office) || (caller.has(Role::Expert) && expert.account == caller.sub()) {
        Ok(expert)
    } else {
        Err(AppError::ExpertNotFound)
    }
}

/// `PUT /experts/{id}` (office): replaces the profile and the account. The conflicts of existing
/// assignments were checked when they were made; a changed employer is checked at the next draw.
pub async fn update(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: ExpertInput,
    now: DateTime<Utc>,
) -> Result<Expert, AppError> {
    caller.require(Role::Office)?;
    let input = checked(input, now)?;
    let loaded = load(app, id).await?;
    let previous_account = loaded.record.account.clone();
    let expert = Expert {
        profile: input.profile,
        account: input.account,
        updated_at: now,
        ..loaded.record
    };
    let mut tx = Tx::new();
    tx.guard(store::replace(&expert, loaded.version)?, || {
        AppError::ConcurrentUpdate
    });
    if expert.account != previous_account {
        tx.guard(
            store::create(&ExpertAccount {
                account: expert.account.clone(),
                expert_id: expert.id,
            })?,
            || AppError::ExpertAccountTaken,
        );
        tx.push(Write::Delete {
            key: keys::expert_account(&previous_account),
            condition: Condition::None,
        });
    }
    tx.push(audit(
        partition(expert.id),
        caller.sub(),
        "expert_updated",
        &[("name", expert.profile.name.clone())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(expert)
}

/// `POST /experts/{id}/status` (office): active ↔ suspended, or disqualified (final, Art. 19):
/// the expert's assignments not yet submitted are withdrawn (the expert is told), its submitted
/// sheets stop counting, and each application it scored is aggregated again. Returns the expert.
/// Errors: `ReasonRequired` (suspension and disqualification), `ExpertInactive` (already
/// disqualified), `InvalidField` (an unknown status).
pub async fn set_status(
    app: &App,
    caller: &Caller,
    id: Ulid,
    input: StatusInput,
    now: DateTime<Utc>,
) -> Result<Expert, AppError> {
    caller.require(Role::Office)?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned);
    let status = match (input.status.as_str(), reason) {
        ("active", _) => ExpertStatus::Active,
        ("suspended", Some(reason)) => ExpertStatus::Suspended { reason },
        ("disqualified", Some(reason)) => ExpertStatus::Disqualified { reason, at: now },
        ("suspended" | "disqualified", None) => {
            return Err(AppError::ReasonRequired {
                command: format!("set the expert {}", input.status),
            });
        }
        (other, _) => {
            return Err(AppError::invalid_field(
                format!("status: {other:?} is not active, suspended or disqualified"),
                "status 应为 active（在库）、suspended（暂停）或 disqualified（取消资格）",
            ));
        }
    };
    let loaded = load(app, id).await?;
    if matches!(loaded.record.status, ExpertStatus::Disqualified { .. }) {
        return Err(AppError::ExpertInactive);
    }
    let expert = Expert {
        status: status.clone(),
        updated_at: now,
        ..loaded.record
    };
    let mut tx = Tx::new();
    tx.guard(store::replace(&expert, loaded.version)?, || {
        AppError::ConcurrentUpdate
    });
    tx.push(audit(
        partition(expert.id),
        caller.sub(),
        "expert_status_changed",
        &[("status", input.status.clone())],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    if let ExpertStatus::Disqualified { reason, .. } = &status {
        let touched = assignments::disqualify(app, caller.sub(), &expert, reason, now).await?;
        let mut seen = BTreeSet::new();
        for (application_id, phase) in touched {
            if seen.insert((application_id, phase)) {
                super::aggregate(app, application_id, phase, caller.sub(), now).await?;
            }
        }
    }
    Ok(expert)
}
