//! The Table port: the one DynamoDB table of the single-table design.
//!
//! Key attributes are fixed here, once: the base table is `PK`/`SK`, the two global secondary
//! indexes are `GSI1PK`/`GSI1SK` and `GSI2PK`/`GSI2SK`; all are strings. Every item carries a
//! `version` number attribute (starting at 1) so that updates can be guarded by
//! [`Condition::VersionEquals`] (optimistic concurrency: no lost update).
//! What goes *in* the keys (the access patterns) is decided above this port, in `award-app`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use serde_dynamo::{AttributeValue, Item};

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
/// The optimistic-concurrency counter every item carries.
pub const VERSION: &str = "version";

/// Which key structure a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Index {
    /// The base table: `PK` / `SK`.
    Primary,
    /// `GSI1` on `GSI1PK` / `GSI1SK`.
    Gsi1,
    /// `GSI2` on `GSI2PK` / `GSI2SK`.
    Gsi2,
}

impl Index {
    /// The (partition, sort) attribute names of this index.
    pub fn key_attributes(self) -> (&'static str, &'static str) {
        match self {
            Index::Primary => (PK, SK),
            Index::Gsi1 => (GSI1PK, GSI1SK),
            Index::Gsi2 => (GSI2PK, GSI2SK),
        }
    }

    /// The DynamoDB index name, `None` for the base table.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Index::Primary => None,
            Index::Gsi1 => Some("GSI1"),
            Index::Gsi2 => Some("GSI2"),
        }
    }
}

/// The primary key of one item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
}

/// A condition on the sort key of a query. Sort keys compare as strings (byte order, as DynamoDB
/// compares `S` attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortCondition {
    Any,
    Equals(String),
    BeginsWith(String),
    /// Inclusive on both ends, as DynamoDB's `BETWEEN`.
    Between(String, String),
    LessThanOrEqual(String),
    GreaterThanOrEqual(String),
}

/// One page of a query over the base table or a GSI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub index: Index,
    pub partition: String,
    pub sort: SortCondition,
    /// Ascending sort-key order when true (DynamoDB's `ScanIndexForward`).
    pub ascending: bool,
    /// At most this many items in the page.
    pub limit: Option<u32>,
    /// The `next` cursor of the previous page.
    pub cursor: Option<String>,
}

impl Query {
    pub fn partition(index: Index, partition: impl Into<String>) -> Self {
        Self {
            index,
            partition: partition.into(),
            sort: SortCondition::Any,
            ascending: true,
            limit: None,
            cursor: None,
        }
    }

    pub fn sort(mut self, sort: SortCondition) -> Self {
        self.sort = sort;
        self
    }

    pub fn descending(mut self) -> Self {
        self.ascending = false;
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn after(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
}

/// One page of results. `next` is an opaque cursor; `None` means the last page was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
    pub next: Option<String>,
}

/// A guard on one write of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// No guard.
    None,
    /// The item must not exist (create).
    NotExists,
    /// The item must exist.
    Exists,
    /// The item must exist with `version` equal to this (optimistic concurrency).
    VersionEquals(u64),
}

/// One write of an atomic [`Table::transact`].
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Replace the whole item (it must hold `PK` and `SK`).
    Put {
        item: Item,
        condition: Condition,
    },
    /// Set these attributes on an item (creating it when `condition` allows), leaving the others.
    Update {
        key: Key,
        set: Item,
        condition: Condition,
    },
    Delete {
        key: Key,
        condition: Condition,
    },
    /// Write nothing; fail the transaction unless the condition holds.
    Check {
        key: Key,
        condition: Condition,
    },
}

impl Write {
    pub fn key(&self) -> Result<Key, TableError> {
        match self {
            Write::Put { item, .. } => key_of(item),
            Write::Update { key, .. } | Write::Delete { key, .. } | Write::Check { key, .. } => {
                Ok(key.clone())
            }
        }
    }

    pub fn condition(&self) -> &Condition {
        match self {
            Write::Put { condition, .. }
            | Write::Update { condition, .. }
            | Write::Delete { condition, .. }
            | Write::Check { condition, .. } => condition,
        }
    }
}

/// What changed, as a DynamoDB stream record says it (`NEW_IMAGE` view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Insert,
    Modify,
    Remove,
}

/// One change of the table, as delivered to a stream consumer (the `notify` function).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    /// Unique per change and increasing within a key (DynamoDB's `SequenceNumber`).
    pub sequence: String,
    pub kind: ChangeKind,
    pub key: Key,
    /// The item after the change; `None` for a removal.
    pub new_image: Option<Item>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The write at this position of the transaction failed its condition; nothing was written.
    #[error("condition failed on write {index} ({key:?}); nothing was written")]
    ConditionFailed { index: usize, key: Key },
    /// Another transaction touched the same items at the same time; nothing was written. Retry.
    #[error("transaction conflict; nothing was written")]
    Conflict,
    /// The request itself is malformed (missing key attributes, two writes on one item, too many writes...).
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("table backend error: {0}")]
    Backend(String),
}

/// DynamoDB's limit on one TransactWriteItems call; the embedded adapter enforces it too.
pub const MAX_TRANSACT_WRITES: usize = 100;

#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError>;

    async fn query(&self, query: &Query) -> Result<Page, TableError>;

    /// All writes happen or none does. At most [`MAX_TRANSACT_WRITES`], each on a distinct key.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError>;
}

/// The `PK`/`SK` of an item.
pub fn key_of(item: &Item) -> Result<Key, TableError> {
    Ok(Key::new(
        string_attribute(item, PK)?,
        string_attribute(item, SK)?,
    ))
}

/// A string attribute of an item, or `Invalid` naming it.
pub fn string_attribute(item: &Item, name: &str) -> Result<String, TableError> {
    match item_map(item).get(name) {
        Some(AttributeValue::S(value)) => Ok(value.clone()),
        _ => Err(TableError::Invalid(format!(
            "item has no string attribute {name}"
        ))),
    }
}

/// The `version` of an item, if it has one.
pub fn version_of(item: &Item) -> Option<u64> {
    match item_map(item).get(VERSION) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

fn item_map(item: &Item) -> &std::collections::HashMap<String, AttributeValue> {
    item.as_ref()
}
