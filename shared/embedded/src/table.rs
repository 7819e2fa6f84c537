//! The embedded [`Table`]: one redb file holding the items, both GSIs and a change feed.
//!
//! Every `transact` is one redb write transaction: conditions are evaluated, items written, index
//! entries moved and change records appended together, so a crash or a failed condition leaves
//! nothing half done. redb admits one writer at a time, so concurrent read-modify-write cycles
//! are serialised and a stale one fails its `VersionEquals` condition, as on DynamoDB.

use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use award_ports::table::{
    AttributeValue, ChangeKind, ChangeRecord, Condition, Index, Item, Key, PK, Page, Query, SK,
    SortCondition, TTL, Table, TableError, Transaction, Write, key_of, version_of,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::ordered_key;

/// Item bytes (DynamoDB JSON) by `ordered_key(PK, SK)`.
const ITEMS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("items");
/// `ordered_key(GSI PK, GSI SK, PK, SK)` → `ordered_key(PK, SK)`.
const GSI1: TableDefinition<&[u8], &[u8]> = TableDefinition::new("gsi1");
const GSI2: TableDefinition<&[u8], &[u8]> = TableDefinition::new("gsi2");
/// The change feed: sequence → [`StoredChange`] JSON.
const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
/// Counters: the last sequence number handed out.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const LAST_SEQUENCE: &str = "last_sequence";
/// Change-feed consumers' positions.
const CHECKPOINTS: TableDefinition<&str, u64> = TableDefinition::new("checkpoints");

/// DynamoDB's limits on key attribute sizes, in UTF-8 bytes.
const MAX_PARTITION_KEY_BYTES: usize = 2048;
const MAX_SORT_KEY_BYTES: usize = 1024;
/// DynamoDB's item size limit, so nothing that works here fails on AWS for its size.
const MAX_ITEM_BYTES: usize = 400 * 1024;

/// How a change is kept in the feed (the sequence is the redb key).
#[derive(Serialize, Deserialize)]
struct StoredChange {
    kind: ChangeKind,
    key: Key,
    new_image: Option<Item>,
}

/// The embedded table. Cloning is cheap and shares the open database.
#[derive(Clone)]
pub struct EmbeddedTable {
    shared: Arc<Shared>,
}

struct Shared {
    db: Database,
    /// Holds the newest committed sequence number; bumped after each commit that wrote changes.
    newest_sequence: watch::Sender<u64>,
}

fn backend(error: impl std::fmt::Display) -> TableError {
    TableError::Backend(error.to_string())
}

impl EmbeddedTable {
    /// Opens the redb file at `path`, creating it (and its folder) if missing. redb locks the
    /// file: open it once per process and clone the handle.
    ///
    /// The change-feed and checkpoint methods below are short blocking calls; from async code
    /// run them through `spawn_blocking` when a writer may be busy.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TableError> {
        let path = path.as_ref();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(backend)?;
        }
        let db = Database::create(path).map_err(backend)?;
        let txn = db.begin_write().map_err(backend)?;
        let last_sequence = {
            // Opening creates the tables, so readers never meet a missing one.
            txn.open_table(ITEMS).map_err(backend)?;
            txn.open_table(GSI1).map_err(backend)?;
            txn.open_table(GSI2).map_err(backend)?;
            txn.open_table(CHANGES).map_err(backend)?;
            txn.open_table(CHECKPOINTS).map_err(backend)?;
            let meta = txn.open_table(META).map_err(backend)?;
            meta.get(LAST_SEQUENCE)
                .map_err(backend)?
                .map_or(0, |v| v.value())
        };
        txn.commit().map_err(backend)?;
        let (newest_sequence, _) = watch::channel(last_sequence);
        Ok(Self {
            shared: Arc::new(Shared {
                db,
                newest_sequence,
            }),
        })
    }

    /// Changes with sequence > `after`, oldest first, at most `limit`.
    pub fn changes_after(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, ChangeRecord)>, TableError> {
        let txn = self.shared.db.begin_read().map_err(backend)?;
        let changes = txn.open_table(CHANGES).map_err(backend)?;
        let mut out = Vec::new();
        for entry in changes
            .range::<u64>((Bound::Excluded(after), Bound::Unbounded))
            .map_err(backend)?
            .take(limit)
        {
            let (sequence, bytes) = entry.map_err(backend)?;
            let sequence = sequence.value();
            let stored: StoredChange = serde_json::from_slice(bytes.value()).map_err(backend)?;
            out.push((
                sequence,
                ChangeRecord {
                    sequence: sequence_string(sequence),
                    kind: stored.kind,
                    key: stored.key,
                    new_image: stored.new_image,
                },
            ));
        }
        Ok(out)
    }

    /// Wakes when a transaction that changed something commits; the value is the newest sequence
    /// number.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.newest_sequence.subscribe()
    }

    /// A consumer's persisted position in the change feed (0 when never set).
    pub fn checkpoint(&self, consumer: &str) -> Result<u64, TableError> {
        let txn = self.shared.db.begin_read().map_err(backend)?;
        let checkpoints = txn.open_table(CHECKPOINTS).map_err(backend)?;
        Ok(checkpoints
            .get(consumer)
            .map_err(backend)?
            .map_or(0, |v| v.value()))
    }

    pub fn set_checkpoint(&self, consumer: &str, sequence: u64) -> Result<(), TableError> {
        let txn = self.shared.db.begin_write().map_err(backend)?;
        {
            let mut checkpoints = txn.open_table(CHECKPOINTS).map_err(backend)?;
            checkpoints.insert(consumer, sequence).map_err(backend)?;
        }
        txn.commit().map_err(backend)
    }

    /// Removes every item whose [`TTL`] attribute (seconds since the Unix epoch) is before
    /// `now_epoch_seconds`, as DynamoDB's TTL does in the background; each removal is a `REMOVE`
    /// in the change feed, as on DynamoDB Streams. Returns how many were removed. Items without a
    /// numeric `ttl` are kept. Reads every item: the local table holds one city's few thousand.
    pub async fn remove_expired(&self, now_epoch_seconds: i64) -> Result<usize, TableError> {
        let expired: Vec<Key> = self
            .blocking(move |shared| {
                let txn = shared.db.begin_read().map_err(backend)?;
                let items = txn.open_table(ITEMS).map_err(backend)?;
                let mut expired = Vec::new();
                for entry in items.iter().map_err(backend)? {
                    let (_, bytes) = entry.map_err(backend)?;
                    let item = decode_item(bytes.value())?;
                    let due = match item.get(TTL) {
                        Some(AttributeValue::N(seconds)) => seconds.parse::<f64>().ok(),
                        _ => None,
                    };
                    // DynamoDB compares whole seconds; a fraction is not a later second.
                    if due.is_some_and(|due| (due as i64) < now_epoch_seconds) {
                        expired.push(key_of(&item)?);
                    }
                }
                Ok(expired)
            })
            .await?;
        let removed = expired.len();
        let deletes: Vec<Write> = expired
            .into_iter()
            .map(|key| Write::Delete {
                key,
                condition: Condition::None,
            })
            .collect();
        for transaction in Transaction::bulk(deletes)? {
            self.transact_items(transaction).await?;
        }
        Ok(removed)
    }

    /// Runs blocking redb work off the async executor.
    async fn blocking<T, F>(&self, work: F) -> Result<T, TableError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared) -> Result<T, TableError> + Send + 'static,
    {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || work(&shared))
            .await
            .map_err(backend)?
    }
}

