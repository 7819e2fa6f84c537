//! The application form (《武威市人民政府质量奖申报表》, Art. 11(2)) and the evidence categories.
//!
//! The applicant fills the form and self-assesses against GB/T 19580 (Art. 11(2)); its facts feed
//! the Art. 10 eligibility screening through [`ApplicationForm::facts`], which maps onto the
//! existing [`EligibilityFacts`] shapes rather than a second copy of them.
//!
//! Two checks, two moments:
//! - [`ApplicationForm::check_fields`]: what is present but wrong. A draft save is refused while it
//!   is non-empty, so a stored draft is always well-formed, however partial.
//! - [`ApplicationForm::missing_for_submission`]: what a submission needs and the form lacks.
//!   Submission needs both lists empty.
//!
//! Eligibility itself (Wuwei registration, 3 years of operation, a certificate covering the
//! deadline, …) is never a field error: screening decides it, with a verdict the Office can settle.
//!
//! Size: a draft is one DynamoDB item (400 KB limit). Every text and list is bounded (the `MAX_*`
//! constants); with every bound reached and every character 4 bytes of UTF-8 the form's JSON stays
//! under [`MAX_FORM_JSON_BYTES`] (test `the_largest_possible_form_fits_one_dynamodb_item`).

use crate::eligibility::{
    self, ComplianceDeclarations, CreditRecord, EligibilityFacts, IncidentRecord, InspectionRecord,
    LOOKBACK_YEARS, ProjectAward, QualityCertificate, RecommendationFacts,
};
use crate::money::Fen;
use crate::rules::Rubric;
use crate::scoring::{PERCENT_STEP, is_valid_percent};
use crate::uscc::{Uscc, UsccError};
use chrono::{Datelike, Months, NaiveDate};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

/// Organisation name, registered address, award or issuer name: characters (not bytes).
pub const MAX_NAME_CHARS: usize = 200;
/// A person's name (legal representative, contact person), in characters.
pub const MAX_PERSON_NAME_CHARS: usize = 50;
/// RFC 5321's limit on a forward path, in characters.
pub const MAX_EMAIL_CHARS: usize = 254;
/// A certificate's standard or number, in characters.
pub const MAX_CODE_CHARS: usize = 64;
/// Management-system certificates listed.
pub const MAX_CERTIFICATES: usize = 10;
/// Self-assessment entries (GB/T 19580-2012 has 23 items; room for a configured rubric).
pub const MAX_SELF_ASSESSMENT_ITEMS: usize = 25;
/// A self-assessment narrative (自评说明), in characters: a summary, the full self-assessment
/// report is an uploaded document. 1500 rather than 2000 keeps the worst-case form (25 items ×
/// 1500 characters × 4 bytes = 150 KB of narrative) well inside the item budget.
pub const MAX_NARRATIVE_CHARS: usize = 1500;
/// Named quality indicators per year.
pub const MAX_QUALITY_INDICATORS: usize = 10;
/// A quality indicator's name, in characters.
pub const MAX_INDICATOR_NAME_CHARS: usize = 50;
/// A quality indicator's value (decimal text) or unit, in characters.
pub const MAX_INDICATOR_VALUE_CHARS: usize = 20;
/// Inspections listed (3 years of sampling and export inspections).
pub const MAX_INSPECTIONS: usize = 50;
/// Quality-project awards listed.
pub const MAX_PROJECT_AWARDS: usize = 20;
/// Incidents, major complaints and violations listed.
pub const MAX_INCIDENTS: usize = 20;
/// An incident's description or a credit blemish's detail, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 300;
/// Employees (从业人数): above any organisation's headcount, so a typo of extra digits is caught.
pub const MAX_EMPLOYEES: u32 = 5_000_000;
/// The size budget of a form's JSON, in bytes: under the 300 KB the form may take of a DynamoDB
/// item (400 KB), the rest left for keys and the application's other attributes. The largest
/// possible form measures 224 910 bytes (test `the_largest_possible_form_fits_one_dynamodb_item`).
pub const MAX_FORM_JSON_BYTES: usize = 256 * 1024;

/// A problem with one field of the form: `field` is a JSON path (`contact.mobile`,
/// `self_assessment.4.1.2.score`, `certificates.0.valid_until`), `code` a stable snake_case code a
/// client may switch on, and the message in English and in Chinese (as a government form says it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldIssue {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    pub message_zh: String,
}

/// The application form. Every section is empty by default, so a draft may be partial; unknown
/// keys are refused at every level. Dates are China dates, money integer fen.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationForm {
    pub organisation: OrganisationProfile,
    pub contact: ContactPerson,
    /// Art. 10(2): management-system certificates (ISO 9001 / GB/T 19001 or an industry's own).
    pub certificates: Vec<QualityCertificate>,
    /// Art. 10(3), 11(2): the GB/T 19580 self-assessment, by rubric item id (`"4.1.2"`). A key
    /// given twice is refused when the JSON is read.
    #[serde(deserialize_with = "unique_keys")]
    pub self_assessment: BTreeMap<String, ItemSelfAssessment>,
    /// Art. 10(3): key indicators, one entry per year.
    pub key_indicators: Vec<YearIndicators>,
    /// Art. 10(4): government sampling and export inspections in the last 3 years.
    pub inspections: Vec<InspectionRecord>,
    /// Art. 10(4): "every inspection in 3 years passed"; `None` until answered.
    pub declares_all_inspections_passed: Option<bool>,
    /// Art. 10(4): provincial-or-higher quality-project awards (construction enterprises).
    pub project_awards: Vec<ProjectAward>,
    /// Art. 10(5): the quality-credit record; `None` until given.
    #[serde(deserialize_with = "credit_record")]
    pub credit: Option<CreditRecord>,
    /// Art. 10(6): accidents, major complaints and violations in the last 3 years.
    pub incidents: Vec<IncidentRecord>,
    /// Art. 10(6): "no accident, major complaint or violation in 3 years"; `None` until answered.
    pub declares_no_incidents: Option<bool>,
    /// Art. 10(1): compliance with industry, environmental, energy, safety and quality law.
    pub compliance: ComplianceDeclarations,
    /// Art. 10(1): the organisation is operating normally (正常运行).
    pub operating_normally: bool,
    /// Art. 17: the materials are truthful (申报材料真实性承诺).
    pub integrity_pledge: bool,
}

/// The organisation's profile (单位基本情况). Blank text means not yet filled.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationProfile {
    pub name: String,
    /// The unified social credit code as typed (GB 32100).
    pub uscc: String,
    /// Date of registration on the business licence (China date).
    pub registration_date: Option<NaiveDate>,
    /// Administrative division code (GB/T 2260, six digits) of the registered address.
    pub division_code: String,
    pub registered_address: String,
    pub legal_representative: String,
    /// GB/T 4754-2017 industry division (大类): the section letter and the division's two digits,
    /// e.g. "C15" ([`crate::codes`]).
    pub industry_code: String,
    pub employee_count: Option<u32>,
    /// Whether it is a construction enterprise (施工企业, Art. 10(4)); `None` until answered.
    pub construction_enterprise: Option<bool>,
}

/// The contact person (联系人).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactPerson {
    pub name: String,
    /// Mainland mobile number: 11 digits, `1[3-9]…`.
    pub mobile: String,
    pub email: String,
}

/// The applicant's self-assessment of one GB/T 19580 item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ItemSelfAssessment {
    /// Percentage of the item's points, 0–100 in steps of 5 (the experts' scale, Art. 11(5)).
    pub score: Option<u8>,
    pub narrative: String,
}

/// Key indicators of one calendar year (近3年主要经济、技术指标和质量水平).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct YearIndicators {
    pub year: i32,
    /// 营业收入, fen, not negative.
    pub revenue: Option<Fen>,
    /// 利润总额, fen, negative for a loss.
    pub profit: Option<Fen>,
    /// 纳税总额, fen, not negative.
    pub taxes: Option<Fen>,
    pub quality_indicators: Vec<QualityIndicator>,
}

impl YearIndicators {
    /// Complete for Art. 10(3): the three figures and at least one named quality indicator.
    pub fn is_complete(&self) -> bool {
        self.revenue.is_some()
            && self.profit.is_some()
            && self.taxes.is_some()
            && !self.quality_indicators.is_empty()
    }
}

/// A named quality indicator, e.g. 产品监督抽查合格率 = "100" "%". The value is decimal text so it
/// keeps the precision the applicant gave.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QualityIndicator {
    pub name: String,
    pub value: String,
    /// Blank for a pure number.
    pub unit: String,
}

/// The GB/T 4754-2017 sections (门类) and the divisions (大类, the first two digits) each holds.
const INDUSTRY_SECTIONS: [(char, u8, u8); 20] = [
    ('A', 1, 5),
    ('B', 6, 12),
    ('C', 13, 43),
    ('D', 44, 46),
    ('E', 47, 50),
    ('F', 51, 52),
    ('G', 53, 60),
    ('H', 61, 62),
    ('I', 63, 65),
    ('J', 66, 69),
    ('K', 70, 70),
    ('L', 71, 72),
    ('M', 73, 75),
    ('N', 76, 79),
    ('O', 80, 82),
    ('P', 83, 83),
    ('Q', 84, 85),
    ('R', 86, 90),
    ('S', 91, 96),
    ('T', 97, 97),
];

/// The section letter (A–T) of a GB/T 4754-2017 industry code written as the letter followed by
/// the division, group or class digits (2–4), e.g. `"C1515"` → `'C'`. `None` when the code is not
/// of that shape or its division does not belong to the letter's section (`"A3511"`).
pub fn industry_section(code: &str) -> Option<char> {
    let mut chars = code.chars();
    let section = chars.next()?;
    let digits = chars.as_str();
    if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let division: u8 = digits.get(..2)?.parse().ok()?;
    INDUSTRY_SECTIONS
        .iter()
        .find(|(letter, first, last)| *letter == section && (*first..=*last).contains(&division))
        .map(|(letter, ..)| *letter)
}

/// Whether `letter` is a GB/T 4754-2017 section letter (A–T).
pub fn is_industry_section(letter: char) -> bool {
    INDUSTRY_SECTIONS
        .iter()
        .any(|(section, ..)| *section == letter)
}

/// A mainland China mobile number: 11 digits, the first 1 and the second 3–9.
pub fn is_mainland_mobile(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
}

/// A deliverable address `local@domain.tld`: no display name, no domain literal.
pub fn is_email_address(text: &str) -> bool {
    let options = email_address::Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        allow_long_local_parts: false,
    };
    email_address::EmailAddress::parse_with_options(text, options).is_ok()
}

/// Decimal text: an optional minus, digits, optionally a point and more digits ("99.5", "-3").
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// How a missing field is asked for.
#[derive(Clone, Copy)]
pub(crate) enum Ask {
    /// A text, number or date: 请填写….
    Fill,
    /// A yes/no question: 请选择….
    Choose,
    /// A declaration or pledge: 请确认….
    Confirm,
    /// A list needing at least one entry: 请至少填报一项….
    Add,
}

/// A field's name in English (lower case, mid-sentence) and Chinese, and how it is asked for.
#[derive(Clone, Copy)]
pub(crate) struct Label {
    en: &'static str,
    zh: &'static str,
    ask: Ask,
}

pub(crate) const fn label(en: &'static str, zh: &'static str, ask: Ask) -> Label {
    Label { en, zh, ask }
}

