//! The Blobs port on S3: presigned `PutObject` / `GetObject` links, `HeadObject` and ranged
//! `GetObject`.
//!
//! An upload link binds the key, `Content-Type`, `Content-Length` and `x-amz-checksum-sha256` as
//! signed headers, so S3 refuses a PUT that sends anything else, and S3 itself verifies the body's
//! SHA-256 against the declared one (`BadDigest`). The holder must send exactly the headers returned.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use award_ports::blobs::{self, MAX_DOWNLOAD_TTL, MAX_UPLOAD_TTL};
use award_ports::{BlobError, BlobMeta, BlobUpload, Blobs, PresignedRequest, UploadSpec};
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::presigning::{PresignedRequest as SdkPresignedRequest, PresigningConfig};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload,
    CompletedPart, CreateBucketConfiguration,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use crate::{SetupError, full_message};

/// The evidence bucket on S3.
#[derive(Debug, Clone)]
pub struct S3Blobs {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Blobs {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn presign_upload(
        &self,
        spec: &UploadSpec,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError> {
        blobs::check_ttl(spec.expires_in, MAX_UPLOAD_TTL)?;
        blobs::check_sha256_hex(&spec.sha256_hex)?;
        let content_length = i64::try_from(spec.content_length)
            .map_err(|_| BlobError::Invalid("content length too large".into()))?;
        let digest = hex::decode(&spec.sha256_hex)
            .map_err(|error| BlobError::Invalid(format!("sha256: {error}")))?;
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&spec.key)
            .content_type(&spec.content_type)
            .content_length(content_length)
            // S3 itself needs only the checksum header; naming the algorithm as well (as the SDKs
            // do) is harmless there and is what makes moto store the checksum at all.
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(STANDARD.encode(digest))
            .presigned(presigning_config(now, spec.expires_in)?)
            .await
            .map_err(backend)?;
        Ok(port_request(&presigned, now, spec.expires_in))
    }

    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError> {
        blobs::check_ttl(expires_in, MAX_DOWNLOAD_TTL)?;
        let presigned = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(presigning_config(now, expires_in)?)
            .await
            .map_err(backend)?;
        Ok(port_request(&presigned, now, expires_in))
    }

    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        let output = match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            // Without checksum mode S3 does not return the stored checksum.
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
        {
            Ok(output) => output,
            Err(SdkError::ServiceError(context))
                if matches!(context.err(), HeadObjectError::NotFound(_)) =>
            {
                return Ok(None);
            }
            Err(error) => return Err(sdk_error(error)),
        };
        let content_length = output
            .content_length()
            .and_then(|length| u64::try_from(length).ok())
            .ok_or_else(|| BlobError::Backend(format!("HeadObject {key}: no content length")))?;
        Ok(Some(BlobMeta {
            content_length,
            content_type: output.content_type().map(str::to_owned),
            sha256_hex: output.checksum_sha256().and_then(sha256_hex_of_checksum),
            // An unversioned bucket sends no version, a suspended one "null": both name no
            // version a DeleteObject could target beyond the plain key.
            version_id: output
                .version_id()
                .filter(|version| *version != "null")
                .map(str::to_owned),
        }))
    }

    /// The ranged GET of [`Blobs::read_range`] from byte 0: an empty object has no byte 0, so S3
    /// refuses any range on it (416 InvalidRange), which is an empty prefix, never a missing key.
    async fn read_prefix(&self, key: &str, len: u64) -> Result<Option<Vec<u8>>, BlobError> {
        self.read_range(key, 0, len).await
    }

