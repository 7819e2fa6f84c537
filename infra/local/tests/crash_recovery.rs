//! No acknowledged upload is lost when the runner dies: the real `award-local` binary, killed with
//! SIGKILL after answering a burst of uploads and before handling their S3 events, checks every
//! one of them once it is started again on the same data folder, each exactly once.
//!
//! "Before handling their events" is made certain, not raced, by `AWARD_LOCAL_HOLD_S3_EVENTS=1`
//! (the runner stores uploads but delivers none of their events while it is set).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use award_domain::uscc::Uscc;
use award_local::Identity;
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

/// A bug must fail the test, not hang it.
const WAIT: StdDuration = StdDuration::from_secs(60);
/// The burst: this many documents, uploaded one after the other, plus the Committee's minutes.
const DOCUMENTS: usize = 12;
const DIVISION_CODE: &str = "620602";

/// One `award-local serve` child process on `data`, on a free loopback port.
struct Runner {
    child: Child,
    /// Every line it printed, stdout and stderr, as it printed them.
    lines: mpsc::UnboundedReceiver<String>,
    /// What was read so far, for failure messages.
    printed: Vec<String>,
    base: String,
}

impl Runner {
    /// Starts the binary and waits for the line that names its address.
    async fn start(data: &Path, hold_s3_events: bool) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_award-local"));
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data)
            // Nothing from the caller's environment may move its clock or its data folder.
            .env_remove("AWARD_CLOCK_OFFSET")
            .env_remove("AWARD_CLOCK_OFFSET_DAYS")
            .env_remove("AWARD_DATA_DIR")
            .env_remove("PUBLIC_BASE_URL")
            .env("RUST_LOG", "warn")
            // No `web/dist` is found from here: the API alone.
            .current_dir(data.parent().expect("the data folder has a parent"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if hold_s3_events {
            command.env("AWARD_LOCAL_HOLD_S3_EVENTS", "1");
        } else {
            command.env_remove("AWARD_LOCAL_HOLD_S3_EVENTS");
        }
        let mut child = command.spawn().expect("award-local starts");
        let (sender, lines) = mpsc::unbounded_channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        forward_lines(stdout, sender.clone());
        forward_lines(stderr, sender);
        let mut runner = Self {
            child,
            lines,
            printed: Vec::new(),
            base: String::new(),
        };
        let serving = runner
            .wait_for_line("its address", |line| {
                line.contains("serving the award API on http://127.0.0.1:")
            })
            .await;
        runner.base = serving
            .split_whitespace()
            .find(|word| word.starts_with("http://127.0.0.1:"))
            .expect("an address")
            .to_owned();
        runner
    }

    /// The first line (from now on) that `wanted` accepts; fails with everything printed when the
    /// process ends or `WAIT` passes first.
    async fn wait_for_line(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => {
                    self.printed.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Ok(None) => panic!(
                    "award-local ended before printing {what}:\n{}",
                    self.printed.join("\n")
                ),
                Err(_) => panic!(
                    "award-local did not print {what} within {WAIT:?}:\n{}",
                    self.printed.join("\n")
                ),
            }
        }
    }

    /// SIGKILL: no shutdown, no flush, nothing the runner could still do.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL the runner");
        self.child.wait().expect("reap the runner");
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        // A failing test must not leave the process behind; after `kill` this finds it gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line `from` prints to `to`, from a thread of its own (the pipes block).
fn forward_lines(from: impl Read + Send + 'static, to: mpsc::UnboundedSender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            if to.send(line).is_err() {
                return;
            }
        }
    });
}

