//! AWS adapters for the award's ports: [`DynamoTable`] (DynamoDB), [`S3Blobs`] (S3 presigned links)
//! and [`SesMail`] (SES), plus the client setup the Lambda binaries and the tests share.
//!
//! The same code talks to AWS and to moto's server: [`sdk_config`] takes an optional endpoint override,
//! and [`s3_client`] can force path-style addressing (moto serves every bucket on one host).

mod dynamo;
mod s3;
mod ses;

use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig};

pub use dynamo::{DynamoTable, create_table};
pub use s3::{S3Blobs, create_bucket};
pub use ses::{SesMail, verify_sender};

/// The SDK configuration from the environment as Lambda sets it: the region from `AWS_REGION`
/// (else `AWS_DEFAULT_REGION`), the function role's credentials from `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, and every service pointed at `endpoint_url`
/// when given, else at `AWS_ENDPOINT_URL` when set (moto's server in the tests and the bench).
///
/// Not `aws_config::defaults(..).load()`: its provider chains (profile files, SSO, STS web
/// identity, ECS, IMDS) are chosen at run time, so every binary linked all of them, a third of a
/// megabyte zipped (docs/PERFORMANCE.md, "Sizes"), for sources a Lambda function never has; on
/// Lambda the chain's first link, the environment, is the one that answers. The HTTP client,
/// sleep, time source, retry and timeout defaults are the service clients' own, as before. A
/// missing region is not an error here: the first call fails with the SDK's "no region".
///
/// The HTTP client is [`https_client`].
pub async fn sdk_config(endpoint_url: Option<&str>) -> SdkConfig {
    sdk_config_from(endpoint_url, |name| std::env::var(name).ok())
}

fn sdk_config_from(endpoint_url: Option<&str>, env: impl Fn(&str) -> Option<String>) -> SdkConfig {
    use aws_config::environment::EnvironmentVariableCredentialsProvider;
    use aws_sdk_dynamodb::config::{Region, SharedCredentialsProvider};

    let present = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let region = present("AWS_REGION")
        .or_else(|| present("AWS_DEFAULT_REGION"))
        .map(Region::new);
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(region)
        .credentials_provider(SharedCredentialsProvider::new(
            EnvironmentVariableCredentialsProvider::new(),
        ))
        .http_client(https_client());
    builder.set_endpoint_url(
        endpoint_url
            .map(str::to_owned)
            .or_else(|| present("AWS_ENDPOINT_URL")),
    );
    builder.build()
}

/// The SDK's hyper 1.x HTTPS client as its `default-https-client` builds it (the connector
/// settings and sleep of the calling client, proxies from `HTTPS_PROXY` / `NO_PROXY`), with
/// rustls on ring instead of aws-lc-rs: the same TLS 1.2/1.3 to AWS's endpoints for several
/// hundred KiB less in every binary (docs/PERFORMANCE.md, "Sizes"). Plain `http://` endpoints
/// (moto) go through it unencrypted as before.
pub fn https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig};

    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::Ring));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// How long a client waits and how often it tries, chosen per service for the functions' own
/// timeouts (the API's is 10 s, API Gateway's 30 s; the event handlers' 30–60 s): docs/
/// ARCHITECTURE.md, "When AWS misbehaves".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientPolicy {
    /// Opening a connection (a dead endpoint is known fast).
    pub connect: Duration,
    /// One attempt, from sending to the whole answer.
    pub attempt: Duration,
    /// Every attempt and back-off of one call together.
    pub operation: Duration,
    /// Attempts of one call by the SDK (standard retry mode: throttling, 5xx and transient
    /// network errors are retried with exponential back-off and jitter).
    pub max_attempts: u32,
    /// The first back-off's ceiling, and the largest.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// How many retries the client may spend while calls keep failing.
    pub retry_quota: RetryQuota,
}

