//! The HTTP API over the embedded adapters: every route's happy path, and every refusal with its
//! JSON code and nothing written.

mod common;

use common::hooked::Hooked;
use common::*;
use serde_json::{Value, json};

/// Asserts a refusal: status, stable code, both messages, and that nothing was written.
async fn refused(
    h: &Harness,
    method: &str,
    path: &str,
    caller: Option<As<'_>>,
    body: Option<&str>,
    status: u16,
    code: &str,
) -> Value {
    let before = h.last_sequence();
    let emails = h.emails().len();
    let (got, reply) = h.request(method, path, caller, body).await;
    assert_eq!(
        (got, reply["code"].as_str()),
        (status, Some(code)),
        "{reply}"
    );
    assert!(!reply["message"].as_str().unwrap().is_empty());
    assert!(!reply["message_zh"].as_str().unwrap().is_empty());
    assert_eq!(
        h.last_sequence(),
        before,
        "a refused request wrote to the table"
    );
    assert!(h.changes_after(before).is_empty());
    assert_eq!(h.emails().len(), emails);
    reply
}

#[tokio::test]
async fn cycles_are_created_and_opened_by_the_office_one_at_a_time() {
    let h = Harness::new();
    refused(&h, "GET", "/cycles/open", None, None, 404, "no_open_cycle").await;
    h.open_cycle().await;

    let (status, cycle) = h.request("GET", "/cycles/open", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(cycle["id"], "2026");
    assert_eq!(cycle["status"], "open");
    assert_eq!(cycle["application_deadline"], "2026-06-30");
    assert_eq!(cycle["quota"], 3);
    assert_eq!(cycle["rules"]["rubric"]["total_points"], 1000);
    assert!(cycle["rules_approved_at"].is_string(), "{cycle}");
    // The public view names no staff account.
    let public = cycle.to_string();
    assert!(
        !public.contains("committee-1") && !public.contains("office-1"),
        "{public}"
    );
    assert!(cycle.get("created_by").is_none() && cycle.get("rules_approval").is_none());

    let second = cycle_body("2028");
    h.create_cycle(&second).await;
    h.approve_rules("2028").await;
    refused(
        &h,
        "POST",
        "/cycles/2028/open",
        Some(OFFICE),
        None,
        409,
        "another_cycle_open",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles/2026/open",
        Some(OFFICE),
        None,
        409,
        "cycle_already_open",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles/2030/open",
        Some(OFFICE),
        None,
        404,
        "cycle_not_found",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles",
        Some(OFFICE),
        Some(&second),
        409,
        "cycle_exists",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles",
        Some(ALICE),
        Some(&cycle_body("2030")),
        403,
        "forbidden",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles/2028/open",
        Some(ALICE),
        None,
        403,
        "forbidden",
    )
    .await;
    let backwards = r#"{"id":"2030","title":"x","application_deadline":"2030-06-30","recommendation_deadline":"2030-01-01"}"#;
    refused(
        &h,
        "POST",
        "/cycles",
        Some(OFFICE),
        Some(backwards),
        422,
        "cycle_deadline_order",
    )
    .await;
    let malformed_date = r#"{"id":"2030","title":"x","application_deadline":"30 June","recommendation_deadline":"2030-07-01"}"#;
    refused(
        &h,
        "POST",
        "/cycles",
        Some(OFFICE),
        Some(malformed_date),
        422,
        "invalid_cycle",
    )
    .await;
}

#[tokio::test]
async fn a_cycle_id_is_its_four_digit_year() {
    let h = Harness::new();
    for bad_id in ["20#30", "26", "2030-a", "MMXXX", "20300"] {
        let body = cycle_body("2030").replace("\"2030\"", &format!("{bad_id:?}"));
        let reply = refused(
            &h,
            "POST",
            "/cycles",
            Some(OFFICE),
            Some(&body),
            422,
            "invalid_cycle_id",
        )
        .await;
        assert!(reply["message_zh"].as_str().unwrap().contains("四位年份"));
    }
    // A path segment that is not a year names no cycle.
    for (path, caller) in [
        ("/cycles/26/open", OFFICE),
        ("/cycles/x/rules/approve", COMMITTEE),
        ("/cycles/x", OFFICE),
    ] {
        let method = if path == "/cycles/x" { "GET" } else { "POST" };
        refused(&h, method, path, Some(caller), None, 404, "cycle_not_found").await;
    }
}

#[tokio::test]
async fn cycles_are_two_years_apart() {
    let h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    for too_close in ["2025", "2027"] {
        let reply = refused(
            &h,
            "POST",
            "/cycles",
            Some(OFFICE),
            Some(&cycle_body(too_close)),
            409,
            "cycle_not_biennial",
        )
        .await;
        assert!(
            reply["message"].as_str().unwrap().contains("2026"),
            "{reply}"
        );
    }
    h.create_cycle(&cycle_body("2028")).await;
}

/// A listing that misses every cycle, as an index lagging behind a concurrent creation would.
fn lagging_index(h: &Harness) -> Hooked {
    Hooked::over(h.table.clone()).on_query(|query| {
        (query.index == award_ports::Index::Gsi1).then(|| {
            Ok(award_ports::Page {
                items: Vec::new(),
                next: None,
            })
        })
    })
}

/// A table whose transactions DynamoDB keeps throttling (cancelled with `ThrottlingError`
/// reasons); reads work. Returns the count of transactions sent.
fn throttling(h: &mut Harness) -> std::sync::Arc<std::sync::atomic::AtomicU32> {
    let transactions = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let sent = transactions.clone();
    h.app.table = std::sync::Arc::new(Hooked::over(h.table.clone()).on_transact(move |_| {
        sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Some(Err(award_ports::TableError::Throttled(
            "TransactionCanceledException [ThrottlingError]".into(),
        )))
    }));
    transactions
}

#[tokio::test]
async fn a_throttled_table_is_a_busy_service_with_retry_after_and_nothing_written() {
    let mut h = Harness::new();
    h.open_cycle().await;
    let transactions = throttling(&mut h);
    let before = h.last_sequence();
    let event: Value = serde_json::from_str(&api_gateway_event(
        "POST",
        "/applications",
        Some(ALICE),
        Some(&application_body(1)),
        "$default",
    ))
    .unwrap();
    let response = award_app::http::handle_event(&h.app, event, now()).await;
    assert_eq!(response.status_code, 503);
    assert_eq!(response.headers["retry-after"], "2");
    let body: Value = match response.body {
        Some(aws_lambda_events::encodings::Body::Text(text)) => {
            serde_json::from_str(&text).unwrap()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(body["code"], "service_busy", "{body}");
    assert_eq!(body["message_zh"], "系统繁忙，请稍后重试。");
    // Retried with back-off inside the function before it gave up; nothing landed.
    assert_eq!(
        transactions.load(std::sync::atomic::Ordering::SeqCst),
        award_ports::table::COMMIT_ATTEMPTS
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn the_biennial_rule_holds_even_when_the_listing_lags() {
    let mut h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    h.app.table = std::sync::Arc::new(lagging_index(&h));
    refused(
        &h,
        "POST",
        "/cycles",
        Some(OFFICE),
        Some(&cycle_body("2027")),
        409,
        "cycle_not_biennial",
    )
    .await;
    h.create_cycle(&cycle_body("2028")).await;
}

#[tokio::test]
async fn the_committee_approves_the_rules_before_the_office_opens() {
    let h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    let reply = refused(
        &h,
        "POST",
        "/cycles/2026/open",
        Some(OFFICE),
        None,
        409,
        "rules_not_approved",
    )
    .await;
    assert!(reply["message_zh"].as_str().unwrap().contains("评审委员会"));
    for not_committee in [OFFICE, ALICE, EXPERT] {
        refused(
            &h,
            "POST",
            "/cycles/2026/rules/approve",
            Some(not_committee),
            None,
            403,
            "forbidden",
        )
        .await;
    }
    refused(
        &h,
        "POST",
        "/cycles/2030/rules/approve",
        Some(COMMITTEE),
        None,
        404,
        "cycle_not_found",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles/2026/open",
        Some(COMMITTEE),
        None,
        403,
        "forbidden",
    )
    .await;

    let before = h.last_sequence();
    let approved = h.approve_rules("2026").await;
    assert_eq!(approved["status"], "draft");
    assert_eq!(approved["rules_approval"]["by"], "committee-1");
    assert_eq!(approved["rules_approval"]["at"], "2026-03-02T02:00:00Z");
    // The approval is audited (Art. 3) in the cycle's partition.
    let audited = h.audits_after(before).into_iter().any(|audit| {
        audit.action == "cycle_rules_approved"
            && audit.subject_partition == "CYCLE#2026"
            && audit.actor == "committee-1"
    });
    assert!(audited, "no audit record of the approval");

    let (status, opened) = h
        .request("POST", "/cycles/2026/open", Some(OFFICE), None)
        .await;
    assert_eq!(
        (status, opened["status"].as_str()),
        (200, Some("open")),
        "{opened}"
    );
    assert_eq!(opened["opened_at"], "2026-03-02T02:00:00Z");
}

#[tokio::test]
async fn a_cycle_cannot_open_after_its_deadline() {
    let h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    h.approve_rules("2026").await;
    let late = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 7, 1, 2, 0, 0).unwrap();
    let before = h.last_sequence();
    let (status, reply) = h
        .request_at("POST", "/cycles/2026/open", Some(OFFICE), None, late)
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("application_deadline_passed"))
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn the_quota_and_title_are_checked_when_a_cycle_is_created() {
    let h = Harness::new();
    let with = |field: &str, value: Value| {
        let mut body: Value = serde_json::from_str(&cycle_body("2026")).unwrap();
        body[field] = value;
        body.to_string()
    };
    for quota in [0, 4] {
        refused(
            &h,
            "POST",
            "/cycles",
            Some(OFFICE),
            Some(&with("quota", quota.into())),
            422,
            "invalid_quota",
        )
        .await;
    }
    for title in ["  ", &"奖".repeat(201)] {
        refused(
            &h,
            "POST",
            "/cycles",
            Some(OFFICE),
            Some(&with("title", title.into())),
            422,
            "invalid_cycle_title",
        )
        .await;
    }
    refused(
        &h,
        "POST",
        "/cycles",
        Some(OFFICE),
        Some(&with("application_deadline", "2026-03-01".into())),
        422,
        "cycle_deadline_in_past",
    )
    .await;
    let cycle = h.create_cycle(&with("quota", 2.into())).await;
    assert_eq!(cycle["quota"], 2);
}

#[tokio::test]
async fn an_applicant_creates_a_draft_and_is_told_once() {
    let h = Harness::new();
    h.open_cycle().await;
    let before = h.last_sequence();
    let (status, application) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&application_body(1)),
        )
        .await;
    assert_eq!(status, 201, "{application}");
    assert_eq!(application["lifecycle"]["state"], "draft");
    assert_eq!(application["cycle_id"], "2026");
    assert_eq!(application["lifecycle"]["owner"], "alice");
    assert_eq!(application["uscc"], uscc(1));
    assert_eq!(application["form"]["organisation"]["uscc"], uscc(1));
    assert_eq!(application["contact"]["account_email"], "alice@example.cn");
    assert_eq!(
        application["contact"]["pending_email"],
        "contact1@example.cn"
    );

    // One transaction: application, guard, notice, audit, and the confirmation of the contact
    // address with its notice (the cycle check writes nothing).
    let changes = h.changes_after(before);
    let types: Vec<String> = changes
        .iter()
        .map(|c| {
            award_app::store::type_of(c.new_image.as_ref().unwrap())
                .unwrap()
                .to_owned()
        })
        .collect();
    for expected in [
        "application",
        "organisation_guard",
        "notice",
        "audit",
        "email_confirmation",
    ] {
        assert!(types.contains(&expected.to_owned()), "{types:?}");
    }
    assert_eq!(changes.len(), 6);

    let report = h.deliver_stream(now()).await.unwrap();
    assert_eq!(report.changed, 2);
    let emails = h.emails();
    assert_eq!(emails.len(), 2);
    // Until the contact address is confirmed, the applicant's notices go to the account's
    // verified address; the contact address gets only the link to confirm it.
    assert!(emails.iter().any(|e| e.contains("alice@example.cn")));
    assert!(emails.iter().any(|e| e.contains("contact1@example.cn")));
    // A redelivered stream (the whole feed again, now including the claim and the sent mark).
    let again = h.deliver_stream(now()).await.unwrap();
    assert_eq!(again.changed, 0);
    assert_eq!(h.emails().len(), 2);
}

#[tokio::test]
async fn applicants_see_only_their_own_applications() {
    let h = Harness::new();
    h.open_cycle().await;
    let alices = h.create_application(ALICE, 1).await;
    let alices_second_org = h.create_application(ALICE, 2).await;
    let bobs = h.create_application(BOB, 3).await;

    let (status, list) = h.request("GET", "/applications", Some(ALICE), None).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&alices.as_str()) && ids.contains(&alices_second_org.as_str()));

    let (status, own) = h
        .request("GET", &format!("/applications/{alices}"), Some(ALICE), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(own["id"], alices);
    assert_eq!(own["documents"], serde_json::json!([]));

    let (status, by_office) = h
        .request("GET", &format!("/applications/{bobs}"), Some(OFFICE), None)
        .await;
    assert_eq!(
        (status, by_office["id"].as_str()),
        (200, Some(bobs.as_str()))
    );

    let path = format!("/applications/{bobs}");
    refused(
        &h,
        "GET",
        &path,
        Some(ALICE),
        None,
        404,
        "application_not_found",
    )
    .await;
    refused(&h, "GET", &path, None, None, 401, "unauthenticated").await;
    // An expert reads only what its own panel opened to it (Art. 19): to any other, the
    // application does not exist.
    refused(
        &h,
        "GET",
        &path,
        Some(EXPERT),
        None,
        404,
        "application_not_found",
    )
    .await;
    refused(
        &h,
        "GET",
        "/applications",
        Some(OFFICE),
        None,
        403,
        "forbidden",
    )
    .await;
    refused(
        &h,
        "GET",
        "/applications/not-an-id",
        Some(ALICE),
        None,
        404,
        "application_not_found",
    )
    .await;
}

/// A body of the wrong shape says which field and what is wrong, in both languages: serde's
/// English words never stand in for the Chinese message.
#[tokio::test]
async fn a_misshapen_body_names_the_field_in_both_languages() {
    let h = Harness::new();
    h.open_cycle().await;
    let with = |field: &str, value: Value| {
        let mut body: Value = serde_json::from_str(&application_body(1)).unwrap();
        body[field] = value;
        body.to_string()
    };
    let without = |field: &str| {
        let mut body: Value = serde_json::from_str(&application_body(1)).unwrap();
        body.as_object_mut().unwrap().remove(field);
        body.to_string()
    };
    for (body, english, chinese) in [
        (with("extra", Value::from("x")), "extra", "不接受字段 extra"),
        (
            with("uscc", Value::from(12)),
            "uscc: invalid type",
            "uscc：类型不正确",
        ),
        (without("uscc"), "missing field `uscc`", "缺少必填字段 uscc"),
    ] {
        let reply = refused(
            &h,
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body),
            400,
            "invalid_field",
        )
        .await;
        let message = reply["message"].as_str().unwrap();
        let message_zh = reply["message_zh"].as_str().unwrap();
        assert!(message.contains(english), "{message}");
        assert!(message_zh.contains(chinese), "{message_zh}");
        assert!(
            !message_zh.contains("invalid") && !message_zh.contains("expected"),
            "{message_zh}"
        );
    }
    // Anything after the value is malformed JSON, as before.
    let trailing = format!("{} x", application_body(1));
    refused(
        &h,
        "POST",
        "/applications",
        Some(ALICE),
        Some(&trailing),
        400,
        "invalid_json",
    )
    .await;
}

