//! The HTTP API (v1) over `lambda_http` types, so the same code serves API Gateway (HTTP API,
//! payload format 2.0) and the local runner. The routes are [`crate::routes::ROUTES`].
//!
//! The path is read from the raw request path (not API Gateway's path parameters), so routing is
//! the same behind any front. Identity comes from the JWT authorizer's claims in the request
//! context. Every error is `{"code","message","message_zh"}` (plus `details` where a client needs
//! more, [`AppError::body`]); nothing is ever answered with a bare 5xx page.

use chrono::{DateTime, Utc};
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use lambda_http::aws_lambda_events::encodings::Body as EventBody;
use lambda_http::http::{HeaderMap, HeaderValue, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::App;
use crate::error::AppError;
use crate::identity::Caller;
use crate::identity::RequestMeta;
use crate::routes::{self, Call, Matched};

/// The largest JSON body accepted, in bytes (an application form is well under this).
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// A status and a body.
pub type Reply = (StatusCode, ReplyBody);

/// What a route answers: JSON, or a CSV file for a spreadsheet (the screening export).
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyBody {
    Json(serde_json::Value),
    /// `text` already starts with the UTF-8 BOM Excel needs to read it as UTF-8.
    Csv {
        file_name: String,
        text: String,
    },
}

/// Handles one request; never fails: errors become JSON error responses.
pub async fn handle(app: &App, request: Request, now: DateTime<Utc>) -> Response<Body> {
    let method = request.method().as_str().to_owned();
    let path = request_path(&request);
    match dispatch(app, &request, &method, &path, now).await {
        Ok((status, ReplyBody::Json(body))) => json_response(status, body),
        Ok((status, ReplyBody::Csv { file_name, text })) => {
            let mut response = Response::new(Body::Text(text));
            *response.status_mut() = status;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            // File names are built by the app from validated ids, so they are plain ASCII.
            if let Ok(value) =
                HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(error) => {
            if error.status() >= 500 {
                tracing::error!(%method, %path, %error, "request failed");
            } else {
                tracing::info!(%method, %path, code = error.code(), "request refused");
            }
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = json_response(
                status,
                serde_json::to_value(error.body()).unwrap_or_default(),
            );
            if let Some(seconds) = error.retry_after_seconds() {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
    }
}

async fn dispatch(
    app: &App,
    request: &Request,
    method: &str,
    path: &str,
    now: DateTime<Utc>,
) -> Result<Reply, AppError> {
    let (route, params) = match routes::find(method, path) {
        Matched::Route(route, params) => (route, params),
        Matched::WrongMethod => return Err(AppError::MethodNotAllowed),
        Matched::NotFound => return Err(AppError::RouteNotFound),
    };
    let caller = match route.access {
        routes::Access::Public => None,
        routes::Access::Roles(_) => Some(caller(request)?),
    };
    // A wrong role is refused before the body is even read.
    if !route.access.allows(caller.as_ref()) {
        return Err(AppError::Forbidden);
    }
    let call = Call {
        request,
        params,
        caller,
        now,
    };
    (route.handler)(app, &call).await
}

/// A reply of `value` with `status`.
pub fn reply(status: StatusCode, value: &impl Serialize) -> Result<Reply, AppError> {
    let value = serde_json::to_value(value)
        .map_err(|error| AppError::corrupt(format!("response does not serialise: {error}")))?;
    Ok((status, ReplyBody::Json(value)))
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A path or query component, percent-decoded (UTF-8; an undecodable one stays as it came).
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .unwrap_or_else(|_| text.to_owned())
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

/// Query parameter `name`, form-decoded (`+` is a space, `%XX` a byte of UTF-8), from the raw
/// query string; the first one when repeated.
pub fn query_parameter(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| percent_decode(&text.replace('+', " "));
        (decode(key) == name).then(|| decode(value))
    })
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

/// Where a request came from, for the evidence access log.
pub fn request_meta(request: &Request) -> RequestMeta {
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

/// Whether a body with this `Content-Type` is read as JSON: `application/json` (any case, any
/// parameters), `text/plain` (what browsers send for a "simple" request and some clients by
/// default), `*/*+json`, or none at all. Anything else (forms, multipart) is `415`.
fn json_media_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let media = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media.is_empty()
        || media == "application/json"
        || media == "text/plain"
        || (media.starts_with("application/") && media.ends_with("+json"))
}

/// A JSON body of exactly the expected shape, read from the bytes themselves (API Gateway may
/// have base64-encoded it; a UTF-8 byte-order mark is skipped): malformed JSON is `invalid_json`;
/// a missing, unknown or mistyped field is `invalid_field`; an unreadable media type `415`.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, AppError> {
    if !json_media_type(request.headers()) {
        return Err(AppError::UnsupportedContentType);
    }
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(AppError::BodyTooLarge {
            max: MAX_BODY_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Trailing characters after the value are malformed JSON too (`from_slice` reads to the end).
    let mut document: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| AppError::InvalidJson {
            detail: error.to_string(),
        })?;
    // Every text a person sends is kept in NFC, whatever their keyboard composed (one place for
    // every route; which characters a field allows is its own check: `award_domain::text`).
    crate::validation::nfc_strings(&mut document);
    serde_path_to_error::deserialize(document).map_err(|error| AppError::from_deserialize(&error))
}

/// The body's bytes as sent (API Gateway's base64 undone), for uploads that are not JSON (the
/// register's CSV); larger than `max` bytes is `BodyTooLarge`.
pub fn raw_body(request: &Request, max: usize) -> Result<&[u8], AppError> {
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > max {
        return Err(AppError::BodyTooLarge { max });
    }
    Ok(bytes)
}

/// JWT authorizers pass claims through as the token had them: `email_verified` is a JSON
/// `true`, `auth_time` a number. `lambda_http` reads claims as strings only and would refuse the
/// whole event, so typed claims are turned into their text first.
fn stringify_claims(event: &mut serde_json::Value) {
    let claims = event
        .pointer_mut("/requestContext/authorizer/jwt/claims")
        .and_then(serde_json::Value::as_object_mut);
    if let Some(claims) = claims {
        for value in claims.values_mut() {
            match value {
                serde_json::Value::String(_) => {}
                serde_json::Value::Array(items) => {
                    // Cognito groups as a JSON array: the bracketed form API Gateway gives.
                    let names: Vec<String> = items
                        .iter()
                        .map(|item| match item {
                            serde_json::Value::String(text) => text.clone(),
                            other => other.to_string(),
                        })
                        .collect();
                    *value = serde_json::Value::String(format!("[{}]", names.join(" ")));
                }
                _ => *value = serde_json::Value::String(value.to_string()),
            }
        }
    }
}

/// The Lambda entry point of the API: an API Gateway HTTP API event (payload format 2.0) as JSON
/// → the response API Gateway expects. An event that is not one is a `400` in the error shape.
pub async fn handle_event(
    app: &App,
    mut event: serde_json::Value,
    now: DateTime<Utc>,
) -> ApiGatewayV2httpResponse {
    stringify_claims(&mut event);
    let response = match serde_json::to_string(&event)
        .map_err(|error| error.to_string())
        .and_then(|text| lambda_http::request::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(request) => handle(app, request, now).await,
        Err(error) => {
            tracing::error!(%error, "not an API Gateway v2 event");
            let error = AppError::InvalidJson { detail: error };
            json_response(
                StatusCode::BAD_REQUEST,
                serde_json::to_value(error.body()).unwrap_or_default(),
            )
        }
    };
    let (parts, body) = response.into_parts();
    let (body, is_base64_encoded) = match body {
        Body::Empty => (None, false),
        Body::Text(text) => (Some(EventBody::Text(text)), false),
        Body::Binary(bytes) => (Some(EventBody::Binary(bytes)), true),
        _ => (None, false),
    };
    let mut out = ApiGatewayV2httpResponse::default();
    out.status_code = i64::from(parts.status.as_u16());
    out.headers = parts.headers;
    out.body = body;
    out.is_base64_encoded = is_base64_encoded;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_claims_become_text() {
        let mut event = serde_json::json!({"requestContext": {"authorizer": {"jwt": {"claims": {
            "sub": "a", "email_verified": true, "auth_time": 1_700_000_000,
            "cognito:groups": ["office", "applicant"]
        }}}}});
        stringify_claims(&mut event);
        let claims = &event["requestContext"]["authorizer"]["jwt"]["claims"];
        assert_eq!(claims["email_verified"], "true");
        assert_eq!(claims["auth_time"], "1700000000");
        assert_eq!(claims["cognito:groups"], "[office applicant]");
        assert_eq!(claims["sub"], "a");
    }

    #[test]
    fn json_media_types() {
        let with = |value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            }
            json_media_type(&headers)
        };
        for good in [
            None,
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("text/plain;charset=UTF-8"),
            Some("application/merge-patch+json"),
        ] {
            assert!(with(good), "{good:?}");
        }
        for bad in [
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
        ] {
            assert!(!with(Some(bad)), "{bad}");
        }
    }
}
