//! The HTTP API (v1) over `lambda_http` types, so the same code serves API Gateway (HTTP API,
//! payload v2) and the local runner.
//!
//! | route | who |
//! |---|---|
//! | `POST /cycles` | office |
//! | `POST /cycles/{id}/rules/approve` | committee (Art. 7(2), 20) |
//! | `POST /cycles/{id}/open` | office, once the rules are approved |
//! | `GET /cycles/open` | anyone, no token needed |
//! | `POST /applications` | applicant |
//! | `GET /applications` | applicant (own) |
//! | `GET /applications/{id}` | owner or office |
//! | `POST /applications/{id}/documents` | owner |
//! | `GET /applications/{id}/documents/{doc}/download` | owner or office |
//! | `GET /applications/{id}/access-log` | office |
//!
//! The path is read from the raw request path (not API Gateway's path parameters), so routing is
//! the same behind any front. Identity comes from the JWT authorizer's claims in the request
//! context. Every error is `{"code","message","message_zh"}` ([`AppError::body`]).

use chrono::{DateTime, Utc};
use lambda_http::http::{Method, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::usecases::documents::RequestMeta;
use crate::usecases::{applications, cycles, documents};

/// The largest JSON body accepted; every body of this API is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Handles one request; never fails: errors become JSON error responses.
pub async fn handle(app: &App, request: Request, now: DateTime<Utc>) -> Response<Body> {
    let method = request.method().clone();
    let path = request_path(&request);
    match dispatch(app, &request, &method, &path, now).await {
        Ok((status, body)) => json_response(status, body),
        Err(error) => {
            if error.status() >= 500 {
                tracing::error!(%method, %path, %error, "request failed");
            } else {
                tracing::info!(%method, %path, code = error.code(), "request refused");
            }
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            json_response(
                status,
                serde_json::to_value(error.body()).unwrap_or_default(),
            )
        }
    }
}

/// The routes, as matched from the path.
enum Route<'a> {
    Cycles,
    OpenCycleInfo,
    OpenCycle(&'a str),
    ApproveRules(&'a str),
    Applications,
    Application(&'a str),
    Documents(&'a str),
    Download(&'a str, &'a str),
    AccessLog(&'a str),
}

fn route(path: &str) -> Result<Route<'_>, AppError> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Ok(match segments.as_slice() {
        ["cycles"] => Route::Cycles,
        ["cycles", "open"] => Route::OpenCycleInfo,
        ["cycles", id, "open"] => Route::OpenCycle(id),
        ["cycles", id, "rules", "approve"] => Route::ApproveRules(id),
        ["applications"] => Route::Applications,
        ["applications", id] => Route::Application(id),
        ["applications", id, "documents"] => Route::Documents(id),
        ["applications", id, "documents", doc, "download"] => Route::Download(id, doc),
        ["applications", id, "access-log"] => Route::AccessLog(id),
        _ => return Err(AppError::RouteNotFound),
    })
}

type Reply = (StatusCode, serde_json::Value);

async fn dispatch(
    app: &App,
    request: &Request,
    method: &Method,
    path: &str,
    now: DateTime<Utc>,
) -> Result<Reply, AppError> {
    let route = route(path)?;
    // The call for applications is public (Art. 9(3)); everything else needs a caller.
    if let Route::OpenCycleInfo = route {
        return match *method {
            Method::GET => ok(StatusCode::OK, &cycles::open_cycle_info(app).await?),
            _ => Err(AppError::MethodNotAllowed),
        };
    }
    let caller = caller(request)?;
    // The use cases check roles themselves; checking the creating routes' role here too makes a
    // wrong role answer 403 before its body is even read.
    match (&route, method) {
        (Route::Cycles, &Method::POST) => caller.require(Role::Office)?,
        (Route::Applications | Route::Documents(_), &Method::POST) => {
            caller.require(Role::Applicant)?
        }
        _ => {}
    }
    match (route, method.clone()) {
        (Route::Cycles, Method::POST) => {
            created(&cycles::create_cycle(app, &caller, json_body(request)?, now).await?)
        }
        (Route::OpenCycle(id), Method::POST) => ok(
            StatusCode::OK,
            &cycles::open_cycle(app, &caller, id, now).await?,
        ),
        (Route::ApproveRules(id), Method::POST) => ok(
            StatusCode::OK,
            &cycles::approve_rules(app, &caller, id, now).await?,
        ),
        (Route::Applications, Method::POST) => created(
            &applications::create_application(app, &caller, json_body(request)?, now).await?,
        ),
        (Route::Applications, Method::GET) => ok(
            StatusCode::OK,
            &serde_json::json!({ "applications": applications::list_own(app, &caller).await? }),
        ),
        (Route::Application(id), Method::GET) => ok(
            StatusCode::OK,
            &applications::get_application(app, &caller, application_id(id)?).await?,
        ),
        (Route::Documents(id), Method::POST) => {
            let id = application_id(id)?;
            created(&documents::declare_document(app, &caller, id, json_body(request)?, now).await?)
        }
        (Route::Download(id, doc), Method::GET) => {
            let id = application_id(id)?;
            let doc = keys::parse_id(doc).ok_or(AppError::DocumentNotFound)?;
            let meta = request_meta(request);
            ok(
                StatusCode::OK,
                &documents::download_document(app, &caller, id, doc, meta, now).await?,
            )
        }
        (Route::AccessLog(id), Method::GET) => ok(
            StatusCode::OK,
            &serde_json::json!({
                "access_log": documents::access_log(app, &caller, application_id(id)?).await?
            }),
        ),
        _ => Err(AppError::MethodNotAllowed),
    }
}

fn application_id(segment: &str) -> Result<Ulid, AppError> {
    keys::parse_id(segment).ok_or(AppError::ApplicationNotFound)
}

fn ok(status: StatusCode, value: &impl Serialize) -> Result<Reply, AppError> {
    let value = serde_json::to_value(value)
        .map_err(|error| AppError::Corrupt(format!("response does not serialise: {error}")))?;
    Ok((status, value))
}

fn created(value: &impl Serialize) -> Result<Reply, AppError> {
    ok(StatusCode::CREATED, value)
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// The raw path, without the stage prefix API Gateway keeps in it for a named stage.
fn request_path(request: &Request) -> String {
    let raw = match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    };
    if let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref()
        && let Some(stage) = context.stage.as_deref()
        && stage != "$default"
        && let Some(rest) = raw.strip_prefix(&format!("/{stage}"))
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return rest.to_owned();
    }
    raw.to_owned()
}

/// The caller from the authorizer's JWT claims; no claims, no caller.
fn caller(request: &Request) -> Result<Caller, AppError> {
    let claims = request
        .request_context_ref()
        .and_then(|context| context.authorizer())
        .and_then(|authorizer| authorizer.jwt.as_ref())
        .map(|jwt| &jwt.claims)
        .ok_or(AppError::Unauthenticated)?;
    Caller::from_claims(claims)
}

fn request_meta(request: &Request) -> RequestMeta {
    let header = |name: header::HeaderName| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let mut meta = RequestMeta {
        source_ip: None,
        user_agent: header(header::USER_AGENT),
        request_id: None,
    };
    if let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref() {
        meta.source_ip = context.http.source_ip.clone();
        meta.request_id = context.request_id.clone();
        if meta.user_agent.is_none() {
            meta.user_agent = context.http.user_agent.clone();
        }
    }
    meta
}

/// A JSON body of exactly the expected shape: malformed JSON is `invalid_json`; a missing,
/// unknown or mistyped field is `invalid_field`.
fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, AppError> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(AppError::UnsupportedContentType);
    }
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(AppError::BodyTooLarge {
            max: MAX_BODY_BYTES,
        });
    }
    serde_json::from_slice(bytes).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => AppError::InvalidField(error.to_string()),
        _ => AppError::InvalidJson(error.to_string()),
    })
}