fn token(data: &Path, role: &str, sub: &str, email: &str) -> String {
    let identity = Identity {
        sub: sub.into(),
        email: email.into(),
        roles: vec![role.into()],
    };
    award_local::mint_token(data, &identity, Utc::now(), Duration::hours(1)).expect("a token")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A small PDF-looking file, different for each `n`.
fn pdf(n: usize) -> Vec<u8> {
    format!("%PDF-1.4\n% 质量奖申报材料 {n}\n%%EOF\n").into_bytes()
}

fn file_name(n: usize) -> String {
    format!("证明材料-{n:02}.pdf")
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the runner answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{path}: {status}: not JSON: {text:?}"));
        (status, json)
    }

    async fn ok(&self, method: Method, path: &str, token: &str, body: Option<&Value>) -> Value {
        let (status, answer) = self.call(method, path, token, body).await;
        assert!(status.is_success(), "{path}: {status} {answer}");
        answer
    }

    /// The PUT to a presigned link, with exactly the headers it names; the status.
    async fn upload(&self, link: &Value, body: Vec<u8>) -> StatusCode {
        let url = link["url"].as_str().expect("a link URL");
        assert!(url.starts_with(&self.base), "{url} is this runner's");
        let mut request = self.http.put(url);
        for (name, value) in link["headers"].as_object().expect("headers") {
            // reqwest sets Content-Length from the body itself.
            if !name.eq_ignore_ascii_case("content-length") {
                request = request.header(name, value.as_str().expect("a header value"));
            }
        }
        request
            .body(body)
            .send()
            .await
            .expect("the runner answers")
            .status()
    }
}

/// What the test made: the application and its documents' files by id, the minutes' id.
struct Made {
    application: String,
    files: BTreeMap<String, String>,
    minutes: String,
}

/// An open cycle, one application with `DOCUMENTS` declared documents and the Committee's minutes
/// declared, every file uploaded through its link, each answered 200.
async fn declare_and_upload(api: &Api, office: &str, committee: &str, applicant: &str) -> Made {
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let cycle = today.format("%Y").to_string();
    api.ok(
        Method::POST,
        "/cycles",
        office,
        Some(&json!({
            "id": cycle,
            "title": format!("{cycle}年度武威市人民政府质量奖"),
            "application_deadline": (today + Duration::days(30)).to_string(),
            "recommendation_deadline": (today + Duration::days(45)).to_string(),
        })),
    )
    .await;
    api.ok(
        Method::POST,
        &format!("/cycles/{cycle}/rules/approve"),
        committee,
        None,
    )
    .await;
    api.ok(Method::POST, &format!("/cycles/{cycle}/open"), office, None)
        .await;

    let uscc = Uscc::with_check_character(&format!("91{DIVISION_CODE}MA74XY8Q0"))
        .expect("a well-formed USCC prefix");
    let application = api
        .ok(
            Method::POST,
            "/applications",
            applicant,
            Some(&json!({
                "organisation_name": "武威市示例质量有限公司",
                "uscc": uscc.as_str(),
                "registration_date": "2015-06-01",
                "division_code": DIVISION_CODE,
                "contact_email": "contact@example.cn",
            })),
        )
        .await["id"]
        .as_str()
        .expect("an application id")
        .to_owned();

    let mut links = Vec::new();
    let mut files = BTreeMap::new();
    for n in 0..DOCUMENTS {
        let bytes = pdf(n);
        let declared = api
            .ok(
                Method::POST,
                &format!("/applications/{application}/documents"),
                applicant,
                Some(&json!({
                    "category": "other",
                    "file_name": file_name(n),
                    "content_type": "application/pdf",
                    "size": bytes.len(),
                    "sha256": sha256_hex(&bytes),
                })),
            )
            .await;
        let id = declared["document"]["id"].as_str().expect("a document id");
        files.insert(id.to_owned(), file_name(n));
        links.push((declared["upload"].clone(), bytes));
    }
    let minutes_pdf = pdf(DOCUMENTS);
    let declared = api
        .ok(
            Method::POST,
            &format!("/cycles/{cycle}/minutes"),
            committee,
            Some(&json!({
                "file_name": "评审委员会会议纪要.pdf",
                "content_type": "application/pdf",
                "size": minutes_pdf.len(),
                "sha256": sha256_hex(&minutes_pdf),
            })),
        )
        .await;
    let minutes = declared["attachment"]["id"]
        .as_str()
        .expect("an attachment id")
        .to_owned();
    links.push((declared["upload"].clone(), minutes_pdf));

    // The burst: each upload acknowledged before the next is sent.
    for (link, bytes) in links {
        assert_eq!(api.upload(&link, bytes).await, StatusCode::OK, "{link}");
    }
    Made {
        application,
        files,
        minutes,
    }
}

