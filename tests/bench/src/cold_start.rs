//! Cold start and memory of a function binary, measured the way Lambda runs it: the release
//! `bootstrap` is started with `AWS_LAMBDA_RUNTIME_API` pointing at a Runtime API played here, and
//! talks to a local AWS (moto) for its table, bucket and mail.
//!
//! Per run: *init* is spawn → the first `GET /runtime/invocation/next` (everything the binary does
//! before it can take an event: tracing, SDK configuration, clients); *cold* is that first event
//! handed out → its response; *warm* is the same for a second event in the same process; *peak RSS*
//! is the kernel's `VmHWM` after both. What Lambda adds (fetching the code, starting the micro-VM)
//! is not here, and moto answers faster or slower than DynamoDB would: compare these figures with
//! each other (binaries, opt-levels, changes), not with CloudWatch's.
//!
//! A run fails, rather than measure, when the function refuses its event: an invocation error, an
//! API answer of 4xx or 5xx, or a stream batch with records to retry ([`refusal`]).

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use tokio::sync::{Mutex, mpsc};

type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// One run's figures.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub init: Duration,
    pub cold: Duration,
    pub warm: Duration,
    pub peak_rss_kib: u64,
}

enum Outcome {
    Response(String),
    Error(String),
}

struct RuntimeApi {
    queue: Mutex<VecDeque<String>>,
    served: mpsc::UnboundedSender<(usize, Instant)>,
    answered: mpsc::UnboundedSender<(usize, Instant, Outcome)>,
    counter: std::sync::atomic::AtomicUsize,
}

async fn next_invocation(State(api): State<Arc<RuntimeApi>>) -> (StatusCode, HeaderMap, String) {
    let Some(event) = api.queue.lock().await.pop_front() else {
        // No more events for this run: hold the request open, as Lambda does while frozen.
        std::future::pending::<()>().await;
        unreachable!("a pending future never completes")
    };
    let number = api
        .counter
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut headers = HeaderMap::new();
    let deadline = chrono::Utc::now().timestamp_millis() + 30_000;
    let insert = |headers: &mut HeaderMap, name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    insert(
        &mut headers,
        "lambda-runtime-aws-request-id",
        number.to_string(),
    );
    insert(
        &mut headers,
        "lambda-runtime-deadline-ms",
        deadline.to_string(),
    );
    insert(
        &mut headers,
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:000000000000:function:bench".into(),
    );
    insert(
        &mut headers,
        "lambda-runtime-trace-id",
        "Root=1-bench".into(),
    );
    let _ = api.served.send((number, Instant::now()));
    (StatusCode::OK, headers, event)
}

async fn invocation_response(
    State(api): State<Arc<RuntimeApi>>,
    UrlPath(id): UrlPath<usize>,
    body: String,
) -> StatusCode {
    let _ = api
        .answered
        .send((id, Instant::now(), Outcome::Response(body)));
    StatusCode::ACCEPTED
}

/// Why a function's answer is a refusal though the invocation succeeded: an API answer with a
/// 4xx or 5xx `statusCode`, or a stream batch that reports records to retry
/// (`batchItemFailures`). `None`: an answer the bench accepts.
fn refusal(body: &str) -> Option<String> {
    let answer: serde_json::Value = serde_json::from_str(body).ok()?;
    if let Some(status) = answer["statusCode"]
        .as_u64()
        .filter(|status| *status >= 400)
    {
        return Some(format!("answered {status}: {body}"));
    }
    let failures = answer["batchItemFailures"].as_array()?;
    (!failures.is_empty()).then(|| format!("reported records to retry: {body}"))
}

async fn invocation_error(
    State(api): State<Arc<RuntimeApi>>,
    UrlPath(id): UrlPath<usize>,
    body: String,
) -> StatusCode {
    let _ = api
        .answered
        .send((id, Instant::now(), Outcome::Error(body)));
    StatusCode::ACCEPTED
}

async fn init_error(State(api): State<Arc<RuntimeApi>>, body: String) -> StatusCode {
    let _ = api
        .answered
        .send((usize::MAX, Instant::now(), Outcome::Error(body)));
    StatusCode::ACCEPTED
}

/// Starts `binary` once with `env`, hands it `event` twice and measures.
pub async fn run_once(
    binary: &Path,
    env: &[(String, String)],
    event: &str,
) -> Result<Run, BenchError> {
    let (served, mut served_rx) = mpsc::unbounded_channel();
    let (answered, mut answered_rx) = mpsc::unbounded_channel();
    let api = Arc::new(RuntimeApi {
        queue: Mutex::new(VecDeque::from([event.to_owned(), event.to_owned()])),
        served,
        answered,
        counter: std::sync::atomic::AtomicUsize::new(0),
    });
    let router = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(invocation_response),
        )
        .route(
            "/2018-06-01/runtime/invocation/{id}/error",
            post(invocation_error),
        )
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().ok_or("the function exited at once")?;

    let limit = Duration::from_secs(60);
    let mut served_at = Vec::new();
    let mut answered_at = Vec::new();
    while answered_at.len() < 2 {
        tokio::select! {
            Some((_, at)) = served_rx.recv() => served_at.push(at),
            Some((id, at, outcome)) = answered_rx.recv() => match outcome {
                Outcome::Response(body) => {
                    if let Some(refusal) = refusal(&body) {
                        return Err(format!("{} on invocation {id} {refusal}", binary.display()).into());
                    }
                    answered_at.push(at);
                }
                Outcome::Error(body) => {
                    return Err(format!("{} failed on invocation {id}: {body}", binary.display()).into());
                }
            },
            status = child.wait() => {
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    use tokio::io::AsyncReadExt as _;
                    let _ = pipe.read_to_string(&mut stderr).await;
                }
                return Err(format!("{} exited ({status:?}): {stderr}", binary.display()).into());
            }
            () = tokio::time::sleep_until((started + limit).into()) => {
                return Err(format!("{} took over {limit:?}", binary.display()).into());
            }
        }
    }
    let peak_rss_kib = peak_rss_kib(pid)?;
    child.kill().await?;
    server.abort();
    let [first_served, second_served] = served_at[..] else {
        return Err("the runtime API did not serve two events".into());
    };
    Ok(Run {
        init: first_served - started,
        cold: answered_at[0] - first_served,
        warm: answered_at[1] - second_served,
        peak_rss_kib,
    })
}

/// The process's peak resident set (`VmHWM`), from /proc.
fn peak_rss_kib(pid: u32) -> Result<u64, BenchError> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc status".into())
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn an_error_status_or_a_record_to_retry_is_a_refusal() {
        assert!(refusal(r#"{"statusCode":200,"body":"[]"}"#).is_none());
        assert!(refusal(r#"{"batchItemFailures":[]}"#).is_none());
        assert!(refusal(r#"{"cycles":[],"aftercare":{}}"#).is_none());
        assert!(refusal("null").is_none());
        assert!(refusal(r#"{"statusCode":500,"body":"{}"}"#).is_some());
        assert!(refusal(r#"{"statusCode":404,"body":"{}"}"#).is_some());
        assert!(
            refusal(r#"{"batchItemFailures":[{"itemIdentifier":"100000000000000000001"}]}"#)
                .is_some()
        );
    }
}
