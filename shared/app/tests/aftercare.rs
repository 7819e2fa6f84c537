//! Aftercare (Arts. 5, 16, 17, 18) over the embedded adapters, through the same entry points as
//! the Lambda functions: the `reminders` run over the dated items the award wrote, follow-up
//! visits, revocation cases with their reclaim, and the public register. The winners start as the
//! decision leaves them (approved), moved there in the table as `decision.rs` proves the way, and
//! are awarded through the API.

mod common;

use award_app::reads::register;
use award_app::stages::aftercare;
use award_domain::award::{AftercarePolicy, Validity, reminder_dates, visit_dates};
use award_domain::lifecycle::ApplicationState;
use award_ports::Table;
use chrono::{DateTime, NaiveDate, Utc};
use common::hooked::Hooked;
use common::*;
use serde_json::{Value, json};

/// 10:00 China time on `day`.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(2, 0, 0).unwrap().and_utc()
}

/// `count` applications approved on `approved_on` (in the table), then awarded through the API on
/// `awarded_on`.
async fn awarded(
    h: &Harness,
    count: u32,
    approved_on: NaiveDate,
    awarded_on: NaiveDate,
) -> Vec<String> {
    let apps = applications_in(h, count, ApplicationState::Approved).await;
    for id in &apps {
        let stored = load(h, id).await;
        let mut application = stored.record;
        application.lifecycle.validity = Some(Validity::from_approval(approved_on).unwrap());
        h.table
            .transact(vec![
                award_app::store::replace(&application, stored.version).unwrap(),
            ])
            .await
            .unwrap();
        office(
            h,
            "POST",
            &format!("/applications/{id}/award"),
            json!({}),
            morning(awarded_on),
        )
        .await;
    }
    apps
}

/// The emails whose subject holds `subject`, by recipient.
fn mails_about(h: &Harness, subject: &str) -> Vec<String> {
    let mut to: Vec<String> = h
        .mails()
        .into_iter()
        .filter(|(_, s, _)| s.contains(subject))
        .map(|(to, _, _)| to)
        .collect();
    to.sort();
    to
}

async fn run(h: &Harness, day: NaiveDate) -> aftercare::AftercareRun {
    let run = aftercare::run_daily(&h.app, morning(day)).await.unwrap();
    h.deliver_stream(morning(day)).await.unwrap();
    run
}

async fn state(h: &Harness, id: &str) -> ApplicationState {
    load(h, id).await.record.state()
}

