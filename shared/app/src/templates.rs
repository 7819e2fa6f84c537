//! Email templates (minijinja), embedded in the binary by `build.rs` (every file under
//! `templates/`). One file per notice kind, `templates/notices/<kind>.txt`, named by the domain's
//! [`NoticeKind::as_str`], with two blocks: `subject` and `body` (plain text, Chinese, as people
//! read it). The text part is the body in `layout.txt`; the HTML part is the same body, escaped,
//! one `<p>` per paragraph, in `layout.html` — so the two parts can never say different things;
//! there every `http(s)://` address is a link ([`linkify`]).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use award_domain::lifecycle::NoticeKind;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use minijinja::{Environment, HtmlEscape, UndefinedBehavior, Value, context};

use crate::error::AppError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// How every notice's subject begins (the award's name), so that an inbox tells them apart.
pub const SUBJECT_PREFIX: &str = "武威市人民政府质量奖：";

/// The data key every notice carries: how the letter addresses its recipient.
pub const SALUTATION: &str = "salutation";

/// One rendered email, ready for the Mail port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

static TEMPLATES: LazyLock<Result<Environment<'static>, minijinja::Error>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A template naming data that is not there is a bug to surface, not a blank in an email.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("linkify", |text: &str| {
        Value::from_safe_string(linkify(text))
    });
    env.add_filter("date_zh", |text: &str| date_zh(text));
    // The one wording of a bar's end (`award::bar_end_zh`): `{{ bar_end_zh(debarment_last_day,
    // may_apply_again_from) }}`.
    env.add_function(
        "bar_end_zh",
        |last_day: &str, from: &str| -> Result<String, minijinja::Error> {
            let date = |text: &str| {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("bar_end_zh needs China dates, not {text:?}"),
                    )
                })
            };
            Ok(award_domain::award::bar_end_zh(
                date(last_day)?,
                date(from)?,
            ))
        },
    );
    for (name, source) in embedded::SOURCES {
        env.add_template(name, source)?;
    }
    Ok(env)
});

/// A China date as the notices store it (`2026-09-30`) as Chinese text writes it
/// (`2026年9月30日`); anything that is not such a date comes back unchanged.
pub fn date_zh(text: &str) -> String {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(date) => award_domain::time::date_zh(date),
        Err(_) => text.to_owned(),
    }
}

/// `text` as HTML: escaped, with each `http://` or `https://` address made a link. An address
/// ends at whitespace, a quote or angle bracket, or the first non-ASCII character (the Chinese
/// text or full-width punctuation around it), and a trailing ASCII `.`, `,` or `)` is left outside.
pub fn linkify(text: &str) -> String {
    let mut html = String::new();
    let mut rest = text;
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let (before, from) = rest.split_at(start);
        html.push_str(&HtmlEscape(before).to_string());
        let mut end = from
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || "\"'<>".contains(c))
            .unwrap_or(from.len());
        end = from[..end].trim_end_matches(['.', ',', ')']).len();
        let (address, after) = from.split_at(end);
        let escaped = HtmlEscape(address).to_string();
        html.push_str(&format!("<a href=\"{escaped}\">{escaped}</a>"));
        rest = after;
    }
    html.push_str(&HtmlEscape(rest).to_string());
    html
}

/// The template file of a notice kind.
pub fn template_name(kind: NoticeKind) -> String {
    format!("notices/{}.txt", kind.as_str())
}

/// Renders the notice `kind` with `data` (string values only, as notices store them; it must hold
/// [`SALUTATION`]). A kind without a template, or a template naming data that is not given, is a
/// `Template` error.
pub fn render(kind: NoticeKind, data: &BTreeMap<String, String>) -> Result<Rendered, AppError> {
    let env = environment()?;
    let (subject, body) = render_parts(kind, data)?;
    let salutation = data.get(SALUTATION).cloned().unwrap_or_default();
    let paragraphs: Vec<Vec<&str>> = body
        .split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim_end)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect();
    let text = env
        .get_template("layout.txt")?
        .render(context! { salutation => &salutation, body => &body })?;
    let html = env.get_template("layout.html")?.render(context! {
        subject => &subject, salutation => &salutation, paragraphs => paragraphs,
    })?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

