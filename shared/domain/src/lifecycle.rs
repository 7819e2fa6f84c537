//! The application lifecycle: the stages of Art. 11, and after the award Arts. 5, 17, 18.

use crate::award::{
    AftercarePolicy, AwardError, Debarment, RevocationGround, Validity, reminder_dates, visit_dates,
};
use crate::calendar::{CalendarError, WorkingCalendar};
use crate::cycle::{Cycle, QuotaReached, check_quota};
use crate::eligibility::{Overall, Screening};
use crate::money::{AWARD_REWARD, Fen};
use crate::roles::{Actor, Role};
use crate::time::china_date;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Every stage an application can be in (Art. 11), plus the ends it can reach.
///
/// `Awarded` is the award while it is valid (Art. 5); it becomes `Expired` five years after
/// approval or `Revoked` (Art. 17 fraud, Art. 18 cause).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Art. 11(2): the applicant is filling in the form and self-assessment.
    Draft,
    /// Art. 11(2): submitted, waiting for the recommender's sign-off.
    Submitted,
    /// Art. 11(3): signed off by the industry department or county/district quality office.
    Recommended,
    /// Art. 11(4): passed the Office's eligibility check.
    Eligible,
    /// Art. 11(4): failed the eligibility check (final).
    Ineligible,
    /// Art. 11(5): document review done, waiting for the on-site shortlist.
    DocumentReviewed,
    /// Art. 11(5): selected for on-site review.
    Shortlisted,
    /// Art. 11(5): not selected for on-site review (final).
    NotShortlisted,
    /// Art. 11(6): on-site review and satisfaction survey done.
    OnsiteReviewed,
    /// Art. 11(7): on the candidate list from the combined evaluation.
    Candidate,
    /// Art. 11(8): on the Committee's proposed list.
    Proposed,
    /// Art. 11(8): published for public comment (≥ 5 working days).
    InPublicity,
    /// Art. 11(9): approved by the city government executive meeting.
    Approved,
    /// Art. 11(9), 12: commended and announced; the award is valid (Art. 5).
    Awarded,
    /// Art. 5: the five-year validity has ended.
    Expired,
    /// Art. 17 / 18: the award was revoked.
    Revoked,
    /// The applicant withdrew before the decision.
    Withdrawn,
    /// Rejected at a gate, with a reason (final).
    Rejected,
}

impl ApplicationState {
    pub const ALL: [ApplicationState; 18] = [
        Self::Draft,
        Self::Submitted,
        Self::Recommended,
        Self::Eligible,
        Self::Ineligible,
        Self::DocumentReviewed,
        Self::Shortlisted,
        Self::NotShortlisted,
        Self::OnsiteReviewed,
        Self::Candidate,
        Self::Proposed,
        Self::InPublicity,
        Self::Approved,
        Self::Awarded,
        Self::Expired,
        Self::Revoked,
        Self::Withdrawn,
        Self::Rejected,
    ];

    /// The snake_case name, identical to the serde form (used in table keys).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Recommended => "recommended",
            Self::Eligible => "eligible",
            Self::Ineligible => "ineligible",
            Self::DocumentReviewed => "document_reviewed",
            Self::Shortlisted => "shortlisted",
            Self::NotShortlisted => "not_shortlisted",
            Self::OnsiteReviewed => "onsite_reviewed",
            Self::Candidate => "candidate",
            Self::Proposed => "proposed",
            Self::InPublicity => "in_publicity",
            Self::Approved => "approved",
            Self::Awarded => "awarded",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Withdrawn => "withdrawn",
            Self::Rejected => "rejected",
        }
    }

    /// The stage's name as the notices and the pages say it (Art. 11).
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "填报中",
            Self::Submitted => "已提交，待推荐",
            Self::Recommended => "已推荐，待资格审查",
            Self::Eligible => "资格审查通过",
            Self::Ineligible => "资格审查未通过",
            Self::DocumentReviewed => "资料评审完成",
            Self::Shortlisted => "进入现场评审",
            Self::NotShortlisted => "未进入现场评审",
            Self::OnsiteReviewed => "现场评审完成",
            Self::Candidate => "候选获奖单位",
            Self::Proposed => "建议获奖单位",
            Self::InPublicity => "公示中",
            Self::Approved => "已审定",
            Self::Awarded => "已获奖",
            Self::Expired => "有效期已满",
            Self::Revoked => "已撤销",
            Self::Withdrawn => "已撤回",
            Self::Rejected => "未获通过",
        }
    }

    /// Whether the recommending unit's sealed recommendation page (盖章推荐页, Art. 11(3)) may be
    /// filed in this stage: from the recommendation until the candidate list goes to the
    /// Committee. Not before `recommended`: the page printed carries the opinion the unit signs
    /// online when it recommends, so there is nothing to seal before. Not only while the
    /// screening runs: a missing page never holds up the screening (it is an item the Office
    /// chases, `eligibility::items_to_chase`), so a page that arrives during the review must
    /// still be filed. Not from `proposed` on: the Committee deliberates a complete file (Art.
    /// 11(8)), and what it decided on is not added to afterwards. Never on a closed application
    /// (ineligible, not shortlisted, withdrawn, rejected): there is no one to chase it for. None
    /// of these states is the draft, so the page never makes the applicant's form editable.
    pub fn files_sealed_recommendation(self) -> bool {
        matches!(
            self,
            Self::Recommended
                | Self::Eligible
                | Self::DocumentReviewed
                | Self::Shortlisted
                | Self::OnsiteReviewed
                | Self::Candidate
        )
    }
}

impl std::fmt::Display for ApplicationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a notice goes to. The application layer resolves each to addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The applying organisation's contact.
    Applicant,
    /// The department or office that recommended (or was asked to recommend) the application.
    Recommender,
    /// The Committee Office (Art. 9).
    Office,
    /// The Review Committee (Art. 7).
    Committee,
    /// The public: a publication on the government portal and media (Arts. 3, 9(3), 11(8)–(9), 17, 18).
    Public,
    /// The city finance bureau, which pays and reclaims the reward (Arts. 13, 17).
    FinanceBureau,
    /// An expert of the pool, about its own assignment (Arts. 8, 11(5)–(6), 19).
    Expert,
    /// A member of the public who objected during publicity, at the email it gave (Art. 3).
    Objector,
}

