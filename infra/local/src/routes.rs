//! The HTTP front: the API (as API Gateway) and the blob links (as S3).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use award_app::{App, AppError};
use award_embedded::{EmbeddedBlobs, LinkRejection};
use aws_lambda_events::s3::S3Event;
use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use tokio::sync::mpsc;
use tower_http::services::{ServeDir, ServeFile};
use ulid::Ulid;

use crate::clock::Clock;
use crate::deliveries::Activity;
use crate::gateway::{self, GatewayRequest, MAX_API_PAYLOAD_BYTES};
use crate::s3_event::{self, CreatedObject};
use crate::token;

pub(crate) struct Shared {
    pub app: Arc<App>,
    pub blobs: Arc<EmbeddedBlobs>,
    pub clock: Arc<dyn Clock>,
    pub token_secret: Vec<u8>,
    pub bucket: String,
    pub object_events: mpsc::UnboundedSender<S3Event>,
    pub object_sequence: AtomicU64,
    pub activity: Activity,
    /// The data folder, where a demo lists its accounts.
    pub data_root: std::path::PathBuf,
    /// Whether the development sign-in is served (`LocalConfig::expose_dev_sign_in`).
    pub dev_sign_in: bool,
}

/// How long a development sign-in lasts: a working day, like `award-local token`.
const SIGN_IN_HOURS: i64 = 8;

pub(crate) fn router(state: Arc<Shared>, web_dir: Option<&std::path::Path>) -> Router {
    let mut router = Router::new().route(
        "/blobs/{*key}",
        put(upload).get(download).fallback(blob_method_not_allowed),
    );
    router = if state.dev_sign_in {
        router
            .route("/local/sign-in", post(sign_in))
            .route("/local/accounts", get(demo_accounts))
    } else {
        // Routed, not left to the API: there they would be 401 before any 404.
        router
            .route("/local/sign-in", any(dev_sign_in_off))
            .route("/local/accounts", any(dev_sign_in_off))
    };
    // The pages use hash routes, so `/` and `/assets/…` are all they need; every other path stays
    // the API's, as behind CloudFront and API Gateway.
    if let Some(dir) = web_dir {
        router = router
            .route_service("/", ServeFile::new(dir.join("index.html")))
            .nest_service("/assets", ServeDir::new(dir.join("assets")));
        // The pages' run-time configuration: absent locally (404: the development sign-in), or the
        // one the operator put beside the pages.
        router = router.route_service("/config.json", ServeFile::new(dir.join("config.json")));
    }
    router.fallback(api).with_state(state)
}

/// `POST /local/sign-in` `{"roles": ["applicant"], "sub": "ent-1", "email": "a@b.cn"}` →
/// `{"token": JWT, "expires_at": UTC instant}`: the development sign-in page's only call. Only the
/// local runner has it; deployed, Cognito signs people in. 400 `invalid_sign_in` names what is wrong.
async fn sign_in(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SignIn {
        roles: Vec<String>,
        sub: String,
        email: String,
    }
    // The detail (serde's or the token's words) is for the developer; the person reads Chinese.
    let refused = |detail: String| {
        gateway::api_error(
            StatusCode::BAD_REQUEST,
            "invalid_sign_in",
            &format!("cannot sign in: {detail}"),
            "无法登录：请选择角色，并填写账号和电子邮箱后重试。",
        )
    };
    let request: SignIn = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return refused(error.to_string()),
    };
    let now = shared.clock.now();
    let lifetime = chrono::Duration::hours(SIGN_IN_HOURS);
    let identity = token::Identity {
        sub: request.sub,
        email: request.email,
        roles: request.roles,
    };
    match token::mint(&shared.token_secret, &identity, now, lifetime) {
        Ok(jwt) => gateway::json_response(
            StatusCode::OK,
            &serde_json::json!({
                "token": jwt,
                "expires_at": (now + lifetime).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }),
        ),
        Err(error) => refused(error.to_string()),
    }
}

