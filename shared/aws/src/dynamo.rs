//! The Table port on DynamoDB: `GetItem` (consistent), `Query` (base table and the two GSIs) and
//! `TransactWriteItems` (all or nothing, each write with its own condition).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use award_ports::table::{self, GSI1PK, GSI1SK, GSI2PK, GSI2SK, PK, SK, VERSION};
use award_ports::{
    Condition, Index, Item, Key, Page, Query, SortCondition, Table, TableError, Transaction, Write,
};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, ScalarAttributeType,
    StreamSpecification, StreamViewType, TransactWriteItem, Update,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{SetupError, full_message};

type AttributeMap = HashMap<String, AttributeValue>;

/// The award's single table on DynamoDB.
#[derive(Debug, Clone)]
pub struct DynamoTable {
    client: aws_sdk_dynamodb::Client,
    table_name: String,
}

impl DynamoTable {
    pub fn new(client: aws_sdk_dynamodb::Client, table_name: impl Into<String>) -> Self {
        Self {
            client,
            table_name: table_name.into(),
        }
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(key_attributes(key)))
            // Callers read-modify-write under a version guard; an eventually consistent read would
            // hand them a stale version and make the guarded write fail for no reason.
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(output.item.map(Item::from))
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        let limit = match query.limit {
            None => None,
            Some(0) => return Err(TableError::Invalid("query limit must be at least 1".into())),
            // DynamoDB caps a page at 1 MB anyway; clamping only avoids an overflow.
            Some(limit) => Some(i32::try_from(limit).unwrap_or(i32::MAX)),
        };
        let start_key = query.cursor.as_deref().map(decode_cursor).transpose()?;
        let (partition_attribute, sort_attribute) = query.index.key_attributes();
        let mut names = HashMap::from([
            ("#pk".to_owned(), partition_attribute.to_owned()),
            ("#sk".to_owned(), sort_attribute.to_owned()),
        ]);
        let mut values = HashMap::from([(":pk".to_owned(), s(&query.partition))]);
        let sort_expression = match &query.sort {
            SortCondition::Any => {
                names.remove("#sk");
                None
            }
            SortCondition::Equals(value) => {
                values.insert(":sk".into(), s(value));
                Some("#sk = :sk")
            }
            SortCondition::BeginsWith(prefix) => {
                values.insert(":sk".into(), s(prefix));
                Some("begins_with(#sk, :sk)")
            }
            SortCondition::Between(low, high) => {
                values.insert(":sk".into(), s(low));
                values.insert(":sk2".into(), s(high));
                Some("#sk BETWEEN :sk AND :sk2")
            }
            SortCondition::LessThanOrEqual(value) => {
                values.insert(":sk".into(), s(value));
                Some("#sk <= :sk")
            }
            SortCondition::GreaterThanOrEqual(value) => {
                values.insert(":sk".into(), s(value));
                Some("#sk >= :sk")
            }
        };
        let key_condition = match sort_expression {
            None => "#pk = :pk".to_owned(),
            Some(sort) => format!("#pk = :pk AND {sort}"),
        };
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .set_index_name(query.index.name().map(str::to_owned))
            .key_condition_expression(key_condition)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(query.ascending)
            .set_limit(limit)
            .set_exclusive_start_key(start_key)
            .send()
            .await
            .map_err(sdk_error)?;
        let next = output
            .last_evaluated_key
            .filter(|key| !key.is_empty())
            .map(encode_cursor)
            .transpose()?;
        let items = output.items.unwrap_or_default();
        Ok(Page {
            items: items.into_iter().map(Item::from).collect(),
            next,
        })
    }

    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
        let id = transaction.id();
        let (writes, keys) = transaction.into_parts();
        let items = writes
            .iter()
            .map(|write| self.transact_item(write))
            .collect::<Result<Vec<_>, _>>()?;
        match self
            .client
            .transact_write_items()
            // From the transaction's identity and content: a retry of this very transaction (the
            // SDK's, or `Table::commit`'s, which sends a clone) is the same request to DynamoDB,
            // which applies it at most once within 10 minutes; any other transaction, even one
            // with the same writes (two increments of one counter from the same version), has
            // its own token, or DynamoDB would answer it with the first one's success.
            .client_request_token(client_request_token(id, &writes))
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(error) => Err(transact_error(error, &keys)),
        }
    }
}

