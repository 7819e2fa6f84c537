//! The records the use cases store, one item each (see `docs/ARCHITECTURE.md`, "The table").
//! They serialise to JSON for the API as they are stored, minus the key attributes.

use std::collections::BTreeMap;

use award_domain::award::{Debarment, Validity};
use award_domain::cycle::Cycle;
use award_domain::eligibility::Screening;
use award_domain::form::{ApplicationForm, DocumentCategory};
use award_domain::lifecycle::{ApplicationState, Lifecycle, NoticeKind, Recipient, ScheduleKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::keys::{self, ItemKeys, item_type};
use crate::store::Record;

/// A cycle as stored: the domain's [`Cycle`] (Arts. 4, 7, 11, 20: its rules, quota, status and
/// the Committee's approval) and who created and opened it. Flattened, so the item and the API
/// body are the cycle's fields plus these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CycleRecord {
    #[serde(flatten)]
    pub cycle: Cycle,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub opened_at: Option<DateTime<Utc>>,
    /// Arts. 7(3), 11(8)–(9): the Committee's deliberation, the consultation, the publicity and
    /// the executive meeting of this cycle (`stages::decision`).
    #[serde(default)]
    pub decision: CycleDecision,
}

/// The cycle's decision records (Arts. 7(3), 11(8)–(9)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CycleDecision {
    #[serde(default)]
    pub deliberation: Option<Deliberation>,
    #[serde(default)]
    pub consultation: Option<Consultation>,
    #[serde(default)]
    pub publicity: Option<CyclePublicity>,
    #[serde(default)]
    pub executive_meeting: Option<ExecutiveMeeting>,
    /// Art. 11(9): the cycle's one announcement of its winners on the board.
    #[serde(default)]
    pub announcement: Option<CycleAnnouncement>,
}

/// Art. 11(8): the Committee's review of the candidate list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deliberation {
    /// China date of the meeting.
    pub meeting_date: NaiveDate,
    /// The minutes' reference (文号 or file number) as the Committee keeps them.
    pub minutes_reference: String,
    /// The minutes as an uploaded file (`POST /cycles/{id}/minutes`), once received.
    #[serde(default)]
    #[schemars(with = "String")]
    pub minutes_attachment_id: Ulid,
    pub decisions: Vec<CandidateDecision>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// One candidate's outcome in the deliberation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CandidateDecision {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub include: bool,
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstentions: u32,
    /// Required when the candidate is left out.
    pub reason: Option<String>,
}

/// Art. 11(8): the vice-mayors' consultation (征求分管副市长意见), before publicity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Consultation {
    pub date: NaiveDate,
    pub opinions: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// Art. 11(8): the cycle's publicity period, both ends inclusive (China dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CyclePublicity {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub working_days: u32,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    /// The notice's document number (文号, e.g. 武质奖办〔2026〕3号) as the Office set it; empty
    /// when it gave none.
    #[serde(default)]
    pub document_number: String,
}

/// Art. 11(9): the announcement of the cycle's winners, issued once by the Office after the
/// awards (one board entry listing every winner with its certificate number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CycleAnnouncement {
    /// China date it was issued (its 落款 date).
    pub issued_on: NaiveDate,
    /// 文号 as the Office set it; empty when it gave none.
    pub document_number: String,
    /// How many winners it names.
    pub winners: u32,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

/// Art. 11(9): the municipal executive meeting that approved the awards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExecutiveMeeting {
    pub date: NaiveDate,
    /// e.g. 市政府第35次常务会议.
    pub session: String,
    pub minutes_reference: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// Art. 4: the approvals of a cycle so far; written with every approval under a version guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuotaCounter {
    pub cycle_id: String,
    pub approved: u32,
    /// Names awarded in the cycle (certificates issued), counted by the same stage path.
    #[serde(default)]
    pub awarded: u32,
    /// The winners' announcement is issued (Art. 11(9)): no approval or award after it, so the
    /// one announcement names every winner.
    #[serde(default)]
    pub announced: bool,
}

impl Record for QuotaCounter {
    const TYPE: &'static str = item_type::QUOTA_COUNTER;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::quota_counter(&self.cycle_id))
    }
}

/// A State Council holiday notice the Office loaded for a year the embedded calendar lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HolidayNoticeRecord {
    pub notice: award_domain::calendar::HolidayNotice,
    pub loaded_by: String,
    pub loaded_at: DateTime<Utc>,
    /// The cycles whose publicity period counted on this notice (set in the publicity's start
    /// transaction); while any does, the notice can no longer be replaced.
    #[serde(default)]
    pub used_by: Vec<String>,
}

