//! Table calls per operation: the applicant's scenario run through the real handlers over the
//! embedded adapters, with a decorator on the `Table` port counting what each step asks of it.
//! On AWS each `get` is one GetItem, each `query` one Query page, each `transact` one
//! TransactWriteItems, so these are the DynamoDB calls (and their write units' item count) per
//! operation.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use award_app::stages::{cycles, decision, reviews, screening};
use award_app::{App, AppConfig, events, http};
use award_domain::time::china_start_of_day;
use award_e2e::{
    complete_form, declaration_of, liangzhou_office, new_application, new_cycle,
    required_categories, uscc,
};
use award_embedded::{EmbeddedBlobs, EmbeddedTable};
use award_local::gateway::{GatewayRequest, to_event, to_lambda_request};
use award_local::s3_event::{CreatedObject, object_created};
use award_ports::{Item, Key, Page, Query, Table, TableError, Transaction};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Default)]
struct Counters {
    gets: AtomicU64,
    queries: AtomicU64,
    transacts: AtomicU64,
    written_items: AtomicU64,
    /// The deepest round a call finished in, and the deepest one a call started in.
    round_finished: AtomicU64,
    round_started: AtomicU64,
    /// Calls started in each round and not yet finished, and a wake-up when one finishes.
    in_flight: std::sync::Mutex<std::collections::BTreeMap<u64, usize>>,
    finished: tokio::sync::Notify,
}

/// What one operation asked of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    pub gets: u64,
    pub queries: u64,
    pub transacts: u64,
    pub written_items: u64,
    /// Sequential round trips: the longest chain of calls each started after the one before it
    /// finished. Calls made concurrently (joined) share a round; on AWS each round is one network
    /// round trip the invocation waits for.
    pub rounds: u64,
}

struct CountingTable {
    inner: EmbeddedTable,
    counters: Counters,
}

impl CountingTable {
    fn take(&self) -> Calls {
        let take = |counter: &AtomicU64| counter.swap(0, Ordering::SeqCst);
        take(&self.counters.round_finished);
        Calls {
            gets: take(&self.counters.gets),
            queries: take(&self.counters.queries),
            transacts: take(&self.counters.transacts),
            written_items: take(&self.counters.written_items),
            rounds: take(&self.counters.round_started),
        }
    }

    /// Runs one call in the round after the deepest one finished so far. The call yields once
    /// before it reaches the table, as a network call would, so calls joined with it start
    /// before it finishes and share its round. It returns only once every call of its round has
    /// finished, as if each round trip took the same time: the embedded table answers from a
    /// thread pool in any order, and without this a call of one chain could finish before the
    /// call joined with it in another and make that chain's next call look a round later.
    async fn in_round<T>(&self, call: impl std::future::Future<Output = T>) -> T {
        let round = self.counters.round_finished.load(Ordering::SeqCst) + 1;
        self.counters
            .round_started
            .fetch_max(round, Ordering::SeqCst);
        self.in_flight(|flights| *flights.entry(round).or_default() += 1);
        // Counted out when the call ends, or when it is dropped unfinished (a joined read that
        // failed drops the others), so no call waits for it.
        let flight = Flight {
            counters: &self.counters,
            round,
        };
        tokio::task::yield_now().await;
        let answer = call.await;
        drop(flight);
        loop {
            let notified = self.counters.finished.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.in_flight(|flights| flights.contains_key(&round)) {
                break;
            }
            notified.await;
        }
        self.counters
            .round_finished
            .fetch_max(round, Ordering::SeqCst);
        answer
    }

    fn in_flight<R>(
        &self,
        change: impl FnOnce(&mut std::collections::BTreeMap<u64, usize>) -> R,
    ) -> R {
        self.counters.in_flight(change)
    }
}

impl Counters {
    fn in_flight<R>(
        &self,
        change: impl FnOnce(&mut std::collections::BTreeMap<u64, usize>) -> R,
    ) -> R {
        let mut flights = match self.in_flight.lock() {
            Ok(flights) => flights,
            Err(poisoned) => poisoned.into_inner(),
        };
        change(&mut flights)
    }
}

/// One call in flight in `round`.
struct Flight<'a> {
    counters: &'a Counters,
    round: u64,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.counters.in_flight(|flights| {
            if let Some(count) = flights.get_mut(&self.round) {
                *count -= 1;
                if *count == 0 {
                    flights.remove(&self.round);
                }
            }
        });
        self.counters.finished.notify_waiters();
    }
}

#[async_trait]
impl Table for CountingTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.counters.gets.fetch_add(1, Ordering::SeqCst);
        self.in_round(self.inner.get(key)).await
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        self.counters.queries.fetch_add(1, Ordering::SeqCst);
        self.in_round(self.inner.query(query)).await
    }

    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
        self.counters.transacts.fetch_add(1, Ordering::SeqCst);
        self.counters
            .written_items
            .fetch_add(transaction.len() as u64, Ordering::SeqCst);
        self.in_round(self.inner.transact_items(transaction)).await
    }
}

type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// Mail that answers after one yield, as a network call would, and keeps nothing: the embedded
/// mail writes each message from a thread pool, whose timing would make joined notices' next
/// table calls look a round apart. The scenario reads no message back.
struct InstantMail(AtomicU64);

