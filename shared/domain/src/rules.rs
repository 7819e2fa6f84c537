//! A cycle's review rules (Art. 20): the GB/T 19580 rubric, the aggregation method, the disagreement
//! threshold, the on-site shortlist, the combined-evaluation weights, the candidate bar and the
//! publicity length. The Office writes them, the Committee approves them (Art. 7(2)), they are
//! validated when set and frozen once the first score is recorded (see `cycle`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Scores are integers in hundredths: hundredths of a point for rubric scores, hundredths of a
/// point out of 100 for normalised scores, satisfaction and the combined evaluation. Integer
/// arithmetic keeps aggregation exact and order-independent and makes ties exact.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Centi(pub i64);

impl Centi {
    pub const fn from_whole(points: i64) -> Self {
        Self(points * 100)
    }
}

impl std::fmt::Display for Centi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// One scored item of the rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RubricItem {
    pub id: String,
    pub name: String,
    pub points: u32,
}

/// A GB/T 19580 category and its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RubricCategory {
    pub id: String,
    pub name: String,
    pub points: u32,
    pub items: Vec<RubricItem>,
}

/// The scoring rubric (Art. 10(3), 11(5)–(6)): categories and items with their points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rubric {
    pub standard: String,
    pub total_points: u32,
    pub categories: Vec<RubricCategory>,
}

impl Rubric {
    /// GB/T 19580-2012 (卓越绩效评价准则): 7 categories, 1000 points, with the standard's items
    /// (clause numbers as ids). The items are configuration; this is the default.
    pub fn gb_t_19580_2012() -> Self {
        let category =
            |id: &str, name: &str, points: u32, items: &[(&str, &str, u32)]| RubricCategory {
                id: id.into(),
                name: name.into(),
                points,
                items: items
                    .iter()
                    .map(|(id, name, points)| RubricItem {
                        id: (*id).into(),
                        name: (*name).into(),
                        points: *points,
                    })
                    .collect(),
            };
        Self {
            standard: "GB/T 19580-2012".into(),
            total_points: 1000,
            categories: vec![
                category(
                    "4.1",
                    "领导",
                    110,
                    &[
                        ("4.1.2", "高层领导的作用", 50),
                        ("4.1.3", "组织治理", 30),
                        ("4.1.4", "社会责任", 30),
                    ],
                ),
                category(
                    "4.2",
                    "战略",
                    90,
                    &[("4.2.2", "战略制定", 40), ("4.2.3", "战略部署", 50)],
                ),
                category(
                    "4.3",
                    "顾客与市场",
                    90,
                    &[
                        ("4.3.2", "顾客和市场的了解", 40),
                        ("4.3.3", "顾客关系与顾客满意", 50),
                    ],
                ),
                category(
                    "4.4",
                    "资源",
                    130,
                    &[
                        ("4.4.2", "人力资源", 60),
                        ("4.4.3", "财务资源", 15),
                        ("4.4.4", "信息和知识资源", 20),
                        ("4.4.5", "技术资源", 15),
                        ("4.4.6", "基础设施", 10),
                        ("4.4.7", "相关方关系", 10),
                    ],
                ),
                category(
                    "4.5",
                    "过程管理",
                    100,
                    &[
                        ("4.5.2", "过程的识别与设计", 50),
                        ("4.5.3", "过程的实施与改进", 50),
                    ],
                ),
                category(
                    "4.6",
                    "测量、分析与改进",
                    80,
                    &[
                        ("4.6.2", "测量、分析和评价", 40),
                        ("4.6.3", "改进与创新", 40),
                    ],
                ),
                category(
                    "4.7",
                    "结果",
                    400,
                    &[
                        ("4.7.2", "产品和服务结果", 80),
                        ("4.7.3", "顾客与市场结果", 80),
                        ("4.7.4", "财务结果", 80),
                        ("4.7.5", "资源结果", 60),
                        ("4.7.6", "过程有效性结果", 50),
                        ("4.7.7", "领导方面的结果", 50),
                    ],
                ),
            ],
        }
    }

