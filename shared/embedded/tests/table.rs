//! The Table contract against the embedded table, plus what only the embedded table promises:
//! persistence across reopening and the change feed.

use std::sync::Arc;

use award_embedded::EmbeddedTable;
use award_ports::contract::table_contract;
use award_ports::table::{
    AttributeValue, ChangeKind, Condition, Item, Key, PK, SK, Table, TableError, VERSION, Write,
};

fn item(pk: &str, sk: &str, attributes: &[(&str, AttributeValue)]) -> Item {
    let mut item = Item::default();
    item.insert(PK.into(), AttributeValue::S(pk.into()));
    item.insert(SK.into(), AttributeValue::S(sk.into()));
    for (name, value) in attributes {
        item.insert((*name).into(), value.clone());
    }
    item
}

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn path(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("data").join("table.redb")
}

fn put(item: Item, condition: Condition) -> Write {
    Write::Put { item, condition }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn embedded_table_passes_the_table_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = EmbeddedTable::open(path(&dir)).expect("open");
    table_contract(Arc::new(table), "contract").await;
}

#[tokio::test]
async fn items_changes_and_checkpoints_survive_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stored = item(
        "APP#1",
        "APP",
        &[(VERSION, n(1)), ("name", AttributeValue::S("武威".into()))],
    );
    {
        let table = EmbeddedTable::open(path(&dir)).expect("open");
        table
            .transact(vec![put(stored.clone(), Condition::NotExists)])
            .await
            .expect("put");
        table.set_checkpoint("notify", 1).expect("checkpoint");
    }

    let table = EmbeddedTable::open(path(&dir)).expect("reopen");
    assert_eq!(
        table.get(&Key::new("APP#1", "APP")).await.expect("get"),
        Some(stored)
    );
    assert_eq!(table.checkpoint("notify").expect("checkpoint"), 1);
    assert_eq!(table.checkpoint("never-set").expect("checkpoint"), 0);
    assert_eq!(
        *table.subscribe().borrow(),
        1,
        "the newest sequence is restored"
    );

    table
        .transact(vec![put(
            item("APP#2", "APP", &[(VERSION, n(1))]),
            Condition::NotExists,
        )])
        .await
        .expect("put after reopening");
    let changes = table.changes_after(0, 10).expect("changes");
    let sequences: Vec<u64> = changes.iter().map(|(sequence, _)| *sequence).collect();
    assert_eq!(sequences, [1, 2], "sequences continue after reopening");
    assert_eq!(changes[1].1.key, Key::new("APP#2", "APP"));
}

#[tokio::test]
async fn the_change_feed_records_each_committed_change_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = EmbeddedTable::open(path(&dir)).expect("open");
    let key = Key::new("APP#1", "APP");
    let v1 = item(
        "APP#1",
        "APP",
        &[
            (VERSION, n(1)),
            ("state", AttributeValue::S("draft".into())),
        ],
    );

    table
        .transact(vec![put(v1.clone(), Condition::NotExists)])
        .await
        .expect("insert");
    table
        .transact(vec![Write::Update {
            key: key.clone(),
            set: item_attributes(&[
                (VERSION, n(2)),
                ("state", AttributeValue::S("submitted".into())),
            ]),
            condition: Condition::VersionEquals(1),
        }])
        .await
        .expect("modify");
    // A failed transaction, a check and an unchanged put record nothing.
    let failed = table
        .transact(vec![
            put(
                item("APP#9", "APP", &[(VERSION, n(1))]),
                Condition::NotExists,
            ),
            Write::Check {
                key: key.clone(),
                condition: Condition::VersionEquals(1),
            },
        ])
        .await;
    assert!(
        matches!(failed, Err(TableError::ConditionFailed { index: 1, .. })),
        "{failed:?}"
    );
    table
        .transact(vec![Write::Check {
            key: key.clone(),
            condition: Condition::VersionEquals(2),
        }])
        .await
        .expect("check");
    let v2 = table.get(&key).await.expect("get").expect("item");
    table
        .transact(vec![put(v2.clone(), Condition::Exists)])
        .await
        .expect("same put");
    // Two writes in one transaction: two records, in write order.
    table
        .transact(vec![
            Write::Delete {
                key: key.clone(),
                condition: Condition::VersionEquals(2),
            },
            put(
                item("APP#2", "APP", &[(VERSION, n(1))]),
                Condition::NotExists,
            ),
        ])
        .await
        .expect("remove and insert");

    let changes = table.changes_after(0, 100).expect("changes");
    let summary: Vec<(u64, ChangeKind, Key)> = changes
        .iter()
        .map(|(sequence, record)| (*sequence, record.kind, record.key.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, ChangeKind::Insert, key.clone()),
            (2, ChangeKind::Modify, key.clone()),
            (3, ChangeKind::Remove, key.clone()),
            (4, ChangeKind::Insert, Key::new("APP#2", "APP")),
        ]
    );
    assert_eq!(
        changes[0].1.new_image.as_ref(),
        Some(&v1),
        "insert carries the new image"
    );
    assert_eq!(
        changes[1].1.new_image.as_ref(),
        Some(&v2),
        "modify carries the merged new image"
    );
    assert_eq!(changes[2].1.new_image, None, "remove has no new image");
    let sequence_strings: Vec<&str> = changes
        .iter()
        .map(|(_, record)| record.sequence.as_str())
        .collect();
    let mut sorted = sequence_strings.clone();
    sorted.sort();
    assert_eq!(
        sequence_strings, sorted,
        "sequence strings sort in feed order"
    );

    let after_two = table.changes_after(2, 1).expect("changes");
    assert_eq!(after_two.len(), 1, "limit is respected");
    assert_eq!(after_two[0].0, 3, "only changes after the given sequence");
    assert!(table.changes_after(4, 10).expect("changes").is_empty());
}

