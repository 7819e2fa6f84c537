//! The shell every award Lambda shares: JSON logs for CloudWatch, and the [`App`] over the AWS
//! adapters, built once per cold start from the environment. The handlers are in `award-app`.

use std::sync::Arc;

use award_app::{App, AppConfig, AppError, required};
use award_aws::{DynamoTable, S3Blobs, SesMail, s3_client, sdk_config};

/// JSON lines on stdout (CloudWatch keeps the timestamp); level from `RUST_LOG`, default `info`.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_current_span(false)
        .without_time()
        .init();
}

/// The app over DynamoDB (`TABLE_NAME`), S3 (`BUCKET_NAME`) and SES (`MAIL_FROM`), with
/// `MAX_UPLOAD_BYTES`; a missing or bad setting is an error naming it.
pub async fn aws_app() -> Result<App, AppError> {
    let app = build_aws_app().await;
    if let Err(error) = &app {
        tracing::error!(%error, "cannot start: bad configuration");
    }
    app
}

async fn build_aws_app() -> Result<App, AppError> {
    let lookup = |name: &str| std::env::var(name).ok();
    let config = AppConfig::from_lookup(lookup)?;
    let table_name = required(&lookup, "TABLE_NAME")?;
    let bucket_name = required(&lookup, "BUCKET_NAME")?;
    let sdk = sdk_config(None).await;
    Ok(App {
        table: Arc::new(DynamoTable::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            table_name,
        )),
        blobs: Arc::new(S3Blobs::new(s3_client(&sdk, false), bucket_name)),
        mail: Arc::new(SesMail::new(aws_sdk_ses::Client::new(&sdk))),
        config,
    })
}
