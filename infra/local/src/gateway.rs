//! Plays API Gateway (HTTP API, payload format 2.0) in front of the `upload-api` handler.
//!
//! A request from the socket becomes the event API Gateway would send the Lambda function — raw
//! path, raw query string, lower-case headers with repeated values joined by commas, cookies apart,
//! a (possibly base64) body and a `requestContext` whose `authorizer.jwt.claims` hold the verified
//! token's claims — and is then turned into a `lambda_http::Request` by `lambda_http` itself, from
//! that JSON, exactly as the Lambda runtime does in the cloud.

use std::collections::HashMap;
use std::net::SocketAddr;

use aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription,
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription, ApiGatewayV2httpResponse,
};
use axum::body::Body as AxumBody;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::json;

/// API Gateway HTTP APIs accept request payloads up to 10 MB.
pub const MAX_API_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// What API Gateway knows about one request before it invokes the function.
pub struct GatewayRequest {
    pub method: axum::http::Method,
    pub uri: axum::http::Uri,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub source: Option<SocketAddr>,
    /// The verified token's claims; `None` on a route without an authorizer.
    pub claims: Option<HashMap<String, String>>,
    pub request_id: String,
    pub received_at: DateTime<Utc>,
}

/// The payload-2.0 event for `request`.
pub fn to_event(request: GatewayRequest) -> ApiGatewayV2httpRequest {
    let GatewayRequest {
        method,
        uri,
        mut headers,
        body,
        source,
        claims,
        request_id,
        received_at,
    } = request;

    let cookies: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .map(|cookie| cookie.trim().to_owned())
        .filter(|cookie| !cookie.is_empty())
        .collect();
    headers.remove(header::COOKIE);

    let user_agent = header_text(&headers, header::USER_AGENT);
    let host = header_text(&headers, header::HOST);

    let authorizer = claims.map(|claims| {
        let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
        jwt.claims = claims;
        let mut authorizer = ApiGatewayRequestAuthorizer::default();
        authorizer.jwt = Some(jwt);
        authorizer
    });

    let mut http = ApiGatewayV2httpRequestContextHttpDescription::default();
    http.method = method;
    http.path = Some(uri.path().to_owned());
    http.protocol = Some("HTTP/1.1".into());
    http.source_ip = source.map(|address| address.ip().to_string());
    http.user_agent = user_agent;

    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some("$default".into());
    context.account_id = Some("000000000000".into());
    context.stage = Some("$default".into());
    context.request_id = Some(request_id);
    context.apiid = Some("local".into());
    context.domain_name = host.clone();
    context.domain_prefix = host.map(|host| host.split('.').next().unwrap_or_default().to_owned());
    context.time = Some(received_at.format("%d/%b/%Y:%H:%M:%S %z").to_string());
    context.time_epoch = received_at.timestamp_millis();
    context.http = http;
    context.authorizer = authorizer;

    let (body, is_base64_encoded) = if body.is_empty() {
        (None, false)
    } else {
        match String::from_utf8(body) {
            Ok(text) => (Some(text), false),
            Err(error) => (
                Some(base64::engine::general_purpose::STANDARD.encode(error.into_bytes())),
                true,
            ),
        }
    };

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".into());
    event.route_key = Some("$default".into());
    event.raw_path = Some(uri.path().to_owned());
    event.raw_query_string = Some(uri.query().unwrap_or_default().to_owned());
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = join_repeated_headers(&headers);
    event.request_context = context;
    event.body = body;
    event.is_base64_encoded = is_base64_encoded;
    event
}

/// The `lambda_http::Request` the Lambda runtime would build from `event`.
pub fn to_lambda_request(
    event: &ApiGatewayV2httpRequest,
) -> Result<lambda_http::Request, serde_json::Error> {
    let payload = serde_json::to_string(event)?;
    lambda_http::request::from_str(&payload)
}

/// Writes the handler's response back to the socket.
pub fn from_lambda_response(response: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        lambda_http::Body::Empty => AxumBody::empty(),
        lambda_http::Body::Text(text) => AxumBody::from(text),
        lambda_http::Body::Binary(bytes) => AxumBody::from(bytes),
        // `Body` is non-exhaustive; a future variant is a runner bug, not a client error.
        _ => {
            return api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the handler returned a body the local runner cannot write",
                "本地运行器无法输出处理程序返回的内容",
            );
        }
    };
    Response::from_parts(parts, body)
}

