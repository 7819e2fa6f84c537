//! The one error type of the use cases and handlers, declared as ONE table: each error is one entry
//! (variant, HTTP status, stable code, English message, Chinese message). A new error is a new row;
//! the status, code and both messages cannot drift apart because they are written side by side.
//!
//! Messages are `format!` strings over the variant's fields. Internal errors (status 500) keep their
//! detail for the logs (`Display`) and never show it in a response ([`AppError::body`]).

use award_domain::cycle::{CycleError, CycleStatus, QuotaReached};
use award_domain::lifecycle::{ApplicationState, TransitionError};
use award_domain::rules::RulesError;
use award_domain::uscc::UsccError;
use award_ports::{BlobError, MailError, TableError};
use chrono::NaiveDate;
use serde::Serialize;

/// One bad cell of an import: the file's line number (the header is line 1), the column's
/// header, and why, in Chinese. Here, beside the error that carries it, so the error table names
/// no use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RowIssue {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

/// `text` with every `YYYY-MM-DD` date written as Chinese writes it (`2026年9月30日`); digits that
/// are no date stay as they are.
fn dates_zh(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let date = rest
            .get(..10)
            .filter(|head| {
                let bytes = head.as_bytes();
                bytes[4] == b'-'
                    && bytes[7] == b'-'
                    && bytes
                        .iter()
                        .enumerate()
                        .all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit())
            })
            .and_then(|head| NaiveDate::parse_from_str(head, "%Y-%m-%d").ok());
        match date {
            Some(date) => {
                out.push_str(&award_domain::time::date_zh(date));
                rest = &rest[10..];
            }
            None => {
                let mut chars = rest.chars();
                if let Some(c) = chars.next() {
                    out.push(c);
                }
                rest = chars.as_str();
            }
        }
    }
    out
}