/// Each document's status by id.
async fn statuses(api: &Api, made: &Made, applicant: &str) -> BTreeMap<String, String> {
    let read = api
        .ok(
            Method::GET,
            &format!("/applications/{}", made.application),
            applicant,
            None,
        )
        .await;
    read["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|document| {
            (
                document["id"].as_str().expect("an id").to_owned(),
                document["status"].as_str().expect("a status").to_owned(),
            )
        })
        .collect()
}

/// How many `document_received` notices the table holds for each file name.
async fn received_notices(api: &Api, made: &Made, office: &str) -> BTreeMap<String, usize> {
    let listed = api
        .ok(
            Method::GET,
            &format!("/applications/{}/notices", made.application),
            office,
            None,
        )
        .await;
    let mut counts = BTreeMap::new();
    for notice in listed["notices"].as_array().expect("notices") {
        if notice["kind"] != "document_received" {
            continue;
        }
        let subject = notice["subject"].as_str().expect("a subject");
        let file = made
            .files
            .values()
            .find(|file| subject.contains(file.as_str()))
            .unwrap_or_else(|| panic!("a receipt for no declared file: {subject}"));
        *counts.entry(file.clone()).or_default() += 1;
    }
    counts
}

/// Every document `received` with exactly one receipt, and the minutes received (downloadable).
async fn assert_each_checked_once(api: &Api, made: &Made, tokens: &Tokens, when: &str) {
    let statuses = statuses(api, made, &tokens.applicant).await;
    assert_eq!(statuses.len(), DOCUMENTS, "{when}: {statuses:?}");
    for (id, status) in &statuses {
        assert_eq!(status, "received", "{when}: document {id}: {statuses:?}");
    }
    let once: BTreeMap<String, usize> = made.files.values().map(|file| (file.clone(), 1)).collect();
    assert_eq!(
        received_notices(api, made, &tokens.office).await,
        once,
        "{when}: one document_received notice per document"
    );
    let (status, download) = api
        .call(
            Method::GET,
            &format!("/attachments/{}/download", made.minutes),
            &tokens.office,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{when}: the minutes: {download}");
}

struct Tokens {
    office: String,
    committee: String,
    applicant: String,
}

fn data_folder(root: &tempfile::TempDir) -> PathBuf {
    root.path().join("data")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_acknowledged_before_a_kill_are_each_checked_once_after_the_restart() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let data = data_folder(&root);
    let tokens = Tokens {
        office: token(&data, "office", "office-1", "office@wuwei.example.cn"),
        committee: token(
            &data,
            "committee",
            "committee-1",
            "committee@wuwei.example.cn",
        ),
        applicant: token(&data, "applicant", "applicant-1", "contact@example.cn"),
    };

    let held = Runner::start(&data, true).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: held.base.clone(),
    };
    let made = declare_and_upload(&api, &tokens.office, &tokens.committee, &tokens.applicant).await;
    // Every upload was answered 200, and no event was handled: all still declared.
    let before = statuses(&api, &made, &tokens.applicant).await;
    assert_eq!(before.len(), DOCUMENTS);
    assert!(
        before.values().all(|status| status == "declared"),
        "the S3 events are held: {before:?}"
    );
    assert!(
        received_notices(&api, &made, &tokens.office)
            .await
            .is_empty()
    );
    held.kill();

    let mut restarted = Runner::start(&data, false).await;
    restarted
        .wait_for_line("that the stored uploads were checked again", |line| {
            line.contains("stored before the start checked again")
        })
        .await;
    let api = Api {
        http: reqwest::Client::new(),
        base: restarted.base.clone(),
    };
    assert_each_checked_once(&api, &made, &tokens, "after the restart").await;
    restarted.kill();

    // Started again (killed once more first): the stored objects are delivered again, and the
    // idempotent handler owes nothing new.
    let mut again = Runner::start(&data, false).await;
    again
        .wait_for_line("that the stored uploads were checked again", |line| {
            line.contains(&format!(
                "{} stored before the start checked again",
                DOCUMENTS + 1
            ))
        })
        .await;
    let api = Api {
        http: reqwest::Client::new(),
        base: again.base.clone(),
    };
    assert_each_checked_once(&api, &made, &tokens, "after a second restart").await;
    again.kill();
}
