//! The first stages on the stage engine (Art. 11(1)–(3)): the application form, submission,
//! recommendation, withdrawal, the cycle's own schedule, deadline extension, contact
//! confirmation, and the role matrix of every route. Over the embedded adapters, through the
//! same entry point as the Lambda function.

mod common;

use award_app::events;
use award_app::routes::{Access, routes};
use award_domain::form::{ApplicationForm, DocumentCategory};
use award_domain::roles::Role;
use award_ports::Blobs;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::*;
use serde_json::{Value, json};

const UNIT: As<'static> = As {
    sub: "liangzhou-qo-1",
    groups: "[recommender]",
};
const OTHER_UNIT: As<'static> = As {
    sub: "gulang-qo-1",
    groups: "[recommender]",
};

fn china(y: i32, m: u32, d: u32, hour: u32) -> DateTime<Utc> {
    // China is UTC+8.
    Utc.with_ymd_and_hms(y, m, d, hour, 0, 0).unwrap() - chrono::Duration::hours(8)
}

/// 2026-06-01 10:00 in China: the call is open, the sample form's records are all in the past.
fn june() -> DateTime<Utc> {
    china(2026, 6, 1, 10)
}

fn deadline() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// Asserts a refusal with nothing written and no email sent.
async fn refused_at(
    h: &Harness,
    method: &str,
    path: &str,
    caller: Option<As<'_>>,
    body: Option<&str>,
    at: DateTime<Utc>,
    expected: (u16, &str),
) -> Value {
    let before = h.last_sequence();
    let (status, reply) = h.request_at(method, path, caller, body, at).await;
    assert_eq!(
        (status, reply["code"].as_str().unwrap_or_default()),
        expected,
        "{method} {path}: {reply}"
    );
    assert!(!reply["message_zh"].as_str().unwrap_or_default().is_empty());
    assert_eq!(
        h.last_sequence(),
        before,
        "{method} {path} wrote to the table"
    );
    reply
}

/// Creates a recommending unit as the Office; returns its id.
async fn unit(h: &Harness, name: &str, scope: Value, accounts: &[&str]) -> String {
    let body = json!({
        "name": name, "scope": scope, "mailbox": format!("{}@wuwei.example.cn", accounts[0]),
        "accounts": accounts,
    });
    let (status, reply) = h
        .request(
            "POST",
            "/recommenders",
            Some(OFFICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    reply["id"].as_str().unwrap().to_owned()
}

fn sample() -> ApplicationForm {
    let mut form = ApplicationForm::sample_complete(deadline());
    form.contact.email = "alice@example.cn".into();
    form
}

/// The draft of the sample organisation, its form complete, its unit chosen and its evidence
/// received; returns `(application id, unit id)`.
async fn ready_application(h: &Harness) -> (String, String) {
    let county = unit(
        h,
        "凉州区质量发展领导小组办公室",
        json!({"kind": "county", "division_code": "620602"}),
        &[UNIT.sub],
    )
    .await;
    unit(
        h,
        "古浪县质量发展领导小组办公室",
        json!({"kind": "county", "division_code": "620622"}),
        &[OTHER_UNIT.sub],
    )
    .await;
    let form = sample();
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
    let update = json!({"version": 1, "form": form, "recommender_id": county});
    let (status, saved) = h
        .request_at(
            "PUT",
            &format!("/applications/{id}/form"),
            Some(ALICE),
            Some(&update.to_string()),
            june(),
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
    (id, county)
}

async fn version(h: &Harness, id: &str) -> u64 {
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(ALICE), None)
        .await;
    read["version"].as_u64().unwrap()
}

async fn state(h: &Harness, id: &str) -> String {
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(OFFICE), None)
        .await;
    read["lifecycle"]["state"].as_str().unwrap().to_owned()
}

/// The notices owed since `sequence`: `(kind, recipient)`.
fn notices_since(h: &Harness, sequence: u64) -> Vec<(String, String)> {
    h.changes_after(sequence)
        .into_iter()
        .filter_map(|change| change.new_image)
        .filter(|item| award_app::store::type_of(item) == Some("notice"))
        .map(|item| {
            let notice: award_app::model::Notice =
                award_app::store::from_item(item).unwrap().record;
            (notice.kind.as_str().to_owned(), notice.recipient)
        })
        .filter(|(_, _)| true)
        .collect()
}

/// The documents of application `id` as its owner reads them, by id.
async fn documents(h: &Harness, id: &str) -> std::collections::BTreeMap<String, Value> {
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(ALICE), None)
        .await;
    read["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|doc| (doc["id"].as_str().unwrap().to_owned(), doc.clone()))
        .collect()
}

#[tokio::test]
async fn nothing_uploaded_after_the_submission_joins_the_application() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = ready_application(&h).await;
    // Two links issued while it was a draft, their uploads not yet checked when it is submitted:
    // one completes (the object stored) before the submission, one after.
    let early = b"%PDF-1.4 an extra certificate";
    let (status, first) = h.declare_as(ALICE, &id, "other", early).await;
    assert_eq!(status, 201, "{first}");
    let first_key = h.upload(&first["upload"], early);
    let late = b"%PDF-1.4 a late annex";
    let (status, second) = h.declare_as(ALICE, &id, "other", late).await;
    assert_eq!(status, 201, "{second}");

    let (status, submitted) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/submit"),
            Some(ALICE),
            None,
            june(),
        )
        .await;
    assert_eq!(status, 200, "{submitted}");
    // The submission closes every document still declared.
    let docs = documents(&h, &id).await;
    for declared in [&first, &second] {
        let doc = &docs[declared["document"]["id"].as_str().unwrap()];
        assert_eq!(doc["status"], "rejected", "{doc}");
        assert_eq!(
            doc["rejection_reason"],
            award_app::model::CLOSED_AT_SUBMISSION
        );
    }

    // The uploads' events arrive: neither becomes evidence, the objects are removed, and the
    // applicant is told why, once per document.
    let second_key = h.upload(&second["upload"], late);
    let before = h.last_sequence();
    for (key, size) in [(&first_key, early.len()), (&second_key, late.len())] {
        let report = events::object_created(&h.app, s3_event(key, size), june())
            .await
            .unwrap();
        assert_eq!((report.changed, report.failed), (1, 0), "{report:?}");
        assert!(
            h.blobs.head(key).await.unwrap().is_none(),
            "{key} is still stored"
        );
    }
    let told: Vec<_> = h
        .changes_after(before)
        .into_iter()
        .filter_map(|change| change.new_image)
        .filter(|item| award_app::store::type_of(item) == Some("notice"))
        .map(|item| {
            award_app::store::from_item::<award_app::model::Notice>(item)
                .unwrap()
                .record
        })
        .collect();
    assert_eq!(told.len(), 2, "{told:?}");
    for notice in &told {
        assert_eq!(notice.kind.as_str(), "document_rejected");
        assert_eq!(notice.recipient, "alice@example.cn");
        assert!(notice.data["reason"].contains("提交之后"), "{notice:?}");
    }
    let docs = documents(&h, &id).await;
    assert!(
        docs.values().all(|doc| doc["status"] != "declared"),
        "{docs:?}"
    );
    // Redelivered: nothing more.
    let after = h.last_sequence();
    for (key, size) in [(&first_key, early.len()), (&second_key, late.len())] {
        let report = events::object_created(&h.app, s3_event(key, size), june())
            .await
            .unwrap();
        assert_eq!(report.changed, 0, "{report:?}");
    }
    assert_eq!(h.last_sequence(), after);
}