    async fn delete(&self, key: &str, version_id: Option<&str>) -> Result<(), BlobError> {
        // DeleteObject answers 204 for a missing key or version too: no special case needed.
        // With a version id it removes that version for good (no delete marker), which needs
        // s3:DeleteObjectVersion (see the template).
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn read_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Option<Vec<u8>>, BlobError> {
        if len == 0 {
            // No Range header names zero bytes: only whether the object exists is asked.
            return Ok(self.head(key).await?.map(|_| Vec::new()));
        }
        let last = offset.saturating_add(len - 1);
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(format!("bytes={offset}-{last}"))
            .send()
            .await
        {
            Ok(output) => output,
            Err(SdkError::ServiceError(context))
                if matches!(context.err(), GetObjectError::NoSuchKey(_)) =>
            {
                return Ok(None);
            }
            // A range starting at or past the end (416 InvalidRange): no bytes there.
            Err(SdkError::ServiceError(context)) if context.raw().status().as_u16() == 416 => {
                return Ok(Some(Vec::new()));
            }
            Err(error) => return Err(sdk_error(error)),
        };
        // The body broke off mid-way: a transient failure like a lost answer.
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|error| BlobError::Unavailable(full_message(&error)))?
            .into_bytes();
        // A store that ignores the Range header sends the whole object: keep what was asked for.
        let end = usize::try_from(len).unwrap_or(usize::MAX).min(bytes.len());
        Ok(Some(bytes[..end].to_vec()))
    }

    async fn start_upload(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<Box<dyn BlobUpload>, BlobError> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(sdk_error)?;
        let upload_id = created
            .upload_id()
            .ok_or_else(|| BlobError::Backend(format!("CreateMultipartUpload {key}: no id")))?
            .to_owned();
        Ok(Box::new(S3Upload {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            content_type: content_type.to_owned(),
            upload_id,
            parts: Vec::new(),
            last_part: None,
            digest: Sha256::new(),
            length: 0,
        }))
    }
}

/// An S3 multipart upload in progress: each part is sent as it comes (`UploadPart`), so at
/// most one part is held in memory; the SHA-256 of the whole is computed on the way, since S3's
/// own checksum of a multipart object is a checksum of the parts' checksums.
struct S3Upload {
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    content_type: String,
    upload_id: String,
    parts: Vec<CompletedPart>,
    last_part: Option<usize>,
    digest: Sha256,
    length: u64,
}

#[async_trait]
impl BlobUpload for S3Upload {
    async fn write_part(&mut self, part: Vec<u8>) -> Result<(), BlobError> {
        let count = u32::try_from(self.parts.len()).unwrap_or(u32::MAX);
        blobs::check_part(self.last_part, count)?;
        let number =
            i32::try_from(count + 1).map_err(|_| BlobError::Invalid("too many parts".into()))?;
        self.digest.update(&part);
        let size = part.len();
        let output = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .part_number(number)
            .body(ByteStream::from(part))
            .send()
            .await
            .map_err(sdk_error)?;
        self.parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(output.e_tag().map(str::to_owned))
                .build(),
        );
        self.length += size as u64;
        self.last_part = Some(size);
        Ok(())
    }

    async fn complete(self: Box<Self>) -> Result<BlobMeta, BlobError> {
        let upload = *self;
        if upload.parts.is_empty() {
            // S3 completes no upload without a part: an empty object is one plain PUT.
            upload.abort_upload().await?;
            upload
                .client
                .put_object()
                .bucket(&upload.bucket)
                .key(&upload.key)
                .content_type(&upload.content_type)
                .body(ByteStream::from(Vec::new()))
                .send()
                .await
                .map_err(sdk_error)?;
        } else {
            let completed = upload
                .client
                .complete_multipart_upload()
                .bucket(&upload.bucket)
                .key(&upload.key)
                .upload_id(&upload.upload_id)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(upload.parts.clone()))
                        .build(),
                )
                .send()
                .await;
            match completed {
                Ok(_) => {}
                // The SDK retried a completion whose answer was lost: S3 no longer knows the
                // upload (404 NoSuchUpload) because it completed it. The object at the key with
                // exactly the bytes sent is that completion.
                Err(SdkError::ServiceError(context))
                    if context.raw().status().as_u16() == 404
                        && upload.stored_length().await? == Some(upload.length) => {}
                Err(error) => return Err(sdk_error(error)),
            }
        }
        let version_id = upload.head_version().await?;
        Ok(BlobMeta {
            content_length: upload.length,
            content_type: Some(upload.content_type),
            sha256_hex: Some(hex::encode(upload.digest.finalize())),
            version_id,
        })
    }

    async fn abort(self: Box<Self>) -> Result<(), BlobError> {
        self.abort_upload().await
    }
}

