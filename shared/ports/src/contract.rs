//! The contract suites every adapter must pass (feature `contract-tests`).
//!
//! Each suite panics with a message naming the broken rule, so an adapter's test is one call:
//! `table_contract(Arc::new(adapter), &unique_prefix).await`. The suites write only under the given
//! `prefix`, so several runs can share one backend (the moto server); use a fresh prefix per run.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::blobs::{
    BlobError, Blobs, MAX_DOWNLOAD_TTL, MAX_UPLOAD_TTL, PresignedRequest, UploadSpec,
};
use crate::mail::{Email, Mail, MailError};
use crate::table::{
    AttributeValue, Condition, GSI1PK, GSI1SK, GSI2PK, GSI2SK, Index, Item, Key,
    MAX_TRANSACT_WRITES, PK, Query, SK, SortCondition, Table, TableError, Transaction, VERSION,
    Write,
};

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

/// Runs every Table rule; `prefix` isolates this run's partitions (the moto server is shared).
pub async fn table_contract(table: Arc<dyn Table>, prefix: &str) {
    let t = table.as_ref();
    missing_get_is_none(t, prefix).await;
    put_round_trips_every_attribute_type(t, prefix).await;
    not_exists_guards_creation(t, prefix).await;
    failing_transaction_writes_nothing(t, prefix).await;
    version_equals_guards_updates(t, prefix).await;
    exists_guards(t, prefix).await;
    update_merges_and_creates(t, prefix).await;
    delete_semantics(t, prefix).await;
    check_semantics(t, prefix).await;
    malformed_transactions_are_invalid(t, prefix).await;
    bulk_writes_split_into_transactions(t, prefix).await;
    base_table_queries(t, prefix).await;
    gsi_queries_and_sparseness(t, prefix).await;
    concurrent_counter_loses_no_update(table.clone(), prefix).await;
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn item(pk: &str, sk: &str, attributes: &[(&str, AttributeValue)]) -> Item {
    let mut map: HashMap<String, AttributeValue> = attributes
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    map.insert(PK.to_owned(), s(pk));
    map.insert(SK.to_owned(), s(sk));
    Item::from(map)
}

fn attributes(attributes: &[(&str, AttributeValue)]) -> Item {
    Item::from(
        attributes
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect::<HashMap<String, AttributeValue>>(),
    )
}

fn put(item: Item, condition: Condition) -> Write {
    Write::Put { item, condition }
}

async fn get(table: &dyn Table, key: &Key) -> Option<Item> {
    table
        .get(key)
        .await
        .unwrap_or_else(|error| panic!("get {key:?} failed: {error}"))
}

async fn transact_ok(table: &dyn Table, writes: Vec<Write>, what: &str) {
    if let Err(error) = table.transact(writes).await {
        panic!("{what}: expected success, got {error}");
    }
}

async fn expect_condition_failed(
    table: &dyn Table,
    writes: Vec<Write>,
    index: usize,
    key: &Key,
    what: &str,
) {
    match table.transact(writes).await {
        Err(TableError::ConditionFailed {
            index: failed_index,
            key: failed_key,
        }) => {
            assert_eq!(failed_index, index, "{what}: wrong failing write index");
            assert_eq!(&failed_key, key, "{what}: wrong failing write key");
        }
        other => panic!("{what}: expected ConditionFailed on write {index}, got {other:?}"),
    }
}

async fn expect_invalid(table: &dyn Table, writes: Vec<Write>, what: &str) {
    match table.transact(writes).await {
        Err(TableError::Invalid(_)) => {}
        other => panic!("{what}: expected Invalid, got {other:?}"),
    }
}

fn attribute<'a>(item: &'a Item, name: &str) -> Option<&'a AttributeValue> {
    item.get(name)
}

fn sort_keys(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|item| match attribute(item, SK) {
            Some(AttributeValue::S(sk)) => sk.clone(),
            other => panic!("query returned an item without a string SK: {other:?}"),
        })
        .collect()
}

async fn missing_get_is_none(table: &dyn Table, prefix: &str) {
    let key = Key::new(format!("{prefix}#MISSING"), "nothing");
    assert_eq!(
        get(table, &key).await,
        None,
        "get of a missing item must be None"
    );
}

async fn put_round_trips_every_attribute_type(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#TYPES");
    let nested = HashMap::from([
        ("name".to_owned(), s("武威市某某有限公司")),
        ("count".to_owned(), n(3)),
    ]);
    let stored = item(
        &pk,
        "ALL",
        &[
            (VERSION, n(1)),
            ("text", s("质量奖 — quality award")),
            ("integer", AttributeValue::N("-42".into())),
            ("decimal", AttributeValue::N("3.25".into())),
            ("flag", AttributeValue::Bool(true)),
            ("nothing", AttributeValue::Null(true)),
            ("bytes", AttributeValue::B(vec![0, 1, 2, 254, 255])),
            (
                "list",
                AttributeValue::L(vec![s("a"), n(2), AttributeValue::Bool(false)]),
            ),
            ("map", AttributeValue::M(nested)),
        ],
    );
    transact_ok(
        table,
        vec![put(stored.clone(), Condition::NotExists)],
        "put of every attribute type",
    )
    .await;
    assert_eq!(
        get(table, &Key::new(&pk, "ALL")).await,
        Some(stored),
        "a put item must read back exactly"
    );
}

async fn not_exists_guards_creation(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#CREATE");
    let first = item(&pk, "ONE", &[(VERSION, n(1)), ("who", s("first"))]);
    transact_ok(
        table,
        vec![put(first.clone(), Condition::NotExists)],
        "first NotExists put",
    )
    .await;

    let second = item(&pk, "ONE", &[(VERSION, n(1)), ("who", s("second"))]);
    expect_condition_failed(
        table,
        vec![put(second, Condition::NotExists)],
        0,
        &Key::new(&pk, "ONE"),
        "second NotExists put on the same key",
    )
    .await;
    assert_eq!(
        get(table, &Key::new(&pk, "ONE")).await,
        Some(first),
        "a failed NotExists put must leave the first item"
    );
}