#[tokio::test]
async fn reminders_visits_and_expiry_each_come_once_on_their_day_even_after_missed_runs() {
    let h = Harness::new();
    let approved_on = date(2026, 10, 20);
    let apps = awarded(&h, 1, approved_on, date(2026, 10, 21)).await;
    let validity = Validity::from_approval(approved_on).unwrap();
    assert_eq!(validity.last_valid_day, date(2031, 10, 20));
    let reminders = reminder_dates(&validity, &AftercarePolicy::default());
    let [r180, r90, r30] = reminders[..] else {
        panic!("{reminders:?}")
    };
    assert_eq!(r180, date(2031, 4, 23));

    // The first run sets the watermark; nothing is due yet.
    let first = run(&h, date(2026, 10, 21)).await;
    assert!(first.reminded.is_empty() && first.visits_due.is_empty());

    // The runs stop for four and a half years and three more days: the next one catches up every
    // visit due meanwhile and the 180-day reminder, once each.
    let late = r180 + chrono::Days::new(3);
    let caught_up = run(&h, late).await;
    assert_eq!(caught_up.days.first(), Some(&date(2026, 10, 22)));
    assert_eq!(caught_up.days.last(), Some(&late));
    assert_eq!(caught_up.reminded.len(), 1, "{caught_up:?}");
    let visits_by_then = visit_dates(&validity, &AftercarePolicy::default())
        .into_iter()
        .filter(|day| *day <= late)
        .count();
    assert_eq!(caught_up.visits_due.len(), visits_by_then);
    assert_eq!(visits_by_then, 4);
    assert_eq!(
        mails_about(&h, "有效期即将届满"),
        ["applicant-1@example.cn", OFFICE_MAILBOX]
    );
    assert_eq!(mails_about(&h, "巡访到期").len(), 4);

    // A second run the same day reads nothing and writes nothing.
    let before = h.last_sequence();
    let again = run(&h, late).await;
    assert_eq!(again, aftercare::AftercareRun::default());
    assert_eq!(h.last_sequence(), before);

    // The 90- and 30-day reminders on their days.
    assert_eq!(run(&h, r90).await.reminded.len(), 1);
    assert_eq!(run(&h, r30).await.reminded.len(), 1);
    assert_eq!(mails_about(&h, "有效期即将届满").len(), 6);

    // Valid through its last day; expired the day after, the holder told it may apply again.
    run(&h, validity.last_valid_day).await;
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Awarded);
    let (_, register) = h
        .request_at(
            "GET",
            "/public/register",
            None,
            None,
            morning(validity.last_valid_day),
        )
        .await;
    assert_eq!(register["awards"][0]["status"], "valid", "{register}");
    let expiry = run(&h, validity.may_apply_again_from).await;
    assert_eq!(expiry.expired.len(), 1);
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Expired);
    let expired_mails: Vec<(String, String, String)> = h
        .mails()
        .into_iter()
        .filter(|(_, subject, _)| subject.contains("有效期已届满"))
        .collect();
    assert_eq!(expired_mails.len(), 2, "{expired_mails:?}");
    assert!(
        expired_mails
            .iter()
            .any(|(to, _, body)| to == "applicant-1@example.cn" && body.contains("再次申报"))
    );
    let (_, register) = h
        .request_at(
            "GET",
            "/public/register",
            None,
            None,
            morning(validity.may_apply_again_from),
        )
        .await;
    assert_eq!(register["awards"][0]["status"], "expired", "{register}");
    // Nothing is left to send twice.
    let before = h.last_sequence();
    let tomorrow = validity.may_apply_again_from + chrono::Days::new(1);
    let quiet = run(&h, tomorrow).await;
    assert!(quiet.reminded.is_empty() && quiet.expired.is_empty() && quiet.visits_due.is_empty());
    assert_eq!(h.last_sequence(), before + 1, "only the watermark moved");
}

#[tokio::test]
async fn reminders_and_visits_caught_up_only_after_the_award_ended_are_dropped() {
    let h = Harness::new();
    let apps = awarded(&h, 1, date(2026, 10, 20), date(2026, 10, 21)).await;
    run(&h, date(2026, 10, 21)).await;
    // No run for five years: the next one expires the award and sends no stale reminder.
    let late = run(&h, date(2031, 10, 25)).await;
    assert_eq!(late.expired.len(), 1, "{late:?}");
    assert!(
        late.reminded.is_empty() && late.visits_due.is_empty(),
        "{late:?}"
    );
    assert_eq!(
        late.dropped,
        3 + 5,
        "three reminders, five visits: {late:?}"
    );
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Expired);
    assert!(mails_about(&h, "有效期即将届满").is_empty());
    assert_eq!(mails_about(&h, "有效期已届满").len(), 2);
}

#[tokio::test]
async fn an_award_of_29_february_expires_after_the_last_day_of_february_five_years_on() {
    let h = Harness::new();
    let apps = awarded(&h, 1, date(2024, 2, 29), date(2026, 3, 2)).await;
    let award = load(&h, &apps[0]).await.record;
    let validity = award.lifecycle.validity.unwrap();
    assert_eq!(validity.last_valid_day, date(2029, 2, 28));
    run(&h, date(2026, 3, 2)).await;
    run(&h, date(2029, 2, 28)).await;
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Awarded);
    let expiry = run(&h, date(2029, 3, 1)).await;
    assert_eq!(expiry.expired.len(), 1);
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Expired);
}

