//! S3 adapter rules beyond the Blobs contract: what the links sign, and what moto does with them.
//!
//! moto 5.2.5, measured: it checks neither a presigned URL's signature nor its expiry, does not
//! verify `x-amz-checksum-sha256` against the body (a wrong body is stored, no `BadDigest`), and
//! stores a checksum only when the PUT names its algorithm (`x-amz-sdk-checksum-algorithm`), which
//! is why the upload link sends that header too. HeadObject with checksum mode then returns the
//! declared checksum, base64, as AWS does. So S3's own enforcement (signature, expiry, digest) is
//! proven here by what the link signs, not by moto refusing a request.

mod common;

use std::time::Duration;

use award_ports::contract::PresignedClient;
use award_ports::{BlobMeta, Blobs, UploadSpec};
use chrono::{TimeZone, Utc};
use common::{HttpPresignedClient, Moto};
use sha2::{Digest, Sha256};

fn spec(key: &str, body: &[u8]) -> UploadSpec {
    UploadSpec {
        key: key.to_owned(),
        content_type: "application/pdf".to_owned(),
        content_length: body.len() as u64,
        sha256_hex: hex::encode(Sha256::digest(body)),
        expires_in: Duration::from_secs(600),
    }
}

fn query_parameter<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[tokio::test]
async fn upload_link_signs_type_length_and_checksum_from_the_given_now() {
    let moto = Moto::connect().await;
    let (blobs, bucket) = moto.bucket().await;
    let now = Utc
        .with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
        .single()
        .expect("a valid instant");
    let body = b"%PDF-1.7 evidence".to_vec();
    let link = blobs
        .presign_upload(&spec("applications/A1/D1", &body), now)
        .await
        .expect("presign");

    assert!(
        link.url
            .starts_with(&format!("{}/{bucket}/applications/A1/D1?", moto.url)),
        "path-style URL for the key: {}",
        link.url
    );
    assert_eq!(
        query_parameter(&link.url, "X-Amz-Date"),
        Some("20260301T080000Z")
    );
    assert_eq!(query_parameter(&link.url, "X-Amz-Expires"), Some("600"));
    assert_eq!(
        query_parameter(&link.url, "X-Amz-SignedHeaders"),
        Some(
            "content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256%3Bx-amz-sdk-checksum-algorithm"
        ),
        "S3 refuses a PUT whose length, type or checksum differ from the signed ones"
    );
    let mut headers = link.headers.clone();
    headers.sort();
    assert_eq!(
        headers,
        [
            ("content-length".to_owned(), body.len().to_string()),
            ("content-type".to_owned(), "application/pdf".to_owned()),
            (
                "x-amz-checksum-sha256".to_owned(),
                base64_of(&Sha256::digest(&body)),
            ),
            (
                "x-amz-sdk-checksum-algorithm".to_owned(),
                "SHA256".to_owned()
            ),
        ]
    );
    assert_eq!(link.expires_at, now + chrono::TimeDelta::seconds(600));
}

#[tokio::test]
async fn head_reports_the_stored_checksum_as_hex() {
    let moto = Moto::connect().await;
    let (blobs, _) = moto.bucket().await;
    let body = "质量管理体系认证证书".as_bytes().to_vec();
    let upload = spec("applications/A2/D2", &body);
    let link = blobs
        .presign_upload(&upload, Utc::now())
        .await
        .expect("presign");
    HttpPresignedClient::new()
        .execute(&link, body.clone())
        .await
        .expect("the upload succeeds");

    assert_eq!(
        blobs.head("applications/A2/D2").await.expect("head"),
        Some(BlobMeta {
            content_length: body.len() as u64,
            content_type: Some("application/pdf".to_owned()),
            sha256_hex: Some(upload.sha256_hex.clone()),
        })
    );
}

#[tokio::test]
async fn head_in_a_missing_bucket_is_none() {
    // A HeadObject response has no body, so S3 cannot say whether the bucket or the key is
    // missing: both read as "no such object", which is the truth for the caller.
    let moto = Moto::connect().await;
    let blobs = award_aws::S3Blobs::new(moto.s3.clone(), common::unique_name("no-such-bucket"));
    assert_eq!(blobs.head("applications/A/D").await.expect("head"), None);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
