//! `award-local demo`: fills an empty data folder with the 2026 cycle of the award, played from
//! the call (2 March 2026) to a revocation (30 November 2026) through the runner's own API, on a
//! clock the demo moves — so that a newcomer finds every page with data.
//!
//! The story ([`cast`]): eight enterprises across Liangzhou, Minqin, Gulang and Tianzhu apply;
//! one is declined by its unit, one is screened out, one is eligible once the Office settles its
//! credit check; ten experts review six on documents (two recusal conflicts kept off the panels,
//! one disputed item settled by the panel leader), four on site; three candidates go to the
//! Committee, through publicity across National Day with one objection, to three awards and their
//! rewards; in November one award is revoked for fraud and its reward reclaimed. Every notice the
//! stages owe lands in the outbox.
//!
//! Everything goes through the HTTP API with the tokens of the people acting, exactly as the pages
//! or curl would; the demo only moves the clock and waits for the runner's schedule and change
//! feed, as time passing would.

pub mod cast;
mod client;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use award_domain::form::{ApplicationForm, DocumentCategory, QualityIndicator};
use award_domain::money::Fen;
use award_domain::rules::ReviewRules;
use chrono::{DateTime, Days, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::ManualClock;
use crate::{LocalConfig, LocalError, RetryPolicy, RunningServer};
use cast::{Account, ENTERPRISES, Enterprise, Fate};
use client::{Client, failed, text};

/// The file in the data folder that marks a finished demo and lists its accounts (what
/// `GET /local/accounts` answers).
pub const ACCOUNTS_FILE: &str = "demo-accounts.json";

/// The demo's cycle.
pub const CYCLE_ID: &str = "2026";

/// What the demo left in the data folder.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub applications: usize,
    pub awards: usize,
    pub revoked: usize,
    pub emails: usize,
    pub accounts: Vec<Account>,
}

/// Whether `data_dir` holds a finished demo.
pub fn holds_demo(data_dir: &Path) -> bool {
    data_dir.join(ACCOUNTS_FILE).is_file()
}

/// Whether `data_dir` is missing or has nothing in it: the demo writes into nothing else.
pub fn is_empty(data_dir: &Path) -> Result<bool, LocalError> {
    match std::fs::read_dir(data_dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(source) => Err(LocalError::io(data_dir, source)),
    }
}

/// The accounts a data folder's demo lists (`GET /local/accounts`): empty when it holds no demo.
pub fn accounts_in(data_dir: &Path) -> Vec<Value> {
    std::fs::read(data_dir.join(ACCOUNTS_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|file| file["accounts"].as_array().cloned())
        .unwrap_or_default()
}

/// Plays the demo into `config.data_dir`, which must be empty, with `config`'s mail settings; the
/// runner it starts listens on a free loopback port and stops when the demo is done. Links in the
/// emails point at `config.app.public_base_url`. `progress` hears each stage as it starts.
///
/// Errors: [`LocalError::Config`] when the folder is not empty; [`LocalError::Demo`] naming the
/// step and the API's answer when a step does not go as the story says (a bug, not bad input).
pub async fn play(
    mut config: LocalConfig,
    mut progress: impl FnMut(&str),
) -> Result<DemoSummary, LocalError> {
    if !is_empty(&config.data_dir)? {
        return Err(LocalError::Config(format!(
            "the demo fills an empty data folder; {} is not empty (remove it or choose another with --data)",
            config.data_dir.display()
        )));
    }
    let clock = ManualClock::new(at("2026-03-02", 9, 0));
    config.addr = std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), 0);
    config.clock = Arc::new(clock.clone());
    // The schedule runs as the clock moves; a few milliseconds keep the demo short.
    config.redrive_every = StdDuration::from_millis(10);
    config.retry = RetryPolicy {
        attempts: 3,
        first_backoff: StdDuration::from_millis(10),
        max_backoff: StdDuration::from_millis(50),
    };
    let data_dir = config.data_dir.clone();
    let server = crate::start(config).await?;
    let client = Client::new(server.base_url(), &data_dir, clock)?;
    let mut play = Play {
        client,
        server: &server,
        units: Vec::new(),
        apps: Vec::new(),
        pool: Vec::new(),
    };
    let outcome = play.all(&mut progress).await;
    server.settled().await;
    let outbox = server.outbox();
    server.shutdown().await?;
    let (awards, revoked) = outcome?;

    let accounts = cast::accounts();
    let file = data_dir.join(ACCOUNTS_FILE);
    let listed = serde_json::to_vec_pretty(&json!({ "accounts": accounts }))
        .map_err(|error| failed("writing the accounts", error))?;
    std::fs::write(&file, listed).map_err(|source| LocalError::io(&file, source))?;
    Ok(DemoSummary {
        applications: ENTERPRISES.len(),
        awards,
        revoked,
        emails: count_emails(&outbox)?,
        accounts,
    })
}

