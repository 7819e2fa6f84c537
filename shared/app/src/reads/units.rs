//! Reads of the recommending units (Art. 11(3)) that several stages share.

use award_ports::{Index, Query};
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::keys;
use crate::model::Recommender;
use crate::store::{self, Stored, from_item, query_all};

/// Loads a recommending unit, or `RecommenderNotFound`.
pub async fn load_recommender(app: &App, id: Ulid) -> Result<Stored<Recommender>, AppError> {
    store::load::<Recommender>(app.table.as_ref(), &keys::recommender(id))
        .await?
        .ok_or(AppError::RecommenderNotFound)
}

/// Every unit (GSI1 `RECOMMENDERS`).
pub async fn all(app: &App) -> Result<Vec<Recommender>, AppError> {
    let mut units: Vec<Recommender> = query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi1, keys::RECOMMENDERS),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<Recommender>(item).map(|stored| stored.record))
    .collect::<Result<_, _>>()?;
    units.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(units)
}

/// The active units an account acts for.
pub async fn units_of_account(app: &App, sub: &str) -> Result<Vec<Recommender>, AppError> {
    Ok(all(app)
        .await?
        .into_iter()
        .filter(|unit| unit.active && unit.accounts.iter().any(|account| account == sub))
        .collect())
}