#[tokio::test]
async fn an_upload_checked_after_its_application_left_the_draft_is_refused() {
    // The race the submission's closing cannot see: a declaration the submission did not read
    // (or an application moved on by other means) still declared when its upload arrives.
    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = ready_application(&h).await;
    let content = b"%PDF-1.4 racing annex";
    let (status, declared) = h.declare_as(ALICE, &id, "other", content).await;
    assert_eq!(status, 201, "{declared}");
    let key = h.upload(&declared["upload"], content);
    set_state(
        &h,
        &id,
        award_domain::lifecycle::ApplicationState::Submitted,
        None,
    )
    .await;
    let report = events::object_created(&h.app, s3_event(&key, content.len()), june())
        .await
        .unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
    let doc = &documents(&h, &id).await[declared["document"]["id"].as_str().unwrap()];
    assert_eq!(doc["status"], "rejected", "{doc}");
    assert!(
        doc["rejection_reason"]
            .as_str()
            .unwrap()
            .contains("after the application was submitted"),
        "{doc}"
    );
    assert!(h.blobs.head(&key).await.unwrap().is_none());
}

#[tokio::test]
async fn an_application_is_filled_submitted_and_recommended() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, county) = ready_application(&h).await;

    let before = h.last_sequence();
    let (status, submitted) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/submit"),
            Some(ALICE),
            None,
            june(),
        )
        .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["lifecycle"]["state"], "submitted");
    let mut owed = notices_since(&h, before);
    owed.sort();
    assert_eq!(
        owed,
        vec![
            ("application_submitted".into(), "alice@example.cn".into()),
            ("application_submitted".into(), OFFICE_MAILBOX.into()),
            (
                "recommendation_requested".into(),
                format!("{}@wuwei.example.cn", UNIT.sub)
            ),
        ]
    );

    // After submission nothing of the application or its evidence changes.
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(ALICE), None)
        .await;
    let version = read["version"].as_u64().unwrap();
    let patch = json!({"version": version, "form": {"contact": {"name": "李四"}}});
    refused_at(
        &h,
        "PATCH",
        &format!("/applications/{id}/form"),
        Some(ALICE),
        Some(&patch.to_string()),
        june(),
        (409, "application_not_editable"),
    )
    .await;
    let (status, reply) = h.declare_as(ALICE, &id, "other", b"late").await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("application_not_editable"))
    );

    // The unit sees it in its inbox and reads it; another unit sees nothing.
    let (status, inbox) = h.request("GET", "/recommendations", Some(UNIT), None).await;
    assert_eq!(status, 200);
    assert_eq!(inbox["applications"][0]["id"], id.as_str());
    assert_eq!(inbox["applications"][0]["recommender_id"], county.as_str());
    let (_, other_inbox) = h
        .request("GET", "/recommendations", Some(OTHER_UNIT), None)
        .await;
    assert_eq!(other_inbox["applications"], json!([]));
    // Issue 23: the inbox reads the unit's accounts (one Query) and the unit's inbox rows (one
    // Query per unit), however many other applications the cycles hold.
    for i in 50..=69 {
        let other = h.create_application(applicant(i), i).await;
        set_state(
            &h,
            &other,
            award_domain::lifecycle::ApplicationState::Submitted,
            None,
        )
        .await;
    }
    let (counting, calls) = common::hooked::Hooked::counting(h.table.clone());
    let counted = award_app::stages::units::recommendations::inbox(
        &h.app.with_table(std::sync::Arc::new(counting)),
        &UNIT.caller(),
    )
    .await
    .unwrap();
    assert_eq!(*calls.lock().unwrap(), [0, 2, 0]);
    assert_eq!(
        counted.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(),
        vec![id.clone()]
    );
    refused_at(
        &h,
        "GET",
        &format!("/applications/{id}"),
        Some(OTHER_UNIT),
        None,
        june(),
        (404, "application_not_found"),
    )
    .await;
    let recommendation =
        json!({"opinion": "同意推荐。该企业质量管理成效显著。", "signer_name": "王五"});
    refused_at(
        &h,
        "POST",
        &format!("/applications/{id}/recommend"),
        Some(OTHER_UNIT),
        Some(&recommendation.to_string()),
        june(),
        (404, "application_not_found"),
    )
    .await;
    let (status, read) = h
        .request("GET", &format!("/applications/{id}"), Some(UNIT), None)
        .await;
    assert_eq!(status, 200, "{read}");

    let before = h.last_sequence();
    let (status, recommended) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/recommend"),
            Some(UNIT),
            Some(&recommendation.to_string()),
            china(2026, 7, 10, 10),
        )
        .await;
    assert_eq!(status, 200, "{recommended}");
    assert_eq!(recommended["lifecycle"]["state"], "recommended");
    assert_eq!(recommended["recommendation"]["signer_name"], "王五");
    let mut owed = notices_since(&h, before);
    owed.sort();
    assert_eq!(
        owed,
        vec![
            ("recommended".into(), "alice@example.cn".into()),
            ("recommended".into(), OFFICE_MAILBOX.into()),
        ]
    );
    // Twice is an illegal transition, with nothing written.
    refused_at(
        &h,
        "POST",
        &format!("/applications/{id}/recommend"),
        Some(UNIT),
        Some(&recommendation.to_string()),
        china(2026, 7, 10, 11),
        (409, "illegal_transition"),
    )
    .await;

    // The emails render in Chinese with the opinion.
    h.deliver_stream(china(2026, 7, 10, 12)).await.unwrap();
    let mails = h.mails();
    let recommended = mails
        .iter()
        .find(|(to, subject, _)| to == "alice@example.cn" && subject.contains("推荐意见已签署"))
        .expect("the applicant's recommended notice");
    assert!(
        recommended.2.contains("同意推荐。该企业质量管理成效显著。"),
        "{}",
        recommended.2
    );
    assert!(recommended.2.contains("凉州区质量发展领导小组办公室"));
    let requested = mails
        .iter()
        .find(|(to, _, _)| to == &format!("{}@wuwei.example.cn", UNIT.sub))
        .expect("the unit's request");
    assert!(requested.1.contains("请签署推荐意见"), "{}", requested.1);
    assert!(requested.2.starts_with("凉州区质量发展领导小组办公室："));
}

