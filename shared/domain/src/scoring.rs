//! Scoring and aggregation (Arts. 8, 11(5)–(7), 20): expert score sheets against the rubric,
//! aggregation across experts, disagreement flags and consensus, the on-site shortlist, the
//! combined evaluation, ranking and the candidate list (≤ the Art. 4 quota).
//!
//! All arithmetic is on integers in hundredths ([`Centi`]), rounding half up once per division,
//! so results do not depend on the order experts or applications are given in.

use crate::rules::{
    AggregationMethod, Centi, ReviewRules, SpreadMeasure, TRIMMED_MEAN_MIN_EXPERTS,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Art. 11(5)–(6): each item is scored as a percentage of its points in steps of 5%.
pub const PERCENT_STEP: u8 = 5;

/// One expert's independent scores for one application: item id → percentage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreSheet {
    pub expert: String,
    pub items: BTreeMap<String, u8>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScoringError {
    #[error("item {item} is not in the rubric")]
    UnknownItem { item: String },
    #[error("item {item} is not scored")]
    MissingItem { item: String },
    #[error("item {item}: {percent}% is not a multiple of 5 between 0 and 100")]
    BadPercent { item: String, percent: u8 },
    #[error("no score sheets")]
    NoSheets,
    #[error("expert {expert} submitted two sheets")]
    DuplicateExpert { expert: String },
    #[error("satisfaction {value} is outside 0–100")]
    BadSatisfaction { value: Centi },
    #[error("category {category} is not in the rubric")]
    UnknownCategory { category: String },
    #[error("the comment on category {category} has {chars} characters; at most {max} are allowed")]
    CommentTooLong {
        category: String,
        chars: usize,
        max: usize,
    },
}

/// An expert's comment on one GB/T 19580 category, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// Art. 11(5)–(6): a percentage of an item's points is 0–100 in steps of [`PERCENT_STEP`]; the
/// applicant's self-assessment (Art. 11(2)) uses the same scale.
pub fn is_valid_percent(percent: u8) -> bool {
    percent <= 100 && percent.is_multiple_of(PERCENT_STEP)
}

fn check_percent(item: &str, percent: u8) -> Result<(), ScoringError> {
    if !is_valid_percent(percent) {
        return Err(ScoringError::BadPercent {
            item: item.into(),
            percent,
        });
    }
    Ok(())
}

/// Art. 11(5): a draft score sheet (item id → percentage) may be partial, but every item given
/// must be in the rubric and scored 0–100 in 5 % steps. Errors: the first `UnknownItem` or
/// `BadPercent`, items in id order.
pub fn validate_draft(
    rules: &ReviewRules,
    items: &BTreeMap<String, u8>,
) -> Result<(), ScoringError> {
    for (item, percent) in items {
        if rules.rubric.item(item).is_none() {
            return Err(ScoringError::UnknownItem { item: item.clone() });
        }
        check_percent(item, *percent)?;
    }
    Ok(())
}

/// Art. 11(5)–(6): an expert's comments, one per GB/T 19580 category (keys are the ids of
/// `rules.rubric.categories`, e.g. `"4.1"`; a category may be left without one), each at most
/// [`MAX_COMMENT_CHARS`] characters. Errors: `UnknownCategory`, `CommentTooLong`, the first in
/// category id order.
pub fn validate_comments(
    rules: &ReviewRules,
    comments: &BTreeMap<String, String>,
) -> Result<(), ScoringError> {
    for (category, comment) in comments {
        if !rules.rubric.categories.iter().any(|c| &c.id == category) {
            return Err(ScoringError::UnknownCategory {
                category: category.clone(),
            });
        }
        let chars = comment.chars().count();
        if chars > MAX_COMMENT_CHARS {
            return Err(ScoringError::CommentTooLong {
                category: category.clone(),
                chars,
                max: MAX_COMMENT_CHARS,
            });
        }
    }
    Ok(())
}

/// Art. 11(5): a sheet must score every rubric item, and nothing else, in 5% steps.
pub fn validate_sheet(rules: &ReviewRules, sheet: &ScoreSheet) -> Result<(), ScoringError> {
    validate_draft(rules, &sheet.items)?;
    if let Some(missing) = rules
        .rubric
        .items()
        .find(|item| !sheet.items.contains_key(&item.id))
    {
        return Err(ScoringError::MissingItem {
            item: missing.id.clone(),
        });
    }
    Ok(())
}

/// Item score = percentage × points, in hundredths of a point (exact: 35% of 110 is 3850).
pub fn item_score(percent: u8, points: u32) -> Centi {
    Centi(i64::from(percent) * i64::from(points))
}

/// `numerator / denominator` rounded half up, for non-negative numerators.
fn divide_rounding(numerator: i64, denominator: i64) -> i64 {
    (2 * numerator + denominator) / (2 * denominator)
}

/// Aggregates one set of values with `method`. The result lies within [min, max]; `None` when empty.
pub fn aggregate(method: AggregationMethod, values: &[Centi]) -> Option<Centi> {
    let mut sorted: Vec<i64> = values.iter().map(|value| value.0).collect();
    sorted.sort_unstable();
    let count = sorted.len();
    if count == 0 {
        return None;
    }
    let mean = |slice: &[i64]| divide_rounding(slice.iter().sum(), slice.len() as i64);
    let value = match method {
        AggregationMethod::Mean => mean(&sorted),
        AggregationMethod::Median if count % 2 == 1 => sorted[count / 2],
        AggregationMethod::Median => divide_rounding(sorted[count / 2 - 1] + sorted[count / 2], 2),
        AggregationMethod::TrimmedMean if count >= TRIMMED_MEAN_MIN_EXPERTS => {
            mean(&sorted[1..count - 1])
        }
        AggregationMethod::TrimmedMean => mean(&sorted),
    };
    Some(Centi(value))
}

/// Whether the experts' percentages for one item disagree beyond the threshold (Art. 11(5)–(6)).
/// The standard deviation test is exact: σ > t ⇔ n·Σx² − (Σx)² > n²·t².
pub fn disagrees(measure: SpreadMeasure, threshold_percent: u32, percents: &[u8]) -> bool {
    Spread::of(percents).is_some_and(|spread| spread.exceeds(measure, threshold_percent))
}

/// One item's percentages summed up in one pass: everything the disagreement test, the mean, the
/// trimmed mean and the item's min and max need, so none of them sorts or allocates.
#[derive(Debug, Clone, Copy)]
struct Spread {
    count: i64,
    min: u8,
    max: u8,
    sum: i64,
    sum_of_squares: i64,
}

impl Spread {
    /// `None` when there are no percentages.
    fn of(percents: &[u8]) -> Option<Self> {
        let (&first, rest) = percents.split_first()?;
        let mut spread = Self {
            count: 1,
            min: first,
            max: first,
            sum: i64::from(first),
            sum_of_squares: i64::from(first) * i64::from(first),
        };
        for &percent in rest {
            let value = i64::from(percent);
            spread.count += 1;
            spread.min = spread.min.min(percent);
            spread.max = spread.max.max(percent);
            spread.sum += value;
            spread.sum_of_squares += value * value;
        }
        Some(spread)
    }

    fn exceeds(&self, measure: SpreadMeasure, threshold_percent: u32) -> bool {
        let threshold = i64::from(threshold_percent);
        match measure {
            SpreadMeasure::Range => i64::from(self.max) - i64::from(self.min) > threshold,
            SpreadMeasure::StandardDeviation => {
                let n = self.count;
                n * self.sum_of_squares - self.sum * self.sum > n * n * threshold * threshold
            }
        }
    }
}

/// Where an item's aggregated score came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreSource {
    Independent,
    Consensus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemResult {
    pub item: String,
    pub points: u32,
    pub score: Centi,
    pub source: ScoreSource,
    pub min: Centi,
    pub max: Centi,
    /// The independent scores disagree beyond the threshold.
    pub disagreement: bool,
}

/// One application's aggregated review (document or on-site).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewResult {
    pub experts: usize,
    pub items: Vec<ItemResult>,
    /// The sum of the item scores (after consensus), in hundredths of a point.
    pub total: Centi,
    /// Items whose disagreement has no consensus yet: the review is not final until this is empty.
    pub needs_consensus: Vec<String>,
}