/// Opens a case as the Office; the status and the answer.
async fn open_case(h: &Harness, id: &str, body: Value, at: DateTime<Utc>) -> (u16, Value) {
    h.request_at(
        "POST",
        &format!("/applications/{id}/revocation-cases"),
        Some(OFFICE),
        Some(&body.to_string()),
        at,
    )
    .await
}

#[tokio::test]
async fn revocation_for_fraud_after_expiry_bars_for_ten_years_and_reclaims_the_reward() {
    let h = Harness::new();
    let approved_on = date(2026, 10, 20);
    let apps = awarded(&h, 2, approved_on, date(2026, 10, 21)).await;
    // The finance bureau paid the first winner's reward; only a reward paid can come back.
    let (status, paid) = h
        .request_at(
            "POST",
            &format!("/applications/{}/reward/payment", apps[0]),
            Some(FINANCE),
            Some(r#"{"paid_on": "2026-10-21", "voucher": "财付〔2026〕118号"}"#),
            morning(date(2026, 10, 21)),
        )
        .await;
    assert_eq!(status, 200, "{paid}");
    // The winner is told its reward was paid: the amount, the day and the voucher (Art. 13).
    h.deliver_stream(morning(date(2026, 10, 21))).await.unwrap();
    assert!(
        h.mails()
            .iter()
            .any(|(to, subject, body)| to == "applicant-1@example.cn"
                && subject.contains("奖金已拨付")
                && body.contains("人民币150,000.00元")
                && body.contains("2026年10月21日")
                && body.contains("财付〔2026〕118号")),
        "{:?}",
        h.mails()
    );
    run(&h, date(2026, 10, 21)).await;
    let after_expiry = date(2032, 3, 1);
    run(&h, after_expiry).await;
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Expired);
    let at = morning(after_expiry);

    // Art. 18: a cause that occurred after the 5 years is refused; nothing is written.
    let before = h.last_sequence();
    let (status, refused) = open_case(
        &h,
        &apps[0],
        json!({"ground": "cause", "cause": 1, "occurred_on": "2031-10-21", "facts": "发生重大质量事故。"}),
        at,
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("outside_art18_window")),
        "{refused}"
    );
    assert_eq!(h.last_sequence(), before);
    for bad in [
        json!({"ground": "fraud", "cause": 1, "facts": "x"}),
        json!({"ground": "cause", "cause": 6, "occurred_on": "2028-01-01", "facts": "x"}),
        json!({"ground": "theft", "facts": "x"}),
    ] {
        let (status, refused) = open_case(&h, &apps[0], bad, at).await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (422, Some("invalid_ground"))
        );
    }

    // Art. 17: fraud, any time. One open case per award.
    let (status, case) = open_case(
        &h,
        &apps[0],
        json!({"ground": "fraud", "facts": "申报材料中的检测报告系伪造。"}),
        at,
    )
    .await;
    assert_eq!(status, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_owned();
    let (status, again) = open_case(
        &h,
        &apps[0],
        json!({"ground": "fraud", "facts": "重复"}),
        at,
    )
    .await;
    assert_eq!((status, again["code"].as_str()), (409, Some("case_open")));

    // Evidence: a checked file, read by the Office and the Committee only.
    let evidence = b"%PDF-1.4 forged test report";
    let (status, declared) = h
        .request_at(
            "POST",
            &format!("/revocation-cases/{case_id}/evidence"),
            Some(OFFICE),
            Some(
                &json!({"file_name": "检测报告.pdf", "content_type": "application/pdf",
                    "size": evidence.len(), "sha256": sha256_hex(evidence)})
                .to_string(),
            ),
            at,
        )
        .await;
    assert_eq!(status, 201, "{declared}");
    let key = h.upload(&declared["upload"], evidence);
    award_app::events::object_created(&h.app, s3_event(&key, evidence.len()), at)
        .await
        .unwrap();
    let download = format!(
        "/attachments/{}/download",
        declared["attachment"]["id"].as_str().unwrap()
    );
    assert_eq!(
        h.request_at("GET", &download, Some(COMMITTEE), None, at)
            .await
            .0,
        200
    );
    assert_eq!(
        h.request_at("GET", &download, Some(FINANCE), None, at)
            .await
            .0,
        403
    );

    // Approval before the Committee decides is refused; the Committee decides; the government
    // approves: revoked, with a 10-year bar from the approval's date.
    let approval = json!({"date": "2032-03-01", "reference": "武政函〔2032〕8号"});
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/revocation-cases/{case_id}/approval"),
            Some(OFFICE),
            Some(&approval.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("case_not_proposed"))
    );
    // A decision dated before the case was opened is refused.
    let decide = |date: &str| {
        json!({"date": date, "minutes_reference": "评委会〔2032〕1号", "revoke": true}).to_string()
    };
    let path = format!("/revocation-cases/{case_id}/committee-decision");
    let (status, refused) = h
        .request_at(
            "POST",
            &path,
            Some(COMMITTEE),
            Some(&decide("2032-02-28")),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_case_date"))
    );
    let (status, decided) = h
        .request_at(
            "POST",
            &path,
            Some(COMMITTEE),
            Some(&decide("2032-03-01")),
            at,
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["status"], "revocation_proposed");
    let revoked = office(
        &h,
        "POST",
        &format!("/revocation-cases/{case_id}/approval"),
        approval.clone(),
        at,
    )
    .await;
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Revoked);
    let bar = load(&h, &apps[0])
        .await
        .record
        .lifecycle
        .revocation
        .unwrap();
    assert_eq!(bar.last_day, date(2042, 3, 1));
    h.deliver_stream(at).await.unwrap();
    assert_eq!(mails_about(&h, "请收回质量奖奖金"), [FINANCE_MAILBOX]);
    assert!(mails_about(&h, "质量奖已撤销").contains(&"applicant-1@example.cn".to_owned()));
    // The holder reads the article, what to return, the approval and until when it is barred.
    assert!(
        h.mails()
            .iter()
            .any(|(to, subject, body)| to == "applicant-1@example.cn"
                && subject.contains("质量奖已撤销")
                && body.contains("第十七条")
                && body.contains("奖金")
                && body.contains("武政函〔2032〕8号")
                && !body.contains("第十八条")
                && body.contains("至2042年3月1日（含）不得申报，2042年3月2日起可以申报")),
        "{:?}",
        h.mails()
    );
    let (_, board) = h.request_at("GET", "/public/notices", None, None, at).await;
    assert!(
        board["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["kind"] == "revocation_announcement"),
        "{board}"
    );

    // The register: the organisation is barred at the next cycle's deadline, not once it ends.
    let uscc = load(&h, &apps[0]).await.record.uscc;
    let history = register::history_of(&h.app, &uscc).await.unwrap();
    assert!(
        history
            .debarments
            .iter()
            .any(|bar| bar.covers(date(2032, 6, 30)))
    );
    assert!(
        !history
            .debarments
            .iter()
            .any(|bar| bar.covers(date(2042, 3, 2)))
    );
    let (_, public) = h
        .request_at("GET", "/public/register", None, None, at)
        .await;
    let entry = public["awards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|award| award["uscc"] == uscc.as_str())
        .unwrap();
    assert_eq!(entry["status"], "revoked");
    assert_eq!(entry["revoked_under"], "第十七条");
    assert_eq!(public["debarments"][0]["until"], "2042-03-01");
    let text = public.to_string();
    assert!(!text.contains("@") && !text.contains("facts"), "{text}");

    // Reclaim: plaque and certificate by the Office, the reward by the finance bureau, once.
    let returns = office(
        &h,
        "POST",
        &format!("/revocation-cases/{case_id}/returns"),
        json!({"plaque_returned_on": "2032-03-01", "certificate_returned_on": "2032-03-01"}),
        at,
    )
    .await;
    assert_eq!(returns["reclaim"]["plaque_returned_on"], "2032-03-01");
    let reward = json!({"received_on": "2032-03-01", "receipt": "财收〔2032〕5号", "amount_fen": 15_000_000});
    let path = format!("/revocation-cases/{case_id}/reward-returned");
    // 元 typed as fen: refused, nothing recorded, the right amount still accepted after.
    let mut in_yuan = reward.clone();
    in_yuan["amount_fen"] = json!(150_000);
    let (status, refused) = h
        .request_at("POST", &path, Some(FINANCE), Some(&in_yuan.to_string()), at)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_amount"))
    );
    // The finance bureau's list shows the revoked award and the reward to reclaim.
    let (_, rewards) = h
        .request_at("GET", "/rewards", Some(FINANCE), None, at)
        .await;
    let line = rewards["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["application_id"] == apps[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (&line["revoked_on"], &line["reward_to_reclaim"]),
        (&json!("2032-03-01"), &json!(true))
    );
    let (status, returned) = h
        .request_at("POST", &path, Some(FINANCE), Some(&reward.to_string()), at)
        .await;
    assert_eq!(status, 200, "{returned}");
    assert_eq!(returned["reclaim"]["reward"]["amount_fen"], 15_000_000);
    let (_, rewards) = h
        .request_at("GET", "/rewards", Some(FINANCE), None, at)
        .await;
    let line = rewards["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["application_id"] == apps[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (&line["reward_to_reclaim"], &line["returned_on"]),
        (&json!(false), &json!("2032-03-01"))
    );
    let mut other = reward.clone();
    other["receipt"] = json!("财收〔2032〕6号");
    let (status, refused) = h
        .request_at("POST", &path, Some(FINANCE), Some(&other.to_string()), at)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("already_recorded"))
    );

    // The bar's end: the organisation and the Office are told, once.
    run(&h, date(2042, 3, 1)).await;
    assert!(mails_about(&h, "禁止申报期限已届满").is_empty());
    let ended = run(&h, date(2042, 3, 5)).await;
    assert_eq!(ended.debarments_ended.len(), 1);
    assert_eq!(
        mails_about(&h, "禁止申报期限已届满"),
        ["applicant-1@example.cn", OFFICE_MAILBOX]
    );
    let (_, public) = h
        .request_at(
            "GET",
            "/public/register",
            None,
            None,
            morning(date(2042, 3, 5)),
        )
        .await;
    assert_eq!(public["debarments"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_case_closes_without_revocation_and_art_18_reclaims_no_money() {
    let h = Harness::new();
    let apps = awarded(&h, 1, date(2026, 10, 20), date(2026, 10, 21)).await;
    let at = morning(date(2028, 5, 10));
    let (status, case) = open_case(
        &h,
        &apps[0],
        json!({"ground": "cause", "cause": 3, "occurred_on": "2028-04-02", "facts": "产品在省级监督抽查中不合格。"}),
        at,
    )
    .await;
    assert_eq!(status, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_owned();
    // The holder learns a case is open, on which ground, and that it may state its case.
    h.deliver_stream(at).await.unwrap();
    let holder_mails = |h: &Harness, subject: &str| -> Vec<String> {
        h.mails()
            .into_iter()
            .filter(|(to, about, _)| to == "applicant-1@example.cn" && about.contains(subject))
            .map(|(_, _, body)| body)
            .collect()
    };
    let opened = holder_mails(&h, "撤销调查已启动");
    assert_eq!(opened.len(), 1, "{:?}", h.mails());
    assert!(
        opened[0].contains("第十八条第三项") && opened[0].contains("陈述意见"),
        "{}",
        opened[0]
    );
    // The Committee declines without a reason: refused; with one, the case closes, the award stays.
    let path = format!("/revocation-cases/{case_id}/committee-decision");
    let no_reason =
        json!({"date": "2028-05-10", "minutes_reference": "评委会〔2028〕2号", "revoke": false});
    let (status, refused) = h
        .request_at(
            "POST",
            &path,
            Some(COMMITTEE),
            Some(&no_reason.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("reason_required"))
    );
    let mut with_reason = no_reason.clone();
    with_reason["reason"] = json!("抽查不合格批次已整改，未造成严重后果。");
    let (status, closed) = h
        .request_at(
            "POST",
            &path,
            Some(COMMITTEE),
            Some(&with_reason.to_string()),
            at,
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert_eq!(state(&h, &apps[0]).await, ApplicationState::Awarded);
    // The holder is told the Committee's decision and its reason.
    h.deliver_stream(at).await.unwrap();
    let decided = holder_mails(&h, "撤销案件审议结果");
    assert_eq!(decided.len(), 1, "{:?}", h.mails());
    assert!(
        decided[0].contains("不予撤销") && decided[0].contains("抽查不合格批次已整改"),
        "{}",
        decided[0]
    );

    // A case the Committee proposed that the city government does not approve is closed by the
    // Office, and the award is free for another case.
    let (_, case) = open_case(
        &h,
        &apps[0],
        json!({"ground": "cause", "cause": 2, "occurred_on": "2028-05-01", "facts": "受到行政处罚。"}),
        at,
    )
    .await;
    let declined = case["id"].as_str().unwrap().to_owned();
    let (status, _) = h
        .request_at(
            "POST",
            &format!("/revocation-cases/{declined}/committee-decision"),
            Some(COMMITTEE),
            Some(&json!({"date": "2028-05-10", "minutes_reference": "评委会〔2028〕2号", "revoke": true}).to_string()),
            at,
        )
        .await;
    assert_eq!(status, 200);
    let closed = office(
        &h,
        "POST",
        &format!("/revocation-cases/{declined}/close"),
        json!({"reason": "市政府未批准撤销。"}),
        at,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert!(load(&h, &apps[0]).await.record.open_case.is_none());

    // A second case for cause runs to revocation: a 5-year bar, and no money reclaimed.
    let (_, case) = open_case(
        &h,
        &apps[0],
        json!({"ground": "cause", "cause": 1, "occurred_on": "2028-06-01", "facts": "发生重大安全事故。"}),
        morning(date(2028, 6, 10)),
    )
    .await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    let at = morning(date(2028, 7, 1));
    let (status, _) = h
        .request_at(
            "POST",
            &format!("/revocation-cases/{case_id}/committee-decision"),
            Some(COMMITTEE),
            Some(&json!({"date": "2028-06-28", "minutes_reference": "评委会〔2028〕3号", "revoke": true}).to_string()),
            at,
        )
        .await;
    assert_eq!(status, 200);
    office(
        &h,
        "POST",
        &format!("/revocation-cases/{case_id}/approval"),
        json!({"date": "2028-07-01", "reference": "武政函〔2028〕21号"}),
        at,
    )
    .await;
    let bar = load(&h, &apps[0])
        .await
        .record
        .lifecycle
        .revocation
        .unwrap();
    assert_eq!(bar.last_day, date(2033, 7, 1));
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/revocation-cases/{case_id}/reward-returned"),
            Some(FINANCE),
            Some(
                &json!({"received_on": "2028-07-01", "receipt": "x", "amount_fen": 1}).to_string(),
            ),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("no_reward_to_reclaim"))
    );
    h.deliver_stream(at).await.unwrap();
    assert!(mails_about(&h, "请收回质量奖奖金").is_empty());
    // A return dated before the revocation is refused.
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/revocation-cases/{case_id}/returns"),
            Some(OFFICE),
            Some(&json!({"plaque_returned_on": "2028-06-30"}).to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_reclaim_date"))
    );
}

#[tokio::test]
async fn the_office_records_visits_the_holder_reads_them_and_the_next_one_moves() {
    let h = Harness::new();
    let apps = awarded(&h, 2, date(2026, 10, 20), date(2026, 10, 21)).await;
    let id = &apps[0];
    let at = morning(date(2027, 10, 25));
    let path = format!("/applications/{id}/visits");
    // A visit in the future, or naming a document that is no visit report, is refused.
    for (body, code) in [
        (
            json!({"date": "2027-10-26", "visitors": ["王五"], "findings": "良好"}),
            "future_date",
        ),
        (
            json!({"date": "2027-10-24", "visitors": ["王五"], "findings": "良好", "document_ids": [ulid::Ulid::new()]}),
            "invalid_visit_document",
        ),
        (
            json!({"date": "2027-10-24", "visitors": [], "findings": "良好"}),
            "invalid_field",
        ),
    ] {
        let (_, refused) = h
            .request_at("POST", &path, Some(OFFICE), Some(&body.to_string()), at)
            .await;
        assert_eq!(refused["code"], code, "{refused}");
    }
    // The run handles the first visit due (2027-10-20).
    assert_eq!(run(&h, date(2027, 10, 25)).await.visits_due.len(), 2);
    let visit = json!({"date": "2027-10-24", "visitors": ["王五", "赵六"], "findings": "质量管理体系运行有效，持续改进成效明显。"});
    let (status, recorded) = h
        .request_at("POST", &path, Some(OFFICE), Some(&visit.to_string()), at)
        .await;
    assert_eq!(status, 201, "{recorded}");
    // The same record sent again, even several times at once, is the same visit.
    let mut sends = tokio::task::JoinSet::new();
    let h = std::sync::Arc::new(h);
    for _ in 0..4 {
        let (h, path, body) = (h.clone(), path.clone(), visit.to_string());
        sends.spawn(async move {
            h.request_at("POST", &path, Some(OFFICE), Some(&body), at)
                .await
                .1
        });
    }
    while let Some(again) = sends.join_next().await {
        assert_eq!(again.unwrap()["id"], recorded["id"]);
    }
    // The holder sees its visits and the next one due; another organisation sees nothing.
    let (status, listed) = h
        .request_at("GET", &path, Some(applicant(1)), None, at)
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(
        listed["visits"][0]["findings"],
        "质量管理体系运行有效，持续改进成效明显。"
    );
    assert_eq!(listed["next_visit_due"], "2028-10-20");
    assert_eq!(
        h.request_at("GET", &path, Some(applicant(2)), None, at)
            .await
            .0,
        404
    );
    // The Office moves the next visit, not past the one after it; the run sends it on the new
    // day, not the old one.
    let (status, refused) = h
        .request_at(
            "PUT",
            &format!("/applications/{id}/next-visit"),
            Some(OFFICE),
            Some(r#"{"date": "2029-10-20"}"#),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_follow_up_date"))
    );
    let moved = office(
        &h,
        "PUT",
        &format!("/applications/{id}/next-visit"),
        json!({"date": "2028-11-15"}),
        at,
    )
    .await;
    assert_eq!(moved["next_visit_due"], "2028-11-15");
    let old_day = run(&h, date(2028, 10, 21)).await;
    assert_eq!(
        old_day.visits_due.len(),
        1,
        "only the other winner's: {old_day:?}"
    );
    let new_day = run(&h, date(2028, 11, 15)).await;
    assert_eq!(new_day.visits_due, [ulid::Ulid::from_string(id).unwrap()]);
}

#[tokio::test]
async fn the_office_sets_the_aftercare_policy_the_next_awards_follow() {
    let h = Harness::new();
    let at = morning(date(2026, 10, 1));
    let (status, refused) = h
        .request_at(
            "PUT",
            "/aftercare/policy",
            Some(OFFICE),
            Some(r#"{"reminder_days_before_expiry": [], "visit_interval_months": 12}"#),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_aftercare_policy"))
    );
    office(
        &h,
        "PUT",
        "/aftercare/policy",
        json!({"reminder_days_before_expiry": [60], "visit_interval_months": 24}),
        at,
    )
    .await;
    let (status, policy) = h
        .request_at("GET", "/aftercare/policy", Some(COMMITTEE), None, at)
        .await;
    assert_eq!(status, 200);
    assert_eq!(policy["visit_interval_months"], 24);
    let apps = awarded(&h, 1, date(2026, 10, 20), date(2026, 10, 21)).await;
    run(&h, date(2026, 10, 21)).await;
    let last_valid_day = date(2031, 10, 20);
    let caught_up = run(&h, last_valid_day).await;
    // 24-month visits: 2028-10-20 and 2030-10-20; one reminder, 60 days before.
    assert_eq!(caught_up.visits_due.len(), 2, "{caught_up:?}");
    assert_eq!(caught_up.reminded.len(), 1);
    assert_eq!(apps.len(), 1);
}

/// A table whose `fail_at`-th query (counting from one) fails as DynamoDB's lost answers do;
/// every other call reaches the embedded table.
fn failing_query(h: &Harness, fail_at: u32) -> Hooked {
    let queries = std::sync::atomic::AtomicU32::new(0);
    Hooked::over(h.table.clone()).on_query(move |_| {
        let count = queries.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        (count == fail_at).then(|| {
            Err(award_ports::TableError::Unavailable(
                "no answer from DynamoDB".into(),
            ))
        })
    })
}

async fn watermark(h: &Harness) -> NaiveDate {
    award_app::store::load::<award_app::model::AftercareWatermark>(
        h.app.table.as_ref(),
        &award_app::keys::aftercare_watermark(),
    )
    .await
    .unwrap()
    .unwrap()
    .record
    .last_completed_day
}

#[tokio::test]
async fn a_long_catch_up_that_fails_part_way_resumes_from_its_last_checkpoint() {
    let mut h = Harness::new();
    let approved_on = date(2026, 10, 20);
    awarded(&h, 1, approved_on, date(2026, 10, 21)).await;
    let validity = Validity::from_approval(approved_on).unwrap();
    let first_visit = visit_dates(&validity, &AftercarePolicy::default())[0];
    let start = date(2026, 10, 21);
    run(&h, start).await;
    assert_eq!(watermark(&h).await, start);

    // The runs stop until well past the first visit; the catch-up then loses one answer, on the
    // day after its second checkpoint. (One query a day: the items due that day.)
    let checkpoints = aftercare::CHECKPOINT_DAYS;
    let late = first_visit + chrono::Days::new(40);
    // The watermark is a get, today's query made with it; then each day one query.
    let failing = failing_query(&h, 1 + 2 * checkpoints + 1);
    let original = std::mem::replace(&mut h.app.table, std::sync::Arc::new(failing));
    let failed = aftercare::run_daily(&h.app, morning(late)).await;
    assert!(failed.is_err(), "{failed:?}");
    h.app.table = original;
    let checkpoint = start + chrono::Days::new(2 * u64::from(checkpoints));
    assert_eq!(watermark(&h).await, checkpoint);

    // The next run reads only the days after the checkpoint, and the visit is told once.
    let resumed = run(&h, late).await;
    assert_eq!(
        resumed.days.first(),
        Some(&(checkpoint + chrono::Days::new(1)))
    );
    assert_eq!(resumed.days.last(), Some(&late));
    assert_eq!(resumed.visits_due.len(), 1, "{resumed:?}");
    assert_eq!(watermark(&h).await, late);
    assert_eq!(mails_about(&h, "巡访到期").len(), 1);
}