/// Sequence numbers as strings sort like the numbers (DynamoDB's are numeric strings too).
fn sequence_string(sequence: u64) -> String {
    format!("{sequence:020}")
}

fn base_key_bytes(key: &Key) -> Vec<u8> {
    ordered_key::encode(&[&key.pk, &key.sk])
}

fn decode_item(bytes: &[u8]) -> Result<Item, TableError> {
    serde_json::from_slice(bytes).map_err(backend)
}

fn encode_item(item: &Item) -> Result<Vec<u8>, TableError> {
    serde_json::to_vec(item).map_err(backend)
}

fn read_item<T: ReadableTable<&'static [u8], &'static [u8]>>(
    items: &T,
    key: &[u8],
) -> Result<Option<Item>, TableError> {
    match items.get(key).map_err(backend)? {
        Some(bytes) => decode_item(bytes.value()).map(Some),
        None => Ok(None),
    }
}

#[async_trait]
impl Table for EmbeddedTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        check_base_key(key)?;
        let key_bytes = base_key_bytes(key);
        self.blocking(move |shared| {
            let txn = shared.db.begin_read().map_err(backend)?;
            let items = txn.open_table(ITEMS).map_err(backend)?;
            read_item(&items, &key_bytes)
        })
        .await
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        let query = query.clone();
        self.blocking(move |shared| run_query(&shared.db, &query))
            .await
    }

    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
        for key in transaction.keys() {
            check_base_key(key)?;
        }
        let (writes, keys) = transaction.into_parts();
        let newest = self
            .blocking(move |shared| apply_transaction(&shared.db, &writes, &keys))
            .await?;
        if let Some(newest) = newest {
            self.shared.newest_sequence.send_replace(newest);
        }
        Ok(())
    }
}

