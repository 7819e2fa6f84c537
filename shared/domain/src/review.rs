//! The expert review's pure rules (Arts. 8, 9(2), 19): the expert pool's profiles (专家库), the
//! automatic conflicts of interest (回避) and the optimised random draw of experts (专家抽取).
//!
//! The app keeps each expert's status (active, suspended, disqualified) and the declared conflicts;
//! it hands [`auto_assign`] only active experts and, per application, every expert who may not be
//! drawn for it ([`conflicts`], declared conflicts, the panel so far, earlier withdrawals).

use crate::eligibility::LOOKBACK_YEARS;
use crate::form::{
    Ask, CheckCharacter, FieldIssue, Issues, Label, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS,
    MAX_PERSON_NAME_CHARS, is_industry_section, label,
};
use crate::period;
use chrono::NaiveDate;
use pathfinding::directed::dijkstra::dijkstra_all;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Art. 8, 9(2): where an expert comes from (党政机关、行业协会、新闻单位、大专院校、科研机构及企事业单位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Government,
    Association,
    Media,
    University,
    ResearchInstitute,
    Enterprise,
}

/// One past or present employer (the 3-year look-back of the recusal rule). Dates are China dates;
/// `until` is the last day worked there, `None` while the expert still works there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    pub employer: String,
    pub uscc: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// A relation the Office records between an expert and an organisation (Art. 19: any other
/// interest that could affect fairness).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub uscc: String,
    pub reason: String,
}

/// The expert's profile as the Office keeps it; status lives in the app's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertProfile {
    pub name: String,
    pub sector: Sector,
    pub employer: String,
    pub employer_uscc: String,
    /// Employment of the last 3 years, the current employer included or not.
    pub history: Vec<Employment>,
    /// GB/T 4754-2017 section letters A–T.
    pub specialities: BTreeSet<char>,
    pub email: String,
    pub relations: Vec<Relation>,
}

/// Employments listed in a profile (3 years rarely hold more than a few).
pub const MAX_EMPLOYMENTS: usize = 20;
/// Relations the Office records for one expert.
pub const MAX_RELATIONS: usize = 50;

const EXPERT_NAME: Label = label("expert's name", "专家姓名", Ask::Fill);
const EMPLOYER: Label = label("employer", "工作单位", Ask::Fill);
const EMPLOYER_USCC: Label = label(
    "employer's unified social credit code",
    "工作单位统一社会信用代码",
    Ask::Fill,
);
const HISTORY: Label = label("employment", "任职经历", Ask::Add);
const HISTORY_EMPLOYER: Label = label("employer", "任职单位", Ask::Fill);
const HISTORY_USCC: Label = label(
    "employer's unified social credit code",
    "任职单位统一社会信用代码",
    Ask::Fill,
);
const HISTORY_FROM: Label = label("start of employment", "任职起始日期", Ask::Fill);
const HISTORY_UNTIL: Label = label("end of employment", "任职截止日期", Ask::Fill);
const SPECIALITIES: Label = label(
    "speciality (GB/T 4754-2017 section)",
    "专业领域（GB/T 4754-2017门类）",
    Ask::Add,
);
const EXPERT_EMAIL: Label = label("email address", "电子邮箱", Ask::Fill);
const RELATIONS: Label = label("recorded relation", "利害关系登记", Ask::Add);
const RELATION_USCC: Label = label(
    "organisation's unified social credit code",
    "关联单位统一社会信用代码",
    Ask::Fill,
);
const RELATION_REASON: Label = label("reason for the relation", "利害关系说明", Ask::Fill);