impl DynamoTable {
    fn transact_item(&self, write: &Write) -> Result<TransactWriteItem, TableError> {
        let guard = ConditionExpression::of(write.condition());
        let item = match write {
            Write::Put { item, .. } => {
                table::key_of(item)?;
                let put = Put::builder()
                    .table_name(&self.table_name)
                    .set_item(Some(AttributeMap::from(item.clone())))
                    .set_condition_expression(guard.expression)
                    .set_expression_attribute_names(non_empty(guard.names))
                    .set_expression_attribute_values(non_empty(guard.values))
                    .build()
                    .map_err(invalid)?;
                TransactWriteItem::builder().put(put).build()
            }
            Write::Update { key, set, .. } => {
                let assignment = UpdateAssignment::of(key, set)?;
                let mut names = guard.names;
                names.extend(assignment.names);
                let mut values = guard.values;
                values.extend(assignment.values);
                let update = Update::builder()
                    .table_name(&self.table_name)
                    .set_key(Some(key_attributes(key)))
                    .update_expression(assignment.expression)
                    .set_condition_expression(guard.expression)
                    .set_expression_attribute_names(non_empty(names))
                    .set_expression_attribute_values(non_empty(values))
                    .build()
                    .map_err(invalid)?;
                TransactWriteItem::builder().update(update).build()
            }
            Write::Delete { key, .. } => {
                let delete = Delete::builder()
                    .table_name(&self.table_name)
                    .set_key(Some(key_attributes(key)))
                    .set_condition_expression(guard.expression)
                    .set_expression_attribute_names(non_empty(guard.names))
                    .set_expression_attribute_values(non_empty(guard.values))
                    .build()
                    .map_err(invalid)?;
                TransactWriteItem::builder().delete(delete).build()
            }
            Write::Check { key, .. } => {
                let Some(expression) = guard.expression else {
                    return Err(TableError::Invalid(format!(
                        "a check needs a condition: {key:?}"
                    )));
                };
                let check = ConditionCheck::builder()
                    .table_name(&self.table_name)
                    .set_key(Some(key_attributes(key)))
                    .condition_expression(expression)
                    .set_expression_attribute_names(non_empty(guard.names))
                    .set_expression_attribute_values(non_empty(guard.values))
                    .build()
                    .map_err(invalid)?;
                TransactWriteItem::builder().condition_check(check).build()
            }
        };
        Ok(item)
    }
}

/// A write's guard as a DynamoDB condition expression. Its placeholders start with `#c_` / `:c_` so
/// they never collide with an update's `#u…` / `:u…`.
struct ConditionExpression {
    expression: Option<String>,
    names: HashMap<String, String>,
    values: AttributeMap,
}

impl ConditionExpression {
    fn of(condition: &Condition) -> Self {
        let mut names = HashMap::new();
        let mut values = HashMap::new();
        let expression = match condition {
            Condition::None => None,
            Condition::NotExists => {
                names.insert("#c_pk".to_owned(), PK.to_owned());
                Some("attribute_not_exists(#c_pk)".to_owned())
            }
            Condition::Exists => {
                names.insert("#c_pk".to_owned(), PK.to_owned());
                Some("attribute_exists(#c_pk)".to_owned())
            }
            Condition::VersionEquals(version) => {
                // A comparison with a missing attribute is false, so this also requires the item to
                // exist, as the port says.
                names.insert("#c_version".to_owned(), VERSION.to_owned());
                values.insert(
                    ":c_version".to_owned(),
                    AttributeValue::N(version.to_string()),
                );
                Some("#c_version = :c_version".to_owned())
            }
        };
        Self {
            expression,
            names,
            values,
        }
    }
}