impl ReviewResult {
    pub fn is_final(&self) -> bool {
        self.needs_consensus.is_empty()
    }

    /// The total of one category (used by the ranking tie-break on Results).
    pub fn category_total(&self, rules: &ReviewRules, category_id: &str) -> Centi {
        Centi(
            self.items
                .iter()
                .filter(|item| {
                    rules
                        .rubric
                        .category_of(&item.item)
                        .is_some_and(|c| c.id == category_id)
                })
                .map(|item| item.score.0)
                .sum(),
        )
    }
}

/// Art. 11(5)–(6): aggregates the independent sheets of one review with the cycle's method, flags
/// disagreements, and lets consensus percentages (item id → percentage agreed in a consensus round)
/// replace the independent scores of their items. Scores are in hundredths of a point; `items` is
/// in rubric order. Lays the sheets out as a [`PanelScores`] and runs [`panel_result`]; a caller
/// aggregating many panels under the same rules can build those once and call [`panel_result`].
///
/// Errors: `NoSheets`; else, sheet by sheet in the order given, the sheet's [`validate_sheet`]
/// error or `DuplicateExpert`; else the consensus's first `UnknownItem` or `BadPercent` (item id
/// order).
pub fn review_result(
    rules: &ReviewRules,
    sheets: &[ScoreSheet],
    consensus: &BTreeMap<String, u8>,
) -> Result<ReviewResult, ScoringError> {
    panel_result(&PanelScores::new(rules, sheets)?, consensus)
}

/// Art. 11(5)–(6): one panel's complete score sheets, validated against the rules they are kept
/// with and laid out flat for aggregation: the percentages item-major in rubric order, one row of
/// `experts().len()` bytes per item, the experts in the order their sheets were given. Aggregating
/// this reads each row once, with no lookups by item id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelScores<'r> {
    rules: &'r ReviewRules,
    experts: Vec<String>,
    percents: Vec<u8>,
}

impl<'r> PanelScores<'r> {
    /// Validates and lays out `sheets` (each must score every rubric item, see
    /// [`validate_sheet`]). Errors, the same as [`review_result`]'s for the same sheets:
    /// `NoSheets`; else, sheet by sheet in the order given, the sheet's [`validate_sheet`] error or
    /// `DuplicateExpert`.
    pub fn new(rules: &'r ReviewRules, sheets: &[ScoreSheet]) -> Result<Self, ScoringError> {
        if sheets.is_empty() {
            return Err(ScoringError::NoSheets);
        }
        let rubric = &rules.rubric;
        let item_count = rubric.items().count();
        // A sheet's items iterate in id order; when the rubric's order is that order too (as in
        // GB/T 19580, and its ids are then distinct), one walk of both checks and copies a sheet.
        // Otherwise, or when the walk finds anything wrong, `validate_sheet` decides and names
        // the error exactly as the sheet-at-a-time path always has.
        let rubric_in_id_order = rubric
            .items()
            .zip(rubric.items().skip(1))
            .all(|(a, b)| a.id < b.id);
        let count = sheets.len();
        let mut percents = vec![0; item_count * count];
        let mut seen = BTreeSet::new();
        for (column, sheet) in sheets.iter().enumerate() {
            let mut walked = rubric_in_id_order && sheet.items.len() == item_count;
            if walked {
                for (row, ((id, &percent), item)) in
                    sheet.items.iter().zip(rubric.items()).enumerate()
                {
                    if *id != item.id || !is_valid_percent(percent) {
                        walked = false;
                        break;
                    }
                    percents[row * count + column] = percent;
                }
            }
            if !walked {
                validate_sheet(rules, sheet)?;
                for (row, item) in rubric.items().enumerate() {
                    percents[row * count + column] =
                        *sheet
                            .items
                            .get(&item.id)
                            .ok_or_else(|| ScoringError::MissingItem {
                                item: item.id.clone(),
                            })?;
                }
            }
            if !seen.insert(sheet.expert.as_str()) {
                return Err(ScoringError::DuplicateExpert {
                    expert: sheet.expert.clone(),
                });
            }
        }
        Ok(Self {
            rules,
            experts: sheets.iter().map(|sheet| sheet.expert.clone()).collect(),
            percents,
        })
    }