impl Record for HolidayNoticeRecord {
    const TYPE: &'static str = item_type::HOLIDAY_NOTICE;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::holiday_notice(self.notice.year))
    }
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Open,
    Upheld,
    Dismissed,
}

/// An objection from the public during publicity (Art. 3). The objector's identity is the
/// Office's alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Objection {
    /// Also the receipt number given to the objector.
    #[schemars(with = "String")]
    pub id: Ulid,
    pub cycle_id: String,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub organisation_name: String,
    pub objector_name: String,
    /// A mobile number or an email address.
    pub contact: String,
    pub content: String,
    /// A supporting file (PDF, JPEG or PNG) uploaded with the objection.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub attachment_id: Option<Ulid>,
    pub status: ObjectionStatus,
    pub received_at: DateTime<Utc>,
    pub source_ip: Option<String>,
    pub reply: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Record for Objection {
    const TYPE: &'static str = item_type::OBJECTION;
    fn keys(&self) -> ItemKeys {
        keys::objection_item_keys(self.id, &self.cycle_id, self.received_at)
    }
}

/// One day's count of objections from one contact or one source address (the abuse bound).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RateCounter {
    pub day: NaiveDate,
    /// `contact#<sha256>` or `ip#<address>`.
    pub subject: String,
    pub count: u32,
    /// When the table removes it (`award_ports::table::TTL`: seconds since the Unix epoch): the
    /// end of the China day after `day`. No counter outlives the day it counts by more.
    #[serde(default)]
    pub ttl: i64,
}

impl RateCounter {
    /// The count `count` of `subject` on China date `day`, expiring the day after.
    pub fn new(day: NaiveDate, subject: String, count: u32) -> Self {
        let expires =
            award_domain::time::china_end_of_day_exclusive(day) + chrono::Duration::days(1);
        Self {
            day,
            subject,
            count,
            ttl: expires.timestamp(),
        }
    }
}

impl Record for RateCounter {
    const TYPE: &'static str = item_type::RATE_COUNTER;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::rate_counter(self.day, &self.subject))
    }
}

/// Arts. 12, 13: the reward's payment (its amount is the award record's, in fen) and the
/// plaque's handover, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RewardRecord {
    pub paid_on: Option<NaiveDate>,
    pub voucher: Option<String>,
    pub paid_recorded_by: Option<String>,
    /// The plaque and certificate handed over (China date).
    pub handed_over_on: Option<NaiveDate>,
    /// Art. 17: the reward came back (China date), after a revocation for fraud.
    #[serde(default)]
    pub returned_on: Option<NaiveDate>,
}

impl Record for CycleRecord {
    const TYPE: &'static str = item_type::CYCLE;
    fn keys(&self) -> ItemKeys {
        keys::cycle_item_keys(&self.cycle.id, self.cycle.status.as_str())
    }
}

/// The singleton naming the open cycle; its existence is the "one open cycle" rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationGuard {
    pub cycle_id: String,
    pub uscc: String,
    #[schemars(with = "String")]
    pub application_id: Ulid,
}

impl Record for OrganisationGuard {
    const TYPE: &'static str = item_type::ORGANISATION_GUARD;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::organisation_guard(&self.cycle_id, &self.uscc))
    }
}

