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
/// The smallest part of a multipart upload other than the last, in bytes: S3's floor
/// (`EntityTooSmall` below it). [`BlobUpload::write_part`] refuses a smaller part that is followed
/// by another, on every adapter, so that what works locally works on S3.
pub const MIN_PART_BYTES: usize = 5 * 1024 * 1024;
/// The most parts one multipart upload may have (S3's limit).
pub const MAX_PARTS: u32 = 10_000;

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

    /// Bytes `offset .. offset + len` of the object at `key` (fewer at its end; none past it):
    /// a ranged GET, so that a large object is read a chunk at a time, never whole. `Ok(None)`
    /// when nothing is stored at the key. Not a way out of the bucket for anyone: only the
    /// server-side code that builds an archive (the Office's export) reads objects this way.
    async fn read_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Option<Vec<u8>>, BlobError>;

    /// Starts writing a new object at `key` of type `content_type`, in parts (an S3 multipart
    /// upload; a temporary file in the embedded store). Nothing is visible at `key` until
    /// [`BlobUpload::complete`]; an upload dropped or aborted leaves nothing behind (on S3 the
    /// bucket's lifecycle rule removes an incomplete upload a process died in).
    async fn start_upload(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<Box<dyn BlobUpload>, BlobError>;
}

/// An object being written in parts, in order ([`Blobs::start_upload`]).
#[async_trait]
pub trait BlobUpload: Send {
    /// Appends `part`. Every part but the last must be at least [`MIN_PART_BYTES`]: a part
    /// smaller than that ends the object, and another part after it is `Invalid` (S3 would
    /// refuse the completion); more than [`MAX_PARTS`] parts is `Invalid` too.
    async fn write_part(&mut self, part: Vec<u8>) -> Result<(), BlobError>;

    /// Makes the object visible at its key; its metadata carries the size in bytes and the
    /// SHA-256 of the whole content (computed while the parts went by), whatever the store keeps.
    async fn complete(self: Box<Self>) -> Result<BlobMeta, BlobError>;

    /// Gives the upload up; nothing is stored.
    async fn abort(self: Box<Self>) -> Result<(), BlobError>;
}

/// The part-size rule of [`BlobUpload::write_part`], kept once for every adapter: `previous` is
/// the size of the part before (`None` for the first), `count` the parts written so far.
pub fn check_part(previous: Option<usize>, count: u32) -> Result<(), BlobError> {
    if previous.is_some_and(|size| size < MIN_PART_BYTES) {
        return Err(BlobError::Invalid(format!(
            "only the last part may be smaller than {MIN_PART_BYTES} bytes"
        )));
    }
    if count >= MAX_PARTS {
        return Err(BlobError::Invalid(format!(
            "an upload has at most {MAX_PARTS} parts"
        )));
    }
    Ok(())
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