/// The key limits DynamoDB checks item by item (the request shape is [`Transaction`]'s).
fn check_base_key(key: &Key) -> Result<(), TableError> {
    if key.pk.is_empty() || key.sk.is_empty() {
        return Err(TableError::Invalid("PK and SK must not be empty".into()));
    }
    if key.pk.len() > MAX_PARTITION_KEY_BYTES || key.sk.len() > MAX_SORT_KEY_BYTES {
        return Err(TableError::Invalid(format!(
            "PK is limited to {MAX_PARTITION_KEY_BYTES} bytes and SK to {MAX_SORT_KEY_BYTES}"
        )));
    }
    Ok(())
}

fn condition_holds(condition: &Condition, current: Option<&Item>) -> bool {
    match condition {
        Condition::None => true,
        Condition::NotExists => current.is_none(),
        Condition::Exists => current.is_some(),
        Condition::VersionEquals(expected) => current.and_then(version_of) == Some(*expected),
    }
}

/// The item after `write`, given the item before; `None` means absent.
fn image_after(write: &Write, key: &Key, current: Option<Item>) -> Option<Item> {
    match write {
        Write::Put { item, .. } => Some(item.clone()),
        Write::Update { set, .. } => {
            let mut item = current.unwrap_or_else(|| {
                let mut fresh = Item::default();
                fresh.insert(PK.to_owned(), AttributeValue::S(key.pk.clone()));
                fresh.insert(SK.to_owned(), AttributeValue::S(key.sk.clone()));
                fresh
            });
            item.extend(
                set.iter()
                    .map(|(name, value)| (name.clone(), value.clone())),
            );
            Some(item)
        }
        Write::Delete { .. } => None,
        Write::Check { .. } => current,
    }
}

/// An item's size as DynamoDB counts it (attribute names plus values; collections add 3 bytes
/// and 1 per element). Numbers are counted by their text, which never undercounts DynamoDB's
/// packed form.
fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) | AttributeValue::N(text) => text.len(),
        AttributeValue::B(bytes) => bytes.len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(texts) | AttributeValue::Ns(texts) => {
            texts.iter().map(String::len).sum()
        }
        AttributeValue::Bs(blobs) => blobs.iter().map(Vec::len).sum(),
        AttributeValue::L(values) => 3 + values.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(name, v)| 1 + name.len() + value_size(v))
                .sum::<usize>()
        }
    }
}

/// The entry `item` has in a GSI, if any: present only when both key attributes are (sparse
/// index), and both must then be non-empty strings, as DynamoDB requires of index keys.
fn gsi_entry(item: &Item, key: &Key, index: Index) -> Result<Option<Vec<u8>>, TableError> {
    let (pk_name, sk_name) = index.key_attributes();
    let read = |name: &str| match item.get(name) {
        None => Ok(None),
        Some(AttributeValue::S(value)) if !value.is_empty() => Ok(Some(value.as_str())),
        Some(_) => Err(TableError::Invalid(format!(
            "index key attribute {name} must be a non-empty string"
        ))),
    };
    match (read(pk_name)?, read(sk_name)?) {
        (Some(partition), Some(sort)) => Ok(Some(ordered_key::encode(&[
            partition, sort, &key.pk, &key.sk,
        ]))),
        _ => Ok(None),
    }
}