/// What a notice says; the application layer keys its templates by [`NoticeKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A draft application was created (Art. 11(2)).
    ApplicationCreated,
    /// An evidence file was received and matched its declaration.
    DocumentReceived,
    /// An evidence file did not match its declaration and was deleted (Art. 19).
    DocumentRejected,
    /// Confirm a contact address before notices go to it.
    EmailConfirmation,
    /// Art. 9(3), 11(1): a published deadline was extended.
    DeadlineExtended,
    ApplicationSubmitted,
    RecommendationRequested,
    Recommended,
    RecommendationDeclined,
    Eligible,
    Ineligible,
    DocumentReviewCompleted,
    Shortlisted,
    NotShortlisted,
    OnsiteReviewCompleted,
    CandidateListed,
    NotSelected,
    CandidateForDeliberation,
    Proposed,
    PublicityStarted,
    /// Art. 11(8): the cycle's one publicity notice of every proposed name (the board).
    PublicityAnnouncement,
    /// Art. 11(8): a name on the published list was withdrawn or removed after an objection; the
    /// follow-up notice on the board (the list as published stays as it was).
    PublicityAmended,
    Approved,
    Awarded,
    /// Art. 11(9): the cycle's one announcement of every winner (the board).
    AwardAnnouncement,
    RewardPayable,
    ExpiryReminder,
    FollowUpVisitDue,
    Expired,
    Revoked,
    RevocationAnnouncement,
    ReclaimReward,
    /// Arts. 17, 18: a debarment has run its course; the organisation may apply again.
    DebarmentEnded,
    /// An expert was drawn for a review panel (Arts. 8, 11(5)–(6)).
    ExpertAssigned,
    /// An expert's assignment was withdrawn: a declared conflict, the Office's change or disqualification (Art. 19).
    AssignmentWithdrawn,
    /// An assigned expert declared a conflict of interest; the Office is told and a replacement drawn (Art. 19).
    ConflictDeclared,
    /// The Office reopened an expert's submitted scores, with its reason (Art. 11(5)–(6)).
    ScoresReopened,
    /// The panel's scores disagree on some items: the leader records a consensus (Art. 11(5)–(6)).
    ConsensusRequested,
    /// The on-site review's date, told to the applicant (Art. 11(6)).
    OnsiteVisitScheduled,
    /// The publicity period ended with no objection open: the Office may submit the name for approval (Art. 11(8)–(9)).
    PublicityClosed,
    /// An objection was lodged during publicity (Art. 3): the objector's receipt.
    ObjectionReceived,
    /// The same objection as the Office reads it: what to investigate and where (Art. 3).
    ObjectionToInvestigate,
    /// The publicity ended but an objection is still open: the Office is reminded each day until it decides (Art. 11(8)).
    ObjectionPending,
    /// The Office's answer to an objection (upheld or not), sent to the objector when it gave an email (Art. 3).
    ObjectionAnswered,
    Withdrawn,
    Rejected,
    /// Arts. 17, 18: the Office opened a revocation case against an award; the holder is told
    /// (the ground and the article) so that it can state its case.
    RevocationCaseOpened,
    /// Art. 7(3): the Committee decided a revocation case (to propose revocation to the city
    /// government, or not to revoke); the holder is told.
    RevocationCaseDecided,
    /// Art. 13: the finance bureau paid the reward; the winner is told the amount and the date.
    RewardPaid,
    /// Art. 3: one source address reached the day's limit of objections; the Office is told, so a
    /// town behind one carrier address is not silenced unnoticed.
    ObjectionLimitReached,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 50] = [
        Self::ApplicationCreated,
        Self::DocumentReceived,
        Self::DocumentRejected,
        Self::EmailConfirmation,
        Self::DeadlineExtended,
        Self::ApplicationSubmitted,
        Self::RecommendationRequested,
        Self::Recommended,
        Self::RecommendationDeclined,
        Self::Eligible,
        Self::Ineligible,
        Self::DocumentReviewCompleted,
        Self::Shortlisted,
        Self::NotShortlisted,
        Self::OnsiteReviewCompleted,
        Self::CandidateListed,
        Self::NotSelected,
        Self::CandidateForDeliberation,
        Self::Proposed,
        Self::PublicityStarted,
        Self::PublicityAnnouncement,
        Self::PublicityAmended,
        Self::Approved,
        Self::Awarded,
        Self::AwardAnnouncement,
        Self::RewardPayable,
        Self::ExpiryReminder,
        Self::FollowUpVisitDue,
        Self::Expired,
        Self::Revoked,
        Self::RevocationAnnouncement,
        Self::ReclaimReward,
        Self::DebarmentEnded,
        Self::ExpertAssigned,
        Self::AssignmentWithdrawn,
        Self::ConflictDeclared,
        Self::ScoresReopened,
        Self::ConsensusRequested,
        Self::OnsiteVisitScheduled,
        Self::PublicityClosed,
        Self::ObjectionReceived,
        Self::ObjectionToInvestigate,
        Self::ObjectionPending,
        Self::ObjectionAnswered,
        Self::Withdrawn,
        Self::Rejected,
        Self::RevocationCaseOpened,
        Self::RevocationCaseDecided,
        Self::RewardPaid,
        Self::ObjectionLimitReached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApplicationCreated => "application_created",
            Self::DocumentReceived => "document_received",
            Self::DocumentRejected => "document_rejected",
            Self::EmailConfirmation => "email_confirmation",
            Self::DeadlineExtended => "deadline_extended",
            Self::ApplicationSubmitted => "application_submitted",
            Self::RecommendationRequested => "recommendation_requested",
            Self::Recommended => "recommended",
            Self::RecommendationDeclined => "recommendation_declined",
            Self::Eligible => "eligible",
            Self::Ineligible => "ineligible",
            Self::DocumentReviewCompleted => "document_review_completed",
            Self::Shortlisted => "shortlisted",
            Self::NotShortlisted => "not_shortlisted",
            Self::OnsiteReviewCompleted => "onsite_review_completed",
            Self::CandidateListed => "candidate_listed",
            Self::NotSelected => "not_selected",
            Self::CandidateForDeliberation => "candidate_for_deliberation",
            Self::Proposed => "proposed",
            Self::PublicityStarted => "publicity_started",
            Self::PublicityAnnouncement => "publicity_announcement",
            Self::PublicityAmended => "publicity_amended",
            Self::Approved => "approved",
            Self::Awarded => "awarded",
            Self::AwardAnnouncement => "award_announcement",
            Self::RewardPayable => "reward_payable",
            Self::ExpiryReminder => "expiry_reminder",
            Self::FollowUpVisitDue => "follow_up_visit_due",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::RevocationAnnouncement => "revocation_announcement",
            Self::ReclaimReward => "reclaim_reward",
            Self::DebarmentEnded => "debarment_ended",
            Self::ExpertAssigned => "expert_assigned",
            Self::AssignmentWithdrawn => "assignment_withdrawn",
            Self::ConflictDeclared => "conflict_declared",
            Self::ScoresReopened => "scores_reopened",
            Self::ConsensusRequested => "consensus_requested",
            Self::OnsiteVisitScheduled => "onsite_visit_scheduled",
            Self::PublicityClosed => "publicity_closed",
            Self::ObjectionReceived => "objection_received",
            Self::ObjectionToInvestigate => "objection_to_investigate",
            Self::ObjectionPending => "objection_pending",
            Self::ObjectionAnswered => "objection_answered",
            Self::Withdrawn => "withdrawn",
            Self::Rejected => "rejected",
            Self::RevocationCaseOpened => "revocation_case_opened",
            Self::RevocationCaseDecided => "revocation_case_decided",
            Self::RewardPaid => "reward_paid",
            Self::ObjectionLimitReached => "objection_limit_reached",
        }
    }
}

/// Dated work the application layer stores as scheduled items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleKind {
    /// Art. 11(8): the day after the publicity's last day, when approval may proceed.
    PublicityEnded,
    /// Art. 5: a reminder before expiry (to the holder and the Office).
    ExpiryReminder,
    /// Art. 16: a follow-up visit is due (to the Office).
    FollowUpVisit,
    /// Art. 5: the first day the award is no longer valid; the `Expire` command is due.
    Expiry,
    /// Arts. 17, 18: the first day after a debarment; the organisation and the Office are told.
    DebarmentEnd,
}

impl ScheduleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PublicityEnded => "publicity_ended",
            Self::ExpiryReminder => "expiry_reminder",
            Self::FollowUpVisit => "follow_up_visit",
            Self::Expiry => "expiry",
            Self::DebarmentEnd => "debarment_end",
        }
    }
}

