//! `floor`: what any Lambda function that reads DynamoDB costs before it does any work of its own,
//! the line `award-bench cold-start` measures every function against (docs/PERFORMANCE.md).
//!
//! At init: `aws_config::defaults(..).load()` and a DynamoDB client, as the SDK's own examples
//! start, over the functions' HTTPS client (`award_aws::https_client`: the SDK's own, on ring),
//! so that the comparison is of what the functions add, not of TLS libraries.
//! Per event, whatever its shape: one `GetItem` of `{PK: "FLOOR", SK: "FLOOR"}` in `TABLE_NAME`
//! (absent: an empty answer is still a round trip), answered with `{"found": bool}`.

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let table = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set")?;
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(award_aws::https_client())
        .load()
        .await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let (client, table) = (&client, table.as_str());
    lambda_runtime::run(service_fn(
        move |_event: LambdaEvent<serde_json::Value>| async move {
            let item = client
                .get_item()
                .table_name(table)
                .key("PK", AttributeValue::S("FLOOR".into()))
                .key("SK", AttributeValue::S("FLOOR".into()))
                .send()
                .await?;
            Ok::<_, Error>(serde_json::json!({ "found": item.item().is_some() }))
        },
    ))
    .await
}
