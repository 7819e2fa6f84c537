//! Eligibility screening (Art. 10, Art. 11(4)), as of the cycle's application deadline.
//!
//! Every condition gets its own verdict — pass, fail, or needs review by the Office — with a reason
//! and its article. The application is eligible only if every condition passes; Office staff can
//! settle a "needs review" verdict with a written reason ([`Screening::settle`]).

use crate::award::{Debarment, Validity};
use crate::roles::{Actor, Role};
use crate::rules::Rubric;
use crate::uscc::{self, UsccScreening};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Art. 2, 10(1): Wuwei City and its districts/counties: 武威市 620600, 凉州区 620602, 民勤县 620621,
/// 古浪县 620622, 天祝藏族自治县 620623.
pub const WUWEI_DIVISION_CODES: [&str; 5] = ["620600", "620602", "620621", "620622", "620623"];

/// Art. 10: "3 years" of operation, indicators, inspections and a clean record.
pub const LOOKBACK_YEARS: u32 = 3;

pub fn is_wuwei_division(code: &str) -> bool {
    WUWEI_DIVISION_CODES.contains(&code)
}

/// The day before the 3-year window (近3年) ending on `reference` (a China date): a record counts
/// when `window_start < date <= reference`. Periods per Civil Code Art. 202–203 (see `period`).
pub fn lookback_window_start(reference: NaiveDate) -> NaiveDate {
    reference
        .checked_sub_months(Months::new(12 * LOOKBACK_YEARS))
        .unwrap_or(NaiveDate::MIN)
}

/// Art. 10(3): the years whose key indicators an application must give — the 3 calendar years
/// before the year of the application deadline, oldest first (deadline 2026-06-30 → 2023, 2024,
/// 2025): the application year itself is not complete when applications close.
pub fn key_indicator_years_for(application_deadline: NaiveDate) -> Vec<i32> {
    (1..=LOOKBACK_YEARS as i32)
        .rev()
        .map(|back| application_deadline.year() - back)
        .collect()
}

/// Level of a construction-quality award (Art. 10(4)).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AwardLevel {
    City,
    Provincial,
    National,
}

/// Art. 10(4): a quality-project award (优质工程表彰) held by a construction enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectAward {
    pub name: String,
    pub level: AwardLevel,
    pub awarded_on: NaiveDate,
}

/// Art. 10(2): the management-system certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityCertificate {
    /// The certified standard as printed on the certificate, e.g. "GB/T 19001-2016".
    #[serde(default)]
    pub standard: String,
    pub number: String,
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 质量监督抽查 at any level.
    QualitySampling,
    /// 出口商品检验.
    ExportInspection,
}

/// Art. 10(4): one government quality sampling or export inspection and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRecord {
    pub date: NaiveDate,
    pub kind: InspectionKind,
    pub passed: bool,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    QualityAccident,
    SafetyAccident,
    EnvironmentalAccident,
    PublicHealthAccident,
    MajorComplaint,
    Violation,
}

impl IncidentKind {
    /// The kind as the form and the screening name it in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::QualityAccident => "质量事故",
            Self::SafetyAccident => "安全事故",
            Self::EnvironmentalAccident => "环保事故",
            Self::PublicHealthAccident => "公共卫生事故",
            Self::MajorComplaint => "重大投诉",
            Self::Violation => "违法违规行为",
        }
    }
}

impl InspectionKind {
    /// The kind as the form names it in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::QualitySampling => "质量监督抽查",
            Self::ExportInspection => "出口商品检验",
        }
    }
}

impl AwardLevel {
    /// The level as the form names it in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::City => "市级",
            Self::Provincial => "省级",
            Self::National => "国家级",
        }
    }
}

/// Art. 10(6): an accident, a major complaint or a violation, with its China date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRecord {
    pub date: NaiveDate,
    pub kind: IncidentKind,
    pub description: String,
}

/// Art. 10(5): the quality-credit record as checked (e.g. on the national credit system).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum CreditRecord {
    Good,
    Blemished { detail: String },
    NotChecked,
}

/// Art. 11(3): the recommender's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecommendationFacts {
    pub recommender: String,
    pub signed_on: NaiveDate,
}

/// Art. 10(1): the compliance declarations. A declaration not yet made is `false`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(default, deny_unknown_fields)]
pub struct ComplianceDeclarations {
    pub industry_policy: bool,
    pub environmental: bool,
    pub energy: bool,
    pub work_safety: bool,
    pub quality: bool,
}

/// What the application declares and what the evidence shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EligibilityFacts {
    /// As typed by the applicant; read leniently (see [`uscc::screen`]).
    pub declared_uscc: String,
    /// The division code of the declared registered address.
    pub address_division_code: Option<String>,
    pub registration_date: NaiveDate,
    pub operating_normally: bool,
    pub compliance: ComplianceDeclarations,
    pub quality_certificate: Option<QualityCertificate>,
    /// Rubric item ids the self-assessment covers (Art. 10(3), 11(2)); `None` when absent.
    pub self_assessed_items: Option<BTreeSet<String>>,
    /// Years for which key economic, technical and quality indicators are supplied.
    pub key_indicator_years: BTreeSet<i32>,
    pub inspections: Vec<InspectionRecord>,
    pub declares_all_inspections_passed: bool,
    pub construction_firm: bool,
    pub project_awards: Vec<ProjectAward>,
    pub credit: CreditRecord,
    pub incidents: Vec<IncidentRecord>,
    pub declares_no_incidents: bool,
    pub recommendation: Option<RecommendationFacts>,
}

