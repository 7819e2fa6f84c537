//! Aggregation of a panel's sheets, on demand and from the `aggregate` function's stream.

use super::*;

/// What one aggregation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// Everything aggregation reads of the application's partition, by key and key prefix so that it
/// does not grow with the application's history (its audit records, notices and other panels are
/// not read): the application, the phase's panel, and for the on-site phase the documents (the
/// review report), at once — one round trip.
pub(super) struct Partition {
    pub(super) application: Stored<Application>,
    pub(super) documents: Vec<Document>,
    pub(super) panel: Vec<Assignment>,
}

pub(super) async fn load_partition(
    app: &App,
    application_id: Ulid,
    phase: ReviewPhase,
) -> Result<Partition, AppError> {
    let documents = async {
        match phase {
            ReviewPhase::Onsite => applications::documents_of(app, application_id).await,
            ReviewPhase::Document => Ok(Vec::new()),
        }
    };
    let (application, panel, documents) = tokio::try_join!(
        applications::load_application(app, application_id),
        crate::reads::assignments::panel(app, application_id, phase),
        documents
    )?;
    Ok(Partition {
        application,
        documents,
        panel: panel.into_iter().map(|stored| stored.record).collect(),
    })
}

/// Aggregates one phase of one application (see the module docs). `actor` is the Office's
/// subject or [`SYSTEM_ACTOR`]. Table calls: 1 get and 1 query (2 on site) at once, then 1 get
/// (the cycle; with the unit), then nothing (waiting, unchanged), 1 transaction (recorded), or
/// the stage path's one transaction (completed: it decides on what was read here).
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
        // The cycle (its rules) and the unit (the completion's notices) at once.
        let (cycle, recommender) =
            tokio::try_join!(cycles::load_cycle(app, &application.cycle_id), async {
                match application.recommender_id {
                    Some(unit) => crate::reads::units::load_recommender(app, unit)
                        .await
                        .map(|stored| Some(stored.record)),
                    None => Ok(None),
                }
            })?;
        let cycle = cycle.record;
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
            // Decided first on what was read above (the save is guarded by its version).
            let loaded = stage::Loaded {
                application: partition.application.clone(),
                cycle: cycle.clone(),
                recommender,
                quota: None,
            };
            let outcome = stage::advance_loaded(
                app,
                &request,
                Some(loaded),
                |_| Ok(()),
                |application| {
                    let review = application.reviews.entry(phase).or_default();
                    review.result = Some(result.clone());
                    review.aggregated_at = Some(now);
                    Ok(())
                },
                |_, _| Ok(Tx::new()),
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
/// aggregates its panel; a redelivered record finds nothing changed. In order, up to the first
/// record that fails, which the partial batch response names, so that the stream delivers the
/// batch again from it.
pub async fn table_changes<'r>(
    app: &App,
    changes: impl Into<Changes<'r>>,
    now: DateTime<Utc>,
) -> Result<StreamBatchOutcome, AppError> {
    partial_batch(changes, |record| async move {
        let target = match typed_image::<Assignment>(&record, "assignment") {
            Ok(Some(assignment)) => (assignment.status == AssignmentStatus::Submitted)
                .then_some((assignment.application_id, assignment.phase)),
            Err(skipped) => return skipped,
            Ok(None) => match typed_image::<Document>(&record, "document") {
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
