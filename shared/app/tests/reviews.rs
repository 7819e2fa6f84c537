//! Expert review (Arts. 8, 9(2), 11(5)–(7), 19, 20) over the embedded adapters, through the same
//! entry points as the Lambda functions: the pool, recusal, the draw, the declaration and pledge,
//! confidential scoring, the `aggregate` stream handler, consensus, the shortlist, the on-site
//! review and survey, the combined evaluation and the exports.

mod common;

use award_app::events;
use award_app::stages::{cycles, reviews, screening};
use award_domain::form::{ApplicationForm, DocumentCategory};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::*;
use serde_json::{Value, json};

const UNIT: As<'static> = As {
    sub: "liangzhou-qo-1",
    groups: "[recommender]",
};

fn china(y: i32, m: u32, d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, hour, 0, 0).unwrap() - chrono::Duration::hours(8)
}

fn expert_caller(i: u32) -> As<'static> {
    As {
        sub: Box::leak(format!("expert-{i}").into_boxed_str()),
        groups: "[expert]",
    }
}

/// `count` applications recommended, screened and confirmed eligible, the cycle in review.
async fn eligible_applications(h: &Harness, count: u32) -> Vec<String> {
    let ids = recommended_applications(h, count).await;
    screening::table_changes(&h.app, &h.changes_after(0), china(2026, 7, 10, 11))
        .await
        .unwrap()
        .finish()
        .unwrap();
    // The recommendation deadline (31 July) has passed: the cycle moves on to review.
    cycles::advance_cycles(&h.app, china(2026, 8, 1, 1))
        .await
        .unwrap();
    for id in &ids {
        let (status, confirmed) = h
            .request_at(
                "POST",
                &format!("/applications/{id}/screening/confirm"),
                Some(OFFICE),
                None,
                china(2026, 8, 3, 10),
            )
            .await;
        assert_eq!(status, 200, "{confirmed}");
        assert_eq!(confirmed["lifecycle"]["state"], "eligible");
    }
    ids
}