async fn failing_transaction_writes_nothing(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#ATOMIC");
    let existing = item(&pk, "EXISTING", &[(VERSION, n(1))]);
    transact_ok(
        table,
        vec![put(existing.clone(), Condition::NotExists)],
        "seed",
    )
    .await;

    // The first write would succeed alone; the second fails, so neither may happen.
    let fresh = item(&pk, "FRESH", &[(VERSION, n(1))]);
    let clash = item(
        &pk,
        "EXISTING",
        &[(VERSION, n(1)), ("overwritten", AttributeValue::Bool(true))],
    );
    expect_condition_failed(
        table,
        vec![
            put(fresh, Condition::NotExists),
            put(clash, Condition::NotExists),
        ],
        1,
        &Key::new(&pk, "EXISTING"),
        "2-write transaction whose second write fails",
    )
    .await;
    assert_eq!(
        get(table, &Key::new(&pk, "FRESH")).await,
        None,
        "the first write of a failed transaction must not be applied"
    );
    assert_eq!(get(table, &Key::new(&pk, "EXISTING")).await, Some(existing));

    // The same with the failing write first and an update second.
    let key = Key::new(&pk, "EXISTING");
    expect_condition_failed(
        table,
        vec![
            Write::Check {
                key: Key::new(&pk, "ABSENT"),
                condition: Condition::Exists,
            },
            Write::Update {
                key: key.clone(),
                set: attributes(&[("touched", AttributeValue::Bool(true))]),
                condition: Condition::VersionEquals(1),
            },
        ],
        0,
        &Key::new(&pk, "ABSENT"),
        "2-write transaction whose first write fails",
    )
    .await;
    let after = get(table, &key).await.expect("existing item");
    assert_eq!(
        attribute(&after, "touched"),
        None,
        "the update of a failed transaction must not be applied"
    );
}

async fn version_equals_guards_updates(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#VERSION");
    let key = Key::new(&pk, "DOC");
    transact_ok(
        table,
        vec![put(
            item(&pk, "DOC", &[(VERSION, n(1)), ("state", s("draft"))]),
            Condition::NotExists,
        )],
        "seed",
    )
    .await;

    let stale = Write::Update {
        key: key.clone(),
        set: attributes(&[(VERSION, n(3)), ("state", s("stale"))]),
        condition: Condition::VersionEquals(2),
    };
    expect_condition_failed(
        table,
        vec![stale],
        0,
        &key,
        "update guarded by a wrong version",
    )
    .await;
    let current = get(table, &key).await.expect("item");
    assert_eq!(attribute(&current, "state"), Some(&s("draft")));

    let fresh = Write::Update {
        key: key.clone(),
        set: attributes(&[(VERSION, n(2)), ("state", s("submitted"))]),
        condition: Condition::VersionEquals(1),
    };
    transact_ok(table, vec![fresh], "update guarded by the right version").await;
    let current = get(table, &key).await.expect("item");
    assert_eq!(attribute(&current, VERSION), Some(&n(2)));
    assert_eq!(attribute(&current, "state"), Some(&s("submitted")));

    // The old version no longer matches.
    let replay = Write::Put {
        item: item(&pk, "DOC", &[(VERSION, n(2)), ("state", s("replayed"))]),
        condition: Condition::VersionEquals(1),
    };
    expect_condition_failed(
        table,
        vec![replay],
        0,
        &key,
        "put guarded by a superseded version",
    )
    .await;

    let missing = Key::new(&pk, "MISSING");
    expect_condition_failed(
        table,
        vec![Write::Update {
            key: missing.clone(),
            set: attributes(&[(VERSION, n(2))]),
            condition: Condition::VersionEquals(1),
        }],
        0,
        &missing,
        "VersionEquals on a missing item",
    )
    .await;
    assert_eq!(
        get(table, &missing).await,
        None,
        "a failed VersionEquals must not create the item"
    );
}

async fn exists_guards(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#EXISTS");
    let missing = Key::new(&pk, "MISSING");
    expect_condition_failed(
        table,
        vec![put(
            item(&pk, "MISSING", &[(VERSION, n(1))]),
            Condition::Exists,
        )],
        0,
        &missing,
        "Exists put on a missing item",
    )
    .await;
    assert_eq!(get(table, &missing).await, None);

    transact_ok(
        table,
        vec![put(item(&pk, "THERE", &[(VERSION, n(1))]), Condition::None)],
        "unguarded put",
    )
    .await;
    let replaced = item(
        &pk,
        "THERE",
        &[(VERSION, n(2)), ("replaced", AttributeValue::Bool(true))],
    );
    transact_ok(
        table,
        vec![put(replaced.clone(), Condition::Exists)],
        "Exists put on a present item",
    )
    .await;
    assert_eq!(
        get(table, &Key::new(&pk, "THERE")).await,
        Some(replaced),
        "a put replaces the whole item"
    );
}

async fn update_merges_and_creates(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#UPDATE");
    let key = Key::new(&pk, "MERGE");
    transact_ok(
        table,
        vec![put(
            item(&pk, "MERGE", &[(VERSION, n(1)), ("a", n(1)), ("b", s("x"))]),
            Condition::NotExists,
        )],
        "seed",
    )
    .await;
    transact_ok(
        table,
        vec![Write::Update {
            key: key.clone(),
            set: attributes(&[
                (VERSION, n(2)),
                ("b", s("y")),
                ("c", AttributeValue::Bool(true)),
            ]),
            condition: Condition::Exists,
        }],
        "merging update",
    )
    .await;
    assert_eq!(
        get(table, &key).await,
        Some(item(
            &pk,
            "MERGE",
            &[
                (VERSION, n(2)),
                ("a", n(1)),
                ("b", s("y")),
                ("c", AttributeValue::Bool(true))
            ]
        )),
        "an update sets the given attributes and keeps the others"
    );

    let created = Key::new(&pk, "CREATED");
    transact_ok(
        table,
        vec![Write::Update {
            key: created.clone(),
            set: attributes(&[(VERSION, n(1)), ("born", s("by update"))]),
            condition: Condition::NotExists,
        }],
        "update creating an item",
    )
    .await;
    assert_eq!(
        get(table, &created).await,
        Some(item(
            &pk,
            "CREATED",
            &[(VERSION, n(1)), ("born", s("by update"))]
        )),
        "an update of a missing item creates it with its key"
    );
    expect_condition_failed(
        table,
        vec![Write::Update {
            key: created.clone(),
            set: attributes(&[("born", s("again"))]),
            condition: Condition::NotExists,
        }],
        0,
        &created,
        "NotExists update on a present item",
    )
    .await;

    let unguarded = Key::new(&pk, "UNGUARDED");
    transact_ok(
        table,
        vec![Write::Update {
            key: unguarded.clone(),
            set: attributes(&[("n", n(7))]),
            condition: Condition::None,
        }],
        "unguarded update of a missing item",
    )
    .await;
    assert_eq!(
        get(table, &unguarded).await,
        Some(item(&pk, "UNGUARDED", &[("n", n(7))]))
    );
}