/// An organisation's application in a cycle. Its stage, owner and stage records are the domain's
/// [`Lifecycle`] (Art. 11), held here as they are so nothing parallel can drift; the owner is the
/// applicant account (token subject) that created it. `uscc` is the organisation's identity in
/// the cycle (the one-application guard's key) and never changes; the rest of the 申报表 is `form`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Application {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub cycle_id: String,
    pub uscc: String,
    pub lifecycle: Lifecycle,
    pub form: ApplicationForm,
    /// Art. 11(3): the recommending unit the applicant chose.
    #[schemars(with = "Option<String>")]
    pub recommender_id: Option<Ulid>,
    /// Art. 11(3): the unit's opinion and signer, once it recommended.
    pub recommendation: Option<Recommendation>,
    /// Art. 11(4): the Office's eligibility screening while it is under review, with the
    /// settlements made so far (`stages::screening`); once confirmed, the lifecycle keeps it.
    #[serde(default)]
    pub screening: Option<ScreeningRecord>,
    pub contact: ContactAddresses,
    /// Arts. 11(5)–(6): the document and on-site reviews' aggregated results, consensus, visit
    /// and survey (`stages::reviews`). The Office's working file: only the Office reads it.
    #[serde(default)]
    pub reviews: BTreeMap<ReviewPhase, PhaseReview>,
    /// Art. 11(8): the day the publicity was closed with no objection open (the `publicity`
    /// function), and the last day the Office was reminded of an open one.
    #[serde(default)]
    pub publicity_closed_on: Option<NaiveDate>,
    #[serde(default)]
    pub objection_reminded_on: Option<NaiveDate>,
    /// Arts. 12, 13: the reward and the plaque, once awarded.
    #[serde(default)]
    pub reward: Option<RewardRecord>,
    /// The revocation case open against this award, if any (Arts. 17, 18): one at a time.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub open_case: Option<Ulid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Application {
    pub fn state(&self) -> ApplicationState {
        self.lifecycle.state
    }

    pub fn owner(&self) -> &str {
        &self.lifecycle.owner
    }

    pub fn organisation_name(&self) -> &str {
        &self.form.organisation.name
    }
}

impl Record for Application {
    const TYPE: &'static str = item_type::APPLICATION;
    fn keys(&self) -> ItemKeys {
        keys::application_item_keys(
            self.id,
            self.owner(),
            self.created_at,
            &self.cycle_id,
            self.state().as_str(),
        )
    }
}

/// Art. 11(4): the screening of an application as it stands, and when and by whom it was last
/// run (the `screening` function, or the Office re-running it after a correction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScreeningRecord {
    #[serde(flatten)]
    pub screening: Screening,
    pub screened_at: DateTime<Utc>,
    pub screened_by: String,
}

/// What the register knows of an organisation (Arts. 5, 17, 18): an award with its validity, or
/// a debarment counted from a revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegisterFact {
    /// Art. 5: awarded in `cycle_id`, valid for 5 years from the approval (Art. 11(9)).
    Award {
        cycle_id: String,
        validity: Validity,
    },
    /// Arts. 17, 18: the award approved on `award_approved_on` was revoked; the bar runs from
    /// the revocation.
    Debarment {
        award_approved_on: NaiveDate,
        debarment: Debarment,
    },
}

/// One entry of the register of awards and debarments, kept by the Office (imported from its
/// history) until the later stages write it when they award or revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisterEntry {
    /// GB 32100 code as written in the Office's records (trimmed, upper case).
    pub uscc: String,
    pub organisation_name: String,
    pub fact: RegisterFact,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl RegisterEntry {
    /// The entry's sort key: `AWARD#<approved_on>` or `BAR#<revoked_on>` (China dates).
    pub fn entry_key(&self) -> String {
        match &self.fact {
            RegisterFact::Award { validity, .. } => format!("AWARD#{}", validity.approved_on),
            RegisterFact::Debarment { debarment, .. } => format!("BAR#{}", debarment.revoked_on),
        }
    }

    /// Whether `other` records the same fact (who recorded it, and when, aside).
    pub fn same_fact(&self, other: &RegisterEntry) -> bool {
        self.uscc == other.uscc
            && self.organisation_name == other.organisation_name
            && self.fact == other.fact
    }
}

impl Record for RegisterEntry {
    const TYPE: &'static str = item_type::REGISTER_ENTRY;
    fn keys(&self) -> ItemKeys {
        keys::register_entry_item_keys(&self.uscc, &self.entry_key())
    }
}

/// Art. 11(3): what the recommending unit signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recommendation {
    #[schemars(with = "String")]
    pub recommender_id: Ulid,
    pub opinion: String,
    pub signer_name: String,
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    /// The scan of the printed page the unit signed and sealed (盖章推荐页), once one was received
    /// and passed the checks (`events::object_created`); the latest when filed again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_page: Option<SealedPage>,
}

/// Art. 11(3): the sealed recommendation page filed with the application: which document holds
/// it and when its check passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SealedPage {
    #[schemars(with = "String")]
    pub document_id: Ulid,
    pub received_at: DateTime<Utc>,
}