fn count_emails(outbox: &Path) -> Result<usize, LocalError> {
    let entries = std::fs::read_dir(outbox).map_err(|source| LocalError::io(outbox, source))?;
    Ok(entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
        .count())
}

/// `hour:minute` China time on `date` (`YYYY-MM-DD`, the demo's own constants).
fn at(date: &str, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = date.parse::<NaiveDate>().unwrap_or_default();
    award_domain::time::china_start_of_day(day)
        + chrono::Duration::hours(i64::from(hour))
        + chrono::Duration::minutes(i64::from(minute))
}

/// A small well-formed one-page PDF showing `label` (ASCII: the standard Helvetica font).
fn pdf(label: &str) -> Vec<u8> {
    let stream = format!("BT /F1 14 Tf 30 100 Td ({label}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut body = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(body.len());
        body.push_str(&format!("{} 0 obj\n{object}\nendobj\n", index + 1));
    }
    let xref = body.len();
    body.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        body.push_str(&format!("{offset:010} 00000 n \n"));
    }
    body.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    body.into_bytes()
}

/// The body that declares `bytes` as a PDF named `file_name` (evidence adds its `category`).
fn declaration(category: Option<&str>, file_name: &str, bytes: &[u8]) -> Value {
    let mut body = json!({
        "file_name": file_name,
        "content_type": "application/pdf",
        "size": bytes.len(),
        "sha256": hex::encode(Sha256::digest(bytes)),
    });
    if let Some(category) = category {
        body["category"] = json!(category);
    }
    body
}

/// The application form of `enterprise` for a call with `deadline`: the domain's complete sample,
/// made this enterprise's (its facts decide its screening: [`Fate`]).
fn form(enterprise: &Enterprise, deadline: NaiveDate) -> Value {
    let mut form = ApplicationForm::sample_complete(deadline);
    let organisation = &mut form.organisation;
    organisation.name = enterprise.name.to_owned();
    organisation.uscc = enterprise.uscc();
    organisation.registration_date = enterprise.registration_date.parse().ok();
    organisation.division_code = enterprise.division_code.to_owned();
    organisation.registered_address = enterprise.address.to_owned();
    organisation.legal_representative = enterprise.legal_representative.to_owned();
    organisation.industry_code = enterprise.industry_code.to_owned();
    organisation.employee_count = Some(enterprise.employees);
    let (name, mobile, email) = enterprise.contact;
    form.contact.name = name.to_owned();
    form.contact.mobile = mobile.to_owned();
    form.contact.email = email.to_owned();
    // Three years of growth to the latest year's revenue; profit 11 %, taxes 6.5 % of it.
    let years = form.key_indicators.len() as i64;
    for (index, year) in form.key_indicators.iter_mut().enumerate() {
        let revenue = enterprise.revenue_yuan * (100 - 8 * (years - 1 - index as i64)) / 100;
        year.revenue = Some(Fen::from_yuan(revenue));
        year.profit = Some(Fen::from_yuan(revenue * 11 / 100));
        year.taxes = Some(Fen::from_yuan(revenue * 65 / 1000));
        year.quality_indicators.push(QualityIndicator {
            name: "一次交检合格率".into(),
            value: format!("{}.{}", 98 + index % 2, 2 + index),
            unit: "%".into(),
        });
    }
    match enterprise.fate {
        Fate::Ineligible => {
            if let Some(inspection) = form.inspections.last_mut() {
                inspection.passed = false;
            }
            form.declares_all_inspections_passed = Some(false);
        }
        Fate::SettledThenEligible => {
            form.credit = Some(award_domain::eligibility::CreditRecord::NotChecked);
        }
        Fate::Declined | Fate::Reviewed { .. } => {}
    }
    serde_json::to_value(form).unwrap_or(Value::Null)
}

/// Offsets (percentage points) of a panel's members around the application's level, turned per
/// item: each item's trimmed mean is the level, while the sheets differ as real ones do.
const DOCUMENT_OFFSETS: [i16; 5] = [0, 5, -5, 5, -5];
const ONSITE_OFFSETS: [i16; 3] = [0, 5, -5];

/// The on-site visits, in shortlist order: weekdays of July 2026.
const VISIT_DAYS: [&str; 4] = ["2026-07-13", "2026-07-15", "2026-07-17", "2026-07-20"];

/// The rubric item of enterprise 1's document review on which one expert disagrees.
const DISPUTED_ITEM: &str = "4.1.2";

/// One panel member's sheet: every rubric item at `level` ± the member's offset for it.
fn sheet(level: u8, offsets: &[i16], position: usize, disputed: Option<u8>) -> Value {
    let rules = ReviewRules::default();
    let mut items = serde_json::Map::new();
    for (index, item) in rules.rubric.items().enumerate() {
        let offset = offsets[(position + index) % offsets.len()];
        let percent = (i16::from(level) + offset).clamp(0, 100);
        items.insert(item.id.clone(), json!(percent));
    }
    if let Some(percent) = disputed {
        items.insert(DISPUTED_ITEM.to_owned(), json!(percent));
    }
    Value::Object(items)
}

