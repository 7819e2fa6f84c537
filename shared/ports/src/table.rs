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
/// The time-to-live attribute (a Number: seconds since the Unix epoch, UTC). An item whose `ttl`
/// has passed is removed by the table in the background: DynamoDB's TTL (the template's
/// `TimeToLiveSpecification`, within days of expiry), the embedded table's
/// `remove_expired` (run by the local runner's daily schedule). Until then it may still be read,
/// so a per-day or per-window item is keyed by its day or window and never read after it.
pub const TTL: &str = "ttl";

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
    /// More writes than one `TransactWriteItems` call takes ([`MAX_TRANSACT_WRITES`]), or none;
    /// refused before any adapter runs. Split bulk writes with [`Transaction::bulk`].
    #[error("a transaction holds 1 to {max} writes, got {count}", max = MAX_TRANSACT_WRITES)]
    TooManyWrites { count: usize },
    /// Writes `first` and `second` of the transaction name the same item, which DynamoDB refuses
    /// (`ValidationException`: "multiple operations on one item"); refused before any adapter runs.
    #[error("writes {first} and {second} of the transaction are on the same item {key:?}")]
    DuplicateItem {
        first: usize,
        second: usize,
        key: Key,
    },
    /// The request itself is malformed (missing key attributes, an update that sets nothing...).
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("table backend error: {0}")]
    Backend(String),
}

/// DynamoDB's limit on the actions of one `TransactWriteItems` call (DynamoDB developer guide,
/// "Amazon DynamoDB Transactions: TransactWriteItems API"). Neither moto nor the embedded store
/// would refuse more, so [`Transaction::new`] does, for both adapters.
pub const MAX_TRANSACT_WRITES: usize = 100;

/// The writes of one [`Table::transact`], checked against the request rules DynamoDB applies
/// before it looks at any item: 1 to [`MAX_TRANSACT_WRITES`] writes, each on a distinct item, every
/// put holding `PK` and `SK`, no update setting a key attribute or nothing at all, no check without
/// a condition. Only [`Transaction::new`] and [`Transaction::bulk`] make one, so an adapter
/// receives nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    writes: Vec<Write>,
    keys: Vec<Key>,
}

impl Transaction {
    /// Checks `writes` (see [`Transaction`]).
    ///
    /// Errors: [`TableError::TooManyWrites`] (none, or more than [`MAX_TRANSACT_WRITES`]),
    /// [`TableError::DuplicateItem`], [`TableError::Invalid`] for the other shapes.
    pub fn new(writes: Vec<Write>) -> Result<Self, TableError> {
        if writes.is_empty() || writes.len() > MAX_TRANSACT_WRITES {
            return Err(TableError::TooManyWrites {
                count: writes.len(),
            });
        }
        let keys = distinct_keys(&writes)?;
        Ok(Self { writes, keys })
    }

    /// Bulk writes that need not be atomic together, as transactions of at most
    /// [`MAX_TRANSACT_WRITES`] writes, in order. Each transaction is all-or-nothing; the bulk is
    /// not: run them one after the other and retry from the first that failed.
    ///
    /// Errors as [`Transaction::new`], except that any number of writes is accepted; two writes on
    /// one item are refused even when they would land in different chunks, because their order
    /// would then decide the result.
    pub fn bulk(writes: Vec<Write>) -> Result<Vec<Self>, TableError> {
        let keys = distinct_keys(&writes)?;
        let mut transactions = Vec::with_capacity(writes.len().div_ceil(MAX_TRANSACT_WRITES));
        let mut writes = writes.into_iter();
        for chunk in keys.chunks(MAX_TRANSACT_WRITES) {
            transactions.push(Self {
                writes: writes.by_ref().take(chunk.len()).collect(),
                keys: chunk.to_vec(),
            });
        }
        Ok(transactions)
    }

    pub fn writes(&self) -> &[Write] {
        &self.writes
    }

    /// The key of each write, in the writes' order.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// Always false: a transaction holds at least one write. (Clippy asks for it next to `len`.)
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// The writes and their keys, in order.
    pub fn into_parts(self) -> (Vec<Write>, Vec<Key>) {
        (self.writes, self.keys)
    }
}