/// Where the applicant's notices go: only to an address it controls — the account's verified
/// email, or the form's contact email once a link sent to it was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContactAddresses {
    /// The token's verified `email` when the application was created.
    pub account_email: String,
    /// The contact email, confirmed through the link sent to it.
    pub confirmed_email: Option<String>,
    /// A contact email waiting for its confirmation.
    pub pending_email: Option<String>,
    /// When the link sent to `pending_email` expires (UTC instant): saving the same address after
    /// it sends a new link. Absent on records older than this field (a save then sends one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_until: Option<DateTime<Utc>>,
}

impl ContactAddresses {
    /// The address the applicant's notices go to.
    pub fn notice_address(&self) -> &str {
        self.confirmed_email
            .as_deref()
            .unwrap_or(&self.account_email)
    }

    /// Whether `email` already receives notices (no confirmation needed).
    pub fn is_confirmed(&self, email: &str) -> bool {
        email.eq_ignore_ascii_case(&self.account_email)
            || self
                .confirmed_email
                .as_deref()
                .is_some_and(|confirmed| confirmed.eq_ignore_ascii_case(email))
    }
}

/// Art. 11(3): a recommending unit — a county/district quality office (质量发展领导小组办公室) for
/// the organisations registered in its division, or an industry department (行业主管部门) for
/// its GB/T 4754 sections. `accounts` are the token subjects that act for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recommender {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub name: String,
    pub scope: RecommenderScope,
    pub mailbox: String,
    /// The unit's own USCC, for the recusal rule (Art. 19): an expert employed by the unit that
    /// recommended an applicant does not judge it.
    #[serde(default)]
    pub uscc: Option<String>,
    pub accounts: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecommenderScope {
    /// A county or district quality office, by its GB/T 2260 division code.
    County { division_code: String },
    /// An industry department, by the GB/T 4754-2017 section letters it oversees.
    Industry { sections: Vec<char> },
}

impl Recommender {
    /// Whether this unit may recommend an organisation of `division_code` and `industry_code`.
    pub fn covers(&self, division_code: &str, industry_code: &str) -> bool {
        match &self.scope {
            RecommenderScope::County { division_code: own } => own == division_code,
            RecommenderScope::Industry { sections } => {
                award_domain::form::industry_section(industry_code)
                    .is_some_and(|section| sections.contains(&section))
            }
        }
    }
}

impl Record for Recommender {
    const TYPE: &'static str = item_type::RECOMMENDER;
    fn keys(&self) -> ItemKeys {
        keys::recommender_item_keys(self.id)
    }
}

/// A link sent to a contact address to confirm it; stored by the SHA-256 of its secret token, so
/// the table never holds a usable token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EmailConfirmation {
    pub token_sha256: String,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Record for EmailConfirmation {
    const TYPE: &'static str = item_type::EMAIL_CONFIRMATION;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::email_confirmation(&self.token_sha256))
    }
}

/// A publication on the public notice board (Arts. 3, 9(3), 11(8)–(9), 17, 18): what a notice to
/// `Recipient::Public` becomes, rendered once when it is owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoardEntry {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub kind: NoticeKind,
    pub cycle_id: String,
    #[schemars(with = "Option<String>")]
    pub application_id: Option<Ulid>,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

impl Record for BoardEntry {
    const TYPE: &'static str = item_type::BOARD_ENTRY;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::board_entry(self.published_at, self.id))
    }
}

/// Dated work a decision owes (`Event::Scheduled`), listed under GSI2 `DUE#<date>` for the
/// scheduled jobs (China date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueItem {
    pub kind: ScheduleKind,
    pub date: NaiveDate,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub created_at: DateTime<Utc>,
}

impl Record for DueItem {
    const TYPE: &'static str = item_type::DUE;
    fn keys(&self) -> ItemKeys {
        keys::due_item_keys(self.application_id, self.date, self.kind.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Declared; the upload link was issued, the object has not been checked yet.
    Declared,
    /// The stored object matched the declaration.
    Received,
    /// The stored object did not match the declaration (see `rejection_reason`).
    Rejected,
}

/// The `rejection_reason` of a document still only declared when its application was submitted:
/// closed with the submission, it never becomes evidence (Art. 11(2)-(3)).
pub const CLOSED_AT_SUBMISSION: &str = "not received before the application was submitted";

/// One evidence file of an application, as declared and then as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "ApplicationDocument")]
pub struct Document {
    #[schemars(with = "String")]
    pub id: Ulid,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub category: DocumentCategory,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub status: DocumentStatus,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub checked_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    /// The S3 object the check looked at, from its `ObjectCreated` event; `None` until checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_object: Option<CheckedObject>,
}

/// Which stored object a document's check was about, as the S3 event named it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckedObject {
    /// The event's `versionId` on a versioned bucket (the version kept or deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// The event's `sequencer`: hex, ordering the events of one key (see
    /// [`crate::events::sequencer_cmp`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencer: Option<String>,
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

/// One of the numbered document slots of an application (`APP#<app>` / `DOCSLOT#<n>`): at most
/// `MAX_DOCUMENTS` exist, so the limit on documents holds whatever runs concurrently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentSlot {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub slot: u32,
    #[schemars(with = "String")]
    pub document_id: Ulid,
}

impl Record for DocumentSlot {
    const TYPE: &'static str = item_type::DOCUMENT_SLOT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::document_slot(self.application_id, self.slot))
    }
}