impl ExpertProfile {
    /// Every field issue at once, as of `today` (a China date), in the form's [`FieldIssue`] shape
    /// (field paths like `history.1.until`, the form's JSON-path convention). Checked: name and
    /// employer non-empty, at most [`MAX_PERSON_NAME_CHARS`] / [`MAX_NAME_CHARS`] characters, no
    /// control characters; every USCC present and valid by GB 32100 including its check character
    /// (the Office enters experts, so a legacy code failing it is refused here, unlike the form);
    /// employments: at most [`MAX_EMPLOYMENTS`], `from` not after `until`, neither after `today`;
    /// at least one speciality, each a GB/T 4754-2017 section letter; the email shape the form
    /// uses; relations: at most [`MAX_RELATIONS`], each with a valid USCC and a non-empty reason of
    /// at most [`MAX_DESCRIPTION_CHARS`] characters.
    pub fn check(&self, today: NaiveDate) -> Vec<FieldIssue> {
        let mut issues = Issues::default();
        issues.required_if_blank("name", EXPERT_NAME, &self.name);
        issues.text(
            "name",
            EXPERT_NAME,
            &self.name,
            MAX_PERSON_NAME_CHARS,
            false,
        );
        issues.required_if_blank("employer", EMPLOYER, &self.employer);
        issues.text("employer", EMPLOYER, &self.employer, MAX_NAME_CHARS, false);
        issues.required_if_blank("employer_uscc", EMPLOYER_USCC, &self.employer_uscc);
        issues.uscc(
            "employer_uscc",
            &self.employer_uscc,
            CheckCharacter::Required,
        );
        self.check_history(&mut issues, today);
        if self.specialities.is_empty() {
            issues.required("specialities", SPECIALITIES);
        }
        let unknown: String = self
            .specialities
            .iter()
            .filter(|letter| !is_industry_section(**letter))
            .collect();
        if !unknown.is_empty() {
            issues.push(
                "specialities",
                "invalid_speciality",
                format!(
                    "\"{unknown}\": a speciality is a GB/T 4754-2017 section letter, A to T in \
                     capitals."
                ),
                format!("“{unknown}”不是GB/T 4754-2017门类字母，专业领域应为A—T的大写字母。"),
            );
        }
        issues.required_if_blank("email", EXPERT_EMAIL, &self.email);
        issues.email("email", EXPERT_EMAIL, &self.email);
        issues.too_many("relations", RELATIONS, self.relations.len(), MAX_RELATIONS);
        for (index, relation) in self.relations.iter().enumerate() {
            let at = |name: &str| format!("relations.{index}.{name}");
            issues.required_if_blank(&at("uscc"), RELATION_USCC, &relation.uscc);
            issues.uscc(&at("uscc"), &relation.uscc, CheckCharacter::Required);
            issues.required_if_blank(&at("reason"), RELATION_REASON, &relation.reason);
            issues.text(
                &at("reason"),
                RELATION_REASON,
                &relation.reason,
                MAX_DESCRIPTION_CHARS,
                true,
            );
        }
        issues.0
    }

    fn check_history(&self, issues: &mut Issues, today: NaiveDate) {
        issues.too_many("history", HISTORY, self.history.len(), MAX_EMPLOYMENTS);
        for (index, job) in self.history.iter().enumerate() {
            let at = |name: &str| format!("history.{index}.{name}");
            issues.required_if_blank(&at("employer"), HISTORY_EMPLOYER, &job.employer);
            issues.text(
                &at("employer"),
                HISTORY_EMPLOYER,
                &job.employer,
                MAX_NAME_CHARS,
                false,
            );
            issues.required_if_blank(&at("uscc"), HISTORY_USCC, &job.uscc);
            issues.uscc(&at("uscc"), &job.uscc, CheckCharacter::Required);
            issues.not_future(&at("from"), HISTORY_FROM, job.from, today);
            if let Some(until) = job.until {
                issues.not_future(&at("until"), HISTORY_UNTIL, until, today);
                if until < job.from {
                    issues.push(
                        &at("until"),
                        "end_before_start",
                        format!(
                            "The end of employment {until} is before its start {}.",
                            job.from
                        ),
                        format!("任职截止日期（{until}）早于起始日期（{}）。", job.from),
                    );
                }
            }
        }
    }
}

/// Who an expert would judge: the applicant and its recommending unit (USCCs as stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Party<'a> {
    pub uscc: &'a str,
    pub recommender_uscc: Option<&'a str>,
}

/// Art. 19 recusal grounds (回避事由).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConflictGround {
    /// The expert works for the applicant.
    Employer,
    /// The expert worked for the applicant within the 3 years before `today`; `until` is the last
    /// day worked there (a China date), the latest when listed more than once.
    FormerEmployer { until: NaiveDate },
    /// The expert works for the applicant's recommending unit.
    RecommendingUnit,
    /// A relation the Office recorded with the applicant or its recommending unit.
    Recorded { reason: String },
}

