//! The embedded [`Blobs`]: objects as files under a root folder, reachable only through
//! HMAC-SHA256-signed links that the local runner serves at `{public_base_url}/blobs/{key}`.
//!
//! A link's query binds the method, expiry and (for uploads) content type, length and SHA-256;
//! the key is bound through the signature. Layout: `objects/<key>` holds the bytes and
//! `meta/<key>.json` the [`BlobMeta`] verified on upload; the bytes are renamed into place before
//! the metadata, so an object without metadata is an unfinished upload and does not exist.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use award_ports::blobs::{
    BlobError, BlobMeta, BlobUpload, Blobs, MAX_DOWNLOAD_TTL, MAX_UPLOAD_TTL, PresignedRequest,
    UploadSpec, check_part, check_sha256_hex, check_ttl,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// S3's longest object key, in bytes.
const MAX_KEY_BYTES: usize = 1024;
/// How a file being written starts its name, until it is renamed into place.
const TEMPORARY_PREFIX: &str = ".upload-";
/// HMAC-SHA256 keys shorter than the hash add no strength and hint at a misconfiguration.
pub const MIN_SECRET_BYTES: usize = 32;

/// Path characters kept as they are in a link; `/` separates the key's segments.
const KEY_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

const PARAM_METHOD: &str = "method";
const PARAM_EXPIRES: &str = "expires";
const PARAM_TYPE: &str = "type";
const PARAM_LENGTH: &str = "length";
const PARAM_SHA256: &str = "sha256";
const PARAM_SIGNATURE: &str = "signature";

/// Why a request on a presigned link was refused. Nothing is stored when an upload is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkRejection {
    #[error("the link has expired")]
    Expired,
    #[error("the link's signature does not match (tampered or forged link)")]
    BadSignature,
    #[error("the body is longer than the link allows")]
    TooLarge,
    #[error("the body is shorter than the link declares")]
    LengthMismatch,
    #[error("the body's SHA-256 differs from the one the link declares")]
    ChecksumMismatch,
    #[error("the Content-Type differs from the one the link declares")]
    TypeMismatch,
    #[error("no such object")]
    NotFound,
    #[error("storage error: {0}")]
    Io(String),
}

impl LinkRejection {
    /// The HTTP status the runner answers with.
    pub fn status(&self) -> u16 {
        match self {
            LinkRejection::Expired | LinkRejection::BadSignature => 403,
            LinkRejection::TooLarge => 413,
            LinkRejection::LengthMismatch
            | LinkRejection::ChecksumMismatch
            | LinkRejection::TypeMismatch => 400,
            LinkRejection::NotFound => 404,
            LinkRejection::Io(_) => 500,
        }
    }

    /// A stable machine-readable code for the error body.
    pub fn code(&self) -> &'static str {
        match self {
            LinkRejection::Expired => "link_expired",
            LinkRejection::BadSignature => "bad_signature",
            LinkRejection::TooLarge => "too_large",
            LinkRejection::LengthMismatch => "length_mismatch",
            LinkRejection::ChecksumMismatch => "checksum_mismatch",
            LinkRejection::TypeMismatch => "type_mismatch",
            LinkRejection::NotFound => "not_found",
            LinkRejection::Io(_) => "storage_error",
        }
    }
}

fn io_rejection(error: impl std::fmt::Display) -> LinkRejection {
    LinkRejection::Io(error.to_string())
}

fn backend(error: impl std::fmt::Display) -> BlobError {
    BlobError::Backend(error.to_string())
}

/// What a link signs. Download links leave the upload fields empty; the method keeps a download
/// link from being used as an upload link and back.
struct SignedFields<'a> {
    method: &'a str,
    key: &'a str,
    content_type: &'a str,
    content_length: &'a str,
    sha256_hex: &'a str,
    expires: i64,
}

impl SignedFields<'_> {
    /// Newline-separated: no signed value may contain a newline (keys and types are checked).
    fn canonical(&self) -> String {
        format!(
            "award-blob-link-v1\n{}\n{}\n{}\n{}\n{}\n{}",
            self.method,
            self.key,
            self.content_type,
            self.content_length,
            self.sha256_hex,
            self.expires
        )
    }
}

pub struct EmbeddedBlobs {
    objects: PathBuf,
    meta: PathBuf,
    public_base_url: String,
    /// HMAC-SHA256 keyed with the link secret, cloned for each signature.
    mac: HmacSha256,
}