/// The system's own records about the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationHistory {
    pub awards: Vec<Validity>,
    pub debarments: Vec<Debarment>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Registration,
    OperatingYears,
    Compliance,
    QualitySystem,
    SelfAssessment,
    KeyIndicators,
    Inspections,
    ConstructionAward,
    Credit,
    Incidents,
    UsccCheckCharacter,
    NotDebarred,
    NoValidAward,
    Recommendation,
}

impl Condition {
    pub fn article(self) -> &'static str {
        match self {
            Self::Registration => "Art. 2, Art. 10(1)",
            Self::OperatingYears | Self::Compliance => "Art. 10(1)",
            Self::QualitySystem => "Art. 10(2)",
            Self::SelfAssessment => "Art. 10(3), Art. 11(2)",
            Self::KeyIndicators => "Art. 10(3)",
            Self::Inspections | Self::ConstructionAward => "Art. 10(4)",
            Self::Credit => "Art. 10(5)",
            Self::Incidents => "Art. 10(6)",
            Self::UsccCheckCharacter => "Art. 11(4), GB 32100",
            Self::NotDebarred => "Art. 17, Art. 18",
            Self::NoValidAward => "Art. 5",
            Self::Recommendation => "Art. 11(3)",
        }
    }

    /// [`Condition::article`] as the Chinese text of the Measures cites it (第十条第四项).
    pub fn article_zh(self) -> &'static str {
        match self {
            Self::Registration => "第二条、第十条第一项",
            Self::OperatingYears | Self::Compliance => "第十条第一项",
            Self::QualitySystem => "第十条第二项",
            Self::SelfAssessment => "第十条第三项、第十一条第二项",
            Self::KeyIndicators => "第十条第三项",
            Self::Inspections | Self::ConstructionAward => "第十条第四项",
            Self::Credit => "第十条第五项",
            Self::Incidents => "第十条第六项",
            Self::UsccCheckCharacter => "第十一条第四项、GB 32100",
            Self::NotDebarred => "第十七条、第十八条",
            Self::NoValidAward => "第五条",
            Self::Recommendation => "第十一条第三项",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    NeedsReview,
}

/// An Office decision on a "needs review" verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Settlement {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verdict {
    pub condition: Condition,
    pub outcome: Outcome,
    pub reason: String,
    /// The same reason in Chinese, as the applicant and the Office read it (Art. 11(4)).
    #[serde(default)]
    pub reason_zh: String,
    pub article: String,
    /// The same article in Chinese (`第十条第四项`); empty on verdicts stored before it existed.
    #[serde(default)]
    pub article_zh: String,
    /// Set when the Office settled a "needs review" verdict.
    pub settled: Option<Settlement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    Eligible,
    Ineligible,
    NeedsReview,
}

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EligibilityError {
    #[error("only the Office settles a verdict")]
    NotOffice,
    #[error("a settlement needs a written reason")]
    MissingReason,
    #[error("{condition:?} does not need review")]
    NotUnderReview { condition: Condition },
    #[error("a settlement is pass or fail")]
    SettlementOutcome,
}

/// The screening of one application as of one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Screening {
    pub as_of: NaiveDate,
    pub verdicts: Vec<Verdict>,
}

impl Screening {
    /// Eligible only when every condition passes; any failure makes it ineligible.
    pub fn overall(&self) -> Overall {
        let outcomes = self.verdicts.iter().map(|verdict| verdict.outcome);
        if outcomes.clone().any(|o| o == Outcome::Fail) {
            Overall::Ineligible
        } else if outcomes.clone().any(|o| o == Outcome::NeedsReview) {
            Overall::NeedsReview
        } else {
            Overall::Eligible
        }
    }

    pub fn verdict(&self, condition: Condition) -> Option<&Verdict> {
        self.verdicts
            .iter()
            .find(|verdict| verdict.condition == condition)
    }