/// Declares a sealed recommendation page as `caller`, uploads `content` and checks it as
/// `upload-received` would; returns the document as its unit then reads it.
async fn file_sealed_page(h: &Harness, caller: As<'_>, id: &str, content: &[u8]) -> Value {
    let (status, declared) = h
        .declare_as(caller, id, "sealed_recommendation", content)
        .await;
    assert_eq!(status, 201, "{declared}");
    let key = h.upload(&declared["upload"], content);
    events::object_created(&h.app, s3_event(&key, content.len()), china(2026, 7, 11, 9))
        .await
        .unwrap();
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(UNIT), None)
        .await;
    read["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|doc| doc["id"] == declared["document"]["id"])
        .cloned()
        .expect("the unit reads its page")
}

/// What the Office's list says of the sealed page of application `id`.
async fn sealed_in_list(h: &Harness, id: &str) -> Value {
    let (status, list) = h
        .request("GET", "/cycles/2026/applications", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{list}");
    list["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|summary| summary["id"] == id)
        .map(|summary| summary["sealed_recommendation"].clone())
        .unwrap()
}

#[tokio::test]
async fn the_recommending_unit_files_its_sealed_page_and_screening_chases_a_missing_one() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, county) = ready_application(&h).await;
    let submit = format!("/applications/{id}/submit");
    let (status, reply) = h
        .request_at("POST", &submit, Some(ALICE), None, june())
        .await;
    assert_eq!(status, 200, "{reply}");
    let documents_path = format!("/applications/{id}/documents");
    let page = |content: &[u8]| {
        let mut body: Value =
            serde_json::from_str(&document_body("推荐页.pdf", "application/pdf", content)).unwrap();
        body["category"] = json!("sealed_recommendation");
        body.to_string()
    };
    let sealed = b"%PDF-1.4 the sealed recommendation page";

    // Nothing to seal before the unit recommends: the page carries the opinion it signs.
    refused_at(
        &h,
        "POST",
        &documents_path,
        Some(UNIT),
        Some(&page(sealed)),
        june(),
        (409, "sealed_page_not_accepted"),
    )
    .await;
    assert_eq!(sealed_in_list(&h, &id).await, Value::Null);
    let recommendation = json!({"opinion": "同意推荐。", "signer_name": "王五"});
    let (status, reply) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/recommend"),
            Some(UNIT),
            Some(&recommendation.to_string()),
            china(2026, 7, 10, 10),
        )
        .await;
    assert_eq!(status, 200, "{reply}");

    // Screening lists the missing page as an item to chase, and still finds the application
    // eligible: a notice, never a finding (Art. 11(3)-(4)).
    let screening_path = format!("/applications/{id}/screening");
    let (status, screened) = h
        .request_at(
            "POST",
            &screening_path,
            Some(OFFICE),
            None,
            china(2026, 7, 10, 11),
        )
        .await;
    assert_eq!(status, 200, "{screened}");
    assert_eq!(screened["overall"], "eligible", "{screened}");
    assert_eq!(
        screened["to_chase"].as_array().unwrap().len(),
        1,
        "{screened}"
    );
    assert_eq!(screened["to_chase"][0]["item"], "sealed_recommendation");
    assert_eq!(screened["to_chase"][0]["article_zh"], "第十一条第三项");
    assert_eq!(sealed_in_list(&h, &id).await, "missing");
    let (status, csv) = h
        .request("GET", "/cycles/2026/screening.csv", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap_or_default().to_owned();
    assert!(csv.contains("盖章推荐页（第十一条第三项）"), "{csv}");
    assert!(csv.contains("未上传（待补）"), "{csv}");

    // The applicant never files its unit's page; another unit learns nothing of the application.
    refused_at(
        &h,
        "POST",
        &documents_path,
        Some(ALICE),
        Some(&page(sealed)),
        june(),
        (403, "sealed_page_by_recommending_unit"),
    )
    .await;
    refused_at(
        &h,
        "POST",
        &documents_path,
        Some(OTHER_UNIT),
        Some(&page(sealed)),
        june(),
        (404, "application_not_found"),
    )
    .await;
    // A recommending unit files nothing else, and the page is a scan: no office file.
    let mut other = serde_json::from_str::<Value>(&page(sealed)).unwrap();
    other["category"] = json!("other");
    refused_at(
        &h,
        "POST",
        &documents_path,
        Some(UNIT),
        Some(&other.to_string()),
        june(),
        (403, "forbidden"),
    )
    .await;
    let mut docx = serde_json::from_str::<Value>(&page(sealed)).unwrap();
    docx["file_name"] = json!("推荐页.docx");
    docx["content_type"] =
        json!("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    refused_at(
        &h,
        "POST",
        &documents_path,
        Some(UNIT),
        Some(&docx.to_string()),
        june(),
        (415, "unsupported_document_type"),
    )
    .await;

    // A file that is not the PDF it claims is rejected by the same checks as all evidence, and
    // files nothing.
    let before = h.last_sequence();
    let fake = file_sealed_page(&h, UNIT, &id, b"not a pdf, only text").await;
    assert_eq!(fake["status"], "rejected", "{fake}");
    assert_eq!(sealed_in_list(&h, &id).await, "missing");
    let unit_mailbox = format!("{}@wuwei.example.cn", UNIT.sub);
    assert!(
        notices_since(&h, before).contains(&("document_rejected".into(), unit_mailbox.clone())),
        "{:?}",
        notices_since(&h, before)
    );

    // The unit's own scan is received, told to the unit, and filed on the recommendation.
    let before = h.last_sequence();
    let filed = file_sealed_page(&h, UNIT, &id, sealed).await;
    assert_eq!(filed["status"], "received", "{filed}");
    assert_eq!(filed["category"], "sealed_recommendation");
    assert_eq!(
        notices_since(&h, before),
        vec![("document_received".into(), unit_mailbox.clone())]
    );
    assert_eq!(sealed_in_list(&h, &id).await, "received");
    let (_, view) = h.request("GET", &screening_path, Some(OFFICE), None).await;
    assert_eq!(view["to_chase"], json!([]), "{view}");
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(ALICE), None)
        .await;
    assert_eq!(
        read["recommendation"]["sealed_page"]["document_id"],
        filed["id"]
    );
    assert_eq!(read["lifecycle"]["state"], "recommended");
    // It reopens nothing of the applicant's draft.
    let patch = json!({"version": read["version"], "form": {"contact": {"name": "李四"}}});
    refused_at(
        &h,
        "PATCH",
        &format!("/applications/{id}/form"),
        Some(ALICE),
        Some(&patch.to_string()),
        june(),
        (409, "application_not_editable"),
    )
    .await;
    let (status, reply) = h.declare_as(ALICE, &id, "other", b"%PDF-1.4 late").await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("application_not_editable"))
    );
    h.deliver_stream(china(2026, 7, 11, 10)).await.unwrap();
    let mail = h
        .mails()
        .into_iter()
        .find(|(to, subject, body)| {
            to == &unit_mailbox && subject.contains("材料已接收") && body.contains("盖章推荐页")
        })
        .expect("the unit's receipt");
    assert!(
        mail.2.starts_with("凉州区质量发展领导小组办公室："),
        "{}",
        mail.2
    );

    // The Office files a page on the unit's behalf (a paper page it received), audited so.
    let before = h.last_sequence();
    let on_behalf = file_sealed_page(&h, OFFICE, &id, b"%PDF-1.4 the paper page, scanned").await;
    assert_eq!(on_behalf["status"], "received", "{on_behalf}");
    let declared = h
        .audits_after(before)
        .into_iter()
        .find(|audit| audit.action == "document_declared")
        .unwrap();
    assert_eq!(declared.actor, OFFICE.sub);
    assert_eq!(declared.detail["on_behalf_of"], county);
    assert_eq!(declared.detail["category"], "sealed_recommendation");
    let (_, read) = h
        .request("GET", &format!("/applications/{id}"), Some(OFFICE), None)
        .await;
    assert_eq!(
        read["recommendation"]["sealed_page"]["document_id"],
        on_behalf["id"]
    );

    // Every download is a short link recorded before it is issued (Art. 19).
    let download = format!(
        "/applications/{id}/documents/{}/download",
        filed["id"].as_str().unwrap()
    );
    let (status, link) = h.request("GET", &download, Some(UNIT), None).await;
    assert_eq!(status, 200, "{link}");
    assert!(link["download"]["url"].as_str().is_some(), "{link}");
    let (status, log) = h
        .request(
            "GET",
            &format!("/applications/{id}/access-log"),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let log = log["access_log"].as_array().unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["actor_sub"], UNIT.sub);
    assert_eq!(log[0]["document_id"], filed["id"]);

    // Once the Committee has the list, the file is closed: a page is no longer filed, and one
    // whose upload lands after that is refused on arrival.
    let (status, late) = h
        .declare_as(UNIT, &id, "sealed_recommendation", sealed)
        .await;
    assert_eq!(status, 201, "{late}");
    let key = h.upload(&late["upload"], sealed);
    set_state(
        &h,
        &id,
        award_domain::lifecycle::ApplicationState::Proposed,
        None,
    )
    .await;
    refused_at(
        &h,
        "POST",
        &documents_path,
        Some(UNIT),
        Some(&page(sealed)),
        june(),
        (409, "sealed_page_not_accepted"),
    )
    .await;
    events::object_created(&h.app, s3_event(&key, sealed.len()), china(2026, 9, 1, 9))
        .await
        .unwrap();
    let refused = &documents(&h, &id).await[late["document"]["id"].as_str().unwrap()];
    assert_eq!(refused["status"], "rejected", "{refused}");
    assert!(h.blobs.head(&key).await.unwrap().is_none());
    assert_eq!(
        load(&h, &id)
            .await
            .record
            .recommendation
            .unwrap()
            .sealed_page
            .unwrap()
            .document_id
            .to_string(),
        on_behalf["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn submission_lists_exactly_what_is_missing_and_writes_nothing() {
    let h = Harness::new();
    h.open_cycle().await;
    let id = h.create_application(ALICE, 1).await;
    let reply = refused_at(
        &h,
        "POST",
        &format!("/applications/{id}/submit"),
        Some(ALICE),
        None,
        june(),
        (422, "submission_incomplete"),
    )
    .await;
    let fields: Vec<&str> = reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| issue["field"].as_str().unwrap())
        .collect();
    for expected in [
        "organisation.legal_representative",
        "contact.mobile",
        "integrity_pledge",
        "documents.business_licence",
        "documents.credit_report",
    ] {
        assert!(fields.contains(&expected), "{expected} not in {fields:?}");
    }
    assert!(!fields.contains(&"documents.project_award_certificate"));
    for issue in reply["details"].as_array().unwrap() {
        assert!(!issue["message_zh"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_unit_must_cover_the_division_or_the_industry() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = ready_application(&h).await;
    let gulang = unit(
        &h,
        "古浪县市场监督管理局",
        json!({"kind": "county", "division_code": "620622"}),
        &["gulang-2"],
    )
    .await;
    let industry = unit(
        &h,
        "武威市工业和信息化局",
        json!({"kind": "industry", "sections": ["C"]}),
        &["gxj-1"],
    )
    .await;
    let choose = json!({"version": version(&h, &id).await, "recommender_id": gulang});
    let (status, _) = h
        .request_at(
            "PATCH",
            &format!("/applications/{id}/form"),
            Some(ALICE),
            Some(&choose.to_string()),
            june(),
        )
        .await;
    assert_eq!(status, 200);
    refused_at(
        &h,
        "POST",
        &format!("/applications/{id}/submit"),
        Some(ALICE),
        None,
        june(),
        (422, "recommender_not_applicable"),
    )
    .await;
    // The sample is a winery (C15): the manufacturing department covers it.
    let choose = json!({"version": version(&h, &id).await, "recommender_id": industry});
    h.request_at(
        "PATCH",
        &format!("/applications/{id}/form"),
        Some(ALICE),
        Some(&choose.to_string()),
        june(),
    )
    .await;
    let (status, reply) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/submit"),
            Some(ALICE),
            None,
            june(),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
}

#[tokio::test]
async fn form_writes_are_guarded_by_version_and_checked_field_by_field() {
    let h = Harness::new();
    h.open_cycle().await;
    let id = h.create_application(ALICE, 1).await;
    let path = format!("/applications/{id}/form");
    let patch = |version: u64, form: Value| json!({"version": version, "form": form}).to_string();

    let (status, saved) = h
        .request_at(
            "PATCH",
            &path,
            Some(ALICE),
            Some(&patch(
                1,
                json!({"contact": {"name": "张三", "mobile": "13909351234"}}),
            )),
            june(),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["form"]["contact"]["name"], "张三");
    // The merge patch kept what it did not name.
    assert_eq!(saved["form"]["organisation"]["uscc"], uscc(1));

    refused_at(
        &h,
        "PATCH",
        &path,
        Some(ALICE),
        Some(&patch(1, json!({"contact": {"name": "李四"}}))),
        june(),
        (409, "stale_version"),
    )
    .await;
    let reply = refused_at(
        &h,
        "PATCH",
        &path,
        Some(ALICE),
        Some(&patch(
            2,
            json!({"contact": {"mobile": "1234"}, "self_assessment": {"4.1.1": {"score": 57}}}),
        )),
        june(),
        (422, "invalid_form"),
    )
    .await;
    let fields: Vec<&str> = reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| issue["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"contact.mobile"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f.starts_with("self_assessment.")),
        "{fields:?}"
    );
    refused_at(
        &h,
        "PATCH",
        &path,
        Some(ALICE),
        Some(&patch(2, json!({"organisation": {"uscc": uscc(2)}}))),
        june(),
        (422, "uscc_immutable"),
    )
    .await;
    refused_at(
        &h,
        "PUT",
        &path,
        Some(ALICE),
        Some(&patch(2, json!({"unknown_section": 1}))),
        june(),
        (400, "invalid_field"),
    )
    .await;
    // Somebody else's draft does not exist for Bob; the Office cannot write it.
    refused_at(
        &h,
        "PATCH",
        &path,
        Some(BOB),
        Some(&patch(2, json!({}))),
        june(),
        (404, "application_not_found"),
    )
    .await;
    refused_at(
        &h,
        "PATCH",
        &path,
        Some(OFFICE),
        Some(&patch(2, json!({}))),
        june(),
        (403, "forbidden"),
    )
    .await;
}

#[tokio::test]
async fn no_submission_after_the_deadline_day() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, _) = ready_application(&h).await;
    // Nor is the draft saved: it could no longer be submitted.
    let (_, read) = h
        .request_at(
            "GET",
            &format!("/applications/{id}"),
            Some(ALICE),
            None,
            china(2026, 7, 1, 0),
        )
        .await;
    let before = h.last_sequence();
    refused_at(
        &h,
        "PATCH",
        &format!("/applications/{id}/form"),
        Some(ALICE),
        Some(&json!({"version": read["version"], "form": {}}).to_string()),
        china(2026, 7, 1, 0),
        (409, "application_deadline_passed"),
    )
    .await;
    assert_eq!(h.last_sequence(), before);
    refused_at(
        &h,
        "POST",
        &format!("/applications/{id}/submit"),
        Some(ALICE),
        None,
        china(2026, 7, 1, 0),
        (409, "application_deadline_passed"),
    )
    .await;
    let (status, _) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/submit"),
            Some(ALICE),
            None,
            china(2026, 6, 30, 23),
        )
        .await;
    assert_eq!(status, 200, "the deadline day is still open in China time");
}