const ORG_NAME: Label = label("organisation name", "单位名称", Ask::Fill);
const USCC: Label = label("unified social credit code", "统一社会信用代码", Ask::Fill);
const REGISTRATION_DATE: Label = label("registration date", "注册登记日期", Ask::Fill);
const DIVISION_CODE: Label = label(
    "division code of the registered address",
    "注册地行政区划代码",
    Ask::Fill,
);
const ADDRESS: Label = label("registered address", "注册地址", Ask::Fill);
const LEGAL_REPRESENTATIVE: Label = label("legal representative", "法定代表人", Ask::Fill);
const INDUSTRY_CODE: Label = label(
    "industry code (GB/T 4754-2017)",
    "所属行业代码（GB/T 4754-2017）",
    Ask::Fill,
);
const EMPLOYEES: Label = label("number of employees", "从业人数", Ask::Fill);
const CONSTRUCTION: Label = label(
    "whether the organisation is a construction enterprise",
    "是否为施工企业",
    Ask::Choose,
);
const CONTACT_NAME: Label = label("contact person's name", "联系人姓名", Ask::Fill);
const MOBILE: Label = label(
    "contact person's mobile number",
    "联系人手机号码",
    Ask::Fill,
);
const EMAIL: Label = label(
    "contact person's email address",
    "联系人电子邮箱",
    Ask::Fill,
);
const CERTIFICATES: Label = label(
    "management-system certificate",
    "管理体系认证证书",
    Ask::Add,
);
const CERT_STANDARD: Label = label("certified standard", "认证依据标准", Ask::Fill);
const CERT_NUMBER: Label = label("certificate number", "证书编号", Ask::Fill);
const CERT_ISSUER: Label = label("certification body", "发证机构", Ask::Fill);
const CERT_FROM: Label = label("start of validity", "有效期起始日期", Ask::Fill);
const CERT_UNTIL: Label = label("end of validity", "有效期截止日期", Ask::Fill);
const SELF_ASSESSMENT: Label = label("self-assessment", "自我评价", Ask::Fill);
const SCORE: Label = label("self-assessed score", "自评得分率", Ask::Fill);
const NARRATIVE: Label = label("self-assessment narrative", "自评说明", Ask::Fill);
const KEY_INDICATORS: Label = label("key indicators", "主要经济技术指标", Ask::Fill);
const YEAR: Label = label("year", "年度", Ask::Fill);
const REVENUE: Label = label("revenue", "营业收入", Ask::Fill);
const PROFIT: Label = label("total profit", "利润总额", Ask::Fill);
const TAXES: Label = label("taxes paid", "纳税总额", Ask::Fill);
const QUALITY_INDICATORS: Label = label("quality indicator", "质量指标", Ask::Add);
const INDICATOR_NAME: Label = label("indicator name", "指标名称", Ask::Fill);
const INDICATOR_VALUE: Label = label("indicator value", "指标值", Ask::Fill);
const INDICATOR_UNIT: Label = label("unit", "计量单位", Ask::Fill);
const INSPECTIONS: Label = label(
    "quality sampling or export inspection",
    "质量监督抽查或出口商品检验",
    Ask::Add,
);
const INSPECTION_DATE: Label = label("inspection date", "检验日期", Ask::Fill);
const INSPECTIONS_DECLARATION: Label = label(
    "declaration that every quality sampling and export inspection in the last 3 years passed",
    "近3年各级质量监督抽查和出口商品检验全部合格的声明",
    Ask::Choose,
);
const PROJECT_AWARDS: Label = label(
    "provincial-or-higher quality-project award",
    "省级以上优质工程表彰",
    Ask::Add,
);
const AWARD_NAME: Label = label("award name", "表彰名称", Ask::Fill);
const AWARD_DATE: Label = label("award date", "表彰日期", Ask::Fill);
const CREDIT: Label = label("quality-credit record", "质量诚信记录", Ask::Fill);
const CREDIT_DETAIL: Label = label("credit record details", "诚信记录情况说明", Ask::Fill);
const INCIDENTS: Label = label(
    "accident, major complaint or violation",
    "事故、重大投诉或违法违规行为",
    Ask::Add,
);
const INCIDENT_DATE: Label = label("date of the incident", "发生日期", Ask::Fill);
const INCIDENT_DESCRIPTION: Label = label("incident description", "情况说明", Ask::Fill);
const INCIDENTS_DECLARATION: Label = label(
    "declaration of no accident, major complaint or violation in the last 3 years",
    "近3年未发生质量、安全、环保、公共卫生等事故、重大投诉及违法违规行为的声明",
    Ask::Choose,
);
const COMPLIANCE: [(&str, Label); 5] = [
    (
        "industry_policy",
        label(
            "declaration of compliance with national industry policy",
            "符合国家产业政策的承诺",
            Ask::Confirm,
        ),
    ),
    (
        "environmental",
        label(
            "declaration of compliance with environmental law",
            "符合环境保护法律法规的承诺",
            Ask::Confirm,
        ),
    ),
    (
        "energy",
        label(
            "declaration of compliance with energy law",
            "符合能源法律法规的承诺",
            Ask::Confirm,
        ),
    ),
    (
        "work_safety",
        label(
            "declaration of compliance with work-safety law",
            "符合安全生产法律法规的承诺",
            Ask::Confirm,
        ),
    ),
    (
        "quality",
        label(
            "declaration of compliance with quality law",
            "符合质量法律法规的承诺",
            Ask::Confirm,
        ),
    ),
];
const OPERATING_NORMALLY: Label = label(
    "declaration that the organisation is operating normally",
    "单位正常运行的声明",
    Ask::Confirm,
);
const INTEGRITY_PLEDGE: Label = label(
    "pledge that the materials are truthful (Art. 17)",
    "申报材料真实性承诺（第十七条）",
    Ask::Confirm,
);

/// Whether a USCC whose check character fails is accepted: the applicant's own code is (legacy
/// codes, screening puts it to the Office), a code the Office enters is not.
#[derive(Clone, Copy)]
pub(crate) enum CheckCharacter {
    Tolerated,
    Required,
}

/// Collects issues; each method is one kind of issue with its code and both messages.
#[derive(Default)]
pub(crate) struct Issues(pub(crate) Vec<FieldIssue>);

impl Issues {
    pub(crate) fn push(
        &mut self,
        field: &str,
        code: &'static str,
        message: String,
        message_zh: String,
    ) {
        self.0.push(FieldIssue {
            field: field.to_owned(),
            code,
            message,
            message_zh,
        });
    }

    pub(crate) fn required(&mut self, field: &str, label: Label) {
        let (en, zh) = match label.ask {
            Ask::Fill => (
                format!("Enter the {}.", label.en),
                format!("请填写{}。", label.zh),
            ),
            Ask::Choose => (
                format!("Answer the {}.", label.en),
                format!("请选择{}。", label.zh),
            ),
            Ask::Confirm => (
                format!("Make the {}.", label.en),
                format!("请确认{}。", label.zh),
            ),
            Ask::Add => (
                format!("Add at least one {}.", label.en),
                format!("请至少填报一项{}。", label.zh),
            ),
        };
        self.push(field, "required", en, zh);
    }

    pub(crate) fn required_if_blank(&mut self, field: &str, label: Label, text: &str) {
        if text.trim().is_empty() {
            self.required(field, label);
        }
    }

    /// Length in characters and no control or format characters (`multiline` allows line breaks
    /// and tabs; `text::forbidden_character`).
    pub(crate) fn text(
        &mut self,
        field: &str,
        label: Label,
        text: &str,
        max: usize,
        multiline: bool,
    ) {
        let count = text.chars().count();
        if count > max {
            self.push(
                field,
                "too_long",
                format!(
                    "The {} has {count} characters; at most {max} are allowed.",
                    label.en
                ),
                format!("{}不得超过{max}个字（现为{count}个字）。", label.zh),
            );
        }
        // The one character check of every text (controls and invisible format characters).
        if let Some(fault) = crate::text::forbidden_character(text, multiline) {
            self.push(
                field,
                "invalid_characters",
                format!("The {} contains {fault}.", label.en),
                format!("{}{}。", label.zh, fault.zh()),
            );
        }
    }

    /// A non-empty USCC that GB 32100 parsing refuses (surrounding spaces and lower case are read).
    pub(crate) fn uscc(&mut self, field: &str, text: &str, check_character: CheckCharacter) {
        if text.trim().is_empty() {
            return;
        }
        let error = match Uscc::parse(text) {
            Ok(_) => return,
            Err(UsccError::CheckCharacter { .. })
                if matches!(check_character, CheckCharacter::Tolerated) =>
            {
                return;
            }
            Err(error) => error,
        };
        self.push(
            field,
            "invalid_uscc",
            format!("Not a unified social credit code: {error}."),
            format!(
                "统一社会信用代码格式不正确：{}。",
                match error {
                    UsccError::Length { found } => format!("应为18位，现为{found}位"),
                    UsccError::Character {
                        position,
                        character,
                    } => format!("第{position}位字符“{character}”不是有效字符"),
                    UsccError::DivisionCode { found } =>
                        format!("第3至8位应为6位数字的行政区划代码，现为“{found}”"),
                    UsccError::CheckCharacter { .. } => "校验码不符".into(),
                }
            ),
        );
    }

    /// A non-empty email address too long or not of the shape [`is_email_address`] accepts.
    pub(crate) fn email(&mut self, field: &str, label: Label, text: &str) {
        if text.is_empty() {
            return;
        }
        if text.chars().count() > MAX_EMAIL_CHARS {
            self.text(field, label, text, MAX_EMAIL_CHARS, false);
        } else if !is_email_address(text) {
            self.push(
                field,
                "invalid_email",
                "Not an email address of the form name@domain.cn.".into(),
                "电子邮箱格式不正确，应形如name@domain.cn。".into(),
            );
        }
    }

    /// A date of something that happened: not after `today`, not before 1949年10月1日
    /// (`time::past_date`).
    pub(crate) fn past_date(
        &mut self,
        field: &str,
        label: Label,
        date: NaiveDate,
        today: NaiveDate,
    ) {
        match crate::time::past_date(date, today) {
            Ok(_) => {}
            Err(crate::time::DateFault::Future) => self.push(
                field,
                "future_date",
                format!("The {} {date} is after today ({today}).", label.en),
                format!("{}（{date}）不能晚于今天（{today}）。", label.zh),
            ),
            Err(crate::time::DateFault::TooEarly) => self.push(
                field,
                "date_too_early",
                format!(
                    "The {} {date} is before {}.",
                    label.en,
                    crate::time::EARLIEST_RECORD_DATE
                ),
                format!("{}（{date}）不能早于1949年10月1日，请核对年份。", label.zh),
            ),
        }
    }

    /// A dated record of the 3-year sections must fall within the 3 years ending today.
    fn in_window(&mut self, field: &str, label: Label, date: NaiveDate, today: NaiveDate) {
        let start = eligibility::lookback_window_start(today);
        if date <= start {
            self.push(
                field,
                "outside_window",
                format!(
                    "The {} {date} is not within the last 3 years (after {start}).",
                    label.en
                ),
                format!("{}（{date}）不在近3年内（应晚于{start}）。", label.zh),
            );
        }
    }

    pub(crate) fn too_many(&mut self, field: &str, label: Label, count: usize, max: usize) {
        if count > max {
            self.push(
                field,
                "too_many",
                format!(
                    "At most {max} entries of {} are allowed ({count} given).",
                    label.en
                ),
                format!("{}最多填报{max}项（现为{count}项）。", label.zh),
            );
        }
    }

    fn duplicate(&mut self, field: &str, label: Label) {
        self.push(
            field,
            "duplicate",
            format!("This {} is already listed.", label.en),
            format!("该{}重复填报。", label.zh),
        );
    }

    fn negative(&mut self, field: &str, label: Label) {
        self.push(
            field,
            "negative",
            format!("The {} cannot be negative.", label.en),
            format!("{}不能为负数。", label.zh),
        );
    }

    fn contradicts(&mut self, field: &str, label: Label, listed: &str, listed_zh: &str) {
        self.push(
            field,
            "contradicts_declaration",
            format!("The {} contradicts the {listed} listed.", label.en),
            format!("{}与所填报的{listed_zh}相矛盾。", label.zh),
        );
    }
}