/// `/local/sign-in` and `/local/accounts` on a runner bound to a non-loopback address without
/// `--expose-dev-sign-in`: 404 `dev_sign_in_off`, whatever the method.
async fn dev_sign_in_off() -> Response {
    gateway::api_error(
        StatusCode::NOT_FOUND,
        "dev_sign_in_off",
        "the development sign-in is off on this server: it listens on a non-loopback address \
         and was not started with --expose-dev-sign-in",
        "此服务器未开启开发环境登录：它在非本机地址上运行，且启动时未指定 --expose-dev-sign-in。",
    )
}

/// `GET /local/accounts` → `{"accounts": [{"role", "sub", "email", "name"}, …]}`: the accounts of
/// the demo the data folder holds (`award-local demo`), for the development sign-in page's picker;
/// empty without a demo. Only the local runner has it.
async fn demo_accounts(State(shared): State<Arc<Shared>>) -> Response {
    gateway::json_response(
        StatusCode::OK,
        &serde_json::json!({ "accounts": crate::demo::accounts_in(&shared.data_root) }),
    )
}

/// The routes the template leaves without an authorizer (`Auth: { Authorizer: NONE }`): the
/// route table's public routes.
fn is_public(method: &Method, path: &str) -> bool {
    award_app::routes::is_public(method.as_str(), path)
}

/// API Gateway: authorize, convert, invoke `upload-api`, answer with its response.
async fn api(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let now = shared.clock.now();
    let (parts, body) = request.into_parts();

    let claims = if is_public(&parts.method, parts.uri.path()) {
        None
    } else {
        let authorization = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        match token::verify_bearer(&shared.token_secret, authorization, now) {
            Ok(claims) => Some(claims),
            Err(rejection) => {
                tracing::info!(method = %parts.method, path = parts.uri.path(), %rejection, "refused by the authorizer");
                return app_error(&AppError::Unauthenticated);
            }
        }
    };

    let Ok(body) = axum::body::to_bytes(body, MAX_API_PAYLOAD_BYTES).await else {
        return gateway::api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request payload exceeds API Gateway's 10 MB limit or could not be read",
            "请求内容超过 10 MB 上限或无法读取。",
        );
    };
    let event = gateway::to_event(GatewayRequest {
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        body: body.to_vec(),
        source: Some(peer),
        claims,
        request_id: Ulid::new().to_string(),
        received_at: now,
    });
    // The payload the function receives on Lambda, through the same entry point.
    match serde_json::to_value(&event) {
        Ok(payload) => gateway::from_event_response(
            award_app::http::handle_event(&shared.app, payload, now).await,
        ),
        Err(error) => {
            tracing::error!(%error, "cannot build the Lambda payload");
            app_error(&AppError::corrupt(error.to_string()))
        }
    }
}

/// S3 `PutObject` through a presigned link; on success, the `ObjectCreated:Put` notification.
async fn upload(
    State(shared): State<Arc<Shared>>,
    key: Result<Path<String>, PathRejection>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let Ok(Path(key)) = key else {
        return undecodable_key();
    };
    let now = shared.clock.now();
    let (parts, body) = request.into_parts();
    let raw_query = parts.uri.query().unwrap_or_default();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());

    let limit = usize::try_from(shared.app.config.max_upload_bytes).unwrap_or(usize::MAX);
    if declared_length(&parts.headers).is_some_and(|length| length > limit as u64) {
        return link_rejection(&LinkRejection::TooLarge);
    }
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return link_rejection(&LinkRejection::TooLarge);
    };

    let accepted = shared
        .blobs
        .accept_upload(&key, raw_query, content_type, &body, now);
    let meta = match accepted {
        Ok(meta) => meta,
        Err(rejection) => {
            tracing::info!(%key, %rejection, "upload refused");
            return link_rejection(&rejection);
        }
    };

    let event = s3_event::object_created(&CreatedObject {
        bucket: &shared.bucket,
        key: &key,
        size: meta.content_length,
        sequence: shared.object_sequence.fetch_add(1, Ordering::Relaxed),
        source_ip: Some(peer.ip().to_string()),
        at: now,
    });
    shared.activity.object_event_queued();
    if shared.object_events.send(event).is_err() {
        // Only while stopping: the delivery worker is gone. The file is stored; S3 would have
        // notified, so say so rather than pretend.
        tracing::error!(%key, "stored, but the ObjectCreated event could not be queued");
    }

    // S3 answers a checksummed PUT with the checksum it verified, base64 as in the request.
    let mut response = StatusCode::OK.into_response();
    if let Some(sha256) = meta
        .sha256_hex
        .and_then(|sha| hex::decode(sha).ok())
        .and_then(|digest| HeaderValue::from_str(&BASE64.encode(digest)).ok())
    {
        response
            .headers_mut()
            .insert("x-amz-checksum-sha256", sha256);
    }
    response
}