async fn delete_semantics(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#DELETE");
    let key = Key::new(&pk, "GONE");
    transact_ok(
        table,
        vec![put(
            item(&pk, "GONE", &[(VERSION, n(4))]),
            Condition::NotExists,
        )],
        "seed",
    )
    .await;

    expect_condition_failed(
        table,
        vec![Write::Delete {
            key: key.clone(),
            condition: Condition::VersionEquals(3),
        }],
        0,
        &key,
        "delete guarded by a wrong version",
    )
    .await;
    assert!(
        get(table, &key).await.is_some(),
        "a failed delete must keep the item"
    );

    transact_ok(
        table,
        vec![Write::Delete {
            key: key.clone(),
            condition: Condition::VersionEquals(4),
        }],
        "delete guarded by the right version",
    )
    .await;
    assert_eq!(get(table, &key).await, None, "a delete removes the item");

    transact_ok(
        table,
        vec![Write::Delete {
            key: key.clone(),
            condition: Condition::None,
        }],
        "unguarded delete of a missing item",
    )
    .await;
    expect_condition_failed(
        table,
        vec![Write::Delete {
            key: key.clone(),
            condition: Condition::Exists,
        }],
        0,
        &key,
        "Exists delete of a missing item",
    )
    .await;
}

async fn check_semantics(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#CHECK");
    let guard = Key::new(&pk, "GUARD");
    let guard_item = item(&pk, "GUARD", &[(VERSION, n(5))]);
    transact_ok(
        table,
        vec![put(guard_item.clone(), Condition::NotExists)],
        "seed",
    )
    .await;

    transact_ok(
        table,
        vec![
            Write::Check {
                key: guard.clone(),
                condition: Condition::VersionEquals(5),
            },
            put(
                item(&pk, "WRITTEN", &[(VERSION, n(1))]),
                Condition::NotExists,
            ),
        ],
        "a passing check with a put",
    )
    .await;
    assert!(
        get(table, &Key::new(&pk, "WRITTEN")).await.is_some(),
        "the put beside a passing check happens"
    );
    assert_eq!(
        get(table, &guard).await,
        Some(guard_item.clone()),
        "a check writes nothing"
    );

    expect_condition_failed(
        table,
        vec![
            put(
                item(&pk, "BLOCKED", &[(VERSION, n(1))]),
                Condition::NotExists,
            ),
            Write::Check {
                key: guard.clone(),
                condition: Condition::VersionEquals(6),
            },
        ],
        1,
        &guard,
        "a failing check",
    )
    .await;
    assert_eq!(
        get(table, &Key::new(&pk, "BLOCKED")).await,
        None,
        "a failing check blocks the transaction"
    );

    let absent = Key::new(&pk, "ABSENT");
    transact_ok(
        table,
        vec![Write::Check {
            key: absent.clone(),
            condition: Condition::NotExists,
        }],
        "NotExists check of a missing item",
    )
    .await;
    assert_eq!(
        get(table, &absent).await,
        None,
        "a check never creates an item"
    );
}

async fn malformed_transactions_are_invalid(table: &dyn Table, prefix: &str) {
    // Neither moto nor the embedded store refuses these two shapes on its own (DynamoDB does,
    // with a ValidationException): the port refuses them before any adapter runs.
    let pk = format!("{prefix}#INVALID");
    let twice = table
        .transact(vec![
            put(item(&pk, "TWICE", &[(VERSION, n(1))]), Condition::None),
            put(item(&pk, "OTHER", &[(VERSION, n(1))]), Condition::None),
            Write::Update {
                key: Key::new(&pk, "TWICE"),
                set: attributes(&[("x", n(1))]),
                condition: Condition::None,
            },
        ])
        .await;
    match twice {
        Err(TableError::DuplicateItem { first, second, key }) => {
            assert_eq!((first, second), (0, 2), "two writes on one key: positions");
            assert_eq!(key, Key::new(&pk, "TWICE"));
        }
        other => panic!("two writes on one key: expected DuplicateItem, got {other:?}"),
    }
    for sort_key in ["TWICE", "OTHER"] {
        assert_eq!(
            get(table, &Key::new(&pk, sort_key)).await,
            None,
            "an invalid transaction writes nothing"
        );
    }

    let many = |count: usize, tag: &str| -> Vec<Write> {
        (0..count)
            .map(|i| {
                put(
                    item(&pk, &format!("{tag}#{i:03}"), &[(VERSION, n(1))]),
                    Condition::None,
                )
            })
            .collect()
    };
    match table.transact(many(MAX_TRANSACT_WRITES + 1, "MANY")).await {
        Err(TableError::TooManyWrites { count }) => assert_eq!(count, MAX_TRANSACT_WRITES + 1),
        other => {
            panic!("more than MAX_TRANSACT_WRITES writes: expected TooManyWrites, got {other:?}")
        }
    }
    assert_eq!(get(table, &Key::new(&pk, "MANY#000")).await, None);
    // The limit itself is allowed: the refusal is not off by one.
    transact_ok(
        table,
        many(MAX_TRANSACT_WRITES, "LIMIT"),
        "exactly MAX_TRANSACT_WRITES writes",
    )
    .await;
    assert!(
        get(
            table,
            &Key::new(&pk, format!("LIMIT#{:03}", MAX_TRANSACT_WRITES - 1))
        )
        .await
        .is_some()
    );

    match table.transact(Vec::new()).await {
        Err(TableError::TooManyWrites { count: 0 }) => {}
        other => panic!("an empty transaction: expected TooManyWrites, got {other:?}"),
    }

    // DynamoDB refuses both shapes before looking at any item, so every adapter must.
    expect_invalid(
        table,
        vec![Write::Check {
            key: Key::new(&pk, "UNGUARDED"),
            condition: Condition::None,
        }],
        "a check without a condition",
    )
    .await;
    expect_invalid(
        table,
        vec![Write::Update {
            key: Key::new(&pk, "NOTHING"),
            set: Item::default(),
            condition: Condition::None,
        }],
        "an update that sets nothing",
    )
    .await;
    assert_eq!(
        get(table, &Key::new(&pk, "NOTHING")).await,
        None,
        "an update that sets nothing creates nothing"
    );

    let mut keyless = attributes(&[(VERSION, n(1))]);
    keyless.insert(PK.to_owned(), s(&pk));
    expect_invalid(
        table,
        vec![put(keyless, Condition::None)],
        "a put without SK",
    )
    .await;
}