/// `SET #u0 = :u0, #u1 = :u1, …` for the attributes of an update.
struct UpdateAssignment {
    expression: String,
    names: HashMap<String, String>,
    values: AttributeMap,
}

impl UpdateAssignment {
    fn of(key: &Key, set: &Item) -> Result<Self, TableError> {
        let mut attributes: Vec<(String, AttributeValue)> =
            AttributeMap::from(set.clone()).into_iter().collect();
        // DynamoDB refuses to SET a key attribute; restating the item's own key is harmless, so
        // only a different value is an error.
        let mut key_clash = None;
        attributes.retain(|(name, value)| {
            let own = match name.as_str() {
                PK => &key.pk,
                SK => &key.sk,
                _ => return true,
            };
            if value.as_s().map(String::as_str) != Ok(own.as_str()) {
                key_clash = Some(name.clone());
            }
            false
        });
        if let Some(name) = key_clash {
            return Err(TableError::Invalid(format!(
                "an update cannot change the key attribute {name}"
            )));
        }
        if attributes.is_empty() {
            return Err(TableError::Invalid(format!(
                "an update must set at least one attribute: {key:?}"
            )));
        }
        // A stable order keeps the request (and so any error message) reproducible.
        attributes.sort_by(|a, b| a.0.cmp(&b.0));
        let mut names = HashMap::new();
        let mut values = HashMap::new();
        let mut assignments = Vec::with_capacity(attributes.len());
        for (position, (name, value)) in attributes.into_iter().enumerate() {
            assignments.push(format!("#u{position} = :u{position}"));
            names.insert(format!("#u{position}"), name);
            values.insert(format!(":u{position}"), value);
        }
        Ok(Self {
            expression: format!("SET {}", assignments.join(", ")),
            names,
            values,
        })
    }
}

fn transact_error(error: SdkError<TransactWriteItemsError>, keys: &[Key]) -> TableError {
    match error {
        SdkError::ServiceError(context) if !context.raw().status().is_server_error() => {
            transact_service_error(context.into_err(), keys)
        }
        other => sdk_error(other),
    }
}

/// The port's error for an SDK failure of any operation: throttling is `Throttled` (nothing
/// written); no answer, a broken connection, an unreadable answer or a 5xx is `Unavailable` (a
/// write's outcome unknown); a `ValidationException` is `Invalid`; the rest `Backend`.
fn sdk_error<E>(error: SdkError<E>) -> TableError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let message = full_message(&error);
    match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            TableError::Unavailable(message)
        }
        SdkError::ServiceError(context) => match context.err().code() {
            Some(code) if THROTTLING_CODES.contains(&code) => TableError::Throttled(message),
            _ if context.raw().status().is_server_error() => TableError::Unavailable(message),
            Some("ValidationException") => TableError::Invalid(message),
            _ => TableError::Backend(message),
        },
        _ => TableError::Backend(message),
    }
}

/// DynamoDB's answers that mean "too much, slow down" (DynamoDB developer guide, "Error handling
/// with DynamoDB": the 400 errors that are OK to retry for load).
const THROTTLING_CODES: [&str; 3] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
];

/// A `TransactWriteItems` idempotency token for transaction `id` with exactly these writes: 32 hex
/// digits of the SHA-256 of the id and the writes' canonical form (every map in name order, so
/// clones and re-conversions of the same items give the same token), within DynamoDB's 1–36
/// characters.
fn client_request_token(id: u64, writes: &[Write]) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    digest.update(id.to_be_bytes());
    for write in writes {
        let (kind, key, attributes, condition) = match write {
            Write::Put { item, condition } => ("put", None, Some(item), condition),
            Write::Update {
                key,
                set,
                condition,
            } => ("update", Some(key), Some(set), condition),
            Write::Delete { key, condition } => ("delete", Some(key), None, condition),
            Write::Check { key, condition } => ("check", Some(key), None, condition),
        };
        let mut text = format!("{kind}|{key:?}|{condition:?}|");
        if let Some(item) = attributes {
            canonical_item(item, &mut text);
        }
        text.push('\n');
        digest.update(text.as_bytes());
    }
    hex::encode(&digest.finalize()[..16])
}

