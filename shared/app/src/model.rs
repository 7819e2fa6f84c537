//! The records the use cases store, one item each (see `docs/ARCHITECTURE.md`, "The table").
//! They serialise to JSON for the API as they are stored, minus the key attributes.

use std::collections::BTreeMap;

use award_domain::cycle::Cycle;
use award_domain::lifecycle::ApplicationState;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::keys::{self, ItemKeys, item_type};
use crate::store::Record;

/// A cycle as stored: the domain's [`Cycle`] (Arts. 4, 7, 11, 20: its rules, quota, status and
/// the Committee's approval) and who created and opened it. Flattened, so the item and the API
/// body are the cycle's fields plus these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleRecord {
    #[serde(flatten)]
    pub cycle: Cycle,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub opened_at: Option<DateTime<Utc>>,
}

impl Record for CycleRecord {
    const TYPE: &'static str = item_type::CYCLE;
    fn keys(&self) -> ItemKeys {
        keys::cycle_item_keys(&self.cycle.id, self.cycle.status.as_str())
    }
}

/// The singleton naming the open cycle; its existence is the "one open cycle" rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCycleGuard {
    pub cycle_id: String,
}

impl Record for OpenCycleGuard {
    const TYPE: &'static str = item_type::OPEN_CYCLE_GUARD;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::open_cycle_guard())
    }
}

/// Holds an organisation's one application in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationGuard {
    pub cycle_id: String,
    pub uscc: String,
    pub application_id: Ulid,
}

impl Record for OrganisationGuard {
    const TYPE: &'static str = item_type::ORGANISATION_GUARD;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::organisation_guard(&self.cycle_id, &self.uscc))
    }
}

/// An organisation's application in a cycle; `owner_sub` is the applicant account that created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: Ulid,
    pub cycle_id: String,
    pub owner_sub: String,
    pub organisation_name: String,
    pub uscc: String,
    pub registration_date: NaiveDate,
    pub division_code: String,
    pub contact_email: String,
    pub state: ApplicationState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for Application {
    const TYPE: &'static str = item_type::APPLICATION;
    fn keys(&self) -> ItemKeys {
        keys::application_item_keys(
            self.id,
            &self.owner_sub,
            self.created_at,
            &self.cycle_id,
            self.state.as_str(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Declared; the upload link was issued, the object has not been checked yet.
    Declared,
    /// The stored object matched the declaration.
    Received,
    /// The stored object did not match the declaration (see `rejection_reason`).
    Rejected,
}

/// One evidence file of an application, as declared and then as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: Ulid,
    pub application_id: Ulid,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub status: DocumentStatus,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub checked_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
}

impl Document {
    pub fn object_key(&self) -> String {
        keys::object_key(self.application_id, self.id)
    }
}

impl Record for Document {
    const TYPE: &'static str = item_type::DOCUMENT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::document(self.application_id, self.id))
    }
}

/// One issued evidence download link (Art. 19: every access to evidence is logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRecord {
    pub id: Ulid,
    pub application_id: Ulid,
    pub document_id: Ulid,
    pub actor_sub: String,
    pub actor_roles: Vec<String>,
    pub at: DateTime<Utc>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl Record for AccessRecord {
    const TYPE: &'static str = item_type::ACCESS;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::access(self.application_id, self.at, self.id))
    }
}

/// Who did what, when, to what (Art. 3). `subject_partition` is the partition of the thing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: Ulid,
    pub subject_partition: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub action: String,
    pub detail: BTreeMap<String, String>,
}

impl Record for AuditRecord {
    const TYPE: &'static str = item_type::AUDIT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::audit(&self.subject_partition, self.at, self.id))
    }
}

/// The actor recorded for changes made by the system itself (events, schedules).
pub const SYSTEM_ACTOR: &str = "system";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    /// Waiting to be sent (the outbox).
    Pending,
    /// Claimed by a sender at `claimed_at`.
    Sending,
    Sent,
    /// Given up: a permanent send failure, too many failed attempts, or not sent within the
    /// redrive window. Listed under GSI2 `NOTICES#failed` for the Office to see and resend.
    Failed,
}

impl NoticeStatus {
    /// The stored name (`pending`, `sending`, `sent`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// The email templates a notice can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeTemplate {
    ApplicationReceived,
    DocumentReceived,
    DocumentRejected,
}

impl NoticeTemplate {
    pub fn name(self) -> &'static str {
        match self {
            Self::ApplicationReceived => "application_received",
            Self::DocumentReceived => "document_received",
            Self::DocumentRejected => "document_rejected",
        }
    }
}

/// An email owed to someone, written in the same transaction as the change that owes it
/// (transactional outbox); `notify` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: Ulid,
    pub status: NoticeStatus,
    pub recipient: String,
    pub template: NoticeTemplate,
    pub data: BTreeMap<String, String>,
    /// The China date the notice was due; while it is pending or sending it is listed under
    /// GSI2 `DUE#<due>` so the scheduled redrive finds it.
    pub due: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub claimed_at: Option<DateTime<Utc>>,
    pub next_attempt_after: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
}

impl Record for Notice {
    const TYPE: &'static str = item_type::NOTICE;
    fn keys(&self) -> ItemKeys {
        match self.status {
            NoticeStatus::Pending | NoticeStatus::Sending => {
                keys::notice_item_keys(self.id, Some(self.due))
            }
            NoticeStatus::Failed => keys::failed_notice_item_keys(self.id, self.created_at),
            NoticeStatus::Sent => keys::notice_item_keys(self.id, None),
        }
    }
}

/// A new opaque id whose time part is `now` (ids sort by creation; the clock is never read here).
pub fn new_id(now: DateTime<Utc>) -> Ulid {
    Ulid::from_datetime(now.into())
}