/// One issued evidence download link (Art. 19: every access to evidence is logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccessRecord {
    #[schemars(with = "String")]
    pub id: Ulid,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    #[schemars(with = "String")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditRecord {
    #[schemars(with = "String")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// Why the outbox gave a notice up, as the Office's list of failed notices says it: what happened
/// and what to do before resending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeFailure {
    /// The mail service refused this message for good (SES `MessageRejected`, an SMTP 5xx): the
    /// address, or the sender's settings, which the service's answer does not tell apart.
    Refused,
    /// The notice could not be composed (its template), or this system could not form the email
    /// (`MailError::Invalid`: its sender, its display name) or is set up wrong: the maintainers'.
    Misconfigured,
    /// The mail service failed every one of the outbox's attempts (`MAX_SEND_ATTEMPTS`).
    Unavailable,
    /// Still unsent when its due date left the redrive window.
    Overdue,
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

/// An email owed to someone, written in the same transaction as the change that owes it
/// (transactional outbox); `notify` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notice {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub status: NoticeStatus,
    pub recipient: String,
    /// Who the recipient is (the applicant, the Office ...).
    pub audience: Recipient,
    pub kind: NoticeKind,
    /// The application it is about, if any.
    #[schemars(with = "Option<String>")]
    pub application_id: Option<Ulid>,
    pub data: BTreeMap<String, String>,
    /// The China date the notice was due; while it is pending or sending it is listed under
    /// GSI2 `DUE#<due>` so the scheduled redrive finds it.
    pub due: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub claimed_at: Option<DateTime<Utc>>,
    pub next_attempt_after: Option<DateTime<Utc>>,
    /// The last failure as the adapters describe it (service code, message, request id), for the
    /// maintainers and the logs; never shown to the Office, which reads `failure`.
    pub last_error: Option<String>,
    /// Why the outbox gave the notice up; `None` unless `status` is `failed` (and on notices given
    /// up before this was recorded).
    #[serde(default)]
    pub failure: Option<NoticeFailure>,
    pub sent_at: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
    /// Sends whose outcome was never confirmed: SES took the request but its answer was lost, or a
    /// claim was taken over from a sender that died. A later send may deliver a second copy, and
    /// is logged as such (`notices::POSSIBLE_DUPLICATE_LOG_MARKER`).
    #[serde(default)]
    pub unconfirmed_sends: u32,
}

impl Record for Notice {
    const TYPE: &'static str = item_type::NOTICE;
    fn keys(&self) -> ItemKeys {
        let keys = match self.status {
            NoticeStatus::Pending | NoticeStatus::Sending => {
                keys::notice_item_keys(self.id, Some(self.due))
            }
            NoticeStatus::Failed => keys::failed_notice_item_keys(self.id, self.created_at),
            NoticeStatus::Sent => keys::notice_item_keys(self.id, None),
        };
        // Listed under its application whatever its status, for the timeline of what was sent.
        match self.application_id {
            Some(application) => keys.with_gsi1(
                keys::application_notices_partition(application),
                keys::application_notice_sort(self.created_at, self.id),
            ),
            None => keys,
        }
    }
}

/// A new opaque id whose time part is `now` (ids sort by creation; the clock is never read here).
pub fn new_id(now: DateTime<Utc>) -> Ulid {
    Ulid::from_datetime(now.into())
}

// --- expert review (Arts. 8, 9(2), 11(5)–(7), 19, 20) -------------------------------------------

/// A review phase: the document review (资料评审, Art. 11(5)) or the on-site review (现场评审,
/// Art. 11(6)). Each has its own panels, score sheets and aggregated result.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReviewPhase {
    Document,
    Onsite,
}

