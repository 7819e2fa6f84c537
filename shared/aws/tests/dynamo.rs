//! DynamoDB adapter rules beyond the Table contract: the table's shape and the error mapping.

mod common;

use std::collections::HashMap;

use award_ports::table::{AttributeValue, GSI1PK, GSI1SK, GSI2PK, GSI2SK, PK, SK, VERSION};
use award_ports::{Condition, Index, Item, Key, Query, Table, TableError, Write};
use aws_sdk_dynamodb::types::{
    BillingMode, KeyType, ProjectionType, ScalarAttributeType, StreamViewType,
};
use common::{Moto, unique_name};

fn item(pk: &str, sk: &str) -> Item {
    Item::from(HashMap::from([
        (PK.to_owned(), AttributeValue::S(pk.to_owned())),
        (SK.to_owned(), AttributeValue::S(sk.to_owned())),
        (VERSION.to_owned(), AttributeValue::N("1".to_owned())),
    ]))
}

#[tokio::test]
async fn created_table_has_the_template_keys_indexes_and_stream() {
    let moto = Moto::connect().await;
    let (_, name) = moto.table().await;
    let description = moto
        .dynamodb
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("DescribeTable")
        .table
        .expect("a table description");

    let key_schema = |elements: &[aws_sdk_dynamodb::types::KeySchemaElement]| {
        elements
            .iter()
            .map(|element| {
                (
                    element.attribute_name().to_owned(),
                    element.key_type().clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        key_schema(description.key_schema()),
        [
            (PK.to_owned(), KeyType::Hash),
            (SK.to_owned(), KeyType::Range)
        ]
    );
    let mut definitions: Vec<_> = description
        .attribute_definitions()
        .iter()
        .map(|definition| {
            (
                definition.attribute_name().to_owned(),
                definition.attribute_type().clone(),
            )
        })
        .collect();
    definitions.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected: Vec<_> = [GSI1PK, GSI1SK, GSI2PK, GSI2SK, PK, SK]
        .into_iter()
        .map(|name| (name.to_owned(), ScalarAttributeType::S))
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(definitions, expected, "every key attribute is a string");

    let mut indexes: Vec<_> = description
        .global_secondary_indexes()
        .iter()
        .map(|index| {
            (
                index.index_name().unwrap_or_default().to_owned(),
                key_schema(index.key_schema()),
                index
                    .projection()
                    .and_then(|projection| projection.projection_type())
                    .cloned(),
            )
        })
        .collect();
    indexes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        indexes,
        [
            (
                "GSI1".to_owned(),
                vec![
                    (GSI1PK.to_owned(), KeyType::Hash),
                    (GSI1SK.to_owned(), KeyType::Range)
                ],
                Some(ProjectionType::All),
            ),
            (
                "GSI2".to_owned(),
                vec![
                    (GSI2PK.to_owned(), KeyType::Hash),
                    (GSI2SK.to_owned(), KeyType::Range)
                ],
                Some(ProjectionType::All),
            ),
        ]
    );
    assert_eq!(
        description
            .billing_mode_summary()
            .and_then(|summary| summary.billing_mode()),
        Some(&BillingMode::PayPerRequest)
    );
    let stream = description.stream_specification().expect("a stream");
    assert!(stream.stream_enabled());
    assert_eq!(stream.stream_view_type(), Some(&StreamViewType::NewImage));
}

#[tokio::test]
async fn the_first_failing_condition_names_its_write() {
    let moto = Moto::connect().await;
    let (table, _) = moto.table().await;
    let pk = unique_name("ORDER");
    table
        .transact(vec![
            Write::Put {
                item: item(&pk, "B"),
                condition: Condition::NotExists,
            },
            Write::Put {
                item: item(&pk, "C"),
                condition: Condition::NotExists,
            },
        ])
        .await
        .expect("seed");

    // Writes 1 and 2 both fail (B and C exist); DynamoDB reports a reason for every write, and
    // the adapter must name the first failing one, not the first write.
    let result = table
        .transact(vec![
            Write::Put {
                item: item(&pk, "A"),
                condition: Condition::NotExists,
            },
            Write::Update {
                key: Key::new(&pk, "B"),
                set: Item::from(HashMap::from([(
                    VERSION.to_owned(),
                    AttributeValue::N("2".to_owned()),
                )])),
                condition: Condition::VersionEquals(7),
            },
            Write::Delete {
                key: Key::new(&pk, "C"),
                condition: Condition::VersionEquals(9),
            },
        ])
        .await;
    match result {
        Err(TableError::ConditionFailed { index, key }) => {
            assert_eq!(index, 1);
            assert_eq!(key, Key::new(&pk, "B"));
        }
        other => panic!("expected ConditionFailed on write 1, got {other:?}"),
    }
    assert_eq!(table.get(&Key::new(&pk, "A")).await.expect("get"), None);
}

#[tokio::test]
async fn a_check_without_condition_and_a_bad_query_are_invalid() {
    let moto = Moto::connect().await;
    let (table, _) = moto.table().await;
    let pk = unique_name("BAD");

    let unguarded_check = table
        .transact(vec![Write::Check {
            key: Key::new(&pk, "X"),
            condition: Condition::None,
        }])
        .await;
    assert!(
        matches!(unguarded_check, Err(TableError::Invalid(_))),
        "{unguarded_check:?}"
    );

    let zero = table
        .query(&Query::partition(Index::Primary, &pk).limit(0))
        .await;
    assert!(matches!(zero, Err(TableError::Invalid(_))), "{zero:?}");

    let forged = table
        .query(&Query::partition(Index::Primary, &pk).after(Some("%%%".to_owned())))
        .await;
    assert!(matches!(forged, Err(TableError::Invalid(_))), "{forged:?}");
}

#[tokio::test]
async fn a_missing_table_is_a_backend_error() {
    let moto = Moto::connect().await;
    let table = award_aws::DynamoTable::new(moto.dynamodb.clone(), unique_name("no-such-table"));
    let result = table.get(&Key::new("PK", "SK")).await;
    match result {
        Err(TableError::Backend(message)) => {
            assert!(
                message.contains("ResourceNotFound"),
                "the message names the cause: {message}"
            )
        }
        other => panic!("expected Backend, got {other:?}"),
    }
}
