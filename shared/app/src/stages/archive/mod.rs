//! The cycle's archive (档案, issue 22 item 4): the Office exports a cycle whole — its records,
//! the audit trail, the notices, the public notices, every stored file and print views — as one
//! zip with a manifest of SHA-256 checksums (docs/ARCHIVE.md).
//!
//! An export is a job item (`CYCLE#<cycle>` / `ARCHIVE#<requested>#<id>`, [`ArchiveJob`]):
//! `POST /cycles/{id}/archive` writes it `queued` (audited `archive_exported`); whatever runs
//! jobs (the local runner's change feed; on AWS the table's stream) claims it (`running`,
//! version-guarded, so an event delivered twice runs it once), streams the zip to the bucket
//! ([`build`], feature `archive`) with its progress on the item, and marks it `done` or
//! `failed`. `GET /cycles/{id}/archives` lists the jobs; `GET …/archives/{job}/download` issues
//! a short-lived link to a finished one, audited as `archive_downloaded` (Art. 19).
//!
//! Only what builds the zip needs the `zip` crate: the HTTP routes here do not, so the API
//! function is built without the `archive` feature.

#[cfg(feature = "archive")]
pub mod build;
pub mod render;
pub mod routes;
#[cfg(feature = "archive")]
pub mod verify;

pub use routes::ROUTES;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use award_domain::lifecycle::ApplicationState;
use award_ports::{Index, Query, SortCondition};

use crate::App;
use crate::audit::audit;
use crate::error::AppError;
use crate::identity::{Caller, RequestMeta, Role};
use crate::keys::{self, ItemKeys, item_type};
use crate::model::{CycleRecord, Link, new_id};
use crate::reads::{applications, cycles};
use crate::store::{self, Record, Stored, Tx, from_item, query_all};

/// A job left `running` longer than this died with the process that ran it (a Lambda runs 15
/// minutes at most): it is shown as failed and no longer blocks a new export.
pub const STALE_AFTER: TimeDelta = TimeDelta::minutes(20);

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveStatus {
    /// Asked for; not claimed yet.
    Queued,
    /// Being written; the counts below move.
    Running,
    /// The zip is in the bucket at `object_key`.
    Done,
    /// Stopped; `error` says why. Nothing is kept in the bucket.
    Failed,
}

/// One export of a cycle's archive, with its progress. Instants are UTC; sizes in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArchiveJob {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub cycle_id: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub status: ArchiveStatus,
    /// Whether the cycle was finished when the export was asked for (the executive meeting
    /// recorded and no application still under way); `false`: for reference only (仅供参考).
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The cycle's applications, and how many of them are in the zip so far.
    #[serde(default)]
    pub applications_total: u32,
    #[serde(default)]
    pub applications_done: u32,
    /// Entries written so far, and their bytes before compression.
    #[serde(default)]
    pub files_written: u64,
    #[serde(default)]
    pub bytes_written: u64,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// Once done: the zip's object key, its size in bytes and its SHA-256 (64 hex digits).
    #[serde(default)]
    pub object_key: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub sha256: Option<String>,
    /// Once failed: why, in English (the log has the rest).
    #[serde(default)]
    pub error: Option<String>,
}

impl Record for ArchiveJob {
    const TYPE: &'static str = item_type::ARCHIVE_JOB;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::archive_job(
            &self.cycle_id,
            self.requested_at,
            self.id,
        ))
    }
}

impl ArchiveJob {
    /// The status as the Office should read it at `now`: a `running` or `queued` job that
    /// stopped moving more than [`STALE_AFTER`] ago is `failed`.
    pub fn status_at(&self, now: DateTime<Utc>) -> ArchiveStatus {
        let since = self.started_at.unwrap_or(self.requested_at);
        match self.status {
            ArchiveStatus::Queued | ArchiveStatus::Running if now - since > STALE_AFTER => {
                ArchiveStatus::Failed
            }
            status => status,
        }
    }
}

/// The states an application no longer leaves within its cycle: once every application is in
/// one and the executive meeting is recorded, the cycle's archive is final.
const SETTLED: [ApplicationState; 8] = [
    ApplicationState::Draft,
    ApplicationState::Ineligible,
    ApplicationState::NotShortlisted,
    ApplicationState::Awarded,
    ApplicationState::Expired,
    ApplicationState::Revoked,
    ApplicationState::Withdrawn,
    ApplicationState::Rejected,
];

/// Whether `cycle` is finished: the executive meeting recorded and every application settled.
pub async fn is_final(app: &App, cycle: &CycleRecord) -> Result<bool, AppError> {
    if cycle.decision.executive_meeting.is_none() {
        return Ok(false);
    }
    let all = applications::in_cycle(app, &cycle.cycle.id, None).await?;
    Ok(all
        .iter()
        .all(|application| SETTLED.contains(&application.state())))
}