fn environment() -> Result<&'static Environment<'static>, AppError> {
    TEMPLATES
        .as_ref()
        .map_err(|error| AppError::config(format!("email templates do not compile: {error}")))
}

/// The subject (one line) and the body (plain text) of notice `kind`, without the letter's
/// salutation and signature: what the public notice board shows.
pub fn render_parts(
    kind: NoticeKind,
    data: &BTreeMap<String, String>,
) -> Result<(String, String), AppError> {
    let template = environment()?.get_template(&template_name(kind))?;
    let mut captured = template.render_captured(data)?;
    let (subject, body) = captured.with_state_mut(|state| {
        Ok::<_, minijinja::Error>((state.render_block("subject")?, state.render_block("body")?))
    })?;
    // A header must stay one line whatever the data holds.
    Ok((one_line(&subject), body.trim().to_owned()))
}

fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An instant as people in China read it, e.g. `2026-03-01 18:30（北京时间）`.
pub fn china_time(at: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(award_domain::time::CHINA_OFFSET_SECONDS) {
        Some(offset) => format!(
            "{}（北京时间）",
            at.with_timezone(&offset).format("%Y-%m-%d %H:%M")
        ),
        None => format!("{} UTC", at.format("%Y-%m-%d %H:%M")),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Every key a notice of any kind may be given by the app (`notices::NoticeData`): a template
    /// that needs anything else fails this test.
    pub(crate) fn sample() -> BTreeMap<String, String> {
        data(&[
            (SALUTATION, "武威某某有限公司"),
            ("organisation_name", "武威某某有限公司"),
            ("application_id", "01J0000000000000000000000A"),
            ("cycle_id", "2026"),
            ("cycle_title", "2026年度武威市人民政府质量奖"),
            ("uscc", "91620602MA74XY8Q08"),
            ("application_deadline", "2026-06-30"),
            ("recommendation_deadline", "2026-07-15"),
            ("state", "submitted"),
        ])
    }

    /// What the board's cycle notices are given besides the common data
    /// (`stages::decision::{start_publicity, issue_announcement}`, `recipients::publish`).
    pub(crate) fn cycle_notice() -> Vec<(&'static str, &'static str)> {
        vec![
            ("document_number", "武质奖办〔2026〕3号"),
            ("count", "2"),
            (
                "names",
                "1. 武威某某有限公司（统一社会信用代码：91620602MA74XY8Q08，所在地：甘肃省武威市凉州区）\n2. 民勤某某有限公司（统一社会信用代码：91620621MA7XXXXX0X）",
            ),
            ("publicity_first_day", "2026-09-30"),
            ("publicity_last_day", "2026-10-14"),
            (
                "decision_reference",
                "市政府第35次常务会议（武政常〔2026〕35号）",
            ),
            ("issuer", "武威市人民政府质量奖评审委员会办公室"),
            ("issued_on", "2026-09-30"),
        ]
    }

    #[test]
    fn every_notice_kind_has_a_template_that_renders_with_the_common_data() {
        // The kind-specific data of the notices that need more than the common keys.
        let extra = |kind: NoticeKind| -> Vec<(&str, &str)> {
            match kind {
                NoticeKind::DocumentReceived => vec![
                    ("file_name", "质量手册.pdf"),
                    ("size", "1024"),
                    ("sha256", "ab"),
                    ("received_at", "2026-03-01 18:30（北京时间）"),
                ],
                NoticeKind::DocumentRejected => {
                    vec![("file_name", "质量手册.pdf"), ("reason", "大小不符")]
                }
                NoticeKind::EmailConfirmation => vec![
                    ("email", "quality@example.cn"),
                    (
                        "confirm_url",
                        "https://award.example.cn/#/email-confirmations/x",
                    ),
                    ("expires_at", "2026-03-03 18:30（北京时间）"),
                ],
                NoticeKind::DeadlineExtended => vec![
                    ("previous_application_deadline", "2026-06-20"),
                    ("previous_recommendation_deadline", "2026-07-05"),
                ],
                NoticeKind::ApplicationSubmitted => vec![
                    ("submitted_at", "2026-03-01 18:30（北京时间）"),
                    ("recommender_name", "凉州区质量发展领导小组办公室"),
                ],
                NoticeKind::Recommended => vec![
                    ("recommender_name", "凉州区质量发展领导小组办公室"),
                    ("opinion", "同意推荐"),
                    ("signer", "张三"),
                ],
                NoticeKind::RecommendationDeclined => vec![
                    ("recommender_name", "凉州区质量发展领导小组办公室"),
                    ("reason", "材料不全"),
                ],
                NoticeKind::Withdrawn | NoticeKind::Rejected => vec![("reason", "主动撤回")],
                NoticeKind::PublicityAnnouncement | NoticeKind::AwardAnnouncement => cycle_notice(),
                NoticeKind::PublicityAmended => vec![
                    ("reason", "异议经查属实"),
                    ("publicity_first_day", "2026-09-30"),
                    ("issuer", "武威市人民政府质量奖评审委员会办公室"),
                    ("issued_on", "2026-10-09"),
                ],
                NoticeKind::ExpertAssigned => vec![("phase", "资料评审")],
                NoticeKind::AssignmentWithdrawn | NoticeKind::ScoresReopened => {
                    vec![("phase", "资料评审"), ("reason", "专家申请回避")]
                }
                NoticeKind::ConflictDeclared => vec![
                    ("phase", "资料评审"),
                    ("expert_name", "李四"),
                    ("reason", "曾在该单位任职"),
                ],
                NoticeKind::ConsensusRequested => {
                    vec![("phase", "资料评审"), ("items", "4.1.2 高层领导的作用")]
                }
                NoticeKind::OnsiteVisitScheduled => vec![("visit_date", "2027-05-12")],
                NoticeKind::PublicityClosed => vec![("publicity_last_day", "2026-10-12")],
                NoticeKind::ObjectionReceived | NoticeKind::ObjectionToInvestigate => {
                    vec![("receipt", "01J0000000000000000000000B")]
                }
                NoticeKind::Revoked
                | NoticeKind::RevocationAnnouncement
                | NoticeKind::ReclaimReward => vec![
                    ("article", "第十七条"),
                    ("revocation_reference", "武政函〔2032〕8号"),
                    ("revoked_on", "2032-03-01"),
                    ("debarment_last_day", "2042-03-01"),
                    ("may_apply_again_from", "2042-03-02"),
                    ("case_id", "01J0000000000000000000000C"),
                ],
                NoticeKind::DebarmentEnded => vec![
                    ("article", "第十八条"),
                    ("debarment_last_day", "2036-10-19"),
                    ("may_apply_again_from", "2036-10-20"),
                ],
                NoticeKind::RevocationCaseOpened => vec![
                    ("opened_on", "2028-05-10"),
                    ("case_article", "第十八条"),
                    (
                        "case_ground",
                        "获奖后5年内发生第十八条第三项所列情形（2028年4月2日）",
                    ),
                ],
                NoticeKind::RevocationCaseDecided => vec![
                    ("decided_on", "2028-05-20"),
                    ("minutes_reference", "评委会〔2028〕2号"),
                    ("revoke", "false"),
                    ("decision_reason", "已整改"),
                    ("case_article", "第十八条"),
                    (
                        "case_ground",
                        "获奖后5年内发生第十八条第三项所列情形（2028年4月2日）",
                    ),
                ],
                NoticeKind::RewardPaid => vec![
                    ("paid_on", "2026-10-21"),
                    ("reward_yuan", "150,000.00"),
                    ("voucher", "财付〔2026〕118号"),
                ],
                NoticeKind::ObjectionLimitReached => vec![
                    ("day", "2026-09-29"),
                    ("source_ip", "203.0.113.7"),
                    ("limit", "200"),
                    ("receipt", "01J0000000000000000000000B"),
                ],
                NoticeKind::ObjectionAnswered => vec![
                    ("receipt", "01J0000000000000000000000B"),
                    ("finding", "异议不成立"),
                    ("reply", "经核实，反映的问题不属实。"),
                ],
                _ => vec![],
            }
        };
        for kind in NoticeKind::ALL {
            let mut all = sample();
            all.extend(
                extra(kind)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned())),
            );
            let rendered =
                render(kind, &all).unwrap_or_else(|error| panic!("{}: {error}", kind.as_str()));
            assert!(
                rendered.subject.starts_with(SUBJECT_PREFIX),
                "{}",
                kind.as_str()
            );
            // The Office's inbox tells six screening results apart: every notice about one
            // organisation names it in the subject (the cycle-wide ones name the cycle).
            match kind {
                NoticeKind::DeadlineExtended
                | NoticeKind::PublicityAnnouncement
                | NoticeKind::AwardAnnouncement => assert!(
                    rendered.subject.contains("2026年度武威市人民政府质量奖"),
                    "{}: {}",
                    kind.as_str(),
                    rendered.subject
                ),
                _ => assert!(
                    rendered.subject.contains("武威某某有限公司"),
                    "{}: {}",
                    kind.as_str(),
                    rendered.subject
                ),
            }
            assert!(rendered.text.starts_with("武威某某有限公司："));
            assert!(rendered.html.contains("<html lang=\"zh-CN\">"));
            assert!(rendered.html.contains("<p>"), "{}", kind.as_str());
        }
    }

    #[test]
    fn the_end_of_a_bar_reads_the_same_in_every_notice() {
        let mut all = sample();
        all.extend(
            [
                ("article", "第十七条"),
                ("revocation_reference", "武政函〔2032〕8号"),
                ("revoked_on", "2026-04-25"),
                ("debarment_last_day", "2036-04-24"),
                ("may_apply_again_from", "2036-04-25"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        let wording = "至2036年4月24日（含）不得申报，2036年4月25日起可以申报";
        for kind in [
            NoticeKind::Revoked,
            NoticeKind::RevocationAnnouncement,
            NoticeKind::DebarmentEnded,
        ] {
            let (_, body) = render_parts(kind, &all).unwrap();
            assert!(body.contains(wording), "{}: {body}", kind.as_str());
            // One article, the one the case stands on.
            assert!(body.contains("第十七条"), "{}: {body}", kind.as_str());
            assert!(!body.contains("第十八条"), "{}: {body}", kind.as_str());
        }
    }

    #[test]
    fn html_escapes_and_text_does_not() {
        let mut all = sample();
        all.insert("organisation_name".into(), "<b>甲&乙</b>公司".into());
        all.insert("file_name".into(), "a\r\nBcc: x@y.z.pdf".into());
        all.insert("reason".into(), "大小不符".into());
        let rendered = render(NoticeKind::DocumentRejected, &all).unwrap();
        assert!(!rendered.html.contains("<b>甲"), "{}", rendered.html);
        assert!(!rendered.subject.contains('\n') && !rendered.subject.contains('\r'));
        assert!(rendered.subject.contains("材料未通过核验"));
        all.insert(SALUTATION.into(), "<b>甲&乙</b>公司".into());
        let rendered = render(NoticeKind::Eligible, &all).unwrap();
        assert!(
            rendered.html.contains("&lt;b&gt;甲&amp;乙&lt;"),
            "{}",
            rendered.html
        );
        assert!(rendered.text.starts_with("<b>甲&乙</b>公司："));
    }

    #[test]
    fn dates_read_as_chinese_dates() {
        assert_eq!(date_zh("2026-09-30"), "2026年9月30日");
        assert_eq!(date_zh("2036-11-25"), "2036年11月25日");
        assert_eq!(date_zh("尽快"), "尽快");
        let mut all = sample();
        all.insert("publicity_first_day".into(), "2026-09-30".into());
        all.insert("publicity_last_day".into(), "2026-10-12".into());
        let (_, body) = render_parts(NoticeKind::PublicityStarted, &all).unwrap();
        assert!(body.contains("2026年9月30日 至 2026年10月12日"), "{body}");
        assert!(!body.contains("2026-09-30"), "{body}");
    }

    #[test]
    fn the_boards_publicity_says_where_to_object_with_what_the_office_set() {
        let mut all = sample();
        all.insert("office_phone".into(), "0935-2212345".into());
        all.insert("office_postal_address".into(), String::new());
        all.insert("office_mailbox".into(), "zlj@wuwei.example.cn".into());
        all.extend(
            cycle_notice()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        let (_, body) = render_parts(NoticeKind::PublicityAnnouncement, &all).unwrap();
        assert!(body.contains("联系电话：0935-2212345"), "{body}");
        assert!(body.contains("电子邮箱：zlj@wuwei.example.cn"), "{body}");
        // What the Office left empty is not printed as an empty line.
        assert!(!body.contains("通信地址"), "{body}");
        // One list of every name, with its place; the 文号 first, the 落款 and date last.
        assert!(body.starts_with("武质奖办〔2026〕3号\n"), "{body}");
        assert!(body.contains("共2家"), "{body}");
        assert!(body.contains("所在地：甘肃省武威市凉州区"), "{body}");
        assert!(body.contains("2. 民勤某某有限公司"), "{body}");
        assert!(
            body.ends_with("武威市人民政府质量奖评审委员会办公室\n2026年9月30日"),
            "{body}"
        );
        // Without a 文号 the notice starts with its text.
        all.insert("document_number".into(), String::new());
        let (_, body) = render_parts(NoticeKind::PublicityAnnouncement, &all).unwrap();
        assert!(body.starts_with("经资格审查"), "{body}");
    }

    #[test]
    fn addresses_are_links_in_the_html_and_nothing_else_is() {
        assert_eq!(
            linkify("在线提出异议：https://award.example.cn/#/publicity/2026。请<勿>转发"),
            "在线提出异议：<a href=\"https:&#x2f;&#x2f;award.example.cn&#x2f;#&#x2f;publicity&#x2f;2026\">\
             https:&#x2f;&#x2f;award.example.cn&#x2f;#&#x2f;publicity&#x2f;2026</a>。请&lt;勿&gt;转发"
        );
        assert_eq!(
            linkify("see http://127.0.0.1:8787/x, then \"http://a.b\"."),
            "see <a href=\"http:&#x2f;&#x2f;127.0.0.1:8787&#x2f;x\">http:&#x2f;&#x2f;127.0.0.1:8787&#x2f;x</a>, \
             then &quot;<a href=\"http:&#x2f;&#x2f;a.b\">http:&#x2f;&#x2f;a.b</a>&quot;."
        );
        assert_eq!(linkify("no address <here>"), "no address &lt;here&gt;");
        let mut all = sample();
        all.insert("email".into(), "quality@example.cn".into());
        all.insert(
            "confirm_url".into(),
            "https://award.example.cn/#/email-confirmations/ab".into(),
        );
        all.insert("expires_at".into(), "2026-03-03 18:30（北京时间）".into());
        let rendered = render(NoticeKind::EmailConfirmation, &all).unwrap();
        assert!(
            rendered.html.contains(
                "<a href=\"https:&#x2f;&#x2f;award.example.cn&#x2f;#&#x2f;email-confirmations&#x2f;ab\">"
            ),
            "{}",
            rendered.html
        );
        assert!(
            rendered
                .text
                .contains("https://award.example.cn/#/email-confirmations/ab")
        );
    }

    #[test]
    fn missing_data_is_an_error() {
        let error = render(NoticeKind::DocumentReceived, &sample()).unwrap_err();
        assert!(matches!(error, AppError::Template { .. }));
    }

    #[test]
    fn china_time_is_utc_plus_eight() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 30, 0).unwrap();
        assert_eq!(china_time(at), "2026-03-01 18:30（北京时间）");
    }
}