async fn bulk_writes_split_into_transactions(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#BULK");
    let count = 2 * MAX_TRANSACT_WRITES + 3;
    let writes: Vec<Write> = (0..count)
        .map(|i| {
            put(
                item(&pk, &format!("ITEM#{i:03}"), &[(VERSION, n(1))]),
                Condition::NotExists,
            )
        })
        .collect();
    let transactions = Transaction::bulk(writes).expect("distinct items split");
    assert_eq!(
        transactions
            .iter()
            .map(Transaction::len)
            .collect::<Vec<_>>(),
        [MAX_TRANSACT_WRITES, MAX_TRANSACT_WRITES, 3]
    );
    for transaction in transactions {
        if let Err(error) = table.transact_items(transaction).await {
            panic!("a bulk chunk: expected success, got {error}");
        }
    }
    let (items, _) = query_all_pages(table, Query::partition(Index::Primary, &pk), 100).await;
    assert_eq!(items.len(), count, "every bulk write landed");

    // Two writes on one item are refused even 150 writes apart, in different chunks.
    let mut clashing: Vec<Write> = (0..150)
        .map(|i| {
            put(
                item(&pk, &format!("CLASH#{i:03}"), &[(VERSION, n(1))]),
                Condition::None,
            )
        })
        .collect();
    clashing.push(Write::Delete {
        key: Key::new(&pk, "CLASH#000"),
        condition: Condition::None,
    });
    match Transaction::bulk(clashing) {
        Err(TableError::DuplicateItem { first, second, .. }) => {
            assert_eq!((first, second), (0, 150));
        }
        other => {
            panic!("a bulk with two writes on one item: expected DuplicateItem, got {other:?}")
        }
    }
}