#[tokio::test]
async fn names_are_stored_composed_whatever_the_keyboard_sent() {
    let h = Harness::new();
    h.open_cycle().await;
    let mut body: Value = serde_json::from_str(&application_body(1)).unwrap();
    // "é" sent as e + U+0301 (a decomposed form some keyboards and PDFs produce).
    body["organisation_name"] = Value::from("Cafe\u{301}武威有限公司");
    let (status, created) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["form"]["organisation"]["name"], "Caf\u{e9}武威有限公司",
        "{created}"
    );
}

#[tokio::test]
async fn bad_applications_are_refused_and_change_nothing() {
    let h = Harness::new();
    h.open_cycle().await;
    let with = |field: &str, value: Value| {
        let mut body: Value = serde_json::from_str(&application_body(1)).unwrap();
        body[field] = value;
        body.to_string()
    };
    let cases = [
        (r#"{"organisation_name": "#.to_owned(), 400, "invalid_json"),
        ("".to_owned(), 400, "invalid_json"),
        (with("extra", Value::from("x")), 400, "invalid_field"),
        (with("uscc", Value::from(12)), 400, "invalid_field"),
        (with("uscc", Value::from("916206")), 422, "invalid_uscc"),
        (
            with("organisation_name", Value::from("   ")),
            422,
            "invalid_organisation_name",
        ),
        (
            with("registration_date", Value::from("2026-03-03")),
            422,
            "invalid_registration_date",
        ),
        (
            with("registration_date", Value::from("20150520")),
            422,
            "invalid_registration_date",
        ),
        (
            with("division_code", Value::from("6206")),
            422,
            "invalid_division_code",
        ),
        // Six digits, but no division of the GB/T 2260 list.
        (
            with("division_code", Value::from("620699")),
            422,
            "invalid_division_code",
        ),
        (
            with("contact_email", Value::from("not-an-email")),
            422,
            "invalid_email",
        ),
        // Deliverable only over SMTPUTF8, which no adapter promises: refused when entered.
        (
            with("contact_email", Value::from("经理@example.cn")),
            422,
            "invalid_email",
        ),
        (
            with("contact_email", Value::from("manager＠example.cn")),
            422,
            "invalid_email",
        ),
        // Names that look like other names: a right-to-left override, a zero-width space.
        (
            with("organisation_name", Value::from("武威\u{202E}司公限有")),
            422,
            "invalid_characters",
        ),
        (
            with("organisation_name", Value::from("武威\u{200B}祁连有限公司")),
            422,
            "invalid_characters",
        ),
        // Before the founding of the People's Republic: a mistyped year.
        (
            with("registration_date", Value::from("1949-09-30")),
            422,
            "invalid_registration_date",
        ),
    ];
    for (body, status, code) in cases {
        refused(
            &h,
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body),
            status,
            code,
        )
        .await;
    }
    let body = application_body(1);
    refused(
        &h,
        "POST",
        "/applications",
        None,
        Some(&body),
        401,
        "unauthenticated",
    )
    .await;
    refused(
        &h,
        "POST",
        "/applications",
        Some(OFFICE),
        Some(&body),
        403,
        "forbidden",
    )
    .await;
    // The role is checked before the body is read.
    refused(
        &h,
        "POST",
        "/applications",
        Some(OFFICE),
        Some("{"),
        403,
        "forbidden",
    )
    .await;

    // A media type that is not JSON (a form post) is refused as such.
    let before = h.last_sequence();
    let event: Value = serde_json::from_str(
        &api_gateway_event(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body),
            "$default",
        )
        .replace("application/json", "multipart/form-data; boundary=x"),
    )
    .unwrap();
    let response = award_app::http::handle_event(&h.app, event, now()).await;
    assert_eq!(response.status_code, 415);
    assert_eq!(h.last_sequence(), before);
}

