//! Eligibility screening (Arts. 5, 10, 11(4), 17, 18) on the stage engine: the register and its
//! CSV import, the `screening` stream handler, the Office's review (settle, confirm), the
//! export. Over the embedded adapters, through the same entry point as the Lambda functions.

mod common;

use award_app::events;
use award_app::stages::screening;
use award_domain::form::{ApplicationForm, DocumentCategory};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::hooked::Hooked;
use common::*;
use serde_json::{Value, json};

const UNIT: As<'static> = As {
    sub: "liangzhou-qo-1",
    groups: "[recommender]",
};

fn china(y: i32, m: u32, d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, hour, 0, 0).unwrap() - chrono::Duration::hours(8)
}

fn deadline() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn sample() -> ApplicationForm {
    let mut form = ApplicationForm::sample_complete(deadline());
    form.contact.email = "alice@example.cn".into();
    form
}

const HEADER: &str =
    "类型,统一社会信用代码,单位名称,评选周期,批准日期,撤销日期,撤销依据,第十八条情形,情形发生日期";

/// A recommended application of the sample organisation; returns its id, and the change-feed
/// position just before the recommendation was written.
async fn recommended_application(h: &Harness, form: ApplicationForm) -> (String, u64) {
    let body = json!({
        "name": "凉州区质量发展领导小组办公室",
        "scope": {"kind": "county", "division_code": "620602"},
        "mailbox": "liangzhou-qo-1@wuwei.example.cn", "accounts": [UNIT.sub],
    });
    let (status, unit) = h
        .request(
            "POST",
            "/recommenders",
            Some(OFFICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{unit}");
    let organisation = &form.organisation;
    let body = json!({
        "organisation_name": organisation.name,
        "uscc": organisation.uscc,
        "registration_date": organisation.registration_date.unwrap().to_string(),
        "division_code": organisation.division_code,
        "contact_email": "alice@example.cn",
    });
    let (status, created) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let update = json!({"version": 1, "form": form, "recommender_id": unit["id"]});
    let june = china(2026, 6, 1, 10);
    let (status, saved) = h
        .request_at(
            "PUT",
            &format!("/applications/{id}/form"),
            Some(ALICE),
            Some(&update.to_string()),
            june,
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    for category in DocumentCategory::required_for_submission(false) {
        let content = format!("%PDF-1.4 {}", category.as_str());
        let (status, declared) = h
            .declare_as(ALICE, &id, category.as_str(), content.as_bytes())
            .await;
        assert_eq!(status, 201, "{declared}");
        let key = h.upload(&declared["upload"], content.as_bytes());
        events::object_created(&h.app, s3_event(&key, content.len()), now())
            .await
            .unwrap();
    }
    let (status, submitted) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/submit"),
            Some(ALICE),
            None,
            june,
        )
        .await;
    assert_eq!(status, 200, "{submitted}");
    let before = h.last_sequence();
    let opinion = json!({"opinion": "同意推荐。", "signer_name": "王五"});
    let (status, recommended) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/recommend"),
            Some(UNIT),
            Some(&opinion.to_string()),
            china(2026, 7, 10, 10),
        )
        .await;
    assert_eq!(status, 200, "{recommended}");
    (id, before)
}

async fn import(h: &Harness, csv: &str, dry_run: bool) -> (u16, Value) {
    h.request_at(
        "POST",
        &format!("/register/import?dry_run={dry_run}"),
        Some(OFFICE),
        Some(csv),
        china(2026, 7, 20, 9),
    )
    .await
}

async fn screening_of(h: &Harness, id: &str) -> Value {
    let (status, view) = h
        .request(
            "GET",
            &format!("/applications/{id}/screening"),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    view
}

fn verdict<'v>(view: &'v Value, condition: &str) -> &'v Value {
    view["screening"]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|verdict| verdict["condition"] == condition)
        .unwrap_or_else(|| panic!("no verdict on {condition}: {view}"))
}