    /// The rules the sheets were validated against, which [`panel_result`] aggregates with.
    pub fn rules(&self) -> &'r ReviewRules {
        self.rules
    }

    /// The experts' ids, one per sheet, in the order the sheets were given.
    pub fn experts(&self) -> &[String] {
        &self.experts
    }

    /// The percentages (0–100 in steps of [`PERCENT_STEP`]): `experts().len()` per rubric item,
    /// items in rubric order; expert `e`'s percentage for item `i` is at `i * experts().len() + e`.
    pub fn percents(&self) -> &[u8] {
        &self.percents
    }
}

/// Art. 11(5)–(6): [`review_result`] over sheets already laid out: the same result, bit for bit,
/// under `panel.rules()`. Allocates the result (and, for the median, one scratch row), nothing per
/// expert or item score.
///
/// Errors: the consensus's first `UnknownItem` or `BadPercent` (item id order).
pub fn panel_result(
    panel: &PanelScores<'_>,
    consensus: &BTreeMap<String, u8>,
) -> Result<ReviewResult, ScoringError> {
    let rules = panel.rules;
    validate_draft(rules, consensus)?;
    let experts = panel.experts.len();
    // `PanelScores::new` refuses an empty panel; this keeps `chunks_exact` from ever getting 0.
    if experts == 0 {
        return Err(ScoringError::NoSheets);
    }
    // Resolved to rubric positions once, so the per-item loop looks nothing up by id.
    let agreed: Vec<Option<u8>> = if consensus.is_empty() {
        Vec::new()
    } else {
        rules
            .rubric
            .items()
            .map(|item| consensus.get(&item.id).copied())
            .collect()
    };
    let mut scratch = Vec::new();
    let mut items = Vec::with_capacity(panel.percents.len() / experts);
    let mut needs_consensus = Vec::new();
    let mut total = 0;
    let rows = panel.percents.chunks_exact(experts);
    for (index, (item, row)) in rules.rubric.items().zip(rows).enumerate() {
        let spread = Spread::of(row).ok_or(ScoringError::NoSheets)?;
        let disagreement = spread.exceeds(
            rules.disagreement.measure,
            rules.disagreement.threshold_percent,
        );
        let (score, source) = match agreed.get(index).copied().flatten() {
            Some(percent) => (item_score(percent, item.points), ScoreSource::Consensus),
            None => {
                if disagreement {
                    needs_consensus.push(item.id.clone());
                }
                let score =
                    aggregate_row(rules.aggregation, item.points, row, &spread, &mut scratch);
                (score, ScoreSource::Independent)
            }
        };
        total += score.0;
        items.push(ItemResult {
            item: item.id.clone(),
            points: item.points,
            score,
            source,
            min: item_score(spread.min, item.points),
            max: item_score(spread.max, item.points),
            disagreement,
        });
    }
    Ok(ReviewResult {
        experts,
        items,
        total: Centi(total),
        needs_consensus,
    })
}

/// [`aggregate`] of one item's scores, from its percentages: a score is percentage × points, so
/// sums, the dropped min and max and the middle values scale by the points and the rounding is
/// the same. `scratch` is reused across items for the median's ordering.
fn aggregate_row(
    method: AggregationMethod,
    points: u32,
    row: &[u8],
    spread: &Spread,
    scratch: &mut Vec<u8>,
) -> Centi {
    let points = i64::from(points);
    let mean = || divide_rounding(points * spread.sum, spread.count);
    let value = match method {
        AggregationMethod::Mean => mean(),
        AggregationMethod::TrimmedMean if row.len() >= TRIMMED_MEAN_MIN_EXPERTS => {
            let middle = spread.sum - i64::from(spread.min) - i64::from(spread.max);
            divide_rounding(points * middle, spread.count - 2)
        }
        AggregationMethod::TrimmedMean => mean(),
        AggregationMethod::Median => {
            scratch.clear();
            scratch.extend_from_slice(row);
            scratch.sort_unstable();
            let half = scratch.len() / 2;
            let upper = i64::from(scratch[half]);
            if scratch.len() % 2 == 1 {
                points * upper
            } else {
                divide_rounding(points * (i64::from(scratch[half - 1]) + upper), 2)
            }
        }
    };
    Centi(value)
}

/// A rubric total on the 0–100 scale, in hundredths.
pub fn normalise(rules: &ReviewRules, total: Centi) -> Centi {
    Centi(divide_rounding(
        total.0 * 100,
        i64::from(rules.rubric.total_points.max(1)),
    ))
}

/// Art. 11(5): one application's document-review outcome, as the shortlist needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentReviewed {
    pub application: String,
    pub total: Centi,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShortlistDecision {
    /// Best first.
    pub shortlisted: Vec<String>,
    pub not_shortlisted: Vec<String>,
}

/// Art. 11(5): who goes to on-site review. Order: document-review total (higher first), then the
/// earlier submission, then the application id — so `top_n` cuts a strict order.
pub fn shortlist(rules: &ReviewRules, reviewed: &[DocumentReviewed]) -> ShortlistDecision {
    let mut ordered: Vec<&DocumentReviewed> = reviewed.iter().collect();
    ordered.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.submitted_at.cmp(&b.submitted_at))
            .then(a.application.cmp(&b.application))
    });
    let policy = rules.shortlist;
    let limit = policy.top_n.map_or(usize::MAX, |n| n as usize);
    let mut decision = ShortlistDecision {
        shortlisted: Vec::new(),
        not_shortlisted: Vec::new(),
    };
    for entry in ordered {
        let meets_bar = policy
            .min_document_score
            .is_none_or(|min| entry.total >= min);
        if meets_bar && decision.shortlisted.len() < limit {
            decision.shortlisted.push(entry.application.clone());
        } else {
            decision.not_shortlisted.push(entry.application.clone());
        }
    }
    decision
}

