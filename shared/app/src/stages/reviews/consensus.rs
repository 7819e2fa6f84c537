//! The panel leader's consensus scores.

use super::*;

/// One consensus score: `{"percent": 60, "note": "…"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsensusScore {
    pub percent: u8,
    pub note: String,
}

/// `POST /reviews/{application}/{phase}/consensus` (the panel leader): item id → consensus.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
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
            let note = reason(&score.note, "record a consensus")?;
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
