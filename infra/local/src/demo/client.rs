//! The demo's HTTP client: the runner's own API as any client calls it (a bearer token minted
//! at the demo clock's time, JSON in and out, presigned uploads with exactly the headers the API
//! answered). Every unexpected answer is a [`LocalError::Demo`] naming the step.

use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::clock::{Clock, ManualClock};
use crate::demo::cast::Account;
use crate::{LocalError, token};

/// How long the demo waits for the runner's schedule or change feed to act on a moved clock
/// before it gives up: the schedule ticks every few milliseconds during the demo.
const WAIT_LIMIT: StdDuration = StdDuration::from_secs(60);

pub(super) struct Client {
    http: reqwest::Client,
    base: String,
    token_secret: Vec<u8>,
    pub(super) clock: ManualClock,
}

/// A step that did not go as the demo expects.
pub(super) fn failed(step: &str, detail: impl std::fmt::Display) -> LocalError {
    LocalError::Demo {
        step: step.to_owned(),
        detail: detail.to_string(),
    }
}

impl Client {
    pub(super) fn new(base: String, data: &Path, clock: ManualClock) -> Result<Self, LocalError> {
        let token_secret = crate::DataDir::open(data)?.token_secret()?;
        Ok(Self {
            http: reqwest::Client::new(),
            base,
            token_secret,
            clock,
        })
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A token for `account`, valid from the demo clock's present.
    fn token(&self, account: &Account) -> Result<String, LocalError> {
        let identity = token::Identity {
            sub: account.sub.clone(),
            email: account.email.clone(),
            roles: vec![account.role.to_owned()],
        };
        Ok(token::mint(
            &self.token_secret,
            &identity,
            self.clock.now(),
            Duration::hours(8),
        )?)
    }

    /// `method path` as `who` (or without a token), with a JSON `body`; the answer's JSON when its
    /// status is `expected`.
    pub(super) async fn call(
        &self,
        step: &str,
        who: Option<&Account>,
        (method, path): (Method, &str),
        body: Option<&Value>,
        expected: StatusCode,
    ) -> Result<Value, LocalError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(account) = who {
            request = request.bearer_auth(self.token(account)?);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.map_err(|error| failed(step, error))?;
        let status = response.status();
        let text = response.text().await.map_err(|error| failed(step, error))?;
        if status != expected {
            return Err(failed(step, format!("{status}: {text}")));
        }
        serde_json::from_str(&text).map_err(|error| failed(step, format!("{error}: {text}")))
    }

    pub(super) async fn get(
        &self,
        step: &str,
        who: Option<&Account>,
        path: &str,
    ) -> Result<Value, LocalError> {
        self.call(step, who, (Method::GET, path), None, StatusCode::OK)
            .await
    }

    pub(super) async fn post(
        &self,
        step: &str,
        who: &Account,
        path: &str,
        body: &Value,
    ) -> Result<Value, LocalError> {
        self.call(
            step,
            Some(who),
            (Method::POST, path),
            Some(body),
            StatusCode::OK,
        )
        .await
    }

    pub(super) async fn put(
        &self,
        step: &str,
        who: &Account,
        path: &str,
        body: &Value,
    ) -> Result<Value, LocalError> {
        self.call(
            step,
            Some(who),
            (Method::PUT, path),
            Some(body),
            StatusCode::OK,
        )
        .await
    }

    /// A `POST` that creates something (201).
    pub(super) async fn create(
        &self,
        step: &str,
        who: Option<&Account>,
        path: &str,
        body: &Value,
    ) -> Result<Value, LocalError> {
        self.call(
            step,
            who,
            (Method::POST, path),
            Some(body),
            StatusCode::CREATED,
        )
        .await
    }

    /// Performs the presigned request `link` (`{"method", "url", "headers"}`) with `bytes`.
    pub(super) async fn upload(
        &self,
        step: &str,
        link: &Value,
        bytes: Vec<u8>,
    ) -> Result<(), LocalError> {
        let method = link["method"]
            .as_str()
            .and_then(|method| Method::from_bytes(method.as_bytes()).ok())
            .ok_or_else(|| failed(step, format!("no upload method in {link}")))?;
        let url = link["url"]
            .as_str()
            .ok_or_else(|| failed(step, format!("no upload url in {link}")))?;
        let mut request = self.http.request(method, url);
        for (name, value) in link["headers"].as_object().into_iter().flatten() {
            // reqwest derives Content-Length from the body; sending it twice is malformed.
            if let Some(value) = value.as_str()
                && !name.eq_ignore_ascii_case("content-length")
            {
                request = request.header(name, value);
            }
        }
        let response = request
            .body(bytes)
            .send()
            .await
            .map_err(|error| failed(step, error))?;
        if response.status() != StatusCode::OK {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            return Err(failed(step, format!("{status}: {text}")));
        }
        Ok(())
    }

    /// Fetches a presigned download link (so that the access log records a reading).
    pub(super) async fn fetch(&self, step: &str, url: &str) -> Result<(), LocalError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|error| failed(step, error))?;
        if response.status() != StatusCode::OK {
            return Err(failed(step, response.status()));
        }
        Ok(())
    }

    /// Reads `path` as `who` until `done` holds: the runner's schedule acts on a moved clock on
    /// its own ticks, which no event announces. Gives up after [`WAIT_LIMIT`].
    pub(super) async fn read_until(
        &self,
        step: &str,
        who: Option<&Account>,
        path: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value, LocalError> {
        let limit = Instant::now() + WAIT_LIMIT;
        loop {
            let read = self.get(step, who, path).await?;
            if done(&read) {
                return Ok(read);
            }
            if Instant::now() > limit {
                return Err(failed(step, format!("still {read} after {WAIT_LIMIT:?}")));
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    }
}

/// `value[field]` as text, or the step's error.
pub(super) fn text<'v>(step: &str, value: &'v Value, field: &str) -> Result<&'v str, LocalError> {
    value[field]
        .as_str()
        .ok_or_else(|| failed(step, format!("no {field} in {value}")))
}
