//! The dated items (`DUE#<day>`) the award and the publicity wrote for the daily runs: the
//! `publicity` function reads the publicity's, the `reminders` function every other kind. Both
//! read a day's items here, so the key layout of a day lives in one place.

use award_domain::lifecycle::ScheduleKind;
use award_ports::{Index, Query, SortCondition};
use chrono::NaiveDate;

use crate::App;
use crate::error::AppError;
use crate::keys;
use crate::model::DueItem;
use crate::store::{self, from_item, query_all};

/// The items of `kind` due on China day `day` (GSI2 `DUE#<day>`, begins_with `<kind>#`), each
/// read as the run reaches it, so the items before one that does not map are handled first.
pub async fn of_kind_on(
    app: &App,
    day: NaiveDate,
    kind: ScheduleKind,
) -> Result<impl Iterator<Item = Result<DueItem, AppError>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi2, keys::due_partition(day))
            .sort(SortCondition::BeginsWith(format!("{}#", kind.as_str()))),
    )
    .await
    .map(|items| {
        items
            .into_iter()
            .map(|item| from_item::<DueItem>(item).map(|stored| stored.record))
    })
}

/// Every dated item due on China day `day`, of any kind (GSI2 `DUE#<day>`), read as in
/// [`of_kind_on`].
pub async fn on(
    app: &App,
    day: NaiveDate,
) -> Result<impl Iterator<Item = Result<DueItem, AppError>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Gsi2, keys::due_partition(day)),
    )
    .await
    .map(|items| {
        items
            .into_iter()
            // The partition also lists the notices owed that day.
            .filter(|item| store::type_of(item) == Some(keys::item_type::DUE))
            .map(|item| from_item::<DueItem>(item).map(|stored| stored.record))
    })
}