/// Organisation 1's USCC with its check character changed.
fn wrong_check_character() -> String {
    let mut code = uscc(1);
    let last = code.pop().unwrap();
    code.push(if last == '0' { '1' } else { '0' });
    code
}

#[tokio::test]
async fn a_code_failing_only_its_check_character_is_accepted_for_screening_to_flag() {
    let h = Harness::new();
    h.open_cycle().await;
    let mut body: Value = serde_json::from_str(&application_body(1)).unwrap();
    body["uscc"] = Value::from(wrong_check_character().to_lowercase());
    let (status, created) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    // Stored as written on the licence (upper case), not corrected.
    assert_eq!(created["uscc"], wrong_check_character());
}

#[tokio::test]
async fn one_application_per_organisation_per_cycle() {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    let body = application_body(1);
    refused(
        &h,
        "POST",
        "/applications",
        Some(ALICE),
        Some(&body),
        409,
        "duplicate_application",
    )
    .await;
    // Another account for the same organisation fares no better.
    refused(
        &h,
        "POST",
        "/applications",
        Some(BOB),
        Some(&body),
        409,
        "duplicate_application",
    )
    .await;
}

#[tokio::test]
async fn no_application_without_an_open_cycle_or_after_its_deadline() {
    let h = Harness::new();
    let body = application_body(1);
    refused(
        &h,
        "POST",
        "/applications",
        Some(ALICE),
        Some(&body),
        404,
        "no_open_cycle",
    )
    .await;
    h.open_cycle().await;
    let late = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 7, 1, 2, 0, 0).unwrap();
    let before = h.last_sequence();
    let (status, reply) = h
        .request_at("POST", "/applications", Some(ALICE), Some(&body), late)
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("application_deadline_passed"))
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn the_owner_declares_a_document_and_gets_a_bound_upload_link() {
    let h = Harness::new();
    h.open_cycle().await;
    let application = h.create_application(ALICE, 1).await;
    let content = b"%PDF-1.7 quality manual";
    let (status, declared) = h.declare(ALICE, &application, content).await;
    assert_eq!(status, 201, "{declared}");
    let document = &declared["document"];
    assert_eq!(document["status"], "declared");
    assert_eq!(document["file_name"], "质量手册.pdf");
    assert_eq!(document["sha256"], sha256_hex(content));
    let upload = &declared["upload"];
    assert_eq!(upload["method"], "PUT");
    let url = upload["url"].as_str().unwrap();
    assert!(
        url.contains(&format!(
            "/blobs/applications/{application}/{}",
            document["id"].as_str().unwrap()
        )),
        "{url}"
    );
    assert_eq!(upload["headers"]["content-type"], "application/pdf");
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(upload["expires_at"].clone()).unwrap();
    assert!(expires <= now() + chrono::Duration::minutes(15) && expires > now());

    let (_, read) = h
        .request(
            "GET",
            &format!("/applications/{application}"),
            Some(ALICE),
            None,
        )
        .await;
    assert_eq!(read["documents"].as_array().unwrap().len(), 1);
    assert_eq!(read["documents"][0]["id"], document["id"]);
}