/// Declares [`AppError`] and its table: `Variant { fields } => status, "code", "English", "中文";`.
macro_rules! app_errors {
    ($(
        $(#[$meta:meta])*
        $variant:ident $({ $($field:ident : $ty:ty),* $(,)? })?
            => $status:literal, $code:literal, $en:literal, $zh:literal;
    )*) => {
        /// Every refusal and failure of the API and the event handlers.
        #[derive(Debug)]
        pub enum AppError {
            $( $(#[$meta])* $variant $({ $($field: $ty),* })?, )*
        }

        impl AppError {
            /// The HTTP status of this error.
            pub fn status(&self) -> u16 {
                match self { $( Self::$variant { .. } => $status, )* }
            }

            /// The stable machine-readable code.
            pub fn code(&self) -> &'static str {
                match self { $( Self::$variant { .. } => $code, )* }
            }

            /// The English message with its detail (what the logs show).
            fn english(&self) -> String {
                match self {
                    $( Self::$variant $({ $($field),* })? => {
                        $($( let _ = &$field; )*)?
                        format!($en)
                    } )*
                }
            }

            /// The Chinese message shown to people, its dates as Chinese writes them
            /// (`2026年9月30日`, not the field's `2026-09-30`).
            pub fn message_zh(&self) -> String {
                let text = match self {
                    $( Self::$variant $({ $($field),* })? => {
                        $($( let _ = &$field; )*)?
                        format!($zh)
                    } )*
                };
                dates_zh(&text)
            }
        }

        /// Every `(code, status)` of the table, for tests and documentation.
        pub const CATALOGUE: &[(&str, u16)] = &[ $( ($code, $status), )* ];
    };
}

app_errors! {
    // --- the caller ---
    Unauthenticated => 401, "unauthenticated", "no authenticated caller", "未登录或登录凭证无效。";
    Forbidden => 403, "forbidden", "the caller's role may not do this", "当前角色无权执行此操作。";
    AccountEmailUnverified => 403, "account_email_unverified",
        "the account has no verified email address", "登录账号未绑定已验证的电子邮箱，请先完成邮箱验证。";
    /// Art. 11(3): the sealed recommendation page is the recommending unit's act, never the
    /// applicant's upload.
    SealedPageByRecommendingUnit => 403, "sealed_page_by_recommending_unit",
        "the sealed recommendation page is uploaded by the recommending unit, or by the Office on its behalf (Art. 11(3))",
        "盖章推荐页由推荐单位上传，或由评审委员会办公室代为上传（办法第十一条第三项）。";

    // --- the request ---
    RouteNotFound => 404, "route_not_found", "no such route", "请求的接口不存在。";
    MethodNotAllowed => 405, "method_not_allowed", "method not allowed on this route", "该接口不支持此请求方法。";
    UnsupportedContentType => 415, "unsupported_content_type",
        "the request body must be JSON (application/json)", "请求体必须为 JSON（application/json）。";
    BodyTooLarge { max: usize } => 413, "body_too_large",
        "the request body is larger than {max} bytes", "请求体过大，不得超过 {max} 字节。";
    InvalidJson { detail: String } => 400, "invalid_json", "malformed JSON: {detail}", "请求体不是有效的 JSON。";
    InvalidField { detail: String, detail_zh: String } => 400, "invalid_field", "invalid field: {detail}", "字段有误：{detail_zh}";
    InvalidQuery { detail: String, detail_zh: String } => 400, "invalid_query", "invalid query parameter: {detail}", "查询参数有误：{detail_zh}";

    // --- validation of what was asked ---
    InvalidUscc { detail: UsccError, detail_zh: &'static str } => 422, "invalid_uscc",
        "invalid USCC: {detail}", "{detail_zh}";
    InvalidOrganisationName { detail: &'static str } => 422, "invalid_organisation_name",
        "invalid organisation name: {detail}", "单位名称不能为空，且不超过200个字符。";
    InvalidRegistrationDate { detail: &'static str } => 422, "invalid_registration_date",
        "invalid registration date: {detail}", "注册登记日期无效（格式为 YYYY-MM-DD，不得早于1949年10月1日，也不得晚于今天）。";
    InvalidDivisionCode => 422, "invalid_division_code",
        "the division code is not in the GB/T 2260 list: choose the county or district from the list",
        "所选行政区划不在GB/T 2260行政区划代码表中，请从列表中选择所在的县（区）。";
    InvalidEmail => 422, "invalid_email", "invalid email address", "邮箱地址格式无效。";
    InvalidText { field: &'static str, max: usize } => 422, "invalid_text",
        "{field} must be 1-{max} characters", "“{field}”不能为空，且不超过{max}个字符。";
    InvalidCharacters { field: &'static str, detail: String, detail_zh: String } => 422, "invalid_characters",
        "{field} contains {detail}", "输入的文字{detail_zh}。";
    InvalidCycle { detail: &'static str } => 422, "invalid_cycle",
        "invalid cycle: {detail}", "评选周期信息有误（日期格式应为 YYYY-MM-DD）。";
    InvalidCycleId { id: String } => 422, "invalid_cycle_id",
        "a cycle id is its four-digit year (Art. 4), not {id:?}", "评选周期编号应为四位年份，如 2026。";
    InvalidCycleTitle => 422, "invalid_cycle_title",
        "a cycle title is 1-200 characters on one line", "评选周期名称不能为空，且不超过200个字符。";
    CycleDeadlineOrder { application: NaiveDate, recommendation: NaiveDate } => 422, "cycle_deadline_order",
        "the recommendation deadline {recommendation} is before the application deadline {application}",
        "推荐截止日期不得早于申报截止日期。";
    CycleDeadlineInPast { deadline: NaiveDate, today: NaiveDate } => 422, "cycle_deadline_in_past",
        "the deadline {deadline} is before today ({today})", "截止日期 {deadline} 已早于今天。";
    DeadlineShortened { deadline: NaiveDate, current: NaiveDate } => 422, "deadline_shortened",
        "a published deadline can only be extended: {deadline} is before {current}",
        "已公布的截止日期只能延长，不能提前（现为 {current}）。";
    NoDeadlineGiven => 422, "no_deadline_given",
        "give application_deadline, recommendation_deadline or both", "请至少填写一个新的截止日期。";
    InvalidQuota { quota: u32 } => 422, "invalid_quota",
        "the quota must be 1 to 3 awards (Art. 4), not {quota}", "每届评选名额应为1至3个（办法第四条）。";
    InvalidRules { detail: RulesError } => 422, "invalid_rules",
        "invalid review rules: {detail}", "评审细则不符合要求（分值、权重、阈值或公示期）。";
    InvalidFileName => 422, "invalid_file_name", "invalid file name", "文件名无效。";
    UnsupportedDocumentType { content_type: String, accepted: &'static str } => 415, "unsupported_document_type",
        "file type {content_type:?} is not accepted here ({accepted})",
        "不支持该文件类型，此处仅接受 {accepted}。";
    ExtensionMismatch { content_type: String } => 422, "extension_mismatch",
        "the file name's extension does not match the content type {content_type}", "文件扩展名与文件类型不一致。";
    DocumentTooLarge { max: u64, readable: String } => 413, "document_too_large",
        "the document is larger than the maximum of {max} bytes ({readable})", "材料文件过大，不得超过 {readable}（{max} 字节）。";
    EmptyDocument => 422, "empty_document", "the document size must be at least 1 byte", "材料文件大小至少为1字节。";
    InvalidSha256 => 422, "invalid_sha256", "sha256 must be 64 hexadecimal digits", "SHA-256 校验值应为64位十六进制字符。";
    InvalidForm { issues: Vec<award_domain::form::FieldIssue> } => 422, "invalid_form",
        "the form has invalid fields; see details", "申报表有填写错误，详见 details。";
    SubmissionIncomplete { missing: Vec<award_domain::form::FieldIssue> } => 422, "submission_incomplete",
        "the application cannot be submitted: items are missing; see details",
        "申报尚不完整，不能提交，缺少的内容详见 details。";
    UsccImmutable => 422, "uscc_immutable",
        "the USCC of an application cannot change; create an application for the other organisation",
        "申报单位的统一社会信用代码不能修改。";
    TooManyDocuments { max: usize } => 409, "too_many_documents",
        "an application has at most {max} documents", "每份申报最多上传 {max} 份材料。";
    InvalidRecommender { detail: &'static str } => 422, "invalid_recommender",
        "invalid recommending unit: {detail}", "推荐单位信息有误：{detail}";
    RecommenderNotApplicable => 422, "recommender_not_applicable",
        "the chosen unit recommends neither this division nor this industry (Art. 11(3))",
        "所选推荐单位不负责本单位所在县（区）或所属行业，请重新选择（办法第十一条第三项）。";
    InvalidRegisterRows { issues: Vec<RowIssue> } => 422, "invalid_register_rows",
        "the register import has invalid rows; nothing was imported; see details", "登记簿导入文件有错误，未导入任何记录，错误所在的行、列及原因详见 details。";
    InvalidSettlement { detail: award_domain::eligibility::EligibilityError } => 422, "invalid_settlement",
        "the settlement is refused: {detail}", "复核结论无效：只能对“待复核”的条件作出“通过”或“不通过”的结论，并须写明理由。";
    NotScreened => 409, "not_screened",
        "the application has not been screened yet", "该申报尚未进行资格审查。";
    RecommenderNotChosen => 422, "recommender_not_chosen",
        "choose the recommending unit before submitting (Art. 11(3))", "提交前请选择推荐单位（办法第十一条第三项）。";

    // --- the state of things ---
    CycleNotFound => 404, "cycle_not_found", "no such cycle", "评选周期不存在。";
    NoOpenCycle => 404, "no_open_cycle", "no cycle is open", "当前没有正在受理申报的评选周期。";
    ApplicationNotFound => 404, "application_not_found", "no such application", "申报不存在。";
    DocumentNotFound => 404, "document_not_found", "no such document", "材料不存在。";
    RecommenderNotFound => 404, "recommender_not_found", "no such recommending unit", "推荐单位不存在。";
    NoticeNotFound => 404, "notice_not_found", "no such notice", "通知不存在。";
    ArchiveNotFound => 404, "archive_not_found", "no such archive export", "档案导出记录不存在。";
    ArchiveInProgress => 409, "archive_in_progress",
        "an export of this cycle's archive is already running", "该周期的档案正在导出，请等待完成。";
    ArchiveNotReady => 409, "archive_not_ready",
        "this archive export has not finished", "档案尚未导出完成。";
    NoticeNotFailed { status: String } => 409, "notice_not_failed",
        "only a failed notice can be resent; this one is {status}", "只有发送失败的通知才能重新发送。";
    ConfirmationNotFound => 404, "confirmation_not_found",
        "no such confirmation, or it has expired or was used", "确认链接无效、已过期或已使用。";
    CycleExists => 409, "cycle_exists", "a cycle with this id already exists", "该评选周期编号已存在。";
    CycleAlreadyOpen => 409, "cycle_already_open", "the cycle is already open", "该评选周期已开放申报。";
    CycleNotOpenable => 409, "cycle_not_openable",
        "the cycle cannot be opened from its current status", "该评选周期当前状态不能开放申报。";
    CyclePublished => 409, "cycle_published",
        "the cycle's call is published: it cannot be cancelled, only its deadlines extended (Art. 9(3))",
        "该评选周期的申报通知已经发布，不能删除；截止日期只能延长。";
    CycleStatusConflict { action: String, status: String } => 409, "cycle_status_conflict",
        "cannot {action} a cycle that is {status}", "该评选周期当前状态不允许此操作。";
    CycleNotBiennial { existing: String } => 409, "cycle_not_biennial",
        "cycles are every two years (Art. 4): cycle {existing} is too close",
        "质量奖每两年评审一次（办法第四条），与第 {existing} 届评选周期间隔不足两年。";
    DeadlineGone { deadline: NaiveDate } => 409, "deadline_gone",
        "the deadline {deadline} has passed; it cannot be changed", "截止日期 {deadline} 已过，不能再修改。";
    DeadlineNotReached { action: String, deadline: NaiveDate } => 409, "deadline_not_reached",
        "the deadline {deadline} has not passed; cannot {action} yet", "截止日期 {deadline} 尚未届满，暂不能执行此操作。";
    RulesNotApproved => 409, "rules_not_approved",
        "the Committee has not approved the review rules (Art. 7(2), 20)", "评审细则尚未经评审委员会审定，不能开放申报。";
    RulesFrozen => 409, "rules_frozen",
        "the review rules are frozen since the first score (Art. 20)", "评审已开始，评审细则不能再修改。";
    AnotherCycleOpen => 409, "another_cycle_open", "another cycle is open",
        "已有其他评选周期正在受理申报，同一时间只能开放一个周期。";
    CycleNotOpen => 409, "cycle_not_open", "the cycle is no longer open", "该评选周期已不再受理申报。";
    ApplicationDeadlinePassed => 409, "application_deadline_passed",
        "the application deadline has passed", "申报截止日期已过。";
    RecommendationDeadlinePassed => 409, "recommendation_deadline_passed",
        "the recommendation deadline has passed", "推荐截止日期已过。";
    /// Arts. 17, 18: an organisation whose award was revoked may not apply while its bar runs;
    /// refused when it starts an application, as the screening would refuse it.
    DebarredFromApplying { article: &'static str, article_zh: &'static str, last_day: NaiveDate, wording_zh: String }
        => 409, "debarred_from_applying",
        "this organisation is barred from applying under {article} through {last_day}",
        "该单位的奖项已依照办法{article_zh}被撤销，{wording_zh}。";
    DuplicateApplication => 409, "duplicate_application",
        "this organisation already has an application in this cycle", "该单位在本评选周期已提交过申报。";
    ApplicationNotEditable => 409, "application_not_editable",
        "the application can no longer be changed", "申报已提交，不可再修改。";
    DocumentNotReceived => 409, "document_not_received", "the document has not been received", "材料尚未上传完成。";
    /// Art. 11(3): `ApplicationState::files_sealed_recommendation` says when the page is filed.
    SealedPageNotAccepted => 409, "sealed_page_not_accepted",
        "the sealed recommendation page is filed after the unit recommended and before the candidate list goes to the Committee (Art. 11(3))",
        "盖章推荐页须在推荐单位签署推荐意见之后、候选名单报送评审委员会审议之前上传（办法第十一条第三项）。";
    StaleVersion { current: u64 } => 409, "stale_version",
        "the record changed since it was read (now version {current}); reload and retry",
        "数据已被他人修改（当前版本 {current}），请刷新后重试。";
    ConcurrentUpdate => 409, "concurrent_update", "the data changed concurrently; retry", "数据已被同时修改，请重试。";
    RecommenderInUse => 409, "recommender_in_use",
        "the unit has applications waiting for it; deactivate it instead", "该推荐单位尚有待推荐的申报，不能删除，可改为停用。";
    RecommenderInactive => 409, "recommender_inactive",
        "the recommending unit is no longer active", "该推荐单位已停用。";

    // --- refusals of the Art. 11 procedure (award_domain::lifecycle::TransitionError) ---
    IllegalTransition { state: ApplicationState, command: String, state_zh: &'static str } => 409, "illegal_transition",
        "{command} does not apply to an application that is {state}", "申报当前处于“{state_zh}”阶段，不能办理此项。";
    ReasonRequired { command: String } => 422, "reason_required",
        "a reason is required to {command}", "请填写理由。";
    DeadlinePassed { command: String, deadline: NaiveDate } => 409, "deadline_passed",
        "{command}: the deadline {deadline} has passed", "截止日期 {deadline} 已过，不能再办理。";
    DeadlineNotPassed { command: String, deadline: NaiveDate } => 409, "deadline_not_passed",
        "{command}: the deadline {deadline} has not passed yet", "截止日期 {deadline} 尚未届满。";
    ScreeningUnsettled { conditions: Vec<award_domain::eligibility::Condition> } => 422, "screening_unsettled",
        "the screening still has conditions that need review: {conditions:?}", "资格审查仍有待复核的条件，请先逐项确认（详见 details）。";
    ScreeningDate { as_of: NaiveDate, deadline: NaiveDate } => 422, "screening_date",
        "the screening is as of {as_of}, not the application deadline {deadline}", "资格审查应以申报截止日 {deadline} 为准，请先重新筛查后再确认。";
    NoScores => 409, "no_scores",
        "no score has been recorded, so the review cannot be complete (Art. 20)", "尚无评分记录，资料评审不能完成。";
    PublicityInPast { first_day: NaiveDate, today: NaiveDate } => 422, "publicity_in_past",
        "publicity cannot start in the past ({first_day} before {today})", "公示开始日期不能早于今天。";
    PublicityRunning { command: String, last_day: NaiveDate } => 409, "publicity_running",
        "publicity runs through {last_day}; {command} is possible from the next day", "公示期至 {last_day} 止，公示期满后方可办理。";
    QuotaReached { detail: QuotaReached } => 409, "quota_reached", "{detail}", "本届获奖名额已满（办法第四条）。";
    CalendarUnavailable { detail: String, detail_zh: String } => 409, "calendar_unavailable",
        "the working-day calendar cannot answer: {detail}", "{detail_zh}";
    InvalidAwardDates { detail: String } => 422, "invalid_award_dates", "{detail}", "获奖、撤销或禁止申报日期不符合规定。";
    StillValid { last_valid_day: NaiveDate } => 409, "still_valid",
        "the award is valid through {last_valid_day}", "奖项有效期至 {last_valid_day}，尚未届满。";
    FutureDate { date: NaiveDate, today: NaiveDate } => 422, "future_date",
        "a date in the future is not allowed here ({date} after {today})", "日期（{date}）不能晚于今天（{today}）。";
    MissingCertificate => 422, "missing_certificate", "a certificate number is required", "请填写证书编号。";

    // --- expert review (Arts. 8, 11(5)–(7), 19, 20) ---
    InvalidExpert { issues: Vec<award_domain::form::FieldIssue> } => 422, "invalid_expert",
        "the expert's record has invalid fields; see details", "专家信息有误，详见 details。";
    ExpertNotFound => 404, "expert_not_found", "no such expert", "专家不存在。";
    ExpertAccountTaken => 409, "expert_account_taken",
        "this account already belongs to another expert", "该登录账号已绑定其他专家。";
    ExpertInactive => 409, "expert_inactive",
        "the expert is suspended or disqualified", "该专家已暂停或已取消评审资格。";
    PhaseNotFound { phase: String } => 404, "phase_not_found",
        "no review phase {phase:?} (document or onsite)", "评审阶段不存在（资料评审或现场评审）。";
    AssignmentNotFound => 404, "assignment_not_found", "no such assignment", "评审任务不存在。";
    ExpertConflicted { grounds: Vec<award_domain::review::ConflictGround> } => 409, "expert_conflicted",
        "the expert has a conflict of interest with this applicant (Art. 19); see details",
        "该专家与申报单位存在利害关系，应当回避（办法第十九条），详见 details。";
    AlreadyOnPanel => 409, "already_on_panel",
        "the expert is already on this panel, or was withdrawn from it", "该专家已在本评审组，或已从本评审组撤出。";
    AssignmentInfeasible { lacking: Vec<award_domain::review::Shortfall> } => 409, "assignment_infeasible",
        "no assignment meets every rule: some applications lack eligible experts; see details",
        "无法按规则完成专家抽取：部分申报可回避后的专家人数不足，详见 details。";
    NoExperts => 409, "no_experts", "no active expert can be drawn", "专家库中没有可抽取的专家。";
    NothingToDraw { phase: String } => 409, "nothing_to_draw",
        "no application of the cycle waits for a {phase} panel (document: eligible ones; onsite: shortlisted ones), or every panel is full",
        "本届没有等待抽取评审专家的申报（资料评审为资格审查合格者，现场评审为进入现场评审者），或各评审组均已满员。";
    ReviewNotOpen { phase: String, state: ApplicationState, state_zh: &'static str } => 409, "review_not_open",
        "the {phase} review is not open for an application that is {state}", "该申报当前处于“{state_zh}”阶段，不在此评审环节。";
    DeclarationRequired => 409, "declaration_required",
        "declare any conflict and accept the confidentiality pledge first (Art. 19)",
        "请先申报有无利害关系并签署保密承诺（办法第十九条）。";
    AlreadyDeclared => 409, "already_declared", "the declaration was already made", "已作出回避声明，不能重复声明。";
    PledgeRequired => 422, "pledge_required",
        "without a conflict, the confidentiality pledge must be accepted (Art. 19)", "未申报利害关系的，须签署保密承诺（办法第十九条）。";
    InvalidScores { detail: award_domain::scoring::ScoringError, detail_zh: String } => 422, "invalid_scores",
        "invalid scores: {detail}", "评分有误：{detail_zh}";
    SheetSubmitted => 409, "sheet_submitted",
        "the scores were submitted; only the Office can reopen them", "评分已提交，如需修改请联系评审委员会办公室退回。";
    SheetNotSubmitted => 409, "sheet_not_submitted", "the scores have not been submitted", "该专家尚未提交评分。";
    AssignmentWithdrawn => 409, "assignment_withdrawn", "the assignment was withdrawn", "该评审任务已撤回。";
    NotPanelLeader => 403, "not_panel_leader", "only the panel leader records a consensus", "只有评审组组长可以录入合议结果。";
    ConsensusNotNeeded { items: Vec<String> } => 422, "consensus_not_needed",
        "these items need no consensus: {items:?}", "所列评分项无需合议。";
    ReviewIncomplete { pending: Vec<String> } => 409, "review_incomplete",
        "some applications have no final result yet; see details", "仍有申报尚未完成评审，详见 details。";
    DeliberationListMismatch { missing: Vec<String>, not_candidates: Vec<String> } => 409, "deliberation_list_mismatch",
        "decide every candidate exactly once: {missing:?} are not decided, {not_candidates:?} are not candidates",
        "审议结果须逐一对应候选名单：details.missing 所列候选单位未作决定，details.not_candidates 所列单位不是候选单位。";
    ListChanged { expected: Vec<String> } => 409, "list_changed",
        "the list differs from the one the rules give now; see details", "名单与按评审细则计算的结果不一致，请刷新后确认，详见 details。";
    InvalidVisitDate { date: NaiveDate, after: NaiveDate } => 422, "invalid_visit_date",
        "the on-site visit of {date} is not after the recommendation deadline {after}", "现场评审日期应在推荐截止日期（{after}）之后。";
    InvalidSurvey { detail: &'static str } => 422, "invalid_survey",
        "invalid satisfaction survey: {detail}", "满意度测评结果有误：分数为0至100（最多两位小数），受访人数至少为1，并写明测评方法（不超过500字）。";

    // --- decision, publicity and award (Arts. 3, 4, 11(8)–(9), 12–14) ---
    DeliberationRecorded => 409, "deliberation_recorded",
        "the Committee's deliberation of this cycle is already recorded, with other decisions", "本届评审委员会审议结果已录入，且与本次提交不一致。";
    DeliberationMissing => 409, "deliberation_missing",
        "the Committee's deliberation is not recorded yet", "评审委员会尚未审议候选名单。";
    ConsultationMissing => 409, "consultation_missing",
        "record the vice-mayors' consultation before the publicity (Art. 11(8))", "公示前须先征求分管副市长意见并录入（办法第十一条第八项）。";
    NothingToPublish => 409, "nothing_to_publish", "no proposed application to publish", "没有待公示的拟奖名单。";
    PublicityStarted => 409, "publicity_started",
        "the publicity of this cycle started on another day", "本届公示已按其他日期开始。";
    PublicityNotStarted => 404, "publicity_not_started", "no publicity in this cycle", "本届尚未公示。";
    NothingToAnnounce => 409, "nothing_to_announce",
        "no application of this cycle is awarded yet: award the approved names first (Art. 11(9))",
        "本届尚无已授奖单位，请先为已批准的单位授奖（办法第十一条第九项）。";
    AwardsPending { pending: u32 } => 409, "awards_pending",
        "{pending} approved application(s) are not awarded yet: award them before the announcement",
        "尚有 {pending} 家已批准的单位未授奖，请全部授奖后再发布获奖公告。";
    AnnouncementIssued => 409, "announcement_issued",
        "the winners' announcement of this cycle is issued: its approvals and awards are closed",
        "本届获奖公告已发布，不能再批准或授奖，也不能以其他文号重新发布。";
    ObjectionPeriodNotStarted { first_day: NaiveDate } => 409, "objection_period_not_started",
        "the publicity starts on {first_day} (China time); objections are accepted from then",
        "公示期自 {first_day}（北京时间）开始，届时方可提出异议。";
    NotOnPublicityList => 404, "not_on_publicity_list",
        "the application named is not on this publicity list", "所提异议对象不在本期公示名单中。";
    ObjectionPeriodOver { last_day: NaiveDate } => 409, "objection_period_over",
        "objections are accepted during the publicity only (through {last_day}, 24:00 China time)",
        "异议只能在公示期内提出（截至 {last_day} 24时，北京时间）。";
    InvalidObjection { detail: &'static str } => 422, "invalid_objection",
        "invalid objection: {detail}", "异议信息有误：联系方式应为手机号码（11位）或电子邮箱。";
    TooManyObjections => 429, "too_many_objections",
        "too many objections from this contact or address today", "同一联系方式或网络地址当日提交的异议过多，请明日再试。";
    ObjectionNotFound => 404, "objection_not_found", "no such objection", "异议不存在。";
    ObjectionDecided => 409, "objection_decided", "the objection was already decided", "该异议已处理。";
    PublicityNotClosed => 409, "publicity_not_closed",
        "the publicity of this name has not closed yet (the daily run closes it the day after the last day, or the last finding on an objection does)",
        "该单位的公示尚未结束（公示期满次日由系统结束公示，或异议处理完毕时结束），暂不能审定。";
    ObjectionOpen => 409, "objection_open",
        "an objection against this application is still open", "该单位尚有未处理完毕的异议，暂不能报批。";
    ExecutiveMeetingMissing => 409, "executive_meeting_missing",
        "record the executive meeting before approving (Art. 11(9))", "请先录入市政府常务会议审定情况（办法第十一条第九项）。";
    InvalidApproval { detail: &'static str } => 422, "invalid_approval", "invalid approval: {detail}", "批准日期不得早于市政府常务会议日期。";
    AttachmentNotFound => 404, "attachment_not_found", "no such attachment", "附件不存在。";
    MinutesNotReceived => 409, "minutes_not_received",
        "the minutes named are not a received file of this cycle's minutes", "所指会议纪要文件不存在或尚未上传完成。";
    InvalidDecision { detail: &'static str } => 422, "invalid_decision",
        "invalid decision record: {detail}", "决策记录有误：须经半数以上赞成方可列入建议名单，征求意见不得早于审议，常务会议须在公示期满后，奖金发放和颁奖不得早于批准日期。";
    DecisionFinal => 409, "decision_final",
        "a name was approved on this record; it can no longer be changed", "已据此批准获奖，该记录不能再修改。";
    HandoverRecorded => 409, "handover_recorded", "the handover is already recorded", "颁奖（奖牌、证书交付）情况已录入。";
    CertificateNumberTaken => 409, "certificate_number_taken",
        "this certificate number was already given", "该证书编号已被使用。";
    RewardAlreadyPaid => 409, "reward_already_paid", "the reward's payment is already recorded", "奖金发放情况已录入。";
    InvalidHolidayNotice { detail: String } => 422, "invalid_holiday_notice",
        "invalid holiday notice: {detail}", "节假日安排有误：请按国务院办公厅通知录入当年的放假日期和调休上班日期。";
    HolidayYearLoaded { year: i32 } => 409, "holiday_year_loaded",
        "the calendar already holds the notice for {year} (GET /calendar/{year} shows it; a loaded one is corrected with PUT while no publicity counts on it)",
        "{year}年的节假日安排已在系统中（可查看 GET /calendar/{year}；录入的安排在尚无公示期使用前可用 PUT 更正）。";
    InvalidPhone => 422, "invalid_phone",
        "a telephone number is 5 to 30 characters: digits, with -, (, ), + or spaces",
        "电话号码应为5至30个字符，由数字组成，可含“-”“（”“）”“+”或空格。";
    InvalidAftercarePolicy => 422, "invalid_aftercare_policy",
        "reminder offsets must be 1 to 1830 days (at least one) and the visit interval 1 to 60 months",
        "到期提醒天数应为 1 至 1830 天（至少一项），巡访间隔应为 1 至 60 个月。";
    NotAWinner => 409, "not_a_winner", "the application holds no award (awarded or expired)", "该申报未获奖（或奖项已撤销），不能办理此项。";
    NoVisitScheduled => 409, "no_visit_scheduled", "no follow-up visit is scheduled after today", "今后没有已安排的巡访。";
    InvalidGround => 422, "invalid_ground",
        "the ground is fraud (Art. 17, no cause or date) or cause (Art. 18, with cause 1-5 and occurred_on)",
        "撤销依据应为 fraud（第十七条，无需情形和日期）或 cause（第十八条，须写明情形序号 1 至 5 及发生日期）。";
    OutsideArt18Window { occurred_on: NaiveDate, approved_on: NaiveDate, last_valid_day: NaiveDate } => 422, "outside_art18_window",
        "an Art. 18 cause must occur within the award's 5 years ({approved_on} to {last_valid_day}), not on {occurred_on}",
        "第十八条所列情形须发生在获奖有效期内（{approved_on} 至 {last_valid_day}），{occurred_on} 不在此期间。";
    InvalidFollowUpDate { date: NaiveDate, from: NaiveDate, to: NaiveDate } => 422, "invalid_follow_up_date",
        "a follow-up visit here must fall from {from} to {to}, not on {date}",
        "巡访日期应在 {from} 至 {to} 之间（{date} 不在此期间）。";
    InvalidVisitDocument => 422, "invalid_visit_document",
        "a visit names only this application's received documents of category visit_report",
        "巡访记录只能关联本单位已接收的“巡访报告”（visit_report）类材料。";
    InvalidCaseDate { date: NaiveDate, after: NaiveDate } => 422, "invalid_case_date",
        "{date} is before {after}, the case's previous step", "{date} 早于本案上一环节的日期（{after}）。";
    CaseOpen => 409, "case_open", "a revocation case is already open against this award", "该奖项已有正在办理的撤销案件。";
    CaseNotFound => 404, "case_not_found", "no such revocation case", "撤销案件不存在。";
    CaseDecided => 409, "case_decided", "the case is decided", "该案件已作出决定，不能再修改。";
    CaseNotProposed => 409, "case_not_proposed",
        "the Committee has not decided to revoke in this case", "评审委员会尚未作出撤销决定，不能报批。";
    CaseNotRevoked => 409, "case_not_revoked", "the award of this case is not revoked", "该案件尚未撤销奖项，无需收回。";
    NoRewardToReclaim => 409, "no_reward_to_reclaim",
        "Art. 18 reclaims the plaque and certificate, not the reward", "依第十八条撤销的只收回奖牌和证书，不收回奖金。";
    InvalidAmount { expected: i64 } => 422, "invalid_amount",
        "the amount returned is the reward paid: {expected} fen", "收回金额应为已拨付的奖金：{expected} 分。";
    InvalidReclaimDate { date: NaiveDate, revoked_on: NaiveDate } => 422, "invalid_reclaim_date",
        "{date} is before the revocation of {revoked_on}", "收回日期（{date}）不能早于撤销日期（{revoked_on}）。";
    AlreadyRecorded => 409, "already_recorded", "this was already recorded with other details", "该事项已按其他内容登记。";
    NothingToRecord => 422, "nothing_to_record", "give at least one date", "请至少填写一个日期。";
    NotAnnounced => 404, "not_announced",
        "no award of this cycle has been announced yet", "本届评选尚未公告获奖名单。";
    CalendarYearNotFound { year: String } => 404, "calendar_year_not_found",
        "the calendar holds no notice for {year}", "工作日历中没有{year}年的节假日安排。";
    HolidayYearNotLoaded { year: i32 } => 404, "holiday_year_not_loaded",
        "no loaded notice for {year} to replace (a year built into the software is corrected by a release)",
        "{year}年的节假日安排未经录入，无法更正（系统内置年份随版本更新）。";
    HolidayYearInUse { year: i32, cycles: Vec<String> } => 409, "holiday_year_in_use",
        "the notice for {year} cannot be replaced: the publicity of cycle(s) {cycles:?} counted on it",
        "{year}年的节假日安排已用于公示期计算，不能更正。";

    // --- our side ---
    /// A service behind the function stayed throttled or unanswering through the retries
    /// (`Table::commit`, the SDK's): answered 503 with `Retry-After`, never `internal`. A write
    /// whose outcome stayed unknown is answered so too: a repeat of the request is safe, since the
    /// stages refuse to do anything twice.
    ServiceBusy { service: &'static str, detail: String } => 503, "service_busy",
        "{service} is busy: {detail}", "系统繁忙，请稍后重试。";
    Table { source: TableError } => 500, "internal", "table: {source}", "系统内部错误，请稍后重试。";
    Blobs { source: BlobError } => 500, "internal", "evidence storage: {source}", "系统内部错误，请稍后重试。";
    Mail { source: MailError } => 500, "internal", "mail: {source}", "系统内部错误，请稍后重试。";
    Mapping { source: serde_dynamo::Error } => 500, "internal", "stored item does not map: {source}", "系统内部错误，请稍后重试。";
    Template { source: minijinja::Error } => 500, "internal", "template error: {source}", "系统内部错误，请稍后重试。";
    Config { detail: String } => 500, "internal", "invalid configuration: {detail}", "系统内部错误，请稍后重试。";
    Corrupt { detail: String } => 500, "internal", "stored data is inconsistent: {detail}", "系统内部错误，请稍后重试。";
    RecordsFailed { failed: usize } => 500, "internal",
        "{failed} of the event's records failed and will be retried", "系统内部错误，请稍后重试。";
}

/// What `Retry-After` asks of a client told `service_busy`: the retries inside the function took
/// up to a second; a few more let DynamoDB's or S3's adaptive capacity catch up.
pub const RETRY_AFTER_SECONDS: u32 = 2;

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

impl std::error::Error for AppError {}

impl From<award_domain::scoring::ScoringError> for AppError {
    fn from(detail: award_domain::scoring::ScoringError) -> Self {
        use award_domain::scoring::ScoringError as E;
        let detail_zh = match &detail {
            E::UnknownItem { item } => format!("评分项 {item} 不在评分细则中。"),
            E::MissingItem { item } => {
                format!("评分项 {item} 尚未评分，提交前须对每个评分项评分。")
            }
            E::BadPercent { item, percent } => {
                format!("评分项 {item} 的得分率 {percent}% 无效：应为0至100之间5的倍数。")
            }
            E::NoSheets => "尚无提交的评分表。".to_owned(),
            E::DuplicateExpert { expert } => format!("专家 {expert} 提交了两份评分表。"),
            E::BadSatisfaction { value } => format!("满意度 {value} 超出0至100的范围。"),
            E::UnknownCategory { category } => format!("评分类目 {category} 不在评分细则中。"),
            E::CommentTooLong { category, max, .. } => {
                format!("评分类目 {category} 的评语超过{max}字。")
            }
        };
        Self::InvalidScores { detail, detail_zh }
    }
}

impl AppError {
    pub fn config(detail: impl Into<String>) -> Self {
        Self::Config {
            detail: detail.into(),
        }
    }

    pub fn corrupt(detail: impl Into<String>) -> Self {
        Self::Corrupt {
            detail: detail.into(),
        }
    }

    /// `calendar_unavailable` for a calendar error: a year without its notice is named, with the
    /// route that loads it (Art. 11(8): never a weekday guess).
    pub fn calendar(error: &award_domain::calendar::CalendarError) -> Self {
        let detail_zh = match error {
            award_domain::calendar::CalendarError::YearNotCovered { year, .. } => format!(
                "工作日历缺少{year}年的节假日安排：请先按国务院办公厅通知录入（POST /calendar/{year}）。"
            ),
            _ => "工作日历的节假日安排有误，请联系系统管理员。".to_owned(),
        };
        Self::CalendarUnavailable {
            detail: error.to_string(),
            detail_zh,
        }
    }

    /// `illegal_transition`: `command` does not apply in `state` (Art. 11's order).
    pub fn illegal(state: ApplicationState, command: impl Into<String>) -> Self {
        Self::IllegalTransition {
            state,
            command: command.into(),
            state_zh: state.label_zh(),
        }
    }

    /// `invalid_field` with the English and the Chinese account of what is wrong.
    pub fn invalid_field(detail: impl Into<String>, detail_zh: impl Into<String>) -> Self {
        Self::InvalidField {
            detail: detail.into(),
            detail_zh: detail_zh.into(),
        }
    }

    /// `invalid_query` with the English and the Chinese account of what is wrong.
    pub fn invalid_query(detail: impl Into<String>, detail_zh: impl Into<String>) -> Self {
        Self::InvalidQuery {
            detail: detail.into(),
            detail_zh: detail_zh.into(),
        }
    }

    /// A request's data that did not deserialise (a missing, unknown or mistyped field), as
    /// `invalid_field`: the field's path (`decisions[0].votes_for`) and serde's account in
    /// English, its meaning in Chinese.
    pub fn from_deserialize(error: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = error.path().to_string();
        let inner = error.inner().to_string();
        let zh = deserialize_error_zh(&inner);
        if path == "." || path.is_empty() {
            Self::invalid_field(inner, zh)
        } else {
            Self::invalid_field(format!("{path}: {inner}"), format!("{path}：{zh}"))
        }
    }

    /// The table's refusal of a conditional write, if that is what this is.
    pub fn table_error(&self) -> Option<&TableError> {
        match self {
            Self::Table { source } => Some(source),
            _ => None,
        }
    }

    /// Extra detail a client needs to act on the error (the form's field issues).
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            Self::InvalidForm { issues } => serde_json::to_value(issues).ok(),
            Self::SubmissionIncomplete { missing } => serde_json::to_value(missing).ok(),
            Self::InvalidRegisterRows { issues } => serde_json::to_value(issues).ok(),
            Self::ScreeningUnsettled { conditions } => serde_json::to_value(conditions).ok(),
            Self::InvalidExpert { issues } => serde_json::to_value(issues).ok(),
            Self::ExpertConflicted { grounds } => serde_json::to_value(grounds).ok(),
            Self::AssignmentInfeasible { lacking } => serde_json::to_value(lacking).ok(),
            Self::ReviewIncomplete { pending } => serde_json::to_value(pending).ok(),
            Self::ListChanged { expected } => serde_json::to_value(expected).ok(),
            Self::DeliberationListMismatch {
                missing,
                not_candidates,
            } => Some(serde_json::json!({ "missing": missing, "not_candidates": not_candidates })),
            Self::HolidayYearInUse { cycles, .. } => serde_json::to_value(cycles).ok(),
            // As the form's issues are: the rules' field, so the rules form shows it beside it.
            Self::InvalidRules { detail } => Some(serde_json::json!([{
                "field": detail.field(),
                "code": "invalid_rules",
                "message": detail.to_string(),
                "message_zh": rules_zh(detail),
            }])),
            // As the form's issues are: the field, so a page shows it beside the input.
            Self::InvalidCharacters {
                field,
                detail,
                detail_zh,
            } => Some(serde_json::json!([{
                "field": field,
                "code": "invalid_characters",
                "message": format!("{field} contains {detail}"),
                "message_zh": format!("{detail_zh}。"),
            }])),
            _ => None,
        }
    }

    /// The English message; internal details stay in the logs, never in a response.
    pub fn message(&self) -> String {
        match self.status() {
            503 => "the service is busy; please retry later".into(),
            status if status >= 500 => "internal error; please retry later".into(),
            _ => self.to_string(),
        }
    }

    /// Seconds a client should wait before it retries (`Retry-After`), for a busy service.
    pub fn retry_after_seconds(&self) -> Option<u32> {
        matches!(self, Self::ServiceBusy { .. }).then_some(RETRY_AFTER_SECONDS)
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.message(),
            message_zh: self.message_zh(),
            details: self.details(),
        }
    }
}

impl From<TableError> for AppError {
    fn from(source: TableError) -> Self {
        match source {
            TableError::Throttled(detail) | TableError::Unavailable(detail) => Self::ServiceBusy {
                service: "table",
                detail,
            },
            source => Self::Table { source },
        }
    }
}

impl From<BlobError> for AppError {
    fn from(source: BlobError) -> Self {
        match source {
            BlobError::Unavailable(detail) => Self::ServiceBusy {
                service: "evidence storage",
                detail,
            },
            source => Self::Blobs { source },
        }
    }
}

impl From<MailError> for AppError {
    fn from(source: MailError) -> Self {
        Self::Mail { source }
    }
}

impl From<serde_dynamo::Error> for AppError {
    fn from(source: serde_dynamo::Error) -> Self {
        Self::Mapping { source }
    }
}

impl From<minijinja::Error> for AppError {
    fn from(source: minijinja::Error) -> Self {
        Self::Template { source }
    }
}

impl From<UsccError> for AppError {
    fn from(detail: UsccError) -> Self {
        let detail_zh = match detail {
            UsccError::CheckCharacter { .. } => "统一社会信用代码校验位错误，请核对。",
            _ => "统一社会信用代码格式错误（应为18位，符合 GB 32100）。",
        };
        Self::InvalidUscc { detail, detail_zh }
    }
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
            CycleError::Rules(detail) => Self::InvalidRules { detail },
            CycleError::RulesFrozen => Self::RulesFrozen,
            CycleError::RulesNotApproved => Self::RulesNotApproved,
            CycleError::Status { action, status } if action == "open" => {
                if status == CycleStatus::Open.as_str() {
                    Self::CycleAlreadyOpen
                } else {
                    Self::CycleNotOpenable
                }
            }
            CycleError::Status { action, .. } if action == "cancel" => Self::CyclePublished,
            CycleError::Status { action, status } => Self::CycleStatusConflict { action, status },
            CycleError::DeadlineShortened { deadline, current } => {
                Self::DeadlineShortened { deadline, current }
            }
            CycleError::DeadlineGone { deadline } => Self::DeadlineGone { deadline },
            CycleError::DeadlineNotReached { action, deadline } => {
                Self::DeadlineNotReached { action, deadline }
            }
        }
    }
}

/// Every refusal of the Art. 11 procedure, as the API states it (exhaustive, as above).
impl From<TransitionError> for AppError {
    fn from(error: TransitionError) -> Self {
        match error {
            TransitionError::Illegal { state, command } => Self::illegal(state, command),
            TransitionError::Forbidden { .. } | TransitionError::NotOwner { .. } => Self::Forbidden,
            TransitionError::MissingReason { command } => Self::ReasonRequired { command },
            TransitionError::DeadlinePassed { command, deadline } => {
                Self::DeadlinePassed { command, deadline }
            }
            TransitionError::DeadlineNotPassed { command, deadline } => {
                Self::DeadlineNotPassed { command, deadline }
            }
            TransitionError::ScreeningUnsettled => Self::ScreeningUnsettled {
                conditions: Vec::new(),
            },
            TransitionError::ScreeningDate { as_of, deadline } => {
                Self::ScreeningDate { as_of, deadline }
            }
            TransitionError::NoScores => Self::NoScores,
            TransitionError::PublicityInPast { first_day, today } => {
                Self::PublicityInPast { first_day, today }
            }
            TransitionError::PublicityRunning { command, last_day } => {
                Self::PublicityRunning { command, last_day }
            }
            TransitionError::Quota(detail) => Self::QuotaReached { detail },
            TransitionError::Calendar(error) => Self::calendar(&error),
            TransitionError::Award(detail) => Self::InvalidAwardDates {
                detail: detail.to_string(),
            },
            TransitionError::StillValid { last_valid_day } => Self::StillValid { last_valid_day },
            TransitionError::FutureDate { date, today } => Self::FutureDate { date, today },
            TransitionError::MissingCertificate => Self::MissingCertificate,
            TransitionError::Inconsistent { what } => Self::Corrupt { detail: what },
        }
    }
}

/// What is wrong with the review rules, in Chinese, for the field [`RulesError::field`] names.
fn rules_zh(detail: &RulesError) -> String {
    match detail {
        RulesError::WeightsSum { .. } => "三项权重合计应为 100%。".into(),
        RulesError::Threshold { .. } => "分歧阈值不得超过 100%。".into(),
        RulesError::Shortlist => {
            "入围现场评审须设定最低分、名额（不小于 1），或两者都设定。".into()
        }
        RulesError::ShortlistMinimum { .. } => "入围最低分不得超过评分标准的满分。".into(),
        RulesError::CandidateBar { .. } => "候选名单门槛应为 0 至 100 分。".into(),
        RulesError::PublicityTooShort { .. } => {
            "公示期不少于 5 个工作日（办法第十一条第八项）。".into()
        }
        RulesError::PanelSize { size, .. } => {
            format!("专家组人数应为 1 至 15 人，不能为 {size} 人。")
        }
        RulesError::EmptyRubric
        | RulesError::CategoryPoints { .. }
        | RulesError::TotalPoints { .. }
        | RulesError::DuplicateId { .. }
        | RulesError::ZeroPoints { .. } => "评分标准的分值不一致，请联系系统管理员核对。".into(),
    }
}

/// The JSON body of every API error; `details` only where the client needs more to act (the
/// form's field issues: `[{"field","code","message","message_zh"}]`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub message_zh: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// What serde's (English) account of a deserialisation error means, in Chinese.
fn deserialize_error_zh(message: &str) -> String {
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or_default().to_owned();
    if let Some(rest) = message.strip_prefix("missing field ") {
        format!("缺少必填字段 {}", quoted(rest))
    } else if let Some(rest) = message.strip_prefix("unknown field ") {
        format!("不接受字段 {}", quoted(rest))
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let options: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, expected)| expected.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        format!(
            "取值 {} 不在可选范围内（{}）",
            quoted(rest),
            options.join("、")
        )
    } else if message.starts_with("invalid type") {
        "类型不正确".to_owned()
    } else if message.starts_with("invalid length") {
        "长度或数量不正确".to_owned()
    } else {
        "取值无效".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn chinese_messages_write_dates_as_chinese_does() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let error = AppError::DeadlineShortened {
            deadline: day(2026, 9, 1),
            current: day(2026, 9, 30),
        };
        let zh = error.message_zh();
        assert!(zh.contains("2026年9月30日"), "{zh}");
        assert!(!zh.contains("2026-09"), "{zh}");
        // The English message keeps the ISO dates the API's callers parse.
        assert!(error.body().message.contains("2026-09-30"));
        assert_eq!(
            dates_zh("编号2026-13-45、电话0931-12345678"),
            "编号2026-13-45、电话0931-12345678"
        );
        assert_eq!(dates_zh("至2036-04-24。"), "至2036年4月24日。");
    }

    #[test]
    fn invalid_rules_name_the_field_they_are_about_in_chinese() {
        use award_domain::rules::Panel;
        for (detail, field, words) in [
            (RulesError::WeightsSum { sum: 9_500 }, "weights", "100%"),
            (
                RulesError::PanelSize {
                    panel: Panel::Onsite,
                    size: 16,
                },
                "onsite_panel_size",
                "16 人",
            ),
            (
                RulesError::PublicityTooShort { days: 4 },
                "publicity_working_days",
                "5 个工作日",
            ),
        ] {
            let details = AppError::InvalidRules { detail }.body().details;
            let issue = &details.as_ref().and_then(|d| d.get(0)).cloned();
            let issue = issue.as_ref().expect("one issue");
            assert_eq!(issue["field"], field);
            assert_eq!(issue["code"], "invalid_rules");
            assert!(
                issue["message_zh"]
                    .as_str()
                    .is_some_and(|m| m.contains(words)),
                "{issue}"
            );
        }
    }

    #[test]
    fn internal_details_never_reach_the_body() {
        let error = AppError::from(TableError::Backend("secret host name".into()));
        let body = error.body();
        assert_eq!(error.status(), 500);
        assert_eq!(body.code, "internal");
        assert!(!body.message.contains("secret"));
        assert!(!body.message_zh.contains("secret"));
        assert!(error.to_string().contains("secret host name"));
    }

    #[test]
    fn each_code_has_one_status_and_client_codes_are_unique() {
        let mut statuses: BTreeMap<&str, u16> = BTreeMap::new();
        for (code, status) in CATALOGUE {
            assert!((400..600).contains(status), "{code}");
            assert!(
                code.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code}"
            );
            if let Some(previous) = statuses.insert(code, *status) {
                assert_eq!(previous, *status, "{code} has two statuses");
                assert_eq!(*code, "internal", "{code} is declared twice");
            }
        }
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
            (
                CycleError::DeadlineShortened {
                    deadline: day(1),
                    current: day(2),
                },
                422,
                "deadline_shortened",
            ),
            (
                CycleError::DeadlineGone { deadline: day(1) },
                409,
                "deadline_gone",
            ),
            (
                CycleError::DeadlineNotReached {
                    action: "close".into(),
                    deadline: day(1),
                },
                409,
                "deadline_not_reached",
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
        let error = AppError::from(UsccError::Length { found: 3 });
        assert_eq!(error.status(), 422);
        assert_eq!(error.code(), "invalid_uscc");
        assert!(error.body().message.contains("18"));
        assert!(error.body().message_zh.contains("统一社会信用代码"));
        let error = AppError::BodyTooLarge { max: 10 };
        assert_eq!(error.body().message_zh, "请求体过大，不得超过 10 字节。");
        assert_eq!(error.body().details, None);
    }
}
