//! The Blobs port: the private evidence bucket. Nobody reads or writes it except through a
//! short-lived presigned request that binds exactly what was declared (Art. 19).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Upload links live at most this long.
pub const MAX_UPLOAD_TTL: Duration = Duration::from_secs(15 * 60);
/// Download links live at most this long.
pub const MAX_DOWNLOAD_TTL: Duration = Duration::from_secs(5 * 60);

/// What an upload link binds: the object key, its type, its exact length and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSpec {
    pub key: String,
    pub content_type: String,
    pub content_length: u64,
    /// The SHA-256 of the content, 64 lowercase hex digits.
    pub sha256_hex: String,
    pub expires_in: Duration,
}

/// A request the holder may make once the link is issued: send exactly these headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresignedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

/// What the store knows of a stored object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobMeta {
    pub content_length: u64,
    pub content_type: Option<String>,
    /// The SHA-256 the store verified on upload, 64 lowercase hex digits, when it kept one.
    /// `None` (no stored checksum, or one of a multipart upload's parts) means the content cannot
    /// be verified: callers must treat it as a mismatch, never as a pass (Art. 19).
    pub sha256_hex: Option<String>,
    /// The S3 version of the current object on a versioned bucket (`x-amz-version-id`); `None`
    /// where the store keeps no versions (the embedded store, an unversioned bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("invalid blob request: {0}")]
    Invalid(String),
    #[error("blob backend error: {0}")]
    Backend(String),
    /// The store is overloaded or did not answer (S3 `503 SlowDown`, a 5xx, a timeout, a broken
    /// connection): worth retrying later; answered `service_busy`, never `internal`.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Blobs: Send + Sync {
    /// A PUT link for exactly `spec`, valid from `now` for `spec.expires_in` (at most
    /// [`MAX_UPLOAD_TTL`]).
    async fn presign_upload(
        &self,
        spec: &UploadSpec,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError>;

    /// A GET link for `key`, valid from `now` for `expires_in` (at most [`MAX_DOWNLOAD_TTL`]).
    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError>;

    /// The stored object's metadata, `None` when there is no such object.
    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError>;

    /// The first `len` bytes of the object stored at `key` (all of it when shorter): a ranged GET
    /// (`Range: bytes=0-{len-1}`), so a file's signature is read without downloading it. `Ok(None)`
    /// when nothing is stored at the key. Errors: the store's failures.
    async fn read_prefix(&self, key: &str, len: u64) -> Result<Option<Vec<u8>>, BlobError>;

    /// Removes the object at `key` for good. With `version_id` (the `versionId` of an S3 event,
    /// or [`BlobMeta::version_id`]) exactly that version is removed, leaving no noncurrent copy
    /// and no delete marker; without one, the current object is removed (on a versioned bucket
    /// S3 then keeps a noncurrent version until the bucket's lifecycle rule expires it). A store
    /// without versions removes its one copy whatever `version_id` says. Removing what is not
    /// there succeeds, as S3's DeleteObject does, so that a retried delete is harmless.
    async fn delete(&self, key: &str, version_id: Option<&str>) -> Result<(), BlobError>;
}

/// Rejects a TTL over the port's limit, so that no adapter can issue a long-lived link.
pub fn check_ttl(expires_in: Duration, max: Duration) -> Result<(), BlobError> {
    if expires_in.is_zero() || expires_in > max {
        return Err(BlobError::Invalid(format!(
            "link lifetime must be between 1 s and {} s, got {} s",
            max.as_secs(),
            expires_in.as_secs()
        )));
    }
    Ok(())
}

/// Checks a declared SHA-256 is 64 lowercase hex digits.
pub fn check_sha256_hex(sha256_hex: &str) -> Result<(), BlobError> {
    if sha256_hex.len() == 64
        && sha256_hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(BlobError::Invalid(
            "sha256 must be 64 lowercase hex digits".into(),
        ))
    }
}
