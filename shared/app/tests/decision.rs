//! Decision, publicity and award (Arts. 3, 4, 7(3), 11(8)–(9), 12–14) over the embedded
//! adapters, through the same entry points as the Lambda functions. The applications start as the
//! review leaves them (candidates): created through the API, then moved to the review's outcome
//! in the table, as `reviews.rs` proves the way there.

mod common;

use award_app::stages::decision;
use award_domain::lifecycle::{ApplicationState, NoticeKind, Publicity, Recipient};
use award_ports::Table;
use chrono::{DateTime, NaiveDate, Utc};
use common::hooked::Hooked;
use common::*;
use serde_json::{Value, json};

async fn objection(
    h: &Harness,
    application: &str,
    contact: &str,
    at: DateTime<Utc>,
) -> (u16, Value) {
    let body = json!({
        "application_id": application,
        "objector_name": "张三",
        "contact": contact,
        "content": "该企业去年发生过产品质量投诉，请核实。",
    });
    h.request_at(
        "POST",
        "/public/publicity/2026/objections",
        None,
        Some(&body.to_string()),
        at,
    )
    .await
}

/// The Committee's minutes of cycle 2026, uploaded and received: their attachment id.
async fn received_minutes(h: &Harness, at: DateTime<Utc>) -> String {
    let minutes = b"%PDF-1.4 minutes of the Committee";
    let (status, declared) = h
        .request_at(
            "POST",
            "/cycles/2026/minutes",
            Some(COMMITTEE),
            Some(&attachment_body(minutes).to_string()),
            at,
        )
        .await;
    assert_eq!(status, 201, "{declared}");
    let key = h.upload(&declared["upload"], minutes);
    award_app::events::object_created(&h.app, s3_event(&key, minutes.len()), at)
        .await
        .unwrap();
    declared["attachment"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn from_three_candidates_to_three_awards_through_publicity_over_national_day() {
    let h = Harness::new();
    let apps = applications_in(&h, 3, ApplicationState::Candidate).await;
    let september = china_time(2026, 9, 20, 10, 0);
    let minutes = received_minutes(&h, september).await;

    // The Committee's deliberation: the list must be exactly the candidates.
    let decisions: Vec<Value> = apps
        .iter()
        .map(|id| json!({"application_id": id, "include": true, "votes_for": 9, "votes_against": 0, "abstentions": 1}))
        .collect();
    let partial = json!({"meeting_date": "2026-09-18", "minutes_reference": "评委会〔2026〕3号", "minutes_attachment_id": minutes, "decisions": decisions[..2]});
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/deliberation",
            Some(COMMITTEE),
            Some(&partial.to_string()),
            september,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("deliberation_list_mismatch"))
    );
    assert_eq!(refused["details"]["missing"], json!([apps[2]]), "{refused}");
    assert_eq!(refused["details"]["not_candidates"], json!([]), "{refused}");
    // Publicity before the consultation is refused.
    let before = h.last_sequence();
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/publicity",
            Some(OFFICE),
            Some(r#"{"first_day": "2026-09-30"}"#),
            september,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("consultation_missing"))
    );
    assert_eq!(h.last_sequence(), before);
    // An inclusion the vote does not carry is refused.
    let mut lost = decisions.clone();
    lost[0]["votes_for"] = json!(3);
    lost[0]["votes_against"] = json!(6);
    let body = json!({"meeting_date": "2026-09-18", "minutes_reference": "评委会〔2026〕3号", "minutes_attachment_id": minutes, "decisions": lost});
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/deliberation",
            Some(COMMITTEE),
            Some(&body.to_string()),
            september,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_decision"))
    );
    let body = json!({"meeting_date": "2026-09-18", "minutes_reference": "评委会〔2026〕3号", "minutes_attachment_id": minutes, "decisions": decisions});
    let (status, recorded) = h
        .request_at(
            "POST",
            "/cycles/2026/deliberation",
            Some(COMMITTEE),
            Some(&body.to_string()),
            september,
        )
        .await;
    assert_eq!(status, 200, "{recorded}");
    for id in &apps {
        assert_eq!(
            load(&h, id).await.record.state(),
            ApplicationState::Proposed
        );
    }
    office(
        &h,
        "POST",
        "/cycles/2026/consultation",
        json!({"date": "2026-09-19", "opinions": "各副市长均无不同意见。"}),
        september,
    )
    .await;

    // The notice prints how to reach the Office, as the Office set it.
    let (status, contact) = h
        .request(
            "PUT",
            "/settings/office-contact",
            Some(OFFICE),
            Some(
                &json!({
                    "phone": "0935-2212345",
                    "postal_address": "甘肃省武威市凉州区东大街1号 733000",
                    "mailbox": "zlj@wuwei.example.cn",
                })
                .to_string(),
            ),
        )
        .await;
    assert_eq!(status, 200, "{contact}");
    // Publicity from 30 September: 5 working days across National Day end on 12 October.
    let publicity = office(
        &h,
        "POST",
        "/cycles/2026/publicity",
        json!({"first_day": "2026-09-30", "document_number": "武质奖办〔2026〕3号"}),
        september,
    )
    .await;
    assert_eq!(publicity["last_day"], "2026-10-12", "{publicity}");
    // Started again (a retried request): the same publicity, and still one notice.
    let again = office(
        &h,
        "POST",
        "/cycles/2026/publicity",
        json!({"first_day": "2026-09-30", "document_number": "武质奖办〔2026〕3号"}),
        september,
    )
    .await;
    assert_eq!(again, publicity);
    // The board carries ONE notice for the whole list (Art. 11(8)): every name with its place
    // and credit code, the period, where to object, the 文号 and the 落款 with its date.
    let lists = on_the_board(&h, "publicity_announcement", september).await;
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert!(lists[0]["application_id"].is_null(), "{lists:?}");
    let body = lists[0]["body"].as_str().unwrap();
    assert!(body.starts_with("武质奖办〔2026〕3号"), "{body}");
    assert!(body.contains("共3家"), "{body}");
    for id in &apps {
        let application = load(&h, id).await.record;
        assert!(body.contains(application.organisation_name()), "{body}");
        assert!(body.contains(&application.uscc), "{body}");
    }
    assert!(body.contains("所在地：甘肃省武威市"), "{body}");
    assert!(body.contains("2026年9月30日至2026年10月12日"), "{body}");
    assert!(body.contains("联系电话：0935-2212345"), "{body}");
    assert!(
        body.contains("通信地址：甘肃省武威市凉州区东大街1号 733000"),
        "{body}"
    );
    assert!(
        body.ends_with("武威市人民政府质量奖评审委员会办公室\n2026年9月20日"),
        "{body}"
    );
    let (status, public) = h
        .request_at("GET", "/public/publicity/2026", None, None, september)
        .await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["entries"].as_array().unwrap().len(), 3);
    assert_eq!(
        (
            public["office_phone"].as_str(),
            public["office_postal_address"].as_str(),
            public["office_contact"].as_str()
        ),
        (
            Some("0935-2212345"),
            Some("甘肃省武威市凉州区东大街1号 733000"),
            Some("zlj@wuwei.example.cn")
        ),
        "{public}"
    );
    // The public reads where each is registered, by name (GB/T 2260), not by code.
    for entry in public["entries"].as_array().unwrap() {
        let code = entry["division_code"].as_str().unwrap();
        assert_eq!(
            entry["division_name"].as_str(),
            award_domain::codes::division_full_name(code).as_deref(),
            "{entry}"
        );
        assert!(
            entry["division_name"]
                .as_str()
                .unwrap()
                .starts_with("甘肃省武威市"),
            "{entry}"
        );
    }
    let text = public.to_string();
    assert!(
        !text.contains("applicant-1") && !text.contains("reviews") && !text.contains("total"),
        "{text}"
    );

    // Before the first day (China time), an objection is early, not late; a name the list does
    // not hold, or an editable file, is refused for what it is; nothing is written.
    let before = h.last_sequence();
    let (status, early) =
        objection(&h, &apps[0], "13800000000", china_time(2026, 9, 29, 23, 59)).await;
    assert_eq!(
        (status, early["code"].as_str()),
        (409, Some("objection_period_not_started")),
        "{early}"
    );
    assert!(
        early["message_zh"]
            .as_str()
            .unwrap()
            .contains("2026年9月30日")
    );
    let (status, stranger) = objection(
        &h,
        &ulid::Ulid::new().to_string(),
        "13800000000",
        china_time(2026, 10, 8, 9, 0),
    )
    .await;
    assert_eq!(
        (status, stranger["code"].as_str()),
        (404, Some("not_on_publicity_list"))
    );
    let with_docx = json!({
        "application_id": apps[0], "objector_name": "张三", "contact": "13800000000",
        "content": "见附件。",
        "attachment": {"file_name": "说明.docx",
            "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "size": 100, "sha256": "0".repeat(64)},
    });
    let (status, refused) = h
        .request_at(
            "POST",
            "/public/publicity/2026/objections",
            None,
            Some(&with_docx.to_string()),
            china_time(2026, 10, 8, 9, 0),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (415, Some("unsupported_document_type"))
    );
    let said = format!("{} {}", refused["message"], refused["message_zh"]);
    assert!(
        said.contains("PDF / JPEG / PNG") && !said.contains("DOCX"),
        "{said}"
    );
    assert_eq!(h.last_sequence(), before, "nothing written on refusal");

    // An objection during the period gets a receipt; one minute after the end it is refused.
    let (status, receipt) = objection(
        &h,
        &apps[0],
        "zhangsan@example.cn",
        china_time(2026, 10, 12, 23, 59),
    )
    .await;
    assert_eq!(status, 201, "{receipt}");
    let (status, refused) =
        objection(&h, &apps[0], "13800000000", china_time(2026, 10, 13, 0, 1)).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("objection_period_over"))
    );

    // The daily run after the last day: two names close, the third waits for its objection.
    // The objector gets its receipt; the Office is asked to investigate, in its own words.
    h.deliver_stream(china_time(2026, 10, 12, 23, 59))
        .await
        .unwrap();
    let receipt_id = receipt["receipt"].as_str().unwrap();
    let mails = h.mails();
    assert!(
        mails
            .iter()
            .any(|(to, subject, _)| to == "zhangsan@example.cn"
                && subject.contains("收到公示异议")
                && subject.contains(receipt_id))
    );
    assert!(
        mails.iter().any(|(to, subject, body)| to == OFFICE_MAILBOX
            && subject.contains("公示异议待调查")
            && body.contains("调查核实")),
        "{mails:?}"
    );
    let run = decision::run_daily(&h.app, china_time(2026, 10, 13, 0, 45))
        .await
        .unwrap();
    assert_eq!(run.closed.len(), 2, "{run:?}");
    assert_eq!(run.waiting.len(), 1);
    let after = h.last_sequence();
    let again = decision::run_daily(&h.app, china_time(2026, 10, 13, 9, 0))
        .await
        .unwrap();
    assert_eq!(again, decision::PublicityRun::default());
    assert_eq!(
        h.last_sequence(),
        after,
        "a second run the same day writes nothing"
    );
    // The next day the Office is reminded again.
    let next = decision::run_daily(&h.app, china_time(2026, 10, 14, 0, 45))
        .await
        .unwrap();
    assert_eq!(next.waiting.len(), 1);

    // The executive meeting, then approval: refused while the objection is open.
    let day = china_time(2026, 10, 20, 10, 0);
    // A meeting dated inside the publicity is refused.
    let early = json!({"date": "2026-10-09", "session": "市政府第34次常务会议", "minutes_reference": "武政常〔2026〕34号"});
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/executive-meeting",
            Some(OFFICE),
            Some(&early.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_decision"))
    );
    office(&h, "POST", "/cycles/2026/executive-meeting", json!({"date": "2026-10-20", "session": "市政府第35次常务会议", "minutes_reference": "武政常〔2026〕35号"}), day).await;
    let approval = json!({"approved_on": "2026-10-20"}).to_string();
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{}/approve", apps[0]),
            Some(OFFICE),
            Some(&approval),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("objection_open"))
    );
    let (_, listed) = h
        .request_at("GET", "/cycles/2026/objections", Some(OFFICE), None, day)
        .await;
    let objection_id = listed["objections"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed["objections"][0]["objector_name"], "张三");
    office(
        &h,
        "POST",
        &format!("/objections/{objection_id}/decision"),
        json!({"upheld": false, "reply": "经核实，所反映问题已于2025年整改完毕。"}),
        day,
    )
    .await;
    // The last finding after the period closes the publicity at once: the daily run has passed.
    assert_eq!(
        load(&h, &apps[0]).await.record.publicity_closed_on,
        Some(date(2026, 10, 20))
    );
    h.deliver_stream(day).await.unwrap();
    let closed_mails = h
        .mails()
        .iter()
        .filter(|(to, subject, _)| to == OFFICE_MAILBOX && subject.contains("公示期满，可提请审定"))
        .count();
    assert_eq!(closed_mails, 3, "two closed by the run, one by the finding");
    for id in &apps {
        let approved = office(
            &h,
            "POST",
            &format!("/applications/{id}/approve"),
            json!({"approved_on": "2026-10-20"}),
            day,
        )
        .await;
        assert_eq!(approved["lifecycle"]["state"], "approved");
        assert_eq!(
            approved["lifecycle"]["validity"]["last_valid_day"],
            "2031-10-20"
        );
    }
    // The award: certificate numbers in the Office's format, the register, the board.
    let (status, none_yet) = h
        .request_at("GET", "/public/awards/2026", None, None, day)
        .await;
    assert_eq!(
        (status, none_yet["code"].as_str()),
        (404, Some("not_announced"))
    );
    let mut numbers = Vec::new();
    for (index, id) in apps.iter().enumerate() {
        if index == 1 {
            // Art. 11(9): one announcement names every winner, so it waits for the last award.
            let (status, early) = h
                .request_at(
                    "POST",
                    "/cycles/2026/announcement",
                    Some(OFFICE),
                    Some("{}"),
                    day,
                )
                .await;
            assert_eq!(
                (status, early["code"].as_str()),
                (409, Some("awards_pending")),
                "{early}"
            );
            assert!(
                early["message_zh"].as_str().unwrap().contains("2 家"),
                "{early}"
            );
        }
        let awarded = office(
            &h,
            "POST",
            &format!("/applications/{id}/award"),
            json!({}),
            day,
        )
        .await;
        assert_eq!(awarded["lifecycle"]["state"], "awarded");
        assert_eq!(awarded["lifecycle"]["award"]["reward"], 15_000_000);
        numbers.push(
            awarded["lifecycle"]["award"]["certificate_number"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        numbers,
        [
            "武质奖〔2026〕第1号",
            "武质奖〔2026〕第2号",
            "武质奖〔2026〕第3号"
        ]
    );
    let (_, register) = h
        .request_at("GET", "/register", Some(OFFICE), None, day)
        .await;
    assert_eq!(
        register["entries"].as_array().map(Vec::len),
        Some(3),
        "{register}"
    );
    // No name has an announcement of its own: the board waits for the Office's one notice.
    let (_, board) = h
        .request_at("GET", "/public/notices", None, None, day)
        .await;
    assert!(
        !board["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["kind"] == "award_announcement"),
        "{board}"
    );
    let issued = office(
        &h,
        "POST",
        "/cycles/2026/announcement",
        json!({"document_number": "武质奖办〔2026〕5号"}),
        day,
    )
    .await;
    assert_eq!(issued["winners"], 3, "{issued}");
    // Issued once: the same request answers the same announcement; another number is refused.
    let repeated = office(
        &h,
        "POST",
        "/cycles/2026/announcement",
        json!({"document_number": "武质奖办〔2026〕5号"}),
        day,
    )
    .await;
    assert_eq!(repeated, issued);
    let (status, other) = h
        .request_at(
            "POST",
            "/cycles/2026/announcement",
            Some(OFFICE),
            Some(&json!({"document_number": "武质奖办〔2026〕6号"}).to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, other["code"].as_str()),
        (409, Some("announcement_issued"))
    );
    let announcements = on_the_board(&h, "award_announcement", day).await;
    assert_eq!(announcements.len(), 1, "{announcements:?}");
    let body = announcements[0]["body"].as_str().unwrap();
    assert!(body.starts_with("武质奖办〔2026〕5号"), "{body}");
    for number in &numbers {
        assert!(body.contains(&format!("证书编号：{number}")), "{body}");
    }
    assert!(
        body.find("第1号").unwrap() < body.find("第2号").unwrap()
            && body.find("第2号").unwrap() < body.find("第3号").unwrap(),
        "{body}"
    );
    // The cycle's winners in one list, with the decision: what the announcements published,
    // read from the cycle's public rows in ONE Query (issue 23).
    let (counting, calls) = Hooked::counting(h.table.clone());
    decision::public_awards(&h.app.with_table(std::sync::Arc::new(counting)), "2026")
        .await
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), [0, 1, 0]);
    let (status, winners) = h
        .request_at("GET", "/public/awards/2026", None, None, day)
        .await;
    assert_eq!(status, 200, "{winners}");
    assert_eq!(
        winners["decision_reference"],
        "市政府第35次常务会议（武政常〔2026〕35号）"
    );
    let listed: Vec<&str> = winners["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|winner| winner["certificate_number"].as_str().unwrap())
        .collect();
    assert_eq!(listed, numbers);
    assert_eq!(winners["winners"][0]["last_valid_day"], "2031-10-20");
    assert_eq!(winners["winners"][0]["status"], "awarded");
    assert_eq!(winners["document_number"], "武质奖办〔2026〕5号");
    assert_eq!(winners["announced_on"], "2026-10-20");
    assert!(
        winners["winners"][0]["division_name"]
            .as_str()
            .is_some_and(|name| name.starts_with("甘肃省武威市")),
        "{winners}"
    );
    let published = winners.to_string();
    for private in ["score", "contact", "email", "evidence", "reward"] {
        assert!(!published.contains(private), "{private} in {published}");
    }
    h.deliver_stream(day).await.unwrap();
    let mails = h.mails();
    assert!(
        mails
            .iter()
            .any(|(to, subject, _)| to == FINANCE_MAILBOX && subject.contains("请拨付质量奖奖金"))
    );
    assert!(
        mails
            .iter()
            .any(|(to, subject, body)| to == "applicant-1@example.cn"
                && subject.contains("荣获")
                && body.contains("第十四条"))
    );
    assert!(mails.iter().any(|(to, subject, _)| to == "zhangsan@example.cn" && subject.contains("异议处理结果")));

    // The announcement names the decision; the finance bureau finds what it has to pay.
    let announcement = announcements[0].to_string();
    assert!(
        announcement.contains("市政府第35次常务会议（武政常〔2026〕35号）"),
        "{announcement}"
    );
    let (status, owed) = h
        .request_at("GET", "/rewards", Some(FINANCE), None, day)
        .await;
    assert_eq!(status, 200, "{owed}");
    let owed = owed["rewards"].as_array().unwrap().clone();
    assert_eq!(owed.len(), 3);
    assert!(
        owed.iter()
            .all(|line| line["reward_fen"] == 15_000_000 && line["paid_on"].is_null())
    );
    assert_eq!(
        h.request_at("GET", "/rewards", Some(applicant(1)), None, day)
            .await
            .0,
        403
    );
    // The finance bureau pays, once; the Office hands over the plaque.
    let payment = json!({"paid_on": "2026-11-02", "voucher": "财付〔2026〕118号"}).to_string();
    let later = china_time(2026, 11, 3, 10, 0);
    let path = format!("/applications/{}/reward/payment", apps[0]);
    let (status, paid) = h
        .request_at("POST", &path, Some(FINANCE), Some(&payment), later)
        .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["voucher"], "财付〔2026〕118号");
    let (status, refused) = h
        .request_at("POST", &path, Some(FINANCE), Some(&payment), later)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("reward_already_paid"))
    );
    let (status, _) = h
        .request_at("POST", &path, Some(OFFICE), Some(&payment), later)
        .await;
    assert_eq!(status, 403, "only the finance bureau records the payment");
    office(
        &h,
        "POST",
        &format!("/applications/{}/handover", apps[0]),
        json!({"date": "2026-11-03"}),
        later,
    )
    .await;
    // Recorded once; nothing before the approval; the meeting's record is final once it approved.
    let handover = format!("/applications/{}/handover", apps[0]);
    let (status, refused) = h
        .request_at(
            "POST",
            &handover,
            Some(OFFICE),
            Some(r#"{"date": "2026-11-02"}"#),
            later,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("handover_recorded"))
    );
    let early_payment =
        json!({"paid_on": "2026-10-01", "voucher": "财付〔2026〕119号"}).to_string();
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{}/reward/payment", apps[1]),
            Some(FINANCE),
            Some(&early_payment),
            later,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_decision"))
    );
    let rewrite =
        json!({"date": "2026-10-21", "session": "改写", "minutes_reference": "武政常〔2026〕99号"});
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/executive-meeting",
            Some(OFFICE),
            Some(&rewrite.to_string()),
            later,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("decision_final"))
    );
}