/// The SDK's retry quota (its token bucket), per [`ClientPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryQuota {
    /// The SDK's standard quota, shared by the process's clients of one service: 500 tokens; a
    /// retry after a 5xx or a timeout costs 14, after throttling 5; a call that succeeds at once
    /// earns one back. A process that meets failures on one call in three spends it within a
    /// few dozen retries and then answers at once (`503 service_busy`) instead of multiplying
    /// the load on a struggling service. The functions use this.
    Standard,
    /// No quota: every call spends all its attempts. For the heavier fault runs
    /// (`scripts/fault-run.sh`), which ask whether retries, however many, leave one effect.
    Unlimited,
}

impl ClientPolicy {
    fn timeouts(&self) -> aws_config::timeout::TimeoutConfig {
        aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(self.connect)
            .operation_attempt_timeout(self.attempt)
            .operation_timeout(self.operation)
            .build()
    }

    fn retries(&self) -> aws_config::retry::RetryConfig {
        aws_config::retry::RetryConfig::standard()
            .with_max_attempts(self.max_attempts)
            .with_initial_backoff(self.initial_backoff)
            .with_max_backoff(self.max_backoff)
    }

    /// A retry partition of the client's own when the quota is lifted; `None`: the SDK's.
    fn retry_partition(
        &self,
        service: &'static str,
    ) -> Option<aws_sdk_dynamodb::config::retry::RetryPartition> {
        use aws_sdk_dynamodb::config::retry::{RetryPartition, TokenBucket};
        match self.retry_quota {
            RetryQuota::Standard => None,
            RetryQuota::Unlimited => Some(
                RetryPartition::custom(service)
                    .token_bucket(TokenBucket::unlimited())
                    .build(),
            ),
        }
    }

    /// The same policy with no retry quota ([`RetryQuota::Unlimited`]).
    pub fn without_retry_quota(self) -> Self {
        Self {
            retry_quota: RetryQuota::Unlimited,
            ..self
        }
    }

    /// The same policy with every wait `factor` times longer and the same attempts: for moto,
    /// which copies its whole table on each transaction and on a loaded test machine takes
    /// seconds where DynamoDB takes milliseconds. The retries are still the ones under test.
    pub fn slower(self, factor: u32) -> Self {
        Self {
            connect: self.connect.saturating_mul(factor),
            attempt: self.attempt.saturating_mul(factor),
            operation: self.operation.saturating_mul(factor),
            ..self
        }
    }
}

/// DynamoDB: single-item reads and writes answer in milliseconds; 2 s is a lost request. Five
/// attempts with 50 ms–1 s back-offs stay within 8 s, under the API function's 10 s: at one
/// failed attempt in ten (the fault suite's 5 % injected errors plus 5 % lost answers) one call
/// in 100 000 still fails. A transaction is sent with its `ClientRequestToken`, so the SDK's
/// retry of one whose answer was lost is applied once; a transaction throttled by cancellation
/// is retried by `Table::commit`.
pub const DYNAMODB_POLICY: ClientPolicy = ClientPolicy {
    connect: Duration::from_secs(1),
    attempt: Duration::from_secs(2),
    operation: Duration::from_secs(8),
    max_attempts: 5,
    initial_backoff: Duration::from_millis(50),
    max_backoff: Duration::from_secs(1),
    retry_quota: RetryQuota::Standard,
};

/// S3 (HEAD, a ranged GET of at most 64 KiB, DELETE; presigning calls nothing): `503 SlowDown`
/// and 5xx are retried with back-off, five attempts within 8 s.
pub const S3_POLICY: ClientPolicy = ClientPolicy {
    connect: Duration::from_secs(1),
    attempt: Duration::from_secs(3),
    operation: Duration::from_secs(8),
    max_attempts: 5,
    initial_backoff: Duration::from_millis(100),
    max_backoff: Duration::from_secs(2),
    retry_quota: RetryQuota::Standard,
};

/// SES `SendEmail`: ONE attempt. SES has no idempotency key, so an SDK retry after a lost answer
/// would deliver the notice twice; the outbox's back-off decides instead, and a send whose answer
/// was lost is marked and counted (`MailError::Unconfirmed`).
pub const SES_POLICY: ClientPolicy = ClientPolicy {
    connect: Duration::from_secs(1),
    attempt: Duration::from_secs(5),
    operation: Duration::from_secs(5),
    max_attempts: 1,
    initial_backoff: Duration::from_millis(100),
    max_backoff: Duration::from_secs(1),
    retry_quota: RetryQuota::Standard,
};

