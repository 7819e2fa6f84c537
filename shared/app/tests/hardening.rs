//! Faults the emulators cannot produce on demand, proved one level down (issue: hardening):
//! transaction conflicts (a fault-injecting `Table` decorator), refusals that must not depend on
//! the order of a transaction's writes, request bodies and paths as API Gateway really sends them.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use award_ports::{Table, TableError};
use common::hooked::Hooked;
use common::*;
use serde_json::{Value, json};

/// Answers the first `conflicts` transactions with `TransactionConflict` (nothing written), as
/// DynamoDB does when another transaction holds one of the items; then behaves. Returns the count
/// of transactions sent.
fn conflicting(h: &mut Harness, conflicts: usize) -> Arc<AtomicUsize> {
    let transactions = Arc::new(AtomicUsize::new(0));
    let left = AtomicUsize::new(conflicts);
    let sent = transactions.clone();
    h.app.table = Arc::new(Hooked::over(h.table.clone()).on_transact(move |_| {
        sent.fetch_add(1, Ordering::SeqCst);
        let conflicting = left.load(Ordering::SeqCst);
        (conflicting > 0).then(|| {
            left.store(conflicting - 1, Ordering::SeqCst);
            Err(TableError::Conflict)
        })
    }));
    transactions
}

#[tokio::test]
async fn a_lost_race_is_retried_from_the_load_and_lands_once() {
    let mut h = Harness::new();
    h.open_cycle().await;
    let transactions = conflicting(&mut h, 2);
    let (status, created) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&application_body(1)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    // Two conflicts, then the third attempt wrote.
    assert_eq!(transactions.load(Ordering::SeqCst), 3);
    let (_, mine) = h.request("GET", "/applications", Some(ALICE), None).await;
    assert_eq!(mine["applications"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn conflicts_that_do_not_clear_are_a_409_with_nothing_written() {
    let mut h = Harness::new();
    h.open_cycle().await;
    let transactions = conflicting(&mut h, usize::MAX);
    let before = h.last_sequence();
    let (status, reply) = h
        .request(
            "POST",
            "/applications",
            Some(ALICE),
            Some(&application_body(1)),
        )
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("concurrent_update")),
        "{reply}"
    );
    assert_eq!(
        transactions.load(Ordering::SeqCst),
        award_app::store::CONFLICT_ATTEMPTS as usize
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn a_refusal_is_the_one_its_condition_stands_for_in_any_order() {
    let h = Harness::new();
    h.open_cycle().await;
    h.create_application(ALICE, 1).await;
    // The same organisation again: the guard's condition fails, whatever its position.
    let guard = award_app::model::OrganisationGuard {
        cycle_id: "2026".into(),
        uscc: uscc(1),
        application_id: ulid::Ulid::nil(),
    };
    let audit = award_app::model::AuditRecord {
        id: ulid::Ulid::new(),
        subject_partition: "APP#x".into(),
        actor: "t".into(),
        at: now(),
        action: "test".into(),
        detail: Default::default(),
    };
    for guard_first in [true, false] {
        let mut tx = award_app::store::Tx::new();
        let guarded = award_app::store::create(&guard).unwrap();
        let plain = award_app::store::create(&audit).unwrap();
        if guard_first {
            tx.guard(guarded, || award_app::AppError::DuplicateApplication);
            tx.push(plain);
        } else {
            tx.push(plain);
            tx.guard(guarded, || award_app::AppError::DuplicateApplication);
        }
        let error = tx.commit(h.app.table.as_ref()).await.unwrap_err();
        assert_eq!(
            error.code(),
            "duplicate_application",
            "guard first: {guard_first}"
        );
    }
}

#[tokio::test]
async fn absent_options_are_never_written_as_null() {
    let h = Harness::new();
    h.open_cycle().await;
    let id = h.create_application(ALICE, 1).await;
    let item = h
        .table
        .get(&award_app::keys::application(
            ulid::Ulid::from_string(&id).unwrap(),
        ))
        .await
        .unwrap()
        .unwrap();
    fn has_null(value: &award_ports::table::AttributeValue) -> bool {
        use award_ports::table::AttributeValue as V;
        match value {
            V::Null(_) => true,
            V::M(map) => map.values().any(has_null),
            _ => false,
        }
    }
    let attributes: &std::collections::HashMap<_, _> = item.as_ref();
    assert!(!attributes.values().any(has_null), "{attributes:?}");
    // recommender_id is None in a fresh draft: absent, not NULL.
    assert!(!attributes.contains_key("recommender_id"));
}

/// A request as API Gateway sends it, with the body's bytes, content type and encoding given.
async fn raw(
    h: &Harness,
    path: &str,
    content_type: Option<&str>,
    body: &str,
    base64: bool,
) -> (u16, Value) {
    let mut event: Value = serde_json::from_str(&api_gateway_event(
        "POST",
        path,
        Some(ALICE),
        Some(body),
        "$default",
    ))
    .unwrap();
    match content_type {
        Some(value) => event["headers"]["content-type"] = json!(value),
        None => {
            event["headers"]
                .as_object_mut()
                .unwrap()
                .remove("content-type");
        }
    }
    if base64 {
        use base64::Engine as _;
        event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(body));
        event["isBase64Encoded"] = json!(true);
    }
    let response = award_app::http::handle_event(&h.app, event, now()).await;
    let body = match response.body {
        Some(aws_lambda_events::encodings::Body::Text(text)) => text,
        other => panic!("{other:?}"),
    };
    (
        u16::try_from(response.status_code).unwrap(),
        serde_json::from_str(&body).unwrap(),
    )
}

#[tokio::test]
async fn json_bodies_are_read_whatever_their_labels_say() {
    let h = Harness::new();
    h.open_cycle().await;
    for (n, content_type, base64) in [
        (1, Some("text/plain;charset=UTF-8"), false),
        (2, None, false),
        (3, Some("Application/JSON"), false),
        (4, Some("application/json"), true),
        (5, None, true),
    ] {
        let mut body: Value = serde_json::from_str(&application_body(n)).unwrap();
        body["contact_email"] = json!("alice@example.cn");
        let (status, reply) =
            raw(&h, "/applications", content_type, &body.to_string(), base64).await;
        assert_eq!(status, 201, "{content_type:?} base64={base64}: {reply}");
    }
    // A byte-order mark in front of the JSON is not an error either.
    let mut body: Value = serde_json::from_str(&application_body(6)).unwrap();
    body["contact_email"] = json!("alice@example.cn");
    let (status, reply) = raw(
        &h,
        "/applications",
        Some("application/json"),
        &format!("\u{feff}{body}"),
        false,
    )
    .await;
    assert_eq!(status, 201, "{reply}");
    // A form post is not JSON: 415 in the error shape, nothing written.
    let before = h.last_sequence();
    let (status, reply) = raw(
        &h,
        "/applications",
        Some("application/x-www-form-urlencoded"),
        "organisation_name=x",
        false,
    )
    .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (415, Some("unsupported_content_type"))
    );
    assert_eq!(h.last_sequence(), before);
}

#[tokio::test]
async fn encoded_paths_and_queries_never_give_a_5xx() {
    let h = Harness::new();
    h.open_cycle().await;
    // A percent-encoded Chinese segment, and a `+` in a path segment: no such cycle.
    for path in ["/cycles/%E4%BA%8C%E9%9B%B6", "/cycles/20+26", "/cycles/%ZZ"] {
        let (status, reply) = h.request("GET", path, Some(OFFICE), None).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (404, Some("cycle_not_found")),
            "{path}"
        );
    }
    // A query value form-encoded: `+` and `%20` are spaces, so this state does not exist.
    let (status, reply) = h
        .request(
            "GET",
            "/cycles/2026/applications?state=in+publicity",
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("invalid_query")),
        "{reply}"
    );
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .contains("\"in publicity\""),
        "{reply}"
    );
    let (status, listed) = h
        .request(
            "GET",
            "/cycles/2026/applications?state=%64raft",
            Some(OFFICE),
            None,
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["applications"], json!([]));
}