/// Every export of `cycle_id`, oldest first, as stored.
async fn stored_jobs(app: &App, cycle_id: &str) -> Result<Vec<Stored<ArchiveJob>>, AppError> {
    query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::cycle_partition(cycle_id)).sort(
            SortCondition::BeginsWith(keys::ARCHIVE_JOB_PREFIX.to_owned()),
        ),
    )
    .await?
    .into_iter()
    .map(from_item::<ArchiveJob>)
    .collect()
}

/// A job as the API answers it: its status read at `now` ([`ArchiveJob::status_at`]).
fn as_seen(mut job: ArchiveJob, now: DateTime<Utc>) -> ArchiveJob {
    job.status = job.status_at(now);
    job
}

/// `POST /cycles/{id}/archive` (office): asks for an export of the cycle as it stands now.
/// Errors: `forbidden` (not the Office), `cycle_not_found`, `archive_in_progress` (an export of
/// this cycle is queued or running).
pub async fn start(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<ArchiveJob, AppError> {
    caller.require(Role::Office)?;
    let cycle = cycles::load_cycle(app, cycle_id).await?.record;
    let jobs = stored_jobs(app, cycle_id).await?;
    if jobs.iter().any(|job| {
        matches!(
            job.record.status_at(now),
            ArchiveStatus::Queued | ArchiveStatus::Running
        )
    }) {
        return Err(AppError::ArchiveInProgress);
    }
    let is_final = is_final(app, &cycle).await?;
    let job = ArchiveJob {
        id: new_id(now),
        cycle_id: cycle_id.to_owned(),
        requested_by: caller.sub().to_owned(),
        requested_at: now,
        status: ArchiveStatus::Queued,
        is_final,
        applications_total: 0,
        applications_done: 0,
        files_written: 0,
        bytes_written: 0,
        started_at: None,
        finished_at: None,
        object_key: None,
        size: None,
        sha256: None,
        error: None,
    };
    let mut tx = Tx::new();
    tx.guard(store::create(&job)?, || AppError::ArchiveInProgress);
    tx.push(audit(
        keys::cycle_partition(cycle_id),
        caller.sub(),
        "archive_exported",
        &[
            ("archive_id", job.id.to_string()),
            ("final", is_final.to_string()),
        ],
        now,
    )?);
    tx.commit(app.table.as_ref()).await?;
    Ok(job)
}

/// `GET /cycles/{id}/archives` (office): the cycle's exports, newest first, with their progress.
/// Errors: `forbidden`, `cycle_not_found`.
pub async fn list(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ArchiveJob>, AppError> {
    caller.require(Role::Office)?;
    cycles::load_cycle(app, cycle_id).await?;
    let mut jobs: Vec<ArchiveJob> = stored_jobs(app, cycle_id)
        .await?
        .into_iter()
        .map(|stored| as_seen(stored.record, now))
        .collect();
    jobs.reverse();
    Ok(jobs)
}

/// A finished export and a short-lived GET link to its zip.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ArchiveDownload {
    pub archive: ArchiveJob,
    pub download: Link,
    /// The name to save it under, e.g. `武威市人民政府质量奖档案-2026-20261207.zip`.
    pub file_name: String,
}

/// `GET /cycles/{id}/archives/{job}/download` (office): a link to a finished export, recorded in
/// the cycle's audit trail (`archive_downloaded`, with where the request came from) before it is
/// issued, as evidence downloads are (Art. 19). Errors: `forbidden`, `archive_not_found`,
/// `archive_not_ready` (not done).
pub async fn download(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    job_id: Ulid,
    meta: RequestMeta,
    now: DateTime<Utc>,
) -> Result<ArchiveDownload, AppError> {
    caller.require(Role::Office)?;
    let job = stored_jobs(app, cycle_id)
        .await?
        .into_iter()
        .map(|stored| stored.record)
        .find(|job| job.id == job_id)
        .ok_or(AppError::ArchiveNotFound)?;
    let (ArchiveStatus::Done, Some(object_key)) = (job.status, job.object_key.clone()) else {
        return Err(AppError::ArchiveNotReady);
    };
    let mut detail = vec![("archive_id", job.id.to_string())];
    detail.extend(meta.source_ip.map(|ip| ("source_ip", ip)));
    detail.extend(meta.user_agent.map(|agent| ("user_agent", agent)));
    detail.extend(meta.request_id.map(|id| ("request_id", id)));
    app.table
        .transact(vec![audit(
            keys::cycle_partition(cycle_id),
            caller.sub(),
            "archive_downloaded",
            &detail,
            now,
        )?])
        .await?;
    let link = app
        .blobs
        .presign_download(&object_key, app.config.download_ttl, now)
        .await?;
    let file_name = archive_file_name(&job);
    Ok(ArchiveDownload {
        archive: job,
        download: link.into(),
        file_name,
    })
}

/// The file name an export is saved under: the cycle and the export's China date.
pub fn archive_file_name(job: &ArchiveJob) -> String {
    let china = job.requested_at + TimeDelta::hours(8);
    format!(
        "武威市人民政府质量奖档案-{}-{}.zip",
        job.cycle_id,
        china.format("%Y%m%d")
    )
}