/// Flags each entry equal (by `key`) to an earlier one, at `field.<index>`.
fn duplicates<T, K: Ord>(
    issues: &mut Issues,
    field: &str,
    label: Label,
    entries: &[T],
    key: impl Fn(&T) -> K,
) {
    let mut seen = BTreeSet::new();
    for (index, entry) in entries.iter().enumerate() {
        if !seen.insert(key(entry)) {
            issues.duplicate(&format!("{field}.{index}"), label);
        }
    }
}

impl ApplicationForm {
    /// What is present but wrong, as of `today` (the China date of the save). Each issue names
    /// its field. Checked: USCC shape and GB 32100 check character, six-digit division code (not
    /// whether it is in Wuwei: screening decides that), GB/T 4754-2017 industry code, mainland
    /// mobile, email shape, text lengths and control characters, list counts, dates after
    /// `today`, certificate validity ending before it starts, rubric items unknown to `rubric`,
    /// scores off the 5 % scale, negative revenue or taxes, indicator years outside the last 3
    /// completed years or the year in progress (`today.year() − 3 ..= today.year()`: a deadline early
    /// next year needs this year's figures), dated inspections and incidents outside the 3 years ending today, duplicates,
    /// and a declaration contradicted by the records listed.
    ///
    /// Values are checked as given, not trimmed (the client trims), except the USCC, which GB 32100
    /// parsing reads with surrounding spaces and in lower case. Empty fields are not issues here;
    /// see [`Self::missing_for_submission`].
    pub fn check_fields(&self, rubric: &Rubric, today: NaiveDate) -> Vec<FieldIssue> {
        let mut issues = Issues::default();
        self.check_organisation(&mut issues, today);
        self.check_contact(&mut issues);
        self.check_certificates(&mut issues, today);
        self.check_self_assessment(&mut issues, rubric);
        self.check_indicators(&mut issues, today);
        self.check_records(&mut issues, today);
        issues.0
    }

    fn check_organisation(&self, issues: &mut Issues, today: NaiveDate) {
        let org = &self.organisation;
        issues.text(
            "organisation.name",
            ORG_NAME,
            &org.name,
            MAX_NAME_CHARS,
            false,
        );
        // Some legacy codes fail their check character: screening flags it for the Office's review
        // (Art. 11(4)); it is never a reason to refuse the form.
        issues.uscc("organisation.uscc", &org.uscc, CheckCharacter::Tolerated);
        if let Some(date) = org.registration_date {
            issues.past_date(
                "organisation.registration_date",
                REGISTRATION_DATE,
                date,
                today,
            );
        }
        if !org.division_code.is_empty() && crate::codes::division(&org.division_code).is_none() {
            issues.push(
                "organisation.division_code",
                "invalid_division_code",
                "The division is not in the GB/T 2260 list: choose it from the list.".into(),
                "所选行政区划不在GB/T 2260行政区划代码表中，请从列表中选择。".into(),
            );
        }
        issues.text(
            "organisation.registered_address",
            ADDRESS,
            &org.registered_address,
            MAX_NAME_CHARS,
            false,
        );
        issues.text(
            "organisation.legal_representative",
            LEGAL_REPRESENTATIVE,
            &org.legal_representative,
            MAX_PERSON_NAME_CHARS,
            false,
        );
        if !org.industry_code.is_empty() && !crate::codes::is_industry_division(&org.industry_code)
        {
            issues.push(
                "organisation.industry_code",
                "invalid_industry_code",
                "The industry is not a division of the GB/T 4754-2017 list: choose it from the \
                 list."
                    .into(),
                "所选行业不在GB/T 4754—2017国民经济行业分类的大类中，请从列表中选择。".into(),
            );
        }
        if let Some(count) = org.employee_count
            && !(1..=MAX_EMPLOYEES).contains(&count)
        {
            issues.push(
                "organisation.employee_count",
                "out_of_range",
                format!("The number of employees is 1 to {MAX_EMPLOYEES}."),
                format!("从业人数应为1至{MAX_EMPLOYEES}人。"),
            );
        }
    }

    fn check_contact(&self, issues: &mut Issues) {
        let contact = &self.contact;
        issues.text(
            "contact.name",
            CONTACT_NAME,
            &contact.name,
            MAX_PERSON_NAME_CHARS,
            false,
        );
        if !contact.mobile.is_empty() && !is_mainland_mobile(&contact.mobile) {
            issues.push(
                "contact.mobile",
                "invalid_mobile",
                "A mainland mobile number has 11 digits and starts with 13–19.".into(),
                "手机号码应为以13—19开头的11位数字。".into(),
            );
        }
        issues.email("contact.email", EMAIL, &contact.email);
    }

    fn check_certificates(&self, issues: &mut Issues, today: NaiveDate) {
        issues.too_many(
            "certificates",
            CERTIFICATES,
            self.certificates.len(),
            MAX_CERTIFICATES,
        );
        for (index, cert) in self.certificates.iter().enumerate() {
            let at = |name: &str| format!("certificates.{index}.{name}");
            issues.text(
                &at("standard"),
                CERT_STANDARD,
                &cert.standard,
                MAX_CODE_CHARS,
                false,
            );
            issues.text(
                &at("number"),
                CERT_NUMBER,
                &cert.number,
                MAX_CODE_CHARS,
                false,
            );
            issues.text(
                &at("issuer"),
                CERT_ISSUER,
                &cert.issuer,
                MAX_NAME_CHARS,
                false,
            );
            issues.past_date(&at("valid_from"), CERT_FROM, cert.valid_from, today);
            if cert.valid_until < cert.valid_from {
                issues.push(
                    &at("valid_until"),
                    "invalid_period",
                    format!(
                        "The end of validity {} is before its start {}.",
                        cert.valid_until, cert.valid_from
                    ),
                    format!(
                        "{}（{}）早于{}（{}）。",
                        CERT_UNTIL.zh, cert.valid_until, CERT_FROM.zh, cert.valid_from
                    ),
                );
            }
        }
        duplicates(
            issues,
            "certificates",
            CERTIFICATES,
            &self.certificates,
            |cert| {
                (
                    cert.standard.trim().to_owned(),
                    cert.number.trim().to_owned(),
                )
            },
        );
    }

    fn check_self_assessment(&self, issues: &mut Issues, rubric: &Rubric) {
        issues.too_many(
            "self_assessment",
            SELF_ASSESSMENT,
            self.self_assessment.len(),
            MAX_SELF_ASSESSMENT_ITEMS,
        );
        for (item, entry) in &self.self_assessment {
            let at = |name: &str| format!("self_assessment.{item}.{name}");
            if rubric.item(item).is_none() {
                issues.push(
                    &format!("self_assessment.{item}"),
                    "unknown_item",
                    format!("{item} is not an item of the {} rubric.", rubric.standard),
                    format!("{item}不是{}评价准则中的评分条款。", rubric.standard),
                );
            }
            if let Some(score) = entry.score
                && !is_valid_percent(score)
            {
                issues.push(
                    &at("score"),
                    "invalid_score",
                    format!(
                        "A self-assessed score is a percentage from 0 to 100 in steps of \
                         {PERCENT_STEP}; {score} is not."
                    ),
                    format!("自评得分率应为0至100之间{PERCENT_STEP}的整数倍，{score}不符合要求。"),
                );
            }
            issues.text(
                &at("narrative"),
                NARRATIVE,
                &entry.narrative,
                MAX_NARRATIVE_CHARS,
                true,
            );
        }
    }

    fn check_indicators(&self, issues: &mut Issues, today: NaiveDate) {
        // The year in progress is accepted too: a cycle whose deadline falls early next year
        // needs this year's figures (Art. 10(3): the 3 years before the deadline's year), and the
        // applicant fills the form before the year has closed.
        let last = today.year();
        let first = today.year() - LOOKBACK_YEARS as i32;
        issues.too_many(
            "key_indicators",
            KEY_INDICATORS,
            self.key_indicators.len(),
            LOOKBACK_YEARS as usize,
        );
        for (index, year) in self.key_indicators.iter().enumerate() {
            let at = |name: &str| format!("key_indicators.{index}.{name}");
            if !(first..=last).contains(&year.year) {
                issues.push(
                    &at("year"),
                    "outside_window",
                    format!(
                        "Key indicators are for the years {first}–{last} (the last 3 completed \
                         years, or the year in progress); {} is not one of them.",
                        year.year
                    ),
                    format!(
                        "主要指标应为近3个年度（{first}—{last}年），{}年不在其内。",
                        year.year
                    ),
                );
            }
            if year.revenue.is_some_and(|fen| fen.0 < 0) {
                issues.negative(&at("revenue"), REVENUE);
            }
            if year.taxes.is_some_and(|fen| fen.0 < 0) {
                issues.negative(&at("taxes"), TAXES);
            }
            issues.too_many(
                &at("quality_indicators"),
                QUALITY_INDICATORS,
                year.quality_indicators.len(),
                MAX_QUALITY_INDICATORS,
            );
            for (i, indicator) in year.quality_indicators.iter().enumerate() {
                let at =
                    |name: &str| format!("key_indicators.{index}.quality_indicators.{i}.{name}");
                issues.text(
                    &at("name"),
                    INDICATOR_NAME,
                    &indicator.name,
                    MAX_INDICATOR_NAME_CHARS,
                    false,
                );
                issues.text(
                    &at("unit"),
                    INDICATOR_UNIT,
                    &indicator.unit,
                    MAX_INDICATOR_VALUE_CHARS,
                    false,
                );
                if indicator.value.chars().count() > MAX_INDICATOR_VALUE_CHARS {
                    issues.text(
                        &at("value"),
                        INDICATOR_VALUE,
                        &indicator.value,
                        MAX_INDICATOR_VALUE_CHARS,
                        false,
                    );
                } else if !indicator.value.is_empty() && !is_decimal(&indicator.value) {
                    issues.push(
                        &at("value"),
                        "invalid_number",
                        format!(
                            "The indicator value is a decimal number such as 99.5, not {:?}.",
                            indicator.value
                        ),
                        format!("指标值应为数字，如99.5，“{}”不符合要求。", indicator.value),
                    );
                }
            }
            duplicates(
                issues,
                &format!("key_indicators.{index}.quality_indicators"),
                INDICATOR_NAME,
                &year.quality_indicators,
                |indicator| indicator.name.trim().to_owned(),
            );
        }
        duplicates(
            issues,
            "key_indicators",
            YEAR,
            &self.key_indicators,
            |year| year.year,
        );
    }

    fn check_records(&self, issues: &mut Issues, today: NaiveDate) {
        let window_start = eligibility::lookback_window_start(today);
        issues.too_many(
            "inspections",
            INSPECTIONS,
            self.inspections.len(),
            MAX_INSPECTIONS,
        );
        for (index, record) in self.inspections.iter().enumerate() {
            let field = format!("inspections.{index}.date");
            issues.past_date(&field, INSPECTION_DATE, record.date, today);
            issues.in_window(&field, INSPECTION_DATE, record.date, today);
        }
        duplicates(
            issues,
            "inspections",
            INSPECTIONS,
            &self.inspections,
            |record| (record.date, record.kind, record.passed),
        );
        let failed_listed = self
            .inspections
            .iter()
            .any(|record| !record.passed && record.date > window_start);
        if self.declares_all_inspections_passed == Some(true) && failed_listed {
            issues.contradicts(
                "declares_all_inspections_passed",
                INSPECTIONS_DECLARATION,
                "failed inspection",
                "不合格检验记录",
            );
        }

        issues.too_many(
            "project_awards",
            PROJECT_AWARDS,
            self.project_awards.len(),
            MAX_PROJECT_AWARDS,
        );
        for (index, award) in self.project_awards.iter().enumerate() {
            let at = |name: &str| format!("project_awards.{index}.{name}");
            issues.text(&at("name"), AWARD_NAME, &award.name, MAX_NAME_CHARS, false);
            issues.past_date(&at("awarded_on"), AWARD_DATE, award.awarded_on, today);
        }
        duplicates(
            issues,
            "project_awards",
            PROJECT_AWARDS,
            &self.project_awards,
            |award| (award.name.trim().to_owned(), award.awarded_on),
        );

        if let Some(CreditRecord::Blemished { detail }) = &self.credit {
            issues.text(
                "credit.detail",
                CREDIT_DETAIL,
                detail,
                MAX_DESCRIPTION_CHARS,
                true,
            );
        }

        issues.too_many("incidents", INCIDENTS, self.incidents.len(), MAX_INCIDENTS);
        for (index, incident) in self.incidents.iter().enumerate() {
            let at = |name: &str| format!("incidents.{index}.{name}");
            issues.past_date(&at("date"), INCIDENT_DATE, incident.date, today);
            issues.in_window(&at("date"), INCIDENT_DATE, incident.date, today);
            issues.text(
                &at("description"),
                INCIDENT_DESCRIPTION,
                &incident.description,
                MAX_DESCRIPTION_CHARS,
                true,
            );
        }
        duplicates(
            issues,
            "incidents",
            INCIDENTS,
            &self.incidents,
            |incident| {
                (
                    incident.date,
                    incident.kind,
                    incident.description.trim().to_owned(),
                )
            },
        );
        if self.declares_no_incidents == Some(true) && !self.incidents.is_empty() {
            issues.contradicts(
                "declares_no_incidents",
                INCIDENTS_DECLARATION,
                "incidents",
                "事故、投诉或违法违规记录",
            );
        }
    }