/// Applies a validated transaction; returns the newest sequence number when changes were written.
fn apply_transaction(
    db: &Database,
    writes: &[Write],
    keys: &[Key],
) -> Result<Option<u64>, TableError> {
    let txn = db.begin_write().map_err(backend)?;
    let newest = {
        let mut items = txn.open_table(ITEMS).map_err(backend)?;
        let mut gsi1 = txn.open_table(GSI1).map_err(backend)?;
        let mut gsi2 = txn.open_table(GSI2).map_err(backend)?;
        let mut changes = txn.open_table(CHANGES).map_err(backend)?;
        let mut meta = txn.open_table(META).map_err(backend)?;

        // Every condition is judged against the state before the transaction.
        let mut planned = Vec::with_capacity(writes.len());
        for (index, (write, key)) in writes.iter().zip(keys).enumerate() {
            let key_bytes = base_key_bytes(key);
            let before = read_item(&items, &key_bytes)?;
            if !condition_holds(write.condition(), before.as_ref()) {
                return Err(TableError::ConditionFailed {
                    index,
                    key: key.clone(),
                });
            }
            let after = image_after(write, key, before.clone());
            if let Some(item) = &after {
                if key_of(item)? != *key {
                    return Err(TableError::Invalid(
                        "an item's PK/SK must match its key".into(),
                    ));
                }
                if item_size(item) > MAX_ITEM_BYTES {
                    return Err(TableError::Invalid(format!(
                        "item {key:?} is over DynamoDB's {MAX_ITEM_BYTES}-byte limit"
                    )));
                }
            }
            planned.push((key, key_bytes, before, after));
        }

        let mut sequence = meta
            .get(LAST_SEQUENCE)
            .map_err(backend)?
            .map_or(0, |v| v.value());
        let first_new = sequence + 1;
        for (key, key_bytes, before, after) in planned {
            // DynamoDB Streams records nothing for a write that changes nothing.
            if before == after {
                continue;
            }
            for (index, table) in [(Index::Gsi1, &mut gsi1), (Index::Gsi2, &mut gsi2)] {
                let old_entry = before
                    .as_ref()
                    .map(|item| gsi_entry(item, key, index))
                    .transpose()?
                    .flatten();
                let new_entry = after
                    .as_ref()
                    .map(|item| gsi_entry(item, key, index))
                    .transpose()?
                    .flatten();
                if old_entry != new_entry {
                    if let Some(old_entry) = old_entry {
                        table.remove(old_entry.as_slice()).map_err(backend)?;
                    }
                    if let Some(new_entry) = new_entry {
                        table
                            .insert(new_entry.as_slice(), key_bytes.as_slice())
                            .map_err(backend)?;
                    }
                }
            }
            let kind = match (&before, &after) {
                (None, _) => ChangeKind::Insert,
                (Some(_), Some(_)) => ChangeKind::Modify,
                (Some(_), None) => ChangeKind::Remove,
            };
            match &after {
                Some(item) => {
                    items
                        .insert(key_bytes.as_slice(), encode_item(item)?.as_slice())
                        .map_err(backend)?;
                }
                None => {
                    items.remove(key_bytes.as_slice()).map_err(backend)?;
                }
            }
            sequence += 1;
            let change = StoredChange {
                kind,
                key: key.clone(),
                new_image: after,
            };
            let change_bytes = serde_json::to_vec(&change).map_err(backend)?;
            changes
                .insert(sequence, change_bytes.as_slice())
                .map_err(backend)?;
        }
        if sequence >= first_new {
            meta.insert(LAST_SEQUENCE, sequence).map_err(backend)?;
            Some(sequence)
        } else {
            None
        }
    };
    txn.commit().map_err(backend)?;
    Ok(newest)
}

