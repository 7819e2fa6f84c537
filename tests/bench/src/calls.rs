//! Table calls per operation: the applicant's scenario run through the real handlers over the
//! embedded adapters, with a decorator on the `Table` port counting what each step asks of it.
//! On AWS each `get` is one GetItem, each `query` one Query page, each `transact` one
//! TransactWriteItems, so these are the DynamoDB calls (and their write units' item count) per
//! operation.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use award_app::{App, AppConfig, events, http};
use award_embedded::{EmbeddedBlobs, EmbeddedMail, EmbeddedTable};
use award_local::gateway::{GatewayRequest, to_event, to_lambda_request};
use award_local::s3_event::{CreatedObject, object_created};
use award_ports::{Item, Key, Page, Query, Table, TableError, Transaction};
use chrono::{DateTime, Utc};
use sha2::Digest;

#[derive(Default)]
struct Counters {
    gets: AtomicU64,
    queries: AtomicU64,
    transacts: AtomicU64,
    written_items: AtomicU64,
}

/// What one operation asked of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    pub gets: u64,
    pub queries: u64,
    pub transacts: u64,
    pub written_items: u64,
}

struct CountingTable {
    inner: EmbeddedTable,
    counters: Counters,
}

impl CountingTable {
    fn take(&self) -> Calls {
        let take = |counter: &AtomicU64| counter.swap(0, Ordering::SeqCst);
        Calls {
            gets: take(&self.counters.gets),
            queries: take(&self.counters.queries),
            transacts: take(&self.counters.transacts),
            written_items: take(&self.counters.written_items),
        }
    }
}

#[async_trait]
impl Table for CountingTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.counters.gets.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key).await
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        self.counters.queries.fetch_add(1, Ordering::SeqCst);
        self.inner.query(query).await
    }

    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
        self.counters.transacts.fetch_add(1, Ordering::SeqCst);
        self.counters
            .written_items
            .fetch_add(transaction.len() as u64, Ordering::SeqCst);
        self.inner.transact_items(transaction).await
    }
}

type BenchError = Box<dyn std::error::Error + Send + Sync>;

struct Scenario {
    app: App,
    table: Arc<CountingTable>,
    blobs: Arc<EmbeddedBlobs>,
    feed: EmbeddedTable,
    feed_position: u64,
    now: DateTime<Utc>,
    rows: Vec<(String, Calls)>,
}

impl Scenario {
    async fn call(
        &mut self,
        label: &str,
        method: &str,
        path: &str,
        role: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, BenchError> {
        let claims = HashMap::from([
            ("sub".to_owned(), format!("{role}-bench")),
            ("email".to_owned(), format!("{role}@bench.example")),
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
        let response = http::handle(&self.app, to_lambda_request(&event)?, self.now).await;
        let status = response.status();
        let json: serde_json::Value = serde_json::from_slice(response.body().as_ref())?;
        if !status.is_success() {
            return Err(format!("{label}: {status} {json}").into());
        }
        self.record(label);
        Ok(json)
    }

    fn record(&mut self, label: &str) {
        self.rows.push((label.to_owned(), self.table.take()));
    }

    /// Delivers the change feed to `notify`, as the stream would.
    async fn notify(&mut self, label: &str) -> Result<(), BenchError> {
        let changes = self.feed.changes_after(self.feed_position, 1000)?;
        if let Some((last, _)) = changes.last() {
            self.feed_position = *last;
        }
        let records: Vec<_> = changes.into_iter().map(|(_, record)| record).collect();
        self.table.take();
        events::table_changes(&self.app, &records, self.now).await?;
        self.record(label);
        Ok(())
    }
}

/// Runs the scenario and returns one row per operation.
pub async fn measure() -> Result<Vec<(String, Calls)>, BenchError> {
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
    let app = App {
        table: table.clone(),
        blobs: blobs.clone(),
        mail: Arc::new(EmbeddedMail::new(folder.path().join("outbox"))?),
        config: AppConfig::new(
            "award@bench.example",
            award_app::Mailboxes {
                office: "office@bench.example".into(),
                committee: "committee@bench.example".into(),
                finance: "finance@bench.example".into(),
            },
            "https://award.bench.example",
        ),
    };
    let now: DateTime<Utc> = "2026-03-02T02:00:00Z".parse()?;
    let mut scenario = Scenario {
        app,
        table,
        blobs,
        feed,
        feed_position: 0,
        now,
        rows: Vec::new(),
    };

    scenario
        .call(
            "create a cycle (office)",
            "POST",
            "/cycles",
            "office",
            Some(serde_json::json!({
                "id": "2026", "title": "2026年度武威市人民政府质量奖",
                "application_deadline": "2026-06-30", "recommendation_deadline": "2026-07-31"
            })),
        )
        .await?;
    scenario
        .call(
            "approve the review rules (committee)",
            "POST",
            "/cycles/2026/rules/approve",
            "committee",
            None,
        )
        .await?;
    scenario
        .call(
            "open the cycle (office)",
            "POST",
            "/cycles/2026/open",
            "office",
            None,
        )
        .await?;
    scenario
        .call(
            "read the open cycle (public)",
            "GET",
            "/cycles/open",
            "applicant",
            None,
        )
        .await?;
    let uscc = award_domain::uscc::Uscc::with_check_character("91620602MA7XQ1B2C")?;
    let application = scenario
        .call(
            "create an application",
            "POST",
            "/applications",
            "applicant",
            Some(serde_json::json!({
                "organisation_name": "武威示范企业有限公司", "uscc": uscc.as_str(),
                "registration_date": "2015-04-01", "division_code": "620602",
                "contact_email": "contact@bench.example"
            })),
        )
        .await?;
    let application_id = application["id"]
        .as_str()
        .ok_or("the created application has no id")?
        .to_owned();
    let content = b"%PDF-1.7 bench evidence".to_vec();
    let sha256 = hex::encode(sha2::Sha256::digest(&content));
    let declared = scenario
        .call(
            "declare a document (presigned upload)",
            "POST",
            &format!("/applications/{application_id}/documents"),
            "applicant",
            Some(serde_json::json!({
                "file_name": "质量管理体系证书.pdf", "content_type": "application/pdf",
                "size": content.len(), "sha256": sha256
            })),
        )
        .await?;
    let url = declared["upload"]["url"]
        .as_str()
        .ok_or("the declaration has no upload url")?;
    let (path, query) = url.split_once('?').ok_or("upload url without a query")?;
    let key = path
        .split_once("/blobs/")
        .ok_or("upload url outside /blobs/")?
        .1;
    scenario
        .blobs
        .accept_upload(key, query, Some("application/pdf"), &content, now)
        .map_err(|rejection| format!("upload rejected: {}", rejection.code()))?;
    scenario
        .notify("notify: application-received notice")
        .await?;

    let event = object_created(&CreatedObject {
        bucket: "bench",
        key,
        size: content.len() as u64,
        sequence: 1,
        source_ip: None,
        at: now,
    });
    scenario.table.take();
    events::object_created(&scenario.app, event.clone(), now).await?;
    scenario.record("S3 object created (upload-received)");
    events::object_created(&scenario.app, event, now).await?;
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
    events::redrive_pending_notices(&scenario.app, now).await?;
    scenario.record("scheduled redrive, nothing pending");
    Ok(scenario.rows)
}