impl EmbeddedBlobs {
    /// Stores objects under `root`; links start with `public_base_url` (the runner's address) and
    /// are signed with `secret` (at least [`MIN_SECRET_BYTES`] bytes).
    pub fn new(root: PathBuf, public_base_url: String, secret: Vec<u8>) -> Result<Self, BlobError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(BlobError::Invalid(format!(
                "the link secret must be at least {MIN_SECRET_BYTES} bytes"
            )));
        }
        let public_base_url = public_base_url.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&public_base_url)
            .map_err(|error| BlobError::Invalid(format!("public base URL: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(BlobError::Invalid(
                "the public base URL must be http(s) without a query".into(),
            ));
        }
        let mac = <HmacSha256 as Mac>::new_from_slice(&secret)
            .map_err(|error| BlobError::Invalid(error.to_string()))?;
        let objects = root.join("objects");
        let meta = root.join("meta");
        std::fs::create_dir_all(&objects).map_err(backend)?;
        std::fs::create_dir_all(&meta).map_err(backend)?;
        Ok(Self {
            objects,
            meta,
            public_base_url,
            mac,
        })
    }

    fn sign(&self, fields: &SignedFields<'_>) -> String {
        let mut mac = self.mac.clone();
        mac.update(fields.canonical().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Constant-time check of a link's signature.
    fn verify(&self, fields: &SignedFields<'_>, signature_hex: &str) -> Result<(), LinkRejection> {
        let signature = hex::decode(signature_hex).map_err(|_| LinkRejection::BadSignature)?;
        let mut mac = self.mac.clone();
        mac.update(fields.canonical().as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| LinkRejection::BadSignature)
    }

    fn link(&self, key: &str, params: &[(&str, String)]) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().map(|(name, value)| (*name, value.as_str())))
            .finish();
        format!(
            "{}/blobs/{}?{query}",
            self.public_base_url,
            utf8_percent_encode(key, KEY_PATH)
        )
    }

    fn object_path(&self, key: &str) -> PathBuf {
        self.objects.join(key)
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.meta.join(format!("{key}.json"))
    }

    fn read_meta(&self, key: &str) -> std::io::Result<Option<BlobMeta>> {
        match std::fs::read(self.meta_path(key)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The keys of every stored object whose key starts with `prefix` (`""`: all), in byte
    /// order. Not part of the port: the local runner reads it at start to deliver again the
    /// `ObjectCreated` events a crash may have lost, as S3 would have delivered them. An object
    /// is listed once its metadata is written, as [`Blobs::head`] sees it; an unfinished upload
    /// (bytes without metadata) is not, nor is a key whose last segment starts with `.upload-`
    /// (the name of a file still being written). Errors: `Backend` when the folder cannot be read.
    pub fn list_keys(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let mut keys = Vec::new();
        let mut folders = vec![(self.meta.clone(), String::new())];
        while let Some((folder, key_prefix)) = folders.pop() {
            for entry in std::fs::read_dir(&folder).map_err(backend)? {
                let entry = entry.map_err(backend)?;
                // A name that is not UTF-8 was never written for a key (keys are strings).
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                // `file_type` does not follow links: nothing outside the store is listed.
                let kind = entry.file_type().map_err(backend)?;
                if kind.is_dir() {
                    folders.push((entry.path(), format!("{key_prefix}{name}/")));
                } else if kind.is_file()
                    && !name.starts_with(TEMPORARY_PREFIX)
                    && let Some(stem) = name.strip_suffix(".json")
                {
                    let key = format!("{key_prefix}{stem}");
                    if key.starts_with(prefix) && check_key(&key).is_ok() {
                        keys.push(key);
                    }
                }
            }
        }
        keys.sort_unstable();
        Ok(keys)
    }

    /// Verifies a PUT made to a presigned upload link and stores the body. `content_type` is the
    /// request's Content-Type header. An identical re-upload succeeds and changes nothing.
    pub fn accept_upload(
        &self,
        key: &str,
        raw_query: &str,
        content_type: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<BlobMeta, LinkRejection> {
        // No link is ever signed for a malformed key, so one naming it is forged.
        check_key(key).map_err(|_| LinkRejection::BadSignature)?;
        let params = LinkParams::parse(raw_query)?;
        let fields = SignedFields {
            method: "PUT",
            key,
            content_type: params.required(PARAM_TYPE)?,
            content_length: params.required(PARAM_LENGTH)?,
            sha256_hex: params.required(PARAM_SHA256)?,
            expires: params.expires()?,
        };
        params.check_method("PUT")?;
        self.verify(&fields, params.required(PARAM_SIGNATURE)?)?;
        check_not_expired(fields.expires, now)?;

        let declared_length: u64 = fields
            .content_length
            .parse()
            .map_err(|_| LinkRejection::BadSignature)?;
        if content_type != Some(fields.content_type) {
            return Err(LinkRejection::TypeMismatch);
        }
        let length = body.len() as u64;
        if length > declared_length {
            return Err(LinkRejection::TooLarge);
        }
        if length < declared_length {
            return Err(LinkRejection::LengthMismatch);
        }
        let sha256_hex = hex::encode(Sha256::digest(body));
        if sha256_hex != fields.sha256_hex {
            return Err(LinkRejection::ChecksumMismatch);
        }

        let meta = BlobMeta {
            content_length: length,
            content_type: Some(fields.content_type.to_owned()),
            sha256_hex: Some(sha256_hex),
            version_id: None,
        };
        if self.read_meta(key).map_err(io_rejection)?.as_ref() == Some(&meta) {
            return Ok(meta);
        }
        write_atomically(&self.object_path(key), body).map_err(io_rejection)?;
        let meta_json = serde_json::to_vec(&meta).map_err(io_rejection)?;
        write_atomically(&self.meta_path(key), &meta_json).map_err(io_rejection)?;
        Ok(meta)
    }

    /// Verifies a GET made to a presigned download link and returns the object.
    pub fn read_download(
        &self,
        key: &str,
        raw_query: &str,
        now: DateTime<Utc>,
    ) -> Result<(BlobMeta, Vec<u8>), LinkRejection> {
        use std::io::Read as _;
        let (meta, mut file) = self.open_download(key, raw_query, now)?;
        let mut body = Vec::new();
        file.read_to_end(&mut body).map_err(io_rejection)?;
        Ok((meta, body))
    }

    /// Verifies a GET made to a presigned download link and opens the object's file, so that the
    /// runner sends it a chunk at a time (an archive may be large) rather than read whole.
    pub fn open_download(
        &self,
        key: &str,
        raw_query: &str,
        now: DateTime<Utc>,
    ) -> Result<(BlobMeta, std::fs::File), LinkRejection> {
        check_key(key).map_err(|_| LinkRejection::BadSignature)?;
        let params = LinkParams::parse(raw_query)?;
        let fields = SignedFields {
            method: "GET",
            key,
            content_type: "",
            content_length: "",
            sha256_hex: "",
            expires: params.expires()?,
        };
        params.check_method("GET")?;
        self.verify(&fields, params.required(PARAM_SIGNATURE)?)?;
        check_not_expired(fields.expires, now)?;

        let meta = self
            .read_meta(key)
            .map_err(io_rejection)?
            .ok_or(LinkRejection::NotFound)?;
        match std::fs::File::open(self.object_path(key)) {
            Ok(file) => Ok((meta, file)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(LinkRejection::NotFound)
            }
            Err(error) => Err(io_rejection(error)),
        }
    }
}

/// The parameters of a link's query, each present at most once.
struct LinkParams(Vec<(String, String)>);

impl LinkParams {
    fn parse(raw_query: &str) -> Result<Self, LinkRejection> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let mut names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        if names.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err(LinkRejection::BadSignature);
        }
        Ok(Self(pairs))
    }

    fn required(&self, name: &str) -> Result<&str, LinkRejection> {
        self.0
            .iter()
            .find(|(param, _)| param == name)
            .map(|(_, value)| value.as_str())
            .ok_or(LinkRejection::BadSignature)
    }

    fn expires(&self) -> Result<i64, LinkRejection> {
        self.required(PARAM_EXPIRES)?
            .parse()
            .map_err(|_| LinkRejection::BadSignature)
    }

    /// The method is signed too; this only turns a link used for the wrong verb into a clear refusal.
    fn check_method(&self, method: &str) -> Result<(), LinkRejection> {
        if self.required(PARAM_METHOD)? == method {
            Ok(())
        } else {
            Err(LinkRejection::BadSignature)
        }
    }
}

