//! The HTTP API (v1) over `lambda_http` types, so the same code serves API Gateway (HTTP API,
//! payload format 2.0) and the local runner. The routes are [`crate::routes::TABLE`].
//!
//! The path is read from the raw request path (not API Gateway's path parameters), so routing is
//! the same behind any front. Identity comes from the JWT authorizer's claims in the request
//! context. Every error is `{"code","message","message_zh"}` (plus `details` where a client needs
//! more, [`AppError::body`]); nothing is ever answered with a bare 5xx page.

pub mod openapi;

use chrono::{DateTime, Utc};
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use lambda_http::aws_lambda_events::encodings::Body as EventBody;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};

use crate::App;
use crate::api::{Access, Call, Reply, ReplyBody};
use crate::error::AppError;
use crate::identity::Caller;
use crate::routes::{self, Matched};

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
        Access::Public => None,
        Access::Roles(_) => Some(caller(request)?),
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

fn json_response(status: StatusCode, body: serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
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
}