impl ConflictGround {
    /// Chinese text of a ground, for notices and the Office's pages.
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Employer => "专家现任职于申报单位，应当回避（第十九条）。".into(),
            Self::FormerEmployer { until } => {
                format!(
                    "专家近{LOOKBACK_YEARS}年内曾任职于申报单位（至{until}），应当回避（第十九条）。"
                )
            }
            Self::RecommendingUnit => {
                "专家现任职于申报单位的推荐单位，应当回避（第十九条）。".into()
            }
            Self::Recorded { reason } => {
                format!("评审委员会办公室登记的利害关系：{reason}，应当回避（第十九条）。")
            }
        }
    }
}

/// USCCs compare as GB 32100 parsing reads them: trimmed, letters in either case. An empty code
/// matches nothing.
fn same_uscc(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// Every automatic ground that bars `expert` from judging `party` on `today` (a China date), in
/// the order of [`ConflictGround`]'s variants; empty = none. Source: Art. 19 and the recusal
/// practice of Chinese government expert reviews (current employer, employer within 3 years, the
/// recommending unit, relations the Office recorded).
///
/// USCCs compare case-insensitively after trimming. An employment listed without `until` is a
/// current one. "Within 3 years" is the Civil Code period (Arts. 201–203, [`period`]): 3 years
/// counted from the day after `until`, so the employment counts while `today` is on or before
/// `period::last_day_of_years(until, 3)` — an employment ending 2023-03-01 bars through 2026-03-01,
/// one ending 2023-02-28 no longer does on 2026-03-01.
pub fn conflicts(
    expert: &ExpertProfile,
    party: &Party<'_>,
    today: NaiveDate,
) -> Vec<ConflictGround> {
    let mut grounds = Vec::new();
    let works_for = |uscc: &str| {
        same_uscc(&expert.employer_uscc, uscc)
            || expert
                .history
                .iter()
                .any(|job| job.until.is_none() && same_uscc(&job.uscc, uscc))
    };
    if works_for(party.uscc) {
        grounds.push(ConflictGround::Employer);
    }
    let latest_former = expert
        .history
        .iter()
        .filter(|job| same_uscc(&job.uscc, party.uscc))
        .filter_map(|job| job.until)
        .filter(|until| {
            // Beyond chrono's range the period has not run out.
            period::last_day_of_years(*until, LOOKBACK_YEARS).is_none_or(|last| today <= last)
        })
        .max();
    if let Some(until) = latest_former
        && !grounds.contains(&ConflictGround::Employer)
    {
        grounds.push(ConflictGround::FormerEmployer { until });
    }
    if party.recommender_uscc.is_some_and(works_for) {
        grounds.push(ConflictGround::RecommendingUnit);
    }
    for relation in &expert.relations {
        let related = same_uscc(&relation.uscc, party.uscc)
            || party
                .recommender_uscc
                .is_some_and(|unit| same_uscc(&relation.uscc, unit));
        if related {
            grounds.push(ConflictGround::Recorded {
                reason: relation.reason.clone(),
            });
        }
    }
    grounds
}

/// One application that needs `needed` more experts in a review phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub application: String,
    /// The applicant's GB/T 4754 section (speciality matching is preferred, not required).
    pub section: Option<char>,
    pub needed: u32,
    /// Experts who may not be drawn for it: conflicted (automatic or declared), already on its panel,
    /// or withdrawn from it before.
    pub excluded: BTreeSet<String>,
}

/// One active expert who can be drawn, with the assignments it already holds in this phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub expert: String,
    pub specialities: BTreeSet<char>,
    pub load: u32,
}

/// The draw: for each application the experts drawn, in draw order (the app makes the first drawn
/// the panel leader when the panel has none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentPlan {
    pub seed: u64,
    /// ⌈(existing + new assignments) / candidates⌉ + 1: no expert ends above it.
    pub load_bound: u32,
    /// Every application of the needs, by id; empty when it needed none.
    pub panels: BTreeMap<String, Vec<String>>,
    /// How many drawn pairs match the applicant's section.
    pub speciality_matches: u32,
}

/// An application the draw could not fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub application: String,
    pub needed: u32,
    /// Candidates not excluded for it, whatever their load.
    pub eligible: u32,
    /// How many experts it got in a largest possible draw (< `needed`).
    pub drawable: u32,
}

impl std::fmt::Display for Shortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            application,
            needed,
            eligible,
            drawable,
        } = self;
        if eligible < needed {
            write!(
                f,
                "{application} needs {needed} experts but only {eligible} are eligible"
            )
        } else {
            write!(
                f,
                "{application} needs {needed} experts and {eligible} are eligible, but the load \
                 bound leaves only {drawable} to draw"
            )
        }
    }
}