    pub fn items(&self) -> impl Iterator<Item = &RubricItem> {
        self.categories
            .iter()
            .flat_map(|category| category.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&RubricItem> {
        self.items().find(|item| item.id == id)
    }

    /// The category an item belongs to.
    pub fn category_of(&self, item_id: &str) -> Option<&RubricCategory> {
        self.categories
            .iter()
            .find(|category| category.items.iter().any(|item| item.id == item_id))
    }
}

/// How independent expert scores are combined (Art. 11(5)–(6)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AggregationMethod {
    Mean,
    Median,
    /// Drops one highest and one lowest score when there are at least
    /// [`TRIMMED_MEAN_MIN_EXPERTS`] experts; below that it is the mean.
    TrimmedMean,
}

pub const TRIMMED_MEAN_MIN_EXPERTS: usize = 5;

/// The spread measure for the disagreement flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpreadMeasure {
    /// max − min of the experts' percentages for an item.
    Range,
    /// Population standard deviation of the experts' percentages for an item.
    StandardDeviation,
}

/// An item needs a consensus round when its spread exceeds the threshold (in percentage points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisagreementRule {
    pub measure: SpreadMeasure,
    pub threshold_percent: u32,
}

/// Who goes to on-site review (Art. 11(5)): those at or above the bar, the best `top_n` of them, or
/// both combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShortlistPolicy {
    /// Minimum document-review total, in hundredths of a rubric point.
    pub min_document_score: Option<Centi>,
    pub top_n: Option<u32>,
}

/// Weights of the combined evaluation (Art. 11(7)), in basis points (1/10 000) so that "the weights
/// sum to 1" is exact: they must sum to 10 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CombinedWeights {
    pub document_review: u32,
    pub onsite_review: u32,
    pub satisfaction: u32,
}

pub const WEIGHT_ONE: u32 = 10_000;

/// Art. 11(8): publicity for no fewer than 5 working days.
pub const MIN_PUBLICITY_WORKING_DAYS: u32 = 5;

/// Everything a cycle's review is decided by (Art. 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewRules {
    pub rubric: Rubric,
    pub aggregation: AggregationMethod,
    pub disagreement: DisagreementRule,
    pub shortlist: ShortlistPolicy,
    pub weights: CombinedWeights,
    /// The bar for the candidate list: minimum combined score out of 100, in hundredths.
    pub candidate_min_combined: Centi,
    pub publicity_working_days: u32,
    /// Experts drawn per application for the document review (Art. 11(5)), 1–[`MAX_PANEL_SIZE`].
    #[serde(default = "default_document_panel_size")]
    pub document_panel_size: u32,
    /// The on-site panel (Art. 11(6)), one of them its leader, 1–[`MAX_PANEL_SIZE`].
    #[serde(default = "default_onsite_panel_size")]
    pub onsite_panel_size: u32,
}

/// The largest review panel a cycle may ask for.
pub const MAX_PANEL_SIZE: u32 = 15;

fn default_document_panel_size() -> u32 {
    5
}

fn default_onsite_panel_size() -> u32 {
    3
}

impl Default for ReviewRules {
    /// The default the Office starts from; every number is configuration.
    fn default() -> Self {
        Self {
            rubric: Rubric::gb_t_19580_2012(),
            aggregation: AggregationMethod::TrimmedMean,
            disagreement: DisagreementRule {
                measure: SpreadMeasure::Range,
                threshold_percent: 30,
            },
            shortlist: ShortlistPolicy {
                min_document_score: Some(Centi::from_whole(500)),
                top_n: Some(6),
            },
            weights: CombinedWeights {
                document_review: 3_000,
                onsite_review: 6_000,
                satisfaction: 1_000,
            },
            candidate_min_combined: Centi::from_whole(60),
            publicity_working_days: MIN_PUBLICITY_WORKING_DAYS,
            document_panel_size: default_document_panel_size(),
            onsite_panel_size: default_onsite_panel_size(),
        }
    }
}

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RulesError {
    #[error("the rubric has no items")]
    EmptyRubric,
    #[error("category {category} has {declared} points but its items sum to {items}")]
    CategoryPoints {
        category: String,
        declared: u32,
        items: u32,
    },
    #[error("the categories sum to {categories} points, the rubric declares {declared}")]
    TotalPoints { declared: u32, categories: u32 },
    #[error("id {id} is used twice in the rubric")]
    DuplicateId { id: String },
    #[error("item {item} has no points")]
    ZeroPoints { item: String },
    #[error("the combined-evaluation weights sum to {sum} basis points, not 10000")]
    WeightsSum { sum: u32 },
    #[error("the disagreement threshold {threshold_percent}% is above 100%")]
    Threshold { threshold_percent: u32 },
    #[error("the shortlist needs a minimum score, a top N (≥ 1), or both")]
    Shortlist,
    #[error("the shortlist minimum {min} is above the rubric's total")]
    ShortlistMinimum { min: Centi },
    #[error("the candidate bar {min} is outside 0–100")]
    CandidateBar { min: Centi },
    #[error("publicity must last at least 5 working days (Art. 11(8)), not {days}")]
    PublicityTooShort { days: u32 },
    #[error("the {panel} review panel has 1 to 15 experts, not {size}")]
    PanelSize { panel: Panel, size: u32 },
}