/// The DynamoDB client of the functions ([`DYNAMODB_POLICY`]).
pub fn dynamodb_client(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    dynamodb_client_with(config, DYNAMODB_POLICY)
}

/// A DynamoDB client under `policy`.
pub fn dynamodb_client_with(config: &SdkConfig, policy: ClientPolicy) -> aws_sdk_dynamodb::Client {
    let mut builder = aws_sdk_dynamodb::config::Builder::from(config)
        .timeout_config(policy.timeouts())
        .retry_config(policy.retries());
    builder.set_retry_partition(policy.retry_partition("dynamodb"));
    aws_sdk_dynamodb::Client::from_conf(builder.build())
}

/// The SES client of the functions ([`SES_POLICY`]: one attempt).
pub fn ses_client(config: &SdkConfig) -> aws_sdk_ses::Client {
    ses_client_with(config, SES_POLICY)
}

/// An SES client under `policy`.
pub fn ses_client_with(config: &SdkConfig, policy: ClientPolicy) -> aws_sdk_ses::Client {
    let mut builder = aws_sdk_ses::config::Builder::from(config)
        .timeout_config(policy.timeouts())
        .retry_config(policy.retries());
    builder.set_retry_partition(policy.retry_partition("ses"));
    aws_sdk_ses::Client::from_conf(builder.build())
}

/// An S3 client ([`S3_POLICY`]); `force_path_style` puts the bucket in the path
/// (`http://host/bucket/key`), which moto needs because it cannot serve virtual-hosted bucket
/// names on a loopback address.
pub fn s3_client(config: &SdkConfig, force_path_style: bool) -> aws_sdk_s3::Client {
    s3_client_with(config, force_path_style, S3_POLICY)
}