impl S3Upload {
    async fn abort_upload(&self) -> Result<(), BlobError> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The length of the object now stored at the key, `None` when there is none.
    async fn stored_length(&self) -> Result<Option<u64>, BlobError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(&self.key)
            .send()
            .await
        {
            Ok(output) => Ok(output
                .content_length()
                .and_then(|length| u64::try_from(length).ok())),
            Err(SdkError::ServiceError(context))
                if matches!(context.err(), HeadObjectError::NotFound(_)) =>
            {
                Ok(None)
            }
            Err(error) => Err(sdk_error(error)),
        }
    }

    /// The version the completed object got, as [`Blobs::head`] reports it.
    async fn head_version(&self) -> Result<Option<String>, BlobError> {
        let output = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(&self.key)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(output
            .version_id()
            .filter(|version| *version != "null")
            .map(str::to_owned))
    }
}

/// S3 returns `x-amz-checksum-sha256` as base64 of the 32-byte digest. An object uploaded in parts
/// carries a checksum of the parts' checksums (`…-N`) instead, which is no SHA-256 of the content:
/// report that as unknown rather than as a wrong value.
///
/// moto 5.2.5, measured: HeadObject returns the base64 digest sent with the PUT, as AWS does, but
/// only when the PUT also sent `x-amz-sdk-checksum-algorithm`; and moto never checks that digest
/// against the body (AWS answers `BadDigest`), so on moto this echoes the declaration.
fn sha256_hex_of_checksum(checksum: &str) -> Option<String> {
    let digest = STANDARD.decode(checksum).ok()?;
    (digest.len() == 32).then(|| hex::encode(digest))
}

/// The link is valid from the caller's `now`, not from the machine's clock, so that the domain's
/// notion of time is the only one.
fn presigning_config(
    now: DateTime<Utc>,
    expires_in: Duration,
) -> Result<PresigningConfig, BlobError> {
    PresigningConfig::builder()
        .start_time(SystemTime::from(now))
        .expires_in(expires_in)
        .build()
        .map_err(|error| BlobError::Invalid(full_message(&error)))
}

fn port_request(
    presigned: &SdkPresignedRequest,
    now: DateTime<Utc>,
    expires_in: Duration,
) -> PresignedRequest {
    let lifetime = chrono::Duration::from_std(expires_in).unwrap_or(chrono::Duration::zero());
    PresignedRequest {
        method: presigned.method().to_owned(),
        url: presigned.uri().to_owned(),
        headers: presigned
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        expires_at: now + lifetime,
    }
}

fn backend<E: std::error::Error>(error: E) -> BlobError {
    BlobError::Backend(full_message(&error))
}

/// The port's error for an S3 call that failed: `503 SlowDown`, any 5xx, no answer, a broken
/// connection or an unreadable answer is `Unavailable` (retried later); the rest `Backend`.
fn sdk_error<E: std::error::Error + 'static>(error: SdkError<E>) -> BlobError {
    let message = full_message(&error);
    match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            BlobError::Unavailable(message)
        }
        SdkError::ServiceError(context) if context.raw().status().is_server_error() => {
            BlobError::Unavailable(message)
        }
        _ => BlobError::Backend(message),
    }
}

/// Creates a bucket in the client's region (tests and local bootstrap; on AWS the template does it).
pub async fn create_bucket(client: &aws_sdk_s3::Client, bucket: &str) -> Result<(), SetupError> {
    let mut request = client.create_bucket().bucket(bucket);
    // us-east-1 is the one region that rejects an explicit location constraint.
    if let Some(region) = client
        .config()
        .region()
        .map(|region| region.as_ref().to_owned())
        && region != "us-east-1"
    {
        request = request.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region.as_str()))
                .build(),
        );
    }
    request
        .send()
        .await
        .map_err(|error| SetupError::new("CreateBucket", error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_converts_to_hex_and_multipart_checksums_are_unknown() {
        // SHA-256 of "abc".
        let hex_digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let base64_digest = STANDARD.encode(hex::decode(hex_digest).unwrap());
        assert_eq!(
            sha256_hex_of_checksum(&base64_digest).as_deref(),
            Some(hex_digest)
        );
        assert_eq!(sha256_hex_of_checksum(&format!("{base64_digest}-3")), None);
        assert_eq!(sha256_hex_of_checksum("AAAA"), None);
    }
}