    /// Art. 11(4): the Office settles a "needs review" verdict as pass or fail, with a reason.
    pub fn settle(
        mut self,
        condition: Condition,
        outcome: Outcome,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, EligibilityError> {
        if !actor.has(Role::Office) {
            return Err(EligibilityError::NotOffice);
        }
        if reason.trim().is_empty() {
            return Err(EligibilityError::MissingReason);
        }
        if outcome == Outcome::NeedsReview {
            return Err(EligibilityError::SettlementOutcome);
        }
        let verdict = self
            .verdicts
            .iter_mut()
            .find(|verdict| {
                verdict.condition == condition && verdict.outcome == Outcome::NeedsReview
            })
            .ok_or(EligibilityError::NotUnderReview { condition })?;
        verdict.outcome = outcome;
        verdict.settled = Some(Settlement {
            by: actor.subject.clone(),
            at: now,
            reason: reason.trim().to_owned(),
        });
        Ok(self)
    }
}

/// Screens an application as of the cycle's application deadline (Art. 10, 11(4)).
pub fn screen(
    facts: &EligibilityFacts,
    history: &OrganisationHistory,
    rubric: &Rubric,
    application_deadline: NaiveDate,
    recommendation_deadline: NaiveDate,
) -> Screening {
    let deadline = application_deadline;
    // The 3-year window (近3年) ends on the deadline.
    let window_start = lookback_window_start(deadline);
    let in_window = |date: NaiveDate| window_start < date && date <= deadline;
    let mut verdicts = Vec::new();
    let mut add =
        |condition: Condition, outcome: Outcome, (reason, reason_zh): (String, String)| {
            verdicts.push(Verdict {
                condition,
                outcome,
                reason,
                reason_zh,
                article: condition.article().to_owned(),
                article_zh: condition.article_zh().to_owned(),
                settled: None,
            });
        };

    let uscc = uscc::screen(&facts.declared_uscc);
    // Registration in Wuwei (Art. 2, 10(1)).
    let address = facts.address_division_code.as_deref();
    let (outcome, reason) = match (uscc.division_code(), address) {
        (Some(code), _) if is_wuwei_division(code) => (
            Outcome::Pass,
            (
                format!("USCC division code {code} is in Wuwei"),
                format!(
                    "统一社会信用代码显示登记管理机关在{}，属武威市",
                    division_zh(code)
                ),
            ),
        ),
        (code, Some(address)) if is_wuwei_division(address) => match code {
            // Province-level (xx0000) or national registrations cover organisations anywhere.
            Some(code) if code.ends_with("0000") => (
                Outcome::Pass,
                (
                    format!(
                        "registered by a province-level or national authority ({code}), address in Wuwei ({address})"
                    ),
                    format!(
                        "由省级或国家级登记机关（{}）登记，注册地址在{}",
                        division_zh(code),
                        division_zh(address)
                    ),
                ),
            ),
            _ => (
                Outcome::NeedsReview,
                (
                    format!(
                        "address in Wuwei ({address}) but the USCC division code is {}: confirm the registration",
                        code.unwrap_or("unreadable")
                    ),
                    format!(
                        "注册地址在{}，但统一社会信用代码显示的登记管理机关在{}，请核实登记情况",
                        division_zh(address),
                        code.map_or_else(|| "无法识别的地区".to_owned(), division_zh)
                    ),
                ),
            ),
        },
        (code, _) => (
            Outcome::Fail,
            (
                format!(
                    "neither the USCC division code ({}) nor the address is in Wuwei",
                    code.unwrap_or("unreadable")
                ),
                format!(
                    "统一社会信用代码显示的登记管理机关（{}）和注册地址均不在武威市",
                    code.map_or_else(|| "无法识别的地区".to_owned(), division_zh)
                ),
            ),
        ),
    };
    add(Condition::Registration, outcome, reason);

    let operated =
        crate::period::years_completed_by(facts.registration_date, LOOKBACK_YEARS, deadline);
    add(
        Condition::OperatingYears,
        match (operated, facts.operating_normally) {
            (true, true) => Outcome::Pass,
            _ => Outcome::Fail,
        },
        if !operated {
            (
                format!(
                    "registered on {}, less than 3 years before {deadline}",
                    facts.registration_date
                ),
                format!(
                    "于 {} 登记注册，至申报截止日 {deadline} 不满3年",
                    facts.registration_date
                ),
            )
        } else if !facts.operating_normally {
            (
                "not declared to be operating normally".into(),
                "未声明正常运行".into(),
            )
        } else {
            (
                format!(
                    "registered on {}, operating normally",
                    facts.registration_date
                ),
                format!("于 {} 登记注册，正常运行", facts.registration_date),
            )
        },
    );

    let c = facts.compliance;
    let all_declared =
        c.industry_policy && c.environmental && c.energy && c.work_safety && c.quality;
    add(
        Condition::Compliance,
        if all_declared {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if all_declared {
            (
                "industry, environmental, energy, safety and quality compliance declared".into(),
                "已声明符合产业、环保、能源、安全生产、质量等法律法规及政策".into(),
            )
        } else {
            (
                "a compliance declaration is missing".into(),
                "缺少合规声明".into(),
            )
        },
    );

    let (outcome, reason) = match &facts.quality_certificate {
        None => (
            Outcome::Fail,
            (
                "no management-system certificate".into(),
                "未提供管理体系认证证书".into(),
            ),
        ),
        Some(cert) if cert.number.trim().is_empty() || cert.issuer.trim().is_empty() => (
            Outcome::NeedsReview,
            (
                "certificate number or issuer missing".into(),
                "认证证书编号或发证机构缺失".into(),
            ),
        ),
        Some(cert) if cert.valid_from <= deadline && deadline <= cert.valid_until => (
            Outcome::Pass,
            (
                format!(
                    "certificate {} by {} valid through {}",
                    cert.number, cert.issuer, cert.valid_until
                ),
                format!(
                    "{}颁发的认证证书 {} 有效期至 {}",
                    cert.issuer, cert.number, cert.valid_until
                ),
            ),
        ),
        Some(cert) => (
            Outcome::Fail,
            (
                format!(
                    "certificate {} is valid {}–{}, not on {deadline}",
                    cert.number, cert.valid_from, cert.valid_until
                ),
                format!(
                    "认证证书 {} 有效期为 {} 至 {}，申报截止日 {deadline} 不在有效期内",
                    cert.number, cert.valid_from, cert.valid_until
                ),
            ),
        ),
    };
    add(Condition::QualitySystem, outcome, reason);

    let (outcome, reason) = match &facts.self_assessed_items {
        None => (
            Outcome::Fail,
            (
                "no GB/T 19580 self-assessment".into(),
                "未按 GB/T 19580 开展自我评价".into(),
            ),
        ),
        Some(items) => {
            let missing: Vec<&str> = rubric
                .items()
                .filter(|item| !items.contains(&item.id))
                .map(|item| item.id.as_str())
                .collect();
            if missing.is_empty() {
                (
                    Outcome::Pass,
                    (
                        "self-assessment covers every item".into(),
                        "自我评价覆盖全部评价条款".into(),
                    ),
                )
            } else {
                (
                    Outcome::NeedsReview,
                    (
                        format!("self-assessment misses items {}", missing.join(", ")),
                        format!("自我评价缺少条款 {}", missing.join("、")),
                    ),
                )
            }
        }
    };
    add(Condition::SelfAssessment, outcome, reason);

    let needed = key_indicator_years_for(deadline);
    let missing: Vec<String> = needed
        .iter()
        .filter(|year| !facts.key_indicator_years.contains(year))
        .map(i32::to_string)
        .collect();
    add(
        Condition::KeyIndicators,
        if missing.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if missing.is_empty() {
            let (first, last) = (
                needed.first().copied().unwrap_or_default(),
                needed.last().copied().unwrap_or_default(),
            );
            (
                format!("key indicators for {first}–{last}"),
                format!("已提供 {first}—{last} 年主要指标"),
            )
        } else {
            (
                format!("key indicators missing for {}", missing.join(", ")),
                format!("缺少 {} 年主要指标", missing.join("、")),
            )
        },
    );

    let failed: Vec<String> = facts
        .inspections
        .iter()
        .filter(|record| !record.passed && in_window(record.date))
        .map(|record| record.date.to_string())
        .collect();
    let (outcome, reason) = if !failed.is_empty() {
        (
            Outcome::Fail,
            (
                format!("failed inspection on {}", failed.join(", ")),
                format!("{} 的质量监督抽查或出口检验不合格", failed.join("、")),
            ),
        )
    } else if facts.declares_all_inspections_passed {
        (
            Outcome::Pass,
            (
                "every sampling and export inspection in 3 years passed".into(),
                "近3年各级质量监督抽查和出口商品检验全部合格".into(),
            ),
        )
    } else {
        (
            Outcome::NeedsReview,
            (
                "no declaration that every inspection passed".into(),
                "未声明近3年抽查检验全部合格".into(),
            ),
        )
    };
    add(Condition::Inspections, outcome, reason);

    let (outcome, reason) = if !facts.construction_firm {
        (
            Outcome::Pass,
            ("not a construction firm".into(), "非施工企业".into()),
        )
    } else if let Some(award) = facts
        .project_awards
        .iter()
        .find(|a| a.level >= AwardLevel::Provincial)
    {
        (
            Outcome::Pass,
            (
                format!("holds {} ({:?})", award.name, award.level),
                format!("获得{}", award.name),
            ),
        )
    } else {
        (
            Outcome::Fail,
            (
                "construction firm without a provincial-or-higher quality-project award".into(),
                "施工企业未获得省级以上优质工程表彰".into(),
            ),
        )
    };
    add(Condition::ConstructionAward, outcome, reason);

    let (outcome, reason) = match &facts.credit {
        CreditRecord::Good => (
            Outcome::Pass,
            (
                "good quality-credit record".into(),
                "质量诚信记录良好".into(),
            ),
        ),
        CreditRecord::Blemished { detail } => (
            Outcome::Fail,
            (
                format!("credit record: {detail}"),
                format!("质量诚信记录：{detail}"),
            ),
        ),
        CreditRecord::NotChecked => (
            Outcome::NeedsReview,
            (
                "credit record not checked".into(),
                "尚未核查质量诚信记录".into(),
            ),
        ),
    };
    add(Condition::Credit, outcome, reason);

    let incidents: Vec<String> = facts
        .incidents
        .iter()
        .filter(|incident| in_window(incident.date))
        .map(|incident| format!("{} {:?}", incident.date, incident.kind))
        .collect();
    let incidents_zh: Vec<String> = facts
        .incidents
        .iter()
        .filter(|incident| in_window(incident.date))
        .map(|incident| format!("{} {}", incident.date, incident.kind.label_zh()))
        .collect();
    let (outcome, reason) = if !incidents.is_empty() {
        (
            Outcome::Fail,
            (
                format!("within 3 years: {}", incidents.join(", ")),
                format!("近3年内发生：{}", incidents_zh.join("、")),
            ),
        )
    } else if facts.declares_no_incidents {
        (
            Outcome::Pass,
            (
                "no accident, major complaint or violation in 3 years".into(),
                "近3年未发生事故、重大投诉和违法违规行为".into(),
            ),
        )
    } else {
        (
            Outcome::NeedsReview,
            (
                "no declaration of a clean record".into(),
                "未声明近3年无事故、重大投诉和违法违规行为".into(),
            ),
        )
    };
    add(Condition::Incidents, outcome, reason);

    let (outcome, reason) = match &uscc {
        UsccScreening::Valid { uscc } => (
            Outcome::Pass,
            (
                format!("{uscc} is a valid USCC"),
                format!("{uscc} 为有效的统一社会信用代码"),
            ),
        ),
        UsccScreening::CheckCharacterMismatch {
            text,
            expected,
            found,
            ..
        } => (
            Outcome::NeedsReview,
            (
                format!(
                    "{text}: check character {found}, expected {expected}; verify against the licence"
                ),
                format!(
                    "{text} 的校验码为 {found}，按 GB 32100 应为 {expected}，请对照营业执照核实"
                ),
            ),
        ),
        UsccScreening::Malformed { error } => (
            Outcome::Fail,
            (
                format!("not a USCC: {error}"),
                "不是有效的统一社会信用代码".into(),
            ),
        ),
    };
    add(Condition::UsccCheckCharacter, outcome, reason);

    let bar = history.debarments.iter().find(|bar| bar.covers(deadline));
    add(
        Condition::NotDebarred,
        if bar.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
        match bar {
            Some(bar) => (
                format!(
                    "debarred under {} through {}",
                    bar.ground.article(),
                    bar.last_day
                ),
                format!(
                    "因{}被撤销奖项，{}",
                    match bar.ground {
                        crate::award::RevocationGround::Fraud =>
                            "以不正当手段获取荣誉（办法第十七条）",
                        crate::award::RevocationGround::Cause { .. } =>
                            "获奖后发生办法第十八条所列情形",
                    },
                    bar.wording_zh()
                ),
            ),
            None => ("not debarred".into(), "不在禁止申报期内".into()),
        },
    );

    let held = history
        .awards
        .iter()
        .find(|validity| validity.covers(deadline));
    add(
        Condition::NoValidAward,
        if held.is_some() {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
        match held {
            Some(validity) => (
                format!("holds an award valid through {}", validity.last_valid_day),
                format!(
                    "持有有效期至 {} 的市政府质量奖，有效期内不得再次申报",
                    validity.last_valid_day
                ),
            ),
            None => (
                "holds no valid award".into(),
                "不持有在有效期内的质量奖".into(),
            ),
        },
    );

    let (outcome, reason) = match &facts.recommendation {
        None => (
            Outcome::Fail,
            ("no recommendation".into(), "无推荐意见".into()),
        ),
        Some(r) if r.signed_on <= recommendation_deadline => (
            Outcome::Pass,
            (
                format!("recommended by {} on {}", r.recommender, r.signed_on),
                format!("{} 于 {} 签署推荐意见", r.recommender, r.signed_on),
            ),
        ),
        Some(r) => (
            Outcome::Fail,
            (
                format!(
                    "recommendation signed {} after the deadline {recommendation_deadline}",
                    r.signed_on
                ),
                format!(
                    "推荐意见于 {} 签署，晚于推荐截止日期 {recommendation_deadline}",
                    r.signed_on
                ),
            ),
        ),
    };
    add(Condition::Recommendation, outcome, reason);

    // A bar cites the one article it stands on: Art. 17 for fraud, Art. 18 for a cause, never
    // both (the condition's own citation names both because it checks both).
    if let Some(bar) = bar
        && let Some(verdict) = verdicts
            .iter_mut()
            .find(|verdict| verdict.condition == Condition::NotDebarred)
    {
        verdict.article = bar.ground.article().to_owned();
        verdict.article_zh = bar.ground.article_zh().to_owned();
    }

    Screening {
        as_of: deadline,
        verdicts,
    }
}

/// Something the application's file lacks that the Office must chase (督促补交), as the
/// screening reports it beside its verdicts (Art. 11(3)–(4)). Unlike a [`Verdict`] it never
/// decides eligibility: [`Screening::overall`] does not read it, nothing is settled for it, and
/// the Office may confirm the screening while it is listed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FileItem {
    /// The scan of the printed form's last page on which the recommending unit signed its
    /// opinion and applied its official seal (签署推荐意见并加盖公章, Art. 11(3)).
    SealedRecommendation,
}

/// What the screening knows of the application's file beyond its form (Art. 11(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// The unit has recommended online (its opinion and signer recorded).
    pub recommended: bool,
    /// A scan of the sealed recommendation page was received and passed the checks.
    pub sealed_recommendation_received: bool,
}

/// One [`FileItem`] to chase, with why and the article, in English and Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemToChase {
    pub item: FileItem,
    pub reason: String,
    pub reason_zh: String,
    pub article: String,
    pub article_zh: String,
}