#[tokio::test]
async fn the_register_import_checks_names_and_dates_as_every_other_input_does() {
    let h = Harness::new();
    let uscc = sample().organisation.uscc;
    let long = "武".repeat(201);
    let bad = format!(
        "{HEADER}\n\
         获奖,{uscc},武威\u{202E}司公甲,2014,2014-10-20,,,,\n\
         获奖,{uscc},武威\u{200B}甲公司,2014,2014-10-20,,,,\n\
         获奖,{uscc},{long},2014,2014-10-20,,,,\n\
         获奖,{uscc},武威甲公司,1948,1948-10-20,,,,\n\
         获奖,{uscc},武威甲公司,2026,2026-12-20,,,,\n\
         获奖,{uscc},武威甲公司,2016,2015-10-20,,,,\n\
         撤销,{uscc},武威甲公司,,2014-10-20,2013-03-01,第十七条,,\n\
         撤销,{uscc},武威甲公司,,2014-10-20,2027-03-01,第十七条,,\n"
    );
    let before = h.last_sequence();
    let (status, report) = import(&h, &bad, true).await;
    assert_eq!(status, 200, "{report}");
    let cells: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| {
            (
                issue["row"].as_u64().unwrap(),
                issue["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            // A right-to-left override and a zero-width space: names that look like others.
            (2, "单位名称".into()),
            (3, "单位名称".into()),
            (4, "单位名称".into()),
            // Before 1949-10-01, after today (2026-07-20), approved before its cycle's year.
            (5, "批准日期".into()),
            (6, "批准日期".into()),
            (7, "批准日期".into()),
            // Revoked before the award was approved; revoked in the future.
            (8, "撤销日期".into()),
            (9, "撤销日期".into()),
        ],
        "{report}"
    );
    assert!(
        report["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("格式字符"),
        "{report}"
    );
    assert!(
        report["errors"][3]["reason"]
            .as_str()
            .unwrap()
            .contains("1949年10月1日"),
        "{report}"
    );
    let (status, refused) = import(&h, &bad, false).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_register_rows"))
    );
    assert_eq!(h.last_sequence(), before, "a bad file wrote to the table");

    // A name typed with a combining mark is stored composed, as the same name typed whole.
    let decomposed = format!("{HEADER}\n获奖,{uscc},Cafe\u{301} 武威,2014,2014-10-20,,,,\n");
    let (status, done) = import(&h, &decomposed, false).await;
    assert_eq!(status, 200, "{done}");
    let (_, listed) = h.request("GET", "/register", Some(OFFICE), None).await;
    assert_eq!(listed["entries"][0]["organisation_name"], "Caf\u{e9} 武威");
}

#[tokio::test]
async fn the_register_import_reports_every_bad_row_and_writes_only_a_valid_file_once() {
    let h = Harness::new();
    let uscc = sample().organisation.uscc;
    let bad = format!(
        "{HEADER}\n\
         获奖,{uscc},武威甲公司,2014,2014-10-20,,,,\n\
         获奖,NOT-A-CODE,武威乙公司,2016,2016-10-20,,,,\n\
         撤销,{uscc},武威甲公司,,2014-10-20,2016-03-01,第十九条,,\n\
         撤销,{uscc},武威甲公司,,2014-10-20,2022-03-01,第十八条,3,2020-01-01\n\
         获奖,{uscc},武威甲公司,14,2014/10/20,,,,\n"
    );
    let before = h.last_sequence();
    let (status, report) = import(&h, &bad, true).await;
    assert_eq!(status, 200, "{report}");
    let cells: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| {
            (
                issue["row"].as_u64().unwrap(),
                issue["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            (3, "统一社会信用代码".into()),
            (4, "撤销依据".into()),
            // Art. 18 only reaches events within the award's 5 years (through 2019-10-20).
            (5, "情形发生日期".into()),
            (6, "批准日期".into()),
            (6, "评选周期".into()),
        ],
        "{report}"
    );
    assert_eq!(report["rows"], 5);
    // A malformed code is said in Chinese, with what is wrong with it.
    assert_eq!(
        report["errors"][0]["reason"], "不是有效的统一社会信用代码：应为18位，实为10位",
        "{report}"
    );
    // A code whose check character does not match is imported as written, with a warning.
    let mut mistyped = uscc.clone();
    let last = if mistyped.ends_with('0') { "1" } else { "0" };
    mistyped.replace_range(17.., last);
    let (status, warned) = import(
        &h,
        &format!("{HEADER}\n获奖,{mistyped},武威丙公司,2014,2014-10-20,,,,\n"),
        true,
    )
    .await;
    assert_eq!(status, 200, "{warned}");
    assert_eq!(warned["added"], 1, "{warned}");
    assert_eq!(warned["warnings"][0]["row"], 2, "{warned}");
    assert!(
        warned["warnings"][0]["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("校验位不符")),
        "{warned}"
    );
    assert_eq!(report["warnings"], json!([]), "{report}");
    // A file without a column is refused as a whole, naming the column on the header row.
    let (status, headless) = import(&h, &bad.replace(",情形发生日期", ""), true).await;
    assert_eq!(status, 200);
    assert_eq!(
        headless["errors"],
        json!([{"row": 1, "column": "情形发生日期", "reason": "缺少该列"}])
    );
    let (status, refused) = import(&h, &bad, false).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_register_rows"))
    );
    assert_eq!(refused["details"].as_array().unwrap().len(), 5);
    assert_eq!(h.last_sequence(), before, "a bad file wrote to the table");

    // CRLF line ends (Excel's "CSV UTF-8") do not shift the row numbers reported.
    let crlf = format!(
        "\u{FEFF}{HEADER}\r\n获奖,{uscc},甲,2014,2014-10-20,,,,\r\n获奖,{uscc},甲,14,2014-10-20,,,,\r\n"
    );
    let (status, report) = import(&h, &crlf, true).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["errors"][0]["row"], 3, "{report}");
    assert_eq!(report["errors"][0]["column"], "评选周期", "{report}");

    // Excel's UTF-8 CSV: a BOM, CRLF line ends, quoted names.
    let good = format!(
        "\u{FEFF}{HEADER}\r\n\
         获奖,{uscc},\"武威甲公司, 有限\",2014,2014-10-20,,,,\r\n\
         撤销,{uscc},\"武威甲公司, 有限\",,2014-10-20,2016-03-01,第十七条,,\r\n\
         获奖,{},武威乙公司,2016,2016-10-20,,,,\r\n",
        common::uscc(2)
    );
    let (status, dry) = import(&h, &good, true).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (
            dry["added"].as_u64(),
            dry["errors"].as_array().map(Vec::len)
        ),
        (Some(3), Some(0))
    );
    assert_eq!(h.last_sequence(), before, "a dry run wrote to the table");
    let (status, done) = import(&h, &good, false).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["added"], 3);
    let after = h.last_sequence();
    assert_ne!(after, before);

    // The same file again changes nothing.
    let (status, again) = import(&h, &good, false).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(h.last_sequence(), after);

    let (status, listed) = h.request("GET", "/register", Some(COMMITTEE), None).await;
    assert_eq!(status, 200, "{listed}");
    let entries = listed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let bar = entries
        .iter()
        .find(|entry| entry["fact"]["kind"] == "debarment")
        .unwrap();
    // Art. 17: 10 years from the revocation.
    assert_eq!(bar["fact"]["debarment"]["last_day"], "2026-03-01");
    assert_eq!(bar["organisation_name"], "武威甲公司, 有限");
    let (_, one) = h
        .request(
            "GET",
            &format!("/register?uscc={}", common::uscc(2)),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(one["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_stream_screens_a_recommended_application_once_and_the_office_confirms_it() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, before) = recommended_application(&h, sample()).await;
    assert_eq!(screening_of(&h, &id).await["screening"], Value::Null);

    let records = h.changes_after(before);
    let report = screening::table_changes(&h.app, &records, china(2026, 7, 10, 11))
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
    let view = screening_of(&h, &id).await;
    assert_eq!(view["screening"]["as_of"], "2026-06-30");
    assert_eq!(view["screening"]["verdicts"].as_array().unwrap().len(), 14);
    assert_eq!(view["screened_by"], "system");
    assert_eq!(view["overall"], "eligible", "{view}");

    // The same records again, and the record of the screening's own write: nothing written.
    let after = h.last_sequence();
    let all = h.changes_after(before);
    let report = screening::table_changes(&h.app, &all, china(2026, 7, 10, 12))
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!((report.changed, report.unchanged), (0, 2), "{report:?}");
    assert_eq!(h.last_sequence(), after);
    // The Office's re-run over unchanged inputs writes nothing either.
    let (status, _) = h
        .request(
            "POST",
            &format!("/applications/{id}/screening"),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(h.last_sequence(), after);

    let (_, listed) = h
        .request(
            "GET",
            "/cycles/2026/applications?state=recommended",
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(
        listed["applications"][0]["screening"]["overall"],
        "eligible"
    );

    let (status, confirmed) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/screening/confirm"),
            Some(OFFICE),
            None,
            china(2026, 7, 20, 10),
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    assert_eq!(confirmed["lifecycle"]["screening"]["as_of"], "2026-06-30");
    // The Office's view still says who screened it, when, and each article in Chinese.
    let view = screening_of(&h, &id).await;
    assert_eq!(view["screened_by"], "system", "{view}");
    assert!(view["screened_at"].is_string(), "{view}");
    assert!(
        view["screening"]["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|verdict| verdict["article_zh"].as_str().unwrap().starts_with('第')),
        "{view}"
    );
    h.deliver_stream(china(2026, 7, 20, 11)).await.unwrap();
    assert!(
        h.mails()
            .iter()
            .any(|(to, subject, _)| to == "alice@example.cn" && subject.contains("资格审查通过")),
        "{:?}",
        h.mails()
    );
    // Once confirmed, the stream has nothing left to screen.
    let later = h.last_sequence();
    let report = screening::table_changes(&h.app, &h.changes_after(0), china(2026, 7, 21, 9))
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(report.changed, 0);
    assert_eq!(h.last_sequence(), later);

    let (status, csv) = h
        .request("GET", "/cycles/2026/screening.csv", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("\u{FEFF}申报编号,单位名称,统一社会信用代码,申报状态,审查结论,"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    // Five about the application, one per condition, and the sealed page the Office chases.
    assert_eq!(lines[0].split(',').count(), 5 + 14 + 1);
    assert!(
        lines[0].ends_with(",盖章推荐页（第十一条第三项）"),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with(",未上传（待补）"), "{}", lines[1]);
    assert!(lines[1].starts_with(&format!("{id},")));
    assert!(
        lines[1].contains(",资格审查通过,符合条件,通过,"),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn bars_and_valid_awards_on_the_deadline_make_it_ineligible_with_the_articles_in_chinese() {
    let h = Harness::new();
    h.open_cycle().await;
    let uscc = sample().organisation.uscc;
    let (id, _) = recommended_application(&h, sample()).await;

    // A fraud bar that ended the day before the deadline, an award whose validity ended the day
    // before: neither stands in the way.
    let ended = format!(
        "{HEADER}\n\
         获奖,{uscc},武威甲公司,2014,2014-01-10,,,,\n\
         撤销,{uscc},武威甲公司,,2014-01-10,2016-06-29,第十七条,,\n\
         获奖,{uscc},武威甲公司,2020,2021-06-29,,,,\n"
    );
    let (status, report) = import(&h, &ended, false).await;
    assert_eq!(status, 200, "{report}");
    let (status, view) = h
        .request(
            "POST",
            &format!("/applications/{id}/screening"),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(verdict(&view, "not_debarred")["outcome"], "pass", "{view}");
    assert_eq!(
        verdict(&view, "no_valid_award")["outcome"],
        "pass",
        "{view}"
    );

    // One day later each: the bar runs on the deadline (Art. 17), the award is still valid (Art. 5).
    let running = format!(
        "{HEADER}\n\
         撤销,{uscc},武威甲公司,,2014-01-10,2016-06-30,第十七条,,\n\
         获奖,{uscc},武威甲公司,2020,2021-06-30,,,,\n"
    );
    let (status, report) = import(&h, &running, false).await;
    assert_eq!(status, 200, "{report}");
    let (_, view) = h
        .request(
            "POST",
            &format!("/applications/{id}/screening"),
            Some(OFFICE),
            None,
        )
        .await;
    let bar = verdict(&view, "not_debarred");
    assert_eq!(bar["outcome"], "fail");
    // The bar stands on Art. 17 (fraud): the verdict cites it alone, never both articles.
    assert_eq!(
        (bar["article"].as_str(), bar["article_zh"].as_str()),
        (Some("Art. 17"), Some("第十七条")),
        "{bar}"
    );
    assert!(bar["reason"].as_str().unwrap().contains("Art. 17"), "{bar}");
    // The end of the bar in the one wording every page and notice uses.
    assert!(
        bar["reason_zh"]
            .as_str()
            .unwrap()
            .contains("至2026年6月30日（含）不得申报，2026年7月1日起可以申报"),
        "{bar}"
    );
    let held = verdict(&view, "no_valid_award");
    assert_eq!(
        (held["outcome"].as_str(), held["article"].as_str()),
        (Some("fail"), Some("Art. 5"))
    );
    assert_eq!(view["overall"], "ineligible");

    let before = h.last_sequence();
    let (status, confirmed) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/screening/confirm"),
            Some(OFFICE),
            None,
            china(2026, 7, 20, 10),
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["lifecycle"]["state"], "ineligible");
    assert!(h.last_sequence() > before);
    h.deliver_stream(china(2026, 7, 20, 11)).await.unwrap();
    let mails = h.mails();
    let told = mails
        .iter()
        .find(|(to, subject, _)| to == "alice@example.cn" && subject.contains("资格审查未通过"))
        .expect("the applicant's ineligible notice");
    assert!(told.2.contains("第十七条"), "{}", told.2);
    assert!(!told.2.contains("第十八条"), "{}", told.2);
    assert!(told.2.contains("第五条"), "{}", told.2);
    assert!(told.2.contains("不持有仍在有效期内的质量奖"), "{}", told.2);
    // Why, in Chinese too: the bar's ground and end, the award's validity — no English words.
    assert!(told.2.contains("以不正当手段获取荣誉"), "{}", told.2);
    assert!(told.2.contains("有效期内不得再次申报"), "{}", told.2);
    assert!(
        !told.2.contains("valid through") && !told.2.contains("debarred"),
        "{}",
        told.2
    );
}

#[tokio::test]
async fn a_legacy_code_failing_its_check_character_is_accepted_and_put_to_the_office() {
    let h = Harness::new();
    h.open_cycle().await;
    let mut form = sample();
    // The sample's code with another check character: well-formed, but GB 32100 disagrees.
    let mut code = form.organisation.uscc.clone();
    let last = code.pop().unwrap();
    code.push(if last == '0' { '1' } else { '0' });
    form.organisation.uscc = code.clone();
    let (id, before) = recommended_application(&h, form).await;
    screening::table_changes(&h.app, &h.changes_after(before), china(2026, 7, 10, 11))
        .await
        .unwrap()
        .finish()
        .unwrap();
    let view = screening_of(&h, &id).await;
    assert_eq!(view["overall"], "needs_review", "{view}");
    assert_eq!(view["needs_review"], json!(["uscc_check_character"]));
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(OFFICE), None)
        .await;
    assert_eq!(read["uscc"], code.as_str());
    assert_eq!(read["screening"]["verdicts"].as_array().unwrap().len(), 14);
    // Until the Office confirms the outcome, the screening is its working file.
    let (_, own) = h
        .request("GET", &format!("/applications/{id}"), Some(ALICE), None)
        .await;
    assert_eq!(own["screening"], Value::Null, "{own}");
    let (_, mine) = h.request("GET", "/applications", Some(ALICE), None).await;
    assert_eq!(mine["applications"][0]["screening"], Value::Null);
}

#[tokio::test]
async fn conditions_needing_review_are_settled_with_a_reason_before_confirmation() {
    let h = Harness::new();
    h.open_cycle().await;
    let mut form = sample();
    // Art. 10(5): the Office has not checked the credit system yet.
    form.credit = Some(award_domain::eligibility::CreditRecord::NotChecked);
    let (id, before) = recommended_application(&h, form).await;
    screening::table_changes(&h.app, &h.changes_after(before), china(2026, 7, 10, 11))
        .await
        .unwrap()
        .finish()
        .unwrap();
    let view = screening_of(&h, &id).await;
    assert_eq!(view["overall"], "needs_review", "{view}");
    assert_eq!(view["needs_review"], json!(["credit"]));
    let (_, listed) = h
        .request(
            "GET",
            "/cycles/2026/applications?state=recommended",
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(
        listed["applications"][0]["screening"]["needs_review"],
        json!(["credit"])
    );

    // Confirming now is refused, naming the condition; nothing is written.
    let confirm = format!("/applications/{id}/screening/confirm");
    let settlements = format!("/applications/{id}/screening/settlements");
    let before = h.last_sequence();
    let (status, refused) = h.request("POST", &confirm, Some(OFFICE), None).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("screening_unsettled")),
        "{refused}"
    );
    assert_eq!(refused["details"], json!(["credit"]));
    assert_eq!(h.last_sequence(), before);

    let settle = |condition: &str, outcome: &str, reason: &str| {
        json!({"condition": condition, "outcome": outcome, "reason": reason}).to_string()
    };
    for (body, code) in [
        (
            settle("registration", "pass", "已核实"),
            "invalid_settlement",
        ),
        (
            settle("credit", "needs_review", "再看看"),
            "invalid_settlement",
        ),
        (settle("credit", "fail", "  "), "invalid_text"),
    ] {
        let (status, refused) = h
            .request("POST", &settlements, Some(OFFICE), Some(&body))
            .await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (422, Some(code)),
            "{body}: {refused}"
        );
        assert_eq!(h.last_sequence(), before, "{body} wrote");
    }

    let reason = "经查询国家企业信用信息公示系统，该单位列入严重违法失信名单";
    let (status, settled) = h
        .request(
            "POST",
            &settlements,
            Some(OFFICE),
            Some(&settle("credit", "fail", reason)),
        )
        .await;
    assert_eq!(status, 200, "{settled}");
    let credit = verdict(&settled, "credit");
    assert_eq!(credit["outcome"], "fail");
    assert_eq!(credit["settled"]["reason"], reason);
    assert_eq!(credit["settled"]["by"], "office-1");
    // The stream record of the settlement re-runs the screening: the settlement stands.
    let after = h.last_sequence();
    let report = screening::table_changes(&h.app, &h.changes_after(before), china(2026, 7, 12, 9))
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(report.changed, 0, "{report:?}");
    assert_eq!(h.last_sequence(), after);

    let (status, confirmed) = h
        .request_at("POST", &confirm, Some(OFFICE), None, china(2026, 7, 20, 10))
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["lifecycle"]["state"], "ineligible");
    h.deliver_stream(china(2026, 7, 20, 11)).await.unwrap();
    let mails = h.mails();
    let told = mails
        .iter()
        .find(|(to, subject, _)| to == "alice@example.cn" && subject.contains("资格审查未通过"))
        .expect("the applicant's ineligible notice");
    assert!(told.2.contains("第十条第五项"), "{}", told.2);
    assert!(told.2.contains(reason), "{}", told.2);
    // The recommending unit and the Office are told as well.
    for copied in ["liangzhou-qo-1@wuwei.example.cn", OFFICE_MAILBOX] {
        assert!(
            mails
                .iter()
                .any(|(to, subject, _)| to == copied && subject.contains("资格审查未通过")),
            "{copied}: {mails:?}"
        );
    }
    let (status, csv) = h
        .request("GET", "/cycles/2026/screening.csv", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.as_str()
            .unwrap()
            .contains(&format!("不通过（第十条第五项；复核：{reason}）"))
    );
}

#[tokio::test]
async fn one_screening_is_three_gets_one_query_and_at_most_one_transaction() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = recommended_application(&h, sample()).await;
    let (counting, calls) = Hooked::counting(h.table.clone());
    let app = h.app.with_table(std::sync::Arc::new(counting));
    let id: ulid::Ulid = id.parse().unwrap();
    let at = china(2026, 7, 10, 11);
    let first = screening::run(&app, id, "system", at).await.unwrap();
    assert!(first.changed);
    // The application, its cycle, its recommending unit; the register's one partition; one
    // transaction (the application and its audit record).
    assert_eq!(*calls.lock().unwrap(), [3, 1, 1]);
    *calls.lock().unwrap() = [0; 3];
    let again = screening::run(&app, id, "system", at).await.unwrap();
    assert!(!again.changed);
    assert_eq!(*calls.lock().unwrap(), [3, 1, 0]);
}

#[tokio::test]
async fn the_stream_filter_passes_exactly_the_applications_becoming_recommended() {
    let template = include_str!("../../../infra/template.yaml");
    let start = template.find("  ScreeningFunction:").unwrap();
    let pattern = template[start..]
        .lines()
        .find_map(|line| line.trim().strip_prefix("- Pattern: '"))
        .and_then(|rest| rest.strip_suffix('\''))
        .expect("the screening function's filter pattern");
    let pattern: Value = serde_json::from_str(pattern).unwrap();

    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = recommended_application(&h, sample()).await;
    // Confirming before any screening is refused, with nothing written.
    let before = h.last_sequence();
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/screening/confirm"),
            Some(OFFICE),
            None,
            china(2026, 7, 20, 10),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("not_screened"))
    );
    assert_eq!(h.last_sequence(), before);
    let mut passed = Vec::new();
    for change in h.changes_after(0) {
        let Some(image) = change.new_image else {
            continue;
        };
        let state = image
            .as_ref()
            .get("lifecycle")
            .map(|_| award_app::store::from_item::<award_app::model::Application>(image.clone()))
            .transpose()
            .unwrap()
            .map(|stored| stored.record.state().as_str().to_owned());
        let event = json!({
            "eventName": match change.kind {
                award_ports::ChangeKind::Insert => "INSERT",
                award_ports::ChangeKind::Modify => "MODIFY",
                award_ports::ChangeKind::Remove => "REMOVE",
            },
            "dynamodb": {"NewImage": serde_json::to_value(&image).unwrap()},
        });
        if filter_matches(&pattern, &event) {
            passed.push(state);
        }
    }
    // Of every item written (cycle, units, application drafts to recommended, documents,
    // notices, audit records), only the recommended application's image passes.
    assert_eq!(passed, vec![Some("recommended".to_owned())]);
    assert!(h.changes_after(0).len() > 20);
}

#[tokio::test]
async fn the_applicant_reads_the_notices_sent_to_it_and_the_office_every_one() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = recommended_application(&h, sample()).await;
    h.deliver_stream(china(2026, 6, 2, 10)).await.unwrap();
    let path = format!("/applications/{id}/notices");
    let listed = |answer: &Value| answer["notices"].as_array().cloned().unwrap_or_default();

    let (status, mine) = h.request("GET", &path, Some(ALICE), None).await;
    assert_eq!(status, 200, "{mine}");
    let mine = listed(&mine);
    assert!(
        mine.iter().all(|notice| notice["audience"] == "applicant"
            && notice["status"] == "sent"
            && notice["sent_at"].is_string()),
        "{mine:?}"
    );
    let subjects: Vec<&str> = mine
        .iter()
        .map(|notice| notice["subject"].as_str().unwrap_or_default())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|subject| subject.starts_with("武威市人民政府质量奖：申报已提交")),
        "{subjects:?}"
    );
    let times: Vec<&str> = mine
        .iter()
        .map(|notice| notice["created_at"].as_str().unwrap_or_default())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted, "oldest first");

    // The Office reads every notice about it: the unit's and its own too.
    let (status, all) = h.request("GET", &path, Some(OFFICE), None).await;
    assert_eq!(status, 200, "{all}");
    let all = listed(&all);
    let mut audiences: Vec<&str> = all
        .iter()
        .map(|notice| notice["audience"].as_str().unwrap_or_default())
        .collect();
    audiences.sort_unstable();
    audiences.dedup();
    assert_eq!(audiences, ["applicant", "office", "recommender"], "{all:?}");
    assert_eq!(
        all.iter()
            .filter(|notice| notice["audience"] == "applicant")
            .count(),
        mine.len()
    );

    // Nobody else learns it exists; a unit may not ask.
    let (status, refused) = h.request("GET", &path, Some(BOB), None).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("application_not_found"))
    );
    let (status, _) = h.request("GET", &path, Some(UNIT), None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_organisation_under_a_bar_is_refused_when_it_starts_an_application() {
    let h = Harness::new();
    h.open_cycle().await;
    // Organisation 7's award was revoked for fraud (Art. 17) on 2016-06-30: barred through the
    // cycle's deadline. Organisation 8's bar ended the day before it.
    let register = format!(
        "{HEADER}\n\
         撤销,{},武威第7质量有限公司,,2014-01-10,2016-06-30,第十七条,,\n\
         撤销,{},武威第8质量有限公司,,2014-01-10,2016-06-29,第十七条,,\n",
        uscc(7),
        uscc(8),
    );
    let (status, report) = import(&h, &register, false).await;
    assert_eq!(status, 200, "{report}");

    let before = h.last_sequence();
    let mut body: Value = serde_json::from_str(&application_body(7)).unwrap();
    body["contact_email"] = json!("alice@example.cn");
    let (status, refused) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "debarred_from_applying");
    assert!(
        refused["message"].as_str().unwrap().contains("Art. 17"),
        "{refused}"
    );
    // The Art. 17 bar, in the one wording of its end that every page and notice uses.
    assert_eq!(
        refused["message_zh"],
        "该单位的奖项已依照办法第十七条被撤销，至2026年6月30日（含）不得申报，2026年7月1日起可以申报。"
    );
    assert!(
        h.changes_after(before).is_empty(),
        "a refusal writes nothing"
    );

    h.create_application(ALICE, 8).await;
}
