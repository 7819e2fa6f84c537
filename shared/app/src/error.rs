//! The one error type of the use cases and handlers, and its one mapping to an HTTP status, a stable
//! code and an English and a Chinese message.

use award_domain::cycle::{CycleError, CycleStatus};
use award_domain::rules::RulesError;
use award_domain::uscc::UsccError;
use award_ports::{BlobError, MailError, TableError};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    // --- the caller ---
    #[error("no authenticated caller")]
    Unauthenticated,
    #[error("the caller's role may not do this")]
    Forbidden,

    // --- the request ---
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    #[error("the request body must be application/json")]
    UnsupportedContentType,
    #[error("the request body is larger than {max} bytes")]
    BodyTooLarge { max: usize },
    #[error("malformed JSON: {0}")]
    InvalidJson(String),
    #[error("invalid field: {0}")]
    InvalidField(String),

    // --- validation of what was asked ---
    #[error("invalid USCC: {0}")]
    InvalidUscc(#[from] UsccError),
    #[error("invalid organisation name: {0}")]
    InvalidOrganisationName(&'static str),
    #[error("invalid registration date: {0}")]
    InvalidRegistrationDate(&'static str),
    #[error("the division code must be six digits")]
    InvalidDivisionCode,
    #[error("invalid contact email")]
    InvalidEmail,
    #[error("invalid cycle: {0}")]
    InvalidCycle(&'static str),
    #[error("a cycle id is its four-digit year (Art. 4), not {id:?}")]
    InvalidCycleId { id: String },
    #[error("a cycle title is 1-200 characters on one line")]
    InvalidCycleTitle,
    #[error(
        "the recommendation deadline {recommendation} is before the application deadline {application}"
    )]
    CycleDeadlineOrder {
        application: NaiveDate,
        recommendation: NaiveDate,
    },
    #[error("the application deadline {deadline} is before today ({today})")]
    CycleDeadlineInPast {
        deadline: NaiveDate,
        today: NaiveDate,
    },
    #[error("the quota must be 1 to 3 awards (Art. 4), not {quota}")]
    InvalidQuota { quota: u32 },
    #[error("invalid review rules: {0}")]
    InvalidRules(RulesError),
    #[error("invalid file name")]
    InvalidFileName,
    #[error("document type {0:?} is not accepted (PDF, JPEG, PNG, DOCX, XLSX)")]
    UnsupportedDocumentType(String),
    #[error("the file name's extension does not match the content type {content_type}")]
    ExtensionMismatch { content_type: String },
    #[error("the document is larger than the maximum of {max} bytes")]
    DocumentTooLarge { max: u64 },
    #[error("the document size must be at least 1 byte")]
    EmptyDocument,
    #[error("sha256 must be 64 hexadecimal digits")]
    InvalidSha256,

    // --- the state of things ---
    #[error("no such cycle")]
    CycleNotFound,
    #[error("no cycle is open")]
    NoOpenCycle,
    #[error("no such application")]
    ApplicationNotFound,
    #[error("no such document")]
    DocumentNotFound,
    #[error("no such notice")]
    NoticeNotFound,
    #[error("a cycle with this id already exists")]
    CycleExists,
    #[error("the cycle is already open")]
    CycleAlreadyOpen,
    #[error("the cycle cannot be opened from its current status")]
    CycleNotOpenable,
    #[error("cannot {action} a cycle that is {status}")]
    CycleStatusConflict { action: String, status: String },
    #[error("cycles are every two years (Art. 4): cycle {existing} is too close")]
    CycleNotBiennial { existing: String },
    #[error("the Committee has not approved the review rules (Art. 7(2), 20)")]
    RulesNotApproved,
    #[error("the review rules are frozen since the first score (Art. 20)")]
    RulesFrozen,
    #[error("another cycle is open")]
    AnotherCycleOpen,
    #[error("the cycle is no longer open")]
    CycleNotOpen,
    #[error("the application deadline has passed")]
    ApplicationDeadlinePassed,
    #[error("this organisation already has an application in this cycle")]
    DuplicateApplication,
    #[error("the application can no longer be changed")]
    ApplicationNotEditable,
    #[error("the document has not been received")]
    DocumentNotReceived,
    #[error("only a failed notice can be resent; this one is {status}")]
    NoticeNotFailed { status: String },
    #[error("the data changed concurrently; retry")]
    ConcurrentUpdate,

    // --- our side ---
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Blobs(#[from] BlobError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("stored item does not map: {0}")]
    Mapping(#[from] serde_dynamo::Error),
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("{failed} of the event's records failed and will be retried")]
    RecordsFailed { failed: usize },
}

/// Every domain refusal about a cycle, as the API states it. The match is exhaustive, so a new
/// `CycleError` cannot reach a caller unmapped.
impl From<CycleError> for AppError {
    fn from(error: CycleError) -> Self {
        match error {
            CycleError::Forbidden { .. } => Self::Forbidden,
            CycleError::BadId { id } => Self::InvalidCycleId { id },
            // The same year listed as existing is the cycle itself, already created.
            CycleError::NotBiennial { id, existing } if id == existing => Self::CycleExists,
            CycleError::NotBiennial { existing, .. } => Self::CycleNotBiennial { existing },
            CycleError::DeadlineOrder {
                application,
                recommendation,
            } => Self::CycleDeadlineOrder {
                application,
                recommendation,
            },
            CycleError::DeadlinePassed { deadline, today } => {
                Self::CycleDeadlineInPast { deadline, today }
            }
            CycleError::Quota { quota } => Self::InvalidQuota { quota },
            CycleError::MissingTitle => Self::InvalidCycleTitle,
            CycleError::Rules(error) => Self::InvalidRules(error),
            CycleError::RulesFrozen => Self::RulesFrozen,
            CycleError::RulesNotApproved => Self::RulesNotApproved,
            CycleError::Status { action, status } if action == "open" => {
                if status == CycleStatus::Open.as_str() {
                    Self::CycleAlreadyOpen
                } else {
                    Self::CycleNotOpenable
                }
            }
            CycleError::Status { action, status } => Self::CycleStatusConflict { action, status },
        }
    }
}

/// The JSON body of every API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub message_zh: String,
}

impl AppError {
    /// The HTTP status of this error.
    pub fn status(&self) -> u16 {
        use AppError::*;
        match self {
            InvalidJson(_) | InvalidField(_) => 400,
            Unauthenticated => 401,
            Forbidden => 403,
            RouteNotFound | CycleNotFound | NoOpenCycle | ApplicationNotFound
            | DocumentNotFound | NoticeNotFound => 404,
            MethodNotAllowed => 405,
            CycleExists
            | CycleAlreadyOpen
            | CycleNotOpenable
            | CycleStatusConflict { .. }
            | CycleNotBiennial { .. }
            | RulesNotApproved
            | RulesFrozen
            | AnotherCycleOpen
            | CycleNotOpen
            | ApplicationDeadlinePassed
            | DuplicateApplication
            | ApplicationNotEditable
            | DocumentNotReceived
            | NoticeNotFailed { .. }
            | ConcurrentUpdate => 409,
            BodyTooLarge { .. } | DocumentTooLarge { .. } => 413,
            UnsupportedContentType | UnsupportedDocumentType(_) => 415,
            InvalidUscc(_)
            | InvalidOrganisationName(_)
            | InvalidRegistrationDate(_)
            | InvalidDivisionCode
            | InvalidEmail
            | InvalidCycle(_)
            | InvalidCycleId { .. }
            | InvalidCycleTitle
            | CycleDeadlineOrder { .. }
            | CycleDeadlineInPast { .. }
            | InvalidQuota { .. }
            | InvalidRules(_)
            | InvalidFileName
            | ExtensionMismatch { .. }
            | EmptyDocument
            | InvalidSha256 => 422,
            Table(_)
            | Blobs(_)
            | Mail(_)
            | Mapping(_)
            | Template(_)
            | Config(_)
            | Corrupt(_)
            | RecordsFailed { .. } => 500,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        use AppError::*;
        match self {
            Unauthenticated => "unauthenticated",
            Forbidden => "forbidden",
            RouteNotFound => "route_not_found",
            MethodNotAllowed => "method_not_allowed",
            UnsupportedContentType => "unsupported_content_type",
            BodyTooLarge { .. } => "body_too_large",
            InvalidJson(_) => "invalid_json",
            InvalidField(_) => "invalid_field",
            InvalidUscc(_) => "invalid_uscc",
            InvalidOrganisationName(_) => "invalid_organisation_name",
            InvalidRegistrationDate(_) => "invalid_registration_date",
            InvalidDivisionCode => "invalid_division_code",
            InvalidEmail => "invalid_email",
            InvalidCycle(_) => "invalid_cycle",
            InvalidCycleId { .. } => "invalid_cycle_id",
            InvalidCycleTitle => "invalid_cycle_title",
            CycleDeadlineOrder { .. } => "cycle_deadline_order",
            CycleDeadlineInPast { .. } => "cycle_deadline_in_past",
            InvalidQuota { .. } => "invalid_quota",
            InvalidRules(_) => "invalid_rules",
            InvalidFileName => "invalid_file_name",
            UnsupportedDocumentType(_) => "unsupported_document_type",
            ExtensionMismatch { .. } => "extension_mismatch",
            DocumentTooLarge { .. } => "document_too_large",
            EmptyDocument => "empty_document",
            InvalidSha256 => "invalid_sha256",
            CycleNotFound => "cycle_not_found",
            NoOpenCycle => "no_open_cycle",
            ApplicationNotFound => "application_not_found",
            DocumentNotFound => "document_not_found",
            NoticeNotFound => "notice_not_found",
            CycleExists => "cycle_exists",
            CycleAlreadyOpen => "cycle_already_open",
            CycleNotOpenable => "cycle_not_openable",
            CycleStatusConflict { .. } => "cycle_status_conflict",
            CycleNotBiennial { .. } => "cycle_not_biennial",
            RulesNotApproved => "rules_not_approved",
            RulesFrozen => "rules_frozen",
            AnotherCycleOpen => "another_cycle_open",
            CycleNotOpen => "cycle_not_open",
            ApplicationDeadlinePassed => "application_deadline_passed",
            DuplicateApplication => "duplicate_application",
            ApplicationNotEditable => "application_not_editable",
            DocumentNotReceived => "document_not_received",
            NoticeNotFailed { .. } => "notice_not_failed",
            ConcurrentUpdate => "concurrent_update",
            Table(_)
            | Blobs(_)
            | Mail(_)
            | Mapping(_)
            | Template(_)
            | Config(_)
            | Corrupt(_)
            | RecordsFailed { .. } => "internal",
        }
    }

    /// The Chinese message shown to people.
    pub fn message_zh(&self) -> String {
        use AppError::*;
        match self {
            Unauthenticated => "未登录或登录凭证无效。".into(),
            Forbidden => "当前角色无权执行此操作。".into(),
            RouteNotFound => "请求的接口不存在。".into(),
            MethodNotAllowed => "该接口不支持此请求方法。".into(),
            UnsupportedContentType => "请求体必须为 JSON（application/json）。".into(),
            BodyTooLarge { max } => format!("请求体过大，不得超过 {max} 字节。"),
            InvalidJson(_) => "请求体不是有效的 JSON。".into(),
            InvalidField(detail) => format!("字段有误：{detail}"),
            InvalidUscc(UsccError::CheckCharacter { .. }) => {
                "统一社会信用代码校验位错误，请核对。".into()
            }
            InvalidUscc(_) => "统一社会信用代码格式错误（应为18位，符合 GB 32100）。".into(),
            InvalidOrganisationName(_) => "单位名称不能为空，且不超过200个字符。".into(),
            InvalidRegistrationDate(_) => {
                "注册登记日期无效（格式为 YYYY-MM-DD，且不得晚于今天）。".into()
            }
            InvalidDivisionCode => "注册地行政区划代码应为6位数字。".into(),
            InvalidEmail => "联系邮箱格式无效。".into(),
            InvalidCycle(_) => "评选周期信息有误（截止日期格式应为 YYYY-MM-DD）。".into(),
            InvalidCycleId { .. } => "评选周期编号应为四位年份，如 2026。".into(),
            InvalidCycleTitle => "评选周期名称不能为空，且不超过200个字符。".into(),
            CycleDeadlineOrder { .. } => "推荐截止日期不得早于申报截止日期。".into(),
            CycleDeadlineInPast { deadline, .. } => {
                format!("申报截止日期 {deadline} 已早于今天。")
            }
            InvalidQuota { .. } => "每届评选名额应为1至3个（办法第四条）。".into(),
            InvalidRules(_) => "评审细则不符合要求（分值、权重、阈值或公示期）。".into(),
            InvalidFileName => "文件名无效。".into(),
            UnsupportedDocumentType(_) => {
                "不支持的材料类型，仅接受 PDF、JPEG、PNG、DOCX、XLSX。".into()
            }
            ExtensionMismatch { .. } => "文件扩展名与文件类型不一致。".into(),
            DocumentTooLarge { max } => format!("材料文件过大，不得超过 {max} 字节。"),
            EmptyDocument => "材料文件大小至少为1字节。".into(),
            InvalidSha256 => "SHA-256 校验值应为64位十六进制字符。".into(),
            CycleNotFound => "评选周期不存在。".into(),
            NoOpenCycle => "当前没有正在受理申报的评选周期。".into(),
            ApplicationNotFound => "申报不存在。".into(),
            DocumentNotFound => "材料不存在。".into(),
            NoticeNotFound => "通知不存在。".into(),
            CycleExists => "该评选周期编号已存在。".into(),
            CycleAlreadyOpen => "该评选周期已开放申报。".into(),
            CycleNotOpenable => "该评选周期当前状态不能开放申报。".into(),
            CycleStatusConflict { .. } => "该评选周期当前状态不允许此操作。".into(),
            CycleNotBiennial { existing } => {
                format!(
                    "质量奖每两年评审一次（办法第四条），与第 {existing} 届评选周期间隔不足两年。"
                )
            }
            RulesNotApproved => "评审细则尚未经评审委员会审定，不能开放申报。".into(),
            RulesFrozen => "评审已开始，评审细则不能再修改。".into(),
            AnotherCycleOpen => "已有其他评选周期正在受理申报，同一时间只能开放一个周期。".into(),
            CycleNotOpen => "该评选周期已不再受理申报。".into(),
            ApplicationDeadlinePassed => "申报截止日期已过。".into(),
            DuplicateApplication => "该单位在本评选周期已提交过申报。".into(),
            ApplicationNotEditable => "申报已不可修改。".into(),
            DocumentNotReceived => "材料尚未上传完成。".into(),
            NoticeNotFailed { .. } => "只有发送失败的通知才能重新发送。".into(),
            ConcurrentUpdate => "数据已被同时修改，请重试。".into(),
            Table(_)
            | Blobs(_)
            | Mail(_)
            | Mapping(_)
            | Template(_)
            | Config(_)
            | Corrupt(_)
            | RecordsFailed { .. } => "系统内部错误，请稍后重试。".into(),
        }
    }

    /// The English message; internal details stay in the logs, never in a response.
    pub fn message(&self) -> String {
        if self.status() >= 500 {
            "internal error; please retry later".into()
        } else {
            self.to_string()
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.message(),
            message_zh: self.message_zh(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_body() {
        let error = AppError::Table(TableError::Backend("secret host name".into()));
        let body = error.body();
        assert_eq!(error.status(), 500);
        assert_eq!(body.code, "internal");
        assert!(!body.message.contains("secret"));
    }

    #[test]
    fn every_cycle_error_has_a_status_a_code_and_both_messages() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
        let status = |status: CycleStatus, action: &str| CycleError::Status {
            action: action.into(),
            status: status.as_str().into(),
        };
        let cases = [
            (
                CycleError::Forbidden {
                    action: "approve the rules".into(),
                    required: "committee".into(),
                },
                403,
                "forbidden",
            ),
            (
                CycleError::BadId { id: "26".into() },
                422,
                "invalid_cycle_id",
            ),
            (
                CycleError::NotBiennial {
                    id: "2027".into(),
                    existing: "2026".into(),
                },
                409,
                "cycle_not_biennial",
            ),
            (
                CycleError::NotBiennial {
                    id: "2026".into(),
                    existing: "2026".into(),
                },
                409,
                "cycle_exists",
            ),
            (
                CycleError::DeadlineOrder {
                    application: day(30),
                    recommendation: day(1),
                },
                422,
                "cycle_deadline_order",
            ),
            (
                CycleError::DeadlinePassed {
                    deadline: day(1),
                    today: day(2),
                },
                422,
                "cycle_deadline_in_past",
            ),
            (CycleError::Quota { quota: 4 }, 422, "invalid_quota"),
            (CycleError::MissingTitle, 422, "invalid_cycle_title"),
            (
                CycleError::Rules(RulesError::WeightsSum { sum: 9_000 }),
                422,
                "invalid_rules",
            ),
            (CycleError::RulesFrozen, 409, "rules_frozen"),
            (CycleError::RulesNotApproved, 409, "rules_not_approved"),
            (status(CycleStatus::Open, "open"), 409, "cycle_already_open"),
            (
                status(CycleStatus::Closed, "open"),
                409,
                "cycle_not_openable",
            ),
            (
                status(CycleStatus::Draft, "close"),
                409,
                "cycle_status_conflict",
            ),
        ];
        for (domain, status, code) in cases {
            let error = AppError::from(domain.clone());
            let body = error.body();
            assert_eq!(
                (error.status(), body.code.as_str()),
                (status, code),
                "{domain:?}"
            );
            assert!(!body.message.is_empty() && !body.message_zh.is_empty());
        }
    }

    #[test]
    fn client_errors_carry_their_detail() {
        let error = AppError::InvalidUscc(UsccError::Length { found: 3 });
        assert_eq!(error.status(), 422);
        assert_eq!(error.code(), "invalid_uscc");
        assert!(error.body().message.contains("18"));
        assert!(error.body().message_zh.contains("统一社会信用代码"));
    }
}