impl ReviewPhase {
    pub const ALL: [ReviewPhase; 2] = [Self::Document, Self::Onsite];

    /// The serde name, used inside table keys and paths.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Document => "document",
            Self::Onsite => "onsite",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|phase| phase.as_str() == text)
    }

    /// The Chinese name, for notices and exports.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Document => "资料评审",
            Self::Onsite => "现场评审",
        }
    }

    /// The state an application waits in while this phase's panel scores it.
    pub fn scoring_state(self) -> ApplicationState {
        match self {
            Self::Document => ApplicationState::Eligible,
            Self::Onsite => ApplicationState::Shortlisted,
        }
    }
}

/// One consensus score the panel leader recorded for a disputed item (Art. 11(5)–(6)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConsensusEntry {
    /// Percentage of the item's points, in 5 % steps.
    pub percent: u8,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Art. 11(6): the on-site visit as the Office recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OnsiteVisit {
    /// China date of the visit.
    pub date: NaiveDate,
    pub notes: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// Art. 11(6): the customer/public satisfaction survey of one applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SatisfactionSurvey {
    /// 0–100, in hundredths (`Centi`).
    pub score: award_domain::rules::Centi,
    pub respondents: u32,
    pub method: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// One phase's review of one application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhaseReview {
    /// The last aggregation of the counted sheets, with the consensus applied.
    #[serde(default)]
    pub result: Option<award_domain::scoring::ReviewResult>,
    /// Item id → the leader's consensus.
    #[serde(default)]
    pub consensus: BTreeMap<String, ConsensusEntry>,
    #[serde(default)]
    pub aggregated_at: Option<DateTime<Utc>>,
    /// When the leader was asked for a consensus (the notice is owed once).
    #[serde(default)]
    pub consensus_requested_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub visit: Option<OnsiteVisit>,
    #[serde(default)]
    pub survey: Option<SatisfactionSurvey>,
}

/// Art. 19: an expert's standing in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ExpertStatus {
    Active,
    /// Not drawn for now; keeps its assignments.
    Suspended {
        reason: String,
    },
    /// Art. 19: its unsubmitted assignments were withdrawn and its submitted scores excluded.
    Disqualified {
        reason: String,
        at: DateTime<Utc>,
    },
}

/// An expert of the pool (Arts. 8, 9(2)) as the Office keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Expert {
    #[schemars(with = "String")]
    pub id: Ulid,
    #[serde(flatten)]
    pub profile: award_domain::review::ExpertProfile,
    /// The token subject the expert signs in with.
    pub account: String,
    #[serde(flatten)]
    pub status: ExpertStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Expert {
    pub fn is_active(&self) -> bool {
        matches!(self.status, ExpertStatus::Active)
    }
}

impl Record for Expert {
    const TYPE: &'static str = item_type::EXPERT;
    fn keys(&self) -> ItemKeys {
        keys::expert_item_keys(self.id)
    }
}

/// One account is one expert: the item whose existence makes it so, and the way from a token
/// subject to the expert (one `GetItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpertAccount {
    pub account: String,
    #[schemars(with = "String")]
    pub expert_id: Ulid,
}

impl Record for ExpertAccount {
    const TYPE: &'static str = item_type::EXPERT_ACCOUNT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::expert_account(&self.account))
    }
}

/// Where an assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// Drawn; the expert sees only the organisation's name until it declares (Art. 19).
    Assigned,
    /// No conflict declared and the confidentiality pledge accepted: the evidence is open to it
    /// and it scores (a draft sheet).
    Accepted,
    /// Its sheet is final (until the Office reopens it).
    Submitted,
    /// Off the panel: a declared conflict, the Office's change, or disqualification.
    Withdrawn,
}

/// Art. 19: what the expert declared before seeing the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Declaration {
    pub conflict: bool,
    pub reason: Option<String>,
    /// The confidentiality pledge (保密承诺) was accepted.
    pub pledge: bool,
    pub at: DateTime<Utc>,
}

