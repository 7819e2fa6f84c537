//! The Blobs contract against the embedded store, and every way a presigned link is refused.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use award_embedded::{EmbeddedBlobs, LinkRejection};
use award_ports::blobs::{BlobError, Blobs, PresignedRequest, UploadSpec};
use award_ports::contract::{PresignedClient, blobs_contract};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

const BASE_URL: &str = "http://127.0.0.1:8787";
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn store(dir: &tempfile::TempDir) -> EmbeddedBlobs {
    EmbeddedBlobs::new(
        dir.path().join("blobs"),
        format!("{BASE_URL}/"),
        SECRET.to_vec(),
    )
    .expect("store")
}

/// What the runner does with a request to a link: split the URL, then call the store.
struct Request {
    key: String,
    query: String,
}

fn split(url: &str) -> Request {
    let url = url::Url::parse(url).expect("a URL");
    let path = url.path().strip_prefix("/blobs/").expect("a /blobs/ path");
    Request {
        key: percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .expect("UTF-8 key")
            .into_owned(),
        query: url.query().unwrap_or_default().to_owned(),
    }
}

fn header<'a>(request: &'a PresignedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Calls the store directly, as the local runner does for HTTP requests.
struct DirectClient {
    blobs: Arc<EmbeddedBlobs>,
    now: DateTime<Utc>,
}

#[async_trait]
impl PresignedClient for DirectClient {
    async fn execute(&self, request: &PresignedRequest, body: Vec<u8>) -> Result<Vec<u8>, u16> {
        let Request { key, query } = split(&request.url);
        match request.method.as_str() {
            "PUT" => self
                .blobs
                .accept_upload(
                    &key,
                    &query,
                    header(request, "content-type"),
                    &body,
                    self.now,
                )
                .map(|_| Vec::new())
                .map_err(|rejection| rejection.status()),
            "GET" => self
                .blobs
                .read_download(&key, &query, self.now)
                .map(|(_, body)| body)
                .map_err(|rejection| rejection.status()),
            _ => Err(405),
        }
    }
}

#[tokio::test]
async fn embedded_blobs_pass_the_blobs_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = Arc::new(store(&dir));
    let now = Utc::now();
    let client = DirectClient {
        blobs: blobs.clone(),
        now,
    };
    blobs_contract(blobs.as_ref(), &client, "contract/run-1", now).await;
}

const BODY: &[u8] = b"%PDF-1.7 evidence of the quality management system";

fn spec(key: &str) -> UploadSpec {
    UploadSpec {
        key: key.into(),
        content_type: "application/pdf".into(),
        content_length: BODY.len() as u64,
        sha256_hex: hex::encode(Sha256::digest(BODY)),
        expires_in: Duration::from_secs(600),
    }
}

fn issued_at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-01T08:00:00.250Z")
        .expect("date")
        .with_timezone(&Utc)
}

/// Replaces one query parameter's value, keeping the others.
fn with_param(query: &str, name: &str, value: &str) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(n, v)| {
            let replaced = if n == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (n.into_owned(), replaced)
        })
        .collect();
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn upload_link(blobs: &EmbeddedBlobs, key: &str) -> Request {
    split(
        &blobs
            .presign_upload(&spec(key), issued_at())
            .await
            .expect("presign")
            .url,
    )
}

/// One request on an upload link, and the refusal it must get.
struct Attempt {
    what: &'static str,
    key: String,
    query: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    at: DateTime<Utc>,
    expected: LinkRejection,
}

