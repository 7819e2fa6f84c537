//! Reads of the expert pool (Art. 8) that the panels and the reviews share.

use award_ports::{Index, Query};
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{Expert, ExpertAccount};
use crate::store::{self, Stored, from_item, query_all};

/// Loads an expert, or `ExpertNotFound`.
pub async fn load(app: &App, id: Ulid) -> Result<Stored<Expert>, AppError> {
    store::load::<Expert>(app.table.as_ref(), &keys::expert(id))
        .await?
        .ok_or(AppError::ExpertNotFound)
}

/// The pool (GSI1 `EXPERTS`), by name.
pub async fn all(app: &App) -> Result<Vec<Expert>, AppError> {
    let mut experts: Vec<Expert> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::EXPERTS),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<Expert>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    experts.sort_by(|a, b| a.profile.name.cmp(&b.profile.name).then(a.id.cmp(&b.id)));
    Ok(experts)
}

/// The expert the caller signs in as: `ExpertNotFound` when its account is in no expert's record.
pub async fn of_caller(app: &App, caller: &Caller) -> Result<Stored<Expert>, AppError> {
    load(app, id_of_caller(app, caller).await?).await
}

/// The id of the expert the caller signs in as, from its account's link alone (one `GetItem`),
/// so that what the expert's id keys is read at once with the expert. Errors: `Forbidden`,
/// `ExpertNotFound`.
pub async fn id_of_caller(app: &App, caller: &Caller) -> Result<Ulid, AppError> {
    caller.require(Role::Expert)?;
    Ok(
        store::load::<ExpertAccount>(app.table.as_ref(), &keys::expert_account(caller.sub()))
            .await?
            .ok_or(AppError::ExpertNotFound)?
            .record
            .expert_id,
    )
}