/// The items of the file the Office must chase (Art. 11(3)–(4)): the sealed recommendation page
/// once the unit has recommended and until a scan of it is received. A notice, never a finding:
/// the recommendation itself (the opinion, the signer, the unit's authenticated account) is what
/// the `recommendation` condition screens, and it is there; the sealed paper is the filing copy
/// the Measures ask to be 报送 with it, so an otherwise eligible applicant is not turned down for
/// a scan its unit has not yet sent, but the Office sees it listed until it is.
pub fn items_to_chase(file: &FileFacts) -> Vec<ItemToChase> {
    let mut items = Vec::new();
    if file.recommended && !file.sealed_recommendation_received {
        items.push(ItemToChase {
            item: FileItem::SealedRecommendation,
            reason: "the recommending unit's sealed recommendation page has not been received"
                .to_owned(),
            reason_zh: "尚未收到推荐单位签署推荐意见并加盖公章的推荐页扫描件，请督促推荐单位上传，或收到纸质件后代为上传"
                .to_owned(),
            article: Condition::Recommendation.article().to_owned(),
            article_zh: Condition::Recommendation.article_zh().to_owned(),
        });
    }
    items
}

/// A division as a person reads it: its full name (GB/T 2260, `620602` → 甘肃省武威市凉州区), or
/// the code named as one when it is not in the list.
fn division_zh(code: &str) -> String {
    crate::codes::division_full_name(code).unwrap_or_else(|| format!("行政区划码为 {code} 的地区"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::award::RevocationGround;
    use crate::uscc::Uscc;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const DEADLINE: (i32, u32, u32) = (2026, 6, 30);

    fn deadline() -> NaiveDate {
        d(DEADLINE.0, DEADLINE.1, DEADLINE.2)
    }

    pub(crate) fn wuwei_uscc() -> String {
        Uscc::with_check_character("91620602MA7ABCDE1")
            .unwrap()
            .into_string()
    }

    pub(crate) fn good_facts() -> EligibilityFacts {
        EligibilityFacts {
            declared_uscc: wuwei_uscc(),
            address_division_code: Some("620602".into()),
            registration_date: d(2015, 3, 1),
            operating_normally: true,
            compliance: ComplianceDeclarations {
                industry_policy: true,
                environmental: true,
                energy: true,
                work_safety: true,
                quality: true,
            },
            quality_certificate: Some(QualityCertificate {
                standard: "GB/T 19001-2016".into(),
                number: "00123Q45678R0M".into(),
                issuer: "中国质量认证中心".into(),
                valid_from: d(2024, 1, 1),
                valid_until: d(2027, 1, 1),
            }),
            self_assessed_items: Some(
                Rubric::gb_t_19580_2012()
                    .items()
                    .map(|i| i.id.clone())
                    .collect(),
            ),
            key_indicator_years: [2023, 2024, 2025].into(),
            inspections: vec![InspectionRecord {
                date: d(2025, 5, 1),
                kind: InspectionKind::QualitySampling,
                passed: true,
            }],
            declares_all_inspections_passed: true,
            construction_firm: false,
            project_awards: vec![],
            credit: CreditRecord::Good,
            incidents: vec![],
            declares_no_incidents: true,
            recommendation: Some(RecommendationFacts {
                recommender: "凉州区质量发展领导小组办公室".into(),
                signed_on: d(2026, 7, 10),
            }),
        }
    }

    fn run(facts: &EligibilityFacts, history: &OrganisationHistory) -> Screening {
        screen(
            facts,
            history,
            &Rubric::gb_t_19580_2012(),
            deadline(),
            d(2026, 7, 15),
        )
    }

    fn outcome(screening: &Screening, condition: Condition) -> Outcome {
        screening.verdict(condition).unwrap().outcome
    }

    #[test]
    fn a_complete_application_is_eligible_with_a_verdict_per_condition() {
        let screening = run(&good_facts(), &OrganisationHistory::default());
        assert_eq!(screening.overall(), Overall::Eligible, "{screening:#?}");
        assert_eq!(screening.verdicts.len(), 14);
        assert!(screening.verdicts.iter().all(|v| {
            !v.article.is_empty()
                    && !v.reason.is_empty()
                    // The Chinese reason is Chinese, not the English one again.
                    && v.reason_zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                    // The article as the Chinese text cites it.
                    && v.article_zh.starts_with('第')
        }));
    }

    #[test]
    fn registration_outside_wuwei_fails_and_a_mismatch_needs_review() {
        let mut facts = good_facts();
        facts.declared_uscc = Uscc::with_check_character("91330100MA7ABCDE1")
            .unwrap()
            .into_string();
        facts.address_division_code = Some("330100".into());
        let screening = run(&facts, &OrganisationHistory::default());
        assert_eq!(outcome(&screening, Condition::Registration), Outcome::Fail);
        assert_eq!(screening.overall(), Overall::Ineligible);
        facts.address_division_code = Some("620623".into());
        let mismatch = run(&facts, &OrganisationHistory::default());
        assert_eq!(
            outcome(&mismatch, Condition::Registration),
            Outcome::NeedsReview
        );
        // The reason names the places (GB/T 2260), not their codes.
        let reason = &mismatch.verdict(Condition::Registration).unwrap().reason_zh;
        assert!(reason.contains("甘肃省武威市天祝藏族自治县"), "{reason}");
        assert!(reason.contains("浙江省杭州市"), "{reason}");
        assert!(
            !reason.contains("620623") && !reason.contains("330100"),
            "{reason}"
        );
        // Registered by the Gansu provincial authority, located in Wuwei.
        facts.declared_uscc = Uscc::with_check_character("91620000MA7ABCDE1")
            .unwrap()
            .into_string();
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Registration
            ),
            Outcome::Pass
        );
        for code in WUWEI_DIVISION_CODES {
            facts.declared_uscc = Uscc::with_check_character(&format!("91{code}MA7ABCDE1"))
                .unwrap()
                .into_string();
            facts.address_division_code = None;
            assert_eq!(
                outcome(
                    &run(&facts, &OrganisationHistory::default()),
                    Condition::Registration
                ),
                Outcome::Pass
            );
        }
    }

    #[test]
    fn a_failing_check_character_needs_review_not_a_reject() {
        let mut facts = good_facts();
        let valid = wuwei_uscc();
        let wrong = if valid.ends_with('0') { '1' } else { '0' };
        facts.declared_uscc = format!("{}{wrong}", &valid[..17]);
        let screening = run(&facts, &OrganisationHistory::default());
        assert_eq!(
            outcome(&screening, Condition::UsccCheckCharacter),
            Outcome::NeedsReview
        );
        // The division code is still read, so registration passes.
        assert_eq!(outcome(&screening, Condition::Registration), Outcome::Pass);
        assert_eq!(screening.overall(), Overall::NeedsReview);
        facts.declared_uscc = "not a code".into();
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::UsccCheckCharacter
            ),
            Outcome::Fail
        );
    }

    #[test]
    fn three_years_of_operation_by_the_deadline() {
        let mut facts = good_facts();
        facts.registration_date = d(2023, 6, 30);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::OperatingYears
            ),
            Outcome::Pass
        );
        facts.registration_date = d(2023, 7, 1);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::OperatingYears
            ),
            Outcome::Fail
        );
        let mut facts = good_facts();
        facts.operating_normally = false;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::OperatingYears
            ),
            Outcome::Fail
        );
        facts.compliance.energy = false;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Compliance
            ),
            Outcome::Fail
        );
    }

    #[test]
    fn quality_system_certificate_must_cover_the_deadline() {
        let mut facts = good_facts();
        facts.quality_certificate.as_mut().unwrap().valid_until = d(2026, 6, 29);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::QualitySystem
            ),
            Outcome::Fail
        );
        facts.quality_certificate.as_mut().unwrap().valid_until = d(2026, 6, 30);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::QualitySystem
            ),
            Outcome::Pass
        );
        facts.quality_certificate.as_mut().unwrap().issuer = " ".into();
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::QualitySystem
            ),
            Outcome::NeedsReview
        );
        facts.quality_certificate = None;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::QualitySystem
            ),
            Outcome::Fail
        );
    }

    #[test]
    fn self_assessment_and_three_years_of_indicators() {
        let mut facts = good_facts();
        facts.self_assessed_items.as_mut().unwrap().remove("4.7.7");
        let screening = run(&facts, &OrganisationHistory::default());
        assert_eq!(
            outcome(&screening, Condition::SelfAssessment),
            Outcome::NeedsReview
        );
        assert!(
            screening
                .verdict(Condition::SelfAssessment)
                .unwrap()
                .reason
                .contains("4.7.7")
        );
        facts.self_assessed_items = None;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::SelfAssessment
            ),
            Outcome::Fail
        );
        let mut facts = good_facts();
        facts.key_indicator_years = [2024, 2025].into();
        let screening = run(&facts, &OrganisationHistory::default());
        assert_eq!(outcome(&screening, Condition::KeyIndicators), Outcome::Fail);
        assert!(
            screening
                .verdict(Condition::KeyIndicators)
                .unwrap()
                .reason
                .contains("2023")
        );
    }

    #[test]
    fn inspections_and_construction_awards() {
        let mut facts = good_facts();
        facts.inspections.push(InspectionRecord {
            date: d(2024, 2, 1),
            kind: InspectionKind::ExportInspection,
            passed: false,
        });
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Inspections
            ),
            Outcome::Fail
        );
        // A failure older than 3 years does not count.
        facts.inspections[1].date = d(2023, 6, 30);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Inspections
            ),
            Outcome::Pass
        );
        facts.declares_all_inspections_passed = false;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Inspections
            ),
            Outcome::NeedsReview
        );

        let mut facts = good_facts();
        facts.construction_firm = true;
        facts.project_awards.push(ProjectAward {
            name: "武威市优质工程".into(),
            level: AwardLevel::City,
            awarded_on: d(2024, 1, 1),
        });
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::ConstructionAward
            ),
            Outcome::Fail
        );
        facts.project_awards.push(ProjectAward {
            name: "甘肃省飞天奖".into(),
            level: AwardLevel::Provincial,
            awarded_on: d(2024, 1, 1),
        });
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::ConstructionAward
            ),
            Outcome::Pass
        );
    }

    #[test]
    fn credit_and_clean_record() {
        let mut facts = good_facts();
        facts.credit = CreditRecord::Blemished {
            detail: "列入经营异常名录".into(),
        };
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Credit
            ),
            Outcome::Fail
        );
        facts.credit = CreditRecord::NotChecked;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Credit
            ),
            Outcome::NeedsReview
        );
        let mut facts = good_facts();
        facts.incidents.push(IncidentRecord {
            date: d(2025, 1, 1),
            kind: IncidentKind::SafetyAccident,
            description: "x".into(),
        });
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Incidents
            ),
            Outcome::Fail
        );
        facts.incidents[0].date = d(2022, 1, 1);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Incidents
            ),
            Outcome::Pass
        );
        facts.declares_no_incidents = false;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Incidents
            ),
            Outcome::NeedsReview
        );
    }

    #[test]
    fn debarment_and_a_valid_award_on_the_deadline() {
        let earlier = Validity::from_approval(d(2021, 9, 1)).unwrap();
        let history = OrganisationHistory {
            awards: vec![earlier],
            debarments: vec![],
        };
        let screening = run(&good_facts(), &history);
        assert_eq!(outcome(&screening, Condition::NoValidAward), Outcome::Fail);
        // Valid through the deadline itself: still held.
        let through_deadline = Validity::from_approval(d(2021, 6, 30)).unwrap();
        let history = OrganisationHistory {
            awards: vec![through_deadline],
            debarments: vec![],
        };
        assert_eq!(
            outcome(&run(&good_facts(), &history), Condition::NoValidAward),
            Outcome::Fail
        );
        // Expired the day before the deadline: may apply again (Art. 5).
        let expired = Validity::from_approval(d(2021, 6, 29)).unwrap();
        let history = OrganisationHistory {
            awards: vec![expired],
            debarments: vec![],
        };
        assert_eq!(
            outcome(&run(&good_facts(), &history), Condition::NoValidAward),
            Outcome::Pass
        );

        let bar =
            Debarment::for_revocation(RevocationGround::Fraud, d(2019, 1, 1), &earlier).unwrap();
        let history = OrganisationHistory {
            awards: vec![],
            debarments: vec![bar],
        };
        assert_eq!(
            outcome(&run(&good_facts(), &history), Condition::NotDebarred),
            Outcome::Fail
        );
    }

    #[test]
    fn recommendation_present_and_in_time() {
        let mut facts = good_facts();
        facts.recommendation.as_mut().unwrap().signed_on = d(2026, 7, 16);
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Recommendation
            ),
            Outcome::Fail
        );
        facts.recommendation = None;
        assert_eq!(
            outcome(
                &run(&facts, &OrganisationHistory::default()),
                Condition::Recommendation
            ),
            Outcome::Fail
        );
    }

    #[test]
    fn the_office_settles_a_review_with_a_written_reason() {
        let mut facts = good_facts();
        facts.credit = CreditRecord::NotChecked;
        let screening = run(&facts, &OrganisationHistory::default());
        let office = Actor::new("o1", [Role::Office]);
        let now = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        assert_eq!(
            screening.clone().settle(
                Condition::Credit,
                Outcome::Pass,
                "checked",
                &Actor::new("a", [Role::Applicant]),
                now
            ),
            Err(EligibilityError::NotOffice)
        );
        assert_eq!(
            screening
                .clone()
                .settle(Condition::Credit, Outcome::Pass, "  ", &office, now),
            Err(EligibilityError::MissingReason)
        );
        assert_eq!(
            screening
                .clone()
                .settle(Condition::Compliance, Outcome::Pass, "x", &office, now),
            Err(EligibilityError::NotUnderReview {
                condition: Condition::Compliance
            })
        );
        let settled = screening
            .settle(
                Condition::Credit,
                Outcome::Pass,
                "信用中国 checked on 2026-07-20",
                &office,
                now,
            )
            .unwrap();
        assert_eq!(settled.overall(), Overall::Eligible);
        assert_eq!(
            settled
                .verdict(Condition::Credit)
                .unwrap()
                .settled
                .as_ref()
                .unwrap()
                .by,
            "o1"
        );
    }

    #[test]
    fn a_missing_sealed_recommendation_is_an_item_to_chase_never_a_finding() {
        let chased = items_to_chase(&FileFacts {
            recommended: true,
            sealed_recommendation_received: false,
        });
        assert_eq!(chased.len(), 1);
        assert_eq!(chased[0].item, FileItem::SealedRecommendation);
        assert_eq!(chased[0].article_zh, "第十一条第三项");
        assert!(chased[0].reason_zh.contains("加盖公章"));
        // Received, or nothing recommended yet: nothing to chase.
        for file in [
            FileFacts {
                recommended: true,
                sealed_recommendation_received: true,
            },
            FileFacts::default(),
        ] {
            assert_eq!(items_to_chase(&file), vec![]);
        }
        // The screening's outcome does not read the file: a complete application is eligible
        // whatever is chased (the facts carry no sealed page at all).
        let screening = run(&good_facts(), &OrganisationHistory::default());
        assert_eq!(screening.overall(), Overall::Eligible);
        assert_eq!(
            serde_json::to_value(FileItem::SealedRecommendation).unwrap(),
            "sealed_recommendation"
        );
    }
}