/// S3 `GetObject` through a presigned link.
async fn download(
    State(shared): State<Arc<Shared>>,
    key: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let Ok(Path(key)) = key else {
        return undecodable_key();
    };
    let raw_query = request.uri().query().unwrap_or_default();
    match shared
        .blobs
        .open_download(&key, raw_query, shared.clock.now())
    {
        Ok((meta, file)) => {
            let content_type = meta
                .content_type
                .as_deref()
                .and_then(|value| HeaderValue::from_str(value).ok())
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::CONTENT_LENGTH,
                        HeaderValue::from(meta.content_length),
                    ),
                ],
                Body::from_stream(file_chunks(tokio::fs::File::from_std(file))),
            )
                .into_response()
        }
        Err(rejection) => {
            tracing::info!(%key, %rejection, "download refused");
            link_rejection(&rejection)
        }
    }
}

/// The file a chunk of 64 KiB at a time: a download (an archive of hundreds of megabytes) is sent
/// as it is read, never held whole.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send {
    use tokio::io::AsyncReadExt as _;
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut chunk = vec![0u8; 64 * 1024];
        match file.read(&mut chunk).await {
            Ok(0) => None,
            Ok(read) => {
                chunk.truncate(read);
                Some((Ok(chunk), Some(file)))
            }
            Err(error) => Some((Err(error), None)),
        }
    })
}

/// A blob path that does not decode to a key cannot be one a link was signed for: refused as a
/// bad link, in the API's JSON shape rather than axum's plain text.
fn undecodable_key() -> Response {
    link_rejection(&LinkRejection::BadSignature)
}

/// Links are only ever issued for PUT and GET.
async fn blob_method_not_allowed() -> Response {
    app_error(&AppError::MethodNotAllowed)
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

fn app_error(error: &AppError) -> Response {
    let body = error.body();
    gateway::api_error(
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        &body.code,
        &body.message,
        &body.message_zh,
    )
}

fn link_rejection(rejection: &LinkRejection) -> Response {
    let message_zh = match rejection {
        LinkRejection::Expired => "链接已过期，请重新获取上传或下载链接。",
        LinkRejection::BadSignature => "链接无效（签名不符）。",
        LinkRejection::TooLarge => "文件大于声明的大小。",
        LinkRejection::LengthMismatch => "文件小于声明的大小。",
        LinkRejection::ChecksumMismatch => "文件的 SHA-256 校验值与声明不符。",
        LinkRejection::TypeMismatch => "文件类型（Content-Type）与声明不符。",
        LinkRejection::NotFound => "文件不存在。",
        LinkRejection::Io(_) => "存储错误，请稍后重试。",
    };
    let message = match rejection {
        // Storage details stay in the log.
        LinkRejection::Io(_) => "storage error; please retry later".to_owned(),
        other => other.to_string(),
    };
    gateway::api_error(
        StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        rejection.code(),
        &message,
        message_zh,
    )
}