    /// What a submission needs and the form lacks, for a cycle whose application deadline is
    /// `application_deadline` (a China date). The deadline, not the day of submission, is the
    /// reference because screening judges the application as of the deadline (Art. 10, 11(4)):
    /// the key indicators needed are those of the 3 calendar years before the deadline's year
    /// ([`eligibility::key_indicator_years_for`]: deadline in 2026 → 2023, 2024, 2025).
    ///
    /// Needed: every profile field, the contact person, at least one certificate with its
    /// standard, number and issuer, a score and a narrative for every item of `rubric`, complete
    /// indicators (revenue, profit, taxes, at least one quality indicator with name and value) for
    /// each of those years, the answer to the inspections declaration, the incidents declaration
    /// or the incidents themselves (each described), the credit record, all five compliance
    /// declarations, "operating normally", the integrity pledge, and for a construction
    /// enterprise at least one quality-project award. Whether the answers make the organisation
    /// eligible is screening's question, not this one.
    pub fn missing_for_submission(
        &self,
        rubric: &Rubric,
        application_deadline: NaiveDate,
    ) -> Vec<FieldIssue> {
        let mut issues = Issues::default();
        let org = &self.organisation;
        issues.required_if_blank("organisation.name", ORG_NAME, &org.name);
        issues.required_if_blank("organisation.uscc", USCC, &org.uscc);
        if org.registration_date.is_none() {
            issues.required("organisation.registration_date", REGISTRATION_DATE);
        }
        issues.required_if_blank(
            "organisation.division_code",
            DIVISION_CODE,
            &org.division_code,
        );
        issues.required_if_blank(
            "organisation.registered_address",
            ADDRESS,
            &org.registered_address,
        );
        issues.required_if_blank(
            "organisation.legal_representative",
            LEGAL_REPRESENTATIVE,
            &org.legal_representative,
        );
        issues.required_if_blank(
            "organisation.industry_code",
            INDUSTRY_CODE,
            &org.industry_code,
        );
        if org.employee_count.is_none() {
            issues.required("organisation.employee_count", EMPLOYEES);
        }
        if org.construction_enterprise.is_none() {
            issues.required("organisation.construction_enterprise", CONSTRUCTION);
        }

        issues.required_if_blank("contact.name", CONTACT_NAME, &self.contact.name);
        issues.required_if_blank("contact.mobile", MOBILE, &self.contact.mobile);
        issues.required_if_blank("contact.email", EMAIL, &self.contact.email);

        if self.certificates.is_empty() {
            issues.required("certificates", CERTIFICATES);
        }
        for (index, cert) in self.certificates.iter().enumerate() {
            let at = |name: &str| format!("certificates.{index}.{name}");
            issues.required_if_blank(&at("standard"), CERT_STANDARD, &cert.standard);
            issues.required_if_blank(&at("number"), CERT_NUMBER, &cert.number);
            issues.required_if_blank(&at("issuer"), CERT_ISSUER, &cert.issuer);
        }

        for item in rubric.items() {
            let entry = self.self_assessment.get(&item.id);
            if entry.and_then(|entry| entry.score).is_none() {
                issues.required(&format!("self_assessment.{}.score", item.id), SCORE);
            }
            if entry.is_none_or(|entry| entry.narrative.trim().is_empty()) {
                issues.required(&format!("self_assessment.{}.narrative", item.id), NARRATIVE);
            }
        }

        for needed in eligibility::key_indicator_years_for(application_deadline) {
            let Some((index, year)) = self
                .key_indicators
                .iter()
                .enumerate()
                .find(|(_, year)| year.year == needed)
            else {
                issues.push(
                    "key_indicators",
                    "required",
                    format!("Enter the key indicators for {needed}."),
                    format!("请填写{needed}年度主要经济技术指标。"),
                );
                continue;
            };
            let at = |name: &str| format!("key_indicators.{index}.{name}");
            for (name, label, value) in [
                ("revenue", REVENUE, year.revenue),
                ("profit", PROFIT, year.profit),
                ("taxes", TAXES, year.taxes),
            ] {
                if value.is_none() {
                    issues.required(&at(name), label);
                }
            }
            if year.quality_indicators.is_empty() {
                issues.required(&at("quality_indicators"), QUALITY_INDICATORS);
            }
            for (i, indicator) in year.quality_indicators.iter().enumerate() {
                let at =
                    |name: &str| format!("key_indicators.{index}.quality_indicators.{i}.{name}");
                issues.required_if_blank(&at("name"), INDICATOR_NAME, &indicator.name);
                issues.required_if_blank(&at("value"), INDICATOR_VALUE, &indicator.value);
            }
        }

        if self.declares_all_inspections_passed.is_none() {
            issues.required("declares_all_inspections_passed", INSPECTIONS_DECLARATION);
        }
        if org.construction_enterprise == Some(true) && self.project_awards.is_empty() {
            issues.required("project_awards", PROJECT_AWARDS);
        }
        for (index, award) in self.project_awards.iter().enumerate() {
            issues.required_if_blank(
                &format!("project_awards.{index}.name"),
                AWARD_NAME,
                &award.name,
            );
        }
        match &self.credit {
            None => issues.required("credit", CREDIT),
            Some(CreditRecord::Blemished { detail }) => {
                issues.required_if_blank("credit.detail", CREDIT_DETAIL, detail)
            }
            Some(_) => {}
        }
        match (self.declares_no_incidents, self.incidents.is_empty()) {
            (None, true) => issues.required("declares_no_incidents", INCIDENTS_DECLARATION),
            (Some(false), true) => issues.required("incidents", INCIDENTS),
            _ => {}
        }
        for (index, incident) in self.incidents.iter().enumerate() {
            issues.required_if_blank(
                &format!("incidents.{index}.description"),
                INCIDENT_DESCRIPTION,
                &incident.description,
            );
        }

        let c = self.compliance;
        let made = [
            c.industry_policy,
            c.environmental,
            c.energy,
            c.work_safety,
            c.quality,
        ];
        for ((name, label), made) in COMPLIANCE.into_iter().zip(made) {
            if !made {
                issues.required(&format!("compliance.{name}"), label);
            }
        }
        if !self.operating_normally {
            issues.required("operating_normally", OPERATING_NORMALLY);
        }
        if !self.integrity_pledge {
            issues.required("integrity_pledge", INTEGRITY_PLEDGE);
        }
        issues.0
    }

    /// The facts screening judges (`eligibility::screen`), as of the cycle's
    /// `application_deadline` (a China date) with the recommender's sign-off (Art. 11(3)).
    ///
    /// Mapping: a missing declaration maps to "not declared" (`false`), a missing credit record to
    /// [`CreditRecord::NotChecked`], the self-assessment to the items having both a score and a
    /// narrative (`None` when none has), the indicator years to the complete years
    /// ([`YearIndicators::is_complete`]). Of several certificates the one screening should see
    /// is chosen: one valid on the deadline first, then one with number and issuer, then the
    /// latest-expiring, then the first listed.
    ///
    /// Errors with the `required` issues of the three facts that have no "absent" value in
    /// [`EligibilityFacts`]: the USCC, the registration date and whether it is a construction
    /// enterprise. A form without `missing_for_submission` issues always maps.
    pub fn facts(
        &self,
        recommendation: Option<RecommendationFacts>,
        application_deadline: NaiveDate,
    ) -> Result<EligibilityFacts, Vec<FieldIssue>> {
        let org = &self.organisation;
        let mut issues = Issues::default();
        issues.required_if_blank("organisation.uscc", USCC, &org.uscc);
        if org.registration_date.is_none() {
            issues.required("organisation.registration_date", REGISTRATION_DATE);
        }
        if org.construction_enterprise.is_none() {
            issues.required("organisation.construction_enterprise", CONSTRUCTION);
        }
        let (Some(registration_date), Some(construction_firm), true) = (
            org.registration_date,
            org.construction_enterprise,
            issues.0.is_empty(),
        ) else {
            return Err(issues.0);
        };

        let quality_certificate = self
            .certificates
            .iter()
            .enumerate()
            .max_by_key(|(index, cert)| {
                (
                    cert.valid_from <= application_deadline
                        && application_deadline <= cert.valid_until,
                    !cert.number.trim().is_empty() && !cert.issuer.trim().is_empty(),
                    cert.valid_until,
                    std::cmp::Reverse(*index),
                )
            })
            .map(|(_, cert)| cert.clone());
        let assessed: BTreeSet<String> = self
            .self_assessment
            .iter()
            .filter(|(_, entry)| entry.score.is_some() && !entry.narrative.trim().is_empty())
            .map(|(item, _)| item.clone())
            .collect();
        let address_division_code =
            Some(org.division_code.trim().to_owned()).filter(|code| !code.is_empty());

        Ok(EligibilityFacts {
            declared_uscc: org.uscc.clone(),
            address_division_code,
            registration_date,
            operating_normally: self.operating_normally,
            compliance: self.compliance,
            quality_certificate,
            self_assessed_items: (!assessed.is_empty()).then_some(assessed),
            key_indicator_years: self
                .key_indicators
                .iter()
                .filter(|year| year.is_complete())
                .map(|year| year.year)
                .collect(),
            inspections: self.inspections.clone(),
            declares_all_inspections_passed: self.declares_all_inspections_passed == Some(true),
            construction_firm,
            project_awards: self.project_awards.clone(),
            credit: self.credit.clone().unwrap_or(CreditRecord::NotChecked),
            incidents: self.incidents.clone(),
            declares_no_incidents: self.declares_no_incidents == Some(true),
            recommendation,
        })
    }