fn item_attributes(attributes: &[(&str, AttributeValue)]) -> Item {
    let mut item = Item::default();
    for (name, value) in attributes {
        item.insert((*name).into(), value.clone());
    }
    item
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_wake_after_a_commit_and_not_after_a_failure() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = EmbeddedTable::open(path(&dir)).expect("open");
    let mut newest = table.subscribe();
    assert_eq!(*newest.borrow_and_update(), 0);

    let failed = table
        .transact(vec![Write::Check {
            key: Key::new("NONE", "NONE"),
            condition: Condition::Exists,
        }])
        .await;
    assert!(failed.is_err());
    assert!(
        !newest.has_changed().expect("sender alive"),
        "a failed transaction wakes nobody"
    );

    let writer = table.clone();
    let write = tokio::spawn(async move {
        writer
            .transact(vec![
                put(item("A", "1", &[]), Condition::None),
                put(item("A", "2", &[]), Condition::None),
            ])
            .await
    });
    newest.changed().await.expect("woken by the commit");
    assert_eq!(
        *newest.borrow_and_update(),
        2,
        "the value is the newest sequence"
    );
    write.await.expect("task").expect("transact");
    assert_eq!(
        table.changes_after(0, 10).expect("changes").len(),
        2,
        "the changes are readable when woken"
    );
}

#[tokio::test]
async fn malformed_requests_are_invalid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = EmbeddedTable::open(path(&dir)).expect("open");
    let cases = [
        put(item("", "SK", &[]), Condition::None),
        put(
            item("PK", "SK", &[("GSI1PK", AttributeValue::N("1".into()))]),
            Condition::None,
        ),
        put(
            item("PK", "SK", &[("GSI1PK", AttributeValue::S(String::new()))]),
            Condition::None,
        ),
        Write::Update {
            key: Key::new("PK", "SK"),
            set: item_attributes(&[(SK, AttributeValue::S("other".into()))]),
            condition: Condition::None,
        },
        put(
            item(
                "PK",
                "BIG",
                &[("text", AttributeValue::S("字".repeat(140 * 1024)))],
            ),
            Condition::None,
        ),
    ];
    for (number, case) in cases.into_iter().enumerate() {
        let result = table.transact(vec![case]).await;
        assert!(
            matches!(result, Err(TableError::Invalid(_))),
            "case {number} gave {result:?}"
        );
    }
    assert!(
        table.changes_after(0, 10).expect("changes").is_empty(),
        "nothing was written"
    );

    let bad_cursor =
        award_ports::Query::partition(award_ports::Index::Primary, "PK").after(Some("!!".into()));
    assert!(matches!(
        table.query(&bad_cursor).await,
        Err(TableError::Invalid(_))
    ));
    let zero = award_ports::Query::partition(award_ports::Index::Primary, "PK").limit(0);
    assert!(matches!(
        table.query(&zero).await,
        Err(TableError::Invalid(_))
    ));
}

#[tokio::test]
async fn a_cursor_from_another_partition_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = EmbeddedTable::open(path(&dir)).expect("open");
    let writes = ["1", "2", "3"]
        .into_iter()
        .flat_map(|sk| {
            [
                put(item("P", sk, &[]), Condition::None),
                put(item("Q", sk, &[]), Condition::None),
            ]
        })
        .collect();
    table.transact(writes).await.expect("seed");
    let page = table
        .query(&award_ports::Query::partition(award_ports::Index::Primary, "P").limit(1))
        .await
        .expect("page");
    let foreign = award_ports::Query::partition(award_ports::Index::Primary, "Q").after(page.next);
    assert!(matches!(
        table.query(&foreign).await,
        Err(TableError::Invalid(_))
    ));
}
