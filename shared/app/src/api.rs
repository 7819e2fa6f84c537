//! What a route is made of, for the stages' route slices and the dispatcher alike: who may call
//! ([`Access`]), the request as a handler sees it ([`Call`]), what it answers ([`Reply`]), and the
//! body and query readers. In the kernel so that a stage's route slice names nothing above it.

use std::future::Future;
use std::pin::Pin;

use award_domain::roles::Role;
use chrono::{DateTime, Utc};
use lambda_http::http::{HeaderMap, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ulid::Ulid;

use crate::App;
use crate::error::AppError;
use crate::identity::{Caller, RequestMeta};
use crate::keys;
use crate::model::ReviewPhase;

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

/// A reply of `value` with `status`.
pub fn reply(status: StatusCode, value: &impl Serialize) -> Result<Reply, AppError> {
    let value = serde_json::to_value(value)
        .map_err(|error| AppError::corrupt(format!("response does not serialise: {error}")))?;
    Ok((status, ReplyBody::Json(value)))
}

/// A path or query component, percent-decoded (UTF-8; an undecodable one stays as it came).
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .unwrap_or_else(|_| text.to_owned())
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

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token (the template sets `Auth: { Authorizer: NONE }`).
    Public,
    /// A token holding one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    pub fn allows(self, caller: Option<&Caller>) -> bool {
        match self {
            Access::Public => true,
            Access::Roles(roles) => {
                caller.is_some_and(|caller| roles.iter().any(|r| caller.has(*r)))
            }
        }
    }
}

/// The Lambda function that serves the API routes (SAM logical id).
pub const API_FUNCTION: &str = "UploadApiFunction";

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub type Handler = for<'a> fn(&'a App, &'a Call<'a>) -> BoxFuture<'a, Result<Reply, AppError>>;

/// One route.
pub struct RouteSpec {
    /// The SAM event's logical name (`Events:` of the function).
    pub name: &'static str,
    pub method: &'static str,
    /// `/cycles/{id}/open`: `{…}` matches one path segment.
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.method, self.path, self.name)
    }
}

/// One request as a handler sees it.
pub struct Call<'a> {
    pub request: &'a Request,
    /// The values of the pattern's `{…}` segments, percent-decoded, in order.
    pub params: Vec<String>,
    pub caller: Option<Caller>,
    pub now: DateTime<Utc>,
}

impl Call<'_> {
    /// The authenticated caller (every non-public route has one).
    pub fn caller(&self) -> Result<&Caller, AppError> {
        self.caller.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn param(&self, index: usize) -> &str {
        self.params
            .get(index)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Path parameter `index` as an application id; anything else names no application.
    pub fn application_id(&self, index: usize) -> Result<Ulid, AppError> {
        keys::parse_id(self.param(index)).ok_or(AppError::ApplicationNotFound)
    }

    /// Path parameter `index` as a review phase (`document`, `onsite`).
    pub fn phase(&self, index: usize) -> Result<ReviewPhase, AppError> {
        let text = self.param(index);
        ReviewPhase::parse(text).ok_or_else(|| AppError::PhaseNotFound {
            phase: text.to_owned(),
        })
    }

    pub fn case_id(&self, index: usize) -> Result<Ulid, AppError> {
        keys::parse_id(self.param(index)).ok_or(AppError::CaseNotFound)
    }

    pub fn expert_id(&self, index: usize) -> Result<Ulid, AppError> {
        keys::parse_id(self.param(index)).ok_or(AppError::ExpertNotFound)
    }

    /// `?phase=` (required).
    pub fn phase_query(&self) -> Result<ReviewPhase, AppError> {
        let text = self.query("phase").unwrap_or_default();
        ReviewPhase::parse(&text).ok_or_else(|| {
            AppError::invalid_query(
                format!("phase must be document or onsite, not {text:?}"),
                "phase 应为 document（资料评审）或 onsite（现场评审）",
            )
        })
    }

    pub fn recommender_id(&self, index: usize) -> Result<Ulid, AppError> {
        keys::parse_id(self.param(index)).ok_or(AppError::RecommenderNotFound)
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        json_body(self.request)
    }

    pub fn query(&self, name: &str) -> Option<String> {
        query_parameter(self.request, name)
    }
}

pub fn ok(value: &impl Serialize) -> Result<Reply, AppError> {
    reply(StatusCode::OK, value)
}

/// A CSV file (the screening export), UTF-8 with its BOM.
pub fn csv_file((file_name, text): (String, String)) -> Result<Reply, AppError> {
    Ok((StatusCode::OK, ReplyBody::Csv { file_name, text }))
}

/// `?dry_run=true|false` (absent: false).
pub fn dry_run(call: &Call<'_>) -> Result<bool, AppError> {
    match call.query("dry_run").as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(AppError::invalid_query(
            format!("dry_run: {other:?} is neither true nor false"),
            "dry_run 应为 true 或 false",
        )),
    }
}

pub fn created(value: &impl Serialize) -> Result<Reply, AppError> {
    reply(StatusCode::CREATED, value)
}

/// Wraps an async block into a [`Handler`].
macro_rules! handler {
    (|$app:ident, $call:ident| $body:expr) => {{
        fn handle<'a>(
            $app: &'a $crate::App,
            $call: &'a $crate::api::Call<'a>,
        ) -> $crate::api::BoxFuture<'a, Result<$crate::api::Reply, $crate::error::AppError>>
        {
            Box::pin(async move { $body })
        }
        handle as $crate::api::Handler
    }};
}

/// One [`RouteSpec`]: name, method, path, who may call, handler.
macro_rules! route {
    ($name:literal, $method:literal, $path:literal, $access:expr, $handler:expr) => {
        $crate::api::RouteSpec {
            name: $name,
            method: $method,
            path: $path,
            access: $access,
            handler: $handler,
        }
    };
}

pub(crate) use {handler, route};

pub const OFFICE: Access = Access::Roles(&[Role::Office]);
pub const COMMITTEE: Access = Access::Roles(&[Role::Committee]);
pub const APPLICANT: Access = Access::Roles(&[Role::Applicant]);
pub const RECOMMENDER: Access = Access::Roles(&[Role::Recommender]);
pub const EXPERT: Access = Access::Roles(&[Role::Expert]);
pub const FINANCE: Access = Access::Roles(&[Role::Finance]);
/// Who reads revocation cases: the Office, the Committee (it decides), the finance bureau (it
/// reclaims).
pub const CASE_READERS: Access = Access::Roles(&[Role::Office, Role::Committee, Role::Finance]);
pub const OFFICE_OR_EXPERT: Access = Access::Roles(&[Role::Office, Role::Expert]);
/// An application's notices are read by the applicant (its own) and the Office. (Evidence is
/// declared by these two and the recommending unit: `DeclareDocument`'s own set.)
pub const UPLOADERS: Access = Access::Roles(&[Role::Applicant, Role::Office]);
pub const STAFF: Access = Access::Roles(&[
    Role::Office,
    Role::Committee,
    Role::Expert,
    Role::Recommender,
]);
/// Those who may read an application (the use case narrows it to the owner, the Office, the
/// chosen recommending unit and the experts of its panels who accepted the pledge).
pub const READERS: Access = Access::Roles(&[
    Role::Applicant,
    Role::Office,
    Role::Recommender,
    Role::Expert,
]);

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::HeaderValue;

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