#[tokio::test]
async fn every_refused_upload_names_its_reason_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = store(&dir);
    let key = "applications/01JAPP/01JDOC";
    let link = upload_link(&blobs, key).await;
    let now = issued_at() + TimeDelta::seconds(30);
    let expired_at = issued_at() + TimeDelta::seconds(600);
    let mut longer = BODY.to_vec();
    longer.push(b'!');
    let mut altered = BODY.to_vec();
    altered[0] = b'#';
    // An honest request on the untouched link; each case changes one thing.
    let honest = |what, expected| Attempt {
        what,
        key: key.to_owned(),
        query: link.query.clone(),
        content_type: Some("application/pdf"),
        body: BODY.to_vec(),
        at: now,
        expected,
    };
    let tampered = |what, name, value: &str| Attempt {
        query: with_param(&link.query, name, value),
        ..honest(what, LinkRejection::BadSignature)
    };

    let cases = vec![
        Attempt {
            at: expired_at,
            ..honest("expired", LinkRejection::Expired)
        },
        Attempt {
            at: expired_at + TimeDelta::days(1),
            ..honest("long expired", LinkRejection::Expired)
        },
        tampered("signature changed", "signature", &"0".repeat(64)),
        tampered("signature not hex", "signature", "zz"),
        tampered("length raised", "length", "1000000"),
        Attempt {
            content_type: Some("text/html"),
            ..tampered("type changed", "type", "text/html")
        },
        Attempt {
            body: altered.clone(),
            ..tampered(
                "checksum changed",
                "sha256",
                &hex::encode(Sha256::digest(&altered)),
            )
        },
        Attempt {
            at: expired_at,
            ..tampered(
                "expiry extended",
                "expires",
                &(expired_at.timestamp() + 3600).to_string(),
            )
        },
        Attempt {
            key: "applications/01JAPP/OTHER".into(),
            ..honest("another key", LinkRejection::BadSignature)
        },
        Attempt {
            query: link
                .query
                .split("&signature=")
                .next()
                .expect("query")
                .to_owned(),
            ..honest("signature missing", LinkRejection::BadSignature)
        },
        Attempt {
            query: format!("{}&length=1", link.query),
            ..honest("parameter repeated", LinkRejection::BadSignature)
        },
        Attempt {
            body: longer,
            ..honest("oversize", LinkRejection::TooLarge)
        },
        Attempt {
            body: BODY[..BODY.len() - 1].to_vec(),
            ..honest("short body", LinkRejection::LengthMismatch)
        },
        Attempt {
            body: altered.clone(),
            ..honest("wrong checksum", LinkRejection::ChecksumMismatch)
        },
        Attempt {
            content_type: Some("application/octet-stream"),
            ..honest("wrong content type", LinkRejection::TypeMismatch)
        },
        Attempt {
            content_type: None,
            ..honest("no content type", LinkRejection::TypeMismatch)
        },
    ];
    for case in cases {
        let result = blobs.accept_upload(
            &case.key,
            &case.query,
            case.content_type,
            &case.body,
            case.at,
        );
        assert_eq!(result, Err(case.expected), "{}", case.what);
        assert_eq!(
            blobs.head(&case.key).await.expect("head"),
            None,
            "{}: nothing stored",
            case.what
        );
    }

    let just_in_time = expired_at - TimeDelta::seconds(1);
    let meta = blobs
        .accept_upload(
            key,
            &link.query,
            Some("application/pdf"),
            BODY,
            just_in_time,
        )
        .expect("the untouched link works until it expires");
    assert_eq!(meta.content_length, BODY.len() as u64);
    assert_eq!(blobs.head(key).await.expect("head"), Some(meta));
}

#[tokio::test]
async fn a_download_link_is_not_an_upload_link_and_checks_its_own_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = store(&dir);
    let key = "applications/01JAPP/01JDOC";
    let download = split(
        &blobs
            .presign_download(key, Duration::from_secs(60), issued_at())
            .await
            .expect("presign")
            .url,
    );
    let now = issued_at() + TimeDelta::seconds(1);
    assert_eq!(
        blobs.read_download(key, &download.query, now),
        Err(LinkRejection::NotFound)
    );

    let upload = upload_link(&blobs, key).await;
    blobs
        .accept_upload(key, &upload.query, Some("application/pdf"), BODY, now)
        .expect("upload");
    assert_eq!(
        blobs.accept_upload(key, &download.query, Some("application/pdf"), BODY, now),
        Err(LinkRejection::BadSignature),
        "a download link cannot upload"
    );
    assert_eq!(
        blobs.read_download(key, &upload.query, now).map(|_| ()),
        Err(LinkRejection::BadSignature),
        "an upload link cannot download"
    );
    let (meta, body) = blobs
        .read_download(key, &download.query, now)
        .expect("download");
    assert_eq!(body, BODY);
    assert_eq!(meta.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        blobs
            .read_download(key, &download.query, issued_at() + TimeDelta::seconds(60))
            .map(|_| ()),
        Err(LinkRejection::Expired)
    );
    assert_eq!(
        blobs
            .read_download("applications/01JAPP/OTHER", &download.query, now)
            .map(|_| ()),
        Err(LinkRejection::BadSignature)
    );

    let other_secret = EmbeddedBlobs::new(
        dir.path().join("blobs"),
        BASE_URL.into(),
        b"another secret, 32 bytes or more".to_vec(),
    )
    .expect("store");
    assert_eq!(
        other_secret
            .read_download(key, &download.query, now)
            .map(|_| ()),
        Err(LinkRejection::BadSignature),
        "a link signed with another secret is refused"
    );
}

#[tokio::test]
async fn an_identical_re_upload_succeeds_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = store(&dir);
    let key = "applications/01JAPP/01JDOC";
    let link = upload_link(&blobs, key).await;
    let now = issued_at();
    let first = blobs
        .accept_upload(key, &link.query, Some("application/pdf"), BODY, now)
        .expect("first upload");
    let again = blobs
        .accept_upload(key, &link.query, Some("application/pdf"), BODY, now)
        .expect("identical re-upload");
    assert_eq!(first, again);
    assert_eq!(first.sha256_hex, Some(hex::encode(Sha256::digest(BODY))));

    let folder = dir
        .path()
        .join("blobs")
        .join("objects")
        .join("applications")
        .join("01JAPP");
    let names: Vec<String> = std::fs::read_dir(folder)
        .expect("folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["01JDOC"], "only the object, no temporary file");
}

