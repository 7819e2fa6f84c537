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

/// The item of `record` at `version`.
pub fn to_item<T: Record>(record: &T, version: u64) -> Result<Item, AppError> {
    let mut item: Item = serde_dynamo::to_item(record)?;
    let keys = record.keys();
    let attributes = item.as_mut();
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
        return Err(AppError::Corrupt(format!(
            "expected an item of type {}, found {:?}",
            T::TYPE,
            type_of(&item)
        )));
    }
    let version = version_of(&item)
        .ok_or_else(|| AppError::Corrupt(format!("{} item without a version", T::TYPE)))?;
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
    match error {
        AppError::Table(TableError::ConditionFailed { index, .. }) => Some(*index),
        _ => None,
    }
}

/// How often a use case is re-run (load → decide → save) when the table reports that another
/// transaction touched the same items at the same time.
const CONFLICT_ATTEMPTS: usize = 3;

/// Runs a whole load → decide → save again when the transaction lost a race, so concurrent callers
/// are serialised rather than one of them losing its update; after a few attempts the caller is told.
pub async fn retry_on_conflict<T, F, Fut>(mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    for _ in 1..CONFLICT_ATTEMPTS {
        match attempt().await {
            Err(AppError::Table(TableError::Conflict)) => continue,
            other => return other,
        }
    }
    match attempt().await {
        Err(AppError::Table(TableError::Conflict)) => Err(AppError::ConcurrentUpdate),
        other => other,
    }
}