/// `count` proposed applications, put into publicity from the China date of `at` on (the
/// deliberation and the consultation recorded before).
async fn in_publicity_from(h: &Harness, count: u32, at: DateTime<Utc>) -> Vec<String> {
    let apps = applications_in(h, count, ApplicationState::Proposed).await;
    set_cycle(h, |record| {
        record.decision.deliberation = Some(award_app::model::Deliberation {
            meeting_date: date(2026, 9, 18),
            minutes_reference: "评委会〔2026〕3号".into(),
            minutes_attachment_id: ulid::Ulid::new(),
            decisions: Vec::new(),
            recorded_by: "committee-1".into(),
            recorded_at: china_time(2026, 9, 18, 10, 0),
        });
        record.decision.consultation = Some(award_app::model::Consultation {
            date: date(2026, 9, 22),
            opinions: "无不同意见".into(),
            note: String::new(),
            recorded_by: "office-1".into(),
            recorded_at: china_time(2026, 9, 22, 10, 0),
        });
    })
    .await;
    let first_day = award_domain::china_date(at).to_string();
    office(
        h,
        "POST",
        "/cycles/2026/publicity",
        json!({ "first_day": first_day }),
        at,
    )
    .await;
    apps
}

/// Issue 23: the public list is the cycle and its public rows (one `Query`) and the Office's
/// contact (one `GetItem`), whatever the number of applications in the cycle.
#[tokio::test]
async fn the_public_list_costs_one_query_and_one_get_however_many_applications_the_cycle_has() {
    let h = Harness::new();
    let at = china_time(2026, 9, 28, 10, 0);
    let names = in_publicity_from(&h, 3, at).await;
    let (counting, calls) = Hooked::counting(h.table.clone());
    let app = h.app.with_table(std::sync::Arc::new(counting));
    let before = decision::public_publicity(&app, "2026").await.unwrap();
    assert_eq!(before.entries.len(), names.len());
    assert_eq!(*calls.lock().unwrap(), [1, 1, 0]);
    for i in 4..=43 {
        let id = h.create_application(applicant(i), i).await;
        set_state(&h, &id, ApplicationState::Submitted, None).await;
    }
    *calls.lock().unwrap() = [0; 3];
    let after = decision::public_publicity(&app, "2026").await.unwrap();
    assert_eq!(*calls.lock().unwrap(), [1, 1, 0]);
    let listed = |list: &decision::PublicPublicity| -> Vec<String> {
        list.entries
            .iter()
            .map(|entry| entry.application_id.to_string())
            .collect()
    };
    assert_eq!(listed(&after), listed(&before));
    let mut expected = names.clone();
    expected.sort();
    let mut got = listed(&after);
    got.sort();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn one_address_may_object_for_a_town_and_the_office_is_told_when_it_reaches_the_limit() {
    use award_app::stages::decision::{
        OBJECTIONS_PER_ADDRESS_PER_DAY, OBJECTIONS_PER_CONTACT_PER_DAY,
    };
    let h = Harness::new();
    let apps = in_publicity_from(&h, 1, china_time(2026, 9, 28, 10, 0)).await;
    let at = china_time(2026, 9, 29, 10, 0);
    // Many people behind one carrier address (every request of the harness comes from
    // 203.0.113.7), each within its own contact's bound.
    let per_contact = OBJECTIONS_PER_CONTACT_PER_DAY;
    let people = OBJECTIONS_PER_ADDRESS_PER_DAY.div_ceil(per_contact);
    let mut lodged = 0;
    'people: for person in 0..people {
        for _ in 0..per_contact {
            if lodged == OBJECTIONS_PER_ADDRESS_PER_DAY {
                break 'people;
            }
            let contact = format!("139{person:08}");
            let (status, receipt) = objection(&h, &apps[0], &contact, at).await;
            assert_eq!(status, 201, "objection {lodged}: {receipt}");
            lodged += 1;
        }
    }
    // One carrier address is not a person: a town's worth of objections gets through (200 from one
    // address above, where one person is held to 3).
    assert!(lodged >= 100, "one carrier address must not silence a town");
    let told: Vec<_> = h
        .notices()
        .into_iter()
        .filter(|notice| notice.kind == NoticeKind::ObjectionLimitReached)
        .collect();
    assert_eq!(
        told.len(),
        1,
        "the Office is told once, when the limit is reached"
    );
    assert_eq!(told[0].audience, Recipient::Office);
    assert_eq!(told[0].data["source_ip"], "203.0.113.7");
    // Past the limit: refused, nothing written.
    let before = h.last_sequence();
    let (status, refused) = objection(&h, &apps[0], "13700000000", at).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (429, Some("too_many_objections"))
    );
    assert_eq!(h.last_sequence(), before);

    // Every day counter carries the table's TTL, the end of the next China day, and the
    // embedded table removes it then (DynamoDB does so by the template's TTL setting).
    let counters: Vec<_> = h
        .changes_after(0)
        .into_iter()
        .filter_map(|change| change.new_image)
        .filter(|image| award_app::store::type_of(image) == Some("rate_counter"))
        .collect();
    assert!(!counters.is_empty());
    let expires = china_time(2026, 10, 1, 0, 0).timestamp();
    for counter in &counters {
        assert_eq!(
            counter.get(award_ports::table::TTL),
            Some(&award_ports::table::AttributeValue::N(expires.to_string())),
            "{counter:?}"
        );
    }
    assert_eq!(h.table.remove_expired(expires).await.unwrap(), 0);
    let removed = h.table.remove_expired(expires + 1).await.unwrap();
    // One counter per contact and one for the address.
    assert_eq!(removed, usize::try_from(people).unwrap() + 1);
    assert_eq!(h.table.remove_expired(expires + 1).await.unwrap(), 0);
    // A new day starts from zero: the address may object again.
    let next_day = china_time(2026, 9, 30, 10, 0);
    assert_eq!(
        objection(&h, &apps[0], "13700000000", next_day).await.0,
        201
    );
}

