//! The award's end-to-end scenario, shared by the two test suites: `tests/local_http.rs` (over HTTP
//! against the local runner) and `tests/aws_moto.rs` (the same handlers over the AWS adapters,
//! against moto's server, invoked with the payloads AWS would send).

use std::path::Path;

use award_domain::china_date;
use award_domain::uscc::Uscc;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Wuwei's own administrative division code (武威市凉州区).
pub const DIVISION_CODE: &str = "620602";

/// The subject of the "application received" notice starts with this.
pub const APPLICATION_RECEIVED_SUBJECT: &str = "武威市人民政府质量奖：申报草稿已创建";

/// The subject of the "document received" notice: the organisation, then the file.
pub fn document_received_subject(organisation_name: &str, file_name: &str) -> String {
    format!("武威市人民政府质量奖：材料已接收：{organisation_name}（{file_name}）")
}

/// A valid USCC registered in Wuwei, from a 9-character organisation code; the check character is
/// computed by the domain's GB 32100 rule.
pub fn uscc(organisation_code: &str) -> String {
    let first_17 = format!("91{DIVISION_CODE}{organisation_code}");
    Uscc::with_check_character(&first_17)
        .expect("a well-formed 17-character prefix")
        .as_str()
        .to_owned()
}

/// The same USCC with a wrong check character.
pub fn uscc_with_wrong_check_character(organisation_code: &str) -> String {
    let mut valid = uscc(organisation_code);
    let check = valid.pop().expect("18 characters");
    valid.push(if check == '0' { '1' } else { '0' });
    valid
}

/// The body of `POST /cycles`: the cycle of `now`'s year, open for applications for a month.
pub fn new_cycle(now: DateTime<Utc>) -> Value {
    let today = china_date(now);
    json!({
        "id": today.year().to_string(),
        "title": format!("{}年度武威市人民政府质量奖", today.year()),
        "application_deadline": (today + Duration::days(30)).to_string(),
        "recommendation_deadline": (today + Duration::days(45)).to_string(),
    })
}

/// The body of `POST /applications`.
pub fn new_application(organisation_name: &str, uscc: &str, contact_email: &str) -> Value {
    json!({
        "organisation_name": organisation_name,
        "uscc": uscc,
        "registration_date": "2015-06-01",
        "division_code": DIVISION_CODE,
        "contact_email": contact_email,
    })
}