#[tokio::test]
async fn list_keys_names_every_stored_object_under_a_prefix_and_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = store(&dir);
    assert_eq!(blobs.list_keys("").expect("list"), Vec::<String>::new());
    let now = issued_at();
    let stored = [
        "attachments/01JATT",
        "applications/01JAPP/01JDOC2",
        "applications/01JAPP/01JDOC1",
        "applications/01JAPQ/01JDOC3",
        "other/证明 1.pdf",
    ];
    for key in stored {
        let link = upload_link(&blobs, key).await;
        blobs
            .accept_upload(key, &link.query, Some("application/pdf"), BODY, now)
            .expect("upload");
    }
    blobs
        .delete("applications/01JAPQ/01JDOC3", None)
        .await
        .expect("delete");
    // Bytes written without their metadata: an upload interrupted before it finished.
    let unfinished = dir.path().join("blobs/objects/applications/01JAPP/01JDOC9");
    std::fs::write(&unfinished, BODY).expect("write");

    assert_eq!(
        blobs.list_keys("applications/").expect("list"),
        ["applications/01JAPP/01JDOC1", "applications/01JAPP/01JDOC2"],
        "stored evidence in key order; the deleted and the unfinished object are not listed"
    );
    assert_eq!(
        blobs.list_keys("attachments/").expect("list"),
        ["attachments/01JATT"]
    );
    assert_eq!(
        blobs.list_keys("").expect("list"),
        [
            "applications/01JAPP/01JDOC1",
            "applications/01JAPP/01JDOC2",
            "attachments/01JATT",
            "other/证明 1.pdf",
        ]
    );
    assert_eq!(
        blobs.list_keys("nothing/").expect("list"),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn links_carry_the_headers_s3_would_require_and_encode_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = store(&dir);
    let key = "applications/01JAPP/质量 手册.pdf";
    let upload = blobs
        .presign_upload(&spec(key), issued_at())
        .await
        .expect("presign");
    assert!(
        upload
            .url
            .starts_with("http://127.0.0.1:8787/blobs/applications/01JAPP/%E8%B4%A8%E9%87%8F%20"),
        "{}",
        upload.url
    );
    assert_eq!(split(&upload.url).key, key, "the key survives the URL");
    assert_eq!(
        header(&upload, "Content-Length"),
        Some(BODY.len().to_string().as_str())
    );
    let client = DirectClient {
        blobs: Arc::new(store(&dir)),
        now: issued_at(),
    };
    client
        .execute(&upload, BODY.to_vec())
        .await
        .expect("upload");
    assert!(blobs.head(key).await.expect("head").is_some());
}

#[tokio::test]
async fn keys_that_could_leave_the_store_are_invalid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = store(&dir);
    for key in [
        "",
        "/etc/passwd",
        "../outside",
        "a/../../b",
        "a//b",
        "a/./b",
        "a/",
        "a\\b",
        "a\nb",
    ] {
        assert!(
            matches!(
                blobs.presign_upload(&spec(key), issued_at()).await,
                Err(BlobError::Invalid(_))
            ),
            "upload key {key:?}"
        );
        assert!(
            matches!(
                blobs
                    .presign_download(key, Duration::from_secs(60), issued_at())
                    .await,
                Err(BlobError::Invalid(_))
            ),
            "download key {key:?}"
        );
        assert!(
            matches!(blobs.head(key).await, Err(BlobError::Invalid(_))),
            "head key {key:?}"
        );
        assert!(
            matches!(blobs.delete(key, None).await, Err(BlobError::Invalid(_))),
            "delete key {key:?}"
        );
        assert_eq!(
            blobs.accept_upload(
                key,
                "method=PUT",
                Some("application/pdf"),
                BODY,
                issued_at()
            ),
            Err(LinkRejection::BadSignature),
            "accept key {key:?}"
        );
    }
}

#[test]
fn a_short_secret_or_a_bad_base_url_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("blobs");
    assert!(matches!(
        EmbeddedBlobs::new(root.clone(), BASE_URL.into(), b"short".to_vec()),
        Err(BlobError::Invalid(_))
    ));
    assert!(matches!(
        EmbeddedBlobs::new(root, "not a url".into(), SECRET.to_vec()),
        Err(BlobError::Invalid(_))
    ));
}

#[test]
fn rejections_map_to_http_statuses_and_stable_codes() {
    let expected = [
        (LinkRejection::Expired, 403, "link_expired"),
        (LinkRejection::BadSignature, 403, "bad_signature"),
        (LinkRejection::TooLarge, 413, "too_large"),
        (LinkRejection::LengthMismatch, 400, "length_mismatch"),
        (LinkRejection::ChecksumMismatch, 400, "checksum_mismatch"),
        (LinkRejection::TypeMismatch, 400, "type_mismatch"),
        (LinkRejection::NotFound, 404, "not_found"),
        (LinkRejection::Io("disk full".into()), 500, "storage_error"),
    ];
    for (rejection, status, code) in expected {
        assert_eq!(
            (rejection.status(), rejection.code()),
            (status, code),
            "{rejection:?}"
        );
    }
}