    /// A complete, realistic form of a fictitious Wuwei winery (GB/T 4754-2017 C15, 凉州区) for
    /// a cycle whose application deadline is `application_deadline`: no `missing_for_submission`
    /// issue for that deadline, no `check_fields` issue on any day of the deadline's year from 3
    /// months before the deadline through the deadline (its latest record), and screening finds
    /// it eligible given a recommendation in time. For tests and the demo only: the names, codes
    /// and figures are made up; the USCC is well-formed with a correct GB 32100 check character.
    pub fn sample_complete(application_deadline: NaiveDate) -> Self {
        let deadline = application_deadline;
        let months_before = |months: u32| {
            deadline
                .checked_sub_months(Months::new(months))
                .unwrap_or(deadline)
        };
        let rubric = Rubric::gb_t_19580_2012();
        let self_assessment = rubric
            .items()
            .map(|item| {
                let score = if item.id.starts_with("4.7") { 60 } else { 55 };
                let narrative = format!(
                    "{}：公司按照GB/T 19580建立并实施相应过程，定期测量评价并持续改进，详见自评报告第{}条。",
                    item.name, item.id
                );
                (
                    item.id.clone(),
                    ItemSelfAssessment {
                        score: Some(score),
                        narrative,
                    },
                )
            })
            .collect();
        let key_indicators = eligibility::key_indicator_years_for(deadline)
            .into_iter()
            .zip([0_i64, 1, 2])
            .map(|(year, growth)| YearIndicators {
                year,
                revenue: Some(Fen::from_yuan(286_000_000 + growth * 21_500_000)),
                profit: Some(Fen::from_yuan(31_400_000 + growth * 2_800_000)),
                taxes: Some(Fen::from_yuan(18_650_000 + growth * 1_200_000)),
                quality_indicators: vec![
                    QualityIndicator {
                        name: "产品监督抽查合格率".into(),
                        value: "100".into(),
                        unit: "%".into(),
                    },
                    QualityIndicator {
                        name: "顾客满意度".into(),
                        value: format!("9{}.5", 1 + growth),
                        unit: "%".into(),
                    },
                ],
            })
            .collect();
        Self {
            organisation: OrganisationProfile {
                name: "武威祁连葡萄酒业有限公司".into(),
                uscc: "91620602224305118Y".into(),
                registration_date: NaiveDate::from_ymd_opt(2009, 4, 16),
                division_code: "620602".into(),
                registered_address: "甘肃省武威市凉州区黄羊镇工业园区8号".into(),
                legal_representative: "张建国".into(),
                industry_code: "C15".into(),
                employee_count: Some(486),
                construction_enterprise: Some(false),
            },
            contact: ContactPerson {
                name: "李梅".into(),
                mobile: "13919351234".into(),
                email: "limei@qilian-wine.example.cn".into(),
            },
            certificates: vec![
                QualityCertificate {
                    standard: "GB/T 19001-2016".into(),
                    number: "00124Q31234R2M".into(),
                    issuer: "中国质量认证中心".into(),
                    valid_from: months_before(14),
                    valid_until: months_before(14)
                        .checked_add_months(Months::new(36))
                        .unwrap_or(deadline),
                },
                QualityCertificate {
                    standard: "GB/T 22000-2006".into(),
                    number: "001FSMS2400318".into(),
                    issuer: "中国质量认证中心".into(),
                    valid_from: months_before(8),
                    valid_until: months_before(8)
                        .checked_add_months(Months::new(36))
                        .unwrap_or(deadline),
                },
            ],
            self_assessment,
            key_indicators,
            inspections: vec![
                InspectionRecord {
                    date: months_before(27),
                    kind: eligibility::InspectionKind::QualitySampling,
                    passed: true,
                },
                InspectionRecord {
                    date: months_before(15),
                    kind: eligibility::InspectionKind::ExportInspection,
                    passed: true,
                },
                InspectionRecord {
                    date: months_before(3),
                    kind: eligibility::InspectionKind::QualitySampling,
                    passed: true,
                },
            ],
            declares_all_inspections_passed: Some(true),
            project_awards: vec![],
            credit: Some(CreditRecord::Good),
            incidents: vec![],
            declares_no_incidents: Some(true),
            compliance: ComplianceDeclarations {
                industry_policy: true,
                environmental: true,
                energy: true,
                work_safety: true,
                quality: true,
            },
            operating_normally: true,
            integrity_pledge: true,
        }
    }
}

/// Reads a map refusing a key given twice (serde_json would keep the last silently).
fn unique_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct UniqueKeys<V>(PhantomData<V>);

    impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueKeys<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a map keyed by rubric item id")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if entries.contains_key(&key) {
                    return Err(de::Error::custom(format_args!(
                        "rubric item {key} given twice"
                    )));
                }
                entries.insert(key, value);
            }
            Ok(entries)
        }
    }

    deserializer.deserialize_map(UniqueKeys(PhantomData))
}

/// Reads the credit record refusing unknown keys, which serde does not do for the unit variants
/// (`good`, `not_checked`) of an internally tagged enum.
fn credit_record<'de, D>(deserializer: D) -> Result<Option<CreditRecord>, D::Error>
where
    D: Deserializer<'de>,
{
    let Some(map) =
        Option::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)?
    else {
        return Ok(None);
    };
    let blemished = map.get("status").and_then(serde_json::Value::as_str) == Some("blemished");
    if let Some(key) = map
        .keys()
        .find(|key| *key != "status" && !(blemished && *key == "detail"))
    {
        return Err(de::Error::custom(format_args!(
            "unknown field `{key}` in the credit record"
        )));
    }
    CreditRecord::deserialize(serde_json::Value::Object(map))
        .map(Some)
        .map_err(de::Error::custom)
}

/// The kinds of evidence document (实证材料) an application carries.
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
pub enum DocumentCategory {
    /// 营业执照 (Art. 10(1)).
    BusinessLicence,
    /// 管理体系认证证书 (Art. 10(2)).
    ManagementSystemCertificate,
    /// 自评报告 against GB/T 19580 (Art. 10(3), 11(2)).
    SelfAssessmentReport,
    /// 近3年财务报表 (Art. 10(3)).
    FinancialStatements,
    /// 近3年质量监督抽查和出口商品检验报告 (Art. 10(4)).
    InspectionReports,
    /// 信用报告 (Art. 10(5)).
    CreditReport,
    /// 省级以上优质工程表彰证书 (Art. 10(4), construction enterprises).
    ProjectAwardCertificate,
    /// 资料评审报告: uploaded by staff (Art. 11(5)).
    ReviewReport,
    /// 现场评审报告: uploaded by staff (Art. 11(6)).
    VisitReport,
    /// 会议纪要: uploaded by staff (Art. 11(8)–(9)).
    Minutes,
    /// 盖章推荐页: the scan of the application form's last page on which the recommending unit
    /// signed its recommendation opinion and applied its official seal (签署推荐意见并加盖公章,
    /// Art. 11(3)); uploaded by that unit or by the Office on its behalf, never by the applicant.
    SealedRecommendation,
    /// 其他材料.
    Other,
}

impl DocumentCategory {
    pub const ALL: [Self; 12] = [
        Self::BusinessLicence,
        Self::ManagementSystemCertificate,
        Self::SelfAssessmentReport,
        Self::FinancialStatements,
        Self::InspectionReports,
        Self::CreditReport,
        Self::ProjectAwardCertificate,
        Self::ReviewReport,
        Self::VisitReport,
        Self::Minutes,
        Self::SealedRecommendation,
        Self::Other,
    ];

    /// The serde name, e.g. `"business_licence"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BusinessLicence => "business_licence",
            Self::ManagementSystemCertificate => "management_system_certificate",
            Self::SelfAssessmentReport => "self_assessment_report",
            Self::FinancialStatements => "financial_statements",
            Self::InspectionReports => "inspection_reports",
            Self::CreditReport => "credit_report",
            Self::ProjectAwardCertificate => "project_award_certificate",
            Self::ReviewReport => "review_report",
            Self::VisitReport => "visit_report",
            Self::Minutes => "minutes",
            Self::SealedRecommendation => "sealed_recommendation",
            Self::Other => "other",
        }
    }

    /// The label on a Chinese form.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::BusinessLicence => "营业执照",
            Self::ManagementSystemCertificate => "管理体系认证证书",
            Self::SelfAssessmentReport => "自我评价报告",
            Self::FinancialStatements => "近3年财务报表",
            Self::InspectionReports => "质量监督抽查和出口商品检验报告",
            Self::CreditReport => "信用报告",
            Self::ProjectAwardCertificate => "省级以上优质工程表彰证书",
            Self::ReviewReport => "资料评审报告",
            Self::VisitReport => "现场评审报告",
            Self::Minutes => "会议纪要",
            Self::SealedRecommendation => "盖章推荐页",
            Self::Other => "其他材料",
        }
    }

    /// Whether staff upload it rather than the applicant.
    pub fn staff_only(self) -> bool {
        matches!(self, Self::ReviewReport | Self::VisitReport | Self::Minutes)
    }

    /// Whether the application's recommending unit uploads it (or the Office on its behalf),
    /// rather than the applicant or staff alone: the sealed recommendation page is the unit's own
    /// act (Art. 11(3)), so the applicant never files it. Unlike a staff report it is no secret:
    /// everyone who reads the application sees it.
    pub fn by_recommending_unit(self) -> bool {
        matches!(self, Self::SealedRecommendation)
    }

    /// The categories an applicant must upload before submitting (Art. 10, 11(2)–(3)): business
    /// licence, management-system certificate, self-assessment report, financial statements,
    /// inspection reports and credit report; a construction enterprise also the project-award
    /// certificate. `review_report`, `visit_report` and `minutes` are uploaded by staff and never
    /// required of an applicant, nor is `sealed_recommendation` (the recommending unit's, after
    /// the submission); `other` is never required.
    pub fn required_for_submission(construction_firm: bool) -> Vec<Self> {
        let mut required = vec![
            Self::BusinessLicence,
            Self::ManagementSystemCertificate,
            Self::SelfAssessmentReport,
            Self::FinancialStatements,
            Self::InspectionReports,
            Self::CreditReport,
        ];
        if construction_firm {
            required.push(Self::ProjectAwardCertificate);
        }
        required
    }
}

