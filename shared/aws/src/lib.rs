//! AWS adapters for the award's ports: [`DynamoTable`] (DynamoDB), [`S3Blobs`] (S3 presigned links)
//! and [`SesMail`] (SES), plus the client setup the Lambda binaries and the tests share.
//!
//! The same code talks to AWS and to moto's server: [`sdk_config`] takes an optional endpoint override,
//! and [`s3_client`] can force path-style addressing (moto serves every bucket on one host).

mod dynamo;
mod s3;
mod ses;

use aws_config::{BehaviorVersion, SdkConfig};

pub use dynamo::{DynamoTable, create_table};
pub use s3::{S3Blobs, create_bucket};
pub use ses::{SesMail, verify_sender};

/// The SDK configuration from the environment (region, credentials: on Lambda, the function's role),
/// with every service pointed at `endpoint_url` when given (moto's server in tests).
pub async fn sdk_config(endpoint_url: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// An S3 client; `force_path_style` puts the bucket in the path (`http://host/bucket/key`), which
/// moto needs because it cannot serve virtual-hosted bucket names on a loopback address.
pub fn s3_client(config: &SdkConfig, force_path_style: bool) -> aws_sdk_s3::Client {
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(force_path_style)
        .build();
    aws_sdk_s3::Client::from_conf(s3_config)
}

/// A failure while creating test or bootstrap resources (table, bucket, verified sender).
#[derive(Debug, thiserror::Error)]
#[error("{operation} failed: {message}")]
pub struct SetupError {
    pub operation: &'static str,
    pub message: String,
}

impl SetupError {
    fn new(operation: &'static str, error: impl std::error::Error) -> Self {
        Self {
            operation,
            message: full_message(&error),
        }
    }
}

/// The SDK's errors print only their outermost layer with `Display`; this walks the whole chain so a
/// log line says what actually went wrong (status, service code, message).
fn full_message(error: &dyn std::error::Error) -> String {
    aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string()
}