/// `expires` is in whole seconds, rounded down, so a link never outlives the `expires_at` it
/// advertised.
fn check_not_expired(expires: i64, now: DateTime<Utc>) -> Result<(), LinkRejection> {
    if now.timestamp() >= expires {
        Err(LinkRejection::Expired)
    } else {
        Ok(())
    }
}

fn expiry(now: DateTime<Utc>, expires_in: Duration) -> Result<DateTime<Utc>, BlobError> {
    TimeDelta::from_std(expires_in)
        .ok()
        .and_then(|ttl| now.checked_add_signed(ttl))
        .ok_or_else(|| BlobError::Invalid("link lifetime out of range".into()))
}

/// A key is a relative path of normal segments: no absolute path, no `.`/`..`, no empty segment,
/// no backslash or control character (which would break the signed canonical form).
fn check_key(key: &str) -> Result<(), BlobError> {
    let invalid = |why: &str| Err(BlobError::Invalid(format!("object key {key:?}: {why}")));
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return invalid("must be 1 to 1024 bytes");
    }
    if key.chars().any(|c| c.is_control() || c == '\\') {
        return invalid("must not contain control characters or backslashes");
    }
    if key.starts_with('/')
        || key
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."))
    {
        return invalid("must be a relative path without empty, '.' or '..' segments");
    }
    if !Path::new(key)
        .components()
        .all(|part| matches!(part, Component::Normal(_)))
    {
        return invalid("must stay inside the store");
    }
    Ok(())
}

