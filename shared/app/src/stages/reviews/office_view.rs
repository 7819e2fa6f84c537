//! The Office's view of a phase's review.

use super::*;

/// One expert's sheet as the Office sees it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SheetView {
    #[schemars(with = "String")]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PhaseView {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub phase: ReviewPhase,
    pub state: ApplicationState,
    pub review: PhaseReview,
    pub sheets: Vec<SheetView>,
    /// Per rubric item, over the counted submitted sheets: mean, median, spread.
    pub item_stats: Vec<ItemStats>,
}

/// One rubric item's statistics over the counted submitted sheets, in hundredths of a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
