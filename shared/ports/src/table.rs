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
    /// The table refused the request for load — DynamoDB's `ThrottlingException`,
    /// `ProvisionedThroughputExceededException`, `RequestLimitExceeded`, or a transaction cancelled
    /// with `ThrottlingError` reasons (how DynamoDB throttles a transaction); nothing was written.
    /// [`Table::commit`] retries a transaction after a back-off; a caller that still gets it
    /// answers "busy, retry" (HTTP 503), never an internal error.
    #[error("throttled; nothing was written: {0}")]
    Throttled(String),
    /// No answer in time, a 5xx, or a connection that broke: for a read, nothing is known; for a
    /// transaction, its writes may or may not have been applied (the ambiguous case).
    /// [`Table::commit`] finds out which before it retries.
    #[error("the table did not answer (a write's outcome is unknown): {0}")]
    Unavailable(String),
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
    /// Which transaction this is: kept by its clones (a retry of this very transaction), new for
    /// every other, even one with the same writes (two callers incrementing one counter from the
    /// same version build the same writes, and must not be taken for one another).
    id: u64,
}

/// A transaction identity no other transaction of this process has, and unlikely in any other
/// process (a per-process random start).
fn fresh_transaction_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static START: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let start = *START.get_or_init(|| {
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    });
    start.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed))
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
        Ok(Self {
            writes,
            keys,
            id: fresh_transaction_id(),
        })
    }

    /// This transaction with `more` writes after its own, still the same transaction (its
    /// [`Transaction::id`] kept): for a decorator that adds writes to every transaction it passes
    /// on, so that a retry of the caller's transaction stays a retry. Errors as
    /// [`Transaction::new`].
    pub fn extended(self, more: Vec<Write>) -> Result<Self, TableError> {
        let id = self.id;
        let mut writes = self.writes;
        writes.extend(more);
        let mut extended = Self::new(writes)?;
        extended.id = id;
        Ok(extended)
    }

    /// Which transaction this is (see the field): the same for its clones, different for any
    /// other. The AWS adapter derives the idempotency token from it and the writes.
    pub fn id(&self) -> u64 {
        self.id
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
                id: fresh_transaction_id(),
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
    /// (at most [`MAX_TRANSACT_WRITES`], each on a distinct item), then [`Table::commit`]ted.
    /// Adapters and decorators implement [`Table::transact_items`], not this.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        self.commit(Transaction::new(writes)?).await
    }

    /// [`Table::transact_items`] as every caller wants it when the table misbehaves:
    ///
    /// * `Throttled` (nothing written): the same transaction again after a back-off with full
    ///   jitter ([`COMMIT_ATTEMPTS`] in all, from [`COMMIT_BACKOFF`], doubling);
    /// * `Unavailable` (the outcome unknown): did this very transaction land? Every put it makes
    ///   under a condition is read back; all stored exactly as written (their versions, the ids
    ///   and instants of the command) means it was applied and the answer is `Ok`. Otherwise the
    ///   same transaction is sent again like a throttled one — the AWS adapter's
    ///   `ClientRequestToken` (derived from the transaction's identity, kept by the clone sent
    ///   again, and its content) lets DynamoDB absorb it if it had landed
    ///   after all, and a store without tokens answers `ConditionFailed`, which after such an
    ///   unknown outcome is read back the same way before it is believed.
    ///
    /// A `ConditionFailed` with no unknown outcome before it is the answer: two callers can build
    /// the same item at the same instant, so only a caller that lost its own answer reads back.
    /// Errors: the last attempt's.
    async fn commit(&self, transaction: Transaction) -> Result<(), TableError> {
        let mut attempt = 1;
        let mut outcome_unknown = false;
        loop {
            match self.transact_items(transaction.clone()).await {
                Ok(()) => return Ok(()),
                Err(error @ TableError::ConditionFailed { .. }) => {
                    if outcome_unknown && applied(self, &transaction).await {
                        return Ok(());
                    }
                    return Err(error);
                }
                Err(error @ TableError::Unavailable(_)) => {
                    if applied(self, &transaction).await {
                        return Ok(());
                    }
                    if attempt >= COMMIT_ATTEMPTS {
                        return Err(error);
                    }
                    outcome_unknown = true;
                }
                Err(TableError::Throttled(_)) if attempt < COMMIT_ATTEMPTS => {}
                Err(error) => return Err(error),
            }
            tokio::time::sleep(commit_backoff(attempt)).await;
            attempt += 1;
        }
    }

    /// The adapter's half of [`Table::transact`] (DynamoDB's `TransactWriteItems`): the request
    /// rules already hold; conditions, conflicts and item-level limits are the adapter's.
    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError>;
}