/// The byte range `[start, end)` of entries whose first component is `partition` and whose second
/// meets `sort`; `end == None` means unbounded.
fn key_range(
    partition: &str,
    sort: &SortCondition,
) -> Result<(Vec<u8>, Option<Vec<u8>>), TableError> {
    let base = ordered_key::encode(&[partition]);
    let with_sort = |value: &str| {
        let mut bytes = base.clone();
        ordered_key::push_component(&mut bytes, value);
        bytes
    };
    let partition_end = ordered_key::prefix_end(&base);
    Ok(match sort {
        SortCondition::Any => (base.clone(), partition_end),
        SortCondition::Equals(value) => {
            let exact = with_sort(value);
            let end = ordered_key::prefix_end(&exact);
            (exact, end)
        }
        SortCondition::BeginsWith(prefix) => {
            let mut start = base.clone();
            ordered_key::push_escaped(&mut start, prefix);
            let end = ordered_key::prefix_end(&start);
            (start, end)
        }
        SortCondition::Between(low, high) => {
            if low.as_bytes() > high.as_bytes() {
                return Err(TableError::Invalid("BETWEEN needs low <= high".into()));
            }
            (with_sort(low), ordered_key::prefix_end(&with_sort(high)))
        }
        SortCondition::LessThanOrEqual(high) => {
            (base.clone(), ordered_key::prefix_end(&with_sort(high)))
        }
        SortCondition::GreaterThanOrEqual(low) => (with_sort(low), partition_end),
    })
}

fn run_query(db: &Database, query: &Query) -> Result<Page, TableError> {
    if query.partition.is_empty() {
        return Err(TableError::Invalid(
            "the partition key value must not be empty".into(),
        ));
    }
    if query.limit == Some(0) {
        return Err(TableError::Invalid("limit must be at least 1".into()));
    }
    let (start, end) = key_range(&query.partition, &query.sort)?;
    let mut lower = Bound::Included(start.clone());
    let mut upper = end.clone().map_or(Bound::Unbounded, Bound::Excluded);
    if let Some(cursor) = &query.cursor {
        let position = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| TableError::Invalid("malformed cursor".into()))?;
        let inside = position >= start && end.as_ref().is_none_or(|end| &position < end);
        if !inside {
            return Err(TableError::Invalid(
                "the cursor belongs to another query".into(),
            ));
        }
        if query.ascending {
            lower = Bound::Excluded(position);
        } else {
            upper = Bound::Excluded(position);
        }
    }
    let limit = query.limit.map_or(usize::MAX, |limit| limit as usize);

    let txn = db.begin_read().map_err(backend)?;
    let items = txn.open_table(ITEMS).map_err(backend)?;
    let scanned = match query.index {
        Index::Primary => &items,
        Index::Gsi1 => &txn.open_table(GSI1).map_err(backend)?,
        Index::Gsi2 => &txn.open_table(GSI2).map_err(backend)?,
    };
    let bounds = (
        lower.as_ref().map(Vec::as_slice),
        upper.as_ref().map(Vec::as_slice),
    );
    let range = scanned.range::<&[u8]>(bounds).map_err(backend)?;
    let entries: Box<dyn Iterator<Item = _>> = if query.ascending {
        Box::new(range)
    } else {
        Box::new(range.rev())
    };

    let mut page = Vec::new();
    let mut last_position = None;
    let mut more = false;
    for entry in entries {
        let (position, value) = entry.map_err(backend)?;
        if page.len() == limit {
            more = true;
            break;
        }
        let item = match query.index {
            Index::Primary => decode_item(value.value())?,
            Index::Gsi1 | Index::Gsi2 => read_item(&items, value.value())?.ok_or_else(|| {
                TableError::Backend("an index entry points at a missing item".into())
            })?,
        };
        page.push(item);
        last_position = Some(position.value().to_vec());
    }
    let next = if more {
        last_position.map(|position| URL_SAFE_NO_PAD.encode(position))
    } else {
        None
    };
    Ok(Page { items: page, next })
}