/// A small PDF-looking evidence file.
pub fn evidence_pdf() -> Vec<u8> {
    "%PDF-1.4\n% 质量管理体系认证证书（ISO 9001）\n%%EOF\n"
        .as_bytes()
        .to_vec()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The body of `POST /applications/{id}/documents` declaring `bytes` as the management-system
/// certificate.
pub fn declaration(file_name: &str, content_type: &str, bytes: &[u8]) -> Value {
    declaration_of(
        "management_system_certificate",
        file_name,
        content_type,
        bytes,
    )
}

/// The body of `POST /applications/{id}/documents` declaring `bytes` of evidence `category`.
pub fn declaration_of(category: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Value {
    json!({
        "category": category,
        "file_name": file_name,
        "content_type": content_type,
        "size": bytes.len(),
        "sha256": sha256_hex(bytes),
    })
}

/// One email as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedEmail {
    pub subject: String,
    pub to: Vec<String>,
    pub text: String,
}

/// Every `.eml` file in an outbox folder, parsed, in file-name (send) order.
pub fn outbox_emails(outbox: &Path) -> Vec<ReceivedEmail> {
    let mut files: Vec<_> = std::fs::read_dir(outbox)
        .expect("the outbox folder exists")
        .map(|entry| entry.expect("a readable outbox entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("a readable .eml file");
            let message = mail_parser::MessageParser::default()
                .parse(&bytes)
                .unwrap_or_else(|| panic!("{} is not an RFC 5322 message", path.display()));
            ReceivedEmail {
                subject: message.subject().unwrap_or_default().to_owned(),
                to: message
                    .to()
                    .map(|to| {
                        to.iter()
                            .filter_map(|address| address.address())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                text: message
                    .body_text(0)
                    .map(|text| text.into_owned())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// A complete application form (申报表) for the organisation `name` / `uscc` in Liangzhou
/// (620602), as a cycle with this application deadline needs it; the contact is `contact_email`.
pub fn complete_form(deadline: NaiveDate, name: &str, uscc: &str, contact_email: &str) -> Value {
    let mut form = award_domain::form::ApplicationForm::sample_complete(deadline);
    form.organisation.name = name.to_owned();
    form.organisation.uscc = uscc.to_owned();
    form.organisation.division_code = DIVISION_CODE.to_owned();
    form.contact.email = contact_email.to_owned();
    serde_json::to_value(form).expect("the form serialises")
}

/// The evidence categories every applicant must upload before submitting (not a construction
/// enterprise), as the API names them.
pub fn required_categories() -> Vec<&'static str> {
    award_domain::form::DocumentCategory::required_for_submission(false)
        .into_iter()
        .map(|category| category.as_str())
        .collect()
}

/// The body of `POST /recommenders`: Liangzhou's county quality office, acting through `account`.
pub fn liangzhou_office(account: &str, mailbox: &str) -> Value {
    json!({
        "name": "凉州区质量发展领导小组办公室",
        "scope": {"kind": "county", "division_code": DIVISION_CODE},
        "mailbox": mailbox,
        "accounts": [account],
    })
}

// --- the expert-review scenario (Arts. 8, 11(5)–(7), 19, 20) -------------------------------------

/// The scenario's applications: 6 eligible, 8 experts in the pool.
pub const REVIEW_APPLICATIONS: u32 = 6;
pub const POOL_SIZE: u32 = 8;

/// The rubric item (GB/T 19580 4.1.2) on which one expert of applicant 1's panel disagrees.
pub const DISPUTED_ITEM: &str = "4.1.2";

/// The subjects of the review stage's notices the scenario checks (templates
/// `expert_assigned`, `consensus_requested`, `shortlisted`, `not_shortlisted`, `candidate_listed`,
/// `not_selected`). An expert's assignment starts with this and names the organisation.
pub const DOCUMENT_REVIEW_ASSIGNED: &str = "武威市人民政府质量奖：评审任务（资料评审）";
/// The start of the `consensus_requested` subject; the organisation's name follows.
pub const DOCUMENT_REVIEW_CONSENSUS_REQUESTED: &str =
    "武威市人民政府质量奖：请组织合议（资料评审）";
/// The subject of `shortlisted` for `organisation_name` (Art. 11(5)).
pub fn shortlisted_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：进入现场评审：{organisation_name}")
}
/// The subject of `not_shortlisted` for `organisation_name`.
pub fn not_shortlisted_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：未进入现场评审：{organisation_name}")
}
/// The subject of `candidate_listed` for `organisation_name` (Art. 11(7)).
pub fn candidate_listed_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：列入候选获奖名单：{organisation_name}")
}
/// The subject of `not_selected` after the combined evaluation (Art. 11(7)).
pub fn not_selected_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：未列入候选获奖名单：{organisation_name}")
}

/// Organisation code of the scenario's applicant `number` (1–6): its USCC is `uscc` of it.
pub fn applicant_code(number: u32) -> String {
    format!("MA74XY8{number:02}")
}

/// The organisation name of the scenario's applicant `number`.
pub fn applicant_name(number: u32) -> String {
    format!("武威市第{number}质量示范有限公司")
}

/// The account (token subject) of expert `number` (1–8) of the scenario's pool.
pub fn expert_account(number: u32) -> String {
    format!("expert-{number}")
}

/// The email of expert `number` of the pool, where its notices go.
pub fn expert_email(number: u32) -> String {
    format!("expert-{number}@example.cn")
}

/// The body of `POST /experts` for expert `number` (1–8) of the scenario's pool (Arts. 8, 19).
/// Two are conflicted: expert 7 works for applicant 1 (same USCC); expert 8 left applicant 2 a
/// year before `today` (a China date), inside the 3-year recusal window. The others work for
/// unrelated employers.
pub fn pool_expert(number: u32, today: NaiveDate) -> Value {
    let left = today - Duration::days(365);
    let (employer_uscc, history) = match number {
        7 => (uscc(&applicant_code(1)), json!([])),
        8 => (
            uscc("MB5000900"),
            json!([{
                "employer": applicant_name(2),
                "uscc": uscc(&applicant_code(2)),
                "from": (left - Duration::days(5 * 365)).to_string(),
                "until": left.to_string(),
            }]),
        ),
        _ => (uscc(&format!("MB5{number:06}")), json!([])),
    };
    json!({
        "account": expert_account(number),
        "profile": {
            "name": format!("专家{number}"),
            "sector": if number.is_multiple_of(2) { "university" } else { "association" },
            "employer": format!("第{number}评审专家单位"),
            "employer_uscc": employer_uscc,
            "history": history,
            // GB/T 4754-2017 sections: C manufacturing, M research and technical services.
            "specialities": if number <= 4 { json!(["C"]) } else { json!(["C", "M"]) },
            "email": expert_email(number),
            "relations": [],
        }
    })
}

/// The percentage every document-review expert gives the application at `index` (0-based):
/// applications 1–4 from 70 % up in 5 % steps, 5–6 at 40 %, so the shortlist (≥ 500 of 1000
/// points under the default rules) holds the first four.
pub fn document_review_percent(index: usize) -> u8 {
    match index {
        0..4 => 70 + 5 * index as u8,
        _ => 40,
    }
}

/// The on-site percentage of the shortlisted application at `index`: 90 % down in 5 % steps.
pub fn onsite_percent(index: usize) -> u8 {
    90 - 5 * index as u8
}

/// The body of `PUT /applications/{id}/survey` for the shortlisted application at `index`: the
/// score out of 100 (90 down by 1), its respondents and method.
pub fn survey(index: usize) -> Value {
    json!({"score": 90 - index as i64, "respondents": 120, "method": "问卷调查"})
}

/// A score sheet's `items`: every rubric item of the default review rules at `percent`, except
/// `overrides` (item id → percentage).
pub fn sheet_items(percent: u8, overrides: &[(&str, u8)]) -> Value {
    let rules = award_domain::rules::ReviewRules::default();
    let mut items = serde_json::Map::new();
    for item in rules.rubric.items() {
        items.insert(item.id.clone(), json!(percent));
    }
    for (id, percent) in overrides {
        items.insert((*id).to_owned(), json!(percent));
    }
    Value::Object(items)
}

/// The body of `POST /reviews/{id}/{phase}/submit` at the assignment's `version`.
pub fn submission(version: &Value, items: Value) -> Value {
    json!({"version": version, "items": items, "comments": {"4.1": "领导作用发挥充分。"}})
}

/// The members of an application's panel, by pool number (1-based position of their expert id in
/// `pool`), leader first, from the Office's phase view (`GET /applications/{id}/reviews/{phase}`);
/// withdrawn members (not counted) are left out.
pub fn panel_numbers(view: &Value, pool: &[String]) -> Vec<u32> {
    let mut panel: Vec<(bool, u32)> = view["sheets"]
        .as_array()
        .expect("the phase view lists its sheets")
        .iter()
        .filter(|sheet| sheet["counts"] == true)
        .map(|sheet| {
            let id = sheet["expert_id"].as_str().expect("an expert id");
            let position = pool
                .iter()
                .position(|expert| expert == id)
                .expect("a panel member is in the pool");
            (sheet["leader"] != true, position as u32 + 1)
        })
        .collect();
    panel.sort();
    panel.into_iter().map(|(_, number)| number).collect()
}

/// Checks a draw's answer (`POST /cycles/{id}/assignments`): `applications` panels of `size`,
/// the load bound, no expert over it, and never expert 7 on applicant 1 or expert 8 on applicant 2
/// (`applications[0]`, `[1]`). Panics with the draw on a breach.
pub fn assert_fair_draw(draw: &Value, applications: &[String], pool: &[String], size: usize) {
    let panels = draw["panels"].as_object().expect("the draw's panels");
    assert_eq!(panels.len(), applications.len(), "{draw}");
    let bound = draw["load_bound"].as_u64().expect("the load bound") as usize;
    let mut loads = std::collections::BTreeMap::<&str, usize>::new();
    for (application, drawn) in panels {
        assert!(applications.contains(application), "{draw}");
        let drawn: Vec<&str> = drawn
            .as_array()
            .expect("a panel")
            .iter()
            .map(|expert| expert.as_str().expect("an expert id"))
            .collect();
        assert_eq!(drawn.len(), size, "{draw}");
        for expert in &drawn {
            *loads.entry(expert).or_default() += 1;
        }
        if application == &applications[0] {
            assert!(
                !drawn.contains(&pool[6].as_str()),
                "expert 7 works for applicant 1: {draw}"
            );
        }
        if applications.len() > 1 && application == &applications[1] {
            assert!(
                !drawn.contains(&pool[7].as_str()),
                "expert 8 worked for applicant 2: {draw}"
            );
        }
    }
    assert!(
        loads.values().all(|load| *load <= bound),
        "{loads:?} over {bound}"
    );
    assert_eq!(loads.values().sum::<usize>(), applications.len() * size);
}

// --- the decision scenario (Arts. 3, 4, 7(3), 11(8)–(9), 12–14) ----------------------------------

/// The cycle of the decision scenario: the runner's clock starts in March 2026, so the review's
/// cycle is 2026 and its certificates read 武质奖〔2026〕第n号.
pub const DECISION_CYCLE: &str = "2026";

/// The publicity's first day: the 5 official working days counted from it cross National Day
/// (the State Council's 2026 notice: 1–7 October off, Saturday 10 October worked) — 30 September,
/// 8, 9, 10 and 12 October — and end on [`PUBLICITY_LAST_DAY`] (Art. 11(8)).
pub const PUBLICITY_FIRST_DAY: &str = "2026-09-30";
pub const PUBLICITY_LAST_DAY: &str = "2026-10-12";

/// The executive meeting's date (Art. 11(9)), which is also the approval date.
pub const EXECUTIVE_MEETING_DAY: &str = "2026-10-20";

/// The instant at `hour:minute` China time (UTC+8) on `date`, as UTC.
pub fn china_time(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    award_domain::time::china_start_of_day(date)
        + Duration::hours(i64::from(hour))
        + Duration::minutes(i64::from(minute))
}

/// `date` written as the API writes dates (`YYYY-MM-DD`), parsed.
pub fn day(date: &str) -> NaiveDate {
    date.parse().expect("a YYYY-MM-DD date")
}

/// The Committee's minutes of its deliberation (a small real PDF).
pub fn minutes_pdf() -> Vec<u8> {
    let mut pdf = evidence_pdf();
    pdf.extend_from_slice("% 评委会〔2026〕3号 会议纪要\n".as_bytes());
    pdf
}

/// The body of `POST /cycles/{id}/minutes` for `bytes`.
pub fn minutes_declaration(bytes: &[u8]) -> Value {
    json!({
        "file_name": "评审委员会会议纪要.pdf",
        "content_type": "application/pdf",
        "size": bytes.len(),
        "sha256": sha256_hex(bytes),
    })
}

/// The body of `POST /cycles/{id}/deliberation`: the Committee includes every one of
/// `candidates` (9 for, none against, 1 abstention) at its meeting of 2026-09-18, with
/// its received minutes.
pub fn deliberation(candidates: &[String], minutes_attachment_id: &str) -> Value {
    let decisions: Vec<Value> = candidates
        .iter()
        .map(|id| {
            json!({"application_id": id, "include": true, "votes_for": 9, "votes_against": 0, "abstentions": 1})
        })
        .collect();
    json!({
        "meeting_date": "2026-09-18",
        "minutes_reference": "评委会〔2026〕3号",
        "minutes_attachment_id": minutes_attachment_id,
        "decisions": decisions,
    })
}

/// The body of `POST /cycles/{id}/consultation` (the vice-mayors' opinions, 2026-09-22).
pub fn consultation() -> Value {
    json!({"date": "2026-09-22", "opinions": "各副市长均无不同意见。", "note": "已书面征求意见。"})
}

/// The body of `POST /cycles/{id}/executive-meeting` on [`EXECUTIVE_MEETING_DAY`].
pub fn executive_meeting() -> Value {
    json!({
        "date": EXECUTIVE_MEETING_DAY,
        "session": "市政府第35次常务会议",
        "minutes_reference": "武政常〔2026〕35号",
    })
}

/// The body of `POST /applications/{id}/approve` on [`EXECUTIVE_MEETING_DAY`].
pub fn approval() -> Value {
    json!({"approved_on": EXECUTIVE_MEETING_DAY})
}

/// The objector of the scenario and what it writes.
pub const OBJECTOR_NAME: &str = "张三";
pub const OBJECTION_CONTENT: &str = "该企业去年发生过产品质量投诉，请核实。";

/// The body of `POST /public/publicity/{cycle}/objections` against `application_id`, from
/// [`OBJECTOR_NAME`] reachable at `contact` (a mobile number or an email).
pub fn objection(application_id: &str, contact: &str) -> Value {
    json!({
        "application_id": application_id,
        "objector_name": OBJECTOR_NAME,
        "contact": contact,
        "content": OBJECTION_CONTENT,
    })
}

/// The Office's finding on the objection: not upheld, with its reply.
pub const OBJECTION_REPLY: &str = "经核实，所反映问题已于2025年整改完毕，异议不成立。";

/// The certificate number of the `n`-th award of [`DECISION_CYCLE`] (the Office's format).
pub fn certificate_number(n: usize) -> String {
    format!("武质奖〔{DECISION_CYCLE}〕第{n}号")
}

/// The reward of Art. 13: RMB 150 000 in fen.
pub const REWARD_FEN: i64 = 15_000_000;

/// The body of `POST /applications/{id}/reward/payment` (the finance bureau, 2026-11-02).
pub fn payment() -> Value {
    json!({"paid_on": "2026-11-02", "voucher": "财付〔2026〕118号"})
}

/// The subjects of the decision stage's notices the scenario checks (templates
/// `publicity_closed`, `objection_pending`, `objection_answered`, `awarded`, `reward_payable`).
pub fn publicity_closed_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：公示期满，可提请审定：{organisation_name}")
}
pub fn objection_pending_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：公示期满但异议尚未处理：{organisation_name}")
}
pub fn objection_answered_subject(organisation_name: &str, receipt: &str) -> String {
    format!("武威市人民政府质量奖：公示异议处理结果：{organisation_name}（受理编号 {receipt}）")
}
/// The start of the `awarded` subject; the organisation's name follows.
pub const AWARDED: &str = "武威市人民政府质量奖：荣获武威市人民政府质量奖";
pub fn awarded_subject(organisation_name: &str) -> String {
    format!("{AWARDED}：{organisation_name}")
}
pub fn reward_payable_subject(organisation_name: &str) -> String {
    format!("武威市人民政府质量奖：请拨付质量奖奖金：{organisation_name}")
}