/// How many times [`Table::commit`] sends one transaction at most.
pub const COMMIT_ATTEMPTS: u32 = 5;
/// The first back-off of [`Table::commit`]; it doubles each time (50, 100, 200, 400 ms ceilings),
/// so four retries wait under 0.75 s in all: well inside the API's 10 s function timeout.
pub const COMMIT_BACKOFF: std::time::Duration = std::time::Duration::from_millis(50);

/// A random wait up to the ceiling of `attempt` (full jitter: concurrent callers spread out).
fn commit_backoff(attempt: u32) -> std::time::Duration {
    use std::hash::{BuildHasher, Hasher};
    let ceiling = COMMIT_BACKOFF.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    // A fresh `RandomState` is seeded from the OS: randomness enough for a jitter, no dependency.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    std::time::Duration::from_millis(random % millis.saturating_add(1))
}

/// Whether `transaction` is in the table as written: every put it makes under a condition (a new
/// item, or the next version of one) is stored exactly. Its items carry their versions and the ids
/// and instants of the command that built them (its audit record's key is a fresh ULID), so another
/// transaction cannot have stored them all. A transaction without such a put cannot be recognised;
/// a failed read answers `false`: the caller keeps its error or tries again.
async fn applied<T: Table + ?Sized>(table: &T, transaction: &Transaction) -> bool {
    let mut witnesses: Vec<(Key, &Item)> = Vec::new();
    for write in transaction.writes() {
        if let Write::Put {
            item,
            condition: Condition::NotExists | Condition::VersionEquals(_),
        } = write
        {
            let Ok(key) = key_of(item) else {
                return false;
            };
            witnesses.push((key, item));
        }
    }
    if witnesses.is_empty() {
        return false;
    }
    for (key, item) in witnesses {
        if !matches!(table.get(&key).await, Ok(Some(stored)) if stored == *item) {
            return false;
        }
    }
    true
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

#[cfg(test)]
mod commit_tests {
    use std::sync::Mutex;

    use super::*;

    /// A table whose `transact_items` answers from a script, applying the writes to a map when the
    /// script says the write landed.
    struct Scripted {
        script: Mutex<Vec<(bool, Option<TableError>)>>,
        items: Mutex<Vec<Item>>,
        calls: Mutex<u32>,
        /// Reads still to fail (the table down for them too).
        failing_gets: Mutex<u32>,
    }

    impl Scripted {
        /// Each step: whether the writes land, and the error answered (`None`: `Ok`).
        fn new(script: Vec<(bool, Option<TableError>)>) -> Self {
            Self {
                script: Mutex::new(script.into_iter().rev().collect()),
                items: Mutex::new(Vec::new()),
                calls: Mutex::new(0),
                failing_gets: Mutex::new(0),
            }
        }
    }

    #[async_trait]
    impl Table for Scripted {
        async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
            {
                let mut failing = self.failing_gets.lock().unwrap_or_else(|e| e.into_inner());
                if *failing > 0 {
                    *failing -= 1;
                    return Err(TableError::Unavailable("down".into()));
                }
            }
            let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
            Ok(items
                .iter()
                .find(|item| key_of(item).ok().as_ref() == Some(key))
                .cloned())
        }
        async fn query(&self, _: &Query) -> Result<Page, TableError> {
            Err(TableError::Invalid("not scripted".into()))
        }
        async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
            *self.calls.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            let (lands, answer) = self
                .script
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop()
                .unwrap_or((false, Some(TableError::Backend("script ended".into()))));
            if lands {
                let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
                for write in transaction.writes() {
                    if let Write::Put { item, .. } = write {
                        items.retain(|stored| key_of(stored).ok() != key_of(item).ok());
                        items.push(item.clone());
                    }
                }
            }
            answer.map_or(Ok(()), Err)
        }
    }

    fn audit_write() -> Write {
        let mut item = Item::default();
        item.insert(PK.into(), AttributeValue::S("APP#1".into()));
        item.insert(SK.into(), AttributeValue::S("AUDIT#1".into()));
        item.insert(VERSION.into(), AttributeValue::N("1".into()));
        Write::Put {
            item,
            condition: Condition::NotExists,
        }
    }

    fn condition_failed() -> TableError {
        TableError::ConditionFailed {
            index: 0,
            key: Key::new("APP#1", "AUDIT#1"),
        }
    }

    #[tokio::test]
    async fn throttling_is_retried_until_the_write_lands() {
        let table = Scripted::new(vec![
            (false, Some(TableError::Throttled("ThrottlingError".into()))),
            (false, Some(TableError::Throttled("ThrottlingError".into()))),
            (true, None),
        ]);
        table.transact(vec![audit_write()]).await.unwrap();
        assert_eq!(*table.calls.lock().unwrap(), 3);
    }

    #[tokio::test]
    async fn throttling_past_the_attempts_is_answered_as_such() {
        let table = Scripted::new(
            (0..COMMIT_ATTEMPTS)
                .map(|_| (false, Some(TableError::Throttled("busy".into()))))
                .collect(),
        );
        let error = table.transact(vec![audit_write()]).await.unwrap_err();
        assert!(matches!(error, TableError::Throttled(_)), "{error}");
        assert_eq!(*table.calls.lock().unwrap(), COMMIT_ATTEMPTS);
    }

    #[tokio::test]
    async fn a_lost_response_of_an_applied_write_is_a_success_without_a_second_send() {
        let table = Scripted::new(vec![(true, Some(TableError::Unavailable("reset".into())))]);
        table.transact(vec![audit_write()]).await.unwrap();
        assert_eq!(*table.calls.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn a_lost_request_is_sent_again() {
        let table = Scripted::new(vec![
            (false, Some(TableError::Unavailable("timeout".into()))),
            (true, None),
        ]);
        table.transact(vec![audit_write()]).await.unwrap();
        assert_eq!(*table.calls.lock().unwrap(), 2);
    }

    #[tokio::test]
    async fn a_retry_failing_its_own_condition_recognises_its_write() {
        // The first send landed but its answer was lost, and the table could not be read then
        // either; the second send, to a store without request tokens, fails its own condition.
        let table = Scripted::new(vec![
            (true, Some(TableError::Unavailable("reset".into()))),
            (false, Some(condition_failed())),
        ]);
        *table.failing_gets.lock().unwrap() = 1;
        table.transact(vec![audit_write()]).await.unwrap();
        assert_eq!(*table.calls.lock().unwrap(), 2);
    }

    #[tokio::test]
    async fn a_condition_failure_without_a_lost_answer_stands_even_on_an_identical_item() {
        // Two callers built the same item at the same instant; the loser is told so.
        let table = Scripted::new(vec![(true, Some(condition_failed()))]);
        let error = table.transact(vec![audit_write()]).await.unwrap_err();
        assert!(
            matches!(error, TableError::ConditionFailed { .. }),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_lost_answer_is_recognised_only_when_every_conditional_put_is_stored() {
        let mut other = Item::default();
        other.insert(PK.into(), AttributeValue::S("APP#1".into()));
        other.insert(SK.into(), AttributeValue::S("AUDIT#2".into()));
        let second = Write::Put {
            item: other,
            condition: Condition::NotExists,
        };
        // Only the first put is in the table (another writer's identical item): not ours.
        let table = Scripted::new(
            (0..COMMIT_ATTEMPTS)
                .map(|_| (false, Some(TableError::Unavailable("reset".into()))))
                .collect(),
        );
        if let Write::Put { item, .. } = audit_write() {
            table.items.lock().unwrap().push(item);
        }
        let error = table
            .transact(vec![audit_write(), second])
            .await
            .unwrap_err();
        assert!(matches!(error, TableError::Unavailable(_)), "{error}");
        assert_eq!(*table.calls.lock().unwrap(), COMMIT_ATTEMPTS);
    }

    #[test]
    fn the_back_off_stays_under_its_ceiling() {
        for attempt in 1..8 {
            for _ in 0..50 {
                assert!(
                    commit_backoff(attempt) <= COMMIT_BACKOFF.saturating_mul(1 << (attempt - 1))
                );
            }
        }
    }
}