/// The Office reopened a submitted sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reopening {
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One expert on one application's panel in one phase, with its score sheet (Arts. 11(5)–(6),
/// 19). Each expert writes only its own item, so concurrent scoring never collides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assignment {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub cycle_id: String,
    pub phase: ReviewPhase,
    #[schemars(with = "String")]
    pub expert_id: Ulid,
    pub expert_account: String,
    /// What the expert may know before its declaration.
    pub organisation_name: String,
    /// The panel leader records the consensus (Art. 11(5)–(6)).
    pub leader: bool,
    pub status: AssignmentStatus,
    /// How it came about: `draw` (with `seed`) or `office`.
    pub assigned_by: String,
    pub seed: Option<u64>,
    pub assigned_at: DateTime<Utc>,
    pub declaration: Option<Declaration>,
    /// Rubric item id → percentage (5 % steps); a draft until submitted.
    #[serde(default)]
    pub items: BTreeMap<String, u8>,
    /// GB/T 19580 category id → the expert's comment.
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Art. 19: the sheet of a disqualified expert no longer counts.
    #[serde(default)]
    pub excluded: bool,
    pub withdrawn_reason: Option<String>,
    #[serde(default)]
    pub reopenings: Vec<Reopening>,
    pub updated_at: DateTime<Utc>,
}

impl Assignment {
    /// Whether its sheet counts towards the panel's result (Art. 19: not a withdrawn or
    /// disqualified expert's).
    pub fn counts(&self) -> bool {
        self.status != AssignmentStatus::Withdrawn && !self.excluded
    }
}

impl Record for Assignment {
    const TYPE: &'static str = item_type::ASSIGNMENT;
    fn keys(&self) -> ItemKeys {
        keys::assignment_item_keys(
            self.application_id,
            &self.cycle_id,
            self.phase.as_str(),
            self.expert_id,
        )
    }
}

/// A certificate number is given once (Art. 12): the item whose existence says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CertificateGuard {
    pub number: String,
    #[schemars(with = "String")]
    pub application_id: Ulid,
}

impl Record for CertificateGuard {
    const TYPE: &'static str = item_type::CERTIFICATE_GUARD;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::certificate_guard(&self.number))
    }
}

/// Who an attachment belongs to: a public objection's evidence (Art. 3), or a cycle's Committee
/// minutes (Art. 11(8)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttachmentOwner {
    Objection {
        #[schemars(with = "String")]
        objection_id: Ulid,
        cycle_id: String,
    },
    Minutes {
        cycle_id: String,
    },
    /// Evidence of a revocation case (Arts. 17, 18).
    RevocationCase {
        #[schemars(with = "String")]
        case_id: Ulid,
    },
}

impl AttachmentOwner {
    /// The partition its audit records go to.
    pub fn audit_partition(&self) -> String {
        match self {
            Self::Objection { objection_id, .. } => format!("OBJECTION#{objection_id}"),
            Self::Minutes { cycle_id } => keys::cycle_partition(cycle_id),
            Self::RevocationCase { case_id } => format!("CASE#{case_id}"),
        }
    }
}

/// A file that is not an applicant's evidence: declared (upload link issued), then received or
/// rejected by `upload-received` on the same checks as evidence (size, type, SHA-256). Stored at
/// `attachments/<id>`; only the Office (and, for minutes, the Committee) downloads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attachment {
    #[schemars(with = "String")]
    pub id: Ulid,
    pub owner: AttachmentOwner,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub status: DocumentStatus,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub checked_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_object: Option<CheckedObject>,
}

impl Attachment {
    pub fn object_key(&self) -> String {
        keys::attachment_object_key(self.id)
    }
}

impl Record for Attachment {
    const TYPE: &'static str = item_type::ATTACHMENT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::attachment(self.id))
    }
}

// --- aftercare (Arts. 5, 16, 17, 18) ------------------------------------------------------------

/// The `reminders` run's progress: every dated item up to `last_completed_day` (China date) was
/// handled; the next run starts the day after, so a missed day is caught up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AftercareWatermark {
    pub last_completed_day: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

impl Record for AftercareWatermark {
    const TYPE: &'static str = item_type::AFTERCARE_WATERMARK;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::aftercare_watermark())
    }
}

/// The Office's aftercare policy as stored (`PUT /aftercare/policy`); the award reads it to
/// schedule its reminders and visits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AftercarePolicyRecord {
    pub policy: award_domain::award::AftercarePolicy,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

impl Record for AftercarePolicyRecord {
    const TYPE: &'static str = item_type::AFTERCARE_POLICY;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::aftercare_policy())
    }
}