fn check_content_type(content_type: &str) -> Result<(), BlobError> {
    if content_type.is_empty()
        || !content_type
            .chars()
            .all(|c| c.is_ascii_graphic() || c == ' ')
    {
        return Err(BlobError::Invalid(
            "content type must be printable ASCII".into(),
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so readers
/// see the old content or the new, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no parent folder"))?;
    std::fs::create_dir_all(folder)?;
    let mut temp = tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .tempfile_in(folder)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[async_trait]
impl Blobs for EmbeddedBlobs {
    async fn presign_upload(
        &self,
        spec: &UploadSpec,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError> {
        check_ttl(spec.expires_in, MAX_UPLOAD_TTL)?;
        check_sha256_hex(&spec.sha256_hex)?;
        check_key(&spec.key)?;
        check_content_type(&spec.content_type)?;
        let expires_at = expiry(now, spec.expires_in)?;
        let content_length = spec.content_length.to_string();
        let fields = SignedFields {
            method: "PUT",
            key: &spec.key,
            content_type: &spec.content_type,
            content_length: &content_length,
            sha256_hex: &spec.sha256_hex,
            expires: expires_at.timestamp(),
        };
        let signature = self.sign(&fields);
        let url = self.link(
            &spec.key,
            &[
                (PARAM_METHOD, "PUT".into()),
                (PARAM_EXPIRES, fields.expires.to_string()),
                (PARAM_TYPE, spec.content_type.clone()),
                (PARAM_LENGTH, content_length.clone()),
                (PARAM_SHA256, spec.sha256_hex.clone()),
                (PARAM_SIGNATURE, signature),
            ],
        );
        let digest =
            hex::decode(&spec.sha256_hex).map_err(|error| BlobError::Invalid(error.to_string()))?;
        Ok(PresignedRequest {
            method: "PUT".into(),
            url,
            headers: vec![
                ("Content-Type".into(), spec.content_type.clone()),
                ("Content-Length".into(), content_length),
                ("x-amz-checksum-sha256".into(), STANDARD.encode(digest)),
            ],
            expires_at,
        })
    }

    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        now: DateTime<Utc>,
    ) -> Result<PresignedRequest, BlobError> {
        check_ttl(expires_in, MAX_DOWNLOAD_TTL)?;
        check_key(key)?;
        let expires_at = expiry(now, expires_in)?;
        let fields = SignedFields {
            method: "GET",
            key,
            content_type: "",
            content_length: "",
            sha256_hex: "",
            expires: expires_at.timestamp(),
        };
        let signature = self.sign(&fields);
        let url = self.link(
            key,
            &[
                (PARAM_METHOD, "GET".into()),
                (PARAM_EXPIRES, fields.expires.to_string()),
                (PARAM_SIGNATURE, signature),
            ],
        );
        Ok(PresignedRequest {
            method: "GET".into(),
            url,
            headers: Vec::new(),
            expires_at,
        })
    }

    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        check_key(key)?;
        self.read_meta(key).map_err(backend)
    }

    /// Reads at most `len` bytes from the file, however large the object is
    /// ([`Blobs::read_range`] from byte 0).
    async fn read_prefix(&self, key: &str, len: u64) -> Result<Option<Vec<u8>>, BlobError> {
        self.read_range(key, 0, len).await
    }

    /// The store keeps one copy per key (an upload replaces it), so there is no other version
    /// to leave behind: `version_id` is ignored and the one copy is removed.
    async fn delete(&self, key: &str, _version_id: Option<&str>) -> Result<(), BlobError> {
        check_key(key)?;
        // The metadata goes first: without it the object no longer exists (see the module
        // docs), so a failure between the two removals leaves an unreachable file that the
        // next delete removes, never an object that `head` reports without its bytes.
        remove_if_present(&self.meta_path(key)).map_err(backend)?;
        remove_if_present(&self.object_path(key)).map_err(backend)
    }

    /// Seeks to `offset` and reads at most `len` bytes. An object exists when its metadata does
    /// (see the module docs); bytes that vanish after the metadata was read were deleted
    /// meanwhile, which is `None` as well.
    async fn read_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Option<Vec<u8>>, BlobError> {
        use std::io::{Read as _, Seek as _, SeekFrom};
        check_key(key)?;
        if self.read_meta(key).map_err(backend)?.is_none() {
            return Ok(None);
        }
        let mut file = match std::fs::File::open(self.object_path(key)) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(backend(error)),
        };
        file.seek(SeekFrom::Start(offset)).map_err(backend)?;
        let mut bytes = Vec::new();
        file.take(len).read_to_end(&mut bytes).map_err(backend)?;
        Ok(Some(bytes))
    }

    async fn start_upload(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<Box<dyn BlobUpload>, BlobError> {
        check_key(key)?;
        check_content_type(content_type)?;
        let object = self.object_path(key);
        let folder = object
            .parent()
            .ok_or_else(|| BlobError::Invalid(format!("object key {key:?}: no folder")))?;
        std::fs::create_dir_all(folder).map_err(backend)?;
        let temp = tempfile::Builder::new()
            .prefix(TEMPORARY_PREFIX)
            .tempfile_in(folder)
            .map_err(backend)?;
        Ok(Box::new(FileUpload {
            temp,
            object,
            meta: self.meta_path(key),
            content_type: content_type.to_owned(),
            digest: Sha256::new(),
            length: 0,
            last_part: None,
            parts: 0,
        }))
    }
}

/// An object being written: a temporary file beside where it will live, renamed into place (then
/// its metadata written) on completion; dropped, the temporary file is removed.
struct FileUpload {
    temp: tempfile::NamedTempFile,
    object: PathBuf,
    meta: PathBuf,
    content_type: String,
    digest: Sha256,
    length: u64,
    last_part: Option<usize>,
    parts: u32,
}

#[async_trait]
impl BlobUpload for FileUpload {
    async fn write_part(&mut self, part: Vec<u8>) -> Result<(), BlobError> {
        use std::io::Write as _;
        check_part(self.last_part, self.parts)?;
        self.temp.write_all(&part).map_err(backend)?;
        self.digest.update(&part);
        self.length += part.len() as u64;
        self.last_part = Some(part.len());
        self.parts += 1;
        Ok(())
    }

    async fn complete(self: Box<Self>) -> Result<BlobMeta, BlobError> {
        let FileUpload {
            temp,
            object,
            meta,
            content_type,
            digest,
            length,
            ..
        } = *self;
        temp.as_file().sync_all().map_err(backend)?;
        temp.persist(&object)
            .map_err(|error| backend(error.error))?;
        let stored = BlobMeta {
            content_length: length,
            content_type: Some(content_type),
            sha256_hex: Some(hex::encode(digest.finalize())),
            version_id: None,
        };
        let meta_json = serde_json::to_vec(&stored).map_err(backend)?;
        write_atomically(&meta, &meta_json).map_err(backend)?;
        Ok(stored)
    }

    async fn abort(self: Box<Self>) -> Result<(), BlobError> {
        self.temp.close().map_err(backend)
    }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