fn describe(lacking: &[Shortfall]) -> String {
    lacking
        .iter()
        .map(Shortfall::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssignmentError {
    #[error("no active expert can be drawn")]
    NoCandidates,
    /// No assignment meets every rule; `lacking` names the applications left short (by id) and
    /// how many eligible experts each has (eligible < needed is the usual cause; when the load
    /// bound is the cause, eligible ≥ needed and the message says so).
    #[error("no assignment meets every rule: {}", describe(.lacking))]
    Infeasible { lacking: Vec<Shortfall> },
    /// The same application or expert id twice in the input (the app's records are keyed by id).
    #[error("{id} is given twice")]
    DuplicateId { id: String },
}

/// The seeded random order of the draw: for each application (by id), every candidate (by id) in
/// the order drawn. The Office can show it next to the plan: with speciality and load equal, an
/// earlier-drawn expert is preferred.
///
/// ChaCha8 (rand_chacha), its 32-byte key the seed's 8 little-endian bytes and zeros; one
/// random `u64` per (application, candidate) pair, the applications by id and the candidates by
/// id; each application's candidates sorted by their number (ties by id). ChaCha8's output is fixed
/// by its definition, so a recorded seed replays the same order in any later build.
pub fn draw_order(
    needs: &[Need],
    candidates: &[Candidate],
    seed: u64,
) -> BTreeMap<String, Vec<String>> {
    let needs = sorted_by(needs, |need| need.application.as_str());
    let experts = sorted_by(candidates, |candidate| candidate.expert.as_str());
    ranks(&needs, experts.len(), seed)
        .into_iter()
        .zip(&needs)
        .map(|(rank, need)| {
            let mut order: Vec<usize> = (0..experts.len()).collect();
            order.sort_by_key(|expert| rank[*expert]);
            (
                need.application.clone(),
                order
                    .into_iter()
                    .map(|expert| experts[expert].expert.clone())
                    .collect(),
            )
        })
        .collect()
}

fn sorted_by<'a, T>(items: &'a [T], key: impl Fn(&T) -> &str) -> Vec<&'a T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| key(a).cmp(key(b)));
    sorted
}

/// `ranks[application][expert]`: the position of the expert in the application's draw order.
fn ranks(needs: &[&Need], experts: usize, seed: u64) -> Vec<Vec<u32>> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut rng = ChaCha8Rng::from_seed(key);
    needs
        .iter()
        .map(|_| {
            let numbers: Vec<u64> = (0..experts).map(|_| rng.next_u64()).collect();
            let mut order: Vec<usize> = (0..experts).collect();
            order.sort_by_key(|expert| (numbers[*expert], *expert));
            let mut rank = vec![0u32; experts];
            for (position, expert) in order.into_iter().enumerate() {
                rank[expert] = u32::try_from(position).unwrap_or(u32::MAX);
            }
            rank
        })
        .collect()
}

