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

    // The checksum signed is the caller's, not that of the empty body the presigner saw, and the
    // SDK added no checksum of its own (its default is CRC32 since 2025): a second checksum
    // header, computed on no body, would make S3 refuse every real upload.
    let empty_body_sha256 = base64_of(&Sha256::digest(b""));
    assert!(
        link.headers
            .iter()
            .all(|(_, value)| *value != empty_body_sha256),
        "{link:?}"
    );
    let everything = format!("{} {:?}", link.url, link.headers).to_ascii_lowercase();
    assert!(
        !everything.contains("crc32"),
        "no CRC32 anywhere: {everything}"
    );
    assert!(
        query_parameter(&link.url, "x-amz-checksum-sha256").is_none(),
        "the checksum travels as a signed header, so it cannot be dropped from the request"
    );
}

/// S3 refuses a PUT whose body's SHA-256 differs from the signed `x-amz-checksum-sha256`
/// (`BadDigest`, 400). moto does not (measured, see the module docs): it stores the body and
/// echoes the declared checksum. So this test proves the two halves S3's refusal rests on, one
/// level down: a body of other bytes but the same length is sent with the link's headers, and the
/// checksum the link made S3 check is still the declared one — never one computed from the body.
/// On AWS that PUT fails; the embedded adapter refuses it itself (`ChecksumMismatch`, see
/// `award-embedded`'s tests).
#[tokio::test]
async fn a_body_of_other_bytes_cannot_change_the_checksum_the_link_declares() {
    let moto = Moto::connect().await;
    let (blobs, _) = moto.bucket().await;
    let declared = b"%PDF-1.7 declared".to_vec();
    let forged = b"%PDF-1.7 FORGED!!".to_vec();
    assert_eq!(declared.len(), forged.len());
    let upload = spec("applications/A3/D3", &declared);
    let link = blobs
        .presign_upload(&upload, Utc::now())
        .await
        .expect("presign");
    let signed_checksum = link
        .headers
        .iter()
        .find(|(name, _)| name == "x-amz-checksum-sha256")
        .map(|(_, value)| value.clone());
    assert_eq!(signed_checksum, Some(base64_of(&Sha256::digest(&declared))));

    match HttpPresignedClient::new().execute(&link, forged).await {
        // What AWS answers: BadDigest.
        Err(status) => assert_eq!(status, 400),
        // What moto 5.2.5 does: it stores the body. What head reads back is still the declared
        // checksum, never one computed from the forged body: S3 is what checks the bytes.
        Ok(_) => {
            let meta = blobs.head("applications/A3/D3").await.expect("head");
            assert_eq!(
                meta.and_then(|meta| meta.sha256_hex),
                Some(upload.sha256_hex.clone())
            );
        }
    }
}

#[tokio::test]
async fn deleting_the_version_an_event_named_leaves_nothing_in_a_versioned_bucket() {
    let moto = Moto::connect().await;
    let (blobs, bucket) = moto.versioned_bucket().await;
    let body = b"%PDF-1.7 rejected".to_vec();
    let client = HttpPresignedClient::new();
    for key in ["applications/A4/D4", "applications/A4/PLAIN"] {
        let link = blobs
            .presign_upload(&spec(key, &body), Utc::now())
            .await
            .expect("presign");
        client.execute(&link, body.clone()).await.expect("upload");
    }
    let version = blobs
        .head("applications/A4/D4")
        .await
        .expect("head")
        .and_then(|meta| meta.version_id)
        .expect("a versioned bucket names the version");

    // Why the version matters: a plain DeleteObject only hides the bytes behind a delete marker.
    blobs
        .delete("applications/A4/PLAIN", None)
        .await
        .expect("plain delete");
    let (versions, markers) = versions_of(&moto, &bucket, "applications/A4/PLAIN").await;
    assert_eq!(
        (versions, markers),
        (1, 1),
        "a plain delete leaves a noncurrent version (the template's lifecycle rule expires it)"
    );

    blobs
        .delete("applications/A4/D4", Some(&version))
        .await
        .expect("delete the version");
    assert_eq!(
        versions_of(&moto, &bucket, "applications/A4/D4").await,
        (0, 0),
        "no version and no delete marker is left"
    );
    assert_eq!(blobs.head("applications/A4/D4").await.expect("head"), None);
    // A redelivered event deletes the same version again: harmless.
    blobs
        .delete("applications/A4/D4", Some(&version))
        .await
        .expect("deleting a deleted version succeeds");
}

/// (object versions, delete markers) stored under exactly `key`.
async fn versions_of(moto: &Moto, bucket: &str, key: &str) -> (usize, usize) {
    let listed = moto
        .s3
        .list_object_versions()
        .bucket(bucket)
        .prefix(key)
        .send()
        .await
        .expect("ListObjectVersions");
    (
        listed
            .versions()
            .iter()
            .filter(|version| version.key() == Some(key))
            .count(),
        listed
            .delete_markers()
            .iter()
            .filter(|marker| marker.key() == Some(key))
            .count(),
    )
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
            version_id: None,
        }),
        "an unversioned bucket names no version"
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
