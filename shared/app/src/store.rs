//! Mapping records to table items (through `serde_dynamo`) and back, with their keys, `type` and
//! `version` attributes, plus the few table helpers the use cases share.

use std::future::Future;

use award_ports::table::{
    AttributeValue, GSI1PK, GSI1SK, GSI2PK, GSI2SK, PK, SK, VERSION, version_of,
};
use award_ports::{Condition, Item, Key, Query, Table, TableError, Write};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::AppError;
use crate::keys::{ItemKeys, TYPE};

/// A record stored as one item.
pub trait Record: Serialize + DeserializeOwned {
    /// The item's `type` attribute.
    const TYPE: &'static str;
    /// Where the item lives (primary key and GSI keys), from its current content.
    fn keys(&self) -> ItemKeys;
}

/// A record as loaded, with the version it had: the guard of the next write.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    pub record: T,
    pub version: u64,
}

/// Drops what DynamoDB must never be sent: `NULL` for an absent `Option` (a `NULL` index key
/// attribute breaks a sparse index, and absence is what the record means) and empty sets (which
/// DynamoDB refuses). Nested maps are cleaned too; list elements are kept as they are.
fn strip_absent(attributes: &mut std::collections::HashMap<String, AttributeValue>) {
    attributes.retain(|_, value| match value {
        AttributeValue::Null(_) => false,
        AttributeValue::Ss(set) | AttributeValue::Ns(set) => !set.is_empty(),
        AttributeValue::Bs(set) => !set.is_empty(),
        AttributeValue::M(map) => {
            strip_absent(map);
            true
        }
        _ => true,
    });
}

/// The item of `record` at `version`.
pub fn to_item<T: Record>(record: &T, version: u64) -> Result<Item, AppError> {
    let mut item: Item = serde_dynamo::to_item(record)?;
    let keys = record.keys();
    let attributes = item.as_mut();
    strip_absent(attributes);
    attributes.insert(PK.into(), AttributeValue::S(keys.key.pk));
    attributes.insert(SK.into(), AttributeValue::S(keys.key.sk));
    if let Some((pk, sk)) = keys.gsi1 {
        attributes.insert(GSI1PK.into(), AttributeValue::S(pk));
        attributes.insert(GSI1SK.into(), AttributeValue::S(sk));
    }
    if let Some((pk, sk)) = keys.gsi2 {
        attributes.insert(GSI2PK.into(), AttributeValue::S(pk));
        attributes.insert(GSI2SK.into(), AttributeValue::S(sk));
    }
    attributes.insert(TYPE.into(), AttributeValue::S(T::TYPE.into()));
    attributes.insert(VERSION.into(), AttributeValue::N(version.to_string()));
    Ok(item)
}