impl fmt::Display for DocumentCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::tests::{d, good_facts};
    use crate::eligibility::{
        AwardLevel, Condition, IncidentKind, InspectionKind, OrganisationHistory, Outcome, Overall,
        Screening,
    };
    use crate::rules::{RubricCategory, RubricItem};
    use proptest::prelude::*;

    fn deadline() -> NaiveDate {
        d(2026, 6, 30)
    }

    /// A save during the 2026 call.
    fn today() -> NaiveDate {
        d(2026, 6, 1)
    }

    fn rubric() -> Rubric {
        Rubric::gb_t_19580_2012()
    }

    fn sample() -> ApplicationForm {
        ApplicationForm::sample_complete(deadline())
    }

    fn field_issues(form: &ApplicationForm) -> Vec<(String, &'static str)> {
        form.check_fields(&rubric(), today())
            .into_iter()
            .map(|issue| (issue.field, issue.code))
            .collect()
    }

    fn missing(form: &ApplicationForm) -> Vec<String> {
        form.missing_for_submission(&rubric(), deadline())
            .into_iter()
            .map(|issue| {
                assert_eq!(issue.code, "required");
                issue.field
            })
            .collect()
    }

    /// Asserts the form has exactly the one field issue `(field, code)`.
    #[track_caller]
    fn only_issue(form: &ApplicationForm, field: &str, code: &str) {
        assert_eq!(
            field_issues(form),
            vec![(field.to_owned(), code)],
            "expected only {field} {code}"
        );
    }

    fn screen(form: &ApplicationForm) -> Screening {
        let recommendation = good_facts().recommendation;
        let facts = form.facts(recommendation, deadline()).unwrap();
        eligibility::screen(
            &facts,
            &OrganisationHistory::default(),
            &rubric(),
            deadline(),
            d(2026, 7, 15),
        )
    }

    fn outcome(form: &ApplicationForm, condition: Condition) -> Outcome {
        screen(form).verdict(condition).unwrap().outcome
    }

    #[test]
    fn the_complete_sample_passes_both_checks_and_is_eligible() {
        let form = sample();
        for today in [d(2026, 3, 30), today(), deadline()] {
            assert_eq!(form.check_fields(&rubric(), today), vec![], "{today}");
        }
        assert_eq!(form.missing_for_submission(&rubric(), deadline()), vec![]);
        let screening = screen(&form);
        assert_eq!(screening.overall(), Overall::Eligible, "{screening:#?}");
        let uscc = Uscc::parse(&form.organisation.uscc).unwrap();
        assert!(eligibility::is_wuwei_division(uscc.division_code()));
        // A later cycle's sample is complete for that cycle too.
        let later = ApplicationForm::sample_complete(d(2028, 5, 31));
        assert_eq!(later.check_fields(&rubric(), d(2028, 5, 1)), vec![]);
        assert_eq!(
            later.missing_for_submission(&rubric(), d(2028, 5, 31)),
            vec![]
        );
    }

    #[test]
    fn the_mapping_agrees_with_the_eligibility_fixture() {
        let facts = sample()
            .facts(good_facts().recommendation, deadline())
            .unwrap();
        let expected = good_facts();
        assert_eq!(facts.self_assessed_items, expected.self_assessed_items);
        assert_eq!(facts.key_indicator_years, expected.key_indicator_years);
        assert_eq!(facts.compliance, expected.compliance);
        assert_eq!(facts.address_division_code, expected.address_division_code);
        assert_eq!(facts.credit, expected.credit);
        // Both certificates are valid on the deadline; the later-expiring one is screened.
        assert_eq!(
            facts.quality_certificate.map(|cert| cert.standard),
            Some("GB/T 22000-2006".to_owned())
        );
    }

    #[test]
    fn an_empty_draft_is_well_formed_and_misses_everything() {
        let form = ApplicationForm::default();
        assert_eq!(form.check_fields(&rubric(), today()), vec![]);
        let issues = form.missing_for_submission(&rubric(), deadline());
        let fields: Vec<&str> = issues.iter().map(|issue| issue.field.as_str()).collect();
        for field in [
            "organisation.name",
            "organisation.uscc",
            "organisation.registration_date",
            "organisation.division_code",
            "organisation.registered_address",
            "organisation.legal_representative",
            "organisation.industry_code",
            "organisation.employee_count",
            "organisation.construction_enterprise",
            "contact.name",
            "contact.mobile",
            "contact.email",
            "certificates",
            "self_assessment.4.1.2.score",
            "self_assessment.4.7.7.narrative",
            "declares_all_inspections_passed",
            "credit",
            "declares_no_incidents",
            "compliance.industry_policy",
            "compliance.environmental",
            "compliance.energy",
            "compliance.work_safety",
            "compliance.quality",
            "operating_normally",
            "integrity_pledge",
        ] {
            assert!(fields.contains(&field), "{field} not reported: {fields:?}");
        }
        // Every item's score and narrative, the 3 years, and nothing for construction.
        assert_eq!(
            fields
                .iter()
                .filter(|f| f.starts_with("self_assessment."))
                .count(),
            2 * rubric().items().count()
        );
        assert_eq!(fields.iter().filter(|f| **f == "key_indicators").count(), 3);
        assert!(!fields.contains(&"project_awards"));
        for issue in &issues {
            assert!(issue.message.ends_with('.'), "{issue:?}");
            assert!(issue.message_zh.starts_with('请'), "{issue:?}");
        }
        let mobile = issues.iter().find(|i| i.field == "contact.mobile").unwrap();
        assert_eq!(mobile.message, "Enter the contact person's mobile number.");
        assert_eq!(mobile.message_zh, "请填写联系人手机号码。");
    }

    #[test]
    fn uscc_shape_and_check_character() {
        let mut form = sample();
        form.organisation.uscc = "91620602224305118".into();
        only_issue(&form, "organisation.uscc", "invalid_uscc");
        let zh = &form.check_fields(&rubric(), today())[0].message_zh;
        assert!(zh.contains("应为18位，现为17位"), "{zh}");
        // A wrong check character is screening's "needs review", not a field error.
        form.organisation.uscc = "91620602224305118X".into();
        assert_eq!(field_issues(&form), vec![]);
        form.organisation.uscc = "9162O602224305118Y".into();
        only_issue(&form, "organisation.uscc", "invalid_uscc");
        // Lower case and surrounding spaces are how people type a valid code.
        form.organisation.uscc = " 91620602224305118y ".into();
        assert_eq!(field_issues(&form), vec![]);
    }

    #[test]
    fn profile_fields() {
        let mut form = sample();
        form.organisation.registration_date = Some(d(2026, 6, 2));
        only_issue(&form, "organisation.registration_date", "future_date");
        // Before the founding of the People's Republic: a mistyped year.
        form.organisation.registration_date = Some(d(1949, 9, 30));
        only_issue(&form, "organisation.registration_date", "date_too_early");
        form.organisation.registration_date = Some(d(1949, 10, 1));
        assert_eq!(field_issues(&form), vec![]);
        form.organisation.registration_date = Some(today());
        assert_eq!(field_issues(&form), vec![]);

        // Outside Wuwei is screening's decision, not a field error.
        form.organisation.division_code = "330100".into();
        assert_eq!(field_issues(&form), vec![]);
        for bad in ["62060", "6206021", "62060a", " 620602", "620699"] {
            form.organisation.division_code = bad.into();
            only_issue(&form, "organisation.division_code", "invalid_division_code");
        }
        form.organisation.division_code = "620602".into();

        for bad in [
            "X1515", "c1515", "C", "C1", "C15151", "C15a", "A3511", "1515", "C1515", "A15",
        ] {
            form.organisation.industry_code = bad.into();
            only_issue(&form, "organisation.industry_code", "invalid_industry_code");
        }
        form.organisation.industry_code = "E47".into();
        assert_eq!(field_issues(&form), vec![]);

        form.organisation.employee_count = Some(0);
        only_issue(&form, "organisation.employee_count", "out_of_range");
        form.organisation.employee_count = Some(MAX_EMPLOYEES + 1);
        only_issue(&form, "organisation.employee_count", "out_of_range");
        form.organisation.employee_count = Some(MAX_EMPLOYEES);
        assert_eq!(field_issues(&form), vec![]);

        form.organisation.name = "武".repeat(MAX_NAME_CHARS);
        assert_eq!(field_issues(&form), vec![]);
        form.organisation.name = "武".repeat(MAX_NAME_CHARS + 1);
        only_issue(&form, "organisation.name", "too_long");
        form.organisation.name = "武威\n祁连".into();
        only_issue(&form, "organisation.name", "invalid_characters");
        // A name that looks like another: a right-to-left override, a zero-width space.
        form.organisation.name = "武威\u{202E}连祁".into();
        only_issue(&form, "organisation.name", "invalid_characters");
        form.organisation.name = "武威\u{200B}祁连".into();
        only_issue(&form, "organisation.name", "invalid_characters");
        form.organisation.name = "武威祁连".into();
        form.organisation.legal_representative = "张\u{2066}三".into();
        only_issue(
            &form,
            "organisation.legal_representative",
            "invalid_characters",
        );
        form.organisation.legal_representative = "张三".into();
        form.organisation.name = "武威祁连".into();
        form.organisation.legal_representative = "张".repeat(MAX_PERSON_NAME_CHARS + 1);
        only_issue(&form, "organisation.legal_representative", "too_long");
    }

    #[test]
    fn industry_sections_of_gb_t_4754_2017() {
        assert_eq!(industry_section("C1515"), Some('C'));
        assert_eq!(industry_section("A01"), Some('A'));
        assert_eq!(industry_section("B0610"), Some('B'));
        assert_eq!(industry_section("C13"), Some('C'));
        assert_eq!(industry_section("C43"), Some('C'));
        assert_eq!(industry_section("K7010"), Some('K'));
        assert_eq!(industry_section("N7910"), Some('N'));
        assert_eq!(industry_section("T970"), Some('T'));
        assert_eq!(industry_section("C12"), None);
        assert_eq!(industry_section("C44"), None);
        assert_eq!(industry_section("U98"), None);
        assert_eq!(industry_section("A00"), None);
        assert_eq!(industry_section(""), None);
        assert_eq!(industry_section("中1515"), None);
        // Every division 01–97 belongs to exactly one section.
        for division in 1..=97 {
            let sections: Vec<char> = ('A'..='T')
                .filter(|s| industry_section(&format!("{s}{division:02}")).is_some())
                .collect();
            assert_eq!(sections.len(), 1, "division {division:02}: {sections:?}");
        }
    }

    #[test]
    fn contact_mobile_and_email() {
        let mut form = sample();
        for bad in [
            "12919351234",
            "1391935123",
            "139193512345",
            "+8613919351234",
            "139 1935 1234",
            "23919351234",
        ] {
            form.contact.mobile = bad.into();
            only_issue(&form, "contact.mobile", "invalid_mobile");
        }
        for good in ["13019351234", "19919351234", "15309351234"] {
            form.contact.mobile = good.into();
            assert_eq!(field_issues(&form), vec![]);
        }
        for bad in [
            "limei",
            "limei@example",
            "李梅 <limei@example.cn>",
            "limei@[127.0.0.1]",
            " limei@example.cn",
        ] {
            form.contact.email = bad.into();
            only_issue(&form, "contact.email", "invalid_email");
        }
        form.contact.email = format!("{}@example.cn", "a".repeat(MAX_EMAIL_CHARS));
        only_issue(&form, "contact.email", "too_long");
        form.contact.email = "li.mei+award@mail.example.cn".into();
        assert_eq!(field_issues(&form), vec![]);
    }

    #[test]
    fn certificates() {
        let mut form = sample();
        form.certificates[0].valid_until = d(2024, 1, 1);
        form.certificates[0].valid_from = d(2024, 1, 2);
        only_issue(&form, "certificates.0.valid_until", "invalid_period");
        let mut form = sample();
        form.certificates[1].valid_from = d(2026, 6, 2);
        only_issue(&form, "certificates.1.valid_from", "future_date");
        let mut form = sample();
        form.certificates[1] = form.certificates[0].clone();
        form.certificates[1].number = format!(" {} ", form.certificates[0].number);
        only_issue(&form, "certificates.1", "duplicate");
        let mut form = sample();
        form.certificates[0].number = "0".repeat(MAX_CODE_CHARS + 1);
        only_issue(&form, "certificates.0.number", "too_long");
        let mut form = sample();
        form.certificates = (0..=MAX_CERTIFICATES)
            .map(|n| QualityCertificate {
                number: format!("Q{n}"),
                ..sample().certificates[0].clone()
            })
            .collect();
        only_issue(&form, "certificates", "too_many");
        form.certificates.pop();
        assert_eq!(field_issues(&form), vec![]);
    }

    #[test]
    fn self_assessment_items_scores_and_narratives() {
        let mut form = sample();
        form.self_assessment
            .insert("4.8.1".into(), ItemSelfAssessment::default());
        only_issue(&form, "self_assessment.4.8.1", "unknown_item");

        let mut form = sample();
        let entry = form.self_assessment.get_mut("4.1.2").unwrap();
        entry.score = Some(52);
        only_issue(&form, "self_assessment.4.1.2.score", "invalid_score");
        let entry = form.self_assessment.get_mut("4.1.2").unwrap();
        entry.score = Some(105);
        only_issue(&form, "self_assessment.4.1.2.score", "invalid_score");

        let mut form = sample();
        let entry = form.self_assessment.get_mut("4.7.4").unwrap();
        entry.narrative = format!("第一段\r\n第二段\t{}", "说".repeat(MAX_NARRATIVE_CHARS - 9));
        assert_eq!(entry.narrative.chars().count(), MAX_NARRATIVE_CHARS);
        assert_eq!(field_issues(&form), vec![]);
        let entry = form.self_assessment.get_mut("4.7.4").unwrap();
        entry.narrative.push('说');
        only_issue(&form, "self_assessment.4.7.4.narrative", "too_long");
        let entry = form.self_assessment.get_mut("4.7.4").unwrap();
        entry.narrative = "bell\u{7}".into();
        only_issue(
            &form,
            "self_assessment.4.7.4.narrative",
            "invalid_characters",
        );
    }

    proptest! {
        /// Scores on the experts' scale are accepted; every other value is refused.
        #[test]
        fn a_score_is_0_to_100_in_steps_of_5(score in any::<u8>()) {
            let mut form = sample();
            form.self_assessment.get_mut("4.2.2").unwrap().score = Some(score);
            let issues = field_issues(&form);
            if score <= 100 && score % 5 == 0 {
                prop_assert_eq!(issues, vec![]);
            } else {
                prop_assert_eq!(issues, vec![("self_assessment.4.2.2.score".to_owned(), "invalid_score")]);
            }
        }

        /// Exactly the 11-digit numbers starting 13–19 are mainland mobile numbers.
        #[test]
        fn mobile_numbers(number in "[0-9]{9,13}") {
            let expected = number.len() == 11
                && number.starts_with('1')
                && (b'3'..=b'9').contains(&number.as_bytes()[1]);
            prop_assert_eq!(is_mainland_mobile(&number), expected);
        }
    }

    #[test]
    fn key_indicator_figures_years_and_quality_indicators() {
        let mut form = sample();
        form.key_indicators[0].revenue = Some(Fen(-1));
        only_issue(&form, "key_indicators.0.revenue", "negative");
        let mut form = sample();
        form.key_indicators[2].taxes = Some(Fen(-1));
        only_issue(&form, "key_indicators.2.taxes", "negative");
        // A loss is a figure, not an error.
        let mut form = sample();
        form.key_indicators[1].profit = Some(Fen::from_yuan(-1_250_000));
        assert_eq!(field_issues(&form), vec![]);

        // Saved on 2026-06-01: the completed years 2023–2025, or the year in progress (a
        // deadline early in 2027 needs 2026).
        for (year, ok) in [
            (2022, false),
            (2023, true),
            (2025, true),
            (2026, true),
            (2027, false),
        ] {
            let mut form = sample();
            form.key_indicators[0].year = year;
            if ok && year == 2025 {
                // 2025 is already listed.
                only_issue(&form, "key_indicators.2", "duplicate");
            } else if ok {
                assert_eq!(field_issues(&form), vec![]);
            } else {
                only_issue(&form, "key_indicators.0.year", "outside_window");
            }
        }
        let mut form = sample();
        form.key_indicators.push(form.key_indicators[0].clone());
        assert_eq!(
            field_issues(&form),
            vec![
                ("key_indicators".to_owned(), "too_many"),
                ("key_indicators.3".to_owned(), "duplicate")
            ]
        );

        let mut form = sample();
        for bad in ["abc", "99,5", "1e3", ".5", "5.", "--1", "99.5%"] {
            form.key_indicators[0].quality_indicators[1].value = bad.into();
            only_issue(
                &form,
                "key_indicators.0.quality_indicators.1.value",
                "invalid_number",
            );
        }
        for good in ["0", "-3", "99.5", "0.001"] {
            form.key_indicators[0].quality_indicators[1].value = good.into();
            assert_eq!(field_issues(&form), vec![]);
        }
        let mut form = sample();
        form.key_indicators[1].quality_indicators[1].name = "产品监督抽查合格率".into();
        only_issue(&form, "key_indicators.1.quality_indicators.1", "duplicate");
        let mut form = sample();
        form.key_indicators[1].quality_indicators = (0..=MAX_QUALITY_INDICATORS)
            .map(|n| QualityIndicator {
                name: format!("指标{n}"),
                value: n.to_string(),
                unit: String::new(),
            })
            .collect();
        only_issue(&form, "key_indicators.1.quality_indicators", "too_many");
    }

    #[test]
    fn records_dates_windows_and_declarations() {
        let mut form = sample();
        form.inspections[0].date = d(2026, 6, 2);
        only_issue(&form, "inspections.0.date", "future_date");
        // 3 years back from 2026-06-01: 2023-06-01 is outside, 2023-06-02 inside.
        form.inspections[0].date = d(2023, 6, 1);
        only_issue(&form, "inspections.0.date", "outside_window");
        form.inspections[0].date = d(2023, 6, 2);
        assert_eq!(field_issues(&form), vec![]);
        form.inspections.push(form.inspections[0].clone());
        only_issue(&form, "inspections.3", "duplicate");

        let mut form = sample();
        form.inspections[1].passed = false;
        only_issue(
            &form,
            "declares_all_inspections_passed",
            "contradicts_declaration",
        );
        form.declares_all_inspections_passed = Some(false);
        assert_eq!(field_issues(&form), vec![]);

        let mut form = sample();
        form.incidents.push(IncidentRecord {
            date: d(2025, 3, 9),
            kind: IncidentKind::MajorComplaint,
            description: "用户投诉批次产品标签错误，已召回并整改。".into(),
        });
        only_issue(&form, "declares_no_incidents", "contradicts_declaration");
        form.declares_no_incidents = Some(false);
        assert_eq!(field_issues(&form), vec![]);
        form.incidents[0].date = d(2027, 1, 1);
        assert_eq!(
            field_issues(&form),
            vec![("incidents.0.date".to_owned(), "future_date")]
        );
        form.incidents[0].date = d(2025, 3, 9);
        form.incidents[0].description = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        only_issue(&form, "incidents.0.description", "too_long");
        form.incidents = vec![form.incidents[0].clone(); MAX_INCIDENTS + 1];
        form.incidents
            .iter_mut()
            .enumerate()
            .for_each(|(n, incident)| incident.description = format!("第{n}起"));
        only_issue(&form, "incidents", "too_many");

        let mut form = sample();
        form.project_awards.push(ProjectAward {
            name: "甘肃省建设工程飞天奖".into(),
            level: AwardLevel::Provincial,
            awarded_on: d(2026, 12, 1),
        });
        only_issue(&form, "project_awards.0.awarded_on", "future_date");
        form.project_awards[0].awarded_on = d(2018, 12, 1);
        assert_eq!(field_issues(&form), vec![], "no window for project awards");

        let mut form = sample();
        form.credit = Some(CreditRecord::Blemished {
            detail: "信".repeat(MAX_DESCRIPTION_CHARS + 1),
        });
        only_issue(&form, "credit.detail", "too_long");
    }

    #[test]
    fn every_issue_has_both_messages() {
        let mut form = sample();
        form.organisation.uscc = "X".into();
        form.organisation.registration_date = Some(d(2030, 1, 1));
        form.organisation.division_code = "1".into();
        form.organisation.industry_code = "Z".into();
        form.organisation.employee_count = Some(0);
        form.contact.mobile = "1".into();
        form.contact.email = "x".into();
        form.certificates[0].valid_until = d(2000, 1, 1);
        form.self_assessment.get_mut("4.1.2").unwrap().score = Some(7);
        form.self_assessment
            .insert("9.9".into(), ItemSelfAssessment::default());
        form.key_indicators[0].revenue = Some(Fen(-1));
        form.key_indicators[0].year = 1999;
        form.key_indicators[0].quality_indicators[0].value = "x".into();
        form.inspections[0].passed = false;
        let issues = form.check_fields(&rubric(), today());
        let codes: BTreeSet<&str> = issues.iter().map(|issue| issue.code).collect();
        assert_eq!(
            codes,
            BTreeSet::from([
                "invalid_uscc",
                "future_date",
                "invalid_division_code",
                "invalid_industry_code",
                "out_of_range",
                "invalid_mobile",
                "invalid_email",
                "invalid_period",
                "invalid_score",
                "unknown_item",
                "negative",
                "outside_window",
                "invalid_number",
                "contradicts_declaration",
            ])
        );
        for issue in &issues {
            let cjk = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(
                issue.message.ends_with('.') && !cjk(&issue.message),
                "{issue:?}"
            );
            assert!(
                issue.message_zh.ends_with('。') && cjk(&issue.message_zh),
                "{issue:?}"
            );
        }
        let json = serde_json::to_value(&issues[0]).unwrap();
        assert_eq!(json["field"], "organisation.uscc");
        assert_eq!(json["code"], "invalid_uscc");
        assert!(json["message_zh"].is_string());
    }

    #[test]
    fn submission_needs_each_section() {
        let mut form = sample();
        form.certificates.clear();
        assert_eq!(missing(&form), vec!["certificates"]);
        let mut form = sample();
        form.certificates[0].issuer = " ".into();
        assert_eq!(missing(&form), vec!["certificates.0.issuer"]);

        let mut form = sample();
        form.self_assessment.remove("4.4.3");
        form.self_assessment.get_mut("4.7.7").unwrap().narrative = "  ".into();
        assert_eq!(
            missing(&form),
            vec![
                "self_assessment.4.4.3.score",
                "self_assessment.4.4.3.narrative",
                "self_assessment.4.7.7.narrative"
            ]
        );

        let mut form = sample();
        form.key_indicators.remove(0);
        form.key_indicators[0].taxes = None;
        form.key_indicators[1].quality_indicators.clear();
        let issues = form.missing_for_submission(&rubric(), deadline());
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "key_indicators",
                "key_indicators.0.taxes",
                "key_indicators.1.quality_indicators"
            ]
        );
        assert!(issues[0].message.contains("2023") && issues[0].message_zh.contains("2023年度"));

        let mut form = sample();
        form.organisation.construction_enterprise = Some(true);
        assert_eq!(missing(&form), vec!["project_awards"]);
        form.project_awards.push(ProjectAward {
            name: String::new(),
            level: AwardLevel::National,
            awarded_on: d(2024, 9, 1),
        });
        assert_eq!(missing(&form), vec!["project_awards.0.name"]);

        let mut form = sample();
        form.declares_all_inspections_passed = None;
        form.credit = None;
        form.declares_no_incidents = None;
        form.compliance.energy = false;
        form.operating_normally = false;
        form.integrity_pledge = false;
        assert_eq!(
            missing(&form),
            vec![
                "declares_all_inspections_passed",
                "credit",
                "declares_no_incidents",
                "compliance.energy",
                "operating_normally",
                "integrity_pledge"
            ]
        );
        // Incidents listed stand in for the declaration; "not clean" needs them listed.
        form.declares_no_incidents = Some(false);
        form.credit = Some(CreditRecord::Blemished {
            detail: String::new(),
        });
        assert!(missing(&form).contains(&"incidents".to_owned()));
        assert!(missing(&form).contains(&"credit.detail".to_owned()));
        form.declares_no_incidents = None;
        form.incidents.push(IncidentRecord {
            date: d(2025, 3, 9),
            kind: IncidentKind::Violation,
            description: String::new(),
        });
        let fields = missing(&form);
        assert!(!fields.contains(&"declares_no_incidents".to_owned()));
        assert!(fields.contains(&"incidents.0.description".to_owned()));
    }

    #[test]
    fn the_indicator_years_are_the_three_before_the_deadline_year() {
        let form = sample();
        // Deadline 2026-06-30 → 2023, 2024, 2025: complete.
        assert_eq!(
            form.key_indicators
                .iter()
                .map(|y| y.year)
                .collect::<Vec<_>>(),
            vec![2023, 2024, 2025]
        );
        // The same form for a deadline in January 2027 lacks 2026 only.
        let issues = form.missing_for_submission(&rubric(), d(2027, 1, 15));
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(issues[0].message.contains("2026"));
        // A deadline on 31 December still needs the three years before, not its own year.
        assert_eq!(
            eligibility::key_indicator_years_for(d(2026, 12, 31)),
            vec![2023, 2024, 2025]
        );
    }

    #[test]
    fn each_section_maps_to_its_verdict() {
        let mut form = sample();
        form.certificates.clear();
        assert_eq!(outcome(&form, Condition::QualitySystem), Outcome::Fail);

        // The certificate valid on the deadline is the one screened, not a later renewal.
        let mut form = sample();
        form.certificates[1].valid_from = d(2026, 7, 1);
        form.certificates[1].valid_until = d(2029, 6, 30);
        form.certificates[0].valid_until = d(2026, 6, 30);
        assert_eq!(outcome(&form, Condition::QualitySystem), Outcome::Pass);
        form.certificates[0].valid_until = d(2026, 6, 29);
        assert_eq!(outcome(&form, Condition::QualitySystem), Outcome::Fail);

        let mut form = sample();
        form.self_assessment
            .get_mut("4.5.3")
            .unwrap()
            .narrative
            .clear();
        assert_eq!(
            outcome(&form, Condition::SelfAssessment),
            Outcome::NeedsReview
        );
        form.self_assessment.clear();
        assert_eq!(outcome(&form, Condition::SelfAssessment), Outcome::Fail);

        let mut form = sample();
        form.key_indicators[0].quality_indicators.clear();
        assert_eq!(outcome(&form, Condition::KeyIndicators), Outcome::Fail);

        let mut form = sample();
        form.declares_all_inspections_passed = None;
        assert_eq!(outcome(&form, Condition::Inspections), Outcome::NeedsReview);
        form.declares_all_inspections_passed = Some(false);
        form.inspections.push(InspectionRecord {
            date: d(2025, 11, 3),
            kind: InspectionKind::ExportInspection,
            passed: false,
        });
        assert_eq!(outcome(&form, Condition::Inspections), Outcome::Fail);

        let mut form = sample();
        form.organisation.construction_enterprise = Some(true);
        assert_eq!(outcome(&form, Condition::ConstructionAward), Outcome::Fail);
        form.project_awards.push(ProjectAward {
            name: "甘肃省建设工程飞天奖".into(),
            level: AwardLevel::Provincial,
            awarded_on: d(2024, 12, 1),
        });
        assert_eq!(outcome(&form, Condition::ConstructionAward), Outcome::Pass);

        let mut form = sample();
        form.credit = None;
        assert_eq!(outcome(&form, Condition::Credit), Outcome::NeedsReview);
        form.credit = Some(CreditRecord::Blemished {
            detail: "2024年被列入经营异常名录".into(),
        });
        assert_eq!(outcome(&form, Condition::Credit), Outcome::Fail);

        let mut form = sample();
        form.declares_no_incidents = None;
        assert_eq!(outcome(&form, Condition::Incidents), Outcome::NeedsReview);
        form.incidents.push(IncidentRecord {
            date: d(2024, 8, 20),
            kind: IncidentKind::SafetyAccident,
            description: "车间叉车伤人事故".into(),
        });
        assert_eq!(outcome(&form, Condition::Incidents), Outcome::Fail);

        let mut form = sample();
        form.compliance.work_safety = false;
        assert_eq!(outcome(&form, Condition::Compliance), Outcome::Fail);
        let mut form = sample();
        form.operating_normally = false;
        assert_eq!(outcome(&form, Condition::OperatingYears), Outcome::Fail);

        let mut form = sample();
        form.organisation.uscc = Uscc::with_check_character("91330100224305118")
            .unwrap()
            .into_string();
        form.organisation.division_code = "330100".into();
        assert_eq!(outcome(&form, Condition::Registration), Outcome::Fail);
        form.organisation.division_code.clear();
        assert_eq!(outcome(&form, Condition::Registration), Outcome::Fail);

        let facts = sample().facts(None, deadline()).unwrap();
        let screening = eligibility::screen(
            &facts,
            &OrganisationHistory::default(),
            &rubric(),
            deadline(),
            d(2026, 7, 15),
        );
        assert_eq!(
            screening
                .verdict(Condition::Recommendation)
                .unwrap()
                .outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn facts_need_the_uscc_registration_date_and_construction_answer() {
        let mut form = sample();
        form.organisation.uscc = " ".into();
        form.organisation.registration_date = None;
        form.organisation.construction_enterprise = None;
        let issues = form.facts(None, deadline()).unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "organisation.uscc",
                "organisation.registration_date",
                "organisation.construction_enterprise"
            ]
        );
        assert!(issues.iter().all(|i| i.code == "required"));
        let mut form = sample();
        form.organisation.construction_enterprise = None;
        assert!(form.facts(None, deadline()).is_err());
    }

    #[test]
    fn json_round_trip_and_unknown_keys() {
        let form = sample();
        let json = serde_json::to_string(&form).unwrap();
        let back: ApplicationForm = serde_json::from_str(&json).unwrap();
        assert_eq!(back, form);
        let value = serde_json::to_value(&form).unwrap();
        assert_eq!(value["organisation"]["uscc"], "91620602224305118Y");
        assert_eq!(value["certificates"][0]["standard"], "GB/T 19001-2016");
        assert_eq!(value["self_assessment"]["4.1.2"]["score"], 55);
        assert_eq!(value["credit"]["status"], "good");
        // Fen are integers.
        assert!(value["key_indicators"][0]["revenue"].is_i64());

        let partial: ApplicationForm = serde_json::from_str(
            r#"{"contact":{"mobile":"13919351234"},"compliance":{"energy":true}}"#,
        )
        .unwrap();
        assert_eq!(partial.contact.mobile, "13919351234");
        assert!(partial.compliance.energy && !partial.compliance.quality);

        let refused = |json: serde_json::Value| {
            let error = serde_json::from_value::<ApplicationForm>(json.clone()).unwrap_err();
            assert!(
                error.to_string().contains("unknown field"),
                "{json}: {error}"
            );
        };
        refused(serde_json::json!({"remarks": "x"}));
        refused(serde_json::json!({"organisation": {"fax": "x"}}));
        refused(serde_json::json!({"contact": {"wechat": "x"}}));
        refused(serde_json::json!({"self_assessment": {"4.1.2": {"score": 50, "extra": 1}}}));
        refused(serde_json::json!({"compliance": {"tax": true}}));
        let mut with_extra = value.clone();
        with_extra["certificates"][0]["scope"] = "葡萄酒的生产".into();
        refused(with_extra);
        let mut with_extra = value.clone();
        with_extra["inspections"][0]["product"] = "干红葡萄酒".into();
        refused(with_extra);
        let mut with_extra = value.clone();
        with_extra["credit"] = serde_json::json!({"status": "good", "source": "x"});
        refused(with_extra);

        let duplicate = r#"{"self_assessment":{"4.1.2":{"score":50},"4.1.2":{"score":60}}}"#;
        let error = serde_json::from_str::<ApplicationForm>(duplicate).unwrap_err();
        assert!(error.to_string().contains("4.1.2 given twice"), "{error}");
    }

    /// The worst case: every list full, every text at its limit in 4-byte characters, a rubric of
    /// the most items, and still a well-formed form under the size budget.
    #[test]
    fn the_largest_possible_form_fits_one_dynamodb_item() {
        let wide = |n: usize| "𠀀".repeat(n);
        // A distinct first character keeps entries apart without lengthening them.
        let tag = |n: usize| char::from_u32(0x4e00 + n as u32).unwrap();
        let rubric = Rubric {
            standard: "GB/T 19580-2012".into(),
            total_points: 1000,
            categories: vec![RubricCategory {
                id: "4".into(),
                name: "全部".into(),
                points: 1000,
                items: (0..MAX_SELF_ASSESSMENT_ITEMS)
                    .map(|n| RubricItem {
                        id: format!("4.{n}.99"),
                        name: format!("条款{n}"),
                        points: 40,
                    })
                    .collect(),
            }],
        };
        let mut form = sample();
        form.organisation.name = wide(MAX_NAME_CHARS);
        form.organisation.registered_address = wide(MAX_NAME_CHARS);
        form.organisation.legal_representative = wide(MAX_PERSON_NAME_CHARS);
        form.contact.name = wide(MAX_PERSON_NAME_CHARS);
        form.certificates = (0..MAX_CERTIFICATES)
            .map(|n| QualityCertificate {
                standard: wide(MAX_CODE_CHARS),
                number: format!("{}{}", tag(n), wide(MAX_CODE_CHARS - 1)),
                issuer: wide(MAX_NAME_CHARS),
                valid_from: d(2025, 1, 1),
                valid_until: d(2028, 1, 1),
            })
            .collect();
        form.self_assessment = rubric
            .items()
            .map(|item| {
                let entry = ItemSelfAssessment {
                    score: Some(100),
                    narrative: wide(MAX_NARRATIVE_CHARS),
                };
                (item.id.clone(), entry)
            })
            .collect();
        for year in &mut form.key_indicators {
            year.revenue = Some(Fen(i64::MAX));
            year.profit = Some(Fen(i64::MIN));
            year.taxes = Some(Fen(i64::MAX));
            year.quality_indicators = (0..MAX_QUALITY_INDICATORS)
                .map(|n| QualityIndicator {
                    name: format!("{}{}", tag(n), wide(MAX_INDICATOR_NAME_CHARS - 1)),
                    value: format!("-{}", "9".repeat(MAX_INDICATOR_VALUE_CHARS - 1)),
                    unit: wide(MAX_INDICATOR_VALUE_CHARS),
                })
                .collect();
        }
        form.inspections = (0..MAX_INSPECTIONS)
            .map(|n| InspectionRecord {
                date: d(2024, 1, 1) + chrono::Days::new(n as u64),
                kind: InspectionKind::ExportInspection,
                passed: true,
            })
            .collect();
        form.project_awards = (0..MAX_PROJECT_AWARDS)
            .map(|n| ProjectAward {
                name: format!("{}{}", tag(n), wide(MAX_NAME_CHARS - 1)),
                level: AwardLevel::National,
                awarded_on: d(2020, 1, 1),
            })
            .collect();
        form.credit = Some(CreditRecord::Blemished {
            detail: wide(MAX_DESCRIPTION_CHARS),
        });
        form.incidents = (0..MAX_INCIDENTS)
            .map(|n| IncidentRecord {
                date: d(2024, 1, 1),
                kind: IncidentKind::PublicHealthAccident,
                description: format!("{}{}", tag(n), wide(MAX_DESCRIPTION_CHARS - 1)),
            })
            .collect();
        form.declares_no_incidents = Some(false);
        assert_eq!(form.check_fields(&rubric, today()), vec![]);
        let bytes = serde_json::to_vec(&form).unwrap().len();
        assert!(
            bytes < MAX_FORM_JSON_BYTES,
            "{bytes} bytes, budget {MAX_FORM_JSON_BYTES}"
        );
        // The bounds are tight enough to matter: the narratives are most of the budget.
        assert!(bytes > MAX_FORM_JSON_BYTES / 2, "{bytes} bytes");
    }

    #[test]
    fn document_categories() {
        for category in DocumentCategory::ALL {
            let json = serde_json::to_value(category).unwrap();
            assert_eq!(json, category.as_str());
            assert_eq!(category.to_string(), category.as_str());
            assert!(!category.label_zh().is_empty());
        }
        let labels: BTreeSet<&str> = DocumentCategory::ALL.iter().map(|c| c.label_zh()).collect();
        assert_eq!(labels.len(), DocumentCategory::ALL.len());
        let ordinary = DocumentCategory::required_for_submission(false);
        assert_eq!(
            ordinary.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            vec![
                "business_licence",
                "management_system_certificate",
                "self_assessment_report",
                "financial_statements",
                "inspection_reports",
                "credit_report"
            ]
        );
        let construction = DocumentCategory::required_for_submission(true);
        assert_eq!(construction.len(), 7);
        assert_eq!(
            construction.last(),
            Some(&DocumentCategory::ProjectAwardCertificate)
        );
        for category in [
            DocumentCategory::ReviewReport,
            DocumentCategory::VisitReport,
            DocumentCategory::Minutes,
        ] {
            assert!(category.staff_only());
            assert!(!construction.contains(&category));
        }
        assert!(!construction.contains(&DocumentCategory::Other));
        // The sealed recommendation page is the unit's, never the applicant's or staff's alone,
        // never required for the submission (it comes after it) and never hidden from readers.
        let sealed = DocumentCategory::SealedRecommendation;
        assert!(sealed.by_recommending_unit() && !sealed.staff_only());
        assert!(!construction.contains(&sealed));
        assert_eq!(sealed.label_zh(), "盖章推荐页");
        assert_eq!(
            DocumentCategory::ALL
                .iter()
                .filter(|c| c.by_recommending_unit())
                .count(),
            1
        );
        assert_eq!(
            serde_json::from_str::<DocumentCategory>("\"sealed_recommendation\"").unwrap(),
            sealed
        );
        assert_eq!(
            serde_json::from_str::<DocumentCategory>("\"visit_report\"").unwrap(),
            DocumentCategory::VisitReport
        );
        assert!(serde_json::from_str::<DocumentCategory>("\"photos\"").is_err());
    }
}