/// Art. 11(6)–(7): everything the combined evaluation of one application needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EvaluationInput {
    pub application: String,
    /// Document-review total, hundredths of a rubric point.
    pub document_review: Centi,
    /// On-site review total, hundredths of a rubric point.
    pub onsite_review: Centi,
    /// On-site review total of the Results category (GB/T 19580 4.7), for the tie-break.
    pub onsite_results: Centi,
    /// Customer/public satisfaction survey, 0–100 in hundredths.
    pub satisfaction: Centi,
    pub submitted_at: DateTime<Utc>,
}

/// The keys of the ranking tie-break, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    OnsiteReview,
    OnsiteResults,
    DocumentReview,
    Satisfaction,
    SubmittedEarlier,
    ApplicationId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ranked {
    pub application: String,
    /// 1-based position.
    pub position: u32,
    /// Combined score out of 100, hundredths.
    pub combined: Centi,
    pub meets_bar: bool,
    /// When this entry's combined score equals the previous entry's, the key that separated them.
    pub tie_broken_by: Option<TieBreak>,
}

/// Art. 11(7): combined score = Σ weight × component on the 0–100 scale (document and on-site totals
/// normalised by the rubric's points), in hundredths.
pub fn combined_score(rules: &ReviewRules, input: &EvaluationInput) -> Result<Centi, ScoringError> {
    if !(0..=10_000).contains(&input.satisfaction.0) {
        return Err(ScoringError::BadSatisfaction {
            value: input.satisfaction,
        });
    }
    let weights = rules.weights;
    let weighted = i64::from(weights.document_review) * normalise(rules, input.document_review).0
        + i64::from(weights.onsite_review) * normalise(rules, input.onsite_review).0
        + i64::from(weights.satisfaction) * input.satisfaction.0;
    Ok(Centi(divide_rounding(
        weighted,
        i64::from(crate::rules::WEIGHT_ONE),
    )))
}

/// Art. 11(7): ranks applications by combined score. Documented tie-break, applied in order when
/// combined scores are equal: higher on-site total, higher on-site Results (4.7) total, higher
/// document-review total, higher satisfaction, earlier submission, smaller application id. The
/// last two only make the order total; `tie_broken_by` shows the Committee when they were needed.
pub fn rank(rules: &ReviewRules, inputs: &[EvaluationInput]) -> Result<Vec<Ranked>, ScoringError> {
    let mut scored = inputs
        .iter()
        .map(|input| combined_score(rules, input).map(|combined| (combined, input)))
        .collect::<Result<Vec<_>, _>>()?;
    let tie_break = |a: &EvaluationInput, b: &EvaluationInput| -> (Ordering, Option<TieBreak>) {
        let keys = [
            (
                b.onsite_review.cmp(&a.onsite_review),
                TieBreak::OnsiteReview,
            ),
            (
                b.onsite_results.cmp(&a.onsite_results),
                TieBreak::OnsiteResults,
            ),
            (
                b.document_review.cmp(&a.document_review),
                TieBreak::DocumentReview,
            ),
            (b.satisfaction.cmp(&a.satisfaction), TieBreak::Satisfaction),
            (
                a.submitted_at.cmp(&b.submitted_at),
                TieBreak::SubmittedEarlier,
            ),
            (a.application.cmp(&b.application), TieBreak::ApplicationId),
        ];
        keys.into_iter()
            .find(|(ordering, _)| *ordering != Ordering::Equal)
            .map_or((Ordering::Equal, None), |(ordering, key)| {
                (ordering, Some(key))
            })
    };
    scored.sort_by(|(ca, a), (cb, b)| cb.cmp(ca).then_with(|| tie_break(a, b).0));
    let mut ranked: Vec<Ranked> = Vec::with_capacity(scored.len());
    for (index, (combined, input)) in scored.iter().enumerate() {
        let tie_broken_by = index
            .checked_sub(1)
            .and_then(|previous| scored.get(previous))
            .filter(|(previous_combined, _)| previous_combined == combined)
            .and_then(|(_, previous)| tie_break(previous, input).1);
        ranked.push(Ranked {
            application: input.application.clone(),
            position: index as u32 + 1,
            combined: *combined,
            meets_bar: *combined >= rules.candidate_min_combined,
            tie_broken_by,
        });
    }
    Ok(ranked)
}

