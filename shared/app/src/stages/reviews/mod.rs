//! Confidential scoring and its aggregation (Arts. 11(5)–(7), 19, 20): an expert's score sheet
//! (a draft, then submitted; the Office may reopen it with a reason), the panel's result once
//! every counted sheet is in (`award_domain::scoring::review_result` with the cycle's method and
//! disagreement rule), the leader's consensus on the disputed items, the on-site visit and the
//! satisfaction survey, the shortlist and the combined evaluation, and the Office's exports.
//!
//! An expert never sees another expert's sheet before the consensus round; applicants, units
//! and experts never read the aggregated results (`Application::reviews` is the Office's file).
//! The first submitted sheet of a cycle freezes its rules (Art. 20), in the same transaction.
//! Aggregation (`aggregate`) is idempotent: the `aggregate` function runs it for every submitted
//! sheet and every received review report the stream shows, and a rerun over unchanged sheets
//! writes nothing.

mod aggregation;
pub mod assignments;
mod consensus;
pub mod experts;
mod exports;
mod office_view;
mod onsite;
mod routes;
mod sheets;
mod shortlist;

pub use aggregation::*;
pub use consensus::*;
pub use exports::*;
pub use office_view::*;
pub use onsite::*;
pub use routes::ROUTES;
pub use sheets::*;
pub use shortlist::*;

use std::collections::{BTreeMap, BTreeSet};

use award_domain::form::DocumentCategory;
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind};
use award_domain::roles::{Actor, Role as DomainRole};
use award_domain::rules::{Centi, ReviewRules};
use award_domain::scoring::{self, DocumentReviewed, EvaluationInput, Ranked, ScoreSheet};
use award_ports::TableError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::App;
use crate::audit::audit;
use crate::batch::{Changes, Handled, StreamBatchOutcome, partial_batch, typed_image};
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{
    Application, Assignment, AssignmentStatus, ConsensusEntry, CycleRecord, Document,
    DocumentStatus, OnsiteVisit, PhaseReview, Reopening, ReviewPhase, SYSTEM_ACTOR,
    SatisfactionSurvey,
};
use crate::notices;
use crate::reads::{applications, cycles};
use crate::recipients::{self, About};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, retry_on_conflict};

/// The longest comment per category, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

// What the review's subjects share (the panels, the sheets, the aggregation), kept here so that
// none of them reaches into another for it.

/// The notice `kind` about `application` to `expert`.
pub(crate) fn expert_notice(
    kind: NoticeKind,
    expert: &crate::model::Expert,
    application: &Application,
    cycle: &award_domain::cycle::Cycle,
    extra: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<award_ports::Write, AppError> {
    let about = About {
        application,
        cycle,
        recommender: None,
    };
    let extra: BTreeMap<String, String> = extra
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    notices::owe(
        kind,
        &recipients::expert(expert),
        about.data(&extra),
        Some(application.id),
        now,
    )
}

/// The application must be waiting for `phase`'s scores.
pub(crate) fn require_scoring(
    application: &Application,
    phase: ReviewPhase,
) -> Result<(), AppError> {
    if application.state() != phase.scoring_state() {
        return Err(AppError::ReviewNotOpen {
            phase: phase.as_str().into(),
            state: application.state(),
            state_zh: application.state().label_zh(),
        });
    }
    Ok(())
}

/// `POST /applications/{id}/assignments/{phase}/{expert}/withdraw` (office): `{"reason": "…"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: String,
}

pub(crate) fn reason(input: &str, command: &str) -> Result<String, AppError> {
    let reason = input.trim();
    if reason.is_empty() {
        return Err(AppError::ReasonRequired {
            command: command.into(),
        });
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::InvalidText {
            field: "reason",
            max: 2000,
        });
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> serde_json::Number {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn survey_scores_are_0_to_100_with_two_decimals_at_most() {
        assert_eq!(score_hundredths(&number("86.5")), Some(Centi(8650)));
        assert_eq!(score_hundredths(&number("88")), Some(Centi(8800)));
        assert_eq!(score_hundredths(&number("0")), Some(Centi(0)));
        assert_eq!(score_hundredths(&number("100")), Some(Centi(10_000)));
        assert_eq!(score_hundredths(&number("99.99")), Some(Centi(9999)));
        for bad in ["101", "100.01", "-1", "86.555"] {
            assert_eq!(score_hundredths(&number(bad)), None, "{bad}");
        }
    }
}
