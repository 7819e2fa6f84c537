//! Reads of the register of awards and debarments (Arts. 5, 17, 18): the screening reads an
//! organisation's history, the aftercare every entry.

use award_domain::eligibility::OrganisationHistory;
use award_ports::{Index, Query};

use crate::App;
use crate::error::AppError;
use crate::keys;
use crate::model::{RegisterEntry, RegisterFact};
use crate::store::{from_item, query_all};

/// An organisation's awards and debarments, for screening (one query of `REG#<uscc>`).
pub async fn history_of(app: &App, uscc: &str) -> Result<OrganisationHistory, AppError> {
    let mut history = OrganisationHistory::default();
    for entry in entries_of(app, uscc).await? {
        match entry.fact {
            RegisterFact::Award { validity, .. } => history.awards.push(validity),
            RegisterFact::Debarment { debarment, .. } => history.debarments.push(debarment),
        }
    }
    Ok(history)
}

pub async fn entries_of(app: &App, uscc: &str) -> Result<Vec<RegisterEntry>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::register_partition(uscc)),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<RegisterEntry>(item).map(|stored| stored.record))
    .collect()
}

/// Every entry of the register (one query of GSI1 `REGISTER`).
pub async fn all(app: &App) -> Result<Vec<RegisterEntry>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::REGISTER),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<RegisterEntry>(item).map(|stored| stored.record))
    .collect()
}