/// Which review panel a size is about (Art. 11(5)–(6)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    Document,
    Onsite,
}

impl std::fmt::Display for Panel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Document => "document",
            Self::Onsite => "on-site",
        })
    }
}

impl RulesError {
    /// The path in [`ReviewRules`]' JSON the error is about (`weights`,
    /// `disagreement.threshold_percent`, `document_panel_size`, …), so a form shows it beside its
    /// input; `rubric` for the rubric's own points and ids.
    pub fn field(&self) -> &'static str {
        match self {
            Self::EmptyRubric
            | Self::CategoryPoints { .. }
            | Self::TotalPoints { .. }
            | Self::DuplicateId { .. }
            | Self::ZeroPoints { .. } => "rubric",
            Self::WeightsSum { .. } => "weights",
            Self::Threshold { .. } => "disagreement.threshold_percent",
            Self::Shortlist => "shortlist",
            Self::ShortlistMinimum { .. } => "shortlist.min_document_score",
            Self::CandidateBar { .. } => "candidate_min_combined",
            Self::PublicityTooShort { .. } => "publicity_working_days",
            Self::PanelSize {
                panel: Panel::Document,
                ..
            } => "document_panel_size",
            Self::PanelSize {
                panel: Panel::Onsite,
                ..
            } => "onsite_panel_size",
        }
    }
}