/// An S3 client under `policy` (see [`s3_client`]).
pub fn s3_client_with(
    config: &SdkConfig,
    force_path_style: bool,
    policy: ClientPolicy,
) -> aws_sdk_s3::Client {
    let mut builder = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(force_path_style)
        .timeout_config(policy.timeouts())
        .retry_config(policy.retries());
    builder.set_retry_partition(policy.retry_partition("s3"));
    aws_sdk_s3::Client::from_conf(builder.build())
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
/// log line says what actually went wrong (the service's code and message, and its request id where
/// the SDK's own text carries it: for errors the SDK does not model), one `: ` between layers.
///
/// Never the raw response: the SDK's own `DisplayErrorContext` ends with the error's `Debug`,
/// which holds the HTTP answer's headers and body. That text is kept on records (a notice's
/// `last_error`) and shown to the Office; a raw SES body in it also carried `<RequestId>…`, which
/// moto's server rewrites in every answer it gives, DynamoDB's included, with a greedy pattern
/// that spliced stored items together when several came back in one `Query`.
fn full_message(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some layers repeat their source's text in their own: say it once.
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::{DYNAMODB_POLICY, S3_POLICY, dynamodb_client_with, full_message, s3_client_with};
    use aws_sdk_dynamodb::config::retry::RetryPartition;
    use aws_sdk_ses::error::{ErrorMetadata, SdkError};
    use aws_sdk_ses::operation::send_email::SendEmailError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;

    /// SES's throttling answer as the SDK hands it over: the service's code and message, the raw
    /// XML body beside them.
    fn throttled() -> SdkError<SendEmailError, Response> {
        let body = "<ErrorResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\"><Error>\
                    <Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate \
                    exceeded.</Message></Error><RequestId>a0a49a16-7007-e168-7429-9ec6c06a809e\
                    </RequestId></ErrorResponse>";
        let status = StatusCode::try_from(400).expect("400 is a status");
        SdkError::service_error(
            SendEmailError::generic(
                ErrorMetadata::builder()
                    .code("Throttling")
                    .message("Maximum sending rate exceeded.")
                    .custom("aws_request_id", "a0a49a16-7007-e168-7429-9ec6c06a809e")
                    .build(),
            ),
            Response::new(status, SdkBody::from(body)),
        )
    }

    #[test]
    fn a_service_error_says_its_code_message_and_request_id_without_the_raw_answer() {
        let message = full_message(&throttled());
        assert!(message.contains("Throttling"), "{message}");
        assert!(
            message.contains("Maximum sending rate exceeded."),
            "{message}"
        );
        assert!(
            message.contains("a0a49a16-7007-e168-7429-9ec6c06a809e"),
            "{message}"
        );
        assert!(!message.contains("<RequestId>"), "{message}");
        assert!(!message.contains("ErrorResponse"), "{message}");
        assert!(!message.contains("headers"), "{message}");
    }

    #[test]
    fn every_layer_of_the_chain_is_named_once() {
        // A modelled error says its message both as the operation's error and as its source.
        let rejected: SdkError<SendEmailError, Response> = SdkError::service_error(
            SendEmailError::MessageRejected(
                aws_sdk_ses::types::error::MessageRejected::builder()
                    .message("Email address is not verified.")
                    .build(),
            ),
            Response::new(
                StatusCode::try_from(400).expect("400 is a status"),
                SdkBody::from("<ErrorResponse/>"),
            ),
        );
        let message = full_message(&rejected);
        assert!(message.starts_with("service error: "), "{message}");
        assert_eq!(
            message.matches("Email address is not verified.").count(),
            1,
            "{message}"
        );
    }

    /// Lambda's variables, read as the default chain read them: `AWS_REGION` before
    /// `AWS_DEFAULT_REGION`, a given endpoint before `AWS_ENDPOINT_URL`, blank as unset.
    #[test]
    fn the_config_takes_region_and_endpoint_from_lambdas_variables() {
        let lambda = super::sdk_config_from(None, |name| {
            match name {
                "AWS_REGION" => Some("cn-northwest-1"),
                "AWS_DEFAULT_REGION" => Some("us-east-1"),
                "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:5000"),
                _ => None,
            }
            .map(str::to_owned)
        });
        assert_eq!(
            lambda.region().map(|region| region.as_ref()),
            Some("cn-northwest-1")
        );
        assert_eq!(lambda.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert!(lambda.credentials_provider().is_some());
        assert!(lambda.http_client().is_some());
        assert!(lambda.behavior_version().is_some());

        let given = super::sdk_config_from(Some("http://127.0.0.1:9"), |name| {
            match name {
                "AWS_REGION" => Some(" "),
                "AWS_DEFAULT_REGION" => Some("us-east-1"),
                "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:5000"),
                _ => None,
            }
            .map(str::to_owned)
        });
        assert_eq!(
            given.region().map(|region| region.as_ref()),
            Some("us-east-1")
        );
        assert_eq!(given.endpoint_url(), Some("http://127.0.0.1:9"));

        let bare = super::sdk_config_from(None, |_| None);
        assert_eq!(bare.region(), None);
        assert_eq!(bare.endpoint_url(), None);
    }

    /// The functions keep the SDK's shared retry quota; only a policy without one gets a
    /// partition (and token bucket) of its own.
    #[tokio::test]
    async fn only_a_policy_without_quota_leaves_the_sdks_retry_partition() {
        let config = super::sdk_config(Some("http://127.0.0.1:9")).await;
        let standard = dynamodb_client_with(&config, DYNAMODB_POLICY);
        let standard = standard.config().retry_partition().cloned();
        assert!(
            standard.is_none() || standard == Some(RetryPartition::new("dynamodb")),
            "{standard:?}"
        );
        let lifted = dynamodb_client_with(&config, DYNAMODB_POLICY.without_retry_quota());
        let lifted = lifted.config().retry_partition().cloned();
        assert!(lifted.is_some(), "a partition of its own");
        assert_ne!(lifted, Some(RetryPartition::new("dynamodb")));
        let s3 = s3_client_with(&config, true, S3_POLICY.without_retry_quota());
        assert!(s3.config().retry_partition().is_some());
    }
}