fn canonical_item(item: &Item, out: &mut String) {
    let sorted: BTreeMap<&String, &table::AttributeValue> = item.iter().collect();
    out.push('{');
    for (name, value) in sorted {
        out.push_str(&format!("{name:?}:"));
        canonical_value(value, out);
        out.push(',');
    }
    out.push('}');
}

fn canonical_value(value: &table::AttributeValue, out: &mut String) {
    use table::AttributeValue as V;
    match value {
        V::M(map) => {
            let sorted: BTreeMap<&String, &V> = map.iter().collect();
            out.push_str("M{");
            for (name, value) in sorted {
                out.push_str(&format!("{name:?}:"));
                canonical_value(value, out);
                out.push(',');
            }
            out.push('}');
        }
        V::L(values) => {
            out.push_str("L[");
            for value in values {
                canonical_value(value, out);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&format!("{other:?}")),
    }
}

/// DynamoDB gives one cancellation reason per write, in order (`None` for the writes that were
/// fine); the port names the first write whose condition failed.
fn transact_service_error(service_error: TransactWriteItemsError, keys: &[Key]) -> TableError {
    if let TransactWriteItemsError::TransactionCanceledException(canceled) = &service_error {
        let reasons = canceled.cancellation_reasons();
        let code_at = |index: usize| reasons.get(index).and_then(|reason| reason.code());
        if let Some(index) =
            (0..reasons.len()).find(|&index| code_at(index) == Some("ConditionalCheckFailed"))
        {
            return match keys.get(index) {
                Some(key) => TableError::ConditionFailed {
                    index,
                    key: key.clone(),
                },
                None => TableError::Backend(format!(
                    "condition failed on write {index} of a {}-write transaction",
                    keys.len()
                )),
            };
        }
        if (0..reasons.len()).any(|index| code_at(index) == Some("TransactionConflict")) {
            return TableError::Conflict;
        }
        // How DynamoDB throttles a transaction: cancelled, its reasons `ThrottlingError` (the
        // others `None`); nothing was written and the SDK does not retry it.
        if (0..reasons.len()).any(|index| code_at(index) == Some("ThrottlingError"))
            && (0..reasons.len())
                .all(|index| matches!(code_at(index), None | Some("None" | "ThrottlingError")))
        {
            return TableError::Throttled(full_message(&service_error));
        }
    }
    match service_error.code() {
        // The same token while the first request is still being processed: try again shortly.
        Some("TransactionInProgressException") => {
            TableError::Unavailable(full_message(&service_error))
        }
        Some(code) if THROTTLING_CODES.contains(&code) => {
            TableError::Throttled(full_message(&service_error))
        }
        Some("ValidationException") => TableError::Invalid(full_message(&service_error)),
        _ => TableError::Backend(full_message(&service_error)),
    }
}

fn key_attributes(key: &Key) -> AttributeMap {
    HashMap::from([(PK.to_owned(), s(&key.pk)), (SK.to_owned(), s(&key.sk))])
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn non_empty<V>(map: HashMap<String, V>) -> Option<HashMap<String, V>> {
    (!map.is_empty()).then_some(map)
}

/// The cursor is DynamoDB's `LastEvaluatedKey` (only string key attributes in this table), as
/// URL-safe base64 of a JSON object, so callers can pass it in a query string untouched.
fn encode_cursor(last_evaluated_key: AttributeMap) -> Result<String, TableError> {
    let key: BTreeMap<String, String> = serde_dynamo::from_item(Item::from(last_evaluated_key))
        .map_err(|error| TableError::Backend(format!("unexpected LastEvaluatedKey: {error}")))?;
    let json = serde_json::to_vec(&key)
        .map_err(|error| TableError::Backend(format!("cannot encode cursor: {error}")))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

fn decode_cursor(cursor: &str) -> Result<AttributeMap, TableError> {
    let malformed = |error: &dyn std::fmt::Display| {
        TableError::Invalid(format!("malformed query cursor: {error}"))
    };
    let json = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|error| malformed(&error))?;
    let key: BTreeMap<String, String> =
        serde_json::from_slice(&json).map_err(|error| malformed(&error))?;
    let item: Item = serde_dynamo::to_item(key).map_err(|error| malformed(&error))?;
    Ok(AttributeMap::from(item))
}

fn invalid<E: std::error::Error>(error: E) -> TableError {
    TableError::Invalid(full_message(&error))
}

/// How long [`create_table`] waits for the new table to become `ACTIVE` (instant on moto; seconds on
/// AWS).
const TABLE_ACTIVE_TIMEOUT: Duration = Duration::from_secs(120);

/// Creates the table exactly as `infra/template.yaml` declares it: string keys `PK`/`SK`, `GSI1` on
/// `GSI1PK`/`GSI1SK` and `GSI2` on `GSI2PK`/`GSI2SK` (projection ALL), on-demand billing, stream
/// `NEW_IMAGE`. Returns once the table is `ACTIVE`.
pub async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table_name: &str,
) -> Result<(), SetupError> {
    use aws_sdk_dynamodb::client::Waiters as _;

    let build = |error| SetupError::new("CreateTable", error);
    let key_schema = |partition: &str, sort: &str| -> Result<Vec<KeySchemaElement>, SetupError> {
        Ok(vec![
            KeySchemaElement::builder()
                .attribute_name(partition)
                .key_type(KeyType::Hash)
                .build()
                .map_err(build)?,
            KeySchemaElement::builder()
                .attribute_name(sort)
                .key_type(KeyType::Range)
                .build()
                .map_err(build)?,
        ])
    };
    let definitions = [PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK]
        .into_iter()
        .map(|name| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(build)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let indexes = [Index::Gsi1, Index::Gsi2]
        .into_iter()
        .map(|index| {
            let (partition, sort) = index.key_attributes();
            GlobalSecondaryIndex::builder()
                .index_name(index.name().unwrap_or_default())
                .set_key_schema(Some(key_schema(partition, sort)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .map_err(build)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stream = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewImage)
        .build()
        .map_err(build)?;
    client
        .create_table()
        .table_name(table_name)
        .set_attribute_definitions(Some(definitions))
        .set_key_schema(Some(key_schema(PK, SK)?))
        .set_global_secondary_indexes(Some(indexes))
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(stream)
        .send()
        .await
        .map_err(|error| SetupError::new("CreateTable", error))?;
    client
        .wait_until_table_exists()
        .table_name(table_name)
        .wait(TABLE_ACTIVE_TIMEOUT)
        .await
        .map_err(|error| SetupError::new("DescribeTable (wait for ACTIVE)", error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_token_is_the_transactions_content() {
        use table::AttributeValue as V;
        // Built afresh each time: every HashMap gets its own order, the token must not.
        let writes = |state: &str| {
            let mut nested = Item::default();
            for name in ["a", "b", "c", "d", "e", "f", "g", "h"] {
                nested.insert(name.into(), V::S(name.repeat(3)));
            }
            let mut item = Item::default();
            item.insert(PK.into(), V::S("APP#1".into()));
            item.insert(SK.into(), V::S("APP".into()));
            item.insert("state".into(), V::S(state.into()));
            item.insert(
                "form".into(),
                V::M(nested.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            );
            vec![Write::Put {
                item,
                condition: Condition::VersionEquals(3),
            }]
        };
        let token = client_request_token(7, &writes("submitted"));
        assert_eq!(token.len(), 32);
        for _ in 0..20 {
            assert_eq!(client_request_token(7, &writes("submitted")), token);
        }
        assert_ne!(client_request_token(7, &writes("withdrawn")), token);
        // Another transaction with the same writes is another request.
        assert_ne!(client_request_token(8, &writes("submitted")), token);
    }

    #[test]
    fn cursor_round_trips_a_gsi_last_evaluated_key() {
        let key = HashMap::from([
            (PK.to_owned(), s("APP#1")),
            (SK.to_owned(), s("APP")),
            (GSI1PK.to_owned(), s("OWNER#u")),
            (GSI1SK.to_owned(), s("APP#2026-01-01#1")),
        ]);
        let cursor = encode_cursor(key.clone()).unwrap();
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode_cursor(&cursor).unwrap(), key);
    }

    #[test]
    fn malformed_cursor_is_invalid() {
        assert!(matches!(
            decode_cursor("not base64!"),
            Err(TableError::Invalid(_))
        ));
        let not_a_key = URL_SAFE_NO_PAD.encode(b"[1,2]");
        assert!(matches!(
            decode_cursor(&not_a_key),
            Err(TableError::Invalid(_))
        ));
    }

    #[test]
    fn update_sets_every_attribute_but_the_unchanged_key() {
        let key = Key::new("APP#1", "DOC#1");
        let set: Item = serde_dynamo::to_item(serde_json::json!({
            "PK": "APP#1", "status": "received", "version": 2
        }))
        .unwrap();
        let assignment = UpdateAssignment::of(&key, &set).unwrap();
        assert_eq!(assignment.expression, "SET #u0 = :u0, #u1 = :u1");
        assert_eq!(assignment.names["#u0"], "status");
        assert_eq!(assignment.names["#u1"], "version");
        assert_eq!(assignment.values[":u1"], AttributeValue::N("2".into()));
    }

    #[test]
    fn update_cannot_move_an_item_or_set_nothing() {
        let key = Key::new("APP#1", "DOC#1");
        let moved: Item = serde_dynamo::to_item(serde_json::json!({"SK": "DOC#2"})).unwrap();
        assert!(matches!(
            UpdateAssignment::of(&key, &moved),
            Err(TableError::Invalid(_))
        ));
        let only_key: Item = serde_dynamo::to_item(serde_json::json!({"PK": "APP#1"})).unwrap();
        assert!(matches!(
            UpdateAssignment::of(&key, &only_key),
            Err(TableError::Invalid(_))
        ));
    }

    fn canceled(codes: &[&str]) -> TransactWriteItemsError {
        use aws_sdk_dynamodb::types::CancellationReason;
        use aws_sdk_dynamodb::types::error::TransactionCanceledException;
        let mut exception = TransactionCanceledException::builder();
        for code in codes {
            exception =
                exception.cancellation_reasons(CancellationReason::builder().code(*code).build());
        }
        TransactWriteItemsError::TransactionCanceledException(exception.build())
    }

    #[test]
    fn cancellation_reasons_map_to_the_port_errors() {
        let keys = [Key::new("A", "1"), Key::new("A", "2"), Key::new("A", "3")];
        let failed = transact_service_error(
            canceled(&["None", "TransactionConflict", "ConditionalCheckFailed"]),
            &keys,
        );
        assert!(
            matches!(&failed, TableError::ConditionFailed { index: 2, key } if *key == keys[2]),
            "a failed condition wins over a conflict, so the caller sees what to re-read: {failed:?}"
        );
        let conflict =
            transact_service_error(canceled(&["None", "TransactionConflict", "None"]), &keys);
        assert!(matches!(conflict, TableError::Conflict), "{conflict:?}");
        let throttled =
            transact_service_error(canceled(&["ThrottlingError", "None", "None"]), &keys);
        // How DynamoDB throttles a transaction: nothing written, worth a retry after a back-off.
        assert!(
            matches!(throttled, TableError::Throttled(_)),
            "{throttled:?}"
        );
        // A throttled item beside a failed condition: the condition is what the caller must see.
        let both = transact_service_error(
            canceled(&["ThrottlingError", "ConditionalCheckFailed", "None"]),
            &keys,
        );
        assert!(
            matches!(both, TableError::ConditionFailed { index: 1, .. }),
            "{both:?}"
        );
    }
}