/// Art. 4, 11(7): the candidate list is the best-ranked applications that meet the bar, never more
/// than `quota`; fewer, or none, when not enough meet the bar (places may stay vacant).
pub fn candidate_list(
    rules: &ReviewRules,
    quota: u32,
    inputs: &[EvaluationInput],
) -> Result<Vec<Ranked>, ScoringError> {
    Ok(rank(rules, inputs)?
        .into_iter()
        .filter(|entry| entry.meets_bar)
        .take(quota as usize)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CombinedWeights, DisagreementRule, ShortlistPolicy};
    use proptest::prelude::*;

    fn rules() -> ReviewRules {
        ReviewRules::default()
    }

    fn sheet(expert: &str, percent: u8) -> ScoreSheet {
        ScoreSheet {
            expert: expert.into(),
            items: rules()
                .rubric
                .items()
                .map(|item| (item.id.clone(), percent))
                .collect(),
        }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_225_600 + seconds, 0).unwrap()
    }

    #[test]
    fn item_score_is_percentage_times_points() {
        assert_eq!(item_score(35, 110), Centi(3850));
        assert_eq!(item_score(100, 400), Centi::from_whole(400));
    }

    #[test]
    fn sheets_must_be_complete_and_in_5_percent_steps() {
        let mut bad = sheet("e1", 50);
        bad.items.insert("4.1.2".into(), 52);
        assert_eq!(
            validate_sheet(&rules(), &bad),
            Err(ScoringError::BadPercent {
                item: "4.1.2".into(),
                percent: 52
            })
        );
        bad.items.insert("4.1.2".into(), 105);
        assert!(validate_sheet(&rules(), &bad).is_err());
        let mut missing = sheet("e1", 50);
        missing.items.remove("4.7.7");
        assert_eq!(
            validate_sheet(&rules(), &missing),
            Err(ScoringError::MissingItem {
                item: "4.7.7".into()
            })
        );
        let mut unknown = sheet("e1", 50);
        unknown.items.insert("9.9".into(), 50);
        assert_eq!(
            validate_sheet(&rules(), &unknown),
            Err(ScoringError::UnknownItem { item: "9.9".into() })
        );
        assert!(matches!(
            review_result(
                &rules(),
                &[sheet("e1", 50), sheet("e1", 60)],
                &BTreeMap::new()
            ),
            Err(ScoringError::DuplicateExpert { .. })
        ));
    }

    #[test]
    fn aggregation_methods() {
        let values = [
            Centi(100),
            Centi(200),
            Centi(300),
            Centi(400),
            Centi(10_000),
        ];
        assert_eq!(
            aggregate(AggregationMethod::Mean, &values),
            Some(Centi(2200))
        );
        assert_eq!(
            aggregate(AggregationMethod::Median, &values),
            Some(Centi(300))
        );
        assert_eq!(
            aggregate(AggregationMethod::TrimmedMean, &values),
            Some(Centi(300))
        );
        // Fewer than 5 experts: the trimmed mean is the mean.
        assert_eq!(
            aggregate(AggregationMethod::TrimmedMean, &values[..4]),
            Some(Centi(250))
        );
        assert_eq!(
            aggregate(AggregationMethod::Median, &values[..4]),
            Some(Centi(250))
        );
        // Half up: (1 + 2) / 2 = 1.5 → 2.
        assert_eq!(
            aggregate(AggregationMethod::Mean, &[Centi(1), Centi(2)]),
            Some(Centi(2))
        );
        assert_eq!(aggregate(AggregationMethod::Mean, &[]), None);
    }

    #[test]
    fn disagreement_by_range_and_by_standard_deviation() {
        assert!(!disagrees(SpreadMeasure::Range, 30, &[40, 70]));
        assert!(disagrees(SpreadMeasure::Range, 30, &[40, 75]));
        // σ of {40, 60} is exactly 10.
        assert!(!disagrees(SpreadMeasure::StandardDeviation, 10, &[40, 60]));
        assert!(disagrees(SpreadMeasure::StandardDeviation, 9, &[40, 60]));
        assert!(!disagrees(SpreadMeasure::Range, 0, &[50]));
    }

    #[test]
    fn consensus_replaces_independent_scores_of_disagreeing_items() {
        let mut rules = rules();
        rules.aggregation = AggregationMethod::Mean;
        rules.disagreement = DisagreementRule {
            measure: SpreadMeasure::Range,
            threshold_percent: 20,
        };
        let mut wild = sheet("e2", 50);
        wild.items.insert("4.7.4".into(), 90);
        let sheets = [sheet("e1", 50), wild, sheet("e3", 50)];
        let result = review_result(&rules, &sheets, &BTreeMap::new()).unwrap();
        assert_eq!(result.needs_consensus, vec!["4.7.4".to_string()]);
        assert!(!result.is_final());
        let item = result.items.iter().find(|i| i.item == "4.7.4").unwrap();
        // mean of 40, 72, 40 points = 50.67
        assert_eq!(item.score, Centi(5067));
        assert_eq!((item.min, item.max), (Centi(4000), Centi(7200)));

        let consensus = BTreeMap::from([("4.7.4".to_string(), 60u8)]);
        let settled = review_result(&rules, &sheets, &consensus).unwrap();
        assert!(settled.is_final());
        let item = settled.items.iter().find(|i| i.item == "4.7.4").unwrap();
        assert_eq!(
            (item.score, item.source),
            (Centi(4800), ScoreSource::Consensus)
        );
        assert!(item.disagreement);
        // Everything else at 50% of 1000 points, plus 4.7.4 at 60% of 80.
        assert_eq!(settled.total, Centi(50_000 - 4000 + 4800));
        assert_eq!(
            settled.category_total(&rules, "4.7"),
            Centi(20_000 - 4000 + 4800)
        );
    }

    #[test]
    fn a_draft_may_be_partial_but_never_wrong() {
        let rules = rules();
        assert_eq!(validate_draft(&rules, &BTreeMap::new()), Ok(()));
        let partial = BTreeMap::from([("4.1.2".to_string(), 35u8), ("4.7.7".to_string(), 100)]);
        assert_eq!(validate_draft(&rules, &partial), Ok(()));
        let mut off_step = partial.clone();
        off_step.insert("4.2.2".into(), 33);
        assert_eq!(
            validate_draft(&rules, &off_step),
            Err(ScoringError::BadPercent {
                item: "4.2.2".into(),
                percent: 33
            })
        );
        let mut unknown = partial;
        unknown.insert("4.1".into(), 50);
        assert_eq!(
            validate_draft(&rules, &unknown),
            Err(ScoringError::UnknownItem { item: "4.1".into() })
        );
    }

    #[test]
    fn comments_are_per_category_and_bounded() {
        let rules = rules();
        let mut comments = BTreeMap::from([
            ("4.1".to_string(), "领导作用突出。".to_string()),
            ("4.7".to_string(), "结".repeat(MAX_COMMENT_CHARS)),
        ]);
        assert_eq!(validate_comments(&rules, &comments), Ok(()));
        comments.insert("4.7".into(), "结".repeat(MAX_COMMENT_CHARS + 1));
        assert_eq!(
            validate_comments(&rules, &comments),
            Err(ScoringError::CommentTooLong {
                category: "4.7".into(),
                chars: MAX_COMMENT_CHARS + 1,
                max: MAX_COMMENT_CHARS
            })
        );
        // An item id is not a category.
        let item = BTreeMap::from([("4.1.2".to_string(), "x".to_string())]);
        assert_eq!(
            validate_comments(&rules, &item),
            Err(ScoringError::UnknownCategory {
                category: "4.1.2".into()
            })
        );
    }

    fn reviewed(application: &str, total: i64, submitted: i64) -> DocumentReviewed {
        DocumentReviewed {
            application: application.into(),
            total: Centi::from_whole(total),
            submitted_at: at(submitted),
        }
    }

    #[test]
    fn shortlist_by_bar_and_top_n() {
        let mut rules = rules();
        rules.shortlist = ShortlistPolicy {
            min_document_score: Some(Centi::from_whole(500)),
            top_n: Some(2),
        };
        let apps = [
            reviewed("a", 700, 0),
            reviewed("b", 450, 0),
            reviewed("c", 600, 5),
            reviewed("d", 600, 1),
        ];
        let decision = shortlist(&rules, &apps);
        assert_eq!(decision.shortlisted, vec!["a", "d"]);
        assert_eq!(decision.not_shortlisted, vec!["c", "b"]);
        rules.shortlist.top_n = None;
        assert_eq!(shortlist(&rules, &apps).shortlisted, vec!["a", "d", "c"]);
        rules.shortlist = ShortlistPolicy {
            min_document_score: None,
            top_n: Some(1),
        };
        assert_eq!(shortlist(&rules, &apps).shortlisted, vec!["a"]);
    }

    fn input(
        application: &str,
        document: i64,
        onsite: i64,
        results: i64,
        satisfaction: i64,
        submitted: i64,
    ) -> EvaluationInput {
        EvaluationInput {
            application: application.into(),
            document_review: Centi::from_whole(document),
            onsite_review: Centi::from_whole(onsite),
            onsite_results: Centi::from_whole(results),
            satisfaction: Centi::from_whole(satisfaction),
            submitted_at: at(submitted),
        }
    }

    #[test]
    fn combined_score_uses_the_weights() {
        let mut rules = rules();
        rules.weights = CombinedWeights {
            document_review: 3_000,
            onsite_review: 6_000,
            satisfaction: 1_000,
        };
        // 0.3 × 80 + 0.6 × 70 + 0.1 × 90 = 75
        let score = combined_score(&rules, &input("a", 800, 700, 300, 90, 0)).unwrap();
        assert_eq!(score, Centi::from_whole(75));
        assert!(matches!(
            combined_score(&rules, &input("a", 800, 700, 300, 101, 0)),
            Err(ScoringError::BadSatisfaction { .. })
        ));
    }

    #[test]
    fn ranking_tie_break_is_applied_in_documented_order() {
        let mut rules = rules();
        rules.weights = CombinedWeights {
            document_review: 5_000,
            onsite_review: 5_000,
            satisfaction: 0,
        };
        let inputs = [
            // a and b: equal combined (75), b has the higher on-site total.
            input("a", 800, 700, 300, 0, 0),
            input("b", 700, 800, 300, 0, 0),
            // c and d: equal in everything scored; d submitted earlier.
            input("c", 600, 600, 200, 50, 9),
            input("d", 600, 600, 200, 50, 1),
        ];
        let ranked = rank(&rules, &inputs).unwrap();
        let order: Vec<&str> = ranked.iter().map(|r| r.application.as_str()).collect();
        assert_eq!(order, vec!["b", "a", "d", "c"]);
        assert_eq!(ranked[1].tie_broken_by, Some(TieBreak::OnsiteReview));
        assert_eq!(ranked[3].tie_broken_by, Some(TieBreak::SubmittedEarlier));
        assert_eq!(ranked[2].tie_broken_by, None);
        assert_eq!(
            ranked.iter().map(|r| r.position).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
    }

    #[test]
    fn candidate_list_is_capped_by_quota_and_bar() {
        let mut rules = rules();
        rules.candidate_min_combined = Centi::from_whole(65);
        let inputs = [
            input("a", 900, 900, 350, 95, 0),
            input("b", 800, 800, 300, 90, 0),
            input("c", 750, 750, 300, 85, 0),
            input("d", 700, 700, 300, 80, 0),
            input("e", 300, 300, 100, 50, 0),
        ];
        let list = candidate_list(&rules, 3, &inputs).unwrap();
        assert_eq!(
            list.iter()
                .map(|r| r.application.as_str())
                .collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        // Nobody meets a higher bar: places stay vacant.
        rules.candidate_min_combined = Centi::from_whole(99);
        assert!(candidate_list(&rules, 3, &inputs).unwrap().is_empty());
    }

    /// `review_result` as it was before the flat layout (sheet maps, a sorted copy per item), kept
    /// as the reference the flat computation must match bit for bit.
    fn reference_review_result(
        rules: &ReviewRules,
        sheets: &[ScoreSheet],
        consensus: &BTreeMap<String, u8>,
    ) -> Result<ReviewResult, ScoringError> {
        if sheets.is_empty() {
            return Err(ScoringError::NoSheets);
        }
        let mut experts = BTreeSet::new();
        for sheet in sheets {
            validate_sheet(rules, sheet)?;
            if !experts.insert(sheet.expert.as_str()) {
                return Err(ScoringError::DuplicateExpert {
                    expert: sheet.expert.clone(),
                });
            }
        }
        for (item, percent) in consensus {
            if rules.rubric.item(item).is_none() {
                return Err(ScoringError::UnknownItem { item: item.clone() });
            }
            check_percent(item, *percent)?;
        }
        let mut items = Vec::new();
        let mut needs_consensus = Vec::new();
        for item in rules.rubric.items() {
            let percents: Vec<u8> = sheets
                .iter()
                .filter_map(|sheet| sheet.items.get(&item.id).copied())
                .collect();
            let scores: Vec<Centi> = percents
                .iter()
                .map(|p| item_score(*p, item.points))
                .collect();
            let disagreement = reference_disagrees(
                rules.disagreement.measure,
                rules.disagreement.threshold_percent,
                &percents,
            );
            let (score, source) = match consensus.get(&item.id) {
                Some(percent) => (item_score(*percent, item.points), ScoreSource::Consensus),
                None => {
                    if disagreement {
                        needs_consensus.push(item.id.clone());
                    }
                    let score =
                        aggregate(rules.aggregation, &scores).ok_or(ScoringError::NoSheets)?;
                    (score, ScoreSource::Independent)
                }
            };
            items.push(ItemResult {
                item: item.id.clone(),
                points: item.points,
                score,
                source,
                min: scores.iter().copied().min().unwrap_or_default(),
                max: scores.iter().copied().max().unwrap_or_default(),
                disagreement,
            });
        }
        let total = Centi(items.iter().map(|item| item.score.0).sum());
        Ok(ReviewResult {
            experts: sheets.len(),
            items,
            total,
            needs_consensus,
        })
    }

    /// `disagrees` as it was before the one-pass summary, for the reference above.
    fn reference_disagrees(
        measure: SpreadMeasure,
        threshold_percent: u32,
        percents: &[u8],
    ) -> bool {
        let values: Vec<i64> = percents.iter().map(|p| i64::from(*p)).collect();
        let (Some(min), Some(max)) = (values.iter().min(), values.iter().max()) else {
            return false;
        };
        let threshold = i64::from(threshold_percent);
        match measure {
            SpreadMeasure::Range => max - min > threshold,
            SpreadMeasure::StandardDeviation => {
                let n = values.len() as i64;
                let sum: i64 = values.iter().sum();
                let sum_of_squares: i64 = values.iter().map(|x| x * x).sum();
                n * sum_of_squares - sum * sum > n * n * threshold * threshold
            }
        }
    }

    /// What may be wrong with a generated panel, so the errors are compared too.
    #[derive(Debug, Clone)]
    enum Fault {
        /// The sheet leaves out the item at this rubric position.
        Missing { sheet: usize, item: usize },
        /// The sheet scores an item id the rubric does not have.
        Unknown { sheet: usize, suffix: u8 },
        /// The sheet scores the item at this rubric position with this byte, valid or not.
        Percent {
            sheet: usize,
            item: usize,
            percent: u8,
        },
        /// The sheet carries the first sheet's expert.
        Duplicate { sheet: usize },
        /// The consensus names an item id the rubric does not have.
        UnknownConsensus { suffix: u8 },
        /// The consensus gives the item at this rubric position this byte, valid or not.
        ConsensusPercent { item: usize, percent: u8 },
    }

    fn fault() -> impl Strategy<Value = Fault> {
        let sheet = 0usize..16;
        let item = 0usize..23;
        prop_oneof![
            (sheet.clone(), item.clone()).prop_map(|(sheet, item)| Fault::Missing { sheet, item }),
            (sheet.clone(), any::<u8>())
                .prop_map(|(sheet, suffix)| Fault::Unknown { sheet, suffix }),
            (sheet.clone(), item.clone(), any::<u8>()).prop_map(|(sheet, item, percent)| {
                Fault::Percent {
                    sheet,
                    item,
                    percent,
                }
            }),
            sheet.prop_map(|sheet| Fault::Duplicate { sheet }),
            any::<u8>().prop_map(|suffix| Fault::UnknownConsensus { suffix }),
            (item, any::<u8>())
                .prop_map(|(item, percent)| Fault::ConsensusPercent { item, percent }),
        ]
    }

    /// The rubric as configured, with each category's items in reverse (ids no longer in rubric
    /// order), or with one id used twice: the shapes the flat layout's quick walk does not take.
    fn rubric_variant(rules: &mut ReviewRules, variant: u8) {
        match variant {
            1 => rules
                .rubric
                .categories
                .iter_mut()
                .for_each(|category| category.items.reverse()),
            2 => {
                rules.rubric.categories[0].items[1].id =
                    rules.rubric.categories[0].items[0].id.clone()
            }
            _ => {}
        }
    }

    /// Sheets (`percents[expert][item]` in 5 % steps, rubric order), a consensus (rubric position
    /// → step) and faults, applied to `rules`' rubric.
    fn generated_panel(
        rules: &ReviewRules,
        percents: &[Vec<u8>],
        agreed: &[(usize, u8)],
        faults: &[Fault],
    ) -> (Vec<ScoreSheet>, BTreeMap<String, u8>) {
        let ids: Vec<String> = rules.rubric.items().map(|item| item.id.clone()).collect();
        let mut sheets: Vec<ScoreSheet> = percents
            .iter()
            .enumerate()
            .map(|(expert, steps)| ScoreSheet {
                expert: format!("e{expert}"),
                items: ids
                    .iter()
                    .cloned()
                    .zip(steps.iter().map(|step| step * 5))
                    .collect(),
            })
            .collect();
        let mut consensus: BTreeMap<String, u8> = agreed
            .iter()
            .map(|(item, step)| (ids[item % ids.len()].clone(), step * 5))
            .collect();
        let count = sheets.len().max(1);
        for fault in faults {
            match *fault {
                Fault::Missing { sheet, item } => {
                    if let Some(sheet) = sheets.get_mut(sheet % count) {
                        sheet.items.remove(&ids[item % ids.len()]);
                    }
                }
                Fault::Unknown { sheet, suffix } => {
                    if let Some(sheet) = sheets.get_mut(sheet % count) {
                        sheet.items.insert(format!("9.{suffix}"), 50);
                    }
                }
                Fault::Percent {
                    sheet,
                    item,
                    percent,
                } => {
                    if let Some(sheet) = sheets.get_mut(sheet % count) {
                        sheet.items.insert(ids[item % ids.len()].clone(), percent);
                    }
                }
                Fault::Duplicate { sheet } => {
                    if let Some(first) = sheets.first().map(|first| first.expert.clone())
                        && let Some(sheet) = sheets.get_mut(sheet % count)
                    {
                        sheet.expert = first;
                    }
                }
                Fault::UnknownConsensus { suffix } => {
                    consensus.insert(format!("9.{suffix}"), 50);
                }
                Fault::ConsensusPercent { item, percent } => {
                    consensus.insert(ids[item % ids.len()].clone(), percent);
                }
            }
        }
        (sheets, consensus)
    }

    #[test]
    fn a_panel_is_laid_out_item_major_and_serves_every_consensus() {
        let rules = rules();
        let mut second = sheet("e2", 50);
        second.items.insert("4.1.3".into(), 90);
        let sheets = [sheet("e1", 40), second, sheet("e0", 60)];
        let panel = PanelScores::new(&rules, &sheets).unwrap();
        assert_eq!(panel.experts(), ["e1", "e2", "e0"]);
        // Row 0 is 4.1.2, row 1 is 4.1.3; within a row, the experts in the order given.
        assert_eq!(&panel.percents()[..6], &[40, 50, 60, 40, 90, 60]);
        assert_eq!(panel.percents().len(), 23 * 3);
        for consensus in [
            BTreeMap::new(),
            BTreeMap::from([("4.1.3".to_string(), 70u8)]),
        ] {
            assert_eq!(
                panel_result(&panel, &consensus),
                reference_review_result(&rules, &sheets, &consensus)
            );
        }
        assert_eq!(PanelScores::new(&rules, &[]), Err(ScoringError::NoSheets));
    }

    fn centis() -> impl Strategy<Value = Vec<Centi>> {
        proptest::collection::vec((0i64..=40_000).prop_map(Centi), 1..12)
    }

    fn method() -> impl Strategy<Value = AggregationMethod> {
        prop_oneof![
            Just(AggregationMethod::Mean),
            Just(AggregationMethod::Median),
            Just(AggregationMethod::TrimmedMean)
        ]
    }

    proptest! {
        /// Aggregation does not depend on the order of the experts and stays within [min, max].
        #[test]
        fn aggregation_is_order_independent_and_bounded(values in centis(), method in method(), seed in any::<u64>()) {
            let result = aggregate(method, &values).unwrap();
            let mut shuffled = values.clone();
            // A deterministic permutation driven by the seed.
            let len = shuffled.len();
            for i in 0..len {
                let j = ((seed >> (i % 64)) as usize + i * 7) % len;
                shuffled.swap(i, j);
            }
            shuffled.reverse();
            prop_assert_eq!(aggregate(method, &shuffled).unwrap(), result);
            prop_assert!(values.iter().min().unwrap() <= &result);
            prop_assert!(&result <= values.iter().max().unwrap());
        }

        /// The whole review result is independent of the order of sheets.
        #[test]
        fn review_result_is_order_independent(percents in proptest::collection::vec(0u8..=20, 1..7), method in method()) {
            let mut rules = rules();
            rules.aggregation = method;
            let sheets: Vec<ScoreSheet> = percents.iter().enumerate()
                .map(|(i, p)| sheet(&format!("e{i}"), p * 5)).collect();
            let mut reversed = sheets.clone();
            reversed.reverse();
            let none = BTreeMap::new();
            prop_assert_eq!(review_result(&rules, &sheets, &none).unwrap(), review_result(&rules, &reversed, &none).unwrap());
        }

        /// The flat computation gives what the sheet-at-a-time one gave, results and errors alike,
        /// for every method and spread measure, with and without consensus, on the configured
        /// rubric and on rubrics whose ids are out of order or repeated.
        #[test]
        fn flat_aggregation_equals_the_sheet_at_a_time_one(
            percents in proptest::collection::vec(proptest::collection::vec(0u8..=20, 23), 0..=16),
            agreed in proptest::collection::vec((0usize..23, 0u8..=20), 1..4),
            faults in prop_oneof![
                3 => Just(Vec::new()),
                1 => proptest::collection::vec(fault(), 1..=2),
            ],
            threshold in 0u32..=100,
            variant in 0u8..3,
        ) {
            let mut rules = rules();
            rubric_variant(&mut rules, variant);
            rules.disagreement.threshold_percent = threshold;
            let (sheets, consensus) = generated_panel(&rules, &percents, &agreed, &faults);
            for method in [AggregationMethod::Mean, AggregationMethod::Median, AggregationMethod::TrimmedMean] {
                for measure in [SpreadMeasure::Range, SpreadMeasure::StandardDeviation] {
                    rules.aggregation = method;
                    rules.disagreement.measure = measure;
                    for consensus in [&BTreeMap::new(), &consensus] {
                        prop_assert_eq!(
                            review_result(&rules, &sheets, consensus),
                            reference_review_result(&rules, &sheets, consensus)
                        );
                    }
                }
            }
        }

        /// The candidate list never exceeds the quota, and all of it meets the bar.
        #[test]
        fn candidate_list_never_exceeds_quota(
            scores in proptest::collection::vec((0i64..=1000, 0i64..=1000, 0i64..=100), 0..12),
            quota in 0u32..=3,
        ) {
            let inputs: Vec<EvaluationInput> = scores.iter().enumerate()
                .map(|(i, (d, o, s))| input(&format!("app{i:02}"), *d, *o, o / 3, *s, i as i64)).collect();
            let list = candidate_list(&rules(), quota, &inputs).unwrap();
            prop_assert!(list.len() <= quota as usize);
            prop_assert!(list.iter().all(|entry| entry.combined >= rules().candidate_min_combined));
            let mut reversed = inputs.clone();
            reversed.reverse();
            prop_assert_eq!(candidate_list(&rules(), quota, &reversed).unwrap(), list);
        }
    }
}