/// `count` applications submitted and recommended (10 July 2026), not screened yet.
async fn recommended_applications(h: &Harness, count: u32) -> Vec<String> {
    h.open_cycle().await;
    let unit = json!({
        "name": "凉州区质量发展领导小组办公室",
        "scope": {"kind": "county", "division_code": "620602"},
        "mailbox": "liangzhou-qo-1@wuwei.example.cn", "accounts": [UNIT.sub],
    });
    let (status, unit) = h
        .request(
            "POST",
            "/recommenders",
            Some(OFFICE),
            Some(&unit.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{unit}");
    let june = china(2026, 6, 1, 10);
    let mut ids = Vec::new();
    for i in 1..=count {
        let caller = applicant(i);
        let mut form =
            ApplicationForm::sample_complete(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        form.organisation.uscc = uscc(i);
        form.organisation.name = format!("武威第{i}质量有限公司");
        form.contact.email = format!("{}@example.cn", caller.sub);
        let body = json!({
            "organisation_name": form.organisation.name,
            "uscc": form.organisation.uscc,
            "registration_date": form.organisation.registration_date.unwrap().to_string(),
            "division_code": form.organisation.division_code,
            "contact_email": form.contact.email,
        });
        let (status, created) = h
            .request_at(
                "POST",
                "/applications",
                Some(caller),
                Some(&body.to_string()),
                june,
            )
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let update = json!({"version": 1, "form": form, "recommender_id": unit["id"]});
        let (status, saved) = h
            .request_at(
                "PUT",
                &format!("/applications/{id}/form"),
                Some(caller),
                Some(&update.to_string()),
                june,
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        for category in DocumentCategory::required_for_submission(false) {
            let content = format!("%PDF-1.4 {} {i}", category.as_str());
            let (status, declared) = h
                .declare_as(caller, &id, category.as_str(), content.as_bytes())
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
                Some(caller),
                None,
                june,
            )
            .await;
        assert_eq!(status, 200, "{submitted}");
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
        ids.push(id);
    }
    ids
}

/// Expert `i` of the pool; `employer_uscc` and `history` make the conflicts.
fn expert_body(i: u32, employer_uscc: &str, history: Value) -> Value {
    json!({
        "account": format!("expert-{i}"),
        "profile": {
            "name": format!("专家{i}"),
            "sector": if i.is_multiple_of(2) { "university" } else { "association" },
            "employer": format!("第{i}单位"),
            "employer_uscc": employer_uscc,
            "history": history,
            "specialities": if i <= 4 { json!(["C"]) } else { json!(["C", "M"]) },
            "email": format!("expert-{i}@example.cn"),
            "relations": [],
        }
    })
}

/// Eight experts; expert 7 works for applicant 1, expert 8 left applicant 2 a year ago.
async fn pool(h: &Harness) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 1..=8u32 {
        let (employer, history) = match i {
            7 => (uscc(1), json!([])),
            8 => (
                uscc(900),
                json!([{"employer": "武威第2质量有限公司", "uscc": uscc(2), "from": "2020-01-01", "until": "2025-08-31"}]),
            ),
            _ => (uscc(100 + i), json!([])),
        };
        let (status, expert) = h
            .request_at(
                "POST",
                "/experts",
                Some(OFFICE),
                Some(&expert_body(i, &employer, history).to_string()),
                china(2026, 8, 3, 9),
            )
            .await;
        assert_eq!(status, 201, "{expert}");
        ids.push(expert["id"].as_str().unwrap().to_owned());
    }
    ids
}

async fn my_reviews(h: &Harness, expert: u32) -> Vec<Value> {
    let (status, body) = h
        .request("GET", "/reviews", Some(expert_caller(expert)), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["reviews"].as_array().unwrap().clone()
}

/// Every rubric item at `percent`, with `overrides`.
fn sheet(percent: u8, overrides: &[(&str, u8)]) -> Value {
    let rules = award_domain::rules::ReviewRules::default();
    let mut items = serde_json::Map::new();
    for item in rules.rubric.items() {
        items.insert(item.id.clone(), json!(percent));
    }
    for (id, value) in overrides {
        items.insert((*id).to_owned(), json!(value));
    }
    Value::Object(items)
}

async fn accept_and_submit(
    h: &Harness,
    expert: u32,
    app: &str,
    phase: &str,
    items: Value,
    at: DateTime<Utc>,
) {
    let caller = expert_caller(expert);
    let (status, declared) = h
        .request_at(
            "POST",
            &format!("/reviews/{app}/{phase}/declaration"),
            Some(caller),
            Some(r#"{"conflict": false, "pledge": true}"#),
            at,
        )
        .await;
    assert_eq!(status, 200, "{declared}");
    let (status, mine) = h
        .request_at(
            "GET",
            &format!("/reviews/{app}/{phase}"),
            Some(caller),
            None,
            at,
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    let body = json!({"version": mine["version"], "items": items, "comments": {"4.1": "领导作用发挥充分。"}});
    let (status, submitted) = h
        .request_at(
            "POST",
            &format!("/reviews/{app}/{phase}/submit"),
            Some(caller),
            Some(&body.to_string()),
            at,
        )
        .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["assignment"]["status"], "submitted");
}

/// The experts on an application's panel in `phase`, by their pool number (1–8), leader first.
async fn panel_of(h: &Harness, experts: &[String], app: &str, phase: &str) -> Vec<u32> {
    let (status, view) = h
        .request(
            "GET",
            &format!("/applications/{app}/reviews/{phase}"),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    let mut panel: Vec<(bool, u32)> = view["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|sheet| sheet["counts"] == true)
        .map(|sheet| {
            let id = sheet["expert_id"].as_str().unwrap();
            let number = experts.iter().position(|e| e == id).unwrap() as u32 + 1;
            (sheet["leader"] != true, number)
        })
        .collect();
    panel.sort();
    panel.into_iter().map(|(_, number)| number).collect()
}

#[tokio::test]
async fn a_whole_review_from_the_draw_to_three_candidates() {
    let h = Harness::new();
    let apps = eligible_applications(&h, 6).await;
    let experts = pool(&h).await;
    let day = china(2026, 8, 5, 10);

    // --- the draw: 5 experts per application, never a conflicted pair, load ≤ ⌈30/8⌉ + 1 = 5.
    let (status, draw) = h
        .request_at(
            "POST",
            "/cycles/2026/assignments",
            Some(OFFICE),
            Some(r#"{"phase": "document", "seed": 20260805}"#),
            day,
        )
        .await;
    assert_eq!(status, 200, "{draw}");
    assert_eq!(draw["seed"], 20260805);
    assert_eq!(draw["load_bound"], 5);
    let panels = draw["panels"].as_object().unwrap();
    assert_eq!(panels.len(), 6);
    for (app, drawn) in panels {
        let drawn: Vec<&str> = drawn
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert_eq!(drawn.len(), 5);
        if app == &apps[0] {
            assert!(
                !drawn.contains(&experts[6].as_str()),
                "expert 7 works for applicant 1"
            );
        }
        if app == &apps[1] {
            assert!(
                !drawn.contains(&experts[7].as_str()),
                "expert 8 worked for applicant 2"
            );
        }
    }
    // A second draw finds every panel full: refused, nothing written.
    let before = h.last_sequence();
    let (status, again) = h
        .request_at(
            "POST",
            "/cycles/2026/assignments",
            Some(OFFICE),
            Some(r#"{"phase": "document"}"#),
            day,
        )
        .await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("nothing_to_draw"))
    );
    assert_eq!(h.last_sequence(), before);
    // The Office cannot put a conflicted expert on a panel by hand either.
    let manual = json!({"phase": "document", "expert_id": experts[6]});
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{}/assignments", apps[0]),
            Some(OFFICE),
            Some(&manual.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("expert_conflicted")),
        "{refused}"
    );
    assert_eq!(refused["details"][0]["kind"], "employer");
    assert_eq!(h.last_sequence(), before);

    // Each drawn expert was told, and sees only the organisation's name before declaring.
    h.deliver_stream(day).await.unwrap();
    let assigned_mails = h
        .mails()
        .into_iter()
        .filter(|(_, subject, _)| subject.contains("评审任务（资料评审）"))
        .count();
    assert_eq!(assigned_mails, 30);
    let first = panel_of(&h, &experts, &apps[0], "document").await;
    let member = first[1];
    let (status, mine) = h
        .request_at(
            "GET",
            &format!("/reviews/{}/document", apps[0]),
            Some(expert_caller(member)),
            None,
            day,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        mine["rubric"],
        Value::Null,
        "no rubric, no evidence before the pledge"
    );
    // Before the pledge, the application and its evidence stay closed to its own panel member.
    let (status, _) = h
        .request_at(
            "GET",
            &format!("/applications/{}", apps[0]),
            Some(expert_caller(member)),
            None,
            day,
        )
        .await;
    assert_eq!(status, 404);
    // Scoring before the declaration is refused.
    let body = json!({"version": mine["version"], "items": sheet(50, &[])});
    let (status, refused) = h
        .request_at(
            "PUT",
            &format!("/reviews/{}/document/sheet", apps[0]),
            Some(expert_caller(member)),
            Some(&body.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("declaration_required"))
    );

    // --- a declared conflict: withdrawn, the Office told, a replacement drawn at once.
    let (status, declared) = h
        .request_at(
            "POST",
            &format!("/reviews/{}/document/declaration", apps[0]),
            Some(expert_caller(member)),
            Some(r#"{"conflict": true, "reason": "曾为该单位提供咨询服务"}"#),
            day,
        )
        .await;
    assert_eq!(status, 200, "{declared}");
    assert_eq!(declared["assignment"]["status"], "withdrawn");
    match declared["replacement"]["panels"][&apps[0]].as_array() {
        Some(replacement) => {
            assert_eq!(replacement.len(), 1);
            assert_ne!(replacement[0], experts[6].as_str());
            assert_ne!(replacement[0], experts[member as usize - 1].as_str());
        }
        None => {
            // The experts left may all be at the load bound (the ids, hence the draw, differ from
            // run to run): the Office is told and assigns one by hand, under the recusal rule.
            assert_eq!(
                declared["replacement_error"], "assignment_infeasible",
                "{declared}"
            );
            let current = panel_of(&h, &experts, &apps[0], "document").await;
            let eligible = (1..=6)
                .find(|e| !current.contains(e) && *e != member)
                .unwrap();
            let manual = json!({"phase": "document", "expert_id": experts[eligible as usize - 1]});
            let (status, assigned) = h
                .request_at(
                    "POST",
                    &format!("/applications/{}/assignments", apps[0]),
                    Some(OFFICE),
                    Some(&manual.to_string()),
                    day,
                )
                .await;
            assert_eq!(status, 201, "{assigned}");
        }
    }
    let first = panel_of(&h, &experts, &apps[0], "document").await;
    assert_eq!(first.len(), 5);
    assert!(!first.contains(&member));

    // --- scoring: apps 1–4 around 70 %, apps 5–6 at 40 %; on app 1 one expert disagrees on 4.1.2.
    let mut disagreeing = None;
    for (index, app) in apps.iter().enumerate() {
        let panel = panel_of(&h, &experts, app, "document").await;
        let base = if index < 4 { 70 + 5 * index as u8 } else { 40 };
        for (position, expert) in panel.iter().enumerate() {
            let items = if index == 0 && position == 4 {
                disagreeing = Some(*expert);
                sheet(base, &[("4.1.2", 10)])
            } else {
                sheet(base, &[])
            };
            accept_and_submit(&h, *expert, app, "document", items, day).await;
        }
    }
    // An expert never drawn for it reads neither the application nor anyone's sheet; the one who
    // declared the conflict no longer reads the application either.
    let current = panel_of(&h, &experts, &apps[0], "document").await;
    let outsider = (1..=8)
        .find(|e| !current.contains(e) && *e != member)
        .unwrap();
    let (status, _) = h
        .request_at(
            "GET",
            &format!("/applications/{}", apps[0]),
            Some(expert_caller(member)),
            None,
            day,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = h
        .request_at(
            "GET",
            &format!("/applications/{}", apps[0]),
            Some(expert_caller(outsider)),
            None,
            day,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = h
        .request_at(
            "GET",
            &format!("/reviews/{}/document", apps[0]),
            Some(expert_caller(outsider)),
            None,
            day,
        )
        .await;
    assert_eq!(status, 404);
    // The first submitted sheet froze the cycle's rules (Art. 20).
    let (_, cycle) = h.request("GET", "/cycles/2026", Some(OFFICE), None).await;
    assert!(
        cycle["cycle"]["rules_frozen_at"].is_string() || cycle["rules_frozen_at"].is_string(),
        "{cycle}"
    );

    // --- the `aggregate` stream handler: every panel complete; app 1 needs a consensus.
    let records = h.changes_after(0);
    let report = reviews::table_changes(&h.app, &records, day)
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert!(report.changed >= 6, "{report:?}");
    // Delivered again: nothing more is written.
    let settled = h.last_sequence();
    let report = reviews::table_changes(&h.app, &h.changes_after(0), day)
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(report.changed, 0, "{report:?}");
    assert_eq!(h.last_sequence(), settled);
    let (_, app1) = h
        .request(
            "GET",
            &format!("/applications/{}/reviews/document", apps[0]),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(app1["state"], "eligible");
    assert_eq!(
        app1["review"]["result"]["needs_consensus"],
        json!(["4.1.2"])
    );
    let (_, app2) = h
        .request(
            "GET",
            &format!("/applications/{}/reviews/document", apps[1]),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(app2["state"], "document_reviewed");
    // The applicant sees its stage, never a score.
    let (_, own) = h
        .request(
            "GET",
            &format!("/applications/{}", apps[1]),
            Some(applicant(2)),
            None,
        )
        .await;
    assert_eq!(own["lifecycle"]["state"], "document_reviewed");
    assert!(
        own["application"]["reviews"]
            .as_object()
            .is_none_or(|r| r.is_empty()),
        "{own}"
    );

    // --- consensus: only the leader, only on the disputed item, with a note.
    let leader = panel_of(&h, &experts, &apps[0], "document").await[0];
    let not_leader = disagreeing.filter(|e| *e != leader).unwrap_or(first[1]);
    let consensus = json!({"items": {"4.1.2": {"percent": 70, "note": "合议后统一为70%。"}}});
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/reviews/{}/document/consensus", apps[0]),
            Some(expert_caller(not_leader)),
            Some(&consensus.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("not_panel_leader"))
    );
    let (_, round) = h
        .request_at(
            "GET",
            &format!("/reviews/{}/document", apps[0]),
            Some(expert_caller(leader)),
            None,
            day,
        )
        .await;
    assert_eq!(round["consensus_round"]["items"], json!(["4.1.2"]));
    // The panel's comments on the disputed item's category, unnamed, one per counted sheet.
    let counted = round["consensus_round"]["percents"]["4.1.2"]
        .as_array()
        .map(Vec::len);
    let comments = &round["consensus_round"]["comments"];
    assert_eq!(comments.as_object().map(|c| c.len()), Some(1), "{round}");
    assert_eq!(comments["4.1"].as_array().map(Vec::len), counted, "{round}");
    assert!(
        comments["4.1"]
            .as_array()
            .unwrap()
            .iter()
            .all(|comment| comment == "领导作用发挥充分。"),
        "{round}"
    );
    let (status, done) = h
        .request_at(
            "POST",
            &format!("/reviews/{}/document/consensus", apps[0]),
            Some(expert_caller(leader)),
            Some(&consensus.to_string()),
            day,
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["outcome"], "completed");

    // --- shortlist: ≥ 500 points → apps 1–4.
    let (status, proposal) = h
        .request("GET", "/cycles/2026/shortlist", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{proposal}");
    let shortlisted: Vec<String> = proposal["shortlisted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["application_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shortlisted.len(), 4);
    assert!(shortlisted.iter().all(|id| apps[..4].contains(id)));
    let wrong = json!({"applications": &apps[..3]});
    let (status, refused) = h
        .request(
            "POST",
            "/cycles/2026/shortlist/confirm",
            Some(OFFICE),
            Some(&wrong.to_string()),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("list_changed"))
    );
    let confirm = json!({"applications": shortlisted});
    let (status, decided) = h
        .request(
            "POST",
            "/cycles/2026/shortlist/confirm",
            Some(OFFICE),
            Some(&confirm.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["not_selected"].as_array().unwrap().len(), 2);

    // --- on-site: panels of 3, the visit, the report, the survey.
    let onsite_day = china(2026, 9, 10, 10);
    let (status, draw) = h
        .request_at(
            "POST",
            "/cycles/2026/assignments",
            Some(OFFICE),
            Some(r#"{"phase": "onsite", "seed": 7}"#),
            onsite_day,
        )
        .await;
    assert_eq!(status, 200, "{draw}");
    assert_eq!(draw["panels"].as_object().unwrap().len(), 4);
    // The conflict declared in the document review bars the expert from the on-site panel too,
    // whether drawn or assigned by hand (Art. 19).
    assert!(
        !panel_of(&h, &experts, &apps[0], "onsite")
            .await
            .contains(&member)
    );
    let manual = json!({"phase": "onsite", "expert_id": experts[member as usize - 1]});
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/applications/{}/assignments", apps[0]),
            Some(OFFICE),
            Some(&manual.to_string()),
            onsite_day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("expert_conflicted")),
        "{refused}"
    );
    // A visit dated before the review is refused.
    let (status, refused) = h
        .request_at(
            "PUT",
            &format!("/applications/{}/onsite-visit", apps[0]),
            Some(OFFICE),
            Some(r#"{"date": "2020-01-01"}"#),
            onsite_day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_visit_date"))
    );
    for (index, app) in apps[..4].iter().enumerate() {
        let visit = json!({"date": "2026-09-15", "notes": "现场查看生产线。"});
        let (status, recorded) = h
            .request_at(
                "PUT",
                &format!("/applications/{app}/onsite-visit"),
                Some(OFFICE),
                Some(&visit.to_string()),
                onsite_day,
            )
            .await;
        assert_eq!(status, 200, "{recorded}");
        for expert in panel_of(&h, &experts, app, "onsite").await {
            accept_and_submit(
                &h,
                expert,
                app,
                "onsite",
                sheet(90 - 5 * index as u8, &[]),
                onsite_day,
            )
            .await;
        }
        // Without the survey and the report the on-site review is not complete.
        let (_, outcome) = h
            .request_at(
                "POST",
                &format!("/applications/{app}/reviews/onsite/aggregate"),
                Some(OFFICE),
                None,
                onsite_day,
            )
            .await;
        assert_eq!(outcome["outcome"], "recorded", "{outcome}");
        assert_eq!(
            outcome["waiting_for"],
            json!(["satisfaction_survey", "review_report"])
        );
        let content = format!("%PDF-1.4 现场评审报告 {index}");
        let (status, declared) = h
            .declare_as(OFFICE, app, "review_report", content.as_bytes())
            .await;
        assert_eq!(status, 201, "{declared}");
        let key = h.upload(&declared["upload"], content.as_bytes());
        events::object_created(&h.app, s3_event(&key, content.len()), now())
            .await
            .unwrap();
        // The panel's report is the Office's: the applicant neither sees it listed nor downloads it.
        let report = declared["document"]["id"].as_str().unwrap();
        let (_, own) = h
            .request(
                "GET",
                &format!("/applications/{app}"),
                Some(applicant(index as u32 + 1)),
                None,
            )
            .await;
        assert!(
            own["documents"]
                .as_array()
                .unwrap()
                .iter()
                .all(|document| document["id"] != report),
            "{own}"
        );
        let (status, _) = h
            .request(
                "GET",
                &format!("/applications/{app}/documents/{report}/download"),
                Some(applicant(index as u32 + 1)),
                None,
            )
            .await;
        assert_eq!(status, 404);
        let survey = json!({"score": 90 - index as i64, "respondents": 120, "method": "问卷调查"});
        let (status, outcome) = h
            .request_at(
                "PUT",
                &format!("/applications/{app}/survey"),
                Some(OFFICE),
                Some(&survey.to_string()),
                onsite_day,
            )
            .await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome["outcome"], "completed", "{outcome}");
    }

    // --- the combined evaluation: three candidates (the quota), best first.
    let (status, ranking) = h
        .request("GET", "/cycles/2026/ranking", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{ranking}");
    let candidates: Vec<String> = ranking["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(candidates, apps[..3].to_vec(), "{ranking}");
    // The Committee reads the same list with its scores for its deliberation; an expert does not.
    let (status, committee_view) = h
        .request("GET", "/cycles/2026/ranking", Some(COMMITTEE), None)
        .await;
    assert_eq!((status, &committee_view), (200, &ranking));
    assert_eq!(
        h.request("GET", "/cycles/2026/ranking", Some(EXPERT), None)
            .await
            .0,
        403
    );
    let send = json!({"applications": candidates});
    let (status, sent) = h
        .request(
            "POST",
            "/cycles/2026/candidates",
            Some(OFFICE),
            Some(&send.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let (_, listed) = h
        .request(
            "GET",
            "/cycles/2026/applications?state=candidate",
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(listed["applications"].as_array().unwrap().len(), 3);

    // --- the exports.
    let (status, csv) = h
        .request(
            "GET",
            "/cycles/2026/scores.csv?phase=document",
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("\u{FEFF}申报编号,单位名称,专家,评分项"));
    // 30 counted sheets × 23 rubric items, plus the header.
    let items = award_domain::rules::ReviewRules::default()
        .rubric
        .items()
        .count();
    assert_eq!(csv.lines().count(), 1 + 30 * items);
    let (status, csv) = h
        .request("GET", "/cycles/2026/ranking.csv", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(csv.as_str().unwrap().lines().count(), 1 + 4);
}

#[tokio::test]
async fn a_disqualified_experts_scores_stop_counting_and_its_open_work_is_withdrawn() {
    let h = Harness::new();
    let apps = eligible_applications(&h, 2).await;
    let experts = pool(&h).await;
    let day = china(2026, 8, 5, 10);
    let (status, _) = h
        .request_at(
            "POST",
            "/cycles/2026/assignments",
            Some(OFFICE),
            Some(r#"{"phase": "document", "seed": 1}"#),
            day,
        )
        .await;
    assert_eq!(status, 200);
    let panel = panel_of(&h, &experts, &apps[0], "document").await;
    for expert in &panel[..4] {
        accept_and_submit(&h, *expert, &apps[0], "document", sheet(60, &[]), day).await;
    }
    let last = panel[4];
    // The Office hands the lead to another member; a withdrawn or unknown expert cannot lead.
    let leader_path = |expert: u32| {
        format!(
            "/applications/{}/assignments/document/{}/leader",
            apps[0],
            experts[expert as usize - 1]
        )
    };
    let (status, led) = h
        .request_at("POST", &leader_path(panel[1]), Some(OFFICE), None, day)
        .await;
    assert_eq!((status, &led["leader"]), (200, &json!(true)), "{led}");
    assert_eq!(
        panel_of(&h, &experts, &apps[0], "document").await[0],
        panel[1]
    );
    let stranger = (1..=8).find(|e| !panel.contains(e)).unwrap();
    let (status, refused) = h
        .request_at("POST", &leader_path(stranger), Some(OFFICE), None, day)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("assignment_not_found"))
    );
    // Disqualified before submitting: its assignment is withdrawn; with 4 counted sheets all in,
    // the panel's result is final.
    let status_body = json!({"status": "disqualified", "reason": "泄露评审信息"});
    let (status, expert) = h
        .request_at(
            "POST",
            &format!("/experts/{}/status", experts[last as usize - 1]),
            Some(OFFICE),
            Some(&status_body.to_string()),
            day,
        )
        .await;
    assert_eq!(status, 200, "{expert}");
    assert_eq!(expert["status"], "disqualified");
    let (_, view) = h
        .request(
            "GET",
            &format!("/applications/{}/reviews/document", apps[0]),
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(view["state"], "document_reviewed", "{view}");
    assert_eq!(view["review"]["result"]["experts"], 4);
    assert!(
        my_reviews(&h, last)
            .await
            .iter()
            .all(|r| r["status"] == "withdrawn" || r["application_id"] != apps[0].as_str())
    );
    // Its access ends with it.
    let (status, _) = h
        .request_at(
            "GET",
            &format!("/applications/{}", apps[0]),
            Some(expert_caller(last)),
            None,
            day,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_review_input_gets_a_clear_error_and_changes_nothing() {
    let h = Harness::new();
    let apps = eligible_applications(&h, 1).await;
    let experts = pool(&h).await;
    let day = china(2026, 8, 5, 10);
    let before = h.last_sequence();
    let mut bad = expert_body(9, "not a uscc", json!([]));
    bad["profile"]["specialities"] = json!([]);
    let (status, refused) = h
        .request_at(
            "POST",
            "/experts",
            Some(OFFICE),
            Some(&bad.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_expert")),
        "{refused}"
    );
    assert!(
        refused["details"].as_array().unwrap().len() >= 2,
        "{refused}"
    );
    let taken = expert_body(1, &uscc(500), json!([]));
    let (status, refused) = h
        .request_at(
            "POST",
            "/experts",
            Some(OFFICE),
            Some(&taken.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("expert_account_taken"))
    );
    let (status, refused) = h
        .request_at(
            "POST",
            "/cycles/2026/assignments",
            Some(OFFICE),
            Some(r#"{"phase": "final"}"#),
            day,
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let (status, refused) = h
        .request_at(
            "GET",
            &format!("/reviews/{}/final", apps[0]),
            Some(expert_caller(1)),
            None,
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (404, Some("phase_not_found"))
    );
    // Only the Office draws; an expert cannot.
    let (status, _) = h
        .request_at(
            "POST",
            "/cycles/2026/assignments",
            Some(expert_caller(1)),
            Some(r#"{"phase": "document"}"#),
            day,
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(h.last_sequence(), before);

    // Off-step percentages and unknown items are refused; nothing is saved.
    h.request_at(
        "POST",
        "/cycles/2026/assignments",
        Some(OFFICE),
        Some(r#"{"phase": "document", "seed": 3}"#),
        day,
    )
    .await;
    let member = panel_of(&h, &experts, &apps[0], "document").await[0];
    let caller = expert_caller(member);
    h.request_at(
        "POST",
        &format!("/reviews/{}/document/declaration", apps[0]),
        Some(caller),
        Some(r#"{"conflict": false, "pledge": false}"#),
        day,
    )
    .await;
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/reviews/{}/document/declaration", apps[0]),
            Some(caller),
            Some(r#"{"conflict": false}"#),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("pledge_required"))
    );
    let (status, _) = h
        .request_at(
            "POST",
            &format!("/reviews/{}/document/declaration", apps[0]),
            Some(caller),
            Some(r#"{"conflict": false, "pledge": true}"#),
            day,
        )
        .await;
    assert_eq!(status, 200);
    let (_, mine) = h
        .request_at(
            "GET",
            &format!("/reviews/{}/document", apps[0]),
            Some(caller),
            None,
            day,
        )
        .await;
    let version = mine["version"].clone();
    let saved = h.last_sequence();
    for items in [sheet(52, &[]), json!({"9.9.9": 50}), json!({"4.1.2": 105})] {
        let body = json!({"version": version, "items": items});
        let (status, refused) = h
            .request_at(
                "PUT",
                &format!("/reviews/{}/document/sheet", apps[0]),
                Some(caller),
                Some(&body.to_string()),
                day,
            )
            .await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (422, Some("invalid_scores")),
            "{refused}"
        );
    }
    // A partial draft is fine; submitting it is not.
    let body = json!({"version": version, "items": {"4.1.2": 50}});
    let (status, draft) = h
        .request_at(
            "PUT",
            &format!("/reviews/{}/document/sheet", apps[0]),
            Some(caller),
            Some(&body.to_string()),
            day,
        )
        .await;
    assert_eq!(status, 200, "{draft}");
    assert!(h.last_sequence() > saved);
    let body = json!({"version": draft["version"], "items": {"4.1.2": 50}});
    let (status, refused) = h
        .request_at(
            "POST",
            &format!("/reviews/{}/document/submit", apps[0]),
            Some(caller),
            Some(&body.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("invalid_scores"))
    );
    // A stale version is refused.
    let body = json!({"version": version, "items": {"4.1.2": 55}});
    let (status, refused) = h
        .request_at(
            "PUT",
            &format!("/reviews/{}/document/sheet", apps[0]),
            Some(caller),
            Some(&body.to_string()),
            day,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("stale_version"))
    );
}

#[tokio::test]
async fn the_aggregate_stream_filter_passes_submitted_sheets_and_received_review_reports_only() {
    let template = include_str!("../../../infra/template.yaml");
    let start = template.find("  AggregateFunction:").unwrap();
    let patterns: Vec<Value> = template[start..]
        .lines()
        .take_while(|line| !line.contains("DestinationConfig"))
        .filter_map(|line| line.trim().strip_prefix("- Pattern: '"))
        .filter_map(|rest| rest.strip_suffix('\''))
        .map(|pattern| serde_json::from_str(pattern).unwrap())
        .collect();
    assert_eq!(patterns.len(), 2);
    let h = Harness::new();
    let apps = eligible_applications(&h, 1).await;
    let experts = pool(&h).await;
    let day = china(2026, 8, 5, 10);
    h.request_at(
        "POST",
        "/cycles/2026/assignments",
        Some(OFFICE),
        Some(r#"{"phase": "document", "seed": 5}"#),
        day,
    )
    .await;
    let before = h.last_sequence();
    let member = panel_of(&h, &experts, &apps[0], "document").await[0];
    accept_and_submit(&h, member, &apps[0], "document", sheet(60, &[]), day).await;
    let mut passed = Vec::new();
    for change in h.changes_after(before) {
        let Some(image) = change.new_image else {
            continue;
        };
        let event = json!({
            "eventName": "MODIFY",
            "dynamodb": {"NewImage": serde_json::to_value(&image).unwrap()},
        });
        if patterns
            .iter()
            .any(|pattern| filter_matches(pattern, &event))
        {
            passed.push(image.as_ref().get("type").cloned());
        }
    }
    // Of the declaration, the draft and the submission (assignment, audit records, the cycle
    // frozen), only the submitted sheet's image passes.
    assert_eq!(passed.len(), 1, "{passed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_all_land_and_freeze_the_rules_once() {
    let h = std::sync::Arc::new(Harness::new());
    let apps = eligible_applications(&h, 1).await;
    let experts = pool(&h).await;
    let day = china(2026, 8, 5, 10);
    h.request_at(
        "POST",
        "/cycles/2026/assignments",
        Some(OFFICE),
        Some(r#"{"phase": "document", "seed": 9}"#),
        day,
    )
    .await;
    let panel = panel_of(&h, &experts, &apps[0], "document").await;
    let mut versions = Vec::new();
    for expert in &panel {
        let caller = expert_caller(*expert);
        let path = format!("/reviews/{}/document", apps[0]);
        h.request_at(
            "POST",
            &format!("{path}/declaration"),
            Some(caller),
            Some(r#"{"conflict": false, "pledge": true}"#),
            day,
        )
        .await;
        let (_, mine) = h.request_at("GET", &path, Some(caller), None, day).await;
        versions.push((*expert, mine["version"].clone()));
    }
    // The evidence is open to a panel member who accepted the pledge, and every link is logged.
    let (_, application) = h
        .request_at(
            "GET",
            &format!("/applications/{}", apps[0]),
            Some(expert_caller(panel[0])),
            None,
            day,
        )
        .await;
    let document = application["documents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let download = format!("/applications/{}/documents/{document}/download", apps[0]);
    let (status, link) = h
        .request_at("GET", &download, Some(expert_caller(panel[0])), None, day)
        .await;
    assert_eq!(status, 200, "{link}");
    let outsider = (1..=8).find(|e| !panel.contains(e)).unwrap();
    let (status, _) = h
        .request_at("GET", &download, Some(expert_caller(outsider)), None, day)
        .await;
    assert_eq!(status, 404);
    let (_, log) = h
        .request(
            "GET",
            &format!("/applications/{}/access-log", apps[0]),
            Some(OFFICE),
            None,
        )
        .await;
    assert!(
        log["access_log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["actor_sub"] == expert_caller(panel[0]).sub),
        "{log}"
    );

    let mut tasks = tokio::task::JoinSet::new();
    for (expert, version) in versions {
        let h = h.clone();
        let app = apps[0].clone();
        tasks.spawn(async move {
            let body = json!({"version": version, "items": sheet(60, &[])});
            h.request_at(
                "POST",
                &format!("/reviews/{app}/document/submit"),
                Some(expert_caller(expert)),
                Some(&body.to_string()),
                day,
            )
            .await
            .0
        });
    }
    let statuses = tasks.join_all().await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let (_, view) = h
        .request(
            "GET",
            &format!("/applications/{}/reviews/document", apps[0]),
            Some(OFFICE),
            None,
        )
        .await;
    let submitted = view["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|sheet| sheet["status"] == "submitted")
        .count();
    assert_eq!(submitted, 5, "{view}");
    let frozen = h
        .changes_after(0)
        .into_iter()
        .filter_map(|change| change.new_image)
        .filter(|image| {
            image
                .as_ref()
                .get("action")
                .and_then(|action| match action {
                    award_ports::table::AttributeValue::S(text) => Some(text.as_str()),
                    _ => None,
                })
                == Some("rules_frozen")
        })
        .count();
    assert_eq!(frozen, 1, "the first submission alone freezes the rules");
    // The stream then completes the review once.
    let report = reviews::table_changes(&h.app, &h.changes_after(0), day)
        .await
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
}

// --- the stream functions' batches, as Lambda delivers them -------------------------------------

/// The records as one stream event, in the wire format Lambda delivers.
fn stream_batch(records: &[&award_ports::ChangeRecord]) -> events::StreamRecords {
    let records: Vec<award_ports::ChangeRecord> = records.iter().copied().cloned().collect();
    serde_json::from_value(json!({ "Records": wire_records(&records) })).unwrap()
}

/// Whether the application a change record is of has a screening stored.
async fn screened(h: &Harness, change: &award_ports::ChangeRecord) -> bool {
    use award_ports::Table;
    let item = h.table.get(&change.key).await.unwrap().unwrap();
    award_app::store::from_item::<award_app::model::Application>(item)
        .unwrap()
        .record
        .screening
        .is_some()
}

#[tokio::test]
async fn a_batch_whose_middle_record_fails_names_it_and_is_delivered_again_from_it() {
    let h = Harness::new();
    recommended_applications(&h, 3).await;
    // Each application's (last) record of becoming recommended, in stream order.
    let mut recommended: Vec<award_ports::ChangeRecord> = h
        .changes_after(0)
        .into_iter()
        .filter(|change| {
            change.new_image.clone().is_some_and(|image| {
                award_app::store::type_of(&image) == Some("application")
                    && award_app::store::from_item::<award_app::model::Application>(image)
                        .unwrap()
                        .record
                        .state()
                        == award_domain::lifecycle::ApplicationState::Recommended
            })
        })
        .collect();
    recommended.reverse();
    let mut seen = std::collections::BTreeSet::new();
    recommended.retain(|change| seen.insert(change.key.pk.clone()));
    recommended.reverse();
    let [first, middle, last] = <[_; 3]>::try_from(recommended).unwrap();
    // The table gives no answer for the middle application (past the SDK's retries).
    let unanswered = middle.key.clone();
    let failing = h.app.with_table(std::sync::Arc::new(
        common::hooked::Hooked::over(h.table.clone()).on_get(move |key| {
            (key == &unanswered).then(|| {
                Err(award_ports::TableError::Unavailable(
                    "no answer from DynamoDB".into(),
                ))
            })
        }),
    ));
    let at = china(2026, 7, 10, 11);

    let outcome = screening::table_changes(&failing, stream_batch(&[&first, &middle, &last]), at)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&outcome.response).unwrap(),
        json!({ "batchItemFailures": [{ "itemIdentifier": middle.sequence }] })
    );
    assert_eq!((outcome.report.changed, outcome.report.failed), (1, 1));
    // The record before the failed one is done; the one after it, another application's, was handled
    // concurrently (issue 23) but is not counted: the stream delivers it again.
    assert!(screened(&h, &first).await);
    assert!(!screened(&h, &middle).await);
    assert!(screened(&h, &last).await);

    // Lambda delivers the batch again from the failed record, the one before it checkpointed.
    let outcome = screening::table_changes(&h.app, stream_batch(&[&middle, &last]), at)
        .await
        .unwrap();
    assert_eq!(outcome.failed_sequence(), None);
    let report = &outcome.report;
    assert_eq!((report.changed, report.unchanged), (1, 1), "{report:?}");
    assert!(screened(&h, &middle).await && screened(&h, &last).await);

    // The whole batch once more (a retry after a lost answer): nothing is written again.
    let settled = h.last_sequence();
    let outcome = screening::table_changes(&h.app, stream_batch(&[&first, &middle, &last]), at)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&outcome.response).unwrap(),
        json!({ "batchItemFailures": [] })
    );
    let report = outcome.report;
    assert_eq!((report.changed, report.unchanged, report.failed), (0, 3, 0));
    assert_eq!(h.last_sequence(), settled);
}

#[tokio::test]
async fn the_aggregate_stream_names_a_record_it_cannot_read_and_stops_there() {
    let h = Harness::new();
    recommended_applications(&h, 1).await;
    let changes = h.changes_after(0);
    let mut records = wire_records(&changes[..3]);
    records[1]["dynamodb"]["Keys"] = json!("not a key map");
    let event: events::StreamRecords =
        serde_json::from_value(json!({ "Records": records })).unwrap();
    let outcome = reviews::table_changes(&h.app, event, china(2026, 8, 3, 10))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&outcome.response).unwrap(),
        json!({ "batchItemFailures": [{ "itemIdentifier": changes[1].sequence }] })
    );
    assert_eq!(outcome.report.failed, 1);
    // A failing record without a sequence number cannot be named: the invocation fails whole.
    let mut anonymous = wire_records(&changes[..1]);
    anonymous[0]["dynamodb"]["Keys"] = json!(7);
    anonymous[0]["dynamodb"]["SequenceNumber"] = json!("");
    let event: events::StreamRecords =
        serde_json::from_value(json!({ "Records": anonymous })).unwrap();
    assert!(
        reviews::table_changes(&h.app, event, china(2026, 8, 3, 10))
            .await
            .is_err()
    );
}
