//! The public notice board (Arts. 3, 9(3), 11(8)–(9), 17, 18): what notices to the public became.
//! Anyone may read it, no token needed (access pattern 11: base `BOARD`, newest first).

mod routes;

pub use routes::ROUTES;

use award_ports::{Index, Query};

use crate::App;
use crate::error::AppError;
use crate::keys;
use crate::model::BoardEntry;
use crate::store::{from_item, query_all};

/// `GET /public/notices`: every publication, newest first.
pub async fn list(app: &App) -> Result<Vec<BoardEntry>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::BOARD).descending(),
    )
    .await?
    .into_iter()
    .map(|item| from_item::<BoardEntry>(item).map(|stored| stored.record))
    .collect()
}