#[async_trait]
impl award_ports::Mail for InstantMail {
    async fn send(&self, _email: &award_ports::Email) -> Result<String, award_ports::MailError> {
        tokio::task::yield_now().await;
        Ok(format!("bench-{}", self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

/// The recommending unit's account (token subject) in every scenario.
const UNIT_ACCOUNT: &str = "recommender-bench";

/// One application, as far as the scenario needs to know it.
struct Applicant<'a> {
    /// Token subject of the applicant account.
    sub: &'a str,
    name: &'a str,
    /// The 9-character organisation code inside the USCC (`award_e2e::uscc`).
    code: &'a str,
}

/// The applicant of the main scenario (its USCC's organisation code as in the e2e suites).
const FIRST: Applicant<'static> = Applicant {
    sub: "applicant-bench",
    name: "武威市示例质量有限公司",
    code: "MA74XY8Q0",
};

/// A world of its own: the app over a counting embedded table, a clock the scenario sets, and
/// the rows measured so far. Steps taken while `recording` is off are setup and leave no row.
struct Scenario {
    _folder: tempfile::TempDir,
    app: App,
    table: Arc<CountingTable>,
    blobs: Arc<EmbeddedBlobs>,
    feed: EmbeddedTable,
    feed_position: u64,
    uploads: u64,
    now: DateTime<Utc>,
    recording: bool,
    rows: Vec<(String, Calls)>,
}

impl Scenario {
    fn new(now: DateTime<Utc>) -> Result<Self, BenchError> {
        let folder = tempfile::tempdir()?;
        let feed = EmbeddedTable::open(folder.path().join("table.redb"))?;
        let table = Arc::new(CountingTable {
            inner: feed.clone(),
            counters: Counters::default(),
        });
        let blobs = Arc::new(EmbeddedBlobs::new(
            folder.path().join("blobs"),
            "http://127.0.0.1:9".into(),
            b"bench-secret-bench-secret-bench!".to_vec(),
        )?);
        let app = App::new(
            table.clone(),
            blobs.clone(),
            Arc::new(InstantMail(AtomicU64::new(0))),
            AppConfig::new(
                "award@bench.example",
                award_app::Mailboxes {
                    office: "office@bench.example".into(),
                    committee: "committee@bench.example".into(),
                    finance: "finance@bench.example".into(),
                },
                "https://award.bench.example",
            ),
        );
        Ok(Self {
            _folder: folder,
            app,
            table,
            blobs,
            feed,
            feed_position: 0,
            uploads: 0,
            now,
            recording: true,
            rows: Vec::new(),
        })
    }

    /// An API call as `role` with the subject `{role}-bench`.
    async fn call(
        &mut self,
        label: &str,
        method: &str,
        path: &str,
        role: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, BenchError> {
        let sub = format!("{role}-bench");
        self.call_as(label, method, path, (role, &sub), body).await
    }

    /// An API call through API Gateway's payload, as `(role, sub)` with a verified email.
    async fn call_as(
        &mut self,
        label: &str,
        method: &str,
        path: &str,
        (role, sub): (&str, &str),
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, BenchError> {
        let claims = HashMap::from([
            ("sub".to_owned(), sub.to_owned()),
            ("email".to_owned(), format!("{sub}@bench.example")),
            ("email_verified".to_owned(), "true".to_owned()),
            ("cognito:groups".to_owned(), format!("[{role}]")),
        ]);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        );
        let event = to_event(GatewayRequest {
            method: method.parse()?,
            uri: path.parse()?,
            headers,
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
            source: None,
            claims: Some(claims),
            request_id: ulid::Ulid::new().to_string(),
            received_at: self.now,
        });
        self.table.take();
        let response = http::handle(&self.app, to_lambda_request(&event)?, self.now).await;
        let status = response.status();
        let json: serde_json::Value = serde_json::from_slice(response.body().as_ref())?;
        if !status.is_success() {
            return Err(format!("{label}: {status} {json}").into());
        }
        self.record(label);
        Ok(json)
    }

    /// Takes the counters; keeps them as a row when recording.
    fn record(&mut self, label: &str) {
        let calls = self.table.take();
        if self.recording {
            self.rows.push((label.to_owned(), calls));
        }
    }

    /// Delivers the change feed so far to `notify`, as the stream would.
    async fn notify(&mut self, label: &str) -> Result<(), BenchError> {
        let changes = self.feed.changes_after(self.feed_position, 1000)?;
        if let Some((last, _)) = changes.last() {
            self.feed_position = *last;
        }
        let records: Vec<_> = changes.into_iter().map(|(_, record)| record).collect();
        self.table.take();
        events::table_changes(&self.app, &records, self.now)
            .await?
            .finish()?;
        self.record(label);
        Ok(())
    }

    /// Puts `content` through a declaration's presigned link; returns the S3 event it causes.
    fn upload(
        &mut self,
        declared: &serde_json::Value,
        content: &[u8],
    ) -> Result<aws_lambda_events::s3::S3Event, BenchError> {
        let url = declared["upload"]["url"]
            .as_str()
            .ok_or("the declaration has no upload url")?;
        let (path, query) = url.split_once('?').ok_or("upload url without a query")?;
        let key = path
            .split_once("/blobs/")
            .ok_or("upload url outside /blobs/")?
            .1;
        self.blobs
            .accept_upload(key, query, Some("application/pdf"), content, self.now)
            .map_err(|rejection| format!("upload rejected: {}", rejection.code()))?;
        self.uploads += 1;
        Ok(object_created(&CreatedObject {
            bucket: "bench",
            key,
            size: content.len() as u64,
            sequence: self.uploads,
            source_ip: None,
            at: self.now,
        }))
    }

    /// Declares, uploads and has `upload-received` check one PDF of `category` (no rows).
    async fn evidence(
        &mut self,
        who: &Applicant<'_>,
        application: &str,
        category: &str,
    ) -> Result<(), BenchError> {
        let recording = std::mem::replace(&mut self.recording, false);
        let content = format!("%PDF-1.4\n% {category}\n%%EOF\n").into_bytes();
        let declared = self
            .call_as(
                "declare evidence",
                "POST",
                &format!("/applications/{application}/documents"),
                ("applicant", who.sub),
                Some(declaration_of(
                    category,
                    &format!("{category}.pdf"),
                    "application/pdf",
                    &content,
                )),
            )
            .await;
        let outcome = async {
            let event = self.upload(&declared?, &content)?;
            events::object_created(&self.app, event, self.now).await?;
            Ok::<_, BenchError>(())
        }
        .await;
        self.record("evidence received");
        self.recording = recording;
        outcome
    }

    /// The cycle of the scenario's year, created, approved and opened; its application deadline.
    async fn open_cycle(&mut self) -> Result<NaiveDate, BenchError> {
        let cycle = new_cycle(self.now);
        let id = cycle["id"].as_str().ok_or("a cycle without id")?.to_owned();
        self.call(
            "create a cycle (office)",
            "POST",
            "/cycles",
            "office",
            Some(cycle.clone()),
        )
        .await?;
        self.call(
            "approve the review rules (committee)",
            "POST",
            &format!("/cycles/{id}/rules/approve"),
            "committee",
            None,
        )
        .await?;
        self.call(
            "open the cycle (office)",
            "POST",
            &format!("/cycles/{id}/open"),
            "office",
            None,
        )
        .await?;
        Ok(cycle["application_deadline"]
            .as_str()
            .ok_or("a cycle without deadline")?
            .parse()?)
    }

    /// A county office for 620602 acting through [`UNIT_ACCOUNT`]; its id.
    async fn create_unit(&mut self) -> Result<String, BenchError> {
        let unit = self
            .call(
                "create a recommending unit (office)",
                "POST",
                "/recommenders",
                "office",
                Some(liangzhou_office(UNIT_ACCOUNT, "unit@bench.example")),
            )
            .await?;
        Ok(unit["id"].as_str().ok_or("a unit without id")?.to_owned())
    }

    /// Creates `who`'s application; its id.
    async fn create_application(&mut self, who: &Applicant<'_>) -> Result<String, BenchError> {
        let contact = format!("{}@bench.example", who.sub);
        let created = self
            .call_as(
                "create an application",
                "POST",
                "/applications",
                ("applicant", who.sub),
                Some(new_application(who.name, &uscc(who.code), &contact)),
            )
            .await?;
        Ok(created["id"]
            .as_str()
            .ok_or("the created application has no id")?
            .to_owned())
    }

    /// `PUT /applications/{id}/form`: the complete form and the unit, from version 1.
    async fn save_form(
        &mut self,
        who: &Applicant<'_>,
        application: &str,
        unit: &str,
        deadline: NaiveDate,
    ) -> Result<(), BenchError> {
        let contact = format!("{}@bench.example", who.sub);
        self.call_as(
            "save the whole form (PUT, unit chosen)",
            "PUT",
            &format!("/applications/{application}/form"),
            ("applicant", who.sub),
            Some(serde_json::json!({
                "version": 1,
                "form": complete_form(deadline, who.name, &uscc(who.code), &contact),
                "recommender_id": unit,
            })),
        )
        .await?;
        Ok(())
    }

    async fn submit(&mut self, who: &Applicant<'_>, application: &str) -> Result<(), BenchError> {
        self.call_as(
            "submit (form complete, 6 documents received)",
            "POST",
            &format!("/applications/{application}/submit"),
            ("applicant", who.sub),
            None,
        )
        .await?;
        Ok(())
    }

    /// Runs the daily cycle job at `at`; returns what it did.
    async fn advance_cycles(
        &mut self,
        label: &str,
        at: DateTime<Utc>,
    ) -> Result<cycles::CycleRun, BenchError> {
        self.now = at;
        self.table.take();
        let run = cycles::advance_cycles(&self.app, at).await?;
        self.record(label);
        Ok(run)
    }
}

/// 00:00 China time on the day after `day`: the first instant the deadline day has ended.
fn after(day: NaiveDate) -> Result<DateTime<Utc>, BenchError> {
    Ok(china_start_of_day(day.succ_opt().ok_or("no next day")?))
}

fn start() -> Result<DateTime<Utc>, BenchError> {
    Ok("2026-03-02T02:00:00Z".parse()?)
}

/// Runs the scenarios and returns one row per operation.
pub async fn measure() -> Result<Vec<(String, Calls)>, BenchError> {
    let mut rows = applicants_scenario().await?;
    for waiting in [1, 10] {
        rows.push(review_start_closing(waiting).await?);
    }
    rows.extend(review_scenario().await?);
    rows.extend(decision_scenario().await?);
    Ok(rows)
}

/// One application from creation to recommendation, then the call closing and review starting.
async fn applicants_scenario() -> Result<Vec<(String, Calls)>, BenchError> {
    let mut scenario = Scenario::new(start()?)?;
    let deadline = scenario.open_cycle().await?;
    scenario
        .call(
            "read the open cycle (public)",
            "GET",
            "/cycles/open",
            "applicant",
            None,
        )
        .await?;
    let unit = scenario.create_unit().await?;
    let application_id = scenario.create_application(&FIRST).await?;
    scenario
        .notify("notify: application-received notice")
        .await?;
    scenario
        .save_form(&FIRST, &application_id, &unit, deadline)
        .await?;

    let content = b"%PDF-1.7 bench evidence".to_vec();
    let declared = scenario
        .call_as(
            "declare a document (presigned upload)",
            "POST",
            &format!("/applications/{application_id}/documents"),
            ("applicant", FIRST.sub),
            Some(declaration_of(
                "management_system_certificate",
                "质量管理体系证书.pdf",
                "application/pdf",
                &content,
            )),
        )
        .await?;
    let event = scenario.upload(&declared, &content)?;
    scenario.table.take();
    events::object_created(&scenario.app, event.clone(), scenario.now).await?;
    scenario.record("S3 object created (upload-received)");
    events::object_created(&scenario.app, event, scenario.now).await?;
    scenario.record("same S3 event again (idempotent)");
    scenario.notify("notify: document-received notice").await?;
    scenario
        .call(
            "read an application with its documents",
            "GET",
            &format!("/applications/{application_id}"),
            "applicant",
            None,
        )
        .await?;
    scenario
        .call(
            "list my applications",
            "GET",
            "/applications",
            "applicant",
            None,
        )
        .await?;
    let document_id = declared["document"]["id"]
        .as_str()
        .ok_or("the declaration has no document id")?
        .to_owned();
    scenario
        .call(
            "download link (access recorded)",
            "GET",
            &format!("/applications/{application_id}/documents/{document_id}/download"),
            "applicant",
            None,
        )
        .await?;
    scenario.table.take();
    events::redrive_pending_notices(&scenario.app, scenario.now).await?;
    scenario.record("scheduled redrive, nothing pending");
    // The first aftercare run sets its watermark; the next day's finds nothing due.
    award_app::stages::aftercare::run_daily(&scenario.app, scenario.now).await?;
    scenario.table.take();
    let next_day = scenario.now + chrono::Duration::days(1);
    award_app::stages::aftercare::run_daily(&scenario.app, next_day).await?;
    scenario.record("aftercare run: the next day, nothing due (reminders)");

    for category in required_categories() {
        if category != "management_system_certificate" {
            scenario.evidence(&FIRST, &application_id, category).await?;
        }
    }
    scenario.recording = false;
    scenario.notify("the other documents' notices").await?;
    scenario.recording = true;
    scenario.submit(&FIRST, &application_id).await?;
    scenario
        .notify("notify: submission notices (applicant, Office, unit)")
        .await?;
    let inbox = scenario
        .call_as(
            "recommendation inbox (recommender, 1 cycle)",
            "GET",
            "/recommendations",
            ("recommender", UNIT_ACCOUNT),
            None,
        )
        .await?;
    if inbox["applications"].as_array().map(Vec::len) != Some(1) {
        return Err(format!("the unit's inbox should hold the submission: {inbox}").into());
    }
    scenario
        .call_as(
            "recommend (recommender)",
            "POST",
            &format!("/applications/{application_id}/recommend"),
            ("recommender", UNIT_ACCOUNT),
            Some(serde_json::json!({"opinion": "经审核，同意推荐。", "signer_name": "赵六"})),
        )
        .await?;
    scenario
        .notify("notify: recommendation notices (applicant, Office)")
        .await?;
    let timeline = scenario
        .call(
            "the application's notices (applicant's timeline)",
            "GET",
            &format!("/applications/{application_id}/notices"),
            "applicant",
            None,
        )
        .await?;
    if timeline["notices"].as_array().is_none_or(Vec::is_empty) {
        return Err(format!("the applicant should read its notices: {timeline}").into());
    }

    let run = scenario
        .advance_cycles(
            "advance_cycles before any deadline (nothing to do)",
            scenario.now,
        )
        .await?;
    if run != cycles::CycleRun::default() {
        return Err(format!("nothing was due, yet the run did {run:?}").into());
    }
    let run = scenario
        .advance_cycles(
            "advance_cycles: the call closes (application deadline passed)",
            after(deadline)?,
        )
        .await?;
    if run.closed.len() != 1 {
        return Err(format!("the call should have closed: {run:?}").into());
    }
    Ok(scenario.rows)
}

/// A closed cycle with `waiting` submitted applications no unit recommended; the row is the run
/// of `advance_cycles` after the recommendation deadline that closes them and starts review.
async fn review_start_closing(waiting: usize) -> Result<(String, Calls), BenchError> {
    let mut scenario = Scenario::new(start()?)?;
    scenario.recording = false;
    let cycle = new_cycle(scenario.now);
    let deadline = scenario.open_cycle().await?;
    let recommendation_deadline: NaiveDate = cycle["recommendation_deadline"]
        .as_str()
        .ok_or("a cycle without recommendation deadline")?
        .parse()?;
    let unit = scenario.create_unit().await?;
    for index in 0..waiting {
        let sub = format!("applicant-{index}");
        let name = format!("武威市第{}示例有限公司", index + 1);
        // Distinct organisation codes: one application per organisation and cycle.
        let code = format!("MA74XY{index:03}");
        let who = Applicant {
            sub: &sub,
            name: &name,
            code: &code,
        };
        let application = scenario.create_application(&who).await?;
        scenario
            .save_form(&who, &application, &unit, deadline)
            .await?;
        for category in required_categories() {
            scenario.evidence(&who, &application, category).await?;
        }
        scenario.submit(&who, &application).await?;
    }
    scenario
        .advance_cycles("close the call", after(deadline)?)
        .await?;
    scenario.recording = true;
    let run = scenario
        .advance_cycles(
            &format!(
                "advance_cycles: review starts, {waiting} unrecommended application{} closed",
                if waiting == 1 { "" } else { "s" }
            ),
            after(recommendation_deadline)?,
        )
        .await?;
    if run.unrecommended != waiting || run.reviewing.len() != 1 {
        return Err(format!("{waiting} applications should have closed: {run:?}").into());
    }
    scenario.rows.pop().ok_or_else(|| "no row recorded".into())
}

/// The experts of the review scenario's pool.
const PANEL: usize = 5;

impl Scenario {
    /// Moves the change-feed position to now: what came before is not the next step's business.
    fn skip_feed(&mut self) -> Result<(), BenchError> {
        if let Some((last, _)) = self.feed.changes_after(self.feed_position, 100_000)?.last() {
            self.feed_position = *last;
        }
        Ok(())
    }

    /// Delivers the change feed since the last delivery to `aggregate`, as the stream would.
    async fn aggregate(&mut self, label: &str) -> Result<(), BenchError> {
        let changes = self.feed.changes_after(self.feed_position, 1000)?;
        if let Some((last, _)) = changes.last() {
            self.feed_position = *last;
        }
        let records: Vec<_> = changes.into_iter().map(|(_, record)| record).collect();
        self.table.take();
        reviews::table_changes(&self.app, &records, self.now)
            .await?
            .finish()?;
        self.record(label);
        Ok(())
    }
}

/// Every rubric item at `percent`.
fn full_sheet(percent: u8) -> serde_json::Value {
    award_domain::rules::ReviewRules::default()
        .rubric
        .items()
        .map(|item| (item.id.clone(), serde_json::json!(percent)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// One eligible application and a pool of [`PANEL`] experts: the draw, each expert's declaration,
/// draft and submission, and the `aggregate` stream handler after each submission (the last one
/// completes the document review), then the whole feed delivered again.
async fn review_scenario() -> Result<Vec<(String, Calls)>, BenchError> {
    let mut scenario = Scenario::new(start()?)?;
    scenario.recording = false;
    let cycle = new_cycle(scenario.now);
    let cycle_id = cycle["id"].as_str().ok_or("a cycle without id")?.to_owned();
    let recommendation_deadline: NaiveDate = cycle["recommendation_deadline"]
        .as_str()
        .ok_or("a cycle without recommendation deadline")?
        .parse()?;
    let deadline = scenario.open_cycle().await?;
    let unit = scenario.create_unit().await?;
    let application = scenario.create_application(&FIRST).await?;
    scenario
        .save_form(&FIRST, &application, &unit, deadline)
        .await?;
    for category in required_categories() {
        scenario.evidence(&FIRST, &application, category).await?;
    }
    scenario.submit(&FIRST, &application).await?;
    scenario
        .call_as(
            "recommend",
            "POST",
            &format!("/applications/{application}/recommend"),
            ("recommender", UNIT_ACCOUNT),
            Some(serde_json::json!({"opinion": "同意推荐。", "signer_name": "赵六"})),
        )
        .await?;
    scenario
        .advance_cycles("close the call", after(deadline)?)
        .await?;
    scenario
        .advance_cycles("start review", after(recommendation_deadline)?)
        .await?;
    let id = application.parse()?;
    screening::run(&scenario.app, id, "system", scenario.now).await?;
    scenario
        .call(
            "confirm the screening",
            "POST",
            &format!("/applications/{application}/screening/confirm"),
            "office",
            None,
        )
        .await?;
    for index in 0..PANEL {
        scenario.recording = index == 0;
        scenario
            .call(
                "create an expert (office)",
                "POST",
                "/experts",
                "office",
                Some(serde_json::json!({
                    "account": format!("expert-{index}"),
                    "profile": {
                        "name": format!("专家{index}"),
                        "sector": "university",
                        "employer": format!("第{index}大学"),
                        "employer_uscc": uscc(&format!("MA7EX{index:04}")),
                        "history": [],
                        "specialities": ["C"],
                        "email": format!("expert-{index}@bench.example"),
                        "relations": [],
                    }
                })),
            )
            .await?;
    }
    scenario.recording = true;
    scenario
        .call(
            "draw experts: 1 application x 5 of a pool of 5 (office)",
            "POST",
            &format!("/cycles/{cycle_id}/assignments"),
            "office",
            Some(serde_json::json!({"phase": "document", "seed": 1})),
        )
        .await?;
    for index in 0..PANEL {
        let sub = format!("expert-{index}");
        let who = ("expert", sub.as_str());
        // One expert's steps are the rows; the first and last submissions are rows of their own.
        scenario.recording = index == 1;
        scenario
            .call_as(
                "declare no conflict, accept the pledge (expert)",
                "POST",
                &format!("/reviews/{application}/document/declaration"),
                who,
                Some(serde_json::json!({"conflict": false, "pledge": true})),
            )
            .await?;
        let mine = scenario
            .call_as(
                "read my review (expert)",
                "GET",
                &format!("/reviews/{application}/document"),
                who,
                None,
            )
            .await?;
        let draft = scenario
            .call_as(
                "save a draft sheet (expert)",
                "PUT",
                &format!("/reviews/{application}/document/sheet"),
                who,
                Some(serde_json::json!({"version": mine["version"], "items": {"4.1.2": 60}})),
            )
            .await?;
        scenario.skip_feed()?;
        scenario.recording = index != 2 && index != 3;
        let label = match index {
            0 => "submit a sheet: the cycle's first (freezes the rules)",
            _ => "submit a sheet (expert)",
        };
        scenario
            .call_as(
                label,
                "POST",
                &format!("/reviews/{application}/document/submit"),
                who,
                Some(serde_json::json!({
                    "version": draft["version"],
                    "items": full_sheet(60),
                    "comments": {"4.1": "领导作用发挥充分。"},
                })),
            )
            .await?;
        let label = if index + 1 < PANEL {
            "aggregate: a sheet submitted, the panel not complete (stream)"
        } else {
            "aggregate: the last sheet completes the document review (stream)"
        };
        scenario.recording = index == 1 || index + 1 == PANEL;
        scenario.aggregate(label).await?;
    }
    scenario.feed_position = 0;
    scenario.recording = true;
    scenario
        .aggregate("aggregate: the whole feed redelivered (nothing written)")
        .await?;
    let state = scenario
        .call(
            "the Office's view of a panel",
            "GET",
            &format!("/applications/{application}/reviews/document"),
            "office",
            None,
        )
        .await?;
    if state["state"] != "document_reviewed" {
        return Err(format!("the review should be complete: {state}").into());
    }
    Ok(scenario.rows)
}

/// One candidate (the review's outcome, set in the table as `shared/app/tests/decision.rs` does)
/// from the Committee's deliberation to the reward's payment.
async fn decision_scenario() -> Result<Vec<(String, Calls)>, BenchError> {
    let mut scenario = Scenario::new(start()?)?;
    scenario.recording = false;
    let cycle = new_cycle(scenario.now);
    let cycle_id = cycle["id"].as_str().ok_or("a cycle without id")?.to_owned();
    scenario.open_cycle().await?;
    let application = scenario.create_application(&FIRST).await?;
    let key = award_app::keys::application(application.parse()?);
    let stored = award_app::store::load::<award_app::model::Application>(&scenario.feed, &key)
        .await?
        .ok_or("the application is not stored")?;
    let mut candidate = stored.record;
    candidate.lifecycle.state = award_domain::lifecycle::ApplicationState::Candidate;
    scenario
        .feed
        .transact(vec![award_app::store::replace(&candidate, stored.version)?])
        .await?;
    let minutes = b"%PDF-1.4 minutes of the Committee".to_vec();
    let declared = scenario
        .call(
            "declare the minutes (committee)",
            "POST",
            &format!("/cycles/{cycle_id}/minutes"),
            "committee",
            Some(serde_json::json!({
                "file_name": "会议纪要.pdf",
                "content_type": "application/pdf",
                "size": minutes.len(),
                "sha256": award_e2e::sha256_hex(&minutes),
            })),
        )
        .await?;
    let event = scenario.upload(&declared, &minutes)?;
    events::object_created(&scenario.app, event, scenario.now).await?;
    let minutes_id = declared["attachment"]["id"]
        .as_str()
        .ok_or("the minutes have no id")?
        .to_owned();
    scenario.recording = true;
    let today = award_domain::china_date(scenario.now).to_string();
    scenario
        .call(
            "deliberation: 1 candidate included (committee)",
            "POST",
            &format!("/cycles/{cycle_id}/deliberation"),
            "committee",
            Some(serde_json::json!({
                "meeting_date": today,
                "minutes_reference": "评委会〔2026〕3号",
                "minutes_attachment_id": minutes_id,
                "decisions": [{"application_id": application, "include": true, "votes_for": 9, "votes_against": 0}],
            })),
        )
        .await?;
    scenario
        .call(
            "the vice-mayors' consultation (office)",
            "POST",
            &format!("/cycles/{cycle_id}/consultation"),
            "office",
            Some(serde_json::json!({"date": today, "opinions": "无不同意见。"})),
        )
        .await?;
    let publicity = scenario
        .call(
            "start the publicity: 1 name (office)",
            "POST",
            &format!("/cycles/{cycle_id}/publicity"),
            "office",
            Some(serde_json::json!({"first_day": today})),
        )
        .await?;
    scenario
        .call(
            "the public list (anyone)",
            "GET",
            &format!("/public/publicity/{cycle_id}"),
            "applicant",
            None,
        )
        .await?;
    let receipt = scenario
        .call(
            "an objection (anyone)",
            "POST",
            &format!("/public/publicity/{cycle_id}/objections"),
            "applicant",
            Some(serde_json::json!({
                "application_id": application,
                "objector_name": "张三",
                "contact": "zhangsan@bench.example",
                "content": "请核实该企业的质量投诉处理情况。",
            })),
        )
        .await?;
    let receipt = receipt["receipt"].as_str().ok_or("no receipt")?.to_owned();
    scenario
        .call(
            "the Office's finding: not upheld",
            "POST",
            &format!("/objections/{receipt}/decision"),
            "office",
            Some(serde_json::json!({"upheld": false, "reply": "经核实，问题已整改。"})),
        )
        .await?;
    scenario.table.take();
    decision::run_daily(&scenario.app, scenario.now).await?;
    scenario.record("publicity run: nothing ended (15 days read)");
    let last_day: NaiveDate = publicity["last_day"]
        .as_str()
        .ok_or("no last day")?
        .parse()?;
    scenario.now = after(last_day)?;
    scenario.table.take();
    let run = decision::run_daily(&scenario.app, scenario.now).await?;
    scenario.record("publicity run: one period closes");
    if run.closed.len() != 1 {
        return Err(format!("the publicity should have closed: {run:?}").into());
    }
    let day = award_domain::china_date(scenario.now).to_string();
    scenario
        .call(
            "record the executive meeting (office)",
            "POST",
            &format!("/cycles/{cycle_id}/executive-meeting"),
            "office",
            Some(serde_json::json!({"date": day, "session": "市政府第35次常务会议", "minutes_reference": "武政常〔2026〕35号"})),
        )
        .await?;
    scenario
        .call(
            "approve (the quota counter in the transaction)",
            "POST",
            &format!("/applications/{application}/approve"),
            "office",
            Some(serde_json::json!({"approved_on": day})),
        )
        .await?;
    scenario
        .call(
            "award (certificate guard, register entry, announcement, notices)",
            "POST",
            &format!("/applications/{application}/award"),
            "office",
            Some(serde_json::json!({})),
        )
        .await?;
    scenario
        .call(
            "the reward paid (finance)",
            "POST",
            &format!("/applications/{application}/reward/payment"),
            "finance",
            Some(serde_json::json!({"paid_on": day, "voucher": "财付〔2026〕118号"})),
        )
        .await?;
    Ok(scenario.rows)
}

/// One run of the `reminders` function's aftercare pass (Arts. 5, 16): 10 awards with an expiry
/// reminder due today, in a table that also holds `filler` dated items of other days (other
/// applications' reminders and visits over the next ten years). The run reads only today's
/// partition, so its calls and its time should not grow with `filler`.
pub async fn aftercare_run(
    filler: usize,
) -> Result<
    (
        Calls,
        std::time::Duration,
        award_app::stages::aftercare::AftercareRun,
    ),
    BenchError,
> {
    use award_app::model::{AftercareWatermark, Application, DueItem};
    use award_app::store;
    use award_domain::award::Validity;
    use award_domain::lifecycle::{ApplicationState, ScheduleKind};
    use award_ports::{Condition, Write};

    let mut scenario = Scenario::new(start()?)?;
    scenario.recording = false;
    scenario.open_cycle().await?;
    let first = scenario.create_application(&FIRST).await?;
    let template = store::load::<Application>(
        &scenario.feed,
        &award_app::keys::application(first.parse()?),
    )
    .await?
    .ok_or("the application is not stored")?
    .record;
    let today = award_domain::china_date(scenario.now);
    let validity = Validity::from_approval(
        today
            .checked_sub_days(chrono::Days::new(5 * 365 - 100))
            .ok_or("date")?,
    )?;
    let mut writes = Vec::new();
    for _ in 0..10 {
        let mut winner = template.clone();
        winner.id = ulid::Ulid::new();
        winner.lifecycle.state = ApplicationState::Awarded;
        winner.lifecycle.validity = Some(validity);
        writes.push(Write::Put {
            item: store::to_item(&winner, 1)?,
            condition: Condition::None,
        });
        writes.push(Write::Put {
            item: store::to_item(
                &DueItem {
                    kind: ScheduleKind::ExpiryReminder,
                    date: today,
                    application_id: winner.id,
                    created_at: scenario.now,
                },
                1,
            )?,
            condition: Condition::None,
        });
    }
    for n in 0..filler {
        let date = today
            .checked_add_days(chrono::Days::new(1 + (n % 3650) as u64))
            .ok_or("date")?;
        writes.push(Write::Put {
            item: store::to_item(
                &DueItem {
                    kind: if n % 2 == 0 {
                        ScheduleKind::ExpiryReminder
                    } else {
                        ScheduleKind::FollowUpVisit
                    },
                    date,
                    application_id: ulid::Ulid::new(),
                    created_at: scenario.now,
                },
                1,
            )?,
            condition: Condition::None,
        });
    }
    // The run of yesterday happened: this one reads today only.
    writes.push(Write::Put {
        item: store::to_item(
            &AftercareWatermark {
                last_completed_day: today.pred_opt().ok_or("date")?,
                updated_at: scenario.now,
            },
            1,
        )?,
        condition: Condition::None,
    });
    for chunk in Transaction::bulk(writes)? {
        scenario.feed.transact_items(chunk).await?;
    }
    scenario.table.take();
    let started = std::time::Instant::now();
    let run = award_app::stages::aftercare::run_daily(&scenario.app, scenario.now).await?;
    let elapsed = started.elapsed();
    Ok((scenario.table.take(), elapsed, run))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row `label` of the measured scenario.
    fn row<'a>(rows: &'a [(String, Calls)], label: &str) -> &'a Calls {
        rows.iter()
            .find(|(operation, _)| operation == label)
            .map(|(_, calls)| calls)
            .unwrap_or_else(|| panic!("no row {label:?}"))
    }

    #[tokio::test]
    async fn scheduled_runs_with_nothing_to_do_wait_on_at_most_two_round_trips() {
        let rows = measure().await.expect("the scenario runs");
        // Fourteen days of notices, read at once.
        let redrive = row(&rows, "scheduled redrive, nothing pending");
        assert_eq!((redrive.queries, redrive.rounds), (14, 1));
        // Fifteen days of ended publicities, read at once.
        let publicity = row(&rows, "publicity run: nothing ended (15 days read)");
        assert_eq!((publicity.queries, publicity.rounds), (15, 1));
        // The open and the closed cycles, read at once; no cycle loaded when none is due.
        let cycles = row(&rows, "advance_cycles before any deadline (nothing to do)");
        assert_eq!((cycles.gets, cycles.queries, cycles.rounds), (0, 2, 1));
        // The watermark and today's items read at once, then the watermark moved.
        let aftercare = row(
            &rows,
            "aftercare run: the next day, nothing due (reminders)",
        );
        assert_eq!(
            (aftercare.gets, aftercare.queries, aftercare.transacts),
            (1, 1, 1)
        );
        assert_eq!(aftercare.rounds, 2);
    }

    #[tokio::test]
    async fn an_expert_reads_its_sheet_in_three_round_trips() {
        let rows = measure().await.expect("the scenario runs");
        // The account's link; the expert, the assignment and the application; the cycle.
        assert_eq!(row(&rows, "read my review (expert)").rounds, 3);
        // The account's link and the application; the expert, the assignment and the cycle;
        // the write.
        for command in [
            "save a draft sheet (expert)",
            "submit a sheet (expert)",
            "declare no conflict, accept the pledge (expert)",
        ] {
            assert_eq!(row(&rows, command).rounds, 3, "{command}");
        }
    }

    /// Issue 23: an API request or a stream record in the common case waits on at most three
    /// round trips, and the public reads on one.
    #[tokio::test]
    async fn requests_and_stream_records_wait_on_at_most_three_round_trips() {
        let rows = measure().await.expect("the scenario runs");
        for (operation, rounds) in [
            ("save the whole form (PUT, unit chosen)", 3),
            ("submit (form complete, 6 documents received)", 3),
            ("notify: submission notices (applicant, Office, unit)", 3),
            ("recommend (recommender)", 3),
            ("recommendation inbox (recommender, 1 cycle)", 2),
            (
                "aggregate: the last sheet completes the document review (stream)",
                3,
            ),
            ("the public list (anyone)", 1),
            ("an objection (anyone)", 2),
            ("the Office's finding: not upheld", 3),
            ("approve (the quota counter in the transaction)", 3),
            (
                "award (certificate guard, register entry, announcement, notices)",
                3,
            ),
        ] {
            assert_eq!(row(&rows, operation).rounds, rounds, "{operation}");
        }
        // The public list is the cycle with its public rows, and the Office's contact.
        let list = row(&rows, "the public list (anyone)");
        assert_eq!((list.gets, list.queries), (1, 1));
    }

    #[tokio::test]
    async fn a_sheet_on_its_own_is_aggregated_in_one_round_trip_of_what_it_names() {
        let rows = measure().await.expect("the scenario runs");
        // The application by key and the phase's panel by key prefix, at once: never the whole
        // partition with its audit records and notices, so it does not grow with the history.
        let waiting = row(
            &rows,
            "aggregate: a sheet submitted, the panel not complete (stream)",
        );
        assert_eq!(
            (
                waiting.gets,
                waiting.queries,
                waiting.transacts,
                waiting.rounds
            ),
            (1, 1, 0, 1)
        );
    }
}