/// Checks the public list (`GET /public/publicity/{cycle}`): exactly `names` (organisation
/// names), each entry carrying only its id, name, USCC and division, the period
/// [`PUBLICITY_FIRST_DAY`]–[`PUBLICITY_LAST_DAY`], and nothing personal anywhere (the sample
/// form's contact person, mobile and legal representative, the applicants' emails) nor any score.
pub fn assert_public_list(public: &Value, names: &[String], emails: &[String]) {
    assert_eq!(
        (&public["first_day"], &public["last_day"]),
        (&json!(PUBLICITY_FIRST_DAY), &json!(PUBLICITY_LAST_DAY)),
        "{public}"
    );
    let entries = public["entries"].as_array().expect("the public entries");
    let mut listed: Vec<&str> = entries
        .iter()
        .map(|entry| entry["organisation_name"].as_str().expect("a name"))
        .collect();
    listed.sort();
    let mut expected: Vec<&str> = names.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(listed, expected, "{public}");
    for entry in entries {
        let mut fields: Vec<&str> = entry
            .as_object()
            .expect("an entry")
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "application_id",
                "division_code",
                "division_name",
                "organisation_name",
                "uscc"
            ],
            "{entry}"
        );
    }
    let text = public.to_string();
    let sample = award_domain::form::ApplicationForm::sample_complete(day(PUBLICITY_FIRST_DAY));
    for private in [
        sample.contact.name.as_str(),
        sample.contact.mobile.as_str(),
        sample.organisation.legal_representative.as_str(),
        "score",
        "percent",
        "review",
    ]
    .into_iter()
    .chain(emails.iter().map(String::as_str))
    {
        assert!(!text.contains(private), "{private:?} is public: {text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_uscc_is_valid_and_its_twin_is_not() {
        let valid = uscc("MA74XY8Q0");
        assert_eq!(valid.len(), 18);
        assert!(Uscc::parse(&valid).is_ok());
        assert!(Uscc::parse(&uscc_with_wrong_check_character("MA74XY8Q0")).is_err());
    }
}