/// How the public reaches the Committee Office (Arts. 3, 11(8)): printed by the publicity notice
/// and the public pages beside how to object. Empty texts are details not given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeContact {
    /// A telephone number as it is dialled, e.g. `0935-2212345`.
    pub phone: String,
    /// The postal address with its postcode.
    pub postal_address: String,
    /// The mailbox objections and questions go to.
    pub mailbox: String,
}

/// The Office's contact details as stored (`PUT /settings/office-contact`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OfficeContactRecord {
    pub contact: OfficeContact,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

impl Record for OfficeContactRecord {
    const TYPE: &'static str = item_type::OFFICE_CONTACT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::office_contact())
    }
}

/// A follow-up visit to a winner (Art. 16, 定期巡访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FollowUpVisit {
    #[schemars(with = "String")]
    pub id: Ulid,
    /// SHA-256 (hex, 16 characters) of the date, the visitors in order, the findings and the
    /// documents: the item's key, so one record is one visit however often it is sent.
    pub fingerprint: String,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    /// China date of the visit.
    pub date: NaiveDate,
    pub visitors: Vec<String>,
    pub findings: String,
    /// The application's documents of category `visit_report` that record it.
    #[schemars(with = "Vec<String>")]
    pub document_ids: Vec<Ulid>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl Record for FollowUpVisit {
    const TYPE: &'static str = item_type::VISIT;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::visit(
            self.application_id,
            self.date,
            &self.fingerprint,
        ))
    }
}

/// Where a revocation case stands (Arts. 17, 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Opened by the Office; investigated; waiting for the Committee.
    Open,
    /// The Committee decided to revoke; waiting for the city government's approval.
    RevocationProposed,
    /// Approved: the award is revoked and the bar runs.
    Revoked,
    /// Closed without revocation (the Office's or the Committee's reason).
    Closed,
}

/// The Committee's decision on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseDecision {
    /// China date of the meeting.
    pub date: NaiveDate,
    pub minutes_reference: String,
    pub revoke: bool,
    pub reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// The city government's approval of a revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GovernmentApproval {
    /// China date of the approval: the revocation date, from which the bar runs.
    pub date: NaiveDate,
    /// e.g. 武政函〔2028〕12号.
    pub reference: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// The reward money returned (Art. 17), as the finance bureau records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RewardReturned {
    pub amount_fen: award_domain::money::Fen,
    /// China date the money was received.
    pub received_on: NaiveDate,
    /// The finance bureau's receipt reference.
    pub receipt: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// What Arts. 17, 18 reclaim, as it comes back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reclaim {
    /// China dates.
    pub plaque_returned_on: Option<NaiveDate>,
    pub certificate_returned_on: Option<NaiveDate>,
    /// Art. 17 only.
    pub reward: Option<RewardReturned>,
}

/// A revocation case against an award (Arts. 17, 18): opened by the Office with its ground and
/// facts, decided by the Committee, approved by the city government, then reclaimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RevocationCase {
    #[schemars(with = "String")]
    pub id: Ulid,
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub cycle_id: String,
    pub uscc: String,
    pub organisation_name: String,
    pub ground: award_domain::award::RevocationGround,
    pub facts: String,
    /// Attachments (`attachments/<id>`, owner `revocation_case`).
    #[schemars(with = "Vec<String>")]
    pub evidence: Vec<Ulid>,
    pub status: CaseStatus,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub decision: Option<CaseDecision>,
    pub approval: Option<GovernmentApproval>,
    /// Why the case closed without revocation.
    pub closing_reason: Option<String>,
    /// Who closed it without revocation, and when (UTC).
    #[serde(default)]
    pub closed_by: Option<String>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    pub reclaim: Reclaim,
}

impl Record for RevocationCase {
    const TYPE: &'static str = item_type::REVOCATION_CASE;
    fn keys(&self) -> ItemKeys {
        ItemKeys::primary(keys::revocation_case(self.id)).with_gsi1(
            keys::CASES.to_owned(),
            format!("{}#{}", keys::instant(self.opened_at), self.id),
        )
    }
}

/// A presigned request as the API returns it: send exactly these headers (names in lower case,
/// as HTTP/2 writes them; HTTP header names are case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Link {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub expires_at: DateTime<Utc>,
}

impl From<award_ports::PresignedRequest> for Link {
    fn from(request: award_ports::PresignedRequest) -> Self {
        Self {
            method: request.method,
            url: request.url,
            headers: request
                .headers
                .into_iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value))
                .collect(),
            expires_at: request.expires_at,
        }
    }
}