#[tokio::test]
async fn withdrawal_and_a_declined_recommendation() {
    let h = Harness::new();
    h.open_cycle().await;
    let draft = h.create_application(BOB, 7).await;
    let before = h.last_sequence();
    refused_at(
        &h,
        "POST",
        &format!("/applications/{draft}/withdraw"),
        Some(BOB),
        Some(r#"{"reason":"  "}"#),
        june(),
        (422, "invalid_text"),
    )
    .await;
    let (status, withdrawn) = h
        .request_at(
            "POST",
            &format!("/applications/{draft}/withdraw"),
            Some(BOB),
            Some(r#"{"reason":"本届暂不参评"}"#),
            june(),
        )
        .await;
    assert_eq!(status, 200, "{withdrawn}");
    assert_eq!(withdrawn["lifecycle"]["state"], "withdrawn");
    // A draft was never sent to anyone: only its owner is told.
    assert_eq!(
        notices_since(&h, before),
        vec![("withdrawn".into(), "bob@example.cn".into())]
    );

    let (id, _) = ready_application(&h).await;
    h.request_at(
        "POST",
        &format!("/applications/{id}/submit"),
        Some(ALICE),
        None,
        june(),
    )
    .await;
    let before = h.last_sequence();
    let (status, declined) = h
        .request_at(
            "POST",
            &format!("/applications/{id}/decline"),
            Some(UNIT),
            Some(r#"{"reason":"近三年有一起质量投诉尚未办结"}"#),
            june(),
        )
        .await;
    assert_eq!(status, 200, "{declined}");
    assert_eq!(declined["lifecycle"]["state"], "rejected");
    assert_eq!(
        declined["lifecycle"]["rejection"]["reason"],
        "近三年有一起质量投诉尚未办结"
    );
    let mut owed = notices_since(&h, before);
    owed.sort();
    assert_eq!(
        owed,
        vec![
            ("recommendation_declined".into(), "alice@example.cn".into()),
            ("recommendation_declined".into(), OFFICE_MAILBOX.into()),
        ]
    );
}

#[tokio::test]
async fn the_call_closes_by_itself_and_the_next_cycle_can_open() {
    let h = Harness::new();
    h.open_cycle().await;
    let (waiting, _) = ready_application(&h).await;
    h.request_at(
        "POST",
        &format!("/applications/{waiting}/submit"),
        Some(ALICE),
        None,
        june(),
    )
    .await;
    let draft = h.create_application(BOB, 8).await;

    // On the deadline day nothing moves.
    let run = award_app::stages::cycles::advance_cycles(&h.app, china(2026, 6, 30, 23))
        .await
        .unwrap();
    assert!(run.closed.is_empty() && run.reviewing.is_empty());
    // The first run after it closes the call and frees the one-open-cycle guard.
    let run = award_app::stages::cycles::advance_cycles(&h.app, china(2026, 7, 1, 0))
        .await
        .unwrap();
    assert_eq!(run.closed, vec!["2026".to_owned()]);
    let (status, _) = h
        .request_at("GET", "/cycles/open", None, None, china(2026, 7, 1, 1))
        .await;
    assert_eq!(status, 404);
    let (_, cycle) = h.request("GET", "/cycles/2026", Some(OFFICE), None).await;
    assert_eq!(cycle["status"], "closed");
    // A second run the same day changes nothing.
    let before = h.last_sequence();
    let run = award_app::stages::cycles::advance_cycles(&h.app, china(2026, 7, 1, 9))
        .await
        .unwrap();
    assert_eq!(run, Default::default());
    assert_eq!(h.last_sequence(), before);
    // Drafts cannot be submitted any more.
    let (status, _) = h
        .request_at(
            "POST",
            &format!("/applications/{draft}/submit"),
            Some(BOB),
            None,
            china(2026, 7, 2, 9),
        )
        .await;
    assert_eq!(status, 409);

    // Runs missed for days: the first one after the recommendation deadline catches up, closing
    // the application still waiting for its unit.
    let before = h.last_sequence();
    let run = award_app::stages::cycles::advance_cycles(&h.app, china(2026, 8, 5, 0))
        .await
        .unwrap();
    assert_eq!(run.reviewing, vec!["2026".to_owned()]);
    assert_eq!(run.unrecommended, 1);
    assert_eq!(state(&h, &waiting).await, "rejected");
    let mut owed = notices_since(&h, before);
    owed.sort();
    assert_eq!(
        owed,
        vec![
            ("rejected".into(), "alice@example.cn".into()),
            ("rejected".into(), format!("{}@wuwei.example.cn", UNIT.sub)),
            ("rejected".into(), OFFICE_MAILBOX.into()),
        ]
    );
    let again = h.last_sequence();
    award_app::stages::cycles::advance_cycles(&h.app, china(2026, 8, 5, 1))
        .await
        .unwrap();
    assert_eq!(h.last_sequence(), again);

    // The next cycle (Art. 4: two years later) can be created and opened.
    let at_2028 = china(2028, 1, 10, 10);
    let (status, reply) = h
        .request_at(
            "POST",
            "/cycles",
            Some(OFFICE),
            Some(&cycle_body("2028")),
            at_2028,
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    h.request_at(
        "POST",
        "/cycles/2028/rules/approve",
        Some(COMMITTEE),
        None,
        at_2028,
    )
    .await;
    let (status, reply) = h
        .request_at("POST", "/cycles/2028/open", Some(OFFICE), None, at_2028)
        .await;
    assert_eq!(status, 200, "{reply}");
    let (_, cycles) = h.request("GET", "/cycles", Some(OFFICE), None).await;
    let ids: Vec<&str> = cycles["cycles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2028", "2026"]);
}

#[tokio::test]
async fn deadlines_are_extended_never_shortened_and_drafts_are_told() {
    let h = Harness::new();
    h.open_cycle().await;
    let draft = h.create_application(ALICE, 1).await;
    let path = "/cycles/2026/deadlines";
    refused_at(
        &h,
        "POST",
        path,
        Some(OFFICE),
        Some(r#"{"application_deadline":"2026-06-29"}"#),
        june(),
        (422, "deadline_shortened"),
    )
    .await;
    refused_at(
        &h,
        "POST",
        path,
        Some(OFFICE),
        Some("{}"),
        june(),
        (422, "no_deadline_given"),
    )
    .await;
    refused_at(
        &h,
        "POST",
        path,
        Some(ALICE),
        Some(r#"{"application_deadline":"2026-07-10"}"#),
        june(),
        (403, "forbidden"),
    )
    .await;
    let before = h.last_sequence();
    let (status, cycle) = h
        .request_at(
            "POST",
            path,
            Some(OFFICE),
            Some(r#"{"application_deadline":"2026-07-10","recommendation_deadline":"2026-08-10"}"#),
            june(),
        )
        .await;
    assert_eq!(status, 200, "{cycle}");
    assert_eq!(cycle["application_deadline"], "2026-07-10");
    assert_eq!(
        notices_since(&h, before),
        vec![("deadline_extended".into(), "alice@example.cn".into())]
    );
    let (_, open) = h.request("GET", "/cycles/open", None, None).await;
    assert_eq!(open["application_deadline"], "2026-07-10");
    let _ = draft;
}

#[tokio::test]
async fn a_contact_address_receives_notices_once_confirmed() {
    let h = Harness::new();
    h.open_cycle().await;
    let id = h.create_application_with_contact(ALICE, 3).await;
    h.deliver_stream(now()).await.unwrap();
    let (_, _, confirmation) = h
        .mails()
        .into_iter()
        .find(|(to, _, _)| to == "contact3@example.cn")
        .expect("a confirmation email to the contact address");
    let token = confirmation
        .split("/#/email-confirmations/")
        .nth(1)
        .map(|rest| rest.chars().take(32).collect::<String>())
        .unwrap();
    refused_at(
        &h,
        "POST",
        "/email-confirmations",
        None,
        Some(&json!({"token": "0".repeat(32)}).to_string()),
        now(),
        (404, "confirmation_not_found"),
    )
    .await;
    // Expired after 72 hours.
    refused_at(
        &h,
        "POST",
        "/email-confirmations",
        None,
        Some(&json!({"token": token}).to_string()),
        now() + chrono::Duration::hours(73),
        (404, "confirmation_not_found"),
    )
    .await;
    let (status, confirmed) = h
        .request(
            "POST",
            "/email-confirmations",
            None,
            Some(&json!({"token": token}).to_string()),
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["email"], "contact3@example.cn");
    // Used once only.
    refused_at(
        &h,
        "POST",
        "/email-confirmations",
        None,
        Some(&json!({"token": token}).to_string()),
        now(),
        (404, "confirmation_not_found"),
    )
    .await;
    let before = h.last_sequence();
    h.request_at(
        "POST",
        &format!("/applications/{id}/withdraw"),
        Some(ALICE),
        Some(r#"{"reason":"重复申报"}"#),
        june(),
    )
    .await;
    assert_eq!(
        notices_since(&h, before),
        vec![("withdrawn".into(), "contact3@example.cn".into())]
    );
}

#[tokio::test]
async fn saving_the_same_address_again_sends_a_new_link_only_once_the_last_has_expired() {
    let h = Harness::new();
    h.open_cycle().await;
    let id = h.create_application_with_contact(ALICE, 3).await;
    let links = |h: &Harness| -> Vec<String> {
        h.mails()
            .into_iter()
            .filter(|(to, _, _)| to == "contact3@example.cn")
            .filter_map(|(_, _, text)| {
                text.split("/#/email-confirmations/")
                    .nth(1)
                    .map(|rest| rest.chars().take(32).collect())
            })
            .collect()
    };
    h.deliver_stream(now()).await.unwrap();
    assert_eq!(links(&h).len(), 1);
    let save_again = |version: u64, at: DateTime<Utc>| {
        let h = &h;
        let path = format!("/applications/{id}/form");
        async move {
            let body =
                json!({"version": version, "form": {"contact": {"email": "contact3@example.cn"}}});
            let (status, saved) = h
                .request_at("PATCH", &path, Some(ALICE), Some(&body.to_string()), at)
                .await;
            assert_eq!(status, 200, "{saved}");
            h.deliver_stream(at).await.unwrap();
            saved
        }
    };
    // Within the 72 hours the link on its way is enough.
    let saved = save_again(1, now() + chrono::Duration::hours(1)).await;
    assert_eq!(links(&h).len(), 1);
    assert_eq!(saved["contact"]["pending_email"], "contact3@example.cn");
    // After them, the same address gets a new link, which confirms.
    let later = now() + chrono::Duration::hours(73);
    let saved = save_again(2, later).await;
    let sent = links(&h);
    assert_eq!(sent.len(), 2, "{saved}");
    assert_ne!(sent[0], sent[1]);
    let (status, confirmed) = h
        .request_at(
            "POST",
            "/email-confirmations",
            None,
            Some(&json!({"token": sent[1]}).to_string()),
            later + chrono::Duration::hours(1),
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["email"], "contact3@example.cn");
}

#[tokio::test]
async fn recommending_units_are_kept_by_the_office() {
    let h = Harness::new();
    let id = unit(
        &h,
        "民勤县质量发展领导小组办公室",
        json!({"kind": "county", "division_code": "620621"}),
        &["minqin-1"],
    )
    .await;
    for (body, code) in [
        (
            json!({"name": "x", "scope": {"kind": "county", "division_code": "110101"}, "mailbox": "a@b.cn"}),
            "invalid_recommender",
        ),
        (
            json!({"name": "x", "scope": {"kind": "industry", "sections": ["Z"]}, "mailbox": "a@b.cn"}),
            "invalid_recommender",
        ),
        (
            json!({"name": "x", "scope": {"kind": "industry", "sections": ["C"]}, "mailbox": "not-mail"}),
            "invalid_email",
        ),
        // A unit's own code with a wrong check character is a typo, refused (Art. 19 recusal
        // matches on it).
        (
            json!({"name": "x", "scope": {"kind": "industry", "sections": ["C"]}, "mailbox": "a@b.cn", "uscc": mistyped_unit_code()}),
            "invalid_uscc",
        ),
    ] {
        refused_at(
            &h,
            "POST",
            "/recommenders",
            Some(OFFICE),
            Some(&body.to_string()),
            now(),
            (422, code),
        )
        .await;
    }
    // Applicants see the units to choose from, without accounts or mailboxes; experts and the
    // Committee the same, to read the chosen unit's name on the form they review.
    for reader in [ALICE, EXPERT, COMMITTEE] {
        let (status, listed) = h.request("GET", "/recommenders", Some(reader), None).await;
        assert_eq!(status, 200, "{listed}");
        assert_eq!(listed["recommenders"][0]["id"], id.as_str());
        assert_eq!(
            listed["recommenders"][0]["name"],
            "民勤县质量发展领导小组办公室"
        );
        assert!(listed["recommenders"][0].get("accounts").is_none());
        assert!(listed["recommenders"][0].get("mailbox").is_none());
        assert_eq!(listed["recommenders"][0]["mine"], false);
    }
    // A unit's own account reads which unit is its own.
    let minqin = As {
        sub: "minqin-1",
        groups: "[recommender]",
    };
    let (_, own) = h.request("GET", "/recommenders", Some(minqin), None).await;
    assert_eq!(own["recommenders"][0]["mine"], true, "{own}");
    let (_, full) = h.request("GET", "/recommenders", Some(OFFICE), None).await;
    assert_eq!(full["recommenders"][0]["accounts"], json!(["minqin-1"]));
    let update = json!({"name": "民勤县市场监督管理局", "scope": {"kind": "county", "division_code": "620621"},
        "mailbox": "minqin@wuwei.example.cn", "accounts": ["minqin-1", "minqin-2"], "active": false});
    let (status, updated) = h
        .request(
            "PUT",
            &format!("/recommenders/{id}"),
            Some(OFFICE),
            Some(&update.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let (_, listed) = h.request("GET", "/recommenders", Some(ALICE), None).await;
    assert_eq!(
        listed["recommenders"],
        json!([]),
        "an inactive unit is not offered"
    );
    let (status, _) = h
        .request("DELETE", &format!("/recommenders/{id}"), Some(OFFICE), None)
        .await;
    assert_eq!(status, 200);
    refused_at(
        &h,
        "GET",
        &format!("/recommenders/{id}"),
        Some(OFFICE),
        None,
        now(),
        (404, "recommender_not_found"),
    )
    .await;
}

#[tokio::test]
async fn a_unit_with_applications_waiting_cannot_be_deleted() {
    let h = Harness::new();
    h.open_cycle().await;
    let (id, county) = ready_application(&h).await;
    h.request_at(
        "POST",
        &format!("/applications/{id}/submit"),
        Some(ALICE),
        None,
        june(),
    )
    .await;
    refused_at(
        &h,
        "DELETE",
        &format!("/recommenders/{county}"),
        Some(OFFICE),
        None,
        june(),
        (409, "recommender_in_use"),
    )
    .await;
}

/// Every role (and no token) against every route: a role the route does not allow is refused
/// with 403 (no token: 401) and nothing written; an allowed one passes the route's check.
#[tokio::test]
async fn the_role_matrix_of_every_route() {
    let h = Harness::new();
    h.open_cycle().await;
    let id = h.create_application(ALICE, 1).await;
    let callers: [(Option<Role>, Option<As<'static>>); 7] = [
        (None, None),
        (Some(Role::Applicant), Some(BOB)),
        (Some(Role::Recommender), Some(OTHER_UNIT)),
        (Some(Role::Office), Some(OFFICE)),
        (Some(Role::Expert), Some(EXPERT)),
        (Some(Role::Committee), Some(COMMITTEE)),
        (Some(Role::Finance), Some(FINANCE)),
    ];
    for route in routes() {
        let path = route
            .path
            .replace(
                "{id}",
                if route.path.starts_with("/cycles") {
                    "2026"
                } else {
                    &id
                },
            )
            .replace("{doc}", &ulid::Ulid::nil().to_string());
        let path = if route.path.starts_with("/recommenders/") {
            format!("/recommenders/{}", ulid::Ulid::nil())
        } else {
            path
        };
        for (role, caller) in callers {
            let allowed = match route.access {
                Access::Public => true,
                Access::Roles(roles) => role.is_some_and(|role| roles.contains(&role)),
            };
            let before = h.last_sequence();
            // No body: what an allowed caller gets is the use case's answer, never the router's.
            let (status, reply) = h.request(route.method, &path, caller, None).await;
            if allowed {
                assert!(
                    status != 401 && status != 403 && status != 405,
                    "{route:?} as {role:?}: {status} {reply}"
                );
            } else {
                let expected = if caller.is_none() { 401 } else { 403 };
                assert_eq!(status, expected, "{route:?} as {role:?}: {reply}");
                assert_eq!(h.last_sequence(), before, "{route:?} as {role:?} wrote");
            }
        }
    }
}

/// A government unit's credit code (11…) with its check character changed.
fn mistyped_unit_code() -> String {
    let first = "11620600013922511";
    let right = award_domain::uscc::check_character(first).unwrap();
    let wrong = if right == '0' { '1' } else { '0' };
    format!("{first}{wrong}")
}