/// The `type` attribute of an item.
pub fn type_of(item: &Item) -> Option<&str> {
    match item.as_ref().get(TYPE) {
        Some(AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

/// The record in `item`, which must be of `T`'s type.
pub fn from_item<T: Record>(item: Item) -> Result<Stored<T>, AppError> {
    if type_of(&item) != Some(T::TYPE) {
        return Err(AppError::corrupt(format!(
            "expected an item of type {}, found {:?}",
            T::TYPE,
            type_of(&item)
        )));
    }
    let version = version_of(&item)
        .ok_or_else(|| AppError::corrupt(format!("{} item without a version", T::TYPE)))?;
    Ok(Stored {
        record: serde_dynamo::from_item(item)?,
        version,
    })
}

pub async fn load<T: Record>(table: &dyn Table, key: &Key) -> Result<Option<Stored<T>>, AppError> {
    table.get(key).await?.map(from_item).transpose()
}

/// Every item matching `query`, following the pages to the end.
pub async fn query_all(table: &dyn Table, query: Query) -> Result<Vec<Item>, AppError> {
    let mut items = Vec::new();
    let mut query = query;
    loop {
        let page = table.query(&query).await?;
        items.extend(page.items);
        match page.next {
            Some(cursor) => query = query.after(Some(cursor)),
            None => return Ok(items),
        }
    }
}

/// Creates an item that must not exist yet.
pub fn create<T: Record>(record: &T) -> Result<Write, AppError> {
    Ok(Write::Put {
        item: to_item(record, 1)?,
        condition: Condition::NotExists,
    })
}

/// Replaces a loaded item with its next version, if nobody changed it since it was loaded.
pub fn replace<T: Record>(record: &T, loaded_version: u64) -> Result<Write, AppError> {
    Ok(Write::Put {
        item: to_item(record, loaded_version + 1)?,
        condition: Condition::VersionEquals(loaded_version),
    })
}

/// The position of the write whose condition failed, if that is why the transaction failed.
pub fn failed_condition(error: &AppError) -> Option<usize> {
    match error.table_error() {
        Some(TableError::ConditionFailed { index, .. }) => Some(*index),
        _ => None,
    }
}

/// A transaction being built: each write with the refusal its condition stands for, so that the
/// meaning of a failed condition never depends on the order of the writes.
#[derive(Default)]
pub struct Tx {
    writes: Vec<Write>,
    refusals: Vec<Option<Refusal>>,
}

type Refusal = Box<dyn Fn() -> AppError + Send + Sync>;

impl Tx {
    pub fn new() -> Self {
        Self::default()
    }

    /// A write whose condition can only fail through a bug or a race the caller retries.
    pub fn push(&mut self, write: Write) -> &mut Self {
        self.writes.push(write);
        self.refusals.push(None);
        self
    }

    /// A write whose failed condition means `refusal` (e.g. a guard's `NotExists` is
    /// `DuplicateApplication`).
    pub fn guard(
        &mut self,
        write: Write,
        refusal: impl Fn() -> AppError + Send + Sync + 'static,
    ) -> &mut Self {
        self.writes.push(write);
        self.refusals.push(Some(Box::new(refusal)));
        self
    }

    pub fn extend(&mut self, writes: impl IntoIterator<Item = Write>) -> &mut Self {
        for write in writes {
            self.push(write);
        }
        self
    }

    /// Appends every write of `other`, each with its refusal.
    pub fn append(&mut self, other: Tx) -> &mut Self {
        self.writes.extend(other.writes);
        self.refusals.extend(other.refusals);
        self
    }

    pub fn len(&self) -> usize {
        self.writes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// Writes everything or nothing. A failed condition becomes the refusal pushed with it (or
    /// [`AppError::ConcurrentUpdate`] for a write pushed without one); a lost race stays
    /// `TableError::Conflict` for [`retry_on_conflict`].
    pub async fn commit(self, table: &dyn Table) -> Result<(), AppError> {
        let Self { writes, refusals } = self;
        match table.transact(writes).await {
            Ok(()) => Ok(()),
            Err(TableError::ConditionFailed { index, key }) => match refusals.get(index) {
                Some(Some(refusal)) => Err(refusal()),
                Some(None) => {
                    tracing::info!(
                        ?key,
                        "an unguarded condition failed; answered as a concurrent update"
                    );
                    Err(AppError::ConcurrentUpdate)
                }
                None => Err(AppError::corrupt(format!(
                    "the table named write {index} of a shorter transaction"
                ))),
            },
            Err(error) => Err(error.into()),
        }
    }
}

/// How many independent runs that call the table one invocation keeps in flight at once (the
/// records of a stream batch's partitions, the names of a list decision): enough that a batch or
/// a list costs the round trips of its longest run, not of all of them in a row, and few enough
/// that a table (or a test's local stand-in) is never sent a burst of hundreds of calls.
pub const AT_ONCE: usize = 16;

/// Runs `runs`, up to [`AT_ONCE`] at once, and answers their outcomes in their order.
pub async fn at_once<Fut, T>(runs: impl IntoIterator<Item = Fut>) -> Vec<T>
where
    Fut: Future<Output = T>,
{
    use futures_util::StreamExt;
    futures_util::stream::iter(runs)
        .buffered(AT_ONCE)
        .collect()
        .await
}

/// Runs `runs`, up to [`AT_ONCE`] at once (each its own transaction: the names of a list decision,
/// the applications closed by a daily run), and answers the first error in their order (after
/// every started run has finished), else how many ran.
pub async fn each_at_once<Fut>(runs: impl IntoIterator<Item = Fut>) -> Result<usize, AppError>
where
    Fut: Future<Output = Result<(), AppError>>,
{
    let outcomes = at_once(runs).await;
    let count = outcomes.len();
    outcomes.into_iter().collect::<Result<Vec<()>, _>>()?;
    Ok(count)
}

/// How often a use case is run (load → decide → save) when the table reports that another
/// transaction touched the same items at the same time.
pub const CONFLICT_ATTEMPTS: u32 = 4;

/// The wait before attempt `attempt + 1` after a conflict: exponential (10, 20, 40 ms ...) with
/// full jitter, so that callers who collided once do not collide again in step.
pub fn conflict_backoff(attempt: u32) -> std::time::Duration {
    let ceiling_ms = 10u64 << attempt.min(6);
    let mut random = [0u8; 8];
    // Without an entropy source the ceiling itself is a correct, if less spread, wait.
    let jitter = match getrandom::fill(&mut random) {
        Ok(()) => u64::from_le_bytes(random) % (ceiling_ms + 1),
        Err(_) => ceiling_ms,
    };
    std::time::Duration::from_millis(jitter)
}

/// Runs a whole load → decide → save again when the transaction lost a race
/// (`TransactionConflict`), after a back-off with jitter, so concurrent callers are serialised
/// rather than one of them losing its update; after [`CONFLICT_ATTEMPTS`] the caller is told
/// `409 concurrent_update`.
pub async fn retry_on_conflict<T, F, Fut>(mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    for tried in 1..=CONFLICT_ATTEMPTS {
        match attempt().await {
            Err(AppError::Table {
                source: TableError::Conflict,
            }) if tried < CONFLICT_ATTEMPTS => {
                tokio::time::sleep(conflict_backoff(tried)).await;
            }
            Err(AppError::Table {
                source: TableError::Conflict,
            }) => return Err(AppError::ConcurrentUpdate),
            other => return other,
        }
    }
    Err(AppError::ConcurrentUpdate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_under_its_ceiling() {
        for attempt in 1..10 {
            let ceiling = std::time::Duration::from_millis(10 << attempt.min(6));
            for _ in 0..20 {
                assert!(conflict_backoff(attempt) <= ceiling);
            }
        }
    }
}
