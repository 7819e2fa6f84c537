//! What every test against moto's server needs: the server's address, clients pointed at it,
//! unique resource names, and an HTTP client that performs presigned requests.
#![allow(dead_code)] // each test binary uses a different part

use async_trait::async_trait;
use award_ports::PresignedRequest;
use award_ports::contract::PresignedClient;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

/// moto's address, from `MOTO_URL`. A missing server is a failure, never a silent skip: these tests
/// are the only proof that the AWS adapters work.
pub fn moto_url() -> String {
    match std::env::var("MOTO_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim_end_matches('/').to_owned(),
        _ => panic!(
            "MOTO_URL is not set: the award-aws tests need moto's server. Run them with `make test` \
             (scripts/test.sh starts moto and sets MOTO_URL), or run one command under it: \
             `scripts/test.sh cargo test -p award-aws`"
        ),
    }
}

/// A name no other test (or earlier run against the same server) uses: lowercase, as bucket names
/// must be.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", ulid::Ulid::new().to_string().to_lowercase())
}

/// Clients for moto's server.
pub struct Moto {
    pub url: String,
    pub config: SdkConfig,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub ses: aws_sdk_ses::Client,
}

impl Moto {
    pub async fn connect() -> Self {
        let url = moto_url();
        // Dummy credentials and a fixed region whatever the environment says, so these tests can
        // never reach a real AWS account. SES exists in us-east-1 (not in the China regions).
        let config = award_aws::sdk_config(Some(&url))
            .await
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(Credentials::from_keys(
                "testing", "testing", None,
            )))
            .region(aws_config::Region::new("us-east-1"))
            .build();
        Self {
            dynamodb: aws_sdk_dynamodb::Client::new(&config),
            s3: award_aws::s3_client(&config, true),
            ses: aws_sdk_ses::Client::new(&config),
            url,
            config,
        }
    }

    /// A fresh table, created as the template declares it.
    pub async fn table(&self) -> (award_aws::DynamoTable, String) {
        let name = unique_name("award-test");
        award_aws::create_table(&self.dynamodb, &name)
            .await
            .expect("create the table on moto");
        (
            award_aws::DynamoTable::new(self.dynamodb.clone(), &name),
            name,
        )
    }

    /// A fresh bucket.
    pub async fn bucket(&self) -> (award_aws::S3Blobs, String) {
        let name = unique_name("award-test");
        award_aws::create_bucket(&self.s3, &name)
            .await
            .expect("create the bucket on moto");
        (award_aws::S3Blobs::new(self.s3.clone(), &name), name)
    }

    /// A fresh bucket with versioning enabled, as the template declares the evidence bucket.
    pub async fn versioned_bucket(&self) -> (award_aws::S3Blobs, String) {
        let (blobs, name) = self.bucket().await;
        self.s3
            .put_bucket_versioning()
            .bucket(&name)
            .versioning_configuration(
                aws_sdk_s3::types::VersioningConfiguration::builder()
                    .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .expect("enable versioning on moto");
        (blobs, name)
    }

    /// Everything moto has recorded (`GET /moto-api/data.json`), e.g. the mail SES "sent".
    pub async fn recorded_data(&self) -> serde_json::Value {
        reqwest::get(format!("{}/moto-api/data.json", self.url))
            .await
            .expect("moto answers /moto-api/data.json")
            .error_for_status()
            .expect("moto's data.json")
            .json()
            .await
            .expect("moto's data.json is JSON")
    }
}

/// Performs a presigned request over HTTP, sending exactly the headers the presigner returned.
pub struct HttpPresignedClient {
    http: reqwest::Client,
}

impl HttpPresignedClient {
    pub fn new() -> Self {
        Self {
            http: reqwest::Client::new(),
        }
    }
}

#[async_trait]
impl PresignedClient for HttpPresignedClient {
    async fn execute(&self, request: &PresignedRequest, body: Vec<u8>) -> Result<Vec<u8>, u16> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .unwrap_or_else(|_| panic!("presigned method {}", request.method));
        let mut builder = self.http.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if !body.is_empty() {
            builder = builder.body(body);
        }
        let response = builder
            .send()
            .await
            .unwrap_or_else(|error| panic!("presigned {} failed: {error}", request.method));
        let status = response.status();
        let bytes = response.bytes().await.map_err(|_| status.as_u16())?;
        if status.is_success() {
            Ok(bytes.to_vec())
        } else {
            eprintln!(
                "presigned {} → {status}: {}",
                request.method,
                String::from_utf8_lossy(&bytes)
            );
            Err(status.as_u16())
        }
    }
}