/// Draws experts for every need at once as an optimisation, Art. 19 and the random-draw practice
/// of Chinese expert reviews: a min-cost max-flow on source → application (capacity `needed`) →
/// expert (capacity 1, only when not excluded) → sink (capacity `load_bound − load`).
///
/// Cost of a pair: `W` when the application has a section the expert does not list as a
/// speciality (or has none), plus the expert's position in the application's [`draw_order`];
/// `W` = total need × candidates + 1 exceeds any difference in the sum of positions, so the plan
/// first maximises the experts drawn, then the speciality matches, then prefers earlier-drawn
/// experts. The same inputs and seed give the same plan (the order of `needs` and `candidates`
/// does not matter); another seed may give another.
///
/// Algorithm: successive shortest paths (Busacker–Gowen) with Johnson potentials, each shortest
/// path found by `pathfinding`'s Dijkstra on non-negative reduced costs. All costs start
/// non-negative, so zero potentials are valid; each augmentation along a shortest path keeps the
/// flow of least cost for its value, and the loop stops when the sink is unreachable, i.e. at a
/// maximum flow (Ford–Fulkerson): the result is a minimum-cost maximum flow. Every rule is a
/// capacity, so no plan breaks one: an excluded pair has no edge, a pair edge carries at most one
/// unit, and an expert's edge to the sink at most `load_bound − load`.
///
/// Errors: [`AssignmentError::NoCandidates`] when `candidates` is empty;
/// [`AssignmentError::DuplicateId`] for an application or expert given twice;
/// [`AssignmentError::Infeasible`] when the maximum flow is below the total need, naming each
/// application left short (in this maximum flow) with its eligible and drawable counts.
pub fn auto_assign(
    needs: &[Need],
    candidates: &[Candidate],
    seed: u64,
) -> Result<AssignmentPlan, AssignmentError> {
    if candidates.is_empty() {
        return Err(AssignmentError::NoCandidates);
    }
    let needs = sorted_by(needs, |need| need.application.as_str());
    let experts = sorted_by(candidates, |candidate| candidate.expert.as_str());
    let duplicate = needs
        .windows(2)
        .find(|pair| pair[0].application == pair[1].application)
        .map(|pair| pair[0].application.clone())
        .or_else(|| {
            experts
                .windows(2)
                .find(|pair| pair[0].expert == pair[1].expert)
                .map(|pair| pair[0].expert.clone())
        });
    if let Some(id) = duplicate {
        return Err(AssignmentError::DuplicateId { id });
    }
    let existing: u64 = experts.iter().map(|c| u64::from(c.load)).sum();
    let total_need: u64 = needs.iter().map(|n| u64::from(n.needed)).sum();
    let bound = (existing + total_need).div_ceil(experts.len() as u64) + 1;
    let load_bound = u32::try_from(bound).unwrap_or(u32::MAX);

    let rank = ranks(&needs, experts.len(), seed);
    let mismatch_weight = i64::try_from(total_need)
        .unwrap_or(i64::MAX / 4)
        .saturating_mul(experts.len() as i64)
        .saturating_add(1);
    let matches = |application: usize, expert: usize| {
        needs[application]
            .section
            .is_some_and(|section| experts[expert].specialities.contains(&section))
    };
    // allowed[a]: (expert, cost) for every expert not excluded for application a.
    let allowed: Vec<Vec<(usize, i64)>> = needs
        .iter()
        .enumerate()
        .map(|(a, need)| {
            experts
                .iter()
                .enumerate()
                .filter(|(_, candidate)| !need.excluded.contains(&candidate.expert))
                .map(|(e, _)| {
                    let penalty = if matches(a, e) { 0 } else { mismatch_weight };
                    (e, penalty + i64::from(rank[a][e]))
                })
                .collect()
        })
        .collect();
    let capacity: Vec<u32> = experts
        .iter()
        .map(|c| load_bound.saturating_sub(c.load))
        .collect();

    let mut flow = Flow::new(&needs, experts.len(), &allowed, capacity);
    flow.run();

    let drawn = flow.drawn();
    let lacking: Vec<Shortfall> = needs
        .iter()
        .zip(&flow.application_flow)
        .filter(|(need, got)| **got < need.needed)
        .map(|(need, got)| Shortfall {
            application: need.application.clone(),
            needed: need.needed,
            eligible: u32::try_from(
                experts
                    .iter()
                    .filter(|c| !need.excluded.contains(&c.expert))
                    .count(),
            )
            .unwrap_or(u32::MAX),
            drawable: *got,
        })
        .collect();
    if !lacking.is_empty() {
        return Err(AssignmentError::Infeasible { lacking });
    }
    let mut speciality_matches = 0;
    let panels = drawn
        .into_iter()
        .enumerate()
        .map(|(a, mut panel)| {
            panel.sort_by_key(|e| rank[a][*e]);
            speciality_matches += panel.iter().filter(|e| matches(a, **e)).count() as u32;
            (
                needs[a].application.clone(),
                panel
                    .into_iter()
                    .map(|e| experts[e].expert.clone())
                    .collect(),
            )
        })
        .collect();
    Ok(AssignmentPlan {
        seed,
        load_bound,
        panels,
        speciality_matches,
    })
}

/// The residual network of the draw. Nodes: 0 the source, 1..=A the applications, then the
/// experts, then the sink.
struct Flow<'a> {
    needed: Vec<u32>,
    allowed: &'a [Vec<(usize, i64)>],
    capacity: Vec<u32>,
    application_flow: Vec<u32>,
    expert_flow: Vec<u32>,
    /// assigned[a][e]: the pair edge carries its unit.
    assigned: Vec<Vec<bool>>,
    /// cost[a][e] of allowed pairs (for the reverse edges).
    cost: Vec<Vec<i64>>,
    potential: Vec<i64>,
}