/// Each write's key, after the per-write shape rules and the one-write-per-item rule.
fn distinct_keys(writes: &[Write]) -> Result<Vec<Key>, TableError> {
    let mut first_write_on = std::collections::HashMap::with_capacity(writes.len());
    let mut keys = Vec::with_capacity(writes.len());
    for (index, write) in writes.iter().enumerate() {
        let key = write.key()?;
        match write {
            Write::Update { set, .. } if set.contains_key(PK) || set.contains_key(SK) => {
                return Err(TableError::Invalid(format!(
                    "write {index}: an update cannot set PK or SK"
                )));
            }
            Write::Update { set, .. } if set.is_empty() => {
                return Err(TableError::Invalid(format!(
                    "write {index}: an update must set at least one attribute"
                )));
            }
            Write::Check {
                condition: Condition::None,
                ..
            } => {
                return Err(TableError::Invalid(format!(
                    "write {index}: a check needs a condition"
                )));
            }
            _ => {}
        }
        if let Some(first) = first_write_on.insert(key.clone(), index) {
            return Err(TableError::DuplicateItem {
                first,
                second: index,
                key,
            });
        }
        keys.push(key);
    }
    Ok(keys)
}

#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError>;

    async fn query(&self, query: &Query) -> Result<Page, TableError>;

    /// All writes happen or none does. Checked by [`Transaction::new`] before any adapter runs
    /// (at most [`MAX_TRANSACT_WRITES`], each on a distinct item). Adapters and decorators
    /// implement [`Table::transact_items`], not this.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        self.transact_items(Transaction::new(writes)?).await
    }

    /// The adapter's half of [`Table::transact`] (DynamoDB's `TransactWriteItems`): the request
    /// rules already hold; conditions, conflicts and item-level limits are the adapter's.
    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError>;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// An adapter that only records what reaches it.
    #[derive(Default)]
    struct Recording(Mutex<Vec<usize>>);

    #[async_trait]
    impl Table for Recording {
        async fn get(&self, _key: &Key) -> Result<Option<Item>, TableError> {
            Ok(None)
        }
        async fn query(&self, _query: &Query) -> Result<Page, TableError> {
            Ok(Page {
                items: Vec::new(),
                next: None,
            })
        }
        async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
            self.0.lock().unwrap().push(transaction.len());
            Ok(())
        }
    }

    fn check(sk: &str) -> Write {
        Write::Check {
            key: Key::new("P", sk),
            condition: Condition::Exists,
        }
    }

    #[tokio::test]
    async fn limits_are_refused_before_the_adapter_runs() {
        let adapter = Recording::default();
        let too_many = (0..=MAX_TRANSACT_WRITES)
            .map(|i| check(&i.to_string()))
            .collect();
        assert!(matches!(
            adapter.transact(too_many).await,
            Err(TableError::TooManyWrites { count: 101 })
        ));
        assert!(matches!(
            adapter
                .transact(vec![check("a"), check("b"), check("a")])
                .await,
            Err(TableError::DuplicateItem {
                first: 0,
                second: 2,
                ..
            })
        ));
        assert!(matches!(
            adapter.transact(Vec::new()).await,
            Err(TableError::TooManyWrites { count: 0 })
        ));
        assert!(
            adapter.0.lock().unwrap().is_empty(),
            "nothing reached the adapter"
        );

        adapter
            .transact(vec![check("a"), check("b")])
            .await
            .unwrap();
        assert_eq!(*adapter.0.lock().unwrap(), [2]);
    }

    #[test]
    fn bulk_keeps_order_and_splits_at_the_limit() {
        let writes: Vec<Write> = (0..MAX_TRANSACT_WRITES + 1)
            .map(|i| check(&format!("{i:03}")))
            .collect();
        let chunks = Transaction::bulk(writes.clone()).unwrap();
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].writes(), &writes[..MAX_TRANSACT_WRITES]);
        assert_eq!(chunks[1].writes(), &writes[MAX_TRANSACT_WRITES..]);
        assert_eq!(chunks[1].keys(), &[Key::new("P", "100")]);
        assert!(Transaction::bulk(Vec::new()).unwrap().is_empty());
    }
}
