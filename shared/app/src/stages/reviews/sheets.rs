//! The expert's score sheet: read, saved as a draft, submitted.

use super::*;

/// `GET /reviews/{application}/{phase}` (the assigned expert).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MyReview {
    pub assignment: Assignment,
    pub version: u64,
    /// The rubric to score, once the pledge opened the evidence.
    pub rubric: Option<award_domain::rules::Rubric>,
    /// In the consensus round only: every counted expert's percentages for the disputed items.
    pub consensus_round: Option<ConsensusRound>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsensusRound {
    pub items: Vec<String>,
    /// Item id → the panel's percentages (experts unnamed; the leader sees the spread).
    pub percents: BTreeMap<String, Vec<u8>>,
    /// Category id → the panel's comments on it, for each category holding a disputed item
    /// (experts unnamed, empty comments left out): the panel deliberates together (Art. 11(6)).
    #[serde(default)]
    pub comments: BTreeMap<String, Vec<String>>,
}

pub(super) async fn own_assignment(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<Stored<Assignment>, AppError> {
    let expert_id = crate::reads::experts::id_of_caller(app, caller).await?;
    let (expert, assignment) = tokio::join!(
        crate::reads::experts::load(app, expert_id),
        crate::reads::assignments::load(app, application_id, phase, expert_id)
    );
    expert?;
    assignment
}

/// The application an expert's command is about, with its cycle (the rules it is scored by).
pub(super) type ApplicationRead = Result<
    (
        Stored<crate::model::Application>,
        Stored<crate::model::CycleRecord>,
    ),
    AppError,
>;

/// What an expert's command on its assignment reads, in two round trips: the caller's expert
/// record's id (`EXPERTACCOUNT#<sub>`) and the application at once, then the expert
/// (`ExpertInactive` when it left the pool), its assignment (`AssignmentNotFound`) and the
/// application's cycle at once. The application's read is handed back as it came (the command
/// decides whether it needs it).
pub(super) async fn expert_command_reads(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<(crate::model::Expert, Stored<Assignment>, ApplicationRead), AppError> {
    let (expert_id, application) = tokio::join!(
        crate::reads::experts::id_of_caller(app, caller),
        applications::load_application(app, application_id)
    );
    let expert_id = expert_id?;
    let (expert, assignment, cycle) = tokio::join!(
        crate::reads::experts::load(app, expert_id),
        crate::reads::assignments::load(app, application_id, phase, expert_id),
        async {
            match &application {
                Ok(stored) => Some(cycles::load_cycle(app, &stored.record.cycle_id).await),
                Err(_) => None,
            }
        }
    );
    let expert = expert?.record;
    if !expert.is_active() {
        return Err(AppError::ExpertInactive);
    }
    let application = match (application, cycle) {
        (Ok(application), Some(cycle)) => cycle.map(|cycle| (application, cycle)),
        (Err(error), _) => Err(error),
        (Ok(_), None) => Err(AppError::corrupt("an application read without its cycle")),
    };
    Ok((expert, assignment?, application))
}

/// The expert's own assignment and sheet. Errors: `ExpertNotFound`, `AssignmentNotFound`.
pub async fn my_review(
    app: &App,
    caller: &Caller,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<MyReview, AppError> {
    // The application is read with the assignment, for the rubric an opened sheet is shown with.
    let (stored, application) = tokio::join!(
        own_assignment(app, caller, application_id, phase),
        crate::reads::applications::load_application(app, application_id)
    );
    let stored = stored?;
    let opened = matches!(
        stored.record.status,
        AssignmentStatus::Accepted | AssignmentStatus::Submitted
    );
    let (rubric, consensus_round) = if opened {
        let application = application?.record;
        let cycle = cycles::load_cycle(app, &application.cycle_id).await?.record;
        let rubric = &cycle.cycle.rules.rubric;
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
                    comments: result
                        .needs_consensus
                        .iter()
                        .filter_map(|item| rubric.category_of(item))
                        .map(|category| {
                            let mut comments: Vec<String> = panel
                                .iter()
                                .filter(|member| member.record.counts())
                                .filter_map(|member| member.record.comments.get(&category.id))
                                .filter(|comment| !comment.trim().is_empty())
                                .cloned()
                                .collect();
                            // Sorted, so their order names no expert.
                            comments.sort_unstable();
                            (category.id.clone(), comments)
                        })
                        .collect(),
                })
            }
            _ => None,
        };
        (Some(cycle.cycle.rules.rubric.clone()), round)
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
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
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
    let input = &input;
    retry_on_conflict(|| async move {
        let (expert, stored, application) =
            expert_command_reads(app, caller, application_id, phase).await?;
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
        let (application, cycle) = application?;
        let application = application.record;
        require_scoring(&application, phase)?;
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
    input: ReasonInput,
    now: DateTime<Utc>,
) -> Result<Assignment, AppError> {
    caller.require(Role::Office)?;
    let reason = reason(&input.reason, "reopen the scores")?;
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