#[tokio::test]
async fn bad_document_declarations_are_refused_and_change_nothing() {
    let h = Harness::new();
    h.open_cycle().await;
    let application = h.create_application(ALICE, 1).await;
    let path = format!("/applications/{application}/documents");
    let pdf = b"%PDF";
    let oversize = serde_json::json!({
        "category": "other", "file_name": "big.pdf", "content_type": "application/pdf",
        "size": MAX_UPLOAD + 1, "sha256": sha256_hex(pdf)
    })
    .to_string();
    let empty = serde_json::json!({
        "category": "other", "file_name": "e.pdf", "content_type": "application/pdf", "size": 0, "sha256": sha256_hex(b"")
    })
    .to_string();
    let bad_sha = serde_json::json!({
        "category": "other", "file_name": "a.pdf", "content_type": "application/pdf", "size": 4, "sha256": "abc"
    })
    .to_string();
    let negative =
        r#"{"file_name":"a.pdf","content_type":"application/pdf","size":-4,"sha256":"ab"}"#;
    let cases: Vec<(String, u16, &str)> = vec![
        ("{".into(), 400, "invalid_json"),
        (negative.into(), 400, "invalid_field"),
        (
            document_body("a.zip", "application/zip", pdf),
            415,
            "unsupported_document_type",
        ),
        (
            document_body("run.exe", "application/x-msdownload", pdf),
            415,
            "unsupported_document_type",
        ),
        (
            document_body("a.png", "application/pdf", pdf),
            422,
            "extension_mismatch",
        ),
        (
            document_body("..", "application/pdf", pdf),
            422,
            "invalid_file_name",
        ),
        (oversize, 413, "document_too_large"),
        (empty, 422, "empty_document"),
        (bad_sha, 422, "invalid_sha256"),
    ];
    for (body, status, code) in cases {
        refused(&h, "POST", &path, Some(ALICE), Some(&body), status, code).await;
    }
    let good = document_body("a.pdf", "application/pdf", pdf);
    refused(
        &h,
        "POST",
        &path,
        Some(BOB),
        Some(&good),
        404,
        "application_not_found",
    )
    .await;
    refused(
        &h,
        "POST",
        &path,
        Some(OFFICE),
        Some(&good),
        403,
        "forbidden",
    )
    .await;
    refused(&h, "POST", &path, None, Some(&good), 401, "unauthenticated").await;
    let unknown = format!("/applications/{}/documents", ulid::Ulid::nil());
    refused(
        &h,
        "POST",
        &unknown,
        Some(ALICE),
        Some(&good),
        404,
        "application_not_found",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_declarations_all_land() {
    let h = std::sync::Arc::new(Harness::new());
    h.open_cycle().await;
    let application = h.create_application(ALICE, 1).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..12 {
        let h = h.clone();
        let application = application.clone();
        tasks.spawn(async move {
            let content = format!("document {i}");
            h.declare(ALICE, &application, content.as_bytes()).await.0
        });
    }
    let statuses = tasks.join_all().await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let (_, read) = h
        .request(
            "GET",
            &format!("/applications/{application}"),
            Some(ALICE),
            None,
        )
        .await;
    assert_eq!(read["documents"].as_array().unwrap().len(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creations_keep_one_application_per_organisation() {
    let h = std::sync::Arc::new(Harness::new());
    h.open_cycle().await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10_u32 {
        let h = h.clone();
        // Organisations 0..5 twice each, by different accounts.
        tasks.spawn(async move {
            let caller = if i % 2 == 0 { ALICE } else { BOB };
            h.request(
                "POST",
                "/applications",
                Some(caller),
                Some(&application_body(i / 2)),
            )
            .await
            .0
        });
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort();
    assert_eq!(statuses, [[201; 5], [409; 5]].concat());
    let (_, alices) = h.request("GET", "/applications", Some(ALICE), None).await;
    let (_, bobs) = h.request("GET", "/applications", Some(BOB), None).await;
    let total = alices["applications"].as_array().unwrap().len()
        + bobs["applications"].as_array().unwrap().len();
    assert_eq!(total, 5);
    // Each created application owes its creation notice and its contact's confirmation.
    let report = h.deliver_stream(now()).await.unwrap();
    assert_eq!(report.changed, 10);
    assert_eq!(h.emails().len(), 10);
}

#[tokio::test]
async fn routing_refusals() {
    let h = Harness::new();
    refused(
        &h,
        "GET",
        "/nowhere",
        Some(ALICE),
        None,
        404,
        "route_not_found",
    )
    .await;
    refused(
        &h,
        "DELETE",
        "/applications",
        Some(ALICE),
        None,
        405,
        "method_not_allowed",
    )
    .await;
    refused(
        &h,
        "POST",
        "/cycles/open",
        Some(OFFICE),
        None,
        405,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn a_named_stage_prefix_is_not_part_of_the_route() {
    let h = Harness::new();
    h.open_cycle().await;
    let event: Value = serde_json::from_str(&api_gateway_event(
        "GET",
        "/v1/cycles/open",
        None,
        None,
        "v1",
    ))
    .unwrap();
    let response = award_app::http::handle_event(&h.app, event, now()).await;
    assert_eq!(response.status_code, 200);
}

/// `GET /openapi.json` answers the API document without a token, and writes nothing.
#[tokio::test]
async fn the_api_document_is_served_without_a_token() {
    let h = Harness::new();
    let before = h.last_sequence();
    let (status, document) = h.request("GET", "/openapi.json", None, None).await;
    assert_eq!(status, 200, "{document}");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(&document, award_app::http::openapi::document());
    assert_eq!(
        document["paths"]["/cycles/{id}/open"]["post"]["x-roles"],
        serde_json::json!(["office"])
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn the_office_sets_the_rules_the_committee_then_approves_and_an_amendment_needs_approving_again()
 {
    let h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    let approved = h.approve_rules("2026").await;
    assert!(approved["rules_approval"].is_object(), "{approved}");

    // The Office changes the rules it starts from: 7 working days of publicity, 7 experts.
    let mut rules = approved["rules"].clone();
    rules["publicity_working_days"] = json!(7);
    rules["document_panel_size"] = json!(7);
    let body = rules.to_string();
    for not_office in [COMMITTEE, ALICE, EXPERT] {
        refused(
            &h,
            "PUT",
            "/cycles/2026/rules",
            Some(not_office),
            Some(&body),
            403,
            "forbidden",
        )
        .await;
    }
    // Fewer than the 5 working days Art. 11(8) asks for is refused, and nothing is written.
    let mut short = rules.clone();
    short["publicity_working_days"] = json!(4);
    let reply = refused(
        &h,
        "PUT",
        "/cycles/2026/rules",
        Some(OFFICE),
        Some(&short.to_string()),
        422,
        "invalid_rules",
    )
    .await;
    // The refusal names the field, so the rules form says it beside the input.
    assert_eq!(
        reply["details"][0]["field"], "publicity_working_days",
        "{reply}"
    );
    assert!(
        reply["details"][0]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("5 个工作日")),
        "{reply}"
    );

    let (status, set) = h
        .request("PUT", "/cycles/2026/rules", Some(OFFICE), Some(&body))
        .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["rules"]["publicity_working_days"], 7);
    assert_eq!(set["rules"]["document_panel_size"], 7);
    // The approval given to the earlier rules lapses: the Committee approves what binds it.
    assert!(set["rules_approval"].is_null(), "{set}");
    refused(
        &h,
        "POST",
        "/cycles/2026/open",
        Some(OFFICE),
        None,
        409,
        "rules_not_approved",
    )
    .await;
    h.approve_rules("2026").await;
    let (status, opened) = h
        .request("POST", "/cycles/2026/open", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["rules"]["publicity_working_days"], 7);

    // Amended after the call opened (before any score froze them, Art. 20), the rules need the
    // Committee again: the scoring refuses unapproved rules (award_domain::cycle::freeze_rules).
    let (status, amended) = h
        .request("PUT", "/cycles/2026/rules", Some(OFFICE), Some(&body))
        .await;
    assert_eq!(status, 200, "{amended}");
    assert_eq!(amended["status"], "open");
    assert!(amended["rules_approval"].is_null(), "{amended}");
}

#[tokio::test]
async fn the_office_withdraws_a_draft_cycle_but_never_a_published_call() {
    let h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    for not_office in [COMMITTEE, ALICE, EXPERT] {
        refused(
            &h,
            "DELETE",
            "/cycles/2026",
            Some(not_office),
            None,
            403,
            "forbidden",
        )
        .await;
    }
    refused(
        &h,
        "DELETE",
        "/cycles/2030",
        Some(OFFICE),
        None,
        404,
        "cycle_not_found",
    )
    .await;
    let before = h.last_sequence();
    let (status, reply) = h
        .request("DELETE", "/cycles/2026", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["deleted"], "2026");
    refused(
        &h,
        "GET",
        "/cycles/2026",
        Some(OFFICE),
        None,
        404,
        "cycle_not_found",
    )
    .await;
    let (_, listed) = h.request("GET", "/cycles", Some(OFFICE), None).await;
    assert_eq!(listed["cycles"], json!([]), "{listed}");
    // The withdrawal is kept in the cycle's audit trail.
    let audited = h.audits_after(before).into_iter().any(|audit| {
        audit.action == "cycle_cancelled"
            && audit.subject_partition == "CYCLE#2026"
            && audit.actor == "office-1"
    });
    assert!(audited, "no audit record of the withdrawal");

    // Its year can be created again; once the call is published it stays.
    h.create_cycle(&cycle_body("2026")).await;
    h.approve_rules("2026").await;
    let (status, opened) = h
        .request("POST", "/cycles/2026/open", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{opened}");
    let reply = refused(
        &h,
        "DELETE",
        "/cycles/2026",
        Some(OFFICE),
        None,
        409,
        "cycle_published",
    )
    .await;
    assert!(
        reply["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("只能延长"))
    );
    let (status, _) = h.request("GET", "/cycles/2026", Some(OFFICE), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_office_sets_the_contact_details_the_publicity_notice_prints() {
    let h = Harness::new();
    // Until the Office sets them, the deployment's mailbox alone.
    let (status, contact) = h
        .request("GET", "/settings/office-contact", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{contact}");
    assert_eq!(
        contact,
        json!({"phone": "", "postal_address": "", "mailbox": OFFICE_MAILBOX})
    );

    let body = json!({
        "phone": "0935-2212345",
        "postal_address": "甘肃省武威市凉州区东大街1号 733000",
        "mailbox": "zlj@wuwei.example.cn",
    })
    .to_string();
    for not_office in [COMMITTEE, ALICE] {
        refused(
            &h,
            "GET",
            "/settings/office-contact",
            Some(not_office),
            None,
            403,
            "forbidden",
        )
        .await;
        refused(
            &h,
            "PUT",
            "/settings/office-contact",
            Some(not_office),
            Some(&body),
            403,
            "forbidden",
        )
        .await;
    }
    for (bad, code) in [
        (
            json!({"phone": "call us", "postal_address": "", "mailbox": "zlj@wuwei.example.cn"}),
            "invalid_phone",
        ),
        (
            json!({"phone": "12", "postal_address": "", "mailbox": "zlj@wuwei.example.cn"}),
            "invalid_phone",
        ),
        (
            json!({"phone": "", "postal_address": "", "mailbox": "not a mailbox"}),
            "invalid_email",
        ),
        (
            json!({"phone": "", "postal_address": "武威\u{202e}市", "mailbox": "zlj@wuwei.example.cn"}),
            "invalid_characters",
        ),
    ] {
        refused(
            &h,
            "PUT",
            "/settings/office-contact",
            Some(OFFICE),
            Some(&bad.to_string()),
            422,
            code,
        )
        .await;
    }
    let (status, set) = h
        .request("PUT", "/settings/office-contact", Some(OFFICE), Some(&body))
        .await;
    assert_eq!(status, 200, "{set}");
    let (_, read) = h
        .request("GET", "/settings/office-contact", Some(OFFICE), None)
        .await;
    assert_eq!(read, set);
    assert_eq!(read["phone"], "0935-2212345");
}

#[tokio::test]
async fn a_published_call_and_its_rules_stay_readable_by_anyone_a_draft_does_not() {
    let h = Harness::new();
    h.create_cycle(&cycle_body("2026")).await;
    h.approve_rules("2026").await;
    // The Office's draft is nobody else's business, as a cycle that does not exist.
    refused(
        &h,
        "GET",
        "/public/cycles/2026",
        None,
        None,
        404,
        "cycle_not_found",
    )
    .await;
    refused(
        &h,
        "GET",
        "/public/cycles/2030",
        None,
        None,
        404,
        "cycle_not_found",
    )
    .await;
    let (status, opened) = h
        .request("POST", "/cycles/2026/open", Some(OFFICE), None)
        .await;
    assert_eq!(status, 200, "{opened}");
    let (status, public) = h.request("GET", "/public/cycles/2026", None, None).await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["rules"]["rubric"]["total_points"], 1000);
    assert_eq!(public["application_deadline"], "2026-06-30");
    assert!(public.get("created_by").is_none(), "{public}");
}