struct Play<'s> {
    client: Client,
    server: &'s RunningServer,
    /// The recommending units' ids, in [`cast::units`] order.
    units: Vec<String>,
    /// The application id of each enterprise, in [`ENTERPRISES`] order.
    apps: Vec<String>,
    /// The expert ids, expert 1 first.
    pool: Vec<String>,
}

impl Play<'_> {
    /// Moves the clock once the runner has finished what it was doing: a notice being sent at
    /// the old time must not look, on the new one, like a sender that died days ago.
    async fn set(&self, date: &str, hour: u32, minute: u32) {
        self.settled().await;
        self.client.clock.set(at(date, hour, minute));
    }

    /// The runner has handled every upload and change so far (the notices sent, the screenings
    /// and panel results computed).
    async fn settled(&self) {
        self.server.settled().await;
    }

    /// Returns the number of awards and of revoked awards.
    async fn all(&mut self, progress: &mut impl FnMut(&str)) -> Result<(usize, usize), LocalError> {
        progress("the call for applications (2 March 2026)");
        let deadline = self.call().await?;
        progress("eight applications, their evidence, submission (March–April)");
        self.applications(deadline).await?;
        progress("recommendation (May)");
        self.recommendation().await?;
        progress("eligibility screening (25 May)");
        self.screening().await?;
        progress("document review by ten experts (June)");
        let reviewed = self.document_review().await?;
        progress("shortlist and on-site review (June–July)");
        let shortlisted = self.shortlist_and_onsite(&reviewed).await?;
        progress("combined ranking and the Committee (August–September)");
        let candidates = self.candidates(&shortlisted).await?;
        progress("publicity across National Day with an objection (30 September – 14 October)");
        self.publicity(&candidates).await?;
        progress("approval, awards and rewards (20 October – 3 November)");
        self.awards(&candidates).await?;
        progress("a revocation for fraud (November)");
        self.revocation(&candidates).await?;
        self.set("2026-11-30", 18, 0).await;
        self.settled().await;
        Ok((candidates.len(), 1))
    }

    /// Arts. 7(2), 11(1), 20: the Office creates the cycle, the Committee approves its rules, the
    /// call opens; the Office registers the two recommending units. Returns the deadline.
    async fn call(&mut self) -> Result<NaiveDate, LocalError> {
        let c = &self.client;
        let office = cast::office();
        self.set("2026-03-02", 9, 30).await;
        let cycle = c
            .create(
                "creating the 2026 cycle",
                Some(&office),
                "/cycles",
                &json!({
                    "id": CYCLE_ID,
                    "title": "2026年度武威市人民政府质量奖",
                    "application_deadline": "2026-04-30",
                    "recommendation_deadline": "2026-05-22",
                }),
            )
            .await?;
        let deadline = text("creating the 2026 cycle", &cycle, "application_deadline")?
            .parse::<NaiveDate>()
            .map_err(|error| failed("creating the 2026 cycle", error))?;
        self.set("2026-03-02", 10, 0).await;
        let path = format!("/cycles/{CYCLE_ID}");
        c.call(
            "approving the review rules",
            Some(&cast::committee()),
            (Method::POST, &format!("{path}/rules/approve")),
            None,
            StatusCode::OK,
        )
        .await?;
        self.set("2026-03-02", 10, 30).await;
        c.call(
            "opening the call",
            Some(&office),
            (Method::POST, &format!("{path}/open")),
            None,
            StatusCode::OK,
        )
        .await?;
        for (account, body) in cast::units() {
            let unit = c
                .create(
                    &format!("registering {}", account.name),
                    Some(&office),
                    "/recommenders",
                    &body,
                )
                .await?;
            self.units
                .push(text("registering a unit", &unit, "id")?.to_owned());
        }
        Ok(deadline)
    }

    /// Art. 11(2): each enterprise on its own day creates its application, fills the form, uploads
    /// every required document through its presigned link, and submits.
    async fn applications(&mut self, deadline: NaiveDate) -> Result<(), LocalError> {
        for (index, enterprise) in ENTERPRISES.iter().enumerate() {
            let day = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default()
                + Days::new(5 * index as u64);
            self.set(&day.to_string(), 9, 0).await;
            let applicant = enterprise.account();
            let step = format!("{}'s application", enterprise.name);
            let created = self
                .client
                .create(
                    &step,
                    Some(&applicant),
                    "/applications",
                    &json!({
                        "organisation_name": enterprise.name,
                        "uscc": enterprise.uscc(),
                        "registration_date": enterprise.registration_date,
                        "division_code": enterprise.division_code,
                        "contact_email": enterprise.contact.2,
                    }),
                )
                .await?;
            let id = text(&step, &created, "id")?.to_owned();
            let path = format!("/applications/{id}");
            self.set(&day.to_string(), 15, 0).await;
            let read = self.client.get(&step, Some(&applicant), &path).await?;
            self.client
                .put(
                    &step,
                    &applicant,
                    &format!("{path}/form"),
                    &json!({
                        "version": read["version"],
                        "form": form(enterprise, deadline),
                        "recommender_id": self.units[enterprise.unit],
                    }),
                )
                .await?;
            let next_day = (day + Days::new(1)).to_string();
            self.set(&next_day, 10, 0).await;
            for category in DocumentCategory::required_for_submission(false) {
                let label = format!(
                    "{} - applicant-{} - {}",
                    category.as_str(),
                    enterprise.number,
                    enterprise.uscc()
                );
                let bytes = pdf(&label);
                let file_name = format!("{}.pdf", category.label_zh());
                let declared = self
                    .client
                    .create(
                        &format!("{step}: declaring {file_name}"),
                        Some(&applicant),
                        &format!("{path}/documents"),
                        &declaration(Some(category.as_str()), &file_name, &bytes),
                    )
                    .await?;
                self.client
                    .upload(
                        &format!("{step}: uploading {file_name}"),
                        &declared["upload"],
                        bytes,
                    )
                    .await?;
            }
            self.settled().await;
            self.set(&next_day, 16, 0).await;
            self.client
                .call(
                    &format!("{step}: submitting"),
                    Some(&applicant),
                    (Method::POST, &format!("{path}/submit")),
                    None,
                    StatusCode::OK,
                )
                .await?;
            self.apps.push(id);
        }
        Ok(())
    }

    /// Art. 11(3): each unit signs its opinion on what it covers, and uploads the scan of the page
    /// it signed and sealed; the industry department declines one. Screening runs on each
    /// recommendation (the `screening` function).
    async fn recommendation(&self) -> Result<(), LocalError> {
        let units = cast::units();
        let signers = ["李建军", "马丽华"];
        for (index, (enterprise, app)) in ENTERPRISES.iter().zip(&self.apps).enumerate() {
            self.set("2026-05-06", 9 + index as u32, 0).await;
            let (unit, _) = &units[enterprise.unit];
            let step = format!("{} on {}", unit.name, enterprise.name);
            let (action, body) = if enterprise.fate == Fate::Declined {
                (
                    "decline",
                    json!({"reason": "经审核，该企业近3年主要经济指标和质量水平尚未达到本行业先进水平，建议条件成熟后再行申报。"}),
                )
            } else {
                (
                    "recommend",
                    json!({
                        "opinion": format!("经审核，{}申报材料齐全，符合《实施办法》第十条规定的申报条件，同意推荐。", enterprise.name),
                        "signer_name": signers[enterprise.unit],
                    }),
                )
            };
            self.client
                .post(&step, unit, &format!("/applications/{app}/{action}"), &body)
                .await?;
            if enterprise.fate == Fate::Declined {
                continue;
            }
            // The unit prints the form's last page, signs and seals it, and uploads the scan
            // (盖章推荐页), checked like all evidence.
            let bytes = pdf(&format!(
                "sealed recommendation - {} - {}",
                unit.sub,
                enterprise.uscc()
            ));
            let declared = self
                .client
                .create(
                    &format!("{step}: declaring its sealed page"),
                    Some(unit),
                    &format!("/applications/{app}/documents"),
                    &declaration(Some("sealed_recommendation"), "盖章推荐页.pdf", &bytes),
                )
                .await?;
            self.client
                .upload(
                    &format!("{step}: uploading its sealed page"),
                    &declared["upload"],
                    bytes,
                )
                .await?;
        }
        self.settled().await;
        Ok(())
    }

    /// Art. 11(4): after the recommendation deadline the cycle moves to review by itself; the Office
    /// settles enterprise 6's unchecked credit record and confirms every screening.
    async fn screening(&self) -> Result<(), LocalError> {
        let office = cast::office();
        self.set("2026-05-25", 9, 0).await;
        self.client
            .read_until(
                "the cycle moving to review",
                Some(&office),
                &format!("/cycles/{CYCLE_ID}"),
                |cycle| cycle["status"] == "reviewing",
            )
            .await?;
        self.settled().await;
        for (enterprise, app) in ENTERPRISES.iter().zip(&self.apps) {
            if enterprise.fate == Fate::Declined {
                continue;
            }
            let step = format!("screening {}", enterprise.name);
            let path = format!("/applications/{app}/screening");
            if enterprise.fate == Fate::SettledThenEligible {
                self.client
                    .post(
                        &step,
                        &office,
                        &format!("{path}/settlements"),
                        &json!({
                            "condition": "credit",
                            "outcome": "pass",
                            "reason": "经查询国家企业信用信息公示系统和“信用中国（甘肃武威）”，该企业无质量失信记录。",
                        }),
                    )
                    .await?;
            }
            let confirmed = self
                .client
                .call(
                    &step,
                    Some(&office),
                    (Method::POST, &format!("{path}/confirm")),
                    None,
                    StatusCode::OK,
                )
                .await?;
            let expected = if enterprise.fate == Fate::Ineligible {
                "ineligible"
            } else {
                "eligible"
            };
            if confirmed["lifecycle"]["state"] != expected {
                return Err(failed(&step, format!("expected {expected}: {confirmed}")));
            }
        }
        Ok(())
    }

    /// The Office's view of an application's panel in `phase`: (expert number, leader) of each
    /// counted member, leader first.
    async fn panel(&self, app: &str, phase: &str) -> Result<Vec<usize>, LocalError> {
        let step = format!("reading the {phase} panel of {app}");
        let view = self
            .client
            .get(
                &step,
                Some(&cast::office()),
                &format!("/applications/{app}/reviews/{phase}"),
            )
            .await?;
        let mut members = Vec::new();
        for sheet in view["sheets"].as_array().into_iter().flatten() {
            if sheet["counts"] != true {
                continue;
            }
            let id = sheet["expert_id"].as_str().unwrap_or_default();
            let number = self
                .pool
                .iter()
                .position(|expert| expert == id)
                .ok_or_else(|| failed(&step, format!("{id} is not in the pool")))?
                + 1;
            members.push((sheet["leader"] != true, number));
        }
        members.sort_unstable();
        Ok(members.into_iter().map(|(_, number)| number).collect())
    }

    /// Art. 19: the expert declares no conflict and takes the pledge, opens the application and
    /// one document (recorded in the access log), and submits `items`.
    async fn review(
        &self,
        expert: &Account,
        app: &str,
        phase: &str,
        items: Value,
        comment: &str,
    ) -> Result<(), LocalError> {
        let c = &self.client;
        let step = format!("{} reviewing {app} ({phase})", expert.name);
        let review = format!("/reviews/{app}/{phase}");
        c.post(
            &step,
            expert,
            &format!("{review}/declaration"),
            &json!({"conflict": false, "pledge": true}),
        )
        .await?;
        let read = c
            .get(&step, Some(expert), &format!("/applications/{app}"))
            .await?;
        if let Some(document) = read["documents"].as_array().and_then(|documents| {
            documents
                .iter()
                .find(|document| document["status"] == "received")
        }) {
            let id = text(&step, document, "id")?;
            let link = c
                .get(
                    &step,
                    Some(expert),
                    &format!("/applications/{app}/documents/{id}/download"),
                )
                .await?;
            c.fetch(&step, text(&step, &link["download"], "url")?)
                .await?;
        }
        let mine = c.get(&step, Some(expert), &review).await?;
        c.post(
            &step,
            expert,
            &format!("{review}/submit"),
            &json!({"version": mine["version"], "items": items, "comments": {"4.1": comment, "4.7": "关键绩效指标呈持续改善趋势。"}}),
        )
        .await?;
        Ok(())
    }

    /// Arts. 8, 11(5), 19: the pool, the recorded draw, 30 sheets; the disputed item on enterprise
    /// 1 settled by its panel leader. Returns the (enterprise, application) pairs reviewed.
    async fn document_review(&mut self) -> Result<Vec<(&'static Enterprise, String)>, LocalError> {
        let office = cast::office();
        self.set("2026-05-26", 10, 0).await;
        let today = award_domain::china_date(self.client.now());
        for number in 1..=cast::EXPERT_COUNT {
            let created = self
                .client
                .create(
                    &format!("adding expert {number} to the pool"),
                    Some(&office),
                    "/experts",
                    &cast::expert(number, today),
                )
                .await?;
            self.pool
                .push(text("adding an expert", &created, "id")?.to_owned());
        }
        self.set("2026-05-28", 10, 0).await;
        self.client
            .post(
                "the document-review draw",
                &office,
                &format!("/cycles/{CYCLE_ID}/assignments"),
                &json!({"phase": "document", "seed": 20_260_528}),
            )
            .await?;
        let reviewed: Vec<(&'static Enterprise, String)> = ENTERPRISES
            .iter()
            .zip(self.apps.iter().cloned())
            .filter(|(enterprise, _)| {
                matches!(
                    enterprise.fate,
                    Fate::Reviewed { .. } | Fate::SettledThenEligible
                )
            })
            .collect();
        let first_day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
        for (index, (enterprise, app)) in reviewed.iter().enumerate() {
            let level = match enterprise.fate {
                Fate::Reviewed { document, .. } => document,
                _ => cast::SETTLED_DOCUMENT_PERCENT,
            };
            let panel = self.panel(app, "document").await?;
            for (position, number) in panel.iter().enumerate() {
                let day = first_day + Days::new((2 * index + position / 3) as u64);
                self.set(&day.to_string(), 9 + 2 * (position % 3) as u32, 30)
                    .await;
                let disputed = (enterprise.number == 1 && position == panel.len() - 1)
                    .then_some(level.saturating_sub(40));
                self.review(
                    &cast::expert_account(*number),
                    app,
                    "document",
                    sheet(level, &DOCUMENT_OFFSETS, position, disputed),
                    "领导重视质量工作，质量战略清晰，但对标先进的广度有待提升。",
                )
                .await?;
            }
        }
        self.settled().await;

        // Enterprise 1's panel leader records the consensus on the disputed item.
        self.set("2026-06-15", 14, 0).await;
        let (_, first) = &reviewed[0];
        let leader = cast::expert_account(self.panel(first, "document").await?[0]);
        let round = self
            .client
            .get(
                "the consensus round",
                Some(&leader),
                &format!("/reviews/{first}/document"),
            )
            .await?;
        if round["consensus_round"]["items"] != json!([DISPUTED_ITEM]) {
            return Err(failed("the consensus round", round));
        }
        self.client
            .post(
                "the consensus",
                &leader,
                &format!("/reviews/{first}/document/consensus"),
                &json!({"items": {DISPUTED_ITEM: {"percent": 80, "note": "经专家组合议，统一为80%。"}}}),
            )
            .await?;
        self.settled().await;
        Ok(reviewed)
    }

    /// Art. 11(5)–(6): the shortlist as proposed; panels of 3 visit each shortlisted enterprise,
    /// score, and the Office uploads the panel's report and records the satisfaction survey.
    async fn shortlist_and_onsite(
        &self,
        reviewed: &[(&'static Enterprise, String)],
    ) -> Result<Vec<(&'static Enterprise, String)>, LocalError> {
        let office = cast::office();
        let c = &self.client;
        self.set("2026-06-22", 10, 0).await;
        let cycle = format!("/cycles/{CYCLE_ID}");
        let proposal = c
            .get(
                "the shortlist",
                Some(&office),
                &format!("{cycle}/shortlist"),
            )
            .await?;
        let listed: Vec<Value> = proposal["shortlisted"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| entry["application_id"].clone())
            .collect();
        let shortlisted: Vec<(&'static Enterprise, String)> = reviewed
            .iter()
            .filter(|(enterprise, _)| {
                matches!(
                    enterprise.fate,
                    Fate::Reviewed {
                        onsite: Some(_),
                        ..
                    }
                )
            })
            .cloned()
            .collect();
        if listed.len() != shortlisted.len()
            || !shortlisted
                .iter()
                .all(|(_, app)| listed.contains(&json!(app)))
        {
            return Err(failed("the shortlist", proposal));
        }
        c.post(
            "confirming the shortlist",
            &office,
            &format!("{cycle}/shortlist/confirm"),
            &json!({"applications": listed}),
        )
        .await?;

        self.set("2026-07-06", 10, 0).await;
        c.post(
            "the on-site draw",
            &office,
            &format!("{cycle}/assignments"),
            &json!({"phase": "onsite", "seed": 20_260_706}),
        )
        .await?;
        // The Office schedules every visit on the day of the draw; the panels visit on weekdays.
        for (index, ((enterprise, app), visit)) in shortlisted.iter().zip(VISIT_DAYS).enumerate() {
            self.set("2026-07-06", 11, index as u32).await;
            c.put(
                &format!("scheduling the on-site review of {}", enterprise.name),
                &office,
                &format!("/applications/{app}/onsite-visit"),
                &json!({"date": visit, "notes": "查看生产现场、检验室和质量档案，访谈管理层及一线员工。"}),
            )
            .await?;
        }
        for (index, ((enterprise, app), visit)) in shortlisted.iter().zip(VISIT_DAYS).enumerate() {
            let Fate::Reviewed {
                onsite: Some((level, survey)),
                ..
            } = enterprise.fate
            else {
                continue;
            };
            let step = format!("the on-site review of {}", enterprise.name);
            self.set(visit, 16, 0).await;
            for (position, number) in self.panel(app, "onsite").await?.iter().enumerate() {
                self.review(
                    &cast::expert_account(*number),
                    app,
                    "onsite",
                    sheet(level, &ONSITE_OFFSETS, position, None),
                    "现场查证与申报材料一致，质量管理体系运行有效。",
                )
                .await?;
            }
            let report = pdf(&format!("On-site review report - {}", enterprise.uscc()));
            let declared = c
                .create(
                    &step,
                    Some(&office),
                    &format!("/applications/{app}/documents"),
                    &declaration(Some("review_report"), "现场评审报告.pdf", &report),
                )
                .await?;
            c.upload(&step, &declared["upload"], report).await?;
            self.settled().await;
            self.set(visit, 17, 30).await;
            c.put(
                &step,
                &office,
                &format!("/applications/{app}/survey"),
                &json!({"score": survey, "respondents": 150 + 10 * index, "method": "问卷调查（顾客、员工、供应商）"}),
            )
            .await?;
        }
        self.settled().await;
        Ok(shortlisted)
    }

    /// Arts. 7(3), 11(7)–(8): the combined ranking's three candidates go to the Committee, which
    /// uploads its minutes and deliberates; the vice-mayors are consulted. Returns the candidates
    /// in rank order.
    async fn candidates(
        &self,
        shortlisted: &[(&'static Enterprise, String)],
    ) -> Result<Vec<(&'static Enterprise, String)>, LocalError> {
        let office = cast::office();
        let committee = cast::committee();
        let c = &self.client;
        let cycle = format!("/cycles/{CYCLE_ID}");
        self.set("2026-08-10", 10, 0).await;
        let ranking = c
            .get("the ranking", Some(&office), &format!("{cycle}/ranking"))
            .await?;
        let ranked = ranking["candidates"].clone();
        let candidates: Vec<(&'static Enterprise, String)> = ranked
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| {
                shortlisted
                    .iter()
                    .find(|(_, app)| id == app.as_str())
                    .cloned()
            })
            .collect();
        if candidates.len() != 3 {
            return Err(failed("the ranking", ranking));
        }
        c.post(
            "sending the candidates",
            &office,
            &format!("{cycle}/candidates"),
            &json!({"applications": ranked}),
        )
        .await?;

        self.set("2026-09-18", 16, 0).await;
        let minutes = pdf("Review Committee minutes 2026-09-18 (No. 3)");
        let declared = c
            .create(
                "the Committee's minutes",
                Some(&committee),
                &format!("{cycle}/minutes"),
                &declaration(None, "评审委员会会议纪要.pdf", &minutes),
            )
            .await?;
        c.upload("the Committee's minutes", &declared["upload"], minutes)
            .await?;
        self.settled().await;
        let decisions: Vec<Value> = candidates
            .iter()
            .map(|(_, app)| json!({"application_id": app, "include": true, "votes_for": 13, "votes_against": 0, "abstentions": 2}))
            .collect();
        c.post(
            "the deliberation",
            &committee,
            &format!("{cycle}/deliberation"),
            &json!({
                "meeting_date": "2026-09-18",
                "minutes_reference": "评委会〔2026〕3号",
                "minutes_attachment_id": declared["attachment"]["id"],
                "decisions": decisions,
            }),
        )
        .await?;
        self.set("2026-09-22", 15, 0).await;
        c.post(
            "the consultation",
            &office,
            &format!("{cycle}/consultation"),
            &json!({"date": "2026-09-22", "opinions": "各副市长均无不同意见。", "note": "已书面征求分管副市长意见。"}),
        )
        .await?;
        Ok(candidates)
    }

    /// Arts. 3, 11(8): 5 working days from 30 September across the National Day holiday (to
    /// 12 October); a member of the public objects to the second candidate; the publicity function
    /// closes the other two on the 13th, the Office's finding closes the third.
    async fn publicity(
        &self,
        candidates: &[(&'static Enterprise, String)],
    ) -> Result<(), LocalError> {
        let office = cast::office();
        let c = &self.client;
        let cycle = format!("/cycles/{CYCLE_ID}");
        self.set("2026-09-29", 10, 0).await;
        // The notice prints how to reach the Office (Art. 11(8)): set before it is issued.
        c.put(
            "the Office's contact details",
            &office,
            "/settings/office-contact",
            &json!({
                "phone": "0935-2212345",
                "postal_address": "甘肃省武威市凉州区东关街 武威市市场监督管理局 733000",
                "mailbox": "office@award.wuwei.local",
            }),
        )
        .await?;
        let started = c
            .post(
                "starting the publicity",
                &office,
                &format!("{cycle}/publicity"),
                &json!({"first_day": "2026-09-30", "document_number": "武质奖办〔2026〕3号"}),
            )
            .await?;
        if started["last_day"] != "2026-10-12" {
            return Err(failed("starting the publicity", started));
        }
        self.set("2026-10-09", 20, 15).await;
        let (_, objected) = &candidates[1];
        let receipt = c
            .create(
                "an objection",
                None,
                &format!("/public/publicity/{CYCLE_ID}/objections"),
                &json!({
                    "application_id": objected,
                    "objector_name": "李明",
                    "contact": "13893512345",
                    "content": "该企业2025年曾因产品标签标注不规范被消费者投诉，请予核实。",
                }),
            )
            .await?;
        let receipt = text("an objection", &receipt, "receipt")?.to_owned();
        self.settled().await;

        self.set("2026-10-13", 9, 0).await;
        for (enterprise, app) in candidates.iter().filter(|(_, app)| app != objected) {
            c.read_until(
                &format!("the publicity of {} closing", enterprise.name),
                Some(&office),
                &format!("/applications/{app}"),
                |read| read["publicity_closed_on"] == "2026-10-13",
            )
            .await?;
        }
        self.set("2026-10-14", 10, 0).await;
        c.post(
            "the finding on the objection",
            &office,
            &format!("/objections/{receipt}/decision"),
            &json!({"upheld": false, "reply": "经核实，所反映的标签问题已于2025年6月整改完毕，经市场监管部门复查合格，异议不成立。"}),
        )
        .await?;
        c.read_until(
            "the objected publicity closing",
            Some(&office),
            &format!("/applications/{objected}"),
            |read| read["publicity_closed_on"].is_string(),
        )
        .await?;
        self.settled().await;
        Ok(())
    }

    /// Arts. 4, 11(9), 12–14: the executive meeting, approval under the quota, the awards in rank
    /// order, the one announcement, the finance bureau's payments and the handovers.
    async fn awards(&self, candidates: &[(&'static Enterprise, String)]) -> Result<(), LocalError> {
        let office = cast::office();
        let finance = cast::finance();
        let c = &self.client;
        self.set("2026-10-20", 10, 0).await;
        c.post(
            "the executive meeting",
            &office,
            &format!("/cycles/{CYCLE_ID}/executive-meeting"),
            &json!({"date": "2026-10-20", "session": "市政府第35次常务会议", "minutes_reference": "武政常〔2026〕35号"}),
        )
        .await?;
        for (enterprise, app) in candidates {
            c.post(
                &format!("approving {}", enterprise.name),
                &office,
                &format!("/applications/{app}/approve"),
                &json!({"approved_on": "2026-10-20"}),
            )
            .await?;
        }
        self.set("2026-10-20", 15, 0).await;
        for (enterprise, app) in candidates {
            c.post(
                &format!("awarding {}", enterprise.name),
                &office,
                &format!("/applications/{app}/award"),
                &json!({}),
            )
            .await?;
        }
        // Art. 11(9): the one announcement of the cycle's winners, once all are awarded.
        c.post(
            "issuing the winners' announcement",
            &office,
            &format!("/cycles/{CYCLE_ID}/announcement"),
            &json!({"document_number": "武质奖办〔2026〕5号"}),
        )
        .await?;
        self.settled().await;
        self.set("2026-11-02", 10, 0).await;
        for (index, (enterprise, app)) in candidates.iter().enumerate() {
            c.post(
                &format!("paying {}'s reward", enterprise.name),
                &finance,
                &format!("/applications/{app}/reward/payment"),
                &json!({"paid_on": "2026-11-02", "voucher": format!("财付〔2026〕{}号", 118 + index)}),
            )
            .await?;
        }
        self.set("2026-11-03", 10, 0).await;
        for (enterprise, app) in candidates {
            c.post(
                &format!("handing over {}'s plaque", enterprise.name),
                &office,
                &format!("/applications/{app}/handover"),
                &json!({"date": "2026-11-03"}),
            )
            .await?;
        }
        self.settled().await;
        Ok(())
    }

    /// Arts. 17, 18: a report shows the third winner's revenue was inflated; the Office opens a
    /// fraud case with its evidence, the Committee decides, the city government approves: the award
    /// is revoked, the bar runs 10 years, plaque, certificate and reward come back.
    async fn revocation(
        &self,
        candidates: &[(&'static Enterprise, String)],
    ) -> Result<(), LocalError> {
        let office = cast::office();
        let c = &self.client;
        let (enterprise, app) = &candidates[2];
        let step = format!("revoking {}'s award", enterprise.name);
        self.set("2026-11-16", 10, 0).await;
        let awarded = c
            .get(&step, Some(&office), &format!("/applications/{app}"))
            .await?;
        let reward = awarded["lifecycle"]["award"]["reward"].clone();
        let case = c
            .create(
                &step,
                Some(&office),
                &format!("/applications/{app}/revocation-cases"),
                &json!({"ground": "fraud", "facts": "经群众举报并会同税务部门核查，该企业申报材料中2025年度营业收入较税务部门核定数据虚增约1.2亿元，属于以弄虚作假手段骗取质量奖。"}),
            )
            .await?;
        let case = format!("/revocation-cases/{}", text(&step, &case, "id")?);
        let evidence = pdf("Tax verification of 2025 operating revenue");
        let declared = c
            .create(
                &step,
                Some(&office),
                &format!("{case}/evidence"),
                &declaration(None, "税务部门核查意见.pdf", &evidence),
            )
            .await?;
        c.upload(&step, &declared["upload"], evidence).await?;
        self.settled().await;
        self.set("2026-11-20", 16, 0).await;
        c.post(
            &step,
            &cast::committee(),
            &format!("{case}/committee-decision"),
            &json!({"date": "2026-11-20", "minutes_reference": "评委会〔2026〕5号", "revoke": true}),
        )
        .await?;
        self.set("2026-11-25", 10, 0).await;
        c.post(
            &step,
            &office,
            &format!("{case}/approval"),
            &json!({"date": "2026-11-25", "reference": "武政函〔2026〕88号"}),
        )
        .await?;
        self.set("2026-11-27", 10, 0).await;
        c.post(
            &step,
            &office,
            &format!("{case}/returns"),
            &json!({"plaque_returned_on": "2026-11-27", "certificate_returned_on": "2026-11-27"}),
        )
        .await?;
        self.set("2026-11-30", 10, 0).await;
        c.post(
            &step,
            &cast::finance(),
            &format!("{case}/reward-returned"),
            &json!({"received_on": "2026-11-30", "receipt": "财收〔2026〕31号", "amount_fen": reward}),
        )
        .await?;
        self.settled().await;
        Ok(())
    }
}

/// Where `serve --demo` and `demo` put the demo by default when no data folder is named.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(".demo-data")
}