#[tokio::test]
async fn an_upheld_objection_removes_the_name_from_the_list() {
    let h = Harness::new();
    // The same set-up as the publicity's: two proposed names in publicity from 28 September.
    let at = china_time(2026, 9, 28, 10, 0);
    let apps = in_publicity_from(&h, 2, at).await;
    let (status, receipt) = objection(&h, &apps[1], "13800000000", at).await;
    assert_eq!(status, 201, "{receipt}");
    // The bound: three a day from one contact.
    for _ in 0..2 {
        assert_eq!(objection(&h, &apps[1], "13800000000", at).await.0, 201);
    }
    let before = h.last_sequence();
    let (status, refused) = objection(&h, &apps[1], "13800000000", at).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (429, Some("too_many_objections"))
    );
    assert_eq!(h.last_sequence(), before);

    let id = receipt["receipt"].as_str().unwrap();
    office(
        &h,
        "POST",
        &format!("/objections/{id}/decision"),
        json!({"upheld": true, "reply": "经核实，该单位存在申报材料不实的情形。"}),
        at,
    )
    .await;
    let rejected = load(&h, &apps[1]).await.record;
    assert_eq!(rejected.state(), ApplicationState::Rejected);
    let (_, public) = h
        .request_at("GET", "/public/publicity/2026", None, None, at)
        .await;
    let names: Vec<&str> = public["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["application_id"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec![apps[0].as_str()]);
    // The published list stays as it was published; a follow-up notice names the change.
    assert_eq!(
        on_the_board(&h, "publicity_announcement", at).await.len(),
        1
    );
    let amended = on_the_board(&h, "publicity_amended", at).await;
    assert_eq!(amended.len(), 1, "{amended:?}");
    let body = amended[0]["body"].as_str().unwrap();
    assert!(body.contains(rejected.organisation_name()), "{body}");
    assert!(body.contains("不再列入拟获奖名单"), "{body}");
    assert!(body.contains("2026年9月28日起公示"), "{body}");
    assert!(body.ends_with("2026年9月28日"), "{body}");
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/objections/{id}/decision"),
            Some(OFFICE),
            Some(r#"{"upheld": false, "reply": "再议"}"#),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("objection_decided"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_concurrent_approvals_for_four_names_never_exceed_the_quota() {
    let h = std::sync::Arc::new(Harness::new());
    let apps = applications_in(&h, 4, ApplicationState::Candidate).await;
    for id in &apps {
        set_state(
            &h,
            id,
            ApplicationState::InPublicity,
            Some(Publicity {
                first_day: date(2026, 9, 28),
                last_day: date(2026, 10, 12),
            }),
        )
        .await;
    }
    set_cycle(&h, |record| {
        record.decision.executive_meeting = Some(award_app::model::ExecutiveMeeting {
            date: date(2026, 10, 20),
            session: "市政府第35次常务会议".into(),
            minutes_reference: "武政常〔2026〕35号".into(),
            recorded_by: "office-1".into(),
            recorded_at: china_time(2026, 10, 20, 9, 0),
        });
    })
    .await;
    let day = china_time(2026, 10, 20, 10, 0);
    // Not before the publicity is closed (the daily run, or the last finding on an objection).
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{}/approve", apps[0]),
            Some(OFFICE),
            Some(r#"{"approved_on": "2026-10-20"}"#),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("publicity_not_closed"))
    );
    for id in &apps {
        let stored = load(&h, id).await;
        let mut application = stored.record;
        application.publicity_closed_on = Some(date(2026, 10, 13));
        h.table
            .transact(vec![
                award_app::store::replace(&application, stored.version).unwrap(),
            ])
            .await
            .unwrap();
    }
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..6 {
        let h = h.clone();
        let id = apps[index % 4].clone();
        tasks.spawn(async move {
            let (status, reply) = h
                .request_at(
                    "POST",
                    &format!("/applications/{id}/approve"),
                    Some(OFFICE),
                    Some(r#"{"approved_on": "2026-10-20"}"#),
                    day,
                )
                .await;
            (
                status,
                reply["code"].as_str().unwrap_or_default().to_owned(),
            )
        });
    }
    let outcomes = tasks.join_all().await;
    let approved = outcomes.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(approved, 3, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .filter(|(status, _)| *status != 200)
            .all(|(status, code)| *status == 409
                && ["quota_reached", "illegal_transition", "concurrent_update"]
                    .contains(&code.as_str())),
        "{outcomes:?}"
    );
    let mut states = Vec::new();
    for id in &apps {
        states.push(load(&h, id).await.record.state());
    }
    assert_eq!(
        states
            .iter()
            .filter(|s| **s == ApplicationState::Approved)
            .count(),
        3,
        "{states:?}"
    );

    // Awards and the one announcement raced (Art. 11(9)): the announcement is issued only once
    // every approved name is awarded, and no award lands after it, so it names every winner.
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..8 {
        let h = h.clone();
        let (method_path, body) = if index % 2 == 0 {
            (
                format!("/applications/{}/award", apps[(index / 2) % 4]),
                "{}".to_owned(),
            )
        } else {
            ("/cycles/2026/announcement".to_owned(), "{}".to_owned())
        };
        tasks.spawn(async move {
            let (status, reply) = h
                .request_at("POST", &method_path, Some(OFFICE), Some(&body), day)
                .await;
            (
                method_path,
                status,
                reply["code"].as_str().unwrap_or_default().to_owned(),
            )
        });
    }
    let outcomes = tasks.join_all().await;
    assert!(
        outcomes.iter().all(|(_, status, code)| *status == 200
            || (*status == 409
                && [
                    "awards_pending",
                    "nothing_to_announce",
                    "illegal_transition",
                    "concurrent_update",
                    "announcement_issued",
                    // Two awards drew the same next number: the guard keeps it unique.
                    "certificate_number_taken"
                ]
                .contains(&code.as_str()))),
        "{outcomes:?}"
    );
    // Whatever the order, award what is left and announce: the one notice names all three.
    for id in &apps {
        h.request_at(
            "POST",
            &format!("/applications/{id}/award"),
            Some(OFFICE),
            Some("{}"),
            day,
        )
        .await;
    }
    let (status, issued) = h
        .request_at(
            "POST",
            "/cycles/2026/announcement",
            Some(OFFICE),
            Some("{}"),
            day,
        )
        .await;
    assert_eq!(status, 200, "{issued}");
    let announcements = on_the_board(&h, "award_announcement", day).await;
    assert_eq!(announcements.len(), 1, "{announcements:?}");
    let body = announcements[0]["body"].as_str().unwrap();
    let mut awarded = 0;
    for id in &apps {
        let application = load(&h, id).await.record;
        if application.state() == ApplicationState::Awarded {
            awarded += 1;
            assert!(body.contains(application.organisation_name()), "{body}");
        }
    }
    assert_eq!((awarded, issued["winners"].as_u64()), (3, Some(3)));
    // After the announcement, nothing more is approved or awarded.
    let mut left = None;
    for id in &apps {
        if load(&h, id).await.record.state() == ApplicationState::InPublicity {
            left = Some(id.clone());
        }
    }
    let left = left.expect("the fourth name is still in publicity");
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{left}/approve"),
            Some(OFFICE),
            Some(r#"{"approved_on": "2026-10-20"}"#),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("announcement_issued")),
        "{refused}"
    );
}

#[tokio::test]
async fn a_period_into_an_unloaded_year_waits_for_that_years_notice() {
    let h = Harness::new();
    applications_in(&h, 1, ApplicationState::Proposed).await;
    set_cycle(&h, |record| {
        record.decision.deliberation = Some(award_app::model::Deliberation {
            meeting_date: date(2026, 12, 1),
            minutes_reference: "评委会〔2026〕9号".into(),
            minutes_attachment_id: ulid::Ulid::new(),
            decisions: Vec::new(),
            recorded_by: "committee-1".into(),
            recorded_at: china_time(2026, 12, 1, 10, 0),
        });
        record.decision.consultation = Some(award_app::model::Consultation {
            date: date(2026, 12, 2),
            opinions: "无不同意见".into(),
            note: String::new(),
            recorded_by: "office-1".into(),
            recorded_at: china_time(2026, 12, 2, 10, 0),
        });
    })
    .await;
    let at = china_time(2026, 12, 28, 9, 0);
    let before = h.last_sequence();
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/publicity",
            Some(OFFICE),
            Some(r#"{"first_day": "2026-12-28"}"#),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("calendar_unavailable")),
        "{refused}"
    );
    assert!(
        refused["message_zh"]
            .as_str()
            .unwrap()
            .contains("2027年的节假日安排：请先按国务院办公厅通知录入（POST /calendar/2027）"),
        "{refused}"
    );
    assert_eq!(h.last_sequence(), before, "nothing written on refusal");
    // A year no publicity can reach any more is not loaded.
    let ancient = json!({"year": 1999, "notice": "x", "published": "1998-12-01",
        "source": "https://www.gov.cn/", "off": [{"name": "元旦", "first": "1999-01-01", "last": "1999-01-03"}],
        "working_days": []});
    let (status, refused) = h
        .request_at(
            "POST",
            "/calendar/1999",
            Some(OFFICE),
            Some(&ancient.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_holiday_notice"))
    );
    assert_eq!(
        h.request_at("GET", "/calendar/2031", Some(OFFICE), None, at)
            .await
            .0,
        404
    );
    let (status, embedded) = h
        .request_at("GET", "/calendar/2026", Some(OFFICE), None, at)
        .await;
    assert_eq!(
        (status, embedded["origin"].as_str()),
        (200, Some("embedded"))
    );
    // A notice that does not validate is refused; the State Council's 2027 notice loads.
    let bad = json!({"year": 2027, "notice": "x", "published": "2026-11-01", "source": "https://www.gov.cn/",
        "off": [], "working_days": ["2027-01-04"]});
    let (status, refused) = h
        .request_at(
            "POST",
            "/calendar/2027",
            Some(OFFICE),
            Some(&bad.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_holiday_notice")),
        "{refused}"
    );
    // The Office first types the notice wrong (1 January only, and the Saturday as a working day).
    let mistyped = json!({
        "year": 2027,
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "published": "2026-11-10",
        "source": "https://www.gov.cn/zhengce/content/2027-holidays.htm",
        "off": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-01"}],
        "working_days": ["2027-01-02"],
    });
    let notice = json!({
        "year": 2027,
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "published": "2026-11-10",
        "source": "https://www.gov.cn/zhengce/content/2027-holidays.htm",
        "off": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}],
        "working_days": [],
    });
    let (status, loaded) = h
        .request_at(
            "POST",
            "/calendar/2027",
            Some(OFFICE),
            Some(&mistyped.to_string()),
            at,
        )
        .await;
    assert_eq!(status, 201, "{loaded}");
    let (status, again) = h
        .request_at(
            "POST",
            "/calendar/2027",
            Some(OFFICE),
            Some(&notice.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("holiday_year_loaded"))
    );
    // Corrected before any period counts on it; a year built in, or never loaded, is not.
    for (path, code) in [
        ("/calendar/2026", "holiday_year_not_loaded"),
        ("/calendar/2028", "holiday_year_not_loaded"),
    ] {
        let mut other = notice.clone();
        other["year"] = json!(path[10..].parse::<i32>().unwrap());
        let (status, refused) = h
            .request_at("PUT", path, Some(OFFICE), Some(&other.to_string()), at)
            .await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (404, Some(code)),
            "{path}"
        );
    }
    let before = h.last_sequence();
    let (status, refused) = h
        .request_at(
            "PUT",
            "/calendar/2027",
            Some(OFFICE),
            Some(&bad.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_holiday_notice"))
    );
    assert_eq!(h.last_sequence(), before, "nothing written on refusal");
    let (status, replaced) = h
        .request_at(
            "PUT",
            "/calendar/2027",
            Some(OFFICE),
            Some(&notice.to_string()),
            at,
        )
        .await;
    assert_eq!(status, 200, "{replaced}");
    // 28–31 December, then 4 January (1–3 January are the New Year holiday): the corrected notice
    // counts, not the mistyped one (which would end on Saturday 2 January).
    let publicity = office(
        &h,
        "POST",
        "/cycles/2026/publicity",
        json!({"first_day": "2026-12-28"}),
        at,
    )
    .await;
    assert_eq!(publicity["last_day"], "2027-01-04", "{publicity}");
    // Once a period has counted on it, the notice stays as it was.
    let (status, refused) = h
        .request_at(
            "PUT",
            "/calendar/2027",
            Some(OFFICE),
            Some(&mistyped.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("holiday_year_in_use")),
        "{refused}"
    );
    assert!(refused.to_string().contains("2026"), "{refused}");
    // The Office reads what is in force: the corrected dates, and the cycle that counted on them.
    let (status, in_force) = h
        .request_at("GET", "/calendar/2027", Some(OFFICE), None, at)
        .await;
    assert_eq!(status, 200, "{in_force}");
    assert_eq!(in_force["origin"], "loaded");
    assert_eq!(in_force["notice"]["off"][0]["last"], "2027-01-03");
    assert_eq!(in_force["used_by"], json!(["2026"]));
}

/// A declaration body for `content` (a PDF).
fn attachment_body(content: &[u8]) -> Value {
    json!({
        "file_name": "会议纪要.pdf",
        "content_type": "application/pdf",
        "size": content.len(),
        "sha256": sha256_hex(content),
    })
}

#[tokio::test]
async fn minutes_whose_content_is_not_a_pdf_are_refused_like_evidence() {
    let h = Harness::new();
    applications_in(&h, 1, ApplicationState::Candidate).await;
    let at = china_time(2026, 9, 20, 10, 0);
    let minutes = b"PK\x03\x04 a zip renamed minutes.pdf";
    let (status, declared) = h
        .request_at(
            "POST",
            "/cycles/2026/minutes",
            Some(COMMITTEE),
            Some(&attachment_body(minutes).to_string()),
            at,
        )
        .await;
    assert_eq!(status, 201, "{declared}");
    let key = h.upload(&declared["upload"], minutes);
    award_app::events::object_created(&h.app, s3_event(&key, minutes.len()), at)
        .await
        .unwrap();
    let id: ulid::Ulid = declared["attachment"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let stored = award_app::store::load::<award_app::model::Attachment>(
        h.table.as_ref(),
        &award_app::keys::attachment(id),
    )
    .await
    .unwrap()
    .unwrap()
    .record;
    assert_eq!(stored.status, award_app::model::DocumentStatus::Rejected);
    assert!(
        stored
            .rejection_reason
            .as_deref()
            .unwrap()
            .contains("not a PDF file"),
        "{stored:?}"
    );
}

#[tokio::test]
async fn the_minutes_and_an_objections_file_are_checked_like_evidence_and_read_by_the_office() {
    let h = Harness::new();
    let apps = applications_in(&h, 2, ApplicationState::Candidate).await;
    let at = china_time(2026, 9, 20, 10, 0);

    // The Committee uploads its minutes; naming them before they are received is refused.
    let minutes = b"%PDF-1.4 minutes of the Committee";
    let (status, declared) = h
        .request_at(
            "POST",
            "/cycles/2026/minutes",
            Some(COMMITTEE),
            Some(&attachment_body(minutes).to_string()),
            at,
        )
        .await;
    assert_eq!(status, 201, "{declared}");
    let minutes_id = declared["attachment"]["id"].as_str().unwrap().to_owned();
    let decisions = json!([
        {"application_id": apps[0], "include": true, "votes_for": 9, "votes_against": 0},
        {"application_id": apps[1], "include": false, "votes_for": 2, "votes_against": 7, "reason": "综合评价与其他候选单位差距较大。"},
    ]);
    let body = json!({"meeting_date": "2026-09-18", "minutes_reference": "评委会〔2026〕3号",
        "minutes_attachment_id": minutes_id, "decisions": decisions});
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/deliberation",
            Some(COMMITTEE),
            Some(&body.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("minutes_not_received"))
    );
    // The page waits on the check by reading the record, which says `declared` until then; no
    // one else reads it.
    let path = format!("/attachments/{minutes_id}");
    let status_of = |who| h.request_at("GET", &path, Some(who), None, at);
    let (status, read) = status_of(COMMITTEE).await;
    assert_eq!(
        (status, read["status"].as_str()),
        (200, Some("declared")),
        "{read}"
    );
    let (status, hidden) = status_of(applicant(1)).await;
    assert_eq!(status, 403, "{hidden}");
    let key = h.upload(&declared["upload"], minutes);
    assert!(key.starts_with("attachments/"), "{key}");
    award_app::events::object_created(&h.app, s3_event(&key, minutes.len()), at)
        .await
        .unwrap();
    for reader in [COMMITTEE, OFFICE] {
        let (status, read) = status_of(reader).await;
        assert_eq!(
            (status, read["status"].as_str()),
            (200, Some("received")),
            "{read}"
        );
    }
    let (status, recorded) = h
        .request_at(
            "POST",
            "/cycles/2026/deliberation",
            Some(COMMITTEE),
            Some(&body.to_string()),
            at,
        )
        .await;
    assert_eq!(status, 200, "{recorded}");
    assert_eq!(recorded["minutes_attachment_id"], minutes_id.as_str());
    // The candidate left out is told it was not selected, with the Committee's reason.
    assert_eq!(
        load(&h, &apps[1]).await.record.state(),
        ApplicationState::Rejected
    );
    h.deliver_stream(at).await.unwrap();
    assert!(
        h.mails()
            .iter()
            .any(|(to, subject, body)| to == "applicant-2@example.cn"
                && subject.contains("未列入建议获奖名单")
                && body.contains("差距较大")),
        "{:?}",
        h.mails()
    );
    let download = format!("/attachments/{minutes_id}/download");
    assert_eq!(
        h.request_at("GET", &download, Some(COMMITTEE), None, at)
            .await
            .0,
        200
    );
    assert_eq!(
        h.request_at("GET", &download, Some(EXPERT), None, at)
            .await
            .0,
        403
    );

    // An objection with its supporting file: the Office downloads it, the Committee cannot.
    set_cycle(&h, |record| {
        record.decision.consultation = Some(award_app::model::Consultation {
            date: date(2026, 9, 19),
            opinions: "无不同意见".into(),
            note: String::new(),
            recorded_by: "office-1".into(),
            recorded_at: china_time(2026, 9, 19, 10, 0),
        });
    })
    .await;
    office(
        &h,
        "POST",
        "/cycles/2026/publicity",
        json!({"first_day": "2026-09-21"}),
        at,
    )
    .await;
    let scan = b"\x89PNG\r\n\x1a\n a scan of a complaint";
    let body = json!({
        "application_id": apps[0],
        "objector_name": "李四",
        "contact": "13900000000",
        "content": "附投诉材料。",
        "attachment": {"file_name": "投诉.png", "content_type": "image/png", "size": scan.len(), "sha256": sha256_hex(scan)},
    });
    let (status, receipt) = h
        .request_at(
            "POST",
            "/public/publicity/2026/objections",
            None,
            Some(&body.to_string()),
            china_time(2026, 9, 22, 10, 0),
        )
        .await;
    assert_eq!(status, 201, "{receipt}");
    let key = h.upload(&receipt["upload"], scan);
    award_app::events::object_created(&h.app, s3_event(&key, scan.len()), at)
        .await
        .unwrap();
    let (_, listed) = h
        .request_at("GET", "/cycles/2026/objections", Some(OFFICE), None, at)
        .await;
    let file = listed["objections"][0]["attachment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let download = format!("/attachments/{file}/download");
    let (status, link) = h.request_at("GET", &download, Some(OFFICE), None, at).await;
    assert_eq!(status, 200, "{link}");
    assert_eq!(link["attachment"]["status"], "received");
    let (status, refused) = h
        .request_at("GET", &download, Some(COMMITTEE), None, at)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("attachment_not_found"))
    );
    // A file of another type is refused at the declaration, and nothing is written.
    let before = h.last_sequence();
    let mut bad = body.clone();
    bad["attachment"]["content_type"] = json!("application/x-msdownload");
    bad["attachment"]["file_name"] = json!("x.exe");
    let (status, refused) = h
        .request_at(
            "POST",
            "/public/publicity/2026/objections",
            None,
            Some(&bad.to_string()),
            china_time(2026, 9, 22, 11, 0),
        )
        .await;
    assert_eq!(status, 415, "{refused}");
    assert_eq!(h.last_sequence(), before);
}

/// The last day the API gives a publicity starting on `first_day` (one proposed name, the
/// deliberation and consultation set in the table), asked the day before.
async fn last_day_from(first_day: NaiveDate) -> Value {
    let h = Harness::new();
    applications_in(&h, 1, ApplicationState::Proposed).await;
    set_cycle(&h, |record| {
        record.decision.deliberation = Some(award_app::model::Deliberation {
            meeting_date: date(2026, 1, 5),
            minutes_reference: "评委会〔2026〕1号".into(),
            minutes_attachment_id: ulid::Ulid::new(),
            decisions: Vec::new(),
            recorded_by: "committee-1".into(),
            recorded_at: china_time(2026, 1, 5, 10, 0),
        });
        record.decision.consultation = Some(award_app::model::Consultation {
            date: date(2026, 1, 6),
            opinions: "无不同意见".into(),
            note: String::new(),
            recorded_by: "office-1".into(),
            recorded_at: china_time(2026, 1, 6, 10, 0),
        });
    })
    .await;
    let day_before = first_day.pred_opt().unwrap();
    let at = china_time(
        chrono::Datelike::year(&day_before),
        chrono::Datelike::month(&day_before),
        chrono::Datelike::day(&day_before),
        10,
        0,
    );
    let started = office(
        &h,
        "POST",
        "/cycles/2026/publicity",
        json!({"first_day": first_day.to_string()}),
        at,
    )
    .await;
    started["last_day"].clone()
}

#[tokio::test]
async fn publicity_counts_official_working_days_across_the_2026_holidays() {
    // Spring Festival: Fri 13 Feb, the adjusted working Saturday 14 Feb, 15–23 Feb off, 24–26 Feb.
    assert_eq!(last_day_from(date(2026, 2, 13)).await, "2026-02-26");
    // Qingming: 2–3 Apr, 4–6 Apr off, 7–9 Apr.
    assert_eq!(last_day_from(date(2026, 4, 2)).await, "2026-04-09");
    // Labour Day: 30 Apr, 1–5 May off, 6–8 May, and the adjusted working Saturday 9 May.
    assert_eq!(last_day_from(date(2026, 4, 30)).await, "2026-05-09");
}

/// A table that gives no answer to a single-item read (DynamoDB's lost answers, past the SDK's
/// retries); queries and transactions reach the embedded table.
fn unanswered_gets(h: &Harness) -> Hooked {
    Hooked::over(h.table.clone()).on_get(|_| {
        Some(Err(award_ports::TableError::Unavailable(
            "no answer from DynamoDB".into(),
        )))
    })
}

#[tokio::test]
async fn a_deliberation_that_cannot_read_its_minutes_is_told_to_retry_not_that_they_are_missing() {
    let mut h = Harness::new();
    let apps = applications_in(&h, 1, ApplicationState::Candidate).await;
    let at = china_time(2026, 9, 20, 10, 0);
    let minutes = received_minutes(&h, at).await;
    h.app.table = std::sync::Arc::new(unanswered_gets(&h));
    let before = h.last_sequence();
    let body = json!({"meeting_date": "2026-09-18", "minutes_reference": "评委会〔2026〕3号",
        "minutes_attachment_id": minutes, "decisions": [
            {"application_id": apps[0], "include": true, "votes_for": 9, "votes_against": 0}]});
    let (status, answer) = h
        .request_at(
            "POST",
            "/cycles/2026/deliberation",
            Some(COMMITTEE),
            Some(&body.to_string()),
            at,
        )
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (503, Some("service_busy")),
        "{answer}"
    );
    assert_eq!(h.last_sequence(), before);
}

/// The public board's entries of `kind` at `at`, newest first.
async fn on_the_board(h: &Harness, kind: &str, at: DateTime<Utc>) -> Vec<serde_json::Value> {
    let (status, board) = h.request_at("GET", "/public/notices", None, None, at).await;
    assert_eq!(status, 200, "{board}");
    board["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == kind)
        .cloned()
        .collect()
}
