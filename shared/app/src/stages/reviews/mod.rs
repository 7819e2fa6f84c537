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

pub mod assignments;
pub mod experts;
mod routes;

pub use routes::ROUTES;

use std::collections::{BTreeMap, BTreeSet};

use award_domain::form::DocumentCategory;
use award_domain::lifecycle::{ApplicationState, Command, NoticeKind};
use award_domain::roles::{Actor, Role as DomainRole};
use award_domain::rules::{Centi, ReviewRules};
use award_domain::scoring::{self, DocumentReviewed, EvaluationInput, Ranked, ScoreSheet};
use award_ports::{ChangeRecord, Index, Query, TableError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use self::assignments::{expert_notice, require_scoring};
use crate::App;
use crate::audit::audit;
use crate::batch::{EventReport, Handled, each_change, typed_image};
use crate::error::AppError;
use crate::identity::{Caller, Role};
use crate::keys::{self, item_type};
use crate::model::{
    Application, Assignment, AssignmentStatus, ConsensusEntry, CycleRecord, Document,
    DocumentStatus, OnsiteVisit, PhaseReview, Reopening, ReviewPhase, SYSTEM_ACTOR,
    SatisfactionSurvey,
};
use crate::notices;
use crate::reads::{applications, cycles};
use crate::recipients::{self, About};
use crate::stage::{self, Settings, StageCommand};
use crate::store::{self, Stored, Tx, from_item, query_all, retry_on_conflict};

/// The longest comment per category, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

// --- the expert's sheet ------------------------------------------------------------------------

/// `GET /reviews/{application}/{phase}` (the assigned expert).
#[derive(Debug, Clone, Serialize)]
pub struct MyReview {
    pub assignment: Assignment,
    pub version: u64,
    /// The rubric to score, once the pledge opened the evidence.
    pub rubric: Option<award_domain::rules::Rubric>,
    /// In the consensus round only: every counted expert's percentages for the disputed items.
    pub consensus_round: Option<ConsensusRound>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsensusRound {
    pub items: Vec<String>,
    /// Item id → the panel's percentages (experts unnamed; the leader sees the spread).
    pub percents: BTreeMap<String, Vec<u8>>,
}

async fn own_assignment(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<Stored<Assignment>, AppError> {
    let expert = crate::reads::experts::of_caller(app, caller).await?.record;
    crate::reads::assignments::load(app, application_id, phase, expert.id).await
}

/// The expert's own assignment and sheet. Errors: `ExpertNotFound`, `AssignmentNotFound`.
pub async fn my_review(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<MyReview, AppError> {
    let stored = own_assignment(app, caller, application_id, phase).await?;
    let opened = matches!(
        stored.record.status,
        AssignmentStatus::Accepted | AssignmentStatus::Submitted
    );
    let (rubric, consensus_round) = if opened {
        let application = crate::reads::applications::load_application(app, application_id)
            .await?
            .record;
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
        let round = match application
            .reviews
            .get(&phase)
            .and_then(|review| review.result.as_ref())
        {
            Some(result) if !result.needs_consensus.is_empty() && stored.record.counts() => {
                let panel = crate::reads::assignments::panel(app, application_id, phase).await?;
                Some(ConsensusRound {
                    items: result.needs_consensus.clone(),
                    percents: result
                        .needs_consensus
                        .iter()
                        .map(|item| {
                            let mut percents: Vec<u8> = panel
                                .iter()
                                .filter(|member| member.record.counts())
                                .filter_map(|member| member.record.items.get(item).copied())
                                .collect();
                            percents.sort_unstable();
                            (item.clone(), percents)
                        })
                        .collect(),
                })
            }
            _ => None,
        };
        (Some(cycle.cycle.rules.rubric), round)
    } else {
        (None, None)
    };
    Ok(MyReview {
        assignment: stored.record,
        version: stored.version,
        rubric,
        consensus_round,
    })
}

/// `PUT /reviews/{application}/{phase}/sheet` (draft) and `POST …/submit` (final).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetInput {
    /// The assignment's version last read (`409 stale_version` otherwise).
    pub version: u64,
    /// Rubric item id → percentage of its points, 0–100 in 5 % steps.
    #[serde(default)]
    pub items: Option<BTreeMap<String, u8>>,
    /// GB/T 19580 category id → comment (≤ 2000 characters).
    #[serde(default)]
    pub comments: Option<BTreeMap<String, String>>,
}

/// Saves (`submit` false) or submits the expert's sheet. A submitted sheet must score every item;
/// the first one of a cycle freezes its rules (Art. 20). Errors: `DeclarationRequired`,
/// `SheetSubmitted`, `AssignmentWithdrawn`, `StaleVersion`, `InvalidScores`, `ReviewNotOpen`.
pub async fn save_sheet(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    input: SheetInput,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<MyReview, AppError> {
    let expert = crate::reads::experts::of_caller(app, caller).await?.record;
    if !expert.is_active() {
        return Err(AppError::ExpertInactive);
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let stored = crate::reads::assignments::load(app, application_id, phase, expert.id).await?;
        match stored.record.status {
            AssignmentStatus::Assigned => return Err(AppError::DeclarationRequired),
            AssignmentStatus::Submitted => return Err(AppError::SheetSubmitted),
            AssignmentStatus::Withdrawn => return Err(AppError::AssignmentWithdrawn),
            AssignmentStatus::Accepted => {}
        }
        if stored.version != input.version {
            return Err(AppError::StaleVersion {
                current: stored.version,
            });
        }
        let application = crate::reads::applications::load_application(app, application_id)
            .await?
            .record;
        require_scoring(&application, phase)?;
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?;
        let rules = &cycle.record.cycle.rules;
        let mut assignment = stored.record.clone();
        if let Some(items) = &input.items {
            assignment.items = items.clone();
        }
        if let Some(comments) = &input.comments {
            assignment.comments = comments
                .iter()
                .map(|(category, text)| (category.clone(), text.trim().to_owned()))
                .filter(|(_, text)| !text.is_empty())
                .collect();
        }
        let invalid = AppError::from;
        scoring::validate_draft(rules, &assignment.items).map_err(invalid)?;
        scoring::validate_comments(rules, &assignment.comments).map_err(invalid)?;
        let mut tx = Tx::new();
        if submit {
            scoring::validate_sheet(
                rules,
                &ScoreSheet {
                    expert: expert.id.to_string(),
                    items: assignment.items.clone(),
                },
            )
            .map_err(invalid)?;
            assignment.status = AssignmentStatus::Submitted;
            assignment.submitted_at = Some(now);
            if cycle.record.cycle.rules_frozen_at.is_none() {
                let frozen = CycleRecord {
                    cycle: cycle.record.cycle.clone().freeze_rules(now)?,
                    ..cycle.record.clone()
                };
                tx.guard(store::replace(&frozen, cycle.version)?, || {
                    AppError::from(TableError::Conflict)
                });
                tx.push(audit(
                    keys::cycle_partition(&frozen.cycle.id),
                    caller.sub(),
                    "rules_frozen",
                    &[("first_score", application_id.to_string())],
                    now,
                )?);
            }
        }
        assignment.updated_at = now;
        tx.guard(store::replace(&assignment, stored.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            if submit {
                "scores_submitted"
            } else {
                "scores_saved"
            },
            &[
                ("phase", phase.as_str().to_owned()),
                ("expert_id", expert.id.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(MyReview {
            assignment,
            version: stored.version + 1,
            rubric: Some(rules.rubric.clone()),
            consensus_round: None,
        })
    })
    .await
}

/// `POST /applications/{id}/assignments/{phase}/{expert}/reopen` (office, `{"reason": "…"}`):
/// a submitted sheet goes back to a draft and the expert is told. Errors: `SheetNotSubmitted`,
/// `ReviewNotOpen` (the phase's result is already final), `ReasonRequired`.
pub async fn reopen(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    expert_id: Ulid,
    input: assignments::ReasonInput,
    now: DateTime<Utc>,
) -> Result<Assignment, AppError> {
    caller.require(Role::Office)?;
    let reason = assignments::reason(&input.reason, "reopen the scores")?;
    let reason = &reason;
    retry_on_conflict(|| async move {
        let stored = crate::reads::assignments::load(app, application_id, phase, expert_id).await?;
        if stored.record.status != AssignmentStatus::Submitted || stored.record.excluded {
            return Err(AppError::SheetNotSubmitted);
        }
        let application = crate::reads::applications::load_application(app, application_id)
            .await?
            .record;
        require_scoring(&application, phase)?;
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
        let expert = crate::reads::experts::load(app, expert_id).await?.record;
        let mut assignment = stored.record.clone();
        assignment.status = AssignmentStatus::Accepted;
        assignment.submitted_at = None;
        assignment.reopenings.push(Reopening {
            reason: reason.clone(),
            by: caller.sub().to_owned(),
            at: now,
        });
        assignment.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&assignment, stored.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(expert_notice(
            NoticeKind::ScoresReopened,
            &expert,
            &application,
            &cycle.cycle,
            &[
                ("phase", phase.name_zh().to_owned()),
                ("reason", reason.clone()),
            ],
            now,
        )?);
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "scores_reopened",
            &[
                ("phase", phase.as_str().to_owned()),
                ("expert_id", expert_id.to_string()),
                ("reason", reason.clone()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(assignment)
    })
    .await
}

// --- aggregation -------------------------------------------------------------------------------

/// What one aggregation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AggregateOutcome {
    /// Not every counted expert has submitted.
    Waiting { submitted: usize, counted: usize },
    /// Nothing changed since the last aggregation: nothing written.
    Unchanged,
    /// The result was stored; `needs_consensus` lists the disputed items still open, `waiting_for`
    /// what else the phase needs (the on-site survey, the review report).
    Recorded {
        total: Centi,
        needs_consensus: Vec<String>,
        waiting_for: Vec<String>,
    },
    /// The result is final and the application moved on (`document_reviewed`, `onsite_reviewed`).
    Completed { total: Centi },
}

/// Everything aggregation reads, in one query of the application's partition.
struct Partition {
    application: Stored<Application>,
    documents: Vec<Document>,
    panel: Vec<Assignment>,
}

async fn load_partition(
    app: &App,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<Partition, AppError> {
    let items = query_all(
        app.table.as_ref(),
        Query::partition(Index::Primary, keys::application_partition(application_id)),
    )
    .await?;
    let (mut application, mut documents, mut panel) = (None, Vec::new(), Vec::new());
    for item in items {
        match store::type_of(&item) {
            Some(item_type::APPLICATION) => application = Some(from_item::<Application>(item)?),
            Some(item_type::DOCUMENT) => documents.push(from_item::<Document>(item)?.record),
            Some(item_type::ASSIGNMENT) => {
                let assignment = from_item::<Assignment>(item)?.record;
                if assignment.phase == phase {
                    panel.push(assignment);
                }
            }
            _ => {}
        }
    }
    Ok(Partition {
        application: application.ok_or(AppError::ApplicationNotFound)?,
        documents,
        panel,
    })
}

/// Aggregates one phase of one application (see the module docs). `actor` is the Office's
/// subject or [`SYSTEM_ACTOR`]. Table calls: 1 query + 1 get (the cycle), then nothing (waiting,
/// unchanged), 1 transaction (recorded), or the stage path (completed).
pub async fn aggregate(
    app: &App,
    application_id: Ulid,
    phase: ReviewPhase,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<AggregateOutcome, AppError> {
    retry_on_conflict(|| async move {
        let partition = load_partition(app, application_id, phase).await?;
        let application = &partition.application.record;
        let counted: Vec<&Assignment> = partition.panel.iter().filter(|a| a.counts()).collect();
        let submitted = counted
            .iter()
            .filter(|a| a.status == AssignmentStatus::Submitted)
            .count();
        if counted.is_empty() || submitted < counted.len() {
            return Ok(AggregateOutcome::Waiting {
                submitted,
                counted: counted.len(),
            });
        }
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
        let sheets: Vec<ScoreSheet> = counted
            .iter()
            .map(|assignment| ScoreSheet {
                expert: assignment.expert_id.to_string(),
                items: assignment.items.clone(),
            })
            .collect();
        let review = application.reviews.get(&phase).cloned().unwrap_or_default();
        let consensus: BTreeMap<String, u8> = review
            .consensus
            .iter()
            .map(|(item, entry)| (item.clone(), entry.percent))
            .collect();
        let result = scoring::review_result(&cycle.cycle.rules, &sheets, &consensus)
            .map_err(AppError::from)?;
        let mut waiting_for = Vec::new();
        if phase == ReviewPhase::Onsite {
            if review.survey.is_none() {
                waiting_for.push("satisfaction_survey".to_owned());
            }
            if !partition.documents.iter().any(|document| {
                document.category == DocumentCategory::ReviewReport
                    && document.status == DocumentStatus::Received
            }) {
                waiting_for.push("review_report".to_owned());
            }
        }
        let in_phase = application.state() == phase.scoring_state();
        if in_phase && result.is_final() && waiting_for.is_empty() {
            let total = result.total;
            let system = Actor::new(SYSTEM_ACTOR, [DomainRole::System]);
            let office = Actor::new(actor, [DomainRole::Office]);
            let command = match phase {
                ReviewPhase::Document => Command::CompleteDocumentReview,
                ReviewPhase::Onsite => Command::CompleteOnsiteReview,
            };
            let request = StageCommand {
                application_id,
                command,
                actor: if actor == SYSTEM_ACTOR {
                    &system
                } else {
                    &office
                },
                now,
                notice_data: BTreeMap::from([("phase".to_owned(), phase.name_zh().to_owned())]),
                settings: Settings::default(),
            };
            let result = &result;
            let outcome = stage::advance(
                app,
                &request,
                |_| Ok(()),
                |application| {
                    let review = application.reviews.entry(phase).or_default();
                    review.result = Some(result.clone());
                    review.aggregated_at = Some(now);
                    Ok(())
                },
            )
            .await;
            return match outcome {
                Ok(_) => Ok(AggregateOutcome::Completed { total }),
                // Moved on since it was loaded (a redelivered record): nothing left to do.
                Err(AppError::IllegalTransition { .. }) => Ok(AggregateOutcome::Unchanged),
                Err(error) => Err(error),
            };
        }
        let ask_consensus = in_phase
            && !result.needs_consensus.is_empty()
            && review.consensus_requested_at.is_none();
        if review.result.as_ref() == Some(&result) && !ask_consensus {
            return Ok(AggregateOutcome::Unchanged);
        }
        let mut updated = application.clone();
        let stored_review = updated.reviews.entry(phase).or_default();
        stored_review.result = Some(result.clone());
        stored_review.aggregated_at = Some(now);
        if ask_consensus {
            stored_review.consensus_requested_at = Some(now);
        }
        updated.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(
            store::replace(&updated, partition.application.version)?,
            || AppError::from(TableError::Conflict),
        );
        tx.push(audit(
            keys::application_partition(application_id),
            actor,
            "review_aggregated",
            &[
                ("phase", phase.as_str().to_owned()),
                ("experts", sheets.len().to_string()),
                ("total", result.total.to_string()),
                ("needs_consensus", result.needs_consensus.join(",")),
            ],
            now,
        )?);
        if ask_consensus && let Some(leader) = counted.iter().find(|assignment| assignment.leader) {
            let expert = crate::reads::experts::load(app, leader.expert_id)
                .await?
                .record;
            tx.push(expert_notice(
                NoticeKind::ConsensusRequested,
                &expert,
                &updated,
                &cycle.cycle,
                &[
                    ("phase", phase.name_zh().to_owned()),
                    (
                        "items",
                        items_zh(&cycle.cycle.rules, &result.needs_consensus),
                    ),
                ],
                now,
            )?);
        }
        tx.commit(app.table.as_ref()).await?;
        Ok(AggregateOutcome::Recorded {
            total: result.total,
            needs_consensus: result.needs_consensus,
            waiting_for,
        })
    })
    .await
}

/// Item ids with their names, for a notice: `4.1.2 高层领导的作用、4.4.2 人力资源`.
fn items_zh(rules: &ReviewRules, items: &[String]) -> String {
    items
        .iter()
        .map(|id| match rules.rubric.item(id) {
            Some(item) => format!("{id} {}", item.name),
            None => id.clone(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// `POST /applications/{id}/reviews/{phase}/aggregate` (office): aggregation on demand.
pub async fn aggregate_on_demand(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    now: DateTime<Utc>,
) -> Result<AggregateOutcome, AppError> {
    caller.require(Role::Office)?;
    aggregate(app, application_id, phase, caller.sub(), now).await
}

/// The `aggregate` function's stream records (filtered by the event source mapping to submitted
/// assignments and received review reports; anything else is ignored here too). Each record
/// aggregates its panel; a redelivered record finds nothing changed. `Err` (`RecordsFailed`) when
/// one failed, so the stream delivers the batch again.
pub async fn table_changes(
    app: &App,
    records: &[ChangeRecord],
    now: DateTime<Utc>,
) -> Result<EventReport, AppError> {
    each_change(records, |record| async move {
        let target = match typed_image::<Assignment>(record, "assignment") {
            Ok(Some(assignment)) => (assignment.status == AssignmentStatus::Submitted)
                .then_some((assignment.application_id, assignment.phase)),
            Err(skipped) => return skipped,
            Ok(None) => match typed_image::<Document>(record, "document") {
                Ok(Some(document)) => (document.category == DocumentCategory::ReviewReport
                    && document.status == DocumentStatus::Received)
                    .then_some((document.application_id, ReviewPhase::Onsite)),
                Ok(None) => None,
                Err(skipped) => return skipped,
            },
        };
        let Some((application_id, phase)) = target else {
            return Handled::Ignored;
        };
        match aggregate(app, application_id, phase, SYSTEM_ACTOR, now).await {
            Ok(AggregateOutcome::Recorded { .. } | AggregateOutcome::Completed { .. }) => {
                Handled::Changed
            }
            Ok(AggregateOutcome::Waiting { .. } | AggregateOutcome::Unchanged) => {
                Handled::Unchanged
            }
            Err(error) => {
                tracing::error!(%application_id, %error, "aggregation failed");
                Handled::Failed
            }
        }
    })
    .await
}

// --- consensus ---------------------------------------------------------------------------------

/// One consensus score: `{"percent": 60, "note": "…"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusScore {
    pub percent: u8,
    pub note: String,
}

/// `POST /reviews/{application}/{phase}/consensus` (the panel leader): item id → consensus.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusInput {
    pub items: BTreeMap<String, ConsensusScore>,
}

/// Records the leader's consensus on disputed items, then aggregates (the result becomes final
/// once every disputed item has one). Errors: `NotPanelLeader`, `ConsensusNotNeeded` (an item not
/// in dispute), `InvalidScores` (a percentage off the 5 % steps), `ReasonRequired` (no note),
/// `ReviewNotOpen`.
pub async fn record_consensus(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
    input: ConsensusInput,
    now: DateTime<Utc>,
) -> Result<AggregateOutcome, AppError> {
    let own = own_assignment(app, caller, application_id, phase)
        .await?
        .record;
    if !own.leader || !own.counts() {
        return Err(AppError::NotPanelLeader);
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = crate::reads::applications::load_application(app, application_id).await?;
        require_scoring(&loaded.record, phase)?;
        let open: BTreeSet<String> = loaded
            .record
            .reviews
            .get(&phase)
            .and_then(|review| review.result.as_ref())
            .map(|result| result.needs_consensus.iter().cloned().collect())
            .unwrap_or_default();
        let not_needed: Vec<String> = input
            .items
            .keys()
            .filter(|item| !open.contains(*item))
            .cloned()
            .collect();
        if !not_needed.is_empty() || input.items.is_empty() {
            return Err(AppError::ConsensusNotNeeded { items: not_needed });
        }
        let percents: BTreeMap<String, u8> = input
            .items
            .iter()
            .map(|(item, score)| (item.clone(), score.percent))
            .collect();
        let cycle = cycles::load_cycle(app, &loaded.record.cycle_id)
            .await?
            .record;
        scoring::validate_draft(&cycle.cycle.rules, &percents).map_err(AppError::from)?;
        let mut application = loaded.record.clone();
        let review = application.reviews.entry(phase).or_default();
        for (item, score) in &input.items {
            let note = assignments::reason(&score.note, "record a consensus")?;
            review.consensus.insert(
                item.clone(),
                ConsensusEntry {
                    percent: score.percent,
                    note,
                    by: caller.sub().to_owned(),
                    at: now,
                },
            );
        }
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "consensus_recorded",
            &[
                ("phase", phase.as_str().to_owned()),
                (
                    "items",
                    input.items.keys().cloned().collect::<Vec<_>>().join(","),
                ),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(())
    })
    .await?;
    aggregate(app, application_id, phase, SYSTEM_ACTOR, now).await
}

// --- the Office's view --------------------------------------------------------------------------

/// One expert's sheet as the Office sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    pub expert_id: Ulid,
    pub expert_name: String,
    pub leader: bool,
    pub status: AssignmentStatus,
    pub counts: bool,
    pub items: BTreeMap<String, u8>,
    pub comments: BTreeMap<String, String>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// `GET /applications/{id}/reviews/{phase}` (office): the panel's sheets, the result with its
/// per-item spread and flags, the consensus, the visit and the survey.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    pub application_id: Ulid,
    pub phase: ReviewPhase,
    pub state: ApplicationState,
    pub review: PhaseReview,
    pub sheets: Vec<SheetView>,
    /// Per rubric item, over the counted submitted sheets: mean, median, spread.
    pub item_stats: Vec<ItemStats>,
}

/// One rubric item's statistics over the counted submitted sheets, in hundredths of a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemStats {
    pub item: String,
    pub points: u32,
    pub sheets: usize,
    pub mean: Option<Centi>,
    pub median: Option<Centi>,
    pub min: Option<Centi>,
    pub max: Option<Centi>,
    /// max − min.
    pub spread: Option<Centi>,
}

/// [`ItemStats`] of every rubric item over `sheets` (each an item → percentage map).
pub fn item_stats(rules: &ReviewRules, sheets: &[&BTreeMap<String, u8>]) -> Vec<ItemStats> {
    use award_domain::rules::AggregationMethod;
    rules
        .rubric
        .items()
        .map(|item| {
            let scores: Vec<Centi> = sheets
                .iter()
                .filter_map(|sheet| sheet.get(&item.id))
                .map(|percent| scoring::item_score(*percent, item.points))
                .collect();
            let (min, max) = (scores.iter().min().copied(), scores.iter().max().copied());
            ItemStats {
                item: item.id.clone(),
                points: item.points,
                sheets: scores.len(),
                mean: scoring::aggregate(AggregationMethod::Mean, &scores),
                median: scoring::aggregate(AggregationMethod::Median, &scores),
                min,
                max,
                spread: min.zip(max).map(|(min, max)| Centi(max.0 - min.0)),
            }
        })
        .collect()
}

pub async fn phase_view(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<PhaseView, AppError> {
    caller.require(Role::Office)?;
    let partition = load_partition(app, application_id, phase).await?;
    let pool = crate::reads::experts::all(app).await?;
    let application = partition.application.record;
    let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
    let counted: Vec<&BTreeMap<String, u8>> = partition
        .panel
        .iter()
        .filter(|assignment| {
            assignment.counts() && assignment.status == AssignmentStatus::Submitted
        })
        .map(|assignment| &assignment.items)
        .collect();
    let item_stats = item_stats(&cycle.cycle.rules, &counted);
    Ok(PhaseView {
        item_stats,
        application_id,
        phase,
        state: application.state(),
        review: application.reviews.get(&phase).cloned().unwrap_or_default(),
        sheets: partition
            .panel
            .into_iter()
            .map(|assignment| SheetView {
                expert_name: pool
                    .iter()
                    .find(|expert| expert.id == assignment.expert_id)
                    .map(|expert| expert.profile.name.clone())
                    .unwrap_or_default(),
                expert_id: assignment.expert_id,
                leader: assignment.leader,
                status: assignment.status,
                counts: assignment.counts(),
                items: assignment.items,
                comments: assignment.comments,
                submitted_at: assignment.submitted_at,
            })
            .collect(),
    })
}

// --- on-site visit and survey (Art. 11(6)) -----------------------------------------------------

/// `PUT /applications/{id}/onsite-visit` (office): `{"date": "2027-05-12", "notes": "…"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub date: NaiveDate,
    #[serde(default)]
    pub notes: String,
}

/// Records the on-site visit of a shortlisted application and tells the applicant its date (again
/// only when the date changes). Errors: `ReviewNotOpen`, `InvalidVisitDate` (on or before the
/// recommendation deadline), `InvalidText` (notes over 2000 characters).
pub async fn record_visit(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: VisitInput,
    now: DateTime<Utc>,
) -> Result<PhaseReview, AppError> {
    caller.require(Role::Office)?;
    if input.notes.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::InvalidText {
            field: "notes",
            max: MAX_COMMENT_CHARS,
        });
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = crate::reads::applications::load_application(app, application_id).await?;
        require_scoring(&loaded.record, ReviewPhase::Onsite)?;
        let cycle = cycles::load_cycle(app, &loaded.record.cycle_id)
            .await?
            .record;
        // The visit belongs to this cycle's review: after its recommendation deadline.
        if input.date <= cycle.cycle.recommendation_deadline {
            return Err(AppError::InvalidVisitDate {
                date: input.date,
                after: cycle.cycle.recommendation_deadline,
            });
        }
        let mut application = loaded.record.clone();
        let rescheduled = application
            .reviews
            .get(&ReviewPhase::Onsite)
            .and_then(|review| review.visit.as_ref())
            .is_none_or(|visit| visit.date != input.date);
        let review = application.reviews.entry(ReviewPhase::Onsite).or_default();
        review.visit = Some(OnsiteVisit {
            date: input.date,
            notes: input.notes.trim().to_owned(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        let review = review.clone();
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        let about = About {
            application: &application,
            cycle: &cycle.cycle,
            recommender: None,
        };
        // The applicant is told of a new date, not of every correction of the notes.
        if rescheduled {
            tx.push(notices::owe(
                NoticeKind::OnsiteVisitScheduled,
                &recipients::applicant(&application),
                about.data(&BTreeMap::from([(
                    "visit_date".to_owned(),
                    input.date.to_string(),
                )])),
                Some(application_id),
                now,
            )?);
        }
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "onsite_visit_recorded",
            &[("date", input.date.to_string())],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(review)
    })
    .await
}

/// `PUT /applications/{id}/survey` (office): `{"score": 86.5, "respondents": 120, "method": "…"}`,
/// the score 0–100 with at most two decimals (stored in hundredths, `Centi`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    pub score: serde_json::Number,
    pub respondents: u32,
    pub method: String,
}

/// A score 0–100 with at most two decimals, in hundredths; read from the JSON number's digits, so
/// no binary fraction rounds it.
pub fn score_hundredths(number: &serde_json::Number) -> Option<Centi> {
    let text = number.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(fraction)?;
    (0..=10_000).contains(&value).then_some(Centi(value))
}

/// Records the satisfaction survey, then aggregates the on-site phase (the survey may be the last
/// thing it waited for). Errors: `InvalidSurvey`, `ReviewNotOpen`.
pub async fn record_survey(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    input: SurveyInput,
    now: DateTime<Utc>,
) -> Result<AggregateOutcome, AppError> {
    caller.require(Role::Office)?;
    let score = score_hundredths(&input.score).ok_or(AppError::InvalidSurvey {
        detail: "the score is a number from 0 to 100 with at most two decimals",
    })?;
    if input.respondents == 0 {
        return Err(AppError::InvalidSurvey {
            detail: "at least one respondent",
        });
    }
    let method = input.method.trim();
    if method.is_empty() || method.chars().count() > 500 {
        return Err(AppError::InvalidSurvey {
            detail: "the method is 1-500 characters",
        });
    }
    let input = &input;
    retry_on_conflict(|| async move {
        let loaded = crate::reads::applications::load_application(app, application_id).await?;
        require_scoring(&loaded.record, ReviewPhase::Onsite)?;
        let mut application = loaded.record.clone();
        application
            .reviews
            .entry(ReviewPhase::Onsite)
            .or_default()
            .survey = Some(SatisfactionSurvey {
            score,
            respondents: input.respondents,
            method: method.to_owned(),
            recorded_by: caller.sub().to_owned(),
            recorded_at: now,
        });
        application.updated_at = now;
        let mut tx = Tx::new();
        tx.guard(store::replace(&application, loaded.version)?, || {
            AppError::from(TableError::Conflict)
        });
        tx.push(audit(
            keys::application_partition(application_id),
            caller.sub(),
            "survey_recorded",
            &[
                ("score", score.to_string()),
                ("respondents", input.respondents.to_string()),
            ],
            now,
        )?);
        tx.commit(app.table.as_ref()).await?;
        Ok(())
    })
    .await?;
    aggregate(app, application_id, ReviewPhase::Onsite, caller.sub(), now).await
}

// --- shortlist (Art. 11(5)) and combined evaluation (Art. 11(7)) --------------------------------

fn total_of(application: &Application, phase: ReviewPhase) -> Option<Centi> {
    application
        .reviews
        .get(&phase)
        .and_then(|review| review.result.as_ref())
        .map(|result| result.total)
}

/// The applications of a cycle with a final result of `phase`, except those withdrawn.
async fn with_result(
    app: &App,
    cycle_id: &str,
    phase: ReviewPhase,
) -> Result<Vec<Application>, AppError> {
    Ok(applications::in_cycle(app, cycle_id, None)
        .await?
        .into_iter()
        .filter(|application| {
            application.state() != ApplicationState::Withdrawn
                && application
                    .reviews
                    .get(&phase)
                    .and_then(|review| review.result.as_ref())
                    .is_some_and(|result| result.is_final())
        })
        .collect())
}

/// The shortlist the cycle's rules give, for the Office to confirm.
#[derive(Debug, Clone, Serialize)]
pub struct ShortlistProposal {
    pub cycle_id: String,
    /// Best first, with the document-review totals.
    pub shortlisted: Vec<RankedTotal>,
    pub not_shortlisted: Vec<RankedTotal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankedTotal {
    pub application_id: String,
    pub organisation_name: String,
    pub total: Centi,
}

/// `GET /cycles/{id}/shortlist` (office). Errors: `ReviewIncomplete` (applications still
/// `eligible`, i.e. without a final document-review result).
pub async fn shortlist_proposal(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<ShortlistProposal, AppError> {
    caller.require(Role::Office)?;
    let cycle = cycles::load_cycle(app, cycle_id).await?.record;
    let pending = applications::in_cycle(app, cycle_id, Some(ApplicationState::Eligible)).await?;
    if !pending.is_empty() {
        return Err(AppError::ReviewIncomplete {
            pending: pending.iter().map(|a| a.id.to_string()).collect(),
        });
    }
    // Every application with a document-review result, decided or not: the proposal stays the
    // same list after the Office confirmed it.
    let reviewed = with_result(app, cycle_id, ReviewPhase::Document).await?;
    let inputs = reviewed
        .iter()
        .map(|application| {
            Ok(DocumentReviewed {
                application: application.id.to_string(),
                total: total_of(application, ReviewPhase::Document).ok_or_else(|| {
                    AppError::corrupt("a reviewed application without its result")
                })?,
                submitted_at: application
                    .lifecycle
                    .submitted_at
                    .unwrap_or(application.created_at),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let decision = scoring::shortlist(&cycle.cycle.rules, &inputs);
    let entry = |id: &String| -> RankedTotal {
        let application = reviewed.iter().find(|a| a.id.to_string() == *id);
        RankedTotal {
            application_id: id.clone(),
            organisation_name: application
                .map(|a| a.organisation_name().to_owned())
                .unwrap_or_default(),
            total: application
                .and_then(|a| total_of(a, ReviewPhase::Document))
                .unwrap_or_default(),
        }
    };
    Ok(ShortlistProposal {
        cycle_id: cycle_id.to_owned(),
        shortlisted: decision.shortlisted.iter().map(entry).collect(),
        not_shortlisted: decision.not_shortlisted.iter().map(entry).collect(),
    })
}

/// `POST /cycles/{id}/shortlist/confirm` and `POST /cycles/{id}/candidates` (office): the list
/// the Office read; it must still be the one the rules give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListConfirmation {
    pub applications: Vec<String>,
}

/// What a confirmation moved.
#[derive(Debug, Clone, Serialize)]
pub struct Decided {
    pub selected: Vec<String>,
    pub not_selected: Vec<String>,
}

fn same_list(expected: &[String], given: &[String]) -> Result<(), AppError> {
    let (mut a, mut b) = (expected.to_vec(), given.to_vec());
    a.sort();
    b.sort();
    if a != b {
        return Err(AppError::ListChanged {
            expected: expected.to_vec(),
        });
    }
    Ok(())
}

/// Confirms the shortlist: each reviewed application becomes `shortlisted` or `not_shortlisted`
/// (with its notices) on the stage path. A repeated confirmation moves nothing twice (an
/// application already decided is skipped). Errors: `ReviewIncomplete`, `ListChanged`.
pub async fn confirm_shortlist(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ListConfirmation,
    now: DateTime<Utc>,
) -> Result<Decided, AppError> {
    let proposal = shortlist_proposal(app, caller, cycle_id).await?;
    let selected: Vec<String> = proposal
        .shortlisted
        .iter()
        .map(|entry| entry.application_id.clone())
        .collect();
    same_list(&selected, &input.applications)?;
    let not_selected: Vec<String> = proposal
        .not_shortlisted
        .iter()
        .map(|entry| entry.application_id.clone())
        .collect();
    let actor = caller.actor.clone();
    for (ids, shortlisted) in [(&selected, true), (&not_selected, false)] {
        for id in ids {
            decide(
                app,
                &actor,
                id,
                Command::DecideShortlist { shortlisted },
                ApplicationState::DocumentReviewed,
                now,
            )
            .await?;
        }
    }
    Ok(Decided {
        selected,
        not_selected,
    })
}

/// Runs `command` on the application `id` if it is still `from`; one decided before (a repeated
/// confirmation) is left as it is.
async fn decide(
    app: &App,
    actor: &Actor,
    id: &str,
    command: Command,
    from: ApplicationState,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let application_id =
        keys::parse_id(id).ok_or_else(|| AppError::corrupt("a listed id is not a ULID"))?;
    let request = StageCommand {
        application_id,
        command,
        actor,
        now,
        notice_data: BTreeMap::new(),
        settings: Settings::default(),
    };
    stage::advance_if_in(app, &request, from).await
}

/// One line of the combined ranking (Art. 11(7)).
#[derive(Debug, Clone, Serialize)]
pub struct RankingLine {
    #[serde(flatten)]
    pub ranked: Ranked,
    pub organisation_name: String,
    pub document_review: Centi,
    pub onsite_review: Centi,
    pub satisfaction: Centi,
    pub candidate: bool,
}

/// The combined evaluation of a cycle: every on-site-reviewed application ranked, and the
/// candidate list (≤ the quota, only those meeting the bar).
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub cycle_id: String,
    pub quota: u32,
    pub lines: Vec<RankingLine>,
    pub candidates: Vec<String>,
}

/// `GET /cycles/{id}/ranking` (office, committee). Errors: `ReviewIncomplete` (shortlisted applications
/// without a final on-site result).
pub async fn ranking(app: &App, caller: &Caller, cycle_id: &str) -> Result<Ranking, AppError> {
    // The Committee deliberates on the candidate list with its scores (Arts. 7(3), 11(8)).
    if !(caller.has(Role::Office) || caller.has(Role::Committee)) {
        return Err(AppError::Forbidden);
    }
    let cycle = cycles::load_cycle(app, cycle_id).await?.record.cycle;
    let pending =
        applications::in_cycle(app, cycle_id, Some(ApplicationState::Shortlisted)).await?;
    if !pending.is_empty() {
        return Err(AppError::ReviewIncomplete {
            pending: pending.iter().map(|a| a.id.to_string()).collect(),
        });
    }
    let reviewed = with_result(app, cycle_id, ReviewPhase::Onsite).await?;
    let rules = &cycle.rules;
    let inputs = reviewed
        .iter()
        .map(|application| {
            let onsite = application
                .reviews
                .get(&ReviewPhase::Onsite)
                .and_then(|review| review.result.as_ref())
                .ok_or_else(|| {
                    AppError::corrupt("an on-site-reviewed application without its result")
                })?;
            Ok(EvaluationInput {
                application: application.id.to_string(),
                document_review: total_of(application, ReviewPhase::Document).unwrap_or_default(),
                onsite_review: onsite.total,
                onsite_results: onsite.category_total(rules, RESULTS_CATEGORY),
                satisfaction: application
                    .reviews
                    .get(&ReviewPhase::Onsite)
                    .and_then(|review| review.survey.as_ref())
                    .map(|survey| survey.score)
                    .unwrap_or_default(),
                submitted_at: application
                    .lifecycle
                    .submitted_at
                    .unwrap_or(application.created_at),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let invalid = AppError::from;
    let ranked = scoring::rank(rules, &inputs).map_err(invalid)?;
    let candidates: Vec<String> = scoring::candidate_list(rules, cycle.quota, &inputs)
        .map_err(invalid)?
        .into_iter()
        .map(|entry| entry.application)
        .collect();
    let lines = ranked
        .into_iter()
        .map(|entry| {
            let input = inputs
                .iter()
                .find(|input| input.application == entry.application);
            let application = reviewed
                .iter()
                .find(|a| a.id.to_string() == entry.application);
            RankingLine {
                organisation_name: application
                    .map(|a| a.organisation_name().to_owned())
                    .unwrap_or_default(),
                document_review: input.map(|i| i.document_review).unwrap_or_default(),
                onsite_review: input.map(|i| i.onsite_review).unwrap_or_default(),
                satisfaction: input.map(|i| i.satisfaction).unwrap_or_default(),
                candidate: candidates.contains(&entry.application),
                ranked: entry,
            }
        })
        .collect();
    Ok(Ranking {
        cycle_id: cycle_id.to_owned(),
        quota: cycle.quota,
        lines,
        candidates,
    })
}

/// GB/T 19580's Results category (4.7), the ranking's second tie-break.
const RESULTS_CATEGORY: &str = "4.7";

/// Sends the candidate list to the Committee (Art. 11(7)): the candidates become `candidate`
/// (the Committee is told), the others `not_selected`. Errors: `ReviewIncomplete`, `ListChanged`.
pub async fn send_candidates(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: ListConfirmation,
    now: DateTime<Utc>,
) -> Result<Decided, AppError> {
    let ranking = ranking(app, caller, cycle_id).await?;
    same_list(&ranking.candidates, &input.applications)?;
    let not_selected: Vec<String> = ranking
        .lines
        .iter()
        .filter(|line| !line.candidate)
        .map(|line| line.ranked.application.clone())
        .collect();
    let actor = caller.actor.clone();
    for (ids, candidate) in [(&ranking.candidates, true), (&not_selected, false)] {
        for id in ids {
            decide(
                app,
                &actor,
                id,
                Command::DecideCandidacy { candidate },
                ApplicationState::OnsiteReviewed,
                now,
            )
            .await?;
        }
    }
    Ok(Decided {
        selected: ranking.candidates,
        not_selected,
    })
}

// --- exports -----------------------------------------------------------------------------------

/// `GET /cycles/{id}/scores.csv?phase=` (office): one row per counted sheet and rubric item, with
/// the panel's aggregated score, spread and flag for the item.
pub async fn scores_csv(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    phase: ReviewPhase,
) -> Result<(String, String), AppError> {
    caller.require(Role::Office)?;
    let cycle = cycles::load_cycle(app, cycle_id).await?.record.cycle;
    let pool = crate::reads::experts::all(app).await?;
    let applications = applications::in_cycle(app, cycle_id, None).await?;
    let mut sheets = crate::reads::assignments::of_cycle(app, cycle_id, phase).await?;
    sheets.retain(|assignment| {
        assignment.counts() && assignment.status == AssignmentStatus::Submitted
    });
    sheets.sort_by_key(|assignment| (assignment.application_id, assignment.expert_id));
    let mut panel_stats: BTreeMap<Ulid, Vec<ItemStats>> = BTreeMap::new();
    for application_id in sheets.iter().map(|sheet| sheet.application_id) {
        if panel_stats.contains_key(&application_id) {
            continue;
        }
        let panel: Vec<&BTreeMap<String, u8>> = sheets
            .iter()
            .filter(|sheet| sheet.application_id == application_id)
            .map(|sheet| &sheet.items)
            .collect();
        panel_stats.insert(application_id, item_stats(&cycle.rules, &panel));
    }
    let mut rows = vec![
        [
            "申报编号",
            "单位名称",
            "专家",
            "评分项",
            "评分项名称",
            "分值",
            "得分率(%)",
            "专家得分",
            "汇总得分",
            "平均",
            "中位数",
            "最低",
            "最高",
            "极差",
            "分歧",
            "合议",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for sheet in &sheets {
        let application = applications.iter().find(|a| a.id == sheet.application_id);
        let result = application
            .and_then(|a| a.reviews.get(&phase))
            .and_then(|review| review.result.as_ref());
        let expert_name = pool
            .iter()
            .find(|expert| expert.id == sheet.expert_id)
            .map(|expert| expert.profile.name.clone())
            .unwrap_or_default();
        for item in cycle.rules.rubric.items() {
            let percent = sheet.items.get(&item.id).copied().unwrap_or_default();
            let aggregated = result.and_then(|r| r.items.iter().find(|i| i.item == item.id));
            let stats = panel_stats
                .get(&sheet.application_id)
                .and_then(|stats| stats.iter().find(|s| s.item == item.id));
            let cell = |value: Option<Centi>| value.map(|v| v.to_string()).unwrap_or_default();
            rows.push(vec![
                sheet.application_id.to_string(),
                application
                    .map(|a| a.organisation_name().to_owned())
                    .unwrap_or_default(),
                expert_name.clone(),
                item.id.clone(),
                item.name.clone(),
                item.points.to_string(),
                percent.to_string(),
                scoring::item_score(percent, item.points).to_string(),
                aggregated.map(|i| i.score.to_string()).unwrap_or_default(),
                cell(stats.and_then(|s| s.mean)),
                cell(stats.and_then(|s| s.median)),
                cell(stats.and_then(|s| s.min)),
                cell(stats.and_then(|s| s.max)),
                cell(stats.and_then(|s| s.spread)),
                aggregated
                    .map(|i| if i.disagreement { "是" } else { "否" }.to_owned())
                    .unwrap_or_default(),
                aggregated
                    .map(|i| {
                        match i.source {
                            scoring::ScoreSource::Consensus => "是",
                            scoring::ScoreSource::Independent => "否",
                        }
                        .to_owned()
                    })
                    .unwrap_or_default(),
            ]);
        }
    }
    crate::export::csv_file(format!("scores-{cycle_id}-{}.csv", phase.as_str()), &rows)
}

/// `GET /cycles/{id}/ranking.csv` (office): the combined ranking.
pub async fn ranking_csv(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<(String, String), AppError> {
    let ranking = ranking(app, caller, cycle_id).await?;
    let mut rows = vec![
        [
            "名次",
            "申报编号",
            "单位名称",
            "资料评审",
            "现场评审",
            "满意度",
            "综合得分",
            "达到候选线",
            "候选",
            "同分排序依据",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for line in &ranking.lines {
        rows.push(vec![
            line.ranked.position.to_string(),
            line.ranked.application.clone(),
            line.organisation_name.clone(),
            line.document_review.to_string(),
            line.onsite_review.to_string(),
            line.satisfaction.to_string(),
            line.ranked.combined.to_string(),
            if line.ranked.meets_bar { "是" } else { "否" }.to_owned(),
            if line.candidate { "是" } else { "否" }.to_owned(),
            line.ranked
                .tie_broken_by
                .map(|key| {
                    serde_json::to_value(key)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
        ]);
    }
    crate::export::csv_file(format!("ranking-{cycle_id}.csv"), &rows)
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