/// What a decision owes the world. Every notice is here, so no caller can forget one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    StateChanged {
        from: ApplicationState,
        to: ApplicationState,
    },
    Notice {
        to: Recipient,
        notice: NoticeKind,
    },
    Scheduled {
        kind: ScheduleKind,
        date: NaiveDate,
    },
}

/// The gate at which an application was turned down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "RejectionGate")]
pub enum Gate {
    Recommendation,
    CombinedEvaluation,
    Committee,
    Publicity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rejection {
    pub gate: Gate,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Art. 11(8): the publicity window, both days inclusive (China dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Publicity {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// Arts. 12–13: what was awarded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AwardRecord {
    pub certificate_number: String,
    pub reward: Fen,
    pub awarded_at: DateTime<Utc>,
}

/// The decision-relevant record of one application: the state and what the rules need to remember.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Lifecycle {
    pub state: ApplicationState,
    /// The applicant's subject; only they submit or withdraw.
    pub owner: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub recommended_by: Option<String>,
    pub screening: Option<Screening>,
    pub rejection: Option<Rejection>,
    pub publicity: Option<Publicity>,
    pub validity: Option<Validity>,
    pub award: Option<AwardRecord>,
    pub revocation: Option<Debarment>,
}

impl Lifecycle {
    pub fn new_draft(owner: impl Into<String>) -> Self {
        Self {
            state: ApplicationState::Draft,
            owner: owner.into(),
            submitted_at: None,
            recommended_by: None,
            screening: None,
            rejection: None,
            publicity: None,
            validity: None,
            award: None,
            revocation: None,
        }
    }
}

/// A request to move an application on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Art. 11(2), applicant.
    Submit,
    /// Art. 11(3), recommender.
    Recommend,
    /// Art. 11(3), recommender.
    DeclineRecommendation { reason: String },
    /// Art. 11(4), office: the screening must be settled (no "needs review" left).
    RecordEligibility { screening: Screening },
    /// Art. 11(5), office: the document review is final (scores recorded, consensus reached).
    CompleteDocumentReview,
    /// Art. 11(5), office.
    DecideShortlist { shortlisted: bool },
    /// Art. 11(6), office: on-site review and satisfaction survey done.
    CompleteOnsiteReview,
    /// Art. 11(7), office: on the candidate list or not.
    DecideCandidacy { candidate: bool },
    /// Art. 11(8), committee: put on the proposed list.
    Propose,
    /// Art. 11(8), office: publish for public comment from `first_day`.
    StartPublicity { first_day: NaiveDate },
    /// Art. 11(9), office records the executive meeting's approval.
    Approve { approved_on: NaiveDate },
    /// Arts. 11(9), 12, office: commend, announce, pay.
    Award { certificate_number: String },
    /// Art. 5, system or office: the validity has ended.
    Expire,
    /// Arts. 17, 18, office records the revocation decided by the city government.
    Revoke {
        ground: RevocationGround,
        revoked_on: NaiveDate,
    },
    /// Art. 11(3), system (the scheduled job) or office: the recommendation deadline passed
    /// while the application was still waiting for its recommendation.
    CloseUnrecommended,
    /// Applicant, before approval.
    Withdraw { reason: String },
    /// Reject at a gate with a reason: committee at `candidate`, office at `proposed` and
    /// `in_publicity` (vice-mayors' opinions, a comment upheld, the executive meeting's refusal).
    Reject { reason: String },
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Recommend => "recommend",
            Self::DeclineRecommendation { .. } => "decline_recommendation",
            Self::RecordEligibility { .. } => "record_eligibility",
            Self::CompleteDocumentReview => "complete_document_review",
            Self::DecideShortlist { .. } => "decide_shortlist",
            Self::CompleteOnsiteReview => "complete_onsite_review",
            Self::DecideCandidacy { .. } => "decide_candidacy",
            Self::Propose => "propose",
            Self::StartPublicity { .. } => "start_publicity",
            Self::Approve { .. } => "approve",
            Self::Award { .. } => "award",
            Self::Expire => "expire",
            Self::Revoke { .. } => "revoke",
            Self::CloseUnrecommended => "close_unrecommended",
            Self::Withdraw { .. } => "withdraw",
            Self::Reject { .. } => "reject",
        }
    }
}

/// Everything else a decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub cycle: &'a Cycle,
    pub calendar: &'a WorkingCalendar,
    /// Art. 4: awards already approved in this cycle (approved, awarded, expired or revoked),
    /// counted by the storage layer in the same atomic step as the approval it guards.
    pub approved_in_cycle: u32,
    pub aftercare: &'a AftercarePolicy,
}

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransitionError {
    #[error("cannot {command} an application that is {state}")]
    Illegal {
        state: ApplicationState,
        command: String,
    },
    #[error("{command} in state {state} needs the {required} role")]
    Forbidden {
        state: ApplicationState,
        command: String,
        required: Role,
    },
    #[error("only the applicant who owns the application may {command}")]
    NotOwner { command: String },
    #[error("a reason is required to {command}")]
    MissingReason { command: String },
    #[error("{command}: the deadline {deadline} has passed")]
    DeadlinePassed {
        command: String,
        deadline: NaiveDate,
    },
    #[error("{command}: the deadline {deadline} has not passed yet")]
    DeadlineNotPassed {
        command: String,
        deadline: NaiveDate,
    },
    #[error("the screening still has conditions that need review")]
    ScreeningUnsettled,
    #[error("the screening is as of {as_of}, not the application deadline {deadline}")]
    ScreeningDate {
        as_of: NaiveDate,
        deadline: NaiveDate,
    },
    #[error("the review rules are not frozen: no score has been recorded (Art. 20)")]
    NoScores,
    #[error("publicity cannot start in the past ({first_day} before {today})")]
    PublicityInPast {
        first_day: NaiveDate,
        today: NaiveDate,
    },
    #[error("publicity runs through {last_day}; {command} is possible from the next day")]
    PublicityRunning {
        command: String,
        last_day: NaiveDate,
    },
    #[error(transparent)]
    Quota(#[from] QuotaReached),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Award(#[from] AwardError),
    #[error("the award is valid through {last_valid_day}")]
    StillValid { last_valid_day: NaiveDate },
    #[error("a date in the future is not allowed here ({date} after {today})")]
    FutureDate { date: NaiveDate, today: NaiveDate },
    #[error("a certificate number is required")]
    MissingCertificate,
    #[error("the record is inconsistent: {what}")]
    Inconsistent { what: String },
}

/// The outcome of a decision: the new record and what it owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    pub lifecycle: Lifecycle,
    pub events: Vec<Event>,
}

use ApplicationState as S;

struct Step<'a> {
    current: &'a Lifecycle,
    command: &'a Command,
    actor: &'a Actor,
}

impl Step<'_> {
    fn illegal(&self) -> TransitionError {
        TransitionError::Illegal {
            state: self.current.state,
            command: self.command.name().into(),
        }
    }

    fn require(&self, role: Role) -> Result<(), TransitionError> {
        if self.actor.has(role) {
            Ok(())
        } else {
            Err(TransitionError::Forbidden {
                state: self.current.state,
                command: self.command.name().into(),
                required: role,
            })
        }
    }

    fn require_owner(&self) -> Result<(), TransitionError> {
        self.require(Role::Applicant)?;
        if self.actor.subject == self.current.owner {
            Ok(())
        } else {
            Err(TransitionError::NotOwner {
                command: self.command.name().into(),
            })
        }
    }

    fn reason(&self, reason: &str) -> Result<String, TransitionError> {
        let reason = reason.trim();
        if reason.is_empty() {
            Err(TransitionError::MissingReason {
                command: self.command.name().into(),
            })
        } else {
            Ok(reason.to_owned())
        }
    }
}