const SOURCE: usize = 0;

impl<'a> Flow<'a> {
    fn new(
        needs: &[&Need],
        experts: usize,
        allowed: &'a [Vec<(usize, i64)>],
        capacity: Vec<u32>,
    ) -> Self {
        let applications = needs.len();
        let mut cost = vec![vec![0; experts]; applications];
        for (a, pairs) in allowed.iter().enumerate() {
            for (e, c) in pairs {
                cost[a][*e] = *c;
            }
        }
        Self {
            needed: needs.iter().map(|need| need.needed).collect(),
            allowed,
            capacity,
            application_flow: vec![0; applications],
            expert_flow: vec![0; experts],
            assigned: vec![vec![false; experts]; applications],
            cost,
            potential: vec![0; applications + experts + 2],
        }
    }

    fn applications(&self) -> usize {
        self.needed.len()
    }

    fn application_node(&self, a: usize) -> usize {
        1 + a
    }

    fn expert_node(&self, e: usize) -> usize {
        1 + self.applications() + e
    }

    fn sink(&self) -> usize {
        1 + self.applications() + self.expert_flow.len()
    }

    /// Residual edges out of `node` with their reduced costs, which stay non-negative (Johnson).
    fn successors(&self, node: usize) -> Vec<(usize, i64)> {
        let applications = self.applications();
        let sink = self.sink();
        let mut out: Vec<(usize, i64)> = Vec::new();
        if node == SOURCE {
            out.extend(
                (0..applications)
                    .filter(|a| self.application_flow[*a] < self.needed[*a])
                    .map(|a| (self.application_node(a), 0)),
            );
        } else if node <= applications {
            let a = node - 1;
            out.extend(
                self.allowed[a]
                    .iter()
                    .filter(|(e, _)| !self.assigned[a][*e])
                    .map(|(e, c)| (self.expert_node(*e), *c)),
            );
            if self.application_flow[a] > 0 {
                out.push((SOURCE, 0));
            }
        } else if node < sink {
            let e = node - 1 - applications;
            if self.expert_flow[e] < self.capacity[e] {
                out.push((sink, 0));
            }
            out.extend(
                (0..applications)
                    .filter(|a| self.assigned[*a][e])
                    .map(|a| (self.application_node(a), -self.cost[a][e])),
            );
        } else {
            out.extend(
                (0..self.expert_flow.len())
                    .filter(|e| self.expert_flow[*e] > 0)
                    .map(|e| (self.expert_node(e), 0)),
            );
        }
        for (next, cost) in &mut out {
            *cost += self.potential[node] - self.potential[*next];
            debug_assert!(*cost >= 0, "negative reduced cost {cost}");
        }
        out
    }

    /// Augments one unit at a time along a shortest path until the sink is unreachable.
    fn run(&mut self) {
        let sink = self.sink();
        loop {
            let reached = dijkstra_all(&SOURCE, |node: &usize| self.successors(*node));
            if !reached.contains_key(&sink) {
                return;
            }
            // Nodes not reached stay unreachable (augmenting adds reverse edges only between
            // reached nodes), so their potentials never matter again.
            for (node, (_, distance)) in &reached {
                self.potential[*node] += distance;
            }
            let mut node = sink;
            while node != SOURCE {
                let Some(&(previous, _)) = reached.get(&node) else {
                    return;
                };
                self.push_unit(previous, node);
                node = previous;
            }
        }
    }

    fn push_unit(&mut self, from: usize, to: usize) {
        let applications = self.applications();
        let sink = self.sink();
        let expert = |node: usize| node - 1 - applications;
        match (from, to) {
            (SOURCE, a) => self.application_flow[a - 1] += 1,
            (a, SOURCE) => self.application_flow[a - 1] -= 1,
            (e, t) if t == sink => self.expert_flow[expert(e)] += 1,
            (t, e) if t == sink => self.expert_flow[expert(e)] -= 1,
            (a, e) if a <= applications => self.assigned[a - 1][expert(e)] = true,
            (e, a) => self.assigned[a - 1][expert(e)] = false,
        }
    }

    /// The experts drawn for each application.
    fn drawn(&self) -> Vec<Vec<usize>> {
        self.assigned
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .filter(|(_, on)| **on)
                    .map(|(e, _)| e)
                    .collect()
            })
            .collect()
    }
}