/// Seeds a partition, returns its sort keys in DynamoDB's (UTF-8 byte) order.
async fn seed_partition(table: &dyn Table, pk: &str) -> Vec<String> {
    let mut sort_keys: Vec<String> = [
        "A#01", "A#02", "A#03", "A#04", "A#05", "B#01", "B#02", "B#03", "C", "a", "中",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let writes = sort_keys
        .iter()
        .map(|sk| {
            put(
                item(
                    pk,
                    sk,
                    &[(VERSION, n(1)), ("label", s(&format!("item {sk}")))],
                ),
                Condition::None,
            )
        })
        .collect();
    transact_ok(table, writes, "seed a partition").await;
    // Rust orders `String`s by their UTF-8 bytes, as DynamoDB orders `S` keys.
    sort_keys.sort();
    sort_keys
}

async fn query_keys(table: &dyn Table, query: Query) -> Vec<String> {
    let page = table
        .query(&query)
        .await
        .unwrap_or_else(|error| panic!("query {query:?} failed: {error}"));
    sort_keys(&page.items)
}

/// Reads every page of `query` with `page_size`, asserting the page size is respected.
async fn query_all_pages(table: &dyn Table, query: Query, page_size: u32) -> (Vec<Item>, usize) {
    let mut cursor = None;
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        let page = table
            .query(&query.clone().limit(page_size).after(cursor.take()))
            .await
            .unwrap_or_else(|error| panic!("paged query {query:?} failed: {error}"));
        pages += 1;
        assert!(
            page.items.len() <= page_size as usize,
            "a page holds at most `limit` items, got {}",
            page.items.len()
        );
        assert!(pages <= 100, "pagination does not terminate");
        items.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    (items, pages)
}

async fn base_table_queries(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#QUERY");
    let all = seed_partition(table, &pk).await;
    // Neighbouring partitions must never leak into a query.
    transact_ok(
        table,
        vec![
            put(
                item(&format!("{pk}#X"), "A#01", &[(VERSION, n(1))]),
                Condition::None,
            ),
            put(
                item(&format!("{pk}X"), "A#02", &[(VERSION, n(1))]),
                Condition::None,
            ),
        ],
        "seed neighbouring partitions",
    )
    .await;
    let base = || Query::partition(Index::Primary, pk.clone());

    assert_eq!(
        query_keys(table, base()).await,
        all,
        "all items ascending, in byte order"
    );
    assert!(
        all.iter().position(|k| k == "C") < all.iter().position(|k| k == "a")
            && all.iter().position(|k| k == "a") < all.iter().position(|k| k == "中"),
        "upper case sorts before lower case before CJK"
    );
    let mut descending = all.clone();
    descending.reverse();
    assert_eq!(
        query_keys(table, base().descending()).await,
        descending,
        "all items descending"
    );

    assert_eq!(
        query_keys(table, base().sort(SortCondition::Equals("B#02".into()))).await,
        ["B#02"],
        "equals"
    );
    assert_eq!(
        query_keys(table, base().sort(SortCondition::Equals("B#0".into()))).await,
        Vec::<String>::new(),
        "equals is not a prefix match"
    );
    assert_eq!(
        query_keys(table, base().sort(SortCondition::BeginsWith("A#".into()))).await,
        ["A#01", "A#02", "A#03", "A#04", "A#05"],
        "begins_with"
    );
    assert_eq!(
        query_keys(
            table,
            base()
                .sort(SortCondition::BeginsWith("B#".into()))
                .descending()
        )
        .await,
        ["B#03", "B#02", "B#01"],
        "begins_with descending"
    );
    assert_eq!(
        query_keys(
            table,
            base().sort(SortCondition::Between("A#03".into(), "B#02".into()))
        )
        .await,
        ["A#03", "A#04", "A#05", "B#01", "B#02"],
        "between is inclusive on both ends"
    );
    assert_eq!(
        query_keys(
            table,
            base().sort(SortCondition::LessThanOrEqual("A#02".into()))
        )
        .await,
        ["A#01", "A#02"],
        "less than or equal"
    );
    assert_eq!(
        query_keys(
            table,
            base().sort(SortCondition::GreaterThanOrEqual("B#03".into()))
        )
        .await,
        ["B#03", "C", "a", "中"],
        "greater than or equal"
    );
    assert_eq!(
        query_keys(
            table,
            base()
                .sort(SortCondition::GreaterThanOrEqual("B#".into()))
                .descending()
                .limit(2)
        )
        .await,
        ["中", "a"],
        "greater than or equal, descending, limited"
    );

    let page = table.query(&base().limit(3)).await.expect("first page");
    assert_eq!(
        sort_keys(&page.items),
        all[..3],
        "limit returns the first items"
    );
    assert!(
        page.next.is_some(),
        "a page cut short by its limit has a cursor"
    );

    let (items, pages) = query_all_pages(table, base(), 2).await;
    assert_eq!(
        sort_keys(&items),
        all,
        "paging ascending returns every item once, in order"
    );
    assert!(
        pages >= all.len() / 2,
        "paging with limit 2 takes several pages, took {pages}"
    );

    let (items, _) = query_all_pages(table, base().descending(), 3).await;
    assert_eq!(
        sort_keys(&items),
        descending,
        "paging descending returns every item once, in order"
    );

    let (items, _) = query_all_pages(
        table,
        base().sort(SortCondition::BeginsWith("A#".into())),
        2,
    )
    .await;
    assert_eq!(
        sort_keys(&items),
        ["A#01", "A#02", "A#03", "A#04", "A#05"],
        "paging keeps the sort condition"
    );

    let empty = table
        .query(&Query::partition(Index::Primary, format!("{prefix}#EMPTY")))
        .await
        .expect("query of an empty partition");
    assert!(empty.items.is_empty(), "an empty partition has no items");
    assert_eq!(empty.next, None, "an empty partition has no next page");

    let full = table
        .query(&base().sort(SortCondition::Equals("C".into())))
        .await
        .expect("query");
    assert_eq!(
        full.items,
        vec![item(&pk, "C", &[(VERSION, n(1)), ("label", s("item C"))])],
        "a query returns whole items"
    );
}

async fn gsi_queries_and_sparseness(table: &dyn Table, prefix: &str) {
    let pk = format!("{prefix}#GSI");
    let owner = format!("{prefix}#OWNER");
    let due = format!("{prefix}#DUE#2026-06-01");
    let writes = vec![
        put(
            item(
                &pk,
                "APP#3",
                &[(VERSION, n(1)), (GSI1PK, s(&owner)), (GSI1SK, s("2026-03"))],
            ),
            Condition::None,
        ),
        put(
            item(
                &pk,
                "APP#1",
                &[(VERSION, n(1)), (GSI1PK, s(&owner)), (GSI1SK, s("2026-01"))],
            ),
            Condition::None,
        ),
        put(
            item(
                &pk,
                "APP#2",
                &[
                    (VERSION, n(1)),
                    (GSI1PK, s(&owner)),
                    (GSI1SK, s("2026-02")),
                    (GSI2PK, s(&due)),
                    (GSI2SK, s("reminder#APP#2")),
                ],
            ),
            Condition::None,
        ),
        // Sparse: only one of the two GSI1 key attributes, so not in GSI1.
        put(
            item(&pk, "HALF", &[(VERSION, n(1)), (GSI1PK, s(&owner))]),
            Condition::None,
        ),
        // Not in any index.
        put(item(&pk, "PLAIN", &[(VERSION, n(1))]), Condition::None),
        put(
            item(
                &format!("{pk}#OTHER"),
                "NOTICE",
                &[(VERSION, n(1)), (GSI2PK, s(&due)), (GSI2SK, s("notice#1"))],
            ),
            Condition::None,
        ),
    ];
    transact_ok(table, writes, "seed GSI items").await;

    let gsi1 = || Query::partition(Index::Gsi1, owner.clone());
    assert_eq!(
        query_keys(table, gsi1()).await,
        ["APP#1", "APP#2", "APP#3"],
        "GSI1 returns the items with both GSI1 keys, ordered by GSI1SK"
    );
    assert_eq!(
        query_keys(table, gsi1().descending()).await,
        ["APP#3", "APP#2", "APP#1"],
        "GSI1 descending"
    );
    assert_eq!(
        query_keys(
            table,
            gsi1().sort(SortCondition::Between("2026-02".into(), "2026-03".into()))
        )
        .await,
        ["APP#2", "APP#3"],
        "GSI1 with a sort condition"
    );
    let (items, _) = query_all_pages(table, gsi1(), 1).await;
    assert_eq!(
        sort_keys(&items),
        ["APP#1", "APP#2", "APP#3"],
        "GSI1 paging"
    );
    let whole = table
        .query(&gsi1().sort(SortCondition::Equals("2026-02".into())))
        .await
        .expect("GSI1 query");
    assert_eq!(whole.items.len(), 1);
    assert_eq!(
        attribute(&whole.items[0], GSI2SK),
        Some(&s("reminder#APP#2")),
        "GSI projection is ALL"
    );

    assert_eq!(
        query_keys(table, Query::partition(Index::Gsi2, due.clone())).await,
        ["NOTICE", "APP#2"],
        "GSI2 spans base partitions, ordered by GSI2SK"
    );
    assert_eq!(
        query_keys(
            table,
            Query::partition(Index::Gsi2, due.clone())
                .sort(SortCondition::BeginsWith("reminder#".into()))
        )
        .await,
        ["APP#2"],
        "GSI2 begins_with"
    );

    // Moving an item within the index, and out of it.
    transact_ok(
        table,
        vec![
            Write::Update {
                key: Key::new(&pk, "APP#1"),
                set: attributes(&[(VERSION, n(2)), (GSI1SK, s("2026-09"))]),
                condition: Condition::VersionEquals(1),
            },
            Write::Delete {
                key: Key::new(&pk, "APP#3"),
                condition: Condition::Exists,
            },
            Write::Put {
                item: item(&pk, "APP#2", &[(VERSION, n(2))]),
                condition: Condition::VersionEquals(1),
            },
        ],
        "move, delete and un-index GSI items",
    )
    .await;
    assert_eq!(
        query_keys(table, gsi1()).await,
        ["APP#1"],
        "an updated GSI sort key moves the item; deleted and un-indexed items leave GSI1"
    );
    assert_eq!(
        query_keys(table, gsi1().sort(SortCondition::Equals("2026-01".into()))).await,
        Vec::<String>::new(),
        "the old GSI position is gone"
    );
    assert_eq!(
        query_keys(table, Query::partition(Index::Gsi2, due)).await,
        ["NOTICE"],
        "a put without GSI2 keys removes the item from GSI2"
    );
}

/// How many read-modify-write tasks race on one counter.
const RACING_TASKS: u64 = 20;

async fn concurrent_counter_loses_no_update(table: Arc<dyn Table>, prefix: &str) {
    let pk = format!("{prefix}#COUNTER");
    let key = Key::new(&pk, "COUNTER");
    transact_ok(
        table.as_ref(),
        vec![put(
            item(&pk, "COUNTER", &[(VERSION, n(1)), ("count", n(0))]),
            Condition::NotExists,
        )],
        "seed the counter",
    )
    .await;

    let tasks: Vec<_> = (0..RACING_TASKS)
        .map(|_| {
            let table = table.clone();
            let key = key.clone();
            tokio::spawn(async move { increment_with_retry(table.as_ref(), &key).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("an incrementing task panicked");
    }

    let counter = get(table.as_ref(), &key).await.expect("the counter");
    assert_eq!(
        attribute(&counter, "count"),
        Some(&n(RACING_TASKS)),
        "every increment must land exactly once (no lost update)"
    );
    assert_eq!(attribute(&counter, VERSION), Some(&n(RACING_TASKS + 1)));
}

async fn increment_with_retry(table: &dyn Table, key: &Key) {
    for _attempt in 0..10_000 {
        let current = get(table, key).await.expect("the counter exists");
        let version = crate::table::version_of(&current).expect("the counter has a version");
        let count: u64 = match attribute(&current, "count") {
            Some(AttributeValue::N(count)) => count.parse().expect("a whole count"),
            other => panic!("the counter has no count: {other:?}"),
        };
        let write = Write::Update {
            key: key.clone(),
            set: attributes(&[(VERSION, n(version + 1)), ("count", n(count + 1))]),
            condition: Condition::VersionEquals(version),
        };
        match table.transact(vec![write]).await {
            Ok(()) => return,
            Err(TableError::ConditionFailed { .. } | TableError::Conflict) => {
                tokio::task::yield_now().await;
            }
            Err(error) => panic!("increment failed: {error}"),
        }
    }
    panic!("an increment never got through");
}

// ---------------------------------------------------------------------------------------------
// Blobs
// ---------------------------------------------------------------------------------------------

/// How a test performs a presigned request (HTTP for S3, a direct call for the embedded store).
#[async_trait]
pub trait PresignedClient: Send + Sync {
    /// Sends `body` (empty for a GET) with exactly the request's method, URL and headers.
    /// `Ok(response body)` on 2xx, `Err(status)` otherwise.
    async fn execute(&self, request: &PresignedRequest, body: Vec<u8>) -> Result<Vec<u8>, u16>;
}

/// The SHA-256 of `bytes`, 64 lowercase hex digits.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn header<'a>(request: &'a PresignedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

fn expect_blob_invalid<T: std::fmt::Debug>(result: Result<T, BlobError>, what: &str) {
    match result {
        Err(BlobError::Invalid(_)) => {}
        other => panic!("{what}: expected Invalid, got {other:?}"),
    }
}

fn chrono_duration(duration: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(duration).expect("a short duration")
}

/// Runs every Blobs rule under keys starting with `prefix` (relative, e.g. `contract/<run id>`).
pub async fn blobs_contract(
    blobs: &dyn Blobs,
    client: &dyn PresignedClient,
    prefix: &str,
    now: DateTime<Utc>,
) {
    let key = format!("{prefix}/evidence-1");
    let body: Vec<u8> = "质量奖申报材料 — evidence\n"
        .bytes()
        .chain((0..=255u8).cycle().take(3000))
        .collect();
    let spec = UploadSpec {
        key: key.clone(),
        content_type: "application/pdf".into(),
        content_length: body.len() as u64,
        sha256_hex: sha256_hex(&body),
        expires_in: Duration::from_secs(600),
    };

    assert_eq!(
        blobs.head(&key).await.expect("head of a missing key"),
        None,
        "head of a missing key is None"
    );

    let upload = blobs
        .presign_upload(&spec, now)
        .await
        .expect("presign_upload");
    assert_eq!(upload.method, "PUT");
    assert!(
        upload.url.contains(&key),
        "the upload URL names the key: {}",
        upload.url
    );
    assert_eq!(
        upload.expires_at,
        now + chrono_duration(spec.expires_in),
        "expires_at = now + ttl"
    );
    assert_eq!(
        header(&upload, "content-type"),
        Some("application/pdf"),
        "upload binds Content-Type"
    );
    let length = body.len().to_string();
    assert_eq!(
        header(&upload, "content-length"),
        Some(length.as_str()),
        "upload binds Content-Length"
    );
    let checksum = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&body));
    assert_eq!(
        header(&upload, "x-amz-checksum-sha256"),
        Some(checksum.as_str()),
        "upload binds the SHA-256 (base64, as S3's x-amz-checksum-sha256)"
    );

    let too_long = UploadSpec {
        expires_in: MAX_UPLOAD_TTL + Duration::from_secs(1),
        ..spec.clone()
    };
    expect_blob_invalid(
        blobs.presign_upload(&too_long, now).await,
        "upload TTL over 15 minutes",
    );
    let zero = UploadSpec {
        expires_in: Duration::ZERO,
        ..spec.clone()
    };
    expect_blob_invalid(blobs.presign_upload(&zero, now).await, "zero upload TTL");
    let longest = UploadSpec {
        expires_in: MAX_UPLOAD_TTL,
        ..spec.clone()
    };
    let at_limit = blobs
        .presign_upload(&longest, now)
        .await
        .expect("upload TTL of exactly 15 minutes");
    assert_eq!(at_limit.expires_at, now + chrono_duration(MAX_UPLOAD_TTL));
    let bad_checksum = UploadSpec {
        sha256_hex: spec.sha256_hex.to_uppercase(),
        ..spec.clone()
    };
    expect_blob_invalid(
        blobs.presign_upload(&bad_checksum, now).await,
        "an upper-case SHA-256",
    );
    expect_blob_invalid(
        blobs
            .presign_download(&key, MAX_DOWNLOAD_TTL + Duration::from_secs(1), now)
            .await,
        "download TTL over 5 minutes",
    );

    if let Err(status) = client.execute(&upload, body.clone()).await {
        panic!("the upload through the presigned request failed with {status}");
    }
    let meta = blobs
        .head(&key)
        .await
        .expect("head")
        .expect("the uploaded object");
    assert_eq!(
        meta.content_length,
        body.len() as u64,
        "head shows the length"
    );
    assert_eq!(
        meta.content_type.as_deref(),
        Some("application/pdf"),
        "head shows the type"
    );
    if let Some(stored) = &meta.sha256_hex {
        assert_eq!(stored, &spec.sha256_hex, "head shows the verified SHA-256");
    }

    let download = blobs
        .presign_download(&key, Duration::from_secs(60), now)
        .await
        .expect("presign_download");
    assert_eq!(download.method, "GET");
    assert!(
        download.url.contains(&key),
        "the download URL names the key: {}",
        download.url
    );
    assert_eq!(
        download.expires_at,
        now + chrono::TimeDelta::seconds(60),
        "expires_at = now + ttl"
    );
    match client.execute(&download, Vec::new()).await {
        Ok(downloaded) => assert_eq!(downloaded, body, "the download returns the uploaded bytes"),
        Err(status) => panic!("the download through the presigned request failed with {status}"),
    }

    let other = format!("{prefix}/evidence-missing");
    assert_eq!(
        blobs.head(&other).await.expect("head"),
        None,
        "head of another key is None"
    );

    read_prefix_contract(blobs, client, prefix, &key, &body, now).await;

    // The version head reported, as the S3 event names it: on a versioned bucket only deleting
    // that version removes the bytes (a plain delete leaves them as a noncurrent version).
    blobs
        .delete(&key, meta.version_id.as_deref())
        .await
        .expect("delete a stored object");
    assert_eq!(
        blobs.head(&key).await.expect("head after delete"),
        None,
        "a deleted object is gone"
    );
    if let Ok(downloaded) = client.execute(&download, Vec::new()).await {
        panic!(
            "a deleted object must not be downloadable, got {} bytes",
            downloaded.len()
        );
    }
    blobs
        .delete(&key, meta.version_id.as_deref())
        .await
        .expect("deleting an already deleted version succeeds");
    blobs
        .delete(&key, None)
        .await
        .expect("deleting an already deleted key succeeds");
    blobs
        .delete(&other, None)
        .await
        .expect("deleting a key never stored succeeds");
    assert_eq!(
        blobs
            .read_prefix(&key, 8)
            .await
            .expect("read_prefix after delete"),
        None,
        "a deleted object has no prefix to read"
    );

    streamed_contract(blobs, client, prefix, now).await;
}

/// `start_upload` and `read_range` (the archive's way in and out of the bucket): an object of
/// two parts (one of [`MIN_PART_BYTES`], one short) is invisible until completed, then stored
/// whole with its size and SHA-256, readable in ranges and through a download link; a part after
/// a short one, an aborted upload and an empty upload behave as the port says.
async fn streamed_contract(
    blobs: &dyn Blobs,
    client: &dyn PresignedClient,
    prefix: &str,
    now: DateTime<Utc>,
) {
    use crate::blobs::MIN_PART_BYTES;
    let key = format!("{prefix}/archive.zip");
    let first: Vec<u8> = (0..MIN_PART_BYTES).map(|i| (i % 251) as u8).collect();
    let last = b"the end of the archive".to_vec();
    let whole: Vec<u8> = first.iter().chain(&last).copied().collect();

    let mut upload = blobs
        .start_upload(&key, "application/zip")
        .await
        .expect("start an upload");
    upload.write_part(first.clone()).await.expect("first part");
    assert_eq!(
        blobs.head(&key).await.expect("head while uploading"),
        None,
        "an object being uploaded is not visible"
    );
    upload.write_part(last.clone()).await.expect("last part");
    expect_blob_invalid(
        upload.write_part(b"more".to_vec()).await,
        "a part after a short one",
    );
    let meta = upload.complete().await.expect("complete");
    assert_eq!(meta.content_length, whole.len() as u64, "completed size");
    assert_eq!(
        meta.sha256_hex.as_deref(),
        Some(sha256_hex(&whole).as_str()),
        "the completed object's SHA-256 is that of the whole content"
    );
    let head = blobs.head(&key).await.expect("head").expect("stored");
    assert_eq!(head.content_length, whole.len() as u64);
    assert_eq!(head.content_type.as_deref(), Some("application/zip"));

    // Ranges: the start, across the parts' seam, the tail (shorter than asked), past the end.
    let seam = MIN_PART_BYTES as u64 - 3;
    for (offset, len) in [(0u64, 10u64), (seam, 10), (whole.len() as u64 - 5, 100)] {
        let bytes = blobs
            .read_range(&key, offset, len)
            .await
            .expect("read_range")
            .expect("the object exists");
        let start = offset as usize;
        let end = (start + len as usize).min(whole.len());
        assert_eq!(bytes, whole[start..end], "range {offset}+{len}");
    }
    assert_eq!(
        blobs
            .read_range(&key, whole.len() as u64 + 10, 10)
            .await
            .expect("read_range past the end"),
        Some(Vec::new()),
        "past the end there are no bytes"
    );
    assert_eq!(
        blobs
            .read_range(&format!("{prefix}/never"), 0, 10)
            .await
            .expect("read_range of a missing key"),
        None
    );
    let download = blobs
        .presign_download(&key, Duration::from_secs(60), now)
        .await
        .expect("download link");
    let downloaded = client
        .execute(&download, Vec::new())
        .await
        .expect("download the streamed object");
    assert!(downloaded == whole, "the download is the whole content");

    // Aborted: nothing stored. Empty: an empty object.
    let aborted_key = format!("{prefix}/aborted.zip");
    let mut aborted = blobs
        .start_upload(&aborted_key, "application/zip")
        .await
        .expect("start");
    aborted.write_part(last.clone()).await.expect("a part");
    aborted.abort().await.expect("abort");
    assert_eq!(blobs.head(&aborted_key).await.expect("head"), None);
    let empty_key = format!("{prefix}/empty.zip");
    let empty = blobs
        .start_upload(&empty_key, "application/zip")
        .await
        .expect("start");
    let meta = empty.complete().await.expect("complete an empty upload");
    assert_eq!(meta.content_length, 0);
    assert_eq!(meta.sha256_hex.as_deref(), Some(sha256_hex(b"").as_str()));
    assert_eq!(
        blobs
            .head(&empty_key)
            .await
            .expect("head")
            .map(|meta| meta.content_length),
        Some(0)
    );
    for stored in [&key, &empty_key] {
        blobs.delete(stored, None).await.expect("clean up");
    }
}

/// `read_prefix` on `key`, which holds `body` (longer than 4 bytes), on a key never stored, and
/// on an empty object it stores and removes under `prefix`.
async fn read_prefix_contract(
    blobs: &dyn Blobs,
    client: &dyn PresignedClient,
    prefix: &str,
    key: &str,
    body: &[u8],
    now: DateTime<Utc>,
) {
    let length = body.len() as u64;
    let read = |len: u64| async move {
        blobs
            .read_prefix(key, len)
            .await
            .unwrap_or_else(|error| panic!("read_prefix({key}, {len}): {error}"))
    };
    assert_eq!(
        read(4).await.as_deref(),
        Some(&body[..4]),
        "an object longer than len: its first len bytes"
    );
    assert_eq!(
        read(length).await.as_deref(),
        Some(body),
        "len equal to the object's length: all of it"
    );
    assert_eq!(
        read(length + 100).await.as_deref(),
        Some(body),
        "an object shorter than len: all of it"
    );
    assert_eq!(
        read(u64::MAX).await.as_deref(),
        Some(body),
        "the largest len: all of it"
    );
    assert_eq!(
        read(0).await,
        Some(Vec::new()),
        "len 0 of a stored object: no bytes, but Some"
    );

    let missing = format!("{prefix}/never-stored");
    for len in [0, 8] {
        assert_eq!(
            blobs
                .read_prefix(&missing, len)
                .await
                .expect("read_prefix of a missing key"),
            None,
            "read_prefix({len}) of a key never stored is None"
        );
    }

    let empty_key = format!("{prefix}/empty");
    let empty = UploadSpec {
        key: empty_key.clone(),
        content_type: "application/pdf".into(),
        content_length: 0,
        sha256_hex: sha256_hex(&[]),
        expires_in: Duration::from_secs(600),
    };
    let upload = blobs
        .presign_upload(&empty, now)
        .await
        .expect("presign_upload of an empty object");
    if let Err(status) = client.execute(&upload, Vec::new()).await {
        panic!("the upload of an empty object failed with {status}");
    }
    for len in [0, 8] {
        assert_eq!(
            blobs
                .read_prefix(&empty_key, len)
                .await
                .expect("read_prefix of an empty object"),
            Some(Vec::new()),
            "read_prefix({len}) of an empty object is Some(no bytes)"
        );
    }
    let stored = blobs
        .head(&empty_key)
        .await
        .expect("head of the empty object")
        .expect("the empty object is stored");
    assert_eq!(stored.content_length, 0, "head shows an empty object");
    blobs
        .delete(&empty_key, stored.version_id.as_deref())
        .await
        .expect("delete the empty object");
}

// ---------------------------------------------------------------------------------------------
// Mail
// ---------------------------------------------------------------------------------------------

/// The sender the mail suite uses (verify it first on SES).
pub const CONTRACT_MAIL_FROM: &str = "award-office@example.com";

/// The sender's display name in the mail suite: Chinese, so every adapter must encode it.
pub const CONTRACT_MAIL_FROM_NAME: &str = "武威市质量奖评审委员会办公室";

/// Runs every Mail rule.
pub async fn mail_contract(mail: &dyn Mail) {
    let email = Email {
        from: CONTRACT_MAIL_FROM.into(),
        from_name: Some(CONTRACT_MAIL_FROM_NAME.into()),
        to: vec!["applicant@example.com".into()],
        subject: "武威市人民政府质量奖：申报材料已收到".into(),
        text: "您好：\n\n我们已收到贵单位的申报材料。\n\n武威市质量奖评审办公室".into(),
        html: "<p>您好：</p><p>我们已收到贵单位的<strong>申报材料</strong>。</p><p>武威市质量奖评审办公室</p>"
            .into(),
        sent_at: "2026-03-10T08:00:00Z".parse().expect("an RFC 3339 instant"),
    };
    let first = mail
        .send(&email)
        .await
        .expect("a valid Chinese email is sent");
    assert!(!first.trim().is_empty(), "send returns a message id");
    let second = mail.send(&email).await.expect("the same email sent again");
    assert_ne!(first, second, "each send has its own message id");

    let nobody = Email {
        to: Vec::new(),
        ..email.clone()
    };
    match mail.send(&nobody).await {
        Err(MailError::Invalid(_)) => {}
        other => panic!("an email without recipients must be Invalid, got {other:?}"),
    }
}