fn notice(to: Recipient, notice: NoticeKind) -> Event {
    Event::Notice { to, notice }
}

/// Decides one command: `(state, command, actor, now, rules) → (new state, events)`.
///
/// The actor's role is checked here; the events name every notice owed and to whom; an illegal
/// transition is [`TransitionError::Illegal`] naming the state and the command.
pub fn decide(
    current: &Lifecycle,
    command: &Command,
    actor: &Actor,
    now: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<Decision, TransitionError> {
    use NoticeKind as N;
    use Recipient as R;
    let step = Step {
        current,
        command,
        actor,
    };
    let today = china_date(now);
    let cycle = context.cycle;
    let mut next = current.clone();
    let mut events = Vec::new();
    let to = match (current.state, command) {
        // Art. 11(2)
        (S::Draft, Command::Submit) => {
            step.require_owner()?;
            if !cycle.accepts_applications(now) {
                return Err(TransitionError::DeadlinePassed {
                    command: command.name().into(),
                    deadline: cycle.application_deadline,
                });
            }
            next.submitted_at = Some(now);
            events.push(notice(R::Applicant, N::ApplicationSubmitted));
            events.push(notice(R::Recommender, N::RecommendationRequested));
            events.push(notice(R::Office, N::ApplicationSubmitted));
            S::Submitted
        }
        // Art. 11(3)
        (S::Submitted, Command::Recommend) => {
            step.require(Role::Recommender)?;
            if !cycle.accepts_recommendations(now) {
                return Err(TransitionError::DeadlinePassed {
                    command: command.name().into(),
                    deadline: cycle.recommendation_deadline,
                });
            }
            next.recommended_by = Some(actor.subject.clone());
            events.push(notice(R::Applicant, N::Recommended));
            events.push(notice(R::Office, N::Recommended));
            S::Recommended
        }
        (S::Submitted, Command::DeclineRecommendation { reason }) => {
            step.require(Role::Recommender)?;
            let reason = step.reason(reason)?;
            next.rejection = Some(Rejection {
                gate: Gate::Recommendation,
                reason,
                by: actor.subject.clone(),
                at: now,
            });
            events.push(notice(R::Applicant, N::RecommendationDeclined));
            events.push(notice(R::Office, N::RecommendationDeclined));
            S::Rejected
        }
        (S::Submitted, Command::CloseUnrecommended) => {
            if !actor.has(Role::System) {
                step.require(Role::Office)?;
            }
            if today <= cycle.recommendation_deadline {
                return Err(TransitionError::DeadlineNotPassed {
                    command: command.name().into(),
                    deadline: cycle.recommendation_deadline,
                });
            }
            next.rejection = Some(Rejection {
                gate: Gate::Recommendation,
                reason: "推荐截止日期前未获推荐单位推荐（办法第十一条第三项）".into(),
                by: actor.subject.clone(),
                at: now,
            });
            events.push(notice(R::Applicant, N::Rejected));
            events.push(notice(R::Recommender, N::Rejected));
            events.push(notice(R::Office, N::Rejected));
            S::Rejected
        }
        // Art. 10, 11(4)
        (S::Recommended, Command::RecordEligibility { screening }) => {
            step.require(Role::Office)?;
            if screening.as_of != cycle.application_deadline {
                return Err(TransitionError::ScreeningDate {
                    as_of: screening.as_of,
                    deadline: cycle.application_deadline,
                });
            }
            let to = match screening.overall() {
                Overall::NeedsReview => return Err(TransitionError::ScreeningUnsettled),
                Overall::Eligible => {
                    events.push(notice(R::Applicant, N::Eligible));
                    S::Eligible
                }
                Overall::Ineligible => {
                    events.push(notice(R::Applicant, N::Ineligible));
                    events.push(notice(R::Recommender, N::Ineligible));
                    // Issue 8: the Office is copied on every refusal it confirmed.
                    events.push(notice(R::Office, N::Ineligible));
                    S::Ineligible
                }
            };
            next.screening = Some(screening.clone());
            to
        }
        // Art. 11(5); Art. 20: a review is only complete once scores exist, which froze the rules.
        (S::Eligible, Command::CompleteDocumentReview) => {
            // The `aggregate` function completes it when the panel's result is final.
            if !actor.has(Role::System) {
                step.require(Role::Office)?;
            }
            if cycle.rules_frozen_at.is_none() {
                return Err(TransitionError::NoScores);
            }
            events.push(notice(R::Applicant, N::DocumentReviewCompleted));
            S::DocumentReviewed
        }
        (S::DocumentReviewed, Command::DecideShortlist { shortlisted }) => {
            step.require(Role::Office)?;
            if *shortlisted {
                events.push(notice(R::Applicant, N::Shortlisted));
                events.push(notice(R::Recommender, N::Shortlisted));
                S::Shortlisted
            } else {
                events.push(notice(R::Applicant, N::NotShortlisted));
                S::NotShortlisted
            }
        }
        // Art. 11(6)
        (S::Shortlisted, Command::CompleteOnsiteReview) => {
            if !actor.has(Role::System) {
                step.require(Role::Office)?;
            }
            events.push(notice(R::Applicant, N::OnsiteReviewCompleted));
            S::OnsiteReviewed
        }
        // Art. 11(7)
        (S::OnsiteReviewed, Command::DecideCandidacy { candidate }) => {
            step.require(Role::Office)?;
            if *candidate {
                events.push(notice(R::Applicant, N::CandidateListed));
                events.push(notice(R::Committee, N::CandidateForDeliberation));
                S::Candidate
            } else {
                next.rejection = Some(Rejection {
                    gate: Gate::CombinedEvaluation,
                    reason: "综合评价结果未列入候选获奖名单（办法第十一条第七项）".into(),
                    by: actor.subject.clone(),
                    at: now,
                });
                events.push(notice(R::Applicant, N::NotSelected));
                S::Rejected
            }
        }
        // Art. 11(8)
        (S::Candidate, Command::Propose) => {
            step.require(Role::Committee)?;
            events.push(notice(R::Office, N::Proposed));
            events.push(notice(R::Applicant, N::Proposed));
            S::Proposed
        }
        (S::Proposed, Command::StartPublicity { first_day }) => {
            step.require(Role::Office)?;
            if *first_day < today {
                return Err(TransitionError::PublicityInPast {
                    first_day: *first_day,
                    today,
                });
            }
            let days = cycle
                .rules
                .publicity_working_days
                .max(crate::rules::MIN_PUBLICITY_WORKING_DAYS);
            let last_day = context.calendar.publicity_last_day(*first_day, days)?;
            next.publicity = Some(Publicity {
                first_day: *first_day,
                last_day,
            });
            // The public reads ONE notice listing every proposed name, issued with the cycle's
            // publicity (the application layer's cycle step), never one notice per name.
            events.push(notice(R::Applicant, N::PublicityStarted));
            events.push(Event::Scheduled {
                kind: ScheduleKind::PublicityEnded,
                date: last_day.succ_opt().ok_or(CalendarError::OutOfRange)?,
            });
            S::InPublicity
        }
        // Art. 11(9); Art. 4 quota.
        (S::InPublicity, Command::Approve { approved_on }) => {
            step.require(Role::Office)?;
            let publicity = current
                .publicity
                .ok_or_else(|| TransitionError::Inconsistent {
                    what: "in publicity without a publicity window".into(),
                })?;
            if today <= publicity.last_day || *approved_on <= publicity.last_day {
                return Err(TransitionError::PublicityRunning {
                    command: command.name().into(),
                    last_day: publicity.last_day,
                });
            }
            if *approved_on > today {
                return Err(TransitionError::FutureDate {
                    date: *approved_on,
                    today,
                });
            }
            check_quota(context.approved_in_cycle, cycle.quota)?;
            next.validity = Some(Validity::from_approval(*approved_on)?);
            events.push(notice(R::Applicant, N::Approved));
            events.push(notice(R::Committee, N::Approved));
            S::Approved
        }
        // Arts. 11(9), 12, 13, 14, 5, 16
        (S::Approved, Command::Award { certificate_number }) => {
            step.require(Role::Office)?;
            if certificate_number.trim().is_empty() {
                return Err(TransitionError::MissingCertificate);
            }
            let validity = current
                .validity
                .ok_or_else(|| TransitionError::Inconsistent {
                    what: "approved without a validity".into(),
                })?;
            next.award = Some(AwardRecord {
                certificate_number: certificate_number.trim().into(),
                reward: AWARD_REWARD,
                awarded_at: now,
            });
            // The award notice states the Art. 14 restrictions (the template's job).
            // The public reads the cycle's ONE announcement of every winner, which the Office
            // issues once the names are awarded (the application layer's cycle step).
            events.push(notice(R::Applicant, N::Awarded));
            events.push(notice(R::FinanceBureau, N::RewardPayable));
            events.push(notice(R::Recommender, N::Awarded));
            for date in reminder_dates(&validity, context.aftercare) {
                events.push(Event::Scheduled {
                    kind: ScheduleKind::ExpiryReminder,
                    date,
                });
            }
            for date in visit_dates(&validity, context.aftercare) {
                events.push(Event::Scheduled {
                    kind: ScheduleKind::FollowUpVisit,
                    date,
                });
            }
            events.push(Event::Scheduled {
                kind: ScheduleKind::Expiry,
                date: validity.may_apply_again_from,
            });
            S::Awarded
        }
        // Art. 5
        (S::Awarded, Command::Expire) => {
            if !actor.has(Role::System) {
                step.require(Role::Office)?;
            }
            let validity = current
                .validity
                .ok_or_else(|| TransitionError::Inconsistent {
                    what: "awarded without a validity".into(),
                })?;
            if validity.covers(today) {
                return Err(TransitionError::StillValid {
                    last_valid_day: validity.last_valid_day,
                });
            }
            events.push(notice(R::Applicant, N::Expired));
            events.push(notice(R::Office, N::Expired));
            S::Expired
        }
        // Arts. 17, 18: fraud at any time; a cause only if it occurred within the 5 years.
        (S::Awarded | S::Expired, Command::Revoke { ground, revoked_on }) => {
            step.require(Role::Office)?;
            if *revoked_on > today {
                return Err(TransitionError::FutureDate {
                    date: *revoked_on,
                    today,
                });
            }
            let validity = current
                .validity
                .ok_or_else(|| TransitionError::Inconsistent {
                    what: "awarded without a validity".into(),
                })?;
            let debarment = Debarment::for_revocation(*ground, *revoked_on, &validity)?;
            next.revocation = Some(debarment);
            events.push(Event::Scheduled {
                kind: ScheduleKind::DebarmentEnd,
                date: debarment.may_apply_again_from,
            });
            events.push(notice(R::Applicant, N::Revoked));
            events.push(notice(R::Public, N::RevocationAnnouncement));
            events.push(notice(R::Office, N::Revoked));
            if ground.reclaims_reward() {
                events.push(notice(R::FinanceBureau, N::ReclaimReward));
            }
            S::Revoked
        }
        (
            S::Draft
            | S::Submitted
            | S::Recommended
            | S::Eligible
            | S::DocumentReviewed
            | S::Shortlisted
            | S::OnsiteReviewed
            | S::Candidate
            | S::Proposed
            | S::InPublicity,
            Command::Withdraw { reason },
        ) => {
            step.require_owner()?;
            let _ = step.reason(reason)?;
            events.push(notice(R::Applicant, N::Withdrawn));
            if current.state != S::Draft {
                events.push(notice(R::Office, N::Withdrawn));
            }
            if current.state == S::Submitted || current.recommended_by.is_some() {
                events.push(notice(R::Recommender, N::Withdrawn));
            }
            if matches!(current.state, S::Candidate | S::Proposed | S::InPublicity) {
                events.push(notice(R::Committee, N::Withdrawn));
            }
            // The published list changes: the public is told by a follow-up notice, never by a
            // name silently dropped (Art. 11(8)).
            if current.state == S::InPublicity {
                events.push(notice(R::Public, N::PublicityAmended));
            }
            S::Withdrawn
        }
        (S::Candidate | S::Proposed | S::InPublicity, Command::Reject { reason }) => {
            let (role, gate) = match current.state {
                S::Candidate => (Role::Committee, Gate::Committee),
                S::Proposed => (Role::Office, Gate::Committee),
                _ => (Role::Office, Gate::Publicity),
            };
            step.require(role)?;
            let reason = step.reason(reason)?;
            next.rejection = Some(Rejection {
                gate,
                reason,
                by: actor.subject.clone(),
                at: now,
            });
            // Art. 11(8): a candidate the Committee leaves out is not selected, with the reason.
            let kind = if current.state == S::Candidate {
                N::NotSelected
            } else {
                N::Rejected
            };
            events.push(notice(R::Applicant, kind));
            events.push(notice(R::Office, kind));
            // The unit that recommended it answered for it (Art. 11(3)): it learns when its
            // applicant is turned down on the proposed list, after the publicity or at approval.
            if matches!(current.state, S::Proposed | S::InPublicity) {
                events.push(notice(R::Recommender, kind));
            }
            if current.state == S::InPublicity {
                events.push(notice(R::Public, N::PublicityAmended));
            }
            S::Rejected
        }
        _ => return Err(step.illegal()),
    };
    next.state = to;
    events.insert(
        0,
        Event::StateChanged {
            from: current.state,
            to,
        },
    );
    Ok(Decision {
        lifecycle: next,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sealed_recommendation_is_filed_from_the_recommendation_until_the_committee() {
        use ApplicationState as S;
        let open: Vec<_> = ApplicationState::ALL
            .into_iter()
            .filter(|state| state.files_sealed_recommendation())
            .collect();
        assert_eq!(
            open,
            vec![
                S::Recommended,
                S::Eligible,
                S::DocumentReviewed,
                S::Shortlisted,
                S::OnsiteReviewed,
                S::Candidate
            ]
        );
        // Never the draft (nothing becomes editable again), never before the unit signed.
        assert!(!S::Draft.files_sealed_recommendation());
        assert!(!S::Submitted.files_sealed_recommendation());
    }

    #[test]
    fn as_str_matches_serde() {
        for state in ApplicationState::ALL {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(
                serde_json::from_str::<ApplicationState>(&json).unwrap(),
                state
            );
        }
    }

    use crate::award::Art18Cause;
    use crate::cycle::tests::{at, committee, d, office, open_cycle};
    use crate::eligibility::{Condition, Outcome, Verdict};
    use proptest::prelude::*;

    fn applicant() -> Actor {
        Actor::new("applicant-1", [Role::Applicant])
    }
    fn recommender() -> Actor {
        Actor::new("liangzhou-qo", [Role::Recommender])
    }
    fn system() -> Actor {
        Actor::new("scheduler", [Role::System])
    }

    fn screening(outcome: Outcome) -> Screening {
        Screening {
            as_of: d(2026, 6, 30),
            verdicts: vec![Verdict {
                condition: Condition::Credit,
                outcome,
                reason: "r".into(),
                reason_zh: "理由".into(),
                article: Condition::Credit.article().into(),
                article_zh: Condition::Credit.article_zh().into(),
                settled: None,
            }],
        }
    }

    struct World {
        cycle: Cycle,
        aftercare: AftercarePolicy,
        approved: u32,
    }

    impl World {
        fn new() -> Self {
            let cycle = open_cycle()
                .freeze_rules(at("2026-08-01T00:00:00Z"))
                .unwrap();
            Self {
                cycle,
                aftercare: AftercarePolicy::default(),
                approved: 0,
            }
        }
        fn decide(
            &self,
            lifecycle: &Lifecycle,
            command: Command,
            actor: &Actor,
            now: &str,
        ) -> Result<Decision, TransitionError> {
            let context = Context {
                cycle: &self.cycle,
                calendar: WorkingCalendar::official().unwrap(),
                approved_in_cycle: self.approved,
                aftercare: &self.aftercare,
            };
            decide(lifecycle, &command, actor, at(now), &context)
        }
    }

    fn notices(decision: &Decision) -> Vec<(Recipient, NoticeKind)> {
        decision
            .events
            .iter()
            .filter_map(|event| match event {
                Event::Notice { to, notice } => Some((*to, *notice)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_application_still_waiting_after_the_recommendation_deadline_is_closed() {
        let world = World::new();
        let submitted = world
            .decide(
                &Lifecycle::new_draft("applicant-1"),
                Command::Submit,
                &applicant(),
                "2026-06-01T02:00:00Z",
            )
            .unwrap()
            .lifecycle;
        // 2026-07-15 is the recommendation deadline: still the recommender's day in China.
        assert_eq!(
            world.decide(
                &submitted,
                Command::CloseUnrecommended,
                &system(),
                "2026-07-15T15:59:59Z"
            ),
            Err(TransitionError::DeadlineNotPassed {
                command: "close_unrecommended".into(),
                deadline: d(2026, 7, 15)
            })
        );
        assert!(matches!(
            world.decide(
                &submitted,
                Command::CloseUnrecommended,
                &applicant(),
                "2026-07-16T02:00:00Z"
            ),
            Err(TransitionError::Forbidden { .. })
        ));
        let closed = world
            .decide(
                &submitted,
                Command::CloseUnrecommended,
                &system(),
                "2026-07-15T16:00:00Z",
            )
            .unwrap();
        assert_eq!(closed.lifecycle.state, ApplicationState::Rejected);
        let rejection = closed.lifecycle.rejection.clone().unwrap();
        assert_eq!(rejection.gate, Gate::Recommendation);
        assert_eq!(
            notices(&closed),
            vec![
                (Recipient::Applicant, NoticeKind::Rejected),
                (Recipient::Recommender, NoticeKind::Rejected),
                (Recipient::Office, NoticeKind::Rejected)
            ]
        );
        // A recommended application is not waiting: nothing to close.
        let recommended = world
            .decide(
                &submitted,
                Command::Recommend,
                &recommender(),
                "2026-07-01T02:00:00Z",
            )
            .unwrap()
            .lifecycle;
        assert!(matches!(
            world.decide(
                &recommended,
                Command::CloseUnrecommended,
                &system(),
                "2026-07-16T02:00:00Z"
            ),
            Err(TransitionError::Illegal { .. })
        ));
    }

    #[test]
    fn notice_kinds_are_listed_once_and_named_as_serde_names_them() {
        let names: std::collections::BTreeSet<_> =
            NoticeKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names.len(), NoticeKind::ALL.len());
        for kind in NoticeKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }

    /// Runs an application from draft to in publicity (publicity from Tue 2026-09-29).
    fn to_publicity(world: &World) -> Lifecycle {
        let steps: Vec<(Command, Actor, &str)> = vec![
            (Command::Submit, applicant(), "2026-06-01T02:00:00Z"),
            (Command::Recommend, recommender(), "2026-07-01T02:00:00Z"),
            (
                Command::RecordEligibility {
                    screening: screening(Outcome::Pass),
                },
                office(),
                "2026-07-20T02:00:00Z",
            ),
            (
                Command::CompleteDocumentReview,
                office(),
                "2026-08-10T02:00:00Z",
            ),
            (
                Command::DecideShortlist { shortlisted: true },
                office(),
                "2026-08-11T02:00:00Z",
            ),
            (
                Command::CompleteOnsiteReview,
                office(),
                "2026-09-01T02:00:00Z",
            ),
            (
                Command::DecideCandidacy { candidate: true },
                office(),
                "2026-09-10T02:00:00Z",
            ),
            (Command::Propose, committee(), "2026-09-20T02:00:00Z"),
            (
                Command::StartPublicity {
                    first_day: d(2026, 9, 29),
                },
                office(),
                "2026-09-28T02:00:00Z",
            ),
        ];
        let mut lifecycle = Lifecycle::new_draft("applicant-1");
        for (command, actor, now) in steps {
            let before = lifecycle.state;
            let decision = world
                .decide(&lifecycle, command.clone(), &actor, now)
                .unwrap();
            assert_eq!(
                decision.events[0],
                Event::StateChanged {
                    from: before,
                    to: decision.lifecycle.state
                }
            );
            assert!(
                !notices(&decision).is_empty(),
                "{} owes a notice",
                command.name()
            );
            lifecycle = decision.lifecycle;
        }
        lifecycle
    }

    #[test]
    fn the_art_11_path_from_draft_to_awarded() {
        let world = World::new();
        let lifecycle = to_publicity(&world);
        assert_eq!(lifecycle.state, S::InPublicity);
        // Across the National Day week: 29, 30 Sep, 8, 9, 10 Oct.
        assert_eq!(
            lifecycle.publicity,
            Some(Publicity {
                first_day: d(2026, 9, 29),
                last_day: d(2026, 10, 10)
            })
        );
        // Approval during the publicity is refused; the day after (China time) it is allowed.
        assert!(matches!(
            world.decide(
                &lifecycle,
                Command::Approve {
                    approved_on: d(2026, 10, 10)
                },
                &office(),
                "2026-10-10T10:00:00Z"
            ),
            Err(TransitionError::PublicityRunning { .. })
        ));
        let approved = world
            .decide(
                &lifecycle,
                Command::Approve {
                    approved_on: d(2026, 10, 20),
                },
                &office(),
                "2026-10-20T02:00:00Z",
            )
            .unwrap();
        assert_eq!(
            approved.lifecycle.validity.unwrap().last_valid_day,
            d(2031, 10, 20)
        );
        let awarded = world
            .decide(
                &approved.lifecycle,
                Command::Award {
                    certificate_number: "WWZLJ-2026-001".into(),
                },
                &office(),
                "2026-10-25T02:00:00Z",
            )
            .unwrap();
        let record = awarded.lifecycle.award.clone().unwrap();
        assert_eq!(record.reward, Fen(15_000_000));
        let owed = notices(&awarded);
        assert!(owed.contains(&(Recipient::Applicant, NoticeKind::Awarded)));
        // The cycle's one announcement lists every winner; no name has a notice of its own.
        assert!(!owed.iter().any(|(to, _)| *to == Recipient::Public));
        assert!(owed.contains(&(Recipient::FinanceBureau, NoticeKind::RewardPayable)));
        let scheduled: Vec<(ScheduleKind, NaiveDate)> = awarded
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Scheduled { kind, date } => Some((*kind, *date)),
                _ => None,
            })
            .collect();
        assert!(scheduled.contains(&(ScheduleKind::ExpiryReminder, d(2031, 9, 20))));
        assert!(scheduled.contains(&(ScheduleKind::FollowUpVisit, d(2027, 10, 20))));
        assert!(scheduled.contains(&(ScheduleKind::Expiry, d(2031, 10, 21))));
    }

    #[test]
    fn the_publicity_end_is_scheduled() {
        let world = World::new();
        let mut lifecycle = to_publicity(&world);
        lifecycle.state = S::Proposed;
        let decision = world
            .decide(
                &lifecycle,
                Command::StartPublicity {
                    first_day: d(2026, 2, 14),
                },
                &office(),
                "2026-02-13T02:00:00Z",
            )
            .unwrap();
        assert_eq!(
            decision.lifecycle.publicity.unwrap().last_day,
            d(2026, 2, 27)
        );
        assert!(decision.events.contains(&Event::Scheduled {
            kind: ScheduleKind::PublicityEnded,
            date: d(2026, 2, 28)
        }));
        // The cycle's one publicity notice lists every name; no name has a notice of its own.
        assert!(
            !notices(&decision)
                .iter()
                .any(|(to, _)| *to == Recipient::Public)
        );
        assert!(matches!(
            world.decide(
                &lifecycle,
                Command::StartPublicity {
                    first_day: d(2026, 2, 12)
                },
                &office(),
                "2026-02-13T02:00:00Z"
            ),
            Err(TransitionError::PublicityInPast { .. })
        ));
        // A publicity running into a year without a notice is an error, not a guess.
        assert!(matches!(
            world.decide(
                &lifecycle,
                Command::StartPublicity {
                    first_day: d(2026, 12, 29)
                },
                &office(),
                "2026-12-01T02:00:00Z"
            ),
            Err(TransitionError::Calendar(CalendarError::YearNotCovered {
                year: 2027,
                ..
            }))
        ));
    }

    #[test]
    fn an_illegal_transition_names_state_and_command() {
        let world = World::new();
        let draft = Lifecycle::new_draft("applicant-1");
        let error = world
            .decide(
                &draft,
                Command::Propose,
                &committee(),
                "2026-06-01T02:00:00Z",
            )
            .unwrap_err();
        assert_eq!(
            error,
            TransitionError::Illegal {
                state: S::Draft,
                command: "propose".into()
            }
        );
        assert_eq!(
            error.to_string(),
            "cannot propose an application that is draft"
        );
    }

    #[test]
    fn roles_and_ownership_are_checked() {
        let world = World::new();
        let draft = Lifecycle::new_draft("applicant-1");
        let other = Actor::new("applicant-2", [Role::Applicant]);
        assert_eq!(
            world.decide(&draft, Command::Submit, &other, "2026-06-01T02:00:00Z"),
            Err(TransitionError::NotOwner {
                command: "submit".into()
            })
        );
        assert!(matches!(
            world.decide(&draft, Command::Submit, &office(), "2026-06-01T02:00:00Z"),
            Err(TransitionError::Forbidden {
                required: Role::Applicant,
                ..
            })
        ));
        let submitted = world
            .decide(
                &draft,
                Command::Submit,
                &applicant(),
                "2026-06-01T02:00:00Z",
            )
            .unwrap()
            .lifecycle;
        assert!(matches!(
            world.decide(
                &submitted,
                Command::Recommend,
                &applicant(),
                "2026-07-01T02:00:00Z"
            ),
            Err(TransitionError::Forbidden {
                required: Role::Recommender,
                ..
            })
        ));
        let mut candidate = submitted.clone();
        candidate.state = S::Candidate;
        assert!(matches!(
            world.decide(
                &candidate,
                Command::Propose,
                &office(),
                "2026-09-01T02:00:00Z"
            ),
            Err(TransitionError::Forbidden {
                required: Role::Committee,
                ..
            })
        ));
    }

    #[test]
    fn deadlines_are_enforced() {
        let world = World::new();
        let draft = Lifecycle::new_draft("applicant-1");
        // 2026-07-01 00:30 in China: past the 30 June deadline.
        assert!(matches!(
            world.decide(
                &draft,
                Command::Submit,
                &applicant(),
                "2026-06-30T16:30:00Z"
            ),
            Err(TransitionError::DeadlinePassed { .. })
        ));
        let submitted = world
            .decide(
                &draft,
                Command::Submit,
                &applicant(),
                "2026-06-30T15:00:00Z",
            )
            .unwrap();
        let owed = notices(&submitted);
        assert!(owed.contains(&(Recipient::Recommender, NoticeKind::RecommendationRequested)));
        assert!(matches!(
            world.decide(
                &submitted.lifecycle,
                Command::Recommend,
                &recommender(),
                "2026-07-16T01:00:00Z"
            ),
            Err(TransitionError::DeadlinePassed { .. })
        ));
    }

    #[test]
    fn eligibility_needs_a_settled_screening() {
        let world = World::new();
        let mut recommended = Lifecycle::new_draft("applicant-1");
        recommended.state = S::Recommended;
        assert_eq!(
            world.decide(
                &recommended,
                Command::RecordEligibility {
                    screening: screening(Outcome::NeedsReview)
                },
                &office(),
                "2026-07-20T02:00:00Z"
            ),
            Err(TransitionError::ScreeningUnsettled)
        );
        let failed = world
            .decide(
                &recommended,
                Command::RecordEligibility {
                    screening: screening(Outcome::Fail),
                },
                &office(),
                "2026-07-20T02:00:00Z",
            )
            .unwrap();
        assert_eq!(failed.lifecycle.state, S::Ineligible);
        assert!(notices(&failed).contains(&(Recipient::Applicant, NoticeKind::Ineligible)));
        assert!(notices(&failed).contains(&(Recipient::Office, NoticeKind::Ineligible)));
        let mut wrong_date = screening(Outcome::Pass);
        wrong_date.as_of = d(2026, 7, 20);
        assert!(matches!(
            world.decide(
                &recommended,
                Command::RecordEligibility {
                    screening: wrong_date
                },
                &office(),
                "2026-07-20T02:00:00Z"
            ),
            Err(TransitionError::ScreeningDate { .. })
        ));
    }

    #[test]
    fn document_review_needs_recorded_scores() {
        let mut world = World::new();
        world.cycle.rules_frozen_at = None;
        let mut eligible = Lifecycle::new_draft("applicant-1");
        eligible.state = S::Eligible;
        assert_eq!(
            world.decide(
                &eligible,
                Command::CompleteDocumentReview,
                &office(),
                "2026-08-10T02:00:00Z"
            ),
            Err(TransitionError::NoScores)
        );
    }

    #[test]
    fn rejection_at_each_gate_needs_a_reason() {
        let world = World::new();
        let mut submitted = Lifecycle::new_draft("applicant-1");
        submitted.state = S::Submitted;
        assert!(matches!(
            world.decide(
                &submitted,
                Command::DeclineRecommendation { reason: " ".into() },
                &recommender(),
                "2026-07-01T02:00:00Z"
            ),
            Err(TransitionError::MissingReason { .. })
        ));
        let declined = world
            .decide(
                &submitted,
                Command::DeclineRecommendation {
                    reason: "材料不实".into(),
                },
                &recommender(),
                "2026-07-01T02:00:00Z",
            )
            .unwrap();
        assert_eq!(
            declined.lifecycle.rejection.unwrap().gate,
            Gate::Recommendation
        );
        let in_publicity = to_publicity(&world);
        let rejected = world
            .decide(
                &in_publicity,
                Command::Reject {
                    reason: "公示期间异议经查属实".into(),
                },
                &office(),
                "2026-10-09T02:00:00Z",
            )
            .unwrap();
        assert_eq!(rejected.lifecycle.state, S::Rejected);
        assert_eq!(
            rejected.lifecycle.rejection.as_ref().unwrap().gate,
            Gate::Publicity
        );
        assert!(notices(&rejected).contains(&(Recipient::Public, NoticeKind::PublicityAmended)));
        assert!(notices(&rejected).contains(&(Recipient::Recommender, NoticeKind::Rejected)));
        let mut onsite = in_publicity.clone();
        onsite.state = S::OnsiteReviewed;
        let not_selected = world
            .decide(
                &onsite,
                Command::DecideCandidacy { candidate: false },
                &office(),
                "2026-09-10T02:00:00Z",
            )
            .unwrap();
        assert_eq!(
            not_selected.lifecycle.rejection.unwrap().gate,
            Gate::CombinedEvaluation
        );
    }

    #[test]
    fn withdrawal_before_approval_only() {
        let world = World::new();
        let in_publicity = to_publicity(&world);
        let withdrawn = world
            .decide(
                &in_publicity,
                Command::Withdraw {
                    reason: "企业自愿撤回".into(),
                },
                &applicant(),
                "2026-10-01T02:00:00Z",
            )
            .unwrap();
        assert_eq!(withdrawn.lifecycle.state, S::Withdrawn);
        let owed = notices(&withdrawn);
        assert!(owed.contains(&(Recipient::Office, NoticeKind::Withdrawn)));
        assert!(owed.contains(&(Recipient::Public, NoticeKind::PublicityAmended)));
        let mut approved = in_publicity;
        approved.state = S::Approved;
        assert_eq!(
            world.decide(
                &approved,
                Command::Withdraw { reason: "x".into() },
                &applicant(),
                "2026-10-21T02:00:00Z"
            ),
            Err(TransitionError::Illegal {
                state: S::Approved,
                command: "withdraw".into()
            })
        );
    }

    fn awarded(world: &World) -> Lifecycle {
        let approved = world
            .decide(
                &to_publicity(world),
                Command::Approve {
                    approved_on: d(2026, 10, 20),
                },
                &office(),
                "2026-10-20T02:00:00Z",
            )
            .unwrap();
        world
            .decide(
                &approved.lifecycle,
                Command::Award {
                    certificate_number: "C-1".into(),
                },
                &office(),
                "2026-10-25T02:00:00Z",
            )
            .unwrap()
            .lifecycle
    }

    #[test]
    fn expiry_after_five_years() {
        let world = World::new();
        let holder = awarded(&world);
        assert!(matches!(
            world.decide(&holder, Command::Expire, &system(), "2031-10-20T10:00:00Z"),
            Err(TransitionError::StillValid { .. })
        ));
        let expired = world
            .decide(&holder, Command::Expire, &system(), "2031-10-20T16:00:00Z")
            .unwrap();
        assert_eq!(expired.lifecycle.state, S::Expired);
        assert!(notices(&expired).contains(&(Recipient::Applicant, NoticeKind::Expired)));
        assert!(matches!(
            world.decide(
                &holder,
                Command::Expire,
                &applicant(),
                "2031-10-22T00:00:00Z"
            ),
            Err(TransitionError::Forbidden { .. })
        ));
    }

    #[test]
    fn revocation_for_fraud_and_for_cause() {
        let world = World::new();
        let holder = awarded(&world);
        let fraud = world
            .decide(
                &holder,
                Command::Revoke {
                    ground: RevocationGround::Fraud,
                    revoked_on: d(2027, 5, 1),
                },
                &office(),
                "2027-05-01T02:00:00Z",
            )
            .unwrap();
        assert_eq!(fraud.lifecycle.state, S::Revoked);
        assert_eq!(fraud.lifecycle.revocation.unwrap().last_day, d(2037, 5, 1));
        let owed = notices(&fraud);
        assert!(owed.contains(&(Recipient::FinanceBureau, NoticeKind::ReclaimReward)));
        assert!(owed.contains(&(Recipient::Public, NoticeKind::RevocationAnnouncement)));

        let cause = RevocationGround::Cause {
            cause: Art18Cause::SeriousAccident,
            occurred_on: d(2028, 3, 1),
        };
        let revoked = world
            .decide(
                &holder,
                Command::Revoke {
                    ground: cause,
                    revoked_on: d(2028, 6, 1),
                },
                &office(),
                "2028-06-01T02:00:00Z",
            )
            .unwrap();
        assert_eq!(
            revoked.lifecycle.revocation.unwrap().may_apply_again_from,
            d(2033, 6, 2)
        );
        assert!(
            !notices(&revoked).contains(&(Recipient::FinanceBureau, NoticeKind::ReclaimReward))
        );
        let late = RevocationGround::Cause {
            cause: Art18Cause::OtherSeriousViolation,
            occurred_on: d(2031, 11, 1),
        };
        assert!(matches!(
            world.decide(
                &holder,
                Command::Revoke {
                    ground: late,
                    revoked_on: d(2031, 12, 1)
                },
                &office(),
                "2031-12-01T02:00:00Z"
            ),
            Err(TransitionError::Award(
                AwardError::OutsideArt18Window { .. }
            ))
        ));
        assert!(matches!(
            world.decide(
                &holder,
                Command::Revoke {
                    ground: RevocationGround::Fraud,
                    revoked_on: d(2027, 5, 2)
                },
                &office(),
                "2027-05-01T02:00:00Z"
            ),
            Err(TransitionError::FutureDate { .. })
        ));
    }

    #[test]
    fn the_fourth_approval_in_a_cycle_is_refused() {
        let mut world = World::new();
        let lifecycle = to_publicity(&world);
        world.approved = 3;
        assert_eq!(
            world.decide(
                &lifecycle,
                Command::Approve {
                    approved_on: d(2026, 10, 20)
                },
                &office(),
                "2026-10-20T02:00:00Z"
            ),
            Err(TransitionError::Quota(QuotaReached {
                quota: 3,
                approved: 3
            }))
        );
    }

    proptest! {
        /// Whatever the order of approval calls across applications and whatever the quota, the
        /// number of approved applications never exceeds the quota (and never exceeds 3).
        #[test]
        fn the_quota_is_never_exceeded(order in proptest::collection::vec(0usize..8, 0..30), quota in 1u32..=3) {
            let mut world = World::new();
            world.cycle.quota = quota;
            let template = to_publicity(&world);
            let mut apps = vec![template; 8];
            for index in order {
                let result = world.decide(&apps[index], Command::Approve { approved_on: d(2026, 10, 20) }, &office(), "2026-10-20T02:00:00Z");
                if let Ok(decision) = result {
                    apps[index] = decision.lifecycle;
                    world.approved += 1;
                }
            }
            let approved = apps.iter().filter(|a| a.state == S::Approved).count() as u32;
            prop_assert_eq!(approved, world.approved);
            prop_assert!(approved <= quota);
        }
    }
}