/// Writes the function's API Gateway v2 response back to the socket, as API Gateway would.
pub fn from_event_response(response: ApiGatewayV2httpResponse) -> Response {
    let status = u16::try_from(response.status_code)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match response.body {
        None => AxumBody::empty(),
        Some(aws_lambda_events::encodings::Body::Text(text)) if !response.is_base64_encoded => {
            AxumBody::from(text)
        }
        Some(aws_lambda_events::encodings::Body::Text(text)) => {
            match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(bytes) => AxumBody::from(bytes),
                Err(_) => {
                    return api_error(
                        StatusCode::BAD_GATEWAY,
                        "internal",
                        "the function returned a body that is not base64",
                        "系统内部错误，请稍后重试。",
                    );
                }
            }
        }
        Some(aws_lambda_events::encodings::Body::Binary(bytes)) => AxumBody::from(bytes),
        Some(_) => AxumBody::empty(),
    };
    let mut out = Response::new(body);
    *out.status_mut() = status;
    *out.headers_mut() = response.headers;
    out
}

/// An error in the API's own shape: `{"code", "message", "message_zh"}`.
pub fn api_error(status: StatusCode, code: &str, message: &str, message_zh: &str) -> Response {
    json_response(
        status,
        &json!({ "code": code, "message": message, "message_zh": message_zh }),
    )
}

/// `body` as an `application/json` response with `status`.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// API Gateway passes one value per header name, repeated values joined by commas.
fn join_repeated_headers(headers: &HeaderMap) -> HeaderMap {
    let mut joined = HeaderMap::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let values: Vec<&[u8]> = headers
            .get_all(name)
            .iter()
            .map(HeaderValue::as_bytes)
            .collect();
        if let Ok(value) = HeaderValue::from_bytes(&values.join(&b","[..])) {
            joined.insert(name.clone(), value);
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use lambda_http::RequestExt as _;
    use lambda_http::request::RequestContext;

    use super::*;

    fn request(body: Vec<u8>) -> GatewayRequest {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8787"));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.append("x-trace", HeaderValue::from_static("a"));
        headers.append("x-trace", HeaderValue::from_static("b"));
        headers.insert(header::COOKIE, HeaderValue::from_static("k=v; theme=dark"));
        GatewayRequest {
            method: axum::http::Method::POST,
            uri: "/applications/01J/documents?draft=1&x=%E4%B8%AD"
                .parse()
                .unwrap(),
            headers,
            body,
            source: Some("127.0.0.1:50000".parse().unwrap()),
            claims: Some(HashMap::from([
                ("sub".to_owned(), "user-1".to_owned()),
                ("cognito:groups".to_owned(), "[applicant]".to_owned()),
            ])),
            request_id: "req-1".into(),
            received_at: DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn the_handler_sees_what_api_gateway_would_send() {
        let event = to_event(request(br#"{"file_name":"a.pdf"}"#.to_vec()));
        assert_eq!(event.cookies, Some(vec!["k=v".into(), "theme=dark".into()]));
        assert_eq!(event.headers["x-trace"], "a,b");
        assert!(!event.is_base64_encoded);

        let lambda = to_lambda_request(&event).unwrap();
        assert_eq!(lambda.method(), axum::http::Method::POST);
        assert_eq!(lambda.raw_http_path(), "/applications/01J/documents");
        assert_eq!(lambda.uri().query(), Some("draft=1&x=%E4%B8%AD"));
        assert_eq!(lambda.query_string_parameters().first("x"), Some("中"));
        assert_eq!(lambda.body().as_ref(), br#"{"file_name":"a.pdf"}"#);
        let Some(RequestContext::ApiGatewayV2(context)) = lambda.request_context_ref() else {
            panic!("expected an HTTP API (v2) request context");
        };
        let claims = &context
            .authorizer
            .as_ref()
            .unwrap()
            .jwt
            .as_ref()
            .unwrap()
            .claims;
        assert_eq!(claims["sub"], "user-1");
        assert_eq!(claims["cognito:groups"], "[applicant]");
        assert_eq!(context.http.source_ip.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn a_binary_body_travels_base64_and_arrives_intact() {
        let bytes = vec![0xff, 0x00, 0xfe, 0x80];
        let event = to_event(request(bytes.clone()));
        assert!(event.is_base64_encoded);
        let lambda = to_lambda_request(&event).unwrap();
        assert_eq!(lambda.body().as_ref(), bytes.as_slice());
    }
}