impl ReviewRules {
    /// Art. 20: rules are checked when set — item points sum to each category, categories to the
    /// total, weights to 1, thresholds in range, publicity ≥ 5 working days.
    pub fn validate(&self) -> Result<(), RulesError> {
        let rubric = &self.rubric;
        if rubric.items().next().is_none() {
            return Err(RulesError::EmptyRubric);
        }
        let mut ids = BTreeSet::new();
        for category in &rubric.categories {
            if !ids.insert(category.id.as_str()) {
                return Err(RulesError::DuplicateId {
                    id: category.id.clone(),
                });
            }
            for item in &category.items {
                if !ids.insert(item.id.as_str()) {
                    return Err(RulesError::DuplicateId {
                        id: item.id.clone(),
                    });
                }
                if item.points == 0 {
                    return Err(RulesError::ZeroPoints {
                        item: item.id.clone(),
                    });
                }
            }
            let items: u32 = category.items.iter().map(|item| item.points).sum();
            if items != category.points {
                return Err(RulesError::CategoryPoints {
                    category: category.id.clone(),
                    declared: category.points,
                    items,
                });
            }
        }
        let categories: u32 = rubric
            .categories
            .iter()
            .map(|category| category.points)
            .sum();
        if categories != rubric.total_points {
            return Err(RulesError::TotalPoints {
                declared: rubric.total_points,
                categories,
            });
        }
        let weights = &self.weights;
        let sum = weights.document_review + weights.onsite_review + weights.satisfaction;
        if sum != WEIGHT_ONE {
            return Err(RulesError::WeightsSum { sum });
        }
        if self.disagreement.threshold_percent > 100 {
            return Err(RulesError::Threshold {
                threshold_percent: self.disagreement.threshold_percent,
            });
        }
        match self.shortlist {
            ShortlistPolicy {
                min_document_score: None,
                top_n: None,
            }
            | ShortlistPolicy { top_n: Some(0), .. } => {
                return Err(RulesError::Shortlist);
            }
            ShortlistPolicy {
                min_document_score: Some(min),
                ..
            } if min.0 < 0 || min > Centi::from_whole(i64::from(rubric.total_points)) => {
                return Err(RulesError::ShortlistMinimum { min });
            }
            _ => {}
        }
        if !(0..=10_000).contains(&self.candidate_min_combined.0) {
            return Err(RulesError::CandidateBar {
                min: self.candidate_min_combined,
            });
        }
        if self.publicity_working_days < MIN_PUBLICITY_WORKING_DAYS {
            return Err(RulesError::PublicityTooShort {
                days: self.publicity_working_days,
            });
        }
        for (panel, size) in [
            (Panel::Document, self.document_panel_size),
            (Panel::Onsite, self.onsite_panel_size),
        ] {
            if !(1..=MAX_PANEL_SIZE).contains(&size) {
                return Err(RulesError::PanelSize { panel, size });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default rules, to be varied field by field.
    fn default_rules() -> ReviewRules {
        ReviewRules::default()
    }

    #[test]
    fn the_default_rubric_is_gb_t_19580_2012() {
        let rules = ReviewRules::default();
        rules.validate().unwrap();
        let points: Vec<(&str, u32)> = rules
            .rubric
            .categories
            .iter()
            .map(|c| (c.name.as_str(), c.points))
            .collect();
        assert_eq!(
            points,
            vec![
                ("领导", 110),
                ("战略", 90),
                ("顾客与市场", 90),
                ("资源", 130),
                ("过程管理", 100),
                ("测量、分析与改进", 80),
                ("结果", 400)
            ]
        );
        assert_eq!(rules.rubric.total_points, 1000);
        assert_eq!(rules.rubric.category_of("4.7.4").unwrap().id, "4.7");
    }

    #[test]
    fn points_must_add_up() {
        let mut rules = default_rules();
        rules.rubric.categories[0].items[0].points = 40;
        assert_eq!(
            rules.validate(),
            Err(RulesError::CategoryPoints {
                category: "4.1".into(),
                declared: 110,
                items: 100
            })
        );
        let mut rules = default_rules();
        rules.rubric.total_points = 900;
        assert_eq!(
            rules.validate(),
            Err(RulesError::TotalPoints {
                declared: 900,
                categories: 1000
            })
        );
        let mut rules = default_rules();
        rules.rubric.categories[1].items[0].id = "4.1.2".into();
        assert!(matches!(
            rules.validate(),
            Err(RulesError::DuplicateId { .. })
        ));
    }

    #[test]
    fn weights_must_sum_to_one() {
        let mut rules = default_rules();
        rules.weights.satisfaction = 1_500;
        assert_eq!(
            rules.validate(),
            Err(RulesError::WeightsSum { sum: 10_500 })
        );
    }

    #[test]
    fn thresholds_shortlist_and_publicity_are_checked() {
        let mut rules = default_rules();
        rules.disagreement.threshold_percent = 101;
        assert!(matches!(
            rules.validate(),
            Err(RulesError::Threshold { .. })
        ));
        let mut rules = default_rules();
        rules.shortlist = ShortlistPolicy {
            min_document_score: None,
            top_n: None,
        };
        assert_eq!(rules.validate(), Err(RulesError::Shortlist));
        rules.shortlist = ShortlistPolicy {
            min_document_score: None,
            top_n: Some(0),
        };
        assert_eq!(rules.validate(), Err(RulesError::Shortlist));
        rules.shortlist = ShortlistPolicy {
            min_document_score: Some(Centi::from_whole(1001)),
            top_n: None,
        };
        assert!(matches!(
            rules.validate(),
            Err(RulesError::ShortlistMinimum { .. })
        ));
        for size in [0, MAX_PANEL_SIZE + 1] {
            let mut rules = default_rules();
            rules.onsite_panel_size = size;
            let error = rules.validate();
            assert_eq!(
                error,
                Err(RulesError::PanelSize {
                    panel: Panel::Onsite,
                    size
                })
            );
            assert_eq!(error.map_err(|e| e.field()), Err("onsite_panel_size"));
            let mut rules = default_rules();
            rules.document_panel_size = size;
            let error = rules.validate();
            assert_eq!(
                error,
                Err(RulesError::PanelSize {
                    panel: Panel::Document,
                    size
                })
            );
            assert_eq!(error.map_err(|e| e.field()), Err("document_panel_size"));
        }
        let mut rules = default_rules();
        rules.publicity_working_days = 4;
        assert_eq!(
            rules.validate(),
            Err(RulesError::PublicityTooShort { days: 4 })
        );
        let mut rules = default_rules();
        rules.candidate_min_combined = Centi::from_whole(101);
        assert!(matches!(
            rules.validate(),
            Err(RulesError::CandidateBar { .. })
        ));
    }

    #[test]
    fn centi_displays_two_decimals() {
        assert_eq!(Centi(3850).to_string(), "38.50");
        assert_eq!(Centi(-5).to_string(), "-0.05");
    }
}
